/* diag.h — the project's one error type: a list of diagnostics.
 *
 * Every stage (load, validate, observe, plan, apply) appends to an nt_diag and keeps going
 * where it can, so one run reports every problem. core/ never prints: cmd/ formats the list
 * once (nt_diag_format) and picks the exit code from nt_diag_has_errors().
 *
 * A diagnostic carries a severity, a message, an optional position (file, line, column;
 * 1-based; file NULL when there is none), an optional cluster name, and a code (an nt_rule
 * from validate.h, or 0) that lets callers such as the local server map a failure to the
 * real server's wording without parsing messages. */
#ifndef NT_DIAG_H
#define NT_DIAG_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { NT_SEV_ERROR = 0, NT_SEV_WARNING, NT_SEV_NOTE } nt_severity;

/* A position in an input file. `file` points into storage owned by whoever loaded the file
 * (an nt_cluster_set keeps its file names alive as long as itself). line 0 = no position. */
typedef struct nt_pos {
    const char *file;
    unsigned line;
    unsigned col;
} nt_pos;

#define NT_POS_NONE ((nt_pos){NULL, 0, 0})

typedef struct nt_diag_item {
    nt_severity sev;
    int code; /* nt_rule (validate.h) or 0 */
    char *msg;
    char *file; /* owned copy, NULL when no position */
    unsigned line, col;
    char *cluster; /* owned copy, NULL when not about one cluster */
} nt_diag_item;

typedef struct nt_diag {
    nt_diag_item *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
} nt_diag;

#define NT_DIAG_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, 0, 0                                                                           \
    }

/* Append a diagnostic. Returns -1 for NT_SEV_ERROR and 0 otherwise, so an error can be
 * raised and returned in one statement: `return nt_diag_add(d, NT_SEV_ERROR, ...);` */
int nt_diag_add(nt_diag *d, nt_severity sev, nt_pos pos, const char *cluster, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int nt_diag_addc(nt_diag *d, nt_severity sev, int code, nt_pos pos, const char *cluster,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Shorthand for an error without a position or cluster. Returns -1. */
int nt_diag_error(nt_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

bool nt_diag_has_errors(const nt_diag *d);
/* Move every item of src to the end of dst; src is left empty. */
void nt_diag_move(nt_diag *dst, nt_diag *src);
/* Drop the items after the first n (the ones added since d->n was n), as if never added. */
void nt_diag_truncate(nt_diag *d, size_t n);
/* Stable sort by file, line, column (items without a position keep their order, last). */
void nt_diag_sort(nt_diag *d);
/* One line per item: "file:line:col: error: message (cluster NAME)". With `color`, the
 * severity word is coloured (only ever used when printing to a terminal). */
void nt_diag_format(const nt_diag *d, nt_buf *out, bool color);
void nt_diag_format_item(const nt_diag_item *it, nt_buf *out, bool color);
const char *nt_severity_name(nt_severity sev);
void nt_diag_free(nt_diag *d); /* frees the items; d itself may be reused afterwards */

#endif
