/* zionctl persona: validate, show, save, list, versions, diff and roll back persona definitions. */
#include <stdio.h>
#include <string.h>

#include "canonical-json.h"
#include "persona-store.h"
#include "persona.h"
#include "tree-diff.h"
#include "zionctl.h"

/* A file on disk, or NAME[@VERSION] in the store. */
static gboolean names_a_file(const char *ref)
{
	return strchr(ref, '/') || g_str_has_suffix(ref, ".yaml") ||
	       g_str_has_suffix(ref, ".yml") || g_str_has_suffix(ref, ".json");
}

static ZionPersona *load_ref(const ZionctlOptions *options, const char *ref, GError **error)
{
	if (names_a_file(ref))
		return zion_persona_load_file(ref, error);
	g_autoptr(ZionPersonaStore) store =
		zion_persona_store_open(options->state_dir, FALSE, error);
	if (!store)
		return NULL;
	g_auto(GStrv) parts = g_strsplit(ref, "@", 2);
	return zion_persona_store_load(store, parts[0], parts[1], NULL, error);
}

static int fail(const char *what, GError *error)
{
	fprintf(stderr, "zionctl persona %s: %s\n", what, error->message);
	return 1;
}

static int persona_validate(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("FILE...",
			   "Check persona definitions (YAML or JSON) and print each one's hash.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc < 2) {
		fprintf(stderr, "zionctl persona validate: give at least one FILE\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(ZionPersona) persona = zion_persona_load_file(argv[i], &error);
		if (!persona) {
			fprintf(stderr, "%s\n", error->message);
			status = 1;
			continue;
		}
		g_autofree char *hash = zion_persona_hash(persona);
		printf("%s: valid persona '%s', hash %s\n", argv[i], persona->name, hash);
	}
	return status;
}

static int persona_show(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	gboolean canonical = FALSE;
	const GOptionEntry entries[] = {
		{ "canonical", 'c', 0, G_OPTION_ARG_NONE, &canonical,
		  "Print the canonical JSON (one line)", NULL },
		G_OPTION_ENTRY_NULL,
	};
	if (!zionctl_parse("NAME[@VERSION]|FILE",
			   "Print a persona with every field, from the store (current version "
			   "unless one is named "
			   "by number or hash) or from a file.",
			   entries, &argc, &argv, &status))
		return status;
	if (argc != 2) {
		fprintf(stderr, "zionctl persona show: give one NAME[@VERSION] or FILE\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent && !canonical && !names_a_file(argv[1])) {
		g_autoptr(GVariant) reply = zionctl_agent_call(
			agent, "ShowPersona", g_variant_new("(s)", argv[1]), "(s)", &error);
		if (!reply)
			return fail("show", error);
		const char *json;
		g_variant_get(reply, "(&s)", &json);
		printf("%s", json);
		return 0;
	}
	g_autoptr(ZionPersona) persona = load_ref(options, argv[1], &error);
	if (!persona)
		return fail("show", error);
	g_autoptr(ZionNode) node = zion_persona_to_node(persona);
	g_autofree char *text = canonical ? zion_canonical_json(node) : zion_pretty_json(node);
	printf(canonical ? "%s\n" : "%s", text);
	return 0;
}

/* Sends each file's text, so the agent reads nothing of the caller's files. */
static int save_through_agent(GDBusConnection *agent, int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *text = NULL;
		g_autoptr(GVariant) reply = NULL;
		if (g_file_get_contents(argv[i], &text, NULL, &error))
			reply = zionctl_agent_call(agent, "SavePersona",
						   g_variant_new("(ss)", argv[i], text), "(susb)",
						   &error);
		if (!reply) {
			fprintf(stderr, "%s\n", error->message);
			status = 1;
			continue;
		}
		const char *name, *hash;
		guint number;
		gboolean created;
		g_variant_get(reply, "(&su&sb)", &name, &number, &hash, &created);
		printf("%s: %s version %u (hash %.12s)\n", name,
		       created ? "saved as" : "unchanged at", number, hash);
	}
	return status;
}

static int persona_save(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("FILE...",
			   "Save definitions to the store. A changed definition becomes a new "
			   "current version; an "
			   "unchanged one changes nothing.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc < 2) {
		fprintf(stderr, "zionctl persona save: give at least one FILE\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent)
		return save_through_agent(agent, argc, argv);
	g_autoptr(ZionPersonaStore) store =
		zion_persona_store_open(options->state_dir, TRUE, &error);
	if (!store)
		return fail("save", error);
	for (int i = 1; i < argc; i++) {
		g_autoptr(ZionPersona) persona = zion_persona_load_file(argv[i], &error);
		gboolean created = FALSE;
		g_autoptr(ZionPersonaVersion) version =
			persona ? zion_persona_store_save(store, persona, &created, &error) : NULL;
		if (!version) {
			fprintf(stderr, "%s\n", error->message);
			g_clear_error(&error);
			status = 1;
			continue;
		}
		printf("%s: %s version %u (hash %.12s)\n", persona->name,
		       created ? "saved as" : "unchanged at", version->number, version->hash);
	}
	return status;
}

static int persona_list(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("", "List the stored personas with their current version.", NULL, &argc,
			   &argv, &status))
		return status;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent) {
		g_autoptr(GVariant) reply =
			zionctl_agent_call(agent, "ListPersonas", NULL, "(a(suss))", &error);
		if (!reply)
			return fail("list", error);
		g_autoptr(GVariantIter) iter = NULL;
		g_variant_get(reply, "(a(suss))", &iter);
		const char *name, *hash, *description;
		guint number;
		while (g_variant_iter_next(iter, "(&su&s&s)", &name, &number, &hash, &description))
			printf("%-16s version %-4u %.12s  %s\n", name, number, hash, description);
		return 0;
	}
	g_autoptr(ZionPersonaStore) store =
		zion_persona_store_open(options->state_dir, FALSE, &error);
	g_auto(GStrv) names = store ? zion_persona_store_list(store, &error) : NULL;
	if (!names)
		return fail("list", error);
	for (guint i = 0; names[i]; i++) {
		g_autoptr(ZionPersonaVersion) version = NULL;
		g_autoptr(ZionPersona) persona =
			zion_persona_store_load(store, names[i], NULL, &version, &error);
		if (!persona) {
			fprintf(stderr, "%s\n", error->message);
			g_clear_error(&error);
			status = 1;
			continue;
		}
		printf("%-16s version %-4u %.12s  %s\n", names[i], version->number, version->hash,
		       persona->description);
	}
	return status;
}

static int persona_versions(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("NAME", "List every version of a persona; * marks the current one.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc != 2) {
		fprintf(stderr, "zionctl persona versions: give one NAME\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) versions = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent) {
		g_autoptr(GVariant) reply =
			zionctl_agent_call(agent, "PersonaVersions", g_variant_new("(s)", argv[1]),
					   "(a(usxb))", &error);
		if (!reply)
			return fail("versions", error);
		versions =
			g_ptr_array_new_with_free_func((GDestroyNotify)zion_persona_version_free);
		g_autoptr(GVariantIter) iter = NULL;
		g_variant_get(reply, "(a(usxb))", &iter);
		ZionPersonaVersion v;
		while (g_variant_iter_next(iter, "(usxb)", &v.number, &v.hash, &v.saved,
					   &v.current))
			g_ptr_array_add(versions, g_memdup2(&v, sizeof v));
	} else {
		g_autoptr(ZionPersonaStore) store =
			zion_persona_store_open(options->state_dir, FALSE, &error);
		versions = store ? zion_persona_store_versions(store, argv[1], &error) : NULL;
		if (!versions)
			return fail("versions", error);
	}
	printf("  VERSION  HASH          SAVED\n");
	for (guint i = 0; i < versions->len; i++) {
		const ZionPersonaVersion *version = g_ptr_array_index(versions, i);
		g_autoptr(GDateTime) saved = g_date_time_new_from_unix_local(version->saved);
		g_autofree char *when = g_date_time_format(saved, "%Y-%m-%d %H:%M:%S");
		printf("%c %7u  %.12s  %s\n", version->current ? '*' : ' ', version->number,
		       version->hash, when);
	}
	return 0;
}

static int persona_diff(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("A B",
			   "Show field by field what changes from A to B; each is NAME[@VERSION] "
			   "or a FILE.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc != 3) {
		fprintf(stderr, "zionctl persona diff: give two personas, A and B\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent && !names_a_file(argv[1]) && !names_a_file(argv[2])) {
		g_autoptr(GVariant) reply =
			zionctl_agent_call(agent, "DiffPersonas",
					   g_variant_new("(ss)", argv[1], argv[2]), "(as)", &error);
		if (!reply)
			return fail("diff", error);
		g_autofree const char **lines = NULL;
		g_variant_get(reply, "(^a&s)", &lines);
		for (guint i = 0; lines[i]; i++)
			printf("%s\n", lines[i]);
		if (!lines[0])
			printf("no differences\n");
		return 0;
	}
	g_autoptr(ZionPersona) a = load_ref(options, argv[1], &error);
	g_autoptr(ZionPersona) b = a ? load_ref(options, argv[2], &error) : NULL;
	if (!b)
		return fail("diff", error);
	g_autoptr(ZionNode) tree_a = zion_persona_to_node(a);
	g_autoptr(ZionNode) tree_b = zion_persona_to_node(b);
	g_autoptr(GPtrArray) changes = zion_tree_diff(tree_a, tree_b);
	for (guint i = 0; i < changes->len; i++) {
		g_autofree char *line = zion_tree_change_format(g_ptr_array_index(changes, i));
		printf("%s\n", line);
	}
	if (changes->len == 0)
		printf("no differences\n");
	return 0;
}

static int persona_rollback(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("NAME VERSION",
			   "Make an earlier (or later) version current again; VERSION is a number "
			   "or a hash prefix.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc != 3) {
		fprintf(stderr, "zionctl persona rollback: give a NAME and a VERSION\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent) {
		g_autoptr(GVariant) reply =
			zionctl_agent_call(agent, "RollbackPersona",
					   g_variant_new("(ss)", argv[1], argv[2]), "(us)", &error);
		if (!reply)
			return fail("rollback", error);
		guint number;
		const char *hash;
		g_variant_get(reply, "(u&s)", &number, &hash);
		printf("%s: current version is now %u (hash %.12s)\n", argv[1], number, hash);
		return 0;
	}
	g_autoptr(ZionPersonaStore) store =
		zion_persona_store_open(options->state_dir, FALSE, &error);
	g_autoptr(ZionPersonaVersion) version = NULL;
	if (!store || !zion_persona_store_rollback(store, argv[1], argv[2], &version, &error))
		return fail("rollback", error);
	printf("%s: current version is now %u (hash %.12s)\n", argv[1], version->number,
	       version->hash);
	return 0;
}

static int persona_delete(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("NAME",
			   "Remove a persona and every version of it; refused while a "
			   "desktop is made from it.",
			   NULL, &argc, &argv, &status))
		return status;
	if (argc != 2) {
		fprintf(stderr, "zionctl persona delete: give one NAME\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent) {
		g_autoptr(GVariant) reply = zionctl_agent_call(
			agent, "DeletePersona", g_variant_new("(s)", argv[1]), NULL, &error);
		if (!reply)
			return fail("delete", error);
	} else {
		g_autoptr(ZionPersonaStore) store =
			zion_persona_store_open(options->state_dir, FALSE, &error);
		if (!store || !zion_persona_store_delete(store, argv[1], &error))
			return fail("delete", error);
	}
	printf("%s: deleted\n", argv[1]);
	return 0;
}

static const ZionctlSubcommand commands[] = {
	{ "validate", persona_validate,
	  "validate FILE...          check definitions, print their hashes" },
	{ "show", persona_show, "show NAME[@VERSION]|FILE  print a persona with every field" },
	{ "save", persona_save, "save FILE...              store definitions as new versions" },
	{ "list", persona_list, "list                      list stored personas" },
	{ "versions", persona_versions, "versions NAME             list a persona's versions" },
	{ "diff", persona_diff,
	  "diff A B                  compare two versions or files field by field" },
	{ "rollback", persona_rollback, "rollback NAME VERSION     make a version current again" },
	{ "delete", persona_delete, "delete NAME               remove a persona and its versions" },
};

int zionctl_persona(const ZionctlOptions *options, int argc, char **argv)
{
	static const ZionctlGroup group = {
		.name = "persona",
		.about = "Persona definitions (schema " ZION_PERSONA_SCHEMA
			 "): what each tailored desktop is made of.",
		.footer = "VERSION is a version number or at least 7 digits of its hash. COMMAND "
			  "--help says more.",
		.commands = commands,
		.n_commands = G_N_ELEMENTS(commands),
	};
	return zionctl_run_group(&group, options, argc, argv);
}
