/* report_auto: the section every experiment gets, chosen from what varies (report_auto.c: text, tables,
   comparisons; report_auto_plots.c: the plots). Internal to these two files and report.c. */
#ifndef SWEEP_REPORT_AUTO_H
#define SWEEP_REPORT_AUTO_H
#include "report.h"

#define AUTO_MAXAXES 8         /* varying columns given a plot each; more are listed, not plotted */
#define AUTO_MAXSERIES 6       /* values of a second axis drawn as separate lines (more: first ones) */
#define AUTO_MAXCURVES 12      /* configurations shown as learning curves (small multiples) */

/* One varying configuration column: numeric (every value a number) or categorical. */
typedef struct {
    int col;                   /* column of e->runs */
    int numeric;
    int nvals;
    const char **vals;         /* (nvals) distinct values, sorted (runset_cell_cmp) */
} auto_axis;

typedef struct {
    rpt_ctx *x;
    rpt_exp *e;
    int naxes;
    auto_axis axes[AUTO_MAXAXES];
    const rpt_group *ref;      /* the reference configuration (the first, when the declared one is several) */
    int *partner;              /* (ngroups) the group each is compared with: itself for a reference, -1 none */
    int nrefs;                 /* configurations the declared reference names (1: one reference for all) */
    char ref_sel[256];         /* nrefs > 1: the declared selector, and the columns on which its */
    char ref_free[256];        /*   configurations differ (", "-joined) */
    const rpt_group *best;     /* highest mean validation accuracy (NULL: no val_acc) */
    char title[300];           /* human name for headings and plot titles */
} auto_ctx;

/* Index in a->vals of the value of g on axis a (-1 if none). */
int auto_value_index(const auto_ctx *c, const auto_axis *a, const rpt_group *g);
/* Which axes a plot over axes k1 and k2 (indices into c->axes; k2 -1 for none) holds at the reference's
   value: every other axis, except those k1 and k2 determine (each value of k1, k2 goes with one value of
   it, as when each variant sets its own dropout). held[k] = 1 for those held. */
void auto_slice(const auto_ctx *c, int k1, int k2, int *held);
/* 1 when g holds the reference's value on every axis k with held[k]: the groups the plot shows. */
int auto_on_slice(const auto_ctx *c, const rpt_group *g, const int *held);
/* Summary of runs.csv column col (times scale) over the ok runs of g. */
void auto_col_summary(const rpt_exp *e, const rpt_group *g, const char *col, double scale, stats_summary *s);
/* A file-name-safe prefix for this experiment's images. */
const char *auto_prefix(const rpt_exp *e);

/* report_vsref.c: c->partner (and nrefs, ref_sel, ref_free) from the declared reference; 0 or -1 (memory). */
int auto_references(auto_ctx *c);
/* The sentence naming the reference(s), and the table of every configuration against its reference. */
void auto_reference_intro(const auto_ctx *c);
void auto_vs_reference(auto_ctx *c);

/* report_auto_plots.c */
void auto_axis_plots(auto_ctx *c);
void auto_heatmap(auto_ctx *c);
void auto_bars(auto_ctx *c);
void auto_curves(auto_ctx *c);

#endif
