/*
 * A desktop's root file system: OverlayFS over idmapped clones. Every lower (persona layers, then
 * the base image) is a read-only idmapped clone and the session directory rw (holding upper/ and
 * work/) a writable one, so everything is stored unshifted on disk (uid 0 on disk is root inside,
 * 1000 the desktop user, whatever the desktop's map) and the base is never written. The clones are
 * handed to OverlayFS as /proc/self/fd paths and closed: only the merged directory stays mounted
 * on the host, and one umount releases everything.
 */
#pragma once

#include <glib.h>

#include "idmap.h"

/*
 * Mounts the desktop root on merged (created if missing). lowers: NULL-terminated, topmost first.
 * rw/upper and rw/work are created (owned by 0) if missing. Directories on the way to merged get
 * search permission for others, which the desktop's mapped root needs.
 */
gboolean zion_desktop_mount(const char *merged, const char *const *lowers, const char *rw,
			    const ZionIdMap *map, GError **error);
/* Makes an empty file at inside (an absolute path) in the session directory rw, as a mount point
 * for zion_desktop_bind_file; before zion_desktop_mount. */
gboolean zion_desktop_mount_point(const char *rw, const char *inside, GError **error);
/*
 * Binds the host file host onto inside in the mounted desktop root at merged, before its
 * container starts (from the agent: the desktop's mapped root may not reach host, such as a
 * socket in its owner's 0700 runtime directory). zion_desktop_umount takes it off.
 */
gboolean zion_desktop_bind_file(const char *merged, const char *host, const char *inside,
				GError **error);
/* Unmounts merged, and whatever is mounted below it first; nothing mounted there (or no merged at
 * all) is success, so crash recovery can always call it. */
gboolean zion_desktop_umount(const char *merged, GError **error);
/* Whether merged is a mount point now. */
gboolean zion_desktop_is_mounted(const char *merged);
/*
 * Adds search permission (x) for group and others to path and each of its ancestors that lack
 * it: everything from / to a container's root and to its lxcpath must be searchable by the
 * desktop's mapped root.
 */
gboolean zion_path_allow_search(const char *path, GError **error);
