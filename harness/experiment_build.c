/* experiment_build: the runs of an experiment file once experiment.c has read it: the search's keys checked
   against the epochs, random samples drawn, the grid counted against EXP_MAX_RUNS (before anything is
   allocated for it), every run expanded (seeds outermost, then variants, then samples), where each value came
   from kept, and the declarations checked against the grid. experiment_grid.c counts and expands one section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "experiment_internal.h"
#include "settings.h"

/* 1 when no section lists several epochs (a search needs one budget). -1 out of memory. */
static int single_epochs(const exp_section *base, const exp_section *variants, int n_variants,
                         const exp_section *over)
{
    char (*it)[256] = malloc(sizeof(char[EXP_MAX_ITEMS][256]));
    if (!it) return -1;
    int ep = settings_find("epochs"), single = 1;
    const char *ev[EXP_MAX_VARIANTS + 2] = {base->values[ep], over->values[ep]};
    for (int v = 0; v < n_variants; v++) ev[v + 2] = variants[v].values[ep];
    for (int v = 0; v < n_variants + 2; v++) single &= !ev[v] || exp_items(ep, ev[v], it, EXP_MAX_ITEMS) == 1;
    free(it);
    return single;
}

/* The number of runs over every sample (bases) and variant into *total; more than EXP_MAX_RUNS is an error
   naming the longest list and where it was set (its line in base, the file's [sweep], or a variant). */
static int count_runs(const experiment *e, const exp_section *base, const exp_section *bases, int n_bases,
                      const exp_section *variants, int n_variants, const exp_section *over, double *total, char *err,
                      size_t errlen)
{
    int nv = n_variants ? n_variants : 1, widest = -1, widest_n = 0, widest_v = 0;
    *total = 0;
    for (int b = 0; b < n_bases; b++)
        for (int v = 0; v < nv; v++) {
            int before = widest_n;
            double n = exp_count(&bases[b], n_variants ? &variants[v] : NULL, over, &widest, &widest_n);
            if (n < 0) {
                snprintf(err, errlen, "%s: out of memory", e->path);
                return -1;
            }
            if (widest_n > before) widest_v = v;
            *total += n;
        }
    if (*total <= EXP_MAX_RUNS) return 0;
    const exp_section *wv = n_variants ? &variants[widest_v] : NULL;
    const char *key = widest == settings_seed_index() ? "seeds" : settings_table[widest].name;
    char where[600];
    if (over->values[widest]) snprintf(where, sizeof where, "--set %s", key);
    else snprintf(where, sizeof where, "%s:%d", e->path, exp_line(base, wv, widest));
    snprintf(err, errlen, *total < 1e15 ? "%s: the grid has %.0f runs; at most %d runs per experiment (the longest list: %s, %d values)"
                                        : "%s: the grid has %.3g runs; at most %d runs per experiment (the longest list: %s, %d values)",
             where, *total, EXP_MAX_RUNS, key, widest_n);
    return -1;
}

/* Every run into e->runs: seeds outermost (one seed per pass), then variants, then samples. */
static int expand_runs(experiment *e, const exp_section *bases, int n_bases, const exp_section *variants,
                       int n_variants, const exp_section *over, double total, char *err, size_t errlen)
{
    e->runs = calloc((size_t)total, sizeof *e->runs);
    idset seen;
    if (!e->runs || idset_init(&seen, (size_t)total)) {
        snprintf(err, errlen, "%s: out of memory for %.0f runs", e->path, total);
        return -1;
    }
    e->n_variants = n_variants;
    int nv = n_variants ? n_variants : 1, failed = 0;
    for (int seed_pass = 0; seed_pass < EXP_MAX_ITEMS && !failed; seed_pass++) {
        int before = e->n_runs;
        for (int v = 0; v < nv && !failed; v++)
            for (int b = 0; b < n_bases && !failed; b++)
                failed = exp_expand(e, (int)total, &seen, n_variants ? variants[v].name : "base", &bases[b],
                                    n_variants ? &variants[v] : NULL, over, seed_pass, err, errlen) != 0;
        if (e->n_runs == before) break;
    }
    idset_free(&seen);
    return failed ? -1 : 0;
}

int exp_build(experiment *e, const exp_section *base, const exp_section *variants, int n_variants,
              const exp_section *over, char *err, size_t errlen)
{
    int single = single_epochs(base, variants, n_variants, over);
    if (single < 0) {
        snprintf(err, errlen, "%s: out of memory", e->path);
        return -1;
    }
    if (search_decl_check(&e->search, e->path, single, 0, err, errlen)) return -1;
    int n_bases = e->search.samples ? e->search.samples : 1, rc = -1;
    exp_section *samples = NULL;
    if (e->search.samples) {
        samples = calloc((size_t)n_bases, sizeof *samples);
        if (!samples) {
            snprintf(err, errlen, "%s: out of memory", e->path);
            return -1;
        }
        if (exp_draw_samples(e, base, samples, err, errlen)) goto done;
    }
    const exp_section *bases = samples ? samples : base;
    double total;
    if (count_runs(e, base, bases, n_bases, variants, n_variants, over, &total, err, errlen) ||
        expand_runs(e, bases, n_bases, variants, n_variants, over, total, err, errlen))
        goto done;
    if (exp_keep_origins(e, base, variants, n_variants, over)) {
        snprintf(err, errlen, "%s: out of memory", e->path);
        goto done;
    }
    if ((e->search.kind == SEARCH_HALVING || e->search.kind == SEARCH_HYPERBAND))
        for (int k = 0; k < e->n_runs; k++)
            if (e->runs[k].cfg.train.early_stopping) {
                snprintf(err, errlen, "%s:%d: search = halving or hyperband ranks every configuration at the rung "
                         "epochs: early_stopping must be 0", e->path, e->search.line_search);
                goto done;
            }
    rc = decl_check_grid(e, err, errlen);
done:
    for (int b = 0; samples && b < n_bases; b++) exp_section_free(&samples[b]);
    free(samples);
    return rc;
}
