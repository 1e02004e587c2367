/* Regressions from the hardening audit (issue #14): grid counting that cannot wrap, names that stay one
   path component, paths that fit or fail, the seed-count limit, and the divergence rule. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "experiment.h"
#include "rng.h"
#include "settings.h"
#include "train.h"

static char *harden_write(const char *dir, const char *name, const char *text) {
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/%s", dir, name) > 0);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text from a file called name (in a fresh directory), expecting failure with both needles in err. */
static void harden_fails(const char *name, const char *text, char *const *sets, int n_sets, const char *needle1,
                         const char *needle2) {
    char dir[] = "/tmp/sweep-harden-XXXXXX";
    cr_assert(mkdtemp(dir));
    char *path = harden_write(dir, name, text);
    char err[4096] = "";
    experiment e;
    int rc = experiment_load(&e, path, sets, n_sets, err, sizeof err);
    unlink(path);
    rmdir(dir);
    cr_assert_eq(rc, -1, "expected an error for %s:\n%s", name, text);
    cr_assert(strstr(err, needle1), "error '%s' lacks '%s'", err, needle1);
    if (needle2) cr_assert(strstr(err, needle2), "error '%s' lacks '%s'", err, needle2);
    cr_assert(!strchr(err, '\n'), "error is more than one line: %s", err);
    free(path);
}

/* "key = v0, v1, ..., v15": value k is first + k * step. */
static size_t harden_axis(char *buf, size_t n, const char *key, double first, double step) {
    size_t used = (size_t)snprintf(buf, n, "%s = ", key);
    for (int k = 0; k < 16; k++) used += (size_t)snprintf(buf + used, n - used, k ? ",%g" : "%g", first + k * step);
    return used + (size_t)snprintf(buf + used, n - used, "\n");
}

/* 2^64 runs in one variant (256 seeds, 14 axes of 16 values) plus one run in another: a 64-bit count of
   the grid wraps to 1, and expanding it wrote past the array of runs. */
Test(harden, grid_of_two_to_the_64_runs_is_refused_not_wrapped) {
    static char text[8192];
    const char *ints[] = {"batch_size", "epochs", "early_stopping", "train_size", "val_size", "mc_samples"};
    const char *fracs[] = {"dropout", "input_dropout", "output_dropout", "lr", "momentum", "l2"};
    size_t used = (size_t)snprintf(text, sizeof text, "[sweep]\nname = big\n[variant a]\nseeds = 1-256\n"
                                   "hidden = 1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16\naugment = none, flip");
    for (int k = 1; k <= 14; k++) used += (size_t)snprintf(text + used, sizeof text - used, ", shift%d", k);
    used += (size_t)snprintf(text + used, sizeof text - used, "\n");
    for (int k = 0; k < 6; k++) used += harden_axis(text + used, sizeof text - used, ints[k], 1, 1);
    for (int k = 0; k < 6; k++) used += harden_axis(text + used, sizeof text - used, fracs[k], 0.01, 0.01);
    snprintf(text + used, sizeof text - used, "[variant b]\n");
    harden_fails("big.ini", text, NULL, 0, "big.ini", "at most 100000");
}

Test(harden, grid_over_the_limit_names_the_limit) {
    static char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "[sweep]\nname = big\nseeds = 1-256\ndropout = 0, 0.5\n");
    used += harden_axis(text + used, sizeof text - used, "epochs", 1, 1);
    harden_axis(text + used, sizeof text - used, "batch_size", 1, 1);
    harden_fails("big.ini", text, NULL, 0, "131072 runs", "at most 100000");
}

Test(harden, dot_names_and_empty_names_are_refused) {
    harden_fails("x.ini", "[sweep]\nname = ..\n", NULL, 0, "x.ini:2: name '..'", NULL);
    harden_fails("x.ini", "[sweep]\nname = .\n", NULL, 0, "x.ini:2: name '.'", NULL);
    harden_fails("x.ini", "[sweep]\nname =\n", NULL, 0, "x.ini:2: name ''", NULL);
    harden_fails("x.ini", "[sweep]\nname = .hidden\n", NULL, 0, "x.ini:2: name '.hidden'", NULL);
}

/* Without a name the file's base name is used: "..ini" would name the directory ".", ".ini" nothing. */
Test(harden, names_taken_from_the_file_name_are_checked_too) {
    harden_fails("..ini", "[sweep]\nepochs = 2\n", NULL, 0, "..ini", "name '.'");
    harden_fails(".ini", "[sweep]\nepochs = 2\n", NULL, 0, ".ini", "name ''");
    harden_fails("...ini", "[sweep]\nepochs = 2\n", NULL, 0, "...ini", "name '..'");
}

Test(harden, seed_count_error_names_the_limit) {
    harden_fails("s.ini", "[sweep]\nseeds = 1-300\n", NULL, 0, "s.ini:2: seeds", "256");
}

Test(harden, long_data_path_is_an_error_not_a_prefix) {
    run_config c;
    settings_defaults(&c);
    char path[600], err[512] = "";
    memset(path, 'd', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = 0;
    int i = settings_find("data");
    cr_assert_eq(settings_parse(i, &c, path, err, sizeof err), -1, "a 599-character path was accepted as '%.40s...'",
                 c.data);
    cr_assert(strstr(err, "data") && strstr(err, "511"), "%s", err);
    path[511] = 0;
    cr_assert_eq(settings_parse(i, &c, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(strlen(c.data), 511);
}

Test(harden, long_value_in_an_experiment_names_the_limit) {
    char *sets[1];
    char arg[400] = "data=/";
    memset(arg + 6, 'd', 300);
    arg[306] = 0;
    sets[0] = arg;
    harden_fails("v.ini", "[sweep]\n", sets, 1, "data", "255 characters");
}

Test(harden, long_experiment_path_is_an_error) {
    char path[700] = "/tmp/";
    memset(path + 5, 'x', 600);
    strcpy(path + 605, ".ini");
    experiment e;
    char err[2048] = "";
    cr_assert_eq(experiment_load(&e, path, NULL, 0, err, sizeof err), -1);
    cr_assert(strstr(err, "too long"), "%s", err);
}

/* Three classes of 5x4 "images" (the same as test_train.c's). */
static data_bundle harden_data(void) {
    data_bundle d;
    memset(&d, 0, sizeof d);
    rng_state r;
    rng_seed(&r, 42, 0);
    data_set *sets[2] = {&d.train, &d.test};
    int sizes[2] = {600, 200};
    for (int s = 0; s < 2; s++) {
        data_set *ds = sets[s];
        ds->n = sizes[s], ds->dim = 20, ds->classes = 3, ds->width = 5, ds->height = 4;
        ds->pixels = malloc((size_t)ds->n * ds->dim);
        ds->labels = malloc((size_t)ds->n);
        for (int i = 0; i < ds->n; i++) {
            int y = (int)rng_below(&r, 3);
            ds->labels[i] = (uint8_t)y;
            for (int j = 0; j < ds->dim; j++)
                ds->pixels[i * ds->dim + j] = (uint8_t)(rng_below(&r, 140) + (j * 3 / ds->dim == y ? 100 : 0));
        }
    }
    strcpy(d.source, "synthetic");
    return d;
}

static train_result harden_train_sgd(float lr) {
    data_bundle d = harden_data();
    train_config c;
    train_config_default(&c);
    c.hidden[0] = 16, c.hidden[1] = 12, c.batch_size = 32, c.epochs = 4, c.val_size = 100, c.dropout = 0;
    c.optim.kind = OPTIM_SGD, c.optim.momentum = 0, c.optim.lr = lr, c.seed = 3;
    train_result r;
    char err[256] = "";
    cr_assert_eq(train_run(&c, &d, NULL, NULL, &r, err, sizeof err), 0, "%s", err);
    data_bundle_free(&d);
    return r;
}

/* lr 1000 on this data gives finite losses in the hundreds (first batch: about ln 3 = 1.1). */
Test(harden, a_finite_loss_far_above_the_first_is_diverged) {
    train_result r = harden_train_sgd(1000.0f);
    cr_assert_eq(r.status, TRAIN_DIVERGED, "test loss %g recorded as ok", r.test_loss);
    cr_assert_lt(r.epochs_run, 4);
}

Test(harden, a_run_that_learns_is_not_diverged) {
    train_result r = harden_train_sgd(1.0f);
    cr_assert_eq(r.status, TRAIN_OK);
    cr_assert_eq(r.epochs_run, 4);
}
