/* A system-like private bus and zion-agent from the build tree, for integration tests. */
#include "zion-test-agent.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "agent-error.h"
#include "zion-test.h"

struct zt_agent {
	char *dir;	 /* the bus's config and socket */
	char *state_dir; /* the agent's */
	char *address;
	char *bridge;	      /* the agent's NAT bridge, its own so parallel runs do not meet */
	char *bridge_gateway; /* the bridge's address */
	GPid bus_pid;
	GPid agent_pid;
	GPid reaper_pid;
	int reaper_stdin; /* closed when the test stops the agent, or dies */
	GDBusConnection *connection;
};

/* The system bus's default policy, as Debian's system.conf has it, plus the agent's own file. */
static const char bus_config[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	"<busconfig>\n"
	"  <type>system</type>\n"
	"  <listen>unix:path=%s/bus</listen>\n"
	"  <auth>EXTERNAL</auth>\n"
	"  <policy context=\"default\">\n"
	"    <allow user=\"*\"/>\n"
	"    <deny own=\"*\"/>\n"
	"    <deny send_type=\"method_call\"/>\n"
	"    <allow send_type=\"signal\"/>\n"
	"    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
	"    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
	"    <allow receive_type=\"method_call\"/>\n"
	"    <allow receive_type=\"method_return\"/>\n"
	"    <allow receive_type=\"error\"/>\n"
	"    <allow receive_type=\"signal\"/>\n"
	"    <allow send_destination=\"org.freedesktop.DBus\" "
	"send_interface=\"org.freedesktop.DBus\"/>\n"
	"  </policy>\n"
	"  <include>%s</include>\n"
	"</busconfig>\n";

static void die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/*
 * What a test leaves behind is cleaned by a shell of its own, which outlives it in a session of its
 * own: it waits until its stdin closes (at zt_agent_stop, or when the test dies, an assertion's
 * abort included), then stops the agent's containers, unmounts whatever is mounted under the
 * test's directory, deepest first, and deletes the agent's bridge and nftables table. After a test
 * that died it removes the directory too; after zt_agent_stop ("stopped" on its stdin) the test's
 * own exit does, once the test is done with it.
 */
static const char reaper_script[] =
	"dir=$1 state=$2 bridge=$3\n"
	"read -r how\n"
	"for c in \"$state\"/lxc/*/; do\n"
	"  [ -d \"$c\" ] && timeout 30 lxc-stop -k -P \"$state/lxc\" -n \"$(basename \"$c\")\" "
	"2>/dev/null\n"
	"done\n"
	"awk -v d=\"$dir/\" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |\n"
	"  while read -r m; do umount -l \"$m\" 2>/dev/null; done\n"
	"ip link del \"$bridge\" 2>/dev/null\n"
	"nft delete table ip \"zion_$bridge\" 2>/dev/null\n"
	"[ \"$how\" = stopped ] || rm -rf \"$dir\"\n"
	"exit 0\n";

static void new_session(gpointer data)
{
	setsid();
}

static void start_reaper(ZtAgent *agent)
{
	const char *argv[] = { "/bin/sh",	   "-c",       reaper_script,
			       "zion-test-reaper", agent->dir, agent->state_dir,
			       agent->bridge,	   NULL };
	g_autoptr(GError) error = NULL;
	g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, new_session,
				 NULL, &agent->reaper_pid, &agent->reaper_stdin, NULL, NULL,
				 &error);
	g_assert_no_error(error);
	/* Nothing the test starts later may hold it open. */
	g_assert_cmpint(fcntl(agent->reaper_stdin, F_SETFD, FD_CLOEXEC), ==, 0);
}

static void start_agent(ZtAgent *agent)
{
	g_autofree char *exe =
		g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent", "zion-agent", NULL);
	g_autofree char *bus_arg = g_strdup_printf("--bus-address=%s", agent->address);
	g_autofree char *state_arg = g_strdup_printf("--state-dir=%s", agent->state_dir);
	g_autofree char *bridge_arg = g_strdup_printf("--bridge=%s", agent->bridge);
	g_autofree char *address_arg =
		g_strdup_printf("--bridge-address=%s/24", agent->bridge_gateway);
	const char *argv[] = {
		exe, bus_arg, state_arg, bridge_arg, address_arg, "--verbose", NULL
	};
	g_autoptr(GError) error = NULL;
	g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
		      &agent->agent_pid, &error);
	g_assert_no_error(error);
	/* The name is ours once the agent has set everything up. */
	for (int i = 0; i < 1000; i++) {
		g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
			agent->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus", "NameHasOwner",
			g_variant_new("(s)", "org.zion.Agent1"), G_VARIANT_TYPE("(b)"),
			G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
		g_assert_no_error(error);
		gboolean owned;
		g_variant_get(reply, "(b)", &owned);
		if (owned)
			return;
		int status;
		if (waitpid(agent->agent_pid, &status, WNOHANG) == agent->agent_pid)
			g_error("zion-agent exited before owning its name (status %d)", status);
		g_usleep(10 * 1000);
	}
	g_error("zion-agent did not own org.zion.Agent1 within 10 s");
}

static ZtAgent *start(gboolean own_fs)
{
	zion_agent_error_register();
	ZtAgent *agent = g_new0(ZtAgent, 1);
	agent->dir = g_strdup(zt_temp_dir());
	agent->state_dir = g_build_filename(agent->dir, "state", NULL);
	g_autofree char *hash =
		g_compute_checksum_for_string(G_CHECKSUM_SHA256, agent->state_dir, -1);
	agent->bridge = g_strdup_printf("zt%.8s", hash);
	guint32 bits = (guint32)g_ascii_strtoull(hash + 8, NULL, 16) ^ (guint32)getpid();
	agent->bridge_gateway = g_strdup_printf("10.%u.%u.1", 100 + bits % 100, (bits >> 8) % 256);
	/* Containers' mapped root must be able to walk down to their trees. */
	g_assert_cmpint(g_mkdir(agent->state_dir, 0711), ==, 0);
	if (own_fs) {
		/* Sparse: it takes the room of what is written to it. */
		g_autofree char *image = g_build_filename(agent->dir, "state.img", NULL);
		g_autofree char *script = g_strdup_printf(
			"truncate -s 2G '%s' && mkfs.ext4 -q -F '%s' && mount -o loop '%s' '%s' && "
			"chmod 0711 '%s'",
			image, image, image, agent->state_dir, agent->state_dir);
		const char *argv[] = { "/bin/sh", "-c", script, NULL };
		int status;
		g_autoptr(GError) error = NULL;
		g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, NULL, NULL, &status, &error);
		g_assert_no_error(error);
		g_assert_true(g_spawn_check_wait_status(status, NULL));
	}
	g_assert_cmpint(chmod(agent->dir, 0711), ==, 0);
	start_reaper(agent);
	g_autofree char *policy = zt_source_path("data/dbus/org.zion.Agent1.conf");
	g_autofree char *config_text = g_strdup_printf(bus_config, agent->dir, policy);
	g_autofree char *config = zt_write_file(agent->dir, "bus.conf", config_text);
	g_autofree char *config_arg = g_strdup_printf("--config-file=%s", config);
	const char *argv[] = { "dbus-daemon", config_arg, "--nofork", "--nopidfile", NULL };
	g_autoptr(GError) error = NULL;
	g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
		      die_with_parent, NULL, &agent->bus_pid, &error);
	g_assert_no_error(error);
	agent->address = g_strdup_printf("unix:path=%s/bus", agent->dir);
	g_autofree char *socket = g_build_filename(agent->dir, "bus", NULL);
	for (int i = 0; i < 1000 && !g_file_test(socket, G_FILE_TEST_EXISTS); i++)
		g_usleep(5 * 1000);
	agent->connection = g_dbus_connection_new_for_address_sync(
		agent->address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
	start_agent(agent);
	return agent;
}

gboolean zt_agent_test_init(int *argc, char ***argv)
{
	g_test_init(argc, argv, NULL);
	if (geteuid() != 0) {
		g_test_skip("the agent runs as root");
		return FALSE;
	}
	g_autofree char *helper = g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent",
						   "zion-lxc-start", NULL);
	g_setenv("ZION_LXC_START_HELPER", helper, TRUE);
	return TRUE;
}

GVariant *zt_no_options(void)
{
	return g_variant_new_array(G_VARIANT_TYPE("{sv}"), NULL, 0);
}

ZtAgent *zt_agent_start(void)
{
	return start(FALSE);
}

ZtAgent *zt_agent_start_on_own_fs(void)
{
	return start(TRUE);
}

static void stop_child(GPid pid, int sig)
{
	kill(pid, sig);
	int status;
	waitpid(pid, &status, 0);
	g_spawn_close_pid(pid);
}

void zt_agent_crash_and_restart(ZtAgent *agent)
{
	stop_child(agent->agent_pid, SIGKILL);
	start_agent(agent);
}

void zt_agent_stop(ZtAgent *agent)
{
	stop_child(agent->agent_pid, SIGTERM);
	g_dbus_connection_close_sync(agent->connection, NULL, NULL);
	g_object_unref(agent->connection);
	stop_child(agent->bus_pid, SIGTERM);
	g_assert_cmpint(write(agent->reaper_stdin, "stopped\n", 8), ==, 8);
	close(agent->reaper_stdin);
	int status;
	g_assert_cmpint(waitpid(agent->reaper_pid, &status, 0), ==, agent->reaper_pid);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_spawn_close_pid(agent->reaper_pid);
	g_free(agent->bridge);
	g_free(agent->bridge_gateway);
	g_free(agent->dir);
	g_free(agent->state_dir);
	g_free(agent->address);
	g_free(agent);
}

const char *zt_agent_state_dir(ZtAgent *agent)
{
	return agent->state_dir;
}

const char *zt_agent_bus_address(ZtAgent *agent)
{
	return agent->address;
}

const char *zt_agent_bridge(ZtAgent *agent)
{
	return agent->bridge;
}

const char *zt_agent_bridge_gateway(ZtAgent *agent)
{
	return agent->bridge_gateway;
}

GDBusConnection *zt_agent_connection(ZtAgent *agent)
{
	return agent->connection;
}

static GVariant *call(ZtAgent *agent, const char *method, GVariant *parameters,
		      const GVariantType *reply_type, GError **error)
{
	/* Builds and activations can take a while on a loaded machine. */
	return g_dbus_connection_call_sync(agent->connection, "org.zion.Agent1", "/org/zion/Agent1",
					   "org.zion.Agent1", method, parameters, reply_type,
					   G_DBUS_CALL_FLAGS_NONE, 120000, NULL, error);
}

GVariant *zt_agent_call(ZtAgent *agent, const char *method, GVariant *parameters,
			const GVariantType *reply_type)
{
	g_autoptr(GError) error = NULL;
	GVariant *reply = call(agent, method, parameters, reply_type, &error);
	g_assert_no_error(error);
	return reply;
}

void zt_agent_do(ZtAgent *agent, const char *method, GVariant *parameters,
		 const GVariantType *reply_type)
{
	g_variant_unref(zt_agent_call(agent, method, parameters, reply_type));
}

GError *zt_agent_call_error(ZtAgent *agent, const char *method, GVariant *parameters)
{
	GError *error = NULL;
	g_autoptr(GVariant) reply = call(agent, method, parameters, NULL, &error);
	g_assert_null(reply);
	g_assert_nonnull(error);
	g_dbus_error_strip_remote_error(error);
	return error;
}

struct run_as {
	uid_t uid;
};

static void become(gpointer data)
{
	const struct run_as *as = data;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setgroups(0, NULL) < 0 || setgid(as->uid) < 0 || setuid(as->uid) < 0)
		_exit(126);
}

int zt_run_as(ZtAgent *agent, uid_t uid, const char *const *argv, char **out, char **err)
{
	g_auto(GStrv) env = g_get_environ();
	env = g_environ_setenv(env, "ZION_AGENT_BUS", agent->address, TRUE);
	struct run_as as = { uid };
	int status = -1;
	g_autoptr(GError) error = NULL;
	g_spawn_sync("/", (char **)argv, env, 0, become, &as, out, err, &status, &error);
	g_assert_no_error(error);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
