/*
 * Views: toplevel windows, of xdg-shell clients (view.c) or X11 clients (xwayland.c). A view lives
 * on its client's desktop (or, for a client of the privileged socket, on the desktop shown when it
 * opened), floats, opens centred and cascaded, and takes the focus when it maps. Each view is a
 * scene tree in its desktop's tree holding the window, the frame around it (decoration.c) and the
 * window's popups.
 */
#pragma once

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/util/box.h>

struct zc_server;
struct zc_desktop;
struct zc_decoration;
struct zc_view;

/* What a view does that depends on its kind of window (xdg toplevel in view.c, X11 window in
 * xwayland.c). */
struct zc_view_impl {
	struct wlr_surface *(*surface)(struct zc_view *view);
	/* The part of the surface that is the window, in surface coordinates. */
	struct wlr_box (*geometry)(struct zc_view *view);
	const char *(*title)(struct zc_view *view);
	void (*set_activated)(struct zc_view *view, bool activated);
	/* Asks for a window of width×height; 0×0 lets the window choose (or, for X11, go back to
	 * the size it had before it was maximised). */
	void (*set_size)(struct zc_view *view, int width, int height);
	/* The view's frame moved (windows that are told their position: X11); may be NULL. */
	void (*moved)(struct zc_view *view);
	bool (*maximized)(struct zc_view *view);
	void (*set_maximized)(struct zc_view *view, bool maximized);
	void (*set_resizing)(struct zc_view *view, bool resizing);
	/* The window's minimum and maximum size; 0 for none. */
	void (*size_limits)(struct zc_view *view, int *min_width, int *min_height, int *max_width,
			    int *max_height);
	void (*close)(struct zc_view *view);
};

struct zc_view {
	struct zc_server *server;
	struct zc_desktop *desktop;
	const struct zc_view_impl *impl;
	/* In the desktop's tree, at the frame's top-left corner in layout coordinates; enabled
	 * while mapped. Its data is the view. */
	struct wlr_scene_tree *tree;
	/* The window in tree, where the frame leaves room for it (set by the kind when it has
	 * one). Its data is the view too; an xdg surface's data is this node (idle.c and popups
	 * use it). */
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
};

/* Makes view (allocated by its kind) a view of desktop: its tree, hidden until it maps, and its
 * frame. */
void zc_view_init(struct zc_view *view, struct zc_server *server, struct zc_desktop *desktop,
		  const struct zc_view_impl *impl);
/* Puts the window's node into the view's tree, inside the frame and under the popups. */
void zc_view_set_window_node(struct zc_view *view, struct wlr_scene_node *node);
/* The kind's map, unmap and commit call these; finish undoes zc_view_init. */
void zc_view_map(struct zc_view *view);
void zc_view_unmap(struct zc_view *view);
void zc_view_commit(struct zc_view *view);
void zc_view_finish(struct zc_view *view);
/* Maximises a view (the frame and window fill the usable area), or puts it back. */
void zc_view_set_maximized(struct zc_view *view, bool maximize);
/* A request to move or resize from the window itself: honoured for a mapped view on the shown
 * desktop; serial must be the pointer button press that started it, or with 0 (X11, which has
 * none) a button must be down on the window. */
void zc_view_request_move(struct zc_view *view, uint32_t serial);
void zc_view_request_resize(struct zc_view *view, uint32_t serial, uint32_t edges);

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
