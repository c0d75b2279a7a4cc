/*
 * zion-compositor end to end, headless: windows in their frames and the pointer. Every window has
 * a border and a title bar in its desktop's colour with its title and the desktop's name, dimmer
 * when it is not focused; a click focuses; Super+left drag moves, Super+right drag resizes, the
 * title bar moves; a maximised window and its frame fill the output. The pointer is a virtual one
 * on the privileged socket; screens are read back with grim.
 */
#include <gio/gio.h>
#include <wayland-client.h>

#include "zion-test-client.h"
#include "zion-test-compositor.h"
#include "zion-test-pointer.h"

#include "xdg-shell-client-protocol.h"

#define TWO_DESKTOPS                                                                               \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
#define WIDTH 1280
#define HEIGHT 720
#define RED 0xff0000
#define BLUE 0x0000ff
#define GREEN 0x00ff00
#define BLACK 0x000000
#define WHITE 0xffffff
/* The work desktop's colour; text on it is white (zc_label_contrasting). */
#define WORK 0x3584e4

/* A 400×300 window in its 408×330 frame (26-pixel title bar, 4-pixel border) opens centred: the
 * frame from (436, 195) to (844, 525), the window from (440, 221) to (840, 521). */
#define FRAME_X 436
#define FRAME_Y 195
#define WINDOW_X 440
#define WINDOW_Y 221
#define TITLE_HEIGHT 26

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

/* Whether each channel of dim is below the same channel of bright. */
static gboolean dimmer(uint32_t dim, uint32_t bright)
{
	for (int shift = 0; shift < 24; shift += 8) {
		if (((dim >> shift) & 0xff) >= ((bright >> shift) & 0xff))
			return FALSE;
	}
	return TRUE;
}

/* Round trips until the compositor has configured window to width×height, for a few seconds at
 * most; configures are sent from an idle callback. */
static gboolean wait_configured(ZtClient *client, ZtWindow *window, int width, int height)
{
	for (int i = 0; i < 200; i++) {
		int configured_width, configured_height;
		zt_client_roundtrip(client);
		zt_window_configured_size(window, &configured_width, &configured_height);
		if (configured_width == width && configured_height == height) {
			/* The window's answer (ack, new buffer, commit) goes out with one more. */
			zt_client_roundtrip(client);
			return TRUE;
		}
		g_usleep(10000);
	}
	return FALSE;
}

/* (a) The frame surrounds the window in the desktop's colour; the window itself is untouched. */
static void test_frame(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 640, 371, RED, "frame-1"), ==, RED);

	/* The window, to its corners. */
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X, WINDOW_Y, "frame-1"), ==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 399, WINDOW_Y + 299, "frame-1"),
			==, RED);
	/* The title bar on top, the border left, right and below, nothing beyond. */
	g_assert_cmphex(zt_compositor_pixel(compositor, FRAME_X + 1, FRAME_Y + 1, "frame-1"), ==,
			WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 640, FRAME_Y + 2, "frame-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, FRAME_X + 1, 400, "frame-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 402, 400, "frame-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 640, WINDOW_Y + 302, "frame-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, FRAME_X - 1, 400, "frame-1"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, FRAME_X + 408, 400, "frame-1"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 640, FRAME_Y - 1, "frame-1"), ==, BLACK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 640, FRAME_Y + 330, "frame-1"), ==, BLACK);

	/* In the title bar, white text: the title ("zion test window") on the left, the desktop's
	 * name on the right, nothing in the middle. */
	const int bar_y = FRAME_Y + 4, bar_height = 18;
	g_assert_cmpint(zt_compositor_count_pixels(compositor, FRAME_X, bar_y, 150, bar_height,
						   WHITE, "frame-1"),
			>, 20);
	g_assert_cmpint(zt_compositor_count_pixels(compositor, FRAME_X + 408 - 50, bar_y, 50,
						   bar_height, WHITE, "frame-1"),
			>, 20);
	g_assert_cmpint(zt_compositor_count_pixels(compositor, FRAME_X + 200, bar_y, 120,
						   bar_height, WHITE, "frame-1"),
			==, 0);

	/* A longer title reaches the middle. */
	zt_window_set_title(red, "zion test window with a much longer title");
	int white = 0;
	for (int i = 0; i < 100 && white == 0; i++) {
		white = zt_compositor_count_pixels(compositor, FRAME_X + 200, bar_y, 120,
						   bar_height, WHITE, "frame-2-title");
		if (white == 0)
			g_usleep(20000);
	}
	g_assert_cmpint(white, >, 20);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* A window's popups (menus) show over its frame, and slide back onto the output when they would
 * leave it. */
static void test_popups(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	/* From (420, 201) to (480, 241): over the title bar and the left border. */
	zt_window_open_popup(red, -20, -20, 60, 40, 0xff00ff00);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X - 10, WINDOW_Y - 10, GREEN,
						 "popup-1-over-frame"),
			==, GREEN);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X - 2, WINDOW_Y + 10, "popup-1-over-frame"),
		==, GREEN);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 30, WINDOW_Y + 10, "popup-1-over-frame"),
		==, GREEN);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 50, WINDOW_Y + 30, "popup-1-over-frame"),
		==, RED);
	zt_window_destroy(red);

	/* Asked for from x 1340 to 1440, past the output's right edge: slid to end at 1280. */
	red = zt_window_open(work, 400, 300, 0xffff0000);
	zt_window_open_popup(red, 900, 100, 100, 50, 0xff00ff00);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WIDTH - 1, WINDOW_Y + 120, GREEN,
						 "popup-2-slid"),
			==, GREEN);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WIDTH - 100, WINDOW_Y + 120, "popup-2-slid"), ==,
		GREEN);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WIDTH - 101, WINDOW_Y + 120, "popup-2-slid"), ==,
		BLACK);
	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* (b) A click focuses the window under the pointer, raises it and lights its frame up; a window
 * of a desktop not shown is out of reach. */
static void test_click_focus(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *first = zt_window_open(work, 400, 300, 0xffff0000);
	/* Cascaded: its frame from (568, 327), the window from (572, 353) to (772, 453). */
	ZtWindow *second = zt_window_open(work, 200, 100, 0xff0000ff);
	/* Larger, behind the others: its frame from (236, 45). */
	ZtWindow *hidden = zt_window_open(play, 800, 600, 0xff00ff00);
	zt_client_roundtrip(work);
	zt_client_roundtrip(play);
	g_assert_true(zt_window_activated(second));
	g_assert_false(zt_window_activated(first));
	g_assert_false(zt_window_activated(hidden));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 672, 403, BLUE, "click-1-second"), ==,
			BLUE);
	uint32_t first_bar = zt_compositor_pixel(compositor, FRAME_X + 2, FRAME_Y + 2, "click-1");
	g_assert_true(dimmer(first_bar, WORK));
	g_assert_cmphex(zt_compositor_pixel(compositor, 570, 329, "click-1"), ==, WORK);

	zt_pointer_click(pointer, WINDOW_X + 20, WINDOW_Y + 20, BTN_LEFT);
	zt_client_roundtrip(work);
	zt_client_roundtrip(play);
	g_assert_true(zt_window_activated(first));
	g_assert_false(zt_window_activated(second));
	g_assert_false(zt_window_activated(hidden));
	/* Raised over the second, which it covers entirely, in full colour. */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 672, 403, RED, "click-2-first"), ==,
			RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, FRAME_X + 2, FRAME_Y + 2, "click-2-first"),
			==, WORK);

	/* On an empty stretch of the work desktop, where the play desktop's window would be, a
	 * click changes nothing. */
	zt_pointer_click(pointer, 300, 100, BTN_LEFT);
	zt_client_roundtrip(work);
	zt_client_roundtrip(play);
	g_assert_true(zt_window_activated(first));
	g_assert_false(zt_window_activated(hidden));

	zt_window_destroy(hidden);
	zt_window_destroy(second);
	zt_window_destroy(first);
	zt_compositor_stop(compositor);
}

/* (c) Super+left drag moves a window by the distance dragged; without Super the drag is the
 * window's. */
static void test_super_move(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, RED,
						 "move-1-before"),
			==, RED);

	zt_pointer_drag(pointer, BTN_LEFT, 640, 400, 50, 50);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, "move-2-plain"),
			==, RED);

	zt_pointer_hold_super(pointer, TRUE);
	zt_pointer_drag(pointer, BTN_LEFT, 640, 400, 200, 100);
	zt_pointer_hold_super(pointer, FALSE);
	/* Now from (640, 321) to (1040, 621). */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 205, WINDOW_Y + 105, RED,
						 "move-3-moved"),
			==, RED);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 599, WINDOW_Y + 399, "move-3-moved"), ==,
		RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 250, WINDOW_Y + 100 - 24,
					    "move-3-moved"),
			==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, "move-3-moved"),
			==, BLACK);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 150, WINDOW_Y + 200, "move-3-moved"), ==,
		BLACK);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* A left drag on the title bar moves the window too. */
static void test_title_bar_move(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, RED,
						 "title-move-1-before"),
			==, RED);

	zt_pointer_drag(pointer, BTN_LEFT, 640, FRAME_Y + 13, -100, -50);
	/* Now from (340, 171) to (740, 471). */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X - 95, WINDOW_Y - 45, RED,
						 "title-move-2-moved"),
			==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 295, WINDOW_Y + 245,
					    "title-move-2-moved"),
			==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 360, WINDOW_Y + 280,
					    "title-move-2-moved"),
			==, BLACK);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* A window that draws its own title bar (GTK4) asks to be moved or resized while a button is down
 * on it; the compositor follows the pointer until the release. A request naming a press that is
 * over is refused. */
static void test_client_requests(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	/* First, so that the window's seat has a pointer from the start. */
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, RED,
						 "request-1-before"),
			==, RED);

	zt_pointer_move_to(pointer, 640, 400);
	zt_pointer_button(pointer, BTN_LEFT, TRUE);
	zt_client_roundtrip(work);
	zt_window_request_move(red);
	zt_pointer_move_to(pointer, 690, 425);
	zt_pointer_move_to(pointer, 740, 450);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	/* Moved by (100, 50): from (540, 271) to (940, 571). */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 105, WINDOW_Y + 55, RED,
						 "request-2-moved"),
			==, RED);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, "request-2-moved"), ==,
		BLACK);

	/* The press is over: the same request again changes nothing. */
	zt_client_roundtrip(work);
	zt_window_request_move(red);
	zt_pointer_move_to(pointer, 540, 350);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 105, WINDOW_Y + 55, "request-3-refused"),
		==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, WINDOW_X + 495, WINDOW_Y + 345,
					    "request-3-refused"),
			==, RED);

	/* A resize from the bottom-right corner with a new press. */
	zt_pointer_move_to(pointer, 700, 450);
	zt_pointer_button(pointer, BTN_LEFT, TRUE);
	zt_client_roundtrip(work);
	zt_window_request_resize(red, XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT);
	zt_pointer_move_to(pointer, 750, 480);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	g_assert_true(wait_configured(work, red, 450, 330));

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* A real GTK4 app (gtk4-demo, with its own header bar) moves when its header bar is dragged: it
 * asks with xdg_toplevel.move once the pointer has gone past its drag threshold. */
static void test_gtk4_move(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, "work");
	/* GTK4 with its software renderer, no accessibility bus (the test has no session bus). */
	const char *const argv[] = { "env", "GSK_RENDERER=cairo", "GTK_A11Y=none", "gtk4-demo",
				     NULL };
	g_autoptr(GSubprocess) demo = zt_compositor_spawn(compositor, socket, argv);
	/* 800×600 in its frame from (236, 45) to (1044, 675), the header bar below the title bar
	 * from y 71; the frame shows once the window maps with its first buffer. */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 236, 400, WORK, "gtk4-1-before"), ==,
			WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 560, 94, "gtk4-1-before"), !=, WORK);

	zt_pointer_move_to(pointer, 560, 94);
	zt_pointer_button(pointer, BTN_LEFT, TRUE);
	/* Two pixels right and one down at a time until the frame follows. */
	int step = 0;
	gboolean moving = FALSE;
	while (!moving && step < 40) {
		step++;
		zt_pointer_move_to(pointer, 560 + 2 * step, 94 + step);
		moving = zt_compositor_pixel(compositor, 236, 400, "gtk4-2-moving") != WORK;
	}
	g_assert_true(moving);
	zt_pointer_move_to(pointer, 660, 144);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	/* Moved by (100, 50) less the distance before GTK asked: its left border is now between
	 * x 286 and 340, its title bar's top between y 70 and 95. */
	g_assert_cmpint(
		zt_compositor_count_pixels(compositor, 236, 400, 50, 1, BLACK, "gtk4-3-moved"), ==,
		50);
	g_assert_cmpint(
		zt_compositor_count_pixels(compositor, 286, 400, 54, 1, WORK, "gtk4-3-moved"), ==,
		4);
	g_assert_cmpint(
		zt_compositor_count_pixels(compositor, 700, 45, 1, 25, BLACK, "gtk4-3-moved"), ==,
		25);
	g_assert_cmpint(
		zt_compositor_count_pixels(compositor, 700, 70, 1, 51, WORK, "gtk4-3-moved"), ==,
		TITLE_HEIGHT);

	g_subprocess_force_exit(demo);
	zt_compositor_stop(compositor);
}

/* (d) Super+right drag resizes from the bottom-right corner, never below the window's minimum
 * size; the top-left corner stays. */
static void test_super_resize(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	zt_window_follow_configure(red);
	zt_window_set_min_size(red, 200, 150);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, RED,
						 "resize-1-before"),
			==, RED);

	zt_pointer_hold_super(pointer, TRUE);
	zt_pointer_drag(pointer, BTN_RIGHT, 640, 400, 100, 50);
	g_assert_true(wait_configured(work, red, 500, 350));
	/* The window drew itself at that size, in its frame, from the same corner. */
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 495, WINDOW_Y + 345, RED,
						 "resize-2-larger"),
			==, RED);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 502, WINDOW_Y + 345, "resize-2-larger"),
		==, WORK);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 5, WINDOW_Y + 5, "resize-2-larger"), ==,
		RED);

	/* Far up and left: the minimum size. */
	zt_pointer_drag(pointer, BTN_RIGHT, 640, 400, -600, -390);
	zt_pointer_hold_super(pointer, FALSE);
	g_assert_true(wait_configured(work, red, 200, 150));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, WINDOW_X + 220, WINDOW_Y + 100, BLACK,
						 "resize-3-minimum"),
			==, BLACK);
	g_assert_cmphex(
		zt_compositor_pixel(compositor, WINDOW_X + 195, WINDOW_Y + 145, "resize-3-minimum"),
		==, RED);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* (e) Maximised, frame and window fill the output (no panel: all of it is usable). */
static void test_maximize(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	zt_window_follow_configure(red);
	zt_window_maximize(red);
	g_assert_true(wait_configured(work, red, WIDTH - 8, HEIGHT - 30));
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, WIDTH - 5, HEIGHT - 5, RED, "maximize-1"), ==,
		RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 4, 26, "maximize-1"), ==, RED);
	g_assert_cmphex(zt_compositor_pixel(compositor, 0, 0, "maximize-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 640, 2, "maximize-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, 0, HEIGHT - 1, "maximize-1"), ==, WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, WIDTH - 1, HEIGHT - 1, "maximize-1"), ==,
			WORK);
	g_assert_cmphex(zt_compositor_pixel(compositor, WIDTH - 1, 360, "maximize-1"), ==, WORK);

	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* Whether window has its client's pointer at (x, y) in surface coordinates. */
static gboolean pointer_at(ZtWindow *window, double x, double y)
{
	double pointer_x, pointer_y;
	return zt_window_pointer_position(window, &pointer_x, &pointer_y) && pointer_x == x &&
	       pointer_y == y;
}

/* A button pressed in a window keeps the pointer there until it is released, wherever the pointer
 * goes (over another window, over nothing): drags inside a window go on past its edge, and the
 * release reaches the client that had the press. */
static void test_implicit_grab(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) a = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) b = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(a, 400, 300, 0xffff0000);
	/* Cascaded: the window from (472, 253) to (872, 553). */
	ZtWindow *blue = zt_window_open(b, 400, 300, 0xff0000ff);

	/* Left of the blue window's frame: the red window's. */
	zt_pointer_move_to(pointer, WINDOW_X + 10, WINDOW_Y + 19);
	zt_pointer_button(pointer, BTN_LEFT, TRUE);
	zt_client_roundtrip(a);
	g_assert_true(pointer_at(red, 10, 19));

	/* Over the blue window where the raised red one leaves it uncovered, then over nothing. */
	zt_pointer_move_to(pointer, 860, 400);
	zt_client_roundtrip(a);
	zt_client_roundtrip(b);
	g_assert_true(pointer_at(red, 860 - WINDOW_X, 400 - WINDOW_Y));
	double x, y;
	g_assert_false(zt_window_pointer_position(blue, &x, &y));
	zt_pointer_move_to(pointer, 1000, 650);
	zt_client_roundtrip(a);
	g_assert_true(pointer_at(red, 1000 - WINDOW_X, 650 - WINDOW_Y));

	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	zt_client_roundtrip(a);
	zt_client_roundtrip(b);
	int presses, releases;
	zt_client_pointer_buttons(a, &presses, &releases);
	g_assert_cmpint(presses, ==, 1);
	g_assert_cmpint(releases, ==, 1);
	zt_client_pointer_buttons(b, &presses, &releases);
	g_assert_cmpint(presses, ==, 0);
	g_assert_cmpint(releases, ==, 0);
	/* Released over nothing, the pointer leaves; with no button down it follows the pointer. */
	g_assert_false(zt_window_pointer_position(red, &x, &y));
	zt_pointer_move_to(pointer, 860, 400);
	zt_client_roundtrip(a);
	zt_client_roundtrip(b);
	g_assert_true(pointer_at(blue, 860 - 472, 400 - 253));
	g_assert_false(zt_window_pointer_position(red, &x, &y));

	zt_window_destroy(blue);
	zt_window_destroy(red);
	zt_compositor_stop(compositor);
}

/* Once a pointer moves, its cursor shows, even with no cursor theme to draw it from. */
static void test_cursor_without_theme(void)
{
	g_setenv("XCURSOR_THEME", "zion-no-such-theme", TRUE);
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_unsetenv("XCURSOR_THEME");
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_assert_cmpint(
		zt_compositor_count_pixels(compositor, 200, 200, 16, 16, BLACK, "cursor-1-none"),
		==, 16 * 16);
	zt_pointer_move_to(pointer, 200, 200);
	int black = 16 * 16;
	for (int i = 0; i < 100 && black == 16 * 16; i++) {
		black = zt_compositor_count_pixels(compositor, 200, 200, 16, 16, BLACK,
						   "cursor-2-shown");
		if (black == 16 * 16)
			g_usleep(20000);
	}
	g_assert_cmpint(black, <, 16 * 16 - 20);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/windows/frame", test_frame);
	g_test_add_func("/windows/popups", test_popups);
	g_test_add_func("/windows/click-focus", test_click_focus);
	g_test_add_func("/windows/super-move", test_super_move);
	g_test_add_func("/windows/title-bar-move", test_title_bar_move);
	g_test_add_func("/windows/client-requests", test_client_requests);
	g_test_add_func("/windows/gtk4-move", test_gtk4_move);
	g_test_add_func("/windows/super-resize", test_super_resize);
	g_test_add_func("/windows/maximize", test_maximize);
	g_test_add_func("/windows/implicit-grab", test_implicit_grab);
	g_test_add_func("/windows/cursor-without-theme", test_cursor_without_theme);
	return g_test_run();
}
