/* run_data: the data sources of a sweep, loaded once (see run_data.h). */
#include "run_data.h"
#include <stdio.h>
#include <string.h>

const data_bundle *run_data_for(const run_data *d, const char *path) {
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->paths[i], path)) return &d->sets[i];
    return NULL;
}

const data_bundle *run_data_lookup(void *d, const char *path) { return run_data_for(d, path); }

int run_data_load(run_data *d, const experiment *e, char *err, size_t errlen) {
    for (int k = 0; k < e->n_runs; k++) {
        const char *path = e->runs[k].cfg.data;
        if (run_data_for(d, path)) continue;
        if (d->n == 8) {
            snprintf(err, errlen, "%s: more than 8 different data sources in one experiment", e->path);
            return -1;
        }
        snprintf(d->paths[d->n], sizeof d->paths[0], "%s", path);
        if (data_load(&d->sets[d->n], path, err, errlen)) return -1;
        d->n++;
    }
    return 0;
}

void run_data_free(run_data *d) {
    for (int i = 0; i < d->n; i++) data_bundle_free(&d->sets[i]);
}
