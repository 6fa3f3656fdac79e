/*
 * scn: the scenario loader. The issue's example loads with the right values,
 * every shipped scenario loads, defaults, each distribution, and every bad
 * input in tests/data/scn/ is refused with its exact "file:line:col: message".
 */
#define _GNU_SOURCE /* dladdr, Dl_info */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"

/*
 * Out-of-memory injection (SQLite's habit): this program replaces malloc,
 * calloc, realloc and free (glibc allows it; its own calls then come here
 * too) to make the N-th allocation fail and to count live blocks. Not under
 * AddressSanitizer, which owns the allocator there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define RB_NO_MALLOC_WRAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RB_NO_MALLOC_WRAP 1
#endif
#endif

#ifndef RB_NO_MALLOC_WRAP
#include <dlfcn.h>
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t k);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static long fail_at = -1; /* allocations left before the one that fails; -1 never */
static long live;         /* blocks allocated and not yet freed */
static volatile int ours; /* set by our malloc: false under valgrind, which replaces it */

static bool spare_crypto; /* never fail (nor count) OpenSSL's own allocations */

/* Whether the allocation called from caller is libcrypto's. */
static bool from_crypto(void *caller)
{
	Dl_info di;
	return dladdr(caller, &di) && di.dli_fname && strstr(di.dli_fname, "libcrypto");
}

static int fail_now_from(void *caller)
{
	ours = 1;
	if (fail_at < 0)
		return 0;
	/* OpenSSL keeps caches and an error queue of its own when one of its
	 * allocations fails (blocks that stay, its business, not a leak of ours). */
	if (spare_crypto && from_crypto(caller))
		return 0;
	if (fail_at-- != 0)
		return 0;
	errno = ENOMEM; /* as the real allocator does (fopen's caller reads it) */
	return 1;
}
#define fail_now() fail_now_from(__builtin_return_address(0))

void *malloc(size_t n)
{
	void *p = fail_now() ? NULL : __libc_malloc(n);

	live += p != NULL;
	return p;
}

void *calloc(size_t n, size_t k)
{
	void *p = fail_now() ? NULL : __libc_calloc(n, k);

	live += p != NULL;
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p;

	if (old && n == 0) {
		live--;
		return __libc_realloc(old, 0);
	}
	p = fail_now() ? NULL : __libc_realloc(old, n);
	live += p && !old;
	return p;
}

void free(void *p)
{
	live -= p != NULL;
	__libc_free(p);
}
#endif

#define SCN_DIR RB_SOURCE_DIR "/scenarios/"
#define BAD_DIR RB_SOURCE_DIR "/tests/data/scn/"

/* A minimal valid scenario to build variations on (and its sha256sum). */
#define MINI                                                                                       \
	"center: {operators: 1}\n"                                                                 \
	"tenants: [{id: a, number: \"1\"}]\n"                                                      \
	"callers: {talk_s: 60}\n"                                                                  \
	"load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n"
#define MINI_SHA256 "e0f767b42c8370c571f75f4731625d63941041ce4617951dd071d92fedd8b74f"

static struct scenario *load_ok(const char *path)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int rc = scn_load(path, &s, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s: rc %d: %s", path, rc, err);
	ck_assert_ptr_nonnull(s);
	return s;
}

static struct scenario *string_ok(const char *text)
{
	struct scenario *s = NULL;
	char err[512] = "";
	int rc = scn_load_string(text, strlen(text), "t.yaml", &s, err, sizeof(err));

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	return s;
}

/* Loading text fails with EINVAL and exactly "t.yaml:" msg; *out untouched. */
static void string_bad(const char *text, const char *msg)
{
	struct scenario *s = (struct scenario *)&s; /* a sentinel */
	char err[512] = "", want[512];
	int rc = scn_load_string(text, strlen(text), "t.yaml", &s, err, sizeof(err));

	snprintf(want, sizeof(want), "t.yaml:%s", msg);
	ck_assert_int_eq(rc, EINVAL);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_eq(s, (struct scenario *)&s);
}

/* The example's center: staff, pick-up, backup, wrap-up. */
static void example_center(const struct scenario *s)
{
	const struct scn_center *c = &s->center;

	ck_assert_str_eq(s->name, "morning-burst");
	ck_assert(s->ring_period == 3000000);
	ck_assert_int_eq(c->operators, 12);
	ck_assert_int_eq(c->n_floors, 1);
	ck_assert_int_eq(c->floor_ops[0], 12);
	ck_assert_int_eq(c->pickup.kind, RV_UNIFORM);
	ck_assert(c->pickup.a == 2 && c->pickup.b == 6);
	ck_assert_int_eq(c->backup, 3);
	ck_assert_int_eq(c->join_after_rings, 2);
	ck_assert_int_eq(c->backup_pickup.kind, RV_UNIFORM);
	ck_assert(c->backup_pickup.a == 1 && c->backup_pickup.b == 4);
	ck_assert_int_eq(c->wrapup.kind, RV_LOGNORMAL);
	ck_assert(c->wrapup.a == 40 && c->wrapup.b == 15);
	ck_assert_double_eq_tol(exp(c->wrapup.mu + c->wrapup.sigma * c->wrapup.sigma / 2), 40,
				1e-9);
}

/* Its tenants: numbers, names, forwarding, mobile disclosure, shares. */
static void example_tenants(const struct scenario *s)
{
	ck_assert_uint_eq(s->n_tenants, 2);
	ck_assert_str_eq(s->tenants[0].id, "acme");
	ck_assert_str_eq(s->tenants[0].number, "0312345678");
	ck_assert_str_eq(s->tenants[0].name, "株式会社アクメ");
	ck_assert(s->tenants[0].share == 0.6);
	ck_assert_int_eq(s->tenants[0].forwarding, FWD_UNCONDITIONAL);
	ck_assert(s->tenants[0].no_answer == 0);
	ck_assert_int_eq(s->tenants[0].mobile, MOBILE_NONE);
	ck_assert_str_eq(s->tenants[1].id, "beta");
	ck_assert_str_eq(s->tenants[1].name, "ベータ商事");
	ck_assert_int_eq(s->tenants[1].forwarding, FWD_NO_ANSWER);
	ck_assert(s->tenants[1].no_answer == 15000000);
	ck_assert_int_eq(s->tenants[1].mobile, MOBILE_ANY);
	ck_assert_ptr_null(s->tenants[1].mobile_number);
	ck_assert_ptr_null(s->tenants[1].report_to);
	ck_assert(s->tenant_cum[0] == 0.6 && s->tenant_cum[1] == 1.0);
}

/* Its callers: patience, redials, caller types and their shares. */
static void example_callers(const struct scenario *s)
{
	ck_assert_int_eq(s->callers.patience.kind, RV_EXPONENTIAL);
	ck_assert(s->callers.patience.a == 40);
	ck_assert(s->callers.redial);
	ck_assert(s->callers.redial_prob == 0.3);
	ck_assert_int_eq(s->callers.redial_after.kind, RV_EXPONENTIAL);
	ck_assert(s->callers.redial_after.a == 120);
	ck_assert_uint_eq(s->callers.n_types, 4);
	ck_assert_str_eq(s->callers.types[0].name, "inquiry");
	ck_assert_str_eq(s->callers.types[1].name, "sales");
	ck_assert_str_eq(s->callers.types[2].name, "court");
	ck_assert_str_eq(s->callers.types[3].name, "no_callback");
	ck_assert(s->callers.types[1].screen_prob == 0.8);
	ck_assert_int_eq(s->callers.types[1].screened_talk.kind, RV_FIXED);
	ck_assert(s->callers.types[1].screened_talk.a == 20);
	ck_assert(s->callers.types[0].screen_prob == 0);
	ck_assert(!s->callers.types[0].refuses_callback);
	ck_assert(s->callers.types[3].refuses_callback); /* by its name */
	ck_assert(s->callers.types[2].talk.a == 300 && s->callers.types[2].talk.b == 120);
	ck_assert_double_eq_tol(s->callers.type_cum[0], 0.62, 1e-15);
	ck_assert_double_eq_tol(s->callers.type_cum[1], 0.87, 1e-15);
	ck_assert_double_eq_tol(s->callers.type_cum[2], 0.92, 1e-15);
	ck_assert(s->callers.type_cum[3] == 1.0);
}

/* Its load: two phases, the peak's staffing and bursts. */
static void example_load(const struct scenario *s)
{
	ck_assert_uint_eq(s->n_phases, 2);
	ck_assert_str_eq(s->phases[0].name, "normal");
	ck_assert(s->phases[0].start == 0 && s->phases[0].duration == 3600 * RB_US_PER_S);
	ck_assert_double_eq_tol(s->phases[0].rate_per_s, 4.0 / 60, 1e-15);
	ck_assert_int_eq(s->phases[0].operators, -1);
	ck_assert_int_eq(s->phases[0].backup, -1);
	ck_assert_ptr_null(s->phases[0].floor_ops);
	ck_assert_str_eq(s->phases[1].name, "peak");
	ck_assert(s->phases[1].start == 3600 * RB_US_PER_S);
	ck_assert(s->phases[1].duration == 900 * RB_US_PER_S);
	ck_assert_double_eq_tol(s->phases[1].rate_per_s, 10.0 / 60, 1e-15);
	ck_assert_int_eq(s->phases[1].operators, 14);
	ck_assert_uint_eq(s->phases[1].n_bursts, 2);
	ck_assert(s->phases[1].bursts[0].at == 120 * RB_US_PER_S);
	ck_assert(s->phases[1].bursts[0].within == 5 * RB_US_PER_S);
	ck_assert_int_eq(s->phases[1].bursts[0].calls, 20);
	ck_assert(s->phases[1].bursts[1].at == 600 * RB_US_PER_S);
	ck_assert(s->phases[1].bursts[1].within == 0);
	ck_assert_int_eq(s->phases[1].bursts[1].calls, 30);
	ck_assert(s->end == 4500 * RB_US_PER_S);
}

/* Its targets: per phase and over the whole run. */
static void example_targets(const struct scenario *s)
{
	ck_assert_uint_eq(s->n_targets, 3);
	ck_assert_int_eq(s->targets[0].kind, TARGET_RINGS);
	ck_assert_str_eq(s->targets[0].phase, "normal");
	ck_assert_int_eq(s->targets[0].phase_idx, 0);
	ck_assert_int_eq(s->targets[0].rings, 3);
	ck_assert(s->targets[0].min == 0.95);
	ck_assert_int_eq(s->targets[0].measure, MEASURE_SLA);
	ck_assert_int_eq(s->targets[0].count, COUNT_CENTER);
	ck_assert_int_eq(s->targets[1].phase_idx, 1);
	ck_assert_int_eq(s->targets[1].rings, 5);
	ck_assert_int_eq(s->targets[2].kind, TARGET_ABANDON_MAX);
	ck_assert_int_eq(s->targets[2].phase_idx, -1);
	ck_assert_ptr_null(s->targets[2].phase);
	ck_assert(s->targets[2].max == 0.05);
}

/* Its run settings and the file's hash. */
static void example_run(const struct scenario *s)
{
	ck_assert(s->run.seed == 1);
	ck_assert_int_eq(s->run.replications, 10);
	ck_assert(s->run.warmup == 0);
	ck_assert_int_eq((int)strlen(s->sha256), 64);
}

START_TEST(test_issue_example_loads_as_written)
{
	struct scenario *s = load_ok(SCN_DIR "morning-burst.yaml");

	example_center(s);
	example_tenants(s);
	example_callers(s);
	example_load(s);
	example_targets(s);
	example_run(s);
	scn_free(s);
}
END_TEST

START_TEST(test_shipped_scenarios_load)
{
	struct scenario *s = load_ok(SCN_DIR "erlang-a.yaml");

	ck_assert_int_eq(s->center.operators, 20);
	ck_assert_uint_eq(s->n_tenants, 1);
	ck_assert_int_eq(s->tenants[0].forwarding, FWD_UNCONDITIONAL);
	ck_assert_uint_eq(s->callers.n_types, 1);
	ck_assert_int_eq(s->callers.types[0].talk.kind, RV_EXPONENTIAL);
	ck_assert(s->callers.types[0].talk.a == 120);
	ck_assert(s->callers.types[0].screen_prob == 0);
	ck_assert_int_eq(s->callers.patience.kind, RV_EXPONENTIAL);
	ck_assert(s->callers.patience.a == 60);
	ck_assert(!s->callers.redial);
	ck_assert_int_eq(s->center.backup, 0);
	ck_assert(rv_mean(&s->center.pickup) == 0 && rv_mean(&s->center.wrapup) == 0);
	ck_assert_double_eq_tol(s->phases[0].rate_per_s, 9.0 / 60, 1e-15);
	ck_assert(s->run.warmup == 600 * RB_US_PER_S);
	ck_assert(s->end - s->run.warmup == 7200 * RB_US_PER_S); /* two counted hours */
	ck_assert_int_eq(s->run.replications, 20);
	scn_free(s);

	s = load_ok(SCN_DIR "split-floors.yaml");
	ck_assert_int_eq(s->center.operators, 12);
	ck_assert_int_eq(s->center.n_floors, 2);
	ck_assert_int_eq(s->center.floor_ops[0], 6);
	ck_assert_int_eq(s->center.floor_ops[1], 6);
	ck_assert_int_eq(s->tenants[0].floor, 0);
	ck_assert_int_eq(s->tenants[1].floor, 1);
	ck_assert(s->tenants[0].share != s->tenants[1].share);
	scn_free(s);

	s = load_ok(SCN_DIR "ring-no-answer.yaml");
	ck_assert(s->center.phone.ring_timeout == 15 * RB_US_PER_S);
	ck_assert(s->center.phone.no_answer == 0.1);
	ck_assert(s->center.phone.not_ready == 30 * RB_US_PER_S);
	ck_assert(s->center.backup_phone.ring_timeout == 15 * RB_US_PER_S); /* as the operators' */
	scn_free(s);

	s = load_ok(SCN_DIR "quick.yaml");
	ck_assert(s->end <= 15 * 60 * RB_US_PER_S);
	ck_assert_uint_eq(s->n_phases, 2);
	ck_assert_uint_eq(s->phases[1].n_bursts, 1);
	scn_free(s);
}
END_TEST

START_TEST(test_defaults)
{
	struct scenario *s = string_ok(MINI);

	ck_assert_str_eq(s->name, "t");
	ck_assert_str_eq(s->path, "t.yaml");
	ck_assert_str_eq(s->sha256, MINI_SHA256);
	ck_assert_ptr_null(s->description);
	ck_assert(s->ring_period == 3 * RB_US_PER_S);
	ck_assert_int_eq(s->center.pickup.kind, RV_FIXED);
	ck_assert(s->center.pickup.a == 0);
	ck_assert_int_eq(s->center.backup, 0);
	ck_assert_int_eq(s->center.wrapup.kind, RV_FIXED);
	ck_assert(s->center.wrapup.a == 0);
	ck_assert_int_eq(s->center.n_floors, 1);
	ck_assert_int_eq(s->tenants[0].floor, 0);
	ck_assert(s->tenants[0].share == 1.0 && s->tenant_cum[0] == 1.0);
	ck_assert_int_eq(s->tenants[0].forwarding, FWD_UNCONDITIONAL);
	ck_assert_ptr_null(s->tenants[0].name);
	ck_assert_int_eq(s->callers.patience.kind, RV_NEVER);
	ck_assert(!s->callers.redial);
	ck_assert_uint_eq(s->callers.n_types, 1);
	ck_assert_str_eq(s->callers.types[0].name, "inquiry");
	ck_assert(s->callers.types[0].talk.a == 60 && s->callers.type_cum[0] == 1.0);
	ck_assert(!s->callers.types[0].refuses_callback);
	ck_assert_uint_eq(s->n_targets, 0);
	ck_assert(s->run.seed == 1);
	ck_assert_int_eq(s->run.replications, 1);
	ck_assert(s->run.warmup == 0);
	ck_assert_str_eq(s->server.delivery, "maildir");
	ck_assert_int_eq(s->server.smtp_port, 25);
	ck_assert_ptr_null(s->server.admin);
	ck_assert_str_eq(s->server.timezone, "Asia/Tokyo"); /* the service's country */
	scn_free(s);
}
END_TEST

/* {weibull: {shape, scale}}: its parameters checked, its keys its own. */
START_TEST(test_weibull_errors)
{
	string_bad("center: {operators: 1, pickup_s: {weibull: {shape: 0, scale: 3}}}\n",
		   "1:44: a weibull shape must be between 0.05 and 1000");
	string_bad("center: {operators: 1, pickup_s: {weibull: {shape: 2, mean: 3}}}\n",
		   "1:55: unknown key 'mean' in weibull (shape, scale) (expected one of: shape, scale)");
}
END_TEST

START_TEST(test_every_distribution)
{
	struct scenario *s = string_ok(
	    "center:\n"
	    "  operators: 2\n"
	    "  pickup_s: 1.5\n"
	    "  wrapup_s: {fixed: 5}\n"
	    "  backup: {staff: 1, join_after_rings: 0}\n"
	    "tenants: [{id: a, number: \"1\"}]\n"
	    "callers:\n"
	    "  patience_s: {never: true}\n"
	    "  redial: {prob: 0.5, after_s: {erlang: {k: 3, mean: 30}}}\n"
	    "  types:\n"
	    "    a: {share: 0.25, talk_s: {normal: {mean: 100, sd: 20}},\n"
	    "        screen_prob: 0.5, screened_talk_s: {weibull: {shape: 1.5, scale: 40}}}\n"
	    "    b: {share: 0.25, talk_s: {gamma: {mean: 60, sd: 30}}, refuses_callback: yes}\n"
	    "    c: {share: 0.25, talk_s: {empirical: [10, 20, 60]}}\n"
	    "    d: {share: 0.25, talk_s: {uniform: [5, 15]}, screen_prob: 1,\n"
	    "        screened_talk_s: {lognormal: {mean: 20, sd: 5}}}\n"
	    "load: [{phase: p, duration_s: 60, rate_per_hour: 36}]\n");

	ck_assert_int_eq(s->center.pickup.kind, RV_FIXED);
	ck_assert(s->center.pickup.a == 1.5);
	ck_assert(s->center.wrapup.a == 5);
	ck_assert_int_eq(s->center.join_after_rings, 0);
	/* backup pick-up defaults to the operators' */
	ck_assert(s->center.backup_pickup.kind == RV_FIXED && s->center.backup_pickup.a == 1.5);
	ck_assert_int_eq(s->callers.patience.kind, RV_NEVER);
	ck_assert_int_eq(s->callers.redial_after.kind, RV_ERLANG);
	ck_assert(s->callers.redial_after.shape == 3 && s->callers.redial_after.scale == 10);
	ck_assert_int_eq(s->callers.types[0].talk.kind, RV_NORMAL);
	ck_assert_int_eq(s->callers.types[0].screened_talk.kind, RV_WEIBULL);
	ck_assert(s->callers.types[0].screened_talk.shape == 1.5 &&
		  s->callers.types[0].screened_talk.scale == 40);
	/* scale Gamma(1 + 1/k): 40 Gamma(5/3) = 36.10981... */
	ck_assert_double_eq_tol(rv_mean(&s->callers.types[0].screened_talk), 36.109815, 1e-5);
	ck_assert_int_eq(s->callers.types[1].talk.kind, RV_GAMMA);
	ck_assert_double_eq_tol(s->callers.types[1].talk.shape, 4, 1e-12);
	ck_assert(s->callers.types[1].refuses_callback);
	ck_assert_int_eq(s->callers.types[2].talk.kind, RV_EMPIRICAL);
	ck_assert_uint_eq(s->callers.types[2].talk.n, 3);
	ck_assert_double_eq_tol(rv_mean(&s->callers.types[2].talk), 30, 1e-12);
	ck_assert_int_eq(s->callers.types[3].talk.kind, RV_UNIFORM);
	ck_assert_int_eq(s->callers.types[3].screened_talk.kind, RV_LOGNORMAL);
	ck_assert_double_eq_tol(s->phases[0].rate_per_s, 0.01, 1e-15);
	scn_free(s);
}
END_TEST

START_TEST(test_empirical_csv_relative_to_the_scenario)
{
	struct scenario *s = load_ok(BAD_DIR "good-empirical-csv.yaml");
	const struct rv_dist *d = &s->callers.types[0].talk;

	/* header, blank line and comment skipped; first column only */
	ck_assert_int_eq(d->kind, RV_EMPIRICAL);
	ck_assert_uint_eq(d->n, 3);
	ck_assert(d->values[0] == 30 && d->values[1] == 60 && d->values[2] == 90);
	ck_assert(s->phases[0].rate_per_s == 0.5);
	scn_free(s);
}
END_TEST

START_TEST(test_floors_defaults_and_phase_split)
{
	struct scenario *s =
	    string_ok("center: {operators: 12, layout: {floors: [8, 4]}}\n"
		      "tenants:\n"
		      "  - {id: a, number: \"1\", share: 0.5}\n"
		      "  - {id: b, number: \"2\", share: 0.25}\n"
		      "  - {id: c, number: \"3\", share: 0.25}\n"
		      "callers: {talk_s: 60}\n"
		      "load:\n"
		      "  - {phase: p, duration_s: 60, rate_per_min: 1, operators: 6}\n"
		      "  - {phase: q, duration_s: 60, rate_per_min: 1, floors: [1, 2], backup: 4}\n"
		      "  - {phase: r, duration_s: 60, rate_per_min: 1, operators: 7}\n");

	/* floor: position modulo the number of floors */
	ck_assert_int_eq(s->tenants[0].floor, 0);
	ck_assert_int_eq(s->tenants[1].floor, 1);
	ck_assert_int_eq(s->tenants[2].floor, 0);
	/* a phase's total split like the center (8:4) */
	ck_assert_int_eq(s->phases[0].floor_ops[0], 4);
	ck_assert_int_eq(s->phases[0].floor_ops[1], 2);
	ck_assert_int_eq(s->phases[1].operators, 3);
	ck_assert_int_eq(s->phases[1].floor_ops[0], 1);
	ck_assert_int_eq(s->phases[1].floor_ops[1], 2);
	ck_assert_int_eq(s->phases[1].backup, 4);
	/* 7 * 8/12 = 4.67, 7 * 4/12 = 2.33: largest remainder gives 5 + 2 */
	ck_assert_int_eq(s->phases[2].floor_ops[0], 5);
	ck_assert_int_eq(s->phases[2].floor_ops[1], 2);
	ck_assert(s->phases[2].start == 120 * RB_US_PER_S);
	scn_free(s);
}
END_TEST

START_TEST(test_server_and_tenant_extras)
{
	struct scenario *s = string_ok(
	    "name: srv\n"
	    "description: a test\n" MINI "server:\n"
	    "  delivery: smtp\n"
	    "  smtp: {host: 127.0.0.1, port: 2525, starttls: true, from: rb@example.org}\n"
	    "  refused_labels: [help desk, hotline]\n"
	    "  admin: off\n"
	    "  admin_email: ops@example.org\n"
	    "  timezone: Europe/London\n");

	ck_assert_str_eq(s->name, "srv");
	ck_assert_str_eq(s->server.timezone, "Europe/London");
	ck_assert_str_eq(s->description, "a test");
	ck_assert_str_eq(s->server.delivery, "smtp");
	ck_assert_str_eq(s->server.smtp_host, "127.0.0.1");
	ck_assert_int_eq(s->server.smtp_port, 2525);
	ck_assert(s->server.smtp_starttls);
	ck_assert_str_eq(s->server.smtp_from, "rb@example.org");
	ck_assert_uint_eq(s->server.n_refused_labels, 2);
	ck_assert_str_eq(s->server.refused_labels[1], "hotline");
	ck_assert_str_eq(s->server.admin, "off");
	ck_assert_str_eq(s->server.admin_email, "ops@example.org");
	scn_free(s);

	s = string_ok(
	    "center: {operators: 1}\n"
	    "tenants: [{id: a, number: \"1\", mobile_disclosure: {listed: [\"0901\", \"0902\"]},\n"
	    "           mobile_number: \"09011112222\", report_to: a@example.org}]\n"
	    "callers: {talk_s: 60}\n"
	    "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n"
	    "server: {admin: \"127.0.0.1:8080\"}\n");
	ck_assert_int_eq(s->tenants[0].mobile, MOBILE_LISTED);
	ck_assert_uint_eq(s->tenants[0].n_listed, 2);
	ck_assert_str_eq(s->tenants[0].listed[1], "0902");
	ck_assert_str_eq(s->tenants[0].mobile_number, "09011112222");
	ck_assert_str_eq(s->tenants[0].report_to, "a@example.org");
	ck_assert_str_eq(s->server.admin, "127.0.0.1:8080");
	scn_free(s);
}
END_TEST

START_TEST(test_shares_within_1e9_accepted_last_cum_exactly_one)
{
	struct scenario *s = string_ok("center: {operators: 1}\n"
				       "tenants:\n"
				       "  - {id: a, number: \"1\", share: 0.1}\n"
				       "  - {id: b, number: \"2\", share: 0.2}\n"
				       "  - {id: c, number: \"3\", share: 0.3}\n"
				       "  - {id: d, number: \"4\", share: 0.4000000001}\n"
				       "callers: {talk_s: 60}\n"
				       "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n");

	ck_assert(s->tenant_cum[3] == 1.0);
	ck_assert(s->tenant_cum[0] < s->tenant_cum[1] && s->tenant_cum[1] < s->tenant_cum[2]);
	scn_free(s);
}
END_TEST

START_TEST(test_lookups)
{
	struct scenario *s = load_ok(SCN_DIR "morning-burst.yaml");

	ck_assert_int_eq(scn_phase_index(s, "peak"), 1);
	ck_assert_int_eq(scn_phase_index(s, "lunch"), -1);
	ck_assert_int_eq(scn_phase_at(s, 0), 0);
	ck_assert_int_eq(scn_phase_at(s, 3600 * RB_US_PER_S - 1), 0);
	ck_assert_int_eq(scn_phase_at(s, 3600 * RB_US_PER_S), 1); /* starts at its start */
	ck_assert_int_eq(scn_phase_at(s, 4500 * RB_US_PER_S - 1), 1);
	ck_assert_int_eq(scn_phase_at(s, 4500 * RB_US_PER_S), -1); /* past the end */
	ck_assert_int_eq(scn_phase_at(s, -1), -1);
	ck_assert_int_eq(scn_tenant_by_number(s, "0398765432"), 1);
	ck_assert_int_eq(scn_tenant_by_number(s, "0300000000"), -1);
	ck_assert_int_eq(scn_tenant_by_id(s, "acme"), 0);
	ck_assert_int_eq(scn_tenant_by_id(s, "gamma"), -1);
	scn_free(s);
}
END_TEST

START_TEST(test_target_parse)
{
	struct scn_target t;

	ck_assert_int_eq(scn_target_parse("3:0.95", NULL, &t, NULL, 0), 0);
	ck_assert_int_eq(t.kind, TARGET_RINGS);
	ck_assert_int_eq(t.rings, 3);
	ck_assert(t.min == 0.95);
	ck_assert_int_eq(t.measure, MEASURE_SLA);
	ck_assert_int_eq(t.count, COUNT_CENTER);
	ck_assert_int_eq(t.phase_idx, -1);
	ck_assert_ptr_null(t.phase);
	ck_assert_int_eq(scn_target_parse("10:1", NULL, &t, NULL, 0), 0);
	ck_assert_int_eq(t.rings, 10);
	ck_assert_int_eq(scn_target_parse("0:0.9", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("11:0.9", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("3", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("3:", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("3:1.5", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("3:-0.5", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("x:0.9", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("3:0.9x", NULL, &t, NULL, 0), EINVAL);
	ck_assert_int_eq(scn_target_parse("-3:0.9", NULL, &t, NULL, 0), EINVAL);
}
END_TEST

/* Each file in tests/data/scn/ and the exact message it must give. */
static const struct {
	const char *file, *msg;
} bad[] = {
    {"unknown-key.yaml", "2:3: unknown key 'operater' (did you mean 'operators'?)"},
    {"wrong-type.yaml", "2:14: expected a number, got 'abc'"},
    {"negative-rate.yaml", "8:53: rate_per_min must be >= 0, got -4; a phase without calls has "
			   "rate_per_min: 0"},
    {"zero-no-answer.yaml", "4:64: no_answer_s must be > 0 seconds, got 0; for calls that reach "
			    "the center at once, use `forwarding: unconditional`"},
    {"zero-duration.yaml", "8:33: duration_s must be > 0 seconds, got 0"},
    {"shares-sum.yaml", "4:3: tenant shares sum to 0.9, not 1 (shares are never normalised)"},
    {"type-shares-sum.yaml",
     "7:5: caller type shares sum to 0.87, not 1 (shares are never normalised)"},
    {"burst-outside.yaml",
     "9:100: burst at 898 s within 5 s ends outside its phase 'peak' (duration 900 s): "
     "expected at_s + within_s <= duration_s and at_s < duration_s"},
    {"duplicate-phase.yaml", "9:13: duplicate phase name 'normal'"},
    {"duplicate-tenant-id.yaml", "5:10: duplicate tenant id 'acme'"},
    {"duplicate-tenant-number.yaml",
     "5:24: duplicate tenant number '0312345678' (also tenant 'acme')"},
    {"target-phase-unknown.yaml", "10:13: unknown phase 'nromal' (not in load)"},
    {"rings-range.yaml", "10:28: rings must be <= 10, got 11"},
    {"floor-range.yaml", "6:57: floor 2, but center.layout has floors 0..1 only"},
    {"floors-sum.yaml", "2:14: operators is 12 but the floors of center.layout add up to 10"},
    {"missing-operators.yaml", "2:3: missing key 'operators' (how many operators)"},
    {"missing-tenants.yaml", "1:1: missing key 'tenants' (the numbers called)"},
    {"missing-load.yaml", "1:1: missing key 'load' (the phases)"},
    {"invalid-yaml.yaml", "5:1: invalid YAML: did not find expected ',' or '}' "
			  "(while parsing a flow mapping that starts at 4:5)"},
    {"bad-distribution.yaml", "3:25: sd must be > 0"},
    {"unknown-distribution.yaml", "6:12: unknown distribution 'exponental' (did you mean "
				  "'exponential'?)"},
    {"empirical-csv-missing.yaml",
     "6:27: cannot read '" BAD_DIR "no-such-talk-times.csv': No such file or directory"},
    {"abandon-mixed.yaml", "10:5: a target is one of {rings, min, measure, count}, "
			   "{abandon_max} or {abandon_before_forward_max}"},
    {"warmup-too-long.yaml", "9:17: warmup_s (3600 s) must be shorter than the load (3600 s); "
			     "shorten warmup_s, or lengthen the phases' duration_s"},
    {"timezone-unknown.yaml", "6:13: unknown time zone 'Asia/Tokio' (not in "
			      "/usr/share/zoneinfo; e.g. Asia/Tokyo)"},
    {"never-talk.yaml", "6:19: 'never' is only for patience_s"},
    {"empty.yaml", "1:1: expected a mapping of scenario keys (center, tenants, callers, load, "
		   "...), got an empty file"},
};

START_TEST(test_bad_input_refused_with_file_line_col)
{
	char path[1024], want[1200], err[1024];
	struct scenario *s = (struct scenario *)&s;
	int rc;

	snprintf(path, sizeof(path), "%s%s", BAD_DIR, bad[_i].file);
	snprintf(want, sizeof(want), "%s:%s", path, bad[_i].msg);
	rc = scn_load(path, &s, err, sizeof(err));
	ck_assert_int_eq(rc, EINVAL);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_eq(s, (struct scenario *)&s);
}
END_TEST

START_TEST(test_missing_file)
{
	struct scenario *s = NULL;
	char err[512];

	ck_assert_int_eq(scn_load(BAD_DIR "no-such-scenario.yaml", &s, err, sizeof(err)), ENOENT);
	ck_assert_str_eq(err, BAD_DIR "no-such-scenario.yaml: No such file or directory");
	ck_assert_ptr_null(s);
	ck_assert_int_eq(scn_load(BAD_DIR, &s, err, sizeof(err)), EISDIR);
}
END_TEST

START_TEST(test_string_errors)
{
	string_bad("center: {operators: 1}\nfoo: 2\n",
		   "2:1: unknown key 'foo' in the scenario (expected one of: name, description, "
		   "ring_period_s, start_time, center, tenants, callers, load, targets, run, server, planning)");
	string_bad("center: {operators: 1}\ncenter: {operators: 2}\n",
		   "2:1: duplicate key 'center' in the scenario");
	string_bad("- 1\n", "1:1: expected a mapping for the scenario, got a list");
	string_bad(MINI "---\nname: x\n",
		   "6:1: expected one YAML document; a second one starts here");
	string_bad(MINI "---\nname: [x\n",
		   "7:1: invalid YAML: did not find expected ',' or ']' "
		   "(while parsing a flow sequence that starts at 6:7)");
	string_bad("a: [1, 2\n", "2:1: invalid YAML: did not find expected ',' or ']' "
				 "(while parsing a flow sequence that starts at 1:4)");
	string_bad(MINI "run: {replications: 0}\n", "5:21: replications must be >= 1, got 0");
	string_bad(MINI "run: {seed: -1}\n",
		   "5:13: expected a seed: a whole number from 0 to 2^64 - 1, got '-1'");
	string_bad(MINI "ring_period_s: 0\n", "5:16: ring_period_s must be > 0 seconds, got 0");
	string_bad(MINI "targets: [{rings: 3, min: 1.5}]\n",
		   "5:27: min must be between 0 and 1, got 1.5");
	string_bad(MINI "targets: [{rings: 3, min: 0.9, measure: sl3}]\n",
		   "5:41: expected a measure: sla, answered_within, sl or sl2");
	string_bad(MINI "targets: [{rings: 3.5, min: 0.9}]\n",
		   "5:19: expected a whole number, got '3.5'");
	string_bad(MINI "server: {admin: localhost}\n",
		   "5:17: expected 'off' or HOST:PORT for admin, got 'localhost'");
	string_bad(MINI "server: {delivery: pigeon}\n",
		   "5:20: expected a delivery: maildir or smtp");
	string_bad("center: {operators: 1}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {talk_s: 60}\n"
		   "load: [{phase: p, duration_s: 60, rate_per_min: 1, rate_per_s: 1}]\n",
		   "4:64: give one rate only (rate_per_s, rate_per_min or rate_per_hour)");
	string_bad(
	    "center: {operators: 1}\n"
	    "tenants: [{id: a, number: \"1\"}]\n"
	    "callers: {talk_s: 60}\n"
	    "load: [{phase: p, duration_s: 60}]\n",
	    "4:8: missing key 'rate_per_min' (or rate_per_s, rate_per_hour; 0 for bursts only)");
	string_bad("center: {operators: 1}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {types: {a: {share: 1, talk_s: 60, screen_prob: 0.5}}}\n"
		   "load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n",
		   "3:22: missing key 'screened_talk_s' (needed when screen_prob > 0)");
	string_bad("center: {operators: 1}\n"
		   "tenants: [{id: a, number: \"1\"}, {id: b, number: \"2\"}]\n",
		   "2:11: missing key 'share' (the tenant's fraction of the calls)");
	string_bad("center: {operators: 1}\n"
		   "tenants: [{id: a, number: \"1\", forwarding: no_answer}]\n",
		   "2:44: expected 'unconditional' or {no_answer_s: seconds} for forwarding");
	string_bad("center: {operators: 1, pickup_s: {uniform: [6, 2]}}\n",
		   "1:44: uniform bounds must be [a, b] with 0 <= a <= b");
	string_bad(
	    "center: {operators: 1, pickup_s: [1, 2]}\n",
	    "1:34: expected a distribution: a number (fixed), {fixed: x}, {exponential: mean}, "
	    "{uniform: [a, b]}, {normal|lognormal|gamma: {mean, sd}}, {erlang: {k, mean}}, "
	    "{weibull: {shape, scale}}, {empirical: [...]} or {empirical_csv: file}, got a list");
	string_bad("center: {operators: 1, layout: pooled}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {talk_s: 60}\n"
		   "load: [{phase: p, duration_s: 60, rate_per_min: 1, floors: [1]}]\n",
		   "4:60: floors given for a phase, but center.layout is pooled");
	string_bad("center: {operators: 4, layout: {floors: [2, 2]}}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {talk_s: 60}\n"
		   "load: [{phase: p, duration_s: 60, rate_per_min: 1, floors: [1, 2, 3]}]\n",
		   "4:60: expected 2 floors (as center.layout), got 3");
	string_bad("center: {operators: 4, layout: {floors: [2, 2]}}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {talk_s: 60}\n"
		   "load: [{phase: p, duration_s: 60, rate_per_min: 1, operators: 5, floors: [1, 2]}]\n",
		   "4:63: operators is 5 but the phase's floors add up to 3");
	string_bad("center: {operators: 1}\n"
		   "tenants: [{id: a, number: \"1\"}]\n"
		   "callers: {talk_s: 60, types: {a: {talk_s: 1}}}\n",
		   "3:19: give either 'talk_s' (one caller type) or 'types', not both");
}
END_TEST

START_TEST(test_every_truncation_of_the_example_fails_cleanly)
{
	/* Never a crash: every prefix of the example either loads or gives an
	 * error that starts with the name and a line number. */
	FILE *f = fopen(SCN_DIR "morning-burst.yaml", "rb");
	char text[8192], err[1024];
	size_t len;

	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	for (size_t n = 0; n < len; n++) {
		struct scenario *s = NULL;
		int rc = scn_load_string(text, n, "mb.yaml", &s, err, sizeof(err));

		if (rc == 0) {
			scn_free(s);
			continue;
		}
		ck_assert_int_eq(rc, EINVAL);
		ck_assert_msg(!strncmp(err, "mb.yaml:", 8) && err[8] >= '1' && err[8] <= '9',
			      "prefix %zu: %s", n, err);
	}
}
END_TEST

START_TEST(test_out_of_memory_at_every_allocation)
{
#ifdef RB_NO_MALLOC_WRAP
	/* the allocator belongs to the sanitizer in this build */
#else
	FILE *f = fopen(SCN_DIR "morning-burst.yaml", "rb");
	char text[8192], err[1024];
	struct scenario *s0 = NULL;
	size_t len;
	long n, failures = 0;

	void *(*volatile alloc)(size_t) = malloc; /* a real call, not inlined */

	ours = 0;
	free(alloc(16));
	if (!ours)
		return; /* valgrind's allocator, not ours: nothing to inject */
	ck_assert_ptr_nonnull(f);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	/* One load first: OpenSSL's lazy global set-up is not a leak. */
	ck_assert_int_eq(scn_load_string(text, len, "mb.yaml", &s0, err, sizeof(err)), 0);
	scn_free(s0);
	for (n = 0; n < 100000; n++) {
		struct scenario *s = NULL;
		long before = live;
		int rc;

		fail_at = n;
		rc = scn_load_string(text, len, "mb.yaml", &s, err, sizeof(err));
		fail_at = -1;
		if (rc == 0) {
			scn_free(s);
			ck_assert_int_eq(live, before);
			break;
		}
		ck_assert_msg(rc == ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err);
		ck_assert_ptr_null(s);
		ck_assert_msg(!strcmp(err, "mb.yaml: Cannot allocate memory") ||
				      !strcmp(err, "mb.yaml: out of memory (libyaml)"),
			      "allocation %ld: %s", n, err);
		/* libyaml 0.2.5's loader itself loses a block on some of its own
		 * allocation failures; ours must lose none. */
		if (!strstr(err, "(libyaml)"))
			ck_assert_msg(live == before, "allocation %ld: %ld blocks leaked (%s)", n,
				      live - before, err);
		failures++;
	}
	/* it did get to load it, after failing at each allocation on the way */
	ck_assert_int_gt(failures, 100);
	ck_assert_int_lt(n, 100000);
#endif
}
END_TEST

/* A copy equal to the original and sharing none of its memory. */
static void check_dup(const char *path)
{
	struct scenario *s = load_ok(path), *d = NULL;

	ck_assert_int_eq(scn_dup(s, &d), 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->sha256, s->sha256);
	ck_assert_ptr_ne(d->path, s->path);
	ck_assert_str_eq(d->path, s->path);
	ck_assert_ptr_ne(d->tenants, s->tenants);
	ck_assert_str_eq(d->tenants[0].id, s->tenants[0].id);
	ck_assert_ptr_ne(d->tenants[0].id, s->tenants[0].id);
	ck_assert_ptr_ne(d->phases, s->phases);
	ck_assert_str_eq(d->phases[d->n_phases - 1].name, s->phases[s->n_phases - 1].name);
	ck_assert_ptr_ne(d->callers.types, s->callers.types);
	ck_assert_ptr_ne(d->center.floor_ops, s->center.floor_ops);
	ck_assert_int_eq(d->center.floor_ops[0], s->center.floor_ops[0]);
	ck_assert(d->tenant_cum[d->n_tenants - 1] == s->tenant_cum[s->n_tenants - 1]);
	ck_assert(d->callers.type_cum[d->callers.n_types - 1] ==
		  s->callers.type_cum[s->callers.n_types - 1]);
	ck_assert_uint_eq(d->n_targets, s->n_targets);
	/* changing the copy leaves the original as loaded */
	int ops = s->center.operators;
	double rate = s->phases[0].rate_per_s;
	d->center.operators++;
	d->phases[0].rate_per_s *= 2;
	ck_assert_int_eq(s->center.operators, ops);
	ck_assert(s->phases[0].rate_per_s == rate);
	/* the copy outlives the original: nothing of it is freed with s */
	scn_free(s);
	ck_assert_str_eq(d->server.timezone, SCN_DEFAULT_TIMEZONE);
	ck_assert(d->phases[0].rate_per_s == 2 * rate);
	scn_free(d);
}

START_TEST(test_dup_is_deep)
{
	check_dup(SCN_DIR "morning-burst.yaml");
	check_dup(SCN_DIR "split-floors.yaml");
	check_dup(SCN_DIR "erlang-a.yaml");
	/* a day profile with planning: its shifts are the copy's own */
	struct scenario *s = load_ok(SCN_DIR "day.yaml"), *d = NULL;
	ck_assert_ptr_nonnull(s->planning);
	ck_assert_uint_gt(s->planning->n_shifts, 0);
	ck_assert_int_eq(scn_dup(s, &d), 0);
	ck_assert_ptr_ne(d->planning, s->planning);
	ck_assert_ptr_ne(d->planning->shifts, s->planning->shifts);
	ck_assert_str_eq(d->planning->shifts[0].name, s->planning->shifts[0].name);
	ck_assert_ptr_ne(d->planning->shifts[0].name, s->planning->shifts[0].name);
	ck_assert_int_eq(d->start_time_s, s->start_time_s);
	scn_free(s);
	ck_assert_int_gt(d->planning->shifts[0].length, 0);
	scn_free(d);
	check_dup(SCN_DIR "day.yaml");
	/* a trace: its calls are the copy's own */
	s = load_ok(SCN_DIR "quick-replay.yaml");
	ck_assert_ptr_nonnull(s->trace);
	ck_assert_int_eq(scn_dup(s, &d), 0);
	ck_assert_ptr_ne(d->trace, s->trace);
	ck_assert_ptr_ne(d->trace->calls, s->trace->calls);
	size_t n = s->trace->n;
	rb_us last = s->trace->calls[n - 1].t_dial;
	scn_free(s);
	ck_assert_uint_eq(d->trace->n, n);
	ck_assert_int_eq(d->trace->calls[n - 1].t_dial, last);
	scn_free(d);
}
END_TEST

/* A trace scenario (the trace read through csvtab): every allocation failed
 * in turn is ENOMEM, said as such, and leaks nothing. */
START_TEST(test_trace_out_of_memory_at_every_allocation)
{
#ifdef RB_NO_MALLOC_WRAP
	/* the allocator belongs to the sanitizer in this build */
#else
	void *(*volatile alloc)(size_t) = malloc; /* a real call, not inlined */
	char err[1024];
	long n, failures = 0;
	ours = 0;
	free(alloc(16));
	if (!ours)
		return; /* valgrind's allocator, not ours: nothing to inject */
	scn_free(load_ok(SCN_DIR "quick-replay.yaml"));
	spare_crypto = true; /* the scenario's hash: test_out_of_memory_at_every_allocation */
	for (n = 0; n < 1000000; n++) {
		struct scenario *s = NULL;
		long before = live;
		fail_at = n;
		int rc = scn_load(SCN_DIR "quick-replay.yaml", &s, err, sizeof(err));
		bool hit = fail_at == -1; /* the n-th allocation came, and failed */
		fail_at = -1;
		if (rc == 0) {
			/* loaded: with no failure at all (done), or past one that stdio
			 * absorbs (an unbuffered FILE instead of its buffer) */
			ck_assert_ptr_nonnull(s->trace);
			scn_free(s);
			ck_assert_int_eq(live, before);
			if (!hit)
				break;
			continue;
		}
		ck_assert_msg(rc == ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err);
		ck_assert_ptr_null(s);
		ck_assert_msg(strstr(err, "Cannot allocate memory") || strstr(err, "out of memory"),
			      "allocation %ld: %s", n, err);
		if (!strstr(err, "(libyaml)"))
			ck_assert_msg(live == before, "allocation %ld: %ld blocks leaked (%s)", n,
				      live - before, err);
		failures++;
	}
	spare_crypto = false;
	ck_assert_int_gt(failures, 1000); /* csvtab's cells among them */
	ck_assert_int_lt(n, 1000000);
#endif
}
END_TEST

START_TEST(test_dup_out_of_memory_at_every_allocation)
{
#ifdef RB_NO_MALLOC_WRAP
	/* the allocator belongs to the sanitizer in this build */
#else
	void *(*volatile alloc)(size_t) = malloc; /* a real call, not inlined */
	ours = 0;
	free(alloc(16));
	if (!ours)
		return; /* valgrind's allocator, not ours: nothing to inject */
	struct scenario *s = load_ok(SCN_DIR "morning-burst.yaml");
	long n, failures = 0;
	for (n = 0; n < 10000; n++) {
		struct scenario *d = (struct scenario *)&d; /* a sentinel */
		long before = live;
		fail_at = n;
		int rc = scn_dup(s, &d);
		fail_at = -1;
		if (rc == 0) {
			scn_free(d);
			ck_assert_int_eq(live, before);
			break;
		}
		ck_assert_int_eq(rc, ENOMEM);
		ck_assert_ptr_eq(d, (struct scenario *)&d);
		ck_assert_msg(live == before, "allocation %ld: %ld blocks leaked", n, live - before);
		failures++;
	}
	ck_assert_int_gt(failures, 10);
	ck_assert_int_lt(n, 10000);
	scn_free(s);
#endif
}
END_TEST

START_TEST(test_staff_flat)
{
	/* two floors of 6, tenants on each: 7 operators split 4 + 3, every
	 * phase's own shift replaced */
	struct scenario *s = load_ok(SCN_DIR "split-floors.yaml");
	ck_assert_int_eq(scn_staff_flat(s, 7, 2), 0);
	ck_assert_int_eq(s->center.operators, 7);
	ck_assert_int_eq(s->center.n_floors, 2);
	ck_assert_int_eq(s->center.floor_ops[0], 4);
	ck_assert_int_eq(s->center.floor_ops[1], 3);
	ck_assert_int_eq(s->center.backup, 2);
	for (size_t p = 0; p < s->n_phases; p++) {
		ck_assert_int_eq(s->phases[p].operators, -1);
		ck_assert_ptr_null(s->phases[p].floor_ops);
		ck_assert_int_eq(s->phases[p].backup, -1);
	}
	scn_free(s);

	/* pooled; backup left as written (-1), a phase's own backup kept */
	s = load_ok(SCN_DIR "morning-burst.yaml");
	int backup = s->center.backup, peak = scn_phase_index(s, "peak");
	ck_assert_int_ge(peak, 0);
	ck_assert_int_eq(s->phases[peak].operators, 14);
	int peak_backup = s->phases[peak].backup;
	ck_assert_int_eq(scn_staff_flat(s, 10, -1), 0);
	ck_assert_int_eq(s->center.operators, 10);
	ck_assert_int_eq(s->center.floor_ops[0], 10);
	ck_assert_int_eq(s->phases[peak].operators, -1);
	ck_assert_int_eq(s->center.backup, backup);
	ck_assert_int_eq(s->phases[peak].backup, peak_backup);
	scn_free(s);
}
END_TEST

#define PHONE_REST                                                                                 \
	"tenants: [{id: a, number: \"1\"}]\n"                                                      \
	"callers: {talk_s: 60}\n"                                                                  \
	"load: [{phase: p, duration_s: 60, rate_per_min: 1}]\n"

START_TEST(test_phone_keys)
{
	/* Without the key: no phone settings, for operators and backup. */
	struct scenario *s = string_ok(MINI);
	ck_assert(!scn_phone_on(&s->center.phone) && !scn_phone_on(&s->center.backup_phone));
	scn_free(s);
	/* Defaults of a given key; backup rung like the operators. */
	s = string_ok("center: {operators: 2, phone: {}, backup: {staff: 1}}\n" PHONE_REST);
	ck_assert(s->center.phone.ring_timeout == 15 * RB_US_PER_S);
	ck_assert(s->center.phone.no_answer == 0 && s->center.phone.not_ready == 0);
	ck_assert(s->center.backup_phone.ring_timeout == 15 * RB_US_PER_S);
	scn_free(s);
	s = string_ok("center: {operators: 2, pickup_s: {uniform: [2, 6]},\n"
		      "  phone: {ring_timeout_s: 20, no_answer: 0.1, not_ready_s: 30},\n"
		      "  backup: {staff: 1, phone: {ring_timeout_s: 9}}}\n" PHONE_REST);
	ck_assert(s->center.phone.ring_timeout == 20 * RB_US_PER_S);
	ck_assert(s->center.phone.no_answer == 0.1);
	ck_assert(s->center.phone.not_ready == 30 * RB_US_PER_S);
	ck_assert(s->center.backup_phone.ring_timeout == 9 * RB_US_PER_S);
	ck_assert(s->center.backup_phone.no_answer == 0);
	scn_free(s);
	/* center.operators stays a number (older scenarios keep their meaning). */
	string_bad("center: {operators: {ring_timeout_s: 15}}\n" PHONE_REST,
		   "1:21: expected a number of operators; how their phones ring goes in "
		   "center.phone: {ring_timeout_s, no_answer, not_ready_s}");
	string_bad("center: {operators: 1, phone: 15}\n" PHONE_REST,
		   "1:31: expected {ring_timeout_s, no_answer, not_ready_s} for center.phone");
	string_bad("center: {operators: 1, phone: {ring_timeout_s: 0}}\n" PHONE_REST,
		   "1:48: ring_timeout_s must be > 0 seconds, got 0");
	string_bad("center: {operators: 1, phone: {no_answer: 1}}\n" PHONE_REST,
		   "1:43: no_answer must be below 1: with 1 no phone is ever answered");
	string_bad("center: {operators: 1, phone: {no_answer: -0.1}}\n" PHONE_REST,
		   "1:43: no_answer must be between 0 and 1, got -0.1");
	string_bad("center: {operators: 1, phone: {ringtimeout_s: 5}}\n" PHONE_REST,
		   "1:32: unknown key 'ringtimeout_s' (did you mean 'ring_timeout_s'?)");
	string_bad("center: {operators: 1, pickup_s: 20, phone: {ring_timeout_s: 15}}\n" PHONE_REST,
		   "1:45: center.phone.ring_timeout_s is 15 s, but the pick-up is never under 20 s: "
		   "no call would ever be answered");
	string_bad("center: {operators: 1, phone: {},\n"
		   "  backup: {staff: 1, pickup_s: {uniform: [16, 20]}}}\n" PHONE_REST,
		   "2:32: backup's pick-up is never under 16 s, above center.phone's ring_timeout_s "
		   "of 15 s: no call would ever be answered by backup");
}
END_TEST

static Suite *scn_suite(void)
{
	Suite *s = suite_create("scn");
	TCase *tc = tcase_create("scn");

	tcase_add_test(tc, test_issue_example_loads_as_written);
	tcase_add_test(tc, test_shipped_scenarios_load);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_distribution);
	tcase_add_test(tc, test_weibull_errors);
	tcase_add_test(tc, test_empirical_csv_relative_to_the_scenario);
	tcase_add_test(tc, test_floors_defaults_and_phase_split);
	tcase_add_test(tc, test_server_and_tenant_extras);
	tcase_add_test(tc, test_shares_within_1e9_accepted_last_cum_exactly_one);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_target_parse);
	tcase_add_loop_test(tc, test_bad_input_refused_with_file_line_col, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_string_errors);
	tcase_add_test(tc, test_every_truncation_of_the_example_fails_cleanly);
	tcase_add_test(tc, test_out_of_memory_at_every_allocation);
	tcase_add_test(tc, test_trace_out_of_memory_at_every_allocation);
	tcase_add_test(tc, test_dup_is_deep);
	tcase_add_test(tc, test_dup_out_of_memory_at_every_allocation);
	tcase_add_test(tc, test_staff_flat);
	tcase_add_test(tc, test_phone_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(scn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
