/* The search summary read back from rungs.csv and runs.csv: epochs against the grid, the best configuration at
   the last rung and its runs' test accuracy (matched by configuration id), pruned rows counted as trained. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_search.h"
#include "settings.h"

static void config_id(const char *dropout, char out[17]) {
    run_config c;
    char err[256];
    settings_defaults(&c);
    cr_assert_eq(settings_apply(&c, "dropout", dropout, err, sizeof err), 0);
    cr_assert_eq(settings_apply(&c, "epochs", "3", err, sizeof err), 0);
    c.train.seed = 0;
    settings_run_id(&c, "base", out);
}

Test(report_search, summary_of_a_halving) {
    char dir[] = "/tmp/sweep-rs.XXXXXX", path[256], a[17], b[17];
    cr_assert(mkdtemp(dir));
    config_id("0", a);
    config_id("0.5", b);
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "ladder,configuration,rung,epochs,metric,value,rank,promoted,description\n"
               "halving,%s,0,1,val_acc,0.7,1,1,dropout=0\nhalving,%s,0,1,val_acc,0.6,2,0,dropout=0.5\n"
               "halving,%s,1,3,val_acc,0.8,1,,dropout=0\n", a, b, a);
    fclose(f);
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "run_id,status,variant,seed,dropout,epochs,epochs_run,test_acc\n"
               "r1,pruned,base,1,0.5,3,1,0.5\nr2,pruned,base,2,0.5,3,1,0.5\n"
               "r3,ok,base,1,0,3,3,0.7\nr4,ok,base,2,0,3,3,0.9\n");
    fclose(f);
    rpt_search_summary s;
    char err[512];
    cr_assert_eq(rpt_search_summarize(dir, &s, err, sizeof err), 1, "%s", err);
    cr_assert_eq(s.n_ladders, 1);
    cr_assert_eq(s.n_configs, 2);
    cr_assert_eq(s.n_seeds, 2);
    cr_assert_eq(s.epochs, 8);
    cr_assert_eq(s.grid_epochs, 12);
    cr_assert_str_eq(s.best, "dropout=0");
    cr_assert_float_eq(s.best_value, 0.8, 1e-12);
    cr_assert_float_eq(s.best_test_acc, 0.8, 1e-12, "mean test accuracy of the best configuration's ok runs");
    doc d = {0};
    cr_assert_eq(rpt_section_search(&d, dir, err, sizeof err), 0, "%s", err);
    cr_assert(d.n >= 3);
    int found = 0;
    for (int i = 0; i < d.n; i++)
        if (d.blocks[i].kind == DOC_TABLE)
            for (int k = 0; k < (d.blocks[i].nrows + 1) * d.blocks[i].ncols; k++)
                found |= !strcmp(d.blocks[i].cells[k], "dropout=0.5");
    cr_assert(found, "the pruned configuration is named in the ladder table");
    doc_free(&d);
    unlink(path);
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    unlink(path);
    cr_assert_eq(rpt_search_summarize(dir, &s, err, sizeof err), 0, "no rungs.csv: not a search");
    rmdir(dir);
}

/* Many long names pruned at one rung: the cell lists whole names that fit and counts the rest ("and 9 more"),
   instead of cutting a name where the cell ends. */
Test(report_search, long_pruned_list_is_counted_not_cut) {
    char dir[] = "/tmp/sweep-rs.XXXXXX", path[256], err[512];
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/rungs.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "ladder,configuration,rung,epochs,metric,value,rank,promoted,description\n");
    for (int i = 0; i < 12; i++)
        fprintf(f, "halving,%016d,0,1,val_acc,0.%d,%d,%d,dropout=0.%d input_dropout=0.2 augment=shift1+flip\n", i,
                90 - i, i + 1, i == 0, i);
    fclose(f);
    char runs[256];
    snprintf(runs, sizeof runs, "%s/runs.csv", dir);
    f = fopen(runs, "w");
    fprintf(f, "run_id,status,variant,seed,dropout,epochs,epochs_run,test_acc\nr1,ok,base,1,0,1,1,0.5\n");
    fclose(f);
    doc d = {0};
    cr_assert_eq(rpt_section_search(&d, dir, err, sizeof err), 0, "%s", err);
    const char *cell = NULL;
    for (int i = 0; i < d.n; i++)
        if (d.blocks[i].kind == DOC_TABLE && d.blocks[i].nrows >= 1 && d.blocks[i].ncols >= 6)
            cell = d.blocks[i].cells[2 * d.blocks[i].ncols - 1];
    cr_assert_not_null(cell);
    const char *more = strstr(cell, "; and ");
    cr_assert_not_null(more, "%s", cell);
    int listed = 1, rest = 0;
    for (const char *p = cell; p < more; p++) listed += *p == ';';
    cr_assert_eq(sscanf(more, "; and %d more", &rest), 1, "%s", cell);
    cr_assert_eq(listed + rest, 11, "%s", cell);
    cr_assert(strstr(more - 13, "shift1+flip; and "), "the last listed name is whole: %s", cell);
    doc_free(&d);
    unlink(path);
    unlink(runs);
    rmdir(dir);
}
