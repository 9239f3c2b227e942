/* error.c — the thread-local "last error" message and warnings (see core.h). */
#include "facecluster/core.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[1024];
static int quiet;

int fc_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return code;
}

const char *fc_last_error(void) { return last_error[0] ? last_error : "unknown error"; }

void fc_set_quiet(int q) { quiet = q; }
int fc_is_quiet(void) { return quiet; }

void fc_warn(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("facecluster: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
