/* stats: summaries over seeds and the comparisons the report and the CI check make. */
#ifndef SWEEP_STATS_H
#define SWEEP_STATS_H

/* Mean, sample standard deviation and a two-sided confidence interval (Student t) of n values.
   NaN values are skipped (n counts the rest). With n < 2, sd and the CI are NaN. */
typedef struct { int n; double mean, sd, ci_lo, ci_hi; } stats_summary;
void stats_summarize(const double *x, int n, double level, stats_summary *out);

/* Student t distribution with df degrees of freedom (df may be fractional, as in Welch). */
double stats_t_cdf(double t, double df);
/* Inverse of stats_t_cdf: the t with cdf(t) = p, 0 < p < 1. */
double stats_t_quantile(double p, double df);

/* A comparison of x against a reference: diff = mean(x) - mean(ref), its two-sided CI at `level`,
   the t statistic, degrees of freedom and two-sided p-value. */
typedef struct { double diff, ci_lo, ci_hi, t, df, p; int paired; } stats_test;
/* Welch's unequal-variance t-test. Returns -1 when either side has fewer than 2 values. */
int stats_welch(const double *x, int nx, const double *ref, int nref, double level, stats_test *out);
/* Paired t-test on x[i] - ref[i]. Returns -1 when n < 2. */
int stats_paired(const double *x, const double *ref, int n, double level, stats_test *out);
/* Holm-Bonferroni adjusted p-values of n tests (adjusted[i] for p[i]), monotone, capped at 1. */
void stats_holm(const double *p, int n, double *adjusted);

#endif
