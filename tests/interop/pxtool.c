/*
 * pxtool.c - a small command-line face on parallax's note, checkpoint and
 * Merkle tree code, for the interop tests against Go's
 * golang.org/x/mod/sumdb/note and tlog (tests/interop/go/pxinterop).  The
 * Go side runs these commands and checks their answers with the Go
 * implementation, and hands them its own keys, notes and proofs to check.
 *
 *   pxtool keygen NAME [cosign]          signer key line, verifier key line
 *   pxtool sign SKEY... < text           the signed note
 *   pxtool cosign SKEY TIME < note       the note with a cosignature added
 *   pxtool open VKEY... < note           the verified text
 *   pxtool checkpoint SKEY ORIGIN SIZE ROOTHEX    a signed checkpoint
 *   pxtool checkpoint-open LOGVKEY QUORUM [WVKEY...] < note
 *                                        "ORIGIN SIZE ROOTHEX"
 *   pxtool root LEAVES [SIZE]            root hash (hex)
 *   pxtool prove-inclusion LEAVES INDEX SIZE
 *   pxtool prove-consistency LEAVES M SIZE
 *   pxtool verify-inclusion INDEX SIZE LEAFHASH ROOT [PROOF...]
 *   pxtool verify-consistency M SIZE ROOT1 ROOT2 [PROOF...]
 *   pxtool batch LEAVES                  the five tree commands above, one
 *                                        per stdin line without LEAVES,
 *                                        one answer line each
 *
 * Keys are given as text or as @FILE.  LEAVES is a file with one entry per
 * line in hex (an empty line is an empty entry).  Hashes are lower-case
 * hex; a proof is printed as its hashes separated by spaces ("-" if empty).
 * Exit status: 0 success, 1 verification or input failure (message on
 * stderr, or "fail: ..." in batch mode), 2 usage.
 */
#include "log/note.h"
#include "log/tree.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES (1u << 20)

static int die(const struct px_err *err)
{
	fprintf(stderr, "pxtool: %s\n",
		err->msg[0] ? err->msg : px_strerror(err->code));
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: pxtool keygen|sign|cosign|open|checkpoint|"
			"checkpoint-open|root|prove-inclusion|"
			"prove-consistency|verify-inclusion|"
			"verify-consistency|batch ... (see pxtool.c)\n");
	return 2;
}

static int read_stdin(struct px_buf *b, struct px_err *err)
{
	uint8_t chunk[65536];
	size_t n;

	px_buf_init(b, 4 * (size_t)NOTE_MAX_BYTES);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (px_buf_add(b, chunk, n) != 0)
			return px_errorf(err, PX_ETOOBIG, "stdin: too large");
	return 0;
}

/* A key argument: the text itself, or @FILE (one line). */
static int key_arg(const char *arg, struct px_buf *b, struct px_err *err)
{
	int rc;

	px_buf_init(b, 4096);
	if (arg[0] != '@')
		return px_buf_addstr(b, arg);
	rc = px_read_file(arg + 1, b, err);
	if (rc)
		return rc;
	while (b->len &&
	       (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
		b->data[--b->len] = '\0';
	return 0;
}

static int load_verifier(const char *arg, struct note_verifier *v,
			 struct px_err *err)
{
	struct px_buf b;
	int rc = key_arg(arg, &b, err);

	if (!rc)
		rc = note_verifier_parse((char *)b.data, b.len, v, err);
	px_buf_release(&b);
	return rc;
}

static int load_signer(const char *arg, struct note_signer *s,
		       struct px_err *err)
{
	struct px_buf b;
	int rc = key_arg(arg, &b, err);

	if (!rc)
		rc = note_signer_parse((char *)b.data, b.len, s, err);
	if (b.data)
		sodium_memzero(b.data, b.len);
	px_buf_release(&b);
	return rc;
}

static int parse_u64_arg(const char *s, uint64_t *v)
{
	return px_parse_u64(s, strlen(s), v);
}

static int parse_hash(const char *s, struct log_hash *h)
{
	return px_hex_decode(h->b, LOG_HASH_SIZE, s, strlen(s));
}

static void print_hash(FILE *f, const struct log_hash *h)
{
	char hex[2 * LOG_HASH_SIZE + 1];

	log_hash_hex(hex, h);
	fputs(hex, f);
}

/* ---- notes. */

static int cmd_keygen(int argc, char **argv)
{
	struct px_err err;
	char *sk, *vk;
	uint8_t alg = NOTE_ALG_ED25519;

	if (argc < 3 || argc > 4)
		return usage();
	if (argc == 4) {
		if (strcmp(argv[3], "cosign") != 0)
			return usage();
		alg = NOTE_ALG_COSIGNATURE_V1;
	}
	if (note_key_generate(argv[2], alg, &sk, &vk, &err) != 0)
		return die(&err);
	printf("%s\n%s\n", sk, vk);
	sodium_memzero(sk, strlen(sk));
	px_free(sk);
	px_free(vk);
	return 0;
}

static int cmd_sign(int argc, char **argv)
{
	struct note_signer s[16];
	struct px_buf in, out;
	struct px_err err;
	int i, n = argc - 2, rc = 0;

	if (n < 1 || n > 16)
		return usage();
	for (i = 0; i < n; i++)
		if (load_signer(argv[2 + i], &s[i], &err) != 0)
			return die(&err);
	if (read_stdin(&in, &err) != 0)
		return die(&err);
	px_buf_init(&out, 4 * (size_t)NOTE_MAX_BYTES);
	if (note_sign((char *)in.data, in.len, s, (size_t)n, &out, &err) != 0)
		rc = die(&err);
	else
		fwrite(out.data, 1, out.len, stdout);
	for (i = 0; i < n; i++)
		note_signer_wipe(&s[i]);
	px_buf_release(&in);
	px_buf_release(&out);
	return rc;
}

static int cmd_cosign(int argc, char **argv)
{
	struct note_signer w;
	struct px_buf in, out;
	struct px_err err;
	uint64_t ts;
	size_t split;
	int rc = 0;

	if (argc != 4 || parse_u64_arg(argv[3], &ts) != 0)
		return usage();
	if (load_signer(argv[2], &w, &err) != 0)
		return die(&err);
	if (read_stdin(&in, &err) != 0)
		return die(&err);
	/* The text is everything before the last blank line. */
	for (split = in.len; split >= 2; split--)
		if (in.data[split - 1] == '\n' && in.data[split - 2] == '\n')
			break;
	if (split < 2) {
		note_signer_wipe(&w);
		fprintf(stderr, "pxtool: cosign: input is not a signed note\n");
		return 1;
	}
	px_buf_init(&out, 4 * (size_t)NOTE_MAX_BYTES);
	px_buf_add(&out, in.data, in.len);
	if (note_cosign((char *)in.data, split - 1, &w, ts, &out, &err) != 0)
		rc = die(&err);
	else
		fwrite(out.data, 1, out.len, stdout);
	note_signer_wipe(&w);
	px_buf_release(&in);
	px_buf_release(&out);
	return rc;
}

static int cmd_open(int argc, char **argv)
{
	struct note_verifier v[16];
	struct px_buf in;
	struct px_err err;
	struct note n;
	int i, nv = argc - 2;

	if (nv < 0 || nv > 16)
		return usage();
	for (i = 0; i < nv; i++)
		if (load_verifier(argv[2 + i], &v[i], &err) != 0)
			return die(&err);
	if (read_stdin(&in, &err) != 0)
		return die(&err);
	if (note_open(in.data, in.len, v, (size_t)nv, &n, &err) != 0) {
		px_buf_release(&in);
		return die(&err);
	}
	fwrite(n.text, 1, n.text_len, stdout);
	note_release(&n);
	px_buf_release(&in);
	return 0;
}

static int cmd_checkpoint(int argc, char **argv)
{
	struct note_signer s;
	struct log_checkpoint c;
	struct px_buf text, out;
	struct px_err err;
	int rc = 0;

	if (argc != 6)
		return usage();
	memset(&c, 0, sizeof(c));
	if (strlen(argv[3]) > CHECKPOINT_ORIGIN_MAX ||
	    parse_u64_arg(argv[4], &c.size) != 0 ||
	    parse_hash(argv[5], &c.root) != 0)
		return usage();
	memcpy(c.origin, argv[3], strlen(argv[3]) + 1);
	if (load_signer(argv[2], &s, &err) != 0)
		return die(&err);
	px_buf_init(&text, 4096);
	px_buf_init(&out, 8192);
	if (log_checkpoint_format(&c, &text) != 0) {
		fprintf(stderr, "pxtool: checkpoint: bad origin\n");
		rc = 1;
	} else if (note_sign((char *)text.data, text.len, &s, 1, &out, &err) !=
		   0) {
		rc = die(&err);
	} else {
		fwrite(out.data, 1, out.len, stdout);
	}
	note_signer_wipe(&s);
	px_buf_release(&text);
	px_buf_release(&out);
	return rc;
}

static int cmd_checkpoint_open(int argc, char **argv)
{
	struct note_verifier log_key, w[16];
	struct log_checkpoint c;
	struct px_buf in;
	struct px_err err;
	uint64_t quorum;
	int i, nw = argc - 4;

	if (argc < 4 || nw > 16 || parse_u64_arg(argv[3], &quorum) != 0)
		return usage();
	if (load_verifier(argv[2], &log_key, &err) != 0)
		return die(&err);
	for (i = 0; i < nw; i++)
		if (load_verifier(argv[4 + i], &w[i], &err) != 0)
			return die(&err);
	if (read_stdin(&in, &err) != 0)
		return die(&err);
	if (log_checkpoint_open(in.data, in.len, &log_key, w, (size_t)nw,
				(size_t)quorum, &c, &err) != 0) {
		px_buf_release(&in);
		return die(&err);
	}
	printf("%s %" PRIu64 " ", c.origin, c.size);
	print_hash(stdout, &c.root);
	putchar('\n');
	log_checkpoint_release(&c);
	px_buf_release(&in);
	return 0;
}

/* ---- trees. */

/*
 * Every complete subtree of the leaves, level by level: level[l][i] is
 * MTH(D[i*2^l : (i+1)*2^l]).  Reads are then O(1), so that the Go side can
 * ask for every proof of every small tree quickly.
 */
struct stored_tree {
	struct log_hash *level[64];
	uint64_t count[64];
	int nlevels;
	uint64_t n;
};

static int stored_read(void *ctx, int level, const uint64_t *index, size_t n,
		       struct log_hash *out, struct px_err *err)
{
	const struct stored_tree *t = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (level < 0 || level >= t->nlevels ||
		    index[i] >= t->count[level])
			return px_errorf(err, PX_EINVAL,
					 "subtree (level %d, index %" PRIu64
					 ") is not complete in a tree of "
					 "%" PRIu64 " leaves",
					 level, index[i], t->n);
		out[i] = t->level[level][index[i]];
	}
	return 0;
}

static void stored_release(struct stored_tree *t)
{
	int l;

	for (l = 0; l < 64; l++)
		px_free(t->level[l]);
	memset(t, 0, sizeof(*t));
}

static int stored_load(const char *path, struct stored_tree *t,
		       struct px_err *err)
{
	struct px_buf b;
	const char *p, *end;
	size_t cap = 0;
	int l, rc;

	memset(t, 0, sizeof(*t));
	px_buf_init(&b, (size_t)1 << 30);
	rc = px_read_file(path, &b, err);
	if (rc)
		return rc;
	p = (const char *)b.data;
	end = p + b.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		uint8_t *entry;
		if (t->n == cap) {
			struct log_hash *nlv;
			cap = cap ? 2 * cap : 1024;
			nlv = px_realloc(t->level[0], cap * sizeof(*nlv));
			if (!nlv) {
				rc = px_errorf(err, PX_ENOMEM, "out of memory");
				goto out;
			}
			t->level[0] = nlv;
		}
		entry = px_malloc(len / 2 + 1);
		if (!entry || len % 2 ||
		    px_hex_decode(entry, len / 2, p, len) != 0) {
			px_free(entry);
			rc = px_errorf(err, PX_EINVAL,
				       "%s: line %" PRIu64 " is not hex", path,
				       t->n + 1);
			goto out;
		}
		log_hash_leaf(&t->level[0][t->n], entry, len / 2);
		px_free(entry);
		t->n++;
		p = nl ? nl + 1 : end;
	}
	t->count[0] = t->n;
	t->nlevels = 1;
	for (l = 1; l < 64 && t->count[l - 1] >= 2; l++) {
		uint64_t i, c = t->count[l - 1] / 2;
		t->level[l] = px_malloc(c * sizeof(struct log_hash));
		if (!t->level[l]) {
			rc = px_errorf(err, PX_ENOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < c; i++)
			log_hash_node(&t->level[l][i], &t->level[l - 1][2 * i],
				      &t->level[l - 1][2 * i + 1]);
		t->count[l] = c;
		t->nlevels = l + 1;
	}
out:
	px_buf_release(&b);
	if (rc)
		stored_release(t);
	return rc;
}

static void print_proof(const struct log_hash *proof, size_t n)
{
	size_t i;

	if (n == 0)
		fputs("-", stdout);
	for (i = 0; i < n; i++) {
		if (i)
			putchar(' ');
		print_hash(stdout, &proof[i]);
	}
	putchar('\n');
}

static int parse_proof(char **argv, int argc, struct log_hash *proof, size_t *n)
{
	int i;

	*n = 0;
	if (argc == 1 && strcmp(argv[0], "-") == 0)
		return 0;
	if (argc > LOG_PROOF_MAX)
		return -1;
	for (i = 0; i < argc; i++)
		if (parse_hash(argv[i], &proof[(*n)++]) != 0)
			return -1;
	return 0;
}

/*
 * One tree command (argv[0] is its name, without the LEAVES argument).
 * Prints one answer line; returns 0, 1 (failure, "fail: ..." printed in
 * batch mode or the message on stderr) or 2 (usage).
 */
static int tree_command(struct stored_tree *t, int argc, char **argv, int batch)
{
	struct log_hash_reader r = {stored_read, t};
	struct log_hash proof[LOG_PROOF_MAX], h1, h2;
	struct px_err err;
	uint64_t a, b;
	size_t n;
	int rc;
	const char *cmd = argc ? argv[0] : "";

	px_err_clear(&err);
	if (strcmp(cmd, "root") == 0 && argc <= 2) {
		b = t ? t->n : 0;
		if (argc == 2 && parse_u64_arg(argv[1], &b) != 0)
			return usage();
		rc = log_tree_root(&r, b, &h1, &err);
		if (!rc) {
			print_hash(stdout, &h1);
			putchar('\n');
		}
	} else if ((strcmp(cmd, "prove-inclusion") == 0 ||
		    strcmp(cmd, "prove-consistency") == 0) &&
		   argc == 3) {
		if (parse_u64_arg(argv[1], &a) != 0 ||
		    parse_u64_arg(argv[2], &b) != 0)
			return usage();
		if (cmd[6] == 'i')
			rc =
			    log_tree_prove_inclusion(&r, a, b, proof, &n, &err);
		else
			rc = log_tree_prove_consistency(&r, a, b, proof, &n,
							&err);
		if (!rc)
			print_proof(proof, n);
	} else if ((strcmp(cmd, "verify-inclusion") == 0 ||
		    strcmp(cmd, "verify-consistency") == 0) &&
		   argc >= 5) {
		if (parse_u64_arg(argv[1], &a) != 0 ||
		    parse_u64_arg(argv[2], &b) != 0 ||
		    parse_hash(argv[3], &h1) != 0 ||
		    parse_hash(argv[4], &h2) != 0 ||
		    parse_proof(argv + 5, argc - 5, proof, &n) != 0)
			return usage();
		if (cmd[7] == 'i')
			rc = log_tree_verify_inclusion(a, b, &h1, proof, n, &h2,
						       &err);
		else
			rc = log_tree_verify_consistency(a, b, &h1, &h2, proof,
							 n, &err);
		if (!rc)
			puts("ok");
	} else {
		return usage();
	}
	if (rc) {
		if (batch)
			printf("fail: %s\n", err.msg);
		else
			die(&err);
		return 1;
	}
	return 0;
}

static int cmd_tree(int argc, char **argv)
{
	struct stored_tree t;
	struct px_err err;
	int rc, verify = strncmp(argv[1], "verify-", 7) == 0;

	if (verify)
		return tree_command(NULL, argc - 1, argv + 1, 0);
	if (argc < 3)
		return usage();
	if (stored_load(argv[2], &t, &err) != 0)
		return die(&err);
	argv[2] = argv[1];
	rc = tree_command(&t, argc - 2, argv + 2, 0);
	stored_release(&t);
	return rc;
}

static int cmd_batch(int argc, char **argv)
{
	struct stored_tree t;
	struct px_err err;
	char *line;

	if (argc != 3)
		return usage();
	if (stored_load(argv[2], &t, &err) != 0)
		return die(&err);
	line = px_malloc(LINE_MAX_BYTES);
	if (!line) {
		stored_release(&t);
		return 1;
	}
	while (fgets(line, (int)LINE_MAX_BYTES, stdin)) {
		char *words[LOG_PROOF_MAX + 8], *p = line;
		int n = 0;
		while (*p && n < (int)PX_ARRAY_LEN(words)) {
			while (*p == ' ' || *p == '\n')
				*p++ = '\0';
			if (!*p)
				break;
			words[n++] = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
		}
		if (n == 0)
			continue;
		if (tree_command(&t, n, words, 1) == 2)
			puts("fail: usage");
		fflush(stdout);
	}
	px_free(line);
	stored_release(&t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (sodium_init() < 0)
		return 1;
	if (strcmp(cmd, "keygen") == 0)
		return cmd_keygen(argc, argv);
	if (strcmp(cmd, "sign") == 0)
		return cmd_sign(argc, argv);
	if (strcmp(cmd, "cosign") == 0)
		return cmd_cosign(argc, argv);
	if (strcmp(cmd, "open") == 0)
		return cmd_open(argc, argv);
	if (strcmp(cmd, "checkpoint") == 0)
		return cmd_checkpoint(argc, argv);
	if (strcmp(cmd, "checkpoint-open") == 0)
		return cmd_checkpoint_open(argc, argv);
	if (strcmp(cmd, "root") == 0 || strcmp(cmd, "prove-inclusion") == 0 ||
	    strcmp(cmd, "prove-consistency") == 0 ||
	    strcmp(cmd, "verify-inclusion") == 0 ||
	    strcmp(cmd, "verify-consistency") == 0)
		return cmd_tree(argc, argv);
	if (strcmp(cmd, "batch") == 0)
		return cmd_batch(argc, argv);
	return usage();
}
