/* experiment internals shared by experiment.c (reading the file), experiment_build.c (the runs from its
   sections) and experiment_grid.c (counting, expanding, random samples). Not an API: experiment.h is. */
#ifndef SWEEP_EXPERIMENT_INTERNAL_H
#define SWEEP_EXPERIMENT_INTERNAL_H
#include <stddef.h>
#include "experiment.h"
#include "idset.h"

#define EXP_MAX_VARIANTS 64
#define EXP_MAX_ITEMS 256

/* One section's raw values: [sweep], a [variant NAME], [set] or the --set overrides. */
typedef struct {
    char name[64];
    char *values[32];       /* raw text per setting index, NULL when unset */
    int lines[32];          /* line of each value in the file */
} exp_section;

/* The items of a value of setting (a list, seeds with ranges a-b) into items; their number, or -1. */
int exp_items(int setting, const char *text, char items[][256], int max);
void exp_section_free(exp_section *s);
/* Runs of one section: the product of its list lengths (a double: it cannot wrap); *widest gets the setting
   with the most values and *widest_n their number. -1 out of memory. */
double exp_count(const exp_section *base, const exp_section *var, const exp_section *over, int *widest,
                 int *widest_n);
/* Append the runs of one variant and one seed (seed_pass-th seed) to e->runs (room for cap); seen holds the
   run ids so far, to refuse a duplicate in O(1). 0, or -1 with err. */
int exp_expand(experiment *e, int cap, idset *seen, const char *variant, const exp_section *base,
               const exp_section *var, const exp_section *over, int seed_pass, char *err, size_t errlen);
/* Random search (search.h): e->search.samples copies of base, one drawn value per dimension. 0, or -1 with err. */
int exp_draw_samples(experiment *e, const exp_section *base, exp_section *samples, char *err, size_t errlen);

/* Line of setting i's value in the section it came from (the variant's, else the base's); 0 when unset. */
int exp_line(const exp_section *base, const exp_section *var, int i);
/* Keep where every value came from in e->origins, for experiment_origin. -1 out of memory. */
int exp_keep_origins(experiment *e, const exp_section *base, const exp_section *variants, int n_variants,
                     const exp_section *over);
/* experiment_build.c: the runs of the file's sections (base, the variants, the --set/[set] overrides) into e,
   checked (run count, search keys, declarations: e->decl is set). 0, or -1 with err ("file:line: ..."). */
int exp_build(experiment *e, const exp_section *base, const exp_section *variants, int n_variants,
              const exp_section *over, char *err, size_t errlen);
/* Release e->origins; safe when there are none. */
void exp_free_origins(experiment *e);

#endif
