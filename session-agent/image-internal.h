/* What the image builders share (image-store.c, image-busybox.c, image-debian.c); not an API. */
#pragma once

#include "image-staging.h"
#include "image-store.h"

/* Checks the name, makes the staging directory with an empty rootfs/ in it. */
ZionStaging *zion_image_begin(const char *state_dir, const char *name, char **rootfs,
			      GError **error);
/* Writes image.ini (kind, a new id, created, and the extra key/value pairs, NULL-terminated) and
 * renames the staging directory into place. */
ZionImage *zion_image_commit(ZionStaging *staging, const char *state_dir, const char *name,
			     const char *kind, const char *const *extra, GError **error);
/* The desktops' init (/sbin/init, 0755), written without following any link. */
gboolean zion_image_write_init(const char *rootfs, GError **error);
/* Writes a new file in a tree being built, refusing to go through a link. */
gboolean zion_image_write_new(const char *rootfs, const char *relative, const char *text,
			      mode_t mode, GError **error);
