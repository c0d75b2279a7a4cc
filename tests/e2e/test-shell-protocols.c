/*
 * zion-compositor end to end, headless: the session's own tools on the privileged socket. swaybg
 * draws a background (layer shell) under every desktop's windows; a panel's exclusive zone
 * shrinks where windows open and maximise; a layer surface can hold the keyboard; wlr-randr lists
 * and changes the output (output management), and what it refuses changes nothing; swayidle hears
 * when the user is idle, except while a window with an idle inhibitor is on the shown desktop.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#include "zion-test-client.h"
#include "zion-test-compositor.h"
#include "zion-test-idle.h"
#include "zion-test-layer.h"
#include "zion-test.h"

#define TWO_DESKTOPS                                                                               \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
/* The headless output is 1280×720; windows open in the middle of what panels leave. */
#define CX 640
#define CY 360
#define RED 0xff0000
#define BLUE 0x0000ff
#define GREEN 0x00ff00
#define MAGENTA 0xff00ff
#define BLACK 0x000000
/* The work desktop's colour, which its windows' frames show. */
#define WORK 0x3584e4

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

/* Layer shell, output management and idle timing are the session's; inhibiting idleness is
 * anyone's. */
static void test_globals(void)
{
	static const char *const privileged[] = {
		"zwlr_layer_shell_v1",
		"zwlr_output_manager_v1",
		"org_kde_kwin_idle",
	};
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) desktop = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));
	for (gsize i = 0; i < G_N_ELEMENTS(privileged); i++) {
		g_assert_false(zt_client_has_global(desktop, privileged[i]));
		g_assert_true(zt_client_has_global(shell, privileged[i]));
	}
	g_assert_true(zt_client_has_global(desktop, "zwp_idle_inhibit_manager_v1"));

	/* A desktop's swaybg finds no layer shell; wlr-randr no output manager. */
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, "work");
	const char *const swaybg[] = { "swaybg", "-c", "#ff0000", NULL };
	g_assert_cmpint(zt_compositor_run(compositor, socket, swaybg), !=, 0);
	const char *const randr[] = { "wlr-randr", NULL };
	g_assert_cmpint(zt_compositor_run(compositor, socket, randr), !=, 0);
	zt_compositor_stop(compositor);
}

/* swaybg's background is under the windows of every desktop and stays across switches. */
static void test_swaybg(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *blue = zt_window_open(work, 400, 300, 0xff0000ff);
	g_assert_cmphex(zt_compositor_pixel(compositor, 10, 10, "swaybg-0-none"), ==, BLACK);

	const char *const swaybg[] = { "swaybg", "-c", "#ff0000", NULL };
	g_autoptr(GSubprocess) background =
		zt_compositor_spawn(compositor, zt_compositor_socket(compositor), swaybg);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 10, 10, RED, "swaybg-1-work"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, CY, "swaybg-1-work"), ==, BLUE);

	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "swaybg-2-play"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 10, 10, "swaybg-2-play"), ==, RED);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "swaybg-3-work"), ==,
			BLUE);
	g_assert_cmphex(zt_compositor_pixel(compositor, 10, 10, "swaybg-3-work"), ==, RED);

	/* Gone with its client. */
	g_subprocess_force_exit(background);
	g_subprocess_wait(background, NULL, NULL);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 10, 10, BLACK, "swaybg-4-gone"), ==,
			BLACK);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* A 100-pixel panel along the top with a 100-pixel exclusive zone leaves 1280×620 from y = 100:
 * windows open centred in it and maximise to it; without the panel they have the whole output
 * again. */
static void test_exclusive_zone(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));
	const ZtLayerSpec panel_spec = {
		.layer = ZWLR_LAYER_SHELL_V1_LAYER_TOP,
		.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT |
			  ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT,
		.height = 100,
		.exclusive_zone = 100,
		.argb = 0xff00ff00,
	};
	ZtLayerSurface *panel = zt_layer_surface_open(shell, &panel_spec);
	int width, height;
	zt_layer_surface_configured_size(panel, &width, &height);
	g_assert_cmpint(width, ==, 1280);
	g_assert_cmpint(height, ==, 100);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, 50, GREEN, "zone-1-panel"), ==,
			GREEN);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 105, "zone-1-panel"), ==, BLACK);
	/* The panel's menu, an xdg popup, opens where the panel says, over what is below it. */
	zt_layer_surface_open_popup(panel, 1000, 50, 100, 100, 0xffff00ff);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 1050, 140, MAGENTA, "zone-1-panel"),
			==, MAGENTA);
	g_assert_cmphex(zt_compositor_pixel(compositor, 1050, 155, "zone-1-panel"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 995, 140, "zone-1-panel"), ==, BLACK);

	/* 400×300 in a frame of 408×330 (a 26-pixel title bar, 4-pixel borders), centred in the
	 * usable area: the frame from y = 100 + (620 - 330) / 2 = 245, the window from 271 to 571
	 * (on the whole output the frame would start at 195). */
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, 273, RED, "zone-2-window"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 568, "zone-2-window"), ==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 247, "zone-2-window"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 573, "zone-2-window"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 242, "zone-2-window"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 577, "zone-2-window"), ==, BLACK);

	/* Maximised: the usable area less the frame, the frame at its corner, under nothing but the
	 * panel's edge (the test window keeps its 400×300 buffer). */
	zt_window_maximize(red);
	zt_window_configured_size(red, &width, &height);
	g_assert_cmpint(width, ==, 1280 - 8);
	g_assert_cmpint(height, ==, 620 - 30);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 1, 101, WORK, "zone-3-maximized"), ==,
			WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 10, 130, "zone-3-maximized"), ==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 5, 97, "zone-3-maximized"), ==, GREEN);

	/* Without the panel, the next window (cascaded by 32) is centred on the whole output: its
	 * frame from y = (720 - 130) / 2 + 32 = 327, the window from 353 (in the usable area the
	 * frame would start at 377). */
	zt_layer_surface_destroy(panel);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, 50, BLACK, "zone-4-no-panel"), ==,
			BLACK);
	ZtWindow *blue = zt_window_open(work, 200, 100, 0xff0000ff);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, 355, BLUE, "zone-5-window"), ==,
			BLUE);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 329, "zone-5-window"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, 324, "zone-5-window"), ==, BLACK);

	zt_window_destroy(blue);
	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* A layer surface above the windows that asks for the keyboard exclusively keeps it while it is
 * there, even from a window that opens; then the windows have it again. */
static void test_keyboard_exclusive(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	/* The seat has a keyboard once one has typed. */
	const char *const shift[] = { "-k", "Shift_L", NULL };
	zt_compositor_type(compositor, shift);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *first = zt_window_open(work, 400, 300, 0xffff0000);
	zt_client_roundtrip(work);
	g_assert_true(zt_window_activated(first));

	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));
	const ZtLayerSpec lock_spec = {
		.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY,
		.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
			  ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT,
		.keyboard_exclusive = TRUE,
		.argb = 0xff00ff00,
	};
	ZtLayerSurface *lock = zt_layer_surface_open(shell, &lock_spec);
	zt_client_roundtrip(shell);
	g_assert_true(zt_layer_surface_has_keyboard(lock));
	/* An overlay over everything: the window is under it. */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, GREEN, "keyboard-1-overlay"),
			==, GREEN);

	ZtWindow *second = zt_window_open(work, 300, 200, 0xff0000ff);
	zt_client_roundtrip(shell);
	g_assert_true(zt_layer_surface_has_keyboard(lock));

	zt_layer_surface_destroy(lock);
	zt_client_roundtrip(work);
	g_assert_true(zt_window_activated(second));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "keyboard-2-gone"), ==,
			BLUE);
	zt_window_destroy(second);
	zt_window_destroy(first);
	zt_compositor_stop(compositor);
}

static char *randr(ZtCompositor *compositor, const char *const *argv, int *status)
{
	return zt_compositor_run_output(compositor, zt_compositor_socket(compositor), argv, status);
}

/* The listing wlr-randr prints without arguments. */
static char *randr_list(ZtCompositor *compositor)
{
	const char *const list[] = { "wlr-randr", NULL };
	int status;
	char *text = randr(compositor, list, &status);
	g_assert_cmpint(status, ==, 0);
	return text;
}

static int grim_region(ZtCompositor *compositor, const char *region)
{
	const char *const grim[] = { "grim", "-g", region, "/dev/null", NULL };
	return zt_compositor_run(compositor, zt_compositor_socket(compositor), grim);
}

static void test_wlr_randr(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autofree char *before = randr_list(compositor);
	g_test_message("wlr-randr:\n%s", before);
	g_assert_nonnull(strstr(before, "HEADLESS-1"));
	g_assert_nonnull(strstr(before, "Enabled: yes"));
	g_assert_nonnull(strstr(before, "1280x720 px, 60.000000 Hz (current)"));
	g_assert_nonnull(strstr(before, "Position: 0,0"));
	g_assert_nonnull(strstr(before, "Scale: 1.000000"));

	/* A test (--dryrun) answers without changing anything. */
	int status;
	const char *const dry[] = { "wlr-randr", "--output", "HEADLESS-1", "--pos",
				    "100,100",	 "--dryrun", NULL };
	g_free(randr(compositor, dry, &status));
	g_assert_cmpint(status, ==, 0);
	g_autofree char *after_dry = randr_list(compositor);
	g_assert_cmpstr(after_dry, ==, before);

	/* Moved: listed there, and xdg-output tells grim the output's new place. */
	const char *const move[] = {
		"wlr-randr", "--output", "HEADLESS-1", "--pos", "100,100", NULL
	};
	g_free(randr(compositor, move, &status));
	g_assert_cmpint(status, ==, 0);
	g_autofree char *moved = randr_list(compositor);
	g_assert_nonnull(strstr(moved, "Position: 100,100"));
	g_assert_cmpint(grim_region(compositor, "0,0 10x10"), !=, 0);
	g_assert_cmpint(grim_region(compositor, "100,100 10x10"), ==, 0);

	/* Scaled by 2, the output is 640×360 in the layout from (100, 100): a new 400×300 window
	 * in its 408×330 frame opens at (216, 115), the window at (220, 141), which is (240, 82) to
	 * (1040, 682) in the 1280×720 screenshot, the frame (232, 30) to (1048, 690). */
	const char *const scale[] = { "wlr-randr", "--output", "HEADLESS-1", "--scale", "2", NULL };
	g_free(randr(compositor, scale, &status));
	g_assert_cmpint(status, ==, 0);
	g_autofree char *scaled = randr_list(compositor);
	g_assert_nonnull(strstr(scaled, "Scale: 2.000000"));
	g_assert_cmpint(grim_region(compositor, "730,100 10x10"), ==, 0);
	g_assert_cmpint(grim_region(compositor, "740,100 10x10"), !=, 0);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 244, 86, RED, "randr-scaled"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 1036, 678, "randr-scaled"), ==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 234, 32, "randr-scaled"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 1046, 688, "randr-scaled"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 228, 26, "randr-scaled"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 1052, 694, "randr-scaled"), ==, BLACK);

	/* What cannot work is refused and changes nothing: a mode no buffer can be made for, and
	 * switching the output off (wlroots 0.15's headless outputs cannot be). */
	const char *const huge[] = { "wlr-randr",     "--output",     "HEADLESS-1",
				     "--custom-mode", "2000000000x2", NULL };
	g_free(randr(compositor, huge, &status));
	g_assert_cmpint(status, !=, 0);
	const char *const off[] = { "wlr-randr", "--output", "HEADLESS-1", "--off", NULL };
	g_free(randr(compositor, off, &status));
	g_assert_cmpint(status, !=, 0);
	g_autofree char *refused = randr_list(compositor);
	g_assert_cmpstr(refused, ==, scaled);
	g_assert_cmphex(zt_compositor_pixel(compositor, 244, 86, "randr-refused"), ==, RED);

	/* A custom mode. */
	const char *const custom[] = { "wlr-randr",	"--output", "HEADLESS-1",
				       "--custom-mode", "1024x768", NULL };
	g_free(randr(compositor, custom, &status));
	g_assert_cmpint(status, ==, 0);
	g_autofree char *resized = randr_list(compositor);
	g_assert_nonnull(strstr(resized, "1024x768 px, 60.000000 Hz (current)"));
	g_assert_cmpint(grim_region(compositor, "602,100 10x10"), ==, 0);
	g_assert_cmpint(grim_region(compositor, "612,100 10x10"), !=, 0);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

static gboolean wait_for_file(const char *path)
{
	for (int i = 0; i < 250 && !g_file_test(path, G_FILE_TEST_EXISTS); i++)
		g_usleep(20000);
	return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* swayidle's timeout is 1 s: this long without it firing means it was held. */
#define HELD_US (2 * G_USEC_PER_SEC)

static void test_swayidle(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *video = zt_window_open(work, 400, 300, 0xff0000ff);
	ZtIdleInhibitor *inhibitor = zt_idle_inhibitor_create(work, video);

	g_autofree char *fired = g_build_filename(zt_temp_dir(), "idle", NULL);
	g_autofree char *command = g_strdup_printf("touch '%s'", fired);
	/* swayidle asks logind on the system bus about sleep; not this machine's. */
	const char *const swayidle[] = {
		"env",	    "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent",
		"swayidle", "-w",
		"timeout",  "1",
		command,    NULL,
	};
	g_autoptr(GSubprocess) idle =
		zt_compositor_spawn(compositor, zt_compositor_socket(compositor), swayidle);

	/* The window with the inhibitor is on the shown desktop: no idle. */
	g_usleep(HELD_US);
	g_assert_false(g_file_test(fired, G_FILE_TEST_EXISTS));

	/* Another desktop shown: idle a second after the last key. */
	zt_compositor_type(compositor, super_2);
	g_assert_true(wait_for_file(fired));

	/* Back: held again. */
	g_assert_cmpint(g_unlink(fired), ==, 0);
	zt_compositor_type(compositor, super_1);
	g_usleep(HELD_US);
	g_assert_false(g_file_test(fired, G_FILE_TEST_EXISTS));

	/* The inhibitor gone, idle comes. */
	zt_idle_inhibitor_destroy(inhibitor);
	g_assert_true(wait_for_file(fired));

	g_subprocess_force_exit(idle);
	g_subprocess_wait(idle, NULL, NULL);
	zt_window_destroy(video);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/shell/globals", test_globals);
	g_test_add_func("/shell/swaybg", test_swaybg);
	g_test_add_func("/shell/exclusive-zone", test_exclusive_zone);
	g_test_add_func("/shell/keyboard-exclusive", test_keyboard_exclusive);
	g_test_add_func("/shell/wlr-randr", test_wlr_randr);
	g_test_add_func("/shell/swayidle", test_swayidle);
	return g_test_run();
}
