/* report_search: the report's section for a halving / Hyperband search (DIR/rungs.csv and the pruned rows). */
#ifndef SWEEP_REPORT_SEARCH_H
#define SWEEP_REPORT_SEARCH_H
#include "report.h"

/* What a search spent and found, from DIR/rungs.csv and DIR/runs.csv. */
typedef struct {
    int n_ladders, n_configs, n_seeds, max_epochs;
    long epochs, grid_epochs;      /* epochs trained (epochs_run summed over runs.csv) and for the full grid */
    char metric[32];
    char best[256];                /* best configuration at the last rung of any ladder */
    double best_value, best_test_acc; /* its metric there; mean test_acc of its runs (NaN if unknown) */
} rpt_search_summary;

/* 1 with s filled when dir holds a search (rungs.csv), 0 when it does not, -1 with err. */
int rpt_search_summarize(const char *dir, rpt_search_summary *s, char *err, size_t errlen);
/* Add the section (rung ladder per bracket, what was pruned where, best configuration and its test accuracy,
   epochs against the full grid) to d; nothing when dir holds no search. 0, or -1 with err. */
int rpt_section_search(doc *d, const char *dir, char *err, size_t errlen);

/* The rung ladder as a plot (report_ladder.c): the ranking metric per epoch, a line per configuration that stops
   where it was pruned; nothing when e holds no search. 0, or -1 out of memory. */
int rpt_search_ladder(rpt_ctx *x, const rpt_exp *e);

#endif
