/*
 * zion-compositor end to end, headless: sandbox sockets made with wp_security_context_manager_v1,
 * as Flatpak makes them. Both the privileged socket and a desktop's can make one; its clients see
 * fewer globals than desktop clients, and their windows go to the creator's desktop (or, for a
 * privileged creator, to the desktop shown when they connect). Closing the engine's end of close_fd
 * ends the socket; dead sandbox clients, departed creators and protocol errors harm nobody else.
 * The compositor refuses fds it could not use safely: a close_fd that can never hang up, a
 * listening socket registered twice, more than 64 sandbox sockets for one desktop.
 */
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>
#include <wayland-client.h>

#include "security-context-v1-client-protocol.h"
#include "zion-test-client.h"
#include "zion-test-compositor.h"
#include "zion-test-security-context.h"
#include "zion-test.h"

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

#define ENGINE "org.zion.test"
#define APP_ID "org.example.Viewer"

static const char *const super_1[] = { "-M", "logo", "1", "-m", "logo", NULL };
static const char *const super_2[] = { "-M", "logo", "2", "-m", "logo", NULL };

/* What only the session's tools get, and what a sandboxed app must not have either. */
static const char *const hidden_from_sandboxes[] = {
	"wp_security_context_manager_v1",
	"zwlr_screencopy_manager_v1",
	"zwp_virtual_keyboard_manager_v1",
	"zwlr_data_control_manager_v1",
	"zwlr_layer_shell_v1",
	"zwlr_output_manager_v1",
	"org_kde_kwin_idle",
	"zwp_primary_selection_device_manager_v1",
	"zwp_idle_inhibit_manager_v1",
	"xdg_activation_v1",
};
/* What a desktop client has and a sandboxed app loses. */
static const char *const desktop_not_sandbox[] = {
	"wp_security_context_manager_v1",
	"zwp_primary_selection_device_manager_v1",
	"zwp_idle_inhibit_manager_v1",
	"xdg_activation_v1",
};
/* What any app needs. */
static const char *const ordinary[] = {
	"wl_compositor", "wl_shm", "xdg_wm_base", "wl_seat", "wl_output", "wl_data_device_manager",
};

static ZtClient *connect_desktop(ZtCompositor *compositor, const char *desktop)
{
	g_autofree char *socket = zt_compositor_desktop_socket(compositor, desktop);
	return zt_client_connect(socket);
}

static ZtSecurityContext *sandbox_socket(ZtClient *creator, const char *instance_id)
{
	ZtSecurityContext *context = zt_security_context_new(creator);
	zt_security_context_commit(context, ENGINE, APP_ID, instance_id);
	return context;
}

static void assert_sandbox_globals(ZtClient *sandboxed)
{
	for (gsize i = 0; i < G_N_ELEMENTS(hidden_from_sandboxes); i++) {
		if (zt_client_has_global(sandboxed, hidden_from_sandboxes[i]))
			g_error("a sandbox client sees %s", hidden_from_sandboxes[i]);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(ordinary); i++)
		g_assert_true(zt_client_has_global(sandboxed, ordinary[i]));
}

/* The privileged socket and a desktop's can each make a sandbox socket; its clients lack what
 * both creators have. */
static void test_globals(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));
	g_autoptr(ZtClient) desktop = connect_desktop(compositor, "work");
	for (gsize i = 0; i < G_N_ELEMENTS(hidden_from_sandboxes); i++)
		g_assert_true(zt_client_has_global(shell, hidden_from_sandboxes[i]));
	for (gsize i = 0; i < G_N_ELEMENTS(desktop_not_sandbox); i++)
		g_assert_true(zt_client_has_global(desktop, desktop_not_sandbox[i]));

	ZtClient *creators[] = { shell, desktop };
	for (gsize i = 0; i < G_N_ELEMENTS(creators); i++) {
		ZtSecurityContext *context = sandbox_socket(creators[i], "globals");
		const char *path = zt_security_context_socket(context);
		g_autoptr(ZtClient) sandboxed = zt_client_connect(path);
		assert_sandbox_globals(sandboxed);
		/* Real tools on the sandbox socket find nothing to work with. */
		const char *const grim[] = { "grim", "/dev/null", NULL };
		g_assert_cmpint(zt_compositor_run(compositor, path, grim), !=, 0);
		const char *const wtype[] = { "wtype", "x", NULL };
		g_assert_cmpint(zt_compositor_run(compositor, path, wtype), !=, 0);
		zt_security_context_free(context);
	}
	zt_compositor_stop(compositor);
}

/* A desktop's sandbox clients open their windows on that desktop, whichever is shown; a
 * privileged creator's on the desktop shown when they connect. */
static void test_windows_on_desktops(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	g_autoptr(ZtClient) shell = zt_client_connect(zt_compositor_socket(compositor));

	/* Made by play while work is shown: the window goes to play. */
	ZtSecurityContext *of_play = sandbox_socket(play, "of-play");
	g_autoptr(ZtClient) app = zt_client_connect(zt_security_context_socket(of_play));
	ZtWindow *red = zt_window_open(app, 400, 300, 0xffff0000);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "sandbox-1-play"), ==,
			RED);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLACK, "sandbox-2-work"), ==,
			BLACK);

	/* Made by the shell while work is shown, connected to while play is: the window goes to
	 * play, over the red one. */
	ZtSecurityContext *of_shell = sandbox_socket(shell, "of-shell");
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "sandbox-3-play"), ==,
			RED);
	g_autoptr(ZtClient) other = zt_client_connect(zt_security_context_socket(of_shell));
	ZtWindow *blue = zt_window_open(other, 400, 300, 0xff0000ff);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "sandbox-4-play"), ==,
			BLUE);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLACK, "sandbox-5-work"), ==,
			BLACK);

	zt_window_destroy(red);
	zt_window_destroy(blue);
	zt_security_context_free(of_play);
	zt_security_context_free(of_shell);
	zt_compositor_stop(compositor);
}

/* The globals wayland-info (a real client) lists on socket. */
static char *wayland_info(ZtCompositor *compositor, const char *socket)
{
	const char *const argv[] = { "wayland-info", NULL };
	int status = -1;
	char *output = zt_compositor_run_output(compositor, socket, argv, &status);
	g_assert_cmpint(status, ==, 0);
	return output;
}

static gboolean lists(const char *wayland_info_output, const char *interface)
{
	g_autofree char *quoted = g_strdup_printf("'%s'", interface);
	return strstr(wayland_info_output, quoted) != NULL;
}

/* Real clients see the sandbox socket as a sandboxed app would: wayland-info lists what the desktop
 * socket lists less the hidden globals, and a terminal (foot, which uses primary selection and
 * xdg-activation when it has them) still opens its window, on the creator's desktop. */
static void test_real_clients(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) play = connect_desktop(compositor, "play");
	ZtSecurityContext *context = sandbox_socket(play, "real");
	const char *path = zt_security_context_socket(context);

	g_autofree char *play_socket = zt_compositor_desktop_socket(compositor, "play");
	g_autofree char *on_desktop = wayland_info(compositor, play_socket);
	g_autofree char *in_sandbox = wayland_info(compositor, path);
	for (gsize i = 0; i < G_N_ELEMENTS(desktop_not_sandbox); i++) {
		g_assert_true(lists(on_desktop, desktop_not_sandbox[i]));
		if (lists(in_sandbox, desktop_not_sandbox[i]))
			g_error("wayland-info on a sandbox socket lists %s",
				desktop_not_sandbox[i]);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(hidden_from_sandboxes); i++)
		g_assert_false(lists(in_sandbox, hidden_from_sandboxes[i]));
	for (gsize i = 0; i < G_N_ELEMENTS(ordinary); i++)
		g_assert_true(lists(in_sandbox, ordinary[i]));

	const char *const foot[] = { "foot", "--override=colors.background=00ff00", "sleep", "30",
				     NULL };
	g_autoptr(GSubprocess) terminal = zt_compositor_spawn(compositor, path, foot);
	zt_compositor_type(compositor, super_2);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, GREEN, "sandbox-foot"), ==,
			GREEN);
	zt_compositor_type(compositor, super_1);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLACK, "sandbox-foot-work"),
			==, BLACK);
	g_subprocess_force_exit(terminal);
	g_subprocess_wait(terminal, NULL, NULL);
	zt_security_context_free(context);
	zt_compositor_stop(compositor);
}

/* Tries to connect until the socket refuses; returns whether it did within a few seconds. */
static gboolean refused_soon(const char *path)
{
	for (int i = 0; i < 500; i++) {
		struct wl_display *display = wl_display_connect(path);
		if (!display)
			return TRUE;
		wl_display_disconnect(display);
		g_usleep(10000);
	}
	return FALSE;
}

/* Once the engine closes its end of the pipe, the socket takes no one new; who is connected stays.
 * Flatpak hands the compositor the pipe's write end, other engines the read end: both work. */
static void test_close_fd(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	const ZtCloseFdEnd ends[] = { ZT_CLOSE_FD_WRITE_END, ZT_CLOSE_FD_READ_END };
	const uint32_t colours[] = { 0xff00ff00, 0xffff0000 };
	const uint32_t pixels[] = { GREEN, RED };
	const char *const names[] = { "closed-socket-app-write-end", "closed-socket-app-read-end" };
	for (gsize i = 0; i < G_N_ELEMENTS(ends); i++) {
		ZtSecurityContext *context = zt_security_context_new_full(work, -1, ends[i]);
		zt_security_context_commit(context, ENGINE, APP_ID, "closing");
		const char *path = zt_security_context_socket(context);
		g_autoptr(ZtClient) app = zt_client_connect(path);

		zt_security_context_close(context);
		g_assert_true(refused_soon(path));
		ZtWindow *window = zt_window_open(app, 400, 300, colours[i]);
		g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, pixels[i], names[i]),
				==, pixels[i]);
		zt_window_destroy(window);
		zt_security_context_free(context);
	}
	zt_compositor_stop(compositor);
}

/* The socket outlives its creator, as the protocol asks; a context dropped before its commit
 * takes its socket with it; sandbox clients killed while drawing leave the compositor well. */
static void test_creator_gone_and_crashes(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	ZtClient *creator = connect_desktop(compositor, "work");
	ZtSecurityContext *context = sandbox_socket(creator, "orphan");
	ZtSecurityContext *uncommitted = zt_security_context_new(creator);
	g_autofree char *path = g_strdup(zt_security_context_socket(context));
	g_autofree char *uncommitted_path = g_strdup(zt_security_context_socket(uncommitted));
	int engine_fd = zt_security_context_steal_engine_fd(context);
	zt_security_context_free(uncommitted);
	zt_security_context_free(context);
	zt_client_free(creator);

	g_assert_true(refused_soon(uncommitted_path));
	g_autoptr(ZtClient) app = zt_client_connect(path);
	ZtWindow *red = zt_window_open(app, 400, 300, 0xffff0000);

	const char *const shm[] = { "weston-simple-shm", NULL };
	for (int i = 0; i < 3; i++) {
		g_autoptr(GSubprocess) crasher = zt_compositor_spawn(compositor, path, shm);
		g_usleep(50000 + 30000 * i);
		g_subprocess_force_exit(crasher);
		g_subprocess_wait(crasher, NULL, NULL);
	}
	g_assert_true(zt_compositor_alive(compositor));
	zt_client_roundtrip(app);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, RED, "orphan-app"), ==, RED);
	zt_window_destroy(red);

	/* The creator is gone, but whoever holds the engine's end of the pipe still ends the
	 * socket. */
	close(engine_fd);
	g_assert_true(refused_soon(path));
	zt_compositor_stop(compositor);
}

static void assert_protocol_error(ZtClient *client, const char *interface, uint32_t code)
{
	g_assert_cmpint(wl_display_roundtrip(zt_client_display(client)), <, 0);
	const char *failed = NULL;
	uint32_t failed_code = 0;
	g_assert_true(zt_client_protocol_error(client, &failed, &failed_code));
	g_assert_cmpstr(failed, ==, interface);
	g_assert_cmpuint(failed_code, ==, code);
}

/* Each misuse the protocol names ends the offender's connection with that error, and only
 * its. */
static void test_protocol_errors(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) bystander = connect_desktop(compositor, "work");
	ZtWindow *blue = zt_window_open(bystander, 400, 300, 0xff0000ff);

	/* The same metadata twice. */
	ZtClient *client = connect_desktop(compositor, "work");
	ZtSecurityContext *context = zt_security_context_new(client);
	wp_security_context_v1_set_app_id(zt_security_context_object(context), APP_ID);
	wp_security_context_v1_set_app_id(zt_security_context_object(context), APP_ID);
	assert_protocol_error(client, "wp_security_context_v1",
			      WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_SET);
	zt_security_context_free(context);
	zt_client_free(client);

	/* Two commits; the first one stands, and outlives its dead creator. */
	client = connect_desktop(compositor, "work");
	context = zt_security_context_new(client);
	wp_security_context_v1_commit(zt_security_context_object(context));
	wp_security_context_v1_commit(zt_security_context_object(context));
	assert_protocol_error(client, "wp_security_context_v1",
			      WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_USED);
	g_autoptr(ZtClient) app = zt_client_connect(zt_security_context_socket(context));
	g_assert_false(zt_client_has_global(app, "wp_security_context_manager_v1"));
	zt_security_context_free(context);
	zt_client_free(client);

	/* Metadata after the commit. */
	client = connect_desktop(compositor, "work");
	context = zt_security_context_new(client);
	wp_security_context_v1_commit(zt_security_context_object(context));
	wp_security_context_v1_set_instance_id(zt_security_context_object(context), "late");
	assert_protocol_error(client, "wp_security_context_v1",
			      WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_USED);
	zt_security_context_free(context);
	zt_client_free(client);

	/* An app id that is not UTF-8. */
	client = connect_desktop(compositor, "work");
	context = zt_security_context_new(client);
	wp_security_context_v1_set_app_id(zt_security_context_object(context), "org.\xff\xfe");
	assert_protocol_error(client, "wp_security_context_v1",
			      WP_SECURITY_CONTEXT_V1_ERROR_INVALID_METADATA);
	zt_security_context_free(context);
	zt_client_free(client);

	/* A pipe where the listening socket should be. */
	client = connect_desktop(compositor, "work");
	int pipe_fds[2];
	g_assert_cmpint(pipe(pipe_fds), ==, 0);
	close(pipe_fds[1]);
	context = zt_security_context_new_full(client, pipe_fds[0], ZT_CLOSE_FD_WRITE_END);
	assert_protocol_error(client, "wp_security_context_manager_v1",
			      WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD);
	zt_security_context_free(context);
	zt_client_free(client);

	g_assert_true(zt_compositor_alive(compositor));
	zt_client_roundtrip(bystander);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "errors-bystander"), ==,
			BLUE);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* Opens a window on path's socket and waits until it is on screen: the socket serves. */
static void assert_serves(ZtCompositor *compositor, const char *path, uint32_t argb,
			  const char *name)
{
	g_autoptr(ZtClient) app = zt_client_connect(path);
	g_assert_false(zt_client_has_global(app, "wp_security_context_manager_v1"));
	ZtWindow *window = zt_window_open(app, 400, 300, argb);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, argb & 0xffffff, name), ==,
			argb & 0xffffff);
	zt_window_destroy(window);
}

/* A close_fd that is neither a pipe nor a socket could never say the sandbox is gone, so the
 * listener would live as long as the compositor: refused, whatever file it is. */
static void test_close_fd_not_pipe(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) bystander = connect_desktop(compositor, "work");
	ZtWindow *blue = zt_window_open(bystander, 400, 300, 0xff0000ff);

	g_autofree char *file = zt_write_file(zt_temp_dir(), "regular", "not a pipe");
	const char *const not_pipes[] = { file, "/dev/null" };
	for (gsize i = 0; i < G_N_ELEMENTS(not_pipes); i++) {
		ZtClient *client = connect_desktop(compositor, "work");
		g_autofree char *path = g_build_filename(zt_temp_dir(), "wayland-sandbox", NULL);
		int listen_fd = zt_listening_socket(path);
		int close_fd = open(not_pipes[i], O_RDONLY | O_CLOEXEC);
		g_assert_cmpint(close_fd, >=, 0);
		ZtSecurityContext *context =
			zt_security_context_new_fds(client, listen_fd, close_fd);
		assert_protocol_error(client, "wp_security_context_manager_v1",
				      WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD);
		zt_security_context_free(context);
		zt_client_free(client);
		/* Nobody listens there: the compositor closed what it was given. */
		g_assert_null(wl_display_connect(path));
	}

	g_assert_true(zt_compositor_alive(compositor));
	zt_client_roundtrip(bystander);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "not-pipe-bystander"),
			==, BLUE);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

/* One listening socket is one sandbox socket: registering it again is refused, whether the first
 * registration was committed already or is committed first; the first one goes on serving. */
static void test_same_socket_twice(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) creator = connect_desktop(compositor, "work");
	g_autofree char *path = g_build_filename(zt_temp_dir(), "wayland-sandbox", NULL);
	int listen_fd = zt_listening_socket(path);
	ZtSecurityContext *first =
		zt_security_context_new_full(creator, dup(listen_fd), ZT_CLOSE_FD_WRITE_END);
	zt_security_context_commit(first, ENGINE, APP_ID, "first");

	/* Again, from another client, even of another desktop. */
	const char *const desktops[] = { "work", "play" };
	for (gsize i = 0; i < G_N_ELEMENTS(desktops); i++) {
		ZtClient *client = connect_desktop(compositor, desktops[i]);
		ZtSecurityContext *again =
			zt_security_context_new_full(client, dup(listen_fd), ZT_CLOSE_FD_WRITE_END);
		assert_protocol_error(client, "wp_security_context_manager_v1",
				      WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD);
		zt_security_context_free(again);
		zt_client_free(client);
	}
	close(listen_fd);
	assert_serves(compositor, path, 0xffff0000, "twice-1-first-serves");

	/* Two registrations of another socket, neither committed: the second commit is refused. */
	ZtClient *client = connect_desktop(compositor, "work");
	g_autofree char *other_path = g_build_filename(zt_temp_dir(), "wayland-sandbox", NULL);
	int other_fd = zt_listening_socket(other_path);
	ZtSecurityContext *one =
		zt_security_context_new_full(client, dup(other_fd), ZT_CLOSE_FD_WRITE_END);
	ZtSecurityContext *two =
		zt_security_context_new_full(client, other_fd, ZT_CLOSE_FD_WRITE_END);
	zt_security_context_commit(one, ENGINE, APP_ID, "one");
	wp_security_context_v1_commit(zt_security_context_object(two));
	assert_protocol_error(client, "wp_security_context_v1",
			      WP_SECURITY_CONTEXT_V1_ERROR_INVALID_METADATA);
	int one_engine_fd = zt_security_context_steal_engine_fd(one);
	zt_security_context_free(two);
	zt_security_context_free(one);
	zt_client_free(client);
	assert_serves(compositor, other_path, 0xff00ff00, "twice-2-one-serves");

	g_assert_true(zt_compositor_alive(compositor));
	close(one_engine_fd);
	zt_security_context_free(first);
	zt_compositor_stop(compositor);
}

#define MAX_SOCKETS 64

/* A desktop may have 64 sandbox sockets at once; the 65th is refused, the 64 go on serving,
 * another desktop is not held back, and once an engine closes one, there is room again. */
static void test_sockets_per_desktop(void)
{
	ZtCompositor *compositor = zt_compositor_start(TWO_DESKTOPS);
	g_autoptr(ZtClient) bystander = connect_desktop(compositor, "work");
	ZtWindow *blue = zt_window_open(bystander, 400, 300, 0xff0000ff);

	ZtClient *creator = connect_desktop(compositor, "play");
	ZtSecurityContext *contexts[MAX_SOCKETS];
	for (int i = 0; i < MAX_SOCKETS; i++) {
		contexts[i] = zt_security_context_new(creator);
		g_autofree char *instance = g_strdup_printf("instance-%d", i);
		zt_security_context_commit(contexts[i], ENGINE, APP_ID, instance);
	}
	ZtSecurityContext *too_many = zt_security_context_new(creator);
	assert_protocol_error(creator, "wp_security_context_manager_v1",
			      WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD);
	g_autofree char *refused_path = g_strdup(zt_security_context_socket(too_many));
	zt_security_context_free(too_many);
	g_assert_null(wl_display_connect(refused_path));

	/* The bystander and the 64 sockets are unharmed (the sockets outlive their creator). */
	g_assert_true(zt_compositor_alive(compositor));
	zt_client_roundtrip(bystander);
	g_assert_cmphex(zt_compositor_wait_pixel(compositor, CX, CY, BLUE, "limit-1-bystander"), ==,
			BLUE);
	for (int i = 0; i < MAX_SOCKETS; i++) {
		g_autoptr(ZtClient) app =
			zt_client_connect(zt_security_context_socket(contexts[i]));
		g_assert_true(zt_client_has_global(app, "wl_compositor"));
	}

	/* Another desktop has its own 64. */
	g_autoptr(ZtClient) work = connect_desktop(compositor, "work");
	ZtSecurityContext *of_work = sandbox_socket(work, "of-work");
	g_assert_false(zt_client_protocol_error(work, NULL, NULL));

	/* Play is still full, until an engine closes one of its sockets. */
	ZtClient *again = connect_desktop(compositor, "play");
	ZtSecurityContext *still_too_many = zt_security_context_new(again);
	assert_protocol_error(again, "wp_security_context_manager_v1",
			      WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD);
	zt_security_context_free(still_too_many);
	zt_client_free(again);
	zt_security_context_close(contexts[0]);
	g_assert_true(refused_soon(zt_security_context_socket(contexts[0])));
	g_autoptr(ZtClient) last = connect_desktop(compositor, "play");
	ZtSecurityContext *room = sandbox_socket(last, "room-again");
	g_assert_false(zt_client_protocol_error(last, NULL, NULL));
	assert_serves(compositor, zt_security_context_socket(of_work), 0xff00ff00,
		      "limit-2-work-socket");

	zt_security_context_free(room);
	zt_security_context_free(of_work);
	for (int i = 0; i < MAX_SOCKETS; i++)
		zt_security_context_free(contexts[i]);
	zt_client_free(creator);
	zt_window_destroy(blue);
	zt_compositor_stop(compositor);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/security-context/globals", test_globals);
	g_test_add_func("/security-context/windows-on-desktops", test_windows_on_desktops);
	g_test_add_func("/security-context/real-clients", test_real_clients);
	g_test_add_func("/security-context/close-fd", test_close_fd);
	g_test_add_func("/security-context/creator-gone-and-crashes",
			test_creator_gone_and_crashes);
	g_test_add_func("/security-context/protocol-errors", test_protocol_errors);
	g_test_add_func("/security-context/close-fd-not-pipe", test_close_fd_not_pipe);
	g_test_add_func("/security-context/same-socket-twice", test_same_socket_twice);
	g_test_add_func("/security-context/sockets-per-desktop", test_sockets_per_desktop);
	return g_test_run();
}
