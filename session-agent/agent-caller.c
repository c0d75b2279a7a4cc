/* The caller's uid from the bus, and the rules of who may change what. */
#include "agent-caller.h"

#include "zion-error.h"

#define POLKIT_ACTION "org.zion.agent.manage"

/* Callers known so far, by unique name: a bus never gives a unique name twice, so an answer
 * stays true; asking the bus on every call would cost a round trip. */
#define KNOWN_CALLERS_MAX 1024
static GHashTable *known_callers;
G_LOCK_DEFINE_STATIC(known_callers);

gboolean zion_caller_uid(GDBusMethodInvocation *invocation, uid_t *uid, GError **error)
{
	GDBusConnection *connection = g_dbus_method_invocation_get_connection(invocation);
	const char *sender = g_dbus_method_invocation_get_sender(invocation);
	G_LOCK(known_callers);
	if (!known_callers)
		known_callers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gpointer known;
	gboolean found = g_hash_table_lookup_extended(known_callers, sender, NULL, &known);
	G_UNLOCK(known_callers);
	if (found) {
		*uid = GPOINTER_TO_UINT(known);
		return TRUE;
	}
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"GetConnectionUnixUser", g_variant_new("(s)", sender), G_VARIANT_TYPE("(u)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
	if (!reply) {
		g_prefix_error(error, "cannot tell who %s is: ", sender);
		return FALSE;
	}
	guint32 value;
	g_variant_get(reply, "(u)", &value);
	*uid = value;
	G_LOCK(known_callers);
	/* Names of connections long gone pile up: start again now and then. */
	if (g_hash_table_size(known_callers) >= KNOWN_CALLERS_MAX)
		g_hash_table_remove_all(known_callers);
	g_hash_table_insert(known_callers, g_strdup(sender), GUINT_TO_POINTER(value));
	G_UNLOCK(known_callers);
	return TRUE;
}

/* Asks polkit whether the caller holds the agent's action, letting it authenticate if needed. */
static gboolean polkit_allows(GDBusMethodInvocation *invocation)
{
	GDBusConnection *connection = g_dbus_method_invocation_get_connection(invocation);
	GVariantBuilder subject;
	g_variant_builder_init(&subject, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(
		&subject, "{sv}", "name",
		g_variant_new_string(g_dbus_method_invocation_get_sender(invocation)));
	GVariant *details = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		connection, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
		"org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
		g_variant_new("((sa{sv})s@a{ss}us)", "system-bus-name", &subject, POLKIT_ACTION,
			      details, 1 /* allow user interaction */, ""),
		G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, &error);
	if (!reply) {
		g_message("polkit could not be asked about %s: %s", POLKIT_ACTION, error->message);
		return FALSE;
	}
	gboolean authorized, challenge;
	g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
	return authorized;
}

gboolean zion_caller_may_administer(ZionAgent *agent, GDBusMethodInvocation *invocation,
				    GError **error)
{
	uid_t uid;
	if (!zion_caller_uid(invocation, &uid, error))
		return FALSE;
	if (uid == 0 || (agent->system_bus && polkit_allows(invocation)))
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_DENIED,
		    "uid %u may not change the machine's personas and images (needs root or "
		    "polkit's " POLKIT_ACTION ")",
		    (unsigned)uid);
	return FALSE;
}

gboolean zion_caller_may_manage(ZionAgent *agent, GDBusMethodInvocation *invocation, uid_t owner,
				GError **error)
{
	uid_t uid;
	if (!zion_caller_uid(invocation, &uid, error))
		return FALSE;
	if (uid == owner || uid == 0 || (agent->system_bus && polkit_allows(invocation)))
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_DENIED,
		    "uid %u may not manage a desktop of uid %u", (unsigned)uid, (unsigned)owner);
	return FALSE;
}
