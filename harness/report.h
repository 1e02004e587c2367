/* report: the interface the report_*.c files share (the command itself, cmd_report, is in commands.h).
   Data flows: runs.csv/curves.csv -> rpt_exp (configurations grouped over seeds) -> sections that add
   blocks to a doc (tables, verdicts, images) -> report.md and report.html. Plots go through rpt_plot,
   which writes nothing but variables for the gnuplot templates in plots/. */
#ifndef SWEEP_REPORT_H
#define SWEEP_REPORT_H
#include <stddef.h>
#include <stdio.h>
#include "decl.h"
#include "experiment.h"
#include "runset.h"
#include "stats.h"
#include "strlist.h"
#include "table.h"

#define RPT_LEVEL 0.95      /* confidence level of every interval in the report */
#define RPT_ALPHA 0.05      /* significance level after Holm correction */
#define RPT_MAXCOLS 16      /* widest table a section builds */
#define RPT_CELL 192        /* longest cell text */

/* ---- document: blocks rendered to markdown and html (report_doc.c) ---- */
typedef enum { DOC_H1, DOC_H2, DOC_H3, DOC_TEXT, DOC_QUOTE, DOC_TABLE, DOC_IMAGE } doc_kind;
typedef struct {
    doc_kind kind;
    char *text;         /* heading, paragraph or quote; image caption. "**x**" is bold in both outputs */
    char *image;        /* DOC_IMAGE: base name; files base.png and base.svg sit next to the report */
    char *id;           /* headings: the HTML anchor given by doc_set_id (NULL: made from the text) */
    int ncols, nrows;   /* DOC_TABLE: nrows body rows below one header row */
    char **cells;       /* DOC_TABLE: (nrows + 1, ncols), header first */
} doc_block;
typedef struct { doc_block *blocks; int n, cap; } doc;

typedef struct { int ncols; char cell[RPT_MAXCOLS][RPT_CELL]; } doc_rowbuf;

void doc_heading(doc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doc_text(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_quote(doc *d, const char *text);
/* Start a table; its header is the row r. */
void doc_table(doc *d, const doc_rowbuf *header);
/* Append a body row to the last table block. */
void doc_row(doc *d, const doc_rowbuf *r);
void doc_image(doc *d, const char *base, const char *caption);
/* Give the last heading of d the HTML anchor id unless it has one, so that links can point to it. Returns
   the heading's anchor (id, or the one it had), NULL when d has no heading. */
const char *doc_set_id(doc *d, const char *id);
/* In a cell, a link to the heading with anchor id (doc_set_id): a link in the html, its text in markdown. */
#define DOC_LINK_MARK '\x01'
#define DOC_LINK_END '\x02'
void doc_rb_add_link(doc_rowbuf *r, const char *id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Row builder: doc_rb_clear, then doc_rb_add once per cell, left to right. */
void doc_rb_clear(doc_rowbuf *r);
void doc_rb_add(doc_rowbuf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Add each cell of a NULL-terminated list as it is (no format). */
void doc_rb_cells(doc_rowbuf *r, const char *const *cells);
/* Start a table whose header is the NULL-terminated list of names. */
void doc_table_head(doc *d, const char *const *names);
int doc_write_md(const doc *d, const char *path, char *err, size_t errlen);
/* html with inline CSS; each image's SVG (read from outdir) is embedded inline, the PNG linked. */
int doc_write_html(const doc *d, const char *outdir, const char *path, char *err, size_t errlen);
void doc_free(doc *d);

/* ---- experiments: runs grouped into configurations (report.c) ---- */
typedef struct {
    int *rows;          /* (n) rows of runs.csv with status ok, in file order */
    int *seeds;         /* (n) their seeds */
    int n, ndiverged;
    int first;          /* any row of this configuration, for its configuration columns */
    int total;          /* rows of any status (ok, diverged, pruned, ...) */
    int cfg;            /* its configuration in the experiment's runset */
} rpt_group;

typedef struct {
    char name[128];     /* the experiment: its declared name, else the basename of its directory */
    char dir[4096];
    /* Hooks for the stored declaration (DIR/experiment.ini, filled by the declaration loader when present):
       title[0] == 0: the report uses name; description NULL: no introduction paragraph;
       ref_group -1: the default reference (rpt_default_reference); expected_runs 0: per configuration,
       the most seeds any configuration has. */
    char title[256];
    char *description;  /* malloc'd, freed with the experiment */
    int ref_group;      /* index into groups of the declared reference, or -1 */
    int expected_runs;  /* declared runs per configuration, or 0 */
    int partial;        /* some of the stored grid's runs are in, not all: declared selectors may match none yet */
    char label[4096];   /* how headings tell this result set apart: name, or name (path) when names repeat */
    char prefix[160];   /* file names of its images: name, or name_2, ... when names repeat */
    runset *rs;         /* the runs, read and grouped once (runset.h); runs and curves below are its tables */
    int position;       /* of its directory among those given to sweep report: the report's order */
    table runs, curves; /* curves.nrows == 0 when curves.csv is absent */
    int ncfg, cfg_cols[RPT_MAXCOLS * 2];   /* configuration columns of runs.csv */
    int nvary, vary_cols[RPT_MAXCOLS * 2]; /* those that take more than one value */
    int nlabel, label_cols[RPT_MAXCOLS * 2]; /* the fewest of those that tell the configurations apart */
    const char *cfg_names[RPT_MAXCOLS * 2]; /* names of the configuration columns, for selectors */
    rpt_group *groups;  /* (ngroups) sorted by the varying columns */
    int ngroups;
    experiment *spec;   /* DIR/experiment.ini as stored by sweep run (name, description, grid, declarations
                           in spec->decl), or NULL when the directory has none */
} rpt_exp;

/* Value of configuration column col of group g ("" when the column is absent). */
const char *rpt_cfg(const rpt_exp *e, const rpt_group *g, const char *col);
double rpt_cfg_num(const rpt_exp *e, const rpt_group *g, const char *col);
/* Short label of g from its label columns, e.g. "dropout=0.3, batch_size=8" or "variant=l2" (report_label.c). */
void rpt_label(const rpt_exp *e, const rpt_group *g, char *buf, size_t n);
/* e->label_cols: the fewest varying columns, dropped from the last, that tell every group apart. 0, or -1. */
int rpt_label_columns(rpt_exp *e);

/* ---- metrics, summaries, comparisons, verdicts (report_stats.c) ---- */
typedef enum {
    M_TEST_ACC, M_TRAIN_ACC, M_GAP, M_BEST_EPOCH, M_SEC_EPOCH, M_EPOCHS_RUN,
    M_ACC_DROPOUT_ON, M_PRED_CHANGE, M_ACC_MC, M_TRAIN_LOSS, M_VAL_LOSS, M_VAL_ACC, M_TEST_LOSS, M_SECONDS,
    M_COUNT
} rpt_metric;
/* The metric named as in runs.csv ("gap" for train_acc - test_acc), or -1. */
int rpt_metric_find(const char *name);
const char *rpt_metric_name(rpt_metric m);
/* Unit of the metric's values in the report: "%" (accuracies, pred_change), "pp" (gap) or "". */
const char *rpt_metric_unit(rpt_metric m);
/* Values of metric m for the runs of g into out (g->n of them, NaN when missing). Accuracies, the gap
   and pred_change are in percent. Returns g->n. */
int rpt_values(const rpt_exp *e, const rpt_group *g, rpt_metric m, double *out);
void rpt_summary(const rpt_exp *e, const rpt_group *g, rpt_metric m, stats_summary *s);
/* Summary over the pooled runs of several groups. */
void rpt_summary_pooled(const rpt_exp *e, rpt_group *const *gs, int ng, rpt_metric m, stats_summary *s);

typedef struct { stats_test t; double p_holm; int ok; } rpt_cmp;   /* ok = 0: too few runs to test */
/* mean(m on g) - mean(m on ref): paired by seed when both hold the same seeds once each, else Welch. */
void rpt_compare(const rpt_exp *e, const rpt_group *g, const rpt_group *ref, rpt_metric m, rpt_cmp *c);
/* mean(a - b) over the runs of g (two metrics of the same runs, paired). */
void rpt_compare_within(const rpt_exp *e, const rpt_group *g, rpt_metric a, rpt_metric b, rpt_cmp *c);
/* Fill p_holm over the n comparisons (one family). */
void rpt_holm(rpt_cmp *c, int n);
/* 1 when c is significant after Holm and its difference has the sign of `sign` (+1 or -1). */
int rpt_significant(const rpt_cmp *c, int sign);

typedef enum { V_INCONCLUSIVE, V_SUPPORTED, V_CONTRADICTED } rpt_verdict;
const char *rpt_verdict_word(rpt_verdict v);
/* Supported when every comparison is significant with sign; contradicted when any is significant
   against it; inconclusive otherwise. */
rpt_verdict rpt_rule_all(const rpt_cmp *c, int n, int sign);
/* As rpt_rule_all, with "more than half" in place of "every" and "any". */
rpt_verdict rpt_rule_majority(const rpt_cmp *c, int n, int sign);

/* "86.00 ± 2.48" (mean ± CI half-width); "86.00 (n=1)"; "—" when n = 0. */
const char *rpt_fmt_sum(char *buf, size_t n, const stats_summary *s, int decimals);
/* "+0.45 [-0.12, +1.02]" */
const char *rpt_fmt_diff(char *buf, size_t n, const rpt_cmp *c, int decimals);
/* "0.031 (Holm 0.093, paired)" */
const char *rpt_fmt_p(char *buf, size_t n, const rpt_cmp *c);

/* ---- plots (report_plots.c) ---- */
typedef struct {
    const char *outdir;
    char plotdir[4096];  /* the templates: $SWEEP_PLOTS, else plots/ beside the executable, else ./plots */
    char gnuplot[512];   /* $SWEEP_GNUPLOT or "gnuplot" */
    int disabled;        /* --no-plots */
    int unavailable;     /* gnuplot could not be started: later plots are skipped */
    int nfailed, nmade;
    char first_error[512];
    strlist owned;       /* base names of the plots this report wrote (report_files.c) */
} rpt_plotter;

/* report_files.c: note that base.dat/.png/.svg belong to this report (0, or -1 out of memory); after the
   report is written, remove the plots the previous report into the same directory listed and this one did
   not write, and list this one's (the number of plots removed, or -1 with a message in err); free the list. */
int rpt_files_note(rpt_plotter *p, const char *base);
int rpt_files_prune(const rpt_plotter *p, char *err, size_t errlen);
void rpt_files_free(rpt_plotter *p);

void rpt_plotter_init(rpt_plotter *p, const char *outdir, const char *argv0);
/* Open outdir/base.dat for writing (NULL on failure, counted as a failed plot). */
FILE *rpt_dat_open(rpt_plotter *p, const char *base);
/* Run plots/<tmpl>.gp once, with datafile=outdir/base.dat, outbase=outdir/base and the nkv
   name/value pairs in kv as string variables; the template writes base.png and base.svg.
   Returns 0 when both images exist afterwards. */
int rpt_plot(rpt_plotter *p, const char *tmpl, const char *base, int nkv, const char *const *kv);

/* Wide data (one row per x value or label; per series mean, ci_lo, ci_hi; v is (nseries, nrows)) plotted
   by template tmpl (lines_ci or bars_ci), which also gets nseries and the nkv pairs of kv. */
/* An accuracy axis that shows differences of a few points: from just below the lowest CI bound to just
   above the highest (at most 100), as "%g" text in ymin/ymax; both left empty (automatic) if v has no range. */
void rpt_zoom_range(const stats_summary *v, int n, char *ymin, char *ymax, size_t len);
int rpt_plot_series(rpt_plotter *p, const char *tmpl, const char *base, const char *xname,
                    const char *const *rows, int nrows, const char *const *names, int nseries,
                    const stats_summary *v, int nkv, const char *const *kv);
/* A grid of values v (nrows, ncols) with row and column labels, plotted by the heatmap template. */
int rpt_plot_heatmap(rpt_plotter *p, const char *base, const char *const *rows, int nrows,
                     const char *const *cols, int ncols, const double *v, int nkv, const char *const *kv);

/* ---- sections (report_tables.c, report_claims.c) ---- */
#define RPT_MAXVERDICTS 64
typedef struct {
    char experiment[128], claim[160];
    rpt_verdict v;
    char anchor[48];    /* the html anchor of the claim's section ("" when it has no heading) */
} rpt_verdict_entry;
typedef struct {
    doc d;
    rpt_plotter plot;
    int nverdicts;
    rpt_verdict_entry verdicts[RPT_MAXVERDICTS];   /* for the summary at the top */
} rpt_ctx;
typedef int (*rpt_section_fn)(rpt_ctx *x, rpt_exp *e);   /* -1: the data do not fit; use generic */
int rpt_section_generic(rpt_ctx *x, rpt_exp *e);
/* The experiment's declared tables (report_tables.c); rpt_section_declared (report_claims.c) calls it. */
void rpt_declared_tables(rpt_ctx *x, rpt_exp *e);
/* Load DIR/experiment.ini into e->spec when there is one and check its declarations against the runs (unless
   the sweep is under way: some of its grid's runs in, not all). Returns 0, or -1 with "file:line: ..." in err
   (a bad declaration: sweep report exits 2). */
int rpt_load_declaration(rpt_exp *e, char *err, size_t errlen);
/* The configurations of e for selectors (decl.h). */
void rpt_configs(const rpt_exp *e, decl_configs *c);
/* The configuration with the best mean validation accuracy (selection never looks at test), or NULL. */
const rpt_group *rpt_best_on_validation(const rpt_exp *e);

/* ---- declared claims: comparisons, readings, verdicts (report_inference.c) ---- */
#define RPT_UNTESTED (-2)
typedef struct {
    const rpt_group *g, *ref;   /* ref NULL: another metric of the same runs, or a constant */
    int control;                /* a control comparison (the claim's `control` selector) */
    rpt_cmp c;                  /* difference or ratio, its 95% CI, p of "equal to the threshold", Holm */
    int outcome;                /* 1 as predicted, -1 against, 0 neither, RPT_UNTESTED */
} rpt_claim_cmp;
typedef struct { int n, tested, with, against, ncontrol, control_free; } rpt_claim_tally;
/* The value a directional claim's difference is tested against: target, moved by the margin. */
double rpt_claim_threshold(const decl_claim *cl);
/* Fill k->c for k->g (and k->ref). */
void rpt_claim_measure(const rpt_exp *e, const decl_claim *cl, rpt_claim_cmp *k);
/* Holm over the n comparisons, then each one's outcome. */
void rpt_claim_read(const decl_claim *cl, rpt_claim_cmp *k, int n);
/* The one rule of the claim's kind: see rpt_claim_rule for its words. */
rpt_verdict rpt_claim_verdict(const decl_claim *cl, const rpt_claim_cmp *k, int n, rpt_claim_tally *t);
/* Unit of the claim's differences: "pp" for accuracies, "" for a ratio, else the metric's. */
const char *rpt_claim_unit(const decl_claim *cl);
void rpt_claim_rule(const decl_claim *cl, char *buf, size_t len);

/* Shared by sections: the group whose configuration column col equals v (numerically), among groups
   that also match the optional second pair (col2 NULL to ignore). NULL when none. */
rpt_group *rpt_find(rpt_exp *e, const char *col, double v, const char *col2, double v2);
/* Learning curves (validation accuracy and loss per epoch, mean and min-max over seeds) of the groups,
   one line per group, as two images <exp>_curves_acc and <exp>_curves_loss. */
void rpt_curves(rpt_ctx *x, const rpt_exp *e, rpt_group *const *gs, const char *const *names, int ng);
/* As rpt_curves, the images named <prefix>_curves_acc/_loss, titled "<title>: ...". More than 4 groups are
   drawn as small multiples (a panel per group, shared axes), not as one crowded plot. */
void rpt_curves_named(rpt_ctx *x, const rpt_exp *e, const char *prefix, const char *title, rpt_group *const *gs,
                      const char *const *names, int ng);
/* The automatic section every experiment gets (report_auto.c): what varies, the reference, plots, every
   configuration with the best chosen on validation accuracy, differences against the reference. */
int rpt_section_auto(rpt_ctx *x, rpt_exp *e);
/* For each column of [sweep] best_per (report_best.c): the best configuration at each of its values, chosen on
   validation accuracy, with its test accuracy and its difference from the reference at that value. partner
   (ngroups): each group's reference (report_auto.h, auto_ctx.partner). */
void rpt_best_per(rpt_ctx *x, const rpt_exp *e, const int *partner);
/* Two result sets of one experiment (same name, other paths) side by side, configuration by configuration. */
void rpt_side_by_side(rpt_ctx *x, const rpt_exp *a, const rpt_exp *b);
/* Index into e->groups of the default reference when none is declared: the first group in sorted order
   (the smallest value of each varying column in column order, the first variant by name). -1: no groups. */
int rpt_default_reference(const rpt_exp *e);

/* Replace every character of s not safe in a file name (letters, digits, - _ .) by '_'. */
void rpt_safe_name(char *s);
/* The experiment's declared tables, then its claims with their verdicts, after the automatic section (one call
   site, in report.c); nothing when it declares none. */
int rpt_section_declared(rpt_ctx *x, rpt_exp *e);
/* The experiment's declared censuses (report_census.c), each with its verdict, after its claims; nothing when
   it declares none. */
int rpt_section_census(rpt_ctx *x, rpt_exp *e);

/* The generic configuration table (varying columns, test/train acc, gap, epochs run). */
void rpt_generic_table(rpt_ctx *x, const rpt_exp *e);
/* The verdict paragraph ("**Verdict: supported.** Rule: ... Measured: ...") and its summary entry. */
void rpt_verdict_line(rpt_ctx *x, const rpt_exp *e, const char *claim, rpt_verdict v, const char *rule,
                      const char *numbers);

#endif
