/*
 * zion-agent's entry point: options, the bus name, the main loop. It runs as root, on the system
 * bus by default; --bus-address and --state-dir let tests run it on a private bus over a
 * temporary directory.
 */
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "agent-error.h"
#include "agent.h"
#include "log.h"
#include "network-bridge.h"

#define BUS_NAME "org.zion.Agent1"
#define OBJECT_PATH "/org/zion/Agent1"
#define ZION_DEFAULT_BRIDGE "zion0"
#define ZION_DEFAULT_BRIDGE_ADDRESS "10.88.0.1/24"

void zion_agent_return_error(GDBusMethodInvocation *invocation, GError *error)
{
	g_debug("%s failed: %s", g_dbus_method_invocation_get_method_name(invocation),
		error->message);
	g_dbus_method_invocation_take_error(invocation, error);
}

static gboolean on_signal(gpointer loop)
{
	g_message("stopping");
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

static void on_name_lost(GDBusConnection *connection, const char *name, gpointer loop)
{
	g_warning("cannot own %s on the bus (is another agent running?)", name);
	g_main_loop_quit(loop);
}

static GDBusConnection *connect_bus(const char *address, GError **error)
{
	if (!address)
		return g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, error);
	return g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, error);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	g_autofree char *state_dir = NULL;
	g_autofree char *bus_address = NULL;
	g_autofree char *bridge = NULL;
	g_autofree char *bridge_address = NULL;
	gboolean verbose = FALSE;
	const GOptionEntry entries[] = {
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
		  "Where images, personas, layers and desktops live (default /var/lib/zion)",
		  "DIR" },
		{ "bus-address", 0, 0, G_OPTION_ARG_STRING, &bus_address,
		  "Serve on this D-Bus bus instead of the system bus", "ADDRESS" },
		{ "bridge", 0, 0, G_OPTION_ARG_STRING, &bridge,
		  "The NAT desktops' bridge (default " ZION_DEFAULT_BRIDGE ")", "NAME" },
		{ "bridge-address", 0, 0, G_OPTION_ARG_STRING, &bridge_address,
		  "The bridge's address and network (default " ZION_DEFAULT_BRIDGE_ADDRESS ")",
		  "ADDRESS/PREFIX" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new("");
	g_option_context_set_summary(context, "Zion's agent: personas become LXC desktops.");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "zion-agent: %s (see --help)\n", error->message);
		return 2;
	}
	zion_log_init("zion-agent", verbose);
	zion_agent_error_register();

	ZionAgent agent = { .state_dir = state_dir ? g_steal_pointer(&state_dir)
						   : g_strdup("/var/lib/zion") };
	agent.system_bus = bus_address == NULL;
	agent.bridge = bridge ? g_steal_pointer(&bridge) : g_strdup(ZION_DEFAULT_BRIDGE);
	agent.bridge_address = bridge_address ? g_steal_pointer(&bridge_address)
					      : g_strdup(ZION_DEFAULT_BRIDGE_ADDRESS);
	guint32 gateway;
	guint prefix;
	if (!zion_bridge_check_name(agent.bridge, &error) ||
	    !zion_bridge_parse_address(agent.bridge_address, &gateway, &prefix, &error)) {
		fprintf(stderr, "zion-agent: %s\n", error->message);
		return 2;
	}
	agent.personas = zion_persona_store_open(agent.state_dir, TRUE, &error);
	if (!agent.personas) {
		g_printerr("zion-agent: %s\n", error->message);
		return 1;
	}
	agent.usage = zion_usage_history_open(agent.state_dir, &error);
	if (!agent.usage) {
		g_printerr("zion-agent: %s\n", error->message);
		return 1;
	}
	agent.connection = connect_bus(bus_address, &error);
	if (!agent.connection) {
		g_printerr("zion-agent: cannot connect to the bus: %s\n", error->message);
		return 1;
	}
	agent.skeleton = zion_dbus_agent1_skeleton_new();
	zion_agent_personas_init(&agent);
	zion_agent_images_init(&agent);
	if (!zion_agent_desktops_init(&agent, &error) ||
	    !g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(agent.skeleton),
					      agent.connection, OBJECT_PATH, &error)) {
		g_printerr("zion-agent: %s\n", error->message);
		return 1;
	}

	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, on_signal, loop);
	g_unix_signal_add(SIGINT, on_signal, loop);
	guint owner = g_bus_own_name_on_connection(agent.connection, BUS_NAME,
						   G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, NULL,
						   on_name_lost, loop, NULL);
	g_message("serving %s with state in %s", BUS_NAME, agent.state_dir);
	g_main_loop_run(loop);

	g_bus_unown_name(owner);
	g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(agent.skeleton));
	zion_agent_desktops_finish(&agent);
	g_object_unref(agent.skeleton);
	g_object_unref(agent.connection);
	zion_persona_store_free(agent.personas);
	zion_usage_history_close(agent.usage);
	g_clear_pointer(&agent.building, g_hash_table_unref);
	g_free(agent.state_dir);
	g_free(agent.bridge);
	g_free(agent.bridge_address);
	return 0;
}
