/* fw_b64: base64 for workspace import/export and init scripts. */
#ifndef FW_B64_H
#define FW_B64_H

#include <stddef.h>

/* NUL-terminated encoding of LEN bytes; caller frees. */
char *fw_b64_encode(const unsigned char *in, size_t len);
/* Decodes IN (standard alphabet, padding optional, whitespace skipped);
 * caller frees; NULL on invalid input. *LEN gets the size. */
unsigned char *fw_b64_decode(const char *in, size_t *len);

#endif
