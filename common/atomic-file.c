/* Crash-safe file replacement. */
#include "atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "zion-error.h"

static gboolean fail(GError **error, const char *what, const char *path, int saved_errno)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(saved_errno));
	return FALSE;
}

gboolean zion_sync_dir(const char *path, GError **error)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(error, "open", path, errno);
	if (fsync(fd) < 0) {
		int saved = errno;
		close(fd);
		return fail(error, "sync", path, saved);
	}
	close(fd);
	return TRUE;
}

gboolean zion_make_dir_durable(const char *path, mode_t mode, GError **error)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR))
		return TRUE;
	g_autofree char *parent = g_path_get_dirname(path);
	if (!zion_make_dir_durable(parent, mode, error))
		return FALSE;
	if (g_mkdir(path, (int)mode) < 0 && errno != EEXIST)
		return fail(error, "create", path, errno);
	return zion_sync_dir(parent, error);
}

static gboolean write_all(int fd, const char *data, gsize length)
{
	while (length > 0) {
		ssize_t n = write(fd, data, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FALSE;
		data += n;
		length -= (gsize)n;
	}
	return TRUE;
}

/* The temporary file's content, then rename over path; durable says whether fsync comes
 * between. */
static gboolean replace(const char *path, const char *data, gsize length, mode_t mode,
			gboolean durable, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *temp = g_strdup_printf("%s/.%s.tmp-XXXXXX", dir, base);
	int fd = g_mkstemp_full(temp, O_WRONLY | O_CLOEXEC, (int)mode);
	if (fd < 0)
		return fail(error, "create a temporary file for", path, errno);
	if (!write_all(fd, data, length) || fchmod(fd, mode) < 0 || (durable && fsync(fd) < 0)) {
		int saved = errno;
		close(fd);
		g_unlink(temp);
		return fail(error, "write", path, saved);
	}
	if (close(fd) < 0 || rename(temp, path) < 0) {
		int saved = errno;
		g_unlink(temp);
		return fail(error, "replace", path, saved);
	}
	return !durable || zion_sync_dir(dir, error);
}

gboolean zion_write_file_atomic(const char *path, const char *data, gsize length, mode_t mode,
				GError **error)
{
	return replace(path, data, length, mode, TRUE, error);
}

gboolean zion_write_file_replace(const char *path, const char *data, gsize length, mode_t mode,
				 GError **error)
{
	return replace(path, data, length, mode, FALSE, error);
}
