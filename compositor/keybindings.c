/* The actions behind the key bindings. */
#include "keybindings.h"

#include "agent.h"
#include "clipboard.h"
#include "clipboard-transfer.h"
#include "desktop.h"
#include "server.h"
#include "view.h"

static void run_terminal(struct zc_server *server)
{
	if (!server->shown)
		return;
	/* The shown desktop's sockets, so the terminal and what it starts open on that desktop. */
	g_auto(GStrv) env = zc_desktop_environ(server->shown, g_get_environ());
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	if (!g_shell_parse_argv(server->config->terminal, NULL, &argv, &error)) {
		g_warning("cannot start the terminal '%s': %s", server->config->terminal,
			  error->message);
		return;
	}
	/* A desktop the agent runs gets its terminal inside its container. */
	if (zc_agent_run_in(server->agent, server->shown, argv))
		return;
	if (!g_spawn_async(NULL, argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error))
		g_warning("cannot start the terminal '%s': %s", server->config->terminal,
			  error->message);
}

static void run(struct zc_server *server, const struct zc_binding *binding)
{
	switch (binding->action) {
	case ZC_ACTION_DESKTOP:
		if ((guint)binding->argument <= server->desktops->len)
			zc_desktop_show(g_ptr_array_index(server->desktops, binding->argument - 1));
		break;
	case ZC_ACTION_NEXT_WINDOW:
		zc_view_cycle(server, 1);
		break;
	case ZC_ACTION_PREVIOUS_WINDOW:
		zc_view_cycle(server, -1);
		break;
	case ZC_ACTION_CLOSE:
		zc_view_close_focused(server);
		break;
	case ZC_ACTION_TERMINAL:
		run_terminal(server);
		break;
	case ZC_ACTION_CLIPBOARD_COPY:
		zc_clipboard_transfer_copy(server->clipboard->transfer);
		break;
	case ZC_ACTION_CLIPBOARD_PASTE:
		zc_clipboard_transfer_paste(server->clipboard->transfer);
		break;
	case ZC_ACTION_HIBERNATE:
		zc_agent_hibernate_shown(server->agent);
		break;
	case ZC_ACTION_EXIT:
		zc_server_quit(server);
		break;
	}
}

gboolean zc_keybindings_handle(struct zc_server *server, uint32_t modifiers, xkb_keysym_t keysym)
{
	xkb_keysym_t lower = xkb_keysym_to_lower(keysym);
	/* Shift+Tab arrives as ISO_Left_Tab. */
	if (lower == XKB_KEY_ISO_Left_Tab)
		lower = XKB_KEY_Tab;
	const GArray *bindings = server->config->bindings;
	for (guint i = 0; i < bindings->len; i++) {
		const struct zc_binding *binding = &g_array_index(bindings, struct zc_binding, i);
		if (binding->modifiers == modifiers && binding->keysym == lower) {
			run(server, binding);
			return TRUE;
		}
	}
	return FALSE;
}
