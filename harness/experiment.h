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
    int named;             /* the file sets name (else it is the file's base name) */
    struct exp_decl *decl; /* reference, claims and tables (decl.h); never NULL after a successful load */
} experiment;

/* Read path and expand it, with overrides ("key=value", as --set) applied on top of every section.
   Errors (unknown section or key, bad value, duplicate key or run, empty grid) give one line,
   "file:line: what is wrong; what is allowed", and nothing else happens. Returns 0 or -1. */
int experiment_load(experiment *e, const char *path, char *const *overrides, int n_overrides, char *err, size_t errlen);
void experiment_free(experiment *e);
/* The declarations of e checked against its expanded grid (decl_grid.c): every selector matches a
   configuration, no claim compares a configuration with itself. "file:line: ..." in err. */
int decl_check_grid(const experiment *e, char *err, size_t errlen);
/* Store the experiment as run in dir/experiment.ini (decl_grid.c): the file's text, its name when the file
   does not set one, and the --set overrides as a [set] section, written atomically. When a stored one
   already describes other runs, it is kept as experiment.ini.bak-DATE and a note goes to stderr. */
int exp_store_declaration(const experiment *e, const char *dir, char *const *overrides, int n_overrides,
                          char *err, size_t errlen);

#endif
