/* results: formatting of result rows; the column order is fixed by SCHEMA.md. */
#include "results.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const curves_cols[] = {"run_id", "epoch", "seconds", "train_loss", "train_acc",
                                          "val_loss", "val_acc", "test_loss", "test_acc"};
static const char *const metric_cols[] = {"epochs_run", "best_epoch", "train_loss", "train_acc", "val_loss",
                                          "val_acc", "test_loss", "test_acc", "test_acc_dropout_on",
                                          "pred_change", "test_acc_mc", "seconds", "sec_per_epoch"};
#define N_METRICS ((int)(sizeof metric_cols / sizeof metric_cols[0]))
static const char *const lead_cols[] = {"run_id", "status", "variant", "seed"};
#define N_LEAD ((int)(sizeof lead_cols / sizeof lead_cols[0]))

int results_runs_ncols(void) { return N_LEAD + settings_count - 1 + N_METRICS; }

void results_runs_header(const char **cols) {
    int k = 0;
    for (int i = 0; i < N_LEAD; i++) cols[k++] = lead_cols[i];
    for (int i = 0; i < settings_count; i++)
        if (i != settings_seed_index()) cols[k++] = settings_table[i].name;
    for (int i = 0; i < N_METRICS; i++) cols[k++] = metric_cols[i];
}

const char *const *results_curves_header(int *n) {
    *n = (int)(sizeof curves_cols / sizeof curves_cols[0]);
    return curves_cols;
}

void results_num(char *buf, size_t n, double v, int prec) {
    if (!isfinite(v)) buf[0] = 0;
    else snprintf(buf, n, "%.*g", prec, v);
}

void results_run_row(char (*cells)[RESULTS_CELL], const char *run_id, const char *variant, const run_config *c,
                     const train_result *r, double train_seconds) {
    int k = 0;
    snprintf(cells[k++], RESULTS_CELL, "%s", run_id);
    snprintf(cells[k++], RESULTS_CELL, "%s", r->status == TRAIN_DIVERGED ? "diverged" : r->status == TRAIN_PRUNED ? "pruned" : "ok");
    snprintf(cells[k++], RESULTS_CELL, "%s", variant);
    settings_format(settings_seed_index(), c, cells[k++], RESULTS_CELL);
    for (int i = 0; i < settings_count; i++)
        if (i != settings_seed_index()) settings_format(i, c, cells[k++], RESULTS_CELL);
    snprintf(cells[k++], RESULTS_CELL, "%d", r->epochs_run);
    snprintf(cells[k++], RESULTS_CELL, "%d", r->best_epoch);
    const double m[] = {r->train_loss, r->train_acc, r->val_loss, r->val_acc, r->test_loss, r->test_acc,
                        r->test_acc_dropout_on, r->pred_change, r->test_acc_mc};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) results_num(cells[k++], RESULTS_CELL, m[i], 6);
    results_num(cells[k++], RESULTS_CELL, r->seconds, 4);
    results_num(cells[k++], RESULTS_CELL, r->epochs_run > 0 ? train_seconds / r->epochs_run : NAN, 4);
}

void results_curve_row(char (*cells)[RESULTS_CELL], const char *run_id, const train_epoch *e) {
    int k = 0;
    snprintf(cells[k++], RESULTS_CELL, "%s", run_id);
    snprintf(cells[k++], RESULTS_CELL, "%d", e->epoch);
    results_num(cells[k++], RESULTS_CELL, e->seconds, 4);
    const double m[] = {e->train_loss, e->train_acc, e->val_loss, e->val_acc, e->test_loss, e->test_acc};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) results_num(cells[k++], RESULTS_CELL, m[i], 6);
}
