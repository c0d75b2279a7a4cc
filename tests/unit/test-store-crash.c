/*
 * Crash safety of the persona store: a child saves and rolls back as fast as it can and is killed
 * with SIGKILL at a random moment, many times. After each kill the store must read whole (every
 * version parses and hashes to itself, current is one of them), no acknowledged save may be lost,
 * and the next writer must carry on from there.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "canonical-json.h"
#include "persona-store.h"
#include "zion-test.h"

#define ROUNDS 60

static ZionPersona *persona_with_memory(guint gigabytes)
{
	g_autofree char *yaml =
		g_strdup_printf("schema: zion/v1\nname: work\nresources:\n  memory: %uG\n"
				"files:\n  - path: /etc/motd\n    content: \"%0*d\"\n",
				gigabytes, 4000, 0);
	return zion_persona_load_data("crash.yaml", yaml, strlen(yaml), NULL);
}

/* The child: saves forever, reporting each committed version number on fd. */
static G_NORETURN void save_forever(const char *state_dir, int fd)
{
	ZionPersonaStore *store = zion_persona_store_open(state_dir, TRUE, NULL);
	for (guint i = 0;; i++) {
		if (i % 5 == 4) {
			zion_persona_store_rollback(store, "work", "1", NULL, NULL);
			continue;
		}
		ZionPersona *persona = persona_with_memory(1 + i % 7);
		gboolean created;
		ZionPersonaVersion *version =
			zion_persona_store_save(store, persona, &created, NULL);
		if (!version)
			_exit(3);
		guint32 number = version->number;
		if (write(fd, &number, sizeof(number)) != sizeof(number))
			_exit(4);
		zion_persona_version_free(version);
		zion_persona_free(persona);
	}
}

static guint32 last_acknowledged(int fd)
{
	guint32 number = 0, last = 0;
	while (read(fd, &number, sizeof(number)) == sizeof(number))
		last = number;
	return last;
}

static gboolean has_leftovers(const char *state_dir, guint latest)
{
	g_autofree char *orphan_name = g_strdup_printf("%u.json", latest + 1);
	g_autofree char *orphan =
		g_build_filename(state_dir, "personas", "work", orphan_name, NULL);
	g_autofree char *dir_path = g_build_filename(state_dir, "personas", "work", NULL);
	gboolean found = g_file_test(orphan, G_FILE_TEST_EXISTS);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir)))
		found = found || strstr(entry, ".tmp-") != NULL;
	return found;
}

/* The store reads whole and holds at least floor versions, and at most one more (a save that
 * committed but was killed before it could say so). */
static void check_store(const char *state_dir, guint floor, guint *latest)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersonaStore) store = zion_persona_store_open(state_dir, FALSE, &error);
	g_assert_no_error(error);
	g_autoptr(GPtrArray) versions = zion_persona_store_versions(store, "work", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(versions->len, >=, floor);
	g_assert_cmpuint(versions->len, <=, floor + 1);

	guint current = 0;
	for (guint i = 0; i < versions->len; i++) {
		const ZionPersonaVersion *version = g_ptr_array_index(versions, i);
		g_autofree char *spec = g_strdup_printf("%u", version->number);
		g_autoptr(ZionPersona) persona =
			zion_persona_store_load(store, "work", spec, NULL, &error);
		g_assert_no_error(error);
		g_autofree char *hash = zion_persona_hash(persona);
		g_assert_cmpstr(hash, ==, version->hash);
		if (version->current)
			current++;
	}
	g_assert_cmpuint(current, ==, 1);
	*latest = versions->len;
}

static void test_kill_during_saves(void)
{
	const char *state_dir = zt_temp_dir();
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionPersonaStore) store = zion_persona_store_open(state_dir, TRUE, &error);
	g_autoptr(ZionPersona) first = persona_with_memory(1);
	gboolean created = FALSE;
	g_autoptr(ZionPersonaVersion) version =
		zion_persona_store_save(store, first, &created, &error);
	g_assert_no_error(error);
	guint latest = version->number;
	guint with_leftovers = 0;
	for (guint round = 0; round < ROUNDS; round++) {
		int fds[2];
		g_assert_cmpint(pipe(fds), ==, 0);
		pid_t pid = fork();
		g_assert_cmpint(pid, >=, 0);
		if (pid == 0) {
			close(fds[0]);
			save_forever(state_dir, fds[1]);
		}
		close(fds[1]);
		g_usleep(g_random_int_range(2000, 40000));
		kill(pid, SIGKILL);
		int status;
		g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
		g_assert_true(WIFSIGNALED(status));
		guint32 acknowledged = last_acknowledged(fds[0]);
		close(fds[0]);

		check_store(state_dir, MAX(latest, acknowledged), &latest);
		with_leftovers += has_leftovers(state_dir, latest);
	}
	g_test_message("%u of %d kills left an interrupted save behind", with_leftovers, ROUNDS);

	/* The next writer sweeps up and carries on. */
	g_autoptr(ZionPersona) persona = persona_with_memory(64);
	g_autoptr(ZionPersonaVersion) next =
		zion_persona_store_save(store, persona, &created, &error);
	g_assert_no_error(error);
	g_assert_true(created);
	g_assert_cmpuint(next->number, ==, latest + 1);
	g_assert_false(has_leftovers(state_dir, next->number));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/store/kill-during-saves", test_kill_during_saves);
	return g_test_run();
}
