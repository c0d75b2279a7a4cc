/* Base images through the agent: BuildImage runs in the background with Progress signals, a
 * second build of the same name is refused meanwhile, an activation reports its layer's steps,
 * an image is deleted only when no desktop runs on it, and with its cached layers, and zionctl
 * image goes through the agent and prints the progress. With ZION_TEST_DEBIAN=1, a
 * Debian image too (mmdebstrap, downloads). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zion-error.h"
#include "zion-test-agent.h"
#include "zion-test.h"

static ZtAgent *agent;

static void on_progress(GDBusConnection *connection, const char *sender, const char *path,
			const char *interface, const char *signal, GVariant *parameters,
			gpointer data)
{
	const char *operation, *step;
	guint done, total;
	g_variant_get(parameters, "(&s&suu)", &operation, &step, &done, &total);
	g_string_append_printf(data, "%s: %s %u/%u\n", operation, step, done, total);
}

static void keep_result(GObject *source, GAsyncResult *result, gpointer data)
{
	*(GAsyncResult **)data = g_object_ref(result);
}

/* Builds an image through the agent, returning the Progress it reported. */
static char *build(const char *name, const char *kind, GVariant *options)
{
	GDBusConnection *connection = zt_agent_connection(agent);
	GString *progress = g_string_new(NULL);
	guint subscription = g_dbus_connection_signal_subscribe(
		connection, NULL, "org.zion.Agent1", "Progress", "/org/zion/Agent1", NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, on_progress, progress, NULL);
	g_autoptr(GAsyncResult) built = NULL;
	g_dbus_connection_call(connection, "org.zion.Agent1", "/org/zion/Agent1", "org.zion.Agent1",
			       "BuildImage", g_variant_new("(ss@a{sv})", name, kind, options), NULL,
			       G_DBUS_CALL_FLAGS_NONE, 600 * 1000, NULL, keep_result, &built);
	/* While it builds, the same name is refused and other calls are answered. */
	g_autoptr(GError) busy = zt_agent_call_error(
		agent, "BuildImage", g_variant_new("(ss@a{sv})", name, kind, zt_no_options()));
	g_assert_error(busy, ZION_ERROR, ZION_ERROR_BUSY);
	while (!built)
		g_main_context_iteration(NULL, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(connection, built, &error);
	g_assert_nonnull(reply);
	g_assert_no_error(error);
	/* The last signals come before the reply, in order. */
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_dbus_connection_signal_unsubscribe(connection, subscription);
	return g_string_free(progress, FALSE);
}

/* The last Progress line is operation's and says all its steps are done: every step came
 * before the reply. */
static void assert_last_step(const char *progress, const char *operation)
{
	g_auto(GStrv) lines = g_strsplit(progress, "\n", -1);
	guint n = g_strv_length(lines);
	g_assert_cmpuint(n, >=, 3);
	const char *last = lines[n - 2];
	g_assert_true(g_str_has_prefix(last, operation));
	guint done = 0, total = 0;
	g_assert_cmpint(sscanf(strrchr(last, ' '), " %u/%u", &done, &total), ==, 2);
	g_assert_cmpuint(done, ==, total);
}

static void test_busybox(void)
{
	g_autofree char *progress = build("tiny", "busybox", zt_no_options());
	g_test_message("%s", progress);
	assert_last_step(progress, "image tiny: ");
	g_assert_nonnull(strstr(progress, "image tiny: "));
	g_autoptr(GVariant) images = zt_agent_call(agent, "ListImages", NULL, NULL);
	g_autofree char *listed = g_variant_print(images, FALSE);
	g_assert_nonnull(strstr(listed, "('tiny', 'busybox', '"));

	g_autoptr(GError) kind = zt_agent_call_error(
		agent, "BuildImage", g_variant_new("(ss@a{sv})", "odd", "alpine", zt_no_options()));
	g_assert_error(kind, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_nonnull(strstr(kind->message, "'alpine'"));
}

static guint count_entries(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	guint n = 0;
	while (dir && g_dir_read_name(dir))
		n++;
	return n;
}

/* An activation that builds its persona's layer reports each step. */
static void test_layer_progress(void)
{
	zt_agent_do(agent, "SavePersona",
		    g_variant_new("(ss)", "lp.yaml", "schema: zion/v1\nname: lp\nbase: tiny\n"),
		    NULL);
	zt_agent_do(agent, "CreateDesktop",
		    g_variant_new("(ss@a{sv})", "lp", "lp", zt_no_options()), NULL);
	GDBusConnection *connection = zt_agent_connection(agent);
	GString *progress = g_string_new(NULL);
	guint subscription = g_dbus_connection_signal_subscribe(
		connection, NULL, "org.zion.Agent1", "Progress", "/org/zion/Agent1", NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, on_progress, progress, NULL);
	zt_agent_do(agent, "Activate", g_variant_new("(s@a{sv})", "lp", zt_no_options()), NULL);
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_dbus_connection_signal_unsubscribe(connection, subscription);
	g_autofree char *text = g_string_free(progress, FALSE);
	g_test_message("%s", text);
	g_assert_nonnull(strstr(text, "layer lp@1: users "));
	assert_last_step(text, "layer lp@1: ");

	/* The image is not deleted from under a running desktop; once it stops, the image goes
	 * with the layers cached over it. */
	g_autoptr(GError) busy =
		zt_agent_call_error(agent, "DeleteImage", g_variant_new("(s)", "tiny"));
	g_assert_error(busy, ZION_ERROR, ZION_ERROR_BUSY);
	g_assert_nonnull(strstr(busy->message, "desktop 'lp'"));
	g_autofree char *layers = g_build_filename(zt_agent_state_dir(agent), "layers", NULL);
	g_assert_cmpuint(count_entries(layers), ==, 1);
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "lp", FALSE), NULL);
	zt_agent_do(agent, "DeleteImage", g_variant_new("(s)", "tiny"), NULL);
	g_assert_cmpuint(count_entries(layers), ==, 0);
	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "lp"), NULL);
}

static void test_zionctl_through_agent(void)
{
	g_autofree char *zionctl =
		g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent", "zionctl", NULL);
	const char *build_argv[] = { zionctl, "image", "build", "small", "--busybox", NULL };
	g_autofree char *out = NULL, *err = NULL;
	g_assert_cmpint(zt_run_as(agent, 0, build_argv, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "] "));
	g_assert_nonnull(strstr(out, "small: built (busybox)"));
	const char *list_argv[] = { zionctl, "image", "list", NULL };
	g_autofree char *listed = NULL;
	g_assert_cmpint(zt_run_as(agent, 0, list_argv, &listed, NULL), ==, 0);
	g_assert_nonnull(strstr(listed, "small            busybox"));
	const char *delete_argv[] = { zionctl, "image", "delete", "small", NULL };
	g_assert_cmpint(zt_run_as(agent, 0, delete_argv, NULL, NULL), ==, 0);
	/* Building images needs root (or polkit on the system bus). */
	g_autofree char *denied = NULL;
	g_assert_cmpint(zt_run_as(agent, 65534, build_argv, NULL, &denied), !=, 0);
	g_assert_nonnull(strstr(denied, "zionctl image build:"));
}

static void test_debian(void)
{
	if (g_strcmp0(g_getenv("ZION_TEST_DEBIAN"), "1") != 0) {
		g_test_skip("set ZION_TEST_DEBIAN=1 to build a Debian image (downloads)");
		return;
	}
	GVariantBuilder options;
	g_variant_builder_init(&options, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&options, "{sv}", "suite", g_variant_new_string("bookworm"));
	g_autofree char *progress = build("deb", "debian", g_variant_builder_end(&options));
	g_test_message("%s", progress);
	assert_last_step(progress, "image deb: ");
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/images/busybox", test_busybox);
	g_test_add_func("/agent/images/layer-progress", test_layer_progress);
	g_test_add_func("/agent/images/zionctl-through-agent", test_zionctl_through_agent);
	g_test_add_func("/agent/images/debian", test_debian);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
