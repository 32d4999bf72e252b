/* tests/fault/enospc.c: LD_PRELOAD shim for t1009. Once the files under
 * $ENOSPC_DIR have been written ENOSPC_BYTES bytes, every further write,
 * writev, pwrite and fsync to a file there fails with ENOSPC, as on a full
 * disk. Files elsewhere (the terminal, sockets) are left alone. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -1;
static const char *dir;

static int full(int fd, size_t len)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	if (budget < 0) {
		const char *b = getenv("ENOSPC_BYTES");
		dir = getenv("ENOSPC_DIR");
		budget = b ? strtoll(b, NULL, 10) : 0;
	}
	if (!dir || !*dir)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	if (strncmp(path, dir, strlen(dir)) != 0)
		return 0;
	if ((long long)len > budget) {
		budget = 0;
		errno = ENOSPC;
		return 1;
	}
	budget -= (long long)len;
	return 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (full(fd, len))
		return -1;
	return real(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
	if (full(fd, len))
		return -1;
	return real(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*real)(int, const struct iovec *, int);
	size_t len = 0;
	int i;
	if (!real)
		real = (ssize_t (*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (full(fd, len))
		return -1;
	return real(fd, iov, n);
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (budget == 0 && full(fd, 1))
		return -1;
	return real(fd);
}
