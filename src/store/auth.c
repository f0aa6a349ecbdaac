/*
 * auth.c - users, sessions, API tokens and the audit trail in DIR/auth.db
 * (see auth.h).  One SQLite connection guarded by a mutex (it is opened
 * SQLITE_OPEN_NOMUTEX, so nothing touches it or its statements without
 * holding `mu`): these tables are small and touched once per authenticated
 * request.  The statements every request runs (token and session checks,
 * the audit insert) are prepared once and kept, reset after each use so
 * that none holds a read transaction open between requests.
 *
 * Audit rows of filings are buffered in memory and written in one
 * transaction per batch: when AUDIT_BATCH rows are waiting (by the thread
 * that adds the last one), AUDIT_DELAY_MS after the first of them (by a
 * flusher thread), before auth_audit_list reads the table, and at
 * auth_close.  Every other row (logins, failed logins, refused attempts,
 * changes to users and tokens) is written before auth_audit returns,
 * together with whatever is buffered, since the table is its only record;
 * a filing is in the log as well, signed, with who filed it.  Rows keep the
 * order in which auth_audit was called.  So a crash of the process loses
 * at most the filing rows of the last AUDIT_DELAY_MS or so (about
 * AUDIT_BATCH; up to AUDIT_MAX only while auth.db cannot be written), and a
 * power loss the last commits, as synchronous=NORMAL below allows; the
 * record itself is never at stake.
 *
 * Tables:
 *   users(id, name UNIQUE, role, party, pwhash, disabled, created)
 *   sessions(hash PRIMARY KEY, user_id, csrf, expires)
 *   tokens(id PRIMARY KEY, hash UNIQUE, user_id, label, created, expires,
 *          revoked)
 *   audit(id INTEGER PRIMARY KEY, at, what, user, ip, detail)
 * `hash` columns hold the lower-case hex SHA-256 of the secret.
 */
#include "store/auth.h"

#include "log/hash.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <time.h>

/*
 * Argon2id cost: t = 2 passes over m = 19 MiB, p = 1, the OWASP Password
 * Storage Cheat Sheet's first recommended setting; the parameters are kept
 * in each stored hash ($argon2id$v=19$m=19456,t=2,p=1$...).
 */
#define AUTH_PWHASH_OPS 2
#define AUTH_PWHASH_MEM (19u * 1024 * 1024)

#define AUDIT_BATCH 256
#define AUDIT_DELAY_MS 100
#define AUDIT_MAX 65536 /* rows kept while auth.db cannot be written */

/* One buffered audit row: text[i] (what, user, ip, detail) point into mem
 * or are NULL. */
struct audit_row {
	int64_t at;
	const char *text[4];
	char *mem;
};

struct auth_db {
	sqlite3 *db;
	pthread_mutex_t mu; /* db and every statement; taken before amu */
	sqlite3_stmt *q_token, *q_session, *q_audit;
	char dummy_hash[crypto_pwhash_STRBYTES]; /* for unknown users */

	pthread_mutex_t amu; /* the audit buffer and the flusher's state */
	pthread_cond_t acond;
	struct audit_row *rows;
	size_t nrows, caprows;
	struct timespec first; /* CLOCK_MONOTONIC when rows[0] came */
	int stopping, have_flusher;
	pthread_t flusher;
};

static const char *const role_names[] = {"admin", "editor", "party", "reader"};

const char *auth_role_name(enum auth_role role)
{
	if ((unsigned)role >= PX_ARRAY_LEN(role_names))
		return NULL;
	return role_names[role];
}

int auth_role_parse(const char *s, enum auth_role *role)
{
	size_t i;

	for (i = 0; s && i < PX_ARRAY_LEN(role_names); i++)
		if (strcmp(s, role_names[i]) == 0) {
			*role = (enum auth_role)i;
			return 0;
		}
	return PX_EINVAL;
}

json_t *auth_user_json(const struct auth_user *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "username", json_string(u->name));
	json_object_set_new(o, "role", json_string(auth_role_name(u->role)));
	if (u->party[0])
		json_object_set_new(o, "party", json_string(u->party));
	json_object_set_new(o, "disabled", json_boolean(u->disabled));
	return o;
}

/*
 * WAL with synchronous=NORMAL: a commit is not fsynced, the WAL is at
 * checkpoints, so every request that writes here (an audit line, a
 * session) costs no disk flush.  A power loss may drop the last audit lines
 * and sessions, never corrupt the file; the record itself is in the log,
 * which is fsynced before any filing is acknowledged.
 */
static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS users(id INTEGER PRIMARY KEY, name TEXT "
    "NOT NULL UNIQUE, role TEXT NOT NULL, party TEXT NOT NULL DEFAULT '', "
    "pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created "
    "INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions(hash TEXT PRIMARY KEY, user_id "
    "INTEGER NOT NULL, csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tokens(id TEXT PRIMARY KEY, hash TEXT NOT "
    "NULL UNIQUE, user_id INTEGER NOT NULL, label TEXT NOT NULL, created "
    "INTEGER NOT NULL, expires INTEGER NOT NULL DEFAULT 0, revoked INTEGER "
    "NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, at INTEGER "
    "NOT NULL, what TEXT NOT NULL, user TEXT, ip TEXT, detail TEXT);";

static int db_error(struct auth_db *db, struct px_err *err, const char *what)
{
	return px_errorf(err, PX_EIO, "auth.db: %s: %s", what,
			 sqlite3_errmsg(db->db));
}

/*
 * A kept statement (caller holds mu): prepared on first use, reset and
 * cleared on every later one.  NULL if it cannot be prepared.
 */
static sqlite3_stmt *kept(struct auth_db *db, sqlite3_stmt **slot,
			  const char *sql)
{
	if (*slot) {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
		return *slot;
	}
	if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(*slot);
		*slot = NULL;
	}
	return *slot;
}

/* Done with a kept statement: no read transaction, no bound pointers. */
static void done(sqlite3_stmt *s)
{
	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
	}
}

static void audit_free(struct audit_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		px_free(rows[i].mem);
	px_free(rows);
}

/* Write rows in one transaction (caller holds mu); 0 or PX_EIO. */
static int audit_write(struct auth_db *db, const struct audit_row *rows,
		       size_t n)
{
	sqlite3_stmt *s;
	size_t i;
	int rc, j;

	if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return PX_EIO;
	rc = SQLITE_DONE;
	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		s = kept(db, &db->q_audit,
			 "INSERT INTO audit(at, what, user, ip, detail) "
			 "VALUES(?, ?, ?, ?, ?)");
		if (!s) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_int64(s, 1, (sqlite3_int64)rows[i].at);
		for (j = 0; j < 4; j++)
			sqlite3_bind_text(s, j + 2, rows[i].text[j], -1,
					  SQLITE_STATIC);
		rc = sqlite3_step(s);
		done(s);
	}
	if (rc == SQLITE_DONE &&
	    sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	return PX_EIO;
}

/*
 * Write every buffered row.  mu is held from taking the rows to putting
 * them back on failure, so batches reach the table in the order they were
 * buffered.  0 or PX_EIO (the rows stay buffered, up to AUDIT_MAX).
 */
static int audit_flush(struct auth_db *db)
{
	struct audit_row *rows, *merged;
	size_t n, total;
	int rc;

	pthread_mutex_lock(&db->mu);
	pthread_mutex_lock(&db->amu);
	rows = db->rows;
	n = db->nrows;
	db->rows = NULL;
	db->nrows = db->caprows = 0;
	pthread_mutex_unlock(&db->amu);
	rc = n ? audit_write(db, rows, n) : 0;
	if (rc == 0) {
		audit_free(rows, n);
	} else {
		pthread_mutex_lock(&db->amu);
		total = n + db->nrows;
		merged = px_malloc(total * sizeof(*merged));
		if (merged) {
			memcpy(merged, rows, n * sizeof(*rows));
			if (db->nrows)
				memcpy(merged + n, db->rows,
				       db->nrows * sizeof(*rows));
			px_free(rows);
			px_free(db->rows);
			db->rows = merged;
			db->nrows = db->caprows = total;
			/* The flusher tries again AUDIT_DELAY_MS later. */
			clock_gettime(CLOCK_MONOTONIC, &db->first);
		} else {
			audit_free(rows, n);
		}
		pthread_mutex_unlock(&db->amu);
	}
	pthread_mutex_unlock(&db->mu);
	return rc;
}

static int64_t mono_ms(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

/* Writes buffered rows AUDIT_DELAY_MS after the first of them came. */
static void *audit_flusher(void *arg)
{
	struct auth_db *db = arg;
	struct timespec now, due;
	int stop;

	for (;;) {
		pthread_mutex_lock(&db->amu);
		while (!db->stopping && db->nrows == 0)
			pthread_cond_wait(&db->acond, &db->amu);
		for (;;) {
			if (db->stopping || db->nrows == 0)
				break;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (mono_ms(&now) >=
			    mono_ms(&db->first) + AUDIT_DELAY_MS)
				break;
			due = db->first;
			due.tv_nsec += (long)AUDIT_DELAY_MS * 1000000;
			if (due.tv_nsec >= 1000000000) {
				due.tv_sec++;
				due.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&db->acond, &db->amu, &due);
		}
		stop = db->stopping;
		pthread_mutex_unlock(&db->amu);
		if (stop)
			return NULL; /* auth_close writes what is left */
		audit_flush(db);
	}
}

int auth_open(const char *dir, struct auth_db **out, struct px_err *err)
{
	struct auth_db *db;
	char *path;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return px_errorf(err, PX_EIO, "libsodium failed to start");
	path = px_path_join(dir, AUTH_FILE);
	db = px_calloc(1, sizeof(*db));
	if (!path || !db) {
		px_free(path);
		px_free(db);
		return px_errorf(err, PX_ENOMEM, "out of memory");
	}
	rc = sqlite3_open_v2(path, &db->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = px_errorf(err, PX_EIO, "open '%s': %s", path,
			       db->db ? sqlite3_errmsg(db->db)
				      : "out of memory");
		sqlite3_close(db->db);
		px_free(db);
		px_free(path);
		return rc;
	}
	sqlite3_busy_timeout(db->db, 5000);
	if (sqlite3_exec(db->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		rc = px_errorf(err, PX_EIO, "'%s': %s", path,
			       sqlite3_errmsg(db->db));
		sqlite3_close(db->db);
		px_free(db);
		px_free(path);
		return rc;
	}
	px_free(path);
	/* A real hash to verify against when the user does not exist. */
	if (crypto_pwhash_str(db->dummy_hash, "parallax-no-such-user", 21,
			      AUTH_PWHASH_OPS, AUTH_PWHASH_MEM) != 0) {
		sqlite3_close(db->db);
		px_free(db);
		return px_errorf(err, PX_ENOMEM, "argon2id: out of memory");
	}
	pthread_mutex_init(&db->mu, NULL);
	pthread_mutex_init(&db->amu, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&db->acond, &ca);
		pthread_condattr_destroy(&ca);
	}
	/* Without the flusher every audit row is written at once. */
	db->have_flusher =
	    pthread_create(&db->flusher, NULL, audit_flusher, db) == 0;
	*out = db;
	return 0;
}

void auth_close(struct auth_db *db)
{
	if (!db)
		return;
	if (db->have_flusher) {
		pthread_mutex_lock(&db->amu);
		db->stopping = 1;
		pthread_cond_signal(&db->acond);
		pthread_mutex_unlock(&db->amu);
		pthread_join(db->flusher, NULL);
	}
	audit_flush(db);
	audit_free(db->rows, db->nrows);
	sqlite3_finalize(db->q_token);
	sqlite3_finalize(db->q_session);
	sqlite3_finalize(db->q_audit);
	sqlite3_close(db->db);
	pthread_cond_destroy(&db->acond);
	pthread_mutex_destroy(&db->amu);
	pthread_mutex_destroy(&db->mu);
	px_free(db);
}

int auth_check_name(const char *name, struct px_err *err)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0 || n > AUTH_NAME_MAX)
		return px_errorf(err, PX_EINVAL,
				 "username: must be 1 to %d characters",
				 AUTH_NAME_MAX);
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return px_errorf(err, PX_EINVAL,
					 "username: only letters, digits, "
					 "'.', '_' and '-' are allowed");
	}
	return 0;
}

/* SHA-256 of a secret as 64 hex digits. */
static void secret_hash(const char *secret, char hex[65])
{
	uint8_t h[LOG_HASH_SIZE];

	log_sha256(h, secret, strlen(secret));
	px_hex_encode(hex, h, sizeof(h));
}

static void random_hex(char *out, size_t nbytes)
{
	uint8_t b[32];

	randombytes_buf(b, nbytes);
	px_hex_encode(out, b, nbytes);
	sodium_memzero(b, sizeof(b));
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
	size_t n = src ? strlen((const char *)src) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Fill u from columns id, name, role, party, disabled starting at col. */
static void row_user(sqlite3_stmt *s, int col, struct auth_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, col);
	copy_text(u->name, sizeof(u->name), sqlite3_column_text(s, col + 1));
	if (auth_role_parse((const char *)sqlite3_column_text(s, col + 2),
			    &u->role))
		u->role = AUTH_READER;
	copy_text(u->party, sizeof(u->party), sqlite3_column_text(s, col + 3));
	u->disabled = sqlite3_column_int(s, col + 4) != 0;
}

int auth_user_add(struct auth_db *db, const char *name, const char *password,
		  enum auth_role role, const char *party, struct px_err *err)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *s = NULL;
	size_t plen = password ? strlen(password) : 0;
	int rc;

	if ((rc = auth_check_name(name, err)) != 0)
		return rc;
	if (!auth_role_name(role))
		return px_errorf(err, PX_EINVAL, "role: unknown role");
	if (plen < AUTH_PASSWORD_MIN || plen > AUTH_PASSWORD_MAX)
		return px_errorf(err, PX_EINVAL,
				 "password: must be %d to %d bytes",
				 AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
	if (role == AUTH_PARTY && (!party || !*party))
		return px_errorf(err, PX_EINVAL,
				 "party: a party member needs the party's id");
	if (role != AUTH_PARTY && role != AUTH_EDITOR && party && *party)
		return px_errorf(err, PX_EINVAL,
				 "party: only party members and editors have "
				 "a party");
	if (party && *party) {
		enum rec_kind k;
		uint8_t h[32];
		if (rec_id_parse(party, strlen(party), &k, h, err) ||
		    k != REC_PARTY)
			return px_errorf(err, PX_EINVAL,
					 "party: '%s' is not a party id",
					 party);
	}
	if (crypto_pwhash_str(hash, password, plen, AUTH_PWHASH_OPS,
			      AUTH_PWHASH_MEM) != 0)
		return px_errorf(err, PX_ENOMEM, "argon2id: out of memory");
	pthread_mutex_lock(&db->mu);
	rc = sqlite3_prepare_v2(db->db,
				"INSERT INTO users(name, role, party, pwhash, "
				"created) VALUES(?, ?, ?, ?, ?)",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, auth_role_name(role), -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(s, 3, party ? party : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_CONSTRAINT)
		rc =
		    px_errorf(err, PX_EEXIST, "user '%s' already exists", name);
	else
		rc = db_error(db, err, "add user");
	sqlite3_finalize(s);
	pthread_mutex_unlock(&db->mu);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* Look a user up by name, with its password hash (caller holds mu). */
static int user_lookup(struct auth_db *db, const char *name,
		       struct auth_user *u, char pwhash[crypto_pwhash_STRBYTES],
		       struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db->db,
				"SELECT id, name, role, party, disabled, "
				"pwhash FROM users WHERE name = ?",
				-1, &s, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, err, "find user");
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row_user(s, 0, u);
		if (pwhash)
			copy_text(pwhash, crypto_pwhash_STRBYTES,
				  sqlite3_column_text(s, 5));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = px_errorf(err, PX_ENOTFOUND, "no user '%s'", name);
	} else {
		rc = db_error(db, err, "find user");
	}
	sqlite3_finalize(s);
	return rc;
}

int auth_user_get(struct auth_db *db, const char *name, struct auth_user *u,
		  struct px_err *err)
{
	int rc;

	pthread_mutex_lock(&db->mu);
	rc = user_lookup(db, name, u, NULL, err);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* Run one statement with text parameters; *changes receives the count. */
static int exec_text(struct auth_db *db, const char *sql, const char *a,
		     const char *b, int *changes, struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		if (a)
			sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
		if (b)
			sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_error(db, err, "update");
	if (changes)
		*changes = sqlite3_changes(db->db);
	return 0;
}

int auth_user_disable(struct auth_db *db, const char *name, struct px_err *err)
{
	int rc, n = 0;

	pthread_mutex_lock(&db->mu);
	rc = exec_text(db, "UPDATE users SET disabled = 1 WHERE name = ?", name,
		       NULL, &n, err);
	if (rc == 0 && n == 0)
		rc = px_errorf(err, PX_ENOTFOUND, "no user '%s'", name);
	if (rc == 0)
		rc = exec_text(db,
			       "DELETE FROM sessions WHERE user_id = (SELECT "
			       "id FROM users WHERE name = ?)",
			       name, NULL, NULL, err);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int auth_user_list(struct auth_db *db, json_t **out, struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	json_t *items = json_array();
	struct auth_user u;
	int rc;

	*out = NULL;
	if (!items)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = sqlite3_prepare_v2(db->db,
				"SELECT id, name, role, party, disabled FROM "
				"users ORDER BY name",
				-1, &s, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_user(s, 0, &u);
		json_array_append_new(items, auth_user_json(&u));
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, "list users");
	sqlite3_finalize(s);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return *out ? 0 : px_errorf(err, PX_ENOMEM, "out of memory");
}

int auth_login(struct auth_db *db, const char *name, const char *password,
	       struct auth_user *u, struct px_err *err)
{
	char pwhash[crypto_pwhash_STRBYTES];
	size_t plen = password ? strlen(password) : 0;
	int rc, found;

	pthread_mutex_lock(&db->mu);
	found = auth_check_name(name, NULL) == 0 &&
		user_lookup(db, name, u, pwhash, NULL) == 0;
	pthread_mutex_unlock(&db->mu);
	if (!found)
		memcpy(pwhash, db->dummy_hash, sizeof(pwhash));
	/* The hash runs outside the lock: it takes tens of milliseconds. */
	rc = crypto_pwhash_str_verify(pwhash, password ? password : "", plen);
	sodium_memzero(pwhash, sizeof(pwhash));
	if (rc != 0 || !found || u->disabled || plen > AUTH_PASSWORD_MAX) {
		memset(u, 0, sizeof(*u));
		return px_errorf(err, PX_EVERIFY, "wrong username or password");
	}
	return 0;
}

int auth_session_new(struct auth_db *db, int64_t user_id, int64_t ttl,
		     char secret[AUTH_SECRET_SIZE], char csrf[AUTH_CSRF_SIZE],
		     struct px_err *err)
{
	char hash[65];
	sqlite3_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc;

	memcpy(secret, "pxs_", 4);
	random_hex(secret + 4, 32);
	random_hex(csrf, 32);
	secret_hash(secret, hash);
	pthread_mutex_lock(&db->mu);
	/* Expired sessions go as new ones come. */
	sqlite3_stmt *d = NULL;
	if (sqlite3_prepare_v2(db->db, "DELETE FROM sessions WHERE expires < ?",
			       -1, &d, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(d, 1, now);
		sqlite3_step(d);
	}
	sqlite3_finalize(d);
	rc = sqlite3_prepare_v2(db->db,
				"INSERT INTO sessions(hash, user_id, csrf, "
				"expires) VALUES(?, ?, ?, ?)",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, user_id);
		sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, now + ttl);
		rc = sqlite3_step(s);
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, "new session");
	sqlite3_finalize(s);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int auth_session_get(struct auth_db *db, const char *secret,
		     struct auth_user *u, char csrf[AUTH_CSRF_SIZE],
		     struct px_err *err)
{
	char hash[65];
	sqlite3_stmt *s = NULL;
	int rc;

	if (strlen(secret) != AUTH_SECRET_SIZE - 1 ||
	    memcmp(secret, "pxs_", 4) != 0)
		return px_errorf(err, PX_ENOTFOUND, "no such session");
	secret_hash(secret, hash);
	pthread_mutex_lock(&db->mu);
	s = kept(db, &db->q_session,
		 "SELECT u.id, u.name, u.role, u.party, u.disabled, s.csrf "
		 "FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
		 "s.hash = ? AND s.expires >= ? AND u.disabled = 0");
	rc = s ? SQLITE_OK : SQLITE_ERROR;
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_ROW) {
		row_user(s, 0, u);
		copy_text(csrf, AUTH_CSRF_SIZE, sqlite3_column_text(s, 5));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = px_errorf(err, PX_ENOTFOUND, "no such session");
	} else {
		rc = db_error(db, err, "find session");
	}
	done(s);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int auth_session_end(struct auth_db *db, const char *secret, struct px_err *err)
{
	char hash[65];
	int rc;

	secret_hash(secret, hash);
	pthread_mutex_lock(&db->mu);
	rc = exec_text(db, "DELETE FROM sessions WHERE hash = ?", hash, NULL,
		       NULL, err);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int auth_token_new(struct auth_db *db, const char *name, const char *label,
		   int64_t expires, char id[AUTH_TOKEN_ID_SIZE],
		   char secret[AUTH_SECRET_SIZE], struct px_err *err)
{
	struct auth_user u;
	char hash[65];
	sqlite3_stmt *s = NULL;
	int rc;

	if (!label || strlen(label) > AUTH_LABEL_MAX)
		return px_errorf(err, PX_EINVAL, "label: at most %d bytes",
				 AUTH_LABEL_MAX);
	memcpy(secret, "pxt_", 4);
	random_hex(secret + 4, 32);
	random_hex(id, 8);
	secret_hash(secret, hash);
	pthread_mutex_lock(&db->mu);
	rc = user_lookup(db, name, &u, NULL, err);
	if (rc == 0 && u.disabled)
		rc = px_errorf(err, PX_EINVAL, "user '%s' is disabled", name);
	if (rc == 0) {
		rc = sqlite3_prepare_v2(db->db,
					"INSERT INTO tokens(id, hash, user_id, "
					"label, created, expires) VALUES(?, ?, "
					"?, ?, ?, ?)",
					-1, &s, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 3, u.id);
			sqlite3_bind_text(s, 4, label, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
			sqlite3_bind_int64(s, 6, expires);
			rc = sqlite3_step(s);
		}
		rc = rc == SQLITE_DONE ? 0 : db_error(db, err, "new token");
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&db->mu);
	if (rc)
		sodium_memzero(secret, AUTH_SECRET_SIZE);
	return rc;
}

int auth_token_revoke(struct auth_db *db, const char *id, struct px_err *err)
{
	int rc, n = 0;

	pthread_mutex_lock(&db->mu);
	rc = exec_text(db, "UPDATE tokens SET revoked = 1 WHERE id = ?", id,
		       NULL, &n, err);
	pthread_mutex_unlock(&db->mu);
	if (rc == 0 && n == 0)
		rc = px_errorf(err, PX_ENOTFOUND, "no token '%s'", id);
	return rc;
}

int auth_token_check(struct auth_db *db, const char *secret,
		     struct auth_user *u, struct px_err *err)
{
	char hash[65];
	sqlite3_stmt *s = NULL;
	int64_t expires;
	int rc, revoked;

	if (strlen(secret) != AUTH_SECRET_SIZE - 1 ||
	    memcmp(secret, "pxt_", 4) != 0)
		return px_errorf(err, PX_ENOTFOUND, "unknown token");
	secret_hash(secret, hash);
	pthread_mutex_lock(&db->mu);
	s = kept(db, &db->q_token,
		 "SELECT u.id, u.name, u.role, u.party, u.disabled, "
		 "t.expires, t.revoked FROM tokens t JOIN users u ON u.id = "
		 "t.user_id WHERE t.hash = ?");
	rc = s ? SQLITE_OK : SQLITE_ERROR;
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_ROW) {
		row_user(s, 0, u);
		expires = sqlite3_column_int64(s, 5);
		revoked = sqlite3_column_int(s, 6);
		if (revoked)
			rc = px_errorf(err, PX_ENOTFOUND, "token revoked");
		else if (expires && expires < (int64_t)time(NULL))
			rc = px_errorf(err, PX_ENOTFOUND, "token expired");
		else if (u->disabled)
			rc = px_errorf(err, PX_ENOTFOUND, "user disabled");
		else
			rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = px_errorf(err, PX_ENOTFOUND, "unknown token");
	} else {
		rc = db_error(db, err, "find token");
	}
	done(s);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int auth_token_list(struct auth_db *db, json_t **out, struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	json_t *items = json_array(), *o;
	int rc;

	*out = NULL;
	if (!items)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = sqlite3_prepare_v2(db->db,
				"SELECT t.id, u.name, t.label, t.created, "
				"t.expires, t.revoked FROM tokens t JOIN users "
				"u ON u.id = t.user_id ORDER BY t.created, "
				"t.id",
				-1, &s, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		o = json_pack("{s:s, s:s, s:s, s:I, s:b}", "id",
			      (const char *)sqlite3_column_text(s, 0),
			      "username",
			      (const char *)sqlite3_column_text(s, 1), "label",
			      (const char *)sqlite3_column_text(s, 2),
			      "created", (json_int_t)sqlite3_column_int64(s, 3),
			      "revoked", sqlite3_column_int(s, 5));
		if (o && sqlite3_column_int64(s, 4))
			json_object_set_new(
			    o, "expires",
			    json_integer(sqlite3_column_int64(s, 4)));
		json_array_append_new(items, o);
		rc = SQLITE_OK;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, "list tokens");
	sqlite3_finalize(s);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return *out ? 0 : px_errorf(err, PX_ENOMEM, "out of memory");
}

int auth_audit(struct auth_db *db, const char *what, const char *user,
	       const char *ip, const char *detail)
{
	const char *in[4] = {what, user, ip, detail};
	struct audit_row row;
	size_t len[4], total = 0, n;
	char *p;
	int j;

	for (j = 0; j < 4; j++) {
		len[j] = in[j] ? strlen(in[j]) + 1 : 0;
		total += len[j];
	}
	row.at = (int64_t)time(NULL);
	row.mem = px_malloc(total ? total : 1);
	if (!row.mem)
		return PX_ENOMEM;
	for (j = 0, p = row.mem; j < 4; j++) {
		row.text[j] = in[j] ? p : NULL;
		if (in[j])
			memcpy(p, in[j], len[j]);
		p += len[j];
	}
	pthread_mutex_lock(&db->amu);
	if (db->nrows >= AUDIT_MAX) {
		pthread_mutex_unlock(&db->amu);
		px_free(row.mem);
		return PX_EIO;
	}
	if (db->nrows == db->caprows) {
		size_t cap = db->caprows ? 2 * db->caprows : 64;
		struct audit_row *nr = px_realloc(db->rows, cap * sizeof(*nr));
		if (!nr) {
			pthread_mutex_unlock(&db->amu);
			px_free(row.mem);
			return PX_ENOMEM;
		}
		db->rows = nr;
		db->caprows = cap;
	}
	if (db->nrows == 0) {
		clock_gettime(CLOCK_MONOTONIC, &db->first);
		pthread_cond_signal(&db->acond);
	}
	db->rows[db->nrows++] = row;
	n = db->nrows;
	pthread_mutex_unlock(&db->amu);
	if (n >= AUDIT_BATCH || !db->have_flusher ||
	    strcmp(what, "filing") != 0)
		return audit_flush(db);
	return 0;
}

static json_t *text_or_null(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return t ? json_string((const char *)t) : json_null();
}

int auth_audit_list(struct auth_db *db, const char *cursor, unsigned limit,
		    json_t **out, struct px_err *err)
{
	sqlite3_stmt *s = NULL;
	json_t *items = json_array(), *o;
	uint64_t before = INT64_MAX, last = 0;
	unsigned n = 0;
	int rc;

	*out = NULL;
	if (!items)
		return px_errorf(err, PX_ENOMEM, "out of memory");
	if (cursor && (px_parse_u64(cursor, strlen(cursor), &before) ||
		       before > INT64_MAX)) {
		json_decref(items);
		return px_errorf(err, PX_EINVAL, "cursor: not a cursor");
	}
	if (limit == 0)
		limit = 50;
	if (limit > 1000)
		limit = 1000;
	audit_flush(db); /* the list shows every row audited so far */
	pthread_mutex_lock(&db->mu);
	rc = sqlite3_prepare_v2(db->db,
				"SELECT id, at, what, user, ip, detail FROM "
				"audit WHERE id < ? ORDER BY id DESC LIMIT ?",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)before);
		sqlite3_bind_int(s, 2, (int)limit + 1);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (n == limit)
			break;
		last = (uint64_t)sqlite3_column_int64(s, 0);
		o = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o}", "id",
			      (json_int_t)last, "at",
			      (json_int_t)sqlite3_column_int64(s, 1), "what",
			      (const char *)sqlite3_column_text(s, 2), "user",
			      text_or_null(s, 3), "ip", text_or_null(s, 4),
			      "detail", text_or_null(s, 5));
		json_array_append_new(items, o);
		n++;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_OK) {
		char next[24];
		snprintf(next, sizeof(next), "%llu", (unsigned long long)last);
		*out = json_pack("{s:o, s:s}", "items", items, "next", next);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		*out = json_pack("{s:o, s:n}", "items", items, "next");
		rc = 0;
	} else {
		rc = db_error(db, err, "list audit");
		json_decref(items);
	}
	sqlite3_finalize(s);
	pthread_mutex_unlock(&db->mu);
	if (rc == 0 && !*out)
		rc = px_errorf(err, PX_ENOMEM, "out of memory");
	return rc;
}
