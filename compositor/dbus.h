/*
 * org.zion.Compositor1 on the session bus (data/dbus/org.zion.Compositor1.xml): desktops, outputs
 * and switch latency for the session's own tools. Without a session bus the compositor runs
 * without it.
 */
#pragma once

struct zc_server;
struct zc_dbus;

/* Starts owning the name; never fails (a missing bus is logged). */
struct zc_dbus *zc_dbus_start(struct zc_server *server);
void zc_dbus_stop(struct zc_dbus *dbus);

/* Tells the bus which desktop is shown now. */
void zc_dbus_desktop_shown(struct zc_dbus *dbus, const char *name);
