/*
 * A document tree read from YAML or JSON in which every node knows its line and column, so that a
 * schema checker can say exactly where a mistake is. Anchors, aliases, tags and duplicate keys are
 * refused: a Zion definition means what it says, once.
 */
#pragma once

#include <glib.h>

typedef enum {
	ZION_NODE_SCALAR,
	ZION_NODE_SEQUENCE,
	ZION_NODE_MAPPING,
} ZionNodeKind;

typedef struct zion_node {
	ZionNodeKind kind;
	int line;	 /* 1-based; 0 for nodes built in memory */
	int column;	 /* 1-based */
	char *text;	 /* scalars: the value, never containing a NUL byte */
	gboolean quoted; /* scalars: written quoted or in block style, so always a string */
	/* sequences: the items; mappings: key and value alternating (keys are scalars) */
	GPtrArray *children;
} ZionNode;

/* Parses data (YAML, or JSON when the name ends in .json) named file_name in messages. */
ZionNode *zion_node_parse(const char *file_name, const char *data, gsize size, GError **error);

/* Reads and parses a file (or pipe) of at most ZION_NODE_MAX_FILE_SIZE bytes. */
#define ZION_NODE_MAX_FILE_SIZE (4 * 1024 * 1024)
/* Lists and mappings nest at most this deep; no definition needs more. */
#define ZION_NODE_MAX_DEPTH 64
ZionNode *zion_node_parse_file(const char *path, GError **error);

void zion_node_free(ZionNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZionNode, zion_node_free)

/* Builders for trees made in memory (line and column 0). */
ZionNode *zion_node_new_string(const char *text);
ZionNode *zion_node_new_plain(const char *text); /* a number, true, false or null */
ZionNode *zion_node_new_bool(gboolean value);
ZionNode *zion_node_new_int(gint64 value);
ZionNode *zion_node_new_null(void);
ZionNode *zion_node_new_sequence(void);
ZionNode *zion_node_new_mapping(void);
void zion_node_append(ZionNode *sequence, ZionNode *item);
/* Adds key, which must not be in mapping yet. */
void zion_node_set(ZionNode *mapping, const char *key, ZionNode *value);

guint zion_node_length(const ZionNode *node); /* items, or key-value pairs */
ZionNode *zion_node_item(const ZionNode *sequence, guint i);
ZionNode *zion_node_key(const ZionNode *mapping, guint i);
ZionNode *zion_node_value(const ZionNode *mapping, guint i);
ZionNode *zion_node_lookup(const ZionNode *mapping, const char *key);

/* A plain scalar that YAML reads as null: ~, null, Null, NULL or nothing at all. */
gboolean zion_node_is_null(const ZionNode *node);
const char *zion_node_kind_name(const ZionNode *node);

/* Whether YAML allows character c in a document (its c-printable set). */
gboolean zion_yaml_printable(gunichar c);
