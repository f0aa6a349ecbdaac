/*
 * cli_serve.c - `parallax serve` (the HTTP server, src/http/) and the
 * account commands it needs: `parallax user add|list|disable` and
 * `parallax token add|revoke|list`, which work on DIR/auth.db
 * (src/store/auth.h) and may run while the server does.
 *
 * The data directory is the positional DIR of `serve`, or --dir DIR, else
 * $PARALLAX_DIR, else ./parallax-data (as the record commands).  Passwords
 * are read from --password-file FILE or from the first line of standard
 * input, never from the command line (where `ps` would show them).
 */
#include "cli.h"
#include "cli_fmt.h"

#include "http/http.h"
#include "repo/repo.h"
#include "store/auth.h"
#include "store/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int num_opt(const char *cmd, const char *name, const char *v,
		   uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (px_parse_u64(v, strlen(v), out) || *out < lo || *out > hi)
		return cli_usage_error(cmd,
				       "%s: '%s' is not a number from %llu "
				       "to %llu",
				       name, v, (unsigned long long)lo,
				       (unsigned long long)hi);
	return 0;
}

/* ---- serve */

static const char serve_help[] =
    "usage: parallax serve [DIR] [--listen HOST:PORT] [--web DIR]\n"
    "                      [--threads N] [--timeout SECONDS]\n"
    "                      [--body-max BYTES] [--header-max BYTES]\n"
    "                      [--connections N] [--login-limit N]\n"
    "                      [--trusted-proxy ADDRESS]\n"
    "\n"
    "Serve the data directory DIR over HTTP: the JSON API under /api/v1/\n"
    "(described at /api/v1/openapi.yaml), the public log under /log/\n"
    "(checkpoint and tiles, exactly as on disk), and the web UI at /.\n"
    "Reading needs no login; filing needs a user (see 'parallax user') and\n"
    "a session or an API token (see 'parallax token').\n"
    "SIGTERM or SIGINT stops it gracefully: no new requests are taken, the\n"
    "requests in flight finish (every write is acknowledged or refused,\n"
    "never half done), then the data directory is closed.\n"
    "\n"
    "options:\n"
    "  --listen HOST:PORT  where to listen (default 127.0.0.1:8080; port 0\n"
    "                      picks a free port, printed on the first line)\n"
    "  --web DIR           the web UI's files (default: the source tree's\n"
    "                      web/ directory, when it exists)\n"
    "  --threads N         worker threads (default 8)\n"
    "  --timeout SECONDS   close connections idle this long (default 30)\n"
    "  --body-max BYTES    largest request body (default 1048576; past it\n"
    "                      the answer is 413)\n"
    "  --header-max BYTES  largest request line and header fields together\n"
    "                      (default 16384; past it the answer is 431); the\n"
    "                      URL may be at most 8192 bytes of it (414), and\n"
    "                      a request may have at most 100 header fields\n"
    "                      (431)\n"
    "  --connections N     most open connections (default 1000)\n"
    "  --login-limit N     failed logins per user name per minute before\n"
    "                      logins are refused (default 5; per address 6x)\n"
    "  --trusted-proxy ADDRESS\n"
    "                      the address of the reverse proxy in front of\n"
    "                      the server: for requests from it the client's\n"
    "                      address (audited, and counted by the login\n"
    "                      limit) is the last one in X-Forwarded-For\n"
    "  --dir DIR           the data directory (default: $PARALLAX_DIR, or\n"
    "                      ./parallax-data)\n"
    "  -h, --help          show this help\n";

int cli_serve(int argc, char **argv)
{
	const char *cmd = "serve", *pos[1], *dir = NULL, *listen = NULL,
		   *web = NULL, *threads = NULL, *timeout = NULL, *body = NULL,
		   *conns = NULL, *limit = NULL, *header = NULL, *proxy = NULL;
	const struct cli_opt specs[] = {{"--listen", &listen, NULL},
					{"--web", &web, NULL},
					{"--threads", &threads, NULL},
					{"--timeout", &timeout, NULL},
					{"--body-max", &body, NULL},
					{"--header-max", &header, NULL},
					{"--connections", &conns, NULL},
					{"--login-limit", &limit, NULL},
					{"--trusted-proxy", &proxy, NULL},
					{"--dir", &dir, NULL},
					{NULL, NULL, NULL}};
	struct http_options o;
	struct px_err err;
	uint64_t v;
	int npos, rc;

	if (cli_wants_help(argc, argv)) {
		fputs(serve_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc, argv, specs, pos, 1, &npos);
	if (rc)
		return rc;
	http_options_init(&o);
	o.listen = listen;
	o.trusted_proxy = proxy;
	if (threads && (rc = num_opt(cmd, "--threads", threads, 1, 256, &v)))
		return rc;
	if (threads)
		o.threads = (unsigned)v;
	if (timeout && (rc = num_opt(cmd, "--timeout", timeout, 1, 3600, &v)))
		return rc;
	if (timeout)
		o.timeout = (unsigned)v;
	if (body && (rc = num_opt(cmd, "--body-max", body, 1024,
				  1024u * 1024 * 1024, &v)))
		return rc;
	if (body)
		o.body_max = (size_t)v;
	if (header &&
	    (rc = num_opt(cmd, "--header-max", header, 1024, 256u * 1024, &v)))
		return rc;
	if (header)
		o.header_max = (size_t)v;
	if (conns && (rc = num_opt(cmd, "--connections", conns, 1, 100000, &v)))
		return rc;
	if (conns)
		o.conn_limit = (unsigned)v;
	if (limit && (rc = num_opt(cmd, "--login-limit", limit, 1, 100000, &v)))
		return rc;
	if (limit) {
		o.login_user_max = (unsigned)v;
		o.login_ip_max = (unsigned)(v * 6);
	}
	if (web) {
		if (!px_file_exists(web))
			return cli_usage_error(cmd,
					       "--web '%s': no such "
					       "directory",
					       web);
		o.web_dir = web;
	} else {
#ifdef PX_WEB_DIR
		if (px_file_exists(PX_WEB_DIR))
			o.web_dir = PX_WEB_DIR;
#endif
	}
	dir = cli_data_dir(npos ? pos[0] : dir);
	if (!px_file_exists(dir)) {
		fprintf(stderr,
			"parallax: no data directory '%s' (create one with "
			"'parallax init %s')\n",
			dir, dir);
		return 1;
	}
	px_err_clear(&err);
	rc = http_serve(dir, &o, &err);
	return rc ? cli_fail(&err) : 0;
}

/* ---- user */

/* A password from a file or the first line of standard input. */
static int read_password(const char *file, char *out, size_t cap,
			 struct px_err *err)
{
	struct px_buf b;
	size_t n;
	int rc = 0;

	px_buf_init(&b, AUTH_PASSWORD_MAX + 2);
	if (file) {
		rc = px_read_file(file, &b, err);
	} else {
		/* On a terminal: a prompt, and the password not echoed. */
		struct termios old, quiet;
		int tty =
		    isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
		if (tty) {
			fputs("password: ", stderr);
			fflush(stderr);
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		}
		for (;;) {
			uint8_t c;
			ssize_t r = read(STDIN_FILENO, &c, 1);
			if (r <= 0 || c == '\n')
				break;
			if ((rc = px_buf_addc(&b, c)) != 0)
				break;
		}
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputc('\n', stderr);
		}
		if (rc)
			px_errorf(err, rc, "password: longer than %d bytes",
				  AUTH_PASSWORD_MAX);
	}
	if (rc == 0) {
		n = b.len;
		while (n && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
			n--;
		if (n >= cap)
			rc = px_errorf(err, PX_EINVAL,
				       "password: longer than %d bytes",
				       AUTH_PASSWORD_MAX);
		else if (n && memchr(b.data, '\0', n))
			rc = px_errorf(err, PX_EINVAL,
				       "password: contains a NUL byte");
		else {
			memcpy(out, b.data, n);
			out[n] = '\0';
		}
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	px_buf_release(&b);
	return rc;
}

/* Does the party record exist (read-only look at the store)? */
static int check_party(const char *dir, const char *party, struct px_err *err)
{
	struct repo_options ro;
	struct repo *r;
	json_t *rec = NULL;
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.read_only = 1;
	rc = repo_open(dir, &ro, &r, err);
	if (rc)
		return px_err_prefix(err, "open '%s'", dir);
	rc = store_get(repo_store(r), party, 0, &rec, err);
	json_decref(rec);
	repo_close(r);
	if (rc == PX_ENOTFOUND)
		return px_errorf(err, PX_ENOTFOUND,
				 "--party: no party record '%s'", party);
	return rc;
}

static const char user_help[] =
    "usage: parallax user add NAME --role ROLE [--party ID]\n"
    "                         [--password-file FILE] [--dir DIR]\n"
    "       parallax user list [--json] [--dir DIR]\n"
    "       parallax user disable NAME [--dir DIR]\n"
    "\n"
    "Manage the server's users (DIR/auth.db).  Roles:\n"
    "  admin    manages users, tokens and party registrations\n"
    "  editor   files for any party, recorded as acting for it (--party:\n"
    "           the editor's own party, whose key the operator holds)\n"
    "  party    files, revises and withdraws only as its party (--party)\n"
    "  reader   reads (as anyone may) and logs in\n"
    "The password is read from --password-file FILE, else from the first\n"
    "line of standard input (on a terminal: asked for, not shown); at\n"
    "least 8 bytes.  A disabled user's sessions\n"
    "and tokens stop working at once.\n"
    "\n"
    "options:\n"
    "  --dir DIR   the data directory (default: $PARALLAX_DIR, or\n"
    "              ./parallax-data)\n"
    "  -h, --help  show this help\n";

int cli_user(int argc, char **argv)
{
	const char *cmd = "user", *pos[2], *dir = NULL, *role_s = NULL,
		   *party = NULL, *pwfile = NULL;
	int json = 0;
	const struct cli_opt specs[] = {{"--role", &role_s, NULL},
					{"--party", &party, NULL},
					{"--password-file", &pwfile, NULL},
					{"--json", NULL, &json},
					{"--dir", &dir, NULL},
					{NULL, NULL, NULL}};
	char password[AUTH_PASSWORD_MAX + 1];
	struct auth_db *db;
	struct px_err err;
	enum auth_role role;
	json_t *list = NULL, *u;
	size_t i;
	int npos, rc;

	if (argc < 2)
		return cli_usage_error(cmd, "missing the subcommand");
	if (cli_wants_help(argc, argv) || strcmp(argv[1], "help") == 0) {
		fputs(user_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc - 1, argv + 1, specs, pos, 2, &npos);
	if (rc)
		return rc;
	dir = cli_data_dir(dir);
	px_err_clear(&err);
	if (strcmp(argv[1], "add") == 0) {
		if (npos != 1)
			return cli_usage_error(cmd, "add: give one NAME");
		if (!role_s || auth_role_parse(role_s, &role))
			return cli_usage_error(cmd,
					       "add: --role must be admin, "
					       "editor, party or reader");
		if (auth_check_name(pos[0], &err))
			return cli_fail(&err);
		if (party && check_party(dir, party, &err))
			return cli_fail(&err);
		if (read_password(pwfile, password, sizeof(password), &err))
			return cli_fail(&err);
		rc = auth_open(dir, &db, &err);
		if (rc == 0) {
			rc = auth_user_add(db, pos[0], password, role, party,
					   &err);
			if (rc == 0)
				auth_audit(db, "user-add", NULL, "cli", pos[0]);
			auth_close(db);
		}
		sodium_memzero(password, sizeof(password));
		if (rc)
			return cli_fail(&err);
		printf("added user '%s' (%s)\n", pos[0], role_s);
		return 0;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (npos)
			return cli_usage_error(cmd, "list takes no NAME");
		if (auth_open(dir, &db, &err))
			return cli_fail(&err);
		rc = auth_user_list(db, &list, &err);
		auth_close(db);
		if (rc)
			return cli_fail(&err);
		if (json) {
			char *t = json_dumps(list, JSON_INDENT(2));
			if (t)
				printf("%s\n", t);
			free(t);
		} else {
			json_array_foreach(json_object_get(list, "items"), i, u)
			{
				const char *p = json_string_value(
				    json_object_get(u, "party"));
				printf(
				    "%-20s %-7s%s%s%s\n",
				    json_string_value(
					json_object_get(u, "username")),
				    json_string_value(
					json_object_get(u, "role")),
				    p ? " " : "", p ? p : "",
				    json_is_true(json_object_get(u, "disabled"))
					? " (disabled)"
					: "");
			}
		}
		json_decref(list);
		return 0;
	}
	if (strcmp(argv[1], "disable") == 0) {
		if (npos != 1)
			return cli_usage_error(cmd, "disable: give one NAME");
		if (auth_open(dir, &db, &err))
			return cli_fail(&err);
		rc = auth_user_disable(db, pos[0], &err);
		if (rc == 0)
			auth_audit(db, "user-disable", NULL, "cli", pos[0]);
		auth_close(db);
		if (rc)
			return cli_fail(&err);
		printf("disabled user '%s'\n", pos[0]);
		return 0;
	}
	return cli_usage_error(cmd, "'%s' is not a subcommand", argv[1]);
}

/* ---- token */

static const char token_help[] =
    "usage: parallax token add USER [--label TEXT] [--days N] [--dir DIR]\n"
    "       parallax token revoke ID [--dir DIR]\n"
    "       parallax token list [--dir DIR]\n"
    "\n"
    "API tokens let scripts file as USER (\"Authorization: Bearer TOKEN\").\n"
    "`add` prints the token's id and the token itself, once: only its\n"
    "SHA-256 is stored, so it cannot be shown again.  `revoke ID` stops it\n"
    "at once.\n"
    "\n"
    "options:\n"
    "  --label TEXT  what the token is for\n"
    "  --days N      expire after N days (default: never)\n"
    "  --dir DIR     the data directory (default: $PARALLAX_DIR, or\n"
    "                ./parallax-data)\n"
    "  -h, --help    show this help\n";

int cli_token(int argc, char **argv)
{
	const char *cmd = "token", *pos[1], *dir = NULL, *label = "",
		   *days = NULL;
	const struct cli_opt specs[] = {{"--label", &label, NULL},
					{"--days", &days, NULL},
					{"--dir", &dir, NULL},
					{NULL, NULL, NULL}};
	char id[AUTH_TOKEN_ID_SIZE], secret[AUTH_SECRET_SIZE];
	struct auth_db *db;
	struct px_err err;
	json_t *list = NULL, *t;
	int64_t expires = 0;
	uint64_t v;
	size_t i;
	int npos, rc;

	if (argc < 2)
		return cli_usage_error(cmd, "missing the subcommand");
	if (cli_wants_help(argc, argv) || strcmp(argv[1], "help") == 0) {
		fputs(token_help, stdout);
		return 0;
	}
	rc = cli_parse_args(cmd, argc - 1, argv + 1, specs, pos, 1, &npos);
	if (rc)
		return rc;
	dir = cli_data_dir(dir);
	px_err_clear(&err);
	if (strcmp(argv[1], "add") == 0) {
		if (npos != 1)
			return cli_usage_error(cmd, "add: give one USER");
		if (days && (rc = num_opt(cmd, "--days", days, 1, 36500, &v)))
			return rc;
		if (days)
			expires = (int64_t)time(NULL) + (int64_t)v * 86400;
		if (auth_open(dir, &db, &err))
			return cli_fail(&err);
		rc = auth_token_new(db, pos[0], label, expires, id, secret,
				    &err);
		if (rc == 0)
			auth_audit(db, "token-add", NULL, "cli", id);
		auth_close(db);
		if (rc)
			return cli_fail(&err);
		printf("id %s\ntoken %s\n", id, secret);
		sodium_memzero(secret, sizeof(secret));
		return 0;
	}
	if (strcmp(argv[1], "revoke") == 0) {
		if (npos != 1)
			return cli_usage_error(cmd, "revoke: give one ID");
		if (auth_open(dir, &db, &err))
			return cli_fail(&err);
		rc = auth_token_revoke(db, pos[0], &err);
		if (rc == 0)
			auth_audit(db, "token-revoke", NULL, "cli", pos[0]);
		auth_close(db);
		if (rc)
			return cli_fail(&err);
		printf("revoked token %s\n", pos[0]);
		return 0;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (auth_open(dir, &db, &err))
			return cli_fail(&err);
		rc = auth_token_list(db, &list, &err);
		auth_close(db);
		if (rc)
			return cli_fail(&err);
		json_array_foreach(json_object_get(list, "items"), i, t)
		{
			printf(
			    "%s %-20s %s%s\n",
			    json_string_value(json_object_get(t, "id")),
			    json_string_value(json_object_get(t, "username")),
			    json_string_value(json_object_get(t, "label")),
			    json_is_true(json_object_get(t, "revoked"))
				? " (revoked)"
				: "");
		}
		json_decref(list);
		return 0;
	}
	return cli_usage_error(cmd, "'%s' is not a subcommand", argv[1]);
}
