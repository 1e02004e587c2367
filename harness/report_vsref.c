/* report_vsref: every configuration against the reference, paired by seed, Holm over the family. A declared
   reference may name several configurations: `reference = dropout=0` in a dropout × train_size grid is one
   configuration per size. Each configuration is then compared with the reference that agrees with it on the
   columns the selector leaves free (the claims' pairing, decl_pairs), so that no difference mixes two sizes. */
#include "report_auto.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The varying columns on which the reference configurations differ, as ", "-joined text in c->ref_free. */
static void free_columns(auto_ctx *c)
{
    const rpt_exp *e = c->e;
    size_t len = 0;
    c->ref_free[0] = 0;
    for (int k = 0; k < e->nvary; k++) {
        int col = e->vary_cols[k], first = -1, differ = 0;
        for (int g = 0; g < e->ngroups && !differ; g++) {
            if (c->partner[g] != g) continue;
            if (first < 0) first = g;
            else differ = !runset_same_value(table_cell(&e->runs, e->groups[g].first, col),
                                             table_cell(&e->runs, e->groups[first].first, col));
        }
        if (differ && len < sizeof c->ref_free)
            len += (size_t)snprintf(c->ref_free + len, sizeof c->ref_free - len, "%s%s", len ? ", " : "", e->runs.cols[col]);
    }
}

int auto_references(auto_ctx *c)
{
    const rpt_exp *e = c->e;
    int ref = (int)(c->ref - e->groups);
    if (!(c->partner = malloc(((size_t)e->ngroups + 1) * sizeof *c->partner))) return -1;
    for (int g = 0; g < e->ngroups; g++) c->partner[g] = g == ref ? g : ref;
    c->nrefs = 1;
    const exp_decl *d = e->spec ? e->spec->decl : NULL;
    if (!d || !d->has_reference || e->ref_group >= 0) return 0;
    decl_configs cf;
    rpt_configs(e, &cf);
    int nmatch = 0;
    for (int g = 0; g < e->ngroups; g++) nmatch += decl_sel_match(&d->reference, &cf, g);
    if (nmatch < 2) return 0;   /* none ran yet (a partial sweep): the default reference */
    decl_claim every;
    memset(&every, 0, sizeof every);
    every.compare.all = 1;
    int *pairs, n, nctl;
    if (decl_pairs(&every, &d->reference, &cf, &pairs, &n, &nctl)) return -1;
    for (int g = 0; g < e->ngroups; g++) c->partner[g] = -1;
    for (int i = 0; i < n; i++) {   /* -2: more than one reference agrees with it */
        int g = pairs[2 * i], r = pairs[2 * i + 1];
        c->partner[g] = c->partner[g] == -1 ? r : -2;
    }
    free(pairs);
    for (int g = 0; g < e->ngroups; g++)
        if (decl_sel_match(&d->reference, &cf, g)) c->partner[g] = g;
    c->nrefs = nmatch;
    snprintf(c->ref_sel, sizeof c->ref_sel, "%s", d->reference.text);
    free_columns(c);
    return 0;
}

void auto_reference_intro(const auto_ctx *c)
{
    const rpt_exp *e = c->e;
    char lab[512];
    if (c->nrefs > 1) {
        doc_text(&c->x->d, "Reference: **%s** (declared in the experiment): %d configurations, one at each %s; each "
                 "configuration is compared with the one at its own %s. Differences below are configuration − "
                 "reference.", c->ref_sel, c->nrefs, c->ref_free, c->ref_free);
        return;
    }
    rpt_label(e, c->ref, lab, sizeof lab);
    doc_text(&c->x->d, "Reference configuration: **%s** (%s). Differences below are configuration − reference.", lab,
             e->ref_group >= 0 ? "declared in the experiment"
                               : "default: the first configuration in the table's order, i.e. the smallest value of "
                                 "each varying column, the first variant by name");
}

/* Test accuracy and gap of every configuration minus its reference's, paired by seed, Holm over the family. */
void auto_vs_reference(auto_ctx *c)
{
    rpt_exp *e = c->e;
    if (e->ngroups < 2) return;
    doc *d = &c->x->d;
    char lab[512], b1[96], b2[128];
    rpt_label(e, c->ref, lab, sizeof lab);
    if (c->nrefs > 1) doc_heading(d, 3, "Against the reference (%s, at the same %s)", c->ref_sel, c->ref_free);
    else doc_heading(d, 3, "Against the reference (%s)", lab);
    rpt_cmp *cmp = calloc((size_t)e->ngroups, sizeof *cmp), *gap = calloc((size_t)e->ngroups, sizeof *gap);
    if (!cmp || !gap) { perror("report"); abort(); }
    int k = 0, unpaired = 0;
    for (int g = 0; g < e->ngroups; g++) {
        int p = c->partner[g];
        if (p == g) continue;
        if (p < 0) { unpaired++; continue; }
        rpt_compare(e, &e->groups[g], &e->groups[p], M_TEST_ACC, &cmp[k]);
        rpt_compare(e, &e->groups[g], &e->groups[p], M_GAP, &gap[k++]);
    }
    rpt_holm(cmp, k);
    rpt_holm(gap, k);
    doc_text(d, "Differences in percentage points: **difference [95%% CI]**, paired by seed when both configurations "
             "ran the same seeds (else Welch); p-values Holm-corrected over the %d comparisons of each column.", k);
    if (unpaired)
        doc_text(d, "%d configuration(s) have no single reference with the same %s and are not compared.", unpaired,
                 c->ref_free);
    doc_table_head(d, (const char *const[]){ "Configuration", "Δ test acc (pp)", "p (test acc)", "Δ gap (pp)", "p (gap)",
                                             NULL });
    doc_rowbuf r;
    int sig = 0;
    for (int g = 0, i = 0; g < e->ngroups; g++) {
        if (c->partner[g] == g || c->partner[g] < 0) continue;
        rpt_label(e, &e->groups[g], lab, sizeof lab);
        doc_rb_clear(&r);
        doc_rb_add(&r, "%s", lab);
        doc_rb_add(&r, "%s", rpt_fmt_diff(b1, sizeof b1, &cmp[i], 2));
        doc_rb_add(&r, "%s", rpt_fmt_p(b2, sizeof b2, &cmp[i]));
        doc_rb_add(&r, "%s", rpt_fmt_diff(b1, sizeof b1, &gap[i], 2));
        doc_rb_add(&r, "%s", rpt_fmt_p(b2, sizeof b2, &gap[i]));
        sig += rpt_significant(&cmp[i], 1) + rpt_significant(&cmp[i], -1);
        doc_row(d, &r);
        i++;
    }
    doc_text(d, "%d of %d configurations differ from %s in test accuracy at Holm-corrected p < %g.", sig, k,
             c->nrefs > 1 ? "their reference" : "the reference", RPT_ALPHA);
    free(cmp);
    free(gap);
}
