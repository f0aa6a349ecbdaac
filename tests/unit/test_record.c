/*
 * test_record.c - the record kinds and their validation
 * (src/record/record.c): a valid example of every kind passes and yields
 * the canonical text and the id users will cite; each kind of invalid input
 * fails with the exact JSON path and reason; references go through the
 * resolver; withdrawals and revisions; allocation failure at every step.
 *
 * Invalid cases are made by changing one member of a valid example
 * (mutate()), so each case shows exactly what it breaks.
 */
#include "record/record.h"
#include "test.h"

#include <sodium.h>
#include <string.h>

#define H8(c) c c c c c c c c
#define H64(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c) H8(c)
#define PARTY_A "party-" H64("a")
#define PARTY_B "party-" H64("b")
#define PARTY_X "party-" H64("c") /* not in the store */
#define EVENT_1 "event-" H64("1")
#define EVENT_2 "event-" H64("2")
#define EVENT_X "event-" H64("9") /* not in the store */
#define PLACE_1 "place-" H64("3")
#define PLACE_2 "place-" H64("4")
#define SOURCE_1 "source-" H64("5")
#define SOURCE_2 "source-" H64("8")
#define EVID_1 "evidence-" H64("6")
#define PERSON_1 "person-" H64("7")
#define KEY                                                                    \
	"ombudsperson.example+5fee9b06+"                                       \
	"AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"

/* ---- a store of known ids for the resolver. */

static const char *const known[] = {PARTY_A, PARTY_B, EVENT_1,	EVENT_2,
				    PLACE_1, PLACE_2, SOURCE_1, SOURCE_2,
				    EVID_1,  PERSON_1};
static int resolve_calls;

static int resolve(void *ctx, const char *id, enum rec_kind kind,
		   struct px_err *err)
{
	size_t i;

	(void)ctx;
	(void)err;
	resolve_calls++;
	for (i = 0; i < PX_ARRAY_LEN(known); i++)
		if (strcmp(id, known[i]) == 0 &&
		    strncmp(id, rec_kind_name(kind),
			    strlen(rec_kind_name(kind))) == 0)
			return 0;
	return PX_ENOTFOUND;
}

static const struct rec_resolver store = {resolve, NULL};

/* ---- valid examples, one per kind (neutral, invented parties). */

static const char *const party_ok =
    "{\"v\":1,\"kind\":\"party\",\"filed_at\":\"2026-01-05T09:00:00Z\","
    "\"name\":\"Office of the Ombudsperson of Northland\","
    "\"names\":[{\"name\":\"\xd5\x95\xd5\xb4\xd5\xa2\xd5\xb8\xd6\x82\xd5"
    "\xa4\xd5\xbd\xd5\xb4\xd5\xa5\xd5\xb6\",\"lang\":\"hy\"},"
    "{\"name\":\"\xd0\x9e\xd0\xbc\xd0\xb1\xd1\x83\xd0\xb4\xd1\x81\xd0\xbc"
    "\xd0\xb5\xd0\xbd\",\"lang\":\"ru\",\"script\":\"Cyrl\"}],"
    "\"type\":\"ombudsperson\",\"affiliation\":\"Northland\","
    "\"key\":\"" KEY "\",\"url\":\"https://ombudsperson.example/\","
    "\"description\":\"Files accounts of incidents.\\nSecond line.\"}";

static const char *const source_ok =
    "{\"v\":1,\"kind\":\"source\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-05T10:00:00Z\",\"type\":\"report\","
    "\"title\":\"Field report on the river crossing\","
    "\"author\":\"Field team 2\",\"outlet\":\"Ombudsperson of Northland\","
    "\"published\":\"2026-01-04\",\"lang\":\"az-Latn\","
    "\"url\":\"https://ombudsperson.example/r/17\",\"scale\":\"national\","
    "\"evidence\":[\"" EVID_1 "\"]}";

static const char *const event_ok =
    "{\"v\":1,\"kind\":\"event\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-05T10:00:00Z\","
    "\"title\":\"Shelling near the river crossing\","
    "\"type\":\"explosion-remote-violence\","
    "\"subtype\":\"shelling-artillery-missile-attack\","
    "\"time\":{\"start\":\"2026-01-03\",\"end\":\"2026-01-04\","
    "\"precision\":\"day\"},"
    "\"place\":{\"place\":\"" PLACE_1 "\",\"precision\":\"near\"}}";

static const char *const account_ok =
    "{\"v\":1,\"kind\":\"account\",\"filed_by\":\"" PARTY_B "\","
    "\"acting_for\":\"" PARTY_A "\",\"filed_at\":\"2026-01-06T08:30:00Z\","
    "\"event\":\"" EVENT_1 "\","
    "\"narrative\":{\"text\":\"Shells fell on the east bank in the "
    "morning.\\nThe market was hit.\",\"lang\":\"en\"},"
    "\"translations\":[{\"text\":\"Snaryady upali utrom.\",\"lang\":\"ru\","
    "\"translated_by\":\"Translation desk\"}],"
    "\"claims\":{"
    "\"time\":{\"start\":\"2026-01-03\",\"end\":\"2026-01-03\","
    "\"precision\":\"day\",\"sources\":[\"" SOURCE_1 "\"]},"
    "\"place\":{\"place\":\"" PLACE_2 "\",\"precision\":\"exact\"},"
    "\"type\":{\"type\":\"explosion-remote-violence\","
    "\"subtype\":\"shelling-artillery-missile-attack\"},"
    "\"initiators\":{\"actors\":[{\"name\":\"Southland armed forces\","
    "\"inter\":\"state-forces\"}],\"sources\":[\"" SOURCE_1 "\"]},"
    "\"targets\":{\"actors\":[{\"name\":\"Civilians of the east bank\","
    "\"inter\":\"civilians\"},{\"name\":\"Northland border guard\","
    "\"inter\":\"state-forces\",\"party\":\"" PARTY_A "\"}]},"
    "\"characterization\":{\"text\":\"an indiscriminate attack\","
    "\"lang\":\"en\"},"
    "\"casualties\":{\"civilians\":{\"low\":3,\"best\":4,\"high\":6},"
    "\"military\":[{\"side\":\"Northland border guard\",\"best\":1},"
    "{\"side\":\"Southland armed forces\",\"low\":0,\"high\":2}],"
    "\"unknown\":{\"best\":0},\"sources\":[\"" SOURCE_1 "\",\"" SOURCE_2 "\"]},"
    "\"relations\":[{\"type\":\"in-response-to\",\"event\":\"" EVENT_2 "\"}]},"
    "\"sources\":[\"" SOURCE_1 "\"]}";

static const char *const person_ok =
    "{\"v\":1,\"kind\":\"person\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-07T00:00:00Z\","
    "\"names\":[{\"name\":\"Aram Example\",\"lang\":\"en\",\"script\":"
    "\"Latn\"},{\"name\":\"\xd0\x90\xd1\x80\xd0\xb0\xd0\xbc\","
    "\"script\":\"Cyrl\",\"used_by\":[\"family\"]}],"
    "\"birth_year\":1990,\"origin\":\"" PLACE_1 "\","
    "\"status\":[{\"status\":\"missing\",\"since\":\"2026-01-03\","
    "\"event\":\"" EVENT_1 "\"},{\"status\":\"detained\","
    "\"since\":\"2026-01-03\",\"place\":\"" PLACE_2 "\"},"
    "{\"status\":\"released\",\"since\":\"2026-02-01\",\"sources\":[\"" SOURCE_1
    "\"]}]}";

static const char *const place_ok =
    "{\"v\":1,\"kind\":\"place\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-02T00:00:00Z\","
    "\"names\":[{\"name\":\"Riverton\",\"lang\":\"en\",\"script\":\"Latn\","
    "\"used_by\":[\"Northland government\",\"international media\"]},"
    "{\"name\":\"\xd0\xa0\xd0\xb5\xd1\x87\xd0\xbd\xd0\xbe\xd0\xb9\","
    "\"lang\":\"ru\",\"script\":\"Cyrl\"},"
    "{\"name\":\"\xc3\x87\x61y\xc9\x99tir\",\"lang\":\"az\","
    "\"script\":\"Latn\",\"used_by\":[\"Southland government\"]}],"
    "\"type\":\"settlement\",\"parent\":\"" PLACE_2 "\","
    "\"coordinates\":{\"lat\":39815000,\"lon\":-46752000},"
    "\"geonameid\":587084}";

static const char *const evidence_ok =
    "{\"v\":1,\"kind\":\"evidence\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-05T09:30:00Z\","
    "\"sha256\":\"" H64(
	"e") "\",\"size\":1048576,"
	     "\"media_type\":\"image/jpeg\",\"filename\":\"crater-1.jpg\","
	     "\"description\":\"Crater on the east bank\","
	     "\"captured_at\":\"2026-01-03T11:20:00Z\","
	     "\"captured_by\":\"Field team 2\",\"capture_place\":\"" PLACE_1
	     "\","
	     "\"source\":\"" SOURCE_1 "\"}";

static const char *const relation_ok =
    "{\"v\":1,\"kind\":\"relation\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-01-08T00:00:00Z\",\"type\":\"victim\","
    "\"from\":\"" PERSON_1 "\",\"to\":\"" EVENT_1 "\","
    "\"sources\":[\"" SOURCE_1 "\"],\"note\":\"named in the field report\"}";

static const char *const withdrawal_ok =
    "{\"v\":1,\"kind\":\"account\",\"filed_by\":\"" PARTY_A "\","
    "\"filed_at\":\"2026-02-01T00:00:00Z\",\"revises\":\"account-" H64(
	"f") "\",\"withdrawal\":{\"reason\":\"filed against the wrong "
	     "event\"}}";

/* ---- helpers. */

/* Parse a path "a.b[2].c" and return the parent object or array of its
 * last step, with that step in *key or *index (*key NULL for an index). */
static json_t *walk(json_t *root, const char *path, char *key, size_t keycap,
		    size_t *index, int *is_index)
{
	json_t *cur = root;
	const char *p = path;

	for (;;) {
		char name[64];
		size_t n = 0;
		int idx = 0;
		size_t i = 0;
		if (*p == '[') {
			idx = 1;
			p++;
			while (*p >= '0' && *p <= '9')
				i = i * 10 + (size_t)(*p++ - '0');
			p++; /* ']' */
		} else {
			while (*p && *p != '.' && *p != '[' &&
			       n < sizeof(name) - 1)
				name[n++] = *p++;
			name[n] = '\0';
		}
		if (*p == '.')
			p++;
		if (*p == '\0') {
			*is_index = idx;
			*index = i;
			snprintf(key, keycap, "%s", idx ? "" : name);
			return cur;
		}
		cur = idx ? json_array_get(cur, i) : json_object_get(cur, name);
		if (!cur)
			return NULL;
	}
}

/* base with the member at path set to the JSON value (NULL: removed). */
static char *mutate(const char *base, const char *path, const char *value)
{
	json_error_t je;
	json_t *root = json_loads(base, 0, &je), *parent, *v = NULL;
	char key[64];
	size_t index;
	int is_index;
	char *out;

	if (!root) {
		fprintf(stderr, "bad base: %s\n", je.text);
		return NULL;
	}
	if (value) {
		v = json_loads(value, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		if (!v) {
			fprintf(stderr, "bad value %s: %s\n", value, je.text);
			json_decref(root);
			return NULL;
		}
	}
	parent = walk(root, path, key, sizeof(key), &index, &is_index);
	if (!parent) {
		fprintf(stderr, "no path %s\n", path);
		json_decref(root);
		json_decref(v);
		return NULL;
	}
	if (is_index) {
		if (v)
			json_array_set_new(parent, index, v);
		else
			json_array_remove(parent, index);
	} else {
		if (v)
			json_object_set_new(parent, key, v);
		else
			json_object_del(parent, key);
	}
	out = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(root);
	return out;
}

static int parse_text(const char *text, struct rec *r, struct px_err *err)
{
	px_err_clear(err);
	return rec_parse(text, strlen(text), &store, r, err);
}

static void check_ok(const char *text, const char *what)
{
	struct rec r;
	struct px_err err;
	int rc = parse_text(text, &r, &err);

	if (rc < 0) {
		fprintf(stderr, "%s: unexpected error: %s\n", what, err.msg);
		test_failed_ = 1;
		return;
	}
	rec_release(&r);
}

/* The base with path set to value fails with exactly msg (code EINVAL). */
static void check_bad(const char *base, const char *path, const char *value,
		      const char *msg)
{
	struct rec r;
	struct px_err err;
	char *text = mutate(base, path, value);
	int rc;

	if (!text) {
		test_failed_ = 1;
		return;
	}
	rc = parse_text(text, &r, &err);
	if (rc == 0) {
		fprintf(stderr, "accepted (%s = %s), want: %s\n", path,
			value ? value : "(removed)", msg);
		test_failed_ = 1;
		rec_release(&r);
	} else {
		CHECK_EQ_INT(rc, PX_EINVAL);
		if (strcmp(err.msg, msg) != 0) {
			fprintf(stderr, "(%s = %s)\n  got:  %s\n  want: %s\n",
				path, value ? value : "(removed)", err.msg,
				msg);
			test_failed_ = 1;
		}
	}
	px_free(text);
}

/* ---- the tests. */

TEST(valid_examples)
{
	check_ok(party_ok, "party");
	check_ok(source_ok, "source");
	check_ok(event_ok, "event");
	check_ok(account_ok, "account");
	check_ok(person_ok, "person");
	check_ok(place_ok, "place");
	check_ok(evidence_ok, "evidence");
	check_ok(relation_ok, "relation");
	check_ok(withdrawal_ok, "withdrawal");
	/* optional members may be left out */
	{
		char *t = mutate(account_ok, "claims", NULL), *u;
		u = mutate(t, "translations", NULL);
		px_free(t);
		t = mutate(u, "sources", NULL);
		px_free(u);
		u = mutate(t, "acting_for", NULL);
		check_ok(u, "minimal account");
		px_free(t);
		px_free(u);
	}
	{
		char *t = mutate(relation_ok, "type", "\"same-as\""), *u;
		u = mutate(t, "from", "\"" EVENT_2 "\"");
		check_ok(u, "event-event relation");
		px_free(t);
		px_free(u);
	}
}

/* The id is the kind and the SHA-256 of the canonical text, computed here
 * with libsodium (another implementation than the library's). */
TEST(canonical_text_and_id)
{
	const char *texts[] = {party_ok,  source_ok, event_ok,	  account_ok,
			       person_ok, place_ok,  evidence_ok, relation_ok};
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(texts); i++) {
		struct rec r, r2;
		struct px_err err;
		unsigned char h[crypto_hash_sha256_BYTES];
		char want[REC_ID_SIZE], hex[65];
		REQUIRE(parse_text(texts[i], &r, &err) == 0);
		crypto_hash_sha256(h, r.canon.data, r.canon.len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(want, sizeof(want), "%s-%s",
			 rec_kind_name(r.info.kind), hex);
		CHECK_EQ_STR(r.info.id, want);
		CHECK_EQ_INT(r.info.kind, (int)i);
		/* the canonical text is a fixed point with the same id */
		REQUIRE(parse_text((const char *)r.canon.data, &r2, &err) == 0);
		CHECK_EQ_STR((const char *)r2.canon.data,
			     (const char *)r.canon.data);
		CHECK_EQ_STR(r2.info.id, r.info.id);
		rec_release(&r2);
		rec_release(&r);
	}
	/* reordering members and adding whitespace changes nothing */
	{
		struct rec a, b;
		struct px_err err;
		const char *x =
		    "{\"kind\":\"place\",\"v\":1,\"filed_by\":\"" PARTY_A
		    "\",\"filed_at\":\"2026-01-02T00:00:00Z\","
		    "\"type\":\"district\",\"names\":[{\"script\":"
		    "\"Latn\",\"name\":\"East\",\"lang\":\"en\"}]}";
		const char *y =
		    " { \"names\" : [ { \"lang\" : \"en\" , \"name\" "
		    ": \"East\" , \"script\" : \"Latn\" } ] , "
		    "\"type\" : \"district\" , \"filed_at\" : "
		    "\"2026-01-02T00:00:00Z\" , \"filed_by\" : \"" PARTY_A
		    "\" , \"v\" : 1 , \"kind\" : \"place\" }\n";
		REQUIRE(parse_text(x, &a, &err) == 0);
		REQUIRE(parse_text(y, &b, &err) == 0);
		CHECK_EQ_STR(a.info.id, b.info.id);
		CHECK_EQ_STR((const char *)a.canon.data,
			     "{\"filed_at\":\"2026-01-02T00:00:00Z\","
			     "\"filed_by\":\"" PARTY_A "\",\"kind\":\"place\","
			     "\"names\":[{\"lang\":\"en\",\"name\":\"East\","
			     "\"script\":\"Latn\"}],\"type\":\"district\","
			     "\"v\":1}");
		rec_release(&a);
		rec_release(&b);
	}
}

TEST(envelope_info)
{
	struct rec r;
	struct px_err err;

	REQUIRE(parse_text(account_ok, &r, &err) == 0);
	CHECK_EQ_INT(r.info.kind, REC_ACCOUNT);
	CHECK_EQ_STR(r.info.filed_by, PARTY_B);
	CHECK_EQ_STR(r.info.acting_for, PARTY_A);
	CHECK_EQ_STR(rec_info_owner(&r.info), PARTY_A);
	CHECK_EQ_STR(r.info.filed_at, "2026-01-06T08:30:00Z");
	CHECK_EQ_STR(r.info.revises, "");
	CHECK_EQ_INT(r.info.withdrawn, 0);
	rec_release(&r);

	REQUIRE(parse_text(withdrawal_ok, &r, &err) == 0);
	CHECK_EQ_INT(r.info.withdrawn, 1);
	CHECK_EQ_STR(r.info.revises, "account-" H64("f"));
	CHECK_EQ_STR(rec_info_owner(&r.info), PARTY_A);
	rec_release(&r);

	REQUIRE(parse_text(party_ok, &r, &err) == 0);
	CHECK_EQ_STR(r.info.filed_by, "");
	rec_release(&r);
}

TEST(envelope_errors)
{
	struct rec r;
	struct px_err err;

	CHECK_EQ_INT(parse_text("[1]", &r, &err), PX_EINVAL);
	CHECK_EQ_STR(err.msg, "$: a record must be a JSON object");
	CHECK_EQ_INT(parse_text("{\"v\":1,", &r, &err), PX_EINVAL);
	CHECK(strncmp(err.msg, "$: invalid JSON at line 1", 25) == 0);

	check_bad(event_ok, "kind", NULL, "kind: required field is missing");
	check_bad(event_ok, "kind", "\"story\"",
		  "kind: must be one of: party, source, event, account, "
		  "person, place, evidence, relation");
	check_bad(event_ok, "kind", "3", "kind: must be a string");
	check_bad(event_ok, "colour", "\"red\"", "colour: unknown field");
	check_bad(event_ok, "Title", "\"x\"", "Title: unknown field");
	check_bad(event_ok, "filed_at", NULL,
		  "filed_at: required field is missing");
	check_bad(event_ok, "v", NULL, "v: required field is missing");
	check_bad(event_ok, "v", "2", "v: must be 1 (the only format version)");
	check_bad(event_ok, "v", "\"1\"",
		  "v: must be 1 (the only format version)");
	check_bad(event_ok, "filed_by", NULL,
		  "filed_by: required field is missing");
	check_bad(event_ok, "filed_by", "\"" EVENT_1 "\"",
		  "filed_by: must be an id of kind party, not event");
	check_bad(event_ok, "filed_by", "\"" PARTY_X "\"",
		  "filed_by: no party record \"" PARTY_X "\"");
	check_bad(event_ok, "filed_by", "\"party-abc\"",
		  "filed_by: the id's hash must be 64 hex digits, not 3");
	check_bad(event_ok, "filed_by", "\"party-" H64("A") "\"",
		  "filed_by: the id's hash must be lower-case hex");
	check_bad(event_ok, "filed_by", "\"people-" H64("a") "\"",
		  "filed_by: must be a record id (KIND-HEX, KIND one of party, "
		  "source, event, account, person, place, evidence, "
		  "relation)");
	check_bad(account_ok, "acting_for", "\"" PARTY_B "\"",
		  "acting_for: must differ from filed_by (leave it out when a "
		  "party files for itself)");
	check_bad(event_ok, "filed_at", "\"2026-02-30T00:00:00Z\"",
		  "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026-02-30T00:00:00Z\"");
	check_bad(event_ok, "filed_at", "\"2026-01-05T10:00:00+01:00\"",
		  "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026-01-05T10:00:00+01:00\"");
	check_bad(event_ok, "filed_at", "\"2026-01-05T24:00:00Z\"",
		  "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026-01-05T24:00:00Z\"");
	check_bad(event_ok, "filed_at", "\"2026-01-05 10:00:00Z\"",
		  "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026-01-05 10:00:00Z\"");
	/* values quoted in messages: cut at 40 bytes between characters,
	 * control characters shown as '?' */
	check_bad(event_ok, "filed_at", "\"2026\\n01\\u007f\"",
		  "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026?01?\"");
	check_bad(
	    event_ok, "filed_at",
	    "\"\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1"
	    "\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1"
	    "\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\"",
	    "filed_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
	    "3339), not "
	    "\"\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1"
	    "\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1"
	    "\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1\xd5\xa1...\"");
	check_bad(event_ok, "a\x7f", "1", "[\"a\\u007f\"]: unknown field");
	check_bad(event_ok, "revises", "\"account-" H64("0") "\"",
		  "revises: must be an id of kind event, not account");
	check_bad(event_ok, "comment", "\"\"", "comment: must not be empty");
	check_bad(event_ok, "comment", "\" \\n \"",
		  "comment: must not be only whitespace");
	/* withdrawals */
	check_bad(withdrawal_ok, "revises", NULL,
		  "revises: required field is missing (a withdrawal names "
		  "the revision it withdraws)");
	check_bad(withdrawal_ok, "narrative",
		  "{\"text\":\"x\",\"lang\":\"en\"}",
		  "narrative: must not be given in a withdrawal");
	check_bad(withdrawal_ok, "withdrawal", "{}",
		  "withdrawal.reason: required field is missing");
	check_bad(withdrawal_ok, "withdrawal", "\"wrong\"",
		  "withdrawal: must be an object");
	check_bad(withdrawal_ok, "withdrawal.by", "\"me\"",
		  "withdrawal.by: unknown field");
	/* a first revision that is not a withdrawal needs its members */
	check_bad(event_ok, "title", NULL, "title: required field is missing");
}

TEST(text_rules)
{
	char *big;
	char msg[128];
	size_t i;

	check_bad(event_ok, "title", "\" Shelling\"",
		  "title: must not begin or end with whitespace");
	check_bad(event_ok, "title", "\"Shelling\\u00a0\"",
		  "title: must not begin or end with whitespace");
	check_bad(event_ok, "title", "\"Shel\\tling\"",
		  "title: must not contain control character U+0009 (at "
		  "byte 4)");
	check_bad(event_ok, "title", "\"Shel\\nling\"",
		  "title: must not contain control character U+000A (at "
		  "byte 4)");
	check_bad(event_ok, "title", "\"a\\u0085b\"",
		  "title: must not contain control character U+0085 (at "
		  "byte 1)");
	check_bad(event_ok, "title", "\"\"", "title: must not be empty");
	check_bad(event_ok, "title", "42", "title: must be a string");
	check_bad(event_ok, "title", "null", "title: must be a string");
	/* the limit counts characters, not bytes: 200 Armenian letters (400
	 * bytes) pass, 201 do not */
	big = px_malloc(2000);
	big[0] = '"';
	for (i = 0; i < 200; i++)
		memcpy(big + 1 + 2 * i, "\xd5\xa1", 2);
	memcpy(big + 401, "\"", 2);
	{
		char *t = mutate(event_ok, "title", big);
		check_ok(t, "200-character title");
		px_free(t);
	}
	memcpy(big + 401, "\xd5\xa1\"", 4);
	check_bad(event_ok, "title", big,
		  "title: is 201 characters long, more than 200");
	/* narratives keep their lines and tabs, up to 20,000 characters */
	check_ok(account_ok, "multi-line narrative");
	px_free(big);
	big = px_malloc(REC_TEXT_MAX + 10);
	big[0] = '"';
	memset(big + 1, 'x', REC_TEXT_MAX + 1);
	memcpy(big + REC_TEXT_MAX + 2, "\"", 2);
	snprintf(msg, sizeof(msg),
		 "narrative.text: is %d characters long, more than %d",
		 REC_TEXT_MAX + 1, REC_TEXT_MAX);
	check_bad(account_ok, "narrative.text", big, msg);
	px_free(big);
}

/* Invalid UTF-8 never gets past the parser; in values built in memory it
 * is named by path. */
TEST(invalid_utf8)
{
	struct rec r;
	struct px_err err;
	struct rec_info info;
	char text[600];
	json_t *v;

	snprintf(text, sizeof(text), "%s", event_ok);
	memcpy(strstr(text, "Shelling"), "Sh\xff", 3);
	CHECK_EQ_INT(parse_text(text, &r, &err), PX_EINVAL);
	CHECK(strncmp(err.msg, "title: invalid JSON at line 1, column ", 38) ==
	      0);
	CHECK(strstr(err.msg, "unable to decode byte 0xff") != NULL);
	{
		char *acc = px_strdup(account_ok);
		memcpy(strstr(acc, "indiscriminate"), "ind\xc3\x28", 5);
		CHECK_EQ_INT(parse_text(acc, &r, &err), PX_EINVAL);
		CHECK(strncmp(err.msg,
			      "claims.characterization.text: invalid JSON at "
			      "line 1, column ",
			      60) == 0);
		px_free(acc);
	}

	v = json_loads(event_ok, 0, NULL);
	REQUIRE(v != NULL);
	json_object_set_new(v, "title", json_stringn_nocheck("Sh\xc3", 3));
	CHECK_EQ_INT(rec_validate(v, &store, &info, &err), PX_EINVAL);
	CHECK_EQ_STR(err.msg, "title: string is not valid UTF-8");
	json_decref(v);
}

TEST(event_errors)
{
	check_bad(event_ok, "type", "\"war\"",
		  "type: must be one of: battle, explosion-remote-violence, "
		  "violence-against-civilians, protest, riot, "
		  "strategic-development");
	check_bad(event_ok, "subtype", "\"armed-clash\"",
		  "subtype: must be one of: chemical-weapon, air-drone-strike, "
		  "suicide-bomb, shelling-artillery-missile-attack, "
		  "remote-explosive-landmine-ied, grenade");
	check_bad(event_ok, "time.end", "\"2026-01-02\"",
		  "time.end: must not be before start (2026-01-02 < "
		  "2026-01-03)");
	check_bad(event_ok, "time.start", "\"2026-1-3\"",
		  "time.start: must be a date YYYY-MM-DD (RFC 3339 full-date), "
		  "not \"2026-1-3\"");
	check_bad(event_ok, "time.start", "\"2025-02-29\"",
		  "time.start: must be a date YYYY-MM-DD (RFC 3339 full-date), "
		  "not \"2025-02-29\"");
	check_bad(event_ok, "time.precision", "\"hour\"",
		  "time.precision: must be one of: day, week, month, year");
	check_bad(event_ok, "time.precision", NULL,
		  "time.precision: required field is missing");
	check_bad(event_ok, "time.zone", "\"UTC\"", "time.zone: unknown field");
	check_bad(event_ok, "place.precision", "\"street\"",
		  "place.precision: must be one of: exact, near, district, "
		  "region, country");
	check_bad(event_ok, "place.place", "\"" EVENT_1 "\"",
		  "place.place: must be an id of kind place, not event");
	check_bad(event_ok, "place.place", "\"place-" H64("0") "\"",
		  "place.place: no place record \"place-" H64("0") "\"");
	check_bad(event_ok, "place", "\"" PLACE_1 "\"",
		  "place: must be an object");
	/* leap day in a leap year is fine */
	{
		char *t = mutate(event_ok, "time.start", "\"2024-02-29\"");
		char *u = mutate(t, "time.end", "\"2024-03-01\"");
		check_ok(u, "leap day");
		px_free(t);
		px_free(u);
	}
}

TEST(account_errors)
{
	/* the example of issue 3, exactly */
	check_bad(account_ok, "claims.casualties.civilians",
		  "{\"low\":40,\"best\":12}",
		  "claims.casualties.civilians.low: must not exceed best "
		  "(40 > 12)");
	check_bad(account_ok, "claims.casualties.civilians",
		  "{\"low\":1,\"best\":12,\"high\":10}",
		  "claims.casualties.civilians.best: must not exceed high "
		  "(12 > 10)");
	check_bad(account_ok, "claims.casualties.civilians",
		  "{\"low\":11,\"high\":10}",
		  "claims.casualties.civilians.low: must not exceed high "
		  "(11 > 10)");
	check_bad(account_ok, "claims.casualties.civilians", "{}",
		  "claims.casualties.civilians: must give at least one of low, "
		  "best, high");
	check_bad(account_ok, "claims.casualties.unknown.best", "-1",
		  "claims.casualties.unknown.best: -1 is out of range [0, "
		  "10000000]");
	check_bad(account_ok, "claims.casualties.unknown.best", "10000001",
		  "claims.casualties.unknown.best: 10000001 is out of range "
		  "[0, 10000000]");
	check_bad(account_ok, "claims.casualties.unknown.best", "\"3\"",
		  "claims.casualties.unknown.best: must be an integer");
	check_bad(account_ok, "claims.casualties.civilians.killed", "3",
		  "claims.casualties.civilians.killed: unknown field");
	check_bad(account_ok, "claims.casualties.military[1].side",
		  "\"Northland border guard\"",
		  "claims.casualties.military[1].side: repeats item 0's side");
	check_bad(account_ok, "claims.casualties.military[0].side", NULL,
		  "claims.casualties.military[0].side: required field is "
		  "missing");
	check_bad(account_ok, "claims.casualties.military", "[]",
		  "claims.casualties.military: must have at least 1 item");
	check_bad(account_ok, "claims.casualties",
		  "{\"sources\":[\"" SOURCE_1 "\"]}",
		  "claims.casualties: must give at least one of civilians, "
		  "military, unknown");
	check_bad(account_ok, "claims.casualties.sources[1]",
		  "\"" SOURCE_1 "\"",
		  "claims.casualties.sources[1]: repeats item 0");
	check_bad(account_ok, "claims.time.end", "\"2026-01-02\"",
		  "claims.time.end: must not be before start (2026-01-02 < "
		  "2026-01-03)");
	check_bad(account_ok, "claims.time.sources[0]", "\"" EVID_1 "\"",
		  "claims.time.sources[0]: must be an id of kind source, not "
		  "evidence");
	check_bad(account_ok, "claims.place.sources", "[]",
		  "claims.place.sources: must have at least 1 item");
	check_bad(account_ok, "claims.type.subtype", "\"armed-clash\"",
		  "claims.type.subtype: must be one of: chemical-weapon, "
		  "air-drone-strike, suicide-bomb, "
		  "shelling-artillery-missile-attack, "
		  "remote-explosive-landmine-ied, grenade");
	check_bad(account_ok, "claims.initiators.actors[0].inter", "\"army\"",
		  "claims.initiators.actors[0].inter: must be one of: "
		  "state-forces, rebel-group, political-militia, "
		  "identity-militia, rioters, protesters, civilians, "
		  "external-other");
	check_bad(account_ok, "claims.targets.actors[1].name",
		  "\"Civilians of the east bank\"",
		  "claims.targets.actors[1].name: repeats item 0's name");
	check_bad(
	    account_ok, "claims.targets.actors[1].party", "\"" PARTY_X "\"",
	    "claims.targets.actors[1].party: no party record \"" PARTY_X "\"");
	check_bad(account_ok, "claims.initiators.actors", NULL,
		  "claims.initiators.actors: required field is missing");
	check_bad(account_ok, "claims.characterization.lang", NULL,
		  "claims.characterization.lang: required field is missing");
	check_bad(account_ok, "claims.relations[0].event", "\"" EVENT_1 "\"",
		  "claims.relations[0].event: must be another event than the "
		  "account's own");
	check_bad(account_ok, "claims.relations[0].event", "\"" EVENT_X "\"",
		  "claims.relations[0].event: no event record \"" EVENT_X "\"");
	check_bad(account_ok, "claims.relations[0].type", "\"caused\"",
		  "claims.relations[0].type: must be one of: before, after, "
		  "in-response-to, part-of, same-as");
	check_bad(account_ok, "claims", "{}",
		  "claims: must make at least one claim (or be left out)");
	check_bad(account_ok, "claims.weather", "\"rain\"",
		  "claims.weather: unknown field");
	check_bad(account_ok, "event", NULL,
		  "event: required field is missing");
	check_bad(account_ok, "event", "\"" EVENT_X "\"",
		  "event: no event record \"" EVENT_X "\"");
	check_bad(account_ok, "narrative.lang", "\"English\"",
		  "narrative.lang: must be a BCP 47 language tag such as "
		  "\"hy\", \"az-Latn\" or \"en\", not \"English\"");
	check_bad(account_ok, "narrative.lang", "\"e\"",
		  "narrative.lang: must be a BCP 47 language tag such as "
		  "\"hy\", \"az-Latn\" or \"en\", not \"e\"");
	check_bad(account_ok, "narrative.lang", "\"en-\"",
		  "narrative.lang: must be a BCP 47 language tag such as "
		  "\"hy\", \"az-Latn\" or \"en\", not \"en-\"");
	check_bad(account_ok, "translations[0].lang", "\"en\"",
		  "translations[0].lang: must differ from the narrative's "
		  "language");
	check_bad(account_ok, "translations",
		  "[{\"text\":\"One\",\"lang\":\"ru\"},"
		  "{\"text\":\"Another\",\"lang\":\"ru\"}]",
		  "translations[1].lang: repeats item 0's lang");
	check_bad(account_ok, "narrative.translated_by", "\"x\"",
		  "narrative.translated_by: unknown field");
	check_bad(account_ok, "sources", "\"" SOURCE_1 "\"",
		  "sources: must be an array");
}

TEST(person_place_errors)
{
	check_bad(person_ok, "status[2].since", "\"2026-01-01\"",
		  "status[2].since: must not be before the previous status "
		  "(2026-01-01 < 2026-01-03)");
	check_bad(person_ok, "status[0].status", "\"dead\"",
		  "status[0].status: must be one of: missing, detained, "
		  "released, found-alive, found-dead, identified, deceased");
	check_bad(person_ok, "birth_year", "1700",
		  "birth_year: 1700 is out of range [1800, 2100]");
	check_bad(person_ok, "names[0].script", NULL,
		  "names[0].script: required field is missing");
	check_bad(person_ok, "names", "[]", "names: must have at least 1 item");
	check_bad(person_ok, "origin", "\"" PERSON_1 "\"",
		  "origin: must be an id of kind place, not person");
	check_bad(place_ok, "coordinates.lat", "90000001",
		  "coordinates.lat: 90000001 is out of range [-90000000, "
		  "90000000]");
	check_bad(place_ok, "coordinates.lon", "-180000001",
		  "coordinates.lon: -180000001 is out of range [-180000000, "
		  "180000000]");
	check_bad(
	    place_ok, "coordinates.lon", "-46.752",
	    "coordinates.lon: numbers must be integers (-46.752000000000002)");
	check_bad(place_ok, "coordinates.lon", NULL,
		  "coordinates.lon: required field is missing");
	check_bad(place_ok, "names[1].script", "\"cyrl\"",
		  "names[1].script: must be an ISO 15924 script code such as "
		  "\"Armn\", \"Latn\" or \"Cyrl\", not \"cyrl\"");
	check_bad(place_ok, "names[1].lang", NULL,
		  "names[1].lang: required field is missing");
	check_bad(place_ok, "names[1]",
		  "{\"name\":\"Riverton\",\"lang\":\"en\",\"script\":\"Latn\","
		  "\"used_by\":[\"Northland government\",\"international "
		  "media\"]}",
		  "names[1]: repeats item 0");
	check_bad(place_ok, "names[0].used_by[1]", "\"Northland government\"",
		  "names[0].used_by[1]: repeats item 0");
	check_bad(place_ok, "parent", "\"" EVENT_1 "\"",
		  "parent: must be an id of kind place, not event");
	check_bad(place_ok, "type", "\"city\"",
		  "type: must be one of: settlement, district, region, "
		  "country, road, checkpoint, heritage-site, landmark, water, "
		  "other");
	check_bad(place_ok, "geonameid", "0",
		  "geonameid: 0 is out of range [1, 2147483647]");
}

TEST(party_source_evidence_relation_errors)
{
	check_bad(party_ok, "key",
		  "\"ombudsperson.example+5fee9b07+"
		  "AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\"",
		  "key: the key ID does not match the key name and public key");
	check_bad(party_ok, "key",
		  "\"ombudsperson.example+5fee9b06+"
		  "AgABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f\"",
		  "key: the key type must be 0x01 (Ed25519), not 0x02");
	check_bad(party_ok, "key",
		  "\"ombudsperson.example+5fee9b06+"
		  "AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHQ==\"",
		  "key: the key must be base64 of 33 bytes (type and Ed25519 "
		  "public key)");
	check_bad(party_ok, "key", "\"not a key\"",
		  "key: must be a signed-note verifier key NAME+KEYID+BASE64");
	check_bad(party_ok, "key", NULL, "key: required field is missing");
	check_bad(party_ok, "type", "\"army\"",
		  "type: must be one of: government-body, ombudsperson, ngo, "
		  "international-organization, media, individual, other");
	check_bad(party_ok, "names[0].lang", NULL,
		  "names[0].lang: required field is missing");
	check_bad(party_ok, "filed_by", "\"" PARTY_X "\"",
		  "filed_by: no party record \"" PARTY_X "\"");
	check_bad(source_ok, "url", "\"ftp://example.org/x\"",
		  "url: must be an http:// or https:// URL");
	check_bad(source_ok, "url", "\"https://example.org/a b\"",
		  "url: must not contain spaces or control characters (at "
		  "byte 21)");
	check_bad(source_ok, "published", "\"2026-13-01\"",
		  "published: must be a date YYYY-MM-DD (RFC 3339 full-date), "
		  "not \"2026-13-01\"");
	check_bad(source_ok, "evidence[0]", "\"" SOURCE_1 "\"",
		  "evidence[0]: must be an id of kind evidence, not source");
	check_bad(source_ok, "scale", "\"global\"",
		  "scale: must be one of: local, subnational, national, "
		  "regional, international, new-media, other");
	check_bad(source_ok, "title", NULL, "title: required field is missing");
	check_bad(evidence_ok, "sha256", "\"" H64("E") "\"",
		  "sha256: must be 64 lower-case hex digits (SHA-256)");
	check_bad(evidence_ok, "sha256", "\"abc\"",
		  "sha256: must be 64 lower-case hex digits (SHA-256)");
	check_bad(evidence_ok, "media_type", "\"Image/JPEG\"",
		  "media_type: must be a lower-case media type such as "
		  "\"image/jpeg\" (RFC 6838), not \"Image/JPEG\"");
	check_bad(evidence_ok, "media_type", "\"image\"",
		  "media_type: must be a lower-case media type such as "
		  "\"image/jpeg\" (RFC 6838), not \"image\"");
	check_bad(evidence_ok, "size", "-1",
		  "size: -1 is out of range [0, 9007199254740991]");
	check_bad(evidence_ok, "filename", "\"../crater.jpg\"",
		  "filename: must be a file name without '/' or '\\'");
	check_bad(evidence_ok, "captured_at", "\"2026-01-03\"",
		  "captured_at: must be a UTC time YYYY-MM-DDTHH:MM:SSZ (RFC "
		  "3339), not \"2026-01-03\"");
	check_bad(relation_ok, "from", "\"" EVENT_2 "\"",
		  "from: must be an id of kind person, not event");
	check_bad(relation_ok, "type", "\"caused\"",
		  "type: must be one of: same-as, part-of, before, "
		  "in-response-to, victim, witness, missing-in, detained-in");
	check_bad(relation_ok, "to", "\"" PERSON_1 "\"",
		  "to: must be an id of kind event, not person");
	{
		char *t = mutate(relation_ok, "type", "\"part-of\"");
		check_bad(t, "from", "\"" EVENT_1 "\"",
			  "to: must differ from \"from\"");
		px_free(t);
	}
}

/* The resolver decides existence, and its own errors are passed on with
 * the path in front. */
static int resolve_fails(void *ctx, const char *id, enum rec_kind kind,
			 struct px_err *err)
{
	(void)ctx;
	(void)id;
	(void)kind;
	return px_errorf(err, PX_EIO, "store: disk read failed");
}

TEST(resolver)
{
	struct rec r;
	struct px_err err;
	struct rec_resolver bad = {resolve_fails, NULL};

	resolve_calls = 0;
	REQUIRE(parse_text(account_ok, &r, &err) == 0);
	rec_release(&r);
	/* every reference is asked about: filed_by, acting_for, event,
	 * 5 sources, a place, a party and another event: 11 */
	CHECK_EQ_INT(resolve_calls, 11);
	/* no resolver: syntax and kind only */
	px_err_clear(&err);
	{
		char *t = mutate(account_ok, "event", "\"" EVENT_X "\"");
		CHECK_EQ_INT(rec_parse(t, strlen(t), NULL, &r, &err), 0);
		rec_release(&r);
		px_free(t);
	}
	CHECK_EQ_INT(rec_parse(event_ok, strlen(event_ok), &bad, &r, &err),
		     PX_EIO);
	CHECK_EQ_STR(err.msg, "filed_by: store: disk read failed");
	/* revises names a revision: it is checked for kind, not resolved */
	resolve_calls = 0;
	REQUIRE(parse_text(withdrawal_ok, &r, &err) == 0);
	CHECK_EQ_INT(resolve_calls, 1); /* filed_by only */
	rec_release(&r);
}

TEST(ids)
{
	enum rec_kind k;
	uint8_t h[32];
	char id[REC_ID_SIZE];
	struct px_err err;

	rec_id_make(REC_EVIDENCE, "", 0, id);
	CHECK_EQ_STR(id, "evidence-e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
			 "649b934ca495991b7852b855");
	CHECK_EQ_INT(rec_id_parse(id, strlen(id), &k, h, &err), 0);
	CHECK_EQ_INT(k, REC_EVIDENCE);
	CHECK_EQ_INT(h[0], 0xe3);
	CHECK_EQ_INT(h[31], 0x55);
	CHECK_EQ_INT(rec_id_parse("event", 5, &k, h, &err), PX_EINVAL);
	CHECK_EQ_INT(rec_id_parse("event-", 6, &k, h, &err), PX_EINVAL);
	CHECK_EQ_INT(rec_kind_parse("relation", 8, &k), 0);
	CHECK_EQ_INT(k, REC_RELATION);
	CHECK_EQ_INT(rec_kind_parse("relations", 9, &k), PX_EINVAL);
	CHECK(rec_kind_name(REC_KIND_COUNT) == NULL);
	CHECK(strlen("evidence-" H64("0")) < REC_ID_SIZE);
}

/* A log entry's text must be canonical already. */
TEST(entry_text_must_be_canonical)
{
	struct rec r, c;
	struct px_err err;
	const char *canon;

	REQUIRE(parse_text(event_ok, &r, &err) == 0);
	canon = (const char *)r.canon.data;
	CHECK_EQ_INT(
	    rec_parse_canonical(canon, strlen(canon), &store, &c, &err), 0);
	CHECK_EQ_STR(c.info.id, r.info.id);
	rec_release(&c);
	/* the example text is valid but not canonical (member order) */
	CHECK_EQ_INT(
	    rec_parse_canonical(event_ok, strlen(event_ok), &store, &c, &err),
	    PX_EINVAL);
	CHECK_EQ_STR(err.msg,
		     "$: not in canonical form (RFC 8785): differs at byte 2");
	CHECK(c.json == NULL);
	/* a trailing newline is not part of the canonical text */
	{
		char *nl = px_malloc(r.canon.len + 2);
		memcpy(nl, canon, r.canon.len);
		memcpy(nl + r.canon.len, "\n", 2);
		CHECK_EQ_INT(
		    rec_parse_canonical(nl, r.canon.len + 1, &store, &c, &err),
		    PX_EINVAL);
		CHECK(strstr(err.msg, "differs at byte") != NULL);
		px_free(nl);
	}
	rec_release(&r);
}

TEST(time_format)
{
	char t[REC_TIME_SIZE];

	CHECK_EQ_INT(rec_time_format(0, t), 0);
	CHECK_EQ_STR(t, "1970-01-01T00:00:00Z");
	CHECK_EQ_INT(rec_time_format(1767225600 + 59 * 86400 + 3661, t), 0);
	CHECK_EQ_STR(t, "2026-03-01T01:01:01Z");
	CHECK_EQ_INT(rec_time_format(253402300799LL, t), 0);
	CHECK_EQ_STR(t, "9999-12-31T23:59:59Z");
	CHECK_EQ_INT(rec_time_format(253402300800LL, t), PX_EINVAL);
	CHECK_EQ_INT(rec_time_format(-62135596801LL, t), PX_EINVAL);
	/* what it writes, the validator accepts */
	{
		char *ev;
		char q[32];
		rec_time_format(951782400, t); /* 2000-02-29 */
		snprintf(q, sizeof(q), "\"%s\"", t);
		CHECK_EQ_STR(t, "2000-02-29T00:00:00Z");
		ev = mutate(event_ok, "filed_at", q);
		check_ok(ev, "formatted time");
		px_free(ev);
	}
}

/* Every allocation failure comes back as ENOMEM and leaks nothing. */
TEST(alloc_failures)
{
	unsigned long nth;
	int ok = 0;

	for (nth = 1; nth < 2000 && !ok; nth++) {
		struct rec r;
		struct px_err err;
		int rc;
		px_alloc_fail_at(nth, 0);
		rc = parse_text(account_ok, &r, &err);
		px_alloc_fail_at(0, 0);
		if (rc == 0) {
			ok = 1;
			rec_release(&r);
		} else if (rc != PX_ENOMEM) {
			fprintf(stderr, "allocation %lu: %s\n", nth, err.msg);
			test_failed_ = 1;
			break;
		}
	}
	CHECK(ok);
}

TEST_MAIN(TEST_ENTRY(valid_examples), TEST_ENTRY(canonical_text_and_id),
	  TEST_ENTRY(envelope_info), TEST_ENTRY(envelope_errors),
	  TEST_ENTRY(text_rules), TEST_ENTRY(invalid_utf8),
	  TEST_ENTRY(event_errors), TEST_ENTRY(account_errors),
	  TEST_ENTRY(person_place_errors),
	  TEST_ENTRY(party_source_evidence_relation_errors),
	  TEST_ENTRY(resolver), TEST_ENTRY(ids),
	  TEST_ENTRY(entry_text_must_be_canonical), TEST_ENTRY(time_format),
	  TEST_ENTRY(alloc_failures))
