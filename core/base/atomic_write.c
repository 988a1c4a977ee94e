/* atomic_write.c — replace a file all at once (atomic_write.h). */
#include "core/base/atomic_write.h"

#include "core/base/alloc.h"
#include "core/base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(nt_diag *diag, const char *what, const char *path, int err, const char *why)
{
    nt_diag_error(diag, "cannot write %s%s%s: %s", what ? what : "", what ? " " : "", path,
                  why ? why : strerror(err));
    errno = err;
    return -1;
}

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "it is a directory, not a regular file";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "it is a device, not a regular file";
    if (S_ISFIFO(m))
        return "it is a named pipe, not a regular file";
    if (S_ISSOCK(m))
        return "it is a socket, not a regular file";
    return "it is not a regular file";
}

/* Where the bytes go: path itself, or the file a symbolic link at path names. Sets *exists.
 * Returns the target (free it), or NULL after an error. */
static char *target_of(const char *path, const char *what, bool *exists, nt_diag *diag)
{
    struct stat ls, st;
    *exists = false;
    if (!*path) {
        fail(diag, what, "''", ENOENT, "no file name given");
        return NULL;
    }
    if (lstat(path, &ls) < 0) {
        if (errno == ENOENT)
            return nt_xstrdup(path);
        fail(diag, what, path, errno, NULL);
        return NULL;
    }
    if (!S_ISLNK(ls.st_mode)) {
        if (!S_ISREG(ls.st_mode)) {
            fail(diag, what, path, S_ISDIR(ls.st_mode) ? EISDIR : EINVAL, kind_of(ls.st_mode));
            return NULL;
        }
        *exists = true;
        return nt_xstrdup(path);
    }
    if (stat(path, &st) < 0) {
        fail(diag, what, path, EINVAL,
             errno == ENOENT ? "it is a symbolic link to nothing" : strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        fail(diag, what, path, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, kind_of(st.st_mode));
        return NULL;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        fail(diag, what, path, errno, NULL);
        return NULL;
    }
    *exists = true;
    return real;
}

int nt_write_atomic_check(const char *path, const char *what, nt_diag *diag)
{
    bool exists;
    char *t = target_of(path, what, &exists, diag);
    free(t);
    return t ? 0 : -1;
}

static bool holds_exactly(const char *path, const void *data, size_t len)
{
    nt_buf old = NT_BUF_INIT;
    bool same = nt_buf_read_file(&old, path, len + 1) == 0 && old.len == len &&
                (len == 0 || memcmp(old.data, data, len) == 0);
    nt_buf_free(&old);
    return same;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        if (w == 0) {
            errno = ENOSPC;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Flush the directory entry of a rename to disk; best effort (some file systems refuse an
 * fsync of a directory, and the file itself is already complete). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int nt_write_atomic(const char *path, const void *data, size_t len, unsigned mode, unsigned flags,
                    const char *what, nt_diag *diag)
{
    int rc = -1, fd = -1, err = 0;
    bool exists;
    nt_buf tmp = NT_BUF_INIT;
    char *target = target_of(path, what, &exists, diag);
    char *dcopy = NULL, *bcopy = NULL;
    if (!target)
        return -1;
    if (exists && (flags & NT_WRITE_NO_CLOBBER)) {
        fail(diag, what, path, EEXIST, "it already exists");
        goto done;
    }
    if (exists && (flags & NT_WRITE_IF_CHANGED) && holds_exactly(target, data, len)) {
        rc = 1;
        goto done;
    }
    dcopy = nt_xstrdup(target);
    bcopy = nt_xstrdup(target);
    const char *dir = dirname(dcopy);
    nt_buf_addf(&tmp, "%s/.%s.tmp-XXXXXX", dir, basename(bcopy));
    fd = mkstemp(tmp.data);
    if (fd < 0) {
        err = errno;
        nt_buf_reset(&tmp);
        fail(diag, what, path, err, NULL);
        goto done;
    }
    if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, data, len) < 0 ||
        (!(flags & NT_WRITE_NO_SYNC) && fsync(fd) < 0)) {
        fail(diag, what, path, errno, NULL);
        goto done;
    }
    int c = close(fd);
    fd = -1;
    if (c < 0) {
        fail(diag, what, path, errno, NULL);
        goto done;
    }
    if (flags & NT_WRITE_NO_CLOBBER) {
        struct stat st;
        int moved = link(nt_buf_str(&tmp), target);
        err = errno;
        if (moved < 0 && err != EEXIST && lstat(target, &st) < 0 && errno == ENOENT)
            moved = rename(nt_buf_str(&tmp), target); /* a file system without hard links */
        else if (moved < 0)
            errno = err;
        if (moved < 0) {
            fail(diag, what, path, errno, errno == EEXIST ? "it already exists" : NULL);
            goto done;
        }
    } else if (rename(nt_buf_str(&tmp), target) < 0) {
        fail(diag, what, path, errno, NULL);
        goto done;
    } else {
        nt_buf_reset(&tmp); /* renamed: nothing to remove */
    }
    if (!(flags & NT_WRITE_NO_SYNC))
        sync_dir(dir);
    rc = 0;
done:
    err = errno;
    if (fd >= 0)
        close(fd);
    if (tmp.len)
        unlink(nt_buf_str(&tmp)); /* a failure, or the name left after link(2) */
    nt_buf_free(&tmp);
    free(dcopy);
    free(bcopy);
    free(target);
    errno = err;
    return rc;
}
