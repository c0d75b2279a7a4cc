/* The last layer step: the persona's saved sessions, oldest first, over everything else. */
#include <errno.h>

#include "layer-internal.h"
#include "session-capture.h"
#include "zion-error.h"

gboolean zion_layer_apply_sessions(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	g_autofree char *dir = zion_session_captures_dir(build->state_dir, persona->name);
	for (guint i = 0; persona->sessions[i]; i++) {
		g_autofree char *capture = g_build_filename(dir, persona->sessions[i], NULL);
		if (!g_file_test(capture, G_FILE_TEST_IS_DIR)) {
			g_set_error(
				error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
				"sessions[%u]: persona %s has no saved session %s (looked in %s)",
				i, persona->name, persona->sessions[i], dir);
			return FALSE;
		}
		zion_layer_log(build, "saved session %s", persona->sessions[i]);
		if (!zion_session_apply(capture, build->upper_fd, error)) {
			g_prefix_error(error, "sessions[%u]: ", i);
			return FALSE;
		}
	}
	return TRUE;
}
