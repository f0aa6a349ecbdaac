/*
 * cli_io.h - the import and export commands (cli_io.c), over src/io/.
 */
#ifndef PX_CLI_IO_H
#define PX_CLI_IO_H

int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);

#endif
