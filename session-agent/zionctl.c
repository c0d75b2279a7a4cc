/* zionctl's entry point: global options and the dispatch to command groups. */
#include "zionctl.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const struct {
	const char *name;
	ZionctlCommand run;
	const char *summary;
} groups[] = {
	{ "persona", zionctl_persona, "write, check, version and roll back persona definitions" },
	{ "desktop", zionctl_desktop,
	  "create, start, hibernate and stop desktops (through zion-agent)" },
	{ "image", zionctl_image, "build, list and delete base images" },
};

gboolean zionctl_parse(const char *usage, const char *summary, const GOptionEntry *entries,
		       int *argc, char ***argv, int *status)
{
	g_autoptr(GOptionContext) context = g_option_context_new(usage);
	g_option_context_set_summary(context, summary);
	if (entries)
		g_option_context_add_main_entries(context, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(context, argc, argv, &error)) {
		fprintf(stderr, "%s: %s (see --help)\n", g_get_prgname(), error->message);
		*status = 2;
		return FALSE;
	}
	return TRUE;
}

static void print_group_help(const ZionctlGroup *group, FILE *out)
{
	fprintf(out, "Usage: zionctl %s COMMAND ...\n\n%s\n\nCommands:\n", group->name,
		group->about);
	for (gsize i = 0; i < group->n_commands; i++)
		fprintf(out, "  %s\n", group->commands[i].usage);
	fprintf(out, "\n%s\n", group->footer);
}

int zionctl_run_group(const ZionctlGroup *group, const ZionctlOptions *options, int argc,
		      char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_group_help(group, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (gsize i = 0; i < group->n_commands; i++) {
		const ZionctlSubcommand *command = &group->commands[i];
		if (strcmp(argv[1], command->name) == 0) {
			g_autofree char *prgname =
				g_strdup_printf("zionctl %s %s", group->name, command->name);
			g_set_prgname(prgname);
			return command->run(options, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "zionctl %s: unknown command '%s'\n\n", group->name, argv[1]);
	print_group_help(group, stderr);
	return 2;
}

static void print_help(FILE *out)
{
	fprintf(out, "Usage: zionctl [--state-dir DIR] [--verbose] COMMAND ...\n\n"
		     "Manage Zion's tailored desktops from the command line.\n\nCommands:\n");
	for (gsize i = 0; i < G_N_ELEMENTS(groups); i++)
		fprintf(out, "  %-10s %s\n", groups[i].name, groups[i].summary);
	fprintf(out,
		"\nOptions:\n"
		"  --state-dir DIR  work on the store in DIR directly, not through zion-agent\n"
		"  --verbose        say more about what is done\n"
		"  --help           show this help; COMMAND --help shows a command's\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	ZionctlOptions options = { .state_dir = "/var/lib/zion" };
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return 0;
		} else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			options.verbose = TRUE;
		} else if (strcmp(argv[i], "--state-dir") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "zionctl: --state-dir needs a directory\n");
				return 2;
			}
			options.state_dir = argv[++i];
			options.state_dir_given = TRUE;
		} else if (g_str_has_prefix(argv[i], "--state-dir=")) {
			options.state_dir = argv[i] + strlen("--state-dir=");
			options.state_dir_given = TRUE;
		} else {
			fprintf(stderr, "zionctl: unknown option %s (see zionctl --help)\n",
				argv[i]);
			return 2;
		}
	}
	zion_log_init("zionctl", options.verbose);
	if (i == argc) {
		print_help(stderr);
		return 2;
	}
	for (gsize g = 0; g < G_N_ELEMENTS(groups); g++) {
		if (strcmp(argv[i], groups[g].name) == 0)
			return groups[g].run(&options, argc - i, argv + i);
	}
	fprintf(stderr, "zionctl: unknown command '%s' (see zionctl --help)\n", argv[i]);
	return 2;
}
