/*
 * import.c - the import driver and what the importers share: exact
 * parsing of coordinates, dates and counts; script detection; the
 * gazetteer of known places (matched by name key in any script and by
 * distance); and the batch writer that files each row's records together.
 *
 * Invariants of a run:
 *   1. A row is converted and every one of its records validated
 *      (rec_parse, references checked for kind only) before any of it is
 *      offered; a bad row offers nothing.
 *   2. Records are offered in the order they refer to each other (sources
 *      and places before the event, the event before the account), so a
 *      batch is valid in order.
 *   3. A record id offered once in a run is never offered again (io_ctx.
 *      seen); an id the store already holds comes back PX_EEXIST and
 *      counts as already imported.
 *   4. With strict, the whole input is converted and validated first and
 *      nothing is written unless every row passes.
 */
#include "io/ioint.h"
#include "names/names.h"
#include "repo/repo.h"
#include "store/store.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

int io_format_parse(const char *s, enum io_format *out)
{
	static const char *const names[] = {"acled", "ucdp", "geonames",
					    "jsonl", "geojson"};

	for (size_t i = 0; i < PX_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum io_format)i;
			return 0;
		}
	return PX_EINVAL;
}

const char *io_format_name(enum io_format f)
{
	switch (f) {
	case IO_ACLED:
		return "acled";
	case IO_UCDP:
		return "ucdp";
	case IO_GEONAMES:
		return "geonames";
	case IO_JSONL:
		return "jsonl";
	case IO_GEOJSON:
		return "geojson";
	}
	return "?";
}

/* ---- numbers, dates, scripts */

int io_parse_microdeg(const char *s, size_t len, int64_t max, int64_t *out,
		      struct px_err *err)
{
	size_t i = 0;
	int neg = 0, digits = 0;
	int64_t v = 0;
	int frac = 0, round = 0, tail = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > max)
			break;
		v = v * 10 + (s[i] - '0');
		digits++;
	}
	v *= 1000000;
	if (i < len && s[i] == '.') {
		int64_t scale = 100000;

		i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac++) {
			if (frac < 6) {
				v += (s[i] - '0') * scale;
				scale /= 10;
			} else if (frac == 6) {
				round = s[i] >= '5';
				tail |= s[i] != '0';
			} else {
				tail |= s[i] != '0';
			}
			digits++;
		}
	}
	if (i != len || digits == 0)
		return px_errorf(err, PX_EINVAL,
				 "must be a decimal number of degrees, not "
				 "\"%.*s\"",
				 (int)(len > 40 ? 40 : len), s);
	v += round; /* half away from zero: we round the magnitude */
	if (v > max || (v == max && tail && !round))
		return px_errorf(err, PX_EINVAL,
				 "must be between -%lld and %lld degrees, not "
				 "%.*s",
				 (long long)(max / 1000000),
				 (long long)(max / 1000000), (int)len, s);
	*out = neg ? -v : v;
	return 0;
}

void io_format_microdeg(int64_t v, char out[16])
{
	uint64_t a = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
	char frac[8];
	int n;

	snprintf(frac, sizeof(frac), "%06llu",
		 (unsigned long long)(a % 1000000));
	n = 6;
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = 0;
	if (n)
		snprintf(out, 16, "%s%llu.%s", v < 0 ? "-" : "",
			 (unsigned long long)(a / 1000000), frac);
	else
		snprintf(out, 16, "%s%llu", v < 0 ? "-" : "",
			 (unsigned long long)(a / 1000000));
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

static int month_name(const char *s, size_t len)
{
	static const char *const m[] = {"january", "february", "march",
					"april",   "may",      "june",
					"july",	   "august",   "september",
					"october", "november", "december"};
	char low[16];

	if (len < 3 || len >= sizeof(low))
		return 0;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	for (int i = 0; i < 12; i++) {
		size_t ml = strlen(m[i]);

		if ((len == ml || len == 3 || (i == 8 && len == 4)) &&
		    strncmp(m[i], low, len) == 0)
			return i + 1;
	}
	return 0;
}

static int num(const char *s, size_t len, int *out)
{
	int v = 0;

	if (len == 0 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int io_parse_date(const char *s, size_t len, char out[11], struct px_err *err)
{
	const char *part[3];
	size_t plen[3];
	size_t np = 0, i = 0;
	int y = 0, m = 0, d = 0;

	/* a time after the date ("2020-09-27 00:00:00.000") is ignored */
	for (size_t k = 0; k < len; k++)
		if (s[k] == ' ' || s[k] == 'T') {
			if (k >= 8 && s[k - 1] >= '0' && s[k - 1] <= '9' &&
			    (s[4] == '-' || s[4] == '/')) {
				len = k;
				break;
			}
		}
	while (i <= len && np < 3) {
		size_t st = i;

		while (i < len && s[i] != '-' && s[i] != '/' && s[i] != ' ' &&
		       s[i] != '.')
			i++;
		part[np] = s + st;
		plen[np] = i - st;
		np++;
		i++;
	}
	if (np != 3 || i <= len)
		goto bad;
	if (plen[0] == 4) { /* Y-M-D */
		if (num(part[0], 4, &y) || num(part[1], plen[1], &m) ||
		    num(part[2], plen[2], &d) || plen[1] > 2 || plen[2] > 2)
			goto bad;
	} else if (plen[2] == 4 || plen[2] == 2) { /* D-M-Y */
		if (num(part[0], plen[0], &d) || plen[0] > 2 ||
		    num(part[2], plen[2], &y))
			goto bad;
		if (plen[2] == 2)
			y += y < 70 ? 2000 : 1900;
		if (num(part[1], plen[1], &m) != 0 || plen[1] > 2)
			m = month_name(part[1], plen[1]);
	} else {
		goto bad;
	}
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return px_errorf(err, PX_EINVAL, "\"%.*s\" is not a real date",
				 (int)(len > 40 ? 40 : len), s);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
bad:
	return px_errorf(err, PX_EINVAL,
			 "\"%.*s\" is not a date (expected YYYY-MM-DD or "
			 "\"19 September 2023\")",
			 (int)(len > 40 ? 40 : len), s);
}

/* Days from civil (proleptic Gregorian), after H. Hinnant's algorithm. */
int64_t io_date_days(const char *ymd)
{
	int y = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 +
		(ymd[2] - '0') * 10 + (ymd[3] - '0');
	int m = (ymd[5] - '0') * 10 + (ymd[6] - '0');
	int d = (ymd[8] - '0') * 10 + (ymd[9] - '0');
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void io_days_date(int64_t z, char out[11])
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	if (y < 1)
		y = 1;
	if (y > 9999)
		y = 9999;
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

int io_parse_count(const char *s, size_t len, int64_t max, int64_t *out,
		   struct px_err *err)
{
	int64_t v = 0;
	size_t i = 0;

	if (len == 0)
		goto bad;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return px_errorf(
			    err, PX_EINVAL, "must be at most %lld, not %.*s",
			    (long long)max, (int)(len > 40 ? 40 : len), s);
	}
	if (i < len && s[i] == '.') { /* "12.0" as some exports write */
		for (i++; i < len && s[i] == '0'; i++)
			;
	}
	if (i != len)
		goto bad;
	*out = v;
	return 0;
bad:
	return px_errorf(err, PX_EINVAL,
			 "must be a whole number of persons, not \"%.*s\"",
			 (int)(len > 40 ? 40 : len), s);
}

struct script_range {
	uint32_t lo, hi;
	const char *code;
};

/* Unicode blocks of the scripts met in place names (Unicode 15 blocks). */
static const struct script_range scripts[] = {
    {0x0041, 0x005A, "Latn"}, {0x0061, 0x007A, "Latn"},
    {0x00C0, 0x024F, "Latn"}, {0x0250, 0x02AF, "Latn"},
    {0x1E00, 0x1EFF, "Latn"}, {0x2C60, 0x2C7F, "Latn"},
    {0xA720, 0xA7FF, "Latn"}, {0xFF21, 0xFF5A, "Latn"},
    {0x0370, 0x03FF, "Grek"}, {0x1F00, 0x1FFF, "Grek"},
    {0x0400, 0x052F, "Cyrl"}, {0x1C80, 0x1C8F, "Cyrl"},
    {0x2DE0, 0x2DFF, "Cyrl"}, {0xA640, 0xA69F, "Cyrl"},
    {0x0531, 0x058F, "Armn"}, {0xFB13, 0xFB17, "Armn"},
    {0x0591, 0x05FF, "Hebr"}, {0x0600, 0x06FF, "Arab"},
    {0x0750, 0x077F, "Arab"}, {0x08A0, 0x08FF, "Arab"},
    {0xFB50, 0xFDFF, "Arab"}, {0xFE70, 0xFEFF, "Arab"},
    {0x0700, 0x074F, "Syrc"}, {0x0780, 0x07BF, "Thaa"},
    {0x0900, 0x097F, "Deva"}, {0x0980, 0x09FF, "Beng"},
    {0x0A00, 0x0A7F, "Guru"}, {0x0A80, 0x0AFF, "Gujr"},
    {0x0B00, 0x0B7F, "Orya"}, {0x0B80, 0x0BFF, "Taml"},
    {0x0C00, 0x0C7F, "Telu"}, {0x0C80, 0x0CFF, "Knda"},
    {0x0D00, 0x0D7F, "Mlym"}, {0x0D80, 0x0DFF, "Sinh"},
    {0x0E00, 0x0E7F, "Thai"}, {0x0E80, 0x0EFF, "Laoo"},
    {0x0F00, 0x0FFF, "Tibt"}, {0x1000, 0x109F, "Mymr"},
    {0x10A0, 0x10FF, "Geor"}, {0x1C90, 0x1CBF, "Geor"},
    {0x2D00, 0x2D2F, "Geor"}, {0x1100, 0x11FF, "Hang"},
    {0x3130, 0x318F, "Hang"}, {0xAC00, 0xD7AF, "Hang"},
    {0x1200, 0x139F, "Ethi"}, {0x1780, 0x17FF, "Khmr"},
    {0x1800, 0x18AF, "Mong"}, {0x3040, 0x30FF, "Kana"},
    {0x3400, 0x4DBF, "Hani"}, {0x4E00, 0x9FFF, "Hani"},
    {0xF900, 0xFAFF, "Hani"}, {0x20000, 0x3134F, "Hani"},
};

static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[*i];
	uint32_t cp;
	int n;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		cp = c & 0x1F;
		n = 1;
	} else if ((c & 0xF0) == 0xE0) {
		cp = c & 0x0F;
		n = 2;
	} else {
		cp = c & 0x07;
		n = 3;
	}
	(*i)++;
	while (n-- > 0 && *i < len)
		cp = (cp << 6) | (s[(*i)++] & 0x3F);
	return cp;
}

const char *io_script_of(const char *s, size_t len)
{
	const char *found[8];
	unsigned count[8];
	size_t nf = 0, i = 0;
	unsigned other = 0;
	int kana = 0;

	while (i < len) {
		uint32_t cp = utf8_next((const unsigned char *)s, len, &i);
		const char *code = NULL;
		size_t k;

		for (k = 0; k < PX_ARRAY_LEN(scripts); k++)
			if (cp >= scripts[k].lo && cp <= scripts[k].hi) {
				code = scripts[k].code;
				break;
			}
		if (cp == 0xD7 || cp == 0xF7)
			code = NULL; /* × ÷ inside the Latin-1 block */
		if (!code) {
			if (cp >= 0x80 && cp != 0xA0 && cp != 0x2019 &&
			    cp != 0x2018 && cp != 0x02BC && cp != 0x2013 &&
			    cp != 0x2014 && cp != 0x00B7)
				other++;
			continue;
		}
		if (strcmp(code, "Kana") == 0)
			kana = 1;
		for (k = 0; k < nf; k++)
			if (found[k] == code)
				break;
		if (k == nf && nf < PX_ARRAY_LEN(found)) {
			found[nf] = code;
			count[nf++] = 0;
		}
		if (k < nf)
			count[k]++;
	}
	if (nf == 0)
		return other ? "Zzzz" : "Zyyy";
	if (kana)
		return "Jpan"; /* kana, possibly with kanji */
	size_t best = 0;
	for (size_t k = 1; k < nf; k++)
		if (count[k] > count[best])
			best = k;
	return found[best];
}

/* ---- small helpers */

void io_map_init(struct io_map *m)
{
	memset(m, 0, sizeof(*m));
}

void io_map_release(struct io_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		px_free(m->key[i]);
	px_free(m->key);
	px_free(m->val);
	memset(m, 0, sizeof(*m));
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

size_t io_map_get(const struct io_map *m, const char *key)
{
	if (!m->cap)
		return (size_t)-1;
	for (size_t i = fnv(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->key[i])
			return (size_t)-1;
		if (strcmp(m->key[i], key) == 0)
			return m->val[i];
	}
}

int io_map_put(struct io_map *m, const char *key, size_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct io_map nm;
		size_t ncap = m->cap ? m->cap * 2 : 64;

		nm.key = px_calloc(ncap, sizeof(char *));
		nm.val = px_calloc(ncap, sizeof(size_t));
		if (!nm.key || !nm.val) {
			px_free(nm.key);
			px_free(nm.val);
			return PX_ENOMEM;
		}
		nm.cap = ncap;
		nm.n = m->n;
		for (size_t k = 0; k < m->cap; k++) {
			if (!m->key[k])
				continue;
			for (i = fnv(m->key[k]) & (ncap - 1); nm.key[i];
			     i = (i + 1) & (ncap - 1))
				;
			nm.key[i] = m->key[k];
			nm.val[i] = m->val[k];
		}
		px_free(m->key);
		px_free(m->val);
		*m = nm;
	}
	for (i = fnv(key) & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->key[i], key) == 0) {
			m->val[i] = val;
			return 0;
		}
	m->key[i] = px_strdup(key);
	if (!m->key[i])
		return PX_ENOMEM;
	m->val[i] = val;
	m->n++;
	return 0;
}

void io_note(struct io_ctx *c, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	c->stats->notes++;
	if (!c->opt->report ||
	    c->reported >= (c->opt->max_reported ? c->opt->max_reported : 50))
		return;
	c->reported++;
	fprintf(c->opt->report, "line %llu: note: ", (unsigned long long)line);
	va_start(ap, fmt);
	vfprintf(c->opt->report, fmt, ap);
	va_end(ap);
	fputc('\n', c->opt->report);
}

const char *io_col(const struct io_csv_row *row, int col, int na, size_t *len)
{
	const char *s;
	size_t n;

	*len = 0;
	if (col < 0 || (size_t)col >= row->n)
		return "";
	s = row->field[col];
	n = row->len[col];
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (na && ((n == 2 && memcmp(s, "NA", 2) == 0) ||
		   (n == 4 && memcmp(s, "NULL", 4) == 0)))
		return "";
	*len = n;
	return s;
}

int io_check_text(const char *s, size_t len, const char *column,
		  struct px_err *err)
{
	if (memchr(s, 0, len))
		return px_errorf(err, PX_EINVAL,
				 "column '%s': holds a NUL byte", column);
	if (rec_utf8_count(s, len) < 0)
		return px_errorf(err, PX_EINVAL,
				 "column '%s': is not valid UTF-8", column);
	return 0;
}

int io_set_str(json_t *o, const char *key, const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	if (!v || json_object_set_new(o, key, v) != 0)
		return PX_ENOMEM;
	return 0;
}

json_t *io_envelope(struct io_ctx *c, const char *kind, const char *filed_at)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "v", json_integer(1)) != 0 ||
	    json_object_set_new(o, "kind", json_string(kind)) != 0 ||
	    json_object_set_new(o, "filed_by", json_string(c->party)) != 0 ||
	    json_object_set_new(o, "filed_at", json_string(filed_at)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int io_record_id(const json_t *rec, char id[REC_ID_SIZE], struct px_err *err)
{
	struct px_buf b;
	enum rec_kind kind;
	const char *k = json_string_value(json_object_get(rec, "kind"));
	int rc;

	if (!k || rec_kind_parse(k, strlen(k), &kind) != 0)
		return px_errorf(err, PX_EINVAL, "record without a kind");
	px_buf_init(&b, REC_CANON_TEXT_MAX);
	rc = rec_canon_write(rec, &b, err);
	if (rc == 0)
		rec_id_make(kind, b.data, b.len, id);
	px_buf_release(&b);
	return rc;
}

void io_comment_add(struct px_buf *b, const char *name, const char *v,
		    size_t len)
{
	size_t room;
	long have = b->len ? rec_utf8_count((const char *)b->data, b->len) : 0;

	if (len == 0 || have < 0)
		return;
	/* keep within REC_NOTE_MAX characters (counting bytes is safe) */
	if ((size_t)have + strlen(name) + 3 >= REC_NOTE_MAX)
		return;
	room = REC_NOTE_MAX - (size_t)have - strlen(name) - 3;
	if (len > room) {
		len = room;
		while (len && ((unsigned char)v[len] & 0xC0) == 0x80)
			len--;
	}
	if (b->len)
		px_buf_addc(b, '\n');
	px_buf_addf(b, "%s=", name);
	for (size_t i = 0; i < len; i++)
		px_buf_addc(b, (v[i] == '\n' || v[i] == '\r') ? ' '
							      : (uint8_t)v[i]);
}

/* ---- the gazetteer */

static int gaz_link(struct io_gaz *g, const char *key, size_t place)
{
	size_t first = io_map_get(&g->bykey, key);

	/* the same place under the same key once is enough */
	for (size_t l = first; l != (size_t)-1; l = g->link_next[l])
		if (g->link_place[l] == place)
			return 0;
	if (g->nlinks >= g->linkcap) {
		size_t ncap = g->linkcap ? g->linkcap * 2 : 256;
		size_t *a = px_realloc(g->link_place, ncap * sizeof(size_t));

		if (!a)
			return PX_ENOMEM;
		g->link_place = a;
		a = px_realloc(g->link_next, ncap * sizeof(size_t));
		if (!a)
			return PX_ENOMEM;
		g->link_next = a;
		g->linkcap = ncap;
	}
	g->link_place[g->nlinks] = place;
	g->link_next[g->nlinks] = first;
	return io_map_put(&g->bykey, key, g->nlinks++);
}

int io_gaz_add(struct io_gaz *g, const char *id, const json_t *place)
{
	struct io_place *p;
	const json_t *names = json_object_get(place, "names");
	const json_t *coords = json_object_get(place, "coordinates");
	const char *type = json_string_value(json_object_get(place, "type"));
	size_t i;
	json_t *nm;
	int rc;

	if (g->n >= g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 256;
		struct io_place *np = px_realloc(g->p, ncap * sizeof(*np));

		if (!np)
			return PX_ENOMEM;
		g->p = np;
		g->cap = ncap;
	}
	p = &g->p[g->n];
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	if (coords) {
		p->has_coords = 1;
		p->lat = json_integer_value(json_object_get(coords, "lat"));
		p->lon = json_integer_value(json_object_get(coords, "lon"));
	}
	p->geonameid = json_integer_value(json_object_get(place, "geonameid"));
	p->level = 0;
	if (type && strcmp(type, "district") == 0)
		p->level = 1;
	else if (type && strcmp(type, "region") == 0)
		p->level = 2;
	else if (type && strcmp(type, "country") == 0)
		p->level = 3;
	g->n++;
	json_array_foreach(names, i, nm)
	{
		const char *s = json_string_value(json_object_get(nm, "name"));
		char key[NAMES_KEY_MAX];

		if (!s || names_key(s, strlen(s), key, NULL) != 0 || !key[0])
			continue;
		rc = gaz_link(g, key, g->n - 1);
		if (rc < 0)
			return rc;
	}
	if (p->geonameid > 0) {
		char gid[24];

		snprintf(gid, sizeof(gid), "%lld", (long long)p->geonameid);
		rc = io_map_put(&g->bygeo, gid, g->n - 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Forget the places added since the gazetteer held n (their row was
 * refused, so they were never filed): they no longer match. */
static void gaz_forget(struct io_gaz *g, size_t n)
{
	for (size_t i = n; i < g->n; i++) {
		g->p[i].id[0] = 0;
		g->p[i].geonameid = 0;
	}
}

static void gaz_release(struct io_gaz *g)
{
	px_free(g->p);
	px_free(g->link_place);
	px_free(g->link_next);
	io_map_release(&g->bykey);
	io_map_release(&g->bygeo);
	memset(g, 0, sizeof(*g));
}

/* Load every current place the store knows. */
static int gaz_load(struct io_ctx *c, struct px_err *err)
{
	struct store_query q;
	char cursor[256] = "";
	int rc;

	if (!c->st)
		return 0;
	for (;;) {
		json_t *res = NULL, *items, *it;
		const char *next;
		size_t i;

		store_query_init(&q);
		q.kind = REC_PLACE;
		q.limit = 1000;
		q.cursor = cursor[0] ? cursor : NULL;
		rc = store_list(c->st, &q, &res, err);
		if (rc < 0)
			return px_err_prefix(err, "list places");
		items = json_object_get(res, "items");
		json_array_foreach(items, i, it)
		{
			const char *id =
			    json_string_value(json_object_get(it, "id"));
			if (!id)
				continue;
			rc = io_gaz_add(&c->gaz, id,
					json_object_get(it, "record"));
			if (rc < 0) {
				json_decref(res);
				return px_errorf(err, rc, "gazetteer: %s",
						 px_strerror(rc));
			}
		}
		next = json_string_value(json_object_get(res, "next"));
		if (!next || !json_array_size(items)) {
			json_decref(res);
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", next);
		json_decref(res);
	}
	return 0;
}

/* Squared distance in km^2 (equirectangular: good to a fraction of a per
 * cent at the 25 km scale matching works at); cos by its Taylor series so
 * that no libm is needed. */
static double distance_km2(int64_t lat1, int64_t lon1, int64_t lat2,
			   int64_t lon2)
{
	double p = 3.14159265358979323846 / 180e6;
	double m = (double)(lat1 + lat2) / 2 * p, m2 = m * m;
	double c = 1 - m2 / 2 + m2 * m2 / 24 - m2 * m2 * m2 / 720 +
		   m2 * m2 * m2 * m2 / 40320;
	double x = (double)(lon2 - lon1) * p * c * 6371.0;
	double y = (double)(lat2 - lat1) * p * 6371.0;

	return x * x + y * y;
}

static int unit_add(struct io_unit *u, json_t *rec, struct px_err *err)
{
	if (u->n >= IO_UNIT_MAX) {
		json_decref(rec);
		return px_errorf(err, PX_ETOOBIG,
				 "a row makes more than %d records",
				 IO_UNIT_MAX);
	}
	u->rec[u->n++] = rec;
	return 0;
}

#define MATCH_KM 25.0

int io_place_for(struct io_ctx *c, const char *name, size_t len, int level,
		 int has_coords, int64_t lat, int64_t lon, const char *filed_at,
		 const char *comment, struct io_unit *u, char id[REC_ID_SIZE],
		 struct px_err *err)
{
	static const char *const types[] = {"settlement", "district", "region",
					    "country"};
	char key[NAMES_KEY_MAX];
	size_t best = (size_t)-1;
	double best_km = 1e18;
	int rc;

	rc = names_key(name, len, key, err);
	if (rc < 0)
		return rc;
	for (size_t l = key[0] ? io_map_get(&c->gaz.bykey, key) : (size_t)-1;
	     l != (size_t)-1; l = c->gaz.link_next[l]) {
		const struct io_place *p = &c->gaz.p[c->gaz.link_place[l]];
		double km = 0;

		if (!p->id[0])
			continue; /* made for a row that was refused */

		if (has_coords && p->has_coords) {
			double lim = MATCH_KM * (level ? 8 : 1);

			km = distance_km2(lat, lon, p->lat, p->lon);
			/* a coarse row (district, region) may sit at a
			 * centroid far from a settlement of that name */
			if (km > lim * lim)
				continue;
		}
		if (p->level != level)
			km += 1000; /* prefer the same kind of place */
		if (best == (size_t)-1 || km < best_km ||
		    (km == best_km && c->gaz.link_place[l] < best)) {
			best = c->gaz.link_place[l];
			best_km = km;
		}
	}
	if (best != (size_t)-1) {
		snprintf(id, REC_ID_SIZE, "%s", c->gaz.p[best].id);
		u->matched = 1;
		return 0;
	}
	/* a new place with the name the row gives */
	json_t *pl = io_envelope(c, "place", filed_at);
	json_t *names = json_array(), *nm = json_object();

	if (!pl || !names || !nm)
		goto nomem;
	if (io_set_str(nm, "name", name, len) ||
	    json_object_set_new(nm, "lang", json_string("und")) ||
	    json_object_set_new(nm, "script",
				json_string(io_script_of(name, len))) ||
	    json_array_append_new(names, nm) ||
	    json_object_set_new(pl, "names", names) ||
	    json_object_set_new(pl, "type", json_string(types[level])))
		goto nomem;
	nm = names = NULL;
	if (has_coords) {
		json_t *co = json_object();

		if (!co || json_object_set_new(co, "lat", json_integer(lat)) ||
		    json_object_set_new(co, "lon", json_integer(lon)) ||
		    json_object_set_new(pl, "coordinates", co))
			goto nomem;
	}
	if (comment && comment[0] &&
	    json_object_set_new(pl, "comment", json_string(comment)))
		goto nomem;
	rc = io_record_id(pl, id, err);
	if (rc < 0) {
		json_decref(pl);
		return rc;
	}
	rc = io_gaz_add(&c->gaz, id, pl);
	if (rc < 0) {
		json_decref(pl);
		return px_errorf(err, rc, "gazetteer: out of memory");
	}
	u->new_place = 1;
	return unit_add(u, pl, err);
nomem:
	json_decref(pl);
	json_decref(names);
	json_decref(nm);
	return px_errorf(err, PX_ENOMEM, "out of memory");
}

int io_source_for(struct io_ctx *c, json_t *source, struct io_unit *u,
		  char id[REC_ID_SIZE], struct px_err *err)
{
	int rc = io_record_id(source, id, err);

	(void)c;
	if (rc < 0) {
		json_decref(source);
		return rc;
	}
	for (size_t i = 0; i < u->n; i++) {
		char other[REC_ID_SIZE];

		if (json_equal(u->rec[i], source) &&
		    io_record_id(u->rec[i], other, NULL) == 0) {
			json_decref(source);
			return 0;
		}
	}
	return unit_add(u, source, err);
}

/* ---- the batch writer */

struct pending {
	struct px_buf text; /* canonical texts, each NUL-terminated */
	struct rec *recs;   /* the same records, parsed (owned) */
	size_t *off, *len;
	size_t *unit_of; /* record -> unit slot */
	size_t n, cap;
	/* per unit in the batch */
	uint64_t *line;
	int *update, *newp;
	int *added, *exist, *failed;
	size_t nu, ucap;
};

static int pending_unit(struct pending *b, uint64_t line, int update, int newp)
{
	if (b->nu >= b->ucap) {
		size_t ncap = b->ucap ? b->ucap * 2 : 256;
		void *p;

#define GROW(f)                                                                \
	do {                                                                   \
		p = px_realloc(b->f, ncap * sizeof(*b->f));                    \
		if (!p)                                                        \
			return PX_ENOMEM;                                      \
		b->f = p;                                                      \
	} while (0)
		GROW(line);
		GROW(update);
		GROW(newp);
		GROW(added);
		GROW(exist);
		GROW(failed);
		b->ucap = ncap;
	}
	b->line[b->nu] = line;
	b->update[b->nu] = update;
	b->newp[b->nu] = newp;
	b->added[b->nu] = b->exist[b->nu] = b->failed[b->nu] = 0;
	b->nu++;
	return 0;
}

/* Queue a validated record (taken over). */
static int pending_add(struct pending *b, struct rec *r)
{
	const char *text = (const char *)r->canon.data;
	size_t len = r->canon.len;
	void *p;

	if (b->n >= b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 1024;

		GROW(recs);
		GROW(off);
		GROW(len);
		GROW(unit_of);
		b->cap = ncap;
	}
#undef GROW
	b->off[b->n] = b->text.len;
	b->len[b->n] = len;
	b->unit_of[b->n] = b->nu - 1;
	if (px_buf_add(&b->text, text, len) != 0 ||
	    px_buf_addc(&b->text, 0) != 0)
		return PX_ENOMEM;
	b->recs[b->n] = *r;
	memset(r, 0, sizeof(*r));
	b->n++;
	return 0;
}

static void pending_clear(struct pending *b)
{
	for (size_t i = 0; i < b->n; i++)
		rec_release(&b->recs[i]);
	b->n = 0;
	b->nu = 0;
	px_buf_reset(&b->text);
}

static void pending_release(struct pending *b)
{
	pending_clear(b);
	px_free(b->recs);
	px_buf_release(&b->text);
	px_free(b->off);
	px_free(b->len);
	px_free(b->unit_of);
	px_free(b->line);
	px_free(b->update);
	px_free(b->newp);
	px_free(b->added);
	px_free(b->exist);
	px_free(b->failed);
}

void io_clean_msg(char *msg)
{
	size_t n = strlen(msg);

	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)msg[i];
		size_t k = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;

		if (ch < 0x80) {
			if (ch < 0x20 || ch == 0x7F)
				msg[i] = ' ';
			i++;
			continue;
		}
		if (i + k > n || rec_utf8_count(msg + i, k) != 1) {
			msg[i++] = '?';
			continue;
		}
		i += k;
	}
}

static void report_bad(struct io_ctx *c, uint64_t line, const char *msg)
{
	char clean[PX_ERR_MSG_MAX + 128];

	c->stats->bad++;
	if (!c->opt->report ||
	    c->reported >= (c->opt->max_reported ? c->opt->max_reported : 50))
		return;
	c->reported++;
	snprintf(clean, sizeof(clean), "%s", msg);
	io_clean_msg(clean);
	fprintf(c->opt->report, "line %llu: %s\n", (unsigned long long)line,
		clean);
}

/* Submit one signed entry (the signer path). */
static int submit_signed(struct io_ctx *c, const char *text, size_t len,
			 struct repo_result *res)
{
	struct px_buf note;
	struct px_err e = {0};
	char *t;
	int rc;

	t = px_malloc(len + 1);
	if (!t)
		return PX_ENOMEM;
	memcpy(t, text, len);
	t[len] = '\n';
	px_buf_init(&note, REC_CANON_TEXT_MAX + 4096);
	rc = note_sign(t, len + 1, c->opt->signer, 1, &note, &e);
	px_free(t);
	if (rc == 0)
		rc = repo_submit_entry(c->repo, note.data, note.len, res, &e);
	px_buf_release(&note);
	if (rc < 0) {
		res->rc = rc;
		snprintf(res->message, sizeof(res->message), "%s", e.msg);
	}
	return 0;
}

/* Offer the batch; res[i] is the answer to record i. */
static int flush_submit(struct io_ctx *c, struct pending *b,
			struct repo_result *res, struct px_err *err)
{
	const char **txt = NULL;
	size_t i;
	int rc = 0;

	if (!c->opt->dry_run && !c->opt->signer)
		/* the records as validated; none is parsed again */
		return repo_file_parsed(c->repo, b->recs, b->n, res, err);
	txt = px_calloc(b->n, sizeof(*txt));
	if (!txt)
		return px_errorf(err, PX_ENOMEM, "import: out of memory");
	for (i = 0; i < b->n; i++)
		txt[i] = (const char *)b->text.data + b->off[i];
	if (c->opt->dry_run) {
		/* ask the store whether each record is known */
		for (i = 0; i < b->n; i++) {
			char id[REC_ID_SIZE];
			json_t *j = json_loadb(txt[i], b->len[i], 0, NULL);
			json_t *got = NULL;
			int known;

			known = j && io_record_id(j, id, NULL) == 0 && c->st &&
				store_get(c->st, id, 0, &got, NULL) == 0;
			json_decref(j);
			json_decref(got);
			if (known)
				res[i].rc = PX_EEXIST;
		}
	} else {
		for (i = 0; i < b->n; i++)
			submit_signed(c, txt[i], b->len[i], &res[i]);
	}
	px_free(txt);
	return rc;
}

/* Count and report what the store answered for a batch. */
static void flush_account(struct io_ctx *c, struct pending *b,
			  const struct repo_result *res)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		size_t u = b->unit_of[i];

		if (res[i].rc == 0) {
			b->added[u]++;
			c->stats->records++;
		} else if (res[i].rc == PX_EEXIST) {
			b->exist[u]++;
		} else if (!b->failed[u]) {
			char msg[PX_ERR_MSG_MAX + 64];

			b->failed[u] = 1;
			snprintf(msg, sizeof(msg), "refused by the store: %s",
				 res[i].message[0] ? res[i].message
						   : px_strerror(res[i].rc));
			report_bad(c, b->line[u], msg);
		}
	}
	for (i = 0; i < b->nu; i++) {
		if (b->failed[i])
			continue;
		if (b->added[i]) {
			if (b->update[i])
				c->stats->updated++;
			else
				c->stats->imported++;
			if (b->newp[i])
				c->stats->places_new++;
		} else {
			c->stats->skipped_existing++;
		}
	}
}

/*
 * A batch being filed on another thread (signing, then the writer's group
 * commit) while the next one is converted and validated.  Only the filing
 * runs there: the answers are counted and reported on the importing thread
 * when the batch is finished, so reports and the gazetteer are touched by
 * one thread.  Batches are filed one at a time, in order, so a batch that
 * refers to a place a batch before it files finds it in the store.
 */
struct inflight {
	struct io_ctx *c;
	struct pending b;
	struct repo_result *res;
	pthread_t th;
	int running;
	int rc;
	struct px_err err;
};

static void *inflight_main(void *arg)
{
	struct inflight *f = arg;

	f->rc = flush_submit(f->c, &f->b, f->res, &f->err);
	return NULL;
}

/* Wait for the batch in flight, if any, and count its answers. */
static int inflight_finish(struct inflight *f, struct px_err *err)
{
	int rc;

	if (!f->res)
		return 0;
	if (f->running)
		pthread_join(f->th, NULL);
	f->running = 0;
	rc = f->rc;
	if (rc < 0 && err)
		*err = f->err;
	if (rc == 0)
		flush_account(f->c, &f->b, f->res);
	px_free(f->res);
	f->res = NULL;
	pending_clear(&f->b);
	return rc;
}

/*
 * File batch b: with f, after the batch before it is finished, on another
 * thread (b is swapped with f's finished, empty batch); without f, here.
 */
static int flush(struct io_ctx *c, struct pending *b, struct inflight *f,
		 struct px_err *err)
{
	struct repo_result *res;
	int rc = 0;

	if (f) {
		rc = inflight_finish(f, err);
		if (rc < 0 || b->n == 0) {
			pending_clear(b);
			return rc;
		}
		f->res = px_calloc(b->n, sizeof(*f->res));
		if (!f->res) {
			pending_clear(b);
			return px_errorf(err, PX_ENOMEM,
					 "import: out of memory");
		}
		{
			struct pending t = f->b;
			f->b = *b;
			*b = t;
		}
		f->c = c;
		px_err_clear(&f->err);
		f->running =
		    pthread_create(&f->th, NULL, inflight_main, f) == 0;
		if (!f->running)
			inflight_main(f);
		return 0;
	}
	if (b->n == 0)
		return 0;
	res = px_calloc(b->n, sizeof(*res));
	if (!res)
		rc = px_errorf(err, PX_ENOMEM, "import: out of memory");
	if (rc == 0)
		rc = flush_submit(c, b, res, err);
	if (rc == 0)
		flush_account(c, b, res);
	px_free(res);
	pending_clear(b);
	return rc;
}

/* Validate and queue the records of one unit: all or nothing. */
static int queue_unit(struct io_ctx *c, struct pending *b, struct io_unit *u,
		      uint64_t line, int check_only)
{
	struct rec recs[IO_UNIT_MAX];
	size_t i, nok = 0;
	struct px_buf canon;
	struct px_err e = {0};
	int rc = 0;

	px_buf_init(&canon, REC_CANON_TEXT_MAX);
	for (i = 0; i < u->n; i++) {
		px_buf_reset(&canon);
		rc = rec_canon_write(u->rec[i], &canon, &e);
		if (rc == 0)
			rc = rec_parse((const char *)canon.data, canon.len,
				       NULL, &recs[i], &e);
		if (rc < 0) {
			char msg[PX_ERR_MSG_MAX + 64];
			const char *k = json_string_value(
			    json_object_get(u->rec[i], "kind"));

			snprintf(msg, sizeof(msg),
				 "the %s made from it is "
				 "invalid: %s",
				 k ? k : "record", e.msg);
			report_bad(c, line, msg);
			break;
		}
		nok++;
	}
	px_buf_release(&canon);
	if (rc < 0) {
		for (i = 0; i < nok; i++)
			rec_release(&recs[i]);
		return 0;
	}
	if (check_only) {
		for (i = 0; i < nok; i++)
			rec_release(&recs[i]);
		return 0;
	}
	rc = pending_unit(b, line, u->update, u->new_place);
	for (i = 0; i < nok && rc == 0; i++) {
		if (io_map_get(&c->seen, recs[i].info.id) != (size_t)-1)
			continue;
		rc = io_map_put(&c->seen, recs[i].info.id, 1);
		if (rc == 0)
			rc = pending_add(b, &recs[i]);
	}
	for (i = 0; i < nok; i++)
		rec_release(&recs[i]);
	return rc;
}

static void unit_clear(struct io_unit *u)
{
	for (size_t i = 0; i < u->n; i++)
		json_decref(u->rec[i]);
	memset(u, 0, sizeof(*u));
}

int io_import_jsonl(struct io_ctx *c, FILE *f, struct px_err *err);

/* One pass over a CSV/TSV input. */
static int run_csv(struct io_ctx *c, FILE *f, int check_only,
		   struct px_err *err)
{
	struct io_csv *csv = NULL;
	const struct io_csv_row *row;
	struct pending b;
	struct inflight fl, *fp = NULL;
	struct io_unit u;
	struct px_progress prog;
	int tsv = c->opt->format == IO_GEONAMES;
	size_t gaz_n;
	long size = -1;
	int rc;

	memset(&b, 0, sizeof(b));
	memset(&u, 0, sizeof(u));
	px_buf_init(&b.text, (size_t)256 * 1024 * 1024);
	memset(&fl, 0, sizeof(fl));
	px_buf_init(&fl.b.text, (size_t)256 * 1024 * 1024);
	/* GeoNames rows read the store (a place's latest revision), which
	 * the writer must not be changing meanwhile: filed in line */
	if (!check_only && !c->opt->dry_run && !c->opt->signer && !tsv)
		fp = &fl;
	if (fseek(f, 0, SEEK_END) == 0) {
		size = ftell(f);
		rewind(f);
	}
	rc = io_csv_open(f, tsv, &csv, err);
	if (rc < 0)
		return rc;
	px_progress_start(&prog, check_only ? "checking" : "importing",
			  size > 0 && c->opt->progress ? (uint64_t)size : 0);
	if (!c->opt->progress)
		prog.enabled = 0;
	c->header_done = tsv;
	for (;;) {
		struct px_err e = {0};

		rc = io_csv_next(csv, &row, err);
		if (rc <= 0)
			break;
		if (!c->header_done) {
			if (row->problem) {
				rc = px_errorf(err, PX_EINVAL,
					       "line %llu: header: %s",
					       (unsigned long long)row->line,
					       row->problem);
				break;
			}
			rc = c->opt->format == IO_ACLED
				 ? io_acled_header(c, row, err)
				 : io_ucdp_header(c, row, err);
			if (rc < 0)
				break;
			c->header_done = 1;
			continue;
		}
		if (row->n == 1 && row->len[0] == 0)
			continue; /* an empty line */
		c->stats->rows++;
		if (row->problem) {
			report_bad(c, row->line, row->problem);
			continue;
		}
		gaz_n = c->gaz.n;
		switch (c->opt->format) {
		case IO_ACLED:
			rc = io_acled_row(c, row, &u, &e);
			break;
		case IO_UCDP:
			rc = io_ucdp_row(c, row, &u, &e);
			break;
		default:
			rc = io_geonames_row(c, row, &u, &e);
			break;
		}
		if (rc == IO_ROW_SKIP) {
			c->stats->rows--;
			unit_clear(&u);
			continue;
		}
		if (rc == PX_ENOMEM) {
			unit_clear(&u);
			rc = px_errorf(err, rc, "%s", e.msg);
			break;
		}
		if (rc < 0) {
			report_bad(c, row->line, e.msg);
			gaz_forget(&c->gaz, gaz_n);
			unit_clear(&u);
			rc = 0;
			continue;
		}
		if (u.unchanged) {
			c->stats->skipped_unchanged++;
		} else {
			uint64_t bad0 = c->stats->bad;

			rc = queue_unit(c, &b, &u, row->line, check_only);
			if (c->stats->bad != bad0)
				gaz_forget(&c->gaz, gaz_n);
			else if (u.matched)
				c->stats->places_matched++;
			if (rc < 0) {
				px_errorf(err, rc, "import: %s",
					  px_strerror(rc));
				unit_clear(&u);
				break;
			}
		}
		unit_clear(&u);
		if (b.n >= 2048) {
			rc = flush(c, &b, fp, err);
			if (rc < 0)
				break;
		}
		px_progress_update(&prog, io_csv_offset(csv));
	}
	if (rc >= 0)
		rc = flush(c, &b, fp, err);
	else
		flush(c, &b, fp, NULL);
	{
		int frc = inflight_finish(&fl, rc >= 0 ? err : NULL);
		if (rc >= 0 && frc < 0)
			rc = frc;
	}
	px_progress_finish(&prog);
	io_csv_free(csv);
	pending_release(&b);
	pending_release(&fl.b);
	return rc < 0 ? rc : 0;
}

int io_import(struct repo *r, const struct io_import_options *opt,
	      struct io_import_stats *stats, struct px_err *err)
{
	struct io_ctx c;
	FILE *f;
	double t0 = px_now();
	int rc = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&c, 0, sizeof(c));
	c.repo = r;
	c.st = r ? repo_store(r) : NULL;
	c.opt = opt;
	c.stats = stats;
	c.party = opt->as_party;
	for (size_t i = 0; i < PX_ARRAY_LEN(c.col); i++)
		c.col[i] = -1;
	if (opt->format == IO_GEOJSON)
		return px_errorf(err, PX_EUSAGE,
				 "geojson can be exported, not imported");
	if (opt->input) {
		f = opt->input;
	} else if (strcmp(opt->path, "-") == 0) {
		if (opt->strict && opt->format != IO_JSONL)
			return px_errorf(err, PX_EUSAGE,
					 "--strict needs a file, not standard "
					 "input");
		f = stdin;
	} else {
		f = fopen(opt->path, "rb");
		if (!f)
			return px_errorf(err, PX_EIO, "open '%s': %s",
					 opt->path, strerror(errno));
	}
	if (opt->format == IO_JSONL) {
		struct io_import_options dry;

		if (!r) { /* check only */
			dry = *opt;
			dry.dry_run = 1;
			dry.strict = 0;
			c.opt = &dry;
		}
		rc = io_import_jsonl(&c, f, err);
		c.opt = opt;
		goto out;
	}
	rc = gaz_load(&c, err);
	if (rc < 0)
		goto out;
	if (opt->strict && !opt->dry_run && r) {
		struct io_import_stats pass;
		const struct io_import_stats *keep = c.stats;

		memset(&pass, 0, sizeof(pass));
		c.stats = &pass;
		rc = run_csv(&c, f, 1, err);
		c.stats = (struct io_import_stats *)keep;
		if (rc == 0 && pass.bad) {
			stats->rows = pass.rows;
			stats->bad = pass.bad;
			rc = px_errorf(err, PX_EINVAL,
				       "%llu bad row%s: nothing imported "
				       "(--strict)",
				       (unsigned long long)pass.bad,
				       pass.bad == 1 ? "" : "s");
			goto out;
		}
		if (rc < 0)
			goto out;
		/* start again from a clean gazetteer and column map */
		gaz_release(&c.gaz);
		io_map_release(&c.seen);
		c.header_done = 0;
		c.reported = 0;
		rc = gaz_load(&c, err);
		if (rc < 0)
			goto out;
		rewind(f);
	}
	rc = run_csv(&c, f, r == NULL, err);
out:
	stats->seconds = px_now() - t0;
	gaz_release(&c.gaz);
	io_map_release(&c.seen);
	if (f != stdin && f != opt->input)
		fclose(f);
	return rc;
}

void io_import_summary(const struct io_import_options *opt,
		       const struct io_import_stats *s, FILE *f)
{
	fprintf(f, "%s%s: %llu rows read in %.1f s (%.0f rows/s)\n",
		opt->dry_run ? "dry run, nothing written: " : "",
		io_format_name(opt->format), (unsigned long long)s->rows,
		s->seconds,
		s->seconds > 0 ? (double)s->rows / s->seconds : 0.0);
	fprintf(f, "  imported: %llu rows (%llu records%s)\n",
		(unsigned long long)s->imported, (unsigned long long)s->records,
		opt->dry_run ? " would be written" : "");
	if (s->updated)
		fprintf(f, "  updated: %llu\n", (unsigned long long)s->updated);
	fprintf(f, "  skipped: %llu already imported",
		(unsigned long long)s->skipped_existing);
	if (s->skipped_unchanged)
		fprintf(f, ", %llu unchanged",
			(unsigned long long)s->skipped_unchanged);
	fprintf(f, ", %llu bad\n", (unsigned long long)s->bad);
	if (s->places_new || s->places_matched)
		fprintf(f,
			"  places: %llu matched in the gazetteer, %llu new\n",
			(unsigned long long)s->places_matched,
			(unsigned long long)s->places_new);
	if (s->mapped[0])
		fprintf(f, "  mapped: %s\n", s->mapped);
	if (s->kept[0])
		fprintf(f, "  kept in comments: %s\n", s->kept);
	if (s->ignored[0])
		fprintf(f, "  not recognised (left out): %s\n", s->ignored);
	if (s->notes)
		fprintf(f, "  notes: %llu (values shortened or left out)\n",
			(unsigned long long)s->notes);
}
