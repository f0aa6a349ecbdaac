/*
 * bench_append.c - durable appends through the sequencer (src/log/seq.c).
 *
 * Several submitting threads append 1 KiB entries with log_submit_async
 * and the acknowledgement latency of every entry is measured up to its
 * callback, which the sequencer calls only once the entry's batch and
 * checkpoint are durable (fsynced).  Three kinds of load:
 *   open loop    entries are due at a fixed rate (50,000/s) whatever the
 *                log does, and latency counts from when each was due (so a
 *                slow log cannot hide its backlog);
 *   closed loop  each thread keeps a fixed number of entries in flight, to
 *                find the most the log sustains;
 *   sync         many threads calling log_submit.
 * "load" is the offered rate, or the entries in flight.
 *
 * usage: bench_append [DIR [ENTRIES]]
 *   DIR      where to create the logs (default /tmp: a real disk; a tmpfs
 *            would measure no fsync at all)
 *   ENTRIES  entries per setting (default 200000)
 * Target: >= 50,000 entries/s with p99 < 50 ms on the 2-core build machine.
 */
#define _GNU_SOURCE
#include "log/log.h"

#include <ftw.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENTRY_BYTES 1024

struct setting {
	size_t batch_max;
	unsigned delay_ms;
	int threads;
	int inflight; /* per thread; 0: synchronous log_submit */
	double rate;  /* entries/s offered (open loop), or 0: closed loop */
};

static const struct setting settings[] = {
    /* Open loop: the offered load is 50,000 entries/s, whatever the log
     * does; latency counts from when each entry was due. */
    {1024, 1, 4, 1 << 20, 50000},
    {1024, 2, 4, 1 << 20, 50000},
    {4096, 2, 4, 1 << 20, 50000},
    {4096, 5, 4, 1 << 20, 50000},
    /* Closed loop: as fast as the log acknowledges, a bounded number of
     * entries in flight per thread. */
    {4096, 2, 4, 1024, 0},
    {16384, 2, 4, 4096, 0},
    /* Synchronous log_submit from many threads. */
    {1024, 2, 64, 0, 0},
};

struct worker {
	struct log *log;
	int id;
	double start,
	    interval;	/* open loop: entry i is due at start+i*interval */
	uint64_t count; /* entries this thread submits */
	double *lat;	/* submission time, then latency, per entry */
	int inflight_max;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int inflight;
	int errors;
};

struct ack_ctx {
	struct worker *w;
	uint64_t i;
};

static void on_ack(void *ctx, int rc, uint64_t index)
{
	struct ack_ctx *a = ctx;
	struct worker *w = a->w;

	(void)index;
	w->lat[a->i] = px_now() - w->lat[a->i];
	pthread_mutex_lock(&w->mu);
	if (rc)
		w->errors++;
	w->inflight--;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void *run_async(void *arg)
{
	struct worker *w = arg;
	struct ack_ctx *ctx = malloc(w->count * sizeof(*ctx));
	uint8_t entry[ENTRY_BYTES];
	struct px_err err;
	uint64_t i;

	if (!ctx) {
		w->errors++;
		return NULL;
	}
	memset(entry, 'a' + w->id, sizeof(entry));
	for (i = 0; i < w->count; i++) {
		pthread_mutex_lock(&w->mu);
		while (w->inflight >= w->inflight_max)
			pthread_cond_wait(&w->cv, &w->mu);
		w->inflight++;
		pthread_mutex_unlock(&w->mu);
		memcpy(entry, &i, sizeof(i));
		ctx[i].w = w;
		ctx[i].i = i;
		if (w->interval > 0) {
			double due = w->start + (double)i * w->interval,
			       wait = due - px_now();
			if (wait > 0)
				usleep((useconds_t)(wait * 1e6));
			w->lat[i] = due;
		} else {
			w->lat[i] = px_now();
		}
		if (log_submit_async(w->log, entry, sizeof(entry), on_ack,
				     &ctx[i], &err) != 0) {
			fprintf(stderr, "submit: %s\n", err.msg);
			w->errors++;
			break;
		}
	}
	pthread_mutex_lock(&w->mu);
	while (w->inflight > 0)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	free(ctx);
	return NULL;
}

static void *run_sync(void *arg)
{
	struct worker *w = arg;
	uint8_t entry[ENTRY_BYTES];
	struct px_err err;
	uint64_t i, idx;

	memset(entry, 'a' + w->id, sizeof(entry));
	for (i = 0; i < w->count; i++) {
		double t = px_now();
		memcpy(entry, &i, sizeof(i));
		if (log_submit(w->log, entry, sizeof(entry), &idx, &err)) {
			w->errors++;
			break;
		}
		w->lat[i] = px_now() - t;
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int run(const char *base, const struct setting *s, uint64_t total)
{
	struct log_options opt = {s->batch_max, s->delay_ms, 0};
	struct worker *w = calloc((size_t)s->threads, sizeof(*w));
	pthread_t *t = calloc((size_t)s->threads, sizeof(*t));
	double *all = malloc(total * sizeof(double)), t0, secs;
	char dir[512], load[32];
	struct px_err err;
	struct log *log;
	uint64_t per = total / (uint64_t)s->threads, n = 0, j, size;
	int i, errors = 0;

	if (!w || !t || !all)
		return -1;
	snprintf(dir, sizeof(dir), "%s/pxbench-append-%ld", base,
		 (long)getpid());
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	if (log_create(dir, "bench.example/append", &err) != 0 ||
	    log_open(dir, &opt, &log, &err) != 0) {
		fprintf(stderr, "bench_append: %s\n", err.msg);
		return -1;
	}
	t0 = px_now();
	for (i = 0; i < s->threads; i++) {
		w[i].log = log;
		w[i].id = i;
		w[i].count = per;
		w[i].inflight_max = s->inflight;
		w[i].start = t0 + 0.001;
		w[i].interval = s->rate > 0 ? (double)s->threads / s->rate : 0;
		w[i].lat = malloc(per * sizeof(double));
		pthread_mutex_init(&w[i].mu, NULL);
		pthread_cond_init(&w[i].cv, NULL);
		if (!w[i].lat)
			return -1;
		pthread_create(&t[i], NULL, s->inflight ? run_async : run_sync,
			       &w[i]);
	}
	for (i = 0; i < s->threads; i++)
		pthread_join(t[i], NULL);
	secs = px_now() - t0;
	size = log_size(log);
	log_close(log);
	for (i = 0; i < s->threads; i++) {
		for (j = 0; j < per; j++)
			all[n++] = w[i].lat[j];
		errors += w[i].errors;
		free(w[i].lat);
		pthread_mutex_destroy(&w[i].mu);
		pthread_cond_destroy(&w[i].cv);
	}
	qsort(all, n, sizeof(double), cmp_double);
	if (s->rate > 0)
		snprintf(load, sizeof(load), "%.0f/s", s->rate);
	else
		snprintf(load, sizeof(load), "%d",
			 s->inflight ? s->inflight * s->threads : s->threads);
	printf("%9zu %5u %7d %8s %8" PRIu64 " %7.2f %10.0f %8.2f %8.2f "
	       "%8.2f%s\n",
	       s->batch_max, s->delay_ms, s->threads, load, size, secs,
	       (double)size / secs, all[n / 2] * 1e3,
	       all[(size_t)((double)n * 0.99)] * 1e3, all[n - 1] * 1e3,
	       errors ? "  ERRORS" : "");
	fflush(stdout);
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(all);
	free(w);
	free(t);
	return errors ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : "/tmp";
	uint64_t total = argc > 2 ? strtoull(argv[2], NULL, 10) : 200000;
	size_t i;
	int rc = 0;

	printf("durable appends of %d-byte entries into %s (latency: "
	       "submission to acknowledgement, ms)\n",
	       ENTRY_BYTES, base);
	printf("%9s %5s %7s %8s %8s %7s %10s %8s %8s %8s\n", "batch_max",
	       "delay", "threads", "load", "entries", "seconds", "entries/s",
	       "p50", "p99", "max");
	for (i = 0; i < PX_ARRAY_LEN(settings); i++) {
		uint64_t n = settings[i].inflight ? total : total / 10;
		if (run(base, &settings[i], n) != 0)
			rc = 1;
	}
	return rc;
}
