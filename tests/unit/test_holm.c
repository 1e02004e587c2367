/* rpt_holm: the report's Holm correction over one family of comparisons, pinned against values computed by
   hand, and a verdict that holds on the raw p-values but not after the correction. */
#include <criterion/criterion.h>
#include <math.h>
#include "report.h"

static rpt_cmp cmp(double p, double diff, int ok)
{
    rpt_cmp c = { .ok = ok, .p_holm = NAN };
    c.t.p = p;
    c.t.diff = diff;
    return c;
}

Test(holm, adjusted_values_by_hand) {
    /* The six testable p-values sorted: 0.005, 0.01, 0.03, 0.04, 0.6, 0.7; times 6, 5, 4, 3, 2, 1:
       0.03, 0.05, 0.12, 0.12, 1.2 -> 1, 0.7; made monotone: 0.03, 0.05, 0.12, 0.12, 1, 1. The comparison
       with too few runs (ok = 0) is not in the family and keeps its NaN. */
    rpt_cmp c[7] = { cmp(0.01, 1, 1), cmp(0.04, 1, 1), cmp(0.001, 1, 0), cmp(0.03, 1, 1), cmp(0.005, 1, 1),
                     cmp(0.6, 1, 1), cmp(0.7, 1, 1) };
    const double want[7] = { 0.05, 0.12, NAN, 0.12, 0.03, 1.0, 1.0 };
    const double raw[7] = { 0.01, 0.04, 0.001, 0.03, 0.005, 0.6, 0.7 };
    rpt_holm(c, 7);
    for (int i = 0; i < 7; i++) {
        if (isnan(want[i])) cr_assert(isnan(c[i].p_holm), "c[%d].p_holm = %g, expected NaN", i, c[i].p_holm);
        else cr_assert(fabs(c[i].p_holm - want[i]) < 1e-12, "c[%d].p_holm = %.15g, expected %g", i, c[i].p_holm,
                       want[i]);
        cr_assert(c[i].t.p == raw[i], "c[%d]: the raw p-value is left as it was", i);
    }
}

Test(holm, verdict_depends_on_the_correction) {
    /* Both raw p-values are under 0.05, but Holm makes them 2*0.03 = 0.06 and max(0.06, 0.04) = 0.06. */
    rpt_cmp c[2] = { cmp(0.03, 1.5, 1), cmp(0.04, 2.0, 1) };
    rpt_holm(c, 2);
    cr_assert(fabs(c[0].p_holm - 0.06) < 1e-12 && fabs(c[1].p_holm - 0.06) < 1e-12, "p_holm %g %g",
              c[0].p_holm, c[1].p_holm);
    cr_assert(!rpt_significant(&c[0], 1) && !rpt_significant(&c[1], 1));
    cr_assert_eq(rpt_rule_all(c, 2, 1), V_INCONCLUSIVE);
    /* One comparison alone is its own family: 0.03 stays 0.03 and is significant. */
    rpt_cmp one = cmp(0.03, 1.5, 1);
    rpt_holm(&one, 1);
    cr_assert(fabs(one.p_holm - 0.03) < 1e-12 && rpt_significant(&one, 1));
    cr_assert_eq(rpt_rule_all(&one, 1, 1), V_SUPPORTED);
}
