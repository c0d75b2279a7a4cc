/*
 * org.zion.Agent1's methods that run desktops: Activate, Deactivate, Hibernate, Resume, RunIn,
 * SetResources; and, when the agent starts, bringing back desktops a crash left half done.
 * Every change of state is written to the desktop's record before the step it announces, so a
 * restarted agent knows what to finish or undo.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent-caller.h"
#include "agent.h"
#include "build-root.h"
#include "cgroups.h"
#include "container.h"
#include "desktop-accounts.h"
#include "desktop-mount.h"
#include "image-store.h"
#include "layer-build.h"
#include "remove-tree.h"
#include "session-capture.h"
#include "zion-error.h"

#define STOP_TIMEOUT_MS 2000
/* Not under /run, which an init such as systemd mounts over. */
#define SOCKET_INSIDE "/zion/wayland-0"

char *zion_agent_container_name(ZionAgent *agent, const char *desktop)
{
	g_autofree char *hash =
		g_compute_checksum_for_string(G_CHECKSUM_SHA256, agent->state_dir, -1);
	return g_strdup_printf("z%.8s-%s", hash, desktop);
}

static char *lxcpath(ZionAgent *agent)
{
	return g_build_filename(agent->state_dir, "lxc", NULL);
}

static char *desktop_path(ZionAgent *agent, const char *desktop, const char *part)
{
	return g_build_filename(agent->state_dir, "desktops", desktop, part, NULL);
}

static ZionLimits limits_of(const ZionPersona *persona, const ZionDesktopResources *res)
{
	ZionLimits limits = {
		.memory = persona ? persona->resources.memory : 0,
		.pids = persona ? persona->resources.pids : 0,
		.cpu_milli = persona ? persona->resources.cpus_milli : 0,
		.cpu_weight = persona ? persona->resources.cpu_weight : 0,
	};
	if (res->memory >= 0)
		limits.memory = res->memory;
	if (res->pids >= 0)
		limits.pids = res->pids;
	if (res->cpus_milli >= 0)
		limits.cpu_milli = res->cpus_milli;
	if (res->cpu_weight >= 0)
		limits.cpu_weight = res->cpu_weight;
	return limits;
}

/* Stops the container and unmounts the root, whatever part of them exists. */
static void stop_and_unmount(ZionAgent *agent, const ZionDesktopRecord *record)
{
	g_autofree char *name = zion_agent_container_name(agent, record->name);
	g_autofree char *path = lxcpath(agent);
	g_autoptr(GError) error = NULL;
	/* Stopping thaws, asks init, then kills whatever is left. */
	if (!zion_container_stop(path, name, STOP_TIMEOUT_MS, &error)) {
		g_warning("%s", error->message);
		g_clear_error(&error);
	}
	/* What a crash of the container's monitor left behind. */
	if (!zion_cgroup_prune(name, &error)) {
		g_warning("%s", error->message);
		g_clear_error(&error);
	}
	g_autofree char *merged = desktop_path(agent, record->name, "merged");
	if (!zion_desktop_umount(merged, &error))
		g_warning("%s", error->message);
}

static void discard_session(ZionAgent *agent, const ZionDesktopRecord *record)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *session = desktop_path(agent, record->name, "session");
	if (!zion_remove_tree(session, &error))
		g_warning("%s", error->message);
	zion_agent_network_release(agent, record->name);
}

/* Undoes whatever part of an activation exists: container, mount, session layer. */
static void tear_down(ZionAgent *agent, ZionDesktopRecord *record)
{
	stop_and_unmount(agent, record);
	discard_session(agent, record);
}

/*
 * Makes the stopped desktop's session layer part of a new version of its persona: the version it
 * ran with, its saved sessions and this one. Returns that version's number (the one it ran with
 * when the session changed nothing), 0 with error set. Safe to call again after a crash: the
 * capture is named by its content and saving an unchanged persona makes no version.
 */
static guint save_session(ZionAgent *agent, const ZionDesktopRecord *record, GError **error)
{
	g_autofree char *spec = g_strdup_printf("%u", record->active_version);
	g_autoptr(ZionPersona) persona =
		zion_persona_store_load(agent->personas, record->persona, spec, NULL, error);
	if (!persona)
		return 0;
	/* What is not the desktop's own: kernel file systems, run-time state, and the mount
	 * points of the private home (kept apart anyway) and of the compositor's socket. */
	const char *home = record->home ? record->home + 1 : "home/user";
	const char *excluded[] = {
		"dev", "proc", "sys", "run", "tmp", "var/tmp", "zion", home, NULL
	};
	g_autofree char *upper = desktop_path(agent, record->name, "session/upper");
	g_autofree char *captures = zion_session_captures_dir(agent->state_dir, record->persona);
	g_autofree char *id = NULL;
	if (!zion_session_capture(upper, excluded, captures, &id, error)) {
		g_prefix_error(error, "the session of desktop %s was not saved: ", record->name);
		return 0;
	}
	if (!id)
		return record->active_version;
	guint n = g_strv_length(persona->sessions);
	persona->sessions = g_renew(char *, persona->sessions, n + 2);
	persona->sessions[n] = g_steal_pointer(&id);
	persona->sessions[n + 1] = NULL;
	gboolean created;
	g_autoptr(ZionPersonaVersion) version =
		zion_persona_store_save(agent->personas, persona, &created, error);
	return version ? version->number : 0;
}

/* A desktop that was stopping with save when something failed or the agent died: saves its
 * session and then throws the session layer away; on failure keeps it for the next try. */
static guint finish_saving(ZionAgent *agent, ZionDesktopRecord *record, GError **error)
{
	guint version = save_session(agent, record, error);
	if (version)
		discard_session(agent, record);
	return version;
}

/* The record's fields after the desktop stopped (not its state); version: the persona version
 * its session became, or 0. */
static void forget_activation(ZionDesktopRecord *record, guint version)
{
	if (version) {
		record->saving = FALSE;
		/* A desktop pinned to a version moves to the one holding its session. */
		if (strcmp(record->version, "current") != 0) {
			g_free(record->version);
			record->version = g_strdup_printf("%u", version);
		}
		g_message("desktop %s: its session is version %u of persona %s", record->name,
			  version, record->persona);
	}
	record->active_version = 0;
	g_clear_pointer(&record->layer, g_free);
	record->activated_at = 0;
}

static gboolean make_dir(const char *path, mode_t mode, uid_t uid, GError **error)
{
	if ((g_mkdir_with_parents(path, mode) < 0 || chmod(path, mode) < 0 ||
	     chown(path, uid, uid) < 0)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot make %s: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/* An activation under way: what is known before the layer is ready, and the layer. */
struct activation {
	ZionAgent *agent;
	ZionDesktopRecord *record;
	GDBusMethodInvocation *invocation;
	char *socket;
	gint64 start;
	ZionPersona *persona;
	ZionPersonaVersion *version;
	ZionNetwork network;
	char *address, *gateway; /* what network points to */
	ZionImage *image;
	char *layer_home; /* STATE/layers/ID */
};

static void activation_free(struct activation *a)
{
	g_free(a->socket);
	g_clear_pointer(&a->persona, zion_persona_free);
	g_clear_pointer(&a->version, zion_persona_version_free);
	g_free(a->address);
	g_free(a->gateway);
	g_clear_pointer(&a->image, zion_image_free);
	g_free(a->layer_home);
	g_free(a);
}

/* The rest of an activation once the persona's layer exists: mount, config, start. */
static gboolean activate(struct activation *a, GError **error)
{
	ZionAgent *agent = a->agent;
	ZionDesktopRecord *record = a->record;
	const ZionPersona *persona = a->persona;
	const ZionImage *image = a->image;
	const char *socket = a->socket;
	g_autofree char *layer = g_build_filename(a->layer_home, "upper", NULL);

	ZionIdMap map;
	zion_id_map_for_desktop(&map, record->owner, ZION_DESKTOP_UID);
	guint32 user_host = zion_id_map_to_host(&map, ZION_DESKTOP_UID);
	g_autofree char *session = desktop_path(agent, record->name, "session");
	g_autofree char *merged = desktop_path(agent, record->name, "merged");
	g_autofree char *home = desktop_path(agent, record->name, "home");
	g_autofree char *shared_root = g_build_filename(agent->state_dir, "shared", NULL);
	g_autofree char *shared = g_strdup_printf("%s/%u", shared_root, record->owner);
	/* A session layer left by a crash was already thrown away by recovery. */
	/* Every directory above what is mounted must be searchable by the desktop's root. */
	if (!make_dir(shared_root, 0711, 0, error) || !make_dir(session, 0700, 0, error) ||
	    !make_dir(home, 0700, user_host, error) || !make_dir(shared, 0700, user_host, error))
		return FALSE;
	const char *lowers[] = { layer, image->rootfs, NULL };
	gboolean has_socket = socket && g_file_test(socket, G_FILE_TEST_EXISTS);
	if ((has_socket && !zion_desktop_mount_point(session, SOCKET_INSIDE, error)) ||
	    !zion_desktop_mount(merged, lowers, session, &map, error))
		return FALSE;

	/* The desktop's user is uid 1000 of its own passwd (the persona's, or the base's). */
	g_clear_pointer(&record->user, g_free);
	g_clear_pointer(&record->home, g_free);
	if (!zion_desktop_account(merged, ZION_DESKTOP_UID, &record->user, &record->home, error))
		return FALSE;
	const char *user = record->user;
	g_autofree char *shared_inside = g_build_filename(record->home, "Shared", NULL);
	ZionBindMount mounts[2] = {
		{ .host = home, .inside = record->home },
		{ .host = shared, .inside = shared_inside },
	};
	guint n_mounts = 2;
	if (has_socket) {
		if (!zion_desktop_bind_file(merged, socket, SOCKET_INSIDE, error))
			return FALSE;
	} else
		g_message("desktop %s: no compositor socket at %s; its apps cannot show windows",
			  record->name, socket ? socket : "(none)");
	g_autofree char *home_env = g_strdup_printf("HOME=%s", record->home);
	g_autofree char *user_env = g_strdup_printf("USER=%s", user);
	g_autofree char *desktop_env = g_strdup_printf("ZION_DESKTOP=%s", record->name);
	const char *environment[] = { "WAYLAND_DISPLAY=" SOCKET_INSIDE,
				      "XDG_SESSION_TYPE=wayland",
				      home_env,
				      user_env,
				      desktop_env,
				      NULL };
	g_autofree char *name = zion_agent_container_name(agent, record->name);
	g_autofree char *path = lxcpath(agent);
	const char *hostname =
		persona->network.hostname ? persona->network.hostname : persona->name;
	ZionContainerSpec spec = {
		.name = name,
		.lxcpath = path,
		.rootfs = merged,
		.hostname = hostname,
		.map = &map,
		.environment = environment,
		.mounts = mounts,
		.n_mounts = n_mounts,
		.network = a->network,
		.limits = limits_of(persona, &record->resources),
		.devices = (persona->devices.gpu ? ZION_DEVICE_GPU : 0) |
			   (persona->devices.audio ? ZION_DEVICE_AUDIO : 0) |
			   (persona->devices.camera ? ZION_DEVICE_CAMERA : 0) |
			   (persona->devices.usb ? ZION_DEVICE_USB : 0),
	};
	/* The firewall is in place before anything but init runs (RunIn, autostart). Without a
	 * network there is only loopback, which every ruleset accepts: nothing to load (nft costs
	 * some 10 ms). */
	g_autofree char *firewall = g_build_filename(layer, "etc", "zion", "firewall.nft", NULL);
	if (!make_dir(path, 0711, 0, error) || !zion_container_write_config(&spec, error) ||
	    !zion_container_start(path, name, error) ||
	    !zion_agent_network_started(agent, &a->network, error) ||
	    (a->network.mode == ZION_NETWORK_NAT &&
	     !zion_container_load_firewall(path, name, firewall, error)))
		return FALSE;
	record->active_version = a->version->number;
	record->activated_at = g_get_real_time() / G_USEC_PER_SEC;
	record->activations++;
	g_autofree char *layer_dir = g_path_get_dirname(layer);
	g_free(record->layer);
	record->layer = g_path_get_basename(layer_dir);
	return TRUE;
}

/* The persona's autostart apps, once the desktop runs; one that fails is logged, the desktop
 * runs on. */
static void autostart(ZionAgent *agent, ZionDesktopRecord *record)
{
	g_autofree char *version = g_strdup_printf("%u", record->active_version);
	g_autoptr(ZionPersona) persona =
		zion_persona_store_load(agent->personas, record->persona, version, NULL, NULL);
	for (guint i = 0; persona && persona->autostart[i]; i++) {
		g_auto(GStrv) argv = NULL;
		pid_t pid;
		g_autoptr(GError) local = NULL;
		if (!g_shell_parse_argv(persona->autostart[i], NULL, &argv, &local) ||
		    !zion_agent_run_in(agent, record, (const char *const *)argv, NULL, &pid,
				       &local))
			g_message("desktop %s: autostart '%s' failed: %s", record->name,
				  persona->autostart[i], local->message);
	}
}

static void reap(GPid pid, gint status, gpointer data)
{
	g_debug("process %d in a desktop ended (status %d)", (int)pid, status);
	g_spawn_close_pid(pid);
}

gboolean zion_agent_run_in(ZionAgent *agent, ZionDesktopRecord *record, const char *const *argv,
			   GVariant *env, pid_t *pid, GError **error)
{
	if (record->state != ZION_DESKTOP_RUNNING) {
		/* A process attached to a frozen desktop would join its frozen cgroup. */
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY, "desktop '%s' is %s, not running",
			    record->name, zion_desktop_state_names[record->state]);
		return FALSE;
	}
	if (!argv[0]) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID, "nothing to run");
		return FALSE;
	}
	g_autoptr(GPtrArray) vars = g_ptr_array_new_with_free_func(g_free);
	if (env) {
		GVariantIter iter;
		const char *key, *value;
		g_variant_iter_init(&iter, env);
		while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
			if (!*key || strchr(key, '=')) {
				g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
					    "'%s' cannot name an environment variable", key);
				return FALSE;
			}
			g_ptr_array_add(vars, g_strdup_printf("%s=%s", key, value));
		}
	}
	g_ptr_array_add(vars, NULL);
	g_autofree char *name = zion_agent_container_name(agent, record->name);
	g_autofree char *path = lxcpath(agent);
	const char *user = record->user ? record->user : "user";
	g_autofree char *merged = desktop_path(agent, record->name, "merged");
	g_autoptr(GArray) groups = zion_desktop_user_groups(merged, user, error);
	if (!groups || !zion_container_run(path, name, ZION_DESKTOP_UID, ZION_DESKTOP_UID,
					   (const gid_t *)groups->data, groups->len, argv,
					   (const char *const *)vars->pdata, record->home, -1, -1,
					   -1, pid, error))
		return FALSE;
	g_child_watch_add(*pid, reap, NULL);
	g_message("desktop %s: started %s as pid %d", record->name, argv[0], (int)*pid);
	return TRUE;
}

/* Looks up the caller's desktop and checks its state is one of those allowed (a bit mask). */
static ZionDesktopRecord *desktop_in(ZionAgent *agent, GDBusMethodInvocation *invocation,
				     const char *name, guint allowed, const char *doing,
				     GError **error)
{
	ZionDesktopRecord *record = zion_agent_caller_desktop(agent, invocation, name, error);
	if (record && !(allowed & (1u << record->state))) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_BUSY, "desktop '%s' is %s; cannot %s it",
			    name, zion_desktop_state_names[record->state], doing);
		return NULL;
	}
	return record;
}

#define IN(state) (1u << ZION_DESKTOP_##state)

/* Ends an activation: error NULL when the desktop runs, else everything is undone. */
static void activation_done(struct activation *a, GError *error)
{
	ZionAgent *agent = a->agent;
	ZionDesktopRecord *record = a->record;
	if (error) {
		g_prefix_error(&error, "desktop %s was not activated: ", record->name);
		tear_down(agent, record);
		zion_agent_set_state(agent, record, ZION_DESKTOP_STOPPED, NULL);
		zion_agent_return_error(a->invocation, error);
	} else {
		zion_agent_set_state(agent, record, ZION_DESKTOP_RUNNING, NULL);
		g_autoptr(GError) history = NULL;
		if (!zion_usage_history_started(agent->usage, record->name, record->activated_at,
						&history))
			g_warning("%s", history->message);
		autostart(agent, record);
		g_message("desktop %s activated in %.1f ms", record->name,
			  (g_get_monotonic_time() - a->start) / 1000.0);
		zion_dbus_agent1_complete_activate(agent->skeleton, a->invocation);
	}
	activation_free(a);
}

/*
 * OverlayFS refuses a lower layer that lies inside another (it would see itself): the persona's
 * layer, kept in the state directory, cannot lie inside the base it goes over. So the base
 * "host", the host's root, needs the state directory on another file system.
 */
static gboolean check_layers_apart(const char *state_dir, const ZionImage *image, GError **error)
{
	struct stat state, base;
	if (stat(state_dir, &state) < 0 || stat(image->rootfs, &base) < 0 ||
	    state.st_dev != base.st_dev || strcmp(image->kind, "host") != 0)
		return TRUE;
	g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
		    "the base 'host' needs the state directory %s on a file system of its own: it "
		    "is on the host's root file system, and OverlayFS refuses a persona layer that "
		    "lies inside the base it goes over (mount a partition or a loop-mounted ext4 "
		    "image there)",
		    state_dir);
	return FALSE;
}

static void report_layer_step(const char *step, guint done, guint total, gpointer data)
{
	struct activation *a = data;
	g_autofree char *operation =
		g_strdup_printf("layer %s@%u", a->persona->name, a->version->number);
	zion_agent_progress(a->agent, operation, step, done, total);
}

/* Runs in a worker thread: the base image and the persona's layer, built if not cached (its
 * steps reported as Progress of "layer PERSONA@VERSION"). */
static void build_layer_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *c)
{
	struct activation *a = data;
	GError *error = NULL;
	gboolean built;
	const ZionLayerOptions options = { .progress = report_layer_step,
					   .progress_data = a,
					   .run_in_build_root = zion_build_root_run };
	if (zion_image_lookup(a->agent->state_dir, a->persona->base, &a->image, &error) &&
	    zion_layer_ensure_full(a->agent->state_dir, a->image, a->persona, a->version->hash,
				   &options, &built, &a->layer_home, &error) &&
	    check_layers_apart(a->agent->state_dir, a->image, &error))
		g_task_return_boolean(task, TRUE);
	else
		g_task_return_error(task, error);
}

static void on_layer_ready(GObject *source, GAsyncResult *result, gpointer data)
{
	struct activation *a = data;
	GError *error = NULL;
	if (g_task_propagate_boolean(G_TASK(result), &error))
		activate(a, &error);
	activation_done(a, error);
}

static gboolean on_activate(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			    const char *name, GVariant *options, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record =
		desktop_in(agent, invocation, name, IN(STOPPED), "activate", &error);
	const char *socket = NULL;
	g_variant_lookup(options, "wayland-socket", "&s", &socket);
	g_autofree char *default_socket =
		record ? g_strdup_printf("/run/user/%u/zion/desktops/%s/wayland-0", record->owner,
					 name)
		       : NULL;
	/* A session whose save failed before goes into its persona first, or nothing starts. */
	guint saved = record && record->saving ? finish_saving(agent, record, &error) : 0;
	if (saved) {
		forget_activation(record, saved);
		zion_desktop_record_save(agent->state_dir, record, NULL);
	}
	if (!record || error ||
	    !zion_agent_set_state(agent, record, ZION_DESKTOP_STARTING, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	struct activation *a = g_new0(struct activation, 1);
	*a = (struct activation){ .agent = agent,
				  .record = record,
				  .invocation = invocation,
				  .socket = g_strdup(socket ? socket : default_socket),
				  .start = g_get_monotonic_time() };
	a->persona = zion_persona_store_load(agent->personas, record->persona, record->version,
					     &a->version, &error);
	/* First, so a network the agent refuses changes nothing. */
	if (!a->persona || !zion_agent_network_prepare(agent, record->name, a->persona, &a->network,
						       &a->address, &a->gateway, &error)) {
		activation_done(a, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	/* A layer may take minutes to build (packages): the agent answers others meanwhile. */
	g_autoptr(GTask) task = g_task_new(NULL, NULL, on_layer_ready, a);
	g_task_set_task_data(task, a, NULL);
	g_task_run_in_thread(task, build_layer_in_thread);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

struct deactivation {
	ZionAgent *agent;
	ZionDesktopRecord *record;
	GDBusMethodInvocation *invocation;
	ZionUsage usage; /* what the session used, read before it stops */
};

/* Runs in a worker thread: touches the record's files, never the record. */
static void tear_down_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *c)
{
	struct deactivation *d = data;
	if (!d->record->saving) {
		tear_down(d->agent, d->record);
		g_task_return_int(task, 0);
		return;
	}
	GError *error = NULL;
	stop_and_unmount(d->agent, d->record);
	guint version = finish_saving(d->agent, d->record, &error);
	if (version)
		g_task_return_int(task, version);
	else
		g_task_return_error(task, error);
}

/* The main loop must keep running while a desktop stops: the processes RunIn started are the
 * agent's children, and the desktop's init cannot finish exiting until they are reaped. */
static void on_torn_down(GObject *source, GAsyncResult *result, gpointer data)
{
	struct deactivation *d = data;
	GError *error = NULL;
	gssize version = g_task_propagate_int(G_TASK(result), &error);
	/* A session that could not be saved stays, with saving set: the next activation or the
	 * next start of the agent tries again. */
	forget_activation(d->record, error ? 0 : (guint)version);
	zion_agent_set_state(d->agent, d->record, ZION_DESKTOP_STOPPED, NULL);
	zion_agent_usage_ended(d->agent, d->record->name, &d->usage);
	if (error)
		zion_agent_return_error(d->invocation, error);
	else
		zion_dbus_agent1_complete_deactivate(d->agent->skeleton, d->invocation,
						     (guint)version);
	g_free(d);
}

static gboolean on_deactivate(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			      const char *name, gboolean save, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record = desktop_in(agent, invocation, name,
					       IN(RUNNING) | IN(HIBERNATED), "deactivate", &error);
	if (record)
		record->saving = save;
	if (!record || !zion_agent_set_state(agent, record, ZION_DESKTOP_STOPPING, &error)) {
		if (record)
			record->saving = FALSE;
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	struct deactivation *d = g_new0(struct deactivation, 1);
	*d = (struct deactivation){ .agent = agent, .record = record, .invocation = invocation };
	g_autofree char *container = zion_agent_container_name(agent, name);
	if (!zion_cgroup_usage(container, &d->usage, NULL))
		d->usage = (ZionUsage){ 0 };
	g_autoptr(GTask) task = g_task_new(NULL, NULL, on_torn_down, d);
	g_task_set_task_data(task, d, NULL);
	g_task_run_in_thread(task, tear_down_in_thread);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_hibernate(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			     const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record =
		desktop_in(agent, invocation, name, IN(RUNNING), "hibernate", &error);
	g_autofree char *container = record ? zion_agent_container_name(agent, name) : NULL;
	gint64 start = g_get_monotonic_time();
	if (!record || !zion_cgroup_freeze(container, &error) ||
	    !zion_agent_set_state(agent, record, ZION_DESKTOP_HIBERNATED, &error)) {
		if (record)
			zion_cgroup_thaw(container, NULL);
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_debug("desktop %s frozen in %.2f ms", name, (g_get_monotonic_time() - start) / 1000.0);
	zion_dbus_agent1_complete_hibernate(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_resume(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record =
		desktop_in(agent, invocation, name, IN(HIBERNATED), "resume", &error);
	g_autofree char *container = record ? zion_agent_container_name(agent, name) : NULL;
	if (!record || !zion_cgroup_thaw(container, &error) ||
	    !zion_agent_set_state(agent, record, ZION_DESKTOP_RUNNING, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zion_dbus_agent1_complete_resume(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_run_in(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			  const char *name, const char *const *argv, GVariant *env,
			  ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record = zion_agent_caller_desktop(agent, invocation, name, &error);
	pid_t pid;
	if (!record || !zion_agent_run_in(agent, record, argv, env, &pid, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	zion_dbus_agent1_complete_run_in(skeleton, invocation, (guint)pid);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean on_set_resources(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
				 const char *name, GVariant *resources, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record = zion_agent_caller_desktop(agent, invocation, name, &error);
	if (!record) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	ZionDesktopResources wanted = record->resources;
	GVariantIter iter;
	const char *key;
	GVariant *value;
	g_variant_iter_init(&iter, resources);
	while (!error && g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		if (strcmp(key, "memory") == 0 &&
		    g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
			wanted.memory = (gint64)g_variant_get_uint64(value);
		else if (strcmp(key, "pids") == 0 &&
			 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
			wanted.pids = g_variant_get_uint32(value);
		else if (strcmp(key, "cpus-milli") == 0 &&
			 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
			wanted.cpus_milli = g_variant_get_uint32(value);
		else if (strcmp(key, "cpu-weight") == 0 &&
			 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32) &&
			 g_variant_get_uint32(value) <= 10000)
			wanted.cpu_weight = g_variant_get_uint32(value);
		else
			g_set_error(&error, ZION_ERROR, ZION_ERROR_INVALID,
				    "unknown resource '%s' of type %s (memory t, pids u, "
				    "cpus-milli u, cpu-weight u up to 10000)",
				    key, g_variant_get_type_string(value));
		g_variant_unref(value);
	}
	gboolean live =
		record->state == ZION_DESKTOP_RUNNING || record->state == ZION_DESKTOP_HIBERNATED;
	g_autoptr(ZionPersona) persona = zion_persona_store_load(agent->personas, record->persona,
								 record->version, NULL, NULL);
	ZionLimits limits = limits_of(persona, &wanted);
	g_autofree char *container = zion_agent_container_name(agent, name);
	ZionDesktopResources old = record->resources;
	record->resources = wanted;
	if (error || (live && !zion_cgroup_set_limits(container, &limits, &error)) ||
	    !zion_desktop_record_save(agent->state_dir, record, &error)) {
		record->resources = old;
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_message("desktop %s: limits changed%s", name, live ? " (live)" : "");
	zion_dbus_agent1_complete_set_resources(skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void zion_agent_runtime_recover(ZionAgent *agent, ZionDesktopRecord *record)
{
	g_autofree char *name = zion_agent_container_name(agent, record->name);
	g_autofree char *path = lxcpath(agent);
	gboolean running = zion_container_is_running(path, name);
	gboolean settled = record->state == ZION_DESKTOP_STOPPED ||
			   ((record->state == ZION_DESKTOP_RUNNING ||
			     record->state == ZION_DESKTOP_HIBERNATED) &&
			    running);
	if (settled && !record->saving) {
		if (!running)
			return;
		/* Killed between freezing or thawing and writing it down: the freezer says. */
		ZionDesktopState now = zion_cgroup_is_frozen(name) ? ZION_DESKTOP_HIBERNATED
								   : ZION_DESKTOP_RUNNING;
		g_message("desktop %s: adopted, %s", record->name, zion_desktop_state_names[now]);
		if (now != record->state) {
			record->state = now;
			g_autoptr(GError) error = NULL;
			if (!zion_desktop_record_save(agent->state_dir, record, &error))
				g_warning("%s", error->message);
		}
		return;
	}
	g_autoptr(GError) error = NULL;
	guint version = 0;
	if (record->saving) {
		/* Stopping with save: finish the save. */
		g_message("desktop %s: was saving its session; saving it now", record->name);
		stop_and_unmount(agent, record);
		zion_agent_usage_ended(agent, record->name, &(ZionUsage){ 0 });
		version = finish_saving(agent, record, &error);
		if (!version) {
			g_warning("%s (kept for the next try)", error->message);
			g_clear_error(&error);
		}
	} else {
		/* Half started, half stopped, or its container died with the agent: back to
		 * stopped, the session's changes thrown away as a deactivation without save would.
		 */
		g_message("desktop %s: was %s when the agent stopped; cleaning up", record->name,
			  zion_desktop_state_names[record->state]);
		tear_down(agent, record);
		/* What it used died with it. */
		zion_agent_usage_ended(agent, record->name, &(ZionUsage){ 0 });
	}
	forget_activation(record, version);
	record->state = ZION_DESKTOP_STOPPED;
	if (!zion_desktop_record_save(agent->state_dir, record, &error))
		g_warning("%s", error->message);
}

void zion_agent_runtime_init(ZionAgent *agent)
{
	g_signal_connect(agent->skeleton, "handle-activate", G_CALLBACK(on_activate), agent);
	g_signal_connect(agent->skeleton, "handle-deactivate", G_CALLBACK(on_deactivate), agent);
	g_signal_connect(agent->skeleton, "handle-hibernate", G_CALLBACK(on_hibernate), agent);
	g_signal_connect(agent->skeleton, "handle-resume", G_CALLBACK(on_resume), agent);
	g_signal_connect(agent->skeleton, "handle-run-in", G_CALLBACK(on_run_in), agent);
	g_signal_connect(agent->skeleton, "handle-set-resources", G_CALLBACK(on_set_resources),
			 agent);
}
