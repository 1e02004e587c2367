/* check: the CI gate's exit codes, verdicts and files, driven through cmd_check as main() would.
   Fixtures in tests/fixtures/check (see the README there): two configurations (dropout 0 and 0.5)
   x seeds 1..3; the variants shift the dropout 0.5 configuration's test_acc. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

/* __FILE__ is tests/unit/test_check.c as the Makefile compiles it, so this works from the repo root
   (where `make unit` runs the tests) and from anywhere when compiled with an absolute path. */
static const char *fixture(const char *name) {
    static char buf[8][512];
    static int next;
    char *p = buf[next++ % 8];
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 0;
    snprintf(p, 512, "%.*s%s../fixtures/check/%s", dir, __FILE__, slash ? "/" : "", name);
    return p;
}

static char out[1 << 16], err[1 << 14];

static void slurp(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t len = fread(buf, 1, n - 1, f);
    buf[len] = '\0';
    fclose(f);
}

/* Runs cmd_check on a NULL-terminated argv with stdout and stderr captured into out and err. */
static int run(const char **args) {
    int argc = 0;
    while (args[argc]) argc++;
    char out_path[] = "/tmp/test_check_out_XXXXXX", err_path[] = "/tmp/test_check_err_XXXXXX";
    int fo = mkstemp(out_path), fe = mkstemp(err_path);
    cr_assert(fo >= 0 && fe >= 0);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    int rc = cmd_check(argc, (char **)args);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    close(fo);
    close(fe);
    slurp(out_path, out, sizeof out);
    slurp(err_path, err, sizeof err);
    unlink(out_path);
    unlink(err_path);
    return rc;
}
#define CHECK(...) run((const char *[]){"check", __VA_ARGS__, NULL})

/* The table line of a configuration (up to the newline), or "" when absent. */
static const char *line_of(const char *label) {
    static char line[1024];
    char key[256];
    snprintf(key, sizeof key, "| %s |", label);
    const char *p = strstr(out, key);
    if (!p) return "";
    size_t n = strcspn(p, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, p);
    return line;
}

/* Every stderr line is one problem, prefixed "sweep check: ". */
static int err_lines_prefixed(void) {
    int lines = 0;
    for (const char *p = err; *p; lines++) {
        if (strncmp(p, "sweep check: ", 13)) return 0;
        p = strchr(p, '\n');
        if (!p) return 0;
        p++;
    }
    return lines;
}

#define D0 "variant=base dropout=0"
#define D05 "variant=base dropout=0.5"

Test(check, baseline_against_itself_passes) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("base.csv")), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D0), "| 3/3 | 0.8700 | 0.8700 | +0.0000 | ok |"), "%s", out);
    cr_expect(strstr(line_of(D05), "| 3/3 | 0.8800 | 0.8800 | +0.0000 | ok |"), "%s", out);
    cr_expect(strstr(out, "**PASS**"));
    cr_expect_str_empty(err);
}

Test(check, drop_beyond_atol_is_a_regression) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("drop_0.03.csv")), 1, "%s%s", out, err);
    cr_expect(strstr(line_of(D05), "| 0.8800 | 0.8500 | -0.0300 | **REGRESSED** |"), "%s", out);
    cr_expect(strstr(line_of(D0), "| ok |"), "%s", out);
    cr_expect(strstr(out, "**FAIL**: 1 of 2 configurations regressed on test_acc"), "%s", out);
}

Test(check, drop_within_atol_passes) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("drop_0.005.csv")), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D05), "| -0.0050 | ok |"), "%s", out);
}

/* 0.87 - 0.88 is -0.010000000000000009 in doubles: without slack a drop of exactly atol failed. */
Test(check, drop_of_exactly_atol_passes) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("drop_atol.csv")), 0, "%s", out);
}

Test(check, atol_option_moves_the_line) {
    cr_expect_eq(CHECK("--atol", "0.05", "--baseline", fixture("base.csv"), fixture("drop_0.03.csv")), 0, "%s", out);
    cr_expect_eq(CHECK("--atol=0.001", "--baseline", fixture("base.csv"), fixture("drop_0.005.csv")), 1, "%s", out);
}

Test(check, improvement_is_reported_and_passes) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("improved.csv")), 0, "%s", out);
    cr_expect(strstr(line_of(D05), "| +0.0300 | improved |"), "%s", out);
    cr_expect(strstr(out, "1 improved"), "%s", out);
}

/* test_loss = 1.3 - test_acc in the fixtures: lower is better for a loss. */
Test(check, loss_metric_lower_is_better) {
    cr_expect_eq(CHECK("--metric", "test_loss", "--baseline", fixture("base.csv"), fixture("drop_0.03.csv")), 1, "%s", out);
    cr_expect(strstr(line_of(D05), "| 0.4200 | 0.4500 | +0.0300 | **REGRESSED** |"), "%s", out);
    cr_expect_eq(CHECK("--metric", "test_loss", "--baseline", fixture("drop_0.03.csv"), fixture("base.csv")), 0, "%s", out);
    cr_expect(strstr(line_of(D05), "| -0.0300 | improved |"), "%s", out);
}

/* Seeds +0.020, -0.054, -0.026: mean -0.02 fails the plain rule; the paired CI [-0.113, +0.073]
   reaches above -atol, so seed-aware does not call it. */
Test(check, seed_aware_forgives_noisy_small_drop) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("noisy_drop.csv")), 1, "%s", out);
    cr_expect_eq(CHECK("--seed-aware", "--baseline", fixture("base.csv"), fixture("noisy_drop.csv")), 0, "%s", out);
    cr_expect(strstr(line_of(D05), "| -0.0200 | [-0.1128, +0.0728] paired | ok |"), "%s", out);
}

Test(check, seed_aware_catches_consistent_drop_paired) {
    cr_expect_eq(CHECK("--seed-aware", "--baseline", fixture("base.csv"), fixture("consistent_drop.csv")), 1, "%s", out);
    cr_expect(strstr(line_of(D05), "paired | **REGRESSED** |"), "%s", out);
    cr_expect(strstr(line_of(D0), "| [+0.0000, +0.0000] paired | ok |"), "%s", out);
}

/* Seeds 4..6 against 1..3: nothing to pair, Welch. */
Test(check, seed_aware_uses_welch_without_common_seeds) {
    cr_expect_eq(CHECK("--seed-aware", "--baseline", fixture("base.csv"), fixture("consistent_drop_other_seeds.csv")),
                 1, "%s", out);
    cr_expect(strstr(line_of(D05), "Welch | **REGRESSED** |"), "%s", out);
    cr_expect(strstr(line_of(D0), "Welch | ok |"), "%s", out);
}

Test(check, seed_aware_falls_back_with_one_seed) {
    cr_expect_eq(CHECK("--seed-aware", "--baseline", fixture("base.csv"), fixture("one_seed_drop.csv")), 1, "%s", out);
    cr_expect(strstr(line_of(D05), "| 3/1 |"), "%s", out);
    cr_expect(strstr(line_of(D05), "| n/a | **REGRESSED** (fewer than 2 seeds: plain rule) |"), "%s", out);
    cr_expect(strstr(line_of(D0), "| n/a | ok (fewer than 2 seeds: plain rule) |"), "%s", out);
}

/* dropout 0, seed 2 diverged: its configuration fails even though the mean of the rest is within atol. */
Test(check, diverged_current_run_fails) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("diverged.csv")), 1, "%s", out);
    cr_expect(strstr(line_of(D0), "| 3/2 |"), "%s", out);
    cr_expect(strstr(line_of(D0), "**REGRESSED** (1 of 3 current runs diverged)"), "%s", out);
    cr_expect(strstr(line_of(D05), "| ok |"), "%s", out);
}

Test(check, diverged_baseline_run_is_left_out) {
    cr_expect_eq(CHECK("--baseline", fixture("diverged.csv"), fixture("base.csv")), 0, "%s", out);
    cr_expect(strstr(line_of(D0), "| 2/3 | 0.8680 | 0.8700 |"), "%s", out);
    cr_expect(strstr(line_of(D0), "1 baseline runs not ok, left out"), "%s", out);
}

/* Same runs, columns in reverse order, lr "0.10" and dropout "0.50": the same configurations. */
Test(check, columns_matched_by_name_and_numbers_by_value) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("reformatted.csv")), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D05), "| 3/3 |"), "%s", out);
}

Test(check, missing_file_is_unusable) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("no_such.csv")), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect(strstr(err, "no_such.csv"), "%s", err);
    cr_expect_str_empty(out);
    cr_expect_eq(CHECK("--baseline", fixture("no_such_baseline.csv"), fixture("base.csv")), 2);
    cr_expect(strstr(err, "no_such_baseline.csv"), "%s", err);
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), "/nonexistent/results/dir"), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
}

Test(check, missing_columns_are_named) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("missing_columns.csv")), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect(strstr(err, "missing_columns.csv: missing columns: test_acc, lr\n"), "%s", err);
}

Test(check, configuration_on_one_side_is_named) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("extra_config.csv")), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect(strstr(err, "configuration variant=base dropout=0.7 is only in the results"), "%s", err);
    cr_expect_str_empty(out);
    cr_expect_eq(CHECK("--baseline", fixture("extra_config.csv"), fixture("base.csv")), 2);
    cr_expect(strstr(err, "configuration variant=base dropout=0.7 is only in the baseline"), "%s", err);
}

Test(check, bad_arguments_are_unusable) {
    const char *base = fixture("base.csv");
    cr_expect_eq(CHECK("--baseline", base, "--frobnicate", base), 2);
    cr_expect(strstr(err, "unknown option '--frobnicate'"), "%s", err);
    cr_expect_eq(CHECK("--baseline", base, "--atol", "1e-2x", base), 2);
    cr_expect(strstr(err, "--atol: '1e-2x' is not a number"), "%s", err);
    cr_expect_eq(CHECK("--baseline", base, "--atol", "-0.1", base), 2);
    cr_expect_eq(CHECK("--baseline", base, "--atol", "nan", base), 2);
    cr_expect_eq(CHECK(base), 2);
    cr_expect(strstr(err, "--baseline FILE is required"), "%s", err);
    cr_expect_eq(CHECK("--baseline", base), 2);
    cr_expect_eq(CHECK("--baseline", base, base, base), 2);
    cr_expect_eq(CHECK(base, "--baseline"), 2);
    cr_expect_eq(CHECK("--baseline", base, "--metric", "epochs_run", base), 2);
    cr_expect(strstr(err, "give --direction higher or --direction lower"), "%s", err);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect_eq(CHECK("--baseline", base, "--direction", "sideways", base), 2);
    cr_expect(strstr(err, "--direction: 'sideways' is not higher or lower"), "%s", err);
}

Test(check, help_states_defaults_and_direction) {
    cr_expect_eq(CHECK("--help"), 0);
    cr_expect(strstr(out, "usage: sweep check --baseline"));
    cr_expect(strstr(out, "default test_acc"));
    cr_expect(strstr(out, "default 0.01"));
    cr_expect(strstr(out, "-d, --direction D"));
    cr_expect(strstr(out, "accuracies\n                       higher; losses, seconds"), "%s", out);
}

Test(check, junit_has_a_failure_for_the_regression) {
    char path[] = "/tmp/test_check_junit_XXXXXX";
    close(mkstemp(path));
    cr_expect_eq(CHECK("--junit", path, "--baseline", fixture("base.csv"), fixture("drop_0.03.csv")), 1);
    static char xml[1 << 14];
    slurp(path, xml, sizeof xml);
    unlink(path);
    cr_expect(strstr(xml, "<testsuite name=\"sweep-check\" tests=\"2\" failures=\"1\""), "%s", xml);
    cr_expect(strstr(xml, "<testcase classname=\"sweep-check\" name=\"" D0 "\"/>"), "%s", xml);
    const char *tc = strstr(xml, "name=\"" D05 "\">");
    cr_assert_not_null(tc, "%s", xml);
    cr_expect(strstr(tc, "<failure message=\"test_acc: baseline 0.8800, current 0.8500, difference -0.0300"), "%s", xml);
    int failures = 0;
    for (const char *p = xml; (p = strstr(p, "<failure")); p++) failures++;
    cr_expect_eq(failures, 1, "%s", xml);
    cr_expect(strstr(xml, "</testsuite>\n"));
}

/* Writes a copy of base.csv with the variant renamed, to a fresh path. */
static void write_renamed(char *path, const char *variant) {
    static char csv[1 << 14], renamed[1 << 15];
    slurp(fixture("base.csv"), csv, sizeof csv);
    char *o = renamed;
    for (const char *p = csv; *p;) {
        if (!strncmp(p, ",base,", 6)) {
            o += sprintf(o, ",%s,", variant);
            p += 6;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, renamed, strlen(renamed)), (ssize_t)strlen(renamed));
    close(fd);
}

Test(check, junit_escapes_names) {
    char csv[] = "/tmp/test_check_csv_XXXXXX", xml_path[] = "/tmp/test_check_junit_XXXXXX";
    write_renamed(csv, "a<b>&c'd");
    close(mkstemp(xml_path));
    cr_expect_eq(CHECK("--junit", xml_path, "--baseline", csv, csv), 0, "%s%s", out, err);
    static char xml[1 << 14];
    slurp(xml_path, xml, sizeof xml);
    unlink(csv);
    unlink(xml_path);
    cr_expect(strstr(xml, "name=\"variant=a&lt;b&gt;&amp;c&apos;d dropout=0.5\""), "%s", xml);
    cr_expect_null(strstr(xml, "a<b"), "%s", xml);
    cr_expect_null(strstr(xml, "<failure"), "%s", xml);
}

Test(check, update_baseline_writes_a_baseline_that_passes) {
    char dir[] = "/tmp/test_check_dir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char results[600], runs[700], baseline[700];
    snprintf(results, sizeof results, "%s/results", dir);
    snprintf(runs, sizeof runs, "%s/runs.csv", results);
    snprintf(baseline, sizeof baseline, "%s/baseline.csv", dir);
    cr_assert_eq(mkdir(results, 0755), 0);
    static char csv[1 << 14], copy[1 << 14];
    slurp(fixture("drop_0.03.csv"), csv, sizeof csv);
    FILE *f = fopen(runs, "w");
    cr_assert_not_null(f);
    fputs(csv, f);
    fclose(f);

    /* the old baseline calls it a regression; after the update the same results pass */
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), results), 1, "%s%s", out, err);
    cr_expect_eq(CHECK("--update-baseline", "--baseline", baseline, results), 0, "%s", err);
    cr_expect(strstr(out, "6 runs in 2 configurations"), "%s", out);
    slurp(baseline, copy, sizeof copy);
    int lines_in = 0, lines_out = 0;                /* the runs, row for row, in today's columns */
    for (const char *p = csv; *p; p++) lines_in += *p == '\n';
    for (const char *p = copy; *p; p++) lines_out += *p == '\n';
    cr_expect_eq(lines_out, lines_in);
    cr_expect(strstr(copy, ",l2,beta1,beta2,eps,batch_size,") && strstr(copy, ",blas_core,isa,sweep_version\n"), "%s", copy);
    cr_expect_eq(CHECK("--baseline", baseline, results), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D05), "| 0.8500 | 0.8500 | +0.0000 | ok |"), "%s", out);

    /* no temporary file left behind */
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d));) entries += e->d_name[0] != '.';
    closedir(d);
    cr_expect_eq(entries, 2, "baseline.csv and results/ only");
    unlink(runs);
    unlink(baseline);
    rmdir(results);
    rmdir(dir);
}

Test(check, update_baseline_refuses_unusable_results) {
    char path[] = "/tmp/test_check_base_XXXXXX";
    close(mkstemp(path));
    unlink(path);
    cr_expect_eq(CHECK("--update-baseline", "--baseline", path, fixture("missing_columns.csv")), 2);
    cr_expect(strstr(err, "missing columns"), "%s", err);
    cr_expect_eq(access(path, F_OK), -1, "no baseline written");
    char under_file[600];                           /* a directory that cannot be made is named */
    close(open(path, O_WRONLY | O_CREAT, 0644));
    snprintf(under_file, sizeof under_file, "%s/dir/base.csv", path);
    cr_expect_eq(CHECK("--update-baseline", "--baseline", under_file, fixture("base.csv")), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect(strstr(err, "cannot create the baseline's directory") && strstr(err, path) && !strstr(err, "XXXXXX."),
              "%s", err);
    unlink(path);
}

Test(check, update_baseline_creates_a_missing_directory) {
    char dir[] = "/tmp/test_check_mkdir_XXXXXX", base[700];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(base, sizeof base, "%s/new/sub/base.csv", dir);
    cr_expect_eq(CHECK("--update-baseline", "--baseline", base, fixture("base.csv")), 0, "%s", err);
    cr_expect_eq(access(base, F_OK), 0, "the baseline was written");
    cr_expect_eq(CHECK("--baseline", base, fixture("base.csv")), 0, "%s%s", out, err);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* A runtime metric can be gated: seconds are lower-is-better from the column table, and --direction
   overrides any column's direction. */
Test(check, runtime_metrics_have_a_direction) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), "--metric", "seconds", "--atol", "100", fixture("base.csv")),
                 0, "%s%s", out, err);
    cr_expect(strstr(out, "lower is better"), "%s", out);
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), "--metric", "epochs_run", "--direction", "higher",
                       fixture("base.csv")), 0, "%s%s", out, err);
}

/* --common-only gates the configurations both sides ran: a subset of a larger baseline passes, and the
   configurations on one side only are counted, not listed as errors. */
Test(check, common_only_gates_a_subset) {
    cr_expect_eq(CHECK("--baseline", fixture("extra_config.csv"), fixture("base.csv")), 2);
    cr_expect_eq(CHECK("--common-only", "--baseline", fixture("extra_config.csv"), fixture("base.csv")), 0, "%s%s",
                 out, err);
    cr_expect(strstr(err, "1 only in the baseline, 0 only in the results, not gated"), "%s", err);
    cr_expect_eq(CHECK("--common-only", "--baseline", fixture("base.csv"), fixture("drop_0.03.csv")), 1, "%s%s", out,
                 err);
}

/* A setting column in one file only (a baseline from before a schema change) cannot be grouped on:
   it is named, not ignored. */
Test(check, setting_column_on_one_side_is_named) {
    cr_expect_eq(CHECK("--baseline", fixture("extra_setting_column.csv"), fixture("base.csv")), 2);
    cr_expect_eq(err_lines_prefixed(), 1, "%s", err);
    cr_expect(strstr(err, "base.csv: missing columns: nesterov\n"), "%s", err);
}

/* test_acc_mc is empty unless mc_samples > 0: nothing to compare is unusable, not a pass. */
Test(check, metric_without_values_compares_nothing) {
    char path[] = "/tmp/test_check_junit_XXXXXX";
    close(mkstemp(path));
    cr_expect_eq(CHECK("--metric", "test_acc_mc", "--junit", path, "--baseline", fixture("base.csv"), fixture("base.csv")), 2);
    cr_expect(strstr(line_of(D05), "| skipped (no test_acc_mc values on either side) |"), "%s", out);
    cr_expect(strstr(err, "sweep check: no configuration has test_acc_mc values on both sides"), "%s", err);
    static char xml[1 << 14];
    slurp(path, xml, sizeof xml);
    unlink(path);
    cr_expect(strstr(xml, "skipped=\"2\""), "%s", xml);
    cr_expect(strstr(xml, "<skipped message="), "%s", xml);
}

/* A configuration whose baseline runs all diverged cannot be compared; the others still are. */
Test(check, configuration_without_baseline_values_is_skipped) {
    cr_expect_eq(CHECK("--baseline", fixture("all_diverged_d0.csv"), fixture("drop_0.005.csv")), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D0), "| 0/3 | n/a | 0.8700 | n/a | skipped ("), "%s", out);
    cr_expect(strstr(line_of(D0), "no test_acc values in baseline"), "%s", out);
    cr_expect(strstr(out, "1 skipped"), "%s", out);
}

Test(check, ok_run_without_the_metric_fails) {
    cr_expect_eq(CHECK("--baseline", fixture("base.csv"), fixture("missing_value.csv")), 1, "%s%s", out, err);
    cr_expect(strstr(line_of(D0), "| 3/2 |"), "%s", out);
    cr_expect(strstr(line_of(D0), "**REGRESSED** (1 current ok runs have no test_acc)"), "%s", out);
    cr_expect_eq(CHECK("--baseline", fixture("missing_value.csv"), fixture("base.csv")), 0, "%s%s", out, err);
    cr_expect(strstr(line_of(D0), "ok (1 baseline ok runs have no test_acc, left out)"), "%s", out);
}
