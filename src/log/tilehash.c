/*
 * tilehash.c - a hash reader (tree.h) over C2SP tlog-tiles read from a log
 * source, with a bounded LRU cache of tiles.
 *
 * The tiles of a tree store the hashes at levels 0, 8, 16, ...  A complete
 * subtree at level l = 8L + r (0 <= r < 8) and index i is the MTH of 2^r
 * consecutive hashes of the level-L tile number i >> (8 - r); C2SP
 * tlog-tiles: "the Merkle Tree levels between those expressed by the tile
 * hashes are reconstructed by hashing the leaves".  When a tile is loaded
 * every such subtree inside it is hashed once and kept with it, so serving
 * a hash from a cached tile is a lookup.
 *
 * Which tile to read is what the reader's tree size implies
 * (log_tile_width): the full tile tile/L/N, or the partial tile
 * tile/L/N.p/W.  Two fallbacks cover files a log may legitimately have
 * replaced or not yet written: a missing partial tile is read from the
 * full tile instead (tlog-tiles lets logs delete partial tiles once the full
 * tile exists, and the full tile starts with the same hashes); a missing
 * full tile is read from the partial tile holding exactly the hashes the
 * request needs, if that exists.  A tile's length must be exactly 32 bytes
 * per hash of its width; anything else is PX_ECORRUPT naming the tile.
 *
 * Invariants (all under th->mu):
 *   1. A cached tile holds `width` hashes of its level, the first `width`
 *      of tile (level, index) of the log, and every complete subtree hash
 *      over them; it answers only requests that fit in `width`.
 *   2. Each (level, index) is cached at most once; the LRU list and the
 *      hash chains hold exactly the cached tiles; count <= cap.
 *   3. No pointer to a cached tile is kept while th->mu is released: the
 *      reader fetches with the mutex released (so that slow sources do not
 *      stall other readers) and re-finds the tile after relocking.
 */
#include "tilehash.h"
#include "tile.h"

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#define TH_DEFAULT_TILES 4096
#define TH_MAX_TILES ((size_t)1 << 24)
/* Hashes in a tile with all its levels: 256 + 128 + ... + 1. */
#define TH_TILE_HASHES (2 * LOG_TILE_WIDTH - 1)
/* Row r (the subtrees of 2^r tile hashes) starts here. */
#define TH_ROW(r) (2 * LOG_TILE_WIDTH - ((2 * LOG_TILE_WIDTH) >> (r)))

struct th_tile {
	int level;
	uint64_t index;
	unsigned width;
	struct th_tile *chain;	     /* hash bucket */
	struct th_tile *prev, *next; /* LRU list, most recent first */
	struct log_hash h[TH_TILE_HASHES];
};

struct log_tilehash {
	struct log_source *src;
	pthread_mutex_t mu;
	uint64_t size;
	size_t cap, count;
	struct th_tile **bucket;
	size_t nbucket; /* a power of two */
	struct th_tile *head, *tail;
};

static size_t bucket_of(const struct log_tilehash *th, int level,
			uint64_t index)
{
	uint64_t h = (index * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)level << 59);
	h ^= h >> 29;
	return (size_t)(h & (th->nbucket - 1));
}

static struct th_tile *cache_find(struct log_tilehash *th, int level,
				  uint64_t index)
{
	struct th_tile *t = th->bucket[bucket_of(th, level, index)];

	while (t && (t->level != level || t->index != index))
		t = t->chain;
	return t;
}

static void lru_unlink(struct log_tilehash *th, struct th_tile *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		th->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		th->tail = t->prev;
	t->prev = t->next = NULL;
}

static void lru_push(struct log_tilehash *th, struct th_tile *t)
{
	t->prev = NULL;
	t->next = th->head;
	if (th->head)
		th->head->prev = t;
	th->head = t;
	if (!th->tail)
		th->tail = t;
}

static void cache_remove(struct log_tilehash *th, struct th_tile *t)
{
	struct th_tile **p = &th->bucket[bucket_of(th, t->level, t->index)];

	while (*p != t)
		p = &(*p)->chain;
	*p = t->chain;
	lru_unlink(th, t);
	th->count--;
	px_free(t);
}

/* Insert t, replacing a cached copy of the same tile; evicts the least
 * recently used tile when full. */
static void cache_insert(struct log_tilehash *th, struct th_tile *t)
{
	struct th_tile *old = cache_find(th, t->level, t->index);
	size_t b;

	if (old)
		cache_remove(th, old);
	while (th->count >= th->cap && th->tail)
		cache_remove(th, th->tail);
	b = bucket_of(th, t->level, t->index);
	t->chain = th->bucket[b];
	th->bucket[b] = t;
	lru_push(th, t);
	th->count++;
}

static const char *where_of(const struct log_tilehash *th)
{
	return th->src->where ? th->src->where : "the log";
}

/* Hash rows 1..8 of a tile from row 0. */
static void tile_build(struct th_tile *t)
{
	int r;

	for (r = 1; r <= LOG_TILE_HEIGHT; r++) {
		unsigned n = t->width >> r, j;
		struct log_hash *below = &t->h[TH_ROW(r - 1)];
		struct log_hash *row = &t->h[TH_ROW(r)];
		for (j = 0; j < n; j++)
			log_hash_node(&row[j], &below[2 * j],
				      &below[2 * j + 1]);
	}
}

/*
 * Fetch one tile file into b; PX_ECORRUPT unless it has exactly `width`
 * hashes.  PX_ENOTFOUND is returned with no message (the caller decides
 * whether to fall back).
 */
static int fetch_tile(struct log_tilehash *th, const struct log_tile *tile,
		      struct px_buf *b, struct px_err *err)
{
	char path[LOG_TILE_PATH_MAX];
	size_t want = (size_t)tile->width * LOG_HASH_SIZE;
	int rc;

	log_tile_path(path, tile);
	px_buf_reset(b);
	rc = th->src->fetch(th->src->ctx, path, b, err);
	if (rc == PX_ETOOBIG)
		return px_errorf(err, PX_ECORRUPT,
				 "tile '%s' in '%s' is longer than %zu bytes; "
				 "a tile of width %u has exactly %zu",
				 path, where_of(th), b->max, tile->width, want);
	if (rc)
		return rc;
	if (b->len != want)
		return px_errorf(err, PX_ECORRUPT,
				 "tile '%s' in '%s' has %zu bytes; a tile of "
				 "width %u has exactly %zu (%u hashes of %d "
				 "bytes)",
				 path, where_of(th), b->len, tile->width, want,
				 tile->width, LOG_HASH_SIZE);
	return 0;
}

/*
 * Load tile (level, index) whose width in the tree is `width`, holding at
 * least `need` hashes.  Called without th->mu.  Returns a new tile in *out.
 */
static int tile_load(struct log_tilehash *th, int level, uint64_t index,
		     unsigned width, unsigned need, uint64_t size,
		     struct th_tile **out, struct px_err *err)
{
	struct log_tile tile = {level, index, width}, alt = tile;
	char path[LOG_TILE_PATH_MAX], altpath[LOG_TILE_PATH_MAX];
	struct px_buf b;
	struct th_tile *t;
	int rc;

	log_tile_path(path, &tile);
	px_buf_init(&b, 2 * LOG_TILE_BYTES);
	rc = fetch_tile(th, &tile, &b, err);
	if (rc == PX_ENOTFOUND) {
		/* The other spelling of the same hashes (see the top). */
		alt.width = width < LOG_TILE_WIDTH ? LOG_TILE_WIDTH : need;
		if (alt.width != width) {
			rc = fetch_tile(th, &alt, &b, err);
			if (rc == 0)
				tile = alt;
		}
		if (rc == PX_ENOTFOUND && alt.width != width) {
			log_tile_path(altpath, &alt);
			rc = px_errorf(err, PX_ENOTFOUND,
				       "tile '%s' is missing from '%s' (and so "
				       "is '%s'); the tree of size %" PRIu64
				       " needs it",
				       path, where_of(th), altpath, size);
		} else if (rc == PX_ENOTFOUND) {
			rc = px_errorf(err, PX_ENOTFOUND,
				       "tile '%s' is missing from '%s'; the "
				       "tree of size %" PRIu64 " needs it",
				       path, where_of(th), size);
		}
	}
	if (rc) {
		px_buf_release(&b);
		return rc;
	}
	t = px_malloc(sizeof(*t));
	if (!t) {
		px_buf_release(&b);
		return px_errorf(err, PX_ENOMEM, "out of memory reading '%s'",
				 path);
	}
	memset(t, 0, offsetof(struct th_tile, h));
	t->level = level;
	t->index = index;
	t->width = tile.width;
	memcpy(t->h, b.data, (size_t)tile.width * LOG_HASH_SIZE);
	px_buf_release(&b);
	tile_build(t);
	*out = t;
	return 0;
}

static int th_read(void *ctx, int level, const uint64_t *index, size_t n,
		   struct log_hash *out, struct px_err *err)
{
	struct log_tilehash *th = ctx;
	int tl = level / LOG_TILE_HEIGHT, r = level % LOG_TILE_HEIGHT;
	unsigned rowlen = (unsigned)LOG_TILE_WIDTH >> r;
	size_t i;
	int rc = 0;

	if (level < 0 || level > 63)
		return px_errorf(err, PX_EINVAL, "no tree level %d", level);
	pthread_mutex_lock(&th->mu);
	for (i = 0; i < n && rc == 0; i++) {
		uint64_t tindex = index[i] >> (LOG_TILE_HEIGHT - r);
		unsigned pos = (unsigned)(index[i] & (rowlen - 1));
		unsigned need = (pos + 1) << r;
		struct th_tile *t;

		if (index[i] >= (th->size >> level)) {
			rc = px_errorf(err, PX_EINVAL,
				       "subtree (level %d, index %" PRIu64
				       ") is not complete in the tree of size "
				       "%" PRIu64,
				       level, index[i], th->size);
			break;
		}
		t = cache_find(th, tl, tindex);
		if (!t || t->width < need) {
			uint64_t size = th->size;
			unsigned width = log_tile_width(tl, tindex, size);
			pthread_mutex_unlock(&th->mu);
			rc = tile_load(th, tl, tindex, width, need, size, &t,
				       err);
			pthread_mutex_lock(&th->mu);
			if (rc)
				break;
			cache_insert(th, t);
		} else if (t != th->head) {
			lru_unlink(th, t);
			lru_push(th, t);
		}
		out[i] = t->h[TH_ROW(r) + pos];
		/* An inclusion proof asks next for the siblings on the path
		 * up through this tile: start loading them now, so that the
		 * cache misses overlap instead of following each other. */
		if (i == 0 && n == 1) {
			int q;
			for (q = r + 1; q < LOG_TILE_HEIGHT; q++)
				__builtin_prefetch(
				    &t->h[TH_ROW(q) + ((pos >> (q - r)) ^ 1)]);
		}
	}
	pthread_mutex_unlock(&th->mu);
	return rc;
}

int log_tilehash_new(struct log_source *src, uint64_t size, size_t cache_tiles,
		     struct log_tilehash **out, struct px_err *err)
{
	struct log_tilehash *th;

	*out = NULL;
	if (!src || !src->fetch)
		return px_errorf(err, PX_EINVAL, "tile reader needs a source");
	if (cache_tiles == 0)
		cache_tiles = TH_DEFAULT_TILES;
	if (cache_tiles > TH_MAX_TILES)
		cache_tiles = TH_MAX_TILES;
	th = px_calloc(1, sizeof(*th));
	if (!th)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	th->nbucket = 1;
	while (th->nbucket < 2 * cache_tiles)
		th->nbucket <<= 1;
	th->bucket = px_calloc(th->nbucket, sizeof(*th->bucket));
	if (!th->bucket) {
		px_free(th);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	if (pthread_mutex_init(&th->mu, NULL) != 0) {
		px_free(th->bucket);
		px_free(th);
		return px_errorf(err, PX_ENOMEM, "cannot create a mutex");
	}
	th->src = src;
	th->size = size;
	th->cap = cache_tiles;
	*out = th;
	return 0;
}

void log_tilehash_set_size(struct log_tilehash *th, uint64_t size)
{
	struct th_tile *t, *next;

	pthread_mutex_lock(&th->mu);
	if (size != th->size) {
		/* Partial tiles of the old size are replaced by wider ones. */
		for (t = th->head; t; t = next) {
			next = t->next;
			if (t->width < LOG_TILE_WIDTH)
				cache_remove(th, t);
		}
		th->size = size;
	}
	pthread_mutex_unlock(&th->mu);
}

void log_tilehash_reader(struct log_tilehash *th, struct log_hash_reader *r)
{
	r->read = th_read;
	r->ctx = th;
}

void log_tilehash_free(struct log_tilehash *th)
{
	if (!th)
		return;
	while (th->head)
		cache_remove(th, th->head);
	pthread_mutex_destroy(&th->mu);
	px_free(th->bucket);
	px_free(th);
}
