/* The client of org.zion.Agent1: desktops appearing, changing state and going away. */
#include "agent.h"

#include <gio/gio.h>
#include <string.h>

#include "desktop-dim.h"
#include "desktop.h"
#include "persona.h"
#include "server.h"

#define AGENT_NAME "org.zion.Agent1"
#define AGENT_PATH "/org/zion/Agent1"
#define AGENT_INTERFACE "org.zion.Agent1"

struct zc_agent {
	struct zc_server *server;
	GCancellable *cancellable;
	GDBusConnection *connection;
	guint watch;
	guint changed;
};

static struct zc_desktop *find_desktop(struct zc_server *server, const char *name)
{
	for (guint i = 0; i < server->desktops->len; i++) {
		struct zc_desktop *desktop = g_ptr_array_index(server->desktops, i);
		if (strcmp(desktop->name, name) == 0)
			return desktop;
	}
	return NULL;
}

static void call(struct zc_agent *agent, const char *method, GVariant *parameters,
		 GAsyncReadyCallback done, gpointer data)
{
	g_dbus_connection_call(agent->connection, AGENT_NAME, AGENT_PATH, AGENT_INTERFACE, method,
			       parameters, NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT,
			       agent->cancellable, done, data);
}

/* Logs what a call the compositor made for the user's sake answered, if it failed. */
static void on_reply(GObject *source, GAsyncResult *result, gpointer data)
{
	const char *what = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (!reply && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		g_dbus_error_strip_remote_error(error);
		g_warning("agent: %s: %s", what, error->message);
	}
}

static void apply_state(struct zc_desktop *desktop, const char *state)
{
	g_free(desktop->agent_state);
	desktop->agent_state = g_strdup(state);
	if (strcmp(state, "running") == 0)
		zc_desktop_undim(desktop);
	else
		zc_desktop_dim(desktop, state);
}

/* A desktop the agent has and the compositor not yet: made with its persona's colour. */
struct adding {
	struct zc_agent *agent;
	char *name;
	char *state;
};

static void on_persona(GObject *source, GAsyncResult *result, gpointer data)
{
	struct adding *adding = data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		struct zc_server *server = adding->agent->server;
		float color[4] = { 0.21f, 0.52f, 0.89f, 1 };
		const char *json;
		g_autoptr(ZionPersona) persona = NULL;
		if (reply) {
			g_variant_get(reply, "(&s)", &json);
			persona = zion_persona_load_data("agent", json, strlen(json), NULL);
		}
		if (persona && persona->appearance.color)
			zc_parse_color(persona->appearance.color, color);
		struct zc_desktop *desktop = find_desktop(server, adding->name);
		if (!desktop) {
			/* A [desktop NAME] section of the config file still says whether it has
			 * Xwayland. */
			const struct zc_desktop_config *configured =
				zc_config_find_desktop(server->config, adding->name);
			struct zc_desktop_config config = {
				.name = adding->name,
				.xwayland = configured && configured->xwayland,
			};
			memcpy(config.color, color, sizeof(color));
			desktop = zc_desktop_create(server, &config, &error);
			if (desktop) {
				g_ptr_array_add(server->desktops, desktop);
				g_message("desktop %s (from the agent) listens on %s",
					  desktop->name, desktop->socket_path);
			} else {
				g_warning("agent: desktop %s: %s", adding->name, error->message);
			}
		}
		if (desktop) {
			desktop->from_agent = true;
			apply_state(desktop, adding->state);
		}
	}
	g_free(adding->name);
	g_free(adding->state);
	g_free(adding);
}

static void follow(struct zc_agent *agent, const char *name, const char *persona, const char *state)
{
	struct zc_desktop *desktop = find_desktop(agent->server, name);
	if (desktop) {
		desktop->from_agent = true;
		apply_state(desktop, state);
		return;
	}
	struct adding *adding = g_new0(struct adding, 1);
	adding->agent = agent;
	adding->name = g_strdup(name);
	adding->state = g_strdup(state);
	call(agent, "ShowPersona", g_variant_new("(s)", persona), on_persona, adding);
}

static void on_list(GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (!reply) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_warning("agent: cannot list desktops: %s", error->message);
		return;
	}
	struct zc_agent *agent = data;
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a(ssusu))", &iter);
	const char *name, *persona, *state;
	while (g_variant_iter_next(iter, "(&s&su&su)", &name, &persona, NULL, &state, NULL))
		follow(agent, name, persona, state);
}

static void list_desktops(struct zc_agent *agent)
{
	call(agent, "ListDesktops", NULL, on_list, agent);
}

static void on_desktop_changed(GDBusConnection *connection, const char *sender, const char *path,
			       const char *interface, const char *signal, GVariant *parameters,
			       gpointer data)
{
	struct zc_agent *agent = data;
	const char *name, *state;
	g_variant_get(parameters, "(&s&s)", &name, &state);
	struct zc_desktop *desktop = find_desktop(agent->server, name);
	if (strcmp(state, "destroyed") == 0) {
		if (!desktop || !desktop->from_agent)
			return;
		if (zc_config_find_desktop(agent->server->config, name)) {
			/* The config's desktop stays, as an ordinary one. */
			desktop->from_agent = false;
			zc_desktop_undim(desktop);
		} else {
			zc_desktop_retire(desktop);
		}
	} else if (desktop && desktop->from_agent) {
		apply_state(desktop, state);
	} else {
		/* New, or not the caller's: the list says which desktops are ours. */
		list_desktops(agent);
	}
}

static void on_agent_appeared(GDBusConnection *connection, const char *name, const char *owner,
			      gpointer data)
{
	struct zc_agent *agent = data;
	g_message("agent: %s is here", AGENT_NAME);
	list_desktops(agent);
}

static void on_connected(GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr(GError) error = NULL;
	GDBusConnection *connection =
		g_getenv("ZION_AGENT_BUS")
			? g_dbus_connection_new_for_address_finish(result, &error)
			: g_bus_get_finish(result, &error);
	if (!connection) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_message("agent: no bus to find it on (%s); desktops come from the "
				  "config only",
				  error->message);
		return;
	}
	struct zc_agent *agent = data;
	agent->connection = connection;
	g_message("agent: watching for %s on %s", AGENT_NAME,
		  g_getenv("ZION_AGENT_BUS") ? g_getenv("ZION_AGENT_BUS") : "the system bus");
	g_dbus_connection_set_exit_on_close(connection, FALSE);
	agent->changed = g_dbus_connection_signal_subscribe(
		connection, AGENT_NAME, AGENT_INTERFACE, "DesktopChanged", AGENT_PATH, NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, on_desktop_changed, agent, NULL);
	agent->watch = g_bus_watch_name_on_connection(connection, AGENT_NAME,
						      G_BUS_NAME_WATCHER_FLAGS_NONE,
						      on_agent_appeared, NULL, agent, NULL);
}

struct zc_agent *zc_agent_create(struct zc_server *server)
{
	struct zc_agent *agent = g_new0(struct zc_agent, 1);
	agent->server = server;
	agent->cancellable = g_cancellable_new();
	const char *address = g_getenv("ZION_AGENT_BUS");
	if (address && !*address) {
		g_message("agent: ZION_AGENT_BUS is empty; desktops come from the config only");
	} else if (address)
		g_dbus_connection_new_for_address(
			address,
			G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
				G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
			NULL, agent->cancellable, on_connected, agent);
	else
		g_bus_get(G_BUS_TYPE_SYSTEM, agent->cancellable, on_connected, agent);
	return agent;
}

void zc_agent_destroy(struct zc_agent *agent)
{
	if (!agent)
		return;
	g_cancellable_cancel(agent->cancellable);
	if (agent->connection) {
		g_bus_unwatch_name(agent->watch);
		g_dbus_connection_signal_unsubscribe(agent->connection, agent->changed);
		g_object_unref(agent->connection);
	}
	g_object_unref(agent->cancellable);
	g_free(agent);
}

static bool managed(struct zc_agent *agent, struct zc_desktop *desktop)
{
	/* NULL while the server starts. */
	return agent && agent->connection && desktop->from_agent && desktop->agent_state;
}

void zc_agent_desktop_shown(struct zc_agent *agent, struct zc_desktop *desktop)
{
	if (!managed(agent, desktop))
		return;
	if (strcmp(desktop->agent_state, "stopped") == 0) {
		GVariantBuilder options;
		g_variant_builder_init(&options, G_VARIANT_TYPE("a{sv}"));
		g_variant_builder_add(&options, "{sv}", "wayland-socket",
				      g_variant_new_string(desktop->socket_path));
		call(agent, "Activate", g_variant_new("(sa{sv})", desktop->name, &options),
		     on_reply, "activate");
	} else if (strcmp(desktop->agent_state, "hibernated") == 0) {
		call(agent, "Resume", g_variant_new("(s)", desktop->name), on_reply, "resume");
	}
}

void zc_agent_hibernate_shown(struct zc_agent *agent)
{
	struct zc_desktop *desktop = agent ? agent->server->shown : NULL;
	if (desktop && managed(agent, desktop) && strcmp(desktop->agent_state, "running") == 0)
		call(agent, "Hibernate", g_variant_new("(s)", desktop->name), on_reply,
		     "hibernate");
}

bool zc_agent_run_in(struct zc_agent *agent, struct zc_desktop *desktop, char **argv)
{
	if (!managed(agent, desktop))
		return false;
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	call(agent, "RunIn",
	     g_variant_new("(s^as@a{ss})", desktop->name, (const char *const *)argv, env), on_reply,
	     "run the terminal");
	return true;
}
