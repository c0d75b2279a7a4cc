/* The payload cgroup files of desktop containers, in whichever layout the machine has. */
#include "cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "zion-error.h"

#define ROOT "/sys/fs/cgroup"
#define CGROUP_MAGIC 0x27e0eb
#define CGROUP2_MAGIC 0x63677270
#define FREEZE_TIMEOUT_US (5 * G_USEC_PER_SEC)
/* How often the v1 freezer's state is read again while it says FREEZING. */
#define V1_FREEZER_POLL_US 200
#define CPU_PERIOD_US 100000

gboolean zion_cgroup_check_name(const char *name, GError **error)
{
	gboolean ok = name && *name && *name != '.' && *name != '-' && strlen(name) <= 64;
	for (const char *c = name; ok && *c; c++)
		ok = g_ascii_isalnum(*c) || *c == '.' || *c == '_' || *c == '-';
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' cannot name a container: use letters, digits, '.', '_' and '-'",
			    name ? name : "");
	return ok;
}

gboolean zion_cgroup_unified(void)
{
	static gsize unified;
	if (g_once_init_enter(&unified)) {
		struct statfs fs;
		gboolean v2 = statfs(ROOT, &fs) == 0 && fs.f_type == CGROUP2_MAGIC;
		g_once_init_leave(&unified, v2 ? 2 : 1);
	}
	return unified == 2;
}

/*
 * A file of the container's payload cgroup. controller names the v1 hierarchy ("unified" for
 * the hybrid's v2 tree); on pure v2 there is one tree and it is ignored.
 */
static char *payload_file(const char *controller, const char *name, const char *file)
{
	g_autofree char *group = g_strconcat("lxc.payload.", name, NULL);
	if (zion_cgroup_unified())
		return g_build_filename(ROOT, group, file, NULL);
	return g_build_filename(ROOT, controller, group, file, NULL);
}

static gboolean write_text(const char *path, const char *text, GError **error)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	gsize length = strlen(text);
	gboolean ok = fd >= 0 && write(fd, text, length) == (gssize)length;
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot write '%s' to %s: %s",
			    text, path, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The first line of a cgroup file, without its newline. */
static char *read_line(const char *path, GError **error)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, error))
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* A number, or from "key value" lines (cpu.stat) the value of key. */
static gboolean read_u64(const char *path, const char *key, guint64 *value, GError **error)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, error))
		return FALSE;
	const char *at = text;
	if (key) {
		gsize length = strlen(key);
		while (at && !(g_str_has_prefix(at, key) && at[length] == ' ')) {
			at = strchr(at, '\n');
			at = at ? at + 1 : NULL;
		}
		if (!at) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s has no %s", path,
				    key);
			return FALSE;
		}
		at += length + 1;
	}
	char *end;
	*value = g_ascii_strtoull(at, &end, 10);
	if (end == at) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s does not hold a number",
			    path);
		return FALSE;
	}
	return TRUE;
}

char **zion_cgroup_limit_keys(const ZionLimits *limits)
{
	GPtrArray *items = g_ptr_array_new();
	gboolean v2 = zion_cgroup_unified();
#define ADD(key, ...)                                                                              \
	do {                                                                                       \
		g_ptr_array_add(items, g_strdup(key));                                             \
		g_ptr_array_add(items, g_strdup_printf(__VA_ARGS__));                              \
	} while (0)
	if (limits->memory && v2) {
		ADD("lxc.cgroup2.memory.max", "%" G_GUINT64_FORMAT, limits->memory);
		ADD("lxc.cgroup2.memory.swap.max", "0");
	} else if (limits->memory) {
		/* LXC writes them in this order; memsw may never be below limit_in_bytes. */
		ADD("lxc.cgroup.memory.limit_in_bytes", "%" G_GUINT64_FORMAT, limits->memory);
		if (g_file_test(ROOT "/memory/memory.memsw.limit_in_bytes", G_FILE_TEST_EXISTS))
			ADD("lxc.cgroup.memory.memsw.limit_in_bytes", "%" G_GUINT64_FORMAT,
			    limits->memory);
	}
	if (limits->pids)
		ADD(v2 ? "lxc.cgroup2.pids.max" : "lxc.cgroup.pids.max", "%" G_GUINT64_FORMAT,
		    limits->pids);
	if (limits->cpu_milli) {
		guint quota = MAX(limits->cpu_milli * (CPU_PERIOD_US / 1000), 1000);
		if (v2) {
			ADD("lxc.cgroup2.cpu.max", "%u %u", quota, CPU_PERIOD_US);
		} else {
			ADD("lxc.cgroup.cpu.cfs_period_us", "%u", CPU_PERIOD_US);
			ADD("lxc.cgroup.cpu.cfs_quota_us", "%u", quota);
		}
	}
	if (limits->cpu_weight && v2)
		ADD("lxc.cgroup2.cpu.weight", "%u", CLAMP(limits->cpu_weight, 1, 10000));
	else if (limits->cpu_weight) /* v1 shares: 1024 is weight 100 */
		ADD("lxc.cgroup.cpu.shares", "%u", MAX(limits->cpu_weight * 1024 / 100, 2));
#undef ADD
	g_ptr_array_add(items, NULL);
	return (char **)g_ptr_array_free(items, FALSE);
}

typedef struct {
	const char *controller, *file;
	char *value;
	gboolean optional; /* skipped when the kernel has no such file */
} CgroupWrite;

static guint v1_limit_writes(const char *name, const ZionLimits *limits, CgroupWrite *writes)
{
	guint n = 0;
	/* memsw (memory + swap) may never be below limit_in_bytes: when raising, memsw goes
	 * first, when lowering, last. */
	g_autofree char *limit_file = payload_file("memory", name, "memory.limit_in_bytes");
	guint64 current = G_MAXUINT64;
	read_u64(limit_file, NULL, &current, NULL);
	guint64 wanted = limits->memory ? limits->memory : G_MAXUINT64;
	char *memory = limits->memory ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->memory)
				      : g_strdup("-1");
	CgroupWrite limit = { "memory", "memory.limit_in_bytes", memory, FALSE };
	CgroupWrite memsw = { "memory", "memory.memsw.limit_in_bytes", g_strdup(memory), TRUE };
	writes[n++] = wanted > current ? memsw : limit;
	writes[n++] = wanted > current ? limit : memsw;
	writes[n++] =
		(CgroupWrite){ "pids", "pids.max",
			       limits->pids ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->pids)
					    : g_strdup("max"),
			       FALSE };
	writes[n++] = (CgroupWrite){ "cpu", "cpu.cfs_period_us",
				     g_strdup_printf("%u", CPU_PERIOD_US), FALSE };
	writes[n++] = (CgroupWrite){
		"cpu", "cpu.cfs_quota_us",
		limits->cpu_milli
			? g_strdup_printf("%u",
					  MAX(limits->cpu_milli * (CPU_PERIOD_US / 1000), 1000))
			: g_strdup("-1"),
		FALSE
	};
	guint weight = limits->cpu_weight ? limits->cpu_weight : 100;
	writes[n++] = (CgroupWrite){ "cpu", "cpu.shares",
				     g_strdup_printf("%u", MAX(weight * 1024 / 100, 2)), FALSE };
	return n;
}

static guint v2_limit_writes(const ZionLimits *limits, CgroupWrite *writes)
{
	guint n = 0;
	writes[n++] = (CgroupWrite){ NULL, "memory.max",
				     limits->memory
					     ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->memory)
					     : g_strdup("max"),
				     FALSE };
	writes[n++] = (CgroupWrite){ NULL, "memory.swap.max",
				     g_strdup(limits->memory ? "0" : "max"), TRUE };
	writes[n++] =
		(CgroupWrite){ NULL, "pids.max",
			       limits->pids ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->pids)
					    : g_strdup("max"),
			       FALSE };
	guint quota = MAX(limits->cpu_milli * (CPU_PERIOD_US / 1000), 1000);
	writes[n++] =
		(CgroupWrite){ NULL, "cpu.max",
			       limits->cpu_milli ? g_strdup_printf("%u %u", quota, CPU_PERIOD_US)
						 : g_strdup_printf("max %u", CPU_PERIOD_US),
			       FALSE };
	writes[n++] =
		(CgroupWrite){ NULL, "cpu.weight",
			       g_strdup_printf("%u", limits->cpu_weight
							     ? CLAMP(limits->cpu_weight, 1, 10000)
							     : 100),
			       FALSE };
	return n;
}

gboolean zion_cgroup_set_limits(const char *name, const ZionLimits *limits, GError **error)
{
	if (!zion_cgroup_check_name(name, error))
		return FALSE;
	CgroupWrite writes[8];
	guint n = zion_cgroup_unified() ? v2_limit_writes(limits, writes)
					: v1_limit_writes(name, limits, writes);
	gboolean ok = TRUE;
	for (guint i = 0; i < n; i++) {
		g_autofree char *path = payload_file(writes[i].controller, name, writes[i].file);
		if (ok && !(writes[i].optional && !g_file_test(path, G_FILE_TEST_EXISTS)))
			ok = write_text(path, writes[i].value, error);
		g_free(writes[i].value);
	}
	return ok;
}

/* The freezer in use: v2's cgroup.freeze wherever the payload cgroup has one (the hybrid's
 * unified tree has it), else v1's freezer.state. The two are independent; only one is used. */
static gboolean v2_freezer(const char *name)
{
	if (zion_cgroup_unified())
		return TRUE;
	g_autofree char *freeze = payload_file("unified", name, "cgroup.freeze");
	return g_file_test(freeze, G_FILE_TEST_EXISTS);
}

/* Waits until the v2 cgroup.events says "frozen 1" (or 0): the kernel wakes pollers with
 * POLLPRI when it changes. */
static gboolean v2_wait(const char *events, gboolean frozen, gint64 deadline)
{
	int fd = open(events, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FALSE;
	const char *want = frozen ? "\nfrozen 1" : "\nfrozen 0";
	gboolean done = FALSE;
	while (!done) {
		char text[256] = "\n";
		ssize_t n = pread(fd, text + 1, sizeof(text) - 2, 0);
		if (n < 0)
			break;
		text[n + 1] = '\0';
		done = strstr(text, want) != NULL;
		gint64 left = deadline - g_get_monotonic_time();
		if (done || left <= 0)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		poll(&pfd, 1, (int)MAX(left / 1000, 1));
	}
	close(fd);
	return done;
}

static gboolean v1_wait(const char *state, const char *want, gint64 deadline)
{
	while (TRUE) {
		g_autofree char *now = read_line(state, NULL);
		if (now && strcmp(now, want) == 0)
			return TRUE;
		if (!now || g_get_monotonic_time() >= deadline)
			return FALSE;
		g_usleep(V1_FREEZER_POLL_US);
	}
}

/* Writes the freezer and waits for it; without wait, only writes (undoing a failed freeze). */
static gboolean set_frozen(const char *name, gboolean frozen, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + FREEZE_TIMEOUT_US;
	g_autofree char *file = NULL;
	gboolean done;
	if (v2_freezer(name)) {
		file = payload_file("unified", name, "cgroup.freeze");
		if (!write_text(file, frozen ? "1" : "0", error))
			return FALSE;
		g_autofree char *events = payload_file("unified", name, "cgroup.events");
		done = v2_wait(events, frozen, deadline);
	} else {
		file = payload_file("freezer", name, "freezer.state");
		const char *want = frozen ? "FROZEN" : "THAWED";
		if (!write_text(file, want, error))
			return FALSE;
		done = v1_wait(file, want, deadline);
	}
	if (!done)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "container %s did not %s within %d s (%s)", name,
			    frozen ? "freeze" : "thaw", (int)(FREEZE_TIMEOUT_US / G_USEC_PER_SEC),
			    file);
	return done;
}

/* The CPU quota file and its value when the container has a quota, to lift while freezing. */
static char *cpu_quota(const char *name, char **file)
{
	gboolean v2 = zion_cgroup_unified();
	*file = payload_file("cpu", name, v2 ? "cpu.max" : "cpu.cfs_quota_us");
	char *quota = read_line(*file, NULL);
	if (quota && (g_str_has_prefix(quota, "max") || strcmp(quota, "-1") == 0))
		g_clear_pointer(&quota, g_free);
	return quota;
}

gboolean zion_cgroup_freeze(const char *name, GError **error)
{
	if (!zion_cgroup_check_name(name, error))
		return FALSE;
	/* A task throttled by its quota cannot reach the freezer before its next period (tens of
	 * ms): the quota is lifted until everything is frozen. */
	g_autofree char *quota_file = NULL;
	g_autofree char *quota = cpu_quota(name, &quota_file);
	if (quota && !write_text(quota_file, zion_cgroup_unified() ? "max" : "-1", error))
		return FALSE;
	gboolean ok = set_frozen(name, TRUE, error);
	if (quota && !write_text(quota_file, quota, ok ? error : NULL))
		ok = FALSE;
	if (!ok)
		set_frozen(name, FALSE, NULL);
	return ok;
}

gboolean zion_cgroup_thaw(const char *name, GError **error)
{
	return zion_cgroup_check_name(name, error) && set_frozen(name, FALSE, error);
}

gboolean zion_cgroup_is_frozen(const char *name)
{
	if (!zion_cgroup_check_name(name, NULL))
		return FALSE;
	gboolean v2 = v2_freezer(name);
	g_autofree char *file = v2 ? payload_file("unified", name, "cgroup.freeze")
				   : payload_file("freezer", name, "freezer.state");
	g_autofree char *state = read_line(file, NULL);
	return state && strcmp(state, v2 ? "0" : "THAWED") != 0;
}

gboolean zion_cgroup_usage(const char *name, ZionUsage *usage, GError **error)
{
	*usage = (ZionUsage){ 0 };
	if (!zion_cgroup_check_name(name, error))
		return FALSE;
	if (zion_cgroup_unified()) {
		g_autofree char *cpu = payload_file(NULL, name, "cpu.stat");
		g_autofree char *memory = payload_file(NULL, name, "memory.current");
		g_autofree char *peak = payload_file(NULL, name, "memory.peak");
		guint64 usec = 0;
		if (!read_u64(cpu, "usage_usec", &usec, error) ||
		    !read_u64(memory, NULL, &usage->memory, error))
			return FALSE;
		usage->cpu_ns = usec * 1000;
		/* memory.peak came with Linux 5.19. */
		if (!read_u64(peak, NULL, &usage->memory_peak, NULL))
			usage->memory_peak = usage->memory;
		return TRUE;
	}
	g_autofree char *cpu = payload_file("cpuacct", name, "cpuacct.usage");
	g_autofree char *memory = payload_file("memory", name, "memory.usage_in_bytes");
	g_autofree char *peak = payload_file("memory", name, "memory.max_usage_in_bytes");
	return read_u64(cpu, NULL, &usage->cpu_ns, error) &&
	       read_u64(memory, NULL, &usage->memory, error) &&
	       read_u64(peak, NULL, &usage->memory_peak, error);
}

/* SIGKILL to every process of the cgroup directory dir and of its sub-cgroups. */
static void kill_tree(const char *dir)
{
	g_autofree char *procs = g_build_filename(dir, "cgroup.procs", NULL);
	g_autofree char *text = NULL;
	if (g_file_get_contents(procs, &text, NULL, NULL)) {
		g_auto(GStrv) pids = g_strsplit(text, "\n", -1);
		for (guint i = 0; pids[i]; i++) {
			if (*pids[i])
				kill((pid_t)g_ascii_strtoll(pids[i], NULL, 10), SIGKILL);
		}
	}
	g_autoptr(GDir) entries = g_dir_open(dir, 0, NULL);
	for (const char *entry; entries && (entry = g_dir_read_name(entries));) {
		g_autofree char *child = g_build_filename(dir, entry, NULL);
		if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
			kill_tree(child);
	}
}

gboolean zion_cgroup_kill(const char *name, GError **error)
{
	if (!zion_cgroup_check_name(name, error))
		return FALSE;
	g_autofree char *kill_file = payload_file("unified", name, "cgroup.kill");
	if (g_file_test(kill_file, G_FILE_TEST_EXISTS))
		return write_text(kill_file, "1", error);
	/* Frozen, nothing forks while its processes are collected; they die when thawed. */
	if (!zion_cgroup_freeze(name, error))
		return FALSE;
	g_autofree char *dir = v2_freezer(name) ? payload_file("unified", name, NULL)
						: payload_file("freezer", name, NULL);
	kill_tree(dir);
	return zion_cgroup_thaw(name, error);
}

/* The container's cgroup directory names: lxc.payload.NAME, lxc.monitor.NAME, -N. */
static gboolean is_containers(const char *entry, const char *name)
{
	const char *rest;
	if (g_str_has_prefix(entry, "lxc.payload."))
		return strcmp(entry + strlen("lxc.payload."), name) == 0;
	if (!g_str_has_prefix(entry, "lxc.monitor.") ||
	    !g_str_has_prefix(entry + strlen("lxc.monitor."), name))
		return FALSE;
	rest = entry + strlen("lxc.monitor.") + strlen(name);
	if (!*rest)
		return TRUE;
	if (*rest++ != '-' || !*rest)
		return FALSE;
	for (; *rest; rest++) {
		if (!g_ascii_isdigit(*rest))
			return FALSE;
	}
	return TRUE;
}

/* Every hierarchy's root directory: one on pure v2, each mounted v1 controller and the unified
 * tree otherwise (the symlinks of co-mounted controllers skipped). */
static GPtrArray *hierarchies(void)
{
	GPtrArray *roots = g_ptr_array_new_with_free_func(g_free);
	if (zion_cgroup_unified()) {
		g_ptr_array_add(roots, g_strdup(ROOT));
		return roots;
	}
	g_autoptr(GDir) entries = g_dir_open(ROOT, 0, NULL);
	for (const char *entry; entries && (entry = g_dir_read_name(entries));) {
		g_autofree char *dir = g_build_filename(ROOT, entry, NULL);
		struct stat st;
		struct statfs fs;
		if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && statfs(dir, &fs) == 0 &&
		    (fs.f_type == CGROUP_MAGIC || fs.f_type == CGROUP2_MAGIC))
			g_ptr_array_add(roots, g_steal_pointer(&dir));
	}
	return roots;
}

/* Calls found on each of the container's cgroup directories; stops when it returns FALSE. */
static gboolean each_cgroup(const char *name, gboolean (*found)(const char *dir, GError **error),
			    GError **error)
{
	g_autoptr(GPtrArray) roots = hierarchies();
	for (guint i = 0; i < roots->len; i++) {
		g_autoptr(GDir) entries = g_dir_open(g_ptr_array_index(roots, i), 0, NULL);
		for (const char *entry; entries && (entry = g_dir_read_name(entries));) {
			if (!is_containers(entry, name))
				continue;
			g_autofree char *dir =
				g_build_filename(g_ptr_array_index(roots, i), entry, NULL);
			if (!found(dir, error))
				return FALSE;
		}
	}
	return TRUE;
}

static gboolean remove_cgroup(const char *dir, GError **error)
{
	/* Sub-cgroups first: with cgroup:mixed the container may have made its own. */
	g_autoptr(GDir) entries = g_dir_open(dir, 0, NULL);
	for (const char *entry; entries && (entry = g_dir_read_name(entries));) {
		g_autofree char *child = g_build_filename(dir, entry, NULL);
		struct stat st;
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode) && !remove_cgroup(child, error))
			return FALSE;
	}
	if (rmdir(dir) < 0 && errno != ENOENT) {
		g_set_error(error, ZION_ERROR, errno == EBUSY ? ZION_ERROR_BUSY : ZION_ERROR_FAILED,
			    "cannot remove the cgroup %s: %s", dir,
			    errno == EBUSY ? "it still has processes" : g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean zion_cgroup_prune(const char *name, GError **error)
{
	return zion_cgroup_check_name(name, error) && each_cgroup(name, remove_cgroup, error);
}

static gboolean stop_at_first(const char *dir, GError **error)
{
	return FALSE;
}

gboolean zion_cgroup_exists(const char *name)
{
	return zion_cgroup_check_name(name, NULL) && !each_cgroup(name, stop_at_first, NULL);
}
