/* The Wayland test client: registry, wl_shm buffers and xdg-shell toplevels. */
#include "zion-test-client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

#include "xdg-shell-client-protocol.h"

struct zt_client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard; /* once the seat has one */
	uint32_t keyboard_serial;     /* of the last wl_keyboard.enter */
	guint keys_pressed;	      /* key presses received so far */
	guint keys_released;
	GArray *keys_held;	    /* of uint32_t: pressed and not released (nor left) yet */
	struct wl_pointer *pointer; /* once the seat has one */
	uint32_t button_serial;	    /* of the last button press */
	/* What the pointer events said: the surface entered (NULL after a leave), the last position
	 * in it, and the buttons pressed and released so far. */
	struct wl_surface *pointer_surface;
	double pointer_x, pointer_y;
	int presses, releases;
	GPtrArray *globals; /* interface names */
};

/* Every client of the process, so that some can answer while another waits for data. */
static GPtrArray *clients;

struct zt_window {
	ZtClient *client;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct wl_buffer *buffer;
	int width, height;
	uint32_t argb;
	int configured_width, configured_height;
	gboolean configured;
	gboolean follow_configure;
	gboolean activated;
	gboolean close_requested;
	/* One popup at most (zt_window_open_popup). */
	struct wl_surface *popup_surface;
	struct xdg_surface *popup_xdg_surface;
	struct xdg_popup *popup;
	struct wl_buffer *popup_buffer;
	gboolean popup_configured;
};

static void handle_keymap(void *data, struct wl_keyboard *keyboard, uint32_t format, int32_t fd,
			  uint32_t size)
{
	close(fd);
}

static void handle_enter(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			 struct wl_surface *surface, struct wl_array *keys)
{
	ZtClient *client = data;
	client->keyboard_serial = serial;
}

static void forget_key(ZtClient *client, uint32_t key)
{
	for (guint i = 0; i < client->keys_held->len; i++) {
		if (g_array_index(client->keys_held, uint32_t, i) == key) {
			g_array_remove_index_fast(client->keys_held, i);
			return;
		}
	}
}

/* As applications do, keys held when the focus goes are held no more. */
static void handle_leave(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			 struct wl_surface *surface)
{
	ZtClient *client = data;
	g_array_set_size(client->keys_held, 0);
}

static void handle_key(void *data, struct wl_keyboard *keyboard, uint32_t serial, uint32_t time,
		       uint32_t key, uint32_t state)
{
	ZtClient *client = data;
	forget_key(client, key);
	if (state == WL_KEYBOARD_KEY_STATE_PRESSED) {
		client->keys_pressed++;
		g_array_append_val(client->keys_held, key);
	} else {
		client->keys_released++;
	}
}

static void handle_modifiers(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			     uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group)
{
}

static void handle_repeat_info(void *data, struct wl_keyboard *keyboard, int32_t rate,
			       int32_t delay)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = handle_keymap,
	.enter = handle_enter,
	.leave = handle_leave,
	.key = handle_key,
	.modifiers = handle_modifiers,
	.repeat_info = handle_repeat_info,
};

static void handle_pointer_enter(void *data, struct wl_pointer *pointer, uint32_t serial,
				 struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y)
{
	ZtClient *client = data;
	client->pointer_surface = surface;
	client->pointer_x = wl_fixed_to_double(x);
	client->pointer_y = wl_fixed_to_double(y);
}

static void handle_pointer_leave(void *data, struct wl_pointer *pointer, uint32_t serial,
				 struct wl_surface *surface)
{
	ZtClient *client = data;
	client->pointer_surface = NULL;
}

static void handle_pointer_motion(void *data, struct wl_pointer *pointer, uint32_t time,
				  wl_fixed_t x, wl_fixed_t y)
{
	ZtClient *client = data;
	client->pointer_x = wl_fixed_to_double(x);
	client->pointer_y = wl_fixed_to_double(y);
}

static void handle_pointer_button(void *data, struct wl_pointer *pointer, uint32_t serial,
				  uint32_t time, uint32_t button, uint32_t state)
{
	ZtClient *client = data;
	if (state == WL_POINTER_BUTTON_STATE_PRESSED) {
		client->button_serial = serial;
		client->presses++;
	} else {
		client->releases++;
	}
}

static void handle_pointer_axis(void *data, struct wl_pointer *pointer, uint32_t time,
				uint32_t axis, wl_fixed_t value)
{
}

static void handle_pointer_frame(void *data, struct wl_pointer *pointer)
{
}

static void handle_pointer_axis_source(void *data, struct wl_pointer *pointer, uint32_t source)
{
}

static void handle_pointer_axis_stop(void *data, struct wl_pointer *pointer, uint32_t time,
				     uint32_t axis)
{
}

static void handle_pointer_axis_discrete(void *data, struct wl_pointer *pointer, uint32_t axis,
					 int32_t discrete)
{
}

/* Every event of wl_pointer version 5 (the seat is bound at 5): libwayland calls them blindly. */
static const struct wl_pointer_listener pointer_listener = {
	.enter = handle_pointer_enter,
	.leave = handle_pointer_leave,
	.motion = handle_pointer_motion,
	.button = handle_pointer_button,
	.axis = handle_pointer_axis,
	.frame = handle_pointer_frame,
	.axis_source = handle_pointer_axis_source,
	.axis_stop = handle_pointer_axis_stop,
	.axis_discrete = handle_pointer_axis_discrete,
};

static void handle_capabilities(void *data, struct wl_seat *seat, uint32_t capabilities)
{
	ZtClient *client = data;
	if ((capabilities & WL_SEAT_CAPABILITY_KEYBOARD) && !client->keyboard) {
		client->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(client->keyboard, &keyboard_listener, client);
	}
	if ((capabilities & WL_SEAT_CAPABILITY_POINTER) && !client->pointer) {
		client->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(client->pointer, &pointer_listener, client);
	}
}

static void handle_seat_name(void *data, struct wl_seat *seat, const char *name)
{
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = handle_capabilities,
	.name = handle_seat_name,
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtClient *client = data;
	g_ptr_array_add(client->globals, g_strdup(interface));
	if (strcmp(interface, wl_compositor_interface.name) == 0)
		client->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	else if (strcmp(interface, wl_shm_interface.name) == 0)
		client->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	else if (strcmp(interface, xdg_wm_base_interface.name) == 0)
		client->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
	else if (strcmp(interface, wl_seat_interface.name) == 0 && !client->seat) {
		client->seat = wl_registry_bind(registry, name, &wl_seat_interface, 5);
		wl_seat_add_listener(client->seat, &seat_listener, client);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void handle_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = { .ping = handle_ping };

ZtClient *zt_client_connect(const char *socket)
{
	ZtClient *client = g_new0(ZtClient, 1);
	client->display = wl_display_connect(socket);
	g_assert_nonnull(client->display);
	client->globals = g_ptr_array_new_with_free_func(g_free);
	client->keys_held = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	client->registry = wl_display_get_registry(client->display);
	wl_registry_add_listener(client->registry, &registry_listener, client);
	/* The globals, then the seat's capabilities. */
	zt_client_roundtrip(client);
	zt_client_roundtrip(client);
	g_assert_nonnull(client->compositor);
	g_assert_nonnull(client->shm);
	g_assert_nonnull(client->wm_base);
	xdg_wm_base_add_listener(client->wm_base, &wm_base_listener, client);
	if (!clients)
		clients = g_ptr_array_new();
	g_ptr_array_add(clients, client);
	return client;
}

void zt_client_free(ZtClient *client)
{
	if (!client)
		return;
	g_ptr_array_remove(clients, client);
	xdg_wm_base_destroy(client->wm_base);
	if (client->pointer)
		wl_pointer_release(client->pointer);
	if (client->keyboard)
		wl_keyboard_release(client->keyboard);
	if (client->seat)
		wl_seat_release(client->seat);
	wl_shm_destroy(client->shm);
	wl_compositor_destroy(client->compositor);
	wl_registry_destroy(client->registry);
	wl_display_disconnect(client->display);
	g_ptr_array_unref(client->globals);
	g_array_unref(client->keys_held);
	g_free(client);
}

void zt_client_roundtrip(ZtClient *client)
{
	g_assert_cmpint(wl_display_roundtrip(client->display), >=, 0);
}

gboolean zt_client_has_global(ZtClient *client, const char *interface)
{
	for (guint i = 0; i < client->globals->len; i++) {
		if (strcmp(g_ptr_array_index(client->globals, i), interface) == 0)
			return TRUE;
	}
	return FALSE;
}

struct wl_buffer *zt_client_solid_buffer(ZtClient *client, int width, int height, uint32_t argb)
{
	int stride = width * 4, size = stride * height;
	int fd = memfd_create("zion-test-buffer", MFD_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, size), ==, 0);
	uint32_t *pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(pixels != MAP_FAILED);
	for (int i = 0; i < width * height; i++)
		pixels[i] = argb;
	munmap(pixels, size);
	struct wl_shm_pool *pool = wl_shm_create_pool(client->shm, fd, size);
	struct wl_buffer *buffer =
		wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_ARGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

static void handle_surface_configure(void *data, struct xdg_surface *xdg_surface, uint32_t serial)
{
	ZtWindow *window = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	if (window->follow_configure && window->configured_width > 0 &&
	    window->configured_height > 0 &&
	    (window->configured_width != window->width ||
	     window->configured_height != window->height)) {
		wl_buffer_destroy(window->buffer);
		window->width = window->configured_width;
		window->height = window->configured_height;
		window->buffer = zt_client_solid_buffer(window->client, window->width,
							window->height, window->argb);
		window->configured = FALSE;
	}
	if (!window->configured) {
		wl_surface_attach(window->surface, window->buffer, 0, 0);
		wl_surface_damage(window->surface, 0, 0, window->width, window->height);
	}
	wl_surface_commit(window->surface);
	window->configured = TRUE;
}

static const struct xdg_surface_listener surface_listener = {
	.configure = handle_surface_configure,
};

static void handle_toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t width,
				      int32_t height, struct wl_array *states)
{
	ZtWindow *window = data;
	window->configured_width = width;
	window->configured_height = height;
	window->activated = FALSE;
	uint32_t *state;
	wl_array_for_each(state, states)
	{
		if (*state == XDG_TOPLEVEL_STATE_ACTIVATED)
			window->activated = TRUE;
	}
}

static void handle_toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	ZtWindow *window = data;
	window->close_requested = TRUE;
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = handle_toplevel_configure,
	.close = handle_toplevel_close,
};

ZtWindow *zt_window_open(ZtClient *client, int width, int height, uint32_t argb)
{
	ZtWindow *window = g_new0(ZtWindow, 1);
	window->client = client;
	window->width = width;
	window->height = height;
	window->argb = argb;
	window->buffer = zt_client_solid_buffer(client, width, height, argb);
	window->surface = wl_compositor_create_surface(client->compositor);
	window->xdg_surface = xdg_wm_base_get_xdg_surface(client->wm_base, window->surface);
	xdg_surface_add_listener(window->xdg_surface, &surface_listener, window);
	window->toplevel = xdg_surface_get_toplevel(window->xdg_surface);
	xdg_toplevel_add_listener(window->toplevel, &toplevel_listener, window);
	xdg_toplevel_set_title(window->toplevel, "zion test window");
	wl_surface_commit(window->surface);
	while (!window->configured)
		g_assert_cmpint(wl_display_dispatch(client->display), >=, 0);
	zt_client_roundtrip(client);
	return window;
}

gboolean zt_window_close_requested(ZtWindow *window)
{
	return window->close_requested;
}

gboolean zt_window_activated(ZtWindow *window)
{
	return window->activated;
}

void zt_window_destroy(ZtWindow *window)
{
	/* A popup goes before its parent. */
	if (window->popup) {
		xdg_popup_destroy(window->popup);
		xdg_surface_destroy(window->popup_xdg_surface);
		wl_surface_destroy(window->popup_surface);
		wl_buffer_destroy(window->popup_buffer);
	}
	xdg_toplevel_destroy(window->toplevel);
	xdg_surface_destroy(window->xdg_surface);
	wl_surface_destroy(window->surface);
	wl_buffer_destroy(window->buffer);
	zt_client_roundtrip(window->client);
	g_free(window);
}

static void handle_popup_surface_configure(void *data, struct xdg_surface *xdg_surface,
					   uint32_t serial)
{
	ZtWindow *window = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	wl_surface_attach(window->popup_surface, window->popup_buffer, 0, 0);
	wl_surface_damage(window->popup_surface, 0, 0, INT32_MAX, INT32_MAX);
	wl_surface_commit(window->popup_surface);
	window->popup_configured = TRUE;
}

static const struct xdg_surface_listener popup_surface_listener = {
	.configure = handle_popup_surface_configure,
};

static void handle_popup_configure(void *data, struct xdg_popup *popup, int32_t x, int32_t y,
				   int32_t width, int32_t height)
{
}

static void handle_popup_done(void *data, struct xdg_popup *popup)
{
}

static const struct xdg_popup_listener popup_listener = {
	.configure = handle_popup_configure,
	.popup_done = handle_popup_done,
};

void zt_window_open_popup(ZtWindow *window, int x, int y, int width, int height, uint32_t argb)
{
	ZtClient *client = window->client;
	g_assert_null(window->popup);
	window->popup_buffer = zt_client_solid_buffer(client, width, height, argb);
	window->popup_surface = wl_compositor_create_surface(client->compositor);
	window->popup_xdg_surface =
		xdg_wm_base_get_xdg_surface(client->wm_base, window->popup_surface);
	xdg_surface_add_listener(window->popup_xdg_surface, &popup_surface_listener, window);
	/* Its top left corner at x, y of the window, sliding to stay on screen as menus do. */
	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(client->wm_base);
	xdg_positioner_set_size(positioner, width, height);
	xdg_positioner_set_anchor_rect(positioner, 0, 0, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	xdg_positioner_set_offset(positioner, x, y);
	xdg_positioner_set_constraint_adjustment(
		positioner, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
				    XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);
	window->popup =
		xdg_surface_get_popup(window->popup_xdg_surface, window->xdg_surface, positioner);
	xdg_positioner_destroy(positioner);
	xdg_popup_add_listener(window->popup, &popup_listener, window);
	wl_surface_commit(window->popup_surface);
	while (!window->popup_configured)
		g_assert_cmpint(wl_display_dispatch(client->display), >=, 0);
	zt_client_roundtrip(client);
}

void zt_window_flood(ZtWindow *window, int requests)
{
	struct wl_display *display = window->client->display;
	struct pollfd writable = { .fd = wl_display_get_fd(display), .events = POLLOUT };
	for (int i = 0; i < requests; i++) {
		wl_surface_damage(window->surface, i % window->width, 0, 1, 1);
		/* libwayland's client buffer holds 4 KiB: push it out before it fills, waiting only
		 * for the socket, never for the compositor to answer. */
		if (i % 64 == 63) {
			while (wl_display_flush(display) < 0) {
				g_assert_cmpint(errno, ==, EAGAIN);
				g_assert_cmpint(poll(&writable, 1, -1), ==, 1);
			}
		}
	}
	wl_surface_commit(window->surface);
}

void zt_window_maximize(ZtWindow *window)
{
	xdg_toplevel_set_maximized(window->toplevel);
	/* The compositor answers from an idle callback, after the first round trip's reply. */
	zt_client_roundtrip(window->client);
	zt_client_roundtrip(window->client);
}

void zt_window_configured_size(ZtWindow *window, int *width, int *height)
{
	*width = window->configured_width;
	*height = window->configured_height;
}

void zt_window_follow_configure(ZtWindow *window)
{
	window->follow_configure = TRUE;
}

void zt_window_request_move(ZtWindow *window)
{
	g_assert_nonnull(window->client->seat);
	xdg_toplevel_move(window->toplevel, window->client->seat, window->client->button_serial);
	zt_client_roundtrip(window->client);
}

void zt_window_request_resize(ZtWindow *window, uint32_t edges)
{
	g_assert_nonnull(window->client->seat);
	xdg_toplevel_resize(window->toplevel, window->client->seat, window->client->button_serial,
			    edges);
	zt_client_roundtrip(window->client);
}

gboolean zt_window_pointer_position(ZtWindow *window, double *x, double *y)
{
	ZtClient *client = window->client;
	if (client->pointer_surface != window->surface)
		return FALSE;
	*x = client->pointer_x;
	*y = client->pointer_y;
	return TRUE;
}

void zt_client_pointer_buttons(ZtClient *client, int *presses, int *releases)
{
	*presses = client->presses;
	*releases = client->releases;
}

void zt_window_set_title(ZtWindow *window, const char *title)
{
	xdg_toplevel_set_title(window->toplevel, title);
	wl_surface_commit(window->surface);
	zt_client_roundtrip(window->client);
}

void zt_window_set_min_size(ZtWindow *window, int width, int height)
{
	xdg_toplevel_set_min_size(window->toplevel, width, height);
	wl_surface_commit(window->surface);
	zt_client_roundtrip(window->client);
}

struct wl_display *zt_client_display(ZtClient *client)
{
	return client->display;
}

struct wl_surface *zt_window_surface(ZtWindow *window)
{
	return window->surface;
}

struct wl_seat *zt_client_seat(ZtClient *client)
{
	g_assert_nonnull(client->seat);
	return client->seat;
}

uint32_t zt_client_keyboard_serial(ZtClient *client)
{
	return client->keyboard_serial;
}

guint zt_client_keys_pressed(ZtClient *client)
{
	return client->keys_pressed;
}

guint zt_client_keys_released(ZtClient *client)
{
	return client->keys_released;
}

gboolean zt_client_key_held(ZtClient *client, uint32_t key)
{
	for (guint i = 0; i < client->keys_held->len; i++) {
		if (g_array_index(client->keys_held, uint32_t, i) == key)
			return TRUE;
	}
	return FALSE;
}

uint32_t zt_client_button_serial(ZtClient *client)
{
	return client->button_serial;
}

GBytes *zt_clients_read_to_end(int fd)
{
	GByteArray *bytes = g_byte_array_new();
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	for (;;) {
		/* fd first, then every live client after it has dispatched what it has queued and
		 * sent its requests. */
		g_autoptr(GPtrArray) live = g_ptr_array_new();
		g_autoptr(GArray) polled = g_array_new(FALSE, TRUE, sizeof(struct pollfd));
		struct pollfd readable = { .fd = fd, .events = POLLIN };
		g_array_append_val(polled, readable);
		for (guint i = 0; clients && i < clients->len; i++) {
			ZtClient *client = g_ptr_array_index(clients, i);
			/* A connection a test broke on purpose (a protocol error) has nothing to
			 * say. */
			if (wl_display_get_error(client->display))
				continue;
			g_assert_cmpint(wl_display_dispatch_pending(client->display), >=, 0);
			g_assert_cmpint(wl_display_flush(client->display), >=, 0);
			readable.fd = wl_display_get_fd(client->display);
			g_array_append_val(polled, readable);
			g_ptr_array_add(live, client);
		}
		gint64 left = deadline - g_get_monotonic_time();
		g_assert_cmpint(left, >, 0);
		int ready =
			poll((struct pollfd *)polled->data, polled->len, (int)(left / 1000) + 1);
		g_assert_cmpint(ready, >=, 0);
		for (guint i = 0; i < live->len; i++) {
			ZtClient *client = g_ptr_array_index(live, i);
			if (g_array_index(polled, struct pollfd, i + 1).revents)
				g_assert_cmpint(wl_display_dispatch(client->display), >=, 0);
		}
		if (!g_array_index(polled, struct pollfd, 0).revents)
			continue;
		guint8 chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		g_assert_cmpint(n, >=, 0);
		if (n == 0)
			break;
		g_byte_array_append(bytes, chunk, (guint)n);
	}
	return g_byte_array_free_to_bytes(bytes);
}

/* An empty positioner: 1×1 at the parent's top-left corner. */
static struct xdg_positioner *small_positioner(ZtClient *client)
{
	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(client->wm_base);
	xdg_positioner_set_size(positioner, 1, 1);
	xdg_positioner_set_anchor_rect(positioner, 0, 0, 1, 1);
	return positioner;
}

void zt_window_grab_popup(ZtWindow *window, uint32_t serial)
{
	ZtClient *client = window->client;
	struct wl_surface *surface = wl_compositor_create_surface(client->compositor);
	struct xdg_surface *xdg_surface = xdg_wm_base_get_xdg_surface(client->wm_base, surface);
	struct xdg_positioner *positioner = small_positioner(client);
	struct xdg_popup *popup =
		xdg_surface_get_popup(xdg_surface, window->xdg_surface, positioner);
	xdg_positioner_destroy(positioner);
	xdg_popup_grab(popup, client->seat, serial);
	wl_surface_commit(surface);
	zt_client_roundtrip(client);
}

void zt_client_orphan_popup(ZtClient *client)
{
	struct wl_surface *parent_surface = wl_compositor_create_surface(client->compositor);
	struct xdg_surface *parent = xdg_wm_base_get_xdg_surface(client->wm_base, parent_surface);
	xdg_surface_get_toplevel(parent);
	struct wl_surface *surface = wl_compositor_create_surface(client->compositor);
	struct xdg_surface *xdg_surface = xdg_wm_base_get_xdg_surface(client->wm_base, surface);
	struct xdg_positioner *positioner = small_positioner(client);
	xdg_surface_get_popup(xdg_surface, parent, positioner);
	xdg_positioner_destroy(positioner);
	wl_surface_commit(surface);
	wl_display_flush(client->display);
}
