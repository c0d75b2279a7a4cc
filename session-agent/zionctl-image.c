/* zionctl image: build, list and delete base images, directly in the state directory. */
#include <stdio.h>
#include <string.h>

#include "image-store.h"
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
			   "Build a base image called NAME under STATE/images/; a persona names "
			   "it with base: NAME.",
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
	if (!zion_image_delete(options->state_dir, argv[1], &error))
		return fail("delete", error);
	printf("%s: deleted\n", argv[1]);
	return 0;
}

static const struct {
	const char *name;
	ZionctlCommand run;
	const char *usage;
} commands[] = {
	{ "build", image_build,
	  "build NAME --busybox|--debian [--suite SUITE]  build a base image" },
	{ "list", image_list, "list                                           list base images" },
	{ "delete", image_delete,
	  "delete NAME                                    remove a built image" },
};

static void print_help(FILE *out)
{
	fprintf(out, "Usage: zionctl [--state-dir DIR] image COMMAND ...\n\nBase images: the "
		     "read-only trees personas are layered over (host is the host's own root).\n"
		     "These commands work on the state directory directly.\n\nCommands:\n");
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(out, "  %s\n", commands[i].usage);
}

int zionctl_image(const ZionctlOptions *options, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			g_autofree char *prgname =
				g_strdup_printf("zionctl image %s", commands[i].name);
			g_set_prgname(prgname);
			return commands[i].run(options, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "zionctl image: unknown command '%s'\n\n", argv[1]);
	print_help(stderr);
	return 2;
}
