/* Idle timers for the session's tools, and the inhibitors that hold them while shown. */
#include "idle.h"

#include <glib.h>
#include <wlr/types/wlr_idle.h>
#include <wlr/types/wlr_idle_inhibit_v1.h>
#include <wlr/types/wlr_layer_shell_v1.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>

#include "server.h"

struct zc_idle {
	struct zc_server *server;
	struct wlr_idle *wlr_idle;
	struct wlr_idle_inhibit_manager_v1 *inhibit_manager;
	struct wl_list inhibitors; // zc_idle_inhibitor::link
	gboolean inhibited;

	struct wl_listener new_inhibitor;
};

struct zc_idle_inhibitor {
	struct zc_idle *idle;
	struct wlr_idle_inhibitor_v1 *wlr_inhibitor;
	struct wl_list link; // zc_idle::inhibitors

	struct wl_listener destroy;
	/* A surface maps and unmaps by committing (a buffer, or none). A client that destroys the
	 * window but keeps the surface and its inhibitor is seen at the next check (switch,
	 * inhibitor made or destroyed). */
	struct wl_listener commit;
};

/* Whether surface is on screen: its window or layer surface is mapped and its scene node, and
 * every tree above it, is enabled (a desktop that is not shown has its tree disabled). xdg and
 * layer surfaces keep their scene node in data (view.c, layer-shell.c). */
static gboolean surface_shown(struct wlr_surface *surface)
{
	struct wlr_surface *root = wlr_surface_get_root_surface(surface);
	struct wlr_scene_node *node = NULL;
	if (wlr_surface_is_xdg_surface(root)) {
		struct wlr_xdg_surface *xdg_surface = wlr_xdg_surface_from_wlr_surface(root);
		if (xdg_surface && xdg_surface->mapped)
			node = xdg_surface->data;
	} else if (wlr_surface_is_layer_surface(root)) {
		struct wlr_layer_surface_v1 *layer_surface =
			wlr_layer_surface_v1_from_wlr_surface(root);
		if (layer_surface && layer_surface->mapped)
			node = layer_surface->data;
	}
	if (!node)
		return FALSE;
	for (; node; node = node->parent) {
		if (!node->state.enabled)
			return FALSE;
	}
	return TRUE;
}

static void update(struct zc_idle *idle)
{
	gboolean inhibited = FALSE;
	struct zc_idle_inhibitor *inhibitor;
	wl_list_for_each(inhibitor, &idle->inhibitors, link)
	{
		if (surface_shown(inhibitor->wlr_inhibitor->surface)) {
			inhibited = TRUE;
			break;
		}
	}
	if (inhibited == idle->inhibited)
		return;
	idle->inhibited = inhibited;
	g_debug("idle %s", inhibited ? "inhibited" : "no longer inhibited");
	/* Enabling again starts every timer from the beginning. */
	wlr_idle_set_enabled(idle->wlr_idle, idle->server->seat, !inhibited);
}

static void handle_inhibitor_commit(struct wl_listener *listener, void *data)
{
	struct zc_idle_inhibitor *inhibitor = wl_container_of(listener, inhibitor, commit);
	update(inhibitor->idle);
}

static void handle_inhibitor_destroy(struct wl_listener *listener, void *data)
{
	struct zc_idle_inhibitor *inhibitor = wl_container_of(listener, inhibitor, destroy);
	struct zc_idle *idle = inhibitor->idle;
	wl_list_remove(&inhibitor->destroy.link);
	wl_list_remove(&inhibitor->commit.link);
	wl_list_remove(&inhibitor->link);
	g_free(inhibitor);
	update(idle);
}

static void handle_new_inhibitor(struct wl_listener *listener, void *data)
{
	struct zc_idle *idle = wl_container_of(listener, idle, new_inhibitor);
	struct wlr_idle_inhibitor_v1 *wlr_inhibitor = data;
	struct zc_idle_inhibitor *inhibitor = g_new0(struct zc_idle_inhibitor, 1);
	inhibitor->idle = idle;
	inhibitor->wlr_inhibitor = wlr_inhibitor;
	inhibitor->destroy.notify = handle_inhibitor_destroy;
	wl_signal_add(&wlr_inhibitor->events.destroy, &inhibitor->destroy);
	inhibitor->commit.notify = handle_inhibitor_commit;
	wl_signal_add(&wlr_inhibitor->surface->events.commit, &inhibitor->commit);
	wl_list_insert(&idle->inhibitors, &inhibitor->link);
	update(idle);
}

struct zc_idle *zc_idle_create(struct zc_server *server)
{
	struct zc_idle *idle = g_new0(struct zc_idle, 1);
	idle->server = server;
	idle->wlr_idle = wlr_idle_create(server->display);
	idle->inhibit_manager = wlr_idle_inhibit_v1_create(server->display);
	wl_list_init(&idle->inhibitors);
	idle->new_inhibitor.notify = handle_new_inhibitor;
	wl_signal_add(&idle->inhibit_manager->events.new_inhibitor, &idle->new_inhibitor);
	return idle;
}

void zc_idle_destroy(struct zc_idle *idle)
{
	if (!idle)
		return;
	/* Clients, and with them their inhibitors, are gone by now. */
	g_assert(wl_list_empty(&idle->inhibitors));
	wl_list_remove(&idle->new_inhibitor.link);
	g_free(idle);
}

void zc_idle_notify_activity(struct zc_server *server)
{
	if (server->idle)
		wlr_idle_notify_activity(server->idle->wlr_idle, server->seat);
}

void zc_idle_update_inhibit(struct zc_server *server)
{
	if (server->idle)
		update(server->idle);
}
