/* Starting, driving and stopping a headless zion-compositor for tests. */
#include "zion-test-compositor.h"

#include <cairo.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "zion-test-bus.h"
#include "zion-test-client.h"
#include "zion-test.h"

#define SOCKET_NAME "wayland-zion-test"

struct zt_compositor {
	GSubprocess *process;
	char *runtime_dir;
	char *socket; /* the privileged socket's path */
	char *stats_file;
	char **env;
};

/* Children die with the test, so a failed assertion never leaves a compositor or client running
 * (meson would otherwise wait for them until its timeout). */
static void die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *launcher_new(GSubprocessFlags flags)
{
	GSubprocessLauncher *launcher = g_subprocess_launcher_new(flags);
	g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
	return launcher;
}

static char **compositor_env(const char *runtime_dir)
{
	char **env = g_get_environ();
	env = g_environ_setenv(env, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
	env = g_environ_setenv(env, "WLR_BACKENDS", "headless", TRUE);
	env = g_environ_setenv(env, "WLR_RENDERER", "pixman", TRUE);
	env = g_environ_setenv(env, "WLR_LIBINPUT_NO_DEVICES", "1", TRUE);
	env = g_environ_unsetenv(env, "WAYLAND_DISPLAY");
	env = g_environ_unsetenv(env, "DISPLAY");
	/* The session bus is the test's private one, or none. */
	const char *bus = zt_bus_address();
	env = bus ? g_environ_setenv(env, "DBUS_SESSION_BUS_ADDRESS", bus, TRUE)
		  : g_environ_unsetenv(env, "DBUS_SESSION_BUS_ADDRESS");
	/* The agent is the test's (which sets ZION_AGENT_BUS), never the machine's. */
	const char *agent = g_getenv("ZION_AGENT_BUS");
	env = g_environ_setenv(env, "ZION_AGENT_BUS", agent ? agent : "", TRUE);
	return env;
}

static char *compositor_path(void)
{
	const char *build = g_getenv("ZION_BUILD_DIR");
	g_assert_nonnull(build);
	return g_build_filename(build, "compositor", "zion-compositor", NULL);
}

static gboolean accepts_connections(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	g_assert_cmpuint(strlen(path), <, sizeof(address.sun_path));
	strcpy(address.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(fd, >=, 0);
	gboolean connected = connect(fd, (struct sockaddr *)&address, sizeof(address)) == 0;
	close(fd);
	return connected;
}

ZtCompositor *zt_compositor_start(const char *config)
{
	ZtCompositor *compositor = g_new0(ZtCompositor, 1);
	compositor->runtime_dir = g_strdup(zt_temp_dir());
	g_assert_cmpint(g_chmod(compositor->runtime_dir, 0700), ==, 0);
	g_autofree char *config_path =
		zt_write_file(compositor->runtime_dir, "compositor.conf", config);
	compositor->env = compositor_env(compositor->runtime_dir);

	g_autofree char *program = compositor_path();
	g_autoptr(GSubprocessLauncher) launcher = launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_set_environ(launcher, compositor->env);
	g_autoptr(GError) error = NULL;
	/* ZION_TEST_WRAPPER runs the compositor under a tool, e.g. "valgrind --error-exitcode=1".
	 */
	g_auto(GStrv) wrapper = NULL;
	const char *wrapper_text = g_getenv("ZION_TEST_WRAPPER");
	if (wrapper_text && *wrapper_text)
		g_assert_true(g_shell_parse_argv(wrapper_text, NULL, &wrapper, NULL));
	g_autoptr(GStrvBuilder) argv = g_strv_builder_new();
	if (wrapper)
		g_strv_builder_addv(argv, (const char **)wrapper);
	compositor->stats_file = g_build_filename(compositor->runtime_dir, "switch-stats", NULL);
	g_strv_builder_add_many(argv, program, "--config", config_path, "--socket", SOCKET_NAME,
				"--stats-file", compositor->stats_file, NULL);
	g_auto(GStrv) args = g_strv_builder_end(argv);
	compositor->process =
		g_subprocess_launcher_spawnv(launcher, (const char *const *)args, &error);
	g_assert_no_error(error);

	/* The privileged socket is made last: once it takes connections, the compositor is ready
	 * (its file appears at bind, a moment before it listens). */
	compositor->socket = g_build_filename(compositor->runtime_dir, SOCKET_NAME, NULL);
	gboolean listening = FALSE;
	for (int i = 0; i < 1000 && !listening; i++) {
		g_assert_true(zt_compositor_alive(compositor));
		listening = accepts_connections(compositor->socket);
		if (!listening)
			g_usleep(10000);
	}
	g_assert_true(listening);
	return compositor;
}

gboolean zt_compositor_alive(ZtCompositor *compositor)
{
	return g_subprocess_get_identifier(compositor->process) != NULL;
}

GKeyFile *zt_compositor_stop_with_stats(ZtCompositor *compositor)
{
	g_autofree char *path = g_strdup(compositor->stats_file);
	zt_compositor_stop(compositor);
	GKeyFile *stats = g_key_file_new();
	g_autoptr(GError) error = NULL;
	g_key_file_load_from_file(stats, path, G_KEY_FILE_NONE, &error);
	g_assert_no_error(error);
	return stats;
}

void zt_compositor_stop(ZtCompositor *compositor)
{
	g_assert_true(zt_compositor_alive(compositor));
	g_subprocess_send_signal(compositor->process, SIGTERM);
	g_autoptr(GError) error = NULL;
	g_subprocess_wait(compositor->process, NULL, &error);
	g_assert_no_error(error);
	if (g_subprocess_get_if_signaled(compositor->process))
		g_error("the compositor was killed by signal %d",
			g_subprocess_get_term_sig(compositor->process));
	g_assert_cmpint(g_subprocess_get_exit_status(compositor->process), ==, 0);
	g_object_unref(compositor->process);
	g_strfreev(compositor->env);
	g_free(compositor->socket);
	g_free(compositor->stats_file);
	g_free(compositor->runtime_dir);
	g_free(compositor);
}

const char *zt_compositor_socket(ZtCompositor *compositor)
{
	return compositor->socket;
}

char *zt_compositor_desktop_socket(ZtCompositor *compositor, const char *desktop)
{
	return g_build_filename(compositor->runtime_dir, "zion", "desktops", desktop, "wayland-0",
				NULL);
}

GSubprocess *zt_compositor_spawn(ZtCompositor *compositor, const char *socket,
				 const char *const *argv)
{
	g_auto(GStrv) env =
		g_environ_setenv(g_strdupv(compositor->env), "WAYLAND_DISPLAY", socket, TRUE);
	g_autoptr(GSubprocessLauncher) launcher = launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_set_environ(launcher, env);
	g_autoptr(GError) error = NULL;
	GSubprocess *process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);
	return process;
}

/* Longer than any command of a test takes on a loaded machine. */
#define COMMAND_TIMEOUT_S 30

int zt_compositor_run(ZtCompositor *compositor, const char *socket, const char *const *argv)
{
	g_autoptr(GSubprocess) process = zt_compositor_spawn(compositor, socket, argv);
	/* A client of a compositor that crashed can wait forever (wlroots' Xwayland launcher, a
	 * fork of the compositor, may outlive it with its sockets open): the test fails instead. */
	gint64 deadline = g_get_monotonic_time() + COMMAND_TIMEOUT_S * G_USEC_PER_SEC;
	while (g_subprocess_get_identifier(process) && g_get_monotonic_time() < deadline)
		g_usleep(2000);
	if (g_subprocess_get_identifier(process)) {
		g_subprocess_force_exit(process);
		g_error("%s did not finish in %d s; the compositor is %s", argv[0],
			COMMAND_TIMEOUT_S, zt_compositor_alive(compositor) ? "running" : "gone");
	}
	g_autoptr(GError) error = NULL;
	g_subprocess_wait(process, NULL, &error);
	g_assert_no_error(error);
	return g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process) : -1;
}

char *zt_compositor_run_output(ZtCompositor *compositor, const char *socket,
			       const char *const *argv, int *status)
{
	g_auto(GStrv) env =
		g_environ_setenv(g_strdupv(compositor->env), "WAYLAND_DISPLAY", socket, TRUE);
	g_autoptr(GSubprocessLauncher) launcher = launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	g_subprocess_launcher_set_environ(launcher, env);
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) process = g_subprocess_launcher_spawnv(launcher, argv, &error);
	g_assert_no_error(error);
	/* The test's own clients answer meanwhile: the program may be reading what one of them
	 * copied. */
	GInputStream *stdout_pipe = g_subprocess_get_stdout_pipe(process);
	g_autoptr(GBytes) bytes = zt_clients_read_to_end(
		g_unix_input_stream_get_fd(G_UNIX_INPUT_STREAM(stdout_pipe)));
	g_subprocess_wait(process, NULL, &error);
	g_assert_no_error(error);
	gsize size;
	const char *data = g_bytes_get_data(bytes, &size);
	char *output = g_strndup(data ? data : "", size);
	*status = g_subprocess_get_if_exited(process) ? g_subprocess_get_exit_status(process) : -1;
	return output;
}

void zt_compositor_type(ZtCompositor *compositor, const char *const *wtype_args)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_ptr_array_add(argv, "wtype");
	for (const char *const *arg = wtype_args; *arg; arg++)
		g_ptr_array_add(argv, (gpointer)*arg);
	g_ptr_array_add(argv, NULL);
	g_assert_cmpint(
		zt_compositor_run(compositor, compositor->socket, (const char *const *)argv->pdata),
		==, 0);
}

static cairo_surface_t *screenshot(ZtCompositor *compositor, const char *name)
{
	const char *keep_dir = g_getenv("ZION_SCREENSHOT_DIR");
	g_autofree char *file = g_strdup_printf("%s.png", name);
	g_autofree char *path =
		g_build_filename(keep_dir ? keep_dir : compositor->runtime_dir, file, NULL);
	const char *const argv[] = { "grim", path, NULL };
	g_assert_cmpint(zt_compositor_run(compositor, compositor->socket, argv), ==, 0);
	cairo_surface_t *image = cairo_image_surface_create_from_png(path);
	g_assert_cmpint(cairo_surface_status(image), ==, CAIRO_STATUS_SUCCESS);
	return image;
}

static uint32_t image_pixel(cairo_surface_t *image, int x, int y)
{
	g_assert_cmpint(x, >=, 0);
	g_assert_cmpint(y, >=, 0);
	g_assert_cmpint(x, <, cairo_image_surface_get_width(image));
	g_assert_cmpint(y, <, cairo_image_surface_get_height(image));
	const unsigned char *row =
		cairo_image_surface_get_data(image) + y * cairo_image_surface_get_stride(image);
	return ((const uint32_t *)row)[x] & 0xffffff;
}

uint32_t zt_compositor_pixel(ZtCompositor *compositor, int x, int y, const char *name)
{
	cairo_surface_t *image = screenshot(compositor, name);
	uint32_t pixel = image_pixel(image, x, y);
	cairo_surface_destroy(image);
	return pixel;
}

int zt_compositor_count_pixels(ZtCompositor *compositor, int x, int y, int width, int height,
			       uint32_t rgb, const char *name)
{
	cairo_surface_t *image = screenshot(compositor, name);
	int count = 0;
	for (int row = y; row < y + height; row++) {
		for (int column = x; column < x + width; column++)
			count += image_pixel(image, column, row) == rgb;
	}
	cairo_surface_destroy(image);
	return count;
}

uint32_t zt_compositor_wait_pixel(ZtCompositor *compositor, int x, int y, uint32_t rgb,
				  const char *name)
{
	uint32_t pixel = 0;
	for (int attempt = 0; attempt < 100; attempt++) {
		pixel = zt_compositor_pixel(compositor, x, y, name);
		if (pixel == rgb)
			break;
		g_usleep(20000);
	}
	return pixel;
}
