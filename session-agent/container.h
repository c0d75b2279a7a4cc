/*
 * A desktop's LXC container through liblxc: its config (saved under the lxcpath, so a restarted
 * agent can adopt the running container), start, stop, and running commands inside. Starting
 * happens in a short-lived helper process (zion-lxc-start), because liblxc moves the process that
 * calls start() into the container's monitor cgroup for good.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "cgroups.h"
#include "idmap.h"

typedef struct {
	const char *host;   /* a file or directory on the host */
	const char *inside; /* its path inside, relative to / */
	gboolean directory;
	gboolean read_only;
} ZionBindMount;

typedef struct {
	const char *name;
	const char *lxcpath; /* absolute */
	const char *rootfs;  /* the mounted desktop root */
	const char *hostname;
	const ZionIdMap *map;
	const char *const *environment; /* NAME=VALUE, NULL-terminated */
	const ZionBindMount *mounts;
	guint n_mounts;
	ZionLimits limits;
} ZionContainerSpec;

gboolean zion_container_write_config(const ZionContainerSpec *spec, GError **error);
/* Starts the container whose config is saved; returns once its init runs. */
gboolean zion_container_start(const char *lxcpath, const char *name, GError **error);
/* Asks init to stop, then kills what is left after timeout_ms. */
gboolean zion_container_stop(const char *lxcpath, const char *name, guint timeout_ms,
			     GError **error);
gboolean zion_container_is_running(const char *lxcpath, const char *name);
/* Starts argv inside as uid/gid in cwd with env (the config's environment first); returns the
 * process's host pid without waiting. out may be -1 (the agent's own stdout). */
gboolean zion_container_run(const char *lxcpath, const char *name, uid_t uid, gid_t gid,
			    const char *cwd, const char *const *argv, const char *const *env,
			    int out, pid_t *pid, GError **error);
