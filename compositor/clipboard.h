/*
 * Per-desktop clipboards. Each desktop keeps its own selection and primary selection: the source a
 * client of that desktop set (clients of the privileged socket act on the shown desktop). The seat
 * never holds a client's source, only a compositor-owned proxy that forwards to the shown desktop's
 * source, so replacing the seat's selection on a switch cancels nothing, and a client never sees
 * another desktop's clipboard; the exception is an X11 source, which the seat holds itself while
 * its desktop is shown, because wlroots' X11 window manager takes the X11 selection from its owner
 * whenever the seat holds any other kind (clipboard.c says more). Copying across desktops is
 * clipboard-transfer.c's explicit action.
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
	 * logger, or an X11 event: zc_clipboard_set_x11_requester), or NULL: the shown one. */
	struct zc_desktop *requester;
	bool requester_x11; /* the request is wlroots' X11 window manager's, for an X11 owner */
	struct wl_protocol_logger *logger;
	/* The desktop whose selections the seat offers, and whose X server alone follows the seat
	 * (NULL: none). */
	struct zc_desktop *seat_desktop;
	/* The desktop sources the seat offers now (NULL: the seat has none): through a proxy, or,
	 * for an X11 source, held by the seat itself (direct). */
	struct wlr_data_source *seat_selection;
	bool seat_selection_direct;
	struct wlr_primary_selection_source *seat_primary;
	bool seat_primary_direct;
	bool offering; /* while clipboard.c sets the seat's primary selection itself */
	struct zc_clipboard_transfer *transfer;

	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
	struct wl_listener set_primary_selection;
	struct wl_listener focus_change;
};

/* Takes over the seat's selection requests; call after the seat exists. */
struct zc_clipboard *zc_clipboard_create(struct zc_server *server);
void zc_clipboard_destroy(struct zc_clipboard *clipboard);

/* Gives the seat the shown desktop's selections; zc_desktop_show calls it before moving the focus.
 * Also takes down a transfer confirmation for another desktop. */
void zc_clipboard_desktop_shown(struct zc_clipboard *clipboard);

/* The seat's next selection request comes from wlroots' X11 window manager, for an X11 client of
 * desktop, rather than by a Wayland request. */
void zc_clipboard_set_x11_requester(struct zc_clipboard *clipboard, struct zc_desktop *desktop);

/* Drops desktop's selections that X11 clients own: for when its X server goes. */
void zc_clipboard_drop_x11(struct zc_clipboard *clipboard, struct zc_desktop *desktop);

/* The desktop's selection source, or NULL when it has none. */
struct wlr_data_source *zc_clipboard_selection(struct zc_clipboard *clipboard,
					       struct zc_desktop *desktop);

/* Makes source (compositor-owned; NULL clears) desktop's selection, destroying the one before. */
void zc_clipboard_set_selection(struct zc_clipboard *clipboard, struct zc_desktop *desktop,
				struct wlr_data_source *source);
