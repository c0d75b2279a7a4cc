/*
 * The pointer: one cursor over the output layout for every pointer device, real (from the
 * backend) and virtual (zwlr_virtual_pointer_v1, privileged). Motion, buttons and scrolling go to
 * the surface under the cursor, a window of the shown desktop or a layer surface, or while a button
 * pressed on a surface is down, to that surface; a click focuses the window. The compositor's own
 * drags: Super+left button moves a window, Super+right button resizes it, the title bar moves it
 * and the border resizes it; clients that draw their own title bar ask for the same (xdg_toplevel
 * move and resize).
 */
#pragma once

#include <stdint.h>

struct zc_server;
struct zc_view;
struct zc_cursor;
struct wlr_input_device;

/* Creates the cursor, its images and the virtual pointer manager; takes the backend's pointers
 * through zc_cursor_add_pointer. */
struct zc_cursor *zc_cursor_create(struct zc_server *server);
void zc_cursor_destroy(struct zc_cursor *cursor);

/* Takes a pointer device from the backend. */
void zc_cursor_add_pointer(struct zc_cursor *cursor, struct wlr_input_device *device);

/* Starts dragging view with the pressed button: moving it, or resizing it at edges (enum
 * wlr_edges). */
void zc_cursor_begin_move(struct zc_cursor *cursor, struct zc_view *view);
void zc_cursor_begin_resize(struct zc_cursor *cursor, struct zc_view *view, uint32_t edges);

/* Ends a drag of view, which is going away. */
void zc_cursor_forget_view(struct zc_cursor *cursor, struct zc_view *view);

/* Gives the pointer to whatever is under it now, even with a button down (after a desktop
 * switch). */
void zc_cursor_update_focus(struct zc_cursor *cursor);
