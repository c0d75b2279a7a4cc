/*
 * Per-desktop clipboards. Each desktop keeps its own selection and primary selection: the source a
 * client of that desktop set (clients of the privileged socket act on the shown desktop). The seat
 * never holds a client's source, only a compositor-owned proxy that forwards to the shown desktop's
 * source, so replacing the seat's selection on a switch cancels nothing, and a client never sees
 * another desktop's clipboard. Copying across desktops is clipboard-transfer.c's explicit action.
 */
#pragma once

#include <glib.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>

struct zc_server;
struct zc_desktop;
struct zc_clipboard_transfer;

struct zc_clipboard {
	struct zc_server *server;
	GHashTable *desktops; /* zc_desktop -> its selections, made on first use */
	/* The desktop of the client whose set_selection request is being dispatched (protocol
	 * logger, or an X11 event: zc_clipboard_set_requester), or NULL: the shown one. */
	struct zc_desktop *requester;
	struct wl_protocol_logger *logger;
	/* The desktop sources the seat's proxies forward to now (NULL: the seat has none). */
	struct wlr_data_source *seat_selection;
	struct wlr_primary_selection_source *seat_primary;
	struct zc_clipboard_transfer *transfer;

	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
	struct wl_listener focus_change;
};

/* Takes over the seat's selection requests; call after the seat exists. */
struct zc_clipboard *zc_clipboard_create(struct zc_server *server);
void zc_clipboard_destroy(struct zc_clipboard *clipboard);

/* Gives the seat the shown desktop's selections; zc_desktop_show calls it before moving the focus.
 * Also takes down a transfer confirmation for another desktop. */
void zc_clipboard_desktop_shown(struct zc_clipboard *clipboard);

/* The seat's next selection request comes from a client of desktop: for requests made from C
 * (wlroots' X11 window manager for an X11 client) rather than by a Wayland request. */
void zc_clipboard_set_requester(struct zc_clipboard *clipboard, struct zc_desktop *desktop);

/* The desktop's selection source, or NULL when it has none. */
struct wlr_data_source *zc_clipboard_selection(struct zc_clipboard *clipboard,
					       struct zc_desktop *desktop);

/* Makes source (compositor-owned; NULL clears) desktop's selection, destroying the one before. */
void zc_clipboard_set_selection(struct zc_clipboard *clipboard, struct zc_desktop *desktop,
				struct wlr_data_source *source);
