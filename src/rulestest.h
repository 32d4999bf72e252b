/* rulestest: `dbxmig rules test --rules F.. [--var K=V ..] DIR..`: runs the
 * rules over every DIR/NAME.input.json case and checks NAME.expected.json,
 * NAME.expected-error.txt, NAME.expected-drop.txt, NAME.expected-warn.txt. */
#ifndef DBX_RULESTEST_H
#define DBX_RULESTEST_H

/* Reads a whole file into a malloc'd, NUL-terminated buffer (caller frees);
 * NULL with errno when unreadable. */
char *rulestest_slurp(const char *path, size_t *len);

#endif
