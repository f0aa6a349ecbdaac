/*
 * crash_log.c - kill -9 trials for the log's writer (src/log/seq.c) and its
 * recovery (src/log/log.c).
 *
 * Each trial forks a child that opens the log and appends entries as fast
 * as it can (random sizes; the bytes of entry i are a function of i, so the
 * parent knows what every index must hold), reporting each acknowledged
 * index through a pipe.  The parent kills it with SIGKILL at a random
 * moment - during open and recovery, between batches, in the middle of
 * writing tiles or the checkpoint - then reopens the log and checks that:
 * it opens; every acknowledged index is below the size and holds exactly
 * the bytes that were submitted for it; every entry it has is the one the
 * child submitted at that index; its root equals the root recomputed from
 * those entries; and no temporary file is left.  Trials continue the same
 * log for a while (so recovery runs on top of earlier recoveries and the
 * tree crosses tile boundaries), then start a fresh one.
 *
 * The logs live on a tmpfs when there is one (else /tmp; PX_TEST_TMPDIR
 * overrides): SIGKILL loses nothing the kernel has accepted, on any file
 * system, so what the trials test is the writer's ordering and recovery,
 * and a tmpfs lets many more batches happen per trial.
 *
 * usage: crash_log [trials [seed]]    prints "N passed, N failed".
 */
#define _GNU_SOURCE
#include "log/log.h"
#include "log/tile.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRIALS_PER_LOG 25

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Entry i of a log with this seed: its length and its bytes. */
static size_t entry_len(uint64_t seed, uint64_t i)
{
	uint64_t h = splitmix(seed ^ (i * 2 + 1));

	if (h % 97 == 0)
		return (size_t)(h >> 20) % (LOG_ENTRY_MAX + 1);
	return (size_t)(h >> 20) % 1200;
}

static size_t entry_of(uint64_t seed, uint64_t i, uint8_t *buf)
{
	size_t len = entry_len(seed, i), k;
	uint64_t x = splitmix(seed ^ (i * 2));

	for (k = 0; k < len; k++) {
		if (k % 8 == 0)
			x = splitmix(x);
		buf[k] = (uint8_t)(x >> (8 * (k % 8)));
	}
	return len;
}

/* ---- the child: append until killed. */

static int ack_fd;

static void child_ack(void *ctx, int rc, uint64_t index)
{
	(void)ctx;
	if (rc == 0 &&
	    write(ack_fd, &index, sizeof(index)) != (ssize_t)sizeof(index))
		_exit(4);
}

static void child(const char *dir, uint64_t seed, uint64_t rnd)
{
	static const size_t batch_max[] = {1, 3, 16, 256, 1024};
	static uint8_t buf[LOG_ENTRY_MAX];
	struct log_options opt = {0, 0, 0};
	struct px_err err;
	struct log *log;
	uint64_t i;

	opt.batch_max = batch_max[rnd % PX_ARRAY_LEN(batch_max)];
	opt.batch_delay_ms = 1 + (unsigned)(rnd >> 8) % 3;
	opt.queue_max_bytes = (size_t)1 << 20;
	if (log_open(dir, &opt, &log, &err) != 0) {
		fprintf(stderr, "child: log_open: %s\n", err.msg);
		_exit(3);
	}
	for (i = log_size(log);; i++) {
		size_t len = entry_of(seed, i, buf);
		if (log_submit_async(log, buf, len, child_ack, NULL, &err)) {
			fprintf(stderr, "child: submit: %s\n", err.msg);
			_exit(5);
		}
	}
}

/* ---- the parent's checks. */

static struct log_hash *leaves;
static uint64_t nleaves, capleaves;

static int temp_cb(const char *path, const struct stat *st, int flag,
		   struct FTW *ftw)
{
	(void)st;
	(void)flag;
	return strstr(path + ftw->base, ".tmp-") != NULL;
}

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int check_log(const char *dir, uint64_t seed, const uint8_t *acked,
		     uint64_t nacked_max, uint64_t *size_out)
{
	static uint8_t buf[LOG_ENTRY_MAX];
	struct log_mem_tree mt;
	struct log_hash_reader r;
	struct log_hash want, got;
	struct px_buf out;
	struct px_err err;
	struct log *log;
	uint64_t size, i;
	int ok = 1;

	if (log_open(dir, NULL, &log, &err) != 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		return 0;
	}
	size = log_size(log);
	px_buf_init(&out, LOG_ENTRY_MAX);
	for (i = 0; i < nacked_max && ok; i++)
		if (acked[i] && i >= size) {
			fprintf(stderr,
				"index %" PRIu64 " was acknowledged "
				"but the log has %" PRIu64 " entries\n",
				i, size);
			ok = 0;
		}
	/* Entries this log gained since the last check (the earlier ones
	 * are covered by the root below). */
	if (size < nleaves) {
		fprintf(stderr,
			"the log shrank from %" PRIu64 " to %" PRIu64 "\n",
			nleaves, size);
		ok = 0;
	}
	for (i = nleaves; i < size && ok; i++) {
		size_t len = entry_of(seed, i, buf);
		px_buf_reset(&out);
		if (log_entry(log, i, &out, &err) != 0) {
			fprintf(stderr, "entry %" PRIu64 ": %s\n", i, err.msg);
			ok = 0;
		} else if (out.len != len || memcmp(out.data, buf, len) != 0) {
			fprintf(stderr, "entry %" PRIu64 " differs\n", i);
			ok = 0;
		}
		if (nleaves == capleaves) {
			capleaves = capleaves ? 2 * capleaves : 4096;
			leaves = realloc(leaves, capleaves * sizeof(*leaves));
			if (!leaves)
				abort();
		}
		log_hash_leaf(&leaves[nleaves++], buf, len);
	}
	if (ok) {
		mt.leaves = leaves;
		mt.n = size;
		log_mem_tree_reader(&mt, &r);
		if (log_tree_root(&r, size, &want, &err) != 0 ||
		    log_root(log, 0, &got, &err) != 0 ||
		    !log_hash_equal(&want, &got)) {
			fprintf(stderr, "root of size %" PRIu64 " differs\n",
				size);
			ok = 0;
		}
	}
	px_buf_release(&out);
	log_close(log);
	if (ok && nftw(dir, temp_cb, 16, FTW_PHYS) != 0) {
		fprintf(stderr, "a temporary file was left in '%s'\n", dir);
		ok = 0;
	}
	*size_out = size;
	return ok;
}

/* Run one trial; returns 1 if every check held. */
static int trial(const char *dir, uint64_t seed, uint64_t rnd)
{
	static uint8_t *acked;
	static uint64_t capacked;
	int fds[2], status, ok = 1;
	uint64_t killat_us = rnd % 40000, idx, size = 0, nacked = 0;
	double deadline;
	pid_t pid;

	if (rnd % 10 == 0)
		killat_us = rnd % 3000; /* often inside open and recovery */
	if (pipe(fds) != 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		close(fds[0]);
		ack_fd = fds[1];
		child(dir, seed, rnd >> 16);
	}
	close(fds[1]);
	deadline = px_now() + (double)killat_us / 1e6;
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		double left = deadline - px_now();
		ssize_t n;
		if (left <= 0)
			break;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = read(fds[0], &idx, sizeof(idx));
		if (n != (ssize_t)sizeof(idx))
			break;
		if (idx >= capacked) {
			uint64_t cap = capacked ? capacked : 65536;
			while (cap <= idx)
				cap *= 2;
			acked = realloc(acked, cap);
			if (!acked)
				abort();
			memset(acked + capacked, 0, cap - capacked);
			capacked = cap;
		}
		acked[idx] = 1;
		nacked = idx + 1 > nacked ? idx + 1 : nacked;
	}
	kill(pid, SIGKILL);
	/* Acknowledgements still in the pipe count too. */
	while (read(fds[0], &idx, sizeof(idx)) == (ssize_t)sizeof(idx)) {
		if (idx >= capacked) {
			uint64_t cap = capacked ? capacked : 65536;
			while (cap <= idx)
				cap *= 2;
			acked = realloc(acked, cap);
			if (!acked)
				abort();
			memset(acked + capacked, 0, cap - capacked);
			capacked = cap;
		}
		acked[idx] = 1;
		nacked = idx + 1 > nacked ? idx + 1 : nacked;
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		fprintf(stderr, "the child ended on its own (status %d)\n",
			status);
		ok = 0;
	}
	if (!check_log(dir, seed, acked, nacked, &size))
		ok = 0;
	if (acked)
		memset(acked, 0, capacked);
	return ok;
}

int main(int argc, char **argv)
{
	const char *base = getenv("PX_TEST_TMPDIR");
	unsigned long trials = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	uint64_t seed =
	    argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
	char root[256], dir[300];
	unsigned long t, passed = 0, failed = 0;
	struct px_err err;
	double t0 = px_now();

	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof(root), "%s/pxcrash-XXXXXX", base);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	printf("seed %" PRIu64 "\n", seed);
	fflush(stdout);
	for (t = 0; t < trials; t++) {
		uint64_t logseed = splitmix(seed + t / TRIALS_PER_LOG);
		snprintf(dir, sizeof(dir), "%s/log%lu", root,
			 t / TRIALS_PER_LOG);
		if (t % TRIALS_PER_LOG == 0) {
			nleaves = 0;
			if (log_create(dir, "example.org/crash", &err) != 0) {
				fprintf(stderr, "log_create: %s\n", err.msg);
				failed++;
				continue;
			}
		}
		if (trial(dir, logseed, splitmix(seed * 1000003 + t)))
			passed++;
		else {
			fprintf(stderr, "trial %lu failed (seed %" PRIu64 ")\n",
				t, seed);
			failed++;
		}
		if (t % TRIALS_PER_LOG == TRIALS_PER_LOG - 1)
			nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	}
	nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(leaves);
	fprintf(stderr, "%.1f s, last log %" PRIu64 " entries\n", px_now() - t0,
		nleaves);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
