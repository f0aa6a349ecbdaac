/*
 * test_store.c - the SQLite projection (src/store/): entries built here
 * (keys from note_key_generate, canonical JSON from rec_parse, signatures
 * from note_sign) are applied and the store's answers checked: operator
 * registrations and party filings, every refusal with its code and
 * message, history, list filters and cursor pagination, search across
 * scripts and through the place hierarchy, the disputed flag, and
 * determinism: one random log of adds, revisions, withdrawals and refused
 * entries applied in two different ways gives two stores that answer every
 * query identically (the reindex guarantee at the store level).
 */
#include "log/note.h"
#include "record/record.h"
#include "store/store.h"
#include "test.h"

#include <sodium.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* ---- fixtures */

struct key {
	struct note_signer s;
	struct note_verifier v;
	char vkey[400];
};

static void key_make(struct key *k, const char *name)
{
	char *sk = NULL, *vk = NULL;
	struct px_err err;

	if (note_key_generate(name, NOTE_ALG_ED25519, &sk, &vk, &err) != 0) {
		fprintf(stderr, "key: %s\n", err.msg);
		exit(2);
	}
	note_signer_parse(sk, strlen(sk), &k->s, &err);
	note_verifier_parse(vk, strlen(vk), &k->v, &err);
	snprintf(k->vkey, sizeof(k->vkey), "%s", vk);
	sodium_memzero(sk, strlen(sk));
	px_free(sk);
	px_free(vk);
}

static char dbdir[256];
static int dbseq;
static struct key op, ka, kb, kc;

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dbdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dbdir);
}

static void key_make(struct key *k, const char *name);

/* A scratch directory and the keys, once per run. */
static void setup_once(void)
{
	if (dbdir[0])
		return;
	snprintf(dbdir, sizeof(dbdir), "/tmp/test_store.XXXXXX");
	if (!mkdtemp(dbdir)) {
		perror("mkdtemp");
		exit(2);
	}
	atexit(teardown);
	key_make(&op, "log.example");
	key_make(&ka, "a.example");
	key_make(&kb, "b.example");
	key_make(&kc, "c.example");
}

static struct store *fresh_store(void)
{
	char path[512];
	struct store *st = NULL;
	struct px_err err;

	setup_once();
	snprintf(path, sizeof(path), "%s/s%d.db", dbdir, dbseq++);
	if (store_open(path, 0, &st, &err) != 0) {
		fprintf(stderr, "store_open: %s\n", err.msg);
		exit(2);
	}
	return st;
}

/* Format JSON (with ' for ") into a static buffer. */
static const char *J(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *J(const char *fmt, ...)
{
	static char buf[8][16384];
	static int turn;
	char *b = buf[turn++ % 8], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	for (p = b; *p; p++)
		if (*p == '\'')
			*p = '"';
	return b;
}

/* An entry: the raw text (used as is) + "\n", signed by k. */
static void sign_raw(const struct key *k, const char *text, struct px_buf *e)
{
	struct px_buf t;
	struct px_err err;

	px_buf_init(&t, 1 << 20);
	px_buf_addstr(&t, text);
	px_buf_addc(&t, '\n');
	px_buf_init(e, 1 << 20);
	if (note_sign((const char *)t.data, t.len, &k->s, 1, e, &err) != 0) {
		fprintf(stderr, "note_sign: %s\n", err.msg);
		exit(2);
	}
	px_buf_release(&t);
}

/* An entry for JSON made canonical; id receives the revision id. */
static void entry(const struct key *k, const char *json, struct px_buf *e,
		  char id[REC_ID_SIZE])
{
	struct rec r;
	struct px_err err;

	if (rec_parse(json, strlen(json), NULL, &r, &err) != 0) {
		fprintf(stderr, "rec_parse: %s\n%s\n", err.msg, json);
		exit(2);
	}
	if (id)
		memcpy(id, r.info.id, REC_ID_SIZE);
	sign_raw(k, (const char *)r.canon.data, e);
	rec_release(&r);
}

static struct px_err lasterr;

static int apply_entry(struct store *st, struct px_buf *e, int dry_run)
{
	int rc;

	px_err_clear(&lasterr);
	rc = store_apply(st, store_applied(st), e->data, e->len, &op.v,
			 dry_run, NULL, &lasterr);
	px_buf_release(e);
	return rc;
}

/* Sign json with k and apply; the revision id in id (may be NULL). */
static int file(struct store *st, const struct key *k, const char *json,
		char id[REC_ID_SIZE])
{
	struct px_buf e;

	entry(k, json, &e, id);
	return apply_entry(st, &e, 0);
}

#define T0 "2026-01-05T09:00:00Z"

static void party(struct store *st, const struct key *k, const char *name,
		  char id[REC_ID_SIZE])
{
	int rc = file(st, &op,
		      J("{'v':1,'kind':'party','filed_at':'" T0 "','name':'%s',"
			"'type':'ngo','key':'%s'}",
			name, k->vkey),
		      id);
	if (rc != 0) {
		fprintf(stderr, "party: %s\n", lasterr.msg);
		exit(2);
	}
}

static int place(struct store *st, const struct key *k, const char *by,
		 const char *names, const char *parent, char id[REC_ID_SIZE])
{
	char par[REC_ID_SIZE + 16] = "";

	if (parent)
		snprintf(par, sizeof(par), ",'parent':'%s'", parent);
	return file(st, k,
		    J("{'v':1,'kind':'place','filed_by':'%s','filed_at':'" T0
		      "','names':[%s],'type':'settlement'%s}",
		      by, names, par),
		    id);
}

static int event(struct store *st, const struct key *k, const char *by,
		 const char *title, const char *type, const char *start,
		 const char *end, const char *placeid, char id[REC_ID_SIZE])
{
	return file(st, k,
		    J("{'v':1,'kind':'event','filed_by':'%s','filed_at':'" T0
		      "','title':'%s','type':'%s','time':{'start':'%s','end':"
		      "'%s','precision':'day'},'place':{'place':'%s',"
		      "'precision':'exact'}}",
		      by, title, type, start, end, placeid),
		    id);
}

static int account(struct store *st, const struct key *k, const char *by,
		   const char *ev, const char *text, int low, int high,
		   char id[REC_ID_SIZE])
{
	return file(st, k,
		    J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		      "','event':'%s','narrative':{'text':'%s','lang':'en'},"
		      "'claims':{'casualties':{'civilians':{'low':%d,'high':%d}"
		      "}}}",
		      by, ev, text, low, high),
		    id);
}

static const char *jget_s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ---- registration and filing */

TEST(test_register_and_file)
{
	struct store *st = fresh_store();
	char pa[REC_ID_SIZE], pl[REC_ID_SIZE], ev[REC_ID_SIZE], ac[REC_ID_SIZE];
	struct note_verifier v;
	struct px_err err;
	json_t *o = NULL;

	CHECK_EQ_INT(store_applied(st), 0);
	party(st, &ka, "Northland Monitors", pa);
	CHECK_EQ_INT(store_applied(st), 1);
	CHECK_EQ_INT(store_party_key(st, pa, &v, &err), 0);
	CHECK(v.id == ka.v.id && memcmp(v.pub, ka.v.pub, 32) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Riverton','lang':'en','script':'Latn'}",
			   NULL, pl),
		     0);
	CHECK_EQ_INT(event(st, &ka, pa, "Shelling near the crossing",
			   "battle", "2026-01-03", "2026-01-04", pl, ev),
		     0);
	CHECK_EQ_INT(account(st, &ka, pa, ev, "Shells fell.", 3, 6, ac), 0);
	CHECK_EQ_INT(store_applied(st), 4);

	REQUIRE(store_get(st, ac, 0, &o, &err) == 0);
	CHECK_EQ_STR(jget_s(o, "id"), ac);
	CHECK_EQ_STR(jget_s(o, "kind"), "account");
	CHECK_EQ_STR(jget_s(o, "revision"), ac);
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "index")), 3);
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "created_index")), 3);
	CHECK_EQ_STR(jget_s(o, "owner"), pa);
	CHECK_EQ_STR(jget_s(o, "filed_by"), pa);
	CHECK_EQ_STR(jget_s(o, "filed_at"), T0);
	CHECK(json_is_false(json_object_get(o, "withdrawn")));
	CHECK_EQ_STR(jget_s(json_object_get(json_object_get(o, "record"),
					    "narrative"),
			    "text"),
		     "Shells fell.");
	json_decref(o);

	/* the party record: owned by itself, filed by the operator */
	REQUIRE(store_get(st, pa, 0, &o, &err) == 0);
	CHECK_EQ_STR(jget_s(o, "owner"), pa);
	CHECK(json_is_null(json_object_get(o, "filed_by")));
	json_decref(o);

	/* entry status: the note text as applied */
	REQUIRE(store_entry_status(st, 3, &o, &err) == 0);
	CHECK_EQ_STR(jget_s(o, "status"), "applied");
	CHECK_EQ_STR(jget_s(o, "revision"), ac);
	CHECK(jget_s(o, "text") &&
	      jget_s(o, "text")[strlen(jget_s(o, "text")) - 1] == '\n');
	json_decref(o);
	CHECK_EQ_INT(store_entry_status(st, 4, &o, &err), PX_ENOTFOUND);
	CHECK_EQ_INT(store_get(st, "event-" "00", 0, &o, &err), PX_ENOTFOUND);

	REQUIRE(store_stats(st, &o, &err) == 0);
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "applied")), 4);
	CHECK_EQ_INT(json_integer_value(json_object_get(o, "refused")), 0);
	CHECK_EQ_INT(json_integer_value(json_object_get(
			 json_object_get(o, "records"), "account")),
		     1);
	json_decref(o);
	store_close(st);
}

/* ---- refusals */

#define REFUSED(call, code, text)                                              \
	do {                                                                   \
		uint64_t before_ = store_applied(st);                          \
		CHECK_EQ_INT((call), (code));                                  \
		if (!strstr(lasterr.msg, (text))) {                            \
			fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n",  \
				__FILE__, __LINE__, lasterr.msg, (text));      \
			test_failed_ = 1;                                      \
		}                                                              \
		CHECK_EQ_INT(store_applied(st), before_ + 1);                  \
	} while (0)

TEST(test_refusals)
{
	struct store *st = fresh_store();
	char pa[REC_ID_SIZE], pb[REC_ID_SIZE], pc[REC_ID_SIZE];
	char pl[REC_ID_SIZE], ev[REC_ID_SIZE], ac[REC_ID_SIZE];
	char r2[REC_ID_SIZE], r3[REC_ID_SIZE], wd[REC_ID_SIZE];
	struct px_buf e;
	struct px_err err;
	json_t *o = NULL;
	uint64_t n;

	party(st, &ka, "Party A", pa);
	party(st, &kb, "Party B", pb);
	party(st, &kc, "Editor C", pc);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Riverton','lang':'en','script':'Latn'}",
			   NULL, pl),
		     0);
	CHECK_EQ_INT(event(st, &ka, pa, "Shelling", "battle", "2026-01-03",
			   "2026-01-03", pl, ev),
		     0);
	CHECK_EQ_INT(account(st, &ka, pa, ev, "First version.", 1, 2, ac), 0);

	/* a forged signature: B's key for an entry filed by A */
	REFUSED(account(st, &kb, pa, ev, "Forged.", 1, 2, NULL), PX_EVERIFY,
		"signature");
	/* a registration not signed by the operator */
	REFUSED(file(st, &ka,
		     J("{'v':1,'kind':'party','filed_at':'" T0 "','name':'Z',"
		       "'type':'ngo','key':'%s'}",
		       kc.vkey),
		     NULL),
		PX_EVERIFY, "log operator");
	/* an unknown party */
	REFUSED(account(st, &ka,
			"party-"
			"0000000000000000000000000000000000000000000000000000"
			"000000000000",
			ev, "Unknown.", 1, 2, NULL),
		PX_EVERIFY, "no party record");
	/* a signature that was tampered with after signing */
	entry(&ka, J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		     "','event':'%s','narrative':{'text':'Tampered.','lang':"
		     "'en'}}",
		     pa, ev),
	      &e, NULL);
	/* another valid base64 digit inside the signature */
	e.data[e.len - 10] = e.data[e.len - 10] == 'A' ? 'B' : 'A';
	REFUSED(apply_entry(st, &e, 0), PX_EVERIFY, "signature");
	/* the text changed after signing */
	entry(&ka, J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		     "','event':'%s','narrative':{'text':'Tampered.','lang':"
		     "'en'}}",
		     pa, ev),
	      &e, NULL);
	((char *)e.data)[strstr((char *)e.data, "Tampered") - (char *)e.data] =
	    'S';
	REFUSED(apply_entry(st, &e, 0), PX_EVERIFY, "signature");
	/* invalid and non-canonical JSON */
	sign_raw(&ka, J("{'v':1,'kind':'account','filed_by':'%s',", pa), &e);
	REFUSED(apply_entry(st, &e, 0), PX_EINVAL, "invalid JSON");
	sign_raw(&ka, J("{'kind':'account','v':1,'filed_by':'%s'}", pa), &e);
	REFUSED(apply_entry(st, &e, 0), PX_EINVAL, "");
	/* valid, but members not in canonical order */
	sign_raw(&ka, J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		     "','event':'%s','narrative':{'text':'Unsorted.','lang':"
		     "'en'}}",
		     pa, ev),
		 &e);
	REFUSED(apply_entry(st, &e, 0), PX_EINVAL, "canonical");
	/* a reference to a record that does not exist */
	REFUSED(account(st, &ka, pa,
			"event-"
			"1111111111111111111111111111111111111111111111111111"
			"111111111111",
			"Nowhere.", 1, 2, NULL),
		PX_EINVAL, "event: no event record");
	/* the same first revision again */
	REFUSED(account(st, &ka, pa, ev, "First version.", 1, 2, NULL),
		PX_EEXIST, "already exists");

	/* revisions: A revises its account */
	CHECK_EQ_INT(file(st, &ka,
			  J("{'v':1,'kind':'account','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','event':'%s','narrative':{"
			    "'text':'Second version.','lang':'en'}}",
			    pa, ac, ev),
			  r2),
		     0);
	/* a stale revision (of the first one again) */
	REFUSED(file(st, &ka,
		     J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		       "','revises':'%s','event':'%s','narrative':{'text':"
		       "'Stale.','lang':'en'}}",
		       pa, ac, ev),
		     NULL),
		PX_ECONFLICT, "stale revision");
	/* a revision by a party that does not own it */
	REFUSED(file(st, &kb,
		     J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		       "','revises':'%s','event':'%s','narrative':{'text':"
		       "'Not mine.','lang':'en'}}",
		       pb, r2, ev),
		     NULL),
		PX_EVERIFY, "only the owner");
	/* an editor filing for another party than the owner */
	REFUSED(file(st, &kc,
		     J("{'v':1,'kind':'account','filed_by':'%s','acting_for':"
		       "'%s','filed_at':'" T0 "','revises':'%s','event':'%s',"
		       "'narrative':{'text':'Wrong principal.','lang':'en'}}",
		       pc, pb, r2, ev),
		     NULL),
		PX_EVERIFY, "only the owner");
	/* an editor acting for the owner: allowed, and recorded */
	CHECK_EQ_INT(file(st, &kc,
			  J("{'v':1,'kind':'account','filed_by':'%s',"
			    "'acting_for':'%s','filed_at':'" T0 "','revises':"
			    "'%s','event':'%s','narrative':{'text':'Edited.',"
			    "'lang':'en'}}",
			    pc, pa, r2, ev),
			  r3),
		     0);
	/* a revision naming a revision that does not exist */
	REFUSED(file(st, &ka,
		     J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		       "','revises':'account-"
		       "2222222222222222222222222222222222222222222222222222"
		       "222222222222','event':'%s','narrative':{'text':'X.',"
		       "'lang':'en'}}",
		       pa, ev),
		     NULL),
		PX_ENOTFOUND, "no revision");
	/* withdrawal by another party */
	REFUSED(file(st, &kb,
		     J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		       "','revises':'%s','withdrawal':{'reason':'not yours'}}",
		       pb, r3),
		     NULL),
		PX_EVERIFY, "only the owner");
	/* withdrawal by the owner */
	CHECK_EQ_INT(file(st, &ka,
			  J("{'v':1,'kind':'account','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','withdrawal':{'reason':"
			    "'filed against the wrong event'}}",
			    pa, r3),
			  wd),
		     0);
	/* a withdrawn record cannot be revised */
	REFUSED(file(st, &ka,
		     J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		       "','revises':'%s','event':'%s','narrative':{'text':"
		       "'Revived.','lang':'en'}}",
		       pa, wd, ev),
		     NULL),
		PX_ECONFLICT, "withdrawn");

	/* a party revises itself with its own key (key rotation) */
	{
		char rot[REC_ID_SIZE];
		struct key knew;
		key_make(&knew, "b-new.example");
		CHECK_EQ_INT(file(st, &kb,
				  J("{'v':1,'kind':'party','filed_by':'%s',"
				    "'filed_at':'" T0 "','revises':'%s','name':"
				    "'Party B','type':'ngo','key':'%s'}",
				    pb, pb, knew.vkey),
				  rot),
			     0);
		/* the old key no longer files for B */
		REFUSED(account(st, &kb, pb, ev, "Old key.", 1, 2, NULL),
			PX_EVERIFY, "signature");
		CHECK_EQ_INT(account(st, &knew, pb, ev, "New key.", 1, 2, NULL),
			     0);
		/* another party may not revise B's party record */
		REFUSED(file(st, &ka,
			     J("{'v':1,'kind':'party','filed_by':'%s',"
			       "'filed_at':'" T0 "','revises':'%s','name':"
			       "'Hijacked','type':'ngo','key':'%s'}",
			       pa, rot, ka.vkey),
			     NULL),
			PX_EVERIFY, "only the owner");
		/* the operator may */
		CHECK_EQ_INT(file(st, &op,
				  J("{'v':1,'kind':'party','filed_at':'" T0
				    "','revises':'%s','name':'Party B',"
				    "'type':'ngo','key':'%s'}",
				    rot, kb.vkey),
				  NULL),
			     0);
		CHECK_EQ_INT(account(st, &kb, pb, ev, "Back to the first.", 1,
				     2, NULL),
			     0);
	}

	/* the wrong index is an error and is not counted */
	n = store_applied(st);
	entry(&ka, J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		     "','event':'%s','narrative':{'text':'Late.','lang':'en'}}",
		     pa, ev),
	      &e, NULL);
	CHECK_EQ_INT(store_apply(st, n + 1, e.data, e.len, &op.v, 0, NULL,
				 &err),
		     PX_EINVAL);
	CHECK_EQ_INT(store_applied(st), n);
	/* dry run: checks, writes nothing */
	CHECK_EQ_INT(store_apply(st, n, e.data, e.len, &op.v, 1, NULL, &err), 0);
	CHECK_EQ_INT(store_applied(st), n);
	CHECK_EQ_INT(store_apply(st, n, e.data, e.len, &op.v, 1, NULL, &err), 0);
	px_buf_release(&e);
	/* a dry run reports a refusal without counting it */
	entry(&kb, J("{'v':1,'kind':'account','filed_by':'%s','filed_at':'" T0
		     "','event':'%s','narrative':{'text':'Dry.','lang':'en'}}",
		     pa, ev),
	      &e, NULL);
	CHECK_EQ_INT(apply_entry(st, &e, 1), PX_EVERIFY);
	CHECK_EQ_INT(store_applied(st), n);

	/* refused entries are remembered with their reason */
	REQUIRE(store_entry_status(st, 6, &o, &err) == 0);
	CHECK_EQ_STR(jget_s(o, "status"), "refused");
	CHECK_EQ_STR(jget_s(o, "code"), "EVERIFY");
	CHECK(strstr(jget_s(o, "error"), "signature") != NULL);
	json_decref(o);

	/* the withdrawn account: its last content, the withdrawal, history */
	REQUIRE(store_get(st, wd, 1, &o, &err) == 0);
	CHECK_EQ_STR(jget_s(o, "id"), ac);
	CHECK(json_is_true(json_object_get(o, "withdrawn")));
	CHECK_EQ_STR(jget_s(json_object_get(o, "withdrawal"), "reason"),
		     "filed against the wrong event");
	CHECK_EQ_STR(jget_s(json_object_get(json_object_get(o, "record"),
					    "narrative"),
			    "text"),
		     "Edited.");
	{
		json_t *h = json_object_get(o, "history");
		CHECK_EQ_INT(json_array_size(h), 4);
		CHECK_EQ_STR(jget_s(json_array_get(h, 0), "revision"), ac);
		CHECK_EQ_STR(jget_s(json_array_get(h, 1), "revision"), r2);
		CHECK_EQ_STR(jget_s(json_array_get(h, 2), "revision"), r3);
		CHECK_EQ_STR(jget_s(json_array_get(h, 2), "acting_for"), pa);
		CHECK_EQ_STR(jget_s(json_array_get(h, 2), "filed_by"), pc);
		CHECK(json_is_true(
		    json_object_get(json_array_get(h, 3), "withdrawn")));
	}
	json_decref(o);
	store_close(st);
}

/* ---- places, search, lists */

#define NAMES_STEPANAKERT                                                      \
	"{'name':'Stepanakert','lang':'en','script':'Latn'},"                  \
	"{'name':'Степанакерт','lang':'ru','script':'Cyrl'},"                  \
	"{'name':'Ստեփանակերտ','lang':'hy','script':'Armn'},"                  \
	"{'name':'Xankəndi','lang':'az','script':'Latn'},"                     \
	"{'name':'Khankendi','lang':'en','script':'Latn'}"

struct world {
	char pa[REC_ID_SIZE], pb[REC_ID_SIZE];
	char region[REC_ID_SIZE], city[REC_ID_SIZE], village[REC_ID_SIZE],
	    other[REC_ID_SIZE];
	char ev[6][REC_ID_SIZE];
};

static void build_world(struct store *st, struct world *w)
{
	static const char *const dates[6][2] = {
	    {"2026-01-03", "2026-01-03"}, {"2026-01-10", "2026-01-12"},
	    {"2026-02-01", "2026-02-01"}, {"2026-02-15", "2026-02-20"},
	    {"2026-03-01", "2026-03-31"}, {"2026-01-01", "2026-01-01"}};
	int i, rc = 0;

	party(st, &ka, "Party A", w->pa);
	party(st, &kb, "Party B", w->pb);
	rc |= place(st, &ka, w->pa,
		    "{'name':'Karabakh','lang':'en','script':'Latn'}", NULL,
		    w->region);
	rc |= place(st, &ka, w->pa, NAMES_STEPANAKERT, w->region, w->city);
	rc |= place(st, &ka, w->pa,
		    "{'name':'Krasny Bazar','lang':'en','script':'Latn'}",
		    w->city, w->village);
	rc |= place(st, &ka, w->pa,
		    "{'name':'Riverton','lang':'en','script':'Latn'}", NULL,
		    w->other);
	for (i = 0; i < 6; i++) {
		const char *at = i < 2 ? w->city : i < 4 ? w->village : w->other;
		char title[64];
		snprintf(title, sizeof(title), "Incident number %d", i);
		rc |= event(st, i % 2 ? &kb : &ka, i % 2 ? w->pb : w->pa, title,
			    i < 3 ? "battle" : "protest", dates[i][0],
			    dates[i][1], at, w->ev[i]);
	}
	if (rc != 0) {
		fprintf(stderr, "build_world: %s\n", lasterr.msg);
		exit(2);
	}
}

static int count_items(const json_t *o)
{
	return (int)json_array_size(json_object_get(o, "items"));
}

static int has_id(const json_t *o, const char *id)
{
	size_t i;
	const json_t *items = json_object_get(o, "items");

	for (i = 0; i < json_array_size(items); i++)
		if (strcmp(jget_s(json_array_get(items, i), "id"), id) == 0)
			return 1;
	return 0;
}

static json_t *search(struct store *st, const char *text, int kind)
{
	struct store_query q;
	struct px_err err;
	json_t *o = NULL;

	store_query_init(&q);
	q.text = text;
	q.kind = kind;
	q.limit = 100;
	if (store_search(st, &q, &o, &err) != 0) {
		fprintf(stderr, "search \"%s\": %s\n", text, err.msg);
		test_failed_ = 1;
		return json_object();
	}
	return o;
}

TEST(test_places_within)
{
	struct store *st = fresh_store();
	struct world w;

	build_world(st, &w);
	CHECK_EQ_INT(store_place_within(st, w.village, w.region), 1);
	CHECK_EQ_INT(store_place_within(st, w.village, w.city), 1);
	CHECK_EQ_INT(store_place_within(st, w.city, w.city), 1);
	CHECK_EQ_INT(store_place_within(st, w.city, w.village), 0);
	CHECK_EQ_INT(store_place_within(st, w.other, w.region), 0);
	CHECK_EQ_INT(store_place_within(st, "place-nope", w.region), 0);
	/* a revision making the region lie within the village: a cycle */
	CHECK_EQ_INT(file(st, &ka,
			  J("{'v':1,'kind':'place','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','names':[{'name':"
			    "'Karabakh','lang':'en','script':'Latn'}],'type':"
			    "'region','parent':'%s'}",
			    w.pa, w.region, w.village),
			  NULL),
		     PX_EINVAL);
	CHECK(strstr(lasterr.msg, "parent") != NULL);
	store_close(st);
}

TEST(test_search_scripts)
{
	static const char *const queries[] = {
	    "Stepanakert", "Степанакерт", "Ստեփանակերտ", "Xankəndi",
	    "Xankendi",	   "Khankendi",	  "stepanakert", "STEPANAKERT",
	    "Ханкенди",	   "Hankendi"};
	struct store *st = fresh_store();
	struct world w;
	size_t i;
	json_t *o;

	build_world(st, &w);
	for (i = 0; i < PX_ARRAY_LEN(queries); i++) {
		o = search(st, queries[i], -1);
		if (!has_id(o, w.city)) {
			fprintf(stderr, "\"%s\" does not find the place\n",
				queries[i]);
			test_failed_ = 1;
		}
		/* the events at the city and at the village within it */
		CHECK(has_id(o, w.ev[0]) && has_id(o, w.ev[1]) &&
		      has_id(o, w.ev[2]) && has_id(o, w.ev[3]));
		CHECK(!has_id(o, w.ev[4]) && !has_id(o, w.ev[5]));
		json_decref(o);
	}
	/* only words filed are searched: no token of the store's own */
	o = search(st, "kevent", -1);
	CHECK_EQ_INT(count_items(o), 0);
	json_decref(o);
	/* the place is first, with the match highlighted in its names */
	o = search(st, "Stepanakert", -1);
	{
		const json_t *first =
		    json_array_get(json_object_get(o, "items"), 0);
		CHECK_EQ_STR(jget_s(first, "id"), w.city);
		CHECK_EQ_STR(jget_s(first, "match"), "names");
		CHECK(jget_s(first, "snippet") &&
		      strstr(jget_s(first, "snippet"), "[Stepanakert]"));
		first = json_array_get(json_object_get(o, "items"), 1);
		CHECK_EQ_STR(jget_s(first, "match"), "place");
		CHECK_EQ_STR(jget_s(first, "via"), w.city);
	}
	json_decref(o);
	/* only events */
	o = search(st, "Степанакерт", REC_EVENT);
	CHECK_EQ_INT(count_items(o), 4);
	json_decref(o);
	/* the region finds everything within it */
	o = search(st, "karabakh", REC_EVENT);
	CHECK_EQ_INT(count_items(o), 4);
	json_decref(o);
	/* titles, diacritics-insensitive; several words must all match */
	o = search(st, "íncident NUMBER 5", -1);
	CHECK_EQ_INT(count_items(o), 1);
	CHECK(has_id(o, w.ev[5]));
	json_decref(o);
	/* query syntax is never interpreted; punctuation finds nothing */
	static const char *const odd[] = {"\"", "...", "-", "AND", "*",
					  "NEAR(a b)", "text:x", "«»", "(",
					  "\"Incident\" OR", "",
					  "kplace", "kevent"};
	for (i = 0; i < PX_ARRAY_LEN(odd); i++) {
		struct store_query q;
		struct px_err err;
		store_query_init(&q);
		q.text = odd[i];
		o = NULL;
		CHECK_EQ_INT(store_search(st, &q, &o, &err), 0);
		if (o)
			CHECK_EQ_INT(count_items(o), 0);
		json_decref(o);
	}
	o = search(st, "Incident OR", -1); /* "OR" is a word here */
	CHECK_EQ_INT(count_items(o), 0);
	json_decref(o);
	store_close(st);
}

TEST(test_search_pagination)
{
	struct store *st = fresh_store();
	struct world w;
	struct store_query q;
	struct px_err err;
	json_t *o = NULL, *all;
	int pages = 0, seen = 0;
	char cursor[64] = "";

	build_world(st, &w);
	all = search(st, "stepanakert", -1);
	store_query_init(&q);
	q.text = "stepanakert";
	q.limit = 2;
	do {
		size_t i;
		q.cursor = cursor[0] ? cursor : NULL;
		REQUIRE(store_search(st, &q, &o, &err) == 0);
		for (i = 0; i < json_array_size(json_object_get(o, "items"));
		     i++) {
			CHECK_EQ_STR(
			    jget_s(json_array_get(json_object_get(o, "items"), i),
				   "id"),
			    jget_s(json_array_get(json_object_get(all, "items"),
						  (size_t)seen),
				   "id"));
			seen++;
		}
		pages++;
		cursor[0] = '\0';
		if (jget_s(o, "next"))
			snprintf(cursor, sizeof(cursor), "%s", jget_s(o, "next"));
		json_decref(o);
	} while (cursor[0] && pages < 10);
	CHECK_EQ_INT(seen, count_items(all));
	CHECK_EQ_INT(pages, 3);
	json_decref(all);
	q.cursor = "x.1";
	CHECK_EQ_INT(store_search(st, &q, &o, &err), PX_EINVAL);
	store_close(st);
}

static json_t *list(struct store *st, struct store_query *q)
{
	struct px_err err;
	json_t *o = NULL;

	if (store_list(st, q, &o, &err) != 0) {
		fprintf(stderr, "list: %s\n", err.msg);
		test_failed_ = 1;
		return json_object();
	}
	return o;
}

TEST(test_list_filters)
{
	struct store *st = fresh_store();
	struct world w;
	struct store_query q;
	struct px_err err;
	json_t *o;
	char ac[REC_ID_SIZE];

	build_world(st, &w);
	store_query_init(&q);
	q.kind = REC_EVENT;
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 6);
	/* by start date: ev5 (Jan 1) first, ev4 (March) last */
	CHECK_EQ_STR(jget_s(json_array_get(json_object_get(o, "items"), 0),
			    "id"),
		     w.ev[5]);
	CHECK_EQ_STR(jget_s(json_array_get(json_object_get(o, "items"), 5),
			    "id"),
		     w.ev[4]);
	CHECK(json_is_null(json_object_get(o, "next")));
	json_decref(o);

	q.from = "2026-01-11"; /* ends on/after */
	q.to = "2026-02-15";   /* starts on/before */
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 3); /* ev1, ev2, ev3 */
	CHECK(has_id(o, w.ev[1]) && has_id(o, w.ev[2]) && has_id(o, w.ev[3]));
	json_decref(o);

	store_query_init(&q);
	q.kind = REC_EVENT;
	q.place = w.city; /* at it or within it */
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 4);
	json_decref(o);
	q.place = w.village;
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 2);
	json_decref(o);
	q.place = NULL;
	q.type = "protest";
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 3);
	json_decref(o);
	q.type = NULL;

	/* party: events it owns or has an account of */
	q.party = w.pb;
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 3);
	json_decref(o);
	CHECK_EQ_INT(account(st, &kb, w.pb, w.ev[0], "B on event 0.", 1, 2,
			     ac),
		     0);
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 4);
	CHECK(has_id(o, w.ev[0]));
	json_decref(o);

	/* accounts of an event */
	store_query_init(&q);
	q.event = w.ev[0];
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 1);
	CHECK(has_id(o, ac));
	json_decref(o);

	/* withdrawn records are left out unless asked for */
	CHECK_EQ_INT(file(st, &kb,
			  J("{'v':1,'kind':'account','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','withdrawal':{'reason':"
			    "'duplicate'}}",
			    w.pb, ac),
			  NULL),
		     0);
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 0);
	json_decref(o);
	q.withdrawn = 1;
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 1);
	json_decref(o);

	/* every kind, by created index, paged two at a time */
	store_query_init(&q);
	q.limit = 2;
	{
		char cursor[64] = "";
		int total = 0, pages = 0;
		int64_t last = -1;
		do {
			size_t i;
			q.cursor = cursor[0] ? cursor : NULL;
			o = list(st, &q);
			for (i = 0; i < (size_t)count_items(o); i++) {
				int64_t ci = json_integer_value(json_object_get(
				    json_array_get(json_object_get(o, "items"),
						   i),
				    "created_index"));
				CHECK(ci > last);
				last = ci;
				total++;
			}
			cursor[0] = '\0';
			if (jget_s(o, "next"))
				snprintf(cursor, sizeof(cursor), "%s",
					 jget_s(o, "next"));
			json_decref(o);
			pages++;
		} while (cursor[0] && pages < 50);
		CHECK_EQ_INT(total, 12); /* 2 parties, 4 places, 6 events */
	}
	/* events paged by time */
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.limit = 4;
	o = list(st, &q);
	CHECK_EQ_INT(count_items(o), 4);
	REQUIRE(jget_s(o, "next") != NULL);
	{
		char cursor[64];
		json_t *o2;
		snprintf(cursor, sizeof(cursor), "%s", jget_s(o, "next"));
		q.cursor = cursor;
		o2 = list(st, &q);
		CHECK_EQ_INT(count_items(o2), 2);
		CHECK(json_is_null(json_object_get(o2, "next")));
		CHECK_EQ_STR(
		    jget_s(json_array_get(json_object_get(o2, "items"), 1),
			   "id"),
		    w.ev[4]);
		json_decref(o2);
	}
	json_decref(o);

	/* bad filter values are errors, not empty lists */
	store_query_init(&q);
	q.from = "2026-1-1";
	CHECK_EQ_INT(store_list(st, &q, &o, &err), PX_EINVAL);
	store_query_init(&q);
	q.place = "place-"
		  "3333333333333333333333333333333333333333333333333333333333"
		  "333333";
	CHECK_EQ_INT(store_list(st, &q, &o, &err), PX_ENOTFOUND);
	store_query_init(&q);
	q.cursor = "r.x";
	CHECK_EQ_INT(store_list(st, &q, &o, &err), PX_EINVAL);
	store_close(st);
}

/* ---- the disputed flag */

static int disputed(struct store *st, const char *ev)
{
	struct store_query q;
	json_t *o;
	int r;

	store_query_init(&q);
	q.kind = REC_EVENT;
	q.disputed = 1;
	o = list(st, &q);
	r = has_id(o, ev);
	json_decref(o);
	return r;
}

TEST(test_disputed)
{
	struct store *st = fresh_store();
	struct world w;
	char a1[REC_ID_SIZE], a2[REC_ID_SIZE], a3[REC_ID_SIZE];
	struct px_err err;
	json_t *o = NULL;

	build_world(st, &w);
	CHECK_EQ_INT(account(st, &ka, w.pa, w.ev[0], "A says 3 to 6.", 3, 6,
			     a1),
		     0);
	CHECK(!disputed(st, w.ev[0])); /* single source */
	CHECK_EQ_INT(account(st, &kb, w.pb, w.ev[0], "B says 5 to 9.", 5, 9,
			     a2),
		     0);
	CHECK(!disputed(st, w.ev[0])); /* ranges overlap */
	CHECK_EQ_INT(account(st, &kb, w.pb, w.ev[0], "B also says 20+.", 20,
			     40, a3),
		     0);
	CHECK(disputed(st, w.ev[0]));
	CHECK(!disputed(st, w.ev[1]));

	REQUIRE(store_compare(st, w.ev[0], &o, &err) == 0);
	CHECK(json_is_true(json_object_get(o, "disputed")));
	CHECK_EQ_INT(json_array_size(json_object_get(o, "accounts")), 3);
	CHECK_EQ_STR(jget_s(json_object_get(o, "event"), "id"), w.ev[0]);
	CHECK(json_object_get(o, "fields") != NULL);
	json_decref(o);

	/* withdrawing the outlier settles it */
	CHECK_EQ_INT(file(st, &kb,
			  J("{'v':1,'kind':'account','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','withdrawal':{'reason':"
			    "'superseded'}}",
			    w.pb, a3),
			  NULL),
		     0);
	CHECK(!disputed(st, w.ev[0]));
	/* and a revision can raise it again */
	CHECK_EQ_INT(file(st, &kb,
			  J("{'v':1,'kind':'account','filed_by':'%s','filed_at':"
			    "'" T0 "','revises':'%s','event':'%s','narrative':"
			    "{'text':'B now says 100.','lang':'en'},'claims':{"
			    "'casualties':{'civilians':{'best':100}}}}",
			    w.pb, a2, w.ev[0]),
			  NULL),
		     0);
	CHECK(disputed(st, w.ev[0]));
	CHECK_EQ_INT(store_compare(st, w.city, &o, &err), PX_ENOTFOUND);
	store_close(st);
}

/* ---- determinism: one log, applied two ways */

struct sim {
	struct store *st; /* the store the log is applied to as it grows */
	struct key keys[3];
	char party[3][REC_ID_SIZE];
	char places[16][REC_ID_SIZE];
	int place_owner[16];
	int nplaces;
	char events[16][REC_ID_SIZE];
	int nevents;
	struct {
		char latest[REC_ID_SIZE];
		char older[REC_ID_SIZE];
		int owner, withdrawn;
	} acc[64];
	int nacc;
	char ids[400][REC_ID_SIZE]; /* every revision id made */
	int nids;
	struct px_buf log[400];
	int nlog;
	int applied, refused;
	uint32_t rng;
};

static uint32_t rnd(struct sim *s, uint32_t n)
{
	s->rng = s->rng * 1103515245u + 12345u;
	return (s->rng >> 8) % n;
}

/* Append an entry to the log and apply it to s->st; 0 if accepted. */
static int sim_add(struct sim *s, const struct key *k, const char *json,
		   char id[REC_ID_SIZE])
{
	struct px_buf *e = &s->log[s->nlog];
	struct px_err err;
	int rc;

	entry(k, json, e, id);
	memcpy(s->ids[s->nids++], id, REC_ID_SIZE);
	rc = store_apply(s->st, (uint64_t)s->nlog, e->data, e->len, &op.v, 0,
			 NULL, &err);
	s->nlog++;
	if (rc == 0)
		s->applied++;
	else
		s->refused++;
	if (getenv("STORE_TEST_VERBOSE") && rc != 0)
		fprintf(stderr, "%d: %s\n", s->nlog - 1, err.msg);
	return rc;
}

static void sim_raw(struct sim *s, const void *data, size_t len)
{
	struct px_buf *e = &s->log[s->nlog];
	struct px_err err;

	px_buf_init(e, 1 << 20);
	px_buf_add(e, data, len);
	if (store_apply(s->st, (uint64_t)s->nlog, e->data, e->len, &op.v, 0,
			NULL, &err) == 0)
		s->applied++;
	else
		s->refused++;
	s->nlog++;
}

/*
 * Grow a random log of places, events, accounts, revisions (some stale,
 * some by the wrong party or signed with the wrong key), withdrawals,
 * re-parented places (some cycles), key rotations and duplicates.
 */
static void sim_generate(struct sim *s, int n)
{
	static const char *const names[] = {
	    NAMES_STEPANAKERT, "{'name':'Shusha','lang':'en','script':'Latn'}",
	    "{'name':'Şuşa','lang':'az','script':'Latn'}",
	    "{'name':'Шуша','lang':'ru','script':'Cyrl'}"};
	char id[REC_ID_SIZE];
	int i, p;

	for (p = 0; p < 3; p++) {
		char nm[32];
		snprintf(nm, sizeof(nm), "p%d.example", p);
		key_make(&s->keys[p], nm);
		sim_add(s, &op,
			J("{'v':1,'kind':'party','filed_at':'" T0 "','name':"
			  "'Party %d','type':'ngo','key':'%s'}",
			  p, s->keys[p].vkey),
			s->party[p]);
	}
	for (i = 0; s->nlog < n; i++) {
		int what = (int)rnd(s, 12);
		int who = (int)rnd(s, 3);
		/* now and then signed with someone else's key */
		const struct key *k = &s->keys[rnd(s, 10) ? who : (who + 1) % 3];

		if (what == 0 || s->nplaces == 0) {
			char par[REC_ID_SIZE + 16] = "";
			if (s->nplaces >= 16)
				continue;
			if (s->nplaces && rnd(s, 2))
				snprintf(par, sizeof(par), ",'parent':'%s'",
					 s->places[rnd(s, (uint32_t)s->nplaces)]);
			if (sim_add(s, k,
				    J("{'v':1,'kind':'place','filed_by':'%s',"
				      "'filed_at':'2026-01-0%dT00:00:00Z',"
				      "'names':[%s],'type':'settlement'%s}",
				      s->party[who], 1 + (int)rnd(s, 9),
				      names[rnd(s, 4)], par),
				    id) == 0) {
				s->place_owner[s->nplaces] = who;
				memcpy(s->places[s->nplaces++], id,
				       REC_ID_SIZE);
			}
		} else if (what == 1 || s->nevents == 0) {
			int d = 1 + (int)rnd(s, 27);
			if (s->nevents >= 16)
				continue;
			if (sim_add(s, k,
				    J("{'v':1,'kind':'event','filed_by':'%s',"
				      "'filed_at':'" T0 "','title':'Event %d "
				      "near the river','type':'%s','time':{"
				      "'start':'2026-02-%02d','end':"
				      "'2026-02-%02d','precision':'day'},"
				      "'place':{'place':'%s','precision':"
				      "'near'}}",
				      s->party[who], i,
				      rnd(s, 2) ? "battle" : "riot", d,
				      d + (int)rnd(s, 2),
				      s->places[rnd(s, (uint32_t)s->nplaces)]),
				    id) == 0)
				memcpy(s->events[s->nevents++], id,
				       REC_ID_SIZE);
		} else if (what <= 5 && s->nacc < 64) {
			int low = (int)rnd(s, 30);
			if (sim_add(s, k,
				    J("{'v':1,'kind':'account','filed_by':'%s',"
				      "'filed_at':'" T0 "','event':'%s',"
				      "'narrative':{'text':'Account %d: "
				      "shelling in Xankəndi','lang':'en'},"
				      "'claims':{'place':{'place':'%s',"
				      "'precision':'exact'},'casualties':{"
				      "'civilians':{'low':%d,'high':%d}}}}",
				      s->party[who],
				      s->events[rnd(s, (uint32_t)s->nevents)], i,
				      s->places[rnd(s, (uint32_t)s->nplaces)],
				      low, low + (int)rnd(s, 10)),
				    id) == 0) {
				memcpy(s->acc[s->nacc].latest, id, REC_ID_SIZE);
				memcpy(s->acc[s->nacc].older, id, REC_ID_SIZE);
				s->acc[s->nacc].owner = who;
				s->nacc++;
			}
		} else if (what <= 8 && s->nacc) {
			int a = (int)rnd(s, (uint32_t)s->nacc);
			int stale = rnd(s, 6) == 0, low = (int)rnd(s, 30);
			int by = rnd(s, 6) ? s->acc[a].owner : who;
			if (sim_add(s, by == who ? k : &s->keys[by],
				    J("{'v':1,'kind':'account','filed_by':'%s',"
				      "'filed_at':'" T0 "','revises':'%s',"
				      "'event':'%s','narrative':{'text':"
				      "'Revised %d','lang':'en'},'claims':{"
				      "'casualties':{'civilians':{'low':%d,"
				      "'high':%d}}}}",
				      s->party[by],
				      stale ? s->acc[a].older : s->acc[a].latest,
				      s->events[rnd(s, (uint32_t)s->nevents)], i,
				      low, low + 3),
				    id) == 0) {
				memcpy(s->acc[a].older, s->acc[a].latest,
				       REC_ID_SIZE);
				memcpy(s->acc[a].latest, id, REC_ID_SIZE);
			}
		} else if (what == 9 && s->nacc) {
			int a = (int)rnd(s, (uint32_t)s->nacc);
			int by = rnd(s, 4) ? s->acc[a].owner : who;
			if (sim_add(s, &s->keys[by],
				    J("{'v':1,'kind':'account','filed_by':'%s',"
				      "'filed_at':'" T0 "','revises':'%s',"
				      "'withdrawal':{'reason':'withdrawn %d'}}",
				      s->party[by], s->acc[a].latest, i),
				    id) == 0) {
				memcpy(s->acc[a].latest, id, REC_ID_SIZE);
				s->acc[a].withdrawn = 1;
			}
		} else if (what == 10 && s->nplaces > 1) {
			/* re-parent a place: sometimes a cycle */
			int pl = (int)rnd(s, (uint32_t)s->nplaces);
			int pa = (int)rnd(s, (uint32_t)s->nplaces);
			json_t *o = NULL;
			struct px_err err;
			if (store_get(s->st, s->places[pl], 0, &o, &err) != 0)
				continue;
			if (sim_add(s, &s->keys[s->place_owner[pl]],
				    J("{'v':1,'kind':'place','filed_by':'%s',"
				      "'filed_at':'" T0 "','revises':'%s',"
				      "'names':[%s],'type':'district','parent':"
				      "'%s'}",
				      s->party[s->place_owner[pl]],
				      jget_s(o, "revision"), names[rnd(s, 4)],
				      s->places[pa]),
				    id) != 0)
				(void)0;
			json_decref(o);
		} else if (what == 11 && s->nlog > 3) {
			/* a duplicate of an earlier entry */
			const struct px_buf *src =
			    &s->log[rnd(s, (uint32_t)s->nlog)];
			sim_raw(s, src->data, src->len);
		}
	}
	sim_raw(s, "not a signed note\n", 18);
}
/* Everything the store answers, as one JSON value. */
static json_t *dump(struct store *st, const struct sim *s)
{
	json_t *all = json_object(), *arr = json_array(), *o;
	struct store_query q;
	struct px_err err;
	int i;
	static const char *const words[] = {"Stepanakert", "Шуша", "shusha",
					    "river", "Xankendi", "Account"};

	for (i = 0; i < s->nids; i++) {
		o = NULL;
		if (store_get(st, s->ids[i], 1, &o, &err) != 0)
			o = json_string(px_strerror_name(err.code));
		json_array_append_new(arr, o);
	}
	json_object_set_new(all, "records", arr);
	arr = json_array();
	for (i = 0; i < (int)store_applied(st); i++) {
		o = NULL;
		if (store_entry_status(st, (uint64_t)i, &o, &err) != 0)
			o = json_null();
		json_array_append_new(arr, o);
	}
	json_object_set_new(all, "entries", arr);
	arr = json_array();
	for (i = -1; i < REC_KIND_COUNT; i++) {
		store_query_init(&q);
		q.kind = i;
		q.limit = 1000;
		json_array_append_new(arr, list(st, &q));
		q.withdrawn = 1;
		json_array_append_new(arr, list(st, &q));
	}
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.disputed = 1;
	json_array_append_new(arr, list(st, &q));
	for (i = 0; i < s->nplaces; i++) {
		store_query_init(&q);
		q.place = s->places[i];
		json_array_append_new(arr, list(st, &q));
	}
	for (i = 0; i < 3; i++) {
		store_query_init(&q);
		q.party = s->party[i];
		q.kind = REC_EVENT;
		json_array_append_new(arr, list(st, &q));
	}
	for (i = 0; i < (int)PX_ARRAY_LEN(words); i++) {
		json_array_append_new(arr, search(st, words[i], -1));
		json_array_append_new(arr, search(st, words[i], REC_EVENT));
	}
	for (i = 0; i < s->nevents; i++) {
		o = NULL;
		if (store_compare(st, s->events[i], &o, &err) != 0)
			o = json_null();
		json_array_append_new(arr, o);
	}
	json_object_set_new(all, "queries", arr);
	o = NULL;
	store_stats(st, &o, &err);
	json_object_set_new(all, "stats", o);
	return all;
}

TEST(test_determinism)
{
	static struct sim s;
	struct store *b;
	char pathb[512];
	struct px_err err;
	json_t *da, *db, *o;
	struct store_query q;
	int i, in_txn = 0, disputed_events;
	char *ta, *tb;

	memset(&s, 0, sizeof(s));
	s.rng = 20260105;
	/* a: each entry applied on its own as the log grows */
	s.st = fresh_store();
	sim_generate(&s, 360);
	CHECK_EQ_INT(store_applied(s.st), (uint64_t)s.nlog);
	/* the log is a real mix */
	CHECK(s.applied > 150);
	CHECK(s.refused > 30);
	store_query_init(&q);
	q.kind = REC_EVENT;
	q.disputed = 1;
	o = list(s.st, &q);
	disputed_events = count_items(o);
	json_decref(o);
	CHECK(disputed_events > 0);

	/* b: the same log replayed in batches of 7, one transaction each,
	 * closed and reopened half way (catching up after a restart) */
	snprintf(pathb, sizeof(pathb), "%s/s%d.db", dbdir, dbseq);
	b = fresh_store();
	for (i = 0; i < s.nlog; i++) {
		if (i == s.nlog / 2) {
			if (in_txn)
				REQUIRE(store_commit(b, &err) == 0);
			in_txn = 0;
			store_close(b);
			REQUIRE(store_open(pathb, 0, &b, &err) == 0);
			CHECK_EQ_INT(store_applied(b), (uint64_t)i);
		}
		if (!in_txn) {
			REQUIRE(store_begin(b, &err) == 0);
			in_txn = 1;
		}
		store_apply(b, (uint64_t)i, s.log[i].data, s.log[i].len, &op.v,
			    0, NULL, &err);
		if (i % 7 == 6) {
			REQUIRE(store_commit(b, &err) == 0);
			in_txn = 0;
		}
	}
	if (in_txn)
		REQUIRE(store_commit(b, &err) == 0);
	CHECK_EQ_INT(store_applied(b), (uint64_t)s.nlog);

	da = dump(s.st, &s);
	db = dump(b, &s);
	ta = json_dumps(da, JSON_SORT_KEYS | JSON_COMPACT);
	tb = json_dumps(db, JSON_SORT_KEYS | JSON_COMPACT);
	REQUIRE(ta && tb);
	CHECK(strlen(ta) > 100000);
	CHECK_EQ_INT(strcmp(ta, tb), 0);
	free(tb);
	json_decref(db);
	store_close(b);

	/* c: the same log with every entry prepared ahead (store_prepare),
	 * its record parsed before any of the records it names exists, and
	 * its signature checked against the key the finished store gives it
	 * or, for one entry in three, another party's key (as if that
	 * party's key had been rotated since): those are checked again */
	{
		struct store_prep *prep = calloc((size_t)s.nlog, sizeof(*prep));
		int stale = 0, wrong_ok = 0;
		REQUIRE(prep);
		for (i = 0; i < s.nlog; i++) {
			prep[i].have_key =
			    store_entry_key(s.st, s.log[i].data, s.log[i].len,
					    &op.v, &prep[i].key, NULL) == 0;
			if (i % 3 == 0 && prep[i].have_key)
				prep[i].key = s.keys[i % 2].v;
			store_prepare(s.log[i].data, s.log[i].len, &prep[i]);
		}
		b = fresh_store();
		REQUIRE(store_begin(b, &err) == 0);
		for (i = 0; i < s.nlog; i++) {
			struct note_verifier now;
			if (store_entry_key(b, s.log[i].data, s.log[i].len,
					    &op.v, &now, NULL) == 0 &&
			    prep[i].have_key &&
			    memcmp(now.pub, prep[i].key.pub, 32) != 0) {
				stale++;
				/* signed with the key it was prepared with,
				 * which is not the filer's: must be refused */
				wrong_ok += prep[i].verified;
			}
			store_apply_prepared(b, (uint64_t)i, s.log[i].data,
					     s.log[i].len, &op.v, &prep[i], 0,
					     NULL, &err);
			store_prep_release(&prep[i]);
			if (i % 50 == 49) {
				REQUIRE(store_commit(b, &err) == 0);
				REQUIRE(store_begin(b, &err) == 0);
			}
		}
		REQUIRE(store_commit(b, &err) == 0);
		/* the cases the fallback is for did happen */
		CHECK(stale > 0);
		CHECK(wrong_ok > 0);
		db = dump(b, &s);
		tb = json_dumps(db, JSON_SORT_KEYS | JSON_COMPACT);
		REQUIRE(tb);
		CHECK_EQ_INT(strcmp(ta, tb), 0);
		free(tb);
		json_decref(db);
		store_close(b);
		free(prep);
	}
	free(ta);
	json_decref(da);
	for (i = 0; i < s.nlog; i++)
		px_buf_release(&s.log[i]);
	store_close(s.st);
}

/* ---- savepoints: a batch drops one bad entry */

TEST(test_savepoints)
{
	struct store *st = fresh_store();
	char pa[REC_ID_SIZE], pl[REC_ID_SIZE];
	struct px_err err;
	struct px_buf e;
	json_t *o = NULL;

	party(st, &ka, "Party A", pa);
	REQUIRE(store_begin(st, &err) == 0);
	REQUIRE(store_savepoint(st, &err) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Riverton','lang':'en','script':'Latn'}",
			   NULL, pl),
		     0);
	CHECK_EQ_INT(store_release(st, &err), 0);
	REQUIRE(store_savepoint(st, &err) == 0);
	CHECK_EQ_INT(place(st, &kb, pa,
			   "{'name':'Forged','lang':'en','script':'Latn'}",
			   NULL, NULL),
		     PX_EVERIFY);
	CHECK_EQ_INT(store_applied(st), 3);
	store_rollback_to(st);
	CHECK_EQ_INT(store_applied(st), 2);
	CHECK_EQ_INT(store_commit(st, &err), 0);
	CHECK_EQ_INT(store_get(st, pl, 0, &o, &err), 0);
	json_decref(o);
	/* a search inside the writer's transaction sees the batch so far */
	REQUIRE(store_begin(st, &err) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Zelenyi Gai','lang':'en','script':'Latn'}",
			   NULL, NULL),
		     0);
	o = search(st, "zelenyi", -1);
	CHECK_EQ_INT(count_items(o), 1);
	json_decref(o);
	CHECK_EQ_INT(store_commit(st, &err), 0);
	/* a search inside a savepoint writes the derived data of what came
	 * before it; rolling the savepoint back undoes those writes, and the
	 * commit must write them again */
	REQUIRE(store_begin(st, &err) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Ashgrove','lang':'en','script':'Latn'}",
			   NULL, NULL),
		     0);
	REQUIRE(store_savepoint(st, &err) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Ashgrove Mill','lang':'en',"
			   "'script':'Latn'}",
			   NULL, NULL),
		     0);
	o = search(st, "ashgrove", -1);
	CHECK_EQ_INT(count_items(o), 2);
	json_decref(o);
	store_rollback_to(st);
	CHECK_EQ_INT(store_commit(st, &err), 0);
	o = search(st, "ashgrove", -1);
	CHECK_EQ_INT(count_items(o), 1);
	json_decref(o);
	/* a rolled back transaction leaves nothing */
	REQUIRE(store_begin(st, &err) == 0);
	CHECK_EQ_INT(place(st, &ka, pa,
			   "{'name':'Gone','lang':'en','script':'Latn'}", NULL,
			   pl),
		     0);
	store_rollback(st);
	CHECK_EQ_INT(store_applied(st), 4);
	o = search(st, "gone", -1);
	CHECK_EQ_INT(count_items(o), 0);
	json_decref(o);
	CHECK_EQ_INT(store_get(st, pl, 0, &o, &err), PX_ENOTFOUND);
	/* read-only stores refuse to apply */
	{
		char path[512];
		struct store *ro = NULL;
		snprintf(path, sizeof(path), "%s/s%d.db", dbdir, dbseq - 1);
		REQUIRE(store_open(path, 1, &ro, &err) == 0);
		CHECK_EQ_INT(store_applied(ro), 4);
		entry(&ka,
		      J("{'v':1,'kind':'place','filed_by':'%s','filed_at':'" T0
			"','names':[{'name':'RO','lang':'en','script':'Latn'}]"
			",'type':'settlement'}",
			pa),
		      &e, NULL);
		CHECK_EQ_INT(store_apply(ro, 3, e.data, e.len, &op.v, 0, NULL,
					 &err),
			     PX_EUSAGE);
		px_buf_release(&e);
		CHECK_EQ_INT(store_get(ro, pl, 0, &o, &err), PX_ENOTFOUND);
		store_close(ro);
	}
	store_close(st);
}

TEST_MAIN(TEST_ENTRY(test_register_and_file),
	  TEST_ENTRY(test_refusals), TEST_ENTRY(test_places_within),
	  TEST_ENTRY(test_search_scripts), TEST_ENTRY(test_search_pagination),
	  TEST_ENTRY(test_list_filters), TEST_ENTRY(test_disputed),
	  TEST_ENTRY(test_savepoints), TEST_ENTRY(test_determinism))
