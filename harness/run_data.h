/* run_data: the distinct data sources of an experiment, each loaded once and shared read-only by every run. */
#ifndef SWEEP_RUN_DATA_H
#define SWEEP_RUN_DATA_H
#include <stddef.h>
#include "data.h"
#include "experiment.h"

typedef struct {
    int n;
    char paths[8][512];
    data_bundle sets[8];
} run_data;

/* The loaded data of path, or NULL when it is not one of d's sources. */
const data_bundle *run_data_for(const run_data *d, const char *path);
/* run_data_for with d as void *, for callbacks (search_run.c). */
const data_bundle *run_data_lookup(void *d, const char *path);
/* Load every distinct data path of e's runs (at most 8). 0, or -1 with one line in err. */
int run_data_load(run_data *d, const experiment *e, char *err, size_t errlen);
/* Release what run_data_load loaded; safe on a zeroed run_data. */
void run_data_free(run_data *d);

#endif
