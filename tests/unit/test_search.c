/* The search sampler and rung plan: the counter-based hash, sampling without replacement, the prefix property,
   the space-size error, distributions within their ranges, and the rung epochs. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "search.h"
#include "search_plan.h"
#include "settings.h"

Test(search, hash_is_a_function_of_its_inputs_only) {
    uint64_t a = search_hash(1, 2, 3);
    for (int i = 0; i < 100; i++) search_hash((uint64_t)i, (uint64_t)i * 7, 5); /* no hidden state */
    cr_assert_eq(search_hash(1, 2, 3), a);
    cr_assert_neq(search_hash(2, 2, 3), a);
    cr_assert_neq(search_hash(1, 3, 3), a);
    cr_assert_neq(search_hash(1, 2, 4), a);
    cr_assert_neq(search_hash(2, 1, 3), search_hash(1, 2, 3), "seed and counter do not commute");
    /* roughly uniform: the top bit is set about half the time over 10,000 counters */
    int ones = 0;
    for (uint64_t i = 0; i < 10000; i++) ones += (int)(search_hash(9, i, 1) >> 63);
    cr_assert(ones > 4700 && ones < 5300, "%d of 10000", ones);
}

static search_dim dim_choice(const char *setting, int n, char (*items)[SEARCH_VALUE]) {
    return (search_dim){settings_find(setting), SEARCH_CHOICE, 0, 0, n, items, 1};
}

Test(search, discrete_space_without_replacement) {
    char drop[4][SEARCH_VALUE] = {"0", "0.2", "0.4", "0.6"};
    search_dim dims[2] = {dim_choice("dropout", 4, drop), {settings_find("batch_size"), SEARCH_INT, 32, 34, 0, NULL, 2}};
    char (*out)[SEARCH_VALUE] = calloc(12 * 2, SEARCH_VALUE);
    char err[256];
    cr_assert_eq(search_draw(dims, 2, 5, 12, out, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < i; j++)
            cr_assert(strcmp(out[2 * i], out[2 * j]) || strcmp(out[2 * i + 1], out[2 * j + 1]), "samples %d and %d repeat", i, j);
    cr_assert_eq(search_draw(dims, 2, 5, 13, out, err, sizeof err), -1);
    cr_assert(strstr(err, "holds 12"), "%s", err);
    free(out);
}

Test(search, prefix_property_and_seed) {
    char drop[3][SEARCH_VALUE] = {"0", "0.3", "0.6"};
    search_dim dims[3] = {{settings_find("lr"), SEARCH_LOGUNIFORM, 1e-4, 1e-2, 0, NULL, 1},
                          {settings_find("l2"), SEARCH_UNIFORM, 0, 0.01, 0, NULL, 2}, dim_choice("dropout", 3, drop)};
    char (*a)[SEARCH_VALUE] = calloc(20 * 3, SEARCH_VALUE), (*b)[SEARCH_VALUE] = calloc(21 * 3, SEARCH_VALUE);
    char (*c)[SEARCH_VALUE] = calloc(20 * 3, SEARCH_VALUE);
    char err[256];
    cr_assert_eq(search_draw(dims, 3, 42, 20, a, err, sizeof err), 0);
    cr_assert_eq(search_draw(dims, 3, 42, 21, b, err, sizeof err), 0);
    cr_assert(!memcmp(a, b, 20 * 3 * SEARCH_VALUE), "the first 20 of 21 samples are the 20 samples");
    cr_assert_eq(search_draw(dims, 3, 43, 20, c, err, sizeof err), 0);
    cr_assert(memcmp(a, c, 20 * 3 * SEARCH_VALUE), "another sample_seed, other samples");
    for (int i = 0; i < 20; i++) {
        double lr = atof(a[3 * i]), l2 = atof(a[3 * i + 1]);
        cr_assert(lr >= 1e-4 * 0.9999 && lr <= 1e-2, "lr %g", lr);
        cr_assert(l2 >= 0 && l2 < 0.01, "l2 %g", l2);
    }
    free(a);
    free(b);
    free(c);
}

Test(search, rung_epochs) {
    int ep[PLAN_MAX_RUNGS];
    cr_assert_eq(plan_rungs(1, 9, 3, ep), 3);
    cr_assert(ep[0] == 1 && ep[1] == 3 && ep[2] == 9);
    cr_assert_eq(plan_rungs(1, 30, 3, ep), 4);
    cr_assert(ep[0] == 1 && ep[1] == 3 && ep[2] == 10 && ep[3] == 30);
    cr_assert_eq(plan_rungs(5, 30, 2, ep), 3);
    cr_assert(ep[0] == 7 && ep[1] == 15 && ep[2] == 30, "%d %d %d", ep[0], ep[1], ep[2]);
    cr_assert_eq(plan_rungs(30, 30, 3, ep), 1);
    cr_assert_eq(ep[0], 30);
}

Test(search, declarations) {
    search_spec s;
    char msg[512];
    search_spec_init(&s);
    cr_assert_eq(search_decl_key(&s, "metric", "test_acc", 3, msg, sizeof msg), -1);
    cr_assert(strstr(msg, "never ranks on the test set"), "%s", msg);
    cr_assert_eq(search_decl_key(&s, "search", "halving", 2, msg, sizeof msg), 1);
    cr_assert_eq(search_decl_key(&s, "dropout", "0.1", 2, msg, sizeof msg), 0);
    cr_assert(search_is_dist(" uniform (0, 1)"));
    cr_assert(!search_is_dist("0.1, 0.2"));
    cr_assert_eq(search_decl_dist(&s, settings_find("dropout"), "uniform(0, 1.5)", 4, msg, sizeof msg), -1);
    cr_assert_eq(search_decl_dist(&s, settings_find("dropout"), "int(0, 1)", 4, msg, sizeof msg), -1);
    cr_assert_eq(search_decl_dist(&s, settings_find("lr"), "loguniform(0, 1)", 4, msg, sizeof msg), -1);
    cr_assert_eq(search_decl_dist(&s, settings_find("dropout"), "uniform(0, 0.8)", 4, msg, sizeof msg), 0, "%s", msg);
    char err[512];
    cr_assert_eq(search_decl_check(&s, "x.ini", 1, 0, err, sizeof err), -1);
    cr_assert(strstr(err, "x.ini:4:"), "%s", err);
}
