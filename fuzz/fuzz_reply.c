/* libFuzzer harness: the HTTP reply parser (http_parse_reply, src/http.c),
 * which reads every "\u0000" escape of a reply as HTTP_NUL_MARK before
 * cJSON sees it. Properties on every input:
 *   - it accepts what cJSON accepts (the rewrite of an escape inside a
 *     string keeps the text valid; outside one, both refuse it), except a
 *     "\u" without four hex digits, which cJSON reads as U+0000;
 *   - it accepts nothing cJSON refuses;
 *   - where the input holds no "\u0000" the tree is the one cJSON builds;
 *   - a tree that differs from cJSON's came from an input with "\u0000"
 *     in it, and holds the mark. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether the n bytes at s hold a backslash and 'u' without four hex
 * digits after them (an escaped backslash before the 'u' counts too:
 * this only excuses a refusal). */
static int bad_u(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\' || s[i + 1] != 'u')
			continue;
		if (i + 6 > n)
			return 1;
		for (size_t k = i + 2; k < i + 6; k++)
			if (!isxdigit((unsigned char)s[k]))
				return 1;
	}
	return 0;
}

/* Whether the n bytes at s contain the NUL-terminated needle. */
static int contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	cJSON *got = http_parse_reply(s, size), *plain = cJSON_ParseWithLength(s, size);
	int has_nul = contains(s, size, "\\u0000");

	if ((got && !plain) || (!got && plain && !bad_u(s, size))) {
		fprintf(stderr, "http_parse_reply %s what cJSON %s\n", got ? "accepts" : "refuses",
			plain ? "accepts" : "refuses");
		abort();
	}
	if (got) {
		/* compared as printed text: cJSON_Compare() calls two trees with
		 * the same duplicate keys different */
		char *a = cJSON_PrintUnformatted(got), *b = cJSON_PrintUnformatted(plain);

		if (!a || !b)
			abort();
		if (strcmp(a, b) != 0 && (!has_nul || !strstr(a, HTTP_NUL_MARK))) {
			fprintf(stderr, "tree differs from cJSON's without a NUL escape:\n%s\n%s\n", a, b);
			abort();
		}
		free(a);
		free(b);
	}
	cJSON_Delete(got);
	cJSON_Delete(plain);
	return 0;
}
