/* Versioned, crash-safe persona storage on a directory. */
#include "persona-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "canonical-json.h"
#include "zion-error.h"

#define STATE_GROUP "persona"

struct zion_persona_store {
	char *dir; /* state_dir/personas */
};

/* The committed state of one persona: versions 1..latest exist; current is one of them. */
struct persona_state {
	guint current;
	guint latest;
};

void zion_persona_version_free(ZionPersonaVersion *version)
{
	if (!version)
		return;
	g_free(version->hash);
	g_free(version);
}

ZionPersonaStore *zion_persona_store_open(const char *state_dir, gboolean create, GError **error)
{
	g_autofree char *dir = g_build_filename(state_dir, "personas", NULL);
	if (create && !zion_make_dir_durable(dir, 0755, error))
		return NULL;
	ZionPersonaStore *store = g_new0(ZionPersonaStore, 1);
	store->dir = g_steal_pointer(&dir);
	return store;
}

void zion_persona_store_free(ZionPersonaStore *store)
{
	if (!store)
		return;
	g_free(store->dir);
	g_free(store);
}

static char *persona_dir(ZionPersonaStore *store, const char *name)
{
	return g_build_filename(store->dir, name, NULL);
}

static char *version_path(ZionPersonaStore *store, const char *name, guint number)
{
	g_autofree char *file = g_strdup_printf("%u.json", number);
	return g_build_filename(store->dir, name, file, NULL);
}

/* Reads the committed state; a persona that was never saved has latest 0. */
static gboolean read_state(ZionPersonaStore *store, const char *name, struct persona_state *state,
			   GError **error)
{
	g_autofree char *path = g_build_filename(store->dir, name, "state", NULL);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	*state = (struct persona_state){ 0 };
	if (!g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return TRUE;
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s: %s", path, local->message);
		return FALSE;
	}
	guint64 current = g_key_file_get_uint64(file, STATE_GROUP, "current", NULL);
	guint64 latest = g_key_file_get_uint64(file, STATE_GROUP, "latest", NULL);
	if (latest == 0 || latest > G_MAXUINT || current == 0 || current > latest) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT,
			    "%s: current and latest versions are inconsistent", path);
		return FALSE;
	}
	state->current = (guint)current;
	state->latest = (guint)latest;
	return TRUE;
}

static gboolean write_state(ZionPersonaStore *store, const char *name,
			    const struct persona_state *state, GError **error)
{
	g_autofree char *path = g_build_filename(store->dir, name, "state", NULL);
	g_autofree char *text = g_strdup_printf("[" STATE_GROUP "]\ncurrent=%u\nlatest=%u\n",
						state->current, state->latest);
	return zion_write_file_atomic(path, text, strlen(text), 0644, error);
}

static gboolean require_persona(ZionPersonaStore *store, const char *name,
				struct persona_state *state, GError **error)
{
	if (!zion_persona_name_is_valid(name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "'%s' is not a persona name",
			    name);
		return FALSE;
	}
	if (!read_state(store, name, state, error))
		return FALSE;
	if (state->latest == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND, "no persona named '%s'", name);
		return FALSE;
	}
	return TRUE;
}

/* Reads version number of name and checks that it is the persona it claims to be. */
static ZionPersona *read_version(ZionPersonaStore *store, const char *name, guint number,
				 char **canonical, gint64 *saved, GError **error)
{
	g_autofree char *path = version_path(store, name, number);
	g_autofree char *data = NULL;
	gsize length = 0;
	GStatBuf st;
	if (!g_file_get_contents(path, &data, &length, error) || g_stat(path, &st) < 0) {
		g_prefix_error(error, "version %u of %s is missing: ", number, name);
		if (error && *error)
			(*error)->code = ZION_ERROR_CORRUPT;
		return NULL;
	}
	g_autoptr(ZionPersona) persona = zion_persona_load_data(path, data, length, error);
	if (!persona) {
		if (error && *error)
			(*error)->code = ZION_ERROR_CORRUPT;
		return NULL;
	}
	if (strcmp(persona->name, name) != 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s holds persona '%s'", path,
			    persona->name);
		return NULL;
	}
	if (canonical)
		*canonical = g_steal_pointer(&data);
	if (saved)
		*saved = st.st_mtime;
	return g_steal_pointer(&persona);
}

static ZionPersonaVersion *version_info(ZionPersonaStore *store, const char *name, guint number,
					const struct persona_state *state, GError **error)
{
	g_autofree char *canonical = NULL;
	gint64 saved = 0;
	g_autoptr(ZionPersona) persona =
		read_version(store, name, number, &canonical, &saved, error);
	if (!persona)
		return NULL;
	ZionPersonaVersion *version = g_new0(ZionPersonaVersion, 1);
	version->number = number;
	version->hash = zion_sha256_hex(canonical);
	version->saved = saved;
	version->current = number == state->current;
	return version;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **zion_persona_store_list(ZionPersonaStore *store, GError **error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) dir = g_dir_open(store->dir, 0, &local);
	if (!dir && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_propagate_error(error, g_steal_pointer(&local));
		return NULL;
	}
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		struct persona_state state;
		if (zion_persona_name_is_valid(entry) && read_state(store, entry, &state, NULL) &&
		    state.latest > 0)
			g_ptr_array_add(names, g_strdup(entry));
	}
	g_ptr_array_sort(names, compare_names);
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_steal(names, NULL);
}

GPtrArray *zion_persona_store_versions(ZionPersonaStore *store, const char *name, GError **error)
{
	struct persona_state state;
	if (!require_persona(store, name, &state, error))
		return NULL;
	g_autoptr(GPtrArray) versions =
		g_ptr_array_new_with_free_func((GDestroyNotify)zion_persona_version_free);
	for (guint number = 1; number <= state.latest; number++) {
		ZionPersonaVersion *version = version_info(store, name, number, &state, error);
		if (!version)
			return NULL;
		g_ptr_array_add(versions, version);
	}
	return g_steal_pointer(&versions);
}

ZionPersonaVersion *zion_persona_store_find(ZionPersonaStore *store, const char *name,
					    const char *spec, GError **error)
{
	struct persona_state state;
	if (!require_persona(store, name, &state, error))
		return NULL;
	if (!spec || strcmp(spec, "current") == 0)
		return version_info(store, name, state.current, &state, error);

	guint64 number;
	if (strlen(spec) < 7 && g_ascii_string_to_unsigned(spec, 10, 1, G_MAXUINT, &number, NULL)) {
		if (number > state.latest) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
				    "%s has no version %s (latest is %u)", name, spec,
				    state.latest);
			return NULL;
		}
		return version_info(store, name, (guint)number, &state, error);
	}
	if (strlen(spec) < 7 || !g_regex_match_simple("^[0-9a-f]+$", spec, 0, 0)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' is neither a version number nor a hash prefix of at least 7 hex "
			    "digits",
			    spec);
		return NULL;
	}
	g_autoptr(GPtrArray) versions = zion_persona_store_versions(store, name, error);
	if (!versions)
		return NULL;
	gint found = -1;
	for (guint i = 0; i < versions->len; i++) {
		const ZionPersonaVersion *version = g_ptr_array_index(versions, i);
		if (!g_str_has_prefix(version->hash, spec))
			continue;
		/* Versions with the same content share a hash; the newest one stands for them. */
		const ZionPersonaVersion *previous =
			found >= 0 ? g_ptr_array_index(versions, found) : NULL;
		if (previous && strcmp(previous->hash, version->hash) != 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "hash prefix '%s' matches more than one version of %s", spec,
				    name);
			return NULL;
		}
		found = (gint)i;
	}
	if (found < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "%s has no version with hash %s...", name, spec);
		return NULL;
	}
	return g_ptr_array_steal_index(versions, (guint)found);
}

ZionPersona *zion_persona_store_load(ZionPersonaStore *store, const char *name, const char *spec,
				     ZionPersonaVersion **version, GError **error)
{
	g_autoptr(ZionPersonaVersion) found = zion_persona_store_find(store, name, spec, error);
	if (!found)
		return NULL;
	ZionPersona *persona = read_version(store, name, found->number, NULL, NULL, error);
	if (persona && version)
		*version = g_steal_pointer(&found);
	return persona;
}

/* Takes the persona's writer lock; returns the fd to close, or -1. */
static int lock_persona(ZionPersonaStore *store, const char *name, GError **error)
{
	g_autofree char *dir = persona_dir(store, name);
	if (!zion_make_dir_durable(dir, 0755, error))
		return -1;
	g_autofree char *path = g_build_filename(dir, "lock", NULL);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot lock %s: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Under the lock: removes what an interrupted save left behind (versions past latest, temporary
 * files). */
static void remove_leftovers(ZionPersonaStore *store, const char *name,
			     const struct persona_state *state)
{
	g_autofree char *path = persona_dir(store, name);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		guint64 number = 0;
		g_autofree char *stem = g_str_has_suffix(entry, ".json")
						? g_strndup(entry, strlen(entry) - 5)
						: NULL;
		gboolean orphan =
			stem && g_ascii_string_to_unsigned(stem, 10, 1, G_MAXUINT, &number, NULL) &&
			number > state->latest;
		if (orphan || (entry[0] == '.' && strstr(entry, ".tmp-"))) {
			g_autofree char *file = g_build_filename(path, entry, NULL);
			g_unlink(file);
		}
	}
}

/* A version is committed only if it loads back as itself: a store must never hold what it cannot
 * read. */
static gboolean reads_back(const char *name, const char *canonical, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(ZionPersona) again =
		zion_persona_load_data("canonical.json", canonical, strlen(canonical), &local);
	g_autofree char *canonical_again = again ? zion_persona_canonical_json(again) : NULL;
	if (canonical_again && strcmp(canonical, canonical_again) == 0)
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
		    "%s was not saved: its canonical form does not read back (%s); this is a bug "
		    "in Zion",
		    name, local ? local->message : "it reads back differently");
	return FALSE;
}

ZionPersonaVersion *zion_persona_store_save(ZionPersonaStore *store, const ZionPersona *persona,
					    gboolean *created, GError **error)
{
	const char *name = persona->name;
	*created = FALSE;
	int lock = lock_persona(store, name, error);
	if (lock < 0)
		return NULL;

	ZionPersonaVersion *result = NULL;
	struct persona_state state;
	g_autofree char *canonical = zion_persona_canonical_json(persona);
	g_autofree char *current = NULL;
	if (!reads_back(name, canonical, error))
		goto out;
	if (!read_state(store, name, &state, error))
		goto out;
	remove_leftovers(store, name, &state);
	if (state.latest > 0) {
		g_autoptr(ZionPersona) stored =
			read_version(store, name, state.current, &current, NULL, error);
		if (!stored)
			goto out;
	}
	if (!current || strcmp(current, canonical) != 0) {
		struct persona_state next = { .current = state.latest + 1,
					      .latest = state.latest + 1 };
		g_autofree char *path = version_path(store, name, next.latest);
		if (!zion_write_file_atomic(path, canonical, strlen(canonical), 0444, error) ||
		    !write_state(store, name, &next, error))
			goto out;
		state = next;
		*created = TRUE;
	}
	result = version_info(store, name, state.current, &state, error);
out:
	close(lock);
	return result;
}

gboolean zion_persona_store_rollback(ZionPersonaStore *store, const char *name, const char *spec,
				     ZionPersonaVersion **version, GError **error)
{
	struct persona_state state;
	if (!require_persona(store, name, &state, error))
		return FALSE;
	int lock = lock_persona(store, name, error);
	if (lock < 0)
		return FALSE;
	gboolean ok = FALSE;
	g_autoptr(ZionPersonaVersion) target = NULL;
	/* Read again under the lock: a save may have landed in between. */
	if (!read_state(store, name, &state, error))
		goto out;
	remove_leftovers(store, name, &state);
	target = zion_persona_store_find(store, name, spec, error);
	if (!target)
		goto out;
	state.current = target->number;
	if (!write_state(store, name, &state, error))
		goto out;
	target->current = TRUE;
	if (version)
		*version = g_steal_pointer(&target);
	ok = TRUE;
out:
	close(lock);
	return ok;
}

gboolean zion_persona_store_delete(ZionPersonaStore *store, const char *name, GError **error)
{
	struct persona_state state;
	if (!require_persona(store, name, &state, error))
		return FALSE;
	int lock = lock_persona(store, name, error);
	if (lock < 0)
		return FALSE;
	/* Without its state file a persona does not exist: that unlink is the commit point, and
	 * the version files left are leftovers the next writer would delete too. */
	g_autofree char *dir = persona_dir(store, name);
	g_autofree char *path = g_build_filename(dir, "state", NULL);
	gboolean ok = TRUE;
	if (unlink(path) < 0 && errno != ENOENT) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot remove %s: %s", path,
			    g_strerror(errno));
		ok = FALSE;
	} else if ((ok = zion_sync_dir(dir, error))) {
		remove_leftovers(store, name, &(struct persona_state){ 0 });
	}
	close(lock);
	return ok;
}
