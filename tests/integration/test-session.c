/* The compositor following the agent: desktops the agent makes appear in the compositor with
 * their persona's colour and go away when destroyed; the config's desktops stay. */
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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0) {
		g_test_skip("the agent runs as root");
		return 77;
	}
	g_test_add_func("/session/desktops-appear-and-go", test_desktops_appear_and_go);
	return g_test_run();
}
