/*
 * note.h - C2SP signed notes (https://c2sp.org/signed-note), Ed25519 keys in
 * the signed-note key formats, C2SP checkpoints
 * (https://c2sp.org/tlog-checkpoint) and C2SP tlog-cosignature
 * (https://c2sp.org/tlog-cosignature, "cosignature/v1").
 *
 * Keys:
 *   verifier key  <name>+<8 hex digits key ID>+<base64(type || public key)>
 *   signer key    PRIVATE+KEY+<name>+<key ID>+<base64(type || seed)>
 *   key ID        first 4 bytes of SHA-256(name || "\n" || type || public)
 *   type 0x01 is an Ed25519 note signature, 0x04 an Ed25519 cosignature/v1.
 *
 * Everything parsed here is hostile input: every function checks sizes and
 * syntax and returns PX_EINVAL (malformed) or PX_EVERIFY (a signature that
 * does not verify, or none by a known key) with a message naming the line.
 * Secret keys are wiped (sodium_memzero) when released.
 */
#ifndef PX_LOG_NOTE_H
#define PX_LOG_NOTE_H

#include "log/hash.h"
#include "util/px.h"

#include <stdint.h>

#define NOTE_NAME_MAX 255   /* longest key name we accept */
#define NOTE_MAX_BYTES 1048576 /* longest note we read */
#define NOTE_MAX_SIGS 100      /* most signature lines we read */
#define NOTE_ALG_ED25519 0x01
#define NOTE_ALG_COSIGNATURE_V1 0x04

struct note_verifier {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t alg;
	uint8_t pub[32];
};

struct note_signer {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t alg;
	uint8_t sk[64]; /* libsodium's Ed25519 secret key (seed || public) */
};

/* A new key pair; *skey and *vkey are new strings (caller frees them with
 * px_free, wiping *skey with sodium_memzero first). */
int note_key_generate(const char *name, uint8_t alg, char **skey, char **vkey,
		      struct px_err *err);
int note_signer_parse(const char *text, size_t len, struct note_signer *s,
		      struct px_err *err);
int note_verifier_parse(const char *text, size_t len, struct note_verifier *v,
			struct px_err *err);
/* Append the verifier key text of v (no newline) to out. */
int note_verifier_format(const struct note_verifier *v, struct px_buf *out);
/* The verifier of a signer. */
void note_signer_verifier(const struct note_signer *s, struct note_verifier *v);
void note_signer_wipe(struct note_signer *s);

struct note_sig {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t blob[128]; /* decoded signature after the key ID */
	size_t blob_len;    /* 0 for an unknown key's signature longer than
			       blob (e.g. ML-DSA): kept, never checked */
	int verified;       /* set by note_open for known keys */
	uint8_t alg;        /* of the verifier that checked it, else 0 */
	uint64_t timestamp; /* cosignature/v1 time, when alg is 0x04 */
};

struct note {
	char *text; /* the note text, NUL-terminated, ends with '\n' */
	size_t text_len;
	struct note_sig *sigs;
	size_t nsigs;
};

/*
 * Parse and verify a signed note.  Every signature whose name and key ID
 * match one of the verifiers is checked (type 0x01 over the text; type 0x04
 * over "cosignature/v1\ntime <T>\n" followed by the text); a matching
 * signature that does not verify is an error (PX_EVERIFY).  At least one
 * signature must verify, or PX_EVERIFY says which keys were found.
 * Signatures by unknown keys are kept, unverified.  Free with note_release.
 */
int note_open(const uint8_t *msg, size_t len,
	      const struct note_verifier *verifiers, size_t nverifiers,
	      struct note *out, struct px_err *err);
void note_release(struct note *n);

/*
 * Sign `text` (which must be a valid note text ending in '\n') with each
 * signer (all of type 0x01) and append the whole signed note to out.
 */
int note_sign(const char *text, size_t len, const struct note_signer *signers,
	      size_t nsigners, struct px_buf *out, struct px_err *err);

/*
 * Cosign a checkpoint as a witness (type 0x04): append one signature line
 * "— <name> <base64>\n" for the note text `text` at `timestamp` (seconds
 * since the Unix epoch) to out.
 */
int note_cosign(const char *text, size_t len, const struct note_signer *witness,
		uint64_t timestamp, struct px_buf *out, struct px_err *err);

/* A checkpoint's body: origin, tree size, root hash, extension lines. */
#define CHECKPOINT_ORIGIN_MAX 255

struct log_checkpoint {
	char origin[CHECKPOINT_ORIGIN_MAX + 1];
	uint64_t size;
	struct log_hash root;
	char *extensions; /* NULL, or the extension lines, each ending '\n' */
};

/* Append the checkpoint text to out (tlog-checkpoint "Note text"). */
int log_checkpoint_format(const struct log_checkpoint *c, struct px_buf *out);
/* Parse a checkpoint's note text (not the signatures). */
int log_checkpoint_parse(const char *text, size_t len,
			 struct log_checkpoint *c, struct px_err *err);
void log_checkpoint_release(struct log_checkpoint *c);

/*
 * Open a signed checkpoint: the signature of log_key must verify, and at
 * least `quorum` of the witnesses must have a valid cosignature on it.
 * The origin must equal log_key's name.  On success *c is filled.
 */
int log_checkpoint_open(const uint8_t *msg, size_t len,
			const struct note_verifier *log_key,
			const struct note_verifier *witnesses,
			size_t nwitnesses, size_t quorum,
			struct log_checkpoint *c, struct px_err *err);

#endif
