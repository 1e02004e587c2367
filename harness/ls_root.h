/* ls_root: sweep ls on a results root (several experiment directories). */
#ifndef SWEEP_LS_ROOT_H
#define SWEEP_LS_ROOT_H
#include "tabout.h"

/* One row per experiment directory under dir (holding runs.csv or shards/): runs, configurations, statuses and
   the best configuration by mean val_acc, printed in fmt. Returns 0, 2 after an error line, or -1 when dir holds
   no experiment directory (nothing printed). */
int ls_root(const char *dir, tabout_format fmt);

#endif
