/*
 * Saved sessions: what a desktop's session layer changed, kept so that it can become part of a
 * persona version (Deactivate with save). A capture is a copy of the session's OverlayFS upper
 * directory (files with owners, modes and extended attributes, links, whiteouts, opaque
 * directories), stored unshifted like layers, and named by a SHA-256 over its whole content, so
 * the persona version that lists it pins exactly those bytes:
 *
 *   STATE/personas/NAME/sessions/ID    a capture, never changed once renamed into place
 *
 * Applying one merges it onto a layer as OverlayFS would have shown it: its files replace the
 * layer's, its whiteouts remove them, its opaque directories hide everything below from before.
 * Hard links inside a session become separate copies.
 */
#pragma once

#include <glib.h>

/* STATE/personas/PERSONA/sessions */
char *zion_session_captures_dir(const char *state_dir, const char *persona);

/*
 * Copies upper into a new capture under captures_dir, leaving out the relative paths in excluded
 * (NULL-terminated; each with everything below it). *id is the capture's name, or NULL when the
 * session changed nothing (no capture is made then). An identical capture is reused.
 */
gboolean zion_session_capture(const char *upper, const char *const *excluded,
			      const char *captures_dir, char **id, GError **error);

/* Merges the capture at path onto the layer directory layer_fd. */
gboolean zion_session_apply(const char *capture, int layer_fd, GError **error);
