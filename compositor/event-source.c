/* The Wayland event loop as a GSource: poll its fd, dispatch without blocking, flush before
 * sleeping. */
#include "event-source.h"

struct wayland_source {
	GSource source;
	struct wl_display *display;
	struct wl_event_loop *loop;
};

static gboolean wayland_source_prepare(GSource *base, gint *timeout)
{
	struct wayland_source *source = (struct wayland_source *)base;
	/* Idle callbacks (wlroots sends configure events from them) queued by GLib callbacks do not
	 * make the event loop's fd readable: run them here, then flush before the main loop sleeps.
	 */
	wl_event_loop_dispatch_idle(source->loop);
	wl_display_flush_clients(source->display);
	*timeout = -1;
	return FALSE;
}

static gboolean wayland_source_dispatch(GSource *base, GSourceFunc callback, gpointer data)
{
	struct wayland_source *source = (struct wayland_source *)base;
	wl_event_loop_dispatch(source->loop, 0);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs wayland_source_funcs = {
	.prepare = wayland_source_prepare,
	.dispatch = wayland_source_dispatch,
};

GSource *zc_wayland_source_new(struct wl_display *display)
{
	GSource *base = g_source_new(&wayland_source_funcs, sizeof(struct wayland_source));
	struct wayland_source *source = (struct wayland_source *)base;
	source->display = display;
	source->loop = wl_display_get_event_loop(display);
	g_source_add_unix_fd(base, wl_event_loop_get_fd(source->loop), G_IO_IN | G_IO_ERR);
	g_source_set_name(base, "wayland");
	return base;
}
