/* data: labelled data sets (IDX images, plain or .gz, or CSV tables), loaded once, shared read-only. */
#ifndef SWEEP_DATA_H
#define SWEEP_DATA_H
#include <stddef.h>
#include <stdint.h>
#include "rng.h"

#define DATA_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"

/* One table of examples. Images are kept as bytes (pixel/255 is applied when a batch is gathered):
   a quarter of the memory of floats, and the conversion is cheap next to the matrix products.
   CSV features are arbitrary reals and are kept as floats. Exactly one of pixels/features is set. */
typedef struct {
    int n;                 /* number of examples */
    int dim;               /* features per example (784 for 28x28 images) */
    int classes;           /* labels lie in [0, classes) */
    int width, height;     /* image shape; 0, 0 for tabular data */
    uint8_t *pixels;       /* (n, dim) image bytes, or NULL */
    float *features;       /* (n, dim) CSV features, or NULL */
    uint8_t *labels;       /* (n) */
} data_set;

/* Training and test sets of one source. */
typedef struct {
    data_set train, test;
    char source[512];      /* what was loaded, for messages */
} data_bundle;

/* Contiguous rows [first, first+n) of a set: train/validation splits without copies. */
typedef struct {
    const data_set *set;
    int first, n;
} data_view;

/* What is known of a source before training: its sizes, and the memory it takes once loaded. */
typedef struct {
    int train_n, test_n;   /* rows of the training and test sets */
    int dim, classes;      /* features per example, classes */
    size_t bytes;          /* memory of the loaded bundle (pixels or features, and labels) */
} data_shape;

/* Load a source: a directory holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
   t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; or a directory holding train.csv and
   test.csv; or a path to a train CSV file whose test file is the same name with "train" replaced by
   "test". Returns 0, or -1 with one line in err naming the file and what is wrong. */
int data_load(data_bundle *out, const char *path, char *err, size_t errlen);
/* Load one IDX image file and its label file (each plain or gzip). */
int data_load_idx(data_set *out, const char *images_path, const char *labels_path, char *err, size_t errlen);
/* Load one CSV file: first column the integer label, then numeric features; an optional header row. */
int data_load_csv(data_set *out, const char *path, char *err, size_t errlen);
/* The shape of a source without loading it where the format allows: an IDX source's image headers are read
   (a few bytes per file); a CSV source has no header giving its size, so it is loaded and released. */
int data_probe(data_shape *out, const char *path, char *err, size_t errlen);
/* The shape of a loaded bundle. */
void data_shape_of(data_shape *out, const data_bundle *b);
/* Whether data_split would succeed on a training set of n rows: 0, or -1 with err and *bad naming the
   setting at fault ("val_size" or "train_size"). */
int data_split_check(int n, int train_size, int val_size, const char **bad, char *err, size_t errlen);
/* Release what a load allocated; safe on a zeroed set. */
void data_free(data_set *d);
void data_bundle_free(data_bundle *b);

/* Split the training set: the last val_size rows are validation (deterministic, same for every run),
   training uses the first train_size of the rest (0 = all). Returns -1 with err if sizes do not fit. */
int data_split(const data_set *train, int train_size, int val_size, data_view *train_view, data_view *val_view,
               char *err, size_t errlen);

/* Augmentation applied while gathering a batch (images only). */
typedef struct {
    int shift;             /* random translation of up to shift pixels in x and y, zero fill; 0 = off */
    int flip;              /* random horizontal flip with probability 1/2 */
} data_augment;

/* Gather rows view[rows[i]] into x (count, dim) as floats and labels into y (count).
   aug may be NULL (no augmentation); rng is used only when aug is active. */
void data_gather(float *x, int *y, const data_view *view, const int *rows, int count,
                 const data_augment *aug, rng_state *rng);

/* Ask the CPU to start loading rows view[rows[i]] (a later batch) into cache; changes nothing. */
void data_prefetch(const data_view *view, const int *rows, int count);

#endif
