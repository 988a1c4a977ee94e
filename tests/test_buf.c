/* Tests of core/base/buf.c: the one string builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/base/buf.h"

#include <stdlib.h>
#include <string.h>

static void test_an_empty_buffer_reads_as_the_empty_string(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    assert_string_equal(nt_buf_str(&b), "");
    assert_int_equal(b.len, 0);
    nt_buf_free(&b);
    nt_buf_free(NULL);
}

static void test_appends_strings_characters_and_formats(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, "cluster");
    nt_buf_addc(&b, '-');
    nt_buf_addf(&b, "%s:%d", "host", 6443);
    assert_string_equal(nt_buf_str(&b), "cluster-host:6443");
    assert_int_equal(b.len, strlen("cluster-host:6443"));
    nt_buf_free(&b);
}

static void test_grows_to_hold_a_megabyte(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    for (int i = 0; i < 1024 * 1024; i++)
        nt_buf_addc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 1024 * 1024);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(b.data[27], 'b');
    nt_buf_addf(&b, "%0*d", 5000, 7);
    assert_int_equal(b.len, 1024 * 1024 + 5000);
    nt_buf_free(&b);
}

static void test_appending_doubles_the_capacity(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    size_t grew = 0, cap = 0;
    for (int i = 0; i < 100000; i++) {
        nt_buf_addc(&b, 'x');
        if (b.cap != cap) {
            assert_true(b.cap >= 2 * cap); /* never a step smaller than doubling */
            cap = b.cap;
            grew++;
        }
    }
    assert_int_equal(b.cap, 131072); /* 64, 128, ..., 2^17: room for 100,000 and the NUL */
    assert_int_equal(grew, 12);
    assert_int_equal(b.data[99999], 'x');
    nt_buf_free(&b);
    /* the capacity rule itself */
    assert_int_equal(nt_grow_cap(0, 1, 8), 8);
    assert_int_equal(nt_grow_cap(8, 9, 8), 16);
    assert_int_equal(nt_grow_cap(16, 16, 8), 16);
    assert_int_equal(nt_grow_cap(0, 1000, 64), 1024);
    assert_int_equal(nt_grow_cap(0, 5, 0), 8); /* no first size: from 1, not a loop on 0 */
}

static void test_binary_data_keeps_its_nul_bytes(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_buf_add(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    nt_buf_free(&b);
}

static void test_reset_and_truncate_keep_the_memory(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, "abcdef");
    char *mem = b.data;
    nt_buf_truncate(&b, 3);
    assert_string_equal(nt_buf_str(&b), "abc");
    nt_buf_truncate(&b, 10); /* longer than the content: no change */
    assert_string_equal(nt_buf_str(&b), "abc");
    nt_buf_reset(&b);
    assert_string_equal(nt_buf_str(&b), "");
    assert_ptr_equal(b.data, mem);
    nt_buf_free(&b);
}

static void test_detach_hands_over_the_string_and_empties_the_buffer(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    char *empty = nt_buf_detach(&b);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    free(empty);
    nt_buf_adds(&b, "kept");
    char *s = nt_buf_detach(&b);
    assert_string_equal(s, "kept");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    nt_buf_free(&b);
}

static void test_reading_a_file_appends_it_whole_and_says_why_it_cannot(void **state)
{
    (void)state;
    char path[] = "/tmp/nt-buf-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc\ndef", 7), 7);
    close(fd);
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, ">");
    assert_int_equal(nt_buf_read_file(&b, path, 0), 0);
    assert_string_equal(nt_buf_str(&b), ">abc\ndef");
    nt_buf_reset(&b);
    errno = 0;
    assert_int_equal(nt_buf_read_file(&b, path, 3), -1);
    assert_int_equal(errno, EFBIG);
    unlink(path);
    errno = 0;
    assert_int_equal(nt_buf_read_file(&b, path, 0), -1);
    assert_int_equal(errno, ENOENT);
    nt_buf_free(&b);
}

static void test_reading_leaves_the_buffer_as_it_was_when_it_fails(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, "kept");
    errno = 0;
    assert_int_equal(nt_buf_read_file(&b, "/tmp", 0), -1);
    assert_int_equal(errno, EISDIR);
    assert_string_equal(nt_buf_str(&b), "kept");
    /* a pipe has no size to check first: the limit is found while reading */
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "0123456789", 10), 10);
    close(p[1]);
    errno = 0;
    assert_int_equal(nt_buf_read_fd(&b, p[0], 4), -1);
    assert_int_equal(errno, EFBIG);
    assert_string_equal(nt_buf_str(&b), "kept");
    close(p[0]);
    nt_buf_free(&b);
}

/* The read end of a pipe a child process writes data to (then exits); wait() for it after. */
static int pipe_from_child(const char *data, size_t n)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    if (fork() == 0) {
        close(p[0]);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(p[1], data + off, n - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    return p[0];
}

static void test_reading_a_pipe_or_an_empty_file_gives_all_of_it(void **state)
{
    (void)state;
    char big[100000];
    memset(big, 'x', sizeof(big));
    int fd = pipe_from_child(big, sizeof(big));
    nt_buf b = NT_BUF_INIT;
    assert_int_equal(nt_buf_read_fd(&b, fd, 0), 0);
    close(fd);
    wait(NULL);
    assert_int_equal(b.len, sizeof(big));
    assert_memory_equal(b.data, big, sizeof(big));
    assert_int_equal(b.data[b.len], 0);
    nt_buf_free(&b);
    assert_int_equal(nt_buf_read_file(&b, "/dev/null", 0), 0);
    assert_non_null(b.data);
    assert_string_equal(nt_buf_str(&b), "");
    nt_buf_free(&b);
}

/* test_buf sees each block a secret buffer gives up, after its wipe and before its free */
static size_t g_released, g_released_dirty;

static void on_release(const void *p, size_t n)
{
    const unsigned char *c = p;
    g_released++;
    for (size_t i = 0; i < n; i++)
        g_released_dirty += c[i] != 0;
}

static void test_a_secret_buffer_leaves_no_byte_behind_as_it_grows(void **state)
{
    (void)state;
    nt_buf_test_on_release = on_release;
    g_released = g_released_dirty = 0;
    nt_buf b = NT_BUF_SECRET_INIT;
    char *before = NULL;
    size_t moves = 0;
    for (int i = 0; i < 2000; i++) { /* a kubeconfig substituted line by line */
        nt_buf_addf(&b, "token-%04d\n", i);
        if (b.data != before)
            moves++;
        before = b.data;
    }
    assert_int_equal(b.len, 2000 * 11);
    assert_memory_equal(b.data, "token-0000\ntoken-0001\n", 22);
    assert_memory_equal(b.data + b.len - 11, "token-1999\n", 11);
    /* every block it outgrew was given up wiped: none is freed with the secret in it */
    assert_true(moves > 5);
    assert_int_equal(g_released, moves - 1);
    assert_int_equal(g_released_dirty, 0);

    /* what truncate drops is wiped; the rest stays */
    nt_buf_truncate(&b, 11);
    assert_string_equal(nt_buf_str(&b), "token-0000\n");
    for (size_t i = 12; i < 2000 * 11; i++)
        if (b.data[i])
            fail_msg("byte %zu after the truncation is not wiped", i);
    nt_buf_reset(&b);
    assert_memory_equal(b.data, "\0\0\0\0\0\0\0\0\0\0\0", 11);

    /* reserve moves it too, and free gives the last block up wiped */
    nt_buf_adds(&b, "secret");
    size_t n = g_released;
    nt_buf_reserve(&b, b.cap * 4);
    assert_int_equal(g_released, n + 1);
    assert_string_equal(nt_buf_str(&b), "secret");
    nt_buf_free(&b);
    assert_int_equal(g_released, n + 2);
    assert_int_equal(g_released_dirty, 0);
    assert_null(b.data);
    assert_true(b.secret); /* still a secret buffer, ready to be used again */

    /* a plain buffer is not watched (it grows by realloc) */
    nt_buf plain = NT_BUF_INIT;
    n = g_released;
    for (int i = 0; i < 2000; i++)
        nt_buf_addf(&plain, "line-%04d\n", i);
    nt_buf_free(&plain);
    assert_int_equal(g_released, n);
    nt_buf_test_on_release = NULL;
}

/* A secret read through a pipe grows as it is read: none of it is left behind either. */
static void test_a_secret_read_from_a_pipe_leaves_no_byte_behind(void **state)
{
    (void)state;
    static char big[300000];
    memset(big, 'k', sizeof(big));
    int fd = pipe_from_child(big, sizeof(big));
    nt_buf_test_on_release = on_release;
    g_released = g_released_dirty = 0;
    nt_buf b = NT_BUF_SECRET_INIT;
    assert_int_equal(nt_buf_read_fd(&b, fd, 0), 0);
    close(fd);
    wait(NULL);
    assert_int_equal(b.len, sizeof(big));
    assert_memory_equal(b.data, big, sizeof(big));
    assert_true(g_released >= 2); /* 64 KiB, doubled at least twice */
    nt_buf_free(&b);
    assert_int_equal(g_released_dirty, 0);
    nt_buf_test_on_release = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reading_a_file_appends_it_whole_and_says_why_it_cannot),
        cmocka_unit_test(test_reading_leaves_the_buffer_as_it_was_when_it_fails),
        cmocka_unit_test(test_reading_a_pipe_or_an_empty_file_gives_all_of_it),
        cmocka_unit_test(test_an_empty_buffer_reads_as_the_empty_string),
        cmocka_unit_test(test_appends_strings_characters_and_formats),
        cmocka_unit_test(test_grows_to_hold_a_megabyte),
        cmocka_unit_test(test_appending_doubles_the_capacity),
        cmocka_unit_test(test_binary_data_keeps_its_nul_bytes),
        cmocka_unit_test(test_reset_and_truncate_keep_the_memory),
        cmocka_unit_test(test_detach_hands_over_the_string_and_empties_the_buffer),
        cmocka_unit_test(test_a_secret_buffer_leaves_no_byte_behind_as_it_grows),
        cmocka_unit_test(test_a_secret_read_from_a_pipe_leaves_no_byte_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
