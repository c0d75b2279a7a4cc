/*
 * Labels: text drawn with cairo and pango into a wlr_buffer and shown as a scene buffer node. Used
 * by the title bars, the desktop name overlay and the clipboard confirmation. A label is immutable:
 * to change its text, destroy the node and create another.
 */
#pragma once

#include <wlr/types/wlr_scene.h>

struct zc_label_style {
	const char *font;    /* a pango font description, e.g. "Sans Bold 24" */
	float foreground[4]; /* RGBA, not premultiplied */
	float background[4];
	int padding;	   /* around the text, in pixels */
	int width;	   /* 0: as wide as the text; otherwise fixed, the text ellipsized */
	int height;	   /* 0: as tall as the text; otherwise fixed, the text centred */
	int corner_radius; /* rounds the background */
};

/* Creates a node under parent at (0, 0) showing text. Never NULL. */
struct wlr_scene_buffer *zc_label_create(struct wlr_scene_node *parent, const char *text,
					 const struct zc_label_style *style);

/* Black or white, whichever reads better on background. */
void zc_label_contrasting(const float background[4], float foreground[4]);
