/* plan: what sweep run checks before it trains anything (and shows in --dry-run): every configuration against
   the shape of its data, so that one bad configuration stops the sweep before any run, at file:line; and the
   memory the sweep needs with -j runs in flight against what the machine or its cgroup has. */
#ifndef SWEEP_PLAN_H
#define SWEEP_PLAN_H
#include <stddef.h>
#include <stdio.h>
#include "experiment.h"
#include "idset.h"

#define PLAN_MAX_DATA 8

/* The distinct data sources of an experiment and their shapes (read from headers where possible). */
typedef struct {
    int n;
    char paths[PLAN_MAX_DATA][512];
    data_shape shapes[PLAN_MAX_DATA];
    const data_shape **of_run; /* (e->n_runs) the shape of each run's data */
} plan_data;

/* Probe every data source of e (data_probe). Returns 0, or -1 with err. plan_data_free releases. */
int plan_data_probe(plan_data *d, const experiment *e, char *err, size_t errlen);
void plan_data_free(plan_data *d);

/* Check every run of e against its data's shape (of_run[k] for run k): training and validation sizes.
   Returns 0, or -1 with one line in err: where the offending value was set (file:line, or --set), the value,
   the data's size, and the run's variant. */
int plan_check_shapes(const experiment *e, const data_shape *const *of_run, char *err, size_t errlen);

/* The run ids already in dir/runs.csv (none when it does not exist), read without changing anything. */
int plan_read_done(idset *done, const char *dir, char *err, size_t errlen);

/* Estimated peak memory of a sweep, in bytes. */
typedef struct {
    size_t process;   /* the program before any data (PLAN_PROCESS_BYTES) */
    size_t data;      /* every data source, loaded once and shared */
    size_t largest;   /* the largest single run: model, gradients, moments, activations, buffers, thread */
    size_t runs;      /* the `jobs` largest runs, in flight at once */
    size_t peak;      /* process + data + runs */
    int jobs;         /* runs in flight */
} plan_memory;

/* Estimate for the runs idx[0..n) of e at jobs runs in flight (at most n). */
void plan_memory_estimate(plan_memory *m, const experiment *e, const plan_data *d, const int *idx, int n, int jobs);
/* Memory available to the sweep: $SWEEP_MEMORY_LIMIT (bytes, or a number with K, M, G or T), else the cgroup's
   limit (v2 memory.max, v1 memory.limit_in_bytes), else MemAvailable of /proc/meminfo. source gets which.
   Returns 0, 1 when nothing is known (no limit applied), -1 with err for a bad SWEEP_MEMORY_LIMIT. */
int plan_memory_available(size_t *bytes, char *source, size_t n, char *err, size_t errlen);
/* The most runs in flight (<= jobs) whose estimate fits in avail; 0 when not even one does. */
int plan_jobs_that_fit(const experiment *e, const plan_data *d, const int *idx, int n, int jobs, size_t avail);

/* Everything sweep run checks before it trains (or lists, with --dry-run) the runs of e not yet in dir/runs.csv:
   probes the data, checks every configuration's shape, estimates the memory at *jobs runs in flight and
   compares it with what is available, lowering *jobs (with a note on stderr) when fewer runs fit. memline
   gets the estimate for --dry-run. Returns 0, or the exit status after one line on stderr: 1 when the data
   cannot be read, 2 for a configuration that does not fit its data or when not even one run fits in memory. */
int plan_sweep(const experiment *e, const char *dir, int *jobs, char *memline, size_t n);

#endif
