/*
 * zion-lxc-start LXCPATH NAME: starts the container saved as LXCPATH/NAME/config, daemonized, and
 * exits once its init runs. zion-agent runs it for every start because liblxc's start() moves its
 * caller into the container's monitor cgroup for good (and leaks a new lxc.monitor.NAME-N there
 * on every restart); this short-lived process takes that move instead of the agent. On failure
 * it prints the errors LXC logged during this start.
 */
#include <errno.h>
#include <lxc/lxccontainer.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Prints the ERROR lines LXC appended to its log after offset. */
static void print_errors(const char *log, long offset)
{
	FILE *file = fopen(log, "re");
	if (!file)
		return;
	char line[1024];
	if (fseek(file, offset, SEEK_SET) == 0) {
		while (fgets(line, sizeof(line), file)) {
			if (strstr(line, " ERROR "))
				fputs(line, stderr);
		}
	}
	fclose(file);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: zion-lxc-start LXCPATH NAME\n");
		return 2;
	}
	const char *lxcpath = argv[1], *name = argv[2];
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	if (!c || !c->is_defined(c)) {
		fprintf(stderr, "no container %s saved in %s\n", name, lxcpath);
		return 1;
	}
	if (c->is_running(c)) {
		fprintf(stderr, "container %s in %s runs already\n", name, lxcpath);
		lxc_container_put(c);
		return 1;
	}
	char log[4096] = "";
	struct stat st;
	long offset = 0;
	if (c->get_config_item(c, "lxc.log.file", log, sizeof(log)) > 0 && stat(log, &st) == 0)
		offset = (long)st.st_size;
	c->want_daemonize(c, true);
	bool started = c->start(c, 0, NULL);
	if (!started) {
		fprintf(stderr, "liblxc could not start container %s in %s (log %s)\n", name,
			lxcpath, *log ? log : "none");
		if (*log)
			print_errors(log, offset);
	}
	lxc_container_put(c);
	return started ? 0 : 1;
}
