/*
 * Base images: "host" (the host's root, read-only) and trees the agent built under
 * STATE/images/NAME/: rootfs/ and image.ini (group [image]: id, a random 128-bit hex made at
 * build; kind, busybox or debian; created, Unix time; suite and mirror for debian). An image is
 * built in a staging sibling and renamed into place when whole (image-staging.h), so a crash leaves
 * no half image. Image names follow zion_persona_name_is_valid; "host" is reserved.
 */
#pragma once

#include <glib.h>

/* Progress of a long build: the step now running, and how many of total are done (total 0: not
 * known). */
typedef void (*ZionProgressFunc)(const char *step, guint done, guint total, gpointer user_data);

typedef struct {
	char *name;
	char *id;   /* a new one whenever the image is built again; layers are cached by it */
	char *kind; /* "host", "busybox" or "debian" */
	char *rootfs;
	gint64 created; /* Unix time; 0 for host */
	char *suite;	/* debian's suite, or NULL */
} ZionImage;

void zion_image_free(ZionImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionImage, zion_image_free)

/*
 * Finds an image. "host" is the host's root: its id follows /etc/os-release, /etc/machine-id and
 * the account and package databases a layer copies from, so layers are rebuilt after the host
 * changes. An unknown name is ZION_ERROR_NOT_FOUND with the names that exist.
 */
gboolean zion_image_lookup(const char *state_dir, const char *name, ZionImage **out,
			   GError **error);
/* The built images (not "host"), sorted by name; damaged ones are left out with a warning. */
GPtrArray *zion_image_list(const char *state_dir);

/*
 * A minimal tree from busybox-static: the usual directories (tmp 1777), busybox with its applets
 * as RELATIVE links made here (never through `busybox --install`, whose absolute links would lead a
 * write out of the tree), root and a user 1000 in /etc/passwd and /etc/group (no shadow), and an
 * /sbin/init that starts crond for schedules and stops on SIGTERM, SIGPWR or SIGINT.
 */
ZionImage *zion_image_build_busybox(const char *state_dir, const char *name,
				    ZionProgressFunc progress, gpointer data, GError **error);
/*
 * A Debian tree made by mmdebstrap (variant apt) from the mirrors the host's apt sources name,
 * for suite (NULL: bookworm), with the same small init. mmdebstrap's steps are reported through
 * progress; its output is kept in images/NAME/build.log.
 */
ZionImage *zion_image_build_debian(const char *state_dir, const char *name, const char *suite,
				   ZionProgressFunc progress, gpointer data, GError **error);
/* Removes a built image; zion_layer_prune_image removes the layers made from it. */
gboolean zion_image_delete(const char *state_dir, const char *name, GError **error);
