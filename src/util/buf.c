/*
 * buf.c - growable byte buffers with a hard maximum.  Every buffer that
 * holds outside input (request bodies, files, notes) is bounded, and an
 * append past the bound fails with PX_ETOOBIG instead of growing.
 */
#include "px.h"

#include <string.h>

void px_buf_init(struct px_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void px_buf_release(struct px_buf *b)
{
	px_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void px_buf_reset(struct px_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int px_buf_reserve(struct px_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > b->max || b->len > b->max - extra)
		return PX_ETOOBIG;
	need = b->len + extra + 1; /* room for the terminating NUL */
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = px_realloc(b->data, cap);
	if (!p)
		return PX_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int px_buf_add(struct px_buf *b, const void *p, size_t n)
{
	int rc = px_buf_reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int px_buf_addstr(struct px_buf *b, const char *s)
{
	return px_buf_add(b, s, strlen(s));
}

int px_buf_addc(struct px_buf *b, uint8_t c)
{
	return px_buf_add(b, &c, 1);
}

int px_buf_addf(struct px_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PX_EINVAL;
	rc = px_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

uint8_t *px_buf_detach(struct px_buf *b, size_t *len)
{
	uint8_t *d = b->data;

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
