/*
 * Removing a directory tree the way a root daemon must: no symbolic link is followed and no mount
 * point is crossed, so a tree that still has something mounted in it (a desktop's root, a bind
 * mount of the user's files) is refused rather than emptied through the mount.
 */
#pragma once

#include <glib.h>

/* Removes path and everything under it; a missing path is not an error. */
gboolean zion_remove_tree(const char *path, GError **error);
