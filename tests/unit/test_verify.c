/*
 * test_verify.c - the full audit (log/verify.h) and the directory source
 * (log/source.h).  Logs are written here directly in the tlog-tiles layout
 * from tile.h, their roots computed by tree.h's in-memory tree (another
 * implementation than the audit's streaming one) and their checkpoints
 * signed with note.h, so the audit is checked against data it did not make.
 * Every kind of tampering must be caught with a message naming the tile,
 * the index and both hashes.
 */
#define _XOPEN_SOURCE 700
#include "log/hash.h"
#include "log/note.h"
#include "log/source.h"
#include "log/tile.h"
#include "log/tree.h"
#include "log/verify.h"
#include "test.h"

#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORIGIN "example.org/test-log"

static struct note_signer signer;
static struct note_verifier verifier;
static char tmp_root[] = "/tmp/px-test-verify-XXXXXX";
static int dir_counter;

static int rm_cb(const char *path, const struct stat *sb, int flag,
		 struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_keys(void)
{
	char *skey = NULL, *vkey = NULL;

	if (note_key_generate(ORIGIN, NOTE_ALG_ED25519, &skey, &vkey, NULL) ||
	    note_signer_parse(skey, strlen(skey), &signer, NULL) ||
	    note_verifier_parse(vkey, strlen(vkey), &verifier, NULL)) {
		fprintf(stderr, "cannot make keys\n");
		exit(1);
	}
	px_free(skey);
	px_free(vkey);
}

static void write_file(const char *dir, const char *rel, const void *data,
		       size_t len)
{
	char *path = px_path_join(dir, rel), *slash;
	FILE *f;

	slash = strrchr(path, '/');
	*slash = '\0';
	px_mkdirs(path, 0755, NULL);
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	px_free(path);
}

/* Entry i: varied lengths, including empty entries. */
static size_t entry_text(uint64_t i, char *buf, size_t cap)
{
	int n =
	    snprintf(buf, cap, "entry %llu %.*s", (unsigned long long)i,
		     (int)(i % 37), "abcdefghijklmnopqrstuvwxyz0123456789-");
	return i % 97 == 5 ? 0 : (size_t)n;
}

static void leaf_hashes(uint64_t n, struct log_hash *leaves)
{
	char buf[128];
	uint64_t i;

	for (i = 0; i < n; i++) {
		size_t len = entry_text(i, buf, sizeof(buf));
		log_hash_leaf(&leaves[i], buf, len);
	}
}

static int tree_root(struct log_hash *leaves, uint64_t n, struct log_hash *root)
{
	struct log_mem_tree mt = {leaves, n};
	struct log_hash_reader r;

	log_mem_tree_reader(&mt, &r);
	return log_tree_root(&r, n, root, NULL);
}

/* A signed checkpoint for (size, root), into out. */
static void sign_checkpoint(uint64_t size, const struct log_hash *root,
			    struct px_buf *out)
{
	struct log_checkpoint c;
	struct px_buf text;

	memset(&c, 0, sizeof(c));
	snprintf(c.origin, sizeof(c.origin), "%s", ORIGIN);
	c.size = size;
	c.root = *root;
	px_buf_init(&text, 4096);
	if (log_checkpoint_format(&c, &text) ||
	    note_sign((char *)text.data, text.len, &signer, 1, out, NULL)) {
		fprintf(stderr, "cannot sign a checkpoint\n");
		exit(1);
	}
	px_buf_release(&text);
}

/* The signed checkpoint of the first m entries. */
static void checkpoint_of(uint64_t m, struct px_buf *out)
{
	struct log_hash *leaves = px_calloc(m + 1, sizeof(*leaves));
	struct log_hash root;

	leaf_hashes(m, leaves);
	if (tree_root(leaves, m, &root)) {
		fprintf(stderr, "tree root failed\n");
		exit(1);
	}
	sign_checkpoint(m, &root, out);
	px_free(leaves);
}

/*
 * Write a data directory holding a log of n entries; returns its path
 * (caller frees).  The log root is DIR/log.
 */
static char *build_log(uint64_t n)
{
	struct log_hash *level, *next, root;
	struct px_buf b, pub;
	char name[32], path[LOG_TILE_PATH_MAX], buf[128];
	char *dir, *logdir;
	uint64_t count, k, i;
	int l;

	snprintf(name, sizeof(name), "log%d", dir_counter++);
	dir = px_path_join(tmp_root, name);
	logdir = px_path_join(dir, "log");
	px_mkdirs(logdir, 0755, NULL);
	px_buf_init(&pub, 4096);
	note_verifier_format(&verifier, &pub);
	px_buf_addc(&pub, '\n');
	write_file(dir, "log.pub", pub.data, pub.len);
	px_buf_release(&pub);

	level = px_calloc(n + 1, sizeof(*level));
	leaf_hashes(n, level);
	if (tree_root(level, n, &root)) {
		fprintf(stderr, "tree root failed\n");
		exit(1);
	}
	px_buf_init(&b, SIZE_MAX);
	/* Entry bundles. */
	for (k = 0; k * LOG_TILE_WIDTH < n; k++) {
		struct log_tile t = {LOG_TILE_ENTRIES, k,
				     log_tile_width(LOG_TILE_ENTRIES, k, n)};
		px_buf_reset(&b);
		for (i = 0; i < t.width; i++) {
			size_t len = entry_text(k * LOG_TILE_WIDTH + i, buf,
						sizeof(buf));
			log_bundle_add(&b, buf, len);
		}
		log_tile_path(path, &t);
		write_file(logdir, path, b.data, b.len);
	}
	/* Hash tiles, level by level; level L+1 hash i is the root of the
	 * full level-L tile i (its 256 hashes form a perfect subtree). */
	for (l = 0; (count = log_tile_count_at(l, n)) > 0; l++) {
		for (k = 0; k * LOG_TILE_WIDTH < count; k++) {
			struct log_tile t = {l, k, log_tile_width(l, k, n)};
			log_tile_path(path, &t);
			write_file(logdir, path, level + k * LOG_TILE_WIDTH,
				   (size_t)t.width * LOG_HASH_SIZE);
		}
		next = px_calloc(count / LOG_TILE_WIDTH + 1, sizeof(*next));
		for (k = 0; k < count / LOG_TILE_WIDTH; k++)
			tree_root(level + k * LOG_TILE_WIDTH, LOG_TILE_WIDTH,
				  &next[k]);
		px_free(level);
		level = next;
	}
	px_free(level);
	px_buf_reset(&b);
	sign_checkpoint(n, &root, &b);
	write_file(logdir, "checkpoint", b.data, b.len);
	px_buf_release(&b);
	px_free(logdir);
	return dir;
}

static int run_verify(const char *where, const struct note_verifier *key,
		      const struct px_buf *since, struct log_verify_result *res,
		      struct px_err *err)
{
	struct log_verify_opts opts;
	struct log_source src;
	int rc;

	memset(&opts, 0, sizeof(opts));
	memset(res, 0, sizeof(*res));
	opts.log_key = key;
	if (since) {
		opts.since = since->data;
		opts.since_len = since->len;
	}
	px_err_clear(err);
	rc = log_source_open(&src, where, err);
	if (rc)
		return rc;
	rc = log_verify(&src, &opts, res, err);
	log_source_release(&src);
	return rc;
}

static void flip_byte(const char *dir, const char *rel, long off)
{
	char *path = px_path_join(dir, rel);
	FILE *f = fopen(path, "r+b");
	int c;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	fseek(f, off, SEEK_SET);
	c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
	px_free(path);
}

static int file_truncate(const char *dir, const char *rel, off_t len)
{
	char *path = px_path_join(dir, rel);
	int rc = truncate(path, len);

	px_free(path);
	return rc;
}

/* A log of every interesting size verifies, and counts what it checked. */
TEST(verify_sizes)
{
	static const uint64_t sizes[] = {
	    0,	 1,   2,   3,	7,    255,   256,   257,
	    300, 511, 512, 513, 1000, 65535, 65536, 65536 + 257};
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(sizes); i++) {
		struct log_verify_result res;
		struct px_err err;
		char *dir = build_log(sizes[i]);
		int rc = run_verify(dir, &verifier, NULL, &res, &err);

		if (rc)
			fprintf(stderr, "size %llu: %s\n",
				(unsigned long long)sizes[i], err.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(res.entries, sizes[i]);
		CHECK_EQ_INT(res.checkpoint.size, sizes[i]);
		/* level-0 tiles plus at least one tile per level above */
		CHECK(res.tiles >=
		      (sizes[i] + 255) / 256 +
			  (uint64_t)(log_tile_levels(sizes[i]) > 1));
		log_verify_result_release(&res);
		rm_rf(dir);
		px_free(dir);
	}
}

/* The log root itself (a mirror of DIR/log) verifies like the data dir. */
TEST(verify_log_root_dir)
{
	struct log_verify_result res;
	struct px_err err;
	char *dir = build_log(600), *logdir = px_path_join(dir, "log");

	CHECK_EQ_INT(run_verify(logdir, &verifier, NULL, &res, &err), 0);
	CHECK_EQ_INT(res.entries, 600);
	log_verify_result_release(&res);
	rm_rf(dir);
	px_free(dir);
	px_free(logdir);
}

static void expect_ok(const char *dir, uint64_t n)
{
	struct log_verify_result res;
	struct px_err err;
	int rc = run_verify(dir, &verifier, NULL, &res, &err);

	if (rc)
		fprintf(stderr, "unexpected failure: %s\n", err.msg);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_INT(res.entries, n);
	log_verify_result_release(&res);
}

static void expect_fail(const char *dir, int code, const char *want1,
			const char *want2)
{
	struct log_verify_result res;
	struct px_err err;
	int rc = run_verify(dir, &verifier, NULL, &res, &err);

	CHECK_EQ_INT(rc, code);
	if (getenv("VERBOSE"))
		fprintf(stderr, "  caught: %s\n", err.msg);
	if (!strstr(err.msg, want1) || (want2 && !strstr(err.msg, want2))) {
		fprintf(stderr, "message \"%s\" lacks \"%s\" / \"%s\"\n",
			err.msg, want1, want2 ? want2 : "");
		CHECK(0);
	}
	log_verify_result_release(&res);
}

/*
 * A log that has grown since its checkpoint may have deleted the partial
 * tiles the checkpoint names, once their full tiles exist (C2SP
 * tlog-tiles): the audit falls back to the full tiles' prefixes.
 */
TEST(partial_replaced_by_full)
{
	char *a = build_log(600), *b = build_log(768);
	static const char *const moved[] = {"log/tile/0/002",
					    "log/tile/entries/002"};
	static const char *const gone[] = {"log/tile/0/002.p/88",
					   "log/tile/entries/002.p/88"};
	size_t i;

	for (i = 0; i < 2; i++) {
		char *from = px_path_join(b, moved[i]);
		char *to = px_path_join(a, moved[i]);
		char *old = px_path_join(a, gone[i]);
		CHECK_EQ_INT(rename(from, to), 0);
		CHECK_EQ_INT(remove(old), 0);
		px_free(from);
		px_free(to);
		px_free(old);
	}
	expect_ok(a, 600);
	/* The full tile stands in for the partial one, and is checked. */
	flip_byte(a, "log/tile/0/002", 87 * LOG_HASH_SIZE);
	expect_fail(a, PX_EVERIFY, "tile/0/002 index 87: expected ",
		    "(the hash of entry 599 in tile/entries/002), found ");
	rm_rf(a);
	rm_rf(b);
	px_free(a);
	px_free(b);
}

TEST(tamper_entry_bundle)
{
	char *dir = build_log(600);

	/* Entry bundle 1 starts with entry 256's length; byte 10 is inside
	 * entry 256's text. */
	flip_byte(dir, "log/tile/entries/001", 10);
	expect_fail(dir, PX_EVERIFY, "tile/0/001 index 0: expected ",
		    "(the hash of entry 256 in "
		    "tile/entries/001), found ");
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_bundle_length)
{
	char *dir = build_log(300);

	flip_byte(dir, "log/tile/entries/001.p/44", 0); /* +256 bytes */
	expect_fail(dir, PX_ECORRUPT, "tile/entries/001.p/44", "entry");
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_level0_tile)
{
	char *dir = build_log(600);

	flip_byte(dir, "log/tile/0/000", 17 * LOG_HASH_SIZE + 3);
	expect_fail(dir, PX_EVERIFY, "tile/0/000 index 17: expected ",
		    "(the hash of entry 17 in tile/entries/000), found ");
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_level1_tile)
{
	char *dir = build_log(3 * 256 + 5);

	flip_byte(dir, "log/tile/1/000.p/3", 2 * LOG_HASH_SIZE);
	expect_fail(dir, PX_EVERIFY, "tile/1/000.p/3 index 2: expected ",
		    "(the root of tile/0/002), found ");
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_full_level1_tile)
{
	char *dir = build_log(65536 + 10);

	flip_byte(dir, "log/tile/1/000", 255 * LOG_HASH_SIZE + 31);
	expect_fail(dir, PX_EVERIFY, "tile/1/000 index 255: expected ",
		    "(the root of tile/0/255), found ");
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_truncate_tile)
{
	char *dir = build_log(600);

	CHECK_EQ_INT(file_truncate(dir, "log/tile/0/001", 8000), 0);
	expect_fail(dir, PX_ECORRUPT, "tile/0/001: 8000 bytes, expected 8192",
		    NULL);
	rm_rf(dir);
	px_free(dir);
}

TEST(tamper_delete_tile)
{
	char *dir = build_log(600),
	     *path = px_path_join(dir, "log/tile/0/002.p/88");

	CHECK_EQ_INT(remove(path), 0);
	expect_fail(dir, PX_ENOTFOUND, "tile/0/002.p/88", "not found");
	rm_rf(dir);
	px_free(dir);
	px_free(path);
}

TEST(tamper_checkpoint_root)
{
	char *dir = build_log(600), *logdir = px_path_join(dir, "log");
	struct log_hash bad;
	struct px_buf b;

	/* A checkpoint honestly signed by the log key, over the wrong root. */
	memset(bad.b, 0x5a, sizeof(bad.b));
	px_buf_init(&b, 4096);
	sign_checkpoint(600, &bad, &b);
	write_file(logdir, "checkpoint", b.data, b.len);
	expect_fail(dir, PX_EVERIFY, "the signed checkpoint says 5a5a5a",
		    "size 600 hash to root ");
	px_buf_release(&b);
	rm_rf(dir);
	px_free(dir);
	px_free(logdir);
}

TEST(tamper_checkpoint_signature)
{
	char *dir = build_log(10);
	char *path = px_path_join(dir, "log/checkpoint");
	struct px_buf b;
	char *sig;

	px_buf_init(&b, 4096);
	REQUIRE(px_read_file(path, &b, NULL) == 0);
	sig = strstr((char *)b.data, "\n\n\xe2\x80\x94 ");
	REQUIRE(sig != NULL);
	/* Change one base64 character of the signature itself. */
	sig = (char *)b.data + b.len - 5;
	*sig = *sig == 'A' ? 'B' : 'A';
	write_file(dir, "log/checkpoint", b.data, b.len);
	{
		struct log_verify_result res;
		struct px_err err;
		CHECK_EQ_INT(run_verify(dir, &verifier, NULL, &res, &err),
			     PX_EVERIFY);
		log_verify_result_release(&res);
	}
	px_buf_release(&b);
	rm_rf(dir);
	px_free(dir);
	px_free(path);
}

TEST(wrong_key)
{
	char *dir = build_log(10), *skey = NULL, *vkey = NULL;
	struct note_verifier other;
	struct log_verify_result res;
	struct px_err err;

	REQUIRE(note_key_generate(ORIGIN, NOTE_ALG_ED25519, &skey, &vkey,
				  NULL) == 0);
	REQUIRE(note_verifier_parse(vkey, strlen(vkey), &other, NULL) == 0);
	CHECK_EQ_INT(run_verify(dir, &other, NULL, &res, &err), PX_EVERIFY);
	log_verify_result_release(&res);
	px_free(skey);
	px_free(vkey);
	rm_rf(dir);
	px_free(dir);
}

/* Witness cosignatures (C2SP tlog-cosignature): a quorum of the given
 * witnesses must have cosigned the checkpoint. */
TEST(witness_quorum)
{
	char *dir = build_log(20), *path = px_path_join(dir, "log/checkpoint");
	char *skey[2] = {NULL, NULL}, *vkey[2] = {NULL, NULL};
	struct note_signer wsign;
	struct note_verifier wit[2];
	struct log_verify_opts opts;
	struct log_verify_result res;
	struct log_source src;
	struct px_err err;
	struct px_buf cp;
	char *body_end;
	int i;

	for (i = 0; i < 2; i++) {
		char name[32];
		snprintf(name, sizeof(name), "witness%d.example", i);
		REQUIRE(note_key_generate(name, NOTE_ALG_COSIGNATURE_V1,
					  &skey[i], &vkey[i], NULL) == 0);
		REQUIRE(note_verifier_parse(vkey[i], strlen(vkey[i]), &wit[i],
					    NULL) == 0);
	}
	/* Witness 0 cosigns the checkpoint text (everything up to the blank
	 * line); its signature line is appended to the signed note. */
	px_buf_init(&cp, 65536);
	REQUIRE(px_read_file(path, &cp, NULL) == 0);
	body_end = strstr((char *)cp.data, "\n\n");
	REQUIRE(body_end != NULL);
	REQUIRE(note_signer_parse(skey[0], strlen(skey[0]), &wsign, NULL) == 0);
	REQUIRE(note_cosign((char *)cp.data,
			    (size_t)(body_end + 1 - (char *)cp.data), &wsign,
			    1700000000, &cp, NULL) == 0);
	note_signer_wipe(&wsign);
	write_file(dir, "log/checkpoint", cp.data, cp.len);

	for (i = 0; i < 4; i++) {
		/* i: 0 = witness 0 of 1 needed; 1 = 1 of {0,1}; 2 = 2 of
		 * {0,1}; 3 = witness 1 alone */
		memset(&opts, 0, sizeof(opts));
		opts.log_key = &verifier;
		opts.witnesses = i == 3 ? &wit[1] : wit;
		opts.nwitnesses = i == 0 || i == 3 ? 1 : 2;
		opts.quorum = i == 2 ? 2 : 1;
		REQUIRE(log_source_open(&src, dir, &err) == 0);
		px_err_clear(&err);
		int rc = log_verify(&src, &opts, &res, &err);
		if (i < 2) {
			if (rc)
				fprintf(stderr, "case %d: %s\n", i, err.msg);
			CHECK_EQ_INT(rc, 0);
			CHECK_EQ_INT(res.entries, 20);
		} else {
			CHECK_EQ_INT(rc, PX_EVERIFY);
			CHECK(strstr(err.msg, "witness1.example") != NULL);
		}
		log_verify_result_release(&res);
		log_source_release(&src);
	}
	/* A quorum larger than the witnesses given is refused outright. */
	opts.nwitnesses = 1;
	opts.quorum = 2;
	REQUIRE(log_source_open(&src, dir, &err) == 0);
	CHECK_EQ_INT(log_verify(&src, &opts, &res, &err), PX_EINVAL);
	log_verify_result_release(&res);
	log_source_release(&src);
	for (i = 0; i < 2; i++) {
		px_free(skey[i]);
		px_free(vkey[i]);
	}
	px_buf_release(&cp);
	px_free(path);
	rm_rf(dir);
	px_free(dir);
}

/* Every older checkpoint of the same log is consistent with it. */
TEST(since_consistent)
{
	static const uint64_t ms[] = {0,   1,	2,   100, 255, 256, 257,
				      511, 512, 513, 767, 768, 800, 801};
	char *dir = build_log(801);
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(ms); i++) {
		struct log_verify_result res;
		struct px_err err;
		struct px_buf since;
		int rc;

		px_buf_init(&since, 4096);
		checkpoint_of(ms[i], &since);
		rc = run_verify(dir, &verifier, &since, &res, &err);
		if (rc)
			fprintf(stderr, "since %llu: %s\n",
				(unsigned long long)ms[i], err.msg);
		CHECK_EQ_INT(rc, 0);
		log_verify_result_release(&res);
		px_buf_release(&since);
	}
	rm_rf(dir);
	px_free(dir);
}

/* A checkpoint signed by the log key for a different history (a fork),
 * and one larger than the log (a rollback), are both caught. */
TEST(since_forged)
{
	static const uint64_t ms[] = {0, 1, 256, 300, 512};
	char *dir = build_log(512);
	struct log_verify_result res;
	struct px_err err;
	struct px_buf since;
	struct log_hash bad;
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(ms); i++) {
		memset(bad.b, (int)i + 1, sizeof(bad.b));
		px_buf_init(&since, 4096);
		sign_checkpoint(ms[i], &bad, &since);
		CHECK_EQ_INT(run_verify(dir, &verifier, &since, &res, &err),
			     PX_EVERIFY);
		CHECK(strstr(err.msg, "not consistent") != NULL);
		log_verify_result_release(&res);
		px_buf_release(&since);
	}
	px_buf_init(&since, 4096);
	checkpoint_of(513, &since);
	CHECK_EQ_INT(run_verify(dir, &verifier, &since, &res, &err),
		     PX_EVERIFY);
	CHECK(strstr(err.msg, "size 513") != NULL);
	log_verify_result_release(&res);
	px_buf_release(&since);
	rm_rf(dir);
	px_free(dir);
}

TEST(source_directory)
{
	char *dir = build_log(3);
	struct log_source src;
	struct px_buf b;
	struct px_err err;

	CHECK_EQ_INT(log_source_open(&src, dir, &err), 0);
	px_buf_init(&b, 100000);
	CHECK_EQ_INT(src.fetch(src.ctx, "checkpoint", &b, &err), 0);
	CHECK(strncmp((char *)b.data, ORIGIN "\n3\n", strlen(ORIGIN) + 3) == 0);
	px_buf_reset(&b);
	CHECK_EQ_INT(src.fetch(src.ctx, "tile/0/000.p/3", &b, &err), 0);
	CHECK_EQ_INT(b.len, 3 * LOG_HASH_SIZE);
	px_buf_reset(&b);
	CHECK_EQ_INT(src.fetch(src.ctx, "tile/0/001", &b, &err), PX_ENOTFOUND);
	CHECK(strstr(err.msg, "tile/0/001") != NULL);
	CHECK_EQ_INT(src.fetch(src.ctx, "../log.pub", &b, &err), PX_EINVAL);
	CHECK_EQ_INT(src.fetch(src.ctx, "/etc/passwd", &b, &err), PX_EINVAL);
	CHECK_EQ_INT(src.fetch(src.ctx, "tile//0", &b, &err), PX_EINVAL);
	px_buf_release(&b);
	/* The caller's maximum bounds what is read. */
	px_buf_init(&b, 10);
	CHECK_EQ_INT(src.fetch(src.ctx, "tile/0/000.p/3", &b, &err),
		     PX_ETOOBIG);
	px_buf_release(&b);
	log_source_release(&src);

	CHECK_EQ_INT(log_source_open(&src, "/nonexistent/px-log", &err),
		     PX_ENOTFOUND);
	CHECK(strstr(err.msg, "/nonexistent/px-log") != NULL);
	log_source_release(&src);
	rm_rf(dir);
	px_free(dir);
}

/* A URL that nothing serves fails cleanly, naming the URL. */
TEST(source_url_unreachable)
{
	struct log_verify_result res;
	struct px_err err;

	CHECK(run_verify("http://127.0.0.1:9/log", &verifier, NULL, &res,
			 &err) < 0);
	CHECK(strstr(err.msg, "http://127.0.0.1:9/log/checkpoint") != NULL);
	log_verify_result_release(&res);
}

/* Failing allocation N, for every N, fails cleanly (ENOMEM), never
 * crashes nor leaks, and never lets a log pass that should not. */
TEST(verify_alloc_failures)
{
	char *dir = build_log(300);
	unsigned long nth;
	int ok = 0;

	for (nth = 1; nth < 200 && !ok; nth++) {
		struct log_verify_result res;
		struct px_err err;
		int rc;

		px_alloc_fail_at(nth, 0);
		rc = run_verify(dir, &verifier, NULL, &res, &err);
		px_alloc_fail_at(0, 0);
		if (rc == 0) {
			CHECK_EQ_INT(res.entries, 300);
			ok = 1;
		} else if (rc != PX_ENOMEM) {
			fprintf(stderr, "allocation %lu: %d %s\n", nth, rc,
				err.msg);
			CHECK_EQ_INT(rc, PX_ENOMEM);
		}
		log_verify_result_release(&res);
	}
	CHECK(ok);
	rm_rf(dir);
	px_free(dir);
}

static void setup(void)
{
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		exit(1);
	}
	make_keys();
}

static void teardown(void)
{
	note_signer_wipe(&signer);
	rm_rf(tmp_root);
}

int test_main_(int argc, char **argv);
#define main test_main_
TEST_MAIN(TEST_ENTRY(verify_sizes), TEST_ENTRY(verify_log_root_dir),
	  TEST_ENTRY(partial_replaced_by_full), TEST_ENTRY(tamper_entry_bundle),
	  TEST_ENTRY(tamper_bundle_length), TEST_ENTRY(tamper_level0_tile),
	  TEST_ENTRY(tamper_level1_tile), TEST_ENTRY(tamper_full_level1_tile),
	  TEST_ENTRY(tamper_truncate_tile), TEST_ENTRY(tamper_delete_tile),
	  TEST_ENTRY(tamper_checkpoint_root),
	  TEST_ENTRY(tamper_checkpoint_signature), TEST_ENTRY(wrong_key),
	  TEST_ENTRY(witness_quorum), TEST_ENTRY(since_consistent),
	  TEST_ENTRY(since_forged), TEST_ENTRY(source_directory),
	  TEST_ENTRY(source_url_unreachable), TEST_ENTRY(verify_alloc_failures))
#undef main

int main(int argc, char **argv)
{
	int rc;

	setup();
	rc = test_main_(argc, argv);
	teardown();
	return rc;
}
