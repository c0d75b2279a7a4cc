/* Dimming a desktop: a translucent rectangle and a label per output on top of its subtree. */
#include "desktop-dim.h"

#include <string.h>
#include <wlr/types/wlr_output_layout.h>

#include "desktop.h"
#include "label.h"
#include "output.h"
#include "server.h"

void zc_desktop_undim(struct zc_desktop *desktop)
{
	if (desktop->dim) {
		wlr_scene_node_destroy(&desktop->dim->node);
		desktop->dim = NULL;
	}
}

void zc_desktop_dim(struct zc_desktop *desktop, const char *mark)
{
	struct zc_server *server = desktop->server;
	zc_desktop_undim(desktop);
	desktop->dim = wlr_scene_tree_create(&desktop->tree->node);
	/* Over every output the layout has now; outputs added later show the windows undimmed
	 * until the next state change, which is harmless. */
	struct wlr_box *layout = wlr_output_layout_get_box(server->output_layout, NULL);
	static const float shade[4] = { 0, 0, 0, 0.55f };
	struct wlr_scene_rect *rect =
		wlr_scene_rect_create(&desktop->dim->node, layout->width, layout->height, shade);
	wlr_scene_node_set_position(&rect->node, layout->x, layout->y);

	struct zc_label_style style = {
		.font = "Sans Bold 20",
		.padding = 24,
		.corner_radius = 12,
	};
	memcpy(style.background, desktop->color, sizeof(style.background));
	zc_label_contrasting(style.background, style.foreground);
	g_autofree char *text = g_strdup_printf("%s — %s", desktop->name, mark);
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		struct wlr_box *box =
			wlr_output_layout_get_box(server->output_layout, output->wlr_output);
		if (!box)
			continue;
		struct wlr_scene_buffer *label = zc_label_create(&desktop->dim->node, text, &style);
		if (!label)
			continue;
		wlr_scene_node_set_position(&label->node,
					    box->x + (box->width - label->buffer->width) / 2,
					    box->y + (box->height - label->buffer->height) / 2);
	}
	/* Above the windows, which are raised inside the tree as they take the focus. */
	wlr_scene_node_raise_to_top(&desktop->dim->node);
}
