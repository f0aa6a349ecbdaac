/*
 * progress.c - a one-line progress bar on standard error, drawn only when
 * standard error is a terminal, at most ten times a second: label, bar,
 * count, rate and time remaining.
 */
#include "px.h"

#include <time.h>
#include <unistd.h>

double px_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void px_progress_start(struct px_progress *p, const char *label,
		       uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->started = px_now();
	p->last_draw = 0;
	p->enabled = isatty(STDERR_FILENO);
}

static void draw(struct px_progress *p, double now)
{
	double elapsed = now - p->started;
	double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
	char bar[31];
	int i, fill;

	if (p->total) {
		fill = (int)(30.0 * (double)p->done / (double)p->total);
		if (fill > 30)
			fill = 30;
		for (i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		double left = rate > 0 ? (double)(p->total - p->done) / rate
				       : 0;
		fprintf(stderr,
			"\r%s [%s] %llu/%llu  %.0f/s  %.0fs left   ", p->label,
			bar, (unsigned long long)p->done,
			(unsigned long long)p->total, rate, left);
	} else {
		fprintf(stderr, "\r%s %llu  %.0f/s   ", p->label,
			(unsigned long long)p->done, rate);
	}
	fflush(stderr);
}

void px_progress_update(struct px_progress *p, uint64_t done)
{
	double now;

	p->done = done;
	if (!p->enabled)
		return;
	now = px_now();
	if (now - p->last_draw < 0.1)
		return;
	p->last_draw = now;
	draw(p, now);
}

void px_progress_finish(struct px_progress *p)
{
	if (!p->enabled)
		return;
	draw(p, px_now());
	fputc('\n', stderr);
}
