/* Outputs: each renders the scene on its frame event; added to and removed from the layout live. */
#pragma once

#include <wayland-server-core.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/box.h>

struct zc_server;

struct zc_output {
	struct zc_server *server;
	struct wlr_output *wlr_output;
	struct wl_list link; // zc_server::outputs
	/* Layout coordinates: the output less the layer-shell exclusive zones (layer-shell.c). */
	struct wlr_box usable_area;
	struct wl_listener frame;
	struct wl_listener destroy;
};

void zc_output_handle_new(struct wl_listener *listener, void *data);
