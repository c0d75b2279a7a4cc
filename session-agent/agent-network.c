/*
 * A desktop's network as its persona says. none: loopback alone. nat: a veth on the agent's
 * bridge with an address leased under STATE/network/leases. host is refused: a desktop in the
 * host's network namespace would reach the host's abstract Unix sockets (X11's, D-Bus's) and
 * every local service, and its firewall would be the host's own.
 */
#include <string.h>

#include "agent.h"
#include "network-bridge.h"
#include "network-lease.h"
#include "zion-error.h"

static char *leases_dir(ZionAgent *agent)
{
	return g_build_filename(agent->state_dir, "network", "leases", NULL);
}

gboolean zion_agent_network_prepare(ZionAgent *agent, const char *desktop,
				    const ZionPersona *persona, ZionNetwork *network,
				    char **address, char **gateway, GError **error)
{
	*network = (ZionNetwork){ .mode = persona->network.mode };
	if (persona->network.mode == ZION_NETWORK_NONE)
		return TRUE;
	if (persona->network.mode == ZION_NETWORK_HOST) {
		g_set_error(
			error, ZION_ERROR, ZION_ERROR_INVALID,
			"persona %s: network.mode: 'host' is not offered for desktops (it would "
			"share the host's network namespace, its abstract Unix sockets and its "
			"firewall); use nat or none",
			persona->name);
		return FALSE;
	}
	guint32 gateway_ip;
	guint prefix;
	g_autofree char *dir = leases_dir(agent);
	if (!zion_bridge_parse_address(agent->bridge_address, &gateway_ip, &prefix, error) ||
	    !zion_bridge_ensure(agent->bridge, agent->bridge_address, error) ||
	    !(*address = zion_lease_take(dir, agent->bridge_address, desktop, error)))
		return FALSE;
	*gateway = zion_bridge_format_address(gateway_ip);
	network->bridge = agent->bridge;
	network->address = *address;
	network->gateway = *gateway;
	g_message("desktop %s: %s on bridge %s", desktop, *address, agent->bridge);
	return TRUE;
}

gboolean zion_agent_network_started(ZionAgent *agent, const ZionNetwork *network, GError **error)
{
	return network->mode != ZION_NETWORK_NAT || zion_bridge_isolate_ports(agent->bridge, error);
}

void zion_agent_network_release(ZionAgent *agent, const char *desktop)
{
	g_autofree char *dir = leases_dir(agent);
	g_autoptr(GError) error = NULL;
	if (!zion_lease_release(dir, desktop, &error))
		g_warning("desktop %s: %s", desktop, error->message);
}
