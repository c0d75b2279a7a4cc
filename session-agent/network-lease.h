/*
 * NAT desktops' addresses: one file per address handed out, DIR/<address> holding the desktop's
 * name, made with O_EXCL so no address goes to two desktops, and kept on disk so an agent that
 * restarts (even after SIGKILL) does not hand out one a desktop still uses. Released when the
 * desktop stops.
 */
#pragma once

#include <glib.h>

/*
 * The address of desktop in the bridge's network (bridge_address like 10.88.0.1/24, the gateway),
 * with its prefix, e.g. "10.88.0.2/24": the one it holds already, else the lowest free one.
 */
char *zion_lease_take(const char *dir, const char *bridge_address, const char *desktop,
		      GError **error);
/* Gives back every address desktop holds. */
gboolean zion_lease_release(const char *dir, const char *desktop, GError **error);
