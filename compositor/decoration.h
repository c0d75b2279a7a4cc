/*
 * Server-side decorations: every window gets a frame drawn by the compositor, a border and a title
 * bar in its desktop's colour with the window's title on the left and the desktop's name on the
 * right, so a user always sees which desktop a window belongs to. The focused window's frame is in
 * full colour, the others' dimmer. Clients are told so through xdg-decoration (always server-side)
 * and KDE's server-decoration (server by default, for GTK3 and Qt); a client that draws its own
 * title bar anyway (GTK4) still gets the frame, since the frame is what tells desktops apart.
 */
#pragma once

#include <stdbool.h>
#include <wlr/util/box.h>

struct zc_server;
struct zc_view;
struct zc_decoration;
struct zc_decoration_protocols;

/* The frame around a window's geometry: a border on the left, right and bottom, and the title bar
 * on top. */
#define ZC_DECORATION_BORDER 4
#define ZC_DECORATION_TITLE_HEIGHT 26

/* Creates the zxdg_decoration_manager_v1 and org_kde_kwin_server_decoration_manager globals. */
struct zc_decoration_protocols *zc_decoration_protocols_create(struct zc_server *server);
void zc_decoration_protocols_destroy(struct zc_decoration_protocols *protocols);

/* Creates view's frame in view->tree, over what is there (the window, whose geometry the frame
 * leaves free). */
struct zc_decoration *zc_decoration_create(struct zc_view *view);
void zc_decoration_destroy(struct zc_decoration *decoration);

/* Fits the frame to the window's geometry and title again; cheap when neither changed. */
void zc_decoration_update(struct zc_decoration *decoration);

/* Full colour for the focused window, dimmer for the others. */
void zc_decoration_set_focused(struct zc_decoration *decoration, bool focused);

/* The frame's size around a window of width×height. */
int zc_decoration_frame_width(int width);
int zc_decoration_frame_height(int height);
