/* progress.h — progress reporting for long work.
 *
 * Contract: on a terminal (stderr is a tty) a single redrawn bar with count, rate and ETA; otherwise a
 * plain line at most every few seconds and one at the end, so logs stay readable. Quiet mode
 * (fc_set_quiet) prints nothing. Thread-safe: fc_progress_add may be called from worker threads.
 */
#ifndef FACECLUSTER_PROGRESS_H
#define FACECLUSTER_PROGRESS_H

#include <stddef.h>

typedef struct fc_progress fc_progress;

fc_progress *fc_progress_start(const char *label, size_t total); /* total 0 = unknown */
void fc_progress_add(fc_progress *p, size_t done);
void fc_progress_finish(fc_progress *p); /* prints the final line and frees */

#endif
