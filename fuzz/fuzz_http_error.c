/* libFuzzer harness: the HTTP error-reply parser (Databricks, SCIM, API 1.2,
 * "CODE: message", HTML, plain text). The first two bytes pick the status. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dbx_err err;
	long status = 0;

	if (size >= 2) {
		status = (long)((data[0] << 8 | data[1]) % 600);
		data += 2;
		size -= 2;
	}
	http_parse_error(status, (const char *)data, size, "GET /fuzz", &err);
	if (!err.msg[0] || strlen(err.msg) >= sizeof err.msg)
		abort();
	return 0;
}
