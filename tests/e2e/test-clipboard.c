/*
 * zion-compositor end to end, headless: each desktop has its own clipboard. A copy in one desktop
 * is not readable in another, and does not replace the other's; the only way across is the
 * transfer (Super+Shift+C, then Super+Shift+V on the other desktop and Enter on the question the
 * compositor asks), which empties the slot and never pastes back into the desktop it came from.
 * With the test client and with wl-clipboard (wl-copy, wl-paste), primary selection included. The
 * transfer reads at most 16 MiB; the privileged socket's data control works on the shown desktop.
 */
#include <gio/gio.h>
#include <linux/input-event-codes.h>
#include <string.h>
#include <wayland-client.h>

#include "zion-test-client.h"
#include "zion-test-clipboard.h"
#include "zion-test-compositor.h"
#include "zion-test-pointer.h"

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

/* The primary selection (a highlight, pasted with a middle click) is per desktop too, and apart
 * from the clipboard. */
static void test_primary_per_desktop(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);

	zt_clipboard_select(work_clipboard, "selected in work");
	g_autofree char *work_selected = zt_clipboard_paste_primary(work_clipboard);
	g_assert_cmpstr(work_selected, ==, "selected in work");
	g_assert_null(zt_clipboard_paste(work_clipboard));

	/* Play's window is offered nothing of it. */
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "primary-play"), ==,
			BLUE);
	g_assert_null(zt_clipboard_paste_primary(play_clipboard));
	/* Its own highlight neither cancels nor replaces work's. */
	zt_clipboard_select(play_clipboard, "selected in play");
	g_autofree char *play_selected = zt_clipboard_paste_primary(play_clipboard);
	g_assert_cmpstr(play_selected, ==, "selected in play");
	g_assert_true(zt_clipboard_owns_primary(work_clipboard));

	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "primary-work"), ==, RED);
	g_autofree char *work_again = zt_clipboard_paste_primary(work_clipboard);
	g_assert_cmpstr(work_again, ==, "selected in work");
	g_assert_null(zt_clipboard_paste_primary(play_clipboard));
	g_assert_true(zt_clipboard_owns_primary(play_clipboard));

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

/* The question keeps the keyboard, but a key the window had pressed before it came up is released
 * in the window: otherwise the window would think it still held (and repeat it, or keep a
 * modifier). A key pressed while the question is up reaches the window neither pressed nor
 * released. */
static void test_question_key_releases(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);
	g_autoptr(ZtPointer) keyboard = zt_pointer_new(compositor, 1280, 720);

	zt_clipboard_copy(work_clipboard, "from work");
	zt_compositor_type(compositor, copy_keys);
	g_assert_true(zt_clipboard_serve(work_clipboard));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, DONE, "keys-1-copied"),
			==, DONE);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "keys-2-play"), ==,
			BLUE);

	/* A held in play's window, then the question. */
	zt_pointer_key(keyboard, KEY_A, TRUE);
	zt_client_roundtrip(play);
	g_assert_true(zt_client_key_held(play, KEY_A));
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, QUESTION, "keys-3-question"),
		==, QUESTION);
	zt_client_roundtrip(play);
	guint presses = zt_client_keys_pressed(play);
	guint releases = zt_client_keys_released(play);

	/* B, pressed while asked, is the compositor's; A's release is the window's. */
	zt_pointer_key(keyboard, KEY_B, TRUE);
	zt_pointer_key(keyboard, KEY_A, FALSE);
	zt_client_roundtrip(play);
	g_assert_false(zt_client_key_held(play, KEY_A));
	g_assert_cmpuint(zt_client_keys_released(play), ==, releases + 1);
	zt_pointer_key(keyboard, KEY_B, FALSE);
	zt_client_roundtrip(play);
	g_assert_false(zt_client_key_held(play, KEY_B));
	g_assert_cmpuint(zt_client_keys_pressed(play), ==, presses);
	g_assert_cmpuint(zt_client_keys_released(play), ==, releases + 1);

	/* Still asking: Escape answers. */
	g_assert_cmphex(zt_compositor_pixel(compositor, CX, MESSAGE_Y, "keys-4-still-asking"), ==,
			QUESTION);
	zt_compositor_type(compositor, escape);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, BLUE, "keys-5-cancelled"), ==,
		BLUE);
	g_assert_null(zt_clipboard_paste(play_clipboard));

	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* size bytes of text, every line different, so that a byte out of place shows. */
static char *text_of_size(gsize size)
{
	GString *text = g_string_sized_new(size + 64);
	for (guint line = 0; text->len < size; line++)
		g_string_append_printf(text, "line %u of a long selection\n", line);
	g_string_truncate(text, size);
	return g_string_free(text, FALSE);
}

/* The slot takes at most 16 MiB: a larger selection is refused and leaves the slot as it was
 * (empty here); 3 MiB go across intact. */
static void test_transfer_size(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);

	g_autofree char *huge = text_of_size(17 * 1024 * 1024);
	zt_clipboard_copy(work_clipboard, huge);
	zt_compositor_type(compositor, copy_keys);
	/* The application hands it over until the compositor stops reading. */
	g_assert_true(zt_clipboard_serve(work_clipboard));
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, REFUSAL, "size-1-too-large"),
		==, REFUSAL);
	zt_compositor_type(compositor, super_2);
	zt_compositor_type(compositor, paste_keys);
	/* No question: the slot is empty ("Nothing to paste"). */
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, REFUSAL, "size-2-slot-empty"),
		==, REFUSAL);
	g_assert_null(zt_clipboard_paste(play_clipboard));
	/* Work keeps its selection. */
	zt_compositor_type(compositor, super_1);
	g_assert_true(zt_clipboard_owns_selection(work_clipboard));

	g_autofree char *large = text_of_size(3 * 1024 * 1024);
	zt_clipboard_copy(work_clipboard, large);
	zt_compositor_type(compositor, copy_keys);
	g_assert_true(zt_clipboard_serve(work_clipboard));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, DONE, "size-3-copied"),
			==, DONE);
	zt_compositor_type(compositor, super_2);
	zt_compositor_type(compositor, paste_keys);
	g_assert_cmphex(
		zt_compositor_wait_pixel(compositor, CX, MESSAGE_Y, QUESTION, "size-4-question"),
		==, QUESTION);
	zt_compositor_type(compositor, enter);
	g_autofree char *pasted = zt_clipboard_paste(play_clipboard);
	g_assert_nonnull(pasted);
	g_assert_cmpuint(strlen(pasted), ==, strlen(large));
	g_assert_true(strcmp(pasted, large) == 0);

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

/* wl-paste on the privileged socket until it prints expected; returns what it printed last, NULL
 * for nothing. */
static char *wl_paste_privileged(ZtCompositor *compositor, const char *expected)
{
	const char *const argv[] = { "wl-paste", "--no-newline", NULL };
	char *text = NULL;
	for (int attempt = 0; attempt < 50; attempt++) {
		g_clear_pointer(&text, g_free);
		int status;
		text = zt_compositor_run_output(compositor, zt_compositor_socket(compositor), argv,
						&status);
		if (status != 0)
			g_clear_pointer(&text, g_free);
		if (g_strcmp0(text, expected) == 0)
			break;
		g_usleep(20000);
	}
	return text;
}

/* Polls the test client's paste until it is expected (wl-copy sets the selection in its own
 * time). */
static void assert_paste_soon(ZtClipboard *clipboard, const char *expected)
{
	char *text = NULL;
	for (int attempt = 0; attempt < 100; attempt++) {
		g_clear_pointer(&text, g_free);
		text = zt_clipboard_paste(clipboard);
		if (g_strcmp0(text, expected) == 0)
			break;
		g_usleep(20000);
	}
	g_assert_cmpstr(text, ==, expected);
	g_free(text);
}

/* wl-clipboard on the privileged socket has data control (the shell's clipboard manager): it sets
 * and reads the shown desktop's clipboard, and no other. */
static void test_data_control(void)
{
	ZtCompositor *compositor = start();
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *red = zt_window_open(work, 400, 300, 0xffff0000);
	ZtWindow *blue = zt_window_open(play, 400, 300, 0xff0000ff);
	g_autoptr(ZtClipboard) work_clipboard = zt_clipboard_new(work);
	g_autoptr(ZtClipboard) play_clipboard = zt_clipboard_new(play);
	const char *shell = zt_compositor_socket(compositor);

	/* Work shown: the shell's copy is work's, and only work's. */
	const char *const into_work[] = { "wl-copy", "--foreground", "shell into work", NULL };
	g_autoptr(GSubprocess) copy_work = zt_compositor_spawn(compositor, shell, into_work);
	assert_paste_soon(work_clipboard, "shell into work");
	g_autofree char *seen_in_work = wl_paste_privileged(compositor, "shell into work");
	g_assert_cmpstr(seen_in_work, ==, "shell into work");

	/* Play shown: the shell sees play's clipboard, empty, then play's own copy. */
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "data-control-play"), ==,
			BLUE);
	g_assert_null(zt_clipboard_paste(play_clipboard));
	int status;
	const char *const paste[] = { "wl-paste", "--no-newline", NULL };
	g_autofree char *nothing = zt_compositor_run_output(compositor, shell, paste, &status);
	g_assert_cmpint(status, !=, 0);
	g_assert_cmpstr(nothing, ==, "");
	zt_clipboard_copy(play_clipboard, "copied in play");
	g_autofree char *seen_in_play = wl_paste_privileged(compositor, "copied in play");
	g_assert_cmpstr(seen_in_play, ==, "copied in play");

	/* The shell's copy now replaces play's, and work keeps the shell's first copy. */
	const char *const into_play[] = { "wl-copy", "--foreground", "shell into play", NULL };
	g_autoptr(GSubprocess) copy_play = zt_compositor_spawn(compositor, shell, into_play);
	assert_paste_soon(play_clipboard, "shell into play");
	g_assert_false(zt_clipboard_owns_selection(play_clipboard));
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "data-control-work"), ==,
			RED);
	assert_paste_soon(work_clipboard, "shell into work");
	g_autofree char *back_in_work = wl_paste_privileged(compositor, "shell into work");
	g_assert_cmpstr(back_in_work, ==, "shell into work");

	g_subprocess_force_exit(copy_work);
	g_subprocess_force_exit(copy_play);
	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/clipboard/per-desktop", test_per_desktop);
	g_test_add_func("/clipboard/primary-per-desktop", test_primary_per_desktop);
	g_test_add_func("/clipboard/transfer", test_transfer);
	g_test_add_func("/clipboard/transfer-size", test_transfer_size);
	g_test_add_func("/clipboard/question-key-releases", test_question_key_releases);
	g_test_add_func("/clipboard/wl-clipboard", test_wl_clipboard);
	g_test_add_func("/clipboard/data-control", test_data_control);
	return g_test_run();
}
