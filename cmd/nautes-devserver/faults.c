/* faults.c — `--fault SPEC`: injected failures for tests (docs/architecture.md §9). */
#include "devserver.h"

#include "core/base/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char ds_fault_help[] =
    "Fault SPEC: comma-separated words, one or more actions and optional filters:\n"
    "  status=CODE      answer CODE instead of doing the work; 500 gets the real server's\n"
    "                   JSON error body, other codes a plain-text body as an ingress sends\n"
    "  message=TEXT     the message of a status=500 answer (no commas)\n"
    "  echo             the status answer's message quotes the request body, as a server or\n"
    "                   proxy that repeats the request in its error does\n"
    "  location=URL     add `Location: URL` to a status answer (status=301: a redirect)\n"
    "  retry-after=S    add `Retry-After: S` to a status answer\n"
    "  delay=MS         wait MS milliseconds before the work (then answer normally)\n"
    "  drop             do the work, then close the connection halfway through the answer\n"
    "  collide          500 `failed to clone repository ...` when another request that\n"
    "                   started within the same second is still in flight (the real\n"
    "                   server clones into /tmp/product<unix-seconds>)\n"
    "  method=M         only requests with method M (GET, POST, DELETE)\n"
    "  path=GLOB        only request paths matching GLOB (fnmatch, e.g. /api/v1/clusters/*)\n"
    "  nth=N            only the Nth matching request (1-based)\n"
    "  share=P          a random share P (0 to 1) of the matching requests\n"
    "Without nth or share every matching request is hit. Faults are tried in the order\n"
    "given; the first that hits answers. Examples:\n"
    "  --fault status=503,nth=2,method=POST,path=/api/v1/clusters/*,retry-after=1\n"
    "  --fault status=429,share=0.1   --fault delay=2000,nth=1   --fault drop,nth=3\n"
    "  --fault collide\n";

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int ds_fault_parse(const char *spec, ds_fault *out, nt_buf *err)
{
    memset(out, 0, sizeof(*out));
    out->share = -1;
    out->retry_after = -1;
    out->spec = nt_xstrdup(spec);
    char *copy = nt_xstrdup(spec);
    int rc = -1;
    bool action = false;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(w, '=');
        const char *v = eq ? eq + 1 : NULL;
        if (eq)
            *eq = 0;
        long n;
        if (!strcmp(w, "drop") && !v) {
            out->drop = action = true;
        } else if (!strcmp(w, "collide") && !v) {
            out->collide = action = true;
        } else if (!strcmp(w, "echo") && !v) {
            out->echo = true;
        } else if (!v) {
            bool known = false;
            static const char *const keys[] = {"status", "delay",       "nth",
                                               "share",  "retry-after", "method",
                                               "path",   "message",     "location"};
            for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                known |= !strcmp(w, keys[i]);
            if (known)
                nt_buf_addf(err, "fault '%s': '%s' needs a value (%s=...)", spec, w, w);
            else
                nt_buf_addf(err, "fault '%s': unknown word '%s' (see --help)", spec, w);
            goto done;
        } else if (!strcmp(w, "status")) {
            if (parse_long(v, 100, 599, &n) < 0) {
                nt_buf_addf(err, "fault '%s': status must be an HTTP status (100-599)", spec);
                goto done;
            }
            out->status = (int)n;
            action = true;
        } else if (!strcmp(w, "delay")) {
            if (parse_long(v, 0, 600000, &out->delay_ms) < 0) {
                nt_buf_addf(err, "fault '%s': delay must be milliseconds (0-600000)", spec);
                goto done;
            }
            action = true;
        } else if (!strcmp(w, "nth")) {
            if (parse_long(v, 1, 1000000000, &out->nth) < 0) {
                nt_buf_addf(err, "fault '%s': nth must be a positive number", spec);
                goto done;
            }
        } else if (!strcmp(w, "share")) {
            char *end;
            double d = strtod(v, &end);
            if (end == v || *end || !(d >= 0 && d <= 1)) {
                nt_buf_addf(err, "fault '%s': share must be a number from 0 to 1", spec);
                goto done;
            }
            out->share = d;
        } else if (!strcmp(w, "retry-after")) {
            if (parse_long(v, 0, 86400, &out->retry_after) < 0) {
                nt_buf_addf(err, "fault '%s': retry-after must be seconds (0-86400)", spec);
                goto done;
            }
        } else if (!strcmp(w, "method")) {
            free(out->method);
            out->method = nt_xstrdup(v);
        } else if (!strcmp(w, "path")) {
            free(out->path);
            out->path = nt_xstrdup(v);
        } else if (!strcmp(w, "location")) {
            free(out->location);
            out->location = nt_xstrdup(v);
        } else if (!strcmp(w, "message")) {
            free(out->message);
            out->message = nt_xstrdup(v);
        } else {
            nt_buf_addf(err, "fault '%s': unknown word '%s' (see --help)", spec, w);
            goto done;
        }
    }
    if (!action) {
        nt_buf_addf(err, "fault '%s': no action (status=, delay=, drop or collide)", spec);
        goto done;
    }
    if ((out->echo || out->location) && !out->status) {
        nt_buf_addf(err, "fault '%s': echo and location= need status=", spec);
        goto done;
    }
    if (out->nth && out->share >= 0) {
        nt_buf_addf(err, "fault '%s': give nth or share, not both", spec);
        goto done;
    }
    rc = 0;
done:
    free(copy);
    if (rc < 0)
        ds_fault_free(out);
    return rc;
}

void ds_fault_free(ds_fault *f)
{
    if (!f)
        return;
    free(f->spec);
    free(f->method);
    free(f->path);
    free(f->message);
    free(f->location);
    memset(f, 0, sizeof(*f));
}
