/*
 * repo.h - a parallax data directory as a whole, and the one write path.
 *
 *   DIR/log/, DIR/log.pub, DIR/keys/log.key   the log (src/log/log.h)
 *   DIR/store.db                              the SQLite projection
 *   DIR/blobs/<sha256 hex>                    evidence files, by content
 *   DIR/keys/parties/<party id>.key           signer keys the operator
 *                                             holds for parties that file
 *                                             through it (mode 0600)
 *
 * The log is the source of truth; the store is rebuilt from it at will.
 * The log's own key ("the operator key") signs checkpoints and party
 * registrations.
 *
 * Writing (every way in: CLI, server, importers):
 *   1. an entry is a signed note over a record's canonical JSON + "\n";
 *   2. one writer thread takes whatever entries are queued (group commit),
 *      opens a store transaction and, per entry, a savepoint: store_apply
 *      checks signature, record and revision rules against the state so far
 *      (including earlier entries of the same batch); a refused entry rolls
 *      back to its savepoint and is answered with its error;
 *   3. the accepted entries are appended to the log and made durable
 *      (log_submit_async + log_flush); only then is the store transaction
 *      committed and each submitter answered with its record id, revision
 *      id and log index.  If the log append fails the transaction is rolled
 *      back and every submitter gets the error.
 * So an acknowledged write is in the durable log; a crash between the log
 * and the store commit is repaired on open by applying the log entries the
 * store has not seen (repo_open catches up).
 *
 * Thread safety: repo_submit* may be called from any thread; readers open
 * their own read-only store (repo_store_open_reader).
 */
#ifndef PX_REPO_REPO_H
#define PX_REPO_REPO_H

#include "log/log.h"
#include "record/record.h"
#include "store/store.h"
#include "util/px.h"

#include <jansson.h>

struct repo; /* opaque */

struct repo_options {
	struct log_options log;
	int read_only; /* open the store only: no log writer, no catch-up */
	int progress;  /* progress bar while catching up, on a terminal */
};

/* Create a new data directory: log + keys (origin names the log and its
 * key), an empty store, blobs/. */
int repo_create(const char *dir, const char *origin, struct px_err *err);

/* Open, recover the log, and catch the store up with the log. */
int repo_open(const char *dir, const struct repo_options *opt,
	      struct repo **out, struct px_err *err);
void repo_close(struct repo *r);

/* The writer's store (for reads on the thread that owns the repo; not
 * while other threads submit) and the log. */
struct store *repo_store(struct repo *r);
struct log *repo_log(struct repo *r); /* NULL when read_only */
/* A new read-only store on the same database, for another thread. */
int repo_store_open_reader(struct repo *r, struct store **out,
			   struct px_err *err);
const struct note_verifier *repo_operator_key(struct repo *r);
const char *repo_dir(struct repo *r);

/* What the writer has done since repo_open: group-commit rounds, entries
 * submitted, accepted and refused. */
struct repo_stats {
	uint64_t rounds;
	uint64_t entries;
	uint64_t accepted;
	uint64_t refused;
};
void repo_stats(struct repo *r, struct repo_stats *out);

/* The outcome of one write. */
struct repo_result {
	int rc;			    /* 0, or the error code */
	char id[REC_ID_SIZE];	    /* record id */
	char revision[REC_ID_SIZE]; /* this revision's id */
	enum rec_kind kind;
	uint64_t index;		      /* log index */
	char message[PX_ERR_MSG_MAX]; /* the error's message when rc < 0 */
};

/*
 * Non-custodial: submit an entry already signed by its filer (a signed
 * note, as POST /api/v1/entries receives it).
 */
int repo_submit_entry(struct repo *r, const uint8_t *note, size_t len,
		      struct repo_result *res, struct px_err *err);

/*
 * Submit n entries already signed by their filers as one group commit
 * (importing an export) and wait for every answer.  Returns 0 when every
 * entry was answered (each res[i].rc says how), or an error for the whole
 * call (the repo is read-only or closing).
 */
int repo_submit_many(struct repo *r, const uint8_t *const *entries,
		     const size_t *lens, size_t n, struct repo_result *res,
		     struct px_err *err);

/*
 * Custodial filing with a key the operator holds: `json` is a record
 * revision's JSON, possibly without envelope members.  The repo fills in
 * v, filed_by (= as_party, unless json has it), filed_at (now, unless
 * given); canonicalizes; signs with keys/parties/<filed_by>.key (or, for a
 * party registration, the operator key); and submits.
 */
int repo_file(struct repo *r, const char *json, size_t len,
	      const char *as_party, struct repo_result *res,
	      struct px_err *err);
/* A new revision of record `id`: sets "revises" to its latest revision
 * (or to expected_revision when given, so a stale edit is refused; a
 * "revises" member in json counts as the expected revision too).  "kind"
 * is taken from the id when json has none.  As repo_file otherwise. */
int repo_revise(struct repo *r, const char *id, const char *expected_revision,
		const char *json, size_t len, const char *as_party,
		struct repo_result *res, struct px_err *err);
int repo_withdraw(struct repo *r, const char *id, const char *reason,
		  const char *as_party, struct repo_result *res,
		  struct px_err *err);

/*
 * Many custodial writes as one group commit (importers): each json[i] is
 * checked and answered on its own (res[i]); valid ones are logged together.
 * dry_run checks without writing anything: the entries are applied in a
 * store transaction that is rolled back (later ones see earlier ones), and
 * res[i].index is the index each would get.  Returns 0 when every json[i]
 * was answered (each res[i].rc says how), or an error for the whole call.
 */
int repo_file_batch(struct repo *r, const char *const *json, const size_t *len,
		    size_t n, const char *as_party, int dry_run,
		    struct repo_result *res, struct px_err *err);

/*
 * The same for records already parsed and validated, envelope complete
 * (rec_parse without a resolver, as importers check each row before
 * offering it): each recs[i] is signed as it is with its filer's key and
 * all are submitted as one group commit; the records are taken over
 * (released, whatever the outcome).  No record is parsed again.
 */
int repo_file_parsed(struct repo *r, struct rec *recs, size_t n,
		     struct repo_result *res, struct px_err *err);

/*
 * Register a party with the operator key.  If json has no "key", a new
 * key pair is made and its signer kept in keys/parties/ (custodial); the
 * party's record id is in res->id.
 */
int repo_register_party(struct repo *r, const char *json, size_t len,
			struct repo_result *res, struct px_err *err);
/*
 * The same for a party whose signer key is given (signed-note format,
 * "PRIVATE+KEY+..."): json's "key" is set to its verifier (or, if given,
 * must be it), and the operator keeps the signer in keys/parties/ (a demo
 * or an import registering parties whose keys are known).  The key file
 * is written (0600, durably) before the entry is submitted, since the
 * record id is known from the canonical text; a refused registration
 * removes it again.  signer_key NULL is repo_register_party.
 */
int repo_register_party_with_key(struct repo *r, const char *json, size_t len,
				 const char *signer_key,
				 struct repo_result *res, struct px_err *err);
/* Does the operator hold the signer key of this party? */
int repo_holds_key(struct repo *r, const char *party_id);

/* Store a file in blobs/ by its SHA-256 (hex in sha_hex). */
int repo_put_blob(struct repo *r, const void *data, size_t len,
		  char sha_hex[65], struct px_err *err);
/* Path of a stored blob (caller frees), or NULL. */
char *repo_blob_path(struct repo *r, const char *sha_hex);

/* Rebuild DIR/store.db from the log alone (in a new file, then swapped in
 * atomically).  The repo must not be open elsewhere. */
int repo_reindex(const char *dir, int progress, struct px_err *err);

#endif
