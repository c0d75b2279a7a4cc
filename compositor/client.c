/* Client classes: which socket each client came in on, and the globals each class may see. */
#include "client.h"

#include <unistd.h>

#include "server.h"

/* A client of a desktop's or a sandbox's socket; freed with the client. Clients without one came
 * in on the privileged socket. */
struct client_tag {
	enum zc_client_class class;
	struct zc_desktop *desktop;
	struct zc_sandbox_metadata sandbox;
	struct wl_listener destroy;
};

/* Globals only the privileged socket may bind. */
static const char *const privileged_interfaces[] = {
	"zwlr_screencopy_manager_v1",
	"zwp_virtual_keyboard_manager_v1",
	"zwlr_virtual_pointer_manager_v1",
	"zwlr_data_control_manager_v1",
	"zwlr_layer_shell_v1",
	"zwlr_output_manager_v1",
	"zwlr_export_dmabuf_manager_v1",
	"zwlr_gamma_control_manager_v1",
	/* Idle timing tells when the user is away: for the session's own tools only. */
	"org_kde_kwin_idle",
	NULL,
};

/* Globals a sandbox client may not bind either: each gives an app power beyond its own windows. */
static const char *const sandbox_hidden_interfaces[] = {
	/* A sandbox inside a sandbox could label its clients as it likes and escape its own
	 * limits; the protocol forbids nesting. */
	"wp_security_context_manager_v1",
	/* The primary selection is whatever the user last highlighted in any window of the
	 * desktop, without an explicit copy: a password selected in a terminal would be there. */
	"zwp_primary_selection_device_manager_v1",
	/* Keeping the screen on and the session from locking is the session's decision, not an
	 * untrusted app's. */
	"zwp_idle_inhibit_manager_v1",
	/* An activation token lets a window take the keyboard focus from the window the user is
	 * typing in: keys meant for another client would reach the sandbox. */
	"xdg_activation_v1",
	/* Not created yet; listed so that they stay out of reach when they are: swallowing the
	 * compositor's bindings (Super+1...) traps the user in the app, and foreign toplevels list
	 * and control other clients' windows. */
	"zwp_keyboard_shortcuts_inhibit_manager_v1",
	"zwlr_foreign_toplevel_manager_v1",
	/* Not created yet either: an input method reads and writes the text fields of whichever
	 * client has the keyboard focus. */
	"zwp_input_method_manager_v2",
	NULL,
};

static void handle_client_destroy(struct wl_listener *listener, void *data)
{
	struct client_tag *tag = wl_container_of(listener, tag, destroy);
	wl_list_remove(&tag->destroy.link);
	g_free(tag->sandbox.engine);
	g_free(tag->sandbox.app_id);
	g_free(tag->sandbox.instance_id);
	g_free(tag);
}

static struct client_tag *client_tag(struct wl_client *client)
{
	struct wl_listener *listener =
		wl_client_get_destroy_listener(client, handle_client_destroy);
	if (!listener)
		return NULL;
	struct client_tag *tag = wl_container_of(listener, tag, destroy);
	return tag;
}

void zc_client_tag(struct wl_client *client, enum zc_client_class class, struct zc_desktop *desktop,
		   const struct zc_sandbox_metadata *metadata)
{
	g_assert(class != ZC_CLIENT_PRIVILEGED && desktop && !client_tag(client));
	struct client_tag *tag = g_new0(struct client_tag, 1);
	tag->class = class;
	tag->desktop = desktop;
	if (class == ZC_CLIENT_SANDBOX) {
		tag->sandbox.engine = g_strdup(metadata->engine);
		tag->sandbox.app_id = g_strdup(metadata->app_id);
		tag->sandbox.instance_id = g_strdup(metadata->instance_id);
	}
	tag->destroy.notify = handle_client_destroy;
	wl_client_add_destroy_listener(client, &tag->destroy);
}

struct wl_client *zc_client_create(struct zc_server *server, int fd, enum zc_client_class class,
				   struct zc_desktop *desktop,
				   const struct zc_sandbox_metadata *metadata)
{
	struct wl_client *client = wl_client_create(server->display, fd);
	if (!client) {
		close(fd);
		return NULL;
	}
	zc_client_tag(client, class, desktop, metadata);
	return client;
}

enum zc_client_class zc_client_class(struct wl_client *client)
{
	struct client_tag *tag = client_tag(client);
	return tag ? tag->class : ZC_CLIENT_PRIVILEGED;
}

struct zc_desktop *zc_client_desktop(struct wl_client *client)
{
	struct client_tag *tag = client_tag(client);
	return tag ? tag->desktop : NULL;
}

const struct zc_sandbox_metadata *zc_client_sandbox(struct wl_client *client)
{
	struct client_tag *tag = client_tag(client);
	return tag && tag->class == ZC_CLIENT_SANDBOX ? &tag->sandbox : NULL;
}

static bool filter_global(const struct wl_client *client, const struct wl_global *global,
			  void *data)
{
	const char *name = wl_global_get_interface(global)->name;
	switch (zc_client_class((struct wl_client *)client)) {
	case ZC_CLIENT_PRIVILEGED:
		return true;
	case ZC_CLIENT_DESKTOP:
		return !g_strv_contains(privileged_interfaces, name);
	case ZC_CLIENT_SANDBOX:
		return !g_strv_contains(privileged_interfaces, name) &&
		       !g_strv_contains(sandbox_hidden_interfaces, name);
	}
	g_assert_not_reached();
}

void zc_client_install_global_filter(struct zc_server *server)
{
	wl_display_set_global_filter(server->display, filter_global, server);
}
