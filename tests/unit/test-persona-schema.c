/*
 * The persona schema zion/v1: every field decodes to what it means and defaults to what the format
 * says; every mistake is refused with its exact message, field path and FILE:LINE:COL; malformed
 * YAML and the YAML features a persona does without are refused by the parser; the YAML and JSON
 * spellings of one persona share one canonical JSON and hash; the example personas validate; sizes
 * and durations parse and format both ways.
 */
#include <string.h>

#include "canonical-json.h"
#include "persona.h"
#include "zion-error.h"
#include "zion-test.h"

/* A valid start for the error cases, so that their mistakes are on line 3 or later. */
#define HEAD "schema: zion/v1\nname: t\n"

#define TOP_KEYS                                                                                   \
	"schema, name, description, base, appearance, resources, devices, users, packages, "       \
	"network, firewall, schedule, env, files, storage, autostart, sessions"

#define NAME_WHAT                                                                                  \
	"a name of lowercase letters, digits and '-' (at most 32, "                                \
	"not starting or ending with '-')"
#define PATH_VIRTUAL                                                                               \
	"must not be under /proc, /sys or /dev, which are not part of the root file system"

static ZionPersona *load(const char *file, const char *text, GError **error)
{
	return zion_persona_load_data(file, text, strlen(text), error);
}

static ZionPersona *assert_valid(const char *yaml)
{
	g_autoptr(GError) error = NULL;
	ZionPersona *persona = load("test.yaml", yaml, &error);
	g_assert_no_error(error);
	/* g_assert() stays fatal with non-fatal assertions: the caller reads the persona. */
	g_assert(persona);
	return persona;
}

static void assert_failure(const char *file, const char *data, gsize size, int code,
			   const char *expected)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona = zion_persona_load_data(file, data, size, &error);
	g_assert_null(persona);
	g_assert_error(error, ZION_ERROR, code);
	g_assert_cmpstr(error ? error->message : NULL, ==, expected);
}

/* A schema mistake in test.yaml. */
static void assert_error(const char *yaml, const char *expected)
{
	assert_failure("test.yaml", yaml, strlen(yaml), ZION_ERROR_INVALID, expected);
}

/* A mistake in the YAML itself, in the words of Zion's reader. */
static void assert_parse_error(const char *yaml, const char *expected)
{
	assert_failure("test.yaml", yaml, strlen(yaml), ZION_ERROR_PARSE, expected);
}

/* A schema mistake in x.json. */
static void assert_json_error(const char *json, const char *expected)
{
	assert_failure("x.json", json, strlen(json), ZION_ERROR_INVALID, expected);
}

/* libfyaml words its messages itself: check where it puts them and that it says something. */
static void assert_syntax_error(const char *file, const char *text, const char *place)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona = load(file, text, &error);
	g_assert_null(persona);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_PARSE);
	const char *message = error ? error->message : "";
	g_autofree char *start = g_strndup(message, strlen(place));
	g_assert_cmpstr(start, ==, place);
	g_assert_cmpuint(strlen(message), >, strlen(place));
}

/* The message for a command line GLib cannot split, in GLib's own (possibly translated) words. */
static char *command_error(const char *place, const char *command)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	g_assert_false(g_shell_parse_argv(command, NULL, &argv, &error));
	return g_strdup_printf("%s: not a command line: %s", place, error->message);
}

/* The hash of a persona that must load; NULL (after a failed assertion) when it does not. */
static char *hash_of(const char *file, const char *text)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona = load(file, text, &error);
	g_assert_no_error(error);
	return persona ? zion_persona_hash(persona) : NULL;
}

static const char full_yaml[] = "schema: zion/v1\n"
				"name: full\n"
				"description: Every field set\n"
				"base: debian-12.5\n"
				"appearance:\n"
				"  color: \"#ABCDEF\"\n"
				"  wallpaper: /usr/share/backgrounds/full.png\n"
				"  fonts:\n"
				"    interface: Cantarell\n"
				"    monospace: DejaVu Sans Mono\n"
				"  font_size: 14\n"
				"resources:\n"
				"  cpus: 1.25\n"
				"  cpu_weight: 300\n"
				"  memory: 1536M\n"
				"  pids: 4096\n"
				"  io_weight: 50\n"
				"devices:\n"
				"  gpu: true\n"
				"  audio: false\n"
				"  camera: True\n"
				"  usb: FALSE\n"
				"users:\n"
				"  - name: alice\n"
				"    uid: 1000\n"
				"    groups: [audio, video]\n"
				"    shell: /bin/bash\n"
				"    sudo: true\n"
				"  - name: bob\n"
				"packages:\n"
				"  install: [git, g++]\n"
				"  remove: [nano]\n"
				"network:\n"
				"  mode: host\n"
				"  hostname: full-box\n"
				"  dns: [9.9.9.9, \"2620:fe::fe\"]\n"
				"firewall:\n"
				"  incoming: allow\n"
				"  outgoing: deny\n"
				"  rules:\n"
				"    - action: allow\n"
				"      direction: out\n"
				"      proto: udp\n"
				"      port: 53\n"
				"      address: 9.9.9.9\n"
				"    - action: deny\n"
				"      proto: tcp\n"
				"      port: 6000-6010\n"
				"      address: 192.168.1.0/24\n"
				"    - action: allow\n"
				"      proto: icmp\n"
				"      address: fe80::/10\n"
				"    - action: deny\n"
				"schedule:\n"
				"  - name: backup\n"
				"    calendar: Mon..Fri 18:30\n"
				"    command: tar -czf /tmp/backup.tar.gz /home\n"
				"  - name: sync\n"
				"    interval: 2h\n"
				"    command: rsync -a '/home/alice/My Documents' /srv\n"
				"env:\n"
				"  EDITOR: vim\n"
				"  THREADS: 4\n"
				"files:\n"
				"  - path: /etc/motd\n"
				"    content: |\n"
				"      hello\n"
				"    mode: 600\n"
				"    owner: alice:staff\n"
				"  - path: /etc/issue\n"
				"    remove: true\n"
				"  - path: /home/alice/.profile\n"
				"    content: \"\"\n"
				"    mode: \"4755\"\n"
				"    owner: \"1000\"\n"
				"  - path: /etc/hosts.d/local\n"
				"    content: x\n"
				"storage:\n"
				"  shared: false\n"
				"  private: false\n"
				"autostart:\n"
				"  - foot\n"
				"  - sh -c 'echo hi'\n";

static void assert_rule(const ZionFirewallRule *rule, ZionFirewallAction action,
			ZionDirection direction, ZionProto proto, guint port_first, guint port_last,
			const char *address)
{
	g_assert_cmpint(rule->action, ==, action);
	g_assert_cmpint(rule->direction, ==, direction);
	g_assert_cmpint(rule->proto, ==, proto);
	g_assert_cmpuint(rule->port_first, ==, port_first);
	g_assert_cmpuint(rule->port_last, ==, port_last);
	g_assert_cmpstr(rule->address, ==, address);
}

static void assert_file(const ZionPersonaFile *file, const char *path, gboolean remove,
			const char *content, guint mode, const char *owner, const char *group)
{
	g_assert_cmpstr(file->path, ==, path);
	g_assert_cmpint(file->remove, ==, remove);
	g_assert_cmpstr(file->content, ==, content);
	g_assert_cmpuint(file->mode, ==, mode);
	g_assert_cmpstr(file->owner, ==, owner);
	g_assert_cmpstr(file->group, ==, group);
}

static void test_valid_full(void)
{
	g_autoptr(ZionPersona) p = assert_valid(full_yaml);

	g_assert_cmpstr(p->name, ==, "full");
	g_assert_cmpstr(p->description, ==, "Every field set");
	g_assert_cmpstr(p->base, ==, "debian-12.5");

	g_assert_cmpstr(p->appearance.color, ==, "#abcdef");
	g_assert_cmpstr(p->appearance.wallpaper, ==, "/usr/share/backgrounds/full.png");
	g_assert_cmpstr(p->appearance.interface_font, ==, "Cantarell");
	g_assert_cmpstr(p->appearance.monospace_font, ==, "DejaVu Sans Mono");
	g_assert_cmpuint(p->appearance.font_size, ==, 14);

	g_assert_cmpuint(p->resources.cpus_milli, ==, 1250);
	g_assert_cmpuint(p->resources.cpu_weight, ==, 300);
	g_assert_cmpuint(p->resources.memory, ==, 1536ULL << 20);
	g_assert_cmpuint(p->resources.pids, ==, 4096);
	g_assert_cmpuint(p->resources.io_weight, ==, 50);

	g_assert_true(p->devices.gpu);
	g_assert_false(p->devices.audio);
	g_assert_true(p->devices.camera);
	g_assert_false(p->devices.usb);

	g_assert_cmpuint(p->users->len, ==, 2);
	const ZionPersonaUser *alice = g_ptr_array_index(p->users, 0);
	g_assert_cmpstr(alice->name, ==, "alice");
	g_assert_cmpint(alice->uid, ==, 1000);
	g_assert_cmpstrv(alice->groups, ((const char *const[]){ "audio", "video", NULL }));
	g_assert_cmpstr(alice->shell, ==, "/bin/bash");
	g_assert_true(alice->sudo);
	const ZionPersonaUser *bob = g_ptr_array_index(p->users, 1);
	g_assert_cmpstr(bob->name, ==, "bob");
	g_assert_cmpint(bob->uid, ==, -1);
	g_assert_cmpstrv(bob->groups, ((const char *const[]){ NULL }));
	g_assert_cmpstr(bob->shell, ==, "/bin/sh");
	g_assert_false(bob->sudo);

	g_assert_cmpstrv(p->packages.install, ((const char *const[]){ "git", "g++", NULL }));
	g_assert_cmpstrv(p->packages.remove, ((const char *const[]){ "nano", NULL }));

	g_assert_cmpint(p->network.mode, ==, ZION_NETWORK_HOST);
	g_assert_cmpstr(p->network.hostname, ==, "full-box");
	g_assert_cmpstrv(p->network.dns, ((const char *const[]){ "9.9.9.9", "2620:fe::fe", NULL }));

	g_assert_cmpint(p->firewall.incoming, ==, ZION_FIREWALL_ALLOW);
	g_assert_cmpint(p->firewall.outgoing, ==, ZION_FIREWALL_DENY);
	g_assert_cmpuint(p->firewall.rules->len, ==, 4);
	assert_rule(g_ptr_array_index(p->firewall.rules, 0), ZION_FIREWALL_ALLOW,
		    ZION_DIRECTION_OUT, ZION_PROTO_UDP, 53, 53, "9.9.9.9");
	assert_rule(g_ptr_array_index(p->firewall.rules, 1), ZION_FIREWALL_DENY, ZION_DIRECTION_IN,
		    ZION_PROTO_TCP, 6000, 6010, "192.168.1.0/24");
	assert_rule(g_ptr_array_index(p->firewall.rules, 2), ZION_FIREWALL_ALLOW, ZION_DIRECTION_IN,
		    ZION_PROTO_ICMP, 0, 0, "fe80::/10");
	assert_rule(g_ptr_array_index(p->firewall.rules, 3), ZION_FIREWALL_DENY, ZION_DIRECTION_IN,
		    ZION_PROTO_TCP, 0, 0, NULL);

	g_assert_cmpuint(p->schedule->len, ==, 2);
	const ZionScheduleEntry *backup = g_ptr_array_index(p->schedule, 0);
	g_assert_cmpstr(backup->name, ==, "backup");
	g_assert_cmpstr(backup->calendar, ==, "Mon..Fri 18:30");
	g_assert_cmpuint(backup->interval, ==, 0);
	g_assert_cmpstr(backup->command, ==, "tar -czf /tmp/backup.tar.gz /home");
	const ZionScheduleEntry *sync = g_ptr_array_index(p->schedule, 1);
	g_assert_cmpstr(sync->name, ==, "sync");
	g_assert_null(sync->calendar);
	g_assert_cmpuint(sync->interval, ==, 2 * 3600);
	g_assert_cmpstr(sync->command, ==, "rsync -a '/home/alice/My Documents' /srv");

	g_assert_cmpuint(g_hash_table_size(p->env), ==, 2);
	g_assert_cmpstr(g_hash_table_lookup(p->env, "EDITOR"), ==, "vim");
	g_assert_cmpstr(g_hash_table_lookup(p->env, "THREADS"), ==, "4");

	g_assert_cmpuint(p->files->len, ==, 4);
	assert_file(g_ptr_array_index(p->files, 0), "/etc/motd", FALSE, "hello\n", 0600, "alice",
		    "staff");
	assert_file(g_ptr_array_index(p->files, 1), "/etc/issue", TRUE, NULL, 0644, "root", "root");
	assert_file(g_ptr_array_index(p->files, 2), "/home/alice/.profile", FALSE, "", 04755,
		    "1000", "1000");
	assert_file(g_ptr_array_index(p->files, 3), "/etc/hosts.d/local", FALSE, "x", 0644, "root",
		    "root");

	g_assert_false(p->storage.shared);
	g_assert_false(p->storage.private_home);

	g_assert_cmpstrv(p->autostart, ((const char *const[]){ "foot", "sh -c 'echo hi'", NULL }));
}

static void test_valid_defaults(void)
{
	g_autoptr(ZionPersona) p = assert_valid(HEAD);

	g_assert_cmpstr(p->name, ==, "t");
	g_assert_cmpstr(p->description, ==, "");
	g_assert_cmpstr(p->base, ==, "host");
	g_assert_cmpstr(p->appearance.color, ==, "#3584e4");
	g_assert_null(p->appearance.wallpaper);
	g_assert_cmpstr(p->appearance.interface_font, ==, "sans-serif");
	g_assert_cmpstr(p->appearance.monospace_font, ==, "monospace");
	g_assert_cmpuint(p->appearance.font_size, ==, 11);
	g_assert_cmpuint(p->resources.cpus_milli, ==, 0);
	g_assert_cmpuint(p->resources.cpu_weight, ==, 100);
	g_assert_cmpuint(p->resources.memory, ==, 0);
	g_assert_cmpuint(p->resources.pids, ==, 0);
	g_assert_cmpuint(p->resources.io_weight, ==, 100);
	g_assert_false(p->devices.gpu || p->devices.audio || p->devices.camera || p->devices.usb);
	g_assert_cmpuint(p->users->len, ==, 0);
	g_assert_cmpstrv(p->packages.install, ((const char *const[]){ NULL }));
	g_assert_cmpstrv(p->packages.remove, ((const char *const[]){ NULL }));
	g_assert_cmpint(p->network.mode, ==, ZION_NETWORK_NONE);
	g_assert_cmpstr(p->network.hostname, ==, "t");
	g_assert_cmpstrv(p->network.dns, ((const char *const[]){ NULL }));
	g_assert_cmpint(p->firewall.incoming, ==, ZION_FIREWALL_DENY);
	g_assert_cmpint(p->firewall.outgoing, ==, ZION_FIREWALL_ALLOW);
	g_assert_cmpuint(p->firewall.rules->len, ==, 0);
	g_assert_cmpuint(p->schedule->len, ==, 0);
	g_assert_cmpuint(g_hash_table_size(p->env), ==, 0);
	g_assert_cmpuint(p->files->len, ==, 0);
	g_assert_true(p->storage.shared);
	g_assert_true(p->storage.private_home);
	g_assert_cmpstrv(p->autostart, ((const char *const[]){ NULL }));

	g_autofree char *json = zion_persona_canonical_json(p);
	g_assert_cmpstr(
		json, ==,
		"{\"appearance\":{\"color\":\"#3584e4\",\"font_size\":11,\"fonts\":{\"interface\":"
		"\"sans-serif\",\"monospace\":\"monospace\"},\"wallpaper\":null},\"autostart\":[],"
		"\"base\":\"host\",\"description\":\"\",\"devices\":{\"audio\":false,\"camera\":"
		"false,"
		"\"gpu\":false,\"usb\":false},\"env\":{},\"files\":[],\"firewall\":{\"incoming\":"
		"\"deny\","
		"\"outgoing\":\"allow\",\"rules\":[]},\"name\":\"t\",\"network\":{\"dns\":[],"
		"\"hostname\":"
		"\"t\",\"mode\":\"none\"},\"packages\":{\"install\":[],\"remove\":[]},"
		"\"resources\":"
		"{\"cpu_weight\":100,\"cpus\":null,\"io_weight\":100,\"memory\":null,\"pids\":null}"
		","
		"\"schedule\":[],\"schema\":\"zion/"
		"v1\",\"storage\":{\"private\":true,\"shared\":true},"
		"\"users\":[]}");
}

/* A field or a whole section given as null keeps its default. */
static void test_valid_null_is_default(void)
{
	g_autoptr(ZionPersona) plain = assert_valid(HEAD);
	g_autoptr(ZionPersona) nulls = assert_valid(HEAD "description: ~\n"
							 "base: null\n"
							 "appearance:\n"
							 "  color: ~\n"
							 "  fonts: ~\n"
							 "resources: ~\n"
							 "devices: Null\n"
							 "users: ~\n"
							 "network:\n"
							 "  hostname: ~\n"
							 "firewall:\n"
							 "  rules: NULL\n"
							 "files: ~\n"
							 "autostart: ~\n");
	g_autofree char *expected = zion_persona_canonical_json(plain);
	g_autofree char *json = zion_persona_canonical_json(nulls);
	g_assert_cmpstr(json, ==, expected);
}

static void test_valid_limits(void)
{
	g_autoptr(ZionPersona) low = assert_valid(HEAD "appearance:\n"
						       "  font_size: 6\n"
						       "resources:\n"
						       "  cpus: 0.001\n"
						       "  cpu_weight: 1\n"
						       "  memory: 16M\n"
						       "  pids: 16\n"
						       "  io_weight: 1\n"
						       "users:\n"
						       "  - name: _a\n"
						       "    uid: 1000\n"
						       "firewall:\n"
						       "  rules:\n"
						       "    - action: allow\n"
						       "      port: 1\n"
						       "      address: \"::1/128\"\n"
						       "schedule:\n"
						       "  - name: a\n"
						       "    interval: 1m\n"
						       "    command: true\n");
	g_assert_cmpuint(low->appearance.font_size, ==, 6);
	g_assert_cmpuint(low->resources.cpus_milli, ==, 1);
	g_assert_cmpuint(low->resources.cpu_weight, ==, 1);
	g_assert_cmpuint(low->resources.memory, ==, 16 << 20);
	g_assert_cmpuint(low->resources.pids, ==, 16);
	g_assert_cmpuint(low->resources.io_weight, ==, 1);
	g_assert_cmpint(((ZionPersonaUser *)g_ptr_array_index(low->users, 0))->uid, ==, 1000);
	assert_rule(g_ptr_array_index(low->firewall.rules, 0), ZION_FIREWALL_ALLOW,
		    ZION_DIRECTION_IN, ZION_PROTO_TCP, 1, 1, "::1/128");
	g_assert_cmpuint(((ZionScheduleEntry *)g_ptr_array_index(low->schedule, 0))->interval, ==,
			 60);

	g_autoptr(ZionPersona) high = assert_valid("schema: zion/v1\n"
						   "name: abcdefghijklmnopqrstuvwxyz-01234\n"
						   "appearance:\n"
						   "  font_size: 72\n"
						   "resources:\n"
						   "  cpus: 1024\n"
						   "  cpu_weight: 10000\n"
						   "  memory: 1024TiB\n"
						   "  pids: 4194304\n"
						   "  io_weight: 10000\n"
						   "users:\n"
						   "  - name: me\n"
						   "    uid: 60000\n"
						   "firewall:\n"
						   "  rules:\n"
						   "    - action: deny\n"
						   "      proto: udp\n"
						   "      port: 65535-65535\n");
	g_assert_cmpstr(high->name, ==, "abcdefghijklmnopqrstuvwxyz-01234");
	g_assert_cmpstr(high->network.hostname, ==, "abcdefghijklmnopqrstuvwxyz-01234");
	g_assert_cmpuint(high->appearance.font_size, ==, 72);
	g_assert_cmpuint(high->resources.cpus_milli, ==, 1024000);
	g_assert_cmpuint(high->resources.cpu_weight, ==, 10000);
	g_assert_cmpuint(high->resources.memory, ==, 1ULL << 50);
	g_assert_cmpuint(high->resources.pids, ==, 4194304);
	g_assert_cmpuint(high->resources.io_weight, ==, 10000);
	g_assert_cmpint(((ZionPersonaUser *)g_ptr_array_index(high->users, 0))->uid, ==, 60000);
	assert_rule(g_ptr_array_index(high->firewall.rules, 0), ZION_FIREWALL_DENY,
		    ZION_DIRECTION_IN, ZION_PROTO_UDP, 65535, 65535, NULL);
}

static void test_valid_calendars(void)
{
	static const char *const calendars[] = {
		"minutely",
		"hourly",
		"daily",
		"weekly",
		"monthly",
		"yearly",
		"Mon..Fri 18:30",
		"Mon..Wed,Sat 9:05",
		"Sat *-*-1/7 10:00",
		"*-*-01 03:30",
		"2025-12-24 18:00",
		"8,12,18:00",
		"*:0/15",
		"12:00:30",
		"Mon *-*-* 23:59",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(calendars); i++) {
		g_autofree char *yaml = g_strdup_printf(HEAD "schedule:\n"
							     "  - name: a\n"
							     "    calendar: \"%s\"\n"
							     "    command: true\n",
							calendars[i]);
		g_autoptr(ZionPersona) p = assert_valid(yaml);
		const ZionScheduleEntry *entry = g_ptr_array_index(p->schedule, 0);
		g_assert_cmpstr(entry->calendar, ==, calendars[i]);
		g_assert_cmpuint(entry->interval, ==, 0);
	}
}

/* Paths that only look like the forbidden ones, and modes and owners in each accepted spelling. */
static void test_valid_files(void)
{
	g_autoptr(ZionPersona) p = assert_valid(HEAD "files:\n"
						     "  - path: /process\n"
						     "    content: a\n"
						     "    mode: 0640\n"
						     "    owner: 0:42\n"
						     "  - path: /devices/x\n"
						     "    content: b\n"
						     "    mode: 7777\n"
						     "    owner: me\n"
						     "  - path: /sysroot/.hidden..name\n"
						     "    content: c\n"
						     "    mode: \"00755\"\n"
						     "    owner: _svc-1:staff\n");
	assert_file(g_ptr_array_index(p->files, 0), "/process", FALSE, "a", 0640, "0", "42");
	assert_file(g_ptr_array_index(p->files, 1), "/devices/x", FALSE, "b", 07777, "me", "me");
	assert_file(g_ptr_array_index(p->files, 2), "/sysroot/.hidden..name", FALSE, "c", 0755,
		    "_svc-1", "staff");

	/* A removed file may make way for a directory. */
	g_autoptr(ZionPersona) replaced = assert_valid(HEAD "files:\n"
							    "  - path: /etc/foo\n"
							    "    remove: true\n"
							    "  - path: /etc/foo/bar\n"
							    "    content: x\n");
	g_assert_cmpuint(replaced->files->len, ==, 2);
}

/* String fields keep any scalar as written; quoted "null" and "" are strings. */
static void test_valid_strings(void)
{
	g_autoptr(ZionPersona) p = assert_valid(HEAD "description: 010\n"
						     "env:\n"
						     "  N: 2\n"
						     "  EMPTY: \"\"\n"
						     "  NULL_TEXT: \"null\"\n"
						     "  FLAG: true\n");
	g_assert_cmpstr(p->description, ==, "010");
	g_assert_cmpstr(g_hash_table_lookup(p->env, "N"), ==, "2");
	g_assert_cmpstr(g_hash_table_lookup(p->env, "EMPTY"), ==, "");
	g_assert_cmpstr(g_hash_table_lookup(p->env, "NULL_TEXT"), ==, "null");
	g_assert_cmpstr(g_hash_table_lookup(p->env, "FLAG"), ==, "true");

	g_autoptr(ZionPersona) quoted = assert_valid(HEAD "description: \"null\"\n");
	g_assert_cmpstr(quoted->description, ==, "null");
	assert_error(HEAD "appearance:\n  wallpaper: \"\"\n",
		     "test.yaml:4:15: appearance.wallpaper: the path must be an absolute path "
		     "(starting with /)");
}

static void test_valid_firewall(void)
{
	g_autoptr(ZionPersona) p = assert_valid(HEAD "firewall:\n"
						     "  rules:\n"
						     "    - action: allow\n"
						     "      address: 0.0.0.0/0\n"
						     "    - action: allow\n"
						     "      address: 0.0.0.0/0\n"
						     "    - action: deny\n"
						     "      direction: out\n"
						     "      proto: any\n"
						     "      address: fd00::/64\n"
						     "    - action: allow\n"
						     "      proto: udp\n"
						     "      port: \"5000-5000\"\n");
	g_assert_cmpuint(p->firewall.rules->len, ==, 4);
	assert_rule(g_ptr_array_index(p->firewall.rules, 1), ZION_FIREWALL_ALLOW, ZION_DIRECTION_IN,
		    ZION_PROTO_TCP, 0, 0, "0.0.0.0/0");
	assert_rule(g_ptr_array_index(p->firewall.rules, 2), ZION_FIREWALL_DENY, ZION_DIRECTION_OUT,
		    ZION_PROTO_ANY, 0, 0, "fd00::/64");
	assert_rule(g_ptr_array_index(p->firewall.rules, 3), ZION_FIREWALL_ALLOW, ZION_DIRECTION_IN,
		    ZION_PROTO_UDP, 5000, 5000, NULL);
}

/* Saved sessions: ids the agent wrote, in the canonical form only when there are any. */
static void test_sessions(void)
{
	const char *id = "9bd9edf748b0eb0155a27d01199dae745503acdd91310714f2a7ce42c13f978d";
	g_autofree char *yaml = g_strdup_printf(HEAD "sessions:\n  - %s\n", id);
	g_autoptr(ZionPersona) saved = assert_valid(yaml);
	g_assert_cmpstr(saved->sessions[0], ==, id);
	g_assert_null(saved->sessions[1]);
	g_autofree char *json = zion_persona_canonical_json(saved);
	g_autofree char *field = g_strdup_printf("\"sessions\":[\"%s\"]", id);
	g_assert_nonnull(strstr(json, field));
	g_autoptr(ZionPersona) plain = assert_valid(HEAD "sessions: []\n");
	g_autofree char *plain_json = zion_persona_canonical_json(plain);
	g_assert_null(strstr(plain_json, "sessions"));

	assert_error(HEAD "sessions:\n  - 9BD9\n",
		     "test.yaml:4:5: sessions[0]: expected the id of a saved session "
		     "(64 lower-case hex digits), got \"9BD9\"");
	g_autofree char *twice = g_strdup_printf(HEAD "sessions: [%s, %s]\n", id, id);
	g_autofree char *message =
		g_strdup_printf("test.yaml:3:78: sessions[1]: '%s' is listed twice", id);
	assert_error(twice, message);
}

static void test_top_unknown(void)
{
	assert_error(HEAD "colour: red\n",
		     "test.yaml:3:1: unknown field 'colour' (expected one of: " TOP_KEYS ")");
	assert_error("nmae: t\nschema: zion/v1\n",
		     "test.yaml:1:1: unknown field 'nmae'; did you mean 'name'?");
	assert_error(HEAD "autostrat: []\n",
		     "test.yaml:3:1: unknown field 'autostrat'; did you mean 'autostart'?");
	assert_error(HEAD "Users: []\n",
		     "test.yaml:3:1: unknown field 'Users'; did you mean 'users'?");
	/* Merge keys are not special. */
	assert_error(HEAD "<<: {base: host}\n",
		     "test.yaml:3:1: unknown field '<<' (expected one of: " TOP_KEYS ")");
}

static void test_top_schema(void)
{
	assert_error("name: t\n", "test.yaml:1:1: missing required field 'schema'");
	assert_error("schema: zion/v2\nname: t\n",
		     "test.yaml:1:9: schema: expected zion/v1, got \"zion/v2\"");
	assert_error("schema: ~\nname: t\n", "test.yaml:1:9: schema: needs a value");
	assert_error("schema: [zion/v1]\nname: t\n",
		     "test.yaml:1:9: schema: expected zion/v1, got a list");
	assert_error("name: t\nschema: zion\n",
		     "test.yaml:2:9: schema: expected zion/v1, got \"zion\"");
}

static void test_top_name(void)
{
	assert_error("schema: zion/v1\n", "test.yaml:1:1: missing required field 'name'");
	assert_error("schema: zion/v1\nname: ~\n", "test.yaml:2:7: name: needs a value");
	assert_error("schema: zion/v1\nname: My Desktop\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT ", got \"My Desktop\"");
	assert_error("schema: zion/v1\nname: -x\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT ", got \"-x\"");
	/* A name is also the default host name, which cannot end in '-'. */
	assert_error("schema: zion/v1\nname: x-\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT ", got \"x-\"");
	assert_error("schema: zion/v1\nname: abcdefghijklmnopqrstuvwxyz-012345\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT
		     ", got \"abcdefghijklmnopqrstuvwxyz-012345\"");
	/* Long values are cut to 40 characters in messages. */
	assert_error("schema: zion/v1\nname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT
		     ", got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
	assert_error("schema: zion/v1\nname: {a: b}\n",
		     "test.yaml:2:7: name: expected " NAME_WHAT ", got a mapping");
}

static void test_top_other(void)
{
	assert_error(HEAD "base: Debian\n", "test.yaml:3:7: base: expected host or an image name "
					    "(lowercase letters, digits, '.', '_' and "
					    "'-'), got \"Debian\"");
	assert_error(HEAD "description: [a]\n",
		     "test.yaml:3:14: description: expected a single value, got a list");
	assert_error("- schema: zion/v1\n",
		     "test.yaml:1:1: expected a mapping of persona fields, got a list");
	assert_error("zion/v1\n",
		     "test.yaml:1:1: expected a mapping of persona fields, got a single value");
	assert_error("~\n", "test.yaml:1:1: expected a mapping of persona fields, got nothing");
}

static void test_appearance_invalid(void)
{
	assert_error(HEAD "appearance: blue\n",
		     "test.yaml:3:13: appearance: expected a mapping, got \"blue\"");
	assert_error(HEAD "appearance:\n  colour: red\n",
		     "test.yaml:4:3: appearance: unknown field 'colour'; did you mean 'color'?");
	assert_error(
		HEAD "appearance:\n  color: red\n",
		"test.yaml:4:10: appearance.color: expected a colour like #3584e4, got \"red\"");
	assert_error(
		HEAD "appearance:\n  color: [1]\n",
		"test.yaml:4:10: appearance.color: expected a colour like #3584e4, got a list");
	assert_error(HEAD "appearance:\n  wallpaper: bg.png\n",
		     "test.yaml:4:14: appearance.wallpaper: the path must be an absolute path "
		     "(starting with /)");
	assert_error(HEAD "appearance:\n  wallpaper: /proc/self/fd/0\n",
		     "test.yaml:4:14: appearance.wallpaper: the path " PATH_VIRTUAL);
	assert_error(HEAD "appearance:\n  fonts: [a]\n",
		     "test.yaml:4:10: appearance.fonts: expected a mapping, got a list");
	assert_error(HEAD "appearance:\n  fonts:\n    mono: x\n",
		     "test.yaml:5:5: appearance.fonts: unknown field 'mono' (expected one of: "
		     "interface, monospace)");
	assert_error(HEAD "appearance:\n  fonts:\n    interface: Sans, Serif\n",
		     "test.yaml:5:16: appearance.fonts.interface: expected a font family name, got "
		     "\"Sans, Serif\"");
	assert_error(HEAD "appearance:\n  font_size: 5\n",
		     "test.yaml:4:14: appearance.font_size: 5 is out of range (6 to 72)");
	assert_error(HEAD "appearance:\n  font_size: 73\n",
		     "test.yaml:4:14: appearance.font_size: 73 is out of range (6 to 72)");
	assert_error(HEAD "appearance:\n  font_size: 12.5\n",
		     "test.yaml:4:14: appearance.font_size: expected a whole number, got \"12.5\"");
	assert_error(HEAD "appearance:\n  font_size: 0xb\n",
		     "test.yaml:4:14: appearance.font_size: expected a whole number, got \"0xb\"");
	assert_error(HEAD "appearance:\n  font_size: \"11\"\n",
		     "test.yaml:4:15: appearance.font_size: expected a whole number, got \"11\"");
	g_autofree char *longest_font = g_strnfill(64, 'a');
	g_autofree char *valid =
		g_strdup_printf(HEAD "appearance:\n  fonts:\n    monospace: %s\n", longest_font);
	g_autoptr(ZionPersona) p = assert_valid(valid);
	g_assert_cmpstr(p->appearance.monospace_font, ==, longest_font);
	g_autofree char *invalid =
		g_strdup_printf(HEAD "appearance:\n  fonts:\n    monospace: %sa\n", longest_font);
	assert_error(invalid,
		     "test.yaml:5:16: appearance.fonts.monospace: expected a font family name, got "
		     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
}

static void test_resources_cpus_invalid(void)
{
	static const struct {
		const char *value, *message;
	} cases[] = {
		{ "0", "expected between 0.001 and 1024 CPUs, got 0" },
		{ "0.000", "expected between 0.001 and 1024 CPUs, got 0.000" },
		{ "2000", "expected between 0.001 and 1024 CPUs, got 2000" },
		{ "1024.001", "expected between 0.001 and 1024 CPUs, got 1024.001" },
		{ "1.2345", "expected a number of CPUs like 2 or 1.5, got \"1.2345\"" },
		{ "-1", "expected a number of CPUs like 2 or 1.5, got \"-1\"" },
		{ "two", "expected a number of CPUs like 2 or 1.5, got \"two\"" },
		{ "[2]", "expected a number of CPUs like 2 or 1.5, got a list" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *yaml =
			g_strdup_printf(HEAD "resources:\n  cpus: %s\n", cases[i].value);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:4:9: resources.cpus: %s", cases[i].message);
		assert_error(yaml, expected);
	}
}

static void test_resources_memory_invalid(void)
{
	assert_error(HEAD "resources:\n  memroy: 4G\n",
		     "test.yaml:4:3: resources: unknown field 'memroy'; did you mean 'memory'?");
	assert_error(HEAD "resources:\n  memory: lots\n",
		     "test.yaml:4:11: resources.memory: expected a size like 4G, got \"lots\"");
	assert_error(HEAD "resources:\n  memory: 4X\n",
		     "test.yaml:4:11: resources.memory: expected a size like 4G, got \"4X\"");
	assert_error(HEAD "resources:\n  memory: 4g\n",
		     "test.yaml:4:11: resources.memory: expected a size like 4G, got \"4g\"");
	assert_error(HEAD "resources:\n  memory: [4G]\n",
		     "test.yaml:4:11: resources.memory: expected a size like 4G, got a list");
	assert_error(HEAD "resources:\n  memory: 15M\n",
		     "test.yaml:4:11: resources.memory: 15M is less than the 16M a desktop needs");
	assert_error(
		HEAD "resources:\n  memory: 16777215\n",
		"test.yaml:4:11: resources.memory: 16777215 is less than the 16M a desktop needs");
	assert_error(HEAD "resources:\n  memory: 1025T\n",
		     "test.yaml:4:11: resources.memory: expected a size like 4G, got \"1025T\"");
}

static void test_resources_other_invalid(void)
{
	assert_error(HEAD "resources: 4G\n",
		     "test.yaml:3:12: resources: expected a mapping, got \"4G\"");
	assert_error(HEAD "resources:\n  cpu: 2\n",
		     "test.yaml:4:3: resources: unknown field 'cpu'; did you mean 'cpus'?");
	assert_error(HEAD "resources:\n  disk: 2\n",
		     "test.yaml:4:3: resources: unknown field 'disk' (expected one of: cpus, "
		     "cpu_weight, memory, "
		     "pids, io_weight)");
	assert_error(HEAD "resources:\n  cpu_weight: 0\n",
		     "test.yaml:4:15: resources.cpu_weight: 0 is out of range (1 to 10000)");
	assert_error(HEAD "resources:\n  io_weight: 10001\n",
		     "test.yaml:4:14: resources.io_weight: 10001 is out of range (1 to 10000)");
	assert_error(HEAD "resources:\n  pids: 15\n",
		     "test.yaml:4:9: resources.pids: 15 is out of range (16 to 4194304)");
	assert_error(HEAD "resources:\n  pids: 4194305\n",
		     "test.yaml:4:9: resources.pids: 4194305 is out of range (16 to 4194304)");
	assert_error(HEAD "resources:\n  pids: many\n",
		     "test.yaml:4:9: resources.pids: expected a whole number, got \"many\"");
}

static void test_devices_invalid(void)
{
	assert_error(HEAD "devices: [gpu]\n",
		     "test.yaml:3:10: devices: expected a mapping, got a list");
	assert_error(HEAD "devices:\n  gpus: true\n",
		     "test.yaml:4:3: devices: unknown field 'gpus'; did you mean 'gpu'?");
	assert_error(HEAD "devices:\n  gpu: yes\n",
		     "test.yaml:4:8: devices.gpu: expected true or false, got \"yes\"");
	assert_error(HEAD "devices:\n  usb: 1\n",
		     "test.yaml:4:8: devices.usb: expected true or false, got \"1\"");
	assert_error(HEAD "devices:\n  usb: on\n",
		     "test.yaml:4:8: devices.usb: expected true or false, got \"on\"");
	assert_error(HEAD "devices:\n  gpu: \"true\"\n",
		     "test.yaml:4:9: devices.gpu: expected true or false, got \"true\"");
	assert_error(HEAD "devices:\n  audio: [true]\n",
		     "test.yaml:4:10: devices.audio: expected true or false, got a list");
}

static void test_users_invalid(void)
{
	assert_error(HEAD "users:\n  name: me\n",
		     "test.yaml:4:3: users: expected a list, got a mapping");
	assert_error(HEAD "users:\n  - me\n",
		     "test.yaml:4:5: users[0]: expected a mapping, got \"me\"");
	assert_error(HEAD "users:\n  - uid: 1000\n",
		     "test.yaml:4:5: users[0]: missing required field 'name'");
	assert_error(HEAD "users:\n  - name: ~\n", "test.yaml:4:11: users[0].name: needs a value");
	assert_error(HEAD "users:\n  - name: root\n", "test.yaml:4:11: users[0].name: root is part "
						      "of every base; add an account of your own");
	assert_error(HEAD "users:\n  - name: Alice\n",
		     "test.yaml:4:11: users[0].name: expected an account name of lowercase "
		     "letters, digits, '_' and "
		     "'-' (at most 32), got \"Alice\"");
	assert_error(HEAD "users:\n  - name: me\n    group: [a]\n",
		     "test.yaml:5:5: users[0]: unknown field 'group'; did you mean 'groups'?");
	assert_error(HEAD "users:\n  - name: me\n    uid: 999\n",
		     "test.yaml:5:10: users[0].uid: 999 is out of range (1000 to 60000)");
	assert_error(HEAD "users:\n  - name: me\n    uid: 60001\n",
		     "test.yaml:5:10: users[0].uid: 60001 is out of range (1000 to 60000)");
	assert_error(HEAD "users:\n  - name: me\n    uid: me\n",
		     "test.yaml:5:10: users[0].uid: expected a whole number, got \"me\"");
	assert_error(HEAD "users:\n  - name: me\n    groups: audio\n",
		     "test.yaml:5:13: users[0].groups: expected a list, got \"audio\"");
	assert_error(HEAD "users:\n  - name: me\n    groups: [Audio]\n",
		     "test.yaml:5:14: users[0].groups[0]: expected a group name, got \"Audio\"");
	assert_error(HEAD "users:\n  - name: me\n    groups: [audio, audio]\n",
		     "test.yaml:5:21: users[0].groups[1]: 'audio' is listed twice");
	assert_error(HEAD "users:\n  - name: me\n    shell: bash\n",
		     "test.yaml:5:12: users[0].shell: the path must be an absolute path (starting "
		     "with /)");
	assert_error(HEAD "users:\n  - name: me\n    sudo: yes\n",
		     "test.yaml:5:11: users[0].sudo: expected true or false, got \"yes\"");
}

static void test_users_duplicate(void)
{
	assert_error(HEAD "users:\n  - name: me\n  - name: me\n",
		     "test.yaml:5:5: users[1]: user 'me' is defined twice");
	assert_error(HEAD "users:\n  - name: a\n    uid: 1000\n  - name: b\n    uid: 1000\n",
		     "test.yaml:6:5: users[1]: uid 1000 is also a's");
	/* Users without a uid get the first free one each: no clash. */
	g_autoptr(ZionPersona) p = assert_valid(HEAD "users:\n  - name: a\n  - name: b\n");
	g_assert_cmpuint(p->users->len, ==, 2);
}

static void test_packages_invalid(void)
{
	assert_error(HEAD "packages: [git]\n",
		     "test.yaml:3:11: packages: expected a mapping, got a list");
	assert_error(HEAD "packages:\n  purge: [x]\n",
		     "test.yaml:4:3: packages: unknown field 'purge' (expected one of: install, "
		     "remove)");
	assert_error(HEAD "packages:\n  install: firefox\n",
		     "test.yaml:4:12: packages.install: expected a list, got \"firefox\"");
	assert_error(HEAD "packages:\n  install: [Firefox]\n",
		     "test.yaml:4:13: packages.install[0]: expected a package name (lowercase "
		     "letters, digits, '+', "
		     "'-' and '.'), got \"Firefox\"");
	assert_error(HEAD "packages:\n  install: [r]\n",
		     "test.yaml:4:13: packages.install[0]: expected a package name (lowercase "
		     "letters, digits, '+', "
		     "'-' and '.'), got \"r\"");
	assert_error(HEAD "packages:\n  install: [[git]]\n",
		     "test.yaml:4:13: packages.install[0]: expected a single value, got a list");
	assert_error(HEAD "packages:\n  install: [git, vim, git]\n",
		     "test.yaml:4:23: packages.install[2]: 'git' is listed twice");
	assert_error(HEAD "packages:\n  remove: [nano, nano]\n",
		     "test.yaml:4:18: packages.remove[1]: 'nano' is listed twice");
	assert_error(HEAD "packages:\n  install: [git, vim]\n  remove: [nano, vim]\n",
		     "test.yaml:5:18: packages.remove[1]: 'vim' is both installed and removed");
	assert_error(HEAD "packages:\n  remove: [vim]\n  install: [vim]\n",
		     "test.yaml:4:12: packages.remove[0]: 'vim' is both installed and removed");
}

static void test_network_invalid(void)
{
	assert_error(HEAD "network: nat\n",
		     "test.yaml:3:10: network: expected a mapping, got \"nat\"");
	assert_error(HEAD "network:\n  host: x\n", "test.yaml:4:3: network: unknown field 'host' "
						   "(expected one of: mode, hostname, dns)");
	assert_error(
		HEAD "network:\n  mode: bridge\n",
		"test.yaml:4:9: network.mode: expected one of none, nat, host, got \"bridge\"");
	assert_error(HEAD "network:\n  hostname: -box\n",
		     "test.yaml:4:13: network.hostname: expected a host name of letters, digits "
		     "and '-' (at most 63), "
		     "got \"-box\"");
	assert_error(HEAD "network:\n  hostname: my_box\n",
		     "test.yaml:4:13: network.hostname: expected a host name of letters, digits "
		     "and '-' (at most 63), "
		     "got \"my_box\"");
	assert_error(HEAD "network:\n  dns: 9.9.9.9\n",
		     "test.yaml:4:8: network.dns: expected a list, got \"9.9.9.9\"");
	assert_error(HEAD "network:\n  dns: [dns.google]\n",
		     "test.yaml:4:9: network.dns[0]: expected an IP address, got \"dns.google\"");
	assert_error(HEAD "network:\n  dns: [1.1.1.1, 10.0.0.0/8]\n",
		     "test.yaml:4:18: network.dns[1]: expected an IP address, got \"10.0.0.0/8\"");
}

#define RULE HEAD "firewall:\n  rules:\n    - action: allow\n"
#define ADDRESS_WHAT "expected an address like 10.0.0.1 or a network like 192.168.1.0/24"
#define PORTS_WHAT "expected ports between 1 and 65535, lowest first"

static void test_firewall_invalid(void)
{
	assert_error(HEAD "firewall: deny\n",
		     "test.yaml:3:11: firewall: expected a mapping, got \"deny\"");
	assert_error(
		HEAD "firewall:\n  incoming: reject\n",
		"test.yaml:4:13: firewall.incoming: expected one of allow, deny, got \"reject\"");
	assert_error(HEAD "firewall:\n  outgoing: [allow]\n",
		     "test.yaml:4:13: firewall.outgoing: expected one of allow, deny, got a list");
	assert_error(HEAD "firewall:\n  rules:\n    action: allow\n",
		     "test.yaml:5:5: firewall.rules: expected a list, got a mapping");
	assert_error(HEAD "firewall:\n  rules:\n    - direction: in\n",
		     "test.yaml:5:7: firewall.rules[0]: missing required field 'action'");
	assert_error(HEAD "firewall:\n  rules:\n    - action: ~\n",
		     "test.yaml:5:15: firewall.rules[0].action: needs a value");
	assert_error(HEAD "firewall:\n  rules:\n    - action: permit\n",
		     "test.yaml:5:15: firewall.rules[0].action: expected one of allow, deny, got "
		     "\"permit\"");
	assert_error(RULE "      protocol: tcp\n",
		     "test.yaml:6:7: firewall.rules[0]: unknown field 'protocol' (expected one of: "
		     "action, direction, "
		     "proto, port, address)");
	assert_error(RULE "      direction: sideways\n",
		     "test.yaml:6:18: firewall.rules[0].direction: expected one of in, out, got "
		     "\"sideways\"");
	assert_error(RULE "      proto: sctp\n",
		     "test.yaml:6:14: firewall.rules[0].proto: expected one of tcp, udp, icmp, "
		     "any, got \"sctp\"");
}

static void test_firewall_ports(void)
{
	assert_error(
		RULE "      proto: icmp\n      port: 22\n",
		"test.yaml:7:13: firewall.rules[0].port: a port needs proto tcp or udp, not icmp");
	assert_error(
		RULE "      port: 22\n      proto: any\n",
		"test.yaml:6:13: firewall.rules[0].port: a port needs proto tcp or udp, not any");
	assert_error(RULE "      port: 8080-80\n",
		     "test.yaml:6:13: firewall.rules[0].port: " PORTS_WHAT ", got 8080-80");
	assert_error(RULE "      port: 0\n",
		     "test.yaml:6:13: firewall.rules[0].port: " PORTS_WHAT ", got 0");
	assert_error(RULE "      port: 65536\n",
		     "test.yaml:6:13: firewall.rules[0].port: " PORTS_WHAT ", got 65536");
	assert_error(RULE "      port: 1-65536\n",
		     "test.yaml:6:13: firewall.rules[0].port: " PORTS_WHAT ", got 1-65536");
	assert_error(RULE "      port: ssh\n", "test.yaml:6:13: firewall.rules[0].port: expected a "
					       "port like 22 or a range like 6000-6010, got "
					       "\"ssh\"");
}

static void test_firewall_addresses(void)
{
	static const char *const addresses[] = {
		"10.0.0.0/33", "10.0.0.0/",   "10.0.0.256", "example.com",
		"::1/129",     "10.0.0.0/-1", "/24",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(addresses); i++) {
		g_autofree char *yaml =
			g_strdup_printf(RULE "      address: \"%s\"\n", addresses[i]);
		g_autofree char *expected = g_strdup_printf(
			"test.yaml:6:17: firewall.rules[0].address: " ADDRESS_WHAT ", got \"%s\"",
			addresses[i]);
		assert_error(yaml, expected);
	}
	assert_error(
		RULE "      address: [10.0.0.1]\n",
		"test.yaml:6:16: firewall.rules[0].address: expected a single value, got a list");
}

#define TASK HEAD "schedule:\n  - name: a\n"
#define DURATION_WHAT "expected a duration of at least a minute like 15m, 2h or 1d"

static void test_schedule_invalid(void)
{
	assert_error(HEAD "schedule:\n  name: a\n",
		     "test.yaml:4:3: schedule: expected a list, got a mapping");
	assert_error(HEAD "schedule:\n  - interval: 1h\n    command: x\n",
		     "test.yaml:4:5: schedule[0]: missing required field 'name'");
	assert_error(TASK "    interval: 1h\n",
		     "test.yaml:4:5: schedule[0]: missing required field 'command'");
	assert_error(TASK "    command: ~\n    interval: 1h\n",
		     "test.yaml:5:14: schedule[0].command: needs a value");
	assert_error(TASK "    command: x\n",
		     "test.yaml:4:5: schedule[0]: needs either calendar or interval");
	assert_error(TASK "    calendar: ~\n    interval: ~\n    command: x\n",
		     "test.yaml:4:5: schedule[0]: needs either calendar or interval");
	assert_error(
		TASK "    calendar: daily\n    interval: 1h\n    command: x\n",
		"test.yaml:6:15: schedule[0].interval: give either calendar or interval, not both");
	assert_error(TASK "    every: 1h\n    command: x\n",
		     "test.yaml:5:5: schedule[0]: unknown field 'every' (expected one of: name, "
		     "calendar, interval, "
		     "command)");
	assert_error(HEAD "schedule:\n  - name: Backup\n    interval: 1h\n    command: x\n",
		     "test.yaml:4:11: schedule[0].name: expected " NAME_WHAT ", got \"Backup\"");
	assert_error(
		TASK
		"    interval: 1h\n    command: x\n  - name: a\n    interval: 2h\n    command: y\n",
		"test.yaml:7:5: schedule[1]: a task named 'a' is defined twice");
}

static void test_schedule_interval(void)
{
	static const char *const intervals[] = { "30s", "59s", "0m",  "5y",    "m", "1.5h",
						 "90",	"-5m", "+5m", "1h30m", "2H" };
	for (gsize i = 0; i < G_N_ELEMENTS(intervals); i++) {
		g_autofree char *yaml =
			g_strdup_printf(TASK "    interval: %s\n    command: x\n", intervals[i]);
		g_autofree char *expected = g_strdup_printf(
			"test.yaml:5:15: schedule[0].interval: " DURATION_WHAT ", got \"%s\"",
			intervals[i]);
		assert_error(yaml, expected);
	}
	assert_error(TASK "    interval: [1h]\n    command: x\n",
		     "test.yaml:5:15: schedule[0].interval: " DURATION_WHAT ", got a list");
}

static void test_schedule_calendar(void)
{
	static const char *const calendars[] = {
		"Daily",  "quarterly",	     "Mon",
		"*-*-01", "Mon-Fri 10:00",   "Monday 10:00",
		"*/2:00", "9..17:00",	     "24:00",
		"*:*:*",  "*-*-* 10:00 UTC", " daily",
		"daily ", "Mon  10:00",	     "Mon..Fri 9:60",
		"09",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(calendars); i++) {
		g_autofree char *yaml = g_strdup_printf(
			TASK "    calendar: \"%s\"\n    command: x\n", calendars[i]);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:5:16: schedule[0].calendar: expected a calendar "
					"like daily, Mon..Fri 09:00 or "
					"*-*-01 03:30, got \"%s\"",
					calendars[i]);
		assert_error(yaml, expected);
	}
}

static void test_schedule_command(void)
{
	g_autofree char *unterminated =
		command_error("test.yaml:6:14: schedule[0].command", "echo 'hi");
	assert_error(TASK "    interval: 1h\n    command: echo 'hi\n", unterminated);
	g_autofree char *empty = command_error("test.yaml:6:15: schedule[0].command", " ");
	assert_error(TASK "    interval: 1h\n    command: \" \"\n", empty);
}

static void test_env_invalid(void)
{
	assert_error(HEAD "env: [A=b]\n", "test.yaml:3:6: env: expected a mapping, got a list");
	static const char *const reserved[] = { "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR",
						"ZION_DESKTOP" };
	for (gsize i = 0; i < G_N_ELEMENTS(reserved); i++) {
		g_autofree char *yaml =
			g_strdup_printf(HEAD "env:\n  EDITOR: vi\n  %s: x\n", reserved[i]);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:5:3: env.%s: is set by Zion in every desktop "
					"and cannot be changed",
					reserved[i]);
		assert_error(yaml, expected);
	}
	static const char *const names[] = { "1BAD", "MY-VAR", "A.B", "ÉTÉ" };
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *yaml = g_strdup_printf(HEAD "env:\n  %s: x\n", names[i]);
		g_autofree char *escaped = g_strescape(names[i], NULL);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:4:3: env: expected a variable name of "
					"letters, digits and '_', not starting with a "
					"digit, got \"%s\"",
					escaped);
		assert_error(yaml, expected);
	}
	assert_error(HEAD "env:\n  A: [x]\n",
		     "test.yaml:4:6: env.A: expected a single value, got a list");
	assert_error(HEAD "env:\n  A: ~\n",
		     "test.yaml:4:6: env.A: expected a single value, got nothing");
}

#define FILE_ENTRY HEAD "files:\n  - path: /a\n"

static void test_files_paths(void)
{
	static const struct {
		const char *path, *problem;
	} cases[] = {
		{ "etc/motd", "must be an absolute path (starting with /)" },
		{ "~/motd", "must be an absolute path (starting with /)" },
		{ "/etc/../shadow", "must not contain . or .. components" },
		{ "/etc/..", "must not contain . or .. components" },
		{ "/etc/./motd", "must not contain . or .. components" },
		{ "/etc//motd", "must not contain an empty component (//)" },
		{ "/etc/", "must not end with /" },
		{ "/", "must name a file, not the root directory" },
		{ "/proc/1/environ", PATH_VIRTUAL },
		{ "/sys", PATH_VIRTUAL },
		{ "/dev/null", PATH_VIRTUAL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *yaml = g_strdup_printf(
			HEAD "files:\n  - path: %s\n    content: x\n", cases[i].path);
		g_autofree char *expected = g_strdup_printf(
			"test.yaml:4:11: files[0].path: the path %s", cases[i].problem);
		assert_error(yaml, expected);
	}
	g_autofree char *component = g_strnfill(256, 'a');
	g_autofree char *long_component =
		g_strdup_printf(HEAD "files:\n  - path: /etc/%s\n    content: x\n", component);
	assert_error(
		long_component,
		"test.yaml:4:11: files[0].path: the path has a component longer than 255 bytes");
	/* 15 components of 255 bytes and one of 254, each after a '/': 4095 bytes, the longest
	 * path. */
	g_autoptr(GString) path = g_string_new(NULL);
	for (int i = 0; i < 15; i++)
		g_string_append_printf(path, "/%.255s", component);
	g_string_append_printf(path, "/%.254s", component);
	g_autofree char *longest =
		g_strdup_printf(HEAD "files:\n  - path: %s\n    content: x\n", path->str);
	g_autoptr(ZionPersona) p = assert_valid(longest);
	g_assert_cmpuint(strlen(((ZionPersonaFile *)g_ptr_array_index(p->files, 0))->path), ==,
			 4095);
	g_string_append_c(path, 'a');
	g_autofree char *too_long =
		g_strdup_printf(HEAD "files:\n  - path: %s\n    content: x\n", path->str);
	assert_error(too_long, "test.yaml:4:11: files[0].path: the path is longer than 4095 bytes");
	assert_error(HEAD "files:\n  - path: \"/etc/a\\tb\"\n    content: x\n",
		     "test.yaml:4:12: files[0].path: the path must not contain control characters");
	assert_error(HEAD "files:\n  - path: [/a]\n    content: x\n",
		     "test.yaml:4:11: files[0].path: expected a single value, got a list");
}

static void test_files_invalid(void)
{
	assert_error(HEAD "files:\n  path: /a\n",
		     "test.yaml:4:3: files: expected a list, got a mapping");
	assert_error(HEAD "files:\n  - content: x\n",
		     "test.yaml:4:5: files[0]: missing required field 'path'");
	assert_error(FILE_ENTRY "    contents: x\n",
		     "test.yaml:5:5: files[0]: unknown field 'contents'; did you mean 'content'?");
	assert_error(FILE_ENTRY, "test.yaml:4:5: files[0]: needs content (or remove: true)");
	assert_error(FILE_ENTRY "    remove: false\n",
		     "test.yaml:4:5: files[0]: needs content (or remove: true)");
	assert_error(FILE_ENTRY "    remove: true\n    content: x\n",
		     "test.yaml:6:14: files[0].content: a file with remove: true has no content");
	assert_error(FILE_ENTRY "    remove: true\n    mode: 0600\n",
		     "test.yaml:6:11: files[0].mode: a file with remove: true has no mode");
	assert_error(FILE_ENTRY "    owner: me\n    remove: true\n",
		     "test.yaml:5:12: files[0].owner: a file with remove: true has no owner");
	assert_error(FILE_ENTRY "    remove: yes\n",
		     "test.yaml:5:13: files[0].remove: expected true or false, got \"yes\"");
	assert_error(FILE_ENTRY "    content: [x]\n",
		     "test.yaml:5:14: files[0].content: expected a single value, got a list");
	assert_error(HEAD "files:\n  - path: /a\n    content: x\n  - path: /a\n    content: y\n",
		     "test.yaml:6:5: files[1]: /a is listed twice");
}

static void test_files_mode_owner(void)
{
	static const char *const modes[] = { "999", "0888", "rw", "64", "12345", "-644" };
	for (gsize i = 0; i < G_N_ELEMENTS(modes); i++) {
		g_autofree char *yaml =
			g_strdup_printf(FILE_ENTRY "    content: x\n    mode: %s\n", modes[i]);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:6:11: files[0].mode: expected an octal mode "
					"like 0644, got \"%s\"",
					modes[i]);
		assert_error(yaml, expected);
	}
	static const char *const owners[] = { "Alice",	"a:b:c",  "alice:",
					      ":staff", "123456", "alice staff" };
	for (gsize i = 0; i < G_N_ELEMENTS(owners); i++) {
		g_autofree char *yaml = g_strdup_printf(
			FILE_ENTRY "    content: x\n    owner: \"%s\"\n", owners[i]);
		g_autofree char *expected =
			g_strdup_printf("test.yaml:6:13: files[0].owner: expected an owner like "
					"alice or alice:staff, got \"%s\"",
					owners[i]);
		assert_error(yaml, expected);
	}
}

static void test_files_nested(void)
{
	assert_error(HEAD "files:\n"
			  "  - path: /etc/foo\n"
			  "    content: a\n"
			  "  - path: /etc/foo/bar\n"
			  "    content: b\n",
		     "test.yaml:6:5: files[1]: /etc/foo/bar would be inside /etc/foo, which is "
		     "listed as a file");
	assert_error(HEAD "files:\n"
			  "  - path: /etc/foo/bar/baz\n"
			  "    content: a\n"
			  "  - path: /etc/foo\n"
			  "    content: b\n",
		     "test.yaml:4:5: files[0]: /etc/foo/bar/baz would be inside /etc/foo, which is "
		     "listed as a file");
}

/* /etc/foo.d sorts between /etc/foo and /etc/foo/x: a neighbour must not hide the nesting. */
static void test_files_nested_past_sibling(void)
{
	assert_error(HEAD "files:\n"
			  "  - path: /etc/foo\n"
			  "    content: a\n"
			  "  - path: /etc/foo.d\n"
			  "    content: b\n"
			  "  - path: /etc/foo/x\n"
			  "    content: c\n",
		     "test.yaml:8:5: files[2]: /etc/foo/x would be inside /etc/foo, which is "
		     "listed as a file");
}

static void test_storage_autostart_invalid(void)
{
	assert_error(HEAD "storage: true\n",
		     "test.yaml:3:10: storage: expected a mapping, got \"true\"");
	assert_error(
		HEAD "storage:\n  home: true\n",
		"test.yaml:4:3: storage: unknown field 'home' (expected one of: shared, private)");
	assert_error(HEAD "storage:\n  private: maybe\n",
		     "test.yaml:4:12: storage.private: expected true or false, got \"maybe\"");
	assert_error(HEAD "autostart: foot\n",
		     "test.yaml:3:12: autostart: expected a list, got \"foot\"");
	assert_error(HEAD "autostart:\n  - [foot]\n",
		     "test.yaml:4:5: autostart[0]: expected a single value, got a list");
	g_autofree char *unterminated = command_error("test.yaml:5:5: autostart[1]", "sh -c 'echo");
	assert_error(HEAD "autostart:\n  - foot\n  - sh -c 'echo\n", unterminated);
	g_autofree char *trailing = command_error("test.yaml:4:5: autostart[0]", "foot \\");
	assert_error(HEAD "autostart:\n  - foot \\\n", trailing);
}

static void test_syntax_libfyaml(void)
{
	assert_syntax_error("test.yaml", HEAD "autostart: [foot\n", "test.yaml:4:1: ");
	assert_syntax_error("test.yaml", HEAD "devices:\n  gpu: true\n audio: true\n",
			    "test.yaml:5:2: ");
	assert_syntax_error("test.yaml", HEAD "devices:\n\tgpu: true\n", "test.yaml:4:1: ");
	assert_syntax_error("test.yaml", HEAD "description: \"open\n", "test.yaml:3:15: ");
	assert_syntax_error("x.json", "{\"schema\": \"zion/v1\", \"name\": \"t\",}",
			    "x.json:1:34: ");
	/* A file named .json is strict JSON: YAML there is a syntax error. */
	assert_syntax_error("x.json", HEAD, "x.json:1:1: ");
}

static void test_syntax_duplicate_key(void)
{
	assert_parse_error(HEAD "name: u\n", "test.yaml:3:1: duplicate key 'name'");
	assert_parse_error(
		HEAD "appearance:\n  color: \"#000000\"\n  font_size: 10\n  color: \"#ffffff\"\n",
		"test.yaml:6:3: duplicate key 'color'");
	assert_parse_error(HEAD "users:\n  - name: a\n    name: b\n",
			   "test.yaml:5:5: duplicate key 'name'");
	assert_parse_error(HEAD "env: {A: x, A: y}\n", "test.yaml:3:13: duplicate key 'A'");
	static const char json[] = "{\"name\": \"t\", \"name\": \"u\"}";
	assert_failure("x.json", json, sizeof(json) - 1, ZION_ERROR_PARSE,
		       "x.json:1:16: duplicate key 'name'");
}

static void test_syntax_structure(void)
{
	assert_parse_error(HEAD "---\nname: u\n",
			   "test.yaml:3:1: only one document is allowed in a file");
	assert_parse_error("", "test.yaml:1:1: the file is empty");
	assert_parse_error("# nothing but a comment\n\n", "test.yaml:1:1: the file is empty");
	assert_parse_error(HEAD "[a]: 1\n",
			   "test.yaml:3:1: a key must be a plain value, not a list or a mapping");
	assert_parse_error(HEAD "env:\n  {A: x}: y\n",
			   "test.yaml:4:3: a key must be a plain value, not a list or a mapping");
}

/* Anchors, aliases and tags are refused where they are written. */
static void test_syntax_anchors(void)
{
	assert_parse_error(
		HEAD "description: &d text\n",
		"test.yaml:3:14: anchors (&name) are not supported; write the value out");
	assert_parse_error(
		HEAD "appearance: &a\n  color: \"#000000\"\n",
		"test.yaml:3:13: anchors (&name) are not supported; write the value out");
}

static void test_syntax_aliases(void)
{
	assert_parse_error(
		HEAD "description: *d\n",
		"test.yaml:3:14: aliases (*name) are not supported; write the value out");
}

static void test_syntax_tags(void)
{
	assert_parse_error(HEAD "description: !!str text\n",
			   "test.yaml:3:14: tags (!name) are not supported");
	assert_parse_error(HEAD "users: !list\n  - name: me\n",
			   "test.yaml:3:8: tags (!name) are not supported");
}

static void test_syntax_nul(void)
{
	assert_parse_error(HEAD "description: \"a\\0b\"\n",
			   "test.yaml:3:15: a value contains a NUL character");
	static const char json[] = "{\n  \"schema\": \"zion/v1\",\n  \"name\": \"t\",\n  "
				   "\"description\": \"a\\u0000b\"\n}";
	assert_failure("x.json", json, sizeof(json) - 1, ZION_ERROR_PARSE,
		       "x.json:4:19: a value contains a NUL character");
}

/* Raw bytes are checked before parsing; a NUL in the file must not end the document early. */
static void test_syntax_raw_characters(void)
{
	static const char nul[] = HEAD "description: a\0b\n";
	assert_failure("test.yaml", nul, sizeof(nul) - 1, ZION_ERROR_PARSE,
		       "test.yaml:3:15: control character U+0000 is not allowed");
	static const char nul_line[] = HEAD "\0colour: red\n";
	assert_failure("test.yaml", nul_line, sizeof(nul_line) - 1, ZION_ERROR_PARSE,
		       "test.yaml:3:1: control character U+0000 is not allowed");
	assert_parse_error(HEAD "description: \x01\n",
			   "test.yaml:3:14: control character U+0001 is not allowed");
	assert_parse_error(HEAD "description: \"caf\xc3\xa9\x7f\"\n",
			   "test.yaml:3:19: control character U+007F is not allowed");
	assert_parse_error(HEAD "description: a\xff b\n",
			   "test.yaml:3:15: the text is not valid UTF-8");
	assert_parse_error(HEAD "description: \"\xc3\"\n",
			   "test.yaml:3:15: the text is not valid UTF-8");
	assert_parse_error(HEAD "\xfe: x\n", "test.yaml:3:1: the text is not valid UTF-8");

	/* Tabs inside values, CRLF line breaks and escaped controls are fine. */
	g_autoptr(ZionPersona) p =
		assert_valid("schema: zion/v1\r\nname: t\r\ndescription: \"a\tb\\x01\"\r\n");
	g_assert_cmpstr(p->description, ==, "a\tb\x01");
}

/* A tab before a block indicator is refused before libfyaml 0.7.12 sees it (it crashes freeing its
 * parser after that error); tabs in quotes, comments, block scalars and plain values are fine. */
static void test_syntax_tab_indented_entry(void)
{
	assert_parse_error("# \n? ::\t-", "test.yaml:2:5: a tab before '-': YAML allows only "
					  "spaces to indent block structure");
	assert_parse_error("# \n? ::\t::\t--", "test.yaml:2:5: a tab before ':': YAML allows "
					       "only spaces to indent block structure");
	assert_parse_error(HEAD "users:\n\t- name: me\n",
			   "test.yaml:4:1: a tab before '-': YAML allows only spaces to indent "
			   "block structure");
	assert_parse_error(HEAD "packages:\n  - a\n  -\t- b\n",
			   "test.yaml:5:4: a tab before '-': YAML allows only spaces to indent "
			   "block structure");
	assert_parse_error(HEAD "description:\t|\n  text\n",
			   "test.yaml:3:13: a tab before '|': YAML allows only spaces to indent "
			   "block structure");
	g_autoptr(ZionPersona) p = assert_valid(HEAD "description: \"x:\t- y\" # z:\t- w\n"
						     "env:\n  A: b\t- c\n"
						     "files:\n  - path: /etc/motd\n    content: |\n"
						     "      \t- item\n");
	g_assert_cmpstr(p->description, ==, "x:\t- y");
	g_autoptr(ZionPersona) q = assert_valid(HEAD "description: \"two\n \t- lines\"\n");
	g_assert_cmpstr(q->description, ==, "two - lines");
	/* In a flow collection the tab is only a separator: the schema has the last word. */
	assert_error(HEAD "packages:\n  install: [vim,\t-b]\n",
		     "test.yaml:4:18: packages.install[1]: expected a package name (lowercase "
		     "letters, digits, '+', '-' and '.'), got \"-b\"");
}

/* YAML also breaks lines at a lone CR; positions must count those lines too. */
static void test_syntax_cr_line_breaks(void)
{
	assert_error("schema: zion/v1\rname: t\rbase: Debian\r",
		     "test.yaml:3:7: base: expected host or an image name (lowercase letters, "
		     "digits, '.', '_' and "
		     "'-'), got \"Debian\"");
	assert_parse_error("schema: zion/v1\rname: t\rdescription: a\x01\r",
			   "test.yaml:3:15: control character U+0001 is not allowed");
}

/* A value left out after "key:" has no place of its own: it is placed at its key (or "-"). */
static void test_syntax_empty_value_position(void)
{
	assert_error("schema: zion/v1\nname:\n", "test.yaml:2:1: name: needs a value");
	assert_error(HEAD "users:\n  - name:\n", "test.yaml:4:5: users[0].name: needs a value");
	assert_error(HEAD "users:\n  -\n",
		     "test.yaml:4:3: users[0]: expected a mapping, got nothing");
	assert_error(HEAD "env:\n  EDITOR:\n",
		     "test.yaml:4:3: env.EDITOR: expected a single value, got nothing");
	assert_error("{schema: zion/v1, name: }", "test.yaml:1:19: name: needs a value");
}

static void test_json_errors(void)
{
	assert_json_error("{\n  \"schema\": \"zion/v1\",\n  \"name\": \"t\",\n  \"appearance\": "
			  "{\"colour\": \"red\"}\n}",
			  "x.json:4:19: appearance: unknown field 'colour'; did you mean 'color'?");
	/* In JSON a string is never a number. */
	assert_json_error("{\n  \"schema\": \"zion/v1\",\n  \"name\": \"t\",\n  \"resources\": "
			  "{\"cpus\": \"1.5\"}\n}",
			  "x.json:4:26: resources.cpus: expected a number of CPUs like 2 or 1.5, "
			  "got \"1.5\"");
}

static const char same_yaml[] = "schema: zion/v1\n"
				"name: same\n"
				"description: One persona, two spellings\n"
				"appearance:\n"
				"  color: \"#ABCDEF\"\n"
				"  font_size: 11\n"
				"resources:\n"
				"  cpus: 1.50\n"
				"  memory: 4096M\n"
				"devices:\n"
				"  gpu: True\n"
				"users:\n"
				"  - name: me\n"
				"    uid: 1000\n"
				"    groups: [audio]\n"
				"network:\n"
				"  mode: nat\n"
				"firewall:\n"
				"  rules:\n"
				"    - action: allow\n"
				"      proto: tcp\n"
				"      port: 443\n"
				"schedule:\n"
				"  - name: tidy\n"
				"    interval: 120m\n"
				"    command: find /tmp -delete\n"
				"env:\n"
				"  A: \"1\"\n"
				"  B: two\n"
				"files:\n"
				"  - path: /etc/motd\n"
				"    content: \"hi\\n\"\n"
				"    mode: 644\n"
				"    owner: me\n"
				"storage:\n"
				"  shared: true\n"
				"autostart: [foot]\n";

static const char same_json[] =
	"{\n"
	"  \"autostart\": [\"foot\"],\n"
	"  \"env\": {\"B\": \"two\", \"A\": 1},\n"
	"  \"files\": [{\n"
	"    \"owner\": \"me:me\", \"mode\": \"0644\", \"content\": \"hi\\n\",\n"
	"    \"path\": \"/etc/motd\", \"remove\": false\n"
	"  }],\n"
	"  \"schema\": \"zion/v1\",\n"
	"  \"name\": \"same\",\n"
	"  \"network\": {\"mode\": \"nat\", \"hostname\": \"same\", \"dns\": []},\n"
	"  \"description\": \"One persona, two spellings\",\n"
	"  \"appearance\": {\"color\": \"#abcdef\", \"wallpaper\": null},\n"
	"  \"resources\": {\"cpus\": 1.5, \"memory\": \"4G\", \"cpu_weight\": 100},\n"
	"  \"devices\": {\"gpu\": true, \"usb\": false},\n"
	"  \"users\": [{\"uid\": 1000, \"name\": \"me\", \"groups\": [\"audio\"], \"shell\": "
	"\"/bin/sh\"}],\n"
	"  \"firewall\": {\n"
	"    \"incoming\": \"deny\",\n"
	"    \"rules\": [{\"port\": \"443\", \"action\": \"allow\", \"direction\": \"in\"}]\n"
	"  },\n"
	"  \"schedule\": [{\"command\": \"find /tmp -delete\", \"interval\": \"2h\", \"name\": "
	"\"tidy\"}],\n"
	"  \"storage\": {\"private\": true},\n"
	"  \"packages\": {\"install\": []}\n"
	"}\n";

static void test_identity_yaml_json(void)
{
	g_autoptr(ZionPersona) from_yaml = assert_valid(same_yaml);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) from_json = load("same.json", same_json, &error);
	g_assert_no_error(error);
	g_assert(from_json);

	g_autofree char *yaml_json = zion_persona_canonical_json(from_yaml);
	g_autofree char *json_json = zion_persona_canonical_json(from_json);
	g_assert_cmpstr(json_json, ==, yaml_json);
	g_autofree char *yaml_hash = zion_persona_hash(from_yaml);
	g_autofree char *json_hash = zion_persona_hash(from_json);
	g_assert_cmpstr(json_hash, ==, yaml_hash);

	g_autofree char *expected = g_compute_checksum_for_string(G_CHECKSUM_SHA256, yaml_json, -1);
	g_assert_cmpstr(yaml_hash, ==, expected);
}

static void test_identity_round_trip(void)
{
	g_autoptr(ZionPersona) p = assert_valid(full_yaml);
	g_autofree char *json = zion_persona_canonical_json(p);
	g_autofree char *hash = zion_persona_hash(p);

	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) again = load("x.json", json, &error);
	g_assert_no_error(error);
	g_assert(again);
	g_autofree char *json_again = zion_persona_canonical_json(again);
	g_assert_cmpstr(json_again, ==, json);
	g_autofree char *hash_again = zion_persona_hash(again);
	g_assert_cmpstr(hash_again, ==, hash);

	g_autoptr(ZionNode) node = zion_persona_to_node(p);
	g_autofree char *pretty = zion_pretty_json(node);
	g_autofree char *pretty_hash = hash_of("x.json", pretty);
	g_assert_cmpstr(pretty_hash, ==, hash);
}

/* The host name written out for a persona that leaves it to its name is read back as it was. */
static void test_identity_round_trip_derived_hostname(void)
{
	g_autoptr(ZionPersona) p = assert_valid("schema: zion/v1\nname: my-desk-2\n");
	g_assert_cmpstr(p->network.hostname, ==, "my-desk-2");
	g_autofree char *json = zion_persona_canonical_json(p);
	g_assert_nonnull(strstr(json, "\"hostname\":\"my-desk-2\""));
	g_autofree char *hash = zion_persona_hash(p);
	g_autofree char *hash_again = hash_of("x.json", json);
	g_assert_cmpstr(hash_again, ==, hash);
}

static void test_identity_different(void)
{
	static const char *const personas[] = {
		HEAD,
		"schema: zion/v1\nname: u\n",
		HEAD "description: x\n",
		HEAD "devices:\n  usb: true\n",
		HEAD "env:\n  A: \"1\"\n",
		HEAD "env:\n  A: \"2\"\n",
		HEAD "env:\n  B: \"1\"\n",
		HEAD "autostart: [a, b]\n",
		HEAD "autostart: [b, a]\n",
		HEAD "resources:\n  memory: 4G\n",
		HEAD "resources:\n  memory: 4097M\n",
		HEAD "files:\n  - path: /a\n    content: x\n",
		HEAD "files:\n  - path: /a\n    content: x\n    mode: 0600\n",
		HEAD "files:\n  - path: /a\n    remove: true\n",
	};
	g_autoptr(GHashTable) hashes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(personas); i++) {
		g_autoptr(ZionPersona) p = assert_valid(personas[i]);
		char *hash = zion_persona_hash(p);
		g_assert_cmpuint(strlen(hash), ==, 64);
		g_assert_cmpuint(strspn(hash, "0123456789abcdef"), ==, 64);
		g_assert_true(g_hash_table_add(hashes, hash));
	}
}

/* The canonical spellings the format promises, and the hash it quotes for its minimal persona. */
static void test_identity_canonical_forms(void)
{
	g_autoptr(ZionPersona) minimal = assert_valid("schema: zion/v1\nname: minimal\n");
	g_autofree char *minimal_hash = zion_persona_hash(minimal);
	g_assert_cmpstr(minimal_hash, ==,
			"f90a768fde9296a56f733d2a232b854b92784b3ee980fd03b006e946c5fb402f");

	g_autoptr(ZionPersona) p =
		assert_valid(HEAD "appearance:\n"
				  "  color: \"#E01B24\"\n"
				  "resources:\n"
				  "  cpus: 2.000\n"
				  "  memory: 17000000\n"
				  "firewall:\n"
				  "  rules:\n"
				  "    - action: allow\n"
				  "      port: 5000-5000\n"
				  "schedule:\n"
				  "  - {name: a, interval: 120s, command: x}\n"
				  "  - {name: b, interval: 1440m, command: x}\n"
				  "  - {name: c, interval: 14d, command: x}\n"
				  "files:\n"
				  "  - {path: /a, content: x, mode: 644, owner: alice}\n");
	g_autofree char *json = zion_persona_canonical_json(p);
	static const char *const fragments[] = {
		"\"color\":\"#e01b24\"",
		"\"cpus\":2,",
		"\"memory\":\"17000000\"",
		"\"port\":\"5000\"",
		"\"interval\":\"2m\",\"name\":\"a\"",
		"\"interval\":\"1d\",\"name\":\"b\"",
		"\"interval\":\"2w\",\"name\":\"c\"",
		"{\"content\":\"x\",\"mode\":\"0644\",\"owner\":\"alice:alice\",",
		"\"path\":\"/a\",\"remove\":false}",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(fragments); i++) {
		if (!strstr(json, fragments[i]))
			g_test_fail_printf("%s is not in %s", fragments[i], json);
	}
}

static void test_identity_to_node(void)
{
	static const char *const top[] = { "schema",	 "name",      "description", "base",
					   "appearance", "resources", "devices",     "users",
					   "packages",	 "network",   "firewall",    "schedule",
					   "env",	 "files",     "storage",     "autostart" };
	g_autoptr(ZionPersona) p = assert_valid(full_yaml);
	g_autoptr(ZionNode) node = zion_persona_to_node(p);
	g_assert_cmpint(node->kind, ==, ZION_NODE_MAPPING);
	g_assert_cmpuint(zion_node_length(node), ==, G_N_ELEMENTS(top));
	for (guint i = 0; i < G_N_ELEMENTS(top); i++)
		g_assert_cmpstr(zion_node_key(node, i)->text, ==, top[i]);

	/* A removed file carries only its path. */
	const ZionNode *files = zion_node_lookup(node, "files");
	const ZionNode *removed = zion_node_item(files, 1);
	g_assert_cmpuint(zion_node_length(removed), ==, 2);
	g_assert_cmpstr(zion_node_lookup(removed, "path")->text, ==, "/etc/issue");
	g_assert_cmpstr(zion_node_lookup(removed, "remove")->text, ==, "true");
	const ZionNode *motd = zion_node_item(files, 0);
	g_assert_cmpstr(zion_node_lookup(motd, "mode")->text, ==, "0600");
	g_assert_cmpstr(zion_node_lookup(motd, "owner")->text, ==, "alice:staff");

	const ZionNode *resources = zion_node_lookup(node, "resources");
	g_assert_cmpstr(zion_node_lookup(resources, "cpus")->text, ==, "1.25");
	g_assert_cmpstr(zion_node_lookup(resources, "memory")->text, ==, "1536M");
	const ZionNode *rules = zion_node_lookup(zion_node_lookup(node, "firewall"), "rules");
	g_assert_cmpstr(zion_node_lookup(zion_node_item(rules, 1), "port")->text, ==, "6000-6010");
	g_assert_true(zion_node_is_null(zion_node_lookup(zion_node_item(rules, 2), "port")));
	const ZionNode *sync = zion_node_item(zion_node_lookup(node, "schedule"), 1);
	g_assert_cmpstr(zion_node_lookup(sync, "interval")->text, ==, "2h");
	g_assert_true(zion_node_is_null(zion_node_lookup(sync, "calendar")));
	const ZionNode *bob = zion_node_item(zion_node_lookup(node, "users"), 1);
	g_assert_true(zion_node_is_null(zion_node_lookup(bob, "uid")));
}

static void test_examples(void)
{
	static const char *const names[] = { "personal", "work", "gaming", "development" };
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *relative = g_strdup_printf("data/personas/%s.yaml", names[i]);
		g_autofree char *path = zt_source_path(relative);
		g_autoptr(GError) error = NULL;
		g_autoptr(ZionPersona) p = zion_persona_load_file(path, &error);
		g_assert_no_error(error);
		g_assert(p);
		g_assert_cmpstr(p->name, ==, names[i]);

		g_autofree char *json = zion_persona_canonical_json(p);
		g_autofree char *hash = zion_persona_hash(p);
		g_autofree char *hash_again = hash_of("x.json", json);
		g_assert_cmpstr(hash_again, ==, hash);
	}
}

/* A file may hold at most 4 MiB. */
static void test_file_size_limit(void)
{
	const char *dir = zt_temp_dir();
	g_autoptr(GString) text = g_string_new(HEAD "# ");
	while (text->len < ZION_NODE_MAX_FILE_SIZE - 1)
		g_string_append_c(text, 'x');
	g_string_append_c(text, '\n');
	g_autofree char *largest = zt_write_file(dir, "largest.yaml", text->str);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) p = zion_persona_load_file(largest, &error);
	g_assert_no_error(error);
	g_assert_nonnull(p);

	g_string_append_c(text, '\n');
	g_autofree char *too_large = zt_write_file(dir, "too-large.yaml", text->str);
	g_autoptr(ZionPersona) refused = zion_persona_load_file(too_large, &error);
	g_assert_null(refused);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_autofree char *expected = g_strdup_printf("%s: the file is larger than 4 MiB", too_large);
	g_assert_cmpstr(error ? error->message : NULL, ==, expected);
}

static void test_sizes(void)
{
	static const struct {
		const char *text;
		guint64 bytes;
		const char *formatted;
	} cases[] = {
		{ "4G", 4ULL << 30, "4G" },
		{ "4096M", 4ULL << 30, "4G" },
		{ "1536M", 1536ULL << 20, "1536M" },
		{ "1K", 1024, "1K" },
		{ "1024K", 1ULL << 20, "1M" },
		{ "1T", 1ULL << 40, "1T" },
		{ "12345", 12345, "12345" },
		{ "1024", 1024, "1K" },
		{ "0", 0, "0" },
		{ "4GiB", 4ULL << 30, "4G" },
		{ "3MiB", 3ULL << 20, "3M" },
		{ "1023T", 1023ULL << 40, "1023T" },
		{ "16384K", 16ULL << 20, "16M" },
		{ "17179869184", 16ULL << 30, "16G" },
		{ "17000000", 17000000, "17000000" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint64 bytes = G_MAXUINT64;
		g_assert_true(zion_parse_size(cases[i].text, &bytes));
		g_assert_cmpuint(bytes, ==, cases[i].bytes);
		g_autofree char *formatted = zion_format_size(bytes);
		g_assert_cmpstr(formatted, ==, cases[i].formatted);
	}

	static const char *const rejects[] = {
		"",
		"G",
		"-1",
		"4g",
		"4k",
		"1P",
		"4 G",
		" 4G",
		"4G ",
		"4GB",
		"4MB",
		"4Gi",
		"4iB",
		"4.5G",
		"+4G",
		"0x10",
		"1025T",
		"1125899906842625",
		"18446744073709551616",
		"99999999999999999999999G",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(rejects); i++) {
		guint64 bytes = 7;
		g_assert_false(zion_parse_size(rejects[i], &bytes));
		g_assert_cmpuint(bytes, ==, 7);
	}
}

static void test_durations(void)
{
	static const struct {
		const char *text;
		guint64 seconds;
		const char *formatted;
	} cases[] = {
		{ "90s", 90, "90s" },
		{ "60s", 60, "1m" },
		{ "15m", 15 * 60, "15m" },
		{ "120m", 2 * 3600, "2h" },
		{ "90m", 90 * 60, "90m" },
		{ "2h", 2 * 3600, "2h" },
		{ "48h", 2 * 86400, "2d" },
		{ "1d", 86400, "1d" },
		{ "14d", 14 * 86400, "2w" },
		{ "1w", 7 * 86400, "1w" },
		{ "4294967295s", 4294967295ULL, "4294967295s" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint64 seconds = G_MAXUINT64;
		g_assert_true(zion_parse_duration(cases[i].text, &seconds));
		g_assert_cmpuint(seconds, ==, cases[i].seconds);
		g_autofree char *formatted = zion_format_duration(seconds);
		g_assert_cmpstr(formatted, ==, cases[i].formatted);
	}

	static const char *const rejects[] = {
		"",    "m",   "0m",    "5y",  "5",   "5M",  "5H",	   "1.5h",
		"-5m", "+5m", "1h30m", " 5m", "5 m", "5mm", "4294967296s",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(rejects); i++) {
		guint64 seconds = 7;
		g_assert_false(zion_parse_duration(rejects[i], &seconds));
		g_assert_cmpuint(seconds, ==, 7);
	}
}

/* Characters YAML refuses raw but accepts escaped come back escaped in the canonical form. */
static void test_canonical_escapes(void)
{
	g_autoptr(ZionPersona) p =
		assert_valid(HEAD "description: \"a\\x7fb\\u009fc\\uFFFFd\\te\"\n");
	g_assert_cmpstr(p->description, ==,
			"a\x7f"
			"b\xc2\x9f"
			"c\xef\xbf\xbf"
			"d\te");
	g_autofree char *canonical = zion_persona_canonical_json(p);
	g_assert_nonnull(strstr(canonical, "\"description\":\"a\\u007fb\\u009fc\\uffffd\\te\""));
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) again = load("x.json", canonical, &error);
	g_assert_no_error(error);
	g_autofree char *canonical_again = zion_persona_canonical_json(again);
	g_assert_cmpstr(canonical_again, ==, canonical);
	assert_parse_error(HEAD "description: \"\xef\xbf\xbf\"\n",
			   "test.yaml:3:15: character U+FFFF is not allowed");
}

/* Nesting is bounded, so that hostile files cannot exhaust the stack. */
static void test_nesting_depth(void)
{
	g_autoptr(GString) deep = g_string_new(HEAD "env: ");
	for (int i = 0; i < 100; i++)
		g_string_append_c(deep, '[');
	for (int i = 0; i < 100; i++)
		g_string_append_c(deep, ']');
	g_string_append_c(deep, '\n');
	/* The root mapping and 63 lists fill the 64 levels: the 64th [ (column 69) is one too many.
	 */
	assert_parse_error(deep->str, "test.yaml:3:69: lists and mappings are nested too deeply");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* One failing case should not hide the others. */
	g_test_set_nonfatal_assertions();

	g_test_add_func("/persona/valid/full", test_valid_full);
	g_test_add_func("/persona/valid/defaults", test_valid_defaults);
	g_test_add_func("/persona/valid/null-is-default", test_valid_null_is_default);
	g_test_add_func("/persona/valid/limits", test_valid_limits);
	g_test_add_func("/persona/valid/calendars", test_valid_calendars);
	g_test_add_func("/persona/valid/files", test_valid_files);
	g_test_add_func("/persona/valid/strings", test_valid_strings);
	g_test_add_func("/persona/valid/firewall", test_valid_firewall);
	g_test_add_func("/persona/sessions", test_sessions);
	g_test_add_func("/persona/top/unknown", test_top_unknown);
	g_test_add_func("/persona/top/schema", test_top_schema);
	g_test_add_func("/persona/top/name", test_top_name);
	g_test_add_func("/persona/top/other", test_top_other);
	g_test_add_func("/persona/appearance/invalid", test_appearance_invalid);
	g_test_add_func("/persona/resources/cpus/invalid", test_resources_cpus_invalid);
	g_test_add_func("/persona/resources/memory/invalid", test_resources_memory_invalid);
	g_test_add_func("/persona/resources/other/invalid", test_resources_other_invalid);
	g_test_add_func("/persona/devices/invalid", test_devices_invalid);
	g_test_add_func("/persona/users/invalid", test_users_invalid);
	g_test_add_func("/persona/users/duplicate", test_users_duplicate);
	g_test_add_func("/persona/packages/invalid", test_packages_invalid);
	g_test_add_func("/persona/network/invalid", test_network_invalid);
	g_test_add_func("/persona/firewall/invalid", test_firewall_invalid);
	g_test_add_func("/persona/firewall/ports", test_firewall_ports);
	g_test_add_func("/persona/firewall/addresses", test_firewall_addresses);
	g_test_add_func("/persona/schedule/invalid", test_schedule_invalid);
	g_test_add_func("/persona/schedule/interval", test_schedule_interval);
	g_test_add_func("/persona/schedule/calendar", test_schedule_calendar);
	g_test_add_func("/persona/schedule/command", test_schedule_command);
	g_test_add_func("/persona/env/invalid", test_env_invalid);
	g_test_add_func("/persona/files/paths", test_files_paths);
	g_test_add_func("/persona/files/invalid", test_files_invalid);
	g_test_add_func("/persona/files/mode-owner", test_files_mode_owner);
	g_test_add_func("/persona/files/nested", test_files_nested);
	g_test_add_func("/persona/files/nested-past-sibling", test_files_nested_past_sibling);
	g_test_add_func("/persona/storage-autostart/invalid", test_storage_autostart_invalid);
	g_test_add_func("/persona/syntax/libfyaml", test_syntax_libfyaml);
	g_test_add_func("/persona/syntax/duplicate-key", test_syntax_duplicate_key);
	g_test_add_func("/persona/syntax/structure", test_syntax_structure);
	g_test_add_func("/persona/syntax/anchors", test_syntax_anchors);
	g_test_add_func("/persona/syntax/aliases", test_syntax_aliases);
	g_test_add_func("/persona/syntax/tags", test_syntax_tags);
	g_test_add_func("/persona/syntax/nul", test_syntax_nul);
	g_test_add_func("/persona/syntax/raw-characters", test_syntax_raw_characters);
	g_test_add_func("/persona/syntax/tab-indented-entry", test_syntax_tab_indented_entry);
	g_test_add_func("/persona/syntax/cr-line-breaks", test_syntax_cr_line_breaks);
	g_test_add_func("/persona/syntax/empty-value-position", test_syntax_empty_value_position);
	g_test_add_func("/persona/json/errors", test_json_errors);
	g_test_add_func("/persona/identity/yaml-json", test_identity_yaml_json);
	g_test_add_func("/persona/identity/round-trip", test_identity_round_trip);
	g_test_add_func("/persona/identity/round-trip-derived-hostname",
			test_identity_round_trip_derived_hostname);
	g_test_add_func("/persona/identity/different", test_identity_different);
	g_test_add_func("/persona/identity/canonical-forms", test_identity_canonical_forms);
	g_test_add_func("/persona/identity/to-node", test_identity_to_node);
	g_test_add_func("/persona/examples", test_examples);
	g_test_add_func("/persona/file-size-limit", test_file_size_limit);
	g_test_add_func("/persona/units/sizes", test_sizes);
	g_test_add_func("/persona/units/durations", test_durations);
	g_test_add_func("/persona/canonical/escapes", test_canonical_escapes);
	g_test_add_func("/persona/syntax/nesting-depth", test_nesting_depth);

	return g_test_run();
}
