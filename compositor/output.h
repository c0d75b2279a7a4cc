/* Outputs: each renders the scene on its frame event; added to and removed from the layout live. */
#pragma once

#include <glib.h>

#include <wayland-server-core.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/box.h>

struct zc_server;

struct zc_output {
	struct zc_server *server;
	struct wlr_output *wlr_output;
	struct wl_list link; // zc_server::outputs
	/* Output-relative: the output less layer-shell exclusive zones (layer-shell.c). */
	struct wlr_box usable_area;
	struct wl_listener frame;
	struct wl_listener destroy;
};

void zc_output_handle_new(struct wl_listener *listener, void *data);

/* Adds a virtual output: a headless one of width×height, or a new window when nested in Wayland or
 * X11. Returns it, or NULL with error set when the backend has no virtual outputs. */
struct wlr_output *zc_output_create_virtual(struct zc_server *server, unsigned width,
					    unsigned height, GError **error);

/* Removes the virtual output called name, as unplugging it would. */
gboolean zc_output_remove_virtual(struct zc_server *server, const char *name, GError **error);
