/*
 * cli.h - the parallax command.  The CLI only calls the library (src/log,
 * and later the record, store and io subsystems); it never reaches into
 * files itself.  Each command is `int cli_NAME(int argc, char **argv)`,
 * argv[0] being the command's own name, returning the process exit code:
 * 0 success, 1 a failure the command reports (verification failed, bad
 * input), 2 a usage error.
 */
#ifndef PX_CLI_H
#define PX_CLI_H

#include "util/px.h"

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Print "parallax: <msg>" to stderr (the message from err) and return 1
 * (2 for PX_EUSAGE). */
int cli_fail(const struct px_err *err);
/* Print a usage error ("parallax CMD: ...; see 'parallax CMD --help'") and
 * return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Does argv contain -h or --help? */
int cli_wants_help(int argc, char **argv);

int cli_log(int argc, char **argv);
int cli_verify(int argc, char **argv);
/* The record commands (cli_record.c). */
int cli_init(int argc, char **argv);
int cli_party(int argc, char **argv);
int cli_add(int argc, char **argv);
int cli_revise(int argc, char **argv);
int cli_withdraw(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_reindex(int argc, char **argv);

/* The server and its accounts (cli_serve.c). */
int cli_serve(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);

#endif
