/* Staging directories for images and layers, and the cleanup of what a crashed build left. */
#include "image-staging.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "remove-tree.h"
#include "zion-error.h"

#define PREFIX ".tmp-"

struct zion_staging {
	char *parent;
	char *path;
	int lock_fd;
	gboolean committed;
};

/* A staging directory whose lock can be taken belongs to no running build. */
static void remove_stale(const char *parent)
{
	g_autoptr(GDir) dir = g_dir_open(parent, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		if (!g_str_has_prefix(entry, PREFIX))
			continue;
		g_autofree char *path = g_build_filename(parent, entry, NULL);
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* A layer build's package root, if the crash left it mounted. */
			g_autofree char *merged = g_build_filename(path, "merged", NULL);
			umount2(merged, MNT_DETACH);
			g_autoptr(GError) error = NULL;
			if (!zion_remove_tree(path, &error))
				g_warning("cannot remove the leftover %s: %s", path,
					  error->message);
			else
				g_message("removed %s, left by an interrupted build", path);
		}
		close(fd);
	}
}

ZionStaging *zion_staging_begin(const char *parent_dir, GError **error)
{
	if (!zion_make_dir_durable(parent_dir, 0711, error))
		return NULL;
	remove_stale(parent_dir);
	ZionStaging *staging = g_new0(ZionStaging, 1);
	staging->parent = g_strdup(parent_dir);
	staging->path = g_build_filename(parent_dir, PREFIX "XXXXXX", NULL);
	staging->lock_fd = -1;
	/* Every level down to a desktop's root must be searchable by its mapped root: 0711. */
	if (!g_mkdtemp_full(staging->path, 0711)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s",
			    staging->path, g_strerror(errno));
		g_free(staging->path);
		staging->path = NULL;
		zion_staging_free(staging);
		return NULL;
	}
	staging->lock_fd = open(staging->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (staging->lock_fd < 0 || flock(staging->lock_fd, LOCK_EX) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot lock %s: %s",
			    staging->path, g_strerror(errno));
		zion_staging_free(staging);
		return NULL;
	}
	return staging;
}

const char *zion_staging_path(const ZionStaging *staging)
{
	return staging->path;
}

gboolean zion_staging_commit(ZionStaging *staging, const char *final_path, GError **error)
{
	/* RENAME_NOREPLACE: a directory built meanwhile by someone else is never replaced. */
	if (renameat2(AT_FDCWD, staging->path, AT_FDCWD, final_path, RENAME_NOREPLACE) < 0) {
		int saved = errno;
		g_set_error(
			error, ZION_ERROR, saved == EEXIST ? ZION_ERROR_EXISTS : ZION_ERROR_FAILED,
			"cannot rename %s to %s: %s", staging->path, final_path, g_strerror(saved));
		return FALSE;
	}
	staging->committed = TRUE;
	return zion_sync_dir(staging->parent, error);
}

void zion_staging_free(ZionStaging *staging)
{
	if (!staging)
		return;
	if (staging->path && !staging->committed) {
		g_autoptr(GError) error = NULL;
		if (!zion_remove_tree(staging->path, &error))
			g_warning("cannot remove %s: %s", staging->path, error->message);
	}
	if (staging->lock_fd >= 0)
		close(staging->lock_fd);
	g_free(staging->parent);
	g_free(staging->path);
	g_free(staging);
}
