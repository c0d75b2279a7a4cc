/* Compositor messages: labels centred on each output, with their timeout. */
#include "message.h"

#include <wlr/types/wlr_output_layout.h>

#include "output.h"
#include "server.h"

struct zc_message {
	struct zc_server *server;
	struct wlr_scene_tree *tree; /* while shown */
	guint timeout;
};

struct zc_message *zc_message_create(struct zc_server *server)
{
	struct zc_message *message = g_new0(struct zc_message, 1);
	message->server = server;
	return message;
}

void zc_message_destroy(struct zc_message *message)
{
	if (!message)
		return;
	zc_message_clear(message);
	g_free(message);
}

void zc_message_clear(struct zc_message *message)
{
	g_clear_handle_id(&message->timeout, g_source_remove);
	if (message->tree) {
		wlr_scene_node_destroy(&message->tree->node);
		message->tree = NULL;
	}
}

static gboolean on_timeout(gpointer data)
{
	struct zc_message *message = data;
	message->timeout = 0;
	zc_message_clear(message);
	return G_SOURCE_REMOVE;
}

void zc_message_show(struct zc_message *message, const char *text,
		     const struct zc_label_style *style, guint timeout_ms)
{
	struct zc_server *server = message->server;
	zc_message_clear(message);
	message->tree = wlr_scene_tree_create(&server->layers.messages->node);
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		struct wlr_box *box =
			wlr_output_layout_get_box(server->output_layout, output->wlr_output);
		if (!box || wlr_box_empty(box))
			continue;
		struct wlr_scene_buffer *label = zc_label_create(&message->tree->node, text, style);
		wlr_scene_node_set_position(&label->node,
					    box->x + (box->width - label->buffer->width) / 2,
					    box->y + (box->height - label->buffer->height) / 2);
	}
	if (timeout_ms)
		message->timeout = g_timeout_add(timeout_ms, on_timeout, message);
}
