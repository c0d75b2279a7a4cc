/*
 * Layer-shell surfaces for the Wayland test client (zwlr_layer_shell_v1, privileged socket only):
 * solid-colour panels and backgrounds anchored to the output's edges, with an exclusive zone and
 * keyboard interactivity, so that e2e tests can check where the compositor puts them and what
 * they leave to windows.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "zion-test-client.h"

typedef struct {
	uint32_t layer;	   /* ZWLR_LAYER_SHELL_V1_LAYER_* */
	uint32_t anchor;   /* ZWLR_LAYER_SURFACE_V1_ANCHOR_* bits */
	int width, height; /* 0: the compositor's choice, along an axis anchored at both ends */
	int exclusive_zone;
	gboolean keyboard_exclusive;
	uint32_t argb; /* 0xAARRGGBB */
} ZtLayerSpec;

typedef struct zt_layer_surface ZtLayerSurface;

/* Opens a layer surface on the first output, draws it at the size the compositor configures and
 * waits until it is shown. */
ZtLayerSurface *zt_layer_surface_open(ZtClient *client, const ZtLayerSpec *spec);
/* The size of the compositor's last configure. */
void zt_layer_surface_configured_size(ZtLayerSurface *surface, int *width, int *height);
/* Opens an xdg popup of the surface (a panel's menu) at x, y of it, filled with argb, and waits
 * until it is shown; it goes with the surface. */
void zt_layer_surface_open_popup(ZtLayerSurface *surface, int x, int y, int width, int height,
				 uint32_t argb);
/* Whether the surface has the keyboard focus (after the events so far: round-trip first; the seat
 * needs a keyboard by the time the surface opens). */
gboolean zt_layer_surface_has_keyboard(ZtLayerSurface *surface);
void zt_layer_surface_destroy(ZtLayerSurface *surface);
