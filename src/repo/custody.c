/*
 * custody.c - custodial filing: records the operator signs on a party's
 * behalf with a signer key it holds (keys/parties/<party id>.key, mode
 * 0600), and party registrations, which the operator's own key signs.
 *
 * A filing goes: parse the JSON strictly (rec_canon_parse); fill the
 * envelope (v, filed_by, filed_at, and for revisions kind and revises);
 * write it canonically and validate it (rec_parse_canonical, without a
 * resolver: references are checked by the store when the entry is
 * applied); sign the canonical text + "\n" as a C2SP signed note with the
 * filer's key; hand the note to the writer (writer.c).  Anything wrong
 * before the hand-over is answered at once and nothing is written.
 *
 * Signer keys are read once and cached for the life of the open repo
 * (keys_lock); they are wiped when it closes.
 */
#include "repo/repoint.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- key files. */

int repo_read_key_file(const char *path, struct px_buf *b, struct px_err *err)
{
	int rc = px_read_file(path, b, err);
	size_t start = 0;

	if (rc)
		return rc;
	while (b->len > 0 &&
	       (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r' ||
		b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t'))
		b->data[--b->len] = '\0';
	while (start < b->len &&
	       (b->data[start] == ' ' || b->data[start] == '\t' ||
		b->data[start] == '\n' || b->data[start] == '\r'))
		start++;
	if (start) {
		memmove(b->data, b->data + start, b->len - start + 1);
		b->len -= start;
	}
	return 0;
}

/* keys/parties/<party>.key, once the id is known to be a party id. */
static char *party_key_path(struct repo *r, const char *party,
			    struct px_err *err)
{
	char rel[sizeof(REPO_DIR_PARTY_KEYS) + REC_ID_SIZE + 8];
	enum rec_kind kind;
	uint8_t h[32];
	char *path;

	if (rec_id_parse(party, strlen(party), &kind, h, err) != 0) {
		px_err_prefix(err, "party '%s'", party);
		return NULL;
	}
	if (kind != REC_PARTY) {
		px_errorf(err, PX_EINVAL, "'%s' is not a party id", party);
		return NULL;
	}
	snprintf(rel, sizeof(rel), "%s/%s.key", REPO_DIR_PARTY_KEYS, party);
	path = px_path_join(r->dir, rel);
	if (!path)
		px_errorf(err, PX_ENOMEM, "out of memory");
	return path;
}

static void cache_put(struct repo *r, const char *party,
		      const struct note_signer *s)
{
	struct repo_key *k;

	pthread_mutex_lock(&r->keys_lock);
	for (k = r->keys; k; k = k->next)
		if (strcmp(k->party, party) == 0)
			break;
	if (!k) {
		k = px_calloc(1, sizeof(*k));
		if (k) {
			snprintf(k->party, sizeof(k->party), "%s", party);
			k->next = r->keys;
			r->keys = k;
		}
	}
	if (k)
		k->signer = *s;
	pthread_mutex_unlock(&r->keys_lock);
}

static int cache_get(struct repo *r, const char *party, struct note_signer *s)
{
	struct repo_key *k;
	int found = 0;

	pthread_mutex_lock(&r->keys_lock);
	for (k = r->keys; k; k = k->next)
		if (strcmp(k->party, party) == 0) {
			*s = k->signer;
			found = 1;
			break;
		}
	pthread_mutex_unlock(&r->keys_lock);
	return found;
}

void repo_keys_release(struct repo *r)
{
	struct repo_key *k, *next;

	for (k = r->keys; k; k = next) {
		next = k->next;
		note_signer_wipe(&k->signer);
		sodium_memzero(k, sizeof(*k));
		px_free(k);
	}
	r->keys = NULL;
}

/* The signer key the operator holds for party (wipe it after use). */
static int party_signer(struct repo *r, const char *party,
			struct note_signer *s, struct px_err *err)
{
	struct px_buf b;
	char *path;
	int rc;

	if (cache_get(r, party, s))
		return 0;
	path = party_key_path(r, party, err);
	if (!path)
		return err ? err->code : PX_EINVAL;
	px_buf_init(&b, REPO_KEY_FILE_MAX);
	rc = repo_read_key_file(path, &b, err);
	if (rc == PX_ENOTFOUND)
		rc =
		    px_errorf(err, PX_ENOTFOUND,
			      "filed_by: the operator holds no signer key for "
			      "party '%s' (no '%s/%s.key'); a party that keeps "
			      "its own key submits signed entries",
			      party, REPO_DIR_PARTY_KEYS, party);
	else if (rc == 0) {
		rc = note_signer_parse((const char *)b.data, b.len, s, err);
		if (rc)
			px_err_prefix(err, "'%s'", path);
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	px_buf_release(&b);
	px_free(path);
	if (rc == 0)
		cache_put(r, party, s);
	return rc;
}

int repo_holds_key(struct repo *r, const char *party_id)
{
	struct note_signer s;
	int rc;

	if (!party_id)
		return 0;
	rc = party_signer(r, party_id, &s, NULL);
	note_signer_wipe(&s);
	return rc == 0;
}

/* ---- building and signing a filing. */

static int set_str(json_t *obj, const char *key, const char *val,
		   struct px_err *err)
{
	if (json_object_set_new(obj, key, json_string(val)) != 0)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	return 0;
}

/* Parse the caller's JSON: it must be an object. */
static int parse_object(const char *json, size_t len, json_t **out,
			struct px_err *err)
{
	int rc;

	if (!json)
		return px_errorf(err, PX_EINVAL, "$: no JSON given");
	rc = rec_canon_parse(json, len, out, err);
	if (rc)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return px_errorf(err, PX_EINVAL,
				 "$: a record must be a JSON object");
	}
	return 0;
}

/* v, filed_by and filed_at, where the caller did not give them. */
static int fill_envelope(json_t *obj, const char *as_party, struct px_err *err)
{
	char now[REC_TIME_SIZE];
	int rc = 0;

	if (!json_object_get(obj, "v") &&
	    json_object_set_new(obj, "v", json_integer(REC_VERSION)) != 0)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	if (!json_object_get(obj, "filed_by") && as_party && *as_party)
		rc = set_str(obj, "filed_by", as_party, err);
	if (rc == 0 && !json_object_get(obj, "filed_at")) {
		if (rec_time_format((int64_t)time(NULL), now) != 0)
			return px_errorf(err, PX_EIO,
					 "filed_at: the clock is out of range");
		rc = set_str(obj, "filed_at", now, err);
	}
	return rc;
}

/*
 * Sign a parsed, validated record (taken over: released here or handed
 * on) with the filer's key (filed_by), or for a party record filed by
 * nobody, the operator's.  The signed note over its canonical text + "\n"
 * is appended to note; *info receives the envelope and the revision id.
 * With prep, the parsed record and the key it was signed with are handed
 * on for the writer (store_apply_prepared): a signature just made with the
 * key's own signer is not checked again.
 */
static int sign_parsed(struct repo *r, struct rec *rec, struct px_buf *note,
		       struct rec_info *info, struct store_prep *prep,
		       struct px_err *err)
{
	struct note_signer s;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	*info = rec->info;
	if (info->filed_by[0])
		rc = party_signer(r, info->filed_by, &s, err);
	else if (r->have_opsigner)
		s = r->opsigner;
	else
		rc = px_errorf(err, PX_EUSAGE,
			       "the operator key is not available (read-only)");
	/* the note text is the canonical text and one newline */
	if (rc == 0)
		rc = px_buf_addc(&rec->canon, '\n');
	if (rc == 0)
		rc = note_sign((const char *)rec->canon.data, rec->canon.len,
			       &s, 1, note, err);
	if (rc == 0) {
		rec->canon.len--;
		rec->canon.data[rec->canon.len] = '\0';
	}
	if (rc == 0 && prep) {
		memset(prep, 0, sizeof(*prep));
		note_signer_verifier(&s, &prep->key);
		prep->have_key = 1;
		prep->verified = 1;
		prep->parsed = 1;
		prep->rec = *rec; /* handed on */
		memset(rec, 0, sizeof(*rec));
	} else {
		rec_release(rec);
	}
	note_signer_wipe(&s);
	return rc;
}

/* Canonicalize and validate obj, then sign_parsed. */
static int sign_record(struct repo *r, const json_t *obj, struct px_buf *note,
		       struct rec_info *info, struct store_prep *prep,
		       struct px_err *err)
{
	struct px_buf canon;
	struct rec rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	px_buf_init(&canon, REC_CANON_TEXT_MAX);
	rc = rec_canon_write(obj, &canon, err);
	if (rc == 0)
		rc = rec_parse_canonical((const char *)canon.data, canon.len,
					 NULL, &rec, err);
	px_buf_release(&canon);
	if (rc)
		return rc;
	return sign_parsed(r, &rec, note, info, prep, err);
}

static int submit_one(struct repo *r, const struct px_buf *note,
		      struct store_prep *prep, struct repo_result *res,
		      struct px_err *err)
{
	const uint8_t *e = note->data;
	size_t len = note->len;
	int rc = repo_submit_prepared(r, &e, &len, &prep, 1, res, err);

	store_prep_release(prep);
	if (rc)
		return rc;
	if (res->rc && err)
		px_errorf(err, res->rc, "%s", res->message);
	return res->rc;
}

/* Answer a filing that failed before it reached the writer. */
static int fail_early(struct repo_result *res, int rc, struct px_err *err)
{
	repo_result_error(res, rc, err);
	return rc;
}

int repo_submit_entry(struct repo *r, const uint8_t *note, size_t len,
		      struct repo_result *res, struct px_err *err)
{
	int rc = repo_submit_many(r, &note, &len, 1, res, err);

	if (rc)
		return rc;
	if (res->rc && err)
		px_errorf(err, res->rc, "%s", res->message);
	return res->rc;
}

int repo_file(struct repo *r, const char *json, size_t len,
	      const char *as_party, struct repo_result *res, struct px_err *err)
{
	struct rec_info info;
	struct px_buf note;
	struct store_prep prep = {0};
	json_t *obj = NULL;
	int rc;

	px_buf_init(&note, LOG_ENTRY_MAX);
	rc = parse_object(json, len, &obj, err);
	if (rc == 0)
		rc = fill_envelope(obj, as_party, err);
	if (rc == 0)
		rc = sign_record(r, obj, &note, &info, &prep, err);
	json_decref(obj);
	if (rc == 0)
		rc = submit_one(r, &note, &prep, res, err);
	else
		fail_early(res, rc, err);
	px_buf_release(&note);
	return rc;
}

/* The latest revision id of record id (R1: under store_lock). */
static int latest_revision(struct repo *r, const char *id,
			   char out[REC_ID_SIZE], struct px_err *err)
{
	json_t *got = NULL;
	const char *rev;
	int rc;

	pthread_mutex_lock(&r->store_lock);
	rc = store_get(r->st, id, 0, &got, err);
	pthread_mutex_unlock(&r->store_lock);
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, rc, "revises: no record '%s'", id);
	if (rc)
		return rc;
	rev = json_string_value(json_object_get(got, "revision"));
	if (!rev || strlen(rev) >= REC_ID_SIZE)
		rc = px_errorf(err, PX_ECORRUPT,
			       "the store has no latest revision of '%s'", id);
	else
		snprintf(out, REC_ID_SIZE, "%s", rev);
	json_decref(got);
	return rc;
}

/* A new revision of record id from obj (consumed). */
static int revise_obj(struct repo *r, const char *id,
		      const char *expected_revision, json_t *obj,
		      const char *as_party, struct repo_result *res,
		      struct px_err *err)
{
	char latest[REC_ID_SIZE];
	struct rec_info info;
	struct px_buf note;
	struct store_prep prep = {0};
	enum rec_kind kind;
	uint8_t h[32];
	int rc;

	px_buf_init(&note, LOG_ENTRY_MAX);
	rc = id ? rec_id_parse(id, strlen(id), &kind, h, err)
		: px_errorf(err, PX_EINVAL, "no record id given");
	if (rc) {
		px_err_prefix(err, "revising '%s'", id ? id : "");
		goto out;
	}
	if (!json_object_get(obj, "kind"))
		rc = set_str(obj, "kind", rec_kind_name(kind), err);
	if (rc)
		goto out;
	if (expected_revision) {
		rc = set_str(obj, "revises", expected_revision, err);
	} else if (!json_object_get(obj, "revises")) {
		rc = latest_revision(r, id, latest, err);
		if (rc == 0)
			rc = set_str(obj, "revises", latest, err);
	}
	if (rc == 0)
		rc = fill_envelope(obj, as_party, err);
	if (rc == 0)
		rc = sign_record(r, obj, &note, &info, &prep, err);
out:
	json_decref(obj);
	if (rc == 0)
		rc = submit_one(r, &note, &prep, res, err);
	else
		fail_early(res, rc, err);
	px_buf_release(&note);
	return rc;
}

int repo_revise(struct repo *r, const char *id, const char *expected_revision,
		const char *json, size_t len, const char *as_party,
		struct repo_result *res, struct px_err *err)
{
	json_t *obj = NULL;
	int rc = parse_object(json, len, &obj, err);

	if (rc)
		return fail_early(res, rc, err);
	return revise_obj(r, id, expected_revision, obj, as_party, res, err);
}

int repo_withdraw(struct repo *r, const char *id, const char *reason,
		  const char *as_party, struct repo_result *res,
		  struct px_err *err)
{
	json_t *obj;

	if (!reason)
		return fail_early(res,
				  px_errorf(err, PX_EINVAL,
					    "withdrawal.reason: a withdrawal "
					    "needs a reason"),
				  err);
	obj = json_pack("{s:{s:s}}", "withdrawal", "reason", reason);
	if (!obj)
		return fail_early(
		    res,
		    px_errorf(err, PX_EINVAL,
			      "withdrawal.reason: not valid UTF-8"),
		    err);
	return revise_obj(r, id, NULL, obj, as_party, res, err);
}

/* ---- many filings at once. */

/* Check entries against the store without writing anything: the batch is
 * applied in a transaction that is then rolled back (R1). */
static int dry_check(struct repo *r, const uint8_t *const *entries,
		     const size_t *lens, size_t n, struct repo_result *res,
		     struct px_err *err)
{
	uint64_t next;
	size_t i;
	int rc;

	pthread_mutex_lock(&r->store_lock);
	rc = store_begin(r->st, err);
	if (rc) {
		pthread_mutex_unlock(&r->store_lock);
		return rc;
	}
	next = store_applied(r->st);
	for (i = 0; i < n && rc == 0; i++) {
		struct store_applied ap;
		struct px_err ae;
		int arc;

		rc = store_savepoint(r->st, err);
		if (rc)
			break;
		memset(&ap, 0, sizeof(ap));
		px_err_clear(&ae);
		arc = store_apply(r->st, next, entries[i], lens[i], &r->opkey,
				  0, &ap, &ae);
		rc = repo_savepoint_end(r->st, arc == 0, err);
		if (arc) {
			repo_result_error(&res[i], arc, &ae);
			continue;
		}
		memset(&res[i], 0, sizeof(res[i]));
		snprintf(res[i].id, sizeof(res[i].id), "%s", ap.record_id);
		snprintf(res[i].revision, sizeof(res[i].revision), "%s",
			 ap.info.id);
		res[i].kind = ap.info.kind;
		res[i].index = next++;
	}
	store_rollback(r->st);
	pthread_mutex_unlock(&r->store_lock);
	return rc;
}

/*
 * Sign n items -- json[i] (parsed and its envelope filled), or with json
 * NULL recs[i] (taken over: released whatever happens) -- and submit those
 * that could be signed as one group commit, or with dry_run only check them
 * (dry_check).  res[i] answers item i.
 */
static int file_many(struct repo *r, const char *const *json,
		     const size_t *len, struct rec *recs, size_t n,
		     const char *as_party, int dry_run,
		     struct repo_result *res, struct px_err *err)
{
	struct px_buf *notes = NULL;
	const uint8_t **entries = NULL;
	size_t *lens = NULL, *map = NULL, m = 0, i;
	struct repo_result *sub = NULL;
	struct store_prep *preps = NULL, **pp = NULL;
	int rc = 0;

	if (!r->log) {
		rc = px_errorf(err, PX_EUSAGE,
			       "the repository is open read-only");
		goto out;
	}
	if (n == 0)
		goto out;
	preps = px_calloc(n, sizeof(*preps));
	pp = px_calloc(n, sizeof(*pp));
	notes = px_calloc(n, sizeof(*notes));
	entries = px_calloc(n, sizeof(*entries));
	lens = px_calloc(n, sizeof(*lens));
	map = px_calloc(n, sizeof(*map));
	sub = px_calloc(n, sizeof(*sub));
	if (!notes || !entries || !lens || !map || !sub || !preps || !pp) {
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct store_prep *prep = dry_run ? NULL : &preps[m];
		struct rec_info info;
		struct px_err e;
		json_t *obj = NULL;
		int frc;

		px_buf_init(&notes[i], LOG_ENTRY_MAX);
		px_err_clear(&e);
		if (json) {
			frc = parse_object(json[i], len[i], &obj, &e);
			if (frc == 0)
				frc = fill_envelope(obj, as_party, &e);
			if (frc == 0)
				frc = sign_record(r, obj, &notes[i], &info,
						  prep, &e);
			json_decref(obj);
		} else {
			frc = sign_parsed(r, &recs[i], &notes[i], &info, prep,
					  &e);
		}
		if (frc) {
			repo_result_error(&res[i], frc, &e);
			continue;
		}
		entries[m] = notes[i].data;
		lens[m] = notes[i].len;
		pp[m] = prep;
		map[m++] = i;
	}
	if (dry_run)
		rc = dry_check(r, entries, lens, m, sub, err);
	else
		rc = repo_submit_prepared(r, entries, lens, pp, m, sub, err);
	for (i = 0; i < m; i++)
		res[map[i]] = sub[i];
out:
	for (i = 0; recs && i < n; i++)
		rec_release(&recs[i]);
	for (i = 0; notes && i < n; i++)
		px_buf_release(&notes[i]);
	for (i = 0; preps && i < n; i++)
		store_prep_release(&preps[i]);
	px_free(preps);
	px_free(pp);
	px_free(notes);
	px_free(entries);
	px_free(lens);
	px_free(map);
	px_free(sub);
	return rc;
}

int repo_file_batch(struct repo *r, const char *const *json, const size_t *len,
		    size_t n, const char *as_party, int dry_run,
		    struct repo_result *res, struct px_err *err)
{
	return file_many(r, json, len, NULL, n, as_party, dry_run, res, err);
}

int repo_file_parsed(struct repo *r, struct rec *recs, size_t n,
		     struct repo_result *res, struct px_err *err)
{
	return file_many(r, NULL, NULL, recs, n, NULL, 0, res, err);
}

/* ---- party registration. */

/*
 * A key name for a party: the ASCII letters and digits of its name, lower
 * case, words joined by '-' (at most 40 characters), then '-' and 8 random
 * hex digits, e.g. "office-of-the-ombudsperson-3f9a0c12".  A name with no
 * ASCII word gives "party-<hex>".
 */
static void key_name_for(const char *name, char out[64])
{
	uint8_t rnd[4];
	char hex[9];
	size_t n = 0;
	int gap = 0;

	for (; name && *name && n < 40; name++) {
		unsigned char c = (unsigned char)*name;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && n > 0 && n < 39)
				out[n++] = '-';
			out[n++] = (char)c;
			gap = 0;
		} else {
			gap = 1;
		}
	}
	if (n == 0) {
		memcpy(out, "party", 5);
		n = 5;
	}
	randombytes_buf(rnd, sizeof(rnd));
	px_hex_encode(hex, rnd, sizeof(rnd));
	snprintf(out + n, 64 - n, "-%s", hex);
}

int repo_register_party_with_key(struct repo *r, const char *json, size_t len,
				 const char *signer_key,
				 struct repo_result *res, struct px_err *err)
{
	struct note_signer ps;
	struct note_verifier pv;
	struct rec_info info;
	struct px_buf note, vtext, stext;
	struct store_prep prep = {0};
	const char *given_key, *kind;
	char *skey = NULL, *vkey = NULL, *kpath = NULL;
	json_t *obj = NULL;
	int rc, custodial = 0, created = 0;

	memset(&ps, 0, sizeof(ps));
	px_buf_init(&note, LOG_ENTRY_MAX);
	px_buf_init(&vtext, REPO_KEY_FILE_MAX);
	px_buf_init(&stext, REPO_KEY_FILE_MAX);
	rc = parse_object(json, len, &obj, err);
	if (rc)
		goto out;
	kind = json_string_value(json_object_get(obj, "kind"));
	if (kind && strcmp(kind, "party") != 0) {
		rc = px_errorf(err, PX_EINVAL,
			       "kind: a registration is a party record, not "
			       "\"%s\"",
			       kind);
		goto out;
	}
	if (json_object_get(obj, "filed_by")) {
		rc = px_errorf(err, PX_EINVAL,
			       "filed_by: a registration is filed by the log "
			       "operator and names no filer");
		goto out;
	}
	if (!kind && (rc = set_str(obj, "kind", "party", err)) != 0)
		goto out;
	given_key = json_string_value(json_object_get(obj, "key"));
	if (signer_key) {
		rc = px_buf_addstr(&stext, signer_key);
		if (rc == 0) {
			while (stext.len > 0 &&
			       (stext.data[stext.len - 1] == '\n' ||
				stext.data[stext.len - 1] == ' '))
				stext.data[--stext.len] = '\0';
			rc = note_signer_parse((const char *)stext.data,
					       stext.len, &ps, err);
		}
		if (rc) {
			px_err_prefix(err, "the party's signer key");
			goto out;
		}
		custodial = 1;
	} else if (!json_object_get(obj, "key")) {
		char kname[64];
		key_name_for(json_string_value(json_object_get(obj, "name")),
			     kname);
		rc = note_key_generate(kname, NOTE_ALG_ED25519, &skey, &vkey,
				       err);
		if (rc == 0)
			rc = px_buf_addstr(&stext, skey);
		if (rc == 0)
			rc = note_signer_parse((const char *)stext.data,
					       stext.len, &ps, err);
		if (rc)
			goto out;
		custodial = 1;
	}
	if (custodial) {
		note_signer_verifier(&ps, &pv);
		rc = note_verifier_format(&pv, &vtext);
		if (rc) {
			rc = px_errorf(err, rc, "out of memory");
			goto out;
		}
		if (given_key && strcmp(given_key, (char *)vtext.data) != 0) {
			rc = px_errorf(err, PX_EINVAL,
				       "key: \"%s\" is not the verifier of "
				       "the signer key given (\"%s\")",
				       given_key, (char *)vtext.data);
			goto out;
		}
		if (!given_key &&
		    (rc = set_str(obj, "key", (char *)vtext.data, err)) != 0)
			goto out;
	}
	rc = fill_envelope(obj, NULL, err);
	if (rc == 0)
		rc = sign_record(r, obj, &note, &info, &prep, err);
	if (rc)
		goto out;
	if (custodial) {
		/*
		 * The record id is the revision id, known before the entry is
		 * submitted: the key is made durable first, so a party the log
		 * acknowledges never lacks the key its operator holds.
		 */
		kpath = party_key_path(r, info.id, err);
		if (!kpath) {
			rc = err ? err->code : PX_ENOMEM;
			goto out;
		}
		created = !px_file_exists(kpath);
		if (created) {
			rc = px_buf_addc(&stext, '\n');
			if (rc == 0)
				rc = px_write_file_durable(
				    kpath, stext.data, stext.len, 0600, err);
			if (rc)
				goto out;
		}
	}
	rc = submit_one(r, &note, &prep, res, err);
	if (rc == 0 && custodial)
		cache_put(r, res->id, &ps);
	else if (rc && created)
		unlink(kpath);
	goto done;
out:
	fail_early(res, rc, err);
done:
	json_decref(obj);
	note_signer_wipe(&ps);
	if (skey) {
		sodium_memzero(skey, strlen(skey));
		px_free(skey);
	}
	px_free(vkey);
	if (stext.data)
		sodium_memzero(stext.data, stext.cap);
	px_buf_release(&stext);
	px_buf_release(&vtext);
	px_buf_release(&note);
	px_free(kpath);
	return rc;
}

int repo_register_party(struct repo *r, const char *json, size_t len,
			struct repo_result *res, struct px_err *err)
{
	return repo_register_party_with_key(r, json, len, NULL, res, err);
}
