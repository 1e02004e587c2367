/* startup: what `sweep train` does from main() to the end of its first training step, on the default
   data (full Fashion-MNIST from .gz), timed. `sweep train` has no option to stop after one step, and
   the bench should not need one, so this mirrors its path: data_load, mlp_create, mlp_init, data_split,
   data_gather of one batch, one forward/loss/backward (and the Adam step). Prints each stage's end
   time since the top of main as `name=seconds` lines; bench/run.sh adds the wall time of the whole
   process, which includes exec, dynamic linking and OpenBLAS's own start-up before main.
   Usage: startup [DATA_DIR] */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "data.h"
#include "mlp.h"
#include "train.h"

static double seconds_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

int main(int argc, char **argv) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *dir = argc > 1 ? argv[1] : DATA_DEFAULT_DIR;
    char err[1024];
    train_config cfg;
    train_config_default(&cfg);
    cfg.val_size = 0;
    if (train_config_check(&cfg, err, sizeof err)) {
        fprintf(stderr, "startup: %s\n", err);
        return 1;
    }
    openblas_set_num_threads(1);

    data_bundle data;
    memset(&data, 0, sizeof data);
    if (data_load(&data, dir, err, sizeof err)) {
        fprintf(stderr, "startup: %s\n", err);
        return 1;
    }
    double t_load = seconds_since(&t0);

    const data_set *tr = &data.train;
    mlp_config mc = { .n_in = tr->dim, .n_out = tr->classes, .n_hidden = cfg.n_hidden, .activation = cfg.activation,
                      .dropout = cfg.dropout, .batchnorm = cfg.batchnorm };
    memcpy(mc.hidden, cfg.hidden, sizeof mc.hidden);
    int B = cfg.batch_size;
    mlp model;
    if (mlp_create(&model, &mc, 1000, err, sizeof err)) { /* train_run sizes it for its 1000-row evaluation */
        fprintf(stderr, "startup: %s\n", err);
        return 1;
    }
    rng_state init_rng, shuffle_rng, dropout_rng;
    rng_seed(&init_rng, cfg.seed, RNG_STREAM_INIT);
    rng_seed(&shuffle_rng, cfg.seed, RNG_STREAM_SHUFFLE);
    rng_seed(&dropout_rng, cfg.seed, RNG_STREAM_DROPOUT);
    mlp_init(&model, &init_rng);
    double t_model = seconds_since(&t0);

    data_view train_view, val_view;
    if (data_split(tr, cfg.train_size, cfg.val_size, &train_view, &val_view, err, sizeof err)) {
        fprintf(stderr, "startup: %s\n", err);
        return 1;
    }
    int n = train_view.n;
    int *order = malloc(sizeof(int) * (size_t)n), *y = malloc(sizeof(int) * (size_t)B);
    float *x = malloc(sizeof(float) * (size_t)B * tr->dim);
    if (!order || !y || !x) {
        fprintf(stderr, "startup: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) order[i] = i;
    rng_shuffle(&shuffle_rng, order, n);
    data_gather(x, y, &train_view, order, B, NULL, NULL);
    double t_gather = seconds_since(&t0);

    mlp_forward(&model, x, B, MLP_TRAIN, &dropout_rng);
    int correct;
    double loss = mlp_loss(&model, y, B, &correct);
    mlp_backward(&model, y, B);
    optim_step(&cfg.optim, model.params, model.grads, model.m, model.v, model.num_params, 1);
    double t_step = seconds_since(&t0);

    printf("load_s=%.4f\nmodel_s=%.4f\ngather_s=%.4f\nfirst_step_s=%.4f\nloss=%.4f\n", t_load, t_model, t_gather,
           t_step, loss);
    free(order);
    free(y);
    free(x);
    mlp_free(&model);
    data_bundle_free(&data);
    return 0;
}
