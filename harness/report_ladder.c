/* report_ladder: the rung ladder of a halving / Hyperband search as a plot: the ranking metric per epoch, one
   line per configuration (mean over its seeds), each line stopping at the epoch where the configuration was
   pruned. Read from the experiment's runs (every status) and curves, grouped as the rest of the report. */
#include "report.h"
#include "report_search.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *id; int group; } ladder_key;

static int ladder_key_cmp(const void *a, const void *b) {
    return strcmp(((const ladder_key *)a)->id, ((const ladder_key *)b)->id);
}

/* Sums and counts of the metric per (group, epoch) into sum/cnt (ngroups, maxep); returns 0 or -1 (memory). */
static int ladder_accumulate(const rpt_exp *e, int c_metric, int maxep, double *sum, int *cnt) {
    const table *runs = &e->runs, *cur = &e->curves;
    int c_id = table_col(runs, "run_id"), k_id = table_col(cur, "run_id"), k_ep = table_col(cur, "epoch");
    ladder_key *keys = calloc((size_t)runs->nrows + 1, sizeof *keys);
    if (!keys) return -1;
    int n = 0;
    for (int g = 0; g < e->ngroups; g++) {
        const int *rows;
        int nr = runset_config_rows(e->rs, e->groups[g].cfg, &rows);
        for (int i = 0; i < nr; i++) keys[n++] = (ladder_key){ table_cell(runs, rows[i], c_id), g };
    }
    qsort(keys, (size_t)n, sizeof *keys, ladder_key_cmp);
    for (int r = 0; r < cur->nrows; r++) {
        ladder_key probe = { table_cell(cur, r, k_id), 0 };
        const ladder_key *k = bsearch(&probe, keys, (size_t)n, sizeof *keys, ladder_key_cmp);
        double ep = table_num(cur, r, k_ep), v = table_num(cur, r, c_metric);
        if (!k || !(ep >= 1 && ep <= maxep) || !isfinite(v)) continue;
        sum[(size_t)k->group * maxep + (size_t)ep - 1] += v;
        cnt[(size_t)k->group * maxep + (size_t)ep - 1]++;
    }
    free(keys);
    return 0;
}

int rpt_search_ladder(rpt_ctx *x, const rpt_exp *e) {
    rpt_search_summary s;
    char err[512];
    if (rpt_search_summarize(e->dir, &s, err, sizeof err) != 1 || e->ngroups < 1 || s.max_epochs < 1) return 0;
    const char *metric = table_col(&e->curves, s.metric) >= 0 ? s.metric : "val_acc";
    int c_metric = table_col(&e->curves, metric), maxep = s.max_epochs, ng = e->ngroups, rc = -1;
    if (c_metric < 0) return 0;
    double *sum = calloc((size_t)ng * maxep, sizeof *sum);
    int *cnt = calloc((size_t)ng * maxep, sizeof *cnt);
    stats_summary *v = calloc((size_t)ng * maxep, sizeof *v);
    char (*lab)[160] = calloc((size_t)ng, sizeof *lab), (*eps)[16] = calloc((size_t)maxep, sizeof *eps);
    const char **names = calloc((size_t)ng, sizeof *names), **rows = calloc((size_t)maxep, sizeof *rows);
    if (!sum || !cnt || !v || !lab || !eps || !names || !rows || ladder_accumulate(e, c_metric, maxep, sum, cnt)) goto out;
    int acc = strstr(metric, "acc") != NULL;
    for (size_t i = 0; i < (size_t)ng * maxep; i++)   /* no CI: a line per configuration, stopping where pruned */
        v[i] = (stats_summary){ cnt[i], cnt[i] ? (acc ? 100.0 : 1.0) * sum[i] / cnt[i] : NAN, 0, NAN, NAN };
    for (int g = 0; g < ng; g++) {
        rpt_label(e, &e->groups[g], lab[g], sizeof lab[g]);
        names[g] = lab[g];
    }
    for (int k = 0; k < maxep; k++) {
        snprintf(eps[k], sizeof eps[k], "%d", k + 1);
        rows[k] = eps[k];
    }
    char base[256], title[512], ylabel[96];
    snprintf(base, sizeof base, "%s_ladder", e->prefix[0] ? e->prefix : e->name);
    snprintf(title, sizeof title, "%s: the rung ladder (%s per epoch, mean over seeds)", e->name, metric);
    snprintf(ylabel, sizeof ylabel, "%s%s", metric, acc ? " (%)" : "");
    const char *kv[] = { "title", title, "xlabel", "epoch", "ylabel", ylabel };
    rc = 0;
    if (rpt_plot_series(&x->plot, "lines_ci", base, "epoch", rows, maxep, names, ng, v, 3, kv) == 0)
        doc_image(&x->d, base, "The rung ladder: each configuration's ranking metric per epoch, mean over its seeds. "
                  "A line that stops early is a configuration pruned at that rung.");
out:
    free(sum); free(cnt); free(v); free(lab); free(eps); free(names); free(rows);
    return rc;
}
