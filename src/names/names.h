/*
 * names.h - finding the same person or place under any of its spellings.
 * Only src/names/ uses ICU.
 *
 * A name's key is a Latin, lower-case, diacritic-free ASCII form made by
 * ICU transliteration (Any-Latin; Latin-ASCII) and then folded by rules for
 * the spelling families met in the region (kh/x/h, ə/a/e, -ian/-yan,
 * y-glides, doubled letters, ...), so that "Xankəndi", "Khankendi",
 * "Ханкенди" give one key, and "Stepanakert", "Степанакерт",
 * "Ստեփանակերտ" another.  Similarity compares keys (0..1000).
 */
#ifndef PX_NAMES_NAMES_H
#define PX_NAMES_NAMES_H

#include "util/px.h"

#include <stddef.h>

#define NAMES_KEY_MAX 512

/* Longest input accepted by names_key and names_fold, in bytes. */
#define NAMES_INPUT_MAX 4096

/*
 * The key of a UTF-8 name, NUL-terminated in out (NAMES_KEY_MAX bytes),
 * words separated by one space.  PX_EINVAL for invalid UTF-8 or a NUL
 * byte, PX_ETOOBIG for more than NAMES_INPUT_MAX bytes; on error out is
 * "".  A key longer than NAMES_KEY_MAX - 1 is cut after its last whole
 * word that fits.  A key is its own key.  A name with no letters or
 * digits has the key "".  Thread-safe (each thread has its own
 * transliterators).  The rules are listed in names.c.
 */
int names_key(const char *name, size_t len, char out[NAMES_KEY_MAX],
	      struct px_err *err);

/* Plain folding without transliteration rules: lower case, diacritics
 * removed, any script to Latin (for search terms); runs of spaces and
 * tabs become one space, none at either end; punctuation is kept.
 * "Şuşa" gives "susa", "Шуша" "shusha".  Errors as names_key, and
 * PX_ETOOBIG when the result does not fit outcap bytes (out is then ""). */
int names_fold(const char *text, size_t len, char *out, size_t outcap,
	       struct px_err *err);

/* Similarity of two names' keys, 0 (unrelated) to 1000 (same key): a
 * weighted edit distance over the keys' sounds.  Symmetric.  At 850 and
 * above the tests call two names "probably the same" (Shusha ~ Shushi is
 * 875; Agdam ~ Agdash, two places, 800). */
int names_similarity(const char *key_a, const char *key_b);

#endif
