/* shard: --shard parsing (explicit and from Slurm's variables) and the partition. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"

/* A fake environment: "NAME=value" strings. */
static const char *const *fake_env;
static char *fake_getenv(const char *name) {
    size_t n = strlen(name);
    for (int i = 0; fake_env && fake_env[i]; i++)
        if (!strncmp(fake_env[i], name, n) && fake_env[i][n] == '=') return (char *)fake_env[i] + n + 1;
    return NULL;
}

static shard_spec parse_ok(const char *text, const char *const *env) {
    shard_spec s;
    char err[256] = "";
    fake_env = env;
    cr_assert_eq(shard_parse(&s, text, fake_getenv, err, sizeof err), 0, "%s: %s", text, err);
    return s;
}

static void parse_bad(const char *text, const char *const *env, const char *needle) {
    shard_spec s;
    char err[256] = "";
    fake_env = env;
    cr_assert_eq(shard_parse(&s, text, fake_getenv, err, sizeof err), -1, "%s accepted", text);
    cr_assert(strstr(err, needle), "%s: err '%s' lacks '%s'", text, err, needle);
}

Test(shard, explicit_k_of_n) {
    shard_spec s = parse_ok("2/5", NULL);
    cr_assert_eq(s.k, 2);
    cr_assert_eq(s.n, 5);
    parse_bad("5/5", NULL, "0 <= K < N");
    parse_bad("-1/5", NULL, "K/N");
    parse_bad("1/0", NULL, "K/N");
    parse_bad("1/", NULL, "K/N");
    parse_bad("1", NULL, "K/N");
    parse_bad("a/b", NULL, "K/N");
    parse_bad(" 1/2", NULL, "K/N");
}

Test(shard, auto_from_an_array_task_counts_from_its_min_index) {
    const char *const env[] = {"SLURM_ARRAY_TASK_ID=12", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=10",
                               "SLURM_PROCID=0", "SLURM_NTASKS=1", NULL};
    shard_spec s = parse_ok("auto", env);
    cr_assert_eq(s.k, 2);
    cr_assert_eq(s.n, 4);
    const char *const gap[] = {"SLURM_ARRAY_TASK_ID=9", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_MIN=0", NULL};
    parse_bad("auto", gap, "contiguous");
    const char *const bad_min[] = {"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_MIN=x", NULL};
    parse_bad("auto", bad_min, "shard -1 of 2");
}

Test(shard, auto_n_keeps_the_index_when_resubmitted_alone) {
    const char *const env[] = {"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=1", "SLURM_ARRAY_TASK_MIN=3", NULL};
    shard_spec s = parse_ok("auto/4", env);
    cr_assert_eq(s.k, 3);
    cr_assert_eq(s.n, 4);
    parse_bad("auto/3", env, "shard 3 of 3");
}

Test(shard, auto_under_srun_and_outside_slurm) {
    const char *const env[] = {"SLURM_PROCID=1", "SLURM_NTASKS=3", NULL};
    shard_spec s = parse_ok("auto", env);
    cr_assert_eq(s.k, 1);
    cr_assert_eq(s.n, 3);
    parse_bad("auto", NULL, "--shard K/N");
}

Test(shard, partition_is_longest_first_to_the_least_loaded_ties_by_run_id) {
    const char *ids[] = {"f", "e", "b", "a", "d", "c"};
    const double cost[] = {5, 4, 3, 3, 2, 1};
    int owner[6];
    cr_assert_eq(shard_partition(cost, ids, 6, 2, owner), 0);
    /* order: f5 e4 a3 b3 d2 c1 (a before b: the tie broken by run_id)
       f->0 (0:5), e->1 (1:4), a->1 (1:7), b->0 (0:8), d->1 (1:9), c->0 (0:9) */
    const int want[] = {0, 1, 0, 1, 1, 0};
    for (int i = 0; i < 6; i++) cr_assert_eq(owner[i], want[i], "run %s: shard %d, want %d", ids[i], owner[i], want[i]);

    /* a pure function: the same runs in another order get the same shards */
    const char *ids2[] = {"c", "d", "a", "b", "e", "f"};
    const double cost2[] = {1, 2, 3, 3, 4, 5};
    int owner2[6];
    cr_assert_eq(shard_partition(cost2, ids2, 6, 2, owner2), 0);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            if (!strcmp(ids[i], ids2[j])) cr_assert_eq(owner[i], owner2[j], "run %s moved", ids[i]);
}

Test(shard, more_shards_than_runs_leaves_the_last_shards_empty) {
    const char *ids[] = {"a", "b", "c"};
    const double cost[] = {1, 1, 1};
    int owner[3];
    cr_assert_eq(shard_partition(cost, ids, 3, 5, owner), 0);
    for (int i = 0; i < 3; i++) cr_assert_eq(owner[i], i);
}
