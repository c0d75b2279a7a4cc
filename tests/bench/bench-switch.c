/*
 * The compositor benchmark (meson test --benchmark): desktop switch latency and idle cost of
 * zion-compositor, with sway 1.7's workspace switch measured in the same run, the same way.
 *
 * Each compositor runs headless with pixman and gets the same clients: two solid-colour windows on
 * each of two desktops (sway: workspaces 1 and 2, floating, no borders). A privileged client types
 * Super+1 and Super+2 with the virtual keyboard, a one-pixel screencopy request in the same flush,
 * and reads that pixel until it shows the other desktop's window: key sent to that frame's ready
 * event is the external latency.
 * zion-compositor also measures key to committed frame itself (--stats-file). Idle: frames
 * committed and CPU time over 10 s with nothing changing.
 */
#include <gio/gio.h>
#include <locale.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-compositor.h"
#include "bench-probe.h"
#include "zion-error.h"
#include "zion-test-client.h"

#define SWITCHES 200
#define IDLE_SECONDS 10
/* wlroots 0.15's headless output sends a frame event every 1000000 / 60000 mHz = 16 ms. */
#define HEADLESS_FRAME_MS 16
/* Let opening windows and the first frames pass before idling. */
#define SETTLE_MS 1500
/* Between switches: a random pause, the same sequence for both compositors, long enough that the
 * compositor is idle again when the key comes, as it is when a person switches. */
#define GAP_MIN_US 50000
#define GAP_MAX_US 100000
#define GAP_SEED 20240601
/* How long a switch may take before the benchmark calls it broken. */
#define SWITCH_TIMEOUT_MS 2000
#define TARGET_P99_US 16700

#define ZION_CONFIG "[desktop work]\ncolor=#3584e4\n[desktop play]\ncolor=#e01b24\n"
static const char *const zion_desktops[] = { "work", "play" };

/* The same floating windows as zion's, no borders and no bar, and Super+N as in zion. */
#define SWAY_CONFIG                                                                                \
	"default_border none\n"                                                                    \
	"default_floating_border none\n"                                                           \
	"focus_follows_mouse no\n"                                                                 \
	"for_window [title=\"zion test window\"] floating enable\n"                                \
	"bindsym Mod4+1 workspace number 1\n"                                                      \
	"bindsym Mod4+2 workspace number 2\n"

/* Per desktop, the window at the back (large) and the one in front (small, opened second). Both
 * compositors centre the first; zion cascades the second 32 px down and right, sway centres it. */
static const struct {
	int width, height;
	uint32_t argb[2];
} windows[2] = {
	{ 600, 400, { 0xffc01c28, 0xff1a5fb4 } },
	{ 300, 200, { 0xfff66151, 0xff99c1f1 } },
};
#define BACK 0
#define FRONT 1
/* Sample points on a 1280×720 output: inside the front window in both layouts, and inside the back
 * window only. */
static const int sample[2][2] = { { 400, 200 }, { 760, 440 } };
/* Outside every window when they float (tiled, sway would cover it). */
#define OUTSIDE_X 100
#define OUTSIDE_Y 100

struct results {
	const char *name;
	char *failure; /* why it was not measured, or NULL */
	int width, height;
	GArray *latencies; /* external, µs */
	guint64 idle_frames;
	guint64 switch_frames; /* committed during the switches */
	gint64 idle_cpu_us, idle_cpu_ticks_us;
	/* zion-compositor only: the idle reference and what it says itself */
	gint64 ticker_cpu_us;
	GKeyFile *stats;
	guint64 frames_counted; /* by the frame counter, in the whole run */
};

static uint32_t rgb(int window, int desktop)
{
	return windows[window].argb[desktop] & 0xffffff;
}

/* Reads the pixel (sending what the probe has queued first) until it is the expected one or
 * timeout_ms passes; *latency: from the first request to the matching frame's ready event. */
static gboolean wait_pixel(BenchProbe *probe, int window, int desktop, int timeout_ms,
			   gint64 *latency, GError **error)
{
	int x = sample[window][0], y = sample[window][1];
	uint32_t pixel = 0;
	gint64 first = 0, sent = 0, ready = 0;
	do {
		if (!bench_probe_pixel(probe, x, y, timeout_ms, &pixel, &sent, &ready, error))
			return FALSE;
		if (!first)
			first = sent;
		if (pixel == rgb(window, desktop)) {
			if (latency)
				*latency = ready - first;
			return TRUE;
		}
	} while (ready - first < timeout_ms * G_TIME_SPAN_MILLISECOND);
	g_set_error(
		error, ZION_ERROR, ZION_ERROR_FAILED,
		"desktop %d: the pixel at %d,%d is #%06x after %d ms, not the %s window's #%06x",
		desktop + 1, x, y, pixel, timeout_ms, window == FRONT ? "front" : "back",
		rgb(window, desktop));
	return FALSE;
}

/* With ZION_SCREENSHOT_DIR set, keeps a grim screenshot there, to look at what was measured. */
static void keep_screenshot(BenchCompositor *compositor, const char *name, int desktop)
{
	const char *dir = g_getenv("ZION_SCREENSHOT_DIR");
	if (!dir)
		return;
	g_autofree char *file = g_strdup_printf("bench-%s-desktop-%d.png", name, desktop + 1);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	const char *const argv[] = { "grim", path, NULL };
	g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "WAYLAND_DISPLAY",
					     bench_compositor_socket(compositor), TRUE);
	g_autoptr(GError) error = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			  &status, &error) ||
	    !g_spawn_check_wait_status(status, &error))
		g_printerr("grim %s: %s\n", path, error->message);
}

/* The windows float: the background shows outside them. */
static gboolean check_outside(BenchProbe *probe, GError **error)
{
	uint32_t pixel = 0;
	gint64 sent = 0, ready = 0;
	if (!bench_probe_pixel(probe, OUTSIDE_X, OUTSIDE_Y, SWITCH_TIMEOUT_MS, &pixel, &sent,
			       &ready, error))
		return FALSE;
	for (int desktop = 0; desktop < 2; desktop++) {
		for (int window = 0; window < 2; window++) {
			if (pixel == rgb(window, desktop)) {
				g_set_error(
					error, ZION_ERROR, ZION_ERROR_FAILED,
					"the pixel at %d,%d, outside the windows, is a window's "
					"#%06x: they do not float",
					OUTSIDE_X, OUTSIDE_Y, pixel);
				return FALSE;
			}
		}
	}
	return TRUE;
}

/* A child process that only wakes up as often as the headless backend sends frame events: what
 * the wakeups alone cost, for comparison with the compositors' idle CPU time. */
static GPid start_ticker(void)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	const struct itimerspec period = {
		.it_interval = { .tv_nsec = HEADLESS_FRAME_MS * 1000000L },
		.it_value = { .tv_nsec = HEADLESS_FRAME_MS * 1000000L },
	};
	uint64_t expirations;
	if (timer < 0 || timerfd_settime(timer, 0, &period, NULL) < 0)
		_exit(1);
	while (read(timer, &expirations, sizeof(expirations)) > 0)
		;
	_exit(1);
}

static void stop_ticker(GPid pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void roundtrip_all(ZtClient *clients[2])
{
	for (int d = 0; d < 2; d++)
		zt_client_roundtrip(clients[d]);
}

/* Opens the windows, checks them on screen, idles, then switches; fills results. */
static gboolean measure(BenchCompositor *compositor, gboolean sway, struct results *results,
			GError **error)
{
	g_autoptr(BenchProbe) probe =
		bench_probe_connect(bench_compositor_socket(compositor), 5000, error);
	if (!probe)
		return FALSE;
	bench_probe_output_size(probe, &results->width, &results->height);
	if (results->width != 1280 || results->height != 720) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "the output is %dx%d, not the headless default 1280x720",
			    results->width, results->height);
		return FALSE;
	}

	/* Desktop by desktop: zion's clients connect to the desktop's socket, sway's open theirs on
	 * the workspace shown. */
	ZtClient *clients[2] = { NULL, NULL };
	ZtWindow *opened[2][2] = { { NULL } };
	gboolean ok = TRUE;
	for (int d = 0; ok && d < 2; d++) {
		g_autofree char *command = g_strdup_printf("workspace number %d", d + 1);
		if (sway && !bench_compositor_swaymsg(compositor, command, error)) {
			ok = FALSE;
			break;
		}
		g_autofree char *socket =
			bench_compositor_client_socket(compositor, zion_desktops[d]);
		clients[d] = zt_client_connect(socket);
		for (int w = 0; w < 2; w++)
			opened[d][w] = zt_window_open(clients[d], windows[w].width,
						      windows[w].height, windows[w].argb[d]);
	}
	if (ok && sway)
		ok = bench_compositor_swaymsg(compositor, "workspace number 1", error);
	/* Desktop 1 shows its two windows and nothing of desktop 2; desktop 2's are checked on the
	 * first switch to it. */
	ok = ok && wait_pixel(probe, FRONT, 0, SWITCH_TIMEOUT_MS, NULL, error) &&
	     wait_pixel(probe, BACK, 0, SWITCH_TIMEOUT_MS, NULL, error) &&
	     check_outside(probe, error);
	if (ok)
		keep_screenshot(compositor, results->name, 0);
	if (ok && bench_compositor_frames(compositor) == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "the frame counter saw no frame although windows are shown: is it "
			    "preloaded?");
		ok = FALSE;
	}

	if (ok) {
		g_usleep(SETTLE_MS * 1000);
		ok = bench_compositor_check_running(compositor, error);
	}
	if (ok) {
		roundtrip_all(clients);
		GPid ticker = sway ? 0 : start_ticker();
		guint64 frames = bench_compositor_frames(compositor);
		gint64 cpu = bench_compositor_cpu_us(compositor);
		gint64 ticks = bench_compositor_cpu_ticks_us(compositor);
		gint64 ticker_cpu = ticker > 0 ? bench_process_cpu_us(ticker) : 0;
		g_usleep(IDLE_SECONDS * G_USEC_PER_SEC);
		results->idle_frames = bench_compositor_frames(compositor) - frames;
		results->idle_cpu_us = bench_compositor_cpu_us(compositor) - cpu;
		results->idle_cpu_ticks_us = bench_compositor_cpu_ticks_us(compositor) - ticks;
		if (ticker > 0) {
			results->ticker_cpu_us = bench_process_cpu_us(ticker) - ticker_cpu;
			stop_ticker(ticker);
		}
	}

	g_autoptr(GRand) gaps = g_rand_new_with_seed(GAP_SEED);
	guint64 before_switches = bench_compositor_frames(compositor);
	for (int i = 0; ok && i < SWITCHES; i++) {
		int desktop = i % 2 == 0 ? 1 : 0;
		ok = bench_compositor_check_running(compositor, error);
		if (!ok)
			break;
		roundtrip_all(clients);
		g_usleep(g_rand_int_range(gaps, GAP_MIN_US, GAP_MAX_US + 1));
		bench_probe_queue_super_digit(probe, desktop + 1);
		gint64 latency = 0;
		ok = wait_pixel(probe, FRONT, desktop, SWITCH_TIMEOUT_MS, &latency, error);
		if (ok)
			g_array_append_val(results->latencies, latency);
		if (ok && i == 0)
			keep_screenshot(compositor, results->name, desktop);
		if (ok && i < 2)
			ok = wait_pixel(probe, BACK, desktop, SWITCH_TIMEOUT_MS, NULL, error);
		if (!ok)
			g_prefix_error(error, "switch %d: ", i + 1);
	}
	results->switch_frames = bench_compositor_frames(compositor) - before_switches;

	for (int d = 0; d < 2; d++) {
		for (int w = 0; w < 2; w++) {
			if (opened[d][w])
				zt_window_destroy(opened[d][w]);
		}
		zt_client_free(clients[d]);
	}
	return ok;
}

static gboolean run(gboolean sway, struct results *results)
{
	g_autoptr(GError) error = NULL;
	g_printerr("measuring %s...\n", results->name);
	BenchCompositor *compositor = sway ? bench_compositor_start_sway(SWAY_CONFIG, &error)
					   : bench_compositor_start_zion(ZION_CONFIG, &error);
	if (compositor) {
		gboolean measured = measure(compositor, sway, results, &error);
		g_autoptr(GError) stop_error = NULL;
		results->stats =
			bench_compositor_stop(compositor, &results->frames_counted, &stop_error);
		if (measured && !results->stats)
			g_propagate_error(&error, g_steal_pointer(&stop_error));
	}
	if (error)
		results->failure = g_strdup(error->message);
	return error == NULL;
}

static int compare_latencies(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	return (x > y) - (x < y);
}

/* Nearest rank, as zion-compositor computes its own. */
static gint64 percentile(GArray *sorted, guint p)
{
	if (sorted->len == 0)
		return 0;
	guint rank = (sorted->len * p + 99) / 100;
	return g_array_index(sorted, gint64, MAX(rank, 1) - 1);
}

static gint64 stat_value(struct results *results, const char *key)
{
	return g_key_file_get_int64(results->stats, "switch", key, NULL);
}

static const char *verdict(gint64 p99)
{
	return p99 <= TARGET_P99_US ? "met" : "MISSED";
}

static void print_results(struct results *zion, struct results *sway)
{
	g_array_sort(zion->latencies, compare_latencies);
	g_array_sort(sway->latencies, compare_latencies);
	gint64 zion_p50 = percentile(zion->latencies, 50),
	       zion_p99 = percentile(zion->latencies, 99);
	gint64 sway_p50 = percentile(sway->latencies, 50),
	       sway_p99 = percentile(sway->latencies, 99);

	printf("\nzion-compositor and sway 1.7: wlroots 0.15 headless backend, pixman renderer, "
	       "output "
	       "%dx%d on both;\ntwo floating windows on each of two desktops (sway: workspaces 1 "
	       "and "
	       "2); Super+1/Super+2 typed with\nzwp_virtual_keyboard_v1, the screen read with "
	       "zwlr_screencopy_manager_v1; %d switches, %d-%d ms apart.\n\n",
	       zion->width, zion->height, SWITCHES, GAP_MIN_US / 1000, GAP_MAX_US / 1000);
	printf("switch latency (µs)                          p50      p99      max\n");
	printf("zion internal (key to committed frame)    %6" G_GINT64_FORMAT
	       "   %6" G_GINT64_FORMAT "   %6" G_GINT64_FORMAT "   (%" G_GINT64_FORMAT
	       " switches counted)\n",
	       stat_value(zion, "p50_us"), stat_value(zion, "p99_us"), stat_value(zion, "max_us"),
	       stat_value(zion, "count"));
	printf("zion external (key to screencopy ready)   %6" G_GINT64_FORMAT
	       "   %6" G_GINT64_FORMAT "   %6" G_GINT64_FORMAT "\n",
	       zion_p50, zion_p99, percentile(zion->latencies, 100));
	if (sway->failure) {
		printf("sway external (key to screencopy ready)   not measured: %s\n",
		       sway->failure);
	} else {
		printf("sway external (key to screencopy ready)   %6" G_GINT64_FORMAT
		       "   %6" G_GINT64_FORMAT "   %6" G_GINT64_FORMAT "\n",
		       sway_p50, sway_p99, percentile(sway->latencies, 100));
		printf("ratio zion/sway (external)                %6.2f   %6.2f\n",
		       (double)zion_p50 / (double)MAX(sway_p50, 1),
		       (double)zion_p99 / (double)MAX(sway_p99, 1));
	}
	printf("target p99 <= %d µs (one 60 Hz frame): zion internal %s, external %s\n",
	       TARGET_P99_US, verdict(stat_value(zion, "p99_us")), verdict(zion_p99));
	printf("frames committed during the switches: zion %" G_GUINT64_FORMAT,
	       zion->switch_frames);
	if (!sway->failure)
		printf(", sway %" G_GUINT64_FORMAT, sway->switch_frames);

	printf("\n\nidle %d s, static windows   frames   cpu ms   cpu ms as utime+stime (%ld Hz "
	       "ticks)\n",
	       IDLE_SECONDS, sysconf(_SC_CLK_TCK));
	struct results *all[] = { zion, sway };
	for (int i = 0; i < 2; i++) {
		if (!all[i]->failure)
			printf("%-27s %6" G_GUINT64_FORMAT "   %6.1f   %6.1f\n", all[i]->name,
			       all[i]->idle_frames, all[i]->idle_cpu_us / 1000.0,
			       all[i]->idle_cpu_ticks_us / 1000.0);
	}
	printf("(for comparison, a process doing nothing but wake up every %d ms, as the headless\n"
	       "backend's frame timer does, took %.1f ms of CPU over the same %d s as zion's)\n",
	       HEADLESS_FRAME_MS, zion->ticker_cpu_us / 1000.0, IDLE_SECONDS);

	guint64 own = g_key_file_get_uint64(zion->stats, "frames", "committed", NULL);
	printf("\nframes in zion-compositor's whole run: %" G_GUINT64_FORMAT
	       " by its own count (--stats-file), %" G_GUINT64_FORMAT " by the frame counter%s\n",
	       own, zion->frames_counted, own == zion->frames_counted ? "" : " (they DIFFER)");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	struct results zion = { .name = "zion-compositor" }, sway = { .name = "sway" };
	zion.latencies = g_array_new(FALSE, FALSE, sizeof(gint64));
	sway.latencies = g_array_new(FALSE, FALSE, sizeof(gint64));
	if (!run(FALSE, &zion)) {
		g_printerr("zion-compositor: %s\n", zion.failure);
		return 1;
	}
	if (!run(TRUE, &sway))
		g_printerr("sway: %s\n", sway.failure);
	print_results(&zion, &sway);
	g_array_unref(zion.latencies);
	g_array_unref(sway.latencies);
	g_clear_pointer(&zion.stats, g_key_file_unref);
	g_clear_pointer(&sway.stats, g_key_file_unref);
	g_free(zion.failure);
	g_free(sway.failure);
	return 0;
}
