/*
 * A desktop's record: what the agent knows about a desktop, kept in
 * STATE/desktops/NAME/desktop.ini and replaced atomically on every change, so a restarted agent
 * finds every desktop as it was. A transitional state (starting, stopping) on disk means the agent
 * died in the middle of that operation; recovery finishes or undoes it.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

typedef enum {
	ZION_DESKTOP_STOPPED,
	ZION_DESKTOP_STARTING,
	ZION_DESKTOP_RUNNING,
	ZION_DESKTOP_HIBERNATED,
	ZION_DESKTOP_STOPPING,
} ZionDesktopState;

extern const char *const zion_desktop_state_names[];

/* Resource limits; a value of -1 leaves the persona's. */
typedef struct {
	gint64 memory; /* bytes; 0: none */
	gint64 pids;
	gint64 cpus_milli;
	gint64 cpu_weight;
} ZionDesktopResources;

typedef struct {
	char *name;
	char *persona;
	char *version; /* the version asked for ("current" follows the store) */
	uid_t owner;
	ZionDesktopState state;
	/* While active: the version and layer the session runs on, since when. */
	guint active_version;
	char *layer;
	gint64 activated_at;
	guint activations;
	/* The desktop's user (uid 1000 inside) and home, as its /etc/passwd said at activation. */
	char *user;
	char *home;
	/* Stopping with save: the session becomes a persona version (recovery finishes it). */
	gboolean saving;
	ZionDesktopResources resources;
} ZionDesktopRecord;

void zion_desktop_record_free(ZionDesktopRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionDesktopRecord, zion_desktop_record_free)

/* STATE/desktops/NAME: the desktop's directory. */
char *zion_desktop_dir(const char *state_dir, const char *name);

ZionDesktopRecord *zion_desktop_record_load(const char *state_dir, const char *name,
					    GError **error);
gboolean zion_desktop_record_save(const char *state_dir, const ZionDesktopRecord *record,
				  GError **error);
/* The same after a change of state alone: atomic, but durable only while a save is under way
 * (what runs does not outlive a power cut; recovery puts such records right). */
gboolean zion_desktop_record_save_state(const char *state_dir, const ZionDesktopRecord *record,
					GError **error);
/* Every desktop's record, sorted by name; damaged ones are reported and skipped. */
GPtrArray *zion_desktop_record_load_all(const char *state_dir);
