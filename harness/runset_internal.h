/* runset internals shared by runset.c (the rule, grouping, accessors) and runset_load.c (reading and merging
   the files of a results directory). Not an API: runset.h is. */
#ifndef SWEEP_RUNSET_INTERNAL_H
#define SWEEP_RUNSET_INTERNAL_H
#include <stddef.h>
#include "runset.h"

/* A string -> int hash map (open addressing, FNV-1a), sized for all its keys up front; keys are borrowed. */
typedef struct { const char **keys; int *vals; size_t cap, n; } strmap;
int runset_map_init(strmap *m, size_t n);
void runset_map_free(strmap *m);
/* Value of key, or -1. */
int runset_map_get(const strmap *m, const char *key);
/* Insert key -> val unless present; returns the value stored for key. */
int runset_map_put(strmap *m, const char *key, int val);

/* Read the runs (and, with_curves, the curves) of path into runs and curves: a directory (DIR/runs.csv then
   DIR/shards/K-of-N/runs.csv, duplicates merged) or one runs.csv file. Returns 0, or -1 with err. */
int runset_load(const char *path, int with_curves, table *runs, table *curves, char *err, size_t errlen);

#endif
