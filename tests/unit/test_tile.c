/* Unit tests for src/log/tile.c: C2SP tlog-tiles paths, widths and the
 * entry-bundle codec. */
#include "test.h"
#include "log/tile.h"

static void path_of(char *out, int level, uint64_t n, unsigned w)
{
	struct log_tile t = {level, n, w};
	log_tile_path(out, &t);
}

TEST(paths_follow_c2sp)
{
	char p[LOG_TILE_PATH_MAX];

	path_of(p, 0, 0, 256);
	CHECK_EQ_STR(p, "tile/0/000");
	path_of(p, 0, 1234067, 256);
	CHECK_EQ_STR(p, "tile/0/x001/x234/067");
	path_of(p, 2, 1000, 17);
	CHECK_EQ_STR(p, "tile/2/x001/000.p/17");
	path_of(p, LOG_TILE_ENTRIES, 5, 3);
	CHECK_EQ_STR(p, "tile/entries/005.p/3");
	path_of(p, 63, UINT64_MAX, 1);
	CHECK_EQ_STR(p, "tile/63/x018/x446/x744/x073/x709/x551/615.p/1");
}

TEST(parse_accepts_only_canonical_paths)
{
	static const char *good[] = {"tile/0/000", "tile/0/x001/x234/067",
				     "tile/entries/005.p/3", "tile/1/999.p/255"};
	static const char *bad[] = {
		"tile/0/00",        "tile/0/0000",     "tile/00/000",
		"tile/0/x000/001",  "tile/0/001/002",  "tile/0/000.p/0",
		"tile/0/000.p/256", "tile/0/000.p/01", "tile/64/000",
		"tile/entries/x5",  "tile/0/000/",     "tiles/0/000",
		"tile/-1/000",      "tile/0/000.p/",   "tile/0/x001"};
	struct log_tile t;
	char p[LOG_TILE_PATH_MAX];
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(good); i++) {
		CHECK_EQ_INT(log_tile_parse_path(good[i], &t), 0);
		log_tile_path(p, &t);
		CHECK_EQ_STR(p, good[i]);
	}
	for (i = 0; i < PX_ARRAY_LEN(bad); i++) {
		if (log_tile_parse_path(bad[i], &t) == 0)
			fprintf(stderr, "accepted %s\n", bad[i]);
		CHECK(log_tile_parse_path(bad[i], &t) == PX_EINVAL);
	}
}

TEST(widths_match_the_spec_example)
{
	/* tlog-tiles: a tree of 70,000 has 273 full level-0 tiles, a partial
	 * of width 112, one full level-1 tile, a partial level-1 tile of 17
	 * and a partial level-2 tile of width 1. */
	CHECK_EQ_INT(log_tile_width(0, 272, 70000), 256);
	CHECK_EQ_INT(log_tile_width(0, 273, 70000), 112);
	CHECK_EQ_INT(log_tile_width(0, 274, 70000), 0);
	CHECK_EQ_INT(log_tile_width(1, 0, 70000), 256);
	CHECK_EQ_INT(log_tile_width(1, 1, 70000), 17);
	CHECK_EQ_INT(log_tile_width(2, 0, 70000), 1);
	CHECK_EQ_INT(log_tile_width(3, 0, 70000), 0);
	CHECK_EQ_INT(log_tile_levels(70000), 3);
	/* a tree of 256: one full level-0 tile, a level-1 tile of width 1 */
	CHECK_EQ_INT(log_tile_width(0, 0, 256), 256);
	CHECK_EQ_INT(log_tile_width(0, 1, 256), 0);
	CHECK_EQ_INT(log_tile_width(1, 0, 256), 1);
	CHECK_EQ_INT(log_tile_levels(0), 0);
	struct log_tile t;
	CHECK_EQ_INT(log_tile_for(0, 69999, 70000, &t), 0);
	CHECK_EQ_INT(t.index, 273);
	CHECK_EQ_INT(t.width, 112);
	CHECK_EQ_INT(log_tile_for(0, 70000, 70000, &t), PX_EINVAL);
}

TEST(bundles_round_trip_and_reject_damage)
{
	struct px_buf b;
	struct log_bundle_entry e[3];
	struct px_err err;
	static uint8_t big[LOG_ENTRY_MAX + 1];

	px_buf_init(&b, 1 << 20);
	CHECK_EQ_INT(log_bundle_add(&b, "abc", 3), 0);
	CHECK_EQ_INT(log_bundle_add(&b, "", 0), 0);
	CHECK_EQ_INT(log_bundle_add(&b, big, LOG_ENTRY_MAX), 0);
	CHECK_EQ_INT(log_bundle_add(&b, big, LOG_ENTRY_MAX + 1), PX_ETOOBIG);
	CHECK_EQ_INT(b.len, 2 + 3 + 2 + 2 + LOG_ENTRY_MAX);
	CHECK_EQ_INT(log_bundle_split(b.data, b.len, 3, e, &err), 0);
	CHECK_EQ_INT(e[0].len, 3);
	CHECK(memcmp(e[0].data, "abc", 3) == 0);
	CHECK_EQ_INT(e[1].len, 0);
	CHECK_EQ_INT(e[2].len, LOG_ENTRY_MAX);
	CHECK_EQ_INT(log_bundle_split(b.data, b.len - 1, 3, e, &err),
		     PX_ECORRUPT);
	CHECK(strstr(err.msg, "inside entry 2 of 3") != NULL);
	CHECK_EQ_INT(log_bundle_split(b.data, b.len, 2, e, &err), PX_ECORRUPT);
	CHECK_EQ_INT(log_bundle_split(b.data, 1, 1, e, &err), PX_ECORRUPT);
	px_buf_release(&b);
}

TEST_MAIN(TEST_ENTRY(paths_follow_c2sp),
	  TEST_ENTRY(parse_accepts_only_canonical_paths),
	  TEST_ENTRY(widths_match_the_spec_example),
	  TEST_ENTRY(bundles_round_trip_and_reject_damage))
