/*
 * A running desktop's cgroups, which LXC makes as lxc.payload.NAME: freezing and thawing (waiting
 * until the kernel says it is done, instead of LXC's one-second sleeps), limits changed live, what
 * it used, and killing it. Works on the v1 hybrid layout of these machines (v1 controllers, the
 * v2 freezer in the unified tree) and on pure v2.
 */
#pragma once

#include <glib.h>

typedef struct {
	guint64 memory; /* bytes; 0: none */
	guint pids;	/* 0: none */
	guint cpus_milli;
	guint cpu_weight; /* 1..10000 (v2 scale); 0: the default */
} ZionLimits;

typedef struct {
	guint64 cpu_ns;
	guint64 memory;
	guint64 memory_peak;
} ZionUsage;

/* Whether the machine has pure cgroup v2 (else the v1 hybrid). */
gboolean zion_cgroups_unified(void);
/* The lxc.cgroup.* or lxc.cgroup2.* items that set limits at start: pairs of key, value. */
GPtrArray *zion_cgroups_config_items(const ZionLimits *limits);

gboolean zion_cgroups_freeze(const char *container, GError **error);
gboolean zion_cgroups_thaw(const char *container, GError **error);
gboolean zion_cgroups_set_limits(const char *container, const ZionLimits *limits, GError **error);
gboolean zion_cgroups_usage(const char *container, ZionUsage *usage, GError **error);
/* Kills every process of the desktop at once. */
gboolean zion_cgroups_kill(const char *container, GError **error);
