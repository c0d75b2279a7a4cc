/* Address leases as files, one per address. */
#include "network-lease.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "network-bridge.h"
#include "zion-error.h"

/* The desktop a lease file names, or NULL. */
static char *holder(const char *dir, const char *address)
{
	g_autofree char *path = g_build_filename(dir, address, NULL);
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return g_strchomp(text);
}

static char *held_by(const char *dir, const char *desktop)
{
	g_autoptr(GDir) leases = g_dir_open(dir, 0, NULL);
	for (const char *entry; leases && (entry = g_dir_read_name(leases));) {
		g_autofree char *name = holder(dir, entry);
		if (g_strcmp0(name, desktop) == 0)
			return g_strdup(entry);
	}
	return NULL;
}

static gboolean in_network(const char *address, guint32 gateway, guint32 first, guint32 broadcast)
{
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(address);
	if (!inet || g_inet_address_get_family(inet) != G_SOCKET_FAMILY_IPV4)
		return FALSE;
	const guint8 *b = g_inet_address_to_bytes(inet);
	guint32 value = (guint32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	return value > first && value < broadcast && value != gateway;
}

/* Takes address for desktop unless another holds it. */
static gboolean try_take(const char *dir, const char *address, const char *desktop, GError **error)
{
	g_autofree char *path = g_build_filename(dir, address, NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return FALSE;
	g_autofree char *line = g_strdup_printf("%s\n", desktop);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot write the lease %s: %s",
			    path, g_strerror(errno));
		if (fd >= 0) {
			close(fd);
			g_unlink(path);
		}
		return FALSE;
	}
	close(fd);
	return TRUE;
}

char *zion_lease_take(const char *dir, const char *bridge_address, const char *desktop,
		      GError **error)
{
	guint32 gateway;
	guint length;
	if (!zion_bridge_parse_address(bridge_address, &gateway, &length, error))
		return NULL;
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", dir,
			    g_strerror(errno));
		return NULL;
	}
	guint32 first = gateway & ~((1u << (32 - length)) - 1);
	guint32 broadcast = first | ((1u << (32 - length)) - 1);
	g_autofree char *held = held_by(dir, desktop);
	/* One from another network (the bridge's address changed) is given back. */
	if (held && !in_network(held, gateway, first, broadcast)) {
		if (!zion_lease_release(dir, desktop, error))
			return NULL;
		g_clear_pointer(&held, g_free);
	}
	for (guint32 address = first + 1; !held && address < broadcast; address++) {
		g_autofree char *text = zion_bridge_format_address(address);
		if (address == gateway)
			continue;
		if (try_take(dir, text, desktop, error))
			held = g_steal_pointer(&text);
		else if (error && *error)
			return NULL;
	}
	if (!held) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
			    "no free address left in %s for desktop %s (leases in %s)",
			    bridge_address, desktop, dir);
		return NULL;
	}
	return g_strdup_printf("%s/%u", held, length);
}

gboolean zion_lease_release(const char *dir, const char *desktop, GError **error)
{
	for (char *address; (address = held_by(dir, desktop)); g_free(address)) {
		g_autofree char *path = g_build_filename(dir, address, NULL);
		if (g_unlink(path) < 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "cannot release the lease %s: %s", path, g_strerror(errno));
			g_free(address);
			return FALSE;
		}
	}
	return TRUE;
}
