/* check_compare: the runs of the baseline and of the current results grouped into configurations, and each
   configuration's mean of the metric compared (see check_internal.h). */
#include "check_internal.h"
#include "stats.h"
#include "table.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_LEVEL 0.95
/* A drop of exactly atol (as printed in the CSV) must stay within tolerance despite binary rounding of
   the means: 0.9 - 0.89 is 0.010000000000000009 in doubles. */
#define CHECK_SLACK 1e-9

/* The configuration columns are runset.c's (variant, hidden..data, and any column the schema does not know),
   taken from the headers, so a setting added to the runner's output is grouped on without touching this
   file; a configuration column that one file has and the other lacks is reported missing. Grouping and
   the equality of cells ("0.10" = "0.1") are runset's: one rule for check, report, ls and compare. */
#define N_ANCHORS 3

/* ---- grouping ---- */

static int add_name(const char **names, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return n;
    names[n] = name;
    return n + 1;
}

int check_read_side(check_side *c, const char *path) {
    char err[1024];
    if (runset_open_runs(&c->rs, path, err, sizeof err)) {
        fprintf(stderr, "sweep check: %s\n", err);
        return 2;
    }
    c->t = *runset_runs(c->rs);
    return 0;
}

int check_find_columns(check_state *s, const char *metric) {
    s->cfg_names = malloc((size_t)(N_ANCHORS + s->side[0].t.ncols + s->side[1].t.ncols) * sizeof *s->cfg_names);
    if (!s->cfg_names) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
    int n = add_name(s->cfg_names, 0, "variant");      /* labels list the columns in this order */
    for (int sd = 0; sd < 2; sd++) {
        const check_side *c = &s->side[sd];
        if (!c->rs) continue;
        for (int k = 0; k < runset_ncols(c->rs); k++) n = add_name(s->cfg_names, n, c->t.cols[runset_col(c->rs, k)]);
    }
    n = add_name(s->cfg_names, n, "hidden");            /* required even when a header lacks them */
    n = add_name(s->cfg_names, n, "data");
    s->ncfg = n;
    int rc = 0;
    for (int sd = 0; sd < 2; sd++) {
        check_side *c = &s->side[sd];
        if (!c->rs) continue;                           /* --update-baseline: no baseline read */
        c->cfg = malloc((size_t)n * sizeof *c->cfg);
        if (!c->cfg) { fprintf(stderr, "sweep check: out of memory\n"); return 2; }
        char missing[1024] = "";
        size_t len = 0;
        const char *need[3] = {"status", "seed", metric};
        int *idx[3] = {&c->status, &c->seed, &c->metric};
        for (int k = 0; k < n + 3; k++) {
            const char *name = k < 3 ? need[k] : s->cfg_names[k - 3];
            int j = table_col(&c->t, name);
            if (k < 3) *idx[k] = j;
            else c->cfg[k - 3] = j;
            if (j < 0 && len < sizeof missing)
                len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s", len ? ", " : "", name);
        }
        if (len) {
            fprintf(stderr, "sweep check: %s: missing columns: %s\n", c->t.path, missing);
            rc = 2;
        }
        if (!len && c->t.nrows == 0) {
            fprintf(stderr, "sweep check: %s: no runs (header only)\n", c->t.path);
            rc = 2;
        }
    }
    return rc;
}

static const char *config_cell(const check_state *s, const check_config *c, int k) {
    return table_cell(&s->side[c->side].t, c->row, s->side[c->side].cfg[k]);
}

static int add_config(check_state *s, int sd, int cfg) {
    if (s->nconf == s->conf_cap) {
        int cap = s->conf_cap ? 2 * s->conf_cap : 16;
        check_config *p = realloc(s->conf, (size_t)cap * sizeof *p);
        if (!p) return -1;
        s->conf = p;
        s->conf_cap = cap;
    }
    const int *rows;
    runset_config_rows(s->side[sd].rs, cfg, &rows);
    s->conf[s->nconf++] = (check_config){.side = sd, .row = rows[0], .cfg = {-1, -1}};
    return 0;
}

/* Configurations: the baseline's in order, then the current ones it lacks. Labels show variant and the
   columns that vary. */
int check_group_configs(check_state *s) {
    runset *base = s->side[BASE].rs, *cur = s->side[CUR].rs;
    int nb = base ? runset_nconfigs(base) : 0;
    for (int c = 0; c < nb; c++) {
        if (add_config(s, BASE, c)) return -1;
        s->conf[c].cfg[BASE] = c;
    }
    for (int c = 0; c < runset_nconfigs(cur); c++) {
        int f = base ? runset_find_config(base, runset_config_key(cur, c)) : -1;
        if (f < 0) {
            if (add_config(s, CUR, c)) return -1;
            f = s->nconf - 1;
        }
        s->conf[f].cfg[CUR] = c;
    }
    for (int f = 0; f < s->nconf; f++)
        for (int sd = 0; sd < 2; sd++) {
            const int *rows;
            s->conf[f].rows[sd] = s->conf[f].cfg[sd] < 0 ? 0 : runset_config_rows(s->side[sd].rs, s->conf[f].cfg[sd], &rows);
        }
    char *varies = calloc((size_t)s->ncfg + 1, 1);
    if (!varies) return -1;
    varies[0] = 1;                                      /* variant is always shown */
    for (int k = 1; k < s->ncfg; k++)
        for (int f = 1; f < s->nconf && !varies[k]; f++)
            varies[k] = !runset_same_value(config_cell(s, &s->conf[f], k), config_cell(s, &s->conf[0], k));
    for (int f = 0; f < s->nconf; f++) {
        char *buf;
        size_t size;
        FILE *m = open_memstream(&buf, &size);
        if (!m) { free(varies); return -1; }
        for (int k = 0; k < s->ncfg; k++) {
            const char *v = config_cell(s, &s->conf[f], k);
            if (varies[k]) fprintf(m, "%s%s=%s", k ? " " : "", s->cfg_names[k], *v ? v : "\"\"");
        }
        if (fclose(m)) { free(varies); return -1; }
        s->conf[f].label = buf;
    }
    free(varies);
    return 0;
}


/* ---- comparing ---- */

static void add_note(check_config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(check_config *c, const char *fmt, ...) {
    size_t len = strlen(c->note);
    if (len && len + 2 < sizeof c->note) { strcat(c->note, "; "); len += 2; }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->note + len, sizeof c->note - len, fmt, ap);
    va_end(ap);
}

/* Per-configuration scratch, each array as long as the longer table. */
typedef struct {
    double *vals[2], *paired_ref;
    double *seeds[2];
    int *match;
} check_scratch;

static void compare_config(check_state *s, const check_opts *o, int f, const check_scratch *w) {
    check_config *c = &s->conf[f];
    double *const *vals = w->vals;
    double *const *seeds = w->seeds;
    int diverged[2] = {0, 0}, other[2] = {0, 0}, empty[2] = {0, 0};
    for (int sd = 0; sd < 2; sd++) {
        const check_side *side = &s->side[sd];
        const int *rows;
        int nrows = c->cfg[sd] < 0 ? 0 : runset_config_rows(side->rs, c->cfg[sd], &rows);
        for (int i = 0; i < nrows; i++) {
            int r = rows[i];
            const char *status = table_cell(&side->t, r, side->status);
            if (strcmp(status, "ok")) {
                if (strcmp(status, "diverged")) other[sd]++;
                else diverged[sd]++;
                continue;
            }
            double v = table_num(&side->t, r, side->metric);
            if (isnan(v)) { empty[sd]++; continue; }
            vals[sd][c->n[sd]] = v;
            seeds[sd][c->n[sd]++] = table_num(&side->t, r, side->seed);
        }
        stats_summary sum;
        stats_summarize(vals[sd], c->n[sd], CHECK_LEVEL, &sum);
        c->mean[sd] = sum.mean;
    }
    c->diff = c->mean[CUR] - c->mean[BASE];
    c->verdict = V_OK;
    if (diverged[CUR] || other[CUR]) {
        c->verdict = V_REGRESSED;
        if (diverged[CUR]) add_note(c, "%d of %d current runs diverged", diverged[CUR], c->rows[CUR]);
        if (other[CUR]) add_note(c, "%d of %d current runs have a status other than ok", other[CUR], c->rows[CUR]);
    }
    if (diverged[BASE] || other[BASE]) add_note(c, "%d baseline runs not ok, left out", diverged[BASE] + other[BASE]);
    if (!c->n[BASE] || !c->n[CUR]) {
        if (c->n[BASE]) c->verdict = V_REGRESSED;       /* the baseline measured it, the current runs did not */
        else if (c->verdict != V_REGRESSED) c->verdict = V_SKIPPED;
        add_note(c, "no %s values %s", o->metric, c->n[BASE] ? "in current" : c->n[CUR] ? "in baseline" : "on either side");
        return;
    }
    if (empty[CUR]) {                                   /* an ok run must have measured it */
        c->verdict = V_REGRESSED;
        add_note(c, "%d current ok runs have no %s", empty[CUR], o->metric);
    }
    if (empty[BASE]) add_note(c, "%d baseline ok runs have no %s, left out", empty[BASE], o->metric);
    double gain_lo = c->diff, gain_hi = c->diff;        /* CI of the difference, if any; plain rule: a point */
    if (o->seed_aware && (c->n[BASE] < 2 || c->n[CUR] < 2)) {
        add_note(c, "fewer than 2 seeds: plain rule");
    } else if (o->seed_aware) {
        stats_test t;
        c->paired = runset_pair_seeds(seeds[CUR], c->n[CUR], seeds[BASE], c->n[BASE], w->match);
        if (c->paired) {
            for (int i = 0; i < c->n[CUR]; i++) w->paired_ref[i] = vals[BASE][w->match[i]];
            stats_paired(vals[CUR], w->paired_ref, c->n[CUR], CHECK_LEVEL, &t);
        } else {
            stats_welch(vals[CUR], c->n[CUR], vals[BASE], c->n[BASE], CHECK_LEVEL, &t);
        }
        c->has_ci = 1;
        c->ci_lo = t.ci_lo;
        c->ci_hi = t.ci_hi;
        gain_lo = t.ci_lo;
        gain_hi = t.ci_hi;
    }
    if (!s->higher_better) {                            /* lower is better: a gain is a negative difference */
        double lo = gain_lo;
        gain_lo = -gain_hi;
        gain_hi = -lo;
    }
    if (c->verdict == V_REGRESSED) return;
    if (gain_hi < -o->atol - CHECK_SLACK) c->verdict = V_REGRESSED;
    else if (gain_lo > o->atol + CHECK_SLACK) c->verdict = V_IMPROVED;
}


int check_compare_all(check_state *s, const check_opts *o, int count[4]) {
    int rc = 0;
    size_t nmax = (size_t)(s->side[0].t.nrows > s->side[1].t.nrows ? s->side[0].t.nrows : s->side[1].t.nrows) + 1;
    check_scratch w = {{malloc(nmax * sizeof(double)), malloc(nmax * sizeof(double))}, malloc(nmax * sizeof(double)),
                       {malloc(nmax * sizeof(double)), malloc(nmax * sizeof(double))}, malloc(nmax * sizeof(int))};
    if (w.vals[0] && w.vals[1] && w.paired_ref && w.seeds[0] && w.seeds[1] && w.match) {
        for (int i = 0; i < s->nconf; i++) {
            compare_config(s, o, i, &w);
            count[s->conf[i].verdict]++;
        }
    } else {
        fprintf(stderr, "sweep check: out of memory\n");
        rc = 2;
    }
    free(w.vals[0]);
    free(w.vals[1]);
    free(w.paired_ref);
    free(w.seeds[0]);
    free(w.seeds[1]);
    free(w.match);
    return rc;
}
