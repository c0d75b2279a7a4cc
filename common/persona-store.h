/*
 * The persona store: every saved change of a persona is an immutable, numbered version identified
 * by the hash of its canonical JSON; one version is current; rollback moves that pointer. Layout
 * under the state directory:
 *
 *   personas/NAME/N.json   version N, canonical JSON, never changed once written
 *   personas/NAME/state    "current" and "latest" version numbers: the one commit point of every
 * change personas/NAME/lock     held (flock) by whoever changes the persona
 *
 * A save writes N.json, then replaces state; both are atomic, so a crash leaves the previous state
 * whole. Version files beyond "latest" are leftovers of an interrupted save: readers ignore them
 * and the next writer deletes them.
 */
#pragma once

#include <glib.h>

#include "persona.h"

typedef struct zion_persona_store ZionPersonaStore;

typedef struct {
	guint number;
	char *hash;
	gint64 saved; /* Unix time */
	gboolean current;
} ZionPersonaVersion;

void zion_persona_version_free(ZionPersonaVersion *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionPersonaVersion, zion_persona_version_free)

/* Opens the store under state_dir; with create, its folder is made (readers need not make it). */
ZionPersonaStore *zion_persona_store_open(const char *state_dir, gboolean create, GError **error);
void zion_persona_store_free(ZionPersonaStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionPersonaStore, zion_persona_store_free)

/* The names of the stored personas, sorted. */
char **zion_persona_store_list(ZionPersonaStore *store, GError **error);

/* Every version of name, oldest first. */
GPtrArray *zion_persona_store_versions(ZionPersonaStore *store, const char *name, GError **error);

/*
 * Finds a version of name: spec is NULL or "current", a version number (up to 6 digits), or a
 * prefix of at least 7 hex digits of a version's hash.
 */
ZionPersonaVersion *zion_persona_store_find(ZionPersonaStore *store, const char *name,
					    const char *spec, GError **error);

/* Loads a version (as zion_persona_store_find names it). */
ZionPersona *zion_persona_store_load(ZionPersonaStore *store, const char *name, const char *spec,
				     ZionPersonaVersion **version, GError **error);

/*
 * Saves persona as the new current version. When it is the same as the current version, nothing
 * changes and *created is FALSE. Returns the current version after the save.
 */
ZionPersonaVersion *zion_persona_store_save(ZionPersonaStore *store, const ZionPersona *persona,
					    gboolean *created, GError **error);

/* Makes an existing version current. */
gboolean zion_persona_store_rollback(ZionPersonaStore *store, const char *name, const char *spec,
				     ZionPersonaVersion **version, GError **error);

/* Removes a persona and every version of it. */
gboolean zion_persona_store_delete(ZionPersonaStore *store, const char *name, GError **error);
