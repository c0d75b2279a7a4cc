/*
 * Paths that must stay inside a root: checking the paths a definition names, and opening them
 * beneath a root directory so that neither "..", nor an absolute symlink, nor a symlink planted
 * later in the tree can lead outside it.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

/*
 * Why path cannot name a file inside a desktop's root file system, or NULL when it can: it must be
 * absolute and normal (no "//", ".", ".." or trailing "/"), not the root itself, and not under the
 * virtual file systems /proc, /sys and /dev.
 */
const char *zion_path_problem(const char *path);

/*
 * Opens path (absolute, as zion_path_problem accepts) beneath the directory root_fd with openat2(2)
 * flags, refusing symlinks and mount crossings anywhere on the way. With create_parents, missing
 * parent directories are made (mode 0755). Returns the fd, or -1 with error set.
 */
int zion_path_open_beneath(int root_fd, const char *path, int flags, mode_t mode,
			   gboolean create_parents, GError **error);

/*
 * Opens path (absolute) inside the tree at root_fd the way a process chrooted there would see it:
 * symlinks are followed, but ".." and absolute links stay inside the tree (RESOLVE_IN_ROOT), magic
 * links are refused and mount points are not crossed. For reading a base image's own files; a
 * missing file gives -1 with errno ENOENT and no error set.
 */
int zion_path_open_in_root(int root_fd, const char *path, int flags, GError **error);
