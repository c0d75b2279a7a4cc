/* Recursive removal with openat/unlinkat, refusing mount points. */
#include "remove-tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-error.h"

static gboolean fail(GError **error, const char *path, const char *what)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot remove %s: %s", path, what);
	return FALSE;
}

static gboolean is_mount_root(int dir_fd, const char *name)
{
	struct statx stx;
	return statx(dir_fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &stx) == 0 &&
	       (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Empties the directory open as fd (path is for messages); takes fd. */
static gboolean empty_dir(int fd, const char *path, GError **error)
{
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return fail(error, path, g_strerror(errno));
	}
	gboolean ok = TRUE;
	struct dirent *entry;
	while (ok && (errno = 0, entry = readdir(dir))) {
		const char *name = entry->d_name;
		if (g_str_equal(name, ".") || g_str_equal(name, ".."))
			continue;
		g_autofree char *child = g_build_filename(path, name, NULL);
		if (unlinkat(dirfd(dir), name, 0) == 0)
			continue;
		if (errno != EISDIR) {
			ok = fail(error, child, g_strerror(errno));
			break;
		}
		if (is_mount_root(dirfd(dir), name)) {
			ok = fail(error, child, "something is mounted there");
			break;
		}
		int child_fd =
			openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child_fd < 0) {
			ok = fail(error, child, g_strerror(errno));
			break;
		}
		ok = empty_dir(child_fd, child, error) &&
		     (unlinkat(dirfd(dir), name, AT_REMOVEDIR) == 0 ||
		      fail(error, child, g_strerror(errno)));
	}
	if (ok && errno != 0)
		ok = fail(error, path, g_strerror(errno));
	closedir(dir);
	return ok;
}

gboolean zion_remove_tree(const char *path, GError **error)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return TRUE;
	if (errno != EISDIR)
		return fail(error, path, g_strerror(errno));
	if (is_mount_root(AT_FDCWD, path))
		return fail(error, path, "something is mounted there");
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(error, path, g_strerror(errno));
	if (!empty_dir(fd, path, error))
		return FALSE;
	if (rmdir(path) < 0)
		return fail(error, path, g_strerror(errno));
	return TRUE;
}
