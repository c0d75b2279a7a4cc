/* zionctl: the command line for everything the agent manages. Each command group has its own file.
 */
#pragma once

#include <glib.h>

typedef struct {
	const char *state_dir;
	gboolean verbose;
} ZionctlOptions;

/* A command's entry point: argv[0] is the command's own name. Returns the exit status. */
typedef int (*ZionctlCommand)(const ZionctlOptions *options, int argc, char **argv);

int zionctl_persona(const ZionctlOptions *options, int argc, char **argv);

/* Parses a command's options; prints help or the mistake and returns FALSE when it should stop. */
gboolean zionctl_parse(const char *usage, const char *summary, const GOptionEntry *entries,
		       int *argc, char ***argv, int *status);
