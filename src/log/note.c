/*
 * note.c - C2SP signed notes, their Ed25519 keys, checkpoints and
 * cosignatures (see note.h for the formats).
 *
 * A signed note (c2sp.org/signed-note) is a text ending in a newline, a
 * blank line, and one or more lines "— <key name> <base64(key ID || sig)>".
 * The text is split from the signatures at the last blank line.  Key IDs
 * are SHA-256(name || "\n" || type || public key)[:4] (signed-note
 * "Signatures").  Type 0x01 signs the note text with Ed25519 (RFC 8032);
 * type 0x04 (c2sp.org/tlog-cosignature) signs "cosignature/v1\ntime <T>\n"
 * followed by the text, and its signature is timestamp (u64, big-endian) ||
 * Ed25519 signature.  A checkpoint (c2sp.org/tlog-checkpoint) is a note whose
 * text is origin, decimal tree size and base64 root hash, then optional
 * non-empty extension lines.
 *
 * Everything read here is hostile: sizes are bounded by NOTE_MAX_BYTES,
 * NOTE_MAX_SIGS and NOTE_NAME_MAX, and every error names the line or the
 * signature it is about.  Ed25519 is libsodium's; secrets are wiped with
 * sodium_memzero.
 */
#include "log/note.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#define EM_DASH_SP "\xe2\x80\x94 " /* U+2014 and a space: a signature line */
#define EM_DASH_SP_LEN 4
#define ED25519_SIG 64
#define COSIG_TS 8
#define COSIG_HEADER "cosignature/v1\n"
#define TIMESTAMP_MAX UINT64_C(0x7fffffffffffffff) /* tlog-cosignature */

static int crypto_ready(struct px_err *err)
{
	if (sodium_init() < 0)
		return px_errorf(err, PX_EIO,
				 "libsodium: initialisation failed");
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * Decode one UTF-8 sequence (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) from s[0..n).  Returns its length and the code
 * point in *cp, or 0 if the bytes are not valid UTF-8.
 */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/*
 * Strict base64 (RFC 4648 §4, canonical): px_b64_decode after checking the
 * alphabet here, because libsodium's decoder takes some bytes above 0x7f
 * for base64 digits.
 */
static int b64_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
		      size_t n)
{
	size_t i;

	*outlen = 0;
	for (i = 0; i < n; i++) {
		char c = in[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		      c == '='))
			return PX_EINVAL;
	}
	return px_b64_decode(out, cap, outlen, in, n);
}

/* Unicode White_Space (what Go's unicode.IsSpace reports). */
static int is_unicode_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000;
}

/*
 * signed-note "Format": valid UTF-8, no ASCII control character but
 * newline.  `what` names the input in the message ("note", "checkpoint").
 */
static int check_text(const uint8_t *s, size_t n, const char *what,
		      struct px_err *err)
{
	size_t i = 0, line = 1, col = 1;

	while (i < n) {
		uint32_t c;
		size_t k = utf8_decode(s + i, n - i, &c);
		if (k == 0)
			return px_errorf(err, PX_EINVAL,
					 "%s line %zu, column %zu: byte 0x%02x "
					 "is not valid UTF-8",
					 what, line, col, s[i]);
		if (c < 0x20 && c != '\n')
			return px_errorf(err, PX_EINVAL,
					 "%s line %zu, column %zu: control "
					 "character 0x%02x is not allowed",
					 what, line, col, (unsigned)c);
		if (c == '\n')
			line++, col = 1;
		else
			col++;
		i += k;
	}
	return 0;
}

/* signed-note: key names are non-empty, valid UTF-8, with neither Unicode
 * spaces nor '+'; we also bound their length by NOTE_NAME_MAX and refuse
 * control characters, which no note may contain. */
static int check_name(const char *name, size_t n, struct px_err *err)
{
	size_t i = 0;

	if (n == 0)
		return px_errorf(err, PX_EINVAL, "key name is empty");
	if (n > NOTE_NAME_MAX)
		return px_errorf(err, PX_EINVAL,
				 "key name is %zu bytes, more than the limit "
				 "of %d",
				 n, NOTE_NAME_MAX);
	while (i < n) {
		uint32_t c;
		size_t k = utf8_decode((const uint8_t *)name + i, n - i, &c);
		if (k == 0)
			return px_errorf(
			    err, PX_EINVAL,
			    "key name: byte %zu is not valid UTF-8", i);
		if (c == '+')
			return px_errorf(err, PX_EINVAL,
					 "key name '%.*s' contains '+'", (int)n,
					 name);
		if (is_unicode_space(c))
			return px_errorf(err, PX_EINVAL,
					 "key name contains a space (U+%04X) "
					 "at byte %zu",
					 (unsigned)c, i);
		if (c < 0x20) /* never valid in a note (signed-note) */
			return px_errorf(err, PX_EINVAL,
					 "key name contains control character "
					 "0x%02x at byte %zu",
					 (unsigned)c, i);
		i += k;
	}
	return 0;
}

/* signed-note: key ID = SHA-256(name || 0x0A || type || public key)[:4]. */
static uint32_t key_id(const char *name, uint8_t alg, const uint8_t pub[32])
{
	uint8_t in[NOTE_NAME_MAX + 2 + 32], sum[LOG_HASH_SIZE];
	size_t n = strlen(name);

	memcpy(in, name, n);
	in[n] = '\n';
	in[n + 1] = alg;
	memcpy(in + n + 2, pub, 32);
	log_sha256(sum, in, n + 2 + 32);
	return be32(sum);
}

static int alg_known(uint8_t alg)
{
	return alg == NOTE_ALG_ED25519 || alg == NOTE_ALG_COSIGNATURE_V1;
}

/* Append "<name>+<id>+<base64(alg || key)>" to out. */
static int format_key(struct px_buf *out, const char *name, uint32_t id,
		      uint8_t alg, const uint8_t key[32])
{
	uint8_t raw[33];
	char b64[48];
	int rc;

	raw[0] = alg;
	memcpy(raw + 1, key, 32);
	px_b64_encode(b64, raw, sizeof(raw));
	rc = px_buf_addf(out, "%s+%08" PRIx32 "+%s", name, id, b64);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(b64, sizeof(b64));
	return rc;
}

int note_key_generate(const char *name, uint8_t alg, char **skey, char **vkey,
		      struct px_err *err)
{
	uint8_t pk[32], sk[64];
	struct px_buf s, v;
	uint32_t id;
	int rc;

	*skey = *vkey = NULL;
	if ((rc = crypto_ready(err)) != 0)
		return rc;
	if (!name || (rc = check_name(name, strlen(name), err)) != 0)
		return name ? rc
			    : px_errorf(err, PX_EINVAL, "key name is empty");
	if (!alg_known(alg))
		return px_errorf(err, PX_EINVAL,
				 "key type 0x%02x is not supported (want 0x01 "
				 "or 0x04)",
				 alg);
	crypto_sign_ed25519_keypair(pk, sk);
	id = key_id(name, alg, pk);
	px_buf_init(&s, 1024);
	px_buf_init(&v, 1024);
	rc = px_buf_addstr(&s, "PRIVATE+KEY+");
	if (!rc)
		rc =
		    format_key(&s, name, id, alg, sk); /* the seed: sk[0..32) */
	if (!rc)
		rc = format_key(&v, name, id, alg, pk);
	sodium_memzero(sk, sizeof(sk));
	if (rc) {
		if (s.data)
			sodium_memzero(s.data, s.cap);
		px_buf_release(&s);
		px_buf_release(&v);
		return px_errorf(err, rc, "key '%s': formatting failed: %s",
				 name, px_strerror(rc));
	}
	*skey = (char *)px_buf_detach(&s, NULL);
	*vkey = (char *)px_buf_detach(&v, NULL);
	return 0;
}

/*
 * Split "<name>+<8 hex>+<base64 of 33 bytes>" (the part of a key after any
 * "PRIVATE+KEY+"), checking the name, the ID's syntax and the key type.
 * The decoded key material goes to key[32]; what names the key kind in
 * messages.
 */
static int parse_key_fields(const char *text, size_t len, const char *what,
			    char *name, uint32_t *id, uint8_t *alg,
			    uint8_t key[32], struct px_err *err)
{
	const char *p1, *p2;
	uint8_t raw[66], idb[4];
	size_t rawlen = 0, nlen;
	int rc;

	p1 = memchr(text, '+', len);
	if (!p1)
		return px_errorf(err, PX_EINVAL,
				 "%s: no '+' after the key name (want "
				 "<name>+<key ID>+<key>)",
				 what);
	nlen = (size_t)(p1 - text);
	if ((rc = check_name(text, nlen, err)) != 0) {
		px_err_prefix(err, "%s", what);
		return rc;
	}
	p2 = memchr(p1 + 1, '+', len - nlen - 1);
	if (!p2)
		return px_errorf(err, PX_EINVAL,
				 "%s '%.*s': no '+' after the key ID", what,
				 (int)nlen, text);
	if (p2 - p1 - 1 != 8 || px_hex_decode(idb, 4, p1 + 1, 8) != 0)
		return px_errorf(err, PX_EINVAL,
				 "%s '%.*s': key ID '%.*s' is not 8 hex digits",
				 what, (int)nlen, text,
				 (int)(p2 - p1 - 1 > 16 ? 16 : p2 - p1 - 1),
				 p1 + 1);
	if (len - (size_t)(p2 + 1 - text) > 4 * sizeof(raw) / 3)
		return px_errorf(err, PX_EINVAL,
				 "%s '%.*s': key is %zu base64 characters, "
				 "want 44 (type and 32-byte Ed25519 key)",
				 what, (int)nlen, text,
				 len - (size_t)(p2 + 1 - text));
	if (b64_decode(raw, sizeof(raw), &rawlen, p2 + 1,
		       len - (size_t)(p2 + 1 - text)) != 0) {
		sodium_memzero(raw, sizeof(raw));
		return px_errorf(err, PX_EINVAL,
				 "%s '%.*s': key is not valid base64", what,
				 (int)nlen, text);
	}
	if (rawlen != 33 || !alg_known(raw[0])) {
		uint8_t a = rawlen ? raw[0] : 0;
		sodium_memzero(raw, sizeof(raw));
		if (rawlen != 0 && !alg_known(a))
			return px_errorf(err, PX_EINVAL,
					 "%s '%.*s': key type 0x%02x is not "
					 "supported (want 0x01 or 0x04)",
					 what, (int)nlen, text, a);
		return px_errorf(err, PX_EINVAL,
				 "%s '%.*s': key is %zu bytes, want 33 (type "
				 "and 32-byte Ed25519 key)",
				 what, (int)nlen, text, rawlen);
	}
	memcpy(name, text, nlen);
	name[nlen] = '\0';
	*id = be32(idb);
	*alg = raw[0];
	memcpy(key, raw + 1, 32);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int note_verifier_parse(const char *text, size_t len, struct note_verifier *v,
			struct px_err *err)
{
	int rc;

	memset(v, 0, sizeof(*v));
	if (len > 2 * NOTE_NAME_MAX)
		return px_errorf(err, PX_EINVAL,
				 "verifier key is %zu bytes, too long", len);
	rc = parse_key_fields(text, len, "verifier key", v->name, &v->id,
			      &v->alg, v->pub, err);
	if (rc)
		return rc;
	if (key_id(v->name, v->alg, v->pub) != v->id) {
		rc = px_errorf(err, PX_EINVAL,
			       "verifier key '%s': key ID %08" PRIx32
			       " does not match the key (want %08" PRIx32 ")",
			       v->name, v->id, key_id(v->name, v->alg, v->pub));
		memset(v, 0, sizeof(*v));
	}
	return rc;
}

int note_signer_parse(const char *text, size_t len, struct note_signer *s,
		      struct px_err *err)
{
	static const char prefix[] = "PRIVATE+KEY+";
	uint8_t seed[32], pk[32];
	uint32_t want;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = crypto_ready(err)) != 0)
		return rc;
	if (len > 2 * NOTE_NAME_MAX)
		return px_errorf(err, PX_EINVAL,
				 "signer key is %zu bytes, too long", len);
	if (len < sizeof(prefix) - 1 ||
	    memcmp(text, prefix, sizeof(prefix) - 1) != 0)
		return px_errorf(err, PX_EINVAL,
				 "signer key does not start with "
				 "'PRIVATE+KEY+'");
	rc = parse_key_fields(text + sizeof(prefix) - 1,
			      len - (sizeof(prefix) - 1), "signer key", s->name,
			      &s->id, &s->alg, seed, err);
	if (rc) {
		sodium_memzero(seed, sizeof(seed));
		return rc;
	}
	crypto_sign_ed25519_seed_keypair(pk, s->sk, seed);
	sodium_memzero(seed, sizeof(seed));
	want = key_id(s->name, s->alg, pk);
	if (want != s->id) {
		rc = px_errorf(err, PX_EINVAL,
			       "signer key '%s': key ID %08" PRIx32
			       " does not match the key (want %08" PRIx32 ")",
			       s->name, s->id, want);
		note_signer_wipe(s);
	}
	return rc;
}

int note_verifier_format(const struct note_verifier *v, struct px_buf *out)
{
	return format_key(out, v->name, v->id, v->alg, v->pub);
}

void note_signer_verifier(const struct note_signer *s, struct note_verifier *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->name, s->name, sizeof(v->name));
	v->id = s->id;
	v->alg = s->alg;
	memcpy(v->pub, s->sk + 32, 32);
}

void note_signer_wipe(struct note_signer *s)
{
	sodium_memzero(s, sizeof(*s));
}

/* The message a cosignature/v1 signs (tlog-cosignature "Ed25519 signed
 * message"): "cosignature/v1\ntime <T>\n" || note text. */
static int cosig_message(struct px_buf *m, uint64_t ts, const char *text,
			 size_t len)
{
	int rc = px_buf_addf(m, COSIG_HEADER "time %" PRIu64 "\n", ts);

	if (!rc)
		rc = px_buf_add(m, text, len);
	return rc;
}

void note_release(struct note *n)
{
	px_free(n->text);
	px_free(n->sigs);
	n->text = NULL;
	n->sigs = NULL;
	n->text_len = n->nsigs = 0;
}

/* "name+id" of a verifier or signature, for messages. */
#define KEYFMT "'%s+%08" PRIx32 "'"

/*
 * Check one signature by a known key.  Returns 0, PX_EVERIFY with a
 * message naming the line, or PX_ENOMEM.
 */
static int verify_sig(struct note_sig *sig, const struct note_verifier *v,
		      const char *text, size_t text_len, size_t line,
		      struct px_err *err)
{
	if (v->alg == NOTE_ALG_ED25519) {
		if (sig->blob_len != ED25519_SIG)
			return px_errorf(err, PX_EVERIFY,
					 "note line %zu: signature by " KEYFMT
					 " is %zu bytes, want %d (Ed25519)",
					 line, sig->name, sig->id,
					 sig->blob_len, ED25519_SIG);
		if (crypto_sign_ed25519_verify_detached(sig->blob,
							(const uint8_t *)text,
							text_len, v->pub) != 0)
			return px_errorf(
			    err, PX_EVERIFY,
			    "note line %zu: Ed25519 signature by " KEYFMT
			    " does not verify",
			    line, sig->name, sig->id);
	} else {
		struct px_buf m;
		int rc;
		if (sig->blob_len != COSIG_TS + ED25519_SIG)
			return px_errorf(err, PX_EVERIFY,
					 "note line %zu: cosignature by " KEYFMT
					 " is %zu bytes, want %d (timestamp "
					 "and Ed25519 signature)",
					 line, sig->name, sig->id,
					 sig->blob_len, COSIG_TS + ED25519_SIG);
		sig->timestamp = be64(sig->blob);
		if (sig->timestamp > TIMESTAMP_MAX)
			return px_errorf(
			    err, PX_EVERIFY,
			    "note line %zu: cosignature by " KEYFMT
			    " has timestamp %" PRIu64 ", above 2^63-1",
			    line, sig->name, sig->id, sig->timestamp);
		px_buf_init(&m, NOTE_MAX_BYTES + 64);
		rc = cosig_message(&m, sig->timestamp, text, text_len);
		if (rc) {
			px_buf_release(&m);
			return px_errorf(err, rc,
					 "note line %zu: cosignature message: "
					 "%s",
					 line, px_strerror(rc));
		}
		rc = crypto_sign_ed25519_verify_detached(sig->blob + COSIG_TS,
							 m.data, m.len, v->pub);
		px_buf_release(&m);
		if (rc != 0)
			return px_errorf(
			    err, PX_EVERIFY,
			    "note line %zu: cosignature/v1 by " KEYFMT
			    " (time %" PRIu64 ") does not verify",
			    line, sig->name, sig->id, sig->timestamp);
	}
	sig->verified = 1;
	sig->alg = v->alg;
	return 0;
}

/*
 * Parse one signature line (without its newline) into *sig.  Signatures
 * longer than sig->blob (keys of other types, e.g. ML-DSA) are kept with an
 * empty blob: they can only come from keys we do not know.
 */
static int parse_sig_line(const char *p, size_t n, size_t line,
			  struct note_sig *sig, size_t *full_len,
			  struct px_err *err)
{
	const char *sp, *b64;
	size_t nlen, blen, cap, got = 0;
	uint8_t *raw;
	int rc;

	memset(sig, 0, sizeof(*sig));
	if (n < EM_DASH_SP_LEN || memcmp(p, EM_DASH_SP, EM_DASH_SP_LEN) != 0)
		return px_errorf(err, PX_EINVAL,
				 "note line %zu: a signature line must start "
				 "with an em dash (U+2014) and a space",
				 line);
	p += EM_DASH_SP_LEN;
	n -= EM_DASH_SP_LEN;
	sp = memchr(p, ' ', n);
	if (!sp)
		return px_errorf(err, PX_EINVAL,
				 "note line %zu: no space between key name and "
				 "signature",
				 line);
	nlen = (size_t)(sp - p);
	if ((rc = check_name(p, nlen, err)) != 0) {
		px_err_prefix(err, "note line %zu", line);
		return rc;
	}
	b64 = sp + 1;
	blen = n - nlen - 1;
	cap = blen / 4 * 3 + 3;
	raw = px_malloc(cap);
	if (!raw)
		return px_errorf(err, PX_ENOMEM, "note line %zu: out of memory",
				 line);
	if (b64_decode(raw, cap, &got, b64, blen) != 0) {
		px_free(raw);
		return px_errorf(err, PX_EINVAL,
				 "note line %zu: signature by '%.*s' is not "
				 "valid base64",
				 line, (int)nlen, p);
	}
	if (got < 5) {
		px_free(raw);
		return px_errorf(
		    err, PX_EINVAL,
		    "note line %zu: signature by '%.*s' is %zu "
		    "bytes, too short for a key ID and a signature",
		    line, (int)nlen, p, got);
	}
	memcpy(sig->name, p, nlen);
	sig->name[nlen] = '\0';
	sig->id = be32(raw);
	*full_len = got - 4;
	if (got - 4 <= sizeof(sig->blob)) {
		memcpy(sig->blob, raw + 4, got - 4);
		sig->blob_len = got - 4;
	}
	px_free(raw);
	return 0;
}

static int sig_same(const struct note_sig *a, const struct note_sig *b)
{
	return a->id == b->id && a->blob_len == b->blob_len &&
	       strcmp(a->name, b->name) == 0 &&
	       memcmp(a->blob, b->blob, a->blob_len) == 0;
}

/* Append "'name+id'" of each signature in sigs to msg (bounded). */
static void list_keys(char *msg, size_t cap, const struct note_sig *sigs,
		      size_t n)
{
	size_t i, used = strlen(msg);

	for (i = 0; i < n && used + 1 < cap; i++) {
		int k = snprintf(msg + used, cap - used, "%s" KEYFMT,
				 i ? ", " : "", sigs[i].name, sigs[i].id);
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

int note_open(const uint8_t *msg, size_t len,
	      const struct note_verifier *verifiers, size_t nverifiers,
	      struct note *out, struct px_err *err)
{
	const char *s = (const char *)msg, *p, *end;
	size_t split, i, text_lines = 0, line, nverified = 0;
	struct note_sig *sigs = NULL;
	size_t nsigs = 0, nlines = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = crypto_ready(err)) != 0)
		return rc;
	if (len > NOTE_MAX_BYTES)
		return px_errorf(err, PX_ETOOBIG,
				 "note is %zu bytes, more than the limit of %d",
				 len, NOTE_MAX_BYTES);
	if ((rc = check_text(msg, len, "note", err)) != 0)
		return rc;
	if (len == 0)
		return px_errorf(err, PX_EINVAL, "note is empty");
	if (msg[len - 1] != '\n')
		return px_errorf(err, PX_EINVAL,
				 "note: the last line does not end with a "
				 "newline (truncated?)");
	/* signed-note "Format": the text ends at the last blank line. */
	for (split = len - 1; split > 0; split--)
		if (msg[split] == '\n' && msg[split - 1] == '\n')
			break;
	if (split == 0)
		return px_errorf(err, PX_EINVAL,
				 "note: no blank line separating the text from "
				 "the signatures");
	split--; /* msg[split] is the text's final newline */
	if (split + 2 >= len)
		return px_errorf(err, PX_EINVAL,
				 "note: no signature lines after the blank "
				 "line");
	for (i = 0; i <= split; i++)
		text_lines += msg[i] == '\n';

	sigs = px_calloc(NOTE_MAX_SIGS, sizeof(*sigs));
	if (!sigs)
		return px_errorf(err, PX_ENOMEM, "note: out of memory");
	line = text_lines + 2;
	for (p = s + split + 2, end = s + len; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct note_sig sig;
		size_t full_len = 0, k;
		const struct note_verifier *v = NULL;

		rc = parse_sig_line(p, (size_t)(nl - p), line, &sig, &full_len,
				    err);
		if (rc)
			goto fail;
		p = nl + 1;
		if (++nlines > NOTE_MAX_SIGS) {
			rc = px_errorf(err, PX_EINVAL,
				       "note line %zu: more than %d "
				       "signatures",
				       line, NOTE_MAX_SIGS);
			goto fail;
		}
		for (k = 0; k < nsigs; k++)
			if (sig_same(&sig, &sigs[k]))
				break;
		if (k < nsigs && full_len == sig.blob_len)
			continue; /* the same line again adds nothing */
		for (k = 0; k < nverifiers; k++) {
			const struct note_verifier *c = &verifiers[k];
			if (c->id != sig.id || strcmp(c->name, sig.name) != 0)
				continue;
			if (v) {
				rc = px_errorf(err, PX_EINVAL,
					       "note line %zu: key " KEYFMT
					       " matches more than one "
					       "verifier",
					       line, sig.name, sig.id);
				goto fail;
			}
			v = c;
		}
		if (v) {
			if (full_len != sig.blob_len)
				sig.blob_len = full_len; /* too long: fails */
			rc = verify_sig(&sig, v, s, split + 1, line, err);
			if (rc)
				goto fail;
			nverified++;
		}
		sigs[nsigs++] = sig;
	}
	if (nverified == 0) {
		char keys[512] = "";
		list_keys(keys, sizeof(keys), sigs, nsigs);
		rc = px_errorf(err, PX_EVERIFY,
			       "note: no signature by a known key (signed by "
			       "%s; %zu key%s known)",
			       keys, nverifiers, nverifiers == 1 ? "" : "s");
		goto fail;
	}
	out->text = px_strndup(s, split + 1);
	if (!out->text) {
		rc = px_errorf(err, PX_ENOMEM, "note: out of memory");
		goto fail;
	}
	out->text_len = split + 1;
	out->sigs = sigs;
	out->nsigs = nsigs;
	return 0;
fail:
	px_free(sigs);
	return rc;
}

/* A note text must be valid UTF-8 without control characters but newline,
 * and end with a newline (signed-note "Format"). */
static int check_note_text(const char *text, size_t len, struct px_err *err)
{
	int rc;

	if (len == 0 || text[len - 1] != '\n')
		return px_errorf(err, PX_EINVAL, "note text %s",
				 len ? "does not end with a newline"
				     : "is empty");
	if (len > NOTE_MAX_BYTES)
		return px_errorf(err, PX_ETOOBIG,
				 "note text is %zu bytes, more than the limit "
				 "of %d",
				 len, NOTE_MAX_BYTES);
	rc = check_text((const uint8_t *)text, len, "note text", err);
	return rc;
}

/* Append "— <name> base64(id || blob)\n" to out. */
static int add_sig_line(struct px_buf *out, const char *name, uint32_t id,
			const uint8_t *blob, size_t n)
{
	uint8_t raw[4 + COSIG_TS + ED25519_SIG];
	char b64[4 * sizeof(raw) / 3 + 8];
	int rc;

	put_be32(raw, id);
	memcpy(raw + 4, blob, n);
	px_b64_encode(b64, raw, 4 + n);
	rc = px_buf_addf(out, EM_DASH_SP "%s %s\n", name, b64);
	return rc;
}

int note_sign(const char *text, size_t len, const struct note_signer *signers,
	      size_t nsigners, struct px_buf *out, struct px_err *err)
{
	size_t i, start = out->len, total;
	int rc;

	if ((rc = crypto_ready(err)) != 0)
		return rc;
	if ((rc = check_note_text(text, len, err)) != 0)
		return rc;
	if (nsigners == 0)
		return px_errorf(err, PX_EINVAL, "note: no signer given");
	for (i = 0; i < nsigners; i++) {
		if (signers[i].alg != NOTE_ALG_ED25519)
			return px_errorf(err, PX_EINVAL,
					 "signer " KEYFMT
					 ": key type 0x%02x cannot sign notes "
					 "(want 0x01)",
					 signers[i].name, signers[i].id,
					 signers[i].alg);
		if ((rc = check_name(signers[i].name, strlen(signers[i].name),
				     err)) != 0) {
			px_err_prefix(err, "signer %zu", i + 1);
			return rc;
		}
	}
	/* Refuse to make a note nobody could open (note_open's limit). */
	total = len + 1;
	for (i = 0; i < nsigners; i++)
		total += EM_DASH_SP_LEN + strlen(signers[i].name) + 1 +
			 px_b64_len(4 + ED25519_SIG) + 1;
	if (total > NOTE_MAX_BYTES)
		return px_errorf(
		    err, PX_ETOOBIG,
		    "signed note would be %zu bytes, more than the "
		    "limit of %d",
		    total, NOTE_MAX_BYTES);
	rc = px_buf_add(out, text, len);
	if (!rc)
		rc = px_buf_addc(out, '\n');
	for (i = 0; !rc && i < nsigners; i++) {
		uint8_t sig[ED25519_SIG];
		crypto_sign_ed25519_detached(sig, NULL, (const uint8_t *)text,
					     len, signers[i].sk);
		rc = add_sig_line(out, signers[i].name, signers[i].id, sig,
				  sizeof(sig));
	}
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return px_errorf(err, rc, "signed note: %s", px_strerror(rc));
	}
	return 0;
}

int note_cosign(const char *text, size_t len, const struct note_signer *witness,
		uint64_t timestamp, struct px_buf *out, struct px_err *err)
{
	uint8_t blob[COSIG_TS + ED25519_SIG];
	struct px_buf m;
	int rc;

	if ((rc = crypto_ready(err)) != 0)
		return rc;
	if ((rc = check_note_text(text, len, err)) != 0)
		return rc;
	if (witness->alg != NOTE_ALG_COSIGNATURE_V1)
		return px_errorf(err, PX_EINVAL,
				 "witness " KEYFMT ": key type 0x%02x cannot "
				 "cosign (want 0x04)",
				 witness->name, witness->id, witness->alg);
	if (timestamp > TIMESTAMP_MAX)
		return px_errorf(err, PX_EINVAL,
				 "cosignature timestamp %" PRIu64
				 " is above 2^63-1",
				 timestamp);
	px_buf_init(&m, NOTE_MAX_BYTES + 64);
	rc = cosig_message(&m, timestamp, text, len);
	if (rc) {
		px_buf_release(&m);
		return px_errorf(err, rc, "cosignature message: %s",
				 px_strerror(rc));
	}
	put_be64(blob, timestamp);
	crypto_sign_ed25519_detached(blob + COSIG_TS, NULL, m.data, m.len,
				     witness->sk);
	px_buf_release(&m);
	rc = add_sig_line(out, witness->name, witness->id, blob, sizeof(blob));
	if (rc)
		return px_errorf(err, rc, "cosignature line: %s",
				 px_strerror(rc));
	return 0;
}

int log_checkpoint_format(const struct log_checkpoint *c, struct px_buf *out)
{
	char b64[48];
	size_t olen = strlen(c->origin);
	int rc;

	if (olen == 0 || memchr(c->origin, '\n', olen))
		return PX_EINVAL;
	px_b64_encode(b64, c->root.b, LOG_HASH_SIZE);
	rc = px_buf_addf(out, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
	if (!rc && c->extensions)
		rc = px_buf_addstr(out, c->extensions);
	return rc;
}

int log_checkpoint_parse(const char *text, size_t len, struct log_checkpoint *c,
			 struct px_err *err)
{
	const char *p = text, *end = text + len, *nl;
	size_t n, rootlen = 0, line;
	int rc;

	memset(c, 0, sizeof(*c));
	if (len > NOTE_MAX_BYTES)
		return px_errorf(err, PX_ETOOBIG,
				 "checkpoint is %zu bytes, more than the limit "
				 "of %d",
				 len, NOTE_MAX_BYTES);
	if ((rc = check_text((const uint8_t *)text, len, "checkpoint", err)))
		return rc;
	if (len == 0 || text[len - 1] != '\n')
		return px_errorf(err, PX_EINVAL, "checkpoint: %s",
				 len ? "the last line does not end with a "
				       "newline"
				     : "empty");

	/* tlog-checkpoint "Note text" 1: the origin, non-empty. */
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)(nl - p);
	if (n == 0)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint line 1: the origin is empty");
	if (n > CHECKPOINT_ORIGIN_MAX)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint line 1: the origin is %zu bytes, "
				 "more than the limit of %d",
				 n, CHECKPOINT_ORIGIN_MAX);
	memcpy(c->origin, p, n);
	c->origin[n] = '\0';
	p = nl + 1;

	/* 2: the tree size in decimal, no leading zeros. */
	if (p == end)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint: no line 2 (the tree size)");
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)(nl - p);
	if (px_parse_u64(p, n, &c->size) != 0)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint line 2: tree size '%.*s' is not a "
				 "decimal number without leading zeros",
				 (int)(n > 32 ? 32 : n), p);
	p = nl + 1;

	/* 3: the root hash, base64 of 32 bytes. */
	if (p == end)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint: no line 3 (the root hash)");
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)(nl - p);
	{
		uint8_t raw[LOG_HASH_SIZE + 3];
		if (n > 2 * px_b64_len(LOG_HASH_SIZE) ||
		    b64_decode(raw, sizeof(raw), &rootlen, p, n) != 0)
			return px_errorf(err, PX_EINVAL,
					 "checkpoint line 3: root hash is not "
					 "valid base64");
		if (rootlen != LOG_HASH_SIZE)
			return px_errorf(err, PX_EINVAL,
					 "checkpoint line 3: root hash is %zu "
					 "bytes, want %d",
					 rootlen, LOG_HASH_SIZE);
		memcpy(c->root.b, raw, LOG_HASH_SIZE);
	}
	p = nl + 1;

	/* 4...: extension lines, each non-empty. */
	if (p == end)
		return 0;
	for (line = 4; p < end; line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p)
			return px_errorf(err, PX_EINVAL,
					 "checkpoint line %zu: empty extension "
					 "line",
					 line);
		p = nl + 1;
	}
	{
		const char *ext = text;
		size_t k;
		for (k = 0; k < 3; k++)
			ext = memchr(ext, '\n', (size_t)(end - ext)) + 1;
		c->extensions = px_strndup(ext, (size_t)(end - ext));
		if (!c->extensions)
			return px_errorf(err, PX_ENOMEM,
					 "checkpoint: out of memory");
	}
	return 0;
}

void log_checkpoint_release(struct log_checkpoint *c)
{
	px_free(c->extensions);
	c->extensions = NULL;
}

static int sig_by(const struct note *n, const struct note_verifier *v)
{
	size_t i;

	for (i = 0; i < n->nsigs; i++)
		if (n->sigs[i].verified && n->sigs[i].id == v->id &&
		    strcmp(n->sigs[i].name, v->name) == 0)
			return 1;
	return 0;
}

static int same_key(const struct note_verifier *a,
		    const struct note_verifier *b)
{
	return a->id == b->id && a->alg == b->alg &&
	       strcmp(a->name, b->name) == 0 &&
	       memcmp(a->pub, b->pub, sizeof(a->pub)) == 0;
}

int log_checkpoint_open(const uint8_t *msg, size_t len,
			const struct note_verifier *log_key,
			const struct note_verifier *witnesses,
			size_t nwitnesses, size_t quorum,
			struct log_checkpoint *c, struct px_err *err)
{
	struct note_verifier *all;
	struct note n;
	size_t i, k, nall, valid = 0;
	char missing[400] = "";
	int rc;

	memset(c, 0, sizeof(*c));
	if (quorum > nwitnesses)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint: quorum %zu is more than the %zu "
				 "witnesses given",
				 quorum, nwitnesses);
	if (nwitnesses > NOTE_MAX_SIGS)
		return px_errorf(err, PX_EINVAL,
				 "checkpoint: %zu witnesses, more than the "
				 "limit of %d",
				 nwitnesses, NOTE_MAX_SIGS);
	all = px_calloc(nwitnesses + 1, sizeof(*all));
	if (!all)
		return px_errorf(err, PX_ENOMEM, "checkpoint: out of memory");
	/* The same key given twice is one key, not an ambiguity. */
	all[0] = *log_key;
	nall = 1;
	for (i = 0; i < nwitnesses; i++) {
		for (k = 0; k < nall; k++)
			if (same_key(&all[k], &witnesses[i]))
				break;
		if (k == nall)
			all[nall++] = witnesses[i];
	}
	rc = note_open(msg, len, all, nall, &n, err);
	px_free(all);
	if (rc) {
		px_err_prefix(err,
			      "checkpoint"); /* keeps rc when err is NULL */
		return rc;
	}

	if (!sig_by(&n, log_key)) {
		rc =
		    px_errorf(err, PX_EVERIFY,
			      "checkpoint: no signature by the log key " KEYFMT,
			      log_key->name, log_key->id);
		goto out;
	}
	rc = log_checkpoint_parse(n.text, n.text_len, c, err);
	if (rc)
		goto out;
	if (strcmp(c->origin, log_key->name) != 0) {
		rc = px_errorf(err, PX_EVERIFY,
			       "checkpoint line 1: origin '%s' is not the log "
			       "key's name '%s'",
			       c->origin, log_key->name);
		goto out;
	}
	for (i = 0; i < nwitnesses; i++) {
		const struct note_verifier *w = &witnesses[i];
		for (k = 0; k < i; k++) /* count each witness once */
			if (witnesses[k].id == w->id &&
			    strcmp(witnesses[k].name, w->name) == 0)
				break;
		if (k < i)
			continue;
		if (sig_by(&n, w)) {
			valid++;
		} else {
			size_t used = strlen(missing);
			snprintf(missing + used, sizeof(missing) - used,
				 "%s" KEYFMT, used ? ", " : "", w->name, w->id);
		}
	}
	if (valid < quorum)
		rc = px_errorf(err, PX_EVERIFY,
			       "checkpoint: %zu valid witness cosignature%s, "
			       "quorum is %zu (missing: %s)",
			       valid, valid == 1 ? "" : "s", quorum, missing);
out:
	if (rc)
		log_checkpoint_release(c);
	note_release(&n);
	return rc;
}
