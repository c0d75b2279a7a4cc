/* zionctl desktop: desktops through zion-agent: list, create, activate, deactivate, hibernate,
 * resume, run, set, usage, destroy. */
#include <stdio.h>
#include <string.h>

#include "persona.h"
#include "zionctl.h"

static int fail(const char *what, GError *error)
{
	fprintf(stderr, "zionctl desktop %s: %s\n", what, error->message);
	return 1;
}

/* Parses a command's options and checks it got want_args arguments after its name. */
static gboolean parse(const char *usage, const char *summary, const GOptionEntry *entries,
		      int want_args, int *argc, char ***argv, int *status)
{
	if (!zionctl_parse(usage, summary, entries, argc, argv, status))
		return FALSE;
	if (want_args >= 0 && *argc != want_args + 1) {
		fprintf(stderr, "%s: expected %s (see --help)\n", g_get_prgname(), usage);
		*status = 2;
		return FALSE;
	}
	return TRUE;
}

/* Calls method with parameters on a connected agent. */
static GVariant *call(const ZionctlOptions *options, const char *method, GVariant *parameters,
		      const char *reply_type, GError **error)
{
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, TRUE, error);
	if (!agent) {
		if (parameters)
			g_variant_unref(g_variant_ref_sink(parameters));
		return NULL;
	}
	return zionctl_agent_call(agent, method, parameters, reply_type, error);
}

static int desktop_list(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!parse("", "List your desktops (root: everyone's) with their state.", NULL, 0, &argc,
		   &argv, &status))
		return status;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(options, "ListDesktops", NULL, "(a(ssusu))", &error);
	if (!reply)
		return fail("list", error);
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a(ssusu))", &iter);
	const char *name, *persona, *state;
	guint version, owner;
	printf("%-16s %-16s %-8s %-11s %s\n", "DESKTOP", "PERSONA", "VERSION", "STATE", "OWNER");
	while (g_variant_iter_next(iter, "(&s&su&su)", &name, &persona, &version, &state, &owner)) {
		g_autofree char *shown = version ? g_strdup_printf("%u", version) : g_strdup("-");
		printf("%-16s %-16s %-8s %-11s %u\n", name, persona, shown, state, owner);
	}
	return 0;
}

static int desktop_create(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	char *version = NULL;
	int owner = -1;
	const GOptionEntry entries[] = {
		{ "version", 0, 0, G_OPTION_ARG_STRING, &version,
		  "Pin a persona version (number or hash prefix); default: the current one",
		  "VERSION" },
		{ "owner", 0, 0, G_OPTION_ARG_INT, &owner, "The owner's uid (root only)", "UID" },
		G_OPTION_ENTRY_NULL,
	};
	if (!parse("NAME PERSONA", "Make a stopped desktop from a stored persona.", entries, 2,
		   &argc, &argv, &status))
		return status;
	GVariantBuilder builder;
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
	if (version)
		g_variant_builder_add(&builder, "{sv}", "version", g_variant_new_string(version));
	if (owner >= 0)
		g_variant_builder_add(&builder, "{sv}", "owner", g_variant_new_uint32(owner));
	g_free(version);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, "CreateDesktop",
		     g_variant_new("(ssa{sv})", argv[1], argv[2], &builder), NULL, &error);
	if (!reply)
		return fail("create", error);
	printf("%s: created from persona %s\n", argv[1], argv[2]);
	return 0;
}

/* The commands that take a desktop's name and nothing else. */
static int simple(const ZionctlOptions *options, int argc, char **argv, const char *summary,
		  const char *method, const char *done)
{
	int status = 0;
	if (!parse("NAME", summary, NULL, 1, &argc, &argv, &status))
		return status;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, method, g_variant_new("(s)", argv[1]), NULL, &error);
	if (!reply)
		return fail(argv[0], error);
	printf("%s: %s\n", argv[1], done);
	return 0;
}

static int desktop_activate(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	char *socket = NULL;
	const GOptionEntry entries[] = {
		{ "wayland-socket", 0, 0, G_OPTION_ARG_FILENAME, &socket,
		  "The compositor's socket for this desktop (default: the owner's "
		  "$XDG_RUNTIME_DIR/zion/desktops/NAME/wayland-0)",
		  "PATH" },
		G_OPTION_ENTRY_NULL,
	};
	if (!parse("NAME", "Build or reuse the persona's layer and start the desktop.", entries, 1,
		   &argc, &argv, &status))
		return status;
	GVariantBuilder builder;
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
	if (socket)
		g_variant_builder_add(&builder, "{sv}", "wayland-socket",
				      g_variant_new_string(socket));
	g_free(socket);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(
		options, "Activate", g_variant_new("(sa{sv})", argv[1], &builder), NULL, &error);
	if (!reply)
		return fail("activate", error);
	printf("%s: running\n", argv[1]);
	return 0;
}

static int desktop_deactivate(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	gboolean save = FALSE;
	const GOptionEntry entries[] = {
		{ "save", 0, 0, G_OPTION_ARG_NONE, &save,
		  "Keep the session's changes as the persona's next version", NULL },
		G_OPTION_ENTRY_NULL,
	};
	if (!parse("NAME", "Stop a desktop; its session's changes are thrown away unless --save.",
		   entries, 1, &argc, &argv, &status))
		return status;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, "Deactivate", g_variant_new("(sb)", argv[1], save), "(u)", &error);
	if (!reply)
		return fail("deactivate", error);
	guint version;
	g_variant_get(reply, "(u)", &version);
	if (version)
		printf("%s: stopped; its changes are version %u of its persona\n", argv[1],
		       version);
	else
		printf("%s: stopped; its session's changes were thrown away\n", argv[1]);
	return 0;
}

static int desktop_hibernate(const ZionctlOptions *options, int argc, char **argv)
{
	return simple(options, argc, argv, "Freeze every process of a running desktop.",
		      "Hibernate", "hibernated");
}

static int desktop_resume(const ZionctlOptions *options, int argc, char **argv)
{
	return simple(options, argc, argv, "Thaw a hibernated desktop.", "Resume", "running");
}

static int desktop_destroy(const ZionctlOptions *options, int argc, char **argv)
{
	return simple(options, argc, argv, "Remove a stopped desktop and its private storage.",
		      "Destroy", "destroyed");
}

static int desktop_run(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	char **env = NULL;
	const GOptionEntry entries[] = {
		{ "env", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &env, "Set a variable (repeatable)",
		  "NAME=VALUE" },
		G_OPTION_ENTRY_NULL,
	};
	if (!parse("NAME -- COMMAND [ARG...]",
		   "Run a command inside a running desktop as its user.", entries, -1, &argc, &argv,
		   &status))
		return status;
	g_auto(GStrv) env_list = env;
	if (argc < 3) {
		fprintf(stderr, "%s: give a desktop and a command (see --help)\n", g_get_prgname());
		return 2;
	}
	GVariantBuilder vars;
	g_variant_builder_init(&vars, G_VARIANT_TYPE("a{ss}"));
	for (guint i = 0; env_list && env_list[i]; i++) {
		g_auto(GStrv) pair = g_strsplit(env_list[i], "=", 2);
		if (!pair[0] || !pair[1]) {
			fprintf(stderr, "%s: --env wants NAME=VALUE, got '%s'\n", g_get_prgname(),
				env_list[i]);
			g_variant_builder_clear(&vars);
			return 2;
		}
		g_variant_builder_add(&vars, "{ss}", pair[0], pair[1]);
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, "RunIn",
		     g_variant_new("(s^as@a{ss})", argv[1], argv + 2, g_variant_builder_end(&vars)),
		     "(u)", &error);
	if (!reply)
		return fail("run", error);
	guint pid;
	g_variant_get(reply, "(u)", &pid);
	printf("%s: started pid %u\n", argv[1], pid);
	return 0;
}

static int desktop_set(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	char *memory = NULL, *cpus = NULL;
	int pids = -1, weight = -1;
	const GOptionEntry entries[] = {
		{ "memory", 0, 0, G_OPTION_ARG_STRING, &memory,
		  "Memory limit, like 512M or 4G (0: none)", "SIZE" },
		{ "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus, "CPU limit, like 1.5 (0: none)",
		  "CPUS" },
		{ "pids", 0, 0, G_OPTION_ARG_INT, &pids, "Process limit (0: none)", "N" },
		{ "cpu-weight", 0, 0, G_OPTION_ARG_INT, &weight, "CPU weight, 1 to 10000", "N" },
		G_OPTION_ENTRY_NULL,
	};
	if (!parse("NAME", "Change a desktop's limits; a running desktop's at once.", entries, 1,
		   &argc, &argv, &status))
		return status;
	g_autofree char *memory_text = memory;
	g_autofree char *cpus_text = cpus;
	GVariantBuilder builder;
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
	guint64 bytes;
	if (memory_text && !(g_strcmp0(memory_text, "0") == 0 && (bytes = 0, TRUE)) &&
	    !zion_parse_size(memory_text, &bytes)) {
		fprintf(stderr, "%s: --memory wants a size like 512M or 4G, got '%s'\n",
			g_get_prgname(), memory_text);
		g_variant_builder_clear(&builder);
		return 2;
	}
	if (memory_text)
		g_variant_builder_add(&builder, "{sv}", "memory", g_variant_new_uint64(bytes));
	if (cpus_text) {
		char *end;
		double value = g_ascii_strtod(cpus_text, &end);
		if (*end || value < 0 || value > 4096) {
			fprintf(stderr, "%s: --cpus wants a number like 1.5, got '%s'\n",
				g_get_prgname(), cpus_text);
			g_variant_builder_clear(&builder);
			return 2;
		}
		g_variant_builder_add(&builder, "{sv}", "cpus-milli",
				      g_variant_new_uint32((guint32)(value * 1000 + 0.5)));
	}
	if (pids >= 0)
		g_variant_builder_add(&builder, "{sv}", "pids", g_variant_new_uint32(pids));
	if (weight >= 0)
		g_variant_builder_add(&builder, "{sv}", "cpu-weight", g_variant_new_uint32(weight));
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, "SetResources", g_variant_new("(sa{sv})", argv[1], &builder), NULL,
		     &error);
	if (!reply)
		return fail("set", error);
	printf("%s: limits changed\n", argv[1]);
	return 0;
}

static int desktop_usage(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!parse("NAME",
		   "Show what a desktop used: CPU time, memory now and at peak, uptime and "
		   "activations, and over all its sessions (the agent's history).",
		   NULL, 1, &argc, &argv, &status))
		return status;
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		call(options, "Usage", g_variant_new("(s)", argv[1]), "(a{sv})", &error);
	if (!reply)
		return fail("usage", error);
	g_autoptr(GVariant) usage = g_variant_get_child_value(reply, 0);
	guint64 cpu = 0, memory = 0, peak = 0, uptime = 0;
	guint activations = 0;
	const char *state = "?";
	g_variant_lookup(usage, "cpu-ns", "t", &cpu);
	g_variant_lookup(usage, "memory", "t", &memory);
	g_variant_lookup(usage, "memory-peak", "t", &peak);
	g_variant_lookup(usage, "uptime-s", "t", &uptime);
	g_variant_lookup(usage, "activations", "u", &activations);
	g_variant_lookup(usage, "state", "&s", &state);
	guint64 total_cpu = 0, total_uptime = 0, total_peak = 0;
	gint64 last = 0;
	g_variant_lookup(usage, "total-cpu-ns", "t", &total_cpu);
	g_variant_lookup(usage, "total-uptime-s", "t", &total_uptime);
	g_variant_lookup(usage, "total-memory-peak", "t", &total_peak);
	g_variant_lookup(usage, "last-activated", "x", &last);
	g_autofree char *memory_text = g_format_size_full(memory, G_FORMAT_SIZE_IEC_UNITS);
	g_autofree char *peak_text = g_format_size_full(peak, G_FORMAT_SIZE_IEC_UNITS);
	g_autofree char *total_peak_text = g_format_size_full(total_peak, G_FORMAT_SIZE_IEC_UNITS);
	g_autoptr(GDateTime) last_time = last ? g_date_time_new_from_unix_local(last) : NULL;
	g_autofree char *last_text =
		last_time ? g_date_time_format(last_time, "%Y-%m-%d %H:%M:%S") : g_strdup("never");
	printf("state        %s\ncpu time     %.3f s\nmemory       %s (peak %s)\n"
	       "uptime       %" G_GUINT64_FORMAT " s\nactivations  %u\n"
	       "all sessions cpu time %.3f s, uptime %" G_GUINT64_FORMAT " s, peak %s\n"
	       "last started %s\n",
	       state, cpu / 1e9, memory_text, peak_text, uptime, activations, total_cpu / 1e9,
	       total_uptime, total_peak_text, last_text);
	return 0;
}

static const ZionctlSubcommand commands[] = {
	{ "list", desktop_list, "list                         your desktops and their state" },
	{ "create", desktop_create, "create NAME PERSONA          make a desktop from a persona" },
	{ "activate", desktop_activate, "activate NAME                start it" },
	{ "deactivate", desktop_deactivate,
	  "deactivate NAME [--save]     stop it, keeping its changes as a new version or not" },
	{ "hibernate", desktop_hibernate, "hibernate NAME               freeze it" },
	{ "resume", desktop_resume, "resume NAME                  thaw it" },
	{ "run", desktop_run, "run NAME -- COMMAND...       run a command inside it" },
	{ "set", desktop_set, "set NAME --memory 4G ...     change its limits" },
	{ "usage", desktop_usage, "usage NAME                   what it used" },
	{ "destroy", desktop_destroy, "destroy NAME                 remove it and its storage" },
};

int zionctl_desktop(const ZionctlOptions *options, int argc, char **argv)
{
	static const ZionctlGroup group = {
		.name = "desktop",
		.about = "Desktops: LXC containers made from personas, run by zion-agent.",
		.footer = "COMMAND --help says more.",
		.commands = commands,
		.n_commands = G_N_ELEMENTS(commands),
	};
	return zionctl_run_group(&group, options, argc, argv);
}
