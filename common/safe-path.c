/* Path checks and symlink-proof opening beneath a root. */
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zion-error.h"

#define RESOLVE_STRICT                                                                             \
	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

const char *zion_path_problem(const char *path)
{
	static const char *const virtual_roots[] = { "/proc", "/sys", "/dev" };

	if (path[0] != '/')
		return "must be an absolute path (starting with /)";
	if (strcmp(path, "/") == 0)
		return "must name a file, not the root directory";
	if (strlen(path) >= 4096)
		return "is longer than 4095 bytes";
	if (path[strlen(path) - 1] == '/')
		return "must not end with /";
	g_auto(GStrv) parts = g_strsplit(path + 1, "/", -1);
	for (char **part = parts; *part; part++) {
		if (**part == '\0')
			return "must not contain an empty component (//)";
		if (strcmp(*part, ".") == 0 || strcmp(*part, "..") == 0)
			return "must not contain . or .. components";
		if (strlen(*part) > 255)
			return "has a component longer than 255 bytes";
	}
	for (const char *p = path; *p; p++) {
		if ((unsigned char)*p < 0x20)
			return "must not contain control characters";
	}
	for (gsize i = 0; i < G_N_ELEMENTS(virtual_roots); i++) {
		gsize n = strlen(virtual_roots[i]);
		if (strncmp(path, virtual_roots[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return "must not be under /proc, /sys or /dev, which are not part of the "
			       "root file system";
	}
	return NULL;
}

static int open_strict(int dir_fd, const char *relative, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (guint64)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_STRICT,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dir_fd, relative, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

/* ELOOP and EXDEV are openat2's refusals: a symlink or a mount point was on the way. */
static void set_open_error(GError **error, const char *relative, int saved_errno)
{
	if (saved_errno == ELOOP || saved_errno == EXDEV)
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "/%s: refused, the path goes through a symbolic link or a mount point",
			    relative);
	else
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "/%s: %s", relative,
			    g_strerror(saved_errno));
}

static gboolean make_parents(int root_fd, const char *relative, GError **error)
{
	g_autofree char *parent = g_path_get_dirname(relative);
	if (strcmp(parent, ".") == 0)
		return TRUE;
	int fd = open_strict(root_fd, parent, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		close(fd);
		return TRUE;
	}
	if (errno != ENOENT) {
		set_open_error(error, parent, errno);
		return FALSE;
	}
	if (!make_parents(root_fd, parent, error))
		return FALSE;
	g_autofree char *grandparent = g_path_get_dirname(parent);
	g_autofree char *name = g_path_get_basename(parent);
	int dir_fd = strcmp(grandparent, ".") == 0
			     ? dup(root_fd)
			     : open_strict(root_fd, grandparent, O_PATH | O_DIRECTORY, 0);
	if (dir_fd < 0 || (mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)) {
		int saved = errno;
		if (dir_fd >= 0)
			close(dir_fd);
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create /%s: %s", parent,
			    g_strerror(saved));
		return FALSE;
	}
	close(dir_fd);
	return TRUE;
}

int zion_path_open_beneath(int root_fd, const char *path, int flags, mode_t mode,
			   gboolean create_parents, GError **error)
{
	const char *problem = zion_path_problem(path);
	if (problem) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: %s", path, problem);
		return -1;
	}
	const char *relative = path + 1;
	if (create_parents && !make_parents(root_fd, relative, error))
		return -1;
	/* Truncation waits until the file is known not to be a hard link to something outside. */
	int fd = open_strict(root_fd, relative, flags & ~O_TRUNC, mode);
	if (fd < 0) {
		set_open_error(error, relative, errno);
		return -1;
	}
	struct stat st;
	gboolean writes = (flags & O_ACCMODE) != O_RDONLY;
	if (writes && (fstat(fd, &st) < 0 || (S_ISREG(st.st_mode) && st.st_nlink > 1))) {
		close(fd);
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s: refused, the file has other hard links", path);
		return -1;
	}
	if ((flags & O_TRUNC) && writes && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
		set_open_error(error, relative, errno);
		close(fd);
		return -1;
	}
	return fd;
}

int zion_path_open_in_root(int root_fd, const char *path, int flags, GError **error)
{
	struct open_how how = {
		.flags = (guint64)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	/* What lies across a mount point is not part of the tree: as good as missing. */
	if (fd < 0 && (errno == ENOENT || errno == EXDEV || errno == ENOTDIR)) {
		errno = ENOENT;
		return -1;
	}
	if (fd < 0) {
		int saved = errno;
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot open %s: %s", path,
			    g_strerror(saved));
		errno = saved;
	}
	return fd;
}
