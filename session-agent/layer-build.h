/*
 * Persona layers: a persona version applied to a base image, as an OverlayFS upper directory that
 * holds only what the persona changes, stored unshifted (owners as they are inside the desktop).
 * Cached under STATE/layers/IMAGE-ID-VERSION-HASH/upper and never built twice; built in a .tmp-
 * sibling and renamed into place when whole. Applied today: hostname, env, users and groups, files.
 */
#pragma once

#include <glib.h>

#include "image-store.h"
#include "persona.h"

/* The layer's directory (to use as a lower); built says whether it was made now. */
char *zion_layer_ensure(const char *state_dir, const ZionImage *image, const ZionPersona *persona,
			const char *version_hash, gboolean *built, GError **error);
