/* liblxc calls for desktop containers. */
#include <errno.h>

#include "container.h"

#include <lxc/attach_options.h>
#include <lxc/lxccontainer.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-error.h"

#define SECCOMP_PROFILE "/usr/share/lxc/config/common.seccomp"

static struct lxc_container *open_container(const char *lxcpath, const char *name, GError **error)
{
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	if (!c)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "liblxc cannot open container %s in %s", name, lxcpath);
	return c;
}

static gboolean set(struct lxc_container *c, const char *key, const char *value, GError **error)
{
	if (c->set_config_item(c, key, value))
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "container %s: liblxc refused %s = %s",
		    c->name, key, value);
	return FALSE;
}

gboolean zion_container_write_config(const ZionContainerSpec *spec, GError **error)
{
	g_autofree char *dir = g_build_filename(spec->lxcpath, spec->name, NULL);
	if (g_mkdir_with_parents(dir, 0711) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	/* A fresh config every time: the idmap must never be cleared on a loaded one (LXC 5.0.2
	 * leaves a dangling pointer behind). */
	g_autofree char *config = g_build_filename(dir, "config", NULL);
	unlink(config);
	struct lxc_container *c = open_container(spec->lxcpath, spec->name, error);
	if (!c)
		return FALSE;
	g_autofree char *rootfs = g_strdup_printf("dir:%s", spec->rootfs);
	g_autofree char *log = g_build_filename(dir, "lxc.log", NULL);
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < spec->map->n; i++) {
		for (const char *kind = "ug"; ok && *kind; kind++) {
			g_autofree char *line = g_strdup_printf(
				"%c %u %u %u", *kind, spec->map->ranges[i].inside,
				spec->map->ranges[i].outside, spec->map->ranges[i].count);
			ok = set(c, "lxc.idmap", line, error);
		}
	}
	const char *items[][2] = {
		{ "lxc.uts.name", spec->hostname },
		{ "lxc.rootfs.path", rootfs },
		{ "lxc.net.0.type", "empty" },
		{ "lxc.apparmor.profile", "unconfined" },
		{ "lxc.init.cmd", "/sbin/init" },
		{ "lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed" },
		{ "lxc.autodev", "1" },
		{ "lxc.pty.max", "8" },
		{ "lxc.tty.max", "0" },
		{ "lxc.console.path", "none" },
		{ "lxc.log.file", log },
		{ "lxc.log.level", "WARN" },
		{ "lxc.cgroup.devices.deny", zion_cgroups_unified() ? NULL : "a" },
	};
	for (guint i = 0; ok && i < G_N_ELEMENTS(items); i++) {
		if (items[i][1])
			ok = set(c, items[i][0], items[i][1], error);
	}
	/* The devices autodev makes, and nothing else, unless the persona allows more. */
	static const char *const devices[] = {
		"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
		"c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"
	};
	for (guint i = 0; ok && !zion_cgroups_unified() && i < G_N_ELEMENTS(devices); i++)
		ok = set(c, "lxc.cgroup.devices.allow", devices[i], error);
	if (ok && g_file_test(SECCOMP_PROFILE, G_FILE_TEST_EXISTS))
		ok = set(c, "lxc.seccomp.profile", SECCOMP_PROFILE, error);
	for (guint i = 0; ok && spec->environment && spec->environment[i]; i++)
		ok = set(c, "lxc.environment", spec->environment[i], error);
	for (guint i = 0; ok && i < spec->n_mounts; i++) {
		const ZionBindMount *m = &spec->mounts[i];
		g_autofree char *entry =
			g_strdup_printf("%s %s none bind,create=%s%s 0 0", m->host, m->inside,
					m->directory ? "dir" : "file", m->read_only ? ",ro" : "");
		ok = set(c, "lxc.mount.entry", entry, error);
	}
	g_autoptr(GPtrArray) limits = zion_cgroups_config_items(&spec->limits);
	for (guint i = 0; ok && i + 1 < limits->len; i += 2)
		ok = set(c, g_ptr_array_index(limits, i), g_ptr_array_index(limits, i + 1), error);
	if (ok && !c->save_config(c, config)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot save %s", config);
		ok = FALSE;
	}
	lxc_container_put(c);
	return ok;
}

static char *start_helper(void)
{
	const char *path = g_getenv("ZION_LXC_START_HELPER");
	return g_strdup(path ? path : ZION_LIBEXECDIR "/zion-lxc-start");
}

gboolean zion_container_start(const char *lxcpath, const char *name, GError **error)
{
	g_autofree char *helper = start_helper();
	const char *argv[] = { helper, lxcpath, name, NULL };
	g_autofree char *err = NULL;
	int status;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
			  &err, &status, error))
		return FALSE;
	if (!g_spawn_check_wait_status(status, NULL)) {
		/* LXC's own words: the last error lines of its log. */
		g_autofree char *log_path = g_build_filename(lxcpath, name, "lxc.log", NULL);
		g_autofree char *log = NULL;
		g_autoptr(GString) errors = g_string_new("");
		if (g_file_get_contents(log_path, &log, NULL, NULL)) {
			g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
			guint n = g_strv_length(lines);
			for (guint i = n > 40 ? n - 40 : 0; i < n; i++) {
				const char *at = strstr(lines[i], "ERROR ");
				if (at && errors->len < 600)
					g_string_append_printf(errors, "; %s", at + 6);
			}
		}
		g_strstrip(err);
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "container %s did not start: %s%s", name,
			    *err ? err : "see its lxc.log", errors->str);
		return FALSE;
	}
	return TRUE;
}

gboolean zion_container_is_running(const char *lxcpath, const char *name)
{
	struct lxc_container *c = lxc_container_new(name, lxcpath);
	gboolean running = c && c->is_running(c);
	if (c)
		lxc_container_put(c);
	return running;
}

gboolean zion_container_stop(const char *lxcpath, const char *name, guint timeout_ms,
			     GError **error)
{
	struct lxc_container *c = open_container(lxcpath, name, error);
	if (!c)
		return FALSE;
	gboolean ok = TRUE;
	if (c->is_running(c)) {
		/* shutdown() sends init SIGPWR and waits whole seconds. */
		int seconds = (int)((timeout_ms + 999) / 1000);
		if (!c->shutdown(c, seconds) && !c->stop(c)) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "container %s does not stop", name);
			ok = FALSE;
		}
	}
	lxc_container_put(c);
	return ok;
}

gboolean zion_container_run(const char *lxcpath, const char *name, uid_t uid, gid_t gid,
			    const char *cwd, const char *const *argv, const char *const *env,
			    int out, pid_t *pid, GError **error)
{
	struct lxc_container *c = open_container(lxcpath, name, error);
	if (!c)
		return FALSE;
	lxc_attach_options_t options = LXC_ATTACH_OPTIONS_DEFAULT;
	options.uid = uid;
	options.gid = gid;
	options.initial_cwd = (char *)cwd;
	/* Only the desktop's environment and what the caller asked for, never the agent's. */
	options.env_policy = LXC_ATTACH_CLEAR_ENV;
	options.extra_env_vars = (char **)env;
	if (out >= 0) {
		options.stdout_fd = out;
		options.stderr_fd = out;
	}
	lxc_attach_command_t command = { .program = (char *)argv[0], .argv = (char **)argv };
	int result = c->attach(c, lxc_attach_run_command, &command, &options, pid);
	lxc_container_put(c);
	if (result < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot run %s in desktop %s",
			    argv[0], name);
		return FALSE;
	}
	return TRUE;
}
