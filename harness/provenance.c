/* provenance: the BLAS core type, the ISA and the version, recorded per run and compared (see provenance.h). */
#include "provenance.h"
#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "version.h"   /* build/version.h: SWEEP_VERSION, written by the Makefile from git describe or VERSION */

#ifndef SWEEP_VERSION
#define SWEEP_VERSION "unknown"
#endif

static void provenance_isa(char *buf, size_t n) {
    const char *build =
#if defined(__AVX512F__)
        "avx512f";
#elif defined(__AVX2__) && defined(__FMA__)
        "avx2+fma";
#elif defined(__AVX2__)
        "avx2";
#elif defined(__AVX__)
        "avx";
#elif defined(__x86_64__)
        "x86-64";
#else
        "other";
#endif
    size_t used = (size_t)snprintf(buf, n, "build=%s cpu=", build);
#if defined(__x86_64__) && defined(__GNUC__)
    /* The features our kernels and libm dispatch on at run time (Adam's vector width; glibc's FMA variants). */
    static const char *const feats[] = {"avx512f", "avx2", "fma", "avx"};
    int any = 0;
    __builtin_cpu_init();
    for (size_t i = 0; i < sizeof feats / sizeof feats[0] && used < n; i++) {
        int has = i == 0 ? __builtin_cpu_supports("avx512f") : i == 1 ? __builtin_cpu_supports("avx2")
                : i == 2 ? __builtin_cpu_supports("fma") : __builtin_cpu_supports("avx");
        if (has) used += (size_t)snprintf(buf + used, n - used, "%s%s", any++ ? "," : "", feats[i]);
    }
    if (!any && used < n) snprintf(buf + used, n - used, "sse2");
#else
    if (used < n) snprintf(buf + used, n - used, "unknown");
#endif
}

void provenance_get(provenance *p) {
    memset(p, 0, sizeof *p);
    const char *core = openblas_get_corename();
    snprintf(p->blas_core, sizeof p->blas_core, "%s", core ? core : "unknown");
    provenance_isa(p->isa, sizeof p->isa);
    snprintf(p->version, sizeof p->version, "%s", SWEEP_VERSION);
}

int provenance_pin_blas(char **argv, char *err, size_t errlen) {
    err[0] = 0;
    const char *native = getenv("SWEEP_NATIVE_BLAS");
    if ((native && strcmp(native, "0")) || getenv(PROVENANCE_CORE_ENV)) return 0;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    if (setenv(PROVENANCE_CORE_ENV, PROVENANCE_PORTABLE_CORE, 1) != 0) return 0;
    execv("/proc/self/exe", argv);
    snprintf(err, errlen, "cannot re-execute to pin %s=%s (%s); running with the native kernels",
             PROVENANCE_CORE_ENV, PROVENANCE_PORTABLE_CORE, strerror(errno));
    unsetenv(PROVENANCE_CORE_ENV);
#else
    (void)argv;
    (void)errlen;
#endif
    return 0;
}

/* The provenance of row r of t ("" for a column the file lacks). */
static void row_provenance(const table *t, int r, const char **core, const char **isa, const char **ver) {
    int c = table_col(t, "blas_core"), i = table_col(t, "isa"), v = table_col(t, "sweep_version");
    *core = c >= 0 ? table_cell(t, r, c) : "";
    *isa = i >= 0 ? table_cell(t, r, i) : "";
    *ver = v >= 0 ? table_cell(t, r, v) : "";
}

static int count_against(const table *t, const provenance *p, char *msg, size_t n, const char *whose) {
    int differ = 0, unknown = 0, other_version = 0, first = -1;
    for (int r = 0; r < t->nrows; r++) {
        const char *core, *isa, *ver;
        row_provenance(t, r, &core, &isa, &ver);
        if (!*core || !*isa) unknown++;
        else if (strcmp(core, p->blas_core) || strcmp(isa, p->isa)) {
            if (first < 0) first = r;
            differ++;
        }
        if (*ver && strcmp(ver, p->version)) other_version++;
    }
    msg[0] = 0;
    size_t used = 0;
    if (differ) {
        const char *core, *isa, *ver;
        row_provenance(t, first, &core, &isa, &ver);
        used += (size_t)snprintf(msg, n, "%d of %d runs in %s were trained with other kernels (blas_core %s, %s; %s: "
                                 "blas_core %s, %s): results may differ in the last bits", differ, t->nrows, t->path, core,
                                 isa, whose, p->blas_core, p->isa);
    }
    if (unknown && used < n)
        used += (size_t)snprintf(msg + used, n - used, "%s%d of %d runs in %s have no provenance (written by an older "
                                 "sweep): their kernels are unknown", used ? "; " : "", unknown, t->nrows, t->path);
    if (other_version && used < n)
        snprintf(msg + used, n - used, "%s%d of %d runs in %s were trained by another sweep version (%s: %s)",
                 used ? "; " : "", other_version, t->nrows, t->path, whose, p->version);
    return differ + unknown;
}

int provenance_check_table(const table *t, const provenance *p, char *msg, size_t n) {
    return count_against(t, p, msg, n, "this process");
}

int provenance_compare_tables(const table *a, const table *b, char *msg, size_t n) {
    msg[0] = 0;
    if (a->nrows == 0 || b->nrows == 0) return 0;
    provenance p;
    const char *core, *isa, *ver, *bcore, *bisa, *bver;
    row_provenance(a, 0, &core, &isa, &ver);
    row_provenance(b, 0, &bcore, &bisa, &bver);
    int b_known = 0;
    for (int r = 0; r < b->nrows && !b_known; r++) {
        row_provenance(b, r, &bcore, &bisa, &bver);
        b_known = *bcore != 0;
    }
    if (!*core && !b_known) return 0;              /* both from before provenance: nothing to compare */
    snprintf(p.blas_core, sizeof p.blas_core, "%s", core);
    snprintf(p.isa, sizeof p.isa, "%s", isa);
    snprintf(p.version, sizeof p.version, "%s", ver);
    if (!*core || !*isa) {                      /* a has no provenance: any b is of unknown relation */
        snprintf(msg, n, "%s has no provenance columns (written by an older sweep): whether its runs' kernels match "
                 "%s's is unknown", a->path, b->path);
        return b->nrows;
    }
    char whose[600];
    snprintf(whose, sizeof whose, "%s", a->path);
    return count_against(b, &p, msg, n, whose);
}
