/* Usage history in SQLite. */
#include "usage-history.h"

#include <sqlite3.h>
#include <stdarg.h>

#include "zion-error.h"

#define SCHEMA_VERSION 1

struct zion_usage_history {
	sqlite3 *db;
	char *path;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS sessions ("
	"  desktop TEXT NOT NULL, started INTEGER NOT NULL, ended INTEGER,"
	"  cpu_ns INTEGER NOT NULL DEFAULT 0, memory_peak INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS sessions_by_desktop ON sessions (desktop, started);"
	"CREATE TABLE IF NOT EXISTS samples ("
	"  desktop TEXT NOT NULL, at INTEGER NOT NULL, cpu_ns INTEGER NOT NULL,"
	"  memory INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS samples_by_desktop ON samples (desktop, at);";

static gboolean fail(ZionUsageHistory *history, const char *doing, GError **error)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "usage history %s: cannot %s: %s",
		    history->path, doing, sqlite3_errmsg(history->db));
	return FALSE;
}

void zion_usage_history_close(ZionUsageHistory *history)
{
	if (!history)
		return;
	sqlite3_close(history->db);
	g_free(history->path);
	g_free(history);
}

ZionUsageHistory *zion_usage_history_open(const char *state_dir, GError **error)
{
	g_autoptr(ZionUsageHistory) history = g_new0(ZionUsageHistory, 1);
	history->path = g_build_filename(state_dir, "usage.sqlite", NULL);
	if (sqlite3_open_v2(history->path, &history->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		fail(history, "open it", error);
		return NULL;
	}
	sqlite3_busy_timeout(history->db, 2000);
	sqlite3_stmt *version = NULL;
	int found = -1;
	if (sqlite3_prepare_v2(history->db, "PRAGMA user_version", -1, &version, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(version) == SQLITE_ROW)
		found = sqlite3_column_int(version, 0);
	sqlite3_finalize(version);
	if (found > SCHEMA_VERSION) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT,
			    "usage history %s has schema version %d; this agent knows %d",
			    history->path, found, SCHEMA_VERSION);
		return NULL;
	}
	/* WAL with NORMAL sync: a crash of the agent loses nothing committed, a power cut at most
	 * the last moments. */
	g_autofree char *setup =
		g_strdup_printf("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN; %s "
				"PRAGMA user_version=%d; COMMIT;",
				schema, SCHEMA_VERSION);
	if (found < 0 || sqlite3_exec(history->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
		fail(history, "set up its tables", error);
		return NULL;
	}
	return g_steal_pointer(&history);
}

/* Runs sql with its ? bound to the texts and numbers in order (format: 's' text, 'i' int64). */
static gboolean run(ZionUsageHistory *history, const char *sql, const char *format, GError **error,
		    ...)
{
	sqlite3_stmt *statement = NULL;
	if (sqlite3_prepare_v2(history->db, sql, -1, &statement, NULL) != SQLITE_OK)
		return fail(history, "prepare a statement", error);
	va_list args;
	va_start(args, error);
	for (int i = 0; format[i]; i++) {
		if (format[i] == 's')
			sqlite3_bind_text(statement, i + 1, va_arg(args, const char *), -1,
					  SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(statement, i + 1, va_arg(args, gint64));
	}
	va_end(args);
	int status = sqlite3_step(statement);
	sqlite3_finalize(statement);
	return status == SQLITE_DONE || fail(history, "write", error);
}

gboolean zion_usage_history_started(ZionUsageHistory *history, const char *desktop, gint64 started,
				    GError **error)
{
	/* A session the agent never saw end (the machine went down with it) ends at its last
	 * sample, with that sample's CPU time and the most memory sampled; with no sample, where it
	 * started. Not where the new one starts: the time between was not used. */
	return run(history,
		   "UPDATE sessions SET"
		   "  ended = coalesce((SELECT max(at) FROM samples WHERE samples.desktop ="
		   "    sessions.desktop AND at >= sessions.started), started),"
		   "  cpu_ns = coalesce((SELECT cpu_ns FROM samples WHERE samples.desktop ="
		   "    sessions.desktop AND at >= sessions.started ORDER BY at DESC LIMIT 1), 0),"
		   "  memory_peak = coalesce((SELECT max(memory) FROM samples WHERE"
		   "    samples.desktop = sessions.desktop AND at >= sessions.started), 0) "
		   "WHERE desktop = ? AND ended IS NULL",
		   "s", error, desktop) &&
	       run(history, "INSERT INTO sessions (desktop, started) VALUES (?, ?)", "si", error,
		   desktop, started);
}

gboolean zion_usage_history_ended(ZionUsageHistory *history, const char *desktop, gint64 ended,
				  guint64 cpu_ns, guint64 memory_peak, GError **error)
{
	return run(history,
		   "UPDATE sessions SET ended = ?, cpu_ns = ?, memory_peak = ? "
		   "WHERE desktop = ? AND ended IS NULL",
		   "iiis", error, ended, (gint64)cpu_ns, (gint64)memory_peak, desktop);
}

gboolean zion_usage_history_sample(ZionUsageHistory *history, const char *desktop, gint64 at,
				   guint64 cpu_ns, guint64 memory, GError **error)
{
	return run(history, "INSERT INTO samples (desktop, at, cpu_ns, memory) VALUES (?, ?, ?, ?)",
		   "siii", error, desktop, at, (gint64)cpu_ns, (gint64)memory);
}

gboolean zion_usage_history_forget(ZionUsageHistory *history, const char *desktop, GError **error)
{
	return run(history, "DELETE FROM sessions WHERE desktop = ?", "s", error, desktop) &&
	       run(history, "DELETE FROM samples WHERE desktop = ?", "s", error, desktop);
}

gboolean zion_usage_history_totals(ZionUsageHistory *history, const char *desktop,
				   ZionUsageTotals *totals, GError **error)
{
	sqlite3_stmt *statement = NULL;
	const char *sql = "SELECT count(*), "
			  "  coalesce(sum(CASE WHEN ended IS NOT NULL THEN cpu_ns END), 0), "
			  "  coalesce(sum(ended - started), 0), coalesce(max(memory_peak), 0), "
			  "  coalesce(max(started), 0) "
			  "FROM sessions WHERE desktop = ?";
	if (sqlite3_prepare_v2(history->db, sql, -1, &statement, NULL) != SQLITE_OK)
		return fail(history, "prepare a statement", error);
	sqlite3_bind_text(statement, 1, desktop, -1, SQLITE_TRANSIENT);
	gboolean ok = sqlite3_step(statement) == SQLITE_ROW;
	if (ok) {
		totals->sessions = (guint)sqlite3_column_int64(statement, 0);
		totals->cpu_ns = (guint64)sqlite3_column_int64(statement, 1);
		totals->uptime_s = (guint64)sqlite3_column_int64(statement, 2);
		totals->memory_peak = (guint64)sqlite3_column_int64(statement, 3);
		totals->last_started = sqlite3_column_int64(statement, 4);
	}
	sqlite3_finalize(statement);
	return ok || fail(history, "read", error);
}
