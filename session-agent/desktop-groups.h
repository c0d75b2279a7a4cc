/* The supplementary groups of a desktop's user, from the desktop's own /etc/group. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/*
 * The gids of the groups whose member list names user, in /etc/group as the desktop whose root is
 * mounted at root sees it (its links resolved inside it). A missing file is no groups. A GArray
 * of gid_t; NULL with error set when the file cannot be read.
 */
GArray *zion_desktop_user_groups(const char *root, const char *user, GError **error);
