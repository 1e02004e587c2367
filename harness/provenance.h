/* provenance: what decides the bits of a run besides its settings. The BLAS kernels (OpenBLAS picks them by
   CPU at start-up: its core type), the instruction set the build may use and the CPU features our own code
   dispatches on, and the sweep version. Recorded per run in runs.csv (columns blas_core, isa, sweep_version)
   so that resuming, merging or checking across machines is never silently mixing bits. */
#ifndef SWEEP_PROVENANCE_H
#define SWEEP_PROVENANCE_H
#include <stddef.h>
#include "table.h"

typedef struct {
    char blas_core[32];     /* openblas_get_corename(): "Haswell", "SkylakeX", "Zen", ... */
    char isa[64];           /* "build=x86-64 cpu=avx2,fma": compile-time ISA flags, then runtime CPU features */
    char version[64];       /* git describe at build time, else the VERSION file */
} provenance;

/* This process's provenance. */
void provenance_get(provenance *p);

/* The environment variable that pins OpenBLAS's kernels, and the core type `sweep` pins by default: the
   Haswell kernels (AVX2 + FMA) run on every x86-64 CPU with AVX2, so results are bit-identical across them. */
#define PROVENANCE_CORE_ENV "OPENBLAS_CORETYPE"
#define PROVENANCE_PORTABLE_CORE "Haswell"
/* Called first in main(): unless SWEEP_NATIVE_BLAS=1 or OPENBLAS_CORETYPE is already set, on a CPU with AVX2
   and FMA, set OPENBLAS_CORETYPE=Haswell and re-execute the program (OpenBLAS reads it when it is loaded,
   before main). Returns only when no re-exec happened (or it failed, which is then reported in err). */
int provenance_pin_blas(char **argv, char *err, size_t errlen);

/* Compare the provenance columns of the runs in t (blas_core, isa, sweep_version; absent or empty = unknown)
   against p. Writes at most one line to msg describing the mismatches ("" if none) and returns the number of
   rows whose blas_core or isa differ or are unknown (their bits may differ from p's). */
int provenance_check_table(const table *t, const provenance *p, char *msg, size_t n);
/* The same for two tables (merge, check, compare): rows of b whose provenance differs from a's first row's. */
int provenance_compare_tables(const table *a, const table *b, char *msg, size_t n);

#endif
