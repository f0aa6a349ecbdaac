/*
 * export.c - records out, in the formats users' tools read.
 *
 *   jsonl    one log entry per line, {"index", "id", "entry"}: the signed
 *            note as the log holds it, in log order, refused entries left
 *            out.  Importing it into an empty store re-submits the same
 *            entries (jsonl.c), so the records keep their ids and their
 *            signatures: the export is lossless.  With filters, only the
 *            entries of the selected records.
 *   acled    ACLED's 31 columns, one row per account (each party's figures
 *            stay its own), then px_event, px_account, px_party; with
 *            consensus, one row per event with what the accounts agree on
 *            and px_disputed naming the fields they do not.
 *   ucdp     UCDP GED's 49 columns, the same way.
 *   geojson  RFC 7946 FeatureCollection: a Point Feature per event (at its
 *            place) and per place, coordinates written exactly from
 *            micro-degrees.
 * Columns the record model has no member for come back from the
 * "acled.NAME=" / "ucdp.NAME=" lines the importers keep in the comment.
 * CSV follows RFC 4180 §2: CRLF line ends, fields quoted when they hold a
 * comma, a quote or a line break, quotes doubled.
 */
#include "io/ioint.h"
#include "log/log.h"
#include "repo/repo.h"
#include "store/store.h"

#include <inttypes.h>
#include <string.h>

/* ---- CSV writing (RFC 4180 §2) */

int io_csv_field(struct px_buf *b, const char *s, size_t len)
{
	int quote = len && (s[0] == ' ' || s[len - 1] == ' ');

	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote)
		return px_buf_add(b, s, len);
	if (px_buf_addc(b, '"'))
		return PX_ETOOBIG;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' && px_buf_addc(b, '"'))
			return PX_ETOOBIG;
		if (px_buf_addc(b, (uint8_t)s[i]))
			return PX_ETOOBIG;
	}
	return px_buf_addc(b, '"');
}

struct row {
	struct px_buf b;
	int n;
};

static void cell(struct row *r, const char *s)
{
	if (r->n++)
		px_buf_addc(&r->b, ',');
	if (s)
		io_csv_field(&r->b, s, strlen(s));
}

static void cellf(struct row *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void cellf(struct row *r, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cell(r, tmp);
}

static void row_end(struct row *r)
{
	px_buf_add(&r->b, "\r\n", 2);
	r->n = 0;
}

/* ---- context */

struct agg;

struct ex {
	struct repo *repo;
	struct store *st;
	const struct io_export_options *opt;
	FILE *out;
	struct io_export_stats *stats;
	struct px_progress prog;
	struct io_map cache; /* id -> index in objs */
	json_t *objs;	     /* cached records (places, sources) */
	struct row r;
	int first_feature;
	struct io_map *events; /* selected event ids, when filtered; for
				  geojson, event id -> agg index */
	struct agg *agg;
	size_t nagg, aggcap;
};

/* The current record of id (cached), or NULL. */
static const json_t *rec_of(struct ex *x, const char *id)
{
	size_t at;
	json_t *got = NULL;

	if (!id)
		return NULL;
	at = io_map_get(&x->cache, id);
	if (at != (size_t)-1)
		return json_object_get(json_array_get(x->objs, at), "record");
	if (store_get(x->st, id, 0, &got, NULL) != 0)
		return NULL;
	if (json_array_append_new(x->objs, got) ||
	    io_map_put(&x->cache, id, json_array_size(x->objs) - 1))
		return NULL;
	return json_object_get(got, "record");
}

static int emit(struct ex *x)
{
	if (x->r.b.len >= 1 << 20 || x->r.b.len == 0) {
		if (x->r.b.len &&
		    fwrite(x->r.b.data, 1, x->r.b.len, x->out) != x->r.b.len)
			return PX_EIO;
		px_buf_reset(&x->r.b);
	}
	return 0;
}

/* Call fn for every record store_list gives for q (all pages). */
typedef int (*each_cb)(struct ex *x, json_t *item, struct px_err *err);

static int each(struct ex *x, struct store_query *q, each_cb fn,
		struct px_err *err)
{
	char cursor[512] = "";
	int rc;

	for (;;) {
		json_t *res = NULL, *items, *it;
		const char *next;
		size_t i;

		q->limit = 1000;
		q->cursor = cursor[0] ? cursor : NULL;
		rc = store_list(x->st, q, &res, err);
		if (rc < 0)
			return rc;
		items = json_object_get(res, "items");
		json_array_foreach(items, i, it)
		{
			rc = fn(x, it, err);
			if (rc < 0) {
				json_decref(res);
				return rc;
			}
		}
		next = json_string_value(json_object_get(res, "next"));
		if (!next || !json_array_size(items)) {
			json_decref(res);
			return 0;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		json_decref(res);
	}
}

static void query_filters(struct ex *x, struct store_query *q)
{
	store_query_init(q);
	q->from = x->opt->from;
	q->to = x->opt->to;
	q->place = x->opt->place;
	q->party = x->opt->party;
	q->type = x->opt->type;
}

/* A value kept in a comment as "prefix.name=value" (into out). */
static const char *kept(const json_t *rec, const char *prefix, const char *name,
			char *out, size_t cap)
{
	const char *cm = json_string_value(json_object_get(rec, "comment"));
	size_t pl = strlen(prefix), nl = strlen(name);

	out[0] = 0;
	for (const char *p = cm; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l > pl + nl + 1 && memcmp(p, prefix, pl) == 0 &&
		    p[pl] == '.' && memcmp(p + pl + 1, name, nl) == 0 &&
		    p[pl + 1 + nl] == '=') {
			size_t vl = l - pl - nl - 2;

			if (vl >= cap)
				vl = cap - 1;
			memcpy(out, p + pl + nl + 2, vl);
			out[vl] = 0;
			return out;
		}
		p = e ? e + 1 : NULL;
	}
	return out;
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* The first name of a place. */
static const char *place_name(const json_t *pl)
{
	return str(json_array_get(json_object_get(pl, "names"), 0), "name");
}

static void coords(const json_t *pl, char lat[16], char lon[16])
{
	const json_t *c = json_object_get(pl, "coordinates");

	lat[0] = lon[0] = 0;
	if (!c)
		return;
	io_format_microdeg(json_integer_value(json_object_get(c, "lat")), lat);
	io_format_microdeg(json_integer_value(json_object_get(c, "lon")), lon);
}

/* ---- labels for ACLED's vocabulary */

static const char *const labels[][2] = {
    {"battle", "Battles"},
    {"explosion-remote-violence", "Explosions/Remote violence"},
    {"violence-against-civilians", "Violence against civilians"},
    {"protest", "Protests"},
    {"riot", "Riots"},
    {"strategic-development", "Strategic developments"},
    {"armed-clash", "Armed clash"},
    {"government-regains-territory", "Government regains territory"},
    {"non-state-actor-overtakes-territory",
     "Non-state actor overtakes territory"},
    {"chemical-weapon", "Chemical weapon"},
    {"air-drone-strike", "Air/drone strike"},
    {"suicide-bomb", "Suicide bomb"},
    {"shelling-artillery-missile-attack", "Shelling/artillery/missile attack"},
    {"remote-explosive-landmine-ied", "Remote explosive/landmine/IED"},
    {"grenade", "Grenade"},
    {"sexual-violence", "Sexual violence"},
    {"attack", "Attack"},
    {"abduction-forced-disappearance", "Abduction/forced disappearance"},
    {"peaceful-protest", "Peaceful protest"},
    {"protest-with-intervention", "Protest with intervention"},
    {"excessive-force-against-protesters",
     "Excessive force against protesters"},
    {"violent-demonstration", "Violent demonstration"},
    {"mob-violence", "Mob violence"},
    {"agreement", "Agreement"},
    {"arrests", "Arrests"},
    {"change-to-group-activity", "Change to group/activity"},
    {"disrupted-weapons-use", "Disrupted weapons use"},
    {"headquarters-or-base-established", "Headquarters or base established"},
    {"looting-property-destruction", "Looting/property destruction"},
    {"non-violent-transfer-of-territory", "Non-violent transfer of territory"},
    {"other", "Other"},
    {"local", "Local"},
    {"subnational", "Subnational"},
    {"national", "National"},
    {"regional", "Regional"},
    {"international", "International"},
    {"new-media", "New media"},
};

static const char *label(const char *code)
{
	for (size_t i = 0; i < PX_ARRAY_LEN(labels); i++)
		if (strcmp(code, labels[i][0]) == 0)
			return labels[i][1];
	return code;
}

static int inter_num(const char *code)
{
	static const char *const c[] = {"state-forces",	     "rebel-group",
					"political-militia", "identity-militia",
					"rioters",	     "protesters",
					"civilians",	     "external-other"};

	for (int i = 0; i < 8; i++)
		if (strcmp(code, c[i]) == 0)
			return i + 1;
	return 0;
}

/* ---- casualty figures */

/* The range of one figure, per MODEL.md "Comparison". hi < 0: no bound. */
static void fig_range(const json_t *f, int64_t *lo, int64_t *hi)
{
	const json_t *l = json_object_get(f, "low");
	const json_t *b = json_object_get(f, "best");
	const json_t *h = json_object_get(f, "high");

	*lo = l ? json_integer_value(l) : b ? json_integer_value(b) : 0;
	*hi = h ? json_integer_value(h) : b ? json_integer_value(b) : -1;
	if (!l && !b && h)
		*lo = 0;
}

static int64_t fig_best(const json_t *f)
{
	const json_t *b = json_object_get(f, "best");

	if (b)
		return json_integer_value(b);
	if (json_object_get(f, "low"))
		return json_integer_value(json_object_get(f, "low"));
	return json_integer_value(json_object_get(f, "high"));
}

/* Total deaths of an account: best and the [lo, hi] range over all
 * categories; -1 when it makes no casualty claim. */
static int64_t deaths(const json_t *claims, int64_t *lo, int64_t *hi)
{
	const json_t *cas = json_object_get(claims, "casualties");
	const json_t *m, *f;
	int64_t best = 0, l, h;
	size_t i;

	*lo = 0;
	*hi = 0;
	if (!cas)
		return -1;
	const char *cats[] = {"civilians", "unknown"};
	for (size_t k = 0; k < 2; k++) {
		f = json_object_get(cas, cats[k]);
		if (!f)
			continue;
		best += fig_best(f);
		fig_range(f, &l, &h);
		*lo += l;
		*hi = (*hi < 0 || h < 0) ? -1 : *hi + h;
	}
	m = json_object_get(cas, "military");
	json_array_foreach(m, i, f)
	{
		best += fig_best(f);
		fig_range(f, &l, &h);
		*lo += l;
		*hi = (*hi < 0 || h < 0) ? -1 : *hi + h;
	}
	return best;
}

/* The date ACLED gives for an interval: day as is, week its middle,
 * month or year the 15th of the first month. */
static void acled_date(const json_t *t, char out[11], int *prec)
{
	const char *s = str(t, "start"), *p = str(t, "precision");

	out[0] = 0;
	*prec = 1;
	if (strlen(s) != 10)
		return;
	if (strcmp(p, "week") == 0) {
		*prec = 2;
		io_days_date(io_date_days(s) + 3, out);
	} else if (strcmp(p, "month") == 0 || strcmp(p, "year") == 0) {
		*prec = 3;
		io_days_date(io_date_days(s) + 14, out);
	} else {
		snprintf(out, 11, "%s", s);
	}
}

static const json_t *claim_or(const json_t *acc, const json_t *ev,
			      const char *k)
{
	const json_t *c = json_object_get(json_object_get(acc, "claims"), k);

	return c ? c : json_object_get(ev, k);
}

static void actors(const json_t *a, char *first, size_t fcap, char *rest,
		   size_t rcap, int *inter)
{
	const json_t *arr = json_object_get(a, "actors"), *x;
	size_t i, rl = 0;

	first[0] = rest[0] = 0;
	*inter = 0;
	json_array_foreach(arr, i, x)
	{
		if (i == 0) {
			snprintf(first, fcap, "%s", str(x, "name"));
			*inter = inter_num(str(x, "inter"));
		} else if (rl + 3 < rcap) {
			rl += (size_t)snprintf(rest + rl, rcap - rl, "%s%s",
					       rl ? "; " : "", str(x, "name"));
			if (rl >= rcap)
				rl = rcap - 1;
		}
	}
}

/* Outlets of the account's sources, "; " joined; scale of the first. */
static void sources(struct ex *x, const json_t *acc, char *out, size_t cap,
		    char *scale, size_t scap)
{
	const json_t *ids = json_object_get(acc, "sources"), *id;
	size_t i, l = 0;

	out[0] = scale[0] = 0;
	json_array_foreach(ids, i, id)
	{
		const json_t *s = rec_of(x, json_string_value(id));
		const char *o = str(s, "outlet");

		if (!o[0])
			o = str(s, "title");
		if (l + 3 < cap) {
			l += (size_t)snprintf(out + l, cap - l, "%s%s",
					      l ? "; " : "", o);
			if (l >= cap)
				l = cap - 1;
		}
		if (i == 0 && json_object_get(s, "scale"))
			snprintf(scale, scap, "%s", label(str(s, "scale")));
	}
}

static const char *const acled_header[] = {"event_id_cnty",
					   "event_date",
					   "year",
					   "time_precision",
					   "disorder_type",
					   "event_type",
					   "sub_event_type",
					   "actor1",
					   "assoc_actor_1",
					   "inter1",
					   "actor2",
					   "assoc_actor_2",
					   "inter2",
					   "interaction",
					   "civilian_targeting",
					   "iso",
					   "region",
					   "country",
					   "admin1",
					   "admin2",
					   "admin3",
					   "location",
					   "latitude",
					   "longitude",
					   "geo_precision",
					   "source",
					   "source_scale",
					   "notes",
					   "fatalities",
					   "tags",
					   "timestamp"};

static int64_t unix_of(const char *t)
{
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	if (strlen(t) != 20)
		return 0;
	return io_date_days(t) * 86400 +
	       ((t[11] - '0') * 10 + (t[12] - '0')) * 3600 +
	       ((t[14] - '0') * 10 + (t[15] - '0')) * 60 + (t[17] - '0') * 10 +
	       (t[18] - '0');
}

/* One ACLED row for account acc (a store record) of event ev. */
static int acled_row(struct ex *x, const json_t *evrec, const json_t *accrec,
		     const char *disputed)
{
	const json_t *ev = json_object_get(evrec, "record");
	const json_t *acc = accrec ? json_object_get(accrec, "record") : NULL;
	const json_t *t = claim_or(acc, ev, "time");
	const json_t *pc = claim_or(acc, ev, "place");
	const json_t *ty = claim_or(acc, ev, "type");
	const json_t *pl = rec_of(x, str(pc, "place"));
	const json_t *claims = json_object_get(acc, "claims");
	char date[11], v[4096], a1[512], r1[2048], a2[512], r2[2048];
	char lat[16], lon[16], src[4096], scale[64];
	int prec, i1, i2;
	int64_t lo, hi, best;
	struct row *r = &x->r;

	acled_date(t, date, &prec);
	actors(json_object_get(claims, "initiators"), a1, sizeof(a1), r1,
	       sizeof(r1), &i1);
	actors(json_object_get(claims, "targets"), a2, sizeof(a2), r2,
	       sizeof(r2), &i2);
	coords(pl, lat, lon);
	sources(x, acc, src, sizeof(src), scale, sizeof(scale));
	best = deaths(claims, &lo, &hi);

	cell(r, kept(acc, "acled", "event_id_cnty", v, sizeof(v)));
	cell(r, date);
	cellf(r, "%.4s", date);
	cellf(r, "%d", prec);
	cell(r, kept(acc, "acled", "disorder_type", v, sizeof(v)));
	cell(r, json_is_string(json_object_get(ty, "type"))
		    ? label(str(ty, "type"))
		    : "");
	cell(r,
	     json_object_get(ty, "subtype") ? label(str(ty, "subtype")) : "");
	cell(r, a1);
	cell(r, r1);
	if (i1)
		cellf(r, "%d", i1);
	else
		cell(r, a1[0] ? "0" : "");
	cell(r, a2);
	cell(r, r2);
	if (i2)
		cellf(r, "%d", i2);
	else
		cell(r, a2[0] ? "0" : "");
	if (kept(acc, "acled", "interaction", v, sizeof(v))[0])
		cell(r, v);
	else if (i1 || i2)
		cellf(r, "%d%d", i1 < i2 || !i2 ? i1 : i2,
		      i1 < i2 || !i2 ? i2 : i1);
	else
		cell(r, "");
	cell(r, i2 == 7
		    ? "Civilian targeting"
		    : kept(acc, "acled", "civilian_targeting", v, sizeof(v)));
	cell(r, kept(acc, "acled", "iso", v, sizeof(v)));
	cell(r, kept(acc, "acled", "region", v, sizeof(v)));
	cell(r, kept(acc, "acled", "country", v, sizeof(v)));
	cell(r, kept(acc, "acled", "admin1", v, sizeof(v)));
	cell(r, kept(acc, "acled", "admin2", v, sizeof(v)));
	cell(r, kept(acc, "acled", "admin3", v, sizeof(v)));
	/* the dataset's own location and coordinates when it gave them
	 * (the gazetteer place it was matched to may differ) */
	cell(r, kept(acc, "acled", "location", v, sizeof(v))[0]
		    ? v
		    : place_name(pl));
	cell(r, kept(acc, "acled", "latitude", v, sizeof(v))[0] ? v : lat);
	cell(r, kept(acc, "acled", "longitude", v, sizeof(v))[0] ? v : lon);
	{
		const char *p = str(pc, "precision");

		cell(r, !p[0]			  ? ""
			: strcmp(p, "exact") == 0 ? "1"
			: strcmp(p, "near") == 0  ? "2"
						  : "3");
	}
	cell(r, src);
	cell(r, scale);
	cell(r,
	     acc ? str(json_object_get(acc, "narrative"), "text") : disputed);
	if (best >= 0)
		cellf(r, "%lld", (long long)best);
	else
		cell(r, "");
	cell(r, kept(acc, "acled", "tags", v, sizeof(v)));
	cellf(r, "%lld", (long long)unix_of(str(acc ? acc : ev, "filed_at")));
	cell(r, str(evrec, "id"));
	if (!disputed) {
		cell(r, str(accrec, "id"));
		cell(r, str(accrec, "owner"));
	} else {
		cell(r, disputed);
	}
	row_end(r);
	x->stats->rows++;
	return emit(x);
}

/* ---- UCDP GED */


/* Join one member of every source of acc with ";". */
static void src_field(struct ex *x, const json_t *acc, const char *member,
		      char *out, size_t cap)
{
	const json_t *ids = json_object_get(acc, "sources"), *id;
	size_t i, l = 0;

	out[0] = 0;
	json_array_foreach(ids, i, id)
	{
		const json_t *s = rec_of(x, json_string_value(id));

		if (l + 2 >= cap)
			break;
		l += (size_t)snprintf(out + l, cap - l, "%s%s", i ? ";" : "",
				      str(s, member));
		if (l >= cap)
			l = cap - 1;
	}
}

static void keptcell(struct ex *x, const json_t *acc, const char *name)
{
	char v[2048];

	cell(&x->r, kept(acc, "ucdp", name, v, sizeof(v)));
}

static int ucdp_row(struct ex *x, const json_t *evrec, const json_t *accrec,
		    const char *disputed)
{
	const json_t *ev = json_object_get(evrec, "record");
	const json_t *acc = accrec ? json_object_get(accrec, "record") : NULL;
	const json_t *t = claim_or(acc, ev, "time");
	const json_t *pc = claim_or(acc, ev, "place");
	const json_t *ty = claim_or(acc, ev, "type");
	const json_t *pl = rec_of(x, str(pc, "place"));
	const json_t *claims = json_object_get(acc, "claims");
	const json_t *cas = json_object_get(claims, "casualties");
	char v[8192], a1[512], r1[2048], a2[512], r2[2048], lat[16], lon[16];
	int i1, i2;
	int64_t lo, hi, best;
	struct row *r = &x->r;
	const char *tp = str(ty, "type"), *prec = str(t, "precision");
	const char *wp = str(pc, "precision");

	actors(json_object_get(claims, "initiators"), a1, sizeof(a1), r1,
	       sizeof(r1), &i1);
	actors(json_object_get(claims, "targets"), a2, sizeof(a2), r2,
	       sizeof(r2), &i2);
	coords(pl, lat, lon);
	best = deaths(claims, &lo, &hi);

	keptcell(x, acc, "id");
	keptcell(x, acc, "relid");
	cellf(r, "%.4s", str(t, "start"));
	keptcell(x, acc, "active_year");
	keptcell(x, acc, "code_status");
	if (kept(acc, "ucdp", "type_of_violence", v, sizeof(v))[0])
		cell(r, v);
	else
		/* UCDP's three types of organized violence: one-sided
		 * against civilians (3), else state-based (1) when a state
		 * takes part, non-state (2); other events have none */
		cell(r, strcmp(tp, "violence-against-civilians") == 0 || i2 == 7
			    ? "3"
			: strcmp(tp, "battle") &&
				strcmp(tp, "explosion-remote-violence")
			    ? ""
			: i1 == 1 || i2 == 1 ? "1"
					     : "2");
	keptcell(x, acc, "conflict_dset_id");
	keptcell(x, acc, "conflict_new_id");
	keptcell(x, acc, "conflict_name");
	keptcell(x, acc, "dyad_dset_id");
	keptcell(x, acc, "dyad_new_id");
	keptcell(x, acc, "dyad_name");
	keptcell(x, acc, "side_a_dset_id");
	keptcell(x, acc, "side_a_new_id");
	cell(r, a1);
	keptcell(x, acc, "side_b_dset_id");
	keptcell(x, acc, "side_b_new_id");
	cell(r, a2);
	cellf(r, "%zu", json_array_size(json_object_get(acc, "sources")));
	src_field(x, acc, "title", v, sizeof(v));
	cell(r, v);
	src_field(x, acc, "outlet", v, sizeof(v));
	cell(r, v);
	src_field(x, acc, "published", v, sizeof(v));
	cell(r, v);
	src_field(x, acc, "title", v, sizeof(v));
	cell(r, v);
	src_field(x, acc, "author", v, sizeof(v));
	cell(r, v);
	if (kept(acc, "ucdp", "where_prec", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, strcmp(wp, "exact") == 0      ? "1"
			: strcmp(wp, "near") == 0     ? "2"
			: strcmp(wp, "district") == 0 ? "3"
			: strcmp(wp, "region") == 0   ? "4"
			: strcmp(wp, "country") == 0  ? "6"
						      : "");
	if (kept(acc, "ucdp", "where_coordinates", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, place_name(pl));
	keptcell(x, acc, "where_description");
	keptcell(x, acc, "adm_1");
	keptcell(x, acc, "adm_2");
	if (kept(acc, "ucdp", "latitude", v, sizeof(v))[0] &&
	    strlen(v) < sizeof(lat))
		snprintf(lat, sizeof(lat), "%s", v);
	if (kept(acc, "ucdp", "longitude", v, sizeof(v))[0] &&
	    strlen(v) < sizeof(lon))
		snprintf(lon, sizeof(lon), "%s", v);
	cell(r, lat);
	cell(r, lon);
	if (lat[0])
		cellf(r, "POINT (%s %s)", lon, lat);
	else
		cell(r, "");
	keptcell(x, acc, "priogrid_gid");
	keptcell(x, acc, "country");
	keptcell(x, acc, "country_id");
	keptcell(x, acc, "region");
	keptcell(x, acc, "event_clarity");
	if (kept(acc, "ucdp", "date_prec", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, strcmp(prec, "day") == 0     ? "1"
			: strcmp(prec, "week") == 0  ? "3"
			: strcmp(prec, "month") == 0 ? "4"
						     : "5");
	cell(r, str(t, "start"));
	cell(r, str(t, "end"));
	{
		const json_t *m = json_object_get(cas, "military"), *f;
		int64_t da = 0, db = 0;
		size_t i;

		json_array_foreach(m, i, f)
		{
			if (strcmp(str(f, "side"), a1) == 0)
				da = fig_best(f);
			else if (strcmp(str(f, "side"), a2) == 0)
				db = fig_best(f);
		}
		cellf(r, "%lld", (long long)da);
		cellf(r, "%lld", (long long)db);
		cellf(r, "%lld",
		      (long long)fig_best(json_object_get(cas, "civilians")));
		cellf(r, "%lld",
		      (long long)fig_best(json_object_get(cas, "unknown")));
	}
	cellf(r, "%lld", (long long)(best < 0 ? 0 : best));
	if (kept(acc, "ucdp", "high", v, sizeof(v))[0])
		cell(r, v);
	else if (hi >= 0)
		cellf(r, "%lld", (long long)hi);
	else
		cell(r, "");
	if (kept(acc, "ucdp", "low", v, sizeof(v))[0])
		cell(r, v);
	else
		cellf(r, "%lld", (long long)lo);
	keptcell(x, acc, "gwnoa");
	keptcell(x, acc, "gwnob");
	cell(r, str(evrec, "id"));
	if (!disputed) {
		cell(r, str(accrec, "id"));
		cell(r, str(accrec, "owner"));
	} else {
		cell(r, disputed);
	}
	row_end(r);
	x->stats->rows++;
	return emit(x);
}

/* ---- per event: its accounts, or their consensus */

static json_t *accounts_of(struct ex *x, const char *event, struct px_err *err)
{
	struct store_query q;
	char cursor[512] = "";
	json_t *all = json_array();

	if (!all)
		return NULL;
	for (;;) {
		json_t *res = NULL, *items;
		const char *next;

		store_query_init(&q);
		q.kind = REC_ACCOUNT;
		q.event = event;
		q.limit = 1000;
		q.cursor = cursor[0] ? cursor : NULL;
		if (store_list(x->st, &q, &res, err) < 0) {
			json_decref(all);
			return NULL;
		}
		items = json_object_get(res, "items");
		json_array_extend(all, items);
		next = json_string_value(json_object_get(res, "next"));
		if (!next || !json_array_size(items)) {
			json_decref(res);
			return all;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		json_decref(res);
	}
}

/* The precision an agreed interval is known to: its length. */
static const char *span_precision(const char *s, const char *e)
{
	int64_t days = io_date_days(e) - io_date_days(s);

	return days == 0   ? "day"
	       : days < 7  ? "week"
	       : days < 31 ? "month"
			   : "year";
}

/*
 * The consensus of an event's accounts as one account-like record: the
 * claims they agree on (MODEL.md "Comparison": intervals intersect, equal
 * types, equal actor sets, overlapping casualty ranges), with the agreed
 * interval as the intersection and the agreed deaths as the intersection
 * of the ranges (its low as "best" and "low", its high as "high").
 * Disputed fields are named in *disputed.
 */
static json_t *consensus(const json_t *accs, char *disputed, size_t cap)
{
	json_t *claims = json_object(), *out = json_object();
	const json_t *it;
	size_t i, n = json_array_size(accs);
	char s[11] = "", e[11] = "";
	int time_ok = 1, type_ok = 1, ini_ok = 1, tgt_ok = 1, cas_ok = 1;
	int64_t lo = 0, hi = -1;
	int any_cas = 0;
	const json_t *type0 = NULL, *ini0 = NULL, *tgt0 = NULL;

	disputed[0] = 0;
	json_array_foreach(accs, i, it)
	{
		const json_t *c =
		    json_object_get(json_object_get(it, "record"), "claims");
		const json_t *t = json_object_get(c, "time");
		const json_t *ty = json_object_get(c, "type");
		int64_t l, h;

		if (t) {
			const char *ts = str(t, "start"), *te = str(t, "end");

			if (!s[0] || strcmp(ts, s) > 0)
				snprintf(s, sizeof(s), "%s", ts);
			if (!e[0] || strcmp(te, e) < 0)
				snprintf(e, sizeof(e), "%s", te);
		}
		if (ty) {
			if (!type0)
				type0 = ty;
			else if (strcmp(str(ty, "type"), str(type0, "type")))
				type_ok = 0;
		}
		const json_t *a = json_object_get(c, "initiators");
		if (a) {
			if (!ini0)
				ini0 = a;
			else if (!json_equal(json_object_get(a, "actors"),
					     json_object_get(ini0, "actors")))
				ini_ok = 0;
		}
		a = json_object_get(c, "targets");
		if (a) {
			if (!tgt0)
				tgt0 = a;
			else if (!json_equal(json_object_get(a, "actors"),
					     json_object_get(tgt0, "actors")))
				tgt_ok = 0;
		}
		if (deaths(c, &l, &h) >= 0) {
			if (!any_cas) {
				lo = l;
				hi = h;
			} else {
				if (l > lo)
					lo = l;
				if (h >= 0 && (hi < 0 || h < hi))
					hi = h;
			}
			any_cas = 1;
		}
	}
	if (s[0] && strcmp(s, e) > 0)
		time_ok = 0;
	if (any_cas && hi >= 0 && lo > hi)
		cas_ok = 0;
	size_t dl = 0;
#define DISPUTED(name)                                                         \
	dl += (size_t)snprintf(disputed + dl, cap - dl, "%s%s",                \
			       dl ? "; " : "", name)
	if (s[0] && !time_ok)
		DISPUTED("time");
	if (!type_ok)
		DISPUTED("type");
	if (!ini_ok)
		DISPUTED("initiators");
	if (!tgt_ok)
		DISPUTED("targets");
	if (any_cas && !cas_ok)
		DISPUTED("casualties");
#undef DISPUTED
	if (s[0] && time_ok)
		json_object_set_new(claims, "time",
				    json_pack("{s:s,s:s,s:s}", "start", s,
					      "end", e, "precision",
					      span_precision(s, e)));
	if (type0 && type_ok)
		json_object_set(claims, "type", (json_t *)type0);
	if (ini0 && ini_ok)
		json_object_set(claims, "initiators", (json_t *)ini0);
	if (tgt0 && tgt_ok)
		json_object_set(claims, "targets", (json_t *)tgt0);
	if (any_cas && cas_ok) {
		json_t *f = json_pack("{s:I,s:I}", "low", (json_int_t)lo,
				      "best", (json_int_t)lo);

		if (hi >= 0)
			json_object_set_new(f, "high", json_integer(hi));
		json_object_set_new(claims, "casualties",
				    json_pack("{s:o}", "unknown", f));
	}
	json_object_set_new(out, "claims", claims);
	(void)n;
	return out;
}

static int one_event(struct ex *x, json_t *evrec, struct px_err *err)
{
	json_t *accs = accounts_of(x, str(evrec, "id"), err);
	const json_t *a;
	size_t i;
	int rc = 0;
	int acled = x->opt->format == IO_ACLED;

	if (!accs)
		return err && err->code ? err->code : PX_ENOMEM;
	if (x->opt->consensus) {
		char disputed[256];
		json_t *c = consensus(accs, disputed, sizeof(disputed));
		json_t *fake = json_pack("{s:o}", "record", c);

		/* narrative column: how many accounts, what is disputed */
		char what[400];
		snprintf(what, sizeof(what), "%zu account%s%s%s",
			 json_array_size(accs),
			 json_array_size(accs) == 1 ? "" : "s",
			 disputed[0] ? "; disputed: " : "", disputed);
		if (acled) {
			json_object_set_new(c, "narrative",
					    json_pack("{s:s}", "text", what));
			json_object_set(
			    c, "filed_at",
			    json_object_get(json_object_get(evrec, "record"),
					    "filed_at"));
		}
		rc = acled ? acled_row(x, evrec, fake, disputed)
			   : ucdp_row(x, evrec, fake, disputed);
		/* the last column says what is disputed instead of a party */
		json_decref(fake);
	} else {
		json_array_foreach(accs, i, a)
		{
			rc = acled ? acled_row(x, evrec, a, NULL)
				   : ucdp_row(x, evrec, a, NULL);
			if (rc < 0)
				break;
		}
	}
	json_decref(accs);
	px_progress_update(&x->prog, x->stats->rows);
	if (rc < 0)
		return px_errorf(err, rc, "write: %s", px_strerror(rc));
	return 0;
}

static int want_event(struct ex *x, json_t *item, struct px_err *err)
{
	if (io_map_put(x->events, str(item, "id"), 1))
		return px_errorf(err, PX_ENOMEM, "out of memory");
	return 0;
}

/* A record by id, not cached (events: one per account). */
static json_t *get_rec(struct ex *x, const char *id)
{
	json_t *got = NULL;

	if (!id || store_get(x->st, id, 0, &got, NULL) != 0)
		return NULL;
	return got;
}

static int one_account(struct ex *x, json_t *acc, struct px_err *err)
{
	const char *ev_id = str(json_object_get(acc, "record"), "event");
	json_t *ev;
	int rc;

	const json_t *claims =
	    json_object_get(json_object_get(acc, "record"), "claims");

	if (x->events && io_map_get(x->events, ev_id) == (size_t)-1)
		return 0;
	/* the event is read only for what the account does not claim */
	if (json_object_get(claims, "time") &&
	    json_object_get(claims, "place") && json_object_get(claims, "type"))
		ev = json_pack("{s:s,s:{}}", "id", ev_id, "record");
	else
		ev = get_rec(x, ev_id);
	if (!ev)
		return 0; /* an account of an event the store cannot give */
	rc = x->opt->format == IO_ACLED ? acled_row(x, ev, acc, NULL)
					: ucdp_row(x, ev, acc, NULL);
	json_decref(ev);
	px_progress_update(&x->prog, x->stats->rows);
	if (rc < 0)
		return px_errorf(err, rc, "write: %s", px_strerror(rc));
	/* the cache holds places and sources: bound it */
	if (json_array_size(x->objs) > 100000) {
		json_array_clear(x->objs);
		io_map_release(&x->cache);
		io_map_init(&x->cache);
	}
	return 0;
}

static int csv_export(struct ex *x, struct px_err *err)
{
	struct store_query q;
	int rc;
	const char *const *h =
	    x->opt->format == IO_ACLED ? acled_header : io_ucdp_columns;
	size_t nh = x->opt->format == IO_ACLED ? PX_ARRAY_LEN(acled_header)
					       : IO_UCDP_COLUMNS;

	for (size_t i = 0; i < nh; i++)
		cell(&x->r, h[i]);
	cell(&x->r, "px_event");
	if (x->opt->consensus) {
		cell(&x->r, "px_disputed");
	} else {
		cell(&x->r, "px_account");
		cell(&x->r, "px_party");
	}
	row_end(&x->r);
	query_filters(x, &q);
	q.kind = REC_EVENT;
	if (x->opt->consensus)
		return each(x, &q, one_event, err);
	/* one row per account: a single pass over the accounts (asking for
	 * each event's accounts separately costs a query per event), with
	 * the event filters applied through the set of selected events */
	if (x->opt->from || x->opt->to || x->opt->place || x->opt->type) {
		x->events = px_calloc(1, sizeof(*x->events));
		if (!x->events)
			return px_errorf(err, PX_ENOMEM, "out of memory");
		io_map_init(x->events);
		rc = each(x, &q, want_event, err);
		if (rc < 0)
			return rc;
	}
	store_query_init(&q);
	q.kind = REC_ACCOUNT;
	q.party = x->opt->party;
	return each(x, &q, one_account, err);
}

/* ---- GeoJSON (RFC 7946) */

static int feature(struct ex *x, const json_t *pl, json_t *props)
{
	char lat[16], lon[16];
	char *p = json_dumps(props, JSON_COMPACT | JSON_ENSURE_ASCII * 0);

	if (!p)
		return PX_ENOMEM;
	coords(pl, lat, lon);
	px_buf_addstr(&x->r.b, x->first_feature ? "\n" : ",\n");
	x->first_feature = 0;
	if (lat[0])
		px_buf_addf(&x->r.b,
			    "{\"type\":\"Feature\",\"geometry\":{\"type\":"
			    "\"Point\",\"coordinates\":[%s,%s]},"
			    "\"properties\":%s}",
			    lon, lat, p);
	else
		px_buf_addf(&x->r.b,
			    "{\"type\":\"Feature\",\"geometry\":null,"
			    "\"properties\":%s}",
			    p);
	free(p); /* jansson's allocator */
	x->stats->rows++;
	return emit(x);
}

/* What the accounts of one event agree on, gathered in one pass over all
 * accounts (the rules of consensus() above, kept compact). */
struct agg {
	unsigned n;
	char s[11], e[11];
	char type[48];
	uint64_t ini, tgt;
	int has_ini, has_tgt, any_cas;
	int type_bad, ini_bad, tgt_bad;
	int64_t lo, hi;
};

static uint64_t actors_hash(const json_t *a)
{
	char *d = json_dumps(json_object_get(a, "actors"),
			     JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = d; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	free(d); /* jansson's allocator */
	return h;
}

static int agg_account(struct ex *x, json_t *item, struct px_err *err)
{
	const json_t *rec = json_object_get(item, "record");
	const json_t *c = json_object_get(rec, "claims"), *t, *a;
	const char *ev = str(rec, "event");
	size_t at = io_map_get(x->events, ev);
	struct agg *g;
	int64_t l, h;

	if (at == (size_t)-1) {
		if (x->nagg == x->aggcap) {
			size_t ncap = x->aggcap ? x->aggcap * 2 : 1024;
			struct agg *na = px_realloc(x->agg, ncap * sizeof(*na));

			if (!na)
				return px_errorf(err, PX_ENOMEM,
						 "out of memory");
			x->agg = na;
			x->aggcap = ncap;
		}
		at = x->nagg++;
		memset(&x->agg[at], 0, sizeof(x->agg[at]));
		if (io_map_put(x->events, ev, at))
			return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	g = &x->agg[at];
	g->n++;
	if ((t = json_object_get(c, "time"))) {
		const char *ts = str(t, "start"), *te = str(t, "end");

		if (!g->s[0] || strcmp(ts, g->s) > 0)
			snprintf(g->s, sizeof(g->s), "%s", ts);
		if (!g->e[0] || strcmp(te, g->e) < 0)
			snprintf(g->e, sizeof(g->e), "%s", te);
	}
	if ((t = json_object_get(c, "type"))) {
		if (!g->type[0])
			snprintf(g->type, sizeof(g->type), "%s",
				 str(t, "type"));
		else if (strcmp(g->type, str(t, "type")))
			g->type_bad = 1;
	}
	if ((a = json_object_get(c, "initiators"))) {
		uint64_t hh = actors_hash(a);

		if (!g->has_ini)
			g->ini = hh;
		else if (g->ini != hh)
			g->ini_bad = 1;
		g->has_ini = 1;
	}
	if ((a = json_object_get(c, "targets"))) {
		uint64_t hh = actors_hash(a);

		if (!g->has_tgt)
			g->tgt = hh;
		else if (g->tgt != hh)
			g->tgt_bad = 1;
		g->has_tgt = 1;
	}
	if (deaths(c, &l, &h) >= 0) {
		if (!g->any_cas) {
			g->lo = l;
			g->hi = h;
		} else {
			if (l > g->lo)
				g->lo = l;
			if (h >= 0 && (g->hi < 0 || h < g->hi))
				g->hi = h;
		}
		g->any_cas = 1;
	}
	return 0;
}

static void agg_disputed(const struct agg *g, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
#define D(cond, name)                                                          \
	if (cond)                                                              \
	n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "; " : "", name)
	D(g->s[0] && strcmp(g->s, g->e) > 0, "time");
	D(g->type_bad, "type");
	D(g->ini_bad, "initiators");
	D(g->tgt_bad, "targets");
	D(g->any_cas && g->hi >= 0 && g->lo > g->hi, "casualties");
#undef D
}

static int geo_event(struct ex *x, json_t *evrec, struct px_err *err)
{
	const json_t *ev = json_object_get(evrec, "record");
	const json_t *t = json_object_get(ev, "time");
	const json_t *pc = json_object_get(ev, "place");
	const json_t *pl = rec_of(x, str(pc, "place"));
	size_t at = io_map_get(x->events, str(evrec, "id"));
	const struct agg *g = at == (size_t)-1 ? NULL : &x->agg[at];
	json_t *props;
	char disputed[256] = "";
	int rc;

	if (g)
		agg_disputed(g, disputed, sizeof(disputed));
	props = json_pack(
	    "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s}", "id",
	    str(evrec, "id"), "kind", "event", "title", str(ev, "title"),
	    "type", str(ev, "type"), "subtype", str(ev, "subtype"), "start",
	    str(t, "start"), "end", str(t, "end"), "time_precision",
	    str(t, "precision"), "place", str(pc, "place"), "place_name",
	    place_name(pl), "accounts", (json_int_t)(g ? g->n : 0), "disputed",
	    disputed[0] != 0, "disputed_fields", disputed);
	if (!props)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	json_object_set_new(props, "place_precision",
			    json_string(str(pc, "precision")));
	rc = feature(x, pl, props);
	json_decref(props);
	px_progress_update(&x->prog, x->stats->rows);
	return rc < 0 ? px_errorf(err, rc, "write failed") : 0;
}

static int geo_place(struct ex *x, json_t *item, struct px_err *err)
{
	const json_t *pl = json_object_get(item, "record");
	const json_t *names = json_object_get(pl, "names"), *n;
	struct px_buf all;
	size_t i;
	json_t *props;
	int rc;

	px_buf_init(&all, 65536);
	json_array_foreach(names, i, n)
	{
		if (i)
			px_buf_addstr(&all, " / ");
		px_buf_addstr(&all, str(n, "name"));
	}
	props = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", str(item, "id"),
			  "kind", "place", "name", place_name(pl), "names",
			  all.data ? (const char *)all.data : "", "type",
			  str(pl, "type"));
	px_buf_release(&all);
	if (!props)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	if (json_object_get(pl, "geonameid"))
		json_object_set(props, "geonameid",
				json_object_get(pl, "geonameid"));
	if (json_object_get(pl, "parent"))
		json_object_set(props, "parent", json_object_get(pl, "parent"));
	rc = feature(x, pl, props);
	json_decref(props);
	return rc < 0 ? px_errorf(err, rc, "write failed") : 0;
}

static int geojson_export(struct ex *x, struct px_err *err)
{
	struct store_query q;
	int rc;

	x->first_feature = 1;
	px_buf_addstr(&x->r.b,
		      "{\"type\":\"FeatureCollection\",\"features\":[");
	/* every account once: how many each event has, what they dispute */
	x->events = px_calloc(1, sizeof(*x->events));
	if (!x->events)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	io_map_init(x->events);
	store_query_init(&q);
	q.kind = REC_ACCOUNT;
	rc = each(x, &q, agg_account, err);
	if (rc < 0)
		return rc;
	query_filters(x, &q);
	q.kind = REC_EVENT;
	rc = each(x, &q, geo_event, err);
	if (rc < 0)
		return rc;
	store_query_init(&q);
	q.kind = REC_PLACE;
	q.place = x->opt->place;
	rc = each(x, &q, geo_place, err);
	if (rc < 0)
		return rc;
	px_buf_addstr(&x->r.b, "\n]}\n");
	return 0;
}

/* ---- JSONL: the log's entries */

/* Can text be written as a JSON string with only the escapes below
 * (RFC 8259 §7), as jansson would write it? */
static int plain_text(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			return 0;
	}
	return 1;
}

/* The line of an applied entry, written directly: the same bytes as
 * json_dumps of {"index", "id", "entry"} (JSON_COMPACT). */
static int jsonl_line(struct ex *x, uint64_t index, const char *rev,
		      const char *text, size_t len)
{
	struct px_buf *b = &x->r.b;
	size_t run = 0;
	int rc = px_buf_addf(b, "{\"index\":%" PRIu64 ",\"id\":\"%s\",\"entry\":\"",
			     index, rev);

	for (size_t i = 0; i < len && rc == 0; i++) {
		char c = text[i];
		const char *esc = c == '"'    ? "\\\""
				  : c == '\\' ? "\\\\"
				  : c == '\n'  ? "\\n"
				  : c == '\r'  ? "\\r"
				  : c == '\t'  ? "\\t"
						: NULL;

		if (!esc)
			continue;
		rc = px_buf_add(b, text + run, i - run);
		if (rc == 0)
			rc = px_buf_add(b, esc, 2);
		run = i + 1;
	}
	if (rc == 0)
		rc = px_buf_add(b, text + run, len - run);
	if (rc == 0)
		rc = px_buf_add(b, "\"}\n", 3);
	return rc;
}

static int jsonl_one(struct ex *x, uint64_t index, const struct px_buf *e,
		     struct io_map *want, struct io_map *seen,
		     struct px_err *err)
{
	const char *text = (const char *)e->data;
	const char *nl = memchr(text, '\n', e->len);
	json_t *rec, *got = NULL, *line;
	enum rec_kind kind;
	char id[REC_ID_SIZE], rid[REC_ID_SIZE];
	const char *k;
	char *dump;
	int rc;

	if (!nl)
		return 0;
	/* an applied entry: its ids from the store, no record parsed */
	rc = store_entry_ids(x->st, index, id, rid, err);
	if (rc < 0)
		return rc;
	if (rc == 1 && plain_text(text, e->len)) {
		if (io_map_get(seen, id) != (size_t)-1)
			return 0;
		if (want && io_map_get(want, rid) == (size_t)-1)
			return 0;
		if (io_map_put(seen, id, 1) ||
		    jsonl_line(x, index, id, text, e->len))
			return px_errorf(err, PX_ENOMEM, "out of memory");
		x->stats->rows++;
		px_progress_update(&x->prog, x->stats->rows);
		return emit(x) < 0 ? px_errorf(err, PX_EIO, "write failed")
				   : 0;
	}
	rec = json_loadb(text, (size_t)(nl - text), 0, NULL);
	k = json_string_value(json_object_get(rec, "kind"));
	if (!k || rec_kind_parse(k, strlen(k), &kind) != 0) {
		json_decref(rec);
		return 0;
	}
	json_decref(rec);
	rec_id_make(kind, text, (size_t)(nl - text), id);
	if (io_map_get(seen, id) != (size_t)-1)
		return 0; /* a refused resubmission of the same entry */
	if (store_get(x->st, id, 0, &got, NULL) != 0)
		return 0; /* refused when it was applied */
	if (want && io_map_get(want, str(got, "id")) == (size_t)-1) {
		json_decref(got);
		return 0;
	}
	json_decref(got);
	if (io_map_put(seen, id, 1))
		return px_errorf(err, PX_ENOMEM, "out of memory");
	line = json_pack("{s:I,s:s,s:s%}", "index", (json_int_t)index, "id", id,
			 "entry", text, e->len);
	dump = line ? json_dumps(line, JSON_COMPACT) : NULL;
	json_decref(line);
	if (!dump)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	px_buf_addstr(&x->r.b, dump);
	px_buf_addc(&x->r.b, '\n');
	free(dump); /* jansson's allocator */
	x->stats->rows++;
	px_progress_update(&x->prog, x->stats->rows);
	return emit(x) < 0 ? px_errorf(err, PX_EIO, "write failed") : 0;
}

static struct io_map *want_map;

static int want_add(struct ex *x, json_t *item, struct px_err *err)
{
	(void)x;
	if (io_map_put(want_map, str(item, "id"), 1))
		return px_errorf(err, PX_ENOMEM, "out of memory");
	return 0;
}

static int jsonl_export(struct ex *x, struct px_err *err)
{
	struct log *log = repo_log(x->repo);
	struct io_map want, seen;
	struct px_buf e;
	uint64_t n;
	int filtered = x->opt->from || x->opt->to || x->opt->place ||
		       x->opt->party || x->opt->type;
	int rc = 0;

	if (!log)
		return px_errorf(err, PX_EINVAL, "export jsonl: no log");
	io_map_init(&want);
	io_map_init(&seen);
	if (filtered) {
		struct store_query q;

		/* the selected events, their accounts, and every other kind
		 * the filters select */
		want_map = &want;
		query_filters(x, &q);
		q.kind = -1;
		rc = each(x, &q, want_add, err);
		if (rc == 0 && (x->opt->from || x->opt->to || x->opt->type)) {
			query_filters(x, &q);
			q.kind = REC_ACCOUNT;
			rc = each(x, &q, want_add, err);
		}
		want_map = NULL;
	}
	n = log_size(log);
	px_buf_init(&e, 1 << 20);
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		px_buf_reset(&e);
		rc = log_entry(log, i, &e, err);
		if (rc == 0)
			rc = jsonl_one(x, i, &e, filtered ? &want : NULL, &seen,
				       err);
	}
	px_buf_release(&e);
	io_map_release(&want);
	io_map_release(&seen);
	return rc;
}

static int export_format(struct ex *x, struct px_err *err)
{
	switch (x->opt->format) {
	case IO_JSONL:
		return jsonl_export(x, err);
	case IO_ACLED:
	case IO_UCDP:
		return csv_export(x, err);
	case IO_GEOJSON:
		return geojson_export(x, err);
	default:
		return px_errorf(err, PX_EUSAGE, "cannot export %s",
			       io_format_name(x->opt->format));
	}
}

int io_export(struct repo *r, const struct io_export_options *opt, FILE *out,
	      struct io_export_stats *stats, struct px_err *err)
{
	struct ex x;
	double t0 = px_now();
	int rc;

	memset(&x, 0, sizeof(x));
	memset(stats, 0, sizeof(*stats));
	x.repo = r;
	x.st = repo_store(r);
	x.opt = opt;
	x.out = out;
	x.stats = stats;
	x.objs = json_array();
	io_map_init(&x.cache);
	px_buf_init(&x.r.b, (size_t)64 * 1024 * 1024);
	px_progress_start(&x.prog, "exporting", 0);
	if (!opt->progress)
		x.prog.enabled = 0;
	if (!x.objs)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	/* one snapshot and one read lock for every query of the export */
	rc = store_read_begin(x.st, err);
	if (rc == 0)
		rc = export_format(&x, err);
	if (rc == 0 && x.r.b.len &&
	    fwrite(x.r.b.data, 1, x.r.b.len, out) != x.r.b.len)
		rc = px_errorf(err, PX_EIO, "write failed");
	if (rc == 0 && fflush(out) != 0)
		rc = px_errorf(err, PX_EIO, "write failed");
	store_read_end(x.st);
	px_progress_finish(&x.prog);
	px_buf_release(&x.r.b);
	io_map_release(&x.cache);
	if (x.events) {
		io_map_release(x.events);
		px_free(x.events);
	}
	px_free(x.agg);
	json_decref(x.objs);
	stats->seconds = px_now() - t0;
	return rc;
}
