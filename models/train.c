/* train: see train.h. One run owns all its state (model, buffers, five rng streams), so many runs can
   train at once in one process and each is reproducible bit for bit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "loss.h"
#include "mlp.h"
#include "optim.h"
#include "train.h"
#include "train_internal.h"

#define TRAIN_EVAL_BATCH 1000   /* rows per forward pass when evaluating */
#define TRAIN_EVAL_ROWS 10000   /* training rows evaluated for the final train_loss/acc */
/* Diverged: an epoch's mean training loss above this many times the first batch's loss (the loss at
   initialisation, about ln(classes)), or a NaN/Inf loss. See README (Divergence). */
#define TRAIN_DIVERGED_FACTOR 10.0

void train_config_default(train_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->n_hidden = 2;
    cfg->hidden[0] = cfg->hidden[1] = 256;
    cfg->activation = ACT_RELU;
    cfg->dropout = 0.3f;
    cfg->optim = (optim_config){ .kind = OPTIM_ADAM, .lr = 1e-3f, .momentum = 0.9f, .nesterov = 0, .l2 = 0.0f,
                                 .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f };
    cfg->batch_size = 64;
    cfg->epochs = 20;
    cfg->val_size = 5000;
    cfg->seed = 1;
}

float train_lr_at(const train_config *cfg, int epoch) {
    if (cfg->lr_schedule != LR_COSINE) return cfg->optim.lr;
    double phase = (double)(epoch - 1) / (double)cfg->epochs;
    return (float)((double)cfg->optim.lr * 0.5 * (1.0 + cos(M_PI * phase)));
}

/* p in [0, 1); also rejects NaN. */
static int prob_ok(float p) { return p >= 0.0f && p < 1.0f; }

int train_config_check(const train_config *cfg, char *err, size_t errlen) {
    const optim_config *o = &cfg->optim;
#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)
    if (cfg->n_hidden < 0 || cfg->n_hidden > TRAIN_MAX_HIDDEN)
        BAD("%d hidden layers: must be 0 to %d", cfg->n_hidden, TRAIN_MAX_HIDDEN);
    for (int i = 0; i < cfg->n_hidden; i++)
        if (cfg->hidden[i] < 1) BAD("hidden layer %d width = %d: must be >= 1", i + 1, cfg->hidden[i]);
    if (cfg->activation != ACT_RELU && cfg->activation != ACT_TANH) BAD("activation = %d: must be relu or tanh", (int)cfg->activation);
    if (!prob_ok(cfg->dropout)) BAD("dropout = %g: must be in [0, 1)", (double)cfg->dropout);
    if (!prob_ok(cfg->input_dropout)) BAD("input_dropout = %g: must be in [0, 1)", (double)cfg->input_dropout);
    if (!prob_ok(cfg->output_dropout)) BAD("output_dropout = %g: must be in [0, 1)", (double)cfg->output_dropout);
    if (cfg->batchnorm != 0 && cfg->batchnorm != 1) BAD("batchnorm = %d: must be 0 or 1", cfg->batchnorm);
    if (cfg->lr_schedule != LR_CONSTANT && cfg->lr_schedule != LR_COSINE)
        BAD("lr_schedule = %d: must be constant or cosine", (int)cfg->lr_schedule);
    if (o->kind != OPTIM_SGD && o->kind != OPTIM_ADAM && o->kind != OPTIM_ADAMW) BAD("optimizer = %d: must be sgd, adam or adamw", (int)o->kind);
    if (!(o->lr > 0.0f) || !isfinite(o->lr)) BAD("lr = %g: must be a finite number > 0", (double)o->lr);
    if (!(o->momentum >= 0.0f) || !isfinite(o->momentum)) BAD("momentum = %g: must be >= 0", (double)o->momentum);
    if (o->nesterov && o->kind == OPTIM_SGD && o->momentum == 0.0f) BAD("nesterov = 1 needs momentum > 0");
    if (!(o->l2 >= 0.0f) || !isfinite(o->l2)) BAD("l2 = %g: must be >= 0", (double)o->l2);
    if (o->kind != OPTIM_SGD) {
        if (!prob_ok(o->beta1)) BAD("beta1 = %g: must be in [0, 1)", (double)o->beta1);
        if (!prob_ok(o->beta2)) BAD("beta2 = %g: must be in [0, 1)", (double)o->beta2);
        if (!(o->eps >= 0.0f) || !isfinite(o->eps)) BAD("eps = %g: must be >= 0", (double)o->eps);
    }
    if (cfg->batch_size < 1) BAD("batch_size = %d: must be >= 1", cfg->batch_size);
    if (cfg->epochs < 1) BAD("epochs = %d: must be >= 1", cfg->epochs);
    if (cfg->early_stopping < 0) BAD("early_stopping = %d: must be >= 0", cfg->early_stopping);
    if (cfg->train_size < 0) BAD("train_size = %d: must be >= 0", cfg->train_size);
    if (cfg->val_size < 0) BAD("val_size = %d: must be >= 0", cfg->val_size);
    if (cfg->early_stopping > 0 && cfg->val_size == 0)
        BAD("early_stopping = %d needs a validation set (val_size = 0)", cfg->early_stopping);
    if (cfg->augment.shift < 0) BAD("augment shift = %d: must be >= 0", cfg->augment.shift);
    if (cfg->augment.flip != 0 && cfg->augment.flip != 1) BAD("augment flip = %d: must be 0 or 1", cfg->augment.flip);
    if (cfg->mc_samples < 0) BAD("mc_samples = %d: must be >= 0", cfg->mc_samples);
#undef BAD
    return 0;
}

/* The optimizer step, applied layer by layer as backward finishes each (while its gradients are in cache);
   the update is elementwise, so this gives the same bits as one step over the whole buffer. */
typedef struct {
    const optim_config *optim;
    mlp *model;
    long step;
} train_update;

static void train_update_layer(void *user, size_t offset, size_t count) {
    train_update *u = user;
    mlp *m = u->model;
    optim_step(u->optim, m->params + offset, m->grads + offset, m->m + offset, m->v + offset, count, u->step);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Mean loss and accuracy over the first n rows of v in eval mode; NaN for n = 0. */
static void evaluate(train_session *s, const data_view *v, int n, double *loss, double *acc) {
    double total = 0.0;
    long right = 0;
    for (int first = 0; first < n; first += TRAIN_EVAL_BATCH) {
        int cnt = n - first < TRAIN_EVAL_BATCH ? n - first : TRAIN_EVAL_BATCH;
        for (int i = 0; i < cnt; i++) s->rows[i] = first + i;
        data_gather(s->x, s->y, v, s->rows, cnt, NULL, NULL);
        mlp_forward(&s->model, s->x, cnt, MLP_EVAL, NULL);
        int c;
        total += mlp_loss(&s->model, s->y, cnt, &c) * cnt;
        right += c;
    }
    *loss = n > 0 ? total / n : NAN;
    *acc = n > 0 ? (double)right / n : NAN;
}

/* The dropout-active evaluations on v: accuracy of one pass, the fraction of rows whose prediction
   changes in a second pass, and the accuracy of the mean softmax over k further passes. */
static void evaluate_dropout_on(train_session *s, const data_view *v, int k, rng_state *rng, train_result *out) {
    mlp *m = &s->model;
    int V = m->cfg.n_out, n = v->n;
    long right_on = 0, changed = 0, right_mc = 0;
    for (int first = 0; first < n; first += TRAIN_EVAL_BATCH) {
        int cnt = n - first < TRAIN_EVAL_BATCH ? n - first : TRAIN_EVAL_BATCH;
        for (int i = 0; i < cnt; i++) s->rows[i] = first + i;
        data_gather(s->x, s->y, v, s->rows, cnt, NULL, NULL);
        const float *logits = mlp_forward(m, s->x, cnt, MLP_DROPOUT_ON, rng);
        for (int i = 0; i < cnt; i++) {
            s->pred[i] = argmax(logits + (size_t)i * V, V);
            right_on += s->pred[i] == s->y[i];
        }
        logits = mlp_forward(m, s->x, cnt, MLP_DROPOUT_ON, rng);
        for (int i = 0; i < cnt; i++) changed += argmax(logits + (size_t)i * V, V) != s->pred[i];
        memset(s->prob_sum, 0, (size_t)cnt * V * sizeof(float));
        for (int j = 0; j < k; j++) {
            mlp_forward(m, s->x, cnt, MLP_DROPOUT_ON, rng);
            mlp_loss(m, s->y, cnt, NULL);
            for (size_t i = 0; i < (size_t)cnt * V; i++) s->prob_sum[i] += m->probs[i];
        }
        for (int i = 0; i < cnt; i++) right_mc += argmax(s->prob_sum + (size_t)i * V, V) == s->y[i];
    }
    out->test_acc_dropout_on = n > 0 ? (double)right_on / n : NAN;
    out->pred_change = n > 0 ? (double)changed / n : NAN;
    out->test_acc_mc = n > 0 ? (double)right_mc / n : NAN;
}

static mlp_config run_model_config(const train_config *cfg, int dim, int classes) {
    mlp_config mc = { .n_in = dim, .n_out = classes, .n_hidden = cfg->n_hidden, .activation = cfg->activation,
                      .dropout = cfg->dropout, .input_dropout = cfg->input_dropout,
                      .output_dropout = cfg->output_dropout, .batchnorm = cfg->batchnorm };
    memcpy(mc.hidden, cfg->hidden, sizeof mc.hidden);
    return mc;
}

static int run_max_batch(const train_config *cfg) {
    return cfg->batch_size > TRAIN_EVAL_BATCH ? cfg->batch_size : TRAIN_EVAL_BATCH;
}

/* Bytes of the session's own block (everything but the model): the curve, then floats, then ints. */
static size_t run_state_bytes(const train_config *cfg, int dim, int classes, int n_train, size_t num_params,
                              size_t num_stats) {
    size_t snap = cfg->early_stopping > 0 ? num_params + num_stats : 0, max_batch = (size_t)run_max_batch(cfg);
    return sizeof(train_epoch) * (size_t)cfg->epochs
         + sizeof(int) * ((size_t)n_train + 2 * max_batch + TRAIN_EVAL_BATCH)
         + sizeof(float) * (max_batch * (size_t)dim + (size_t)TRAIN_EVAL_BATCH * classes + snap);
}

size_t train_memory_bytes(const train_config *cfg, const data_shape *shape) {
    mlp_config mc = run_model_config(cfg, shape->dim, shape->classes);
    size_t num_params = 0, num_stats = 0;
    size_t model = mlp_bytes(&mc, run_max_batch(cfg), &num_params, &num_stats);
    int n_train = cfg->train_size ? cfg->train_size : shape->train_n - cfg->val_size;
    if (n_train < 0) n_train = 0;
    return model + run_state_bytes(cfg, shape->dim, shape->classes, n_train, num_params, num_stats);
}

static int run_alloc(train_session *s, const train_config *cfg, const data_bundle *data, int n_train, char *err, size_t errlen) {
    const data_set *tr = &data->train;
    mlp_config mc = run_model_config(cfg, tr->dim, tr->classes);
    int max_batch = run_max_batch(cfg);
    if (mlp_create(&s->model, &mc, max_batch, err, errlen)) return -1;
    size_t snap = cfg->early_stopping > 0 ? s->model.num_params + s->model.num_stats : 0;
    size_t bytes = run_state_bytes(cfg, tr->dim, tr->classes, n_train, s->model.num_params, s->model.num_stats);
    char *p = malloc(bytes);
    if (!p) {
        snprintf(err, errlen, "train: out of memory (%zu bytes)", bytes);
        mlp_free(&s->model);
        return -1;
    }
    s->memory = p;
    /* epochs (8-byte aligned) first, then floats, then ints: every piece stays aligned. */
    s->curve = (train_epoch *)p; p += sizeof(train_epoch) * (size_t)cfg->epochs;
    s->x = (float *)p; p += sizeof(float) * (size_t)max_batch * tr->dim;
    s->prob_sum = (float *)p; p += sizeof(float) * (size_t)TRAIN_EVAL_BATCH * tr->classes;
    s->best = snap ? (float *)p : NULL; p += sizeof(float) * snap;
    s->order = (int *)p; p += sizeof(int) * (size_t)n_train;
    s->rows = (int *)p; p += sizeof(int) * (size_t)max_batch;
    s->y = (int *)p; p += sizeof(int) * (size_t)max_batch;
    s->pred = (int *)p;
    return 0;
}

static void run_free(train_session *s) {
    mlp_free(&s->model);
    free(s->memory);
}

/* Copy the trained state (parameters and batchnorm running statistics) to or from the snapshot. */
static void snapshot(train_session *s, int save) {
    mlp *m = &s->model;
    float *params = s->best, *stats = s->best + m->num_params;
    if (save) {
        memcpy(params, m->params, m->num_params * sizeof(float));
        memcpy(stats, m->stats, m->num_stats * sizeof(float));
    } else {
        memcpy(m->params, params, m->num_params * sizeof(float));
        memcpy(m->stats, stats, m->num_stats * sizeof(float));
    }
}

int train_begin(train_session **out, const train_config *cfg, const data_bundle *data, char *err, size_t errlen) {
    *out = NULL;
    double start = now_seconds();
    if (train_config_check(cfg, err, errlen)) return -1;
    const data_set *tr = &data->train, *te = &data->test;
    if (tr->dim < 1 || tr->classes < 1) {
        snprintf(err, errlen, "%s: training set has %d features and %d classes", data->source, tr->dim, tr->classes);
        return -1;
    }
    if (te->dim != tr->dim || te->classes > tr->classes) {
        snprintf(err, errlen, "%s: test set shape (%d features, %d classes) differs from training (%d, %d)",
                 data->source, te->dim, te->classes, tr->dim, tr->classes);
        return -1;
    }
    train_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "train: out of memory");
        return -1;
    }
    s->cfg = *cfg;
    s->data = data;
    s->start = start;
    s->test_view = (data_view){ te, 0, te->n };
    if (data_split(tr, cfg->train_size, cfg->val_size, &s->train_view, &s->val_view, err, errlen)) {
        free(s);
        return -1;
    }
    s->n = s->train_view.n;
    if (s->n < 1) {
        snprintf(err, errlen, "%s: no training rows left after the split", data->source);
        free(s);
        return -1;
    }
    if (run_alloc(s, cfg, data, s->n, err, errlen)) {
        free(s);
        return -1;
    }
    static const uint64_t streams[TRAIN_N_RNG] = { RNG_STREAM_INIT, RNG_STREAM_SHUFFLE, RNG_STREAM_DROPOUT,
                                                  RNG_STREAM_AUGMENT, RNG_STREAM_EVAL };
    for (int k = 0; k < TRAIN_N_RNG; k++) rng_seed(&s->rng[k], cfg->seed, streams[k]);
    mlp_init(&s->model, &s->rng[TRAIN_RNG_INIT]);
    for (int i = 0; i < s->n; i++) s->order[i] = i;
    s->res.status = TRAIN_OK;
    s->best_val = INFINITY;
    s->first_loss = NAN;
    *out = s;
    return 0;
}

/* The training steps of one epoch over the shuffled rows; 0, or -1 when a loss is not finite. */
static int train_epoch_batches(train_session *s, double *loss_sum, long *right, int *batches) {
    const train_config *cfg = &s->cfg;
    mlp *m = &s->model;
    const data_augment *aug = cfg->augment.shift > 0 || cfg->augment.flip ? &cfg->augment : NULL;
    int n = s->n;
    optim_config oc = cfg->optim;                   /* this epoch's learning rate */
    oc.lr = train_lr_at(cfg, s->epoch + 1);
    rng_shuffle(&s->rng[TRAIN_RNG_SHUFFLE], s->order, n);
    for (int first = 0; first < n; first += cfg->batch_size) {
        int cnt = n - first < cfg->batch_size ? n - first : cfg->batch_size; /* the last batch may be short */
        data_gather(s->x, s->y, &s->train_view, s->order + first, cnt, aug, &s->rng[TRAIN_RNG_AUGMENT]);
        /* shuffled rows are scattered over the data set: have the next batch's on the way during this step */
        int next = first + cfg->batch_size;
        if (next < n) data_prefetch(&s->train_view, s->order + next, n - next < cfg->batch_size ? n - next : cfg->batch_size);
        mlp_forward(m, s->x, cnt, MLP_TRAIN, &s->rng[TRAIN_RNG_DROPOUT]);
        int c;
        double loss = mlp_loss(m, s->y, cnt, &c);
        if (!isfinite(loss)) return -1;
        if (s->step == 0) s->first_loss = loss;
        train_update up = { &oc, m, ++s->step };
        mlp_backward_each(m, s->y, cnt, train_update_layer, &up);
        *loss_sum += loss;
        *right += c;
        (*batches)++;
    }
    return 0;
}

int train_step(train_session *s, train_epoch *out) {
    if (s->ended) return 0;
    const train_config *cfg = &s->cfg;
    train_result *res = &s->res;
    int epoch = s->epoch + 1;
    train_epoch e = { .epoch = epoch };
    double t0 = now_seconds(), loss_sum = 0.0;
    long right = 0;
    int batches = 0;
    int bad = train_epoch_batches(s, &loss_sum, &right, &batches);
    e.seconds = now_seconds() - t0;
    if (out) *out = e;
    if (bad) {
        res->status = TRAIN_DIVERGED;
        s->ended = 1;
        return 0;
    }
    s->epoch = res->epochs_run = epoch;
    e.train_loss = loss_sum / batches;
    e.train_acc = (double)right / s->n;
    evaluate(s, &s->val_view, s->val_view.n, &e.val_loss, &e.val_acc);
    evaluate(s, &s->test_view, s->test_view.n, &e.test_loss, &e.test_acc);
    int have_val = s->val_view.n > 0;
    if (!isfinite(e.test_loss) || (have_val && !isfinite(e.val_loss)) ||
        e.train_loss > TRAIN_DIVERGED_FACTOR * s->first_loss)
        res->status = TRAIN_DIVERGED;
    if (!have_val) res->best_epoch = epoch;
    else if (e.val_loss < s->best_val) {
        s->best_val = e.val_loss;
        res->best_epoch = epoch;
        if (s->best) { snapshot(s, 1); s->snap_taken = 1; }
    }
    s->curve[epoch - 1] = e;
    if (out) *out = e;
    if (res->status != TRAIN_OK || epoch == cfg->epochs ||
        (cfg->early_stopping > 0 && epoch - res->best_epoch >= cfg->early_stopping))
        s->ended = 1;
    return !s->ended;
}

int train_epochs_done(const train_session *s) { return s->epoch; }

int train_ended(const train_session *s) { return s->ended; }

const train_epoch *train_curve(const train_session *s, int *n) {
    *n = s->epoch;
    return s->curve;
}

void train_stop(train_session *s) {
    if (s->res.status == TRAIN_OK) s->res.status = TRAIN_STOPPED;
    s->ended = 1;
}

void train_stop_pruned(train_session *s) {
    if (s->res.status == TRAIN_OK) s->res.status = TRAIN_PRUNED;
    s->ended = 1;
}

void train_finish(train_session *s, train_result *out) {
    if (s->snap_taken) snapshot(s, 0);
    *out = s->res;
    int n_eval = s->n < TRAIN_EVAL_ROWS ? s->n : TRAIN_EVAL_ROWS;
    evaluate(s, &s->train_view, n_eval, &out->train_loss, &out->train_acc);
    evaluate(s, &s->val_view, s->val_view.n, &out->val_loss, &out->val_acc);
    evaluate(s, &s->test_view, s->test_view.n, &out->test_loss, &out->test_acc);
    if (s->cfg.mc_samples > 0) evaluate_dropout_on(s, &s->test_view, s->cfg.mc_samples, &s->rng[TRAIN_RNG_EVAL], out);
    else out->test_acc_dropout_on = out->pred_change = out->test_acc_mc = NAN;
    out->seconds = now_seconds() - s->start;
    train_free(s);
}

void train_free(train_session *s) {
    if (!s) return;
    run_free(s);
    free(s);
}

int train_run(const train_config *cfg, const data_bundle *data, train_epoch_fn on_epoch, void *user,
              train_result *out, char *err, size_t errlen) {
    train_session *s;
    if (train_begin(&s, cfg, data, err, errlen)) return -1;
    train_epoch e;
    int more;
    do {
        more = train_step(s, &e);
        if (s->res.status == TRAIN_DIVERGED && s->epoch < e.epoch) break; /* no finished epoch to report */
        if (on_epoch && on_epoch(&e, user)) train_stop(s);
    } while (more && !s->ended);
    train_finish(s, out);
    return 0;
}
