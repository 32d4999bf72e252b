/* transform: `dbxmig transform --session S --rules F.. [--var K=V ..]
 * [--dry-run] [--check]`: runs the rules over export/<kind>.jsonl and
 * writes mapped/<kind>.jsonl (full rewrite, so a re-run is idempotent),
 * mapped/audit.jsonl, mapped/warnings.jsonl, mapped/dropped.jsonl,
 * mapped/lint.txt; failures go to logs/failed_transform_<kind>.jsonl and
 * session.json records which rule files (with a content hash) and vars
 * produced mapped/. --dry-run writes nothing and prints a diff per object;
 * --check only lints mapped/ with the rules' lint tables. */
#ifndef DBX_TRANSFORM_H
#define DBX_TRANSFORM_H

int cmd_transform(int argc, char **argv);

#endif
