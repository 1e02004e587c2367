/* idset: see idset.h. */
#include "idset.h"
#include <stdlib.h>
#include <string.h>

/* The 64-bit value of a run id; text that is not 16 hex digits gets an FNV-1a hash of its own. */
static uint64_t idset_key(const char *id) {
    uint64_t v = 0;
    int i = 0;
    for (; i < 16 && id[i]; i++) {
        char c = id[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) break;
        v = v << 4 | (uint64_t)d;
    }
    if (i == 16 && !id[16]) return v;
    v = 1469598103934665603ULL;
    for (const char *p = id; *p; p++) v = (v ^ (unsigned char)*p) * 1099511628211ULL;
    return v;
}

/* Slot of key, or of the empty slot where it would go. cap is a power of two. */
static size_t idset_slot(const uint64_t *slots, size_t cap, uint64_t key) {
    size_t i = (size_t)(key ^ key >> 29) & (cap - 1);
    while (slots[i] && slots[i] != key) i = (i + 1) & (cap - 1);
    return i;
}

int idset_init(idset *s, size_t expected) {
    memset(s, 0, sizeof *s);
    size_t cap = 16;
    while (cap < 2 * expected) cap *= 2;
    s->slots = calloc(cap, sizeof *s->slots);
    if (!s->slots) return -1;
    s->cap = cap;
    return 0;
}

static int idset_grow(idset *s) {
    size_t cap = s->cap * 2;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) slots[idset_slot(slots, cap, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int idset_add(idset *s, const char *run_id) {
    uint64_t key = idset_key(run_id);
    if (!key) {
        if (s->has_zero) return 0;
        s->has_zero = 1;
        return 1;
    }
    if (2 * (s->n + 1) > s->cap && idset_grow(s)) return -1;
    size_t i = idset_slot(s->slots, s->cap, key);
    if (s->slots[i]) return 0;
    s->slots[i] = key;
    s->n++;
    return 1;
}

int idset_has(const idset *s, const char *run_id) {
    uint64_t key = idset_key(run_id);
    if (!key) return s->has_zero;
    return s->cap && s->slots[idset_slot(s->slots, s->cap, key)] == key;
}

void idset_free(idset *s) {
    free(s->slots);
    memset(s, 0, sizeof *s);
}
