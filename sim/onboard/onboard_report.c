/*
 * onboard_report: where a test call's report is looked for. A Maildir is
 * scanned (every message file below the folder, new/ and cur/ alike); an
 * SMTP sink (a minimal RFC 5321 server: EHLO/HELO, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT) keeps every message it is given in memory.
 */
#define _GNU_SOURCE /* memmem */
#define LOG_TAG "onboard"
#include "onboard_int.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* --- Maildir --------------------------------------------------------------------- */

static int file_check(const char *path, const char *call_id, bool *test)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The headers only: up to the first empty line. */
	char *end = strstr(buf, "\n\n");
	char *end2 = strstr(buf, "\r\n\r\n");
	if (end2 && (!end || end2 < end))
		end = end2;
	size_t hl = end ? (size_t)(end - buf) : n;
	if (!memmem(buf, hl, call_id, strlen(call_id)))
		return 0;
	*test = memmem(buf, hl, "X-Ringbench-Test: yes", 21) != NULL;
	return 1;
}

static int scan(const char *dir, const char *call_id, bool *test, int depth, char *where, size_t wn)
{
	if (depth > 4)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[4096];
		int k = snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (k < 0 || (size_t)k >= sizeof(p))
			continue;
		struct stat st;
		if (stat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(e->d_name, "tmp")) /* tmp/: not delivered yet */
				found = scan(p, call_id, test, depth + 1, where, wn);
		} else if (S_ISREG(st.st_mode) && file_check(p, call_id, test)) {
			snprintf(where, wn, "%s", p);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int ob_maildir_find(const char *dir, const char *call_id, bool *test, char *where, size_t wn)
{
	return scan(dir, call_id, test, 0, where, wn);
}

/* --- SMTP sink ------------------------------------------------------------------------- */

static int say(int fd, const char *s)
{
	size_t n = strlen(s);
	return write(fd, s, n) == (ssize_t)n ? 0 : EIO;
}

static void sink_keep(struct ob_sink *s, const char *msg, size_t n)
{
	char *m = malloc(n + 1);
	if (!m)
		return;
	memcpy(m, msg, n);
	m[n] = '\0';
	pthread_mutex_lock(&s->mu);
	char **v = realloc(s->msgs, (s->n_msgs + 1) * sizeof(*v));
	if (v) {
		v[s->n_msgs++] = m;
		s->msgs = v;
		m = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	free(m);
}

/* One SMTP session on fd, until QUIT, EOF or stop. */
static void session(struct ob_sink *s, int fd)
{
	char in[8192];
	size_t have = 0;
	bool data = false;
	char *msg = NULL;
	size_t mlen = 0;
	say(fd, "220 ringbench-onboard ESMTP\r\n");
	while (!s->stop) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 200);
		if (r <= 0)
			continue;
		ssize_t g = read(fd, in + have, sizeof(in) - 1 - have);
		if (g <= 0)
			break;
		have += (size_t)g;
		in[have] = '\0';
		char *line;
		while ((line = memchr(in, '\n', have))) {
			size_t ll = (size_t)(line - in) + 1;
			if (data) {
				if ((ll == 3 && in[0] == '.') || (ll == 2 && in[0] == '.')) {
					data = false;
					if (msg)
						sink_keep(s, msg, mlen);
					free(msg);
					msg = NULL;
					mlen = 0;
					say(fd, "250 2.0.0 kept\r\n");
				} else {
					char *m = realloc(msg, mlen + ll + 1);
					if (m) {
						memcpy(m + mlen, in, ll);
						mlen += ll;
						msg = m;
					}
				}
			} else if (!strncasecmp(in, "EHLO", 4)) {
				say(fd, "250-ringbench-onboard\r\n250 8BITMIME\r\n");
			} else if (!strncasecmp(in, "HELO", 4) || !strncasecmp(in, "MAIL", 4) ||
				   !strncasecmp(in, "RCPT", 4) || !strncasecmp(in, "RSET", 4) ||
				   !strncasecmp(in, "NOOP", 4)) {
				say(fd, "250 2.0.0 ok\r\n");
			} else if (!strncasecmp(in, "DATA", 4)) {
				data = true;
				say(fd, "354 end with .\r\n");
			} else if (!strncasecmp(in, "QUIT", 4)) {
				say(fd, "221 2.0.0 bye\r\n");
				have = 0;
				goto out;
			} else {
				say(fd, "502 5.5.2 not implemented\r\n");
			}
			memmove(in, in + ll, have - ll);
			have -= ll;
			in[have] = '\0';
		}
		if (have == sizeof(in) - 1)
			have = 0; /* an overlong line: dropped */
	}
out:
	free(msg);
	close(fd);
}

static void *sink_main(void *arg)
{
	struct ob_sink *s = arg;
	while (!s->stop) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};
		if (poll(&p, 1, 200) <= 0)
			continue;
		int c = accept(s->fd, NULL, NULL);
		if (c >= 0)
			session(s, c);
	}
	return NULL;
}

int ob_sink_start(struct ob_sink *s, const char *addr, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	pthread_mutex_init(&s->mu, NULL);
	char host[64];
	const char *colon = strrchr(addr, ':');
	size_t hl = colon ? (size_t)(colon - addr) : 0;
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (!colon || hl == 0 || hl >= sizeof(host) || *end || port < 0 || port > 65535) {
		snprintf(err, errlen, "--smtp-sink: expected HOST:PORT, got '%s'", addr);
		return EINVAL;
	}
	memcpy(host, addr, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "--smtp-sink: '%s' is not an IPv4 address", host);
		return EINVAL;
	}
	sa.sin_port = htons((uint16_t)port);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (s->fd < 0)
		goto fail;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s->fd, 8))
		goto fail;
	if (pthread_create(&s->th, NULL, sink_main, s))
		goto fail;
	s->running = true;
	return 0;
fail:;
	int e = errno ? errno : EIO;
	snprintf(err, errlen, "--smtp-sink %s: %s", addr, strerror(e));
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return e;
}

int ob_sink_find(struct ob_sink *s, const char *call_id, bool *test)
{
	int found = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n_msgs && !found; i++) {
		const char *m = s->msgs[i];
		const char *e1 = strstr(m, "\r\n\r\n"), *e2 = strstr(m, "\n\n");
		const char *end = e1 && (!e2 || e1 < e2) ? e1 : e2;
		size_t hl = end ? (size_t)(end - m) : strlen(m);
		if (memmem(m, hl, call_id, strlen(call_id))) {
			found = 1;
			*test = memmem(m, hl, "X-Ringbench-Test: yes", 21) != NULL;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return found;
}

void ob_sink_stop(struct ob_sink *s)
{
	if (s->running) {
		s->stop = 1;
		pthread_join(s->th, NULL);
		s->running = false;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	for (size_t i = 0; i < s->n_msgs; i++)
		free(s->msgs[i]);
	free(s->msgs);
	s->msgs = NULL;
	s->n_msgs = 0;
	pthread_mutex_destroy(&s->mu);
}
