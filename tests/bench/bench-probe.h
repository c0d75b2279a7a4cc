/*
 * The benchmark's privileged client, the same for every compositor: it types Super+digit with
 * zwp_virtual_keyboard_v1 (a keymap uploaded as wtype does) and reads pixels back with
 * zwlr_screencopy_manager_v1, so switch latency is measured from outside, from the key sent to the
 * screencopy frame that shows the other desktop.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct bench_probe BenchProbe;

/* Connects to socket (a path) and waits up to timeout_ms for an output with a mode. */
BenchProbe *bench_probe_connect(const char *socket, int timeout_ms, GError **error);
void bench_probe_free(BenchProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(BenchProbe, bench_probe_free)

/* The first output's current mode. */
void bench_probe_output_size(BenchProbe *probe, int *width, int *height);

/* Queues Super+digit (press and release), sent with the next bench_probe_pixel. */
void bench_probe_queue_super_digit(BenchProbe *probe, int digit);

/* Sends what is queued and a screencopy request for the output's pixel at x, y, and waits for the
 * frame: *rgb is the pixel as 0xRRGGBB, *sent the monotonic time the requests went out and *ready
 * the time the frame's ready event arrived. Fails after timeout_ms or if the compositor refuses. */
gboolean bench_probe_pixel(BenchProbe *probe, int x, int y, int timeout_ms, uint32_t *rgb,
			   gint64 *sent, gint64 *ready, GError **error);
