/* Desktops' Xwayland servers, and their X11 windows as views. */
#include "xwayland.h"

#include <glib.h>
#include <stdlib.h>
#include <wlr/xcursor.h>
#include <wlr/xwayland.h>

#include "client.h"
#include "clipboard.h"
#include "decoration.h"
#include "desktop.h"
#include "server.h"
#include "view.h"
#include "zion-error.h"

struct zc_xwayland {
	struct zc_server *server;
	struct zc_desktop *desktop;
	struct wlr_xwayland *wlr_xwayland;
	/* Holds the arrow X11 windows show when they set no cursor of their own. */
	struct wlr_xcursor_theme *cursor_theme;
	/* The window this X server was told has the keyboard, or NULL: X11 clients read the
	 * clipboard only while one of their server's windows has it. */
	struct xwayland_view *activated;
	struct wl_list views; // xwayland_view::link

	/* Whether its window manager follows the seat's selections (zc_xwayland_follow_seat). */
	bool following;

	struct wl_listener client_created;
	struct wl_listener client_destroy; /* on Xwayland's Wayland connection, while it is up */
	struct wl_listener ready;
	struct wl_listener new_surface;
	struct wl_listener focus_change;
};

/* An X11 window, from its creation to its destruction. */
struct xwayland_view {
	/* Set up while a managed window is mapped (impl is NULL otherwise). */
	struct zc_view view;
	struct zc_xwayland *xwayland;
	struct wlr_xwayland_surface *xsurface;
	/* An override-redirect window's node in the desktop's tree, while it is mapped. */
	struct wlr_scene_node *unmanaged;
	bool maximized;
	/* The size before it was maximised, to go back to. */
	int saved_width, saved_height;
	struct wl_list link; // zc_xwayland::views

	struct wl_listener destroy;
	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener commit; /* on the surface, while mapped as a view */
	struct wl_listener request_configure;
	struct wl_listener request_move;
	struct wl_listener request_resize;
	struct wl_listener request_maximize;
	struct wl_listener set_title;
	struct wl_listener set_geometry;
};

/* Every X server of the compositor, for the X11 event hook, which is told the window manager but
 * not which server it belongs to. */
static GList *instances;

static struct xwayland_view *xwayland_view_of(struct zc_view *view)
{
	struct xwayland_view *xview = wl_container_of(view, xview, view);
	return xview;
}

static struct wlr_surface *x11_surface(struct zc_view *view)
{
	return xwayland_view_of(view)->xsurface->surface;
}

/* What the window draws, all of it: X11 has no geometry inside the surface. */
static struct wlr_box x11_geometry(struct zc_view *view)
{
	struct wlr_surface *surface = x11_surface(view);
	return (struct wlr_box){ .width = surface->current.width,
				 .height = surface->current.height };
}

static const char *x11_title(struct zc_view *view)
{
	struct wlr_xwayland_surface *xsurface = xwayland_view_of(view)->xsurface;
	return xsurface->title ? xsurface->title : xsurface->class;
}

static void x11_set_activated(struct zc_view *view, bool activated)
{
	struct xwayland_view *xview = xwayland_view_of(view);
	struct zc_xwayland *xwayland = xview->xwayland;
	wlr_xwayland_surface_activate(xview->xsurface, activated);
	if (activated) {
		/* X11's stacking follows the screen's, for clients that look at it. */
		wlr_xwayland_surface_restack(xview->xsurface, NULL, XCB_STACK_MODE_ABOVE);
		xwayland->activated = xview;
	} else if (xwayland->activated == xview) {
		xwayland->activated = NULL;
	}
}

/* Tells the X server where the window is in the layout (inside its frame) and its size: X11
 * clients place their menus and tooltips from it. */
static void configure(struct xwayland_view *xview, int width, int height)
{
	struct wlr_scene_node *node = &xview->view.tree->node;
	wlr_xwayland_surface_configure(xview->xsurface, node->state.x + ZC_DECORATION_BORDER,
				       node->state.y + ZC_DECORATION_TITLE_HEIGHT, width, height);
}

static void x11_set_size(struct zc_view *view, int width, int height)
{
	struct xwayland_view *xview = xwayland_view_of(view);
	if (!width || !height) {
		/* X11 windows do not choose a size of their own: the one before maximising. */
		width = xview->saved_width ? xview->saved_width : xview->xsurface->width;
		height = xview->saved_height ? xview->saved_height : xview->xsurface->height;
	}
	configure(xview, width, height);
}

static void x11_moved(struct zc_view *view)
{
	struct xwayland_view *xview = xwayland_view_of(view);
	configure(xview, xview->xsurface->width, xview->xsurface->height);
}

static bool x11_maximized(struct zc_view *view)
{
	return xwayland_view_of(view)->maximized;
}

static void x11_set_maximized(struct zc_view *view, bool maximized)
{
	struct xwayland_view *xview = xwayland_view_of(view);
	if (maximized && !xview->maximized) {
		xview->saved_width = xview->xsurface->width;
		xview->saved_height = xview->xsurface->height;
	}
	xview->maximized = maximized;
	wlr_xwayland_surface_set_maximized(xview->xsurface, maximized);
}

static void x11_set_resizing(struct zc_view *view, bool resizing)
{
	/* X11 has no such state. */
}

static void x11_size_limits(struct zc_view *view, int *min_width, int *min_height, int *max_width,
			    int *max_height)
{
	const struct wlr_xwayland_surface_size_hints *hints =
		xwayland_view_of(view)->xsurface->size_hints;
	/* wlroots leaves -1 (or the client's 0) where the window sets no limit. */
	*min_width = hints ? MAX(hints->min_width, 0) : 0;
	*min_height = hints ? MAX(hints->min_height, 0) : 0;
	*max_width = hints ? MAX(hints->max_width, 0) : 0;
	*max_height = hints ? MAX(hints->max_height, 0) : 0;
}

static void x11_close(struct zc_view *view)
{
	wlr_xwayland_surface_close(xwayland_view_of(view)->xsurface);
}

static const struct zc_view_impl x11_impl = {
	.surface = x11_surface,
	.geometry = x11_geometry,
	.title = x11_title,
	.set_activated = x11_set_activated,
	.set_size = x11_set_size,
	.moved = x11_moved,
	.maximized = x11_maximized,
	.set_maximized = x11_set_maximized,
	.set_resizing = x11_set_resizing,
	.size_limits = x11_size_limits,
	.close = x11_close,
};

static void handle_commit(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, commit);
	zc_view_commit(&xview->view);
}

static void handle_map(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, map);
	struct wlr_xwayland_surface *xsurface = xview->xsurface;
	struct zc_desktop *desktop = xview->xwayland->desktop;
	if (xsurface->override_redirect) {
		/* Menus and tooltips place themselves, over the desktop's windows. */
		xview->unmanaged =
			wlr_scene_subsurface_tree_create(&desktop->tree->node, xsurface->surface);
		wlr_scene_node_set_position(xview->unmanaged, xsurface->x, xsurface->y);
		return;
	}
	struct zc_view *view = &xview->view;
	*view = (struct zc_view){ 0 };
	zc_view_init(view, xview->xwayland->server, desktop, &x11_impl);
	zc_view_set_window_node(
		view, wlr_scene_subsurface_tree_create(&view->tree->node, xsurface->surface));
	xview->maximized = false;
	xview->saved_width = xview->saved_height = 0;
	xview->commit.notify = handle_commit;
	wl_signal_add(&xsurface->surface->events.commit, &xview->commit);
	zc_view_map(view);
	/* A window that asked to be maximised before it mapped (_NET_WM_STATE). */
	if (xsurface->maximized_vert && xsurface->maximized_horz)
		zc_view_set_maximized(view, true);
}

static void handle_unmap(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, unmap);
	if (xview->unmanaged) {
		wlr_scene_node_destroy(xview->unmanaged);
		xview->unmanaged = NULL;
		return;
	}
	if (!xview->view.impl)
		return;
	wl_list_remove(&xview->commit.link);
	zc_view_unmap(&xview->view);
	if (xview->xwayland->activated == xview)
		xview->xwayland->activated = NULL;
	zc_view_finish(&xview->view);
	xview->view.impl = NULL;
}

static void handle_request_configure(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, request_configure);
	struct wlr_xwayland_surface_configure_event *event = data;
	/* The size is the window's to ask for; where a mapped window is, is the compositor's. */
	if (xview->view.impl)
		configure(xview, event->width, event->height);
	else
		wlr_xwayland_surface_configure(xview->xsurface, event->x, event->y, event->width,
					       event->height);
}

/* Override-redirect windows move themselves. */
static void handle_set_geometry(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, set_geometry);
	if (xview->unmanaged)
		wlr_scene_node_set_position(xview->unmanaged, xview->xsurface->x,
					    xview->xsurface->y);
}

static void handle_request_move(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, request_move);
	if (xview->view.impl)
		zc_view_request_move(&xview->view, 0);
}

static void handle_request_resize(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, request_resize);
	struct wlr_xwayland_resize_event *event = data;
	if (xview->view.impl)
		zc_view_request_resize(&xview->view, 0, event->edges);
}

static void handle_request_maximize(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, request_maximize);
	/* wlroots has already written the request into the window's state. */
	struct wlr_xwayland_surface *xsurface = xview->xsurface;
	if (xview->view.impl)
		zc_view_set_maximized(&xview->view,
				      xsurface->maximized_vert && xsurface->maximized_horz);
}

static void handle_set_title(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, set_title);
	if (xview->view.impl)
		zc_decoration_update(xview->view.decoration);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct xwayland_view *xview = wl_container_of(listener, xview, destroy);
	/* wlroots unmaps a window before it destroys it. */
	g_assert(!xview->view.impl && !xview->unmanaged);
	wl_list_remove(&xview->destroy.link);
	wl_list_remove(&xview->map.link);
	wl_list_remove(&xview->unmap.link);
	wl_list_remove(&xview->request_configure.link);
	wl_list_remove(&xview->request_move.link);
	wl_list_remove(&xview->request_resize.link);
	wl_list_remove(&xview->request_maximize.link);
	wl_list_remove(&xview->set_title.link);
	wl_list_remove(&xview->set_geometry.link);
	wl_list_remove(&xview->link);
	xview->xsurface->data = NULL;
	g_free(xview);
}

static void handle_new_surface(struct wl_listener *listener, void *data)
{
	struct zc_xwayland *xwayland = wl_container_of(listener, xwayland, new_surface);
	struct wlr_xwayland_surface *xsurface = data;
	struct xwayland_view *xview = g_new0(struct xwayland_view, 1);
	xview->xwayland = xwayland;
	xview->xsurface = xsurface;
	xsurface->data = xview;
	wl_list_insert(&xwayland->views, &xview->link);

	xview->destroy.notify = handle_destroy;
	wl_signal_add(&xsurface->events.destroy, &xview->destroy);
	xview->map.notify = handle_map;
	wl_signal_add(&xsurface->events.map, &xview->map);
	xview->unmap.notify = handle_unmap;
	wl_signal_add(&xsurface->events.unmap, &xview->unmap);
	xview->request_configure.notify = handle_request_configure;
	wl_signal_add(&xsurface->events.request_configure, &xview->request_configure);
	xview->request_move.notify = handle_request_move;
	wl_signal_add(&xsurface->events.request_move, &xview->request_move);
	xview->request_resize.notify = handle_request_resize;
	wl_signal_add(&xsurface->events.request_resize, &xview->request_resize);
	xview->request_maximize.notify = handle_request_maximize;
	wl_signal_add(&xsurface->events.request_maximize, &xview->request_maximize);
	xview->set_title.notify = handle_set_title;
	wl_signal_add(&xsurface->events.set_title, &xview->set_title);
	xview->set_geometry.notify = handle_set_geometry;
	wl_signal_add(&xsurface->events.set_geometry, &xview->set_geometry);
}

/*
 * Xwayland's Wayland connection is made by wlroots (a socket pair, not a desktop's socket). It is
 * tagged as the desktop's client the moment libwayland creates it, before it binds any global:
 * wlroots still holds the compositor's end of the pair in wl_fd[0] then.
 */
static void handle_client_created(struct wl_listener *listener, void *data)
{
	struct zc_xwayland *xwayland = wl_container_of(listener, xwayland, client_created);
	struct wl_client *client = data;
	struct wlr_xwayland_server *server = xwayland->wlr_xwayland->server;
	if (server && server->wl_fd[0] >= 0 && wl_client_get_fd(client) == server->wl_fd[0]) {
		zc_client_tag(client, ZC_CLIENT_DESKTOP, xwayland->desktop, NULL);
		wl_client_add_destroy_listener(client, &xwayland->client_destroy);
	}
}

/*
 * wlroots 0.15 hands its end of the window manager's connection (wm_fd[0]) to xcb, which closes it
 * when the window manager goes, and then closes it again itself when the X server goes
 * (server_finish_process). The second close hits whatever has taken the number meanwhile, often a
 * Wayland client's fd, whose event source then stays in epoll after it is freed: the compositor
 * crashed on that client's next event. Once the server has been ready, the fd is xcb's alone.
 */
static void disown_wm_fd(struct wlr_xwayland_server *server)
{
	if (server && server->client && !server->pipe_source)
		server->wm_fd[0] = -1;
}

/* Xwayland exited (wlroots starts it again, on the next X11 connection, only if it had run for
 * more than 5 seconds): its X11 owners are gone, and the X11 sources wlroots made for them would
 * read through a window manager that is gone too. This runs before wlroots' own handler, which
 * registered after it. */
static void handle_client_destroy(struct wl_listener *listener, void *data)
{
	struct zc_xwayland *xwayland = wl_container_of(listener, xwayland, client_destroy);
	wl_list_remove(&xwayland->client_destroy.link);
	wl_list_init(&xwayland->client_destroy.link);
	disown_wm_fd(xwayland->wlr_xwayland->server);
	if (xwayland->server->clipboard)
		zc_clipboard_drop_x11(xwayland->server->clipboard, xwayland->desktop);
}

/* A new window manager, after a restart: wlroots forgot the seat when the one before went. */
static void handle_ready(struct wl_listener *listener, void *data)
{
	struct zc_xwayland *xwayland = wl_container_of(listener, xwayland, ready);
	zc_xwayland_follow_seat(xwayland, xwayland->following);
}

/* The X server learns its window lost the keyboard however it lost it (another desktop shown, a
 * Wayland window or a layer surface focused, the focus cleared). */
static void handle_focus_change(struct wl_listener *listener, void *data)
{
	struct zc_xwayland *xwayland = wl_container_of(listener, xwayland, focus_change);
	struct wlr_seat_keyboard_focus_change_event *event = data;
	struct xwayland_view *activated = xwayland->activated;
	if (activated && event->new_surface != activated->xsurface->surface) {
		wlr_xwayland_surface_activate(activated->xsurface, false);
		xwayland->activated = NULL;
	}
}

/*
 * wlroots' window manager sets the seat's selection for an X11 client from C, not through a
 * request of Xwayland's, so clipboard.c cannot tell its desktop from the client. Every X11 event
 * passes here first: whatever selection its handling sets is this server's desktop's, and an X11
 * client's.
 */
static int handle_x11_event(struct wlr_xwm *xwm, xcb_generic_event_t *event)
{
	for (GList *l = instances; l; l = l->next) {
		struct zc_xwayland *xwayland = l->data;
		if (xwayland->wlr_xwayland->xwm == xwm)
			zc_clipboard_set_x11_requester(xwayland->server->clipboard,
						       xwayland->desktop);
	}
	return 0; /* wlroots handles the event as usual */
}

struct zc_xwayland *zc_xwayland_create(struct zc_server *server, struct zc_desktop *desktop,
				       GError **error)
{
	struct wlr_xwayland *wlr_xwayland =
		wlr_xwayland_create(server->display, server->compositor, true);
	if (!wlr_xwayland) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "desktop %s: cannot open an X11 display for Xwayland (wlroots wants "
			    "/tmp/.X11-unix root's or ours with the sticky bit, and a free display "
			    "from :0 to :32)",
			    desktop->name);
		return NULL;
	}
	struct zc_xwayland *xwayland = g_new0(struct zc_xwayland, 1);
	xwayland->server = server;
	xwayland->desktop = desktop;
	xwayland->wlr_xwayland = wlr_xwayland;
	wl_list_init(&xwayland->views);
	/* No seat until clipboard.c says its desktop has it (zc_xwayland_follow_seat). */
	/* The arrow of the compositor's theme and size (cursor.c), not X11's cross. */
	const char *size_text = g_getenv("XCURSOR_SIZE");
	int size = size_text ? atoi(size_text) : 0;
	xwayland->cursor_theme =
		wlr_xcursor_theme_load(g_getenv("XCURSOR_THEME"), size > 0 ? size : 24);
	struct wlr_xcursor *arrow =
		xwayland->cursor_theme
			? wlr_xcursor_theme_get_cursor(xwayland->cursor_theme, "left_ptr")
			: NULL;
	if (arrow) {
		struct wlr_xcursor_image *image = arrow->images[0];
		wlr_xwayland_set_cursor(wlr_xwayland, image->buffer, image->width * 4, image->width,
					image->height, image->hotspot_x, image->hotspot_y);
	}
	wlr_xwayland->user_event_handler = handle_x11_event;
	instances = g_list_prepend(instances, xwayland);

	xwayland->client_created.notify = handle_client_created;
	wl_display_add_client_created_listener(server->display, &xwayland->client_created);
	xwayland->client_destroy.notify = handle_client_destroy;
	wl_list_init(&xwayland->client_destroy.link);
	xwayland->ready.notify = handle_ready;
	wl_signal_add(&wlr_xwayland->events.ready, &xwayland->ready);
	xwayland->new_surface.notify = handle_new_surface;
	wl_signal_add(&wlr_xwayland->events.new_surface, &xwayland->new_surface);
	xwayland->focus_change.notify = handle_focus_change;
	wl_signal_add(&server->seat->keyboard_state.events.focus_change, &xwayland->focus_change);
	g_message("desktop %s: X11 display %s", desktop->name, wlr_xwayland->display_name);
	return xwayland;
}

void zc_xwayland_destroy(struct zc_xwayland *xwayland)
{
	if (!xwayland)
		return;
	instances = g_list_remove(instances, xwayland);
	wl_list_remove(&xwayland->client_created.link);
	wl_list_remove(&xwayland->client_destroy.link);
	wl_list_remove(&xwayland->ready.link);
	wl_list_remove(&xwayland->new_surface.link);
	wl_list_remove(&xwayland->focus_change.link);
	/* wlroots 0.15 keeps its window manager, and its windows, after wlr_xwayland_destroy (until
	 * an X11 hangup that never comes once the compositor stops): the windows' views go now. */
	struct xwayland_view *xview, *next;
	wl_list_for_each_safe(xview, next, &xwayland->views, link)
	{
		if (xview->xsurface->mapped)
			handle_unmap(&xview->unmap, xview->xsurface);
		handle_destroy(&xview->destroy, xview->xsurface);
	}
	/* Its X11 sources would read through a window manager that is gone. */
	if (xwayland->server->clipboard)
		zc_clipboard_drop_x11(xwayland->server->clipboard, xwayland->desktop);
	disown_wm_fd(xwayland->wlr_xwayland->server);
	wlr_xwayland_destroy(xwayland->wlr_xwayland);
	if (xwayland->cursor_theme)
		wlr_xcursor_theme_destroy(xwayland->cursor_theme);
	g_free(xwayland);
}

void zc_xwayland_follow_seat(struct zc_xwayland *xwayland, bool follow)
{
	xwayland->following = follow;
	wlr_xwayland_set_seat(xwayland->wlr_xwayland, follow ? xwayland->server->seat : NULL);
}

const char *zc_xwayland_display(struct zc_xwayland *xwayland)
{
	return xwayland->wlr_xwayland->display_name;
}

struct zc_view *zc_xwayland_view_from_surface(struct wlr_surface *surface)
{
	if (!wlr_surface_is_xwayland_surface(surface))
		return NULL;
	/* NULL once wlroots has let go of the surface (unmapped for good). */
	struct wlr_xwayland_surface *xsurface = wlr_xwayland_surface_from_wlr_surface(surface);
	struct xwayland_view *xview = xsurface ? xsurface->data : NULL;
	return xview && xview->view.impl ? &xview->view : NULL;
}
