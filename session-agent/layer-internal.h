/*
 * What the layer steps share: the build in progress, and the only functions that touch its files
 * (layer-tree.c). Paths are absolute paths inside the desktop. Reads see the desktop as the layer
 * built so far makes it (the layer's file, else the base's); links are resolved as inside the
 * desktop, so none leads out of the base. Writes go into the layer alone, never through a link,
 * and parent directories made there copy their base's owner and mode. Not an API.
 */
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include "layer-build.h"

typedef struct {
	const char *state_dir;
	const ZionImage *base;
	const ZionPersona *persona;
	const ZionLayerOptions *options;
	char *upper; /* the layer being built */
	int base_fd;
	int upper_fd;
	int log_fd;
} ZionLayerBuild;

/* One line in build.log. */
void zion_layer_log(ZionLayerBuild *build, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* The contents of a file as the desktop will see it; NULL without error when it is missing. */
char *zion_layer_read(ZionLayerBuild *build, const char *path, GError **error);
/* Whether path exists in the desktop (links followed inside it); st receives its status. */
gboolean zion_layer_stat(ZionLayerBuild *build, const char *path, struct stat *st);

/* Writes a file into the layer (replacing what the layer had there) owned uid:gid. */
gboolean zion_layer_write(ZionLayerBuild *build, const char *path, const char *text, mode_t mode,
			  uid_t uid, gid_t gid, GError **error);
/* Like zion_layer_write, keeping the owner and mode of the file the desktop has (a new one gets
 * mode and root). */
gboolean zion_layer_replace(ZionLayerBuild *build, const char *path, const char *text, mode_t mode,
			    GError **error);
/* Makes a directory in the layer, owned uid:gid with mode. */
gboolean zion_layer_mkdir(ZionLayerBuild *build, const char *path, mode_t mode, uid_t uid,
			  gid_t gid, GError **error);
/* An empty directory root owns with mode, hiding whatever the base has there (opaque). */
gboolean zion_layer_empty_dir(ZionLayerBuild *build, const char *path, mode_t mode, GError **error);
/* A relative symbolic link in the layer. */
gboolean zion_layer_symlink(ZionLayerBuild *build, const char *path, const char *target,
			    GError **error);
/* Hides path from the desktop: a whiteout in the layer. */
gboolean zion_layer_whiteout(ZionLayerBuild *build, const char *path, GError **error);

/* The steps, each in its file. */
gboolean zion_layer_apply_host(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_packages(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_users(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_environment(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_schedule(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_firewall(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_network(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_appearance(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_files(ZionLayerBuild *build, GError **error);
gboolean zion_layer_apply_sessions(ZionLayerBuild *build, GError **error);

/* The uid or gid of an account name (or a number) in a passwd or group text; -1 if none. */
gint64 zion_layer_account_id(const char *table, const char *name);
