/* The org.zion.Compositor1 service: the generated skeleton's methods, answered from the server. */
#include "dbus.h"

#include <gio/gio.h>

#include "desktop.h"
#include "output.h"
#include "server.h"
#include "zc-dbus.h"

#define BUS_NAME "org.zion.Compositor1"
#define OBJECT_PATH "/org/zion/Compositor1"

struct zc_dbus {
	struct zc_server *server;
	ZcDbusCompositor1 *skeleton;
	GCancellable *cancellable; /* while the bus is being connected to */
	GDBusConnection *connection;
	guint owner_id;
};

static gboolean on_handle_list_desktops(ZcDbusCompositor1 *skeleton,
					GDBusMethodInvocation *invocation, struct zc_dbus *dbus)
{
	GVariantBuilder desktops;
	g_variant_builder_init(&desktops, G_VARIANT_TYPE("a(sss)"));
	for (guint i = 0; i < dbus->server->desktops->len; i++) {
		struct zc_desktop *desktop = g_ptr_array_index(dbus->server->desktops, i);
		g_autofree char *color =
			g_strdup_printf("#%02x%02x%02x", (int)(desktop->color[0] * 255 + 0.5f),
					(int)(desktop->color[1] * 255 + 0.5f),
					(int)(desktop->color[2] * 255 + 0.5f));
		g_variant_builder_add(&desktops, "(sss)", desktop->name, color,
				      desktop->socket_path);
	}
	zc_dbus_compositor1_complete_list_desktops(skeleton, invocation,
						   g_variant_builder_end(&desktops));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static struct zc_desktop *find_desktop(struct zc_server *server, const char *name)
{
	for (guint i = 0; i < server->desktops->len; i++) {
		struct zc_desktop *desktop = g_ptr_array_index(server->desktops, i);
		if (g_strcmp0(desktop->name, name) == 0)
			return desktop;
	}
	return NULL;
}

static gboolean on_handle_show_desktop(ZcDbusCompositor1 *skeleton,
				       GDBusMethodInvocation *invocation, const char *name,
				       struct zc_dbus *dbus)
{
	struct zc_desktop *desktop = find_desktop(dbus->server, name);
	if (!desktop) {
		g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR,
						      G_DBUS_ERROR_INVALID_ARGS,
						      "no desktop called '%s'", name);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zc_desktop_show(desktop);
	zc_dbus_compositor1_complete_show_desktop(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_handle_get_desktop_environment(ZcDbusCompositor1 *skeleton,
						  GDBusMethodInvocation *invocation,
						  const char *name, struct zc_dbus *dbus)
{
	struct zc_desktop *desktop = find_desktop(dbus->server, name);
	if (!desktop) {
		g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR,
						      G_DBUS_ERROR_INVALID_ARGS,
						      "no desktop called '%s'", name);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_auto(GStrv) env = zc_desktop_environ(desktop, NULL);
	GVariantBuilder environment;
	g_variant_builder_init(&environment, G_VARIANT_TYPE("a{ss}"));
	for (char **variable = env; *variable; variable++) {
		g_auto(GStrv) pair = g_strsplit(*variable, "=", 2);
		g_variant_builder_add(&environment, "{ss}", pair[0], pair[1]);
	}
	zc_dbus_compositor1_complete_get_desktop_environment(skeleton, invocation,
							     g_variant_builder_end(&environment));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_handle_list_outputs(ZcDbusCompositor1 *skeleton,
				       GDBusMethodInvocation *invocation, struct zc_dbus *dbus)
{
	GVariantBuilder outputs;
	g_variant_builder_init(&outputs, G_VARIANT_TYPE("a(siiii)"));
	struct zc_output *output;
	wl_list_for_each_reverse(output, &dbus->server->outputs, link)
	{
		struct wlr_box *box =
			wlr_output_layout_get_box(dbus->server->output_layout, output->wlr_output);
		if (box)
			g_variant_builder_add(&outputs, "(siiii)", output->wlr_output->name, box->x,
					      box->y, box->width, box->height);
	}
	zc_dbus_compositor1_complete_list_outputs(skeleton, invocation,
						  g_variant_builder_end(&outputs));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_handle_create_output(ZcDbusCompositor1 *skeleton,
					GDBusMethodInvocation *invocation, guint width,
					guint height, struct zc_dbus *dbus)
{
	g_autoptr(GError) error = NULL;
	struct wlr_output *output = zc_output_create_virtual(dbus->server, width, height, &error);
	if (!output) {
		g_dbus_method_invocation_return_error_literal(
			invocation, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED, error->message);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zc_dbus_compositor1_complete_create_output(skeleton, invocation, output->name);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_handle_remove_output(ZcDbusCompositor1 *skeleton,
					GDBusMethodInvocation *invocation, const char *name,
					struct zc_dbus *dbus)
{
	g_autoptr(GError) error = NULL;
	if (!zc_output_remove_virtual(dbus->server, name, &error)) {
		g_dbus_method_invocation_return_error_literal(
			invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, error->message);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zc_dbus_compositor1_complete_remove_output(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_handle_get_switch_latency(ZcDbusCompositor1 *skeleton,
					     GDBusMethodInvocation *invocation,
					     struct zc_dbus *dbus)
{
	struct zc_switch_summary summary = zc_switch_stats_summary(dbus->server->switch_stats);
	zc_dbus_compositor1_complete_get_switch_latency(skeleton, invocation, summary.count,
							summary.p50_us, summary.p99_us,
							summary.max_us);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void on_name_acquired(GDBusConnection *connection, const char *name, gpointer data)
{
	g_message("D-Bus: %s on the session bus", name);
}

static void on_name_lost(GDBusConnection *connection, const char *name, gpointer data)
{
	g_message("D-Bus: %s is not ours (another compositor, or the bus went away); running "
		  "without it",
		  name);
}

static void on_bus_ready(GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr(GError) error = NULL;
	GDBusConnection *connection = g_bus_get_finish(result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return; /* the compositor is going: data is gone */
	struct zc_dbus *dbus = data;
	g_clear_object(&dbus->cancellable);
	if (!connection) {
		g_message("D-Bus: no session bus (%s); running without %s", error->message,
			  BUS_NAME);
		return;
	}
	dbus->connection = connection;
	/* The bus going away must not take the compositor, and every window, with it. */
	g_dbus_connection_set_exit_on_close(connection, FALSE);
	if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(dbus->skeleton), connection,
					      OBJECT_PATH, &error)) {
		g_warning("cannot export %s on the session bus: %s", OBJECT_PATH, error->message);
		return;
	}
	dbus->owner_id =
		g_bus_own_name_on_connection(connection, BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
					     on_name_acquired, on_name_lost, dbus, NULL);
}

struct zc_dbus *zc_dbus_start(struct zc_server *server)
{
	struct zc_dbus *dbus = g_new0(struct zc_dbus, 1);
	dbus->server = server;
	dbus->skeleton = zc_dbus_compositor1_skeleton_new();
	zc_dbus_compositor1_set_shown_desktop(dbus->skeleton,
					      server->shown ? server->shown->name : "");
	g_signal_connect(dbus->skeleton, "handle-list-desktops",
			 G_CALLBACK(on_handle_list_desktops), dbus);
	g_signal_connect(dbus->skeleton, "handle-show-desktop", G_CALLBACK(on_handle_show_desktop),
			 dbus);
	g_signal_connect(dbus->skeleton, "handle-get-desktop-environment",
			 G_CALLBACK(on_handle_get_desktop_environment), dbus);
	g_signal_connect(dbus->skeleton, "handle-list-outputs", G_CALLBACK(on_handle_list_outputs),
			 dbus);
	g_signal_connect(dbus->skeleton, "handle-create-output",
			 G_CALLBACK(on_handle_create_output), dbus);
	g_signal_connect(dbus->skeleton, "handle-remove-output",
			 G_CALLBACK(on_handle_remove_output), dbus);
	g_signal_connect(dbus->skeleton, "handle-get-switch-latency",
			 G_CALLBACK(on_handle_get_switch_latency), dbus);
	dbus->cancellable = g_cancellable_new();
	g_bus_get(G_BUS_TYPE_SESSION, dbus->cancellable, on_bus_ready, dbus);
	return dbus;
}

void zc_dbus_stop(struct zc_dbus *dbus)
{
	if (!dbus)
		return;
	if (dbus->cancellable) {
		/* The pending callback then sees G_IO_ERROR_CANCELLED and leaves dbus alone. */
		g_cancellable_cancel(dbus->cancellable);
		g_object_unref(dbus->cancellable);
	}
	if (dbus->owner_id)
		g_bus_unown_name(dbus->owner_id);
	if (g_dbus_interface_skeleton_get_connection(G_DBUS_INTERFACE_SKELETON(dbus->skeleton)))
		g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(dbus->skeleton));
	g_clear_object(&dbus->connection);
	g_object_unref(dbus->skeleton);
	g_free(dbus);
}

void zc_dbus_desktop_shown(struct zc_dbus *dbus, const char *name)
{
	if (dbus)
		zc_dbus_compositor1_set_shown_desktop(dbus->skeleton, name);
}
