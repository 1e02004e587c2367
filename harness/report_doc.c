/* report_doc: the report as a list of blocks, and its two renderings (markdown, self-contained html). */
#include "report.h"
#include "mdesc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static doc_block *doc_push(doc *d, doc_kind kind)
{
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 64;
        doc_block *b = realloc(d->blocks, (size_t)cap * sizeof *b);
        if (!b) { perror("report"); abort(); }   /* out of memory: nothing sensible to return */
        d->blocks = b;
        d->cap = cap;
    }
    doc_block *b = &d->blocks[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *xstrdup(const char *s)
{
    char *c = strdup(s);
    if (!c) { perror("report"); abort(); }
    return c;
}

static char *vfmt(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) { perror("report"); abort(); }
    return s;
}

void doc_heading(doc *d, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_block *b = doc_push(d, level <= 1 ? DOC_H1 : level == 2 ? DOC_H2 : DOC_H3);
    b->text = vfmt(fmt, ap);
    va_end(ap);
}

void doc_text(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_push(d, DOC_TEXT)->text = vfmt(fmt, ap);
    va_end(ap);
}

void doc_quote(doc *d, const char *text) { doc_push(d, DOC_QUOTE)->text = xstrdup(text); }

void doc_image(doc *d, const char *base, const char *caption)
{
    doc_block *b = doc_push(d, DOC_IMAGE);
    b->image = xstrdup(base);
    b->text = xstrdup(caption);
}

void doc_rb_clear(doc_rowbuf *r) { r->ncols = 0; }

void doc_rb_add(doc_rowbuf *r, const char *fmt, ...)
{
    if (r->ncols >= RPT_MAXCOLS) return;
    va_list ap;
    va_start(ap, fmt);
    char *c = r->cell[r->ncols++];
    vsnprintf(c, RPT_CELL, fmt, ap);
    va_end(ap);
    for (; *c; c++)
        if (*c == DOC_LINK_MARK || *c == DOC_LINK_END) *c = ' ';   /* only doc_rb_add_link makes links */
}

void doc_rb_cells(doc_rowbuf *r, const char *const *cells)
{
    for (; *cells; cells++) doc_rb_add(r, "%s", *cells);
}

void doc_table_head(doc *d, const char *const *names)
{
    doc_rowbuf r;
    doc_rb_clear(&r);
    doc_rb_cells(&r, names);
    doc_table(d, &r);
}

void doc_rb_add_link(doc_rowbuf *r, const char *id, const char *fmt, ...)
{
    if (r->ncols >= RPT_MAXCOLS) return;
    char text[RPT_CELL];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (char *c = text; *c; c++)
        if (*c == DOC_LINK_MARK || *c == DOC_LINK_END) *c = ' ';
    snprintf(r->cell[r->ncols++], RPT_CELL, "%c%.40s%c%.140s", DOC_LINK_MARK, id, DOC_LINK_END, text);
}

const char *doc_set_id(doc *d, const char *id)
{
    for (int i = d->n - 1; i >= 0; i--) {
        doc_block *b = &d->blocks[i];
        if (b->kind != DOC_H1 && b->kind != DOC_H2 && b->kind != DOC_H3) continue;
        if (!b->id) b->id = xstrdup(id);
        return b->id;
    }
    return NULL;
}

/* The id of heading block i: the one given (doc_set_id), else "s<i>-" and its text's letters and digits. */
static void heading_id(const doc_block *b, int i, char *buf, size_t n)
{
    if (b->id) { snprintf(buf, n, "%s", b->id); return; }
    size_t len = (size_t)snprintf(buf, n, "s%d-", i);
    int dash = 1;
    for (const char *s = b->text; *s && len + 2 < n && len < 48; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) { buf[len++] = (char)ch; dash = 0; }
        else if (ch >= 'A' && ch <= 'Z') { buf[len++] = (char)(ch - 'A' + 'a'); dash = 0; }
        else if (!dash) { buf[len++] = '-'; dash = 1; }
    }
    while (len > 0 && buf[len - 1] == '-') len--;
    buf[len] = 0;
}

static void table_append(doc_block *b, const doc_rowbuf *r)
{
    char **cells = realloc(b->cells, (size_t)(b->nrows + 2) * b->ncols * sizeof *cells);
    if (!cells) { perror("report"); abort(); }
    b->cells = cells;
    for (int c = 0; c < b->ncols; c++)
        cells[(size_t)(b->nrows + 1) * b->ncols + c] = xstrdup(c < r->ncols ? r->cell[c] : "");
    b->nrows++;
}

void doc_table(doc *d, const doc_rowbuf *header)
{
    doc_block *b = doc_push(d, DOC_TABLE);
    b->ncols = header->ncols;
    b->nrows = -1;               /* the header goes in as row "-1 + 1 = 0" */
    table_append(b, header);
}

void doc_row(doc *d, const doc_rowbuf *r)
{
    for (int i = d->n - 1; i >= 0; i--)
        if (d->blocks[i].kind == DOC_TABLE) { table_append(&d->blocks[i], r); return; }
}

void doc_free(doc *d)
{
    for (int i = 0; i < d->n; i++) {
        doc_block *b = &d->blocks[i];
        free(b->text);
        free(b->image);
        free(b->id);
        if (b->cells)
            for (int c = 0; c < (b->nrows + 1) * b->ncols; c++) free(b->cells[c]);
        free(b->cells);
    }
    free(d->blocks);
    memset(d, 0, sizeof *d);
}

/* ---- markdown ---- */
/* A cell or a line of text: escaped (mdesc.h), bold markers kept; a link (doc_rb_add_link) as its text. */
static void md_text(FILE *f, const char *s)
{
    if (*s == DOC_LINK_MARK) {
        const char *end = strchr(s, DOC_LINK_END);
        s = end ? end + 1 : s + 1;
    }
    mdesc_write(f, s, 1);
}

int doc_write_md(const doc *d, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) { snprintf(err, errlen, "%s: cannot write", path); return -1; }
    for (int i = 0; i < d->n; i++) {
        const doc_block *b = &d->blocks[i];
        switch (b->kind) {
        case DOC_H1: case DOC_H2: case DOC_H3:
            fprintf(f, "%s ", b->kind == DOC_H1 ? "#" : b->kind == DOC_H2 ? "##" : "###");
            md_text(f, b->text);
            fputs("\n\n", f);
            break;
        case DOC_TEXT: md_text(f, b->text); fputs("\n\n", f); break;
        case DOC_QUOTE: fputs("> ", f); md_text(f, b->text); fputs("\n\n", f); break;
        case DOC_IMAGE:   /* image names are made by the report from safe characters (rpt_safe_name) */
            fputs("![", f);
            md_text(f, b->text);
            fprintf(f, "](%s.png)\n\n*", b->image);
            md_text(f, b->text);
            fprintf(f, "* ([SVG](%s.svg), [data](%s.dat))\n\n", b->image, b->image);
            break;
        case DOC_TABLE:
            for (int r = 0; r <= b->nrows; r++) {
                fputc('|', f);
                for (int c = 0; c < b->ncols; c++) {
                    fputc(' ', f);
                    md_text(f, b->cells[(size_t)r * b->ncols + c]);
                    fputs(" |", f);
                }
                fputc('\n', f);
                if (r == 0) {
                    fputc('|', f);
                    for (int c = 0; c < b->ncols; c++) fputs("---|", f);
                    fputc('\n', f);
                }
            }
            fputc('\n', f);
            break;
        }
    }
    if (fclose(f) != 0) { snprintf(err, errlen, "%s: write failed", path); return -1; }
    return 0;
}

/* ---- html ---- */
/* Escape s; "**" toggles <strong>. */
static void html_text(FILE *f, const char *s)
{
    int bold = 0;
    for (; *s; s++) {
        if (s[0] == '*' && s[1] == '*') { fputs(bold ? "</strong>" : "<strong>", f); bold = !bold; s++; continue; }
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
        }
    }
    if (bold) fputs("</strong>", f);
}

/* A table cell: a link (doc_rb_add_link) to an id of this page, or text. */
static void html_cell(FILE *f, const char *s)
{
    const char *end = *s == DOC_LINK_MARK ? strchr(s, DOC_LINK_END) : NULL;
    if (!end) { html_text(f, s); return; }
    fputs("<a href=\"#", f);
    for (const char *p = s + 1; p < end; p++) fputc(strchr("<>&\"'", *p) ? '_' : *p, f);
    fputs("\">", f);
    html_text(f, end + 1);
    fputs("</a>", f);
}

/* Contents: a link to every H2 and H3. */
static void html_toc(FILE *f, const doc *d)
{
    int n = 0;
    for (int i = 0; i < d->n; i++) n += d->blocks[i].kind == DOC_H2 || d->blocks[i].kind == DOC_H3;
    if (n < 2) return;
    fputs("<nav id=\"contents\"><h2>Contents</h2><ul>\n", f);
    for (int i = 0; i < d->n; i++) {
        const doc_block *b = &d->blocks[i];
        if (b->kind != DOC_H2 && b->kind != DOC_H3) continue;
        char id[128];
        heading_id(b, i, id, sizeof id);
        fprintf(f, "<li class=\"%s\"><a href=\"#%s\">", b->kind == DOC_H2 ? "toc2" : "toc3", id);
        html_text(f, b->text);
        fputs("</a></li>\n", f);
    }
    fputs("</ul></nav>\n", f);
}

/* Copy the <svg ...>...</svg> element of outdir/base.svg into f; 0 on success. */
static int html_inline_svg(FILE *f, const char *outdir, const char *base)
{
    char path[4352];
    snprintf(path, sizeof path, "%s/%s.svg", outdir, base);
    FILE *in = fopen(path, "r");
    if (!in) return -1;
    char *buf = NULL;
    size_t cap = 0, len = 0, k;
    char chunk[8192];
    while ((k = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (len + k + 1 > cap) {
            cap = 2 * (len + k + 1);
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(in); return -1; }
            buf = nb;
        }
        memcpy(buf + len, chunk, k);
        len += k;
    }
    fclose(in);
    if (!buf) return -1;
    buf[len] = 0;
    const char *start = strstr(buf, "<svg");
    int rc = -1;
    if (start) { fputs(start, f); rc = 0; }
    free(buf);
    return rc;
}

static const char html_css[] =
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}"
    "th,td{border:1px solid #ccc;padding:.3rem .55rem;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}"
    "blockquote{border-left:4px solid #99b;margin:1rem 0;padding:.2rem 1rem;color:#334;background:#f6f6fb}"
    "figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#555}"
    "h1,h2,h3{line-height:1.2}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}"
    "a.anchor{color:#bbb;text-decoration:none;font-size:.8em}a.anchor:hover{color:#36c}"
    "nav ul{list-style:none;padding-left:0}li.toc3{padding-left:1.5rem;font-size:.92rem}";

int doc_write_html(const doc *d, const char *outdir, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) { snprintf(err, errlen, "%s: cannot write", path); return -1; }
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
               "<title>sweep report</title>\n<style>%s</style></head><body>\n", html_css);
    int toc_done = 0;
    for (int i = 0; i < d->n; i++) {
        const doc_block *b = &d->blocks[i];
        const char *tag = b->kind == DOC_H1 ? "h1" : b->kind == DOC_H2 ? "h2" : b->kind == DOC_H3 ? "h3"
                        : b->kind == DOC_QUOTE ? "blockquote" : "p";
        switch (b->kind) {
        case DOC_H1: case DOC_H2: case DOC_H3: {
            char id[128];
            heading_id(b, i, id, sizeof id);
            fprintf(f, "<%s id=\"%s\">", tag, id);
            html_text(f, b->text);
            fprintf(f, " <a class=\"anchor\" href=\"#%s\" aria-label=\"link to this section\">#</a></%s>\n", id, tag);
            if (b->kind == DOC_H1 && !toc_done) { html_toc(f, d); toc_done = 1; }
            break;
        }
        case DOC_TEXT: case DOC_QUOTE:
            fprintf(f, "<%s>", tag);
            html_text(f, b->text);
            fprintf(f, "</%s>\n", tag);
            break;
        case DOC_IMAGE:
            fputs("<figure>", f);
            if (html_inline_svg(f, outdir, b->image) != 0)
                fputs("<p><em>(image not rendered)</em></p>", f);
            fputs("<figcaption>", f);
            html_text(f, b->text);
            fprintf(f, " (<a href=\"%s.png\">PNG</a>, <a href=\"%s.svg\">SVG</a>, <a href=\"%s.dat\">data</a>)"
                       "</figcaption></figure>\n", b->image, b->image, b->image);
            break;
        case DOC_TABLE:
            fputs("<table>\n", f);
            for (int r = 0; r <= b->nrows; r++) {
                fputs("<tr>", f);
                for (int c = 0; c < b->ncols; c++) {
                    fputs(r == 0 ? "<th>" : "<td>", f);
                    html_cell(f, b->cells[(size_t)r * b->ncols + c]);
                    fputs(r == 0 ? "</th>" : "</td>", f);
                }
                fputs("</tr>\n", f);
            }
            fputs("</table>\n", f);
            break;
        }
    }
    fputs("</body></html>\n", f);
    if (fclose(f) != 0) { snprintf(err, errlen, "%s: write failed", path); return -1; }
    return 0;
}
