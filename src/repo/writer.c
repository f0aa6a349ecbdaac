/*
 * writer.c - the repository's one writer thread and its group commit.
 *
 * Submitters (repo_submit_many, from any thread) queue jobs - a signed
 * entry, a result slot, a waiter - and sleep on their waiter.  The writer
 * takes everything queued (at most REPO_ROUND_MAX) as one round; under
 * load (a round ended within REPO_ROUND_BUSY_S) a round of fewer than
 * REPO_ROUND_FILL jobs first waits up to REPO_ROUND_WAIT_US for more,
 * since every round costs the log's syncs whatever its size:
 *
 *   round_prepare   the store has applied exactly the log (R2), else the
 *                   missing entries are applied first;
 *   round_apply     (a round of REPO_VERIFY_MIN_ROUND jobs or more first
 *                   has its signatures checked on several threads,
 *                   repo_prepare) store_begin; per job a savepoint and
 *                   store_apply_prepared at the next log index; a refused
 *                   job is rolled back to its savepoint and answered with
 *                   its error (R3);
 *   round_log       the accepted entries, in order, go to log_submit_async;
 *                   log_flush_begin starts the log on them and, while it
 *                   writes and syncs, store_flush brings the store's
 *                   derived data up to date inside the transaction; then
 *                   log_flush; each must come back at the index it was
 *                   applied at;
 *   round_commit    store_commit, and every job is answered (R4).
 *
 * If the log fails (an append error, or an index other than the expected
 * one), the store transaction is rolled back and the store is caught up
 * with whatever the log actually made durable (round_recover): an entry
 * the log acknowledged is answered with the store's verdict on it at its
 * real index, every other entry with the log's error.  If the store commit
 * fails after the log is durable, the entries are still acknowledged (they
 * are in the log); the next round's round_prepare applies them.
 *
 * The log's acknowledgement callback (ack_cb) runs on the sequencer's
 * thread and only records rc and index in the job: it never waits on the
 * log (log.h).
 */
#include "repo/repoint.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static void ack_cb(void *ctx, int rc, uint64_t index)
{
	struct repo_job *j = ctx;

	j->ack_rc = rc;
	j->ack_index = index;
}

static void result_ok(struct repo_result *res, const struct store_applied *ap,
		      uint64_t index)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->id, sizeof(res->id), "%s", ap->record_id);
	snprintf(res->revision, sizeof(res->revision), "%s", ap->info.id);
	res->kind = ap->info.kind;
	res->index = index;
}

static void fail_all(struct repo_job **jobs, size_t n, int rc,
		     const struct px_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		repo_result_error(jobs[i]->res, rc, err);
}

/* R2: the store has applied exactly what the log holds. */
static int round_prepare(struct repo *r, struct px_err *err)
{
	if (store_applied(r->st) == log_size(r->log))
		return 0;
	return repo_apply_log(r->st, r->log, &r->opkey, 0, "catching up", NULL,
			      NULL, err);
}

struct recover_ctx {
	struct repo_job **jobs;
	size_t n;
};

static void recover_cb(void *ctx, uint64_t index, int rc,
		       const struct store_applied *ap, const struct px_err *err)
{
	struct recover_ctx *c = ctx;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct repo_job *j = c->jobs[i];
		if (!j->accepted || j->ack_rc != 0 || j->ack_index != index)
			continue;
		if (rc)
			repo_result_error(j->res, rc, err);
		else
			result_ok(j->res, ap, index);
	}
}

/*
 * The log did not append the round as applied: roll the store back and
 * replay what the log really holds.
 */
static void round_recover(struct repo *r, struct repo_job **jobs, size_t n,
			  int lrc, const struct px_err *lerr)
{
	struct recover_ctx c = {jobs, n};
	struct px_err e;
	size_t i;

	store_rollback(r->st);
	for (i = 0; i < n; i++) {
		struct repo_job *j = jobs[i];
		if (!j->accepted)
			continue;
		if (j->ack_rc == 0) {
			/* Durable at ack_index: acknowledged whatever the
			 * store says below (R4). */
			j->res->index = j->ack_index;
		} else {
			struct px_err le;
			px_errorf(&le, lrc,
				  "the log could not append the "
				  "entry: %s",
				  lerr->msg[0] ? lerr->msg : px_strerror(lrc));
			repo_result_error(j->res, lrc, &le);
		}
	}
	px_err_clear(&e);
	/* A failure here leaves the store behind the log; round_prepare
	 * tries again next round and repo_open on the next start. */
	repo_apply_log(r->st, r->log, &r->opkey, 0, "catching up", recover_cb,
		       &c, &e);
}

/* prep[i] (if prep is not NULL and prep[i] is not NULL): what was
 * prepared of jobs[i] ahead (repo_prepare, or by its submitter). */
static void round_run_checked(struct repo *r, struct repo_job **jobs,
			      size_t n, struct store_prep *const *prep)
{
	struct px_err e, le;
	size_t i, naccepted = 0;
	uint64_t next;
	int rc, lrc, ok;

	px_err_clear(&e);
	px_err_clear(&le);
	for (i = 0; i < n; i++) {
		jobs[i]->accepted = 0;
		jobs[i]->ack_rc = PX_EIO;
		jobs[i]->ack_index = 0;
	}
	rc = round_prepare(r, &e);
	if (rc == 0)
		rc = store_begin(r->st, &e);
	if (rc) {
		fail_all(jobs, n, rc, &e);
		return;
	}

	/* round_apply (R3). */
	next = store_applied(r->st);
	for (i = 0; i < n; i++) {
		struct repo_job *j = jobs[i];
		struct store_applied ap;
		struct px_err ae;
		int arc;

		rc = store_savepoint(r->st, &e);
		if (rc)
			goto store_failed;
		memset(&ap, 0, sizeof(ap));
		px_err_clear(&ae);
		arc = store_apply_prepared(r->st, next, j->entry, j->len,
					   &r->opkey, prep ? prep[i] : NULL, 0,
					   &ap, &ae);
		rc = repo_savepoint_end(r->st, arc == 0, &e);
		if (rc)
			goto store_failed;
		if (arc) {
			repo_result_error(j->res, arc, &ae);
			continue;
		}
		result_ok(j->res, &ap, next);
		j->accepted = 1;
		j->index = next++;
		naccepted++;
	}
	if (naccepted == 0) {
		store_rollback(r->st);
		return;
	}

	/* round_log. */
	lrc = 0;
	for (i = 0; i < n; i++) {
		struct repo_job *j = jobs[i];
		if (!j->accepted)
			continue;
		if (lrc == 0) {
			j->ack_rc = 1; /* set by ack_cb */
			lrc = log_submit_async(r->log, j->entry, j->len, ack_cb,
					       j, &le);
			if (lrc)
				j->ack_rc = lrc;
		} else {
			j->ack_rc = lrc;
		}
	}
	/* While the log writes and syncs the round, bring the store's derived
	 * data up to date (inside the transaction, so nothing is committed
	 * before the log is durable; a failure shows again at the commit).
	 * Flush even after a failed submission: what was queued must be
	 * answered before the jobs can be. */
	log_flush_begin(r->log);
	{
		struct px_err se;
		px_err_clear(&se);
		store_flush(r->st, &se);
	}
	{
		struct px_err fe;
		int frc = log_flush(r->log, &fe);
		if (lrc == 0 && frc) {
			lrc = frc;
			le = fe;
		}
	}
	ok = lrc == 0;
	for (i = 0; i < n && ok; i++) {
		struct repo_job *j = jobs[i];
		if (!j->accepted)
			continue;
		if (j->ack_rc != 0) {
			ok = 0;
			lrc = j->ack_rc < 0 ? j->ack_rc : PX_EIO;
			px_errorf(&le, lrc,
				  "the log could not append entry "
				  "%" PRIu64,
				  j->index);
		} else if (j->ack_index != j->index) {
			ok = 0;
			lrc = PX_ECORRUPT;
			px_errorf(&le, lrc,
				  "the log appended the entry at index "
				  "%" PRIu64 ", not %" PRIu64
				  " (another writer?)",
				  j->ack_index, j->index);
		}
	}
	if (!ok) {
		round_recover(r, jobs, n, lrc, &le);
		return;
	}

	/* round_commit.  If it fails, the entries are durable in the log and
	 * stay acknowledged; round_prepare applies them next round. */
	if (store_commit(r->st, &e) != 0)
		store_rollback(r->st);
	return;

store_failed:
	store_rollback(r->st);
	fail_all(jobs, n, rc, &e);
}

/*
 * One round.  The entries of a large round that their submitters did not
 * prepare are prepared ahead on several threads (repo_prepare) against the
 * keys the store holds before it; store_apply_prepared checks again any
 * entry whose key has changed within the round (a party registered or its
 * key rotated earlier in it).
 */
static void round_run(struct repo *r, struct repo_job **jobs, size_t n)
{
	const uint8_t **entry = NULL;
	size_t *len = NULL, i, own = 0;
	struct store_prep **prep = NULL, **ahead = NULL, *mine = NULL;
	struct px_err e;

	for (i = 0; i < n; i++)
		own += !jobs[i]->prep;
	prep = px_calloc(n, sizeof(*prep));
	for (i = 0; prep && i < n; i++)
		prep[i] = jobs[i]->prep;
	if (prep && own >= REPO_VERIFY_MIN_ROUND) {
		/* the store must be caught up before its keys are read */
		px_err_clear(&e);
		if (round_prepare(r, &e) == 0) {
			entry = px_calloc(n, sizeof(*entry));
			len = px_calloc(n, sizeof(*len));
			ahead = px_calloc(n, sizeof(*ahead));
			mine = px_calloc(n, sizeof(*mine));
		}
		if (entry && len && ahead && mine) {
			for (i = 0; i < n; i++) {
				entry[i] = jobs[i]->entry;
				len[i] = jobs[i]->len;
				if (!prep[i])
					ahead[i] = prep[i] = &mine[i];
			}
			repo_prepare(r->st, &r->opkey,
				     (const uint8_t *const *)entry, len, n,
				     ahead);
		}
	}
	/* without the arrays every entry is checked inline */
	round_run_checked(r, jobs, n, prep);
	for (i = 0; ahead && mine && i < n; i++)
		if (ahead[i])
			store_prep_release(&mine[i]);
	px_free(entry);
	px_free(len);
	px_free(ahead);
	px_free(mine);
	px_free(prep);
}

static void answer_all(struct repo *r, struct repo_job **jobs, size_t n)
{
	size_t i, nok = 0;

	for (i = 0; i < n; i++)
		if (jobs[i]->res->rc == 0)
			nok++;
	pthread_mutex_lock(&r->qlock);
	r->nrounds++;
	r->nentries += n;
	r->naccepted += nok;
	r->nrefused += n - nok;
	for (i = 0; i < n; i++) {
		struct repo_waiter *w = jobs[i]->waiter;
		/* R5: after the last count-down the submitter may free the
		 * job and the waiter (once we release qlock). */
		if (--w->pending == 0)
			pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&r->qlock);
}

static void *writer_main(void *arg)
{
	struct repo *r = arg;
	struct repo_job *jobs[REPO_ROUND_MAX];
	double last_round = 0;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&r->qlock);
		while (!r->qhead && !r->closing)
			pthread_cond_wait(&r->qwork, &r->qlock);
		if (r->qhead && r->qcount < REPO_ROUND_FILL && !r->closing &&
		    px_now() - last_round < REPO_ROUND_BUSY_S) {
			/* under load (the last round ended just now): a
			 * round costs the log's syncs whatever its size, so
			 * let a small one fill a little.  A write that comes
			 * alone goes at once. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += REPO_ROUND_WAIT_US * 1000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (r->qcount < REPO_ROUND_FILL && !r->closing &&
			       pthread_cond_timedwait(&r->qwork, &r->qlock,
						      &until) == 0)
				;
		}
		if (!r->qhead) { /* closing, and the queue is drained */
			pthread_mutex_unlock(&r->qlock);
			break;
		}
		for (n = 0; r->qhead && n < REPO_ROUND_MAX; n++) {
			jobs[n] = r->qhead;
			r->qhead = r->qhead->next;
		}
		if (!r->qhead)
			r->qtail = &r->qhead;
		r->qcount -= n;
		pthread_cond_broadcast(&r->qspace);
		pthread_mutex_unlock(&r->qlock);

		pthread_mutex_lock(&r->store_lock);
		round_run(r, jobs, n);
		pthread_mutex_unlock(&r->store_lock);
		answer_all(r, jobs, n);
		last_round = px_now();
	}
	return NULL;
}

int repo_writer_start(struct repo *r, struct px_err *err)
{
	int rc = pthread_create(&r->writer, NULL, writer_main, r);

	if (rc != 0)
		return px_errorf(err, PX_EIO,
				 "cannot start the writer thread: "
				 "%s",
				 strerror(rc));
	r->writer_started = 1;
	return 0;
}

void repo_writer_stop(struct repo *r)
{
	if (!r->writer_started)
		return;
	pthread_mutex_lock(&r->qlock);
	r->closing = 1;
	pthread_cond_broadcast(&r->qwork);
	pthread_cond_broadcast(&r->qspace);
	pthread_mutex_unlock(&r->qlock);
	pthread_join(r->writer, NULL);
	r->writer_started = 0;
}

int repo_submit_many(struct repo *r, const uint8_t *const *entries,
		     const size_t *lens, size_t n, struct repo_result *res,
		     struct px_err *err)
{
	return repo_submit_prepared(r, entries, lens, NULL, n, res, err);
}

int repo_submit_prepared(struct repo *r, const uint8_t *const *entries,
			 const size_t *lens, struct store_prep *const *prep,
			 size_t n, struct repo_result *res,
			 struct px_err *err)
{
	struct repo_waiter w;
	struct repo_job *jobs;
	size_t i;
	int rc = 0;

	if (!r->log)
		return px_errorf(err, PX_EUSAGE,
				 "the repository is open read-only");
	if (n == 0)
		return 0;
	jobs = px_calloc(n, sizeof(*jobs));
	if (!jobs)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	pthread_cond_init(&w.cond, NULL);
	w.pending = 0;

	pthread_mutex_lock(&r->qlock);
	for (i = 0; i < n; i++) {
		struct repo_job *j = &jobs[i];
		memset(&res[i], 0, sizeof(res[i]));
		j->entry = entries[i];
		j->len = lens[i];
		j->prep = prep ? prep[i] : NULL;
		j->res = &res[i];
		j->waiter = &w;
		/* An entry the log cannot take would fail its whole round:
		 * answer it here. */
		if (lens[i] == 0 || lens[i] > LOG_ENTRY_MAX || !entries[i]) {
			struct px_err e;
			px_errorf(&e, lens[i] ? PX_ETOOBIG : PX_EINVAL,
				  "an entry of %zu bytes: entries are 1 to %d "
				  "bytes",
				  lens[i], LOG_ENTRY_MAX);
			repo_result_error(&res[i], e.code, &e);
			continue;
		}
		while (!r->closing && r->qcount >= REPO_QUEUE_MAX)
			pthread_cond_wait(&r->qspace, &r->qlock);
		if (r->closing) {
			struct px_err e;
			rc = px_errorf(&e, PX_ECLOSED,
				       "the repository is "
				       "closing");
			repo_result_error(&res[i], rc, &e);
			if (err)
				*err = e;
			continue;
		}
		j->next = NULL;
		*r->qtail = j;
		r->qtail = &j->next;
		if (r->qcount++ == 0 || r->qcount == REPO_ROUND_FILL)
			pthread_cond_signal(&r->qwork);
		w.pending++;
	}
	while (w.pending > 0)
		pthread_cond_wait(&w.cond, &r->qlock);
	pthread_mutex_unlock(&r->qlock);
	pthread_cond_destroy(&w.cond);
	px_free(jobs);
	return rc;
}
