/*
 * spool_file: one spool file (spool.h): "RBSPOOL 1", key=value lines, a
 * blank line, the message. `len` is the message's length, so a torn file
 * (a crash during the write) is recognised and never delivered cut short.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool_int.h"

#define MAGIC "RBSPOOL 1\n"
#define MAX_FILE (64u << 20)

void spf_free(struct sp_ent *e)
{
	if (!e)
		return;
	free(e->rcpt);
	free(e->tenant);
	free(e->from);
	free(e->call_id);
	free(e->data);
	free(e);
}

/* A copy of s (NULL as "") with control characters as spaces. */
static char *clean_dup(const char *s)
{
	char *d = strdup(s ? s : "");
	for (char *p = d; p && *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7F)
			*p = ' ';
	return d;
}

struct sp_ent *spf_new(const struct spool_meta *meta, const char *msg, size_t len)
{
	struct sp_ent *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->rcpt = clean_dup(meta->rcpt);
	e->tenant = clean_dup(meta->tenant);
	e->from = clean_dup(meta->from);
	e->call_id = clean_dup(meta->call_id);
	e->hangup = meta->t_hangup_epoch;
	e->written = meta->t_written_epoch;
	e->data = malloc(len ? len : 1);
	e->len = len;
	if (!e->rcpt || !e->tenant || !e->from || !e->call_id || !e->data) {
		spf_free(e);
		return NULL;
	}
	memcpy(e->data, msg, len);
	return e;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int spf_write(int dfd, const struct sp_ent *e)
{
	char hdr[2048];
	int h = snprintf(hdr, sizeof hdr,
			 MAGIC "rcpt=%s\ntenant=%s\nfrom=%s\ncall_id=%s\nhangup=%" PRId64
			       "\nwritten=%" PRId64 "\nlen=%zu\n\n",
			 e->rcpt, e->tenant, e->from, e->call_id, e->hangup, e->written, e->len);
	if (h < 0 || (size_t)h >= sizeof hdr)
		return ENAMETOOLONG;
	int fd = openat(dfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	int rc = write_all(fd, hdr, (size_t)h);
	if (!rc)
		rc = write_all(fd, e->data, e->len);
	if (close(fd) && !rc)
		rc = errno;
	if (rc)
		unlinkat(dfd, e->name, 0);
	return rc;
}

static int read_file(int dfd, const char *name, char **buf, size_t *n)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat st;
	int rc = 0;
	char *b = NULL;
	size_t got = 0;
	if (fstat(fd, &st)) {
		rc = errno;
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_FILE) {
		rc = EFBIG;
		goto out;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		rc = ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? errno : EIO;
			goto out;
		}
		got += (size_t)r;
	}
	b[got] = 0;
out:
	close(fd);
	if (rc) {
		free(b);
		return rc;
	}
	*buf = b;
	*n = got;
	return 0;
}

/* The value of "key=" in the header [h, end), copied; NULL when absent. */
static char *hval(const char *h, const char *end, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = h; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if ((size_t)(nl - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == '=')
			return strndup(p + kl + 1, (size_t)(nl - p - (ptrdiff_t)kl - 1));
		p = nl + 1;
	}
	return NULL;
}

static int parse_i64(const char *s, int64_t *v)
{
	if (!s || !*s)
		return EINVAL;
	char *e;
	errno = 0;
	long long x = strtoll(s, &e, 10);
	if (errno || *e)
		return EINVAL;
	*v = x;
	return 0;
}

int spf_read(int dfd, const char *name, struct sp_ent **out)
{
	char *b = NULL;
	size_t n = 0;
	int rc = read_file(dfd, name, &b, &n);
	if (rc)
		return rc;
	struct sp_ent *e = NULL;
	char *hb = NULL, *wb = NULL, *lb = NULL;
	const char *sep = n > strlen(MAGIC) ? strstr(b, "\n\n") : NULL;
	if (memcmp(b, MAGIC, n < strlen(MAGIC) ? n : strlen(MAGIC)) || n < strlen(MAGIC) || !sep ||
	    strlen(name) >= sizeof e->name) {
		rc = EINVAL;
		goto out;
	}
	const char *h = b + strlen(MAGIC), *end = sep + 1;
	e = calloc(1, sizeof *e);
	if (!e) {
		rc = ENOMEM;
		goto out;
	}
	memcpy(e->name, name, strlen(name) + 1);
	e->rcpt = hval(h, end, "rcpt");
	e->tenant = hval(h, end, "tenant");
	e->from = hval(h, end, "from");
	e->call_id = hval(h, end, "call_id");
	hb = hval(h, end, "hangup");
	wb = hval(h, end, "written");
	lb = hval(h, end, "len");
	int64_t len;
	if (!e->rcpt || !e->tenant || !e->from || !e->call_id || parse_i64(hb, &e->hangup) ||
	    parse_i64(wb, &e->written) || parse_i64(lb, &len) || len < 0 ||
	    (size_t)len != n - (size_t)(sep + 2 - b)) {
		rc = EINVAL;
		goto out;
	}
	e->len = (size_t)len;
	e->data = malloc(e->len + 1);
	if (!e->data) {
		rc = ENOMEM;
		goto out;
	}
	memcpy(e->data, sep + 2, e->len);
	e->data[e->len] = 0;
out:
	free(b);
	free(hb);
	free(wb);
	free(lb);
	if (rc) {
		spf_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

int spf_load_data(int dfd, struct sp_ent *e)
{
	struct sp_ent *f = NULL;
	int rc = spf_read(dfd, e->name, &f);
	if (rc)
		return rc;
	free(e->data);
	e->data = f->data;
	e->len = f->len;
	f->data = NULL;
	spf_free(f);
	return 0;
}

void spf_msg(const struct sp_ent *e, struct spool_msg *m)
{
	m->name = e->name;
	m->meta.rcpt = e->rcpt;
	m->meta.tenant = e->tenant;
	m->meta.from = e->from;
	m->meta.call_id = e->call_id;
	m->meta.t_hangup_epoch = e->hangup;
	m->meta.t_written_epoch = e->written;
	m->data = e->data;
	m->len = e->len;
}
