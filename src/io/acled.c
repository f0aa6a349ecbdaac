/*
 * acled.c - ACLED CSV to parallax records.  The current layout (31
 * columns since March 2023: event_id_cnty, event_date, year,
 * time_precision, disorder_type, event_type, sub_event_type, actor1,
 * assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
 * civilian_targeting, iso, region, country, admin1, admin2, admin3,
 * location, latitude, longitude, geo_precision, source, source_scale,
 * notes, fatalities, tags, timestamp) and older ones: columns are found by
 * name in any order (older exports' names such as "data_id",
 * "event_id_no_cnty", "geo_precis" are accepted), a second row of HXL
 * hashtags (#date, #adm1 ...) is skipped, and fatalities may be missing.
 *
 * Each row becomes: a source per outlet named in `source` (split on ';',
 * shared between rows, filed at IO_SHARED_FILED_AT), the place (matched in
 * the gazetteer by `location` and distance, or new), an event (a neutral
 * title made of the sub-event type, the location and the date) and the
 * dataset's account:
 *   notes -> narrative (en); actor1 + assoc_actor_1 -> initiators,
 *   actor2 + assoc_actor_2 -> targets (inter1/inter2 1-8 or their labels
 *   -> inter codes); fatalities -> casualties.unknown.best (ACLED does not
 *   split its count); event_type/sub_event_type -> type; event_date +
 *   time_precision 1/2/3 -> day / the week around the date (date-3 ..
 *   date+3) / the calendar month; latitude/longitude + geo_precision
 *   1/2/3 -> exact / near / district; source + source_scale -> sources.
 * Every other column (event_id_cnty, disorder_type, interaction,
 * civilian_targeting, iso, region, country, admin1-3, tags, year) is kept in
 * the account's comment as "acled.NAME=value" lines, so that export can
 * give it back.  filed_at is `timestamp` (Unix seconds) when present, else
 * the event date at 00:00:00Z.
 */
#include "io/ioint.h"

#include <string.h>
#include <strings.h>

enum {
	A_ID,
	A_DATE,
	A_YEAR,
	A_TPREC,
	A_DISORDER,
	A_TYPE,
	A_SUBTYPE,
	A_ACTOR1,
	A_ASSOC1,
	A_INTER1,
	A_ACTOR2,
	A_ASSOC2,
	A_INTER2,
	A_INTERACTION,
	A_CIVTARGET,
	A_ISO,
	A_REGION,
	A_COUNTRY,
	A_ADMIN1,
	A_ADMIN2,
	A_ADMIN3,
	A_LOCATION,
	A_LAT,
	A_LON,
	A_GPREC,
	A_SOURCE,
	A_SCALE,
	A_NOTES,
	A_FATAL,
	A_TAGS,
	A_TIMESTAMP,
	A_COUNT
};

/* Names the columns go by, current first; HXL hashtags last. */
static const char *const acled_names[A_COUNT][5] = {
    [A_ID] = {"event_id_cnty", "event_id", "#event+code", NULL},
    [A_DATE] = {"event_date", "date", "#date", "#date+occurred", NULL},
    [A_YEAR] = {"year", "#date+year", NULL},
    [A_TPREC] = {"time_precision", "#date+precision", NULL},
    [A_DISORDER] = {"disorder_type", NULL},
    [A_TYPE] = {"event_type", "#event+type", NULL},
    [A_SUBTYPE] = {"sub_event_type", "#event+type+sub", NULL},
    [A_ACTOR1] = {"actor1", "#group+name+first", NULL},
    [A_ASSOC1] = {"assoc_actor_1", "ally_actor_1", "#group+name+first+assoc",
		  NULL},
    [A_INTER1] = {"inter1", "#group+type+first", NULL},
    [A_ACTOR2] = {"actor2", "#group+name+second", NULL},
    [A_ASSOC2] = {"assoc_actor_2", "ally_actor_2", "#group+name+second+assoc",
		  NULL},
    [A_INTER2] = {"inter2", "#group+type+second", NULL},
    [A_INTERACTION] = {"interaction", "#group+interaction", NULL},
    [A_CIVTARGET] = {"civilian_targeting", NULL},
    [A_ISO] = {"iso", "iso3", "#country+code", NULL},
    [A_REGION] = {"region", "#region+name", NULL},
    [A_COUNTRY] = {"country", "#country+name", NULL},
    [A_ADMIN1] = {"admin1", "#adm1+name", NULL},
    [A_ADMIN2] = {"admin2", "#adm2+name", NULL},
    [A_ADMIN3] = {"admin3", "#adm3+name", NULL},
    [A_LOCATION] = {"location", "#loc+name", NULL},
    [A_LAT] = {"latitude", "#geo+lat", NULL},
    [A_LON] = {"longitude", "#geo+lon", NULL},
    [A_GPREC] = {"geo_precision", "geo_precis", "#geo+precision", NULL},
    [A_SOURCE] = {"source", "#meta+source", NULL},
    [A_SCALE] = {"source_scale", "#meta+source+scale", NULL},
    [A_NOTES] = {"notes", "#description", NULL},
    [A_FATAL] = {"fatalities", "#affected+killed", NULL},
    [A_TAGS] = {"tags", NULL},
    [A_TIMESTAMP] = {"timestamp", "#date+updated", NULL},
};

/* Columns kept in the comment, in this order. */
static const int acled_kept[] = {
    A_ID,     A_DISORDER, A_INTERACTION, A_CIVTARGET, A_ISO,
    A_REGION, A_COUNTRY,  A_ADMIN1,	 A_ADMIN2,    A_ADMIN3,
    A_TAGS,   A_YEAR,	  A_LOCATION,	 A_LAT,	      A_LON};

static void list_add(char *list, size_t cap, const char *s, size_t len)
{
	size_t have = strlen(list);

	if (have + len + 3 >= cap)
		return;
	snprintf(list + have, cap - have, "%s%.*s", have ? ", " : "", (int)len,
		 s);
}

int io_acled_header(struct io_ctx *c, const struct io_csv_row *row,
		    struct px_err *err)
{
	for (size_t i = 0; i < row->n; i++) {
		size_t len;
		const char *s = io_col(row, (int)i, 0, &len);
		int found = -1;

		for (int k = 0; k < A_COUNT && found < 0; k++)
			for (int a = 0; acled_names[k][a]; a++)
				if (strlen(acled_names[k][a]) == len &&
				    strncasecmp(acled_names[k][a], s, len) ==
					0) {
					found = k;
					break;
				}
		if (found >= 0 && c->col[found] < 0)
			c->col[found] = (int)i;
		else if (len)
			list_add(c->stats->ignored, sizeof(c->stats->ignored),
				 s, len);
	}
	if (c->col[A_DATE] < 0)
		return px_errorf(err, PX_EINVAL,
				 "line 1: no 'event_date' column: is this an "
				 "ACLED export?");
	if (c->col[A_TYPE] < 0)
		return px_errorf(err, PX_EINVAL,
				 "line 1: no 'event_type' column: is this an "
				 "ACLED export?");
	if (c->col[A_LOCATION] < 0 && c->col[A_LAT] < 0)
		return px_errorf(err, PX_EINVAL,
				 "line 1: neither 'location' nor 'latitude': "
				 "is this an ACLED export?");
	c->hxl_pending = 1;
	snprintf(c->stats->mapped, sizeof(c->stats->mapped),
		 "event_date%s -> time, event_type%s -> type, actor1/2%s -> "
		 "initiators/targets, location+latitude+longitude%s -> "
		 "place, notes -> narrative%s%s",
		 c->col[A_TPREC] >= 0 ? "+time_precision" : "",
		 c->col[A_SUBTYPE] >= 0 ? "+sub_event_type" : "",
		 c->col[A_INTER1] >= 0 ? "+inter1/2" : "",
		 c->col[A_GPREC] >= 0 ? "+geo_precision" : "",
		 c->col[A_FATAL] >= 0 ? ", fatalities -> casualties"
				      : " (no fatalities column)",
		 c->col[A_SOURCE] >= 0 ? ", source -> sources" : "");
	for (size_t k = 0; k < PX_ARRAY_LEN(acled_kept); k++)
		if (c->col[acled_kept[k]] >= 0)
			list_add(c->stats->kept, sizeof(c->stats->kept),
				 acled_names[acled_kept[k]][0],
				 strlen(acled_names[acled_kept[k]][0]));
	return 0;
}

/* "Explosions/Remote violence" -> "explosions-remote-violence". */
static void code_of(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	int dash = 0;

	for (size_t i = 0; i < len && n + 2 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (dash && n)
				out[n++] = '-';
			dash = 0;
			out[n++] = (char)ch;
		} else if (ch >= 'A' && ch <= 'Z') {
			if (dash && n)
				out[n++] = '-';
			dash = 0;
			out[n++] = (char)(ch - 'A' + 'a');
		} else {
			dash = 1;
		}
	}
	out[n] = 0;
}

static const char *const type_map[][2] = {
    {"battles", "battle"},
    {"explosions-remote-violence", "explosion-remote-violence"},
    {"violence-against-civilians", "violence-against-civilians"},
    {"protests", "protest"},
    {"riots", "riot"},
    {"strategic-developments", "strategic-development"},
    /* pre-2019 labels */
    {"remote-violence", "explosion-remote-violence"},
    {"battle-no-change-of-territory", "battle"},
    {"riots-protests", "protest"},
};

static const char *const inter_codes[] = {
    "state-forces", "rebel-group", "political-militia", "identity-militia",
    "rioters",	    "protesters",  "civilians",		"external-other"};

/* inter1/inter2: a digit 1-8 or the label ("State forces"); NULL if none
 * (0 or empty), "" if not understood. */
static const char *inter_of(const char *s, size_t len)
{
	char code[64];

	if (len == 1 && s[0] >= '1' && s[0] <= '8')
		return inter_codes[s[0] - '1'];
	if (len == 0 || (len == 1 && s[0] == '0'))
		return NULL;
	code_of(s, len, code, sizeof(code));
	for (size_t i = 0; i < PX_ARRAY_LEN(inter_codes); i++)
		if (strcmp(code, inter_codes[i]) == 0)
			return inter_codes[i];
	if (strcmp(code, "rebel-groups") == 0)
		return "rebel-group";
	if (strcmp(code, "political-militias") == 0)
		return "political-militia";
	if (strcmp(code, "identity-militias") == 0)
		return "identity-militia";
	if (strcmp(code, "external-other-forces") == 0)
		return "external-other";
	return "";
}

/* Split s on ';' into actors (trimmed, distinct) appended to arr. */
static int add_actors(json_t *arr, const char *s, size_t len, const char *inter)
{
	size_t i = 0;

	while (i < len) {
		size_t st = i, e;

		while (i < len && s[i] != ';')
			i++;
		e = i++;
		while (st < e && (s[st] == ' ' || s[st] == '\t'))
			st++;
		while (e > st && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e == st)
			continue;
		size_t k;
		json_t *a;
		int dup = 0;
		json_array_foreach(arr, k, a)
		{
			const char *nm =
			    json_string_value(json_object_get(a, "name"));
			if (strlen(nm) == e - st &&
			    memcmp(nm, s + st, e - st) == 0)
				dup = 1;
		}
		if (dup || json_array_size(arr) >= 20)
			continue;
		a = json_object();
		if (!a || io_set_str(a, "name", s + st, e - st) ||
		    (inter && inter[0] &&
		     json_object_set_new(a, "inter", json_string(inter))) ||
		    json_array_append_new(arr, a))
			return PX_ENOMEM;
		inter = NULL; /* associated actors: kind not stated */
	}
	return 0;
}

/* Shared sources from a ';'-separated list of outlets. */
static int add_sources(struct io_ctx *c, struct io_unit *u, const char *s,
		       size_t len, const char *scale, json_t *ids,
		       struct px_err *err)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		size_t st = i, e;
		char id[REC_ID_SIZE];
		json_t *src;

		while (i < len && s[i] != ';')
			i++;
		e = i++;
		while (st < e && s[st] == ' ')
			st++;
		while (e > st && s[e - 1] == ' ')
			e--;
		if (e == st || json_array_size(ids) >= 50)
			continue;
		if (e - st > REC_NAME_MAX)
			e = st + REC_NAME_MAX; /* bytes >= characters */
		while (e > st && ((unsigned char)s[e] & 0xC0) == 0x80 &&
		       e < len)
			e--;
		src = io_envelope(c, "source", IO_SHARED_FILED_AT);
		if (!src ||
		    json_object_set_new(src, "type", json_string("other")) ||
		    io_set_str(src, "title", s + st, e - st) ||
		    io_set_str(src, "outlet", s + st, e - st) ||
		    (scale &&
		     json_object_set_new(src, "scale", json_string(scale)))) {
			json_decref(src);
			return px_errorf(err, PX_ENOMEM, "out of memory");
		}
		rc = io_source_for(c, src, u, id, err);
		if (rc < 0)
			return rc;
		int dup = 0;
		size_t k;
		json_t *v;
		json_array_foreach(ids, k, v) if (strcmp(json_string_value(v),
							 id) == 0) dup = 1;
		if (!dup && json_array_append_new(ids, json_string(id)))
			return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	return 0;
}

static const char *scale_of(const char *s, size_t len)
{
	static const char *const scales[] = {
	    "local",	     "subnational", "national", "regional",
	    "international", "new-media",   "other"};
	char code[64];

	if (len == 0)
		return NULL;
	code_of(s, len, code, sizeof(code));
	for (size_t i = 0; i < PX_ARRAY_LEN(scales); i++)
		if (strcmp(code, scales[i]) == 0)
			return scales[i];
	return "other"; /* "National-Regional" and other mixes */
}

#define COL(k, na) io_col(row, c->col[k], na, &len)

static int bad_col(struct px_err *err, int k, const char *s, size_t len,
		   const char *why)
{
	return px_errorf(err, PX_EINVAL, "column '%s': %s (\"%.*s\")",
			 acled_names[k][0], why, (int)(len > 60 ? 60 : len), s);
}

int io_acled_row(struct io_ctx *c, const struct io_csv_row *row,
		 struct io_unit *u, struct px_err *err)
{
	char date[11], start[11], end[11], filed_at[REC_TIME_SIZE];
	char type[64], subtype[80], place_id[REC_ID_SIZE], title[512];
	const char *s, *precision = "day", *loc_prec = "exact";
	size_t len, loclen;
	const char *loc;
	int64_t lat = 0, lon = 0;
	int has_coords = 0, rc;
	json_t *ev = NULL, *acc = NULL, *claims = NULL, *srcs = NULL;
	struct px_buf comment;

	/* a second header row of HXL hashtags */
	if (c->hxl_pending) {
		c->hxl_pending = 0;
		s = COL(A_DATE, 0);
		if (len && s[0] == '#')
			return IO_ROW_SKIP;
	}
	for (size_t i = 0; i < row->n; i++) {
		int k;

		for (k = 0; k < A_COUNT; k++)
			if (c->col[k] == (int)i)
				break;
		rc = io_check_text(row->field[i], row->len[i],
				   k < A_COUNT ? acled_names[k][0] : "?", err);
		if (rc < 0)
			return rc;
	}
	s = COL(A_DATE, 0);
	rc = io_parse_date(s, len, date, err);
	if (rc < 0)
		return px_err_prefix(err, "column 'event_date'");
	snprintf(start, sizeof(start), "%s", date);
	snprintf(end, sizeof(end), "%s", date);
	s = COL(A_TPREC, 0);
	if (len) {
		if (len != 1 || s[0] < '1' || s[0] > '3')
			return bad_col(err, A_TPREC, s, len,
				       "must be 1, 2 or 3");
		if (s[0] == '2') {
			int64_t d = io_date_days(date);

			precision = "week";
			io_days_date(d - 3, start);
			io_days_date(d + 3, end);
		} else if (s[0] == '3') {
			char first[11];

			precision = "month";
			snprintf(first, sizeof(first), "%.8s01", date);
			snprintf(start, sizeof(start), "%s", first);
			/* the last day: the first of next month, less one */
			io_days_date(io_date_days(first) + 31, end);
			snprintf(end + 8, 3, "01");
			io_days_date(io_date_days(end) - 1, end);
		}
	}
	s = COL(A_TIMESTAMP, 0);
	if (len) {
		uint64_t ts;

		if (px_parse_u64(s, len, &ts) != 0 || ts > 253402300799ULL ||
		    rec_time_format((int64_t)ts, filed_at) != 0)
			return bad_col(err, A_TIMESTAMP, s, len,
				       "must be Unix seconds");
	} else {
		snprintf(filed_at, sizeof(filed_at), "%sT00:00:00Z", start);
	}
	s = COL(A_TYPE, 0);
	code_of(s, len, type, sizeof(type));
	{
		size_t k;

		for (k = 0; k < PX_ARRAY_LEN(type_map); k++)
			if (strcmp(type, type_map[k][0]) == 0)
				break;
		if (k == PX_ARRAY_LEN(type_map))
			return bad_col(err, A_TYPE, s, len,
				       "is not an ACLED event type");
		snprintf(type, sizeof(type), "%s", type_map[k][1]);
	}
	s = COL(A_SUBTYPE, 0);
	code_of(s, len, subtype, sizeof(subtype));
	/* latitude, longitude */
	{
		size_t llen;
		const char *la = io_col(row, c->col[A_LAT], 1, &llen);
		const char *lo = COL(A_LON, 1);

		if (llen || len) {
			rc =
			    io_parse_microdeg(la, llen, REC_LAT_MAX, &lat, err);
			if (rc < 0)
				return px_err_prefix(err, "column 'latitude'");
			rc = io_parse_microdeg(lo, len, REC_LON_MAX, &lon, err);
			if (rc < 0)
				return px_err_prefix(err, "column 'longitude'");
			has_coords = 1;
		}
	}
	s = COL(A_GPREC, 0);
	if (len) {
		if (len != 1 || s[0] < '1' || s[0] > '3')
			return bad_col(err, A_GPREC, s, len,
				       "must be 1, 2 or 3");
		loc_prec = s[0] == '1'	 ? "exact"
			   : s[0] == '2' ? "near"
					 : "district";
	}
	loc = io_col(row, c->col[A_LOCATION], 0, &loclen);
	if (!loclen) {
		loc = io_col(row, c->col[A_ADMIN2], 0, &loclen);
		if (!loclen)
			loc = io_col(row, c->col[A_ADMIN1], 0, &loclen);
		if (!loclen)
			return px_errorf(err, PX_EINVAL,
					 "column 'location': is empty");
	}
	if (loclen > REC_NAME_MAX)
		return bad_col(err, A_LOCATION, loc, loclen,
			       "is longer than 200 characters");
	px_buf_init(&comment, 4 * REC_NOTE_MAX);
	{
		size_t alen;
		const char *adm = io_col(row, c->col[A_ADMIN1], 0, &alen);
		struct px_buf pc;

		px_buf_init(&pc, 4 * REC_NOTE_MAX);
		io_comment_add(&pc, "acled.admin1", adm, alen);
		adm = io_col(row, c->col[A_ADMIN2], 0, &alen);
		io_comment_add(&pc, "acled.admin2", adm, alen);
		adm = io_col(row, c->col[A_COUNTRY], 0, &alen);
		io_comment_add(&pc, "acled.country", adm, alen);
		rc = io_place_for(c, loc, loclen, loc_prec[0] == 'd' ? 1 : 0,
				  has_coords, lat, lon, filed_at,
				  pc.data ? (const char *)pc.data : NULL, u,
				  place_id, err);
		px_buf_release(&pc);
		if (rc < 0)
			goto fail;
	}
	/* sources */
	srcs = json_array();
	if (!srcs)
		goto nomem;
	s = COL(A_SOURCE, 0);
	{
		size_t sclen;
		const char *sc = io_col(row, c->col[A_SCALE], 0, &sclen);

		rc = add_sources(c, u, s, len, scale_of(sc, sclen), srcs, err);
		if (rc < 0)
			goto fail;
	}
	/* the event */
	{
		size_t slen;
		const char *st = io_col(row, c->col[A_SUBTYPE], 0, &slen);

		if (!slen)
			st = io_col(row, c->col[A_TYPE], 0, &slen);
		snprintf(title, sizeof(title), "%.*s in %.*s, %s",
			 (int)(slen > 80 ? 80 : slen), st,
			 (int)(loclen > 80 ? 80 : loclen), loc, date);
	}
	ev = io_envelope(c, "event", filed_at);
	if (!ev)
		goto nomem;
	{
		json_t *t = json_pack("{s:s,s:s,s:s}", "start", start, "end",
				      end, "precision", precision);
		json_t *p = json_pack("{s:s,s:s}", "place", place_id,
				      "precision", loc_prec);

		if (!t || !p || json_object_set_new(ev, "time", t) ||
		    json_object_set_new(ev, "place", p) ||
		    json_object_set_new(ev, "title", json_string(title)) ||
		    json_object_set_new(ev, "type", json_string(type)))
			goto nomem;
		if (subtype[0] && strcmp(subtype, "other") != 0 &&
		    json_object_set_new(ev, "subtype", json_string(subtype)))
			goto nomem;
		if (subtype[0] && strcmp(subtype, "other") == 0 &&
		    strcmp(type, "strategic-development") == 0 &&
		    json_object_set_new(ev, "subtype", json_string(subtype)))
			goto nomem;
	}
	char event_id[REC_ID_SIZE];
	rc = io_record_id(ev, event_id, err);
	if (rc < 0)
		goto fail;
	/* the account */
	acc = io_envelope(c, "account", filed_at);
	claims = json_object();
	if (!acc || !claims)
		goto nomem;
	if (json_object_set_new(acc, "event", json_string(event_id)))
		goto nomem;
	s = COL(A_NOTES, 0);
	{
		json_t *n = json_object();

		if (!n || json_object_set_new(acc, "narrative", n) ||
		    json_object_set_new(n, "lang", json_string("en")))
			goto nomem;
		if (len) {
			long cp = rec_utf8_count(s, len);

			if (cp > REC_TEXT_MAX) {
				rc = bad_col(err, A_NOTES, s, 20,
					     "is longer "
					     "than 20,000 characters");
				goto fail;
			}
			if (io_set_str(n, "text", s, len))
				goto nomem;
		} else if (json_object_set_new(n, "text", json_string(title))) {
			goto nomem;
		}
	}
	{
		json_t *t = json_pack("{s:s,s:s,s:s}", "start", start, "end",
				      end, "precision", precision);
		json_t *p = json_pack("{s:s,s:s}", "place", place_id,
				      "precision", loc_prec);
		json_t *ty = json_pack("{s:s}", "type", type);

		if (!t || !p || !ty || json_object_set_new(claims, "time", t) ||
		    json_object_set_new(claims, "place", p) ||
		    json_object_set_new(claims, "type", ty))
			goto nomem;
		if (json_object_get(ev, "subtype") &&
		    json_object_set(ty, "subtype",
				    json_object_get(ev, "subtype")))
			goto nomem;
	}
	for (int side = 0; side < 2; side++) {
		int ka = side ? A_ACTOR2 : A_ACTOR1;
		int kas = side ? A_ASSOC2 : A_ASSOC1;
		int ki = side ? A_INTER2 : A_INTER1;
		size_t ilen;
		const char *is = io_col(row, c->col[ki], 0, &ilen);
		const char *inter = inter_of(is, ilen);
		json_t *arr = json_array();

		if (!arr)
			goto nomem;
		if (inter && !inter[0]) {
			json_decref(arr);
			rc = bad_col(err, ki, is, ilen,
				     "must be 0-8 or an actor type");
			goto fail;
		}
		s = COL(ka, 0);
		if (len > REC_NAME_MAX * 4 ||
		    rec_utf8_count(s, len) > REC_NAME_MAX) {
			json_decref(arr);
			rc = bad_col(err, ka, s, 40,
				     "is longer than 200 characters");
			goto fail;
		}
		if (len &&
		    (add_actors(arr, s, len, inter) ||
		     ((s = COL(kas, 0)), add_actors(arr, s, len, NULL)))) {
			json_decref(arr);
			goto nomem;
		}
		if (json_array_size(arr)) {
			json_t *w = json_object();

			if (!w || json_object_set_new(w, "actors", arr) ||
			    json_object_set_new(
				claims, side ? "targets" : "initiators", w))
				goto nomem;
		} else {
			json_decref(arr);
		}
	}
	s = COL(A_FATAL, 1);
	if (len) {
		int64_t n;

		rc = io_parse_count(s, len, REC_COUNT_MAX, &n, err);
		if (rc < 0) {
			px_err_prefix(err, "column 'fatalities'");
			goto fail;
		}
		if (json_object_set_new(claims, "casualties",
					json_pack("{s:{s:I}}", "unknown",
						  "best", (json_int_t)n)))
			goto nomem;
	}
	if (json_object_set_new(acc, "claims", claims))
		goto nomem;
	claims = NULL;
	if (json_array_size(srcs)) {
		if (json_object_set_new(acc, "sources", srcs))
			goto nomem;
	} else {
		json_decref(srcs);
	}
	srcs = NULL;
	for (size_t k = 0; k < PX_ARRAY_LEN(acled_kept); k++) {
		char name[64];

		s = COL(acled_kept[k], 0);
		snprintf(name, sizeof(name), "acled.%s",
			 acled_names[acled_kept[k]][0]);
		io_comment_add(&comment, name, s, len);
	}
	if (comment.len &&
	    io_set_str(acc, "comment", (const char *)comment.data, comment.len))
		goto nomem;
	px_buf_release(&comment);
	rc = 0;
	if (u->n + 2 > IO_UNIT_MAX) {
		rc = px_errorf(err, PX_EINVAL, "column 'source': too many");
		goto fail;
	}
	u->rec[u->n++] = ev;
	u->rec[u->n++] = acc;
	return 0;
nomem:
	rc = px_errorf(err, PX_ENOMEM, "out of memory");
fail:
	px_buf_release(&comment);
	json_decref(ev);
	json_decref(acc);
	json_decref(claims);
	json_decref(srcs);
	return rc;
}
