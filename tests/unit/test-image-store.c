/* The image store: busybox images built into a temporary state directory (relative applet links,
 * the host's busybox untouched, init, accounts), lookups of host and unknown names, listing,
 * deletion, leftovers of a crashed build; and a Debian image from mmdebstrap when
 * ZION_TEST_DEBIAN=1 (it downloads about 100 MB). */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-store.h"
#include "zion-error.h"
#include "zion-test.h"

static char *file_checksum(const char *path)
{
	g_autofree char *contents = NULL;
	gsize size;
	g_assert_true(g_file_get_contents(path, &contents, &size, NULL));
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)contents, size);
}

static char *read_text(const char *dir, const char *relative)
{
	g_autofree char *path = g_build_filename(dir, relative, NULL);
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

static void count_steps(const char *step, guint done, guint total, gpointer data)
{
	guint *calls = data;
	g_assert_cmpuint(done, <=, total);
	(*calls)++;
}

static gboolean skip_unless_root(void)
{
	if (geteuid() == 0)
		return FALSE;
	g_test_skip("needs root (file owners in the image)");
	return TRUE;
}

static void test_busybox(void)
{
	if (skip_unless_root())
		return;
	const char *state = zt_temp_dir();
	g_autofree char *host_busybox = file_checksum("/bin/busybox");
	guint calls = 0;
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	g_autoptr(ZionImage) image =
		zion_image_build_busybox(state, "tiny", count_steps, &calls, &error);
	g_assert_no_error(error);
	g_test_message("busybox image built in %.1f ms",
		       (double)(g_get_monotonic_time() - start) / 1000.0);
	g_assert_cmpuint(calls, >=, 4);
	g_assert_cmpstr(image->kind, ==, "busybox");
	g_assert_cmpuint(strlen(image->id), ==, 32);
	g_assert_true(strspn(image->id, "0123456789abcdef") == 32);

	/* Applets link relatively to the image's own busybox; the host's is as it was. */
	g_autofree char *sh = g_build_filename(image->rootfs, "bin", "sh", NULL);
	g_autofree char *sh_target = g_file_read_link(sh, NULL);
	g_assert_cmpstr(sh_target, ==, "busybox");
	g_autofree char *crond = g_build_filename(image->rootfs, "usr", "sbin", "crond", NULL);
	g_autofree char *crond_target = g_file_read_link(crond, NULL);
	g_assert_cmpstr(crond_target, ==, "../../bin/busybox");
	g_autofree char *after = file_checksum("/bin/busybox");
	g_assert_cmpstr(after, ==, host_busybox);
	g_autofree char *own = g_build_filename(image->rootfs, "bin", "busybox", NULL);
	g_autofree char *own_sum = file_checksum(own);
	g_assert_cmpstr(own_sum, ==, host_busybox);
	/* No link in the tree is absolute. */
	const char *dirs[] = { "bin", "sbin", "usr/bin", "usr/sbin" };
	for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
		g_autofree char *path = g_build_filename(image->rootfs, dirs[d], NULL);
		g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
		const char *entry;
		while ((entry = g_dir_read_name(dir))) {
			g_autofree char *link = g_build_filename(path, entry, NULL);
			g_autofree char *target = g_file_read_link(link, NULL);
			g_assert_true(!target || target[0] != '/');
		}
	}

	g_autofree char *init = read_text(image->rootfs, "sbin/init");
	g_assert_true(g_str_has_prefix(init, "#!/bin/sh\n"));
	g_assert_nonnull(strstr(init, "trap 'exit 0' TERM PWR INT"));
	g_assert_nonnull(strstr(init, "crond -c /etc/crontabs"));
	g_autofree char *init_path = g_build_filename(image->rootfs, "sbin", "init", NULL);
	GStatBuf st;
	g_assert_cmpint(g_lstat(init_path, &st), ==, 0);
	g_assert_true(S_ISREG(st.st_mode));
	g_assert_cmpint(st.st_mode & 07777, ==, 0755);
	g_autofree char *passwd = read_text(image->rootfs, "etc/passwd");
	g_assert_cmpstr(passwd, ==,
			"root:x:0:0:root:/root:/bin/sh\n"
			"user:x:1000:1000:user:/home/user:/bin/sh\n"
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
	g_autofree char *shadow = g_build_filename(image->rootfs, "etc", "shadow", NULL);
	g_assert_false(g_file_test(shadow, G_FILE_TEST_EXISTS));
	g_autofree char *tmp = g_build_filename(image->rootfs, "tmp", NULL);
	g_assert_cmpint(g_stat(tmp, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 07777, ==, 01777);
	g_autofree char *home = g_build_filename(image->rootfs, "home", "user", NULL);
	g_assert_cmpint(g_stat(home, &st), ==, 0);
	g_assert_cmpint(st.st_uid, ==, 1000);
	g_assert_cmpint(st.st_mode & 07777, ==, 0700);
	g_autofree char *dir = g_build_filename(state, "images", "tiny", NULL);
	g_autofree char *ini = read_text(dir, "image.ini");
	g_autofree char *id_line = g_strdup_printf("id=%s\n", image->id);
	g_assert_nonnull(strstr(ini, id_line));
	g_assert_nonnull(strstr(ini, "kind=busybox\n"));
	g_assert_nonnull(strstr(ini, "created="));

	/* Looked up again: the same id; listed; a second build of the name is refused. */
	g_autoptr(ZionImage) again = NULL;
	g_assert_true(zion_image_lookup(state, "tiny", &again, &error));
	g_assert_cmpstr(again->id, ==, image->id);
	g_assert_cmpstr(again->rootfs, ==, image->rootfs);
	g_autoptr(ZionImage) twice = zion_image_build_busybox(state, "tiny", NULL, NULL, &error);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_EXISTS);
	g_assert_null(twice);
	g_clear_error(&error);
	g_autoptr(ZionImage) other = zion_image_build_busybox(state, "other", NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(other->id, !=, image->id);
	g_autoptr(GPtrArray) list = zion_image_list(state);
	g_assert_cmpuint(list->len, ==, 2);
	g_assert_cmpstr(((ZionImage *)g_ptr_array_index(list, 0))->name, ==, "other");
	g_assert_cmpstr(((ZionImage *)g_ptr_array_index(list, 1))->name, ==, "tiny");

	/* Unknown names are refused with what exists. */
	g_autoptr(ZionImage) missing = NULL;
	g_assert_false(zion_image_lookup(state, "nope", &missing, &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, "no base image called 'nope'"));
	g_assert_nonnull(strstr(error->message, "host, other, tiny"));
	g_clear_error(&error);
	g_autoptr(ZionImage) bad = zion_image_build_busybox(state, "Bad/Name", NULL, NULL, &error);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_null(bad);
	g_clear_error(&error);
	g_autoptr(ZionImage) host_named =
		zion_image_build_busybox(state, "host", NULL, NULL, &error);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_null(host_named);
	g_clear_error(&error);

	g_assert_true(zion_image_delete(state, "other", &error));
	g_assert_no_error(error);
	g_autoptr(GPtrArray) after_delete = zion_image_list(state);
	g_assert_cmpuint(after_delete->len, ==, 1);
	g_autofree char *images = g_build_filename(state, "images", NULL);
	g_autoptr(GDir) images_dir = g_dir_open(images, 0, NULL);
	const char *entry;
	while ((entry = g_dir_read_name(images_dir)))
		g_assert_cmpstr(entry, ==, "tiny");
	g_assert_false(zion_image_delete(state, "host", &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
}

static void test_host(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionImage) host = NULL;
	g_assert_true(zion_image_lookup(zt_temp_dir(), "host", &host, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(host->rootfs, ==, "/");
	g_assert_cmpstr(host->kind, ==, "host");
	g_assert_cmpuint(strlen(host->id), ==, 32);
	g_autoptr(ZionImage) again = NULL;
	g_assert_true(zion_image_lookup(zt_temp_dir(), "host", &again, &error));
	g_assert_cmpstr(again->id, ==, host->id);
}

/* A staging directory nobody holds (a crashed build) goes with the next build; one still locked
 * by its builder stays. */
static void test_leftovers(void)
{
	if (skip_unless_root())
		return;
	const char *state = zt_temp_dir();
	g_autofree char *images = g_build_filename(state, "images", NULL);
	g_autofree char *stale = g_build_filename(images, ".tmp-crashed", "rootfs", NULL);
	g_autofree char *busy = g_build_filename(images, ".tmp-running", NULL);
	g_assert_cmpint(g_mkdir_with_parents(stale, 0755), ==, 0);
	g_assert_cmpint(g_mkdir_with_parents(busy, 0755), ==, 0);
	int lock = open(busy, O_RDONLY | O_DIRECTORY);
	g_assert_cmpint(flock(lock, LOCK_EX), ==, 0);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionImage) image = zion_image_build_busybox(state, "tiny", NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(image);
	g_autofree char *stale_top = g_path_get_dirname(stale);
	g_assert_false(g_file_test(stale_top, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(busy, G_FILE_TEST_IS_DIR));
	close(lock);
}

static void print_step(const char *step, guint done, guint total, gpointer data)
{
	g_test_message("[%u/%u] %s", done, total, step);
}

static guint64 tree_size(const char *path)
{
	g_autofree char *quoted = g_shell_quote(path);
	g_autofree char *command = g_strdup_printf("du -sk %s", quoted);
	g_autofree char *out = NULL;
	g_assert_true(g_spawn_command_line_sync(command, &out, NULL, NULL, NULL));
	return g_ascii_strtoull(out, NULL, 10);
}

static void test_debian(void)
{
	if (g_strcmp0(g_getenv("ZION_TEST_DEBIAN"), "1") != 0) {
		g_test_skip("set ZION_TEST_DEBIAN=1 to build a Debian image (downloads ~100 MB)");
		return;
	}
	if (skip_unless_root())
		return;
	const char *state = zt_temp_dir();
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	g_autoptr(ZionImage) image =
		zion_image_build_debian(state, "deb", "bookworm", print_step, NULL, &error);
	g_assert_no_error(error);
	g_test_message("debian image built in %.1f s, %" G_GUINT64_FORMAT " KiB",
		       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC,
		       tree_size(image->rootfs));
	g_assert_cmpstr(image->kind, ==, "debian");
	g_assert_cmpstr(image->suite, ==, "bookworm");
	g_autofree char *version = read_text(image->rootfs, "etc/debian_version");
	g_assert_true(g_str_has_prefix(version, "12."));
	g_autofree char *apt = g_build_filename(image->rootfs, "usr", "bin", "apt-get", NULL);
	g_assert_true(g_file_test(apt, G_FILE_TEST_IS_EXECUTABLE));
	g_autofree char *init = read_text(image->rootfs, "usr/sbin/init");
	g_assert_nonnull(strstr(init, "trap 'exit 0' TERM PWR INT"));
	g_autofree char *dir = g_build_filename(state, "images", "deb", NULL);
	g_autofree char *log = read_text(dir, "build.log");
	g_assert_nonnull(strstr(log, "source: deb "));
	g_assert_nonnull(strstr(log, "I: success in"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/image-store/busybox", test_busybox);
	g_test_add_func("/image-store/host", test_host);
	g_test_add_func("/image-store/leftovers", test_leftovers);
	g_test_add_func("/image-store/debian", test_debian);
	return g_test_run();
}
