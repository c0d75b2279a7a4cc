/*
 * Desktop switch latency: from the key press that asks for a desktop to the first frame committed
 * that shows it; and how many frames were committed in all. Written (p50/p99, the frame count) to
 * the --stats-file when the compositor exits, and asked for over D-Bus.
 */
#pragma once

#include <glib.h>

struct zc_switch_stats;

struct zc_switch_summary {
	guint count;
	gint64 p50_us, p99_us, max_us;
};

struct zc_switch_stats *zc_switch_stats_create(const char *path);
/* Writes the file (if any) and frees. */
void zc_switch_stats_destroy(struct zc_switch_stats *stats);

/* A switch was asked for now. */
void zc_switch_stats_begin(struct zc_switch_stats *stats);
/* An output committed a frame (a new buffer); the pending switch, if any, is now on screen. */
void zc_switch_stats_frame_committed(struct zc_switch_stats *stats);

/* The switches so far: how many, and their latency percentiles. */
struct zc_switch_summary zc_switch_stats_summary(const struct zc_switch_stats *stats);
