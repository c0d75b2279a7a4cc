/*
 * What desktops used, kept in SQLite (STATE/usage.sqlite): one row a session (activation to
 * deactivation) with the CPU time and peak memory it used, and samples of CPU time and memory
 * taken while desktops run. SQLite's journal (WAL) makes every write whole or absent, so an agent
 * killed at any moment loses at most the sample it was taking.
 */
#pragma once

#include <glib.h>

typedef struct zion_usage_history ZionUsageHistory;

typedef struct {
	guint sessions;	     /* activations recorded */
	guint64 cpu_ns;	     /* over the ended sessions */
	guint64 uptime_s;    /* over the ended sessions */
	guint64 memory_peak; /* the most any ended session used */
	gint64 last_started; /* Unix time; 0: never */
} ZionUsageTotals;

/* Opens (or makes) STATE/usage.sqlite; the schema is versioned with PRAGMA user_version. */
ZionUsageHistory *zion_usage_history_open(const char *state_dir, GError **error);
void zion_usage_history_close(ZionUsageHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionUsageHistory, zion_usage_history_close)

/* A session of desktop starts at started (Unix time). A session of it still open (the machine
 * went down with it) ends first, at its last sample. */
gboolean zion_usage_history_started(ZionUsageHistory *history, const char *desktop, gint64 started,
				    GError **error);
/* The desktop's open session ends at ended, having used cpu_ns and memory_peak at most. */
gboolean zion_usage_history_ended(ZionUsageHistory *history, const char *desktop, gint64 ended,
				  guint64 cpu_ns, guint64 memory_peak, GError **error);
/* A sample of a running desktop. */
gboolean zion_usage_history_sample(ZionUsageHistory *history, const char *desktop, gint64 at,
				   guint64 cpu_ns, guint64 memory, GError **error);
gboolean zion_usage_history_totals(ZionUsageHistory *history, const char *desktop,
				   ZionUsageTotals *totals, GError **error);
/* Forgets a destroyed desktop's history. */
gboolean zion_usage_history_forget(ZionUsageHistory *history, const char *desktop, GError **error);
