/*
 * fuzz_jdoc.c - libFuzzer target for src/io/jdoc.c, the exporters' reader
 * of stored canonical JSON, against jansson as the reference: for any
 * input the two accept and refuse the same texts (RFC 8259), and for an
 * accepted text they give the same value (numbers with a fraction or an
 * exponent compared by type only, as the exports never read them).  Two
 * documented differences are allowed: jdoc refuses nesting deeper than
 * JD_DEPTH (canonical records nest far less), and a text holding a NUL
 * byte is not compared.  Also: every member jget finds is the one a walk
 * over the object meets first, and a copy (jd_copy) reads the same.
 */
#include "io/jdoc.h"
#include "util/px.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The jdoc value v as a jansson value; reals as 0.0. */
static json_t *to_jansson(struct jr v)
{
	const struct jv *x = &v.d->v[v.i];
	json_t *o;
	struct jr e;
	uint32_t at;

	switch (jtype(v)) {
	case JT_NULL:
		return json_null();
	case JT_BOOL:
		return json_boolean(x->u.i);
	case JT_INT:
		return json_integer(x->u.i);
	case JT_REAL:
		return json_real(0);
	case JT_STR:
		return json_stringn(x->u.s, x->slen);
	case JT_ARR:
		o = json_array();
		jforeach(v, e) json_array_append_new(o, to_jansson(e));
		return o;
	case JT_OBJ:
		o = json_object();
		at = (uint32_t)v.i + 1;
		for (uint32_t m = 0; m < x->n; m++) {
			struct jr val = {v.d, (int)at + 1};
			const struct jv *nv = &v.d->v[at];
			struct jr got = jget(v, nv->u.s);
			/* jget finds the first member of that name (a name
			 * with a NUL in it cannot be asked for) */
			if (strlen(nv->u.s) == nv->slen &&
			    (!jhas(got) || got.i > val.i))
				abort();
			json_object_setn_new_nocheck(o, nv->u.s, nv->slen,
						     to_jansson(val));
			at = v.d->v[at + 1].next;
		}
		return o;
	}
	abort();
}

/* jansson's value with every real as 0.0, and its depth. */
static json_t *zero_reals(json_t *j, int depth, int *max)
{
	size_t i;
	const char *k;
	json_t *v;
	void *tmp;

	if (depth > *max)
		*max = depth;
	if (json_is_real(j)) {
		json_decref(j);
		return json_real(0);
	}
	if (json_is_array(j))
		json_array_foreach(j, i, v) json_array_set_new(
		    j, i, zero_reals(json_incref(v), depth + 1, max));
	if (json_is_object(j))
		json_object_foreach_safe(j, tmp, k, v) json_object_set_new(
		    j, k, zero_reals(json_incref(v), depth + 1, max));
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jdoc d;
	struct jdoc *c;
	json_t *ref, *mine, *again;
	size_t csize;
	int rc, depth = 0;

	if (memchr(data, 0, size))
		return 0;
	memset(&d, 0, sizeof(d));
	ref = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	rc = jd_parse(&d, (const char *)data, size);
	if (ref)
		ref = zero_reals(ref, 1, &depth);
	if (rc == 0 && !ref)
		abort(); /* jdoc took what jansson refuses */
	if (rc != 0 && ref && depth <= JD_DEPTH)
		abort(); /* jdoc refused what jansson takes */
	if (rc == 0) {
		mine = to_jansson(jroot(&d));
		if (!json_equal(mine, ref))
			abort();
		c = jd_copy(&d, &csize);
		if (c) {
			again = to_jansson(jroot(c));
			if (!json_equal(again, ref))
				abort();
			json_decref(again);
			px_free(c);
		}
		json_decref(mine);
	}
	json_decref(ref);
	jd_release(&d);
	return 0;
}
