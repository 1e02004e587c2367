/* strlist: a growing list of owned strings (paths, names). */
#ifndef SWEEP_STRLIST_H
#define SWEEP_STRLIST_H

typedef struct {
    char **v;
    int n, cap;
} strlist;

/* Append a copy of s. 0, or -1 out of memory (the list unchanged). */
int strlist_add(strlist *l, const char *s);
/* Index of the first entry equal to s, or -1. */
int strlist_find(const strlist *l, const char *s);
/* Sort entries from..n-1 by strcmp. */
void strlist_sort_from(strlist *l, int from);
/* Free every entry and the array; the list is empty afterwards. */
void strlist_free(strlist *l);

#endif
