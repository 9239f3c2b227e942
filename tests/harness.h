/* harness.h — the tiny unit-test harness every tests/unit/test_*.c uses.
 *
 * Each test is a void function; CHECK records a failure (file:line and the expression) and carries on;
 * SKIP(reason) ends the test as skipped (e.g. "skipped: ../shared/data/lfw not found").
 * Every test prints one line "PASS name", "FAIL name" or "SKIP name: reason"; tests/run_tests.sh
 * counts those lines across all test programs. Put TEST_MAIN(...) with the list of tests at the end.
 */
#ifndef FC_TEST_HARNESS_H
#define FC_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int th_failed_checks, th_skipped, th_pass, th_fail, th_skip;
static char th_skip_reason[512];

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "  check failed: %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double th_a = (a), th_b = (b);                                                             \
        if (!(fabs(th_a - th_b) <= (tol))) {                                                       \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "  check failed: %s:%d: %s = %.12g, %s = %.12g (tol %g)\n", __FILE__,  \
                    __LINE__, #a, th_a, #b, th_b, (double)(tol));                                  \
        }                                                                                          \
    } while (0)

#define SKIP(...)                                                                                  \
    do {                                                                                           \
        th_skipped = 1;                                                                            \
        snprintf(th_skip_reason, sizeof th_skip_reason, __VA_ARGS__);                              \
        return;                                                                                    \
    } while (0)

/* The shared data folder, ../shared from the project root (FC_SHARED overrides). */
static inline const char *th_shared(void)
{
    const char *s = getenv("FC_SHARED");
    return s ? s : "../shared";
}

/* Fills buf with th_shared()/rel and returns 1 when it exists. */
static inline int th_shared_path(char *buf, size_t len, const char *rel)
{
    snprintf(buf, len, "%s/%s", th_shared(), rel);
    return access(buf, F_OK) == 0;
}

static inline void th_run(const char *name, void (*fn)(void))
{
    th_failed_checks = 0;
    th_skipped = 0;
    fn();
    if (th_failed_checks) {
        printf("FAIL %s\n", name);
        th_fail++;
    } else if (th_skipped) {
        printf("SKIP %s: %s\n", name, th_skip_reason);
        th_skip++;
    } else {
        printf("PASS %s\n", name);
        th_pass++;
    }
    fflush(stdout);
}

#define RUN(fn) th_run(#fn, fn)
#define TEST_MAIN(...)                                                                             \
    int main(void)                                                                                 \
    {                                                                                              \
        __VA_ARGS__;                                                                               \
        return th_fail ? 1 : 0;                                                                    \
    }

#endif
