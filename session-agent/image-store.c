/* The image store, and busybox images. */
#include "image-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "persona.h"
#include "remove-tree.h"
#include "zion-error.h"

#define BUSYBOX "/bin/busybox"
#define GROUP "image"

void zion_image_free(ZionImage *image)
{
	if (!image)
		return;
	g_free(image->name);
	g_free(image->id);
	g_free(image->kind);
	g_free(image->rootfs);
	g_free(image);
}

static char *image_dir(const char *state_dir, const char *name)
{
	return g_build_filename(state_dir, "images", name, NULL);
}

ZionImage *zion_image_lookup(const char *state_dir, const char *name, GError **error)
{
	g_autoptr(ZionImage) image = g_new0(ZionImage, 1);
	image->name = g_strdup(name);
	if (strcmp(name, "host") == 0) {
		/* The host changes under its desktops: its id follows the OS release and the
		 * package database, so layers are rebuilt after an upgrade. */
		GStatBuf st = { 0 };
		g_stat("/var/lib/dpkg/status", &st);
		g_autofree char *release = NULL;
		g_file_get_contents("/etc/os-release", &release, NULL, NULL);
		g_autofree char *key =
			g_strdup_printf("%s\n%ld", release ? release : "", (long)st.st_mtime);
		g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
		image->id = g_strdup_printf("host-%.16s", hash);
		image->kind = g_strdup("host");
		image->rootfs = g_strdup("/");
		return g_steal_pointer(&image);
	}
	g_autofree char *dir = image_dir(state_dir, name);
	g_autofree char *ini = g_build_filename(dir, "image.ini", NULL);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	if (!zion_persona_name_is_valid(name) ||
	    !g_key_file_load_from_file(file, ini, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "no base image called '%s' (build one with zionctl image build)", name);
		return NULL;
	}
	image->id = g_key_file_get_string(file, GROUP, "id", NULL);
	image->kind = g_key_file_get_string(file, GROUP, "kind", NULL);
	image->rootfs = g_build_filename(dir, "rootfs", NULL);
	if (!image->id || !image->kind) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s: id or kind is missing",
			    ini);
		return NULL;
	}
	return g_steal_pointer(&image);
}

GPtrArray *zion_image_list(const char *state_dir)
{
	GPtrArray *images = g_ptr_array_new_with_free_func((GDestroyNotify)zion_image_free);
	g_autofree char *path = g_build_filename(state_dir, "images", NULL);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		ZionImage *image = zion_persona_name_is_valid(entry)
					   ? zion_image_lookup(state_dir, entry, NULL)
					   : NULL;
		if (image)
			g_ptr_array_add(images, image);
	}
	return images;
}

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(errno));
	return FALSE;
}

static gboolean write_file(const char *root, const char *relative, const char *text, mode_t mode,
			   GError **error)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	/* A fresh tree of our own: O_EXCL|O_NOFOLLOW, so nothing is written through a link. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return fail_errno(error, "create", path);
	gboolean ok =
		write(fd, text, strlen(text)) == (ssize_t)strlen(text) && fchmod(fd, mode) == 0;
	close(fd);
	return ok || fail_errno(error, "write", path);
}

static const char init_script[] =
	"#!/bin/sh\n"
	"# A desktop's init: starts crond for schedules, reaps children, stops on SIGPWR/SIGTERM.\n"
	"trap 'exit 0' TERM PWR INT\n"
	"[ -d /etc/crontabs ] && crond -c /etc/crontabs\n"
	"while :; do sleep 3600 & wait $!; done\n";

static gboolean fill_busybox(const char *root, GError **error)
{
	static const char *const dirs[] = { "bin",     "sbin", "usr",  "usr/bin",   "usr/sbin",
					    "etc",     "dev",  "proc", "sys",	    "tmp",
					    "run",     "root", "home", "home/user", "var",
					    "var/log", "lib" };
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree char *path = g_build_filename(root, dirs[i], NULL);
		if (mkdir(path, 0755) < 0)
			return fail_errno(error, "create", path);
	}
	g_autofree char *tmp = g_build_filename(root, "tmp", NULL);
	g_autofree char *root_home = g_build_filename(root, "root", NULL);
	g_autofree char *user_home = g_build_filename(root, "home", "user", NULL);
	if (chmod(tmp, 01777) < 0 || chmod(root_home, 0700) < 0 ||
	    chown(user_home, 1000, 1000) < 0 || chmod(user_home, 0700) < 0)
		return fail_errno(error, "set up", root);

	g_autofree char *busybox = NULL;
	gsize size;
	g_autofree char *target = g_build_filename(root, "bin", "busybox", NULL);
	if (!g_file_get_contents(BUSYBOX, &busybox, &size, error) ||
	    !g_file_set_contents_full(target, busybox, size, G_FILE_SET_CONTENTS_NONE, 0755, error))
		return FALSE;
	/* Relative links: an absolute one would point at the host's busybox when followed from
	 * the host. */
	const char *argv[] = { BUSYBOX, "--list-full", NULL };
	g_autofree char *list = NULL;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &list,
			  NULL, NULL, error))
		return FALSE;
	g_auto(GStrv) applets = g_strsplit(list, "\n", -1);
	for (guint i = 0; applets[i]; i++) {
		const char *applet = applets[i];
		if (!*applet || strcmp(applet, "sbin/init") == 0 ||
		    strcmp(applet, "linuxrc") == 0 || strcmp(applet, "bin/busybox") == 0 ||
		    strstr(applet, ".."))
			continue;
		GString *up = g_string_new("");
		for (const char *p = applet; (p = strchr(p, '/')); p++)
			g_string_append(up, "../");
		g_string_append(up, "bin/busybox");
		g_autofree char *link = g_build_filename(root, applet, NULL);
		int made = symlink(up->str, link);
		g_string_free(up, TRUE);
		if (made < 0)
			return fail_errno(error, "link", link);
	}
	return write_file(root, "sbin/init", init_script, 0755, error) &&
	       write_file(root, "etc/passwd",
			  "root:x:0:0:root:/root:/bin/sh\n"
			  "user:x:1000:1000:user:/home/user:/bin/sh\n"
			  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
			  0644, error) &&
	       write_file(root, "etc/group", "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n", 0644,
			  error) &&
	       write_file(root, "etc/hostname", "busybox\n", 0644, error);
}

ZionImage *zion_image_build_busybox(const char *state_dir, const char *name, GError **error)
{
	if (!zion_persona_name_is_valid(name) || strcmp(name, "host") == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' cannot name an image (lowercase letters, digits, inner '-'; not "
			    "host)",
			    name);
		return NULL;
	}
	g_autofree char *images = g_build_filename(state_dir, "images", NULL);
	if (!zion_make_dir_durable(images, 0711, error))
		return NULL;
	g_autofree char *template = g_build_filename(images, ".tmp-XXXXXX", NULL);
	if (!g_mkdtemp_full(template, 0711)) {
		fail_errno(error, "create", template);
		return NULL;
	}
	g_autofree char *rootfs = g_build_filename(template, "rootfs", NULL);
	guint8 random[16];
	for (guint i = 0; i < sizeof(random); i++)
		random[i] = (guint8)g_random_int_range(0, 256);
	g_autofree char *id =
		g_compute_checksum_for_data(G_CHECKSUM_SHA256, random, sizeof(random));
	g_autofree char *ini = g_strdup_printf("[" GROUP "]\nid=%.32s\nkind=busybox\n", id);
	g_autofree char *ini_path = g_build_filename(template, "image.ini", NULL);
	g_autofree char *final = image_dir(state_dir, name);
	gboolean ok = (mkdir(rootfs, 0755) == 0 || fail_errno(error, "create", rootfs)) &&
		      fill_busybox(rootfs, error) &&
		      zion_write_file_atomic(ini_path, ini, strlen(ini), 0644, error);
	if (ok && g_file_test(final, G_FILE_TEST_EXISTS)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_EXISTS, "an image called '%s' exists",
			    name);
		ok = FALSE;
	}
	if (ok && rename(template, final) < 0)
		ok = fail_errno(error, "rename into place", final);
	if (!ok) {
		zion_remove_tree(template, NULL);
		return NULL;
	}
	zion_sync_dir(images, NULL);
	return zion_image_lookup(state_dir, name, error);
}

gboolean zion_image_delete(const char *state_dir, const char *name, GError **error)
{
	g_autoptr(ZionImage) image = zion_image_lookup(state_dir, name, error);
	if (!image)
		return FALSE;
	if (strcmp(name, "host") == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "the host image cannot be deleted");
		return FALSE;
	}
	g_autofree char *dir = image_dir(state_dir, name);
	return zion_remove_tree(dir, error);
}
