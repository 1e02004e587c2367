/* census: where the zeros of Linear(C, OC) -> ReLU -> inverted dropout p come from, counted per input over
   random standard-normal inputs (as torch.randn draws them). The layer is initialised as every layer of the
   project is (linear_init: PyTorch's default, weight and bias uniform in +-1/sqrt(C)); training mode runs the
   kernel training runs use (relu_dropout_forward), eval mode the one evaluation uses (relu_forward, no mask).
   Each zero of a training-mode output is put down to its cause: ReLU (pre-activation <= 0), the mask, or
   both. The census owns its random state (seed); models/ knows nothing of where the numbers go.
   Glossary: C = inputs of the layer, OC = its units (outputs), N = inputs counted = layers * samples. */
#ifndef SWEEP_CENSUS_H
#define SWEEP_CENSUS_H
#include <stddef.h>
#include <stdint.h>

#define CENSUS_MAX_WIDTH 4096        /* C and OC */
#define CENSUS_MAX_INPUTS 10000000   /* N */

/* What is counted for each input: the number of its OC outputs that are zero for a reason. */
typedef enum {
    CENSUS_RELU_ONLY,    /* training: pre-activation <= 0, and the mask kept the unit */
    CENSUS_MASK_ONLY,    /* training: a positive activation the mask dropped */
    CENSUS_BOTH,         /* training: pre-activation <= 0, and the mask dropped the unit too */
    CENSUS_TRAIN_ZEROS,  /* training: outputs == 0, counted on the output itself */
    CENSUS_MASKED,       /* training: units the mask dropped, whatever ReLU did (what p * OC predicts) */
    CENSUS_EVAL_ZEROS,   /* eval: outputs == 0, counted on the output itself (the same input, the same layer) */
    CENSUS_NCOUNTS
} census_count;

typedef struct {
    int inputs, units;   /* C and OC of the Linear layer */
    float p;             /* dropout rate in [0, 1) */
    int samples;         /* random inputs per layer; each passes once in training mode (a fresh mask), once in eval */
    int layers;          /* layers drawn one after another from the seed (1: the layer is fixed, as in one model) */
    uint64_t seed;
} census_config;

/* The per-input distribution of one count: mean, extremes, and the central 95%: lo is the smallest count
   with P(count <= lo) > 2.5%, hi the largest with P(count >= hi) > 2.5%, so at most 2.5% of inputs lie on
   either side of [lo, hi]. */
typedef struct { double mean; int min, lo, hi, max; } census_stat;

typedef struct {
    census_config cfg;
    long n;                              /* inputs counted: layers * samples */
    census_stat stat[CENSUS_NCOUNTS];
    long *hist;                          /* (CENSUS_NCOUNTS, units + 1): inputs with each count */
} census_result;

/* Run the census of cfg into res (freed with census_free). per_input (N, CENSUS_NCOUNTS), unless NULL, gets
   every input's counts in the order drawn. 0, or -1 with a message in err (a bad cfg, out of memory). */
int census_run(census_result *res, int *per_input, const census_config *cfg, char *err, size_t errlen);
/* How many inputs had exactly count zeros of kind c (0 for a count outside 0..units). */
long census_inputs_with(const census_result *res, census_count c, int count);
void census_free(census_result *res);

#endif
