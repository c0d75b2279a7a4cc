/* Two desktops of one owner from the agent: each has its persona's users and schedule, sees only
 * its own processes and files, and the two share ~/Shared alone. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-test-agent.h"
#include "zion-test-desktop.h"
#include "zion-test.h"

static ZtAgent *agent;

static void call(const char *method, GVariant *parameters)
{
	zt_agent_do(agent, method, parameters, NULL);
}

static void test_two_desktops(void)
{
	call("BuildImage", g_variant_new("(ss@a{sv})", "iso", "busybox", zt_no_options()));
	call("SavePersona",
	     g_variant_new("(ss)", "work.yaml",
			   "schema: zion/v1\nname: work\nbase: iso\n"
			   "devices:\n  gpu: true\n"
			   "users:\n  - name: wendy\n    uid: 1000\n    groups: [staff]\n"
			   "schedule:\n  - name: backup\n    calendar: \"*-*-* 02:30\"\n"
			   "    command: tar cf /tmp/backup.tar /home\n"));
	call("SavePersona", g_variant_new("(ss)", "play.yaml",
					  "schema: zion/v1\nname: play\nbase: iso\n"
					  "autostart:\n  - sh -c 'id -un > ~/Shared/a.tmp; mv "
					  "~/Shared/a.tmp ~/Shared/autostarted'\n"));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "work", "work", zt_no_options()));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "play", "play", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "work", zt_no_options()));
	call("Activate", g_variant_new("(s@a{sv})", "play", zt_no_options()));

	/* Autostart apps run as the desktop's user once it runs. */
	g_autofree char *autostarted =
		g_build_filename(zt_agent_state_dir(agent), "shared", "0", "autostarted", NULL);
	for (int i = 0; i < 500 && !g_file_test(autostarted, G_FILE_TEST_EXISTS); i++)
		g_usleep(10 * 1000);
	g_autofree char *autostart_user = NULL;
	g_assert_true(g_file_get_contents(autostarted, &autostart_user, NULL, NULL));
	g_assert_cmpstr(autostart_user, ==, "user\n");

	/* The persona's account is the desktop's user, in its groups, with its home. */
	g_autofree char *who = zt_desktop_run(agent, "work", "id -un; id -Gn; echo $HOME; pwd");
	g_assert_cmpstr(who, ==, "wendy\nwendy staff\n/home/wendy\n/home/wendy");
	/* The schedule, as busybox's crond (running as root) reads it. */
	g_autofree char *cron = zt_desktop_run_as_root(agent, "work", "cat /etc/crontabs/root");
	g_assert_nonnull(strstr(cron, "30 2 * * * tar cf /tmp/backup.tar /home"));
	g_autofree char *crond =
		zt_desktop_run(agent, "work", "pidof crond >/dev/null && echo runs");
	g_assert_cmpstr(crond, ==, "runs");
	g_autofree char *no_cron =
		zt_desktop_run_as_root(agent, "play", "cat /etc/crontabs/root 2>&1; true");
	g_assert_null(strstr(no_cron, "backup"));

	/* The GPU only where the persona allows it (the kernel's devices cgroup, on v1). */
	const char *state = zt_agent_state_dir(agent);
	g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256, state, -1);
	g_autofree char *work_devices =
		g_strdup_printf("/sys/fs/cgroup/devices/lxc.payload.z%.8s-work/devices.list", hash);
	g_autofree char *play_devices =
		g_strdup_printf("/sys/fs/cgroup/devices/lxc.payload.z%.8s-play/devices.list", hash);
	g_autofree char *work_list = NULL, *play_list = NULL;
	if (g_file_get_contents(work_devices, &work_list, NULL, NULL) &&
	    g_file_get_contents(play_devices, &play_list, NULL, NULL)) {
		g_assert_nonnull(strstr(work_list, "c 226:* rwm"));
		g_assert_null(strstr(play_list, "c 226:* rwm"));
	} else {
		g_test_message("no devices cgroup v1 here: GPU rules not checked");
	}

	/* A process and a file of one desktop are not in the other. */
	const char *argv[] = { "/bin/sh", "-c", "exec sleep 4242", NULL };
	GVariant *env = g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
	call("RunIn", g_variant_new("(s^as@a{ss})", "work", argv, env));
	g_autofree char *mine =
		zt_desktop_run(agent, "work", "sleep 0.2; ps -o args | grep -c '^sleep 4242'");
	g_assert_cmpstr(mine, ==, "1");
	g_autofree char *theirs =
		zt_desktop_run(agent, "play", "ps -o args | grep -c '^sleep 4242'");
	g_assert_cmpstr(theirs, ==, "0");
	g_free(zt_desktop_run(agent, "work", "echo private > /tmp/work-only; echo mine > ~/note"));
	g_autofree char *seen = zt_desktop_run(
		agent, "play",
		"cat /tmp/work-only ~/note /home/wendy/note 2>&1 | grep -c 'private\\|mine'");
	g_assert_cmpstr(seen, ==, "0");

	/* ~/Shared is the one place both see. */
	g_free(zt_desktop_run(agent, "work", "echo from work > ~/Shared/hand-over"));
	g_autofree char *shared = zt_desktop_run(agent, "play", "cat ~/Shared/hand-over");
	g_assert_cmpstr(shared, ==, "from work");

	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "work", FALSE), NULL);
	zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "play", FALSE), NULL);
	call("Destroy", g_variant_new("(s)", "work"));
	call("Destroy", g_variant_new("(s)", "play"));
}

/* The base "host" works only with the state directory on a file system of its own; else the
 * activation says so (the test's state is wherever the temporary directory is). */
static void test_host_base_needs_its_own_file_system(void)
{
	call("SavePersona",
	     g_variant_new("(ss)", "onhost.yaml", "schema: zion/v1\nname: onhost\n"));
	call("CreateDesktop", g_variant_new("(ss@a{sv})", "onhost", "onhost", zt_no_options()));
	struct stat state, root;
	g_assert_cmpint(stat(zt_agent_state_dir(agent), &state), ==, 0);
	g_assert_cmpint(stat("/", &root), ==, 0);
	if (state.st_dev != root.st_dev) {
		call("Activate", g_variant_new("(s@a{sv})", "onhost", zt_no_options()));
		g_autofree char *user = zt_desktop_run(agent, "onhost", "id -un; ls /root | wc -l");
		g_assert_cmpstr(user, ==, "user\n0");
		zt_agent_do(agent, "Deactivate", g_variant_new("(sb)", "onhost", FALSE), NULL);
	} else {
		g_autoptr(GError) error = zt_agent_call_error(
			agent, "Activate", g_variant_new("(s@a{sv})", "onhost", zt_no_options()));
		g_assert_nonnull(
			strstr(error->message, "the base 'host' needs the state directory"));
		g_autoptr(GVariant) list = zt_agent_call(agent, "ListDesktops", NULL, NULL);
		g_autofree char *printed = g_variant_print(list, FALSE);
		g_assert_nonnull(strstr(printed, "('onhost', 'onhost', 0, 'stopped', 0)"));
	}
	call("Destroy", g_variant_new("(s)", "onhost"));
}

int main(int argc, char **argv)
{
	if (!zt_agent_test_init(&argc, &argv))
		return 77;
	agent = zt_agent_start();
	g_test_add_func("/agent/isolation/two-desktops", test_two_desktops);
	g_test_add_func("/agent/isolation/host-base-needs-its-own-file-system",
			test_host_base_needs_its_own_file_system);
	int status = g_test_run();
	zt_agent_stop(agent);
	return status;
}
