/* tabout: a table of strings in four output formats (see tabout.h). */
#include "tabout.h"
#include "table.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int tabout_init(tabout *t, const char *const *cols, int ncols) {
    memset(t, 0, sizeof *t);
    t->cols = calloc((size_t)ncols + 1, sizeof *t->cols);
    t->numeric = calloc((size_t)ncols + 1, sizeof *t->numeric);
    if (!t->cols || !t->numeric) return -1;
    t->ncols = ncols;
    for (int j = 0; j < ncols; j++) {
        if (!(t->cols[j] = strdup(cols[j]))) return -1;
        t->numeric[j] = 1;
    }
    return 0;
}

static int is_number(const char *s) {
    if (!*s) return 1;                                  /* empty: null in JSON */
    char *end;
    double v = strtod(s, &end);
    return end != s && !*end && isfinite(v);
}

int tabout_add(tabout *t, const char *const *cells) {
    if (t->nrows == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        char **p = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *p);
        if (!p) return -1;
        t->cells = p;
        t->cap = cap;
    }
    char **row = t->cells + (size_t)t->nrows * t->ncols;
    for (int j = 0; j < t->ncols; j++) {
        if (!(row[j] = strdup(cells[j] ? cells[j] : ""))) {
            while (j--) free(row[j]);
            return -1;
        }
        t->numeric[j] = t->numeric[j] && is_number(row[j]);
    }
    t->nrows++;
    return 0;
}

int tabout_parse_format(const char *name, tabout_format *f) {
    static const char *const names[] = {"text", "csv", "md", "json"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, names[i])) return *f = (tabout_format)i, 0;
    return -1;
}

static const char *cell(const tabout *t, int r, int j) { return r < 0 ? t->cols[j] : t->cells[(size_t)r * t->ncols + j]; }

static void print_text(const tabout *t, FILE *out) {
    int *w = calloc((size_t)t->ncols + 1, sizeof *w);
    size_t linecap = 1;
    if (!w) return;
    for (int r = -1; r < t->nrows; r++)
        for (int j = 0; j < t->ncols; j++) {
            int len = (int)strlen(cell(t, r, j));
            if (len > w[j]) w[j] = len;
        }
    for (int j = 0; j < t->ncols; j++) linecap += (size_t)w[j] + 2;
    char *line = malloc(linecap);
    for (int r = -1; line && r < t->nrows; r++) {
        size_t used = 0;
        for (int j = 0; j < t->ncols; j++) {
            int right = t->numeric[j] && r >= 0;
            used += (size_t)snprintf(line + used, linecap - used, right ? "%*s%s" : "%-*s%s", w[j], cell(t, r, j),
                                     j < t->ncols - 1 ? "  " : "");
        }
        while (used && line[used - 1] == ' ') used--;   /* no trailing blanks */
        fprintf(out, "%.*s\n", (int)used, line);
    }
    free(line);
    free(w);
}

static void md_cell(const char *s, FILE *out) {
    for (; *s; s++) {
        if (strchr("|\\`*_[]<>", *s)) fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static void json_string(const char *s, FILE *out) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

void tabout_print(const tabout *t, tabout_format f, FILE *out) {
    if (f == TABOUT_TEXT) {
        print_text(t, out);
    } else if (f == TABOUT_CSV) {
        for (int r = -1; r < t->nrows; r++) {
            char *line = table_format_row((const char *const *)(r < 0 ? t->cols : t->cells + (size_t)r * t->ncols),
                                          t->ncols);
            if (line) fputs(line, out);
            free(line);
        }
    } else if (f == TABOUT_MD) {
        for (int r = -1; r < t->nrows; r++) {
            for (int j = 0; j < t->ncols; j++) {
                fputs("| ", out);
                md_cell(cell(t, r, j), out);
                fputc(' ', out);
            }
            fputs("|\n", out);
            if (r < 0) {
                for (int j = 0; j < t->ncols; j++) fputs(t->numeric[j] ? "|---:" : "|---", out);
                fputs("|\n", out);
            }
        }
    } else {
        fputs("[", out);
        for (int r = 0; r < t->nrows; r++) {
            fputs(r ? ",\n  {" : "\n  {", out);
            for (int j = 0; j < t->ncols; j++) {
                if (j) fputs(", ", out);
                json_string(t->cols[j], out);
                fputs(": ", out);
                const char *v = cell(t, r, j);
                if (t->numeric[j]) fputs(*v ? v : "null", out);
                else json_string(v, out);
            }
            fputs("}", out);
        }
        fputs(t->nrows ? "\n]\n" : "]\n", out);
    }
}

void tabout_free(tabout *t) {
    for (size_t i = 0; t->cells && i < (size_t)t->nrows * (size_t)t->ncols; i++) free(t->cells[i]);
    for (int j = 0; t->cols && j < t->ncols; j++) free(t->cols[j]);
    free(t->cells);
    free(t->cols);
    free(t->numeric);
    memset(t, 0, sizeof *t);
}
