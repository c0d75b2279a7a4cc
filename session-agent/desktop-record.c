/* Desktop records as GKeyFiles, written atomically. */
#include "desktop-record.h"

#include <string.h>

#include "atomic-file.h"
#include "persona.h"
#include "zion-error.h"

#define GROUP "desktop"

const char *const zion_desktop_state_names[] = {
	"stopped", "starting", "running", "hibernated", "stopping", NULL,
};

void zion_desktop_record_free(ZionDesktopRecord *record)
{
	if (!record)
		return;
	g_free(record->name);
	g_free(record->persona);
	g_free(record->version);
	g_free(record->layer);
	g_free(record->user);
	g_free(record->home);
	g_free(record);
}

char *zion_desktop_dir(const char *state_dir, const char *name)
{
	return g_build_filename(state_dir, "desktops", name, NULL);
}

static char *record_path(const char *state_dir, const char *name)
{
	return g_build_filename(state_dir, "desktops", name, "desktop.ini", NULL);
}

static gboolean corrupt(GError **error, const char *path, const char *key)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s: [" GROUP "] %s is missing or wrong",
		    path, key);
	return FALSE;
}

static gboolean read_resource(GKeyFile *file, const char *path, const char *key, gint64 *value,
			      GError **error)
{
	*value = -1;
	if (!g_key_file_has_key(file, GROUP, key, NULL))
		return TRUE;
	g_autoptr(GError) local = NULL;
	*value = g_key_file_get_int64(file, GROUP, key, &local);
	return local || *value < 0 ? corrupt(error, path, key) : TRUE;
}

ZionDesktopRecord *zion_desktop_record_load(const char *state_dir, const char *name, GError **error)
{
	if (!zion_persona_name_is_valid(name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' is not a desktop name (lowercase letters, digits and inner '-', "
			    "at most 32)",
			    name);
		return NULL;
	}
	g_autofree char *path = record_path(state_dir, name);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
				    "no desktop called '%s'", name);
		else
			g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s: %s", path,
				    local->message);
		return NULL;
	}
	g_autoptr(ZionDesktopRecord) record = g_new0(ZionDesktopRecord, 1);
	record->name = g_strdup(name);
	record->persona = g_key_file_get_string(file, GROUP, "persona", NULL);
	record->version = g_key_file_get_string(file, GROUP, "version", NULL);
	record->layer = g_key_file_get_string(file, GROUP, "layer", NULL);
	record->user = g_key_file_get_string(file, GROUP, "user", NULL);
	record->home = g_key_file_get_string(file, GROUP, "home", NULL);
	if (!record->persona || !zion_persona_name_is_valid(record->persona)) {
		corrupt(error, path, "persona");
		return NULL;
	}
	if (!record->version) {
		corrupt(error, path, "version");
		return NULL;
	}
	g_autofree char *state = g_key_file_get_string(file, GROUP, "state", NULL);
	gboolean known = FALSE;
	for (guint i = 0; state && zion_desktop_state_names[i]; i++) {
		if (strcmp(state, zion_desktop_state_names[i]) == 0) {
			record->state = i;
			known = TRUE;
		}
	}
	if (!known) {
		corrupt(error, path, "state");
		return NULL;
	}
	gint64 owner = g_key_file_get_int64(file, GROUP, "owner", &local);
	if (local || owner < 0 || owner > G_MAXUINT32) {
		corrupt(error, path, "owner");
		return NULL;
	}
	record->owner = (uid_t)owner;
	record->active_version = g_key_file_get_integer(file, GROUP, "active-version", NULL);
	record->activated_at = g_key_file_get_int64(file, GROUP, "activated-at", NULL);
	record->activations = g_key_file_get_integer(file, GROUP, "activations", NULL);
	record->saving = g_key_file_get_boolean(file, GROUP, "saving", NULL);
	ZionDesktopResources *res = &record->resources;
	if (!read_resource(file, path, "memory", &res->memory, error) ||
	    !read_resource(file, path, "pids", &res->pids, error) ||
	    !read_resource(file, path, "cpus-milli", &res->cpus_milli, error) ||
	    !read_resource(file, path, "cpu-weight", &res->cpu_weight, error))
		return NULL;
	return g_steal_pointer(&record);
}

static void write_resource(GKeyFile *file, const char *key, gint64 value)
{
	if (value >= 0)
		g_key_file_set_int64(file, GROUP, key, value);
}

static gboolean save(const char *state_dir, const ZionDesktopRecord *record, gboolean runtime_only,
		     GError **error)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_key_file_set_string(file, GROUP, "persona", record->persona);
	g_key_file_set_string(file, GROUP, "version", record->version);
	g_key_file_set_int64(file, GROUP, "owner", record->owner);
	g_key_file_set_string(file, GROUP, "state", zion_desktop_state_names[record->state]);
	if (record->active_version)
		g_key_file_set_integer(file, GROUP, "active-version", record->active_version);
	if (record->layer)
		g_key_file_set_string(file, GROUP, "layer", record->layer);
	if (record->user)
		g_key_file_set_string(file, GROUP, "user", record->user);
	if (record->home)
		g_key_file_set_string(file, GROUP, "home", record->home);
	if (record->activated_at)
		g_key_file_set_int64(file, GROUP, "activated-at", record->activated_at);
	g_key_file_set_integer(file, GROUP, "activations", record->activations);
	if (record->saving)
		g_key_file_set_boolean(file, GROUP, "saving", TRUE);
	write_resource(file, "memory", record->resources.memory);
	write_resource(file, "pids", record->resources.pids);
	write_resource(file, "cpus-milli", record->resources.cpus_milli);
	write_resource(file, "cpu-weight", record->resources.cpu_weight);
	gsize length;
	g_autofree char *text = g_key_file_to_data(file, &length, NULL);
	g_autofree char *path = record_path(state_dir, record->name);
	/* Whether a desktop runs does not survive a power cut, so a change of only that need not
	 * wait for the disk (it is on the way of every activation); a save under way must. */
	if (runtime_only && !record->saving)
		return zion_write_file_replace(path, text, length, 0644, error);
	return zion_write_file_atomic(path, text, length, 0644, error);
}

gboolean zion_desktop_record_save(const char *state_dir, const ZionDesktopRecord *record,
				  GError **error)
{
	return save(state_dir, record, FALSE, error);
}

gboolean zion_desktop_record_save_state(const char *state_dir, const ZionDesktopRecord *record,
					GError **error)
{
	return save(state_dir, record, TRUE, error);
}

static int compare_records(gconstpointer a, gconstpointer b)
{
	const ZionDesktopRecord *ra = *(ZionDesktopRecord *const *)a;
	const ZionDesktopRecord *rb = *(ZionDesktopRecord *const *)b;
	return strcmp(ra->name, rb->name);
}

GPtrArray *zion_desktop_record_load_all(const char *state_dir)
{
	GPtrArray *records =
		g_ptr_array_new_with_free_func((GDestroyNotify)zion_desktop_record_free);
	g_autofree char *dir_path = g_build_filename(state_dir, "desktops", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		if (!zion_persona_name_is_valid(entry))
			continue;
		g_autoptr(GError) error = NULL;
		ZionDesktopRecord *record = zion_desktop_record_load(state_dir, entry, &error);
		if (record)
			g_ptr_array_add(records, record);
		else if (!g_error_matches(error, ZION_ERROR, ZION_ERROR_NOT_FOUND))
			g_warning("%s", error->message);
	}
	g_ptr_array_sort(records, compare_records);
	return records;
}
