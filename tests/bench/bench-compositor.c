/* Starting, measuring and stopping the compositors the benchmark compares. */
#include "bench-compositor.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "zion-error.h"
#include "zion-test.h"

#define ZION_SOCKET "wayland-bench"
#define SWAY_USER "zbench"
#define START_TIMEOUT_MS 10000

struct bench_compositor {
	char *name; /* "zion-compositor" or "sway" */
	GSubprocess *process;
	GPid pid;
	char *runtime_dir;
	char *log_path;	    /* its stdout and stderr */
	char *socket;	    /* the privileged Wayland socket */
	char *ipc_socket;   /* sway's */
	char *stats_file;   /* zion's */
	guint64 *frames;    /* shared with the frame counter in the compositor */
	gboolean made_user; /* sway's user was made for this run: removed at the end */
};

/* A file holding one zeroed 64-bit counter, mapped here and by the compositor's preload. */
static guint64 *create_counter(const char *path, uid_t owner, GError **error)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, sizeof(guint64)) < 0 ||
	    (owner != getuid() && fchown(fd, owner, (gid_t)-1) < 0)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot make %s: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	void *map = mmap(NULL, sizeof(guint64), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot map %s: %s", path,
			    g_strerror(errno));
		return NULL;
	}
	return map;
}

static const char *frame_counter_path(GError **error)
{
	const char *path = g_getenv("ZION_BENCH_FRAME_COUNTER");
	if (!path || !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "ZION_BENCH_FRAME_COUNTER does not name the frame counter library (run "
			    "through meson benchmark)");
		return NULL;
	}
	return path;
}

static void compositor_free(BenchCompositor *compositor)
{
	if (compositor->made_user) {
		const char *const argv[] = { "userdel", SWAY_USER, NULL };
		g_autoptr(GError) error = NULL;
		if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
				  NULL, NULL, &error))
			g_printerr("userdel %s: %s\n", SWAY_USER, error->message);
	}
	if (compositor->frames)
		munmap(compositor->frames, sizeof(guint64));
	g_clear_object(&compositor->process);
	g_free(compositor->name);
	g_free(compositor->runtime_dir);
	g_free(compositor->log_path);
	g_free(compositor->socket);
	g_free(compositor->ipc_socket);
	g_free(compositor->stats_file);
	g_free(compositor);
}

static void kill_process(BenchCompositor *compositor)
{
	g_subprocess_force_exit(compositor->process);
	g_subprocess_wait(compositor->process, NULL, NULL);
}

/* The last lines of the compositor's log, to say why it failed. */
static char *log_tail(BenchCompositor *compositor)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents(compositor->log_path, &text, NULL, NULL) || !*text)
		return g_strdup("(its log is empty)");
	g_auto(GStrv) lines = g_strsplit(g_strchomp(text), "\n", -1);
	guint n = g_strv_length(lines);
	return g_strjoinv("\n", lines + (n > 8 ? n - 8 : 0));
}

static gboolean spawn(BenchCompositor *compositor, const char *const *argv, char **env,
		      GError **error)
{
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_subprocess_launcher_set_environ(launcher, env);
	g_subprocess_launcher_set_stdout_file_path(launcher, compositor->log_path);
	compositor->process = g_subprocess_launcher_spawnv(launcher, argv, error);
	if (!compositor->process)
		return FALSE;
	compositor->pid =
		(GPid)g_ascii_strtoll(g_subprocess_get_identifier(compositor->process), NULL, 10);
	return TRUE;
}

/* Waits until the file named by *path exists; find, when set, fills *path from the directory. */
static gboolean wait_for_socket(BenchCompositor *compositor, char **path,
				char *(*find)(const char *dir), GError **error)
{
	for (int i = 0; i < START_TIMEOUT_MS / 10; i++) {
		if (find && !*path)
			*path = find(compositor->runtime_dir);
		if (*path && g_file_test(*path, G_FILE_TEST_EXISTS))
			return TRUE;
		if (!g_subprocess_get_identifier(compositor->process)) {
			g_autofree char *tail = log_tail(compositor);
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s exited at start:\n%s",
				    compositor->name, tail);
			return FALSE;
		}
		g_usleep(10000);
	}
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: no socket after %d ms",
		    compositor->name, START_TIMEOUT_MS);
	return FALSE;
}

BenchCompositor *bench_compositor_start_zion(const char *config, GError **error)
{
	const char *build = g_getenv("ZION_BUILD_DIR");
	const char *counter = frame_counter_path(error);
	if (!counter)
		return NULL;
	if (!build) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND, "ZION_BUILD_DIR is not set");
		return NULL;
	}
	BenchCompositor *compositor = g_new0(BenchCompositor, 1);
	compositor->name = g_strdup("zion-compositor");
	compositor->runtime_dir = g_strdup(zt_temp_dir());
	compositor->log_path = g_build_filename(compositor->runtime_dir, "log", NULL);
	compositor->stats_file = g_build_filename(compositor->runtime_dir, "stats", NULL);
	compositor->socket = g_build_filename(compositor->runtime_dir, ZION_SOCKET, NULL);
	g_autofree char *frames_path = g_build_filename(compositor->runtime_dir, "frames", NULL);
	g_autofree char *config_path =
		zt_write_file(compositor->runtime_dir, "compositor.conf", config);
	g_autofree char *program = g_build_filename(build, "compositor", "zion-compositor", NULL);
	compositor->frames = create_counter(frames_path, getuid(), error);
	if (!compositor->frames) {
		compositor_free(compositor);
		return NULL;
	}

	g_auto(GStrv) env = g_get_environ();
	env = g_environ_setenv(env, "XDG_RUNTIME_DIR", compositor->runtime_dir, TRUE);
	env = g_environ_setenv(env, "WLR_BACKENDS", "headless", TRUE);
	env = g_environ_setenv(env, "WLR_RENDERER", "pixman", TRUE);
	env = g_environ_setenv(env, "WLR_LIBINPUT_NO_DEVICES", "1", TRUE);
	env = g_environ_setenv(env, "LD_PRELOAD", counter, TRUE);
	env = g_environ_setenv(env, "ZION_BENCH_FRAMES", frames_path, TRUE);
	env = g_environ_unsetenv(env, "WAYLAND_DISPLAY");
	env = g_environ_unsetenv(env, "DISPLAY");
	const char *const argv[] = { program,
				     "--config",
				     config_path,
				     "--socket",
				     ZION_SOCKET,
				     "--stats-file",
				     compositor->stats_file,
				     NULL };
	if (!spawn(compositor, argv, env, error) ||
	    !wait_for_socket(compositor, &compositor->socket, NULL, error)) {
		if (compositor->process)
			kill_process(compositor);
		compositor_free(compositor);
		return NULL;
	}
	return compositor;
}

/* The system user sway runs as when the benchmark runs as root; made if missing (*made). */
static struct passwd *sway_user(gboolean *made, GError **error)
{
	struct passwd *user = getpwnam(SWAY_USER);
	*made = FALSE;
	if (user)
		return user;
	const char *const argv[] = { "useradd", "--system",	     "--no-create-home",
				     "--shell", "/usr/sbin/nologin", SWAY_USER,
				     NULL };
	int status = 0;
	g_autofree char *output = NULL;
	if (!g_spawn_sync(NULL, (char **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &output, &status, error))
		return NULL;
	user = getpwnam(SWAY_USER);
	if (!user) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "useradd could not make the user %s: %s", SWAY_USER,
			    output ? g_strchomp(output) : "");
		return NULL;
	}
	*made = TRUE;
	return user;
}

static char *find_wayland_socket(const char *dir)
{
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	const char *name;
	while (listing && (name = g_dir_read_name(listing))) {
		if (g_str_has_prefix(name, "wayland-") && !g_str_has_suffix(name, ".lock"))
			return g_build_filename(dir, name, NULL);
	}
	return NULL;
}

static char *find_ipc_socket(const char *dir)
{
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	const char *name;
	while (listing && (name = g_dir_read_name(listing))) {
		if (g_str_has_prefix(name, "sway-ipc.") && g_str_has_suffix(name, ".sock"))
			return g_build_filename(dir, name, NULL);
	}
	return NULL;
}

BenchCompositor *bench_compositor_start_sway(const char *config, GError **error)
{
	g_autofree char *sway = g_find_program_in_path("sway");
	if (!sway) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "sway is not installed (apt-get install sway)");
		return NULL;
	}
	const char *counter = frame_counter_path(error);
	if (!counter)
		return NULL;
	/* sway 1.7 refuses to run as root. */
	uid_t uid = getuid();
	gid_t gid = getgid();
	gboolean made_user = FALSE;
	if (uid == 0) {
		struct passwd *user = sway_user(&made_user, error);
		if (!user)
			return NULL;
		uid = user->pw_uid;
		gid = user->pw_gid;
	}

	BenchCompositor *compositor = g_new0(BenchCompositor, 1);
	compositor->name = g_strdup("sway");
	compositor->made_user = made_user;
	compositor->runtime_dir = g_strdup(zt_temp_dir());
	compositor->log_path = g_build_filename(compositor->runtime_dir, "log", NULL);
	g_autofree char *frames_path = g_build_filename(compositor->runtime_dir, "frames", NULL);
	g_autofree char *config_path = zt_write_file(compositor->runtime_dir, "sway.conf", config);
	compositor->frames = create_counter(frames_path, uid, error);
	if (!compositor->frames) {
		compositor_free(compositor);
		return NULL;
	}
	if (chown(compositor->runtime_dir, uid, gid) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot give %s to uid %u: %s",
			    compositor->runtime_dir, uid, g_strerror(errno));
		compositor_free(compositor);
		return NULL;
	}

	g_autofree char *home = g_strdup_printf("HOME=%s", compositor->runtime_dir);
	g_autofree char *runtime = g_strdup_printf("XDG_RUNTIME_DIR=%s", compositor->runtime_dir);
	g_autofree char *preload = g_strdup_printf("LD_PRELOAD=%s", counter);
	g_autofree char *frames = g_strdup_printf("ZION_BENCH_FRAMES=%s", frames_path);
	g_autofree char *reuid = g_strdup_printf("--reuid=%u", uid);
	g_autofree char *regid = g_strdup_printf("--regid=%u", gid);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	/* setpriv and env both exec: the process started is sway itself, whose CPU time counts. */
	if (getuid() == 0)
		g_strv_builder_add_many(builder, "setpriv", reuid, regid, "--clear-groups", "--",
					NULL);
	g_strv_builder_add_many(builder, "env", "-i", home, runtime, "WLR_BACKENDS=headless",
				"WLR_RENDERER=pixman", "WLR_LIBINPUT_NO_DEVICES=1",
				"PATH=/usr/bin:/bin", preload, frames, sway, "-c", config_path,
				NULL);
	g_auto(GStrv) argv = g_strv_builder_end(builder);
	g_auto(GStrv) env = g_get_environ();
	if (!spawn(compositor, (const char *const *)argv, env, error) ||
	    !wait_for_socket(compositor, &compositor->socket, find_wayland_socket, error) ||
	    !wait_for_socket(compositor, &compositor->ipc_socket, find_ipc_socket, error)) {
		if (compositor->process)
			kill_process(compositor);
		compositor_free(compositor);
		return NULL;
	}
	return compositor;
}

GKeyFile *bench_compositor_stop(BenchCompositor *compositor, guint64 *frames, GError **error)
{
	g_subprocess_send_signal(compositor->process, SIGTERM);
	for (int i = 0; i < 1000 && g_subprocess_get_identifier(compositor->process); i++)
		g_usleep(10000);
	GKeyFile *stats = NULL;
	if (g_subprocess_get_identifier(compositor->process)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "%s did not exit within 10 s of SIGTERM", compositor->name);
		kill_process(compositor);
	} else if (g_subprocess_wait(compositor->process, NULL, error)) {
		if (!g_subprocess_get_if_exited(compositor->process) ||
		    g_subprocess_get_exit_status(compositor->process) != 0) {
			g_autofree char *tail = log_tail(compositor);
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "%s did not exit cleanly:\n%s", compositor->name, tail);
		} else {
			stats = g_key_file_new();
			if (compositor->stats_file &&
			    !g_key_file_load_from_file(stats, compositor->stats_file,
						       G_KEY_FILE_NONE, error))
				g_clear_pointer(&stats, g_key_file_unref);
		}
	}
	*frames = bench_compositor_frames(compositor);
	compositor_free(compositor);
	return stats;
}

gboolean bench_compositor_check_running(BenchCompositor *compositor, GError **error)
{
	if (g_subprocess_get_identifier(compositor->process))
		return TRUE;
	g_autofree char *tail = log_tail(compositor);
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s has exited:\n%s", compositor->name,
		    tail);
	return FALSE;
}

const char *bench_compositor_socket(BenchCompositor *compositor)
{
	return compositor->socket;
}

char *bench_compositor_client_socket(BenchCompositor *compositor, const char *desktop)
{
	if (!compositor->stats_file)
		return g_strdup(compositor->socket);
	return g_build_filename(compositor->runtime_dir, "zion", "desktops", desktop, "wayland-0",
				NULL);
}

gboolean bench_compositor_swaymsg(BenchCompositor *compositor, const char *args, GError **error)
{
	g_autofree char *command =
		g_strdup_printf("swaymsg -s '%s' %s", compositor->ipc_socket, args);
	g_autofree char *output = NULL;
	int status = 0;
	if (!g_spawn_command_line_sync(command, &output, NULL, &status, error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: %s", command,
			    g_strchomp(output));
		return FALSE;
	}
	return TRUE;
}

guint64 bench_compositor_frames(BenchCompositor *compositor)
{
	return __atomic_load_n(compositor->frames, __ATOMIC_RELAXED);
}

gint64 bench_process_cpu_us(GPid pid)
{
	clockid_t clock;
	struct timespec time;
	if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &time) != 0)
		return -1;
	return (gint64)time.tv_sec * G_USEC_PER_SEC + time.tv_nsec / 1000;
}

gint64 bench_compositor_cpu_us(BenchCompositor *compositor)
{
	return bench_process_cpu_us(compositor->pid);
}

gint64 bench_compositor_cpu_ticks_us(BenchCompositor *compositor)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/stat", compositor->pid);
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return -1;
	/* Fields after the command name, which is in parentheses and may hold spaces: state is
	 * field 3, utime 14, stime 15. */
	const char *rest = strrchr(text, ')');
	if (!rest)
		return -1;
	g_auto(GStrv) fields = g_strsplit(rest + 2, " ", -1);
	if (g_strv_length(fields) < 13)
		return -1;
	gint64 ticks =
		g_ascii_strtoll(fields[11], NULL, 10) + g_ascii_strtoll(fields[12], NULL, 10);
	return ticks * G_USEC_PER_SEC / sysconf(_SC_CLK_TCK);
}
