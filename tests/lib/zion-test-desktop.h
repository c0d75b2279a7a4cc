/*
 * Inside a running desktop of the agent under test (zion-test-agent.h), owned by root: shell
 * commands as the desktop's user through RunIn, and as root inside through lxc-attach (the agent
 * runs nothing as root inside; a test needs it to change the system as a package manager would).
 */
#pragma once

#include "zion-test-agent.h"

/* Runs script with /bin/sh as the desktop's user; returns what it printed (both streams),
 * without the last newline. */
char *zt_desktop_run(ZtAgent *agent, const char *desktop, const char *script);
/* The same as root inside the desktop. */
char *zt_desktop_run_as_root(ZtAgent *agent, const char *desktop, const char *script);
