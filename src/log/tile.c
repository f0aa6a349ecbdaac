/*
 * tile.c - tlog-tiles paths, tile arithmetic and the entry-bundle codec.
 * See tile.h for the layout and https://c2sp.org/tlog-tiles.
 */
#include "tile.h"

#include <string.h>

static size_t put_index(char *out, uint64_t n)
{
	char groups[8][4];
	size_t ng = 0, len = 0, i;

	/* C2SP tlog-tiles: zero-padded 3-digit path elements, all but the
	 * last beginning with an 'x'. */
	do {
		snprintf(groups[ng++], sizeof(groups[0]), "%03u",
			 (unsigned)(n % 1000));
		n /= 1000;
	} while (n > 0);
	for (i = ng; i-- > 0;) {
		if (i > 0)
			out[len++] = 'x';
		memcpy(out + len, groups[i], 3);
		len += 3;
		out[len++] = i > 0 ? '/' : '\0';
	}
	return len - 1;
}

void log_tile_path(char out[LOG_TILE_PATH_MAX], const struct log_tile *t)
{
	int n;

	if (t->level == LOG_TILE_ENTRIES)
		n = snprintf(out, LOG_TILE_PATH_MAX, "tile/entries/");
	else
		n = snprintf(out, LOG_TILE_PATH_MAX, "tile/%d/", t->level);
	n += (int)put_index(out + n, t->index);
	if (t->width < LOG_TILE_WIDTH)
		snprintf(out + n, (size_t)(LOG_TILE_PATH_MAX - n), ".p/%u",
			 t->width);
}

int log_tile_parse_path(const char *path, struct log_tile *t)
{
	const char *p;
	uint64_t level, n = 0, v, w;
	size_t len;
	char canon[LOG_TILE_PATH_MAX];

	if (strncmp(path, "tile/", 5) != 0)
		return PX_EINVAL;
	p = path + 5;
	if (strncmp(p, "entries/", 8) == 0) {
		t->level = LOG_TILE_ENTRIES;
		p += 8;
	} else {
		len = strcspn(p, "/");
		if (px_parse_u64(p, len, &level) || level > 63)
			return PX_EINVAL;
		t->level = (int)level;
		p += len;
		if (*p++ != '/')
			return PX_EINVAL;
	}
	for (;;) {
		int last = *p != 'x';
		if (!last)
			p++;
		if (strlen(p) < 3 || p[0] < '0' || p[0] > '9' ||
		    p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			return PX_EINVAL;
		v = (uint64_t)(p[0] - '0') * 100 + (uint64_t)(p[1] - '0') * 10 +
		    (uint64_t)(p[2] - '0');
		if (n > (UINT64_MAX - v) / 1000)
			return PX_EINVAL;
		n = n * 1000 + v;
		p += 3;
		if (last)
			break;
		if (*p++ != '/')
			return PX_EINVAL;
	}
	t->index = n;
	t->width = LOG_TILE_WIDTH;
	if (*p) {
		if (strncmp(p, ".p/", 3) != 0)
			return PX_EINVAL;
		p += 3;
		if (px_parse_u64(p, strlen(p), &w) || w < 1 ||
		    w >= LOG_TILE_WIDTH)
			return PX_EINVAL;
		t->width = (unsigned)w;
	}
	/* Only the canonical spelling is a tile path. */
	log_tile_path(canon, t);
	return strcmp(canon, path) == 0 ? 0 : PX_EINVAL;
}

uint64_t log_tile_count_at(int level, uint64_t size)
{
	if (level <= 0)
		return size;
	if (level * LOG_TILE_HEIGHT >= 64)
		return 0;
	return size >> (level * LOG_TILE_HEIGHT);
}

int log_tile_levels(uint64_t size)
{
	int levels = 0;

	while (log_tile_count_at(levels, size) > 0)
		levels++;
	return levels;
}

unsigned log_tile_width(int level, uint64_t n, uint64_t size)
{
	uint64_t count = log_tile_count_at(level, size);
	uint64_t full = count / LOG_TILE_WIDTH;

	if (n < full)
		return LOG_TILE_WIDTH;
	if (n == full)
		return (unsigned)(count % LOG_TILE_WIDTH);
	return 0;
}

int log_tile_for(int level, uint64_t index, uint64_t size, struct log_tile *t)
{
	if (index >= log_tile_count_at(level, size))
		return PX_EINVAL;
	t->level = level;
	t->index = index / LOG_TILE_WIDTH;
	t->width = log_tile_width(level, t->index, size);
	return t->width ? 0 : PX_EINVAL;
}

int log_bundle_add(struct px_buf *out, const void *entry, size_t len)
{
	uint8_t prefix[2];
	int rc;

	if (len > LOG_ENTRY_MAX)
		return PX_ETOOBIG;
	prefix[0] = (uint8_t)(len >> 8);
	prefix[1] = (uint8_t)(len & 0xff);
	rc = px_buf_add(out, prefix, 2);
	return rc ? rc : px_buf_add(out, entry, len);
}

int log_bundle_split(const uint8_t *bundle, size_t len, unsigned width,
		     struct log_bundle_entry *entries, struct px_err *err)
{
	size_t off = 0;
	unsigned i;

	for (i = 0; i < width; i++) {
		size_t n;
		if (len - off < 2)
			return px_errorf(err, PX_ECORRUPT,
					 "entry bundle ends at byte %zu, in "
					 "the length of entry %u of %u",
					 len, i, width);
		n = (size_t)bundle[off] << 8 | bundle[off + 1];
		off += 2;
		if (len - off < n)
			return px_errorf(err, PX_ECORRUPT,
					 "entry bundle ends at byte %zu, inside "
					 "entry %u of %u (length %zu)",
					 len, i, width, n);
		entries[i].data = bundle + off;
		entries[i].len = n;
		off += n;
	}
	if (off != len)
		return px_errorf(err, PX_ECORRUPT,
				 "entry bundle has %zu bytes after its %u "
				 "entries",
				 len - off, width);
	return 0;
}
