/* data_internal: what the data loaders (data.c, data_idx.c, data_csv.c) share; not part of data.h. */
#ifndef SWEEP_DATA_INTERNAL_H
#define SWEEP_DATA_INTERNAL_H
#include <stddef.h>

/* Write "data: " and the formatted message into err (if given); returns -1 for `return data_fail(...)`. */
int data_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The image count and pixels per image from an IDX image file's header, without reading the images. */
int data_idx_probe(const char *images_path, int *n, int *dim, char *err, size_t errlen);
/* Classes of the IDX format ((Fashion-)MNIST: 10). */
int data_idx_classes(void);

#endif
