/*
 * The compositor's root object: the Wayland display, the wlroots backend, renderer, scene and the
 * protocol globals, the outputs, the seat and the desktops. Everything else hangs off it.
 */
#pragma once

#include <glib.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/render/allocator.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>

#include "config.h"
#include "switch-stats.h"

struct zc_clipboard;
struct zc_cursor;
struct zc_decoration_protocols;
struct zc_desktop;
struct zc_grabs;
struct zc_idle;
struct zc_layer_shell;
struct zc_message;
struct zc_output_management;
struct zc_security_context;

struct zc_server {
	struct wl_display *display;
	struct wlr_backend *backend;
	struct wlr_renderer *renderer;
	struct wlr_allocator *allocator;
	struct wlr_scene *scene;
	/* The scene's stacking order, bottom to top: layer-shell background and bottom layers, the
	 * desktops (one subtree each, one shown), layer-shell top and overlay layers, and the
	 * compositor's own on-screen messages (desktop name, confirmations). */
	struct {
		struct wlr_scene_tree *background, *bottom, *desktops, *top, *overlay, *messages;
	} layers;
	struct wlr_output_layout *output_layout;
	struct wlr_compositor *compositor;
	struct wlr_xdg_shell *xdg_shell;
	struct wlr_seat *seat;
	struct zc_cursor *cursor;
	struct zc_layer_shell *layer_shell;
	struct zc_output_management *output_management;
	struct zc_idle *idle;
	struct zc_grabs *grabs;
	struct zc_security_context *security_context;
	struct zc_clipboard *clipboard;
	struct zc_decoration_protocols *decoration_protocols;
	GSource *wayland_source;
	GMainLoop *loop; /* quit by zc_server_quit, SIGTERM and SIGINT */
	guint sigterm_source, sigint_source;
	const struct zc_config *config;

	/* The privileged socket (WAYLAND_DISPLAY) for the shell and the settings panel. */
	char *privileged_socket;

	struct wl_list outputs;	     // zc_output::link
	struct wl_list keyboards;    // zc_keyboard::link
	GPtrArray *desktops;	     // of zc_desktop, in config order: Super+1 is the first
	GPtrArray *retired_desktops; // of zc_desktop the agent destroyed (desktop.h)
	struct zc_desktop *shown;
	struct zc_agent *agent; /* following zion-agent's desktops (agent.h) */
	struct zc_switch_stats *switch_stats;
	struct zc_dbus *dbus;
	struct zc_message *overlay; /* the desktop name after a switch */

	struct wl_listener new_output;
	struct wl_listener new_input;
	struct wl_listener new_xdg_surface;
	struct wl_listener new_virtual_keyboard;
	struct wl_listener request_activate;
	struct wl_listener layout_change;
};

/*
 * Sets up wlroots and every global; starts the backend. Returns NULL with error set. socket_name:
 * the privileged socket's name in $XDG_RUNTIME_DIR, or NULL for the first free wayland-N.
 * stats_file: where switch latencies go at exit, or NULL.
 */
struct zc_server *zc_server_create(const struct zc_config *config, const char *socket_name,
				   const char *stats_file, GError **error);
void zc_server_destroy(struct zc_server *server);

/* Runs until zc_server_quit. */
void zc_server_run(struct zc_server *server);
void zc_server_quit(struct zc_server *server);
