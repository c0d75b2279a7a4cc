/* Usage over a desktop's sessions, from the agent's SQLite history: it counts every session, adds
 * up CPU time and uptime, survives the agent being killed, and goes with the desktop. */
#include <unistd.h>

#include "zion-test-agent.h"
#include "zion-test-desktop.h"
#include "zion-test.h"

static ZtAgent *agent;

static void call(const char *method, GVariant *parameters)
{
	zt_agent_do(agent, method, parameters, NULL);
}

static GVariant *usage(void)
{
	g_autoptr(GVariant) reply = zt_agent_call(agent, "Usage", g_variant_new("(s)", "used"),
						  G_VARIANT_TYPE("(a{sv})"));
	return g_variant_get_child_value(reply, 0);
}

static guint64 field(GVariant *dict, const char *key)
{
	guint64 value = 0;
	g_assert_true(g_variant_lookup(dict, key, "t", &value));
	return value;
}

static guint sessions(GVariant *dict)
{
	guint value = 0;
	g_assert_true(g_variant_lookup(dict, "sessions", "u", &value));
	return value;
}

/* Keeps a CPU busy inside for one to two seconds. */
static void spin(void)
{
	g_free(zt_desktop_run(
		agent, "used",
		"end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done"));
}

static void test_history(void)
{
	call("BuildImage", g_variant_new("(ss@a{sv})", "use", "busybox", zt_no_options()));
	call("SavePersona",
	     g_variant_new("(ss)", "use.yaml", "schema: zion/v1\nname: use\nbase: use\n"));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "used", "use", zt_no_options()));
	g_autoptr(GVariant) fresh = usage();
	g_assert_cmpuint(sessions(fresh), ==, 0);

	call("Activate", g_variant_new("(s@a{sv})", "used", zt_no_options()));
	spin();
	call("Deactivate", g_variant_new("(sb)", "used", FALSE));
	g_autoptr(GVariant) first = usage();
	g_assert_cmpuint(sessions(first), ==, 1);
	guint64 first_cpu = field(first, "total-cpu-ns");
	g_assert_cmpuint(first_cpu, >, 100 * 1000 * 1000);
	g_assert_cmpuint(field(first, "cpu-ns"), ==, 0);

	/* A second session, with the agent killed while it runs and after it ended. */
	call("Activate", g_variant_new("(s@a{sv})", "used", zt_no_options()));
	spin();
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) during = usage();
	g_assert_cmpuint(sessions(during), ==, 2);
	g_assert_cmpuint(field(during, "total-cpu-ns"), >, first_cpu + 100 * 1000 * 1000);
	call("Deactivate", g_variant_new("(sb)", "used", FALSE));
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) after = usage();
	g_assert_cmpuint(sessions(after), ==, 2);
	g_assert_cmpuint(field(after, "total-cpu-ns"), >, first_cpu + 100 * 1000 * 1000);
	g_assert_cmpuint(field(after, "total-memory-peak"), >, 0);
	gint64 last = 0;
	g_assert_true(g_variant_lookup(after, "last-activated", "x", &last));
	g_assert_cmpint(last, >, g_get_real_time() / G_USEC_PER_SEC - 60);

	/* A destroyed desktop's history goes with it. */
	call("Destroy", g_variant_new("(s)", "used"));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "used", "use", zt_no_options()));
	g_autoptr(GVariant) again = usage();
	g_assert_cmpuint(sessions(again), ==, 0);
	call("Destroy", g_variant_new("(s)", "used"));
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/usage/history", test_history);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
