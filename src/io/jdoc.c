/*
 * jdoc.c - the parser behind jdoc.h: one pass over a JSON text into a
 * flat array of values, strings decoded into the document's own arena,
 * refusing what jansson refuses (RFC 8259; see jdoc.h).
 */
#include "io/jdoc.h"
#include "util/px.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

void jd_release(struct jdoc *d)
{
	px_free(d->v);
	px_free(d->a);
	memset(d, 0, sizeof(*d));
}

static int jd_add(struct jdoc *d)
{
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct jv *nv;

		if (ncap > UINT32_MAX)
			return -1;
		nv = px_realloc(d->v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		d->v = nv;
		d->cap = ncap;
	}
	memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
	return (int)d->n++;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Four hex digits at t[i..]; -1 if they are not. */
static long hex4(const char *t, size_t n, size_t i)
{
	long v = 0;

	if (i + 4 > n)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int h = hexval(t[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The bytes a JSON string holds as themselves: printable ASCII but the
 * quote and the backslash (RFC 8259 §7). */
/* clang-format off */
static const unsigned char jd_plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),					/* 0x00-0x1f */
	1, 1, 0 /* '"' */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	R16(1), R16(1),					/* 0x30-0x4f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* '\\' */, 1, 1, 1,
	R16(1), R16(1),					/* 0x60-0x7f */
	R16(0), R16(0), R16(0), R16(0),			/* 0x80-0xff: */
	R16(0), R16(0), R16(0), R16(0),			/* utf8_len */
#undef R16
};
/* clang-format on */

/* The length of the UTF-8 sequence at t[0..n) (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *t, size_t n)
{
	size_t len = t[0] >= 0xF0 ? 4 : t[0] >= 0xE0 ? 3 : t[0] >= 0xC0 ? 2 : 0;
	uint32_t cp;

	if (!len || t[0] > 0xF4 || len > n)
		return 0;
	cp = t[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((t[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (t[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* The string at t[*pos] (its opening quote), decoded to *out (RFC 8259
 * §7), its length in *slen; *pos moves past the closing quote. */
static int jd_string(const char *t, size_t n, size_t *pos, char **out,
		     uint32_t *slen)
{
	size_t i = *pos + 1;
	char *o = *out;

	while (i < n && t[i] != '"') {
		size_t run = i;
		long cp;

		/* a run of characters that stand for themselves */
		for (;;) {
			size_t k;

			while (run < n && jd_plain[(unsigned char)t[run]])
				run++;
			if (run >= n || (unsigned char)t[run] < 0x80)
				break;
			k = utf8_len((const unsigned char *)t + run, n - run);
			if (!k)
				return -1;
			run += k;
		}
		memcpy(o, t + i, run - i);
		o += run - i;
		i = run;
		if (i >= n || t[i] == '"')
			break;
		if ((unsigned char)t[i] < 0x20)
			return -1;
		if (++i >= n)
			return -1;
		switch (t[i]) {
		case '"':
		case '\\':
		case '/':
			*o++ = t[i];
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			cp = hex4(t, n, i + 1);
			if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
				return -1;
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				long lo;

				if (i + 2 >= n || t[i + 1] != '\\' ||
				    t[i + 2] != 'u')
					return -1;
				lo = hex4(t, n, i + 3);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				i += 6;
			}
			if (cp < 0x80) {
				*o++ = (char)cp;
			} else if (cp < 0x800) {
				*o++ = (char)(0xC0 | (cp >> 6));
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				*o++ = (char)(0xE0 | (cp >> 12));
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else {
				*o++ = (char)(0xF0 | (cp >> 18));
				*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			}
			break;
		default:
			return -1;
		}
		i++;
	}
	if (i >= n)
		return -1;
	*slen = (uint32_t)(o - *out);
	*o++ = 0;
	*out = o;
	*pos = i + 1;
	return 0;
}

static size_t skip_ws(const char *t, size_t n, size_t i)
{
	while (i < n &&
	       (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* The value at d->a[*pos]: its index, or -1 if the text is not JSON. */
static int jd_value(struct jdoc *d, size_t *pos, char **sp, int depth)
{
	const char *t = d->a;
	size_t n = d->len, i = skip_ws(t, n, *pos), start = i;
	int me = jd_add(d);

	if (me < 0 || depth > JD_DEPTH || i >= n)
		return -1;
	if (t[i] == '{' || t[i] == '[') {
		int obj = t[i] == '{';
		char close = obj ? '}' : ']';

		d->v[me].type = obj ? JT_OBJ : JT_ARR;
		i = skip_ws(t, n, i + 1);
		if (i < n && t[i] == close) {
			i++;
		} else {
			for (;;) {
				if (obj) {
					int k;

					i = skip_ws(t, n, i);
					if (i >= n || t[i] != '"')
						return -1;
					k = jd_add(d);
					if (k < 0)
						return -1;
					d->v[k].type = JT_STR;
					d->v[k].off = (uint32_t)i;
					d->v[k].u.s = *sp;
					if (jd_string(t, n, &i, sp,
						      &d->v[k].slen) < 0)
						return -1;
					d->v[k].len =
					    (uint32_t)(i - d->v[k].off);
					d->v[k].next = (uint32_t)d->n;
					i = skip_ws(t, n, i);
					if (i >= n || t[i] != ':')
						return -1;
					i++;
				}
				*pos = i;
				if (jd_value(d, pos, sp, depth + 1) < 0)
					return -1;
				i = skip_ws(t, n, *pos);
				d->v[me].n++;
				if (i < n && t[i] == ',') {
					i++;
					continue;
				}
				if (i < n && t[i] == close) {
					i++;
					break;
				}
				return -1;
			}
		}
	} else if (t[i] == '"') {
		d->v[me].type = JT_STR;
		d->v[me].u.s = *sp;
		if (jd_string(t, n, &i, sp, &d->v[me].slen) < 0)
			return -1;
	} else if (n - i >= 4 && memcmp(t + i, "null", 4) == 0) {
		d->v[me].type = JT_NULL;
		i += 4;
	} else if (n - i >= 4 && memcmp(t + i, "true", 4) == 0) {
		d->v[me].type = JT_BOOL;
		d->v[me].u.i = 1;
		i += 4;
	} else if (n - i >= 5 && memcmp(t + i, "false", 5) == 0) {
		d->v[me].type = JT_BOOL;
		i += 5;
	} else {
		/* RFC 8259 §6: -? int frac? exp? */
		int neg = t[i] == '-', real = 0, big = 0;
		uint64_t v = 0;

		if (neg)
			i++;
		if (i >= n || t[i] < '0' || t[i] > '9')
			return -1;
		if (t[i] == '0' && i + 1 < n && t[i + 1] >= '0' &&
		    t[i + 1] <= '9')
			return -1;
		for (; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
			if (v > (UINT64_C(1) << 63) / 10)
				big = 1;
			v = v * 10 + (uint64_t)(t[i] - '0');
		}
		if (i < n && t[i] == '.') {
			real = 1;
			if (++i >= n || t[i] < '0' || t[i] > '9')
				return -1;
			while (i < n && t[i] >= '0' && t[i] <= '9')
				i++;
		}
		if (i < n && (t[i] == 'e' || t[i] == 'E')) {
			real = 1;
			i++;
			if (i < n && (t[i] == '+' || t[i] == '-'))
				i++;
			if (i >= n || t[i] < '0' || t[i] > '9')
				return -1;
			while (i < n && t[i] >= '0' && t[i] <= '9')
				i++;
		}
		if (!real && (big || v > (uint64_t)INT64_MAX + (uint64_t)neg))
			return -1; /* jansson: too big an integer */
		if (real) {
			double dv;

			errno = 0;
			dv = strtod(t + start, NULL);
			if (errno == ERANGE &&
			    (dv == HUGE_VAL || dv == -HUGE_VAL))
				return -1; /* jansson: real number overflow */
		}
		d->v[me].type = real ? JT_REAL : JT_INT;
		d->v[me].u.i = real ? 0 : neg ? (int64_t)(0 - v) : (int64_t)v;
	}
	d->v[me].off = (uint32_t)start;
	d->v[me].len = (uint32_t)(i - start);
	d->v[me].next = (uint32_t)d->n;
	*pos = i;
	return me;
}

/* Parse text[0..len) into d (its memory reused); 0, or -1 if it is not
 * JSON (d then holds nothing). */
int jd_parse(struct jdoc *d, const char *text, size_t len)
{
	size_t pos = 0;
	char *sp;

	d->n = 0;
	if (!text || len > UINT32_MAX / 2)
		return -1;
	/* the text, and room for its strings decoded (never longer) */
	if (2 * len + 2 > d->acap) {
		char *na = px_realloc(d->a, 2 * len + 2);

		if (!na)
			return -1;
		d->a = na;
		d->acap = 2 * len + 2;
	}
	memcpy(d->a, text, len);
	d->a[len] = 0;
	d->len = len;
	sp = d->a + len + 1;
	if (jd_value(d, &pos, &sp, 0) != 0 || skip_ws(d->a, len, pos) != len) {
		d->n = 0;
		return -1;
	}
	d->aused = (size_t)(sp - d->a);
	return 0;
}

/* A copy of d in one allocation of the size it needs (px_free frees
 * it), or NULL. */
struct jdoc *jd_copy(const struct jdoc *d, size_t *size)
{
	size_t vs = d->n * sizeof(struct jv);
	struct jdoc *c;

	*size = sizeof(*c) + vs + d->aused;
	c = px_malloc(*size);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->v = (struct jv *)(c + 1);
	c->a = (char *)c->v + vs;
	memcpy(c->v, d->v, vs);
	memcpy(c->a, d->a, d->aused);
	c->n = c->cap = d->n;
	c->acap = c->aused = d->aused;
	c->len = d->len;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].type == JT_STR)
			c->v[i].u.s = c->a + (c->v[i].u.s - d->a);
	return c;
}

