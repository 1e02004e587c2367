/* run_resume: resuming a sweep into a results directory (see run_resume.c). */
#ifndef SWEEP_RUN_RESUME_H
#define SWEEP_RUN_RESUME_H
#include <stddef.h>
#include "experiment.h"
#include "progress.h"
#include "runset.h"
#include "store.h"
#include "table.h"

/* The runs stored in DIR (runs.csv and shards, read as today's columns by runset), or NULL when there are none
   or they cannot be read (the store then says why). */
runset *run_resume_read(const char *dir);
/* Rewrite an older DIR/runs.csv in today's columns (unless flags has STORE_FRESH), then store_open with flags.
   0, or store_open's -1 / -2 (a damaged results file) with err. */
int run_resume_open(store **st, const char *dir, int flags, int quiet, char *err, size_t errlen);
/* Stored runs of e (sorted: run_plan_index; group_of: run_plan_groups) join the progress's configuration means;
   runs trained with other kernels, or of unknown provenance, are warned about on stderr. */
void run_resume_stored(const experiment *e, const int *sorted, const int *group_of, const char *dir, progress *prog);

#endif
