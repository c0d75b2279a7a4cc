/*
 * How ids inside a desktop map onto the host, and user namespaces carrying such a map (what
 * idmapped mounts need). Root inside is an unprivileged range on the host (100000 and up). When an
 * ordinary user owns the desktop, the desktop's user inside (uid 1000) is that user on the host,
 * one to one, so the Wayland socket and ~/Shared belong to them on both sides. The same map is
 * used for uids and gids.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#define ZION_MAPPED_ROOT 100000
#define ZION_MAPPED_COUNT 65536
/* The desktop's user inside: the owner on the host. */
#define ZION_DESKTOP_UID 1000
/* What zion_id_map_to_host() answers for an id the map does not cover. */
#define ZION_ID_UNMAPPED G_MAXUINT32
/* The root range cut around the one-to-one user and around the owner's own host id. */
#define ZION_ID_MAP_MAX 4

typedef struct {
	guint32 inside, outside, count;
} ZionIdRange;

typedef struct {
	guint n_ranges;
	ZionIdRange ranges[ZION_ID_MAP_MAX]; /* sorted by inside */
} ZionIdMap;

/*
 * The map of a desktop owned by host uid owner: inside 0.. onto 100000.. (65536 ids); when owner
 * is not root, user_inside maps onto owner instead, and an owner inside the 100000 range is left
 * out of it (the kernel refuses a host id mapped twice).
 */
void zion_id_map_for_desktop(ZionIdMap *map, uid_t owner, uid_t user_inside);
/* The host id of an id inside, or ZION_ID_UNMAPPED. */
guint32 zion_id_map_to_host(const ZionIdMap *map, guint32 inside);
/* "inside outside count" lines, as /proc/PID/uid_map takes them. */
char *zion_id_map_text(const ZionIdMap *map);
/* An fd of a user namespace whose uid and gid maps are map (made on the first call for a map
 * and kept for the process's life); -1 with error set. */
int zion_id_map_userns_fd(const ZionIdMap *map, GError **error);
