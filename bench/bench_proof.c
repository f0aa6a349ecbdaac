/*
 * bench_proof.c - how fast proofs are served from tlog-tiles.
 *
 * Writes the tiles of a 1,000,000-leaf log (into DIR, or a temporary
 * directory removed afterwards), then measures on one thread:
 *   - inclusion proofs per second with a cold cache (a new reader, so an
 *     empty cache, for every proof: each proof reads and hashes its tiles);
 *   - inclusion and consistency proofs per second with a warm cache;
 *   - inclusion proof verifications per second.
 * Each rate is given per second of wall-clock time and per second of the
 * process's CPU time (the fair figure on a machine shared with others).
 * Usage: bench_proof [DIR]
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "log/tile.h"
#include "log/tilehash.h"
#include "log/tree.h"

#include <ftw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEAVES 1000000u

static struct log_hash *level_hash[3]; /* levels 0, 8 and 16 */
static uint64_t level_count[3];

static void die(const char *what, const struct px_err *err)
{
	fprintf(stderr, "bench_proof: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

/* MTH of 256 consecutive hashes. */
static void tile_root(const struct log_hash *in, struct log_hash *out)
{
	struct log_hash row[128];
	unsigned w = 128, i;

	for (i = 0; i < w; i++)
		log_hash_node(&row[i], &in[2 * i], &in[2 * i + 1]);
	for (w /= 2; w > 0; w /= 2)
		for (i = 0; i < w; i++)
			log_hash_node(&row[i], &row[2 * i], &row[2 * i + 1]);
	*out = row[0];
}

static void write_tile(const char *dir, int tl, uint64_t n, unsigned w)
{
	struct log_tile t = {tl, n, w};
	char rel[LOG_TILE_PATH_MAX];
	char *path, *slash;
	struct px_err err;
	FILE *f;
	size_t len = (size_t)w * LOG_HASH_SIZE;

	log_tile_path(rel, &t);
	path = px_path_join(dir, rel);
	if (!path)
		die("out of memory", NULL);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (px_mkdirs(path, 0755, &err) != 0)
		die("mkdir", &err);
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || fwrite(&level_hash[tl][n * 256], 1, len, f) != len ||
	    fclose(f) != 0) {
		fprintf(stderr, "bench_proof: cannot write %s\n", path);
		exit(1);
	}
	px_free(path);
}

static void build_tiles(const char *dir)
{
	uint64_t i;
	int tl;

	level_count[0] = LEAVES;
	for (tl = 0; tl < 3; tl++) {
		if (tl > 0)
			level_count[tl] = level_count[tl - 1] / 256;
		level_hash[tl] =
		    px_malloc(level_count[tl] * sizeof(struct log_hash));
		if (!level_hash[tl])
			die("out of memory", NULL);
	}
	for (i = 0; i < LEAVES; i++) {
		uint8_t e[8];
		memcpy(e, &i, sizeof(e));
		log_hash_leaf(&level_hash[0][i], e, sizeof(e));
	}
	for (tl = 1; tl < 3; tl++)
		for (i = 0; i < level_count[tl]; i++)
			tile_root(&level_hash[tl - 1][i * 256],
				  &level_hash[tl][i]);
	for (tl = 0; tl < 3; tl++) {
		for (i = 0; i < level_count[tl] / 256; i++)
			write_tile(dir, tl, i, 256);
		if (level_count[tl] % 256)
			write_tile(dir, tl, level_count[tl] / 256,
				   (unsigned)(level_count[tl] % 256));
	}
}

static int dir_fetch(void *ctx, const char *path, struct px_buf *out,
		     struct px_err *err)
{
	char *full = px_path_join(ctx, path);
	int rc;

	if (!full)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_read_file(full, out, err);
	px_free(full);
	return rc;
}

struct timer {
	double wall, cpu;
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void timer_start(struct timer *t)
{
	t->wall = px_now();
	t->cpu = cpu_now();
}

static void report(const struct timer *t, const char *what, unsigned count)
{
	double wall = px_now() - t->wall, cpu = cpu_now() - t->cpu;

	printf("%s: %.0f/s wall-clock, %.0f/s per CPU-second (%u in %.2f s)\n",
	       what, count / wall, count / cpu, count, wall);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(uint64_t bound)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % bound;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/px-bench-proof-XXXXXX";
	const char *dir;
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader r;
	struct log_hash root, p[LOG_PROOF_MAX];
	struct log_hash(*proofs)[LOG_PROOF_MAX];
	uint64_t *index;
	size_t *plen, n;
	struct px_err err;
	struct timer tm;
	double t0;
	unsigned i, count;

	if (argc > 2) {
		fprintf(stderr, "usage: bench_proof [DIR]\n");
		return 2;
	}
	if (argc == 2) {
		dir = argv[1];
		if (px_mkdirs(dir, 0755, &err) != 0)
			die("mkdir", &err);
	} else {
		dir = mkdtemp(tmpl);
		if (!dir) {
			perror("mkdtemp");
			return 1;
		}
	}
	t0 = px_now();
	build_tiles(dir);
	printf("tiles for %u leaves written to %s in %.2f s\n", LEAVES, dir,
	       px_now() - t0);

	src.fetch = dir_fetch;
	src.ctx = (void *)dir;
	src.where = (char *)dir;

	/* Cold: an empty cache for every proof. */
	count = 2000;
	timer_start(&tm);
	for (i = 0; i < count; i++) {
		if (log_tilehash_new(&src, LEAVES, 16, &th, &err) != 0)
			die("reader", &err);
		log_tilehash_reader(th, &r);
		if (log_tree_prove_inclusion(&r, rnd(LEAVES), LEAVES, p, &n,
					     &err) != 0)
			die("inclusion proof", &err);
		log_tilehash_free(th);
	}
	report(&tm, "inclusion proofs, cold cache (empty for each proof)",
	       count);

	/* Warm: every tile cached once, then random proofs. */
	if (log_tilehash_new(&src, LEAVES, 8192, &th, &err) != 0)
		die("reader", &err);
	log_tilehash_reader(th, &r);
	if (log_tree_root(&r, LEAVES, &root, &err) != 0)
		die("root", &err);
	t0 = px_now();
	for (i = 0; i < LEAVES; i += 256)
		if (log_tree_prove_inclusion(&r, i, LEAVES, p, &n, &err) != 0)
			die("inclusion proof", &err);
	printf("cache warmed with every tile in %.2f s\n", px_now() - t0);

	count = 1000000;
	timer_start(&tm);
	for (i = 0; i < count; i++)
		if (log_tree_prove_inclusion(&r, rnd(LEAVES), LEAVES, p, &n,
					     &err) != 0)
			die("inclusion proof", &err);
	report(&tm, "inclusion proofs, warm cache, 1 thread", count);

	count = 200000;
	timer_start(&tm);
	for (i = 0; i < count; i++)
		if (log_tree_prove_consistency(&r, 1 + rnd(LEAVES - 1), LEAVES,
					       p, &n, &err) != 0)
			die("consistency proof", &err);
	report(&tm, "consistency proofs, warm cache, 1 thread", count);

	/* Verification of proofs made beforehand. */
	count = 100000;
	proofs = px_malloc(count * sizeof(*proofs));
	index = px_malloc(count * sizeof(*index));
	plen = px_malloc(count * sizeof(*plen));
	if (!proofs || !index || !plen)
		die("out of memory", NULL);
	for (i = 0; i < count; i++) {
		index[i] = rnd(LEAVES);
		if (log_tree_prove_inclusion(&r, index[i], LEAVES, proofs[i],
					     &plen[i], &err) != 0)
			die("inclusion proof", &err);
	}
	timer_start(&tm);
	for (i = 0; i < count; i++)
		if (log_tree_verify_inclusion(
			index[i], LEAVES, &level_hash[0][index[i]], proofs[i],
			plen[i], &root, &err) != 0)
			die("verification", &err);
	report(&tm, "inclusion proof verifications, 1 thread", count);

	log_tilehash_free(th);
	px_free(proofs);
	px_free(index);
	px_free(plen);
	for (i = 0; i < 3; i++)
		px_free(level_hash[i]);
	if (argc < 2)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
