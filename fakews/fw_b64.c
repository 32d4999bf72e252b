/* fw_b64: base64 encode/decode (see fw_b64.h). */
#include "fw_b64.h"

#include <stdlib.h>
#include <string.h>

static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *fw_b64_encode(const unsigned char *in, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;
	if (!out)
		return NULL;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*p++ = alpha[v >> 18];
		*p++ = alpha[(v >> 12) & 63];
		*p++ = alpha[(v >> 6) & 63];
		*p++ = alpha[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
		*p++ = alpha[v >> 18];
		*p++ = alpha[(v >> 12) & 63];
		*p++ = i + 1 < len ? alpha[(v >> 6) & 63] : '=';
		*p++ = '=';
	}
	*p = '\0';
	return out;
}

static int val(int ch)
{
	if (ch >= 'A' && ch <= 'Z') return ch - 'A';
	if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9') return ch - '0' + 52;
	if (ch == '+') return 62;
	if (ch == '/') return 63;
	return -1;
}

unsigned char *fw_b64_decode(const char *in, size_t *len)
{
	size_t n = strlen(in);
	unsigned char *out = malloc(n / 4 * 3 + 4);
	if (!out)
		return NULL;
	size_t k = 0;
	unsigned acc = 0;
	int bits = 0, pad = 0;
	for (; *in; in++) {
		int ch = (unsigned char)*in;
		if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t')
			continue;
		if (ch == '=') {
			pad++;
			continue;
		}
		int v = val(ch);
		if (v < 0 || pad) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2) {
		free(out);
		return NULL;
	}
	out[k] = 0;
	*len = k;
	return out;
}
