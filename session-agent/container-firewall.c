/* A desktop's firewall, loaded from the host into its network namespace. */
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zion-error.h"

#define NFT "/usr/sbin/nft"

/* Between fork and exec: only the network namespace changes. */
static void enter_netns(gpointer data)
{
	if (setns(GPOINTER_TO_INT(data), CLONE_NEWNET) < 0)
		_exit(126);
}

gboolean zion_container_load_firewall(const char *lxcpath, const char *name, const char *file,
				      GError **error)
{
	pid_t init = zion_container_init_pid(lxcpath, name);
	if (init < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY,
			    "cannot load the firewall %s into container %s: it does not run", file,
			    name);
		return FALSE;
	}
	g_autofree char *ns_path = g_strdup_printf("/proc/%d/ns/net", (int)init);
	int ns = open(ns_path, O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot load the firewall %s into container %s: %s: %s", file, name,
			    ns_path, g_strerror(errno));
		return FALSE;
	}
	const char *argv[] = { NFT, "-f", file, NULL };
	g_autofree char *err = NULL;
	int status = 0;
	gboolean spawned =
		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, enter_netns,
			     GINT_TO_POINTER(ns), NULL, &err, &status, error);
	close(ns);
	if (!spawned) {
		g_prefix_error(error, "cannot load the firewall %s into container %s: ", file,
			       name);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_strstrip(err);
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "the firewall %s did not load into container %s: %s", file, name,
			    *err ? err
				 : (WIFEXITED(status) && WEXITSTATUS(status) == 126
					    ? "cannot enter its network namespace"
					    : "nft failed without saying why"));
		return FALSE;
	}
	return TRUE;
}
