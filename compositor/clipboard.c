/* Per-desktop selections, and the seat's proxies for the shown desktop's. */
#include "clipboard.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/types/wlr_seat.h>

#include "clipboard-transfer.h"
#include "client.h"
#include "desktop.h"
#include "server.h"
#include "xwayland.h"

/* What a desktop's clients copied last; the sources belong to them (or, after a transfer, to the
 * compositor). An X11 source (made by wlroots' X11 window manager for an X11 owner) is held by the
 * seat itself while its desktop has the seat: see hold_directly. */
struct desktop_selections {
	struct zc_clipboard *clipboard;
	struct wlr_data_source *selection;
	uint32_t selection_serial;
	bool selection_x11;
	struct wl_listener selection_destroy;
	struct wlr_primary_selection_source *primary;
	uint32_t primary_serial;
	bool primary_x11;
	struct wl_listener primary_destroy;
};

/* What the seat holds: the target's MIME types, reads forwarded to it. Destroying a proxy frees the
 * proxy alone; the target stays its desktop's. */
struct selection_proxy {
	struct wlr_data_source base;
	struct wlr_data_source *target; /* NULL once it is gone */
	struct wl_listener target_destroy;
};

struct primary_proxy {
	struct wlr_primary_selection_source base;
	struct wlr_primary_selection_source *target; /* NULL once it is gone */
	struct wl_listener target_destroy;
};

/* wlroots frees each MIME type with free(). */
static void copy_mime_types(struct wl_array *to, struct wl_array *from)
{
	char **type;
	wl_array_for_each(type, from)
	{
		char *copy = strdup(*type);
		char **slot = copy ? wl_array_add(to, sizeof(*slot)) : NULL;
		if (!slot) {
			free(copy);
			continue;
		}
		*slot = copy;
	}
}

static void selection_proxy_send(struct wlr_data_source *base, const char *mime_type, int32_t fd)
{
	struct selection_proxy *proxy = wl_container_of(base, proxy, base);
	if (proxy->target)
		wlr_data_source_send(proxy->target, mime_type, fd);
	else
		close(fd);
}

static void selection_proxy_destroy(struct wlr_data_source *base)
{
	struct selection_proxy *proxy = wl_container_of(base, proxy, base);
	wl_list_remove(&proxy->target_destroy.link);
	g_free(proxy);
}

static const struct wlr_data_source_impl selection_proxy_impl = {
	.send = selection_proxy_send,
	.destroy = selection_proxy_destroy,
};

static void handle_selection_target_destroy(struct wl_listener *listener, void *data)
{
	struct selection_proxy *proxy = wl_container_of(listener, proxy, target_destroy);
	wl_list_remove(&proxy->target_destroy.link);
	wl_list_init(&proxy->target_destroy.link);
	proxy->target = NULL;
}

/* With a NULL target, an empty placeholder. */
static struct wlr_data_source *selection_proxy_create(struct wlr_data_source *target)
{
	struct selection_proxy *proxy = g_new0(struct selection_proxy, 1);
	wlr_data_source_init(&proxy->base, &selection_proxy_impl);
	proxy->target = target;
	proxy->target_destroy.notify = handle_selection_target_destroy;
	if (target) {
		copy_mime_types(&proxy->base.mime_types, &target->mime_types);
		wl_signal_add(&target->events.destroy, &proxy->target_destroy);
	} else {
		wl_list_init(&proxy->target_destroy.link);
	}
	return &proxy->base;
}

static void primary_proxy_send(struct wlr_primary_selection_source *base, const char *mime_type,
			       int fd)
{
	struct primary_proxy *proxy = wl_container_of(base, proxy, base);
	if (proxy->target)
		wlr_primary_selection_source_send(proxy->target, mime_type, fd);
	else
		close(fd);
}

static void primary_proxy_destroy(struct wlr_primary_selection_source *base)
{
	struct primary_proxy *proxy = wl_container_of(base, proxy, base);
	wl_list_remove(&proxy->target_destroy.link);
	g_free(proxy);
}

static const struct wlr_primary_selection_source_impl primary_proxy_impl = {
	.send = primary_proxy_send,
	.destroy = primary_proxy_destroy,
};

static void handle_primary_target_destroy(struct wl_listener *listener, void *data)
{
	struct primary_proxy *proxy = wl_container_of(listener, proxy, target_destroy);
	wl_list_remove(&proxy->target_destroy.link);
	wl_list_init(&proxy->target_destroy.link);
	proxy->target = NULL;
}

/* With a NULL target, an empty placeholder. */
static struct wlr_primary_selection_source *
primary_proxy_create(struct wlr_primary_selection_source *target)
{
	struct primary_proxy *proxy = g_new0(struct primary_proxy, 1);
	wlr_primary_selection_source_init(&proxy->base, &primary_proxy_impl);
	proxy->target = target;
	proxy->target_destroy.notify = handle_primary_target_destroy;
	if (target) {
		copy_mime_types(&proxy->base.mime_types, &target->mime_types);
		wl_signal_add(&target->events.destroy, &proxy->target_destroy);
	} else {
		wl_list_init(&proxy->target_destroy.link);
	}
	return &proxy->base;
}

/* The desktop whose selections the seat may offer: the shown one, unless the keyboard is still on
 * a client of another desktop (during a switch, before the focus moves), which must get nothing. */
static struct desktop_selections *selections_of(struct zc_clipboard *clipboard,
						struct zc_desktop *desktop);

static struct desktop_selections *seat_selections(struct zc_clipboard *clipboard)
{
	struct zc_server *server = clipboard->server;
	struct wlr_seat_client *focused = server->seat->keyboard_state.focused_client;
	struct zc_desktop *focused_desktop = focused ? zc_client_desktop(focused->client) : NULL;
	if (!server->shown || (focused_desktop && focused_desktop != server->shown))
		return NULL;
	return selections_of(clipboard, server->shown);
}

/*
 * wlroots' X11 window manager (xwm) mirrors the seat's selection into its X server: whenever the
 * seat's source is not one of xwm's own, it takes the X11 selection for itself, from whichever X11
 * client owned it. So while a desktop's X11 source is its selection, the seat holds that source
 * itself, not a proxy (offer_selection with direct); and only the X server of the desktop the seat
 * serves follows the seat at all (zc_xwayland_follow_seat), so a hidden desktop's X11 clipboard
 * stays with its owner, and its X11 clients neither see nor set the seat's.
 */

/* The seat holds a desktop's own source: swap an empty placeholder in, so that replacing the
 * seat's selection destroys the placeholder and leaves the source its desktop's. */
static void take_back_selection(struct zc_clipboard *clipboard)
{
	struct wlr_seat *seat = clipboard->server->seat;
	clipboard->seat_selection_direct = false;
	if (seat->selection_source != clipboard->seat_selection)
		return;
	wl_list_remove(&seat->selection_source_destroy.link);
	seat->selection_source = selection_proxy_create(NULL);
	wl_signal_add(&seat->selection_source->events.destroy, &seat->selection_source_destroy);
}

static void take_back_primary(struct zc_clipboard *clipboard)
{
	struct wlr_seat *seat = clipboard->server->seat;
	clipboard->seat_primary_direct = false;
	if (seat->primary_selection_source != clipboard->seat_primary)
		return;
	wl_list_remove(&seat->primary_selection_source_destroy.link);
	seat->primary_selection_source = primary_proxy_create(NULL);
	wl_signal_add(&seat->primary_selection_source->events.destroy,
		      &seat->primary_selection_source_destroy);
}

static void offer_selection(struct zc_clipboard *clipboard, struct wlr_data_source *source,
			    bool direct, uint32_t serial)
{
	if (source == clipboard->seat_selection && direct == clipboard->seat_selection_direct)
		return;
	if (clipboard->seat_selection_direct)
		take_back_selection(clipboard);
	clipboard->seat_selection = source;
	clipboard->seat_selection_direct = direct;
	struct wlr_data_source *offered =
		direct || !source ? source : selection_proxy_create(source);
	wlr_seat_set_selection(clipboard->server->seat, offered, serial);
}

static void offer_primary(struct zc_clipboard *clipboard,
			  struct wlr_primary_selection_source *source, bool direct, uint32_t serial)
{
	if (source == clipboard->seat_primary && direct == clipboard->seat_primary_direct)
		return;
	if (clipboard->seat_primary_direct)
		take_back_primary(clipboard);
	clipboard->seat_primary = source;
	clipboard->seat_primary_direct = direct;
	struct wlr_primary_selection_source *offered =
		direct || !source ? source : primary_proxy_create(source);
	clipboard->offering = true;
	wlr_seat_set_primary_selection(clipboard->server->seat, offered, serial);
	clipboard->offering = false;
}

static void follow_seat(struct zc_desktop *desktop, bool follow)
{
	if (desktop && desktop->xwayland)
		zc_xwayland_follow_seat(desktop->xwayland, follow);
}

/* Gives the seat what it may offer now; leaves it alone when that has not changed. */
static void sync_seat(struct zc_clipboard *clipboard)
{
	struct desktop_selections *selections = seat_selections(clipboard);
	struct zc_desktop *desktop = selections ? clipboard->server->shown : NULL;
	if (desktop != clipboard->seat_desktop) {
		/* Emptied first, the X server that followed the seat lets go of the X11 selection
		 * it took for it (its X11 owners keep theirs), then stops following. */
		offer_selection(clipboard, NULL, false, 0);
		offer_primary(clipboard, NULL, false, 0);
		follow_seat(clipboard->seat_desktop, false);
	}
	if (selections) {
		offer_selection(clipboard, selections->selection, selections->selection_x11,
				selections->selection_serial);
		offer_primary(clipboard, selections->primary, selections->primary_x11,
			      selections->primary_serial);
	} else {
		offer_selection(clipboard, NULL, false, 0);
		offer_primary(clipboard, NULL, false, 0);
	}
	if (desktop != clipboard->seat_desktop) {
		clipboard->seat_desktop = desktop;
		/* It takes the X11 selection for a Wayland source now, for its X11 clients. */
		follow_seat(desktop, true);
	}
}

static void handle_selection_destroy(struct wl_listener *listener, void *data)
{
	struct desktop_selections *selections =
		wl_container_of(listener, selections, selection_destroy);
	struct zc_clipboard *clipboard = selections->clipboard;
	wl_list_remove(&selections->selection_destroy.link);
	if (clipboard->seat_selection_direct &&
	    clipboard->seat_selection == selections->selection) {
		/* The seat, which holds it, lets go of it itself (and tells the focused client). */
		clipboard->seat_selection = NULL;
		clipboard->seat_selection_direct = false;
		selections->selection = NULL;
		return;
	}
	selections->selection = NULL;
	sync_seat(clipboard);
}

static void handle_primary_destroy(struct wl_listener *listener, void *data)
{
	struct desktop_selections *selections =
		wl_container_of(listener, selections, primary_destroy);
	struct zc_clipboard *clipboard = selections->clipboard;
	wl_list_remove(&selections->primary_destroy.link);
	if (clipboard->seat_primary_direct && clipboard->seat_primary == selections->primary) {
		clipboard->seat_primary = NULL;
		clipboard->seat_primary_direct = false;
		selections->primary = NULL;
		return;
	}
	selections->primary = NULL;
	sync_seat(clipboard);
}

static void selections_free(struct desktop_selections *selections)
{
	if (selections->selection) {
		wl_list_remove(&selections->selection_destroy.link);
		wlr_data_source_destroy(selections->selection);
	}
	if (selections->primary) {
		wl_list_remove(&selections->primary_destroy.link);
		wlr_primary_selection_source_destroy(selections->primary);
	}
	g_free(selections);
}

static struct desktop_selections *selections_of(struct zc_clipboard *clipboard,
						struct zc_desktop *desktop)
{
	struct desktop_selections *selections = g_hash_table_lookup(clipboard->desktops, desktop);
	if (!selections) {
		selections = g_new0(struct desktop_selections, 1);
		selections->clipboard = clipboard;
		selections->selection_destroy.notify = handle_selection_destroy;
		selections->primary_destroy.notify = handle_primary_destroy;
		g_hash_table_insert(clipboard->desktops, desktop, selections);
	}
	return selections;
}

static void replace_selection(struct desktop_selections *selections, struct wlr_data_source *source,
			      bool x11, uint32_t serial)
{
	struct wlr_data_source *old = selections->selection;
	selections->selection_serial = serial;
	selections->selection_x11 = x11;
	if (source == old)
		return;
	if (old)
		wl_list_remove(&selections->selection_destroy.link);
	selections->selection = source;
	if (source)
		wl_signal_add(&source->events.destroy, &selections->selection_destroy);
	sync_seat(selections->clipboard);
	/* Its client hears it was cancelled, as when any compositor replaces a selection. */
	wlr_data_source_destroy(old);
}

static void replace_primary(struct desktop_selections *selections,
			    struct wlr_primary_selection_source *source, bool x11, uint32_t serial)
{
	struct wlr_primary_selection_source *old = selections->primary;
	selections->primary_serial = serial;
	selections->primary_x11 = x11;
	if (source == old)
		return;
	if (old)
		wl_list_remove(&selections->primary_destroy.link);
	selections->primary = source;
	if (source)
		wl_signal_add(&source->events.destroy, &selections->primary_destroy);
	sync_seat(selections->clipboard);
	wlr_primary_selection_source_destroy(old);
}

/* The desktop of the client asking: its own, or the shown one for the privileged socket. */
static struct desktop_selections *requester_selections(struct zc_clipboard *clipboard, bool *x11)
{
	struct zc_desktop *desktop = g_steal_pointer(&clipboard->requester);
	*x11 = clipboard->requester_x11;
	clipboard->requester_x11 = false;
	return selections_of(clipboard, desktop ? desktop : clipboard->server->shown);
}

static void handle_request_set_selection(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard =
		wl_container_of(listener, clipboard, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	bool x11;
	struct desktop_selections *selections = requester_selections(clipboard, &x11);
	replace_selection(selections, event->source, x11 && event->source, event->serial);
}

static void handle_request_set_primary_selection(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard =
		wl_container_of(listener, clipboard, request_set_primary_selection);
	struct wlr_seat_request_set_primary_selection_event *event = data;
	bool x11;
	struct desktop_selections *selections = requester_selections(clipboard, &x11);
	replace_primary(selections, event->source, x11 && event->source, event->serial);
}

/*
 * wlroots' X11 window manager sets an X11 owner's primary selection on the seat itself, with no
 * request: only the X server of the desktop the seat serves follows it, so it is that desktop's,
 * and the seat (which has just destroyed what it held) keeps it.
 */
static void handle_set_primary_selection(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard =
		wl_container_of(listener, clipboard, set_primary_selection);
	struct wlr_seat *seat = clipboard->server->seat;
	struct wlr_primary_selection_source *source = seat->primary_selection_source;
	if (clipboard->offering || !source || source == clipboard->seat_primary)
		return;
	g_assert(clipboard->seat_desktop);
	clipboard->requester = NULL;
	clipboard->requester_x11 = false;
	clipboard->seat_primary = source;
	clipboard->seat_primary_direct = true;
	replace_primary(selections_of(clipboard, clipboard->seat_desktop), source, true,
			seat->primary_selection_serial);
}

static void handle_focus_change(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard = wl_container_of(listener, clipboard, focus_change);
	sync_seat(clipboard);
}

/*
 * wlroots' selection requests do not say which client sent them, and the desktop is the client's.
 * Every request passes here just before it is dispatched, so the client of a set_selection (of
 * wl_data_device, the primary selection or data control) is known while its request is handled.
 */
static void handle_protocol_message(void *data, enum wl_protocol_logger_type type,
				    const struct wl_protocol_logger_message *message)
{
	struct zc_clipboard *clipboard = data;
	if (type != WL_PROTOCOL_LOGGER_REQUEST)
		return;
	const char *name = message->message->name;
	gboolean selection =
		strcmp(name, "set_selection") == 0 || strcmp(name, "set_primary_selection") == 0;
	clipboard->requester =
		selection ? zc_client_desktop(wl_resource_get_client(message->resource)) : NULL;
	clipboard->requester_x11 = false;
}

struct zc_clipboard *zc_clipboard_create(struct zc_server *server)
{
	struct zc_clipboard *clipboard = g_new0(struct zc_clipboard, 1);
	clipboard->server = server;
	clipboard->desktops =
		g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)selections_free);
	clipboard->logger =
		wl_display_add_protocol_logger(server->display, handle_protocol_message, clipboard);
	clipboard->request_set_selection.notify = handle_request_set_selection;
	wl_signal_add(&server->seat->events.request_set_selection,
		      &clipboard->request_set_selection);
	clipboard->request_set_primary_selection.notify = handle_request_set_primary_selection;
	wl_signal_add(&server->seat->events.request_set_primary_selection,
		      &clipboard->request_set_primary_selection);
	clipboard->set_primary_selection.notify = handle_set_primary_selection;
	wl_signal_add(&server->seat->events.set_primary_selection,
		      &clipboard->set_primary_selection);
	clipboard->focus_change.notify = handle_focus_change;
	wl_signal_add(&server->seat->keyboard_state.events.focus_change, &clipboard->focus_change);
	clipboard->transfer = zc_clipboard_transfer_create(clipboard);
	return clipboard;
}

void zc_clipboard_destroy(struct zc_clipboard *clipboard)
{
	if (!clipboard)
		return;
	zc_clipboard_transfer_destroy(clipboard->transfer);
	wl_list_remove(&clipboard->request_set_selection.link);
	wl_list_remove(&clipboard->request_set_primary_selection.link);
	wl_list_remove(&clipboard->set_primary_selection.link);
	wl_list_remove(&clipboard->focus_change.link);
	wl_protocol_logger_destroy(clipboard->logger);
	/* What the seat holds goes before the sources it forwards to or holds. */
	offer_selection(clipboard, NULL, false, 0);
	offer_primary(clipboard, NULL, false, 0);
	follow_seat(clipboard->seat_desktop, false);
	g_hash_table_unref(clipboard->desktops);
	g_free(clipboard);
}

void zc_clipboard_desktop_shown(struct zc_clipboard *clipboard)
{
	zc_clipboard_transfer_desktop_shown(clipboard->transfer);
	sync_seat(clipboard);
}

void zc_clipboard_set_x11_requester(struct zc_clipboard *clipboard, struct zc_desktop *desktop)
{
	clipboard->requester = desktop;
	clipboard->requester_x11 = true;
}

struct wlr_data_source *zc_clipboard_selection(struct zc_clipboard *clipboard,
					       struct zc_desktop *desktop)
{
	return selections_of(clipboard, desktop)->selection;
}

void zc_clipboard_set_selection(struct zc_clipboard *clipboard, struct zc_desktop *desktop,
				struct wlr_data_source *source)
{
	replace_selection(selections_of(clipboard, desktop), source, false,
			  wl_display_next_serial(clipboard->server->display));
}

void zc_clipboard_drop_x11(struct zc_clipboard *clipboard, struct zc_desktop *desktop)
{
	struct desktop_selections *selections = selections_of(clipboard, desktop);
	uint32_t serial = wl_display_next_serial(clipboard->server->display);
	if (selections->selection_x11)
		replace_selection(selections, NULL, false, serial);
	if (selections->primary_x11)
		replace_primary(selections, NULL, false, serial);
}
