/*
 * canon.c - strict JSON input and the RFC 8785 canonical form.
 *
 * jansson parses (duplicate names refused, its allocator routed through
 * px_malloc so allocation-failure tests reach it); canon_walk then checks
 * the parsed tree against our narrower rules and names the JSON path of
 * the first value that breaks one; canon_emit writes the canonical text.
 * See canon.h for the rules and the path syntax.
 */
#include "record/canon.h"

#include <inttypes.h>
#include <pthread.h>
#include <string.h>

/* ---- paths. */

void rec_path_init(struct rec_path *p)
{
	p->s[0] = '\0';
	p->len = 0;
}

/* Append text; on overflow keep what fits, end in "..." and stop growing
 * (rec_path_pop still restores an earlier length). */
static void path_add(struct rec_path *p, const char *s, size_t n)
{
	const size_t room = REC_PATH_MAX - 4; /* leaves "..." and the NUL */

	if (p->len >= room)
		return;
	if (p->len + n > room) {
		memcpy(p->s + p->len, s, room - p->len);
		memcpy(p->s + room, "...", 3);
		p->len = REC_PATH_MAX - 1;
		p->s[p->len] = '\0';
		return;
	}
	memcpy(p->s + p->len, s, n);
	p->len += n;
	p->s[p->len] = '\0';
}

static int is_ident(const char *k, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

size_t rec_path_push_key(struct rec_path *p, const char *key, size_t klen)
{
	size_t old = p->len;

	if (is_ident(key, klen)) {
		if (p->len > 0)
			path_add(p, ".", 1);
		path_add(p, key, klen);
	} else {
		/* ["name"], with '"', '\' and controls escaped, and at most
		 * 44 bytes of the name, cut between characters. */
		char q[64];
		size_t i = 0, n = 0;
		q[n++] = '[';
		q[n++] = '"';
		while (i < klen) {
			unsigned char c = (unsigned char)key[i];
			size_t clen = c < 0x80	 ? 1
				      : c < 0xE0 ? 2
				      : c < 0xF0 ? 3
						 : 4;
			int ctl = c < 0x20 || c == 0x7F;
			size_t olen = (c == '"' || c == '\\') ? 2
				      : ctl		      ? 6
							      : clen;
			if (clen > klen - i)
				clen = klen - i;
			if (n + olen > 46)
				break;
			if (c == '"' || c == '\\') {
				q[n++] = '\\';
				q[n++] = (char)c;
			} else if (ctl) {
				snprintf(q + n, sizeof(q) - n, "\\u%04x", c);
				n += 6;
			} else {
				memcpy(q + n, key + i, clen);
				n += clen;
			}
			i += clen;
		}
		if (i < klen) {
			memcpy(q + n, "...", 3);
			n += 3;
		}
		q[n++] = '"';
		q[n++] = ']';
		path_add(p, q, n);
	}
	return old;
}

size_t rec_path_push_index(struct rec_path *p, size_t i)
{
	size_t old = p->len;
	char q[32];
	int n = snprintf(q, sizeof(q), "[%zu]", i);

	path_add(p, q, (size_t)n);
	return old;
}

void rec_path_pop(struct rec_path *p, size_t old_len)
{
	if (old_len <= p->len) {
		p->len = old_len;
		p->s[old_len] = '\0';
	}
}

const char *rec_path_str(const struct rec_path *p)
{
	return p->len ? p->s : "$";
}

/* ---- UTF-8 and UTF-16 order. */

/* Decode one code point at s[*i]; -1 if the sequence is not valid UTF-8
 * (RFC 3629 §4: shortest form, no surrogates, at most U+10FFFF). */
static long utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	size_t need, k;
	long cp, min;

	if (c < 0x80) {
		(*i)++;
		return c;
	} else if (c >= 0xC2 && c <= 0xDF) {
		need = 1, cp = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2, cp = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3, cp = c & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (len - *i <= need)
		return -1;
	for (k = 1; k <= need; k++) {
		unsigned char d = s[*i + k];
		if ((d & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (d & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i += need + 1;
	return cp;
}

long rec_utf8_count(const char *s, size_t len)
{
	size_t i = 0;
	long n = 0;

	while (i < len) {
		if (utf8_next((const unsigned char *)s, len, &i) < 0)
			return -1;
		n++;
	}
	return n;
}

/* A reader of UTF-16 code units over UTF-8 text. */
struct u16_reader {
	const unsigned char *s;
	size_t len, i;
	unsigned pending; /* a low surrogate still to deliver, or 0 */
};

/* The next code unit, or -1 at the end (invalid bytes read as U+FFFD). */
static long u16_next(struct u16_reader *r)
{
	long cp;

	if (r->pending) {
		cp = (long)r->pending;
		r->pending = 0;
		return cp;
	}
	if (r->i >= r->len)
		return -1;
	cp = utf8_next(r->s, r->len, &r->i);
	if (cp < 0) {
		r->i++;
		return 0xFFFD;
	}
	if (cp >= 0x10000) {
		cp -= 0x10000;
		r->pending = 0xDC00u + (unsigned)(cp & 0x3FF);
		return 0xD800 + (cp >> 10);
	}
	return cp;
}

int rec_utf16_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct u16_reader ra = {(const unsigned char *)a, alen, 0, 0};
	struct u16_reader rb = {(const unsigned char *)b, blen, 0, 0};

	for (;;) {
		long ua = u16_next(&ra), ub = u16_next(&rb);
		if (ua != ub)
			return ua < ub ? -1 : 1;
		if (ua < 0)
			return 0;
	}
}

/* ---- jansson's allocator is ours. */

static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;
/* Set when an allocation for jansson failed on this thread: jansson does
 * not always report running out of memory as such. */
static _Thread_local int jansson_oom;

static void *jansson_malloc(size_t n)
{
	void *p = px_malloc(n);

	if (!p)
		jansson_oom = 1;
	return p;
}

static void set_alloc(void)
{
	json_set_alloc_funcs(jansson_malloc, px_free);
}

/* ---- checking a tree. */

static int check_string(const char *s, size_t len, const struct rec_path *p,
			const char *what, struct px_err *err)
{
	if (rec_utf8_count(s, len) < 0)
		return px_errorf(err, PX_EINVAL, "%s: %s is not valid UTF-8",
				 rec_path_str(p), what);
	if (memchr(s, '\0', len))
		return px_errorf(err, PX_EINVAL, "%s: %s contains U+0000",
				 rec_path_str(p), what);
	return 0;
}

static int canon_walk(const json_t *v, struct rec_path *p, int depth,
		      struct px_err *err)
{
	int rc;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		size_t old;
		if (depth >= REC_CANON_DEPTH_MAX)
			return px_errorf(err, PX_EINVAL,
					 "%s: nested deeper than %d levels",
					 rec_path_str(p), REC_CANON_DEPTH_MAX);
		json_object_foreach((json_t *)v, key, m)
		{
			size_t klen = json_object_iter_key_len(
			    json_object_key_to_iter(key));
			old = rec_path_push_key(p, key, klen);
			rc = check_string(key, klen, p, "member name", err);
			if (rc == 0)
				rc = canon_walk(m, p, depth + 1, err);
			if (rc < 0)
				return rc;
			rec_path_pop(p, old);
		}
		return 0;
	}
	case JSON_ARRAY: {
		size_t i, old;
		if (depth >= REC_CANON_DEPTH_MAX)
			return px_errorf(err, PX_EINVAL,
					 "%s: nested deeper than %d levels",
					 rec_path_str(p), REC_CANON_DEPTH_MAX);
		for (i = 0; i < json_array_size(v); i++) {
			old = rec_path_push_index(p, i);
			rc =
			    canon_walk(json_array_get(v, i), p, depth + 1, err);
			if (rc < 0)
				return rc;
			rec_path_pop(p, old);
		}
		return 0;
	}
	case JSON_STRING:
		return check_string(json_string_value(v), json_string_length(v),
				    p, "string", err);
	case JSON_INTEGER: {
		json_int_t n = json_integer_value(v);
		if (n > REC_INT_MAX || n < -REC_INT_MAX)
			return px_errorf(err, PX_EINVAL,
					 "%s: integer %" JSON_INTEGER_FORMAT
					 " is outside +-(2^53-1)",
					 rec_path_str(p), n);
		return 0;
	}
	case JSON_REAL:
		return px_errorf(err, PX_EINVAL,
				 "%s: numbers must be integers (%.17g)",
				 rec_path_str(p), json_real_value(v));
	case JSON_TRUE:
	case JSON_FALSE:
	case JSON_NULL:
		return 0;
	}
	return px_errorf(err, PX_EINVAL, "%s: unknown JSON value",
			 rec_path_str(p));
}

int rec_canon_check(const json_t *v, struct px_err *err)
{
	struct rec_path p;

	if (!v)
		return px_errorf(err, PX_EINVAL, "$: no value");
	rec_path_init(&p);
	return canon_walk(v, &p, 0, err);
}

/*
 * The JSON path of byte `pos` of a text jansson refused, found by scanning
 * the text up to there: which member or array item the error is in.  Only
 * used for messages; the scan trusts nothing and never reads past len.
 */
#define PATH_SCAN_DEPTH 64

struct scan_frame {
	int is_array;
	size_t index; /* arrays: the item being read */
	size_t key,
	    klen; /* objects: span of the current name, klen 0 if none */
	int has_key;
	int want_key; /* objects: the next string is a name */
};

static void path_key_span(struct rec_path *p, const char *text, size_t key,
			  size_t klen)
{
	const char *k = text + key;
	char clean[256];
	size_t i, n = 0;

	if (memchr(k, '\\', klen)) {
		/* decode the escapes with jansson: "\u0061" is the name "a" */
		json_t *d = json_loadb(k - 1, klen + 2, JSON_DECODE_ANY, NULL);
		if (d && json_is_string(d)) {
			rec_path_push_key(p, json_string_value(d),
					  json_string_length(d));
			json_decref(d);
			return;
		}
		if (d)
			json_decref(d);
	}
	if (rec_utf8_count(k, klen) >= 0) {
		rec_path_push_key(p, k, klen);
		return;
	}
	/* not UTF-8: show the ASCII, '?' for the rest */
	for (i = 0; i < klen && n < sizeof(clean); i++)
		clean[n++] = (unsigned char)k[i] < 0x80 ? k[i] : '?';
	rec_path_push_key(p, clean, n);
}

static void path_at(const char *text, size_t len, size_t pos,
		    struct rec_path *p)
{
	struct scan_frame st[PATH_SCAN_DEPTH];
	size_t depth = 0, i = 0, d;

	if (pos > len)
		pos = len;
	while (i < pos) {
		char c = text[i];
		struct scan_frame *top =
		    depth && depth <= PATH_SCAN_DEPTH ? &st[depth - 1] : NULL;
		if (c == '"') {
			size_t start = ++i;
			while (i < len && text[i] != '"') {
				if (text[i] == '\\')
					i++;
				i++;
			}
			if (top && !top->is_array && top->want_key) {
				top->key = start;
				top->klen = (i < len ? i : len) - start;
				top->has_key = 1;
				top->want_key = 0;
			}
			i++;
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth < PATH_SCAN_DEPTH) {
				struct scan_frame *f = &st[depth];
				memset(f, 0, sizeof(*f));
				f->is_array = c == '[';
				f->want_key = c == '{';
			}
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		} else if (c == ',' && top) {
			if (top->is_array) {
				top->index++;
			} else {
				top->has_key = 0;
				top->want_key = 1;
			}
		}
		i++;
	}
	for (d = 0; d < depth && d < PATH_SCAN_DEPTH; d++) {
		if (st[d].is_array)
			rec_path_push_index(p, st[d].index);
		else if (st[d].has_key)
			path_key_span(p, text, st[d].key, st[d].klen);
	}
	if (depth > PATH_SCAN_DEPTH)
		path_add(p, "...", 3);
}

/* jansson's message with what is not printable UTF-8 (its "near" text
 * quotes the input) replaced by '?', so that errors are safe to show. */
static void clean_message(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), i = 0, n = 0;

	while (i < len && n + 5 < cap) {
		size_t start = i;
		long cp = utf8_next((const unsigned char *)in, len, &i);
		if (cp < 0) {
			out[n++] = '?';
			i = start + 1;
		} else if (cp < 0x20 || cp == 0x7F ||
			   (cp >= 0x80 && cp < 0xA0)) {
			out[n++] = '?';
		} else {
			memcpy(out + n, in + start, i - start);
			n += i - start;
		}
	}
	out[n] = '\0';
}

int rec_canon_parse(const char *text, size_t len, json_t **out,
		    struct px_err *err)
{
	json_error_t jerr;
	char why[JSON_ERROR_TEXT_LENGTH + 8];
	struct rec_path p;
	json_t *v;
	int rc;

	*out = NULL;
	rec_path_init(&p);
	if (len > REC_CANON_TEXT_MAX)
		return px_errorf(err, PX_ETOOBIG,
				 "$: JSON text is %zu bytes, more than %d", len,
				 REC_CANON_TEXT_MAX);
	pthread_once(&alloc_once, set_alloc);
	jansson_oom = 0;
	v = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		       &jerr);
	if (!v) {
		if (jansson_oom ||
		    json_error_code(&jerr) == json_error_out_of_memory)
			return px_errorf(err, PX_ENOMEM,
					 "$: out of memory parsing JSON");
		path_at(text, len,
			jerr.position < 0 ? 0 : (size_t)jerr.position, &p);
		clean_message(jerr.text, why, sizeof(why));
		return px_errorf(err, PX_EINVAL,
				 "%s: invalid JSON at line %d, column %d: %s",
				 rec_path_str(&p), jerr.line, jerr.column, why);
	}
	if (jansson_oom) {
		/* jansson 2.14 ignores some failed appends to its string
		 * buffer (lex_save), so a "successful" parse under memory
		 * pressure can hold a truncated string: never trust it. */
		json_decref(v);
		return px_errorf(err, PX_ENOMEM,
				 "$: out of memory parsing JSON");
	}
	rc = rec_canon_check(v, err);
	if (rc < 0) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* ---- writing (RFC 8785 §3.2). */

/* RFC 8785 §3.2.2.2: '"' and '\' and the controls U+0000..U+001F are
 * escaped, the five with short forms as \b \t \n \f \r, the rest as \u00hh
 * in lower case; every other character is written as itself in UTF-8. */
static int emit_string(struct px_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	int rc = px_buf_addc(out, '"');

	for (i = 0; rc == 0 && i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		size_t n = 0;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rc = px_buf_add(out, s + run, i - run);
		run = i + 1;
		esc[n++] = '\\';
		switch (c) {
		case '"':
			esc[n++] = '"';
			break;
		case '\\':
			esc[n++] = '\\';
			break;
		case 0x08:
			esc[n++] = 'b';
			break;
		case 0x09:
			esc[n++] = 't';
			break;
		case 0x0A:
			esc[n++] = 'n';
			break;
		case 0x0C:
			esc[n++] = 'f';
			break;
		case 0x0D:
			esc[n++] = 'r';
			break;
		default:
			esc[n++] = 'u';
			esc[n++] = '0';
			esc[n++] = '0';
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		}
		if (rc == 0)
			rc = px_buf_add(out, esc, n);
	}
	if (rc == 0)
		rc = px_buf_add(out, s + run, len - run);
	if (rc == 0)
		rc = px_buf_addc(out, '"');
	return rc;
}

struct member {
	const char *key;
	size_t klen;
	json_t *value;
};

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	return rec_utf16_cmp(x->key, x->klen, y->key, y->klen);
}

static int canon_emit(const json_t *v, struct px_buf *out)
{
	int rc = 0;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		struct member *m = NULL;
		const char *key;
		json_t *val;
		if (n) {
			m = px_malloc(n * sizeof(*m));
			if (!m)
				return PX_ENOMEM;
		}
		json_object_foreach((json_t *)v, key, val)
		{
			m[i].key = key;
			m[i].klen = json_object_iter_key_len(
			    json_object_key_to_iter(key));
			m[i].value = val;
			i++;
		}
		/* RFC 8785 §3.2.3: members sorted by the UTF-16 code units of
		 * their names, compared as unsigned integers. */
		if (n > 1)
			qsort(m, n, sizeof(*m), member_cmp);
		rc = px_buf_addc(out, '{');
		for (i = 0; rc == 0 && i < n; i++) {
			if (i)
				rc = px_buf_addc(out, ',');
			if (rc == 0)
				rc = emit_string(out, m[i].key, m[i].klen);
			if (rc == 0)
				rc = px_buf_addc(out, ':');
			if (rc == 0)
				rc = canon_emit(m[i].value, out);
		}
		if (rc == 0)
			rc = px_buf_addc(out, '}');
		px_free(m);
		return rc;
	}
	case JSON_ARRAY: {
		size_t i;
		rc = px_buf_addc(out, '[');
		for (i = 0; rc == 0 && i < json_array_size(v); i++) {
			if (i)
				rc = px_buf_addc(out, ',');
			if (rc == 0)
				rc = canon_emit(json_array_get(v, i), out);
		}
		if (rc == 0)
			rc = px_buf_addc(out, ']');
		return rc;
	}
	case JSON_STRING:
		return emit_string(out, json_string_value(v),
				   json_string_length(v));
	case JSON_INTEGER:
		/* RFC 8785 §3.2.2.3: ECMAScript Number-to-String; for an
		 * integer of magnitude below 2^53 that is its decimal digits,
		 * with "-" when negative and no leading zeros. */
		return px_buf_addf(out, "%" JSON_INTEGER_FORMAT,
				   json_integer_value(v));
	case JSON_TRUE:
		return px_buf_addstr(out, "true"); /* §3.2.2.1 */
	case JSON_FALSE:
		return px_buf_addstr(out, "false");
	case JSON_NULL:
		return px_buf_addstr(out, "null");
	case JSON_REAL:
		break;
	}
	return PX_EINVAL;
}

int rec_canon_write(const json_t *v, struct px_buf *out, struct px_err *err)
{
	size_t start = out->len;
	int rc = rec_canon_check(v, err);

	if (rc < 0)
		return rc;
	rc = canon_emit(v, out);
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		if (rc == PX_ETOOBIG)
			return px_errorf(err, rc,
					 "$: canonical JSON is longer than %zu "
					 "bytes",
					 out->max - start);
		return px_errorf(err, rc, "$: writing canonical JSON: %s",
				 px_strerror(rc));
	}
	return 0;
}

int rec_canon_text(const char *text, size_t len, struct px_buf *out,
		   struct px_err *err)
{
	json_t *v;
	int rc = rec_canon_parse(text, len, &v, err);

	if (rc < 0)
		return rc;
	rc = rec_canon_write(v, out, err);
	json_decref(v);
	return rc;
}
