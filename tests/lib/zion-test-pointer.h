/*
 * A virtual pointer on the compositor's privileged socket (zwlr_virtual_pointer_v1), as a user's
 * input tools would use it, with a virtual keyboard beside it to hold Super or another key down
 * while something else happens (wtype presses and releases within one run). Positions are layout
 * pixels.
 */
#pragma once

#include <glib.h>
#include <linux/input-event-codes.h>
#include <stdint.h>

#include "zion-test-compositor.h"

typedef struct zt_pointer ZtPointer;

/* Connects to the compositor's privileged socket; the layout is width×height from (0, 0). */
ZtPointer *zt_pointer_new(ZtCompositor *compositor, int width, int height);
void zt_pointer_free(ZtPointer *pointer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZtPointer, zt_pointer_free)

/* Each returns once the compositor has handled the event. */
void zt_pointer_move_to(ZtPointer *pointer, int x, int y);
/* button: BTN_LEFT, BTN_RIGHT... */
void zt_pointer_button(ZtPointer *pointer, uint32_t button, gboolean pressed);
void zt_pointer_click(ZtPointer *pointer, int x, int y, uint32_t button);
/* Presses button at (x, y), moves in a few steps by (dx, dy) and releases it there. */
void zt_pointer_drag(ZtPointer *pointer, uint32_t button, int x, int y, int dx, int dy);

/* Holds Super (the logo modifier) down, or lets it go. */
void zt_pointer_hold_super(ZtPointer *pointer, gboolean held);

/* Presses or releases key (an evdev code: KEY_A...) on the virtual keyboard. */
void zt_pointer_key(ZtPointer *pointer, uint32_t key, gboolean pressed);
