/*
 * fuzz_record.c - libFuzzer target for strict JSON parsing, the RFC 8785
 * canonical form and record validation (src/record/).  For any input:
 * nothing crashes or leaks; when the input parses, its canonical form
 * parses again to exactly the same bytes (a fixed point) and is never
 * longer than the input; when the input is a valid record, its canonical
 * text is a valid, canonical entry text with the same id.
 */
#include "record/record.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A store that knows every id whose hash starts with a digit. */
static int resolve(void *ctx, const char *id, enum rec_kind kind,
		   struct px_err *err)
{
	const char *dash = strchr(id, '-');

	(void)ctx;
	(void)kind;
	(void)err;
	return dash && dash[1] >= '0' && dash[1] <= '9' ? 0 : PX_ENOTFOUND;
}

/* Error messages are shown to users: printable UTF-8, always. */
static void check_message(const struct px_err *err)
{
	size_t i, n = strlen(err->msg);

	if (n == 0 || rec_utf8_count(err->msg, n) < 0)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 || err->msg[i] == 0x7F)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rec_resolver res = {resolve, NULL};
	struct px_buf a, b;
	struct px_err err;
	struct rec r, r2;

	px_buf_init(&a, REC_CANON_TEXT_MAX);
	px_buf_init(&b, REC_CANON_TEXT_MAX);
	px_err_clear(&err);
	if (rec_canon_text((const char *)data, size, &a, &err) != 0) {
		check_message(&err);
	} else {
		if (a.len > size)
			abort();
		if (rec_canon_text((const char *)a.data, a.len, &b, &err) != 0)
			abort();
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort();
	}
	px_err_clear(&err);
	if (rec_parse((const char *)data, size, &res, &r, &err) != 0) {
		check_message(&err);
	} else {
		if (r.canon.len != a.len ||
		    memcmp(r.canon.data, a.data, a.len) != 0)
			abort();
		if (rec_parse_canonical((const char *)r.canon.data, r.canon.len,
					&res, &r2, &err) != 0)
			abort();
		if (strcmp(r.info.id, r2.info.id) != 0)
			abort();
		rec_release(&r2);
		rec_release(&r);
	}
	px_buf_release(&a);
	px_buf_release(&b);
	return 0;
}
