/* Floating, framed views on their desktop's scene subtree, and xdg-shell toplevels as views. */
#include "view.h"

#include <glib.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/edges.h>
#include <wlr/xwayland.h>

#include "client.h"
#include "cursor.h"
#include "decoration.h"
#include "desktop.h"
#include "grabs.h"
#include "layer-shell.h"
#include "server.h"
#include "xwayland.h"

/* Each new window opens this much further down and right than the previous one. */
#define CASCADE_STEP 32

/* An xdg toplevel's view. */
struct xdg_view {
	struct zc_view view;
	struct wlr_xdg_toplevel *toplevel;
	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener commit;
	struct wl_listener request_maximize;
	struct wl_listener request_move;
	struct wl_listener request_resize;
	struct wl_listener set_title;
};

static struct wlr_xdg_toplevel *toplevel_of(struct zc_view *view)
{
	struct xdg_view *xdg = wl_container_of(view, xdg, view);
	return xdg->toplevel;
}

struct wlr_box zc_view_frame_box(struct zc_view *view)
{
	struct wlr_box geometry = view->impl->geometry(view);
	return (struct wlr_box){
		.x = view->tree->node.state.x,
		.y = view->tree->node.state.y,
		.width = zc_decoration_frame_width(geometry.width),
		.height = zc_decoration_frame_height(geometry.height),
	};
}

void zc_view_move(struct zc_view *view, int x, int y)
{
	view->resize_edges = 0;
	wlr_scene_node_set_position(&view->tree->node, x, y);
	if (view->impl->moved)
		view->impl->moved(view);
}

static void place(struct zc_view *view)
{
	struct wlr_box output_box = zc_layer_shell_window_area(view->server);
	struct wlr_box frame = zc_view_frame_box(view);
	int cascade = (int)wl_list_length(&view->desktop->views) % 8 * CASCADE_STEP;
	int x = output_box.x + (output_box.width - frame.width) / 2 + cascade;
	int y = output_box.y + (output_box.height - frame.height) / 2 + cascade;
	zc_view_move(view, MAX(x, output_box.x), MAX(y, output_box.y));
}

static struct zc_view *view_from_surface(struct wlr_surface *surface)
{
	if (surface && wlr_surface_is_xwayland_surface(surface))
		return zc_xwayland_view_from_surface(surface);
	if (!surface || !wlr_surface_is_xdg_surface(surface))
		return NULL;
	struct wlr_xdg_surface *xdg_surface = wlr_xdg_surface_from_wlr_surface(surface);
	if (!xdg_surface || xdg_surface->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL ||
	    !xdg_surface->data)
		return NULL;
	struct wlr_scene_node *node = xdg_surface->data;
	return node->data;
}

void zc_view_focus(struct zc_view *view)
{
	struct wlr_seat *seat = view->server->seat;
	/* wlroots ignores focus changes during a grab: the compositor's choice ends it (a menu
	 * closes when another window takes the focus). */
	if (seat->keyboard_state.grab != seat->keyboard_state.default_grab)
		zc_grabs_end(view->server->grabs);
	struct wlr_surface *surface = view->impl->surface(view);
	struct wlr_surface *previous = seat->keyboard_state.focused_surface;
	struct zc_view *old = previous != surface ? view_from_surface(previous) : NULL;
	if (old) {
		old->impl->set_activated(old, false);
		zc_decoration_set_focused(old->decoration, false);
	}
	wlr_scene_node_raise_to_top(&view->tree->node);
	wl_list_remove(&view->link);
	wl_list_insert(&view->desktop->views, &view->link);
	view->impl->set_activated(view, true);
	zc_decoration_set_focused(view->decoration, true);
	struct wlr_keyboard *keyboard = wlr_seat_get_keyboard(seat);
	if (keyboard)
		wlr_seat_keyboard_notify_enter(seat, surface, keyboard->keycodes,
					       keyboard->num_keycodes, &keyboard->modifiers);
	else
		wlr_seat_keyboard_notify_enter(seat, surface, NULL, 0, NULL);
}

void zc_view_map(struct zc_view *view)
{
	zc_decoration_update(view->decoration);
	place(view);
	if (view->impl->maximized(view)) {
		/* Maximised before it mapped: back to the middle when it is no longer. */
		view->restore = zc_view_frame_box(view);
		struct wlr_box area = zc_layer_shell_window_area(view->server);
		zc_view_move(view, area.x, area.y);
	}
	wlr_scene_node_set_enabled(&view->tree->node, true);
	wl_list_insert(&view->desktop->views, &view->link);
	if (view->desktop == view->server->shown)
		zc_view_focus(view);
}

void zc_view_unmap(struct zc_view *view)
{
	zc_cursor_forget_view(view->server->cursor, view);
	wlr_scene_node_set_enabled(&view->tree->node, false);
	wl_list_remove(&view->link);
	wl_list_init(&view->link);
	struct zc_desktop *desktop = view->desktop;
	if (desktop != view->server->shown)
		return;
	struct zc_view *next;
	wl_list_for_each(next, &desktop->views, link)
	{
		zc_view_focus(next);
		return;
	}
	wlr_seat_keyboard_notify_clear_focus(view->server->seat);
}

/* The frame follows the window's size; a window resized from its left or top edge keeps its
 * right or bottom edge where it was. */
void zc_view_commit(struct zc_view *view)
{
	zc_decoration_update(view->decoration);
	if (!view->resize_edges)
		return;
	struct wlr_box frame = zc_view_frame_box(view);
	int x = frame.x, y = frame.y;
	if (view->resize_edges & WLR_EDGE_LEFT)
		x = view->resize_box.x + view->resize_box.width - frame.width;
	if (view->resize_edges & WLR_EDGE_TOP)
		y = view->resize_box.y + view->resize_box.height - frame.height;
	if (x == frame.x && y == frame.y)
		return;
	wlr_scene_node_set_position(&view->tree->node, x, y);
	if (view->impl->moved)
		view->impl->moved(view);
}

void zc_view_init(struct zc_view *view, struct zc_server *server, struct zc_desktop *desktop,
		  const struct zc_view_impl *impl)
{
	view->server = server;
	view->desktop = desktop;
	view->impl = impl;
	view->tree = wlr_scene_tree_create(&desktop->tree->node);
	view->tree->node.data = view;
	wlr_scene_node_set_enabled(&view->tree->node, false);
	wl_list_init(&view->link);
}

void zc_view_set_window_node(struct zc_view *view, struct wlr_scene_node *node)
{
	/* The window, the frame over what the window draws beyond its geometry (client-side
	 * shadows would darken the frame's colour), and the popups over both. */
	view->scene_node = node;
	node->data = view;
	view->decoration = zc_decoration_create(view);
	view->popups = wlr_scene_tree_create(&view->tree->node);
	struct wlr_scene_node *window_nodes[] = { node, &view->popups->node };
	for (size_t i = 0; i < G_N_ELEMENTS(window_nodes); i++)
		wlr_scene_node_set_position(window_nodes[i], ZC_DECORATION_BORDER,
					    ZC_DECORATION_TITLE_HEIGHT);
}

void zc_view_finish(struct zc_view *view)
{
	wl_list_remove(&view->link);
	zc_decoration_destroy(view->decoration);
	/* The frame, and the window's nodes if wlroots has not taken them yet. */
	wlr_scene_node_destroy(&view->tree->node);
}

static void handle_map(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, map);
	zc_view_map(&xdg->view);
}

static void handle_unmap(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, unmap);
	zc_view_unmap(&xdg->view);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, destroy);
	wl_list_remove(&xdg->map.link);
	wl_list_remove(&xdg->unmap.link);
	wl_list_remove(&xdg->destroy.link);
	wl_list_remove(&xdg->commit.link);
	wl_list_remove(&xdg->request_maximize.link);
	wl_list_remove(&xdg->request_move.link);
	wl_list_remove(&xdg->request_resize.link);
	wl_list_remove(&xdg->set_title.link);
	/* Popups opened later find no node here, not a freed one. */
	struct wlr_xdg_surface *xdg_surface = data;
	xdg_surface->data = NULL;
	zc_view_finish(&xdg->view);
	g_free(xdg);
}

static void handle_commit(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, commit);
	if (xdg->toplevel->base->mapped)
		zc_view_commit(&xdg->view);
}

static void handle_set_title(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, set_title);
	/* Before the window maps, its first commit draws the title. */
	if (xdg->toplevel->base->mapped)
		zc_decoration_update(xdg->view.decoration);
}

void zc_view_set_maximized(struct zc_view *view, bool maximize)
{
	bool maximized = view->impl->maximized(view);
	view->impl->set_maximized(view, maximize);
	if (maximize == maximized)
		return;
	if (maximize) {
		/* Frame and window together fill the usable area. */
		view->restore = zc_view_frame_box(view);
		struct wlr_box box = zc_layer_shell_window_area(view->server);
		int width = box.width - zc_decoration_frame_width(0);
		int height = box.height - zc_decoration_frame_height(0);
		zc_view_move(view, box.x, box.y);
		view->impl->set_size(view, MAX(width, 1), MAX(height, 1));
	} else {
		zc_view_move(view, view->restore.x, view->restore.y);
		view->impl->set_size(view, 0, 0);
	}
}

static void handle_request_maximize(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, request_maximize);
	zc_view_set_maximized(&xdg->view, xdg->toplevel->requested.maximized);
}

void zc_view_float(struct zc_view *view)
{
	if (!view->impl->maximized(view))
		return;
	struct wlr_box geometry = view->impl->geometry(view);
	view->impl->set_maximized(view, false);
	view->impl->set_size(view, geometry.width, geometry.height);
}

/* Clients that draw their own title bar (GTK4) ask to be moved or resized when it is dragged; the
 * request is honoured only for the button press that started it. X11 requests carry no serial
 * (0): a button must be down on the window. */
static bool grab_allowed(struct zc_view *view, uint32_t serial)
{
	struct wlr_seat *seat = view->server->seat;
	struct wlr_surface *surface = view->impl->surface(view);
	if (wl_list_empty(&view->link) || view->desktop != view->server->shown)
		return false;
	if (!serial)
		return seat->pointer_state.button_count > 0 &&
		       seat->pointer_state.focused_surface == surface;
	return wlr_seat_validate_pointer_grab_serial(seat, surface, serial);
}

void zc_view_request_move(struct zc_view *view, uint32_t serial)
{
	if (grab_allowed(view, serial))
		zc_cursor_begin_move(view->server->cursor, view);
}

void zc_view_request_resize(struct zc_view *view, uint32_t serial, uint32_t edges)
{
	if (grab_allowed(view, serial))
		zc_cursor_begin_resize(view->server->cursor, view, edges);
}

static void handle_request_move(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, request_move);
	struct wlr_xdg_toplevel_move_event *event = data;
	zc_view_request_move(&xdg->view, event->serial);
}

static void handle_request_resize(struct wl_listener *listener, void *data)
{
	struct xdg_view *xdg = wl_container_of(listener, xdg, request_resize);
	struct wlr_xdg_toplevel_resize_event *event = data;
	zc_view_request_resize(&xdg->view, event->serial, event->edges);
}

void zc_view_resize(struct zc_view *view, uint32_t edges, struct wlr_box box)
{
	int min_width, min_height, max_width, max_height;
	view->impl->size_limits(view, &min_width, &min_height, &max_width, &max_height);
	int width = box.width - zc_decoration_frame_width(0);
	int height = box.height - zc_decoration_frame_height(0);
	width = MAX(width, MAX(min_width, 1));
	height = MAX(height, MAX(min_height, 1));
	if (max_width > 0)
		width = MIN(width, max_width);
	if (max_height > 0)
		height = MIN(height, max_height);
	/* The box the window will fill once it takes the size, anchored at the fixed edges. */
	struct wlr_box frame = zc_view_frame_box(view);
	view->resize_box = (struct wlr_box){
		.width = zc_decoration_frame_width(width),
		.height = zc_decoration_frame_height(height),
	};
	view->resize_box.x =
		edges & WLR_EDGE_LEFT ? box.x + box.width - view->resize_box.width : frame.x;
	view->resize_box.y =
		edges & WLR_EDGE_TOP ? box.y + box.height - view->resize_box.height : frame.y;
	view->resize_edges = edges & (WLR_EDGE_LEFT | WLR_EDGE_TOP);
	view->impl->set_size(view, width, height);
}

void zc_view_set_resizing(struct zc_view *view, bool resizing)
{
	view->impl->set_resizing(view, resizing);
}

/* Keeps a window's popup (a menu) on the output the window is on, as far as the popup's
 * positioner lets it move. wlroots takes the output's box relative to the window's surface, whose
 * origin lies the geometry's offset before the geometry's. */
static void unconstrain_popup(struct zc_view *view, struct wlr_xdg_popup *popup)
{
	struct wlr_box geometry = view->impl->geometry(view);
	int x = view->tree->node.state.x + ZC_DECORATION_BORDER;
	int y = view->tree->node.state.y + ZC_DECORATION_TITLE_HEIGHT;
	struct wlr_output_layout *layout = view->server->output_layout;
	struct wlr_output *output = wlr_output_layout_output_at(layout, x + geometry.width / 2.0,
								y + geometry.height / 2.0);
	if (!output)
		return;
	struct wlr_box box = *wlr_output_layout_get_box(layout, output);
	box.x += geometry.x - x;
	box.y += geometry.y - y;
	wlr_xdg_popup_unconstrain_from_box(popup, &box);
}

static struct wlr_surface *xdg_surface_of(struct zc_view *view)
{
	return toplevel_of(view)->base->surface;
}

static struct wlr_box xdg_geometry(struct zc_view *view)
{
	struct wlr_box geometry;
	wlr_xdg_surface_get_geometry(toplevel_of(view)->base, &geometry);
	return geometry;
}

static const char *xdg_title(struct zc_view *view)
{
	return toplevel_of(view)->title;
}

static void xdg_set_activated(struct zc_view *view, bool activated)
{
	wlr_xdg_toplevel_set_activated(toplevel_of(view)->base, activated);
}

static void xdg_set_size(struct zc_view *view, int width, int height)
{
	wlr_xdg_toplevel_set_size(toplevel_of(view)->base, width, height);
}

static bool xdg_maximized(struct zc_view *view)
{
	return toplevel_of(view)->scheduled.maximized;
}

static void xdg_set_maximized(struct zc_view *view, bool maximized)
{
	wlr_xdg_toplevel_set_maximized(toplevel_of(view)->base, maximized);
}

static void xdg_set_resizing(struct zc_view *view, bool resizing)
{
	wlr_xdg_toplevel_set_resizing(toplevel_of(view)->base, resizing);
}

static void xdg_size_limits(struct zc_view *view, int *min_width, int *min_height, int *max_width,
			    int *max_height)
{
	const struct wlr_xdg_toplevel_state *state = &toplevel_of(view)->current;
	*min_width = (int)state->min_width;
	*min_height = (int)state->min_height;
	*max_width = (int)state->max_width;
	*max_height = (int)state->max_height;
}

static void xdg_close(struct zc_view *view)
{
	wlr_xdg_toplevel_send_close(toplevel_of(view)->base);
}

static const struct zc_view_impl xdg_impl = {
	.surface = xdg_surface_of,
	.geometry = xdg_geometry,
	.title = xdg_title,
	.set_activated = xdg_set_activated,
	.set_size = xdg_set_size,
	.maximized = xdg_maximized,
	.set_maximized = xdg_set_maximized,
	.set_resizing = xdg_set_resizing,
	.size_limits = xdg_size_limits,
	.close = xdg_close,
};

void zc_view_handle_new_xdg_surface(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, new_xdg_surface);
	struct wlr_xdg_surface *xdg_surface = data;

	if (xdg_surface->role == WLR_XDG_SURFACE_ROLE_POPUP) {
		/* Popups of layer surfaces are layer-shell.c's. */
		struct wlr_surface *parent_surface = xdg_surface->popup->parent;
		if (!parent_surface || !wlr_surface_is_xdg_surface(parent_surface))
			return;
		struct wlr_xdg_surface *parent = wlr_xdg_surface_from_wlr_surface(parent_surface);
		/* A parent whose role is gone (or never had a node) leaves data stale or NULL. */
		if (!parent || parent->role == WLR_XDG_SURFACE_ROLE_NONE || !parent->data)
			return;
		struct wlr_scene_node *parent_node = parent->data;
		struct zc_view *view = zc_view_from_node(server, parent_node);
		/* A window's own popups go over its frame; theirs, over them. */
		if (parent->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL && view)
			parent_node = &view->popups->node;
		xdg_surface->data = wlr_scene_xdg_surface_create(parent_node, xdg_surface);
		if (view)
			unconstrain_popup(view, xdg_surface->popup);
		return;
	}
	g_assert(xdg_surface->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL);

	struct wl_client *client = wl_resource_get_client(xdg_surface->resource);
	struct xdg_view *xdg = g_new0(struct xdg_view, 1);
	struct zc_desktop *desktop = zc_client_desktop(client);
	zc_view_init(&xdg->view, server, desktop ? desktop : server->shown, &xdg_impl);
	xdg->toplevel = xdg_surface->toplevel;
	zc_view_set_window_node(&xdg->view,
				wlr_scene_xdg_surface_create(&xdg->view.tree->node, xdg_surface));
	xdg_surface->data = xdg->view.scene_node;

	xdg->map.notify = handle_map;
	wl_signal_add(&xdg_surface->events.map, &xdg->map);
	xdg->unmap.notify = handle_unmap;
	wl_signal_add(&xdg_surface->events.unmap, &xdg->unmap);
	xdg->destroy.notify = handle_destroy;
	wl_signal_add(&xdg_surface->events.destroy, &xdg->destroy);
	xdg->commit.notify = handle_commit;
	wl_signal_add(&xdg_surface->surface->events.commit, &xdg->commit);
	xdg->request_maximize.notify = handle_request_maximize;
	wl_signal_add(&xdg->toplevel->events.request_maximize, &xdg->request_maximize);
	xdg->request_move.notify = handle_request_move;
	wl_signal_add(&xdg->toplevel->events.request_move, &xdg->request_move);
	xdg->request_resize.notify = handle_request_resize;
	wl_signal_add(&xdg->toplevel->events.request_resize, &xdg->request_resize);
	xdg->set_title.notify = handle_set_title;
	wl_signal_add(&xdg->toplevel->events.set_title, &xdg->set_title);
}

void zc_view_handle_request_activate(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, request_activate);
	struct wlr_xdg_activation_v1_request_activate_event *event = data;
	struct zc_view *view = view_from_surface(event->surface);
	/* A window may take the focus on its own desktop, never pull the screen to another one. */
	if (view && !wl_list_empty(&view->link) && view->desktop == server->shown)
		zc_view_focus(view);
}

static struct zc_view *focused_view(struct zc_server *server)
{
	if (!server->shown || wl_list_empty(&server->shown->views))
		return NULL;
	struct zc_view *view = wl_container_of(server->shown->views.next, view, link);
	return view;
}

void zc_view_cycle(struct zc_server *server, int direction)
{
	struct zc_view *current = focused_view(server);
	if (!current || wl_list_length(&server->shown->views) < 2)
		return;
	struct zc_view *next;
	if (direction > 0) {
		/* The least recently focused comes forward; the current one goes to the back. */
		next = wl_container_of(server->shown->views.prev, next, link);
	} else {
		next = wl_container_of(current->link.next, next, link);
		wl_list_remove(&current->link);
		wl_list_insert(server->shown->views.prev, &current->link);
	}
	zc_view_focus(next);
}

void zc_view_close_focused(struct zc_server *server)
{
	struct zc_view *view = focused_view(server);
	if (view)
		view->impl->close(view);
}

void zc_view_keep_reachable(struct zc_server *server)
{
	if (wl_list_empty(&server->output_layout->outputs))
		return;
	for (guint i = 0; i < server->desktops->len; i++) {
		struct zc_desktop *desktop = g_ptr_array_index(server->desktops, i);
		struct zc_view *view;
		wl_list_for_each(view, &desktop->views, link)
		{
			struct wlr_box box = zc_view_frame_box(view);
			if (!wlr_output_layout_intersects(view->server->output_layout, NULL, &box))
				place(view);
		}
	}
}

struct zc_view *zc_view_from_node(struct zc_server *server, struct wlr_scene_node *node)
{
	/* A desktop's tree holds view trees (their data is the view) and X11 menus and tooltips
	 * (xwayland.c; their data is NULL). */
	for (; node && node->parent; node = node->parent) {
		struct wlr_scene_node *desktop = node->parent;
		if (desktop->parent == &server->layers.desktops->node)
			return node->data;
	}
	return NULL;
}
