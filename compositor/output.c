/* Output life cycle and rendering through the scene graph. */
#include "output.h"

#include <glib.h>
#include <time.h>
#include <wlr/types/wlr_output_damage.h>
#include <wlr/types/wlr_scene.h>

#include "server.h"

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
