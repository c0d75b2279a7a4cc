/* Idmapped clones and the overlay over them, mounted with the mapped root's fs ids. */
#include "desktop-mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zion-error.h"

/* A detached idmapped clone of path. */
static int idmapped_clone(const char *path, int userns, gboolean read_only, GError **error)
{
	int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct mount_attr attr = {
		.attr_set =
			MOUNT_ATTR_IDMAP | MOUNT_ATTR_NODEV | (read_only ? MOUNT_ATTR_RDONLY : 0),
		.userns_fd = (guint64)userns,
	};
	if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot make an idmapped clone of %s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* In a child: OverlayFS records its mounter's credentials and creates its work files with them,
 * so it must be mounted as the mapped root (fs ids), with the capabilities put back that
 * setfsuid took away. */
static int mount_as(guint32 root, const char *merged, const char *options)
{
	pid_t pid = fork();
	if (pid == 0) {
		setfsgid(root);
		setfsuid(root);
		struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		if (syscall(SYS_capget, &header, data) < 0)
			_exit(125);
		data[0].effective = data[0].permitted;
		data[1].effective = data[1].permitted;
		if (syscall(SYS_capset, &header, data) < 0)
			_exit(125);
		_exit(mount("overlay", merged, "overlay", MS_NODEV, options) == 0 ? 0 : errno);
	}
	if (pid < 0)
		return errno;
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

gboolean zion_desktop_mount(const char *merged, const char *const *lowers, const char *rw,
			    const ZionIdMap *map, GError **error)
{
	int userns = zion_id_map_userns_fd(map, error);
	if (userns < 0)
		return FALSE;
	g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GString) options = g_string_new("lowerdir=");
	gboolean ok = TRUE;
	for (guint i = 0; ok && lowers[i]; i++) {
		int fd = idmapped_clone(lowers[i], userns, TRUE, error);
		if (fd < 0) {
			ok = FALSE;
			break;
		}
		g_array_append_val(fds, fd);
		g_string_append_printf(options, "%s/proc/self/fd/%d", i ? ":" : "", fd);
	}
	int rw_fd = ok ? idmapped_clone(rw, userns, FALSE, error) : -1;
	if (rw_fd >= 0) {
		g_array_append_val(fds, rw_fd);
		g_string_append_printf(
			options, ",upperdir=/proc/self/fd/%d/upper,workdir=/proc/self/fd/%d/work",
			rw_fd, rw_fd);
		int problem = mount_as(zion_id_map_to_host(map, 0), merged, options->str);
		if (problem) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "cannot mount the desktop's root at %s: %s", merged,
				    g_strerror(problem));
			ok = FALSE;
		}
	} else {
		ok = FALSE;
	}
	for (guint i = 0; i < fds->len; i++)
		close(g_array_index(fds, int, i));
	close(userns);
	return ok;
}

gboolean zion_desktop_umount(const char *merged, GError **error)
{
	if (umount2(merged, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT)
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot unmount %s: %s", merged,
		    g_strerror(errno));
	return FALSE;
}
