/* The test client's wl_data_device and primary selection device: copying text and reading the
 * offered selections. */
#include "zion-test-clipboard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <wayland-client.h>

#include "primary-selection-unstable-v1-client-protocol.h"

#define TEXT_TYPE "text/plain;charset=utf-8"
/* How long a copy may take before the test gives up on it. */
#define DEADLINE_US (5 * G_USEC_PER_SEC)

struct zt_clipboard {
	ZtClient *client;
	struct wl_data_device_manager *manager;
	struct wl_data_device *device;
	struct wl_data_offer *offer;   /* the selection offered now, or NULL */
	struct wl_data_source *source; /* the client's copy until the compositor cancels it */
	char *text;
	guint reads; /* how many times the copy was handed over */
	/* The same for the primary selection (NULL manager: the compositor offers none). */
	struct zwp_primary_selection_device_manager_v1 *primary_manager;
	struct zwp_primary_selection_device_v1 *primary_device;
	struct zwp_primary_selection_offer_v1 *primary_offer;
	struct zwp_primary_selection_source_v1 *primary_source;
	char *primary_text;
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtClipboard *clipboard = data;
	if (strcmp(interface, wl_data_device_manager_interface.name) == 0)
		clipboard->manager =
			wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3);
	else if (strcmp(interface, zwp_primary_selection_device_manager_v1_interface.name) == 0)
		clipboard->primary_manager = wl_registry_bind(
			registry, name, &zwp_primary_selection_device_manager_v1_interface, 1);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

/* The offer's own events (its types, its actions) are dropped: it has no listener. */
static void handle_data_offer(void *data, struct wl_data_device *device,
			      struct wl_data_offer *offer)
{
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

/* Hands text over as an application does, however much the reader takes: a reader that goes away
 * (the compositor refusing a selection too large) ends the write. */
static void write_text(const char *text, int fd)
{
	gsize length = strlen(text), written = 0;
	while (written < length) {
		ssize_t n = write(fd, text + written, length - written);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_assert_cmpint(errno, ==, EPIPE);
			break;
		}
		written += (gsize)n;
	}
	close(fd);
}

static void handle_target(void *data, struct wl_data_source *source, const char *mime_type)
{
}

static void handle_send(void *data, struct wl_data_source *source, const char *mime_type,
			int32_t fd)
{
	ZtClipboard *clipboard = data;
	if (strcmp(mime_type, TEXT_TYPE) == 0)
		write_text(clipboard->text, fd);
	else
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

static void handle_primary_offer_type(void *data, struct zwp_primary_selection_offer_v1 *offer,
				      const char *mime_type)
{
}

static const struct zwp_primary_selection_offer_v1_listener primary_offer_listener = {
	.offer = handle_primary_offer_type,
};

static void handle_primary_data_offer(void *data, struct zwp_primary_selection_device_v1 *device,
				      struct zwp_primary_selection_offer_v1 *offer)
{
	zwp_primary_selection_offer_v1_add_listener(offer, &primary_offer_listener, NULL);
}

static void handle_primary_selection(void *data, struct zwp_primary_selection_device_v1 *device,
				     struct zwp_primary_selection_offer_v1 *offer)
{
	ZtClipboard *clipboard = data;
	if (clipboard->primary_offer && clipboard->primary_offer != offer)
		zwp_primary_selection_offer_v1_destroy(clipboard->primary_offer);
	clipboard->primary_offer = offer;
}

static const struct zwp_primary_selection_device_v1_listener primary_device_listener = {
	.data_offer = handle_primary_data_offer,
	.selection = handle_primary_selection,
};

static void handle_primary_send(void *data, struct zwp_primary_selection_source_v1 *source,
				const char *mime_type, int32_t fd)
{
	ZtClipboard *clipboard = data;
	if (strcmp(mime_type, TEXT_TYPE) == 0)
		write_text(clipboard->primary_text, fd);
	else
		close(fd);
}

static void handle_primary_cancelled(void *data, struct zwp_primary_selection_source_v1 *source)
{
	ZtClipboard *clipboard = data;
	if (source == clipboard->primary_source)
		clipboard->primary_source = NULL;
	zwp_primary_selection_source_v1_destroy(source);
}

static const struct zwp_primary_selection_source_v1_listener primary_source_listener = {
	.send = handle_primary_send,
	.cancelled = handle_primary_cancelled,
};

ZtClipboard *zt_clipboard_new(ZtClient *client)
{
	/* As applications do: a reader that goes away makes a write fail instead of killing the
	 * test. */
	signal(SIGPIPE, SIG_IGN);
	ZtClipboard *clipboard = g_new0(ZtClipboard, 1);
	clipboard->client = client;
	struct wl_registry *registry = wl_display_get_registry(zt_client_display(client));
	wl_registry_add_listener(registry, &registry_listener, clipboard);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(clipboard->manager);
	struct wl_seat *seat = zt_client_seat(client);
	clipboard->device = wl_data_device_manager_get_data_device(clipboard->manager, seat);
	wl_data_device_add_listener(clipboard->device, &device_listener, clipboard);
	if (clipboard->primary_manager) {
		clipboard->primary_device = zwp_primary_selection_device_manager_v1_get_device(
			clipboard->primary_manager, seat);
		zwp_primary_selection_device_v1_add_listener(clipboard->primary_device,
							     &primary_device_listener, clipboard);
	}
	zt_client_roundtrip(client);
	return clipboard;
}

void zt_clipboard_free(ZtClipboard *clipboard)
{
	if (clipboard->offer)
		wl_data_offer_destroy(clipboard->offer);
	if (clipboard->source)
		wl_data_source_destroy(clipboard->source);
	wl_data_device_release(clipboard->device);
	wl_data_device_manager_destroy(clipboard->manager);
	if (clipboard->primary_offer)
		zwp_primary_selection_offer_v1_destroy(clipboard->primary_offer);
	if (clipboard->primary_source)
		zwp_primary_selection_source_v1_destroy(clipboard->primary_source);
	if (clipboard->primary_device)
		zwp_primary_selection_device_v1_destroy(clipboard->primary_device);
	if (clipboard->primary_manager)
		zwp_primary_selection_device_manager_v1_destroy(clipboard->primary_manager);
	g_free(clipboard->text);
	g_free(clipboard->primary_text);
	g_free(clipboard);
}

/* The latest focus: a selection set with an older serial than the one it replaces is refused. */
static uint32_t copy_serial(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	uint32_t serial = zt_client_keyboard_serial(clipboard->client);
	g_assert_cmpuint(serial, !=, 0);
	return serial;
}

void zt_clipboard_copy(ZtClipboard *clipboard, const char *text)
{
	uint32_t serial = copy_serial(clipboard);
	g_free(clipboard->text);
	clipboard->text = g_strdup(text);
	/* A copy before stays until the compositor cancels it, as in any application. */
	clipboard->source = wl_data_device_manager_create_data_source(clipboard->manager);
	wl_data_source_add_listener(clipboard->source, &source_listener, clipboard);
	wl_data_source_offer(clipboard->source, TEXT_TYPE);
	wl_data_device_set_selection(clipboard->device, clipboard->source, serial);
	zt_client_roundtrip(clipboard->client);
}

void zt_clipboard_select(ZtClipboard *clipboard, const char *text)
{
	g_assert_nonnull(clipboard->primary_device);
	uint32_t serial = copy_serial(clipboard);
	g_free(clipboard->primary_text);
	clipboard->primary_text = g_strdup(text);
	clipboard->primary_source =
		zwp_primary_selection_device_manager_v1_create_source(clipboard->primary_manager);
	zwp_primary_selection_source_v1_add_listener(clipboard->primary_source,
						     &primary_source_listener, clipboard);
	zwp_primary_selection_source_v1_offer(clipboard->primary_source, TEXT_TYPE);
	zwp_primary_selection_device_v1_set_selection(clipboard->primary_device,
						      clipboard->primary_source, serial);
	zt_client_roundtrip(clipboard->client);
}

gboolean zt_clipboard_owns_selection(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	return clipboard->source != NULL;
}

gboolean zt_clipboard_owns_primary(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	return clipboard->primary_source != NULL;
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

/* Reads what was asked for through pipe_fds while every client of the process answers. */
static char *read_pipe(ZtClipboard *clipboard, int pipe_fds[2])
{
	close(pipe_fds[1]);
	g_assert_cmpint(wl_display_flush(zt_client_display(clipboard->client)), >=, 0);
	g_autoptr(GBytes) bytes = zt_clients_read_to_end(pipe_fds[0]);
	close(pipe_fds[0]);
	gsize size;
	const char *data = g_bytes_get_data(bytes, &size);
	return g_strndup(data ? data : "", size);
}

char *zt_clipboard_paste(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	if (!clipboard->offer)
		return NULL;
	int pipe_fds[2];
	g_assert_cmpint(pipe2(pipe_fds, O_CLOEXEC), ==, 0);
	wl_data_offer_receive(clipboard->offer, TEXT_TYPE, pipe_fds[1]);
	return read_pipe(clipboard, pipe_fds);
}

char *zt_clipboard_paste_primary(ZtClipboard *clipboard)
{
	zt_client_roundtrip(clipboard->client);
	if (!clipboard->primary_offer)
		return NULL;
	int pipe_fds[2];
	g_assert_cmpint(pipe2(pipe_fds, O_CLOEXEC), ==, 0);
	zwp_primary_selection_offer_v1_receive(clipboard->primary_offer, TEXT_TYPE, pipe_fds[1]);
	return read_pipe(clipboard, pipe_fds);
}
