/*
 * test_compare.c - unit tests for src/compare/: the agreement rules of
 * docs/MODEL.md "Comparison" field by field (the page's own examples
 * first), the order and shape of the output, and errors on malformed
 * accounts.
 */
#include "compare/compare.h"

#include "test.h"

/* A store record of an account of event-e1 with the given claims JSON. */
static json_t *acct(const char *id, const char *owner, long index,
		    const char *claims)
{
	char text[4096];
	json_error_t je;
	json_t *a;

	snprintf(text, sizeof(text),
		 "{\"id\":\"%s\",\"owner\":\"%s\",\"index\":%ld,"
		 "\"withdrawn\":false,\"record\":{\"v\":1,\"kind\":\"account\","
		 "\"filed_by\":\"%s\",\"event\":\"event-e1\",\"narrative\":"
		 "{\"text\":\"...\",\"lang\":\"en\"}%s%s}}",
		 id, owner, index, owner, claims ? ",\"claims\":" : "",
		 claims ? claims : "");
	a = json_loads(text, 0, &je);
	if (!a)
		fprintf(stderr, "bad test JSON: %s: %s\n", je.text, text);
	return a;
}

/* Compare the accounts (consumed); NULL (and the error printed) on error. */
static json_t *compare3(json_t *a, json_t *b, json_t *c,
			const struct cmp_places *places)
{
	json_t *arr = json_array(), *out = NULL;
	struct px_err err;

	if (a)
		json_array_append_new(arr, a);
	if (b)
		json_array_append_new(arr, b);
	if (c)
		json_array_append_new(arr, c);
	if (cmp_event(arr, places, &out, &err) != 0)
		fprintf(stderr, "cmp_event: %s\n", err.msg);
	json_decref(arr);
	return out;
}

static const char *status_of(const json_t *out, const char *field)
{
	return json_string_value(json_object_get(
	    json_object_get(json_object_get(out, "fields"), field), "status"));
}

static const json_t *values_of(const json_t *out, const char *field)
{
	return json_object_get(
	    json_object_get(json_object_get(out, "fields"), field), "values");
}

/* The "range" of value i of a field, as "[low,high]" text. */
static char *range_text(const json_t *out, const char *field, size_t i)
{
	static char buf[64];
	char *s = json_dumps(
	    json_object_get(json_array_get(values_of(out, field), i), "range"),
	    JSON_COMPACT | JSON_ENCODE_ANY);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
	free(s);
	return buf;
}

#define CIV(x) "{\"casualties\":{\"civilians\":" x "}}"

/* docs/MODEL.md's casualty example, party by party. */
TEST(casualties_model_example)
{
	json_t *out;

	out = compare3(acct("account-a", "party-a", 10,
			    CIV("{\"low\":3,\"best\":4,\"high\":6}")),
		       acct("account-b", "party-b", 11, CIV("{\"best\":5}")),
		       NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "agreed");
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 0), "[3,6]");
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 1), "[5,5]");
	CHECK(json_is_false(json_object_get(out, "disputed")));
	json_decref(out);

	out = compare3(acct("account-a", "party-a", 10,
			    CIV("{\"low\":3,\"best\":4,\"high\":6}")),
		       acct("account-b", "party-b", 11, CIV("{\"best\":5}")),
		       acct("account-c", "party-c", 12, CIV("{\"low\":20}")),
		       NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "disputed");
	CHECK_EQ_INT(json_array_size(values_of(out, "casualties.civilians")),
		     3);
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 2), "[20,null]");
	CHECK(json_is_true(json_object_get(out, "disputed")));
	/* The value is the figure as filed, for a low-best-high chart. */
	CHECK_EQ_INT(
	    json_integer_value(json_object_get(
		json_object_get(
		    json_array_get(values_of(out, "casualties.civilians"), 0),
		    "value"),
		"best")),
	    4);
	json_decref(out);
}

TEST(casualty_bounds)
{
	json_t *out;

	/* A lone high is [0, high]; low+best is [low, best]. */
	out = compare3(
	    acct("account-a", "party-a", 1, CIV("{\"high\":2}")),
	    acct("account-b", "party-b", 2, CIV("{\"low\":2,\"best\":7}")),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 0), "[0,2]");
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 1), "[2,7]");
	/* [0,2] and [2,7] share 2: agreed, common overlap [2,2]. */
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "agreed");
	{
		char *s = json_dumps(
		    json_object_get(
			json_object_get(json_object_get(out, "fields"),
					"casualties.civilians"),
			"overlap"),
		    JSON_COMPACT | JSON_ENCODE_ANY);

		CHECK_EQ_STR(s, "[2,2]");
		free(s);
	}
	json_decref(out);

	out = compare3(
	    acct("account-a", "party-a", 1, CIV("{\"high\":1}")),
	    acct("account-b", "party-b", 2, CIV("{\"best\":4,\"high\":9}")),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(range_text(out, "casualties.civilians", 1), "[4,9]");
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "disputed");
	json_decref(out);

	/* Two open-ended ranges always overlap. */
	out = compare3(acct("account-a", "party-a", 1, CIV("{\"low\":1}")),
		       acct("account-b", "party-b", 2, CIV("{\"low\":900}")),
		       NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "agreed");
	json_decref(out);
}

TEST(casualty_categories)
{
	json_t *out;

	out = compare3(
	    acct("account-a", "party-a", 1,
		 "{\"casualties\":{\"military\":[{\"side\":\"Northland border "
		 "guard\",\"best\":1},{\"side\":\"Southland army\","
		 "\"low\":5}],\"unknown\":{\"best\":3},\"sources\":"
		 "[\"source-s1\"]}}"),
	    acct("account-b", "party-b", 2,
		 "{\"casualties\":{\"military\":[{\"side\":\"northland Border "
		 "Guard\",\"low\":0,\"high\":2}],\"civilians\":{\"best\":0}}}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	/* Sides match by names key; the field is named as first filed. */
	CHECK_EQ_STR(
	    status_of(out, "casualties.military.Northland border guard"),
	    "agreed");
	CHECK_EQ_INT(json_array_size(values_of(
			 out, "casualties.military.Northland border guard")),
		     2);
	CHECK_EQ_STR(status_of(out, "casualties.military.Southland army"),
		     "single-source");
	CHECK_EQ_STR(status_of(out, "casualties.unknown"), "single-source");
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "single-source");
	CHECK(json_is_false(json_object_get(out, "disputed")));
	/* The claim's sources travel with each figure. */
	CHECK(json_object_get(
		  json_array_get(values_of(out, "casualties.unknown"), 0),
		  "sources") != NULL);
	/* Fixed field order: civilians, the sides, unknown. */
	{
		const char *first = NULL, *last = NULL, *k;
		json_t *v;

		json_object_foreach(json_object_get(out, "fields"), k, v)
		{
			if (!first)
				first = k;
			last = k;
		}
		CHECK_EQ_STR(first, "casualties.civilians");
		CHECK_EQ_STR(last, "casualties.unknown");
	}
	json_decref(out);
}

#define TIME(s, e, p)                                                          \
	"{\"time\":{\"start\":\"" s "\",\"end\":\"" e "\",\"precision\":\"" p  \
	"\"}}"

TEST(time_intervals)
{
	json_t *out;

	/* docs/MODEL.md: a day inside a month intersects it. */
	out = compare3(acct("account-a", "party-a", 1,
			    TIME("2026-01-03", "2026-01-03", "day")),
		       acct("account-b", "party-b", 2,
			    TIME("2026-01-01", "2026-01-31", "month")),
		       NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "time"), "agreed");
	json_decref(out);

	out = compare3(acct("account-a", "party-a", 1,
			    TIME("2026-01-03", "2026-01-03", "day")),
		       acct("account-b", "party-b", 2,
			    TIME("2026-01-01", "2026-01-31", "month")),
		       acct("account-c", "party-c", 3,
			    TIME("2026-01-04", "2026-01-05", "day")),
		       NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "time"), "disputed");
	CHECK(json_is_true(json_object_get(out, "disputed")));
	json_decref(out);

	out = compare3(acct("account-a", "party-a", 1,
			    TIME("2026-01-03", "2026-01-03", "day")),
		       NULL, NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "time"), "single-source");
	CHECK(json_is_false(json_object_get(out, "disputed")));
	json_decref(out);

	/* Whole days: intervals that share their last/first day meet. */
	CHECK(cmp_intervals_intersect("2026-01-01", "2026-01-03", "2026-01-03",
				      "2026-01-09"));
	CHECK(!cmp_intervals_intersect("2026-01-01", "2026-01-02", "2026-01-03",
				       "2026-01-09"));
	CHECK(cmp_intervals_intersect("2025-12-31", "2026-01-01", "2025-01-01",
				      "2025-12-31"));
	CHECK(!cmp_intervals_intersect("2026-02-01", "2026-02-28", "2026-01-01",
				       "2026-01-31"));
	CHECK(!cmp_intervals_intersect(NULL, "2026-01-01", "2026-01-01",
				       "2026-01-01"));
}

/* A small gazetteer: region > district > village-1, village-2. */
static int test_within(void *ctx, const char *inner, const char *outer)
{
	static const char *const parent[][2] = {
	    {"place-village-1", "place-district"},
	    {"place-village-2", "place-district"},
	    {"place-district", "place-region"},
	};
	const char *p = inner;
	size_t i;

	if (ctx)
		return PX_EIO;
	while (p) {
		const char *up = NULL;

		if (strcmp(p, outer) == 0)
			return 1;
		for (i = 0; i < PX_ARRAY_LEN(parent); i++)
			if (strcmp(parent[i][0], p) == 0)
				up = parent[i][1];
		p = up;
	}
	return 0;
}

#define PLACE(p) "{\"place\":{\"place\":\"" p "\",\"precision\":\"exact\"}}"

TEST(places_contain)
{
	struct cmp_places tree = {test_within, NULL};
	struct cmp_places failing = {test_within, (void *)1};
	json_t *out, *arr;
	struct px_err err;

	out = compare3(
	    acct("account-a", "party-a", 1, PLACE("place-village-1")),
	    acct("account-b", "party-b", 2, PLACE("place-region")),
	    acct("account-c", "party-c", 3, PLACE("place-district")), &tree);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "place"), "agreed");
	json_decref(out);

	out =
	    compare3(acct("account-a", "party-a", 1, PLACE("place-village-1")),
		     acct("account-b", "party-b", 2, PLACE("place-village-2")),
		     NULL, &tree);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "place"), "disputed");
	json_decref(out);

	/* Without the callback, only equal places agree. */
	out =
	    compare3(acct("account-a", "party-a", 1, PLACE("place-village-1")),
		     acct("account-b", "party-b", 2, PLACE("place-district")),
		     NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "place"), "disputed");
	json_decref(out);
	out =
	    compare3(acct("account-a", "party-a", 1, PLACE("place-village-1")),
		     acct("account-b", "party-b", 2, PLACE("place-village-1")),
		     NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "place"), "agreed");
	json_decref(out);

	/* A failing callback fails the comparison. */
	arr = json_array();
	json_array_append_new(
	    arr, acct("account-a", "party-a", 1, PLACE("place-village-1")));
	json_array_append_new(
	    arr, acct("account-b", "party-b", 2, PLACE("place-district")));
	out = NULL;
	CHECK_EQ_INT(cmp_event(arr, &failing, &out, &err), PX_EIO);
	CHECK(out == NULL);
	json_decref(arr);
}

TEST(event_type)
{
	json_t *out;

	out = compare3(
	    acct(
		"account-a", "party-a", 1,
		"{\"type\":{\"type\":\"battle\",\"subtype\":\"armed-clash\"}}"),
	    acct("account-b", "party-b", 2, "{\"type\":{\"type\":\"battle\"}}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "type"), "agreed");
	json_decref(out);

	out = compare3(
	    acct(
		"account-a", "party-a", 1,
		"{\"type\":{\"type\":\"battle\",\"subtype\":\"armed-clash\"}}"),
	    acct("account-b", "party-b", 2,
		 "{\"type\":{\"type\":\"battle\",\"subtype\":"
		 "\"government-regains-territory\"}}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "type"), "disputed");
	json_decref(out);

	out = compare3(
	    acct("account-a", "party-a", 1, "{\"type\":{\"type\":\"battle\"}}"),
	    acct("account-b", "party-b", 2,
		 "{\"type\":{\"type\":\"explosion-remote-violence\"}}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "type"), "disputed");
	json_decref(out);
}

#define ACTORS(field, list) "{\"" field "\":{\"actors\":[" list "]}}"
#define ACTOR(n) "{\"name\":\"" n "\"}"

TEST(actors_same_set)
{
	json_t *out;

	/* Order, case, diacritics, script and spelling family do not matter. */
	out = compare3(
	    acct("account-a", "party-a", 1,
		 ACTORS("initiators",
			ACTOR("Armed forces of Northland") "," ACTOR(
			    "Xankəndi militia"))),
	    acct("account-b", "party-b", 2,
		 ACTORS("initiators", ACTOR("Khankendi Militia") "," ACTOR(
					  "armed forces of northland"))),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "initiators"), "agreed");
	json_decref(out);

	/* A subset is a different set: no partial agreement. */
	out =
	    compare3(acct("account-a", "party-a", 1,
			  ACTORS("targets",
				 ACTOR("Residents of the east bank") "," ACTOR(
				     "Northland border guard"))),
		     acct("account-b", "party-b", 2,
			  ACTORS("targets", ACTOR("Northland border guard"))),
		     NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "targets"), "disputed");
	CHECK(status_of(out, "initiators") == NULL);
	json_decref(out);

	/* Two names with one key count once. */
	out = compare3(
	    acct("account-a", "party-a", 1,
		 ACTORS("initiators",
			ACTOR("Southland army") "," ACTOR("SOUTHLAND ARMY"))),
	    acct("account-b", "party-b", 2,
		 ACTORS("initiators", ACTOR("Southland army"))),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "initiators"), "agreed");
	json_decref(out);

	/* Names of punctuation only compare as written. */
	out = compare3(
	    acct("account-a", "party-a", 1, ACTORS("initiators", ACTOR("?"))),
	    acct("account-b", "party-b", 2, ACTORS("initiators", ACTOR("-"))),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "initiators"), "disputed");
	json_decref(out);
}

TEST(characterization_side_by_side)
{
	json_t *out;

	out = compare3(acct("account-a", "party-a", 1,
			    "{\"characterization\":{\"text\":\"an act of "
			    "aggression\",\"lang\":\"en\"}}"),
		       acct("account-b", "party-b", 2,
			    "{\"characterization\":{\"text\":\"a retaliatory "
			    "strike\",\"lang\":\"en\"}}"),
		       NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "characterization"), "side-by-side");
	CHECK(json_is_false(json_object_get(out, "disputed")));
	CHECK_EQ_STR(
	    json_string_value(json_object_get(
		json_object_get(
		    json_array_get(values_of(out, "characterization"), 1),
		    "value"),
		"text")),
	    "a retaliatory strike");
	json_decref(out);

	out = compare3(acct("account-a", "party-a", 1,
			    "{\"characterization\":{\"text\":\"x\",\"lang\":"
			    "\"hy\"}}"),
		       NULL, NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "characterization"), "side-by-side");
	json_decref(out);
}

TEST(relations)
{
	json_t *out;

	out = compare3(
	    acct("account-a", "party-a", 1,
		 "{\"relations\":[{\"type\":\"before\",\"event\":\"event-x\"},"
		 "{\"type\":\"in-response-to\",\"event\":\"event-y\"},"
		 "{\"type\":\"part-of\",\"event\":\"event-z\"}]}"),
	    acct("account-b", "party-b", 2,
		 "{\"relations\":[{\"type\":\"in-response-to\",\"event\":"
		 "\"event-y\"},{\"type\":\"after\",\"event\":\"event-x\"}]}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "relations.event-x"), "disputed");
	CHECK_EQ_STR(status_of(out, "relations.event-y"), "agreed");
	CHECK_EQ_STR(status_of(out, "relations.event-z"), "single-source");
	CHECK(json_is_true(json_object_get(out, "disputed")));
	/* Each value lists that account's relation items for the event. */
	CHECK_EQ_INT(json_array_size(json_object_get(
			 json_array_get(values_of(out, "relations.event-x"), 1),
			 "value")),
		     1);
	json_decref(out);

	/* The same set of types, in any order, agrees. */
	out = compare3(
	    acct("account-a", "party-a", 1,
		 "{\"relations\":[{\"type\":\"before\",\"event\":\"event-x\"},"
		 "{\"type\":\"in-response-to\",\"event\":\"event-x\"}]}"),
	    acct("account-b", "party-b", 2,
		 "{\"relations\":[{\"type\":\"in-response-to\",\"event\":"
		 "\"event-x\"},{\"type\":\"before\",\"event\":\"event-x\"}]}"),
	    NULL, NULL);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "relations.event-x"), "agreed");
	json_decref(out);
}

/* The result depends on the accounts, not on the order they come in. */
TEST(order_and_shape)
{
	const char *c1 = "{\"time\":{\"start\":\"2026-01-01\",\"end\":"
			 "\"2026-01-02\",\"precision\":\"day\"},"
			 "\"casualties\":{\"civilians\":{\"best\":1}}}";
	const char *c2 = "{\"time\":{\"start\":\"2026-01-02\",\"end\":"
			 "\"2026-01-02\",\"precision\":\"day\"}}";
	const char *c3 = "{\"casualties\":{\"civilians\":{\"best\":9}}}";
	json_t *x, *y, *v, *w;
	char *sx, *sy;

	x = compare3(acct("account-a", "party-a", 7, c1),
		     acct("account-b", "party-b", 3, c2),
		     acct("account-c", "party-a", 5, c3), NULL);
	y = compare3(acct("account-c", "party-a", 5, c3),
		     acct("account-a", "party-a", 7, c1),
		     acct("account-b", "party-b", 3, c2), NULL);
	REQUIRE(x != NULL && y != NULL);
	sx = json_dumps(x, JSON_COMPACT);
	sy = json_dumps(y, JSON_COMPACT);
	CHECK_EQ_STR(sx, sy);
	free(sx);
	free(sy);
	/* Values in log-index order: b (3) before a (7). */
	v = json_array_get(values_of(x, "time"), 0);
	CHECK_EQ_STR(json_string_value(json_object_get(v, "account")),
		     "account-b");
	CHECK_EQ_STR(json_string_value(json_object_get(v, "owner")), "party-b");
	w = json_array_get(values_of(x, "casualties.civilians"), 0);
	CHECK_EQ_STR(json_string_value(json_object_get(w, "account")),
		     "account-c");
	CHECK_EQ_STR(json_string_value(json_object_get(x, "event")),
		     "event-e1");
	CHECK_EQ_INT(json_array_size(json_object_get(x, "accounts")), 3);
	/* Fields nobody claims are absent. */
	CHECK(json_object_get(json_object_get(x, "fields"), "place") == NULL);
	json_decref(x);
	json_decref(y);
}

TEST(withdrawn_and_empty)
{
	json_t *arr = json_array(), *a, *out = NULL;
	struct px_err err;

	CHECK_EQ_INT(cmp_event(arr, NULL, &out, &err), 0);
	REQUIRE(out != NULL);
	CHECK_EQ_INT(json_object_size(json_object_get(out, "fields")), 0);
	CHECK(json_is_false(json_object_get(out, "disputed")));
	json_decref(out);

	json_array_append_new(
	    arr, acct("account-a", "party-a", 1, CIV("{\"best\":1}")));
	a = acct("account-b", "party-b", 2, CIV("{\"best\":100}"));
	json_object_set_new(a, "withdrawn", json_true());
	json_array_append_new(arr, a);
	CHECK_EQ_INT(cmp_event(arr, NULL, &out, &err), 0);
	REQUIRE(out != NULL);
	CHECK_EQ_STR(status_of(out, "casualties.civilians"), "single-source");
	json_decref(out);
	json_decref(arr);
}

/* cmp_event on one malformed account: the error code and message. */
static int compare_bad(const char *claims, json_t *extra, char *msg, size_t cap)
{
	json_t *arr = json_array(), *out = NULL;
	struct px_err err;
	int rc;

	json_array_append_new(
	    arr, acct("account-ok", "party-a", 1, CIV("{\"best\":1}")));
	json_array_append_new(
	    arr, extra ? extra : acct("account-bad", "party-b", 2, claims));
	err.msg[0] = '\0';
	rc = cmp_event(arr, NULL, &out, &err);
	snprintf(msg, cap, "%s", err.msg);
	if (out)
		rc = 1;
	json_decref(out);
	json_decref(arr);
	return rc;
}

TEST(malformed_accounts)
{
	static const struct {
		const char *claims;
		const char *path;
	} cases[] = {
	    {"{\"time\":{\"start\":\"2026-1-1\",\"end\":\"2026-01-02\"}}",
	     "record.claims.time.start"},
	    {"{\"time\":{\"start\":\"2026-01-03\",\"end\":\"2026-01-02\"}}",
	     "record.claims.time.end"},
	    {"{\"time\":{\"start\":\"2026-01-03\"}}", "record.claims.time.end"},
	    {"{\"time\":[]}", "record.claims.time"},
	    {"{\"place\":{\"place\":7}}", "record.claims.place.place"},
	    {"{\"type\":{\"type\":\"battle\",\"subtype\":1}}",
	     "record.claims.type.subtype"},
	    {"{\"initiators\":{\"actors\":[]}}",
	     "record.claims.initiators.actors"},
	    {"{\"targets\":{\"actors\":[{\"inter\":\"civilians\"}]}}",
	     "record.claims.targets.actors[0].name"},
	    {"{\"initiators\":{\"actors\":[{\"name\":\"Ganj\\u00e9\"},"
	     "{\"name\":[]}]}}",
	     "record.claims.initiators.actors[1].name"},
	    {"{\"characterization\":{\"lang\":\"en\"}}",
	     "record.claims.characterization.text"},
	    {CIV("{\"low\":40,\"best\":12}"),
	     "record.claims.casualties.civilians.low: must not exceed best "
	     "(40 > 12)"},
	    {CIV("{}"), "record.claims.casualties.civilians"},
	    {CIV("{\"best\":-1}"), "record.claims.casualties.civilians.best"},
	    {CIV("{\"high\":10000001}"),
	     "record.claims.casualties.civilians.high"},
	    {CIV("{\"best\":\"5\"}"),
	     "record.claims.casualties.civilians.best"},
	    {"{\"casualties\":{\"military\":[{\"best\":1}]}}",
	     "record.claims.casualties.military[0].side"},
	    {"{\"casualties\":{\"military\":{}}}",
	     "record.claims.casualties.military"},
	    {"{\"relations\":[{\"type\":\"before\"}]}",
	     "record.claims.relations[0].event"},
	    {"[]", "record.claims"},
	};
	char msg[PX_ERR_MSG_MAX], want[300];
	json_t *a;
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(cases); i++) {
		int rc = compare_bad(cases[i].claims, NULL, msg, sizeof(msg));

		snprintf(want, sizeof(want), "account \"account-bad\": %s",
			 cases[i].path);
		if (rc != PX_EINVAL || strstr(msg, want) == NULL)
			fprintf(stderr, "  case %zu: rc %d, \"%s\"\n", i, rc,
				msg);
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(strstr(msg, want) != NULL);
	}
	/* The envelope of the store record itself. */
	a = acct("account-bad", "party-b", 2, NULL);
	json_object_set_new(json_object_get(a, "record"), "event",
			    json_string("event-other"));
	CHECK_EQ_INT(compare_bad(NULL, a, msg, sizeof(msg)), PX_EINVAL);
	CHECK(strstr(msg, "account \"account-bad\": record.event") != NULL);
	a = acct("account-bad", "party-b", 2, NULL);
	json_object_set_new(a, "index", json_integer(-3));
	CHECK_EQ_INT(compare_bad(NULL, a, msg, sizeof(msg)), PX_EINVAL);
	CHECK(strstr(msg, "account \"account-bad\": index") != NULL);
	a = acct("account-bad", "party-b", 2, NULL);
	json_object_set_new(a, "record", json_string("x"));
	CHECK_EQ_INT(compare_bad(NULL, a, msg, sizeof(msg)), PX_EINVAL);
	CHECK(strstr(msg, "account \"account-bad\": record") != NULL);
	CHECK_EQ_INT(compare_bad(NULL, json_string("x"), msg, sizeof(msg)),
		     PX_EINVAL);
	CHECK(strstr(msg, "accounts[1]: must be an object") != NULL);
	CHECK_EQ_INT(
	    compare_bad(NULL, json_pack("{s:i}", "id", 3), msg, sizeof(msg)),
	    PX_EINVAL);
	CHECK(strstr(msg, "accounts[1].id") != NULL);
	{
		json_t *out = NULL, *notarr = json_object();
		struct px_err err;

		CHECK_EQ_INT(cmp_event(notarr, NULL, &out, &err), PX_EINVAL);
		CHECK(out == NULL);
		json_decref(notarr);
	}
}

/* Allocation failures give PX_ENOMEM and nothing else (ASan: no leak). */
TEST(alloc_failure)
{
	json_t *arr = json_array(), *out = NULL, *ref = NULL;
	struct px_err err;
	unsigned long n;
	int rc, done = 0;

	json_array_append_new(
	    arr,
	    acct("account-a", "party-a", 1,
		 "{\"time\":{\"start\":\"2026-01-01\",\"end\":\"2026-01-02\","
		 "\"precision\":\"day\"},\"initiators\":{\"actors\":"
		 "[{\"name\":\"Ağdam battalion\"}]},\"casualties\":"
		 "{\"civilians\":{\"best\":3},\"military\":[{\"side\":"
		 "\"A\",\"low\":1}]},\"relations\":[{\"type\":\"before\","
		 "\"event\":\"event-x\"}],\"type\":{\"type\":\"battle\"},"
		 "\"place\":{\"place\":\"place-1\",\"precision\":"
		 "\"exact\"},\"characterization\":{\"text\":\"t\","
		 "\"lang\":\"en\"}}"));
	json_array_append_new(
	    arr,
	    acct("account-b", "party-b", 2,
		 "{\"time\":{\"start\":\"2026-01-02\",\"end\":\"2026-01-02\","
		 "\"precision\":\"day\"},\"initiators\":{\"actors\":"
		 "[{\"name\":\"Aghdam battalion\"}]},\"casualties\":"
		 "{\"civilians\":{\"best\":30},\"military\":[{\"side\":"
		 "\"a\",\"low\":1}]},\"relations\":[{\"type\":\"after\","
		 "\"event\":\"event-x\"}],\"type\":{\"type\":\"battle\"},"
		 "\"place\":{\"place\":\"place-1\",\"precision\":"
		 "\"exact\"},\"characterization\":{\"text\":\"u\","
		 "\"lang\":\"en\"}}"));
	REQUIRE(cmp_event(arr, NULL, &ref, &err) == 0);
	CHECK_EQ_STR(status_of(ref, "initiators"), "agreed");
	CHECK_EQ_STR(status_of(ref, "casualties.civilians"), "disputed");
	CHECK_EQ_STR(status_of(ref, "casualties.military.A"), "agreed");
	for (n = 1; n < 2000 && !done; n++) {
		px_alloc_fail_at(n, 0);
		rc = cmp_event(arr, NULL, &out, &err);
		px_alloc_fail_at(0, 0);
		CHECK(rc == 0 || rc == PX_ENOMEM);
		if (rc == 0) {
			CHECK(json_equal(out, ref));
			json_decref(out);
			done = 1;
		} else {
			CHECK(out == NULL);
		}
	}
	CHECK(done);
	/* Many allocations were made to fail before one run succeeded. */
	CHECK(n > 20);
	json_decref(ref);
	json_decref(arr);
}

TEST_MAIN(TEST_ENTRY(casualties_model_example), TEST_ENTRY(casualty_bounds),
	  TEST_ENTRY(casualty_categories), TEST_ENTRY(time_intervals),
	  TEST_ENTRY(places_contain), TEST_ENTRY(event_type),
	  TEST_ENTRY(actors_same_set),
	  TEST_ENTRY(characterization_side_by_side), TEST_ENTRY(relations),
	  TEST_ENTRY(order_and_shape), TEST_ENTRY(withdrawn_and_empty),
	  TEST_ENTRY(malformed_accounts), TEST_ENTRY(alloc_failure))
