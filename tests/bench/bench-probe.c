/* The benchmark's privileged client: virtual keyboard in, screencopy out. */
#include "bench-probe.h"

#include <errno.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include "virtual-keyboard-unstable-v1-client-protocol.h"
#include "wlr-screencopy-unstable-v1-client-protocol.h"
#include "zion-error.h"

struct bench_probe {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_seat *seat;
	struct wl_shm *shm;
	struct wl_output *output;
	struct zwp_virtual_keyboard_manager_v1 *keyboard_manager;
	struct zwlr_screencopy_manager_v1 *screencopy;
	struct zwp_virtual_keyboard_v1 *keyboard;
	uint32_t logo_mask;
	int width, height; /* of the output's current mode; 0 until known */

	/* The one-pixel buffer screencopy writes into, kept while the format stays the same. */
	struct wl_buffer *buffer;
	void *pixels;
	size_t size;
	uint32_t format, stride;
};

/* One screencopy frame in flight. */
struct capture {
	BenchProbe *probe;
	uint32_t format, width, height, stride;
	uint32_t flags;
	gboolean copied, done, failed;
	gint64 ready;
};

static void handle_mode(void *data, struct wl_output *output, uint32_t flags, int32_t width,
			int32_t height, int32_t refresh)
{
	BenchProbe *probe = data;
	if (flags & WL_OUTPUT_MODE_CURRENT) {
		probe->width = width;
		probe->height = height;
	}
}

static void handle_geometry(void *data, struct wl_output *output, int32_t x, int32_t y,
			    int32_t physical_width, int32_t physical_height, int32_t subpixel,
			    const char *make, const char *model, int32_t transform)
{
}

static void handle_output_done(void *data, struct wl_output *output)
{
}

static void handle_scale(void *data, struct wl_output *output, int32_t factor)
{
}

static const struct wl_output_listener output_listener = {
	.geometry = handle_geometry,
	.mode = handle_mode,
	.done = handle_output_done,
	.scale = handle_scale,
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	BenchProbe *probe = data;
	if (strcmp(interface, wl_seat_interface.name) == 0 && !probe->seat) {
		probe->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		probe->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, wl_output_interface.name) == 0 && !probe->output) {
		probe->output = wl_registry_bind(registry, name, &wl_output_interface, 2);
		wl_output_add_listener(probe->output, &output_listener, probe);
	} else if (strcmp(interface, zwp_virtual_keyboard_manager_v1_interface.name) == 0) {
		probe->keyboard_manager = wl_registry_bind(
			registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1);
	} else if (strcmp(interface, zwlr_screencopy_manager_v1_interface.name) == 0 &&
		   version >= 3) {
		probe->screencopy =
			wl_registry_bind(registry, name, &zwlr_screencopy_manager_v1_interface, 3);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

/* Dispatches events until *flag is set or the deadline (monotonic µs) passes. */
static gboolean dispatch_until(BenchProbe *probe, const gboolean *flag, gint64 deadline)
{
	struct wl_display *display = probe->display;
	while (!*flag) {
		while (wl_display_prepare_read(display) != 0) {
			if (wl_display_dispatch_pending(display) < 0)
				return FALSE;
		}
		if (*flag) {
			wl_display_cancel_read(display);
			break;
		}
		while (wl_display_flush(display) < 0 && errno == EAGAIN)
			;
		gint64 left = deadline - g_get_monotonic_time();
		struct pollfd readable = { .fd = wl_display_get_fd(display), .events = POLLIN };
		if (left <= 0 || poll(&readable, 1, (int)((left + 999) / 1000)) <= 0) {
			wl_display_cancel_read(display);
			return FALSE;
		}
		if (wl_display_read_events(display) < 0 || wl_display_dispatch_pending(display) < 0)
			return FALSE;
	}
	return TRUE;
}

/* The default XKB keymap (rules from the environment, usually us), as wtype uploads its own. */
static gboolean upload_keymap(BenchProbe *probe, GError **error)
{
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	struct xkb_keymap *keymap =
		context ? xkb_keymap_new_from_names(context, NULL, XKB_KEYMAP_COMPILE_NO_FLAGS)
			: NULL;
	char *text = keymap ? xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1) : NULL;
	gboolean ok = FALSE;
	if (text) {
		probe->logo_mask = 1u << xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_LOGO);
		size_t size = strlen(text) + 1;
		int fd = memfd_create("bench-keymap", MFD_CLOEXEC);
		ok = fd >= 0 && write(fd, text, size) == (ssize_t)size;
		if (ok)
			zwp_virtual_keyboard_v1_keymap(probe->keyboard,
						       WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, fd, size);
		if (fd >= 0)
			close(fd);
	}
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot make or upload the default XKB keymap");
	free(text);
	if (keymap)
		xkb_keymap_unref(keymap);
	if (context)
		xkb_context_unref(context);
	return ok;
}

BenchProbe *bench_probe_connect(const char *socket, int timeout_ms, GError **error)
{
	g_autoptr(BenchProbe) probe = g_new0(BenchProbe, 1);
	probe->display = wl_display_connect(socket);
	if (!probe->display) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot connect to %s: %s",
			    socket, g_strerror(errno));
		return NULL;
	}
	probe->registry = wl_display_get_registry(probe->display);
	wl_registry_add_listener(probe->registry, &registry_listener, probe);
	if (wl_display_roundtrip(probe->display) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: the connection broke",
			    socket);
		return NULL;
	}
	if (!probe->seat || !probe->shm || !probe->keyboard_manager || !probe->screencopy) {
		g_set_error(
			error, ZION_ERROR, ZION_ERROR_FAILED,
			"%s does not offer wl_seat, wl_shm, zwp_virtual_keyboard_manager_v1 and "
			"zwlr_screencopy_manager_v1 version 3",
			socket);
		return NULL;
	}
	/* The output comes once the backend has started. */
	gint64 deadline = g_get_monotonic_time() + timeout_ms * G_TIME_SPAN_MILLISECOND;
	while (probe->width == 0 && g_get_monotonic_time() < deadline) {
		if (wl_display_roundtrip(probe->display) < 0)
			break;
		if (probe->width == 0)
			g_usleep(10000);
	}
	if (probe->width == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "%s: no output with a mode after %d ms", socket, timeout_ms);
		return NULL;
	}
	probe->keyboard = zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(
		probe->keyboard_manager, probe->seat);
	if (!upload_keymap(probe, error))
		return NULL;
	if (wl_display_roundtrip(probe->display) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s refused the virtual keyboard",
			    socket);
		return NULL;
	}
	return g_steal_pointer(&probe);
}

static void release_buffer(BenchProbe *probe)
{
	if (!probe->buffer)
		return;
	wl_buffer_destroy(probe->buffer);
	munmap(probe->pixels, probe->size);
	probe->buffer = NULL;
}

void bench_probe_free(BenchProbe *probe)
{
	if (!probe)
		return;
	if (probe->display) {
		release_buffer(probe);
		if (probe->keyboard)
			zwp_virtual_keyboard_v1_destroy(probe->keyboard);
		if (probe->screencopy)
			zwlr_screencopy_manager_v1_destroy(probe->screencopy);
		if (probe->keyboard_manager)
			zwp_virtual_keyboard_manager_v1_destroy(probe->keyboard_manager);
		if (probe->output)
			wl_output_destroy(probe->output);
		if (probe->shm)
			wl_shm_destroy(probe->shm);
		if (probe->seat)
			wl_seat_destroy(probe->seat);
		wl_registry_destroy(probe->registry);
		wl_display_disconnect(probe->display);
	}
	g_free(probe);
}

void bench_probe_output_size(BenchProbe *probe, int *width, int *height)
{
	*width = probe->width;
	*height = probe->height;
}

void bench_probe_queue_super_digit(BenchProbe *probe, int digit)
{
	g_assert(digit >= 1 && digit <= 9);
	/* Evdev codes: KEY_1 is 2, ..., KEY_9 is 10. */
	uint32_t key = KEY_1 + (uint32_t)(digit - 1);
	uint32_t time = (uint32_t)(g_get_monotonic_time() / 1000);
	/* As wtype -M logo N -m logo: the modifier as state, the digit as a key. */
	zwp_virtual_keyboard_v1_modifiers(probe->keyboard, probe->logo_mask, 0, 0, 0);
	zwp_virtual_keyboard_v1_key(probe->keyboard, time, key, WL_KEYBOARD_KEY_STATE_PRESSED);
	zwp_virtual_keyboard_v1_key(probe->keyboard, time, key, WL_KEYBOARD_KEY_STATE_RELEASED);
	zwp_virtual_keyboard_v1_modifiers(probe->keyboard, 0, 0, 0, 0);
}

/* A wl_shm buffer of the size and format screencopy asked for; reused while they stay. */
static gboolean ensure_buffer(BenchProbe *probe, struct capture *capture)
{
	if (probe->buffer && probe->format == capture->format && probe->stride == capture->stride &&
	    probe->size == (size_t)capture->stride * capture->height)
		return TRUE;
	release_buffer(probe);
	size_t size = (size_t)capture->stride * capture->height;
	int fd = memfd_create("bench-screencopy", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	void *pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (pixels == MAP_FAILED) {
		close(fd);
		return FALSE;
	}
	struct wl_shm_pool *pool = wl_shm_create_pool(probe->shm, fd, (int32_t)size);
	probe->buffer = wl_shm_pool_create_buffer(pool, 0, (int32_t)capture->width,
						  (int32_t)capture->height,
						  (int32_t)capture->stride, capture->format);
	wl_shm_pool_destroy(pool);
	close(fd);
	probe->pixels = pixels;
	probe->size = size;
	probe->format = capture->format;
	probe->stride = capture->stride;
	return TRUE;
}

static void handle_buffer(void *data, struct zwlr_screencopy_frame_v1 *frame, uint32_t format,
			  uint32_t width, uint32_t height, uint32_t stride)
{
	struct capture *capture = data;
	capture->format = format;
	capture->width = width;
	capture->height = height;
	capture->stride = stride;
}

static void handle_flags(void *data, struct zwlr_screencopy_frame_v1 *frame, uint32_t flags)
{
	struct capture *capture = data;
	capture->flags = flags;
}

static void handle_ready(void *data, struct zwlr_screencopy_frame_v1 *frame, uint32_t tv_sec_hi,
			 uint32_t tv_sec_lo, uint32_t tv_nsec)
{
	struct capture *capture = data;
	capture->ready = g_get_monotonic_time();
	capture->done = TRUE;
}

static void handle_failed(void *data, struct zwlr_screencopy_frame_v1 *frame)
{
	struct capture *capture = data;
	capture->failed = TRUE;
	capture->done = TRUE;
}

static void handle_damage(void *data, struct zwlr_screencopy_frame_v1 *frame, uint32_t x,
			  uint32_t y, uint32_t width, uint32_t height)
{
}

static void handle_linux_dmabuf(void *data, struct zwlr_screencopy_frame_v1 *frame, uint32_t format,
				uint32_t width, uint32_t height)
{
}

/* Every buffer type is announced: copy into the wl_shm one, unless that was done already. */
static void handle_buffer_done(void *data, struct zwlr_screencopy_frame_v1 *frame)
{
	struct capture *capture = data;
	if (capture->copied)
		return;
	capture->copied = TRUE;
	if (capture->width == 0 || !ensure_buffer(capture->probe, capture)) {
		capture->failed = TRUE;
		capture->done = TRUE;
		return;
	}
	zwlr_screencopy_frame_v1_copy(frame, capture->probe->buffer);
}

static const struct zwlr_screencopy_frame_v1_listener frame_listener = {
	.buffer = handle_buffer,
	.flags = handle_flags,
	.ready = handle_ready,
	.failed = handle_failed,
	.damage = handle_damage,
	.linux_dmabuf = handle_linux_dmabuf,
	.buffer_done = handle_buffer_done,
};

/* The first pixel of the buffer as 0xRRGGBB, for the wl_shm formats a wlroots renderer reads. */
static gboolean first_pixel(BenchProbe *probe, uint32_t *rgb)
{
	uint32_t value = *(const uint32_t *)probe->pixels;
	switch (probe->format) {
	case WL_SHM_FORMAT_ARGB8888:
	case WL_SHM_FORMAT_XRGB8888:
		*rgb = value & 0xffffff;
		return TRUE;
	case WL_SHM_FORMAT_ABGR8888:
	case WL_SHM_FORMAT_XBGR8888:
		*rgb = (value & 0xff) << 16 | (value & 0xff00) | (value >> 16 & 0xff);
		return TRUE;
	default:
		return FALSE;
	}
}

gboolean bench_probe_pixel(BenchProbe *probe, int x, int y, int timeout_ms, uint32_t *rgb,
			   gint64 *sent, gint64 *ready, GError **error)
{
	struct capture capture = { .probe = probe };
	struct zwlr_screencopy_frame_v1 *frame = zwlr_screencopy_manager_v1_capture_output_region(
		probe->screencopy, 0, probe->output, x, y, 1, 1);
	zwlr_screencopy_frame_v1_add_listener(frame, &frame_listener, &capture);
	/* wlroots fixes a frame's format when it is made, so a buffer that fitted the last
	 * one-pixel frame fits this one: copying at once, with the keys queued before in the same
	 * flush, has the frame that shows the switch copied, not the one after. */
	if (probe->buffer) {
		zwlr_screencopy_frame_v1_copy(frame, probe->buffer);
		capture.copied = TRUE;
	}
	*sent = g_get_monotonic_time();
	gboolean arrived =
		dispatch_until(probe, &capture.done, *sent + timeout_ms * G_TIME_SPAN_MILLISECOND);
	zwlr_screencopy_frame_v1_destroy(frame);
	if (!arrived) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "screencopy of %d,%d: no frame after %d ms", x, y, timeout_ms);
		return FALSE;
	}
	if (capture.failed) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "screencopy of %d,%d failed (%ux%u, format 0x%x)", x, y, capture.width,
			    capture.height, capture.format);
		return FALSE;
	}
	if (!first_pixel(probe, rgb)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "screencopy gave wl_shm format 0x%x, which the benchmark cannot read",
			    capture.format);
		return FALSE;
	}
	*ready = capture.ready;
	return TRUE;
}
