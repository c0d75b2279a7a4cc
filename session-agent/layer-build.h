/*
 * Persona layers: a persona version applied to a base image, kept as an OverlayFS upper directory
 * that holds only what the persona changes (removals as whiteouts, 0/0 character devices), stored
 * unshifted: owners are what they are inside the desktop (uid 0 on disk is root inside).
 *
 *   STATE/layers/ID/upper       the layer; ID is "<image id>-<persona version hash>"
 *   STATE/layers/ID/build.log   one line per step
 *   STATE/layers/ID.failed.log  the log of the last failed build of ID (removed by a good one)
 *
 * A layer is built in a staging sibling and renamed into place when whole; a failing step leaves
 * nothing under layers/ but its failed log. A layer that exists is never built again.
 *
 * Steps, in order (each in its own layer-*.c): host (over the host's root only: its secrets and
 * its users' files hidden), packages (the base's package manager in a build
 * container), users and groups, environment, schedule, firewall, network, appearance, files (so
 * a persona's own file wins over a generated one), and last the sessions saved into the persona
 * (what a user changed in a desktop wins over everything).
 */
#pragma once

#include <glib.h>

#include "image-store.h"
#include "persona.h"

/*
 * Runs argv (argv[0] an absolute path inside) as root in a transient container whose root file
 * system is root_dir, writing its output to log_fd. root_dir is the base with the layer being
 * built over it, mounted read-write by the builder; what the command changes lands in the layer.
 */
typedef gboolean (*ZionBuildRootRunner)(const char *root_dir, const char *const *argv, int log_fd,
					gpointer data, GError **error);

typedef struct {
	ZionProgressFunc progress;
	gpointer progress_data;
	/* NULL: a persona with packages cannot be built (the error says so). */
	ZionBuildRootRunner run_in_build_root;
	gpointer run_data;
} ZionLayerOptions;

/* The layer's id: "<image id>-<version hash>". */
char *zion_layer_id(const ZionImage *base, const char *version_hash);

/*
 * Makes sure the layer of persona (whose stored version has version_hash) over base exists.
 * *built says whether it was made now; *layer_dir is STATE/layers/ID (its upper/ is the layer).
 * Without a build-container runner; see zion_layer_ensure_full.
 */
gboolean zion_layer_ensure(const char *state_dir, const ZionImage *base, const ZionPersona *persona,
			   const char *version_hash, ZionProgressFunc progress, gpointer data,
			   gboolean *built, char **layer_dir, GError **error);
gboolean zion_layer_ensure_full(const char *state_dir, const ZionImage *base,
				const ZionPersona *persona, const char *version_hash,
				const ZionLayerOptions *options, gboolean *built, char **layer_dir,
				GError **error);

/* Removes the cached layers (and failed logs) built on the image with image_id, after the image
 * itself is deleted; *pruned counts the layers. The caller makes sure no desktop runs on them. */
gboolean zion_layer_prune_image(const char *state_dir, const char *image_id, guint *pruned,
				GError **error);
