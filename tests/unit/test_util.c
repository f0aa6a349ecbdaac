/* Unit tests for src/util: buffers, encodings, number parsing, files,
 * the failing allocator. */
#include "test.h"
#include "util/px.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(buf_respects_max)
{
	struct px_buf b;

	px_buf_init(&b, 8);
	CHECK_EQ_INT(px_buf_add(&b, "12345678", 8), 0);
	CHECK_EQ_INT(px_buf_add(&b, "9", 1), PX_ETOOBIG);
	CHECK_EQ_INT(b.len, 8);
	CHECK_EQ_STR((char *)b.data, "12345678");
	px_buf_reset(&b);
	CHECK_EQ_INT(px_buf_addf(&b, "%d-%s", 42, "x"), 0);
	CHECK_EQ_STR((char *)b.data, "42-x");
	CHECK_EQ_INT(px_buf_addf(&b, "%s", "abcdefgh"), PX_ETOOBIG);
	px_buf_release(&b);
}

TEST(buf_survives_failed_allocation)
{
	struct px_buf b;

	px_buf_init(&b, 1 << 20);
	px_alloc_fail_at(1, 0);
	CHECK_EQ_INT(px_buf_add(&b, "abc", 3), PX_ENOMEM);
	CHECK_EQ_INT(b.len, 0);
	CHECK_EQ_INT(px_buf_add(&b, "abc", 3), 0);
	px_alloc_fail_at(0, 0);
	CHECK_EQ_STR((char *)b.data, "abc");
	px_buf_release(&b);
}

TEST(grow_doubles_and_keeps_the_array_on_failure)
{
	int *a = NULL;
	size_t cap = 0, i;

	CHECK_EQ_INT(px_grow(&a, &cap, 3, sizeof(*a), 4), 0);
	CHECK_EQ_INT(cap, 4);
	for (i = 0; i < 4; i++)
		a[i] = (int)i;
	CHECK_EQ_INT(px_grow(&a, &cap, 4, sizeof(*a), 4), 0);
	CHECK_EQ_INT(cap, 4);
	CHECK_EQ_INT(px_grow(&a, &cap, 9, sizeof(*a), 4), 0);
	CHECK_EQ_INT(cap, 16);
	CHECK_EQ_INT(a[3], 3);
	px_alloc_fail_at(1, 0);
	CHECK_EQ_INT(px_grow(&a, &cap, 17, sizeof(*a), 4), PX_ENOMEM);
	px_alloc_fail_at(0, 0);
	CHECK_EQ_INT(cap, 16);
	CHECK_EQ_INT(a[3], 3);
	CHECK_EQ_INT(px_grow(&a, &cap, SIZE_MAX / 2, sizeof(*a), 4),
		     PX_ENOMEM);
	CHECK_EQ_INT(cap, 16);
	px_free(a);
}

TEST(hex_round_trip)
{
	uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff}, out[4];
	char hex[9];

	px_hex_encode(hex, in, 4);
	CHECK_EQ_STR(hex, "00ab7fff");
	CHECK_EQ_INT(px_hex_decode(out, 4, hex, 8), 0);
	CHECK(memcmp(in, out, 4) == 0);
	CHECK_EQ_INT(px_hex_decode(out, 4, "00ab7ff", 7), PX_EINVAL);
	CHECK_EQ_INT(px_hex_decode(out, 4, "00ab7fgf", 8), PX_EINVAL);
}

TEST(base64_is_strict)
{
	uint8_t out[16];
	size_t n;
	char enc[16];

	px_b64_encode(enc, (const uint8_t *)"hi!", 3);
	CHECK_EQ_STR(enc, "aGkh");
	px_b64_encode(enc, (const uint8_t *)"hi", 2);
	CHECK_EQ_STR(enc, "aGk=");
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "aGk=", 4), 0);
	CHECK_EQ_INT(n, 2);
	/* non-zero bits after the data: not canonical */
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "aGl=", 4), PX_EINVAL);
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "aGk", 3), PX_EINVAL);
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "aG k", 4), PX_EINVAL);
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "", 0), PX_EINVAL);
	CHECK_EQ_INT(px_b64_decode(out, 1, &n, "aGkh", 4), PX_EINVAL);
	/* bytes outside the alphabet, which libsodium alone would accept */
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "aG\xce\x91", 4),
		     PX_EINVAL);
	CHECK_EQ_INT(px_b64_decode(out, sizeof(out), &n, "a=k=", 4), PX_EINVAL);
}

TEST(parse_u64_rejects_sloppy_numbers)
{
	uint64_t v;

	CHECK_EQ_INT(px_parse_u64("0", 1, &v), 0);
	CHECK_EQ_INT(v, 0);
	CHECK_EQ_INT(px_parse_u64("18446744073709551615", 20, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ_INT(px_parse_u64("18446744073709551616", 20, &v), PX_EINVAL);
	CHECK_EQ_INT(px_parse_u64("012", 3, &v), PX_EINVAL);
	CHECK_EQ_INT(px_parse_u64("-1", 2, &v), PX_EINVAL);
	CHECK_EQ_INT(px_parse_u64("", 0, &v), PX_EINVAL);
	CHECK_EQ_INT(px_parse_u64("1 ", 2, &v), PX_EINVAL);
}

TEST(durable_write_and_read)
{
	char dir[] = "/tmp/px-test-XXXXXX";
	struct px_err err;
	struct px_buf b;
	char *path, *sub;
	struct stat st;

	REQUIRE(mkdtemp(dir) != NULL);
	sub = px_path_join(dir, "a/b/c");
	CHECK_EQ_INT(px_mkdirs(sub, 0700, &err), 0);
	path = px_path_join(sub, "f");
	CHECK_EQ_INT(px_write_file_durable(path, "hello", 5, 0600, &err), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	px_buf_init(&b, 4);
	CHECK_EQ_INT(px_read_file(path, &b, &err), PX_ETOOBIG);
	CHECK(strstr(err.msg, path) != NULL);
	px_buf_release(&b);
	px_buf_init(&b, 100);
	CHECK_EQ_INT(px_read_file(path, &b, &err), 0);
	CHECK_EQ_STR((char *)b.data, "hello");
	px_buf_release(&b);
	px_buf_init(&b, 100);
	unlink(path);
	CHECK_EQ_INT(px_read_file(path, &b, &err), PX_ENOTFOUND);
	px_buf_release(&b);
	px_free(path);
	px_free(sub);
	CHECK(system("true") == 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST(error_names_come_from_one_list)
{
	CHECK_EQ_STR(px_strerror_name(PX_EVERIFY), "EVERIFY");
	CHECK_EQ_STR(px_strerror(PX_ETOOBIG), "too large");
	struct px_err err;
	CHECK_EQ_INT(px_errorf(&err, PX_EINVAL, "'%s': bad", "x"), PX_EINVAL);
	px_err_prefix(&err, "line %d", 3);
	CHECK_EQ_STR(err.msg, "line 3: 'x': bad");
	/* without an err to fill, prefixing still reports the failure */
	px_errorf(NULL, PX_ETOOBIG, "x");
	CHECK_EQ_INT(px_err_prefix(NULL, "where"), PX_ETOOBIG);
}

TEST_MAIN(TEST_ENTRY(buf_respects_max),
	  TEST_ENTRY(buf_survives_failed_allocation),
	  TEST_ENTRY(grow_doubles_and_keeps_the_array_on_failure),
	  TEST_ENTRY(hex_round_trip), TEST_ENTRY(base64_is_strict),
	  TEST_ENTRY(parse_u64_rejects_sloppy_numbers),
	  TEST_ENTRY(durable_write_and_read),
	  TEST_ENTRY(error_names_come_from_one_list))
