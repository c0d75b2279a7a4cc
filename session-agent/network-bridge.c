/* The NAT bridge through ip(8) and nft(8). */
#include "network-bridge.h"

#include <gio/gio.h>
#include <string.h>

#include "zion-error.h"

#define FORWARDING "/proc/sys/net/ipv4/ip_forward"

gboolean zion_bridge_check_name(const char *bridge, GError **error)
{
	gsize length = bridge ? strlen(bridge) : 0;
	gboolean ok = length >= 1 && length <= 15;
	for (gsize i = 0; ok && i < length; i++)
		ok = g_ascii_islower(bridge[i]) || g_ascii_isdigit(bridge[i]);
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "bridge name '%s': expected 1 to 15 lower-case letters and digits",
			    bridge ? bridge : "");
	return ok;
}

char *zion_bridge_table(const char *bridge)
{
	return g_strdup_printf("zion_%s", bridge);
}

/* Runs argv, feeding it input (may be NULL); the error quotes what it printed. */
static gboolean run(const char *const *argv, const char *input, GError **error)
{
	g_autoptr(GSubprocess) process = g_subprocess_newv(
		argv,
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
			G_SUBPROCESS_FLAGS_STDERR_PIPE,
		error);
	g_autofree char *err = NULL;
	if (!process || !g_subprocess_communicate_utf8(process, input, NULL, NULL, &err, error))
		return FALSE;
	if (g_subprocess_get_successful(process))
		return TRUE;
	g_autofree char *line = g_strjoinv(" ", (char **)argv);
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "`%s` failed: %s", line,
		    err && *g_strstrip(err) ? err : "without saying why");
	return FALSE;
}

gboolean zion_bridge_parse_address(const char *address, guint32 *gateway, guint *length,
				   GError **error)
{
	/* GInetAddressMask refuses host bits, and a gateway has them. */
	g_auto(GStrv) parts = g_strsplit(address, "/", 2);
	g_autoptr(GInetAddress) host =
		parts[0] && parts[1] ? g_inet_address_new_from_string(parts[0]) : NULL;
	char *end = NULL;
	guint64 prefix = host ? g_ascii_strtoull(parts[1], &end, 10) : 0;
	*length = (guint)prefix;
	if (!host || !*parts[1] || *end ||
	    g_inet_address_get_family(host) != G_SOCKET_FAMILY_IPV4 ||
	    !g_inet_address_get_is_site_local(host) || prefix < 16 || prefix > 30) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "bridge address '%s': expected a private IPv4 address with a prefix of "
			    "16 to 30, like 10.88.0.1/24",
			    address);
		return FALSE;
	}
	const guint8 *bytes = g_inet_address_to_bytes(host);
	*gateway = (guint32)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
	return TRUE;
}

char *zion_bridge_format_address(guint32 address)
{
	return g_strdup_printf("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
			       (address >> 8) & 0xff, address & 0xff);
}

static gboolean ensure_link(const char *bridge, const char *address, GError **error)
{
	g_autofree char *sysfs = g_strdup_printf("/sys/class/net/%s", bridge);
	g_autofree char *bridge_dir = g_strdup_printf("/sys/class/net/%s/bridge", bridge);
	if (g_file_test(sysfs, G_FILE_TEST_EXISTS) &&
	    !g_file_test(bridge_dir, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_EXISTS,
			    "network interface %s exists and is not a bridge", bridge);
		return FALSE;
	}
	const char *add[] = { "ip", "link", "add", bridge, "type", "bridge", NULL };
	const char *addr[] = { "ip", "addr", "replace", address, "dev", bridge, NULL };
	const char *up[] = { "ip", "link", "set", bridge, "up", NULL };
	return (g_file_test(sysfs, G_FILE_TEST_EXISTS) || run(add, NULL, error)) &&
	       run(addr, NULL, error) && run(up, NULL, error);
}

static gboolean enable_forwarding(GError **error)
{
	g_autofree char *now = NULL;
	if (g_file_get_contents(FORWARDING, &now, NULL, NULL) && now[0] == '1')
		return TRUE;
	if (!g_file_set_contents_full(FORWARDING, "1\n", -1, G_FILE_SET_CONTENTS_NONE, 0644,
				      error)) {
		g_prefix_error(error, "cannot turn on IPv4 forwarding: ");
		return FALSE;
	}
	return TRUE;
}

/* Declaring the table before deleting it makes the first load and every later one the same,
 * and nft applies the file as one transaction. */
static gboolean load_table(const char *bridge, guint32 gateway, guint length, GError **error)
{
	g_autofree char *table = zion_bridge_table(bridge);
	g_autofree char *first = zion_bridge_format_address(gateway & ~((1u << (32 - length)) - 1));
	g_autofree char *net = g_strdup_printf("%s/%u", first, length);
	g_autofree char *ruleset =
		g_strdup_printf("table ip %1$s\n"
				"delete table ip %1$s\n"
				"table ip %1$s {\n"
				"\tchain postrouting {\n"
				"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
				"\t\tip saddr %2$s oifname != \"%3$s\" masquerade\n"
				"\t}\n"
				"\tchain forward {\n"
				"\t\ttype filter hook forward priority filter; policy accept;\n"
				"\t\tiifname \"%3$s\" accept\n"
				"\t\toifname \"%3$s\" ct state established,related accept\n"
				"\t\toifname \"%3$s\" drop\n"
				"\t}\n"
				"}\n",
				table, net, bridge);
	const char *argv[] = { "nft", "-f", "-", NULL };
	if (!run(argv, ruleset, error)) {
		g_prefix_error(error, "bridge %s: table ip %s: ", bridge, table);
		return FALSE;
	}
	return TRUE;
}

gboolean zion_bridge_isolate_ports(const char *bridge, GError **error)
{
	g_autofree char *ports = g_strdup_printf("/sys/class/net/%s/brif", bridge);
	g_autoptr(GDir) dir = g_dir_open(ports, 0, error);
	if (!dir)
		return FALSE;
	for (const char *port; (port = g_dir_read_name(dir));) {
		g_autofree char *isolated = g_build_filename(ports, port, "isolated", NULL);
		if (!g_file_set_contents_full(isolated, "1\n", -1, G_FILE_SET_CONTENTS_NONE, 0644,
					      error)) {
			g_prefix_error(error, "bridge %s: cannot isolate port %s: ", bridge, port);
			return FALSE;
		}
	}
	return TRUE;
}

gboolean zion_bridge_ensure(const char *bridge, const char *address, GError **error)
{
	guint32 gateway;
	guint length;
	return zion_bridge_check_name(bridge, error) &&
	       zion_bridge_parse_address(address, &gateway, &length, error) &&
	       ensure_link(bridge, address, error) && enable_forwarding(error) &&
	       load_table(bridge, gateway, length, error);
}
