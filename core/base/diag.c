#include "core/base/diag.h"

#include "core/base/alloc.h"
#include "core/base/ansi.h"
#include "core/base/escape.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int vadd(nt_diag *d, nt_severity sev, int code, nt_pos pos, const char *cluster,
                const char *fmt, va_list ap)
{
    NT_GROW(d->items, d->cap, d->n + 1);
    nt_diag_item *it = &d->items[d->n++];
    nt_buf b = NT_BUF_INIT;
    nt_buf_vaddf(&b, fmt, ap);
    it->sev = sev;
    it->code = code;
    it->msg = nt_buf_detach(&b);
    it->file = pos.line || pos.file ? nt_xstrdup(pos.file) : NULL;
    it->line = pos.line;
    it->col = pos.col;
    it->cluster = cluster && *cluster ? nt_xstrdup(cluster) : NULL;
    if (sev == NT_SEV_ERROR)
        d->n_errors++;
    else if (sev == NT_SEV_WARNING)
        d->n_warnings++;
    return sev == NT_SEV_ERROR ? -1 : 0;
}

int nt_diag_add(nt_diag *d, nt_severity sev, nt_pos pos, const char *cluster, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vadd(d, sev, 0, pos, cluster, fmt, ap);
    va_end(ap);
    return r;
}

int nt_diag_addc(nt_diag *d, nt_severity sev, int code, nt_pos pos, const char *cluster,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vadd(d, sev, code, pos, cluster, fmt, ap);
    va_end(ap);
    return r;
}

int nt_diag_error(nt_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vadd(d, NT_SEV_ERROR, 0, NT_POS_NONE, NULL, fmt, ap);
    va_end(ap);
    return r;
}

bool nt_diag_has_errors(const nt_diag *d)
{
    return d->n_errors > 0;
}

void nt_diag_move(nt_diag *dst, nt_diag *src)
{
    NT_GROW(dst->items, dst->cap, dst->n + src->n);
    if (src->n)
        memcpy(dst->items + dst->n, src->items, src->n * sizeof(*src->items));
    dst->n += src->n;
    dst->n_errors += src->n_errors;
    dst->n_warnings += src->n_warnings;
    free(src->items);
    memset(src, 0, sizeof(*src));
}

static int cmp_item(const nt_diag_item *a, const nt_diag_item *b)
{
    if (!a->file != !b->file)
        return a->file ? -1 : 1;
    if (a->file) {
        int c = strcmp(a->file, b->file);
        if (c)
            return c;
    }
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

void nt_diag_sort(nt_diag *d)
{
    /* insertion sort on an index keeps it stable; lists are short (a few hundred at most) */
    for (size_t i = 1; i < d->n; i++) {
        nt_diag_item it = d->items[i];
        size_t j = i;
        while (j > 0 && cmp_item(&d->items[j - 1], &it) > 0) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = it;
    }
}

const char *nt_severity_name(nt_severity sev)
{
    switch (sev) {
    case NT_SEV_ERROR:
        return "error";
    case NT_SEV_WARNING:
        return "warning";
    case NT_SEV_NOTE:
        return "note";
    }
    return "error";
}

void nt_diag_format_item(const nt_diag_item *it, nt_buf *out, bool color)
{
    static const char *colors[] = {NT_ANSI_BOLD_RED, NT_ANSI_BOLD_YELLOW, NT_ANSI_BOLD_CYAN};
    /* messages quote names and values from files and servers: escaped (core/base/escape.h) */
    if (it->file) {
        nt_buf_add_escaped(out, it->file, false);
        if (it->line)
            nt_buf_addf(out, ":%u:%u", it->line, it->col);
        nt_buf_adds(out, ": ");
    }
    nt_buf name = NT_BUF_INIT;
    nt_buf_addf(&name, "%s:", nt_severity_name(it->sev));
    nt_ansi_paint(out, color, colors[it->sev], name.data, name.len);
    nt_buf_free(&name);
    nt_buf_addc(out, ' ');
    nt_buf_add_escaped(out, it->msg, false);
    if (it->cluster) {
        nt_buf_adds(out, " (cluster ");
        nt_buf_add_escaped(out, it->cluster, false);
        nt_buf_addc(out, ')');
    }
    nt_buf_addc(out, '\n');
}

void nt_diag_format(const nt_diag *d, nt_buf *out, bool color)
{
    for (size_t i = 0; i < d->n; i++)
        nt_diag_format_item(&d->items[i], out, color);
}

void nt_diag_truncate(nt_diag *d, size_t n)
{
    while (d->n > n) {
        nt_diag_item *it = &d->items[--d->n];
        if (it->sev == NT_SEV_ERROR)
            d->n_errors--;
        else if (it->sev == NT_SEV_WARNING)
            d->n_warnings--;
        free(it->msg);
        free(it->file);
        free(it->cluster);
    }
}

void nt_diag_free(nt_diag *d)
{
    if (!d)
        return;
    nt_diag_truncate(d, 0);
    free(d->items);
    memset(d, 0, sizeof(*d));
}
