/* Field-by-field differences between persona trees, as zionctl persona diff prints them. */
#include <string.h>

#include "persona.h"
#include "tree-diff.h"

static ZionNode *persona_tree(const char *body)
{
	g_autofree char *yaml = g_strconcat("schema: zion/v1\nname: t\n", body, NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona =
		zion_persona_load_data("t.yaml", yaml, strlen(yaml), &error);
	g_assert_no_error(error);
	return zion_persona_to_node(persona);
}

/* The diff from a to b, one formatted change a line. */
static char *diff(const char *a, const char *b)
{
	g_autoptr(ZionNode) ta = persona_tree(a);
	g_autoptr(ZionNode) tb = persona_tree(b);
	g_autoptr(GPtrArray) changes = zion_tree_diff(ta, tb);
	GString *out = g_string_new(NULL);
	for (guint i = 0; i < changes->len; i++) {
		g_autofree char *line = zion_tree_change_format(g_ptr_array_index(changes, i));
		g_string_append_printf(out, "%s\n", line);
	}
	return g_string_free(out, FALSE);
}

static void test_identical(void)
{
	g_autofree char *d = diff("resources: {memory: 1G}\n", "resources: {memory: 1024M}\n");
	g_assert_cmpstr(d, ==, "");
}

static void test_scalars(void)
{
	g_autofree char *d =
		diff("resources: {memory: 1G, cpus: 2}\n", "resources: {memory: 2G, cpus: 0.5}\n");
	g_assert_cmpstr(d, ==,
			"~ resources.cpus: 2 -> 0.5\n~ resources.memory: \"1G\" -> \"2G\"\n");
}

static void test_named_items(void)
{
	g_autofree char *d = diff("users: [{name: ann, shell: /bin/sh}, {name: bob}]\n",
				  "users: [{name: cat}, {name: ann, shell: /bin/bash}]\n");
	g_assert_cmpstr(d, ==,
			"~ users[ann].shell: \"/bin/sh\" -> \"/bin/bash\"\n"
			"- users[bob]: "
			"{\"groups\":[],\"name\":\"bob\",\"shell\":\"/bin/"
			"sh\",\"sudo\":false,\"uid\":null}\n"
			"+ users[cat]: "
			"{\"groups\":[],\"name\":\"cat\",\"shell\":\"/bin/"
			"sh\",\"sudo\":false,\"uid\":null}\n");
}

static void test_files_by_path(void)
{
	g_autofree char *d = diff("files: [{path: /a, content: x}, {path: /b, content: y}]\n",
				  "files: [{path: /b, content: z}, {path: /a, content: x}]\n");
	g_assert_cmpstr(d, ==, "~ files[/b].content: \"y\" -> \"z\"\n");
}

static void test_value_lists(void)
{
	g_autofree char *d =
		diff("packages: {install: [vim, git]}\n", "packages: {install: [git, htop]}\n");
	g_assert_cmpstr(d, ==, "- packages.install: \"vim\"\n+ packages.install: \"htop\"\n");
	g_autofree char *order = diff("autostart: [a, b]\n", "autostart: [b, a]\n");
	g_assert_cmpstr(order, ==, "~ autostart: [\"a\",\"b\"] -> [\"b\",\"a\"]\n");
}

static void test_rules_by_position(void)
{
	g_autofree char *d = diff(
		"firewall: {rules: [{action: allow, port: 22}]}\n",
		"firewall: {rules: [{action: deny, port: 22}, {action: allow, proto: icmp}]}\n");
	g_assert_cmpstr(
		d, ==,
		"~ firewall.rules[0].action: \"allow\" -> \"deny\"\n"
		"+ firewall.rules[1]: {\"action\":\"allow\",\"address\":null,\"direction\":\"in\","
		"\"port\":null,\"proto\":\"icmp\"}\n");
}

static void test_env(void)
{
	g_autofree char *d = diff("env: {A: '1', B: '2'}\n", "env: {B: '3', C: '4'}\n");
	g_assert_cmpstr(d, ==, "- env.A: \"1\"\n~ env.B: \"2\" -> \"3\"\n+ env.C: \"4\"\n");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/diff/identical", test_identical);
	g_test_add_func("/diff/scalars", test_scalars);
	g_test_add_func("/diff/named-items", test_named_items);
	g_test_add_func("/diff/files-by-path", test_files_by_path);
	g_test_add_func("/diff/value-lists", test_value_lists);
	g_test_add_func("/diff/rules-by-position", test_rules_by_position);
	g_test_add_func("/diff/env", test_env);
	return g_test_run();
}
