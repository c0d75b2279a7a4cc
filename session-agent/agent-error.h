/* Zion's error domain on D-Bus: each ZionErrorCode as org.zion.Agent1.Error.*, both ways. */
#pragma once

#include <glib.h>

/* Registers the names; the agent and its clients call it before their first call. */
void zion_agent_error_register(void);
