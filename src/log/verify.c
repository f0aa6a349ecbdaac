/*
 * verify.c - the full audit of a log read from a source (verify.h).
 *
 * The audit is one streaming pass over the entry bundles, left to right,
 * holding at most one bundle and one row of 256 hashes per tile level:
 *
 *   - each bundle tile/entries/N is split and every entry hashed
 *     (RFC 9162 §2.1.1 leaf hash); the hashes must equal tile/0/N;
 *   - the root of every full level-L tile (a perfect subtree of 256 hashes,
 *     RFC 9162 §2.1.1) is pushed onto the pending row of level L+1; when a
 *     row holds 256 hashes it must equal the full tile tile/L+1/K, and its
 *     root is pushed one level up in turn (C2SP tlog-tiles: "a level-L hash
 *     is the Merkle Tree Hash of a full tile at level L-1");
 *   - at the end, what is left pending at each level must equal that
 *     level's partial tile (.p/W), and the root of the whole tree is folded
 *     from the right edge: the perfect subtrees of the binary decomposition
 *     of the size, highest level first, hashed together from the right
 *     (RFC 9162 §2.1.1, MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
 *     with k the largest power of two below n);
 *   - an older checkpoint (`since`) of size M is checked the same way: the
 *     right edge at the moment M leaves have been hashed gives MTH(D[0:M]),
 *     which must equal its signed root;
 *   - a partial tile or bundle that is gone is read from its full tile, as
 *     tlog-tiles allows (a log that grew may delete partial tiles once the
 *     full tile exists), so a log can be audited while it is appended to.
 *
 * Invariants of the pass, after bundle b (0-based) has been processed:
 *   1. row[L].n == floor(b' / 256^(L-1)) mod 256 for L >= 1, b' = b + 1
 *      full bundles so far, i.e. the row holds exactly the level-L hashes
 *      whose level-L tile is not complete yet;
 *   2. every hash in row[L] was computed from verified data, never read;
 *   3. every tile read so far matched the hashes computed from below.
 */
#include "log/verify.h"

#include "log/hash.h"
#include "log/tile.h"
#include "log/tree.h"

#include <string.h>

/* Tile levels a 64-bit tree size can reach: 256^8 = 2^64. */
#define VERIFY_LEVELS 8
/* Most subtrees on the right edge: eight per level. */
#define VERIFY_EDGE_MAX (VERIFY_LEVELS * LOG_TILE_HEIGHT)
/* Longest entry bundle: 256 entries of the longest length. */
#define VERIFY_BUNDLE_MAX ((size_t)LOG_TILE_WIDTH * (2 + LOG_ENTRY_MAX))

/* Tiles are compared and read as arrays of struct log_hash. */
_Static_assert(sizeof(struct log_hash) == LOG_HASH_SIZE,
	       "struct log_hash must be exactly the hash bytes");

struct hash_row {
	struct log_hash h[LOG_TILE_WIDTH];
	unsigned n;
	uint64_t tiles; /* full tiles of this level checked so far */
};

struct verifier {
	struct log_source *src;
	struct px_buf tile; /* the hash tile being checked */
	struct hash_row row[VERIFY_LEVELS];
	struct log_verify_result *res;
};


/*
 * Append to edge[] the perfect subtrees of a row of n < 256 hashes, largest
 * first (the binary decomposition of n).
 */
static void row_edge(const struct log_hash *h, unsigned n,
		     struct log_hash *edge, size_t *nedge)
{
	unsigned off = 0, bit;

	for (bit = LOG_TILE_WIDTH / 2; bit > 0; bit /= 2) {
		if (!(n & bit))
			continue;
		log_tree_perfect_root(h + off, bit, &edge[(*nedge)++]);
		off += bit;
	}
}

/*
 * The root of the tree whose right edge is the pending rows (levels
 * VERIFY_LEVELS-1 down to 1) followed by n0 leaf hashes.
 */
static void edge_root(const struct verifier *v, const struct log_hash *leaves,
		      unsigned n0, struct log_hash *root)
{
	struct log_hash edge[VERIFY_EDGE_MAX];
	size_t nedge = 0;
	int level;

	for (level = VERIFY_LEVELS - 1; level >= 1; level--)
		row_edge(v->row[level].h, v->row[level].n, edge, &nedge);
	if (n0)
		row_edge(leaves, n0, edge, &nedge);
	if (nedge == 0) {
		log_hash_empty(root);
		return;
	}
	*root = edge[nedge - 1];
	while (nedge-- > 1)
		log_hash_node(root, &edge[nedge - 1], root);
}

/*
 * Fetch tile t (a hash tile or an entry bundle) into out.  A partial tile
 * that is gone is read from its full tile instead: C2SP tlog-tiles lets a
 * log delete a partial tile once the full tile exists, and lets clients
 * fall back to the full tile, whose first W hashes (or entries) are the
 * partial tile's.  On success `path` names the file read and *full says
 * whether it was the full tile.
 */
static int fetch_or_full(struct log_source *src, const struct log_tile *t,
			 char path[LOG_TILE_PATH_MAX], struct px_buf *out,
			 int *full, struct px_err *err)
{
	struct log_tile ft = *t;
	char fpath[LOG_TILE_PATH_MAX];
	char first[PX_ERR_MSG_MAX];
	int rc;

	*full = t->width == LOG_TILE_WIDTH;
	log_tile_path(path, t);
	px_buf_reset(out);
	rc = src->fetch(src->ctx, path, out, err);
	if (rc != PX_ENOTFOUND || t->width == LOG_TILE_WIDTH)
		return rc;
	snprintf(first, sizeof(first), "%s", err ? err->msg : "");
	ft.width = LOG_TILE_WIDTH;
	log_tile_path(fpath, &ft);
	px_buf_reset(out);
	rc = src->fetch(src->ctx, fpath, out, err);
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, PX_ENOTFOUND,
				 "%s (and there is no full tile %s either)",
				 first, fpath);
	if (rc == 0) {
		memcpy(path, fpath, LOG_TILE_PATH_MAX);
		*full = 1;
	}
	return rc;
}

/*
 * Fetch hash tile t into v->tile: exactly `width` hashes, or a full tile
 * standing in for a partial one that is gone.  `path` receives the path
 * read.
 */
static int fetch_tile(struct verifier *v, const struct log_tile *t,
		      char path[LOG_TILE_PATH_MAX], struct px_err *err)
{
	size_t want;
	int full, rc;

	rc = fetch_or_full(v->src, t, path, &v->tile, &full, err);
	want = (size_t)(full ? LOG_TILE_WIDTH : t->width) * LOG_HASH_SIZE;
	if (rc == PX_ETOOBIG)
		return px_errorf(err, PX_ECORRUPT,
				 "%s: longer than the %zu bytes of %zu hashes",
				 path, want, want / LOG_HASH_SIZE);
	if (rc)
		return rc;
	if (v->tile.len != want)
		return px_errorf(err, PX_ECORRUPT,
				 "%s: %zu bytes, expected %zu (%zu hashes)",
				 path, v->tile.len, want, want / LOG_HASH_SIZE);
	v->res->tiles++;
	return 0;
}

/*
 * Compare the first t->width hashes of the tile just fetched (from `path`)
 * with the hashes computed from below: from the entries of the bundle
 * `bundle` for level 0, from the full tiles one level down otherwise.
 */
static int compare_tile(struct verifier *v, const struct log_tile *t,
			const char *path, const struct log_hash *computed,
			const char *bundle, struct px_err *err)
{
	const struct log_hash *stored = (const struct log_hash *)v->tile.data;
	char exp[2 * LOG_HASH_SIZE + 1], got[2 * LOG_HASH_SIZE + 1];
	char below[LOG_TILE_PATH_MAX];
	struct log_tile lt;
	unsigned i;

	/* Everything compared here is public: one memcmp for the whole tile,
	 * and a search for the index only when it differs. */
	if (memcmp(stored, computed, (size_t)t->width * LOG_HASH_SIZE) == 0)
		return 0;
	for (i = 0; i < t->width; i++) {
		struct log_hash s;
		memcpy(&s, &stored[i], sizeof(s)); /* tile data is unaligned */
		if (log_hash_equal(&s, &computed[i]))
			continue;
		log_hash_hex(exp, &computed[i]);
		log_hash_hex(got, &s);
		if (t->level == 0) {
			return px_errorf(
			    err, PX_EVERIFY,
			    "%s index %u: expected %s (the hash of "
			    "entry %llu in %s), found %s",
			    path, i, exp,
			    (unsigned long long)(t->index * LOG_TILE_WIDTH + i),
			    bundle, got);
		}
		lt.level = t->level - 1;
		lt.index = t->index * LOG_TILE_WIDTH + i;
		lt.width = LOG_TILE_WIDTH;
		log_tile_path(below, &lt);
		return px_errorf(err, PX_EVERIFY,
				 "%s index %u: expected %s (the root of %s), "
				 "found %s",
				 path, i, exp, below, got);
	}
	return 0;
}

/*
 * A full tile at level-1 has been verified and its root is h: add it to
 * the row of `level`, and when that row is full check it against the
 * stored tile and carry its root upwards.
 */
static int push(struct verifier *v, int level, const struct log_hash *h,
		struct px_err *err)
{
	struct hash_row *row;
	struct log_tile t;
	char path[LOG_TILE_PATH_MAX];
	struct log_hash root;
	int rc;

	for (; level < VERIFY_LEVELS; level++) {
		row = &v->row[level];
		row->h[row->n++] = *h;
		if (row->n < LOG_TILE_WIDTH)
			return 0;
		t.level = level;
		t.index = row->tiles;
		t.width = LOG_TILE_WIDTH;
		rc = fetch_tile(v, &t, path, err);
		if (rc)
			return rc;
		rc = compare_tile(v, &t, path, row->h, NULL, err);
		if (rc)
			return rc;
		log_tree_perfect_root(row->h, LOG_TILE_WIDTH, &root);
		row->n = 0;
		row->tiles++;
		h = &root;
	}
	/* A 64-bit size never fills the top row. */
	return px_errorf(err, PX_EINVAL, "tree too large");
}

static int check_since(const struct log_checkpoint *since,
		       const struct log_hash *computed, struct px_err *err)
{
	char exp[2 * LOG_HASH_SIZE + 1], got[2 * LOG_HASH_SIZE + 1];

	if (log_hash_equal(computed, &since->root))
		return 0;
	log_hash_hex(exp, computed);
	log_hash_hex(got, &since->root);
	return px_errorf(err, PX_EVERIFY,
			 "the older checkpoint (size %llu) is not consistent "
			 "with this log: its first %llu entries hash to %s, "
			 "but the older checkpoint's root is %s",
			 (unsigned long long)since->size,
			 (unsigned long long)since->size, exp, got);
}

static int fetch_checkpoint(struct log_source *src, struct px_buf *buf,
			    struct px_err *err)
{
	int rc = src->fetch(src->ctx, "checkpoint", buf, err);

	if (rc == PX_ENOTFOUND)
		return px_err_prefix(err, "no checkpoint");
	return rc;
}

int log_verify(struct log_source *src, const struct log_verify_opts *opts,
	       struct log_verify_result *res, struct px_err *err)
{
	struct verifier *v;
	struct log_checkpoint since;
	struct log_bundle_entry *entries = NULL;
	struct log_hash *leaves = NULL;
	struct px_buf cp, bundle;
	struct px_progress prog;
	struct log_hash root;
	uint64_t size, nbundles, b, m = 0;
	int have_since = 0, since_done = 0, full, level, rc;
	char path[LOG_TILE_PATH_MAX], bpath[LOG_TILE_PATH_MAX];
	char exp[2 * LOG_HASH_SIZE + 1], got[2 * LOG_HASH_SIZE + 1];

	memset(res, 0, sizeof(*res));
	memset(&since, 0, sizeof(since));
	if (!opts || !opts->log_key)
		return px_errorf(err, PX_EINVAL, "no log key given");
	if (opts->quorum > opts->nwitnesses)
		return px_errorf(err, PX_EINVAL,
				 "a quorum of %zu needs at least %zu witness "
				 "keys, %zu given",
				 opts->quorum, opts->quorum, opts->nwitnesses);

	/* 1. The checkpoint, signed by the log and cosigned by a quorum. */
	px_buf_init(&cp, NOTE_MAX_BYTES);
	rc = fetch_checkpoint(src, &cp, err);
	if (rc == 0)
		rc = log_checkpoint_open(cp.data, cp.len, opts->log_key,
					 opts->witnesses, opts->nwitnesses,
					 opts->quorum, &res->checkpoint, err);
	if (rc == 0 && opts->since) {
		rc =
		    log_checkpoint_open(opts->since, opts->since_len,
					opts->log_key, NULL, 0, 0, &since, err);
		if (rc)
			px_err_prefix(err, "the older checkpoint");
		else
			have_since = 1;
	}
	px_buf_release(&cp);
	if (rc)
		return rc;
	size = res->checkpoint.size;
	if (have_since) {
		m = since.size;
		if (m > size) {
			rc = px_errorf(err, PX_EVERIFY,
				       "the older checkpoint has size %llu, "
				       "but the log's checkpoint has only "
				       "%llu: the log was truncated or forked",
				       (unsigned long long)m,
				       (unsigned long long)size);
			log_checkpoint_release(&since);
			return rc;
		}
	}

	v = px_calloc(1, sizeof(*v));
	entries = px_malloc(LOG_TILE_WIDTH * sizeof(*entries));
	leaves = px_malloc(LOG_TILE_WIDTH * sizeof(*leaves));
	if (!v || !entries || !leaves) {
		px_free(v);
		px_free(entries);
		px_free(leaves);
		log_checkpoint_release(&since);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	v->src = src;
	v->res = res;
	px_buf_init(&v->tile, LOG_TILE_BYTES);
	px_buf_init(&bundle, VERIFY_BUNDLE_MAX);
	px_progress_start(&prog, "verifying", size);
	if (!opts->progress)
		prog.enabled = 0;
	if (have_since && m == 0) {
		log_hash_empty(&root);
		rc = check_since(&since, &root, err);
		since_done = 1;
	}

	/* 2. and 3. Every bundle against tile/0, every full tile upwards. */
	nbundles = size / LOG_TILE_WIDTH + (size % LOG_TILE_WIDTH != 0);
	for (b = 0; rc == 0 && b < nbundles; b++) {
		struct log_tile t;
		uint64_t first = b * LOG_TILE_WIDTH;
		unsigned i;

		t.level = LOG_TILE_ENTRIES;
		t.index = b;
		t.width = log_tile_width(LOG_TILE_ENTRIES, b, size);
		rc = fetch_or_full(src, &t, bpath, &bundle, &full, err);
		if (rc == PX_ETOOBIG)
			rc = px_errorf(err, PX_ECORRUPT,
				       "%s: longer than any bundle of %u "
				       "entries can be",
				       bpath, full ? LOG_TILE_WIDTH : t.width);
		if (rc)
			break;
		rc = log_bundle_split(bundle.data, bundle.len,
				      full ? LOG_TILE_WIDTH : t.width, entries,
				      err);
		if (rc) {
			px_err_prefix(
			    err, "%s (entries %llu to %llu)", bpath,
			    (unsigned long long)first,
			    (unsigned long long)(first + t.width - 1));
			break;
		}
		for (i = 0; i < t.width; i++) {
			log_hash_leaf(&leaves[i], entries[i].data,
				      entries[i].len);
			res->bytes += entries[i].len;
		}
		res->entries += t.width;

		t.level = 0;
		rc = fetch_tile(v, &t, path, err);
		if (rc == 0)
			rc = compare_tile(v, &t, path, leaves, bpath, err);
		if (rc)
			break;

		/* 5. The older checkpoint ends inside this tile. */
		if (have_since && !since_done && m > first &&
		    m < first + LOG_TILE_WIDTH) {
			edge_root(v, leaves, (unsigned)(m - first), &root);
			rc = check_since(&since, &root, err);
			since_done = 1;
			if (rc)
				break;
		}
		if (t.width == LOG_TILE_WIDTH) {
			log_tree_perfect_root(leaves, LOG_TILE_WIDTH, &root);
			rc = push(v, 1, &root, err);
			if (rc)
				break;
			/* ... or exactly at its end. */
			if (have_since && !since_done &&
			    m == first + LOG_TILE_WIDTH) {
				edge_root(v, NULL, 0, &root);
				rc = check_since(&since, &root, err);
				since_done = 1;
				if (rc)
					break;
			}
		}
		px_progress_update(&prog, res->entries);
	}
	px_progress_finish(&prog);

	/* 3. The partial tiles above level 0 hold what is left pending. */
	for (level = 1; rc == 0 && level < VERIFY_LEVELS; level++) {
		struct log_tile t;
		uint64_t count = log_tile_count_at(level, size);

		t.level = level;
		t.index = count / LOG_TILE_WIDTH;
		t.width = (unsigned)(count % LOG_TILE_WIDTH);
		if (t.width == 0)
			continue;
		if (t.width != v->row[level].n) {
			rc = px_errorf(err, PX_EINVAL,
				       "level %d: %u hashes pending, %u in "
				       "its partial tile",
				       level, v->row[level].n, t.width);
			break;
		}
		rc = fetch_tile(v, &t, path, err);
		if (rc == 0)
			rc = compare_tile(v, &t, path, v->row[level].h, NULL,
					  err);
	}

	/* 4. The root from the right edge against the signed root. */
	if (rc == 0) {
		edge_root(v, leaves, (unsigned)(size % LOG_TILE_WIDTH), &root);
		if (!log_hash_equal(&root, &res->checkpoint.root)) {
			log_hash_hex(exp, &root);
			log_hash_hex(got, &res->checkpoint.root);
			rc = px_errorf(err, PX_EVERIFY,
				       "checkpoint: the tiles of the tree of "
				       "size %llu hash to root %s, but the "
				       "signed checkpoint says %s",
				       (unsigned long long)size, exp, got);
		}
	}
	if (rc == 0 && have_since && !since_done)
		rc = px_errorf(err, PX_EINVAL, "older checkpoint not checked");

	px_buf_release(&bundle);
	px_buf_release(&v->tile);
	px_free(v);
	px_free(entries);
	px_free(leaves);
	log_checkpoint_release(&since);
	return rc;
}

void log_verify_result_release(struct log_verify_result *res)
{
	log_checkpoint_release(&res->checkpoint);
	memset(res, 0, sizeof(*res));
}
