/*
 * zion-compositor's Xwayland, headless, on a private bus: a desktop with xwayland=true has an X
 * display (GetDesktopEnvironment says which, and Super+Return's terminal gets it), a desktop
 * without has none; an X11 window (xmessage) is a framed window of its desktop only, hidden when
 * another desktop is shown, told where it is when it moves, and closed by Super+Q.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "zion-test-bus.h"
#include "zion-test-compositor.h"
#include "zion-test-pointer.h"
#include "zion-test.h"

#define DESKTOPS "[desktop one]\ncolor=#3584e4\nxwayland=true\n[desktop two]\ncolor=#e01b24\n"
#define CONFIG "[compositor]\noverlay-ms=0\n" DESKTOPS
#define NAME "org.zion.Compositor1"
#define PATH "/org/zion/Compositor1"
#define WIDTH 1280
#define HEIGHT 720
#define RED 0xff0000
#define BLACK 0x000000
/* Desktop one's colour, its frames' colour. */
#define ONE 0x3584e4
#define BORDER 4
#define TITLE_HEIGHT 26
/* Xwayland starts on the first X11 connection, in about a second; much more on a loaded machine. */
#define DEADLINE_US (20 * G_USEC_PER_SEC)

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };
static const char *const super_q[] = { "-M", "logo", "q", "-m", "logo", NULL };

/* A desktop's environment, as GetDesktopEnvironment returns it. */
static GHashTable *desktop_environment(ZtBus *bus, const char *desktop)
{
	g_autoptr(GVariant) reply =
		zt_bus_call(bus, NAME, PATH, NAME, "GetDesktopEnvironment",
			    g_variant_new("(s)", desktop), G_VARIANT_TYPE("(a{ss})"));
	GHashTable *environment = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GVariantIter) iter = NULL;
	g_variant_get(reply, "(a{ss})", &iter);
	char *key, *value;
	while (g_variant_iter_next(iter, "{ss}", &key, &value))
		g_hash_table_insert(environment, key, value);
	return environment;
}

/* Starts an X11 program on display. */
static GSubprocess *spawn_x11(const char *display, const char *const *argv)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_unsetenv(launcher, "WAYLAND_DISPLAY");
	g_subprocess_launcher_setenv(launcher, "DISPLAY", display, TRUE);
	g_autoptr(GError) error = NULL;
	GSubprocess *process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);
	return process;
}

/* Where the X server believes a window is: its root coordinates and size, from xwininfo; FALSE
 * while there is no such window. */
static gboolean x11_geometry(const char *display, const char *title, int *x, int *y, int *width,
			     int *height)
{
	const char *argv[] = { "xwininfo", "-name", title, NULL };
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_setenv(launcher, "DISPLAY", display, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);
	g_autofree char *output = NULL;
	g_assert_true(g_subprocess_communicate_utf8(process, NULL, NULL, &output, NULL, &error));
	g_assert_no_error(error);
	if (!g_subprocess_get_if_exited(process) || g_subprocess_get_exit_status(process) != 0)
		return FALSE;
	const char *fields[] = { "Absolute upper-left X:", "Absolute upper-left Y:", "Width:",
				 "Height:" };
	int *values[] = { x, y, width, height };
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
		const char *at = strstr(output, fields[i]);
		g_assert_nonnull(at);
		*values[i] = atoi(at + strlen(fields[i]));
	}
	return TRUE;
}

/* Polls until the X server has the window somewhere other than (*x, *y) (anywhere, with *x < 0),
 * or fails at the deadline. Returns where, and its size. */
static void wait_x11_moved(const char *display, const char *title, int *x, int *y, int *width,
			   int *height)
{
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	int at_x, at_y;
	while (g_get_monotonic_time() < deadline) {
		if (x11_geometry(display, title, &at_x, &at_y, width, height) &&
		    (at_x != *x || at_y != *y)) {
			*x = at_x;
			*y = at_y;
			return;
		}
		g_usleep(50000);
	}
	g_error("the X server still has %s at (%d, %d)", title, *x, *y);
}

/* Asserts that the X11 window X believes is at (x, y) is there on screen, red inside a frame in
 * desktop one's colour (border and title bar), with black around the frame. */
static void assert_framed_at(ZtCompositor *compositor, int x, int y, const char *name)
{
	const struct {
		int x, y;
		uint32_t rgb;
	} points[] = {
		{ x, y, RED },
		{ x + 299, y + 199, RED },
		{ x - 1, y + 100, ONE },
		{ x + 300, y + 100, ONE },
		{ x + 150, y - 3, ONE },
		{ x + 150, y + 200, ONE },
		{ x - BORDER - 1, y + 100, BLACK },
		{ x + 150, y - TITLE_HEIGHT - 1, BLACK },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(points); i++)
		g_assert_cmphex(zt_compositor_pixel(compositor, points[i].x, points[i].y, name), ==,
				points[i].rgb);
}

static uint32_t wait_pixel(ZtCompositor *compositor, int x, int y, uint32_t rgb, const char *name)
{
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	uint32_t pixel;
	while ((pixel = zt_compositor_pixel(compositor, x, y, name)) != rgb &&
	       g_get_monotonic_time() < deadline)
		g_usleep(50000);
	return pixel;
}

static gboolean wait_exit(GSubprocess *process)
{
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	while (g_get_monotonic_time() < deadline) {
		/* GLib reaps it in its worker thread. */
		if (g_subprocess_get_identifier(process) == NULL)
			return TRUE;
		g_usleep(20000);
	}
	return FALSE;
}

static void test_environment(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	zt_bus_wait_name(bus, NAME);

	g_autoptr(GHashTable) one = desktop_environment(bus, "one");
	g_autofree char *one_socket = zt_compositor_desktop_socket(compositor, "one");
	g_assert_cmpuint(g_hash_table_size(one), ==, 2);
	g_assert_cmpstr(g_hash_table_lookup(one, "WAYLAND_DISPLAY"), ==, one_socket);
	const char *display = g_hash_table_lookup(one, "DISPLAY");
	g_assert_nonnull(display);
	g_assert_true(g_regex_match_simple("^:[0-9]+$", display, 0, 0));

	g_autoptr(GHashTable) two = desktop_environment(bus, "two");
	g_autofree char *two_socket = zt_compositor_desktop_socket(compositor, "two");
	g_assert_cmpuint(g_hash_table_size(two), ==, 1);
	g_assert_cmpstr(g_hash_table_lookup(two, "WAYLAND_DISPLAY"), ==, two_socket);

	g_autoptr(GError) unknown = zt_bus_call_error(
		bus, NAME, PATH, NAME, "GetDesktopEnvironment", g_variant_new("(s)", "nowhere"));
	g_assert_true(g_error_matches(unknown, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS));
	g_assert_cmpstr(unknown->message, ==, "no desktop called 'nowhere'");

	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

/* Super+Return's terminal (here a shell writing its DISPLAY down) gets the desktop's display. */
static void test_terminal_display(void)
{
	const char *dir = zt_temp_dir();
	g_autofree char *config = g_strdup_printf(
		"[compositor]\noverlay-ms=0\nterminal=sh -c 'echo \"${DISPLAY-none}\" > %s/$0' "
		"display\n" DESKTOPS,
		dir);
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(config);
	zt_bus_wait_name(bus, NAME);
	g_autoptr(GHashTable) one = desktop_environment(bus, "one");
	g_autofree char *path = g_build_filename(dir, "display", NULL);
	const char *const super_return[] = { "-M", "logo", "-k", "Return", "-m", "logo", NULL };

	const char *expected[] = { g_hash_table_lookup(one, "DISPLAY"), "none" };
	const char *const *switches[] = { NULL, super_2 };
	for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
		if (switches[i])
			zt_compositor_type(compositor, switches[i]);
		g_unlink(path);
		zt_compositor_type(compositor, super_return);
		g_autofree char *text = NULL;
		gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
		while (!g_file_get_contents(path, &text, NULL, NULL) ||
		       !g_str_has_suffix(text, "\n")) {
			g_clear_pointer(&text, g_free);
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			g_usleep(20000);
		}
		g_strchomp(text);
		g_assert_cmpstr(text, ==, expected[i]);
	}

	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

static void test_window(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	zt_bus_wait_name(bus, NAME);
	g_autoptr(GHashTable) one = desktop_environment(bus, "one");
	const char *display = g_hash_table_lookup(one, "DISPLAY");

	/* A red 300×200 window: background and text in red. */
	const char *const xmessage[] = { "xmessage", "-bg",    "#ff0000", "-fg",
					 "#ff0000",  "-title", "x11-red", "-geometry",
					 "300x200",  "red",    NULL };
	g_autoptr(GSubprocess) client = spawn_x11(display, xmessage);
	/* It opens about the middle of the output. */
	g_assert_cmphex(wait_pixel(compositor, WIDTH / 2, HEIGHT / 2, RED, "xwayland-1-shown"), ==,
			RED);
	int x = -1, y = -1, width, height;
	wait_x11_moved(display, "x11-red", &x, &y, &width, &height);
	g_assert_cmpint(width, ==, 300);
	g_assert_cmpint(height, ==, 200);
	/* Where X11 believes it is in the layout is where it is on screen, framed. */
	assert_framed_at(compositor, x, y, "xwayland-1-shown");

	/* Only on desktop one. */
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(wait_pixel(compositor, x + 150, y + 100, BLACK, "xwayland-2-hidden"), ==,
			BLACK);
	g_assert_cmpint(zt_compositor_count_pixels(compositor, 0, 0, WIDTH, HEIGHT, RED,
						   "xwayland-2-hidden"),
			==, 0);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(wait_pixel(compositor, x + 150, y + 100, RED, "xwayland-3-back"), ==, RED);

	/* Super+drag moves it, and the X server is told. */
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	zt_pointer_hold_super(pointer, TRUE);
	zt_pointer_drag(pointer, BTN_LEFT, x + 150, y + 100, -200, -100);
	zt_pointer_hold_super(pointer, FALSE);
	/* The pointer out of the way of the pixels read below. */
	zt_pointer_move_to(pointer, WIDTH - 10, HEIGHT - 10);
	int moved_x = x, moved_y = y;
	wait_x11_moved(display, "x11-red", &moved_x, &moved_y, &width, &height);
	/* Virtual pointer positions are rounded: within a pixel or two of the drag. */
	g_assert_cmpint(ABS(moved_x - (x - 200)), <=, 2);
	g_assert_cmpint(ABS(moved_y - (y - 100)), <=, 2);
	assert_framed_at(compositor, moved_x, moved_y, "xwayland-4-moved");
	g_assert_cmphex(zt_compositor_pixel(compositor, x + 250, y + 150, "xwayland-4-moved"), ==,
			BLACK);

	/* Super+Q asks it to close (WM_DELETE_WINDOW), and xmessage exits. */
	zt_compositor_type(compositor, super_q);
	g_assert_true(wait_exit(client));
	g_assert_cmphex(
		wait_pixel(compositor, moved_x + 150, moved_y + 100, BLACK, "xwayland-5-closed"),
		==, BLACK);

	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xwayland/environment", test_environment);
	g_test_add_func("/xwayland/terminal-display", test_terminal_display);
	g_test_add_func("/xwayland/window", test_window);
	return g_test_run();
}
