/* Busybox images: a minimal tree from busybox-static, for tests and tiny desktops. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-internal.h"
#include "zion-error.h"

#define BUSYBOX "/bin/busybox"
#define STEPS 4

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(saved));
	return FALSE;
}

static void report(ZionProgressFunc progress, gpointer data, const char *step, guint done)
{
	if (progress)
		progress(step, done, STEPS, data);
}

static gboolean make_dirs(const char *root, GError **error)
{
	static const struct {
		const char *path;
		mode_t mode;
		uid_t owner;
	} dirs[] = {
		{ "bin", 0755, 0 },	     { "sbin", 0755, 0 },     { "usr", 0755, 0 },
		{ "usr/bin", 0755, 0 },	     { "usr/sbin", 0755, 0 }, { "etc", 0755, 0 },
		{ "etc/crontabs", 0755, 0 }, { "dev", 0755, 0 },      { "proc", 0555, 0 },
		{ "sys", 0555, 0 },	     { "tmp", 01777, 0 },     { "run", 0755, 0 },
		{ "root", 0700, 0 },	     { "home", 0755, 0 },     { "home/user", 0700, 1000 },
		{ "var", 0755, 0 },	     { "var/log", 0755, 0 },  { "var/spool", 0755, 0 },
		{ "lib", 0755, 0 },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree char *path = g_build_filename(root, dirs[i].path, NULL);
		/* mkdir's mode passes through the umask; chmod sets the sticky bit too. */
		if (mkdir(path, 0700) < 0 || chown(path, dirs[i].owner, dirs[i].owner) < 0 ||
		    chmod(path, dirs[i].mode) < 0)
			return fail_errno(error, "create", path);
	}
	return TRUE;
}

static gboolean copy_busybox(const char *root, GError **error)
{
	g_autofree char *contents = NULL;
	gsize size;
	if (!g_file_get_contents(BUSYBOX, &contents, &size, error))
		return FALSE;
	g_autofree char *target = g_build_filename(root, "bin", "busybox", NULL);
	int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	gboolean ok =
		fd >= 0 && write(fd, contents, size) == (ssize_t)size && fchmod(fd, 0755) == 0;
	if (!ok)
		fail_errno(error, "write", target);
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * One link per applet, made here and relative ("busybox" in bin, "../../bin/busybox" from
 * usr/bin): an absolute link
 * followed from the host leads to the host's own /bin/busybox, and writing through one once
 * overwrote it (docs/lxc-on-debian12.md §2).
 */
static gboolean link_applets(const char *root, GError **error)
{
	const char *argv[] = { BUSYBOX, "--list-full", NULL };
	g_autofree char *list = NULL;
	gint status;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &list,
			  NULL, &status, error) ||
	    !g_spawn_check_wait_status(status, error))
		return FALSE;
	g_auto(GStrv) applets = g_strsplit(list, "\n", -1);
	guint made = 0;
	for (guint i = 0; applets[i]; i++) {
		const char *applet = applets[i];
		/* Our own init replaces busybox's; linuxrc is for initrds. */
		if (!*applet || applet[0] == '/' || strstr(applet, "..") ||
		    strcmp(applet, "sbin/init") == 0 || strcmp(applet, "linuxrc") == 0 ||
		    strcmp(applet, "bin/busybox") == 0)
			continue;
		g_autoptr(GString) target = g_string_new("");
		if (g_str_has_prefix(applet, "bin/") && !strchr(applet + 4, '/')) {
			g_string_append(target, "busybox");
		} else {
			for (const char *p = applet; (p = strchr(p, '/')); p++)
				g_string_append(target, "../");
			g_string_append(target, "bin/busybox");
		}
		g_autofree char *link = g_build_filename(root, applet, NULL);
		if (symlink(target->str, link) < 0)
			return fail_errno(error, "link", link);
		made++;
	}
	if (made == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s --list-full named no applets",
			    BUSYBOX);
		return FALSE;
	}
	return TRUE;
}

static gboolean write_accounts(const char *root, GError **error)
{
	return zion_image_write_new(root, "etc/passwd",
				    "root:x:0:0:root:/root:/bin/sh\n"
				    "user:x:1000:1000:user:/home/user:/bin/sh\n"
				    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
				    0644, error) &&
	       zion_image_write_new(root, "etc/group",
				    "root:x:0:\nwheel:x:10:\nuser:x:1000:\nnogroup:x:65534:\n",
				    0644, error) &&
	       zion_image_write_new(root, "etc/hostname", "busybox\n", 0644, error);
}

ZionImage *zion_image_build_busybox(const char *state_dir, const char *name,
				    ZionProgressFunc progress, gpointer data, GError **error)
{
	if (!g_file_test(BUSYBOX, G_FILE_TEST_IS_EXECUTABLE)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "%s is missing: install busybox-static", BUSYBOX);
		return NULL;
	}
	g_autofree char *rootfs = NULL;
	g_autoptr(ZionStaging) staging = zion_image_begin(state_dir, name, &rootfs, error);
	if (!staging)
		return NULL;
	report(progress, data, "directories", 0);
	if (!make_dirs(rootfs, error))
		return NULL;
	report(progress, data, "busybox and its applets", 1);
	if (!copy_busybox(rootfs, error) || !link_applets(rootfs, error))
		return NULL;
	report(progress, data, "accounts and init", 2);
	if (!write_accounts(rootfs, error) || !zion_image_write_init(rootfs, error))
		return NULL;
	report(progress, data, "commit", 3);
	ZionImage *image = zion_image_commit(staging, state_dir, name, "busybox", NULL, error);
	if (image)
		report(progress, data, "done", STEPS);
	return image;
}
