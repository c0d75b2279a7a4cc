/*
 * A private D-Bus bus for a test: a real dbus-daemon (GTestDBus) whose address becomes
 * DBUS_SESSION_BUS_ADDRESS for the test and for every compositor it starts while the bus runs.
 * Without one, compositors under test get no session bus at all.
 */
#pragma once

#include <gio/gio.h>

typedef struct zt_bus ZtBus;

ZtBus *zt_bus_start(void);
void zt_bus_stop(ZtBus *bus);

/* A connection of the test's own to the bus. */
GDBusConnection *zt_bus_connection(ZtBus *bus);

/* The running bus's address, or NULL. */
const char *zt_bus_address(void);

/* Calls a method and returns its reply, asserting it succeeded; error variant below. */
GVariant *zt_bus_call(ZtBus *bus, const char *name, const char *path, const char *interface,
		      const char *method, GVariant *parameters, const GVariantType *reply_type);
GError *zt_bus_call_error(ZtBus *bus, const char *name, const char *path, const char *interface,
			  const char *method, GVariant *parameters);

/* Waits until name has an owner on the bus. */
void zt_bus_wait_name(ZtBus *bus, const char *name);
