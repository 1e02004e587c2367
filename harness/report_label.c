/* report_label: how a configuration is named in the report's text, headings and panel titles. The name uses
   the fewest varying columns that still tell every configuration apart: when each variant sets its own
   dropout, l2 and augment, "variant=l2" says it all, and the full list (six columns in the comparison table)
   made panel titles run into each other. Columns are dropped from the last; the table of every
   configuration still shows them all. */
#include "report.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const rpt_exp *e; const int *use; } label_ctx;

/* Order of two groups on the columns in use (0: the same on every one). As text: a label is text, so two
   labels that differ as text tell their configurations apart (and strcmp spares the number parsing of
   runset_cell_cmp, which made a report of 10,000 configurations 19% slower). */
static int same_on(const label_ctx *c, const rpt_group *a, const rpt_group *b)
{
    for (int i = 0; i < c->e->nvary; i++) {
        if (!c->use[i]) continue;
        int col = c->e->vary_cols[i];
        int r = strcmp(table_cell(&c->e->runs, a->first, col), table_cell(&c->e->runs, b->first, col));
        if (r) return r;
    }
    return 0;
}

static int ptr_cmp(const void *a, const void *b, void *arg)
{
    return same_on(arg, *(const rpt_group *const *)a, *(const rpt_group *const *)b);
}

/* 1 when the columns in use tell every group apart. */
static int distinct(const rpt_exp *e, const int *use, const rpt_group **sorted)
{
    label_ctx c = { e, use };
    for (int g = 0; g < e->ngroups; g++) sorted[g] = &e->groups[g];
    qsort_r(sorted, (size_t)e->ngroups, sizeof *sorted, ptr_cmp, &c);
    for (int g = 1; g < e->ngroups; g++)
        if (same_on(&c, sorted[g - 1], sorted[g]) == 0) return 0;
    return 1;
}

int rpt_label_columns(rpt_exp *e)
{
    int use[RPT_MAXCOLS * 2];
    const rpt_group **sorted = malloc(((size_t)e->ngroups + 1) * sizeof *sorted);
    if (!sorted) return -1;
    for (int i = 0; i < e->nvary; i++) use[i] = 1;
    for (int i = e->nvary - 1; i >= 0 && e->nvary > 1; i--) {
        use[i] = 0;
        if (!distinct(e, use, sorted)) use[i] = 1;
    }
    free(sorted);
    e->nlabel = 0;
    for (int i = 0; i < e->nvary; i++)
        if (use[i]) e->label_cols[e->nlabel++] = e->vary_cols[i];
    return 0;
}

void rpt_label(const rpt_exp *e, const rpt_group *g, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < e->nlabel && len < n; i++) {
        int c = e->label_cols[i];
        len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? ", " : "", e->runs.cols[c],
                                table_cell(&e->runs, g->first, c));
    }
    if (e->nlabel == 0) snprintf(buf, n, "all runs");
}
