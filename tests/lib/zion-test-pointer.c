/* The test library's virtual pointer, and the virtual keyboard that holds Super (or a key) for it.
 */
#include "zion-test-pointer.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include "virtual-keyboard-unstable-v1-client-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"

struct zt_pointer {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_seat *seat;
	struct zwlr_virtual_pointer_manager_v1 *pointer_manager;
	struct zwp_virtual_keyboard_manager_v1 *keyboard_manager;
	struct zwlr_virtual_pointer_v1 *pointer;
	struct zwp_virtual_keyboard_v1 *keyboard;
	uint32_t logo_mask;
	int width, height;
	int x, y;
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtPointer *pointer = data;
	if (strcmp(interface, wl_seat_interface.name) == 0 && !pointer->seat)
		pointer->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
	else if (strcmp(interface, zwlr_virtual_pointer_manager_v1_interface.name) == 0)
		pointer->pointer_manager = wl_registry_bind(
			registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1);
	else if (strcmp(interface, zwp_virtual_keyboard_manager_v1_interface.name) == 0)
		pointer->keyboard_manager = wl_registry_bind(
			registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void roundtrip(ZtPointer *pointer)
{
	g_assert_cmpint(wl_display_roundtrip(pointer->display), >=, 0);
}

/* The default XKB keymap, as wtype uploads its own: a virtual keyboard needs one before it may
 * send modifiers. */
static void upload_keymap(ZtPointer *pointer)
{
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	g_assert_nonnull(context);
	struct xkb_keymap *keymap =
		xkb_keymap_new_from_names(context, NULL, XKB_KEYMAP_COMPILE_NO_FLAGS);
	g_assert_nonnull(keymap);
	pointer->logo_mask = 1u << xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_LOGO);
	char *text = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
	g_assert_nonnull(text);
	size_t size = strlen(text) + 1;
	int fd = memfd_create("zion-test-keymap", MFD_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, text, size), ==, (ssize_t)size);
	zwp_virtual_keyboard_v1_keymap(pointer->keyboard, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, fd,
				       size);
	close(fd);
	free(text);
	xkb_keymap_unref(keymap);
	xkb_context_unref(context);
}

ZtPointer *zt_pointer_new(ZtCompositor *compositor, int width, int height)
{
	ZtPointer *pointer = g_new0(ZtPointer, 1);
	pointer->width = width;
	pointer->height = height;
	pointer->display = wl_display_connect(zt_compositor_socket(compositor));
	g_assert_nonnull(pointer->display);
	pointer->registry = wl_display_get_registry(pointer->display);
	wl_registry_add_listener(pointer->registry, &registry_listener, pointer);
	roundtrip(pointer);
	g_assert_nonnull(pointer->seat);
	g_assert_nonnull(pointer->pointer_manager);
	g_assert_nonnull(pointer->keyboard_manager);
	pointer->pointer = zwlr_virtual_pointer_manager_v1_create_virtual_pointer(
		pointer->pointer_manager, pointer->seat);
	pointer->keyboard = zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(
		pointer->keyboard_manager, pointer->seat);
	upload_keymap(pointer);
	roundtrip(pointer);
	return pointer;
}

void zt_pointer_free(ZtPointer *pointer)
{
	if (!pointer)
		return;
	zwp_virtual_keyboard_v1_destroy(pointer->keyboard);
	zwlr_virtual_pointer_v1_destroy(pointer->pointer);
	zwp_virtual_keyboard_manager_v1_destroy(pointer->keyboard_manager);
	zwlr_virtual_pointer_manager_v1_destroy(pointer->pointer_manager);
	wl_seat_destroy(pointer->seat);
	wl_registry_destroy(pointer->registry);
	wl_display_disconnect(pointer->display);
	g_free(pointer);
}

static uint32_t now_msec(void)
{
	return (uint32_t)(g_get_monotonic_time() / 1000);
}

void zt_pointer_move_to(ZtPointer *pointer, int x, int y)
{
	zwlr_virtual_pointer_v1_motion_absolute(pointer->pointer, now_msec(), x, y, pointer->width,
						pointer->height);
	zwlr_virtual_pointer_v1_frame(pointer->pointer);
	pointer->x = x;
	pointer->y = y;
	roundtrip(pointer);
}

void zt_pointer_button(ZtPointer *pointer, uint32_t button, gboolean pressed)
{
	zwlr_virtual_pointer_v1_button(pointer->pointer, now_msec(), button,
				       pressed ? WL_POINTER_BUTTON_STATE_PRESSED
					       : WL_POINTER_BUTTON_STATE_RELEASED);
	zwlr_virtual_pointer_v1_frame(pointer->pointer);
	roundtrip(pointer);
}

void zt_pointer_click(ZtPointer *pointer, int x, int y, uint32_t button)
{
	zt_pointer_move_to(pointer, x, y);
	zt_pointer_button(pointer, button, TRUE);
	zt_pointer_button(pointer, button, FALSE);
}

void zt_pointer_drag(ZtPointer *pointer, uint32_t button, int x, int y, int dx, int dy)
{
	zt_pointer_move_to(pointer, x, y);
	zt_pointer_button(pointer, button, TRUE);
	const int steps = 4;
	for (int i = 1; i <= steps; i++)
		zt_pointer_move_to(pointer, x + dx * i / steps, y + dy * i / steps);
	zt_pointer_button(pointer, button, FALSE);
}

void zt_pointer_hold_super(ZtPointer *pointer, gboolean held)
{
	zwp_virtual_keyboard_v1_modifiers(pointer->keyboard, held ? pointer->logo_mask : 0, 0, 0,
					  0);
	roundtrip(pointer);
}

void zt_pointer_key(ZtPointer *pointer, uint32_t key, gboolean pressed)
{
	zwp_virtual_keyboard_v1_key(pointer->keyboard, now_msec(), key,
				    pressed ? WL_KEYBOARD_KEY_STATE_PRESSED
					    : WL_KEYBOARD_KEY_STATE_RELEASED);
	roundtrip(pointer);
}
