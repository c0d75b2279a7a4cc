/* Debian images: mmdebstrap from the mirrors the host's own apt sources name. */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image-internal.h"
#include "zion-error.h"

#define SOURCES_LIST "/etc/apt/sources.list"
#define SOURCES_DIR "/etc/apt/sources.list.d"

/* mmdebstrap's "I:" lines that mark its phases, in order; the last one is its success. */
static const char *const phases[] = {
	"running apt-get update",
	"downloading packages",
	"extracting archives",
	"installing essential packages",
	"installing remaining packages",
	"cleaning package lists",
	"success in",
};

static char *host_codename(void)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents("/etc/os-release", &text, NULL, NULL))
		return NULL;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		if (g_str_has_prefix(lines[i], "VERSION_CODENAME="))
			return g_strdup(lines[i] + strlen("VERSION_CODENAME="));
	}
	return NULL;
}

/*
 * One host source in target terms: "deb URI SUITE COMPONENTS" when the host suite is its own
 * release or that release's -updates or -security, with the release swapped for suite.
 */
static void add_source(GPtrArray *lines, const char *uri, const char *host_suite,
		       const char *codename, const char *suite, const char *components)
{
	static const char *const pockets[] = { "", "-updates", "-security" };
	for (gsize i = 0; i < G_N_ELEMENTS(pockets); i++) {
		g_autofree char *host = g_strconcat(codename, pockets[i], NULL);
		if (strcmp(host_suite, host) != 0)
			continue;
		char *line = g_strdup_printf("deb %s %s%s %s", uri, suite, pockets[i], components);
		for (guint j = 0; j < lines->len; j++) {
			if (strcmp(g_ptr_array_index(lines, j), line) == 0)
				g_clear_pointer(&line, g_free);
		}
		if (line)
			g_ptr_array_add(lines, line);
	}
}

/* One-line style: "deb [options] URI SUITE COMPONENT...". */
static void parse_list(GPtrArray *lines, const char *text, const char *codename, const char *suite)
{
	g_auto(GStrv) rows = g_strsplit(text, "\n", -1);
	for (guint i = 0; rows[i]; i++) {
		g_autofree char *row = g_strdup(rows[i]);
		char *hash = strchr(row, '#');
		if (hash)
			*hash = '\0';
		char *close = strchr(row, ']');
		if (close && strchr(row, '[') && strchr(row, '[') < close)
			memset(strchr(row, '['), ' ', (gsize)(close - strchr(row, '[')) + 1);
		g_auto(GStrv) words = g_strsplit_set(g_strstrip(row), " \t", -1);
		g_autoptr(GPtrArray) parts = g_ptr_array_new();
		for (guint w = 0; words[w]; w++) {
			if (*words[w])
				g_ptr_array_add(parts, words[w]);
		}
		if (parts->len < 4 || strcmp(g_ptr_array_index(parts, 0), "deb") != 0)
			continue;
		g_ptr_array_add(parts, NULL);
		g_autofree char *components = g_strjoinv(" ", (char **)parts->pdata + 3);
		add_source(lines, g_ptr_array_index(parts, 1), g_ptr_array_index(parts, 2),
			   codename, suite, components);
	}
}

/* deb822 style: paragraphs of Types, URIs, Suites, Components (and Enabled). */
static void parse_sources(GPtrArray *lines, const char *text, const char *codename,
			  const char *suite)
{
	g_auto(GStrv) paragraphs = g_regex_split_simple("\n[ \t]*\n", text, 0, 0);
	for (guint p = 0; paragraphs[p]; p++) {
		g_autoptr(GHashTable) fields =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		g_auto(GStrv) rows = g_strsplit(paragraphs[p], "\n", -1);
		for (guint i = 0; rows[i]; i++) {
			char *colon = strchr(rows[i], ':');
			if (rows[i][0] == '#' || rows[i][0] == ' ' || !colon)
				continue;
			g_hash_table_insert(fields, g_ascii_strdown(rows[i], colon - rows[i]),
					    g_strstrip(g_strdup(colon + 1)));
		}
		const char *types = g_hash_table_lookup(fields, "types");
		const char *uris = g_hash_table_lookup(fields, "uris");
		const char *suites = g_hash_table_lookup(fields, "suites");
		const char *components = g_hash_table_lookup(fields, "components");
		const char *enabled = g_hash_table_lookup(fields, "enabled");
		if (!types || !uris || !suites || !components ||
		    (enabled && g_ascii_strcasecmp(enabled, "no") == 0))
			continue;
		g_auto(GStrv) type_list = g_strsplit_set(types, " \t", -1);
		if (!g_strv_contains((const char *const *)type_list, "deb"))
			continue;
		g_auto(GStrv) uri_list = g_strsplit_set(uris, " \t", -1);
		g_auto(GStrv) suite_list = g_strsplit_set(suites, " \t", -1);
		for (guint u = 0; uri_list[u]; u++) {
			for (guint s = 0; suite_list[s]; s++) {
				if (*uri_list[u] && *suite_list[s])
					add_source(lines, uri_list[u], suite_list[s], codename,
						   suite, components);
			}
		}
	}
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sources for suite, from the host's apt configuration (this machine reaches only Debian's
 * mirrors, and whoever runs it chose them). */
static GPtrArray *mirror_lines(const char *suite, GError **error)
{
	g_autofree char *codename = host_codename();
	if (!codename) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "/etc/os-release names no VERSION_CODENAME: the host is not Debian?");
		return NULL;
	}
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *list = NULL;
	if (g_file_get_contents(SOURCES_LIST, &list, NULL, NULL))
		parse_list(lines, list, codename, suite);
	g_autoptr(GDir) dir = g_dir_open(SOURCES_DIR, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_strdup(entry));
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		gboolean is_list = g_str_has_suffix(name, ".list");
		if (!is_list && !g_str_has_suffix(name, ".sources"))
			continue;
		g_autofree char *path = g_build_filename(SOURCES_DIR, name, NULL);
		g_autofree char *text = NULL;
		if (!g_file_get_contents(path, &text, NULL, NULL))
			continue;
		if (is_list)
			parse_list(lines, text, codename, suite);
		else
			parse_sources(lines, text, codename, suite);
	}
	if (lines->len == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "no Debian mirror for %s in %s or %s/*.{list,sources}", codename,
			    SOURCES_LIST, SOURCES_DIR);
		g_ptr_array_unref(lines);
		return NULL;
	}
	return lines;
}

/* Runs mmdebstrap, its output to log_fd line by line, its phases to progress. */
static gboolean run_mmdebstrap(const char *rootfs, const char *suite, GPtrArray *sources,
			       int log_fd, ZionProgressFunc progress, gpointer data, GError **error)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_ptr_array_add(argv, "mmdebstrap");
	g_ptr_array_add(argv, "--variant=apt");
	g_ptr_array_add(argv, "--mode=root");
	g_ptr_array_add(argv, "--format=directory");
	g_ptr_array_add(argv, (char *)suite);
	g_ptr_array_add(argv, (char *)rootfs);
	for (guint i = 0; i < sources->len; i++)
		g_ptr_array_add(argv, g_ptr_array_index(sources, i));
	g_ptr_array_add(argv, NULL);
	g_autoptr(GSubprocess) child = g_subprocess_newv(
		(const char *const *)argv->pdata,
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, error);
	if (!child) {
		g_prefix_error(error, "cannot run mmdebstrap (install the mmdebstrap package): ");
		return FALSE;
	}
	g_autoptr(GDataInputStream) lines =
		g_data_input_stream_new(g_subprocess_get_stdout_pipe(child));
	char *line;
	g_autofree char *last = NULL;
	while ((line = g_data_input_stream_read_line_utf8(lines, NULL, NULL, NULL))) {
		g_autofree char *text = g_strdup_printf("%s\n", line);
		if (write(log_fd, text, strlen(text)) < 0)
			g_debug("build.log: %s", g_strerror(errno));
		for (guint i = 0; i < G_N_ELEMENTS(phases); i++) {
			if (progress && g_str_has_prefix(line, "I: ") && strstr(line, phases[i]))
				progress(line + 3, i + 1 == G_N_ELEMENTS(phases) ? i + 1 : i,
					 G_N_ELEMENTS(phases), data);
		}
		g_free(last);
		last = line;
	}
	if (!g_subprocess_wait_check(child, NULL, error)) {
		g_prefix_error(error, "mmdebstrap %s %s failed (%s): ", suite, rootfs,
			       last ? last : "no output");
		return FALSE;
	}
	return TRUE;
}

ZionImage *zion_image_build_debian(const char *state_dir, const char *name, const char *suite,
				   ZionProgressFunc progress, gpointer data, GError **error)
{
	if (!suite)
		suite = "bookworm";
	if (!*suite || strspn(suite, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(suite)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' is not a Debian suite name (bookworm, trixie, ...)", suite);
		return NULL;
	}
	g_autoptr(GPtrArray) sources = mirror_lines(suite, error);
	if (!sources)
		return NULL;
	g_autofree char *rootfs = NULL;
	g_autoptr(ZionStaging) staging = zion_image_begin(state_dir, name, &rootfs, error);
	if (!staging)
		return NULL;
	g_autofree char *log_path = g_build_filename(zion_staging_path(staging), "build.log", NULL);
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", log_path,
			    g_strerror(errno));
		return NULL;
	}
	for (guint i = 0; i < sources->len; i++) {
		g_autofree char *line =
			g_strdup_printf("source: %s\n", (char *)g_ptr_array_index(sources, i));
		if (write(log_fd, line, strlen(line)) < 0)
			g_debug("build.log: %s", g_strerror(errno));
	}
	gboolean ok = run_mmdebstrap(rootfs, suite, sources, log_fd, progress, data, error);
	close(log_fd);
	if (!ok || !zion_image_write_init(rootfs, error))
		return NULL;
	g_auto(GStrv) words = g_strsplit(g_ptr_array_index(sources, 0), " ", 3);
	const char *extra[] = { "suite", suite, "mirror", words[1], NULL };
	return zion_image_commit(staging, state_dir, name, "debian", extra, error);
}
