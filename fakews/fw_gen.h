/* fw_gen: --generate jobs=N,clusters=N,notebooks=N,users=N: synthetic
 * objects at scale for benchmarks and load tests. */
#ifndef FW_GEN_H
#define FW_GEN_H

#include <stddef.h>
#include "fw_state.h"

/* Adds the objects SPEC asks for to S; on error writes ERR. */
int fw_generate(fw_state *s, const char *spec, char *err, size_t errlen);

#endif
