/*
 * The compositor follows zion-agent (org.zion.Agent1 on the system bus, or on ZION_AGENT_BUS): the
 * user's desktops there appear as desktops here (a desktop of the config file with the same name
 * becomes that desktop), disappear when destroyed, and are dimmed while not running. Showing a
 * stopped desktop activates it, showing a hibernated one resumes it; Super+H hibernates the shown
 * desktop and Super+Return runs the terminal inside its container. Without an agent, none of this
 * happens and the config's desktops behave as before.
 */
#pragma once

#include <stdbool.h>

struct zc_server;
struct zc_desktop;

struct zc_agent *zc_agent_create(struct zc_server *server);
void zc_agent_destroy(struct zc_agent *agent);

/* A desktop is being shown: a stopped one is activated, a hibernated one resumed. */
void zc_agent_desktop_shown(struct zc_agent *agent, struct zc_desktop *desktop);
/* Super+H: hibernates the shown desktop if the agent runs it. */
void zc_agent_hibernate_shown(struct zc_agent *agent);
/* Runs argv in desktop's container; false when the agent does not run the desktop. */
bool zc_agent_run_in(struct zc_agent *agent, struct zc_desktop *desktop, char **argv);
