/* data_idx: IDX image and label files ((Fashion-)MNIST format), plain or gzip, read through zlib.

   IDX layout (big-endian 32-bit integers):
     images: magic 0x00000803, n, rows, cols, then n*rows*cols bytes, row-major
     labels: magic 0x00000801, n, then n bytes
   gzopen/gzread read uncompressed files transparently, so one path serves both. */
#include "data.h"
#include "data_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_CLASSES 10             /* (Fashion-)MNIST: labels 0..9 */
#define IDX_MAX_DIM (1 << 24)      /* bound on rows*cols, so a corrupt header cannot ask for absurd sizes */
#define IDX_READ_CHUNK (1u << 30)  /* gzread takes an unsigned and returns an int */
#define IDX_GZ_BUFFER (1u << 18)   /* zlib's input buffer; the default 8 KiB costs time on 26 MB files */
#define IDX_FIRST_ALLOC ((size_t)1 << 26) /* the image buffer starts here (Fashion-MNIST fits) and doubles
                                             as data arrive, so a header's count is never trusted for memory */


static uint32_t idx_be32(const unsigned char *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static gzFile idx_open(const char *path, char *err, size_t errlen) {
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) {
        data_fail(err, errlen, "%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    gzbuffer(f, IDX_GZ_BUFFER);
    return f;
}

/* Read up to len bytes into buf with few large gzread calls. Returns the bytes read; *gz_err is a
   zlib error other than a premature end (which the caller reports as truncation), or Z_OK. */
static size_t idx_read(gzFile f, void *buf, size_t len, int *gz_err) {
    unsigned char *p = buf;
    size_t got = 0;
    *gz_err = Z_OK;
    while (got < len) {
        size_t want = len - got;
        if (want > IDX_READ_CHUNK) want = IDX_READ_CHUNK;
        int r = gzread(f, p + got, (unsigned)want);
        if (r <= 0) {
            int e;
            gzerror(f, &e);
            if (e != Z_OK && e != Z_BUF_ERROR) *gz_err = e;
            break;
        }
        got += (size_t)r;
    }
    return got;
}

/* Read the 8- or 16-byte header; checks magic. hdr receives the big-endian words after the magic. */
static int idx_header(gzFile f, const char *path, uint32_t magic, const char *what, uint32_t *hdr, int words,
                      char *err, size_t errlen) {
    unsigned char b[16];
    size_t len = 4 * (size_t)(words + 1);
    int gz_err;
    size_t got = idx_read(f, b, len, &gz_err);
    if (gz_err != Z_OK) return data_fail(err, errlen, "%s: read error: %s", path, gzerror(f, &gz_err));
    if (got < len) return data_fail(err, errlen, "%s: truncated: header is %zu bytes, got %zu", path, len, got);
    uint32_t m = idx_be32(b);
    if (m != magic)
        return data_fail(err, errlen, "%s: wrong magic 0x%08x, expected 0x%08x (IDX %s file)", path, (unsigned)m,
                        (unsigned)magic, what);
    for (int i = 0; i < words; i++) hdr[i] = idx_be32(b + 4 * (i + 1));
    return 0;
}

/* Read exactly count items of size bytes; reports truncation in items, and data past the end. */
static int idx_body(gzFile f, const char *path, void *buf, size_t count, size_t size, const char *items,
                    char *err, size_t errlen) {
    int gz_err;
    size_t got = idx_read(f, buf, count * size, &gz_err);
    if (gz_err != Z_OK) return data_fail(err, errlen, "%s: read error: %s", path, gzerror(f, &gz_err));
    if (got < count * size)
        return data_fail(err, errlen, "%s: truncated: expected %zu %s, got %zu", path, count, items, got / size);
    unsigned char extra;
    if (gzread(f, &extra, 1) == 1)
        return data_fail(err, errlen, "%s: unexpected data after %zu %s (header count wrong?)", path, count, items);
    return 0;
}

/* idx_body for a body the header sizes at count items: the buffer (*out, malloc'd) grows as the data are
   read, so a header that claims more than the file holds costs memory in proportion to the file. */
static int idx_body_grow(gzFile f, const char *path, uint8_t **out, size_t count, size_t size, const char *items,
                         char *err, size_t errlen) {
    size_t total = count * size, cap = total < IDX_FIRST_ALLOC ? total : IDX_FIRST_ALLOC, got = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) return data_fail(err, errlen, "%s: out of memory for %zu bytes", path, cap);
    *out = buf;
    for (;;) {
        int gz_err;
        size_t want = cap - got, r = idx_read(f, buf + got, want, &gz_err);
        if (gz_err != Z_OK) return data_fail(err, errlen, "%s: read error: %s", path, gzerror(f, &gz_err));
        got += r;
        if (got == total || r < want) break;
        cap = total - cap < cap ? total : 2 * cap;
        if (!(buf = realloc(buf, cap))) return data_fail(err, errlen, "%s: out of memory for %zu bytes", path, cap);
        *out = buf;
    }
    if (got < total)
        return data_fail(err, errlen, "%s: truncated: expected %zu %s, got %zu", path, count, items, got / size);
    unsigned char extra;
    if (gzread(f, &extra, 1) == 1)
        return data_fail(err, errlen, "%s: unexpected data after %zu %s (header count wrong?)", path, count, items);
    return 0;
}

static int idx_load_images(data_set *out, const char *path, char *err, size_t errlen) {
    gzFile f = idx_open(path, err, errlen);
    if (!f) return -1;
    uint32_t h[3];
    int rc = idx_header(f, path, IDX_MAGIC_IMAGES, "images", h, 3, err, errlen);
    if (rc == 0) {
        uint32_t n = h[0], rows = h[1], cols = h[2];
        if (n == 0 || n > INT_MAX) {
            rc = data_fail(err, errlen, "%s: image count %u out of range", path, (unsigned)n);
        } else if (rows == 0 || cols == 0 || (uint64_t)rows * cols > IDX_MAX_DIM) {
            rc = data_fail(err, errlen, "%s: image size %ux%u out of range", path, (unsigned)rows, (unsigned)cols);
        } else {
            out->n = (int)n;
            out->height = (int)rows;
            out->width = (int)cols;
            out->dim = (int)(rows * cols);
            rc = idx_body_grow(f, path, &out->pixels, n, (size_t)out->dim, "images", err, errlen);
        }
    }
    gzclose(f);
    return rc;
}

static int idx_load_labels(data_set *out, const char *path, char *err, size_t errlen) {
    gzFile f = idx_open(path, err, errlen);
    if (!f) return -1;
    uint32_t n;
    int rc = idx_header(f, path, IDX_MAGIC_LABELS, "labels", &n, 1, err, errlen);
    if (rc == 0 && (uint64_t)n != (uint64_t)out->n)
        rc = data_fail(err, errlen, "%s: count mismatch: %u labels for %d images", path, (unsigned)n, out->n);
    if (rc == 0) {
        out->labels = malloc((size_t)n);
        if (!out->labels) rc = data_fail(err, errlen, "%s: out of memory for %u labels", path, (unsigned)n);
        else rc = idx_body(f, path, out->labels, n, 1, "labels", err, errlen);
    }
    for (uint32_t i = 0; rc == 0 && i < n; i++)
        if (out->labels[i] >= IDX_CLASSES)
            rc = data_fail(err, errlen, "%s: label %u is %u, out of range 0..%d", path, (unsigned)i,
                          (unsigned)out->labels[i], IDX_CLASSES - 1);
    gzclose(f);
    return rc;
}

int data_idx_probe(const char *images_path, int *n, int *dim, char *err, size_t errlen) {
    gzFile f = idx_open(images_path, err, errlen);
    if (!f) return -1;
    uint32_t h[3];
    int rc = idx_header(f, images_path, IDX_MAGIC_IMAGES, "images", h, 3, err, errlen);
    if (rc == 0 && (h[0] == 0 || h[0] > INT_MAX))
        rc = data_fail(err, errlen, "%s: image count %u out of range", images_path, (unsigned)h[0]);
    else if (rc == 0 && (h[1] == 0 || h[2] == 0 || (uint64_t)h[1] * h[2] > IDX_MAX_DIM))
        rc = data_fail(err, errlen, "%s: image size %ux%u out of range", images_path, (unsigned)h[1], (unsigned)h[2]);
    if (rc == 0) {
        *n = (int)h[0];
        *dim = (int)(h[1] * h[2]);
    }
    gzclose(f);
    return rc;
}

int data_idx_classes(void) { return IDX_CLASSES; }

int data_load_idx(data_set *out, const char *images_path, const char *labels_path, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (idx_load_images(out, images_path, err, errlen) != 0 || idx_load_labels(out, labels_path, err, errlen) != 0) {
        data_free(out);
        return -1;
    }
    /* The format is the 10-class (Fashion-)MNIST one: a subset missing a class still has 10 outputs. */
    out->classes = IDX_CLASSES;
    return 0;
}
