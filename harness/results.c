/* results: the result-column tables and the formatting of result rows; the column order is fixed by SCHEMA.md. */
#include "results.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC(f) offsetof(results_record, f)
#define EPO(f) offsetof(train_epoch, f)

/* name, offset, format, precision, direction, since */
const results_column results_columns[] = {
    {"epochs_run", REC(r.epochs_run), RCOL_INT, 0, 0, 1},
    {"best_epoch", REC(r.best_epoch), RCOL_INT, 0, 0, 1},
    {"train_loss", REC(r.train_loss), RCOL_NUM, 6, -1, 1},
    {"train_acc", REC(r.train_acc), RCOL_NUM, 6, +1, 1},
    {"val_loss", REC(r.val_loss), RCOL_NUM, 6, -1, 1},
    {"val_acc", REC(r.val_acc), RCOL_NUM, 6, +1, 1},
    {"test_loss", REC(r.test_loss), RCOL_NUM, 6, -1, 1},
    {"test_acc", REC(r.test_acc), RCOL_NUM, 6, +1, 1},
    {"test_acc_dropout_on", REC(r.test_acc_dropout_on), RCOL_NUM, 6, +1, 1},
    {"pred_change", REC(r.pred_change), RCOL_NUM, 6, -1, 1},
    {"test_acc_mc", REC(r.test_acc_mc), RCOL_NUM, 6, +1, 1},
    {"seconds", REC(r.seconds), RCOL_NUM, 4, -1, 1},
    {"sec_per_epoch", REC(sec_per_epoch), RCOL_NUM, 4, -1, 1},
    {"blas_core", REC(prov.blas_core), RCOL_TEXT, 0, 0, 2},
    {"isa", REC(prov.isa), RCOL_TEXT, 0, 0, 2},
    {"sweep_version", REC(prov.version), RCOL_TEXT, 0, 0, 2},
};
const int results_columns_count = (int)(sizeof results_columns / sizeof results_columns[0]);

/* curves.csv: one list (an X-macro) gives both the table and the header's names. */
#define CURVE_COLUMNS(X)                                                                                      \
    X(epoch, RCOL_INT, 0, 0) X(seconds, RCOL_NUM, 4, -1) X(train_loss, RCOL_NUM, 6, -1)                     \
    X(train_acc, RCOL_NUM, 6, +1) X(val_loss, RCOL_NUM, 6, -1) X(val_acc, RCOL_NUM, 6, +1)                   \
    X(test_loss, RCOL_NUM, 6, -1) X(test_acc, RCOL_NUM, 6, +1)
#define CURVE_ROW(f, fmt, prec, dir) {#f, EPO(f), fmt, prec, dir, 1},
#define CURVE_NAME(f, fmt, prec, dir) #f,
const results_column results_curve_columns[] = {CURVE_COLUMNS(CURVE_ROW)};
const int results_curve_columns_count = (int)(sizeof results_curve_columns / sizeof results_curve_columns[0]);
static const char *const curves_header[] = {"run_id", CURVE_COLUMNS(CURVE_NAME)};

static const char *const lead_cols[] = {"run_id", "status", "variant", "seed"};
#define N_LEAD ((int)(sizeof lead_cols / sizeof lead_cols[0]))

int results_runs_ncols(void) { return N_LEAD + settings_count - 1 + results_columns_count; }

void results_runs_header(const char **cols) {
    int k = 0;
    for (int i = 0; i < N_LEAD; i++) cols[k++] = lead_cols[i];
    for (int i = 0; i < settings_count; i++)
        if (i != settings_seed_index()) cols[k++] = settings_table[i].name;
    for (int i = 0; i < results_columns_count; i++) cols[k++] = results_columns[i].name;
}

const char *const *results_curves_header(int *n) {
    *n = (int)(sizeof curves_header / sizeof curves_header[0]);
    return curves_header;
}

const results_column *results_find(const char *name) {
    for (int i = 0; i < results_columns_count; i++)
        if (!strcmp(results_columns[i].name, name)) return &results_columns[i];
    return NULL;
}

void results_num(char *buf, size_t n, double v, int prec) {
    if (!isfinite(v)) buf[0] = 0;
    else snprintf(buf, n, "%.*g", prec, v);
}

static void format_cell(char *buf, const results_column *c, const void *base) {
    const char *p = (const char *)base + c->offset;
    switch (c->format) {
    case RCOL_INT: snprintf(buf, RESULTS_CELL, "%d", *(const int *)p); break;
    case RCOL_NUM: results_num(buf, RESULTS_CELL, *(const double *)p, c->prec); break;
    case RCOL_TEXT: snprintf(buf, RESULTS_CELL, "%s", p); break;
    }
}

void results_run_row(char (*cells)[RESULTS_CELL], const char *run_id, const char *variant, const run_config *c,
                     const train_result *r, double train_seconds) {
    results_record rec = {*r, r->epochs_run > 0 ? train_seconds / r->epochs_run : NAN, {{0}, {0}, {0}}};
    provenance_get(&rec.prov);
    int k = 0;
    snprintf(cells[k++], RESULTS_CELL, "%s", run_id);
    snprintf(cells[k++], RESULTS_CELL, "%s", r->status == TRAIN_DIVERGED ? "diverged" : r->status == TRAIN_PRUNED ? "pruned" : "ok");
    snprintf(cells[k++], RESULTS_CELL, "%s", variant);
    settings_format(settings_seed_index(), c, cells[k++], RESULTS_CELL);
    for (int i = 0; i < settings_count; i++)
        if (i != settings_seed_index()) settings_format(i, c, cells[k++], RESULTS_CELL);
    for (int i = 0; i < results_columns_count; i++) format_cell(cells[k++], &results_columns[i], &rec);
}

void results_curve_row(char (*cells)[RESULTS_CELL], const char *run_id, const train_epoch *e) {
    snprintf(cells[0], RESULTS_CELL, "%s", run_id);
    for (int i = 0; i < results_curve_columns_count; i++) format_cell(cells[i + 1], &results_curve_columns[i], e);
}
