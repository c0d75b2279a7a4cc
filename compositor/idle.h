/*
 * Idle: the session's idle tools (swayidle on the privileged socket, through org_kde_kwin_idle)
 * learn when the user has been away; every key and pointer event counts as activity. A desktop
 * client can inhibit idleness (zwp_idle_inhibit_manager_v1, e.g. a video player), but only while
 * its surface is on screen: mapped, on the shown desktop.
 */
#pragma once

struct zc_server;
struct zc_idle;

/* Creates the org_kde_kwin_idle and zwp_idle_inhibit_manager_v1 globals. */
struct zc_idle *zc_idle_create(struct zc_server *server);
void zc_idle_destroy(struct zc_idle *idle);

/* The user did something (a key, a pointer motion or button): idle timers start again. */
void zc_idle_notify_activity(struct zc_server *server);

/* Checks again whether a shown surface inhibits idleness; called when what is shown changes
 * (desktop switch). */
void zc_idle_update_inhibit(struct zc_server *server);
