/*
 * repo.c - a parallax data directory as a whole: creating it, opening it
 * (the log, then the store, then catching the store up with the log),
 * closing it, evidence blobs by content, and rebuilding the store from the
 * log alone (reindex).  The write path is writer.c; custodial filing is
 * custody.c; the invariants all three keep are in repoint.h.  The contract
 * is repo.h.
 *
 * States (the functions that make the transitions in brackets):
 *
 *   (none) --[repo_create: log_create, blobs/, keys/parties/, store]-->
 *   (closed) --[repo_open: log_open, store_open, repo_apply_log,
 *               repo_writer_start]--> (open: the writer takes submissions)
 *   (open) --[repo_close: repo_writer_stop drains the queue, store_close,
 *             log_close]--> (closed)
 *   (closed) --[repo_reindex: log_open, a new store in store.db.reindex,
 *               repo_apply_log, rename over store.db]--> (closed)
 *   a crash anywhere --> (closed), the store at most behind the log, which
 *       the next repo_open repairs
 */
#include "repo/repoint.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- catching the store up with the log. */

int repo_savepoint_end(struct store *st, int keep, struct px_err *err)
{
	if (keep)
		return store_release(st, err);
	store_rollback_to(st);
	return 0;
}

/*
 * Entries are prepared ahead, in windows, by a few threads
 * (store_prepare: the signature checked, the record parsed and validated)
 * while this thread applies the windows before: each signature against the
 * key the store held for it when its window was read (store_entry_key).
 * store_apply_prepared checks a signature again when that is no longer the
 * key it picks, so the store is the same as with store_apply alone.  Short
 * catch-ups use no threads.
 *
 * REPO_VERIFY_AHEAD windows are read ahead, and the threads take their
 * entries in log order, so the window to apply next is the one they finish
 * first, and they go on with the next ones while this thread commits.
 * They run at the lowest priority: this thread, the serial part, keeps
 * its core, and they use what is left.  When they have no entry to take
 * they free the records the store is done with (store_set_release): most
 * were allocated on their threads.
 */
struct vwindow {
	uint64_t num;		   /* windows read before this one */
	uint64_t first;		   /* log index of entry 0 */
	size_t n;		   /* entries in the window */
	size_t ndone;		   /* entries prepared (pool lock) */
	struct px_buf data;	   /* the entries, one after another */
	size_t off[REPO_VERIFY_WINDOW + 1];
	struct store_prep prep[REPO_VERIFY_WINDOW];
};

struct vpool {
	pthread_mutex_t lock;
	pthread_cond_t more;	   /* a window was read, or stop */
	pthread_cond_t done;	   /* an entry was prepared */
	struct vwindow *ring;	   /* REPO_VERIFY_AHEAD windows */
	uint64_t loaded;	   /* windows read so far */
	uint64_t take_win;	   /* the next entry to take: its window */
	size_t take_i;		   /* ... and its place in it */
	json_t **gc;		   /* records for the threads to free */
	size_t ngc, gccap;
	json_t **pend;		   /* ... handed over at the next commit */
	size_t npend, pendcap;	   /* (this thread only) */
	int stop;
	pthread_t th[REPO_VERIFY_THREADS];
	int nth;
};

/* The next entry to prepare, taken under the lock; NULL for none now. */
static struct vwindow *pool_take(struct vpool *p, size_t *i)
{
	while (p->take_win < p->loaded) {
		struct vwindow *w = &p->ring[p->take_win % REPO_VERIFY_AHEAD];
		if (p->take_i < w->n) {
			*i = p->take_i++;
			return w;
		}
		p->take_win++;
		p->take_i = 0;
	}
	return NULL;
}

/* Prepare entry i of w, taken with pool_take; called with the lock held,
 * which it drops meanwhile. */
static void pool_prepare(struct vpool *p, struct vwindow *w, size_t i)
{
	pthread_mutex_unlock(&p->lock);
	store_prepare(w->data.data + w->off[i], w->off[i + 1] - w->off[i],
		      &w->prep[i]);
	pthread_mutex_lock(&p->lock);
	if (++w->ndone == w->n)
		pthread_cond_broadcast(&p->done);
}

/* Free up to REPO_GC_CHUNK of the records handed over; called with the
 * lock held, which it drops meanwhile. */
static void pool_free_some(struct vpool *p)
{
	json_t *chunk[REPO_GC_CHUNK];
	size_t n = p->ngc < REPO_GC_CHUNK ? p->ngc : REPO_GC_CHUNK, i;

	p->ngc -= n;
	memcpy(chunk, p->gc + p->ngc, n * sizeof(*chunk));
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < n; i++)
		json_decref(chunk[i]);
	pthread_mutex_lock(&p->lock);
}

static void *verify_worker(void *arg)
{
	struct vpool *p = arg;
	struct vwindow *w;
	size_t i;

	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (!p->stop && (w = pool_take(p, &i)) != NULL)
			pool_prepare(p, w, i);
		else if (p->ngc)
			pool_free_some(p);
		else if (p->stop)
			break;
		else
			pthread_cond_wait(&p->more, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* store_set_release: kept until the next commit is over (this thread). */
static void pool_release(void *ctx, json_t *j)
{
	struct vpool *p = ctx;

	if (px_grow(&p->pend, &p->pendcap, p->npend + 1, sizeof(*p->pend),
		    4096)) {
		json_decref(j);
		return;
	}
	p->pend[p->npend++] = j;
}

/* Hand the records released by a commit to the threads (or free them
 * here when the threads are far behind). */
static void pool_hand_over(struct vpool *p)
{
	size_t i;

	if (!p->npend)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->ngc + p->npend <= REPO_GC_MAX &&
	    px_grow(&p->gc, &p->gccap, p->ngc + p->npend, sizeof(*p->gc),
		    4096) == 0) {
		memcpy(p->gc + p->ngc, p->pend, p->npend * sizeof(*p->gc));
		p->ngc += p->npend;
		p->npend = 0;
		pthread_cond_broadcast(&p->more);
	}
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->npend; i++)
		json_decref(p->pend[i]);
	p->npend = 0;
}

/* Wait until every entry of w is prepared, preparing what nobody took. */
static void pool_wait(struct vpool *p, struct vwindow *w)
{
	struct vwindow *t;
	size_t i;

	pthread_mutex_lock(&p->lock);
	while (w->ndone < w->n) {
		if (p->take_win <= w->num && (t = pool_take(p, &i)) != NULL)
			pool_prepare(p, t, i);
		else
			pthread_cond_wait(&p->done, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
}

static void window_release(struct vwindow *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		store_prep_release(&w->prep[i]);
	w->n = 0;
}

/* Read entries first..first+n-1 into the next free window and hand them
 * to the threads (with none, they are checked as they are applied). */
static int window_load(struct vpool *p, struct store *st, struct log *log,
		       const struct note_verifier *operator_key,
		       uint64_t first, size_t n, struct px_err *err)
{
	struct vwindow *w = &p->ring[p->loaded % REPO_VERIFY_AHEAD];
	size_t i;
	int rc;

	window_release(w);
	w->first = first;
	px_buf_reset(&w->data);
	w->off[0] = 0;
	for (i = 0; i < n; i++) {
		rc = log_entry(log, first + i, &w->data, err);
		if (rc) {
			px_err_prefix(err, "log entry %" PRIu64, first + i);
			return rc;
		}
		w->off[i + 1] = w->data.len;
		memset(&w->prep[i], 0, sizeof(w->prep[i]));
		w->prep[i].have_key =
		    p->nth &&
		    store_entry_key(st, w->data.data + w->off[i],
				    w->off[i + 1] - w->off[i], operator_key,
				    &w->prep[i].key, NULL) == 0;
	}
	pthread_mutex_lock(&p->lock);
	w->num = p->loaded;
	w->n = n;
	w->ndone = p->nth ? 0 : n;
	p->loaded++;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void pool_stop(struct vpool *p)
{
	size_t i;
	int t;

	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->more);
	pthread_mutex_unlock(&p->lock);
	for (t = 0; t < p->nth; t++)
		pthread_join(p->th[t], NULL);
	p->nth = 0;
	for (i = 0; i < p->ngc; i++)
		json_decref(p->gc[i]);
	for (i = 0; i < p->npend; i++)
		json_decref(p->pend[i]);
	px_free(p->gc);
	px_free(p->pend);
	p->gc = p->pend = NULL;
	p->ngc = p->npend = 0;
}

/* The writer's round (repo_prepare): entries in the submitters' memory. */
struct vround {
	const uint8_t *const *entry;
	const size_t *len;
	struct store_prep *const *prep;
	size_t n;
	atomic_size_t next;
};

static void *round_worker(void *arg)
{
	struct vround *v = arg;
	size_t i;

	while ((i = atomic_fetch_add(&v->next, 1)) < v->n)
		if (v->prep[i])
			store_prepare(v->entry[i], v->len[i], v->prep[i]);
	return NULL;
}

void repo_prepare(struct store *st, const struct note_verifier *operator_key,
		  const uint8_t *const *entry, const size_t *len, size_t n,
		  struct store_prep *const *prep)
{
	struct vround v;
	pthread_t th[REPO_VERIFY_THREADS];
	size_t i;
	int t, nth = 0;

	for (i = 0; i < n; i++)
		if (prep[i])
			prep[i]->have_key =
			    store_entry_key(st, entry[i], len[i], operator_key,
					    &prep[i]->key, NULL) == 0;
	v.entry = entry;
	v.len = len;
	v.prep = prep;
	v.n = n;
	atomic_store(&v.next, 0);
	for (t = 0; t < REPO_VERIFY_THREADS; t++) {
		if (pthread_create(&th[t], NULL, round_worker, &v) != 0)
			break;
		nth++;
	}
	round_worker(&v);
	for (t = 0; t < nth; t++)
		pthread_join(th[t], NULL);
}

static int apply_log(struct store *st, struct log *log,
		     const struct note_verifier *operator_key, int progress,
		     const char *label, repo_apply_cb cb, void *ctx,
		     uint64_t txn, struct px_err *err)
{
	uint64_t start = store_applied(st), end = log_size(log), i, next;
	struct vpool pool;
	struct vwindow *cur;
	struct px_progress bar;
	struct store_applied ap;
	struct px_err e;
	size_t k, size, w;
	int rc = 0, in_txn = 0, t;

	if (start > end)
		return px_errorf(err, PX_ECORRUPT,
				 "the store has applied %" PRIu64
				 " entries but the log has only %" PRIu64
				 " (the store of another log? rebuild it "
				 "with `parallax reindex`)",
				 start, end);
	if (start == end)
		return 0;
	memset(&pool, 0, sizeof(pool));
	pool.ring = px_calloc(REPO_VERIFY_AHEAD, sizeof(*pool.ring));
	if (!pool.ring)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.more, NULL);
	pthread_cond_init(&pool.done, NULL);
	for (w = 0; w < REPO_VERIFY_AHEAD; w++)
		px_buf_init(&pool.ring[w].data,
			    (size_t)REPO_VERIFY_WINDOW * LOG_ENTRY_MAX);
	for (t = 0; end - start >= REPO_VERIFY_MIN && t < REPO_VERIFY_THREADS;
	     t++) {
		if (pthread_create(&pool.th[t], NULL, verify_worker, &pool))
			break; /* fewer threads; this one does the rest */
		pool.nth++;
	}
	if (pool.nth)
		store_set_release(st, pool_release, &pool);
	px_progress_start(&bar, label, end - start);
	if (!progress)
		bar.enabled = 0;
	/* small windows first: the keys of the parties registered at the
	 * start of a log are known to the windows read after they are
	 * applied */
	size = REPO_VERIFY_WINDOW_FIRST;
	next = start;
	for (uint64_t applied_win = 0;; applied_win++) {
		while (rc == 0 && pool.loaded - applied_win < REPO_VERIFY_AHEAD &&
		       next < end) {
			uint64_t left = end - next;
			rc = window_load(&pool, st, log, operator_key, next,
					 (size_t)(left < size ? left : size),
					 err);
			next += left < size ? left : size;
			if (size < REPO_VERIFY_WINDOW)
				size *= 2;
		}
		if (rc || applied_win == pool.loaded)
			break;
		cur = &pool.ring[applied_win % REPO_VERIFY_AHEAD];
		pool_wait(&pool, cur);
		for (k = 0; k < cur->n; k++) {
			int arc;
			i = cur->first + k;
			if (!in_txn) {
				rc = store_begin(st, err);
				if (rc)
					break;
				in_txn = 1;
			}
			memset(&ap, 0, sizeof(ap));
			px_err_clear(&e);
			arc = store_apply_prepared(
			    st, i, cur->data.data + cur->off[k],
			    cur->off[k + 1] - cur->off[k], operator_key,
			    pool.nth ? &cur->prep[k] : NULL, 0, &ap, &e);
			store_prep_release(&cur->prep[k]);
			if (arc && store_applied(st) != i + 1) {
				/* Not a refusal the store recorded: it
				 * failed. */
				rc = px_errorf(err, arc,
					       "applying log entry %" PRIu64
					       ": %s",
					       i, e.msg);
				break;
			}
			if (cb)
				cb(ctx, i, arc, &ap, &e);
			if ((i + 1 - start) % txn == 0 || i + 1 == end) {
				rc = store_commit(st, err);
				in_txn = 0;
				pool_hand_over(&pool);
				if (rc)
					break;
				px_progress_update(&bar, i + 1 - start);
			}
		}
		if (rc)
			break;
	}
	store_set_release(st, NULL, NULL);
	pool_stop(&pool);
	for (w = 0; w < REPO_VERIFY_AHEAD; w++) {
		window_release(&pool.ring[w]);
		px_buf_release(&pool.ring[w].data);
	}
	pthread_mutex_destroy(&pool.lock);
	pthread_cond_destroy(&pool.more);
	pthread_cond_destroy(&pool.done);
	px_free(pool.ring);
	if (in_txn)
		store_rollback(st);
	if (rc == 0)
		px_progress_finish(&bar);
	else if (bar.enabled)
		fputc('\n', stderr);
	return rc;
}

int repo_apply_log(struct store *st, struct log *log,
		   const struct note_verifier *operator_key, int progress,
		   const char *label, repo_apply_cb cb, void *ctx,
		   struct px_err *err)
{
	return apply_log(st, log, operator_key, progress, label, cb, ctx,
			 REPO_CATCHUP_TXN, err);
}

/* ---- creating. */

int repo_create(const char *dir, const char *origin, struct px_err *err)
{
	char *blobs = NULL, *pkeys = NULL, *spath = NULL;
	struct store *st = NULL;
	int rc;

	rc = log_create(dir, origin, err);
	if (rc)
		return rc;
	blobs = px_path_join(dir, REPO_DIR_BLOBS);
	pkeys = px_path_join(dir, REPO_DIR_PARTY_KEYS);
	spath = px_path_join(dir, STORE_FILE);
	if (!blobs || !pkeys || !spath) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	rc = px_mkdirs(blobs, 0755, err);
	if (rc == 0)
		rc = px_mkdirs(pkeys, 0700, err);
	if (rc == 0 && chmod(pkeys, 0700) != 0)
		rc = px_errorf(err, PX_EIO, "chmod '%s': %s", pkeys,
			       strerror(errno));
	if (rc == 0)
		rc = store_open(spath, 0, &st, err);
	if (rc == 0) {
		store_close(st);
		rc = px_fsync_dir(dir, err);
	}
out:
	px_free(blobs);
	px_free(pkeys);
	px_free(spath);
	return rc;
}

/* ---- opening and closing. */

static int read_operator_keys(struct repo *r, struct px_err *err)
{
	struct px_buf b;
	char *path;
	int rc;

	px_buf_init(&b, REPO_KEY_FILE_MAX);
	path = px_path_join(r->dir, LOG_FILE_PUB);
	if (!path)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = repo_read_key_file(path, &b, err);
	if (rc == 0) {
		rc = note_verifier_parse((const char *)b.data, b.len, &r->opkey,
					 err);
		if (rc)
			px_err_prefix(err, "'%s'", path);
	}
	px_free(path);
	px_buf_release(&b);
	if (rc || r->opt.read_only)
		return rc;

	px_buf_init(&b, REPO_KEY_FILE_MAX);
	path = px_path_join(r->dir, LOG_FILE_KEY);
	if (!path)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = repo_read_key_file(path, &b, err);
	if (rc == 0) {
		rc = note_signer_parse((const char *)b.data, b.len,
				       &r->opsigner, err);
		if (rc)
			px_err_prefix(err, "'%s'", path);
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	px_buf_release(&b);
	if (rc == 0) {
		struct note_verifier mine;
		note_signer_verifier(&r->opsigner, &mine);
		if (mine.id != r->opkey.id ||
		    strcmp(mine.name, r->opkey.name) != 0 ||
		    sodium_memcmp(mine.pub, r->opkey.pub, 32) != 0)
			rc = px_errorf(err, PX_EVERIFY,
				       "'%s' does not match '%s'", LOG_FILE_KEY,
				       LOG_FILE_PUB);
		else
			r->have_opsigner = 1;
	}
	px_free(path);
	return rc;
}

int repo_open(const char *dir, const struct repo_options *opt,
	      struct repo **out, struct px_err *err)
{
	struct repo *r;
	int rc;

	*out = NULL;
	r = px_calloc(1, sizeof(*r));
	if (!r)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	if (opt)
		r->opt = *opt;
	r->dir = px_strdup(dir);
	r->store_path = px_path_join(dir, STORE_FILE);
	pthread_mutex_init(&r->store_lock, NULL);
	pthread_mutex_init(&r->qlock, NULL);
	pthread_cond_init(&r->qwork, NULL);
	pthread_cond_init(&r->qspace, NULL);
	pthread_mutex_init(&r->keys_lock, NULL);
	r->qtail = &r->qhead;
	if (!r->dir || !r->store_path) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto fail;
	}
	if (r->opt.read_only) {
		rc = read_operator_keys(r, err);
		if (rc == 0)
			rc = store_open(r->store_path, 1, &r->st, err);
		if (rc)
			goto fail;
		*out = r;
		return 0;
	}
	/* The log first: it locks the directory (one process at a time). */
	rc = log_open(dir, &r->opt.log, &r->log, err);
	if (rc == 0)
		rc = read_operator_keys(r, err);
	if (rc == 0)
		rc = store_open(r->store_path, 0, &r->st, err);
	if (rc == 0) {
		rc = repo_apply_log(r->st, r->log, &r->opkey, r->opt.progress,
				    "catching up", NULL, NULL, err);
		if (rc)
			px_err_prefix(err, "'%s'", r->store_path);
	}
	if (rc == 0)
		rc = repo_writer_start(r, err);
	if (rc)
		goto fail;
	*out = r;
	return 0;
fail:
	repo_close(r);
	return rc;
}

void repo_close(struct repo *r)
{
	if (!r)
		return;
	repo_writer_stop(r);
	if (r->st)
		store_close(r->st);
	if (r->log)
		log_close(r->log);
	repo_keys_release(r);
	note_signer_wipe(&r->opsigner);
	pthread_mutex_destroy(&r->store_lock);
	pthread_mutex_destroy(&r->qlock);
	pthread_cond_destroy(&r->qwork);
	pthread_cond_destroy(&r->qspace);
	pthread_mutex_destroy(&r->keys_lock);
	px_free(r->dir);
	px_free(r->store_path);
	px_free(r);
}

struct store *repo_store(struct repo *r)
{
	return r->st;
}

struct log *repo_log(struct repo *r)
{
	return r->log;
}

int repo_store_open_reader(struct repo *r, struct store **out,
			   struct px_err *err)
{
	return store_open(r->store_path, 1, out, err);
}

const struct note_verifier *repo_operator_key(struct repo *r)
{
	return &r->opkey;
}

const char *repo_dir(struct repo *r)
{
	return r->dir;
}

void repo_stats(struct repo *r, struct repo_stats *out)
{
	pthread_mutex_lock(&r->qlock);
	out->rounds = r->nrounds;
	out->entries = r->nentries;
	out->accepted = r->naccepted;
	out->refused = r->nrefused;
	pthread_mutex_unlock(&r->qlock);
}

void repo_result_error(struct repo_result *res, int rc,
		       const struct px_err *err)
{
	memset(res, 0, sizeof(*res));
	res->rc = rc;
	if (rc < 0)
		snprintf(res->message, sizeof(res->message), "%s",
			 err && err->msg[0] ? err->msg : px_strerror(rc));
}

/* ---- blobs. */

static int blob_name_ok(const char *sha_hex)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((sha_hex[i] >= '0' && sha_hex[i] <= '9') ||
		      (sha_hex[i] >= 'a' && sha_hex[i] <= 'f')))
			return 0;
	return sha_hex[64] == '\0';
}

char *repo_blob_path(struct repo *r, const char *sha_hex)
{
	char rel[sizeof(REPO_DIR_BLOBS) + 66];
	char *path;

	if (!sha_hex || strlen(sha_hex) != 64 || !blob_name_ok(sha_hex))
		return NULL;
	snprintf(rel, sizeof(rel), "%s/%s", REPO_DIR_BLOBS, sha_hex);
	path = px_path_join(r->dir, rel);
	if (path && !px_file_exists(path)) {
		px_free(path);
		return NULL;
	}
	return path;
}

/* Does the file at path hold exactly the bytes hashing to want? */
static int blob_intact(const char *path, const uint8_t want[32], size_t len)
{
	uint8_t got[32];
	struct px_buf b;
	int ok;

	px_buf_init(&b, len);
	ok = px_read_file(path, &b, NULL) == 0 && b.len == len;
	if (ok) {
		log_sha256(got, b.data, b.len);
		ok = memcmp(got, want, 32) == 0;
	}
	px_buf_release(&b);
	return ok;
}

int repo_put_blob(struct repo *r, const void *data, size_t len,
		  char sha_hex[65], struct px_err *err)
{
	char rel[sizeof(REPO_DIR_BLOBS) + 66];
	uint8_t h[32];
	char *path, *dir;
	int rc = 0;

	if (len > 0 && !data)
		return px_errorf(err, PX_EINVAL, "blob: no data given");
	log_sha256(h, data ? data : "", len);
	px_hex_encode(sha_hex, h, 32);
	snprintf(rel, sizeof(rel), "%s/%s", REPO_DIR_BLOBS, sha_hex);
	path = px_path_join(r->dir, rel);
	dir = px_path_join(r->dir, REPO_DIR_BLOBS);
	if (!path || !dir) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	/* Content-addressed: an intact file of that name is this blob. */
	if (px_file_exists(path) && blob_intact(path, h, len))
		goto out;
	rc = px_mkdirs(dir, 0755, err);
	if (rc == 0)
		rc = px_write_file_durable(path, data ? data : "", len, 0644,
					   err);
	/* Read it back: what is stored must hash to its name. */
	if (rc == 0 && !blob_intact(path, h, len))
		rc = px_errorf(err, PX_EIO,
			       "blob '%s' does not hash to its name after "
			       "writing it",
			       path);
out:
	px_free(path);
	px_free(dir);
	return rc;
}

/* ---- reindex. */

static void remove_db_files(const char *db)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char path[4096];
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(sfx); i++) {
		snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
		unlink(path);
	}
}

static int file_nonempty(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && sb.st_size > 0;
}

int repo_reindex(const char *dir, int progress, struct px_err *err)
{
	struct note_verifier op;
	struct store *st = NULL;
	struct log *log = NULL;
	char *spath = NULL, *tmp = NULL, side[4200];
	int rc;

	/* log_open locks the directory: nobody else has the repo open. */
	rc = log_open(dir, NULL, &log, err);
	if (rc)
		return rc;
	op = *log_verifier(log);
	spath = px_path_join(dir, STORE_FILE);
	tmp = px_path_join(dir, STORE_FILE ".reindex");
	if (!spath || !tmp) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	remove_db_files(tmp); /* a reindex interrupted earlier */
	rc = store_open(tmp, 0, &st, err);
	if (rc == 0)
		rc = store_bulk(st, 1, err);
	if (rc == 0)
		rc = apply_log(st, log, &op, progress, "reindexing", NULL,
			       NULL, REPO_REINDEX_TXN, err);
	if (rc == 0)
		rc = store_bulk(st, 0, err);
	if (st)
		store_close(st); /* the last connection: WAL checkpointed */
	st = NULL;
	if (rc)
		goto out;
	snprintf(side, sizeof(side), "%s-wal", tmp);
	if (file_nonempty(side)) {
		rc = px_errorf(err, PX_EIO,
			       "'%s' still has a write-ahead log after closing",
			       tmp);
		goto out;
	}
	/*
	 * Swap it in.  The old store's -wal and -shm go first: a write-ahead
	 * log left beside the new file would be replayed into it.
	 */
	snprintf(side, sizeof(side), "%s-wal", spath);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", spath);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", tmp);
	unlink(side);
	snprintf(side, sizeof(side), "%s-wal", tmp);
	unlink(side);
	if (rename(tmp, spath) != 0) {
		rc = px_errorf(err, PX_EIO, "rename '%s' to '%s': %s", tmp,
			       spath, strerror(errno));
		goto out;
	}
	rc = px_fsync_dir(dir, err);
out:
	if (rc && tmp)
		remove_db_files(tmp);
	log_close(log);
	px_free(spath);
	px_free(tmp);
	return rc;
}
