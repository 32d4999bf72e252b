/* status: `dbxmig status --session S [--dir D] [--json]`, what the session
 * holds per kind: exported, skipped at export, transformed, imported and
 * failed (objects in logs/failed_<phase>_<kind>.jsonl that no later run of
 * that phase recorded), and the last validation (when, against what,
 * objects checked, differences, follow-ups, where the report is). Reads
 * only the session directory; never the network. */
#ifndef DBX_STATUS_H
#define DBX_STATUS_H

/* argv[0] is "status". Returns 0, or 2 when the session does not exist or
 * the command line is wrong. With --json prints
 * {"session", "source": {...}, "export": {"started_at", "finished_at"},
 *  "manual": {"objects", "secret_values_to_reenter"},
 *  "kinds": {KIND: {"exported", "skipped", "transformed", "imported",
 *  "failed": {"export", "transform", "import"}}},
 *  "validation": null | session.json's "validate" (src/validate.h) with
 *  "report" and "findings" as absolute paths, plus "stale" (import
 *  finished after it) and "first_differences" (the first 5 lines of
 *  logs/validation_findings.jsonl)}.
 * The text form prints the same after the per-kind table ("validation:
 * not validated yet" when there is none). */
int cmd_status(int argc, char **argv);

#endif
