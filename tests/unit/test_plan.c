/* plan: configurations against the data's shape (with file:line), the memory estimate and the limit it is
   compared with; idset; expansion's cached run ids equal settings_run_id of each run. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "experiment.h"
#include "idset.h"
#include "mlp.h"
#include "plan.h"

static void plan_load(experiment *e, const char *text, char *const *sets, int n_sets) {
    char path[] = "/tmp/sweep-plan-XXXXXX.ini";
    int fd = mkstemps(path, 4);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char err[4096];
    int rc = experiment_load(e, path, sets, n_sets, err, sizeof err);
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
}

/* Every run of e on one data source of the given shape. */
static void plan_fake_data(plan_data *d, const experiment *e, int train_n, int dim, int classes) {
    memset(d, 0, sizeof *d);
    d->n = 1;
    d->shapes[0] = (data_shape){.train_n = train_n, .test_n = 1000, .dim = dim, .classes = classes,
                                .bytes = (size_t)(train_n + 1000) * (size_t)(dim + 1)};
    d->of_run = calloc((size_t)e->n_runs, sizeof *d->of_run);
    for (int k = 0; k < e->n_runs; k++) d->of_run[k] = &d->shapes[0];
}

static void plan_shape_error(const char *text, char *const *sets, int n_sets, int train_n, const char *needle1,
                             const char *needle2) {
    experiment e;
    plan_data d;
    plan_load(&e, text, sets, n_sets);
    plan_fake_data(&d, &e, train_n, 784, 10);
    char err[2048] = "";
    cr_assert_eq(plan_check_shapes(&e, d.of_run, err, sizeof err), -1, "no error for %s", text);
    cr_assert(strstr(err, needle1), "'%s' lacks '%s'", err, needle1);
    if (needle2) cr_assert(strstr(err, needle2), "'%s' lacks '%s'", err, needle2);
    plan_data_free(&d);
    experiment_free(&e);
}

Test(plan, train_size_larger_than_the_data_names_its_line) {
    plan_shape_error("[sweep]\nname = s\nval_size = 100\ntrain_size = 300, 100000\n", NULL, 0, 60000,
                     ".ini:4: train_size = 100000 is more than the 59900 rows left", "variant base");
}

Test(plan, a_variant_value_names_the_variant_line) {
    plan_shape_error("[sweep]\nname = s\nval_size = 100\n[variant a]\n[variant b]\nval_size = 900\n", NULL, 0, 900,
                     ".ini:6: val_size = 900 leaves no training rows", "variant b");
}

Test(plan, a_set_value_and_a_default_are_named_as_such) {
    char *sets[] = {"train_size=2000"};
    plan_shape_error("[sweep]\nname = s\nval_size = 100\n", sets, 1, 1000, "--set train_size=2000: train_size = 2000",
                     NULL);
    plan_shape_error("[sweep]\nname = s\n", NULL, 0, 3000, "(val_size at its default): val_size = 5000", NULL);
}

Test(plan, configurations_that_fit_pass) {
    experiment e;
    plan_data d;
    plan_load(&e, "[sweep]\nname = s\nval_size = 100\ntrain_size = 0, 300, 59900\n", NULL, 0);
    plan_fake_data(&d, &e, 60000, 784, 10);
    char err[512] = "";
    cr_assert_eq(plan_check_shapes(&e, d.of_run, err, sizeof err), 0, "%s", err);
    plan_data_free(&d);
    experiment_free(&e);
}

/* The estimate counts what mlp_create allocates: four buffers of every parameter (params, grads, m, v). */
Test(plan, run_memory_covers_parameters_gradients_moments_and_activations) {
    train_config c;
    train_config_default(&c);
    c.hidden[0] = c.hidden[1] = 2000;
    data_shape s = {.train_n = 60000, .test_n = 10000, .dim = 784, .classes = 10};
    mlp_config mc = {.n_in = 784, .n_out = 10, .n_hidden = 2, .hidden = {2000, 2000}, .dropout = 0.3f};
    mlp m;
    char err[256];
    cr_assert_eq(mlp_create(&m, &mc, 1000, err, sizeof err), 0, "%s", err);
    size_t params = m.num_params, activations = 1000 * (2000 * 4 + 10 + 2 * 2000) * sizeof(float);
    size_t got = mlp_bytes(&mc, 1000, NULL, NULL);
    mlp_free(&m);
    cr_assert_eq(params, 784 * 2000 + 2000 + 2000 * 2000 + 2000 + 2000 * 10 + 10);
    cr_assert_geq(got, 4 * params * sizeof(float) + activations);
    cr_assert_lt(got, 4 * params * sizeof(float) + activations + 8 * 1000 * 784 * sizeof(float));
    size_t run = train_memory_bytes(&c, &s);
    cr_assert_geq(run, got + 55000 * sizeof(int) + 1000 * 784 * sizeof(float), "run %zu, model %zu", run, got);
    c.batch_size = 4000; /* past the evaluation batch of 1000 rows: the activations grow with it */
    cr_assert_gt(train_memory_bytes(&c, &s), run + 3000 * 2000 * 4 * sizeof(float));
}

Test(plan, jobs_are_lowered_to_what_fits_and_zero_when_nothing_does) {
    experiment e;
    plan_data d;
    plan_load(&e, "[sweep]\nname = s\nhidden = 1000\nseeds = 1-4\n", NULL, 0);
    plan_fake_data(&d, &e, 60000, 784, 10);
    int idx[4] = {0, 1, 2, 3};
    plan_memory one, two, four;
    plan_memory_estimate(&one, &e, &d, idx, 4, 1);
    plan_memory_estimate(&two, &e, &d, idx, 4, 2);
    plan_memory_estimate(&four, &e, &d, idx, 4, 8);
    cr_assert_eq(four.jobs, 4, "at most one run in flight per run");
    cr_assert_eq(two.peak - one.peak, one.largest);
    cr_assert_eq(one.peak, one.process + one.data + one.largest);
    cr_assert_eq(one.data, d.shapes[0].bytes, "the data counts once");
    cr_assert_eq(plan_jobs_that_fit(&e, &d, idx, 4, 4, four.peak), 4);
    cr_assert_eq(plan_jobs_that_fit(&e, &d, idx, 4, 4, two.peak + one.largest / 2), 2);
    cr_assert_eq(plan_jobs_that_fit(&e, &d, idx, 4, 4, one.peak - 1), 0);
    plan_data_free(&d);
    experiment_free(&e);
}

Test(plan, memory_limit_from_the_environment) {
    size_t bytes = 0;
    char source[64], err[256];
    setenv("SWEEP_MEMORY_LIMIT", "3G", 1);
    cr_assert_eq(plan_memory_available(&bytes, source, sizeof source, err, sizeof err), 0);
    cr_assert_eq(bytes, (size_t)3 << 30);
    cr_assert_str_eq(source, "SWEEP_MEMORY_LIMIT");
    setenv("SWEEP_MEMORY_LIMIT", "512MB", 1);
    cr_assert_eq(plan_memory_available(&bytes, source, sizeof source, err, sizeof err), 0);
    cr_assert_eq(bytes, (size_t)512 << 20);
    setenv("SWEEP_MEMORY_LIMIT", "lots", 1);
    cr_assert_eq(plan_memory_available(&bytes, source, sizeof source, err, sizeof err), -1);
    cr_assert(strstr(err, "SWEEP_MEMORY_LIMIT: 'lots'"), "%s", err);
    unsetenv("SWEEP_MEMORY_LIMIT");
    int rc = plan_memory_available(&bytes, source, sizeof source, err, sizeof err);
    cr_assert(rc == 1 || (rc == 0 && bytes > 0), "without the variable: the cgroup limit or MemAvailable");
}

Test(idset, adds_finds_and_grows) {
    idset s;
    cr_assert_eq(idset_init(&s, 2), 0);
    char id[17];
    for (unsigned long long k = 0; k < 5000; k++) {
        snprintf(id, sizeof id, "%016llx", k * 0x9e3779b97f4a7c15ULL);
        cr_assert_eq(idset_add(&s, id), 1, "%s is new", id);
    }
    for (unsigned long long k = 0; k < 5000; k++) {
        snprintf(id, sizeof id, "%016llx", k * 0x9e3779b97f4a7c15ULL);
        cr_assert(idset_has(&s, id));
        cr_assert_eq(idset_add(&s, id), 0, "%s again", id);
    }
    cr_assert(!idset_has(&s, "0000000000000001"));
    cr_assert(idset_has(&s, "0000000000000000"), "the id 0 is an id like the others");
    cr_assert_eq(idset_add(&s, "not hex"), 1);
    cr_assert(idset_has(&s, "not hex"));
    idset_free(&s);
}

/* Expansion hashes each run from the previous one's cached parts: every id must still be that of the run. */
Test(plan, expanded_run_ids_are_the_runs_own) {
    experiment e;
    plan_load(&e, "[sweep]\nname = s\nhidden = 8 / 16,16 / 32\ndropout = 0, 0.5\noptimizer = sgd, adamw\nseeds = 1-3\n"
                  "[variant a]\nlr = 0.01, 0.1\n[variant b]\naugment = none, shift2+flip\n",
              NULL, 0);
    cr_assert_eq(e.n_runs, 3 * (12 * 2 + 12 * 2));
    for (int k = 0; k < e.n_runs; k++) {
        char id[17];
        settings_run_id(&e.runs[k].cfg, e.runs[k].variant, id);
        cr_assert_str_eq(e.runs[k].run_id, id, "run %d", k);
    }
    experiment_free(&e);
}
