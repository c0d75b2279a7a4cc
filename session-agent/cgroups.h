/*
 * A desktop container's cgroups, which LXC creates as lxc.payload.NAME (and lxc.monitor.NAME for
 * its monitor) at the top of every hierarchy: freezing and thawing that return once the kernel
 * says it is done (LXC's own freeze sleeps whole seconds), limits at start and changed live, what
 * the desktop used, killing it, and removing what a crash left. Works on the v1 hybrid layout of
 * these machines (v1 controllers, the v2 freezer and cgroup.kill in the unified tree) and on pure
 * cgroup v2.
 */
#pragma once

#include <glib.h>

typedef struct {
	guint64 memory;	  /* bytes, swap included; 0: unlimited */
	guint64 pids;	  /* 0: unlimited */
	guint cpu_milli;  /* thousandths of a CPU (1500: one and a half); 0: unlimited */
	guint cpu_weight; /* 1..10000 on the v2 scale (100 is the default); 0: the default */
} ZionLimits;

typedef struct {
	guint64 cpu_ns;	     /* CPU time used since start */
	guint64 memory;	     /* bytes charged now */
	guint64 memory_peak; /* the most bytes ever charged */
} ZionUsage;

/* Container names become cgroup and directory names: letters, digits, '.', '_', '-', not
 * starting with '.' or '-', at most 64 bytes. */
gboolean zion_cgroup_check_name(const char *name, GError **error);
/* Whether the machine has the pure v2 layout (else v1 or the hybrid). */
gboolean zion_cgroup_unified(void);

/*
 * The lxc.cgroup.* (v1) or lxc.cgroup2.* (pure v2) config items that set limits at start, as a
 * NULL-terminated list of key, value, key, value... LXC silently ignores the v2 keys on v1.
 */
char **zion_cgroup_limit_keys(const ZionLimits *limits);
/* Sets every limit of a running container (0 fields lift theirs). */
gboolean zion_cgroup_set_limits(const char *name, const ZionLimits *limits, GError **error);

/* Freezes every process of the container; returns once all are frozen (or fails after 5 s and
 * thaws again). A CPU quota is lifted meanwhile: a throttled task cannot reach the freezer. */
gboolean zion_cgroup_freeze(const char *name, GError **error);
/* Thaws the container; returns once it runs again. */
gboolean zion_cgroup_thaw(const char *name, GError **error);
/* Whether the container is frozen or freezing (by zion_cgroup_freeze's freezer). */
gboolean zion_cgroup_is_frozen(const char *name);

gboolean zion_cgroup_usage(const char *name, ZionUsage *usage, GError **error);
/* Sends SIGKILL to every process of the container at once (cgroup.kill where there is one, else
 * frozen and killed one by one); does not wait for them to die. */
gboolean zion_cgroup_kill(const char *name, GError **error);
/*
 * Removes lxc.payload.NAME and lxc.monitor.NAME (and the numbered lxc.monitor.NAME-N a restarted
 * monitor makes) with their sub-cgroups in every hierarchy, for crash recovery. Fails, naming the
 * cgroup, if one still has processes. Nothing left is success.
 */
gboolean zion_cgroup_prune(const char *name, GError **error);
/* Whether any of the cgroups zion_cgroup_prune() removes exists. */
gboolean zion_cgroup_exists(const char *name);
