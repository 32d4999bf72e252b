/* fw_gen: --generate KIND=N,...,scale=N: synthetic objects of every kind
 * the fake serves, at scale, for benchmarks and load tests. */
#ifndef FW_GEN_H
#define FW_GEN_H

#include <stddef.h>
#include "fw_state.h"

/* Adds the objects SPEC asks for to S (after any seed: references may
 * name seeded objects, names and ids never collide with them); on error
 * (a bad SPEC, a kind whose references are missing) writes ERR. */
int fw_generate(fw_state *s, const char *spec, char *err, size_t errlen);

#endif
