// SPDX-License-Identifier: GPL-2.0
/*
 * httpd: a one-request HTTP server on 127.0.0.1 for the kcidb-submit test.
 * It listens on a port the kernel picks, writes that port to PORTFILE,
 * accepts one connection, stores the request (headers and body, as
 * received) in REQFILE, answers with STATUS and exits. Nothing but the
 * loopback address is ever bound.
 *
 * usage: httpd PORTFILE REQFILE STATUS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_REQ (8 << 20)

static int fail(const char *what)
{
	perror(what);
	return 1;
}

/* bytes of body announced by the headers in buf (len bytes), or -1 */
static long content_length(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (!nl)
			break;
		if (nl - p > 15 && !strncasecmp(p, "Content-Length:", 15))
			return strtol(p + 15, NULL, 10);
		p = nl + 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	size_t len = 0, want = 0;
	char *buf, *hend = NULL;
	int s, c, status;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: httpd PORTFILE REQFILE STATUS\n");
		return 2;
	}
	status = atoi(argv[3]);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s, 1) || getsockname(s, (struct sockaddr *)&sa, &sl))
		return fail("socket");
	f = fopen(argv[1], "w");
	if (!f)
		return fail(argv[1]);
	fprintf(f, "%u\n", ntohs(sa.sin_port));
	fclose(f);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return fail("accept");
	buf = malloc(MAX_REQ);
	if (!buf)
		return fail("malloc");
	while (len < MAX_REQ) {
		ssize_t n = read(c, buf + len, MAX_REQ - len);

		if (n <= 0)
			break;
		len += n;
		if (!hend) {
			hend = memmem(buf, len, "\r\n\r\n", 4);
			if (hend) {
				long cl = content_length(buf, hend - buf);

				want = (hend - buf) + 4 + (cl > 0 ? cl : 0);
			}
		}
		if (hend && len >= want)
			break;
	}
	f = fopen(argv[2], "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		return fail(argv[2]);
	dprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
		"Connection: close\r\n\r\nnimbus", status, status < 300 ? "OK" : "Error");
	close(c);
	close(s);
	free(buf);
	return 0;
}
