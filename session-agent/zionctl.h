/* zionctl: the command line for everything the agent manages. Each command group has its own file.
 */
#pragma once

#include <gio/gio.h>

typedef struct {
	const char *state_dir;
	gboolean state_dir_given;
	gboolean verbose;
} ZionctlOptions;

/* A command's entry point: argv[0] is the command's own name. Returns the exit status. */
typedef int (*ZionctlCommand)(const ZionctlOptions *options, int argc, char **argv);

int zionctl_persona(const ZionctlOptions *options, int argc, char **argv);
int zionctl_desktop(const ZionctlOptions *options, int argc, char **argv);
int zionctl_image(const ZionctlOptions *options, int argc, char **argv);

/* A command of a group (zionctl persona save, ...): its name, entry point and help line. */
typedef struct {
	const char *name;
	ZionctlCommand run;
	const char *usage;
} ZionctlSubcommand;

/* A group's help (about, then its commands' lines, then footer) and the dispatch to the command
 * argv[1] names. */
typedef struct {
	const char *name;
	const char *about;
	const char *footer;
	const ZionctlSubcommand *commands;
	gsize n_commands;
} ZionctlGroup;

int zionctl_run_group(const ZionctlGroup *group, const ZionctlOptions *options, int argc,
		      char **argv);

/* Parses a command's options; prints help or the mistake and returns FALSE when it should stop. */
gboolean zionctl_parse(const char *usage, const char *summary, const GOptionEntry *entries,
		       int *argc, char ***argv, int *status);

/*
 * The agent, when one answers on ZION_AGENT_BUS or the system bus; NULL otherwise. Unless required,
 * an explicit --state-dir also gives NULL: the caller then works on that store directly.
 */
GDBusConnection *zionctl_agent(const ZionctlOptions *options, gboolean required, GError **error);
/* Calls an org.zion.Agent1 method; an error comes back as the agent worded it. */
GVariant *zionctl_agent_call(GDBusConnection *agent, const char *method, GVariant *parameters,
			     const char *reply_type, GError **error);
