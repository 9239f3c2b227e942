/* progress.c — terminal progress bar with rate and ETA, or plain periodic lines (see progress.h). */
#include "facecluster/progress.h"
#include "facecluster/core.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fc_progress {
    char label[64];
    size_t total, done;
    double start, last_draw;
    int tty;
    pthread_mutex_t lock;
};

static void format_duration(double s, char *buf, size_t len)
{
    if (s < 0 || s > 1e7)
        snprintf(buf, len, "--");
    else if (s < 60)
        snprintf(buf, len, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
    else
        snprintf(buf, len, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

static void draw(fc_progress *p, int final)
{
    double now = fc_now(), el = now - p->start;
    double rate = el > 0 ? (double)p->done / el : 0;
    char eta[32], elapsed[32];
    format_duration(rate > 0 && p->total ? (double)(p->total - p->done) / rate : -1, eta, sizeof eta);
    format_duration(el, elapsed, sizeof elapsed);
    if (p->tty) {
        char bar[31] = {0};
        int fill = p->total ? (int)(30.0 * (double)p->done / (double)p->total) : 0;
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        if (p->total)
            fprintf(stderr, "\r%s [%s] %zu/%zu %.1f/s %s %s", p->label, bar, p->done, p->total, rate,
                    final ? "in" : "ETA", final ? elapsed : eta);
        else
            fprintf(stderr, "\r%s %zu %.1f/s %s", p->label, p->done, rate, elapsed);
        fputs(final ? "\n" : "\033[K", stderr);
    } else {
        if (p->total)
            fprintf(stderr, "%s: %zu/%zu (%.1f/s, %s %s)\n", p->label, p->done, p->total, rate,
                    final ? "took" : "ETA", final ? elapsed : eta);
        else
            fprintf(stderr, "%s: %zu (%.1f/s, %s)\n", p->label, p->done, rate, elapsed);
    }
    p->last_draw = now;
}

fc_progress *fc_progress_start(const char *label, size_t total)
{
    fc_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->total = total;
    p->start = p->last_draw = fc_now();
    p->tty = isatty(2);
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void fc_progress_add(fc_progress *p, size_t n)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->done += n;
    double gap = p->tty ? 0.1 : 5.0;
    if (!fc_is_quiet() && fc_now() - p->last_draw >= gap)
        draw(p, 0);
    pthread_mutex_unlock(&p->lock);
}

void fc_progress_finish(fc_progress *p)
{
    if (!p)
        return;
    if (!fc_is_quiet())
        draw(p, 1);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
