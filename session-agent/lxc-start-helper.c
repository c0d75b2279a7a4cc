/*
 * zion-lxc-start LXCPATH NAME: starts a saved container, daemonized, and exits. zion-agent runs it
 * for every start, because liblxc's start() moves its caller into the container's monitor cgroup
 * for good; this short-lived process takes that move instead of the agent.
 */
#include <errno.h>
#include <lxc/lxccontainer.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: zion-lxc-start LXCPATH NAME\n");
		return 2;
	}
	struct lxc_container *c = lxc_container_new(argv[2], argv[1]);
	if (!c || !c->is_defined(c)) {
		fprintf(stderr, "no saved container %s in %s\n", argv[2], argv[1]);
		return 1;
	}
	c->want_daemonize(c, true);
	int ok = c->start(c, 0, NULL);
	if (!ok)
		fprintf(stderr, "liblxc could not start %s (see %s/%s/lxc.log)\n", argv[2], argv[1],
			argv[2]);
	lxc_container_put(c);
	return ok ? 0 : 1;
}
