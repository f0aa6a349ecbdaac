/*
 * log.c - a log's data directory: creating it, opening it (which verifies
 * the right edge of the tree against the signed checkpoint and recovers
 * from a crash), and reading the durable tree: entries, roots, proofs and
 * the checkpoint.  The writer, the sequencer, is in seq.c; both share
 * logint.h.  The contract is log.h.
 *
 * The checkpoint is the commit record.  A data directory holds a C2SP
 * tlog-tiles tree in DIR/log/ and its signed checkpoint DIR/log/checkpoint;
 * the log's content is exactly the first `size` entries that checkpoint
 * names, whatever else the directory holds.
 *
 * Invariants (I1-I8), kept by seq.c and restored by log_open:
 *
 *   I1. Everything the checkpoint of size s needs is durable before the
 *       checkpoint is: every full entry bundle and hash tile below s, and at
 *       each level L the partial tile tile/L/N.p/W, W = floor(s/256^L) mod
 *       256 > 0 (and the partial bundle of width s mod 256).  seq.c writes
 *       them (temporary + fsync, rename, directory fsync) before it renames
 *       the checkpoint into place and fsyncs its directory.
 *   I2. An entry is acknowledged only after the checkpoint covering it is
 *       durable (renamed and its directory fsynced).
 *   I3. Anything in the directory beyond the checkpoint - a tile or bundle
 *       only a larger tree has, a partial tile wider than the checkpoint's,
 *       a temporary ".NAME.tmp-PID-N" - was never acknowledged.  log_open
 *       deletes it (recover_clean); the sequencer would overwrite it anyway,
 *       since it writes the same paths for the same sizes.
 *   I4. In memory only the right edge is kept: cur describes the durable
 *       checkpoint exactly (size, the partial tile of each level, the
 *       partial bundle); next is the sequencer's scratch copy for the batch
 *       it is writing and means nothing between batches.
 *   I5. cur, root, checkpoint and size change together, under slock, only
 *       after the checkpoint is durable (batch_publish); the tile reader
 *       learns the new size before anyone can see it.
 *   I6. A partial tile is deleted only after its full tile and a checkpoint
 *       covering it are durable (batch_prune_partials; recover_clean also
 *       deletes any left behind by a crash).  tlog-tiles permits this, and
 *       the tile reader falls back to the full tile.
 *   I7. A batch that fails before its checkpoint is renamed changes nothing
 *       (cur is untouched; files it renamed are beyond the checkpoint, I3).
 *       If the rename happened but could not be made durable, the new
 *       checkpoint may have been seen, so the log stops appending (failed)
 *       rather than risk signing a second tree of the same size.
 *   I8. One process at a time: DIR/keys is flock'ed while the log is open.
 *
 * States and transitions (the functions that make them in brackets):
 *
 *   (no log) --[log_create]--> (closed, checkpoint of size 0)
 *
 *   (closed) --[log_open: lock_dir, read_keys, read_checkpoint,
 *               recover_edge, recover_clean, log_seq_start]--> (idle)
 *
 *   (idle) --[log_submit_async]--> (queued) --[seq_main]--> (batch taken)
 *     --[batch_build]--> (next edge and files computed)
 *     --[batch_write: temporaries fsynced, renamed, directories fsynced]-->
 *   (tiles durable)
 *     --[batch_write: checkpoint renamed, its directory fsynced]-->
 *   (checkpoint durable) --[batch_publish, ack_all]--> (idle)
 *
 *   a failure before the checkpoint's rename: the batch's acks fail,
 *       cur is unchanged --> (idle)
 *   a failure after it --> (failed): every submission fails until reopened
 *   (idle | failed) --[log_close: drain the queue, log_seq_stop]--> (closed)
 *   a crash anywhere --> (closed) at the last durable checkpoint, with
 *       debris beyond it that log_open removes
 */
#include "log/logint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_BATCH_MAX_LIMIT ((size_t)1 << 20)

/* ---- the edge's arithmetic. */


void log_edge_root(const struct log_edge *e, struct log_hash *root)
{
	struct log_hash acc, peak, t;
	int level, have = 0;

	if (e->size == 0) {
		log_hash_empty(root);
		return;
	}
	/*
	 * RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
	 * with k the largest power of two below n.  Unrolled, the root is the
	 * right fold of the perfect subtrees that the binary expansion of the
	 * size cuts the tree into.  Those subtrees are exactly the power-of-two
	 * runs of each level's partial tile, lowest level rightmost.
	 */
	for (level = 0; level < LOG_LEVELS_MAX; level++) {
		unsigned rem = e->w[level];
		while (rem) {
			unsigned k = rem & (~rem + 1), start = rem - k;
			log_tree_perfect_root(e->h[level] + start, k, &peak);
			if (have) {
				log_hash_node(&t, &peak, &acc);
				acc = t;
			} else {
				acc = peak;
				have = 1;
			}
			rem = start;
		}
	}
	*root = acc;
}

static void edge_set_size(struct log_edge *e, uint64_t size)
{
	int level;

	e->size = size;
	for (level = 0; level < LOG_LEVELS_MAX; level++) {
		uint64_t c = log_tile_count_at(level, size);
		e->w[level] = (unsigned)(c % LOG_TILE_WIDTH);
		e->n[level] = c / LOG_TILE_WIDTH;
	}
}

int log_edge_copy(struct log_edge *dst, const struct log_edge *src)
{
	int level;

	dst->size = src->size;
	memcpy(dst->w, src->w, sizeof(dst->w));
	memcpy(dst->n, src->n, sizeof(dst->n));
	for (level = 0; level < LOG_LEVELS_MAX; level++)
		memcpy(dst->h[level], src->h[level],
		       (size_t)src->w[level] * LOG_HASH_SIZE);
	px_buf_reset(&dst->bundle);
	return px_buf_add(&dst->bundle, src->bundle.data, src->bundle.len);
}

static struct log_edge *edge_new(void)
{
	struct log_edge *e = px_malloc(sizeof(*e));

	if (e) {
		memset(e, 0, offsetof(struct log_edge, h));
		px_buf_init(&e->bundle, LOG_BUNDLE_MAX);
	}
	return e;
}

static void edge_free(struct log_edge *e)
{
	if (e) {
		px_buf_release(&e->bundle);
		px_free(e);
	}
}

/* ---- small file helpers. */

static int is_temp_name(const char *name)
{
	return name[0] == '.' && strstr(name, ".tmp-") != NULL;
}

void log_remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *sub;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = px_path_join(path, de->d_name);
		if (!sub)
			continue;
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
			log_remove_tree(sub);
		else
			unlink(sub);
		px_free(sub);
	}
	closedir(d);
	rmdir(path);
}

/* Remove the temporaries px_write_temp_synced left in one directory. */
static void remove_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL)
		if (is_temp_name(de->d_name))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* Read DIR/log/<rel> into b (appended); PX_ENOTFOUND if missing. */
static int read_rel(const struct log *log, const char *rel, struct px_buf *b,
		    struct px_err *err)
{
	char *path = px_path_join(log->logdir, rel);
	int rc;

	if (!path)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_read_file(path, b, err);
	px_free(path);
	return rc;
}

static void trim_space(struct px_buf *b)
{
	while (b->len > 0 &&
	       (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r' ||
		b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
		b->data[--b->len] = '\0';
}

/* ---- log_create. */

static int write_key_files(const char *dir, const char *origin,
			   struct note_verifier *vout, struct note_signer *sout,
			   struct px_err *err)
{
	char *skey = NULL, *vkey = NULL, *kpath = NULL, *ppath = NULL;
	struct px_buf b;
	int rc;

	px_buf_init(&b, LOG_KEY_FILE_MAX);
	rc = note_key_generate(origin, NOTE_ALG_ED25519, &skey, &vkey, err);
	if (rc)
		goto out;
	kpath = px_path_join(dir, LOG_FILE_KEY);
	ppath = px_path_join(dir, LOG_FILE_PUB);
	if (!kpath || !ppath) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	rc = note_signer_parse(skey, strlen(skey), sout, err);
	if (rc == 0)
		rc = note_verifier_parse(vkey, strlen(vkey), vout, err);
	if (rc)
		goto out;
	if (px_buf_addstr(&b, skey) || px_buf_addc(&b, '\n')) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	rc = px_write_file_durable(kpath, b.data, b.len, 0600, err);
	if (rc == 0 && chmod(kpath, 0600) != 0)
		rc = px_errorf(err, PX_EIO, "chmod '%s': %s", kpath,
			       strerror(errno));
	if (rc)
		goto out;
	sodium_memzero(b.data, b.len);
	px_buf_reset(&b);
	if (px_buf_addstr(&b, vkey) || px_buf_addc(&b, '\n')) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	rc = px_write_file_durable(ppath, b.data, b.len, 0644, err);
out:
	if (b.data)
		sodium_memzero(b.data, b.len);
	px_buf_release(&b);
	if (skey) {
		sodium_memzero(skey, strlen(skey));
		px_free(skey);
	}
	px_free(vkey);
	px_free(kpath);
	px_free(ppath);
	return rc;
}

int log_create(const char *dir, const char *origin, struct px_err *err)
{
	static const char *const taken[] = {
	    LOG_FILE_PUB, LOG_FILE_KEY, LOG_FILE_CHECKPOINT, LOG_DIR_PUBLIC};
	struct note_verifier v;
	struct note_signer s;
	struct log_hash empty;
	struct px_buf ck;
	char *keys = NULL, *pub = NULL, *ckpath = NULL;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	px_buf_init(&ck, LOG_CHECKPOINT_FILE_MAX);
	for (i = 0; i < PX_ARRAY_LEN(taken); i++) {
		char *p = px_path_join(dir, taken[i]);
		int exists;
		if (!p)
			return px_errorf(err, PX_ENOMEM, "out of memory");
		exists = px_file_exists(p);
		px_free(p);
		if (exists)
			return px_errorf(err, PX_EEXIST,
					 "'%s' already holds a log ('%s' "
					 "exists)",
					 dir, taken[i]);
	}
	keys = px_path_join(dir, LOG_DIR_KEYS);
	pub = px_path_join(dir, LOG_DIR_PUBLIC);
	ckpath = px_path_join(dir, LOG_FILE_CHECKPOINT);
	if (!keys || !pub || !ckpath) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	rc = px_mkdirs(dir, 0755, err);
	if (rc == 0)
		rc = px_mkdirs(keys, 0700, err);
	if (rc == 0 && chmod(keys, 0700) != 0)
		rc = px_errorf(err, PX_EIO, "chmod '%s': %s", keys,
			       strerror(errno));
	if (rc == 0)
		rc = px_mkdirs(pub, 0755, err);
	if (rc == 0)
		rc = px_fsync_dir(dir, err);
	if (rc)
		goto out;
	rc = write_key_files(dir, origin, &v, &s, err);
	if (rc)
		goto out;
	/* The checkpoint last: a directory without one is not a log yet. */
	log_hash_empty(&empty);
	rc = log_seq_sign_checkpoint(&s, 0, &empty, &ck, err);
	if (rc == 0)
		rc = px_write_file_durable(ckpath, ck.data, ck.len, 0644, err);
out:
	note_signer_wipe(&s);
	px_buf_release(&ck);
	px_free(keys);
	px_free(pub);
	px_free(ckpath);
	return rc;
}

/* ---- log_open: keys and checkpoint. */

static int lock_dir(struct log *log, struct px_err *err)
{
	char *keys = px_path_join(log->dir, LOG_DIR_KEYS);
	int rc = 0;

	if (!keys)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	log->lockfd = open(keys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (log->lockfd < 0) {
		rc = errno == ENOENT ? px_errorf(err, PX_ENOTFOUND,
						 "'%s' holds no log (no '%s')",
						 log->dir, LOG_DIR_KEYS)
				     : px_errorf(err, PX_EIO, "open '%s': %s",
						 keys, strerror(errno));
	} else if (flock(log->lockfd, LOCK_EX | LOCK_NB) != 0) {
		rc =
		    errno == EWOULDBLOCK
			? px_errorf(err, PX_ECONFLICT,
				    "the log in '%s' is already open", log->dir)
			: px_errorf(err, PX_EIO, "lock '%s': %s", keys,
				    strerror(errno));
	}
	px_free(keys);
	return rc;
}

static int read_keys(struct log *log, struct px_err *err)
{
	struct note_verifier mine;
	struct px_buf b;
	char *path;
	int rc;

	px_buf_init(&b, LOG_KEY_FILE_MAX);
	path = px_path_join(log->dir, LOG_FILE_PUB);
	if (!path)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_read_file(path, &b, err);
	if (rc == 0) {
		trim_space(&b);
		rc = note_verifier_parse((const char *)b.data, b.len,
					 &log->verifier, err);
		if (rc)
			px_err_prefix(err, "'%s'", path);
	}
	px_free(path);
	px_buf_release(&b);
	if (rc)
		return rc;

	px_buf_init(&b, LOG_KEY_FILE_MAX);
	path = px_path_join(log->dir, LOG_FILE_KEY);
	if (!path)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = px_read_file(path, &b, err);
	if (rc == 0) {
		trim_space(&b);
		rc = note_signer_parse((const char *)b.data, b.len,
				       &log->signer, err);
		if (rc)
			px_err_prefix(err, "'%s'", path);
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	px_buf_release(&b);
	if (rc == 0) {
		note_signer_verifier(&log->signer, &mine);
		if (strcmp(mine.name, log->verifier.name) != 0 ||
		    mine.id != log->verifier.id ||
		    mine.alg != log->verifier.alg ||
		    memcmp(mine.pub, log->verifier.pub, sizeof(mine.pub)) != 0)
			rc = px_errorf(err, PX_ECORRUPT,
				       "'%s' is not the key of '%s/%s' (key "
				       "'%s' %08x, expected '%s' %08x)",
				       path, log->dir, LOG_FILE_PUB, mine.name,
				       (unsigned)mine.id, log->verifier.name,
				       (unsigned)log->verifier.id);
	}
	px_free(path);
	return rc;
}

static int read_checkpoint(struct log *log, struct log_checkpoint *cp,
			   struct px_err *err)
{
	int rc;

	rc = px_read_file(log->ckpath, &log->checkpoint, err);
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, PX_ENOTFOUND,
				 "'%s' holds no log (no '%s')", log->dir,
				 LOG_FILE_CHECKPOINT);
	if (rc)
		return rc;
	rc = log_checkpoint_open(log->checkpoint.data, log->checkpoint.len,
				 &log->verifier, NULL, 0, 0, cp, err);
	if (rc)
		px_err_prefix(err, "'%s'", log->ckpath);
	return rc;
}

/* ---- log_open: the right edge and its check against the checkpoint. */

static int corrupt_missing(struct px_err *err, const char *rel, uint64_t size,
			   int rc)
{
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, PX_ECORRUPT,
				 "'%s' is missing; the checkpoint of size "
				 "%" PRIu64 " needs it",
				 rel, size);
	return rc;
}

/* Read hash tile t (exactly t->width hashes) into h. */
static int read_tile(const struct log *log, const struct log_tile *t,
		     uint64_t size, struct log_hash *h, struct px_err *err)
{
	char rel[LOG_TILE_PATH_MAX];
	struct px_buf b;
	size_t want = (size_t)t->width * LOG_HASH_SIZE;
	int rc;

	log_tile_path(rel, t);
	px_buf_init(&b, LOG_TILE_BYTES);
	rc = read_rel(log, rel, &b, err);
	if (rc == PX_ETOOBIG || (rc == 0 && b.len != want))
		rc = px_errorf(err, PX_ECORRUPT,
			       "'%s' is not %zu bytes long (a tile of width "
			       "%u)",
			       rel, want, t->width);
	if (rc == 0)
		memcpy(h, b.data, want);
	px_buf_release(&b);
	return corrupt_missing(err, rel, size, rc);
}

/* Check that the bundle in b holds width entries hashing to h[0..width). */
static int check_bundle(const struct log_tile *bt, const struct px_buf *b,
			const struct log_hash *h, const char *tilerel,
			struct px_err *err)
{
	struct log_bundle_entry *ents;
	char rel[LOG_TILE_PATH_MAX], x[2 * LOG_HASH_SIZE + 1],
	    y[2 * LOG_HASH_SIZE + 1];
	unsigned i;
	int rc;

	log_tile_path(rel, bt);
	ents = px_malloc(LOG_TILE_WIDTH * sizeof(*ents));
	if (!ents)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = log_bundle_split(b->data, b->len, bt->width, ents, err);
	if (rc) {
		px_free(ents);
		return px_err_prefix(err, "'%s'", rel);
	}
	for (i = 0; i < bt->width; i++) {
		struct log_hash leaf;
		log_hash_leaf(&leaf, ents[i].data, ents[i].len);
		if (!log_hash_equal(&leaf, &h[i])) {
			log_hash_hex(x, &leaf);
			log_hash_hex(y, &h[i]);
			px_free(ents);
			return px_errorf(err, PX_ECORRUPT,
					 "'%s': entry %u hashes to %s, but "
					 "'%s' holds %s for it",
					 rel, i, x, tilerel, y);
		}
	}
	px_free(ents);
	return 0;
}

static int read_bundle(const struct log *log, const struct log_tile *bt,
		       uint64_t size, struct px_buf *b, struct px_err *err)
{
	char rel[LOG_TILE_PATH_MAX];
	int rc;

	log_tile_path(rel, bt);
	rc = read_rel(log, rel, b, err);
	if (rc == PX_ETOOBIG)
		rc = px_errorf(err, PX_ECORRUPT,
			       "'%s' is larger than any bundle of %u entries",
			       rel, bt->width);
	return corrupt_missing(err, rel, size, rc);
}

/*
 * Load the right edge of the checkpoint's tree into log->cur and check it:
 *   1. the partial tiles hash to the checkpoint's root (RFC 9162 §2.1.1),
 *      which authenticates them;
 *   2. the partial bundle's entries hash to the level-0 partial tile;
 *   3. from the top level down, the last full tile of each level hashes to
 *      the (already authenticated) hash its parent holds for it;
 *   4. the last full bundle's entries hash to the last full level-0 tile.
 * Each failure names the tile that is wrong.  Older tiles are left to the
 * full audit (`parallax verify`).
 */
static int recover_edge(struct log *log, const struct log_checkpoint *cp,
			struct px_err *err)
{
	struct log_edge *e = log->cur;
	uint64_t size = cp->size;
	int levels = log_tile_levels(size), level, rc = 0;
	struct log_hash root, *full = NULL, *above, *mine;
	char x[2 * LOG_HASH_SIZE + 1], y[2 * LOG_HASH_SIZE + 1];
	char rel[LOG_TILE_PATH_MAX], prel[LOG_TILE_PATH_MAX];
	struct px_buf b;

	edge_set_size(e, size);
	px_buf_reset(&e->bundle);
	for (level = 0; level < levels; level++) {
		struct log_tile t = {level, e->n[level], e->w[level]};
		if (t.width == 0)
			continue;
		rc = read_tile(log, &t, size, e->h[level], err);
		if (rc)
			return rc;
	}

	/* 1. The edge against the checkpoint. */
	log_edge_root(e, &root);
	if (!log_hash_equal(&root, &cp->root)) {
		struct px_buf names;
		px_buf_init(&names, 1024);
		for (level = 0; level < levels; level++) {
			struct log_tile t = {level, e->n[level], e->w[level]};
			if (t.width == 0)
				continue;
			log_tile_path(rel, &t);
			px_buf_addf(&names, "%s'%s'", names.len ? ", " : "",
				    rel);
		}
		log_hash_hex(x, &root);
		log_hash_hex(y, &cp->root);
		rc =
		    px_errorf(err, PX_ECORRUPT,
			      "the right edge of '%s' (%s) hashes to %s, but "
			      "its checkpoint of size %" PRIu64 " says %s",
			      log->logdir, names.data ? (char *)names.data : "",
			      x, size, y);
		px_buf_release(&names);
		return rc;
	}

	/* 2. The partial bundle. */
	if (e->w[0] > 0) {
		struct log_tile bt = {LOG_TILE_ENTRIES, e->n[0], e->w[0]};
		struct log_tile t = {0, e->n[0], e->w[0]};
		rc = read_bundle(log, &bt, size, &e->bundle, err);
		if (rc)
			return rc;
		log_tile_path(rel, &t);
		rc = check_bundle(&bt, &e->bundle, e->h[0], rel, err);
		if (rc)
			return rc;
	}
	if (levels == 0 || size < LOG_TILE_WIDTH)
		return 0;

	/* 3. The last full tile of each level against its parent. */
	full = px_malloc(2 * LOG_TILE_BYTES);
	if (!full)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	above = full;
	mine = full + LOG_TILE_WIDTH;
	for (level = levels - 1; level >= 0; level--) {
		uint64_t nfull =
		    log_tile_count_at(level, size) / LOG_TILE_WIDTH;
		struct log_tile t = {level, nfull - 1, LOG_TILE_WIDTH};
		struct log_tile pt = {level + 1, (nfull - 1) / LOG_TILE_WIDTH,
				      0};
		const struct log_hash *want;
		struct log_hash got, *swap;

		if (nfull == 0)
			continue;
		rc = read_tile(log, &t, size, mine, err);
		if (rc)
			goto out;
		log_tree_perfect_root(mine, LOG_TILE_WIDTH, &got);
		if (nfull % LOG_TILE_WIDTH != 0) {
			want = &e->h[level + 1][(nfull - 1) % LOG_TILE_WIDTH];
			pt.width = e->w[level + 1];
		} else {
			want = &above[LOG_TILE_WIDTH - 1];
			pt.width = LOG_TILE_WIDTH;
		}
		if (!log_hash_equal(&got, want)) {
			log_tile_path(rel, &t);
			log_tile_path(prel, &pt);
			log_hash_hex(x, &got);
			log_hash_hex(y, want);
			rc = px_errorf(err, PX_ECORRUPT,
				       "'%s' hashes to %s, but '%s' holds %s "
				       "for it",
				       rel, x, prel, y);
			goto out;
		}
		swap = above;
		above = mine;
		mine = swap;
	}

	/* 4. The last full bundle against the last full level-0 tile, which
	 * the loop left in `above`. */
	{
		struct log_tile bt = {LOG_TILE_ENTRIES,
				      size / LOG_TILE_WIDTH - 1,
				      LOG_TILE_WIDTH};
		struct log_tile t = {0, bt.index, LOG_TILE_WIDTH};
		px_buf_init(&b, LOG_BUNDLE_MAX);
		rc = read_bundle(log, &bt, size, &b, err);
		if (rc == 0) {
			log_tile_path(rel, &t);
			rc = check_bundle(&bt, &b, above, rel, err);
		}
		px_buf_release(&b);
	}
out:
	px_free(full);
	return rc;
}

/* ---- log_open: removing what lies beyond the checkpoint (I3). */

/* Three decimal digits, leading zeros and all (a tile path element). */
static int three_digits(const char *p, uint64_t *g)
{
	int i;

	*g = 0;
	for (i = 0; i < 3; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*g = *g * 10 + (uint64_t)(p[i] - '0');
	}
	return 1;
}

static int group_number(const char *name, uint64_t *g)
{
	return name[0] == 'x' && strlen(name) == 4 && three_digits(name + 1, g);
}

/* tile/L/N.p of the edge tile: keep the widths a checkpoint up to the
 * current one had (<= w); remove wider ones and temporaries. */
static void clean_partial_dir(const char *path, unsigned w)
{
	DIR *d;
	struct dirent *de;

	if (w == 0) {
		log_remove_tree(path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		uint64_t width;
		if (is_temp_name(de->d_name) ||
		    (de->d_name[0] != '.' &&
		     px_parse_u64(de->d_name, strlen(de->d_name), &width) ==
			 0 &&
		     width > w))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/*
 * One directory on the path to the edge tile n of a level.  `edge` is set
 * for the directory that holds tile n itself; otherwise next_group is the
 * number of the x-directory the path continues into.  Tile paths with more
 * 3-digit groups are larger numbers, so x-directories in the edge directory,
 * and those after next_group in the others, hold only tiles beyond the
 * checkpoint.
 */
static void clean_level_dir(const char *logdir, const char *dirrel, int edge,
			    uint64_t next_group, uint64_t n, unsigned w)
{
	char *dir = px_path_join(logdir, dirrel);
	char rel[LOG_TILE_PATH_MAX + 256];
	struct dirent *de;
	DIR *d;

	if (!dir)
		return;
	d = opendir(dir);
	if (!d) {
		px_free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		struct log_tile t;
		uint64_t g;
		char *sub;

		if (is_temp_name(name)) {
			unlinkat(dirfd(d), name, 0);
			continue;
		}
		if (group_number(name, &g)) {
			if (edge || g > next_group) {
				sub = px_path_join(dir, name);
				if (sub)
					log_remove_tree(sub);
				px_free(sub);
			}
			continue;
		}
		if (len != 3 && !(len == 5 && strcmp(name + 3, ".p") == 0))
			continue;
		snprintf(rel, sizeof(rel), "%s/%.3s", dirrel, name);
		if (log_tile_parse_path(rel, &t) != 0)
			continue;
		if (len == 3) {
			if (edge && t.index >= n)
				unlinkat(dirfd(d), name, 0);
			continue;
		}
		sub = px_path_join(dir, name);
		if (!sub)
			continue;
		if (edge && t.index == n)
			clean_partial_dir(sub, w);
		else if (!edge || t.index < n || t.index > n)
			log_remove_tree(sub);
		px_free(sub);
	}
	closedir(d);
	px_free(dir);
}

/* Walk from tile/L down to the directory of the level's edge tile. */
static void clean_level(const char *logdir, int level, uint64_t size)
{
	uint64_t c = log_tile_count_at(level, size);
	struct log_tile t = {level, c / LOG_TILE_WIDTH, LOG_TILE_WIDTH};
	char rel[LOG_TILE_PATH_MAX], dirrel[LOG_TILE_PATH_MAX];
	const char *p;
	size_t rootlen;

	log_tile_path(rel, &t);
	p = strchr(rel + 5, '/'); /* after "tile/<L>" */
	rootlen = (size_t)(p - rel);
	memcpy(dirrel, rel, rootlen);
	dirrel[rootlen] = '\0';
	p++;
	for (;;) {
		const char *slash = strchr(p, '/');
		uint64_t g = 0;
		if (!slash) {
			clean_level_dir(logdir, dirrel, 1, 0, t.index,
					(unsigned)(c % LOG_TILE_WIDTH));
			return;
		}
		three_digits(p + 1, &g);
		clean_level_dir(logdir, dirrel, 0, g, t.index, 0);
		memcpy(dirrel + rootlen, "/", 1);
		memcpy(dirrel + rootlen + 1, p, (size_t)(slash - p));
		rootlen += 1 + (size_t)(slash - p);
		dirrel[rootlen] = '\0';
		p = slash + 1;
	}
}

/* Best effort: what it cannot remove the sequencer overwrites (I3). */
static void recover_clean(struct log *log, uint64_t size)
{
	int levels = log_tile_levels(size), level;
	char rel[32];
	char *p;

	remove_temps(log->dir);
	remove_temps(log->logdir);
	if ((p = px_path_join(log->dir, LOG_DIR_KEYS)) != NULL) {
		remove_temps(p);
		px_free(p);
	}
	if ((p = px_path_join(log->logdir, "tile")) != NULL) {
		remove_temps(p);
		px_free(p);
	}
	clean_level(log->logdir, LOG_TILE_ENTRIES, size);
	for (level = 0; level < 64; level++) {
		if (level < levels) {
			clean_level(log->logdir, level, size);
			continue;
		}
		snprintf(rel, sizeof(rel), "tile/%d", level);
		p = px_path_join(log->logdir, rel);
		if (!p)
			continue;
		if (px_file_exists(p))
			log_remove_tree(p);
		px_free(p);
	}
}

/* ---- log_open and log_close. */

static void log_free(struct log *log)
{
	if (!log)
		return;
	if (log->th)
		log_tilehash_free(log->th);
	if (log->src.fetch)
		log_source_release(&log->src);
	edge_free(log->cur);
	edge_free(log->next);
	px_buf_release(&log->checkpoint);
	px_buf_release(&log->ckscratch);
	px_buf_release(&log->bcache);
	note_signer_wipe(&log->signer);
	if (log->lockfd >= 0)
		close(log->lockfd);
	px_free(log->batch);
	px_free(log->dir);
	px_free(log->logdir);
	px_free(log->ckpath);
	px_free(log);
}

static int init_sync(struct log *log, struct px_err *err)
{
	pthread_condattr_t ca;
	int ok = 1;

	if (pthread_condattr_init(&ca) != 0)
		return px_errorf(err, PX_ENOMEM, "cannot create a condition");
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	ok &= pthread_mutex_init(&log->qlock, NULL) == 0;
	ok &= pthread_mutex_init(&log->slock, NULL) == 0;
	ok &= pthread_mutex_init(&log->rlock, NULL) == 0;
	ok &= pthread_cond_init(&log->qwork, &ca) == 0;
	ok &= pthread_cond_init(&log->qspace, NULL) == 0;
	ok &= pthread_cond_init(&log->qdone, NULL) == 0;
	pthread_condattr_destroy(&ca);
	/* On Linux these never fail; nothing to undo if they did not. */
	return ok ? 0 : px_errorf(err, PX_ENOMEM, "cannot create a mutex");
}

static void destroy_sync(struct log *log)
{
	pthread_mutex_destroy(&log->qlock);
	pthread_mutex_destroy(&log->slock);
	pthread_mutex_destroy(&log->rlock);
	pthread_cond_destroy(&log->qwork);
	pthread_cond_destroy(&log->qspace);
	pthread_cond_destroy(&log->qdone);
}

static void set_options(struct log *log, const struct log_options *opt)
{
	if (opt)
		log->opt = *opt;
	if (log->opt.batch_max == 0)
		log->opt.batch_max = 4096;
	if (log->opt.batch_max > LOG_BATCH_MAX_LIMIT)
		log->opt.batch_max = LOG_BATCH_MAX_LIMIT;
	if (log->opt.batch_delay_ms == 0)
		log->opt.batch_delay_ms = 2;
	if (log->opt.queue_max_bytes == 0)
		log->opt.queue_max_bytes = (size_t)64 << 20;
}

int log_open(const char *dir, const struct log_options *opt, struct log **out,
	     struct px_err *err)
{
	struct log_checkpoint cp;
	struct log *log;
	int rc, synced = 0;

	*out = NULL;
	memset(&cp, 0, sizeof(cp));
	log = px_calloc(1, sizeof(*log));
	if (!log)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	log->lockfd = -1;
	log->qtail = &log->qhead;
	px_buf_init(&log->checkpoint, LOG_CHECKPOINT_FILE_MAX);
	px_buf_init(&log->ckscratch, LOG_CHECKPOINT_FILE_MAX);
	px_buf_init(&log->bcache, LOG_BUNDLE_MAX);
	set_options(log, opt);
	log->dir = px_strdup(dir);
	log->logdir = px_path_join(dir, LOG_DIR_PUBLIC);
	log->ckpath = px_path_join(dir, LOG_FILE_CHECKPOINT);
	log->cur = edge_new();
	log->next = edge_new();
	if (!log->dir || !log->logdir || !log->ckpath || !log->cur ||
	    !log->next) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto fail;
	}
	rc = init_sync(log, err);
	if (rc)
		goto fail;
	synced = 1;
	rc = lock_dir(log, err);
	if (rc == 0)
		rc = read_keys(log, err);
	if (rc == 0)
		rc = read_checkpoint(log, &cp, err);
	if (rc == 0)
		rc = recover_edge(log, &cp, err);
	if (rc)
		goto fail;
	recover_clean(log, cp.size);
	log->root = cp.root;
	atomic_store(&log->size, cp.size);
	rc = log_source_open(&log->src, log->logdir, err);
	if (rc) {
		memset(&log->src, 0, sizeof(log->src));
		goto fail;
	}
	rc = log_tilehash_new(&log->src, cp.size, 0, &log->th, err);
	if (rc)
		goto fail;
	log_tilehash_reader(log->th, &log->reader);
	rc = log_seq_start(log, err);
	if (rc)
		goto fail;
	log_checkpoint_release(&cp);
	*out = log;
	return 0;
fail:
	log_checkpoint_release(&cp);
	log_seq_stop(log);
	if (synced)
		destroy_sync(log);
	log_free(log);
	return rc;
}

void log_close(struct log *log)
{
	if (!log)
		return;
	log_seq_stop(log);
	destroy_sync(log);
	log_free(log);
}

/* ---- readers. */

uint64_t log_size(struct log *log)
{
	return atomic_load(&log->size);
}

const struct note_verifier *log_verifier(struct log *log)
{
	return &log->verifier;
}

int log_checkpoint_text(struct log *log, struct px_buf *out, struct px_err *err)
{
	int rc;

	pthread_mutex_lock(&log->slock);
	rc = px_buf_add(out, log->checkpoint.data, log->checkpoint.len);
	pthread_mutex_unlock(&log->slock);
	if (rc)
		return px_errorf(err, rc, "the checkpoint: %s",
				 px_strerror(rc));
	return 0;
}

/* Load full bundle `index` into the cache, checked against its level-0
 * tile.  Called with rlock held. */
static int bcache_load(struct log *log, uint64_t index, struct px_err *err)
{
	struct log_tile bt = {LOG_TILE_ENTRIES, index, LOG_TILE_WIDTH};
	struct log_tile t = {0, index, LOG_TILE_WIDTH};
	char rel[LOG_TILE_PATH_MAX];
	struct log_hash *h;
	uint64_t size = log_size(log);
	int rc;

	log->bcache_valid = 0;
	px_buf_reset(&log->bcache);
	h = px_malloc(LOG_TILE_BYTES);
	if (!h)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	rc = read_tile(log, &t, size, h, err);
	if (rc == 0)
		rc = read_bundle(log, &bt, size, &log->bcache, err);
	if (rc == 0) {
		log_tile_path(rel, &t);
		rc = check_bundle(&bt, &log->bcache, h, rel, err);
	}
	if (rc == 0)
		rc = log_bundle_split(log->bcache.data, log->bcache.len,
				      LOG_TILE_WIDTH, log->bcache_entries, err);
	px_free(h);
	if (rc == 0) {
		log->bcache_index = index;
		log->bcache_valid = 1;
	}
	return rc;
}

int log_entry(struct log *log, uint64_t index, struct px_buf *out,
	      struct px_err *err)
{
	struct log_bundle_entry ents[LOG_TILE_WIDTH];
	uint64_t size, tile = index / LOG_TILE_WIDTH;
	unsigned pos = (unsigned)(index % LOG_TILE_WIDTH);
	int rc;

	pthread_mutex_lock(&log->slock);
	size = log->cur->size;
	if (index >= size) {
		pthread_mutex_unlock(&log->slock);
		return px_errorf(err, PX_ENOTFOUND,
				 "entry %" PRIu64 " is beyond the log's size "
				 "%" PRIu64,
				 index, size);
	}
	if (tile == log->cur->n[0]) {
		/* In the partial bundle, which the edge keeps in memory. */
		rc = log_bundle_split(log->cur->bundle.data,
				      log->cur->bundle.len, log->cur->w[0],
				      ents, err);
		if (rc == 0)
			rc = px_buf_add(out, ents[pos].data, ents[pos].len);
		pthread_mutex_unlock(&log->slock);
		return rc == PX_ENOMEM || rc == PX_ETOOBIG
			   ? px_errorf(err, rc, "entry %" PRIu64 ": %s", index,
				       px_strerror(rc))
			   : rc;
	}
	pthread_mutex_unlock(&log->slock);

	pthread_mutex_lock(&log->rlock);
	rc = 0;
	if (!log->bcache_valid || log->bcache_index != tile)
		rc = bcache_load(log, tile, err);
	if (rc == 0) {
		rc = px_buf_add(out, log->bcache_entries[pos].data,
				log->bcache_entries[pos].len);
		if (rc)
			rc = px_errorf(err, rc, "entry %" PRIu64 ": %s", index,
				       px_strerror(rc));
	}
	pthread_mutex_unlock(&log->rlock);
	return rc;
}

/* Resolve size 0 to the current size; sizes beyond it are refused. */
static int resolve_size(struct log *log, uint64_t *size, struct px_err *err)
{
	uint64_t cur = log_size(log);

	if (*size == 0)
		*size = cur;
	if (*size > cur)
		return px_errorf(err, PX_EINVAL,
				 "tree size %" PRIu64 " is beyond the log's "
				 "size %" PRIu64,
				 *size, cur);
	return 0;
}

/*
 * The readers below use the tile reader of the current tree: every complete
 * subtree of a smaller tree is a complete subtree of the current one, so it
 * serves proofs and roots for every size up to the current.
 */
int log_root(struct log *log, uint64_t size, struct log_hash *root,
	     struct px_err *err)
{
	int rc = resolve_size(log, &size, err);

	if (rc)
		return rc;
	pthread_mutex_lock(&log->slock);
	if (size == log->cur->size) {
		*root = log->root;
		pthread_mutex_unlock(&log->slock);
		return 0;
	}
	pthread_mutex_unlock(&log->slock);
	return log_tree_root(&log->reader, size, root, err);
}

int log_prove_inclusion(struct log *log, uint64_t index, uint64_t size,
			struct log_hash *proof, size_t *n, struct px_err *err)
{
	int rc = resolve_size(log, &size, err);

	if (rc)
		return rc;
	return log_tree_prove_inclusion(&log->reader, index, size, proof, n,
					err);
}

int log_prove_consistency(struct log *log, uint64_t m, uint64_t size,
			  struct log_hash *proof, size_t *n, struct px_err *err)
{
	int rc = resolve_size(log, &size, err);

	if (rc)
		return rc;
	if (m > size)
		return px_errorf(err, PX_EINVAL,
				 "consistency from size %" PRIu64
				 " to the smaller size %" PRIu64,
				 m, size);
	return log_tree_prove_consistency(&log->reader, m, size, proof, n, err);
}
