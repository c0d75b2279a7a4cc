/* org.zion.Agent1's image methods: ListImages, BuildImage, DeleteImage. */
#include <string.h>

#include "agent-caller.h"
#include "agent.h"
#include "image-store.h"
#include "layer-build.h"
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

/* A build under way. */
typedef struct {
	ZionAgent *agent;
	GDBusMethodInvocation *invocation;
	char *name, *kind, *suite;
	char *operation; /* "image NAME", as Progress names it */
} Build;

static void build_free(Build *build)
{
	g_free(build->name);
	g_free(build->kind);
	g_free(build->suite);
	g_free(build->operation);
	g_free(build);
}

static void report(const char *step, guint done, guint total, gpointer data)
{
	Build *build = data;
	zion_agent_progress(build->agent, build->operation, step, done, total);
}

/* Runs in a worker thread: a Debian build takes seconds to minutes. */
static void build_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *c)
{
	Build *build = data;
	GError *error = NULL;
	ZionImage *image = strcmp(build->kind, "busybox") == 0
				   ? zion_image_build_busybox(build->agent->state_dir, build->name,
							      report, build, &error)
				   : zion_image_build_debian(build->agent->state_dir, build->name,
							     build->suite, report, build, &error);
	if (image)
		g_task_return_pointer(task, image, (GDestroyNotify)zion_image_free);
	else
		g_task_return_error(task, error);
}

static void on_built(GObject *source, GAsyncResult *result, gpointer data)
{
	Build *build = data;
	GError *error = NULL;
	g_autoptr(ZionImage) image = g_task_propagate_pointer(G_TASK(result), &error);
	g_hash_table_remove(build->agent->building, build->name);
	if (image) {
		g_message("image %s built (%s, id %s)", image->name, image->kind, image->id);
		zion_dbus_agent1_complete_build_image(build->agent->skeleton, build->invocation);
	} else {
		zion_agent_return_error(build->invocation, error);
	}
	build_free(build);
}

static gboolean build_allowed(ZionAgent *agent, const char *name, const char *kind,
			      const char *suite, GError **error)
{
	if (strcmp(kind, "busybox") != 0 && strcmp(kind, "debian") != 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "image kind '%s' is not one this agent builds (busybox, debian)", kind);
		return FALSE;
	}
	if (suite && strcmp(kind, "debian") != 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "the option suite goes with the kind debian, not %s", kind);
		return FALSE;
	}
	if (g_hash_table_contains(agent->building, name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY, "image %s is being built already",
			    name);
		return FALSE;
	}
	return TRUE;
}

static gboolean on_build(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			 const char *name, const char *kind, GVariant *options, ZionAgent *agent)
{
	GError *error = NULL;
	const char *suite = NULL;
	g_variant_lookup(options, "suite", "&s", &suite);
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !build_allowed(agent, name, kind, suite, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	Build *build = g_new0(Build, 1);
	*build = (Build){ agent,	  invocation,	   g_strdup(name),
			  g_strdup(kind), g_strdup(suite), g_strdup_printf("image %s", name) };
	g_hash_table_add(agent->building, g_strdup(name));
	g_autoptr(GTask) task = g_task_new(NULL, NULL, on_built, build);
	g_task_set_task_data(task, build, NULL);
	g_task_run_in_thread(task, build_in_thread);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Fails when a desktop that is not stopped runs on a layer of image. */
static gboolean image_unused(ZionAgent *agent, const ZionImage *image, GError **error)
{
	g_autofree char *prefix = g_strdup_printf("%s-", image->id);
	GHashTableIter iter;
	ZionDesktopRecord *record;
	g_hash_table_iter_init(&iter, agent->desktops);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&record)) {
		if (record->state != ZION_DESKTOP_STOPPED && record->layer &&
		    g_str_has_prefix(record->layer, prefix)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
				    "image %s is under desktop '%s' (persona %s), which is %s; "
				    "deactivate it first",
				    image->name, record->name, record->persona,
				    zion_desktop_state_names[record->state]);
			return FALSE;
		}
	}
	return TRUE;
}

/* The image and the layers cached over it. */
static gboolean delete_image(ZionAgent *agent, const char *name, GError **error)
{
	if (g_hash_table_contains(agent->building, name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY, "image %s is being built", name);
		return FALSE;
	}
	g_autoptr(ZionImage) image = NULL;
	guint pruned;
	if (!zion_image_lookup(agent->state_dir, name, &image, error) ||
	    !image_unused(agent, image, error) ||
	    !zion_image_delete(agent->state_dir, name, error) ||
	    !zion_layer_prune_image(agent->state_dir, image->id, &pruned, error))
		return FALSE;
	g_message("image %s deleted, with %u cached layers", name, pruned);
	return TRUE;
}

static gboolean on_delete(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !delete_image(agent, name, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zion_dbus_agent1_complete_delete_image(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void zion_agent_images_init(ZionAgent *agent)
{
	agent->building = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_signal_connect(agent->skeleton, "handle-list-images", G_CALLBACK(on_list), agent);
	g_signal_connect(agent->skeleton, "handle-build-image", G_CALLBACK(on_build), agent);
	g_signal_connect(agent->skeleton, "handle-delete-image", G_CALLBACK(on_delete), agent);
}
