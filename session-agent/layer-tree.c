/*
 * The files of a layer being built: reading the desktop as the base and the layer so far make it,
 * writing into the layer. Every path is resolved here, component by component, the way the desktop
 * will resolve it: a link in the base is followed inside the base (an absolute one from the base's
 * root, ".." stopping there), so nothing read or written can lie outside the base or the layer.
 * Each directory is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) and each name with
 * O_NOFOLLOW, so a link is read, never followed by the kernel on our behalf.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layer-internal.h"
#include "remove-tree.h"
#include "safe-path.h"
#include "zion-error.h"

/* As many as Linux follows in one lookup. */
#define MAX_LINKS 40

void zion_layer_log(ZionLayerBuild *build, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	g_autofree char *text = g_strdup_vprintf(format, args);
	va_end(args);
	g_autofree char *line = g_strdup_printf("%s\n", text);
	if (build->log_fd >= 0 && write(build->log_fd, line, strlen(line)) < 0)
		g_debug("build.log: %s", g_strerror(errno));
}

/* A directory beneath root_fd, relative ("" is the root itself), crossing no link. */
static int open_dir(int root_fd, const char *relative)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd;
	do
		fd = (int)syscall(SYS_openat2, root_fd, *relative ? relative : ".", &how,
				  sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

typedef enum { ENTRY_MISSING, ENTRY_WHITEOUT, ENTRY_LINK, ENTRY_OTHER } EntryKind;

/* What one tree has at relative, whose parents are directories or missing there. */
static EntryKind look(int root_fd, const char *relative, struct stat *st, char **target)
{
	g_autofree char *parent = g_path_get_dirname(relative);
	g_autofree char *name = g_path_get_basename(relative);
	int dir = open_dir(root_fd, strcmp(parent, ".") == 0 ? "" : parent);
	if (dir < 0)
		return ENTRY_MISSING;
	EntryKind kind = ENTRY_MISSING;
	if (fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW) == 0) {
		kind = ENTRY_OTHER;
		if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0)) {
			kind = ENTRY_WHITEOUT;
		} else if (S_ISLNK(st->st_mode) && target) {
			char buffer[4096];
			ssize_t n = readlinkat(dir, name, buffer, sizeof(buffer) - 1);
			kind = n > 0 ? ENTRY_LINK : ENTRY_OTHER;
			if (n > 0)
				*target = g_strndup(buffer, (gsize)n);
		}
	}
	close(dir);
	return kind;
}

/* What the desktop has at relative (parents resolved): the layer's entry, else the base's. */
static EntryKind look_view(ZionLayerBuild *build, const char *relative, struct stat *st,
			   char **target, gboolean *in_upper)
{
	EntryKind kind = look(build->upper_fd, relative, st, target);
	*in_upper = kind != ENTRY_MISSING;
	if (kind == ENTRY_WHITEOUT)
		return ENTRY_MISSING;
	if (kind != ENTRY_MISSING)
		return kind;
	return look(build->base_fd, relative, st, target);
}

static char *join(GPtrArray *parts)
{
	g_ptr_array_add(parts, NULL);
	char *path = g_strjoinv("/", (char **)parts->pdata);
	g_ptr_array_remove_index(parts, parts->len - 1);
	return path;
}

/*
 * path as the desktop resolves it: a relative path with no link and no "..". With follow_last
 * FALSE the last component is kept as it is (the name to create).
 */
static char *resolve(ZionLayerBuild *build, const char *path, gboolean follow_last, GError **error)
{
	const char *problem = zion_path_problem(path);
	if (problem) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: %s", path, problem);
		return NULL;
	}
	g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
	GQueue todo = G_QUEUE_INIT;
	g_auto(GStrv) parts = g_strsplit(path + 1, "/", -1);
	for (guint i = 0; parts[i]; i++)
		g_queue_push_tail(&todo, g_strdup(parts[i]));
	guint links = 0;
	char *part;
	while ((part = g_queue_pop_head(&todo))) {
		if (!*part || strcmp(part, ".") == 0) {
			g_free(part);
			continue;
		}
		if (strcmp(part, "..") == 0) {
			if (done->len)
				g_ptr_array_remove_index(done, done->len - 1);
			g_free(part);
			continue;
		}
		g_ptr_array_add(done, part);
		if (g_queue_is_empty(&todo) && !follow_last)
			break;
		g_autofree char *so_far = join(done);
		g_autofree char *target = NULL;
		struct stat st;
		gboolean in_upper;
		if (look_view(build, so_far, &st, &target, &in_upper) != ENTRY_LINK)
			continue;
		if (++links > MAX_LINKS) {
			g_queue_clear_full(&todo, g_free);
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "%s: too many levels of symbolic links in %s", path,
				    build->base->name);
			return NULL;
		}
		g_ptr_array_remove_index(done, done->len - 1);
		/* Absolute links start again from the desktop's root, not the host's. */
		if (target[0] == '/')
			g_ptr_array_set_size(done, 0);
		g_auto(GStrv) more = g_strsplit(target, "/", -1);
		for (guint i = g_strv_length(more); i > 0; i--)
			g_queue_push_head(&todo, g_strdup(more[i - 1]));
	}
	if (done->len == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: resolves to the root",
			    path);
		return NULL;
	}
	return join(done);
}

gboolean zion_layer_stat(ZionLayerBuild *build, const char *path, struct stat *st)
{
	g_autofree char *relative = resolve(build, path, TRUE, NULL);
	gboolean in_upper;
	return relative && look_view(build, relative, st, NULL, &in_upper) != ENTRY_MISSING;
}

char *zion_layer_read(ZionLayerBuild *build, const char *path, GError **error)
{
	g_autofree char *relative = resolve(build, path, TRUE, error);
	if (!relative)
		return NULL;
	struct stat st;
	gboolean in_upper;
	if (look_view(build, relative, &st, NULL, &in_upper) == ENTRY_MISSING)
		return NULL;
	g_autofree char *parent = g_path_get_dirname(relative);
	g_autofree char *name = g_path_get_basename(relative);
	int dir = open_dir(in_upper ? build->upper_fd : build->base_fd,
			   strcmp(parent, ".") == 0 ? "" : parent);
	int fd = dir >= 0 ? openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	if (dir >= 0)
		close(dir);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot read %s in %s: %s", path,
			    in_upper ? "the layer" : build->base->name,
			    fd < 0 ? g_strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	GString *text = g_string_new("");
	char buffer[16384];
	ssize_t n;
	while ((n = read(fd, buffer, sizeof(buffer))) > 0)
		g_string_append_len(text, buffer, n);
	close(fd);
	return g_string_free(text, FALSE);
}

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s in the layer: %s", what,
		    path, g_strerror(saved));
	return FALSE;
}

/* Opens (making them as needed) the parents of path in the layer; *name is what to create. */
static int open_parent(ZionLayerBuild *build, const char *path, char **name, GError **error)
{
	g_autofree char *relative = resolve(build, path, FALSE, error);
	if (!relative)
		return -1;
	g_auto(GStrv) parts = g_strsplit(relative, "/", -1);
	guint n = g_strv_length(parts);
	int dir = open_dir(build->upper_fd, "");
	GString *so_far = g_string_new("");
	for (guint i = 0; dir >= 0 && i + 1 < n; i++) {
		if (so_far->len)
			g_string_append_c(so_far, '/');
		g_string_append(so_far, parts[i]);
		struct stat st;
		EntryKind upper = look(build->upper_fd, so_far->str, &st, NULL);
		if (upper == ENTRY_MISSING) {
			/* A directory new to the layer looks like the base's, or it would change
			 * the owner or mode the desktop sees (upper wins). */
			mode_t mode = 0755;
			uid_t uid = 0;
			gid_t gid = 0;
			EntryKind base = look(build->base_fd, so_far->str, &st, NULL);
			if (base == ENTRY_OTHER && !S_ISDIR(st.st_mode)) {
				g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
					    "%s: /%s is a file in %s, not a directory", path,
					    so_far->str, build->base->name);
				close(dir);
				dir = -1;
				break;
			}
			if (base == ENTRY_OTHER) {
				mode = st.st_mode & 07777;
				uid = st.st_uid;
				gid = st.st_gid;
			}
			int made = mkdirat(dir, parts[i], 0700) == 0
					   ? openat(dir, parts[i],
						    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					   : -1;
			if (made < 0 || fchown(made, uid, gid) < 0 || fchmod(made, mode) < 0) {
				fail_errno(error, "create", so_far->str);
				if (made >= 0)
					close(made);
				close(dir);
				dir = -1;
				break;
			}
			close(made);
		} else if (upper != ENTRY_OTHER || !S_ISDIR(st.st_mode)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "%s: /%s is not a directory in the layer", path, so_far->str);
			close(dir);
			dir = -1;
			break;
		}
		int next = openat(dir, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = next;
		if (dir < 0)
			fail_errno(error, "open", so_far->str);
	}
	if (dir < 0 && error && !*error)
		fail_errno(error, "open", "/");
	g_string_free(so_far, TRUE);
	if (dir >= 0)
		*name = g_strdup(parts[n - 1]);
	return dir;
}

/* Makes room for name in the layer's directory dir. */
static gboolean clear_entry(ZionLayerBuild *build, int dir, const char *name, const char *path,
			    GError **error)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || fail_errno(error, "inspect", path);
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dir, name, 0) == 0 || fail_errno(error, "replace", path);
	g_autofree char *inside = resolve(build, path, FALSE, error);
	g_autofree char *full = inside ? g_build_filename(build->upper, inside, NULL) : NULL;
	return full && zion_remove_tree(full, error);
}

gboolean zion_layer_write(ZionLayerBuild *build, const char *path, const char *text, mode_t mode,
			  uid_t uid, gid_t gid, GError **error)
{
	g_autofree char *name = NULL;
	int dir = open_parent(build, path, &name, error);
	if (dir < 0)
		return FALSE;
	if (!clear_entry(build, dir, name, path, error)) {
		close(dir);
		return FALSE;
	}
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dir);
	gsize length = strlen(text);
	/* chown clears set-id bits, so the mode comes after it. */
	gboolean ok = fd >= 0 && write(fd, text, length) == (ssize_t)length &&
		      fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0;
	if (!ok)
		fail_errno(error, "write", path);
	if (fd >= 0)
		close(fd);
	return ok;
}

gboolean zion_layer_replace(ZionLayerBuild *build, const char *path, const char *text, mode_t mode,
			    GError **error)
{
	struct stat st;
	if (zion_layer_stat(build, path, &st) && S_ISREG(st.st_mode))
		return zion_layer_write(build, path, text, st.st_mode & 07777, st.st_uid, st.st_gid,
					error);
	return zion_layer_write(build, path, text, mode, 0, 0, error);
}

gboolean zion_layer_mkdir(ZionLayerBuild *build, const char *path, mode_t mode, uid_t uid,
			  gid_t gid, GError **error)
{
	g_autofree char *name = NULL;
	int dir = open_parent(build, path, &name, error);
	if (dir < 0)
		return FALSE;
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
	    !clear_entry(build, dir, name, path, error)) {
		close(dir);
		return FALSE;
	}
	if (mkdirat(dir, name, 0700) < 0 && errno != EEXIST) {
		close(dir);
		return fail_errno(error, "create", path);
	}
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(dir);
	gboolean ok = fd >= 0 && fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0;
	if (!ok)
		fail_errno(error, "set up", path);
	if (fd >= 0)
		close(fd);
	return ok;
}

gboolean zion_layer_empty_dir(ZionLayerBuild *build, const char *path, mode_t mode, GError **error)
{
	g_autofree char *name = NULL;
	int dir = open_parent(build, path, &name, error);
	if (dir < 0)
		return FALSE;
	gboolean ok = clear_entry(build, dir, name, path, error);
	close(dir);
	if (!ok || !zion_layer_mkdir(build, path, mode, 0, 0, error))
		return FALSE;
	/* OverlayFS's opaque directory: nothing of the lower layers shows through. */
	g_autofree char *inside = resolve(build, path, FALSE, error);
	g_autofree char *full = inside ? g_build_filename(build->upper, inside, NULL) : NULL;
	if (!full || lsetxattr(full, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return full ? fail_errno(error, "empty", path) : FALSE;
	return TRUE;
}

gboolean zion_layer_symlink(ZionLayerBuild *build, const char *path, const char *target,
			    GError **error)
{
	g_autofree char *name = NULL;
	int dir = open_parent(build, path, &name, error);
	if (dir < 0)
		return FALSE;
	gboolean ok = clear_entry(build, dir, name, path, error) &&
		      (symlinkat(target, dir, name) == 0 || fail_errno(error, "link", path));
	close(dir);
	return ok;
}

gboolean zion_layer_whiteout(ZionLayerBuild *build, const char *path, GError **error)
{
	g_autofree char *name = NULL;
	int dir = open_parent(build, path, &name, error);
	if (dir < 0)
		return FALSE;
	/* OverlayFS's whiteout: a character device 0/0, owned by root inside. */
	gboolean ok = clear_entry(build, dir, name, path, error) &&
		      (mknodat(dir, name, S_IFCHR | 0000, makedev(0, 0)) == 0 ||
		       fail_errno(error, "remove (whiteout)", path));
	close(dir);
	return ok;
}
