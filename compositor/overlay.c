/* The desktop name overlay, in the compositor's message layer, gone after a timeout. */
#include "overlay.h"

#include <glib.h>
#include <string.h>
#include <wlr/types/wlr_output_layout.h>

#include "desktop.h"
#include "label.h"
#include "output.h"
#include "server.h"

#define OVERLAY_HEIGHT 96

void zc_overlay_clear(struct zc_server *server)
{
	g_clear_handle_id(&server->overlay_timeout, g_source_remove);
	if (server->overlay) {
		wlr_scene_node_destroy(&server->overlay->node);
		server->overlay = NULL;
	}
}

static gboolean on_timeout(gpointer data)
{
	struct zc_server *server = data;
	server->overlay_timeout = 0;
	zc_overlay_clear(server);
	return G_SOURCE_REMOVE;
}

void zc_overlay_show(struct zc_server *server, struct zc_desktop *desktop)
{
	zc_overlay_clear(server);
	if (server->config->overlay_ms == 0)
		return;
	struct zc_label_style style = {
		.font = "Sans Bold 28",
		.padding = 40,
		.height = OVERLAY_HEIGHT,
		.corner_radius = 16,
	};
	memcpy(style.background, desktop->color, sizeof(style.background));
	zc_label_contrasting(style.background, style.foreground);

	server->overlay = wlr_scene_tree_create(&server->layers.messages->node);
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		struct wlr_box *box =
			wlr_output_layout_get_box(server->output_layout, output->wlr_output);
		if (!box || wlr_box_empty(box))
			continue;
		struct wlr_scene_buffer *label =
			zc_label_create(&server->overlay->node, desktop->name, &style);
		int width = label->buffer->width;
		wlr_scene_node_set_position(&label->node, box->x + (box->width - width) / 2,
					    box->y + (box->height - OVERLAY_HEIGHT) / 2);
	}
	server->overlay_timeout = g_timeout_add(server->config->overlay_ms, on_timeout, server);
}
