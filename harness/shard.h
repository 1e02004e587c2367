/* shard: one experiment's runs split over N independent processes (array tasks, srun tasks, ssh hosts) that
   share nothing but the results directory. Shard K of N writes only DIR/shards/K-of-N/{runs,curves}.csv (one
   writer per file, no cross-node locks) and skips every run finished in any results file of DIR; `sweep merge`
   folds the shard files into DIR/runs.csv and curves.csv. */
#ifndef SWEEP_SHARD_H
#define SWEEP_SHARD_H
#include <stddef.h>

typedef struct {
    int k, n;               /* shard k of n, 0 <= k < n; n == 0: not sharded */
} shard_spec;

/* Parse --shard: "K/N"; "auto" (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT, else
   SLURM_PROCID of SLURM_NTASKS); or "auto/N" (K = SLURM_ARRAY_TASK_ID itself, else SLURM_PROCID: an index
   resubmitted alone keeps its shard). env looks a variable up (getenv). Returns 0, or -1 with one line in err. */
int shard_parse(shard_spec *out, const char *text, char *(*env)(const char *), char *err, size_t errlen);

/* The partition, a pure function of the runs and n: runs by expected cost, longest first (ties by run_id),
   each to the least-loaded shard so far (ties to the lowest shard). owner[i] gets run i's shard.
   Returns 0, or -1 out of memory. */
int shard_partition(const double *cost, const char *const *run_ids, int n_runs, int n_shards, int *owner);

/* "DIR/shards/K-of-N" into buf; -1 if it does not fit. */
int shard_dir(char *buf, size_t n, const char *dir, shard_spec s);

/* The run ids finished in any results file of a directory: DIR/runs.csv and every DIR/shards/<name>/runs.csv. */
typedef struct {
    char **ids;             /* (n) sorted */
    int n, cap;
} shard_done;

/* Load the run ids finished in any results file of dir (torn last lines skipped). Returns 0; -2 with err when a
   file is damaged; -1 with err otherwise. */
int shard_done_load(shard_done *d, const char *dir, char *err, size_t errlen);
/* 1 if id is in d. */
int shard_done_has(const shard_done *d, const char *id);
void shard_done_free(shard_done *d);

/* Call fn(path, ctx) for each DIR/shards/<name>/ directory (names not starting with '.'), in name order.
   Returns 0, the first nonzero fn result, or -1 with err (the shards directory is unreadable). */
int shard_each_dir(const char *dir, int (*fn)(const char *path, void *ctx), void *ctx, char *err, size_t errlen);

#endif
