/* status: `dbxmig status --session S [--dir D] [--json]`, what the session
 * holds per kind: exported, skipped at export, transformed, imported and
 * failed (objects in logs/failed_<phase>_<kind>.jsonl that no later run of
 * that phase recorded). Reads only the session directory; never the
 * network. */
#ifndef DBX_STATUS_H
#define DBX_STATUS_H

/* argv[0] is "status". Returns 0, or 2 when the session does not exist or
 * the command line is wrong. With --json prints
 * {"session", "source": {...}, "export": {"started_at", "finished_at"},
 *  "manual": {"objects", "secret_values_to_reenter"},
 *  "kinds": {KIND: {"exported", "skipped", "transformed", "imported",
 *  "failed": {"export", "transform", "import"}}}}. */
int cmd_status(int argc, char **argv);

#endif
