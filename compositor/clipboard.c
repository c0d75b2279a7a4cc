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

/* What a desktop's clients copied last; the sources belong to them (or, after a transfer, to the
 * compositor). */
struct desktop_selections {
	struct zc_clipboard *clipboard;
	struct wlr_data_source *selection;
	uint32_t selection_serial;
	struct wl_listener selection_destroy;
	struct wlr_primary_selection_source *primary;
	uint32_t primary_serial;
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

static struct wlr_data_source *selection_proxy_create(struct wlr_data_source *target)
{
	struct selection_proxy *proxy = g_new0(struct selection_proxy, 1);
	wlr_data_source_init(&proxy->base, &selection_proxy_impl);
	copy_mime_types(&proxy->base.mime_types, &target->mime_types);
	proxy->target = target;
	proxy->target_destroy.notify = handle_selection_target_destroy;
	wl_signal_add(&target->events.destroy, &proxy->target_destroy);
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

static struct wlr_primary_selection_source *
primary_proxy_create(struct wlr_primary_selection_source *target)
{
	struct primary_proxy *proxy = g_new0(struct primary_proxy, 1);
	wlr_primary_selection_source_init(&proxy->base, &primary_proxy_impl);
	copy_mime_types(&proxy->base.mime_types, &target->mime_types);
	proxy->target = target;
	proxy->target_destroy.notify = handle_primary_target_destroy;
	wl_signal_add(&target->events.destroy, &proxy->target_destroy);
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

/* Gives the seat proxies for what it may offer now; leaves it alone when that has not changed. */
static void sync_seat(struct zc_clipboard *clipboard)
{
	struct wlr_seat *seat = clipboard->server->seat;
	struct desktop_selections *selections = seat_selections(clipboard);
	struct wlr_data_source *selection = selections ? selections->selection : NULL;
	if (selection != clipboard->seat_selection) {
		clipboard->seat_selection = selection;
		if (selection)
			wlr_seat_set_selection(seat, selection_proxy_create(selection),
					       selections->selection_serial);
		else
			wlr_seat_set_selection(seat, NULL, 0);
	}
	struct wlr_primary_selection_source *primary = selections ? selections->primary : NULL;
	if (primary != clipboard->seat_primary) {
		clipboard->seat_primary = primary;
		if (primary)
			wlr_seat_set_primary_selection(seat, primary_proxy_create(primary),
						       selections->primary_serial);
		else
			wlr_seat_set_primary_selection(seat, NULL, 0);
	}
}

static void handle_selection_destroy(struct wl_listener *listener, void *data)
{
	struct desktop_selections *selections =
		wl_container_of(listener, selections, selection_destroy);
	wl_list_remove(&selections->selection_destroy.link);
	selections->selection = NULL;
	sync_seat(selections->clipboard);
}

static void handle_primary_destroy(struct wl_listener *listener, void *data)
{
	struct desktop_selections *selections =
		wl_container_of(listener, selections, primary_destroy);
	wl_list_remove(&selections->primary_destroy.link);
	selections->primary = NULL;
	sync_seat(selections->clipboard);
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
			      uint32_t serial)
{
	struct wlr_data_source *old = selections->selection;
	selections->selection_serial = serial;
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
			    struct wlr_primary_selection_source *source, uint32_t serial)
{
	struct wlr_primary_selection_source *old = selections->primary;
	selections->primary_serial = serial;
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
static struct desktop_selections *requester_selections(struct zc_clipboard *clipboard)
{
	struct zc_desktop *desktop = g_steal_pointer(&clipboard->requester);
	return selections_of(clipboard, desktop ? desktop : clipboard->server->shown);
}

static void handle_request_set_selection(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard =
		wl_container_of(listener, clipboard, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	replace_selection(requester_selections(clipboard), event->source, event->serial);
}

static void handle_request_set_primary_selection(struct wl_listener *listener, void *data)
{
	struct zc_clipboard *clipboard =
		wl_container_of(listener, clipboard, request_set_primary_selection);
	struct wlr_seat_request_set_primary_selection_event *event = data;
	replace_primary(requester_selections(clipboard), event->source, event->serial);
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
	wl_list_remove(&clipboard->focus_change.link);
	wl_protocol_logger_destroy(clipboard->logger);
	/* The seat's proxies go before the sources they forward to. */
	wlr_seat_set_selection(clipboard->server->seat, NULL, 0);
	wlr_seat_set_primary_selection(clipboard->server->seat, NULL, 0);
	g_hash_table_unref(clipboard->desktops);
	g_free(clipboard);
}

void zc_clipboard_desktop_shown(struct zc_clipboard *clipboard)
{
	zc_clipboard_transfer_desktop_shown(clipboard->transfer);
	sync_seat(clipboard);
}

void zc_clipboard_set_requester(struct zc_clipboard *clipboard, struct zc_desktop *desktop)
{
	clipboard->requester = desktop;
}

struct wlr_data_source *zc_clipboard_selection(struct zc_clipboard *clipboard,
					       struct zc_desktop *desktop)
{
	return selections_of(clipboard, desktop)->selection;
}

void zc_clipboard_set_selection(struct zc_clipboard *clipboard, struct zc_desktop *desktop,
				struct wlr_data_source *source)
{
	replace_selection(selections_of(clipboard, desktop), source,
			  wl_display_next_serial(clipboard->server->display));
}
