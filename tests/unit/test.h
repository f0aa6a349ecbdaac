/*
 * test.h - the unit-test harness.  A test file defines TEST(name) functions
 * and ends with TEST_MAIN(...) listing them; each CHECK that fails prints
 * file:line and the expression, and marks the test failed.  The program
 * ends with the line "N passed, N failed" and exits non-zero on failure.
 */
#ifndef PX_TEST_H
#define PX_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_;

#define TEST(name) static void name(void)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                              \
			test_failed_ = 1;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                     \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			test_failed_ = 1;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                     \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                           \
			test_failed_ = 1;                                      \
		}                                                              \
	} while (0)

/* Stop the current test if a CHECK so far failed (for preconditions). */
#define REQUIRE(cond)                                                          \
	do {                                                                   \
		CHECK(cond);                                                   \
		if (test_failed_)                                              \
			return;                                                \
	} while (0)

struct test_case_ {
	const char *name;
	void (*fn)(void);
};

#define TEST_ENTRY(fn) {#fn, fn}

#define TEST_MAIN(...)                                                         \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		static const struct test_case_ cases[] = {__VA_ARGS__};        \
		int passed = 0, failed = 0;                                    \
		size_t i;                                                      \
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {       \
			if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)   \
				continue;                                      \
			test_failed_ = 0;                                      \
			cases[i].fn();                                         \
			if (test_failed_) {                                    \
				failed++;                                      \
				fprintf(stderr, "FAIL %s\n", cases[i].name);   \
			} else {                                               \
				passed++;                                      \
				printf("ok   %s\n", cases[i].name);            \
			}                                                      \
		}                                                              \
		printf("%d passed, %d failed\n", passed, failed);              \
		return failed ? 1 : 0;                                         \
	}

#endif
