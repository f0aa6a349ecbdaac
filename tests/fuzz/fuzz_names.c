/*
 * fuzz_names.c - libFuzzer target for src/names/: names_key, names_fold
 * and names_similarity on arbitrary bytes.  Besides "no crash, no leak",
 * it checks what callers rely on:
 *   - the result is 0, PX_EINVAL (invalid UTF-8 or a NUL byte) or
 *     PX_ETOOBIG (over 4 KiB, or a fold that does not fit), and key and
 *     fold agree on whether the input is valid;
 *   - a key is lower-case ASCII letters and digits in words joined by one
 *     space, shorter than NAMES_KEY_MAX, and is its own key;
 *   - a fold has no control characters, no space at either end or twice,
 *     and is its own fold;
 *   - similarity is 1000 for a key and itself, in [0, 1000] and symmetric.
 */
#include "names/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_key(const char *k)
{
	size_t i, n = strlen(k);

	check(n < NAMES_KEY_MAX);
	check(n == 0 || (k[0] != ' ' && k[n - 1] != ' '));
	for (i = 0; i < n; i++) {
		char c = k[i];

		check((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (c == ' ' && k[i + 1] != ' '));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char key[NAMES_KEY_MAX], key2[NAMES_KEY_MAX], half[NAMES_KEY_MAX];
	static char fold[8192], fold2[8192];
	const char *text = (const char *)data;
	int rk, rf, s1, s2;
	size_t i, n;

	rk = names_key(text, size, key, NULL);
	rf = names_fold(text, size, fold, sizeof(fold), NULL);
	check(rk == 0 || rk == PX_EINVAL || rk == PX_ETOOBIG);
	check(rf == 0 || rf == PX_EINVAL || rf == PX_ETOOBIG);
	check((rk == PX_EINVAL) == (rf == PX_EINVAL));
	if (size > 4096)
		check(rk == PX_ETOOBIG);
	if (rk == 0) {
		check_key(key);
		check(names_key(key, strlen(key), key2, NULL) == 0);
		check(strcmp(key, key2) == 0);
		check(names_similarity(key, key) == 1000);
		if (names_key(text, size / 2, half, NULL) == 0) {
			s1 = names_similarity(key, half);
			s2 = names_similarity(half, key);
			check(s1 == s2 && s1 >= 0 && s1 <= 1000);
		}
	} else {
		check(key[0] == '\0');
	}
	if (rf == 0) {
		n = strlen(fold);
		check(n == 0 || (fold[0] != ' ' && fold[n - 1] != ' '));
		for (i = 0; i < n; i++) {
			check((unsigned char)fold[i] >= 0x20 &&
			      (unsigned char)fold[i] < 0x7f);
			check(!(fold[i] == ' ' && fold[i + 1] == ' '));
		}
		if (n <= 4096) {
			check(names_fold(fold, n, fold2, sizeof(fold2), NULL) ==
			      0);
			check(strcmp(fold, fold2) == 0);
		}
	}
	return 0;
}
