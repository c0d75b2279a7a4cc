/* A private dbus-daemon per test, and calls to it. */
#include "zion-test-bus.h"

struct zt_bus {
	GTestDBus *daemon;
	GDBusConnection *connection;
};

static ZtBus *running;

ZtBus *zt_bus_start(void)
{
	g_assert_null(running);
	ZtBus *bus = g_new0(ZtBus, 1);
	bus->daemon = g_test_dbus_new(G_TEST_DBUS_NONE);
	g_test_dbus_up(bus->daemon);
	g_autoptr(GError) error = NULL;
	bus->connection = g_dbus_connection_new_for_address_sync(
		g_test_dbus_get_bus_address(bus->daemon),
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	running = bus;
	return bus;
}

void zt_bus_stop(ZtBus *bus)
{
	g_assert_true(running == bus);
	running = NULL;
	g_dbus_connection_close_sync(bus->connection, NULL, NULL);
	g_object_unref(bus->connection);
	g_test_dbus_down(bus->daemon);
	g_object_unref(bus->daemon);
	g_free(bus);
}

GDBusConnection *zt_bus_connection(ZtBus *bus)
{
	return bus->connection;
}

const char *zt_bus_address(void)
{
	return running ? g_test_dbus_get_bus_address(running->daemon) : NULL;
}

GVariant *zt_bus_call(ZtBus *bus, const char *name, const char *path, const char *interface,
		      const char *method, GVariant *parameters, const GVariantType *reply_type)
{
	g_autoptr(GError) error = NULL;
	GVariant *reply = g_dbus_connection_call_sync(bus->connection, name, path, interface,
						      method, parameters, reply_type,
						      G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
	g_assert_no_error(error);
	return reply;
}

GError *zt_bus_call_error(ZtBus *bus, const char *name, const char *path, const char *interface,
			  const char *method, GVariant *parameters)
{
	GError *error = NULL;
	GVariant *reply = g_dbus_connection_call_sync(bus->connection, name, path, interface,
						      method, parameters, NULL,
						      G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
	g_assert_null(reply);
	g_assert_nonnull(error);
	g_dbus_error_strip_remote_error(error);
	return error;
}

void zt_bus_wait_name(ZtBus *bus, const char *name)
{
	for (int attempt = 0; attempt < 500; attempt++) {
		g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
			bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus", "NameHasOwner", g_variant_new("(s)", name),
			G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
		gboolean owned = FALSE;
		if (reply)
			g_variant_get(reply, "(b)", &owned);
		if (owned)
			return;
		g_usleep(10000);
	}
	g_error("nobody took the bus name %s", name);
}
