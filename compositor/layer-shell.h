/*
 * Layer shell: wallpapers, panels, notifications and lock screens of the session's own tools (a
 * privileged global). Each layer surface sits on one output in one of the four layer trees around
 * the desktops, placed from its anchors, margins, size and exclusive zone; it belongs to no desktop
 * and stays on screen across switches. What the exclusive zones leave of an output is its usable
 * area, where windows open and maximise.
 */
#pragma once

#include <wayland-server-core.h>
#include <wlr/util/box.h>

struct zc_server;
struct zc_layer_shell;

/* Creates the zwlr_layer_shell_v1 global. */
struct zc_layer_shell *zc_layer_shell_create(struct zc_server *server);
void zc_layer_shell_destroy(struct zc_layer_shell *shell);

/* Where windows open and maximise: the usable area of the output at the centre of the layout (the
 * whole layout while there is no output). */
struct wlr_box zc_layer_shell_window_area(struct zc_server *server);
