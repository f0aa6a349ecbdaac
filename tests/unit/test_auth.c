/* Unit tests for src/store/auth.c: the audit trail.  What only the audit
 * table records (logins, refused attempts) must be on disk as soon as
 * auth_audit returns, where a process killed the next moment leaves it;
 * filing rows, which the log records as well, may wait for their batch. */
#include "test.h"
#include "store/auth.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/px-test-auth-XXXXXX";
static int made;

static void cleanup(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* A new empty data directory for auth.db, removed at exit. */
static int setup(void)
{
	if (made)
		return 0;
	if (!mkdtemp(dir))
		return -1;
	made = 1;
	atexit(cleanup);
	return 0;
}

/* Rows with this `what` and `detail` in DIR/auth.db, read through a
 * connection of its own (what another process would see). */
static int rows_on_disk(const char *what, const char *detail)
{
	char path[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int n = -1;

	snprintf(path, sizeof(path), "%s/auth.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		SQLITE_OK &&
	    sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM audit WHERE what=?1 AND "
			       "detail=?2",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, what, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, detail, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int(s, 0);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

TEST(refusals_and_logins_are_written_at_once)
{
	struct auth_db *db = NULL;
	struct px_err e;

	REQUIRE(setup() == 0);
	REQUIRE(auth_open(dir, &db, &e) == 0);
	/* a filing first, so that a batch is waiting */
	CHECK_EQ_INT(auth_audit(db, "filing", "ed", "127.0.0.1", "f-1"), 0);
	CHECK_EQ_INT(auth_audit(db, "login-failed", "mallory", "10.0.0.9",
				"wrong password"),
		     0);
	CHECK_EQ_INT(rows_on_disk("login-failed", "wrong password"), 1);
	/* what was buffered before it is written with it, in order */
	CHECK_EQ_INT(rows_on_disk("filing", "f-1"), 1);
	CHECK_EQ_INT(auth_audit(db, "refused", "ed", "127.0.0.1",
				"POST /api/v1/accounts: not your party"),
		     0);
	CHECK_EQ_INT(
	    rows_on_disk("refused", "POST /api/v1/accounts: not your party"),
	    1);
	CHECK_EQ_INT(auth_audit(db, "login", "ed", "127.0.0.1", "session"),
		     0);
	CHECK_EQ_INT(rows_on_disk("login", "session"), 1);
	auth_close(db);
}

TEST(filings_are_all_written_by_close)
{
	struct auth_db *db = NULL;
	struct px_err e;
	char detail[32];
	int i, n = 0;

	REQUIRE(setup() == 0);
	REQUIRE(auth_open(dir, &db, &e) == 0);
	for (i = 0; i < 1000; i++) {
		snprintf(detail, sizeof(detail), "batch-%d", i);
		CHECK_EQ_INT(auth_audit(db, "filing", "ed", NULL, detail), 0);
	}
	auth_close(db);
	for (i = 0; i < 1000; i++) {
		snprintf(detail, sizeof(detail), "batch-%d", i);
		n += rows_on_disk("filing", detail);
	}
	CHECK_EQ_INT(n, 1000);
}

TEST_MAIN(TEST_ENTRY(refusals_and_logins_are_written_at_once),
	  TEST_ENTRY(filings_are_all_written_by_close))
