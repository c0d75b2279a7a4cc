/* Layer-shell surfaces: their place on an output, the usable area they leave, keyboard grabs. */
#include "layer-shell.h"

#include <glib.h>
#include <wlr/types/wlr_layer_shell_v1.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>

#include "desktop.h"
#include "output.h"
#include "server.h"
#include "view.h"

#define ANCHOR_TOP ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP
#define ANCHOR_BOTTOM ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM
#define ANCHOR_LEFT ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT
#define ANCHOR_RIGHT ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT

struct zc_layer_shell {
	struct zc_server *server;
	struct wlr_layer_shell_v1 *wlr_layer_shell;
	struct wl_list surfaces; // zc_layer_surface::link, newest first
	/* Arranging waits for an idle moment: wlroots drops pending configures after an unmap
	 * signal, so one sent from it would be lost, and several changes in one dispatch need one
	 * arrangement. */
	struct wl_event_source *arrange_idle;
	/* The surface that holds the keyboard (exclusive interactivity), or NULL. */
	struct zc_layer_surface *grab;

	struct wl_listener new_surface;
	struct wl_listener layout_change;
	struct wl_listener keyboard_focus_change;
};

struct zc_layer_surface {
	struct zc_layer_shell *shell;
	struct wlr_layer_surface_v1 *wlr_layer_surface;
	struct wlr_scene_node *node; /* in the layer's tree, at the surface's layout position */
	struct wl_list link;	     // zc_layer_shell::surfaces
	/* The size of the last configure; another is sent only when it changes. */
	gboolean configured;
	uint32_t configured_width, configured_height;

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener commit;
	struct wl_listener new_popup;
	struct wl_listener output_destroy;
};

static struct wlr_scene_tree *layer_tree(struct zc_server *server,
					 enum zwlr_layer_shell_v1_layer layer)
{
	switch (layer) {
	case ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND:
		return server->layers.background;
	case ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM:
		return server->layers.bottom;
	case ZWLR_LAYER_SHELL_V1_LAYER_TOP:
		return server->layers.top;
	case ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY:
		break;
	}
	return server->layers.overlay;
}

static struct zc_output *find_output(struct zc_server *server, struct wlr_output *wlr_output)
{
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		if (output->wlr_output == wlr_output)
			return output;
	}
	return NULL;
}

/* Takes a mapped surface's exclusive zone off the usable area, when it is anchored to one edge
 * (alone, or with both edges next to it): a corner or the middle excludes nothing. */
static void exclude_zone(const struct wlr_layer_surface_v1_state *state, struct wlr_box *usable)
{
	const uint32_t horizontal = ANCHOR_LEFT | ANCHOR_RIGHT;
	const uint32_t vertical = ANCHOR_TOP | ANCHOR_BOTTOM;
	uint32_t anchor = state->anchor;
	/* The protocol's margins are ints; wlroots keeps them unsigned. */
	int top = (int)state->margin.top, bottom = (int)state->margin.bottom;
	int left = (int)state->margin.left, right = (int)state->margin.right;
	int zone = state->exclusive_zone;
	if (anchor == ANCHOR_TOP || anchor == (ANCHOR_TOP | horizontal)) {
		usable->y += zone + top;
		usable->height -= zone + top;
	} else if (anchor == ANCHOR_BOTTOM || anchor == (ANCHOR_BOTTOM | horizontal)) {
		usable->height -= zone + bottom;
	} else if (anchor == ANCHOR_LEFT || anchor == (ANCHOR_LEFT | vertical)) {
		usable->x += zone + left;
		usable->width -= zone + left;
	} else if (anchor == ANCHOR_RIGHT || anchor == (ANCHOR_RIGHT | vertical)) {
		usable->width -= zone + right;
	}
	usable->width = MAX(usable->width, 0);
	usable->height = MAX(usable->height, 0);
}

/* Places one axis: start is x or y, length width or height; low and high the anchors at its two
 * ends, margin_low and margin_high the margins there. A size of 0 fills the bounds. */
static void place_axis(int bounds_start, int bounds_length, uint32_t desired, gboolean low,
		       gboolean high, int margin_low, int margin_high, int *start, int *length)
{
	*length = desired ? (int)desired : bounds_length;
	if (low && high) {
		*start = bounds_start + (bounds_length - *length) / 2;
		if (!desired) {
			*start += margin_low;
			*length -= margin_low + margin_high;
		} else {
			*start += (margin_low - margin_high) / 2;
		}
	} else if (low) {
		*start = bounds_start + margin_low;
	} else if (high) {
		*start = bounds_start + bounds_length - *length - margin_high;
	} else {
		*start = bounds_start + (bounds_length - *length) / 2;
	}
}

/* Places a surface within full (exclusive zone -1: it ignores the others) or usable, shrinks
 * usable by its own zone, and configures it if its size changed. */
static void arrange_surface(struct zc_layer_surface *surface, const struct wlr_box *full,
			    struct wlr_box *usable)
{
	struct wlr_layer_surface_v1 *layer = surface->wlr_layer_surface;
	const struct wlr_layer_surface_v1_state *state = &layer->current;
	const struct wlr_box *bounds = state->exclusive_zone < 0 ? full : usable;
	struct wlr_box box;
	place_axis(bounds->x, bounds->width, state->desired_width, state->anchor & ANCHOR_LEFT,
		   state->anchor & ANCHOR_RIGHT, (int)state->margin.left, (int)state->margin.right,
		   &box.x, &box.width);
	place_axis(bounds->y, bounds->height, state->desired_height, state->anchor & ANCHOR_TOP,
		   state->anchor & ANCHOR_BOTTOM, (int)state->margin.top, (int)state->margin.bottom,
		   &box.y, &box.height);
	if (box.width <= 0 || box.height <= 0) {
		/* Margins as large as the output leave no room; a size of 0 would let the client
		 * choose, so it gets a pixel. */
		g_message("layer surface %s: no room on %s, %dx%d", layer->namespace,
			  layer->output->name, box.width, box.height);
		box.width = MAX(box.width, 1);
		box.height = MAX(box.height, 1);
	}
	wlr_scene_node_set_position(surface->node, box.x, box.y);
	if (layer->mapped && state->exclusive_zone > 0)
		exclude_zone(state, usable);
	if (!surface->configured || surface->configured_width != (uint32_t)box.width ||
	    surface->configured_height != (uint32_t)box.height) {
		wlr_layer_surface_v1_configure(layer, box.width, box.height);
		surface->configured = TRUE;
		surface->configured_width = box.width;
		surface->configured_height = box.height;
	}
}

static void arrange_output(struct zc_layer_shell *shell, struct zc_output *output)
{
	struct wlr_box *box =
		wlr_output_layout_get_box(shell->server->output_layout, output->wlr_output);
	if (!box || wlr_box_empty(box))
		return;
	struct wlr_box full = *box, usable = *box;
	/* Surfaces with an exclusive zone first, top layer down, each within what the ones before
	 * left; then the others within what all of them left. */
	for (int exclusive = 1; exclusive >= 0; exclusive--) {
		for (int layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
		     layer >= ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND; layer--) {
			struct zc_layer_surface *surface;
			wl_list_for_each(surface, &shell->surfaces, link)
			{
				const struct wlr_layer_surface_v1 *wlr_layer =
					surface->wlr_layer_surface;
				if (wlr_layer->output != output->wlr_output ||
				    (int)wlr_layer->current.layer != layer ||
				    (wlr_layer->current.exclusive_zone > 0) != exclusive)
					continue;
				arrange_surface(surface, &full, &usable);
			}
		}
	}
	/* Kept relative to the output, so it stays right when the layout moves the output. */
	usable.x -= full.x;
	usable.y -= full.y;
	output->usable_area = usable;
}

static void focus_shown_desktop(struct zc_server *server)
{
	struct zc_view *view;
	wl_list_for_each(view, &server->shown->views, link)
	{
		zc_view_focus(view);
		return;
	}
	wlr_seat_keyboard_notify_clear_focus(server->seat);
}

static void focus_surface(struct wlr_seat *seat, struct wlr_surface *surface)
{
	struct wlr_keyboard *keyboard = wlr_seat_get_keyboard(seat);
	if (keyboard)
		wlr_seat_keyboard_notify_enter(seat, surface, keyboard->keycodes,
					       keyboard->num_keycodes, &keyboard->modifiers);
	else
		wlr_seat_keyboard_notify_enter(seat, surface, NULL, 0, NULL);
}

/* The top-most mapped surface of the top or overlay layer that asks for the keyboard exclusively
 * holds it; below those layers, exclusive means nothing more than on-demand (the protocol allows
 * normal focus there), and on-demand waits for a click, which needs a pointer. unmapping: a
 * surface still mapped that is about to go. */
static void update_grab(struct zc_layer_shell *shell, struct zc_layer_surface *unmapping)
{
	struct zc_layer_surface *grab = NULL, *surface;
	wl_list_for_each(surface, &shell->surfaces, link)
	{
		const struct wlr_layer_surface_v1 *layer = surface->wlr_layer_surface;
		if (surface == unmapping || !layer->mapped ||
		    layer->current.layer < ZWLR_LAYER_SHELL_V1_LAYER_TOP ||
		    layer->current.keyboard_interactive !=
			    ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE)
			continue;
		if (!grab || layer->current.layer > grab->wlr_layer_surface->current.layer)
			grab = surface;
	}
	struct zc_layer_surface *previous = shell->grab;
	shell->grab = grab;
	struct wlr_seat *seat = shell->server->seat;
	if (grab && seat->keyboard_state.focused_surface != grab->wlr_layer_surface->surface)
		focus_surface(seat, grab->wlr_layer_surface->surface);
	else if (!grab && previous)
		focus_shown_desktop(shell->server);
}

static void arrange(void *data)
{
	struct zc_layer_shell *shell = data;
	shell->arrange_idle = NULL;
	struct zc_output *output;
	wl_list_for_each(output, &shell->server->outputs, link)
	{
		arrange_output(shell, output);
	}
	update_grab(shell, NULL);
}

static void arrange_soon(struct zc_layer_shell *shell)
{
	if (shell->arrange_idle)
		return;
	struct wl_event_loop *loop = wl_display_get_event_loop(shell->server->display);
	shell->arrange_idle = wl_event_loop_add_idle(loop, arrange, shell);
}

static void handle_map(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, map);
	wlr_scene_node_set_enabled(surface->node, true);
	arrange_soon(surface->shell);
}

static void handle_unmap(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, unmap);
	wlr_scene_node_set_enabled(surface->node, false);
	/* To map again the client starts over and waits for a configure. */
	surface->configured = FALSE;
	arrange_soon(surface->shell);
	/* The keyboard moves on now: the surface may be on its way to being destroyed. */
	update_grab(surface->shell, surface);
}

static void handle_commit(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, commit);
	const struct wlr_layer_surface_v1_state *state = &surface->wlr_layer_surface->current;
	if (state->committed & WLR_LAYER_SURFACE_V1_STATE_LAYER) {
		struct wlr_scene_tree *tree = layer_tree(surface->shell->server, state->layer);
		wlr_scene_node_reparent(surface->node, &tree->node);
	}
	if (state->committed || !surface->configured)
		arrange_soon(surface->shell);
}

/* Popups of a layer surface (menus of a panel) go with it, kept within its output. */
static void handle_new_popup(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, new_popup);
	struct wlr_xdg_popup *popup = data;
	struct wlr_scene_node *node = wlr_scene_xdg_surface_create(surface->node, popup->base);
	popup->base->data = node;
	struct wlr_box *output_box = wlr_output_layout_get_box(
		surface->shell->server->output_layout, surface->wlr_layer_surface->output);
	if (!output_box)
		return;
	struct wlr_box box = *output_box;
	box.x -= surface->node->state.x;
	box.y -= surface->node->state.y;
	wlr_xdg_popup_unconstrain_from_box(popup, &box);
}

static void handle_output_destroy(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, output_destroy);
	wlr_layer_surface_v1_destroy(surface->wlr_layer_surface);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct zc_layer_surface *surface = wl_container_of(listener, surface, destroy);
	wl_list_remove(&surface->map.link);
	wl_list_remove(&surface->unmap.link);
	wl_list_remove(&surface->destroy.link);
	wl_list_remove(&surface->commit.link);
	wl_list_remove(&surface->new_popup.link);
	wl_list_remove(&surface->output_destroy.link);
	wl_list_remove(&surface->link);
	if (surface->shell->grab == surface)
		surface->shell->grab = NULL;
	/* The wl_surface may outlive its layer role: its tree goes with the role. */
	wlr_scene_node_destroy(surface->node);
	arrange_soon(surface->shell);
	g_free(surface);
}

static void handle_new_surface(struct wl_listener *listener, void *data)
{
	struct zc_layer_shell *shell = wl_container_of(listener, shell, new_surface);
	struct zc_server *server = shell->server;
	struct wlr_layer_surface_v1 *wlr_layer_surface = data;
	if (!wlr_layer_surface->output)
		wlr_layer_surface->output =
			wlr_output_layout_get_center_output(server->output_layout);
	/* No output, or one switched off: nowhere to show it. */
	if (!wlr_layer_surface->output ||
	    !wlr_output_layout_get(server->output_layout, wlr_layer_surface->output)) {
		g_message("layer surface %s: no output for it", wlr_layer_surface->namespace);
		wlr_layer_surface_v1_destroy(wlr_layer_surface);
		return;
	}

	struct zc_layer_surface *surface = g_new0(struct zc_layer_surface, 1);
	surface->shell = shell;
	surface->wlr_layer_surface = wlr_layer_surface;
	surface->node = wlr_scene_subsurface_tree_create(
		&layer_tree(server, wlr_layer_surface->current.layer)->node,
		wlr_layer_surface->surface);
	wlr_scene_node_set_enabled(surface->node, false);
	/* As for xdg surfaces (view.c): data is the scene node. */
	wlr_layer_surface->data = surface->node;

	surface->map.notify = handle_map;
	wl_signal_add(&wlr_layer_surface->events.map, &surface->map);
	surface->unmap.notify = handle_unmap;
	wl_signal_add(&wlr_layer_surface->events.unmap, &surface->unmap);
	surface->destroy.notify = handle_destroy;
	wl_signal_add(&wlr_layer_surface->events.destroy, &surface->destroy);
	surface->commit.notify = handle_commit;
	wl_signal_add(&wlr_layer_surface->surface->events.commit, &surface->commit);
	surface->new_popup.notify = handle_new_popup;
	wl_signal_add(&wlr_layer_surface->events.new_popup, &surface->new_popup);
	surface->output_destroy.notify = handle_output_destroy;
	wl_signal_add(&wlr_layer_surface->output->events.destroy, &surface->output_destroy);
	wl_list_insert(&shell->surfaces, &surface->link);
	arrange_soon(shell);
}

/* Surfaces of an output that left the layout (switched off) are closed, as the protocol says for
 * an output that goes away. Closing one changes the list, so look again from the start. */
static void close_surfaces_off_layout(struct zc_layer_shell *shell)
{
	gboolean closed;
	do {
		closed = FALSE;
		struct zc_layer_surface *surface;
		wl_list_for_each(surface, &shell->surfaces, link)
		{
			struct wlr_output *output = surface->wlr_layer_surface->output;
			if (!wlr_output_layout_get(shell->server->output_layout, output)) {
				wlr_layer_surface_v1_destroy(surface->wlr_layer_surface);
				closed = TRUE;
				break;
			}
		}
	} while (closed);
}

/* Outputs added, removed, moved, resized, scaled or turned. */
static void handle_layout_change(struct wl_listener *listener, void *data)
{
	struct zc_layer_shell *shell = wl_container_of(listener, shell, layout_change);
	close_surfaces_off_layout(shell);
	arrange_soon(shell);
}

/* While a surface holds the keyboard, a window that maps, a desktop switch or anything else that
 * moves the focus gives it straight back. */
static void handle_keyboard_focus_change(struct wl_listener *listener, void *data)
{
	struct zc_layer_shell *shell = wl_container_of(listener, shell, keyboard_focus_change);
	struct wlr_seat_keyboard_focus_change_event *event = data;
	if (shell->grab && event->new_surface != shell->grab->wlr_layer_surface->surface)
		focus_surface(shell->server->seat, shell->grab->wlr_layer_surface->surface);
}

struct zc_layer_shell *zc_layer_shell_create(struct zc_server *server)
{
	struct zc_layer_shell *shell = g_new0(struct zc_layer_shell, 1);
	shell->server = server;
	shell->wlr_layer_shell = wlr_layer_shell_v1_create(server->display);
	wl_list_init(&shell->surfaces);
	shell->new_surface.notify = handle_new_surface;
	wl_signal_add(&shell->wlr_layer_shell->events.new_surface, &shell->new_surface);
	shell->layout_change.notify = handle_layout_change;
	wl_signal_add(&server->output_layout->events.change, &shell->layout_change);
	shell->keyboard_focus_change.notify = handle_keyboard_focus_change;
	wl_signal_add(&server->seat->keyboard_state.events.focus_change,
		      &shell->keyboard_focus_change);
	return shell;
}

void zc_layer_shell_destroy(struct zc_layer_shell *shell)
{
	if (!shell)
		return;
	/* Clients, and with them their layer surfaces, are gone by now. */
	g_assert(wl_list_empty(&shell->surfaces));
	if (shell->arrange_idle)
		wl_event_source_remove(shell->arrange_idle);
	wl_list_remove(&shell->new_surface.link);
	wl_list_remove(&shell->layout_change.link);
	wl_list_remove(&shell->keyboard_focus_change.link);
	g_free(shell);
}

struct wlr_box zc_layer_shell_window_area(struct zc_server *server)
{
	struct wlr_output *center = wlr_output_layout_get_center_output(server->output_layout);
	struct zc_output *output = center ? find_output(server, center) : NULL;
	struct wlr_box *box = wlr_output_layout_get_box(server->output_layout, center);
	if (!box)
		return (struct wlr_box){ 0 };
	/* An output's usable area is known from its first arrangement on; until the next one
	 * (after a mode change, say) it may reach past the output, so it is cut to it. */
	struct wlr_box area = *box;
	if (output && !wlr_box_empty(&output->usable_area)) {
		struct wlr_box usable = output->usable_area;
		usable.x += box->x;
		usable.y += box->y;
		if (!wlr_box_intersection(&area, &usable, box))
			area = *box;
	}
	return area;
}
