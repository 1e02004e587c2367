/* stats: Student t distribution from the regularized incomplete beta function, t-tests, Holm.
   No dependency beyond libm. lgamma_r is used instead of lgamma because lgamma writes the global
   signgam, a data race when runs call this from OpenMP threads. */
#include "stats.h"

#include <float.h>
#include <stdlib.h>
#include <math.h>

#define BETA_MAX_ITER 10000
#define BETA_EPS 1e-15
#define BETA_TINY 1e-300

static double log_gamma(double x) {
    int sign;
    return lgamma_r(x, &sign);
}

/* Continued fraction for the incomplete beta function (modified Lentz), as in Numerical Recipes
   betacf: converges quickly for x < (a+1)/(a+b+2); the caller uses the symmetry otherwise.
   The number of terms needed grows like sqrt(max(a,b)), hence the generous iteration cap. */
static double beta_cf(double a, double b, double x) {
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < BETA_TINY) d = BETA_TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= BETA_MAX_ITER; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < BETA_TINY) d = BETA_TINY;
        c = 1.0 + aa / c;
        if (fabs(c) < BETA_TINY) c = BETA_TINY;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < BETA_TINY) d = BETA_TINY;
        c = 1.0 + aa / c;
        if (fabs(c) < BETA_TINY) c = BETA_TINY;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < BETA_EPS) break;
    }
    return h;
}

/* Regularized incomplete beta I_x(a, b). x and 1-x are both passed so that callers who know 1-x
   more precisely than 1.0 - x (the t tail, where x is near 1) do not lose digits to cancellation. */
static double beta_reg(double a, double b, double x, double one_minus_x) {
    if (x <= 0.0) return 0.0;
    if (one_minus_x <= 0.0) return 1.0;
    double log_front = log_gamma(a + b) - log_gamma(a) - log_gamma(b)
                     + a * log(x) + b * log(one_minus_x);
    double front = exp(log_front);
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_cf(a, b, x) / a;
    return 1.0 - front * beta_cf(b, a, one_minus_x) / b;
}

/* Above this df the t distribution is taken as the normal: lgamma(df/2) grows like df log df, so the
   beta prefactor loses digits (about 1e-8 relative at 1e7), while the t-normal gap in the quantile is
   (z^3 + z) / (4 df), about 2e-7 at z = 1.96 and 1e7. */
#define T_NORMAL_DF 1e7

/* P(T > t) for t >= 0: 0.5 * I_{df/(df+t^2)}(df/2, 1/2). */
static double t_upper_tail(double t, double df) {
    if (isinf(t)) return 0.0;
    if (df > T_NORMAL_DF) return 0.5 * erfc(t / M_SQRT2);
    double t2 = t * t;
    double x = df / (df + t2), one_minus_x = t2 / (df + t2);
    return 0.5 * beta_reg(0.5 * df, 0.5, x, one_minus_x);
}

static double t_pdf(double t, double df) {
    if (df > T_NORMAL_DF) return exp(-0.5 * t * t) / sqrt(2.0 * M_PI);
    double log_norm = log_gamma(0.5 * (df + 1.0)) - log_gamma(0.5 * df) - 0.5 * log(df * M_PI);
    return exp(log_norm - 0.5 * (df + 1.0) * log1p(t * t / df));
}

double stats_t_cdf(double t, double df) {
    if (isnan(t) || isnan(df) || df <= 0.0) return NAN;
    double upper = t_upper_tail(fabs(t), df);
    return t >= 0.0 ? 1.0 - upper : upper;
}

/* Solves P(T > t) = q for t >= 0, 0 < q <= 0.5, by Newton steps kept inside a bracket that shrinks
   every iteration; a step that would leave the bracket becomes a bisection. Working on the upper tail
   keeps full relative precision for q near 0 (p near 1), where 1 - cdf would cancel. */
static double t_upper_quantile(double q, double df) {
    double lo = 0.0, hi = 1.0;
    while (t_upper_tail(hi, df) > q) {          /* tail decreases in t: grow until it brackets */
        lo = hi;
        hi *= 2.0;
        if (hi > 1e300) return INFINITY;
    }
    double t = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        double f = t_upper_tail(t, df) - q;     /* decreasing in t */
        if (f > 0.0) lo = t; else hi = t;
        double next = t + f / t_pdf(t, df);     /* d(tail)/dt = -pdf */
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (fabs(next - t) <= 1e-14 * fabs(next) || hi - lo <= 1e-14 * hi) return next;
        t = next;
    }
    return t;
}

double stats_t_quantile(double p, double df) {
    if (isnan(p) || isnan(df) || df <= 0.0 || p <= 0.0 || p >= 1.0) return NAN;
    if (p == 0.5) return 0.0;
    return p > 0.5 ? t_upper_quantile(1.0 - p, df) : -t_upper_quantile(p, df);
}

void stats_summarize(const double *x, int n, double level, stats_summary *out) {
    int m = 0;
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) { sum += x[i]; m++; }
    out->n = m;
    out->mean = m > 0 ? sum / m : NAN;
    out->sd = out->ci_lo = out->ci_hi = NAN;
    if (m < 2) return;
    double ss = 0.0;                            /* two passes: no cancellation for large means */
    for (int i = 0; i < n; i++)
        if (!isnan(x[i])) ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->sd = sqrt(ss / (m - 1));
    double half = stats_t_quantile(0.5 + 0.5 * level, m - 1) * out->sd / sqrt(m);
    out->ci_lo = out->mean - half;
    out->ci_hi = out->mean + half;
}

/* Fills t, p and the CI from diff, its standard error and df. A zero standard error (every value on
   each side identical) is the limit of the test as the spread goes to 0: the CI collapses to diff,
   and the difference is certain unless it is 0. */
static void finish_test(double diff, double se, double df, double level, stats_test *out) {
    out->diff = diff;
    out->df = df;
    if (se == 0.0) {
        out->t = diff == 0.0 ? 0.0 : copysign(INFINITY, diff);
        out->p = diff == 0.0 ? 1.0 : 0.0;
        out->ci_lo = out->ci_hi = diff;
        return;
    }
    out->t = diff / se;
    out->p = 2.0 * t_upper_tail(fabs(out->t), df);
    if (out->p > 1.0) out->p = 1.0;
    double half = stats_t_quantile(0.5 + 0.5 * level, df) * se;
    out->ci_lo = diff - half;
    out->ci_hi = diff + half;
}

/* NaN values are skipped on each side, as in stats_summarize. */
int stats_welch(const double *x, int nx, const double *ref, int nref, double level, stats_test *out) {
    stats_summary sx, sr;
    stats_summarize(x, nx, level, &sx);
    stats_summarize(ref, nref, level, &sr);
    if (sx.n < 2 || sr.n < 2) return -1;
    double vx = sx.sd * sx.sd / sx.n, vr = sr.sd * sr.sd / sr.n;
    double se = sqrt(vx + vr);
    /* Welch-Satterthwaite; with zero spread the df is 0/0, so report the pooled df instead */
    double df = se > 0.0 ? (vx + vr) * (vx + vr) / (vx * vx / (sx.n - 1) + vr * vr / (sr.n - 1))
                         : (double)(sx.n + sr.n - 2);
    out->paired = 0;
    finish_test(sx.mean - sr.mean, se, df, level, out);
    return 0;
}

/* Pairs where either value is NaN are skipped. */
int stats_paired(const double *x, const double *ref, int n, double level, stats_test *out) {
    int m = 0;
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(ref[i])) { sum += x[i] - ref[i]; m++; }
    if (m < 2) return -1;
    double mean = sum / m, ss = 0.0;
    for (int i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(ref[i])) {
            double d = x[i] - ref[i] - mean;
            ss += d * d;
        }
    out->paired = 1;
    finish_test(mean, sqrt(ss / (m - 1) / m), m - 1, level, out);
    return 0;
}

/* Step-down: with p sorted ascending, adjusted_(k) = max_{j<=k} (m - j) p_(j), capped at 1
   (k, j from 0; m = number of non-NaN p). NaN p values stay NaN and do not count in m, as in R's
   p.adjust. Done in O(n^2) without sorting or allocating, so there is no failure path:
   pass 1 stores c_j = (m - rank_j) p_j, where rank_j counts the p strictly smaller (tied p share the
   largest multiplier, which is what the running max gives them anyway); pass 2 takes, for each i,
   the max over j with p_j <= p_i. It may read adjusted[j] already overwritten in pass 2, which is
   harmless: for p_j <= p_i, c_j <= final_j <= final_i, so the max is the same either way. */
typedef struct { double p; int i; } holm_item;

static int holm_cmp(const void *a, const void *b) {
    const holm_item *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p ? 1 : x->i - y->i;
}

/* Sorted once, so O(n log n): a report compares thousands of configurations with one reference. Ties share
   the rank of the first of them, as in the definition (rank = how many p-values are strictly smaller). */
void stats_holm(const double *p, int n, double *adjusted) {
    holm_item *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    int m = 0;
    for (int i = 0; i < n; i++) {
        adjusted[i] = NAN;
        if (!isnan(p[i]) && s) s[m++] = (holm_item){p[i], i};
    }
    if (!s) return;   /* out of memory: every adjusted p-value NaN (no test counts as significant) */
    qsort(s, (size_t)m, sizeof *s, holm_cmp);
    double best = 0;
    for (int k = 0, rank = 0; k < m; k++) {
        if (k == 0 || s[k].p != s[k - 1].p) rank = k;
        double adj = (m - rank) * s[k].p;
        if (adj > best) best = adj;
        adjusted[s[k].i] = best > 1.0 ? 1.0 : best;
    }
    free(s);
}
