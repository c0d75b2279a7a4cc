/*
 * The transient build container the packages step runs the base's package manager in (a
 * ZionBuildRootRunner, see layer-build.h): a child in new mount, PID, IPC and UTS namespaces,
 * chrooted into the build root, with a /proc of its own, a /dev holding only null, zero, full,
 * random, urandom, tty and a private devpts, and tmpfs on /tmp and /run (so nothing there lands
 * in the layer). It keeps the host's network namespace, the only way here to reach the
 * distribution's mirrors; it runs nothing but the base's own package manager on the packages the
 * persona names. Everything in it dies with its first process.
 */
#pragma once

#include <glib.h>

gboolean zion_build_root_run(const char *root_dir, const char *const *argv, int log_fd,
			     gpointer data, GError **error);
