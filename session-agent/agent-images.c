/* org.zion.Agent1's image methods: ListImages, BuildImage, DeleteImage. */
#include <string.h>

#include "agent-caller.h"
#include "agent.h"
#include "image-store.h"
#include "zion-error.h"

static gboolean on_list(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			ZionAgent *agent)
{
	g_autoptr(GPtrArray) images = zion_image_list(agent->state_dir);
	GVariantBuilder list;
	g_variant_builder_init(&list, G_VARIANT_TYPE("a(sss)"));
	for (guint i = 0; i < images->len; i++) {
		const ZionImage *image = g_ptr_array_index(images, i);
		g_variant_builder_add(&list, "(sss)", image->name, image->kind, image->id);
	}
	zion_dbus_agent1_complete_list_images(skeleton, invocation, g_variant_builder_end(&list));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_build(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			 const char *name, const char *kind, GVariant *options, ZionAgent *agent)
{
	GError *error = NULL;
	g_autoptr(ZionImage) image = NULL;
	if (zion_caller_may_administer(agent, invocation, &error)) {
		if (strcmp(kind, "busybox") == 0)
			image = zion_image_build_busybox(agent->state_dir, name, NULL, NULL,
							 &error);
		else
			g_set_error(&error, ZION_ERROR, ZION_ERROR_INVALID,
				    "image kind '%s' is not one this agent builds (busybox)", kind);
	}
	if (!image) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("image %s built (%s, id %s)", name, kind, image->id);
	zion_dbus_agent1_complete_build_image(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_delete(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !zion_image_delete(agent->state_dir, name, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("image %s deleted", name);
	zion_dbus_agent1_complete_delete_image(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void zion_agent_images_init(ZionAgent *agent)
{
	g_signal_connect(agent->skeleton, "handle-list-images", G_CALLBACK(on_list), agent);
	g_signal_connect(agent->skeleton, "handle-build-image", G_CALLBACK(on_build), agent);
	g_signal_connect(agent->skeleton, "handle-delete-image", G_CALLBACK(on_delete), agent);
}
