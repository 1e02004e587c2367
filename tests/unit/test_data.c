/* Tests of models/data*.c: IDX and CSV loading and their errors, splits, gathering and augmentation.
   Fixtures are written at run time into a fresh mkdtemp directory and removed afterwards. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "data.h"

#define ERRLEN 512

/* ---- fixtures ---- */

static char tmp_dir[64];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static void make_tmp(void) {
    strcpy(tmp_dir, "/tmp/sweep-test-data-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_dir));
}

static void remove_tmp(void) {
    if (tmp_dir[0]) nftw(tmp_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    tmp_dir[0] = '\0';
}

static const char *tmp_path(char *buf, const char *name) {
    sprintf(buf, "%s/%s", tmp_dir, name);
    return buf;
}

static void write_bytes(const char *path, int gz, const void *data, size_t len) {
    if (gz) {
        gzFile f = gzopen(path, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(gzwrite(f, data, (unsigned)len), (int)len);
        cr_assert_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(data, 1, len, f), len);
        cr_assert_eq(fclose(f), 0);
    }
}

static void put_be32(unsigned char *b, uint32_t v) {
    b[0] = (unsigned char)(v >> 24); b[1] = (unsigned char)(v >> 16); b[2] = (unsigned char)(v >> 8); b[3] = (unsigned char)v;
}

/* An IDX image file: header (magic, n, rows, cols) then body_len bytes of body (may be short of n images). */
static void write_images(const char *path, int gz, uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols,
                         const uint8_t *body, size_t body_len) {
    unsigned char *b = malloc(16 + body_len);
    put_be32(b, magic); put_be32(b + 4, n); put_be32(b + 8, rows); put_be32(b + 12, cols);
    memcpy(b + 16, body, body_len);
    write_bytes(path, gz, b, 16 + body_len);
    free(b);
}

static void write_labels(const char *path, int gz, uint32_t magic, uint32_t n, const uint8_t *body, size_t body_len) {
    unsigned char *b = malloc(8 + body_len);
    put_be32(b, magic); put_be32(b + 4, n);
    memcpy(b + 8, body, body_len);
    write_bytes(path, gz, b, 8 + body_len);
    free(b);
}

static void write_text(const char *path, const char *text) {
    write_bytes(path, 0, text, strlen(text));
}

/* Three 2-row, 3-column images: not square, so a width/height swap shows. */
enum { FX_N = 3, FX_ROWS = 2, FX_COLS = 3, FX_DIM = FX_ROWS * FX_COLS };
static const uint8_t fx_pixels[FX_N * FX_DIM] = { 0, 1, 2, 3, 4, 5, 255, 128, 64, 32, 16, 8, 9, 99, 199, 0, 0, 7 };
static const uint8_t fx_labels[FX_N] = { 9, 0, 4 };

static void write_fixture_pair(const char *images, const char *labels, int gz) {
    write_images(images, gz, 0x803, FX_N, FX_ROWS, FX_COLS, fx_pixels, sizeof fx_pixels);
    write_labels(labels, gz, 0x801, FX_N, fx_labels, sizeof fx_labels);
}

static void assert_fixture_set(const data_set *d) {
    cr_assert_eq(d->n, FX_N);
    cr_assert_eq(d->dim, FX_DIM);
    cr_assert_eq(d->width, FX_COLS);
    cr_assert_eq(d->height, FX_ROWS);
    cr_assert_eq(d->classes, 10);
    cr_assert_not_null(d->pixels);
    cr_assert_null(d->features);
    for (int i = 0; i < FX_N * FX_DIM; i++) cr_assert_eq(d->pixels[i], fx_pixels[i], "pixel %d", i);
    for (int i = 0; i < FX_N; i++) cr_assert_eq(d->labels[i], fx_labels[i], "label %d", i);
}

#define assert_err_has(err, s) cr_assert_not_null(strstr((err), (s)), "error '%s' lacks '%s'", (err), (s))

/* ---- IDX ---- */

TestSuite(data_idx, .init = make_tmp, .fini = remove_tmp);

static void idx_roundtrip(int gz) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), gz);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), 0, "%s", err);
    assert_fixture_set(&d);
    data_free(&d);
    cr_assert_null(d.pixels);
    cr_assert_eq(d.n, 0);
}

Test(data_idx, roundtrip_plain) { idx_roundtrip(0); }
Test(data_idx, roundtrip_gzip) { idx_roundtrip(1); }

Test(data_idx, load_dir_mixed_plain_and_gz) {
    char a[256], b[256], err[ERRLEN] = "";
    write_images(tmp_path(a, "train-images-idx3-ubyte"), 0, 0x803, FX_N, FX_ROWS, FX_COLS, fx_pixels, FX_N * FX_DIM);
    write_labels(tmp_path(b, "train-labels-idx1-ubyte.gz"), 1, 0x801, FX_N, fx_labels, FX_N);
    write_images(tmp_path(a, "t10k-images-idx3-ubyte.gz"), 1, 0x803, FX_N, FX_ROWS, FX_COLS, fx_pixels, FX_N * FX_DIM);
    write_labels(tmp_path(b, "t10k-labels-idx1-ubyte"), 0, 0x801, FX_N, fx_labels, FX_N);
    data_bundle bundle;
    cr_assert_eq(data_load(&bundle, tmp_dir, err, sizeof err), 0, "%s", err);
    assert_fixture_set(&bundle.train);
    assert_fixture_set(&bundle.test);
    cr_assert_not_null(strstr(bundle.source, tmp_dir));
    data_bundle_free(&bundle);
}

Test(data_idx, missing_file) {
    char ip[256], lp[256], err[ERRLEN] = "";
    data_set d;
    cr_assert_eq(data_load_idx(&d, tmp_path(ip, "nope-images"), tmp_path(lp, "nope-labels"), err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "cannot open");
    cr_assert_null(d.pixels);
}

Test(data_idx, missing_file_in_dir) {
    char a[256], b[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(a, "train-images-idx3-ubyte"), tmp_path(b, "train-labels-idx1-ubyte"), 0);
    write_images(tmp_path(a, "t10k-images-idx3-ubyte"), 0, 0x803, FX_N, FX_ROWS, FX_COLS, fx_pixels,
                 sizeof fx_pixels);
    data_bundle bundle;
    cr_assert_eq(data_load(&bundle, tmp_dir, err, sizeof err), -1);
    assert_err_has(err, "t10k-labels-idx1-ubyte");
    assert_err_has(err, "missing");
    cr_assert_null(bundle.train.pixels, "a failed load frees what it loaded");
    cr_assert_eq(strstr(err, "apt-get"), NULL, "only the default directory suggests the package");
}

Test(data_idx, missing_dir) {
    char p[256], err[ERRLEN] = "";
    data_bundle bundle;
    cr_assert_eq(data_load(&bundle, tmp_path(p, "absent"), err, sizeof err), -1);
    assert_err_has(err, p);
    assert_err_has(err, "No such file");
}

Test(data_idx, wrong_magic_images) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_images(ip, 0, 0x801, FX_N, FX_ROWS, FX_COLS, fx_pixels, sizeof fx_pixels);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "wrong magic 0x00000801, expected 0x00000803");
}

Test(data_idx, wrong_magic_labels) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels.gz"), 1);
    write_labels(lp, 1, 0x803, FX_N, fx_labels, sizeof fx_labels);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, lp);
    assert_err_has(err, "wrong magic 0x00000803, expected 0x00000801");
}

Test(data_idx, truncated_images) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_images(ip, 0, 0x803, FX_N, FX_ROWS, FX_COLS, fx_pixels, 2 * FX_DIM + 1);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "truncated: expected 3 images, got 2");
}

Test(data_idx, truncated_header) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_bytes(ip, 0, "\0\0\x08\x03\0\0", 6);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "truncated");
}

/* A header claiming far more images than the file holds (here 2^31-1 of 4096x4096, 32 PiB) is truncation,
   found with memory in proportion to the data read, not an allocation of whatever the header claims
   (which failed as "out of memory", and aborted under AddressSanitizer; found by tests/fuzz/fuzz_idx). */
Test(data_idx, huge_header_count_is_truncation) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_images(ip, 0, 0x803, 0x7fffffff, 4096, 4096, fx_pixels, sizeof fx_pixels);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "truncated: expected 2147483647 images, got 0");
}

/* A gzip stream cut short is truncation too, not a generic read error. */
Test(data_idx, truncated_gzip_stream) {
    char ip[256], lp[256], err[ERRLEN] = "";
    enum { N = 200 };
    uint8_t *body = malloc(N * FX_DIM);
    for (int i = 0; i < N * FX_DIM; i++) body[i] = (uint8_t)(i * 7919 >> 3); /* poorly compressible */
    write_images(tmp_path(ip, "images.gz"), 1, 0x803, N, FX_ROWS, FX_COLS, body, N * FX_DIM);
    free(body);
    uint8_t labels[N] = { 0 };
    write_labels(tmp_path(lp, "labels"), 0, 0x801, N, labels, N);
    cr_assert_eq(truncate(ip, 300), 0);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "truncated: expected 200 images");
}

Test(data_idx, truncated_labels) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_labels(lp, 0, 0x801, FX_N, fx_labels, 1);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, lp);
    assert_err_has(err, "truncated: expected 3 labels, got 1");
}

Test(data_idx, count_mismatch) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_labels(lp, 0, 0x801, FX_N - 1, fx_labels, FX_N - 1);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, lp);
    assert_err_has(err, "count mismatch: 2 labels for 3 images");
}

Test(data_idx, trailing_data) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    write_images(ip, 0, 0x803, FX_N - 1, FX_ROWS, FX_COLS, fx_pixels, sizeof fx_pixels);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, ip);
    assert_err_has(err, "unexpected data after 2 images");
}

Test(data_idx, label_out_of_range) {
    char ip[256], lp[256], err[ERRLEN] = "";
    write_fixture_pair(tmp_path(ip, "images"), tmp_path(lp, "labels"), 0);
    const uint8_t bad[FX_N] = { 1, 2, 10 };
    write_labels(lp, 0, 0x801, FX_N, bad, FX_N);
    data_set d;
    cr_assert_eq(data_load_idx(&d, ip, lp, err, sizeof err), -1);
    assert_err_has(err, lp);
    assert_err_has(err, "label 2 is 10, out of range 0..9");
}

/* The real data set (Debian package dataset-fashion-mnist, a declared dependency). */
Test(data_idx, default_fashion_mnist) {
    char err[ERRLEN] = "";
    data_bundle b;
    cr_assert_eq(data_load(&b, DATA_DEFAULT_DIR, err, sizeof err), 0, "%s", err);
    cr_assert_eq(b.train.n, 60000);
    cr_assert_eq(b.test.n, 10000);
    cr_assert_eq(b.train.dim, 784);
    cr_assert_eq(b.test.dim, 784);
    cr_assert_eq(b.train.width, 28);
    cr_assert_eq(b.train.height, 28);
    cr_assert_eq(b.train.classes, 10);
    cr_assert_eq(b.test.classes, 10);
    cr_assert_eq(b.train.labels[0], 9, "first Fashion-MNIST training example is an ankle boot");
    data_view v = { .set = &b.train, .first = 0, .n = b.train.n };
    float x[784];
    int y, row = 0, nonzero = 0;
    data_gather(x, &y, &v, &row, 1, NULL, NULL);
    cr_assert_eq(y, 9);
    for (int j = 0; j < 784; j++) {
        cr_assert(x[j] >= 0.0f && x[j] <= 1.0f, "x[%d] = %g", j, x[j]);
        nonzero += x[j] > 0.0f;
    }
    cr_assert_gt(nonzero, 100);
    data_bundle_free(&b);
}

/* ---- CSV ---- */

TestSuite(data_csv, .init = make_tmp, .fini = remove_tmp);

static void assert_small_csv(const data_set *d) {
    static const float want[3][2] = { { 1.5f, -2.0f }, { 0.0f, 3e-3f }, { 7.0f, 8.25f } };
    static const uint8_t want_labels[3] = { 2, 0, 5 };
    cr_assert_eq(d->n, 3);
    cr_assert_eq(d->dim, 2);
    cr_assert_eq(d->classes, 6);
    cr_assert_eq(d->width, 0);
    cr_assert_eq(d->height, 0);
    cr_assert_null(d->pixels);
    cr_assert_not_null(d->features);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(d->labels[i], want_labels[i], "label %d", i);
        for (int j = 0; j < 2; j++) cr_assert_eq(d->features[i * 2 + j], want[i][j], "feature %d,%d", i, j);
    }
}

Test(data_csv, with_header) {
    char p[256], err[ERRLEN] = "";
    write_text(tmp_path(p, "h.csv"), "label,a,\"b c\"\n2,1.5,-2\n0,0,3e-3\n5,7,8.25\n");
    data_set d;
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), 0, "%s", err);
    assert_small_csv(&d);
    data_free(&d);
}

/* Also: CRLF line ends, a blank line, spaces around cells, no final newline. */
Test(data_csv, without_header) {
    char p[256], err[ERRLEN] = "";
    write_text(tmp_path(p, "n.csv"), "2,1.5,-2\r\n\r\n0, 0 ,3e-3\r\n5,7,8.25");
    data_set d;
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), 0, "%s", err);
    assert_small_csv(&d);
    data_free(&d);
}

Test(data_csv, gzipped) {
    char p[256], err[ERRLEN] = "";
    const char *text = "label,a,b\n2,1.5,-2\n0,0,3e-3\n5,7,8.25\n";
    write_bytes(tmp_path(p, "z.csv.gz"), 1, text, strlen(text));
    data_set d;
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), 0, "%s", err);
    assert_small_csv(&d);
    data_free(&d);
}

Test(data_csv, unparsable_cell) {
    char p[256], err[ERRLEN] = "";
    write_text(tmp_path(p, "bad.csv"), "label,a,b\n1,2,3\n\n1,2,abc\n");
    data_set d;
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "bad.csv:4: column 3: cannot parse 'abc' as a number");
    cr_assert_null(d.features);
}

Test(data_csv, not_finite) {
    char p[256], err[ERRLEN] = "";
    write_text(tmp_path(p, "inf.csv"), "1,2,3\n1,1e99,3\n");
    data_set d;
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "inf.csv:2: column 2: '1e99' is not a finite number");
}

Test(data_csv, bad_labels) {
    char p[256], err[ERRLEN] = "";
    data_set d;
    write_text(tmp_path(p, "l.csv"), "1,2\n-1,3\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "l.csv:2: column 1: label -1 out of range 0..255");
    write_text(p, "1,2\n256,3\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "l.csv:2: column 1: label 256 out of range");
    write_text(p, "1.5,2\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "l.csv:1: column 1: label '1.5' is not an integer");
}

Test(data_csv, ragged_row) {
    char p[256], err[ERRLEN] = "";
    data_set d;
    write_text(tmp_path(p, "r.csv"), "y,a,b\n1,2,3\n1,2\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "r.csv:3: expected 3 columns, got 2");
    write_text(p, "1,2,3\n1,2,3,4\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "r.csv:2: expected 3 columns, got 4");
}

Test(data_csv, empty) {
    char p[256], err[ERRLEN] = "";
    data_set d;
    write_text(tmp_path(p, "e.csv"), "");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, p);
    assert_err_has(err, "empty");
    write_text(p, "label,a\n\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1, "a header alone has no rows");
    assert_err_has(err, "empty");
    write_text(p, "3\n");
    cr_assert_eq(data_load_csv(&d, p, err, sizeof err), -1);
    assert_err_has(err, "e.csv:1: need at least 2 columns");
}

Test(data_csv, missing) {
    char p[256], err[ERRLEN] = "";
    data_set d;
    cr_assert_eq(data_load_csv(&d, tmp_path(p, "none.csv"), err, sizeof err), -1);
    assert_err_has(err, p);
    assert_err_has(err, "cannot open");
}

Test(data_csv, load_dir_and_train_file) {
    char a[256], b[256], err[ERRLEN] = "";
    data_bundle bundle;
    write_text(tmp_path(a, "train.csv"), "0,1,2\n1,3,4\n");
    write_text(tmp_path(b, "test.csv"), "y,f,g\n4,5,6\n");
    cr_assert_eq(data_load(&bundle, tmp_dir, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bundle.train.n, 2);
    cr_assert_eq(bundle.test.n, 1);
    cr_assert_eq(bundle.train.classes, 5, "classes is the maximum over both sets");
    cr_assert_eq(bundle.test.classes, 5);
    data_bundle_free(&bundle);

    write_text(tmp_path(a, "iris_train_v1.csv"), "0,1,2\n");
    write_text(tmp_path(b, "iris_test_v1.csv"), "1,1,2\n");
    cr_assert_eq(data_load(&bundle, a, err, sizeof err), 0, "%s", err);
    cr_assert_eq(bundle.test.labels[0], 1);
    cr_assert_not_null(strstr(bundle.source, "iris_test_v1.csv"));
    data_bundle_free(&bundle);

    write_text(b, "1,1,2,3\n");
    cr_assert_eq(data_load(&bundle, a, err, sizeof err), -1);
    assert_err_has(err, "iris_test_v1.csv: 3 features");

    cr_assert_eq(remove(b), 0);
    cr_assert_eq(data_load(&bundle, a, err, sizeof err), -1);
    assert_err_has(err, "iris_test_v1.csv: test file missing");

    write_text(tmp_path(a, "iris.csv"), "0,1,2\n");
    cr_assert_eq(data_load(&bundle, a, err, sizeof err), -1);
    assert_err_has(err, "iris.csv");
    assert_err_has(err, "no \"train\"");
}

/* ---- split ---- */

Test(data_split, boundaries) {
    data_set d = { .n = 10 };
    data_view tr, va;
    char err[ERRLEN] = "";
    cr_assert_eq(data_split(&d, 0, 0, &tr, &va, err, sizeof err), 0, "%s", err);
    cr_assert(tr.set == &d && tr.first == 0 && tr.n == 10);
    cr_assert(va.set == &d && va.first == 10 && va.n == 0);
    cr_assert_eq(data_split(&d, 0, 9, &tr, &va, err, sizeof err), 0, "%s", err);
    cr_assert(tr.first == 0 && tr.n == 1 && va.first == 1 && va.n == 9);
    cr_assert_eq(data_split(&d, 8, 2, &tr, &va, err, sizeof err), 0, "%s", err);
    cr_assert(tr.first == 0 && tr.n == 8 && va.first == 8 && va.n == 2);
    cr_assert_eq(data_split(&d, 3, 2, &tr, &va, err, sizeof err), 0, "%s", err);
    cr_assert(tr.first == 0 && tr.n == 3 && va.first == 8 && va.n == 2, "validation stays the last rows");
}

Test(data_split, errors) {
    data_set d = { .n = 10 };
    data_view tr, va;
    char err[ERRLEN] = "";
    cr_assert_eq(data_split(&d, 9, 2, &tr, &va, err, sizeof err), -1);
    assert_err_has(err, "train_size = 9 is more than the 8 rows left after val_size 2");
    cr_assert_eq(data_split(&d, 0, 10, &tr, &va, err, sizeof err), -1);
    assert_err_has(err, "val_size = 10");
    assert_err_has(err, "10 rows");
    cr_assert_eq(data_split(&d, 0, -1, &tr, &va, err, sizeof err), -1);
    assert_err_has(err, "val_size -1");
    cr_assert_eq(data_split(&d, -1, 0, &tr, &va, err, sizeof err), -1);
    assert_err_has(err, "train_size -1");
}

/* ---- gather and augmentation ---- */

/* Oracle for one output pixel of an augmented image (see data.c for the definition). */
static float expected_pixel(const uint8_t *img, int w, int h, int dx, int dy, int flip, int r, int c) {
    int sr = r - dy, sc = c - dx;
    if (sr < 0 || sr >= h || sc < 0 || sc >= w) return 0.0f;
    return img[sr * w + (flip ? w - 1 - sc : sc)] / 255.0f;
}

enum { GW = 5, GH = 4, GN = 2 };
static uint8_t g_pixels[GN * GW * GH];
static uint8_t g_labels[GN] = { 3, 7 };

static data_set image_set(void) {
    for (int i = 0; i < GN * GW * GH; i++) g_pixels[i] = (uint8_t)(10 + i * 3); /* distinct, asymmetric */
    return (data_set){ .n = GN, .dim = GW * GH, .classes = 10, .width = GW, .height = GH,
                       .pixels = g_pixels, .labels = g_labels };
}

Test(data_gather, plain_conversion) {
    data_set d = image_set();
    data_view v = { .set = &d, .first = 1, .n = 1 };
    int rows[2] = { 0, 0 }, y[2];
    float x[2 * GW * GH];
    data_augment off = { .shift = 0, .flip = 0 };
    rng_state rng, before;
    rng_seed(&rng, 1, RNG_STREAM_AUGMENT);
    before = rng;
    data_gather(x, y, &v, rows, 1, NULL, NULL);
    data_gather(x + GW * GH, y + 1, &v, rows + 1, 1, &off, &rng);
    cr_assert_eq(memcmp(&rng, &before, sizeof rng), 0, "no draws when augmentation is off");
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(y[k], 7, "row 0 of a view starting at 1 is set row 1");
        for (int j = 0; j < GW * GH; j++)
            cr_assert_eq(x[k * GW * GH + j], g_pixels[GW * GH + j] / 255.0f, "x[%d][%d]", k, j);
    }
}

Test(data_gather, tabular_copies_features_and_ignores_augmentation) {
    float f[4] = { 1.5f, -2.0f, 3.0f, 1e6f };
    uint8_t l[2] = { 1, 0 };
    data_set d = { .n = 2, .dim = 2, .classes = 2, .features = f, .labels = l };
    data_view v = { .set = &d, .first = 0, .n = 2 };
    int rows[2] = { 1, 0 }, y[2];
    float x[4];
    data_augment aug = { .shift = 2, .flip = 1 };
    rng_state rng, before;
    rng_seed(&rng, 1, RNG_STREAM_AUGMENT);
    before = rng;
    data_gather(x, y, &v, rows, 2, &aug, &rng);
    cr_assert_eq(memcmp(&rng, &before, sizeof rng), 0);
    cr_assert(y[0] == 0 && y[1] == 1);
    cr_assert(x[0] == 3.0f && x[1] == 1e6f && x[2] == 1.5f && x[3] == -2.0f);
}

/* Gathers count copies of row 0 with aug, predicting each example's draws (dx, dy, flip in that order)
   from a copy of the generator, and checks every pixel against the oracle. Returns how many flipped
   and how many were moved. */
static void check_augmented(const data_augment *aug, uint64_t seed, int *flipped, int *moved) {
    enum { COUNT = 32 };
    data_set d = image_set();
    data_view v = { .set = &d, .first = 0, .n = GN };
    int rows[COUNT] = { 0 }, y[COUNT];
    float x[COUNT * GW * GH];
    rng_state rng, predict;
    rng_seed(&rng, seed, RNG_STREAM_AUGMENT);
    predict = rng;
    data_gather(x, y, &v, rows, COUNT, aug, &rng);
    *flipped = *moved = 0;
    for (int i = 0; i < COUNT; i++) {
        int dx = 0, dy = 0, flip = 0;
        if (aug->shift > 0) {
            dx = (int)rng_below(&predict, 2 * aug->shift + 1) - aug->shift;
            dy = (int)rng_below(&predict, 2 * aug->shift + 1) - aug->shift;
        }
        if (aug->flip) flip = (int)rng_below(&predict, 2);
        *flipped += flip;
        *moved += dx != 0 || dy != 0;
        cr_assert_eq(y[i], 3);
        for (int r = 0; r < GH; r++)
            for (int c = 0; c < GW; c++)
                cr_assert_eq(x[i * GW * GH + r * GW + c], expected_pixel(g_pixels, GW, GH, dx, dy, flip, r, c),
                             "example %d (dx %d dy %d flip %d) pixel (%d,%d)", i, dx, dy, flip, r, c);
    }
    cr_assert_eq(memcmp(&rng, &predict, sizeof rng), 0, "gather made exactly the predicted draws");
}

Test(data_gather, flip_mirrors) {
    data_augment aug = { .shift = 0, .flip = 1 };
    int flipped, moved;
    check_augmented(&aug, 11, &flipped, &moved);
    cr_assert(flipped > 0 && flipped < 32, "both outcomes occur in 32 draws (got %d flips)", flipped);
    cr_assert_eq(moved, 0);
}

Test(data_gather, flip_known_image) {
    uint8_t px[3] = { 0, 51, 255 };
    uint8_t l[1] = { 0 };
    data_set d = { .n = 1, .dim = 3, .classes = 1, .width = 3, .height = 1, .pixels = px, .labels = l };
    data_view v = { .set = &d, .first = 0, .n = 1 };
    data_augment aug = { .flip = 1 };
    rng_state rng;
    rng_seed(&rng, 5, RNG_STREAM_AUGMENT);
    int seen = 0;
    for (int k = 0; k < 64 && seen != 3; k++) {
        int row = 0, y;
        float x[3];
        data_gather(x, &y, &v, &row, 1, &aug, &rng);
        if (x[0] == 1.0f && x[1] == 0.2f && x[2] == 0.0f) seen |= 1;
        else if (x[0] == 0.0f && x[1] == 0.2f && x[2] == 1.0f) seen |= 2;
        else cr_assert_fail("neither the image nor its mirror: %g %g %g", x[0], x[1], x[2]);
    }
    cr_assert_eq(seen, 3, "both the mirror and the original appear");
}

Test(data_gather, shift_moves_and_zero_fills) {
    data_augment aug = { .shift = 2, .flip = 0 };
    int flipped, moved;
    check_augmented(&aug, 12, &flipped, &moved);
    cr_assert_gt(moved, 0);
    cr_assert_eq(flipped, 0);
}

Test(data_gather, shift_single_pixel) {
    uint8_t px[GW * GH] = { 0 };
    px[1 * GW + 2] = 255; /* row 1, column 2 */
    uint8_t l[1] = { 0 };
    data_set d = { .n = 1, .dim = GW * GH, .classes = 1, .width = GW, .height = GH, .pixels = px, .labels = l };
    data_view v = { .set = &d, .first = 0, .n = 1 };
    data_augment aug = { .shift = 1 };
    rng_state rng, predict;
    rng_seed(&rng, 3, RNG_STREAM_AUGMENT);
    for (int k = 0; k < 16; k++) {
        predict = rng;
        int dx = (int)rng_below(&predict, 3) - 1, dy = (int)rng_below(&predict, 3) - 1;
        int row = 0, y;
        float x[GW * GH];
        data_gather(x, &y, &v, &row, 1, &aug, &rng);
        for (int j = 0; j < GW * GH; j++)
            cr_assert_eq(x[j], j == (1 + dy) * GW + (2 + dx) ? 1.0f : 0.0f, "dx %d dy %d pixel %d", dx, dy, j);
    }
}

Test(data_gather, shift_and_flip) {
    data_augment aug = { .shift = 3, .flip = 1 };
    int flipped, moved;
    check_augmented(&aug, 13, &flipped, &moved);
    cr_assert(flipped > 0 && flipped < 32 && moved > 0);
}

Test(data_gather, deterministic_for_a_seed) {
    enum { COUNT = 8 };
    data_set d = image_set();
    data_view v = { .set = &d, .first = 0, .n = GN };
    int rows[COUNT] = { 0, 1, 1, 0, 1, 0, 0, 1 }, y[2][COUNT];
    float x[2][COUNT * GW * GH];
    data_augment aug = { .shift = 2, .flip = 1 };
    for (int k = 0; k < 2; k++) {
        rng_state rng;
        rng_seed(&rng, 42, RNG_STREAM_AUGMENT);
        data_gather(x[k], y[k], &v, rows, COUNT, &aug, &rng);
    }
    cr_assert_eq(memcmp(x[0], x[1], sizeof x[0]), 0);
    cr_assert_eq(memcmp(y[0], y[1], sizeof y[0]), 0);
}
