/*
 * Idle inhibitors for the Wayland test client (zwp_idle_inhibit_manager_v1): a window that keeps
 * the session from going idle, as a video player would.
 */
#pragma once

#include <glib.h>

#include "zion-test-client.h"

typedef struct zt_idle_inhibitor ZtIdleInhibitor;

/* Inhibits idleness while window is shown; waits until the compositor has it. */
ZtIdleInhibitor *zt_idle_inhibitor_create(ZtClient *client, ZtWindow *window);
void zt_idle_inhibitor_destroy(ZtIdleInhibitor *inhibitor);
