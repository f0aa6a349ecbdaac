/*
 * tile.h - the C2SP tlog-tiles layout: tile and entry-bundle paths, the
 * entry-bundle encoding, and which tiles a tree of a given size has.
 *
 * Only src/log/ knows this layout.  Spec: https://c2sp.org/tlog-tiles
 *   - hash tiles are 256 hashes wide ("height 8"): tile/<L>/<N>[.p/<W>]
 *   - level-0 tiles hold leaf hashes; a level-L hash is the Merkle Tree Hash
 *     of a full tile at level L-1, i.e. MTH(D[(n*256+i)*256^L : ...+256^L])
 *   - <N> is written in zero-padded 3-digit groups, all but the last
 *     prefixed with 'x': 1234067 -> x001/x234/067
 *   - entry bundles, tile/entries/<N>[.p/<W>], are big-endian uint16
 *     length-prefixed entries, so one entry is at most 65,535 bytes
 *   - the partial tile at level L of a tree of size s has
 *     floor(s / 256^L) mod 256 hashes; empty tiles do not exist
 */
#ifndef PX_LOG_TILE_H
#define PX_LOG_TILE_H

#include "log/hash.h"
#include "util/px.h"

#include <stdint.h>

#define LOG_TILE_HEIGHT 8
#define LOG_TILE_WIDTH 256
#define LOG_TILE_BYTES (LOG_TILE_WIDTH * LOG_HASH_SIZE)
#define LOG_ENTRY_MAX 65535
/* Level -1 names the entry bundles in the functions below. */
#define LOG_TILE_ENTRIES (-1)
/* Longest path a tile can have ("tile/entries/x...x/NNN.p/255"). */
#define LOG_TILE_PATH_MAX 128

struct log_tile {
	int level;      /* 0..63, or LOG_TILE_ENTRIES */
	uint64_t index; /* N */
	unsigned width; /* 1..256; 256 is a full tile (no .p/ suffix) */
};

/* Write the tile's path relative to the log root ("tile/0/x001/234.p/5"). */
void log_tile_path(char out[LOG_TILE_PATH_MAX], const struct log_tile *t);

/*
 * Parse a path relative to the log root.  Returns 0, or PX_EINVAL for any
 * path that is not exactly the canonical spelling of a tile.
 */
int log_tile_parse_path(const char *path, struct log_tile *t);

/*
 * The tile at `level` (or LOG_TILE_ENTRIES) that holds position `index`
 * of that level, as it is in a tree of `size` leaves.  Returns PX_EINVAL if
 * the tree of that size has no such tile.
 */
int log_tile_for(int level, uint64_t index, uint64_t size, struct log_tile *t);

/* Number of hash-tile levels a tree of `size` has (0 for size 0). */
int log_tile_levels(uint64_t size);

/* Width of the tile with index n at level (or LOG_TILE_ENTRIES) in a tree
 * of `size`: 256, the partial width, or 0 if there is no such tile. */
unsigned log_tile_width(int level, uint64_t n, uint64_t size);

/* Number of hashes at `level` in a tree of `size`: floor(size / 256^level). */
uint64_t log_tile_count_at(int level, uint64_t size);

/*
 * Entry bundles.  Encoding appends one entry (len <= LOG_ENTRY_MAX) to out;
 * decoding splits a bundle into exactly `width` entries and fails with
 * PX_ECORRUPT (message naming the entry position) if the bundle is short,
 * has trailing bytes, or has another number of entries.
 */
int log_bundle_add(struct px_buf *out, const void *entry, size_t len);

struct log_bundle_entry {
	const uint8_t *data; /* points into the bundle */
	size_t len;
};

int log_bundle_split(const uint8_t *bundle, size_t len, unsigned width,
		     struct log_bundle_entry *entries, struct px_err *err);

#endif
