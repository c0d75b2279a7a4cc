/*
 * Desktops: each has a name, a colour, its own listening socket
 * ($XDG_RUNTIME_DIR/zion/desktops/NAME/wayland-0) and its own scene subtree. Every client is tagged
 * with the socket it came in on and only ever appears on that desktop. Showing a desktop enables
 * its subtree and disables the others: nothing is started, so a switch costs one frame.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_scene.h>

#include "config.h"

struct zc_server;
struct zc_view;
struct zc_xwayland;

struct zc_desktop {
	struct zc_server *server;
	char *name;
	float color[4];
	char *socket_dir;
	char *socket_path;
	int listen_fd;
	GSource *accept_source;
	struct wlr_scene_tree *tree;
	struct wl_list views;	      // zc_view::link, most recently focused first
	struct zc_xwayland *xwayland; /* with xwayland=true, else NULL */
	/* Over the windows while the desktop is dimmed (desktop-dim.c), else NULL. */
	struct wlr_scene_tree *dim;
	/* Made for a desktop of the agent (not the config file), and its state there. */
	bool from_agent;
	char *agent_state;
	/* Taken out of the list after the agent destroyed it: no socket, no clients, hidden; kept
	 * until exit, since other parts may still hold a pointer to it. */
	bool retired;
};

struct zc_desktop *zc_desktop_create(struct zc_server *server,
				     const struct zc_desktop_config *config, GError **error);
void zc_desktop_destroy(struct zc_desktop *desktop);
/* Takes a desktop away while the compositor runs: disconnects its clients, stops listening, moves
 * it from server->desktops to server->retired_desktops, and shows another if it was shown. */
void zc_desktop_retire(struct zc_desktop *desktop);

/* env (NULL for an empty one) with what a client of desktop needs: WAYLAND_DISPLAY, the desktop's
 * socket, and DISPLAY, its X display, or none at all (not the one the compositor may run in). */
char **zc_desktop_environ(struct zc_desktop *desktop, char **env);

/* Shows desktop on every output and gives it the keyboard focus it had. */
void zc_desktop_show(struct zc_desktop *desktop);
