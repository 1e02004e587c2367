/* report_search: see report_search.h. Configurations are matched between rungs.csv and runs.csv by their id:
   the run id of the run's settings with the seed left out (as search_plan.c computes it). */
#include "report_search.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"

/* The configuration id of runs.csv row i. */
static void rs_config_id(const table *runs, int i, char out[17]) {
    run_config c;
    char err[512];
    settings_defaults(&c);
    for (int s = 0; s < settings_count; s++) {
        int col = table_col(runs, settings_table[s].name);
        if (col >= 0 && s != settings_seed_index()) (void)settings_parse(s, &c, table_cell(runs, i, col), err, sizeof err);
    }
    c.train.seed = 0;
    settings_run_id(&c, table_cell(runs, i, table_col(runs, "variant")), out);
}

static int rs_load(const char *dir, table *rungs, table *runs, char *err, size_t errlen) {
    char path[4200];
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    fclose(f);
    if (table_read(rungs, path, err, errlen)) return -1;
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    if (table_read(runs, path, err, errlen)) {
        table_free(rungs);
        return -1;
    }
    return 1;
}

static int rs_summarize(const table *rg, const table *runs, rpt_search_summary *s) {
    memset(s, 0, sizeof *s);
    int c_lad = table_col(rg, "ladder"), c_cfg = table_col(rg, "configuration"), c_rung = table_col(rg, "rung");
    int c_ep = table_col(rg, "epochs"), c_val = table_col(rg, "value"), c_desc = table_col(rg, "description");
    int c_pro = table_col(rg, "promoted"), c_met = table_col(rg, "metric");
    if (c_lad < 0 || c_cfg < 0 || c_rung < 0 || c_ep < 0 || c_val < 0 || c_desc < 0 || c_pro < 0 || c_met < 0) return -1;
    char best_id[17] = "";
    s->best_value = s->best_test_acc = NAN;
    for (int i = 0; i < rg->nrows; i++) {
        int ep = atoi(table_cell(rg, i, c_ep)), is_new_ladder = 1, is_new_desc = 1;
        if (ep > s->max_epochs) s->max_epochs = ep;
        for (int j = 0; j < i && (is_new_ladder || is_new_desc); j++) {
            if (!strcmp(table_cell(rg, j, c_lad), table_cell(rg, i, c_lad))) is_new_ladder = 0;
            if (!strcmp(table_cell(rg, j, c_desc), table_cell(rg, i, c_desc))) is_new_desc = 0;
        }
        s->n_ladders += is_new_ladder;
        s->n_configs += is_new_desc;
        snprintf(s->metric, sizeof s->metric, "%s", table_cell(rg, i, c_met));
        double v = table_num(rg, i, c_val);
        int higher = strstr(s->metric, "acc") != NULL;
        if (!*table_cell(rg, i, c_pro) && !isnan(v) && (isnan(s->best_value) || (higher ? v > s->best_value : v < s->best_value))) {
            s->best_value = v;
            snprintf(s->best, sizeof s->best, "%s", table_cell(rg, i, c_desc));
            snprintf(best_id, sizeof best_id, "%s", table_cell(rg, i, c_cfg));
        }
    }
    int c_er = table_col(runs, "epochs_run"), c_seed = table_col(runs, "seed"), c_test = table_col(runs, "test_acc");
    int c_status = table_col(runs, "status");
    double test_sum = 0;
    int test_n = 0;
    for (int i = 0; i < runs->nrows; i++) {
        s->epochs += c_er >= 0 ? atol(table_cell(runs, i, c_er)) : 0;
        int new_seed = 1;
        for (int j = 0; j < i && new_seed && c_seed >= 0; j++)
            new_seed = strcmp(table_cell(runs, i, c_seed), table_cell(runs, j, c_seed)) != 0;
        s->n_seeds += new_seed;
        char id[17];
        rs_config_id(runs, i, id);
        if (best_id[0] && !strcmp(id, best_id) && c_test >= 0 && !strcmp(table_cell(runs, i, c_status), "ok")) {
            test_sum += table_num(runs, i, c_test);
            test_n++;
        }
    }
    if (test_n) s->best_test_acc = test_sum / test_n;
    s->grid_epochs = (long)s->n_configs * s->n_seeds * s->max_epochs;
    return 0;
}

int rpt_search_summarize(const char *dir, rpt_search_summary *s, char *err, size_t errlen) {
    table rg, runs;
    int got = rs_load(dir, &rg, &runs, err, errlen);
    if (got <= 0) return got;
    int rc = rs_summarize(&rg, &runs, s) ? (snprintf(err, errlen, "%s/rungs.csv: missing columns", dir), -1) : 1;
    table_free(&rg);
    table_free(&runs);
    return rc;
}

int rpt_section_search(doc *d, const char *dir, char *err, size_t errlen) {
    table rg, runs;
    int got = rs_load(dir, &rg, &runs, err, errlen);
    if (got <= 0) return got;
    rpt_search_summary s;
    if (rs_summarize(&rg, &runs, &s)) {
        snprintf(err, errlen, "%s/rungs.csv: missing columns", dir);
        table_free(&rg);
        table_free(&runs);
        return -1;
    }
    doc_heading(d, 3, "Search: %s", s.n_ladders > 1 ? "Hyperband" : "successive halving");
    doc_text(d, "%d configurations x %d seeds, ranked on %s (mean over seeds) at each rung. Epochs trained: %ld of %ld "
             "for the full grid (%.1f%%). Best at the last rung: **%s** (%s %.4f, test accuracy %.4f).",
             s.n_configs, s.n_seeds, s.metric, s.epochs, s.grid_epochs, 100.0 * s.epochs / (s.grid_epochs ? s.grid_epochs : 1),
             s.best, s.metric, s.best_value, s.best_test_acc);
    doc_rowbuf r;
    doc_rb_clear(&r);
    doc_rb_add(&r, "ladder"); doc_rb_add(&r, "rung"); doc_rb_add(&r, "epochs"); doc_rb_add(&r, "configurations");
    doc_rb_add(&r, "leader (%s)", s.metric); doc_rb_add(&r, "pruned here");
    doc_table(d, &r);
    int c_lad = table_col(&rg, "ladder"), c_rung = table_col(&rg, "rung"), c_ep = table_col(&rg, "epochs");
    int c_val = table_col(&rg, "value"), c_desc = table_col(&rg, "description"), c_pro = table_col(&rg, "promoted");
    for (int i = 0; i < rg.nrows;) {
        int j = i;
        char pruned[RPT_CELL] = "";
        size_t used = 0;
        int npruned = 0, listed = 0;    /* those that do not fit in the cell are counted: "and 5 more" */
        while (j < rg.nrows && !strcmp(table_cell(&rg, j, c_lad), table_cell(&rg, i, c_lad)) &&
               !strcmp(table_cell(&rg, j, c_rung), table_cell(&rg, i, c_rung))) {
            const char *desc = table_cell(&rg, j, c_desc);
            if (!strcmp(table_cell(&rg, j, c_pro), "0") && listed == npruned++ &&
                used + strlen(desc) + 2 < sizeof pruned - 24) {
                used += (size_t)snprintf(pruned + used, sizeof pruned - used, "%s%s", used ? "; " : "", desc);
                listed++;
            }
            j++;
        }
        if (npruned > listed)
            used += (size_t)snprintf(pruned + used, sizeof pruned - used, "%s%d more", used ? "; and " : "", npruned - listed);
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", table_cell(&rg, i, c_lad));
        doc_rb_add(&r, "%s", table_cell(&rg, i, c_rung));
        doc_rb_add(&r, "%s", table_cell(&rg, i, c_ep));
        doc_rb_add(&r, "%d", j - i);
        doc_rb_add(&r, "%s (%.4f)", table_cell(&rg, i, c_desc), table_num(&rg, i, c_val));
        doc_rb_add(&r, "%s", used ? pruned : "-");
        doc_row(d, &r);
        i = j;
    }
    doc_text(d, "Runs stopped at a rung have status pruned in runs.csv and stay out of the claim tables. A configuration "
             "is judged on its %s after the rung's epochs: one that converges more slowly (stronger regularization) can be "
             "pruned before it would have caught up.", s.metric);
    table_free(&rg);
    table_free(&runs);
    return 0;
}
