/*
 * tilehash.h - a hash reader (tree.h) over tlog-tiles fetched from a log
 * source (source.h): the stored hashes are read from tiles and the levels
 * between tile rows are recomputed from the tile's hashes, as C2SP
 * tlog-tiles describes.  Tiles are cached (a bounded LRU), with every
 * subtree hash inside a tile precomputed once, so that serving a proof from
 * a warm cache costs a few lookups and no hashing.
 *
 * The reader trusts nothing it fetches on its own: callers that need
 * authenticated hashes check the root they compute against a verified
 * checkpoint (log_tree_root over this reader) or verify the proof.
 */
#ifndef PX_LOG_TILEHASH_H
#define PX_LOG_TILEHASH_H

#include "log/source.h"
#include "log/tree.h"

struct log_tilehash; /* opaque */

/*
 * A reader of the tree of `size` leaves in `src`, caching at most
 * cache_tiles tiles (0 picks a default).  The source must outlive it.
 */
int log_tilehash_new(struct log_source *src, uint64_t size,
		     size_t cache_tiles, struct log_tilehash **out,
		     struct px_err *err);
/* Move the reader to a larger tree (after an append); cached partial tiles
 * are dropped. */
void log_tilehash_set_size(struct log_tilehash *th, uint64_t size);
void log_tilehash_reader(struct log_tilehash *th, struct log_hash_reader *r);
void log_tilehash_free(struct log_tilehash *th);

#endif
