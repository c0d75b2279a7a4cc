/*
 * The agent benchmark (meson test --benchmark agent): what a user waits for, over D-Bus on a
 * private bus. Activate of a busybox desktop whose persona layer is cached (mount, config, start,
 * records) beside `lxc-start` of the same saved config on the same mounted root in the same run;
 * Hibernate and Resume of a desktop with a busy loop inside; the memory an idle desktop is charged.
 * It prints figures; nothing here is a timed test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "zion-test-agent.h"
#include "bench-stats.h"
#include "zion-test.h"

#define STARTS 20
#define FREEZES 100

static ZtAgent *agent;

static GVariant *no_options(void)
{
	return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

/* The time one call takes, in ms. */
static double timed(const char *method, GVariant *parameters)
{
	double t0 = bench_now_ms();
	zt_agent_do(agent, method, parameters, NULL);
	return bench_now_ms() - t0;
}

static void lxc(const char *tool, const char *name, const char *lxcpath, const char *extra)
{
	const char *argv[] = { tool, "-n", name, "-P", lxcpath, extra, NULL };
	int status;
	g_autoptr(GError) error = NULL;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			  &status, &error) ||
	    !g_spawn_check_wait_status(status, &error)) {
		g_printerr("bench-agent: %s: %s\n", tool, error->message);
		exit(1);
	}
}

static void bench_activation(void)
{
	g_autoptr(GArray) ours = g_array_new(FALSE, FALSE, sizeof(double));
	g_autoptr(GArray) plain = g_array_new(FALSE, FALSE, sizeof(double));
	/* The first activation builds the layer; the ones measured find it cached. */
	zt_agent_do(agent, "Activate", g_variant_new("(s@a{sv})", "bench", no_options()), NULL);
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "bench", FALSE), NULL);
	for (int i = 0; i < STARTS; i++) {
		double took = timed("Activate", g_variant_new("(s@a{sv})", "bench", no_options()));
		g_array_append_val(ours, took);
		zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "bench", FALSE), NULL);
	}

	/* LXC's own tool on the same root and config: the agent's container is stopped behind
	 * its back, its root left mounted, and started again by lxc-start. */
	const char *state = zt_agent_state_dir(agent);
	g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, state, -1);
	g_autofree char *name = g_strdup_printf("z%.8s-bench", hash);
	g_autofree char *lxcpath = g_build_filename(state, "lxc", NULL);
	zt_agent_do(agent, "Activate", g_variant_new("(s@a{sv})", "bench", no_options()), NULL);
	for (int i = 0; i < STARTS; i++) {
		lxc("lxc-stop", name, lxcpath, "-k");
		double t0 = bench_now_ms();
		lxc("lxc-start", name, lxcpath, NULL);
		double took = bench_now_ms() - t0;
		g_array_append_val(plain, took);
	}
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "bench", FALSE), NULL);

	double ours_p50 = bench_percentile(ours, 0.5), plain_p50 = bench_percentile(plain, 0.5);
	printf("Activate over D-Bus, cached layer, p50 of %d: %.2f ms (p90 %.2f)\n", STARTS,
	       ours_p50, bench_percentile(ours, 0.9));
	printf("lxc-start of the same config and root, p50 of %d: %.2f ms (p90 %.2f)\n", STARTS,
	       plain_p50, bench_percentile(plain, 0.9));
	printf("ratio: %.2f (target <= 1.5)\n", ours_p50 / plain_p50);
}

static void bench_hibernation_and_idle(void)
{
	zt_agent_do(agent, "Activate", g_variant_new("(s@a{sv})", "bench", no_options()), NULL);
	g_usleep(G_USEC_PER_SEC);
	g_autoptr(GVariant) reply =
		zt_agent_call(agent, "Usage", g_variant_new("(s)", "bench"), NULL);
	g_autoptr(GVariant) usage = g_variant_get_child_value(reply, 0);
	guint64 memory = 0;
	g_variant_lookup(usage, "memory", "t", &memory);
	printf("idle desktop (busybox init): %.0f KiB charged (target <= 2048 KiB)\n",
	       memory / 1024.0);

	const char *spin[] = { "/bin/sh", "-c",
			       "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 600 & done;"
			       " while :; do :; done",
			       NULL };
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	zt_agent_do(agent, "RunIn", g_variant_new("(s^as@a{ss})", "bench", spin, env), NULL);
	g_usleep(200 * 1000);
	g_autoptr(GArray) hibernate = g_array_new(FALSE, FALSE, sizeof(double));
	g_autoptr(GArray) resume = g_array_new(FALSE, FALSE, sizeof(double));
	for (int i = 0; i < FREEZES; i++) {
		double h = timed("Hibernate", g_variant_new("(s)", "bench"));
		g_usleep(5000);
		double r = timed("Resume", g_variant_new("(s)", "bench"));
		g_array_append_val(hibernate, h);
		g_array_append_val(resume, r);
		g_usleep(5000);
	}
	printf("Hibernate over D-Bus (busy loop and 10 sleepers), %d runs: p50 %.2f ms, "
	       "p99 %.2f ms\n",
	       FREEZES, bench_percentile(hibernate, 0.5), bench_percentile(hibernate, 0.99));
	printf("Resume over D-Bus: p50 %.2f ms, p99 %.2f ms (target p99 <= 20 ms)\n",
	       bench_percentile(resume, 0.5), bench_percentile(resume, 0.99));
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "bench", FALSE), NULL);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("bench-agent: the agent runs as root; skipped\n");
		return 77;
	}
	g_autofree char *helper = g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent",
						   "zion-lxc-start", NULL);
	g_setenv("ZION_LXC_START_HELPER", helper, TRUE);
	agent = zt_agent_start();
	zt_agent_do(agent, "BuildImage",
		    g_variant_new("(ss@a{sv})", "bench", "busybox", no_options()), NULL);
	zt_agent_do(agent, "SavePersona",
		    g_variant_new("(ss)", "bench.yaml",
				  "schema: zion/v1\nname: bench\nbase: bench\n"
				  "env:\n  GREETING: hello\n"),
		    NULL);
	zt_agent_do(agent, "CreateDesktop",
		    g_variant_new("(ss@a{sv})", "bench", "bench", no_options()), NULL);
	bench_activation();
	bench_hibernation_and_idle();
	zt_agent_do(agent, "Destroy", g_variant_new("(s)", "bench"), NULL);
	zt_agent_stop(agent);
	return 0;
}
