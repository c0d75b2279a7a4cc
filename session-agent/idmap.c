/* Desktop id maps, and user namespaces that carry them. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zion-error.h"

/* Cuts the inside id `inside` out of whichever range holds it. */
static void cut_inside(ZionIdMap *map, guint32 inside)
{
	for (guint i = 0; i < map->n_ranges; i++) {
		ZionIdRange r = map->ranges[i];
		if (inside < r.inside || inside - r.inside >= r.count)
			continue;
		guint32 before = inside - r.inside;
		ZionIdRange head = { r.inside, r.outside, before };
		ZionIdRange tail = { inside + 1, r.outside + before + 1, r.count - before - 1 };
		/* Replace r by its non-empty pieces, keeping the order. */
		for (guint j = i + 1; j < map->n_ranges; j++)
			map->ranges[j - 1] = map->ranges[j];
		map->n_ranges--;
		ZionIdRange pieces[2] = { head, tail };
		guint at = i;
		for (guint p = 0; p < 2; p++) {
			if (!pieces[p].count)
				continue;
			for (guint j = map->n_ranges; j > at; j--)
				map->ranges[j] = map->ranges[j - 1];
			map->ranges[at++] = pieces[p];
			map->n_ranges++;
		}
		return;
	}
}

static void add_sorted(ZionIdMap *map, ZionIdRange range)
{
	guint at = 0;
	while (at < map->n_ranges && map->ranges[at].inside < range.inside)
		at++;
	for (guint j = map->n_ranges; j > at; j--)
		map->ranges[j] = map->ranges[j - 1];
	map->ranges[at] = range;
	map->n_ranges++;
}

void zion_id_map_for_desktop(ZionIdMap *map, uid_t owner, uid_t user_inside)
{
	*map = (ZionIdMap){ 1, { { 0, ZION_MAPPED_ROOT, ZION_MAPPED_COUNT } } };
	if (owner == 0)
		return;
	/* Two cuts of one range leave at most three pieces, plus the user: ZION_ID_MAP_MAX. */
	cut_inside(map, user_inside);
	if (owner >= ZION_MAPPED_ROOT && owner - ZION_MAPPED_ROOT < ZION_MAPPED_COUNT &&
	    owner - ZION_MAPPED_ROOT != user_inside)
		cut_inside(map, owner - ZION_MAPPED_ROOT);
	add_sorted(map, (ZionIdRange){ user_inside, owner, 1 });
}

guint32 zion_id_map_to_host(const ZionIdMap *map, guint32 inside)
{
	for (guint i = 0; i < map->n_ranges; i++) {
		const ZionIdRange *r = &map->ranges[i];
		if (inside >= r->inside && inside - r->inside < r->count)
			return r->outside + (inside - r->inside);
	}
	return ZION_ID_UNMAPPED;
}

char *zion_id_map_text(const ZionIdMap *map)
{
	GString *text = g_string_new("");
	for (guint i = 0; i < map->n_ranges; i++)
		g_string_append_printf(text, "%u %u %u\n", map->ranges[i].inside,
				       map->ranges[i].outside, map->ranges[i].count);
	return g_string_free(text, FALSE);
}

static gboolean write_map(pid_t pid, const char *file, const char *text, GError **error)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	gsize length = strlen(text);
	gboolean ok = fd >= 0 && write(fd, text, length) == (gssize)length;
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot write the id map to %s: %s", path, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static int make_userns_fd(const ZionIdMap *map, GError **error)
{
	/* A child unshares a user namespace and waits while this process writes its maps (root
	 * needs no setgroups "deny" for that) and opens it; the namespace outlives the child. */
	int ready[2], hold[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "pipe for a user namespace: %s",
			    g_strerror(errno));
		return -1;
	}
	if (pipe2(hold, O_CLOEXEC) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "pipe for a user namespace: %s",
			    g_strerror(errno));
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		char c = unshare(CLONE_NEWUSER) == 0 ? 'k' : 'e';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Returns at end of file: when the parent closes hold[1] or dies. */
		(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	int saved = errno;
	close(ready[1]);
	close(hold[0]);
	int fd = -1;
	char c = 0;
	if (pid < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot fork for a user namespace: %s", g_strerror(saved));
	} else if (read(ready[0], &c, 1) != 1 || c != 'k') {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot make a user namespace (unshare(CLONE_NEWUSER) failed)");
	} else {
		g_autofree char *text = zion_id_map_text(map);
		if (write_map(pid, "uid_map", text, error) &&
		    write_map(pid, "gid_map", text, error)) {
			g_autofree char *path = g_strdup_printf("/proc/%d/ns/user", (int)pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
					    "cannot open %s: %s", path, g_strerror(errno));
		}
	}
	close(hold[1]);
	close(ready[0]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return fd;
}

/* The namespaces made so far, by map text: one per owner, kept for the process's life, since
 * making one costs a fork on every activation. */
static GHashTable *namespaces;
G_LOCK_DEFINE_STATIC(namespaces);

int zion_id_map_userns_fd(const ZionIdMap *map, GError **error)
{
	g_autofree char *text = zion_id_map_text(map);
	G_LOCK(namespaces);
	if (!namespaces)
		namespaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int kept = GPOINTER_TO_INT(g_hash_table_lookup(namespaces, text)) - 1;
	if (kept < 0) {
		kept = make_userns_fd(map, error);
		if (kept >= 0)
			g_hash_table_insert(namespaces, g_steal_pointer(&text),
					    GINT_TO_POINTER(kept + 1));
	}
	int fd = kept >= 0 ? fcntl(kept, F_DUPFD_CLOEXEC, 0) : -1;
	G_UNLOCK(namespaces);
	if (kept >= 0 && fd < 0)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot duplicate a user namespace fd: %s", g_strerror(errno));
	return fd;
}
