/* The compositor following the agent: desktops the agent makes appear in the compositor with
 * their persona's colour and go away when destroyed; the config's desktops stay; clients started
 * in the desktops' containers show on their own desktop only. */
#include <string.h>
#include <unistd.h>

#include "zion-test-agent.h"
#include "zion-test-bus.h"
#include "zion-test-compositor.h"
#include "zion-test.h"

#define COMPOSITOR "org.zion.Compositor1"
#define COMPOSITOR_PATH "/org/zion/Compositor1"

static const char config[] = "[desktop base]\ncolor=#333333\n";

/* The compositor's desktops, printed as "name color;" each. */
static char *compositor_desktops(ZtBus *bus)
{
	g_autoptr(GVariant) reply = zt_bus_call(bus, COMPOSITOR, COMPOSITOR_PATH, COMPOSITOR,
						"ListDesktops", NULL, G_VARIANT_TYPE("(a(sss))"));
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a(sss))", &iter);
	GString *text = g_string_new("");
	const char *name, *color;
	while (g_variant_iter_next(iter, "(&s&s&s)", &name, &color, NULL))
		g_string_append_printf(text, "%s %s;", name, color);
	return g_string_free(text, FALSE);
}

static void wait_desktops(ZtBus *bus, const char *want)
{
	g_autofree char *seen = NULL;
	for (int i = 0; i < 500; i++) {
		g_free(seen);
		seen = compositor_desktops(bus);
		if (strcmp(seen, want) == 0)
			return;
		g_usleep(10 * 1000);
	}
	g_error("the compositor has desktops '%s', expected '%s'", seen, want);
}

static void test_desktops_appear_and_go(void)
{
	ZtAgent *agent = zt_agent_start();
	g_setenv("ZION_AGENT_BUS", zt_agent_bus_address(agent), TRUE);
	zt_agent_do(
		agent, "SavePersona",
		g_variant_new("(ss)", "red.yaml",
			      "schema: zion/v1\nname: red\nappearance:\n  color: \"#e01b24\"\n"),
		NULL);
	GVariant *no_options = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
	zt_agent_do(agent, "CreateDesktop", g_variant_new("(ss@a{sv})", "early", "red", no_options),
		    NULL);

	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(config);
	zt_bus_wait_name(bus, COMPOSITOR);
	/* Desktops made before the compositor started are found... */
	wait_desktops(bus, "base #333333;early #e01b24;");
	/* ...and those made later appear. */
	no_options = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
	zt_agent_do(agent, "CreateDesktop", g_variant_new("(ss@a{sv})", "late", "red", no_options),
		    NULL);
	wait_desktops(bus, "base #333333;early #e01b24;late #e01b24;");
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, "late");
	g_assert_true(g_file_test(socket, G_FILE_TEST_EXISTS));

	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "early"), NULL);
	wait_desktops(bus, "base #333333;late #e01b24;");
	g_autofree char *early_socket = zt_compositor_desktop_socket(compositor, "early");
	g_assert_false(g_file_test(early_socket, G_FILE_TEST_EXISTS));
	g_assert_true(zt_compositor_alive(compositor));

	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "late"), NULL);
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
	g_unsetenv("ZION_AGENT_BUS");
	zt_agent_stop(agent);
}

/* Where weston-simple-shm's frame is, centred on the 1280x720 output: a point of its title bar
 * (in the desktop's colour) and one of the white margin it draws round its picture (clear of the
 * desktop's name shown after a switch). */
#define TITLE_X 650
#define TITLE_Y 226
#define CLIENT_X 525
#define CLIENT_Y 256

/*
 * The whole path: two personas over the host's root become two desktops of the agent, each with
 * a Wayland client started inside its container through RunIn; Super+1 and Super+2 show each
 * desktop's own window only; a hibernated desktop is dimmed and marked, and undimmed on resume;
 * Super+N on a stopped desktop activates it.
 */
static void test_clients_in_containers(void)
{
	ZtAgent *agent = zt_agent_start_on_own_fs();
	g_setenv("ZION_AGENT_BUS", zt_agent_bus_address(agent), TRUE);
	zt_agent_do(
		agent, "SavePersona",
		g_variant_new("(ss)", "work.yaml",
			      "schema: zion/v1\nname: work\nappearance:\n  color: \"#3584e4\"\n"),
		NULL);
	zt_agent_do(
		agent, "SavePersona",
		g_variant_new("(ss)", "play.yaml",
			      "schema: zion/v1\nname: play\nappearance:\n  color: \"#e01b24\"\n"),
		NULL);
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start("[desktop work]\ncolor=#3584e4\n"
						       "[desktop play]\ncolor=#e01b24\n");
	zt_bus_wait_name(bus, COMPOSITOR);
	const char *spawn[] = { "weston-simple-shm", NULL };
	const char *names[] = { "work", "play" };
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		zt_agent_do(agent, "CreateDesktop",
			    g_variant_new("(ss@a{sv})", names[i], names[i], zt_no_options()), NULL);
		g_autofree char *socket = zt_compositor_desktop_socket(compositor, names[i]);
		GVariantBuilder options;
		g_variant_builder_init(&options, G_VARIANT_TYPE("a{sv}"));
		g_variant_builder_add(&options, "{sv}", "wayland-socket",
				      g_variant_new_string(socket));
		zt_agent_do(agent, "Activate", g_variant_new("(sa{sv})", names[i], &options), NULL);
		zt_agent_do(agent, "RunIn",
			    g_variant_new("(s^as@a{ss})", names[i], spawn,
					  g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
			    NULL);
	}

	zt_compositor_type(compositor, (const char *[]){ "-M", "logo", "1", "-m", "logo", NULL });
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, TITLE_X, TITLE_Y, 0x3584e4, "work"),
			==, 0x3584e4);
	g_assert_cmphex(zt_compositor_pixel(compositor, CLIENT_X, CLIENT_Y, "work"), ==, 0xffffff);
	zt_compositor_type(compositor, (const char *[]){ "-M", "logo", "2", "-m", "logo", NULL });
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, TITLE_X, TITLE_Y, 0xe01b24, "play"),
			==, 0xe01b24);
	g_assert_cmphex(zt_compositor_pixel(compositor, CLIENT_X, CLIENT_Y, "play"), ==, 0xffffff);

	/* Hibernated: the window stays, dimmed, under the desktop's mark. */
	zt_agent_do(agent, "Hibernate", g_variant_new("(s)", "play"), NULL);
	for (int i = 0; i < 300; i++) {
		if (zt_compositor_pixel(compositor, TITLE_X, TITLE_Y, "play-hibernated") !=
		    0xe01b24)
			break;
		g_usleep(10 * 1000);
	}
	uint32_t dimmed = zt_compositor_pixel(compositor, TITLE_X, TITLE_Y, "play-hibernated");
	g_assert_cmphex(dimmed, !=, 0xe01b24);
	g_assert_cmpuint(dimmed >> 16, <, 0xe0);
	zt_agent_do(agent, "Resume", g_variant_new("(s)", "play"), NULL);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, TITLE_X, TITLE_Y, 0xe01b24, "play"),
			==, 0xe01b24);

	/* Super+2 on a stopped desktop activates it. */
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "play", FALSE), NULL);
	zt_compositor_type(compositor, (const char *[]){ "-M", "logo", "1", "-m", "logo", NULL });
	zt_compositor_type(compositor, (const char *[]){ "-M", "logo", "2", "-m", "logo", NULL });
	g_autofree char *listed = NULL;
	for (int i = 0; i < 500; i++) {
		g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
		g_free(listed);
		listed = g_variant_print(list, FALSE);
		if (strstr(listed, "('play', 'play', 1, 'running', 0)"))
			break;
		g_usleep(10 * 1000);
	}
	g_assert_nonnull(strstr(listed, "('play', 'play', 1, 'running', 0)"));

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", names[i], FALSE), NULL);
		zt_agent_do(agent, "Destroy", g_variant_new("(s)", names[i]), NULL);
	}
	g_assert_true(zt_compositor_alive(compositor));
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
	g_unsetenv("ZION_AGENT_BUS");
	zt_agent_stop(agent);
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	g_test_add_func("/session/desktops-appear-and-go", test_desktops_appear_and_go);
	g_test_add_func("/session/clients-in-containers", test_clients_in_containers);
	return g_test_run();
}
