/* Key bindings from the configuration, dispatched to their actions. */
#pragma once

#include <glib.h>
#include <xkbcommon/xkbcommon.h>

struct zc_server;

/* Runs the action bound to modifiers+keysym; FALSE when nothing is bound to it. */
gboolean zc_keybindings_handle(struct zc_server *server, uint32_t modifiers, xkb_keysym_t keysym);
