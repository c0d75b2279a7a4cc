/* A GSource that drives the Wayland event loop from GLib's main loop, so GDBus and timers share it.
 */
#pragma once

#include <glib.h>
#include <wayland-server-core.h>

GSource *zc_wayland_source_new(struct wl_display *display);
