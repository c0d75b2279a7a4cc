/* xdg-shell toplevels as floating views on their desktop's scene subtree. */
#include "view.h"

#include <glib.h>

#include <wlr/types/wlr_xdg_activation_v1.h>

#include "client.h"
#include "desktop.h"
#include "layer-shell.h"
#include "server.h"

/* Each new window opens this much further down and right than the previous one. */
#define CASCADE_STEP 32

static void place(struct zc_view *view)
{
	struct wlr_box output_box = zc_layer_shell_window_area(view->server);
	struct wlr_box geometry;
	wlr_xdg_surface_get_geometry(view->toplevel->base, &geometry);
	int cascade = (int)wl_list_length(&view->desktop->views) % 8 * CASCADE_STEP;
	int x = output_box.x + (output_box.width - geometry.width) / 2 + cascade;
	int y = output_box.y + (output_box.height - geometry.height) / 2 + cascade;
	wlr_scene_node_set_position(view->scene_node, MAX(x, output_box.x), MAX(y, output_box.y));
}

void zc_view_focus(struct zc_view *view)
{
	struct wlr_seat *seat = view->server->seat;
	struct wlr_surface *surface = view->toplevel->base->surface;
	struct wlr_surface *previous = seat->keyboard_state.focused_surface;
	if (previous && previous != surface && wlr_surface_is_xdg_surface(previous)) {
		struct wlr_xdg_surface *old = wlr_xdg_surface_from_wlr_surface(previous);
		if (old && old->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL)
			wlr_xdg_toplevel_set_activated(old, false);
	}
	wlr_scene_node_raise_to_top(view->scene_node);
	wl_list_remove(&view->link);
	wl_list_insert(&view->desktop->views, &view->link);
	wlr_xdg_toplevel_set_activated(view->toplevel->base, true);
	struct wlr_keyboard *keyboard = wlr_seat_get_keyboard(seat);
	if (keyboard)
		wlr_seat_keyboard_notify_enter(seat, surface, keyboard->keycodes,
					       keyboard->num_keycodes, &keyboard->modifiers);
	else
		wlr_seat_keyboard_notify_enter(seat, surface, NULL, 0, NULL);
}

static void handle_map(struct wl_listener *listener, void *data)
{
	struct zc_view *view = wl_container_of(listener, view, map);
	place(view);
	wl_list_insert(&view->desktop->views, &view->link);
	if (view->desktop == view->server->shown)
		zc_view_focus(view);
}

static void handle_unmap(struct wl_listener *listener, void *data)
{
	struct zc_view *view = wl_container_of(listener, view, unmap);
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

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct zc_view *view = wl_container_of(listener, view, destroy);
	wl_list_remove(&view->map.link);
	wl_list_remove(&view->unmap.link);
	wl_list_remove(&view->destroy.link);
	wl_list_remove(&view->request_maximize.link);
	wl_list_remove(&view->link);
	g_free(view);
}

static void handle_request_maximize(struct wl_listener *listener, void *data)
{
	struct zc_view *view = wl_container_of(listener, view, request_maximize);
	struct wlr_box box = zc_layer_shell_window_area(view->server);
	gboolean maximize = view->toplevel->requested.maximized;
	wlr_xdg_toplevel_set_maximized(view->toplevel->base, maximize);
	if (maximize) {
		wlr_xdg_toplevel_set_size(view->toplevel->base, box.width, box.height);
		wlr_scene_node_set_position(view->scene_node, box.x, box.y);
	} else {
		wlr_xdg_toplevel_set_size(view->toplevel->base, 0, 0);
	}
}

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
		struct wlr_scene_node *parent_node = parent->data;
		xdg_surface->data = wlr_scene_xdg_surface_create(parent_node, xdg_surface);
		return;
	}
	g_assert(xdg_surface->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL);

	struct wl_client *client = wl_resource_get_client(xdg_surface->resource);
	struct zc_view *view = g_new0(struct zc_view, 1);
	view->server = server;
	view->desktop = zc_client_desktop(client);
	if (!view->desktop)
		view->desktop = server->shown;
	view->toplevel = xdg_surface->toplevel;
	view->scene_node = wlr_scene_xdg_surface_create(&view->desktop->tree->node, xdg_surface);
	view->scene_node->data = view;
	xdg_surface->data = view->scene_node;
	wl_list_init(&view->link);

	view->map.notify = handle_map;
	wl_signal_add(&xdg_surface->events.map, &view->map);
	view->unmap.notify = handle_unmap;
	wl_signal_add(&xdg_surface->events.unmap, &view->unmap);
	view->destroy.notify = handle_destroy;
	wl_signal_add(&xdg_surface->events.destroy, &view->destroy);
	view->request_maximize.notify = handle_request_maximize;
	wl_signal_add(&view->toplevel->events.request_maximize, &view->request_maximize);
}

void zc_view_handle_request_activate(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, request_activate);
	struct wlr_xdg_activation_v1_request_activate_event *event = data;
	if (!wlr_surface_is_xdg_surface(event->surface))
		return;
	struct wlr_xdg_surface *xdg_surface = wlr_xdg_surface_from_wlr_surface(event->surface);
	if (!xdg_surface || xdg_surface->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL ||
	    !xdg_surface->mapped)
		return;
	struct wlr_scene_node *node = xdg_surface->data;
	struct zc_view *view = node->data;
	/* A window may take the focus on its own desktop, never pull the screen to another one. */
	if (view->desktop == server->shown)
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
		wlr_xdg_toplevel_send_close(view->toplevel->base);
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
			struct wlr_box box;
			wlr_xdg_surface_get_geometry(view->toplevel->base, &box);
			box.x = view->scene_node->state.x;
			box.y = view->scene_node->state.y;
			if (!wlr_output_layout_intersects(view->server->output_layout, NULL, &box))
				place(view);
		}
	}
}
