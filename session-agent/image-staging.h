/*
 * Staging directories: images and layers are built in a ".tmp-XXXXXX" sibling of their final place
 * and renamed into place when whole, so the rename is the commit point. The builder holds a flock
 * on its staging directory; a later build deletes the staging directories nobody holds (what a
 * crash left), never one that is still being built.
 */
#pragma once

#include <glib.h>

typedef struct zion_staging ZionStaging;

/* Makes parent_dir (0711) if needed, deletes stale staging directories in it, and makes a fresh
 * one, locked by the caller. */
ZionStaging *zion_staging_begin(const char *parent_dir, GError **error);
/* The staging directory's path. */
const char *zion_staging_path(const ZionStaging *staging);
/*
 * Renames the staging directory to final_path and makes that durable. When final_path exists
 * already, nothing is renamed and the error is ZION_ERROR_EXISTS.
 */
gboolean zion_staging_commit(ZionStaging *staging, const char *final_path, GError **error);
/* Removes the staging directory unless it was committed, and drops the lock. */
void zion_staging_free(ZionStaging *staging);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionStaging, zion_staging_free)
