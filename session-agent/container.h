/*
 * A desktop's LXC container through liblxc: its config (saved as LXCPATH/NAME/config, so a
 * restarted agent can adopt the running container with a new handle), start, stop, state, and
 * running commands inside. start() runs in a short-lived helper process (zion-lxc-start), because
 * liblxc moves whoever calls start() into the container's monitor cgroup for good. Freezing,
 * limits and usage are in cgroups.h; the root file system in desktop-mount.h.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "cgroups.h"
#include "idmap.h"
#include "persona.h"

typedef struct {
	const char *host;   /* a file or directory on the host */
	const char *inside; /* absolute path inside; created (in the session layer) if missing */
	gboolean is_file;
	gboolean read_only;
} ZionBindMount;

typedef struct {
	ZionNetworkMode mode; /* none (loopback only) or nat; host is refused */
	const char *bridge;   /* NAT: the host bridge, e.g. zion0 (see network-bridge.h) */
	const char *address;  /* NAT: the desktop's address with prefix, e.g. 10.88.0.2/24 */
	const char *gateway;  /* NAT: the bridge's address */
} ZionNetwork;

/* Host devices a desktop may use: allowed in the devices cgroup and bind-mounted, each only
 * when the host has it. */
typedef enum {
	ZION_DEVICE_GPU = 1 << 0,    /* /dev/dri */
	ZION_DEVICE_AUDIO = 1 << 1,  /* /dev/snd */
	ZION_DEVICE_CAMERA = 1 << 2, /* /dev/video* */
	ZION_DEVICE_USB = 1 << 3,    /* /dev/bus/usb */
} ZionDevices;

typedef struct {
	const char *name;		/* see zion_cgroup_check_name() */
	const char *lxcpath;		/* absolute; the config goes to lxcpath/name/config */
	const char *rootfs;		/* the mounted desktop root (zion_desktop_mount's merged) */
	const ZionIdMap *map;		/* the same map the root was mounted with */
	const char *hostname;		/* NULL: the name */
	const char *const *environment; /* NAME=VALUE, NULL-terminated; init and every run get it */
	const ZionBindMount *mounts;
	guint n_mounts;
	const char *const *init; /* argv of init, NULL: /sbin/init; no blanks or quotes in it */
	ZionNetwork network;
	ZionLimits limits;
	ZionDevices devices;
	const char *log_file; /* LXC's log; NULL: lxcpath/name/lxc.log */
} ZionContainerSpec;

/* Writes lxcpath/name/config afresh (refused while the container runs). */
gboolean zion_container_write_config(const ZionContainerSpec *spec, GError **error);
/* Starts the container from its saved config; returns once its init runs (a few ms). */
gboolean zion_container_start(const char *lxcpath, const char *name, GError **error);
/*
 * Stops the container: thaws it if frozen, asks init to stop (SIGPWR) and waits up to timeout_ms,
 * then kills everything. Returns once the container has stopped; not running is success.
 */
gboolean zion_container_stop(const char *lxcpath, const char *name, guint timeout_ms,
			     GError **error);
gboolean zion_container_is_running(const char *lxcpath, const char *name);
/* The host pid of the container's init, or -1 when it does not run. */
pid_t zion_container_init_pid(const char *lxcpath, const char *name);
/*
 * Starts argv inside as uid/gid with the supplementary groups (n_groups of them; none is none) in
 * cwd (NULL: /), with a clean environment: the config's
 * environment, then env (NAME=VALUE, may be NULL). stdin_fd, stdout_fd and stderr_fd are host fds
 * for the command (-1: /dev/null). Returns at once. *pid is a child of the caller, outside the
 * container, that relays to the command: it exits with the command's status (or dies of its
 * signal), forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, and holds none of
 * the caller's other fds; the caller reaps it. The command is likelier than init to be killed
 * when memory runs out (oom_score_adj 500). Refused while the container is frozen.
 */
gboolean zion_container_run(const char *lxcpath, const char *name, uid_t uid, gid_t gid,
			    const gid_t *groups, guint n_groups, const char *const *argv,
			    const char *const *env, const char *cwd, int stdin_fd, int stdout_fd,
			    int stderr_fd, pid_t *pid, GError **error);
/*
 * Loads the nftables ruleset file (a host path) into the running container's network namespace:
 * nft runs on the host, as the agent, with only its network namespace switched, so nothing of the
 * container's (its nft, its libraries) runs. The error names the file and quotes nft.
 */
gboolean zion_container_load_firewall(const char *lxcpath, const char *name, const char *file,
				      GError **error);
