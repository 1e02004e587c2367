/* data: finding a source's files, freeing, train/validation split and batch gathering.
   The IDX and CSV readers are in data_idx.c and data_csv.c. */
#include "data.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "data_internal.h"

static const char *const data_idx_names[4] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

int data_fail(char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen > 0) {
        int k = snprintf(err, errlen, "data: ");
        va_list ap;
        va_start(ap, fmt);
        if (k >= 0 && (size_t)k < errlen) vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int data_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/name or dir/name.gz, whichever exists (the plain name first). Returns 0 if found, -1 if not, -2 when
   the path does not fit in out. */
static int data_find(char *out, size_t outlen, const char *dir, const char *name) {
    int k = snprintf(out, outlen, "%s/%s.gz", dir, name);
    if (k < 0 || (size_t)k >= outlen) return -2;
    snprintf(out, outlen, "%s/%s", dir, name);
    if (data_is_file(out)) return 0;
    snprintf(out, outlen, "%s/%s.gz", dir, name);
    return data_is_file(out) ? 0 : -1;
}

/* Directories are compared without trailing slashes, so ".../fashion-mnist/" is the default too. */
static int data_is_default_dir(const char *path) {
    size_t n = strlen(path), k = strlen(DATA_DEFAULT_DIR);
    while (n > 1 && path[n - 1] == '/') n--;
    return n == k && strncmp(path, DATA_DEFAULT_DIR, k) == 0;
}

static int data_missing_default(const char *missing, char *err, size_t errlen) {
    return data_fail(err, errlen, "%s: Fashion-MNIST not found (no %s[.gz]); install it with: "
                     "sudo apt-get install dataset-fashion-mnist", DATA_DEFAULT_DIR, missing);
}

/* Both sets of a bundle must describe the same inputs and share one class count. */
static int data_bundle_check(data_bundle *b, const char *train_path, const char *test_path, char *err, size_t errlen) {
    data_set *tr = &b->train, *te = &b->test;
    if (tr->dim != te->dim || tr->width != te->width || tr->height != te->height)
        return data_fail(err, errlen, "%s: %d features (%dx%d) but %s has %d (%dx%d)", test_path, te->dim, te->width,
                         te->height, train_path, tr->dim, tr->width, tr->height);
    int classes = tr->classes > te->classes ? tr->classes : te->classes;
    tr->classes = te->classes = classes;
    return 0;
}

/* Loads the IDX files of dir into out, or with probe set only reads the image headers into *probe. */
static int data_load_idx_dir(data_bundle *out, data_shape *probe, const char *dir, char *err, size_t errlen) {
    char paths[4][4096];
    for (int i = 0; i < 4; i++) {
        int found = data_find(paths[i], sizeof paths[i], dir, data_idx_names[i]);
        if (found == 0) continue;
        if (found == -2) return data_fail(err, errlen, "%.200s...: path too long", dir);
        if (data_is_default_dir(dir)) return data_missing_default(data_idx_names[i], err, errlen);
        return data_fail(err, errlen, "%s/%s: missing (neither it nor %s.gz exists)", dir, data_idx_names[i],
                         data_idx_names[i]);
    }
    if (probe) {
        int dim_test;
        if (data_idx_probe(paths[0], &probe->train_n, &probe->dim, err, errlen) ||
            data_idx_probe(paths[2], &probe->test_n, &dim_test, err, errlen))
            return -1;
        if (dim_test != probe->dim)
            return data_fail(err, errlen, "%s: %d features but %s has %d", paths[2], dim_test, paths[0], probe->dim);
        probe->classes = data_idx_classes();
        probe->bytes = ((size_t)probe->train_n + (size_t)probe->test_n) * ((size_t)probe->dim + 1);
        return 0;
    }
    if (data_load_idx(&out->train, paths[0], paths[1], err, errlen) != 0) return -1;
    if (data_load_idx(&out->test, paths[2], paths[3], err, errlen) != 0) return -1;
    if (data_bundle_check(out, paths[0], paths[2], err, errlen) != 0) return -1;
    snprintf(out->source, sizeof out->source, "%s (IDX)", dir);
    return 0;
}

static int data_load_csv_pair(data_bundle *out, const char *train_path, const char *test_path, char *err,
                              size_t errlen) {
    if (!data_is_file(test_path))
        return data_fail(err, errlen, "%s: test file missing (for training file %s)", test_path, train_path);
    if (data_load_csv(&out->train, train_path, err, errlen) != 0) return -1;
    if (data_load_csv(&out->test, test_path, err, errlen) != 0) return -1;
    if (data_bundle_check(out, train_path, test_path, err, errlen) != 0) return -1;
    snprintf(out->source, sizeof out->source, "%s + %s", train_path, test_path);
    return 0;
}

/* A train CSV file: its test file has the last "train" of the file name replaced by "test". */
static int data_load_csv_file(data_bundle *out, const char *train_path, char *err, size_t errlen) {
    const char *base = strrchr(train_path, '/');
    base = base ? base + 1 : train_path;
    const char *hit = NULL;
    for (const char *p = strstr(base, "train"); p; p = strstr(p + 1, "train")) hit = p;
    if (!hit)
        return data_fail(err, errlen, "%s: cannot name the test file: the file name has no \"train\" to "
                         "replace with \"test\"", train_path);
    char test_path[4096];
    int k = snprintf(test_path, sizeof test_path, "%.*stest%s", (int)(hit - train_path), train_path, hit + 5);
    if (k < 0 || (size_t)k >= sizeof test_path) return data_fail(err, errlen, "%s: path too long", train_path);
    return data_load_csv_pair(out, train_path, test_path, err, errlen);
}

static int data_load_any(data_bundle *out, data_shape *probe, const char *path, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0) {
        if (data_is_default_dir(path)) return data_missing_default(data_idx_names[0], err, errlen);
        return data_fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    }
    if (S_ISREG(st.st_mode)) return data_load_csv_file(out, path, err, errlen);
    if (!S_ISDIR(st.st_mode)) return data_fail(err, errlen, "%s: neither a file nor a directory", path);
    char found[4096];
    int idx = data_find(found, sizeof found, path, data_idx_names[0]);
    if (idx == -2) return data_fail(err, errlen, "%.200s...: path too long", path);
    if (idx == 0 || data_is_default_dir(path)) return data_load_idx_dir(out, probe, path, err, errlen);
    char train_csv[4096], test_csv[4096];
    int k = snprintf(train_csv, sizeof train_csv, "%s/train.csv", path);
    if (k < 0 || (size_t)k >= sizeof train_csv) return data_fail(err, errlen, "%.200s...: path too long", path);
    snprintf(test_csv, sizeof test_csv, "%s/test.csv", path);
    if (data_is_file(train_csv)) return data_load_csv_pair(out, train_csv, test_csv, err, errlen);
    return data_fail(err, errlen, "%s: no data set here: expected %s[.gz] (and the other IDX files) or "
                     "train.csv and test.csv", path, data_idx_names[0]);
}

int data_load(data_bundle *out, const char *path, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (data_load_any(out, NULL, path, err, errlen) == 0) return 0;
    data_bundle_free(out);
    return -1;
}

void data_shape_of(data_shape *out, const data_bundle *b) {
    const data_set *sets[2] = {&b->train, &b->test};
    memset(out, 0, sizeof *out);
    out->train_n = b->train.n;
    out->test_n = b->test.n;
    out->dim = b->train.dim;
    out->classes = b->train.classes;
    for (int i = 0; i < 2; i++)
        out->bytes += (size_t)sets[i]->n * ((size_t)sets[i]->dim * (sets[i]->features ? sizeof(float) : 1) + 1);
}

int data_probe(data_shape *out, const char *path, char *err, size_t errlen) {
    data_bundle b;
    memset(&b, 0, sizeof b);
    memset(out, 0, sizeof *out);
    int rc = data_load_any(&b, out, path, err, errlen);
    if (rc == 0 && b.train.n) data_shape_of(out, &b); /* a CSV source was loaded whole */
    data_bundle_free(&b);
    return rc;
}

void data_free(data_set *d) {
    free(d->pixels);
    free(d->features);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

void data_bundle_free(data_bundle *b) {
    data_free(&b->train);
    data_free(&b->test);
}

int data_split_check(int n, int train_size, int val_size, const char **bad, char *err, size_t errlen) {
    *bad = val_size < 0 ? "val_size" : "train_size";
    if (val_size < 0 || train_size < 0)
        return snprintf(err, errlen, "train_size %d and val_size %d must be >= 0", train_size, val_size), -1;
    *bad = "val_size";
    if (val_size >= n)
        return snprintf(err, errlen, "val_size = %d leaves no training rows: the training set has %d rows", val_size,
                        n), -1;
    *bad = "train_size";
    if (train_size > n - val_size)
        return snprintf(err, errlen, "train_size = %d is more than the %d rows left after val_size %d (of %d rows)",
                        train_size, n - val_size, val_size, n), -1;
    *bad = NULL;
    return 0;
}

int data_split(const data_set *train, int train_size, int val_size, data_view *train_view, data_view *val_view,
               char *err, size_t errlen) {
    int n = train->n;
    const char *bad;
    if (data_split_check(n, train_size, val_size, &bad, err, errlen)) return -1;
    *val_view = (data_view){ .set = train, .first = n - val_size, .n = val_size };
    *train_view = (data_view){ .set = train, .first = 0, .n = train_size ? train_size : n - val_size };
    return 0;
}

/* Written for -O2's vectorizer: restrict (a byte pointer may otherwise alias the floats) and blocks of
   a fixed count (-O2 only vectorizes loops that need no scalar remainder). */
static void data_bytes_to_floats(float *restrict out, const uint8_t *restrict in, size_t n) {
    enum { BLOCK = 16 };
    size_t j = 0;
    for (; j + BLOCK <= n; j += BLOCK)
        for (int k = 0; k < BLOCK; k++) out[j + k] = in[j + k] / 255.0f;
    for (; j < n; j++) out[j] = in[j] / 255.0f;
}

/* One image, augmented. Draws, in this order and only for the options that are on:
   dx = rng_below(2*shift+1) - shift, dy likewise, then flip = rng_below(2).
   The image is mirrored first (if flip), then moved dx pixels right and dy pixels down, zero fill:
   out(r, c) = in(r - dy, c' - dx), c' mirrored when flipped. */
static void data_gather_augmented(float *x, const uint8_t *src, int width, int height, const data_augment *aug,
                                  rng_state *rng) {
    int dx = 0, dy = 0, flip = 0;
    if (aug->shift > 0) {
        uint32_t span = 2 * (uint32_t)aug->shift + 1;
        dx = (int)rng_below(rng, span) - aug->shift;
        dy = (int)rng_below(rng, span) - aug->shift;
    }
    if (aug->flip) flip = (int)rng_below(rng, 2);
    memset(x, 0, (size_t)width * height * sizeof *x);
    int c0 = dx > 0 ? dx : 0, c1 = dx < 0 ? width + dx : width;
    for (int r = 0; r < height; r++) {
        int sr = r - dy;
        if (sr < 0 || sr >= height) continue;
        const uint8_t *in = src + (size_t)sr * width;
        float *o = x + (size_t)r * width;
        if (flip)
            for (int c = c0; c < c1; c++) o[c] = in[width - 1 - (c - dx)] / 255.0f;
        else
            for (int c = c0; c < c1; c++) o[c] = in[c - dx] / 255.0f;
    }
}

void data_gather(float *x, int *y, const data_view *view, const int *rows, int count, const data_augment *aug,
                 rng_state *rng) {
    const data_set *d = view->set;
    size_t dim = (size_t)d->dim;
    int augment = aug && d->pixels && (aug->shift > 0 || aug->flip);
    assert(!augment || rng);
    for (int i = 0; i < count; i++) {
        assert(rows[i] >= 0 && rows[i] < view->n);
        size_t row = (size_t)view->first + (size_t)rows[i];
        float *xi = x + (size_t)i * dim;
        y[i] = d->labels[row];
        if (d->features) {
            memcpy(xi, d->features + row * dim, dim * sizeof *xi);
        } else if (augment) {
            data_gather_augmented(xi, d->pixels + row * dim, d->width, d->height, aug, rng);
        } else {
            data_bytes_to_floats(xi, d->pixels + row * dim, dim);
        }
    }
}

void data_prefetch(const data_view *view, const int *rows, int count) {
    const data_set *d = view->set;
    size_t bytes = d->pixels ? (size_t)d->dim : (size_t)d->dim * sizeof(float);
    const char *base = d->pixels ? (const char *)d->pixels : (const char *)d->features;
    for (int i = 0; i < count; i++) {
        const char *row = base + ((size_t)view->first + (size_t)rows[i]) * bytes;
        for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(row + off, 0, 1);
        __builtin_prefetch(d->labels + view->first + rows[i], 0, 1);
    }
}
