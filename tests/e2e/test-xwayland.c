/*
 * zion-compositor's Xwayland, headless, on a private bus: a desktop with xwayland=true has an X
 * display (GetDesktopEnvironment says which, and Super+Return's terminal gets it), a desktop
 * without has none; an X11 window (xmessage) is a framed window of its desktop only, hidden when
 * another desktop is shown, told where it is when it moves, and closed by Super+Q. The clipboard
 * (with xclip): what an X11 client copies stays its own in X11 and reaches Wayland clients of its
 * desktop; what a Wayland client copies reaches X11 clients of its desktop; another desktop sees
 * none of it, and a hidden desktop's X11 clipboard is neither taken nor replaced; the confirmed
 * transfer (Super+Shift+C, Super+Shift+V) carries an X11 copy like any other.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "zion-test-bus.h"
#include "zion-test-client.h"
#include "zion-test-clipboard.h"
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
static const char *const super_tab[] = { "-M", "logo", "-k", "Tab", "-m", "logo", NULL };
static const char *const copy_keys[] = { "-M", "logo",	"-M", "shift", "c",
					 "-m", "shift", "-m", "logo",  NULL };
static const char *const paste_keys[] = { "-M", "logo",	 "-M", "shift", "v",
					  "-m", "shift", "-m", "logo",	NULL };
static const char *const enter[] = { "-k", "Return", NULL };
/* Inside the compositor's message, in the middle of the output; its colours for a finished copy
 * and for the question. */
#define MESSAGE_Y (HEIGHT / 2 - 28)
#define DONE 0x3d3846
#define QUESTION 0xf5c211

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

/* A red 300×200 X11 window titled "x11-red" (background and text in red), once it shows about the
 * middle of the output, where it opens; screenshot names the screenshot taken meanwhile. */
static GSubprocess *open_red_window(ZtCompositor *compositor, const char *display,
				    const char *screenshot)
{
	const char *const xmessage[] = { "xmessage", "-bg",    "#ff0000", "-fg",
					 "#ff0000",  "-title", "x11-red", "-geometry",
					 "300x200",  "red",    NULL };
	GSubprocess *window = spawn_x11(display, xmessage);
	g_assert_cmphex(wait_pixel(compositor, WIDTH / 2, HEIGHT / 2, RED, screenshot), ==, RED);
	return window;
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

	g_autoptr(GSubprocess) client = open_red_window(compositor, display, "xwayland-1-shown");
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

/* An X11 client reading a selection ("clipboard" or "primary") of display: xclip's output, NULL
 * when it found none. The reader is started, and read to the end, by the caller. */
static GSubprocess *x11_paste_start(const char *display, const char *selection)
{
	const char *const argv[] = { "xclip", "-o", "-selection", selection, NULL };
	g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
		G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
	g_subprocess_launcher_unsetenv(launcher, "WAYLAND_DISPLAY");
	g_subprocess_launcher_setenv(launcher, "DISPLAY", display, TRUE);
	g_autoptr(GError) error = NULL;
	GSubprocess *process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);
	return process;
}

static char *x11_paste_finish(GSubprocess *process)
{
	g_autoptr(GError) error = NULL;
	char *output = NULL;
	g_assert_true(g_subprocess_communicate_utf8(process, NULL, NULL, &output, NULL, &error));
	g_assert_no_error(error);
	if (g_subprocess_get_exit_status(process) != 0 || !*output)
		g_clear_pointer(&output, g_free);
	return output;
}

static char *x11_paste(const char *display, const char *selection)
{
	g_autoptr(GSubprocess) process = x11_paste_start(display, selection);
	return x11_paste_finish(process);
}

/* An X11 client owning a selection of display with text, until another client takes it. */
static GSubprocess *x11_copy(const char *display, const char *selection, const char *text)
{
	g_autofree char *path = zt_write_file(zt_temp_dir(), selection, text);
	const char *const argv[] = { "xclip", "-quiet", "-selection", selection, "-i", path, NULL };
	return spawn_x11(display, argv);
}

/* What the privileged socket's data control (wl-paste) reads from the shown desktop, polled until
 * it is expected; the last thing read (NULL: nothing). It needs no window, so the focus stays. */
static char *wait_data_control_paste(ZtCompositor *compositor, gboolean primary,
				     const char *expected)
{
	const char *const argv[] = { "wl-paste", "--no-newline", primary ? "--primary" : NULL,
				     NULL };
	char *text = NULL;
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	while (g_get_monotonic_time() < deadline) {
		g_clear_pointer(&text, g_free);
		int status;
		text = zt_compositor_run_output(compositor, zt_compositor_socket(compositor), argv,
						&status);
		if (status != 0)
			g_clear_pointer(&text, g_free);
		if (g_strcmp0(text, expected) == 0)
			break;
		g_usleep(50000);
	}
	return text;
}

static void wait_activated(ZtClient *client, ZtWindow *window, gboolean activated)
{
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	for (;;) {
		zt_client_roundtrip(client);
		if (zt_window_activated(window) == activated)
			return;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(20000);
	}
}

/* Both desktops with an X server: the shown one's clipboard must not reach the hidden one's. */
#define CLIPBOARD_CONFIG                                                                           \
	"[compositor]\noverlay-ms=0\n[desktop one]\ncolor=#3584e4\nxwayland=true\n[desktop "       \
	"two]\ncolor=#e01b24\nxwayland=true\n"

static void test_clipboard(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CLIPBOARD_CONFIG);
	zt_bus_wait_name(bus, NAME);
	/* Headless, the seat has a keyboard once a virtual one typed (Super+1: nothing happens). */
	zt_compositor_type(compositor, super_1);
	g_autoptr(GHashTable) one_environment = desktop_environment(bus, "one");
	g_autoptr(GHashTable) two_environment = desktop_environment(bus, "two");
	const char *one_display = g_hash_table_lookup(one_environment, "DISPLAY");
	const char *two_display = g_hash_table_lookup(two_environment, "DISPLAY");
	g_autofree char *one_socket = zt_compositor_desktop_socket(compositor, "one");
	g_autofree char *two_socket = zt_compositor_desktop_socket(compositor, "two");
	g_autoptr(ZtClient) one = zt_client_connect(one_socket);
	g_autoptr(ZtClient) two = zt_client_connect(two_socket);
	ZtWindow *one_window = zt_window_open(one, 200, 200, 0xff0000ff);
	ZtWindow *two_window = zt_window_open(two, 200, 200, 0xff00ff00);
	g_autoptr(ZtClipboard) one_clipboard = zt_clipboard_new(one);
	g_autoptr(ZtClipboard) two_clipboard = zt_clipboard_new(two);
	wait_activated(one, one_window, TRUE);

	/* An X11 window of desktop one takes the keyboard: wlroots' window manager lets X11
	 * clients set and read the clipboard only then. */
	g_autoptr(GSubprocess) window = open_red_window(compositor, one_display, "xclip-1-x11");
	wait_activated(one, one_window, FALSE);

	/* X11 to Wayland: the X11 copy becomes desktop one's clipboard... */
	g_autoptr(GSubprocess) owner = x11_copy(one_display, "clipboard", "copied in X11");
	g_autofree char *read = wait_data_control_paste(compositor, FALSE, "copied in X11");
	g_assert_cmpstr(read, ==, "copied in X11");
	/* ...and X11 to X11: the X11 owner keeps it (wlroots' window manager did not take it). */
	g_autofree char *x11_read = x11_paste(one_display, "clipboard");
	g_assert_cmpstr(x11_read, ==, "copied in X11");
	g_assert_nonnull(g_subprocess_get_identifier(owner));
	/* The same for the primary selection. */
	g_autoptr(GSubprocess) primary_owner = x11_copy(one_display, "primary", "selected in X11");
	g_autofree char *primary_read =
		wait_data_control_paste(compositor, TRUE, "selected in X11");
	g_assert_cmpstr(primary_read, ==, "selected in X11");
	g_autofree char *x11_primary = x11_paste(one_display, "primary");
	g_assert_cmpstr(x11_primary, ==, "selected in X11");

	/* The desktop's own Wayland window reads both once it has the keyboard. */
	zt_compositor_type(compositor, super_tab);
	wait_activated(one, one_window, TRUE);
	g_autofree char *pasted = zt_clipboard_paste(one_clipboard);
	g_assert_cmpstr(pasted, ==, "copied in X11");
	g_autofree char *pasted_primary = zt_clipboard_paste_primary(one_clipboard);
	g_assert_cmpstr(pasted_primary, ==, "selected in X11");

	/* Desktop two sees none of it, and what it copies leaves desktop one's X11 clipboard
	 * alone: the X11 owners keep their selections, and X11 clients read them. */
	zt_compositor_type(compositor, super_2);
	wait_activated(two, two_window, TRUE);
	g_autofree char *two_pasted = zt_clipboard_paste(two_clipboard);
	g_assert_null(two_pasted);
	g_autofree char *two_pasted_primary = zt_clipboard_paste_primary(two_clipboard);
	g_assert_null(two_pasted_primary);
	zt_clipboard_copy(two_clipboard, "copied in two");
	g_autofree char *two_read = wait_data_control_paste(compositor, FALSE, "copied in two");
	g_assert_cmpstr(two_read, ==, "copied in two");
	g_autofree char *hidden_read = x11_paste(one_display, "clipboard");
	g_assert_cmpstr(hidden_read, ==, "copied in X11");
	g_autofree char *hidden_primary = x11_paste(one_display, "primary");
	g_assert_cmpstr(hidden_primary, ==, "selected in X11");
	g_assert_nonnull(g_subprocess_get_identifier(owner));
	/* Desktop two's own X server holds nothing of desktop one's either. */
	g_autofree char *two_x11_read = x11_paste(two_display, "clipboard");
	g_assert_null(two_x11_read);

	/* Back on desktop one, its window reads the X11 copy again. */
	zt_compositor_type(compositor, super_1);
	wait_activated(one, one_window, TRUE);
	g_autofree char *again = zt_clipboard_paste(one_clipboard);
	g_assert_cmpstr(again, ==, "copied in X11");

	/* Wayland to X11: the Wayland copy replaces the X11 owner's, and an X11 client reads it
	 * while the X11 window has the keyboard. */
	zt_clipboard_copy(one_clipboard, "copied in Wayland");
	g_assert_true(wait_exit(owner));
	zt_compositor_type(compositor, super_tab);
	wait_activated(one, one_window, FALSE);
	g_autoptr(GSubprocess) reader = x11_paste_start(one_display, "clipboard");
	g_assert_true(zt_clipboard_serve(one_clipboard));
	g_autofree char *from_wayland = x11_paste_finish(reader);
	g_assert_cmpstr(from_wayland, ==, "copied in Wayland");

	/* Hidden again, desktop one's X11 clients read nothing, and do not wait for it: wlroots'
	 * window manager let go of the X11 selection it held for the Wayland copy. */
	zt_compositor_type(compositor, super_2);
	wait_activated(two, two_window, TRUE);
	g_autofree char *hidden_after = x11_paste(one_display, "clipboard");
	g_assert_null(hidden_after);

	g_subprocess_force_exit(primary_owner);
	g_subprocess_force_exit(window);
	zt_window_destroy(one_window);
	zt_window_destroy(two_window);
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

/* Super+Shift+C reads an X11 copy like any other, and only the confirmed Super+Shift+V takes it
 * to another desktop. */
static void test_clipboard_transfer(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CLIPBOARD_CONFIG);
	zt_bus_wait_name(bus, NAME);
	zt_compositor_type(compositor, super_1);
	g_autoptr(GHashTable) environment = desktop_environment(bus, "one");
	const char *display = g_hash_table_lookup(environment, "DISPLAY");
	g_autofree char *two_socket = zt_compositor_desktop_socket(compositor, "two");
	g_autoptr(ZtClient) two = zt_client_connect(two_socket);
	ZtWindow *two_window = zt_window_open(two, 200, 200, 0xff00ff00);
	g_autoptr(ZtClipboard) two_clipboard = zt_clipboard_new(two);

	g_autoptr(GSubprocess) window = open_red_window(compositor, display, "xtransfer-1-x11");
	g_autoptr(GSubprocess) owner = x11_copy(display, "clipboard", "copied in X11");
	g_autofree char *read = wait_data_control_paste(compositor, FALSE, "copied in X11");
	g_assert_cmpstr(read, ==, "copied in X11");

	zt_compositor_type(compositor, copy_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WIDTH / 2, MESSAGE_Y, DONE,
						 "xtransfer-2-copied"),
			==, DONE);
	zt_compositor_type(compositor, super_2);
	wait_activated(two, two_window, TRUE);
	g_autofree char *before = zt_clipboard_paste(two_clipboard);
	g_assert_null(before);
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WIDTH / 2, MESSAGE_Y, QUESTION,
						 "xtransfer-3-question"),
			==, QUESTION);
	zt_compositor_type(compositor, enter);
	g_autofree char *after = NULL;
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	while (g_strcmp0(after = zt_clipboard_paste(two_clipboard), "copied in X11") != 0) {
		g_clear_pointer(&after, g_free);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(50000);
	}

	g_subprocess_force_exit(owner);
	g_subprocess_force_exit(window);
	zt_window_destroy(two_window);
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

/* Kills the Xwayland serving display (its command line names it), connects newcomers (if not
 * NULL) to socket while it goes, and waits until it is gone. */
static void kill_xwayland(const char *display, const char *socket, GPtrArray *newcomers)
{
	g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
	g_assert_nonnull(proc);
	const char *name;
	pid_t pid = 0;
	while (!pid && (name = g_dir_read_name(proc))) {
		g_autofree char *path = g_build_filename("/proc", name, "cmdline", NULL);
		g_autofree char *cmdline = NULL;
		gsize length;
		if (!g_ascii_isdigit(name[0]) ||
		    !g_file_get_contents(path, &cmdline, &length, NULL) || length == 0)
			continue;
		/* NUL-separated: the program, then its display first. */
		const char *program = cmdline;
		const char *first = cmdline + strlen(cmdline) + 1;
		if (g_str_has_suffix(program, "Xwayland") && first < cmdline + length &&
		    strcmp(first, display) == 0)
			pid = atoi(name);
	}
	g_assert_cmpint(pid, >, 0);
	g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
	for (int i = 0; newcomers && i < 8; i++)
		g_ptr_array_add(newcomers, zt_client_connect(socket));
	g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
	gint64 deadline = g_get_monotonic_time() + DEADLINE_US;
	while (g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(20000);
	}
}

/* When a hidden desktop's Xwayland goes, so does its X11 copy: shown again, it offers nothing
 * (and nothing reads through wlroots' window manager that went with it). Clients that come
 * meanwhile take the fd numbers it frees, and each keeps its connection: wlroots 0.15 closed the
 * window manager's fd twice, the second time a newcomer's, and the compositor crashed on the
 * freed event source that stayed in epoll. */
static void test_clipboard_x11_exit(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CLIPBOARD_CONFIG);
	zt_bus_wait_name(bus, NAME);
	zt_compositor_type(compositor, super_1);
	g_autoptr(GHashTable) environment = desktop_environment(bus, "one");
	const char *display = g_hash_table_lookup(environment, "DISPLAY");
	g_autofree char *one_socket = zt_compositor_desktop_socket(compositor, "one");
	g_autoptr(ZtClient) one = zt_client_connect(one_socket);
	ZtWindow *one_window = zt_window_open(one, 200, 200, 0xff0000ff);
	g_autoptr(ZtClipboard) one_clipboard = zt_clipboard_new(one);

	g_autoptr(GSubprocess) window = open_red_window(compositor, display, "xexit-1-x11");
	g_autoptr(GSubprocess) owner = x11_copy(display, "clipboard", "copied in X11");
	g_autofree char *read = wait_data_control_paste(compositor, FALSE, "copied in X11");
	g_assert_cmpstr(read, ==, "copied in X11");

	zt_compositor_type(compositor, super_2);
	g_autofree char *two_socket = zt_compositor_desktop_socket(compositor, "two");
	g_autoptr(GPtrArray) newcomers =
		g_ptr_array_new_with_free_func((GDestroyNotify)zt_client_free);
	kill_xwayland(display, two_socket, newcomers);
	g_assert_true(wait_exit(owner));
	g_assert_true(wait_exit(window));
	for (guint i = 0; i < newcomers->len; i++)
		zt_client_roundtrip(g_ptr_array_index(newcomers, i));
	zt_compositor_type(compositor, super_1);
	wait_activated(one, one_window, TRUE);
	g_autofree char *pasted = zt_clipboard_paste(one_clipboard);
	g_assert_null(pasted);
	g_assert_true(zt_compositor_alive(compositor));

	zt_window_destroy(one_window);
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

/* An X server killed after running for more than 5 s starts again on the next X11 connection
 * (wlroots restarts only those): its windows show, and its new window manager follows the seat
 * again, so an X11 copy reaches the desktop's Wayland clients. */
static void test_restart(void)
{
	ZtBus *bus = zt_bus_start();
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	zt_bus_wait_name(bus, NAME);
	g_autoptr(GHashTable) environment = desktop_environment(bus, "one");
	const char *display = g_hash_table_lookup(environment, "DISPLAY");
	g_autoptr(GSubprocess) first = open_red_window(compositor, display, "restart-1-first");
	/* wlroots compares whole seconds of time(): 6.5 s are more than 5 whatever the fractions.
	 */
	g_usleep(6500 * 1000);
	kill_xwayland(display, NULL, NULL);
	g_assert_true(wait_exit(first));
	g_assert_cmphex(wait_pixel(compositor, WIDTH / 2, HEIGHT / 2, BLACK, "restart-2-gone"), ==,
			BLACK);
	g_assert_true(zt_compositor_alive(compositor));

	g_autoptr(GSubprocess) second = open_red_window(compositor, display, "restart-3-again");
	g_autoptr(GSubprocess) owner = x11_copy(display, "clipboard", "copied after a restart");
	g_autofree char *read =
		wait_data_control_paste(compositor, FALSE, "copied after a restart");
	g_assert_cmpstr(read, ==, "copied after a restart");

	g_subprocess_force_exit(owner);
	g_subprocess_force_exit(second);
	g_assert_true(wait_exit(owner));
	g_assert_true(wait_exit(second));
	zt_compositor_stop(compositor);
	zt_bus_stop(bus);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xwayland/environment", test_environment);
	g_test_add_func("/xwayland/terminal-display", test_terminal_display);
	g_test_add_func("/xwayland/window", test_window);
	g_test_add_func("/xwayland/clipboard", test_clipboard);
	g_test_add_func("/xwayland/clipboard-transfer", test_clipboard_transfer);
	g_test_add_func("/xwayland/clipboard-x11-exit", test_clipboard_x11_exit);
	g_test_add_func("/xwayland/restart", test_restart);
	return g_test_run();
}
