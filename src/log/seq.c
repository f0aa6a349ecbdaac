/*
 * seq.c - the submission queue and the sequencer, the log's one writer.
 *
 * Submitters append copies of their entries to a queue (log_submit_async).
 * One thread takes them off in batches - at most batch_max entries, or
 * whatever arrived within batch_delay_ms of the first - and for each batch:
 * hashes the entries (RFC 9162 §2.1.1 leaf hashes), appends them to a copy
 * of the right edge of the tree, writes every entry bundle and hash tile the
 * batch changed (C2SP tlog-tiles: full tiles, and the partial `.p/W` tile of
 * the new size at each level), signs and writes the checkpoint, publishes
 * the new edge and only then acknowledges the entries.  The invariants it
 * keeps, and what recovery does with a batch cut short, are in log.c's
 * opening comment.
 *
 * Durability is batched: first every file of the batch, and the new
 * checkpoint, is written to a temporary beside it and fsynced (in parallel,
 * by a few I/O threads); then the tiles are renamed into place and each
 * touched directory is fsynced once (in parallel again); only then is the
 * checkpoint renamed and its directory fsynced.  A batch costs three rounds
 * of fsync whatever its size.
 */
#include "log/logint.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One file a batch writes. */
struct seq_file {
	struct log_tile t;
	char *path; /* absolute */
	char *tmp;  /* the synced temporary, until it is renamed */
	const uint8_t *data;
	size_t len;
	uint8_t *owned; /* data, when the batch allocated it */
};

struct seq_batch {
	struct seq_file *files;
	size_t nfiles, capfiles;
	char **dirs; /* directories to fsync, each once */
	size_t ndirs, capdirs;
	char *cktmp; /* the checkpoint's synced temporary */
};

/* What log_submit waits on. */
struct seq_waiter {
	struct log *log;
	atomic_int done;
	int rc;
	uint64_t index;
	struct px_err err;
};

/*
 * The sequencer's I/O threads.  fsync mostly waits, and a journaling file
 * system commits concurrent fsyncs together, so the files of a batch are
 * written and synced in parallel: a batch costs a few journal commits
 * instead of one per file.  pool_run is a parallel for loop over n items;
 * the calling thread takes items too.
 */
#define SEQ_IO_THREADS 16

struct seq_pool {
	pthread_mutex_t mu;
	pthread_cond_t go, idle;
	pthread_t th[SEQ_IO_THREADS];
	int nth;
	int stop;
	uint64_t gen;
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n, next, busy;
};

static void *pool_main(void *arg)
{
	struct seq_pool *p = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && seen == p->gen)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->stop)
			break;
		seen = p->gen;
		p->busy++;
		while (p->next < p->n) {
			size_t i = p->next++;
			pthread_mutex_unlock(&p->mu);
			p->fn(p->ctx, i);
			pthread_mutex_lock(&p->mu);
		}
		if (--p->busy == 0)
			pthread_cond_signal(&p->idle);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pool_run(struct seq_pool *p, size_t n,
		     void (*fn)(void *ctx, size_t i), void *ctx)
{
	size_t i;

	if (!p || p->nth == 0 || n < 2) {
		for (i = 0; i < n; i++)
			fn(ctx, i);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->next = 0;
	p->gen++;
	pthread_cond_broadcast(&p->go);
	while (p->next < p->n) {
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		fn(ctx, i);
		pthread_mutex_lock(&p->mu);
	}
	while (p->busy > 0)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static struct seq_pool *pool_new(void)
{
	struct seq_pool *p = px_calloc(1, sizeof(*p));
	int i;

	if (!p)
		return NULL;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		px_free(p);
		return NULL;
	}
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->idle, NULL);
	/* Fewer threads (even none) only make the batch slower. */
	for (i = 0; i < SEQ_IO_THREADS; i++) {
		if (pthread_create(&p->th[i], NULL, pool_main, p) != 0)
			break;
		p->nth++;
	}
	return p;
}

static void pool_free(struct seq_pool *p)
{
	int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->idle);
	px_free(p);
}

/* One parallel round of I/O and the first error it met. */
struct seq_io {
	struct log *log;
	struct seq_batch *b;
	pthread_mutex_t mu;
	int rc;
	struct px_err err;
};

static void io_fail(struct seq_io *io, int rc, const struct px_err *e)
{
	pthread_mutex_lock(&io->mu);
	if (!io->rc) {
		io->rc = rc;
		io->err = *e;
	}
	pthread_mutex_unlock(&io->mu);
}

static void batch_release(struct seq_batch *b)
{
	size_t i;

	for (i = 0; i < b->nfiles; i++) {
		if (b->files[i].tmp) {
			unlink(b->files[i].tmp);
			px_free(b->files[i].tmp);
		}
		px_free(b->files[i].path);
		px_free(b->files[i].owned);
	}
	for (i = 0; i < b->ndirs; i++)
		px_free(b->dirs[i]);
	if (b->cktmp) {
		unlink(b->cktmp);
		px_free(b->cktmp);
	}
	px_free(b->files);
	px_free(b->dirs);
	memset(b, 0, sizeof(*b));
}

/* Queue one file; takes ownership of `owned` (freed on failure too). */
static int batch_add_file(struct log *log, struct seq_batch *b,
			  const struct log_tile *t, const uint8_t *data,
			  size_t len, uint8_t *owned, struct px_err *err)
{
	char rel[LOG_TILE_PATH_MAX];
	struct seq_file *f;

	if (b->nfiles == b->capfiles) {
		size_t cap = b->capfiles ? 2 * b->capfiles : 16;
		f = px_realloc(b->files, cap * sizeof(*f));
		if (!f) {
			px_free(owned);
			return px_errorf(err, PX_ENOMEM,
					 "out of memory queueing tiles");
		}
		b->files = f;
		b->capfiles = cap;
	}
	f = &b->files[b->nfiles];
	memset(f, 0, sizeof(*f));
	log_tile_path(rel, t);
	f->path = px_path_join(log->logdir, rel);
	if (!f->path) {
		px_free(owned);
		return px_errorf(err, PX_ENOMEM, "out of memory queueing '%s'",
				 rel);
	}
	f->t = *t;
	f->data = data;
	f->len = len;
	f->owned = owned;
	b->nfiles++;
	return 0;
}

static int batch_has_dir(const struct seq_batch *b, const char *dir, size_t len)
{
	size_t i;

	for (i = 0; i < b->ndirs; i++)
		if (strlen(b->dirs[i]) == len &&
		    memcmp(b->dirs[i], dir, len) == 0)
			return 1;
	return 0;
}

static int batch_add_dir(struct seq_batch *b, const char *dir, size_t len,
			 struct px_err *err)
{
	char *d;

	if (batch_has_dir(b, dir, len))
		return 0;
	if (b->ndirs == b->capdirs) {
		size_t cap = b->capdirs ? 2 * b->capdirs : 16;
		char **p = px_realloc(b->dirs, cap * sizeof(*p));
		if (!p)
			return px_errorf(err, PX_ENOMEM, "out of memory");
		b->dirs = p;
		b->capdirs = cap;
	}
	d = px_strndup(dir, len);
	if (!d)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	b->dirs[b->ndirs++] = d;
	return 0;
}

/*
 * Make sure the directory of `path` exists and is in the set to fsync.  A
 * directory created here must itself survive a crash, so every directory
 * from the log root down to it joins the set (their entries changed).
 */
static int batch_prepare_dir(struct log *log, struct seq_batch *b,
			     const char *path, struct px_err *err)
{
	const char *slash = strrchr(path, '/');
	size_t len = (size_t)(slash - path), rootlen = strlen(log->logdir), i;
	struct stat st;
	char *dir;
	int rc;

	if (batch_has_dir(b, path, len))
		return 0;
	dir = px_strndup(path, len);
	if (!dir)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	if (stat(dir, &st) != 0) {
		rc = px_mkdirs(dir, 0755, err);
		if (rc) {
			px_free(dir);
			return rc;
		}
		for (i = rootlen; i < len && rc == 0; i++)
			if (dir[i] == '/')
				rc = batch_add_dir(b, dir, i, err);
		if (rc == 0)
			rc = batch_add_dir(b, dir, rootlen, err);
		if (rc) {
			px_free(dir);
			return rc;
		}
	}
	px_free(dir);
	return batch_add_dir(b, path, len, err);
}

/*
 * Append one leaf hash to edge e, cascading full tiles upwards: a level-L
 * tile that reaches 256 hashes is queued as a full tile and its MTH becomes
 * the next hash of level L+1 (C2SP tlog-tiles: "each hash in a tile is the
 * Merkle Tree Hash of a full tile at the level below").
 */
static int edge_push_leaf(struct log *log, struct log_edge *e,
			  const struct log_hash *leaf, int *changed,
			  struct seq_batch *b, struct px_err *err)
{
	struct log_hash hash = *leaf;
	int level;

	e->size++;
	for (level = 0; level < LOG_LEVELS_MAX; level++) {
		struct log_tile t = {level, e->n[level], LOG_TILE_WIDTH};
		uint8_t *full;
		int rc;

		e->h[level][e->w[level]++] = hash;
		changed[level] = 1;
		if (e->w[level] < LOG_TILE_WIDTH)
			return 0;
		full = px_malloc(LOG_TILE_BYTES);
		if (!full)
			return px_errorf(err, PX_ENOMEM,
					 "out of memory for a full tile");
		memcpy(full, e->h[level], LOG_TILE_BYTES);
		rc =
		    batch_add_file(log, b, &t, full, LOG_TILE_BYTES, full, err);
		if (rc)
			return rc;
		log_tree_perfect_root(e->h[level], LOG_TILE_WIDTH, &hash);
		e->w[level] = 0;
		e->n[level]++;
	}
	/* 256^8 leaves would be 2^64: size is a uint64_t, so unreachable. */
	return px_errorf(err, PX_ETOOBIG, "the log is full");
}

/* Build the next edge and the list of files for the batch. */
static int batch_build(struct log *log, struct log_sub **subs, size_t n,
		       struct seq_batch *b, struct px_err *err)
{
	struct log_edge *e = log->next;
	int changed[LOG_LEVELS_MAX] = {0};
	size_t i;
	int level, rc;

	if (n > UINT64_MAX - log->cur->size)
		return px_errorf(err, PX_ETOOBIG, "the log is full");
	rc = log_edge_copy(e, log->cur);
	if (rc)
		return px_errorf(err, rc, "out of memory copying the edge");
	for (i = 0; i < n; i++) {
		struct log_hash leaf;

		log_hash_leaf(&leaf, subs[i]->data, subs[i]->len);
		rc = log_bundle_add(&e->bundle, subs[i]->data, subs[i]->len);
		if (rc)
			return px_errorf(err, rc,
					 "out of memory for an entry bundle");
		rc = edge_push_leaf(log, e, &leaf, changed, b, err);
		if (rc)
			return rc;
		if (e->w[0] == 0) {
			/* The bundle is full: it moves to the batch. */
			struct log_tile t = {LOG_TILE_ENTRIES, e->n[0] - 1,
					     LOG_TILE_WIDTH};
			size_t len;
			uint8_t *data = px_buf_detach(&e->bundle, &len);
			rc = batch_add_file(log, b, &t, data, len, data, err);
			if (rc)
				return rc;
		}
	}
	/* The partial tiles of the new size, where the batch changed them. */
	if (n > 0 && e->w[0] > 0) {
		struct log_tile t = {LOG_TILE_ENTRIES, e->n[0], e->w[0]};
		rc = batch_add_file(log, b, &t, e->bundle.data, e->bundle.len,
				    NULL, err);
		if (rc)
			return rc;
	}
	for (level = 0; level < LOG_LEVELS_MAX; level++) {
		struct log_tile t = {level, e->n[level], e->w[level]};
		if (!changed[level] || e->w[level] == 0)
			continue;
		rc = batch_add_file(log, b, &t, (const uint8_t *)e->h[level],
				    (size_t)e->w[level] * LOG_HASH_SIZE, NULL,
				    err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Round 1, item i: the temporary of file i, or (last) the checkpoint's. */
static void io_write_temp(void *ctx, size_t i)
{
	struct seq_io *io = ctx;
	struct seq_batch *b = io->b;
	struct px_err e;
	int rc;

	if (i < b->nfiles) {
		struct seq_file *f = &b->files[i];
		rc = px_write_temp_synced(f->path, f->data, f->len, 0644,
					  &f->tmp, &e);
	} else {
		rc = px_write_temp_synced(
		    io->log->ckpath, io->log->ckscratch.data,
		    io->log->ckscratch.len, 0644, &b->cktmp, &e);
	}
	if (rc)
		io_fail(io, rc, &e);
}

/* Round 2, item i: fsync directory i. */
static void io_sync_dir(void *ctx, size_t i)
{
	struct seq_io *io = ctx;
	struct px_err e;
	int rc = px_fsync_dir(io->b->dirs[i], &e);

	if (rc)
		io_fail(io, rc, &e);
}

/*
 * Write the batch's files and the checkpoint of `root`: every temporary
 * (the checkpoint's too) written and fsynced in parallel; the tiles renamed
 * into place; their directories fsynced in parallel; only then the
 * checkpoint renamed and its directory fsynced (I1).  Before the checkpoint
 * is renamed nothing is published and a failure leaves the log as it was
 * (I7).  Once it is renamed the new checkpoint may be visible, so a failure
 * to make it durable sets *published: the caller stops the log, since
 * appending on top of the old state could publish a second, different tree
 * of the same size.
 */
static int batch_write(struct log *log, struct seq_batch *b,
		       const struct log_hash *root, int *published,
		       struct px_err *err)
{
	struct seq_io io;
	size_t i;
	int rc;

	*published = 0;
	for (i = 0; i < b->nfiles; i++) {
		rc = batch_prepare_dir(log, b, b->files[i].path, err);
		if (rc)
			return rc;
	}
	rc = log_seq_sign_checkpoint(&log->signer, log->next->size, root,
				     &log->ckscratch, err);
	if (rc)
		return rc;

	memset(&io, 0, sizeof(io));
	io.log = log;
	io.b = b;
	pthread_mutex_init(&io.mu, NULL);
	pool_run(log->pool, b->nfiles + 1, io_write_temp, &io);
	for (i = 0; i < b->nfiles && io.rc == 0; i++) {
		struct seq_file *f = &b->files[i];
		if (rename(f->tmp, f->path) != 0) {
			io.rc = px_errorf(&io.err, PX_EIO,
					  "rename '%s' to '%s': %s", f->tmp,
					  f->path, strerror(errno));
			break;
		}
		px_free(f->tmp);
		f->tmp = NULL;
	}
	if (io.rc == 0)
		pool_run(log->pool, b->ndirs, io_sync_dir, &io);
	pthread_mutex_destroy(&io.mu);
	if (io.rc) {
		if (err)
			*err = io.err;
		return io.rc;
	}

	if (rename(b->cktmp, log->ckpath) != 0)
		return px_errorf(err, PX_EIO, "rename '%s' to '%s': %s",
				 b->cktmp, log->ckpath, strerror(errno));
	px_free(b->cktmp);
	b->cktmp = NULL;
	*published = 1;
	return px_fsync_dir(log->logdir, err);
}

int log_seq_sign_checkpoint(const struct note_signer *signer, uint64_t size,
			    const struct log_hash *root, struct px_buf *out,
			    struct px_err *err)
{
	struct log_checkpoint c;
	struct px_buf text;
	int rc;

	memset(&c, 0, sizeof(c));
	snprintf(c.origin, sizeof(c.origin), "%s", signer->name);
	c.size = size;
	c.root = *root;
	px_buf_init(&text, LOG_CHECKPOINT_FILE_MAX);
	rc = log_checkpoint_format(&c, &text);
	if (rc) {
		px_buf_release(&text);
		return px_errorf(err, rc, "formatting the checkpoint: %s",
				 px_strerror(rc));
	}
	px_buf_reset(out);
	rc = note_sign((const char *)text.data, text.len, signer, 1, out, err);
	px_buf_release(&text);
	return rc;
}

/* Make next the durable state (no allocation: cannot fail). */
static void batch_publish(struct log *log, const struct log_hash *root)
{
	struct log_edge *e;
	struct px_buf ck;

	/* The tile reader learns the new size first, so that no reader sees
	 * a size the tile reader would refuse. */
	log_tilehash_set_size(log->th, log->next->size);
	pthread_mutex_lock(&log->slock);
	e = log->cur;
	log->cur = log->next;
	log->next = e;
	log->root = *root;
	ck = log->checkpoint;
	log->checkpoint = log->ckscratch;
	log->ckscratch = ck;
	atomic_store(&log->size, log->cur->size);
	pthread_mutex_unlock(&log->slock);
}

/* tlog-tiles lets a log delete a partial tile once the full tile is there;
 * doing so keeps the directory from growing with every batch. */
static void batch_prune_partials(struct seq_batch *b)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < b->nfiles; i++) {
		struct seq_file *f = &b->files[i];
		if (f->t.width != LOG_TILE_WIDTH)
			continue;
		if (snprintf(path, sizeof(path), "%s.p", f->path) <
		    (int)sizeof(path))
			log_remove_tree(path);
	}
}

static void ack_all(struct log_sub **subs, size_t n, int rc, uint64_t first)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (subs[i]->cb)
			subs[i]->cb(subs[i]->ctx, rc, rc ? 0 : first + i);
}

/* Write one batch and acknowledge its entries either way. */
static int seq_run_batch(struct log *log, struct log_sub **subs, size_t n)
{
	struct px_err *err = &log->batch_err;
	struct seq_batch b;
	struct log_hash root;
	uint64_t first = log->cur->size;
	int rc, published = 0;

	memset(&b, 0, sizeof(b));
	px_err_clear(err);
	rc = batch_build(log, subs, n, &b, err);
	if (rc == 0) {
		log_edge_root(log->next, &root);
		rc = batch_write(log, &b, &root, &published, err);
	}
	if (rc == 0) {
		batch_publish(log, &root);
		ack_all(subs, n, 0, first);
		batch_prune_partials(&b);
	} else {
		ack_all(subs, n, rc, 0);
	}
	batch_release(&b);
	if (rc && published) {
		pthread_mutex_lock(&log->qlock);
		log->failed = rc;
		log->failed_err = *err;
		px_err_prefix(&log->failed_err,
			      "the log stopped appending (reopen it to "
			      "recover)");
		pthread_mutex_unlock(&log->qlock);
	}
	return rc;
}

static void deadline_ts(double t, struct timespec *ts)
{
	ts->tv_sec = (time_t)t;
	ts->tv_nsec = (long)((t - (double)ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *seq_main(void *arg)
{
	struct log *log = arg;

	pthread_mutex_lock(&log->qlock);
	for (;;) {
		double deadline;
		size_t n, i, bytes = 0;
		int failed, rc;

		while (!log->qhead && !log->closing)
			pthread_cond_wait(&log->qwork, &log->qlock);
		if (!log->qhead)
			break;
		/* Let the batch fill: until batch_max entries, the delay
		 * after the first one, a flush, or close. */
		deadline = log->qhead->arrived +
			   (double)log->opt.batch_delay_ms / 1000.0;
		while (log->qcount < log->opt.batch_max && !log->closing &&
		       log->flush_target <= log->ndone) {
			struct timespec ts;
			if (px_now() >= deadline)
				break;
			deadline_ts(deadline, &ts);
			pthread_cond_timedwait(&log->qwork, &log->qlock, &ts);
		}
		n = log->qcount < log->opt.batch_max ? log->qcount
						     : log->opt.batch_max;
		for (i = 0; i < n; i++) {
			log->batch[i] = log->qhead;
			log->qhead = log->qhead->next;
			bytes += sizeof(struct log_sub) + log->batch[i]->len;
		}
		if (!log->qhead)
			log->qtail = &log->qhead;
		log->qcount -= n;
		failed = log->failed;
		if (failed)
			log->batch_err = log->failed_err;
		pthread_mutex_unlock(&log->qlock);

		if (failed) {
			ack_all(log->batch, n, failed, 0);
			rc = failed;
		} else {
			rc = seq_run_batch(log, log->batch, n);
		}
		for (i = 0; i < n; i++)
			px_free(log->batch[i]);

		pthread_mutex_lock(&log->qlock);
		log->ndone += n;
		if (rc)
			log->nfailed += n;
		log->qbytes -= bytes;
		pthread_cond_broadcast(&log->qdone);
		pthread_cond_broadcast(&log->qspace);
	}
	pthread_mutex_unlock(&log->qlock);
	return NULL;
}

int log_seq_start(struct log *log, struct px_err *err)
{
	int rc;

	log->batch = px_calloc(log->opt.batch_max, sizeof(*log->batch));
	if (!log->batch)
		return px_errorf(err, PX_ENOMEM,
				 "out of memory for batches of %zu entries",
				 log->opt.batch_max);
	log->pool = pool_new();
	if (!log->pool)
		return px_errorf(err, PX_ENOMEM,
				 "out of memory for the I/O threads");
	rc = pthread_create(&log->thread, NULL, seq_main, log);
	if (rc != 0)
		return px_errorf(err, PX_ENOMEM,
				 "cannot start the sequencer thread: %s",
				 strerror(rc));
	log->thread_started = 1;
	return 0;
}

void log_seq_stop(struct log *log)
{
	if (!log->thread_started) {
		pool_free(log->pool);
		log->pool = NULL;
		return;
	}
	pthread_mutex_lock(&log->qlock);
	log->closing = 1;
	pthread_cond_broadcast(&log->qwork);
	pthread_cond_broadcast(&log->qspace);
	pthread_mutex_unlock(&log->qlock);
	pthread_join(log->thread, NULL);
	log->thread_started = 0;
	pool_free(log->pool);
	log->pool = NULL;
}

int log_submit_async(struct log *log, const void *entry, size_t len,
		     log_ack_cb cb, void *ctx, struct px_err *err)
{
	struct log_sub *sub;
	size_t cost = sizeof(*sub) + len;
	int rc;

	if (len > LOG_ENTRY_MAX)
		return px_errorf(err, PX_ETOOBIG,
				 "an entry of %zu bytes is larger than the "
				 "%d bytes an entry bundle can hold",
				 len, LOG_ENTRY_MAX);
	if (len > 0 && !entry)
		return px_errorf(err, PX_EINVAL, "no entry bytes given");
	sub = px_malloc(cost);
	if (!sub)
		return px_errorf(err, PX_ENOMEM,
				 "out of memory queueing an entry of %zu bytes",
				 len);
	sub->next = NULL;
	sub->cb = cb;
	sub->ctx = ctx;
	sub->len = len;
	if (len)
		memcpy(sub->data, entry, len);
	sub->arrived = px_now();

	pthread_mutex_lock(&log->qlock);
	while (!log->closing && !log->failed && log->qbytes > 0 &&
	       log->qbytes + cost > log->opt.queue_max_bytes)
		pthread_cond_wait(&log->qspace, &log->qlock);
	if (log->closing || log->failed) {
		if (log->closing)
			rc = px_errorf(err, PX_ECLOSED, "the log is closing");
		else {
			rc = log->failed;
			if (err)
				*err = log->failed_err;
		}
		pthread_mutex_unlock(&log->qlock);
		px_free(sub);
		return rc;
	}
	*log->qtail = sub;
	log->qtail = &sub->next;
	log->qcount++;
	log->qbytes += cost;
	log->nsubmitted++;
	/* Wake the sequencer for a new batch or a full one, not for every
	 * entry in between. */
	if (log->qcount == 1 || log->qcount == log->opt.batch_max)
		pthread_cond_signal(&log->qwork);
	pthread_mutex_unlock(&log->qlock);
	return 0;
}

static void sync_ack(void *ctx, int rc, uint64_t index)
{
	struct seq_waiter *w = ctx;

	w->rc = rc;
	w->index = index;
	if (rc)
		w->err = w->log->batch_err; /* the sequencer's own thread */
	atomic_store(&w->done, 1);
}

int log_submit(struct log *log, const void *entry, size_t len, uint64_t *index,
	       struct px_err *err)
{
	struct seq_waiter w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.log = log;
	atomic_init(&w.done, 0);
	rc = log_submit_async(log, entry, len, sync_ack, &w, err);
	if (rc)
		return rc;
	pthread_mutex_lock(&log->qlock);
	while (!atomic_load(&w.done))
		pthread_cond_wait(&log->qdone, &log->qlock);
	pthread_mutex_unlock(&log->qlock);
	if (w.rc) {
		if (err)
			*err = w.err;
		return w.rc;
	}
	if (index)
		*index = w.index;
	return 0;
}

void log_flush_begin(struct log *log)
{
	pthread_mutex_lock(&log->qlock);
	if (log->flush_target < log->nsubmitted) {
		log->flush_target = log->nsubmitted;
		pthread_cond_signal(&log->qwork);
	}
	pthread_mutex_unlock(&log->qlock);
}

int log_flush(struct log *log, struct px_err *err)
{
	uint64_t target, failed_before;
	int rc = 0;

	pthread_mutex_lock(&log->qlock);
	target = log->nsubmitted;
	failed_before = log->nfailed;
	if (log->flush_target < target) {
		log->flush_target = target;
		pthread_cond_signal(&log->qwork);
	}
	while (log->ndone < target)
		pthread_cond_wait(&log->qdone, &log->qlock);
	if (log->failed) {
		rc = log->failed;
		if (err)
			*err = log->failed_err;
	} else if (log->nfailed > failed_before) {
		rc = px_errorf(err, PX_EIO,
			       "%" PRIu64 " entries could not be appended",
			       log->nfailed - failed_before);
	}
	pthread_mutex_unlock(&log->qlock);
	return rc;
}
