/*
 * cli_verify.c - `parallax verify DIR_OR_URL --key LOG.PUB ...`: the full
 * audit of a log (log/verify.h) from a data directory, a mirror of its
 * log/ directory, or an http(s):// URL serving one.  Trust comes only from
 * the keys given on the command line; nothing the source says is believed
 * until it hashes up to a checkpoint those keys signed.
 */
#include "cli.h"

#include "log/note.h"
#include "log/source.h"
#include "log/verify.h"

#include <string.h>
#include <unistd.h>

#define VERIFY_WITNESS_MAX 32
#define VERIFY_KEY_FILE_MAX 4096

static const char verify_help[] =
    "usage: parallax verify DIR_OR_URL --key LOG.PUB [--witness KEY]...\n"
    "                       [--quorum K] [--since FILE] [--quiet]\n"
    "\n"
    "Audit a whole log: the checkpoint's signature by the log key (and by\n"
    "a quorum of witnesses), every entry against its leaf hash, every\n"
    "hash tile against the tiles below it, and the root against the\n"
    "checkpoint.  The first inconsistency is reported precisely (tile,\n"
    "index, expected and found hash) and the exit status is 1.\n"
    "\n"
    "DIR_OR_URL is a data directory (holding log/ and log.pub), a log\n"
    "directory or a mirror of one, or an http:// or https:// URL of the\n"
    "log root (the directory that holds `checkpoint` and `tile/`).\n"
    "\n"
    "options:\n"
    "  --key KEY        the log's verifier key: a file holding it (such as\n"
    "                   DIR/log.pub) or the key text itself (required)\n"
    "  --witness KEY    a witness's verifier key (file or text); repeatable\n"
    "  --quorum K       cosignatures required from the witnesses (default:\n"
    "                   all the witnesses given)\n"
    "  --since FILE     an older signed checkpoint of this log, saved\n"
    "                   earlier: the log must still contain it unchanged\n"
    "  --quiet          no progress bar\n"
    "  -h, --help       show this help\n"
    "\n"
    "On success prints one line:\n"
    "  verified: N entries, root HEX, checkpoint size N\n"
    "Exit status: 0 verified, 1 verification failed or the log could not\n"
    "be read, 2 usage error.\n";

/* Does argv[*i] name option `name`?  Then *val is its value ("--x V" or
 * "--x=V") and *i is advanced; a missing value is a usage error in *rc. */
static int opt_value(int argc, char **argv, int *i, const char *name,
		     const char **val, int *rc)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	*rc = 0;
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		*rc = cli_usage_error("verify", "option '%s' needs a value",
				      name);
		return 1;
	}
	*val = argv[++*i];
	return 1;
}

/* A key from a file, or the key text itself; trailing whitespace dropped. */
static int read_key(const char *opt, const char *arg, struct note_verifier *v,
		    struct px_err *err)
{
	struct px_buf b;
	size_t len;
	int rc;

	px_buf_init(&b, VERIFY_KEY_FILE_MAX);
	if (strchr(arg, '+') == NULL || px_file_exists(arg)) {
		rc = px_read_file(arg, &b, err);
		if (rc) {
			px_buf_release(&b);
			return px_err_prefix(err, "%s", opt);
		}
	} else if (px_buf_addstr(&b, arg)) {
		px_buf_release(&b);
		return px_errorf(err, PX_ETOOBIG, "%s: key text too long", opt);
	}
	len = b.len;
	while (len > 0 && (b.data[len - 1] == '\n' || b.data[len - 1] == '\r' ||
			   b.data[len - 1] == ' ' || b.data[len - 1] == '\t'))
		len--;
	rc = note_verifier_parse((const char *)b.data, len, v, err);
	px_buf_release(&b);
	if (rc)
		return px_err_prefix(err, "%s '%s'", opt, arg);
	return 0;
}

int cli_verify(int argc, char **argv)
{
	struct note_verifier key, witnesses[VERIFY_WITNESS_MAX];
	struct log_verify_opts opts;
	struct log_verify_result res;
	struct log_source src;
	struct px_buf since;
	struct px_err err;
	const char *where = NULL, *keyarg = NULL, *sincearg = NULL;
	const char *quorumarg = NULL, *val;
	size_t nwitnesses = 0;
	uint64_t quorum;
	char roothex[2 * LOG_HASH_SIZE + 1];
	int i, rc, quiet = 0, dashdash = 0;

	if (cli_wants_help(argc, argv)) {
		fputs(verify_help, stdout);
		return 0;
	}
	px_err_clear(&err);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!dashdash && a[0] == '-' && a[1] != '\0') {
			if (strcmp(a, "--") == 0) {
				dashdash = 1;
				continue;
			}
			if (opt_value(argc, argv, &i, "--key", &val, &rc)) {
				if (rc)
					return rc;
				keyarg = val;
			} else if (opt_value(argc, argv, &i, "--witness", &val,
					     &rc)) {
				if (rc)
					return rc;
				if (nwitnesses == VERIFY_WITNESS_MAX)
					return cli_usage_error(
					    "verify", "at most %d witness keys",
					    VERIFY_WITNESS_MAX);
				if (read_key("--witness", val,
					     &witnesses[nwitnesses], &err))
					return cli_fail(&err);
				nwitnesses++;
			} else if (opt_value(argc, argv, &i, "--quorum", &val,
					     &rc)) {
				if (rc)
					return rc;
				quorumarg = val;
			} else if (opt_value(argc, argv, &i, "--since", &val,
					     &rc)) {
				if (rc)
					return rc;
				sincearg = val;
			} else if (strcmp(a, "--quiet") == 0 ||
				   strcmp(a, "-q") == 0) {
				quiet = 1;
			} else {
				return cli_usage_error(
				    "verify", "unknown option '%s'", a);
			}
			continue;
		}
		if (where)
			return cli_usage_error("verify",
					       "unexpected argument '%s'", a);
		where = a;
	}
	if (!where)
		return cli_usage_error("verify",
				       "missing the log directory or URL");
	if (!keyarg)
		return cli_usage_error(
		    "verify", "missing --key (the log's verifier key)");
	quorum = nwitnesses;
	if (quorumarg) {
		if (px_parse_u64(quorumarg, strlen(quorumarg), &quorum))
			return cli_usage_error("verify",
					       "--quorum: '%s' is not a number",
					       quorumarg);
		if (quorum > nwitnesses)
			return cli_usage_error(
			    "verify",
			    "--quorum %llu needs at least that many "
			    "--witness keys (%zu given)",
			    (unsigned long long)quorum, nwitnesses);
	}
	if (read_key("--key", keyarg, &key, &err))
		return cli_fail(&err);

	px_buf_init(&since, NOTE_MAX_BYTES);
	if (sincearg) {
		rc = px_read_file(sincearg, &since, &err);
		if (rc) {
			px_buf_release(&since);
			px_err_prefix(&err, "--since");
			return cli_fail(&err);
		}
	}

	rc = log_source_open(&src, where, &err);
	if (rc) {
		px_buf_release(&since);
		return cli_fail(&err);
	}
	memset(&opts, 0, sizeof(opts));
	opts.log_key = &key;
	opts.witnesses = nwitnesses ? witnesses : NULL;
	opts.nwitnesses = nwitnesses;
	opts.quorum = (size_t)quorum;
	opts.since = sincearg ? since.data : NULL;
	opts.since_len = sincearg ? since.len : 0;
	opts.progress = !quiet;
	rc = log_verify(&src, &opts, &res, &err);
	if (rc) {
		px_err_prefix(&err, "verify '%s' failed", src.where);
		rc = cli_fail(&err);
	} else {
		log_hash_hex(roothex, &res.checkpoint.root);
		printf("verified: %llu entries, root %s, checkpoint size %llu",
		       (unsigned long long)res.entries, roothex,
		       (unsigned long long)res.checkpoint.size);
		if (nwitnesses)
			printf(", %llu of %zu witnesses required",
			       (unsigned long long)quorum, nwitnesses);
		if (sincearg)
			printf(", consistent with the older checkpoint");
		printf("\n");
		rc = fflush(stdout) == 0 ? 0 : 1;
	}
	log_verify_result_release(&res);
	log_source_release(&src);
	px_buf_release(&since);
	return rc;
}
