/* mlp: see mlp.h. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "activation.h"
#include "batchnorm.h"
#include "dropout.h"
#include "linear.h"
#include "loss.h"
#include "mlp.h"

/* Carves aligned pieces out of one block. With base NULL it only measures, so the same code both
   sizes the allocation and lays it out. */
typedef struct { char *base; size_t used; } arena;

static void *arena_take(arena *a, size_t bytes) {
    size_t at = (a->used + 63) & ~(size_t)63;
    a->used = at + bytes;
    return a->base ? a->base + at : NULL;
}

static float *take_floats(arena *a, size_t n) { return arena_take(a, n * sizeof(float)); }

/* base + off, or NULL while measuring (arithmetic on a null pointer is undefined even by 0). */
static float *at(float *base, size_t off) { return base ? base + off : NULL; }

/* Lay out every buffer of m in a (measuring when a->base is NULL). */
static void mlp_layout(mlp *m, arena *a) {
    const mlp_config *c = &m->cfg;
    size_t B = (size_t)m->max_batch;
    m->params = take_floats(a, m->num_params);
    m->grads = take_floats(a, m->num_params);
    m->m = take_floats(a, m->num_params);
    m->v = take_floats(a, m->num_params);
    m->stats = take_floats(a, m->num_stats);
    size_t po = 0, so = 0; /* offsets into params (and grads, same layout) and stats */
    int widest = c->n_in;
    for (int l = 0; l < m->n_layers; l++) {
        int C = m->in_dim[l], OC = m->out_dim[l];
        int hidden = l < c->n_hidden;
        mlp_tensors *p = &m->p[l], *g = &m->g[l];
        p->weight = at(m->params, po); g->weight = at(m->grads, po); po += (size_t)OC * C;
        p->bias = at(m->params, po); g->bias = at(m->grads, po); po += OC;
        p->gamma = p->beta = g->gamma = g->beta = NULL;
        if (hidden && c->batchnorm) {
            p->gamma = at(m->params, po); g->gamma = at(m->grads, po); po += OC;
            p->beta = at(m->params, po); g->beta = at(m->grads, po); po += OC;
            m->running_mean[l] = at(m->stats, so); so += OC;
            m->running_var[l] = at(m->stats, so); so += OC;
        }
        if (OC > widest) widest = OC;
        m->pre[l] = take_floats(a, B * OC);
        if (hidden) {
            m->out[l] = take_floats(a, B * OC);
            m->mask[l] = c->activation == ACT_TANH && c->dropout > 0.0f ? arena_take(a, B * OC) : NULL;
            m->xhat[l] = m->bn_mean[l] = m->bn_rstd[l] = NULL;
            if (c->batchnorm) {
                m->xhat[l] = take_floats(a, B * OC);
                m->bn_mean[l] = take_floats(a, OC);
                m->bn_rstd[l] = take_floats(a, OC);
            }
        }
    }
    m->x_drop = c->input_dropout > 0.0f ? take_floats(a, B * c->n_in) : NULL;
    m->mask_out = c->output_dropout > 0.0f ? arena_take(a, B * c->n_out) : NULL;
    m->probs = take_floats(a, B * c->n_out);
    m->dbuf[0] = take_floats(a, B * widest);
    m->dbuf[1] = take_floats(a, B * widest);
}

/* Check cfg and set m's shape and sizes (no memory yet). */
static int mlp_shape(mlp *m, const mlp_config *cfg, int max_batch, char *err, size_t errlen) {
    memset(m, 0, sizeof *m);
    if (cfg->n_in < 1 || cfg->n_out < 1 || cfg->n_hidden < 0 || cfg->n_hidden > TRAIN_MAX_HIDDEN || max_batch < 1) {
        snprintf(err, errlen, "mlp: bad shape (inputs %d, outputs %d, hidden layers %d, batch %d)", cfg->n_in,
                 cfg->n_out, cfg->n_hidden, max_batch);
        return -1;
    }
    for (int i = 0; i < cfg->n_hidden; i++)
        if (cfg->hidden[i] < 1) {
            snprintf(err, errlen, "mlp: hidden layer %d has width %d (must be >= 1)", i + 1, cfg->hidden[i]);
            return -1;
        }
    m->cfg = *cfg;
    m->max_batch = max_batch;
    m->n_layers = cfg->n_hidden + 1;
    for (int l = 0; l < m->n_layers; l++) {
        m->in_dim[l] = l == 0 ? cfg->n_in : cfg->hidden[l - 1];
        m->out_dim[l] = l < cfg->n_hidden ? cfg->hidden[l] : cfg->n_out;
        size_t C = (size_t)m->in_dim[l], OC = (size_t)m->out_dim[l];
        m->num_params += OC * C + OC;
        if (l < cfg->n_hidden && cfg->batchnorm) { m->num_params += 2 * OC; m->num_stats += 2 * OC; }
    }
    return 0;
}

size_t mlp_bytes(const mlp_config *cfg, int max_batch, size_t *num_params, size_t *num_stats) {
    mlp m;
    char err[160];
    if (mlp_shape(&m, cfg, max_batch, err, sizeof err)) return 0;
    arena a = { NULL, 0 };
    mlp_layout(&m, &a);
    if (num_params) *num_params = m.num_params;
    if (num_stats) *num_stats = m.num_stats;
    return (a.used + 63) & ~(size_t)63;
}

int mlp_create(mlp *m, const mlp_config *cfg, int max_batch, char *err, size_t errlen) {
    if (mlp_shape(m, cfg, max_batch, err, errlen)) return -1;
    arena a = { NULL, 0 };
    mlp_layout(m, &a);
    a.base = aligned_alloc(64, (a.used + 63) & ~(size_t)63);
    if (!a.base) {
        snprintf(err, errlen, "mlp: out of memory (%zu bytes)", a.used);
        return -1;
    }
    m->memory = a.base;
    a.used = 0;
    mlp_layout(m, &a);
    return 0;
}

void mlp_init(mlp *m, rng_state *init_rng) {
    for (int l = 0; l < m->n_layers; l++) {
        mlp_tensors *p = &m->p[l];
        linear_init(p->weight, p->bias, m->in_dim[l], m->out_dim[l], init_rng);
        if (p->gamma)
            for (int i = 0; i < m->out_dim[l]; i++) {
                p->gamma[i] = 1.0f;
                p->beta[i] = 0.0f;
                m->running_mean[l][i] = 0.0f;
                m->running_var[l][i] = 1.0f;
            }
    }
    memset(m->grads, 0, m->num_params * sizeof(float));
    memset(m->m, 0, m->num_params * sizeof(float));
    memset(m->v, 0, m->num_params * sizeof(float));
}

void mlp_free(mlp *m) {
    free(m->memory);
    memset(m, 0, sizeof *m);
}

const float *mlp_forward(mlp *m, const float *x, int B, mlp_mode mode, rng_state *rng) {
    const mlp_config *c = &m->cfg;
    assert(B >= 1 && B <= m->max_batch);
    int dropping = mode != MLP_EVAL;
    if (dropping && c->input_dropout > 0.0f) {
        dropout_forward(m->x_drop, NULL, x, (size_t)B * c->n_in, c->input_dropout, rng);
        x = m->x_drop;
    }
    m->input = x;
    m->last_B = B;
    m->last_mode = mode;
    const float *h = x;
    for (int l = 0; l < m->n_layers; l++) {
        int C = m->in_dim[l], OC = m->out_dim[l];
        size_t N = (size_t)B * OC;
        float *z = m->pre[l];
        linear_forward(z, h, m->p[l].weight, m->p[l].bias, B, C, OC);
        if (l == c->n_hidden) break;
        if (c->batchnorm)
            batchnorm_forward(z, m->xhat[l], m->bn_mean[l], m->bn_rstd[l], z, m->p[l].gamma, m->p[l].beta,
                              m->running_mean[l], m->running_var[l], B, OC, mode == MLP_TRAIN);
        float *o = m->out[l];
        int drop = dropping && c->dropout > 0.0f;
        if (c->activation == ACT_RELU) {
            if (drop) relu_dropout_forward(o, z, N, c->dropout, rng);
            else relu_forward(o, z, N);
        } else if (drop) {
            tanh_forward(z, z, N); /* kept in pre for backward */
            dropout_forward(o, m->mask[l], z, N, c->dropout, rng);
        } else {
            tanh_forward(o, z, N);
        }
        h = o;
    }
    float *logits = m->pre[m->n_layers - 1];
    if (dropping && c->output_dropout > 0.0f)
        dropout_forward(logits, m->mask_out, logits, (size_t)B * c->n_out, c->output_dropout, rng);
    return logits;
}

double mlp_loss(mlp *m, const int *targets, int B, int *correct) {
    assert(B == m->last_B);
    return crossentropy_forward(m->probs, m->pre[m->n_layers - 1], targets, B, m->cfg.n_out, correct);
}

void mlp_backward(mlp *m, const int *targets, int B) { mlp_backward_each(m, targets, B, NULL, NULL); }

void mlp_backward_each(mlp *m, const int *targets, int B, mlp_layer_done_fn done, void *user) {
    const mlp_config *c = &m->cfg;
    assert(B == m->last_B && m->last_mode == MLP_TRAIN);
    float *d = m->dbuf[0], *dnext = m->dbuf[1];
    crossentropy_backward(d, m->probs, targets, B, c->n_out);
    if (c->output_dropout > 0.0f)
        dropout_backward(d, d, m->mask_out, (size_t)B * c->n_out, dropout_scale(c->output_dropout));
    float scale = c->dropout > 0.0f ? dropout_scale(c->dropout) : 1.0f;
    for (int l = m->n_layers - 1; l >= 0; l--) {
        int C = m->in_dim[l], OC = m->out_dim[l];
        size_t N = (size_t)B * OC;
        if (l < c->n_hidden) {
            /* d is the gradient of this hidden layer's output; take it back through dropout, the
               activation and batchnorm, in place. */
            if (c->activation == ACT_RELU) relu_dropout_backward(d, d, m->out[l], N, scale);
            else if (c->dropout > 0.0f) tanh_dropout_backward(d, d, m->pre[l], m->mask[l], N, scale);
            else tanh_backward(d, d, m->out[l], N);
            if (c->batchnorm)
                batchnorm_backward(d, m->g[l].gamma, m->g[l].beta, d, m->xhat[l], m->bn_rstd[l], m->p[l].gamma, B, OC);
        }
        const float *inp = l == 0 ? m->input : m->out[l - 1];
        linear_backward(l == 0 ? NULL : dnext, m->g[l].weight, m->g[l].bias, d, inp, m->p[l].weight, B, C, OC);
        if (done) {
            size_t first = (size_t)(m->p[l].weight - m->params);
            size_t end = l + 1 < m->n_layers ? (size_t)(m->p[l + 1].weight - m->params) : m->num_params;
            done(user, first, end - first);
        }
        float *t = d; d = dnext; dnext = t;
    }
}
