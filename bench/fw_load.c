/* fw_load: a small HTTP/1.1 keep-alive load generator for bench/fakews.sh.
 * usage: fw_load PORT SECONDS CONNECTIONS PATH...
 * Each connection (one thread) cycles through the PATHs on 127.0.0.1:PORT
 * with a bearer token for SECONDS and counts 200 replies; prints
 * "requests N seconds S rate R errors E". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, npaths;
static char **paths;
static double seconds;

struct worker {
	pthread_t th;
	long ok, errors;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads one reply; returns its status, or -1 when the connection broke. */
static int read_reply(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	char *end = NULL;
	while (!end) {
		if (n + 1 >= cap)
			return -1;
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	int status = (int)strtol(buf + 9, NULL, 10);
	const char *cl = strstr(buf, "Content-Length:");
	if (!cl)
		cl = strstr(buf, "content-length:");
	long len = cl ? strtol(cl + 15, NULL, 10) : 0;
	long have = (long)(n - (size_t)(end + 4 - buf));
	while (have < len) {
		ssize_t r = read(fd, buf, cap - 1);
		if (r <= 0)
			return -1;
		have += r;
	}
	return status;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	size_t cap = 1 << 20;
	char *buf = malloc(cap), req[2048];
	int fd = -1, k = 0;
	double stop = now() + seconds;
	while (buf && now() < stop) {
		if (fd < 0 && (fd = dial()) < 0) {
			w->errors++;
			continue;
		}
		int len = snprintf(req, sizeof req,
				   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer bench\r\n\r\n",
				   paths[k++ % npaths]);
		if (write(fd, req, (size_t)len) != len) {
			close(fd);
			fd = -1;
			w->errors++;
			continue;
		}
		int st = read_reply(fd, buf, cap);
		if (st == 200)
			w->ok++;
		else
			w->errors++;
		if (st < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: fw_load PORT SECONDS CONNECTIONS PATH...\n");
		return 2;
	}
	port = (int)strtol(argv[1], NULL, 10);
	seconds = strtod(argv[2], NULL);
	int conns = (int)strtol(argv[3], NULL, 10);
	paths = argv + 4;
	npaths = argc - 4;
	if (port <= 0 || seconds <= 0 || conns <= 0 || conns > 256) {
		fprintf(stderr, "fw_load: bad PORT, SECONDS or CONNECTIONS\n");
		return 2;
	}
	struct worker *ws = calloc((size_t)conns, sizeof *ws);
	if (!ws)
		return 1;
	double t0 = now();
	for (int i = 0; i < conns; i++)
		pthread_create(&ws[i].th, NULL, run, &ws[i]);
	long ok = 0, errors = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(ws[i].th, NULL);
		ok += ws[i].ok;
		errors += ws[i].errors;
	}
	double el = now() - t0;
	printf("requests %ld seconds %.2f rate %.0f errors %ld\n", ok, el, (double)ok / el, errors);
	free(ws);
	return errors > ok ? 1 : 0;
}
