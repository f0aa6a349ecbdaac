/*
 * bench_store.c - the projection's speed targets, measured over a data
 * directory that bench/gen_record.c wrote (a realistic synthetic record:
 * places named in Latin, Cyrillic and Armenian script, six parties, two to
 * four accounts per event with claims):
 *
 *   gen_record DIR ACCOUNTS 0 && bench_store [-n] DIR [ROUNDS]
 *
 * (-n: measure the store as it is, without rebuilding it first)
 * 1. reindex: rebuilds the store from the log alone (repo_reindex) and
 *    reports entries per second by the wall clock, by the process's CPU
 *    time (every thread) and by this thread's CPU time (the serial part:
 *    what the rate would be with a free core for the signature threads).
 * 2. search: a fixed set of queries, each asked ROUNDS times (default 20):
 *    place names in each script, common words alone and restricted to one
 *    kind, filters by party, time window, place (a region) and
 *    disputed-only, and the disputed-only list; p50/p99/max per query
 *    and over all of them.
 * 3. size: the store's bytes per account and per entry.
 * Without DIR (bench/run.sh runs every bench_* program without arguments)
 * it reads BENCH_STORE_DIR, and says it skipped when that is unset too.
 */
#include "repo/repo.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAXQ 64
#define MAXLAT 200000

struct q {
	char label[96];
	char text[96];
	struct store_query sq;
	int list; /* store_list instead of store_search */
};

static double clock_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Wall-clock and CPU-time percentiles (the CPU time of this thread does
 * not count the time other processes held the cores). */
static void report(const char *what, double *ms, double *cpu, size_t n)
{
	if (!n)
		return;
	qsort(ms, n, sizeof(*ms), dcmp);
	qsort(cpu, n, sizeof(*cpu), dcmp);
	printf("bench_store: %-40s wall p50 %6.2f p99 %6.2f max %6.2f ms; "
	       "cpu p50 %6.2f p99 %6.2f ms\n",
	       what, ms[n / 2], ms[(n * 99) / 100], ms[n - 1], cpu[n / 2],
	       cpu[(n * 99) / 100]);
}

static long long size_of(const char *dir, const char *name)
{
	char *p = px_path_join(dir, name);
	struct stat sb;
	long long n = 0;

	if (p && stat(p, &sb) == 0)
		n = (long long)sb.st_size;
	px_free(p);
	return n;
}

/* The first name in `script` of a place record, copied to out. */
static int place_name(const json_t *item, const char *script, char *out,
		      size_t cap)
{
	const json_t *names =
	    json_object_get(json_object_get(item, "record"), "names");
	size_t i;

	for (i = 0; i < json_array_size(names); i++) {
		const json_t *n = json_array_get(names, i);
		const char *s = json_string_value(json_object_get(n, "script"));
		const char *v = json_string_value(json_object_get(n, "name"));
		if (s && v && strcmp(s, script) == 0) {
			snprintf(out, cap, "%s", v);
			return 1;
		}
	}
	return 0;
}

static struct q *add(struct q *qs, size_t *n, const char *label,
		     const char *text)
{
	struct q *q;

	if (*n >= MAXQ)
		return NULL;
	q = &qs[(*n)++];
	memset(q, 0, sizeof(*q));
	snprintf(q->label, sizeof(q->label), "%s", label);
	snprintf(q->text, sizeof(q->text), "%s", text ? text : "");
	store_query_init(&q->sq);
	q->sq.limit = 20;
	return q;
}

/* The fixed query set, with names, parties and a region from the store. */
static int build_queries(struct store *st, struct q *qs, size_t *n,
			 char party[REC_ID_SIZE], char region[REC_ID_SIZE],
			 struct px_err *err)
{
	static const char *const scripts[3] = {"Latn", "Cyrl", "Armn"};
	static const char *const words[] = {"shelling", "обстрел", "Residents",
					    "civilians", "Report"};
	struct store_query lq;
	json_t *places = NULL, *parties = NULL;
	struct q *q;
	size_t i;
	int s, rc;

	store_query_init(&lq);
	lq.kind = REC_PLACE;
	lq.limit = 200;
	rc = store_list(st, &lq, &places, err);
	if (rc == 0) {
		lq.kind = REC_PARTY;
		lq.limit = 10;
		rc = store_list(st, &lq, &parties, err);
	}
	if (rc)
		goto out;
	party[0] = region[0] = '\0';
	{
		json_t *it = json_object_get(parties, "items");
		const char *id = json_string_value(
		    json_object_get(json_array_get(it, 0), "id"));
		if (id)
			snprintf(party, REC_ID_SIZE, "%s", id);
	}
	{
		json_t *it = json_object_get(places, "items");
		/* the second place is a region of the gazetteer's country */
		const char *id = json_string_value(json_object_get(
		    json_array_get(it, json_array_size(it) > 1 ? 1 : 0), "id"));
		if (id)
			snprintf(region, REC_ID_SIZE, "%s", id);
		/* settlements: places late in the gazetteer */
		for (s = 0; s < 3; s++)
			for (i = 0; i < 4; i++) {
				size_t k = json_array_size(it) - 1 - i * 7 - s;
				char name[96], label[96];
				if (k >= json_array_size(it) ||
				    !place_name(json_array_get(it, k),
						scripts[s], name, sizeof(name)))
					continue;
				snprintf(label, sizeof(label),
					 "place name (%s)", scripts[s]);
				add(qs, n, label, name);
			}
	}
	for (i = 0; i < PX_ARRAY_LEN(words); i++) {
		char label[96];
		snprintf(label, sizeof(label), "word \"%s\"", words[i]);
		add(qs, n, label, words[i]);
		snprintf(label, sizeof(label), "word \"%s\", accounts only",
			 words[i]);
		if ((q = add(qs, n, label, words[i])))
			q->sq.kind = REC_ACCOUNT;
		snprintf(label, sizeof(label), "word \"%s\", events only",
			 words[i]);
		if ((q = add(qs, n, label, words[i])))
			q->sq.kind = REC_EVENT;
	}
	if ((q = add(qs, n, "\"shelling\", party", "shelling")))
		q->sq.party = party;
	if ((q = add(qs, n, "\"shelling\", events, 2018-2019", "shelling"))) {
		q->sq.kind = REC_EVENT;
		q->sq.from = "2018-01-01";
		q->sq.to = "2019-12-31";
	}
	if ((q = add(qs, n, "\"shelling\", within a region", "shelling")))
		q->sq.place = region;
	if ((q = add(qs, n, "\"shelling\", disputed only", "shelling")))
		q->sq.disputed = 1;
	if ((q = add(qs, n, "\"Residents\", events, party, disputed",
		     "Residents"))) {
		q->sq.kind = REC_EVENT;
		q->sq.party = party;
		q->sq.disputed = 1;
	}
	if ((q = add(qs, n, "list: disputed events", NULL))) {
		q->list = 1;
		q->sq.kind = REC_EVENT;
		q->sq.disputed = 1;
	}
	if ((q = add(qs, n, "list: events of a party, 2018-2019", NULL))) {
		q->list = 1;
		q->sq.kind = REC_EVENT;
		q->sq.party = party;
		q->sq.from = "2018-01-01";
		q->sq.to = "2019-12-31";
	}
	if ((q = add(qs, n, "list: events within a region", NULL))) {
		q->list = 1;
		q->sq.kind = REC_EVENT;
		q->sq.place = region;
	}
out:
	json_decref(places);
	json_decref(parties);
	return rc;
}

int main(int argc, char **argv)
{
	static struct q qs[MAXQ];
	static double all[MAXLAT], one[1000], allc[MAXLAT], onec[1000];
	char party[REC_ID_SIZE], region[REC_ID_SIZE];
	int noreindex = argc > 1 && strcmp(argv[1], "-n") == 0;
	const char *dir = argc > 1 + noreindex ? argv[1 + noreindex]
					       : getenv("BENCH_STORE_DIR");
	unsigned long rounds =
	    argc > 2 + noreindex ? strtoul(argv[2 + noreindex], NULL, 10) : 20;
	struct repo_options ro;
	struct repo *r = NULL;
	struct px_err err;
	json_t *stats = NULL;
	double w0, w1, p0, p1, t0, t1;
	uint64_t entries, accounts;
	size_t nq = 0, nall = 0, i, k;
	long long db;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!dir || !*dir) {
		printf("bench_store: skipped (give a data directory made by "
		       "gen_record, or set BENCH_STORE_DIR)\n");
		return 0;
	}
	if (rounds == 0 || rounds > 1000)
		rounds = 20;
	px_err_clear(&err);

	/* 1. reindex */
	w0 = clock_of(CLOCK_MONOTONIC);
	p0 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
	t0 = clock_of(CLOCK_THREAD_CPUTIME_ID);
	rc = noreindex ? 0 : repo_reindex(dir, 0, &err);
	w1 = clock_of(CLOCK_MONOTONIC);
	p1 = clock_of(CLOCK_PROCESS_CPUTIME_ID);
	t1 = clock_of(CLOCK_THREAD_CPUTIME_ID);
	if (rc)
		goto fail;
	memset(&ro, 0, sizeof(ro));
	ro.read_only = 1;
	rc = repo_open(dir, &ro, &r, &err);
	if (rc == 0)
		rc = store_stats(repo_store(r), &stats, &err);
	if (rc)
		goto fail;
	entries = store_applied(repo_store(r));
	accounts = (uint64_t)json_integer_value(json_object_get(
	    json_object_get(stats, "records"), "account"));
	json_decref(stats);
	if (!noreindex)
		printf("bench_store: reindex of %" PRIu64 " entries (%" PRIu64
	       " accounts): wall %.2f s = %.0f entries/s; cpu (all threads) "
	       "%.2f s = %.0f entries/cpu-s; applying thread %.2f s = %.0f "
	       "entries/s\n",
	       entries, accounts, w1 - w0, (double)entries / (w1 - w0), p1 - p0,
	       (double)entries / (p1 - p0), t1 - t0,
	       (double)entries / (t1 - t0));

	/* 2. searches */
	rc = build_queries(repo_store(r), qs, &nq, party, region, &err);
	if (rc)
		goto fail;
	for (i = 0; i < nq; i++) {
		struct q *q = &qs[i];
		q->sq.text = q->text[0] ? q->text : NULL;
		for (k = 0; k < rounds && k < PX_ARRAY_LEN(one); k++) {
			json_t *res = NULL;
			double s = clock_of(CLOCK_MONOTONIC);
			double c = clock_of(CLOCK_THREAD_CPUTIME_ID);
			rc = q->list ? store_list(repo_store(r), &q->sq, &res,
						  &err)
				     : store_search(repo_store(r), &q->sq, &res,
						    &err);
			one[k] = (clock_of(CLOCK_MONOTONIC) - s) * 1000;
			onec[k] =
			    (clock_of(CLOCK_THREAD_CPUTIME_ID) - c) * 1000;
			json_decref(res);
			if (rc)
				goto fail;
			if (nall < MAXLAT) {
				allc[nall] = onec[k];
				all[nall++] = one[k];
			}
		}
		{
			char label[160];
			snprintf(label, sizeof(label), "%s", q->label);
			report(label, one, onec, k);
		}
	}
	report("ALL QUERIES", all, allc, nall);
	repo_close(r);
	r = NULL;

	/* 3. size */
	db = size_of(dir, STORE_FILE) + size_of(dir, STORE_FILE "-wal");
	printf("bench_store: store %.1f MiB: %.0f bytes per account, %.0f per "
	       "entry\n",
	       (double)db / 1048576.0,
	       accounts ? (double)db / (double)accounts : 0.0,
	       entries ? (double)db / (double)entries : 0.0);
	return 0;
fail:
	if (r)
		repo_close(r);
	fprintf(stderr, "bench_store: %s\n", err.msg);
	return 1;
}
