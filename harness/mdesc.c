/* mdesc: Markdown/HTML escaping of untrusted text (see mdesc.h). */
#include "mdesc.h"

void mdesc_write(FILE *f, const char *s, int keep_bold)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '|': case '[': case ']': case '`': case '\\': fputc('\\', f); fputc(ch, f); break;
        case '*': case '_':
            if (!keep_bold) fputc('\\', f);
            fputc(ch, f);
            break;
        default: fputc(ch < 0x20 || ch == 0x7f ? ' ' : ch, f);
        }
    }
}
