/* org.zion.Agent1's persona methods on a private bus: save, list, show, versions, diff, rollback,
 * delete; errors that name file, line and column; who may change the store. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-error.h"
#include "zion-test-agent.h"
#include "zion-test.h"

#define NOBODY 65534

static ZtAgent *agent;

static void save(const char *text, guint expect_version, gboolean expect_created)
{
	g_autoptr(GVariant) reply =
		zt_agent_call(agent, "SavePersona", g_variant_new("(ss)", "test.yaml", text),
			      G_VARIANT_TYPE("(susb)"));
	const char *name, *hash;
	guint version;
	gboolean created;
	g_variant_get(reply, "(&su&sb)", &name, &version, &hash, &created);
	g_assert_cmpuint(version, ==, expect_version);
	g_assert_cmpint(created, ==, expect_created);
	g_assert_cmpuint(strlen(hash), ==, 64);
}

static const char work_v1[] = "schema: zion/v1\nname: work\ndescription: Office\n"
			      "resources:\n  memory: 4G\n";
static const char work_v2[] = "schema: zion/v1\nname: work\ndescription: Office\n"
			      "resources:\n  memory: 6G\n";

static void test_versions_and_rollback(void)
{
	save(work_v1, 1, TRUE);
	save(work_v1, 1, FALSE);
	save(work_v2, 2, TRUE);

	g_autoptr(GVariant) list =
		zt_agent_call(agent, "ListPersonas", NULL, G_VARIANT_TYPE("(a(suss))"));
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('work', 2, '"));
	g_assert_nonnull(strstr(printed, "'Office')"));

	g_autoptr(GVariant) diff =
		zt_agent_call(agent, "DiffPersonas", g_variant_new("(ss)", "work@1", "work@2"),
			      G_VARIANT_TYPE("(as)"));
	g_autoptr(GVariant) lines = g_variant_get_child_value(diff, 0);
	g_assert_cmpuint(g_variant_n_children(lines), ==, 1);
	const char *line;
	g_variant_get_child(lines, 0, "&s", &line);
	g_assert_nonnull(strstr(line, "resources.memory"));
	g_assert_nonnull(strstr(line, "4G"));
	g_assert_nonnull(strstr(line, "6G"));

	g_autoptr(GVariant) rollback =
		zt_agent_call(agent, "RollbackPersona", g_variant_new("(ss)", "work", "1"),
			      G_VARIANT_TYPE("(us)"));
	guint number;
	g_variant_get(rollback, "(u&s)", &number, NULL);
	g_assert_cmpuint(number, ==, 1);
	g_autoptr(GVariant) shown = zt_agent_call(
		agent, "ShowPersona", g_variant_new("(s)", "work"), G_VARIANT_TYPE("(s)"));
	const char *json;
	g_variant_get(shown, "(&s)", &json);
	g_assert_nonnull(strstr(json, "\"memory\": \"4G\""));

	g_autoptr(GVariant) versions =
		zt_agent_call(agent, "PersonaVersions", g_variant_new("(s)", "work"),
			      G_VARIANT_TYPE("(a(usxb))"));
	g_autoptr(GVariant) array = g_variant_get_child_value(versions, 0);
	g_assert_cmpuint(g_variant_n_children(array), ==, 2);
	gboolean current;
	g_variant_get_child(array, 0, "(u&sxb)", &number, NULL, NULL, &current);
	g_assert_true(current);
}

static void test_mistakes_are_named(void)
{
	g_autoptr(GError) error = zt_agent_call_error(
		agent, "SavePersona",
		g_variant_new("(ss)", "typo.yaml",
			      "schema: zion/v1\nname: typo\nresources:\n  memroy: 4G\n"));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "typo.yaml:4:3"));
	g_assert_nonnull(strstr(error->message, "memroy"));

	g_autoptr(GError) missing =
		zt_agent_call_error(agent, "ShowPersona", g_variant_new("(s)", "nosuch"));
	g_assert_error(missing, ZION_ERROR, ZION_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(missing->message, "nosuch"));
}

static void test_delete(void)
{
	save("schema: zion/v1\nname: scratch\n", 1, TRUE);
	zt_agent_do(agent, "DeletePersona", g_variant_new("(s)", "scratch"), NULL);
	g_autoptr(GError) error =
		zt_agent_call_error(agent, "ShowPersona", g_variant_new("(s)", "scratch"));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND);
	/* Saved again, it starts over at version 1. */
	save("schema: zion/v1\nname: scratch\ndescription: again\n", 1, TRUE);
}

/* An ordinary user reads the store but may not change it (no polkit on a private bus). */
static void test_users_read_but_do_not_write(void)
{
	save(work_v2, 3, TRUE);
	g_autofree char *zionctl =
		g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent", "zionctl", NULL);
	g_autofree char *out = NULL, *err = NULL;
	const char *list[] = { zionctl, "persona", "list", NULL };
	g_assert_cmpint(zt_run_as(agent, NOBODY, list, &out, &err), ==, 0);
	g_assert_nonnull(strstr(out, "work"));

	g_autofree char *dir = g_strdup(zt_temp_dir());
	g_autofree char *file = zt_write_file(dir, "mine.yaml", "schema: zion/v1\nname: mine\n");
	g_assert_cmpint(chmod(dir, 0755), ==, 0);
	g_assert_cmpint(chmod(file, 0644), ==, 0);
	const char *write[] = { zionctl, "persona", "save", file, NULL };
	g_autofree char *out2 = NULL, *err2 = NULL;
	g_assert_cmpint(zt_run_as(agent, NOBODY, write, &out2, &err2), ==, 1);
	g_assert_nonnull(strstr(err2, "may not change"));
	g_autoptr(GError) error =
		zt_agent_call_error(agent, "ShowPersona", g_variant_new("(s)", "mine"));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND);
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/personas/versions-and-rollback", test_versions_and_rollback);
	g_test_add_func("/agent/personas/mistakes-are-named", test_mistakes_are_named);
	g_test_add_func("/agent/personas/delete", test_delete);
	g_test_add_func("/agent/personas/users-read-but-do-not-write",
			test_users_read_but_do_not_write);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
