/* Tests of core/base/atomic_write.c: a file is replaced all at once or not at all, never through a
 * device, a directory or a pipe, and a failure (a full disk) keeps the previous file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/atomic_write.h"
#include "tests/cluster_fixtures.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char *at(const char *rel)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s/%s", nt_fixture_root, rel);
    return nt_buf_detach(&b);
}

static void put(const char *rel, const char *text)
{
    char *p = at(rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

/* The number of entries of the scratch directory (no temporary file may be left). */
static int entries(void)
{
    DIR *d = opendir(nt_fixture_root);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static bool has_error(const nt_diag *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].sev == NT_SEV_ERROR && strstr(d->items[i].msg, needle))
            return true;
    return false;
}

static void test_a_new_file_gets_its_bytes_and_exactly_its_mode(void **state)
{
    (void)state;
    char *p = at("report.xml");
    nt_diag d = NT_DIAG_INIT;
    mode_t old = umask(077);
    assert_int_equal(nt_write_atomic(p, "<x/>\n", 5, 0644, 0, "the report", &d), 0);
    umask(old);
    char *got = nt_fixture_slurp("report.xml");
    assert_string_equal(got, "<x/>\n");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(nt_write_atomic(p, "", 0, 0600, 0, NULL, &d), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(entries(), 1);
    assert_int_equal(d.n, 0);
    free(got);
    free(p);
}

static void test_an_existing_file_is_replaced_by_rename_not_rewritten(void **state)
{
    (void)state;
    put("plan", "old contents\n");
    char *p = at("plan"), *link_path = at("old-link");
    assert_int_equal(link(p, link_path), 0); /* a second name of the old file */
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_write_atomic(p, "new\n", 4, 0600, 0, NULL, &d), 0);
    char *now = nt_fixture_slurp("plan"), *before = nt_fixture_slurp("old-link");
    assert_string_equal(now, "new\n");
    assert_string_equal(before, "old contents\n"); /* the old inode was never truncated */
    assert_int_equal(entries(), 2);
    free(now);
    free(before);
    free(p);
    free(link_path);
}

static void test_no_clobber_refuses_an_existing_file_and_keeps_it(void **state)
{
    (void)state;
    put("clusters.yaml", "hand edited\n");
    char *p = at("clusters.yaml");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_write_atomic(p, "x", 1, 0644, NT_WRITE_NO_CLOBBER, "the file", &d), -1);
    assert_int_equal(errno, EEXIST);
    assert_true(has_error(&d, "cannot write the file "));
    assert_true(has_error(&d, "it already exists"));
    char *got = nt_fixture_slurp("clusters.yaml");
    assert_string_equal(got, "hand edited\n");
    assert_int_equal(entries(), 1);
    free(got);
    nt_diag_free(&d);
    char *fresh = at("new.yaml");
    assert_int_equal(nt_write_atomic(fresh, "y", 1, 0644, NT_WRITE_NO_CLOBBER, NULL, &d), 0);
    assert_int_equal(entries(), 2); /* the temporary name is gone after link(2) */
    free(fresh);
    free(p);
}

static void test_if_changed_leaves_identical_contents_alone(void **state)
{
    (void)state;
    put("c.yaml", "same\n");
    char *p = at("c.yaml");
    struct stat a, b;
    assert_int_equal(stat(p, &a), 0);
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_write_atomic(p, "same\n", 5, 0644, NT_WRITE_IF_CHANGED, NULL, &d), 1);
    assert_int_equal(stat(p, &b), 0);
    assert_int_equal(a.st_ino, b.st_ino);
    assert_int_equal(nt_write_atomic(p, "same\nmore\n", 10, 0644, NT_WRITE_IF_CHANGED, NULL, &d),
                     0);
    char *got = nt_fixture_slurp("c.yaml");
    assert_string_equal(got, "same\nmore\n");
    assert_int_equal(d.n, 0);
    free(got);
    free(p);
}

static void test_a_directory_a_pipe_or_a_device_is_never_replaced(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    struct stat st;
    char *dir = at("adir"), *fifo = at("fifo"), *dev = at("null"), *to_fifo = at("to-fifo");
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(nt_write_atomic(dir, "x", 1, 0600, 0, "the plan", &d), -1);
    assert_int_equal(errno, EISDIR);
    assert_true(has_error(&d, "it is a directory, not a regular file"));
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(nt_write_atomic(fifo, "x", 1, 0600, 0, NULL, &d), -1);
    assert_true(has_error(&d, "it is a named pipe"));
    assert_int_equal(symlink("fifo", to_fifo), 0); /* followed, and still refused */
    assert_int_equal(nt_write_atomic(to_fifo, "x", 1, 0600, 0, NULL, &d), -1);
    assert_int_equal(lstat(to_fifo, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    /* a character device like /dev/null (mknod needs privileges the test may not have) */
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        assert_int_equal(nt_write_atomic(dev, "x", 1, 0600, 0, NULL, &d), -1);
        assert_true(has_error(&d, "it is a device, not a regular file"));
        assert_int_equal(nt_write_atomic_check(dev, NULL, &d), -1);
        assert_int_equal(stat(dev, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
    }
    assert_int_equal(nt_write_atomic_check(dir, NULL, &d), -1);
    nt_diag_free(&d);
    char *ok = at("fine.txt");
    assert_int_equal(nt_write_atomic_check(ok, NULL, &d), 0);
    assert_int_equal(d.n, 0);
    free(ok);
    free(dir);
    free(fifo);
    free(dev);
    free(to_fifo);
    nt_diag_free(&d);
}

static void test_a_symbolic_link_is_followed_and_kept(void **state)
{
    (void)state;
    put("real.xml", "old\n");
    char *link_path = at("report.xml"), *dangling = at("dangling.xml");
    assert_int_equal(symlink("real.xml", link_path), 0);
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_write_atomic(link_path, "new\n", 4, 0644, 0, NULL, &d), 0);
    struct stat st;
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *got = nt_fixture_slurp("real.xml");
    assert_string_equal(got, "new\n");
    assert_int_equal(symlink("nowhere/x.xml", dangling), 0);
    assert_int_equal(nt_write_atomic(dangling, "x", 1, 0644, 0, NULL, &d), -1);
    assert_true(has_error(&d, "a symbolic link to nothing"));
    assert_int_equal(entries(), 3);
    free(got);
    free(link_path);
    free(dangling);
    nt_diag_free(&d);
}

static void test_a_missing_directory_is_an_error_naming_the_file(void **state)
{
    (void)state;
    char *p = at("no/such/dir/plan");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_write_atomic(p, "x", 1, 0600, 0, "the plan", &d), -1);
    assert_int_equal(errno, ENOENT);
    assert_true(has_error(&d, "cannot write the plan "));
    assert_true(has_error(&d, "no/such/dir/plan: No such file or directory"));
    assert_int_equal(entries(), 0);
    nt_diag_free(&d);
    assert_int_equal(nt_write_atomic("", "x", 1, 0600, 0, NULL, &d), -1);
    nt_diag_free(&d);
    free(p);
}

/* A full disk: the file size limit makes write(2) fail part-way (EFBIG) as ENOSPC would. */
static void test_a_failed_write_keeps_the_previous_file_and_leaves_nothing(void **state)
{
    (void)state;
    put("report.xml", "<previous report/>\n");
    char *p = at("report.xml");
    size_t big = 64 * 1024;
    char *data = malloc(big);
    memset(data, 'x', big);
    struct rlimit old, small = {4096, 4096};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    nt_diag d = NT_DIAG_INIT;
    int rc = nt_write_atomic(p, data, big, 0644, 0, "the JUnit report", &d);
    int err = errno;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, -1);
    assert_int_equal(err, EFBIG);
    assert_true(has_error(&d, "cannot write the JUnit report "));
    char *got = nt_fixture_slurp("report.xml");
    assert_string_equal(got, "<previous report/>\n");
    assert_int_equal(entries(), 1);
    free(got);
    free(data);
    free(p);
    nt_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_new_file_gets_its_bytes_and_exactly_its_mode,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_an_existing_file_is_replaced_by_rename_not_rewritten,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_no_clobber_refuses_an_existing_file_and_keeps_it,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_if_changed_leaves_identical_contents_alone,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_directory_a_pipe_or_a_device_is_never_replaced,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_symbolic_link_is_followed_and_kept, nt_fixture_setup,
                                        nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_missing_directory_is_an_error_naming_the_file,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_failed_write_keeps_the_previous_file_and_leaves_nothing, nt_fixture_setup,
            nt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
