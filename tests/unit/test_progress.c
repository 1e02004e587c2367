/* Progress across a resume (counts of the whole sweep), the best configuration by its mean, the output formats
   of sweep ls/compare (tabout), and provenance comparison. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "progress.h"
#include "provenance.h"
#include "tabout.h"

static char *capture_progress(progress *p, void (*body)(progress *)) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    static const char *const labels[] = {"dropout=0", "dropout=0.5"};
    cr_assert_eq(progress_init(p, f, 96, 8, 88 * 20, 2, labels, 0), 0);
    body(p);
    progress_finish(p);
    fclose(f);
    return buf;
}

static void resume_body(progress *p) {
    progress_record(p, 0, 0.90);                /* one lucky seed */
    progress_record(p, 1, 0.85);
    progress_record(p, 1, 0.86);
    progress_run_done(p, "seed=1 dropout=0", "ok", 20, 20, 0.90, 0.9, 1.0);
    progress_record(p, 0, 0.70);                /* the leader's mean falls to 0.80 */
    progress_run_done(p, "seed=2 dropout=0", "ok", 20, 20, 0.70, 0.7, 1.0);
}

Test(progress, counts_the_whole_sweep_after_a_resume_and_ranks_by_mean) {
    progress p;
    char *out = capture_progress(&p, resume_body);
    cr_expect(strstr(out, "[9/96] ok seed=1 dropout=0"), "%s", out);
    cr_expect(strstr(out, "best mean val acc 0.9000 (1 run): dropout=0\n"), "%s", out);
    cr_expect(strstr(out, "[10/96] ok seed=2 dropout=0"), "%s", out);
    cr_expect(strstr(out, "best mean val acc 0.8550 (2 runs): dropout=0.5\n"), "%s", out);
    free(out);
}

Test(tabout, formats) {
    tabout t;
    const char *cols[] = {"dropout", "note"};
    cr_assert_eq(tabout_init(&t, cols, 2), 0);
    cr_assert_eq(tabout_add(&t, (const char *[]){"0.3", "a|b \"q\""}), 0);
    cr_assert_eq(tabout_add(&t, (const char *[]){"", "x,y"}), 0);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    tabout_print(&t, TABOUT_JSON, f);
    tabout_print(&t, TABOUT_CSV, f);
    tabout_print(&t, TABOUT_MD, f);
    tabout_print(&t, TABOUT_TEXT, f);
    fclose(f);
    cr_expect(strstr(buf, "{\"dropout\": 0.3, \"note\": \"a|b \\\"q\\\"\"}"), "%s", buf);
    cr_expect(strstr(buf, "{\"dropout\": null, \"note\": \"x,y\"}"), "%s", buf);
    cr_expect(strstr(buf, "dropout,note\n0.3,\"a|b \"\"q\"\"\"\n,\"x,y\"\n"), "%s", buf);
    cr_expect(strstr(buf, "| 0.3 | a\\|b \"q\" |"), "%s", buf);
    cr_expect(strstr(buf, "dropout  note\n    0.3  a|b \"q\"\n"), "%s", buf);
    tabout_format fmt;
    cr_expect_eq(tabout_parse_format("yaml", &fmt), -1);
    free(buf);
    tabout_free(&t);
}

static void fill(table *t, const char *core) {
    static char *cols[] = {"run_id", "blas_core", "isa", "sweep_version"};
    t->ncols = 4;
    t->nrows = 2;
    t->cols = cols;
    t->cells = malloc(8 * sizeof *t->cells);
    const char *v[8] = {"a", core, "build=x86-64 cpu=avx2", "v1", "b", core, "build=x86-64 cpu=avx2", "v1"};
    for (int i = 0; i < 8; i++) t->cells[i] = (char *)v[i];
    t->path = (char *)core;
}

Test(provenance, differences_are_counted_and_named) {
    provenance p;
    provenance_get(&p);
    cr_expect_neq(p.blas_core[0], 0);
    cr_expect(strstr(p.isa, "build="), "%s", p.isa);
    cr_expect_neq(p.version[0], 0);
    table a, b;
    fill(&a, "Haswell");
    fill(&b, "SkylakeX");
    char msg[1024];
    cr_expect_eq(provenance_compare_tables(&a, &a, msg, sizeof msg), 0);
    cr_expect_str_eq(msg, "");
    cr_expect_eq(provenance_compare_tables(&a, &b, msg, sizeof msg), 2);
    cr_expect(strstr(msg, "2 of 2 runs") && strstr(msg, "SkylakeX") && strstr(msg, "Haswell"), "%s", msg);
    free(a.cells);
    free(b.cells);
}
