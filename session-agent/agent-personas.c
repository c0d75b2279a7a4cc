/* org.zion.Agent1's persona methods: the persona store, shared by every user of the machine. */
#include <string.h>

#include "agent-caller.h"
#include "agent.h"
#include "canonical-json.h"
#include "remove-tree.h"
#include "session-capture.h"
#include "tree-diff.h"

/* NAME or NAME@VERSION from the store. */
static ZionPersona *load_ref(ZionAgent *agent, const char *ref, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(ref, "@", 2);
	return zion_persona_store_load(agent->personas, parts[0], parts[1], NULL, error);
}

static gboolean on_save(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			const char *source, const char *text, ZionAgent *agent)
{
	GError *error = NULL;
	gboolean created = FALSE;
	g_autoptr(ZionPersona) persona = NULL;
	g_autoptr(ZionPersonaVersion) version = NULL;
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !(persona = zion_persona_load_data(source, text, strlen(text), &error)) ||
	    !(version = zion_persona_store_save(agent->personas, persona, &created, &error))) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("persona %s %s version %u", persona->name, created ? "saved as" : "unchanged at",
		  version->number);
	zion_dbus_agent1_complete_save_persona(skeleton, invocation, persona->name, version->number,
					       version->hash, created);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_list(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			ZionAgent *agent)
{
	GError *error = NULL;
	g_auto(GStrv) names = zion_persona_store_list(agent->personas, &error);
	if (!names) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	GVariantBuilder list;
	g_variant_builder_init(&list, G_VARIANT_TYPE("a(suss)"));
	for (guint i = 0; names[i]; i++) {
		g_autoptr(ZionPersonaVersion) version = NULL;
		g_autoptr(GError) local = NULL;
		g_autoptr(ZionPersona) persona =
			zion_persona_store_load(agent->personas, names[i], NULL, &version, &local);
		if (!persona) {
			/* One damaged persona does not hide the others. */
			g_warning("%s", local->message);
			continue;
		}
		g_variant_builder_add(&list, "(suss)", names[i], version->number, version->hash,
				      persona->description ? persona->description : "");
	}
	zion_dbus_agent1_complete_list_personas(skeleton, invocation, g_variant_builder_end(&list));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_show(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			const char *ref, ZionAgent *agent)
{
	GError *error = NULL;
	g_autoptr(ZionPersona) persona = load_ref(agent, ref, &error);
	if (!persona) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_autoptr(ZionNode) node = zion_persona_to_node(persona);
	g_autofree char *json = zion_pretty_json(node);
	zion_dbus_agent1_complete_show_persona(skeleton, invocation, json);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_versions(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			    const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	g_autoptr(GPtrArray) versions = zion_persona_store_versions(agent->personas, name, &error);
	if (!versions) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	GVariantBuilder list;
	g_variant_builder_init(&list, G_VARIANT_TYPE("a(usxb)"));
	for (guint i = 0; i < versions->len; i++) {
		const ZionPersonaVersion *version = g_ptr_array_index(versions, i);
		g_variant_builder_add(&list, "(usxb)", version->number, version->hash,
				      version->saved, version->current);
	}
	zion_dbus_agent1_complete_persona_versions(skeleton, invocation,
						   g_variant_builder_end(&list));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_diff(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			const char *ref_a, const char *ref_b, ZionAgent *agent)
{
	GError *error = NULL;
	g_autoptr(ZionPersona) a = load_ref(agent, ref_a, &error);
	g_autoptr(ZionPersona) b = a ? load_ref(agent, ref_b, &error) : NULL;
	if (!b) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_autoptr(ZionNode) tree_a = zion_persona_to_node(a);
	g_autoptr(ZionNode) tree_b = zion_persona_to_node(b);
	g_autoptr(GPtrArray) changes = zion_tree_diff(tree_a, tree_b);
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < changes->len; i++)
		g_ptr_array_add(lines, zion_tree_change_format(g_ptr_array_index(changes, i)));
	g_ptr_array_add(lines, NULL);
	zion_dbus_agent1_complete_diff_personas(skeleton, invocation,
						(const char *const *)lines->pdata);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_rollback(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			    const char *name, const char *spec, ZionAgent *agent)
{
	GError *error = NULL;
	g_autoptr(ZionPersonaVersion) version = NULL;
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !zion_persona_store_rollback(agent->personas, name, spec, &version, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("persona %s rolled back to version %u", name, version->number);
	zion_dbus_agent1_complete_rollback_persona(skeleton, invocation, version->number,
						   version->hash);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_delete(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	if (!zion_caller_may_administer(agent, invocation, &error) ||
	    !zion_agent_persona_unused(agent, name, &error) ||
	    !zion_persona_store_delete(agent->personas, name, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("persona %s deleted", name);
	/* Its saved sessions go with it (no desktop uses it, so none is being saved). */
	g_autofree char *sessions = zion_session_captures_dir(agent->state_dir, name);
	if (!zion_remove_tree(sessions, &error)) {
		g_warning("%s", error->message);
		g_clear_error(&error);
	}
	zion_dbus_agent1_complete_delete_persona(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void zion_agent_personas_init(ZionAgent *agent)
{
	g_signal_connect(agent->skeleton, "handle-save-persona", G_CALLBACK(on_save), agent);
	g_signal_connect(agent->skeleton, "handle-list-personas", G_CALLBACK(on_list), agent);
	g_signal_connect(agent->skeleton, "handle-show-persona", G_CALLBACK(on_show), agent);
	g_signal_connect(agent->skeleton, "handle-persona-versions", G_CALLBACK(on_versions),
			 agent);
	g_signal_connect(agent->skeleton, "handle-diff-personas", G_CALLBACK(on_diff), agent);
	g_signal_connect(agent->skeleton, "handle-rollback-persona", G_CALLBACK(on_rollback),
			 agent);
	g_signal_connect(agent->skeleton, "handle-delete-persona", G_CALLBACK(on_delete), agent);
}
