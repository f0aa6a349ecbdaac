/* Unit tests for src/log/log.c and src/log/seq.c: the data directory, the
 * sequencer's batches and durable writes, recovery on open, and the readers
 * (entries, roots and proofs), checked against an in-memory tree. */
#define _GNU_SOURCE
#include "log/log.h"
#include "log/tile.h"
#include "test.h"

#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers. */

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A fresh data directory path (not yet created) under a new temp dir.  The
 * tests run on a tmpfs when there is one (fsync there costs nothing, and
 * the machine's disk is shared); the first test uses the real disk.
 */
static char tmproot[64];
static char dirbuf[128];

static void remove_tmproot(void)
{
	if (tmproot[0])
		rm_rf(tmproot);
	tmproot[0] = '\0';
}

static const char *fresh_dir_in(const char *base)
{
	static int registered;

	if (!registered)
		registered = atexit(remove_tmproot) == 0;
	remove_tmproot();
	snprintf(tmproot, sizeof(tmproot), "%s/pxtest-log-XXXXXX", base);
	if (!mkdtemp(tmproot))
		abort();
	snprintf(dirbuf, sizeof(dirbuf), "%s/data", tmproot);
	return dirbuf;
}

static const char *fresh_dir(void)
{
	const char *env = getenv("PX_TEST_TMPDIR");

	if (env && *env)
		return fresh_dir_in(env);
	return fresh_dir_in(access("/dev/shm", W_OK) == 0 ? "/dev/shm"
							  : "/tmp");
}

static int exists_rel(const char *dir, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

/* Entry i: deterministic bytes, length varying with i (0..299). */
static size_t entry_of(uint64_t i, uint8_t *buf)
{
	size_t len = (size_t)((i * 37) % 300), k;
	for (k = 0; k < len; k++)
		buf[k] = (uint8_t)(i * 131 + k * 7 + (i >> 8));
	if (len >= 8)
		memcpy(buf, &i, 8);
	return len;
}

static struct log_hash *leaves;
static size_t nleaves, capleaves;

static void leaves_reset(void)
{
	nleaves = 0;
}

static void leaves_push(const uint8_t *e, size_t len)
{
	if (nleaves == capleaves) {
		capleaves = capleaves ? 2 * capleaves : 1024;
		leaves = realloc(leaves, capleaves * sizeof(*leaves));
		if (!leaves)
			abort();
	}
	log_hash_leaf(&leaves[nleaves++], e, len);
}

static void mem_root(uint64_t size, struct log_hash *root)
{
	struct log_mem_tree t = {leaves, size};
	struct log_hash_reader r;
	struct px_err err;

	log_mem_tree_reader(&t, &r);
	if (log_tree_root(&r, size, root, &err) != 0)
		abort();
}

static struct log *open_log(const char *dir, const struct log_options *opt)
{
	struct log *log = NULL;
	struct px_err err;
	int rc = log_open(dir, opt, &log, &err);

	if (rc)
		fprintf(stderr, "log_open: %s\n", err.msg);
	return log;
}

/* Append entries [from, to) with async submissions, then flush. */
static int append_range(struct log *log, uint64_t from, uint64_t to)
{
	uint8_t buf[512];
	struct px_err err;
	uint64_t i;

	for (i = from; i < to; i++) {
		size_t len = entry_of(i, buf);
		if (log_submit_async(log, buf, len, NULL, NULL, &err) != 0) {
			fprintf(stderr, "submit: %s\n", err.msg);
			return -1;
		}
		leaves_push(buf, len);
	}
	if (log_flush(log, &err) != 0) {
		fprintf(stderr, "flush: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int check_entries(struct log *log, uint64_t from, uint64_t to)
{
	uint8_t buf[512];
	struct px_buf out;
	struct px_err err;
	uint64_t i;
	int bad = 0;

	px_buf_init(&out, LOG_ENTRY_MAX);
	for (i = from; i < to && !bad; i++) {
		size_t len = entry_of(i, buf);
		px_buf_reset(&out);
		if (log_entry(log, i, &out, &err) != 0) {
			fprintf(stderr, "entry %llu: %s\n",
				(unsigned long long)i, err.msg);
			bad = 1;
		} else if (out.len != len ||
			   (len && memcmp(out.data, buf, len) != 0)) {
			fprintf(stderr, "entry %llu differs\n",
				(unsigned long long)i);
			bad = 1;
		}
	}
	px_buf_release(&out);
	return bad ? -1 : 0;
}

static int root_matches(struct log *log, uint64_t size)
{
	struct log_hash a, b;
	struct px_err err;

	if (log_root(log, size, &a, &err) != 0) {
		fprintf(stderr, "log_root(%llu): %s\n",
			(unsigned long long)size, err.msg);
		return 0;
	}
	mem_root(size ? size : log_size(log), &b);
	return log_hash_equal(&a, &b);
}

static void flip_byte(const char *dir, const char *rel, long off)
{
	char p[512];
	FILE *f;
	int c;

	snprintf(p, sizeof(p), "%s/log/%s", dir, rel);
	f = fopen(p, "r+b");
	if (!f)
		abort();
	fseek(f, off, SEEK_SET);
	c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x20, f);
	fclose(f);
}

static void write_rel(const char *dir, const char *rel, const void *data,
		      size_t len)
{
	char p[512], d[512];
	char *slash;
	FILE *f;
	struct px_err err;

	snprintf(p, sizeof(p), "%s/log/%s", dir, rel);
	snprintf(d, sizeof(d), "%s", p);
	slash = strrchr(d, '/');
	*slash = '\0';
	px_mkdirs(d, 0755, &err);
	f = fopen(p, "wb");
	if (!f)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
}

/* ---- tests. */

TEST(create_open_append_reopen)
{
	const char *dir = fresh_dir_in("/tmp");
	struct px_err err;
	struct px_buf ck;
	struct log *log;
	uint64_t idx;
	uint8_t buf[512];
	size_t len;

	leaves_reset();
	CHECK_EQ_INT(log_create(dir, "example.org/log", &err), 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_size(log), 0);
	CHECK(root_matches(log, 0));
	CHECK_EQ_STR(log_verifier(log)->name, "example.org/log");
	px_buf_init(&ck, 65536);
	CHECK_EQ_INT(log_checkpoint_text(log, &ck, &err), 0);
	CHECK(ck.len > 0 && strncmp((char *)ck.data,
				    "example.org/log\n0\n47DEQpj8HBSa+/"
				    "TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
				    62) == 0);
	px_buf_release(&ck);

	/* Synchronous submissions get consecutive indices. */
	for (idx = 0; idx < 5; idx++) {
		uint64_t got = 99;
		len = entry_of(idx, buf);
		CHECK_EQ_INT(log_submit(log, buf, len, &got, &err), 0);
		CHECK_EQ_INT(got, idx);
		leaves_push(buf, len);
	}
	CHECK_EQ_INT(log_size(log), 5);
	CHECK(root_matches(log, 0));
	CHECK_EQ_INT(check_entries(log, 0, 5), 0);
	px_buf_init(&ck, 100);
	CHECK_EQ_INT(log_entry(log, 5, &ck, &err), PX_ENOTFOUND);
	px_buf_release(&ck);
	log_close(log);

	/* Reopen: the same entries, the same root, and appends continue. */
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_size(log), 5);
	CHECK(root_matches(log, 0));
	CHECK_EQ_INT(check_entries(log, 0, 5), 0);
	CHECK_EQ_INT(append_range(log, 5, 300), 0);
	CHECK_EQ_INT(log_size(log), 300);
	CHECK(root_matches(log, 0));
	log_close(log);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_size(log), 300);
	CHECK(root_matches(log, 0));
	CHECK(root_matches(log, 5));
	CHECK(root_matches(log, 256));
	CHECK_EQ_INT(check_entries(log, 0, 300), 0);
	log_close(log);
}

/* The checkpoint on disk verifies with log.pub and names the root. */
TEST(checkpoint_file_is_signed_and_current)
{
	const char *dir = fresh_dir();
	struct note_verifier v;
	struct log_checkpoint cp;
	struct px_buf b;
	struct px_err err;
	struct log *log;
	char p[512];
	struct log_hash root;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/log", &err) == 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 70), 0);
	log_close(log);

	px_buf_init(&b, 4096);
	snprintf(p, sizeof(p), "%s/log.pub", dir);
	REQUIRE(px_read_file(p, &b, &err) == 0);
	while (b.len && b.data[b.len - 1] == '\n')
		b.len--;
	REQUIRE(note_verifier_parse((char *)b.data, b.len, &v, &err) == 0);
	px_buf_reset(&b);
	snprintf(p, sizeof(p), "%s/log/checkpoint", dir);
	REQUIRE(px_read_file(p, &b, &err) == 0);
	memset(&cp, 0, sizeof(cp));
	CHECK_EQ_INT(
	    log_checkpoint_open(b.data, b.len, &v, NULL, 0, 0, &cp, &err), 0);
	CHECK_EQ_INT(cp.size, 70);
	mem_root(70, &root);
	CHECK(log_hash_equal(&cp.root, &root));
	log_checkpoint_release(&cp);
	px_buf_release(&b);
}

TEST(roots_across_tile_boundaries)
{
	static const uint64_t sizes[] = {
	    1, 2, 3, 255, 256, 257, 511, 512, 513, 1000, 65535, 65536, 65537};
	struct log_options opt = {4096, 1, 0};
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint64_t done = 0;
	size_t i;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/big", &err) == 0);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	for (i = 0; i < PX_ARRAY_LEN(sizes); i++) {
		CHECK_EQ_INT(append_range(log, done, sizes[i]), 0);
		done = sizes[i];
		CHECK_EQ_INT(log_size(log), done);
		if (!root_matches(log, 0))
			fprintf(stderr, "root differs at size %llu\n",
				(unsigned long long)done);
		CHECK(root_matches(log, 0));
		/* Reopen at the boundaries: the edge reloads from tiles. */
		if (done == 256 || done == 257 || done == 65536 ||
		    done == 65537) {
			log_close(log);
			log = open_log(dir, &opt);
			REQUIRE(log != NULL);
			CHECK(root_matches(log, 0));
		}
	}
	/* Roots of older sizes come from the tiles. */
	for (i = 0; i < PX_ARRAY_LEN(sizes); i++)
		CHECK(root_matches(log, sizes[i]));
	CHECK_EQ_INT(check_entries(log, 65280, 65537), 0);
	CHECK_EQ_INT(check_entries(log, 0, 300), 0);
	log_close(log);

	/* Full tiles and their partials: the partials are pruned. */
	CHECK(exists_rel(dir, "log/tile/0/255"));
	CHECK(exists_rel(dir, "log/tile/1/000"));
	CHECK(exists_rel(dir, "log/tile/2/000.p/1"));
	CHECK(exists_rel(dir, "log/tile/0/256.p/1"));
	CHECK(exists_rel(dir, "log/tile/entries/256.p/1"));
	CHECK(!exists_rel(dir, "log/tile/0/000.p"));
	CHECK(!exists_rel(dir, "log/tile/entries/000.p"));
	CHECK(!exists_rel(dir, "log/tile/1/000.p"));

	/* Tampering at level 1 and with the last full level-0 tile. */
	flip_byte(dir, "tile/1/000", 100);
	CHECK(log_open(dir, NULL, &log, &err) == PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/1/000") != NULL);
	flip_byte(dir, "tile/1/000", 100);
	flip_byte(dir, "tile/0/255", 8191);
	CHECK(log_open(dir, NULL, &log, &err) == PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/255") != NULL);
	flip_byte(dir, "tile/0/255", 8191);
	log = open_log(dir, NULL);
	CHECK(log != NULL);
	log_close(log);
}

TEST(proofs_verify)
{
	struct log_options opt = {64, 1, 0};
	const char *dir = fresh_dir();
	struct log_hash proof[LOG_PROOF_MAX], r1, r2;
	struct px_err err;
	struct log *log;
	uint64_t size, i, m;
	size_t n;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/proofs", &err) == 0);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 600), 0);
	for (size = 1; size <= 600; size += (size < 20 ? 1 : 37)) {
		mem_root(size, &r2);
		for (i = 0; i < size; i += (size < 20 ? 1 : 13)) {
			CHECK_EQ_INT(
			    log_prove_inclusion(log, i, size, proof, &n, &err),
			    0);
			CHECK_EQ_INT(
			    log_tree_verify_inclusion(i, size, &leaves[i],
						      proof, n, &r2, &err),
			    0);
		}
		for (m = 1; m <= size; m += (size < 20 ? 1 : 29)) {
			mem_root(m, &r1);
			CHECK_EQ_INT(log_prove_consistency(log, m, size, proof,
							   &n, &err),
				     0);
			CHECK_EQ_INT(log_tree_verify_consistency(
					 m, size, &r1, &r2, proof, n, &err),
				     0);
		}
	}
	/* Size 0 means the current tree. */
	mem_root(600, &r2);
	CHECK_EQ_INT(log_prove_inclusion(log, 599, 0, proof, &n, &err), 0);
	CHECK_EQ_INT(log_tree_verify_inclusion(599, 600, &leaves[599], proof, n,
					       &r2, &err),
		     0);
	/* Beyond the log is refused. */
	CHECK(log_prove_inclusion(log, 1, 601, proof, &n, &err) < 0);
	CHECK(log_prove_inclusion(log, 600, 600, proof, &n, &err) < 0);
	CHECK(log_prove_consistency(log, 10, 601, proof, &n, &err) < 0);
	CHECK(log_root(log, 601, &r1, &err) < 0);
	log_close(log);
}

static atomic_int acks;

static void count_ack(void *ctx, int rc, uint64_t index)
{
	(void)ctx;
	(void)index;
	if (rc == 0)
		atomic_fetch_add(&acks, 1);
}

static int partial_widths(const char *dir, const char *rel, int *w, int max)
{
	char p[512];
	int n = 0, i;

	for (i = 1; i < 256; i++) {
		snprintf(p, sizeof(p), "%s/log/%s/%d", dir, rel, i);
		if (access(p, F_OK) == 0 && n < max)
			w[n++] = i;
	}
	return n;
}

TEST(batch_settings_are_honoured)
{
	struct log_options small = {7, 50, 0}, slow = {1000, 300, 0};
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint8_t buf[512];
	int w[256], n, i;
	double t0, t;
	uint64_t k;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/batch", &err) == 0);
	/* batch_max: no batch holds more than 7 entries, so every
	 * checkpointed width is at most 7 more than the one before. */
	log = open_log(dir, &small);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 100), 0);
	log_close(log);
	n = partial_widths(dir, "tile/0/000.p", w, 256);
	CHECK(n >= 100 / 7);
	CHECK(n > 0 && w[n - 1] == 100);
	for (i = 0; i < n; i++)
		CHECK(w[i] - (i ? w[i - 1] : 0) <= 7);
	CHECK_EQ_INT(partial_widths(dir, "tile/entries/000.p", w, 256), n);

	/* batch_delay_ms: two entries 50 ms apart share one batch that is
	 * written no earlier than 300 ms after the first. */
	log = open_log(dir, &slow);
	REQUIRE(log != NULL);
	atomic_store(&acks, 0);
	t0 = px_now();
	for (k = 100; k < 102; k++) {
		size_t len = entry_of(k, buf);
		CHECK_EQ_INT(
		    log_submit_async(log, buf, len, count_ack, NULL, &err), 0);
		leaves_push(buf, len);
		if (k == 100)
			usleep(50000);
	}
	while (atomic_load(&acks) < 2 && px_now() - t0 < 10)
		usleep(1000);
	t = px_now() - t0;
	CHECK_EQ_INT(atomic_load(&acks), 2);
	CHECK(t >= 0.29);
	CHECK(exists_rel(dir, "log/tile/0/000.p/102"));
	CHECK(!exists_rel(dir, "log/tile/0/000.p/101"));
	/* A flush does not wait for the delay. */
	t0 = px_now();
	CHECK_EQ_INT(append_range(log, 102, 103), 0);
	CHECK(px_now() - t0 < 0.25);
	/* Nor does log_flush_begin, which returns at once: the entry is
	 * acknowledged without anyone waiting in log_flush. */
	{
		struct log_options long_delay = {1000, 60000, 0};
		size_t len = entry_of(103, buf);
		log_close(log);
		log = open_log(dir, &long_delay);
		REQUIRE(log != NULL);
		atomic_store(&acks, 0);
		t0 = px_now();
		CHECK_EQ_INT(
		    log_submit_async(log, buf, len, count_ack, NULL, &err), 0);
		leaves_push(buf, len);
		log_flush_begin(log);
		while (atomic_load(&acks) < 1 && px_now() - t0 < 10)
			usleep(1000);
		CHECK_EQ_INT(atomic_load(&acks), 1);
		CHECK(px_now() - t0 < 5);
		CHECK(exists_rel(dir, "log/tile/0/000.p/104"));
	}
	CHECK(root_matches(log, 0));
	log_close(log);
}

TEST(close_flushes_and_acks_everything)
{
	struct log_options opt = {16, 20, 0};
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint8_t buf[512];
	uint64_t k;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/close", &err) == 0);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	atomic_store(&acks, 0);
	for (k = 0; k < 200; k++) {
		size_t len = entry_of(k, buf);
		CHECK_EQ_INT(
		    log_submit_async(log, buf, len, count_ack, NULL, &err), 0);
		leaves_push(buf, len);
	}
	log_close(log);
	CHECK_EQ_INT(atomic_load(&acks), 200);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_size(log), 200);
	CHECK(root_matches(log, 0));
	CHECK_EQ_INT(check_entries(log, 0, 200), 0);
	log_close(log);
}

TEST(oversized_entries_are_refused)
{
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint8_t *big = calloc(1, LOG_ENTRY_MAX + 1);
	struct px_buf out;
	uint64_t idx = 0;

	REQUIRE(big != NULL);
	REQUIRE(log_create(dir, "example.org/big", &err) == 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_submit(log, big, LOG_ENTRY_MAX + 1, &idx, &err),
		     PX_ETOOBIG);
	CHECK_EQ_INT(
	    log_submit_async(log, big, LOG_ENTRY_MAX + 1, NULL, NULL, &err),
	    PX_ETOOBIG);
	CHECK_EQ_INT(log_flush(log, &err), 0);
	CHECK_EQ_INT(log_size(log), 0);
	big[LOG_ENTRY_MAX - 1] = 7;
	CHECK_EQ_INT(log_submit(log, big, LOG_ENTRY_MAX, &idx, &err), 0);
	CHECK_EQ_INT(idx, 0);
	CHECK_EQ_INT(log_submit(log, "", 0, &idx, &err), 0);
	CHECK_EQ_INT(idx, 1);
	log_close(log);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	px_buf_init(&out, LOG_ENTRY_MAX);
	CHECK_EQ_INT(log_entry(log, 0, &out, &err), 0);
	CHECK(out.len == LOG_ENTRY_MAX && memcmp(out.data, big, out.len) == 0);
	px_buf_reset(&out);
	CHECK_EQ_INT(log_entry(log, 1, &out, &err), 0);
	CHECK_EQ_INT(out.len, 0);
	px_buf_release(&out);
	log_close(log);
	free(big);
}

TEST(tampering_is_refused_naming_the_tile)
{
	static const char *const tiles[] = {
	    "tile/0/001", "tile/entries/001", "tile/0/002.p/88",
	    "tile/entries/002.p/88", "tile/1/000.p/2"};
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	size_t i;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/tamper", &err) == 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 600), 0);
	log_close(log);
	for (i = 0; i < PX_ARRAY_LEN(tiles); i++) {
		flip_byte(dir, tiles[i], 40);
		log = NULL;
		CHECK_EQ_INT(log_open(dir, NULL, &log, &err), PX_ECORRUPT);
		CHECK(log == NULL);
		CHECK(strstr(err.msg, tiles[i]) != NULL);
		if (!strstr(err.msg, tiles[i]))
			fprintf(stderr, "message: %s\n", err.msg);
		flip_byte(dir, tiles[i], 40);
	}
	/* A missing tile the checkpoint needs, and a forged checkpoint. */
	{
		char p[512], q[512];
		snprintf(p, sizeof(p), "%s/log/tile/0/002.p/88", dir);
		snprintf(q, sizeof(q), "%s/moved", dir);
		REQUIRE(rename(p, q) == 0);
		CHECK_EQ_INT(log_open(dir, NULL, &log, &err), PX_ECORRUPT);
		CHECK(strstr(err.msg, "tile/0/002.p/88") != NULL);
		REQUIRE(rename(q, p) == 0);
	}
	flip_byte(dir, "checkpoint", 20);
	CHECK(log_open(dir, NULL, &log, &err) < 0);
	flip_byte(dir, "checkpoint", 20);
	log = open_log(dir, NULL);
	CHECK(log != NULL);
	CHECK(root_matches(log, 0));
	log_close(log);
}

TEST(recovery_removes_what_lies_beyond)
{
	const char *dir = fresh_dir();
	static uint8_t junk[LOG_TILE_BYTES];
	static const char *const beyond[] = {"tile/0/001",
					     "tile/0/001.p/45",
					     "tile/0/001.p/.45.tmp-99-1",
					     "tile/0/002.p/3",
					     "tile/0/x001/000",
					     "tile/entries/001",
					     "tile/entries/001.p/200",
					     "tile/entries/005.p/1",
					     "tile/1/000.p/2",
					     "tile/2/000.p/1",
					     "tile/entries/000.p/5",
					     "tile/0/000.p/5",
					     ".checkpoint.tmp-123-4",
					     "tile/0/.000.tmp-1-1"};
	static const char *const kept[] = {
	    "tile/0/000",	"tile/0/001.p/44",
	    "tile/entries/000", "tile/entries/001.p/44",
	    "tile/1/000.p/1",	"checkpoint"};
	struct px_err err;
	struct log *log;
	char p[512];
	size_t i;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/recover", &err) == 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 300), 0);
	log_close(log);
	memset(junk, 0xa5, sizeof(junk));
	for (i = 0; i < PX_ARRAY_LEN(beyond); i++)
		write_rel(dir, beyond[i], junk, 64);
	snprintf(p, sizeof(p), "%s/keys/.log.key.tmp-5-5", dir);
	fclose(fopen(p, "w"));

	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	for (i = 0; i < PX_ARRAY_LEN(beyond); i++) {
		snprintf(p, sizeof(p), "log/%s", beyond[i]);
		if (exists_rel(dir, p))
			fprintf(stderr, "left behind: %s\n", p);
		CHECK(!exists_rel(dir, p));
	}
	CHECK(!exists_rel(dir, "log/tile/0/x001"));
	CHECK(!exists_rel(dir, "log/tile/2"));
	CHECK(!exists_rel(dir, "keys/.log.key.tmp-5-5"));
	for (i = 0; i < PX_ARRAY_LEN(kept); i++) {
		snprintf(p, sizeof(p), "log/%s", kept[i]);
		CHECK(exists_rel(dir, p));
	}
	CHECK(root_matches(log, 0));
	/* Appends overwrite the same paths with the right content. */
	CHECK_EQ_INT(append_range(log, 300, 520), 0);
	CHECK(root_matches(log, 0));
	log_close(log);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK(root_matches(log, 0));
	CHECK_EQ_INT(check_entries(log, 0, 520), 0);
	log_close(log);
}

/* Tile numbers of four digits and more live in x-directories
 * (tile/0/x001/000); recovery walks them too.  Size 1001*256+44: level 0
 * ends in tile/0/x001/001.p/44, level 1 in tile/1/003.p/233, level 2 in
 * tile/2/000.p/3. */
TEST(recovery_in_grouped_tile_directories)
{
	static const char *const beyond[] = {
	    "tile/0/x001/001",	       "tile/0/x001/001.p/45",
	    "tile/0/x001/002.p/1",     "tile/0/x002/000",
	    "tile/0/x001/x000/000",    "tile/1/004.p/2",
	    "tile/1/003.p/234",	       "tile/1/003",
	    "tile/2/000.p/4",	       "tile/entries/x001/001",
	    "tile/0/x001/.000.tmp-7-7"};
	static const char *const kept[] = {
	    "tile/0/999",	    "tile/0/x001/000",
	    "tile/0/x001/001.p/44", "tile/entries/x001/001.p/44",
	    "tile/1/002",	    "tile/1/003.p/233",
	    "tile/2/000.p/3"};
	struct log_options opt = {16384, 1, 0};
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint64_t size = 1001 * 256 + 44, i;
	char p[512];

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/groups", &err) == 0);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	for (i = 0; i < size; i++) {
		if (log_submit_async(log, "", 0, NULL, NULL, &err) != 0)
			break;
		leaves_push((const uint8_t *)"", 0);
	}
	CHECK_EQ_INT(log_flush(log, &err), 0);
	CHECK_EQ_INT(log_size(log), size);
	log_close(log);
	for (i = 0; i < PX_ARRAY_LEN(beyond); i++)
		write_rel(dir, beyond[i], "junk", 4);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	for (i = 0; i < PX_ARRAY_LEN(beyond); i++) {
		snprintf(p, sizeof(p), "log/%s", beyond[i]);
		CHECK(!exists_rel(dir, p));
		if (exists_rel(dir, p))
			fprintf(stderr, "left behind: %s\n", p);
	}
	CHECK(!exists_rel(dir, "log/tile/0/x002"));
	CHECK(!exists_rel(dir, "log/tile/0/x001/x000"));
	for (i = 0; i < PX_ARRAY_LEN(kept); i++) {
		snprintf(p, sizeof(p), "log/%s", kept[i]);
		CHECK(exists_rel(dir, p));
	}
	CHECK(root_matches(log, 0));
	CHECK(root_matches(log, 1000 * 256));
	CHECK_EQ_INT(append_range(log, size, size + 300), 0);
	CHECK(root_matches(log, 0));
	log_close(log);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK(root_matches(log, 0));
	log_close(log);
}

TEST(keys_are_private_and_dirs_are_not_reused)
{
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log, *again = NULL;
	struct stat st;
	char p[512];

	REQUIRE(log_create(dir, "example.org/keys", &err) == 0);
	snprintf(p, sizeof(p), "%s/keys", dir);
	REQUIRE(stat(p, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0700);
	snprintf(p, sizeof(p), "%s/keys/log.key", dir);
	REQUIRE(stat(p, &st) == 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/log.pub", dir);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0044) == 0044);
	CHECK(exists_rel(dir, "log/checkpoint"));

	CHECK_EQ_INT(log_create(dir, "example.org/keys", &err), PX_EEXIST);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	/* One process, one sequencer. */
	CHECK_EQ_INT(log_open(dir, NULL, &again, &err), PX_ECONFLICT);
	CHECK(again == NULL);
	log_close(log);
	/* A directory without a log. */
	snprintf(p, sizeof(p), "%s/empty", tmproot);
	CHECK(log_open(p, NULL, &log, &err) == PX_ENOTFOUND);
	/* Keys that do not belong together. */
	{
		const char *other;
		char src[512], dst[512];
		struct px_buf b;
		snprintf(src, sizeof(src), "%s/keys/log.key", dir);
		px_buf_init(&b, 4096);
		REQUIRE(px_read_file(src, &b, &err) == 0);
		snprintf(dst, sizeof(dst), "%s/saved", tmproot);
		REQUIRE(px_write_file_durable(dst, b.data, b.len, 0600, &err) ==
			0);
		px_buf_release(&b);
		snprintf(dst, sizeof(dst), "%s/other", tmproot);
		other = dst;
		REQUIRE(log_create(other, "example.org/keys", &err) == 0);
		snprintf(p, sizeof(p), "%s/keys/log.key", other);
		REQUIRE(rename(p, src) == 0);
		CHECK(log_open(dir, NULL, &log, &err) < 0);
		CHECK(strstr(err.msg, "log.key") != NULL);
	}
}

/*
 * A write that fails (here: the directory a new partial tile needs is a
 * regular file, so creating it fails) fails the whole batch: nothing of it
 * is acknowledged or published, and once the cause is gone the log goes on
 * from where it was.
 */
TEST(write_failures_fail_the_batch_and_change_nothing)
{
	const char *dir = fresh_dir();
	struct px_err err;
	struct log *log;
	uint8_t buf[512];
	uint64_t k, idx;
	char p[512];
	int rc;

	leaves_reset();
	REQUIRE(log_create(dir, "example.org/eio", &err) == 0);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(append_range(log, 0, 250), 0);
	snprintf(p, sizeof(p), "%s/log/tile/0/001.p", dir);
	fclose(fopen(p, "w"));
	/* Up to size 256 no tile/0/001.p is needed. */
	for (k = 250; k < 256; k++) {
		size_t len = entry_of(k, buf);
		CHECK_EQ_INT(log_submit(log, buf, len, &idx, &err), 0);
		CHECK_EQ_INT(idx, k);
		leaves_push(buf, len);
	}
	for (k = 0; k < 3; k++) {
		size_t len = entry_of(1000 + k, buf);
		rc = log_submit(log, buf, len, &idx, &err);
		CHECK_EQ_INT(rc, PX_EIO);
		CHECK(strstr(err.msg, "001.p") != NULL);
		CHECK_EQ_INT(log_size(log), 256);
	}
	CHECK(root_matches(log, 0));
	CHECK(!exists_rel(dir, "log/tile/entries/001.p/1"));
	unlink(p);
	CHECK_EQ_INT(append_range(log, 256, 300), 0);
	CHECK(root_matches(log, 0));
	log_close(log);
	log = open_log(dir, NULL);
	REQUIRE(log != NULL);
	CHECK_EQ_INT(log_size(log), 300);
	CHECK(root_matches(log, 0));
	CHECK_EQ_INT(check_entries(log, 0, 300), 0);
	log_close(log);
}

/* Several submitting threads and readers at once. */
struct worker {
	struct log *log;
	int id;
	uint64_t idx[200];
	int fails;
};

static void *submitter(void *arg)
{
	struct worker *w = arg;
	struct px_err err;
	char e[64];
	int i, n;

	for (i = 0; i < 200; i++) {
		n = snprintf(e, sizeof(e), "worker %d entry %d", w->id, i);
		if (log_submit(w->log, e, (size_t)n, &w->idx[i], &err) != 0)
			w->fails++;
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	struct log_hash proof[LOG_PROOF_MAX], root;
	struct px_buf out;
	struct px_err err;
	size_t n;
	int i;

	px_buf_init(&out, LOG_ENTRY_MAX);
	for (i = 0; i < 300; i++) {
		uint64_t size = log_size(w->log);
		if (size == 0)
			continue;
		px_buf_reset(&out);
		if (log_entry(w->log, (uint64_t)i % size, &out, &err) != 0 ||
		    log_root(w->log, size, &root, &err) != 0 ||
		    log_prove_inclusion(w->log, (uint64_t)i % size, size, proof,
					&n, &err) != 0)
			w->fails++;
		else {
			struct log_hash leaf;
			log_hash_leaf(&leaf, out.data, out.len);
			if (log_tree_verify_inclusion((uint64_t)i % size, size,
						      &leaf, proof, n, &root,
						      &err) != 0)
				w->fails++;
		}
	}
	px_buf_release(&out);
	return NULL;
}

TEST(concurrent_submitters_and_readers)
{
	struct log_options opt = {32, 1, 0};
	const char *dir = fresh_dir();
	struct worker w[5];
	pthread_t t[5];
	struct px_err err;
	struct log *log;
	static uint8_t seen[1000];
	struct px_buf out;
	int i, j;

	REQUIRE(log_create(dir, "example.org/threads", &err) == 0);
	log = open_log(dir, &opt);
	REQUIRE(log != NULL);
	for (i = 0; i < 5; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].log = log;
		w[i].id = i;
		pthread_create(&t[i], NULL, i < 4 ? submitter : reader, &w[i]);
	}
	for (i = 0; i < 5; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(w[i].fails, 0);
	}
	CHECK_EQ_INT(log_size(log), 800);
	memset(seen, 0, sizeof(seen));
	px_buf_init(&out, LOG_ENTRY_MAX);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 200; j++) {
			char e[64];
			int n =
			    snprintf(e, sizeof(e), "worker %d entry %d", i, j);
			uint64_t k = w[i].idx[j];
			REQUIRE(k < 800);
			CHECK(!seen[k]);
			seen[k] = 1;
			px_buf_reset(&out);
			CHECK_EQ_INT(log_entry(log, k, &out, &err), 0);
			CHECK(out.len == (size_t)n &&
			      memcmp(out.data, e, (size_t)n) == 0);
			/* Each thread's entries are in its order. */
			if (j)
				CHECK(k > w[i].idx[j - 1]);
		}
	px_buf_release(&out);
	log_close(log);
}

/*
 * Failure injection: make allocation N fail (N = 1, 2, ...) somewhere in
 * open + append + close.  Every call either succeeds or returns an error;
 * every acknowledged entry is there after reopening, and the log reopens
 * with a root that matches its entries.
 */
TEST(allocation_failures_lose_nothing_acknowledged)
{
	const char *dir = fresh_dir();
	struct log_options opt = {4, 1, 0};
	struct px_err err;
	struct log *log;
	unsigned long nth, made = 0;
	int errors = 0, runs = 0;
	uint64_t expect = 0;

	REQUIRE(log_create(dir, "example.org/oom", &err) == 0);
	for (nth = 1; nth < 100000; nth++) {
		uint8_t buf[512];
		uint64_t acked[3], ackedk[3], idx, k, size;
		int nacked = 0, sticky = (nth % 7 == 0), i, rc;
		struct px_buf out;

		px_alloc_fail_at(nth, sticky);
		rc = log_open(dir, &opt, &log, &err);
		if (rc) {
			CHECK(rc < 0 && log == NULL);
			errors++;
		} else {
			for (i = 0; i < 3; i++) {
				/* The content names the index it should
				 * get if every append so far succeeded;
				 * the check below reads it back by the
				 * index it actually got. */
				size_t len =
				    entry_of(expect + (uint64_t)i, buf);
				rc = log_submit(log, buf, len, &idx, &err);
				if (rc == 0) {
					ackedk[nacked] = expect + (uint64_t)i;
					acked[nacked++] = idx;
				} else {
					CHECK(rc < 0);
					errors++;
				}
			}
			log_flush(log, NULL);
			log_close(log);
		}
		made = px_alloc_fail_at(0, 0);
		runs++;

		/* Without injection the log must reopen and hold every
		 * acknowledged entry. */
		log = open_log(dir, &opt);
		REQUIRE(log != NULL);
		size = log_size(log);
		px_buf_init(&out, LOG_ENTRY_MAX);
		for (i = 0; i < nacked; i++) {
			size_t len = entry_of(ackedk[i], buf);
			px_buf_reset(&out);
			CHECK(acked[i] < size);
			CHECK_EQ_INT(log_entry(log, acked[i], &out, &err), 0);
			CHECK(out.len == len &&
			      (len == 0 || memcmp(out.data, buf, len) == 0));
		}
		/* The root matches the entries it holds. */
		leaves_reset();
		for (k = 0; k < size; k++) {
			px_buf_reset(&out);
			REQUIRE(log_entry(log, k, &out, &err) == 0);
			leaves_push(out.data, out.len);
		}
		px_buf_release(&out);
		CHECK(root_matches(log, 0));
		expect = size;
		log_close(log);
		if (made < nth)
			break; /* no allocation failed: every path covered */
	}
	px_alloc_fail_at(0, 0);
	fprintf(stderr, "allocation failures: %d runs, %d errors returned\n",
		runs, errors);
	CHECK(runs > 20);
	CHECK(errors > 0);
}

TEST_MAIN(TEST_ENTRY(create_open_append_reopen),
	  TEST_ENTRY(checkpoint_file_is_signed_and_current),
	  TEST_ENTRY(roots_across_tile_boundaries), TEST_ENTRY(proofs_verify),
	  TEST_ENTRY(batch_settings_are_honoured),
	  TEST_ENTRY(close_flushes_and_acks_everything),
	  TEST_ENTRY(oversized_entries_are_refused),
	  TEST_ENTRY(tampering_is_refused_naming_the_tile),
	  TEST_ENTRY(recovery_removes_what_lies_beyond),
	  TEST_ENTRY(recovery_in_grouped_tile_directories),
	  TEST_ENTRY(keys_are_private_and_dirs_are_not_reused),
	  TEST_ENTRY(write_failures_fail_the_batch_and_change_nothing),
	  TEST_ENTRY(concurrent_submitters_and_readers),
	  TEST_ENTRY(allocation_failures_lose_nothing_acknowledged))
