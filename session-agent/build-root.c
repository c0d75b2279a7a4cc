/* The packages step's build container: namespaces, a chroot and a few mounts. */
#include "build-root.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zion-error.h"

#define HOSTNAME "zion-build"
/* Set between fork and exec, where the agent's threads make malloc unsafe: paths are made
 * before the fork. */
#define MAX_PATH 4096

static const struct {
	const char *name;
	unsigned major, minor;
} devices[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const char *const environment[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"LANG=C.UTF-8",
	NULL,
};

/* Writes a line to out (the log pipe) and ends the build container's first process. */
static G_NORETURN void fail(int out, const char *what, const char *path)
{
	char line[MAX_PATH + 256];
	int n = snprintf(line, sizeof(line), "build container: %s %s: %s\n", what, path,
			 strerror(errno));
	if (n > 0 && write(out, line, (size_t)MIN(n, (int)sizeof(line) - 1)) < 0)
		_exit(127);
	_exit(127);
}

static void path_in(char *buffer, const char *root, const char *path)
{
	snprintf(buffer, MAX_PATH, "%s%s", root, path);
}

/* The first process of the new PID namespace: mounts, chroot, exec. */
static G_NORETURN void run_inside(const char *root, const char *const *argv, int out)
{
	char path[MAX_PATH];
	path_in(path, root, "/proc");
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail(out, "cannot mount proc on", path);
	path_in(path, root, "/dev");
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m") < 0)
		fail(out, "cannot mount a tmpfs on", path);
	for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
		char device[MAX_PATH];
		snprintf(device, sizeof(device), "%s/dev/%s", root, devices[i].name);
		if (mknod(device, S_IFCHR | 0666, makedev(devices[i].major, devices[i].minor)) <
			    0 ||
		    chmod(device, 0666) < 0)
			fail(out, "cannot make", device);
	}
	path_in(path, root, "/dev/pts");
	if (mkdir(path, 0755) < 0 ||
	    mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666") < 0)
		fail(out, "cannot mount devpts on", path);
	static const char *const links[][2] = {
		{ "pts/ptmx", "/dev/ptmx" },	      { "/proc/self/fd", "/dev/fd" },
		{ "/proc/self/fd/0", "/dev/stdin" },  { "/proc/self/fd/1", "/dev/stdout" },
		{ "/proc/self/fd/2", "/dev/stderr" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(links); i++) {
		path_in(path, root, links[i][1]);
		if (symlink(links[i][0], path) < 0)
			fail(out, "cannot make", path);
	}
	static const char *const scratch[] = { "/dev/shm", "/tmp", "/run" };
	for (guint i = 0; i < G_N_ELEMENTS(scratch); i++) {
		path_in(path, root, scratch[i]);
		if ((mkdir(path, 01777) < 0 && errno != EEXIST) ||
		    mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
			fail(out, "cannot mount a tmpfs on", path);
	}
	if (chroot(root) < 0)
		fail(out, "cannot chroot into", root);
	if (chdir("/") < 0)
		fail(out, "cannot enter", root);
	sethostname(HOSTNAME, strlen(HOSTNAME));
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		fail(out, "cannot set up the standard streams in", root);
	/* None of the agent's descriptors (its bus connection) go in. */
	close_range(3, ~0U, 0);
	execve(argv[0], (char *const *)argv, (char *const *)environment);
	fail(1, "cannot run", argv[0]);
}

/* The child that made the namespaces: waits for the first process inside and exits as it did. */
static G_NORETURN void make_namespaces(const char *root, const char *const *argv, int out)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
		fail(out, "cannot make namespaces for", root);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail(out, "cannot make the mounts private for", root);
	pid_t first = fork();
	if (first < 0)
		fail(out, "cannot fork in", root);
	if (first == 0)
		run_inside(root, argv, out);
	close(out);
	int status;
	while (waitpid(first, &status, 0) < 0) {
		if (errno != EINTR)
			_exit(127);
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* Copies what the build container prints to log_fd; keeps the line that says most about a
 * failure (apt's last "E: " line, else the last line). */
static char *relay_output(int from, int log_fd)
{
	g_autoptr(GString) line = g_string_new(NULL);
	char *last = NULL, *last_error = NULL;
	char buffer[4096];
	ssize_t n;
	while ((n = read(from, buffer, sizeof(buffer))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write(log_fd, buffer, (size_t)n) < 0)
			log_fd = -1;
		for (ssize_t i = 0; i < n; i++) {
			if (buffer[i] != '\n') {
				g_string_append_c(line, buffer[i]);
				continue;
			}
			g_strstrip(line->str);
			line->len = strlen(line->str);
			if (line->len) {
				char **kept =
					g_str_has_prefix(line->str, "E: ") ? &last_error : &last;
				g_free(*kept);
				*kept = g_strdup(line->str);
			}
			g_string_truncate(line, 0);
		}
	}
	if (last_error) {
		g_free(last);
		return last_error;
	}
	return last;
}

gboolean zion_build_root_run(const char *root_dir, const char *const *argv, int log_fd,
			     gpointer data, GError **error)
{
	if (!g_path_is_absolute(root_dir) || strlen(root_dir) > MAX_PATH - 64 || !argv[0] ||
	    !g_path_is_absolute(argv[0])) {
		g_set_error(
			error, ZION_ERROR, ZION_ERROR_INVALID,
			"build container: the root %s and the command %s must be absolute paths",
			root_dir, argv[0] ? argv[0] : "(none)");
		return FALSE;
	}
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "build container: pipe: %s",
			    g_strerror(errno));
		return FALSE;
	}
	pid_t child = fork();
	if (child == 0) {
		close(pipe_fds[0]);
		make_namespaces(root_dir, argv, pipe_fds[1]);
	}
	int saved = errno;
	close(pipe_fds[1]);
	g_autofree char *said = child > 0 ? relay_output(pipe_fds[0], log_fd) : NULL;
	close(pipe_fds[0]);
	if (child < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "build container: fork: %s",
			    g_strerror(saved));
		return FALSE;
	}
	int status;
	pid_t waited;
	while ((waited = waitpid(child, &status, 0)) < 0 && errno == EINTR)
		;
	if (waited < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "build container: cannot wait for %s: %s", argv[0], g_strerror(errno));
		return FALSE;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s exited with status %d: %s", argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		    said ? said : "it said nothing");
	return FALSE;
}
