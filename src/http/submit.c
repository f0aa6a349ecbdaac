/*
 * submit.c - the submitter threads: they run the writes of the API through
 * repo_* so that microhttpd's worker threads never wait for a group commit.
 *
 * A worker checks and authorizes a write, makes its job (http_job_make),
 * suspends the connection (MHD_suspend_connection, server.c) and queues
 * the job here; it is then free to serve other connections.  A submitter
 * takes a job, runs it, stores the outcome in the job and resumes the
 * connection; microhttpd calls the worker again, which answers from the
 * job (http_write_finish).  So up to conn_limit writes can wait at once,
 * and the repository's writer commits them in few rounds.
 *
 * Invariants:
 *   J1. A job is queued only once its connection is suspended, and its
 *       connection is resumed only after the job's outcome is stored (its
 *       state set to HTTP_JOB_DONE with release order): the worker that
 *       answers sees the whole outcome, and no resume comes too early.
 *   J2. Custodial filings for the same party that wait in the queue
 *       together are taken as one repo_file_batch (at most HTTP_BATCH_MAX):
 *       each is checked and answered on its own, as by repo_file, and the
 *       accepted ones are made durable in one group commit; the others run
 *       one by one, each in its own submitter, so HTTP_SUBMITTERS of them
 *       can share a group commit.
 *   J3. Stopping runs every job already queued before the threads end: a
 *       write that was received is acknowledged or refused, never dropped
 *       (server.c stops the submitters only after in-flight requests are
 *       answered, and before the daemon and the repository close).
 */
#include "http/httpint.h"

#include <stdlib.h>
#include <string.h>

void http_job_make(struct http_req *req, enum http_job_kind kind, char *text,
		   const char *as, const char *id, const char *expected)
{
	struct http_job *j = &req->job;

	j->next = NULL;
	j->req = req;
	j->kind = kind;
	j->text = text;
	j->len = text ? strlen(text) : 0;
	j->has_as = as != NULL;
	snprintf(j->as, sizeof(j->as), "%s", as ? as : "");
	snprintf(j->id, sizeof(j->id), "%s", id ? id : "");
	snprintf(j->expected, sizeof(j->expected), "%s",
		 expected ? expected : "");
	j->rc = 0;
	memset(&j->res, 0, sizeof(j->res));
	px_err_clear(&j->err);
	atomic_store(&j->state, HTTP_JOB_MADE);
}

/* Store nothing more in j after this: its connection may be answered. */
static void job_done(struct http_job *j)
{
	struct MHD_Connection *conn = j->req->conn;

	atomic_store_explicit(&j->state, HTTP_JOB_DONE,
			      memory_order_release); /* J1 */
	MHD_resume_connection(conn);
}

static void run_one(struct http_server *srv, struct http_job *j)
{
	struct http_req *req = j->req;

	switch (j->kind) {
	case HTTP_JOB_FILE:
		j->rc = repo_file(srv->repo, j->text, j->len,
				  j->has_as ? j->as : NULL, &j->res, &j->err);
		break;
	case HTTP_JOB_REGISTER:
		j->rc = repo_register_party(srv->repo, j->text, j->len, &j->res,
					    &j->err);
		break;
	case HTTP_JOB_REVISE:
		j->rc = repo_revise(srv->repo, j->id,
				    j->expected[0] ? j->expected : NULL,
				    j->text, j->len, j->has_as ? j->as : NULL,
				    &j->res, &j->err);
		break;
	case HTTP_JOB_ENTRY:
		j->rc = repo_submit_entry(srv->repo, req->body.data,
					  req->body.len, &j->res, &j->err);
		break;
	}
	job_done(j);
}

/* J2: n filings for the same party as one repo_file_batch. */
static void run_batch(struct http_server *srv, struct http_job **jobs, size_t n)
{
	const char **text = px_calloc(n, sizeof(*text));
	size_t *len = px_calloc(n, sizeof(*len));
	struct repo_result *res = px_calloc(n, sizeof(*res));
	struct px_err err;
	size_t i;
	int rc;

	if (!text || !len || !res) {
		px_free(text);
		px_free(len);
		px_free(res);
		for (i = 0; i < n; i++)
			run_one(srv, jobs[i]);
		return;
	}
	for (i = 0; i < n; i++) {
		text[i] = jobs[i]->text;
		len[i] = jobs[i]->len;
	}
	px_err_clear(&err);
	rc =
	    repo_file_batch(srv->repo, text, len, n,
			    jobs[0]->has_as ? jobs[0]->as : NULL, 0, res, &err);
	for (i = 0; i < n; i++) {
		struct http_job *j = jobs[i];
		if (rc) {
			j->rc = rc;
			j->err = err;
		} else {
			j->res = res[i];
			j->rc = res[i].rc;
			if (j->rc)
				px_errorf(&j->err, j->rc, "%s", res[i].message);
		}
		job_done(j);
	}
	px_free(text);
	px_free(len);
	px_free(res);
}

static int same_filer(const struct http_job *a, const struct http_job *b)
{
	return b->kind == HTTP_JOB_FILE && a->has_as == b->has_as &&
	       strcmp(a->as, b->as) == 0;
}

/* Take the first job, and with a filing every queued filing for the same
 * party (J2).  Under sub_mu. */
static size_t take(struct http_server *srv, struct http_job **out)
{
	struct http_job *first = srv->sub_head, **pp;
	size_t n = 1;

	srv->sub_head = first->next;
	out[0] = first;
	if (first->kind == HTTP_JOB_FILE) {
		pp = &srv->sub_head;
		while (*pp && n < HTTP_BATCH_MAX) {
			if (same_filer(first, *pp)) {
				out[n++] = *pp;
				*pp = (*pp)->next;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	srv->sub_tail = &srv->sub_head;
	while (*srv->sub_tail)
		srv->sub_tail = &(*srv->sub_tail)->next;
	return n;
}

static void *submitter(void *arg)
{
	struct http_server *srv = arg;
	struct http_job **jobs = px_calloc(HTTP_BATCH_MAX, sizeof(*jobs));
	size_t n;

	pthread_mutex_lock(&srv->sub_mu);
	for (;;) {
		while (!srv->sub_head && !srv->sub_stop)
			pthread_cond_wait(&srv->sub_cond, &srv->sub_mu);
		if (!srv->sub_head)
			break; /* stopping and nothing queued (J3) */
		if (!jobs) {
			struct http_job *j = srv->sub_head;
			srv->sub_head = j->next;
			if (!srv->sub_head)
				srv->sub_tail = &srv->sub_head;
			pthread_mutex_unlock(&srv->sub_mu);
			run_one(srv, j);
			pthread_mutex_lock(&srv->sub_mu);
			continue;
		}
		n = take(srv, jobs);
		if (srv->sub_head)
			pthread_cond_signal(&srv->sub_cond);
		pthread_mutex_unlock(&srv->sub_mu);
		if (n == 1 && jobs[0]->kind != HTTP_JOB_FILE)
			run_one(srv, jobs[0]);
		else
			run_batch(srv, jobs, n);
		pthread_mutex_lock(&srv->sub_mu);
	}
	pthread_mutex_unlock(&srv->sub_mu);
	px_free(jobs);
	return NULL;
}

int http_submit_start(struct http_server *srv, struct px_err *err)
{
	unsigned i;

	srv->sub_head = NULL;
	srv->sub_tail = &srv->sub_head;
	srv->sub_stop = 0;
	for (i = 0; i < HTTP_SUBMITTERS; i++) {
		if (pthread_create(&srv->sub_threads[i], NULL, submitter,
				   srv) != 0)
			break;
		srv->nsub++;
	}
	if (srv->nsub == 0)
		return px_errorf(err, PX_EIO,
				 "cannot start the submitter threads");
	return 0;
}

void http_submit_stop(struct http_server *srv)
{
	unsigned i;

	pthread_mutex_lock(&srv->sub_mu);
	srv->sub_stop = 1;
	pthread_cond_broadcast(&srv->sub_cond);
	pthread_mutex_unlock(&srv->sub_mu);
	for (i = 0; i < srv->nsub; i++)
		pthread_join(srv->sub_threads[i], NULL);
	pthread_mutex_lock(&srv->sub_mu);
	srv->nsub = 0;
	pthread_mutex_unlock(&srv->sub_mu);
}

void http_submit_enqueue(struct http_req *req)
{
	struct http_server *srv = req->srv;
	struct http_job *j = &req->job;

	j->next = NULL;
	atomic_store(&j->state, HTTP_JOB_QUEUED);
	pthread_mutex_lock(&srv->sub_mu);
	if (srv->sub_stop || srv->nsub == 0) {
		/* The submitters are ending (only after a shutdown that gave
		 * up waiting): run it here, so it is still answered (J3). */
		pthread_mutex_unlock(&srv->sub_mu);
		run_one(srv, j);
		return;
	}
	*srv->sub_tail = j;
	srv->sub_tail = &j->next;
	pthread_cond_signal(&srv->sub_cond);
	pthread_mutex_unlock(&srv->sub_mu);
}
