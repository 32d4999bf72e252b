/* rulestest: `dbxmig rules test --rules F.. [--var K=V ..] DIR..`: runs the
 * rules over every DIR/NAME.input.json case and checks NAME.expected.json,
 * NAME.expected-error.txt, NAME.expected-drop.txt, NAME.expected-warn.txt. */
#ifndef DBX_RULESTEST_H
#define DBX_RULESTEST_H

#endif
