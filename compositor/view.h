/*
 * Views: the toplevel windows of xdg-shell clients. A view lives on its client's desktop (or, for a
 * client of the privileged socket, on the desktop shown when it opened), floats, opens centred and
 * cascaded, and takes the focus when it maps. Each view is a scene tree in its desktop's tree
 * holding the window, the frame around it (decoration.c) and the window's popups.
 */
#pragma once

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_xdg_shell.h>

struct zc_server;
struct zc_desktop;
struct zc_decoration;

struct zc_view {
	struct zc_server *server;
	struct zc_desktop *desktop;
	struct wlr_xdg_toplevel *toplevel;
	/* In the desktop's tree, at the frame's top-left corner in layout coordinates; enabled
	 * while mapped. Its data is the view. */
	struct wlr_scene_tree *tree;
	/* The window (xdg surface) in tree, where the frame leaves room for it. Its data is the
	 * view too, and the xdg surface's data is this node (idle.c and popups use it). */
	struct wlr_scene_node *scene_node;
	struct zc_decoration *decoration;
	/* The window's popups, in tree over the frame, at the same place as scene_node. */
	struct wlr_scene_tree *popups;
	struct wl_list link; // zc_desktop::views, while mapped
	/* Where the frame was before the window was maximised. */
	struct wlr_box restore;
	/* While a resize from the left or top edge catches up: the frame box asked for, whose right
	 * or bottom edge stays put as the window commits its new size. */
	uint32_t resize_edges;
	struct wlr_box resize_box;

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener commit;
	struct wl_listener request_maximize;
	struct wl_listener request_move;
	struct wl_listener request_resize;
	struct wl_listener set_title;
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

/* The view a scene node (a window's surface or its frame) belongs to, or NULL. */
struct zc_view *zc_view_from_node(struct zc_server *server, struct wlr_scene_node *node);

/* The frame's box in layout coordinates: the window's geometry with the frame around it. */
struct wlr_box zc_view_frame_box(struct zc_view *view);

/* Puts the frame's top-left corner at x, y. */
void zc_view_move(struct zc_view *view, int x, int y);

/* Asks the window to fit its frame to box (layout coordinates), within its minimum and maximum
 * size; edges (enum wlr_edges) are the ones being dragged: the opposite ones stay put. */
void zc_view_resize(struct zc_view *view, uint32_t edges, struct wlr_box box);

/* Tells the window whether an interactive resize is going on (xdg_toplevel resizing state). */
void zc_view_set_resizing(struct zc_view *view, bool resizing);

/* A maximised window about to be dragged becomes a floating one of the same size and place. */
void zc_view_float(struct zc_view *view);
