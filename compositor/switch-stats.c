/* Recording switch latencies and writing their percentiles. */
#include "switch-stats.h"

#include <string.h>

#include "atomic-file.h"

struct zc_switch_stats {
	char *path;
	GArray *latencies;    /* of gint64, microseconds */
	gint64 pending_since; /* 0: no switch waiting for a frame */
	guint64 frames;	      /* committed, on any output */
};

struct zc_switch_stats *zc_switch_stats_create(const char *path)
{
	struct zc_switch_stats *stats = g_new0(struct zc_switch_stats, 1);
	stats->path = g_strdup(path);
	stats->latencies = g_array_new(FALSE, FALSE, sizeof(gint64));
	return stats;
}

void zc_switch_stats_begin(struct zc_switch_stats *stats)
{
	stats->pending_since = g_get_monotonic_time();
}

void zc_switch_stats_frame_committed(struct zc_switch_stats *stats)
{
	stats->frames++;
	if (!stats->pending_since)
		return;
	gint64 latency = g_get_monotonic_time() - stats->pending_since;
	g_array_append_val(stats->latencies, latency);
	stats->pending_since = 0;
}

static int compare_latencies(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values. */
static gint64 percentile(GArray *sorted, guint p)
{
	if (sorted->len == 0)
		return 0;
	guint rank = (sorted->len * p + 99) / 100;
	return g_array_index(sorted, gint64, MAX(rank, 1) - 1);
}

struct zc_switch_summary zc_switch_stats_summary(const struct zc_switch_stats *stats)
{
	g_autoptr(GArray) sorted = g_array_copy(stats->latencies);
	g_array_sort(sorted, compare_latencies);
	return (struct zc_switch_summary){
		.count = sorted->len,
		.p50_us = percentile(sorted, 50),
		.p99_us = percentile(sorted, 99),
		.max_us = percentile(sorted, 100),
	};
}

static void write_stats(struct zc_switch_stats *stats)
{
	struct zc_switch_summary summary = zc_switch_stats_summary(stats);
	g_autofree char *text = g_strdup_printf(
		"[switch]\ncount=%u\np50_us=%" G_GINT64_FORMAT "\np99_us=%" G_GINT64_FORMAT
		"\nmax_us=%" G_GINT64_FORMAT "\n[frames]\ncommitted=%" G_GUINT64_FORMAT "\n",
		summary.count, summary.p50_us, summary.p99_us, summary.max_us, stats->frames);
	g_autoptr(GError) error = NULL;
	if (!zion_write_file_atomic(stats->path, text, strlen(text), 0644, &error))
		g_warning("cannot write the switch statistics: %s", error->message);
}

void zc_switch_stats_destroy(struct zc_switch_stats *stats)
{
	if (!stats)
		return;
	if (stats->path)
		write_stats(stats);
	g_array_unref(stats->latencies);
	g_free(stats->path);
	g_free(stats);
}
