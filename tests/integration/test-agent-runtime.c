/* Desktops as real LXC containers: a busybox image built by the test, a persona's layer,
 * activation, what the desktop sees, hibernation with the cgroup freezer, live limits, deactivation
 * that leaves nothing behind, and recovery after the agent is killed. */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-error.h"
#include "zion-test-agent.h"
#include "zion-test.h"

static ZtAgent *agent;

static const char persona[] = "schema: zion/v1\n"
			      "name: tiny\n"
			      "base: tiny\n"
			      "env:\n  GREETING: hello from tiny\n"
			      "network:\n  hostname: tiny-desk\n"
			      "files:\n"
			      "  - path: /etc/motd\n    content: \"persona file\\n\"\n"
			      "  - path: /etc/hostname-old\n    content: x\n";

static void call(const char *method, GVariant *parameters)
{
	zt_agent_do(agent, method, parameters, NULL);
}

static GVariant *no_options(void)
{
	return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

static char *shared_file(const char *name)
{
	return g_build_filename(zt_agent_state_dir(agent), "shared", "0", name, NULL);
}

/* Runs a shell command inside as the desktop's user; it writes its answer to ~/Shared/out. */
static char *run_in(const char *desktop, const char *script)
{
	g_autofree char *out = shared_file("out");
	g_unlink(out);
	g_autofree char *full = g_strdup_printf(
		"(%s) > ~/Shared/out.tmp 2>&1; mv ~/Shared/out.tmp ~/Shared/out", script);
	const char *argv[] = { "/bin/sh", "-c", full, NULL };
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	zt_agent_do(agent, "RunIn", g_variant_new("(s^as@a{ss})", desktop, argv, env),
		    G_VARIANT_TYPE("(u)"));
	for (int i = 0; i < 1000 && !g_file_test(out, G_FILE_TEST_EXISTS); i++)
		g_usleep(10 * 1000);
	char *text = NULL;
	g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
	return g_strchomp(text);
}

static guint64 usage(const char *desktop, const char *key)
{
	g_autoptr(GVariant) reply = zt_agent_call(agent, "Usage", g_variant_new("(s)", desktop),
						  G_VARIANT_TYPE("(a{sv})"));
	g_autoptr(GVariant) dict = g_variant_get_child_value(reply, 0);
	guint64 value = 0;
	g_assert_true(g_variant_lookup(dict, key, "t", &value));
	return value;
}

static gboolean mounted(const char *path)
{
	g_autofree char *mounts = NULL;
	g_assert_true(g_file_get_contents("/proc/self/mountinfo", &mounts, NULL, NULL));
	g_autofree char *needle = g_strdup_printf(" %s ", path);
	return strstr(mounts, needle) != NULL;
}

static void test_activate_see_hibernate_deactivate(void)
{
	call("BuildImage", g_variant_new("(ss@a{sv})", "tiny", "busybox", no_options()));
	call("SavePersona", g_variant_new("(ss)", "tiny.yaml", persona));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "one", "tiny", no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "one", no_options()));

	/* What the persona says, as the desktop's user sees it. */
	g_autofree char *seen = run_in("one", "id -u; hostname; cat /etc/motd; "
					      ". /etc/profile.d/zion-persona.sh; echo $GREETING");
	g_assert_cmpstr(seen, ==, "1000\ntiny-desk\npersona file\nhello from tiny");
	/* The desktop's user cannot change the system, and the base stays as it was. */
	g_autofree char *user_try =
		run_in("one", "echo changed > /etc/passwd 2>&1 || echo refused");
	g_assert_cmpstr(user_try, ==,
			"/bin/sh: can't create /etc/passwd: Permission denied\nrefused");
	g_autofree char *base_passwd = g_build_filename(zt_agent_state_dir(agent), "images", "tiny",
							"rootfs", "etc", "passwd", NULL);
	g_autofree char *passwd = NULL;
	g_assert_true(g_file_get_contents(base_passwd, &passwd, NULL, NULL));
	g_assert_nonnull(strstr(passwd, "user:x:1000"));
	/* The desktop sees only its own processes. */
	g_autofree char *procs = run_in("one", "ls /proc | grep -c '^[0-9]'");
	g_assert_cmpint(atoi(procs), <, 10);

	/* A busy loop uses CPU until the desktop is frozen. */
	const char *spin[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	zt_agent_do(agent, "RunIn", g_variant_new("(s^as@a{ss})", "one", spin, env), NULL);
	g_usleep(200 * 1000);
	call("Hibernate", g_variant_new("(s)", "one"));
	guint64 frozen_at = usage("one", "cpu-ns");
	g_usleep(300 * 1000);
	g_assert_cmpuint(usage("one", "cpu-ns"), ==, frozen_at);
	g_autoptr(GError) busy = zt_agent_call_error(
		agent, "RunIn",
		g_variant_new("(s^as@a{ss})", "one", spin,
			      g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)));
	g_assert_error(busy, ZION_ERROR, ZION_ERROR_BUSY);
	call("Resume", g_variant_new("(s)", "one"));
	g_usleep(200 * 1000);
	g_assert_cmpuint(usage("one", "cpu-ns"), >, frozen_at + 50 * 1000 * 1000);

	/* A session's changes go with it. */
	g_autofree char *wrote = run_in("one", "echo session > /tmp/mark; echo ok");
	g_assert_cmpstr(wrote, ==, "ok");
	g_autofree char *merged =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "one", "merged", NULL);
	g_assert_true(mounted(merged));
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "one", FALSE),
		    G_VARIANT_TYPE("(u)"));
	g_assert_false(mounted(merged));
	call("Activate", g_variant_new("(s@a{sv})", "one", no_options()));
	g_autofree char *gone = run_in("one", "cat /tmp/mark 2>/dev/null || echo gone");
	g_assert_cmpstr(gone, ==, "gone");
	g_assert_cmpuint(usage("one", "uptime-s"), <, 60);
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "one", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "one"));
}

/* A memory hog meets the limit; raising it live lets the same job through. */
static void test_live_limits(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "hog", "tiny", no_options()));
	GVariantBuilder limits;
	g_variant_builder_init(&limits, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&limits, "{sv}", "memory", g_variant_new_uint64(32 << 20));
	call("SetResources", g_variant_new("(sa{sv})", "hog", &limits));
	call("Activate", g_variant_new("(s@a{sv})", "hog", no_options()));
	/* What RunIn starts goes before the desktop's init when memory runs out. */
	g_autofree char *adj = run_in("hog", "cat /proc/self/oom_score_adj");
	g_assert_cmpstr(adj, ==, "500");
	/* The hog is a shell of its own, by far the largest process, so the OOM killer takes it and
	 * not the one reporting. */
	const char *hog = "sh -c 'x=$(head -c 48000000 /dev/zero | tr \"\\\\0\" a); echo survived ${#x}'";
	g_autofree char *killed = run_in("hog", hog);
	g_assert_null(strstr(killed, "survived"));
	g_variant_builder_init(&limits, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&limits, "{sv}", "memory", g_variant_new_uint64(256 << 20));
	call("SetResources", g_variant_new("(sa{sv})", "hog", &limits));
	g_autofree char *survived = run_in("hog", hog);
	g_assert_cmpstr(survived, ==, "survived 48000000");
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "hog", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "hog"));
}

/* Killed while a desktop runs, the agent adopts it; killed in the middle of an activation, it
 * cleans up. */
static void test_agent_killed(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "kept", "tiny", no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "kept", no_options()));
	zt_agent_crash_and_restart(agent);
	g_autofree char *alive = run_in("kept", "echo alive");
	g_assert_cmpstr(alive, ==, "alive");

	/* A record that says "starting" is what a kill during Activate leaves. */
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "kept", FALSE), NULL);
	g_autofree char *record = g_build_filename(zt_agent_state_dir(agent), "desktops", "kept",
						   "desktop.ini", NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(record, &text, NULL, NULL));
	g_autofree char *starting =
		g_strjoinv("state=starting", g_strsplit(text, "state=stopped", 2));
	g_assert_true(g_file_set_contents(record, starting, -1, NULL));
	g_autofree char *session =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "kept", "session", NULL);
	g_assert_cmpint(g_mkdir_with_parents(session, 0755), ==, 0);
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('kept', 'tiny', 0, 'stopped', 0)"));
	g_assert_false(g_file_test(session, G_FILE_TEST_EXISTS));
	call("Destroy", g_variant_new("(s)", "kept"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0) {
		g_test_skip("the agent runs as root");
		return 77;
	}
	g_autofree char *helper = g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent",
						   "zion-lxc-start", NULL);
	g_setenv("ZION_LXC_START_HELPER", helper, TRUE);
	agent = zt_agent_start();
	g_test_add_func("/agent/runtime/activate-see-hibernate-deactivate",
			test_activate_see_hibernate_deactivate);
	g_test_add_func("/agent/runtime/live-limits", test_live_limits);
	g_test_add_func("/agent/runtime/agent-killed", test_agent_killed);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
