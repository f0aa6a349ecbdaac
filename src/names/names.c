/*
 * names.c - transliteration keys, search folding and similarity of names
 * (names.h).  The only file that uses ICU.
 *
 * A name goes through two stages.
 *
 * Stage 1 (ICU, rule-based transliterators built from the rules below):
 * NFC, lower case, then our own Armenian and Cyrillic tables (ICU's
 * Armenian-Latin follows ISO 9985 and its Cyrillic-Latin ISO 9, whose
 * "š", "č", "ž", "p'" then lose their marks in Latin-ASCII and turn
 * "Шуша" into "susa"; the tables here give the spellings the region's
 * English usage has: ш sh, ч ch, х kh, ц ts, ж zh, խ kh, ղ gh, ծ ts, ձ dz,
 * ջ j, ...), then ICU's Any-Latin for every other script, Latin-ASCII, and
 * removal of any combining marks left.  For keys (not for folding) the
 * Azerbaijani and other Latin letters with marks are first spelled out the
 * way they are read: ş sh, ç ch, ğ gh, ə a, ž zh, š sh, č ch, ǰ j.
 * Stage 1 alone is names_fold, which therefore only removes marks from
 * Latin letters: "Şuşa" folds to "susa", "Шуша" to "shusha" (the key of
 * both is "shusha").
 *
 * Stage 2 (names_key only, in C on the lower-case ASCII of stage 1): each
 * word (letters and digits; apostrophes are dropped inside a word, any
 * other character separates words) is cut into sounds and folded by these
 * rules, which are the spelling families of the region's names:
 *   K1  kh, x and h are one sound, and it is dropped: Xankəndi,
 *       Khankendi, Hankendi, Ханкенди -> "ankandi".  Dropped rather than
 *       kept because so many spellings omit it: Russian writes Armenian հ
 *       as nothing (Harutyunyan ~ Арутюнян, Hovhannisyan ~ Ованесян).
 *       Measured on GeoNames (tests/unit/test_names.c), dropping it makes
 *       9 more of the 766 Cyrillic/Armenian names share the key of their
 *       place's main name (600 against 591), at the price of one
 *       collision of two places (Khasht'arrak ~ Ashtarak).
 *   K2  gh, ğ and q are g: Aghdam, Ağdam, Агдам; Qazax, Газах.
 *   K3  e, ə, a, ä are one vowel "a": Gəncə ~ Ganja, Tərtər ~ Тертер,
 *       Məmmədov ~ Mamedov.  o, u and i stay apart (ö o, ü u, ı i).
 *   K4  dzh, j and c are "j": Cəbrayıl ~ Jabrayil ~ Джебраил (Azerbaijani
 *       c is the sound of English j; Armenian ջ is written j).
 *   K5  ts and tz are "ts"; dz stays "dz"; zh stays "zh".
 *   K6  sh (ş, ш, շ, and shch from щ) is "sh"; ch (ç, ч, չ, ճ, tch) is "ch".
 *   K7  w is v; ck is k.
 *   K8  y-glides: a run of i and y standing right before a vowel (a, o, u)
 *       is dropped, which folds Yerevan ~ Erevan, Gyandzha ~ Ganja,
 *       Aliyev ~ Aliev, and -ian ~ -yan (Grigorian ~ Grigoryan); any other
 *       y is the vowel i (Hayrapetyan ~ Airapetyan, Ходжалы ~ Xocalı).
 *   K9  a sound repeated is one sound: Məmmədov ~ Mamedov,
 *       Hovhannisyan's nn.
 *   K10 endings are kept as they are: -ov and -ova, -ev and -eva differ
 *       (a man's and a woman's surname are different names).
 * Words are joined by one space.  The key is cut at the last whole word
 * that fits NAMES_KEY_MAX - 1 bytes.  Sounds written side by side can
 * spell a digraph (t + ch is "tch"), so stage 2 is applied again to its
 * own result until nothing changes: a key is its own key.
 *
 * Similarity (names_similarity) is a weighted edit distance between keys
 * cut into the same sounds: inserting or deleting a sound costs 2 (a
 * vowel 1), substituting a vowel for a vowel costs 1, substituting a
 * consonant of the same family (g/k, d/t, b/p, v/f, s/z, s/sh, sh/zh,
 * ch/j, ch/ts, ts/s, j/dz, dz/z, j/zh) costs 1, anything else 2; the
 * result is 1000 * (1 - cost / (2 * longer length)), floored at 0.
 *
 * Thread safety: ICU transliterators are not thread-safe, so one prototype
 * per stage is opened once (under a lock, retried if it failed) and each
 * thread uses its own clone, kept in thread-specific data and closed when
 * the thread exits.  The prototypes live until the process ends.
 */
#include "names/names.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/utypes.h>

/* Transliteration can lengthen text (Han to pinyin, щ to shch). */
#define NAMES_EXPAND 12

/* ---- stage 1 rules (ICU transform rule syntax, UTS #35 part 2) */

/* clang-format off */
#define RULES_HEAD                                                             \
	"::NFC;\n"                                                             \
	"::Any-Lower;\n"                                                       \
	"$wb = [^[:L:][:M:]];\n"

/* Eastern Armenian, as the region's English usage writes it. */
#define RULES_ARMENIAN                                                         \
	"$wb { ու > u; ^ ու > u; ու > u;\n"                                    \
	"$wb { ե > ye; ^ ե > ye; ե > e;\n"                                     \
	"$wb { ո > vo; ^ ո > vo; ո > o;\n"                                     \
	"$wb { և > yev; ^ և > yev; և > ev;\n"                                   \
	"ա > a; բ > b; գ > g; դ > d; զ > z; է > e; ը > e; թ > t; ժ > zh;\n"    \
	"ի > i; լ > l; խ > kh; ծ > ts; կ > k; հ > h; ձ > dz; ղ > gh; ճ > ch;\n" \
	"մ > m; յ > y; ն > n; շ > sh; չ > ch; պ > p; ջ > j; ռ > r; ս > s;\n"   \
	"վ > v; տ > t; ր > r; ց > ts; ւ > v; փ > p; ք > k; օ > o; ֆ > f;\n"    \
	"[՚՛՜՝՞՟] > ;\n"

/* Russian, Ukrainian, Azerbaijani and Serbian Cyrillic. */
#define RULES_CYRILLIC                                                         \
	"а > a; б > b; в > v; г > g; д > d; е > e; ё > yo; ж > zh; з > z;\n"   \
	"и > i; й > y; к > k; л > l; м > m; н > n; о > o; п > p; р > r;\n"     \
	"с > s; т > t; у > u; ф > f; х > kh; ц > ts; ч > ch; ш > sh;\n"        \
	"щ > shch; ъ > ; ы > y; ь > ; э > e; ю > yu; я > ya;\n"                \
	"ә > ə; ғ > gh; ҝ > g; ҹ > j; һ > h; ө > ö; ү > ü; ј > y; қ > k;\n"    \
	"ң > n; ұ > u; і > i; ї > yi; є > ye; ґ > g; ђ > dj; ћ > ch;\n"        \
	"џ > j; љ > lj; њ > nj; ѓ > g; ќ > k; ѕ > dz; ҡ > k; ҷ > j; ҳ > h;\n"  \
	"ӣ > i; ӯ > u;\n"                                                      \
	"::Null;\n"

/* Latin letters spelled out for keys (before Latin-ASCII drops marks). */
#define RULES_LATIN_KEY                                                        \
	"ə > a; ä > a; ş > sh; ș > sh; ç > ch; ğ > gh; ž > zh; š > sh;\n"      \
	"č > ch; ǰ > j; ĵ > j; ı > i;\n"

/* For folding, ə (which Latin-ASCII leaves) is the e of Azerbaijani ASCII. */
#define RULES_LATIN_FOLD "ə > e;\n"

#define RULES_TAIL                                                             \
	"::Any-Latin;\n"                                                       \
	"::Latin-ASCII;\n"                                                     \
	"::Any-Lower;\n"                                                       \
	"::NFD;\n"                                                             \
	"::[:Mn:] Remove;\n"                                                   \
	"::NFC;\n"

/* clang-format on */
static const char rules_key[] =
    RULES_HEAD RULES_ARMENIAN RULES_CYRILLIC RULES_LATIN_KEY;
static const char rules_fold[] =
    RULES_HEAD RULES_ARMENIAN RULES_CYRILLIC RULES_LATIN_FOLD;
static const char rules_tail[] = RULES_TAIL;

/*
 * The tail (Any-Latin and after) is the costly part and changes nothing in
 * ASCII text, so it runs only when the head leaves something outside
 * ASCII; and ASCII input skips ICU altogether (lower case is all the
 * whole chain would do to it).
 */
enum stage { STAGE_KEY, STAGE_FOLD, STAGE_TAIL, STAGE_COUNT };

static const struct {
	const char *id;
	const char *rules;
} stage_def[STAGE_COUNT] = {
    {"x-parallax-key", rules_key},
    {"x-parallax-fold", rules_fold},
    {"x-parallax-tail", rules_tail},
};

/* ---- transliterators: prototypes opened once, a clone per thread */

static pthread_mutex_t proto_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int proto_ready;
static UTransliterator *proto[STAGE_COUNT];
static pthread_key_t clone_key;
static int clone_key_ok;

struct clones {
	UTransliterator *t[STAGE_COUNT];
};

static void clones_free(void *p)
{
	struct clones *c = p;
	int i;

	if (!c)
		return;
	for (i = 0; i < STAGE_COUNT; i++)
		if (c->t[i])
			utrans_close(c->t[i]);
	px_free(c);
}

/*
 * Open the prototypes (under proto_lock).  On failure nothing is kept, so
 * that a later call tries again (a transient ENOMEM does not disable the
 * module for good).
 */
static int proto_open(struct px_err *err)
{
	UTransliterator *t[STAGE_COUNT] = {NULL};
	UChar idu[64];
	int i;

	if (!clone_key_ok) {
		if (pthread_key_create(&clone_key, clones_free) != 0)
			return px_errorf(err, PX_ENOMEM,
					 "names: out of memory (cannot create "
					 "thread-specific data)");
		clone_key_ok = 1;
	}
	for (i = 0; i < STAGE_COUNT; i++) {
		UErrorCode st = U_ZERO_ERROR;
		UParseError pe;
		int32_t n = 0;
		size_t cap = strlen(stage_def[i].rules) + 1;
		UChar *ru = px_malloc(cap * sizeof(UChar));

		memset(&pe, 0, sizeof(pe));
		if (ru) {
			u_strFromUTF8(ru, (int32_t)cap, &n, stage_def[i].rules,
				      -1, &st);
			u_strFromUTF8(idu, (int32_t)PX_ARRAY_LEN(idu), NULL,
				      stage_def[i].id, -1, &st);
			if (U_SUCCESS(st))
				t[i] = utrans_openU(idu, -1, UTRANS_FORWARD, ru,
						    n, &pe, &st);
			px_free(ru);
		}
		if (!ru || U_FAILURE(st)) {
			int failed = i;

			while (i-- > 0)
				utrans_close(t[i]);
			if (!ru || st == U_MEMORY_ALLOCATION_ERROR)
				return px_errorf(err, PX_ENOMEM,
						 "names: out of memory");
			return px_errorf(err, PX_EIO,
					 "names: cannot open the %s "
					 "transliterator: %s (rules line %d, "
					 "offset %d)",
					 stage_def[failed].id, u_errorName(st),
					 (int)pe.line, (int)pe.offset);
		}
	}
	memcpy(proto, t, sizeof(proto));
	return 0;
}

/* This thread's transliterator for a stage. */
static int trans_get(enum stage s, UTransliterator **out, struct px_err *err)
{
	struct clones *c;
	UErrorCode st = U_ZERO_ERROR;

	if (!atomic_load(&proto_ready)) {
		int rc;

		pthread_mutex_lock(&proto_lock);
		rc = atomic_load(&proto_ready) ? 0 : proto_open(err);
		if (rc == 0)
			atomic_store(&proto_ready, 1);
		pthread_mutex_unlock(&proto_lock);
		if (rc < 0)
			return rc;
	}
	c = pthread_getspecific(clone_key);
	if (!c) {
		c = px_calloc(1, sizeof(*c));
		if (!c)
			return px_errorf(err, PX_ENOMEM,
					 "names: out of memory");
		if (pthread_setspecific(clone_key, c) != 0) {
			px_free(c);
			return px_errorf(err, PX_ENOMEM,
					 "names: out of memory (cannot set "
					 "thread-specific data)");
		}
	}
	if (!c->t[s]) {
		c->t[s] = utrans_clone(proto[s], &st);
		if (U_FAILURE(st)) {
			c->t[s] = NULL;
			if (st == U_MEMORY_ALLOCATION_ERROR)
				return px_errorf(err, PX_ENOMEM,
						 "names: out of memory");
			return px_errorf(err, PX_EIO,
					 "names: cannot clone the %s "
					 "transliterator: %s",
					 stage_def[s].id, u_errorName(st));
		}
	}
	*out = c->t[s];
	return 0;
}

/*
 * Stage 1: UTF-8 name -> lower-case ASCII in *ascii (px_malloc'd, NUL-
 * terminated).  Characters stage 1 leaves outside ASCII become spaces.
 */
static int stage1(enum stage s, const char *what, const char *name, size_t len,
		  char **ascii, size_t *alen, struct px_err *err)
{
	UTransliterator *t;
	UErrorCode st = U_ZERO_ERROR;
	UChar *u;
	int32_t ulen = 0, limit, cap, i;
	char *a;
	size_t n = 0;
	int rc;

	*ascii = NULL;
	if (!name && len > 0)
		return px_errorf(err, PX_EINVAL, "%s: no text", what);
	if (len > NAMES_INPUT_MAX)
		return px_errorf(err, PX_ETOOBIG,
				 "%s: %zu bytes, at most %d allowed", what, len,
				 NAMES_INPUT_MAX);
	if (len > 0 && memchr(name, 0, len))
		return px_errorf(err, PX_EINVAL, "%s: contains a NUL byte",
				 what);
	for (i = 0; (size_t)i < len; i++)
		if ((unsigned char)name[i] >= 0x80)
			break;
	if ((size_t)i == len) {
		a = px_malloc(len + 1);
		if (!a)
			return px_errorf(err, PX_ENOMEM, "%s: out of memory",
					 what);
		for (i = 0; (size_t)i < len; i++) {
			char c = name[i];

			a[i] = c >= 'A' && c <= 'Z'    ? (char)(c + 32)
			       : c < 0x20 || c == 0x7f ? ' '
						       : c;
		}
		a[len] = '\0';
		*ascii = a;
		*alen = len;
		return 0;
	}
	rc = trans_get(s, &t, err);
	if (rc < 0)
		return rc;
	cap = (int32_t)(len * NAMES_EXPAND + 16);
	u = px_malloc((size_t)cap * sizeof(UChar));
	if (!u)
		return px_errorf(err, PX_ENOMEM, "%s: out of memory", what);
	/* Ill-formed UTF-8 (overlong forms, surrogates, truncated
	 * sequences) is U_INVALID_CHAR_FOUND. */
	u_strFromUTF8(u, cap, &ulen, name ? name : "", (int32_t)len, &st);
	if (U_FAILURE(st)) {
		px_free(u);
		if (st == U_INVALID_CHAR_FOUND)
			return px_errorf(err, PX_EINVAL, "%s: invalid UTF-8",
					 what);
		return px_errorf(err, PX_EIO, "%s: cannot convert: %s", what,
				 u_errorName(st));
	}
	limit = ulen;
	utrans_transUChars(t, u, &ulen, cap, 0, &limit, &st);
	for (i = 0; U_SUCCESS(st) && i < ulen; i++)
		if (u[i] >= 0x80)
			break;
	if (U_SUCCESS(st) && i < ulen) {
		rc = trans_get(STAGE_TAIL, &t, err);
		if (rc < 0) {
			px_free(u);
			return rc;
		}
		limit = ulen;
		utrans_transUChars(t, u, &ulen, cap, 0, &limit, &st);
	}
	if (U_FAILURE(st)) {
		px_free(u);
		if (st == U_BUFFER_OVERFLOW_ERROR)
			return px_errorf(err, PX_ETOOBIG,
					 "%s: transliteration longer than "
					 "%d characters",
					 what, (int)cap);
		if (st == U_MEMORY_ALLOCATION_ERROR)
			return px_errorf(err, PX_ENOMEM, "%s: out of memory",
					 what);
		return px_errorf(err, PX_EIO, "%s: transliteration failed: %s",
				 what, u_errorName(st));
	}
	a = px_malloc((size_t)ulen + 1);
	if (!a) {
		px_free(u);
		return px_errorf(err, PX_ENOMEM, "%s: out of memory", what);
	}
	for (i = 0; i < ulen; i++) {
		UChar c = u[i];

		if (c >= 0x20 && c < 0x7f) {
			a[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else if (c == 0x2019 || c == 0x02bc || c == 0x02bb ||
			   c == 0x02b9 || c == 0x2018) {
			a[n++] = '\''; /* apostrophes Latin-ASCII left */
		} else {
			a[n++] = ' ';
		}
	}
	a[n] = '\0';
	px_free(u);
	*ascii = a;
	*alen = n;
	return 0;
}

/* ---- names_fold */

int names_fold(const char *text, size_t len, char *out, size_t outcap,
	       struct px_err *err)
{
	char *a;
	size_t alen, i, n = 0;
	int rc, space = 0;

	if (!out || outcap == 0)
		return px_errorf(err, PX_EINVAL,
				 "names_fold: no output buffer");
	out[0] = '\0';
	rc = stage1(STAGE_FOLD, "names_fold", text, len, &a, &alen, err);
	if (rc < 0)
		return rc;
	/* Whitespace runs become one space; no space at either end. */
	for (i = 0; i < alen; i++) {
		char c = a[i];

		if (c == ' ' || c == '\t') {
			space = n > 0;
			continue;
		}
		if (n + (size_t)space + 1 >= outcap) {
			px_free(a);
			out[0] = '\0';
			return px_errorf(err, PX_ETOOBIG,
					 "names_fold: folded text longer "
					 "than %zu bytes",
					 outcap - 1);
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = c;
	}
	out[n] = '\0';
	px_free(a);
	return 0;
}

/* ---- stage 2: sounds */

/*
 * A sound is one byte code: a lower-case letter or digit for itself, or
 * one of these for a digraph.  Keys spell them out again (snd_text).
 */
enum {
	SND_SH = 'S',
	SND_CH = 'C',
	SND_ZH = 'Z',
	SND_TS = 'T',
	SND_DZ = 'D',
	SND_H = 'H', /* kh, x, h: dropped by K1 */
	SND_Y = 'Y', /* the glide y, before K8 */
	SND_SPACE = ' ',
};

static int is_vowel_snd(int c)
{
	return c == 'a' || c == 'o' || c == 'u' || c == 'i';
}

static int is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * Cut one word w[0..n) (lower-case letters and digits) into sounds,
 * appending codes to s (capacity cap); returns the new count.  Rules K1-K7.
 */
static size_t word_sounds(const char *w, size_t n, char *s, size_t ns,
			  size_t cap)
{
	size_t i = 0;

#define NEXT_IS(str)                                                           \
	(n - i >= sizeof(str) - 1 && memcmp(w + i, str, sizeof(str) - 1) == 0)
	while (i < n && ns < cap) {
		char c = w[i];
		int code;

		if (NEXT_IS("shch")) {
			code = SND_SH, i += 4;
		} else if (NEXT_IS("dzh")) {
			code = 'j', i += 3;
		} else if (NEXT_IS("tch")) {
			code = SND_CH, i += 3;
		} else if (NEXT_IS("sh")) {
			code = SND_SH, i += 2;
		} else if (NEXT_IS("ch")) {
			code = SND_CH, i += 2;
		} else if (NEXT_IS("zh")) {
			code = SND_ZH, i += 2;
		} else if (NEXT_IS("kh")) {
			code = SND_H, i += 2;
		} else if (NEXT_IS("gh")) {
			code = 'g', i += 2;
		} else if (NEXT_IS("ts") || NEXT_IS("tz")) {
			code = SND_TS, i += 2;
		} else if (NEXT_IS("dz")) {
			code = SND_DZ, i += 2;
		} else if (NEXT_IS("ck")) {
			code = 'k', i += 2;
		} else {
			i++;
			switch (c) {
			case 'x':
			case 'h':
				code = SND_H;
				break;
			case 'q':
				code = 'g';
				break;
			case 'c':
			case 'j':
				code = 'j';
				break;
			case 'w':
				code = 'v';
				break;
			case 'e':
				code = 'a';
				break;
			case 'y':
				code = SND_Y;
				break;
			default:
				code = c;
				break;
			}
		}
		s[ns++] = (char)code;
	}
#undef NEXT_IS
	return ns;
}

/* K1, K8, K9 on sounds s[from..n) of one word, in place; new count. */
static size_t word_fold(char *s, size_t from, size_t n)
{
	size_t i, j, k;

	/* K1: h is dropped (first, so that K8 and K9 see the sounds around
	 * it as neighbours and a key is its own key). */
	for (i = j = from; i < n; i++)
		if (s[i] != SND_H)
			s[j++] = s[i];
	n = j;
	/* K8: a run of i/y right before a, o or u is dropped. */
	j = from;
	for (i = from; i < n;) {
		if (s[i] == 'i' || s[i] == SND_Y) {
			k = i;
			while (k < n && (s[k] == 'i' || s[k] == SND_Y))
				k++;
			if (k < n &&
			    (s[k] == 'a' || s[k] == 'o' || s[k] == 'u')) {
				i = k;
				continue;
			}
			while (i < k)
				s[j++] = s[i++];
			continue;
		}
		s[j++] = s[i++];
	}
	n = j;
	/* K8 (other y is i), K9 (repeats). */
	j = from;
	for (i = from; i < n; i++) {
		char c = s[i] == SND_Y ? 'i' : s[i];

		if (j > from && s[j - 1] == c)
			continue;
		s[j++] = c;
	}
	return j;
}

static const char *snd_text(char c)
{
	switch (c) {
	case SND_SH:
		return "sh";
	case SND_CH:
		return "ch";
	case SND_ZH:
		return "zh";
	case SND_TS:
		return "ts";
	case SND_DZ:
		return "dz";
	default:
		return NULL;
	}
}

/* ---- names_key */

/*
 * One pass of stage 2: lower-case ASCII a[0..alen) to key text in out,
 * using s (alen + 1 bytes) for the sounds.
 */
static void key_pass(const char *a, size_t alen, char *s,
		     char out[NAMES_KEY_MAX])
{
	size_t i, ns = 0, n = 0, cap = alen + 1, last_word_end = 0;

	/* Words: letters and digits; apostrophes vanish inside a word. */
	for (i = 0; i < alen;) {
		char w[NAMES_INPUT_MAX];
		size_t wn = 0, from;

		while (i < alen && !is_word_char(a[i]))
			i++;
		while (i < alen && (is_word_char(a[i]) || a[i] == '\'')) {
			if (a[i] != '\'' && wn < sizeof(w))
				w[wn++] = a[i];
			i++;
		}
		if (wn == 0)
			continue;
		from = ns;
		ns = word_sounds(w, wn, s, ns, cap);
		ns = word_fold(s, from, ns);
		if (ns > from && ns < cap)
			s[ns++] = SND_SPACE;
	}
	if (ns > 0 && s[ns - 1] == SND_SPACE)
		ns--;
	/* Spell the sounds out; cut at the last whole word that fits (a
	 * single word too long is cut where it reaches the limit). */
	for (i = 0; i < ns; i++) {
		const char *t = snd_text(s[i]);
		size_t tl = t ? 2 : 1;

		if (n + tl > NAMES_KEY_MAX - 1) {
			if (last_word_end > 0)
				n = last_word_end;
			break;
		}
		if (s[i] == SND_SPACE)
			last_word_end = n;
		if (t)
			memcpy(out + n, t, 2);
		else
			out[n] = s[i];
		n += tl;
	}
	out[n] = '\0';
}

int names_key(const char *name, size_t len, char out[NAMES_KEY_MAX],
	      struct px_err *err)
{
	char *a, *s, again[NAMES_KEY_MAX], scratch[NAMES_KEY_MAX];
	size_t alen;
	int rc, pass;

	if (!out)
		return px_errorf(err, PX_EINVAL, "names_key: no output buffer");
	out[0] = '\0';
	rc = stage1(STAGE_KEY, "names_key", name, len, &a, &alen, err);
	if (rc < 0)
		return rc;
	s = px_malloc(alen + 1);
	if (!s) {
		px_free(a);
		return px_errorf(err, PX_ENOMEM, "names_key: out of memory");
	}
	key_pass(a, alen, s, out);
	px_free(s);
	px_free(a);
	/*
	 * A key must be its own key, but the sounds of one pass can spell a
	 * digraph when written side by side (t + ch is "tch", sh + ch is
	 * "shch", d + zh is "dzh").  Every pass that changes the text makes
	 * it shorter, so repeating until nothing changes ends soon.
	 */
	for (pass = 0; pass < NAMES_KEY_MAX; pass++) {
		key_pass(out, strlen(out), scratch, again);
		if (strcmp(again, out) == 0)
			break;
		memcpy(out, again, sizeof(again));
	}
	return 0;
}

/* ---- names_similarity */

#define SIM_MAX NAMES_KEY_MAX

/* Cut a key into sound codes (the digraphs of snd_text as one). */
static size_t key_sounds(const char *key, char *s)
{
	size_t i = 0, n = 0;

	while (key[i] && i < NAMES_KEY_MAX && n < SIM_MAX) {
		char c = key[i], d = key[i + 1];
		int code = c;

		if (c == 's' && d == 'h')
			code = SND_SH;
		else if (c == 'c' && d == 'h')
			code = SND_CH;
		else if (c == 'z' && d == 'h')
			code = SND_ZH;
		else if (c == 't' && d == 's')
			code = SND_TS;
		else if (c == 'd' && d == 'z')
			code = SND_DZ;
		i += code != c ? 2 : 1;
		s[n++] = (char)code;
	}
	return n;
}

static int same_family(char a, char b)
{
	static const char pairs[][2] = {
	    {'g', 'k'},	      {'d', 't'},    {'b', 'p'},       {'v', 'f'},
	    {'s', 'z'},	      {'s', SND_SH}, {SND_SH, SND_ZH}, {SND_CH, 'j'},
	    {SND_CH, SND_TS}, {SND_TS, 's'}, {'j', SND_DZ},    {SND_DZ, 'z'},
	    {'j', SND_ZH},
	};
	size_t i;

	for (i = 0; i < PX_ARRAY_LEN(pairs); i++)
		if ((pairs[i][0] == a && pairs[i][1] == b) ||
		    (pairs[i][0] == b && pairs[i][1] == a))
			return 1;
	return 0;
}

static int sub_cost(char a, char b)
{
	if (a == b)
		return 0;
	if (is_vowel_snd(a) && is_vowel_snd(b))
		return 1;
	if (same_family(a, b))
		return 1;
	return 2;
}

static int indel_cost(char a)
{
	return is_vowel_snd(a) ? 1 : 2;
}

int names_similarity(const char *key_a, const char *key_b)
{
	char sa[SIM_MAX], sb[SIM_MAX];
	int row[SIM_MAX + 1], prev[SIM_MAX + 1];
	size_t na, nb, i, j, longer;
	long cost, sim;

	if (!key_a || !key_b)
		return 0;
	na = key_sounds(key_a, sa);
	nb = key_sounds(key_b, sb);
	longer = na > nb ? na : nb;
	if (longer == 0)
		return 1000;
	/* Weighted Levenshtein distance, two rows. */
	prev[0] = 0;
	for (j = 1; j <= nb; j++)
		prev[j] = prev[j - 1] + indel_cost(sb[j - 1]);
	for (i = 1; i <= na; i++) {
		row[0] = prev[0] + indel_cost(sa[i - 1]);
		for (j = 1; j <= nb; j++) {
			int best = prev[j - 1] + sub_cost(sa[i - 1], sb[j - 1]);
			int del = prev[j] + indel_cost(sa[i - 1]);
			int ins = row[j - 1] + indel_cost(sb[j - 1]);

			if (del < best)
				best = del;
			if (ins < best)
				best = ins;
			row[j] = best;
		}
		memcpy(prev, row, (nb + 1) * sizeof(int));
	}
	cost = prev[nb];
	sim = 1000 - (1000 * cost) / (long)(2 * longer);
	return sim < 0 ? 0 : (int)sim;
}
