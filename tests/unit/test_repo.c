/*
 * test_repo.c - the data directory and its one write path (src/repo/):
 * creating and opening, custodial and non-custodial filing, revisions and
 * withdrawals, every refusal answered with its code and message and nothing
 * written, group commit under concurrent submitters, exactly one winner
 * among concurrent revisions, the store catching up with the log on open,
 * blobs, and the reindex-equivalence test: after a seeded random sequence
 * of writes, a store rebuilt from the log answers a fixed set of queries
 * byte for byte as the store built while writing.
 */
#define _GNU_SOURCE
#include "log/note.h"
#include "log/tile.h"
#include "repo/repo.h"
#include "test.h"

#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers. */

static int rm_cb(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char tmproot[128];
static char dirbuf[192];

static void remove_tmproot(void)
{
	if (tmproot[0])
		nftw(tmproot, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	tmproot[0] = '\0';
}

/* A fresh, not yet created, data directory on a tmpfs when there is one. */
static const char *fresh_dir(void)
{
	static int registered;
	const char *base = getenv("PX_TEST_TMPDIR");

	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	if (!registered)
		registered = atexit(remove_tmproot) == 0;
	remove_tmproot();
	snprintf(tmproot, sizeof(tmproot), "%s/pxtest-repo-XXXXXX", base);
	if (!mkdtemp(tmproot))
		abort();
	snprintf(dirbuf, sizeof(dirbuf), "%s/data", tmproot);
	return dirbuf;
}

static struct repo *open_repo(const char *dir)
{
	struct repo_options opt;
	struct px_err err;
	struct repo *r = NULL;

	memset(&opt, 0, sizeof(opt));
	if (repo_open(dir, &opt, &r, &err) != 0) {
		fprintf(stderr, "repo_open: %s\n", err.msg);
		return NULL;
	}
	return r;
}

static struct repo *create_open(void)
{
	const char *dir = fresh_dir();
	struct px_err err;

	if (repo_create(dir, "example.org/test", &err) != 0) {
		fprintf(stderr, "repo_create: %s\n", err.msg);
		return NULL;
	}
	return open_repo(dir);
}

static uint64_t log_len(struct repo *r)
{
	return log_size(repo_log(r));
}

/* File the JSON made from fmt as `as`; the result's rc. */
static int file_fmt(struct repo *r, const char *as, struct repo_result *res,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int file_fmt(struct repo *r, const char *as, struct repo_result *res,
		    const char *fmt, ...)
{
	char json[8192];
	struct px_err err;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	rc = repo_file(r, json, strlen(json), as, res, &err);
	if (rc == 0)
		CHECK_EQ_INT(res->rc, 0);
	return rc;
}

static int register_party(struct repo *r, const char *name, char id[80])
{
	char json[512];
	struct repo_result res;
	struct px_err err;
	int rc;

	snprintf(json, sizeof(json),
		 "{\"name\":\"%s\",\"type\":\"ombudsperson\"}", name);
	rc = repo_register_party(r, json, strlen(json), &res, &err);
	if (rc) {
		fprintf(stderr, "register %s: %s\n", name, err.msg);
		return rc;
	}
	snprintf(id, 80, "%s", res.id);
	return 0;
}

static int add_place(struct repo *r, const char *as, const char *name,
		     char id[80])
{
	struct repo_result res;
	int rc = file_fmt(r, as, &res,
			  "{\"kind\":\"place\",\"type\":\"settlement\","
			  "\"names\":[{\"name\":\"%s\",\"lang\":\"en\","
			  "\"script\":\"Latn\"}]}",
			  name);
	if (rc)
		fprintf(stderr, "place %s: %s\n", name, res.message);
	snprintf(id, 80, "%s", res.id);
	return rc;
}

static int add_event(struct repo *r, const char *as, const char *title,
		     const char *place, char id[80])
{
	struct repo_result res;
	int rc = file_fmt(r, as, &res,
			  "{\"kind\":\"event\",\"title\":\"%s\","
			  "\"type\":\"battle\",\"time\":{\"start\":"
			  "\"2026-01-03\",\"end\":\"2026-01-04\","
			  "\"precision\":\"day\"},\"place\":{\"place\":"
			  "\"%s\",\"precision\":\"exact\"}}",
			  title, place);
	if (rc)
		fprintf(stderr, "event %s: %s\n", title, res.message);
	snprintf(id, 80, "%s", res.id);
	return rc;
}

static json_t *get_record(struct repo *r, const char *id, int history)
{
	struct px_err err;
	json_t *v = NULL;

	if (store_get(repo_store(r), id, history, &v, &err) != 0)
		return NULL;
	return v;
}

static const char *rec_str(json_t *rec, const char *member)
{
	json_t *inner = json_object_get(rec, "record");
	return json_string_value(json_object_get(inner, member));
}

/* ---- create and open. */

TEST(test_create_open)
{
	const char *dir = fresh_dir();
	struct repo_options opt;
	struct repo_result res;
	struct px_err err;
	struct repo *r;
	struct stat sb;
	char path[300];

	REQUIRE(repo_create(dir, "example.org/test", &err) == 0);
	CHECK_EQ_INT(repo_create(dir, "example.org/test", &err), PX_EEXIST);
	snprintf(path, sizeof(path), "%s/keys/parties", dir);
	REQUIRE(stat(path, &sb) == 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/blobs", dir);
	CHECK(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	CHECK(stat(path, &sb) == 0);

	r = open_repo(dir);
	REQUIRE(r != NULL);
	CHECK(repo_log(r) != NULL);
	CHECK_EQ_INT(log_len(r), 0);
	CHECK_EQ_INT(store_applied(repo_store(r)), 0);
	CHECK_EQ_STR(repo_operator_key(r)->name, "example.org/test");
	CHECK_EQ_STR(repo_dir(r), dir);
	/* One process at a time: the log locks the directory. */
	{
		struct repo *r2 = NULL;
		memset(&opt, 0, sizeof(opt));
		CHECK(repo_open(dir, &opt, &r2, &err) < 0);
		CHECK(r2 == NULL);
	}
	repo_close(r);

	/* Read-only: the store alone; writes are refused. */
	memset(&opt, 0, sizeof(opt));
	opt.read_only = 1;
	REQUIRE(repo_open(dir, &opt, &r, &err) == 0);
	CHECK(repo_log(r) == NULL);
	CHECK(repo_store(r) != NULL);
	CHECK_EQ_STR(repo_operator_key(r)->name, "example.org/test");
	{
		static const char reg[] = "{\"name\":\"X\",\"type\":\"ngo\"}";
		CHECK_EQ_INT(
		    repo_register_party(r, reg, strlen(reg), &res, &err),
		    PX_EUSAGE);
	}
	repo_close(r);

	CHECK_EQ_INT(repo_open("/nonexistent/parallax", NULL, &r, &err),
		     PX_ENOTFOUND);
}

/* ---- custodial filing. */

TEST(test_custodial)
{
	struct repo *r = create_open();
	char party[80], place[80], event[80], path[400];
	struct repo_result res;
	struct px_err err;
	struct stat sb;
	const char *key;
	json_t *v;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Office of the Ombudsperson of Northland",
			       party) == 0);
	CHECK(strncmp(party, "party-", 6) == 0);
	CHECK(repo_holds_key(r, party));
	CHECK(!repo_holds_key(r, "party-0000000000000000000000000000000000"
				 "000000000000000000000000000000"));
	CHECK(!repo_holds_key(r, "../../etc/passwd"));
	snprintf(path, sizeof(path), "%s/keys/parties/%s.key", repo_dir(r),
		 party);
	REQUIRE(stat(path, &sb) == 0);
	CHECK_EQ_INT(sb.st_mode & 0777, 0600);
	v = get_record(r, party, 0);
	REQUIRE(v != NULL);
	key = rec_str(v, "key");
	REQUIRE(key != NULL);
	/* The generated key is named after the party. */
	CHECK(strncmp(key, "office-of-the-ombudsperson-of-northland-", 40) ==
	      0);
	CHECK(json_object_get(json_object_get(v, "record"), "filed_by") ==
	      NULL);
	CHECK_EQ_INT(json_integer_value(json_object_get(v, "index")), 0);
	json_decref(v);

	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	REQUIRE(add_event(r, party, "Shelling of the market", place, event) ==
		0);
	REQUIRE(file_fmt(r, party, &res,
			 "{\"kind\":\"account\",\"event\":\"%s\","
			 "\"narrative\":{\"text\":\"Shells fell on the "
			 "market.\",\"lang\":\"en\"},\"claims\":{"
			 "\"casualties\":{\"civilians\":{\"low\":3,"
			 "\"best\":4}}}}",
			 event) == 0);
	CHECK_EQ_INT(res.index, 3);
	CHECK(res.kind == REC_ACCOUNT);
	CHECK_EQ_STR(res.id, res.revision);
	CHECK_EQ_INT(log_len(r), 4);
	CHECK_EQ_INT(store_applied(repo_store(r)), 4);

	v = get_record(r, res.id, 0);
	REQUIRE(v != NULL);
	CHECK_EQ_STR(rec_str(v, "filed_by"), party);
	CHECK_EQ_STR(rec_str(v, "event"), event);
	CHECK(rec_str(v, "filed_at") != NULL);
	CHECK_EQ_INT(json_integer_value(
			 json_object_get(json_object_get(v, "record"), "v")),
		     1);
	json_decref(v);

	/* The entry in the log is a signed note by the party's key. */
	{
		struct px_buf b;
		struct note_verifier pv;
		struct note n;
		px_buf_init(&b, LOG_ENTRY_MAX);
		REQUIRE(log_entry(repo_log(r), 3, &b, &err) == 0);
		REQUIRE(store_party_key(repo_store(r), party, &pv, &err) == 0);
		CHECK(note_open(b.data, b.len, &pv, 1, &n, &err) == 0);
		note_release(&n);
		CHECK(note_open(b.data, b.len, repo_operator_key(r), 1, &n,
				&err) == PX_EVERIFY);
		px_buf_release(&b);
	}

	/* An explicit filed_at is kept; a json filed_by wins over as_party. */
	REQUIRE(file_fmt(r, NULL, &res,
			 "{\"kind\":\"place\",\"type\":\"settlement\","
			 "\"filed_by\":\"%s\",\"filed_at\":"
			 "\"2026-02-03T04:05:06Z\",\"names\":[{\"name\":"
			 "\"Hilltop\",\"lang\":\"en\",\"script\":\"Latn\"}]}",
			 party) == 0);
	v = get_record(r, res.id, 0);
	REQUIRE(v != NULL);
	CHECK_EQ_STR(rec_str(v, "filed_at"), "2026-02-03T04:05:06Z");
	json_decref(v);
	repo_close(r);
}

TEST(test_revise_withdraw)
{
	struct repo *r = create_open();
	char party[80], other[80], place[80], event[80], first_rev[80];
	struct repo_result res;
	struct px_err err;
	char json[1024];
	uint64_t size;
	json_t *v;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	REQUIRE(register_party(r, "Southland Monitors", other) == 0);
	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	REQUIRE(add_event(r, party, "Shelling of the market", place, event) ==
		0);
	snprintf(first_rev, sizeof(first_rev), "%s", event);

	/* A revision: kind and revises filled in. */
	snprintf(json, sizeof(json),
		 "{\"title\":\"Shelling near the bridge\",\"type\":\"battle\","
		 "\"time\":{\"start\":\"2026-01-03\",\"end\":\"2026-01-05\","
		 "\"precision\":\"day\"},\"place\":{\"place\":\"%s\","
		 "\"precision\":\"near\"}}",
		 place);
	REQUIRE(repo_revise(r, event, NULL, json, strlen(json), party, &res,
			    &err) == 0);
	CHECK_EQ_STR(res.id, event);
	CHECK(strcmp(res.revision, event) != 0);
	CHECK_EQ_INT(res.index, 4);
	v = get_record(r, event, 1);
	REQUIRE(v != NULL);
	CHECK_EQ_STR(rec_str(v, "title"), "Shelling near the bridge");
	CHECK_EQ_STR(rec_str(v, "revises"), first_rev);
	CHECK_EQ_STR(json_string_value(json_object_get(v, "revision")),
		     res.revision);
	CHECK_EQ_INT(json_array_size(json_object_get(v, "history")), 2);
	json_decref(v);

	/* A stale edit: expected_revision is the first revision. */
	size = log_len(r);
	CHECK_EQ_INT(repo_revise(r, event, first_rev, json, strlen(json), party,
				 &res, &err),
		     PX_ECONFLICT);
	CHECK_EQ_INT(res.rc, PX_ECONFLICT);
	CHECK(strstr(res.message, "stale") != NULL);
	CHECK_EQ_STR(err.msg, res.message);
	CHECK_EQ_INT(log_len(r), size);

	/* Another party may not revise or withdraw it. */
	CHECK_EQ_INT(
	    repo_revise(r, event, NULL, json, strlen(json), other, &res, &err),
	    PX_EVERIFY);
	CHECK(strstr(res.message, "only the owner") != NULL);
	CHECK_EQ_INT(repo_withdraw(r, event, "not ours", other, &res, &err),
		     PX_EVERIFY);
	CHECK(strstr(res.message, "only the owner") != NULL);
	CHECK_EQ_INT(log_len(r), size);

	/* The owner withdraws it; the record stays, withdrawn. */
	REQUIRE(repo_withdraw(r, event, "filed against the wrong place", party,
			      &res, &err) == 0);
	CHECK_EQ_STR(res.id, event);
	v = get_record(r, event, 1);
	REQUIRE(v != NULL);
	CHECK(json_is_true(json_object_get(v, "withdrawn")));
	CHECK_EQ_STR(json_string_value(json_object_get(
			 json_object_get(v, "withdrawal"), "reason")),
		     "filed against the wrong place");
	CHECK_EQ_STR(rec_str(v, "title"), "Shelling near the bridge");
	CHECK_EQ_INT(json_array_size(json_object_get(v, "history")), 3);
	json_decref(v);

	/* A withdrawn record is not revived. */
	size = log_len(r);
	CHECK_EQ_INT(
	    repo_revise(r, event, NULL, json, strlen(json), party, &res, &err),
	    PX_ECONFLICT);
	CHECK(strstr(res.message, "withdrawn") != NULL);
	CHECK_EQ_INT(repo_withdraw(r, event, "again", party, &res, &err),
		     PX_ECONFLICT);
	CHECK_EQ_INT(log_len(r), size);

	/* Revising an unknown record. */
	CHECK_EQ_INT(repo_revise(r,
				 "event-00000000000000000000000000000000000000"
				 "00000000000000000000000000",
				 NULL, json, strlen(json), party, &res, &err),
		     PX_ENOTFOUND);
	CHECK_EQ_INT(repo_revise(r, "nonsense", NULL, json, strlen(json), party,
				 &res, &err),
		     PX_EINVAL);
	CHECK_EQ_INT(log_len(r), size);
	repo_close(r);
}

/* ---- a party that holds its own key. */

TEST(test_non_custodial)
{
	struct repo *r = create_open();
	char *skey = NULL, *vkey = NULL, json[1024], place[80], party[80];
	struct note_signer s, other_s;
	struct repo_result res;
	struct px_buf note;
	struct px_err err;
	struct rec rec;
	uint64_t size;

	REQUIRE(r != NULL);
	REQUIRE(note_key_generate("field.example", NOTE_ALG_ED25519, &skey,
				  &vkey, &err) == 0);
	REQUIRE(note_signer_parse(skey, strlen(skey), &s, &err) == 0);
	snprintf(
	    json, sizeof(json),
	    "{\"name\":\"Field Monitors\",\"type\":\"ngo\",\"key\":\"%s\"}",
	    vkey);
	REQUIRE(repo_register_party(r, json, strlen(json), &res, &err) == 0);
	snprintf(party, sizeof(party), "%s", res.id);
	CHECK(!repo_holds_key(r, party));

	/* Custodial filing for it is impossible: the operator has no key. */
	size = log_len(r);
	CHECK_EQ_INT(file_fmt(r, party, &res,
			      "{\"kind\":\"place\",\"type\":\"settlement\","
			      "\"names\":[{\"name\":\"Riverton\",\"lang\":"
			      "\"en\",\"script\":\"Latn\"}]}"),
		     PX_ENOTFOUND);
	CHECK(strstr(res.message, "holds no signer key") != NULL);
	CHECK_EQ_INT(log_len(r), size);

	/* The party signs its own entry. */
	snprintf(
	    json, sizeof(json),
	    "{\"v\":1,\"kind\":\"place\",\"filed_by\":\"%s\","
	    "\"filed_at\":\"2026-01-02T00:00:00Z\",\"type\":\"settlement\","
	    "\"names\":[{\"name\":\"Riverton\",\"lang\":\"en\","
	    "\"script\":\"Latn\"}]}",
	    party);
	REQUIRE(rec_parse(json, strlen(json), NULL, &rec, &err) == 0);
	REQUIRE(px_buf_addc(&rec.canon, '\n') == 0);
	px_buf_init(&note, LOG_ENTRY_MAX);
	REQUIRE(note_sign((char *)rec.canon.data, rec.canon.len, &s, 1, &note,
			  &err) == 0);
	REQUIRE(repo_submit_entry(r, note.data, note.len, &res, &err) == 0);
	CHECK_EQ_STR(res.id, rec.info.id);
	CHECK_EQ_INT(res.index, size);
	CHECK(res.kind == REC_PLACE);
	rec_release(&rec);

	/* The same entry again is a duplicate. */
	size = log_len(r);
	CHECK_EQ_INT(repo_submit_entry(r, note.data, note.len, &res, &err),
		     PX_EEXIST);
	CHECK_EQ_INT(res.rc, PX_EEXIST);
	CHECK_EQ_INT(log_len(r), size);

	/* Signed with a key of the same name that is not the party's. */
	{
		char *sk2 = NULL, *vk2 = NULL;
		REQUIRE(note_key_generate("field.example", NOTE_ALG_ED25519,
					  &sk2, &vk2, &err) == 0);
		REQUIRE(note_signer_parse(sk2, strlen(sk2), &other_s, &err) ==
			0);
		px_free(sk2);
		px_free(vk2);
	}
	snprintf(
	    json, sizeof(json),
	    "{\"v\":1,\"kind\":\"place\",\"filed_by\":\"%s\","
	    "\"filed_at\":\"2026-01-02T00:00:01Z\",\"type\":\"settlement\","
	    "\"names\":[{\"name\":\"Hilltop\",\"lang\":\"en\","
	    "\"script\":\"Latn\"}]}",
	    party);
	REQUIRE(rec_parse(json, strlen(json), NULL, &rec, &err) == 0);
	REQUIRE(px_buf_addc(&rec.canon, '\n') == 0);
	px_buf_reset(&note);
	REQUIRE(note_sign((char *)rec.canon.data, rec.canon.len, &other_s, 1,
			  &note, &err) == 0);
	CHECK_EQ_INT(repo_submit_entry(r, note.data, note.len, &res, &err),
		     PX_EVERIFY);
	CHECK_EQ_INT(log_len(r), size);
	/* ... and with the right one it goes in. */
	px_buf_reset(&note);
	REQUIRE(note_sign((char *)rec.canon.data, rec.canon.len, &s, 1, &note,
			  &err) == 0);
	CHECK_EQ_INT(repo_submit_entry(r, note.data, note.len, &res, &err), 0);
	CHECK_EQ_INT(log_len(r), size + 1);
	rec_release(&rec);

	/* Registering with a signer key the caller knows: custodial. */
	snprintf(json, sizeof(json),
		 "{\"name\":\"Known Key Party\",\"type\":\"media\"}");
	REQUIRE(repo_register_party_with_key(r, json, strlen(json), skey, &res,
					     &err) == 0);
	CHECK(repo_holds_key(r, res.id));
	{
		json_t *v = get_record(r, res.id, 0);
		REQUIRE(v != NULL);
		CHECK_EQ_STR(rec_str(v, "key"), vkey);
		json_decref(v);
		CHECK_EQ_INT(add_place(r, res.id, "Stonebridge", place), 0);
	}
	/* A "key" that is not the signer's verifier is refused. */
	snprintf(json, sizeof(json),
		 "{\"name\":\"Mismatch\",\"type\":\"media\",\"key\":\"%s\"}",
		 vkey);
	{
		char *sk3 = NULL, *vk3 = NULL;
		REQUIRE(note_key_generate("other.example", NOTE_ALG_ED25519,
					  &sk3, &vk3, &err) == 0);
		size = log_len(r);
		CHECK_EQ_INT(repo_register_party_with_key(r, json, strlen(json),
							  sk3, &res, &err),
			     PX_EINVAL);
		CHECK(strstr(res.message, "key:") != NULL);
		CHECK_EQ_INT(log_len(r), size);
		px_free(sk3);
		px_free(vk3);
	}
	repo_close(r);
	px_buf_release(&note);
	note_signer_wipe(&s);
	note_signer_wipe(&other_s);
	px_free(skey);
	px_free(vkey);
}

/* ---- refusals: each with its code and message, and nothing written. */

struct refusal {
	const char *what;
	int rc;
	const char *msg; /* a part of the message */
};

TEST(test_refusals)
{
	struct repo *r = create_open();
	char party[80], other[80], place[80], event[80], json[2048];
	struct repo_result res;
	struct px_err err;
	struct store *st;
	uint64_t size, applied;
	int rc;

	REQUIRE(r != NULL);
	st = repo_store(r);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	REQUIRE(register_party(r, "Southland Monitors", other) == 0);
	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	REQUIRE(add_event(r, party, "Shelling of the market", place, event) ==
		0);
	size = log_len(r);
	applied = store_applied(st);
	CHECK_EQ_INT(size, applied);

#define REFUSED(call, code, part)                                              \
	do {                                                                   \
		memset(&res, 0x55, sizeof(res));                               \
		rc = (call);                                                   \
		CHECK_EQ_INT(rc, code);                                        \
		CHECK_EQ_INT(res.rc, code);                                    \
		if (!strstr(res.message, part)) {                              \
			fprintf(stderr, "message \"%s\" lacks \"%s\"\n",       \
				res.message, part);                            \
			CHECK(0);                                              \
		}                                                              \
		CHECK_EQ_INT(log_len(r), size);                                \
		CHECK_EQ_INT(store_applied(st), applied);                      \
	} while (0)

	/* Bad JSON, invalid UTF-8, unknown members, values out of range. */
	REFUSED(repo_file(r, "{\"kind\":", 8, party, &res, &err), PX_EINVAL,
		"invalid JSON");
	REFUSED(repo_file(r, "[1]", 3, party, &res, &err), PX_EINVAL,
		"JSON object");
	snprintf(
	    json, sizeof(json),
	    "{\"kind\":\"place\",\"type\":\"settlement\",\"names\":[{"
	    "\"name\":\"Bad \xc3\",\"lang\":\"en\",\"script\":\"Latn\"}]}");
	REFUSED(repo_file(r, json, strlen(json), party, &res, &err), PX_EINVAL,
		"names[0].name: invalid JSON");
	snprintf(
	    json, sizeof(json),
	    "{\"kind\":\"place\",\"type\":\"settlement\",\"colour\":\"red\","
	    "\"names\":[{\"name\":\"X\",\"lang\":\"en\",\"script\":"
	    "\"Latn\"}]}");
	REFUSED(repo_file(r, json, strlen(json), party, &res, &err), PX_EINVAL,
		"colour: unknown field");
	snprintf(json, sizeof(json),
		 "{\"kind\":\"account\",\"event\":\"%s\",\"narrative\":{"
		 "\"text\":\"t\",\"lang\":\"en\"},\"claims\":{\"casualties\":"
		 "{\"civilians\":{\"low\":40,\"best\":12}}}}",
		 event);
	REFUSED(repo_file(r, json, strlen(json), party, &res, &err), PX_EINVAL,
		"claims.casualties.civilians.low: must not exceed best");
	/* A record that needs a filer, filed by nobody. */
	snprintf(json, sizeof(json),
		 "{\"kind\":\"place\",\"type\":\"settlement\",\"names\":[{"
		 "\"name\":\"X\",\"lang\":\"en\",\"script\":\"Latn\"}]}");
	REFUSED(repo_file(r, json, strlen(json), NULL, &res, &err), PX_EINVAL,
		"filed_by");
	/* An unknown party. */
	REFUSED(repo_file(r, json, strlen(json),
			  "party-0000000000000000000000000000000000000000000000"
			  "000000000000000000",
			  &res, &err),
		PX_ENOTFOUND, "no signer key");
	/* A reference to a record that does not exist. */
	snprintf(
	    json, sizeof(json),
	    "{\"kind\":\"event\",\"title\":\"T\",\"type\":\"battle\","
	    "\"time\":{\"start\":\"2026-01-03\",\"end\":\"2026-01-04\","
	    "\"precision\":\"day\"},\"place\":{\"place\":\"place-"
	    "00000000000000000000000000000000000000000000000000000000000000"
	    "00\",\"precision\":\"exact\"}}");
	REFUSED(repo_file(r, json, strlen(json), party, &res, &err), PX_EINVAL,
		"place.place: no place record");
	/* A duplicate: the same bytes filed twice. */
	snprintf(json, sizeof(json),
		 "{\"kind\":\"place\",\"type\":\"settlement\",\"filed_at\":"
		 "\"2026-01-02T00:00:00Z\",\"names\":[{\"name\":\"Twice\","
		 "\"lang\":\"en\",\"script\":\"Latn\"}]}");
	REQUIRE(repo_file(r, json, strlen(json), party, &res, &err) == 0);
	size = log_len(r);
	applied = store_applied(st);
	REFUSED(repo_file(r, json, strlen(json), party, &res, &err), PX_EEXIST,
		"");
	/* An entry too large for the log. */
	{
		static char big[LOG_ENTRY_MAX + 100];
		size_t n;
		n = (size_t)snprintf(big, sizeof(big),
				     "{\"kind\":\"source\",\"type\":\"report\","
				     "\"title\":\"T\",\"author\":\"");
		memset(big + n, 'a', LOG_ENTRY_MAX - n);
		n = LOG_ENTRY_MAX;
		memcpy(big + n, "\"}", 3);
		REFUSED(repo_file(r, big, n + 2, party, &res, &err), PX_ETOOBIG,
			"");
		REFUSED(repo_submit_entry(r, (uint8_t *)big, sizeof(big), &res,
					  &err),
			PX_ETOOBIG, "");
	}
	/* Not a signed note; a note signed by nobody the store knows. */
	REFUSED(repo_submit_entry(r, (const uint8_t *)"hello\n", 6, &res, &err),
		PX_EVERIFY, "");
	{
		char *sk = NULL, *vk = NULL;
		struct note_signer s;
		struct px_buf note;
		px_buf_init(&note, LOG_ENTRY_MAX);
		REQUIRE(note_key_generate("forger.example", NOTE_ALG_ED25519,
					  &sk, &vk, &err) == 0);
		REQUIRE(note_signer_parse(sk, strlen(sk), &s, &err) == 0);
		snprintf(json, sizeof(json),
			 "{\"filed_at\":\"2026-01-02T00:00:00Z\",\"kind\":"
			 "\"place\",\"filed_by\":\"%s\",\"names\":[{\"lang\":"
			 "\"en\",\"name\":\"Forged\",\"script\":\"Latn\"}],"
			 "\"type\":\"settlement\",\"v\":1}\n",
			 party);
		REQUIRE(note_sign(json, strlen(json), &s, 1, &note, &err) == 0);
		REFUSED(repo_submit_entry(r, note.data, note.len, &res, &err),
			PX_EVERIFY, "");
		/* A registration not signed by the operator. */
		snprintf(
		    json, sizeof(json),
		    "{\"filed_at\":\"2026-01-02T00:00:00Z\",\"key\":\"%s\","
		    "\"kind\":\"party\",\"name\":\"Self-made\",\"type\":"
		    "\"ngo\",\"v\":1}\n",
		    vk);
		px_buf_reset(&note);
		REQUIRE(note_sign(json, strlen(json), &s, 1, &note, &err) == 0);
		REFUSED(repo_submit_entry(r, note.data, note.len, &res, &err),
			PX_EVERIFY, "");
		note_signer_wipe(&s);
		px_free(sk);
		px_free(vk);
		px_buf_release(&note);
	}
	/* Registrations that cannot be: a filer, another kind, a key that
	 * is not the signer's. */
	snprintf(json, sizeof(json),
		 "{\"name\":\"N\",\"type\":\"ngo\",\"filed_by\":\"%s\"}",
		 party);
	REFUSED(repo_register_party(r, json, strlen(json), &res, &err),
		PX_EINVAL, "filed_by");
	REFUSED(repo_register_party(r, "{\"kind\":\"event\"}", 16, &res, &err),
		PX_EINVAL, "kind");
	REFUSED(repo_register_party(r, "{\"name\":\"N\"}", 12, &res, &err),
		PX_EINVAL, "type");
	REFUSED(repo_withdraw(r, event, NULL, party, &res, &err), PX_EINVAL,
		"reason");
	/* No stray key files from the refused registrations. */
	{
		char path[400];
		snprintf(path, sizeof(path), "%s/keys/parties", repo_dir(r));
		struct stat sb;
		CHECK(stat(path, &sb) == 0 && sb.st_nlink == 2);
	}
#undef REFUSED
	repo_close(r);
}

/* ---- group commit under concurrent submitters. */

#define NTHREADS 6
#define PER_THREAD 40

struct worker {
	struct repo *r;
	const char *party;
	int n;
	int ok;
	uint64_t index[PER_THREAD];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++) {
		char name[64], id[80];
		struct repo_result res;
		char json[512];
		struct px_err err;
		snprintf(name, sizeof(name), "Village %d-%d", w->n, i);
		snprintf(json, sizeof(json),
			 "{\"kind\":\"place\",\"type\":\"settlement\","
			 "\"names\":[{\"name\":\"%s\",\"lang\":\"en\","
			 "\"script\":\"Latn\"}]}",
			 name);
		if (repo_file(w->r, json, strlen(json), w->party, &res, &err) ==
		    0) {
			w->ok++;
			w->index[i] = res.index;
			snprintf(id, sizeof(id), "%s", res.id);
		} else {
			fprintf(stderr, "thread %d: %s\n", w->n, err.msg);
		}
	}
	return NULL;
}

TEST(test_concurrent)
{
	struct repo *r = create_open();
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	struct repo_stats stats;
	char party[80];
	uint8_t *seen;
	uint64_t total = NTHREADS * PER_THREAD, i;
	int k, j;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	for (k = 0; k < NTHREADS; k++) {
		memset(&w[k], 0, sizeof(w[k]));
		w[k].r = r;
		w[k].party = party;
		w[k].n = k;
		REQUIRE(pthread_create(&t[k], NULL, worker_main, &w[k]) == 0);
	}
	for (k = 0; k < NTHREADS; k++)
		pthread_join(t[k], NULL);
	seen = calloc(total + 1, 1);
	REQUIRE(seen != NULL);
	for (k = 0; k < NTHREADS; k++) {
		CHECK_EQ_INT(w[k].ok, PER_THREAD);
		for (j = 0; j < PER_THREAD; j++) {
			uint64_t idx = w[k].index[j];
			CHECK(idx >= 1 && idx <= total);
			if (idx >= 1 && idx <= total) {
				CHECK(!seen[idx]);
				seen[idx] = 1;
			}
			/* Each thread's own writes are in its order. */
			if (j > 0)
				CHECK(idx > w[k].index[j - 1]);
		}
	}
	for (i = 1; i <= total; i++)
		CHECK(seen[i]);
	free(seen);
	CHECK_EQ_INT(log_len(r), total + 1);
	CHECK_EQ_INT(store_applied(repo_store(r)), total + 1);
	repo_stats(r, &stats);
	CHECK_EQ_INT(stats.entries, total + 1);
	CHECK_EQ_INT(stats.accepted, total + 1);
	/* Group commit: submitters waiting together share rounds. */
	printf("     %" PRIu64 " entries in %" PRIu64 " rounds\n",
	       stats.entries, stats.rounds);
	CHECK(stats.rounds < stats.entries);
	repo_close(r);
}

/* ---- two revisions of the same record at once. */

struct reviser {
	struct repo *r;
	const char *id, *expected, *party, *title;
	pthread_barrier_t *go;
	int rc;
};

static void *reviser_main(void *arg)
{
	struct reviser *v = arg;
	struct repo_result res;
	struct px_err err;
	char json[512];

	snprintf(json, sizeof(json),
		 "{\"type\":\"settlement\",\"names\":[{\"name\":\"%s\","
		 "\"lang\":\"en\",\"script\":\"Latn\"}]}",
		 v->title);
	pthread_barrier_wait(v->go);
	v->rc = repo_revise(v->r, v->id, v->expected, json, strlen(json),
			    v->party, &res, &err);
	return NULL;
}

TEST(test_concurrent_revisions)
{
	struct repo *r = create_open();
	char party[80], place[80];
	int round;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	for (round = 0; round < 20; round++) {
		pthread_barrier_t go;
		struct reviser v[2];
		pthread_t t[2];
		char latest[80], t0[32], t1[32];
		uint64_t size = log_len(r);
		json_t *rec = get_record(r, place, 0);
		int k, wins = 0, conflicts = 0;

		REQUIRE(rec != NULL);
		snprintf(latest, sizeof(latest), "%s",
			 json_string_value(json_object_get(rec, "revision")));
		json_decref(rec);
		snprintf(t0, sizeof(t0), "Riverton %d a", round);
		snprintf(t1, sizeof(t1), "Riverton %d b", round);
		pthread_barrier_init(&go, NULL, 2);
		for (k = 0; k < 2; k++) {
			v[k].r = r;
			v[k].id = place;
			/* Both editors saw the same latest revision; on odd
			 * rounds they let the repo look it up. */
			v[k].expected = round % 2 ? NULL : latest;
			v[k].party = party;
			v[k].title = k ? t1 : t0;
			v[k].go = &go;
			pthread_create(&t[k], NULL, reviser_main, &v[k]);
		}
		for (k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		pthread_barrier_destroy(&go);
		for (k = 0; k < 2; k++) {
			wins += v[k].rc == 0;
			conflicts += v[k].rc == PX_ECONFLICT;
		}
		if (round % 2 == 0) {
			CHECK_EQ_INT(wins, 1);
			CHECK_EQ_INT(conflicts, 1);
			CHECK_EQ_INT(log_len(r), size + 1);
		} else {
			/* Looked up separately: either both were in turn
			 * (the second revising the first) or one lost. */
			CHECK(wins == 2 || (wins == 1 && conflicts == 1));
			CHECK_EQ_INT(log_len(r), size + (uint64_t)wins);
		}
	}
	repo_close(r);
}

/* ---- dumps of the store for the equivalence tests. */

static void dump_value(struct px_buf *b, const char *label, int rc, json_t *v)
{
	char *s = v ? json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

	px_buf_addf(b, "%s: %d %s\n", label, rc, s ? s : "-");
	free(s);
	json_decref(v);
}

static void dump_list(struct px_buf *b, struct store *st, const char *label,
		      struct store_query *q, int search)
{
	char cursor[1024] = "";
	int pages;

	q->limit = 7;
	for (pages = 0; pages < 100; pages++) {
		struct px_err err;
		json_t *v = NULL, *next;
		int rc;

		q->cursor = cursor[0] ? cursor : NULL;
		rc = search ? store_search(st, q, &v, &err)
			    : store_list(st, q, &v, &err);
		next = v ? json_object_get(v, "next") : NULL;
		cursor[0] = '\0';
		if (json_is_string(next))
			snprintf(cursor, sizeof(cursor), "%s",
				 json_string_value(next));
		dump_value(b, label, rc, v);
		if (!cursor[0])
			break;
	}
}

/* Everything the store answers about the given ids and fixed filters. */
static char *dump_store(struct store *st, char (*ids)[80], size_t nids,
			const char *party, const char *place, const char *event)
{
	static const char *const words[] = {
	    "market",	   "bridge", "Riverton", "Cayetir",
	    "Степанакерт", "school", "shells"};
	struct store_query q;
	struct px_err err;
	struct px_buf b;
	json_t *v;
	size_t i;
	int k, rc;

	px_buf_init(&b, (size_t)256 << 20);
	for (i = 0; i < nids; i++) {
		v = NULL;
		rc = store_get(st, ids[i], 1, &v, &err);
		dump_value(&b, ids[i], rc, v);
	}
	for (k = -1; k < REC_KIND_COUNT; k++) {
		store_query_init(&q);
		q.kind = k;
		dump_list(&b, st, "kind", &q, 0);
		q.withdrawn = 1;
		dump_list(&b, st, "kind+withdrawn", &q, 0);
	}
	store_query_init(&q);
	q.party = party;
	dump_list(&b, st, "party", &q, 0);
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.place = place;
	dump_list(&b, st, "place", &q, 0);
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.from = "2026-01-04";
	q.to = "2026-02-10";
	q.type = "battle";
	dump_list(&b, st, "window", &q, 0);
	store_query_init(&q);
	q.kind = REC_ACCOUNT;
	q.event = event;
	q.withdrawn = 1;
	dump_list(&b, st, "event", &q, 0);
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.disputed = 1;
	dump_list(&b, st, "disputed", &q, 0);
	for (i = 0; i < PX_ARRAY_LEN(words); i++) {
		store_query_init(&q);
		q.text = words[i];
		dump_list(&b, st, words[i], &q, 1);
		q.withdrawn = 1;
		dump_list(&b, st, words[i], &q, 1);
	}
	v = NULL;
	rc = store_stats(st, &v, &err);
	dump_value(&b, "stats", rc, v);
	return (char *)px_buf_detach(&b, &i);
}

/* Are two dumps the same?  If not, show where they part. */
static int same_dump(const char *a, const char *b)
{
	size_t k = 0;

	if (strcmp(a, b) == 0)
		return 1;
	while (a[k] && a[k] == b[k])
		k++;
	fprintf(stderr, "dumps differ at byte %zu:\n%.400s\n---\n%.400s\n", k,
		a + (k > 100 ? k - 100 : 0), b + (k > 100 ? k - 100 : 0));
	return 0;
}

/* ---- catching up. */

static int copy_file(const char *from, const char *to)
{
	struct px_buf b;
	int rc;

	px_buf_init(&b, (size_t)1 << 30);
	rc = px_read_file(from, &b, NULL);
	if (rc == 0)
		rc = px_write_file_durable(to, b.data, b.len, 0644, NULL);
	px_buf_release(&b);
	return rc;
}

static void remove_store(const char *dir)
{
	static const char *const f[] = {"store.db", "store.db-wal",
					"store.db-shm"};
	char path[400];
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(f); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, f[i]);
		unlink(path);
	}
}

TEST(test_catch_up)
{
	struct repo *r = create_open();
	char ids[12][80], party[80], dir[256], path[400], saved[400];
	char *before, *after;
	size_t n = 0;
	int i;

	REQUIRE(r != NULL);
	snprintf(dir, sizeof(dir), "%s", repo_dir(r));
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	snprintf(ids[n++], 80, "%s", party);
	REQUIRE(add_place(r, party, "Riverton", ids[n]) == 0);
	n++;
	REQUIRE(add_event(r, party, "Shelling of the market", ids[1], ids[n]) ==
		0);
	n++;
	repo_close(r);

	/* A store that is behind: saved now, restored after more writes. */
	snprintf(path, sizeof(path), "%s/store.db", dir);
	snprintf(saved, sizeof(saved), "%s/../store.saved", dir);
	REQUIRE(copy_file(path, saved) == 0);
	r = open_repo(dir);
	REQUIRE(r != NULL);
	for (i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Village %d", i);
		REQUIRE(add_place(r, party, name, ids[n]) == 0);
		n++;
	}
	REQUIRE(add_event(r, party, "Fire at the school", ids[3], ids[n]) == 0);
	n++;
	CHECK_EQ_INT(log_len(r), 9);
	before = dump_store(repo_store(r), ids, n, party, ids[1], ids[2]);
	repo_close(r);

	remove_store(dir);
	REQUIRE(copy_file(saved, path) == 0);
	r = open_repo(dir);
	REQUIRE(r != NULL);
	CHECK_EQ_INT(store_applied(repo_store(r)), 9);
	after = dump_store(repo_store(r), ids, n, party, ids[1], ids[2]);
	CHECK(same_dump(before, after));
	px_free(after);
	/* Writing goes on at the right index. */
	REQUIRE(add_place(r, party, "Village 9", ids[n]) == 0);
	n++;
	CHECK_EQ_INT(log_len(r), 10);
	px_free(before);
	before = dump_store(repo_store(r), ids, n, party, ids[1], ids[2]);
	repo_close(r);

	/* No store at all: built from the log on open. */
	remove_store(dir);
	r = open_repo(dir);
	REQUIRE(r != NULL);
	CHECK_EQ_INT(store_applied(repo_store(r)), 10);
	after = dump_store(repo_store(r), ids, n, party, ids[1], ids[2]);
	CHECK(same_dump(before, after));
	px_free(after);
	px_free(before);
	repo_close(r);
	unlink(saved);
}

/* An entry appended to the log behind the writer's back is applied (here:
 * refused, it is no signed note) before the next round, which then writes
 * at the right index. */
TEST(test_log_ahead)
{
	struct repo *r = create_open();
	char party[80], place[80];
	struct px_err err;
	uint64_t idx;
	json_t *v = NULL;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	REQUIRE(log_submit(repo_log(r), "not a note", 10, &idx, &err) == 0);
	CHECK_EQ_INT(idx, 1);
	CHECK_EQ_INT(store_applied(repo_store(r)), 1);
	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	CHECK_EQ_INT(log_len(r), 3);
	CHECK_EQ_INT(store_applied(repo_store(r)), 3);
	REQUIRE(store_entry_status(repo_store(r), 1, &v, &err) == 0);
	CHECK_EQ_STR(json_string_value(json_object_get(v, "status")),
		     "refused");
	json_decref(v);
	REQUIRE(store_entry_status(repo_store(r), 2, &v, &err) == 0);
	CHECK_EQ_STR(json_string_value(json_object_get(v, "id")), place);
	json_decref(v);
	repo_close(r);
}

/* ---- many custodial filings at once. */

TEST(test_batch)
{
	struct repo *r = create_open();
	char party[80], place[80], json[8][512];
	const char *js[8];
	size_t lens[8];
	struct repo_result dry[8], res[8];
	struct px_err err;
	uint64_t size;
	int i;

	REQUIRE(r != NULL);
	REQUIRE(register_party(r, "Northland Monitors", party) == 0);
	REQUIRE(add_place(r, party, "Riverton", place) == 0);
	for (i = 0; i < 8; i++) {
		if (i == 3) /* unknown member */
			snprintf(json[i], sizeof(json[i]),
				 "{\"kind\":\"place\",\"colour\":1}");
		else if (i == 5) /* refers to a place that does not exist */
			snprintf(json[i], sizeof(json[i]),
				 "{\"kind\":\"place\",\"type\":\"settlement\","
				 "\"filed_at\":\"2026-01-02T00:00:00Z\","
				 "\"parent\":\"place-%064d\",\"names\":[{"
				 "\"name\":\"Orphan\",\"lang\":\"en\","
				 "\"script\":\"Latn\"}]}",
				 0);
		else
			snprintf(json[i], sizeof(json[i]),
				 "{\"kind\":\"place\",\"type\":\"settlement\","
				 "\"filed_at\":\"2026-01-02T00:00:0%dZ\","
				 "\"parent\":\"%s\",\"names\":[{\"name\":"
				 "\"Hamlet %d\",\"lang\":\"en\",\"script\":"
				 "\"Latn\"}]}",
				 i, place, i);
		js[i] = json[i];
		lens[i] = strlen(json[i]);
	}
	size = log_len(r);
	REQUIRE(repo_file_batch(r, js, lens, 8, party, 1, dry, &err) == 0);
	CHECK_EQ_INT(log_len(r), size);
	CHECK_EQ_INT(store_applied(repo_store(r)), size);
	REQUIRE(repo_file_batch(r, js, lens, 8, party, 0, res, &err) == 0);
	CHECK_EQ_INT(log_len(r), size + 6);
	for (i = 0; i < 8; i++) {
		CHECK_EQ_INT(dry[i].rc, res[i].rc);
		if (i == 3 || i == 5) {
			CHECK(res[i].rc < 0);
			CHECK(res[i].message[0] != '\0');
			continue;
		}
		CHECK_EQ_INT(res[i].rc, 0);
		/* The dry run predicted ids and indices exactly. */
		CHECK_EQ_STR(dry[i].id, res[i].id);
		CHECK_EQ_INT(dry[i].index, res[i].index);
	}
	CHECK_EQ_INT(res[3].rc, PX_EINVAL);
	CHECK_EQ_INT(res[5].rc, PX_EINVAL);
	CHECK(strstr(res[5].message, "parent: no place record") != NULL);
	CHECK_EQ_INT(res[7].index, size + 5);
	repo_close(r);
}

/* ---- blobs. */

TEST(test_blobs)
{
	struct repo *r = create_open();
	static const char data[] = "a photograph, as bytes";
	char sha[65], sha2[65];
	struct px_err err;
	struct px_buf b;
	char *path;
	FILE *f;

	REQUIRE(r != NULL);
	REQUIRE(repo_put_blob(r, data, sizeof(data), sha, &err) == 0);
	CHECK_EQ_INT(strlen(sha), 64);
	path = repo_blob_path(r, sha);
	REQUIRE(path != NULL);
	px_buf_init(&b, 1024);
	REQUIRE(px_read_file(path, &b, &err) == 0);
	CHECK(b.len == sizeof(data) && memcmp(b.data, data, b.len) == 0);
	/* Idempotent; a damaged copy is replaced. */
	REQUIRE(repo_put_blob(r, data, sizeof(data), sha2, &err) == 0);
	CHECK_EQ_STR(sha, sha2);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	fputs("damaged", f);
	fclose(f);
	REQUIRE(repo_put_blob(r, data, sizeof(data), sha2, &err) == 0);
	px_buf_reset(&b);
	REQUIRE(px_read_file(path, &b, &err) == 0);
	CHECK(b.len == sizeof(data) && memcmp(b.data, data, b.len) == 0);
	px_buf_release(&b);
	px_free(path);
	/* The empty file; names that are not hashes. */
	REQUIRE(repo_put_blob(r, "", 0, sha, &err) == 0);
	CHECK_EQ_STR(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"
			  "95991b7852b855");
	CHECK(repo_blob_path(r, "../store.db") == NULL);
	CHECK(repo_blob_path(r, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B"
				"934CA495991B7852B855") == NULL);
	CHECK(repo_blob_path(r, "00000000000000000000000000000000000000000000"
				"00000000000000000000") == NULL);
	repo_close(r);
}

/* ---- the reindex-equivalence test. */

#define MAX_RECS 400

struct model_rec {
	char id[80];
	enum rec_kind kind;
	int owner; /* index into parties */
	int withdrawn;
	int revised; /* has a revision after the first */
	char first_rev[80];
	char parent[80]; /* places: kept through revisions */
};

struct model {
	struct repo *r;
	char parties[3][80];
	struct model_rec recs[MAX_RECS];
	int n;
	uint64_t rng;
	int counter;
	int accepted, refused;
};

static uint64_t next_rand(struct model *m)
{
	uint64_t x = (m->rng += 0x9e3779b97f4a7c15ULL);
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int pick(struct model *m, int n)
{
	return (int)(next_rand(m) % (uint64_t)n);
}

/* A random live record of a kind, or -1. */
static int pick_rec(struct model *m, enum rec_kind kind, int live)
{
	int idx[MAX_RECS], n = 0, i;

	for (i = 0; i < m->n; i++)
		if (m->recs[i].kind == kind && (!live || !m->recs[i].withdrawn))
			idx[n++] = i;
	return n ? idx[pick(m, n)] : -1;
}

static const char *const place_names[] = {
    "Riverton",	   "Çayətir",	  "Степанакерт", "Hilltop",
    "Stonebridge", "Ստեփանակերտ", "Khankendi"};
static const char *const title_words[] = {"market",	"bridge", "school",
					  "checkpoint", "road",	  "hospital"};

/* The JSON body of a new revision of a record of this kind. */
static int make_body(struct model *m, enum rec_kind kind, const char *parent,
		     char *json, size_t cap)
{
	int c = ++m->counter;
	int p = pick_rec(m, REC_PLACE, 0), e = pick_rec(m, REC_EVENT, 0);
	int day = 1 + pick(m, 23), len = pick(m, 5);

	switch (kind) {
	case REC_PLACE:
		if (parent && *parent)
			return snprintf(
			    json, cap,
			    "{\"kind\":\"place\",\"type\":"
			    "\"settlement\",\"parent\":\"%s\","
			    "\"names\":[{\"name\":\"%s %d\","
			    "\"lang\":\"en\",\"script\":\"Latn\"}]}",
			    parent, place_names[pick(m, 7)], c);
		return snprintf(json, cap,
				"{\"kind\":\"place\",\"type\":\"district\","
				"\"names\":[{\"name\":\"%s %d\",\"lang\":"
				"\"en\",\"script\":\"Latn\"}]}",
				place_names[pick(m, 7)], c);
	case REC_EVENT:
		if (p < 0)
			return -1;
		return snprintf(json, cap,
				"{\"kind\":\"event\",\"title\":\"Shelling at "
				"the %s %d\",\"type\":\"%s\",\"time\":{"
				"\"start\":\"2026-%02d-%02d\",\"end\":"
				"\"2026-%02d-%02d\",\"precision\":\"day\"},"
				"\"place\":{\"place\":\"%s\",\"precision\":"
				"\"exact\"}}",
				title_words[pick(m, 6)], c,
				pick(m, 2) ? "battle" : "riot", 1 + c % 3, day,
				1 + c % 3, day + len, m->recs[p].id);
	case REC_ACCOUNT:
		if (e < 0)
			return -1;
		{
			int lo = pick(m, 10), hi = lo + pick(m, 30);
			int mon = 1 + pick(m, 3);
			return snprintf(
			    json, cap,
			    "{\"kind\":\"account\",\"event\":\"%s\","
			    "\"narrative\":{\"text\":\"Shells fell near the "
			    "%s, account %d.\",\"lang\":\"en\"},\"claims\":{"
			    "\"time\":{\"start\":\"2026-%02d-%02d\",\"end\":"
			    "\"2026-%02d-%02d\",\"precision\":\"day\"},"
			    "\"characterization\":{\"text\":\"an attack on "
			    "the %s\",\"lang\":\"en\"},\"casualties\":{"
			    "\"civilians\":{\"low\":%d,\"high\":%d}}}}",
			    m->recs[e].id, title_words[pick(m, 6)], c, mon, day,
			    mon, day + len, title_words[pick(m, 6)], lo, hi);
		}
	case REC_SOURCE:
		return snprintf(json, cap,
				"{\"kind\":\"source\",\"type\":\"report\","
				"\"title\":\"Report on the %s %d\"}",
				title_words[pick(m, 6)], c);
	default:
		return -1;
	}
}

static void model_add(struct model *m, const char *id, enum rec_kind kind,
		      int owner, const char *parent)
{
	struct model_rec *x;

	if (m->n >= MAX_RECS)
		return;
	x = &m->recs[m->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "%s", id);
	snprintf(x->first_rev, sizeof(x->first_rev), "%s", id);
	snprintf(x->parent, sizeof(x->parent), "%s", parent ? parent : "");
	x->kind = kind;
	x->owner = owner;
}

/* One random write; checks it is accepted or refused as the rules say. */
static void random_op(struct model *m)
{
	static const enum rec_kind kinds[] = {REC_PLACE, REC_EVENT, REC_ACCOUNT,
					      REC_SOURCE};
	struct repo_result res;
	struct px_err err;
	char json[4096];
	int op = pick(m, 100), who = pick(m, 3), i, rc;
	uint64_t size = log_len(m->r);

	if (op < 50 || m->n < 6) { /* add */
		enum rec_kind kind = kinds[pick(m, 4)];
		char parent[80] = "";
		if (m->n < 3)
			kind = REC_PLACE;
		if (kind == REC_PLACE && pick(m, 2)) {
			int p = pick_rec(m, REC_PLACE, 0);
			if (p >= 0)
				snprintf(parent, sizeof(parent), "%s",
					 m->recs[p].id);
		}
		if (make_body(m, kind, parent, json, sizeof(json)) < 0)
			return;
		rc = repo_file(m->r, json, strlen(json), m->parties[who], &res,
			       &err);
		if (rc)
			fprintf(stderr, "add: %s\n%s\n", err.msg, json);
		CHECK_EQ_INT(rc, 0);
		if (rc == 0)
			model_add(m, res.id, kind, who, parent);
	} else if (op < 75) {		   /* revise */
		i = 3 + pick(m, m->n - 3); /* not a party */
		if (make_body(m, m->recs[i].kind, m->recs[i].parent, json,
			      sizeof(json)) < 0)
			return;
		if (pick(m, 4) == 0) {
			/* By someone else: refused. */
			who = (m->recs[i].owner + 1 + pick(m, 2)) % 3;
		} else {
			who = m->recs[i].owner;
		}
		rc = repo_revise(m->r, m->recs[i].id, NULL, json, strlen(json),
				 m->parties[who], &res, &err);
		if (m->recs[i].withdrawn) {
			CHECK_EQ_INT(rc, PX_ECONFLICT);
		} else if (who != m->recs[i].owner) {
			CHECK_EQ_INT(rc, PX_EVERIFY);
		} else {
			if (rc)
				fprintf(stderr, "revise: %s\n%s\n", err.msg,
					json);
			CHECK_EQ_INT(rc, 0);
			if (rc == 0)
				m->recs[i].revised = 1;
		}
	} else if (op < 85) {		   /* a stale revision */
		i = 3 + pick(m, m->n - 3); /* not a party */
		if (make_body(m, m->recs[i].kind, m->recs[i].parent, json,
			      sizeof(json)) < 0)
			return;
		rc = repo_revise(m->r, m->recs[i].id, m->recs[i].first_rev,
				 json, strlen(json),
				 m->parties[m->recs[i].owner], &res, &err);
		/* The first revision is stale once revised or withdrawn. */
		if (m->recs[i].withdrawn || m->recs[i].revised)
			CHECK_EQ_INT(rc, PX_ECONFLICT);
		else
			CHECK_EQ_INT(rc, 0);
		if (rc == 0)
			m->recs[i].revised = 1;
	} else if (op < 95) {		   /* withdraw */
		i = 3 + pick(m, m->n - 3); /* not a party */
		who = pick(m, 5) == 0 ? (m->recs[i].owner + 1) % 3
				      : m->recs[i].owner;
		rc = repo_withdraw(m->r, m->recs[i].id, "filed in error",
				   m->parties[who], &res, &err);
		if (m->recs[i].withdrawn) {
			CHECK_EQ_INT(rc, PX_ECONFLICT);
		} else if (who != m->recs[i].owner) {
			CHECK_EQ_INT(rc, PX_EVERIFY);
		} else {
			CHECK_EQ_INT(rc, 0);
			if (rc == 0)
				m->recs[i].withdrawn = 1;
		}
	} else { /* a reference to nothing */
		snprintf(json, sizeof(json),
			 "{\"kind\":\"account\",\"event\":\"event-%064d\","
			 "\"narrative\":{\"text\":\"x\",\"lang\":\"en\"}}",
			 m->counter);
		rc = repo_file(m->r, json, strlen(json), m->parties[who], &res,
			       &err);
		CHECK_EQ_INT(rc, PX_EINVAL);
		CHECK(strstr(res.message, "event: no event record") != NULL);
	}
	if (res.rc == 0) {
		m->accepted++;
		CHECK_EQ_INT(log_len(m->r), size + 1);
		CHECK_EQ_INT(res.index, size);
	} else {
		m->refused++;
		CHECK(res.message[0] != '\0');
		CHECK_EQ_INT(log_len(m->r), size);
	}
}

TEST(test_reindex_equivalence)
{
	static struct model m;
	char dir[256], (*ids)[80];
	char *built, *rebuilt;
	struct px_err err;
	int i, ev, pl;

	memset(&m, 0, sizeof(m));
	m.rng = 20260301;
	m.r = create_open();
	REQUIRE(m.r != NULL);
	snprintf(dir, sizeof(dir), "%s", repo_dir(m.r));
	REQUIRE(register_party(m.r, "Northland Monitors", m.parties[0]) == 0);
	REQUIRE(register_party(m.r, "Southland Monitors", m.parties[1]) == 0);
	REQUIRE(register_party(m.r, "Joint Commission", m.parties[2]) == 0);
	for (i = 0; i < 3; i++)
		model_add(&m, m.parties[i], REC_PARTY, i, NULL);
	for (i = 0; i < 300 && !test_failed_; i++)
		random_op(&m);
	printf("     %d accepted, %d refused, %d records\n", m.accepted,
	       m.refused, m.n);
	CHECK(m.refused > 20);

	ids = calloc((size_t)m.n, 80);
	REQUIRE(ids != NULL);
	for (i = 0; i < m.n; i++)
		snprintf(ids[i], 80, "%s", m.recs[i].id);
	ev = pick_rec(&m, REC_EVENT, 0);
	pl = pick_rec(&m, REC_PLACE, 0);
	REQUIRE(ev >= 0 && pl >= 0);
	built = dump_store(repo_store(m.r), ids, (size_t)m.n, m.parties[0],
			   m.recs[pl].id, m.recs[ev].id);
	repo_close(m.r);

	/* The repo must not be open: reindex takes the directory's lock. */
	REQUIRE(repo_reindex(dir, 0, &err) == 0);
	{
		char path[400];
		snprintf(path, sizeof(path), "%s/store.db.reindex", dir);
		CHECK(!px_file_exists(path));
	}
	m.r = open_repo(dir);
	REQUIRE(m.r != NULL);
	rebuilt = dump_store(repo_store(m.r), ids, (size_t)m.n, m.parties[0],
			     m.recs[pl].id, m.recs[ev].id);
	CHECK(strlen(built) > 10000);
	CHECK(same_dump(built, rebuilt));
	/* Writing continues on the rebuilt store. */
	{
		struct repo_result res;
		CHECK(add_place(m.r, m.parties[1], "After reindex", ids[0]) ==
		      0);
		(void)res;
	}
	repo_close(m.r);
	px_free(built);
	px_free(rebuilt);
	free(ids);
}

TEST_MAIN(TEST_ENTRY(test_create_open), TEST_ENTRY(test_custodial),
	  TEST_ENTRY(test_revise_withdraw), TEST_ENTRY(test_non_custodial),
	  TEST_ENTRY(test_refusals), TEST_ENTRY(test_concurrent),
	  TEST_ENTRY(test_concurrent_revisions), TEST_ENTRY(test_catch_up),
	  TEST_ENTRY(test_log_ahead), TEST_ENTRY(test_batch),
	  TEST_ENTRY(test_blobs), TEST_ENTRY(test_reindex_equivalence))
