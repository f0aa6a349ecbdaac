/*
 * mem.c - the one allocation wrapper.  Tests make the Nth allocation fail
 * (SQLite's OOM loops, curl's torture mode) to prove every path that
 * allocates recovers cleanly.  The counters are atomic so the wrapper is
 * safe to use from the sequencer's and the server's threads; they are
 * touched only once a test has called px_alloc_fail_at, so that threads
 * allocating at once do not contend for them otherwise.
 */
#include "px.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong alloc_count;
static atomic_ulong fail_at; /* 0: never fail */
static atomic_int fail_sticky;
static atomic_int armed; /* px_alloc_fail_at was called */

static int should_fail(void)
{
	unsigned long n, at;

	if (!atomic_load_explicit(&armed, memory_order_relaxed))
		return 0;
	n = atomic_fetch_add(&alloc_count, 1) + 1;
	at = atomic_load(&fail_at);
	if (at == 0)
		return 0;
	if (n == at)
		return 1;
	return n > at && atomic_load(&fail_sticky);
}

unsigned long px_alloc_fail_at(unsigned long nth, int sticky)
{
	unsigned long made = atomic_exchange(&alloc_count, 0);

	atomic_store(&armed, 1);
	atomic_store(&fail_sticky, sticky);
	atomic_store(&fail_at, nth);
	return made;
}

void *px_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *px_calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(count ? count : 1, size ? size : 1);
}

void *px_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void px_free(void *p)
{
	free(p);
}

int px_grow(void *arr, size_t *cap, size_t need, size_t size, size_t min)
{
	void **p = arr;
	size_t ncap = *cap ? *cap : (min ? min : 1);
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return PX_ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return PX_ENOMEM;
	n = px_realloc(*p, ncap * size);
	if (!n)
		return PX_ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}

char *px_strndup(const char *s, size_t n)
{
	char *d = px_malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *px_strdup(const char *s)
{
	return px_strndup(s, strlen(s));
}
