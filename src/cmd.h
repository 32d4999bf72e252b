/* cmd: the entry point of every dbxmig command, one line each.
 *
 * main.c's command table points at these. Each takes argv with argv[0] the
 * command name ("export", "rules test") and returns the process exit code
 * of CONTRACT.md (0, 1, 2 or 3). A new command adds its prototype here
 * and its entry to main.c's table. */
#ifndef DBX_CMD_H
#define DBX_CMD_H

int cmd_export(int argc, char **argv);	/* export.c */
int cmd_status(int argc, char **argv);	/* status.c */
int cmd_import(int argc, char **argv);	/* import.c */
int cmd_cutover(int argc, char **argv);	/* cutover.c */
int cmd_migrate(int argc, char **argv);	/* migrate.c */
int cmd_validate(int argc, char **argv);	/* validate.c */
int cmd_data_plan(int argc, char **argv);	/* dataplan.c */

int cmd_transform(int argc, char **argv);	/* transform.c */
int cmd_rules_test(int argc, char **argv);	/* rulestest.c */

#endif
