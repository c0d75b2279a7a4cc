/*
 * zion-agent: the system service behind org.zion.Agent1. It owns the persona store, base images,
 * persona layers and desktops under its state directory. agent-main.c starts it; each agent-*.c
 * answers one group of the interface's methods.
 */
#pragma once

#include <gio/gio.h>

#include "container.h"
#include "desktop-record.h"
#include "persona-store.h"
#include "usage-history.h"
#include "zion-agent-dbus.h"

typedef struct {
	char *state_dir;
	GDBusConnection *connection;
	ZionDbusAgent1 *skeleton;
	ZionPersonaStore *personas;
	/* Whether the bus is the machine's system bus (where polkit may answer), not a private
	 * one given with --bus-address. */
	gboolean system_bus;
	/* The NAT desktops' bridge and its address (the gateway, with the network's prefix). */
	char *bridge;
	char *bridge_address;
	ZionUsageHistory *usage;
	/* Names of the images being built now. */
	GHashTable *building;
	/* Name to ZionDesktopRecord, every desktop of every user. */
	GHashTable *desktops;
} ZionAgent;

/* Emits Progress(operation, step, done, total); callable from any thread. */
void zion_agent_progress(ZionAgent *agent, const char *operation, const char *step, guint done,
			 guint total);

/* Connects each group's handlers to the skeleton. */
void zion_agent_personas_init(ZionAgent *agent);
void zion_agent_images_init(ZionAgent *agent);
/* Loads the desktops' records too, and brings back what a crash left half done. */
gboolean zion_agent_desktops_init(ZionAgent *agent, GError **error);
void zion_agent_desktops_finish(ZionAgent *agent);

/* Container names are global on the machine (its cgroups are): the state directory is part of
 * them, so two agents (tests) never collide. */
char *zion_agent_container_name(ZionAgent *agent, const char *desktop);

/* Usage, and samples for the history every minute (agent-usage.c). */
void zion_agent_usage_init(ZionAgent *agent);
/* A session's end in the usage history, with what it used. */
void zion_agent_usage_ended(ZionAgent *agent, const char *desktop, const ZionUsage *usage);

/* Activate and the other methods that run desktops (agent-runtime.c). */
void zion_agent_runtime_init(ZionAgent *agent);
/* At start: adopts a desktop still running, finishes or undoes what a crash interrupted. */
void zion_agent_runtime_recover(ZionAgent *agent, ZionDesktopRecord *record);
/* Fills network for desktop as its persona says: for nat, makes sure the bridge is up and takes
 * an address (*address and *gateway hold the strings network points to). agent-network.c. */
gboolean zion_agent_network_prepare(ZionAgent *agent, const char *desktop,
				    const ZionPersona *persona, ZionNetwork *network,
				    char **address, char **gateway, GError **error);
/* Once the desktop's container runs: a NAT desktop's port on the bridge is isolated from the
 * other desktops'. */
gboolean zion_agent_network_started(ZionAgent *agent, const ZionNetwork *network, GError **error);
/* Gives back the desktop's address, if it has one. */
void zion_agent_network_release(ZionAgent *agent, const char *desktop);

/* Starts argv inside a running desktop as its user; env is a{ss} or NULL. */
gboolean zion_agent_run_in(ZionAgent *agent, ZionDesktopRecord *record, const char *const *argv,
			   GVariant *env, pid_t *pid, GError **error);

/* The caller's desktop called name; another user's is reported as missing. */
ZionDesktopRecord *zion_agent_caller_desktop(ZionAgent *agent, GDBusMethodInvocation *invocation,
					     const char *name, GError **error);
/* Records a desktop's new state and tells the bus (DesktopChanged). */
gboolean zion_agent_set_state(ZionAgent *agent, ZionDesktopRecord *record, ZionDesktopState state,
			      GError **error);
/* Fails when a desktop is made from persona. */
gboolean zion_agent_persona_unused(ZionAgent *agent, const char *persona, GError **error);

/* Answers invocation with error (mapped onto org.zion.Agent1.Error.*) and frees it. */
void zion_agent_return_error(GDBusMethodInvocation *invocation, GError *error);
