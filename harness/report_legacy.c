/* report_legacy: TRANSITIONAL. The tutorial's hand-written sections (report_tables.c, report_claims.c),
   picked by directory name, run after the automatic section until the experiment's declared tables and
   claims (#9, stored in DIR/experiment.ini) replace them. rpt_section_declared is the one call site for
   declared sections; when they land, this file goes and rpt_section_declared moves next to them. */
#include "report.h"
#include <string.h>

static const struct { const char *name; rpt_section_fn fn; } sections[] = {
    { "rate_table", rpt_section_rate_table },
    { "combinations", rpt_section_combinations },
    { "batch_size", rpt_section_batch_size },
    { "network_size", rpt_section_network_size },
    { "output_dropout", rpt_section_output_dropout },
    { "eval_mode", rpt_section_eval_mode },
    { "convergence", rpt_section_convergence },
    { "ensemble", rpt_section_ensemble },
};
#define NSECTIONS ((int)(sizeof sections / sizeof sections[0]))

int rpt_section_rank(const rpt_exp *e)
{
    for (int i = 0; i < NSECTIONS; i++)
        if (!strcmp(sections[i].name, e->name)) return i;
    return NSECTIONS;
}

int rpt_section_declared(rpt_ctx *x, rpt_exp *e)
{
    int k = rpt_section_rank(e);
    if (k == NSECTIONS) return 0;
    if (sections[k].fn(x, e) != 0)
        doc_text(&x->d, "The runs of %s do not have the configurations this experiment's tables and claims need.",
                 e->label);
    return 0;
}
