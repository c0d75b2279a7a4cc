/* Desktops, their sockets and scene subtrees. */
#include "desktop.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "client.h"
#include "clipboard.h"
#include "cursor.h"
#include "dbus.h"
#include "grabs.h"
#include "idle.h"
#include "overlay.h"
#include "server.h"
#include "view.h"
#include "xwayland.h"
#include "zion-error.h"

static gboolean on_connection(gint fd, GIOCondition condition, gpointer data)
{
	struct zc_desktop *desktop = data;
	int client_fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (desktop->retired) {
		if (client_fd >= 0)
			close(client_fd);
		return G_SOURCE_REMOVE;
	}
	if (client_fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			g_warning("desktop %s: accept: %s", desktop->name, g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	if (!zc_client_create(desktop->server, client_fd, ZC_CLIENT_DESKTOP, desktop, NULL))
		g_warning("desktop %s: cannot create a client", desktop->name);
	return G_SOURCE_CONTINUE;
}

static int listen_on(const char *path, GError **error)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(address.sun_path)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: the socket path is too long",
			    path);
		return -1;
	}
	strcpy(address.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* A socket someone still answers on belongs to a running compositor: never steal it. Only a
	 * dead one (left by a crash) is replaced. */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	gboolean in_use =
		probe >= 0 && connect(probe, (struct sockaddr *)&address, sizeof(address)) == 0;
	if (probe >= 0)
		close(probe);
	if (in_use) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_EXISTS,
			    "%s is in use by another compositor", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	g_unlink(path);
	/* The socket is bind-mounted into the desktop's container, where the desktop's user may
	 * not be the compositor's uid (root's desktops map it elsewhere); on the host its 0700
	 * directory keeps everyone else out. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot listen on %s: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct zc_desktop *zc_desktop_create(struct zc_server *server,
				     const struct zc_desktop_config *config, GError **error)
{
	const char *name = config->name;
	const char *runtime_dir = g_get_user_runtime_dir();
	g_autofree char *socket_dir = g_build_filename(runtime_dir, "zion", "desktops", name, NULL);
	if (g_mkdir_with_parents(socket_dir, 0700) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s",
			    socket_dir, g_strerror(errno));
		return NULL;
	}
	g_autofree char *socket_path = g_build_filename(socket_dir, "wayland-0", NULL);
	int fd = listen_on(socket_path, error);
	if (fd < 0)
		return NULL;

	struct zc_desktop *desktop = g_new0(struct zc_desktop, 1);
	desktop->server = server;
	desktop->name = g_strdup(name);
	memcpy(desktop->color, config->color, sizeof(desktop->color));
	desktop->socket_dir = g_steal_pointer(&socket_dir);
	desktop->socket_path = g_steal_pointer(&socket_path);
	desktop->listen_fd = fd;
	desktop->accept_source = g_unix_fd_source_new(fd, G_IO_IN);
	g_source_set_callback(desktop->accept_source, G_SOURCE_FUNC(on_connection), desktop, NULL);
	g_source_attach(desktop->accept_source, NULL);
	desktop->tree = wlr_scene_tree_create(&server->layers.desktops->node);
	wlr_scene_node_set_enabled(&desktop->tree->node, FALSE);
	wl_list_init(&desktop->views);
	if (config->xwayland && !(desktop->xwayland = zc_xwayland_create(server, desktop, error))) {
		zc_desktop_destroy(desktop);
		return NULL;
	}
	return desktop;
}

static void stop_listening(struct zc_desktop *desktop)
{
	if (desktop->listen_fd < 0)
		return;
	g_source_destroy(desktop->accept_source);
	g_source_unref(desktop->accept_source);
	close(desktop->listen_fd);
	desktop->listen_fd = -1;
	g_unlink(desktop->socket_path);
	g_rmdir(desktop->socket_dir);
}

void zc_desktop_retire(struct zc_desktop *desktop)
{
	struct zc_server *server = desktop->server;
	/* Only desktops of the config file have an X server, and those are never retired: wlroots
	 * 0.15's window manager outlives wlr_xwayland_destroy and reads it once freed, so a running
	 * X server can be let go of only at exit (zc_xwayland_destroy). */
	g_assert(!desktop->xwayland);
	desktop->retired = true;
	stop_listening(desktop);
	struct wl_list *clients = wl_display_get_client_list(server->display);
	struct wl_list *link, *next;
	for (link = clients->next, next = link->next; link != clients;
	     link = next, next = link->next) {
		struct wl_client *client = wl_client_from_link(link);
		if (zc_client_desktop(client) == desktop)
			wl_client_destroy(client);
	}
	guint index;
	if (g_ptr_array_find(server->desktops, desktop, &index))
		g_ptr_array_steal_index(server->desktops, index);
	g_ptr_array_add(server->retired_desktops, desktop);
	/* The last desktop stays "shown", empty, until another appears. */
	if (server->shown == desktop && server->desktops->len > 0)
		zc_desktop_show(g_ptr_array_index(server->desktops, 0));
	wlr_scene_node_set_enabled(&desktop->tree->node, false);
	g_message("desktop %s removed", desktop->name);
}

void zc_desktop_destroy(struct zc_desktop *desktop)
{
	if (!desktop)
		return;
	stop_listening(desktop);
	g_clear_pointer(&desktop->xwayland, zc_xwayland_destroy);
	wlr_scene_node_destroy(&desktop->tree->node);
	g_free(desktop->agent_state);
	g_free(desktop->socket_path);
	g_free(desktop->socket_dir);
	g_free(desktop->name);
	g_free(desktop);
}

void zc_desktop_show(struct zc_desktop *desktop)
{
	struct zc_server *server = desktop->server;
	if (server->shown == desktop)
		return;
	/* The first desktop shown at start is not a switch. */
	if (server->shown) {
		/* No popup grab or drag outlives its desktop on screen. */
		zc_grabs_end(server->grabs);
		wlr_scene_node_set_enabled(&server->shown->tree->node, FALSE);
		zc_switch_stats_begin(server->switch_stats);
		zc_overlay_show(server, desktop);
	}
	wlr_scene_node_set_enabled(&desktop->tree->node, TRUE);
	server->shown = desktop;
	zc_agent_desktop_shown(server->agent, desktop);
	zc_dbus_desktop_shown(server->dbus, desktop->name);
	g_debug("showing desktop %s", desktop->name);
	zc_idle_update_inhibit(server);
	zc_clipboard_desktop_shown(server->clipboard);
	zc_cursor_update_focus(server->cursor);

	struct zc_view *view;
	wl_list_for_each(view, &desktop->views, link)
	{
		zc_view_focus(view);
		return;
	}
	wlr_seat_keyboard_notify_clear_focus(server->seat);
}

char **zc_desktop_environ(struct zc_desktop *desktop, char **env)
{
	env = g_environ_setenv(env, "WAYLAND_DISPLAY", desktop->socket_path, TRUE);
	if (desktop->xwayland)
		return g_environ_setenv(env, "DISPLAY", zc_xwayland_display(desktop->xwayland),
					TRUE);
	return g_environ_unsetenv(env, "DISPLAY");
}
