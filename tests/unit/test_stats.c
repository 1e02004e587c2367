/* stats: t distribution against table values, tests against R's published output, Holm by hand. */
#include <criterion/criterion.h>
#include <math.h>

#include "stats.h"

/* t_{0.975, df} from standard t tables (4 decimals as printed there). */
Test(stats, t_quantile_table_values) {
    const struct { double df, q; } table[] = {
        {1, 12.7062}, {2, 4.3027}, {4, 2.7764}, {10, 2.2281}, {30, 2.0423}, {100, 1.9840},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        double q = stats_t_quantile(0.975, table[i].df);
        cr_expect(fabs(q - table[i].q) < 5e-5, "t_0.975,%g = %.6f, table %.4f", table[i].df, q, table[i].q);
    }
}

Test(stats, t_quantile_large_df_is_normal) {
    cr_expect(fabs(stats_t_quantile(0.975, 1e6) - 1.95996) < 1e-5);
    cr_expect(fabs(stats_t_quantile(0.975, 1e9) - 1.959964) < 1e-6);
    cr_expect(fabs(stats_t_quantile(0.975, INFINITY) - 1.959964) < 1e-6);
}

/* df = 1 is the Cauchy distribution: cdf(t) = 1/2 + atan(t)/pi, quantile tan(pi (p - 1/2)). */
Test(stats, t_cauchy_closed_form) {
    const double ts[] = {-30, -2, -0.5, 0, 0.3, 1, 7, 1e6};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double want = 0.5 + atan(ts[i]) / M_PI;
        cr_expect(fabs(stats_t_cdf(ts[i], 1) - want) < 1e-13, "cdf(%g, 1)", ts[i]);
    }
    /* far tail: 1 - 1e-12 must not lose digits to 1 - cdf cancellation */
    double q = stats_t_quantile(1.0 - 1e-12, 1);
    double want = tan(M_PI * (0.5 - 1e-12));
    cr_expect(fabs(q / want - 1.0) < 1e-3, "q = %g, want %g", q, want);
}

/* df = 2 has cdf(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
Test(stats, t_df2_closed_form) {
    for (double t = -6; t <= 6; t += 0.75) {
        double want = 0.5 + t / (2.0 * sqrt(2.0 + t * t));
        cr_expect(fabs(stats_t_cdf(t, 2) - want) < 1e-13, "cdf(%g, 2)", t);
    }
}

Test(stats, t_cdf_symmetry_and_inverse) {
    const double dfs[] = {1, 2.5, 7, 17.776, 250};
    const double ts[] = {0.1, 1, 2.2, 5, 40};
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
        cr_expect(stats_t_cdf(0, dfs[i]) == 0.5);
        for (size_t j = 0; j < sizeof ts / sizeof ts[0]; j++) {
            double up = stats_t_cdf(ts[j], dfs[i]), down = stats_t_cdf(-ts[j], dfs[i]);
            cr_expect(fabs(up + down - 1.0) < 1e-14, "df %g t %g: %.17g + %.17g", dfs[i], ts[j], up, down);
            cr_expect(up > 0.5 && up <= 1.0);
        }
        for (double p = 0.01; p < 1.0; p += 0.07) {
            double t = stats_t_quantile(p, dfs[i]);
            cr_expect(fabs(stats_t_cdf(t, dfs[i]) - p) < 1e-12, "df %g p %g", dfs[i], p);
            cr_expect(fabs(stats_t_quantile(1.0 - p, dfs[i]) + t) < 1e-9 * (1.0 + fabs(t)));
        }
    }
}

Test(stats, t_rejects_bad_arguments) {
    cr_expect(isnan(stats_t_quantile(0.0, 5)));
    cr_expect(isnan(stats_t_quantile(1.0, 5)));
    cr_expect(isnan(stats_t_quantile(0.5, 0)));
    cr_expect(isnan(stats_t_cdf(NAN, 5)));
    cr_expect(isnan(stats_t_cdf(1.0, -1)));
    cr_expect(stats_t_cdf(INFINITY, 3) == 1.0);
    cr_expect(stats_t_cdf(-INFINITY, 3) == 0.0);
}

/* {1,2,3,4,5}: mean 3, sd sqrt(2.5) = 1.5811388, se = sd / sqrt(5) = 0.70710678,
   t_{0.975,4} = 2.7764451, half-width 1.9632432. */
Test(stats, summary_ci_by_hand) {
    const double x[] = {1, 2, 3, 4, 5};
    stats_summary s;
    stats_summarize(x, 5, 0.95, &s);
    cr_expect_eq(s.n, 5);
    cr_expect(fabs(s.mean - 3.0) < 1e-15);
    cr_expect(fabs(s.sd - 1.5811388) < 1e-7);
    cr_expect(fabs(s.ci_lo - 1.0367568) < 1e-7, "lo %.9f", s.ci_lo);
    cr_expect(fabs(s.ci_hi - 4.9632432) < 1e-7, "hi %.9f", s.ci_hi);
}

Test(stats, summary_skips_nan_and_small_n) {
    const double x[] = {NAN, 2, NAN, 4};
    stats_summary s;
    stats_summarize(x, 4, 0.95, &s);
    cr_expect_eq(s.n, 2);
    cr_expect(s.mean == 3.0);
    cr_expect(fabs(s.sd - sqrt(2.0)) < 1e-15);
    stats_summarize(x, 2, 0.95, &s);                /* one value left */
    cr_expect_eq(s.n, 1);
    cr_expect(s.mean == 2.0);
    cr_expect(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
    stats_summarize(x, 1, 0.95, &s);
    cr_expect_eq(s.n, 0);
    cr_expect(isnan(s.mean));
}

/* R's `sleep` data (Cushny & Peebles), the example of R's ?t.test. Published R output:
     t.test(extra ~ group, data = sleep)
       t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent CI: -3.3654832  0.2054832
     t.test(extra ~ group, data = sleep, paired = TRUE)   (R < 4.4 formula form; same as
     t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE))
       t = -4.0621, df = 9, p-value = 0.002833, 95 percent CI: -2.4598858 -0.7001142
   mean of group 1 - mean of group 2 = -1.58. */
static const double sleep1[] = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
static const double sleep2[] = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

Test(stats, welch_matches_r_sleep) {
    stats_test t;
    cr_assert_eq(stats_welch(sleep1, 10, sleep2, 10, 0.95, &t), 0);
    cr_expect_eq(t.paired, 0);
    cr_expect(fabs(t.diff + 1.58) < 1e-12);
    cr_expect(fabs(t.t + 1.8608) < 5e-5, "t %.6f", t.t);
    cr_expect(fabs(t.df - 17.776) < 5e-4, "df %.6f", t.df);
    cr_expect(fabs(t.p - 0.07939) < 5e-6, "p %.7f", t.p);
    cr_expect(fabs(t.ci_lo + 3.3654832) < 5e-8, "lo %.9f", t.ci_lo);
    cr_expect(fabs(t.ci_hi - 0.2054832) < 5e-8, "hi %.9f", t.ci_hi);
}

Test(stats, paired_matches_r_sleep) {
    stats_test t;
    cr_assert_eq(stats_paired(sleep1, sleep2, 10, 0.95, &t), 0);
    cr_expect_eq(t.paired, 1);
    cr_expect(fabs(t.diff + 1.58) < 1e-12);
    cr_expect(fabs(t.t + 4.0621) < 5e-5, "t %.6f", t.t);
    cr_expect(t.df == 9.0);
    cr_expect(fabs(t.p - 0.002833) < 5e-7, "p %.8f", t.p);
    cr_expect(fabs(t.ci_lo + 2.4598858) < 5e-8, "lo %.9f", t.ci_lo);
    cr_expect(fabs(t.ci_hi + 0.7001142) < 5e-8, "hi %.9f", t.ci_hi);
}

Test(stats, tests_need_two_values) {
    const double one[] = {1.0, NAN}, two[] = {1.0, 2.0};
    stats_test t;
    cr_expect_eq(stats_welch(one, 2, two, 2, 0.95, &t), -1);
    cr_expect_eq(stats_welch(two, 2, one, 1, 0.95, &t), -1);
    cr_expect_eq(stats_paired(one, two, 2, 0.95, &t), -1);   /* the NaN pair is skipped */
    cr_expect_eq(stats_paired(two, two, 2, 0.95, &t), 0);
}

/* Identical seeds on each side (zero spread) must give a usable, degenerate CI, not NaN: exactly
   (binary-exact values, se == 0) and nearly (0.9 and 0.8 leave rounding residue in the sd). */
Test(stats, zero_spread_gives_degenerate_ci) {
    const double a[] = {0.75, 0.75, 0.75}, b[] = {0.5, 0.5, 0.5};
    stats_test t;
    cr_assert_eq(stats_welch(b, 3, a, 3, 0.95, &t), 0);
    cr_expect(t.diff == -0.25);
    cr_expect(t.ci_lo == t.diff && t.ci_hi == t.diff);
    cr_expect(t.p == 0.0 && isinf(t.t) && t.t < 0);
    cr_expect(t.df == 4.0);
    cr_assert_eq(stats_paired(a, a, 3, 0.95, &t), 0);
    cr_expect(t.diff == 0.0 && t.p == 1.0 && t.t == 0.0);

    const double c[] = {0.9, 0.9, 0.9}, d[] = {0.8, 0.8, 0.8};
    cr_assert_eq(stats_welch(d, 3, c, 3, 0.95, &t), 0);
    cr_expect(fabs(t.diff + 0.1) < 1e-12);
    cr_expect(fabs(t.ci_lo - t.diff) < 1e-12 && fabs(t.ci_hi - t.diff) < 1e-12, "%g %g", t.ci_lo, t.ci_hi);
    cr_expect(t.p < 1e-12);
    cr_assert_eq(stats_paired(d, c, 3, 0.95, &t), 0);
    cr_expect(fabs(t.ci_lo - t.diff) < 1e-12 && fabs(t.ci_hi - t.diff) < 1e-12, "%g %g", t.ci_lo, t.ci_hi);
}

/* p = {0.01, 0.04, 0.03, 0.005}. Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06,
   0.04*1 = 0.04 -> running max 0.06. */
Test(stats, holm_by_hand) {
    const double p[] = {0.01, 0.04, 0.03, 0.005};
    const double want[] = {0.03, 0.06, 0.06, 0.02};
    double adj[4];
    stats_holm(p, 4, adj);
    for (int i = 0; i < 4; i++) cr_expect(fabs(adj[i] - want[i]) < 1e-15, "adj[%d] = %g", i, adj[i]);
}

/* {0.5, 0.6}: 0.5*2 = 1.0, 0.6*1 -> max 1.0; {0.4, 0.9, 0.2}: 0.6, 0.8, 0.9 capped then monotone. */
Test(stats, holm_caps_at_one_and_stays_monotone) {
    const double p[] = {0.5, 0.6};
    double adj[3];
    stats_holm(p, 2, adj);
    cr_expect(adj[0] == 1.0 && adj[1] == 1.0);
    const double q[] = {0.4, 0.9, 0.2};
    stats_holm(q, 3, adj);
    cr_expect(fabs(adj[0] - 0.8) < 1e-15 && fabs(adj[1] - 0.9) < 1e-15 && fabs(adj[2] - 0.6) < 1e-15,
              "%g %g %g", adj[0], adj[1], adj[2]);
}

/* Ties share the larger multiplier: {0.02, 0.02, 0.04} -> 0.06, 0.06, 0.06 (0.04*1 < 0.06).
   NaN is not a test: {0.01, NaN, 0.04} adjusts as m = 2 -> 0.02, NaN, 0.04. */
Test(stats, holm_ties_and_nan) {
    const double p[] = {0.02, 0.02, 0.04};
    double adj[3];
    stats_holm(p, 3, adj);
    for (int i = 0; i < 3; i++) cr_expect(fabs(adj[i] - 0.06) < 1e-15, "adj[%d] = %g", i, adj[i]);
    const double q[] = {0.01, NAN, 0.04};
    stats_holm(q, 3, adj);
    cr_expect(fabs(adj[0] - 0.02) < 1e-15 && isnan(adj[1]) && fabs(adj[2] - 0.04) < 1e-15);
}

/* The O(n log n) Holm against its definition, on many p-values with ties and NaN. */
Test(stats, holm_matches_definition_on_many) {
    enum { N = 500 };
    double p[N], adj[N];
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (x >> 16) % 7 == 0 ? NAN : (double)((x >> 8) % 200) / 4000.0;   /* many ties */
    }
    stats_holm(p, N, adj);
    int m = 0;
    for (int i = 0; i < N; i++) m += !isnan(p[i]);
    for (int i = 0; i < N; i++) {
        if (isnan(p[i])) { cr_expect(isnan(adj[i])); continue; }
        double want = 0;
        for (int j = 0; j < N; j++) {
            if (isnan(p[j]) || p[j] > p[i]) continue;
            int rank = 0;
            for (int k = 0; k < N; k++) rank += !isnan(p[k]) && p[k] < p[j];
            double a = (m - rank) * p[j];
            if (a > want) want = a;
        }
        if (want > 1) want = 1;
        cr_expect_float_eq(adj[i], want, 1e-12, "p[%d] = %g: %g, want %g", i, p[i], adj[i], want);
    }
}
