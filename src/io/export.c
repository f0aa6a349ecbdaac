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
 *
 * The CSV exports stream: one pass of the store (src/store/scan.h) gives
 * each account's (or each event's and its accounts') stored canonical JSON
 * in list order, read in place once (struct jdoc below) rather than built
 * into record objects; the places and sources rows name are looked up once
 * per export and cached.  No query is made per row but those lookups.
 */
#include "io/ioint.h"
#include "io/jdoc.h"
#include "log/log.h"
#include "repo/repo.h"
#include "store/scan.h"
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- CSV writing (RFC 4180 §2) */

int io_csv_field(struct px_buf *b, const char *s, size_t len)
{
	int quote = len && (s[0] == ' ' || s[len - 1] == ' ');
	const char *q;

	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote)
		return px_buf_add(b, s, len);
	if (px_buf_addc(b, '"'))
		return PX_ETOOBIG;
	/* each run up to and including a quote, then that quote again */
	while ((q = memchr(s, '"', len)) != NULL) {
		size_t n = (size_t)(q - s) + 1;

		if (px_buf_add(b, s, n) || px_buf_addc(b, '"'))
			return PX_ETOOBIG;
		s += n;
		len -= n;
	}
	if (px_buf_add(b, s, len))
		return PX_ETOOBIG;
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

/* An integer cell: what cellf(r, "%lld", v) writes. */
static void celli(struct row *r, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	if (r->n++)
		px_buf_addc(&r->b, ',');
	px_buf_add(&r->b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void row_end(struct row *r)
{
	px_buf_add(&r->b, "\r\n", 2);
	r->n = 0;
}

/* ---- context */

struct agg;

#define DOCS_MAX 100000	      /* places and sources cached */
#define DOCS_BYTES (8u << 20) /* and their size */

/* A "prefix.NAME=value" line of the comment being written out. */
struct kv {
	const char *k, *v;
	size_t kl, vl;
};

struct ex {
	struct repo *repo;
	struct store *st;
	const struct io_export_options *opt;
	FILE *out;
	struct io_export_stats *stats;
	struct px_progress prog;
	struct store_scan *scan; /* the passes, and records by id */
	struct io_map cache;	 /* id -> index in objs (GeoJSON) */
	json_t *objs;	    /* cached current revisions (places); null for an id
			       the store does not know */
	struct io_map docs; /* id -> index in doc (CSV) */
	struct jdoc **doc;  /* places and sources; NULL: unknown id */
	size_t ndoc, doccap, docbytes;
	struct jdoc scratch;  /* where they are parsed */
	struct jdoc acc1, ev; /* the account and event of a row */
	struct jdoc *acc;     /* --consensus: the event's accounts */
	size_t nacc, acccap;
	struct jdoc cons;   /* --consensus: what they agree on */
	struct px_buf cbuf; /* its text */
	struct jr *src;	    /* the row's sources */
	size_t nsrc, srccap;
	struct kv *kv; /* the row's kept columns */
	size_t nkv, kvcap;
	struct row r;
	int first_feature;
	struct io_map *events; /* geojson: event id -> agg index */
	struct agg *agg;
	size_t nagg, aggcap;
};

/* The current revision of record id (cached), or NULL. */
static const json_t *rec_of(struct ex *x, const char *id)
{
	size_t at, len;
	const char *text;
	json_t *got;

	if (!id)
		return NULL;
	at = io_map_get(&x->cache, id);
	if (at != (size_t)-1) {
		got = json_array_get(x->objs, at);
		return json_is_object(got) ? got : NULL;
	}
	if (store_scan_current(x->scan, id, &text, &len, NULL) < 0)
		return NULL;
	got = text ? json_loadb(text, len, 0, NULL) : NULL;
	if (!got)
		got = json_null(); /* remembered: not asked again */
	if (json_array_append_new(x->objs, got) ||
	    io_map_put(&x->cache, id, json_array_size(x->objs) - 1))
		return NULL;
	return json_is_object(got) ? got : NULL;
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

/* The columns every CSV row ends with -- the parallax event, then the
 * account and its owner, or for --consensus what is disputed -- and the
 * row written out. */
static int row_finish(struct ex *x, const char *ev_id, const char *id,
		      const char *owner, const char *disputed)
{
	struct row *r = &x->r;

	cell(r, ev_id);
	if (!disputed) {
		cell(r, id ? id : "");
		cell(r, owner ? owner : "");
	} else {
		cell(r, disputed);
	}
	row_end(r);
	x->stats->rows++;
	return emit(x);
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

/* ---- places and sources, read once per export */

/* The current revision of record id (cached), or absent. */
static struct jr rec_doc(struct ex *x, const char *id)
{
	struct jdoc *d = NULL;
	const char *text;
	size_t at, len, size = 0;

	if (!id)
		return jnone;
	at = io_map_get(&x->docs, id);
	if (at != (size_t)-1)
		return jroot(x->doc[at]);
	if (x->ndoc == x->doccap) {
		size_t ncap = x->doccap ? x->doccap * 2 : 1024;
		struct jdoc **nd = px_realloc(x->doc, ncap * sizeof(*nd));

		if (!nd)
			return jnone;
		x->doc = nd;
		x->doccap = ncap;
	}
	/* parsed in the scratch document, kept in a compact copy; an id the
	 * store does not know is remembered as NULL */
	if (store_scan_current(x->scan, id, &text, &len, NULL) == 1 &&
	    jd_parse(&x->scratch, text, len) == 0) {
		d = jd_copy(&x->scratch, &size);
		if (!d)
			return jnone;
	}
	if (io_map_put(&x->docs, id, x->ndoc)) {
		px_free(d);
		return jnone;
	}
	x->doc[x->ndoc++] = d;
	x->docbytes += size + strlen(id);
	return jroot(d);
}

/* Empty the cache of places and sources. */
static void docs_clear(struct ex *x)
{
	for (size_t i = 0; i < x->ndoc; i++)
		px_free(x->doc[i]);
	x->ndoc = 0;
	x->docbytes = 0;
	io_map_release(&x->docs);
	io_map_init(&x->docs);
}

/* Bound it (between rows): a few megabytes hold the places and the
 * sources many rows share; sources of one row each are read again. */
static void docs_bound(struct ex *x)
{
	if (x->ndoc > DOCS_MAX || x->docbytes > DOCS_BYTES)
		docs_clear(x);
}

/* ---- columns kept in the comment */

/*
 * The "prefix.NAME=value" lines of an account's comment, indexed once
 * per row: NAME is what lies between the dot and the first "=", the value
 * the rest of the line.  The first line of a name counts.
 */
static int kv_index(struct ex *x, struct jr acc, const char *prefix)
{
	const char *cm = jstr(jget(acc, "comment"));
	size_t pl = strlen(prefix);

	x->nkv = 0;
	for (const char *p = cm; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *eq;

		if (l > pl + 1 && memcmp(p, prefix, pl) == 0 && p[pl] == '.' &&
		    (eq = memchr(p + pl + 1, '=', l - pl - 1)) != NULL) {
			if (x->nkv == x->kvcap) {
				size_t ncap = x->kvcap ? x->kvcap * 2 : 64;
				struct kv *nk =
				    px_realloc(x->kv, ncap * sizeof(*nk));

				if (!nk)
					return PX_ENOMEM;
				x->kv = nk;
				x->kvcap = ncap;
			}
			x->kv[x->nkv].k = p + pl + 1;
			x->kv[x->nkv].kl = (size_t)(eq - p) - pl - 1;
			x->kv[x->nkv].v = eq + 1;
			x->kv[x->nkv++].vl = l - (size_t)(eq + 1 - p);
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* The value kept for name (into out, cut to cap - 1 bytes), or "". */
static const char *kept(const struct ex *x, const char *name, char *out,
			size_t cap)
{
	size_t nl = strlen(name);

	out[0] = 0;
	for (size_t i = 0; i < x->nkv; i++) {
		const struct kv *k = &x->kv[i];

		if (k->kl == nl && memcmp(k->k, name, nl) == 0) {
			size_t vl = k->vl < cap ? k->vl : cap - 1;

			memcpy(out, k->v, vl);
			out[vl] = 0;
			return out;
		}
	}
	return out;
}

/* ---- places */

/* The first name of a place. */
static const char *jplace_name(struct jr pl)
{
	return jsget(jfirst(jget(pl, "names")), "name");
}

static void jcoords(struct jr pl, char lat[16], char lon[16])
{
	struct jr c = jget(pl, "coordinates");

	lat[0] = lon[0] = 0;
	if (!jhas(c))
		return;
	io_format_microdeg(jint(jget(c, "lat")), lat);
	io_format_microdeg(jint(jget(c, "lon")), lon);
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
static void fig_range(struct jr f, int64_t *lo, int64_t *hi)
{
	struct jr l = jget(f, "low"), b = jget(f, "best"), h = jget(f, "high");

	*lo = jhas(l) ? jint(l) : jhas(b) ? jint(b) : 0;
	*hi = jhas(h) ? jint(h) : jhas(b) ? jint(b) : -1;
	if (!jhas(l) && !jhas(b) && jhas(h))
		*lo = 0;
}

static int64_t fig_best(struct jr f)
{
	struct jr b = jget(f, "best"), l = jget(f, "low");

	if (jhas(b))
		return jint(b);
	if (jhas(l))
		return jint(l);
	return jint(jget(f, "high"));
}

/* Total deaths of an account: best and the [lo, hi] range over all
 * categories; -1 when it makes no casualty claim. */
static int64_t deaths(struct jr claims, int64_t *lo, int64_t *hi)
{
	static const char *const cats[] = {"civilians", "unknown"};
	struct jr cas = jget(claims, "casualties"), m, f;
	int64_t best = 0, l, h;

	*lo = 0;
	*hi = 0;
	if (!jhas(cas))
		return -1;
	for (size_t k = 0; k < 2; k++) {
		f = jget(cas, cats[k]);
		if (!jhas(f))
			continue;
		best += fig_best(f);
		fig_range(f, &l, &h);
		*lo += l;
		*hi = (*hi < 0 || h < 0) ? -1 : *hi + h;
	}
	m = jget(cas, "military");
	jforeach(m, f)
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
static void acled_date(struct jr t, char out[11], int *prec)
{
	const char *s = jsget(t, "start"), *p = jsget(t, "precision");

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

/* What the account claims for k, else what the event says. */
static struct jr claim_or(struct jr acc, struct jr ev, const char *k)
{
	struct jr c = jget(jget(acc, "claims"), k);

	return jhas(c) ? c : jget(ev, k);
}

static void actors(struct jr a, char *first, size_t fcap, char *rest,
		   size_t rcap, int *inter)
{
	struct jr arr = jget(a, "actors"), x;
	size_t i = 0, rl = 0;

	first[0] = rest[0] = 0;
	*inter = 0;
	jforeach(arr, x)
	{
		if (i++ == 0) {
			snprintf(first, fcap, "%s", jsget(x, "name"));
			*inter = inter_num(jsget(x, "inter"));
		} else if (rl + 3 < rcap) {
			rl +=
			    (size_t)snprintf(rest + rl, rcap - rl, "%s%s",
					     rl ? "; " : "", jsget(x, "name"));
			if (rl >= rcap)
				rl = rcap - 1;
		}
	}
}

/* Outlets of the account's sources, "; " joined; scale of the first. */
static void sources(struct ex *x, struct jr acc, char *out, size_t cap,
		    char *scale, size_t scap)
{
	struct jr ids = jget(acc, "sources"), id;
	size_t i = 0, l = 0;

	out[0] = scale[0] = 0;
	jforeach(ids, id)
	{
		struct jr s = rec_doc(x, jstr(id));
		const char *o = jsget(s, "outlet");

		if (!o[0])
			o = jsget(s, "title");
		if (l + 3 < cap) {
			l += (size_t)snprintf(out + l, cap - l, "%s%s",
					      l ? "; " : "", o);
			if (l >= cap)
				l = cap - 1;
		}
		if (i++ == 0 && jhas(jget(s, "scale")))
			snprintf(scale, scap, "%s", label(jsget(s, "scale")));
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

/*
 * One ACLED row for account acc (its current revision; id and owner its
 * record id and its owner's) of event ev_id (ev: its current revision, read
 * only for the claims acc does not make).  With disputed, acc is the
 * consensus of the event's accounts and the last column says what they
 * dispute.
 */
static int acled_row(struct ex *x, const char *ev_id, struct jr ev,
		     struct jr acc, const char *id, const char *owner,
		     const char *disputed)
{
	struct jr t = claim_or(acc, ev, "time");
	struct jr pc = claim_or(acc, ev, "place");
	struct jr ty = claim_or(acc, ev, "type");
	struct jr pl = rec_doc(x, jsget(pc, "place"));
	struct jr claims = jget(acc, "claims");
	char date[11], v[4096], a1[512], r1[2048], a2[512], r2[2048];
	char lat[16], lon[16], src[4096], scale[64];
	int prec, i1, i2;
	int64_t lo, hi, best;
	struct row *r = &x->r;

	acled_date(t, date, &prec);
	actors(jget(claims, "initiators"), a1, sizeof(a1), r1, sizeof(r1), &i1);
	actors(jget(claims, "targets"), a2, sizeof(a2), r2, sizeof(r2), &i2);
	jcoords(pl, lat, lon);
	sources(x, acc, src, sizeof(src), scale, sizeof(scale));
	best = deaths(claims, &lo, &hi);
	if (kv_index(x, acc, "acled") < 0)
		return PX_ENOMEM;

	cell(r, kept(x, "event_id_cnty", v, sizeof(v)));
	cell(r, date);
	cellf(r, "%.4s", date);
	celli(r, prec);
	cell(r, kept(x, "disorder_type", v, sizeof(v)));
	cell(r, jstr(jget(ty, "type")) ? label(jsget(ty, "type")) : "");
	cell(r, jhas(jget(ty, "subtype")) ? label(jsget(ty, "subtype")) : "");
	cell(r, a1);
	cell(r, r1);
	if (i1)
		celli(r, i1);
	else
		cell(r, a1[0] ? "0" : "");
	cell(r, a2);
	cell(r, r2);
	if (i2)
		celli(r, i2);
	else
		cell(r, a2[0] ? "0" : "");
	if (kept(x, "interaction", v, sizeof(v))[0])
		cell(r, v);
	else if (i1 || i2)
		cellf(r, "%d%d", i1 < i2 || !i2 ? i1 : i2,
		      i1 < i2 || !i2 ? i2 : i1);
	else
		cell(r, "");
	cell(r, i2 == 7 ? "Civilian targeting"
			: kept(x, "civilian_targeting", v, sizeof(v)));
	cell(r, kept(x, "iso", v, sizeof(v)));
	cell(r, kept(x, "region", v, sizeof(v)));
	cell(r, kept(x, "country", v, sizeof(v)));
	cell(r, kept(x, "admin1", v, sizeof(v)));
	cell(r, kept(x, "admin2", v, sizeof(v)));
	cell(r, kept(x, "admin3", v, sizeof(v)));
	/* the dataset's own location and coordinates when it gave them
	 * (the gazetteer place it was matched to may differ) */
	cell(r, kept(x, "location", v, sizeof(v))[0] ? v : jplace_name(pl));
	cell(r, kept(x, "latitude", v, sizeof(v))[0] ? v : lat);
	cell(r, kept(x, "longitude", v, sizeof(v))[0] ? v : lon);
	{
		const char *p = jsget(pc, "precision");

		cell(r, !p[0]			  ? ""
			: strcmp(p, "exact") == 0 ? "1"
			: strcmp(p, "near") == 0  ? "2"
						  : "3");
	}
	cell(r, src);
	cell(r, scale);
	cell(r, jhas(acc) ? jsget(jget(acc, "narrative"), "text") : disputed);
	if (best >= 0)
		celli(r, (int64_t)best);
	else
		cell(r, "");
	cell(r, kept(x, "tags", v, sizeof(v)));
	celli(r, (int64_t)unix_of(jsget(jhas(acc) ? acc : ev, "filed_at")));
	return row_finish(x, ev_id, id, owner, disputed);
}

/* ---- UCDP GED */

/* The sources of acc, looked up once for the row's columns. */
static int row_sources(struct ex *x, struct jr acc)
{
	struct jr ids = jget(acc, "sources"), id;

	x->nsrc = 0;
	jforeach(ids, id)
	{
		if (x->nsrc == x->srccap) {
			size_t ncap = x->srccap ? x->srccap * 2 : 16;
			struct jr *ns = px_realloc(x->src, ncap * sizeof(*ns));

			if (!ns)
				return PX_ENOMEM;
			x->src = ns;
			x->srccap = ncap;
		}
		x->src[x->nsrc++] = rec_doc(x, jstr(id));
	}
	return 0;
}

/* Join one member of every source of the row with ";". */
static void src_field(const struct ex *x, const char *member, char *out,
		      size_t cap)
{
	size_t l = 0;

	out[0] = 0;
	for (size_t i = 0; i < x->nsrc; i++) {
		if (l + 2 >= cap)
			break;
		/* as snprintf(out + l, cap - l, "%s%s", ";", value) */
		if (i)
			out[l++] = ';';
		const char *v = jsget(x->src[i], member);
		size_t vl = strlen(v);

		if (vl > cap - 1 - l)
			vl = cap - 1 - l;
		memcpy(out + l, v, vl);
		l += vl;
		out[l] = 0;
	}
}

static void keptcell(struct ex *x, const char *name)
{
	char v[2048];

	cell(&x->r, kept(x, name, v, sizeof(v)));
}

/* One UCDP GED row, as acled_row. */
static int ucdp_row(struct ex *x, const char *ev_id, struct jr ev,
		    struct jr acc, const char *id, const char *owner,
		    const char *disputed)
{
	struct jr t = claim_or(acc, ev, "time");
	struct jr pc = claim_or(acc, ev, "place");
	struct jr ty = claim_or(acc, ev, "type");
	struct jr pl = rec_doc(x, jsget(pc, "place"));
	struct jr claims = jget(acc, "claims");
	struct jr cas = jget(claims, "casualties");
	char v[8192], a1[512], r1[2048], a2[512], r2[2048], lat[16], lon[16];
	int i1, i2;
	int64_t lo, hi, best;
	struct row *r = &x->r;
	const char *tp = jsget(ty, "type"), *prec = jsget(t, "precision");
	const char *wp = jsget(pc, "precision");

	actors(jget(claims, "initiators"), a1, sizeof(a1), r1, sizeof(r1), &i1);
	actors(jget(claims, "targets"), a2, sizeof(a2), r2, sizeof(r2), &i2);
	jcoords(pl, lat, lon);
	best = deaths(claims, &lo, &hi);
	if (kv_index(x, acc, "ucdp") < 0 || row_sources(x, acc) < 0)
		return PX_ENOMEM;

	keptcell(x, "id");
	keptcell(x, "relid");
	cellf(r, "%.4s", jsget(t, "start"));
	keptcell(x, "active_year");
	keptcell(x, "code_status");
	if (kept(x, "type_of_violence", v, sizeof(v))[0])
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
	keptcell(x, "conflict_dset_id");
	keptcell(x, "conflict_new_id");
	keptcell(x, "conflict_name");
	keptcell(x, "dyad_dset_id");
	keptcell(x, "dyad_new_id");
	keptcell(x, "dyad_name");
	keptcell(x, "side_a_dset_id");
	keptcell(x, "side_a_new_id");
	cell(r, a1);
	keptcell(x, "side_b_dset_id");
	keptcell(x, "side_b_new_id");
	cell(r, a2);
	celli(r, (int64_t)jsize(jget(acc, "sources")));
	src_field(x, "title", v, sizeof(v));
	cell(r, v);
	src_field(x, "outlet", v, sizeof(v));
	cell(r, v);
	src_field(x, "published", v, sizeof(v));
	cell(r, v);
	src_field(x, "title", v, sizeof(v));
	cell(r, v);
	src_field(x, "author", v, sizeof(v));
	cell(r, v);
	if (kept(x, "where_prec", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, strcmp(wp, "exact") == 0      ? "1"
			: strcmp(wp, "near") == 0     ? "2"
			: strcmp(wp, "district") == 0 ? "3"
			: strcmp(wp, "region") == 0   ? "4"
			: strcmp(wp, "country") == 0  ? "6"
						      : "");
	if (kept(x, "where_coordinates", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, jplace_name(pl));
	keptcell(x, "where_description");
	keptcell(x, "adm_1");
	keptcell(x, "adm_2");
	if (kept(x, "latitude", v, sizeof(v))[0] && strlen(v) < sizeof(lat))
		snprintf(lat, sizeof(lat), "%s", v);
	if (kept(x, "longitude", v, sizeof(v))[0] && strlen(v) < sizeof(lon))
		snprintf(lon, sizeof(lon), "%s", v);
	cell(r, lat);
	cell(r, lon);
	if (lat[0])
		cellf(r, "POINT (%s %s)", lon, lat);
	else
		cell(r, "");
	keptcell(x, "priogrid_gid");
	keptcell(x, "country");
	keptcell(x, "country_id");
	keptcell(x, "region");
	keptcell(x, "event_clarity");
	if (kept(x, "date_prec", v, sizeof(v))[0])
		cell(r, v);
	else
		cell(r, strcmp(prec, "day") == 0     ? "1"
			: strcmp(prec, "week") == 0  ? "3"
			: strcmp(prec, "month") == 0 ? "4"
						     : "5");
	cell(r, jsget(t, "start"));
	cell(r, jsget(t, "end"));
	{
		struct jr m = jget(cas, "military"), f;
		int64_t da = 0, db = 0;

		jforeach(m, f)
		{
			if (strcmp(jsget(f, "side"), a1) == 0)
				da = fig_best(f);
			else if (strcmp(jsget(f, "side"), a2) == 0)
				db = fig_best(f);
		}
		celli(r, (int64_t)da);
		celli(r, (int64_t)db);
		celli(r, (int64_t)fig_best(jget(cas, "civilians")));
		celli(r, (int64_t)fig_best(jget(cas, "unknown")));
	}
	celli(r, (int64_t)(best < 0 ? 0 : best));
	if (kept(x, "high", v, sizeof(v))[0])
		cell(r, v);
	else if (hi >= 0)
		celli(r, (int64_t)hi);
	else
		cell(r, "");
	if (kept(x, "low", v, sizeof(v))[0])
		cell(r, v);
	else
		celli(r, (int64_t)lo);
	keptcell(x, "gwnoa");
	keptcell(x, "gwnob");
	return row_finish(x, ev_id, id, owner, disputed);
}

/* ---- per account, or per event with the consensus of its accounts */

/* The precision an agreed interval is known to: its length. */
static const char *span_precision(const char *s, const char *e)
{
	int64_t days = io_date_days(e) - io_date_days(s);

	return days == 0   ? "day"
	       : days < 7  ? "week"
	       : days < 31 ? "month"
			   : "year";
}

/* s as a JSON string (RFC 8259 §7). */
static int json_quote(struct px_buf *b, const char *s)
{
	int rc = px_buf_addc(b, '"');

	for (; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			rc = px_buf_addc(b, '\\') || px_buf_addc(b, c);
		else if (c < 0x20)
			rc = px_buf_addf(b, "\\u%04x", c);
		else
			rc = px_buf_addc(b, c);
	}
	return rc || px_buf_addc(b, '"') ? PX_ENOMEM : 0;
}

/* Append member name and the text of value v (a member of a stored
 * revision, copied as it is). */
static int json_member(struct px_buf *b, int *first, const char *name,
		       struct jr v)
{
	size_t len;
	const char *t = jtext(v, &len);

	if (px_buf_addstr(b, *first ? "\"" : ",\"") || px_buf_addstr(b, name) ||
	    px_buf_addstr(b, "\":") || px_buf_add(b, t, len))
		return PX_ENOMEM;
	*first = 0;
	return 0;
}

/*
 * The consensus of an event's accounts (acc[0..n): their current
 * revisions) as one account-like record, written as JSON into b: the
 * claims they agree on (MODEL.md "Comparison": intervals intersect, equal
 * types, equal actor sets, overlapping casualty ranges), with the agreed
 * interval as the intersection and the agreed deaths as the intersection
 * of the ranges (its low as "best" and "low", its high as "high").
 * Disputed fields are named in *disputed.
 */
static int consensus(const struct jdoc *acc, size_t n, struct px_buf *b,
		     char *disputed, size_t cap)
{
	char s[11] = "", e[11] = "";
	int time_ok = 1, type_ok = 1, ini_ok = 1, tgt_ok = 1, cas_ok = 1;
	int64_t lo = 0, hi = -1;
	int any_cas = 0, first = 1, rc = 0;
	struct jr type0 = jnone, ini0 = jnone, tgt0 = jnone;
	size_t dl = 0;

	disputed[0] = 0;
	for (size_t i = 0; i < n; i++) {
		struct jr c = jget(jroot(&acc[i]), "claims");
		struct jr t = jget(c, "time"), ty = jget(c, "type"), a;
		int64_t l, h;

		if (jhas(t)) {
			const char *ts = jsget(t, "start"),
				   *te = jsget(t, "end");

			if (!s[0] || strcmp(ts, s) > 0)
				snprintf(s, sizeof(s), "%s", ts);
			if (!e[0] || strcmp(te, e) < 0)
				snprintf(e, sizeof(e), "%s", te);
		}
		if (jhas(ty)) {
			if (!jhas(type0))
				type0 = ty;
			else if (strcmp(jsget(ty, "type"),
					jsget(type0, "type")))
				type_ok = 0;
		}
		a = jget(c, "initiators");
		if (jhas(a)) {
			if (!jhas(ini0))
				ini0 = a;
			else if (!jequal(jget(a, "actors"),
					 jget(ini0, "actors")))
				ini_ok = 0;
		}
		a = jget(c, "targets");
		if (jhas(a)) {
			if (!jhas(tgt0))
				tgt0 = a;
			else if (!jequal(jget(a, "actors"),
					 jget(tgt0, "actors")))
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
	rc |= px_buf_addstr(b, "{\"claims\":{");
	if (s[0] && time_ok) {
		rc |= px_buf_addstr(b, "\"time\":{\"start\":");
		rc |= json_quote(b, s);
		rc |= px_buf_addstr(b, ",\"end\":");
		rc |= json_quote(b, e);
		rc |= px_buf_addf(b, ",\"precision\":\"%s\"}",
				  span_precision(s, e));
		first = 0;
	}
	if (jhas(type0) && type_ok)
		rc |= json_member(b, &first, "type", type0);
	if (jhas(ini0) && ini_ok)
		rc |= json_member(b, &first, "initiators", ini0);
	if (jhas(tgt0) && tgt_ok)
		rc |= json_member(b, &first, "targets", tgt0);
	if (any_cas && cas_ok) {
		rc |=
		    px_buf_addf(b,
				"%s\"casualties\":{\"unknown\":{\"low\":%lld,"
				"\"best\":%lld",
				first ? "" : ",", (long long)lo, (long long)lo);
		if (hi >= 0)
			rc |= px_buf_addf(b, ",\"high\":%lld", (long long)hi);
		rc |= px_buf_addstr(b, "}}");
	}
	rc |= px_buf_addstr(b, "}");
	return rc ? PX_ENOMEM : 0;
}

/* The row of one event (ev, its current revision): the consensus of its
 * accounts x->acc[0..x->nacc). */
static int consensus_row(struct ex *x, const char *ev_id, struct jr ev)
{
	char disputed[256], what[400];
	int acled = x->opt->format == IO_ACLED;
	struct px_buf *b = &x->cbuf;
	int rc;

	px_buf_reset(b);
	rc = consensus(x->acc, x->nacc, b, disputed, sizeof(disputed));
	if (rc < 0)
		return rc;
	/* narrative column: how many accounts, what is disputed */
	snprintf(what, sizeof(what), "%zu account%s%s%s", x->nacc,
		 x->nacc == 1 ? "" : "s", disputed[0] ? "; disputed: " : "",
		 disputed);
	if (acled) {
		int first = 0;

		rc |= px_buf_addstr(b, ",\"narrative\":{\"text\":");
		rc |= json_quote(b, what);
		rc |= px_buf_addstr(b, "}");
		if (jhas(jget(ev, "filed_at")))
			rc |= json_member(b, &first, "filed_at",
					  jget(ev, "filed_at"));
	}
	rc |= px_buf_addstr(b, "}");
	if (rc || jd_parse(&x->cons, (const char *)b->data, b->len) < 0)
		return PX_ENOMEM;
	/* the last column says what is disputed instead of a party */
	return acled ? acled_row(x, ev_id, ev, jroot(&x->cons), NULL, NULL,
				 disputed)
		     : ucdp_row(x, ev_id, ev, jroot(&x->cons), NULL, NULL,
				disputed);
}

/* Parse a stored revision into d. */
static int load_stored(struct jdoc *d, const char *text, size_t len,
		       struct px_err *err)
{
	if (jd_parse(d, text, len) < 0)
		return px_errorf(err, PX_ECORRUPT,
				 "store: stored JSON unreadable");
	return 0;
}

/*
 * --consensus: one row per event store_list lists for the filters, from
 * one pass over the events and their current accounts (scan.h).
 */
static int csv_events(struct ex *x, const struct store_query *q,
		      struct px_err *err)
{
	struct store_scan_row row;
	char *ev_id = NULL;
	int64_t cur = 0;
	int rc = store_scan_start(x->scan, STORE_SCAN_EVENTS, q, err);

	while (rc == 0) {
		int more = store_scan_next(x->scan, &row, err);

		if (more < 0) {
			rc = more;
			break;
		}
		if (cur && (!more || row.event_rid != cur)) {
			rc = consensus_row(x, ev_id, jroot(&x->ev));
			px_progress_update(&x->prog, x->stats->rows);
			if (rc < 0) {
				rc = px_errorf(err, rc, "write: %s",
					       px_strerror(rc));
				break;
			}
			px_free(ev_id);
			ev_id = NULL;
			x->nacc = 0;
			docs_bound(x);
			cur = 0;
		}
		if (!more)
			break;
		if (!cur) {
			cur = row.event_rid;
			rc = load_stored(&x->ev, row.event_json, row.event_len,
					 err);
			if (rc < 0)
				break;
			ev_id = px_strdup(row.event_id ? row.event_id : "");
			if (!ev_id) {
				rc = px_errorf(err, PX_ENOMEM, "out of memory");
				break;
			}
		}
		if (!row.json)
			continue; /* an event with no current account */
		if (x->nacc == x->acccap) {
			size_t ncap = x->acccap ? x->acccap * 2 : 16;
			struct jdoc *na =
			    px_realloc(x->acc, ncap * sizeof(*na));

			if (!na) {
				rc = px_errorf(err, PX_ENOMEM, "out of memory");
				break;
			}
			memset(na + x->acccap, 0,
			       (ncap - x->acccap) * sizeof(*na));
			x->acc = na;
			x->acccap = ncap;
		}
		rc = load_stored(&x->acc[x->nacc], row.json, row.len, err);
		if (rc == 0)
			x->nacc++;
	}
	px_free(ev_id);
	return rc;
}

/*
 * One row per account: a single pass over the current accounts (the
 * party's, when --party), each with its event; with event filters, only
 * the accounts of the events they select.  The event is parsed only when
 * the account does not itself claim time, place and type.
 */
static int csv_accounts(struct ex *x, const struct store_query *q,
			struct px_err *err)
{
	struct store_scan_row row;
	int acled = x->opt->format == IO_ACLED;
	int rc = store_scan_start(x->scan, STORE_SCAN_ACCOUNTS, q, err);

	while (rc == 0) {
		struct jr acc, ev = jnone, claims;
		const char *ev_id;
		int more = store_scan_next(x->scan, &row, err);

		if (more <= 0) {
			rc = more;
			break;
		}
		rc = load_stored(&x->acc1, row.json, row.len, err);
		if (rc < 0)
			break;
		acc = jroot(&x->acc1);
		claims = jget(acc, "claims");
		ev_id = jsget(acc, "event");
		if (!jhas(jget(claims, "time")) ||
		    !jhas(jget(claims, "place")) ||
		    !jhas(jget(claims, "type"))) {
			/* an account of an event the store cannot give
			 * has no row */
			const char *text;
			size_t len;

			if (store_scan_record(x->scan, row.event_rid, &ev_id,
					      &text, &len, NULL) != 1 ||
			    jd_parse(&x->ev, text, len) < 0)
				continue;
			ev = jroot(&x->ev);
		}
		rc = acled
			 ? acled_row(x, ev_id, ev, acc, row.id, row.owner, NULL)
			 : ucdp_row(x, ev_id, ev, acc, row.id, row.owner, NULL);
		px_progress_update(&x->prog, x->stats->rows);
		if (rc < 0)
			return px_errorf(err, rc, "write: %s", px_strerror(rc));
		docs_bound(x);
	}
	return rc;
}

static int csv_export(struct ex *x, struct px_err *err)
{
	struct store_query q;
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
	return x->opt->consensus ? csv_events(x, &q, err)
				 : csv_accounts(x, &q, err);
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

/* FNV-1a of the actor set's canonical text: equal sets, equal texts. */
static uint64_t actors_hash(struct jr a)
{
	size_t len;
	const char *d = jtext(jget(a, "actors"), &len);
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)d[i]) * 1099511628211ULL;
	return h;
}

/* Add one account (its current revision) to its event's agg. */
static int agg_account(struct ex *x, struct jr rec, struct px_err *err)
{
	struct jr c = jget(rec, "claims"), t, a;
	const char *ev = jsget(rec, "event");
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
	if (jhas(t = jget(c, "time"))) {
		const char *ts = jsget(t, "start"), *te = jsget(t, "end");

		if (!g->s[0] || strcmp(ts, g->s) > 0)
			snprintf(g->s, sizeof(g->s), "%s", ts);
		if (!g->e[0] || strcmp(te, g->e) < 0)
			snprintf(g->e, sizeof(g->e), "%s", te);
	}
	if (jhas(t = jget(c, "type"))) {
		if (!g->type[0])
			snprintf(g->type, sizeof(g->type), "%s",
				 jsget(t, "type"));
		else if (strcmp(g->type, jsget(t, "type")))
			g->type_bad = 1;
	}
	if (jhas(a = jget(c, "initiators"))) {
		uint64_t hh = actors_hash(a);

		if (!g->has_ini)
			g->ini = hh;
		else if (g->ini != hh)
			g->ini_bad = 1;
		g->has_ini = 1;
	}
	if (jhas(a = jget(c, "targets"))) {
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
	rc = store_scan_start(x->scan, STORE_SCAN_ACCOUNTS, &q, err);
	while (rc == 0) {
		struct store_scan_row row;
		int more = store_scan_next(x->scan, &row, err);

		if (more <= 0) {
			rc = more;
			break;
		}
		rc = load_stored(&x->acc1, row.json, row.len, err);
		if (rc == 0)
			rc = agg_account(x, jroot(&x->acc1), err);
	}
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
	int rc = px_buf_addf(
	    b, "{\"index\":%" PRIu64 ",\"id\":\"%s\",\"entry\":\"", index, rev);

	for (size_t i = 0; i < len && rc == 0; i++) {
		char c = text[i];
		const char *esc = c == '"'    ? "\\\""
				  : c == '\\' ? "\\\\"
				  : c == '\n' ? "\\n"
				  : c == '\r' ? "\\r"
				  : c == '\t' ? "\\t"
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
		return emit(x) < 0 ? px_errorf(err, PX_EIO, "write failed") : 0;
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
	io_map_init(&x.docs);
	px_buf_init(&x.cbuf, 1 << 20);
	px_buf_init(&x.r.b, (size_t)64 * 1024 * 1024);
	px_progress_start(&x.prog, "exporting", 0);
	if (!opt->progress)
		x.prog.enabled = 0;
	/* JSONL reads the log, not the records */
	rc = opt->format == IO_JSONL ? 0 : store_scan_new(x.st, &x.scan, err);
	if (rc == 0 && !x.objs)
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
	/* one snapshot and one read lock for every query of the export */
	if (rc == 0)
		rc = store_read_begin(x.st, err);
	if (rc == 0)
		rc = export_format(&x, err);
	if (rc == 0 && x.r.b.len &&
	    fwrite(x.r.b.data, 1, x.r.b.len, out) != x.r.b.len)
		rc = px_errorf(err, PX_EIO, "write failed");
	if (rc == 0 && fflush(out) != 0)
		rc = px_errorf(err, PX_EIO, "write failed");
	store_scan_free(x.scan); /* ends its statements' reads */
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
	docs_clear(&x);
	io_map_release(&x.docs);
	px_free(x.doc);
	jd_release(&x.scratch);
	jd_release(&x.acc1);
	jd_release(&x.ev);
	jd_release(&x.cons);
	for (size_t i = 0; i < x.acccap; i++)
		jd_release(&x.acc[i]);
	px_free(x.acc);
	px_buf_release(&x.cbuf);
	px_free(x.kv);
	px_free(x.src);
	stats->seconds = px_now() - t0;
	return rc;
}
