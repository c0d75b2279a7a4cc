/*
 * Reading typed fields out of a ZionNode tree against a schema, with errors that name the file,
 * line, column and field path ("work.yaml:7:3: resources.memory: expected a size like 4G, got
 * \"lots\""). Each reader returns FALSE and sets error on a mistake, so a decoder can stop at the
 * first one.
 */
#pragma once

#include "yaml-tree.h"

typedef struct {
	const char *file;
	GError **error;
} ZionSchema;

/* Sets an INVALID error at node for the field path; always returns FALSE. */
gboolean zion_schema_fail(ZionSchema *s, const ZionNode *node, const char *path, const char *format,
			  ...) G_GNUC_PRINTF(4, 5);

/* "parent.key", or "key" at the top. */
char *zion_schema_path(const char *parent, const char *key);
/* "parent[i]". */
char *zion_schema_path_index(const char *parent, guint i);

gboolean zion_schema_expect_kind(ZionSchema *s, const ZionNode *node, const char *path,
				 ZionNodeKind kind);

/* Refuses keys outside allowed (NULL-terminated), with a "did you mean" when one is close. */
gboolean zion_schema_check_keys(ZionSchema *s, const ZionNode *mapping, const char *path,
				const char *const *allowed);

/* Refuses a mapping that lacks key. */
gboolean zion_schema_require(ZionSchema *s, const ZionNode *mapping, const char *path,
			     const char *key);

/* Scalars. A string field takes any value written as a scalar; null is refused. */
gboolean zion_schema_string(ZionSchema *s, const ZionNode *node, const char *path, char **out);
gboolean zion_schema_bool(ZionSchema *s, const ZionNode *node, const char *path, gboolean *out);
gboolean zion_schema_int(ZionSchema *s, const ZionNode *node, const char *path, gint64 min,
			 gint64 max, gint64 *out);
/* One of choices (NULL-terminated); *out is its index. */
gboolean zion_schema_enum(ZionSchema *s, const ZionNode *node, const char *path,
			  const char *const *choices, guint *out);
/* A string matching pattern (as a whole), described in messages as what. */
gboolean zion_schema_match(ZionSchema *s, const ZionNode *node, const char *path,
			   const char *pattern, const char *what, char **out);
/* A list of strings. */
gboolean zion_schema_string_list(ZionSchema *s, const ZionNode *node, const char *path,
				 char ***out);

/* How a value was written, for "expected X, got Y" messages: "\"lots\"", "a list", "nothing". */
char *zion_schema_describe(const ZionNode *node);

/* The closest of candidates to word, or NULL when none is close enough to suggest. */
const char *zion_schema_suggest(const char *word, const char *const *candidates);
