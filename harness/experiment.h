/* experiment: an experiment file (INI, read with inih) expanded into the list of its runs. */
#ifndef SWEEP_EXPERIMENT_H
#define SWEEP_EXPERIMENT_H
#include <stddef.h>
#include "settings.h"

typedef struct {
    char variant[64];      /* [variant NAME], or "base" */
    run_config cfg;
    char run_id[17];       /* settings_run_id(cfg, variant) */
} exp_run;

typedef struct {
    char name[128];        /* [sweep] name, default: the file's base name */
    char description[1024];
    char path[512];
    int n_variants;        /* 0 when the file has no [variant] sections */
    int n_runs;
    exp_run *runs;         /* seeds outermost, then variants in file order, then axes in settings order */
} experiment;

/* Read path and expand it, with overrides ("key=value", as --set) applied on top of every section.
   Errors (unknown section or key, bad value, duplicate key or run, empty grid) give one line,
   "file:line: what is wrong; what is allowed", and nothing else happens. Returns 0 or -1. */
int experiment_load(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err, size_t errlen);
/* The same, for an experiment about to run (or dry-run): a data path that does not exist is also an error at its
   line (file:line, or --set KEY=VALUE). Readers of a stored declaration use experiment_load, which does not look. */
int experiment_load_to_run(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err,
                           size_t errlen);
void experiment_free(experiment *e);

#endif
