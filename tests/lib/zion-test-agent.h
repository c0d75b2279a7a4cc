/*
 * zion-agent under test: a private dbus-daemon configured like the system bus (default deny, with
 * the project's own policy file data/dbus/org.zion.Agent1.conf included, so the policy is tested
 * too), and the agent from the build tree on it, over a temporary state directory.
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

typedef struct zt_agent ZtAgent;

/*
 * A test program's start: g_test_init, and the agent's helper zion-lxc-start from the build tree.
 * FALSE when the program must skip (the agent needs root): main then returns 77.
 */
gboolean zt_agent_test_init(int *argc, char ***argv);
/* An empty a{sv}, for the many methods whose options a test leaves out. */
GVariant *zt_no_options(void);

/* Starts the bus and the agent, and waits until the agent owns its name. */
ZtAgent *zt_agent_start(void);
/* The same with the state on an ext4 image of its own, loop-mounted: the base "host" needs the
 * state off the host's root file system. */
ZtAgent *zt_agent_start_on_own_fs(void);
/* Stops the agent (SIGTERM) and the bus; the state directory is removed at exit. */
void zt_agent_stop(ZtAgent *agent);
/* Kills the agent with SIGKILL, as a crash would, and starts it again on the same state. */
void zt_agent_crash_and_restart(ZtAgent *agent);

const char *zt_agent_state_dir(ZtAgent *agent);
const char *zt_agent_bus_address(ZtAgent *agent);
/* The agent's NAT bridge (made at the first NAT desktop, removed by zt_agent_stop) and its
 * address, a /24 of 10.100.0.0/16 to 10.199.255.0/24. */
const char *zt_agent_bridge(ZtAgent *agent);
const char *zt_agent_bridge_gateway(ZtAgent *agent);
GDBusConnection *zt_agent_connection(ZtAgent *agent);

/* Calls an org.zion.Agent1 method as root and returns the reply, asserting it succeeded. */
GVariant *zt_agent_call(ZtAgent *agent, const char *method, GVariant *parameters,
			const GVariantType *reply_type);
/* The same, for a call whose reply does not matter. */
void zt_agent_do(ZtAgent *agent, const char *method, GVariant *parameters,
		 const GVariantType *reply_type);
/* The same, for a call that must fail: returns its error (domain ZION_ERROR when registered). */
GError *zt_agent_call_error(ZtAgent *agent, const char *method, GVariant *parameters);

/*
 * Runs argv (argv[0] a path) as uid/gid with the agent's bus address in ZION_AGENT_BUS; returns
 * the exit status and, when asked, what it printed.
 */
int zt_run_as(ZtAgent *agent, uid_t uid, const char *const *argv, char **out, char **err);
