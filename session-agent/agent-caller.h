/*
 * Who is calling: the caller's uid from its D-Bus credentials, and what it may do. A user manages
 * what it owns; root manages everything; others need polkit's org.zion.agent.manage, which is
 * only asked on the machine's system bus (a private bus has no polkit).
 */
#pragma once

#include <sys/types.h>

#include "agent.h"

gboolean zion_caller_uid(GDBusMethodInvocation *invocation, uid_t *uid, GError **error);

/* Whether the caller may change what owner owns. */
gboolean zion_caller_may_manage(ZionAgent *agent, GDBusMethodInvocation *invocation, uid_t owner,
				GError **error);

/* Whether the caller may change what belongs to the machine (the persona store, images). */
gboolean zion_caller_may_administer(ZionAgent *agent, GDBusMethodInvocation *invocation,
				    GError **error);
