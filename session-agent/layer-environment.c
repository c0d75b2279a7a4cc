/*
 * The environment step: the persona's variables in /etc/environment (read by PAM for every
 * session) and /etc/profile.d/zion-persona.sh (read by login shells), quoted for each.
 */
#include <string.h>

#include "layer-internal.h"
#include "zion-error.h"

/* pam_env takes KEY=VALUE with optional double quotes and no escapes. */
static gboolean pam_can_hold(const char *value)
{
	return !strpbrk(value, "\"\\\n");
}

gboolean zion_layer_apply_environment(ZionLayerBuild *build, GError **error)
{
	GHashTable *env = build->persona->env;
	if (g_hash_table_size(env) == 0) {
		zion_layer_log(build, "  no variables");
		return TRUE;
	}
	g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(env), (GCompareFunc)strcmp);
	/* The base's own lines stay, unless the persona sets the same variable. */
	g_autofree char *base = zion_layer_read(build, "/etc/environment", error);
	if (!base && error && *error)
		return FALSE;
	g_autoptr(GString) environment = g_string_new("");
	g_auto(GStrv) lines = g_strsplit(base ? base : "", "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		const char *line = lines[i];
		if (g_str_has_prefix(line, "export "))
			line += strlen("export ");
		const char *equals = strchr(line, '=');
		g_autofree char *name = equals ? g_strndup(line, (gsize)(equals - line)) : NULL;
		if (*lines[i] && !(name && g_hash_table_contains(env, name)))
			g_string_append_printf(environment, "%s\n", lines[i]);
	}
	g_autoptr(GString) profile = g_string_new("# The environment of persona ");
	g_string_append_printf(profile, "%s, made by Zion.\n", build->persona->name);
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		const char *value = g_hash_table_lookup(env, name);
		g_autofree char *quoted = g_shell_quote(value);
		g_string_append_printf(profile, "export %s=%s\n", name, quoted);
		if (pam_can_hold(value))
			g_string_append_printf(environment, "%s=\"%s\"\n", name, value);
		else
			zion_layer_log(build,
				       "  %s: only in profile.d (PAM cannot quote its value)",
				       name);
	}
	zion_layer_log(build, "  %u variables", g_hash_table_size(env));
	return zion_layer_replace(build, "/etc/environment", environment->str, 0644, error) &&
	       zion_layer_write(build, "/etc/profile.d/zion-persona.sh", profile->str, 0644, 0, 0,
				error);
}
