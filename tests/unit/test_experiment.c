/* Experiment files: grid expansion, variants, run ids, and one test per kind of bad file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "experiment.h"

static char *write_ini(const char *text) {
    char *path = strdup("/tmp/sweep-exp-XXXXXX.ini");
    int fd = mkstemps(path, 4);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void load_ok(experiment *e, const char *text, char *const *sets, int n_sets) {
    char *path = write_ini(text);
    char err[4096];
    int rc = experiment_load(e, path, sets, n_sets, err, sizeof err);
    unlink(path);
    free(path);
    cr_assert_eq(rc, 0, "unexpected error: %s", err);
}

/* Loads text expecting failure; err must contain every needle. */
static void load_fails(const char *text, char *const *sets, int n_sets, const char *needle1, const char *needle2) {
    char *path = write_ini(text);
    char err[4096] = "";
    experiment e;
    int rc = experiment_load(&e, path, sets, n_sets, err, sizeof err);
    cr_assert_eq(rc, -1, "expected an error for:\n%s", text);
    cr_assert(strstr(err, path) || n_sets, "error does not name the file: %s", err);
    cr_assert(strstr(err, needle1), "error '%s' lacks '%s'", err, needle1);
    if (needle2) cr_assert(strstr(err, needle2), "error '%s' lacks '%s'", err, needle2);
    unlink(path);
    free(path);
}

Test(experiment, grid_is_the_cartesian_product_with_seeds_outermost) {
    experiment e;
    load_ok(&e, "[sweep]\nname = g\ndropout = 0, 0.5\nhidden = 16 / 32,32\nseeds = 1-2\n", NULL, 0);
    cr_assert_eq(e.n_runs, 8);
    cr_assert_str_eq(e.name, "g");
    for (int k = 0; k < 4; k++) cr_assert_eq(e.runs[k].cfg.train.seed, 1);
    for (int k = 4; k < 8; k++) cr_assert_eq(e.runs[k].cfg.train.seed, 2);
    int with_two_layers = 0, with_p05 = 0;
    for (int k = 0; k < 8; k++) {
        with_two_layers += e.runs[k].cfg.train.n_hidden == 2 && e.runs[k].cfg.train.hidden[1] == 32;
        with_p05 += e.runs[k].cfg.train.dropout == 0.5f;
        cr_assert_str_eq(e.runs[k].variant, "base");
        for (int j = 0; j < k; j++) cr_assert_str_neq(e.runs[k].run_id, e.runs[j].run_id);
    }
    cr_assert_eq(with_two_layers, 4);
    cr_assert_eq(with_p05, 4);
    experiment_free(&e);
}

Test(experiment, run_ids_do_not_depend_on_the_place_in_the_grid) {
    experiment small, big;
    load_ok(&small, "[sweep]\ndropout = 0.2, 0.5\nseeds = 3\n", NULL, 0);
    load_ok(&big, "[sweep]\ndropout = 0.1, 0.2, 0.3, 0.5\nseeds = 1-3\n", NULL, 0);
    cr_assert_eq(small.n_runs, 2);
    cr_assert_eq(big.n_runs, 12);
    for (int i = 0; i < small.n_runs; i++) {
        int found = 0;
        for (int k = 0; k < big.n_runs; k++) found += !strcmp(small.runs[i].run_id, big.runs[k].run_id);
        cr_assert_eq(found, 1, "run %s of the small grid is not reused by the larger one", small.runs[i].run_id);
    }
    experiment_free(&small);
    experiment_free(&big);
}

Test(experiment, variants_override_the_base_and_an_empty_variant_counts) {
    experiment e;
    load_ok(&e, "[sweep]\ndropout = 0\nepochs = 3\nseeds = 1,2\n[variant none]\n\n[variant both]\ndropout = 0.3\nl2 = 1e-4\n",
            NULL, 0);
    cr_assert_eq(e.n_variants, 2);
    cr_assert_eq(e.n_runs, 4);
    cr_assert_str_eq(e.runs[0].variant, "none");
    cr_assert_float_eq(e.runs[0].cfg.train.dropout, 0.0f, 1e-9);
    cr_assert_str_eq(e.runs[1].variant, "both");
    cr_assert_float_eq(e.runs[1].cfg.train.dropout, 0.3f, 1e-7);
    cr_assert_float_eq(e.runs[1].cfg.train.optim.l2, 1e-4f, 1e-10);
    cr_assert_eq(e.runs[1].cfg.train.epochs, 3);
    experiment_free(&e);
}

Test(experiment, set_overrides_every_section_and_can_make_an_axis) {
    experiment e;
    char *sets[] = {"epochs=2", "batch-size=16,32"};
    load_ok(&e, "[sweep]\nepochs = 30\n[variant a]\nepochs = 40\n", sets, 2);
    cr_assert_eq(e.n_runs, 2);
    for (int k = 0; k < 2; k++) cr_assert_eq(e.runs[k].cfg.train.epochs, 2);
    cr_assert_neq(e.runs[0].cfg.train.batch_size, e.runs[1].cfg.train.batch_size);
    experiment_free(&e);
}

Test(experiment, name_defaults_to_the_file_name) {
    experiment e;
    char *path = write_ini("[sweep]\n");
    char err[1024];
    cr_assert_eq(experiment_load(&e, path, NULL, 0, err, sizeof err), 0, "%s", err);
    char expect[128];
    snprintf(expect, sizeof expect, "%s", strrchr(path, '/') + 1);
    *strrchr(expect, '.') = 0;
    cr_assert_str_eq(e.name, expect);
    cr_assert_eq(e.n_runs, 1);
    unlink(path);
    free(path);
    experiment_free(&e);
}

Test(experiment_errors, unknown_section_names_the_line) {
    load_fails("[sweep]\nepochs = 2\n[grid]\ndropout = 0.1\n", NULL, 0, ":3: unknown section [grid]", "[variant NAME]");
}

Test(experiment_errors, empty_unknown_section_is_still_an_error) {
    load_fails("[sweep]\n[variantx]\n", NULL, 0, ":2: unknown section", NULL);
}

Test(experiment_errors, unknown_key_lists_what_is_allowed) {
    load_fails("[sweep]\ndropuot = 0.1\n", NULL, 0, ":2: unknown key 'dropuot'", "dropout");
}

Test(experiment_errors, bad_value_names_line_and_range) {
    load_fails("[sweep]\nepochs = 2\ndropout = 0.2, 1.5\n", NULL, 0, ":3: dropout: 1.5 is out of range", "[0, 1)");
}

Test(experiment_errors, bad_hidden_list) {
    load_fails("[sweep]\nhidden = 16,16 / 0,3\n", NULL, 0, ":2: hidden:", NULL);
}

Test(experiment_errors, empty_grid_value) {
    load_fails("[sweep]\n\ndropout =\n", NULL, 0, ":3:", "dropout");
}

Test(experiment_errors, empty_item_in_a_list) {
    load_fails("[sweep]\ndropout = 0.1, , 0.3\n", NULL, 0, ":2: dropout: empty value", NULL);
}

Test(experiment_errors, bad_seeds) {
    load_fails("[sweep]\nseeds = 5-1\n", NULL, 0, ":2: seeds:", "1-5");
}

Test(experiment_errors, duplicate_key) {
    load_fails("[sweep]\nepochs = 2\nepochs = 3\n", NULL, 0, ":3: 'epochs' is set twice", NULL);
}

Test(experiment_errors, key_outside_a_section) {
    load_fails("epochs = 2\n[sweep]\n", NULL, 0, ":1:", "outside any section");
}

Test(experiment_errors, no_sweep_section) {
    load_fails("[variant a]\nepochs = 2\n", NULL, 0, "no [sweep] section", NULL);
}

Test(experiment_errors, syntax_error_names_the_line) {
    load_fails("[sweep]\nepochs 2\n", NULL, 0, ":2: cannot parse", NULL);
}

Test(experiment_errors, repeated_value_is_a_duplicate_run) {
    load_fails("[sweep]\ndropout = 0.3, 0.3\n", NULL, 0, "twice", NULL);
}

Test(experiment_errors, bad_set_override) {
    char *sets[] = {"dropout=2"};
    load_fails("[sweep]\n", sets, 1, "--set dropout=2: dropout: 2 is out of range", NULL);
    char *sets2[] = {"nosuch=1"};
    load_fails("[sweep]\n", sets2, 1, "--set nosuch: unknown setting", NULL);
}

Test(experiment_errors, missing_file) {
    experiment e;
    char err[512];
    cr_assert_eq(experiment_load(&e, "/nonexistent/x.ini", NULL, 0, err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/x.ini: cannot open"), "%s", err);
}

Test(experiment_errors, overlong_line_is_an_error_not_a_silent_split) {
    char text[600] = "[sweep]\nname = x\nepochs = 2";
    for (int i = 0; i < 300; i++) strcat(text, " ");
    strcat(text, "\n");
    load_fails(text, NULL, 0, ":3: line longer than", "indented lines");
}

Test(experiment, description_continues_on_indented_lines) {
    experiment e;
    load_ok(&e, "[sweep]\ndescription = first part\n  second part\nepochs = 2\n", NULL, 0);
    cr_assert_str_eq(e.description, "first part second part");
    cr_assert_eq(e.runs[0].cfg.train.epochs, 2);
    experiment_free(&e);
}
