/* Desktop id maps, and user namespaces that carry them. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zion-error.h"

void zion_id_map_for_owner(ZionIdMap *map, uid_t owner)
{
	if (owner == 0) {
		*map = (ZionIdMap){ 1, { { 0, ZION_MAPPED_ROOT, ZION_MAPPED_COUNT } } };
		return;
	}
	const guint32 user = ZION_DESKTOP_UID;
	*map = (ZionIdMap){ 3,
			    { { 0, ZION_MAPPED_ROOT, user },
			      { user, owner, 1 },
			      { user + 1, ZION_MAPPED_ROOT + user + 1,
				ZION_MAPPED_COUNT - user - 1 } } };
}

guint32 zion_id_map_to_host(const ZionIdMap *map, guint32 inside)
{
	for (guint i = 0; i < map->n; i++) {
		if (inside >= map->ranges[i].inside &&
		    inside - map->ranges[i].inside < map->ranges[i].count)
			return map->ranges[i].outside + (inside - map->ranges[i].inside);
	}
	return 65534; /* the overflow id, as the kernel shows unmapped ids */
}

char *zion_id_map_text(const ZionIdMap *map)
{
	GString *text = g_string_new("");
	for (guint i = 0; i < map->n; i++)
		g_string_append_printf(text, "%u %u %u\n", map->ranges[i].inside,
				       map->ranges[i].outside, map->ranges[i].count);
	return g_string_free(text, FALSE);
}

static gboolean write_map(pid_t pid, const char *file, const char *text, GError **error)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, file);
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_NONE, 0644, error))
		return FALSE;
	return TRUE;
}

int zion_id_map_userns_fd(const ZionIdMap *map, GError **error)
{
	/* A child unshares its user namespace and waits while the parent writes its maps. */
	g_autofree char *text = zion_id_map_text(map);
	int ready[2], hold[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		goto fail_errno;
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		goto fail_errno;
	}
	pid_t pid = fork();
	if (pid == 0) {
		/* Only the parent's end keeps the hold pipe open: its close releases us. */
		close(hold[1]);
		close(ready[0]);
		char c = unshare(CLONE_NEWUSER) == 0 ? 'k' : 'e';
		if (write(ready[1], &c, 1) != 1 || read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	int fd = -1;
	char c = 0;
	if (pid < 0 || read(ready[0], &c, 1) != 1 || c != 'k') {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot make a user namespace for an id map");
	} else if (write_map(pid, "uid_map", text, error) &&
		   write_map(pid, "gid_map", text, error)) {
		g_autofree char *path = g_strdup_printf("/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot open %s: %s",
				    path, g_strerror(errno));
	}
	close(hold[1]);
	close(ready[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;

fail_errno:
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "pipe: %s", g_strerror(errno));
	return -1;
}
