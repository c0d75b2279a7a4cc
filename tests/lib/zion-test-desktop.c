/* Commands inside a desktop of the agent under test. */
#include "zion-test-desktop.h"

#include <glib/gstdio.h>

char *zt_desktop_run(ZtAgent *agent, const char *desktop, const char *script)
{
	/* The answer comes back through ~/Shared, which is the owner's shared folder on the host;
	 * written under another name and renamed, so it is whole once it appears. */
	g_autofree char *out =
		g_build_filename(zt_agent_state_dir(agent), "shared", "0", "out", NULL);
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

char *zt_desktop_run_as_root(ZtAgent *agent, const char *desktop, const char *script)
{
	/* The agent's container name: its state directory's hash and the desktop's name. */
	const char *state = zt_agent_state_dir(agent);
	g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, state, -1);
	g_autofree char *name = g_strdup_printf("z%.8s-%s", hash, desktop);
	g_autofree char *lxcpath = g_build_filename(state, "lxc", NULL);
	const char *argv[] = { "lxc-attach", "-n",	name, "-P",   lxcpath, "--clear-env",
			       "--",	     "/bin/sh", "-c", script, NULL };
	char *out = NULL;
	g_autofree char *err = NULL;
	int status;
	g_autoptr(GError) error = NULL;
	g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
		     &status, &error);
	g_assert_no_error(error);
	if (!g_spawn_check_wait_status(status, &error))
		g_error("as root in %s: %s failed (%s): %s", desktop, script, error->message, err);
	return g_strchomp(out);
}
