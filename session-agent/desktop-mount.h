/*
 * A desktop's root file system: OverlayFS of read-only lowers (persona layer, base image) and a
 * writable session directory (rw/upper, rw/work), every one of them an idmapped clone, so that
 * what the desktop writes is stored unshifted (uid 0 on disk is root inside) and the base is never
 * written. Only the merged directory is left mounted on the host: the clones are passed to
 * OverlayFS as /proc/self/fd paths and closed.
 */
#pragma once

#include <glib.h>

#include "idmap.h"

/* lowers: topmost first, NULL-terminated. */
gboolean zion_desktop_mount(const char *merged, const char *const *lowers, const char *rw,
			    const ZionIdMap *map, GError **error);
/* Unmounts merged; nothing mounted is not an error, so recovery can always call it. */
gboolean zion_desktop_umount(const char *merged, GError **error);
