/*
 * Base images: "host" (the host's root, read-only) and trees the agent built under
 * STATE/images/NAME/ (rootfs/ and image.ini with the image's id and kind). An image is built in a
 * .tmp- sibling and renamed into place when whole, so a crash leaves no half image.
 */
#pragma once

#include <glib.h>

typedef struct {
	char *name;
	char *id; /* changes whenever the image is built again; layers are cached by it */
	char *kind;
	char *rootfs;
} ZionImage;

void zion_image_free(ZionImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionImage, zion_image_free)

ZionImage *zion_image_lookup(const char *state_dir, const char *name, GError **error);
/* The built images (not "host"), sorted by name. */
GPtrArray *zion_image_list(const char *state_dir);
/* A minimal tree from busybox-static: its applets as relative links, a user 1000, an init that
 * stops on SIGPWR/SIGTERM. */
ZionImage *zion_image_build_busybox(const char *state_dir, const char *name, GError **error);
gboolean zion_image_delete(const char *state_dir, const char *name, GError **error);
