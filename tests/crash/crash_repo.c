/*
 * crash_repo.c - kill -9 trials for the repository's write path
 * (src/repo/): the writer's group commit (store transaction, log append,
 * store commit) and the catch-up on open.
 *
 * Each trial forks a child that opens the repository and files records
 * through repo_file from several threads as fast as it can - places, events
 * at those places, revisions of its own places - and reports every
 * acknowledged write (log index, record id, revision id) through a pipe.
 * The parent kills it with SIGKILL at a random moment - inside repo_open's
 * catch-up, between the log append and the store commit, in the middle of
 * a round - then checks that:
 *   - repo_open succeeds and the store has applied exactly the log;
 *   - every write ever acknowledged in this repository is in the store as
 *     applied, at the acknowledged index, with the acknowledged record and
 *     revision ids;
 *   - the store answers a few queries (every acknowledged record with its
 *     history, lists by kind, stats) exactly as a store rebuilt from the log
 *     with repo_reindex does.
 * Trials continue the same repository for a while, so recovery runs on top
 * of earlier recoveries, then start a fresh one.
 *
 * The repositories live on a tmpfs when there is one (else /tmp;
 * PX_TEST_TMPDIR overrides): SIGKILL loses nothing the kernel has accepted,
 * so what the trials test is the order of the writes and the recovery.
 *
 * usage: crash_repo [trials [seed]]    prints "N passed, N failed".
 */
#define _GNU_SOURCE
#include "repo/repo.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRIALS_PER_REPO 10
#define CHILD_THREADS_MAX 4

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* What the child reports per acknowledged write (one atomic pipe write). */
struct ack {
	uint64_t index;
	char id[REC_ID_SIZE];
	char revision[REC_ID_SIZE];
};

static char party[REC_ID_SIZE]; /* the repository's filing party */

/* ---- the child: file until killed. */

static int ack_fd;

struct child_thread {
	struct repo *r;
	int n;
	uint64_t rnd;
};

static void report(const struct repo_result *res)
{
	struct ack a;

	memset(&a, 0, sizeof(a));
	a.index = res->index;
	memcpy(a.id, res->id, sizeof(a.id));
	memcpy(a.revision, res->revision, sizeof(a.revision));
	if (write(ack_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
		_exit(4);
}

static void *child_thread_main(void *arg)
{
	struct child_thread *t = arg;
	char json[1024], place[REC_ID_SIZE] = "";
	struct repo_result res;
	struct px_err err;
	uint64_t i, rnd = t->rnd;
	int rc;

	for (i = 0;; i++) {
		unsigned what;
		rnd = splitmix(rnd);
		what = (unsigned)(rnd % 10);
		if (!place[0] || what < 5) {
			snprintf(json, sizeof(json),
				 "{\"kind\":\"place\",\"type\":\"settlement\","
				 "\"names\":[{\"name\":\"Place %d-%d-%" PRIu64
				 "\",\"lang\":\"en\",\"script\":\"Latn\"}]}",
				 (int)getpid(), t->n, i);
			rc = repo_file(t->r, json, strlen(json), party, &res,
				       &err);
			if (rc == 0)
				snprintf(place, sizeof(place), "%s", res.id);
		} else if (what < 8) {
			snprintf(json, sizeof(json),
				 "{\"kind\":\"event\",\"title\":\"Event %d-%d-"
				 "%" PRIu64 "\",\"type\":\"battle\",\"time\":{"
				 "\"start\":\"2026-01-03\",\"end\":"
				 "\"2026-01-04\",\"precision\":\"day\"},"
				 "\"place\":{\"place\":\"%s\",\"precision\":"
				 "\"near\"}}",
				 (int)getpid(), t->n, i, place);
			rc = repo_file(t->r, json, strlen(json), party, &res,
				       &err);
		} else {
			snprintf(json, sizeof(json),
				 "{\"type\":\"settlement\",\"names\":[{"
				 "\"name\":\"Renamed %d-%d-%" PRIu64 "\","
				 "\"lang\":\"en\",\"script\":\"Latn\"}]}",
				 (int)getpid(), t->n, i);
			rc = repo_revise(t->r, place, NULL, json, strlen(json),
					 party, &res, &err);
			/* Only this thread revises its place. */
		}
		if (rc == 0)
			report(&res);
		else {
			fprintf(stderr, "child: %s\n", err.msg);
			_exit(5);
		}
	}
	return NULL;
}

static void child(const char *dir, uint64_t rnd)
{
	static const size_t batch_max[] = {1, 3, 16, 256, 1024};
	struct child_thread t[CHILD_THREADS_MAX];
	pthread_t tid[CHILD_THREADS_MAX];
	struct repo_options opt;
	struct px_err err;
	struct repo *r;
	int n = 1 + (int)(rnd % CHILD_THREADS_MAX), k;

	memset(&opt, 0, sizeof(opt));
	opt.log.batch_max = batch_max[(rnd >> 8) % PX_ARRAY_LEN(batch_max)];
	opt.log.batch_delay_ms = 1 + (unsigned)(rnd >> 16) % 3;
	if (repo_open(dir, &opt, &r, &err) != 0) {
		fprintf(stderr, "child: repo_open: %s\n", err.msg);
		_exit(3);
	}
	for (k = 0; k < n; k++) {
		t[k].r = r;
		t[k].n = k;
		t[k].rnd = splitmix(rnd + (uint64_t)k);
		if (pthread_create(&tid[k], NULL, child_thread_main, &t[k]))
			_exit(6);
	}
	for (;;)
		pause();
}

/* ---- the parent's checks. */

static struct ack *acks; /* every write acknowledged in this repository */
static size_t nacks, capacks;

static void add_ack(const struct ack *a)
{
	if (nacks == capacks) {
		capacks = capacks ? 2 * capacks : 4096;
		acks = realloc(acks, capacks * sizeof(*acks));
		if (!acks)
			abort();
	}
	acks[nacks++] = *a;
}

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void dump_value(FILE *f, const char *label, int rc, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

	fprintf(f, "%s: %d %s\n", label, rc, s ? s : "-");
	free(s);
	json_decref(v);
}

/* A few queries' answers, as text (caller frees). */
static char *dump_store(struct store *st)
{
	static const int kinds[] = {-1, REC_PARTY, REC_PLACE, REC_EVENT};
	struct store_query q;
	struct px_err err;
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	json_t *v;
	int rc;

	if (!f)
		abort();
	/* Sample the acknowledged records (all of them when few). */
	for (i = 0; i < nacks; i += 1 + nacks / 200) {
		v = NULL;
		rc = store_get(st, acks[i].id, 1, &v, &err);
		dump_value(f, acks[i].id, rc, v);
	}
	for (i = 0; i < PX_ARRAY_LEN(kinds); i++) {
		store_query_init(&q);
		q.kind = kinds[i];
		q.limit = 1000;
		v = NULL;
		rc = store_list(st, &q, &v, &err);
		dump_value(f, "list", rc, v);
	}
	store_query_init(&q);
	q.text = "Renamed";
	q.limit = 50;
	v = NULL;
	rc = store_search(st, &q, &v, &err);
	dump_value(f, "search", rc, v);
	v = NULL;
	rc = store_stats(st, &v, &err);
	dump_value(f, "stats", rc, v);
	fclose(f);
	return text;
}

static unsigned long ncaught_up; /* trials whose store was behind */

static int check_repo(const char *dir)
{
	struct repo *r;
	struct px_err err;
	struct store *st;
	char *before, *after, path[400];
	uint64_t was = 0;
	size_t i;
	int ok = 1;

	/* How far the store got before the kill (it may not exist yet). */
	snprintf(path, sizeof(path), "%s/%s", dir, STORE_FILE);
	if (store_open(path, 1, &st, &err) == 0) {
		was = store_applied(st);
		store_close(st);
	}
	if (repo_open(dir, NULL, &r, &err) != 0) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		return 0;
	}
	st = repo_store(r);
	if (was < log_size(repo_log(r)))
		ncaught_up++;
	if (store_applied(st) != log_size(repo_log(r))) {
		fprintf(stderr,
			"the store has applied %" PRIu64
			" entries, the log has %" PRIu64 "\n",
			store_applied(st), log_size(repo_log(r)));
		ok = 0;
	}
	for (i = 0; i < nacks && ok; i++) {
		json_t *v = NULL;
		const char *status, *rev, *id;
		if (store_entry_status(st, acks[i].index, &v, &err) != 0) {
			fprintf(stderr, "acknowledged index %" PRIu64 ": %s\n",
				acks[i].index, err.msg);
			ok = 0;
			break;
		}
		status = json_string_value(json_object_get(v, "status"));
		rev = json_string_value(json_object_get(v, "revision"));
		id = json_string_value(json_object_get(v, "id"));
		if (!status || strcmp(status, "applied") != 0 || !rev ||
		    strcmp(rev, acks[i].revision) != 0 || !id ||
		    strcmp(id, acks[i].id) != 0) {
			fprintf(stderr,
				"index %" PRIu64 " was acknowledged as %s "
				"(record %s), the store has %s %s\n",
				acks[i].index, acks[i].revision, acks[i].id,
				status ? status : "-", rev ? rev : "-");
			ok = 0;
		}
		json_decref(v);
	}
	before = dump_store(st);
	repo_close(r);
	if (!ok) {
		free(before);
		return 0;
	}
	if (repo_reindex(dir, 0, &err) != 0) {
		fprintf(stderr, "reindex: %s\n", err.msg);
		free(before);
		return 0;
	}
	if (repo_open(dir, NULL, &r, &err) != 0) {
		fprintf(stderr, "open after reindex: %s\n", err.msg);
		free(before);
		return 0;
	}
	after = dump_store(repo_store(r));
	repo_close(r);
	if (strcmp(before, after) != 0) {
		size_t k = 0;
		while (before[k] && before[k] == after[k])
			k++;
		fprintf(stderr,
			"the store differs from a reindexed one at byte %zu:\n"
			"%.200s\n---\n%.200s\n",
			k, before + (k > 80 ? k - 80 : 0),
			after + (k > 80 ? k - 80 : 0));
		ok = 0;
	}
	free(before);
	free(after);
	return ok;
}

static void read_acks(int fd, int block_ms, double deadline)
{
	struct ack a;

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		double left = deadline - px_now();
		int wait_ms = block_ms;
		if (deadline > 0) {
			if (left <= 0)
				return;
			wait_ms = (int)(left * 1000) + 1;
		}
		if (poll(&p, 1, wait_ms) <= 0) {
			if (deadline > 0)
				continue;
			return;
		}
		if (read(fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
			return;
		add_ack(&a);
	}
}

/* Run one trial; returns 1 if every check held. */
static int trial(const char *dir, uint64_t rnd)
{
	uint64_t killat_us = 2000 + rnd % 60000;
	int fds[2], status, ok = 1;
	pid_t pid;

	if (rnd % 8 == 0)
		killat_us = rnd % 4000; /* often inside open and catch-up */
	if (pipe(fds) != 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		close(fds[0]);
		ack_fd = fds[1];
		child(dir, rnd >> 20);
	}
	close(fds[1]);
	read_acks(fds[0], 0, px_now() + (double)killat_us / 1e6);
	kill(pid, SIGKILL);
	/* Acknowledgements still in the pipe count too. */
	read_acks(fds[0], 1000, 0);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return 0;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		fprintf(stderr, "the child ended on its own (status %d)\n",
			status);
		ok = 0;
	}
	if (!check_repo(dir))
		ok = 0;
	return ok;
}

static int new_repo(const char *dir)
{
	struct repo_result res;
	struct px_err err;
	struct repo *r;
	static const char reg[] =
	    "{\"name\":\"Crash Test Monitors\",\"type\":\"ngo\"}";

	nacks = 0;
	if (repo_create(dir, "example.org/crash", &err) != 0 ||
	    repo_open(dir, NULL, &r, &err) != 0) {
		fprintf(stderr, "new repository: %s\n", err.msg);
		return -1;
	}
	if (repo_register_party(r, reg, strlen(reg), &res, &err) != 0) {
		fprintf(stderr, "register: %s\n", err.msg);
		repo_close(r);
		return -1;
	}
	snprintf(party, sizeof(party), "%s", res.id);
	repo_close(r);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = getenv("PX_TEST_TMPDIR");
	unsigned long trials = argc > 1 ? strtoul(argv[1], NULL, 10) : 120;
	uint64_t seed =
	    argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
	char root[256], dir[300];
	unsigned long t, passed = 0, failed = 0;
	double t0 = px_now();
	size_t most = 0;

	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof(root), "%s/pxcrashrepo-XXXXXX", base);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	printf("seed %" PRIu64 "\n", seed);
	fflush(stdout);
	for (t = 0; t < trials; t++) {
		snprintf(dir, sizeof(dir), "%s/repo%lu", root,
			 t / TRIALS_PER_REPO);
		if (t % TRIALS_PER_REPO == 0 && new_repo(dir) != 0) {
			failed++;
			continue;
		}
		if (trial(dir, splitmix(seed * 1000003 + t)))
			passed++;
		else {
			fprintf(stderr, "trial %lu failed (seed %" PRIu64 ")\n",
				t, seed);
			failed++;
		}
		if (nacks > most)
			most = nacks;
		if (t % TRIALS_PER_REPO == TRIALS_PER_REPO - 1)
			nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	}
	nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(acks);
	fprintf(stderr,
		"%.1f s, at most %zu acknowledged writes in a repository; "
		"%lu trials left the store behind the log\n",
		px_now() - t0, most, ncaught_up);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
