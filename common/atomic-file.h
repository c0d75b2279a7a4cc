/*
 * Replacing a file so that a crash at any moment leaves either the old or the new contents, whole:
 * a temporary file in the same directory, fsync, rename over the target, fsync of the directory.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

gboolean zion_write_file_atomic(const char *path, const char *data, gsize length, mode_t mode,
				GError **error);

/*
 * The same without fsync: whole old or new contents if the writer is killed, but a power cut may
 * lose the change. For state that a power cut makes void anyway (what runs now).
 */
gboolean zion_write_file_replace(const char *path, const char *data, gsize length, mode_t mode,
				 GError **error);

/* Makes a directory (and its parents) and makes its entry durable in its parent. */
gboolean zion_make_dir_durable(const char *path, mode_t mode, GError **error);

/* fsync of a directory, so that the entries created or renamed in it survive a crash. */
gboolean zion_sync_dir(const char *path, GError **error);
