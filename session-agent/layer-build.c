/* Building a persona layer: the cache, the staging directory, the log, and the steps in order. */
#include "layer-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-staging.h"
#include "layer-internal.h"
#include "remove-tree.h"
#include "zion-error.h"

static const struct {
	const char *name;
	gboolean (*apply)(ZionLayerBuild *build, GError **error);
} steps[] = {
	{ "host", zion_layer_apply_host },	   { "packages", zion_layer_apply_packages },
	{ "users", zion_layer_apply_users },	   { "environment", zion_layer_apply_environment },
	{ "schedule", zion_layer_apply_schedule }, { "firewall", zion_layer_apply_firewall },
	{ "network", zion_layer_apply_network },   { "appearance", zion_layer_apply_appearance },
	{ "files", zion_layer_apply_files },	   { "sessions", zion_layer_apply_sessions },
};

char *zion_layer_id(const ZionImage *base, const char *version_hash)
{
	return g_strdup_printf("%s-%s", base->id, version_hash);
}

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	int saved = errno;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(saved));
	return FALSE;
}

/* The layer's root directory must look like the base's: overlay takes the merged root's owner
 * and mode from the upper directory. */
static gboolean make_upper(ZionLayerBuild *build, GError **error)
{
	struct stat st;
	if (fstat(build->base_fd, &st) < 0)
		return fail_errno(error, "inspect", build->base->rootfs);
	if (mkdir(build->upper, 0700) < 0)
		return fail_errno(error, "create", build->upper);
	build->upper_fd = open(build->upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (build->upper_fd < 0 || fchown(build->upper_fd, st.st_uid, st.st_gid) < 0 ||
	    fchmod(build->upper_fd, st.st_mode & 07777) < 0)
		return fail_errno(error, "set up", build->upper);
	return TRUE;
}

static gboolean run_steps(ZionLayerBuild *build, GError **error)
{
	ZionProgressFunc progress = build->options->progress;
	guint total = G_N_ELEMENTS(steps);
	for (guint i = 0; i < total; i++) {
		if (progress)
			progress(steps[i].name, i, total, build->options->progress_data);
		gint64 start = g_get_monotonic_time();
		zion_layer_log(build, "step %u/%u: %s", i + 1, total, steps[i].name);
		if (!steps[i].apply(build, error))
			return FALSE;
		zion_layer_log(build, "  done in %.1f ms",
			       (double)(g_get_monotonic_time() - start) / 1000.0);
	}
	if (progress)
		progress("done", total, total, build->options->progress_data);
	return TRUE;
}

/* Keeps the log of a failed build beside the layers (the staging directory goes). */
static void keep_failed_log(const char *layers, const char *id, const char *staging)
{
	g_autofree char *from = g_build_filename(staging, "build.log", NULL);
	g_autofree char *name = g_strdup_printf("%s.failed.log", id);
	g_autofree char *to = g_build_filename(layers, name, NULL);
	if (rename(from, to) < 0)
		g_warning("cannot keep %s as %s: %s", from, to, g_strerror(errno));
}

static gboolean build_layer(const char *state_dir, const char *layers, const char *id,
			    const ZionImage *base, const ZionPersona *persona,
			    const ZionLayerOptions *options, gboolean *made, GError **error)
{
	g_autoptr(ZionStaging) staging = zion_staging_begin(layers, error);
	if (!staging)
		return FALSE;
	const char *dir = zion_staging_path(staging);
	g_autofree char *log_path = g_build_filename(dir, "build.log", NULL);
	ZionLayerBuild build = {
		.state_dir = state_dir,
		.base = base,
		.persona = persona,
		.options = options,
		.upper = g_build_filename(dir, "upper", NULL),
		.base_fd = open(base->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
		.upper_fd = -1,
		.log_fd =
			open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644),
	};
	gint64 start = g_get_monotonic_time();
	gboolean ok;
	if (build.base_fd < 0)
		ok = fail_errno(error, "open the base", base->rootfs);
	else if (build.log_fd < 0)
		ok = fail_errno(error, "create", log_path);
	else {
		zion_layer_log(&build, "layer %s: persona %s over %s (%s)", id, persona->name,
			       base->name, base->kind);
		ok = make_upper(&build, error) && run_steps(&build, error);
	}
	if (ok)
		zion_layer_log(&build, "built in %.1f ms",
			       (double)(g_get_monotonic_time() - start) / 1000.0);
	else if (build.log_fd >= 0)
		zion_layer_log(&build, "failed: %s", (*error)->message);
	if (build.log_fd >= 0 && fsync(build.log_fd) < 0)
		g_debug("build.log: %s", g_strerror(errno));
	g_autofree char *final = g_build_filename(layers, id, NULL);
	g_autoptr(GError) local = NULL;
	if (ok && zion_staging_commit(staging, final, &local)) {
		*made = TRUE;
	} else if (ok && !g_error_matches(local, ZION_ERROR, ZION_ERROR_EXISTS)) {
		/* (EXISTS: someone else built it meanwhile, and theirs is as good.) */
		g_propagate_error(error, g_steal_pointer(&local));
		ok = FALSE;
	}
	if (!ok && build.log_fd >= 0)
		keep_failed_log(layers, id, dir);
	if (build.base_fd >= 0)
		close(build.base_fd);
	if (build.upper_fd >= 0)
		close(build.upper_fd);
	if (build.log_fd >= 0)
		close(build.log_fd);
	g_free(build.upper);
	return ok;
}

gboolean zion_layer_ensure_full(const char *state_dir, const ZionImage *base,
				const ZionPersona *persona, const char *version_hash,
				const ZionLayerOptions *options, gboolean *built, char **layer_dir,
				GError **error)
{
	static const ZionLayerOptions no_options = { 0 };
	*built = FALSE;
	*layer_dir = NULL;
	if (!options)
		options = &no_options;
	g_autofree char *layers = g_build_filename(state_dir, "layers", NULL);
	g_autofree char *id = zion_layer_id(base, version_hash);
	g_autofree char *dir = g_build_filename(layers, id, NULL);
	g_autofree char *upper = g_build_filename(dir, "upper", NULL);
	if (g_file_test(upper, G_FILE_TEST_IS_DIR)) {
		*layer_dir = g_steal_pointer(&dir);
		return TRUE;
	}
	if (!build_layer(state_dir, layers, id, base, persona, options, built, error))
		return FALSE;
	g_autofree char *failed_name = g_strdup_printf("%s.failed.log", id);
	g_autofree char *failed = g_build_filename(layers, failed_name, NULL);
	unlink(failed);
	if (*built)
		g_message("layer %s built for persona %s on %s", id, persona->name, base->name);
	*layer_dir = g_steal_pointer(&dir);
	return TRUE;
}

gboolean zion_layer_ensure(const char *state_dir, const ZionImage *base, const ZionPersona *persona,
			   const char *version_hash, ZionProgressFunc progress, gpointer data,
			   gboolean *built, char **layer_dir, GError **error)
{
	ZionLayerOptions options = { .progress = progress, .progress_data = data };
	return zion_layer_ensure_full(state_dir, base, persona, version_hash, &options, built,
				      layer_dir, error);
}

gboolean zion_layer_prune_image(const char *state_dir, const char *image_id, guint *pruned,
				GError **error)
{
	*pruned = 0;
	g_autofree char *layers = g_build_filename(state_dir, "layers", NULL);
	g_autofree char *prefix = g_strdup_printf("%s-", image_id);
	g_autoptr(GDir) dir = g_dir_open(layers, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		if (!g_str_has_prefix(entry, prefix))
			continue;
		g_autofree char *path = g_build_filename(layers, entry, NULL);
		if (g_str_has_suffix(entry, ".failed.log")) {
			if (unlink(path) < 0)
				return fail_errno(error, "remove", path);
			continue;
		}
		/* Renamed out of the cache first: a crash midway leaves a staging leftover that the
		 * next build removes, never a half layer. */
		g_autofree char *doomed = g_strdup_printf("%s/.tmp-prune-%s", layers, entry);
		if (rename(path, doomed) < 0)
			return fail_errno(error, "move out of the layer cache", path);
		if (!zion_remove_tree(doomed, error))
			return FALSE;
		(*pruned)++;
	}
	return TRUE;
}
