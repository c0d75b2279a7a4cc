/*
 * The agent's NAT network: one Linux bridge (zion0 by default) holding the host's end of every
 * NAT desktop's veth, with the gateway address, IPv4 forwarding, and masquerading in an nftables
 * table of Zion's own (ip zion_<bridge>), which is the only table the agent ever replaces.
 */
#pragma once

#include <glib.h>

/* A bridge name the agent accepts: 1 to 15 of [a-z0-9] (it also names the nftables table). */
gboolean zion_bridge_check_name(const char *bridge, GError **error);
/* The nftables table of bridge's NAT: "zion_<bridge>", in family ip. */
char *zion_bridge_table(const char *bridge);
/* The gateway address (host order) and prefix length of a bridge address like 10.88.0.1/24: a
 * private IPv4 network of /16 to /30. */
gboolean zion_bridge_parse_address(const char *address, guint32 *gateway, guint *length,
				   GError **error);
/* Dotted quad of a host-order IPv4 address. */
char *zion_bridge_format_address(guint32 address);
/*
 * Makes sure the bridge exists, is up and has address (the gateway, see
 * zion_bridge_parse_address), that IPv4 forwarding is on, and that the bridge's table masquerades
 * the network's traffic leaving through any other interface and forwards only replies back in.
 * Idempotent: the table is replaced as a whole, the bridge kept.
 */
gboolean zion_bridge_ensure(const char *bridge, const char *address, GError **error);
/* Marks every port of the bridge isolated: desktops on it reach the host and the outside through
 * it, never each other. Called after a desktop's veth joins. */
gboolean zion_bridge_isolate_ports(const char *bridge, GError **error);
