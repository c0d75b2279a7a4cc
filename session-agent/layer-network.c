/*
 * The network step: /etc/hostname, /etc/hosts, /etc/resolv.conf (when the persona names DNS
 * servers), and /etc/zion/network, the mode (none, nat or host) the agent sets up at start.
 */
#include "layer-internal.h"

gboolean zion_layer_apply_network(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	const char *hostname =
		persona->network.hostname ? persona->network.hostname : persona->name;
	const char *mode = zion_network_mode_names[persona->network.mode];
	g_autofree char *hostname_line = g_strdup_printf("%s\n", hostname);
	g_autofree char *hosts = g_strdup_printf("127.0.0.1\tlocalhost\n"
						 "127.0.1.1\t%s\n"
						 "::1\tlocalhost ip6-localhost ip6-loopback\n"
						 "ff02::1\tip6-allnodes\n"
						 "ff02::2\tip6-allrouters\n",
						 hostname);
	g_autofree char *mode_line = g_strdup_printf("%s\n", mode);
	zion_layer_log(build, "  hostname %s, mode %s, %u DNS servers", hostname, mode,
		       g_strv_length(persona->network.dns));
	if (!zion_layer_write(build, "/etc/hostname", hostname_line, 0644, 0, 0, error) ||
	    !zion_layer_write(build, "/etc/hosts", hosts, 0644, 0, 0, error) ||
	    !zion_layer_write(build, "/etc/zion/network", mode_line, 0644, 0, 0, error))
		return FALSE;
	if (!persona->network.dns[0])
		return TRUE;
	g_autoptr(GString) resolv =
		g_string_new("# Made by Zion from the persona's network.dns.\n");
	for (guint i = 0; persona->network.dns[i]; i++)
		g_string_append_printf(resolv, "nameserver %s\n", persona->network.dns[i]);
	return zion_layer_write(build, "/etc/resolv.conf", resolv->str, 0644, 0, 0, error);
}
