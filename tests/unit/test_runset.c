/* runset: reading a results directory with shards, deduplicating runs, grouping into configurations
   under the one equality rule, and pairing seeds. Each test writes its own small results directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runset.h"

#define HDR "run_id,status,variant,seed,hidden,dropout,lr,data,test_acc,seconds\n"

static char dir[64];

static void mkdir_tmp(void) {
    snprintf(dir, sizeof dir, "/tmp/test_runset_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void put(const char *rel, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(path, 0777); *p = '/'; }
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static runset *open_ok(void) {
    runset *rs;
    char err[512] = "";
    cr_assert_eq(runset_open(&rs, dir, err, sizeof err), 0, "%s", err);
    return rs;
}

static void cleanup(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(runset, groups_numerically_equal_cells_into_one_configuration) {
    mkdir_tmp();
    put("runs.csv", HDR
        "a,ok,base,1,\"16,16\",0.10,0.001,d,0.8,1\n"
        "b,ok,base,2,\"16.0, 16\",0.1,1e-3,d,0.81,1\n"
        "c,ok,base,1,\"16,16\",0.5,0.001,d,0.7,1\n"
        "d,diverged,base,3,\"16,16\",0.50,0.0010,d,,1\n");
    runset *rs = open_ok();
    cr_expect_eq(runset_runs(rs)->nrows, 4);
    cr_expect_eq(runset_nconfigs(rs), 2);
    cr_expect_eq(runset_config_of(rs, 0), runset_config_of(rs, 1));
    cr_expect_eq(runset_config_of(rs, 2), runset_config_of(rs, 3));
    cr_expect_neq(runset_config_of(rs, 0), runset_config_of(rs, 2));
    const int *rows;
    cr_expect_eq(runset_config_rows(rs, runset_config_of(rs, 2), &rows), 2);
    cr_expect_eq(rows[0], 2);
    cr_expect_eq(rows[1], 3);
    /* variant, hidden, dropout, lr, lr_schedule, beta1, beta2, eps (settings added since: filled with their
       defaults), data: only dropout varies */
    cr_expect_eq(runset_ncols(rs), 9);
    int nvary = 0;
    for (int k = 0; k < runset_ncols(rs); k++)
        if (runset_col_varies(rs, k)) {
            nvary++;
            cr_expect_str_eq(runset_runs(rs)->cols[runset_col(rs, k)], "dropout");
        }
    cr_expect_eq(nvary, 1);
    runset_close(rs);
    cleanup();
}

Test(runset, unknown_column_is_a_configuration_column) {
    mkdir_tmp();
    put("runs.csv", "run_id,status,variant,seed,hidden,dropout,data,my_knob,test_acc\n"
        "a,ok,base,1,8,0,d,x,0.8\n"
        "b,ok,base,1,8,0,d,y,0.8\n");
    runset *rs = open_ok();
    cr_expect_eq(runset_nconfigs(rs), 2);
    runset_close(rs);
    cleanup();
}

Test(runset, shards_are_read_and_identical_duplicates_are_one_run) {
    mkdir_tmp();
    put("runs.csv", HDR "a,ok,base,1,8,0,0.1,d,0.8,1.5\n");
    put("shards/1-of-2/runs.csv", HDR "a,ok,base,1,8,0,0.1,d,0.8,9.0\nb,ok,base,2,8,0,0.1,d,0.82,1\n");
    put("shards/2-of-2/runs.csv", HDR "c,ok,base,3,8,0,0.1,d,0.83,1\n");
    put("shards/2-of-2/curves.csv", "run_id,epoch,val_acc\nc,1,0.5\nc,2,0.6\n");
    put("curves.csv", "run_id,epoch,val_acc\na,1,0.4\n");
    runset *rs = open_ok();
    cr_expect_eq(runset_runs(rs)->nrows, 3);
    cr_expect_eq(runset_nconfigs(rs), 1);
    cr_expect_eq(runset_curves(rs)->nrows, 3);
    const int *rows;
    cr_expect_eq(runset_curve_rows(rs, 2, &rows), 2);
    cr_expect_str_eq(table_cell(runset_curves(rs), rows[1], 2), "0.6");
    cr_expect_eq(runset_curve_rows(rs, 1, &rows), 0);
    runset_close(rs);
    cleanup();
}

Test(runset, conflicting_duplicate_is_an_error) {
    mkdir_tmp();
    put("runs.csv", HDR "a,ok,base,1,8,0,0.1,d,0.8,1.5\n");
    put("shards/1-of-2/runs.csv", HDR "a,ok,base,1,8,0,0.1,d,0.9,1.5\n");
    runset *rs;
    char err[512] = "";
    cr_expect_eq(runset_open(&rs, dir, err, sizeof err), -1);
    cr_expect(strstr(err, "run a conflicts") && strstr(err, "test_acc"), "%s", err);
    cleanup();
}

Test(runset, shards_without_top_level_file) {
    mkdir_tmp();
    put("shards/1-of-1/runs.csv", HDR "a,ok,base,1,8,0,0.1,d,0.8,1.5\n");
    runset *rs = open_ok();
    cr_expect_eq(runset_runs(rs)->nrows, 1);
    runset_close(rs);
    char err[512] = "";
    rmdir(dir);
    cleanup();
    mkdir_tmp();
    cr_expect_eq(runset_open(&rs, dir, err, sizeof err), -1);
    cr_expect(strstr(err, "no runs.csv"), "%s", err);
    cleanup();
}

Test(runset, keys_match_across_sets_whatever_the_column_order) {
    mkdir_tmp();
    put("a/runs.csv", HDR "a,ok,base,1,8,0.5,0.1,d,0.8,1\n");
    put("b/runs.csv", "data,lr,dropout,hidden,seed,variant,status,run_id,test_acc\nd,0.10,0.50,8.0,1,base,ok,a,0.8\n");
    char pa[128], pb[128], err[256];
    snprintf(pa, sizeof pa, "%s/a", dir);
    snprintf(pb, sizeof pb, "%s/b/runs.csv", dir);
    runset *a, *b;
    cr_assert_eq(runset_open(&a, pa, err, sizeof err), 0, "%s", err);
    cr_assert_eq(runset_open(&b, pb, err, sizeof err), 0, "%s", err);
    cr_expect_eq(runset_find_config(b, runset_config_key(a, 0)), 0);
    cr_expect_eq(runset_find_config(b, "nope"), -1);
    runset_close(a);
    runset_close(b);
    cleanup();
}

Test(runset, equality_and_order_rule) {
    cr_expect(runset_same_value("0.10", "0.1"));
    cr_expect(runset_same_value("256,256", "256.0,256"));
    cr_expect(runset_same_value("-0", "0"));
    cr_expect_not(runset_same_value("256,256", "256"));
    cr_expect_not(runset_same_value("shift2", "shift2+flip"));
    cr_expect_not(runset_same_value("0.1", "0.1x"));
    cr_expect_lt(runset_cell_cmp("16,16", "16,32"), 0);
    cr_expect_lt(runset_cell_cmp("9", "10"), 0);
    cr_expect_gt(runset_cell_cmp("0.5", "0.25"), 0);
    cr_expect_eq(runset_cell_cmp("0.50", "0.5"), 0);
}

Test(runset, pairs_seeds_only_when_each_is_held_once) {
    double x[] = {3, 1, 2}, r[] = {1, 2, 3}, dup[] = {1, 1, 2}, other[] = {1, 2, 4};
    int m[3];
    cr_assert(runset_pair_seeds(x, 3, r, 3, m));
    cr_expect(m[0] == 2 && m[1] == 0 && m[2] == 1);
    cr_expect_not(runset_pair_seeds(dup, 3, r, 3, m));
    cr_expect_not(runset_pair_seeds(r, 3, dup, 3, m));
    cr_expect_not(runset_pair_seeds(x, 3, other, 3, m));
    cr_expect_not(runset_pair_seeds(x, 3, r, 2, m));
}
