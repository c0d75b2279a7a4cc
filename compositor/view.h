/*
 * Views: the toplevel windows of xdg-shell clients. A view lives on its client's desktop (or, for a
 * client of the privileged socket, on the desktop shown when it opened), floats, opens centred and
 * cascaded, and takes the focus when it maps.
 */
#pragma once

#include <wayland-server-core.h>
#include <wlr/types/wlr_xdg_shell.h>

struct zc_server;
struct zc_desktop;

struct zc_view {
	struct zc_server *server;
	struct zc_desktop *desktop;
	struct wlr_xdg_toplevel *toplevel;
	struct wlr_scene_node *scene_node;
	struct wl_list link; // zc_desktop::views, while mapped

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener request_maximize;
};

/* Handles xdg_shell::new_surface: toplevels become views, popups join their parent's tree. */
void zc_view_handle_new_xdg_surface(struct wl_listener *listener, void *data);

/* Handles xdg_activation_v1::request_activate: focus, but only on the shown desktop. */
void zc_view_handle_request_activate(struct wl_listener *listener, void *data);

/* Gives view the keyboard focus and raises it; it becomes its desktop's focused view. */
void zc_view_focus(struct zc_view *view);

/* Cycles the focus through the shown desktop's views (direction 1 or -1). */
void zc_view_cycle(struct zc_server *server, int direction);

/* Asks the focused view of the shown desktop to close. */
void zc_view_close_focused(struct zc_server *server);

/* Brings back, centred on the first output, every window no output shows any more (after an output
 * went away or moved). */
void zc_view_keep_reachable(struct zc_server *server);
