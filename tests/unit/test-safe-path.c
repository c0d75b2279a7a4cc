/*
 * Paths beneath a root: the checks on paths a persona names, and opening beneath a root directory,
 * which must refuse "..", absolute symlinks and symlinks planted inside the tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "safe-path.h"
#include "zion-error.h"
#include "zion-test.h"

static void test_problems(void)
{
	g_assert_null(zion_path_problem("/etc/motd"));
	g_assert_null(zion_path_problem("/home/me/.config/foot/foot.ini"));
	g_assert_null(zion_path_problem("/devices")); /* only /dev itself is virtual */
	g_assert_cmpstr(zion_path_problem("etc/motd"), ==,
			"must be an absolute path (starting with /)");
	g_assert_cmpstr(zion_path_problem("/"), ==, "must name a file, not the root directory");
	g_assert_cmpstr(zion_path_problem("/etc/"), ==, "must not end with /");
	g_assert_cmpstr(zion_path_problem("//etc/motd"), ==,
			"must not contain an empty component (//)");
	g_assert_cmpstr(zion_path_problem("/etc/../root/.ssh"), ==,
			"must not contain . or .. components");
	g_assert_cmpstr(zion_path_problem("/./etc"), ==, "must not contain . or .. components");
	g_assert_cmpstr(zion_path_problem("/etc/mo\ntd"), ==,
			"must not contain control characters");
	g_assert_cmpstr(zion_path_problem("/proc/self/root/etc/shadow"), ==,
			"must not be under /proc, /sys or /dev, which are not part of the root "
			"file system");
	g_assert_nonnull(zion_path_problem("/sys"));
	g_assert_nonnull(zion_path_problem("/dev/sda"));
}

static int open_root(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	return fd;
}

static void test_open_beneath_creates_parents(void)
{
	const char *root = zt_temp_dir();
	int root_fd = open_root(root);
	g_autoptr(GError) error = NULL;
	int fd = zion_path_open_beneath(root_fd, "/etc/profile.d/zion.sh",
					O_WRONLY | O_CREAT | O_TRUNC, 0600, TRUE, &error);
	g_assert_no_error(error);
	g_assert_cmpint(write(fd, "x", 1), ==, 1);
	close(fd);
	g_autofree char *made = g_build_filename(root, "etc", "profile.d", "zion.sh", NULL);
	g_assert_true(g_file_test(made, G_FILE_TEST_IS_REGULAR));
	close(root_fd);
}

static void assert_refused(int root_fd, const char *path, int code)
{
	g_autoptr(GError) error = NULL;
	int fd = zion_path_open_beneath(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, TRUE,
					&error);
	g_assert_cmpint(fd, ==, -1);
	g_assert_error(error, ZION_ERROR, code);
}

/* Symlinks in the tree (from the base image or planted by an earlier step) never lead outside. */
static void test_symlinks_refused(void)
{
	const char *outside = zt_temp_dir();
	const char *root = zt_temp_dir();
	g_autofree char *target = g_build_filename(outside, "victim", NULL);
	g_assert_true(g_file_set_contents(target, "untouched", -1, NULL));

	g_autofree char *absolute = g_build_filename(root, "abs", NULL);
	g_autofree char *relative = g_build_filename(root, "rel", NULL);
	g_autofree char *dir_link = g_build_filename(root, "etc", NULL);
	g_assert_cmpint(symlink(target, absolute), ==, 0);
	g_assert_cmpint(symlink("../../../../../../../../../..", relative), ==, 0);
	g_assert_cmpint(symlink(outside, dir_link), ==, 0);

	int root_fd = open_root(root);
	assert_refused(root_fd, "/abs", ZION_ERROR_INVALID);
	assert_refused(root_fd, "/rel/tmp/x", ZION_ERROR_INVALID);
	assert_refused(root_fd, "/etc/victim", ZION_ERROR_INVALID);
	assert_refused(root_fd, "/etc/new/file", ZION_ERROR_INVALID);
	assert_refused(root_fd, "/../victim", ZION_ERROR_INVALID);
	close(root_fd);

	g_autofree char *contents = NULL;
	g_assert_true(g_file_get_contents(target, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "untouched");
	g_autofree char *planted = g_build_filename(outside, "new", NULL);
	g_assert_false(g_file_test(planted, G_FILE_TEST_EXISTS));
}

/* A hard link planted inside the root to a file outside is not written through, nor truncated. */
static void test_hard_links_refused(void)
{
	const char *outside = zt_temp_dir();
	const char *root = zt_temp_dir();
	g_autofree char *target = g_build_filename(outside, "victim", NULL);
	g_autofree char *inside = g_build_filename(root, "motd", NULL);
	g_assert_true(g_file_set_contents(target, "untouched", -1, NULL));
	g_assert_cmpint(link(target, inside), ==, 0);

	int root_fd = open_root(root);
	assert_refused(root_fd, "/motd", ZION_ERROR_INVALID);
	g_autoptr(GError) error = NULL;
	int fd = zion_path_open_beneath(root_fd, "/motd", O_RDONLY, 0, FALSE, &error);
	g_assert_no_error(error);
	close(fd);
	close(root_fd);

	g_autofree char *contents = NULL;
	g_assert_true(g_file_get_contents(target, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, "untouched");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/safe-path/problems", test_problems);
	g_test_add_func("/safe-path/open-beneath-creates-parents",
			test_open_beneath_creates_parents);
	g_test_add_func("/safe-path/symlinks-refused", test_symlinks_refused);
	g_test_add_func("/safe-path/hard-links-refused", test_hard_links_refused);
	return g_test_run();
}
