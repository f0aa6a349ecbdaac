/* Unit tests for src/log/tilehash.c: roots and proofs read from C2SP
 * tlog-tiles equal those of the in-memory tree, around every tile boundary;
 * damaged and missing tiles are reported by name; the cache serves warm
 * proofs without fetching, survives eviction and concurrent readers.
 *
 * The tiles are written here by a small helper from leaf hashes (not by the
 * log's own writer), and read back through a tiny directory source. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "log/tile.h"
#include "log/tilehash.h"
#include "test.h"

#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define NMAX 200003

/* ---- every complete subtree hash of the NMAX-leaf tree, level by level:
 * the oracle the tiles are written from and compared with. */
static struct log_hash *level_hash[64];
static uint64_t level_count[64];
static int nlevels;

static void build_levels(void)
{
	int l;
	uint64_t i;

	if (nlevels)
		return;
	level_count[0] = NMAX;
	level_hash[0] = malloc(NMAX * sizeof(struct log_hash));
	for (i = 0; i < NMAX; i++) {
		uint8_t e[8];
		memcpy(e, &i, sizeof(e));
		log_hash_leaf(&level_hash[0][i], e, sizeof(e));
	}
	for (l = 1; (NMAX >> l) > 0; l++) {
		level_count[l] = NMAX >> l;
		level_hash[l] =
		    malloc(level_count[l] * sizeof(struct log_hash));
		for (i = 0; i < level_count[l]; i++)
			log_hash_node(&level_hash[l][i],
				      &level_hash[l - 1][2 * i],
				      &level_hash[l - 1][2 * i + 1]);
	}
	nlevels = l;
}

struct table_tree {
	uint64_t size;
};

static int table_read(void *ctx, int level, const uint64_t *index, size_t n,
		      struct log_hash *out, struct px_err *err)
{
	const struct table_tree *t = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (level >= nlevels || index[i] >= (t->size >> level))
			return px_errorf(err, PX_EINVAL, "no such subtree");
		out[i] = level_hash[level][index[i]];
	}
	return 0;
}

/* ---- the tile writer: full tiles of NMAX, partial tiles of each size. */

static void write_file(const char *dir, const char *rel, const void *data,
		       size_t len)
{
	char *path = px_path_join(dir, rel), *slash;
	FILE *f;

	slash = strrchr(path, '/');
	*slash = '\0';
	if (px_mkdirs(path, 0755, NULL) != 0) {
		fprintf(stderr, "mkdir %s failed\n", path);
		exit(2);
	}
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "write %s failed\n", path);
		exit(2);
	}
	px_free(path);
}

static void write_tile(const char *dir, int tl, uint64_t n, unsigned w)
{
	struct log_tile t = {tl, n, w};
	char rel[LOG_TILE_PATH_MAX];

	log_tile_path(rel, &t);
	write_file(dir, rel, &level_hash[tl * 8][n * 256],
		   (size_t)w * LOG_HASH_SIZE);
}

static void write_tiles(const char *dir, uint64_t nmax, const uint64_t *sizes,
			size_t nsizes)
{
	int tl;
	uint64_t n;
	size_t i;

	for (tl = 0; tl < log_tile_levels(nmax); tl++)
		for (n = 0; n < log_tile_count_at(tl, nmax) / 256; n++)
			write_tile(dir, tl, n, 256);
	for (i = 0; i < nsizes; i++)
		for (tl = 0; tl < log_tile_levels(sizes[i]); tl++) {
			uint64_t c = log_tile_count_at(tl, sizes[i]);
			if (c % 256)
				write_tile(dir, tl, c / 256,
					   (unsigned)(c % 256));
		}
}

static char *make_dir(void)
{
	char tmpl[] = "/tmp/px-tilehash-XXXXXX";
	char *d = mkdtemp(tmpl);

	if (!d) {
		perror("mkdtemp");
		exit(2);
	}
	return px_strdup(d);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_dir(char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	px_free(dir);
}

/* ---- a directory source that counts its fetches. */

struct dir_source {
	const char *dir;
	unsigned long fetches;
	pthread_mutex_t mu;
};

static int dir_fetch(void *ctx, const char *path, struct px_buf *out,
		     struct px_err *err)
{
	struct dir_source *d = ctx;
	char *full = px_path_join(d->dir, path);
	int rc;

	pthread_mutex_lock(&d->mu);
	d->fetches++;
	pthread_mutex_unlock(&d->mu);
	if (!full)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_read_file(full, out, err);
	px_free(full);
	return rc;
}

static void source_init(struct log_source *src, struct dir_source *d,
			const char *dir)
{
	d->dir = dir;
	d->fetches = 0;
	pthread_mutex_init(&d->mu, NULL);
	src->fetch = dir_fetch;
	src->ctx = d;
	src->where = (char *)dir;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return bound ? rng_state % bound : 0;
}

static int same(const struct log_hash *a, const struct log_hash *b, size_t n)
{
	return memcmp(a, b, n * sizeof(*a)) == 0;
}

/* Compare one size: root, inclusion and consistency proofs from tiles
 * against the table and (for the smaller sizes, where it is cheap) the
 * in-memory reader of tree.h. */
static void check_size(struct log_source *src, uint64_t s)
{
	struct log_tilehash *th;
	struct log_hash_reader tr, tab, mr;
	struct table_tree tt = {s};
	struct log_mem_tree mt = {level_hash[0], s};
	struct log_hash root, want, p1[LOG_PROOF_MAX], p2[LOG_PROOF_MAX], r1;
	struct px_err err;
	size_t n1, n2, k;
	int use_mem = s <= 70000;

	if (log_tilehash_new(src, s, 64, &th, &err) != 0) {
		CHECK(!"log_tilehash_new");
		return;
	}
	log_tilehash_reader(th, &tr);
	tt.size = s;
	tab.read = table_read;
	tab.ctx = &tt;
	log_mem_tree_reader(&mt, &mr);

	if (log_tree_root(&tr, s, &root, &err) != 0)
		fprintf(stderr, "size %" PRIu64 ": %s\n", s, err.msg);
	CHECK_EQ_INT(log_tree_root(&tab, s, &want, &err), 0);
	CHECK(same(&root, &want, 1));
	if (use_mem) {
		CHECK_EQ_INT(log_tree_root(&mr, s, &want, &err), 0);
		CHECK(same(&root, &want, 1));
	}
	for (k = 0; s > 0 && k < 40; k++) {
		uint64_t i = k == 0   ? 0
			     : k == 1 ? s - 1
			     : k == 2 ? s / 2
			     : k == 3 ? (s > 256 ? 255 : 0)
			     : k == 4 ? (s > 256 ? 256 : 0)
				      : rnd(s);
		int rc = log_tree_prove_inclusion(&tr, i, s, p1, &n1, &err);
		if (rc)
			fprintf(stderr, "size %" PRIu64 ": %s\n", s, err.msg);
		REQUIRE(rc == 0);
		CHECK_EQ_INT(
		    log_tree_prove_inclusion(k < 2 && use_mem ? &mr : &tab, i,
					     s, p2, &n2, &err),
		    0);
		CHECK(n1 == n2 && same(p1, p2, n1));
		CHECK_EQ_INT(log_tree_verify_inclusion(i, s, &level_hash[0][i],
						       p1, n1, &root, &err),
			     0);
	}
	for (k = 0; s > 0 && k < 12; k++) {
		uint64_t m = k == 0   ? 1
			     : k == 1 ? s - 1
			     : k == 2 ? s / 2
			     : k == 3 ? (s > 256 ? 256 : s)
			     : k == 4 ? (s > 257 ? 257 : s)
				      : 1 + rnd(s);
		struct table_tree tm = {m};
		struct log_hash_reader om = {table_read, &tm};
		CHECK_EQ_INT(
		    log_tree_prove_consistency(&tr, m, s, p1, &n1, &err), 0);
		CHECK_EQ_INT(
		    log_tree_prove_consistency(k == 2 && use_mem ? &mr : &tab,
					       m, s, p2, &n2, &err),
		    0);
		CHECK(n1 == n2 && same(p1, p2, n1));
		CHECK_EQ_INT(log_tree_root(&om, m, &r1, &err), 0);
		CHECK_EQ_INT(
		    log_tree_verify_consistency(m, s, &r1, &root, p1, n1, &err),
		    0);
	}
	log_tilehash_free(th);
}

TEST(tiles_give_the_same_roots_and_proofs_around_tile_boundaries)
{
	uint64_t sizes[20] = {0,     1,	     2,	     255,    256,   257,
			      511,   512,    513,    65535,  65536, 65537,
			      70000, 131071, 131073, 199999, NMAX};
	size_t ns = 17, i;
	struct dir_source ds;
	struct log_source src;
	char *dir;

	build_levels();
	/* A few sizes drawn at random (fixed seed, so runs repeat). */
	while (ns < PX_ARRAY_LEN(sizes))
		sizes[ns++] = 1 + rnd(NMAX);
	dir = make_dir();
	write_tiles(dir, NMAX, sizes, ns);
	source_init(&src, &ds, dir);
	for (i = 0; i < ns; i++)
		check_size(&src, sizes[i]);
	remove_dir(dir);
}

static int read_error(const char *dir, uint64_t size, struct px_err *err)
{
	struct dir_source ds;
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader r;
	struct log_hash root, p[LOG_PROOF_MAX];
	size_t n;
	int rc;

	source_init(&src, &ds, dir);
	if (log_tilehash_new(&src, size, 0, &th, err) != 0)
		return -100;
	log_tilehash_reader(th, &r);
	rc = log_tree_root(&r, size, &root, err);
	/* The root of 600 reads tiles 1/000.p/2 and 0/002.p/88; the proof
	 * of leaf 300 also reads 0/001. */
	if (rc == 0)
		rc = log_tree_prove_inclusion(&r, 300, size, p, &n, err);
	log_tilehash_free(th);
	return rc;
}

TEST(damaged_and_missing_tiles_are_named)
{
	uint64_t sizes[] = {600};
	struct px_err err;
	char *dir, *path;
	struct log_hash extra[6];

	build_levels();
	dir = make_dir();
	write_tiles(dir, 600, sizes, 1);

	/* Truncated full tile. */
	write_file(dir, "tile/0/001", level_hash[0] + 256, 8000);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/001'") != NULL);
	CHECK(strstr(err.msg, "8000 bytes") != NULL);
	/* A full tile one hash too long. */
	write_file(dir, "tile/0/001", level_hash[0] + 256, 8192 + 32);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/001'") != NULL);
	/* Far too long: the read stops at its bound. */
	write_file(dir, "tile/0/001", level_hash[0], 3 * 8192);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/001'") != NULL);
	write_tile(dir, 0, 1, 256);
	CHECK_EQ_INT(read_error(dir, 600, &err), 0);
	/* A partial tile of the wrong width, and a ragged one. */
	memcpy(extra, level_hash[0] + 512, sizeof(extra));
	write_file(dir, "tile/0/002.p/88", level_hash[0] + 512, 87 * 32);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/002.p/88'") != NULL);
	write_file(dir, "tile/0/002.p/88", level_hash[0] + 512, 88 * 32 - 1);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ECORRUPT);
	CHECK(strstr(err.msg, "tile/0/002.p/88'") != NULL);
	/* A missing tile (with no full tile to fall back on). */
	path = px_path_join(dir, "tile/0/002.p/88");
	CHECK_EQ_INT(remove(path), 0);
	px_free(path);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ENOTFOUND);
	CHECK(strstr(err.msg, "tile/0/002.p/88'") != NULL);
	CHECK(strstr(err.msg, "missing") != NULL);
	/* A missing level-1 tile. */
	write_tile(dir, 0, 2, 88);
	path = px_path_join(dir, "tile/1/000.p/2");
	CHECK_EQ_INT(remove(path), 0);
	px_free(path);
	CHECK_EQ_INT(read_error(dir, 600, &err), PX_ENOTFOUND);
	CHECK(strstr(err.msg, "tile/1/000.p/2'") != NULL);
	/* A missing full tile. */
	write_tile(dir, 1, 0, 2);
	path = px_path_join(dir, "tile/0/000");
	CHECK_EQ_INT(remove(path), 0);
	px_free(path);
	CHECK_EQ_INT(read_error(dir, 600, &err), 0); /* level 8 is tile/1 */
	{
		struct dir_source ds;
		struct log_source src;
		struct log_tilehash *th;
		struct log_hash_reader r;
		struct log_hash p[LOG_PROOF_MAX];
		size_t n;
		source_init(&src, &ds, dir);
		REQUIRE(log_tilehash_new(&src, 600, 0, &th, &err) == 0);
		log_tilehash_reader(th, &r);
		CHECK_EQ_INT(log_tree_prove_inclusion(&r, 3, 600, p, &n, &err),
			     PX_ENOTFOUND);
		CHECK(strstr(err.msg, "tile/0/000'") != NULL);
		log_tilehash_free(th);
	}
	remove_dir(dir);
}

TEST(other_spellings_of_a_tile_are_used_when_one_is_missing)
{
	uint64_t sizes[] = {300, 600};
	struct dir_source ds;
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader r, o;
	struct table_tree tt = {300};
	struct log_hash root, want, p[LOG_PROOF_MAX];
	struct px_err err;
	char *dir, *path;
	size_t n;

	build_levels();
	dir = make_dir();
	write_tiles(dir, 600, sizes, 2);
	o.read = table_read;
	o.ctx = &tt;
	CHECK_EQ_INT(log_tree_root(&o, 300, &want, &err), 0);

	/* The partial tile of size 300 is gone, the full tile replaces it. */
	path = px_path_join(dir, "tile/0/001.p/44");
	CHECK_EQ_INT(remove(path), 0);
	px_free(path);
	source_init(&src, &ds, dir);
	REQUIRE(log_tilehash_new(&src, 300, 0, &th, &err) == 0);
	log_tilehash_reader(th, &r);
	CHECK_EQ_INT(log_tree_root(&r, 300, &root, &err), 0);
	CHECK(same(&root, &want, 1));
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 299, 300, p, &n, &err), 0);
	CHECK_EQ_INT(log_tree_verify_inclusion(299, 300, &level_hash[0][299], p,
					       n, &want, &err),
		     0);
	log_tilehash_free(th);

	/* The full tile is missing (a mirror behind its checkpoint, say) but
	 * the partial tile a smaller tree needs is there. */
	write_tile(dir, 0, 1, 44);
	path = px_path_join(dir, "tile/0/001");
	CHECK_EQ_INT(remove(path), 0);
	px_free(path);
	REQUIRE(log_tilehash_new(&src, 512, 0, &th, &err) == 0);
	log_tilehash_reader(th, &r);
	CHECK_EQ_INT(log_tree_root(&r, 300, &root, &err), 0);
	CHECK(same(&root, &want, 1));
	/* Leaf 511 of the tree of 512 needs all of tile/0/001. */
	CHECK_EQ_INT(log_tree_prove_inclusion(&r, 511, 512, p, &n, &err),
		     PX_ENOTFOUND);
	CHECK(strstr(err.msg, "tile/0/001'") != NULL);
	log_tilehash_free(th);
	remove_dir(dir);
}

TEST(warm_cache_fetches_nothing_and_eviction_keeps_answers_right)
{
	uint64_t sizes[] = {70000, 70300};
	struct dir_source ds;
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader r, o;
	struct table_tree tt = {70000};
	struct log_hash root, want, p[LOG_PROOF_MAX];
	struct px_err err;
	unsigned long before;
	char *dir;
	size_t n, k, pass;

	build_levels();
	dir = make_dir();
	write_tiles(dir, 70300, sizes, 2);
	source_init(&src, &ds, dir);
	o.read = table_read;
	o.ctx = &tt;
	CHECK_EQ_INT(log_tree_root(&o, 70000, &want, &err), 0);

	REQUIRE(log_tilehash_new(&src, 70000, 1024, &th, &err) == 0);
	log_tilehash_reader(th, &r);
	for (pass = 0; pass < 2; pass++) {
		before = ds.fetches;
		for (k = 0; k < 70000; k += 997) {
			CHECK_EQ_INT(
			    log_tree_prove_inclusion(&r, k, 70000, p, &n, &err),
			    0);
			CHECK_EQ_INT(
			    log_tree_verify_inclusion(
				k, 70000, &level_hash[0][k], p, n, &want, &err),
			    0);
		}
		if (pass == 1)
			CHECK_EQ_INT(ds.fetches, before);
		else
			CHECK(ds.fetches > before);
	}
	/* A larger tree: the partial tiles of the old size are dropped. */
	log_tilehash_set_size(th, 70300);
	tt.size = 70300;
	CHECK_EQ_INT(log_tree_root(&o, 70300, &want, &err), 0);
	CHECK_EQ_INT(log_tree_root(&r, 70300, &root, &err), 0);
	CHECK(same(&root, &want, 1));
	/* Beyond the reader's size is an error, not a guess. */
	CHECK_EQ_INT(log_tree_root(&r, 70301, &root, &err), PX_EINVAL);
	log_tilehash_free(th);

	/* A cache of two tiles still gives right answers. */
	REQUIRE(log_tilehash_new(&src, 70300, 2, &th, &err) == 0);
	log_tilehash_reader(th, &r);
	for (k = 5; k < 70300; k += 3001) {
		CHECK_EQ_INT(
		    log_tree_prove_inclusion(&r, k, 70300, p, &n, &err), 0);
		CHECK_EQ_INT(log_tree_verify_inclusion(k, 70300,
						       &level_hash[0][k], p, n,
						       &want, &err),
			     0);
	}
	log_tilehash_free(th);
	remove_dir(dir);
}

struct worker {
	struct log_hash_reader r;
	uint64_t size, seed;
	const struct log_hash *root;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct log_hash p[LOG_PROOF_MAX];
	struct px_err err;
	uint64_t x = w->seed;
	size_t n;
	int k;

	for (k = 0; k < 400; k++) {
		uint64_t i;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = x % w->size;
		if (log_tree_prove_inclusion(&w->r, i, w->size, p, &n, &err) ||
		    log_tree_verify_inclusion(i, w->size, &level_hash[0][i], p,
					      n, w->root, &err))
			w->bad++;
	}
	return NULL;
}

TEST(concurrent_readers_share_one_cache)
{
	uint64_t sizes[] = {100000};
	struct dir_source ds;
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader o;
	struct table_tree tt = {100000};
	struct log_hash want;
	struct worker w[3];
	pthread_t tid[3];
	char *dir;
	int i;

	build_levels();
	dir = make_dir();
	write_tiles(dir, 100000, sizes, 1);
	source_init(&src, &ds, dir);
	o.read = table_read;
	o.ctx = &tt;
	CHECK_EQ_INT(log_tree_root(&o, 100000, &want, NULL), 0);
	/* Few tiles cached, so that threads evict each other's tiles. */
	REQUIRE(log_tilehash_new(&src, 100000, 32, &th, NULL) == 0);
	for (i = 0; i < 3; i++) {
		log_tilehash_reader(th, &w[i].r);
		w[i].size = 100000;
		w[i].seed = 0x1234567ull * (uint64_t)(i + 1);
		w[i].root = &want;
		w[i].bad = 0;
		REQUIRE(pthread_create(&tid[i], NULL, work, &w[i]) == 0);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(tid[i], NULL);
		CHECK_EQ_INT(w[i].bad, 0);
	}
	log_tilehash_free(th);
	remove_dir(dir);
}

TEST_MAIN(
    TEST_ENTRY(tiles_give_the_same_roots_and_proofs_around_tile_boundaries),
    TEST_ENTRY(damaged_and_missing_tiles_are_named),
    TEST_ENTRY(other_spellings_of_a_tile_are_used_when_one_is_missing),
    TEST_ENTRY(warm_cache_fetches_nothing_and_eviction_keeps_answers_right),
    TEST_ENTRY(concurrent_readers_share_one_cache))
