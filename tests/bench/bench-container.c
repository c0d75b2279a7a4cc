/*
 * The container runtime benchmark (meson test --benchmark): activation of a busybox desktop (the
 * idmapped overlay mounted, the config written, zion-lxc-start until init runs) beside lxc-start
 * of the same saved config in the same run; freeze and thaw latency of a desktop with a busy loop
 * and sleepers inside; the idle memory a running desktop costs. It prints figures; nothing here
 * is a timed test.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "container.h"
#include "desktop-mount.h"
#include "remove-tree.h"
#include "zion-test-rootfs.h"
#include "bench-stats.h"
#include "zion-test.h"

#define STARTS 20
#define FREEZES 100

static const char *base, *lxcpath, *work;

static void check(gboolean ok, GError *error)
{
	if (!ok) {
		g_printerr("bench-container: %s\n", error ? error->message : "failed");
		exit(1);
	}
}

typedef struct {
	char *name, *dir, *merged, *rw;
	ZionIdMap map;
} Desktop;

static void desktop_mount(Desktop *d, const char *name)
{
	d->name = g_strdup(name);
	d->dir = g_build_filename(work, name, NULL);
	d->merged = g_build_filename(d->dir, "merged", NULL);
	d->rw = g_build_filename(d->dir, "rw", NULL);
	g_mkdir_with_parents(d->dir, 0711);
	zion_id_map_for_desktop(&d->map, 0, 1000);
	const char *lowers[] = { base, NULL };
	GError *error = NULL;
	check(zion_desktop_mount(d->merged, lowers, d->rw, &d->map, &error), error);
	ZionContainerSpec spec = {
		.name = name, .lxcpath = lxcpath, .rootfs = d->merged, .map = &d->map
	};
	check(zion_container_write_config(&spec, &error), error);
}

static void desktop_down(Desktop *d)
{
	GError *error = NULL;
	check(zion_container_stop(lxcpath, d->name, 1000, &error), error);
	for (int i = 0; i < 1000 && zion_cgroup_exists(d->name); i++)
		g_usleep(1000);
	check(zion_desktop_umount(d->merged, &error), error);
	check(zion_cgroup_prune(d->name, &error), error);
	check(zion_remove_tree(d->dir, &error), error);
	g_free(d->name);
	g_free(d->dir);
	g_free(d->merged);
	g_free(d->rw);
}

static void bench_activation(void)
{
	g_autoptr(GArray) ours = g_array_new(FALSE, FALSE, sizeof(double));
	g_autoptr(GArray) plain = g_array_new(FALSE, FALSE, sizeof(double));
	g_autofree char *name = g_strdup_printf("zb%d-start", (int)getpid());
	for (int i = 0; i < STARTS; i++) {
		Desktop d;
		GError *error = NULL;
		double t0 = bench_now_ms();
		desktop_mount(&d, name);
		check(zion_container_start(lxcpath, name, &error), error);
		double took = bench_now_ms() - t0;
		g_array_append_val(ours, took);
		desktop_down(&d);

		/* The same tree and saved config, started by LXC's own tool. */
		desktop_mount(&d, name);
		const char *argv[] = { "lxc-start", "-n", name, "-P", lxcpath, NULL };
		int status;
		t0 = bench_now_ms();
		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			     &status, &error);
		took = bench_now_ms() - t0;
		check(error == NULL && g_spawn_check_wait_status(status, NULL), error);
		g_array_append_val(plain, took);
		desktop_down(&d);
	}
	double ours_p50 = bench_percentile(ours, 0.5), plain_p50 = bench_percentile(plain, 0.5);
	printf("activation (mount + config + zion-lxc-start), p50 of %d: %.2f ms (p90 %.2f)\n",
	       STARTS, ours_p50, bench_percentile(ours, 0.9));
	printf("lxc-start of the same config (mount not counted), p50: %.2f ms (p90 %.2f)\n",
	       plain_p50, bench_percentile(plain, 0.9));
	printf("ratio: %.2f (target <= 1.5)\n", ours_p50 / plain_p50);
}

static void bench_freeze_and_idle(void)
{
	g_autofree char *name = g_strdup_printf("zb%d-freeze", (int)getpid());
	Desktop d;
	GError *error = NULL;
	desktop_mount(&d, name);
	check(zion_container_start(lxcpath, name, &error), error);

	/* Idle: what the payload cgroup is charged once init sleeps. */
	g_usleep(G_USEC_PER_SEC);
	ZionUsage usage;
	check(zion_cgroup_usage(name, &usage, &error), error);
	g_autofree char *monitor_file =
		g_strdup_printf("/sys/fs/cgroup/memory/lxc.monitor.%s/memory.usage_in_bytes", name);
	g_autofree char *monitor = NULL;
	g_file_get_contents(monitor_file, &monitor, NULL, NULL);
	printf("idle desktop: payload memory %.0f KiB, monitor memory %.0f KiB (v1 only)\n",
	       usage.memory / 1024.0, monitor ? g_ascii_strtod(monitor, NULL) / 1024.0 : 0.0);

	const char *argv[] = { "/bin/sh", "-c",
			       "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 600 & done;"
			       " while :; do :; done",
			       NULL };
	pid_t pid;
	check(zion_container_run(lxcpath, name, 0, 0, NULL, 0, argv, NULL, NULL, -1, -1, -1, &pid,
				 &error),
	      error);
	g_usleep(200 * 1000);
	g_autoptr(GArray) freeze = g_array_new(FALSE, FALSE, sizeof(double));
	g_autoptr(GArray) thaw = g_array_new(FALSE, FALSE, sizeof(double));
	for (int i = 0; i < FREEZES; i++) {
		double t0 = bench_now_ms();
		check(zion_cgroup_freeze(name, &error), error);
		double t1 = bench_now_ms();
		g_usleep(5000);
		double t2 = bench_now_ms();
		check(zion_cgroup_thaw(name, &error), error);
		double t3 = bench_now_ms();
		double f = t1 - t0, t = t3 - t2;
		g_array_append_val(freeze, f);
		g_array_append_val(thaw, t);
		g_usleep(5000);
	}
	printf("freeze (busy loop and 10 sleepers), %d runs: p50 %.3f ms, p99 %.3f ms\n", FREEZES,
	       bench_percentile(freeze, 0.5), bench_percentile(freeze, 0.99));
	printf("thaw: p50 %.3f ms, p99 %.3f ms (target p99 <= 20 ms)\n",
	       bench_percentile(thaw, 0.5), bench_percentile(thaw, 0.99));
	desktop_down(&d);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("bench-container: containers need root; skipped\n");
		return 77;
	}
	g_autofree char *helper = g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent",
						   "zion-lxc-start", NULL);
	g_setenv("ZION_LXC_START_HELPER", helper, TRUE);
	const char *top = zt_temp_dir();
	g_autofree char *base_dir = g_build_filename(top, "base", NULL);
	g_autofree char *lxc_dir = g_build_filename(top, "lxc", NULL);
	g_autofree char *work_dir = g_build_filename(top, "desktops", NULL);
	mkdir(base_dir, 0755);
	mkdir(work_dir, 0711);
	zt_busybox_rootfs(base_dir);
	base = base_dir;
	lxcpath = lxc_dir;
	work = work_dir;
	bench_activation();
	bench_freeze_and_idle();
	g_autofree char *locks = g_build_filename("/run/lxc/lock", top, NULL);
	zion_remove_tree(locks, NULL);
	return 0;
}
