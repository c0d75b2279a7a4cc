/* The cursor: pointer devices, what is under the pointer, and window drags. */
#include "cursor.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <time.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_pointer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_virtual_pointer_v1.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/util/edges.h>

#include "decoration.h"
#include "idle.h"
#include "output.h"
#include "server.h"
#include "view.h"

#define DEFAULT_IMAGE "left_ptr"

enum cursor_mode {
	CURSOR_PASSTHROUGH, /* events go to the surface under the pointer */
	CURSOR_MOVE,
	CURSOR_RESIZE,
};

struct zc_cursor {
	struct zc_server *server;
	struct wlr_cursor *wlr_cursor;
	struct wlr_xcursor_manager *xcursor_manager;
	/* The theme's image shown, or NULL while a client's surface (or nothing) is. */
	const char *image;

	enum cursor_mode mode;
	struct zc_view *grabbed;
	/* Where the pointer and the frame were when the drag started. */
	double grab_x, grab_y;
	struct wlr_box grab_box;
	uint32_t resize_edges;
	/* A pointer has moved: the cursor is on screen. */
	gboolean moved;
	/* While a button pressed on a surface is down, that surface keeps the pointer (an implicit
	 * grab, which clients rely on): a selection or a scrollbar dragged past the window's edge
	 * goes on, and the release reaches the client that had the press. Its scene node tells
	 * where the surface is now. */
	struct wlr_scene_node *held;
	struct wl_listener held_destroy;

	struct wl_listener motion;
	struct wl_listener motion_absolute;
	struct wl_listener button;
	struct wl_listener axis;
	struct wl_listener frame;
	struct wl_listener request_set_cursor;
	struct wl_listener new_virtual_pointer;
};

static uint32_t now_msec(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void set_image(struct zc_cursor *cursor, const char *name)
{
	if (cursor->image == name)
		return;
	/* Images at each output's scale; loading one already there costs nothing. */
	struct zc_output *output;
	wl_list_for_each(output, &cursor->server->outputs, link)
	{
		wlr_xcursor_manager_load(cursor->xcursor_manager, output->wlr_output->scale);
	}
	/* A theme without the name keeps the image shown before; wlroots' built-in arrow is there
	 * without any theme. */
	if (!wlr_xcursor_manager_get_xcursor(cursor->xcursor_manager, name, 1))
		name = DEFAULT_IMAGE;
	wlr_xcursor_manager_set_cursor_image(cursor->xcursor_manager, name, cursor->wlr_cursor);
	cursor->image = name;
}

static const char *resize_image(uint32_t edges)
{
	switch (edges) {
	case WLR_EDGE_TOP:
		return "top_side";
	case WLR_EDGE_BOTTOM:
		return "bottom_side";
	case WLR_EDGE_LEFT:
		return "left_side";
	case WLR_EDGE_RIGHT:
		return "right_side";
	case WLR_EDGE_TOP | WLR_EDGE_LEFT:
		return "top_left_corner";
	case WLR_EDGE_TOP | WLR_EDGE_RIGHT:
		return "top_right_corner";
	case WLR_EDGE_BOTTOM | WLR_EDGE_LEFT:
		return "bottom_left_corner";
	default:
		return "bottom_right_corner";
	}
}

/* What is under the pointer: a surface with the position in it, and the window it belongs to
 * (NULL for layer surfaces; with no surface, the pointer is on the window's frame). */
struct hit {
	struct wlr_surface *surface;
	struct wlr_scene_node *node; /* the surface's */
	double sx, sy;
	struct zc_view *view;
};

static struct hit hit_test(struct zc_cursor *cursor)
{
	struct hit hit = { 0 };
	struct zc_server *server = cursor->server;
	/* Disabled trees (the desktops not shown) hold nothing the pointer can reach. */
	struct wlr_scene_node *node = wlr_scene_node_at(&server->scene->node, cursor->wlr_cursor->x,
							cursor->wlr_cursor->y, &hit.sx, &hit.sy);
	if (!node)
		return hit;
	if (node->type == WLR_SCENE_NODE_SURFACE) {
		hit.surface = wlr_scene_surface_from_node(node)->surface;
		hit.node = node;
	}
	hit.view = zc_view_from_node(server, node);
	return hit;
}

/* The edges of view's frame the pointer is on: its outer border resizes, the rest of the title
 * bar (0) moves. */
static uint32_t frame_edges(struct zc_cursor *cursor, struct zc_view *view)
{
	struct wlr_box frame = zc_view_frame_box(view);
	double x = cursor->wlr_cursor->x - frame.x, y = cursor->wlr_cursor->y - frame.y;
	uint32_t edges = 0;
	if (x < ZC_DECORATION_BORDER)
		edges |= WLR_EDGE_LEFT;
	else if (x >= frame.width - ZC_DECORATION_BORDER)
		edges |= WLR_EDGE_RIGHT;
	if (y < ZC_DECORATION_BORDER)
		edges |= WLR_EDGE_TOP;
	else if (y >= frame.height - ZC_DECORATION_BORDER)
		edges |= WLR_EDGE_BOTTOM;
	return edges;
}

/* Gives the pointer to the surface under it, or shows the compositor's image over a frame or
 * nothing. Returns what is there. */
static struct hit focus_pointer(struct zc_cursor *cursor, uint32_t time)
{
	struct wlr_seat *seat = cursor->server->seat;
	struct hit hit = hit_test(cursor);
	if (!hit.surface) {
		wlr_seat_pointer_clear_focus(seat);
		uint32_t edges = hit.view ? frame_edges(cursor, hit.view) : 0;
		set_image(cursor, edges ? resize_image(edges) : DEFAULT_IMAGE);
		return hit;
	}
	/* The arrow until the client sets its own image (request_set_cursor, on enter). */
	if (seat->pointer_state.focused_surface != hit.surface)
		set_image(cursor, DEFAULT_IMAGE);
	wlr_seat_pointer_notify_enter(seat, hit.surface, hit.sx, hit.sy);
	wlr_seat_pointer_notify_motion(seat, time, hit.sx, hit.sy);
	return hit;
}

static void release_hold(struct zc_cursor *cursor)
{
	if (!cursor->held)
		return;
	wl_list_remove(&cursor->held_destroy.link);
	cursor->held = NULL;
}

static void handle_held_destroy(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, held_destroy);
	release_hold(cursor);
}

static void hold(struct zc_cursor *cursor, struct wlr_scene_node *node)
{
	if (cursor->held)
		return;
	cursor->held = node;
	cursor->held_destroy.notify = handle_held_destroy;
	wl_signal_add(&node->events.destroy, &cursor->held_destroy);
}

/* Sends motion to the held surface, wherever the pointer is. Returns whether there is one: while
 * another grab runs (a popup's), the pointer goes where that grab lets it. */
static gboolean move_held(struct zc_cursor *cursor, uint32_t time)
{
	struct wlr_seat *seat = cursor->server->seat;
	if (!cursor->held || wlr_seat_pointer_has_grab(seat))
		return FALSE;
	int x, y;
	wlr_scene_node_coords(cursor->held, &x, &y);
	wlr_seat_pointer_notify_motion(seat, time, cursor->wlr_cursor->x - x,
				       cursor->wlr_cursor->y - y);
	return TRUE;
}

static void end_drag(struct zc_cursor *cursor)
{
	if (cursor->mode == CURSOR_RESIZE)
		zc_view_set_resizing(cursor->grabbed, false);
	cursor->mode = CURSOR_PASSTHROUGH;
	cursor->grabbed = NULL;
}

void zc_cursor_update_focus(struct zc_cursor *cursor)
{
	/* A window that went away with its desktop loses the pointer, even with a button down. */
	release_hold(cursor);
	/* A window dragged away with its desktop stays where it is. */
	if (cursor->grabbed && cursor->grabbed->desktop != cursor->server->shown)
		end_drag(cursor);
	/* Before any pointer moved, the cursor is nowhere the user can see. */
	if (cursor->moved && cursor->mode == CURSOR_PASSTHROUGH)
		focus_pointer(cursor, now_msec());
}

static void drag(struct zc_cursor *cursor)
{
	int dx = (int)(cursor->wlr_cursor->x - cursor->grab_x);
	int dy = (int)(cursor->wlr_cursor->y - cursor->grab_y);
	struct wlr_box box = cursor->grab_box;
	if (cursor->mode == CURSOR_MOVE) {
		zc_view_move(cursor->grabbed, box.x + dx, box.y + dy);
		return;
	}
	uint32_t edges = cursor->resize_edges;
	if (edges & WLR_EDGE_LEFT) {
		box.x += dx;
		box.width -= dx;
	} else if (edges & WLR_EDGE_RIGHT) {
		box.width += dx;
	}
	if (edges & WLR_EDGE_TOP) {
		box.y += dy;
		box.height -= dy;
	} else if (edges & WLR_EDGE_BOTTOM) {
		box.height += dy;
	}
	zc_view_resize(cursor->grabbed, edges, box);
}

static void process_motion(struct zc_cursor *cursor, uint32_t time)
{
	zc_idle_notify_activity(cursor->server);
	cursor->moved = TRUE;
	if (cursor->mode != CURSOR_PASSTHROUGH)
		drag(cursor);
	else if (!move_held(cursor, time))
		focus_pointer(cursor, time);
}

static void handle_motion(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, motion);
	struct wlr_event_pointer_motion *event = data;
	wlr_cursor_move(cursor->wlr_cursor, event->device, event->delta_x, event->delta_y);
	process_motion(cursor, event->time_msec);
}

static void handle_motion_absolute(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, motion_absolute);
	struct wlr_event_pointer_motion_absolute *event = data;
	wlr_cursor_warp_absolute(cursor->wlr_cursor, event->device, event->x, event->y);
	process_motion(cursor, event->time_msec);
}

static void begin_drag(struct zc_cursor *cursor, struct zc_view *view, enum cursor_mode mode,
		       uint32_t edges)
{
	zc_view_float(view);
	zc_view_focus(view);
	cursor->mode = mode;
	cursor->grabbed = view;
	cursor->grab_x = cursor->wlr_cursor->x;
	cursor->grab_y = cursor->wlr_cursor->y;
	cursor->grab_box = zc_view_frame_box(view);
	cursor->resize_edges = edges;
	/* The client gets the pointer back, and sets its image again, when the drag ends. */
	release_hold(cursor);
	wlr_seat_pointer_clear_focus(cursor->server->seat);
	if (mode == CURSOR_RESIZE)
		zc_view_set_resizing(view, true);
	set_image(cursor, mode == CURSOR_MOVE ? "grabbing" : resize_image(edges));
}

void zc_cursor_begin_move(struct zc_cursor *cursor, struct zc_view *view)
{
	if (cursor->mode != CURSOR_PASSTHROUGH)
		return;
	begin_drag(cursor, view, CURSOR_MOVE, 0);
}

void zc_cursor_begin_resize(struct zc_cursor *cursor, struct zc_view *view, uint32_t edges)
{
	if (cursor->mode != CURSOR_PASSTHROUGH || !edges)
		return;
	begin_drag(cursor, view, CURSOR_RESIZE, edges);
}

void zc_cursor_forget_view(struct zc_cursor *cursor, struct zc_view *view)
{
	if (!cursor)
		return;
	if (cursor->grabbed == view)
		end_drag(cursor);
	/* An unmapped window keeps its nodes, but must not keep the pointer. */
	if (cursor->held && zc_view_from_node(cursor->server, cursor->held) == view)
		release_hold(cursor);
}

static gboolean super_held(struct zc_server *server)
{
	struct wlr_keyboard *keyboard = wlr_seat_get_keyboard(server->seat);
	return keyboard && (wlr_keyboard_get_modifiers(keyboard) & WLR_MODIFIER_LOGO);
}

/* A press the compositor takes for itself: Super+left or right button on a window, or the left
 * button on a frame. Returns whether it did. */
static gboolean press_binding(struct zc_cursor *cursor, const struct hit *hit, uint32_t button)
{
	if (!hit->view)
		return FALSE;
	if (super_held(cursor->server)) {
		if (button == BTN_LEFT)
			begin_drag(cursor, hit->view, CURSOR_MOVE, 0);
		else if (button == BTN_RIGHT)
			begin_drag(cursor, hit->view, CURSOR_RESIZE,
				   WLR_EDGE_RIGHT | WLR_EDGE_BOTTOM);
		else
			return FALSE;
		return TRUE;
	}
	if (hit->surface || button != BTN_LEFT)
		return FALSE;
	uint32_t edges = frame_edges(cursor, hit->view);
	begin_drag(cursor, hit->view, edges ? CURSOR_RESIZE : CURSOR_MOVE, edges);
	return TRUE;
}

static void handle_button(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, button);
	struct wlr_event_pointer_button *event = data;
	struct zc_server *server = cursor->server;
	zc_idle_notify_activity(server);
	if (event->state == WLR_BUTTON_RELEASED) {
		/* The seat learns of every release, so that its count of pressed buttons (and a
		 * client's implicit grab) ends even when the press started a drag. */
		wlr_seat_pointer_notify_button(server->seat, event->time_msec, event->button,
					       event->state);
		if (cursor->mode != CURSOR_PASSTHROUGH) {
			end_drag(cursor);
			focus_pointer(cursor, event->time_msec);
		} else if (cursor->held && server->seat->pointer_state.button_count == 0) {
			/* The last button is up: the pointer goes to whatever is under it. */
			release_hold(cursor);
			focus_pointer(cursor, event->time_msec);
		}
		return;
	}
	if (cursor->mode != CURSOR_PASSTHROUGH)
		return;
	/* Another button while one is down on a surface: the same surface's. */
	if (cursor->held && !wlr_seat_pointer_has_grab(server->seat)) {
		wlr_seat_pointer_notify_button(server->seat, event->time_msec, event->button,
					       event->state);
		return;
	}
	/* What is under the pointer now, not when it last moved: the desktop may have changed. */
	struct hit hit = focus_pointer(cursor, event->time_msec);
	if (hit.view)
		zc_view_focus(hit.view);
	if (press_binding(cursor, &hit, event->button))
		return;
	wlr_seat_pointer_notify_button(server->seat, event->time_msec, event->button, event->state);
	if (hit.surface && server->seat->pointer_state.focused_surface == hit.surface)
		hold(cursor, hit.node);
}

static void handle_axis(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, axis);
	struct wlr_event_pointer_axis *event = data;
	zc_idle_notify_activity(cursor->server);
	if (cursor->mode != CURSOR_PASSTHROUGH)
		return;
	wlr_seat_pointer_notify_axis(cursor->server->seat, event->time_msec, event->orientation,
				     event->delta, event->delta_discrete, event->source);
}

static void handle_frame(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, frame);
	wlr_seat_pointer_notify_frame(cursor->server->seat);
}

/* Only the client under the pointer chooses its image. */
static void handle_request_set_cursor(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, request_set_cursor);
	struct wlr_seat_pointer_request_set_cursor_event *event = data;
	struct wlr_seat *seat = cursor->server->seat;
	if (cursor->mode != CURSOR_PASSTHROUGH ||
	    event->seat_client != seat->pointer_state.focused_client)
		return;
	wlr_cursor_set_surface(cursor->wlr_cursor, event->surface, event->hotspot_x,
			       event->hotspot_y);
	cursor->image = NULL;
}

static void attach(struct zc_cursor *cursor, struct wlr_input_device *device)
{
	wlr_cursor_attach_input_device(cursor->wlr_cursor, device);
	struct wlr_seat *seat = cursor->server->seat;
	wlr_seat_set_capabilities(seat, seat->capabilities | WL_SEAT_CAPABILITY_POINTER);
}

void zc_cursor_add_pointer(struct zc_cursor *cursor, struct wlr_input_device *device)
{
	attach(cursor, device);
}

static void handle_new_virtual_pointer(struct wl_listener *listener, void *data)
{
	struct zc_cursor *cursor = wl_container_of(listener, cursor, new_virtual_pointer);
	struct wlr_virtual_pointer_v1_new_pointer_event *event = data;
	struct wlr_input_device *device = &event->new_pointer->input_device;
	attach(cursor, device);
	if (event->suggested_output)
		wlr_cursor_map_input_to_output(cursor->wlr_cursor, device, event->suggested_output);
}

struct zc_cursor *zc_cursor_create(struct zc_server *server)
{
	struct zc_cursor *cursor = g_new0(struct zc_cursor, 1);
	cursor->server = server;
	cursor->wlr_cursor = wlr_cursor_create();
	wlr_cursor_attach_output_layout(cursor->wlr_cursor, server->output_layout);
	/* The user's theme and size, as for X11 and other compositors; wlroots has an arrow of
	 * its own when there is no theme. */
	const char *size_text = g_getenv("XCURSOR_SIZE");
	int size = size_text ? atoi(size_text) : 0;
	cursor->xcursor_manager =
		wlr_xcursor_manager_create(g_getenv("XCURSOR_THEME"), size > 0 ? size : 24);
	wlr_xcursor_manager_load(cursor->xcursor_manager, 1);

	struct wlr_cursor *wlr_cursor = cursor->wlr_cursor;
	cursor->motion.notify = handle_motion;
	wl_signal_add(&wlr_cursor->events.motion, &cursor->motion);
	cursor->motion_absolute.notify = handle_motion_absolute;
	wl_signal_add(&wlr_cursor->events.motion_absolute, &cursor->motion_absolute);
	cursor->button.notify = handle_button;
	wl_signal_add(&wlr_cursor->events.button, &cursor->button);
	cursor->axis.notify = handle_axis;
	wl_signal_add(&wlr_cursor->events.axis, &cursor->axis);
	cursor->frame.notify = handle_frame;
	wl_signal_add(&wlr_cursor->events.frame, &cursor->frame);
	cursor->request_set_cursor.notify = handle_request_set_cursor;
	wl_signal_add(&server->seat->events.request_set_cursor, &cursor->request_set_cursor);

	/* Privileged: client.c's global filter hides it from desktop clients. */
	struct wlr_virtual_pointer_manager_v1 *virtual_pointers =
		wlr_virtual_pointer_manager_v1_create(server->display);
	cursor->new_virtual_pointer.notify = handle_new_virtual_pointer;
	wl_signal_add(&virtual_pointers->events.new_virtual_pointer, &cursor->new_virtual_pointer);
	return cursor;
}

void zc_cursor_destroy(struct zc_cursor *cursor)
{
	if (!cursor)
		return;
	release_hold(cursor);
	wl_list_remove(&cursor->motion.link);
	wl_list_remove(&cursor->motion_absolute.link);
	wl_list_remove(&cursor->button.link);
	wl_list_remove(&cursor->axis.link);
	wl_list_remove(&cursor->frame.link);
	wl_list_remove(&cursor->request_set_cursor.link);
	wl_list_remove(&cursor->new_virtual_pointer.link);
	wlr_xcursor_manager_destroy(cursor->xcursor_manager);
	wlr_cursor_destroy(cursor->wlr_cursor);
	g_free(cursor);
}
