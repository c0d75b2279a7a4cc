/* The test client's wl_data_device: copying text and reading the offered selection. */
#include "zion-test-clipboard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <wayland-client.h>

#define TEXT_TYPE "text/plain;charset=utf-8"
/* How long a read or a copy may take before the test gives up on it. */
#define DEADLINE_US (5 * G_USEC_PER_SEC)

struct zt_clipboard {
	ZtClient *client;
	struct wl_data_device_manager *manager;
	struct wl_data_device *device;
	struct wl_data_offer *offer;   /* the selection offered now, or NULL */
	struct wl_data_source *source; /* the client's copy until the compositor cancels it */
	char *text;
	guint reads; /* how many times the copy was handed over */
};

/* Every clipboard of the process, so that one can answer while another reads. */
static GPtrArray *clipboards;

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtClipboard *clipboard = data;
	if (strcmp(interface, wl_data_device_manager_interface.name) == 0)
		clipboard->manager =
			wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void handle_offer_type(void *data, struct wl_data_offer *offer, const char *mime_type)
{
}

static void handle_offer_source_actions(void *data, struct wl_data_offer *offer, uint32_t actions)
{
}

static void handle_offer_action(void *data, struct wl_data_offer *offer, uint32_t action)
{
}

static const struct wl_data_offer_listener offer_listener = {
	.offer = handle_offer_type,
	.source_actions = handle_offer_source_actions,
	.action = handle_offer_action,
};

static void handle_data_offer(void *data, struct wl_data_device *device,
			      struct wl_data_offer *offer)
{
	wl_data_offer_add_listener(offer, &offer_listener, NULL);
}

static void handle_drag_enter(void *data, struct wl_data_device *device, uint32_t serial,
			      struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y,
			      struct wl_data_offer *offer)
{
}

static void handle_drag_leave(void *data, struct wl_data_device *device)
{
}

static void handle_drag_motion(void *data, struct wl_data_device *device, uint32_t time,
			       wl_fixed_t x, wl_fixed_t y)
{
}

static void handle_drop(void *data, struct wl_data_device *device)
{
}

static void handle_selection(void *data, struct wl_data_device *device, struct wl_data_offer *offer)
{
	ZtClipboard *clipboard = data;
	if (clipboard->offer && clipboard->offer != offer)
		wl_data_offer_destroy(clipboard->offer);
	clipboard->offer = offer;
}

static const struct wl_data_device_listener device_listener = {
	.data_offer = handle_data_offer,
	.enter = handle_drag_enter,
	.leave = handle_drag_leave,
	.motion = handle_drag_motion,
	.drop = handle_drop,
	.selection = handle_selection,
};

static void handle_target(void *data, struct wl_data_source *source, const char *mime_type)
{
}

static void handle_send(void *data, struct wl_data_source *source, const char *mime_type,
			int32_t fd)
{
	ZtClipboard *clipboard = data;
	if (strcmp(mime_type, TEXT_TYPE) == 0) {
		gssize length = (gssize)strlen(clipboard->text);
		g_assert_cmpint(write(fd, clipboard->text, length), ==, length);
	}
	close(fd);
	clipboard->reads++;
}

static void handle_cancelled(void *data, struct wl_data_source *source)
{
	ZtClipboard *clipboard = data;
	if (source == clipboard->source)
		clipboard->source = NULL;
	wl_data_source_destroy(source);
}

static void handle_dnd_drop_performed(void *data, struct wl_data_source *source)
{
}

static void handle_dnd_finished(void *data, struct wl_data_source *source)
{
}

static void handle_source_action(void *data, struct wl_data_source *source, uint32_t action)
{
}

static const struct wl_data_source_listener source_listener = {
	.target = handle_target,
	.send = handle_send,
	.cancelled = handle_cancelled,
	.dnd_drop_performed = handle_dnd_drop_performed,
	.dnd_finished = handle_dnd_finished,
	.action = handle_source_action,
};

ZtClipboard *zt_clipboard_new(ZtClient *client)
{
	ZtClipboard *clipboard = g_new0(ZtClipboard, 1);
	clipboard->client = client;
	struct wl_registry *registry = wl_display_get_registry(zt_client_display(client));
	wl_registry_add_listener(registry, &registry_listener, clipboard);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(clipboard->manager);
	clipboard->device =
		wl_data_device_manager_get_data_device(clipboard->manager, zt_client_seat(client));
	wl_data_device_add_listener(clipboard->device, &device_listener, clipboard);
	zt_client_roundtrip(client);
	if (!clipboards)
		clipboards = g_ptr_array_new();
	g_ptr_array_add(clipboards, clipboard);
	return clipboard;
}

void zt_clipboard_free(ZtClipboard *clipboard)
{
	g_ptr_array_remove(clipboards, clipboard);
	if (clipboard->offer)
		wl_data_offer_destroy(clipboard->offer);
	if (clipboard->source)
		wl_data_source_destroy(clipboard->source);
	wl_data_device_release(clipboard->device);
	wl_data_device_manager_destroy(clipboard->manager);
	g_free(clipboard->text);
	g_free(clipboard);
}

void zt_clipboard_copy(ZtClipboard *clipboard, const char *text)
{
	/* The latest focus: a selection set with an older serial than the one it replaces is
	 * refused. */
	zt_client_roundtrip(clipboard->client);
	uint32_t serial = zt_client_keyboard_serial(clipboard->client);
	g_assert_cmpuint(serial, !=, 0);
	g_free(clipboard->text);
	clipboard->text = g_strdup(text);
	/* A copy before stays until the compositor cancels it, as in any application. */
	clipboard->source = wl_data_device_manager_create_data_source(clipboard->manager);
	wl_data_source_add_listener(clipboard->source, &source_listener, clipboard);
	wl_data_source_offer(clipboard->source, TEXT_TYPE);
	wl_data_device_set_selection(clipboard->device, clipboard->source, serial);
	zt_client_roundtrip(clipboard->client);
}

gboolean zt_clipboard_owns_selection(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	return clipboard->source != NULL;
}

gboolean zt_clipboard_serve(ZtClipboard *clipboard)
{
	struct wl_display *display = zt_client_display(clipboard->client);
	guint before = clipboard->reads;
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	while (clipboard->reads == before) {
		g_assert_cmpint(wl_display_dispatch_pending(display), >=, 0);
		if (clipboard->reads != before)
			break;
		g_assert_cmpint(wl_display_flush(display), >=, 0);
		gint64 left = deadline - g_get_monotonic_time();
		if (left <= 0)
			return FALSE;
		struct pollfd readable = { .fd = wl_display_get_fd(display), .events = POLLIN };
		if (poll(&readable, 1, (int)(left / 1000) + 1) > 0)
			g_assert_cmpint(wl_display_dispatch(display), >=, 0);
	}
	return TRUE;
}

/* Dispatches what every clipboard's client has queued, and lists their connections. */
static GArray *connections_to_answer(void)
{
	GArray *displays = g_array_new(FALSE, FALSE, sizeof(struct wl_display *));
	for (guint i = 0; i < clipboards->len; i++) {
		ZtClipboard *clipboard = g_ptr_array_index(clipboards, i);
		struct wl_display *display = zt_client_display(clipboard->client);
		gboolean listed = FALSE;
		for (guint j = 0; j < displays->len; j++)
			listed |= g_array_index(displays, struct wl_display *, j) == display;
		if (listed)
			continue;
		g_assert_cmpint(wl_display_dispatch_pending(display), >=, 0);
		g_assert_cmpint(wl_display_flush(display), >=, 0);
		g_array_append_val(displays, display);
	}
	return displays;
}

char *zt_clipboard_paste(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	if (!clipboard->offer)
		return NULL;
	int pipe_fds[2];
	g_assert_cmpint(pipe2(pipe_fds, O_CLOEXEC), ==, 0);
	wl_data_offer_receive(clipboard->offer, TEXT_TYPE, pipe_fds[1]);
	close(pipe_fds[1]);
	g_assert_cmpint(wl_display_flush(zt_client_display(clipboard->client)), >=, 0);

	GString *text = g_string_new(NULL);
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	for (;;) {
		g_autoptr(GArray) displays = connections_to_answer();
		g_autoptr(GArray) polled = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
		struct pollfd pipe_readable = { .fd = pipe_fds[0], .events = POLLIN };
		g_array_append_val(polled, pipe_readable);
		for (guint i = 0; i < displays->len; i++) {
			struct wl_display *display =
				g_array_index(displays, struct wl_display *, i);
			struct pollfd readable = { .fd = wl_display_get_fd(display),
						   .events = POLLIN };
			g_array_append_val(polled, readable);
		}
		gint64 left = deadline - g_get_monotonic_time();
		g_assert_cmpint(left, >, 0);
		int ready =
			poll((struct pollfd *)polled->data, polled->len, (int)(left / 1000) + 1);
		g_assert_cmpint(ready, >=, 0);
		for (guint i = 0; i < displays->len; i++) {
			if (g_array_index(polled, struct pollfd, i + 1).revents)
				g_assert_cmpint(wl_display_dispatch(g_array_index(
							displays, struct wl_display *, i)),
						>=, 0);
		}
		if (!g_array_index(polled, struct pollfd, 0).revents)
			continue;
		char chunk[4096];
		ssize_t n = read(pipe_fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		g_assert_cmpint(n, >=, 0);
		if (n == 0)
			break;
		g_string_append_len(text, chunk, n);
	}
	close(pipe_fds[0]);
	return g_string_free(text, FALSE);
}
