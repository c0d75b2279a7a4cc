/* Desktops as real LXC containers: a busybox image built by the test, a persona's layer,
 * activation, what the desktop sees, hibernation with the cgroup freezer, live limits, deactivation
 * that leaves nothing behind, recovery after the agent is killed, the network (none, nat on the
 * agent's bridge) with the persona's firewall, and a failing package step. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups.h"
#include "zion-error.h"
#include "zion-test-agent.h"
#include "zion-test-desktop.h"
#include "zion-test.h"

static ZtAgent *agent;

static const char persona[] = "schema: zion/v1\n"
			      "name: tiny\n"
			      "base: tiny\n"
			      "env:\n  GREETING: hello from tiny\n"
			      "network:\n  hostname: tiny-desk\n"
			      "files:\n"
			      "  - path: /etc/motd\n    content: \"persona file\\n\"\n"
			      "  - path: /etc/hostname-old\n    content: x\n";

static void call(const char *method, GVariant *parameters)
{
	zt_agent_do(agent, method, parameters, NULL);
}

static char *shared_file(const char *name)
{
	return g_build_filename(zt_agent_state_dir(agent), "shared", "0", name, NULL);
}

static guint64 usage(const char *desktop, const char *key)
{
	g_autoptr(GVariant) reply = zt_agent_call(agent, "Usage", g_variant_new("(s)", desktop),
						  G_VARIANT_TYPE("(a{sv})"));
	g_autoptr(GVariant) dict = g_variant_get_child_value(reply, 0);
	guint64 value = 0;
	g_assert_true(g_variant_lookup(dict, key, "t", &value));
	return value;
}

static gboolean mounted(const char *path)
{
	g_autofree char *mounts = NULL;
	g_assert_true(g_file_get_contents("/proc/self/mountinfo", &mounts, NULL, NULL));
	g_autofree char *needle = g_strdup_printf(" %s ", path);
	return strstr(mounts, needle) != NULL;
}

static void test_activate_see_hibernate_deactivate(void)
{
	call("BuildImage", g_variant_new("(ss@a{sv})", "tiny", "busybox", zt_no_options()));
	call("SavePersona", g_variant_new("(ss)", "tiny.yaml", persona));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "one", "tiny", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "one", zt_no_options()));

	/* What the persona says, as the desktop's user sees it. */
	g_autofree char *seen = zt_desktop_run(agent, "one",
					       "id -u; hostname; cat /etc/motd; "
					       ". /etc/profile.d/zion-persona.sh; echo $GREETING");
	g_assert_cmpstr(seen, ==, "1000\ntiny-desk\npersona file\nhello from tiny");
	/* The desktop's user cannot change the system, and the base stays as it was. */
	g_autofree char *user_try =
		zt_desktop_run(agent, "one", "echo changed > /etc/passwd 2>&1 || echo refused");
	g_assert_cmpstr(user_try, ==,
			"/bin/sh: can't create /etc/passwd: Permission denied\nrefused");
	g_autofree char *base_passwd = g_build_filename(zt_agent_state_dir(agent), "images", "tiny",
							"rootfs", "etc", "passwd", NULL);
	g_autofree char *passwd = NULL;
	g_assert_true(g_file_get_contents(base_passwd, &passwd, NULL, NULL));
	g_assert_nonnull(strstr(passwd, "user:x:1000"));
	/* The desktop sees only its own processes. */
	g_autofree char *procs = zt_desktop_run(agent, "one", "ls /proc | grep -c '^[0-9]'");
	g_assert_cmpint(atoi(procs), <, 10);

	/* A busy loop uses CPU until the desktop is frozen. */
	const char *spin[] = { "/bin/sh", "-c", "while :; do :; done", NULL };
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	zt_agent_do(agent, "RunIn", g_variant_new("(s^as@a{ss})", "one", spin, env), NULL);
	g_usleep(200 * 1000);
	call("Hibernate", g_variant_new("(s)", "one"));
	guint64 frozen_at = usage("one", "cpu-ns");
	g_usleep(300 * 1000);
	g_assert_cmpuint(usage("one", "cpu-ns"), ==, frozen_at);
	g_autoptr(GError) busy = zt_agent_call_error(
		agent, "RunIn",
		g_variant_new("(s^as@a{ss})", "one", spin,
			      g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)));
	g_assert_error(busy, ZION_ERROR, ZION_ERROR_BUSY);
	call("Resume", g_variant_new("(s)", "one"));
	g_usleep(200 * 1000);
	g_assert_cmpuint(usage("one", "cpu-ns"), >, frozen_at + 50 * 1000 * 1000);

	/* A session's changes go with it. */
	g_autofree char *wrote = zt_desktop_run(agent, "one", "echo session > /tmp/mark; echo ok");
	g_assert_cmpstr(wrote, ==, "ok");
	g_autofree char *merged =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "one", "merged", NULL);
	g_assert_true(mounted(merged));
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "one", FALSE),
		    G_VARIANT_TYPE("(u)"));
	g_assert_false(mounted(merged));
	call("Activate", g_variant_new("(s@a{sv})", "one", zt_no_options()));
	g_autofree char *gone =
		zt_desktop_run(agent, "one", "cat /tmp/mark 2>/dev/null || echo gone");
	g_assert_cmpstr(gone, ==, "gone");
	g_assert_cmpuint(usage("one", "uptime-s"), <, 60);
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "one", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "one"));
}

/* How many processes the OOM killer took in a desktop's memory cgroup (v1, or v2's events). */
static guint64 oom_kills(const char *desktop)
{
	g_autofree char *hash =
		g_compute_checksum_for_string(G_CHECKSUM_SHA256, zt_agent_state_dir(agent), -1);
	g_autofree char *v1 = g_strdup_printf(
		"/sys/fs/cgroup/memory/lxc.payload.z%.8s-%s/memory.oom_control", hash, desktop);
	g_autofree char *v2 =
		g_strdup_printf("/sys/fs/cgroup/lxc.payload.z%.8s-%s/memory.events", hash, desktop);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(v1, &text, NULL, NULL) ||
		      g_file_get_contents(v2, &text, NULL, NULL));
	const char *line = strstr(text, "oom_kill ");
	g_assert_nonnull(line);
	return g_ascii_strtoull(line + strlen("oom_kill "), NULL, 10);
}

/* A memory hog meets the limit; raising it live lets the same job through. */
static void test_live_limits(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "hog", "tiny", zt_no_options()));
	GVariantBuilder limits;
	g_variant_builder_init(&limits, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&limits, "{sv}", "memory", g_variant_new_uint64(32 << 20));
	call("SetResources", g_variant_new("(sa{sv})", "hog", &limits));
	call("Activate", g_variant_new("(s@a{sv})", "hog", zt_no_options()));
	/* What RunIn starts goes before the desktop's init when memory runs out. */
	g_autofree char *adj = zt_desktop_run(agent, "hog", "cat /proc/self/oom_score_adj");
	g_assert_cmpstr(adj, ==, "500");
	/* The hog reports only if it gets its 48 MB. No shell waits on it to report its death: the
	 * kernel may kill a second process of the desktop while the first still exits. */
	const char *hog[] = { "/bin/sh", "-c",
			      "x=$(head -c 48000000 /dev/zero | tr '\\0' a); "
			      "echo ${#x} > ~/Shared/hog.tmp; mv ~/Shared/hog.tmp ~/Shared/hog",
			      NULL };
	g_autofree char *result = shared_file("hog");
	guint64 kills = oom_kills("hog");
	zt_agent_do(agent, "RunIn",
		    g_variant_new("(s^as@a{ss})", "hog", hog,
				  g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
		    NULL);
	for (int i = 0; i < 1000 && oom_kills("hog") == kills; i++)
		g_usleep(10 * 1000);
	g_assert_cmpuint(oom_kills("hog"), >, kills);
	g_usleep(200 * 1000);
	g_assert_false(g_file_test(result, G_FILE_TEST_EXISTS));
	g_autofree char *alive = zt_desktop_run(agent, "hog", "echo alive");
	g_assert_cmpstr(alive, ==, "alive");

	g_variant_builder_init(&limits, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&limits, "{sv}", "memory", g_variant_new_uint64(256 << 20));
	call("SetResources", g_variant_new("(sa{sv})", "hog", &limits));
	zt_agent_do(agent, "RunIn",
		    g_variant_new("(s^as@a{ss})", "hog", hog,
				  g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
		    NULL);
	for (int i = 0; i < 1000 && !g_file_test(result, G_FILE_TEST_EXISTS); i++)
		g_usleep(10 * 1000);
	g_autofree char *survived = NULL;
	g_assert_true(g_file_get_contents(result, &survived, NULL, NULL));
	g_assert_cmpstr(survived, ==, "48000000\n");
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "hog", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "hog"));
}

/* Killed while a desktop runs, the agent adopts it; killed in the middle of an activation, it
 * cleans up. */
static void test_agent_killed(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "kept", "tiny", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "kept", zt_no_options()));
	zt_agent_crash_and_restart(agent);
	g_autofree char *alive = zt_desktop_run(agent, "kept", "echo alive");
	g_assert_cmpstr(alive, ==, "alive");

	/* Killed during Hibernate, after the freezer and before the record: the desktop is found
	 * hibernated; during Resume, after the thaw: running. */
	g_autofree char *hash =
		g_compute_checksum_for_string(G_CHECKSUM_SHA256, zt_agent_state_dir(agent), -1);
	g_autofree char *container = g_strdup_printf("z%.8s-kept", hash);
	g_assert_true(zion_cgroup_freeze(container, NULL));
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) frozen = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *frozen_text = g_variant_print(frozen, FALSE);
	g_assert_nonnull(strstr(frozen_text, "('kept', 'tiny', 1, 'hibernated', 0)"));
	g_assert_true(zion_cgroup_thaw(container, NULL));
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) thawed = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *thawed_text = g_variant_print(thawed, FALSE);
	g_assert_nonnull(strstr(thawed_text, "('kept', 'tiny', 1, 'running', 0)"));
	g_autofree char *still = zt_desktop_run(agent, "kept", "echo alive");
	g_assert_cmpstr(still, ==, "alive");

	/* Killed during Deactivate: the record says "stopping" while the container still runs; the
	 * agent finishes the stop. */
	g_autofree char *record_path = g_build_filename(zt_agent_state_dir(agent), "desktops",
							"kept", "desktop.ini", NULL);
	g_autofree char *running_text = NULL;
	g_assert_true(g_file_get_contents(record_path, &running_text, NULL, NULL));
	g_auto(GStrv) halves = g_strsplit(running_text, "state=running", 2);
	g_autofree char *stopping = g_strjoinv("state=stopping", halves);
	g_assert_true(g_file_set_contents(record_path, stopping, -1, NULL));
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) stopped = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *stopped_text = g_variant_print(stopped, FALSE);
	g_assert_nonnull(strstr(stopped_text, "('kept', 'tiny', 0, 'stopped', 0)"));
	g_autofree char *kept_root =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "kept", "merged", NULL);
	g_assert_false(mounted(kept_root));
	g_assert_false(zion_cgroup_exists(container));
	call("Activate", g_variant_new("(s@a{sv})", "kept", zt_no_options()));

	/* A record that says "starting" is what a kill during Activate leaves. */
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "kept", FALSE), NULL);
	g_autofree char *record = g_build_filename(zt_agent_state_dir(agent), "desktops", "kept",
						   "desktop.ini", NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(record, &text, NULL, NULL));
	g_autofree char *starting =
		g_strjoinv("state=starting", g_strsplit(text, "state=stopped", 2));
	g_assert_true(g_file_set_contents(record, starting, -1, NULL));
	g_autofree char *session =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "kept", "session", NULL);
	g_assert_cmpint(g_mkdir_with_parents(session, 0755), ==, 0);
	zt_agent_crash_and_restart(agent);
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('kept', 'tiny', 0, 'stopped', 0)"));
	g_assert_false(g_file_test(session, G_FILE_TEST_EXISTS));
	call("Destroy", g_variant_new("(s)", "kept"));
}

/* The desktop's network interfaces, by name, one a line. */
static char *interfaces(const char *desktop)
{
	return zt_desktop_run(agent, desktop,
			      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort");
}

/* Accepts and at once closes every connection, until cancelled. */
static gpointer serve(gpointer data)
{
	GSocketListener *listener = data;
	GCancellable *cancel = g_object_get_data(G_OBJECT(listener), "cancel");
	for (;;) {
		g_autoptr(GSocketConnection) connection =
			g_socket_listener_accept(listener, NULL, cancel, NULL);
		if (!connection)
			return NULL;
	}
}

static void listen_on(GSocketListener *listener, const char *address, guint16 port)
{
	g_autoptr(GInetAddress) inet = g_inet_address_new_from_string(address);
	g_autoptr(GSocketAddress) at = g_inet_socket_address_new(inet, port);
	g_autoptr(GError) error = NULL;
	g_socket_listener_add_address(listener, at, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
				      NULL, NULL, &error);
	g_assert_no_error(error);
}

static char *lease_holder(const char *address)
{
	g_autofree char *path =
		g_build_filename(zt_agent_state_dir(agent), "network", "leases", address, NULL);
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return g_strchomp(text);
}

/* The desktop's IPv4 address on eth0, without its prefix. */
static char *eth0_address(const char *desktop)
{
	return zt_desktop_run(
		agent, desktop,
		"ip -4 -o addr show dev eth0 | sed 's/.* inet \\([0-9.]*\\)\\/.*/\\1/'");
}

#define BLOCKED_PORT 47101
#define OPEN_PORT 47102

static const char walled[] = "schema: zion/v1\n"
			     "name: walled\n"
			     "base: tiny\n"
			     "network:\n  mode: nat\n"
			     "firewall:\n"
			     "  outgoing: allow\n"
			     "  rules:\n"
			     "    - action: deny\n      direction: out\n      port: 47101\n";

static const char welcoming[] = "schema: zion/v1\n"
				"name: welcoming\n"
				"base: tiny\n"
				"network:\n  mode: nat\n"
				"firewall:\n  incoming: allow\n";

/* A none desktop has loopback alone; a nat desktop has eth0 on the agent's bridge, reaches the
 * host there, and its persona's firewall holds what it refuses. */
static void test_network_and_firewall(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "lonely", "tiny", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "lonely", zt_no_options()));
	g_autofree char *lonely = interfaces("lonely");
	g_assert_cmpstr(lonely, ==, "lo");

	call("SavePersona", g_variant_new("(ss)", "walled.yaml", walled));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "wall", "walled", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "wall", zt_no_options()));
	g_autofree char *wall = interfaces("wall");
	g_assert_cmpstr(wall, ==, "eth0\nlo");
	g_autofree char *address = eth0_address("wall");
	g_autofree char *holder = lease_holder(address);
	g_assert_cmpstr(holder, ==, "wall");
	const char *gateway = zt_agent_bridge_gateway(agent);
	g_autofree char *link = g_strdup_printf("/sys/class/net/%s/brif", zt_agent_bridge(agent));
	g_assert_true(g_file_test(link, G_FILE_TEST_IS_DIR));

	g_autoptr(GSocketListener) listener = g_socket_listener_new();
	g_autoptr(GCancellable) cancel = g_cancellable_new();
	g_object_set_data(G_OBJECT(listener), "cancel", cancel);
	listen_on(listener, gateway, BLOCKED_PORT);
	listen_on(listener, gateway, OPEN_PORT);
	GThread *server = g_thread_new("serve", serve, listener);
	g_autofree char *probe = g_strdup_printf(
		"for port in %d %d; do "
		"if nc -w 2 %s $port </dev/null >/dev/null 2>&1; then echo $port open; "
		"else echo $port closed; fi; done",
		BLOCKED_PORT, OPEN_PORT, gateway);
	g_autofree char *reached = zt_desktop_run(agent, "wall", probe);
	g_autofree char *expected = g_strdup_printf("%d closed\n%d open", BLOCKED_PORT, OPEN_PORT);
	g_assert_cmpstr(reached, ==, expected);
	/* The firewall is the desktop's alone: the host reaches the port it blocks. */
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GSocketConnection) host_side =
		g_socket_client_connect_to_host(client, gateway, BLOCKED_PORT, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(host_side);
	g_cancellable_cancel(cancel);
	g_thread_join(server);

	/* An agent killed and restarted does not hand the running desktop's address out again. */
	zt_agent_crash_and_restart(agent);
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "wall2", "walled", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "wall2", zt_no_options()));
	g_autofree char *address2 = eth0_address("wall2");
	g_assert_cmpstr(address2, !=, address);

	/* Desktops on the bridge do not reach each other, even one whose firewall lets all in;
	 * the host reaches it. nc -l serves one connection: a desktop that got through would leave
	 * none for the host. */
	call("SavePersona", g_variant_new("(ss)", "welcoming.yaml", welcoming));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "host1", "welcoming", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "host1", zt_no_options()));
	g_autofree char *served = eth0_address("host1");
	const char *serve_argv[] = { "/bin/sh", "-c", "exec nc -l -p 5000", NULL };
	zt_agent_do(agent, "RunIn",
		    g_variant_new("(s^as@a{ss})", "host1", serve_argv,
				  g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
		    NULL);
	g_autofree char *listening =
		zt_desktop_run(agent, "host1",
			       "for i in $(seq 100); do netstat -ltn | grep -q ':5000 ' && break; "
			       "sleep 0.05; done; netstat -ltn | grep -c ':5000 '");
	g_assert_cmpstr(listening, ==, "1");
	g_autofree char *cross =
		g_strdup_printf("if nc -w 2 %s 5000 </dev/null >/dev/null 2>&1; then echo reached; "
				"else echo isolated; fi",
				served);
	g_autofree char *crossed = zt_desktop_run(agent, "wall2", cross);
	g_assert_cmpstr(crossed, ==, "isolated");
	g_autoptr(GSocketConnection) to_desktop =
		g_socket_client_connect_to_host(client, served, 5000, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(to_desktop);

	for (const char *const *d =
		     (const char *const[]){ "lonely", "wall", "wall2", "host1", NULL };
	     *d; d++) {
		zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", *d, FALSE), NULL);
		call("Destroy", g_variant_new("(s)", *d));
	}
	/* Stopped desktops give their addresses back. */
	g_autofree char *freed = lease_holder(address);
	g_assert_null(freed);
	g_autofree char *freed2 = lease_holder(address2);
	g_assert_null(freed2);
}

/* A layer's ruleset nft refuses fails the activation: the error names the file, and nothing of
 * the desktop is left. */
static void test_firewall_refused(void)
{
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "breach", "walled", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "breach", zt_no_options()));
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "breach", FALSE), NULL);
	/* The layer is the agent's; the test spoils it where it lies. */
	g_autofree char *layers = g_build_filename(zt_agent_state_dir(agent), "layers", NULL);
	g_autoptr(GDir) dir = g_dir_open(layers, 0, NULL);
	g_assert_nonnull(dir);
	g_autofree char *ruleset = NULL;
	for (const char *entry; (entry = g_dir_read_name(dir));) {
		g_autofree char *path =
			g_build_filename(layers, entry, "upper/etc/zion/firewall.nft", NULL);
		g_autofree char *text = NULL;
		if (g_file_get_contents(path, &text, NULL, NULL) && strstr(text, "persona walled"))
			ruleset = g_steal_pointer(&path);
	}
	g_assert_nonnull(ruleset);
	g_assert_true(g_file_set_contents(ruleset, "table inet zion { chain output { oops } }\n",
					  -1, NULL));
	g_autoptr(GError) error = zt_agent_call_error(
		agent, "Activate", g_variant_new("(s@a{sv})", "breach", zt_no_options()));
	g_assert_nonnull(strstr(error->message, ruleset));
	g_assert_nonnull(strstr(error->message, "did not load"));
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('breach', 'walled', 0, 'stopped', 0)"));
	g_autofree char *merged =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "breach", "merged", NULL);
	g_assert_false(mounted(merged));
	g_autofree char *leases =
		g_build_filename(zt_agent_state_dir(agent), "network", "leases", NULL);
	g_autoptr(GDir) left = g_dir_open(leases, 0, NULL);
	g_assert_null(left ? g_dir_read_name(left) : NULL);
	call("Destroy", g_variant_new("(s)", "breach"));
}

static const char host_network[] = "schema: zion/v1\n"
				   "name: hosted\n"
				   "base: tiny\n"
				   "network:\n  mode: host\n";

/* A desktop in the host's network namespace is refused before anything is built or mounted. */
static void test_host_network_refused(void)
{
	call("SavePersona", g_variant_new("(ss)", "hosted.yaml", host_network));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "hosted", "hosted", zt_no_options()));
	g_autoptr(GError) error = zt_agent_call_error(
		agent, "Activate", g_variant_new("(s@a{sv})", "hosted", zt_no_options()));
	g_assert_nonnull(
		strstr(error->message, "persona hosted: network.mode: 'host' is not offered"));
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('hosted', 'hosted', 0, 'stopped', 0)"));
	g_autofree char *merged =
		g_build_filename(zt_agent_state_dir(agent), "desktops", "hosted", "merged", NULL);
	g_assert_false(mounted(merged));
	/* No layer of the persona was made. */
	g_autofree char *layers = g_build_filename(zt_agent_state_dir(agent), "layers", NULL);
	g_autoptr(GDir) dir = g_dir_open(layers, 0, NULL);
	for (const char *entry; dir && (entry = g_dir_read_name(dir));) {
		g_autofree char *nft =
			g_build_filename(layers, entry, "upper/etc/zion/firewall.nft", NULL);
		g_autofree char *text = NULL;
		if (g_file_get_contents(nft, &text, NULL, NULL))
			g_assert_null(strstr(text, "persona hosted"));
	}
	call("Destroy", g_variant_new("(s)", "hosted"));
}

static const char missing_package[] = "schema: zion/v1\n"
				      "name: wishful\n"
				      "base: host\n"
				      "packages:\n  install: [zion-no-such-package]\n";

/* apt in the build container over the host's root fails on a package no mirror has: the error
 * names the step and the package, no layer is left, the desktop stays stopped. */
static void keep_result(GObject *source, GAsyncResult *result, gpointer data)
{
	*(GAsyncResult **)data = g_object_ref(result);
}

static void test_package_step_fails(void)
{
	call("SavePersona", g_variant_new("(ss)", "wishful.yaml", missing_package));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "wish", "wishful", zt_no_options()));
	/* While apt runs in the build container, the agent answers other calls. */
	g_autoptr(GAsyncResult) activated = NULL;
	g_dbus_connection_call(zt_agent_connection(agent), "org.zion.Agent1", "/org/zion/Agent1",
			       "org.zion.Agent1", "Activate",
			       g_variant_new("(s@a{sv})", "wish", zt_no_options()), NULL,
			       G_DBUS_CALL_FLAGS_NONE, 120 * 1000, NULL, keep_result, &activated);
	g_autoptr(GVariant) during = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *building = g_variant_print(during, FALSE);
	g_assert_nonnull(strstr(building, "('wish', 'wishful', 0, 'starting', 0)"));
	while (!activated)
		g_main_context_iteration(NULL, TRUE);
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply =
		g_dbus_connection_call_finish(zt_agent_connection(agent), activated, &error);
	g_assert_null(reply);
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, "packages.install"));
	g_assert_nonnull(strstr(error->message, "Unable to locate package zion-no-such-package"));
	g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
	g_autofree char *printed = g_variant_print(list, FALSE);
	g_assert_nonnull(strstr(printed, "('wish', 'wishful', 0, 'stopped', 0)"));
	/* Only failed logs under layers/, and the build root is gone. */
	g_autofree char *layers = g_build_filename(zt_agent_state_dir(agent), "layers", NULL);
	g_autoptr(GDir) dir = g_dir_open(layers, 0, NULL);
	gboolean failed_log = FALSE;
	for (const char *entry; dir && (entry = g_dir_read_name(dir));) {
		g_autofree char *path = g_build_filename(layers, entry, NULL);
		if (g_str_has_suffix(entry, ".failed.log")) {
			g_autofree char *log = NULL;
			g_assert_true(g_file_get_contents(path, &log, NULL, NULL));
			failed_log |= strstr(log, "zion-no-such-package") != NULL;
			continue;
		}
		/* Layers of other personas are whole. */
		g_autofree char *text = NULL;
		g_autofree char *nft = g_build_filename(path, "upper/etc/zion/firewall.nft", NULL);
		g_assert_false(g_str_has_prefix(entry, ".tmp-"));
		g_assert_true(g_file_get_contents(nft, &text, NULL, NULL));
		g_assert_null(strstr(text, "persona wishful"));
	}
	g_assert_true(failed_log);
	call("Destroy", g_variant_new("(s)", "wish"));
}

static const char hello_persona[] = "schema: zion/v1\n"
				    "name: greeter\n"
				    "base: deb\n"
				    "packages:\n  install: [hello]\n";

/* A Debian image (zionctl image build on the agent's state), a persona installing hello through
 * the agent's build container, and hello running in the desktop. Downloads about 110 MB: only with
 * ZION_TEST_DEBIAN=1. */
static void test_debian_packages(void)
{
	if (g_strcmp0(g_getenv("ZION_TEST_DEBIAN"), "1") != 0) {
		g_test_skip(
			"set ZION_TEST_DEBIAN=1 to build a Debian image and run apt (downloads)");
		return;
	}
	g_autofree char *zionctl =
		g_build_filename(g_getenv("ZION_BUILD_DIR"), "session-agent", "zionctl", NULL);
	g_autofree char *state_arg = g_strdup_printf("--state-dir=%s", zt_agent_state_dir(agent));
	const char *build[] = { zionctl, state_arg, "image", "build", "deb", "--debian", NULL };
	int status = -1;
	g_autoptr(GError) error = NULL;
	g_spawn_sync(NULL, (char **)build, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
		     &status, &error);
	g_assert_no_error(error);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	call("SavePersona", g_variant_new("(ss)", "greeter.yaml", hello_persona));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "greet", "greeter", zt_no_options()));
	gint64 start = g_get_monotonic_time();
	call("Activate", g_variant_new("(s@a{sv})", "greet", zt_no_options()));
	g_test_message("activation with apt installing hello: %.1f s",
		       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	g_autofree char *hello = zt_desktop_run(agent, "greet", "/usr/bin/hello");
	g_assert_cmpstr(hello, ==, "Hello, world!");
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "greet", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "greet"));
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/runtime/activate-see-hibernate-deactivate",
			test_activate_see_hibernate_deactivate);
	g_test_add_func("/agent/runtime/live-limits", test_live_limits);
	g_test_add_func("/agent/runtime/agent-killed", test_agent_killed);
	g_test_add_func("/agent/runtime/network-and-firewall", test_network_and_firewall);
	g_test_add_func("/agent/runtime/firewall-refused", test_firewall_refused);
	g_test_add_func("/agent/runtime/host-network-refused", test_host_network_refused);
	g_test_add_func("/agent/runtime/package-step-fails", test_package_step_fails);
	g_test_add_func("/agent/runtime/debian-packages", test_debian_packages);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
