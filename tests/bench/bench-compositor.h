/*
 * A compositor under benchmark: zion-compositor or sway 1.7, headless with pixman, in a fresh
 * runtime directory, its committed frames counted by the frame-counter preload library and its
 * CPU time read from the kernel. sway refuses to run as root, so as root it runs as the system
 * user zbench (created when missing).
 */
#pragma once

#include <glib.h>

typedef struct bench_compositor BenchCompositor;

/* Starts zion-compositor with config (compositor.conf text); returns once its sockets listen. */
BenchCompositor *bench_compositor_start_zion(const char *config, GError **error);
/* Starts sway with config (sway config text); returns once its Wayland and IPC sockets exist. */
BenchCompositor *bench_compositor_start_sway(const char *config, GError **error);

/* Stops it with SIGTERM. For zion, returns the --stats-file it wrote at exit; for sway an empty
 * key file. NULL with error set if it did not exit cleanly. *frames: all it committed. */
GKeyFile *bench_compositor_stop(BenchCompositor *compositor, guint64 *frames, GError **error);

/* Whether it still runs; if not, error says so with the end of its log. */
gboolean bench_compositor_check_running(BenchCompositor *compositor, GError **error);

/* The privileged Wayland socket (sway's only one), as a path. */
const char *bench_compositor_socket(BenchCompositor *compositor);
/* Where a client of desktop (zion: its name) connects; for sway, the one socket. */
char *bench_compositor_client_socket(BenchCompositor *compositor, const char *desktop);

/* Runs swaymsg with args against the compositor's IPC socket (sway only). */
gboolean bench_compositor_swaymsg(BenchCompositor *compositor, const char *args, GError **error);

/* Frames committed so far (buffers committed to an output). */
guint64 bench_compositor_frames(BenchCompositor *compositor);

/* CPU time used so far, in µs: exact (the kernel's runtime sum, through clock_getcpuclockid) and
 * as /proc/PID/stat's utime+stime (clock ticks). */
gint64 bench_compositor_cpu_us(BenchCompositor *compositor);
gint64 bench_compositor_cpu_ticks_us(BenchCompositor *compositor);
/* The exact CPU time of any process, in µs; -1 if it cannot be read. */
gint64 bench_process_cpu_us(GPid pid);
