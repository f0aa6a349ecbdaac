/*
 * gen_record.c - a realistic synthetic record, and the measurements of the
 * projection over it (bench_record.sh runs it at several sizes).
 *
 *   gen_record DIR ACCOUNTS [QUERIES]
 *
 * 1. Creates the data directory DIR (repo_create) and registers six parties
 *    (two governments, two ombudspersons, an international organization
 *    and a news agency), each with its own key, through the repo.
 * 2. Writes the record straight into the log (log_submit_async), every
 *    entry a signed note by its filing party, as a client filing
 *    non-custodially would: a gazetteer of places (a country, regions,
 *    districts, settlements) each named in English, Azerbaijani (Latin),
 *    Russian (Cyrillic) and Armenian, a fifth of them with a second,
 *    unrelated name used by one side (the Khankendi/Stepanakert case);
 *    sources; persons named in three scripts with a status history;
 *    events; ACCOUNTS accounts, two to four per event, by different
 *    parties, with narratives in the party's language and claims of time,
 *    place, type, initiators, targets, characterization and casualties
 *    (about two events in five disputed on casualties); and person-event
 *    relations.
 * 3. Rebuilds the store from the log (repo_reindex) and reports the apply
 *    rate: entries applied per second into the projection.
 * 4. Runs QUERIES (default 400) searches - place names in each script,
 *    person names, narrative words, with and without time and place
 *    filters - and a comparison of random events, reporting p50/p99/max.
 * 5. Reports the store's size per account and per entry, and the log's.
 *
 * Records are built with a fixed seed, so the same ACCOUNTS gives the same
 * record (up to signatures, which are randomized by nothing: Ed25519 is
 * deterministic, but keys are new for each run).
 */
#include "log/log.h"
#include "log/note.h"
#include "log/tile.h"
#include "record/canon.h"
#include "record/record.h"
#include "repo/repo.h"
#include "store/store.h"

#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define NPARTIES 6
#define KEEP_NAMES 200

/* ---- deterministic random numbers (splitmix64) */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}

/* ---- names in four renderings: English, Azerbaijani, Russian, Armenian */
enum { EN, AZ, RU, HY, NSCRIPT };

static const char *const consonants[][NSCRIPT] = {
    {"b", "b", "б", "բ"},  {"g", "g", "г", "գ"},  {"d", "d", "д", "դ"},
    {"z", "z", "з", "զ"},  {"k", "k", "к", "կ"},  {"l", "l", "л", "լ"},
    {"m", "m", "м", "մ"},  {"n", "n", "н", "ն"},  {"r", "r", "р", "ր"},
    {"s", "s", "с", "ս"},  {"t", "t", "т", "տ"},  {"v", "v", "в", "վ"},
    {"kh", "x", "х", "խ"}, {"sh", "ş", "ш", "շ"}, {"ch", "ç", "ч", "չ"},
    {"gh", "ğ", "г", "ղ"}, {"h", "h", "г", "հ"},  {"p", "p", "п", "պ"},
};
static const char *const vowels[][NSCRIPT] = {
    {"a", "a", "а", "ա"}, {"e", "ə", "е", "ե"},	 {"i", "i", "и", "ի"},
    {"o", "o", "о", "ո"}, {"u", "u", "у", "ու"},
};
static const char *const place_suffix[][NSCRIPT] = {
    {"kert", "kert", "керт", "կերտ"}, {"shen", "şen", "шен", "շեն"},
    {"abad", "abad", "абад", "աբադ"}, {"li", "li", "ли", "լի"},
    {"van", "van", "ван", "վան"},     {"", "", "", ""},
};
static const char *const script_code[NSCRIPT] = {"Latn", "Latn", "Cyrl",
						 "Armn"};
static const char *const lang_code[NSCRIPT] = {"en", "az", "ru", "hy"};

/* Upper-case the first character of a UTF-8 name (Latin, the Azerbaijani
 * letters, Cyrillic а-я, Armenian ա-ֆ). */
static void capitalize(char *s)
{
	unsigned char *p = (unsigned char *)s;
	unsigned cp;

	if (p[0] >= 'a' && p[0] <= 'z') {
		p[0] = (unsigned char)(p[0] - 32);
		return;
	}
	if ((p[0] & 0xe0) != 0xc0)
		return;
	cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	if (cp >= 0x430 && cp <= 0x44f)
		cp -= 0x20;
	else if (cp >= 0x561 && cp <= 0x586)
		cp -= 0x30;
	else if (cp == 0x15f || cp == 0x11f)
		cp -= 1; /* ş ğ */
	else if (cp == 0xe7)
		cp = 0xc7; /* ç */
	else if (cp == 0x259)
		cp = 0x18f; /* ə */
	else
		return;
	p[0] = (unsigned char)(0xc0 | (cp >> 6));
	p[1] = (unsigned char)(0x80 | (cp & 0x3f));
}

struct name4 {
	char s[NSCRIPT][96];
};

/* A name of 2-3 syllables and a suffix, in the four renderings. */
static void make_name(struct name4 *n, const char *const (*suffixes)[NSCRIPT],
		      unsigned nsuffixes)
{
	unsigned syl = 2 + rn(2), i, k, c, v, sfx = rn(nsuffixes);
	size_t len[NSCRIPT] = {0};

	for (i = 0; i < syl; i++) {
		c = rn(PX_ARRAY_LEN(consonants));
		v = rn(PX_ARRAY_LEN(vowels));
		for (k = 0; k < NSCRIPT; k++)
			len[k] += (size_t)snprintf(
			    n->s[k] + len[k], sizeof(n->s[k]) - len[k], "%s%s",
			    consonants[c][k], vowels[v][k]);
	}
	for (k = 0; k < NSCRIPT; k++) {
		snprintf(n->s[k] + len[k], sizeof(n->s[k]) - len[k], "%s",
			 suffixes[sfx][k]);
		capitalize(n->s[k]);
	}
}

static const char *const surname_suffix[][NSCRIPT] = {
    {"yan", "yan", "ян", "յան"},
    {"ov", "ov", "ов", "ով"},
    {"li", "li", "ли", "լի"},
    {"ian", "yan", "ян", "յան"},
};
static const char *const no_suffix[][NSCRIPT] = {{"", "", "", ""}};

/* ---- the parties */
static const char *const party_names[NPARTIES] = {
    "Government of Northland",		"Government of Southland",
    "Ombudsperson of Northland",	"Ombudsperson of Southland",
    "International Monitoring Mission", "Regional News Agency"};
static const char *const party_types[NPARTIES] = {"government-body",
						  "government-body",
						  "ombudsperson",
						  "ombudsperson",
						  "international-organization",
						  "media"};
/* The language each party writes its narratives in. */
static const int party_lang[NPARTIES] = {AZ, HY, AZ, HY, EN, RU};

struct party {
	char id[REC_ID_SIZE];
	struct note_signer signer;
};

/* ---- writing entries */
struct gen {
	struct log *log;
	struct party parties[NPARTIES];
	struct px_buf canon, note;
	atomic_ullong acked, failed;
	uint64_t entries;
	uint64_t seq; /* for filed_at */
	struct px_err err;
};

static void on_ack(void *ctx, int rc, uint64_t index)
{
	struct gen *g = ctx;

	(void)index;
	if (rc)
		atomic_fetch_add(&g->failed, 1);
	atomic_fetch_add(&g->acked, 1);
}

static void filed_at(struct gen *g, char out[REC_TIME_SIZE])
{
	/* One entry a minute from 2026-01-01. */
	rec_time_format(1767225600 + (int64_t)(g->seq++) * 60, out);
}

/* Sign rec (consumed) as party p, submit it, return its id in id. */
static int emit(struct gen *g, json_t *rec, int p, char id[REC_ID_SIZE])
{
	char at[REC_TIME_SIZE];
	enum rec_kind kind;
	const char *k;
	int rc;

	if (!rec)
		return px_errorf(&g->err, PX_ENOMEM, "json_pack failed");
	k = json_string_value(json_object_get(rec, "kind"));
	if (!k || rec_kind_parse(k, strlen(k), &kind)) {
		json_decref(rec);
		return px_errorf(&g->err, PX_EINVAL, "no kind");
	}
	filed_at(g, at);
	json_object_set_new(rec, "v", json_integer(1));
	json_object_set_new(rec, "filed_at", json_string(at));
	json_object_set_new(rec, "filed_by", json_string(g->parties[p].id));
	px_buf_reset(&g->canon);
	rc = rec_canon_write(rec, &g->canon, &g->err);
	json_decref(rec);
	if (rc)
		return rc;
	rec_id_make(kind, g->canon.data, g->canon.len, id);
	px_buf_addc(&g->canon, '\n');
	px_buf_reset(&g->note);
	rc = note_sign((const char *)g->canon.data, g->canon.len,
		       &g->parties[p].signer, 1, &g->note, &g->err);
	if (rc)
		return rc;
	g->entries++;
	return log_submit_async(g->log, g->note.data, g->note.len, on_ack, g,
				&g->err);
}

static json_t *name_array(const struct name4 *n, const struct name4 *alt)
{
	json_t *a = json_array();
	int k;

	for (k = 0; k < NSCRIPT; k++) {
		/* Azerbaijani and English spellings may coincide. */
		if (k == AZ && strcmp(n->s[AZ], n->s[EN]) == 0)
			continue;
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s}", "name", n->s[k], "lang",
				 lang_code[k], "script", script_code[k]));
	}
	if (alt) {
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:[s]}", "name", alt->s[AZ],
				 "lang", "az", "script", "Latn", "used_by",
				 "Southland government"));
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:[s]}", "name", alt->s[RU],
				 "lang", "ru", "script", "Cyrl", "used_by",
				 "Southland government"));
	}
	return a;
}

/* What the search benchmark asks for: names kept from the generation. */
struct kept {
	char s[KEEP_NAMES][96];
	size_t n;
};

static void keep(struct kept *k, const char *s)
{
	if (k->n < KEEP_NAMES)
		snprintf(k->s[k->n++], sizeof(k->s[0]), "%s", s);
}

static const char *const event_types[][2] = {
    {"explosion-remote-violence", "shelling-artillery-missile-attack"},
    {"explosion-remote-violence", "air-drone-strike"},
    {"battle", "armed-clash"},
    {"violence-against-civilians", "attack"},
    {"violence-against-civilians", "abduction-forced-disappearance"},
    {"protest", "peaceful-protest"},
    {"strategic-development", "looting-property-destruction"},
};

/* Narrative templates per language: %s is the place, %u a number. */
static const char *const narrative_tpl[NSCRIPT][3] = {
    {"Shelling was reported near %s in the early morning; residents said "
     "%u houses were damaged and the road was closed for the day.",
     "Monitors visiting %s heard from %u witnesses that armed men entered "
     "the village at dawn; the accounts could not be verified on site.",
     "Clashes broke out on the outskirts of %s; %u people were evacuated "
     "to the district centre."},
    {"%s yaxınlığında səhər saatlarında atəş açılıb; sakinlərin sözlərinə "
     "görə %u ev zədələnib.",
     "%s kəndində %u şahid silahlı şəxslərin səhər tezdən kəndə daxil "
     "olduğunu bildirib.",
     "%s ətrafında toqquşmalar baş verib; %u nəfər rayon mərkəzinə "
     "təxliyə edilib."},
    {"Рано утром вблизи населённого пункта %s был зафиксирован обстрел; "
     "по словам жителей, повреждено %u домов.",
     "Наблюдатели в %s опросили %u свидетелей, сообщивших о вооружённых "
     "людях в селе на рассвете.",
     "На окраине %s произошли столкновения; %u человек эвакуированы в "
     "районный центр."},
    {"Վաղ առավոտյան %s բնակավայրի մոտ հրետակոծություն է գրանցվել, "
     "բնակիչների խոսքով վնասվել է %u տուն։",
     "%s գյուղում %u վկաներ հայտնել են, որ լուսաբացին զինված անձինք են "
     "մտել գյուղ։",
     "%s ծայրամասում բախումներ են տեղի ունեցել, %u մարդ տարհանվել է "
     "շրջկենտրոն։"},
};

static const char *const characterizations[NSCRIPT][3] = {
    {"an indiscriminate attack on civilians", "a provocation",
     "a violation of the ceasefire"},
    {"mülki əhaliyə qarşı təxribat", "cavab tədbiri",
     "atəşkəs rejiminin pozulması"},
    {"провокация против мирного населения", "ответные меры",
     "нарушение режима прекращения огня"},
    {"խաղաղ բնակչության դեմ սադրանք", "պատասխան գործողություն",
     "հրադադարի ռեժիմի խախտում"},
};

/* Expand a template's one "%s" (place) and one "%u" (number). */
static void fill(char *out, size_t cap, const char *tpl, const char *place,
		 unsigned num)
{
	size_t n = 0;

	for (; *tpl && n + 1 < cap; tpl++) {
		if (tpl[0] == '%' && tpl[1] == 's') {
			n += (size_t)snprintf(out + n, cap - n, "%s", place);
			tpl++;
		} else if (tpl[0] == '%' && tpl[1] == 'u') {
			n += (size_t)snprintf(out + n, cap - n, "%u", num);
			tpl++;
		} else {
			out[n++] = *tpl;
		}
		if (n >= cap)
			n = cap - 1;
	}
	out[n] = '\0';
}

static void date_of(unsigned day, char out[11])
{
	/* Days from 2016-01-01 to a date (2016-2023, leap years counted). */
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y = 2016, m = 0, leap;

	for (;;) {
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (day < (unsigned)(365 + leap))
			break;
		day -= (unsigned)(365 + leap);
		y++;
	}
	for (m = 0; m < 12; m++) {
		int md = mdays[m] + (m == 1 && leap);
		if (day < (unsigned)md)
			break;
		day -= (unsigned)md;
	}
	snprintf(out, 11, "%04d-%02d-%02u", y, m + 1, day + 1);
}

struct counts {
	uint64_t places, sources, persons, events, accounts, relations;
};

static int generate(struct gen *g, uint64_t naccounts, struct counts *c,
		    struct kept *place_names, struct kept *person_names,
		    char (*sample_events)[REC_ID_SIZE], size_t nsample,
		    char (*sample_places)[REC_ID_SIZE])
{
	uint64_t nplaces = naccounts / 40 + 20, nsources = naccounts / 10 + 5;
	uint64_t npersons = naccounts / 20 + 5, nevents = naccounts / 2 + 1;
	uint64_t i, nregions = 12, ndistricts = nplaces / 20 + 1;
	char(*place_ids)[REC_ID_SIZE] = NULL, (*source_ids)[REC_ID_SIZE] = NULL,
	(*person_ids)[REC_ID_SIZE] = NULL, (*event_ids)[REC_ID_SIZE] = NULL;
	char(*place_label)[96] = NULL;
	unsigned *event_day = NULL, *event_place = NULL;
	char id[REC_ID_SIZE];
	int rc = 0;

	place_ids =
	    px_calloc(nplaces + nregions + ndistricts + 1, sizeof(*place_ids));
	place_label = px_calloc(nplaces + nregions + ndistricts + 1,
				sizeof(*place_label));
	source_ids = px_calloc(nsources, sizeof(*source_ids));
	person_ids = px_calloc(npersons, sizeof(*person_ids));
	event_ids = px_calloc(nevents, sizeof(*event_ids));
	event_day = px_calloc(nevents, sizeof(*event_day));
	event_place = px_calloc(nevents, sizeof(*event_place));
	if (!place_ids || !place_label || !source_ids || !person_ids ||
	    !event_ids || !event_day || !event_place) {
		rc = px_errorf(&g->err, PX_ENOMEM, "out of memory");
		goto out;
	}

	/* Places: a country, regions, districts, settlements (parents
	 * first).  Index 0 is the country. */
	{
		uint64_t total = 1 + nregions + ndistricts + nplaces, p;
		for (p = 0; p < total && rc == 0; p++) {
			struct name4 n, alt;
			const char *type;
			json_t *rec;
			int has_alt = 0;

			make_name(&n, place_suffix, PX_ARRAY_LEN(place_suffix));
			if (p == 0)
				type = "country";
			else if (p <= nregions)
				type = "region";
			else if (p <= nregions + ndistricts)
				type = "district";
			else
				type = "settlement";
			if (p > 0 && rn(5) == 0) {
				make_name(&alt, place_suffix,
					  PX_ARRAY_LEN(place_suffix));
				has_alt = 1;
			}
			rec = json_pack(
			    "{s:s, s:o, s:s, s:{s:I, s:I}}", "kind", "place",
			    "names", name_array(&n, has_alt ? &alt : NULL),
			    "type", type, "coordinates", "lat",
			    (json_int_t)(38800000 + rn(2000000)), "lon",
			    (json_int_t)(44800000 + rn(2500000)));
			if (p > 0) {
				uint64_t parent =
				    p <= nregions ? 0
				    : p <= nregions + ndistricts
					? 1 + rn((unsigned)nregions)
					: 1 + nregions +
					      rn((unsigned)ndistricts);
				json_object_set_new(
				    rec, "parent",
				    json_string(place_ids[parent]));
			}
			rc = emit(g, rec, (int)rn(NPARTIES), place_ids[p]);
			snprintf(place_label[p], sizeof(place_label[p]), "%s",
				 n.s[EN]);
			if (p > nregions + ndistricts && rn(4) == 0) {
				int k = (int)rn(NSCRIPT);
				keep(place_names, n.s[k]);
				if (has_alt)
					keep(place_names, alt.s[AZ]);
			}
			c->places++;
		}
		nplaces = total;
	}
	if (sample_places)
		for (i = 0; i < nsample; i++)
			memcpy(sample_places[i],
			       place_ids[1 +
					 rn((unsigned)(nregions + ndistricts))],
			       REC_ID_SIZE);

	/* Sources. */
	for (i = 0; i < nsources && rc == 0; i++) {
		char title[200], date[11];
		int p = (int)rn(NPARTIES);
		date_of(rn(2900), date);
		snprintf(title, sizeof(title),
			 "Report %" PRIu64 " on the situation in %s", i,
			 place_label[1 + rn((unsigned)(nplaces - 1))]);
		rc =
		    emit(g,
			 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind",
				   "source", "type",
				   i % 3 ? "article" : "report", "title", title,
				   "outlet", party_names[p], "published", date,
				   "lang", lang_code[party_lang[p]]),
			 p, source_ids[i]);
		c->sources++;
	}

	/* Persons, named in three scripts, with a status history. */
	for (i = 0; i < npersons && rc == 0; i++) {
		struct name4 given, family;
		struct name4 full;
		char since[11];
		int k;
		json_t *rec;

		make_name(&given, no_suffix, 1);
		make_name(&family, surname_suffix,
			  PX_ARRAY_LEN(surname_suffix));
		for (k = 0; k < NSCRIPT; k++)
			snprintf(full.s[k], sizeof(full.s[k]), "%.40s %.50s",
				 given.s[k], family.s[k]);
		date_of(rn(2900), since);
		rec = json_pack(
		    "{s:s, s:o, s:I, s:s, s:[{s:s, s:s}]}", "kind", "person",
		    "names", name_array(&full, NULL), "birth_year",
		    (json_int_t)(1940 + rn(70)), "origin",
		    place_ids[1 + rn((unsigned)(nplaces - 1))], "status",
		    "status", rn(3) ? "missing" : "detained", "since", since);
		rc = emit(g, rec, (int)rn(NPARTIES), person_ids[i]);
		if (rn(8) == 0)
			keep(person_names, full.s[rn(NSCRIPT)]);
		c->persons++;
	}

	/* Events and their accounts, interleaved as a log would have them. */
	for (i = 0; i < nevents && rc == 0 && c->accounts < naccounts; i++) {
		unsigned t = rn(PX_ARRAY_LEN(event_types));
		unsigned day = rn(2900), pl;
		unsigned nacc = 2 + rn(3), a, base = 1 + rn(30);
		int disputed = rn(5) < 2, used[NPARTIES] = {0};
		char start[11], end[11], title[256];

		pl = (unsigned)(1 + nregions + ndistricts +
				rn((unsigned)(nplaces - 1 - nregions -
					      ndistricts)));
		date_of(day, start);
		date_of(day + rn(2), end);
		snprintf(title, sizeof(title), "%s %s near %s",
			 t < 2	  ? "Shelling"
			 : t == 2 ? "Clash"
				  : "Incident",
			 start, place_label[pl]);
		rc =
		    emit(g,
			 json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, "
				   "s:{s:s, s:s}}",
				   "kind", "event", "title", title, "type",
				   event_types[t][0], "subtype",
				   event_types[t][1], "time", "start", start,
				   "end", end, "precision", "day", "place",
				   "place", place_ids[pl], "precision", "near"),
			 (int)rn(NPARTIES), event_ids[i]);
		event_day[i] = day;
		event_place[i] = pl;
		c->events++;
		for (a = 0; a < nacc && rc == 0 && c->accounts < naccounts;
		     a++) {
			int p = (int)rn(NPARTIES), lang;
			unsigned low, high, shift;
			char narrative[1024], cstart[11], cend[11];
			json_t *rec, *claims;

			while (used[p])
				p = (p + 1) % NPARTIES;
			used[p] = 1;
			lang = party_lang[p];
			fill(narrative, sizeof(narrative),
			     narrative_tpl[lang][rn(3)], place_label[pl],
			     2 + rn(40));
			/* Casualties: disputed events get disjoint ranges. */
			if (disputed && a > 0) {
				low = base * (3 + a) + 5;
				high = low + rn(10);
			} else {
				low = base;
				high = base + rn(6);
			}
			/* One second account in eight dates it weeks later:
			 * a disputed time. */
			shift = a == 1 && rn(8) == 0 ? 40 : 0;
			date_of(day + shift, cstart);
			date_of(day + shift + rn(2), cend);
			claims = json_pack(
			    "{s:{s:s, s:s, s:s, s:[s]}, s:{s:s, s:s}, "
			    "s:{s:[{s:s, s:s}]}, s:{s:[{s:s, s:s}]}, "
			    "s:{s:s, s:s}, s:{s:{s:I, s:I, s:I}}}",
			    "time", "start", cstart, "end", cend, "precision",
			    "day", "sources",
			    source_ids[rn((unsigned)nsources)], "type", "type",
			    event_types[t][0], "subtype", event_types[t][1],
			    "initiators", "actors", "name",
			    p % 2 ? "Armed forces of Northland"
				  : "Armed forces of Southland",
			    "inter", "state-forces", "targets", "actors",
			    "name", "Residents", "inter", "civilians",
			    "characterization", "text",
			    characterizations[lang][rn(3)], "lang",
			    lang_code[lang], "casualties", "civilians", "low",
			    (json_int_t)low, "best",
			    (json_int_t)(low + (high - low) / 2), "high",
			    (json_int_t)high);
			rec = json_pack("{s:s, s:s, s:{s:s, s:s}, s:o}", "kind",
					"account", "event", event_ids[i],
					"narrative", "text", narrative, "lang",
					lang_code[lang], "claims", claims);
			if (rn(3) == 0)
				json_object_set_new(
				    json_object_get(rec, "claims"), "place",
				    json_pack("{s:s, s:s}", "place",
					      place_ids[pl], "precision",
					      "exact"));
			rc = emit(g, rec, p, id);
			c->accounts++;
		}
	}
	if (sample_events)
		for (i = 0; i < nsample && c->events; i++)
			memcpy(sample_events[i],
			       event_ids[rn((unsigned)c->events)], REC_ID_SIZE);

	/* Person-event relations. */
	for (i = 0; i < npersons && rc == 0 && c->events; i++) {
		if (rn(2))
			continue;
		rc = emit(g,
			  json_pack("{s:s, s:s, s:s, s:s}", "kind", "relation",
				    "type", rn(2) ? "victim" : "missing-in",
				    "from", person_ids[i], "to",
				    event_ids[rn((unsigned)c->events)]),
			  (int)rn(NPARTIES), id);
		c->relations++;
	}
	(void)event_day;
	(void)event_place;
out:
	px_free(place_ids);
	px_free(place_label);
	px_free(source_ids);
	px_free(person_ids);
	px_free(event_ids);
	px_free(event_day);
	px_free(event_place);
	return rc;
}

static int register_parties(const char *dir, struct gen *g)
{
	struct repo *r;
	struct repo_result res;
	struct repo_options ro;
	int i, rc;

	memset(&ro, 0, sizeof(ro));
	rc = repo_open(dir, &ro, &r, &g->err);
	if (rc)
		return rc;
	for (i = 0; i < NPARTIES && rc == 0; i++) {
		char *skey = NULL, *vkey = NULL, name[64], *text;
		json_t *rec;

		snprintf(name, sizeof(name), "bench.example/party%d", i);
		rc = note_key_generate(name, NOTE_ALG_ED25519, &skey, &vkey,
				       &g->err);
		if (rc)
			break;
		rc = note_signer_parse(skey, strlen(skey),
				       &g->parties[i].signer, &g->err);
		sodium_memzero(skey, strlen(skey));
		px_free(skey);
		rec = json_pack("{s:s, s:s, s:s, s:s}", "kind", "party", "name",
				party_names[i], "type", party_types[i], "key",
				vkey);
		px_free(vkey);
		text = json_dumps(rec, JSON_COMPACT);
		json_decref(rec);
		memset(&res, 0, sizeof(res));
		if (rc == 0)
			rc = repo_register_party(r, text, strlen(text), &res,
						 &g->err);
		free(text);
		if (rc == 0 && res.rc)
			rc = px_errorf(&g->err, res.rc, "%s", res.message);
		if (rc == 0)
			memcpy(g->parties[i].id, res.id, REC_ID_SIZE);
	}
	repo_close(r);
	return rc;
}

/* CPU seconds of this process (all threads) and of this thread: the
 * build machine is shared, so wall time alone says little. */
static double cpu_process(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_thread(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report_latency(const char *what, double *ms, size_t n)
{
	if (!n)
		return;
	qsort(ms, n, sizeof(*ms), dcmp);
	printf("gen_record: %-28s n=%zu  p50 %.2f ms  p99 %.2f ms  max %.2f "
	       "ms\n",
	       what, n, ms[n / 2], ms[(n * 99) / 100], ms[n - 1]);
}

static long long file_size(const char *dir, const char *rel)
{
	char *p = px_path_join(dir, rel);
	struct stat sb;
	long long n = 0;

	if (p && stat(p, &sb) == 0)
		n = (long long)sb.st_size;
	px_free(p);
	return n;
}

static long long dir_size(const char *path)
{
	char cmd[4200];
	long long n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "du -sb '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%lld", &n) != 1)
			n = 0;
		pclose(f);
	}
	return n;
}

int main(int argc, char **argv)
{
	static struct gen g;
	static struct kept place_names, person_names;
	static char sample_events[64][REC_ID_SIZE],
	    sample_places[64][REC_ID_SIZE];
	struct log_options lo;
	struct counts c;
	struct repo *r;
	struct repo_options ro;
	uint64_t naccounts, nqueries = 400, i;
	double t0, t1, c0, c1, *lat, *cpu;
	size_t nlat = 0;
	char *logdir;
	int rc;

	if (argc < 3 || px_parse_u64(argv[2], strlen(argv[2]), &naccounts) ||
	    naccounts == 0 ||
	    (argc > 3 && px_parse_u64(argv[3], strlen(argv[3]), &nqueries))) {
		fprintf(stderr, "usage: gen_record DIR ACCOUNTS [QUERIES]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0); /* each figure as soon as known */
	memset(&c, 0, sizeof(c));
	px_buf_init(&g.canon, REC_CANON_TEXT_MAX + 1);
	px_buf_init(&g.note, LOG_ENTRY_MAX);

	rc = repo_create(argv[1], "bench.example/record", &g.err);
	if (rc == 0)
		rc = register_parties(argv[1], &g);
	if (rc)
		goto fail;

	memset(&lo, 0, sizeof(lo));
	lo.batch_max = 16384;
	lo.batch_delay_ms = 20;
	rc = log_open(argv[1], &lo, &g.log, &g.err);
	if (rc)
		goto fail;
	t0 = px_now();
	rc = generate(&g, naccounts, &c, &place_names, &person_names,
		      sample_events, 64, sample_places);
	if (rc == 0)
		rc = log_flush(g.log, &g.err);
	log_close(g.log);
	t1 = px_now();
	if (rc)
		goto fail;
	if (atomic_load(&g.failed)) {
		fprintf(stderr, "gen_record: %llu entries failed\n",
			(unsigned long long)atomic_load(&g.failed));
		return 1;
	}
	printf(
	    "gen_record: %" PRIu64 " accounts of %" PRIu64 " events, %" PRIu64
	    " places, %" PRIu64 " persons, %" PRIu64 " sources, %" PRIu64
	    " relations, %d parties: %" PRIu64 " entries signed and "
	    "logged in %.1f s (%.0f entries/s)\n",
	    c.accounts, c.events, c.places, c.persons, c.sources, c.relations,
	    NPARTIES, g.entries, t1 - t0, (double)g.entries / (t1 - t0));

	/* Apply: rebuild the projection from the log alone. */
	t0 = px_now();
	c0 = cpu_process();
	rc = repo_reindex(argv[1], 0, &g.err);
	t1 = px_now();
	c1 = cpu_process();
	if (rc)
		goto fail;
	printf("gen_record: reindex of %" PRIu64 " entries: wall %.2f s, %.0f "
	       "entries/s; cpu %.2f s, %.0f entries/cpu-s (target >= "
	       "20000/s)\n",
	       g.entries + NPARTIES, t1 - t0,
	       (double)(g.entries + NPARTIES) / (t1 - t0), c1 - c0,
	       (double)(g.entries + NPARTIES) / (c1 - c0));

	memset(&ro, 0, sizeof(ro));
	ro.read_only = 1;
	rc = repo_open(argv[1], &ro, &r, &g.err);
	if (rc)
		goto fail;
	{
		json_t *st = NULL;
		if (store_stats(repo_store(r), &st, &g.err) == 0) {
			char *d = json_dumps(st, JSON_COMPACT | JSON_SORT_KEYS);
			printf("gen_record: store stats %s\n", d ? d : "");
			free(d);
			json_decref(st);
		}
	}

	/* Searches. */
	lat = px_calloc(nqueries * 3 + 256, sizeof(*lat));
	cpu = px_calloc(nqueries * 3 + 256, sizeof(*cpu));
	if (!lat || !cpu)
		return 1;
	{
		static const char *const words[] = {
		    "shelling",	 "обстрел",	"witnesses", "evacuated",
		    "ceasefire", "provocation", "atəş",	     "հրետակոծություն",
		    "Report",	 "Residents"};
		double *plain = lat, *filtered = lat + nqueries,
		       *placed = lat + 2 * nqueries;
		size_t np = 0, nf = 0, npl = 0;
		for (i = 0; i < nqueries; i++) {
			struct store_query q;
			json_t *res = NULL;
			const char *text;
			double s, e, cs, ce;
			unsigned pick = rn(10);

			store_query_init(&q);
			if (pick < 5 && place_names.n)
				text =
				    place_names.s[rn((unsigned)place_names.n)];
			else if (pick < 8 && person_names.n)
				text = person_names
					   .s[rn((unsigned)person_names.n)];
			else
				text = words[rn(PX_ARRAY_LEN(words))];
			q.text = text;
			q.limit = 20;
			s = px_now();
			cs = cpu_thread();
			rc = store_search(repo_store(r), &q, &res, &g.err);
			e = px_now();
			ce = cpu_thread();
			json_decref(res);
			if (rc)
				goto fail;
			cpu[np] = (ce - cs) * 1000;
			plain[np++] = (e - s) * 1000;

			/* The same words within a time window, and within
			 * a region. */
			q.from = "2018-01-01";
			q.to = "2019-12-31";
			q.kind = REC_EVENT;
			s = px_now();
			cs = cpu_thread();
			rc = store_search(repo_store(r), &q, &res, &g.err);
			e = px_now();
			ce = cpu_thread();
			json_decref(res);
			if (rc)
				goto fail;
			cpu[nqueries + nf] = (ce - cs) * 1000;
			filtered[nf++] = (e - s) * 1000;
			store_query_init(&q);
			q.text = text;
			q.place = sample_places[rn(64)];
			q.limit = 20;
			s = px_now();
			cs = cpu_thread();
			rc = store_search(repo_store(r), &q, &res, &g.err);
			e = px_now();
			ce = cpu_thread();
			json_decref(res);
			if (rc)
				goto fail;
			cpu[2 * nqueries + npl] = (ce - cs) * 1000;
			placed[npl++] = (e - s) * 1000;
		}
		report_latency("search", plain, np);
		report_latency("search (cpu)", cpu, np);
		report_latency("search + time window", filtered, nf);
		report_latency("search + time window (cpu)", cpu + nqueries,
			       nf);
		report_latency("search + place (region)", placed, npl);
		report_latency("search + place (cpu)", cpu + 2 * nqueries, npl);
		nlat = 0;
		for (i = 0; i < 200 && c.events; i++) {
			json_t *res = NULL;
			double s = px_now(), e, cs = cpu_thread();
			rc = store_compare(repo_store(r), sample_events[rn(64)],
					   &res, &g.err);
			e = px_now();
			cpu[3 * nqueries + nlat] = (cpu_thread() - cs) * 1000;
			json_decref(res);
			if (rc)
				goto fail;
			lat[3 * nqueries + nlat++] = (e - s) * 1000;
		}
		report_latency("compare", lat + 3 * nqueries, nlat);
		report_latency("compare (cpu)", cpu + 3 * nqueries, nlat);
	}
	px_free(lat);
	px_free(cpu);
	repo_close(r);

	logdir = px_path_join(argv[1], LOG_DIR_PUBLIC);
	{
		long long db = file_size(argv[1], STORE_FILE) +
			       file_size(argv[1], STORE_FILE "-wal");
		long long lg = logdir ? dir_size(logdir) : 0;
		printf("gen_record: store %.1f MiB: %.0f bytes per account, "
		       "%.0f per entry; log %.1f MiB: %.0f bytes per entry\n",
		       (double)db / 1048576.0, (double)db / (double)c.accounts,
		       (double)db / (double)g.entries, (double)lg / 1048576.0,
		       (double)lg / (double)g.entries);
	}
	px_free(logdir);
	px_buf_release(&g.canon);
	px_buf_release(&g.note);
	for (i = 0; i < NPARTIES; i++)
		note_signer_wipe(&g.parties[i].signer);
	return 0;
fail:
	fprintf(stderr, "gen_record: %s\n", g.err.msg);
	return 1;
}
