/*
 * main.c - entry point of the parallax command: dispatches to the commands
 * in the table below, and holds the helpers every command uses to report
 * errors the same way.
 */
#include "cli.h"
#include "cli_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int cli_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("parallax 0.1.0\n");
	return 0;
}

static const struct cli_command commands[] = {
	{"init", cli_init, "create a data directory (log, store, keys)"},
	{"party", cli_party, "register parties, list them, show one"},
	{"add", cli_add, "file a new record (validate, sign, append)"},
	{"revise", cli_revise, "file a new revision of a record"},
	{"withdraw", cli_withdraw, "withdraw a record, giving the reason"},
	{"show", cli_show, "show a record and its history"},
	{"list", cli_list, "list the records of a kind"},
	{"search", cli_search, "search every text and name, in any script"},
	{"compare", cli_compare, "where the accounts of an event disagree"},
	{"reindex", cli_reindex, "rebuild the store from the log"},
	{"import", cli_import, "import ACLED, UCDP GED, GeoNames or JSONL"},
	{"export", cli_export, "export JSONL, ACLED, UCDP GED or GeoJSON"},
	{"log", cli_log, "create a log, append to it, print proofs"},
	{"verify", cli_verify, "audit a log from a directory or a URL"},
	{"serve", cli_serve, "serve the record over HTTP (API, log, web UI)"},
	{"user", cli_user, "add, list and disable the server's users"},
	{"token", cli_token, "add and revoke API tokens"},
	{"version", cli_version, "print the version"},
};

int cli_fail(const struct px_err *err)
{
	fprintf(stderr, "parallax: %s\n",
		err->msg[0] ? err->msg : px_strerror(err->code));
	return err->code == PX_EUSAGE ? 2 : 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "parallax %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'parallax %s --help'\n", cmd);
	return 2;
}

int cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: parallax <command> [options]\n\n"
		   "parallax keeps a verifiable record of contested events.\n\n"
		   "commands:\n");
	for (i = 0; i < PX_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'parallax <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cli_version(argc - 1, argv + 1);
	for (i = 0; i < PX_ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "parallax: '%s' is not a command; see 'parallax --help'\n",
		argv[1]);
	return 2;
}
