/* validate: the validate phase. Reads the target back into the session
 * (validation/, with the export engine), compares every kind of mapped/
 * (what the rules said the target should hold) with it through the
 * comparison engine (src/compare.h), and reports: text on stdout, --json
 * FILE, DIR/ID/report/index.html, and logs/validation_findings.jsonl (one
 * line per difference). With `against`, compares two sessions' export/
 * instead (no network).
 *
 * The comparison settings come from a Lua data file, rules/validate.lua by
 * default (see validate_settings_path), run in the rule engine's sandbox
 * and limits (rules_load_data). It returns a table: kind (plural) or "*"
 * → settings as documented in src/compare.h.
 *
 * session.json gets "validate": {"finished_at", "mode" ("target" |
 * "against"), "target" (host) or "against" (session), "objects" (records
 * compared), "validated" (of those, matched with no finding),
 * "differences", "followups", "report" and "findings" (paths relative to
 * the session directory), "json" (the --json file, when given)}: what
 * `dbxmig status` shows of the last validation. */
#ifndef DBX_VALIDATE_H
#define DBX_VALIDATE_H

#include <cjson/cJSON.h>
#include "err.h"

typedef struct validate_opts {
	const char *dir;	/* default "./migration" */
	const char *session;	/* required */
	const char *profile;	/* target profile (NULL: cfg's default rules) */
	const char *against;	/* another session: compare export/ with its export/ */
	const char *json;	/* write the JSON report here, or NULL */
	const char *settings;	/* validate.lua, NULL: the default search */
	const char *only;	/* comma lists or NULL */
	const char *skip;
	int parallel;		/* 0: http default */
	double rate_limit;	/* < 0: http default; 0: unlimited */
	int quiet;		/* 1: no text report on stdout (migrate prints its own) */
	const char *warehouse_id; /* target SQL warehouse that reads the Hive metastore
				 * back; NULL: the one import used (src/hive.h) */
} validate_opts;

/* Runs a validation; returns the CONTRACT.md exit code: 0 no unexpected
 * difference, 1 differences (or objects that could not be read back), 2
 * usage/configuration/authentication, 3 the settings file failed to load.
 * Prints errors itself. Used by cmd_validate and by migrate. */
int validate_run(const validate_opts *o);

/* The settings file to use: `given` when not NULL; else rules/validate.lua
 * under the current directory, else beside the executable
 * (EXE_DIR/rules/validate.lua, then EXE_DIR/../share/dbxmig/rules/). Fills
 * buf; returns it, or NULL (with err) when none exists. */
const char *validate_settings_path(const char *given, char *buf, size_t size, dbx_err *err);

/* Runs the settings file in the sandbox and returns its table as JSON
 * (caller frees). Errors are ERR_RULE with "file:line: message". */
cJSON *validate_load_settings(const char *path, dbx_err *err);

/* `dbxmig validate ...`: argv[0] is "validate". Returns the exit code. */
int cmd_validate(int argc, char **argv);

#endif
