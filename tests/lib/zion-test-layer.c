/* The test client's layer surfaces, and a keyboard to see where the focus is. */
#include "zion-test-layer.h"

#include <string.h>
#include <unistd.h>
#include <wayland-client.h>

#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

struct zt_layer_surface {
	ZtClient *client;
	struct zwlr_layer_shell_v1 *shell;
	struct wl_compositor *compositor;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard;
	struct wl_surface *surface;
	struct zwlr_layer_surface_v1 *layer_surface;
	struct wl_buffer *buffer;
	struct xdg_wm_base *wm_base;
	struct wl_surface *popup_surface;
	struct xdg_surface *popup_xdg_surface;
	struct xdg_popup *popup;
	struct wl_buffer *popup_buffer;
	gboolean popup_configured;
	uint32_t argb;
	int width, height; /* of the last configure */
	gboolean configured;
	gboolean has_keyboard;
};

static void handle_keymap(void *data, struct wl_keyboard *keyboard, uint32_t format, int32_t fd,
			  uint32_t size)
{
	close(fd);
}

static void handle_enter(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			 struct wl_surface *surface, struct wl_array *keys)
{
	ZtLayerSurface *layer = data;
	if (surface == layer->surface)
		layer->has_keyboard = TRUE;
}

static void handle_leave(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			 struct wl_surface *surface)
{
	ZtLayerSurface *layer = data;
	if (surface == layer->surface)
		layer->has_keyboard = FALSE;
}

static void handle_key(void *data, struct wl_keyboard *keyboard, uint32_t serial, uint32_t time,
		       uint32_t key, uint32_t state)
{
}

static void handle_modifiers(void *data, struct wl_keyboard *keyboard, uint32_t serial,
			     uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = handle_keymap,
	.enter = handle_enter,
	.leave = handle_leave,
	.key = handle_key,
	.modifiers = handle_modifiers,
};

/* A keyboard may only be asked for once the seat has one. */
static void handle_capabilities(void *data, struct wl_seat *seat, uint32_t capabilities)
{
	ZtLayerSurface *layer = data;
	if ((capabilities & WL_SEAT_CAPABILITY_KEYBOARD) && !layer->keyboard) {
		layer->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(layer->keyboard, &keyboard_listener, layer);
	}
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = handle_capabilities,
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtLayerSurface *layer = data;
	if (strcmp(interface, zwlr_layer_shell_v1_interface.name) == 0)
		layer->shell = wl_registry_bind(registry, name, &zwlr_layer_shell_v1_interface, 4);
	else if (strcmp(interface, wl_compositor_interface.name) == 0)
		layer->compositor = wl_registry_bind(registry, name, &wl_compositor_interface, 4);
	else if (strcmp(interface, xdg_wm_base_interface.name) == 0)
		layer->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface, 1);
	else if (strcmp(interface, wl_seat_interface.name) == 0 && !layer->seat)
		layer->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void handle_configure(void *data, struct zwlr_layer_surface_v1 *layer_surface,
			     uint32_t serial, uint32_t width, uint32_t height)
{
	ZtLayerSurface *layer = data;
	zwlr_layer_surface_v1_ack_configure(layer_surface, serial);
	if (!layer->buffer || (int)width != layer->width || (int)height != layer->height) {
		if (layer->buffer)
			wl_buffer_destroy(layer->buffer);
		layer->buffer =
			zt_client_solid_buffer(layer->client, (int)width, (int)height, layer->argb);
		layer->width = (int)width;
		layer->height = (int)height;
	}
	wl_surface_attach(layer->surface, layer->buffer, 0, 0);
	wl_surface_damage(layer->surface, 0, 0, layer->width, layer->height);
	wl_surface_commit(layer->surface);
	layer->configured = TRUE;
}

static void handle_closed(void *data, struct zwlr_layer_surface_v1 *layer_surface)
{
}

static const struct zwlr_layer_surface_v1_listener layer_surface_listener = {
	.configure = handle_configure,
	.closed = handle_closed,
};

ZtLayerSurface *zt_layer_surface_open(ZtClient *client, const ZtLayerSpec *spec)
{
	ZtLayerSurface *layer = g_new0(ZtLayerSurface, 1);
	layer->client = client;
	layer->argb = spec->argb;
	struct wl_display *display = zt_client_display(client);
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, layer);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(layer->shell);
	g_assert_nonnull(layer->compositor);
	g_assert_nonnull(layer->seat);
	wl_seat_add_listener(layer->seat, &seat_listener, layer);

	layer->surface = wl_compositor_create_surface(layer->compositor);
	layer->layer_surface = zwlr_layer_shell_v1_get_layer_surface(
		layer->shell, layer->surface, NULL, spec->layer, "zion-test");
	zwlr_layer_surface_v1_add_listener(layer->layer_surface, &layer_surface_listener, layer);
	zwlr_layer_surface_v1_set_anchor(layer->layer_surface, spec->anchor);
	zwlr_layer_surface_v1_set_size(layer->layer_surface, spec->width, spec->height);
	zwlr_layer_surface_v1_set_exclusive_zone(layer->layer_surface, spec->exclusive_zone);
	zwlr_layer_surface_v1_set_keyboard_interactivity(
		layer->layer_surface,
		spec->keyboard_exclusive ? ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE
					 : ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE);
	wl_surface_commit(layer->surface);
	while (!layer->configured)
		g_assert_cmpint(wl_display_dispatch(display), >=, 0);
	/* The compositor arranges again once the surface maps (its exclusive zone counts from
	 * then on): let that settle. */
	zt_client_roundtrip(client);
	zt_client_roundtrip(client);
	return layer;
}

static void handle_popup_surface_configure(void *data, struct xdg_surface *xdg_surface,
					   uint32_t serial)
{
	ZtLayerSurface *layer = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	wl_surface_attach(layer->popup_surface, layer->popup_buffer, 0, 0);
	wl_surface_damage(layer->popup_surface, 0, 0, INT32_MAX, INT32_MAX);
	wl_surface_commit(layer->popup_surface);
	layer->popup_configured = TRUE;
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

void zt_layer_surface_open_popup(ZtLayerSurface *layer, int x, int y, int width, int height,
				 uint32_t argb)
{
	g_assert_nonnull(layer->wm_base);
	g_assert_null(layer->popup);
	layer->popup_buffer = zt_client_solid_buffer(layer->client, width, height, argb);
	layer->popup_surface = wl_compositor_create_surface(layer->compositor);
	layer->popup_xdg_surface =
		xdg_wm_base_get_xdg_surface(layer->wm_base, layer->popup_surface);
	xdg_surface_add_listener(layer->popup_xdg_surface, &popup_surface_listener, layer);
	/* Its top left corner at x, y of the layer surface. */
	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(layer->wm_base);
	xdg_positioner_set_size(positioner, width, height);
	xdg_positioner_set_anchor_rect(positioner, x, y, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	/* No xdg parent: the layer surface becomes its parent. */
	layer->popup = xdg_surface_get_popup(layer->popup_xdg_surface, NULL, positioner);
	xdg_positioner_destroy(positioner);
	xdg_popup_add_listener(layer->popup, &popup_listener, layer);
	zwlr_layer_surface_v1_get_popup(layer->layer_surface, layer->popup);
	wl_surface_commit(layer->popup_surface);
	while (!layer->popup_configured)
		g_assert_cmpint(wl_display_dispatch(zt_client_display(layer->client)), >=, 0);
	zt_client_roundtrip(layer->client);
}

void zt_layer_surface_configured_size(ZtLayerSurface *surface, int *width, int *height)
{
	*width = surface->width;
	*height = surface->height;
}

gboolean zt_layer_surface_has_keyboard(ZtLayerSurface *surface)
{
	return surface->has_keyboard;
}

void zt_layer_surface_destroy(ZtLayerSurface *surface)
{
	/* A popup goes before its parent. */
	if (surface->popup) {
		xdg_popup_destroy(surface->popup);
		xdg_surface_destroy(surface->popup_xdg_surface);
		wl_surface_destroy(surface->popup_surface);
		wl_buffer_destroy(surface->popup_buffer);
	}
	zwlr_layer_surface_v1_destroy(surface->layer_surface);
	wl_surface_destroy(surface->surface);
	if (surface->buffer)
		wl_buffer_destroy(surface->buffer);
	if (surface->keyboard)
		wl_keyboard_destroy(surface->keyboard);
	wl_seat_destroy(surface->seat);
	wl_compositor_destroy(surface->compositor);
	xdg_wm_base_destroy(surface->wm_base);
	zwlr_layer_shell_v1_destroy(surface->shell);
	zt_client_roundtrip(surface->client);
	g_free(surface);
}
