/* The persona's life cycle, loading, identity (canonical JSON and hash) and the units its fields
 * use. */
#include "persona.h"

#include <string.h>

#include "canonical-json.h"

const char *const zion_network_mode_names[] = { "none", "nat", "host", NULL };
const char *const zion_firewall_action_names[] = { "allow", "deny", NULL };
const char *const zion_direction_names[] = { "in", "out", NULL };
const char *const zion_proto_names[] = { "tcp", "udp", "icmp", "any", NULL };

static void user_free(ZionPersonaUser *user)
{
	g_free(user->name);
	g_strfreev(user->groups);
	g_free(user->shell);
	g_free(user);
}

static void rule_free(ZionFirewallRule *rule)
{
	g_free(rule->address);
	g_free(rule);
}

static void schedule_free(ZionScheduleEntry *entry)
{
	g_free(entry->name);
	g_free(entry->calendar);
	g_free(entry->command);
	g_free(entry);
}

static void file_free(ZionPersonaFile *file)
{
	g_free(file->path);
	g_free(file->content);
	g_free(file->owner);
	g_free(file->group);
	g_free(file);
}

ZionPersona *zion_persona_new(void)
{
	ZionPersona *p = g_new0(ZionPersona, 1);
	p->description = g_strdup("");
	p->base = g_strdup("host");
	p->appearance.color = g_strdup("#3584e4");
	p->appearance.interface_font = g_strdup("sans-serif");
	p->appearance.monospace_font = g_strdup("monospace");
	p->appearance.font_size = 11;
	p->resources.cpu_weight = 100;
	p->resources.io_weight = 100;
	p->users = g_ptr_array_new_with_free_func((GDestroyNotify)user_free);
	p->packages.install = g_new0(char *, 1);
	p->packages.remove = g_new0(char *, 1);
	p->network.dns = g_new0(char *, 1);
	p->firewall.incoming = ZION_FIREWALL_DENY;
	p->firewall.outgoing = ZION_FIREWALL_ALLOW;
	p->firewall.rules = g_ptr_array_new_with_free_func((GDestroyNotify)rule_free);
	p->schedule = g_ptr_array_new_with_free_func((GDestroyNotify)schedule_free);
	p->env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	p->files = g_ptr_array_new_with_free_func((GDestroyNotify)file_free);
	p->storage.shared = TRUE;
	p->storage.private_home = TRUE;
	p->autostart = g_new0(char *, 1);
	p->sessions = g_new0(char *, 1);
	return p;
}

void zion_persona_free(ZionPersona *p)
{
	if (!p)
		return;
	g_free(p->name);
	g_free(p->description);
	g_free(p->base);
	g_free(p->appearance.color);
	g_free(p->appearance.wallpaper);
	g_free(p->appearance.interface_font);
	g_free(p->appearance.monospace_font);
	g_ptr_array_unref(p->users);
	g_strfreev(p->packages.install);
	g_strfreev(p->packages.remove);
	g_free(p->network.hostname);
	g_strfreev(p->network.dns);
	g_ptr_array_unref(p->firewall.rules);
	g_ptr_array_unref(p->schedule);
	g_hash_table_unref(p->env);
	g_ptr_array_unref(p->files);
	g_strfreev(p->autostart);
	g_strfreev(p->sessions);
	g_free(p);
}

gboolean zion_persona_name_is_valid(const char *name)
{
	return g_regex_match_simple("^(?:" ZION_PERSONA_NAME_PATTERN ")$", name,
				    G_REGEX_DOLLAR_ENDONLY, 0);
}

ZionPersonaUser *zion_persona_user_new(void)
{
	ZionPersonaUser *user = g_new0(ZionPersonaUser, 1);
	user->uid = -1;
	user->shell = g_strdup("/bin/sh");
	user->groups = g_new0(char *, 1);
	return user;
}

ZionPersonaFile *zion_persona_file_new(void)
{
	ZionPersonaFile *file = g_new0(ZionPersonaFile, 1);
	file->mode = 0644;
	file->owner = g_strdup("root");
	file->group = g_strdup("root");
	return file;
}

ZionPersona *zion_persona_load_data(const char *file, const char *data, gsize size, GError **error)
{
	g_autoptr(ZionNode) root = zion_node_parse(file, data, size, error);
	return root ? zion_persona_from_node(file, root, error) : NULL;
}

ZionPersona *zion_persona_load_file(const char *path, GError **error)
{
	g_autoptr(ZionNode) root = zion_node_parse_file(path, error);
	return root ? zion_persona_from_node(path, root, error) : NULL;
}

char *zion_persona_canonical_json(const ZionPersona *persona)
{
	g_autoptr(ZionNode) node = zion_persona_to_node(persona);
	return zion_canonical_json(node);
}

char *zion_persona_hash(const ZionPersona *persona)
{
	g_autofree char *json = zion_persona_canonical_json(persona);
	return zion_sha256_hex(json);
}

static const struct {
	char suffix;
	guint64 factor;
} size_units[] = {
	{ 'T', 1ULL << 40 },
	{ 'G', 1ULL << 30 },
	{ 'M', 1ULL << 20 },
	{ 'K', 1ULL << 10 },
};

/* Sizes stay below 2^50 bytes (a pebibyte) so that they survive JSON and arithmetic. */
#define SIZE_MAX_BYTES (1ULL << 50)

gboolean zion_parse_size(const char *text, guint64 *bytes)
{
	const char *p = text;
	guint64 value = 0;
	if (!g_ascii_isdigit(*p))
		return FALSE;
	for (; g_ascii_isdigit(*p); p++) {
		value = value * 10 + (guint64)(*p - '0');
		if (value > SIZE_MAX_BYTES)
			return FALSE;
	}
	guint64 factor = 1;
	for (gsize i = 0; i < G_N_ELEMENTS(size_units); i++) {
		if (*p == size_units[i].suffix) {
			factor = size_units[i].factor;
			p++;
			if (strcmp(p, "iB") == 0)
				p += 2;
			break;
		}
	}
	if (*p != '\0' || value > SIZE_MAX_BYTES / factor)
		return FALSE;
	*bytes = value * factor;
	return TRUE;
}

char *zion_format_size(guint64 bytes)
{
	for (gsize i = 0; i < G_N_ELEMENTS(size_units); i++) {
		if (bytes >= size_units[i].factor && bytes % size_units[i].factor == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "%c",
					       bytes / size_units[i].factor, size_units[i].suffix);
	}
	return g_strdup_printf("%" G_GUINT64_FORMAT, bytes);
}

static const struct {
	char suffix;
	guint64 seconds;
} duration_units[] = {
	{ 'w', 7 * 24 * 3600 }, { 'd', 24 * 3600 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

gboolean zion_parse_duration(const char *text, guint64 *seconds)
{
	gsize n = strlen(text);
	if (n < 2 || n > 12)
		return FALSE;
	guint64 value;
	g_autofree char *number = g_strndup(text, n - 1);
	if (!g_ascii_string_to_unsigned(number, 10, 1, G_MAXUINT32, &value, NULL))
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS(duration_units); i++) {
		if (text[n - 1] == duration_units[i].suffix) {
			*seconds = value * duration_units[i].seconds;
			return TRUE;
		}
	}
	return FALSE;
}

char *zion_format_duration(guint64 seconds)
{
	for (gsize i = 0; i < G_N_ELEMENTS(duration_units); i++) {
		if (seconds % duration_units[i].seconds == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "%c",
					       seconds / duration_units[i].seconds,
					       duration_units[i].suffix);
	}
	g_assert_not_reached();
}
