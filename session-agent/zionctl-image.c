/* zionctl image: build, list and delete base images, through zion-agent or in the state
 * directory directly. */
#include <stdio.h>
#include <string.h>

#include "image-store.h"
#include "layer-build.h"
#include "zionctl.h"

static int fail(const char *what, GError *error)
{
	fprintf(stderr, "zionctl image %s: %s\n", what, error->message);
	return 1;
}

static void print_progress(const char *step, guint done, guint total, gpointer data)
{
	if (total)
		printf("[%u/%u] %s\n", done, total, step);
	else
		printf("[...] %s\n", step);
	fflush(stdout);
}

/* What a build through the agent is waiting for. */
typedef struct {
	char *operation;
	GAsyncResult *result;
} Waiting;

static void on_progress(GDBusConnection *connection, const char *sender, const char *path,
			const char *interface, const char *signal, GVariant *parameters,
			gpointer data)
{
	Waiting *waiting = data;
	const char *operation, *step;
	guint done, total;
	g_variant_get(parameters, "(&s&suu)", &operation, &step, &done, &total);
	if (strcmp(operation, waiting->operation) == 0)
		print_progress(step, done, total, NULL);
}

static void on_reply(GObject *source, GAsyncResult *result, gpointer data)
{
	((Waiting *)data)->result = g_object_ref(result);
}

/* BuildImage, printing the agent's Progress signals for it until it answers. */
static int build_through(GDBusConnection *agent, const char *name, const char *kind,
			 const char *suite)
{
	Waiting waiting = { g_strdup_printf("image %s", name), NULL };
	guint subscription = g_dbus_connection_signal_subscribe(
		agent, "org.zion.Agent1", "org.zion.Agent1", "Progress", "/org/zion/Agent1", NULL,
		G_DBUS_SIGNAL_FLAGS_NONE, on_progress, &waiting, NULL);
	GVariantBuilder options;
	g_variant_builder_init(&options, G_VARIANT_TYPE("a{sv}"));
	if (suite)
		g_variant_builder_add(&options, "{sv}", "suite", g_variant_new_string(suite));
	gint64 start = g_get_monotonic_time();
	g_dbus_connection_call(agent, "org.zion.Agent1", "/org/zion/Agent1", "org.zion.Agent1",
			       "BuildImage", g_variant_new("(ssa{sv})", name, kind, &options), NULL,
			       G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, on_reply, &waiting);
	while (!waiting.result)
		g_main_context_iteration(NULL, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_finish(agent, waiting.result, &error);
	g_dbus_connection_signal_unsubscribe(agent, subscription);
	g_object_unref(waiting.result);
	g_free(waiting.operation);
	if (!reply) {
		g_dbus_error_strip_remote_error(error);
		return fail("build", error);
	}
	printf("%s: built (%s) in %.2f s\n", name, kind,
	       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	return 0;
}

static int image_build(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	gboolean busybox = FALSE, debian = FALSE;
	g_autofree char *suite = NULL;
	const GOptionEntry entries[] = {
		{ "busybox", 0, 0, G_OPTION_ARG_NONE, &busybox,
		  "A minimal tree from busybox-static (tests, tiny desktops)", NULL },
		{ "debian", 0, 0, G_OPTION_ARG_NONE, &debian,
		  "Debian from the host's apt mirrors, with mmdebstrap", NULL },
		{ "suite", 0, 0, G_OPTION_ARG_STRING, &suite, "Debian suite (default bookworm)",
		  "SUITE" },
		G_OPTION_ENTRY_NULL,
	};
	if (!zionctl_parse("NAME --busybox|--debian [--suite SUITE]",
			   "Build a base image called NAME under STATE/images/ (through the agent "
			   "when it runs); a persona names it with base: NAME.",
			   entries, &argc, &argv, &status))
		return status;
	if (argc != 2 || busybox == debian) {
		fprintf(stderr, "zionctl image build: give one NAME and one of --busybox and "
				"--debian\n");
		return 2;
	}
	if (suite && !debian) {
		fprintf(stderr, "zionctl image build: --suite goes with --debian\n");
		return 2;
	}
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent)
		return build_through(agent, argv[1], busybox ? "busybox" : "debian", suite);
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	g_autoptr(ZionImage) image =
		busybox ? zion_image_build_busybox(options->state_dir, argv[1], print_progress,
						   NULL, &error)
			: zion_image_build_debian(options->state_dir, argv[1], suite,
						  print_progress, NULL, &error);
	if (!image)
		return fail("build", error);
	printf("%s: built (%s, id %s) in %.2f s\n", image->name, image->kind, image->id,
	       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	return 0;
}

static void print_row(const ZionImage *image)
{
	g_autofree char *created = NULL;
	if (image->created) {
		g_autoptr(GDateTime) when = g_date_time_new_from_unix_local(image->created);
		created = g_date_time_format(when, "%Y-%m-%d %H:%M");
	}
	printf("%-16s %-8s %-10s %-32s %s\n", image->name, image->kind,
	       image->suite ? image->suite : "-", image->id, created ? created : "-");
}

static int image_list(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("", "List the base images: host and the built ones.", NULL, &argc, &argv,
			   &status))
		return status;
	if (argc != 1) {
		fprintf(stderr, "zionctl image list: takes no arguments\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	if (agent) {
		g_autoptr(GVariant) reply =
			zionctl_agent_call(agent, "ListImages", NULL, "(a(sss))", &error);
		if (!reply)
			return fail("list", error);
		g_autoptr(GVariantIter) iter = NULL;
		g_variant_get(reply, "(a(sss))", &iter);
		const char *name, *kind, *id;
		printf("%-16s %-8s %s\n", "NAME", "KIND", "ID");
		while (g_variant_iter_next(iter, "(&s&s&s)", &name, &kind, &id))
			printf("%-16s %-8s %s\n", name, kind, id);
		return 0;
	}
	g_autoptr(ZionImage) host = NULL;
	if (!zion_image_lookup(options->state_dir, "host", &host, &error))
		return fail("list", error);
	printf("%-16s %-8s %-10s %-32s %s\n", "NAME", "KIND", "SUITE", "ID", "CREATED");
	print_row(host);
	g_autoptr(GPtrArray) images = zion_image_list(options->state_dir);
	for (guint i = 0; i < images->len; i++)
		print_row(g_ptr_array_index(images, i));
	return 0;
}

/* With no agent running, no desktop runs on the image's layers. */
static gboolean delete_directly(const char *state_dir, const char *name, GError **error)
{
	g_autoptr(ZionImage) image = NULL;
	guint pruned;
	if (!zion_image_lookup(state_dir, name, &image, error) ||
	    !zion_image_delete(state_dir, name, error) ||
	    !zion_layer_prune_image(state_dir, image->id, &pruned, error))
		return FALSE;
	if (pruned)
		printf("%s: %u cached layers removed\n", name, pruned);
	return TRUE;
}

static int image_delete(const ZionctlOptions *options, int argc, char **argv)
{
	int status = 0;
	if (!zionctl_parse("NAME", "Remove a built base image.", NULL, &argc, &argv, &status))
		return status;
	if (argc != 2) {
		fprintf(stderr, "zionctl image delete: give one NAME\n");
		return 2;
	}
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) agent = zionctl_agent(options, FALSE, NULL);
	g_autoptr(GVariant) reply =
		agent ? zionctl_agent_call(agent, "DeleteImage", g_variant_new("(s)", argv[1]),
					   NULL, &error)
		      : NULL;
	if (agent ? !reply : !delete_directly(options->state_dir, argv[1], &error))
		return fail("delete", error);
	printf("%s: deleted\n", argv[1]);
	return 0;
}

static const ZionctlSubcommand commands[] = {
	{ "build", image_build,
	  "build NAME --busybox|--debian [--suite SUITE]  build a base image" },
	{ "list", image_list, "list                                           list base images" },
	{ "delete", image_delete,
	  "delete NAME                                    remove a built image" },
};

int zionctl_image(const ZionctlOptions *options, int argc, char **argv)
{
	static const ZionctlGroup group = {
		.name = "image",
		.about = "Base images: the read-only trees personas are layered over (host is the "
			 "host's own root). Through zion-agent when it runs, else (and with "
			 "--state-dir) on the state directory directly.",
		.footer = "COMMAND --help says more.",
		.commands = commands,
		.n_commands = G_N_ELEMENTS(commands),
	};
	return zionctl_run_group(&group, options, argc, argv);
}
