/* load.c — the desired-state loader.
 *
 * libyaml's event parser feeds a small tree of our own (scalars, mappings, sequences with
 * 1-based positions), which the walkers below turn into clusters. Building the tree ourselves
 * keeps hostile input bounded: aliases are refused (no expansion, so no alias bomb), nesting
 * stops at NT_LOAD_MAX_DEPTH, the nodes held at once at LOAD_MAX_NODES and those of a file at
 * LOAD_MAX_FILE_NODES, a file's errors at LOAD_MAX_ERRORS, and a file is never larger than
 * NT_LOAD_MAX_FILE.
 *
 * The tree never holds a whole large file: each document is loaded and freed when it ends,
 * and each entry of a `clusters:` list as soon as it is complete (a 100,000-cluster file
 * is read one entry at a time). What a file's loading adds to the set and to the messages is
 * taken back when the file turns out to be invalid YAML further on (a syntax error reports
 * itself alone, as if nothing had been read), and a document's streamed entries are taken back
 * when the document turns out to be a `kind: Cluster` one. */
#include "core/load/load.h"

#include "core/base/alloc.h"
#include "core/load/interp.h"
#include "core/base/suggest.h"
#include "core/base/wipe.h"
#include "core/model/rules.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define LOAD_MAX_NODES 2000000u      /* held at once */
#define LOAD_MAX_FILE_NODES 4000000u /* in one file */
#define LOAD_MAX_ERRORS 10000u       /* a file's entries after these are not read */
#define API_VERSION "nautes.resource.nautes.io/v1alpha1"

/* ---- the tree ------------------------------------------------------------------------------ */

typedef enum { N_SCALAR, N_MAP, N_SEQ, N_ALIAS } ntype;

typedef struct node {
    ntype t;
    nt_pos pos;
    char *s; /* scalar text, in the node's own block (NUL-terminated; may hold NULs from
                escapes, len is exact) */
    size_t len;
    yaml_scalar_style_t style;
    struct node **kids; /* mapping: key, value, key, value ... */
    size_t n, cap;
} node;

/* Frees n and what it holds; returns how many nodes that was (0 for NULL). */
static size_t node_free(node *n)
{
    if (!n)
        return 0;
    size_t count = 1;
    for (size_t i = 0; i < n->n; i++)
        count += node_free(n->kids[i]);
    free(n->kids);
    free(n);
    return count;
}

typedef struct ctx {
    nt_cluster_set *set;
    const char *file; /* interned */
    unsigned flags;
    nt_diag *diag;   /* what loading finds: kept only when the whole file parses */
    nt_diag *parse;  /* the parser's own errors (the caller's list) */
    nt_buf subs;     /* every substituted value, for the input hash (a secret buffer) */
    size_t nodes;    /* held at once */
    size_t total;    /* read from the file */
    size_t nonempty; /* documents that are not empty */
    bool alias_reported;
    bool stopped; /* LOAD_MAX_ERRORS reached: the rest of the file is parsed, not loaded */
} ctx;

/* A whole-file position: printed as "file: error: ..." */
static nt_pos file_pos(const char *file)
{
    nt_pos p = {file, 0, 0};
    return p;
}

static nt_pos mark_pos(const ctx *x, yaml_mark_t m)
{
    return (nt_pos){x->file, (unsigned)m.line + 1, (unsigned)m.column + 1};
}

static bool is_null(const node *n)
{
    if (!n)
        return true;
    if (n->t != N_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return !strcmp(n->s, "") || !strcmp(n->s, "~") || !strcmp(n->s, "null") ||
           !strcmp(n->s, "Null") || !strcmp(n->s, "NULL");
}

static const char *type_name(const node *n)
{
    if (is_null(n))
        return "null";
    switch (n->t) {
    case N_MAP:
        return "a mapping";
    case N_SEQ:
        return "a sequence";
    case N_ALIAS:
        return "an alias";
    default:
        return "a string";
    }
}

/* Position of byte offset `off` of data (reader errors only give an offset). */
static nt_pos offset_pos(const ctx *x, const char *data, size_t len, size_t off)
{
    nt_pos p = {x->file, 1, 1};
    for (size_t i = 0; i < off && i < len; i++) {
        if (data[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}

static void report_parser_error(ctx *x, yaml_parser_t *p, const char *data, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR) {
        nt_diag_add(x->parse, NT_SEV_ERROR, file_pos(x->file), NULL, "out of memory while parsing");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        size_t off = p->problem_offset;
        unsigned byte = p->problem_value >= 0 ? (unsigned)p->problem_value & 0xffu
                        : off < len           ? (unsigned)(unsigned char)data[off]
                                              : 0u;
        /* a bad trailing octet is reported at the character it belongs to */
        for (size_t k = 1; k <= 3 && off >= k && p->problem &&
                           !strcmp(p->problem, "invalid trailing UTF-8 octet");
             k++) {
            if ((unsigned char)data[off - k] >= 0xC0) {
                off -= k;
                break;
            }
        }
        nt_pos at = offset_pos(x, data, len, off);
        nt_diag_add(x->parse, NT_SEV_ERROR, at, NULL,
                    "invalid input: %s (byte 0x%02x); the file must be UTF-8 text",
                    p->problem ? p->problem : "unreadable", byte);
        return;
    }
    nt_pos at = mark_pos(x, p->problem_mark);
    const char *hint = "";
    if (p->problem_mark.index < len && data[p->problem_mark.index] == '\t')
        hint = "; YAML does not allow tabs for indentation, use spaces";
    if (p->context)
        nt_diag_add(x->parse, NT_SEV_ERROR, at, NULL, "invalid YAML: %s %s%s", p->problem,
                    p->context, hint);
    else
        nt_diag_add(x->parse, NT_SEV_ERROR, at, NULL, "invalid YAML: %s%s",
                    p->problem ? p->problem : "syntax error", hint);
}

static void attach(node **root, node **stack, size_t depth, node *n)
{
    if (depth == 0) {
        node_free(*root);
        *root = n;
        return;
    }
    node *parent = stack[depth - 1];
    NT_GROW(parent->kids, parent->cap, parent->n + 1);
    parent->kids[parent->n++] = n;
}

static void load_root(ctx *x, const node *root);
static bool looks_like_document(const node *root);
static void native_entry(ctx *x, const node *e);

/* What the stream has read of the current document: the marks that take its streamed entries
 * back, and the `clusters:` sequence whose entries are loaded as they complete. */
typedef struct doc_state {
    size_t diag_mark, set_mark, subs_mark;
    size_t streamed; /* entries of `seq` loaded so far */
    node *seq;       /* the root mapping's `clusters:` sequence, or NULL */
} doc_state;

static void doc_begin(ctx *x, doc_state *d)
{
    d->diag_mark = x->diag->n;
    d->set_mark = x->set->n;
    d->subs_mark = x->subs.len;
    d->streamed = 0;
    d->seq = NULL;
}

/* The last entry of the streamed sequence is complete: load it, then free it. */
static void stream_entry(ctx *x, doc_state *d)
{
    node *e = d->seq->kids[--d->seq->n];
    native_entry(x, e);
    x->nodes -= node_free(e);
    d->streamed++;
}

/* A document has ended: load it (taking back its streamed entries when it is a `kind: Cluster`
 * document after all), then free it. */
static void doc_end(ctx *x, doc_state *d, node *root)
{
    if (d->streamed && root && root->t == N_MAP && looks_like_document(root)) {
        nt_diag_truncate(x->diag, d->diag_mark);
        nt_cluster_set_truncate(x->set, d->set_mark);
        nt_buf_truncate(&x->subs, d->subs_mark);
        x->stopped = x->diag->n_errors >= LOAD_MAX_ERRORS;
    }
    load_root(x, root);
    x->nodes -= node_free(root);
    d->seq = NULL;
}

/* Parse the stream, loading each document as it ends (and each entry of a root `clusters:`
 * sequence as it completes). Returns 0, or -1 after reporting the first problem in x->parse
 * (the caller then takes back what was loaded). */
static int parse_stream(ctx *x, const char *data, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    node *stack[NT_LOAD_MAX_DEPTH + 1];
    size_t depth = 0;
    node *root = NULL;
    doc_state doc;
    int rc = 0;
    bool done = false;

    if (!yaml_parser_initialize(&p)) {
        nt_diag_add(x->parse, NT_SEV_ERROR, file_pos(x->file), NULL,
                    "could not initialise the YAML parser");
        return -1;
    }
    doc_begin(x, &doc);
    yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            report_parser_error(x, &p, data, len);
            rc = -1;
            break;
        }
        node *n = NULL;
        bool entry_done = false;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            x->nodes -= node_free(root);
            root = NULL;
            depth = 0;
            doc_begin(x, &doc);
            break;
        case YAML_DOCUMENT_END_EVENT:
            doc_end(x, &doc, root);
            root = NULL;
            break;
        case YAML_ALIAS_EVENT:
            if (!x->alias_reported) {
                x->alias_reported = true;
                nt_diag_add(x->parse, NT_SEV_ERROR, mark_pos(x, ev.start_mark), NULL,
                            "YAML aliases ('*%s') are not supported; write the value out",
                            (const char *)ev.data.alias.anchor);
            }
            n = nt_xcalloc(1, sizeof(node));
            n->t = N_ALIAS;
            n->pos = mark_pos(x, ev.start_mark);
            break;
        case YAML_SCALAR_EVENT:
            /* one allocation for the node and its text: a large file holds millions */
            n = nt_xcalloc(1, sizeof(node) + ev.data.scalar.length + 1);
            n->t = N_SCALAR;
            n->pos = mark_pos(x, ev.start_mark);
            n->len = ev.data.scalar.length;
            n->s = (char *)(n + 1);
            memcpy(n->s, ev.data.scalar.value, n->len);
            n->style = ev.data.scalar.style;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth >= NT_LOAD_MAX_DEPTH) {
                nt_diag_add(x->parse, NT_SEV_ERROR, mark_pos(x, ev.start_mark), NULL,
                            "nesting is deeper than %d levels", NT_LOAD_MAX_DEPTH);
                rc = -1;
                done = true;
                break;
            }
            n = nt_xcalloc(1, sizeof(node));
            n->t = ev.type == YAML_MAPPING_START_EVENT ? N_MAP : N_SEQ;
            n->pos = mark_pos(x, ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            /* an entry (a mapping, or anything else) of the streamed sequence has ended */
            entry_done = doc.seq && depth == 2 && stack[1] == doc.seq;
            break;
        default:
            break;
        }
        if (n) {
            x->nodes++;
            if (++x->total > LOAD_MAX_FILE_NODES || x->nodes > LOAD_MAX_NODES) {
                if (x->total > LOAD_MAX_FILE_NODES)
                    nt_diag_add(x->parse, NT_SEV_ERROR, n->pos, NULL,
                                "the file holds more than %u YAML values", LOAD_MAX_FILE_NODES);
                else
                    nt_diag_add(x->parse, NT_SEV_ERROR, n->pos, NULL,
                                "the file holds more than %u YAML values at once", LOAD_MAX_NODES);
                node_free(n);
                x->nodes--;
                rc = -1;
                done = true;
            } else {
                /* the root mapping's `clusters:` sequence: its entries are loaded one by one */
                if (n->t == N_SEQ && depth == 1 && root->t == N_MAP && root->n % 2 == 1 &&
                    root->kids[root->n - 1]->t == N_SCALAR &&
                    !strcmp(root->kids[root->n - 1]->s, "clusters"))
                    doc.seq = n;
                attach(&root, stack, depth, n);
                if (n->t == N_MAP || n->t == N_SEQ)
                    stack[depth++] = n;
                else
                    entry_done = doc.seq && depth == 2 && stack[1] == doc.seq;
            }
        }
        if (entry_done)
            stream_entry(x, &doc);
        yaml_event_delete(&ev);
    }
    x->nodes -= node_free(root);
    yaml_parser_delete(&p);
    return rc;
}

/* ---- walking helpers ---------------------------------------------------------------------- */

static int err(ctx *x, nt_pos pos, const char *cluster, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int err(ctx *x, nt_pos pos, const char *cluster, const char *fmt, ...)
{
    nt_buf b = NT_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    nt_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    nt_diag_add(x->diag, NT_SEV_ERROR, pos, cluster, "%s", nt_buf_str(&b));
    nt_buf_free(&b);
    return -1;
}

/* Checks `n` has type `want` (aliases were already reported and fail silently). */
static bool expect(ctx *x, const node *n, ntype want, const char *what, const char *cluster)
{
    if (n->t == want)
        return true;
    if (n->t == N_ALIAS)
        return false;
    static const char *names[] = {"a string", "a mapping", "a sequence", "an alias"};
    err(x, n->pos, cluster, "%s: expected %s, found %s", what, names[want], type_name(n));
    return false;
}

typedef struct keyref {
    const node *k;
    size_t i;
} keyref;

static int cmp_keyref(const void *a, const void *b)
{
    const keyref *p = a, *q = b;
    int c = strcmp(p->k->s, q->k->s);
    if (c)
        return c;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* Remember that key (and the key it resembles) did not load, for nt_cluster.failed_keys.
 * Bounded: hostile input with thousands of bad keys must not make this quadratic, and the
 * keys that matter (the fields' own) are short and come early enough. */
static void failed_key(nt_cluster *c, const char *key, const char *like)
{
    if (c->failed_keys && strlen(c->failed_keys) > 4096)
        return;
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, c->failed_keys ? c->failed_keys : " ");
    nt_buf_addf(&b, "%s ", key);
    if (like)
        nt_buf_addf(&b, "%s ", like);
    free(c->failed_keys);
    c->failed_keys = nt_buf_detach(&b);
}

/* Reports non-string keys and duplicate keys of mapping m (with both positions); a duplicated
 * key is recorded in rec->failed_keys when rec is given. Sorting keeps it O(n log n) for huge
 * mappings. */
static void check_keys(ctx *x, const node *m, const char *cluster, nt_cluster *rec)
{
    size_t nk = m->n / 2, nr = 0;
    keyref *refs = nt_xcalloc(nk ? nk : 1, sizeof(keyref));
    for (size_t i = 0; i < nk; i++) {
        const node *k = m->kids[2 * i];
        if (k->t != N_SCALAR) {
            if (k->t != N_ALIAS)
                err(x, k->pos, cluster, "a key must be a string, found %s", type_name(k));
            continue;
        }
        refs[nr].k = k;
        refs[nr].i = i;
        nr++;
    }
    qsort(refs, nr, sizeof(keyref), cmp_keyref);
    for (size_t i = 1; i < nr; i++) {
        size_t first = i - 1;
        while (i < nr && !strcmp(refs[i].k->s, refs[first].k->s)) {
            err(x, refs[i].k->pos, cluster, "duplicate key '%s' (first given at line %u:%u)",
                refs[i].k->s, refs[first].k->pos.line, refs[first].k->pos.col);
            if (rec)
                failed_key(rec, refs[i].k->s, NULL);
            i++;
        }
    }
    free(refs);
}

static const node *map_get(const node *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2)
        if (m->kids[i]->t == N_SCALAR && !strcmp(m->kids[i]->s, key))
            return m->kids[i + 1];
    return NULL;
}

/* Report an unknown key; returns the known key it resembles (or NULL). */
static const char *unknown_key(ctx *x, const node *k, const char *where, const char *const *cands,
                               size_t n, const char *cluster)
{
    const char *s = nt_suggest(k->s, cands, n);
    if (s)
        err(x, k->pos, cluster, "unknown key '%s' in %s; did you mean '%s'?", k->s, where, s);
    else
        err(x, k->pos, cluster, "unknown key '%s' in %s", k->s, where);
    return s;
}

/* A scalar value, interpolated. *out is NULL for null; the caller owns it. */
static int get_str(ctx *x, const node *n, const char *what, const char *cluster, char **out)
{
    *out = NULL;
    if (is_null(n))
        return 0;
    if (n->t != N_SCALAR) {
        if (n->t == N_ALIAS)
            return -1;
        if (!strcmp(what, "kubeconfig"))
            return err(x, n->pos, cluster,
                       "kubeconfig: expected a string, found %s; write the kubeconfig as a "
                       "block scalar ('kubeconfig: |') or use kubeconfig_file",
                       type_name(n));
        return err(x, n->pos, cluster, "%s: expected a string, found %s", what, type_name(n));
    }
    if (memchr(n->s, '\0', n->len))
        return err(x, n->pos, cluster, "%s: the value contains a NUL character", what);
    /* without a '$' there is nothing to substitute: the text itself, in a block its size */
    if ((x->flags & NT_LOAD_NO_ENV) || !memchr(n->s, '$', n->len)) {
        *out = nt_xstrndup(n->s, n->len);
        return 0;
    }
    nt_buf b = NT_BUF_SECRET_INIT; /* a ${VAR} may be a token or a kubeconfig */
    bool exact = n->style == YAML_PLAIN_SCALAR_STYLE ||
                 n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    nt_pos at = n->pos;
    if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        at.col++;
    int rc = nt_interp(n->s, n->len, at, exact, &b, &x->subs, cluster, x->diag);
    if (rc < 0) {
        nt_wipe_buf_free(&b);
        return -1;
    }
    *out = nt_buf_detach(&b);
    return 0;
}

/* Sets value v from scalar node n; null leaves v undeclared. */
static void set_value(ctx *x, nt_value *v, const node *n, const char *what, const char *cluster)
{
    char *s = NULL;
    if (get_str(x, n, what, cluster, &s) == 0 && s)
        nt_value_set(v, s, n->pos);
    free(s);
}

static void set_field(ctx *x, nt_cluster *c, nt_field f, const node *n, const char *what)
{
    char *s = NULL;
    if (get_str(x, n, what, c->name, &s) == 0 && s)
        nt_cluster_take_field(c, f, s, n->pos);
}

/* ---- cluster entries ------------------------------------------------------------------------ */

typedef enum { STYLE_NATIVE, STYLE_CAMEL } key_style;

static const char *field_key(nt_field f, key_style st)
{
    return st == STYLE_NATIVE ? nt_fields[f].snake : nt_fields[f].camel;
}

static const char *comp_key(const nt_component_info *ci, key_style st)
{
    return st == STYLE_NATIVE ? ci->snake : ci->camel;
}

/* Keys of a nested object ("traefik", "vcluster") in the given style. */
static size_t nested_keys(const char *obj, key_style st, const char **out, nt_field *ids)
{
    size_t n = 0, ol = strlen(obj);
    for (int i = 0; i < NT_F_COUNT; i++) {
        const char *k = field_key((nt_field)i, st);
        if ((nt_fields[i].flags & NT_FIELD_NESTED) && !strncmp(k, obj, ol) && k[ol] == '.') {
            out[n] = k + ol + 1;
            ids[n++] = (nt_field)i;
        }
    }
    return n;
}

static void load_nested(ctx *x, nt_cluster *c, const node *v, const char *obj, key_style st)
{
    const char *keys[NT_F_COUNT];
    nt_field ids[NT_F_COUNT];
    size_t nk = nested_keys(obj, st, keys, ids);
    if (is_null(v))
        return;
    if (!expect(x, v, N_MAP, obj, c->name))
        return;
    check_keys(x, v, c->name, NULL);
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const node *k = v->kids[i], *val = v->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        size_t j = 0;
        while (j < nk && strcmp(keys[j], k->s))
            j++;
        if (j == nk) {
            nt_buf where = NT_BUF_INIT;
            nt_buf_addf(&where, "'%s'", obj);
            unknown_key(x, k, nt_buf_str(&where), keys, nk, c->name);
            nt_buf_free(&where);
            continue;
        }
        set_field(x, c, ids[j], val, field_key(ids[j], st));
    }
}

static void load_component(ctx *x, nt_cluster *c, nt_component *comp, const node *v,
                           const char *what)
{
    static const char *const keys[] = {"name", "namespace", "additions"};
    comp->declared = true;
    comp->pos = v->pos;
    if (is_null(v)) {
        comp->is_null = true;
        return;
    }
    if (!expect(x, v, N_MAP, what, c->name))
        return;
    check_keys(x, v, c->name, NULL);
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const node *k = v->kids[i], *val = v->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        if (!strcmp(k->s, "name")) {
            set_value(x, &comp->name, val, "name", c->name);
        } else if (!strcmp(k->s, "namespace")) {
            set_value(x, &comp->ns, val, "namespace", c->name);
        } else if (!strcmp(k->s, "additions")) {
            comp->additions_declared = true;
            if (is_null(val) || !expect(x, val, N_MAP, "additions", c->name))
                continue;
            check_keys(x, val, c->name, NULL);
            for (size_t j = 0; j + 1 < val->n; j += 2) {
                const node *ak = val->kids[j], *av = val->kids[j + 1];
                char *s = NULL;
                if (ak->t != N_SCALAR)
                    continue;
                if (get_str(x, av, ak->s, c->name, &s) == 0)
                    nt_component_set_addition(comp, ak->s, s ? s : "", av->pos);
                free(s);
            }
        } else {
            nt_buf where = NT_BUF_INIT;
            nt_buf_addf(&where, "component '%s'", what);
            unknown_key(x, k, nt_buf_str(&where), keys, 3, c->name);
            nt_buf_free(&where);
        }
    }
}

static void load_components(ctx *x, nt_cluster *c, const node *v, key_style st)
{
    const char *cands[NT_C_COUNT];
    size_t nc = 0;
    bool server_only_ok = (x->flags & NT_LOAD_RESOURCE) != 0;
    for (int i = 0; i < NT_C_COUNT; i++) {
        const nt_component_info *ci = &nt_components[i];
        if (comp_key(ci, st) && (server_only_ok || !(ci->flags & NT_COMP_SERVER_ONLY)))
            cands[nc++] = comp_key(ci, st);
    }
    c->has_components = true;
    nt_cluster_set_pos(c, NT_AT_COMPONENTS, v->pos);
    if (is_null(v) ||
        !expect(x, v, N_MAP, st == STYLE_NATIVE ? "components_list" : "componentsList", c->name))
        return;
    check_keys(x, v, c->name, NULL);
    nt_cluster_reserve_components(c, v->n / 2); /* the keys given: allocated with the array */
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const node *k = v->kids[i], *val = v->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        size_t j = 0;
        while (j < nc && strcmp(cands[j], k->s))
            j++;
        if (j == nc) {
            unknown_key(x, k, st == STYLE_NATIVE ? "components_list" : "componentsList", cands, nc,
                        c->name);
            continue;
        }
        nt_component_kind kind = nt_component_by_name(k->s);
        load_component(x, c, nt_cluster_component(c, kind), val, k->s);
    }
}

static void load_reserved(ctx *x, nt_cluster *c, const node *v, const char *what)
{
    c->has_reserved = true;
    nt_cluster_set_pos(c, NT_AT_RESERVED, v->pos);
    if (is_null(v) || !expect(x, v, N_MAP, what, c->name))
        return;
    check_keys(x, v, c->name, NULL);
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const node *k = v->kids[i], *val = v->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        nt_ns_products *e = nt_cluster_add_reserved(c, k->s, k->pos);
        if (is_null(val) || !expect(x, val, N_SEQ, k->s, c->name))
            continue;
        for (size_t j = 0; j < val->n; j++) {
            const node *item = val->kids[j];
            char *s = NULL;
            if (item->t != N_SCALAR || is_null(item)) {
                if (item->t != N_ALIAS)
                    nt_diag_addc(x->diag, NT_SEV_ERROR, NT_RULE_RESERVED_VALUE, item->pos, c->name,
                                 "the products allowed in reserved namespace '%s' must be "
                                 "strings, found %s",
                                 k->s, type_name(item));
                continue;
            }
            if (get_str(x, item, k->s, c->name, &s) == 0 && s)
                nt_ns_products_add(e, s, item->pos);
            free(s);
        }
    }
}

static void load_allowed(ctx *x, nt_cluster *c, const node *v, const char *what)
{
    static const char *const keys[] = {"kind", "group"};
    c->has_allowed = true;
    nt_cluster_set_pos(c, NT_AT_ALLOWED, v->pos);
    if (is_null(v) || !expect(x, v, N_MAP, what, c->name))
        return;
    check_keys(x, v, c->name, NULL);
    for (size_t i = 0; i + 1 < v->n; i += 2) {
        const node *k = v->kids[i], *val = v->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        nt_product_resources *e = nt_cluster_add_allowed(c, k->s, k->pos);
        if (is_null(val) || !expect(x, val, N_SEQ, k->s, c->name))
            continue;
        for (size_t j = 0; j < val->n; j++) {
            const node *item = val->kids[j];
            if (item->t != N_MAP) {
                if (item->t != N_ALIAS)
                    nt_diag_addc(x->diag, NT_SEV_ERROR, NT_RULE_ALLOWED_RESOURCE, item->pos,
                                 c->name,
                                 "the cluster resources allowed for product '%s' must be "
                                 "mappings with 'kind' and 'group', found %s",
                                 k->s, type_name(item));
                continue;
            }
            check_keys(x, item, c->name, NULL);
            nt_resource *r = nt_product_resources_add(e, item->pos);
            for (size_t m = 0; m + 1 < item->n; m += 2) {
                const node *ik = item->kids[m], *iv = item->kids[m + 1];
                if (ik->t != N_SCALAR)
                    continue;
                if (!strcmp(ik->s, "kind"))
                    set_value(x, &r->kind, iv, "kind", c->name);
                else if (!strcmp(ik->s, "group"))
                    set_value(x, &r->group, iv, "group", c->name);
                else
                    unknown_key(x, ik, "an allowed cluster resource", keys, 2, c->name);
            }
        }
    }
}

/* The directory of file name `file` ("." when it has none). */
static char *dir_of(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return nt_xstrdup(".");
    if (slash == file)
        return nt_xstrdup("/");
    return nt_xstrndup(file, (size_t)(slash - file));
}

/* Read everything from fd (nt_buf_read_fd), at most NT_LOAD_MAX_FILE bytes. */
static int read_fd(int fd, char **out, size_t *len)
{
    nt_buf b = NT_BUF_SECRET_INIT; /* a kubeconfig: should the file grow while it is read */
    *out = NULL;
    *len = 0;
    if (nt_buf_read_fd(&b, fd, NT_LOAD_MAX_FILE) < 0) {
        int e = errno;
        nt_wipe_buf_free(&b);
        errno = e;
        return -1;
    }
    *len = b.len;
    *out = nt_buf_detach(&b);
    return 0;
}

static const char *read_error(int e)
{
    return e == EFBIG ? "the file is larger than the 64 MiB limit" : strerror(e);
}

/* What a file that is not a regular file is, for messages. */
static const char *file_type(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a named pipe";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* The kubeconfig_file could not be read (missing, no permission, I/O error): no plan needs
 * its contents, so this is only recorded on the cluster (apply refuses to save the cluster
 * without it, core/plan/plan.h) and, unless NT_LOAD_KUBECONFIG_QUIET, said in a note. */
static void kubeconfig_unread(ctx *x, nt_cluster *c, const char *full, int e)
{
    nt_buf why = NT_BUF_INIT;
    if (strcmp(full, c->kubeconfig_file.s))
        nt_buf_addf(&why, "%s: ", full);
    nt_buf_adds(&why, read_error(e));
    free(c->kubeconfig_unread);
    c->kubeconfig_unread = nt_buf_detach(&why);
    if (!(x->flags & NT_LOAD_KUBECONFIG_QUIET))
        nt_diag_add(x->diag, NT_SEV_NOTE, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
                    "not read: kubeconfig_file '%s' (%s); apply needs it to save this cluster",
                    c->kubeconfig_file.s, c->kubeconfig_unread);
}

/* A file that cannot hold a kubeconfig is an error in every command (validate, plan, graph,
 * apply), found with stat(2) alone: an empty file, a directory, and anything that is not a
 * regular file. A named pipe or a device is never opened, so no command can block on it. */
static bool kubeconfig_file_ok(ctx *x, nt_cluster *c, const char *full, const struct stat *st)
{
    const char *path = c->kubeconfig_file.s;
    nt_buf named = NT_BUF_INIT; /* 'path' (resolved path) */
    nt_buf_addf(&named, "'%s'", path);
    if (strcmp(full, path))
        nt_buf_addf(&named, " (%s)", full);
    bool ok = false;
    if (!S_ISREG(st->st_mode))
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "kubeconfig_file %s is %s, not a regular file; name the file that holds the "
            "kubeconfig",
            nt_buf_str(&named), file_type(st->st_mode));
    else if (st->st_size == 0)
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "kubeconfig_file %s is empty (0 bytes); put the cluster's kubeconfig in it",
            nt_buf_str(&named));
    else if ((unsigned long long)st->st_size > NT_LOAD_MAX_FILE)
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name, "kubeconfig_file %s: %s",
            nt_buf_str(&named), read_error(EFBIG));
    else
        ok = true;
    nt_buf_free(&named);
    return ok;
}

static void load_kubeconfig_file(ctx *x, nt_cluster *c)
{
    const char *path = c->kubeconfig_file.s;
    if (c->f[NT_F_KUBECONFIG].s) {
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "give either kubeconfig or kubeconfig_file, not both (kubeconfig at line %u:%u)",
            nt_cluster_field_pos(c, NT_F_KUBECONFIG).line,
            nt_cluster_field_pos(c, NT_F_KUBECONFIG).col);
        return;
    }
    if (!*path) {
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "kubeconfig_file is empty; name a file");
        return;
    }
    for (const char *d = strchr(path, '$'); d; d = strchr(d + 1, '$'))
        if (isalpha((unsigned char)d[1]) || d[1] == '_')
            return; /* a Go CLI $placeholder left in: validation names it */
    nt_buf full = NT_BUF_INIT;
    if (path[0] == '~') {
        /* ~/... is the user's home, as a shell would read it; ~user is not (no lookup of
         * other users' homes): it is said rather than read as a relative "~user" */
        const char *home = getenv("HOME");
        if (path[1] && path[1] != '/') {
            err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
                "kubeconfig_file '%s': only ~/ (your home) is expanded, not ~user; write the "
                "path out",
                path);
            nt_buf_free(&full);
            return;
        }
        if (!home || !*home) {
            err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
                "kubeconfig_file '%s': HOME is not set, so ~ cannot be expanded; write the path "
                "out",
                path);
            nt_buf_free(&full);
            return;
        }
        nt_buf_addf(&full, "%s%s", home, path + 1);
    } else if (path[0] == '/') {
        nt_buf_adds(&full, path);
    } else {
        char *dir = dir_of(x->file);
        if (strcmp(dir, "."))
            nt_buf_addf(&full, "%s/", dir);
        nt_buf_adds(&full, path);
        free(dir);
    }
    const char *fp = nt_buf_str(&full);
    char *data = NULL;
    size_t len = 0;
    int fd = -1;
    struct stat st;
    if (stat(fp, &st) < 0) {
        kubeconfig_unread(x, c, fp, errno);
        goto done;
    }
    if (!kubeconfig_file_ok(x, c, fp, &st) || (x->flags & NT_LOAD_NO_KUBECONFIG))
        goto done;
    /* O_NONBLOCK: should the file be swapped for a pipe after the stat, open does not wait */
    fd = open(fp, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) < 0) {
        kubeconfig_unread(x, c, fp, errno);
        goto done;
    }
    if (!kubeconfig_file_ok(x, c, fp, &st))
        goto done;
    if (read_fd(fd, &data, &len) < 0) {
        kubeconfig_unread(x, c, fp, errno);
    } else if (len == 0) {
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "kubeconfig_file '%s' is empty (0 bytes); put the cluster's kubeconfig in it", path);
    } else if (memchr(data, '\0', len)) {
        err(x, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE), c->name,
            "kubeconfig_file '%s' is not text (it contains NUL bytes)", path);
    } else {
        /* not an input of a saved plan: a plan made without the file (a CI job holding no
         * credentials) must apply where the file is; its contents are never compared */
        nt_cluster_set_field(c, NT_F_KUBECONFIG, data, nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE));
    }
done:
    if (fd >= 0)
        close(fd);
    if (data) {
        nt_wipe(data, len);
        free(data);
    }
    nt_buf_free(&full);
}

/* Fill c from the keys of mapping m (a native entry, or a Go CLI / resource `spec`). The
 * name was already read by the caller; `name` keys are skipped here. */
static void load_fields(ctx *x, nt_cluster *c, const node *m, key_style st)
{
    const char *cands[NT_F_COUNT + 12];
    size_t nc = 0;
    cands[nc++] = "name";
    for (int i = 0; i < NT_F_COUNT; i++)
        if (!(nt_fields[i].flags & NT_FIELD_NESTED))
            cands[nc++] = field_key((nt_field)i, st);
    const char *k_components = st == STYLE_NATIVE ? "components_list" : "componentsList";
    const char *k_reserved = st == STYLE_NATIVE ? "reserved_namespaces_allowed_products"
                                                : "reservedNamespacesAllowedProducts";
    const char *k_allowed =
        st == STYLE_NATIVE ? "product_allowed_cluster_resources" : "productAllowedClusterResources";
    cands[nc++] = "traefik";
    cands[nc++] = "vcluster";
    cands[nc++] = k_components;
    cands[nc++] = k_reserved;
    cands[nc++] = k_allowed;
    if (st == STYLE_NATIVE) {
        cands[nc++] = "kubeconfig_file";
        cands[nc++] = "state";
        cands[nc++] = "prevent_destroy";
    }

    check_keys(x, m, c->name, c);
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const node *k = m->kids[i], *v = m->kids[i + 1];
        if (k->t != N_SCALAR || !strcmp(k->s, "name"))
            continue;
        size_t errors_before = x->diag->n_errors;
        const char *like = NULL;
        nt_field f = NT_F_COUNT;
        for (int j = 0; j < NT_F_COUNT; j++)
            if (!(nt_fields[j].flags & NT_FIELD_NESTED) &&
                !strcmp(field_key((nt_field)j, st), k->s))
                f = (nt_field)j;
        if (f != NT_F_COUNT) {
            set_field(x, c, f, v, k->s);
        } else if (!strcmp(k->s, "traefik")) {
            c->has_traefik = true;
            nt_cluster_set_pos(c, NT_AT_TRAEFIK, v->pos);
            load_nested(x, c, v, "traefik", st);
        } else if (!strcmp(k->s, "vcluster")) {
            c->has_vcluster = true;
            nt_cluster_set_pos(c, NT_AT_VCLUSTER, v->pos);
            load_nested(x, c, v, "vcluster", st);
        } else if (!strcmp(k->s, k_components)) {
            load_components(x, c, v, st);
        } else if (!strcmp(k->s, k_reserved)) {
            load_reserved(x, c, v, k->s);
        } else if (!strcmp(k->s, k_allowed)) {
            load_allowed(x, c, v, k->s);
        } else if (st == STYLE_NATIVE && !strcmp(k->s, "kubeconfig_file")) {
            char *path = NULL;
            if (get_str(x, v, "kubeconfig_file", c->name, &path) == 0 && path)
                nt_cluster_set_kubeconfig_file(c, path, v->pos);
            free(path);
        } else if (st == STYLE_NATIVE && !strcmp(k->s, "state")) {
            char *s = NULL;
            if (get_str(x, v, "state", c->name, &s) == 0) {
                nt_cluster_set_pos(c, NT_AT_STATE, v->pos);
                if (s && !strcmp(s, "absent"))
                    c->state = NT_STATE_ABSENT;
                else if (s && !strcmp(s, "present"))
                    c->state = NT_STATE_PRESENT;
                else
                    nt_diag_addc(x->diag, NT_SEV_ERROR, NT_RULE_STATE_INVALID, v->pos, c->name,
                                 "state must be 'present' or 'absent', not '%s'", s ? s : "");
            }
            free(s);
        } else if (st == STYLE_NATIVE && !strcmp(k->s, "prevent_destroy")) {
            if (v->t == N_SCALAR && v->style == YAML_PLAIN_SCALAR_STYLE &&
                (!strcmp(v->s, "true") || !strcmp(v->s, "false")))
                c->prevent_destroy = !strcmp(v->s, "true");
            else if (v->t == N_SCALAR)
                err(x, v->pos, c->name, "prevent_destroy must be true or false, not '%s'", v->s);
            else if (v->t != N_ALIAS)
                err(x, v->pos, c->name, "prevent_destroy must be true or false, found %s",
                    type_name(v));
        } else {
            like = unknown_key(x, k, st == STYLE_NATIVE ? "a cluster entry" : "spec", cands, nc,
                               c->name);
        }
        if (x->diag->n_errors > errors_before)
            failed_key(c, k->s, like);
    }
    if (c->kubeconfig_file.s)
        load_kubeconfig_file(x, c);
}

/* Add c to the set (or report a duplicate name with both places and free it). */
static void add_cluster(ctx *x, nt_cluster *c)
{
    nt_cluster *old = NULL;
    if (nt_cluster_set_add(x->set, c, &old) < 0) {
        nt_pos first = nt_cluster_pos(old, NT_AT_NAME);
        nt_diag_addc(x->diag, NT_SEV_ERROR, NT_RULE_DUPLICATE_NAME, nt_cluster_pos(c, NT_AT_NAME),
                     c->name, "cluster '%s' is declared twice; first declared at %s:%u:%u", c->name,
                     first.file ? first.file : "?", first.line, first.col);
        nt_cluster_free(c);
    }
}

static void load_native_entry(ctx *x, const node *m)
{
    nt_cluster *c = nt_cluster_new_loaded();
    nt_cluster_set_pos(c, NT_AT_ENTRY, m->pos);
    const node *nn = map_get(m, "name");
    char *name = NULL;
    if (nn && get_str(x, nn, "name", NULL, &name) == 0 && name) {
        c->name = name;
        nt_cluster_set_pos(c, NT_AT_NAME, nn->pos);
    } else {
        free(name);
    }
    load_fields(x, c, m, STYLE_NATIVE);
    if (!c->name) {
        if (!nn || is_null(nn))
            err(x, m->pos, NULL, "this cluster entry has no 'name'");
        nt_cluster_free(c);
        return;
    }
    add_cluster(x, c);
}

/* Whether the file's errors reached LOAD_MAX_ERRORS: what follows is then not loaded (a
 * hostile file of millions of bad entries costs no more than ten thousand messages). */
static bool stop_loading(ctx *x)
{
    if (x->diag->n_errors >= LOAD_MAX_ERRORS)
        x->stopped = true;
    return x->stopped;
}

static void native_entry(ctx *x, const node *e)
{
    if (stop_loading(x))
        return;
    if (expect(x, e, N_MAP, "a cluster entry", NULL))
        load_native_entry(x, e);
}

static void load_native(ctx *x, const node *root)
{
    static const char *const keys[] = {"clusters"};
    check_keys(x, root, NULL, NULL);
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const node *k = root->kids[i], *v = root->kids[i + 1];
        if (k->t != N_SCALAR)
            continue;
        if (strcmp(k->s, "clusters")) {
            unknown_key(x, k,
                        "the top level (expected 'clusters:' or a 'kind: Cluster' "
                        "document)",
                        keys, 1, NULL);
            continue;
        }
        /* the entries parse_stream did not already load (all of them, unless streamed) */
        if (expect(x, v, N_SEQ, "clusters", NULL))
            for (size_t j = 0; j < v->n; j++)
                native_entry(x, v->kids[j]);
    }
}

/* A `kind: Cluster` document: the Go CLI's format, or (NT_LOAD_RESOURCE) a Cluster file
 * written by the API Server. */
static void load_document(ctx *x, const node *root)
{
    static const char *const keys[] = {"apiVersion", "kind", "metadata", "spec", "status"};
    bool resource = (x->flags & NT_LOAD_RESOURCE) != 0;
    const node *kind = map_get(root, "kind");
    if (resource && (!kind || kind->t != N_SCALAR || strcmp(kind->s, "Cluster")))
        return; /* kustomization.yaml and other kinds live beside Cluster files */
    check_keys(x, root, NULL, NULL);
    if (!kind) {
        err(x, root->pos, NULL, "this document has no 'kind'; expected 'kind: Cluster'");
        return;
    }
    if (kind->t != N_SCALAR || strcmp(kind->s, "Cluster")) {
        if (kind->t == N_SCALAR)
            err(x, kind->pos, NULL,
                "kind '%s' is not supported; only 'kind: Cluster' documents "
                "are read",
                kind->s);
        else
            expect(x, kind, N_SCALAR, "kind", NULL);
        return;
    }
    const node *api = map_get(root, "apiVersion");
    if (!api)
        err(x, root->pos, NULL, "this document has no 'apiVersion'; expected 'apiVersion: %s'",
            API_VERSION);
    else if (api->t != N_SCALAR || strcmp(api->s, API_VERSION))
        err(x, api->pos, NULL, "apiVersion must be '%s'", API_VERSION);

    const node *meta = map_get(root, "metadata"), *spec = map_get(root, "spec");
    nt_cluster *c = nt_cluster_new_loaded();
    nt_cluster_set_pos(c, NT_AT_ENTRY, root->pos);
    const node *name_node = NULL;
    char *spec_name = NULL, *meta_name = NULL;
    if (spec && spec->t == N_MAP) {
        const node *n = map_get(spec, "name");
        if (n && get_str(x, n, "spec.name", NULL, &spec_name) == 0 && spec_name)
            name_node = n;
    }
    if (meta && !is_null(meta) && expect(x, meta, N_MAP, "metadata", NULL)) {
        check_keys(x, meta, NULL, NULL);
        const node *n = map_get(meta, "name");
        if (n && get_str(x, n, "metadata.name", NULL, &meta_name) == 0 && meta_name && !name_node)
            name_node = n;
    }
    if (spec_name && meta_name && strcmp(spec_name, meta_name))
        err(x, name_node->pos, spec_name, "spec.name '%s' and metadata.name '%s' differ", spec_name,
            meta_name);
    c->name = spec_name ? spec_name : meta_name;
    if (spec_name)
        free(meta_name);
    if (c->name)
        nt_cluster_set_pos(c, NT_AT_NAME, name_node->pos);

    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const node *k = root->kids[i];
        if (k->t == N_SCALAR && strcmp(k->s, "apiVersion") && strcmp(k->s, "kind") &&
            strcmp(k->s, "metadata") && strcmp(k->s, "spec") && strcmp(k->s, "status"))
            unknown_key(x, k, "a Cluster document", keys, 5, c->name);
    }
    if (!spec)
        err(x, root->pos, c->name, "this Cluster document has no 'spec'");
    else if (expect(x, spec, N_MAP, "spec", c->name))
        load_fields(x, c, spec, STYLE_CAMEL);
    if (!c->name) {
        err(x, spec && spec->t == N_MAP ? spec->pos : root->pos, NULL,
            "this Cluster document has no name (spec.name or metadata.name)");
        nt_cluster_free(c);
        return;
    }
    add_cluster(x, c);
}

static bool looks_like_document(const node *root)
{
    return map_get(root, "kind") || map_get(root, "apiVersion") || map_get(root, "spec") ||
           map_get(root, "metadata");
}

/* Load one document's root (what parse_stream has not already streamed of it). */
static void load_root(ctx *x, const node *root)
{
    if (is_null(root) || stop_loading(x))
        return;
    x->nonempty++;
    if (root->t != N_MAP) {
        if (root->t != N_ALIAS)
            err(x, root->pos, NULL,
                "expected a mapping ('clusters:' or a 'kind: Cluster' document), found %s",
                type_name(root));
    } else if (looks_like_document(root)) {
        load_document(x, root);
    } else {
        load_native(x, root);
    }
}

static int load_data(nt_cluster_set *set, const char *name, const char *data, size_t len,
                     unsigned flags, nt_diag *diag)
{
    size_t errors_before = diag->n_errors, set_before = set->n;
    nt_diag found = NT_DIAG_INIT;
    ctx x = {.set = set,
             .file = nt_cluster_set_intern(set, name),
             .flags = flags,
             .diag = &found,
             .parse = diag,
             .subs = NT_BUF_SECRET_INIT}; /* the values of ${VAR}s: tokens, kubeconfigs */

    if (len > NT_LOAD_MAX_FILE) {
        err(&x, file_pos(x.file), NULL, "the file is larger than the 64 MiB limit");
        goto done;
    }
    if (parse_stream(&x, data, len) < 0) {
        /* invalid YAML: the parser's message alone, as if nothing had been read */
        nt_diag_free(&found);
        nt_cluster_set_truncate(set, set_before);
        nt_wipe_buf_free(&x.subs);
    } else if (x.stopped) {
        err(&x, file_pos(x.file), NULL,
            "stopped after %u errors: the rest of the file was not read (fix these first)",
            LOAD_MAX_ERRORS);
    } else if (x.nonempty == 0) {
        err(&x, file_pos(x.file), NULL,
            "no clusters declared: the file is empty (write 'clusters:' and a list of "
            "entries)");
    }
    /* The input hash covers the raw bytes and then every substituted value (each followed by
     * a NUL): it changes when the file or anything it pulled from the environment changes. */
    char sha[65];
    nt_sha256_hex2(data, len, x.subs.data, x.subs.len, sha); /* no joined copy of the secrets */
    nt_cluster_set_add_input(set, x.file, sha);
done:
    nt_diag_move(diag, &found);
    nt_wipe_buf_free(&x.subs);
    return diag->n_errors > errors_before ? -1 : 0;
}

int nt_load_buffer(nt_cluster_set *set, const char *name, const char *data, size_t len,
                   unsigned flags, nt_diag *diag)
{
    return load_data(set, name, data ? data : "", data ? len : 0, flags, diag);
}

static int load_file(nt_cluster_set *set, const char *path, unsigned flags, nt_diag *diag)
{
    nt_buf b = NT_BUF_SECRET_INIT; /* an inline `kubeconfig: |` is a secret: wiped when freed */
    if (nt_buf_read_file(&b, path, NT_LOAD_MAX_FILE) < 0) {
        int e = errno;
        nt_buf_free(&b);
        return nt_diag_add(diag, NT_SEV_ERROR, file_pos(path), NULL, "cannot read: %s",
                           read_error(e));
    }
    int rc = load_data(set, path, b.data, b.len, flags, diag);
    nt_buf_free(&b);
    return rc;
}

static bool has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(nt_cluster_set *set, const char *path, unsigned flags, nt_diag *diag)
{
    DIR *d = opendir(path);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (!d)
        return nt_diag_add(diag, NT_SEV_ERROR, file_pos(path), NULL, "cannot read: %s",
                           strerror(errno));
    size_t pl = strlen(path);
    bool slash = pl && path[pl - 1] == '/';
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !has_yaml_suffix(de->d_name))
            continue;
        nt_buf full = NT_BUF_INIT;
        nt_buf_addf(&full, "%s%s%s", path, slash ? "" : "/", de->d_name);
        struct stat st;
        if (stat(nt_buf_str(&full), &st) == 0 && S_ISDIR(st.st_mode)) {
            nt_buf_free(&full);
            continue;
        }
        NT_GROW(names, cap, n + 1);
        names[n++] = nt_buf_detach(&full);
    }
    closedir(d);
    if (n == 0) {
        rc = nt_diag_add(diag, NT_SEV_ERROR, file_pos(path), NULL,
                         "the directory holds no *.yaml or *.yml file");
    } else {
        qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++)
            if (load_file(set, names[i], flags, diag) < 0)
                rc = -1;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int nt_load_paths(nt_cluster_set **out, const char *const *paths, size_t n, unsigned flags,
                  nt_diag *diag)
{
    nt_cluster_set *set = nt_cluster_set_new();
    size_t errors_before = diag->n_errors;
    *out = set;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            load_dir(set, paths[i], flags, diag);
        else
            load_file(set, paths[i], flags, diag);
    }
    return diag->n_errors > errors_before ? -1 : 0;
}
