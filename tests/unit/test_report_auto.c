/* The automatic report section on small hand-made results: the best configuration is chosen on validation
   accuracy (never test), the default reference is the smallest value of each varying column, a partial
   sweep says how many runs are in, and a column the schema does not know is a configuration column. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

#define HDR "run_id,status,variant,seed,hidden,dropout,data,my_knob,epochs_run,train_acc,val_acc,test_acc\n"

static char dir[64], md[1 << 16];

/* A fresh directory for one test's results; files created in it; removed with everything in it. */
static void new_dir(void) {
    snprintf(dir, sizeof dir, "/tmp/test_report_auto_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static FILE *create(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    return f;
}

static void remove_dir(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* dropout 0 / 0.5 (x my_knob a / b when knob), seeds 1-2; dropout 0.5 has the best validation accuracy,
   dropout 0 the best test accuracy. skip: leave out the last run. */
static void make(int knob, int skip) {
    new_dir();
    FILE *f = create("runs.csv");
    fputs(HDR, f);
    int id = 0, n = knob ? 8 : 4;
    for (int i = 0; i < n - skip; i++) {
        int hi = i % 2, seed = 1 + (i / 2) % 2;
        fprintf(f, "r%d,ok,base,%d,8,%s,d,%s,3,0.9,%s,%s\n", id++, seed, hi ? "0.5" : "0", i >= 4 ? "b" : "a",
                hi ? "0.80" : "0.70", hi ? (seed == 1 ? "0.60" : "0.62") : (seed == 1 ? "0.75" : "0.76"));
    }
    fclose(f);
}

static void report(void) {
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/rep", dir);
    const char *argv[] = {"report", "--no-plots", "-o", out, dir, NULL};
    fflush(stdout);
    cr_assert_eq(cmd_report(5, (char **)argv), 0);
    snprintf(path, sizeof path, "%s/report.md", out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    md[fread(md, 1, sizeof md - 1, f)] = 0;
    fclose(f);
    remove_dir();
}

Test(report_auto, best_is_chosen_on_validation_not_test) {
    make(0, 0);
    report();
    cr_expect(strstr(md, "**Best configuration, chosen on validation accuracy: dropout=0.5**"), "%s", md);
    cr_expect(strstr(md, "its test accuracy 61.00 ± "), "%s", md);
    cr_expect(strstr(md, "Reference configuration: **dropout=0** (default"), "%s", md);
    cr_expect(strstr(md, "| 0.5 | 2 of 2 |"), "%s", md);
    cr_expect_null(strstr(md, "Partial sweep"));
}

Test(report_auto, partial_sweep_and_unknown_column) {
    make(1, 1);
    report();
    cr_expect(strstr(md, "**Partial sweep:** 7 of 8 runs are in"), "%s", md);
    cr_expect(strstr(md, "| 0.5 | b | 1 of 2 |"), "the user's column is a configuration column:\n%s", md);
    cr_expect(strstr(md, "my_knob (2 values, categorical)"), "%s", md);
}

/* [sweep] best_per = train_size: at each size, the configuration with the best validation accuracy (dropout 0.5
   at 100, dropout 0 at 200, whatever the test accuracy says), its difference from the reference at that size. */
static void make_best_per(const char *best_per) {
    new_dir();
    FILE *f = create("experiment.ini");
    fprintf(f, "[sweep]\nname = bp\ndropout = 0, 0.5\ntrain_size = 100, 200\nseeds = 1-3\nreference = dropout=0\n"
               "best_per = %s\n[set]\nseeds = 1-2\n", best_per);
    fclose(f);
    f = create("runs.csv");
    fputs("run_id,status,variant,seed,hidden,dropout,train_size,data,epochs_run,train_acc,val_acc,test_acc\n", f);
    for (int i = 0; i < 8; i++) {
        int hi = i % 2, big = (i / 2) % 2, seed = 1 + i / 4;
        double val = big ? (hi ? 0.70 : 0.80) : (hi ? 0.80 : 0.70), test = hi ? 0.60 + 0.01 * seed : 0.75 + 0.02 * seed;
        fprintf(f, "r%d,ok,base,%d,8,%s,%s,d,3,0.9,%.2f,%.2f\n", i, seed, hi ? "0.5" : "0", big ? "200" : "100", val, test);
    }
    fclose(f);
}

Test(report_auto, best_per_column_is_chosen_on_validation) {
    make_best_per("train_size");
    report();
    cr_expect(strstr(md, "### Best configuration at each train_size"), "%s", md);
    cr_expect(strstr(md, "| 100 | dropout=0.5, train_size=100 | 2 | 80.00 ± "), "%s", md);
    cr_expect(strstr(md, "| 200 | dropout=0, train_size=200 | 2 | 80.00 ± "), "%s", md);
    cr_expect(strstr(md, "| 61.50 ± 6.35 | 78.00 ± 12.71 | -16.50 \\[-22.85, -10.15\\] | 0.0193 (Holm 0.0193, paired) |"),
              "dropout 0.5 at 100 against dropout 0 at 100, paired by seed:\n%s", md);
    cr_expect(strstr(md, "| is the reference |"), "%s", md);
    cr_expect(strstr(md, "**Run with overrides** (sweep run --set, stored as \\[set\\]): seeds=1-2."), "%s", md);
}

Test(report_auto, best_per_must_name_a_varying_setting) {
    make_best_per("batch_size");
    char out[128];
    snprintf(out, sizeof out, "%s/rep", dir);
    const char *argv[] = {"report", "--no-plots", "-o", out, dir, NULL};
    fflush(stdout);
    cr_expect_eq(cmd_report(5, (char **)argv), 2);
    remove_dir();
}

/* A search's results in a fresh directory: dropout (two values) x col (nvals values) x seeds 1-2, every run
   pruned after 1 epoch except those of dropout value ok_d and col value ok_v (3 epochs, ok). */
static void pruned_grid(const char *col, const char *const *dropout, const char *const *vals, int nvals, int ok_d,
                        int ok_v) {
    new_dir();
    FILE *f = create("runs.csv");
    fprintf(f, "run_id,status,variant,seed,hidden,dropout,%s,data,epochs_run,train_acc,val_acc,test_acc\n", col);
    for (int d = 0, id = 0; d < 2; d++)
        for (int v = 0; v < nvals; v++)
            for (int seed = 1; seed <= 2; seed++) {
                int ok = d == ok_d && v == ok_v;
                fprintf(f, "r%d,%s,base,%d,8,%s,%s,d,%d,0.9,0.8%d,0.7%d\n", id++, ok ? "ok" : "pruned", seed,
                        dropout[d], vals[v], ok ? 3 : 1, seed, seed);
            }
    fclose(f);
}

/* A search prunes whole configurations: a plot whose slice holds only pruned runs is left out, not handed to
   gnuplot with no valid point (which failed the report, exit 1). */
Test(report_auto, plots_skip_slices_with_only_pruned_runs) {
    pruned_grid("augment", (const char *[]){"0", "0.5"}, (const char *[]){"flip", "none", "shift1"}, 3, 1, 1);
    char out[128];
    snprintf(out, sizeof out, "%s/rep", dir);
    const char *argv[] = {"report", "-o", out, dir, NULL};
    fflush(stdout);
    cr_expect_eq(cmd_report(4, (char **)argv), 0, "a plot of pruned runs only failed the report");
    remove_dir();
}

/* reference = dropout=0 in a dropout × train_size grid names one reference per size: each configuration is
   compared with dropout=0 at its own size (+1.5 at 100, +2.5 at 200), not with dropout=0 at 100 for all
   (which made dropout=0.5 at 200 look 12.5 points better, size and dropout confounded). */
Test(report_auto, declared_reference_pairs_at_each_value_it_leaves_free) {
    new_dir();
    FILE *f = create("experiment.ini");
    fputs("[sweep]\nname = rg\ndropout = 0, 0.5\ntrain_size = 100, 200\nseeds = 1-2\nreference = dropout=0\n", f);
    fclose(f);
    f = create("runs.csv");
    fputs("run_id,status,variant,seed,hidden,dropout,train_size,data,epochs_run,train_acc,val_acc,test_acc\n", f);
    const char *test[2][2][2] = {{{"0.70", "0.72"}, {"0.71", "0.74"}}, {{"0.80", "0.82"}, {"0.83", "0.84"}}};
    for (int big = 0, id = 0; big < 2; big++)
        for (int hi = 0; hi < 2; hi++)
            for (int seed = 1; seed <= 2; seed++)
                fprintf(f, "r%d,ok,base,%d,8,%s,%s,d,3,0.9,0.8,%s\n", id++, seed, hi ? "0.5" : "0", big ? "200" : "100",
                        test[big][hi][seed - 1]);
    fclose(f);
    report();
    cr_expect(strstr(md, "### Against the reference (dropout=0, at the same train_size)"), "%s", md);
    cr_expect(strstr(md, "| dropout=0.5, train_size=100 | +1.50 \\["), "%s", md);
    cr_expect(strstr(md, "| dropout=0.5, train_size=200 | +2.50 \\["), "%s", md);
    cr_expect_null(strstr(md, "| dropout=0, train_size=200 | +"), "a reference is not compared with another:\n%s", md);
    cr_expect(strstr(md, "Reference: **dropout=0** (declared in the experiment): 2 configurations, one at each "
                         "train_size;"), "%s", md);
}

/* A plot the data no longer supports is removed on the next report into the same directory (it stayed
   beside the report before: results/full/reproduction kept a one-point plot of best_mlp), and a file the
   report never wrote is left alone. */
Test(report_auto, plots_the_report_no_longer_shows_are_removed) {
    make(0, 0);
    char out[128], mine[192], cmd[256], png[192], dat[192];
    snprintf(out, sizeof out, "%s/rep", dir);
    snprintf(png, sizeof png, "ls %s/*_acc_vs_dropout.png > /dev/null 2>&1", out);
    snprintf(dat, sizeof dat, "ls %s/*_acc_vs_dropout.dat > /dev/null 2>&1", out);
    const char *argv[] = {"report", "-o", out, dir, NULL};
    fflush(stdout);
    cr_assert_eq(cmd_report(4, (char **)argv), 0);
    cr_assert_eq(system(png), 0, "the first report draws accuracy against dropout");
    snprintf(mine, sizeof mine, "%s/notes.txt", out);
    FILE *f = fopen(mine, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "sed -i '/,0.5,/s/,ok,/,pruned,/' %s/runs.csv", dir);   /* dropout 0.5: no run ok */
    cr_assert_eq(system(cmd), 0);
    const char *tables_only[] = {"report", "--no-plots", "-o", out, dir, NULL};
    cr_assert_eq(cmd_report(5, (char **)tables_only), 0);
    cr_expect_eq(system(png), 0, "--no-plots leaves the earlier plots alone");
    cr_assert_eq(cmd_report(4, (char **)argv), 0);
    cr_expect_neq(system(png), 0, "the one-point plot is gone");
    cr_expect_neq(system(dat), 0, "and its data");
    cr_expect_eq(access(mine, F_OK), 0, "a file the report did not write stays");
    remove_dir();
}

/* A search that prunes all but one cell of a dropout × input_dropout grid: no heat map of one coloured cell
   (the full-size report drew one for best_mlp). */
Test(report_auto, heatmap_needs_two_values_of_each_axis_with_runs_ok) {
    pruned_grid("input_dropout", (const char *[]){"0.3", "0.5"}, (const char *[]){"0", "0.2"}, 2, 0, 1);
    char out[128], cmd[192];
    snprintf(out, sizeof out, "%s/rep", dir);
    const char *argv[] = {"report", "-o", out, dir, NULL};
    fflush(stdout);
    cr_assert_eq(cmd_report(4, (char **)argv), 0);
    snprintf(cmd, sizeof cmd, "ls %s/*heatmap* > /dev/null 2>&1", out);
    cr_expect_neq(system(cmd), 0, "a heat map with one cell of runs ok was drawn");
    remove_dir();
}

/* Each variant sets its own dropout: the variant alone names a configuration ("variant=wide", not "variant=wide,
   dropout=0.5", which ran panel titles into each other); dropout stays in the table of every configuration. */
Test(report_auto, labels_use_the_fewest_columns_that_tell_configurations_apart) {
    new_dir();
    FILE *f = create("runs.csv");
    fputs(HDR, f);
    const char *variant[] = {"base", "narrow", "wide"}, *dropout[] = {"0", "0.3", "0.5"};
    for (int v = 0, id = 0; v < 3; v++)
        for (int seed = 1; seed <= 2; seed++)
            fprintf(f, "r%d,ok,%s,%d,8,%s,d,a,3,0.9,0.7%d,0.6%d\n", id++, variant[v], seed, dropout[v], v, seed);
    fclose(f);
    report();
    cr_expect(strstr(md, "**Best configuration, chosen on validation accuracy: variant=wide**"), "%s", md);
    cr_expect(strstr(md, "| variant=narrow | "), "%s", md);
    cr_expect(strstr(md, "| wide | 0.5 | 2 of 2 |"), "the table still shows dropout:\n%s", md);
}

/* best_per = train_size with a third axis the reference leaves free (batch_size): the best at each size is
   compared with dropout=0 at its own size and batch size (the per-configuration reference), not left without
   a reference because dropout=0 is two configurations at that size. */
Test(report_auto, best_per_reference_agrees_on_every_free_column) {
    new_dir();
    FILE *f = create("experiment.ini");
    fputs("[sweep]\nname = b3\ndropout = 0, 0.5\ntrain_size = 100, 200\nbatch_size = 8, 16\nseeds = 1-2\n"
          "reference = dropout=0\nbest_per = train_size\n", f);
    fclose(f);
    f = create("runs.csv");
    fputs("run_id,status,variant,seed,hidden,dropout,batch_size,train_size,data,epochs_run,train_acc,val_acc,"
          "test_acc\n", f);
    for (int i = 0, id = 0; i < 8; i++)   /* dropout 0.5 at batch 16 is best on validation at both sizes */
        for (int seed = 1; seed <= 2; seed++) {
            int hi = i & 1, b16 = (i >> 1) & 1, big = i >> 2;
            fprintf(f, "r%d,ok,base,%d,8,%s,%s,%s,d,3,0.9,%s,0.%d%d\n", id++, seed, hi ? "0.5" : "0",
                    b16 ? "16" : "8", big ? "200" : "100", hi && b16 ? "0.9" : "0.7", 6 + hi, seed + 2 * b16);
        }
    fclose(f);
    report();
    cr_expect(strstr(md, "| 100 | dropout=0.5, batch_size=16, train_size=100 | 2 | 90.00 ± 0.00 | 73.50 ± "), "%s", md);
    cr_expect(strstr(md, "| 63.50 ± 6.35 | +10.00 \\["), "against dropout=0 at batch 16 and size 100:\n%s", md);
}
