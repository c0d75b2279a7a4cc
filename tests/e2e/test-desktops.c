/*
 * zion-compositor end to end, headless: desktops are switched from the keyboard and show exactly
 * their own windows; desktop clients cannot reach privileged globals; focus is kept per desktop;
 * a switch shows the desktop's name for a moment; Super+Q closes only the focused window; a
 * crashing or flooding client harms nobody else; real clients draw on a desktop socket. Screens are
 * read back with grim, keys typed with wtype.
 */
#include <gio/gio.h>
#include <signal.h>
#include <wayland-client.h>

#include "zion-test-client.h"
#include "zion-test-compositor.h"

/* Without the name overlay, which would cover the middle of the screen after each switch. */
#define TWO_DESKTOPS                                                                               \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
/* The middle of the headless output (1280×720), where windows open. */
#define CX 640
#define CY 360
#define RED 0xff0000
#define BLUE 0x0000ff
#define GREEN 0x00ff00
#define BLACK 0x000000

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };
static const char *const super_q[] = { "-M", "logo", "q", "-m", "logo", NULL };

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

static void test_switch(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);

	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "switch-1-work"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 10, 10, "switch-1-work"), ==, BLACK);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "switch-2-play"), ==,
			BLUE);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "switch-3-work"), ==,
			RED);

	zt_window_destroy(red);
	zt_window_destroy(blue);
	/* Both switches were measured from key to frame. */
	g_autoptr(GKeyFile) stats = zt_compositor_stop_with_stats(compositor);
	g_assert_cmpint(g_key_file_get_integer(stats, "switch", "count", NULL), ==, 2);
	gint64 p50 = g_key_file_get_int64(stats, "switch", "p50_us", NULL);
	g_assert_cmpint(p50, >, 0);
	gint64 p99 = g_key_file_get_int64(stats, "switch", "p99_us", NULL);
	g_assert_cmpint(p99, >=, p50);
	/* Each switch committed a frame, besides the ones that showed the windows. */
	g_assert_cmpuint(g_key_file_get_uint64(stats, "frames", "committed", NULL), >, 2);
	g_test_message("switch latency p50 %" G_GINT64_FORMAT " us, p99 %" G_GINT64_FORMAT " us",
		       p50, p99);
}

/* After a switch the new desktop's name shows in its colour in the middle, then goes. */
static void test_overlay(void)
{
	ZtCompositor *compositor =
		zt_compositor_start("[compositor]\noverlay-ms=1500\n[desktop work]\ncolor=#3584e4\n"
				    "[desktop play]\ncolor=#e01b24\n");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	/* Above the text, inside the overlay's 96-pixel-high box. */
	const int y = CY - 40;
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, y, "overlay-0-none"), ==, BLACK);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, y, "overlay-1-shown"), ==, 0xe01b24);
	/* The window is around it, and after the timeout the window is all there is. */
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, CY - 100, "overlay-1-shown"), ==, BLUE);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, y, BLUE, "overlay-2-gone"), ==,
			BLUE);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

static void test_privileged_globals(void)
{
	static const char *const privileged[] = {
		"zwlr_screencopy_manager_v1",
		"zwp_virtual_keyboard_manager_v1",
		"zwlr_data_control_manager_v1",
	};
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) desktop = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));
	for (gsize i = 0; i < G_N_ELEMENTS(privileged); i++) {
		g_assert_false(zt_client_has_global(desktop, privileged[i]));
		g_assert_true(zt_client_has_global(shell, privileged[i]));
	}
	g_assert_true(zt_client_has_global(desktop, "xdg_wm_base"));
	g_assert_true(zt_client_has_global(desktop, "wl_seat"));

	/* grim, as a desktop client, finds no screencopy to use. */
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, "work");
	const char *const grim[] = { "grim", "/dev/null", NULL };
	g_assert_cmpint(zt_compositor_run(compositor, socket, grim), !=, 0);
	zt_compositor_stop(compositor);
}

static void test_focus_and_close(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *first = zt_window_open(work, 500, 400, 0xffff0000);
	ZtWindow *second = zt_window_open(work, 300, 200, 0xff00ff00);
	ZtWindow *other = zt_window_open(play, 300, 200, 0xff0000ff);
	zt_client_roundtrip(work);
	g_assert_true(zt_window_activated(second));
	g_assert_false(zt_window_activated(first));

	/* The focus goes with the desktop and comes back to the same window. */
	zt_compositor_type(compositor, super_2);
	zt_client_roundtrip(play);
	zt_client_roundtrip(work);
	g_assert_true(zt_window_activated(other));
	g_assert_false(zt_window_activated(second));
	zt_compositor_type(compositor, super_1);
	zt_client_roundtrip(work);
	zt_client_roundtrip(play);
	g_assert_true(zt_window_activated(second));
	g_assert_false(zt_window_activated(other));

	/* Super+Q asks the focused window, and only it, to close. */
	zt_compositor_type(compositor, super_q);
	zt_client_roundtrip(work);
	zt_client_roundtrip(play);
	g_assert_true(zt_window_close_requested(second));
	g_assert_false(zt_window_close_requested(first));
	g_assert_false(zt_window_close_requested(other));
	zt_window_destroy(second);
	zt_client_roundtrip(work);
	g_assert_true(zt_window_activated(first));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "close-first-left"), ==,
			RED);

	zt_window_destroy(first);
	zt_window_destroy(other);
	zt_compositor_stop(compositor);
}

static GSubprocess *spawn_on(ZtCompositor *compositor, const char *desktop, const char *const *argv)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_compositor_spawn(compositor, socket, argv);
}

static void test_misbehaving_clients(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);

	/* A client killed in the middle of drawing. */
	const char *const shm[] = { "weston-simple-shm", NULL };
	for (int i = 0; i < 5; i++) {
		g_autoptr(GSubprocess) crasher = spawn_on(compositor, "work", shm);
		g_usleep(50000 + 30000 * i);
		g_subprocess_force_exit(crasher);
		g_subprocess_wait(crasher, NULL, NULL);
	}
	g_assert_true(zt_compositor_alive(compositor));

	/* A client that floods the compositor with requests. */
	g_autoptr(ZtClient) flood = connect_desktop(compositor, "work");
	ZtWindow *noisy = zt_window_open(flood, 100, 100, 0xff00ff00);
	zt_window_flood(noisy, 200000);
	zt_client_roundtrip(flood);
	zt_window_destroy(noisy);

	g_assert_true(zt_compositor_alive(compositor));
	zt_client_roundtrip(work);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "survivor"), ==, RED);
	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

static void test_real_clients(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	const char *const shm[] = { "weston-simple-shm", NULL };
	g_autoptr(GSubprocess) weston = spawn_on(compositor, "work", shm);
	/* weston-simple-shm draws a pattern with a bright frame; anything but black means it drew.
	 */
	uint32_t pixel = BLACK;
	for (int i = 0; i < 100 && pixel == BLACK; i++) {
		g_usleep(20000);
		pixel = zt_compositor_pixel(compositor, CX - 110, CY - 110, "weston-simple-shm");
	}
	g_assert_cmphex(pixel, !=, BLACK);
	g_subprocess_force_exit(weston);

	/* Maximised from the start: it asks before its first commit, and fills the output within
	 * its frame. */
	const char *const foot[] = { "foot",  "--maximized", "--override=colors.background=00ff00",
				     "sleep", "30",	     NULL };
	g_autoptr(GSubprocess) terminal = spawn_on(compositor, "play", foot);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, GREEN, "foot"), ==, GREEN);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 1270, 710, GREEN, "foot"), ==, GREEN);
	g_subprocess_force_exit(terminal);

	/* GTK4 with its software renderer, no accessibility bus (the test has no session bus). */
	const char *const gtk[] = { "env", "GSK_RENDERER=cairo", "GTK_A11Y=none",
				    "gtk4-widget-factory", NULL };
	g_autoptr(GSubprocess) factory = spawn_on(compositor, "work", gtk);
	zt_compositor_type(compositor, super_1);
	pixel = BLACK;
	for (int i = 0; i < 250 && pixel == BLACK; i++) {
		g_usleep(20000);
		pixel = zt_compositor_pixel(compositor, CX, CY, "gtk4-widget-factory");
	}
	g_assert_cmphex(pixel, !=, BLACK);
	g_assert_true(g_subprocess_get_identifier(factory) != NULL);
	g_subprocess_force_exit(factory);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/compositor/switch", test_switch);
	g_test_add_func("/compositor/overlay", test_overlay);
	g_test_add_func("/compositor/privileged-globals", test_privileged_globals);
	g_test_add_func("/compositor/focus-and-close", test_focus_and_close);
	g_test_add_func("/compositor/misbehaving-clients", test_misbehaving_clients);
	g_test_add_func("/compositor/real-clients", test_real_clients);
	return g_test_run();
}
