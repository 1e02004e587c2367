/* mdesc: text from results files (variant names, cell values, column names) made inert in Markdown and
   HTML. Used by report.md (report_doc.c) and sweep check's Markdown, which lands in $GITHUB_STEP_SUMMARY. */
#ifndef SWEEP_MDESC_H
#define SWEEP_MDESC_H
#include <stdio.h>

/* Write s so that a Markdown renderer shows it as text, in a table cell or a paragraph: < > & as HTML
   entities (no tags, no autolinks), | [ ] ` \ escaped with a backslash (no cell break, link or image
   syntax, no code span), ! ( ) left (inert without [ ]), newlines and other control characters as spaces.
   keep_bold: "**" is passed through (the report's own bold markers), else * and _ are escaped too. */
void mdesc_write(FILE *f, const char *s, int keep_bold);

#endif
