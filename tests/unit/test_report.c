/* sweep report on the synthetic fixtures of tests/fixtures/report (written by make_fixtures.py, whose
   numbers fix the expected rows and verdicts). Run from the repository root, like `make unit`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"

#define FIX "tests/fixtures/report"

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

static char *file_in(const char *dir, const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Run `report -o <fresh dir> args...`; returns the exit status, the out dir in out. */
static int run_report(char *out, int nargs, const char **args)
{
    strcpy(out, "/tmp/sweep_report_test_XXXXXX");
    cr_assert_not_null(mkdtemp(out));
    const char *argv[16] = { "report", "-o", out };
    int argc = 3;
    for (int i = 0; i < nargs; i++) argv[argc++] = args[i];
    return cmd_report(argc, (char **)argv);
}

static void assert_png(const char *dir, const char *base)
{
    char name[256];
    snprintf(name, sizeof name, "%s.png", base);
    FILE *f = fopen(file_in(dir, name), "rb");
    cr_assert_not_null(f, "%s missing", name);
    unsigned char sig[8] = { 0 };
    size_t k = fread(sig, 1, 8, f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    cr_assert_eq(k, 8);
    cr_assert(memcmp(sig, png, 8) == 0, "%s is not a PNG", name);
    cr_assert_gt(size, 1000, "%s is suspiciously small", name);
    snprintf(name, sizeof name, "%s.svg", base);
    char *svg = slurp(file_in(dir, name));
    cr_assert_not_null(svg, "%s missing", name);
    cr_assert_not_null(strstr(svg, "<svg"), "%s has no <svg", name);
    free(svg);
}

static char *report_md(const char *dir)
{
    char *md = slurp(file_in(dir, "report.md"));
    cr_assert_not_null(md, "report.md not written");
    return md;
}

Test(report, rate_table_rows_best_and_verdict)
{
    char out[64];
    const char *args[] = { FIX "/rate_table" };
    cr_assert_eq(run_report(out, 1, args), 0);
    char *md = report_md(out);
    /* p = 0: test acc 85, 86, 87 -> mean 86.00, sd 1, CI half-width t(0.975, 2) / sqrt(3) = 2.48;
       train acc = test + 8 -> 94.00 ± 2.48, gap exactly 8. */
    cr_assert_not_null(strstr(md, "| 0 | 3 of 3 | 86.00 ± 2.48 |"), "p=0 row");
    cr_assert_not_null(strstr(md, "| 0.8 | 3 of 3 (1 not ok) |"), "diverged run counted apart");
    cr_assert_not_null(strstr(md, "| 0.0 (no dropout) | No regularization | Small datasets where overfitting isn't a problem | 0 | 3 | "
                                  "86.00 ± 2.48 | 94.00 ± 2.48 | 8.00 ± 0.00 |"), "p=0 row of the declared table");
    /* the tutorial's rows (declared in the fixture's experiment.ini), which rates the aggregated ones pool, and
       the best rate chosen on validation accuracy */
    cr_assert_not_null(strstr(md, "| 0.3-0.5 (30-50%) | Strong regularization | Standard choice for most problems | "
                                  "0.3, 0.4, 0.5 (includes best) | 9 |"));
    cr_assert_not_null(strstr(md, "| 0.5+ (50%+) | Very strong regularization |"));
    cr_assert_not_null(strstr(md, "> Too high dropout rate: p &gt; 0.5 often hurts more than helps. Start with 0.3."));
    cr_assert_not_null(strstr(md, "**Verdict on \"p &gt; 0.5 often hurts more than helps\": supported.**"));
    /* p = 0.6 is 2 pp below p = 0 at every seed, up to the jitter: paired */
    cr_assert_not_null(strstr(md, "| -2.00 \\[-2.43, -1.57\\] |"));   /* brackets escaped: no link syntax */
    cr_assert_not_null(strstr(md, "paired"));
    assert_png(out, "rate_table_auto_curves_acc");
    assert_png(out, "rate_table_auto_curves_loss");
    char *html = slurp(file_in(out, "report.html"));
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, "<svg"), "SVG inline in the html");
    cr_assert_not_null(strstr(html, "<style>"));
    free(html);
    free(md);
}

Test(report, combinations_table_and_complement_verdict)
{
    char out[64];
    const char *args[] = { FIX "/combinations" };
    cr_assert_eq(run_report(out, 1, args), 0);
    char *md = report_md(out);
    cr_assert_not_null(strstr(md, "| Dropout | Randomly zero neurons | Simple, effective, works with any architecture | "
                                  "Slows training (need more epochs) | dropout | 3 | 88.00 ± 2.12 |"));
    cr_assert_not_null(strstr(md, "| dropout_l2_es (includes best) | 3 |"), "best chosen on validation");
    cr_assert_not_null(strstr(md, "| Dropout + L2 + Early stopping |"));
    cr_assert_not_null(strstr(md, "They complement each other."));
    cr_assert_not_null(strstr(md, "**Verdict on \"Dropout + L2 + early stopping complement each other\": supported.**"));
    cr_assert_not_null(strstr(md, "**Verdict on \"Dropout slows training (need more epochs)\": supported.**"));
    /* batchnorm and none have the same epochs to best at every seed: no test, so no verdict */
    cr_assert_not_null(strstr(md, "**Verdict on \"Batch normalization speeds training\": inconclusive.**"));
    assert_png(out, "combinations_auto_curves_loss");
    free(md);
}

Test(report, claims_verdicts)
{
    char out[64];
    const char *args[] = { FIX "/output_dropout", FIX "/eval_mode", FIX "/batch_size" };
    cr_assert_eq(run_report(out, 3, args), 0);
    char *md = report_md(out);
    cr_assert_not_null(strstr(md, "**Verdict on \"dropout on the output layer corrupts predictions\": supported.**"));
    cr_assert_not_null(strstr(md, "**Verdict on \"forgetting eval mode lowers accuracy\": supported.**"));
    /* dropout-on accuracy stays near 82-85%, far above chance */
    cr_assert_not_null(strstr(md, "**Verdict on \"forgetting eval mode gives random predictions\": contradicted.**"));
    cr_assert_not_null(strstr(md, "**Verdict on \"dropout with batch size &lt; 16 adds too much noise\": supported.**"));
    cr_assert_not_null(strstr(md, "> Dropout with small batch sizes: With batch size &lt; 16, dropout adds too much noise."));
    /* eval_mode's census (the declaration is data; the counts are measured at report time, seed 1): the counts
       by cause, the claimed counts read against output == 0, and what counting only the mask would give */
    cr_assert_not_null(strstr(md, "### Census: the demo counts 14-16 zeros in training mode and 0 in eval mode\n"));
    cr_assert_not_null(strstr(md, "| training | ReLU only (pre-activation ≤ 0, kept by the mask) | 17.52 | 5–30 | "
                                  "\\[11, 24\\] |  |"));
    cr_assert_not_null(strstr(md, "| training | **all: output == 0** | 32.51 | 19–47 | \\[26, 39\\] | 16, 14, 15 |"));
    cr_assert_not_null(strstr(md, "| eval | **all: output == 0** (no mask: all ReLU's) | 25.02 | 12–40 | "
                                  "\\[18, 32\\] | 0 |"));
    cr_assert_not_null(strstr(md, "| training | 16 | \\[26, 39\\] (mean 32.51) | 0 of 10000 | **refuted** | "
                                  "consistent: \\[9, 21\\] (mean 14.99) |"));
    cr_assert_not_null(strstr(md, "| eval | 0 | \\[18, 32\\] (mean 25.02) | 0 of 10000 | **refuted** | "
                                  "consistent: the mask is off in eval mode (0) |"));
    cr_assert_not_null(strstr(md, "**Verdict on \"the demo counts 14-16 zeros in training mode and 0 in eval mode\": "
                                  "contradicted.** Decision rule: a claimed count is consistent when it lies in the "
                                  "central 95% of the measured per-input counts"));
    cr_assert_not_null(strstr(md, "| eval_mode | the demo counts 14-16 zeros in training mode and 0 in eval mode | "
                                  "**contradicted** |"), "in the verdict summary");
    cr_assert_not_null(strstr(md, "Pass 2: 14/50 neurons dropped &lt;- Different each time!"), "the quote, escaped");
    /* sections in the order of the arguments */
    char *b = strstr(md, "## batch_size\n"), *o = strstr(md, "## output_dropout\n"),
         *e = strstr(md, "## eval_mode\n");
    cr_assert(b && o && e && o < e && e < b, "sections out of order");
    assert_png(out, "output_dropout_auto_curves_acc");
    char *html = slurp(file_in(out, "report.html"));
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, "\">Census: the demo counts 14-16 zeros in training mode and 0 in eval mode <a "
                                    "class=\"anchor\""), "an anchored heading");
    cr_assert_not_null(strstr(html, "<td><strong>refuted</strong></td>"));
    cr_assert_not_null(strstr(html, "Pass 2: 14/50 neurons dropped &lt;- Different each time!"), "the quote, escaped");
    free(html);
    free(md);
}

Test(report, missing_gnuplot_still_writes_tables)
{
    setenv("SWEEP_GNUPLOT", "/nonexistent/gnuplot", 1);
    char err[] = "/tmp/sweep_report_stderr_XXXXXX";
    int fd = mkstemp(err);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_not_null(freopen(err, "w", stderr));
    char out[64];
    const char *args[] = { FIX "/rate_table" };
    int rc = run_report(out, 1, args);
    fflush(stderr);
    cr_assert_neq(rc, 0, "a missing gnuplot must fail the command");
    char *md = report_md(out);
    cr_assert_not_null(strstr(md, "| 0 | 3 | 86.00 ± 2.48 |"), "tables written anyway");
    cr_assert_not_null(strstr(md, "gnuplot not found"));
    char *msg = slurp(err);
    cr_assert_not_null(msg);
    cr_assert_not_null(strstr(msg, "gnuplot not found"), "stderr: %s", msg);
    cr_assert_null(strchr(strchr(msg, '\n') + 1, '\n'), "one line on stderr: %s", msg);
    struct stat st;
    cr_assert_neq(stat(file_in(out, "rate_table_auto_curves_acc.png"), &st), 0, "no image without gnuplot");
    free(md);
    free(msg);
    unlink(err);
}

Test(report, no_plots_option_succeeds_without_images)
{
    char out[64];
    const char *args[] = { "--no-plots", FIX "/output_dropout" };
    cr_assert_eq(run_report(out, 2, args), 0);
    char *md = report_md(out);
    cr_assert_not_null(strstr(md, "--no-plots"));
    free(md);
}

Test(report, errors_are_one_line_and_nonzero)
{
    char out[64];
    const char *missing[] = { "/nonexistent/results/rate_table" };
    cr_assert_eq(run_report(out, 1, missing), 2);
    const char *bad[] = { "--frobnicate", FIX "/rate_table" };
    cr_assert_eq(run_report(out, 2, bad), 2);
    char *help[] = { "report", "--help" };
    cr_assert_eq(cmd_report(2, help), 0);
    char *none[] = { "report" };
    cr_assert_eq(cmd_report(1, none), 2);
}

Test(report, results_root_gives_one_combined_report)
{
    char out[64];
    const char *args[] = { "--no-plots", FIX };
    cr_assert_eq(run_report(out, 2, args), 0);
    char *md = report_md(out);
    char *r = strstr(md, "## rate_table\n"), *c = strstr(md, "## combinations\n"),
         *b = strstr(md, "## batch_size\n");
    cr_assert(r && c && b && b < c && c < r, "the experiments of a results root in name order");
    free(md);
}
