/*
 * The firewall step: the persona's rules as an nftables ruleset, /etc/zion/firewall.nft (table
 * inet zion, input and output chains with the persona's policies), which the agent loads into the
 * desktop's network namespace when it starts. Checked with `nft -c` where nft is installed.
 */
#include <string.h>
#include <unistd.h>

#include "layer-internal.h"
#include "zion-error.h"

#define RULESET "/etc/zion/firewall.nft"

static const char *verdict(ZionFirewallAction action)
{
	return action == ZION_FIREWALL_ALLOW ? "accept" : "drop";
}

static void append_rule(GString *out, const ZionFirewallRule *rule)
{
	g_string_append(out, "\t\t");
	if (rule->address) {
		gboolean v6 = strchr(rule->address, ':') != NULL;
		g_string_append_printf(out, "%s %s %s ", v6 ? "ip6" : "ip",
				       rule->direction == ZION_DIRECTION_IN ? "saddr" : "daddr",
				       rule->address);
	}
	const char *proto = zion_proto_names[rule->proto];
	if ((rule->proto == ZION_PROTO_TCP || rule->proto == ZION_PROTO_UDP) && rule->port_first) {
		/* The port of the service: ours for incoming, the peer's for outgoing. */
		g_string_append_printf(out, "%s dport %u", proto, rule->port_first);
		if (rule->port_last != rule->port_first)
			g_string_append_printf(out, "-%u", rule->port_last);
		g_string_append_c(out, ' ');
	} else if (rule->proto == ZION_PROTO_TCP || rule->proto == ZION_PROTO_UDP) {
		g_string_append_printf(out, "meta l4proto %s ", proto);
	} else if (rule->proto == ZION_PROTO_ICMP) {
		g_string_append(out, "meta l4proto { icmp, ipv6-icmp } ");
	}
	g_string_append_printf(out, "%s\n", verdict(rule->action));
}

static void append_chain(GString *out, const ZionPersona *persona, ZionDirection direction)
{
	gboolean in = direction == ZION_DIRECTION_IN;
	ZionFirewallAction policy = in ? persona->firewall.incoming : persona->firewall.outgoing;
	g_string_append_printf(out,
			       "\tchain %s {\n"
			       "\t\ttype filter hook %s priority filter; policy %s;\n"
			       "\t\tct state established,related accept\n"
			       "\t\t%s \"lo\" accept\n",
			       in ? "input" : "output", in ? "input" : "output", verdict(policy),
			       in ? "iif" : "oif");
	for (guint i = 0; i < persona->firewall.rules->len; i++) {
		const ZionFirewallRule *rule = g_ptr_array_index(persona->firewall.rules, i);
		if (rule->direction == direction)
			append_rule(out, rule);
	}
	g_string_append(out, "\t}\n");
}

/* nft's own check (it needs CAP_NET_ADMIN to ask the kernel, so only as root). */
static gboolean check(ZionLayerBuild *build, GError **error)
{
	g_autofree char *nft = g_find_program_in_path("nft");
	if (!nft && g_file_test("/usr/sbin/nft", G_FILE_TEST_IS_EXECUTABLE))
		nft = g_strdup("/usr/sbin/nft");
	if (!nft || geteuid() != 0) {
		zion_layer_log(build, "  not checked (%s)", nft ? "not root" : "nft is missing");
		return TRUE;
	}
	g_autofree char *path = g_build_filename(build->upper, RULESET, NULL);
	const char *argv[] = { nft, "-c", "-f", path, NULL };
	g_autofree char *output = NULL;
	gint status;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &output, &status, error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: firewall: nft -c refused the ruleset: %s",
			    build->persona->name, g_strstrip(output));
		return FALSE;
	}
	zion_layer_log(build, "  checked with nft -c");
	return TRUE;
}

gboolean zion_layer_apply_firewall(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	g_autoptr(GString) out = g_string_new("");
	/* Declaring the table before deleting it makes loading the file again replace it. */
	g_string_append_printf(out,
			       "#!/usr/sbin/nft -f\n"
			       "# The firewall of persona %s, made by Zion; loaded into the\n"
			       "# desktop's network namespace when it starts.\n"
			       "table inet zion\n"
			       "delete table inet zion\n"
			       "table inet zion {\n",
			       persona->name);
	append_chain(out, persona, ZION_DIRECTION_IN);
	append_chain(out, persona, ZION_DIRECTION_OUT);
	g_string_append(out, "}\n");
	zion_layer_log(build, "  incoming %s, outgoing %s, %u rules",
		       zion_firewall_action_names[persona->firewall.incoming],
		       zion_firewall_action_names[persona->firewall.outgoing],
		       persona->firewall.rules->len);
	return zion_layer_write(build, RULESET, out->str, 0644, 0, 0, error) && check(build, error);
}
