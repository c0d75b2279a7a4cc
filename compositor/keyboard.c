/* Keyboard devices: keymap, repeat, bindings first, then the focused client. */
#include "keyboard.h"

#include <glib.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_seat.h>
#include <xkbcommon/xkbcommon.h>

#include "clipboard.h"
#include "clipboard-transfer.h"
#include "idle.h"
#include "keybindings.h"
#include "server.h"

static void handle_modifiers(struct wl_listener *listener, void *data)
{
	struct zc_keyboard *keyboard = wl_container_of(listener, keyboard, modifiers);
	zc_idle_notify_activity(keyboard->server);
	wlr_seat_set_keyboard(keyboard->server->seat, keyboard->device);
	wlr_seat_keyboard_notify_modifiers(keyboard->server->seat,
					   &keyboard->device->keyboard->modifiers);
}

static void remember_delivered(struct zc_keyboard *keyboard, uint32_t keycode)
{
	for (size_t i = 0; i < keyboard->delivered_count; i++) {
		if (keyboard->delivered[i] == keycode)
			return;
	}
	if (keyboard->delivered_count < WLR_KEYBOARD_KEYS_CAP)
		keyboard->delivered[keyboard->delivered_count++] = keycode;
}

/* Returns whether keycode's press had gone to the seat. */
static gboolean forget_delivered(struct zc_keyboard *keyboard, uint32_t keycode)
{
	for (size_t i = 0; i < keyboard->delivered_count; i++) {
		if (keyboard->delivered[i] == keycode) {
			keyboard->delivered[i] = keyboard->delivered[--keyboard->delivered_count];
			return TRUE;
		}
	}
	return FALSE;
}

static void handle_key(struct wl_listener *listener, void *data)
{
	struct zc_keyboard *keyboard = wl_container_of(listener, keyboard, key);
	struct zc_server *server = keyboard->server;
	struct wlr_event_keyboard_key *event = data;
	struct wlr_keyboard *wlr_keyboard = keyboard->device->keyboard;
	zc_idle_notify_activity(server);
	gboolean pressed = event->state == WL_KEYBOARD_KEY_STATE_PRESSED;
	/* A key whose press went to a client is released there, even while the clipboard question
	 * keeps the keyboard: the client would think it still held. */
	gboolean delivered = !pressed && forget_delivered(keyboard, event->keycode);
	if (!delivered &&
	    zc_clipboard_transfer_handle_key(server->clipboard->transfer, wlr_keyboard, event))
		return;

	if (pressed) {
		/* libinput keycodes are evdev codes; XKB's are 8 higher. */
		const xkb_keysym_t *syms;
		int count =
			xkb_state_key_get_syms(wlr_keyboard->xkb_state, event->keycode + 8, &syms);
		/* Lock keys (Caps, Num) do not change what a binding means. */
		uint32_t modifiers = wlr_keyboard_get_modifiers(wlr_keyboard) &
				     (WLR_MODIFIER_LOGO | WLR_MODIFIER_SHIFT | WLR_MODIFIER_CTRL |
				      WLR_MODIFIER_ALT);
		for (int i = 0; i < count; i++) {
			if (zc_keybindings_handle(server, modifiers, syms[i]))
				return;
		}
	}
	wlr_seat_set_keyboard(server->seat, keyboard->device);
	wlr_seat_keyboard_notify_key(server->seat, event->time_msec, event->keycode, event->state);
	if (pressed)
		remember_delivered(keyboard, event->keycode);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct zc_keyboard *keyboard = wl_container_of(listener, keyboard, destroy);
	/* The seat keeps a keyboard while there is one (a virtual keyboard that typed and went
	 * leaves the others), so that clients asking for a keyboard get a keymap: wl-clipboard
	 * waits for one. */
	struct wlr_seat *seat = keyboard->server->seat;
	if (wlr_seat_get_keyboard(seat) == keyboard->device->keyboard) {
		struct zc_keyboard *other;
		wl_list_for_each(other, &keyboard->server->keyboards, link)
		{
			if (other != keyboard && other->device->keyboard->keymap) {
				wlr_seat_set_keyboard(seat, other->device);
				break;
			}
		}
	}
	wl_list_remove(&keyboard->modifiers.link);
	wl_list_remove(&keyboard->key.link);
	wl_list_remove(&keyboard->destroy.link);
	wl_list_remove(&keyboard->link);
	g_free(keyboard);
}

static gboolean set_keymap(struct zc_server *server, struct wlr_keyboard *keyboard)
{
	struct xkb_rule_names rules = {
		.layout = server->config->xkb_layout,
		.options = server->config->xkb_options,
	};
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	struct xkb_keymap *keymap =
		xkb_keymap_new_from_names(context, &rules, XKB_KEYMAP_COMPILE_NO_FLAGS);
	gboolean ok = keymap && wlr_keyboard_set_keymap(keyboard, keymap);
	if (keymap)
		xkb_keymap_unref(keymap);
	xkb_context_unref(context);
	return ok;
}

void zc_keyboard_add(struct zc_server *server, struct wlr_input_device *device,
		     gboolean with_keymap)
{
	if (with_keymap && !set_keymap(server, device->keyboard)) {
		g_warning("keyboard %s: cannot use XKB layout '%s'", device->name,
			  server->config->xkb_layout ? server->config->xkb_layout : "(default)");
		return;
	}
	wlr_keyboard_set_repeat_info(device->keyboard, 25, 600);

	struct zc_keyboard *keyboard = g_new0(struct zc_keyboard, 1);
	keyboard->server = server;
	keyboard->device = device;
	keyboard->modifiers.notify = handle_modifiers;
	wl_signal_add(&device->keyboard->events.modifiers, &keyboard->modifiers);
	keyboard->key.notify = handle_key;
	wl_signal_add(&device->keyboard->events.key, &keyboard->key);
	keyboard->destroy.notify = handle_destroy;
	wl_signal_add(&device->events.destroy, &keyboard->destroy);
	wl_list_insert(&server->keyboards, &keyboard->link);
	/* A virtual keyboard has no keymap yet; it becomes the seat's keyboard on its first key. */
	if (with_keymap)
		wlr_seat_set_keyboard(server->seat, device);
	wlr_seat_set_capabilities(server->seat,
				  server->seat->capabilities | WL_SEAT_CAPABILITY_KEYBOARD);
}
