/*
 * geonames.c - the GeoNames 19-column TSV (geonameid, name, asciiname,
 * alternatenames, latitude, longitude, feature class, feature code,
 * country code, cc2, admin1-4 codes, population, elevation, dem, timezone,
 * modification date; http://download.geonames.org/export/dump/readme.txt)
 * to place records.
 *
 * Names: the main name, the ASCII name and every alternate name (comma
 * separated), distinct, at most 100 (the model's limit; the rest are
 * reported).  GeoNames gives no language for them in this file, so each is
 * tagged "und" (BCP 47 "undetermined", RFC 5646 §4.1 and ISO 639-2); its
 * script is detected from its letters (io_script_of).  Coordinates become
 * micro-degrees exactly.  The feature class gives the type: P settlement,
 * A district (ADM1 region, PCL* country), H water, R road, S landmark,
 * anything else other.  Feature code, country, cc2, admin codes,
 * population, elevation, timezone and modification date are kept in the
 * place's comment ("geonames.NAME=value" lines), with a digest of the row
 * so that a changed row is seen.
 *
 * Re-importing: a place whose geonameid is already in the store is never
 * filed again.  If one of its revisions carries the same comment (same
 * row digest), it is unchanged and skipped; otherwise a revision of it is
 * filed with the row's data (revises = its latest revision).  filed_at is
 * the modification date at 00:00:00Z.
 */
#include "io/ioint.h"
#include "store/store.h"

#include <sodium.h>
#include <string.h>

enum {
	G_ID,
	G_NAME,
	G_ASCII,
	G_ALT,
	G_LAT,
	G_LON,
	G_FCLASS,
	G_FCODE,
	G_CC,
	G_CC2,
	G_A1,
	G_A2,
	G_A3,
	G_A4,
	G_POP,
	G_ELEV,
	G_DEM,
	G_TZ,
	G_MOD,
	G_COUNT
};

static const char *const gn_cols[G_COUNT] = {
    "geonameid",    "name",	   "asciiname",	       "alternatenames",
    "latitude",	    "longitude",   "feature_class",    "feature_code",
    "country_code", "cc2",	   "admin1_code",      "admin2_code",
    "admin3_code",  "admin4_code", "population",       "elevation",
    "dem",	    "timezone",	   "modification_date"};

static int add_name(json_t *names, const char *s, size_t len, size_t *dropped)
{
	size_t i;
	json_t *n;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return 0; /* not a line: leave it out */
	if (rec_utf8_count(s, len) > REC_NAME_MAX)
		return 0;
	json_array_foreach(names, i, n)
	{
		const char *have =
		    json_string_value(json_object_get(n, "name"));

		if (strlen(have) == len && memcmp(have, s, len) == 0)
			return 0;
	}
	if (json_array_size(names) >= 100) {
		(*dropped)++;
		return 0;
	}
	n = json_object();
	if (!n || io_set_str(n, "name", s, len) ||
	    json_object_set_new(n, "lang", json_string("und")) ||
	    json_object_set_new(n, "script",
				json_string(io_script_of(s, len))) ||
	    json_array_append_new(names, n))
		return PX_ENOMEM;
	return 0;
}

static const char *type_of(const char *cls, size_t cl, const char *code,
			   size_t len)
{
	if (cl != 1)
		return "other";
	switch (cls[0]) {
	case 'P':
		return "settlement";
	case 'A':
		if (len >= 3 && memcmp(code, "PCL", 3) == 0)
			return "country";
		if (len == 4 && memcmp(code, "ADM1", 4) == 0)
			return "region";
		return "district";
	case 'H':
		return "water";
	case 'R':
		return "road";
	case 'S':
		return "landmark";
	default:
		return "other";
	}
}

/* Has any revision of place `id` this comment? */
static int seen_comment(struct store *st, const char *id, const char *comment)
{
	json_t *rec = NULL, *h, *r;
	size_t i;
	int found = 0;

	if (!st || store_get(st, id, 1, &rec, NULL) != 0)
		return 0;
	h = json_object_get(rec, "history");
	json_array_foreach(h, i, r)
	{
		const char *cm = json_string_value(
		    json_object_get(json_object_get(r, "record"), "comment"));

		if (cm && strcmp(cm, comment) == 0)
			found = 1;
	}
	if (!h) {
		const char *cm = json_string_value(
		    json_object_get(json_object_get(rec, "record"), "comment"));

		found = cm && strcmp(cm, comment) == 0;
	}
	json_decref(rec);
	return found;
}

int io_geonames_row(struct io_ctx *c, const struct io_csv_row *row,
		    struct io_unit *u, struct px_err *err)
{
	char filed_at[REC_TIME_SIZE], date[11], gid[24];
	const char *s;
	size_t len, dropped = 0;
	uint64_t id;
	int64_t lat, lon;
	json_t *pl = NULL, *names = NULL;
	struct px_buf comment;
	unsigned char digest[32];
	char hex[17];
	int rc;

	if (row->n != G_COUNT)
		return px_errorf(err, PX_EINVAL,
				 "has %zu columns, a GeoNames row has 19",
				 row->n);
	for (size_t i = 0; i < row->n; i++)
		if ((rc = io_check_text(row->field[i], row->len[i], gn_cols[i],
					err)) < 0)
			return rc;
	s = io_col(row, G_ID, 0, &len);
	if (px_parse_u64(s, len, &id) != 0 || id == 0 || id > 2147483647)
		return px_errorf(err, PX_EINVAL,
				 "column 'geonameid': must be 1 - 2^31-1, not "
				 "\"%.*s\"",
				 (int)(len > 20 ? 20 : len), s);
	s = io_col(row, G_LAT, 0, &len);
	if ((rc = io_parse_microdeg(s, len, REC_LAT_MAX, &lat, err)) < 0)
		return px_err_prefix(err, "column 'latitude'");
	s = io_col(row, G_LON, 0, &len);
	if ((rc = io_parse_microdeg(s, len, REC_LON_MAX, &lon, err)) < 0)
		return px_err_prefix(err, "column 'longitude'");
	s = io_col(row, G_MOD, 0, &len);
	if (len) {
		if ((rc = io_parse_date(s, len, date, err)) < 0)
			return px_err_prefix(err, "column 'modification_date'");
	} else {
		snprintf(date, sizeof(date), "1970-01-01");
	}
	snprintf(filed_at, sizeof(filed_at), "%sT00:00:00Z", date);

	s = io_col(row, G_NAME, 0, &len);
	if (!len)
		return px_errorf(err, PX_EINVAL, "column 'name': is empty");
	names = json_array();
	if (!names)
		goto nomem;
	if (add_name(names, s, len, &dropped) < 0)
		goto nomem;
	s = io_col(row, G_ASCII, 0, &len);
	if (add_name(names, s, len, &dropped) < 0)
		goto nomem;
	s = io_col(row, G_ALT, 0, &len);
	for (size_t i = 0; i < len;) {
		size_t st = i;

		while (i < len && s[i] != ',')
			i++;
		if (add_name(names, s + st, i - st, &dropped) < 0)
			goto nomem;
		i++;
	}
	if (!json_array_size(names)) {
		json_decref(names);
		return px_errorf(err, PX_EINVAL,
				 "column 'name': not a usable name");
	}
	if (dropped)
		io_note(c, row->line,
			"geonameid %llu: %zu alternate names past the 100 a "
			"place may hold were left out",
			(unsigned long long)id, dropped);

	px_buf_init(&comment, 4 * REC_NOTE_MAX);
	crypto_hash_sha256(
	    digest, (const unsigned char *)row->field[0],
	    (size_t)(row->field[G_MOD] + row->len[G_MOD] - row->field[0]));
	px_hex_encode(hex, digest, 8);
	for (int k = G_FCLASS; k < G_COUNT; k++) {
		char name[40];

		if (k == G_DEM)
			continue;
		s = io_col(row, k, 0, &len);
		snprintf(name, sizeof(name), "geonames.%s", gn_cols[k]);
		io_comment_add(&comment, name, s, len);
	}
	io_comment_add(&comment, "geonames.row", hex, 16);

	pl = io_envelope(c, "place", filed_at);
	if (!pl || json_object_set_new(pl, "names", names))
		goto nomem_c;
	names = NULL;
	{
		size_t cl, fl;
		const char *cls = io_col(row, G_FCLASS, 0, &cl);
		const char *code = io_col(row, G_FCODE, 0, &fl);

		if (json_object_set_new(
			pl, "type", json_string(type_of(cls, cl, code, fl))))
			goto nomem_c;
	}
	if (json_object_set_new(pl, "coordinates",
				json_pack("{s:I,s:I}", "lat", (json_int_t)lat,
					  "lon", (json_int_t)lon)) ||
	    json_object_set_new(pl, "geonameid",
				json_integer((json_int_t)id)) ||
	    io_set_str(pl, "comment", (const char *)comment.data, comment.len))
		goto nomem_c;
	px_buf_release(&comment);

	snprintf(gid, sizeof(gid), "%llu", (unsigned long long)id);
	size_t at = io_map_get(&c->gaz.bygeo, gid);
	if (at != (size_t)-1 && c->gaz.p[at].id[0]) {
		const char *pid = c->gaz.p[at].id;
		const char *cm =
		    json_string_value(json_object_get(pl, "comment"));
		json_t *cur = NULL;

		if (seen_comment(c->st, pid, cm) || !c->st) {
			u->unchanged = 1;
			json_decref(pl);
			return 0;
		}
		/* a changed row: revise the place */
		if (store_get(c->st, pid, 0, &cur, err) != 0) {
			json_decref(pl);
			return px_err_prefix(err, "place '%s'", pid);
		}
		if (json_object_set(pl, "revises",
				    json_object_get(cur, "revision"))) {
			json_decref(cur);
			goto nomem;
		}
		json_decref(cur);
		u->update = 1;
	} else {
		char pid[REC_ID_SIZE];

		if ((rc = io_record_id(pl, pid, err)) < 0) {
			json_decref(pl);
			return rc;
		}
		if ((rc = io_gaz_add(&c->gaz, pid, pl)) < 0) {
			json_decref(pl);
			return px_errorf(err, rc, "out of memory");
		}
	}
	u->rec[u->n++] = pl;
	return 0;
nomem_c:
	px_buf_release(&comment);
nomem:
	json_decref(pl);
	json_decref(names);
	return px_errorf(err, PX_ENOMEM, "out of memory");
}
