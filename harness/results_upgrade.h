/* results_upgrade: a results directory written by an older sweep, brought to today's runs.csv columns. */
#ifndef SWEEP_RESULTS_UPGRADE_H
#define SWEEP_RESULTS_UPGRADE_H
#include <stddef.h>

/* Under the directory's lock, rewrite DIR/runs.csv and DIR/shards/ * /runs.csv that lack columns added since
   (filled per results_fill_value), atomically. Returns the number of files rewritten (their paths in msg), 0 if
   none needed it, or -1 with err (a required column missing, or an I/O error; nothing is changed then). */
int results_upgrade_dir(const char *dir, char *msg, size_t msglen, char *err, size_t errlen);

#endif
