/* Idmapped clones and the overlay over them, mounted with the mapped root's fs ids. */
#include "desktop-mount.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zion-error.h"

gboolean zion_path_allow_search(const char *path, GError **error)
{
	g_autofree char *dir = g_canonicalize_filename(path, "/");
	while (TRUE) {
		struct stat st;
		if (stat(dir, &st) < 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot stat %s: %s", dir,
				    g_strerror(errno));
			return FALSE;
		}
		mode_t search = S_IXGRP | S_IXOTH;
		if ((st.st_mode & search) != search &&
		    chmod(dir, (st.st_mode & 07777) | search) < 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "cannot let the desktop's root search %s: %s", dir,
				    g_strerror(errno));
			return FALSE;
		}
		if (strcmp(dir, "/") == 0)
			return TRUE;
		char *parent = g_path_get_dirname(dir);
		g_free(dir);
		dir = parent;
	}
}

static gboolean make_dir(const char *path, GError **error)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/* A detached idmapped clone of path, or -1. */
static int idmapped_clone(const char *path, int userns, gboolean read_only, GError **error)
{
	int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot clone the mount of %s: %s", path, g_strerror(errno));
		return -1;
	}
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID |
			    (read_only ? MOUNT_ATTR_RDONLY : 0),
		.userns_fd = (guint64)userns,
	};
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot idmap a clone of %s: %s",
			    path, g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

typedef struct {
	guint32 root;
	const char *merged, *options;
} OverlayMount;

static gpointer mount_overlay_thread(gpointer data)
{
	const OverlayMount *m = data;
	setfsgid(m->root);
	setfsuid(m->root);
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2];
	if (syscall(SYS_capget, &header, caps) < 0)
		return GINT_TO_POINTER(errno);
	caps[0].effective = caps[0].permitted;
	caps[1].effective = caps[1].permitted;
	if (syscall(SYS_capset, &header, caps) < 0)
		return GINT_TO_POINTER(errno);
	return GINT_TO_POINTER(
		mount("overlay", m->merged, "overlay", MS_NODEV | MS_NOSUID, m->options) == 0
			? 0
			: errno);
}

/*
 * Mounts the overlay from a thread whose fs ids are the mapped root: OverlayFS records its
 * mounter's credentials and creates its work files with them, and on the idmapped upper only
 * mapped ids can own files (as plain root the overlay falls back to read-only with EOVERFLOW).
 * Credentials belong to a thread in the kernel, and setfsuid() and the raw capset change only the
 * calling one (glibc passes no fs id change to the other threads), so the agent's own threads
 * keep theirs; the thread ends with the mount. setfsuid() drops the fs capabilities from the
 * effective set, so they are put back. Returns 0 or an errno.
 */
static int mount_overlay_as(guint32 root, const char *merged, const char *options)
{
	OverlayMount m = { root, merged, options };
	GThread *thread = g_thread_try_new("zion-overlay-mount", mount_overlay_thread, &m, NULL);
	return thread ? GPOINTER_TO_INT(g_thread_join(thread)) : EAGAIN;
}

gboolean zion_desktop_mount(const char *merged, const char *const *lowers, const char *rw,
			    const ZionIdMap *map, GError **error)
{
	g_return_val_if_fail(lowers && lowers[0], FALSE);
	guint32 root = zion_id_map_to_host(map, 0);
	if (root == ZION_ID_UNMAPPED) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "the id map of the desktop at %s has no root", merged);
		return FALSE;
	}
	g_autofree char *upper = g_build_filename(rw, "upper", NULL);
	g_autofree char *work = g_build_filename(rw, "work", NULL);
	if (!make_dir(rw, error) || !make_dir(upper, error) || !make_dir(work, error) ||
	    !make_dir(merged, error) || !zion_path_allow_search(merged, error))
		return FALSE;
	if (zion_desktop_is_mounted(merged)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY, "%s is mounted already", merged);
		return FALSE;
	}
	int userns = zion_id_map_userns_fd(map, error);
	if (userns < 0)
		return FALSE;
	g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GString) options = g_string_new("lowerdir=");
	gboolean ok = TRUE;
	for (guint i = 0; ok && lowers[i]; i++) {
		int fd = idmapped_clone(lowers[i], userns, TRUE, error);
		ok = fd >= 0;
		if (ok) {
			g_array_append_val(fds, fd);
			g_string_append_printf(options, "%s/proc/self/fd/%d", i ? ":" : "", fd);
		}
	}
	int rw_fd = ok ? idmapped_clone(rw, userns, FALSE, error) : -1;
	ok = rw_fd >= 0;
	if (ok) {
		g_array_append_val(fds, rw_fd);
		g_string_append_printf(
			options, ",upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work",
			rw_fd, rw_fd);
		int problem = mount_overlay_as(root, merged, options->str);
		if (problem) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "cannot mount the desktop root %s (overlay of %s and %s): %s",
				    merged, lowers[0], rw, g_strerror(problem));
			ok = FALSE;
		}
	}
	for (guint i = 0; i < fds->len; i++)
		close(g_array_index(fds, int, i));
	close(userns);
	/* OverlayFS mounts read-only instead of failing when it cannot use upper (dmesg says
	 * why): a desktop root that cannot be written is an error. */
	struct statvfs vfs;
	if (ok && statvfs(merged, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "the desktop root %s came up read-only: OverlayFS cannot use %s (see "
			    "dmesg)",
			    merged, upper);
		umount2(merged, UMOUNT_NOFOLLOW);
		ok = FALSE;
	}
	return ok;
}

gboolean zion_desktop_is_mounted(const char *merged)
{
	struct statx here, parent;
	g_autofree char *up = g_build_filename(merged, "..", NULL);
	if (statx(AT_FDCWD, merged, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &here) < 0 ||
	    statx(AT_FDCWD, up, 0, STATX_BASIC_STATS, &parent) < 0)
		return FALSE;
	if (here.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
		return (here.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	return here.stx_dev_major != parent.stx_dev_major ||
	       here.stx_dev_minor != parent.stx_dev_minor;
}

gboolean zion_desktop_mount_point(const char *rw, const char *inside, GError **error)
{
	/* In the session's upper, on disk as root inside owns it: the agent never writes through
	 * the desktop's root, and OverlayFS must not have its upper changed while mounted. */
	g_autofree char *in_upper = g_build_filename(rw, "upper", inside, NULL);
	g_autofree char *parent = g_path_get_dirname(in_upper);
	if (g_mkdir_with_parents(parent, 0755) < 0 ||
	    (!g_file_test(in_upper, G_FILE_TEST_EXISTS) &&
	     !g_file_set_contents(in_upper, "", 0, NULL))) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot make %s: %s", in_upper,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean zion_desktop_bind_file(const char *merged, const char *host, const char *inside,
				GError **error)
{
	g_autofree char *target = g_build_filename(merged, inside, NULL);
	/* Mounted by the agent (root): a desktop's own mapped root may not even reach host, such
	 * as a socket in the owner's 0700 runtime directory. */
	if (mount(host, target, NULL, MS_BIND, NULL) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot mount %s on %s: %s", host,
			    target, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/* Mount points strictly below merged, deepest first (from /proc/self/mountinfo). */
static GPtrArray *mounts_below(const char *merged)
{
	GPtrArray *below = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;
	if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
		return below;
	g_autofree char *prefix = g_strconcat(merged, "/", NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		/* id parent major:minor root mount-point ... (spaces in paths as \040) */
		g_auto(GStrv) fields = g_strsplit(lines[i], " ", 6);
		if (g_strv_length(fields) < 5)
			continue;
		g_autofree char *point = g_strcompress(fields[4]);
		/* Later in the list is mounted later (deeper, or on top): first in ours. */
		if (g_str_has_prefix(point, prefix))
			g_ptr_array_insert(below, 0, g_steal_pointer(&point));
	}
	return below;
}

gboolean zion_desktop_umount(const char *merged, GError **error)
{
	g_autoptr(GPtrArray) below = mounts_below(merged);
	for (guint i = 0; i < below->len; i++) {
		const char *point = g_ptr_array_index(below, i);
		if (umount2(point, UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot unmount %s: %s",
				    point, g_strerror(errno));
			return FALSE;
		}
	}
	/* A mount stacked twice (an interrupted earlier activation) comes off too. */
	for (guint i = 0; i < 16; i++) {
		if (umount2(merged, UMOUNT_NOFOLLOW) < 0) {
			if (errno == EINVAL || errno == ENOENT)
				return TRUE;
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot unmount %s: %s",
				    merged, g_strerror(errno));
			return FALSE;
		}
	}
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s is still mounted after 16 unmounts",
		    merged);
	return FALSE;
}
