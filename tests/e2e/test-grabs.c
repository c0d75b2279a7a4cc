/*
 * Grabs stay within the shown desktop: a popup grab taken by a window of one desktop does not keep
 * the keyboard once another desktop is shown, whatever serial it passed, and popups with no usable
 * parent leave the compositor running.
 */
#include "zion-test-client.h"
#include "zion-test-compositor.h"

#define CONFIG                                                                                     \
	"[compositor]\noverlay-ms=0\n[desktop work]\ncolor=#3584e4\n[desktop "                     \
	"play]\ncolor=#e01b24\n"

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };
static const char *const secret[] = { "secret", NULL };

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

static void settle(ZtClient *a, ZtClient *b)
{
	for (int i = 0; i < 10; i++) {
		zt_client_roundtrip(a);
		zt_client_roundtrip(b);
		g_usleep(10000);
	}
}

static void test_popup_grab_does_not_cross_desktops(void)
{
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	/* The seat gets its keyboard from wtype's first key, before the clients bind it. */
	zt_compositor_type(compositor, super_1);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtWindow *work_window = zt_window_open(work, 200, 200, 0xffff0000);
	ZtWindow *play_window = zt_window_open(play, 200, 200, 0xff0000ff);
	settle(work, play);

	/* A grab with a made-up serial, then the user goes to play and types. */
	zt_window_grab_popup(work_window, 0);
	zt_compositor_type(compositor, super_2);
	guint work_before = zt_client_keys_pressed(work);
	zt_compositor_type(compositor, secret);
	settle(work, play);
	g_assert_cmpuint(zt_client_keys_pressed(work), ==, work_before);
	g_assert_cmpuint(zt_client_keys_pressed(play), >=, 6);

	/* Taken again while play is shown, the grab is ended as well. */
	zt_window_grab_popup(work_window, 0);
	settle(work, play);
	guint play_before = zt_client_keys_pressed(play);
	zt_compositor_type(compositor, secret);
	settle(work, play);
	g_assert_cmpuint(zt_client_keys_pressed(work), ==, work_before);
	g_assert_cmpuint(zt_client_keys_pressed(play), >=, play_before + 6);

	zt_window_destroy(work_window);
	zt_window_destroy(play_window);
	zt_compositor_stop(compositor);
}

static void test_orphan_popup(void)
{
	ZtCompositor *compositor = zt_compositor_start(CONFIG);
	g_autoptr(ZtClient) bystander = connect_desktop(compositor, "work");
	ZtWindow *window = zt_window_open(bystander, 200, 200, 0xff00ff00);
	for (int i = 0; i < 3; i++) {
		g_autoptr(ZtClient) rogue = connect_desktop(compositor, "work");
		zt_client_orphan_popup(rogue);
		g_usleep(50000);
	}
	zt_client_roundtrip(bystander);
	g_assert_true(zt_compositor_alive(compositor));
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, 640, 360, 0x00ff00, "orphan-popup"),
			==, 0x00ff00);
	zt_window_destroy(window);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/grabs/popup-grab-does-not-cross-desktops",
			test_popup_grab_does_not_cross_desktops);
	g_test_add_func("/grabs/orphan-popup", test_orphan_popup);
	return g_test_run();
}
