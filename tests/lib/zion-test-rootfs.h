/*
 * Root file systems for container tests, built by the test itself.
 */
#pragma once

#include <glib.h>

/*
 * Fills the empty directory dir with a minimal busybox tree (busybox-static's /bin/busybox and its
 * applet links, /etc/passwd and /etc/group with root and user 1000, /home/user owned by 1000, and
 * an /sbin/init script that sleeps and exits on SIGTERM or SIGPWR, which is LXC's halt signal).
 * Everything is owned by 0, as a base image is stored.
 */
void zt_busybox_rootfs(const char *dir);
