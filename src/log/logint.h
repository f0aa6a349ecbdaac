/*
 * logint.h - what log.c (the data directory, opening and recovery, the
 * readers) and seq.c (the submission queue and the sequencer's batches)
 * share: the open log's structure and the right edge of the tree.  Nothing
 * outside src/log/log.c and src/log/seq.c includes this file; log.c's
 * opening comment states the invariants both files keep.
 */
#ifndef PX_LOG_LOGINT_H
#define PX_LOG_LOGINT_H

#include "log/log.h"
#include "log/source.h"
#include "log/tile.h"
#include "log/tilehash.h"

#include <pthread.h>
#include <stdatomic.h>

/* A tree of up to 2^64 leaves has at most 8 levels of tiles of height 8. */
#define LOG_LEVELS_MAX 8
/* The largest entry bundle: 256 entries of LOG_ENTRY_MAX with prefixes. */
#define LOG_BUNDLE_MAX ((size_t)LOG_TILE_WIDTH * (LOG_ENTRY_MAX + 2))
/* The largest checkpoint file we read (the note layer's own bound). */
#define LOG_CHECKPOINT_FILE_MAX 65536
/* The largest key file we read. */
#define LOG_KEY_FILE_MAX 4096

/*
 * The right edge of the tree of `size` leaves: at each level L the partial
 * tile, w[L] = floor(size / 256^L) mod 256 hashes of tile n[L] =
 * floor(size / 256^(L+1)), and the partial entry bundle (w[0] entries,
 * encoded as tile/entries/<n[0]>.p/<w[0]> is).  Everything to the left of
 * the edge is in full tiles on disk and is never needed again to append.
 */
struct log_edge {
	uint64_t size;
	unsigned w[LOG_LEVELS_MAX];
	uint64_t n[LOG_LEVELS_MAX];
	struct log_hash h[LOG_LEVELS_MAX][LOG_TILE_WIDTH];
	struct px_buf bundle;
};

/* One queued submission; the entry bytes follow the header. */
struct log_sub {
	struct log_sub *next;
	log_ack_cb cb;
	void *ctx;
	double arrived;
	size_t len;
	uint8_t data[];
};

struct log {
	char *dir;    /* the data directory */
	char *logdir; /* DIR/log, the public tree */
	char *ckpath; /* DIR/log/checkpoint */
	int lockfd;   /* DIR/keys, flock'ed while open */
	struct log_options opt;
	struct note_signer signer;
	struct note_verifier verifier;

	/* The queue: everything below is guarded by qlock. */
	pthread_mutex_t qlock;
	pthread_cond_t qwork;  /* the sequencer waits for submissions */
	pthread_cond_t qspace; /* submitters wait for queue space */
	pthread_cond_t qdone;  /* flushers and log_submit wait for acks */
	struct log_sub *qhead, **qtail;
	size_t qcount, qbytes;
	uint64_t nsubmitted, ndone;
	uint64_t nfailed;      /* entries whose batch failed */
	uint64_t flush_target; /* skip the batch delay until ndone reaches it */
	int closing;
	int failed;		  /* 0, or the error that stopped appends */
	struct px_err failed_err; /* why, for every later submission */
	int thread_started;
	pthread_t thread;
	struct px_err batch_err; /* the failing batch's error, during its acks
				    (sequencer thread only) */
	struct log_sub **batch;	 /* the batch being written (batch_max) */
	struct seq_pool *pool;	 /* the sequencer's I/O threads */

	/* The durable state, published by the sequencer under slock.  The
	 * sequencer reads cur without the lock (it is the only writer);
	 * next is its scratch space for the batch being written. */
	pthread_mutex_t slock;
	struct log_edge *cur, *next;
	struct log_hash root;	  /* of cur */
	struct px_buf checkpoint; /* the signed checkpoint of cur */
	struct px_buf ckscratch;  /* the sequencer's next checkpoint */
	_Atomic uint64_t size;	  /* cur->size, readable without a lock */

	/* Readers of the durable tree. */
	struct log_source src;
	struct log_tilehash *th;
	struct log_hash_reader reader;
	pthread_mutex_t rlock; /* guards the bundle cache */
	struct px_buf bcache;
	uint64_t bcache_index;
	int bcache_valid;
	struct log_bundle_entry bcache_entries[LOG_TILE_WIDTH];
};

/* ---- log.c: the edge's arithmetic, shared with the sequencer. */

/* The root of the tree the edge describes (RFC 9162 §2.1.1). */
void log_edge_root(const struct log_edge *e, struct log_hash *root);
/* Make dst a copy of src (bundle included); PX_ENOMEM. */
int log_edge_copy(struct log_edge *dst, const struct log_edge *src);
/* Remove a directory and everything in it; missing is not an error. */
void log_remove_tree(const char *path);

/* ---- seq.c: the queue and the sequencer thread. */
int log_seq_start(struct log *log, struct px_err *err);
/* Drain the queue, stop the thread, fail anything left (log_close). */
void log_seq_stop(struct log *log);
/* Sign the checkpoint (origin: the signer's name) of the tree of `size`
 * with `root` into out, which is reset first. */
int log_seq_sign_checkpoint(const struct note_signer *signer, uint64_t size,
			    const struct log_hash *root, struct px_buf *out,
			    struct px_err *err);

#endif
