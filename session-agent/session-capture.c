/* Saved sessions: copying a session's upper directory into a capture, and a capture onto a layer.
 */
#include "session-capture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "remove-tree.h"
#include "zion-error.h"

#define OPAQUE_XATTR "trusted.overlay.opaque"
/* OverlayFS's own bookkeeping (origin, impure...) describes the session's upper, not a layer. */
#define OVERLAY_XATTRS "trusted.overlay."

typedef struct {
	GChecksum *sum; /* NULL when applying */
	const char *const *excluded;
	guint entries;
} Merge;

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(saved));
	return FALSE;
}

/* A path for the *xattr() calls on an entry of a directory fd, the entry itself not followed. */
static char *entry_path(int dir, const char *name)
{
	return g_strdup_printf("/proc/self/fd/%d/%s", dir, name);
}

static void feed(Merge *m, const char *text)
{
	if (m->sum)
		g_checksum_update(m->sum, (const guchar *)text, strlen(text) + 1);
}

/* Makes room for name in dir: removes whatever is there, a whole tree if need be. */
static gboolean clear_at(int dir, const char *name, const char *rel, GError **error)
{
	struct stat st;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || fail_errno(error, "inspect", rel);
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dir, name, 0) == 0 || fail_errno(error, "replace", rel);
	g_autofree char *path = entry_path(dir, name);
	return zion_remove_tree(path, error);
}

static gboolean clear_dir(int dir, const char *rel, GError **error)
{
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail_errno(error, "read", rel);
	}
	gboolean ok = TRUE;
	struct dirent *entry;
	while (ok && (entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			ok = clear_at(dir, entry->d_name, rel, error);
	}
	closedir(d);
	return ok;
}

static int by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copies the extended attributes of src (an entry path) onto dst, OverlayFS's own left out. */
static gboolean copy_xattrs(Merge *m, const char *src, const char *dst, const char *rel,
			    GError **error)
{
	ssize_t size = llistxattr(src, NULL, 0);
	if (size < 0)
		return errno == ENOTSUP || fail_errno(error, "list the attributes of", rel);
	g_autofree char *names = g_malloc(size + 1);
	size = llistxattr(src, names, size);
	if (size < 0)
		return fail_errno(error, "list the attributes of", rel);
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();
	for (char *name = names; name < names + size; name += strlen(name) + 1) {
		if (!g_str_has_prefix(name, OVERLAY_XATTRS))
			g_ptr_array_add(sorted, name);
	}
	g_ptr_array_sort(sorted, by_name);
	for (guint i = 0; i < sorted->len; i++) {
		const char *name = g_ptr_array_index(sorted, i);
		ssize_t length = lgetxattr(src, name, NULL, 0);
		g_autofree char *value = length >= 0 ? g_malloc(length + 1) : NULL;
		if (length < 0 || (length = lgetxattr(src, name, value, length)) < 0 ||
		    lsetxattr(dst, name, value, length, 0) < 0)
			return fail_errno(error, "copy the attributes of", rel);
		feed(m, name);
		if (m->sum)
			g_checksum_update(m->sum, (const guchar *)value, length);
	}
	return TRUE;
}

static gboolean is_opaque(const char *path)
{
	char value[2];
	return lgetxattr(path, OPAQUE_XATTR, value, sizeof(value)) == 1 && value[0] == 'y';
}

static gboolean copy_bytes(Merge *m, int from, int to, const char *rel, GError **error)
{
	char buffer[64 * 1024];
	ssize_t n;
	while ((n = read(from, buffer, sizeof(buffer))) > 0) {
		if (write(to, buffer, n) != n)
			return fail_errno(error, "write", rel);
		if (m->sum)
			g_checksum_update(m->sum, (const guchar *)buffer, n);
	}
	return n == 0 || fail_errno(error, "read", rel);
}

/* Owner, then mode (chown clears set-id bits), then times of what was just made at dst. */
static gboolean set_attributes(int dir, const char *name, const struct stat *st, const char *rel,
			       GError **error)
{
	const struct timespec times[2] = { st->st_atim, st->st_mtim };
	if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (!S_ISLNK(st->st_mode) && fchmodat(dir, name, st->st_mode & 07777, 0) < 0) ||
	    utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_errno(error, "set the owner, mode and times of", rel);
	return TRUE;
}

static gboolean merge_dir(Merge *m, int src, int dst, const char *rel, GError **error);

static gboolean merge_entry(Merge *m, int src, int dst, const char *name, const char *rel,
			    GError **error)
{
	struct stat st;
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_errno(error, "inspect", rel);
	if (S_ISSOCK(st.st_mode))
		return TRUE; /* a socket is only ever a live process's */
	m->entries++;
	g_autofree char *header =
		g_strdup_printf("%s %o %u %u", rel, st.st_mode, st.st_uid, st.st_gid);
	feed(m, header);
	g_autofree char *src_path = entry_path(src, name);
	g_autofree char *dst_path = entry_path(dst, name);

	if (S_ISDIR(st.st_mode)) {
		struct stat there;
		gboolean exists = fstatat(dst, name, &there, AT_SYMLINK_NOFOLLOW) == 0;
		if (exists && !S_ISDIR(there.st_mode)) {
			if (!clear_at(dst, name, rel, error))
				return FALSE;
			exists = FALSE;
		}
		if (!exists && mkdirat(dst, name, 0700) < 0)
			return fail_errno(error, "create", rel);
		int from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int to = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		gboolean opaque = is_opaque(src_path);
		feed(m, opaque ? "opaque" : "");
		/* An opaque directory hid everything below it from before the session. */
		gboolean ok = from >= 0 && to >= 0 ? TRUE : fail_errno(error, "open", rel);
		ok = ok && (!opaque || (clear_dir(to, rel, error) &&
					(lsetxattr(dst_path, OPAQUE_XATTR, "y", 1, 0) == 0 ||
					 fail_errno(error, "mark opaque", rel))));
		ok = ok && copy_xattrs(m, src_path, dst_path, rel, error) &&
		     merge_dir(m, from, to, rel, error);
		if (from >= 0)
			close(from);
		if (to >= 0)
			close(to);
		return ok && set_attributes(dst, name, &st, rel, error);
	}
	if (!clear_at(dst, name, rel, error))
		return FALSE;
	if (S_ISREG(st.st_mode)) {
		int from = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		int to = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0600);
		gboolean ok = from >= 0 && to >= 0 ? copy_bytes(m, from, to, rel, error)
						   : fail_errno(error, "copy", rel);
		if (from >= 0)
			close(from);
		if (to >= 0)
			close(to);
		if (!ok)
			return FALSE;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t length = readlinkat(src, name, target, sizeof(target) - 1);
		if (length < 0)
			return fail_errno(error, "read the link", rel);
		target[length] = '\0';
		feed(m, target);
		if (symlinkat(target, dst, name) < 0)
			return fail_errno(error, "link", rel);
	} else {
		/* Whiteouts (0/0 character devices), device nodes and fifos. */
		g_autofree char *device =
			g_strdup_printf("%u:%u", major(st.st_rdev), minor(st.st_rdev));
		feed(m, device);
		if (mknodat(dst, name, st.st_mode & S_IFMT, st.st_rdev) < 0)
			return fail_errno(error, "make", rel);
	}
	return copy_xattrs(m, src_path, dst_path, rel, error) &&
	       set_attributes(dst, name, &st, rel, error);
}

/* Every entry of src onto dst, in name order (the checksum depends on it). */
static gboolean merge_dir(Merge *m, int src, int dst, const char *rel, GError **error)
{
	int fd = dup(src);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail_errno(error, "read", rel ? rel : "/");
	}
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *entry;
	while ((entry = readdir(d))) {
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			g_ptr_array_add(names, g_strdup(entry->d_name));
	}
	closedir(d);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		g_autofree char *child = rel ? g_strdup_printf("%s/%s", rel, name) : g_strdup(name);
		if (m->excluded && g_strv_contains(m->excluded, child))
			continue;
		if (!merge_entry(m, src, dst, name, child, error))
			return FALSE;
	}
	return TRUE;
}

char *zion_session_captures_dir(const char *state_dir, const char *persona)
{
	return g_build_filename(state_dir, "personas", persona, "sessions", NULL);
}

gboolean zion_session_capture(const char *upper, const char *const *excluded,
			      const char *captures_dir, char **id, GError **error)
{
	*id = NULL;
	if (g_mkdir_with_parents(captures_dir, 0700) < 0)
		return fail_errno(error, "create", captures_dir);
	g_autofree char *staging = g_build_filename(captures_dir, ".tmp-XXXXXX", NULL);
	if (!g_mkdtemp_full(staging, 0755))
		return fail_errno(error, "create", staging);
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	Merge m = { .sum = sum, .excluded = excluded };
	int from = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int to = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	gboolean ok = from >= 0 && to >= 0 ? merge_dir(&m, from, to, NULL, error)
					   : fail_errno(error, "open", from < 0 ? upper : staging);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	g_autofree char *final =
		ok && m.entries ? g_build_filename(captures_dir, g_checksum_get_string(sum), NULL)
				: NULL;
	if (final && !g_file_test(final, G_FILE_TEST_EXISTS)) {
		if (rename(staging, final) < 0)
			return fail_errno(error, "keep", final);
	} else if (!zion_remove_tree(staging, ok ? error : NULL)) {
		return FALSE;
	}
	if (final)
		*id = g_strdup(g_checksum_get_string(sum));
	return ok;
}

gboolean zion_session_apply(const char *capture, int layer_fd, GError **error)
{
	Merge m = { 0 };
	int from = open(capture, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (from < 0)
		return fail_errno(error, "open the saved session", capture);
	gboolean ok = merge_dir(&m, from, layer_fd, NULL, error);
	close(from);
	return ok;
}
