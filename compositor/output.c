/* Output life cycle and rendering through the scene graph. */
#include "output.h"

#include <glib.h>
#include <time.h>
#include <wlr/backend/headless.h>
#include <wlr/backend/multi.h>
#include <wlr/backend/wayland.h>
#include <wlr/backend/x11.h>
#include <wlr/types/wlr_output_damage.h>
#include <wlr/types/wlr_scene.h>

#include "server.h"
#include "zion-error.h"

static void handle_frame(struct wl_listener *listener, void *data)
{
	struct zc_output *output = wl_container_of(listener, output, frame);
	struct wlr_scene_output *scene_output =
		wlr_scene_get_scene_output(output->server->scene, output->wlr_output);
	if (!scene_output)
		return;
	/* Only when something changed or someone (screencopy, a frame callback) asked for a frame:
	 * otherwise wlroots 0.15's wlr_scene_output_commit takes a buffer from the swapchain, binds
	 * it to the renderer and rolls it all back, at every frame event, and the headless backend
	 * sends those 60 times a second whether anything is committed or not. */
	if (output->wlr_output->needs_frame ||
	    pixman_region32_not_empty(&scene_output->damage->current)) {
		/* Count what reached the output, not what wlroots merely accepted. */
		uint32_t seq = output->wlr_output->commit_seq;
		if (wlr_scene_output_commit(scene_output) && output->wlr_output->commit_seq != seq)
			zc_switch_stats_frame_committed(output->server->switch_stats);
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	wlr_scene_output_send_frame_done(scene_output, &now);
}

static void handle_destroy(struct wl_listener *listener, void *data)
{
	struct zc_output *output = wl_container_of(listener, output, destroy);
	g_message("output %s removed", output->wlr_output->name);
	wl_list_remove(&output->frame.link);
	wl_list_remove(&output->destroy.link);
	wl_list_remove(&output->link);
	g_free(output);
}

void zc_output_handle_new(struct wl_listener *listener, void *data)
{
	struct zc_server *server = wl_container_of(listener, server, new_output);
	struct wlr_output *wlr_output = data;

	if (!wlr_output_init_render(wlr_output, server->allocator, server->renderer)) {
		g_warning("output %s: cannot render to it", wlr_output->name);
		return;
	}
	struct wlr_output_mode *mode = wlr_output_preferred_mode(wlr_output);
	if (mode)
		wlr_output_set_mode(wlr_output, mode);
	wlr_output_enable(wlr_output, true);
	if (!wlr_output_commit(wlr_output)) {
		g_warning("output %s: cannot enable it", wlr_output->name);
		return;
	}

	struct zc_output *output = g_new0(struct zc_output, 1);
	output->server = server;
	output->wlr_output = wlr_output;
	output->frame.notify = handle_frame;
	wl_signal_add(&wlr_output->events.frame, &output->frame);
	output->destroy.notify = handle_destroy;
	wl_signal_add(&wlr_output->events.destroy, &output->destroy);
	wl_list_insert(&server->outputs, &output->link);
	/* The layout makes the global and, attached to the scene, the scene output. */
	wlr_output_layout_add_auto(server->output_layout, wlr_output);
	g_message("output %s added, %dx%d", wlr_output->name, wlr_output->width,
		  wlr_output->height);
}

#define MAX_OUTPUTS 16

struct virtual_output_request {
	unsigned width, height;
	struct wlr_output *output;
};

static void add_virtual_output(struct wlr_backend *backend, void *data)
{
	struct virtual_output_request *request = data;
	if (request->output)
		return;
	if (wlr_backend_is_headless(backend))
		request->output = wlr_headless_add_output(backend, request->width, request->height);
	else if (wlr_backend_is_wl(backend))
		request->output = wlr_wl_output_create(backend);
	else if (wlr_backend_is_x11(backend))
		request->output = wlr_x11_output_create(backend);
}

struct wlr_output *zc_output_create_virtual(struct zc_server *server, unsigned width,
					    unsigned height, GError **error)
{
	if (width == 0 || height == 0 || width > 16384 || height > 16384) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "an output is 1 to 16384 pixels wide and high, not %u×%u", width,
			    height);
		return NULL;
	}
	/* Each output holds a few buffers of its size: any session peer may ask, so few. */
	if (wl_list_length(&server->outputs) >= MAX_OUTPUTS) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "there are %d outputs already, as many as the compositor drives",
			    MAX_OUTPUTS);
		return NULL;
	}
	struct virtual_output_request request = { .width = width, .height = height };
	wlr_multi_for_each_backend(server->backend, add_virtual_output, &request);
	if (!request.output)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "virtual outputs need the headless, Wayland or X11 backend");
	return request.output;
}

gboolean zc_output_remove_virtual(struct zc_server *server, const char *name, GError **error)
{
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		struct wlr_output *wlr_output = output->wlr_output;
		if (g_strcmp0(wlr_output->name, name) != 0)
			continue;
		if (!wlr_output_is_headless(wlr_output) && !wlr_output_is_wl(wlr_output) &&
		    !wlr_output_is_x11(wlr_output)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "output %s is a physical one: turn it off with output "
				    "management (wlr-randr) instead",
				    name);
			return FALSE;
		}
		wlr_output_destroy(wlr_output);
		return TRUE;
	}
	g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND, "no output called %s", name);
	return FALSE;
}
