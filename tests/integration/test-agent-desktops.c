/* Desktops through org.zion.Agent1: records, ownership, DesktopChanged, and records kept across a
 * crash of the agent. */
#include <string.h>
#include <unistd.h>

#include "zion-error.h"
#include "zion-test-agent.h"
#include "zion-test.h"

#define NOBODY 65534

static ZtAgent *agent;

static void save_persona(const char *name)
{
	g_autofree char *text = g_strdup_printf("schema: zion/v1\nname: %s\nbase: host\n", name);
	zt_agent_do(agent, "SavePersona", g_variant_new("(ss)", "test.yaml", text), NULL);
}

static void create(const char *name, const char *persona, GVariant *options)
{
	if (!options)
		options = g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
	zt_agent_do(agent, "CreateDesktop", g_variant_new("(ss@a{sv})", name, persona, options),
		    NULL);
}

/* The desktops root sees, printed. */
static char *listed(void)
{
	g_autoptr(GVariant) reply =
		zt_agent_call(agent, "ListDesktops", NULL, G_VARIANT_TYPE("(a(ssusu))"));
	return g_variant_print(reply, FALSE);
}

static char *zionctl_path(void)
{
	return g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent", "zionctl", NULL);
}

struct changes {
	GString *seen;
	guint id;
};

static void on_changed(GDBusConnection *connection, const char *sender, const char *path,
		       const char *interface, const char *signal, GVariant *parameters,
		       gpointer data)
{
	struct changes *changes = data;
	const char *name, *state;
	g_variant_get(parameters, "(&s&s)", &name, &state);
	g_string_append_printf(changes->seen, "%s=%s;", name, state);
}

static void watch(struct changes *changes)
{
	changes->seen = g_string_new("");
	changes->id = g_dbus_connection_signal_subscribe(
		zt_agent_connection(agent), "org.zion.Agent1", "org.zion.Agent1", "DesktopChanged",
		"/org/zion/Agent1", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_changed, changes, NULL);
}

/* Waits for the signals sent before a reply that followed them. */
static char *unwatch(struct changes *changes)
{
	zt_agent_do(agent, "ListDesktops", NULL, NULL);
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_dbus_connection_signal_unsubscribe(zt_agent_connection(agent), changes->id);
	return g_string_free(changes->seen, FALSE);
}

static void test_create_list_destroy(void)
{
	save_persona("office");
	struct changes changes;
	watch(&changes);
	create("work", "office", NULL);
	g_autofree char *printed = listed();
	g_assert_cmpstr(printed, ==, "([('work', 'office', 0, 'stopped', 0)],)");
	g_autofree char *record = g_build_filename(zt_agent_state_dir(agent), "desktops", "work",
						   "desktop.ini", NULL);
	g_assert_true(g_file_test(record, G_FILE_TEST_IS_REGULAR));

	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "work"), NULL);
	g_autofree char *after = listed();
	g_assert_cmpstr(after, ==, "([],)");
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
	g_autofree char *seen = unwatch(&changes);
	g_assert_cmpstr(seen, ==, "work=stopped;work=destroyed;");
}

static void test_mistakes(void)
{
	save_persona("office");
	create("dup", "office", NULL);
	g_autoptr(GError) exists = zt_agent_call_error(
		agent, "CreateDesktop",
		g_variant_new("(ss@a{sv})", "dup", "office",
			      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)));
	g_assert_error(exists, ZION_ERROR, ZION_ERROR_EXISTS);
	g_autoptr(GError) bad_name = zt_agent_call_error(
		agent, "CreateDesktop",
		g_variant_new("(ss@a{sv})", "../etc", "office",
			      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)));
	g_assert_error(bad_name, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_nonnull(strstr(bad_name->message, "'../etc'"));
	g_autoptr(GError) no_persona = zt_agent_call_error(
		agent, "CreateDesktop",
		g_variant_new("(ss@a{sv})", "other", "nosuch",
			      g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0)));
	g_assert_error(no_persona, ZION_ERROR, ZION_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(no_persona->message, "nosuch"));
	/* A persona a desktop is made from stays. */
	g_autoptr(GError) in_use =
		zt_agent_call_error(agent, "DeletePersona", g_variant_new("(s)", "office"));
	g_assert_error(in_use, ZION_ERROR, ZION_ERROR_BUSY);
	g_assert_nonnull(strstr(in_use->message, "'dup'"));
	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "dup"), NULL);
}

/* A user sees and manages only their own desktops, and cannot create one for someone else. */
static void test_owners(void)
{
	save_persona("office");
	GVariantBuilder options;
	g_variant_builder_init(&options, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&options, "{sv}", "owner", g_variant_new_uint32(NOBODY));
	create("theirs", "office", g_variant_builder_end(&options));
	create("roots", "office", NULL);

	g_autofree char *zionctl = zionctl_path();
	const char *list[] = { zionctl, "desktop", "list", NULL };
	g_autofree char *out = NULL, *err = NULL;
	g_assert_cmpint(zt_run_as(agent, NOBODY, list, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "theirs"));
	g_assert_null(strstr(out, "roots"));

	const char *destroy[] = { zionctl, "desktop", "destroy", "roots", NULL };
	g_autofree char *out2 = NULL, *err2 = NULL;
	g_assert_cmpint(zt_run_as(agent, NOBODY, destroy, &out2, &err2), ==, 1);
	g_assert_nonnull(strstr(err2, "no desktop called 'roots'"));

	const char *steal[] = { zionctl, "desktop", "create", "--owner=0", "mine", "office", NULL };
	g_autofree char *out3 = NULL, *err3 = NULL;
	g_assert_cmpint(zt_run_as(agent, NOBODY, steal, &out3, &err3), ==, 1);
	g_assert_nonnull(strstr(err3, "only root"));

	const char *own[] = { zionctl, "desktop", "destroy", "theirs", NULL };
	g_autofree char *out4 = NULL, *err4 = NULL;
	g_assert_cmpint(zt_run_as(agent, NOBODY, own, &out4, &err4), ==, 0);
	g_autofree char *printed = listed();
	g_assert_cmpstr(printed, ==, "([('roots', 'office', 0, 'stopped', 0)],)");
	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "roots"), NULL);
}

static void test_records_survive_a_crash(void)
{
	save_persona("office");
	create("kept", "office", NULL);
	zt_agent_crash_and_restart(agent);
	g_autofree char *printed = listed();
	g_assert_cmpstr(printed, ==, "([('kept', 'office', 0, 'stopped', 0)],)");
	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "kept"), NULL);
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/desktops/create-list-destroy", test_create_list_destroy);
	g_test_add_func("/agent/desktops/mistakes", test_mistakes);
	g_test_add_func("/agent/desktops/owners", test_owners);
	g_test_add_func("/agent/desktops/records-survive-a-crash", test_records_survive_a_crash);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
