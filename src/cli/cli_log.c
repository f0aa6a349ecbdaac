/*
 * cli_log.c - `parallax log ...`: create a log, append entries to it, show
 * its checkpoint, and print inclusion and consistency proofs.  Every
 * subcommand is a thin layer over log/log.h; what is printed is meant to be
 * read by people and by scripts alike (`--json` for the proofs).
 *
 * Proof output (text): one "key value" per line, hashes in lower-case hex,
 * the proof hashes one per line in RFC 9162 §2.1.3 / §2.1.4 order:
 *
 *   # inclusion proof; hashes are lower-case hex (RFC 9162 §2.1.3)
 *   index 5
 *   size 10
 *   leaf <hex>        the leaf hash, SHA-256(0x00 || entry)
 *   root <hex>        the root of the tree of `size`
 *   proof <hex>       zero or more lines
 */
#include "cli.h"
#include "cli_fmt.h"

#include "log/log.h"
#include "log/source.h"
#include "log/tile.h"
#include "log/tilehash.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define APPEND_CHUNK (1u << 20)



/* Parse a number given to option `name`; usage error if it is not one. */
static int parse_num(const char *cmd, const char *name, const char *text,
		     uint64_t *out)
{
	if (px_parse_u64(text, strlen(text), out))
		return cli_usage_error(cmd,
				       "%s: '%s' is not a number (decimal "
				       "digits, no sign)",
				       name, text);
	return 0;
}

static int open_log(const char *dir, const struct log_options *opt,
		    struct log **log, struct px_err *err)
{
	int rc = log_open(dir, opt, log, err);

	if (rc)
		px_err_prefix(err, "open log '%s'", dir);
	return rc;
}

/*
 * A read-only view of a log's public files (a data directory, a log
 * directory, or a URL): its checkpoint, as stored, and a hash reader over
 * its tiles.  Reading takes no lock, so it works while another process
 * (an append, a server) has the log open for writing.  Nothing here is
 * trusted: the root computed from the tiles must match the checkpoint, and
 * whoever receives a proof checks it against a checkpoint they verified.
 */
struct ro_log {
	struct log_source src;
	struct px_buf text; /* the signed checkpoint as stored */
	struct log_checkpoint cp;
	struct log_tilehash *th;
	struct log_hash_reader r;
};

static void ro_close(struct ro_log *ro)
{
	if (ro->th)
		log_tilehash_free(ro->th);
	log_checkpoint_release(&ro->cp);
	px_buf_release(&ro->text);
	log_source_release(&ro->src);
}

static int ro_open(const char *where, struct ro_log *ro, struct px_err *err)
{
	const char *blank;
	struct log_hash root;
	char a[2 * LOG_HASH_SIZE + 1], b[2 * LOG_HASH_SIZE + 1];
	int rc;

	memset(ro, 0, sizeof(*ro));
	px_buf_init(&ro->text, NOTE_MAX_BYTES);
	rc = log_source_open(&ro->src, where, err);
	if (rc)
		return rc;
	rc = ro->src.fetch(ro->src.ctx, "checkpoint", &ro->text, err);
	if (rc) {
		ro_close(ro);
		return px_err_prefix(err, "'%s': no checkpoint", where);
	}
	/* The note text ends at the blank line before the signatures. */
	blank = strstr((const char *)ro->text.data, "\n\n");
	rc = blank ? log_checkpoint_parse(
			 (const char *)ro->text.data,
			 (size_t)(blank + 1 - (const char *)ro->text.data),
			 &ro->cp, err)
		   : px_errorf(err, PX_EINVAL, "not a signed note");
	if (rc == 0)
		rc = log_tilehash_new(&ro->src, ro->cp.size, 0, &ro->th, err);
	if (rc == 0) {
		log_tilehash_reader(ro->th, &ro->r);
		rc = log_tree_root(&ro->r, ro->cp.size, &root, err);
	}
	if (rc == 0 && !log_hash_equal(&root, &ro->cp.root)) {
		log_hash_hex(a, &root);
		log_hash_hex(b, &ro->cp.root);
		rc = px_errorf(err, PX_EVERIFY,
			       "the tiles hash to root %s, but the checkpoint "
			       "says %s; run 'parallax verify'",
			       a, b);
	}
	if (rc) {
		px_err_prefix(err, "'%s' checkpoint", ro->src.where);
		ro_close(ro);
	}
	return rc;
}

/*
 * The leaf hash of entry `index`, from its bundle, checked against the
 * level-0 hash the tiles hold for it.
 */
static int ro_leaf(struct ro_log *ro, uint64_t index, struct log_hash *leaf,
		   struct px_err *err)
{
	struct log_bundle_entry *entries;
	struct log_tile t;
	struct log_hash stored;
	struct px_buf b;
	char path[LOG_TILE_PATH_MAX];
	int rc;

	/* The bundle as the current tree has it: a smaller tree's partial
	 * bundle may be gone once the full one exists. */
	if (log_tile_for(LOG_TILE_ENTRIES, index, ro->cp.size, &t))
		return px_errorf(err, PX_EINVAL, "no entry %llu",
				 (unsigned long long)index);
	log_tile_path(path, &t);
	entries = px_malloc(LOG_TILE_WIDTH * sizeof(*entries));
	if (!entries)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	px_buf_init(&b, (size_t)LOG_TILE_WIDTH * (2 + LOG_ENTRY_MAX));
	rc = ro->src.fetch(ro->src.ctx, path, &b, err);
	if (rc == 0) {
		rc = log_bundle_split(b.data, b.len, t.width, entries, err);
		if (rc)
			px_err_prefix(err, "%s", path);
	}
	if (rc == 0) {
		const struct log_bundle_entry *e =
		    &entries[index % LOG_TILE_WIDTH];
		log_hash_leaf(leaf, e->data, e->len);
		rc = ro->r.read(ro->r.ctx, 0, &index, 1, &stored, err);
	}
	if (rc == 0 && !log_hash_equal(leaf, &stored))
		rc = px_errorf(err, PX_EVERIFY,
			       "entry %llu in %s does not hash to the leaf "
			       "hash its tile holds; run 'parallax verify'",
			       (unsigned long long)index, path);
	px_buf_release(&b);
	px_free(entries);
	return rc;
}

/* ---- log init */

static const char init_help[] =
    "usage: parallax log init DIR --origin NAME\n"
    "\n"
    "Create a new, empty log in the data directory DIR: the public tiles\n"
    "and checkpoint under DIR/log/ (serve or mirror that directory as it\n"
    "is), the verifier key DIR/log.pub (publish it), and the private\n"
    "signing key DIR/keys/log.key (keep it secret).\n"
    "\n"
    "options:\n"
    "  --origin NAME   the log's name, which every checkpoint starts with;\n"
    "                  by convention a schema-less URL such as\n"
    "                  example.org/parallax\n"
    "  -h, --help      show this help\n";

static int log_init_cmd(int argc, char **argv)
{
	const char *cmd = "log init", *origin = NULL, *pos[1];
	const struct cli_opt specs[] = {{"--origin", &origin, NULL},
					 {NULL, NULL, NULL}};
	struct px_err err;
	struct log *log;
	struct px_buf key;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(init_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the data directory DIR");
	if (!origin)
		return cli_usage_error(cmd, "missing --origin NAME");
	if (!*origin)
		return cli_usage_error(cmd, "--origin: the name is empty");
	px_err_clear(&err);
	rc = log_create(pos[0], origin, &err);
	if (rc) {
		px_err_prefix(&err, "create log in '%s'", pos[0]);
		return cli_fail(&err);
	}
	rc = open_log(pos[0], NULL, &log, &err);
	if (rc)
		return cli_fail(&err);
	px_buf_init(&key, 4096);
	rc = note_verifier_format(log_verifier(log), &key);
	if (rc == 0)
		printf("created log '%s' in %s\nverifier key (%s/%s): %s\n",
		       origin, pos[0], pos[0], LOG_FILE_PUB, (char *)key.data);
	px_buf_release(&key);
	log_close(log);
	if (rc) {
		px_errorf(&err, rc, "format verifier key: %s", px_strerror(rc));
		return cli_fail(&err);
	}
	return 0;
}

/* ---- log append */

static const char append_help[] =
    "usage: parallax log append DIR [FILE...] [--batch N] [--delay MS]\n"
    "\n"
    "Append entries to the log in DIR.  Each FILE is one entry; with no\n"
    "FILE, each line of standard input is one entry (without its newline).\n"
    "An entry holds at most 65535 bytes.  The index of each entry is\n"
    "printed, one per line, once the entry and a checkpoint covering it are\n"
    "durable on disk.\n"
    "\n"
    "options:\n"
    "  --batch N     at most N entries per checkpoint (default 4096)\n"
    "  --delay MS    wait at most MS milliseconds for a batch to fill\n"
    "                (default 2)\n"
    "  -h, --help    show this help\n"
    "\n"
    "Files are checked before anything is appended: a missing file or one\n"
    "over the limit appends nothing.\n";

struct append_state {
	pthread_mutex_t mu;
	atomic_ullong submitted;
	unsigned long long acked;
	int failed;
	int first_rc;
};

static void append_ack(void *ctx, int rc, uint64_t index)
{
	struct append_state *st = ctx;

	pthread_mutex_lock(&st->mu);
	st->acked++;
	if (rc) {
		if (!st->failed)
			st->first_rc = rc;
		st->failed++;
	} else {
		printf("%llu\n", (unsigned long long)index);
	}
	/* Flush once everything submitted so far is acknowledged: a reader
	 * of a pipe sees each batch as soon as it is durable. */
	if (st->acked == atomic_load(&st->submitted))
		fflush(stdout);
	pthread_mutex_unlock(&st->mu);
}

static int submit(struct log *log, struct append_state *st, const void *data,
		  size_t len, struct px_err *err)
{
	atomic_fetch_add(&st->submitted, 1);
	return log_submit_async(log, data, len, append_ack, st, err);
}

static int append_stdin(struct log *log, struct append_state *st,
			struct px_err *err)
{
	struct px_buf acc;
	uint64_t line = 0;
	size_t start, i;
	int rc = 0;

	px_buf_init(&acc, (size_t)LOG_ENTRY_MAX + 1 + APPEND_CHUNK);
	for (;;) {
		ssize_t n;

		rc = px_buf_reserve(&acc, APPEND_CHUNK);
		if (rc) {
			rc = px_errorf(err, rc, "standard input: %s",
				       px_strerror(rc));
			break;
		}
		n = read(STDIN_FILENO, acc.data + acc.len, APPEND_CHUNK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = px_errorf(err, PX_EIO, "read standard input: %s",
				       strerror(errno));
			break;
		}
		if (n == 0)
			break;
		i = acc.len;
		acc.len += (size_t)n;
		start = 0;
		for (; i < acc.len; i++) {
			if (acc.data[i] != '\n')
				continue;
			line++;
			if (i - start > LOG_ENTRY_MAX) {
				rc = px_errorf(err, PX_ETOOBIG,
					       "standard input line %llu: %zu "
					       "bytes, more than the %d an "
					       "entry can hold",
					       (unsigned long long)line,
					       i - start, LOG_ENTRY_MAX);
				goto out;
			}
			rc = submit(log, st, acc.data + start, i - start, err);
			if (rc)
				goto out;
			start = i + 1;
		}
		if (acc.len - start > LOG_ENTRY_MAX) {
			rc = px_errorf(err, PX_ETOOBIG,
				       "standard input line %llu: more than "
				       "the %d bytes an entry can hold",
				       (unsigned long long)line + 1,
				       LOG_ENTRY_MAX);
			goto out;
		}
		memmove(acc.data, acc.data + start, acc.len - start);
		acc.len -= start;
	}
	if (rc == 0 && acc.len > 0) /* a last line without its newline */
		rc = submit(log, st, acc.data, acc.len, err);
out:
	px_buf_release(&acc);
	return rc;
}

static int check_files(const char **files, int nfiles, struct px_err *err)
{
	struct stat sb;
	int i;

	for (i = 0; i < nfiles; i++) {
		if (stat(files[i], &sb) != 0)
			return px_errorf(err, PX_ENOTFOUND, "'%s': %s",
					 files[i], strerror(errno));
		if (!S_ISREG(sb.st_mode))
			return px_errorf(err, PX_EINVAL,
					 "'%s': not a regular file", files[i]);
		if (sb.st_size > LOG_ENTRY_MAX)
			return px_errorf(err, PX_ETOOBIG,
					 "'%s': %lld bytes, more than the %d "
					 "an entry can hold",
					 files[i], (long long)sb.st_size,
					 LOG_ENTRY_MAX);
	}
	return 0;
}

static int append_files(struct log *log, struct append_state *st,
			const char **files, int nfiles, struct px_err *err)
{
	struct px_buf b;
	int i, rc = 0;

	px_buf_init(&b, LOG_ENTRY_MAX);
	for (i = 0; i < nfiles && rc == 0; i++) {
		px_buf_reset(&b);
		rc = px_read_file(files[i], &b, err);
		if (rc == 0)
			rc = submit(log, st, b.data, b.len, err);
	}
	px_buf_release(&b);
	return rc;
}

static int log_append_cmd(int argc, char **argv)
{
	const char *cmd = "log append", *batch = NULL, *delay = NULL;
	const struct cli_opt specs[] = {{"--batch", &batch, NULL},
					 {"--delay", &delay, NULL},
					 {NULL, NULL, NULL}};
	struct log_options opt;
	struct append_state st;
	struct px_err err;
	struct log *log;
	const char **pos;
	uint64_t v;
	int npos, rc, frc;

	if (cli_wants_help(argc, argv)) {
		fputs(append_help, stdout);
		return 0;
	}
	pos = px_calloc((size_t)argc + 1, sizeof(*pos));
	if (!pos) {
		fprintf(stderr, "parallax: out of memory\n");
		return 1;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, argc, &npos);
	memset(&opt, 0, sizeof(opt));
	if (rc == 0 && npos < 1)
		rc = cli_usage_error(cmd, "missing the data directory DIR");
	if (rc == 0 && batch) {
		rc = parse_num(cmd, "--batch", batch, &v);
		if (rc == 0 && (v < 1 || v > 1000000))
			rc = cli_usage_error(cmd,
					     "--batch: %llu is not between 1 "
					     "and 1000000",
					     (unsigned long long)v);
		opt.batch_max = (size_t)v;
	}
	if (rc == 0 && delay) {
		rc = parse_num(cmd, "--delay", delay, &v);
		if (rc == 0 && v > 60000)
			rc = cli_usage_error(cmd,
					     "--delay: %llu ms is more than a "
					     "minute",
					     (unsigned long long)v);
		opt.batch_delay_ms = (unsigned)v;
	}
	px_err_clear(&err);
	if (rc == 0 && check_files(pos + 1, npos - 1, &err))
		rc = cli_fail(&err);
	if (rc) {
		px_free(pos);
		return rc;
	}
	if (open_log(pos[0], &opt, &log, &err)) {
		px_free(pos);
		return cli_fail(&err);
	}
	memset(&st, 0, sizeof(st));
	pthread_mutex_init(&st.mu, NULL);
	atomic_init(&st.submitted, 0);
	if (npos > 1)
		rc = append_files(log, &st, pos + 1, npos - 1, &err);
	else
		rc = append_stdin(log, &st, &err);
	/* What was submitted is made durable (or fails) either way. */
	frc = log_flush(log, rc ? NULL : &err);
	log_close(log);
	fflush(stdout);
	if (rc == 0)
		rc = frc;
	if (rc == 0 && st.failed)
		rc = px_errorf(&err, st.first_rc,
			       "%d entries were not appended: %s", st.failed,
			       px_strerror(st.first_rc));
	pthread_mutex_destroy(&st.mu);
	px_free(pos);
	return rc ? cli_fail(&err) : 0;
}

/* ---- log checkpoint */

static const char checkpoint_help[] =
    "usage: parallax log checkpoint DIR_OR_URL\n"
    "\n"
    "Print the log's latest signed checkpoint (C2SP tlog-checkpoint), as\n"
    "served at log/checkpoint.  Save it to check later, with\n"
    "'parallax verify --since FILE', that the log never rewrote it.\n"
    "DIR_OR_URL is a data directory, a log directory or a mirror of one,\n"
    "or the URL of one; it is only read, so this works while the log is\n"
    "being appended to.\n"
    "\n"
    "options:\n"
    "  -h, --help    show this help\n";

static int log_checkpoint_cmd(int argc, char **argv)
{
	const char *cmd = "log checkpoint", *pos[1];
	const struct cli_opt specs[] = {{NULL, NULL, NULL}};
	struct px_err err;
	struct log_source src;
	struct px_buf out;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(checkpoint_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the log directory or URL");
	px_err_clear(&err);
	if (log_source_open(&src, pos[0], &err))
		return cli_fail(&err);
	px_buf_init(&out, NOTE_MAX_BYTES);
	rc = src.fetch(src.ctx, "checkpoint", &out, &err);
	if (rc == 0)
		fwrite(out.data, 1, out.len, stdout);
	else
		px_err_prefix(&err, "'%s': no checkpoint", src.where);
	px_buf_release(&out);
	log_source_release(&src);
	if (rc)
		return cli_fail(&err);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- log prove, log consistency */

static void print_hash(const char *key, const struct log_hash *h, int json,
		       const char *sep)
{
	char hex[2 * LOG_HASH_SIZE + 1];

	log_hash_hex(hex, h);
	if (json)
		printf("%s\"%s\": \"%s\"", sep, key, hex);
	else
		printf("%s %s\n", key, hex);
}

static void print_proof(const struct log_hash *proof, size_t n, int json)
{
	char hex[2 * LOG_HASH_SIZE + 1];
	size_t i;

	if (json)
		printf(",\n  \"proof\": [");
	for (i = 0; i < n; i++) {
		log_hash_hex(hex, &proof[i]);
		if (json)
			printf("%s\n    \"%s\"", i ? "," : "", hex);
		else
			printf("proof %s\n", hex);
	}
	if (json)
		printf("%s]\n}\n", n ? "\n  " : "");
}

static const char prove_help[] =
    "usage: parallax log prove DIR_OR_URL --index I [--size N] [--json]\n"
    "\n"
    "Print the inclusion proof (RFC 9162 §2.1.3) of entry I in the tree of\n"
    "the first N entries (default: the whole log).  Hashes are lower-case\n"
    "hex, one \"key value\" per line:\n"
    "  index I\n"
    "  size N\n"
    "  leaf HASH      the leaf hash of entry I, SHA-256(0x00 || entry)\n"
    "  root HASH      the root of the tree of size N\n"
    "  proof HASH     one line per proof hash, in order (may be none)\n"
    "\n"
    "DIR_OR_URL is a data directory, a log directory or a mirror of one,\n"
    "or the URL of one.  It is only read (no lock is taken), and the entry\n"
    "and the root are checked against the stored tiles and checkpoint.\n"
    "\n"
    "options:\n"
    "  --index I     the entry's index, from 0\n"
    "  --size N      the tree size to prove against (default: the log's)\n"
    "  --json        print one JSON object instead: {\"encoding\": \"hex\",\n"
    "                \"index\", \"size\", \"leaf_hash\", \"root\", \"proof\"}\n"
    "  -h, --help    show this help\n";

static int log_prove_cmd(int argc, char **argv)
{
	const char *cmd = "log prove", *pos[1], *index_s = NULL, *size_s = NULL;
	int json = 0;
	const struct cli_opt specs[] = {{"--index", &index_s, NULL},
					 {"--size", &size_s, NULL},
					 {"--json", NULL, &json},
					 {NULL, NULL, NULL}};
	struct log_hash proof[LOG_PROOF_MAX], leaf, root;
	struct px_err err;
	struct ro_log ro;
	uint64_t index, size = 0, cur;
	size_t n = 0;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(prove_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the log directory or URL");
	if (!index_s)
		return cli_usage_error(cmd, "missing --index I");
	if ((rc = parse_num(cmd, "--index", index_s, &index)) != 0)
		return rc;
	if (size_s && (rc = parse_num(cmd, "--size", size_s, &size)) != 0)
		return rc;
	px_err_clear(&err);
	if (ro_open(pos[0], &ro, &err))
		return cli_fail(&err);
	cur = ro.cp.size;
	if (!size_s)
		size = cur;
	if (size > cur)
		rc = px_errorf(&err, PX_EINVAL,
			       "--size %llu: the log has only %llu entries",
			       (unsigned long long)size,
			       (unsigned long long)cur);
	else if (index >= size)
		rc = px_errorf(&err, PX_EINVAL,
			       "--index %llu: the tree of size %llu has %s",
			       (unsigned long long)index,
			       (unsigned long long)size,
			       size ? "fewer entries" : "no entries");
	if (rc == 0)
		rc = ro_leaf(&ro, index, &leaf, &err);
	if (rc == 0)
		rc = log_tree_root(&ro.r, size, &root, &err);
	if (rc == 0)
		rc = log_tree_prove_inclusion(&ro.r, index, size, proof, &n,
					      &err);
	ro_close(&ro);
	if (rc)
		return cli_fail(&err);
	if (json) {
		printf(
		    "{\n  \"type\": \"inclusion\",\n  \"encoding\": \"hex\",\n"
		    "  \"index\": %llu,\n  \"size\": %llu",
		    (unsigned long long)index, (unsigned long long)size);
		print_hash("leaf_hash", &leaf, 1, ",\n  ");
		print_hash("root", &root, 1, ",\n  ");
	} else {
		printf("# inclusion proof; hashes are lower-case hex "
		       "(RFC 9162 §2.1.3)\nindex %llu\nsize %llu\n",
		       (unsigned long long)index, (unsigned long long)size);
		print_hash("leaf", &leaf, 0, "");
		print_hash("root", &root, 0, "");
	}
	print_proof(proof, n, json);
	return fflush(stdout) == 0 ? 0 : 1;
}

static const char consistency_help[] =
    "usage: parallax log consistency DIR_OR_URL --from M [--to N] [--json]\n"
    "\n"
    "Print the consistency proof (RFC 9162 §2.1.4) that the tree of the\n"
    "first M entries is a prefix of the tree of the first N entries\n"
    "(default: the whole log).  Hashes are lower-case hex, one \"key\n"
    "value\" per line:\n"
    "  from M\n"
    "  to N\n"
    "  from_root HASH   the root of the tree of size M\n"
    "  to_root HASH     the root of the tree of size N\n"
    "  proof HASH       one line per proof hash, in order (may be none)\n"
    "\n"
    "DIR_OR_URL is a data directory, a log directory or a mirror of one,\n"
    "or the URL of one; it is only read.\n"
    "\n"
    "options:\n"
    "  --from M      the older tree size\n"
    "  --to N        the newer tree size (default: the log's size)\n"
    "  --json        print one JSON object instead: {\"encoding\": \"hex\",\n"
    "                \"from\", \"to\", \"from_root\", \"to_root\", \"proof\"}\n"
    "  -h, --help    show this help\n";

static int log_consistency_cmd(int argc, char **argv)
{
	const char *cmd = "log consistency", *pos[1], *from_s = NULL,
		   *to_s = NULL;
	int json = 0;
	const struct cli_opt specs[] = {{"--from", &from_s, NULL},
					 {"--to", &to_s, NULL},
					 {"--json", NULL, &json},
					 {NULL, NULL, NULL}};
	struct log_hash proof[LOG_PROOF_MAX], root1, root2;
	struct px_err err;
	struct ro_log ro;
	uint64_t from, to = 0, cur;
	size_t n = 0;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(consistency_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, 1, &npos);
	if (rc)
		return rc;
	if (npos < 1)
		return cli_usage_error(cmd, "missing the log directory or URL");
	if (!from_s)
		return cli_usage_error(cmd, "missing --from M");
	if ((rc = parse_num(cmd, "--from", from_s, &from)) != 0)
		return rc;
	if (to_s && (rc = parse_num(cmd, "--to", to_s, &to)) != 0)
		return rc;
	px_err_clear(&err);
	if (ro_open(pos[0], &ro, &err))
		return cli_fail(&err);
	cur = ro.cp.size;
	if (!to_s)
		to = cur;
	if (to > cur)
		rc = px_errorf(&err, PX_EINVAL,
			       "--to %llu: the log has only %llu entries",
			       (unsigned long long)to, (unsigned long long)cur);
	else if (from > to)
		rc = px_errorf(
		    &err, PX_EINVAL, "--from %llu is larger than --to %llu",
		    (unsigned long long)from, (unsigned long long)to);
	/* RFC 9162 §2.1.1: the root of the empty tree is SHA-256(""). */
	if (rc == 0)
		rc = log_tree_root(&ro.r, from, &root1, &err);
	if (rc == 0)
		rc = log_tree_root(&ro.r, to, &root2, &err);
	if (rc == 0)
		rc = log_tree_prove_consistency(&ro.r, from, to, proof, &n,
						&err);
	ro_close(&ro);
	if (rc)
		return cli_fail(&err);
	if (json) {
		printf("{\n  \"type\": \"consistency\",\n  \"encoding\": "
		       "\"hex\",\n  \"from\": %llu,\n  \"to\": %llu",
		       (unsigned long long)from, (unsigned long long)to);
		print_hash("from_root", &root1, 1, ",\n  ");
		print_hash("to_root", &root2, 1, ",\n  ");
	} else {
		printf("# consistency proof; hashes are lower-case hex "
		       "(RFC 9162 §2.1.4)\nfrom %llu\nto %llu\n",
		       (unsigned long long)from, (unsigned long long)to);
		print_hash("from_root", &root1, 0, "");
		print_hash("to_root", &root2, 0, "");
	}
	print_proof(proof, n, json);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- log */

static const struct cli_command log_commands[] = {
    {"init", log_init_cmd, "create a new, empty log"},
    {"append", log_append_cmd, "append entries (files, or lines of stdin)"},
    {"checkpoint", log_checkpoint_cmd, "print the latest signed checkpoint"},
    {"prove", log_prove_cmd, "print an inclusion proof"},
    {"consistency", log_consistency_cmd, "print a consistency proof"},
};

static void log_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: parallax log <subcommand> DIR [options]\n\n"
		"Work with the append-only log in the data directory DIR.\n\n"
		"subcommands:\n");
	for (i = 0; i < PX_ARRAY_LEN(log_commands); i++)
		fprintf(f, "  %-12s %s\n", log_commands[i].name,
			log_commands[i].summary);
	fprintf(f, "\n'parallax log <subcommand> --help' describes one.\n"
		   "To audit a log, see 'parallax verify --help'.\n");
}

int cli_log(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage_error("log", "missing the subcommand");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		log_usage(stdout);
		return 0;
	}
	for (i = 0; i < PX_ARRAY_LEN(log_commands); i++)
		if (strcmp(argv[1], log_commands[i].name) == 0)
			return log_commands[i].run(argc - 1, argv + 1);
	return cli_usage_error("log", "'%s' is not a subcommand", argv[1]);
}
