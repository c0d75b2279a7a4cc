/* Popup grabs and drags, kept to the shown desktop's focused client. */
#include "grabs.h"

#include <glib.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>

#include "client.h"
#include "server.h"

struct zc_grabs {
	struct zc_server *server;
	/* Set while the compositor starts a drag itself, whose grab is not a popup's. */
	gboolean starting_drag;
	struct wl_event_source *end_idle; /* ends a grab the wrong client took */
	struct wl_listener keyboard_grab_begin;
	struct wl_listener request_start_drag;
};

static void end_grabs_now(void *data)
{
	struct zc_grabs *grabs = data;
	grabs->end_idle = NULL;
	zc_grabs_end(grabs);
}

/*
 * wlroots 0.15 does not check the serial of xdg_popup.grab, so any client could take the keyboard
 * with a popup, even one on a hidden desktop. A popup grab stands only for the client that has the
 * keyboard focus; any other is ended (from an idle callback: not inside wlroots' grab start).
 */
static void handle_keyboard_grab_begin(struct wl_listener *listener, void *data)
{
	struct zc_grabs *grabs = wl_container_of(listener, grabs, keyboard_grab_begin);
	struct wlr_seat_keyboard_grab *grab = data;
	if (grabs->starting_drag)
		return;
	struct wlr_xdg_popup_grab *popup_grab = grab->data;
	struct wlr_seat_client *focused = grabs->server->seat->keyboard_state.focused_client;
	if (focused && focused->client == popup_grab->client)
		return;
	g_message("a popup grab by a client without the keyboard focus is ended");
	if (!grabs->end_idle)
		grabs->end_idle = wl_event_loop_add_idle(
			wl_display_get_event_loop(grabs->server->display), end_grabs_now, grabs);
}

static void refuse_drag(struct zc_grabs *grabs, struct wlr_drag *drag, uint32_t serial)
{
	/* Destroying the source tells its client the drag is cancelled, and wlroots frees a drag
	 * whose source goes. */
	if (drag->source) {
		wlr_data_source_destroy(drag->source);
		return;
	}
	/* With no source, wlroots frees a drag only when it ends: start it, then cancel it at
	 * once. */
	grabs->starting_drag = TRUE;
	wlr_seat_start_drag(grabs->server->seat, drag, serial);
	grabs->starting_drag = FALSE;
	wlr_seat_pointer_end_grab(grabs->server->seat);
	wlr_seat_keyboard_end_grab(grabs->server->seat);
}

static void handle_request_start_drag(struct wl_listener *listener, void *data)
{
	struct zc_grabs *grabs = wl_container_of(listener, grabs, request_start_drag);
	struct wlr_seat_request_start_drag_event *event = data;
	struct zc_server *server = grabs->server;
	struct zc_desktop *desktop =
		event->origin ? zc_client_desktop(wl_resource_get_client(event->origin->resource))
			      : NULL;
	gboolean on_shown = event->origin && (!desktop || desktop == server->shown);
	if (!on_shown ||
	    !wlr_seat_validate_pointer_grab_serial(server->seat, event->origin, event->serial)) {
		refuse_drag(grabs, event->drag, event->serial);
		return;
	}
	grabs->starting_drag = TRUE;
	wlr_seat_start_pointer_drag(server->seat, event->drag, event->serial);
	grabs->starting_drag = FALSE;
}

struct zc_grabs *zc_grabs_create(struct zc_server *server)
{
	struct zc_grabs *grabs = g_new0(struct zc_grabs, 1);
	grabs->server = server;
	grabs->keyboard_grab_begin.notify = handle_keyboard_grab_begin;
	wl_signal_add(&server->seat->events.keyboard_grab_begin, &grabs->keyboard_grab_begin);
	grabs->request_start_drag.notify = handle_request_start_drag;
	wl_signal_add(&server->seat->events.request_start_drag, &grabs->request_start_drag);
	return grabs;
}

void zc_grabs_destroy(struct zc_grabs *grabs)
{
	if (!grabs)
		return;
	if (grabs->end_idle)
		wl_event_source_remove(grabs->end_idle);
	wl_list_remove(&grabs->keyboard_grab_begin.link);
	wl_list_remove(&grabs->request_start_drag.link);
	g_free(grabs);
}

void zc_grabs_end(struct zc_grabs *grabs)
{
	struct wlr_seat *seat = grabs->server->seat;
	/* Ending a drag's grab leaves its source waiting for a drop; destroying the source cancels
	 * it for its client and ends the drag (wlroots does the same when a drop finds no taker).
	 */
	if (seat->drag && seat->drag->source)
		wlr_data_source_destroy(seat->drag->source);
	wlr_seat_keyboard_end_grab(seat);
	wlr_seat_pointer_end_grab(seat);
}
