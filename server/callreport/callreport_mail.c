/*
 * callreport_mail: composes the call report message (callreport_mail.h).
 */
#include "callreport_mail.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A growable string; on out of memory `bad` is set and appends stop. */
struct mbuf {
	char *p;
	size_t n, cap;
	bool bad;
};

static void mb_add(struct mbuf *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->bad = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void mb_str(struct mbuf *b, const char *s)
{
	mb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void mb_fmt(struct mbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->bad = true;
		return;
	}
	if ((size_t)n < sizeof tmp) {
		mb_add(b, tmp, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->bad = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	mb_add(b, big, (size_t)n);
	free(big);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (len == 3 && s[0] == 0xE0 && s[1] < 0xA0)
		return 0; /* overlong */
	if (len == 3 && s[0] == 0xED && s[1] >= 0xA0)
		return 0; /* surrogates */
	if (len == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
		return 0;
	return len;
}

/* Appends s cleaned: control characters as spaces, invalid UTF-8 as '?'. */
static void mb_clean(struct mbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u);
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(u + i, n - i);
		if (l == 0) {
			mb_add(b, "?", 1);
			i++;
		} else if (l == 1 && (u[i] < ' ' || u[i] == 0x7F)) {
			mb_add(b, " ", 1);
			i++;
		} else {
			mb_add(b, (const char *)u + i, l);
			i += l;
		}
	}
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void mb_b64(struct mbuf *b, const unsigned char *s, size_t n)
{
	char q[4];
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		mb_add(b, q, 4);
	}
}

/* RFC 2047: at most 36 bytes of text per word (48 base64 characters, 60 in
 * all with "=?UTF-8?B?" and "?="), so "Subject: " plus a word stays under 76
 * characters; words end on character boundaries (RFC 2047 section 5). */
#define WORD_BYTES 36

static void mb_rfc2047(struct mbuf *b, const char *utf8)
{
	struct mbuf c = {0};
	mb_clean(&c, utf8);
	if (c.bad) {
		b->bad = true;
		return;
	}
	const unsigned char *u = (const unsigned char *)(c.p ? c.p : "");
	size_t n = c.n, i = 0;
	bool first = true;
	do {
		size_t take = 0;
		while (i + take < n) {
			size_t l = utf8_len(u + i + take, n - i - take);
			if (l == 0)
				l = 1;
			if (take + l > WORD_BYTES)
				break;
			take += l;
		}
		if (!first)
			mb_str(b, "\r\n ");
		mb_str(b, "=?UTF-8?B?");
		mb_b64(b, u + i, take);
		mb_str(b, "?=");
		i += take;
		first = false;
	} while (i < n);
	free(c.p);
}

char *crmail_rfc2047(const char *utf8)
{
	struct mbuf b = {0};
	mb_rfc2047(&b, utf8);
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* The report's local time (tzone: thread-safe, no process-wide TZ). */
static void local_tm(const struct crmail_call *rc, rb_us epoch_us, struct tm *tm, long *gmtoff)
{
	int64_t t = epoch_us / RB_US_PER_S;
	if (rc->zone) {
		tzone_local(rc->zone, t, tm, gmtoff);
		return;
	}
	time_t tt = (time_t)t;
	gmtime_r(&tt, tm);
	*gmtoff = 0;
}

/* "2025-12-04 18:49:30 +0900" (body) or "Thu, 04 Dec 2025 18:49:30 +0900" (Date). */
static void fmt_when(const struct crmail_call *rc, rb_us epoch_us, bool rfc5322, char *buf,
		     size_t n)
{
	struct tm tm;
	long off;
	char z[8];
	local_tm(rc, epoch_us, &tm, &off);
	tzone_fmt_offset(z, sizeof z, off);
	size_t l = strftime(buf, n, rfc5322 ? "%a, %d %b %Y %H:%M:%S " : "%Y-%m-%d %H:%M:%S ", &tm);
	snprintf(buf + l, n - l, "%s", z);
}

static void mb_subject(struct mbuf *b, const struct crmail_call *rc)
{
	struct tm tm;
	long off;
	local_tm(rc, rc->t_call_epoch, &tm, &off);
	if (rc->test_call)
		mb_str(b, "【テスト】");
	mb_str(b, "【電話報告】");
	mb_clean(b, empty(rc->answering_name) ? rc->tenant_id : rc->answering_name);
	mb_str(b, " 様宛 ");
	mb_clean(b, empty(rc->caller_name) ? "お名前不明の方" : rc->caller_name);
	mb_str(b, " 様より");
	mb_fmt(b, " (%d/%d %02d:%02d)", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

char *crmail_subject(const struct crmail_call *rc)
{
	struct mbuf b = {0};
	mb_subject(&b, rc);
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

static const char *type_ja(const char *t)
{
	if (empty(t) || !strcmp(t, "inquiry"))
		return "お問い合わせ";
	if (!strcmp(t, "sales"))
		return "営業";
	if (!strcmp(t, "court"))
		return "裁判所・検察庁";
	if (!strcmp(t, "no_callback"))
		return "お問い合わせ（折り返し番号なし）";
	if (!strcmp(t, "test"))
		return "テストコール";
	return NULL;
}

/* The gist, from what the caller type says about the call. */
static const char *gist(const struct crmail_call *rc)
{
	const char *t = rc->caller_type;
	if (rc->test_call)
		return "開通確認のテストコールです。転送・応答・報告メールの到着をご確認ください。";
	if (!empty(t) && !strcmp(t, "sales"))
		return "営業のご案内でした（選別をすり抜けた営業電話の可能性があります）。";
	if (!empty(t) && !strcmp(t, "court"))
		return "裁判所・検察庁からのご連絡です。要旨のみ承りました。詳細は折り返しの際にご確認ください。";
	if (empty(rc->callback_number))
		return "ご担当者様宛のお問い合わせです。折り返し先の番号はお教えいただけませんでした。";
	return "ご担当者様宛のお問い合わせです。ご担当者様はただいま不在とお伝えし、折り返しのお電話をお約束しました。";
}

static void mb_mobile(struct mbuf *b, const struct crmail_call *rc)
{
	switch (rc->mobile) {
	case TMOB_NOT_NEEDED:
		break;
	case TMOB_OFFERED:
		mb_str(b, "携帯番号のご案内: お客様の携帯番号 (");
		mb_clean(b, rc->mobile_number);
		mb_str(b, ") をお伝えしました\r\n");
		break;
	case TMOB_POLICY_NONE:
		mb_str(b, "携帯番号のご案内: していません（ご案内しない設定）\r\n");
		break;
	case TMOB_NOT_LISTED:
		mb_str(b, "携帯番号のご案内: していません（ご案内先に登録のない方）\r\n");
		break;
	case TMOB_NONE_REGISTERED:
		mb_str(b, "携帯番号のご案内: していません（携帯番号の登録なし）\r\n");
		break;
	}
}

static void mb_body(struct mbuf *b, const struct crmail_call *rc)
{
	char when[64];
	fmt_when(rc, rc->t_call_epoch, false, when, sizeof when);
	bool cb = !empty(rc->callback_number);
	const char *tj = type_ja(rc->caller_type);
	if (rc->test_call)
		mb_str(b, "※ これはテストコールの報告です。\r\n\r\n");
	mb_str(b, "下記のとおりお電話がありましたのでご報告いたします。\r\n\r\n");
	mb_str(b, "応対名: ");
	mb_clean(b, empty(rc->answering_name) ? rc->tenant_id : rc->answering_name);
	mb_fmt(b, "\r\n日時: %s\r\n", when);
	mb_str(b, "お名前: ");
	mb_clean(b, empty(rc->caller_name) ? "（お名乗りなし）" : rc->caller_name);
	mb_str(b, " 様\r\n会社名: ");
	mb_clean(b, empty(rc->caller_company) ? "（なし）" : rc->caller_company);
	mb_str(b, "\r\n折り返し先: ");
	if (cb)
		mb_clean(b, rc->callback_number);
	else
		mb_str(b, "お教えいただけませんでした");
	mb_str(b, "\r\n");
	mb_mobile(b, rc);
	mb_str(b, "発信元番号: ");
	mb_clean(b, empty(rc->caller_number) ? "（非通知）" : rc->caller_number);
	mb_str(b, "\r\nご用件の種別: ");
	if (tj)
		mb_str(b, tj);
	else
		mb_str(b, "その他");
	mb_str(b, " (");
	mb_clean(b, empty(rc->caller_type) ? "inquiry" : rc->caller_type);
	mb_str(b, ")\r\n");
	if (rc->rings_heard > 0)
		mb_fmt(b, "呼出回数: %d 回（お客様の電話での呼出を含む）\r\n", rc->rings_heard);
	else
		mb_str(b, "呼出回数: 不明\r\n");
	mb_str(b, "ご用件: ");
	if (!empty(rc->message))
		mb_clean(b, rc->message); /* the person's own words */
	else
		mb_str(b, gist(rc));
	bool want = rc->callback_wanted == CRMAIL_CB_AUTO ? cb && !rc->test_call
						      : rc->callback_wanted == CRMAIL_CB_YES;
	mb_str(b, "\r\n折り返しのご希望: ");
	mb_str(b, want ? "あり（必ず折り返しをお願いいたします）" : "なし");
	mb_str(b, "\r\n\r\n応対: ");
	mb_clean(b, empty(rc->answered_by) ? "-" : rc->answered_by);
	mb_fmt(b, "（通話 %.0f 秒）\r\n", rc->talk_s);
	mb_str(b, "Call-ID: ");
	mb_clean(b, rc->call_id);
	mb_str(b, "\r\n\r\n-- \r\nsecretaryd (ringbench) 電話代行 自動報告\r\n");
}

int crmail_compose(const struct crmail_call *rc, char **msg, size_t *len)
{
	if (empty(rc->report_to))
		return EINVAL;
	struct mbuf b = {0};
	char date[64];
	fmt_when(rc, rc->t_written_epoch, true, date, sizeof date);
	const char *from = empty(rc->from_addr) ? "secretaryd@localhost" : rc->from_addr;
	const char *dom = strchr(from, '@');
	mb_fmt(&b, "Date: %s\r\n", date);
	mb_str(&b, "From: ");
	mb_rfc2047(&b, "電話代行 報告");
	mb_str(&b, " <");
	mb_clean(&b, from);
	mb_str(&b, ">\r\nTo: ");
	mb_clean(&b, rc->report_to);
	mb_fmt(&b, "\r\nMessage-ID: <%lld.%lld.%ld@%s>\r\n", (long long)rc->seq,
	       (long long)rc->t_written_epoch, (long)getpid(), dom ? dom + 1 : "localhost");
	mb_str(&b, "Subject: ");
	struct mbuf s = {0};
	mb_subject(&s, rc);
	if (s.bad)
		b.bad = true;
	else
		mb_rfc2047(&b, s.p);
	free(s.p);
	mb_str(&b, "\r\nMIME-Version: 1.0\r\n"
		   "Content-Type: text/plain; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: 8bit\r\n"
		   "X-Ringbench-Call-ID: ");
	mb_clean(&b, rc->call_id);
	mb_str(&b, "\r\nX-Ringbench-Tenant: ");
	mb_clean(&b, rc->tenant_id);
	mb_str(&b, "\r\nX-Ringbench-Caller-Type: ");
	mb_clean(&b, empty(rc->caller_type) ? "inquiry" : rc->caller_type);
	mb_fmt(&b, "\r\nX-Ringbench-Test: %s\r\nX-Ringbench-Mobile: %s\r\n\r\n",
	       rc->test_call ? "yes" : "no", trules_mobile_act_name(rc->mobile));
	mb_body(&b, rc);
	if (b.bad) {
		free(b.p);
		return ENOMEM;
	}
	*msg = b.p;
	*len = b.n;
	return 0;
}
