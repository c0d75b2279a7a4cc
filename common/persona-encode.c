/* Writes a persona as a tree with every field present, the source of its canonical JSON. */
#include <string.h>

#include "persona.h"

static ZionNode *string_or_null(const char *text)
{
	return text ? zion_node_new_string(text) : zion_node_new_null();
}

static ZionNode *string_list(char **items)
{
	ZionNode *list = zion_node_new_sequence();
	for (guint i = 0; items[i]; i++)
		zion_node_append(list, zion_node_new_string(items[i]));
	return list;
}

/* A count of thousandths as a decimal number with no trailing zeros: 1500 is 1.5. */
static ZionNode *milli_number(guint milli)
{
	g_autofree char *text = g_strdup_printf("%u.%03u", milli / 1000, milli % 1000);
	char *end = text + strlen(text) - 1;
	while (*end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
	return zion_node_new_plain(text);
}

static ZionNode *encode_appearance(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "color", zion_node_new_string(p->appearance.color));
	zion_node_set(node, "wallpaper", string_or_null(p->appearance.wallpaper));
	ZionNode *fonts = zion_node_new_mapping();
	zion_node_set(fonts, "interface", zion_node_new_string(p->appearance.interface_font));
	zion_node_set(fonts, "monospace", zion_node_new_string(p->appearance.monospace_font));
	zion_node_set(node, "fonts", fonts);
	zion_node_set(node, "font_size", zion_node_new_int(p->appearance.font_size));
	return node;
}

static ZionNode *encode_resources(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "cpus",
		      p->resources.cpus_milli ? milli_number(p->resources.cpus_milli)
					      : zion_node_new_null());
	zion_node_set(node, "cpu_weight", zion_node_new_int(p->resources.cpu_weight));
	g_autofree char *memory =
		p->resources.memory ? zion_format_size(p->resources.memory) : NULL;
	zion_node_set(node, "memory", string_or_null(memory));
	zion_node_set(node, "pids",
		      p->resources.pids ? zion_node_new_int(p->resources.pids)
					: zion_node_new_null());
	zion_node_set(node, "io_weight", zion_node_new_int(p->resources.io_weight));
	return node;
}

static ZionNode *encode_devices(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "gpu", zion_node_new_bool(p->devices.gpu));
	zion_node_set(node, "audio", zion_node_new_bool(p->devices.audio));
	zion_node_set(node, "camera", zion_node_new_bool(p->devices.camera));
	zion_node_set(node, "usb", zion_node_new_bool(p->devices.usb));
	return node;
}

static ZionNode *encode_users(const ZionPersona *p)
{
	ZionNode *list = zion_node_new_sequence();
	for (guint i = 0; i < p->users->len; i++) {
		const ZionPersonaUser *user = g_ptr_array_index(p->users, i);
		ZionNode *node = zion_node_new_mapping();
		zion_node_set(node, "name", zion_node_new_string(user->name));
		zion_node_set(node, "uid",
			      user->uid >= 0 ? zion_node_new_int(user->uid) : zion_node_new_null());
		zion_node_set(node, "groups", string_list(user->groups));
		zion_node_set(node, "shell", zion_node_new_string(user->shell));
		zion_node_set(node, "sudo", zion_node_new_bool(user->sudo));
		zion_node_append(list, node);
	}
	return list;
}

static ZionNode *encode_packages(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "install", string_list(p->packages.install));
	zion_node_set(node, "remove", string_list(p->packages.remove));
	return node;
}

static ZionNode *encode_network(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "mode", zion_node_new_string(zion_network_mode_names[p->network.mode]));
	zion_node_set(node, "hostname", zion_node_new_string(p->network.hostname));
	zion_node_set(node, "dns", string_list(p->network.dns));
	return node;
}

static ZionNode *encode_firewall(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "incoming",
		      zion_node_new_string(zion_firewall_action_names[p->firewall.incoming]));
	zion_node_set(node, "outgoing",
		      zion_node_new_string(zion_firewall_action_names[p->firewall.outgoing]));
	ZionNode *rules = zion_node_new_sequence();
	for (guint i = 0; i < p->firewall.rules->len; i++) {
		const ZionFirewallRule *rule = g_ptr_array_index(p->firewall.rules, i);
		ZionNode *r = zion_node_new_mapping();
		zion_node_set(r, "action",
			      zion_node_new_string(zion_firewall_action_names[rule->action]));
		zion_node_set(r, "direction",
			      zion_node_new_string(zion_direction_names[rule->direction]));
		zion_node_set(r, "proto", zion_node_new_string(zion_proto_names[rule->proto]));
		g_autofree char *port = NULL;
		if (rule->port_first && rule->port_first == rule->port_last)
			port = g_strdup_printf("%u", rule->port_first);
		else if (rule->port_first)
			port = g_strdup_printf("%u-%u", rule->port_first, rule->port_last);
		zion_node_set(r, "port", string_or_null(port));
		zion_node_set(r, "address", string_or_null(rule->address));
		zion_node_append(rules, r);
	}
	zion_node_set(node, "rules", rules);
	return node;
}

static ZionNode *encode_schedule(const ZionPersona *p)
{
	ZionNode *list = zion_node_new_sequence();
	for (guint i = 0; i < p->schedule->len; i++) {
		const ZionScheduleEntry *entry = g_ptr_array_index(p->schedule, i);
		ZionNode *node = zion_node_new_mapping();
		g_autofree char *interval =
			entry->interval ? zion_format_duration(entry->interval) : NULL;
		zion_node_set(node, "name", zion_node_new_string(entry->name));
		zion_node_set(node, "calendar", string_or_null(entry->calendar));
		zion_node_set(node, "interval", string_or_null(interval));
		zion_node_set(node, "command", zion_node_new_string(entry->command));
		zion_node_append(list, node);
	}
	return list;
}

static ZionNode *encode_env(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	GHashTableIter iter;
	gpointer name, value;
	g_hash_table_iter_init(&iter, p->env);
	while (g_hash_table_iter_next(&iter, &name, &value))
		zion_node_set(node, name, zion_node_new_string(value));
	return node;
}

static ZionNode *encode_files(const ZionPersona *p)
{
	ZionNode *list = zion_node_new_sequence();
	for (guint i = 0; i < p->files->len; i++) {
		const ZionPersonaFile *file = g_ptr_array_index(p->files, i);
		ZionNode *node = zion_node_new_mapping();
		zion_node_set(node, "path", zion_node_new_string(file->path));
		zion_node_set(node, "remove", zion_node_new_bool(file->remove));
		if (!file->remove) {
			g_autofree char *mode = g_strdup_printf("%04o", file->mode);
			g_autofree char *owner = g_strdup_printf("%s:%s", file->owner, file->group);
			zion_node_set(node, "content", zion_node_new_string(file->content));
			zion_node_set(node, "mode", zion_node_new_string(mode));
			zion_node_set(node, "owner", zion_node_new_string(owner));
		}
		zion_node_append(list, node);
	}
	return list;
}

static ZionNode *encode_storage(const ZionPersona *p)
{
	ZionNode *node = zion_node_new_mapping();
	zion_node_set(node, "shared", zion_node_new_bool(p->storage.shared));
	zion_node_set(node, "private", zion_node_new_bool(p->storage.private_home));
	return node;
}

ZionNode *zion_persona_to_node(const ZionPersona *p)
{
	ZionNode *root = zion_node_new_mapping();
	zion_node_set(root, "schema", zion_node_new_string(ZION_PERSONA_SCHEMA));
	zion_node_set(root, "name", zion_node_new_string(p->name));
	zion_node_set(root, "description", zion_node_new_string(p->description));
	zion_node_set(root, "base", zion_node_new_string(p->base));
	zion_node_set(root, "appearance", encode_appearance(p));
	zion_node_set(root, "resources", encode_resources(p));
	zion_node_set(root, "devices", encode_devices(p));
	zion_node_set(root, "users", encode_users(p));
	zion_node_set(root, "packages", encode_packages(p));
	zion_node_set(root, "network", encode_network(p));
	zion_node_set(root, "firewall", encode_firewall(p));
	zion_node_set(root, "schedule", encode_schedule(p));
	zion_node_set(root, "env", encode_env(p));
	zion_node_set(root, "files", encode_files(p));
	zion_node_set(root, "storage", encode_storage(p));
	zion_node_set(root, "autostart", string_list(p->autostart));
	/* Only when there are any, so the hash of every persona that never saved a session stays
	 * what it was before the field existed. */
	if (p->sessions[0])
		zion_node_set(root, "sessions", string_list(p->sessions));
	return root;
}
