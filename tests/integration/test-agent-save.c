/* Deactivate with save: a session's changes become the persona's next version (files, removals,
 * links, modes, a directory replaced whole), what is not the desktop's own is left out, rollback
 * returns to before, and a save the agent was killed in is finished when it starts again. */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "zion-test-agent.h"
#include "zion-test-desktop.h"
#include "zion-test.h"

static ZtAgent *agent;

static const char persona[] = "schema: zion/v1\n"
			      "name: keep\n"
			      "base: keep\n"
			      "files:\n"
			      "  - path: /etc/motd\n    content: \"persona motd\\n\"\n"
			      "  - path: /etc/conf.d/a\n    content: a\n"
			      "  - path: /etc/conf.d/b\n    content: b\n"
			      "  - path: /etc/note\n    content: \"v1\\n\"\n    owner: \"1000\"\n";

/* What the session changes, as root inside (a package manager would) and as the user. */
static const char changes[] = "rm /etc/motd; "
			      "mkdir -p /opt/app && echo tool > /opt/app/tool && "
			      "chmod 4755 /opt/app/tool && chown 1000:1000 /opt/app && "
			      "ln -s /opt/app/tool /usr/bin/tool && "
			      "rm -r /etc/conf.d && mkdir /etc/conf.d && echo c > /etc/conf.d/c && "
			      "echo scratch > /tmp/scratch && echo run > /run/state";

/* How the desktop sees what changes touches. */
static const char look[] =
	"cat /etc/motd 2>/dev/null || echo no motd; "
	"cat /opt/app/tool 2>/dev/null; stat -c '%a %u' /opt/app/tool 2>/dev/null; "
	"readlink /usr/bin/tool; ls /etc/conf.d | tr '\\n' ' '; echo; "
	"cat /etc/note; ls /tmp/scratch /run/state 2>/dev/null | wc -l";

static void call(const char *method, GVariant *parameters)
{
	zt_agent_do(agent, method, parameters, NULL);
}

static guint deactivate(const char *desktop, gboolean save)
{
	g_autoptr(GVariant) reply = zt_agent_call(
		agent, "Deactivate", g_variant_new("(sb)", desktop, save), G_VARIANT_TYPE("(u)"));
	guint version;
	g_variant_get(reply, "(u)", &version);
	return version;
}

/* The persona's versions as "N" or "N*" (current), oldest first. */
static char *versions(void)
{
	g_autoptr(GVariant) reply =
		zt_agent_call(agent, "PersonaVersions", g_variant_new("(s)", "keep"), NULL);
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a(usxb))", &iter);
	g_autoptr(GString) text = g_string_new(NULL);
	guint number;
	gboolean current;
	while (g_variant_iter_next(iter, "(u&sxb)", &number, NULL, NULL, &current))
		g_string_append_printf(text, "%s%u%s", text->len ? " " : "", number,
				       current ? "*" : "");
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static void test_save_and_rollback(void)
{
	call("BuildImage", g_variant_new("(ss@a{sv})", "keep", "busybox", zt_no_options()));
	call("SavePersona", g_variant_new("(ss)", "keep.yaml", persona));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "saver", "keep", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_autofree char *before = zt_desktop_run(agent, "saver", look);
	g_assert_cmpstr(before, ==, "persona motd\na b \nv1\n0");
	g_free(zt_desktop_run_as_root(agent, "saver", changes));
	g_free(zt_desktop_run(agent, "saver", "echo v2 > /etc/note"));
	g_assert_cmpuint(deactivate("saver", TRUE), ==, 2);
	g_autofree char *listed = versions();
	g_assert_cmpstr(listed, ==, "1 2*");

	/* The next activation runs on version 2, which has the session's changes and only them. */
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_autofree char *after = zt_desktop_run(agent, "saver", look);
	g_assert_cmpstr(after, ==, "no motd\ntool\n4755 0\n/opt/app/tool\nc \nv2\n0");
	/* Without save, changes go; an unchanged session saved makes no version. */
	g_free(zt_desktop_run_as_root(agent, "saver", "echo lost > /etc/lost"));
	g_assert_cmpuint(deactivate("saver", FALSE), ==, 0);
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_autofree char *lost = zt_desktop_run(agent, "saver", "cat /etc/lost 2>&1 || echo gone");
	g_assert_nonnull(strstr(lost, "gone"));
	g_assert_cmpuint(deactivate("saver", TRUE), ==, 2);
	g_autofree char *unchanged = versions();
	g_assert_cmpstr(unchanged, ==, "1 2*");

	/* Rollback returns to the persona as it was. */
	call("RollbackPersona", g_variant_new("(ss)", "keep", "1"));
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_autofree char *back = zt_desktop_run(agent, "saver", look);
	g_assert_cmpstr(back, ==, "persona motd\na b \nv1\n0");
	g_assert_cmpuint(deactivate("saver", FALSE), ==, 0);
	call("RollbackPersona", g_variant_new("(ss)", "keep", "2"));
}

/* The agent killed while it saves a session: started again, it finishes the save. */
static void test_killed_while_saving(void)
{
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_free(zt_desktop_run_as_root(agent, "saver", "echo kept > /etc/kept"));
	/* What a kill during Deactivate with save leaves: the record says so, and the container
	 * may still run. */
	zt_agent_crash_and_restart(agent);
	g_autofree char *record = g_build_filename(zt_agent_state_dir(agent), "desktops", "saver",
						   "desktop.ini", NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(record, &text, NULL, NULL));
	g_auto(GStrv) parts = g_strsplit(text, "state=running", 2);
	g_autofree char *stopping = g_strjoinv("state=stopping\nsaving=true", parts);
	g_assert_true(g_file_set_contents(record, stopping, -1, NULL));
	zt_agent_crash_and_restart(agent);

	g_autofree char *listed = versions();
	g_assert_cmpstr(listed, ==, "1 2 3*");
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "'saver', 'keep', 0, 'stopped'"));
	g_autofree char *session =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "saver", "session", NULL);
	g_assert_false(g_file_test(session, G_FILE_TEST_EXISTS));
	call("Activate", g_variant_new("(s@a{sv})", "saver", zt_no_options()));
	g_autofree char *kept = zt_desktop_run(agent, "saver", "cat /etc/kept");
	g_assert_cmpstr(kept, ==, "kept");
	g_assert_cmpuint(deactivate("saver", FALSE), ==, 0);
	call("Destroy", g_variant_new("(s)", "saver"));
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/save/save-and-rollback", test_save_and_rollback);
	g_test_add_func("/agent/save/killed-while-saving", test_killed_while_saving);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
