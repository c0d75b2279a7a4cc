/*
 * zion-compositor end to end, headless: each desktop has its own clipboard. A copy in one desktop
 * is not readable in another, and does not replace the other's; the only way across is the
 * transfer (Super+Shift+C, then Super+Shift+V on the other desktop and Enter on the question the
 * compositor asks), which empties the slot and never pastes back into the desktop it came from.
 * With the test client and with wl-clipboard (wl-copy, wl-paste), primary selection included.
 */
#include <gio/gio.h>
#include <wayland-client.h>

#include "zion-test-client.h"
#include "zion-test-clipboard.h"
#include "zion-test-compositor.h"

/* Without the name overlay, which would cover the middle of the screen after each switch. */
#define TWO_DESKTOPS                                                                               \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"
/* The middle of the headless output (1280×720), where windows open and the compositor asks. */
#define CX 640
#define CY 360
/* Inside the compositor's 64-pixel-high message, above its text. */
#define MESSAGE_Y (CY - 28)
#define RED 0xff0000
#define BLUE 0x0000ff
/* The compositor's message colours: the question, a finished copy, a refusal. */
#define QUESTION 0xf5c211
#define DONE 0x3d3846
#define REFUSAL 0xa51d2d

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };
static const char *const copy_keys[] = { "-M", "logo",	"-M", "shift", "c",
					 "-m", "shift", "-m", "logo",  NULL };
static const char *const paste_keys[] = { "-M", "logo",	 "-M", "shift", "v",
					  "-m", "shift", "-m", "logo",	NULL };
static const char *const enter[] = { "-k", "Return", NULL };
static const char *const escape[] = { "-k", "Escape", NULL };

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

/* Headless, the seat has a keyboard once a virtual one typed; a client needs it to hear that it
 * has the focus, and a focus to copy. Super+1 shows the desktop already shown: nothing happens. */
static ZtCompositor *start(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	zt_compositor_type(compositor, super_1);
	return compositor;
}

static void assert_paste(ZtClipboard *clipboard, const char *expected)
{
	g_autofree char *text = zt_clipboard_paste(clipboard);
	g_assert_cmpstr(text, ==, expected);
}

static void test_per_desktop(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);

	zt_clipboard_copy(work_clipboard, "copied in work");
	assert_paste(work_clipboard, "copied in work");

	/* The other desktop's focused window is offered nothing. */
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "per-desktop-play"), ==,
			BLUE);
	assert_paste(play_clipboard, NULL);
	/* Its own copy neither cancels nor replaces work's. */
	zt_clipboard_copy(play_clipboard, "copied in play");
	assert_paste(play_clipboard, "copied in play");
	g_assert_true(zt_clipboard_owns_selection(work_clipboard));

	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "per-desktop-work"), ==,
			RED);
	assert_paste(work_clipboard, "copied in work");
	assert_paste(play_clipboard, NULL);
	g_assert_true(zt_clipboard_owns_selection(play_clipboard));

	/* A newer copy in the same desktop replaces the older, which hears it is cancelled. */
	g_autoptr(ZtClient) other = connect_desktop(compositor, "work");
	ZtWindow *green = zt_window_open(other, 200, 100, 0xff00ff00);
	g_autoptr(ZtClipboard) other_clipboard = zt_clipboard_new(other);
	zt_clipboard_copy(other_clipboard, "copied again in work");
	g_assert_false(zt_clipboard_owns_selection(work_clipboard));
	assert_paste(other_clipboard, "copied again in work");

	g_clear_pointer(&other_clipboard, zt_clipboard_free);
	zt_window_destroy(green);
	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

static void test_transfer(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);

	/* Nothing copied yet: nothing to paste. */
	zt_compositor_type(compositor, super_2);
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, REFUSAL,
						 "transfer-0-slot-empty"),
			==, REFUSAL);
	zt_compositor_type(compositor, super_1);

	/* Super+Shift+C: the compositor reads work's selection into the slot. */
	zt_clipboard_copy(work_clipboard, "a secret of work");
	zt_compositor_type(compositor, copy_keys);
	g_assert_true(zt_clipboard_serve(work_clipboard));
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, DONE, "transfer-1-copied"), ==,
		DONE);
	/* Never back into work. */
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, REFUSAL, "transfer-2-not-back"),
		==, REFUSAL);
	g_assert_true(zt_clipboard_owns_selection(work_clipboard));

	/* In play, still nothing, until the question is answered. */
	zt_compositor_type(compositor, super_2);
	assert_paste(play_clipboard, NULL);
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, QUESTION,
						 "transfer-3-question"),
			==, QUESTION);
	assert_paste(play_clipboard, NULL);
	/* The compositor keeps the keyboard while it asks: Super+1 does not switch. */
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, MESSAGE_Y, "transfer-4-still-asking"),
			==, QUESTION);
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, CY - 100, "transfer-4-still-asking"),
			==, BLUE);

	/* Escape: no. */
	zt_compositor_type(compositor, escape);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, BLUE, "transfer-5-cancelled"),
		==, BLUE);
	assert_paste(play_clipboard, NULL);

	/* Asked again, Enter: play has exactly work's text, and the slot is empty. */
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, QUESTION,
						 "transfer-6-question"),
			==, QUESTION);
	zt_compositor_type(compositor, enter);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, BLUE, "transfer-7-pasted"), ==,
		BLUE);
	assert_paste(play_clipboard, "a secret of work");
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, REFUSAL,
						 "transfer-8-slot-wiped"),
			==, REFUSAL);
	/* Work keeps its own, untouched. */
	g_assert_true(zt_clipboard_owns_selection(work_clipboard));
	zt_compositor_type(compositor, super_1);
	assert_paste(work_clipboard, "a secret of work");

	/* A copy in play replaces the pasted text, as any copy would. */
	zt_compositor_type(compositor, super_2);
	zt_clipboard_copy(play_clipboard, "play's own");
	assert_paste(play_clipboard, "play's own");

	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* Runs a wl-paste on desktop until it prints expected (applications set the selection in their
 * own time); returns what it printed last, NULL for nothing. */
static char *wl_paste(ZtCompositor *compositor, const char *desktop, gboolean primary,
		      const char *expected)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	const char *const argv[] = { "wl-paste", "--no-newline", primary ? "--primary" : NULL,
				     NULL };
	char *text = NULL;
	for (int attempt = 0; attempt < 50; attempt++) {
		g_clear_pointer(&text, g_free);
		int status;
		text = zt_compositor_run_output(compositor, socket, argv, &status);
		if (status != 0)
			g_clear_pointer(&text, g_free);
		if (g_strcmp0(text, expected) == 0)
			break;
		g_usleep(20000);
	}
	return text;
}

static GSubprocess *wl_copy(ZtCompositor *compositor, const char *desktop, gboolean primary,
			    const char *text)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	const char *const argv[] = { "wl-copy", "--foreground", text, primary ? "--primary" : NULL,
				     NULL };
	return zt_compositor_spawn(compositor, socket, argv);
}

static void assert_wl_paste(ZtCompositor *compositor, const char *desktop, gboolean primary,
			    const char *expected)
{
	g_autofree char *text = wl_paste(compositor, desktop, primary, expected);
	g_assert_cmpstr(text, ==, expected);
}

/* wl-clipboard on a desktop socket has no data control and goes through a window of its own. */
static void test_wl_clipboard(void)
{
	ZtCompositor *compositor = start();
	/* wl-clipboard waits for a keymap, which the seat sends once it has a keyboard: this
	 * virtual one stays (its Super+2 shows it is there), the seat falls back to it after each
	 * wtype. */
	const char *const keeper_keys[] = { "wtype", "-M", "logo",  "2", "-m",
					    "logo",  "-s", "60000", NULL };
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(GSubprocess) keeper =
		zt_compositor_spawn(compositor, zt_compositor_socket(compositor), keeper_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "wl-keeper"), ==, BLUE);
	zt_compositor_type(compositor, super_1);
	g_autoptr(GSubprocess) copy = wl_copy(compositor, "work", FALSE, "wl-copy in work");
	g_autoptr(GSubprocess) primary = wl_copy(compositor, "work", TRUE, "selected in work");
	assert_wl_paste(compositor, "work", FALSE, "wl-copy in work");
	assert_wl_paste(compositor, "work", TRUE, "selected in work");

	zt_compositor_type(compositor, super_2);
	/* Nothing for play, and each try is a full wl-paste: a few are enough. */
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, "play");
	const char *const paste[] = { "wl-paste", "--no-newline", NULL };
	const char *const paste_primary[] = { "wl-paste", "--no-newline", "--primary", NULL };
	for (int attempt = 0; attempt < 3; attempt++) {
		int status;
		g_autofree char *text =
			zt_compositor_run_output(compositor, socket, paste, &status);
		g_assert_cmpint(status, !=, 0);
		g_assert_cmpstr(text, ==, "");
		g_autofree char *selected =
			zt_compositor_run_output(compositor, socket, paste_primary, &status);
		g_assert_cmpint(status, !=, 0);
		g_assert_cmpstr(selected, ==, "");
	}

	/* The transfer, with wl-copy answering the compositor's read. */
	zt_compositor_type(compositor, super_1);
	zt_compositor_type(compositor, copy_keys);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, DONE, "wl-copied"), ==,
			DONE);
	zt_compositor_type(compositor, super_2);
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, QUESTION, "wl-question"), ==,
		QUESTION);
	zt_compositor_type(compositor, enter);
	assert_wl_paste(compositor, "play", FALSE, "wl-copy in work");
	/* The primary selection does not travel. */
	int status;
	g_autofree char *selected =
		zt_compositor_run_output(compositor, socket, paste_primary, &status);
	g_assert_cmpint(status, !=, 0);
	g_assert_cmpstr(selected, ==, "");

	g_subprocess_force_exit(copy);
	g_subprocess_force_exit(primary);
	g_subprocess_force_exit(keeper);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/clipboard/per-desktop", test_per_desktop);
	g_test_add_func("/clipboard/transfer", test_transfer);
	g_test_add_func("/clipboard/wl-clipboard", test_wl_clipboard);
	return g_test_run();
}
