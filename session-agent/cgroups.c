/* cgroup files of a desktop's payload cgroups. */
#include "cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "zion-error.h"

#define ROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270
#define FREEZE_TIMEOUT_MS 5000

gboolean zion_cgroups_unified(void)
{
	struct statfs fs;
	return statfs(ROOT, &fs) == 0 && fs.f_type == CGROUP2_MAGIC;
}

/* A file of the payload cgroup in a v1 controller's hierarchy, or in the unified one. */
static char *path(const char *controller, const char *container, const char *file)
{
	g_autofree char *group = g_strdup_printf("lxc.payload.%s", container);
	if (zion_cgroups_unified())
		return g_build_filename(ROOT, group, file, NULL);
	return g_build_filename(ROOT, controller ? controller : "unified", group, file, NULL);
}

static gboolean write_text(const char *file, const char *text, GError **error)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	gboolean ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot write '%s' to %s: %s",
			    text, file, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static gboolean read_u64(const char *file, const char *key, guint64 *value, GError **error)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents(file, &text, NULL, error))
		return FALSE;
	const char *at = text;
	if (key) {
		/* "key value" lines, as in cpu.stat */
		g_autofree char *needle = g_strdup_printf("%s ", key);
		at = strstr(text, needle);
		if (!at) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s has no %s", file,
				    key);
			return FALSE;
		}
		at += strlen(needle);
	}
	*value = g_ascii_strtoull(at, NULL, 10);
	return TRUE;
}

/* Swap accounting (v1 memsw) is a kernel option. */
static gboolean has_memsw(void)
{
	return g_file_test(ROOT "/memory/memory.memsw.limit_in_bytes", G_FILE_TEST_EXISTS);
}

GPtrArray *zion_cgroups_config_items(const ZionLimits *limits)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
	gboolean v2 = zion_cgroups_unified();
#define ADD(key, ...)                                                                              \
	do {                                                                                       \
		g_ptr_array_add(items, g_strdup(key));                                             \
		g_ptr_array_add(items, g_strdup_printf(__VA_ARGS__));                              \
	} while (0)
	if (limits->memory) {
		if (v2) {
			ADD("lxc.cgroup2.memory.max", "%" G_GUINT64_FORMAT, limits->memory);
			ADD("lxc.cgroup2.memory.swap.max", "0");
		} else {
			ADD("lxc.cgroup.memory.limit_in_bytes", "%" G_GUINT64_FORMAT,
			    limits->memory);
			if (has_memsw())
				ADD("lxc.cgroup.memory.memsw.limit_in_bytes", "%" G_GUINT64_FORMAT,
				    limits->memory);
		}
	}
	if (limits->pids)
		ADD(v2 ? "lxc.cgroup2.pids.max" : "lxc.cgroup.pids.max", "%u", limits->pids);
	if (limits->cpus_milli) {
		if (v2) {
			ADD("lxc.cgroup2.cpu.max", "%u 100000", limits->cpus_milli * 100);
		} else {
			ADD("lxc.cgroup.cpu.cfs_period_us", "100000");
			ADD("lxc.cgroup.cpu.cfs_quota_us", "%u", limits->cpus_milli * 100);
		}
	}
	if (limits->cpu_weight) {
		if (v2)
			ADD("lxc.cgroup2.cpu.weight", "%u", limits->cpu_weight);
		else /* v1 shares: 1024 is the default weight 100 */
			ADD("lxc.cgroup.cpu.shares", "%u", limits->cpu_weight * 1024 / 100);
	}
#undef ADD
	return items;
}

/* Writes value to the v2 cgroup.freeze and waits until cgroup.events says "frozen value". */
static gboolean set_frozen(const char *container, gboolean frozen, GError **error)
{
	/* A task throttled by its CPU quota cannot reach the freezer until its next period:
	 * the quota is lifted while freezing and put back after. */
	g_autofree char *quota_file = path(zion_cgroups_unified() ? NULL : "cpu", container,
					   zion_cgroups_unified() ? "cpu.max" : "cpu.cfs_quota_us");
	g_autofree char *quota = NULL;
	if (frozen && g_file_get_contents(quota_file, &quota, NULL, NULL)) {
		g_strstrip(quota);
		if (g_str_has_prefix(quota, "-1") || g_str_has_prefix(quota, "max"))
			g_clear_pointer(&quota, g_free);
		else
			write_text(quota_file, zion_cgroups_unified() ? "max" : "-1", NULL);
	}
	g_autofree char *freeze = path(NULL, container, "cgroup.freeze");
	g_autofree char *events = path(NULL, container, "cgroup.events");
	gboolean ok = write_text(freeze, frozen ? "1" : "0", error);
	int fd = ok ? open(events, O_RDONLY | O_CLOEXEC) : -1;
	if (ok && fd < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot open %s: %s", events,
			    g_strerror(errno));
		ok = FALSE;
	}
	const char *want = frozen ? "frozen 1" : "frozen 0";
	gint64 deadline = g_get_monotonic_time() + FREEZE_TIMEOUT_MS * 1000;
	while (ok) {
		char buffer[512];
		ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
		buffer[n > 0 ? n : 0] = '\0';
		if (strstr(buffer, want))
			break;
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "desktop container %s did not %s within %d ms", container,
				    frozen ? "freeze" : "thaw", FREEZE_TIMEOUT_MS);
			ok = FALSE;
			break;
		}
		/* The kernel signals a change of cgroup.events with POLLPRI. */
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		poll(&pfd, 1, (int)MIN(left, 100));
	}
	if (fd >= 0)
		close(fd);
	if (quota)
		write_text(quota_file, quota, NULL);
	return ok;
}

gboolean zion_cgroups_freeze(const char *container, GError **error)
{
	return set_frozen(container, TRUE, error);
}

gboolean zion_cgroups_thaw(const char *container, GError **error)
{
	return set_frozen(container, FALSE, error);
}

struct cgroup_write {
	const char *controller, *file;
	char *value;
};

gboolean zion_cgroups_set_limits(const char *container, const ZionLimits *limits, GError **error)
{
	/* Lifting a limit writes the controller's "none" value; v1's memsw must stay at or above
	 * the memory limit, so memory is raised after and lowered before memsw. */
	gboolean v2 = zion_cgroups_unified();
	struct cgroup_write writes[8];
	guint n = 0;
	if (v2) {
		writes[n++] = (struct cgroup_write){
			NULL, "memory.max",
			limits->memory ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->memory)
				       : g_strdup("max")
		};
		writes[n++] =
			(struct cgroup_write){ NULL, "pids.max",
					       limits->pids ? g_strdup_printf("%u", limits->pids)
							    : g_strdup("max") };
		writes[n++] = (struct cgroup_write){
			NULL, "cpu.max",
			limits->cpus_milli ? g_strdup_printf("%u 100000", limits->cpus_milli * 100)
					   : g_strdup("max 100000")
		};
	} else {
		g_autofree char *memory_file = path("memory", container, "memory.limit_in_bytes");
		guint64 current = 0;
		read_u64(memory_file, NULL, &current, NULL);
		char *memory = limits->memory
				       ? g_strdup_printf("%" G_GUINT64_FORMAT, limits->memory)
				       : g_strdup("-1");
		guint64 wanted = limits->memory ? limits->memory : G_MAXUINT64;
		if (!has_memsw()) {
			writes[n++] =
				(struct cgroup_write){ "memory", "memory.limit_in_bytes", memory };
		} else if (wanted > current) {
			writes[n++] =
				(struct cgroup_write){ "memory", "memory.memsw.limit_in_bytes",
						       g_strdup(memory) };
			writes[n++] =
				(struct cgroup_write){ "memory", "memory.limit_in_bytes", memory };
		} else {
			writes[n++] = (struct cgroup_write){ "memory", "memory.limit_in_bytes",
							     g_strdup(memory) };
			writes[n++] =
				(struct cgroup_write){ "memory", "memory.memsw.limit_in_bytes",
						       memory };
		}
		writes[n++] =
			(struct cgroup_write){ "pids", "pids.max",
					       limits->pids ? g_strdup_printf("%u", limits->pids)
							    : g_strdup("max") };
		writes[n++] = (struct cgroup_write){
			"cpu", "cpu.cfs_quota_us",
			limits->cpus_milli ? g_strdup_printf("%u", limits->cpus_milli * 100)
					   : g_strdup("-1")
		};
	}
	gboolean ok = TRUE;
	for (guint i = 0; i < n; i++) {
		g_autofree char *file = path(writes[i].controller, container, writes[i].file);
		if (ok && !write_text(file, writes[i].value, error))
			ok = FALSE;
		g_free(writes[i].value);
	}
	return ok;
}

gboolean zion_cgroups_usage(const char *container, ZionUsage *usage, GError **error)
{
	*usage = (ZionUsage){ 0 };
	if (zion_cgroups_unified()) {
		g_autofree char *cpu = path(NULL, container, "cpu.stat");
		g_autofree char *memory = path(NULL, container, "memory.current");
		g_autofree char *peak = path(NULL, container, "memory.peak");
		guint64 usec = 0;
		if (!read_u64(cpu, "usage_usec", &usec, error) ||
		    !read_u64(memory, NULL, &usage->memory, error))
			return FALSE;
		usage->cpu_ns = usec * 1000;
		/* memory.peak is newer than some kernels. */
		if (!read_u64(peak, NULL, &usage->memory_peak, NULL))
			usage->memory_peak = usage->memory;
		return TRUE;
	}
	g_autofree char *cpu = path("cpuacct", container, "cpuacct.usage");
	g_autofree char *memory = path("memory", container, "memory.usage_in_bytes");
	g_autofree char *peak = path("memory", container, "memory.max_usage_in_bytes");
	return read_u64(cpu, NULL, &usage->cpu_ns, error) &&
	       read_u64(memory, NULL, &usage->memory, error) &&
	       read_u64(peak, NULL, &usage->memory_peak, error);
}

gboolean zion_cgroups_kill(const char *container, GError **error)
{
	g_autofree char *kill_file = path(NULL, container, "cgroup.kill");
	if (g_file_test(kill_file, G_FILE_TEST_EXISTS))
		return write_text(kill_file, "1", error);
	g_autofree char *procs = path("pids", container, "cgroup.procs");
	g_autofree char *text = NULL;
	if (!g_file_get_contents(procs, &text, NULL, error))
		return FALSE;
	g_auto(GStrv) pids = g_strsplit(text, "\n", -1);
	for (guint i = 0; pids[i]; i++) {
		if (*pids[i])
			kill((pid_t)g_ascii_strtoll(pids[i], NULL, 10), SIGKILL);
	}
	return TRUE;
}
