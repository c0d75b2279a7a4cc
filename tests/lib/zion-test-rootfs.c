/* A busybox root file system. busybox --install -s makes absolute links (sbin/init ->
 * /bin/busybox): every file written here is created with O_EXCL | O_NOFOLLOW after removing
 * the link, so that nothing is ever written through a link into the host. */
#include "zion-test-rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSYBOX "/bin/busybox"

static const char init_script[] = "#!/bin/sh\n"
				  "# Lives until LXC asks it to stop (SIGPWR) or is told to.\n"
				  "trap 'exit 0' TERM PWR INT\n"
				  "while :; do sleep 3600 & wait $!; done\n";

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "user:x:1000:1000:user:/home/user:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";

static const char group[] = "root:x:0:\n"
			    "user:x:1000:\n"
			    "nogroup:x:65534:\n";

/* Creates dir/relative anew with content and mode, replacing a link or file of that name. */
static void write_new(const char *dir, const char *relative, const char *content, gsize length,
		      mode_t mode)
{
	g_autofree char *path = g_build_filename(dir, relative, NULL);
	if (unlink(path) < 0)
		g_assert_cmpint(errno, ==, ENOENT);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, content, length), ==, (gssize)length);
	g_assert_cmpint(fchmod(fd, mode), ==, 0);
	close(fd);
}

void zt_busybox_rootfs(const char *dir)
{
	static const char *const dirs[] = {
		"bin", "sbin", "usr",  "usr/bin", "usr/sbin",  "etc", "dev",	 "proc", "sys",
		"tmp", "run",  "root", "home",	  "home/user", "var", "var/log", "lib",	 "mnt",
	};
	g_assert_cmpint(chmod(dir, 0755), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		g_autofree char *path = g_build_filename(dir, dirs[i], NULL);
		g_assert_cmpint(mkdir(path, 0755), ==, 0);
	}
	g_autofree char *tmp = g_build_filename(dir, "tmp", NULL);
	g_assert_cmpint(chmod(tmp, 01777), ==, 0);
	g_autofree char *root = g_build_filename(dir, "root", NULL);
	g_assert_cmpint(chmod(root, 0700), ==, 0);

	g_autofree char *busybox = NULL;
	gsize length;
	g_autoptr(GError) error = NULL;
	g_file_get_contents(BUSYBOX, &busybox, &length, &error);
	g_assert_no_error(error);
	write_new(dir, "bin/busybox", busybox, length, 0755);

	/* The links are made by busybox itself, chrooted into the tree. */
	const char *install[] = { "chroot", dir, BUSYBOX, "--install", "-s", NULL };
	int status;
	g_spawn_sync(NULL, (char **)install, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
		     &status, &error);
	g_assert_no_error(error);
	g_assert_true(g_spawn_check_wait_status(status, NULL));

	write_new(dir, "sbin/init", init_script, strlen(init_script), 0755);
	write_new(dir, "etc/passwd", passwd, strlen(passwd), 0644);
	write_new(dir, "etc/group", group, strlen(group), 0644);
	write_new(dir, "etc/hostname", "busybox\n", strlen("busybox\n"), 0644);
	g_autofree char *home = g_build_filename(dir, "home/user", NULL);
	g_assert_cmpint(chown(home, 1000, 1000), ==, 0);
}
