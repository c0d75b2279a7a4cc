/* The desktop's user as its own /etc/passwd and /etc/group say (links resolved inside it). */
#pragma once

#include <glib.h>
#include <sys/types.h>

/*
 * The name and home of uid in the desktop whose root is mounted at root; without an entry for
 * uid, "user" and /home/user. FALSE with error set when /etc/passwd cannot be read.
 */
gboolean zion_desktop_account(const char *root, uid_t uid, char **name, char **home,
			      GError **error);
/*
 * The gids of the groups whose member list names user, in the desktop's /etc/group. A missing
 * file is no groups. A GArray of gid_t; NULL with error set when the file cannot be read.
 */
GArray *zion_desktop_user_groups(const char *root, const char *user, GError **error);
