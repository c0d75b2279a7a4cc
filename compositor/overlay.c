/* The desktop name overlay: a message in the desktop's colour. */
#include "overlay.h"

#include <string.h>

#include "desktop.h"
#include "message.h"
#include "server.h"

void zc_overlay_show(struct zc_server *server, struct zc_desktop *desktop)
{
	if (server->config->overlay_ms == 0)
		return;
	struct zc_label_style style = {
		.font = "Sans Bold 28",
		.padding = 40,
		.height = 96,
		.corner_radius = 16,
	};
	memcpy(style.background, desktop->color, sizeof(style.background));
	zc_label_contrasting(style.background, style.foreground);
	zc_message_show(server->overlay, desktop->name, &style, server->config->overlay_ms);
}
