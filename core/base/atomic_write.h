/* atomic_write.h — the one way nautes replaces a file it produces: a saved plan, a JUnit
 * report, an imported clusters.yaml, a file of the tenant repository.
 *
 * The bytes go to a new temporary file in the destination's own directory (mkstemp: a fresh
 * name, never a link someone prepared), are flushed to disk (fsync), get their mode, and the
 * temporary file is renamed over the destination (and the directory flushed). Readers see the
 * old file or the new one, never a part: a full disk, a write error or a crash leaves the
 * previous file exactly as it was, and the temporary file is removed on every failure.
 *
 * The destination must be a regular file or not exist yet: a directory, a device, a FIFO or a
 * socket is refused (a rename would replace the device node itself, and a write into it is
 * not a file). A symbolic link is followed: its target is replaced and the link stays (a link
 * to nothing is refused). */
#ifndef NT_ATOMIC_WRITE_H
#define NT_ATOMIC_WRITE_H

#include "core/base/diag.h"

#include <stddef.h>

enum {
    /* fail when the destination exists, even if it appears while writing (link(2), not
     * rename(2), puts the file in place) */
    NT_WRITE_NO_CLOBBER = 1u << 0,
    /* leave a destination that already holds exactly these bytes alone (returns 1) */
    NT_WRITE_IF_CHANGED = 1u << 1,
    /* no fsync: files that are committed to git right after (git does not fsync either) */
    NT_WRITE_NO_SYNC = 1u << 2,
};

/* Write len bytes of data to path with mode `mode` (exactly: the umask does not apply),
 * replacing it atomically. `what` names the file in messages ("the JUnit report"; NULL: the
 * path alone). Returns 0 when written, 1 when left alone (NT_WRITE_IF_CHANGED), -1 with one
 * error in diag ("cannot write the JUnit report r.xml: No space left on device") and errno
 * set (EEXIST for NT_WRITE_NO_CLOBBER, EISDIR / EINVAL for a destination that is not a
 * regular file). */
int nt_write_atomic(const char *path, const void *data, size_t len, unsigned mode, unsigned flags,
                    const char *what, nt_diag *diag);

/* Is path something nt_write_atomic would refuse to replace? Returns 0 when it does not
 * exist or is a regular file (through links), -1 with the same error otherwise. For a check
 * before the work starts (plan --out before any request). */
int nt_write_atomic_check(const char *path, const char *what, nt_diag *diag);

#endif
