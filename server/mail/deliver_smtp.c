/*
 * deliver_smtp: reports through an SMTP server with libcurl (deliver.h).
 * One easy handle, used only on the spool's deliverer thread, so the
 * connection is kept between messages (libcurl's connection cache).
 */
#define LOG_TAG "smtp"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "deliver_int.h"
#include "log.h"

struct dlv_smtp {
	struct dlv d;
	CURL *curl;
	char url[300];
	char *user, *password;
	bool starttls;
	long timeout_ms;
};

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;
	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* An address in angle brackets, as libcurl wants for MAIL FROM / RCPT TO. */
static void bracket(char *buf, size_t n, const char *addr)
{
	snprintf(buf, n, "<%s>", addr && *addr ? addr : "");
}

static enum spool_result send_one(struct dlv_smtp *s, const struct spool_msg *m, char *why,
				  size_t whylen)
{
	char from[300], to[300];
	char ebuf[CURL_ERROR_SIZE] = "";
	bracket(from, sizeof from, m->meta.from);
	bracket(to, sizeof to, m->meta.rcpt);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	if (!rcpt) {
		snprintf(why, whylen, "out of memory");
		return SPOOL_MSG_FAILED;
	}
	struct upload u = {m->data, m->len};
	CURL *c = s->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	if (s->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (s->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return SPOOL_DELIVERED;
	snprintf(why, whylen, "%s: %s (last reply %ld)", s->url, ebuf[0] ? ebuf : curl_easy_strerror(rc),
		 code);
	/* A reply that refuses (4xx/5xx) is about this message; anything else
	 * (connection refused, timeout, TLS, login) is about the server. */
	if (code >= 400 && rc != CURLE_LOGIN_DENIED && rc != CURLE_USE_SSL_FAILED)
		return SPOOL_MSG_FAILED;
	return SPOOL_SERVER_FAILED;
}

static void smtp_deliver(void *arg, const struct spool_msg *m, size_t n, enum spool_result *res,
			 char *why, size_t whylen)
{
	struct dlv_smtp *s = arg;
	for (size_t i = 0; i < n; i++) {
		res[i] = send_one(s, &m[i], why, whylen);
		if (res[i] == SPOOL_SERVER_FAILED)
			for (size_t j = i + 1; j < n; j++)
				res[j] = SPOOL_SERVER_FAILED;
		if (res[i] == SPOOL_SERVER_FAILED)
			break;
	}
}

static void smtp_close(struct dlv *d)
{
	struct dlv_smtp *s = (struct dlv_smtp *)d;
	curl_easy_cleanup(s->curl);
	free(s->user);
	free(s->password);
	free(s);
	curl_global_cleanup();
}

int dlv_smtp_open(struct dlv **out, const struct dlv_smtp_opts *o, char *err, size_t errlen)
{
	if (!o->host || !*o->host || strpbrk(o->host, "/@ ") || o->port < 0 || o->port > 65535) {
		snprintf(err, errlen, "SMTP: expected a host name and a port 1..65535");
		return EINVAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "SMTP: libcurl did not initialise");
		return EIO;
	}
	struct dlv_smtp *s = calloc(1, sizeof *s);
	if (!s || !(s->curl = curl_easy_init())) {
		free(s);
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	bool v6 = strchr(o->host, ':') != NULL;
	snprintf(s->url, sizeof s->url, "smtp://%s%s%s:%d", v6 ? "[" : "", o->host, v6 ? "]" : "",
		 o->port ? o->port : 25);
	s->starttls = o->starttls;
	s->user = o->user ? strdup(o->user) : NULL;
	s->password = o->password ? strdup(o->password) : NULL;
	s->timeout_ms = o->timeout > 0 ? (long)(o->timeout / 1000) : 30000L;
	s->d.sd.deliver = smtp_deliver;
	s->d.sd.idempotent = false;
	s->d.sd.name = "smtp";
	s->d.sd.arg = s;
	s->d.close = smtp_close;
	*out = &s->d;
	return 0;
}
