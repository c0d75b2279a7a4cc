/* Reads a persona from a ZionNode tree, checking every field against schema zion/v1. */
#include <string.h>

#include "persona.h"
#include "safe-path.h"
#include "schema.h"
#include "zion-error.h"

#define NAME_WHAT                                                                                  \
	"a name of lowercase letters, digits and '-' (at most 32, not starting or ending with "    \
	"'-')"
#define IMAGE_PATTERN "[a-z0-9][a-z0-9._-]{0,63}"
#define ACCOUNT_PATTERN "[a-z_][a-z0-9_-]{0,31}"
#define ACCOUNT_WHAT "an account name of lowercase letters, digits, '_' and '-' (at most 32)"
#define PACKAGE_PATTERN "[a-z0-9][a-z0-9+.-]+"
#define HOSTNAME_PATTERN "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#define ENV_PATTERN "[A-Za-z_][A-Za-z0-9_]*"
#define WEEKDAY "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
#define CALENDAR_NUMBERS(n) "(\\*|" n "(," n ")*|" n "/[0-9]{1,2})"
#define CALENDAR_PATTERN                                                                               \
	"(minutely|hourly|daily|weekly|monthly|yearly)|"                                               \
	"(" WEEKDAY "((\\.\\.|,)" WEEKDAY ")* )?"                                                      \
	"(" CALENDAR_NUMBERS("[0-9]{4}") "-" CALENDAR_NUMBERS("[0-9]{1,2}") "-" CALENDAR_NUMBERS(      \
		"[0-9]{1,2}") " )?" CALENDAR_NUMBERS("([01]?[0-9]|2[0-3])") ":" CALENDAR_NUMBERS("[0-" \
												 "5]?" \
												 "[0-" \
												 "9]") "(:[0-5]?[0-9])?"
#define CALENDAR_WHAT "a calendar like daily, Mon..Fri 09:00 or *-*-01 03:30"

/* Variables Zion sets in every desktop; a persona cannot override them. */
static const char *const reserved_env[] = { "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "ZION_DESKTOP",
					    NULL };

/* Replaces *slot with a freshly read string. */
static gboolean read_string(ZionSchema *s, const ZionNode *node, const char *path, char **slot)
{
	char *value = NULL;
	if (!zion_schema_string(s, node, path, &value))
		return FALSE;
	g_free(*slot);
	*slot = value;
	return TRUE;
}

static gboolean read_match(ZionSchema *s, const ZionNode *node, const char *path,
			   const char *pattern, const char *what, char **slot)
{
	char *value = NULL;
	if (!zion_schema_match(s, node, path, pattern, what, &value))
		return FALSE;
	g_free(*slot);
	*slot = value;
	return TRUE;
}

static gboolean read_list(ZionSchema *s, const ZionNode *node, const char *path, char ***slot)
{
	char **value = NULL;
	if (!zion_schema_string_list(s, node, path, &value))
		return FALSE;
	g_strfreev(*slot);
	*slot = value;
	return TRUE;
}

static gboolean read_uint(ZionSchema *s, const ZionNode *node, const char *path, gint64 min,
			  gint64 max, guint *slot)
{
	gint64 value;
	if (!zion_schema_int(s, node, path, min, max, &value))
		return FALSE;
	*slot = (guint)value;
	return TRUE;
}

/* Each item of a list matches pattern, and none appears twice. */
static gboolean read_unique_list(ZionSchema *s, const ZionNode *node, const char *path,
				 const char *pattern, const char *what, char ***slot)
{
	if (!read_list(s, node, path, slot))
		return FALSE;
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; (*slot)[i]; i++) {
		g_autofree char *item_path = zion_schema_path_index(path, i);
		g_autofree char *ignored = NULL;
		const ZionNode *item = zion_node_item(node, i);
		if (!zion_schema_match(s, item, item_path, pattern, what, &ignored))
			return FALSE;
		if (!g_hash_table_add(seen, (*slot)[i]))
			return zion_schema_fail(s, item, item_path, "'%s' is listed twice",
						(*slot)[i]);
	}
	return TRUE;
}

/* The value of each key of a mapping that is not null (null means the default), with its field
 * path. */
#define FOR_EACH_FIELD(mapping, parent, key, value, path)                                          \
	for (guint i_ = 0; i_ < zion_node_length(mapping); i_++)                                   \
		for (const char *key = zion_node_key(mapping, i_)->text; key; key = NULL)          \
			for (const ZionNode *value = zion_node_value(mapping, i_);                 \
			     value && !zion_node_is_null(value); value = NULL)                     \
				for (g_autofree char *path = zion_schema_path(parent, key); path;  \
				     g_free(path), path = NULL)

/* The value of key unless it is missing or null. */
static const ZionNode *lookup_set(const ZionNode *mapping, const char *key)
{
	const ZionNode *value = zion_node_lookup(mapping, key);
	return value && !zion_node_is_null(value) ? value : NULL;
}

static gboolean open_mapping(ZionSchema *s, const ZionNode *node, const char *path,
			     const char *const *keys)
{
	return zion_schema_expect_kind(s, node, path, ZION_NODE_MAPPING) &&
	       zion_schema_check_keys(s, node, path, keys);
}

static gboolean decode_fonts(ZionSchema *s, const ZionNode *node, const char *parent,
			     ZionPersona *p)
{
	static const char *const keys[] = { "interface", "monospace", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		char **slot = strcmp(key, "interface") == 0 ? &p->appearance.interface_font
							    : &p->appearance.monospace_font;
		if (!read_match(s, value, path, "[^,\"]{1,64}", "a font family name", slot))
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_appearance(ZionSchema *s, const ZionNode *node, const char *parent,
				  ZionPersona *p)
{
	static const char *const keys[] = { "color", "wallpaper", "fonts", "font_size", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "color") == 0) {
			ok = read_match(s, value, path, "#[0-9a-fA-F]{6}", "a colour like #3584e4",
					&p->appearance.color);
			if (ok) {
				char *lower = g_ascii_strdown(p->appearance.color, -1);
				g_free(p->appearance.color);
				p->appearance.color = lower;
			}
		} else if (strcmp(key, "wallpaper") == 0) {
			ok = read_string(s, value, path, &p->appearance.wallpaper);
			const char *problem =
				ok ? zion_path_problem(p->appearance.wallpaper) : NULL;
			if (problem)
				ok = zion_schema_fail(s, value, path, "the path %s", problem);
		} else if (strcmp(key, "fonts") == 0) {
			ok = decode_fonts(s, value, path, p);
		} else {
			ok = read_uint(s, value, path, 6, 72, &p->appearance.font_size);
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* A CPU count with at most three decimals, in thousandths. */
static gboolean read_cpus(ZionSchema *s, const ZionNode *node, const char *path, guint *milli)
{
	g_autofree char *text = NULL;
	if (node->kind == ZION_NODE_SCALAR && !node->quoted &&
	    zion_schema_match(s, node, path, "[0-9]{1,4}(\\.[0-9]{1,3})?",
			      "a number of CPUs like 2 or 1.5", &text)) {
		g_auto(GStrv) parts = g_strsplit(text, ".", 2);
		guint64 whole = g_ascii_strtoull(parts[0], NULL, 10);
		guint64 fraction = 0;
		if (parts[1]) {
			char padded[4] = "000";
			memcpy(padded, parts[1], strlen(parts[1]));
			fraction = g_ascii_strtoull(padded, NULL, 10);
		}
		guint64 value = whole * 1000 + fraction;
		if (value == 0 || value > 1024 * 1000)
			return zion_schema_fail(s, node, path,
						"expected between 0.001 and 1024 CPUs, got %s",
						text);
		*milli = (guint)value;
		return TRUE;
	}
	g_clear_error(s->error);
	g_autofree char *got = zion_schema_describe(node);
	return zion_schema_fail(s, node, path, "expected a number of CPUs like 2 or 1.5, got %s",
				got);
}

static gboolean decode_resources(ZionSchema *s, const ZionNode *node, const char *parent,
				 ZionPersona *p)
{
	static const char *const keys[] = { "cpus", "cpu_weight", "memory",
					    "pids", "io_weight",  NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "cpus") == 0) {
			ok = read_cpus(s, value, path, &p->resources.cpus_milli);
		} else if (strcmp(key, "cpu_weight") == 0) {
			ok = read_uint(s, value, path, 1, 10000, &p->resources.cpu_weight);
		} else if (strcmp(key, "io_weight") == 0) {
			ok = read_uint(s, value, path, 1, 10000, &p->resources.io_weight);
		} else if (strcmp(key, "pids") == 0) {
			ok = read_uint(s, value, path, 16, 4194304, &p->resources.pids);
		} else {
			guint64 bytes = 0;
			if (value->kind != ZION_NODE_SCALAR ||
			    !zion_parse_size(value->text, &bytes)) {
				g_autofree char *got = zion_schema_describe(value);
				return zion_schema_fail(s, value, path,
							"expected a size like 4G, got %s", got);
			}
			if (bytes < 16 * 1024 * 1024)
				return zion_schema_fail(s, value, path,
							"%s is less than the 16M a desktop needs",
							value->text);
			p->resources.memory = bytes;
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_devices(ZionSchema *s, const ZionNode *node, const char *parent,
			       ZionPersona *p)
{
	static const char *const keys[] = { "gpu", "audio", "camera", "usb", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean *slot = strcmp(key, "gpu") == 0      ? &p->devices.gpu
				 : strcmp(key, "audio") == 0  ? &p->devices.audio
				 : strcmp(key, "camera") == 0 ? &p->devices.camera
							      : &p->devices.usb;
		if (!zion_schema_bool(s, value, path, slot))
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_user(ZionSchema *s, const ZionNode *node, const char *parent,
			    ZionPersonaUser *user)
{
	static const char *const keys[] = { "name", "uid", "groups", "shell", "sudo", NULL };
	if (!open_mapping(s, node, parent, keys) || !zion_schema_require(s, node, parent, "name"))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "name") == 0) {
			ok = read_match(s, value, path, ACCOUNT_PATTERN, ACCOUNT_WHAT, &user->name);
			if (ok && strcmp(user->name, "root") == 0)
				ok = zion_schema_fail(
					s, value, path,
					"root is part of every base; add an account of your own");
		} else if (strcmp(key, "uid") == 0) {
			ok = zion_schema_int(s, value, path, 1000, 60000, &user->uid);
		} else if (strcmp(key, "groups") == 0) {
			ok = read_unique_list(s, value, path, ACCOUNT_PATTERN, "a group name",
					      &user->groups);
		} else if (strcmp(key, "shell") == 0) {
			ok = read_string(s, value, path, &user->shell);
			const char *problem = ok ? zion_path_problem(user->shell) : NULL;
			if (problem)
				ok = zion_schema_fail(s, value, path, "the path %s", problem);
		} else {
			ok = zion_schema_bool(s, value, path, &user->sudo);
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_users(ZionSchema *s, const ZionNode *node, const char *parent,
			     ZionPersona *p)
{
	if (!zion_schema_expect_kind(s, node, parent, ZION_NODE_SEQUENCE))
		return FALSE;
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) uids = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (guint i = 0; i < zion_node_length(node); i++) {
		const ZionNode *item = zion_node_item(node, i);
		g_autofree char *path = zion_schema_path_index(parent, i);
		ZionPersonaUser *user = zion_persona_user_new();
		g_ptr_array_add(p->users, user);
		if (!decode_user(s, item, path, user))
			return FALSE;
		const ZionPersonaUser *other = g_hash_table_lookup(names, user->name);
		if (other)
			return zion_schema_fail(s, item, path, "user '%s' is defined twice",
						user->name);
		g_hash_table_insert(names, user->name, user);
		other = user->uid >= 0 ? g_hash_table_lookup(uids, &user->uid) : NULL;
		if (other)
			return zion_schema_fail(s, item, path,
						"uid %" G_GINT64_FORMAT " is also %s's", user->uid,
						other->name);
		if (user->uid >= 0)
			g_hash_table_insert(uids, &user->uid, user);
	}
	return TRUE;
}

static gboolean decode_packages(ZionSchema *s, const ZionNode *node, const char *parent,
				ZionPersona *p)
{
	static const char *const keys[] = { "install", "remove", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		char ***slot =
			strcmp(key, "install") == 0 ? &p->packages.install : &p->packages.remove;
		if (!read_unique_list(
			    s, value, path, PACKAGE_PATTERN,
			    "a package name (lowercase letters, digits, '+', '-' and '.')", slot))
			return FALSE;
	}
	for (guint i = 0; p->packages.remove[i]; i++) {
		if (g_strv_contains((const char *const *)p->packages.install,
				    p->packages.remove[i])) {
			const ZionNode *list = zion_node_lookup(node, "remove");
			g_autofree char *path = zion_schema_path(parent, "remove");
			g_autofree char *item_path = zion_schema_path_index(path, i);
			return zion_schema_fail(s, zion_node_item(list, i), item_path,
						"'%s' is both installed and removed",
						p->packages.remove[i]);
		}
	}
	return TRUE;
}

static gboolean decode_network(ZionSchema *s, const ZionNode *node, const char *parent,
			       ZionPersona *p)
{
	static const char *const keys[] = { "mode", "hostname", "dns", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "mode") == 0) {
			guint mode;
			ok = zion_schema_enum(s, value, path, zion_network_mode_names, &mode);
			p->network.mode = mode;
		} else if (strcmp(key, "hostname") == 0) {
			ok = read_match(s, value, path, HOSTNAME_PATTERN,
					"a host name of letters, digits and '-' (at most 63)",
					&p->network.hostname);
		} else {
			ok = read_list(s, value, path, &p->network.dns);
			for (guint i = 0; ok && p->network.dns[i]; i++) {
				if (!g_hostname_is_ip_address(p->network.dns[i])) {
					g_autofree char *item_path =
						zion_schema_path_index(path, i);
					ok = zion_schema_fail(s, zion_node_item(value, i),
							      item_path,
							      "expected an IP address, got \"%s\"",
							      p->network.dns[i]);
				}
			}
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* An IPv4 or IPv6 address, optionally with a /prefix that fits it. */
static gboolean is_address_or_network(const char *text)
{
	g_autofree char *address = g_strdup(text);
	char *slash = strchr(address, '/');
	if (slash)
		*slash++ = '\0';
	if (!g_hostname_is_ip_address(address))
		return FALSE;
	if (!slash)
		return TRUE;
	guint64 prefix;
	guint64 max = strchr(address, ':') ? 128 : 32;
	return g_ascii_string_to_unsigned(slash, 10, 0, max, &prefix, NULL);
}

static gboolean read_port(ZionSchema *s, const ZionNode *node, const char *path,
			  ZionFirewallRule *rule)
{
	const char *what = "a port like 22 or a range like 6000-6010";
	g_autofree char *text = NULL;
	if (!zion_schema_match(s, node, path, "[0-9]{1,5}(-[0-9]{1,5})?", what, &text))
		return FALSE;
	g_auto(GStrv) parts = g_strsplit(text, "-", 2);
	guint64 first, last;
	if (!g_ascii_string_to_unsigned(parts[0], 10, 1, 65535, &first, NULL) ||
	    !g_ascii_string_to_unsigned(parts[1] ? parts[1] : parts[0], 10, first, 65535, &last,
					NULL))
		return zion_schema_fail(s, node, path,
					"expected ports between 1 and 65535, lowest first, got %s",
					text);
	rule->port_first = (guint)first;
	rule->port_last = (guint)last;
	return TRUE;
}

static gboolean decode_rule(ZionSchema *s, const ZionNode *node, const char *parent,
			    ZionFirewallRule *rule)
{
	static const char *const keys[] = {
		"action", "direction", "proto", "port", "address", NULL
	};
	if (!open_mapping(s, node, parent, keys) || !zion_schema_require(s, node, parent, "action"))
		return FALSE;
	const ZionNode *port = NULL;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		guint choice = 0;
		if (strcmp(key, "action") == 0) {
			ok = zion_schema_enum(s, value, path, zion_firewall_action_names, &choice);
			rule->action = choice;
		} else if (strcmp(key, "direction") == 0) {
			ok = zion_schema_enum(s, value, path, zion_direction_names, &choice);
			rule->direction = choice;
		} else if (strcmp(key, "proto") == 0) {
			ok = zion_schema_enum(s, value, path, zion_proto_names, &choice);
			rule->proto = choice;
		} else if (strcmp(key, "port") == 0) {
			port = value;
			ok = read_port(s, value, path, rule);
		} else {
			ok = read_string(s, value, path, &rule->address);
			if (ok && !is_address_or_network(rule->address))
				ok = zion_schema_fail(
					s, value, path,
					"expected an address like 10.0.0.1 or a network like "
					"192.168.1.0/24, got \"%s\"",
					rule->address);
		}
		if (!ok)
			return FALSE;
	}
	if (port && rule->proto != ZION_PROTO_TCP && rule->proto != ZION_PROTO_UDP) {
		g_autofree char *path = zion_schema_path(parent, "port");
		return zion_schema_fail(s, port, path, "a port needs proto tcp or udp, not %s",
					zion_proto_names[rule->proto]);
	}
	return TRUE;
}

static gboolean decode_firewall(ZionSchema *s, const ZionNode *node, const char *parent,
				ZionPersona *p)
{
	static const char *const keys[] = { "incoming", "outgoing", "rules", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		guint choice = 0;
		if (strcmp(key, "incoming") == 0 || strcmp(key, "outgoing") == 0) {
			if (!zion_schema_enum(s, value, path, zion_firewall_action_names, &choice))
				return FALSE;
			*(strcmp(key, "incoming") == 0 ? &p->firewall.incoming
						       : &p->firewall.outgoing) = choice;
			continue;
		}
		if (!zion_schema_expect_kind(s, value, path, ZION_NODE_SEQUENCE))
			return FALSE;
		for (guint i = 0; i < zion_node_length(value); i++) {
			g_autofree char *item_path = zion_schema_path_index(path, i);
			ZionFirewallRule *rule = g_new0(ZionFirewallRule, 1);
			g_ptr_array_add(p->firewall.rules, rule);
			if (!decode_rule(s, zion_node_item(value, i), item_path, rule))
				return FALSE;
		}
	}
	return TRUE;
}

static gboolean read_command(ZionSchema *s, const ZionNode *node, const char *path, char **slot)
{
	if (!read_string(s, node, path, slot))
		return FALSE;
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) shell_error = NULL;
	if (!g_shell_parse_argv(*slot, NULL, &argv, &shell_error))
		return zion_schema_fail(s, node, path, "not a command line: %s",
					shell_error->message);
	return TRUE;
}

static gboolean decode_schedule_entry(ZionSchema *s, const ZionNode *node, const char *parent,
				      ZionScheduleEntry *entry)
{
	static const char *const keys[] = { "name", "calendar", "interval", "command", NULL };
	if (!open_mapping(s, node, parent, keys) || !zion_schema_require(s, node, parent, "name") ||
	    !zion_schema_require(s, node, parent, "command"))
		return FALSE;
	const ZionNode *calendar = lookup_set(node, "calendar");
	const ZionNode *interval = lookup_set(node, "interval");
	if (!calendar && !interval)
		return zion_schema_fail(s, node, parent, "needs either calendar or interval");
	if (calendar && interval) {
		g_autofree char *path = zion_schema_path(parent, "interval");
		return zion_schema_fail(s, interval, path,
					"give either calendar or interval, not both");
	}
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "name") == 0) {
			ok = read_match(s, value, path, ZION_PERSONA_NAME_PATTERN, NAME_WHAT,
					&entry->name);
		} else if (strcmp(key, "calendar") == 0) {
			ok = read_match(s, value, path, CALENDAR_PATTERN, CALENDAR_WHAT,
					&entry->calendar);
		} else if (strcmp(key, "interval") == 0) {
			if (value->kind != ZION_NODE_SCALAR ||
			    !zion_parse_duration(value->text, &entry->interval) ||
			    entry->interval < 60) {
				g_autofree char *got = zion_schema_describe(value);
				ok = zion_schema_fail(s, value, path,
						      "expected a duration of at least a minute "
						      "like 15m, 2h or 1d, "
						      "got %s",
						      got);
			}
		} else {
			ok = read_command(s, value, path, &entry->command);
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_schedule(ZionSchema *s, const ZionNode *node, const char *parent,
				ZionPersona *p)
{
	if (!zion_schema_expect_kind(s, node, parent, ZION_NODE_SEQUENCE))
		return FALSE;
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < zion_node_length(node); i++) {
		const ZionNode *item = zion_node_item(node, i);
		g_autofree char *path = zion_schema_path_index(parent, i);
		ZionScheduleEntry *entry = g_new0(ZionScheduleEntry, 1);
		g_ptr_array_add(p->schedule, entry);
		if (!decode_schedule_entry(s, item, path, entry))
			return FALSE;
		if (!g_hash_table_add(names, entry->name))
			return zion_schema_fail(s, item, path, "a task named '%s' is defined twice",
						entry->name);
	}
	return TRUE;
}

static gboolean decode_env(ZionSchema *s, const ZionNode *node, const char *parent, ZionPersona *p)
{
	if (!zion_schema_expect_kind(s, node, parent, ZION_NODE_MAPPING))
		return FALSE;
	for (guint i = 0; i < zion_node_length(node); i++) {
		const ZionNode *key = zion_node_key(node, i);
		const ZionNode *value = zion_node_value(node, i);
		g_autofree char *path = zion_schema_path(parent, key->text);
		g_autofree char *name = NULL;
		if (!zion_schema_match(
			    s, key, parent, ENV_PATTERN,
			    "a variable name of letters, digits and '_', not starting with a digit",
			    &name))
			return FALSE;
		if (g_strv_contains(reserved_env, name))
			return zion_schema_fail(
				s, key, path,
				"is set by Zion in every desktop and cannot be changed");
		char *text = NULL;
		if (!zion_schema_string(s, value, path, &text))
			return FALSE;
		g_hash_table_insert(p->env, g_steal_pointer(&name), text);
	}
	return TRUE;
}

/* "user" or "user:group", by name or number. */
static gboolean read_owner(ZionSchema *s, const ZionNode *node, const char *path,
			   ZionPersonaFile *file)
{
	g_autofree char *text = NULL;
	if (!zion_schema_match(s, node, path,
			       "(" ACCOUNT_PATTERN "|[0-9]{1,5})(:(" ACCOUNT_PATTERN
			       "|[0-9]{1,5}))?",
			       "an owner like alice or alice:staff", &text))
		return FALSE;
	char *colon = strchr(text, ':');
	g_free(file->owner);
	g_free(file->group);
	file->group = g_strdup(colon ? colon + 1 : text);
	if (colon)
		*colon = '\0';
	file->owner = g_strdup(text);
	return TRUE;
}

static gboolean decode_file(ZionSchema *s, const ZionNode *node, const char *parent,
			    ZionPersonaFile *file)
{
	static const char *const keys[] = { "path", "content", "mode", "owner", "remove", NULL };
	if (!open_mapping(s, node, parent, keys) || !zion_schema_require(s, node, parent, "path"))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "path") == 0) {
			ok = read_string(s, value, path, &file->path);
			const char *problem = ok ? zion_path_problem(file->path) : NULL;
			if (problem)
				ok = zion_schema_fail(s, value, path, "the path %s", problem);
		} else if (strcmp(key, "content") == 0) {
			ok = read_string(s, value, path, &file->content);
		} else if (strcmp(key, "mode") == 0) {
			g_autofree char *text = NULL;
			ok = zion_schema_match(s, value, path, "0?[0-7]{3,4}",
					       "an octal mode like 0644", &text);
			if (ok)
				file->mode = (guint)g_ascii_strtoull(text, NULL, 8);
		} else if (strcmp(key, "owner") == 0) {
			ok = read_owner(s, value, path, file);
		} else {
			ok = zion_schema_bool(s, value, path, &file->remove);
		}
		if (!ok)
			return FALSE;
	}
	if (file->remove) {
		static const char *const conflicting[] = { "content", "mode", "owner" };
		for (gsize i = 0; i < G_N_ELEMENTS(conflicting); i++) {
			const ZionNode *other = lookup_set(node, conflicting[i]);
			if (other) {
				g_autofree char *path = zion_schema_path(parent, conflicting[i]);
				return zion_schema_fail(s, other, path,
							"a file with remove: true has no %s",
							conflicting[i]);
			}
		}
	} else if (!file->content) {
		return zion_schema_fail(s, node, parent, "needs content (or remove: true)");
	}
	return TRUE;
}

/* Replaces path by its parent directory. */
static char *dirname_in_place(char *path)
{
	char *parent = g_path_get_dirname(path);
	g_free(path);
	return parent;
}

static gboolean decode_files(ZionSchema *s, const ZionNode *node, const char *parent,
			     ZionPersona *p)
{
	if (!zion_schema_expect_kind(s, node, parent, ZION_NODE_SEQUENCE))
		return FALSE;
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal); /* path to file */
	for (guint i = 0; i < zion_node_length(node); i++) {
		const ZionNode *item = zion_node_item(node, i);
		g_autofree char *path = zion_schema_path_index(parent, i);
		ZionPersonaFile *file = zion_persona_file_new();
		g_ptr_array_add(p->files, file);
		if (!decode_file(s, item, path, file))
			return FALSE;
		if (g_hash_table_contains(seen, file->path))
			return zion_schema_fail(s, item, path, "%s is listed twice", file->path);
		g_hash_table_insert(seen, file->path, file);
	}
	/* A file cannot also be a directory holding another listed file. */
	for (guint i = 0; i < p->files->len; i++) {
		const ZionPersonaFile *inner = g_ptr_array_index(p->files, i);
		g_autofree char *ancestor = g_path_get_dirname(inner->path);
		for (; strcmp(ancestor, "/") != 0; ancestor = dirname_in_place(ancestor)) {
			const ZionPersonaFile *outer = g_hash_table_lookup(seen, ancestor);
			if (outer && !outer->remove) {
				g_autofree char *path = zion_schema_path_index(parent, i);
				return zion_schema_fail(
					s, zion_node_item(node, i), path,
					"%s would be inside %s, which is listed as a file",
					inner->path, outer->path);
			}
		}
	}
	return TRUE;
}

static gboolean decode_storage(ZionSchema *s, const ZionNode *node, const char *parent,
			       ZionPersona *p)
{
	static const char *const keys[] = { "shared", "private", NULL };
	if (!open_mapping(s, node, parent, keys))
		return FALSE;
	FOR_EACH_FIELD(node, parent, key, value, path) {
		gboolean *slot =
			strcmp(key, "shared") == 0 ? &p->storage.shared : &p->storage.private_home;
		if (!zion_schema_bool(s, value, path, slot))
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_autostart(ZionSchema *s, const ZionNode *node, const char *parent,
				 ZionPersona *p)
{
	if (!read_list(s, node, parent, &p->autostart))
		return FALSE;
	for (guint i = 0; p->autostart[i]; i++) {
		g_autofree char *path = zion_schema_path_index(parent, i);
		if (!read_command(s, zion_node_item(node, i), path, &p->autostart[i]))
			return FALSE;
	}
	return TRUE;
}

static gboolean decode_sessions(ZionSchema *s, const ZionNode *node, const char *parent,
				ZionPersona *p)
{
	return read_unique_list(s, node, parent, "[0-9a-f]{64}",
				"the id of a saved session (64 lower-case hex digits)",
				&p->sessions);
}

typedef gboolean (*SectionDecoder)(ZionSchema *s, const ZionNode *node, const char *path,
				   ZionPersona *p);

static const struct {
	const char *key;
	SectionDecoder decode;
} sections[] = {
	{ "appearance", decode_appearance },
	{ "resources", decode_resources },
	{ "devices", decode_devices },
	{ "users", decode_users },
	{ "packages", decode_packages },
	{ "network", decode_network },
	{ "firewall", decode_firewall },
	{ "schedule", decode_schedule },
	{ "env", decode_env },
	{ "files", decode_files },
	{ "storage", decode_storage },
	{ "autostart", decode_autostart },
	{ "sessions", decode_sessions },
};

static const char *const top_keys[] = { "schema",     "name",	   "description", "base",
					"appearance", "resources", "devices",	  "users",
					"packages",   "network",   "firewall",	  "schedule",
					"env",	      "files",	   "storage",	  "autostart",
					"sessions",   NULL };

ZionPersona *zion_persona_from_node(const char *file, const ZionNode *root, GError **error)
{
	ZionSchema schema = { .file = file, .error = error };
	ZionSchema *s = &schema;
	if (root->kind != ZION_NODE_MAPPING) {
		zion_schema_fail(s, root, NULL, "expected a mapping of persona fields, got %s",
				 zion_node_kind_name(root));
		return NULL;
	}
	if (!zion_schema_check_keys(s, root, NULL, top_keys) ||
	    !zion_schema_require(s, root, NULL, "schema") ||
	    !zion_schema_require(s, root, NULL, "name"))
		return NULL;

	g_autoptr(ZionPersona) p = zion_persona_new();
	FOR_EACH_FIELD(root, NULL, key, value, path) {
		gboolean ok = TRUE;
		if (strcmp(key, "schema") == 0) {
			if (value->kind != ZION_NODE_SCALAR ||
			    strcmp(value->text, ZION_PERSONA_SCHEMA) != 0) {
				g_autofree char *got = zion_schema_describe(value);
				ok = zion_schema_fail(s, value, path, "expected %s, got %s",
						      ZION_PERSONA_SCHEMA, got);
			}
		} else if (strcmp(key, "name") == 0) {
			ok = read_match(s, value, path, ZION_PERSONA_NAME_PATTERN, NAME_WHAT,
					&p->name);
		} else if (strcmp(key, "description") == 0) {
			ok = read_string(s, value, path, &p->description);
		} else if (strcmp(key, "base") == 0) {
			ok = read_match(s, value, path, IMAGE_PATTERN,
					"host or an image name (lowercase letters, digits, '.', "
					"'_' and '-')",
					&p->base);
		} else {
			for (gsize i = 0; i < G_N_ELEMENTS(sections); i++) {
				if (strcmp(key, sections[i].key) == 0)
					ok = sections[i].decode(s, value, path, p);
			}
		}
		if (!ok)
			return NULL;
	}
	if (!p->network.hostname)
		p->network.hostname = g_strdup(p->name);
	return g_steal_pointer(&p);
}
