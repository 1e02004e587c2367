/* experiment: an experiment file (INI, read with inih) expanded into the list of its runs. */
#ifndef SWEEP_EXPERIMENT_H
#define SWEEP_EXPERIMENT_H
#include <stddef.h>
#include "search.h"
#include "settings.h"

typedef struct {
    char variant[64];      /* [variant NAME], or "base" */
    run_config cfg;
    char run_id[17];       /* settings_run_id(cfg, variant) */
    char config_id[17];    /* the same with the seed set to 0: one id for the runs of a configuration */
} exp_run;

/* Most runs an experiment may expand to (each takes about 750 bytes until the sweep ends). */
#define EXP_MAX_RUNS 100000

typedef struct exp_origins exp_origins;

typedef struct {
    char name[128];        /* [sweep] name, default: the file's base name */
    char description[1024];
    char overrides[512];   /* the file's [set] section (a stored sweep's --set) as "key=value, ...", or "" */
    char path[512];
    int n_variants;        /* 0 when the file has no [variant] sections */
    int n_runs;
    exp_run *runs;         /* seeds outermost, then variants in file order, then axes in settings order
                              (random samples: seeds, variants, samples in order, axes) */
    exp_origins *origins;  /* where each setting's value came from (experiment_origin) */
    search_spec search;    /* search = ..., samples, distributions (grid when absent) */
    int named;             /* the file sets name (else it is the file's base name) */
    struct exp_decl *decl; /* reference, claims and tables (decl.h); never NULL after a successful load */
} experiment;

/* Read path and expand it, with overrides ("key=value", as --set) applied on top of every section.
   Errors (unknown section or key, bad value, duplicate key or run, a name that is not one safe path component,
   more than EXP_MAX_RUNS runs) give one line,
   "file:line: what is wrong; what is allowed", and nothing else happens. Returns 0 or -1. */
int experiment_load(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err, size_t errlen);
/* The same, for an experiment about to run (or dry-run): a data path that does not exist is also an error at its
   line (file:line, or --set KEY=VALUE). Readers of a stored declaration use experiment_load, which does not look. */
int experiment_load_to_run(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err,
                           size_t errlen);
void experiment_free(experiment *e);
/* Where run r's value of setting i came from, for an error found after loading: "file:line",
   "--set key=value", or "file: (key at its default)". */
void experiment_origin(const experiment *e, const exp_run *r, int setting, char *buf, size_t n);
/* The declarations of e checked against its expanded grid (decl_grid.c): every selector matches a
   configuration, no claim compares a configuration with itself. "file:line: ..." in err. */
int decl_check_grid(const experiment *e, char *err, size_t errlen);
/* Store the experiment as run in dir/experiment.ini (decl_grid.c): the file's text, its name when the file
   does not set one, and the --set overrides as a [set] section, written atomically. When a stored one
   already describes other runs, it is kept as experiment.ini.bak-DATE and a note goes to stderr. */
int exp_store_declaration(const experiment *e, const char *dir, char *const *overrides, int n_overrides,
                          char *err, size_t errlen);

#endif
