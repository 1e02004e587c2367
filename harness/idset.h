/* idset: a set of run ids (16 hex digits, as settings_run_id writes them), for duplicate checks in O(1) per id.
   Open addressing over the 64-bit values; the ids are FNV-1a hashes already, so they index the table as is. */
#ifndef SWEEP_IDSET_H
#define SWEEP_IDSET_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *slots;       /* (cap) 0 = empty; the id 0 is kept in has_zero */
    size_t cap, n;
    int has_zero;
} idset;

/* An empty set sized for about expected ids (it grows as needed). Returns 0, or -1 out of memory. */
int idset_init(idset *s, size_t expected);
/* Add a run id (16 hex digits; anything else is hashed as text). Returns 1 if new, 0 if already there,
   -1 out of memory. */
int idset_add(idset *s, const char *run_id);
/* 1 if run_id is in the set. */
int idset_has(const idset *s, const char *run_id);
void idset_free(idset *s);

#endif
