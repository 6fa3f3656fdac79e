/*
 * anl: the analyzer's pipeline from frames to calls; see analyze.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "pktdec.h"
#include "sipmsg.h"
#include "tcpre.h"

struct anl {
	struct astats *st;
	struct pktdec *pd;
	struct tcpre *tr;
	struct dlg *dlg;
	int64_t t0_ns;
	rb_us now;
	int64_t pkt_ns; /* the packet being decoded: its time, and in µs */
	rb_us pkt_t;
	struct sipmsg msg; /* ~5 KB: one, reused */
};

rb_us anl_ns_to_us(int64_t ns)
{
	rb_us q = ns / 1000;
	if (ns % 1000 < 0)
		q--;
	return q;
}

static bool only_crlf(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != '\r' && b[i] != '\n')
			return false;
	return true;
}

/*
 * One message: the fast scan (sipmsg_scan_call: an INVITE whole, another
 * message up to its From, To, Call-ID and CSeq, all dlg_track reads of
 * it), or for a message it leaves to the full parse, the probe and the
 * lenient parse, with the same counts either way (not SIP, malformed).
 */
static void sip(struct anl *a, const struct pkt_l4 *p, const char *b, size_t n)
{
	int r = sipmsg_scan_call(&a->msg, b, n); /* what dlg_track reads */
	if (r == EAGAIN) {
		if (!sipmsg_probe(b, n))
			r = ENOENT;
		else if (sipmsg_parse(&a->msg, b, n, SIPMSG_LENIENT) != 0)
			r = EBADMSG;
		else
			r = 0;
	}
	if (r == ENOENT) {
		a->st->n[ASKIP_NOT_SIP]++;
		return;
	}
	if (r != 0) {
		a->st->n[ASKIP_SIP_MALFORMED]++;
		return;
	}
	a->st->sip_messages++;
	/* (a TCP message may carry an earlier segment's time) */
	rb_us t = p->ts_ns == a->pkt_ns ? a->pkt_t : anl_ns_to_us(p->ts_ns - a->t0_ns);
	int tr = dlg_track(a->dlg, &a->msg, t, p);
	if (tr != 1)
		a->st->n[ASKIP_SIP_NO_CALL]++;
}

static void on_tcp_msg(const struct pkt_l4 *seg, const char *msg, size_t len, void *arg)
{
	sip(arg, seg, msg, len);
}

static void on_l4(const struct pkt_l4 *p, void *arg)
{
	struct anl *a = arg;
	if (p->proto == 6) {
		tcpre_segment(a->tr, p);
		return;
	}
	if (p->len == 0)
		return;
	if (only_crlf(p->data, p->len)) {
		a->st->n[ASKIP_KEEPALIVE]++;
		return;
	}
	sip(a, p, (const char *)p->data, p->len);
}

struct anl *anl_new(struct astats *st, const struct dlg_hooks *hooks)
{
	struct anl *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->st = st;
	a->now = RB_T_NONE;
	a->pd = pktdec_new(st, on_l4, a);
	a->tr = tcpre_new(st, on_tcp_msg, a);
	a->dlg = dlg_new(hooks);
	if (!a->pd || !a->tr || !a->dlg) {
		anl_free(a);
		return NULL;
	}
	return a;
}

void anl_packet(struct anl *a, const struct cap_pkt *p, int64_t t0_ns)
{
	a->t0_ns = t0_ns;
	rb_us t = anl_ns_to_us(p->ts_ns - t0_ns);
	a->pkt_ns = p->ts_ns;
	a->pkt_t = t;
	if (a->now == RB_T_NONE || t > a->now) {
		a->now = t;
		dlg_tick(a->dlg, t);
	}
	if (!a->pd)
		return; /* after anl_finish */
	pktdec_packet(a->pd, p->dlt, p->ts_ns, p->data, p->caplen);
}

void anl_finish(struct anl *a)
{
	/* Freeing counts what never completed (fragments, stream tails). */
	pktdec_free(a->pd);
	a->pd = NULL;
	tcpre_free(a->tr);
	a->tr = NULL;
	dlg_flush(a->dlg, a->now == RB_T_NONE ? 0 : a->now);
}

void anl_free(struct anl *a)
{
	if (!a)
		return;
	pktdec_free(a->pd);
	tcpre_free(a->tr);
	dlg_free(a->dlg);
	free(a);
}

rb_us anl_last_time(const struct anl *a)
{
	return a->now;
}
