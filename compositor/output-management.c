/* wlr-output-management: publishing the outputs' configuration, testing and applying clients'. */
#include "output-management.h"

#include <glib.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_output_management_v1.h>

#include "output.h"
#include "server.h"

struct zc_output_management {
	struct zc_server *server;
	struct wlr_output_manager_v1 *manager;
	/* Publishing waits for an idle moment: an output being destroyed is still listed while its
	 * destroy signal runs, and several changes in one dispatch make one update. */
	struct wl_event_source *publish_idle;

	struct wl_listener apply;
	struct wl_listener test;
	struct wl_listener layout_change;
};

static void publish(void *data)
{
	struct zc_output_management *management = data;
	management->publish_idle = NULL;
	struct zc_server *server = management->server;
	struct wlr_output_configuration_v1 *config = wlr_output_configuration_v1_create();
	struct zc_output *output;
	wl_list_for_each(output, &server->outputs, link)
	{
		/* The head starts from the output's own state: enabled, mode, scale, transform. */
		struct wlr_output_configuration_head_v1 *head =
			wlr_output_configuration_head_v1_create(config, output->wlr_output);
		struct wlr_box *box =
			wlr_output_layout_get_box(server->output_layout, output->wlr_output);
		/* A switched-off output leaves the layout. */
		head->state.enabled = output->wlr_output->enabled && box;
		if (box) {
			head->state.x = box->x;
			head->state.y = box->y;
		}
	}
	wlr_output_manager_v1_set_configuration(management->manager, config);
}

static void publish_soon(struct zc_output_management *management)
{
	if (management->publish_idle)
		return;
	struct wl_event_loop *loop = wl_display_get_event_loop(management->server->display);
	management->publish_idle = wl_event_loop_add_idle(loop, publish, management);
}

/* Outputs added, removed, switched on or off, moved, resized, scaled or turned. */
static void handle_layout_change(struct wl_listener *listener, void *data)
{
	struct zc_output_management *management =
		wl_container_of(listener, management, layout_change);
	publish_soon(management);
}

/* Puts state into the output's pending state, to be tested, committed or rolled back. */
static void set_pending(const struct wlr_output_head_v1_state *state)
{
	struct wlr_output *output = state->output;
	wlr_output_enable(output, state->enabled);
	if (!state->enabled)
		return;
	if (state->mode)
		wlr_output_set_mode(output, state->mode);
	else
		wlr_output_set_custom_mode(output, state->custom_mode.width,
					   state->custom_mode.height, state->custom_mode.refresh);
	wlr_output_set_scale(output, state->scale);
	wlr_output_set_transform(output, state->transform);
}

static struct wlr_output_head_v1_state current_state(struct wlr_output *output)
{
	return (struct wlr_output_head_v1_state){
		.output = output,
		.enabled = output->enabled,
		.mode = output->current_mode,
		.custom_mode = { output->width, output->height, output->refresh },
		.transform = output->transform,
		.scale = output->scale,
	};
}

/* Whether a buffer of the output's new size can be had: the headless backend, for one, takes any
 * mode without trying it, and an output that cannot get a buffer shows nothing. */
static gboolean can_render(const struct wlr_output_head_v1_state *state)
{
	if (!state->enabled)
		return TRUE;
	set_pending(state);
	gboolean ok = wlr_output_attach_render(state->output, NULL);
	wlr_output_rollback(state->output);
	return ok;
}

/* Tests every head first, so that nothing changes unless every output accepts its part. */
static gboolean test_configuration(struct wlr_output_configuration_v1 *config)
{
	struct wlr_output_configuration_head_v1 *head;
	wl_list_for_each(head, &config->heads, link)
	{
		struct wlr_output *output = head->state.output;
		gboolean ok = can_render(&head->state);
		/* Tested without that buffer: one may not be attached while a frame is pending. */
		set_pending(&head->state);
		ok = ok && wlr_output_test(output);
		wlr_output_rollback(output);
		if (!ok) {
			g_message("output %s: the requested configuration does not work",
				  output->name);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean apply_configuration(struct zc_server *server,
				    struct wlr_output_configuration_v1 *config)
{
	if (!test_configuration(config))
		return FALSE;
	/* A commit can still fail after its test passed: then the outputs already committed go
	 * back to what they were. */
	guint count = wl_list_length(&config->heads), committed = 0;
	g_autofree struct wlr_output_head_v1_state *saved =
		g_new0(struct wlr_output_head_v1_state, count);
	struct wlr_output_configuration_head_v1 *head;
	wl_list_for_each(head, &config->heads, link)
	{
		struct wlr_output *output = head->state.output;
		saved[committed] = current_state(output);
		set_pending(&head->state);
		if (!wlr_output_commit(output)) {
			g_message("output %s: cannot apply the requested configuration",
				  output->name);
			for (guint i = 0; i < committed; i++) {
				set_pending(&saved[i]);
				if (!wlr_output_commit(saved[i].output))
					g_warning("output %s: cannot restore its configuration",
						  saved[i].output->name);
			}
			return FALSE;
		}
		committed++;
	}
	wl_list_for_each(head, &config->heads, link)
	{
		struct wlr_output *output = head->state.output;
		if (head->state.enabled)
			wlr_output_layout_add(server->output_layout, output, head->state.x,
					      head->state.y);
		else
			wlr_output_layout_remove(server->output_layout, output);
		g_message("output %s: %s", output->name,
			  head->state.enabled ? "configured" : "switched off");
	}
	return TRUE;
}

static void handle_apply(struct wl_listener *listener, void *data)
{
	struct zc_output_management *management = wl_container_of(listener, management, apply);
	struct wlr_output_configuration_v1 *config = data;
	if (apply_configuration(management->server, config))
		wlr_output_configuration_v1_send_succeeded(config);
	else
		wlr_output_configuration_v1_send_failed(config);
	wlr_output_configuration_v1_destroy(config);
	publish_soon(management);
}

static void handle_test(struct wl_listener *listener, void *data)
{
	struct wlr_output_configuration_v1 *config = data;
	if (test_configuration(config))
		wlr_output_configuration_v1_send_succeeded(config);
	else
		wlr_output_configuration_v1_send_failed(config);
	wlr_output_configuration_v1_destroy(config);
}

struct zc_output_management *zc_output_management_create(struct zc_server *server)
{
	struct zc_output_management *management = g_new0(struct zc_output_management, 1);
	management->server = server;
	management->manager = wlr_output_manager_v1_create(server->display);
	management->apply.notify = handle_apply;
	wl_signal_add(&management->manager->events.apply, &management->apply);
	management->test.notify = handle_test;
	wl_signal_add(&management->manager->events.test, &management->test);
	management->layout_change.notify = handle_layout_change;
	wl_signal_add(&server->output_layout->events.change, &management->layout_change);
	return management;
}

void zc_output_management_destroy(struct zc_output_management *management)
{
	if (!management)
		return;
	if (management->publish_idle)
		wl_event_source_remove(management->publish_idle);
	wl_list_remove(&management->apply.link);
	wl_list_remove(&management->test.link);
	wl_list_remove(&management->layout_change.link);
	g_free(management);
}
