/*
 * deliver_maildir: reports into a Maildir per tenant (deliver.h), and the
 * deliverer interface both methods share.
 */
#define _GNU_SOURCE /* syncfs */
#define LOG_TAG "maildir"
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deliver_int.h"
#include "log.h"

struct dlv_maildir {
	struct dlv d;
	int root;
};

const struct spool_deliverer *dlv_deliverer(struct dlv *d)
{
	return &d->sd;
}

void dlv_close(struct dlv *d)
{
	if (d)
		d->close(d);
}

/*
 * Injective, so that no two tenants share a mailbox (issue 12): a byte
 * other than an ASCII letter, digit, '-' or '_' becomes %XX ('%' included),
 * so "a/b" is "a%2Fb" beside "a_b", ".x" is "%2Ex" beside "_x", and no
 * folder is "..", hidden, or holds a '/'. The loader allows only those
 * bytes in tenant ids (core/scn_names.c), for which this is the id itself.
 */
void dlv_maildir_folder(const char *tenant, char *buf, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(tenant ? tenant : "");
	size_t k = 0;

	if (!n)
		return;
	if (!*p) { /* no tenant: a name no id encodes to */
		snprintf(buf, n, "%%");
		return;
	}
	for (; *p && k + 1 < n; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
		if (plain) {
			buf[k++] = (char)*p;
		} else if (k + 3 < n) {
			buf[k++] = '%';
			buf[k++] = hex[*p >> 4];
			buf[k++] = hex[*p & 15];
		} else {
			break;
		}
	}
	buf[k] = '\0';
}

static int mkdir_at(int at, const char *name)
{
	return mkdirat(at, name, 0755) && errno != EEXIST ? errno : 0;
}

/* Opens (creating) ROOT/<folder> with tmp, new, cur; returns its fd or -1. */
static int open_box(int root, const char *tenant)
{
	char f[256];
	dlv_maildir_folder(tenant, f, sizeof f);
	if (mkdir_at(root, f))
		return -1;
	int fd = openat(root, f, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (mkdir_at(fd, "tmp") || mkdir_at(fd, "new") || mkdir_at(fd, "cur")) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes the message with LF line ends (the Maildir convention). */
static int write_lf(int fd, const char *p, size_t n)
{
	char buf[8192];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		buf[k++] = p[i];
		if (k == sizeof buf || i + 1 == n) {
			for (size_t off = 0; off < k;) {
				ssize_t w = write(fd, buf + off, k - off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					return errno;
				off += (size_t)w;
			}
			k = 0;
		}
	}
	return 0;
}

static bool already_there(int box, const char *name)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof p, "new/%s", name);
	if (fstatat(box, p, &st, 0) == 0)
		return true;
	snprintf(p, sizeof p, "cur/%s:2,", name);
	return fstatat(box, p, &st, 0) == 0;
}

static void maildir_deliver(void *arg, const struct spool_msg *m, size_t n, enum spool_result *res,
			    char *why, size_t whylen)
{
	struct dlv_maildir *md = arg;
	int boxes[n];
	bool wrote[n];
	char p[256];
	for (size_t i = 0; i < n; i++) {
		res[i] = SPOOL_MSG_FAILED;
		wrote[i] = false;
		boxes[i] = open_box(md->root, m[i].meta.tenant);
		if (boxes[i] < 0) {
			snprintf(why, whylen, "Maildir of '%s': %s", m[i].meta.tenant, strerror(errno));
			continue;
		}
		if (already_there(boxes[i], m[i].name)) {
			res[i] = SPOOL_DELIVERED; /* delivered before a crash, not marked */
			continue;
		}
		snprintf(p, sizeof p, "tmp/%s", m[i].name);
		int fd = openat(boxes[i], p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int rc = fd < 0 ? errno : write_lf(fd, m[i].data, m[i].len);
		if (fd >= 0 && close(fd) && !rc)
			rc = errno;
		if (rc) {
			snprintf(why, whylen, "Maildir of '%s': %s: %s", m[i].meta.tenant, p, strerror(rc));
			continue;
		}
		wrote[i] = true;
	}
	/* One flush for the batch, then the links into new/. */
	if (n && syncfs(md->root))
		snprintf(why, whylen, "syncfs: %s", strerror(errno));
	for (size_t i = 0; i < n; i++) {
		if (!wrote[i])
			continue;
		char np[256];
		snprintf(p, sizeof p, "tmp/%s", m[i].name);
		snprintf(np, sizeof np, "new/%s", m[i].name);
		if (linkat(boxes[i], p, boxes[i], np, 0) == 0 || errno == EEXIST)
			res[i] = SPOOL_DELIVERED;
		else
			snprintf(why, whylen, "link %s: %s", np, strerror(errno));
		unlinkat(boxes[i], p, 0);
	}
	/* Sync each new/ once (several reports often share a tenant). */
	for (size_t i = 0; i < n; i++) {
		if (boxes[i] < 0)
			continue;
		int nfd = openat(boxes[i], "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0 || fsync(nfd)) {
			snprintf(why, whylen, "fsync new/ of '%s': %s", m[i].meta.tenant, strerror(errno));
			for (size_t j = i; j < n; j++)
				if (boxes[j] >= 0 && strcmp(m[j].meta.tenant, m[i].meta.tenant) == 0)
					res[j] = SPOOL_MSG_FAILED;
		}
		if (nfd >= 0)
			close(nfd);
		for (size_t j = i + 1; j < n; j++)
			if (boxes[j] >= 0 && strcmp(m[j].meta.tenant, m[i].meta.tenant) == 0) {
				close(boxes[j]);
				boxes[j] = -1;
			}
		close(boxes[i]);
		boxes[i] = -1;
	}
}

static void maildir_close(struct dlv *d)
{
	struct dlv_maildir *md = (struct dlv_maildir *)d;
	close(md->root);
	free(md);
}

int dlv_maildir_open(struct dlv **out, const char *root, char *err, size_t errlen)
{
	if (mkdir(root, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "Maildir root %s: %s", root, strerror(errno));
		return errno;
	}
	struct dlv_maildir *md = calloc(1, sizeof *md);
	if (!md) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	md->root = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (md->root < 0) {
		int e = errno;
		snprintf(err, errlen, "Maildir root %s: %s", root, strerror(e));
		free(md);
		return e;
	}
	md->d.sd.deliver = maildir_deliver;
	md->d.sd.idempotent = true;
	md->d.sd.name = "maildir";
	md->d.sd.arg = md;
	md->d.close = maildir_close;
	*out = &md->d;
	return 0;
}
