/* liblxc calls for desktop containers. */
#include <errno.h> /* before attach_options.h: LXC_ATTACH_OPTIONS_DEFAULT uses EBADF */

#include "container.h"

#include <dirent.h>
#include <fcntl.h>
#include <lxc/attach_options.h>
#include <lxc/lxccontainer.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "desktop-mount.h"
#include "zion-error.h"

#define SECCOMP_PROFILE "/usr/share/lxc/config/common.seccomp"
#define DEFAULT_INIT "/sbin/init"
/* Commands run inside are the OOM killer's first choice (-1000..1000). */
#define RUN_OOM_SCORE_ADJ "500"

/* Character devices every desktop has (LXC's autodev makes them): null, zero, full, random,
 * urandom, tty, console, ptmx and the ptys. */
static const char *const base_devices[] = {
	"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",   "c 1:9 rwm",
	"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

static const struct {
	ZionDevices flag;
	const char *rule;   /* devices cgroup rule for the device's major */
	const char *dir;    /* bind-mounted directory, or NULL */
	const char *prefix; /* else: /dev/<prefix>* files, each bind-mounted */
} optional_devices[] = {
	{ ZION_DEVICE_GPU, "c 226:* rwm", "/dev/dri", NULL },
	{ ZION_DEVICE_AUDIO, "c 116:* rwm", "/dev/snd", NULL },
	{ ZION_DEVICE_CAMERA, "c 81:* rwm", NULL, "video" },
	{ ZION_DEVICE_USB, "c 189:* rwm", "/dev/bus/usb", NULL },
};

static struct lxc_container *open_container(const char *lxcpath, const char *name, GError **error)
{
	if (!zion_cgroup_check_name(name, error))
		return NULL;
	if (!g_path_is_absolute(lxcpath)) {
		/* LXC names the command socket after the lxcpath string: it must be the same
		 * absolute path in every process. */
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "container %s: the lxcpath %s is not absolute", name, lxcpath);
		return NULL;
	}
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	if (!c)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "liblxc cannot open container %s in %s", name, lxcpath);
	return c;
}

static gboolean set_item(struct lxc_container *c, const char *key, const char *value,
			 GError **error)
{
	if (c->set_config_item(c, key, value))
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
		    "container %s in %s: liblxc refused %s = %s", c->name, c->config_path, key,
		    value);
	return FALSE;
}

/* Paths go into space-separated fstab lines and init into a space-split command line. */
static gboolean check_word(const ZionContainerSpec *spec, const char *what, const char *word,
			   GError **error)
{
	if (word && *word && !strpbrk(word, " \t\n\\'\""))
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
		    "container %s: %s '%s' is empty or has blanks, quotes or backslashes",
		    spec->name, what, word ? word : "");
	return FALSE;
}

static gboolean bind_entry(struct lxc_container *c, const char *host, const char *inside,
			   gboolean is_file, gboolean read_only, gboolean optional, GError **error)
{
	/* The target is relative to the rootfs; create= makes it in the session layer. */
	g_autofree char *entry = g_strdup_printf(
		"%s %s none bind,create=%s%s%s 0 0", host, inside + strspn(inside, "/"),
		is_file ? "file" : "dir", read_only ? ",ro" : "", optional ? ",optional" : "");
	return set_item(c, "lxc.mount.entry", entry, error);
}

static gboolean set_devices(struct lxc_container *c, ZionDevices devices, GError **error)
{
	const char *deny =
		zion_cgroup_unified() ? "lxc.cgroup2.devices.deny" : "lxc.cgroup.devices.deny";
	const char *allow =
		zion_cgroup_unified() ? "lxc.cgroup2.devices.allow" : "lxc.cgroup.devices.allow";
	if (!set_item(c, deny, "a", error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(base_devices); i++) {
		if (!set_item(c, allow, base_devices[i], error))
			return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(optional_devices); i++) {
		if (!(devices & optional_devices[i].flag))
			continue;
		if (!set_item(c, allow, optional_devices[i].rule, error))
			return FALSE;
		if (optional_devices[i].dir) {
			if (g_file_test(optional_devices[i].dir, G_FILE_TEST_IS_DIR) &&
			    !bind_entry(c, optional_devices[i].dir, optional_devices[i].dir, FALSE,
					FALSE, TRUE, error))
				return FALSE;
			continue;
		}
		g_autoptr(GDir) dev = g_dir_open("/dev", 0, NULL);
		for (const char *entry; dev && (entry = g_dir_read_name(dev));) {
			if (!g_str_has_prefix(entry, optional_devices[i].prefix))
				continue;
			g_autofree char *path = g_build_filename("/dev", entry, NULL);
			if (!bind_entry(c, path, path, TRUE, FALSE, TRUE, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* none: a network namespace with loopback alone; nat: eth0, a veth whose host end is on the
 * bridge. */
static gboolean set_network(struct lxc_container *c, const ZionNetwork *net, GError **error)
{
	if (net->mode == ZION_NETWORK_NONE)
		return set_item(c, "lxc.net.0.type", "empty", error);
	const char *items[][2] = {
		{ "lxc.net.0.type", "veth" },
		{ "lxc.net.0.link", net->bridge },
		{ "lxc.net.0.name", "eth0" },
		{ "lxc.net.0.flags", "up" },
		{ "lxc.net.0.ipv4.address", net->address },
		{ "lxc.net.0.ipv4.gateway", net->gateway },
	};
	for (guint i = 0; i < G_N_ELEMENTS(items); i++) {
		if (!set_item(c, items[i][0], items[i][1], error))
			return FALSE;
	}
	return TRUE;
}

static gboolean check_spec(const ZionContainerSpec *spec, GError **error)
{
	if (!zion_cgroup_check_name(spec->name, error))
		return FALSE;
	if (!g_path_is_absolute(spec->lxcpath) || !g_path_is_absolute(spec->rootfs)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "container %s: lxcpath %s and rootfs %s must be absolute", spec->name,
			    spec->lxcpath, spec->rootfs);
		return FALSE;
	}
	if (!spec->map || !spec->map->n_ranges) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "container %s has no id map",
			    spec->name);
		return FALSE;
	}
	const ZionNetwork *net = &spec->network;
	if (net->mode == ZION_NETWORK_HOST) {
		g_set_error(
			error, ZION_ERROR, ZION_ERROR_INVALID,
			"container %s: the network 'host' is not offered (see persona-format.md)",
			spec->name);
		return FALSE;
	}
	if (net->mode == ZION_NETWORK_NAT && (!check_word(spec, "bridge", net->bridge, error) ||
					      !check_word(spec, "address", net->address, error) ||
					      !check_word(spec, "gateway", net->gateway, error)))
		return FALSE;
	for (guint i = 0; spec->init && spec->init[i]; i++) {
		if (!check_word(spec, "init argument", spec->init[i], error))
			return FALSE;
	}
	for (guint i = 0; i < spec->n_mounts; i++) {
		const ZionBindMount *m = &spec->mounts[i];
		if (!check_word(spec, "bind mount", m->host, error) ||
		    !check_word(spec, "bind mount", m->inside, error))
			return FALSE;
		if (!g_path_is_absolute(m->host) || !g_path_is_absolute(m->inside) ||
		    !g_file_test(m->host, m->is_file ? G_FILE_TEST_IS_REGULAR | G_FILE_TEST_EXISTS
						     : G_FILE_TEST_IS_DIR)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "container %s: cannot bind-mount %s at %s (both absolute, the "
				    "host's %s existing)",
				    spec->name, m->host, m->inside,
				    m->is_file ? "file" : "directory");
			return FALSE;
		}
	}
	for (guint i = 0; spec->environment && spec->environment[i]; i++) {
		if (!strchr(spec->environment[i], '=') || *spec->environment[i] == '=') {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "container %s: environment entry '%s' is not NAME=VALUE",
				    spec->name, spec->environment[i]);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean set_config(struct lxc_container *c, const ZionContainerSpec *spec, const char *log,
			   GError **error)
{
	/* Set once on a fresh handle: clearing lxc.idmap in LXC 5.0.2 leaves a dangling pointer
	 * that breaks the next start. */
	for (guint i = 0; i < spec->map->n_ranges; i++) {
		const ZionIdRange *r = &spec->map->ranges[i];
		for (const char *kind = "ug"; *kind; kind++) {
			g_autofree char *line = g_strdup_printf("%c %u %u %u", *kind, r->inside,
								r->outside, r->count);
			if (!set_item(c, "lxc.idmap", line, error))
				return FALSE;
		}
	}
	g_autofree char *rootfs = g_strconcat("dir:", spec->rootfs, NULL);
	g_autofree char *init =
		spec->init ? g_strjoinv(" ", (char **)spec->init) : g_strdup(DEFAULT_INIT);
	const char *items[][2] = {
		{ "lxc.uts.name", spec->hostname ? spec->hostname : spec->name },
		{ "lxc.rootfs.path", rootfs },
		{ "lxc.init.cmd", init },
		/* No AppArmor on these machines; LXC would otherwise want a generated profile. */
		{ "lxc.apparmor.profile", "unconfined" },
		{ "lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed" },
		{ "lxc.autodev", "1" },
		{ "lxc.pty.max", "8" },
		{ "lxc.tty.max", "0" },
		{ "lxc.console.path", "none" },
		{ "lxc.log.file", log },
		{ "lxc.log.level", "WARN" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(items); i++) {
		if (!set_item(c, items[i][0], items[i][1], error))
			return FALSE;
	}
	if (!set_network(c, &spec->network, error))
		return FALSE;
	if (g_file_test(SECCOMP_PROFILE, G_FILE_TEST_EXISTS) &&
	    !set_item(c, "lxc.seccomp.profile", SECCOMP_PROFILE, error))
		return FALSE;
	if (!set_devices(c, spec->devices, error))
		return FALSE;
	for (guint i = 0; spec->environment && spec->environment[i]; i++) {
		if (!set_item(c, "lxc.environment", spec->environment[i], error))
			return FALSE;
	}
	for (guint i = 0; i < spec->n_mounts; i++) {
		const ZionBindMount *m = &spec->mounts[i];
		if (!bind_entry(c, m->host, m->inside, m->is_file, m->read_only, FALSE, error))
			return FALSE;
	}
	g_auto(GStrv) limits = zion_cgroup_limit_keys(&spec->limits);
	for (guint i = 0; limits[i] && limits[i + 1]; i += 2) {
		if (!set_item(c, limits[i], limits[i + 1], error))
			return FALSE;
	}
	return TRUE;
}

gboolean zion_container_write_config(const ZionContainerSpec *spec, GError **error)
{
	if (!check_spec(spec, error))
		return FALSE;
	g_autofree char *dir = g_build_filename(spec->lxcpath, spec->name, NULL);
	g_autofree char *config = g_build_filename(dir, "config", NULL);
	g_autofree char *log =
		spec->log_file ? g_strdup(spec->log_file) : g_build_filename(dir, "lxc.log", NULL);
	if (g_mkdir_with_parents(dir, 0711) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	/* The mapped root opens the rootfs and walks the lxcpath. */
	if (!zion_path_allow_search(dir, error))
		return FALSE;
	if (zion_container_is_running(spec->lxcpath, spec->name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
			    "container %s in %s runs: its config stays as it is", spec->name,
			    spec->lxcpath);
		return FALSE;
	}
	/* A fresh config: liblxc would load the old one and add to it. */
	if (unlink(config) < 0 && errno != ENOENT) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot remove %s: %s", config,
			    g_strerror(errno));
		return FALSE;
	}
	struct lxc_container *c = open_container(spec->lxcpath, spec->name, error);
	if (!c)
		return FALSE;
	gboolean ok = set_config(c, spec, log, error);
	if (ok && !c->save_config(c, config)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "liblxc cannot save %s", config);
		ok = FALSE;
	}
	lxc_container_put(c);
	return ok;
}

gboolean zion_container_start(const char *lxcpath, const char *name, GError **error)
{
	if (!zion_cgroup_check_name(name, error))
		return FALSE;
	const char *helper = g_getenv("ZION_LXC_START_HELPER");
	if (!helper)
		helper = ZION_LIBEXECDIR "/zion-lxc-start";
	const char *argv[] = { helper, lxcpath, name, NULL };
	g_autofree char *err = NULL;
	int status;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &err, &status, error)) {
		g_prefix_error(error, "container %s: cannot run %s: ", name, helper);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_strstrip(err);
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "container %s in %s did not start: %s", name, lxcpath,
			    *err ? err : "the helper failed without saying why");
		return FALSE;
	}
	return TRUE;
}

gboolean zion_container_is_running(const char *lxcpath, const char *name)
{
	struct lxc_container *c = open_container(lxcpath, name, NULL);
	gboolean running = c && c->is_running(c);
	if (c)
		lxc_container_put(c);
	return running;
}

pid_t zion_container_init_pid(const char *lxcpath, const char *name)
{
	struct lxc_container *c = open_container(lxcpath, name, NULL);
	pid_t pid = c ? c->init_pid(c) : -1;
	if (c)
		lxc_container_put(c);
	return pid > 0 ? pid : -1;
}

/* Polls until the container no longer runs. */
static gboolean wait_stopped(struct lxc_container *c, guint timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;
	while (c->is_running(c)) {
		if (g_get_monotonic_time() >= deadline)
			return FALSE;
		g_usleep(1000);
	}
	return TRUE;
}

gboolean zion_container_stop(const char *lxcpath, const char *name, guint timeout_ms,
			     GError **error)
{
	struct lxc_container *c = open_container(lxcpath, name, error);
	if (!c)
		return FALSE;
	gboolean stopped = !c->is_running(c);
	/* A frozen init cannot take the signal (and v1 frozen tasks do not even die). */
	if (!stopped && zion_cgroup_is_frozen(name))
		zion_cgroup_thaw(name, NULL);
	/* shutdown() sends lxc.signal.halt (SIGPWR) and waits at most whole seconds. */
	if (!stopped && timeout_ms > 0)
		stopped = c->shutdown(c, (int)((timeout_ms + 999) / 1000)) && !c->is_running(c);
	/* Then everything at once through the cgroup; the monitor sees init die and cleans up.
	 * (LXC's stop() does the same through the monitor, but waits without a time limit, and
	 * does nothing when the monitor is gone.) */
	if (!stopped && zion_cgroup_kill(name, NULL))
		stopped = wait_stopped(c, 5000);
	if (!stopped)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "container %s in %s does not stop", name, lxcpath);
	lxc_container_put(c);
	return stopped;
}

/* The relay's command, for forwarding signals (set once attached). */
static volatile pid_t relayed = -1;

static void forward_signal(int signal)
{
	if (relayed > 0)
		kill(relayed, signal);
}

/* Closes every fd of this process but keep[0..n). */
static void close_all_but(const int *keep, guint n)
{
	DIR *fds = opendir("/proc/self/fd");
	if (!fds)
		return;
	for (struct dirent *entry; (entry = readdir(fds));) {
		int fd = atoi(entry->d_name);
		gboolean kept = fd < 3 || fd == dirfd(fds) || !g_ascii_isdigit(entry->d_name[0]);
		for (guint i = 0; i < n && !kept; i++)
			kept = fd == keep[i];
		if (!kept)
			close(fd);
	}
	closedir(fds);
}

/*
 * The relay, a child of the caller outside the container: attaches the command (its own child),
 * reports the command's pid on report, forwards termination signals to it, reaps it at once and
 * exits as it did. Had the caller been the command's parent, a command that died unreaped would
 * hold the container's init in its exit (init waits for every process of its pid namespace to
 * be reaped), and a caller waiting for the container to stop would wait forever.
 */
static G_NORETURN void relay(const char *lxcpath, const char *name, lxc_attach_options_t *options,
			     lxc_attach_command_t *command, int report)
{
	/* Nothing of the caller's (its D-Bus connection above all) may live on in the relay. */
	const int keep[] = { options->stdin_fd, options->stdout_fd, options->stderr_fd, report };
	close_all_but(keep, G_N_ELEMENTS(keep));
	static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction forward = { .sa_handler = forward_signal };
	for (guint i = 0; i < G_N_ELEMENTS(forwarded); i++)
		sigaction(forwarded[i], &forward, NULL);

	/* What runs in a desktop (its apps) goes before its init when the desktop's memory runs
	 * out: a container's init is not exempt from the OOM killer, and losing it ends the
	 * desktop. The command inherits this; raising it needs no privilege inside. */
	int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (adj >= 0) {
		/* Best effort: failing leaves the command as likely a victim as init. */
		ssize_t written = write(adj, RUN_OOM_SCORE_ADJ, strlen(RUN_OOM_SCORE_ADJ));
		(void)written;
		close(adj);
	}
	pid_t child = -1;
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	if (!c || c->attach(c, lxc_attach_run_command, command, options, &child) < 0)
		child = -1;
	relayed = child;
	if (write(report, &child, sizeof(child)) != sizeof(child) || child < 0)
		_exit(127);
	close(report);
	int status;
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			_exit(127);
	}
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	/* Dies of the same signal, without a core of its own. */
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	signal(WTERMSIG(status), SIG_DFL);
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, WTERMSIG(status));
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	raise(WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
}

gboolean zion_container_run(const char *lxcpath, const char *name, uid_t uid, gid_t gid,
			    const gid_t *groups, guint n_groups, const char *const *argv,
			    const char *const *env, const char *cwd, int stdin_fd, int stdout_fd,
			    int stderr_fd, pid_t *pid, GError **error)
{
	g_return_val_if_fail(argv && argv[0], FALSE);
	/* The new process would join the frozen cgroup and hang there. */
	if (zion_cgroup_is_frozen(name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
			    "cannot run %s in container %s: it is frozen", argv[0], name);
		return FALSE;
	}
	if (!zion_container_is_running(lxcpath, name)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
			    "cannot run %s in container %s in %s: it does not run", argv[0], name,
			    lxcpath);
		return FALSE;
	}
	int null_fd = -1;
	if (stdin_fd < 0 || stdout_fd < 0 || stderr_fd < 0)
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	options.uid = uid;
	options.gid = gid;
	options.attach_flags |= LXC_ATTACH_SETGROUPS;
	options.groups = (lxc_groups_t){ n_groups, (gid_t *)groups };
	options.initial_cwd = (char *)(cwd ? cwd : "/");
	/* Only the desktop's environment and what the caller asks for, never the agent's. */
	options.env_policy = LXC_ATTACH_CLEAR_ENV;
	options.extra_env_vars = (char **)env;
	options.stdin_fd = stdin_fd >= 0 ? stdin_fd : null_fd;
	options.stdout_fd = stdout_fd >= 0 ? stdout_fd : null_fd;
	options.stderr_fd = stderr_fd >= 0 ? stderr_fd : null_fd;
	lxc_attach_command_t command = { .program = (char *)argv[0], .argv = (char **)argv };
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot run %s in container %s: pipe: %s", argv[0], name,
			    g_strerror(errno));
		if (null_fd >= 0)
			close(null_fd);
		return FALSE;
	}
	pid_t relay_pid = fork();
	if (relay_pid == 0) {
		close(report[0]);
		relay(lxcpath, name, &options, &command, report[1]);
	}
	int saved = errno;
	close(report[1]);
	if (null_fd >= 0)
		close(null_fd);
	pid_t child = -1;
	gboolean ok = relay_pid > 0 && read(report[0], &child, sizeof(child)) == sizeof(child) &&
		      child > 0;
	close(report[0]);
	if (!ok) {
		if (relay_pid > 0)
			while (waitpid(relay_pid, NULL, 0) < 0 && errno == EINTR)
				;
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot run %s in container %s: %s", argv[0], name,
			    relay_pid < 0 ? g_strerror(saved)
					  : "liblxc's attach failed (see lxc.log)");
		return FALSE;
	}
	*pid = relay_pid;
	return TRUE;
}
