/* org.zion.Agent1's desktop methods: the records, who may see and change them, their states. */
#include <string.h>

#include "agent-caller.h"
#include "agent.h"
#include "desktop-record.h"
#include "atomic-file.h"
#include "remove-tree.h"
#include "zion-error.h"

static void emit_changed(ZionAgent *agent, const char *name, const char *state)
{
	zion_dbus_agent1_emit_desktop_changed(agent->skeleton, name, state);
}

gboolean zion_agent_set_state(ZionAgent *agent, ZionDesktopRecord *record, ZionDesktopState state,
			      GError **error)
{
	ZionDesktopState old = record->state;
	record->state = state;
	if (!zion_desktop_record_save_state(agent->state_dir, record, error)) {
		record->state = old;
		return FALSE;
	}
	g_message("desktop %s: %s", record->name, zion_desktop_state_names[state]);
	emit_changed(agent, record->name, zion_desktop_state_names[state]);
	return TRUE;
}

/* The caller's desktop called name. Another user's desktop is reported as missing: users do not
 * learn the names of each other's desktops. */
ZionDesktopRecord *zion_agent_caller_desktop(ZionAgent *agent, GDBusMethodInvocation *invocation,
					     const char *name, GError **error)
{
	ZionDesktopRecord *record = g_hash_table_lookup(agent->desktops, name);
	uid_t uid;
	if (!zion_caller_uid(invocation, &uid, error))
		return NULL;
	if (!record || (uid != 0 && uid != record->owner &&
			!zion_caller_may_manage(agent, invocation, record->owner, NULL))) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND, "no desktop called '%s'",
			    name);
		return NULL;
	}
	return record;
}

gboolean zion_agent_persona_unused(ZionAgent *agent, const char *persona, GError **error)
{
	GHashTableIter iter;
	ZionDesktopRecord *record;
	g_hash_table_iter_init(&iter, agent->desktops);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&record)) {
		if (strcmp(record->persona, persona) == 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
				    "persona '%s' is used by desktop '%s'", persona, record->name);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean on_list(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			ZionAgent *agent)
{
	GError *error = NULL;
	uid_t uid;
	if (!zion_caller_uid(invocation, &uid, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_autoptr(GList) names = g_hash_table_get_keys(agent->desktops);
	names = g_list_sort(names, (GCompareFunc)strcmp);
	GVariantBuilder list;
	g_variant_builder_init(&list, G_VARIANT_TYPE("a(ssusu)"));
	for (GList *l = names; l; l = l->next) {
		const ZionDesktopRecord *record = g_hash_table_lookup(agent->desktops, l->data);
		if (uid == 0 || uid == record->owner)
			g_variant_builder_add(&list, "(ssusu)", record->name, record->persona,
					      record->active_version,
					      zion_desktop_state_names[record->state],
					      (guint32)record->owner);
	}
	zion_dbus_agent1_complete_list_desktops(skeleton, invocation, g_variant_builder_end(&list));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean create_desktop(ZionAgent *agent, GDBusMethodInvocation *invocation,
			       const char *name, const char *persona, GVariant *options,
			       GError **error)
{
	uid_t caller;
	if (!zion_caller_uid(invocation, &caller, error))
		return FALSE;
	guint32 owner = caller;
	const char *version = "current";
	if (g_variant_lookup(options, "owner", "u", &owner) && caller != 0 && owner != caller) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_DENIED,
			    "only root may create a desktop for another user");
		return FALSE;
	}
	g_variant_lookup(options, "version", "&s", &version);
	if (!zion_persona_name_is_valid(name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' is not a desktop name (lowercase letters, digits and inner '-', "
			    "at most 32)",
			    name);
		return FALSE;
	}
	if (g_hash_table_contains(agent->desktops, name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_EXISTS, "a desktop called '%s' exists",
			    name);
		return FALSE;
	}
	/* The version must exist now; "current" keeps following the store. */
	g_autoptr(ZionPersonaVersion) found =
		zion_persona_store_find(agent->personas, persona, version, error);
	if (!found)
		return FALSE;
	g_autoptr(ZionDesktopRecord) record = g_new0(ZionDesktopRecord, 1);
	record->name = g_strdup(name);
	record->persona = g_strdup(persona);
	record->version = g_strcmp0(version, "current") == 0 ? g_strdup("current")
							     : g_strdup_printf("%u", found->number);
	record->owner = owner;
	record->state = ZION_DESKTOP_STOPPED;
	record->resources = (ZionDesktopResources){ -1, -1, -1, -1 };
	/* A directory left by a create that crashed before its record was written is reused. */
	g_autofree char *dir = zion_desktop_dir(agent->state_dir, name);
	if (!zion_make_dir_durable(dir, 0711, error) ||
	    !zion_desktop_record_save(agent->state_dir, record, error))
		return FALSE;
	g_message("desktop %s created from persona %s (version %s) for uid %u", name, persona,
		  record->version, owner);
	g_hash_table_insert(agent->desktops, record->name, record);
	emit_changed(agent, name, "stopped");
	g_steal_pointer(&record);
	return TRUE;
}

static gboolean on_create(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, const char *persona, GVariant *options,
			  ZionAgent *agent)
{
	GError *error = NULL;
	if (!create_desktop(agent, invocation, name, persona, options, &error))
		zion_agent_return_error(invocation, error);
	else
		zion_dbus_agent1_complete_create_desktop(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_destroy(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			   const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record = zion_agent_caller_desktop(agent, invocation, name, &error);
	if (record && record->state != ZION_DESKTOP_STOPPED)
		g_set_error(&error, ZION_ERROR, ZION_ERROR_BUSY,
			    "desktop '%s' is %s; deactivate it first", name,
			    zion_desktop_state_names[record->state]);
	g_autofree char *dir = zion_desktop_dir(agent->state_dir, name);
	if (error || !zion_remove_tree(dir, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("desktop %s destroyed", name);
	g_autoptr(GError) forgotten = NULL;
	if (!zion_usage_history_forget(agent->usage, name, &forgotten))
		g_warning("%s", forgotten->message);
	g_hash_table_remove(agent->desktops, name);
	emit_changed(agent, name, "destroyed");
	zion_dbus_agent1_complete_destroy(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

gboolean zion_agent_desktops_init(ZionAgent *agent, GError **error)
{
	agent->desktops = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						(GDestroyNotify)zion_desktop_record_free);
	g_autoptr(GPtrArray) records = zion_desktop_record_load_all(agent->state_dir);
	for (guint i = 0; i < records->len; i++) {
		ZionDesktopRecord *record = g_ptr_array_index(records, i);
		zion_agent_runtime_recover(agent, record);
		g_hash_table_insert(agent->desktops, record->name, record);
	}
	g_ptr_array_set_free_func(records, NULL);
	g_signal_connect(agent->skeleton, "handle-list-desktops", G_CALLBACK(on_list), agent);
	g_signal_connect(agent->skeleton, "handle-create-desktop", G_CALLBACK(on_create), agent);
	g_signal_connect(agent->skeleton, "handle-destroy", G_CALLBACK(on_destroy), agent);
	zion_agent_runtime_init(agent);
	zion_agent_usage_init(agent);
	return TRUE;
}

void zion_agent_desktops_finish(ZionAgent *agent)
{
	g_hash_table_unref(agent->desktops);
}
