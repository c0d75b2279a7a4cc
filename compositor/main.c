/* zion-compositor: options, configuration, and the server's life. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <wlr/util/log.h>

#include "config.h"
#include "log.h"
#include "server.h"

static void on_sigpipe(int signal)
{
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Writing a pasted clipboard to a reader that went away must fail with EPIPE, not end the
	 * compositor. A handler, unlike SIG_IGN, does not pass on to the programs it starts. */
	sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = on_sigpipe }, NULL);
	g_autofree char *config_path = NULL;
	g_autofree char *socket_name = NULL;
	g_autofree char *stats_file = NULL;
	gboolean verbose = FALSE;
	const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "Configuration file (default $XDG_CONFIG_HOME/zion/compositor.conf)", "FILE" },
		{ "socket", 's', 0, G_OPTION_ARG_STRING, &socket_name,
		  "Name of the privileged socket in $XDG_RUNTIME_DIR (default: the first free "
		  "wayland-N)",
		  "NAME" },
		{ "stats-file", 0, 0, G_OPTION_ARG_FILENAME, &stats_file,
		  "Write desktop switch latencies (p50, p99) to FILE at exit", "FILE" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Say more, wlroots too", NULL },
		G_OPTION_ENTRY_NULL,
	};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_option_context_set_summary(
		context, "The Zion compositor: one Wayland socket per desktop, switched "
			 "from the keyboard.");
	g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "zion-compositor: %s (see --help)\n", error->message);
		return 2;
	}
	zion_log_init("zion-compositor", verbose);
	wlr_log_init(verbose ? WLR_DEBUG : WLR_ERROR, NULL);
	if (!config_path)
		config_path =
			g_build_filename(g_get_user_config_dir(), "zion", "compositor.conf", NULL);

	struct zc_config *config = zc_config_load(config_path, &error);
	if (!config) {
		fprintf(stderr, "zion-compositor: %s\n", error->message);
		return 1;
	}
	struct zc_server *server = zc_server_create(config, socket_name, stats_file, &error);
	if (!server) {
		fprintf(stderr, "zion-compositor: %s\n", error->message);
		zc_config_free(config);
		return 1;
	}
	g_setenv("WAYLAND_DISPLAY", server->privileged_socket, TRUE);
	g_message("running on %s", server->privileged_socket);
	zc_server_run(server);
	zc_server_destroy(server);
	zc_config_free(config);
	return 0;
}
