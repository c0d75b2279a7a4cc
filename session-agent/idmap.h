/*
 * How ids inside a desktop map onto the host. Root inside is an unprivileged range on the host
 * (100000 and up). When the desktop belongs to an ordinary user, its user inside (uid 1000) is that
 * user on the host, one to one, so the Wayland socket and ~/Shared are theirs on both sides.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#define ZION_MAPPED_ROOT 100000
#define ZION_MAPPED_COUNT 65536
#define ZION_DESKTOP_UID 1000

typedef struct {
	guint n;
	struct {
		guint32 inside, outside, count;
	} ranges[3];
} ZionIdMap;

/* The map of a desktop owned by owner (root: no one-to-one user). */
void zion_id_map_for_owner(ZionIdMap *map, uid_t owner);
/* The host id of an id inside. */
guint32 zion_id_map_to_host(const ZionIdMap *map, guint32 inside);
/* As /proc/PID/uid_map wants it. */
char *zion_id_map_text(const ZionIdMap *map);
/* A user namespace carrying the map (for idmapped mounts); -1 with error. */
int zion_id_map_userns_fd(const ZionIdMap *map, GError **error);
