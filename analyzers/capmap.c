/*
 * capmap: a sliding read-only window over a file, SIGBUS-safe; see capmap.h.
 *
 * Why zero pages and not siglongjmp: the reader hands out pointers into the
 * window, and the bytes are read (the SIP scan...) after it has returned,
 * so a fault can come from anywhere in the analysis, where no jump target
 * could be kept up to date and a jump would leave tables half changed.
 * Mapping anonymous zero pages over the faulting page and the rest of the
 * window lets the faulting load finish (it reads zeros); the flag tells the
 * reader, which ends the file as one cut short is ended (capture.c).
 *
 * The handler finds the window by the fault address among 64 slots whose
 * bounds are atomics (lock-free: safe to read in a handler); a slot's
 * bounds are cleared before its window is unmapped and set after the new
 * one is mapped. mmap() is not on POSIX's list of async-signal-safe
 * functions, but it is a plain system call on Linux that touches no libc
 * state (as the JVMs' and databases' SIGBUS handlers rely on too).
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MADV_SEQUENTIAL */
#include "capmap.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NSLOT 64

struct slot {
	atomic_uintptr_t lo, hi; /* the window's bytes [lo, hi); hi 0: none */
	volatile sig_atomic_t hit;
	atomic_int used;
};

static struct slot g_slot[NSLOT];
static struct sigaction g_old; /* the SIGBUS action before ours */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static bool g_installed;
static uintptr_t g_page; /* the page size, read before the handler may run */

struct capmap {
	int fd;
	struct slot *sl;
	uint8_t *base; /* the window's first byte, or NULL */
	size_t wlen;   /* its mapped length */
	int64_t woff;  /* its file offset (page-aligned) */
	size_t page;
};

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	int e = errno;
	uintptr_t a = (uintptr_t)si->si_addr;
	uintptr_t pg = g_page;
	for (int i = 0; i < NSLOT; i++) {
		struct slot *s = &g_slot[i];
		uintptr_t lo = atomic_load(&s->lo), hi = atomic_load(&s->hi);
		if (a < lo || a >= hi)
			continue;
		uintptr_t from = a & ~(pg - 1);
		void *z = mmap((void *)from, hi - from, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (z == MAP_FAILED)
			break; /* cannot go on: the old action decides */
		s->hit = 1;
		errno = e;
		return; /* the load is tried again, and reads a zero */
	}
	/* Not ours: the action there was before takes the same fault again
	 * (by default the process dies); one sent by kill() is sent again. */
	sigaction(SIGBUS, &g_old, NULL);
	if (si->si_code <= 0)
		raise(sig);
	(void)uc;
	errno = e;
}

static void install(void)
{
	g_page = (uintptr_t)sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	g_installed = sigaction(SIGBUS, &sa, &g_old) == 0;
}

struct capmap *capmap_new(int fd)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	pthread_once(&g_once, install);
	if (!g_installed)
		return NULL;
	struct slot *sl = NULL;
	for (int i = 0; i < NSLOT && !sl; i++) {
		int z = 0;
		if (atomic_compare_exchange_strong(&g_slot[i].used, &z, 1))
			sl = &g_slot[i];
	}
	if (!sl)
		return NULL;
	struct capmap *m = calloc(1, sizeof(*m));
	if (!m) {
		atomic_store(&sl->used, 0);
		return NULL;
	}
	atomic_store(&sl->hi, 0);
	atomic_store(&sl->lo, 0);
	sl->hit = 0;
	m->fd = fd;
	m->sl = sl;
	m->page = (size_t)sysconf(_SC_PAGESIZE);
	return m;
}

static void unmap(struct capmap *m)
{
	if (!m->base)
		return;
	atomic_store(&m->sl->hi, 0); /* before: no fault may find a stale window */
	atomic_store(&m->sl->lo, 0);
	munmap(m->base, m->wlen);
	m->base = NULL;
	m->wlen = 0;
}

size_t capmap_view(struct capmap *m, int64_t off, const uint8_t **p)
{
	if (m->sl->hit)
		return (size_t)-1;
	struct stat st;
	if (off < 0 || fstat(m->fd, &st) != 0)
		return (size_t)-1;
	int64_t woff = off & ~(int64_t)(m->page - 1);
	if (off >= st.st_size) {
		*p = NULL;
		return 0;
	}
	size_t len = (size_t)(st.st_size - woff);
	if (len > CAPMAP_WINDOW)
		len = CAPMAP_WINDOW;
	if (!m->base || woff != m->woff || len != m->wlen) {
		unmap(m);
		/* populated at once: one call maps the window's pages, where
		 * faulting them in 64 KiB at a time took tens of thousands */
		void *b = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, m->fd, (off_t)woff);
		if (b == MAP_FAILED)
			return (size_t)-1;
		madvise(b, len, MADV_SEQUENTIAL); /* read ahead, early reclaim */
		m->base = b;
		m->wlen = len;
		m->woff = woff;
		atomic_store(&m->sl->lo, (uintptr_t)b);
		atomic_store(&m->sl->hi, (uintptr_t)b + len);
	}
	*p = m->base + (off - woff);
	return len - (size_t)(off - woff);
}

const volatile sig_atomic_t *capmap_flag(const struct capmap *m)
{
	return &m->sl->hit;
}

void capmap_free(struct capmap *m)
{
	if (!m)
		return;
	unmap(m);
	m->sl->hit = 0;
	atomic_store(&m->sl->used, 0);
	free(m);
}
