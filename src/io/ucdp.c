/*
 * ucdp.c - UCDP GED CSV (49 columns) to parallax records.  Columns are found
 * by name; "NA" (and "NULL") mean missing.  Each row becomes its sources,
 * its place, an event and UCDP's account of it:
 *   date_start/date_end + date_prec 1 / 2-3 / 4 / 5 -> time day / week /
 *     month / year;
 *   type_of_violence 1 and 2 (state-based, non-state) -> battle /
 *     armed-clash, 3 (one-sided) -> violence-against-civilians / attack;
 *   side_a -> initiators, side_b -> targets ("Civilians" gets inter
 *     civilians, "Government of ..." state-forces);
 *   deaths_a, deaths_b -> casualties.military per side (best),
 *     deaths_civilians -> civilians, deaths_unknown -> unknown; the
 *     event's low/high totals are kept in the comment (the model's figures
 *     are per category);
 *   where_prec 1 / 2 / 3 / 4-5 / 6-7 -> exact / near / district / region
 *     / country; the place is named by where_coordinates (1-2), adm_2 (3),
 *     adm_1 (4-5) or country (6-7), at latitude/longitude;
 *   source_article, source_office, source_date, source_headline,
 *     source_original, several packed in one field separated by ';' ->
 *     one source each (title = headline or article, outlet = office,
 *     published = date, author = original);
 *   the narrative is composed from dyad_name and where_description (UCDP
 *     has no notes column) in English.
 * Every other column is kept in the account's comment as "ucdp.NAME=value"
 * lines (id, relid, year, active_year, code_status, conflict and dyad ids
 * and names, side ids, number_of_sources, where_description, geom_wkt,
 * priogrid_gid, country_id, region, event_clarity, low, best, high, gwnoa,
 * gwnob).  filed_at is date_start at 00:00:00Z (UCDP has no per-row
 * timestamp), which keeps re-imports idempotent.
 */
#include "io/ioint.h"

#include <string.h>
#include <strings.h>

/* The 49 columns of UCDP GED, in the codebook's order (importer and
 * exporter share this table). */
const char *const io_ucdp_columns[IO_UCDP_COLUMNS] = {"id",
					"relid",
					"year",
					"active_year",
					"code_status",
					"type_of_violence",
					"conflict_dset_id",
					"conflict_new_id",
					"conflict_name",
					"dyad_dset_id",
					"dyad_new_id",
					"dyad_name",
					"side_a_dset_id",
					"side_a_new_id",
					"side_a",
					"side_b_dset_id",
					"side_b_new_id",
					"side_b",
					"number_of_sources",
					"source_article",
					"source_office",
					"source_date",
					"source_headline",
					"source_original",
					"where_prec",
					"where_coordinates",
					"where_description",
					"adm_1",
					"adm_2",
					"latitude",
					"longitude",
					"geom_wkt",
					"priogrid_gid",
					"country",
					"country_id",
					"region",
					"event_clarity",
					"date_prec",
					"date_start",
					"date_end",
					"deaths_a",
					"deaths_b",
					"deaths_civilians",
					"deaths_unknown",
					"best",
					"high",
					"low",
					"gwnoa",
					"gwnob"};

enum {
	U_ID,
	U_RELID,
	U_YEAR,
	U_ACTIVE,
	U_CODE,
	U_TOV,
	U_CDSET,
	U_CNEW,
	U_CNAME,
	U_DDSET,
	U_DNEW,
	U_DNAME,
	U_ADSET,
	U_ANEW,
	U_SIDEA,
	U_BDSET,
	U_BNEW,
	U_SIDEB,
	U_NSRC,
	U_SARTICLE,
	U_SOFFICE,
	U_SDATE,
	U_SHEAD,
	U_SORIG,
	U_WPREC,
	U_WCOORD,
	U_WDESC,
	U_ADM1,
	U_ADM2,
	U_LAT,
	U_LON,
	U_WKT,
	U_PRIO,
	U_COUNTRY,
	U_COUNTRYID,
	U_REGION,
	U_CLARITY,
	U_DPREC,
	U_DSTART,
	U_DEND,
	U_DA,
	U_DB,
	U_DCIV,
	U_DUNK,
	U_BEST,
	U_HIGH,
	U_LOW,
	U_GWA,
	U_GWB,
	U_COUNT
};

static const int ucdp_kept[] = {
    U_ID,    U_RELID,	U_YEAR,	     U_ACTIVE, U_CODE,	  U_TOV,
    U_CDSET, U_CNEW,	U_CNAME,     U_DDSET,  U_DNEW,	  U_DNAME,
    U_ADSET, U_ANEW,	U_BDSET,     U_BNEW,   U_NSRC,	  U_WDESC,
    U_WKT,   U_PRIO,	U_COUNTRYID, U_REGION, U_CLARITY, U_LOW,
    U_BEST,  U_HIGH,	U_GWA,	     U_GWB,    U_WCOORD,  U_ADM1,
    U_ADM2,  U_COUNTRY, U_DPREC,     U_WPREC,  U_LAT,	  U_LON};

int io_ucdp_header(struct io_ctx *c, const struct io_csv_row *row,
		   struct px_err *err)
{
	size_t nfound = 0;

	for (size_t i = 0; i < row->n; i++) {
		size_t len;
		const char *s = io_col(row, (int)i, 0, &len);
		size_t k;

		for (k = 0; k < U_COUNT; k++)
			if (strlen(io_ucdp_columns[k]) == len &&
			    strncasecmp(io_ucdp_columns[k], s, len) == 0)
				break;
		if (k < U_COUNT && c->col[k] < 0) {
			c->col[k] = (int)i;
			nfound++;
		} else if (len) {
			size_t have = strlen(c->stats->ignored);

			if (have + len + 3 < sizeof(c->stats->ignored))
				snprintf(c->stats->ignored + have,
					 sizeof(c->stats->ignored) - have,
					 "%s%.*s", have ? ", " : "", (int)len,
					 s);
		}
	}
	if (c->col[U_DSTART] < 0 || c->col[U_ID] < 0)
		return px_errorf(err, PX_EINVAL,
				 "line 1: no 'id' or 'date_start' column: is "
				 "this a UCDP GED file?");
	snprintf(c->stats->mapped, sizeof(c->stats->mapped),
		 "%zu of 49 columns: date_start/date_end/date_prec -> time, "
		 "type_of_violence -> type, side_a/side_b -> "
		 "initiators/targets, deaths_* -> casualties, where_prec + "
		 "latitude/longitude -> place, source_* -> sources",
		 nfound);
	snprintf(c->stats->kept, sizeof(c->stats->kept),
		 "id, relid, conflict/dyad/side ids and names, "
		 "where_description, geom_wkt, priogrid_gid, event_clarity, "
		 "low/best/high, gwnoa/gwnob and the rest (as ucdp.NAME=value "
		 "in the account's comment)");
	return 0;
}

#define COL(k) io_col(row, c->col[k], 1, &len)

/* The i-th ';'-separated piece of s (trimmed); NULL past the end. */
static const char *piece(const char *s, size_t len, size_t want, size_t *out)
{
	size_t i = 0, n = 0;

	while (i <= len) {
		size_t st = i, e;

		while (i < len && s[i] != ';')
			i++;
		e = i++;
		if (n++ == want) {
			while (st < e &&
			       (s[st] == ' ' || s[st] == '\n' || s[st] == '\r'))
				st++;
			while (e > st && (s[e - 1] == ' ' || s[e - 1] == '\n' ||
					  s[e - 1] == '\r'))
				e--;
			*out = e - st;
			return s + st;
		}
	}
	*out = 0;
	return NULL;
}

static size_t npieces(const char *s, size_t len)
{
	size_t n = len ? 1 : 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == ';';
	return n;
}

/* Shorten a line to at most max characters at a UTF-8 boundary and turn
 * control characters into spaces (a line must not hold them). */
static int set_line(json_t *o, const char *key, const char *s, size_t len,
		    size_t max)
{
	char buf[1024];
	size_t n = 0, cps = 0;

	for (size_t i = 0; i < len && n + 4 < sizeof(buf); i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch & 0xC0) != 0x80) {
			if (cps == max)
				break;
			cps++;
		}
		buf[n++] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch;
	}
	while (n && buf[n - 1] == ' ')
		n--;
	size_t st = 0;
	while (st < n && buf[st] == ' ')
		st++;
	if (st == n)
		return 0;
	return io_set_str(o, key, buf + st, n - st);
}

static int add_sources(struct io_ctx *c, const struct io_csv_row *row,
		       struct io_unit *u, json_t *ids, uint64_t line,
		       struct px_err *err)
{
	size_t alen, olen, dlen, hlen, rlen, n;
	const char *art = io_col(row, c->col[U_SARTICLE], 1, &alen);
	const char *off = io_col(row, c->col[U_SOFFICE], 1, &olen);
	const char *dat = io_col(row, c->col[U_SDATE], 1, &dlen);
	const char *head = io_col(row, c->col[U_SHEAD], 1, &hlen);
	const char *orig = io_col(row, c->col[U_SORIG], 1, &rlen);
	int rc;

	n = npieces(art, alen);
	if (npieces(head, hlen) > n)
		n = npieces(head, hlen);
	if (npieces(off, olen) > n)
		n = npieces(off, olen);
	if (n > 50) {
		io_note(c, line, "more than 50 sources; the first 50 kept");
		n = 50;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l1, l2, l3, l4, l5;
		const char *a = piece(art, alen, i, &l1);
		const char *o = piece(off, olen, i, &l2);
		const char *d = piece(dat, dlen, i, &l3);
		const char *h = piece(head, hlen, i, &l4);
		const char *r = piece(orig, rlen, i, &l5);
		char ymd[11], id[REC_ID_SIZE];
		json_t *src;

		if (!l4) {
			h = a;
			l4 = l1;
		}
		if (!l4) {
			h = o;
			l4 = l2;
		}
		if (!l4)
			continue;
		src = io_envelope(c, "source", IO_SHARED_FILED_AT);
		if (!src ||
		    json_object_set_new(src, "type", json_string("article")) ||
		    set_line(src, "title", h, l4, REC_TITLE_MAX) ||
		    (l2 && set_line(src, "outlet", o, l2, REC_NAME_MAX)) ||
		    (l5 && set_line(src, "author", r, l5, REC_NAME_MAX))) {
			json_decref(src);
			return px_errorf(err, PX_ENOMEM, "out of memory");
		}
		if (l3 && io_parse_date(d, l3, ymd, NULL) == 0 &&
		    json_object_set_new(src, "published", json_string(ymd))) {
			json_decref(src);
			return px_errorf(err, PX_ENOMEM, "out of memory");
		}
		if (!json_object_get(src, "title")) {
			json_decref(src);
			continue;
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

static int count_col(struct io_ctx *c, const struct io_csv_row *row, int k,
		     int64_t *out, struct px_err *err)
{
	size_t len;
	const char *s = COL(k);
	int rc;

	*out = -1;
	if (!len)
		return 0;
	rc = io_parse_count(s, len, REC_COUNT_MAX, out, err);
	if (rc < 0)
		return px_err_prefix(err, "column '%s'", io_ucdp_columns[k]);
	return 0;
}

static const char *inter_for(const char *s, size_t len)
{
	if (len >= 14 && strncasecmp(s, "Government of ", 14) == 0)
		return "state-forces";
	if (len == 9 && strncasecmp(s, "Civilians", 9) == 0)
		return "civilians";
	return NULL;
}

int io_ucdp_row(struct io_ctx *c, const struct io_csv_row *row,
		struct io_unit *u, struct px_err *err)
{
	char start[11], end[11], filed_at[REC_TIME_SIZE], title[600];
	char place_id[REC_ID_SIZE], event_id[REC_ID_SIZE];
	const char *s, *precision = "day", *type, *subtype, *loc_prec;
	size_t len, loclen;
	const char *loc;
	int level, has_coords = 0, rc;
	int64_t lat = 0, lon = 0, da, db, dc, du;
	json_t *ev = NULL, *acc = NULL, *claims = NULL, *srcs = NULL;
	struct px_buf comment;

	for (size_t i = 0; i < row->n; i++) {
		int k;

		for (k = 0; k < U_COUNT; k++)
			if (c->col[k] == (int)i)
				break;
		rc = io_check_text(row->field[i], row->len[i],
				   k < U_COUNT ? io_ucdp_columns[k] : "?", err);
		if (rc < 0)
			return rc;
	}
	s = COL(U_DSTART);
	if ((rc = io_parse_date(s, len, start, err)) < 0)
		return px_err_prefix(err, "column 'date_start'");
	s = COL(U_DEND);
	if (len) {
		if ((rc = io_parse_date(s, len, end, err)) < 0)
			return px_err_prefix(err, "column 'date_end'");
	} else {
		memcpy(end, start, sizeof(end));
	}
	if (strcmp(end, start) < 0)
		return px_errorf(err, PX_EINVAL,
				 "column 'date_end': %s is before date_start "
				 "%s",
				 end, start);
	s = COL(U_DPREC);
	if (len) {
		if (len != 1 || s[0] < '1' || s[0] > '5')
			return px_errorf(err, PX_EINVAL,
					 "column 'date_prec': must be 1-5, not "
					 "\"%.*s\"",
					 (int)(len > 20 ? 20 : len), s);
		precision = s[0] == '1'	  ? "day"
			    : s[0] <= '3' ? "week"
			    : s[0] == '4' ? "month"
					  : "year";
	}
	snprintf(filed_at, sizeof(filed_at), "%sT00:00:00Z", start);
	s = COL(U_TOV);
	if (len == 1 && (s[0] == '1' || s[0] == '2')) {
		type = "battle";
		subtype = "armed-clash";
	} else if (len == 1 && s[0] == '3') {
		type = "violence-against-civilians";
		subtype = "attack";
	} else {
		return px_errorf(err, PX_EINVAL,
				 "column 'type_of_violence': must be 1, 2 or "
				 "3, not \"%.*s\"",
				 (int)(len > 20 ? 20 : len), s);
	}
	/* place */
	{
		size_t l1;
		const char *la = io_col(row, c->col[U_LAT], 1, &l1);
		const char *lo = COL(U_LON);

		if (l1 || len) {
			if ((rc = io_parse_microdeg(la, l1, REC_LAT_MAX, &lat,
						    err)) < 0)
				return px_err_prefix(err, "column 'latitude'");
			if ((rc = io_parse_microdeg(lo, len, REC_LON_MAX, &lon,
						    err)) < 0)
				return px_err_prefix(err, "column 'longitude'");
			has_coords = 1;
		}
	}
	s = COL(U_WPREC);
	{
		int wp = 1;

		if (len) {
			if (len != 1 || s[0] < '1' || s[0] > '7')
				return px_errorf(err, PX_EINVAL,
						 "column 'where_prec': must be "
						 "1-7, not \"%.*s\"",
						 (int)(len > 20 ? 20 : len), s);
			wp = s[0] - '0';
		}
		static const char *const precs[] = {
		    "",	      "exact",	"near",	   "district",
		    "region", "region", "country", "country"};
		static const int levels[] = {0, 0, 0, 1, 2, 2, 3, 3};
		static const int namecol[] = {0,	 U_WCOORD, U_WCOORD,
					      U_ADM2,	 U_ADM1,   U_ADM1,
					      U_COUNTRY, U_COUNTRY};
		loc_prec = precs[wp];
		level = levels[wp];
		loc = io_col(row, c->col[namecol[wp]], 1, &loclen);
		/* fall back to finer names, then coarser */
		static const int order[] = {U_WCOORD, U_ADM2, U_ADM1,
					    U_COUNTRY};
		for (size_t k = 0; !loclen && k < PX_ARRAY_LEN(order); k++)
			loc = io_col(row, c->col[order[k]], 1, &loclen);
		if (!loclen)
			return px_errorf(err, PX_EINVAL,
					 "column 'where_coordinates': no place "
					 "name in any column");
		/* "Stepanakert town" / "Tartar district (Tartar rayon)" */
		for (size_t k = 0; k < loclen; k++)
			if (loc[k] == '(' && k > 0) {
				loclen = k;
				while (loclen && loc[loclen - 1] == ' ')
					loclen--;
				break;
			}
		/* UCDP's "Tartar town", "Barda district": the bare name
		 * matches the gazetteer */
		static const char *const suffix[] = {
		    " town",  " city",	   " village", " district",
		    " rayon", " province", " region",  " municipality"};
		for (size_t k = 0; k < PX_ARRAY_LEN(suffix); k++) {
			size_t sl = strlen(suffix[k]);

			if (loclen > sl + 1 &&
			    strncasecmp(loc + loclen - sl, suffix[k], sl) ==
				0) {
				loclen -= sl;
				break;
			}
		}
		if (rec_utf8_count(loc, loclen) > REC_NAME_MAX)
			return px_errorf(err, PX_EINVAL,
					 "column 'where_coordinates': longer "
					 "than 200 characters");
	}
	px_buf_init(&comment, 4 * REC_NOTE_MAX);
	rc = io_place_for(c, loc, loclen, level, has_coords, lat, lon, filed_at,
			  NULL, u, place_id, err);
	if (rc < 0)
		goto fail;
	srcs = json_array();
	if (!srcs)
		goto nomem;
	rc = add_sources(c, row, u, srcs, row->line, err);
	if (rc < 0)
		goto fail;
	{
		size_t cl;
		const char *cn = io_col(row, c->col[U_DNAME], 1, &cl);

		if (!cl)
			cn = io_col(row, c->col[U_CNAME], 1, &cl);
		snprintf(title, sizeof(title), "%s%s%.*s at %.*s, %s",
			 type[0] == 'b' ? "Fighting"
					: "Violence against "
					  "civilians",
			 cl ? ", " : "", (int)(cl > 60 ? 60 : cl), cn,
			 (int)(loclen > 60 ? 60 : loclen), loc, start);
	}
	ev = io_envelope(c, "event", filed_at);
	if (!ev || json_object_set_new(ev, "title", json_string(title)) ||
	    json_object_set_new(ev, "type", json_string(type)) ||
	    json_object_set_new(ev, "subtype", json_string(subtype)) ||
	    json_object_set_new(ev, "time",
				json_pack("{s:s,s:s,s:s}", "start", start,
					  "end", end, "precision",
					  precision)) ||
	    json_object_set_new(ev, "place",
				json_pack("{s:s,s:s}", "place", place_id,
					  "precision", loc_prec)))
		goto nomem;
	if ((rc = io_record_id(ev, event_id, err)) < 0)
		goto fail;
	acc = io_envelope(c, "account", filed_at);
	claims = json_object();
	if (!acc || !claims ||
	    json_object_set_new(acc, "event", json_string(event_id)) ||
	    json_object_set_new(claims, "time",
				json_deep_copy(json_object_get(ev, "time"))) ||
	    json_object_set_new(claims, "place",
				json_deep_copy(json_object_get(ev, "place"))) ||
	    json_object_set_new(
		claims, "type",
		json_pack("{s:s,s:s}", "type", type, "subtype", subtype)))
		goto nomem;
	{
		struct px_buf nar;
		size_t l1, l2;
		const char *dn = io_col(row, c->col[U_DNAME], 1, &l1);
		const char *wd = io_col(row, c->col[U_WDESC], 1, &l2);
		const char *id = io_col(row, c->col[U_ID], 1, &len);

		px_buf_init(&nar, 4 * REC_TEXT_MAX);
		px_buf_addf(&nar, "UCDP GED event %.*s", (int)len, id);
		if (l1)
			px_buf_addf(&nar, ": %.*s", (int)l1, dn);
		if (l2)
			px_buf_addf(&nar, "; %.*s", (int)l2, wd);
		px_buf_addf(&nar, ".");
		json_object_set_new(acc, "narrative",
				    json_pack("{s:s%,s:s}", "text",
					      (const char *)nar.data, nar.len,
					      "lang", "en"));
		px_buf_release(&nar);
	}
	for (int side = 0; side < 2; side++) {
		s = COL(side ? U_SIDEB : U_SIDEA);
		if (!len)
			continue;
		if (rec_utf8_count(s, len) > REC_NAME_MAX) {
			rc = px_errorf(err, PX_EINVAL,
				       "column '%s': longer "
				       "than 200 characters",
				       side ? "side_b" : "side_a");
			goto fail;
		}
		json_t *a = json_object();
		const char *inter = inter_for(s, len);

		if (!a || io_set_str(a, "name", s, len) ||
		    (inter &&
		     json_object_set_new(a, "inter", json_string(inter))) ||
		    json_object_set_new(claims, side ? "targets" : "initiators",
					json_pack("{s:[o]}", "actors", a)))
			goto nomem;
	}
	if ((rc = count_col(c, row, U_DA, &da, err)) < 0 ||
	    (rc = count_col(c, row, U_DB, &db, err)) < 0 ||
	    (rc = count_col(c, row, U_DCIV, &dc, err)) < 0 ||
	    (rc = count_col(c, row, U_DUNK, &du, err)) < 0)
		goto fail;
	{
		int64_t lo, be, hi;

		if ((rc = count_col(c, row, U_LOW, &lo, err)) < 0 ||
		    (rc = count_col(c, row, U_BEST, &be, err)) < 0 ||
		    (rc = count_col(c, row, U_HIGH, &hi, err)) < 0)
			goto fail;
		if ((lo >= 0 && be >= 0 && lo > be) ||
		    (be >= 0 && hi >= 0 && be > hi)) {
			rc = px_errorf(err, PX_EINVAL,
				       "columns 'low', 'best', 'high': must "
				       "be in order (%lld, %lld, %lld)",
				       (long long)lo, (long long)be,
				       (long long)hi);
			goto fail;
		}
	}
	{
		json_t *cas = json_object(), *mil = json_array();
		size_t la, lb;
		const char *sa = io_col(row, c->col[U_SIDEA], 1, &la);
		const char *sb = io_col(row, c->col[U_SIDEB], 1, &lb);

		if (!cas || !mil)
			goto nomem;
		if (dc >= 0)
			json_object_set_new(
			    cas, "civilians",
			    json_pack("{s:I}", "best", (json_int_t)dc));
		if (du >= 0)
			json_object_set_new(
			    cas, "unknown",
			    json_pack("{s:I}", "best", (json_int_t)du));
		if (da >= 0 && la && !(type[0] == 'v' && da == 0))
			json_array_append_new(
			    mil, json_pack("{s:s%,s:I}", "side", sa, la, "best",
					   (json_int_t)da));
		if (db >= 0 && lb && (la != lb || memcmp(sa, sb, la) != 0) &&
		    !(inter_for(sb, lb) &&
		      strcmp(inter_for(sb, lb), "civilians") == 0))
			json_array_append_new(
			    mil, json_pack("{s:s%,s:I}", "side", sb, lb, "best",
					   (json_int_t)db));
		if (json_array_size(mil))
			json_object_set_new(cas, "military", mil);
		else
			json_decref(mil);
		if (json_object_size(cas))
			json_object_set_new(claims, "casualties", cas);
		else
			json_decref(cas);
	}
	if (json_object_set_new(acc, "claims", claims))
		goto nomem;
	claims = NULL;
	if (json_array_size(srcs))
		json_object_set_new(acc, "sources", srcs);
	else
		json_decref(srcs);
	srcs = NULL;
	for (size_t k = 0; k < PX_ARRAY_LEN(ucdp_kept); k++) {
		char name[64];

		s = COL(ucdp_kept[k]);
		snprintf(name, sizeof(name), "ucdp.%s",
			 io_ucdp_columns[ucdp_kept[k]]);
		io_comment_add(&comment, name, s, len);
	}
	if (comment.len &&
	    io_set_str(acc, "comment", (const char *)comment.data, comment.len))
		goto nomem;
	px_buf_release(&comment);
	if (u->n + 2 > IO_UNIT_MAX) {
		rc = px_errorf(err, PX_EINVAL, "too many records for one row");
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
