/*
 * zion-compositor's outputs and its D-Bus interface, headless, on a private bus: an output added
 * and removed at runtime while windows stay reachable; the desktops, the shown desktop and the
 * switch latency as org.zion.Compositor1 reports them; and a compositor nested in another as a
 * window (the Wayland backend), which must not take the sockets of desktops the outer one owns.
 */
#include <gio/gio.h>
#include <signal.h>

#include "zion-test-bus.h"
#include "zion-test-client.h"
#include "zion-test-compositor.h"
#include "zion-test.h"

#define CONFIG                                                                                     \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
#define NAME "org.zion.Compositor1"
#define PATH "/org/zion/Compositor1"
#define RED 0xff0000

static const char *const super_q[] = { "-M", "logo", "q", "-m", "logo", NULL };

static GVariant *call(ZtBus *bus, const char *method, GVariant *parameters, const char *type)
{
	return zt_bus_call(bus, NAME, PATH, NAME, method, parameters, G_VARIANT_TYPE(type));
}

/* The outputs as "NAME XxY+W+H ..." in layout order. */
static char *list_outputs(ZtBus *bus)
{
	g_autoptr(GVariant) reply = call(bus, "ListOutputs", NULL, "(a(siiii))");
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a(siiii))", &iter);
	g_autoptr(GString) text = g_string_new(NULL);
	const char *name;
	int x, y, width, height;
	while (g_variant_iter_next(iter, "(&siiii)", &name, &x, &y, &width, &height))
		g_string_append_printf(text, "%s%s %dx%d+%d+%d", text->len ? " " : "", name, width,
				       height, x, y);
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static void test_output_hotplug(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	zt_bus_wait_name(bus, NAME);
	g_autofree char *work_socket = zt_compositor_desktop_socket(compositor, "work");
	g_autoptr(ZtClient) work = zt_client_connect(work_socket);
	ZtWindow *window = zt_window_open(work, 400, 300, 0xffff0000);

	g_autofree char *before = list_outputs(bus);
	g_assert_cmpstr(before, ==, "HEADLESS-1 1280x720+0+0");
	g_autoptr(GVariant) created =
		call(bus, "CreateOutput", g_variant_new("(uu)", 320, 240), "(s)");
	const char *name;
	g_variant_get(created, "(&s)", &name);
	g_assert_cmpstr(name, ==, "HEADLESS-2");
	g_autofree char *both = list_outputs(bus);
	g_assert_cmpstr(both, ==, "HEADLESS-1 1280x720+0+0 HEADLESS-2 320x240+1280+0");
	/* The layout now spans both: the window stays where it was, the new output is empty. */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 640, 360, RED, "hotplug-1-added"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 1280 + 160, 120, "hotplug-1-added"), ==,
			0x000000);

	/* Unplugging the output the window was on brings it onto the small one that is left, where
	 * it would otherwise be out of sight. */
	g_variant_unref(call(bus, "RemoveOutput", g_variant_new("(s)", "HEADLESS-1"), "()"));
	g_autofree char *after = list_outputs(bus);
	g_assert_cmpstr(after, ==, "HEADLESS-2 320x240+0+0");
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 160, 120, RED, "hotplug-2-removed"),
			==, RED);
	/* ...and it still has the keyboard. */
	zt_compositor_type(compositor, super_q);
	for (int i = 0; i < 200 && !zt_window_close_requested(window); i++) {
		zt_client_roundtrip(work);
		g_usleep(10000);
	}
	g_assert_true(zt_window_close_requested(window));

	g_autoptr(GError) missing = zt_bus_call_error(bus, NAME, PATH, NAME, "RemoveOutput",
						      g_variant_new("(s)", "HEADLESS-9"));
	g_assert_cmpstr(missing->message, ==, "no output called HEADLESS-9");
	g_autoptr(GError) empty = zt_bus_call_error(bus, NAME, PATH, NAME, "CreateOutput",
						    g_variant_new("(uu)", 0, 600));
	g_assert_nonnull(strstr(empty->message, "1 to 16384 pixels"));

	zt_window_destroy(window);
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

static char *shown_desktop(ZtBus *bus)
{
	g_autoptr(GVariant) reply =
		zt_bus_call(bus, NAME, PATH, "org.freedesktop.DBus.Properties", "Get",
			    g_variant_new("(ss)", NAME, "ShownDesktop"), G_VARIANT_TYPE("(v)"));
	g_autoptr(GVariant) value = NULL;
	g_variant_get(reply, "(v)", &value);
	return g_variant_dup_string(value, NULL);
}

static void test_desktops_over_dbus(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	zt_bus_wait_name(bus, NAME);

	g_autoptr(GVariant) desktops = call(bus, "ListDesktops", NULL, "(a(sss))");
	g_autofree char *text = g_variant_print(desktops, FALSE);
	g_autofree char *work = zt_compositor_desktop_socket(compositor, "work");
	g_autofree char *play = zt_compositor_desktop_socket(compositor, "play");
	g_autofree char *expected = g_strdup_printf(
		"([('work', '#3584e4', '%s'), ('play', '#e01b24', '%s')],)", work, play);
	g_assert_cmpstr(text, ==, expected);

	g_autofree char *first = shown_desktop(bus);
	g_assert_cmpstr(first, ==, "work");
	g_variant_unref(call(bus, "ShowDesktop", g_variant_new("(s)", "play"), "()"));
	g_autofree char *second = shown_desktop(bus);
	g_assert_cmpstr(second, ==, "play");
	g_autoptr(GError) unknown = zt_bus_call_error(bus, NAME, PATH, NAME, "ShowDesktop",
						      g_variant_new("(s)", "nowhere"));
	g_assert_cmpstr(unknown->message, ==, "no desktop called 'nowhere'");

	/* The switch was measured once it reached the screen. */
	guint count = 0;
	for (int i = 0; i < 200 && count == 0; i++) {
		g_autoptr(GVariant) latency = call(bus, "GetSwitchLatency", NULL, "(uttt)");
		guint64 p50, p99, max;
		g_variant_get(latency, "(uttt)", &count, &p50, &p99, &max);
		if (count)
			g_assert_true(p50 > 0 && p50 <= p99 && p99 <= max);
		else
			g_usleep(10000);
	}
	g_assert_cmpuint(count, ==, 1);

	/* The bus going away leaves the compositor, and its clients, running. */
	g_autoptr(ZtClient) client = zt_client_connect(work);
	zt_bus_stop(bus);
	for (int i = 0; i < 20; i++) {
		zt_client_roundtrip(client);
		g_usleep(10000);
	}
	g_assert_true(zt_compositor_alive(compositor));
	zt_compositor_stop(compositor);
}

static GSubprocess *spawn_inner(ZtCompositor *outer, const char *config_text, const char *socket)
{
	g_autofree char *dir = g_path_get_dirname(zt_compositor_socket(outer));
	g_autofree char *config = zt_write_file(dir, "inner.conf", config_text);
	g_autofree char *program =
		g_build_filename(g_getenv("ZION_BUILD_DIR"), "compositor", "zion-compositor", NULL);
	const char *const argv[] = { "env",  "-u",	 "WLR_BACKENDS", program, "--config",
				     config, "--socket", socket,	 NULL };
	return zt_compositor_spawn(outer, zt_compositor_socket(outer), argv);
}

static void test_nested(void)
{
	ZtCompositor *outer = zt_compositor_start(CONFIG);
	g_autoptr(GSubprocess) inner = spawn_inner(
		outer, "[compositor]\noverlay-ms=0\n[desktop inner]\ncolor=#00ff00\n", "inner");
	g_autofree char *dir = g_path_get_dirname(zt_compositor_socket(outer));
	g_autofree char *inner_socket = g_build_filename(dir, "inner", NULL);
	for (int i = 0; i < 500 && !g_file_test(inner_socket, G_FILE_TEST_EXISTS); i++)
		g_usleep(10000);
	g_assert_true(g_file_test(inner_socket, G_FILE_TEST_EXISTS));

	/* A window on the inner compositor's desktop reaches the outer screen through its window.
	 */
	g_autofree char *desktop = zt_compositor_desktop_socket(outer, "inner");
	g_autoptr(ZtClient) client = zt_client_connect(desktop);
	ZtWindow *window = zt_window_open(client, 200, 200, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(outer, 640, 360, RED, "nested"), ==, RED);

	/* A second compositor wanting the outer one's desktop "work" gives up instead of taking it.
	 */
	g_autoptr(GSubprocess) thief =
		spawn_inner(outer, "[desktop work]\ncolor=#0000ff\n", "thief");
	g_autoptr(GError) error = NULL;
	g_subprocess_wait(thief, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_subprocess_get_exit_status(thief), ==, 1);
	g_autofree char *work_socket = zt_compositor_desktop_socket(outer, "work");
	g_autoptr(ZtClient) work = zt_client_connect(work_socket);
	zt_client_roundtrip(work);

	zt_window_destroy(window);
	g_subprocess_send_signal(inner, SIGTERM);
	g_subprocess_wait(inner, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_subprocess_get_exit_status(inner), ==, 0);
	zt_compositor_stop(outer);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/compositor/output-hotplug", test_output_hotplug);
	g_test_add_func("/compositor/desktops-over-dbus", test_desktops_over_dbus);
	g_test_add_func("/compositor/nested", test_nested);
	return g_test_run();
}
