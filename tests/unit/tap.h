/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal KTAP/TAP-13 test harness for the native unit tests.
 *
 *	TEST(name) { EXPECT(...); ASSERT_EQ(...); }
 *	int main(void) { TAP_START(); RUN(name); return TAP_END("binary"); }
 *
 * EXPECT* record a failure and continue; ASSERT* also return from the
 * test function. Output: "TAP version 13", one "ok N - name" or
 * "not ok N - name" per test with "# file:line: message" diagnostics, the
 * "1..N" plan, then "# binary: P passed, F failed" (the Makefile adds the
 * single aggregated "P passed, F failed" line).
 */
#ifndef PKVMKIT_TESTS_TAP_H
#define PKVMKIT_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_nr_run;
static int tap_nr_failed;
static int tap_cur_failures;

static inline void tap_diag(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void tap_diag(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* Keep the output readable when a loop fails thousands of times. */
	tap_cur_failures++;
	if (tap_cur_failures > 20) {
		if (tap_cur_failures == 21)
			printf("# (further failures of this test not shown)\n");
		return;
	}
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define TAP_START()	do { printf("TAP version 13\n"); fflush(stdout); } while (0)

#define TEST(name)	static void name(void)

static inline void tap_run(const char *name, void (*fn)(void))
{
	tap_cur_failures = 0;
	fn();
	tap_nr_run++;
	if (tap_cur_failures) {
		tap_nr_failed++;
		printf("not ok %d - %s\n", tap_nr_run, name);
	} else {
		printf("ok %d - %s\n", tap_nr_run, name);
	}
	fflush(stdout);
}

#define RUN(name)	tap_run(#name, name)

static inline int tap_end(const char *binary)
{
	printf("1..%d\n", tap_nr_run);
	printf("# %s: %d passed, %d failed\n", binary,
	       tap_nr_run - tap_nr_failed, tap_nr_failed);
	fflush(stdout);
	return tap_nr_failed ? 1 : 0;
}

#define TAP_END(binary)	tap_end(binary)

/* True while the current test has not failed: for early exits in loops. */
#define TAP_OK()	(tap_cur_failures == 0)

#define FAIL(...)	tap_diag(__FILE__, __LINE__, __VA_ARGS__)

#define EXPECT(cond) \
	((cond) ? 1 : (tap_diag(__FILE__, __LINE__, "expected %s", #cond), 0))

#define EXPECT_EQ(a, b) ({						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	int __ok = __a == __b;						\
	if (!__ok)							\
		tap_diag(__FILE__, __LINE__,				\
			 "%s == %s: got %#llx (%lld), want %#llx (%lld)",\
			 #a, #b, __a, (long long)__a, __b, (long long)__b);\
	__ok;								\
})

#define ASSERT(cond)		do { if (!EXPECT(cond)) return; } while (0)
#define ASSERT_EQ(a, b)		do { if (!EXPECT_EQ(a, b)) return; } while (0)

#endif /* PKVMKIT_TESTS_TAP_H */
