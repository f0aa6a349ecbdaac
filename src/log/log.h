/*
 * log.h - the log's data directory and its single writer: the sequencer.
 *
 * A data directory keeps the public and the private apart:
 *   DIR/log/          exactly the tlog-tiles layout and `checkpoint`: safe to
 *                     serve with any static web server and to mirror
 *   DIR/log.pub       the log's verifier key (signed-note format)
 *   DIR/keys/         private keys (mode 0700; files 0600): keys/log.key
 *
 * The sequencer batches submitted entries (at most batch_max entries, or
 * whatever arrived within batch_delay_ms of the first), then for each batch:
 * writes the entry bundles and hash tiles durably (temporary file, fsync,
 * rename, fsync of the directory), signs and durably writes the checkpoint,
 * and only then acknowledges each entry with its index.  Opening a log
 * recovers from the last checkpoint: anything beyond it was never
 * acknowledged and is discarded; a log whose tiles do not hash to its
 * checkpoint is refused, naming the first bad tile.
 *
 * Thread safety: log_submit, log_submit_async and the readers may be called
 * from any thread; log_open and log_close from one.
 */
#ifndef PX_LOG_LOG_H
#define PX_LOG_LOG_H

#include "log/hash.h"
#include "log/note.h"
#include "log/tree.h"
#include "util/px.h"

#include <stdint.h>

struct log; /* opaque */

struct log_options {
	size_t batch_max;         /* entries per batch; 0 picks 4096 */
	unsigned batch_delay_ms;  /* longest wait for a batch to fill; 0: 2 */
	size_t queue_max_bytes;   /* submitters block past this; 0: 64 MiB */
};

/*
 * Create a new, empty log in DIR (which must not hold a log already): the
 * directories, a new Ed25519 key named `origin` (keys/log.key, log.pub),
 * and a signed checkpoint of size 0.
 */
int log_create(const char *dir, const char *origin, struct px_err *err);

/* Open (and recover) the log in DIR.  opt may be NULL for defaults. */
int log_open(const char *dir, const struct log_options *opt, struct log **out,
	     struct px_err *err);
/* Flush what was submitted, stop the sequencer, free everything. */
void log_close(struct log *log);

/* The size of the latest durable checkpoint. */
uint64_t log_size(struct log *log);
/* The log's origin (its key name) and verifier key. */
const struct note_verifier *log_verifier(struct log *log);

/* Called once per entry, from the sequencer's thread, after its batch is
 * durable (rc == 0, index set) or has failed (rc < 0).  It must not wait on
 * the log (log_submit, log_flush, log_close, or log_submit_async, which may
 * block on a full queue): the sequencer is the thread that would end the
 * wait. */
typedef void (*log_ack_cb)(void *ctx, int rc, uint64_t index);

/*
 * Submit one entry (copied; at most LOG_ENTRY_MAX bytes, else PX_ETOOBIG
 * and nothing is queued).  cb is called once the entry is durable.  Blocks
 * while the queue is over queue_max_bytes.
 */
int log_submit_async(struct log *log, const void *entry, size_t len,
		     log_ack_cb cb, void *ctx, struct px_err *err);
/* Submit one entry and wait until it is durable; *index receives it. */
int log_submit(struct log *log, const void *entry, size_t len,
	       uint64_t *index, struct px_err *err);
/* Wait until every entry submitted so far is durable (or failed). */
int log_flush(struct log *log, struct px_err *err);
/* Have the sequencer start on every entry submitted so far without waiting
 * for its batch to fill (log_flush then waits for them). */
void log_flush_begin(struct log *log);

/* The signed checkpoint as served at log/checkpoint (appended to out). */
int log_checkpoint_text(struct log *log, struct px_buf *out,
			struct px_err *err);
/* Entry `index` (appended to out); PX_ENOTFOUND past the size. */
int log_entry(struct log *log, uint64_t index, struct px_buf *out,
	      struct px_err *err);
/* Proofs against the tree of `size` (0 means the current size). */
int log_prove_inclusion(struct log *log, uint64_t index, uint64_t size,
			struct log_hash *proof, size_t *n, struct px_err *err);
int log_prove_consistency(struct log *log, uint64_t m, uint64_t size,
			  struct log_hash *proof, size_t *n,
			  struct px_err *err);
/* The root of the tree of `size` (0 means the current size). */
int log_root(struct log *log, uint64_t size, struct log_hash *root,
	     struct px_err *err);

/* Paths inside a data directory. */
#define LOG_DIR_PUBLIC "log"
#define LOG_DIR_KEYS "keys"
#define LOG_FILE_PUB "log.pub"
#define LOG_FILE_KEY "keys/log.key"
#define LOG_FILE_CHECKPOINT "log/checkpoint"

#endif
