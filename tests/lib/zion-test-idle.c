/* The test client's idle inhibitors. */
#include "zion-test-idle.h"

#include <string.h>
#include <wayland-client.h>

#include "idle-inhibit-unstable-v1-client-protocol.h"

struct zt_idle_inhibitor {
	ZtClient *client;
	struct zwp_idle_inhibit_manager_v1 *manager;
	struct zwp_idle_inhibitor_v1 *inhibitor;
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtIdleInhibitor *inhibitor = data;
	if (strcmp(interface, zwp_idle_inhibit_manager_v1_interface.name) == 0)
		inhibitor->manager =
			wl_registry_bind(registry, name, &zwp_idle_inhibit_manager_v1_interface, 1);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

ZtIdleInhibitor *zt_idle_inhibitor_create(ZtClient *client, ZtWindow *window)
{
	ZtIdleInhibitor *inhibitor = g_new0(ZtIdleInhibitor, 1);
	inhibitor->client = client;
	struct wl_registry *registry = wl_display_get_registry(zt_client_display(client));
	wl_registry_add_listener(registry, &registry_listener, inhibitor);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(inhibitor->manager);
	inhibitor->inhibitor = zwp_idle_inhibit_manager_v1_create_inhibitor(
		inhibitor->manager, zt_window_surface(window));
	zt_client_roundtrip(client);
	return inhibitor;
}

void zt_idle_inhibitor_destroy(ZtIdleInhibitor *inhibitor)
{
	zwp_idle_inhibitor_v1_destroy(inhibitor->inhibitor);
	zwp_idle_inhibit_manager_v1_destroy(inhibitor->manager);
	zt_client_roundtrip(inhibitor->client);
	g_free(inhibitor);
}
