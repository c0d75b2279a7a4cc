/*
 * The clipboard transfer, the one way a copy crosses desktops. Super+Shift+C reads the shown
 * desktop's selection into the transfer slot (in the compositor, asynchronously, within limits).
 * Super+Shift+V on another desktop asks on screen, naming both desktops; on Enter the slot's
 * content becomes that desktop's selection and the slot is emptied. While the question is up the
 * compositor keeps the keyboard, so no window can answer it (keyboard.c still lets a window have
 * the release of a key it had pressed before). Never into the desktop it came from; every step is
 * logged with source and target.
 */
#pragma once

#include <glib.h>
#include <wlr/types/wlr_keyboard.h>

struct zc_clipboard;
struct zc_clipboard_transfer;

struct zc_clipboard_transfer *zc_clipboard_transfer_create(struct zc_clipboard *clipboard);
void zc_clipboard_transfer_destroy(struct zc_clipboard_transfer *transfer);

/* Super+Shift+C: the shown desktop's selection into the slot. */
void zc_clipboard_transfer_copy(struct zc_clipboard_transfer *transfer);

/* Super+Shift+V: asks whether to paste the slot into the shown desktop (or says why not). */
void zc_clipboard_transfer_paste(struct zc_clipboard_transfer *transfer);

/* While the question is up, takes every key (Enter pastes, Escape cancels) and returns TRUE. */
gboolean zc_clipboard_transfer_handle_key(struct zc_clipboard_transfer *transfer,
					  struct wlr_keyboard *keyboard,
					  const struct wlr_event_keyboard_key *event);

/* Takes the question down when another desktop than its target is shown. */
void zc_clipboard_transfer_desktop_shown(struct zc_clipboard_transfer *transfer);
