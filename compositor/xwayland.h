/*
 * Xwayland, one X server per desktop that asks for it ([desktop NAME] xwayland=true): X11 has no
 * isolation between the clients of one server, so a server never serves two desktops. Its Wayland
 * connection is a desktop client of that desktop (the same globals), started on the
 * first X11 connection. Managed X11 windows are framed views on the desktop; override-redirect
 * windows (menus, tooltips) are shown as they are, at their own position, over the desktop's
 * windows, and never take the keyboard. What X11 clients copy is their desktop's clipboard
 * (clipboard.c); only the shown desktop's server takes part in the seat's
 * (zc_xwayland_follow_seat).
 */
#pragma once

#include <glib.h>
#include <wlr/types/wlr_compositor.h>

struct zc_desktop;
struct zc_server;
struct zc_view;
struct zc_xwayland;

/* Opens desktop's X display (:N, its socket in /tmp/.X11-unix); the server starts on the first
 * connection. Returns NULL with error set. */
struct zc_xwayland *zc_xwayland_create(struct zc_server *server, struct zc_desktop *desktop,
				       GError **error);
/* At exit only, once nothing dispatches Wayland events any more: wlroots 0.15 leaves the window
 * manager behind, reading the freed server on its next event. */
void zc_xwayland_destroy(struct zc_xwayland *xwayland);

/*
 * Whether wlroots' X11 window manager follows the seat's selections: it mirrors them into its X
 * server (taking the X11 selection whenever the seat's is not an X11 owner's), serves X11 clients
 * reading them while one of its windows has the keyboard, and passes an X11 owner's on to the seat.
 * With no seat it does none of that and leaves the X11 selections to their X11 owners. clipboard.c
 * has only the shown desktop's server follow the seat, so a hidden desktop's X11 clipboard is
 * neither taken nor read.
 */
void zc_xwayland_follow_seat(struct zc_xwayland *xwayland, bool follow);

/* The display name for DISPLAY (":1"). */
const char *zc_xwayland_display(struct zc_xwayland *xwayland);

/* The view of a managed, mapped X11 window's surface, or NULL. */
struct zc_view *zc_xwayland_view_from_surface(struct wlr_surface *surface);
