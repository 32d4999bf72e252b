/* cli: declarative option parsing shared by every command.
 *
 * A command describes its options in a cli_opt array ending in {0}; the
 * global ones (-v/--verbose, -q/--quiet, --debug, --insecure, -h/--help) are accepted
 * by every command without being listed. "--opt=value" and "--opt value"
 * both work; an unknown option is a usage error with a hint ("did you mean
 * --session?"). */
#ifndef DBX_CLI_H
#define DBX_CLI_H

#include <stdio.h>
#include "err.h"

enum cli_type {
	CLI_FLAG,	/* int *: set to 1 */
	CLI_STR,	/* const char **: last one wins */
	CLI_INT,	/* int *: checked with strtol, must be >= 0 */
	CLI_DOUBLE,	/* double *: must be >= 0 */
	CLI_LIST,	/* cli_strv *: repeatable, each occurrence appended */
};

typedef struct cli_strv {
	const char **v;	/* points into argv; the array itself is malloc'd */
	int n;
} cli_strv;

typedef struct cli_opt {
	const char *name;	/* "--session" */
	char short_name;	/* 'v', or 0 */
	enum cli_type type;
	void *dest;
	const char *metavar;	/* "ID", NULL for flags */
	const char *help;
} cli_opt;

typedef struct cli_cmd {
	const char *name;	/* "export" */
	const char *synopsis;	/* "--profile SRC --session S [--only K,..]" */
	const char *summary;	/* one line for the command list */
} cli_cmd;

/* Parses argv (argv[0] is the command name). Positional arguments are left,
 * in order, in *pos (may be NULL when the command takes none: then a
 * positional is a usage error). Returns 0; 1 when --help was printed (the
 * command should exit 0); -1 with err (ERR_USAGE) on a bad command line. */
int cli_parse(const cli_cmd *cmd, const cli_opt *opts, int argc, char **argv,
	      cli_strv *pos, dbx_err *err);
/* Prints "usage: dbxmig NAME SYNOPSIS" and the option list. */
void cli_usage(FILE *f, const cli_cmd *cmd, const cli_opt *opts);
/* A usage error that names what is missing: "export: --session is required". */
int cli_require(const cli_cmd *cmd, const char *value, const char *opt, dbx_err *err);
/* The start every session command shares: parses argv into opts (no
 * positional arguments) and requires --session (*session, which the parse
 * sets). Returns -1 to go on, else the exit code to return at once: 0
 * after --help, 2 after a usage error (printed). */
int cli_session_cmd(const cli_cmd *cmd, const cli_opt *opts, int argc, char **argv,
		    const char *const *session);
void cli_strv_free(cli_strv *v);
/* The candidate closest to `word` (edit distance, or a unique prefix), or
 * NULL when none is close enough to be a plausible typo. For hints. */
const char *cli_suggest(const char *word, const char *const *cands, size_t n);
/* The global options every command takes, in the same form as a command's
 * own (ending in {0}); cli_parse applies them to the log level. */
extern const cli_opt cli_global_opts[];

#endif
