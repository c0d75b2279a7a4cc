/*
 * zion-compositor end to end, headless: drag and drop stays on the shown desktop. A drag between
 * two windows of the desktop on screen carries its data; a drag a client of a hidden desktop tries
 * to start is refused (its source hears it is cancelled) and no window sees it; showing another
 * desktop during a drag ends it, cancelled for its source, dropped nowhere. The pointer is a
 * virtual one on the privileged socket, as a user's input tools would drive it.
 */
#include <linux/input-event-codes.h>

#include "zion-test-client.h"
#include "zion-test-compositor.h"
#include "zion-test-dnd.h"
#include "zion-test-pointer.h"

/* Without the name overlay, which would cover the middle of the screen after each switch. */
#define TWO_DESKTOPS                                                                               \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
/* The headless output is 1280×720. A 600×400 window opens centred (its surface from 340, 175),
 * the next one 32 pixels further right and down: a 1000×100 one reaches past both sides of the
 * first (its surface from 172, 353), so that it stays in sight when the first is raised by the
 * click that starts a drag. SOURCE is in the first window only, TARGET in the second only. */
#define WIDTH 1280
#define HEIGHT 720
#define SOURCE_X 400
#define SOURCE_Y 250
#define TARGET_X 1050
#define TARGET_Y 400
#define BLUE 0x0000ff
#define GREEN 0x00ff00

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

/* Moves the pointer to x, y in a few steps, letting target see each one. A target answers an
 * enter with its accept while it dispatches: the second round trip sends that answer and returns
 * once the compositor has handled it, before the pointer does anything else. */
static void move(ZtPointer *pointer, ZtClient *target, int from_x, int from_y, int x, int y)
{
	const int steps = 4;
	for (int i = 1; i <= steps; i++) {
		zt_pointer_move_to(pointer, from_x + (x - from_x) * i / steps,
				   from_y + (y - from_y) * i / steps);
		zt_client_roundtrip(target);
		zt_client_roundtrip(target);
	}
}

/* Presses the left button at x, y and asserts the window there got it. */
static void press_in(ZtPointer *pointer, ZtWindow *window, ZtClient *client, int x, int y)
{
	zt_pointer_move_to(pointer, x, y);
	zt_pointer_button(pointer, BTN_LEFT, TRUE);
	zt_client_roundtrip(client);
	double sx, sy;
	g_assert_true(zt_window_pointer_position(window, &sx, &sy));
	g_assert_cmpuint(zt_client_button_serial(client), !=, 0);
}

static void test_between_windows(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) source = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) target = connect_desktop(compositor, "work");
	ZtWindow *red = zt_window_open(source, 600, 400, 0xffff0000);
	ZtWindow *blue = zt_window_open(target, 1000, 100, 0xff0000ff);
	g_autoptr(ZtDnd) source_dnd = zt_dnd_new(source);
	g_autoptr(ZtDnd) target_dnd = zt_dnd_new(target);

	press_in(pointer, red, source, SOURCE_X, SOURCE_Y);
	zt_dnd_start_drag(source_dnd, red, "dragged from work", 0);
	move(pointer, target, SOURCE_X, SOURCE_Y, TARGET_X, TARGET_Y);
	g_assert_cmpuint(zt_dnd_enters(target_dnd), ==, 1);
	g_assert_cmpuint(zt_dnd_motions(target_dnd), >, 0);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	g_assert_cmpuint(zt_dnd_drops(target_dnd), ==, 1);

	g_autofree char *dropped = zt_dnd_receive(target_dnd);
	g_assert_cmpstr(dropped, ==, "dragged from work");
	g_assert_true(zt_dnd_source_finished(source_dnd));
	g_assert_false(zt_dnd_source_cancelled(source_dnd));

	g_clear_pointer(&source_dnd, zt_dnd_free);
	g_clear_pointer(&target_dnd, zt_dnd_free);
	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* A client of the hidden desktop starts a drag, with the serial of the last press it saw and with
 * the serials around it, while the user holds the button in a window of the shown desktop. */
static void test_hidden_desktop_refused(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) hidden = connect_desktop(compositor, "play");
	g_autoptr(ZtClient) source = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) target = connect_desktop(compositor, "work");
	ZtWindow *green = zt_window_open(hidden, 600, 400, 0xff00ff00);
	ZtWindow *red = zt_window_open(source, 600, 400, 0xffff0000);
	ZtWindow *blue = zt_window_open(target, 1000, 100, 0xff0000ff);
	g_autoptr(ZtDnd) hidden_dnd = zt_dnd_new(hidden);
	g_autoptr(ZtDnd) source_dnd = zt_dnd_new(source);
	g_autoptr(ZtDnd) target_dnd = zt_dnd_new(target);

	/* The play window got a click while play was shown. */
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, SOURCE_X, SOURCE_Y, GREEN, "hidden-1-play"),
		==, GREEN);
	press_in(pointer, green, hidden, SOURCE_X, SOURCE_Y);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	uint32_t hidden_serial = zt_client_button_serial(hidden);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, TARGET_X, TARGET_Y, BLUE, "hidden-2-work"), ==,
		BLUE);

	press_in(pointer, red, source, SOURCE_X, SOURCE_Y);
	uint32_t shown_serial = zt_client_button_serial(source);
	const uint32_t serials[] = { hidden_serial, shown_serial - 1, shown_serial,
				     shown_serial + 1 };
	for (gsize i = 0; i < G_N_ELEMENTS(serials); i++) {
		zt_dnd_start_drag(hidden_dnd, green, "from a hidden desktop", serials[i]);
		g_assert_true(zt_dnd_source_cancelled(hidden_dnd));
	}
	/* The pointer, still held, goes on as before: over the target window, no drag enters. */
	move(pointer, target, SOURCE_X, SOURCE_Y, TARGET_X, TARGET_Y);
	int presses, releases;
	zt_client_pointer_buttons(source, &presses, &releases);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	int releases_before = releases;
	zt_client_roundtrip(source);
	zt_client_pointer_buttons(source, &presses, &releases);
	g_assert_cmpint(releases, ==, releases_before + 1);
	g_assert_cmpuint(zt_dnd_enters(target_dnd), ==, 0);
	g_assert_cmpuint(zt_dnd_enters(source_dnd), ==, 0);
	g_assert_cmpuint(zt_dnd_drops(target_dnd), ==, 0);

	/* The shown desktop's own drags still work. */
	press_in(pointer, red, source, SOURCE_X, SOURCE_Y);
	zt_dnd_start_drag(source_dnd, red, "from work", 0);
	move(pointer, target, SOURCE_X, SOURCE_Y, TARGET_X, TARGET_Y);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	g_autofree char *dropped = zt_dnd_receive(target_dnd);
	g_assert_cmpstr(dropped, ==, "from work");
	g_assert_true(zt_compositor_alive(compositor));

	g_clear_pointer(&hidden_dnd, zt_dnd_free);
	g_clear_pointer(&source_dnd, zt_dnd_free);
	g_clear_pointer(&target_dnd, zt_dnd_free);
	zt_window_destroy(green);
	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* Super+2 in the middle of a drag: the drag ends there, its source cancelled, and nothing is
 * dropped when the button comes up. */
static void test_switch_ends_drag(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtPointer) pointer = zt_pointer_new(compositor, WIDTH, HEIGHT);
	g_autoptr(ZtClient) source = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) target = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) other = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(source, 600, 400, 0xffff0000);
	ZtWindow *blue = zt_window_open(target, 1000, 100, 0xff0000ff);
	ZtWindow *green = zt_window_open(other, 600, 400, 0xff00ff00);
	g_autoptr(ZtDnd) source_dnd = zt_dnd_new(source);
	g_autoptr(ZtDnd) target_dnd = zt_dnd_new(target);
	g_autoptr(ZtDnd) other_dnd = zt_dnd_new(other);

	press_in(pointer, red, source, SOURCE_X, SOURCE_Y);
	zt_dnd_start_drag(source_dnd, red, "dragged across", 0);
	move(pointer, target, SOURCE_X, SOURCE_Y, TARGET_X, TARGET_Y);
	g_assert_cmpuint(zt_dnd_enters(target_dnd), ==, 1);

	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, SOURCE_X, SOURCE_Y, GREEN, "switch-1-play"),
		==, GREEN);
	g_assert_true(zt_dnd_source_cancelled(source_dnd));
	g_assert_cmpuint(zt_dnd_leaves(target_dnd), ==, 1);
	/* Moving over play's window and letting go drops nothing anywhere. */
	move(pointer, other, TARGET_X, TARGET_Y, SOURCE_X, SOURCE_Y);
	zt_pointer_button(pointer, BTN_LEFT, FALSE);
	g_assert_cmpuint(zt_dnd_enters(other_dnd), ==, 0);
	g_assert_cmpuint(zt_dnd_drops(other_dnd), ==, 0);
	g_assert_cmpuint(zt_dnd_drops(target_dnd), ==, 0);

	/* The pointer is free again: a click reaches play's window. */
	int presses, releases;
	zt_client_pointer_buttons(other, &presses, &releases);
	int presses_before = presses;
	zt_pointer_click(pointer, SOURCE_X, SOURCE_Y, BTN_LEFT);
	zt_client_roundtrip(other);
	zt_client_pointer_buttons(other, &presses, &releases);
	g_assert_cmpint(presses, ==, presses_before + 1);

	g_clear_pointer(&source_dnd, zt_dnd_free);
	g_clear_pointer(&target_dnd, zt_dnd_free);
	g_clear_pointer(&other_dnd, zt_dnd_free);
	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_window_destroy(green);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dnd/between-windows", test_between_windows);
	g_test_add_func("/dnd/hidden-desktop-refused", test_hidden_desktop_refused);
	g_test_add_func("/dnd/switch-ends-drag", test_switch_ends_drag);
	return g_test_run();
}
