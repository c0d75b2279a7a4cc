/* The files step: the persona's files written (content, mode, owner) or removed (whiteouts). */
#include <string.h>

#include "layer-internal.h"
#include "safe-path.h"
#include "zion-error.h"

gboolean zion_layer_apply_files(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	if (persona->files->len == 0) {
		zion_layer_log(build, "  no files");
		return TRUE;
	}
	/* Owners are names in the desktop as the users step left it. */
	g_autofree char *passwd = zion_layer_read(build, "/etc/passwd", error);
	if (!passwd && error && *error)
		return FALSE;
	g_autofree char *group = zion_layer_read(build, "/etc/group", error);
	if (!group && error && *error)
		return FALSE;
	for (guint i = 0; i < persona->files->len; i++) {
		const ZionPersonaFile *file = g_ptr_array_index(persona->files, i);
		const char *problem = zion_path_problem(file->path);
		if (problem) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "persona %s: files[%u].path: %s %s", persona->name, i,
				    file->path, problem);
			return FALSE;
		}
		g_autoptr(GError) local = NULL;
		if (file->remove) {
			zion_layer_log(build, "  remove %s", file->path);
			if (!zion_layer_whiteout(build, file->path, &local)) {
				g_set_error(error, ZION_ERROR, local->code,
					    "persona %s: files[%u] (%s): %s", persona->name, i,
					    file->path, local->message);
				return FALSE;
			}
			continue;
		}
		const char *owner = file->owner ? file->owner : "root";
		const char *group_name = file->group ? file->group : owner;
		gint64 uid = zion_layer_account_id(passwd, owner);
		gint64 gid = zion_layer_account_id(group, group_name);
		if (uid < 0 || gid < 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "persona %s: files[%u].owner (%s): no %s called '%s' in the "
				    "desktop's /etc/%s",
				    persona->name, i, file->path, uid < 0 ? "user" : "group",
				    uid < 0 ? owner : group_name, uid < 0 ? "passwd" : "group");
			return FALSE;
		}
		zion_layer_log(build,
			       "  write %s (%04o, %" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
			       ", %zu bytes)",
			       file->path, file->mode, uid, gid,
			       file->content ? strlen(file->content) : 0);
		if (!zion_layer_write(build, file->path, file->content ? file->content : "",
				      file->mode, (uid_t)uid, (gid_t)gid, &local)) {
			g_set_error(error, ZION_ERROR, local->code,
				    "persona %s: files[%u] (%s): %s", persona->name, i, file->path,
				    local->message);
			return FALSE;
		}
	}
	return TRUE;
}
