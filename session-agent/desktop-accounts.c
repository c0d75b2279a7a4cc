/* The desktop's user from its own account files. */
#include "desktop-accounts.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "safe-path.h"
#include "zion-error.h"

/* Plenty for an account file; a bigger one is refused rather than read without end. */
#define ACCOUNT_FILE_MAX (4 << 20)

/* path (absolute) in the tree at root as the desktop sees it; "" when missing. */
static char *read_in_root(const char *root, const char *path, GError **error)
{
	int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot open %s: %s", root,
			    g_strerror(errno));
		return NULL;
	}
	int fd = zion_path_open_in_root(root_fd, path, O_RDONLY, error);
	close(root_fd);
	if (fd < 0)
		return (error && *error) ? NULL : g_strdup("");
	g_autoptr(GString) text = g_string_new(NULL);
	char buffer[8192];
	ssize_t n;
	while ((n = read(fd, buffer, sizeof(buffer))) > 0 && text->len < ACCOUNT_FILE_MAX)
		g_string_append_len(text, buffer, n);
	close(fd);
	if (n < 0 || text->len >= ACCOUNT_FILE_MAX) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot read %s%s: %s", root,
			    path, n < 0 ? g_strerror(errno) : "too big");
		return NULL;
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

gboolean zion_desktop_account(const char *root, uid_t uid, char **name, char **home, GError **error)
{
	g_autofree char *text = read_in_root(root, "/etc/passwd", error);
	if (!text)
		return FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		/* name:password:uid:gid:gecos:home:shell */
		g_auto(GStrv) fields = g_strsplit(lines[i], ":", 7);
		guint64 value;
		if (g_strv_length(fields) == 7 && *fields[0] && g_path_is_absolute(fields[5]) &&
		    g_ascii_string_to_unsigned(fields[2], 10, 0, G_MAXUINT32 - 1, &value, NULL) &&
		    value == uid) {
			*name = g_strdup(fields[0]);
			*home = g_strdup(fields[5]);
			return TRUE;
		}
	}
	*name = g_strdup("user");
	*home = g_strdup("/home/user");
	return TRUE;
}

GArray *zion_desktop_user_groups(const char *root, const char *user, GError **error)
{
	g_autofree char *text = read_in_root(root, "/etc/group", error);
	if (!text)
		return NULL;
	GArray *gids = g_array_new(FALSE, FALSE, sizeof(gid_t));
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		/* name:password:gid:member,member */
		g_auto(GStrv) fields = g_strsplit(lines[i], ":", 4);
		guint64 gid;
		if (g_strv_length(fields) != 4 ||
		    !g_ascii_string_to_unsigned(fields[2], 10, 0, G_MAXUINT32 - 1, &gid, NULL))
			continue;
		g_auto(GStrv) members = g_strsplit(fields[3], ",", -1);
		if (g_strv_contains((const char *const *)members, user)) {
			gid_t value = (gid_t)gid;
			g_array_append_val(gids, value);
		}
	}
	return gids;
}
