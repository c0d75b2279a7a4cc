/* The persona store: versions, unchanged saves, lookups by number and hash, rollback, and damage
 * reports. */
#include <glib/gstdio.h>
#include <string.h>

#include "persona-store.h"
#include "zion-error.h"
#include "zion-test.h"

static const char *state_dir;

static ZionPersona *persona_with_memory(const char *name, const char *memory)
{
	g_autofree char *yaml = g_strdup_printf(
		"schema: zion/v1\nname: %s\nresources:\n  memory: %s\n", name, memory);
	g_autoptr(GError) error = NULL;
	ZionPersona *persona = zion_persona_load_data("test.yaml", yaml, strlen(yaml), &error);
	g_assert_no_error(error);
	return persona;
}

static ZionPersonaVersion *save(ZionPersonaStore *store, const char *name, const char *memory,
				gboolean expect_created)
{
	g_autoptr(ZionPersona) persona = persona_with_memory(name, memory);
	g_autoptr(GError) error = NULL;
	gboolean created = !expect_created;
	ZionPersonaVersion *version = zion_persona_store_save(store, persona, &created, &error);
	g_assert_no_error(error);
	g_assert_cmpint(created, ==, expect_created);
	g_autofree char *hash = zion_persona_hash(persona);
	g_assert_cmpstr(version->hash, ==, hash);
	g_assert_true(version->current);
	return version;
}

static ZionPersonaStore *fresh_store(void)
{
	g_autoptr(GError) error = NULL;
	state_dir = zt_temp_dir();
	ZionPersonaStore *store = zion_persona_store_open(state_dir, TRUE, &error);
	g_assert_no_error(error);
	return store;
}

static guint64 memory_of(ZionPersonaStore *store, const char *name, const char *spec)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona = zion_persona_store_load(store, name, spec, NULL, &error);
	g_assert_no_error(error);
	return persona->resources.memory;
}

static void test_versions(void)
{
	g_autoptr(ZionPersonaStore) store = fresh_store();
	g_autoptr(ZionPersonaVersion) v1 = save(store, "work", "1G", TRUE);
	g_autoptr(ZionPersonaVersion) again = save(store, "work", "1024M", FALSE);
	g_autoptr(ZionPersonaVersion) v2 = save(store, "work", "2G", TRUE);
	g_autoptr(ZionPersonaVersion) other = save(store, "play", "3G", TRUE);
	g_assert_cmpuint(v1->number, ==, 1);
	g_assert_cmpuint(again->number, ==, 1);
	g_assert_cmpuint(v2->number, ==, 2);
	g_assert_cmpuint(other->number, ==, 1);
	g_assert_cmpstr(v1->hash, !=, v2->hash);

	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) versions = zion_persona_store_versions(store, "work", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(versions->len, ==, 2);
	const ZionPersonaVersion *first = g_ptr_array_index(versions, 0);
	const ZionPersonaVersion *second = g_ptr_array_index(versions, 1);
	g_assert_false(first->current);
	g_assert_true(second->current);
	g_assert_cmpstr(first->hash, ==, v1->hash);

	g_auto(GStrv) names = zion_persona_store_list(store, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_strv_length(names), ==, 2);
	g_assert_cmpstr(names[0], ==, "play");
	g_assert_cmpstr(names[1], ==, "work");

	g_assert_cmpuint(memory_of(store, "work", NULL), ==, 2ULL << 30);
	g_assert_cmpuint(memory_of(store, "work", "1"), ==, 1ULL << 30);
	g_autofree char *prefix = g_strndup(v1->hash, 9);
	g_assert_cmpuint(memory_of(store, "work", prefix), ==, 1ULL << 30);

	/* A store opened again sees the same. */
	g_autoptr(ZionPersonaStore) reopened = zion_persona_store_open(state_dir, FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(memory_of(reopened, "work", "current"), ==, 2ULL << 30);
}

static void test_rollback(void)
{
	g_autoptr(ZionPersonaStore) store = fresh_store();
	g_autoptr(ZionPersonaVersion) v1 = save(store, "work", "1G", TRUE);
	g_autoptr(ZionPersonaVersion) v2 = save(store, "work", "2G", TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersonaVersion) back = NULL;
	g_assert_true(zion_persona_store_rollback(store, "work", "1", &back, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(back->number, ==, 1);
	g_assert_cmpuint(memory_of(store, "work", NULL), ==, 1ULL << 30);

	/* Saving after a rollback makes a new version on top of the history; nothing is lost. */
	g_autoptr(ZionPersonaVersion) v3 = save(store, "work", "3G", TRUE);
	g_assert_cmpuint(v3->number, ==, 3);
	g_assert_cmpuint(memory_of(store, "work", "2"), ==, 2ULL << 30);

	/* Saving the content of the rolled-back-to version again after moving on is a new version
	 * too. */
	g_autoptr(ZionPersonaVersion) v4 = save(store, "work", "1G", TRUE);
	g_assert_cmpuint(v4->number, ==, 4);
	g_assert_cmpstr(v4->hash, ==, v1->hash);

	/* Forward again, by hash: two versions share v1's hash, which is fine (same content). */
	g_autoptr(ZionPersonaVersion) forward = NULL;
	g_autofree char *prefix = g_strndup(v2->hash, 12);
	g_assert_true(zion_persona_store_rollback(store, "work", prefix, &forward, &error));
	g_assert_cmpuint(forward->number, ==, 2);
}

static void assert_lookup_fails(ZionPersonaStore *store, const char *name, const char *spec,
				int code, const char *message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersona) persona = zion_persona_store_load(store, name, spec, NULL, &error);
	g_assert_null(persona);
	g_assert_error(error, ZION_ERROR, code);
	g_assert_cmpstr(error->message, ==, message);
}

static void test_bad_references(void)
{
	g_autoptr(ZionPersonaStore) store = fresh_store();
	g_autoptr(ZionPersonaVersion) v1 = save(store, "work", "1G", TRUE);
	assert_lookup_fails(store, "nobody", NULL, ZION_ERROR_NOT_FOUND,
			    "no persona named 'nobody'");
	assert_lookup_fails(store, "../etc", NULL, ZION_ERROR_INVALID,
			    "'../etc' is not a persona name");
	assert_lookup_fails(store, "work", "7", ZION_ERROR_NOT_FOUND,
			    "work has no version 7 (latest is 1)");
	assert_lookup_fails(
		store, "work", "abc", ZION_ERROR_INVALID,
		"'abc' is neither a version number nor a hash prefix of at least 7 hex digits");
	g_autofree char *wrong = g_strndup(v1->hash, 7);
	wrong[0] = wrong[0] == 'f' ? '0' : 'f';
	g_autofree char *no_such_hash =
		g_strdup_printf("work has no version with hash %s...", wrong);
	assert_lookup_fails(store, "work", wrong, ZION_ERROR_NOT_FOUND, no_such_hash);

	g_autoptr(GError) error = NULL;
	g_assert_false(zion_persona_store_rollback(store, "work", "9", NULL, &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND);
	g_assert_cmpuint(memory_of(store, "work", NULL), ==, 1ULL << 30);
}

static void test_damage_is_reported(void)
{
	g_autoptr(ZionPersonaStore) store = fresh_store();
	zion_persona_version_free(save(store, "work", "1G", TRUE));
	g_autofree char *path = g_build_filename(state_dir, "personas", "work", "1.json", NULL);
	g_assert_cmpint(g_chmod(path, 0644), ==, 0);
	g_assert_true(g_file_set_contents(path, "{\"schema\": \"zion/v1\", \"name\": \"play\"}", -1,
					  NULL));
	g_autofree char *message = g_strdup_printf("%s holds persona 'play'", path);
	assert_lookup_fails(store, "work", NULL, ZION_ERROR_CORRUPT, message);

	g_autofree char *state = g_build_filename(state_dir, "personas", "work", "state", NULL);
	g_assert_true(g_file_set_contents(state, "[persona]\ncurrent=3\nlatest=2\n", -1, NULL));
	g_autofree char *inconsistent =
		g_strdup_printf("%s: current and latest versions are inconsistent", state);
	assert_lookup_fails(store, "work", NULL, ZION_ERROR_CORRUPT, inconsistent);
}

/* Files an interrupted save leaves behind are invisible to readers and swept by the next writer. */
static void test_leftovers(void)
{
	g_autoptr(ZionPersonaStore) store = fresh_store();
	zion_persona_version_free(save(store, "work", "1G", TRUE));
	g_autofree char *orphan = g_build_filename(state_dir, "personas", "work", "2.json", NULL);
	g_autofree char *temp =
		g_build_filename(state_dir, "personas", "work", ".state.tmp-ABCDEF", NULL);
	g_assert_true(g_file_set_contents(orphan, "half", -1, NULL));
	g_assert_true(g_file_set_contents(temp, "half", -1, NULL));

	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) versions = zion_persona_store_versions(store, "work", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(versions->len, ==, 1);

	g_autoptr(ZionPersonaVersion) v2 = save(store, "work", "2G", TRUE);
	g_assert_cmpuint(v2->number, ==, 2);
	g_assert_cmpuint(memory_of(store, "work", "2"), ==, 2ULL << 30);
	g_assert_false(g_file_test(temp, G_FILE_TEST_EXISTS));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/store/versions", test_versions);
	g_test_add_func("/store/rollback", test_rollback);
	g_test_add_func("/store/bad-references", test_bad_references);
	g_test_add_func("/store/damage-is-reported", test_damage_is_reported);
	g_test_add_func("/store/leftovers", test_leftovers);
	return g_test_run();
}
