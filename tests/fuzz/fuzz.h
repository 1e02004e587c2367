/* fuzz: what the libFuzzer targets in tests/fuzz/ share. Each target hands an input to one reader of files
   someone else wrote (experiment files, data sets, results); the readers take paths, so the parts of an
   input are written to files in a scratch directory of the process (tmpfs when there is one). */
#ifndef SWEEP_FUZZ_H
#define SWEEP_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/* An input holds several files separated by this line; seeds stay readable text. */
#define FUZZ_SEP "\n--8<--\n"

typedef struct { const uint8_t *data; size_t size; } fuzz_part;

/* Split data at FUZZ_SEP into at most max parts (the last takes the rest). Returns the number of parts (>= 1). */
int fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, int max);
/* The process's scratch directory, made on first use and removed at exit. */
const char *fuzz_dir(void);
/* Write p to fuzz_dir()/name (subdirectories made as needed); the path goes to path. Aborts on I/O failure:
   that is the harness failing, not the code under test. */
void fuzz_write(const char *name, const fuzz_part *p, char *path, size_t len);
/* Remove fuzz_dir()/name and everything under it (no error when absent). */
void fuzz_remove(const char *name);

#endif
