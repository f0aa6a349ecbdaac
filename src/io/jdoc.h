/*
 * jdoc.h - stored canonical JSON, read in place (the exporters' reader).
 *
 * The exports read each stored revision through a struct jdoc: the text parsed
 * once into a flat array of values in document order (each knowing where
 * the value after it starts), every string decoded into the document's own
 * arena.  Stored revisions are canonical JSON (docs/MODEL.md "Canonical
 * JSON", RFC 8785), so this costs one pass over the bytes instead of a
 * tree of allocations, and two values are equal exactly when their texts
 * are (RFC 8785 §3.2).  The accessors answer as jansson's do for a member
 * that is absent or of another type: NULL, 0, no elements.  A text
 * jansson would refuse is refused (RFC 8259: no trailing bytes, control
 * characters escaped, valid UTF-8, \u0000 and lone surrogates not
 * allowed, integers that fit in 64 bits).
 */
#ifndef PX_IO_JDOC_H
#define PX_IO_JDOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum jt { JT_NULL, JT_BOOL, JT_INT, JT_REAL, JT_STR, JT_ARR, JT_OBJ };

#define JD_DEPTH 64 /* canonical JSON nests at most 32 levels */

struct jv {
	uint8_t type;
	uint32_t slen;	   /* JT_STR: decoded length */
	uint32_t next;	   /* index of the value after this one's contents */
	uint32_t n;	   /* JT_ARR: elements; JT_OBJ: members */
	uint32_t off, len; /* the value's text */
	union {
		const char *s; /* JT_STR: decoded, NUL-terminated */
		int64_t i;     /* JT_INT; JT_BOOL: 1 for true */
	} u;
};

struct jdoc {
	struct jv *v; /* v[0] is the document; a member is its name (a
			 JT_STR) followed by its value */
	size_t n, cap;
	char *a; /* the text, then the decoded strings */
	size_t acap, aused;
	size_t len; /* of the text */
};

/* A value: doc and index; absent when d is NULL or i < 0. */
struct jr {
	const struct jdoc *d;
	int i;
};

static const struct jr jnone = {NULL, -1};


/* Parse text[0..len) into d (its memory reused); 0, or -1 if it is not
 * JSON (d then holds nothing).  (jdoc.c) */
int jd_parse(struct jdoc *d, const char *text, size_t len);
/* Free what d holds and clear it. */
void jd_release(struct jdoc *d);
/* A copy of d in one allocation of the size it needs (px_free frees
 * it), or NULL. */
struct jdoc *jd_copy(const struct jdoc *d, size_t *size);

/* ---- reading: as jansson answers for a member that is absent or of
 * another type (NULL, 0, no elements) */

static inline struct jr jroot(const struct jdoc *d)
{
	struct jr r = {d, d && d->n ? 0 : -1};

	return r;
}

static inline int jhas(struct jr v)
{
	return v.d && v.i >= 0;
}

static inline int jtype(struct jr v)
{
	return jhas(v) ? v.d->v[v.i].type : -1;
}

/* The member k of object o. */
static inline struct jr jget(struct jr o, const char *k)
{
	const struct jv *v;
	struct jr r = jnone;
	uint32_t at;
	size_t kl = strlen(k);

	if (jtype(o) != JT_OBJ)
		return r;
	v = o.d->v;
	at = (uint32_t)o.i + 1;
	for (uint32_t m = 0; m < v[o.i].n; m++) {
		if (v[at].slen == kl && memcmp(v[at].u.s, k, kl) == 0) {
			r.d = o.d;
			r.i = (int)at + 1;
			return r;
		}
		at = v[at + 1].next;
	}
	return r;
}

/* The first element of array a; jnext gives the one after. */
static inline struct jr jfirst(struct jr a)
{
	struct jr r = jnone;

	if (jtype(a) == JT_ARR && a.d->v[a.i].n) {
		r.d = a.d;
		r.i = a.i + 1;
	}
	return r;
}

/* The element after e in array a. */
static inline struct jr jnext(struct jr a, struct jr e)
{
	struct jr r = jnone;

	if (jhas(e) && e.d->v[e.i].next < a.d->v[a.i].next) {
		r.d = e.d;
		r.i = (int)e.d->v[e.i].next;
	}
	return r;
}

#define jforeach(a, e) for (e = jfirst(a); jhas(e); e = jnext(a, e))

static inline size_t jsize(struct jr a)
{
	return jtype(a) == JT_ARR ? a.d->v[a.i].n : 0;
}

static inline const char *jstr(struct jr v)
{
	return jtype(v) == JT_STR ? v.d->v[v.i].u.s : NULL;
}

static inline int64_t jint(struct jr v)
{
	return jtype(v) == JT_INT ? v.d->v[v.i].u.i : 0;
}

/* The string member k of o, or "". */
static inline const char *jsget(struct jr o, const char *k)
{
	const char *s = jstr(jget(o, k));

	return s ? s : "";
}

/* The value's text (canonical: equal values, equal texts). */
static inline const char *jtext(struct jr v, size_t *len)
{
	*len = jhas(v) ? v.d->v[v.i].len : 0;
	return jhas(v) ? v.d->a + v.d->v[v.i].off : "";
}

/* As json_equal: 0 when either is absent. */
static inline int jequal(struct jr a, struct jr b)
{
	size_t la, lb;
	const char *ta = jtext(a, &la), *tb = jtext(b, &lb);

	return jhas(a) && jhas(b) && la == lb && memcmp(ta, tb, la) == 0;
}


#endif
