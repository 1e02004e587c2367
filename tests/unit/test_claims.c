/* Declared claims and tables in the report (experiment.ini beside runs.csv), on results written by the test
   itself. Run from the repository root, like `make unit`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t k = fread(s, 1, (size_t)n, f);
    s[k] = 0;
    fclose(f);
    return s;
}

static const char header[] =
    "run_id,status,variant,seed,hidden,activation,dropout,input_dropout,output_dropout,batchnorm,optimizer,lr,"
    "momentum,l2,batch_size,epochs,early_stopping,train_size,val_size,augment,mc_samples,data,epochs_run,"
    "best_epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,test_acc_dropout_on,pred_change,"
    "test_acc_mc,seconds,sec_per_epoch\n";

/* One ok run with dropout p, batch size b and test accuracy acc (fraction). */
static void put_run(FILE *f, int id, int seed, double p, int b, double acc)
{
    fprintf(f, "%016x,ok,base,%d,\"256,256\",relu,%g,0,0,0,adam,0.001,0.9,0,%d,5,0,1000,500,none,0,/data,5,3,"
            "0.3,%.5f,0.35,%.5f,0.36,%.5f,,,,1,0.2\n", id, seed, p, b, acc + 0.05, acc, acc);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int report(const char *dir, char *out)
{
    snprintf(out, 512, "%.400s/out", dir);
    const char *argv[] = { "report", "--no-plots", "-o", out, dir };
    return cmd_report(5, (char **)argv);
}

/* #14 item 3: 71 rates, 70 of them above 0.5. The old rate-table section kept the comparisons of the high
   rates in a stack array of 64 and read past its end when printing them (caught by -fsanitize=address),
   and its fixed buffer cut the numbers after a dozen rates. Every comparison must be listed. */
Test(claims, seventy_high_rates_are_all_compared)
{
    char dir[] = "/tmp/sweep_claims_XXXXXX", sub[512], out[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/rate_table", dir);
    cr_assert_eq(mkdir(sub, 0777), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/runs.csv", sub);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(header, f);
    int id = 1;
    static const double jitter[] = { 0.001, -0.002, 0.0005 };
    for (int k = 0; k <= 70; k++) {
        double p = k == 0 ? 0 : 0.5 + 0.005 * k;
        for (int s = 1; s <= 3; s++)   /* 2 + k/100 pp below p = 0 at each seed, plus a little jitter */
            put_run(f, id++, s, p, 64, 0.85 + 0.01 * (s - 2) - (k ? 0.02 + 0.0001 * k + jitter[s - 1] * 0.1 : 0));
    }
    fclose(f);
    write_file(sub, "experiment.ini",
               "[sweep]\nname = rate_table\ndropout = 0, 0.505, 0.51\nseeds = 1-3\nreference = dropout=0\n\n"
               "[claim p > 0.5 often hurts more than helps]\nquote = Too high dropout rate.\nmetric = test_acc\n"
               "compare = dropout>0.5\nagainst = dropout=0\ndirection = less\nquantifier = majority\n");
    cr_assert_eq(report(sub, out), 0);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "**Verdict on \"p &gt; 0.5 often hurts more than helps\": supported.**"));
    /* the last of the 70 comparisons is there, with its own difference: -(2 + 0.7) pp */
    cr_assert_not_null(strstr(md, "| dropout=0.85 | dropout=0 |"), "the 70th rate is listed");
    cr_assert_not_null(strstr(md, "-2.70 \\["), "and its difference");
    cr_assert_not_null(strstr(md, "70 of 70"), "every comparison counted");
    free(md);
}

/* ---- declarations that do not make sense: one line naming file:line, at load time ---- */
#include "experiment.h"

static const char grid[] = "[sweep]\nname = t\ndropout = 0, 0.5\nbatch_size = 8, 64\nseeds = 1-2\n";

/* Load grid + extra from a temporary file; returns the error ("" when it loads), with the file's path
   replaced by "F" so expectations can name lines. */
static const char *load_error(const char *extra)
{
    static char err[2048], msg[2048];
    char path[] = "/tmp/sweep_decl_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(grid, f);
    fputs(extra, f);
    fclose(f);
    experiment e;
    err[0] = 0;
    if (experiment_load(&e, path, NULL, 0, err, sizeof err) == 0) experiment_free(&e);
    unlink(path);
    const char *at = strstr(err, path);
    if (at) snprintf(msg, sizeof msg, "F%s", at + strlen(path));
    else snprintf(msg, sizeof msg, "%s", err);
    cr_assert_null(strchr(msg, '\n'), "one line: %s", msg);
    return msg;
}

/* The declaration fails to load with an error that contains want (the error is shown when it does not). */
static void load_fails_with(const char *decl, const char *want)
{
    const char *m = load_error(decl);
    cr_assert(strstr(m, want), "expected \"%s\" in \"%s\"", want, m);
}

static const char claim_ok[] = "[claim c]\nquote = q\nmetric = test_acc\ncompare = dropout>0\nagainst = dropout=0\n"
                               "direction = less\n";

Test(claims, a_good_declaration_loads)
{
    cr_assert_str_eq(load_error(claim_ok), "");
    cr_assert_str_eq(load_error("reference = dropout=0\n[table t]\ncolumns = A | B\nmetrics = test_acc, delta gap\n"
                                "row = dropout=0 : a | b\nrow = dropout>0 & batch_size<16 : c |\n    d\n"), "");
}

Test(claims, unknown_metric_names_its_line)
{
    const char *m = load_error("[claim c]\nquote = q\nmetric = test_accuracy\n");
    cr_assert(strstr(m, "F:8: metric: unknown metric 'test_accuracy'"), "%s", m);
    m = load_error("[table t]\ncolumns = A\nmetrics = gap, delta nope\nrow = all : x\n");
    cr_assert(strstr(m, "F:8: metrics: unknown metric 'nope'"), "%s", m);
}

Test(claims, unknown_column_names_its_line)
{
    const char *m = load_error("[claim c]\nquote = q\nmetric = gap\ncompare = droput>0\n");
    cr_assert(strstr(m, "F:9: unknown column 'droput'"), "%s", m);
    m = load_error("reference = variant\n");
    cr_assert(strstr(m, "F:6: reference: "), "%s", m);
    m = load_error("[claim c]\nquote = q\nmetric = gap\nfor_every = color\n");
    cr_assert(strstr(m, "F:9: for_every: unknown configuration column 'color'"), "%s", m);
}

Test(claims, selector_matching_nothing_in_the_grid)
{
    const char *m = load_error("[claim c]\nquote = q\nmetric = test_acc\ncompare = dropout>0.6\nagainst = dropout=0\n"
                               "direction = less\n");
    cr_assert(strstr(m, "F:9: compare = dropout>0.6 matches no configuration in the grid"), "%s", m);
    m = load_error("reference = variant none\n");
    cr_assert(strstr(m, "F:6: reference = variant none matches no configuration in the grid"), "%s", m);
    m = load_error("[table t]\ncolumns = A\nrow = batch_size=4 : x\n");
    cr_assert(strstr(m, "F:8: row = batch_size=4 matches no configuration in the grid"), "%s", m);
}

Test(claims, comparing_a_configuration_with_itself)
{
    const char *m = load_error("[claim c]\nquote = q\nmetric = test_acc\ncompare = dropout>=0\nagainst = dropout=0\n"
                               "direction = less\n");
    cr_assert(strstr(m, "F:6: [claim c] compares a configuration with itself"), "%s", m);
    m = load_error("[claim c]\nquote = q\nmetric = test_acc\ncompare = all\nagainst = metric test_acc\n"
                   "direction = less\n");
    cr_assert(strstr(m, "F:6: [claim c] compares test_acc with itself"), "%s", m);
}

Test(claims, incomplete_or_malformed_claims)
{
    load_fails_with("[claim c]\nquote = q\nmetric = gap\ncompare = all\nagainst = dropout=0\n",
                    "F:6: [claim c] has no 'direction'");
    load_fails_with("[claim c]\nquote = q\nmetric = gap\ncompare = dropout>0\ndirection = less\n",
                    "F:6: [claim c] has no 'against' and the experiment declares no reference");
    load_fails_with("[claim c]\nquote = q\nmetric = gap\ncompare = dropout>0\nagainst = dropout=0\n"
                    "direction = equal\n", "F:6: [claim c]: direction = equal needs a margin > 0");
    load_fails_with("[claim c]\ndirection = up\n", "F:7: direction: 'up' is not allowed");
    load_fails_with("[claim c]\ncompare = dropout>x\n", "F:7: dropout: 'x' is not a number");
    load_fails_with("[claim c]\ncolour = red\n", "F:7: unknown key 'colour' in a [claim]");
    load_fails_with("[claim c]\n[claim c]\n", "F:7: [claim c] is declared twice");
    load_fails_with("[table t]\ncolumns = A\nrow = dropout=0 : a | b\n", "F:8: row: 2 text cells for 1");
    load_fails_with("[bogus]\n", "allowed: [sweep], [variant NAME], [claim NAME], [table NAME], [census NAME], [set]");
}

static const char census_ok[] = "[census c]\nquote = q\n    r\ninputs = 100\nunits = 50\ndropout_rate = 0.3\n"
                                "claimed_train = 16, 14\n";

/* [census NAME]: every key is checked at its line, and a whole section at its header (lines 6, 7, ...). */
Test(claims, census_declarations)
{
    cr_assert_str_eq(load_error(census_ok), "");
    cr_assert_str_eq(load_error("[census c]\nquote = q\ninputs = 1\nunits = 1\ndropout_rate = 0\nclaimed_eval = 0, 1\n"
                                "samples = 10\nlayers = 2\nseed = 18446744073709551615\n"), "");
    load_fails_with("[census c]\nunits = 0\n", "F:7: units: 0 is out of range: allowed [1, 4096]");
    load_fails_with("[census c]\ninputs = 1e2\n", "F:7: inputs: '1e2' is not a whole number");
    load_fails_with("[census c]\ndropout_rate = 1\n", "F:7: dropout_rate: '1' is out of range: allowed [0, 1)");
    load_fails_with("[census c]\nseed = -1\n", "F:7: seed: '-1' is not a whole number");
    load_fails_with("[census c]\nclaimed_train = 16, x\n", "F:7: claimed_train: 'x' is not a whole");
    load_fails_with("[census c]\nunits = 5\nunits = 6\n", "F:8: 'units' is set twice");
    load_fails_with("[census c]\ncolour = red\n", "F:7: unknown key 'colour' in a [census]; allowed: ");
    load_fails_with("[census c]\nunits = 5\n    6\n", "F:8: units: only quote may continue");
    load_fails_with("[census c]\n[census c]\n", "F:7: [census c] is declared twice");
    load_fails_with("[census c]\nquote = q\ninputs = 3\nunits = 5\n", "F:6: [census c] has no 'dropout_rate'");
    load_fails_with("[census c]\nquote = q\ninputs = 3\nunits = 5\ndropout_rate = 0.5\n",
                    "F:6: [census c] claims no count: give claimed_train or claimed_eval");
    load_fails_with("[census c]\nquote = q\ninputs = 3\nunits = 5\ndropout_rate = 0.5\nclaimed_eval = 6\n",
                    "F:6: [census c]: a claimed count of 6 zeros among 5 units");
    load_fails_with("[census c]\nquote = q\ninputs = 3\nunits = 5\ndropout_rate = 0.5\nclaimed_eval = 1\n"
                    "samples = 100000\nlayers = 101\n", "F:6: [census c]: samples x layers is 10100000");
    /* after a [census], a key of another section goes to that section */
    cr_assert_str_eq(load_error("[census c]\nquote = q\ninputs = 3\nunits = 5\ndropout_rate = 0.5\nclaimed_eval = 1\n"
                                "[claim d]\nquote = q\nmetric = test_acc\ncompare = dropout>0\nagainst = dropout=0\n"
                                "direction = less\n"), "");
}

/* The census's rule in the report: a claimed count inside the central 95% of output == 0 is consistent, one
   outside is refuted, and the census is supported only when every count is consistent. (Seed 1, 2000 inputs:
   training-mode zeros [25, 39], eval-mode zeros [18, 32].) */
Test(claims, census_verdict_follows_the_range)
{
    char dir[] = "/tmp/sweep_claims_XXXXXX", out[512], path[600];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(header, f);
    for (int s = 1; s <= 2; s++) { put_run(f, s, s, 0, 64, 0.8); put_run(f, 10 + s, s, 0.5, 64, 0.79); }
    fclose(f);
    write_file(dir, "experiment.ini", "[sweep]\nname = t\ndropout = 0, 0.5\nseeds = 1-2\n"
               "[census fits]\nquote = q\ninputs = 100\nunits = 50\ndropout_rate = 0.3\nsamples = 2000\n"
               "claimed_train = 32\nclaimed_eval = 25\n"
               "[census half fits]\nquote = q\ninputs = 100\nunits = 50\ndropout_rate = 0.3\nsamples = 2000\n"
               "claimed_train = 32, 16\n");
    cr_assert_eq(report(dir, out), 0);
    snprintf(path, sizeof path, "%s/report.md", out);
    char *md = slurp(path);
    cr_assert_not_null(md);
    cr_assert_not_null(strstr(md, "**Verdict on \"fits\": supported.** Decision rule: "));
    cr_assert_not_null(strstr(md, "Measured: 2 of 2 claimed count(s) consistent"));
    cr_assert_not_null(strstr(md, "**Verdict on \"half fits\": contradicted.**"));
    cr_assert_not_null(strstr(md, "Measured: 1 of 2 claimed count(s) consistent"));
    cr_assert_not_null(strstr(md, "| training | 32 | \\[25, 39\\]"));
    cr_assert_not_null(strstr(md, "| **consistent** | refuted: \\[9, 21\\]"), "32 is not a count of the mask's zeros");
    cr_assert_not_null(strstr(md, "| eval | 25 | \\[18, 32\\]"));
    cr_assert_not_null(strstr(md, "| **consistent** | refuted: the mask is off in eval mode (0) |"));
    cr_assert_not_null(strstr(md, "| training | 16 | \\[25, 39\\] (mean "));
    cr_assert_not_null(strstr(md, "| **refuted** | consistent: \\[9, 21\\]"));
    free(md);
}

/* A declaration right for its grid but not for the runs in the directory (renamed axis values, a partial
   sweep): the report refuses it with file:line and exit 2, and writes nothing. */
Test(claims, selector_matching_no_run_at_report_time)
{
    char dir[] = "/tmp/sweep_claims_XXXXXX", out[512], path[600];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/runs.csv", dir);
    FILE *f = fopen(path, "w");
    fputs(header, f);
    for (int s = 1; s <= 2; s++) { put_run(f, s, s, 0, 64, 0.8); put_run(f, 10 + s, s, 0.5, 64, 0.79); }
    fclose(f);
    write_file(dir, "experiment.ini", "[sweep]\nname = t\ndropout = 0, 0.5\nbatch_size = 8, 64\nseeds = 1-2\n"
                                      "[claim c]\nquote = q\nmetric = test_acc\ncompare = dropout>0 & batch_size<16\n"
                                      "against = dropout=0\ndirection = less\n");
    cr_assert_eq(report(dir, out), 2);
    struct stat st;
    snprintf(path, sizeof path, "%s/report.md", out);
    cr_assert_neq(stat(path, &st), 0, "nothing written");
}

/* ---- the one rule per claim kind, on given readings ---- */
#include "report.h"

static rpt_verdict verdict_of(decl_quant q, int has_control, const int *outcomes, const int *control, int n)
{
    decl_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.quant = q;
    cl.has_control = has_control;
    rpt_claim_cmp k[8];
    memset(k, 0, sizeof k);
    for (int i = 0; i < n; i++) { k[i].outcome = outcomes[i]; k[i].control = control ? control[i] : 0; }
    rpt_claim_tally t;
    return rpt_claim_verdict(&cl, k, n, &t);
}

Test(claims, quantifiers)
{
    const int all_with[] = { 1, 1, 1 }, one_against[] = { 1, 1, -1 }, two_of_three[] = { 1, 1, 0 },
              one_of_three[] = { 1, 0, 0 }, all_against[] = { -1, -1, -1 }, untested[] = { RPT_UNTESTED, RPT_UNTESTED };
    cr_assert_eq(verdict_of(DECL_ALL, 0, all_with, NULL, 3), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_ALL, 0, one_against, NULL, 3), V_CONTRADICTED);
    cr_assert_eq(verdict_of(DECL_ALL, 0, two_of_three, NULL, 3), V_INCONCLUSIVE);
    cr_assert_eq(verdict_of(DECL_MAJORITY, 0, two_of_three, NULL, 3), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_MAJORITY, 0, one_against, NULL, 3), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_MAJORITY, 0, one_of_three, NULL, 3), V_INCONCLUSIVE);
    cr_assert_eq(verdict_of(DECL_ANY, 0, one_of_three, NULL, 3), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_ANY, 0, all_against, NULL, 3), V_CONTRADICTED);
    cr_assert_eq(verdict_of(DECL_ANY, 0, one_against, NULL, 3), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_ALL, 0, untested, NULL, 2), V_INCONCLUSIVE, "nothing tested");
}

/* With a control, support needs the effect to be absent (not as predicted) in at least one control. */
Test(claims, control_makes_the_effect_specific)
{
    const int everywhere[] = { 1, 1, 1, 1 }, specific[] = { 1, 1, 1, 0 }, ctl[] = { 0, 0, 1, 1 };
    const int untested_ctl[] = { 1, 1, RPT_UNTESTED, RPT_UNTESTED };
    cr_assert_eq(verdict_of(DECL_ALL, 1, everywhere, ctl, 4), V_INCONCLUSIVE);
    cr_assert_eq(verdict_of(DECL_ALL, 1, specific, ctl, 4), V_SUPPORTED);
    cr_assert_eq(verdict_of(DECL_ALL, 1, untested_ctl, ctl, 4), V_INCONCLUSIVE, "an untested control shows nothing");
}

/* Readings: Holm over the claim's comparisons for greater/less (against the threshold), the CI against
   target ± margin for equal. */
Test(claims, readings_by_kind)
{
    decl_claim cl;
    memset(&cl, 0, sizeof cl);
    rpt_claim_cmp k[3];
    memset(k, 0, sizeof k);
    /* two small p-values: both survive Holm; the sign decides */
    k[0].c = (rpt_cmp){ .t = { .diff = -1.0, .ci_lo = -1.5, .ci_hi = -0.5, .df = 9, .p = 0.001 }, .ok = 1 };
    k[1].c = (rpt_cmp){ .t = { .diff = +1.0, .ci_lo = 0.5, .ci_hi = 1.5, .df = 9, .p = 0.002 }, .ok = 1 };
    k[2].c = (rpt_cmp){ .t = { .diff = -0.1, .ci_lo = -0.4, .ci_hi = 0.2, .df = 9, .p = 0.2 }, .ok = 1 };
    cl.dir = DECL_LESS;
    rpt_claim_read(&cl, k, 3);
    cr_assert_eq(k[0].outcome, 1);
    cr_assert_eq(k[1].outcome, -1);
    cr_assert_eq(k[2].outcome, 0, "p 0.2: not significant");
    cr_assert_float_eq(k[0].c.p_holm, 0.003, 1e-12, "Holm over the claim's 3 comparisons");
    /* equal within 0.5 of 0: only the CI counts */
    cl.dir = DECL_EQUAL;
    cl.margin = 0.5;
    rpt_claim_read(&cl, k, 3);
    cr_assert_eq(k[0].outcome, 0, "[-1.5, -0.5] touches -0.5: not entirely outside, not within");
    cr_assert_eq(k[1].outcome, 0, "[0.5, 1.5] touches 0.5 likewise");
    cr_assert_eq(k[2].outcome, 1, "[-0.4, 0.2] is within +-0.5");
    k[0].c.t.ci_hi = -0.6;
    rpt_claim_read(&cl, k, 3);
    cr_assert_eq(k[0].outcome, -1, "[-1.5, -0.6] is entirely outside");
}

/* A directional claim with a target tests the difference against it, not against 0. */
Test(claims, threshold_moves_the_test)
{
    decl_claim cl;
    memset(&cl, 0, sizeof cl);
    cl.dir = DECL_GREATER;
    cl.target = 1;
    cl.margin = 0.5;
    cr_assert_float_eq(rpt_claim_threshold(&cl), 1.5, 1e-12);
    cl.dir = DECL_LESS;
    cr_assert_float_eq(rpt_claim_threshold(&cl), 0.5, 1e-12);
    cl.dir = DECL_EQUAL;
    cr_assert_float_eq(rpt_claim_threshold(&cl), 1.0, 1e-12);
}
