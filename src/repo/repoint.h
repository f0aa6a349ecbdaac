/*
 * repoint.h - what the files of src/repo/ share: the open repository, the
 * writer's queue of submissions, and the helpers each file offers the
 * others.  repo.c opens and closes a data directory, catches the store up
 * with the log and rebuilds it; writer.c is the writer thread and its group
 * commit; custody.c fills, signs and submits custodial filings and keeps the
 * party keys the operator holds.  Nothing outside src/repo/ includes this.
 *
 * Invariants (R1-R6):
 *
 *   R1. Only the writer thread changes the writer's store, and only while
 *       it holds store_lock; anyone else who uses that store (a custodial
 *       revision looking up the latest revision, a dry run) holds
 *       store_lock too, so nobody sees a round half done.
 *   R2. Between rounds, store_applied() == log_size(): every round starts
 *       by catching up if they differ (writer.c, round_prepare).
 *   R3. Inside a round the entries are applied in the order they were
 *       queued, each at the next log index; a refused entry is rolled back
 *       to its savepoint and takes no index.
 *   R4. A submitter is answered only after the round's log entries are
 *       durable (log_flush returned) or the round has failed; an entry is
 *       answered with success only if the log acknowledged it at the index
 *       it was applied at.
 *   R5. A job belongs to its submitter, who waits for it; the writer only
 *       fills its result and counts its waiter down, under qlock.
 *   R6. The queue holds at most REPO_QUEUE_MAX jobs; submitters block
 *       while it is full.
 */
#ifndef PX_REPO_REPOINT_H
#define PX_REPO_REPOINT_H

#include "log/tile.h"
#include "repo/repo.h"

#include <pthread.h>

#define REPO_ROUND_MAX 4096    /* entries per group commit */
#define REPO_QUEUE_MAX 65536   /* queued entries before submitters wait */
#define REPO_ROUND_FILL 64     /* a round of fewer entries waits ... */
#define REPO_ROUND_WAIT_US 1000 /* ... this long for more to come, */
#define REPO_ROUND_BUSY_S 0.005 /* when the last round ended this recently */
#define REPO_CATCHUP_TXN 4096  /* entries per catch-up transaction */
#define REPO_REINDEX_TXN 16384 /* entries per reindex transaction */
#define REPO_VERIFY_WINDOW 1024 /* entries whose signatures are checked
				   ahead together (repo.c) */
#define REPO_VERIFY_WINDOW_FIRST 32 /* the first window; each next one
				      doubles, up to REPO_VERIFY_WINDOW */
#define REPO_VERIFY_THREADS 2  /* threads checking them */
#define REPO_VERIFY_AHEAD 8    /* windows read and being checked at once */
#define REPO_GC_CHUNK 256      /* records a preparing thread frees at once */
#define REPO_GC_MAX 262144     /* records waiting for them, at most */
#define REPO_VERIFY_MIN 128    /* fewer entries to apply: no threads */
#define REPO_VERIFY_MIN_ROUND 32 /* the same for a writer's round */
#define REPO_KEY_FILE_MAX 4096 /* longest key file read */
#define REPO_DIR_BLOBS "blobs"
#define REPO_DIR_PARTY_KEYS "keys/parties"

/* Everyone waiting for a set of jobs (one submitter). */
struct repo_waiter {
	pthread_cond_t cond;
	size_t pending; /* jobs not answered yet (under qlock) */
};

/* One queued entry; owned by its submitter (R5). */
struct repo_job {
	struct repo_job *next;
	const uint8_t *entry; /* the signed note (the submitter's memory) */
	size_t len;
	struct repo_result *res;
	struct repo_waiter *waiter;
	struct store_prep *prep; /* NULL, or the submitter's preparation */
	/* The writer's scratch for the round. */
	int accepted;	/* store_apply took it */
	uint64_t index; /* the index it was applied at */
	int ack_rc;	/* the log's answer */
	uint64_t ack_index;
	struct px_err ack_err;
};

/* A signer key the operator holds for a party (custody.c's cache). */
struct repo_key {
	struct repo_key *next;
	char party[REC_ID_SIZE];
	struct note_signer signer;
};

struct repo {
	char *dir;
	char *store_path;
	struct repo_options opt;
	struct log *log;  /* NULL when read-only */
	struct store *st; /* the writer's store (R1) */
	struct note_verifier opkey;
	struct note_signer opsigner; /* keys/log.key; unset when read-only */
	int have_opsigner;

	pthread_mutex_t store_lock; /* R1 */

	pthread_mutex_t qlock; /* the queue and the waiters */
	pthread_cond_t qwork;  /* the writer waits for jobs */
	pthread_cond_t qspace; /* submitters wait for room (R6) */
	struct repo_job *qhead, **qtail;
	size_t qcount;
	int closing;
	int writer_started;
	pthread_t writer;

	/* Counters (under qlock). */
	uint64_t nrounds, nentries, naccepted, nrefused;

	pthread_mutex_t keys_lock;
	struct repo_key *keys;
};

/* Called for each entry the catch-up applies (or refuses). */
typedef void (*repo_apply_cb)(void *ctx, uint64_t index, int rc,
			      const struct store_applied *ap,
			      const struct px_err *err);

/*
 * Apply every log entry the store has not seen, store_applied() up to
 * log_size(), in transactions of REPO_CATCHUP_TXN.  A refused entry is
 * counted by the store and the catch-up goes on; anything else (the log
 * cannot be read, the store cannot write) stops it with the error.  cb may
 * be NULL.  (repo.c)
 */
int repo_apply_log(struct store *st, struct log *log,
		   const struct note_verifier *operator_key, int progress,
		   const char *label, repo_apply_cb cb, void *ctx,
		   struct px_err *err);

/*
 * The writer's round: prepare entry[i] ahead (store_prepare) for each
 * prep[i] that is not NULL, on REPO_VERIFY_THREADS threads and this one,
 * each signature against the key the store gives it now (store_entry_key);
 * then pass prep[i] to store_apply_prepared.  (repo.c)
 */
void repo_prepare(struct store *st, const struct note_verifier *operator_key,
		  const uint8_t *const *entry, const size_t *len, size_t n,
		  struct store_prep *const *prep);

/*
 * repo_submit_many with each entry's preparation done by the submitter
 * (prep[i] may be NULL; prep may be NULL): custodial filings, whose
 * records are parsed and signed on the submitting thread, hand them over
 * so that the writer's thread only applies them.  The preparations are the
 * caller's to release afterwards.  (writer.c)
 */
int repo_submit_prepared(struct repo *r, const uint8_t *const *entries,
			 const size_t *lens, struct store_prep *const *prep,
			 size_t n, struct repo_result *res,
			 struct px_err *err);

/* A savepoint ends: kept (store_release) or dropped (store_rollback_to).
 * (repo.c) */
int repo_savepoint_end(struct store *st, int keep, struct px_err *err);

/* Start and stop the writer thread (writer.c). */
int repo_writer_start(struct repo *r, struct px_err *err);
void repo_writer_stop(struct repo *r);


/* Fill res from an error (rc < 0) or clear it (rc == 0). */
void repo_result_error(struct repo_result *res, int rc,
		       const struct px_err *err);

/* Forget the cached signer keys, wiping them (custody.c). */
void repo_keys_release(struct repo *r);

/* Read a key file, without surrounding whitespace, into b (custody.c). */
int repo_read_key_file(const char *path, struct px_buf *b, struct px_err *err);

#endif
