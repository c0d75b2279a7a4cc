/*
 * The first step, for the base "host" only: the host's root is shared read-only, but root inside
 * a desktop reads every file of it as the host's root could, since layers are stored unshifted.
 * So what holds the host's secrets or its users' data is hidden in the layer: password hashes are
 * locked in /etc/shadow and /etc/gshadow, their backups and the SSH host keys are removed, and
 * the directories below are emptied (the persona's own steps fill them again after).
 */
#include <string.h>

#include "layer-internal.h"

/* Files removed wherever the host has them. */
static const char *const hidden_files[] = {
	"/etc/shadow-", /* backups shadow tools leave */
	"/etc/gshadow-",
	"/etc/krb5.keytab",
	"/etc/security/opasswd", /* old password hashes */
	NULL,
};

/* Directories the desktop sees empty, with their mode. */
static const struct {
	const char *path;
	mode_t mode;
} emptied[] = {
	{ "/root", 0700 },
	{ "/home", 0755 }, /* the host's users' files */
	{ "/tmp", 01777 },
	{ "/var/tmp", 01777 },
	{ "/var/backups", 0755 }, /* shadow.bak and friends */
	{ "/var/mail", 0755 },
	{ "/var/spool/cron", 0755 }, /* the host's users' crontabs */
	{ "/var/log", 0755 },
	{ "/var/lib/sudo", 0700 },
	{ "/var/lib/lxc", 0700 },			    /* other containers */
	{ "/etc/NetworkManager/system-connections", 0700 }, /* wifi and VPN secrets */
	{ "/etc/wpa_supplicant", 0755 },
};

/* Every account's password field in a shadow-like table locked ("!"). */
static char *locked(const char *table)
{
	g_auto(GStrv) lines = g_strsplit(table, "\n", -1);
	g_autoptr(GString) out = g_string_new(NULL);
	for (guint i = 0; lines[i]; i++) {
		if (!*lines[i])
			continue;
		g_auto(GStrv) fields = g_strsplit(lines[i], ":", -1);
		if (fields[0] && fields[1]) {
			g_free(fields[1]);
			fields[1] = g_strdup("!");
		}
		g_autofree char *line = g_strjoinv(":", fields);
		g_string_append_printf(out, "%s\n", line);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static gboolean lock_table(ZionLayerBuild *build, const char *path, GError **error)
{
	g_autofree char *table = zion_layer_read(build, path, error);
	if (!table)
		return !(error && *error);
	g_autofree char *text = locked(table);
	return zion_layer_replace(build, path, text, 0640, error);
}

/* The SSH host's private keys, e.g. /etc/ssh/ssh_host_ed25519_key. */
static gboolean hide_ssh_keys(ZionLayerBuild *build, GError **error)
{
	g_autofree char *dir = g_build_filename(build->base->rootfs, "etc", "ssh", NULL);
	g_autoptr(GDir) keys = g_dir_open(dir, 0, NULL);
	const char *name;
	while (keys && (name = g_dir_read_name(keys))) {
		if (!g_str_has_prefix(name, "ssh_host_") || g_str_has_suffix(name, ".pub"))
			continue;
		g_autofree char *path = g_build_filename("/etc/ssh", name, NULL);
		if (!zion_layer_whiteout(build, path, error))
			return FALSE;
	}
	return TRUE;
}

gboolean zion_layer_apply_host(ZionLayerBuild *build, GError **error)
{
	if (strcmp(build->base->kind, "host") != 0)
		return TRUE;
	struct stat st;
	if (!lock_table(build, "/etc/shadow", error) || !lock_table(build, "/etc/gshadow", error) ||
	    !hide_ssh_keys(build, error))
		return FALSE;
	for (guint i = 0; hidden_files[i]; i++) {
		if (zion_layer_stat(build, hidden_files[i], &st) &&
		    !zion_layer_whiteout(build, hidden_files[i], error))
			return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(emptied); i++) {
		if (zion_layer_stat(build, emptied[i].path, &st) && S_ISDIR(st.st_mode) &&
		    !zion_layer_empty_dir(build, emptied[i].path, emptied[i].mode, error))
			return FALSE;
	}
	/* Zion's own state (other desktops' homes and layers) when it lies in the host's root. */
	if (g_str_has_prefix(build->state_dir, "/") &&
	    zion_layer_stat(build, build->state_dir, &st) && S_ISDIR(st.st_mode) &&
	    !zion_layer_empty_dir(build, build->state_dir, 0700, error))
		return FALSE;
	zion_layer_log(build, "  the host's secrets and its users' files hidden");
	return TRUE;
}
