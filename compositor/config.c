/* Loading compositor.conf: desktops, terminal, keyboard layout and key bindings. */
#include "config.h"

#include <string.h>
#include <wlr/types/wlr_keyboard.h>

#include "persona.h"
#include "zion-error.h"

static const char *const default_bindings[][2] = {
	{ "Super+1", "desktop 1" },
	{ "Super+2", "desktop 2" },
	{ "Super+3", "desktop 3" },
	{ "Super+4", "desktop 4" },
	{ "Super+5", "desktop 5" },
	{ "Super+6", "desktop 6" },
	{ "Super+7", "desktop 7" },
	{ "Super+8", "desktop 8" },
	{ "Super+9", "desktop 9" },
	{ "Super+Tab", "next-window" },
	{ "Super+Shift+Tab", "previous-window" },
	{ "Super+Q", "close" },
	{ "Super+Return", "terminal" },
	{ "Super+Shift+E", "exit" },
};

static const struct {
	const char *name;
	uint32_t modifier;
} modifier_names[] = {
	{ "Super", WLR_MODIFIER_LOGO },
	{ "Shift", WLR_MODIFIER_SHIFT },
	{ "Ctrl", WLR_MODIFIER_CTRL },
	{ "Alt", WLR_MODIFIER_ALT },
};

static const struct {
	const char *name;
	enum zc_action_kind kind;
} action_names[] = {
	{ "desktop", ZC_ACTION_DESKTOP },
	{ "next-window", ZC_ACTION_NEXT_WINDOW },
	{ "previous-window", ZC_ACTION_PREVIOUS_WINDOW },
	{ "close", ZC_ACTION_CLOSE },
	{ "terminal", ZC_ACTION_TERMINAL },
	{ "exit", ZC_ACTION_EXIT },
};

gboolean zc_parse_color(const char *text, float color[4])
{
	if (!text || strlen(text) != 7 || text[0] != '#')
		return FALSE;
	for (int i = 0; i < 3; i++) {
		int high = g_ascii_xdigit_value(text[1 + 2 * i]);
		int low = g_ascii_xdigit_value(text[2 + 2 * i]);
		if (high < 0 || low < 0)
			return FALSE;
		color[i] = (float)(high * 16 + low) / 255.0f;
	}
	color[3] = 1.0f;
	return TRUE;
}

/* "Super+Shift+E" and "close" into a binding; the message says what is wrong. */
static gboolean parse_binding(const char *keys, const char *action, struct zc_binding *binding,
			      GError **error)
{
	g_auto(GStrv) parts = g_strsplit(keys, "+", -1);
	guint n = g_strv_length(parts);
	*binding = (struct zc_binding){ 0 };
	for (guint i = 0; i + 1 < n; i++) {
		gboolean known = FALSE;
		for (gsize m = 0; m < G_N_ELEMENTS(modifier_names); m++) {
			if (g_ascii_strcasecmp(parts[i], modifier_names[m].name) == 0) {
				binding->modifiers |= modifier_names[m].modifier;
				known = TRUE;
			}
		}
		if (!known) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "%s: unknown modifier '%s' (Super, Shift, Ctrl or Alt)", keys,
				    parts[i]);
			return FALSE;
		}
	}
	xkb_keysym_t keysym =
		n ? xkb_keysym_from_name(parts[n - 1], XKB_KEYSYM_CASE_INSENSITIVE) : 0;
	if (keysym == XKB_KEY_NoSymbol) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: unknown key '%s'", keys,
			    n ? parts[n - 1] : "");
		return FALSE;
	}
	binding->keysym = xkb_keysym_to_lower(keysym);

	g_auto(GStrv) words = g_strsplit(action, " ", 2);
	for (gsize a = 0; a < G_N_ELEMENTS(action_names); a++) {
		if (strcmp(words[0], action_names[a].name) != 0)
			continue;
		binding->action = action_names[a].kind;
		if (binding->action != ZC_ACTION_DESKTOP)
			return TRUE;
		guint64 number;
		if (words[1] && g_ascii_string_to_unsigned(words[1], 10, 1, 9, &number, NULL)) {
			binding->argument = (int)number;
			return TRUE;
		}
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s: 'desktop' needs a desktop number from 1 to 9", keys);
		return FALSE;
	}
	g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
		    "%s: unknown action '%s' (desktop N, next-window, previous-window, close, "
		    "terminal, "
		    "exit)",
		    keys, action);
	return FALSE;
}

static void desktop_config_free(struct zc_desktop_config *desktop)
{
	g_free(desktop->name);
	g_free(desktop);
}

void zc_config_free(struct zc_config *config)
{
	if (!config)
		return;
	g_free(config->terminal);
	g_free(config->xkb_layout);
	g_free(config->xkb_options);
	g_ptr_array_unref(config->desktops);
	g_array_unref(config->bindings);
	g_free(config);
}

static gboolean add_binding(struct zc_config *config, const char *path, const char *keys,
			    const char *action, GError **error)
{
	struct zc_binding binding;
	if (!parse_binding(keys, action, &binding, error)) {
		g_prefix_error(error, "%s: [bindings] ", path);
		return FALSE;
	}
	g_array_append_val(config->bindings, binding);
	return TRUE;
}

static gboolean load_desktop(struct zc_config *config, GKeyFile *file, const char *path,
			     const char *group, GError **error)
{
	const char *name = group + strlen("desktop ");
	/* A desktop is an instance of a persona and carries its name. */
	if (!zion_persona_name_is_valid(name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s: [%s]: a desktop name is lowercase letters, digits and inner '-'",
			    path, group);
		return FALSE;
	}
	struct zc_desktop_config *desktop = g_new0(struct zc_desktop_config, 1);
	desktop->name = g_strdup(name);
	g_ptr_array_add(config->desktops, desktop);
	g_autofree char *color = g_key_file_get_string(file, group, "color", NULL);
	if (!zc_parse_color(color ? color : "#3584e4", desktop->color)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s: [%s] color: expected a colour like #3584e4, got \"%s\"", path,
			    group, color);
		return FALSE;
	}
	return TRUE;
}

struct zc_config *zc_config_load(const char *path, GError **error)
{
	struct zc_config *config = g_new0(struct zc_config, 1);
	config->desktops = g_ptr_array_new_with_free_func((GDestroyNotify)desktop_config_free);
	config->bindings = g_array_new(FALSE, FALSE, sizeof(struct zc_binding));
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local) &&
	    !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: %s", path, local->message);
		zc_config_free(config);
		return NULL;
	}
	config->terminal = g_key_file_get_string(file, "compositor", "terminal", NULL);
	config->xkb_layout = g_key_file_get_string(file, "compositor", "xkb-layout", NULL);
	config->xkb_options = g_key_file_get_string(file, "compositor", "xkb-options", NULL);
	if (!config->terminal)
		config->terminal = g_strdup("foot");
	config->overlay_ms = 600;
	if (g_key_file_has_key(file, "compositor", "overlay-ms", NULL)) {
		g_autofree char *text =
			g_key_file_get_string(file, "compositor", "overlay-ms", NULL);
		guint64 ms;
		if (!g_ascii_string_to_unsigned(text, 10, 0, 60000, &ms, NULL)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "%s: [compositor] overlay-ms: expected milliseconds from 0 to "
				    "60000, got \"%s\"",
				    path, text);
			zc_config_free(config);
			return NULL;
		}
		config->overlay_ms = (guint)ms;
	}

	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	for (guint i = 0; groups[i]; i++) {
		if (g_str_has_prefix(groups[i], "desktop ") &&
		    !load_desktop(config, file, path, groups[i], error)) {
			zc_config_free(config);
			return NULL;
		}
	}
	if (config->desktops->len == 0) {
		struct zc_desktop_config *desktop = g_new0(struct zc_desktop_config, 1);
		desktop->name = g_strdup("main");
		zc_parse_color("#3584e4", desktop->color);
		g_ptr_array_add(config->desktops, desktop);
	}

	g_auto(GStrv) keys = g_key_file_get_keys(file, "bindings", NULL, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(default_bindings); i++) {
		/* A binding in the file replaces the default for the same keys. */
		if (keys && g_strv_contains((const char *const *)keys, default_bindings[i][0]))
			continue;
		if (!add_binding(config, "defaults", default_bindings[i][0], default_bindings[i][1],
				 error)) {
			zc_config_free(config);
			return NULL;
		}
	}
	for (guint i = 0; keys && keys[i]; i++) {
		g_autofree char *action = g_key_file_get_string(file, "bindings", keys[i], NULL);
		if (!add_binding(config, path, keys[i], action ? action : "", error)) {
			zc_config_free(config);
			return NULL;
		}
	}
	return config;
}
