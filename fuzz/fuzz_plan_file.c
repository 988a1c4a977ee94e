/* fuzz_plan_file.c — the saved-plan reader (core/plan/plan_file.c). A saved plan may come from
 * anywhere (a CI artifact): nt_plan_file_read takes a path, so the input is written to a
 * memfd and read through /proc/self/fd/N. A plan that reads back is rendered (text,
 * JSON, summary, JUnit) and its options taken, as `nautes show` / `nautes apply PLAN` do. */
#include "core/plan/plan_file.h"
#include "core/render/render.h"
#include "core/render/render_junit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-plan", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return 0;
        }
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    nt_plan *plan = NULL;
    nt_diag diag = NT_DIAG_INIT;
    if (nt_plan_file_read(path, &plan, &diag) == 0 && plan) {
        nt_plan_opts opts;
        nt_plan_file_opts(plan, &opts);
        /* what `nautes show` (text, verbose, JSON) and `apply --junit` print from it */
        nt_buf out = NT_BUF_INIT;
        nt_render_opts ro = {.color = false, .verbose = true};
        nt_render_text(plan, &ro, &out);
        nt_buf_reset(&out);
        nt_render_json(plan, false, &out);
        nt_buf_reset(&out);
        nt_render_json(plan, true, &out);
        nt_buf_reset(&out);
        nt_render_summary(plan, &out);
        nt_buf_reset(&out);
        nt_render_junit(plan, &diag, &out);
        nt_buf_free(&out);
    }
    nt_plan_free(plan);
    nt_diag_free(&diag);
    close(fd);
    return 0;
}
