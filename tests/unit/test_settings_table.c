/* The settings table as the one source (ranges, defaults, names), run_ids that survive added settings, the
   result-column tables, and results of an older sweep read as today's. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "experiment.h"
#include "optim.h"
#include "results.h"
#include "settings.h"
#include "table.h"

static const char *old_fixture(void) {
    static char p[512];
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 0;
    snprintf(p, sizeof p, "%.*s%s../fixtures/old_format/tiny/runs.csv", dir, __FILE__, slash ? "/" : "");
    return p;
}

/* Every numeric setting: the ends of its range as the table states them are accepted or refused, the same way
   by settings_parse (the user's side) and train_config_check (the model's guard), and the message prints the
   range as the table has it. Adding a row is covered without touching this test. */
Test(settings_table, every_range_is_enforced_as_the_table_says) {
    for (int i = 0; i < settings_count; i++) {
        const setting *s = &settings_table[i];
        if (s->kind != SETTING_INT && s->kind != SETTING_FLOAT) continue;
        char text[64], err[512];
        run_config c;
        for (int end = 0; end < 2; end++) {
            double edge = end ? s->max : s->min;
            int open = end ? s->max_open : s->min_open;
            settings_defaults(&c);
            snprintf(text, sizeof text, "%.17g", edge);
            int rc = settings_parse(i, &c, text, err, sizeof err);
            cr_expect_eq(rc, open ? -1 : 0, "%s = %s: %s", s->name, text, err);
            if (rc == 0) cr_expect_eq(train_config_check(&c.train, err, sizeof err), 0, "%s = %s: %s", s->name, text, err);
            double beyond = end ? edge + (s->kind == SETTING_INT ? 1 : fabs(edge) * 1e-3 + 1e-3)
                                : edge - (s->kind == SETTING_INT ? 1 : fabs(edge) * 1e-3 + 1e-3);
            snprintf(text, sizeof text, "%.17g", beyond);
            settings_defaults(&c);
            cr_expect_eq(settings_parse(i, &c, text, err, sizeof err), -1, "%s = %s accepted", s->name, text);
            cr_expect(strstr(err, "out of range: allowed"), "%s", err);
        }
    }
}

Test(settings_table, integer_ranges_print_as_integers) {
    run_config c;
    char err[512];
    settings_defaults(&c);
    cr_assert_eq(settings_apply(&c, "batch_size", "9999999", err, sizeof err), -1);
    cr_expect(strstr(err, "allowed [1, 1048576]"), "%s", err);
    cr_assert_eq(settings_apply(&c, "lr", "0", err, sizeof err), -1);
    cr_expect(strstr(err, "allowed (0, 1000000]"), "%s", err);
}

/* The table's defaults are the model's defaults (models/ keeps train_config_default for its own tests). */
Test(settings_table, defaults_match_the_model_and_pass_its_check) {
    run_config c;
    train_config m;
    char err[256];
    settings_defaults(&c);
    train_config_default(&m);
    cr_expect_eq(memcmp(&c.train, &m, sizeof m), 0, "settings_table defaults differ from train_config_default");
    cr_expect_eq(train_config_check(&c.train, err, sizeof err), 0, "%s", err);
}

Test(settings_table, seed_is_found_by_kind_and_named_seeds_too) {
    int s = settings_seed_index();
    cr_assert_geq(s, 0);
    cr_expect_eq(settings_table[s].kind, SETTING_SEED);
    cr_expect_eq(settings_find("seeds"), s);
    cr_expect_eq(settings_find("seed"), s);
    const char *cols[256];
    results_runs_header(cols);
    cr_expect_str_eq(cols[3], "seed");
    for (int i = 0, k = 4; i < settings_count; i++)
        if (i != s) cr_expect_str_eq(cols[k++], settings_table[i].name);
}

Test(settings_table, unknown_names_get_a_suggestion_and_keys_are_trimmed) {
    cr_expect_str_eq(settings_suggest("dropuot"), "dropout");
    cr_expect_str_eq(settings_suggest("batch-sise"), "batch_size");
    cr_expect_null(settings_suggest("frobnicate"));
    run_config c;
    char err[1024];
    settings_defaults(&c);
    cr_expect_eq(settings_apply(&c, " dropout ", " 0.2 ", err, sizeof err), 0, "%s", err);
    cr_expect_float_eq(c.train.dropout, 0.2f, 1e-7);
    cr_expect_eq(settings_apply(&c, "dropuot", "0.2", err, sizeof err), -1);
    cr_expect(strstr(err, "did you mean 'dropout'"), "%s", err);
}

/* Results written before settings were added keep their run_ids: every row of the old-format fixture hashes to
   its stored run_id from its own cells (settings the file lacks at their defaults). */
Test(settings_table, run_ids_of_older_results_are_unchanged) {
    table t;
    char err[512];
    cr_assert_eq(table_read(&t, old_fixture(), err, sizeof err), 0, "%s", err);
    cr_assert_eq(table_col(&t, "beta1"), -1, "the fixture must stay in the old format");
    for (int r = 0; r < t.nrows; r++) {
        run_config c;
        settings_defaults(&c);
        for (int i = 0; i < settings_count; i++) {
            int col = table_col(&t, settings_table[i].name);
            if (col < 0) {
                cr_assert_gt(settings_table[i].since, 1, "%s is missing from an old file", settings_table[i].name);
                continue;
            }
            cr_assert_eq(settings_parse(i, &c, table_cell(&t, r, col), err, sizeof err), 0, "%s", err);
        }
        char id[17];
        settings_run_id(&c, table_cell(&t, r, table_col(&t, "variant")), id);
        cr_expect_str_eq(id, table_cell(&t, r, table_col(&t, "run_id")), "row %d", r + 1);
    }
    table_free(&t);
}

/* A setting added later (since > 1) changes the run_id only when it leaves its default. */
Test(settings_table, later_settings_hash_only_when_not_default) {
    run_config a, b;
    char ida[17], idb[17], err[256], def[64];
    settings_defaults(&a);
    settings_run_id(&a, "base", ida);
    int later = 0;
    for (int i = 0; i < settings_count; i++) {
        if (settings_table[i].since <= 1) continue;
        later++;
        b = a;
        settings_format(i, &a, def, sizeof def);
        cr_assert_eq(settings_parse(i, &b, def, err, sizeof err), 0);
        settings_run_id(&b, "base", idb);
        cr_expect_str_eq(ida, idb, "%s at its default changed the run_id", settings_table[i].name);
        const char *off = settings_table[i].kind == SETTING_SCHEDULE ? "cosine" : "0.5";
        cr_assert_eq(settings_parse(i, &b, off, err, sizeof err), 0, "%s", err);
        settings_run_id(&b, "base", idb);
        cr_expect_str_neq(ida, idb, "%s off its default kept the run_id", settings_table[i].name);
    }
    cr_expect_eq(later, 4, "beta1, beta2, eps (schema 2) and lr_schedule (schema 3) were added after schema 1");
}

/* The result-column tables give the header, the row and the directions. */
Test(settings_table, result_columns_come_from_one_table) {
    const char *cols[256];
    int n = results_runs_ncols();
    results_runs_header(cols);
    for (int i = 0; i < results_columns_count; i++)
        cr_expect_str_eq(cols[n - results_columns_count + i], results_columns[i].name);
    int nc;
    const char *const *curves = results_curves_header(&nc);
    cr_expect_eq(nc, results_curve_columns_count + 1);
    for (int i = 0; i < results_curve_columns_count; i++) cr_expect_str_eq(curves[i + 1], results_curve_columns[i].name);
    cr_expect_eq(results_find("seconds")->direction, -1);
    cr_expect_eq(results_find("test_acc")->direction, 1);
    cr_expect_eq(results_find("epochs_run")->direction, 0);
    cr_expect_null(results_find("dropout"));
    train_result r = {.status = TRAIN_OK, .epochs_run = 2, .best_epoch = 2, .test_acc = 0.5, .seconds = 3,
                      .val_acc = NAN, .val_loss = NAN, .test_acc_mc = NAN, .test_acc_dropout_on = NAN,
                      .pred_change = NAN};
    run_config c;
    settings_defaults(&c);
    char cells[256][RESULTS_CELL];
    results_run_row(cells, "0123456789abcdef", "base", &c, &r, 2.0);
    int tc = -1, spe = -1, core = -1;
    for (int k = 0; k < n; k++) {
        if (!strcmp(cols[k], "test_acc")) tc = k;
        if (!strcmp(cols[k], "sec_per_epoch")) spe = k;
        if (!strcmp(cols[k], "blas_core")) core = k;
    }
    cr_expect_str_eq(cells[tc], "0.5");
    cr_expect_str_eq(cells[spe], "1");
    cr_expect_neq(cells[core][0], 0, "provenance recorded");
}

/* An old-format runs.csv read as today's: columns in today's order, later settings at their defaults, provenance
   empty (unknown), every row kept. */
Test(settings_table, older_runs_table_is_upgraded_in_memory) {
    table t;
    char err[512];
    cr_assert_eq(table_read(&t, old_fixture(), err, sizeof err), 0, "%s", err);
    int rows = t.nrows, added = 0;
    cr_assert_eq(results_upgrade_table(&t, &added, err, sizeof err), 0, "%s", err);
    cr_expect_eq(added, 7, "lr_schedule, beta1, beta2, eps, blas_core, isa, sweep_version");
    cr_expect_eq(t.nrows, rows);
    const char *cols[256];
    results_runs_header(cols);
    cr_assert_eq(t.ncols, results_runs_ncols());
    for (int j = 0; j < t.ncols; j++) cr_expect_str_eq(t.cols[j], cols[j]);
    cr_expect_str_eq(table_cell(&t, 0, table_col(&t, "beta2")), "0.999");
    cr_expect_str_eq(table_cell(&t, 0, table_col(&t, "blas_core")), "");
    table_free(&t);
}

/* Provenance: our own Adam kernels carry no ISA-dependent rounding. Whatever vector width this CPU dispatches to
   (SSE, AVX, AVX-512, plus the scalar tail), every element equals the scalar formula in float, evaluated in the
   same order: a CPU with another width gives the same bits. */
Test(settings_table, adam_vector_paths_match_the_scalar_formula_bit_for_bit) {
    enum { N = 67 };                                /* not a multiple of 4, 8 or 16: vector body and tail */
    float p[N], g[N], m[N], v[N], rp[N], rm[N], rv[N];
    for (int i = 0; i < N; i++) {
        p[i] = rp[i] = 0.01f * (float)(i - 30);
        g[i] = 0.003f * (float)((i * 7919) % 61 - 30);
        m[i] = rm[i] = 0.0001f * (float)(i % 13);
        v[i] = rv[i] = 0.00001f * (float)(i % 7);
    }
    optim_config c;
    run_config d;
    settings_defaults(&d);
    c = d.train.optim;
    c.kind = OPTIM_ADAMW;
    c.l2 = 0.01f;
    for (long t = 1; t <= 3; t++) {
        optim_step(&c, p, g, m, v, N, t);
        float b1 = c.beta1, b2 = c.beta2, decay = 1.0f - c.lr * c.l2;
        float step = (float)((double)c.lr / (1.0 - pow((double)b1, (double)t)));
        float bc2 = (float)sqrt(1.0 - pow((double)b2, (double)t));
        for (int i = 0; i < N; i++) {
            float q = rp[i] * decay, gi = g[i] + 0.0f * q;
            float mi = b1 * rm[i] + (1.0f - b1) * gi, vi = b2 * rv[i] + (1.0f - b2) * gi * gi;
            rm[i] = mi, rv[i] = vi;
            rp[i] = q - step * (mi / (sqrtf(vi) / bc2 + c.eps));
        }
    }
    cr_expect_eq(memcmp(p, rp, sizeof p), 0, "parameters differ from the scalar formula");
    cr_expect_eq(memcmp(m, rm, sizeof m), 0);
    cr_expect_eq(memcmp(v, rv, sizeof v), 0);
}

/* A data path that does not exist: an error at its line for a run, not for a reader of a stored declaration. */
Test(settings_table, missing_data_path_fails_only_for_a_run) {
    char path[] = "/tmp/test_exp_data_XXXXXX";
    int fd = mkstemp(path);
    const char *text = "[sweep]\nname = x\nepochs = 1\n\ndata = /no/such/dir\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    experiment e;
    char err[2048];
    cr_expect_eq(experiment_load(&e, path, NULL, 0, err, sizeof err), 0, "%s", err);
    experiment_free(&e);
    cr_expect_eq(experiment_load_to_run(&e, path, NULL, 0, err, sizeof err), -1);
    cr_expect(strstr(err, ":5: data: '/no/such/dir' does not exist"), "%s", err);
    unlink(path);
}
