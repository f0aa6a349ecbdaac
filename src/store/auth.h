/*
 * auth.h - who may use a parallax server: users and their roles, browser
 * sessions, API tokens, and the audit trail, kept in DIR/auth.db (SQLite,
 * apart from the record's store.db: accounts are not part of the record and
 * are never logged).  Only src/store/ includes sqlite3.h; the server
 * (src/http/) and the CLI (`parallax user`, `parallax token`) call this.
 *
 * Secrets:
 *   - passwords are hashed with Argon2id (libsodium crypto_pwhash_str; the
 *     parameters are in the stored string, so they can be raised later);
 *   - session ids and API tokens are 32 random bytes shown to their holder
 *     as 64 hex digits ("pxs_..." / "pxt_..." prefixed) and stored only as
 *     their SHA-256, so a copy of auth.db does not let anyone log in;
 *   - CSRF tokens are random per session and compared in constant time.
 *
 * Thread safety: one struct auth_db may be used from any thread (calls are
 * serialized by a mutex inside).
 */
#ifndef PX_STORE_AUTH_H
#define PX_STORE_AUTH_H

#include "record/record.h"
#include "util/px.h"

#include <jansson.h>
#include <stdint.h>

#define AUTH_FILE "auth.db" /* inside the data directory */
#define AUTH_NAME_MAX 64    /* user names: [A-Za-z0-9._-]{1,64} */
#define AUTH_PASSWORD_MIN 8 /* bytes */
#define AUTH_PASSWORD_MAX 1024
#define AUTH_SECRET_SIZE 69   /* "pxs_" or "pxt_" + 64 hex + NUL */
#define AUTH_CSRF_SIZE 65     /* 64 hex + NUL */
#define AUTH_TOKEN_ID_SIZE 17 /* 16 hex + NUL */
#define AUTH_LABEL_MAX 200

enum auth_role { AUTH_ADMIN, AUTH_EDITOR, AUTH_PARTY, AUTH_READER };

/* "admin", "editor", "party", "reader"; and back (0 or PX_EINVAL). */
const char *auth_role_name(enum auth_role role);
int auth_role_parse(const char *s, enum auth_role *role);

struct auth_user {
	int64_t id;
	char name[AUTH_NAME_MAX + 1];
	enum auth_role role;
	char party[REC_ID_SIZE]; /* the party a party member files as, or an
				    editor's own party (it files acting for
				    others); "" for none */
	int disabled;
};

/* {"username", "role", "party"?, "disabled"} as the API shows a user. */
json_t *auth_user_json(const struct auth_user *u);

struct auth_db; /* opaque */

/* Open (creating if needed) DIR/auth.db. */
int auth_open(const char *dir, struct auth_db **out, struct px_err *err);
void auth_close(struct auth_db *db);

/* Is `name` a valid user name?  0 or PX_EINVAL with a message. */
int auth_check_name(const char *name, struct px_err *err);

/*
 * Add a user.  A party member needs `party` (a party record id; whether it
 * exists is the caller's to check); an editor may have one (its own, which
 * it files as when acting for others); admins and readers have none.
 * PX_EEXIST if the name is taken, PX_EINVAL for a bad name or a password
 * shorter than AUTH_PASSWORD_MIN.
 */
int auth_user_add(struct auth_db *db, const char *name, const char *password,
		  enum auth_role role, const char *party, struct px_err *err);
int auth_user_get(struct auth_db *db, const char *name, struct auth_user *u,
		  struct px_err *err);
/* Disable a user: its sessions and tokens stop working at once. */
int auth_user_disable(struct auth_db *db, const char *name, struct px_err *err);
/* {"items": [user...]} by name. */
int auth_user_list(struct auth_db *db, json_t **out, struct px_err *err);

/*
 * Check a password.  PX_EVERIFY for an unknown user, a wrong password or a
 * disabled user (the same message for all three); the hash is computed
 * even for an unknown user so the time does not tell which.
 */
int auth_login(struct auth_db *db, const char *name, const char *password,
	       struct auth_user *u, struct px_err *err);

/* A new session for user_id lasting ttl seconds: its secret (for the
 * cookie) and its CSRF token. */
int auth_session_new(struct auth_db *db, int64_t user_id, int64_t ttl,
		     char secret[AUTH_SECRET_SIZE], char csrf[AUTH_CSRF_SIZE],
		     struct px_err *err);
/* The user and CSRF token of a live session; PX_ENOTFOUND if the secret is
 * unknown, expired, or its user disabled. */
int auth_session_get(struct auth_db *db, const char *secret,
		     struct auth_user *u, char csrf[AUTH_CSRF_SIZE],
		     struct px_err *err);
int auth_session_end(struct auth_db *db, const char *secret,
		     struct px_err *err);

/*
 * A new API token for user `name`, expiring at `expires` (Unix seconds;
 * 0: never).  The secret is returned once, in `secret`; only its hash is
 * kept.  `id` names the token for revocation.
 */
int auth_token_new(struct auth_db *db, const char *name, const char *label,
		   int64_t expires, char id[AUTH_TOKEN_ID_SIZE],
		   char secret[AUTH_SECRET_SIZE], struct px_err *err);
/* PX_ENOTFOUND if no such token. */
int auth_token_revoke(struct auth_db *db, const char *id, struct px_err *err);
/* The user of a live token: PX_ENOTFOUND when unknown, revoked, expired or
 * its user disabled (err says which). */
int auth_token_check(struct auth_db *db, const char *secret,
		     struct auth_user *u, struct px_err *err);
/* {"items": [{"id","username","label","created","expires"?,"revoked"}]} */
int auth_token_list(struct auth_db *db, json_t **out, struct px_err *err);

/*
 * Record one audited event: `what` is "login", "login-failed", "logout",
 * "filing", "refused", "user-add", "user-disable", "token-add",
 * "token-revoke"; user and ip may be NULL; detail is free text (a record
 * id, a route, the reason).  A "filing" row (the log has the filing too)
 * is buffered and written in a batch, at the latest about 100 ms later;
 * any other row is written, with what is buffered, before this returns
 * (auth.c says what a crash may lose); auth_audit_list and auth_close
 * write what is buffered first.  0, PX_ENOMEM, or PX_EIO when rows cannot
 * be written and too many wait.
 */
int auth_audit(struct auth_db *db, const char *what, const char *user,
	       const char *ip, const char *detail);
/* Newest first: {"items": [{"id","at","what","user","ip","detail"}],
 * "next"}; cursor is a previous "next" (or NULL), limit 1..1000. */
int auth_audit_list(struct auth_db *db, const char *cursor, unsigned limit,
		    json_t **out, struct px_err *err);

#endif
