/*
 * The persona model, schema zion/v1: what a tailored desktop is made of. A persona is read from
 * YAML or JSON (persona-decode.c), written back as a tree whose canonical JSON identifies it
 * (persona-encode.c). The format is documented field by field in docs/persona-format.md.
 */
#pragma once

#include <glib.h>

#include "yaml-tree.h"

#define ZION_PERSONA_SCHEMA "zion/v1"

/* Persona names double as host names and directory names: lowercase letters, digits and inner '-'.
 */
#define ZION_PERSONA_NAME_PATTERN "[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?"
gboolean zion_persona_name_is_valid(const char *name);

typedef enum { ZION_NETWORK_NONE, ZION_NETWORK_NAT, ZION_NETWORK_HOST } ZionNetworkMode;
typedef enum { ZION_FIREWALL_ALLOW, ZION_FIREWALL_DENY } ZionFirewallAction;
typedef enum { ZION_DIRECTION_IN, ZION_DIRECTION_OUT } ZionDirection;
typedef enum { ZION_PROTO_TCP, ZION_PROTO_UDP, ZION_PROTO_ICMP, ZION_PROTO_ANY } ZionProto;

typedef struct {
	char *name;
	gint64 uid; /* -1: the first free one */
	char **groups;
	char *shell;
	gboolean sudo;
} ZionPersonaUser;

typedef struct {
	ZionFirewallAction action;
	ZionDirection direction;
	ZionProto proto;
	guint port_first; /* 0: any port */
	guint port_last;
	char *address; /* an address or CIDR network; NULL: any */
} ZionFirewallRule;

typedef struct {
	char *name;
	char *calendar;	  /* a systemd-style calendar, or NULL with interval */
	guint64 interval; /* seconds, or 0 with calendar */
	char *command;
} ZionScheduleEntry;

typedef struct {
	char *path;
	gboolean remove;
	char *content;
	guint mode;
	char *owner;
	char *group;
} ZionPersonaFile;

typedef struct {
	char *name;
	char *description;
	char *base; /* "host" or an image name */
	struct {
		char *color;	 /* "#rrggbb" */
		char *wallpaper; /* a path inside the desktop, or NULL */
		char *interface_font;
		char *monospace_font;
		guint font_size;
	} appearance;
	struct {
		guint cpus_milli; /* thousandths of a CPU; 0: no limit */
		guint cpu_weight;
		guint64 memory; /* bytes; 0: no limit */
		guint pids;	/* 0: no limit */
		guint io_weight;
	} resources;
	struct {
		gboolean gpu, audio, camera, usb;
	} devices;
	GPtrArray *users; /* of ZionPersonaUser */
	struct {
		char **install;
		char **remove;
	} packages;
	struct {
		ZionNetworkMode mode;
		char *hostname;
		char **dns;
	} network;
	struct {
		ZionFirewallAction incoming;
		ZionFirewallAction outgoing;
		GPtrArray *rules; /* of ZionFirewallRule */
	} firewall;
	GPtrArray *schedule; /* of ZionScheduleEntry */
	GHashTable *env;     /* name to value */
	GPtrArray *files;    /* of ZionPersonaFile */
	struct {
		gboolean shared;
		gboolean private_home;
	} storage;
	char **autostart; /* command lines */
	/* Saved sessions applied over everything else, oldest first: ids of captures the agent made
	 * from desktops deactivated with save (session-agent/session-capture.h). */
	char **sessions;
} ZionPersona;

/* A persona with every field at its default (and no name). */
ZionPersona *zion_persona_new(void);
void zion_persona_free(ZionPersona *persona);
/* A user and a file entry at their defaults. */
ZionPersonaUser *zion_persona_user_new(void);
ZionPersonaFile *zion_persona_file_new(void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionPersona, zion_persona_free)

/* Decodes and validates a tree read from file (used in messages). */
ZionPersona *zion_persona_from_node(const char *file, const ZionNode *root, GError **error);
ZionPersona *zion_persona_load_data(const char *file, const char *data, gsize size, GError **error);
ZionPersona *zion_persona_load_file(const char *path, GError **error);

/* The persona as a tree with every field present (defaults written out). */
ZionNode *zion_persona_to_node(const ZionPersona *persona);
char *zion_persona_canonical_json(const ZionPersona *persona);
/* SHA-256 of the canonical JSON: the persona's content hash. */
char *zion_persona_hash(const ZionPersona *persona);

/* Sizes like "512M" or "4G" (binary units) to bytes and back, the largest exact unit first. */
gboolean zion_parse_size(const char *text, guint64 *bytes);
char *zion_format_size(guint64 bytes);
/* Durations like "90s", "15m", "2h", "1d", "1w" to seconds and back. */
gboolean zion_parse_duration(const char *text, guint64 *seconds);
char *zion_format_duration(guint64 seconds);

/* Names the firewall, network and protocol enums are written with. */
extern const char *const zion_network_mode_names[];
extern const char *const zion_firewall_action_names[];
extern const char *const zion_direction_names[];
extern const char *const zion_proto_names[];
