/* Loading compositor.conf: desktops, terminal, keyboard layout and key bindings. */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <wlr/types/wlr_keyboard.h>

#include "persona.h"
#include "schema.h"
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
	{ "Super+Shift+C", "clipboard-copy" },
	{ "Super+Shift+V", "clipboard-paste" },
	{ "Super+H", "hibernate" },
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
	{ "clipboard-copy", ZC_ACTION_CLIPBOARD_COPY },
	{ "clipboard-paste", ZC_ACTION_CLIPBOARD_PASTE },
	{ "hibernate", ZC_ACTION_HIBERNATE },
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

/* The file being read: its path and text, to name the line of a bad group or key. */
struct source {
	const char *path;
	const char *text;
};

/* The 1-based line of [group] or, with key, of key= inside it; 0 when not found. */
static int find_line(const struct source *source, const char *group, const char *key)
{
	if (!source->text)
		return 0;
	g_auto(GStrv) lines = g_strsplit(source->text, "\n", -1);
	gboolean in_group = FALSE;
	for (int i = 0; lines[i]; i++) {
		g_autofree char *line = g_strstrip(g_strdup(lines[i]));
		if (line[0] == '[') {
			g_autofree char *header = g_strdup_printf("[%s]", group);
			in_group = strcmp(line, header) == 0;
			if (in_group && !key)
				return i + 1;
			continue;
		}
		if (!in_group || !key || !g_str_has_prefix(line, key))
			continue;
		const char *rest = line + strlen(key);
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest == '=')
			return i + 1;
	}
	return 0;
}

/* Fails with "PATH:LINE: [group] key: message" (the line when it can be found). */
static gboolean fail(GError **error, const struct source *source, const char *group,
		     const char *key, const char *format, ...) G_GNUC_PRINTF(5, 6);
static gboolean fail(GError **error, const struct source *source, const char *group,
		     const char *key, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	g_autofree char *message = g_strdup_vprintf(format, args);
	va_end(args);
	int line = find_line(source, group, key);
	g_autofree char *place =
		line ? g_strdup_printf("%s:%d", source->path, line) : g_strdup(source->path);
	g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: [%s]%s%s: %s", place, group,
		    key ? " " : "", key ? key : "", message);
	return FALSE;
}

/* Refuses keys of group outside allowed, suggesting the closest. */
static gboolean check_keys(GKeyFile *file, const struct source *source, const char *group,
			   const char *const *allowed, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(file, group, NULL, NULL);
	for (guint i = 0; keys && keys[i]; i++) {
		if (g_strv_contains(allowed, keys[i]))
			continue;
		const char *suggestion = zion_schema_suggest(keys[i], allowed);
		g_autofree char *allowed_text = g_strjoinv(", ", (char **)allowed);
		if (suggestion)
			return fail(error, source, group, keys[i], "unknown key; did you mean %s?",
				    suggestion);
		return fail(error, source, group, keys[i], "unknown key (known: %s)", allowed_text);
	}
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
				    "unknown modifier '%s' (Super, Shift, Ctrl or Alt)", parts[i]);
			return FALSE;
		}
	}
	xkb_keysym_t keysym =
		n ? xkb_keysym_from_name(parts[n - 1], XKB_KEYSYM_CASE_INSENSITIVE) : 0;
	if (keysym == XKB_KEY_NoSymbol) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "unknown key '%s'",
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
			    "'desktop' needs a desktop number from 1 to 9");
		return FALSE;
	}
	g_set_error(
		error, ZION_ERROR, ZION_ERROR_INVALID,
		"unknown action '%s' (desktop N, next-window, previous-window, close, terminal, "
		"clipboard-copy, clipboard-paste, exit)",
		action);
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

/* Adds a binding, replacing one for the same keys (however they were spelled). */
static gboolean add_binding(struct zc_config *config, const struct source *source, const char *keys,
			    const char *action, GError **error)
{
	struct zc_binding binding;
	g_autoptr(GError) local = NULL;
	if (!parse_binding(keys, action, &binding, &local))
		return fail(error, source, "bindings", keys, "%s", local->message);
	for (guint i = 0; i < config->bindings->len; i++) {
		struct zc_binding *old = &g_array_index(config->bindings, struct zc_binding, i);
		if (old->modifiers == binding.modifiers && old->keysym == binding.keysym) {
			*old = binding;
			return TRUE;
		}
	}
	g_array_append_val(config->bindings, binding);
	return TRUE;
}

static gboolean load_desktop(struct zc_config *config, GKeyFile *file, const struct source *source,
			     const char *group, GError **error)
{
	static const char *const keys[] = { "color", "xwayland", NULL };
	const char *name = group + strlen("desktop ");
	/* A desktop is an instance of a persona and carries its name. */
	if (!zion_persona_name_is_valid(name))
		return fail(error, source, group, NULL,
			    "a desktop name is lowercase letters, digits and inner '-'");
	if (!check_keys(file, source, group, keys, error))
		return FALSE;
	struct zc_desktop_config *desktop = g_new0(struct zc_desktop_config, 1);
	desktop->name = g_strdup(name);
	g_ptr_array_add(config->desktops, desktop);
	g_autofree char *color = g_key_file_get_string(file, group, "color", NULL);
	if (!zc_parse_color(color ? color : "#3584e4", desktop->color))
		return fail(error, source, group, "color",
			    "expected a colour like #3584e4, got \"%s\"", color);
	if (g_key_file_has_key(file, group, "xwayland", NULL)) {
		g_autofree char *text = g_key_file_get_string(file, group, "xwayland", NULL);
		if (g_strcmp0(text, "true") == 0)
			desktop->xwayland = TRUE;
		else if (g_strcmp0(text, "false") != 0)
			return fail(error, source, group, "xwayland",
				    "expected true or false, got \"%s\"", text);
	}
	return TRUE;
}

static gboolean load_compositor(struct zc_config *config, GKeyFile *file,
				const struct source *source, GError **error)
{
	static const char *const keys[] = { "terminal", "xkb-layout", "xkb-options", "overlay-ms",
					    NULL };
	if (!check_keys(file, source, "compositor", keys, error))
		return FALSE;
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
		if (!g_ascii_string_to_unsigned(text, 10, 0, 60000, &ms, NULL))
			return fail(error, source, "compositor", "overlay-ms",
				    "expected milliseconds from 0 to 60000, got \"%s\"", text);
		config->overlay_ms = (guint)ms;
	}
	return TRUE;
}

static gboolean load_bindings(struct zc_config *config, GKeyFile *file, const struct source *source,
			      GError **error)
{
	const struct source defaults = { .path = "default bindings" };
	for (gsize i = 0; i < G_N_ELEMENTS(default_bindings); i++) {
		if (!add_binding(config, &defaults, default_bindings[i][0], default_bindings[i][1],
				 error))
			return FALSE;
	}
	/* The file's bindings replace the defaults for the same keys. */
	g_auto(GStrv) keys = g_key_file_get_keys(file, "bindings", NULL, NULL);
	for (guint i = 0; keys && keys[i]; i++) {
		g_autofree char *action = g_key_file_get_string(file, "bindings", keys[i], NULL);
		if (!add_binding(config, source, keys[i], action ? action : "", error))
			return FALSE;
	}
	return TRUE;
}

static gboolean load(struct zc_config *config, GKeyFile *file, const struct source *source,
		     GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	for (guint i = 0; groups[i]; i++) {
		if (g_str_has_prefix(groups[i], "desktop ")) {
			if (!load_desktop(config, file, source, groups[i], error))
				return FALSE;
		} else if (strcmp(groups[i], "compositor") != 0 &&
			   strcmp(groups[i], "bindings") != 0) {
			return fail(error, source, groups[i], NULL,
				    "unknown group (compositor, desktop NAME, bindings)");
		}
	}
	if (!load_compositor(config, file, source, error))
		return FALSE;
	if (config->desktops->len == 0) {
		struct zc_desktop_config *desktop = g_new0(struct zc_desktop_config, 1);
		desktop->name = g_strdup("main");
		zc_parse_color("#3584e4", desktop->color);
		g_ptr_array_add(config->desktops, desktop);
	}
	return load_bindings(config, file, source, error);
}

struct zc_config *zc_config_load(const char *path, GError **error)
{
	struct zc_config *config = g_new0(struct zc_config, 1);
	config->desktops = g_ptr_array_new_with_free_func((GDestroyNotify)desktop_config_free);
	config->bindings = g_array_new(FALSE, FALSE, sizeof(struct zc_binding));
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;
	if (!g_file_get_contents(path, &text, NULL, &local) &&
	    !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: %s", path, local->message);
		zc_config_free(config);
		return NULL;
	}
	if (text && !g_key_file_load_from_data(file, text, -1, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "%s: %s", path, local->message);
		zc_config_free(config);
		return NULL;
	}
	const struct source source = { .path = path, .text = text };
	if (!load(config, file, &source, error)) {
		zc_config_free(config);
		return NULL;
	}
	return config;
}

const struct zc_desktop_config *zc_config_find_desktop(const struct zc_config *config,
						       const char *name)
{
	for (guint i = 0; i < config->desktops->len; i++) {
		const struct zc_desktop_config *desktop = g_ptr_array_index(config->desktops, i);
		if (g_strcmp0(desktop->name, name) == 0)
			return desktop;
	}
	return NULL;
}
