/* train_state: a run in progress to and from bytes (see train.h). Layout, all in host byte order:
     header   "SWEEPCKP", u32 version, u32 header bytes, u64 configuration fingerprint,
              u64 num_params, u64 num_stats, u64 training rows, u64 snapshot floats, u32 epochs capacity
     progress i64 step, i32 epoch, ended, snap_taken, status, epochs_run, best_epoch, f64 best_val, first_loss
     rngs     5 x 4 x u64
     order    (rows) i32
     floats   params, m, v (num_params each), stats (num_stats), best snapshot (snapshot floats)
     curve    (epoch) x { i32 epoch, f64 seconds, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc }
     trailer  u32 CRC-32 (zlib) of every byte before it */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include "train_internal.h"

#define TRAIN_STATE_MAGIC "SWEEPCKP"
#define TRAIN_STATE_VERSION 1u

/* A cursor over a buffer; writes or reads past the end set over and do nothing. */
typedef struct {
    unsigned char *w;
    const unsigned char *r;
    size_t at, n;
    int over;
} state_cursor;

static void put(state_cursor *c, const void *p, size_t k) {
    if (c->at + k > c->n) { c->over = 1; return; }
    if (c->w) memcpy(c->w + c->at, p, k);
    c->at += k;
}

static void get(state_cursor *c, void *p, size_t k) {
    if (c->at + k > c->n) { c->over = 1; return; }
    memcpy(p, c->r + c->at, k);
    c->at += k;
}

static uint64_t fnv(uint64_t h, const void *p, size_t k) {
    const unsigned char *b = p;
    for (size_t i = 0; i < k; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

/* Every field of cfg that changes the training, hashed field by field (struct padding is not hashed). */
static uint64_t train_state_fingerprint(const train_config *c) {
    uint64_t h = 0xcbf29ce484222325ULL;
#define F(x) h = fnv(h, &(x), sizeof(x))
    F(c->n_hidden);
    for (int i = 0; i < c->n_hidden; i++) F(c->hidden[i]);
    F(c->activation); F(c->dropout); F(c->input_dropout); F(c->output_dropout); F(c->batchnorm);
    F(c->optim.kind); F(c->optim.lr); F(c->optim.momentum); F(c->optim.nesterov); F(c->optim.l2);
    F(c->optim.beta1); F(c->optim.beta2); F(c->optim.eps);
    F(c->batch_size); F(c->epochs); F(c->early_stopping); F(c->train_size); F(c->val_size);
    F(c->augment.shift); F(c->augment.flip); F(c->seed);
#undef F
    return h;
}

typedef struct {
    char magic[8];
    uint32_t version, header_bytes;
    uint64_t fingerprint, num_params, num_stats, rows, snap;
    uint32_t capacity;
} state_header;

static void header_of(const train_session *s, state_header *h) {
    memset(h, 0, sizeof *h);
    memcpy(h->magic, TRAIN_STATE_MAGIC, 8);
    h->version = TRAIN_STATE_VERSION;
    h->header_bytes = 8 + 4 + 4 + 5 * 8 + 4;
    h->fingerprint = train_state_fingerprint(&s->cfg);
    h->num_params = s->model.num_params;
    h->num_stats = s->model.num_stats;
    h->rows = (uint64_t)s->n;
    h->snap = s->best ? s->model.num_params + s->model.num_stats : 0;
    h->capacity = (uint32_t)s->cfg.epochs;
}

static void header_put(state_cursor *c, const state_header *h) {
    put(c, h->magic, 8); put(c, &h->version, 4); put(c, &h->header_bytes, 4);
    put(c, &h->fingerprint, 8); put(c, &h->num_params, 8); put(c, &h->num_stats, 8);
    put(c, &h->rows, 8); put(c, &h->snap, 8); put(c, &h->capacity, 4);
}

static void header_get(state_cursor *c, state_header *h) {
    get(c, h->magic, 8); get(c, &h->version, 4); get(c, &h->header_bytes, 4);
    get(c, &h->fingerprint, 8); get(c, &h->num_params, 8); get(c, &h->num_stats, 8);
    get(c, &h->rows, 8); get(c, &h->snap, 8); get(c, &h->capacity, 4);
}

/* The progress scalars, in one fixed order. */
static void progress_put(state_cursor *c, const train_session *s) {
    int64_t step = (int64_t)s->step;
    int32_t ints[6] = {s->epoch, s->ended, s->snap_taken, (int32_t)s->res.status, s->res.epochs_run, s->res.best_epoch};
    put(c, &step, 8);
    put(c, ints, sizeof ints);
    put(c, &s->best_val, 8);
    put(c, &s->first_loss, 8);
}

static void progress_get(state_cursor *c, train_session *s) {
    int64_t step = 0;
    int32_t ints[6] = {0};
    get(c, &step, 8);
    get(c, ints, sizeof ints);
    get(c, &s->best_val, 8);
    get(c, &s->first_loss, 8);
    s->step = (long)step;
    s->epoch = ints[0]; s->ended = ints[1]; s->snap_taken = ints[2];
    s->res.status = (train_status)ints[3]; s->res.epochs_run = ints[4]; s->res.best_epoch = ints[5];
}

static void body_put(state_cursor *c, const train_session *s) {
    progress_put(c, s);
    for (int k = 0; k < TRAIN_N_RNG; k++) put(c, s->rng[k].s, sizeof s->rng[k].s);
    put(c, s->order, sizeof(int) * (size_t)s->n);
    const mlp *m = &s->model;
    put(c, m->params, sizeof(float) * m->num_params);
    put(c, m->m, sizeof(float) * m->num_params);
    put(c, m->v, sizeof(float) * m->num_params);
    put(c, m->stats, sizeof(float) * m->num_stats);
    if (s->best) put(c, s->best, sizeof(float) * (m->num_params + m->num_stats));
    for (int e = 0; e < s->epoch; e++) {
        const train_epoch *x = &s->curve[e];
        int32_t ep = x->epoch;
        double v[7] = {x->seconds, x->train_loss, x->train_acc, x->val_loss, x->val_acc, x->test_loss, x->test_acc};
        put(c, &ep, 4);
        put(c, v, sizeof v);
    }
}

static void body_get(state_cursor *c, train_session *s) {
    progress_get(c, s);
    for (int k = 0; k < TRAIN_N_RNG; k++) get(c, s->rng[k].s, sizeof s->rng[k].s);
    get(c, s->order, sizeof(int) * (size_t)s->n);
    mlp *m = &s->model;
    get(c, m->params, sizeof(float) * m->num_params);
    get(c, m->m, sizeof(float) * m->num_params);
    get(c, m->v, sizeof(float) * m->num_params);
    get(c, m->stats, sizeof(float) * m->num_stats);
    if (s->best) get(c, s->best, sizeof(float) * (m->num_params + m->num_stats));
    for (int e = 0; e < s->epoch; e++) {
        train_epoch *x = &s->curve[e];
        int32_t ep = 0;
        double v[7] = {0};
        get(c, &ep, 4);
        get(c, v, sizeof v);
        *x = (train_epoch){ep, v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    }
}

size_t train_state_size(const train_session *s) {
    state_cursor c = {NULL, NULL, 0, SIZE_MAX, 0};
    state_header h;
    header_of(s, &h);
    header_put(&c, &h);
    body_put(&c, s);
    return c.at + 4;
}

size_t train_state_save(const train_session *s, void *buf, size_t n) {
    state_cursor c = {buf, NULL, 0, n, 0};
    state_header h;
    header_of(s, &h);
    header_put(&c, &h);
    body_put(&c, s);
    if (c.over || c.at + 4 > n) return 0;
    uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)c.at);
    put(&c, &crc, 4);
    return c.at;
}

int train_state_load(train_session *s, const void *buf, size_t n, char *err, size_t errlen) {
    state_cursor c = {NULL, buf, 0, n, 0};
    state_header got, want;
    header_of(s, &want);
    header_get(&c, &got);
    if (c.over || memcmp(got.magic, TRAIN_STATE_MAGIC, 8)) {
        snprintf(err, errlen, "not a sweep checkpoint (no SWEEPCKP header)");
        return -1;
    }
    if (got.version != TRAIN_STATE_VERSION) {
        snprintf(err, errlen, "checkpoint format version %u, this sweep reads version %u", (unsigned)got.version,
                 (unsigned)TRAIN_STATE_VERSION);
        return -1;
    }
    uint32_t crc;
    if (n < 4 || (memcpy(&crc, (const unsigned char *)buf + n - 4, 4), crc != (uint32_t)crc32(0L, buf, (uInt)(n - 4)))) {
        snprintf(err, errlen, "checkpoint is corrupt (checksum mismatch over %zu bytes)", n);
        return -1;
    }
    if (got.fingerprint != want.fingerprint || got.num_params != want.num_params || got.num_stats != want.num_stats ||
        got.rows != want.rows || got.snap != want.snap || got.capacity != want.capacity) {
        snprintf(err, errlen, "checkpoint belongs to another configuration (fingerprint %016llx, this run %016llx)",
                 (unsigned long long)got.fingerprint, (unsigned long long)want.fingerprint);
        return -1;
    }
    /* The scalars into a copy first: a buffer of the wrong length leaves s unchanged. */
    train_session probe = *s;
    state_cursor dry = c;
    progress_get(&dry, &probe);
    if (dry.over || probe.epoch < 0 || probe.epoch > s->cfg.epochs || n != train_state_size(&probe)) {
        snprintf(err, errlen, "checkpoint is corrupt (%zu bytes for %d epochs)", n, probe.epoch);
        return -1;
    }
    body_get(&c, s);
    return 0;
}
