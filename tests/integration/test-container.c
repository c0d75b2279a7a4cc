/*
 * The agent's container runtime against real LXC: busybox desktops on idmapped overlays, what
 * root inside can and cannot do, freezing, limits, stopping cleanly, adoption by a new handle and
 * recovery from a killed monitor. Container names carry the test's pid; whatever a failed
 * assertion leaves running or mounted is killed, unmounted and pruned on the way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "container.h"
#include "desktop-mount.h"
#include "idmap.h"
#include "remove-tree.h"
#include "zion-error.h"
#include "zion-test-rootfs.h"
#include "zion-test.h"

#define DESKTOP_UID 1000
#define MIB (1024 * 1024)

typedef struct {
	char *name;
	char *dir; /* holds rw/ and merged/ */
	char *rw, *merged;
	ZionIdMap map;
} Desktop;

static const char *top;	    /* this test's directory */
static const char *base;    /* the busybox tree every desktop is made of */
static const char *work;    /* desktop directories */
static const char *lxcpath; /* the containers' configs and logs */
static GPtrArray *live;	    /* Desktop *: up and not yet down, for cleanup after a failure */

typedef struct {
	const ZionLimits *limits;
	const char *const *environment;
	const ZionBindMount *mounts;
	guint n_mounts;
	uid_t owner;
} DesktopOptions;

static Desktop *desktop_up(const char *label, const DesktopOptions *options)
{
	static const DesktopOptions none = { 0 };
	if (!options)
		options = &none;
	Desktop *d = g_new0(Desktop, 1);
	d->name = g_strdup_printf("zt%d-%s", (int)getpid(), label);
	d->dir = g_build_filename(work, d->name, NULL);
	d->rw = g_build_filename(d->dir, "rw", NULL);
	d->merged = g_build_filename(d->dir, "merged", NULL);
	g_assert_cmpint(mkdir(d->dir, 0711), ==, 0);
	zion_id_map_for_desktop(&d->map, options->owner, DESKTOP_UID);

	g_autoptr(GError) error = NULL;
	const char *lowers[] = { base, NULL };
	g_assert_true(zion_desktop_mount(d->merged, lowers, d->rw, &d->map, &error));
	g_assert_no_error(error);
	g_ptr_array_add(live, d);

	ZionContainerSpec spec = {
		.name = d->name,
		.lxcpath = lxcpath,
		.rootfs = d->merged,
		.map = &d->map,
		.environment = options->environment,
		.mounts = options->mounts,
		.n_mounts = options->n_mounts,
	};
	if (options->limits)
		spec.limits = *options->limits;
	g_assert_true(zion_container_write_config(&spec, &error));
	g_assert_no_error(error);
	gint64 start = g_get_monotonic_time();
	zion_container_start(lxcpath, d->name, &error);
	g_assert_no_error(error);
	g_test_message("%s started in %.1f ms", d->name, (g_get_monotonic_time() - start) / 1000.0);
	g_assert_true(zion_container_is_running(lxcpath, d->name));
	return d;
}

static gboolean mounted_anywhere(const char *path)
{
	g_autofree char *mounts = NULL;
	g_assert_true(g_file_get_contents("/proc/self/mountinfo", &mounts, NULL, NULL));
	g_autofree char *needle = g_strdup_printf(" %s ", path);
	return strstr(mounts, needle) != NULL;
}

/* Polls condition(name) until it holds or 5 s pass. */
static gboolean eventually(gboolean (*condition)(const char *name), const char *name)
{
	gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (!condition(name)) {
		if (g_get_monotonic_time() > deadline)
			return FALSE;
		g_usleep(1000);
	}
	return TRUE;
}

static gboolean no_cgroups(const char *name)
{
	return !zion_cgroup_exists(name);
}

static gboolean not_running(const char *name)
{
	return !zion_container_is_running(lxcpath, name);
}

static gboolean process_gone(const char *pid)
{
	g_autofree char *status_file = g_strdup_printf("/proc/%s/status", pid);
	g_autofree char *status = NULL;
	/* An exited process whose parent does not reap it is as gone as it gets. */
	return !g_file_get_contents(status_file, &status, NULL, NULL) ||
	       strstr(status, "State:\tZ") != NULL;
}

static void desktop_free(Desktop *d)
{
	g_free(d->name);
	g_free(d->dir);
	g_free(d->rw);
	g_free(d->merged);
	g_free(d);
}

/* Stops and unmounts, and checks that nothing is left: no process, cgroup or mount. */
static void desktop_down(Desktop *d)
{
	g_autoptr(GError) error = NULL;
	pid_t init = zion_container_init_pid(lxcpath, d->name);
	g_assert_true(zion_container_stop(lxcpath, d->name, 2000, &error));
	g_assert_no_error(error);
	g_assert_false(zion_container_is_running(lxcpath, d->name));
	if (init > 0) {
		g_autofree char *pid = g_strdup_printf("%d", (int)init);
		g_assert_true(eventually(process_gone, pid));
	}
	/* The monitor removes the cgroups after init is gone. */
	g_assert_true(eventually(no_cgroups, d->name));
	g_assert_true(zion_desktop_umount(d->merged, &error));
	g_assert_no_error(error);
	g_assert_false(zion_desktop_is_mounted(d->merged));
	g_assert_false(mounted_anywhere(d->merged));
	g_assert_true(zion_remove_tree(d->dir, &error));
	g_assert_no_error(error);
	g_ptr_array_remove(live, d);
	desktop_free(d);
}

/* After a failed assertion or a timeout: kill, unmount and prune whatever is still up. */
static void on_abort(int signal)
{
	for (guint i = 0; live && i < live->len; i++) {
		Desktop *d = g_ptr_array_index(live, i);
		zion_cgroup_kill(d->name, NULL);
		eventually(not_running, d->name);
		umount2(d->merged, MNT_DETACH);
		eventually(no_cgroups, d->name);
		zion_cgroup_prune(d->name, NULL);
	}
	zion_remove_tree(top, NULL);
	g_autofree char *locks = g_build_filename("/run/lxc/lock", top, NULL);
	zion_remove_tree(locks, NULL);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigaction(signal, &dfl, NULL);
	raise(signal);
}

/* Reads fd to its end. */
static char *read_all(int fd)
{
	GString *text = g_string_new("");
	char buffer[4096];
	ssize_t n;
	while ((n = read(fd, buffer, sizeof(buffer))) > 0 || (n < 0 && errno == EINTR))
		g_string_append_len(text, buffer, MAX(n, 0));
	close(fd);
	return g_string_free(text, FALSE);
}

/* Starts script with /bin/sh -c inside as uid; returns its pid, its output on *out_fd. */
static pid_t spawn_in(Desktop *d, uid_t uid, const char *script, const char *const *env,
		      int *out_fd, int *err_fd)
{
	int out[2], err[2];
	g_assert_cmpint(pipe2(out, O_CLOEXEC), ==, 0);
	g_assert_cmpint(pipe2(err, O_CLOEXEC), ==, 0);
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	g_autoptr(GError) error = NULL;
	pid_t pid = -1;
	g_assert_true(zion_container_run(lxcpath, d->name, uid, uid, NULL, 0, argv, env,
					 uid ? "/home/user" : "/root", -1, out[1], err[1], &pid,
					 &error));
	g_assert_no_error(error);
	g_assert_cmpint(pid, >, 0);
	close(out[1]);
	close(err[1]);
	*out_fd = out[0];
	*err_fd = err[0];
	return pid;
}

/* Runs script inside as uid and returns its wait status; out and err (may be NULL) get its
 * output. */
static int run_in(Desktop *d, uid_t uid, const char *script, char **out, char **err)
{
	int out_fd, err_fd;
	pid_t pid = spawn_in(d, uid, script, NULL, &out_fd, &err_fd);
	char *stdout_text = read_all(out_fd);
	char *stderr_text = read_all(err_fd);
	int status;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	if (out)
		*out = stdout_text;
	else
		g_free(stdout_text);
	if (err)
		*err = stderr_text;
	else
		g_free(stderr_text);
	return status;
}

/* Runs script inside as uid, expects success and returns its standard output. */
static char *output_of(Desktop *d, uid_t uid, const char *script)
{
	g_autofree char *err = NULL;
	char *out = NULL;
	int status = run_in(d, uid, script, &out, &err);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		g_error("'%s' in %s: status 0x%x, stderr: %s", script, d->name, status, err);
	return out;
}

static int by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every path, owner, mode, link target and content under dir, as one checksum. */
static void fingerprint_tree(const char *dir, const char *relative, GChecksum *sum)
{
	g_autofree char *path = g_build_filename(dir, relative, NULL);
	struct stat st;
	g_assert_cmpint(lstat(path, &st), ==, 0);
	g_autofree char *line =
		g_strdup_printf("%s %o %u %u %" G_GINT64_FORMAT "\n", relative, st.st_mode,
				st.st_uid, st.st_gid, (gint64)st.st_size);
	g_checksum_update(sum, (const guchar *)line, -1);
	if (S_ISLNK(st.st_mode)) {
		g_autofree char *target = g_file_read_link(path, NULL);
		g_checksum_update(sum, (const guchar *)target, -1);
	} else if (S_ISREG(st.st_mode)) {
		g_autofree char *content = NULL;
		gsize length;
		g_assert_true(g_file_get_contents(path, &content, &length, NULL));
		g_checksum_update(sum, (const guchar *)content, length);
	} else if (S_ISDIR(st.st_mode)) {
		g_autoptr(GDir) entries = g_dir_open(path, 0, NULL);
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
		for (const char *entry; (entry = g_dir_read_name(entries));)
			g_ptr_array_add(names, g_build_filename(relative, entry, NULL));
		g_ptr_array_sort(names, by_name);
		for (guint i = 0; i < names->len; i++)
			fingerprint_tree(dir, g_ptr_array_index(names, i), sum);
	}
}

static char *fingerprint(const char *dir)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	fingerprint_tree(dir, ".", sum);
	return g_strdup(g_checksum_get_string(sum));
}

static void assert_owner(const char *path, uid_t uid, gid_t gid)
{
	struct stat st;
	g_assert_cmpint(lstat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, uid);
	g_assert_cmpuint(st.st_gid, ==, gid);
}

/* Root inside is root of the desktop, its writes land in the session layer stored unshifted,
 * and the base stays byte for byte as it was. */
static void test_idmapped_root(void)
{
	g_autofree char *before = fingerprint(base);
	Desktop *d = desktop_up("root", NULL);

	g_autofree char *ids = output_of(d, 0,
					 "id -u; id -g; stat -c '%u %g' /bin/busybox /etc/passwd;"
					 " awk '{print $1, $2, $3}' /proc/self/uid_map;"
					 " echo written > /etc/written; mkdir /root/made;"
					 " rm /etc/hostname");
	g_assert_cmpstr(ids, ==, "0\n0\n0 0\n0 0\n0 100000 65536\n");
	g_autofree char *user = output_of(d, DESKTOP_UID, "id -u; echo mine > /home/user/mine");
	g_assert_cmpstr(user, ==, "1000\n");

	g_autofree char *written = g_build_filename(d->rw, "upper/etc/written", NULL);
	g_autofree char *made = g_build_filename(d->rw, "upper/root/made", NULL);
	g_autofree char *mine = g_build_filename(d->rw, "upper/home/user/mine", NULL);
	g_autofree char *whiteout = g_build_filename(d->rw, "upper/etc/hostname", NULL);
	assert_owner(written, 0, 0);
	assert_owner(made, 0, 0);
	assert_owner(mine, DESKTOP_UID, DESKTOP_UID);
	struct stat st;
	g_assert_cmpint(lstat(whiteout, &st), ==, 0);
	g_assert_true(S_ISCHR(st.st_mode));
	g_autofree char *content = NULL;
	g_assert_true(g_file_get_contents(written, &content, NULL, NULL));
	g_assert_cmpstr(content, ==, "written\n");

	desktop_down(d);
	g_autofree char *after = fingerprint(base);
	g_assert_cmpstr(before, ==, after);
}

/* A desktop of an ordinary user: its user inside is the owner on the host, one to one, so a
 * directory of the owner's (~/Shared) is the user's inside. */
static void test_owner_one_to_one(void)
{
	const uid_t owner = 4242;
	g_autofree char *shared = g_build_filename(work, "shared", NULL);
	g_assert_cmpint(mkdir(shared, 0700), ==, 0);
	g_assert_cmpint(chown(shared, owner, owner), ==, 0);
	ZionBindMount mount = { shared, "/home/user/Shared", FALSE, FALSE };
	DesktopOptions options = { .mounts = &mount, .n_mounts = 1, .owner = owner };
	Desktop *d = desktop_up("owner", &options);

	g_autofree char *map = output_of(d, DESKTOP_UID,
					 "awk '{print $1, $2, $3}' /proc/self/uid_map;"
					 " stat -c '%u %g' /home/user/Shared /bin/busybox;"
					 " echo hello > /home/user/Shared/from-inside");
	g_assert_cmpstr(map, ==, "0 100000 1000\n1000 4242 1\n1001 101001 64535\n1000 1000\n0 0\n");
	g_autofree char *file = g_build_filename(shared, "from-inside", NULL);
	assert_owner(file, owner, owner);

	desktop_down(d);
	zt_remove_tree(shared);
}

/* Root inside cannot write a host directory mounted read-write, make devices, or see the
 * host's processes. */
static void test_root_confined(void)
{
	g_autofree char *host = g_build_filename(work, "host", NULL);
	g_assert_cmpint(mkdir(host, 0755), ==, 0);
	g_autofree char *file = zt_write_file(host, "file", "host's\n");
	ZionBindMount mount = { host, "/mnt/host", FALSE, FALSE };
	DesktopOptions options = { .mounts = &mount, .n_mounts = 1 };
	Desktop *d = desktop_up("confined", &options);

	g_autofree char *out = NULL, *err = NULL;
	int status = run_in(d, 0, "stat -c %u /mnt/host; echo root > /mnt/host/file", &out, &err);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	g_assert_cmpstr(out, ==, "65534\n");
	g_assert_nonnull(strstr(err, "Permission denied"));
	g_autofree char *content = NULL;
	g_assert_true(g_file_get_contents(file, &content, NULL, NULL));
	g_assert_cmpstr(content, ==, "host's\n");

	g_autofree char *err2 = NULL;
	status = run_in(d, 0, "mknod /tmp/sda b 8 0", NULL, &err2);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
	g_assert_nonnull(strstr(err2, "Operation not permitted"));

	/* This test's own process is a host process. */
	g_autofree char *comms = output_of(d, 0, "cat /proc/[0-9]*/comm");
	g_assert_nonnull(strstr(comms, "init"));
	g_assert_null(strstr(comms, "test-container"));

	desktop_down(d);
	zt_remove_tree(host);
}

static gboolean sees(Desktop *d, const char *what)
{
	g_autofree char *out = output_of(
		d, 0, "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done; ls /tmp");
	return strstr(out, what) != NULL;
}

/* Two desktops see neither each other's processes nor files. */
static void test_two_desktops(void)
{
	Desktop *a = desktop_up("a", NULL);
	Desktop *b = desktop_up("b", NULL);
	int out, err;
	pid_t in_a = spawn_in(a, 0, "touch /tmp/file-of-a; exec sleep 4242", NULL, &out, &err);
	close(out);
	close(err);
	pid_t in_b = spawn_in(b, 0, "touch /tmp/file-of-b; exec sleep 4343", NULL, &out, &err);
	close(out);
	close(err);
	gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	while (!(sees(a, "sleep 4242") && sees(a, "file-of-a") && sees(b, "sleep 4343") &&
		 sees(b, "file-of-b")))
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
	g_assert_false(sees(a, "4343"));
	g_assert_false(sees(a, "file-of-b"));
	g_assert_false(sees(b, "4242"));
	g_assert_false(sees(b, "file-of-a"));

	desktop_down(a);
	desktop_down(b);
	int status;
	g_assert_cmpint(waitpid(in_a, &status, 0), ==, in_a);
	g_assert_cmpint(waitpid(in_b, &status, 0), ==, in_b);
}

static guint64 cpu_ns(Desktop *d)
{
	ZionUsage usage;
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_cgroup_usage(d->name, &usage, &error));
	g_assert_no_error(error);
	return usage.cpu_ns;
}

/* Polls until the desktop has used more than ms of CPU beyond since. */
static void wait_cpu_beyond(Desktop *d, guint64 since, guint ms)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (cpu_ns(d) < since + ms * (guint64)1000000) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(5000);
	}
}

static char *quota_of(Desktop *d)
{
	g_autofree char *path =
		zion_cgroup_unified()
			? g_strdup_printf("/sys/fs/cgroup/lxc.payload.%s/cpu.max", d->name)
			: g_strdup_printf("/sys/fs/cgroup/cpu/lxc.payload.%s/cpu.cfs_quota_us",
					  d->name);
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strstrip(text);
}

/* A frozen desktop uses no CPU, takes no new process, and runs on when thawed; its CPU quota
 * (lifted while freezing) is what it was. */
static void test_freeze(void)
{
	ZionLimits limits = { .cpu_milli = 300 };
	DesktopOptions options = { .limits = &limits };
	Desktop *d = desktop_up("freeze", &options);
	g_autofree char *quota = quota_of(d);
	int out, err;
	pid_t busy = spawn_in(d, 0, "while :; do :; done", NULL, &out, &err);
	close(out);
	close(err);
	wait_cpu_beyond(d, 0, 20);

	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	g_assert_true(zion_cgroup_freeze(d->name, &error));
	g_assert_no_error(error);
	gint64 frozen = g_get_monotonic_time();
	g_assert_true(zion_cgroup_is_frozen(d->name));
	g_autofree char *quota_frozen = quota_of(d);
	g_assert_cmpstr(quota_frozen, ==, quota);

	/* The last task frozen is charged its final slice as it leaves the CPU, just after the
	 * freezer reports it frozen. */
	g_usleep(20 * 1000);
	guint64 used = cpu_ns(d);
	g_usleep(300 * 1000);
	g_assert_cmpuint(cpu_ns(d), ==, used);

	const char *argv[] = { "/bin/true", NULL };
	pid_t pid = -1;
	g_assert_false(zion_container_run(lxcpath, d->name, 0, 0, NULL, 0, argv, NULL, NULL, -1, -1,
					  -1, &pid, &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_BUSY);
	g_clear_error(&error);

	gint64 thaw_start = g_get_monotonic_time();
	g_assert_true(zion_cgroup_thaw(d->name, &error));
	g_assert_no_error(error);
	g_test_message("freeze %.3f ms, thaw %.3f ms", (frozen - start) / 1000.0,
		       (g_get_monotonic_time() - thaw_start) / 1000.0);
	g_assert_false(zion_cgroup_is_frozen(d->name));
	wait_cpu_beyond(d, used, 20);

	desktop_down(d);
	int status;
	g_assert_cmpint(waitpid(busy, &status, 0), ==, busy);
}

static ZionUsage usage_of(Desktop *d)
{
	ZionUsage usage;
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_cgroup_usage(d->name, &usage, &error));
	g_assert_no_error(error);
	return usage;
}

/* A memory hog is killed under the limit and runs when the limit is raised live. */
static void test_memory_limit(void)
{
	ZionLimits limits = { .memory = 32 * MIB };
	DesktopOptions options = { .limits = &limits };
	Desktop *d = desktop_up("memory", &options);
	/* dd fills a 48 MiB buffer. */
	const char *hog = "dd if=/dev/zero of=/dev/null bs=48M count=1 2>/dev/null";

	int status = run_in(d, 0, hog, NULL, NULL);
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
	g_assert_true(zion_container_is_running(lxcpath, d->name));
	g_assert_cmpuint(usage_of(d).memory_peak, <=, 32 * MIB);

	limits.memory = 128 * MIB;
	g_autoptr(GError) error = NULL;
	g_assert_true(zion_cgroup_set_limits(d->name, &limits, &error));
	g_assert_no_error(error);
	status = run_in(d, 0, hog, NULL, NULL);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ZionUsage usage = usage_of(d);
	g_assert_cmpuint(usage.memory_peak, >=, 48 * MIB);
	g_assert_cmpuint(usage.memory, <, usage.memory_peak);

	/* Lowering again works too (memsw is lowered after the limit on v1). */
	limits.memory = 64 * MIB;
	g_assert_true(zion_cgroup_set_limits(d->name, &limits, &error));
	g_assert_no_error(error);
	desktop_down(d);
}

/* No more processes than the pids limit. */
static void test_pids_limit(void)
{
	ZionLimits limits = { .pids = 8 };
	DesktopOptions options = { .limits = &limits };
	Desktop *d = desktop_up("pids", &options);
	g_autofree char *out = NULL, *err = NULL;
	/* The sleepers keep no pipe of ours open, so the shell's output ends with the shell. */
	run_in(d, 0, "i=0; while [ $i -lt 12 ]; do sleep 60 >/dev/null 2>&1 & i=$((i+1)); done",
	       &out, &err);
	g_assert_nonnull(strstr(err, "can't fork"));
	g_autofree char *current_file =
		zion_cgroup_unified()
			? g_strdup_printf("/sys/fs/cgroup/lxc.payload.%s/pids.current", d->name)
			: g_strdup_printf("/sys/fs/cgroup/pids/lxc.payload.%s/pids.current",
					  d->name);
	g_autofree char *current = NULL;
	g_assert_true(g_file_get_contents(current_file, &current, NULL, NULL));
	g_assert_cmpint(g_ascii_strtoll(current, NULL, 10), <=, 8);
	desktop_down(d);
}

/* A container found by a new handle: its init, and its saved environment in what runs there
 * (not the environment of whoever asks). */
static void test_adopt(void)
{
	g_autofree char *variable = g_strdup_printf("ZION_DESKTOP=zt%d-adopt", (int)getpid());
	const char *environment[] = { variable, NULL };
	DesktopOptions options = { .environment = environment };
	Desktop *d = desktop_up("adopt", &options);

	pid_t init = zion_container_init_pid(lxcpath, d->name);
	g_assert_cmpint(init, >, 0);
	g_autofree char *status_file = g_strdup_printf("/proc/%d/status", (int)init);
	g_autofree char *status = NULL;
	g_assert_true(g_file_get_contents(status_file, &status, NULL, NULL));
	g_autofree char *nspid = g_strdup_printf("NSpid:\t%d\t1\n", (int)init);
	g_assert_nonnull(strstr(status, nspid));

	g_setenv("ZT_AGENT_SECRET", "leaked", TRUE);
	const char *extra[] = { "EXTRA=given", NULL };
	int out, err;
	pid_t pid = spawn_in(d, DESKTOP_UID,
			     "echo $ZION_DESKTOP $EXTRA ${ZT_AGENT_SECRET:-clean} $(pwd)", extra,
			     &out, &err);
	g_autofree char *text = read_all(out);
	close(err);
	int wait_status;
	g_assert_cmpint(waitpid(pid, &wait_status, 0), ==, pid);
	g_unsetenv("ZT_AGENT_SECRET");
	g_autofree char *expected = g_strdup_printf("%s given clean /home/user\n", variable + 13);
	g_assert_cmpstr(text, ==, expected);
	desktop_down(d);
}

/* The [lxc monitor] killed: the container dies, its cgroups and mount stay; umount and prune
 * clean up, and the same desktop starts again. */
static void test_crash_leftovers(void)
{
	Desktop *d = desktop_up("crash", NULL);
	pid_t init = zion_container_init_pid(lxcpath, d->name);
	g_autofree char *status_file = g_strdup_printf("/proc/%d/status", (int)init);
	g_autofree char *status = NULL;
	g_assert_true(g_file_get_contents(status_file, &status, NULL, NULL));
	const char *ppid = strstr(status, "PPid:\t");
	g_assert_nonnull(ppid);
	pid_t monitor = (pid_t)g_ascii_strtoll(ppid + strlen("PPid:\t"), NULL, 10);
	g_autofree char *monitor_comm = g_strdup_printf("/proc/%d/cmdline", (int)monitor);
	g_autofree char *cmdline = NULL;
	g_assert_true(g_file_get_contents(monitor_comm, &cmdline, NULL, NULL));
	g_assert_true(g_str_has_prefix(cmdline, "[lxc monitor]"));

	g_assert_cmpint(kill(monitor, SIGKILL), ==, 0);
	g_autofree char *init_text = g_strdup_printf("%d", (int)init);
	g_assert_true(eventually(process_gone, init_text));
	g_assert_true(eventually(not_running, d->name));
	g_assert_true(zion_cgroup_exists(d->name));
	g_assert_true(zion_desktop_is_mounted(d->merged));

	g_autoptr(GError) error = NULL;
	g_assert_true(zion_desktop_umount(d->merged, &error));
	g_assert_no_error(error);
	g_assert_true(zion_cgroup_prune(d->name, &error));
	g_assert_no_error(error);
	g_assert_false(zion_cgroup_exists(d->name));
	g_assert_false(mounted_anywhere(d->merged));
	/* Both are idempotent: recovery may run them again. */
	g_assert_true(zion_desktop_umount(d->merged, &error));
	g_assert_true(zion_cgroup_prune(d->name, &error));
	g_assert_no_error(error);

	const char *lowers[] = { base, NULL };
	g_assert_true(zion_desktop_mount(d->merged, lowers, d->rw, &d->map, &error));
	g_assert_no_error(error);
	g_assert_true(zion_container_start(lxcpath, d->name, &error));
	g_assert_no_error(error);
	g_autofree char *id = output_of(d, 0, "id -u");
	g_assert_cmpstr(id, ==, "0\n");
	desktop_down(d);
}

/* What is refused, with the place named. */
static void test_mistakes(void)
{
	g_autoptr(GError) error = NULL;
	g_assert_false(zion_cgroup_freeze("../etc", &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_clear_error(&error);

	ZionIdMap map;
	zion_id_map_for_desktop(&map, 0, DESKTOP_UID);
	ZionContainerSpec spec = { .name = "zt-relative",
				   .lxcpath = "relative/path",
				   .rootfs = "/nonexistent",
				   .map = &map };
	g_assert_false(zion_container_write_config(&spec, &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "relative/path"));
	g_clear_error(&error);

	g_autofree char *name = g_strdup_printf("zt%d-none", (int)getpid());
	g_assert_false(zion_container_start(lxcpath, name, &error));
	g_assert_nonnull(strstr(error->message, name));
	g_clear_error(&error);
	g_assert_true(zion_container_stop(lxcpath, name, 0, &error));
	g_assert_no_error(error);

	g_autofree char *merged = g_build_filename(work, "never-mounted", NULL);
	g_assert_true(zion_desktop_umount(merged, &error));
	g_assert_no_error(error);
}

/* The map a user's desktop gets, with the owner's own id cut out of the root range when it lies
 * in it (the kernel refuses a host id mapped twice). */
static void test_id_maps(void)
{
	ZionIdMap map;
	zion_id_map_for_desktop(&map, 0, DESKTOP_UID);
	g_autofree char *root = zion_id_map_text(&map);
	g_assert_cmpstr(root, ==, "0 100000 65536\n");

	zion_id_map_for_desktop(&map, 1000, DESKTOP_UID);
	g_autofree char *user = zion_id_map_text(&map);
	g_assert_cmpstr(user, ==, "0 100000 1000\n1000 1000 1\n1001 101001 64535\n");
	g_assert_cmpuint(zion_id_map_to_host(&map, 0), ==, 100000);
	g_assert_cmpuint(zion_id_map_to_host(&map, 1000), ==, 1000);
	g_assert_cmpuint(zion_id_map_to_host(&map, 65535), ==, 165535);
	g_assert_cmpuint(zion_id_map_to_host(&map, 65536), ==, ZION_ID_UNMAPPED);

	zion_id_map_for_desktop(&map, 100005, DESKTOP_UID);
	g_autofree char *inside = zion_id_map_text(&map);
	g_assert_cmpstr(inside, ==, "0 100000 5\n6 100006 994\n1000 100005 1\n1001 101001 64535\n");
	g_autoptr(GError) error = NULL;
	int fd = zion_id_map_userns_fd(&map, &error);
	g_assert_no_error(error);
	g_assert_cmpint(fd, >=, 0);
	close(fd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0) {
		g_test_skip("containers need root");
		return 77;
	}
	g_autofree char *helper = g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent",
						   "zion-lxc-start", NULL);
	g_setenv("ZION_LXC_START_HELPER", helper, TRUE);
	top = zt_temp_dir();
	g_autofree char *base_dir = g_build_filename(top, "base", NULL);
	g_autofree char *work_dir = g_build_filename(top, "desktops", NULL);
	g_autofree char *lxc_dir = g_build_filename(top, "lxc", NULL);
	g_assert_cmpint(mkdir(base_dir, 0755), ==, 0);
	g_assert_cmpint(mkdir(work_dir, 0711), ==, 0);
	zt_busybox_rootfs(base_dir);
	base = base_dir;
	work = work_dir;
	lxcpath = lxc_dir;
	live = g_ptr_array_new();
	struct sigaction on_failure = { .sa_handler = on_abort };
	sigaction(SIGABRT, &on_failure, NULL);
	sigaction(SIGTERM, &on_failure, NULL); /* meson's timeout */

	g_test_add_func("/container/id-maps", test_id_maps);
	g_test_add_func("/container/mistakes", test_mistakes);
	g_test_add_func("/container/idmapped-root", test_idmapped_root);
	g_test_add_func("/container/owner-one-to-one", test_owner_one_to_one);
	g_test_add_func("/container/root-confined", test_root_confined);
	g_test_add_func("/container/two-desktops", test_two_desktops);
	g_test_add_func("/container/freeze", test_freeze);
	g_test_add_func("/container/memory-limit", test_memory_limit);
	g_test_add_func("/container/pids-limit", test_pids_limit);
	g_test_add_func("/container/adopt", test_adopt);
	g_test_add_func("/container/crash-leftovers", test_crash_leftovers);
	int status = g_test_run();
	g_assert_cmpuint(live->len, ==, 0);
	g_ptr_array_unref(live);
	/* LXC's lock directories for this lxcpath. */
	g_autofree char *locks = g_build_filename("/run/lxc/lock", top, NULL);
	zion_remove_tree(locks, NULL);
	return status;
}
