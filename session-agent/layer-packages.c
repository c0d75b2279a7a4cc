/*
 * The packages step: the base's own package manager (apt) installs and removes the persona's
 * packages in a transient build container (ZionLayerOptions.run_in_build_root) whose root is an
 * overlay of the base with the layer as its upper directory, so what apt changes is the layer.
 * The overlay is mounted here, by root, without an id map: files land unshifted, as root inside
 * wrote them.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "layer-internal.h"
#include "remove-tree.h"
#include "zion-error.h"

#define APT_GET "/usr/bin/apt-get"

/* The field a message names: the first list that is not empty. */
static const char *field(const ZionPersona *persona)
{
	return persona->packages.install[0] ? "packages.install" : "packages.remove";
}

static gboolean run(ZionLayerBuild *build, const char *root, GPtrArray *argv, GError **error)
{
	g_ptr_array_add(argv, NULL);
	g_autofree char *line = g_strjoinv(" ", (char **)argv->pdata);
	zion_layer_log(build, "  $ %s", line);
	g_autoptr(GError) local = NULL;
	if (!build->options->run_in_build_root(root, (const char *const *)argv->pdata,
					       build->log_fd, build->options->run_data, &local)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "persona %s: %s: `%s` failed in the build container over %s: %s",
			    build->persona->name, field(build->persona), line, build->base->name,
			    local->message);
		return FALSE;
	}
	return TRUE;
}

static GPtrArray *apt(const char *command, char **packages)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, "/usr/bin/env");
	g_ptr_array_add(argv, "DEBIAN_FRONTEND=noninteractive");
	g_ptr_array_add(argv, APT_GET);
	g_ptr_array_add(argv, "-q");
	g_ptr_array_add(argv, "-y");
	g_ptr_array_add(argv, (char *)command);
	if (strcmp(command, "install") == 0)
		g_ptr_array_add(argv, "--no-install-recommends");
	for (guint i = 0; packages && packages[i]; i++)
		g_ptr_array_add(argv, packages[i]);
	return argv;
}

static gboolean run_apt(ZionLayerBuild *build, const char *root, GError **error)
{
	const ZionPersona *persona = build->persona;
	g_autoptr(GPtrArray) update = apt("update", NULL);
	g_autoptr(GPtrArray) install = apt("install", persona->packages.install);
	g_autoptr(GPtrArray) purge = apt("purge", persona->packages.remove);
	g_autoptr(GPtrArray) clean = apt("clean", NULL);
	return run(build, root, update, error) &&
	       (!persona->packages.install[0] || run(build, root, install, error)) &&
	       (!persona->packages.remove[0] || run(build, root, purge, error)) &&
	       run(build, root, clean, error);
}

/* The package lists apt update fetched are not part of what the persona changes. */
static gboolean drop_lists(ZionLayerBuild *build, GError **error)
{
	g_autofree char *lists = g_build_filename(build->upper, "var/lib/apt/lists", NULL);
	return zion_remove_tree(lists, error);
}

gboolean zion_layer_apply_packages(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	if (!persona->packages.install[0] && !persona->packages.remove[0]) {
		zion_layer_log(build, "  no packages");
		return TRUE;
	}
	struct stat st;
	if (!zion_layer_stat(build, APT_GET, &st)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: %s: base %s (%s) has no package manager (no %s)",
			    persona->name, field(persona), build->base->name, build->base->kind,
			    APT_GET);
		return FALSE;
	}
	if (!build->options->run_in_build_root) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: %s: no build container is available to run apt on base "
			    "%s",
			    persona->name, field(persona), build->base->name);
		return FALSE;
	}
	const char *base = build->base->rootfs;
	if (strpbrk(base, ",:\\") || strpbrk(build->upper, ",:\\")) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s or %s: an overlay cannot take a path with ',', ':' or '\\'", base,
			    build->upper);
		return FALSE;
	}
	g_autofree char *staging = g_path_get_dirname(build->upper);
	g_autofree char *work = g_build_filename(staging, "work", NULL);
	g_autofree char *root = g_build_filename(staging, "merged", NULL);
	g_autofree char *options =
		g_strdup_printf("lowerdir=%s,upperdir=%s,workdir=%s", base, build->upper, work);
	if (mkdir(work, 0700) < 0 || mkdir(root, 0755) < 0 ||
	    mount("overlay", root, "overlay", MS_NODEV, options) < 0) {
		int saved = errno;
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "persona %s: %s: cannot mount the build root %s (%s): %s",
			    persona->name, field(persona), root, options, g_strerror(saved));
		return FALSE;
	}
	zion_layer_log(build, "  build root %s", root);
	gboolean ok = run_apt(build, root, error);
	if (umount2(root, 0) < 0 && umount2(root, MNT_DETACH) < 0 && ok) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot unmount %s: %s", root,
			    g_strerror(errno));
		ok = FALSE;
	}
	return ok && zion_remove_tree(work, error) && zion_remove_tree(root, error) &&
	       drop_lists(build, error);
}
