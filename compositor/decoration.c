/* Window frames drawn by the compositor, and the protocols that tell clients not to draw theirs. */
#include "decoration.h"

#include <glib.h>
#include <string.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_server_decoration.h>
#include <wlr/types/wlr_xdg_decoration_v1.h>

#include "desktop.h"
#include "label.h"
#include "server.h"
#include "view.h"

#define TITLE_FONT "Sans 10"
#define DESKTOP_FONT "Sans Bold 10"
#define LABEL_PADDING 8

struct zc_decoration_protocols {
	struct wlr_xdg_decoration_manager_v1 *xdg_manager;
	struct wl_listener new_toplevel_decoration;
};

/* One client's xdg-decoration object: whatever it asks for, the answer is server-side. */
struct xdg_decoration {
	struct wlr_xdg_toplevel_decoration_v1 *wlr_decoration;
	struct wl_listener request_mode;
	struct wl_listener destroy;
};

struct zc_decoration {
	struct zc_view *view;
	struct wlr_scene_tree *tree; /* in view->tree, over the window */
	struct wlr_scene_rect *title_bar, *left, *right, *bottom;
	/* The title and desktop name drawn for each look, [0] unfocused and [1] focused; only the
	 * current one is enabled, so focus changes redraw no text. */
	struct wlr_scene_tree *labels[2];
	bool focused;
	/* What the labels were drawn for: they are redrawn when one of these changes. */
	int width, height;
	char *title;
};

static void handle_request_mode(struct wl_listener *listener, void *data)
{
	struct xdg_decoration *decoration = wl_container_of(listener, decoration, request_mode);
	wlr_xdg_toplevel_decoration_v1_set_mode(decoration->wlr_decoration,
						WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

static void handle_decoration_destroy(struct wl_listener *listener, void *data)
{
	struct xdg_decoration *decoration = wl_container_of(listener, decoration, destroy);
	wl_list_remove(&decoration->request_mode.link);
	wl_list_remove(&decoration->destroy.link);
	g_free(decoration);
}

static void handle_new_toplevel_decoration(struct wl_listener *listener, void *data)
{
	struct wlr_xdg_toplevel_decoration_v1 *wlr_decoration = data;
	struct xdg_decoration *decoration = g_new0(struct xdg_decoration, 1);
	decoration->wlr_decoration = wlr_decoration;
	decoration->request_mode.notify = handle_request_mode;
	wl_signal_add(&wlr_decoration->events.request_mode, &decoration->request_mode);
	decoration->destroy.notify = handle_decoration_destroy;
	wl_signal_add(&wlr_decoration->events.destroy, &decoration->destroy);
	handle_request_mode(&decoration->request_mode, wlr_decoration);
}

struct zc_decoration_protocols *zc_decoration_protocols_create(struct zc_server *server)
{
	struct zc_decoration_protocols *protocols = g_new0(struct zc_decoration_protocols, 1);
	protocols->xdg_manager = wlr_xdg_decoration_manager_v1_create(server->display);
	protocols->new_toplevel_decoration.notify = handle_new_toplevel_decoration;
	wl_signal_add(&protocols->xdg_manager->events.new_toplevel_decoration,
		      &protocols->new_toplevel_decoration);
	/* KDE's protocol answers whatever a client asks by itself; the default is what GTK3 and Qt
	 * follow. */
	struct wlr_server_decoration_manager *kde_manager =
		wlr_server_decoration_manager_create(server->display);
	wlr_server_decoration_manager_set_default_mode(kde_manager,
						       WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);
	return protocols;
}

void zc_decoration_protocols_destroy(struct zc_decoration_protocols *protocols)
{
	if (!protocols)
		return;
	wl_list_remove(&protocols->new_toplevel_decoration.link);
	g_free(protocols);
}

int zc_decoration_frame_width(int width)
{
	return width + 2 * ZC_DECORATION_BORDER;
}

int zc_decoration_frame_height(int height)
{
	return height + ZC_DECORATION_TITLE_HEIGHT + ZC_DECORATION_BORDER;
}

/* The desktop's colour, or for an unfocused window the same blended most of the way to a dark
 * grey: still recognisable, clearly not the active one. */
static void frame_color(const struct zc_decoration *decoration, bool focused, float color[4])
{
	const float *desktop = decoration->view->desktop->color;
	for (int i = 0; i < 3; i++)
		color[i] = focused ? desktop[i] : 0.4f * desktop[i] + 0.6f * 0.15f;
	color[3] = 1.0f;
}

/* Draws the title on the left and the desktop's name on the right of a title bar as wide as the
 * frame, in the look for focused. */
static struct wlr_scene_tree *create_labels(struct zc_decoration *decoration, bool focused)
{
	struct wlr_scene_tree *tree = wlr_scene_tree_create(&decoration->tree->node);
	int frame_width = zc_decoration_frame_width(decoration->width);
	struct zc_label_style style = {
		.font = DESKTOP_FONT,
		.padding = LABEL_PADDING,
		.height = ZC_DECORATION_TITLE_HEIGHT,
	};
	frame_color(decoration, focused, style.background);
	zc_label_contrasting(style.background, style.foreground);

	const char *desktop_name = decoration->view->desktop->name;
	struct wlr_scene_buffer *name = zc_label_create(&tree->node, desktop_name, &style);
	if (name->buffer->width > frame_width) {
		wlr_scene_node_destroy(&name->node);
		style.width = frame_width;
		name = zc_label_create(&tree->node, desktop_name, &style);
	}
	int name_width = name->buffer->width;
	wlr_scene_node_set_position(&name->node, frame_width - name_width, 0);

	int title_width = frame_width - name_width;
	if (decoration->title && *decoration->title && title_width > 2 * LABEL_PADDING) {
		style.font = TITLE_FONT;
		style.width = title_width;
		zc_label_create(&tree->node, decoration->title, &style);
	}
	wlr_scene_node_set_enabled(&tree->node, focused == decoration->focused);
	return tree;
}

static void redraw_labels(struct zc_decoration *decoration)
{
	for (int focused = 0; focused < 2; focused++) {
		if (decoration->labels[focused])
			wlr_scene_node_destroy(&decoration->labels[focused]->node);
		decoration->labels[focused] = create_labels(decoration, focused);
	}
}

static void paint(struct zc_decoration *decoration)
{
	float color[4];
	frame_color(decoration, decoration->focused, color);
	struct wlr_scene_rect *rects[] = { decoration->title_bar, decoration->left,
					   decoration->right, decoration->bottom };
	for (size_t i = 0; i < G_N_ELEMENTS(rects); i++)
		wlr_scene_rect_set_color(rects[i], color);
}

struct zc_decoration *zc_decoration_create(struct zc_view *view)
{
	struct zc_decoration *decoration = g_new0(struct zc_decoration, 1);
	decoration->view = view;
	decoration->tree = wlr_scene_tree_create(&view->tree->node);
	const float transparent[4] = { 0 };
	struct wlr_scene_rect **rects[] = { &decoration->title_bar, &decoration->left,
					    &decoration->right, &decoration->bottom };
	for (size_t i = 0; i < G_N_ELEMENTS(rects); i++)
		*rects[i] = wlr_scene_rect_create(&decoration->tree->node, 0, 0, transparent);
	paint(decoration);
	/* Sizes and labels come with the window's first commit with a buffer. */
	decoration->width = decoration->height = -1;
	return decoration;
}

void zc_decoration_destroy(struct zc_decoration *decoration)
{
	if (!decoration)
		return;
	wlr_scene_node_destroy(&decoration->tree->node);
	g_free(decoration->title);
	g_free(decoration);
}

void zc_decoration_update(struct zc_decoration *decoration)
{
	struct zc_view *view = decoration->view;
	struct wlr_box geometry = view->impl->geometry(view);
	const char *title = view->impl->title(view);
	bool resized = geometry.width != decoration->width || geometry.height != decoration->height;
	if (!resized && g_strcmp0(title, decoration->title) == 0)
		return;
	g_free(decoration->title);
	decoration->title = g_strdup(title);
	decoration->width = geometry.width;
	decoration->height = geometry.height;

	const int border = ZC_DECORATION_BORDER, title_height = ZC_DECORATION_TITLE_HEIGHT;
	int frame_width = zc_decoration_frame_width(geometry.width);
	wlr_scene_rect_set_size(decoration->title_bar, frame_width, title_height);
	wlr_scene_rect_set_size(decoration->left, border, geometry.height);
	wlr_scene_node_set_position(&decoration->left->node, 0, title_height);
	wlr_scene_rect_set_size(decoration->right, border, geometry.height);
	wlr_scene_node_set_position(&decoration->right->node, border + geometry.width,
				    title_height);
	wlr_scene_rect_set_size(decoration->bottom, frame_width, border);
	wlr_scene_node_set_position(&decoration->bottom->node, 0, title_height + geometry.height);
	redraw_labels(decoration);
}

void zc_decoration_set_focused(struct zc_decoration *decoration, bool focused)
{
	if (decoration->focused == focused)
		return;
	decoration->focused = focused;
	paint(decoration);
	for (int look = 0; look < 2; look++) {
		if (decoration->labels[look])
			wlr_scene_node_set_enabled(&decoration->labels[look]->node,
						   look == focused);
	}
}
