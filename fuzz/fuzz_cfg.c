/* libFuzzer harness: the databrickscfg parser (`make fuzz`). Any input must
 * give a profile or an error, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
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
	static const char *const names[] = { NULL, "a", "m" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cfg_profile p;
		dbx_err err;
		if (cfg_parse((const char *)data, size, "fuzz", names[i], &p, &err) == 0)
			cfg_profile_free(&p);
	}
	log_forget_secrets();	/* each token was registered: they would pile up */
	return 0;
}
