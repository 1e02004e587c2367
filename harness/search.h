/* search: what an experiment file declares beyond a grid, and the deterministic sampler.

   [sweep]
   search = random | halving | hyperband   (default: grid)
   samples = N, sample_seed = S            random configurations instead of the grid (search = random needs it;
                                           halving and hyperband take either)
   dropout = uniform(0, 0.8)               distributions, with samples only: uniform(a, b) in [a, b),
   lr = loguniform(1e-4, 1e-2)             loguniform(a, b) (a > 0), int(a, b) (integers a..b inclusive);
   batch_size = int(32, 256)               a plain list (dropout = 0, 0.2, 0.5) is a choice among its values
   min_epochs = R, eta = 3, metric = val_acc   halving and hyperband: rungs from R to `epochs` epochs */
#ifndef SWEEP_SEARCH_H
#define SWEEP_SEARCH_H
#include <stddef.h>
#include <stdint.h>

typedef enum { SEARCH_GRID = 0, SEARCH_RANDOM, SEARCH_HALVING, SEARCH_HYPERBAND } search_kind;
typedef enum { SEARCH_UNIFORM = 0, SEARCH_LOGUNIFORM, SEARCH_INT, SEARCH_CHOICE } search_dist_kind;

#define SEARCH_MAX_DIMS 32
#define SEARCH_VALUE 256

/* One dimension of a random search: a setting and how it is drawn. */
typedef struct {
    int setting;               /* index into settings_table */
    search_dist_kind kind;
    double a, b;               /* range of uniform / loguniform / int */
    int n_choices;             /* SEARCH_CHOICE */
    char (*choices)[SEARCH_VALUE];
    int line;                  /* where it was declared */
} search_dim;

typedef struct {
    search_kind kind;
    int samples;               /* 0: the grid's configurations */
    uint64_t sample_seed;
    int min_epochs, eta;
    char metric[32];           /* val_acc, val_loss, train_acc, train_loss */
    int line_search, line_samples, line_min, line_metric; /* 0 when absent */
    int n_dists;
    search_dim dists[SEARCH_MAX_DIMS]; /* the uniform/loguniform/int declarations */
} search_spec;

/* Defaults: grid, eta 3, metric val_acc. */
void search_spec_init(search_spec *s);
/* A key of [sweep] that belongs to the search (search, samples, sample_seed, min_epochs, eta, metric):
   1 taken, 0 not a search key, -1 bad value with one line in msg. */
int search_decl_key(search_spec *s, const char *key, const char *value, int line, char *msg, size_t n);
/* 1 if value is written as a distribution: name(...). */
int search_is_dist(const char *value);
/* Record `setting = value` (a distribution) declared at line: 0, or -1 with one line in msg. */
int search_decl_dist(search_spec *s, int setting, const char *value, int line, char *msg, size_t n);
/* After the whole file: the declarations that only make sense together. 0, or -1 with "path:line: ..." in err. */
int search_decl_check(const search_spec *s, const char *path, int epochs_is_single, int early_stopping, char *err,
                      size_t errlen);

/* Counter-based hash of (seed, counter, key): the same inputs give the same 64 bits in any order or process. */
uint64_t search_hash(uint64_t seed, uint64_t counter, uint64_t key);
/* FNV-1a of a string, for keys. */
uint64_t search_hash_str(const char *s);
/* Draw n samples of dims: out[i * n_dims + d] is sample i's value of dims[d] as text. Sample i comes from
   search_hash(seed, attempt, dimension name), the attempts of sample i following those of sample i-1; a draw
   equal to an earlier sample is rejected, so the samples are distinct and the first n of n+1 samples are the n
   samples. More samples than a discrete space holds: -1 with err saying how many it holds. */
int search_draw(const search_dim *dims, int n_dims, uint64_t seed, int n, char (*out)[SEARCH_VALUE], char *err,
                size_t errlen);

#endif
