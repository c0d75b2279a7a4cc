/*
 * Keyboards, real and virtual: key bindings are handled here first (keybindings.c), everything else
 * goes to the focused window through the seat.
 */
#pragma once

#include <glib.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_keyboard.h>

struct zc_server;

struct zc_keyboard {
	struct zc_server *server;
	struct wlr_input_device *device;
	struct wl_list link; // zc_server::keyboards
	/* Keys whose press went to the seat (a client) and whose release has not yet. */
	uint32_t delivered[WLR_KEYBOARD_KEYS_CAP];
	size_t delivered_count;
	struct wl_listener modifiers;
	struct wl_listener key;
	struct wl_listener destroy;
};

/* Takes a keyboard device; with_keymap gives it the configured XKB layout (a virtual keyboard
 * brings its own). */
void zc_keyboard_add(struct zc_server *server, struct wlr_input_device *device,
		     gboolean with_keymap);
