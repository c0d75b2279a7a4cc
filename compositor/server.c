/* Setting up and tearing down the compositor: wlroots, the protocol globals, desktops, the loop. */
#include "server.h"

#include <glib-unix.h>
#include <signal.h>

#include <wlr/backend/headless.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_data_control_v1.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_presentation_time.h>
#include <wlr/types/wlr_primary_selection_v1.h>
#include <wlr/types/wlr_screencopy_v1.h>
#include <wlr/types/wlr_viewporter.h>
#include <wlr/types/wlr_virtual_keyboard_v1.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_output_v1.h>

#include "client.h"
#include "agent.h"
#include "clipboard.h"
#include "cursor.h"
#include "dbus.h"
#include "decoration.h"
#include "desktop.h"
#include "event-source.h"
#include "grabs.h"
#include "idle.h"
#include "keyboard.h"
#include "layer-shell.h"
#include "output.h"
#include "output-management.h"
#include "message.h"
#include "security-context.h"
#include "view.h"
#include "zion-error.h"

static void handle_new_input(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, new_input);
	struct wlr_input_device *device = data;
	if (device->type == WLR_INPUT_DEVICE_KEYBOARD)
		zc_keyboard_add(server, device, TRUE);
	else if (device->type == WLR_INPUT_DEVICE_POINTER)
		zc_cursor_add_pointer(server->cursor, device);
}

static void handle_new_virtual_keyboard(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, new_virtual_keyboard);
	struct wlr_virtual_keyboard_v1 *keyboard = data;
	zc_keyboard_add(server, &keyboard->input_device, FALSE);
}

static void handle_layout_change(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, layout_change);
	zc_view_keep_reachable(server);
}

static gboolean on_terminate(gpointer data)
{
	zc_server_quit(data);
	return G_SOURCE_CONTINUE;
}

static gboolean create_globals(struct zc_server *server, GError **error)
{
	struct wl_display *display = server->display;
	if (!wlr_renderer_init_wl_display(server->renderer, display)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot set up wl_shm and linux-dmabuf");
		return FALSE;
	}
	server->compositor = wlr_compositor_create(display, server->renderer);
	wlr_data_device_manager_create(display);
	wlr_primary_selection_v1_device_manager_create(display);
	wlr_viewporter_create(display);
	wlr_xdg_output_manager_v1_create(display, server->output_layout);
	/* Privileged (hidden from desktop clients by the global filter). */
	wlr_screencopy_manager_v1_create(display);
	wlr_data_control_manager_v1_create(display);
	struct wlr_virtual_keyboard_manager_v1 *virtual_keyboards =
		wlr_virtual_keyboard_manager_v1_create(display);
	server->new_virtual_keyboard.notify = handle_new_virtual_keyboard;
	wl_signal_add(&virtual_keyboards->events.new_virtual_keyboard,
		      &server->new_virtual_keyboard);

	wlr_scene_set_presentation(server->scene,
				   wlr_presentation_create(display, server->backend));
	struct wlr_xdg_activation_v1 *activation = wlr_xdg_activation_v1_create(display);
	server->request_activate.notify = zc_view_handle_request_activate;
	wl_signal_add(&activation->events.request_activate, &server->request_activate);

	server->xdg_shell = wlr_xdg_shell_create(display);
	server->new_xdg_surface.notify = zc_view_handle_new_xdg_surface;
	wl_signal_add(&server->xdg_shell->events.new_surface, &server->new_xdg_surface);
	server->seat = wlr_seat_create(display, "seat0");
	server->clipboard = zc_clipboard_create(server);
	server->layer_shell = zc_layer_shell_create(server);
	server->output_management = zc_output_management_create(server);
	server->idle = zc_idle_create(server);
	server->security_context = zc_security_context_create(server);
	server->cursor = zc_cursor_create(server);
	server->grabs = zc_grabs_create(server);
	server->decoration_protocols = zc_decoration_protocols_create(server);
	return TRUE;
}

static gboolean create_desktops(struct zc_server *server, GError **error)
{
	server->desktops = g_ptr_array_new_with_free_func((GDestroyNotify)zc_desktop_destroy);
	server->retired_desktops =
		g_ptr_array_new_with_free_func((GDestroyNotify)zc_desktop_destroy);
	for (guint i = 0; i < server->config->desktops->len; i++) {
		const struct zc_desktop_config *config =
			g_ptr_array_index(server->config->desktops, i);
		struct zc_desktop *desktop = zc_desktop_create(server, config, error);
		if (!desktop)
			return FALSE;
		g_ptr_array_add(server->desktops, desktop);
		g_message("desktop %s listens on %s", desktop->name, desktop->socket_path);
	}
	zc_desktop_show(g_ptr_array_index(server->desktops, 0));
	return TRUE;
}

struct zc_server *zc_server_create(const struct zc_config *config, const char *socket_name,
				   const char *stats_file, GError **error)
{
	struct zc_server *server = g_new0(struct zc_server, 1);
	server->config = config;
	server->switch_stats = zc_switch_stats_create(stats_file);
	wl_list_init(&server->outputs);
	wl_list_init(&server->keyboards);
	server->display = wl_display_create();
	server->backend = wlr_backend_autocreate(server->display);
	if (!server->backend) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "no backend: not on a TTY with a seat, not inside Wayland or X11, and "
			    "WLR_BACKENDS=headless not set");
		zc_server_destroy(server);
		return NULL;
	}
	server->renderer = wlr_renderer_autocreate(server->backend);
	server->allocator = server->renderer
				    ? wlr_allocator_autocreate(server->backend, server->renderer)
				    : NULL;
	if (!server->allocator) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "no renderer or allocator");
		zc_server_destroy(server);
		return NULL;
	}
	server->output_layout = wlr_output_layout_create();
	server->scene = wlr_scene_create();
	wlr_scene_attach_output_layout(server->scene, server->output_layout);
	struct wlr_scene_tree **layers[] = {
		&server->layers.background, &server->layers.bottom,  &server->layers.desktops,
		&server->layers.top,	    &server->layers.overlay, &server->layers.messages,
	};
	for (size_t i = 0; i < G_N_ELEMENTS(layers); i++)
		*layers[i] = wlr_scene_tree_create(&server->scene->node);
	server->overlay = zc_message_create(server);
	if (!create_globals(server, error) || !create_desktops(server, error)) {
		zc_server_destroy(server);
		return NULL;
	}
	zc_client_install_global_filter(server);

	server->new_output.notify = zc_output_handle_new;
	wl_signal_add(&server->backend->events.new_output, &server->new_output);
	server->new_input.notify = handle_new_input;
	wl_signal_add(&server->backend->events.new_input, &server->new_input);
	server->layout_change.notify = handle_layout_change;
	wl_signal_add(&server->output_layout->events.change, &server->layout_change);

	if (!wlr_backend_start(server->backend)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot start the backend");
		zc_server_destroy(server);
		return NULL;
	}
	server->loop = g_main_loop_new(NULL, FALSE);
	server->wayland_source = zc_wayland_source_new(server->display);
	g_source_attach(server->wayland_source, NULL);
	server->sigterm_source = g_unix_signal_add(SIGTERM, on_terminate, server);
	server->sigint_source = g_unix_signal_add(SIGINT, on_terminate, server);

	/* The privileged socket comes last: once it exists, the compositor is ready. */
	const char *socket = socket_name;
	if (socket ? wl_display_add_socket(server->display, socket) < 0
		   : !(socket = wl_display_add_socket_auto(server->display))) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot open the Wayland socket %s",
			    socket_name ? socket_name : "wayland-N");
		zc_server_destroy(server);
		return NULL;
	}
	server->privileged_socket = g_strdup(socket);
	server->dbus = zc_dbus_start(server);
	server->agent = zc_agent_create(server);
	return server;
}

void zc_server_run(struct zc_server *server)
{
	g_main_loop_run(server->loop);
}

void zc_server_quit(struct zc_server *server)
{
	g_main_loop_quit(server->loop);
}

void zc_server_destroy(struct zc_server *server)
{
	if (!server)
		return;
	if (server->sigterm_source) {
		g_source_remove(server->sigterm_source);
		g_source_remove(server->sigint_source);
	}
	if (server->wayland_source) {
		g_source_destroy(server->wayland_source);
		g_source_unref(server->wayland_source);
	}
	zc_agent_destroy(server->agent);
	zc_dbus_stop(server->dbus);
	zc_message_destroy(server->overlay);
	if (server->display)
		wl_display_destroy_clients(server->display);
	g_clear_pointer(&server->clipboard, zc_clipboard_destroy);
	g_clear_pointer(&server->desktops, g_ptr_array_unref);
	g_clear_pointer(&server->retired_desktops, g_ptr_array_unref);
	g_clear_pointer(&server->security_context, zc_security_context_destroy);
	g_clear_pointer(&server->grabs, zc_grabs_destroy);
	g_clear_pointer(&server->cursor, zc_cursor_destroy);
	g_clear_pointer(&server->decoration_protocols, zc_decoration_protocols_destroy);
	g_clear_pointer(&server->idle, zc_idle_destroy);
	g_clear_pointer(&server->output_management, zc_output_management_destroy);
	g_clear_pointer(&server->layer_shell, zc_layer_shell_destroy);
	if (server->new_output.notify) {
		wl_list_remove(&server->new_output.link);
		wl_list_remove(&server->new_input.link);
		wl_list_remove(&server->layout_change.link);
	}
	if (server->request_activate.notify) {
		wl_list_remove(&server->request_activate.link);
		wl_list_remove(&server->new_virtual_keyboard.link);
		wl_list_remove(&server->new_xdg_surface.link);
	}
	/* The backend takes its outputs, and the layout the scene's link to it, before the scene
	 * goes. */
	if (server->backend)
		wlr_backend_destroy(server->backend);
	g_clear_pointer(&server->output_layout, wlr_output_layout_destroy);
	if (server->scene)
		wlr_scene_node_destroy(&server->scene->node);
	g_clear_pointer(&server->allocator, wlr_allocator_destroy);
	g_clear_pointer(&server->renderer, wlr_renderer_destroy);
	if (server->display)
		wl_display_destroy(server->display);
	g_clear_pointer(&server->loop, g_main_loop_unref);
	zc_switch_stats_destroy(server->switch_stats);
	g_free(server->privileged_socket);
	g_free(server);
}
