/* The usage history's database: sessions and their totals, kept across reopening; a session the
 * machine went down with; a forgotten desktop; a schema newer than the agent. */
#include <sqlite3.h>
#include <string.h>

#include "usage-history.h"
#include "zion-error.h"
#include "zion-test.h"

static char *history_dir(const char *name)
{
	char *dir = g_build_filename(zt_temp_dir(), name, NULL);
	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	return dir;
}

static ZionUsageHistory *open_history(const char *dir)
{
	g_autoptr(GError) error = NULL;
	ZionUsageHistory *history = zion_usage_history_open(dir, &error);
	g_assert_no_error(error);
	return history;
}

static ZionUsageTotals totals_of(ZionUsageHistory *history, const char *desktop)
{
	g_autoptr(GError) error = NULL;
	ZionUsageTotals totals = { 0 };
	g_assert_true(zion_usage_history_totals(history, desktop, &totals, &error));
	g_assert_no_error(error);
	return totals;
}

static void started(ZionUsageHistory *history, const char *desktop, gint64 at)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_usage_history_started(history, desktop, at, &error));
	g_assert_no_error(error);
}

static void sampled(ZionUsageHistory *history, const char *desktop, gint64 at, guint64 cpu_ns,
		    guint64 memory)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_usage_history_sample(history, desktop, at, cpu_ns, memory, &error));
	g_assert_no_error(error);
}

static void ended(ZionUsageHistory *history, const char *desktop, gint64 at, guint64 cpu_ns,
		  guint64 memory_peak)
{
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_usage_history_ended(history, desktop, at, cpu_ns, memory_peak, &error));
	g_assert_no_error(error);
}

static void test_totals(void)
{
	g_autofree char *dir = history_dir("totals");
	ZionUsageHistory *history = open_history(dir);
	ZionUsageTotals none = totals_of(history, "work");
	g_assert_cmpuint(none.sessions, ==, 0);
	g_assert_cmpint(none.last_started, ==, 0);

	started(history, "work", 1000);
	sampled(history, "work", 1060, 5000, 300);
	ended(history, "work", 1100, 7000, 400);
	started(history, "work", 2000);
	ended(history, "work", 2010, 1000, 900);
	started(history, "play", 3000);
	zion_usage_history_close(history);

	/* All of it is there after reopening; the open session of play counts as a session, and
	 * not in the sums. */
	history = open_history(dir);
	ZionUsageTotals work = totals_of(history, "work");
	g_assert_cmpuint(work.sessions, ==, 2);
	g_assert_cmpuint(work.cpu_ns, ==, 7000 + 1000);
	g_assert_cmpuint(work.uptime_s, ==, 100 + 10);
	g_assert_cmpuint(work.memory_peak, ==, 900);
	g_assert_cmpint(work.last_started, ==, 2000);
	ZionUsageTotals play = totals_of(history, "play");
	g_assert_cmpuint(play.sessions, ==, 1);
	g_assert_cmpuint(play.cpu_ns, ==, 0);
	g_assert_cmpuint(play.uptime_s, ==, 0);
	g_assert_cmpint(play.last_started, ==, 3000);
	zion_usage_history_close(history);
}

/* The machine went down with a desktop: its session ends at its last sample, not at the next
 * start, which would count the hours the machine was off. */
static void test_session_left_open(void)
{
	g_autofree char *dir = history_dir("left-open");
	g_autoptr(ZionUsageHistory) history = open_history(dir);
	started(history, "work", 1000);
	sampled(history, "work", 1060, 4000, 700);
	sampled(history, "work", 1120, 6000, 500);
	started(history, "work", 90000);
	ZionUsageTotals work = totals_of(history, "work");
	g_assert_cmpuint(work.sessions, ==, 2);
	g_assert_cmpuint(work.uptime_s, ==, 120);
	g_assert_cmpuint(work.cpu_ns, ==, 6000);
	g_assert_cmpuint(work.memory_peak, ==, 700);

	/* With no sample at all, it ends where it started. */
	started(history, "play", 5000);
	started(history, "play", 6000);
	ZionUsageTotals play = totals_of(history, "play");
	g_assert_cmpuint(play.sessions, ==, 2);
	g_assert_cmpuint(play.uptime_s, ==, 0);
	g_assert_cmpuint(play.cpu_ns, ==, 0);
}

static int count_samples(const char *path, const char *desktop)
{
	sqlite3 *db = NULL;
	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	sqlite3_stmt *statement = NULL;
	g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM samples WHERE desktop = ?", -1,
					   &statement, NULL),
			==, SQLITE_OK);
	sqlite3_bind_text(statement, 1, desktop, -1, SQLITE_STATIC);
	g_assert_cmpint(sqlite3_step(statement), ==, SQLITE_ROW);
	int count = sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return count;
}

static void test_forget(void)
{
	g_autofree char *dir = history_dir("forget");
	g_autoptr(ZionUsageHistory) history = open_history(dir);
	started(history, "work", 1000);
	sampled(history, "work", 1060, 4000, 700);
	ended(history, "work", 1100, 5000, 800);
	started(history, "play", 1000);
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_usage_history_forget(history, "work", &error));
	g_assert_no_error(error);
	g_assert_cmpuint(totals_of(history, "work").sessions, ==, 0);
	g_assert_cmpuint(totals_of(history, "play").sessions, ==, 1);
	/* Its samples went too, and play's stay. */
	g_autofree char *path = g_build_filename(dir, "usage.sqlite", NULL);
	sampled(history, "play", 1060, 100, 100);
	g_assert_cmpint(count_samples(path, "work"), ==, 0);
	g_assert_cmpint(count_samples(path, "play"), ==, 1);
}

static void test_newer_schema_refused(void)
{
	g_autofree char *dir = history_dir("newer");
	g_autofree char *path = g_build_filename(dir, "usage.sqlite", NULL);
	sqlite3 *db = NULL;
	g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), ==,
			SQLITE_OK);
	sqlite3_close(db);
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionUsageHistory) history = zion_usage_history_open(dir, &error);
	g_assert_null(history);
	g_assert_error(error, ZION_ERROR, ZION_ERROR_CORRUPT);
	g_assert_nonnull(strstr(error->message, path));
	g_assert_nonnull(strstr(error->message, "schema version 7"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/usage-history/totals", test_totals);
	g_test_add_func("/usage-history/session-left-open", test_session_left_open);
	g_test_add_func("/usage-history/forget", test_forget);
	g_test_add_func("/usage-history/newer-schema-refused", test_newer_schema_refused);
	return g_test_run();
}
