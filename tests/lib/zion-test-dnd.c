/* The test client's drag and drop: a source with one text type, a target that accepts it. */
#include "zion-test-dnd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <wayland-client.h>

#define TEXT_TYPE "text/plain;charset=utf-8"

struct zt_dnd {
	ZtClient *client;
	struct wl_data_device_manager *manager;
	struct wl_data_device *device;
	/* As a source: the drag's source until it is cancelled or finished, and what it offers. */
	struct wl_data_source *source;
	char *text;
	gboolean cancelled, finished;
	/* As a target: the offer of the drag over the client's window, the offer dropped on it
	 * (read after the drag is over: wlroots sends a leave after the drop), and the events so
	 * far.
	 */
	struct wl_data_offer *offer, *dropped;
	guint enters, motions, leaves, drops;
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtDnd *dnd = data;
	if (strcmp(interface, wl_data_device_manager_interface.name) == 0)
		dnd->manager =
			wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3);
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

static void forget_offer(struct wl_data_offer **offer)
{
	if (*offer)
		wl_data_offer_destroy(*offer);
	*offer = NULL;
}

static void handle_enter(void *data, struct wl_data_device *device, uint32_t serial,
			 struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y,
			 struct wl_data_offer *offer)
{
	ZtDnd *dnd = data;
	dnd->enters++;
	forget_offer(&dnd->offer);
	dnd->offer = offer;
	if (!offer)
		return;
	/* As an application that takes text: the compositor drops only what the target accepted,
	 * with an action both sides agree on. */
	wl_data_offer_accept(offer, serial, TEXT_TYPE);
	wl_data_offer_set_actions(offer, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY,
				  WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
}

static void handle_leave(void *data, struct wl_data_device *device)
{
	ZtDnd *dnd = data;
	dnd->leaves++;
	forget_offer(&dnd->offer);
}

static void handle_motion(void *data, struct wl_data_device *device, uint32_t time, wl_fixed_t x,
			  wl_fixed_t y)
{
	ZtDnd *dnd = data;
	dnd->motions++;
}

static void handle_drop(void *data, struct wl_data_device *device)
{
	ZtDnd *dnd = data;
	dnd->drops++;
	forget_offer(&dnd->dropped);
	dnd->dropped = g_steal_pointer(&dnd->offer);
}

/* The selection is zion-test-clipboard's business. */
static void handle_selection(void *data, struct wl_data_device *device, struct wl_data_offer *offer)
{
	if (offer)
		wl_data_offer_destroy(offer);
}

static const struct wl_data_device_listener device_listener = {
	.data_offer = handle_data_offer,
	.enter = handle_enter,
	.leave = handle_leave,
	.motion = handle_motion,
	.drop = handle_drop,
	.selection = handle_selection,
};

static void handle_target(void *data, struct wl_data_source *source, const char *mime_type)
{
}

static void handle_send(void *data, struct wl_data_source *source, const char *mime_type,
			int32_t fd)
{
	ZtDnd *dnd = data;
	if (strcmp(mime_type, TEXT_TYPE) == 0) {
		gsize length = strlen(dnd->text), written = 0;
		while (written < length) {
			ssize_t n = write(fd, dnd->text + written, length - written);
			if (n < 0 && errno == EINTR)
				continue;
			g_assert_cmpint(n, >, 0);
			written += (gsize)n;
		}
	}
	close(fd);
}

static void source_done(ZtDnd *dnd, struct wl_data_source *source)
{
	if (source == dnd->source)
		dnd->source = NULL;
	wl_data_source_destroy(source);
}

static void handle_cancelled(void *data, struct wl_data_source *source)
{
	ZtDnd *dnd = data;
	dnd->cancelled = TRUE;
	source_done(dnd, source);
}

static void handle_dnd_drop_performed(void *data, struct wl_data_source *source)
{
}

static void handle_dnd_finished(void *data, struct wl_data_source *source)
{
	ZtDnd *dnd = data;
	dnd->finished = TRUE;
	source_done(dnd, source);
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

ZtDnd *zt_dnd_new(ZtClient *client)
{
	ZtDnd *dnd = g_new0(ZtDnd, 1);
	dnd->client = client;
	struct wl_registry *registry = wl_display_get_registry(zt_client_display(client));
	wl_registry_add_listener(registry, &registry_listener, dnd);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(dnd->manager);
	dnd->device = wl_data_device_manager_get_data_device(dnd->manager, zt_client_seat(client));
	wl_data_device_add_listener(dnd->device, &device_listener, dnd);
	zt_client_roundtrip(client);
	return dnd;
}

void zt_dnd_free(ZtDnd *dnd)
{
	forget_offer(&dnd->offer);
	forget_offer(&dnd->dropped);
	if (dnd->source)
		wl_data_source_destroy(dnd->source);
	wl_data_device_release(dnd->device);
	wl_data_device_manager_destroy(dnd->manager);
	g_free(dnd->text);
	g_free(dnd);
}

void zt_dnd_start_drag(ZtDnd *dnd, ZtWindow *window, const char *text, uint32_t serial)
{
	zt_client_roundtrip(dnd->client);
	if (!serial)
		serial = zt_client_button_serial(dnd->client);
	g_free(dnd->text);
	dnd->text = g_strdup(text);
	dnd->cancelled = dnd->finished = FALSE;
	if (dnd->source)
		wl_data_source_destroy(dnd->source);
	dnd->source = wl_data_device_manager_create_data_source(dnd->manager);
	wl_data_source_add_listener(dnd->source, &source_listener, dnd);
	wl_data_source_offer(dnd->source, TEXT_TYPE);
	wl_data_source_set_actions(dnd->source, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
	wl_data_device_start_drag(dnd->device, dnd->source, zt_window_surface(window), NULL,
				  serial);
	zt_client_roundtrip(dnd->client);
}

gboolean zt_dnd_source_cancelled(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->cancelled;
}

gboolean zt_dnd_source_finished(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->finished;
}

guint zt_dnd_enters(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->enters;
}

guint zt_dnd_motions(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->motions;
}

guint zt_dnd_leaves(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->leaves;
}

guint zt_dnd_drops(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	return dnd->drops;
}

char *zt_dnd_receive(ZtDnd *dnd)
{
	zt_client_roundtrip(dnd->client);
	g_assert_nonnull(dnd->dropped);
	int pipe_fds[2];
	g_assert_cmpint(pipe2(pipe_fds, O_CLOEXEC), ==, 0);
	wl_data_offer_receive(dnd->dropped, TEXT_TYPE, pipe_fds[1]);
	close(pipe_fds[1]);
	g_assert_cmpint(wl_display_flush(zt_client_display(dnd->client)), >=, 0);
	g_autoptr(GBytes) bytes = zt_clients_read_to_end(pipe_fds[0]);
	close(pipe_fds[0]);
	wl_data_offer_finish(dnd->dropped);
	forget_offer(&dnd->dropped);
	zt_client_roundtrip(dnd->client);
	gsize size;
	const char *data = g_bytes_get_data(bytes, &size);
	return g_strndup(data ? data : "", size);
}
