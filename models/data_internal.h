/* data_internal: what the data loaders (data.c, data_idx.c, data_csv.c) share; not part of data.h. */
#ifndef SWEEP_DATA_INTERNAL_H
#define SWEEP_DATA_INTERNAL_H
#include <stddef.h>

/* Write "data: " and the formatted message into err (if given); returns -1 for `return data_fail(...)`. */
int data_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
