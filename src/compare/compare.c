/*
 * compare.c - where the accounts of one event agree and where they
 * conflict (compare.h), by the rules of docs/MODEL.md "Comparison".
 *
 * cmp_event reads the accounts (store records), puts them in a fixed order
 * (log index, then id, then position in the input), and builds one entry
 * per claim field: the value in every account that makes the claim, in
 * that order, and a status.  Each field has its own agreement rule:
 *   time             intervals of whole days intersect (pairwise, which for
 *                    intervals is the same as all of them sharing a day);
 *   place            for every two claims one place contains the other
 *                    (equal, or within it by the caller's callback);
 *   type             equal types; sub-types compared when both give one;
 *   initiators,      the same set of actors, two actor names being the
 *   targets          same when equal after trimming or when their names
 *                    keys (src/names/) are equal;
 *   characterization never compared ("side-by-side");
 *   casualties.*     the ranges [low, high] all overlap (pairwise, the same
 *                    as a common overlap), per category and military side;
 *   relations.<id>   every account relating the event to <id> gives the
 *                    same set of relation types.
 * A field claimed by one account is "single-source".  The input is not
 * trusted: whatever the comparison reads is checked, and a malformed
 * account is PX_EINVAL naming the account id and the JSON path.
 */
#include "compare/compare.h"

#include "names/names.h"

#include <stdlib.h>
#include <string.h>

#define CMP_COUNT_MAX 10000000 /* a casualty figure (docs/MODEL.md) */

struct acct {
	const char *id;
	const char *owner;
	json_int_t index; /* -1: not given */
	size_t pos;	  /* position in the input array */
	const json_t *record;
	const json_t *claims; /* NULL when the account makes no claim */
};

/* A malformed account: "account \"ID\": PATH: reason". */
static int bad(struct px_err *err, const struct acct *a, const char *path,
	       const char *why)
{
	return px_errorf(err, PX_EINVAL, "account \"%s\": %s: %s", a->id, path,
			 why);
}

static int acct_order(const void *pa, const void *pb)
{
	const struct acct *a = pa, *b = pb;
	int c;

	if (a->index != b->index) {
		if (a->index < 0)
			return 1;
		if (b->index < 0)
			return -1;
		return a->index < b->index ? -1 : 1;
	}
	c = strcmp(a->id, b->id);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* ---- building the output */

/* New field entry {"status": ..., "values": []}; *values gets the array. */
static json_t *field_new(json_t **values)
{
	json_t *f = json_object();

	*values = json_array();
	if (!f || !*values || json_object_set_new(f, "values", *values) < 0) {
		json_decref(f);
		if (!f)
			json_decref(*values);
		return NULL;
	}
	return f;
}

/* Append {"account", "owner", "value"} (value borrowed, a reference taken). */
static json_t *value_add(json_t *values, const struct acct *a,
			 const json_t *value)
{
	json_t *v = json_pack("{s:s,s:s,s:O}", "account", a->id, "owner",
			      a->owner, "value", value);

	if (!v || json_array_append_new(values, v) < 0)
		return NULL;
	return v;
}

static int nomem(struct px_err *err)
{
	return px_errorf(err, PX_ENOMEM, "compare: out of memory");
}

/* Set the status and add the field to "fields" (f is consumed, even on
 * failure); *disputed is set when the field is disputed. */
static int field_finish(json_t *fields, const char *name, json_t *f, size_t n,
			int agreed, int *disputed, struct px_err *err)
{
	const char *status = n == 1   ? "single-source"
			     : agreed ? "agreed"
				      : "disputed";

	if (n > 1 && !agreed)
		*disputed = 1;
	if (json_object_set_new(f, "status", json_string(status)) < 0) {
		json_decref(f);
		return nomem(err);
	}
	if (json_object_set_new(fields, name, f) < 0)
		return nomem(err);
	return 0;
}

/* ---- reading claims */

static int is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	}
	return s[i] == '\0';
}

/* A member that must be a string if present; *out NULL when absent. */
static int get_str(const struct acct *a, const json_t *obj, const char *key,
		   const char *path, int required, const char **out,
		   struct px_err *err)
{
	const json_t *v = json_object_get(obj, key);
	char p[256];

	*out = NULL;
	snprintf(p, sizeof(p), "%s.%s", path, key);
	if (!v) {
		if (required)
			return bad(err, a, p, "missing");
		return 0;
	}
	if (!json_is_string(v))
		return bad(err, a, p, "must be a string");
	*out = json_string_value(v);
	return 0;
}

/* The claim object claims.<name>, or NULL (not claimed). */
static int get_claim(const struct acct *a, const char *name, const json_t **out,
		     struct px_err *err)
{
	const json_t *c;
	char p[64];

	*out = NULL;
	if (!a->claims)
		return 0;
	c = json_object_get(a->claims, name);
	if (!c)
		return 0;
	snprintf(p, sizeof(p), "record.claims.%s", name);
	if (!json_is_object(c))
		return bad(err, a, p, "must be an object");
	*out = c;
	return 0;
}

/* ---- time */

int cmp_intervals_intersect(const char *s1, const char *e1, const char *s2,
			    const char *e2)
{
	/* "YYYY-MM-DD" strings order as the days they name. */
	if (!s1 || !e1 || !s2 || !e2)
		return 0;
	return strcmp(s1, e2) <= 0 && strcmp(s2, e1) <= 0;
}

static int cmp_time(const struct acct *acc, size_t n, json_t *fields,
		    int *disputed, struct px_err *err)
{
	const char *max_start = NULL, *min_end = NULL;
	json_t *f = NULL, *values = NULL;
	size_t i, count = 0;
	int rc;

	for (i = 0; i < n; i++) {
		const json_t *c;
		const char *s, *e;

		rc = get_claim(&acc[i], "time", &c, err);
		if (rc < 0)
			goto fail;
		if (!c)
			continue;
		if ((rc = get_str(&acc[i], c, "start", "record.claims.time", 1,
				  &s, err)) < 0 ||
		    (rc = get_str(&acc[i], c, "end", "record.claims.time", 1,
				  &e, err)) < 0)
			goto fail;
		if (!is_date(s)) {
			rc = bad(err, &acc[i], "record.claims.time.start",
				 "must be a date \"YYYY-MM-DD\"");
			goto fail;
		}
		if (!is_date(e)) {
			rc = bad(err, &acc[i], "record.claims.time.end",
				 "must be a date \"YYYY-MM-DD\"");
			goto fail;
		}
		if (strcmp(s, e) > 0) {
			rc = bad(err, &acc[i], "record.claims.time.end",
				 "must not be before start");
			goto fail;
		}
		if (!f && !(f = field_new(&values))) {
			rc = nomem(err);
			goto fail;
		}
		if (!value_add(values, &acc[i], c)) {
			rc = nomem(err);
			goto fail;
		}
		if (!max_start || strcmp(s, max_start) > 0)
			max_start = s;
		if (!min_end || strcmp(e, min_end) < 0)
			min_end = e;
		count++;
	}
	if (!f)
		return 0;
	/* Intervals meet pairwise iff the latest start is not after the
	 * earliest end (Helly's theorem in one dimension). */
	if (count > 1 && strcmp(max_start, min_end) <= 0 &&
	    json_object_set_new(f, "overlap",
				json_pack("{s:s,s:s}", "start", max_start,
					  "end", min_end)) < 0) {
		rc = nomem(err);
		goto fail;
	}
	return field_finish(fields, "time", f, count,
			    strcmp(max_start, min_end) <= 0, disputed, err);
fail:
	json_decref(f);
	return rc;
}

/* ---- place */

static int places_agree(const struct cmp_places *places, const char *p,
			const char *q, struct px_err *err)
{
	int r;

	if (strcmp(p, q) == 0)
		return 1;
	if (!places || !places->within)
		return 0;
	r = places->within(places->ctx, p, q);
	if (r == 0)
		r = places->within(places->ctx, q, p);
	if (r < 0)
		return px_errorf(err, r,
				 "compare: cannot tell whether "
				 "\"%s\" and \"%s\" contain each other",
				 p, q);
	return r > 0;
}

static int cmp_place(const struct acct *acc, size_t n,
		     const struct cmp_places *places, json_t *fields,
		     int *disputed, struct px_err *err)
{
	const char **ids = NULL;
	json_t *f = NULL, *values = NULL;
	size_t i, j, count = 0;
	int rc, agreed = 1;

	ids = px_calloc(n ? n : 1, sizeof(*ids));
	if (!ids)
		return nomem(err);
	for (i = 0; i < n; i++) {
		const json_t *c;
		const char *p;

		if ((rc = get_claim(&acc[i], "place", &c, err)) < 0)
			goto fail;
		if (!c)
			continue;
		if ((rc = get_str(&acc[i], c, "place", "record.claims.place", 1,
				  &p, err)) < 0)
			goto fail;
		if (!f && !(f = field_new(&values))) {
			rc = nomem(err);
			goto fail;
		}
		if (!value_add(values, &acc[i], c)) {
			rc = nomem(err);
			goto fail;
		}
		ids[count++] = p;
	}
	if (!f) {
		px_free(ids);
		return 0;
	}
	for (i = 0; i < count && agreed; i++) {
		for (j = i + 1; j < count && agreed; j++) {
			rc = places_agree(places, ids[i], ids[j], err);
			if (rc < 0)
				goto fail;
			agreed = rc;
		}
	}
	px_free(ids);
	return field_finish(fields, "place", f, count, agreed, disputed, err);
fail:
	px_free(ids);
	json_decref(f);
	return rc;
}

/* ---- type */

static int cmp_type(const struct acct *acc, size_t n, json_t *fields,
		    int *disputed, struct px_err *err)
{
	const char **types = NULL, **subs = NULL;
	json_t *f = NULL, *values = NULL;
	size_t i, j, count = 0;
	int rc, agreed = 1;

	types = px_calloc(n ? n : 1, sizeof(*types));
	subs = px_calloc(n ? n : 1, sizeof(*subs));
	if (!types || !subs) {
		rc = nomem(err);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const json_t *c;
		const char *t, *s;

		if ((rc = get_claim(&acc[i], "type", &c, err)) < 0)
			goto fail;
		if (!c)
			continue;
		if ((rc = get_str(&acc[i], c, "type", "record.claims.type", 1,
				  &t, err)) < 0 ||
		    (rc = get_str(&acc[i], c, "subtype", "record.claims.type",
				  0, &s, err)) < 0)
			goto fail;
		if (!f && !(f = field_new(&values))) {
			rc = nomem(err);
			goto fail;
		}
		if (!value_add(values, &acc[i], c)) {
			rc = nomem(err);
			goto fail;
		}
		types[count] = t;
		subs[count] = s;
		count++;
	}
	if (!f)
		goto done;
	for (i = 0; i < count; i++) {
		for (j = i + 1; j < count; j++) {
			if (strcmp(types[i], types[j]) != 0 ||
			    (subs[i] && subs[j] &&
			     strcmp(subs[i], subs[j]) != 0))
				agreed = 0;
		}
	}
	rc = field_finish(fields, "type", f, count, agreed, disputed, err);
	f = NULL;
	if (rc < 0)
		goto fail;
done:
	px_free(types);
	px_free(subs);
	return 0;
fail:
	px_free(types);
	px_free(subs);
	json_decref(f);
	return rc;
}

/* ---- actors */

/* The identity of an actor name: its names key, or if the key is empty
 * (a name of punctuation only) the trimmed name marked with '='. */
static int name_ident(const struct acct *a, const char *name, const char *path,
		      char out[NAMES_KEY_MAX], struct px_err *err)
{
	size_t len = strlen(name), start = 0;
	struct px_err kerr;
	int rc;

	while (start < len && (name[start] == ' ' || name[start] == '\t'))
		start++;
	while (len > start && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	rc = names_key(name + start, len - start, out, &kerr);
	if (rc < 0) {
		if (rc == PX_ENOMEM)
			return nomem(err);
		return px_errorf(err, rc == PX_EIO ? PX_EIO : PX_EINVAL,
				 "account \"%s\": %s: %s", a->id, path,
				 kerr.msg);
	}
	if (out[0] == '\0') {
		if (len - start + 2 > NAMES_KEY_MAX)
			len = start + NAMES_KEY_MAX - 2;
		out[0] = '=';
		memcpy(out + 1, name + start, len - start);
		out[1 + len - start] = '\0';
	}
	return 0;
}

static int str_order(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* An account's actor set: sorted distinct identities, in one allocation. */
struct ident_set {
	size_t n;
	char **ids;
};

static void ident_set_release(struct ident_set *s)
{
	size_t i;

	if (!s->ids)
		return;
	for (i = 0; i < s->n; i++)
		px_free(s->ids[i]);
	px_free(s->ids);
	s->ids = NULL;
	s->n = 0;
}

static int actor_set(const struct acct *a, const json_t *c, const char *field,
		     struct ident_set *out, struct px_err *err)
{
	const json_t *actors = json_object_get(c, "actors");
	char path[96], key[NAMES_KEY_MAX];
	size_t i, k, n;
	int rc;

	out->n = 0;
	out->ids = NULL;
	snprintf(path, sizeof(path), "record.claims.%s.actors", field);
	if (!actors)
		return bad(err, a, path, "missing");
	if (!json_is_array(actors) || json_array_size(actors) == 0)
		return bad(err, a, path, "must be a non-empty array");
	n = json_array_size(actors);
	out->ids = px_calloc(n, sizeof(char *));
	if (!out->ids)
		return nomem(err);
	for (i = 0; i < n; i++) {
		const json_t *act = json_array_get(actors, i);
		const char *name;

		snprintf(path, sizeof(path), "record.claims.%s.actors[%zu]",
			 field, i);
		if (!json_is_object(act)) {
			rc = bad(err, a, path, "must be an object");
			goto fail;
		}
		if ((rc = get_str(a, act, "name", path, 1, &name, err)) < 0)
			goto fail;
		snprintf(path, sizeof(path),
			 "record.claims.%s.actors[%zu].name", field, i);
		if ((rc = name_ident(a, name, path, key, err)) < 0)
			goto fail;
		out->ids[out->n] = px_strdup(key);
		if (!out->ids[out->n]) {
			rc = nomem(err);
			goto fail;
		}
		out->n++;
	}
	qsort(out->ids, out->n, sizeof(char *), str_order);
	for (i = 1, k = 1; i < out->n; i++) {
		if (strcmp(out->ids[i], out->ids[k - 1]) == 0)
			px_free(out->ids[i]);
		else
			out->ids[k++] = out->ids[i];
	}
	out->n = out->n ? k : 0;
	return 0;
fail:
	ident_set_release(out);
	return rc;
}

static int ident_set_equal(const struct ident_set *x, const struct ident_set *y)
{
	size_t i;

	if (x->n != y->n)
		return 0;
	for (i = 0; i < x->n; i++)
		if (strcmp(x->ids[i], y->ids[i]) != 0)
			return 0;
	return 1;
}

static int cmp_actors(const struct acct *acc, size_t n, const char *field,
		      json_t *fields, int *disputed, struct px_err *err)
{
	struct ident_set first = {0, NULL}, cur;
	json_t *f = NULL, *values = NULL;
	size_t i, count = 0;
	int rc, agreed = 1;

	for (i = 0; i < n; i++) {
		const json_t *c;

		if ((rc = get_claim(&acc[i], field, &c, err)) < 0)
			goto fail;
		if (!c)
			continue;
		if ((rc = actor_set(&acc[i], c, field, &cur, err)) < 0)
			goto fail;
		if (count == 0) {
			first = cur;
		} else {
			if (!ident_set_equal(&first, &cur))
				agreed = 0;
			ident_set_release(&cur);
		}
		if (!f && !(f = field_new(&values))) {
			rc = nomem(err);
			goto fail;
		}
		if (!value_add(values, &acc[i], c)) {
			rc = nomem(err);
			goto fail;
		}
		count++;
	}
	ident_set_release(&first);
	if (!f)
		return 0;
	return field_finish(fields, field, f, count, agreed, disputed, err);
fail:
	ident_set_release(&first);
	json_decref(f);
	return rc;
}

/* ---- characterization */

static int cmp_characterization(const struct acct *acc, size_t n,
				json_t *fields, struct px_err *err)
{
	json_t *f = NULL, *values = NULL;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const json_t *c;
		const char *t;

		if ((rc = get_claim(&acc[i], "characterization", &c, err)) < 0)
			goto fail;
		if (!c)
			continue;
		if ((rc = get_str(&acc[i], c, "text",
				  "record.claims.characterization", 1, &t,
				  err)) < 0)
			goto fail;
		if (!f && !(f = field_new(&values))) {
			rc = nomem(err);
			goto fail;
		}
		if (!value_add(values, &acc[i], c)) {
			rc = nomem(err);
			goto fail;
		}
	}
	if (!f)
		return 0;
	if (json_object_set_new(f, "status", json_string("side-by-side")) < 0) {
		json_decref(f);
		return nomem(err);
	}
	if (json_object_set_new(fields, "characterization", f) < 0)
		return nomem(err);
	return 0;
fail:
	json_decref(f);
	return rc;
}

/* ---- casualties */

#define RANGE_INF (-1) /* no upper bound */

struct range {
	json_int_t low, high; /* high RANGE_INF: unbounded */
};

/* Read a figure {"low"?, "best"?, "high"?} and make its range. */
static int figure_range(const struct acct *a, const json_t *fig,
			const char *path, struct range *r, struct px_err *err)
{
	static const char *const names[3] = {"low", "best", "high"};
	json_int_t v[3];
	int has[3], i, j;
	char p[300], why[128];

	if (!json_is_object(fig))
		return bad(err, a, path, "must be an object");
	for (i = 0; i < 3; i++) {
		const json_t *x = json_object_get(fig, names[i]);

		has[i] = x != NULL;
		v[i] = 0;
		if (!x)
			continue;
		snprintf(p, sizeof(p), "%s.%s", path, names[i]);
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > CMP_COUNT_MAX)
			return bad(err, a, p,
				   "must be an integer from 0 to 10000000");
		v[i] = json_integer_value(x);
	}
	if (!has[0] && !has[1] && !has[2])
		return bad(err, a, path,
			   "must give at least one of low, best, high");
	for (i = 0; i < 3; i++) {
		for (j = i + 1; j < 3; j++) {
			if (has[i] && has[j] && v[i] > v[j]) {
				snprintf(p, sizeof(p), "%s.%s", path, names[i]);
				snprintf(why, sizeof(why),
					 "must not exceed %s (%lld > %lld)",
					 names[j], (long long)v[i],
					 (long long)v[j]);
				return bad(err, a, p, why);
			}
		}
	}
	/* docs/MODEL.md: a missing bound is taken from best; without best a
	 * missing low is 0 and a missing high is unbounded. */
	r->low = has[0] ? v[0] : has[1] ? v[1] : 0;
	r->high = has[2] ? v[2] : has[1] ? v[1] : RANGE_INF;
	return 0;
}

static json_t *range_json(const struct range *r)
{
	return json_pack("[I,o]", (json_int_t)r->low,
			 r->high == RANGE_INF ? json_null()
					      : json_integer(r->high));
}

/* One casualty category being collected. */
struct cat {
	char *name;  /* field name, "casualties.civilians" ... */
	char *label; /* military side as first written, trimmed; or NULL */
	char key[NAMES_KEY_MAX];
	json_t *f, *values;
	size_t count;
	const char *last_acct; /* the last account that added a value */
	json_int_t max_low, min_high;
};

struct cats {
	struct cat *v;
	size_t n, cap;
};

static void cats_release(struct cats *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		px_free(cs->v[i].name);
		px_free(cs->v[i].label);
		json_decref(cs->v[i].f);
	}
	px_free(cs->v);
	cs->v = NULL;
	cs->n = cs->cap = 0;
}

static struct cat *cat_add(struct cats *cs, const char *name, const char *label,
			   const char *key)
{
	struct cat *c;

	if (cs->n == cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 8;
		struct cat *nv = px_realloc(cs->v, ncap * sizeof(*nv));

		if (!nv)
			return NULL;
		cs->v = nv;
		cs->cap = ncap;
	}
	c = &cs->v[cs->n];
	memset(c, 0, sizeof(*c));
	c->name = px_strdup(name);
	c->label = label ? px_strdup(label) : NULL;
	c->f = field_new(&c->values);
	if (!c->name || (label && !c->label) || !c->f) {
		px_free(c->name);
		px_free(c->label);
		json_decref(c->f);
		return NULL;
	}
	snprintf(c->key, sizeof(c->key), "%s", key ? key : "");
	c->min_high = RANGE_INF;
	cs->n++;
	return c;
}

/* Add one account's figure to a category. */
static int cat_value(struct cat *c, const struct acct *a, const json_t *fig,
		     const json_t *sources, const struct range *r,
		     struct px_err *err)
{
	json_t *v = value_add(c->values, a, fig);

	if (!v || json_object_set_new(v, "range", range_json(r)) < 0 ||
	    (sources && json_object_set(v, "sources", (json_t *)sources) < 0))
		return nomem(err);
	if (c->count == 0 || r->low > c->max_low)
		c->max_low = r->low;
	if (r->high != RANGE_INF &&
	    (c->min_high == RANGE_INF || r->high < c->min_high))
		c->min_high = r->high;
	c->last_acct = a->id;
	c->count++;
	return 0;
}

static struct cat *cat_find_fixed(struct cats *cs, const char *name)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (!cs->v[i].label && strcmp(cs->v[i].name, name) == 0)
			return &cs->v[i];
	return NULL;
}

/* The military side's category: the same trimmed text first, else the
 * same names key, among sides this account has not used yet. */
static struct cat *cat_find_side(struct cats *cs, const struct acct *a,
				 const char *label, const char *key)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i].label && cs->v[i].last_acct != a->id &&
		    strcmp(cs->v[i].label, label) == 0)
			return &cs->v[i];
	for (i = 0; i < cs->n; i++)
		if (cs->v[i].label && cs->v[i].last_acct != a->id &&
		    strcmp(cs->v[i].key, key) == 0)
			return &cs->v[i];
	return NULL;
}

static int casualties_one(struct cats *cs, const struct acct *a,
			  const json_t *cas, struct px_err *err)
{
	static const char *const fixed[2] = {"civilians", "unknown"};
	const json_t *sources = json_object_get(cas, "sources");
	const json_t *mil = json_object_get(cas, "military");
	char path[300], name[400], key[NAMES_KEY_MAX], *label;
	struct range r;
	struct cat *c;
	size_t i, len, start;
	int rc;

	for (i = 0; i < 2; i++) {
		const json_t *fig = json_object_get(cas, fixed[i]);

		if (!fig)
			continue;
		snprintf(path, sizeof(path), "record.claims.casualties.%s",
			 fixed[i]);
		if ((rc = figure_range(a, fig, path, &r, err)) < 0)
			return rc;
		snprintf(name, sizeof(name), "casualties.%s", fixed[i]);
		c = cat_find_fixed(cs, name);
		if (!c && !(c = cat_add(cs, name, NULL, NULL)))
			return nomem(err);
		if ((rc = cat_value(c, a, fig, sources, &r, err)) < 0)
			return rc;
	}
	if (!mil)
		return 0;
	if (!json_is_array(mil))
		return bad(err, a, "record.claims.casualties.military",
			   "must be an array");
	for (i = 0; i < json_array_size(mil); i++) {
		const json_t *fig = json_array_get(mil, i);
		const char *side;

		snprintf(path, sizeof(path),
			 "record.claims.casualties.military[%zu]", i);
		if (!json_is_object(fig))
			return bad(err, a, path, "must be an object");
		if ((rc = get_str(a, fig, "side", path, 1, &side, err)) < 0 ||
		    (rc = figure_range(a, fig, path, &r, err)) < 0)
			return rc;
		snprintf(path, sizeof(path),
			 "record.claims.casualties.military[%zu].side", i);
		if ((rc = name_ident(a, side, path, key, err)) < 0)
			return rc;
		len = strlen(side);
		for (start = 0; start < len && side[start] == ' '; start++)
			;
		while (len > start && side[len - 1] == ' ')
			len--;
		label = px_strndup(side + start, len - start);
		if (!label)
			return nomem(err);
		c = cat_find_side(cs, a, label, key);
		if (!c) {
			snprintf(name, sizeof(name), "casualties.military.%s",
				 label);
			c = cat_add(cs, name, label, key);
		}
		px_free(label);
		if (!c)
			return nomem(err);
		if ((rc = cat_value(c, a, fig, sources, &r, err)) < 0)
			return rc;
	}
	return 0;
}

static int cat_finish(json_t *fields, struct cat *c, int *disputed,
		      struct px_err *err)
{
	int agreed = c->min_high == RANGE_INF || c->max_low <= c->min_high;
	json_t *f = c->f;

	c->f = NULL;
	if (c->count > 1 && agreed) {
		struct range ov = {c->max_low, c->min_high};

		if (json_object_set_new(f, "overlap", range_json(&ov)) < 0) {
			json_decref(f);
			return nomem(err);
		}
	}
	return field_finish(fields, c->name, f, c->count, agreed, disputed,
			    err);
}

static int cmp_casualties(const struct acct *acc, size_t n, json_t *fields,
			  int *disputed, struct px_err *err)
{
	struct cats cs = {NULL, 0, 0};
	size_t i;
	int rc = 0;
	const char *order[2] = {"casualties.civilians", "casualties.unknown"};
	struct cat *c;

	for (i = 0; i < n; i++) {
		const json_t *cas;

		if ((rc = get_claim(&acc[i], "casualties", &cas, err)) < 0)
			goto done;
		if (!cas)
			continue;
		if ((rc = casualties_one(&cs, &acc[i], cas, err)) < 0)
			goto done;
	}
	/* Fixed order: civilians, each military side in order of first
	 * appearance, unknown. */
	if ((c = cat_find_fixed(&cs, order[0])) &&
	    (rc = cat_finish(fields, c, disputed, err)) < 0)
		goto done;
	for (i = 0; i < cs.n; i++) {
		if (cs.v[i].label &&
		    (rc = cat_finish(fields, &cs.v[i], disputed, err)) < 0)
			goto done;
	}
	if ((c = cat_find_fixed(&cs, order[1])) &&
	    (rc = cat_finish(fields, c, disputed, err)) < 0)
		goto done;
done:
	cats_release(&cs);
	return rc;
}

/* ---- relations */

static int cmp_relations(const struct acct *acc, size_t n, json_t *fields,
			 int *disputed, struct px_err *err)
{
	/* Other events in order of first appearance; per event and account,
	 * the relation items and their sorted set of types. */
	json_t *events = json_array(), *done_events = json_object();
	size_t i, j, e;
	int rc = 0;
	char path[128];

	if (!events || !done_events) {
		rc = nomem(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const json_t *rels;

		if (!acc[i].claims)
			continue;
		rels = json_object_get(acc[i].claims, "relations");
		if (!rels)
			continue;
		if (!json_is_array(rels)) {
			rc = bad(err, &acc[i], "record.claims.relations",
				 "must be an array");
			goto out;
		}
		for (j = 0; j < json_array_size(rels); j++) {
			const json_t *r = json_array_get(rels, j);
			const char *t, *ev;

			snprintf(path, sizeof(path),
				 "record.claims.relations[%zu]", j);
			if (!json_is_object(r)) {
				rc = bad(err, &acc[i], path,
					 "must be an object");
				goto out;
			}
			if ((rc = get_str(&acc[i], r, "type", path, 1, &t,
					  err)) < 0 ||
			    (rc = get_str(&acc[i], r, "event", path, 1, &ev,
					  err)) < 0)
				goto out;
			if (!json_object_get(done_events, ev)) {
				if (json_object_set_new(done_events, ev,
							json_true()) < 0 ||
				    json_array_append_new(
					events, json_string(ev)) < 0) {
					rc = nomem(err);
					goto out;
				}
			}
		}
	}
	for (e = 0; e < json_array_size(events); e++) {
		const char *ev = json_string_value(json_array_get(events, e));
		json_t *f, *values, *first_types = NULL;
		size_t count = 0;
		int agreed = 1;
		char name[200];

		if (!(f = field_new(&values))) {
			rc = nomem(err);
			goto out;
		}
		for (i = 0; i < n; i++) {
			const json_t *rels =
			    acc[i].claims
				? json_object_get(acc[i].claims, "relations")
				: NULL;
			json_t *items = NULL, *types = NULL;

			for (j = 0; rels && j < json_array_size(rels); j++) {
				const json_t *r = json_array_get(rels, j);
				const char *t = json_string_value(
				    json_object_get(r, "type"));

				if (strcmp(json_string_value(
					       json_object_get(r, "event")),
					   ev) != 0)
					continue;
				if (!items) {
					items = json_array();
					types = json_object();
				}
				if (!items || !types ||
				    json_array_append(items, (json_t *)r) < 0 ||
				    json_object_set_new(types, t, json_true()) <
					0) {
					json_decref(items);
					json_decref(types);
					json_decref(first_types);
					json_decref(f);
					rc = nomem(err);
					goto out;
				}
			}
			if (!items)
				continue;
			if (!value_add(values, &acc[i], items)) {
				json_decref(items);
				json_decref(types);
				json_decref(first_types);
				json_decref(f);
				rc = nomem(err);
				goto out;
			}
			json_decref(items);
			if (!first_types)
				first_types = types;
			else {
				if (!json_equal(first_types, types))
					agreed = 0;
				json_decref(types);
			}
			count++;
		}
		json_decref(first_types);
		snprintf(name, sizeof(name), "relations.%s", ev);
		if ((rc = field_finish(fields, name, f, count, agreed, disputed,
				       err)) < 0)
			goto out;
	}
out:
	json_decref(events);
	json_decref(done_events);
	return rc;
}

/* ---- the accounts */

static int read_accounts(const json_t *accounts, struct acct **out,
			 size_t *nout, const char **event, struct px_err *err)
{
	struct acct *acc;
	const struct acct *ev_from = NULL;
	size_t i, n = 0;
	char where[48];

	*out = NULL;
	*nout = 0;
	*event = NULL;
	if (!json_is_array(accounts))
		return px_errorf(err, PX_EINVAL,
				 "compare: accounts: must be an array");
	acc = px_calloc(json_array_size(accounts) + 1, sizeof(*acc));
	if (!acc)
		return nomem(err);
	for (i = 0; i < json_array_size(accounts); i++) {
		const json_t *o = json_array_get(accounts, i);
		const json_t *id, *rec, *v;
		struct acct *a = &acc[n];
		const char *kind, *evid;
		int rc;

		snprintf(where, sizeof(where), "accounts[%zu]", i);
		if (!json_is_object(o)) {
			px_free(acc);
			return px_errorf(err, PX_EINVAL,
					 "compare: %s: must be an object",
					 where);
		}
		id = json_object_get(o, "id");
		if (!json_is_string(id)) {
			px_free(acc);
			return px_errorf(err, PX_EINVAL,
					 "compare: %s.id: must be a string",
					 where);
		}
		a->id = json_string_value(id);
		a->pos = i;
		v = json_object_get(o, "withdrawn");
		if (v && !json_is_boolean(v)) {
			rc = bad(err, a, "withdrawn", "must be true or false");
			px_free(acc);
			return rc;
		}
		if (json_is_true(v))
			continue; /* not a current account */
		v = json_object_get(o, "index");
		a->index = -1;
		if (v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				rc = bad(err, a, "index",
					 "must be a non-negative integer");
				px_free(acc);
				return rc;
			}
			a->index = json_integer_value(v);
		}
		rec = json_object_get(o, "record");
		if (!json_is_object(rec)) {
			rc = bad(err, a, "record", "must be an object");
			px_free(acc);
			return rc;
		}
		a->record = rec;
		if ((rc = get_str(a, rec, "kind", "record", 0, &kind, err)) <
			0 ||
		    (rc = get_str(a, rec, "event", "record", 1, &evid, err)) <
			0) {
			px_free(acc);
			return rc;
		}
		if (kind && strcmp(kind, "account") != 0) {
			rc = bad(err, a, "record.kind", "must be \"account\"");
			px_free(acc);
			return rc;
		}
		if (*event && strcmp(*event, evid) != 0) {
			rc = px_errorf(err, PX_EINVAL,
				       "account \"%s\": record.event: "
				       "\"%s\" is not the event of account "
				       "\"%s\" (\"%s\")",
				       a->id, evid, ev_from->id, *event);
			px_free(acc);
			return rc;
		}
		*event = evid;
		ev_from = a;
		v = json_object_get(o, "owner");
		if (v) {
			if (!json_is_string(v)) {
				rc = bad(err, a, "owner", "must be a string");
				px_free(acc);
				return rc;
			}
			a->owner = json_string_value(v);
		} else {
			/* docs/MODEL.md: acting_for if present, else
			 * filed_by. */
			if ((rc = get_str(a, rec, "acting_for", "record", 0,
					  &a->owner, err)) < 0 ||
			    (!a->owner &&
			     (rc = get_str(a, rec, "filed_by", "record", 1,
					   &a->owner, err)) < 0)) {
				px_free(acc);
				return rc;
			}
		}
		v = json_object_get(rec, "claims");
		if (v && !json_is_object(v)) {
			rc = bad(err, a, "record.claims", "must be an object");
			px_free(acc);
			return rc;
		}
		a->claims = v;
		n++;
	}
	qsort(acc, n, sizeof(*acc), acct_order);
	*out = acc;
	*nout = n;
	return 0;
}

int cmp_event(const json_t *accounts, const struct cmp_places *places,
	      json_t **out, struct px_err *err)
{
	struct acct *acc = NULL;
	const char *event = NULL;
	json_t *res = NULL, *fields, *list;
	size_t n = 0, i;
	int rc, disputed = 0;

	if (!out)
		return px_errorf(err, PX_EINVAL, "compare: no output");
	*out = NULL;
	if ((rc = read_accounts(accounts, &acc, &n, &event, err)) < 0)
		return rc;
	res = json_object();
	fields = json_object();
	list = json_array();
	if (!res || !fields || !list ||
	    json_object_set_new(res, "fields", fields) < 0) {
		json_decref(res);
		json_decref(fields);
		json_decref(list);
		px_free(acc);
		return nomem(err);
	}
	if (json_object_set_new(res, "accounts", list) < 0) {
		rc = nomem(err);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		json_t *a = json_pack("{s:s,s:s}", "account", acc[i].id,
				      "owner", acc[i].owner);

		if (!a ||
		    (acc[i].index >= 0 &&
		     json_object_set_new(a, "index",
					 json_integer(acc[i].index)) < 0) ||
		    json_array_append_new(list, a) < 0) {
			rc = nomem(err);
			goto fail;
		}
	}
	if ((event &&
	     json_object_set_new(res, "event", json_string(event)) < 0)) {
		rc = nomem(err);
		goto fail;
	}
	if ((rc = cmp_time(acc, n, fields, &disputed, err)) < 0 ||
	    (rc = cmp_place(acc, n, places, fields, &disputed, err)) < 0 ||
	    (rc = cmp_type(acc, n, fields, &disputed, err)) < 0 ||
	    (rc = cmp_actors(acc, n, "initiators", fields, &disputed, err)) <
		0 ||
	    (rc = cmp_actors(acc, n, "targets", fields, &disputed, err)) < 0 ||
	    (rc = cmp_characterization(acc, n, fields, err)) < 0 ||
	    (rc = cmp_casualties(acc, n, fields, &disputed, err)) < 0 ||
	    (rc = cmp_relations(acc, n, fields, &disputed, err)) < 0)
		goto fail;
	if (json_object_set_new(res, "disputed", json_boolean(disputed)) < 0) {
		rc = nomem(err);
		goto fail;
	}
	px_free(acc);
	*out = res;
	return 0;
fail:
	json_decref(res);
	px_free(acc);
	return rc;
}
