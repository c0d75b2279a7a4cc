/* The caller's uid from the bus, and the rules of who may change what. */
#include "agent-caller.h"

#include "zion-error.h"

#define POLKIT_ACTION "org.zion.agent.manage"

gboolean zion_caller_uid(GDBusMethodInvocation *invocation, uid_t *uid, GError **error)
{
	GDBusConnection *connection = g_dbus_method_invocation_get_connection(invocation);
	const char *sender = g_dbus_method_invocation_get_sender(invocation);
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
