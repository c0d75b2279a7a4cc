/* zionctl's connection to zion-agent, and calls to it with errors as the agent words them. */
#include <gio/gio.h>
#include <stdio.h>

#include "agent-error.h"
#include "zionctl.h"

GDBusConnection *zionctl_agent(const ZionctlOptions *options, gboolean required, GError **error)
{
	/* An explicit --state-dir means the store there, worked on directly. */
	if (options->state_dir_given && !required)
		return NULL;
	zion_agent_error_register();
	const char *address = g_getenv("ZION_AGENT_BUS");
	g_autoptr(GError) local = NULL;
	g_autoptr(GDBusConnection) connection =
		address ? g_dbus_connection_new_for_address_sync(
				  address,
				  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
					  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
				  NULL, NULL, &local)
			: g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &local);
	g_autoptr(GVariant) owned =
		connection ? g_dbus_connection_call_sync(
				     connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				     "org.freedesktop.DBus", "NameHasOwner",
				     g_variant_new("(s)", "org.zion.Agent1"), G_VARIANT_TYPE("(b)"),
				     G_DBUS_CALL_FLAGS_NONE, -1, NULL, &local)
			   : NULL;
	gboolean running = FALSE;
	if (owned)
		g_variant_get(owned, "(b)", &running);
	if (running)
		return g_steal_pointer(&connection);
	if (required)
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
			    "zion-agent is not running (%s)",
			    local ? local->message : "nobody owns org.zion.Agent1 on the bus");
	return NULL;
}

GVariant *zionctl_agent_call(GDBusConnection *agent, const char *method, GVariant *parameters,
			     const char *reply_type, GError **error)
{
	/* Activations and builds may take minutes; the agent reports progress meanwhile. */
	GVariant *reply = g_dbus_connection_call_sync(
		agent, "org.zion.Agent1", "/org/zion/Agent1", "org.zion.Agent1", method, parameters,
		reply_type ? G_VARIANT_TYPE(reply_type) : NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT,
		NULL, error);
	if (!reply && error && *error)
		g_dbus_error_strip_remote_error(*error);
	return reply;
}
