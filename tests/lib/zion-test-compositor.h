/*
 * A zion-compositor for a test: headless, pixman, in a fresh $XDG_RUNTIME_DIR, with the given
 * configuration. Screenshots go through grim and keys through wtype on the privileged socket, as a
 * user's tools would.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

typedef struct zt_compositor ZtCompositor;

/* Starts the compositor with config (compositor.conf text) and waits until its sockets listen. */
ZtCompositor *zt_compositor_start(const char *config);

/* Stops it with SIGTERM and asserts that it exits cleanly. */
void zt_compositor_stop(ZtCompositor *compositor);

/* The same, returning the switch statistics it wrote at exit ([switch] count, p50_us, p99_us...).
 */
GKeyFile *zt_compositor_stop_with_stats(ZtCompositor *compositor);

/* The paths of the privileged socket and of a desktop's socket. */
const char *zt_compositor_socket(ZtCompositor *compositor);
char *zt_compositor_desktop_socket(ZtCompositor *compositor, const char *desktop);

/* Whether the compositor process is still alive. */
gboolean zt_compositor_alive(ZtCompositor *compositor);

/* Starts a program with WAYLAND_DISPLAY=socket in the compositor's environment. */
GSubprocess *zt_compositor_spawn(ZtCompositor *compositor, const char *socket,
				 const char *const *argv);

/* Runs a program with WAYLAND_DISPLAY=socket and waits for it; returns its exit status. */
int zt_compositor_run(ZtCompositor *compositor, const char *socket, const char *const *argv);

/* The same, returning what it wrote to its standard output; its exit status goes to status. */
char *zt_compositor_run_output(ZtCompositor *compositor, const char *socket,
			       const char *const *argv, int *status);

/* Types keys with wtype, e.g. { "-M", "logo", "2", "-m", "logo", NULL } for Super+2. */
void zt_compositor_type(ZtCompositor *compositor, const char *const *wtype_args);

/* Takes a screenshot and returns the colour (0xRRGGBB) at x, y; the PNG is kept as name.png in
 * the test's output directory when ZION_SCREENSHOT_DIR is set. */
uint32_t zt_compositor_pixel(ZtCompositor *compositor, int x, int y, const char *name);

/* Takes a screenshot and counts the pixels of colour rgb in the width×height box at x, y. */
int zt_compositor_count_pixels(ZtCompositor *compositor, int x, int y, int width, int height,
			       uint32_t rgb, const char *name);

/* Takes screenshots until the pixel at x, y is rgb or a few seconds have passed; returns the last.
 */
uint32_t zt_compositor_wait_pixel(ZtCompositor *compositor, int x, int y, uint32_t rgb,
				  const char *name);
