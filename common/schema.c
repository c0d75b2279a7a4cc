/* Typed field readers with positioned, path-named errors. */
#include "schema.h"

#include <stdarg.h>
#include <string.h>

#include "zion-error.h"

gboolean zion_schema_fail(ZionSchema *s, const ZionNode *node, const char *path, const char *format,
			  ...)
{
	va_list args;
	va_start(args, format);
	g_autofree char *message = g_strdup_vprintf(format, args);
	va_end(args);
	if (path && *path)
		g_set_error(s->error, ZION_ERROR, ZION_ERROR_INVALID, "%s:%d:%d: %s: %s", s->file,
			    node->line, node->column, path, message);
	else
		g_set_error(s->error, ZION_ERROR, ZION_ERROR_INVALID, "%s:%d:%d: %s", s->file,
			    node->line, node->column, message);
	return FALSE;
}

char *zion_schema_path(const char *parent, const char *key)
{
	return parent && *parent ? g_strconcat(parent, ".", key, NULL) : g_strdup(key);
}

char *zion_schema_path_index(const char *parent, guint i)
{
	return g_strdup_printf("%s[%u]", parent, i);
}

char *zion_schema_describe(const ZionNode *node)
{
	if (node->kind != ZION_NODE_SCALAR || zion_node_is_null(node))
		return g_strdup(zion_node_kind_name(node));
	g_autofree char *escaped = g_strescape(node->text, NULL);
	if (strlen(escaped) > 40)
		strcpy(escaped + 37, "...");
	return g_strdup_printf("\"%s\"", escaped);
}

static const char *kind_article(ZionNodeKind kind)
{
	switch (kind) {
	case ZION_NODE_SEQUENCE:
		return "a list";
	case ZION_NODE_MAPPING:
		return "a mapping";
	default:
		return "a single value";
	}
}

gboolean zion_schema_expect_kind(ZionSchema *s, const ZionNode *node, const char *path,
				 ZionNodeKind kind)
{
	if (node->kind == kind && !(kind == ZION_NODE_SCALAR && zion_node_is_null(node)))
		return TRUE;
	g_autofree char *got = zion_schema_describe(node);
	return zion_schema_fail(s, node, path, "expected %s, got %s", kind_article(kind), got);
}

/* Optimal string alignment distance: edits, with a swap of neighbours counting as one. */
static guint edit_distance(const char *a, const char *b)
{
	gsize la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return G_MAXUINT;
	guint d[65][65];
	for (gsize i = 0; i <= la; i++)
		d[i][0] = i;
	for (gsize j = 0; j <= lb; j++)
		d[0][j] = j;
	for (gsize i = 1; i <= la; i++) {
		for (gsize j = 1; j <= lb; j++) {
			guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
			guint best = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);
			best = MIN(best, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				best = MIN(best, d[i - 2][j - 2] + 1);
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *zion_schema_suggest(const char *word, const char *const *candidates)
{
	const char *best = NULL;
	guint best_distance = G_MAXUINT;
	for (const char *const *c = candidates; *c; c++) {
		guint distance = edit_distance(word, *c);
		if (distance < best_distance) {
			best = *c;
			best_distance = distance;
		}
	}
	/* Close means a slip of the fingers, not a different word. */
	if (best && best_distance <= 2 && best_distance * 3 <= strlen(best))
		return best;
	return NULL;
}

gboolean zion_schema_check_keys(ZionSchema *s, const ZionNode *mapping, const char *path,
				const char *const *allowed)
{
	guint n = zion_node_length(mapping);
	for (guint i = 0; i < n; i++) {
		const ZionNode *key = zion_node_key(mapping, i);
		if (g_strv_contains(allowed, key->text))
			continue;
		g_autofree char *escaped = g_strescape(key->text, NULL);
		const char *suggestion = zion_schema_suggest(key->text, allowed);
		if (suggestion)
			return zion_schema_fail(s, key, path,
						"unknown field '%s'; did you mean '%s'?", escaped,
						suggestion);
		g_autofree char *list = g_strjoinv(", ", (char **)allowed);
		return zion_schema_fail(s, key, path, "unknown field '%s' (expected one of: %s)",
					escaped, list);
	}
	return TRUE;
}

gboolean zion_schema_require(ZionSchema *s, const ZionNode *mapping, const char *path,
			     const char *key)
{
	const ZionNode *value = zion_node_lookup(mapping, key);
	if (!value)
		return zion_schema_fail(s, mapping, path, "missing required field '%s'", key);
	if (zion_node_is_null(value)) {
		g_autofree char *value_path = zion_schema_path(path, key);
		return zion_schema_fail(s, value, value_path, "needs a value");
	}
	return TRUE;
}

gboolean zion_schema_string(ZionSchema *s, const ZionNode *node, const char *path, char **out)
{
	if (!zion_schema_expect_kind(s, node, path, ZION_NODE_SCALAR))
		return FALSE;
	*out = g_strdup(node->text);
	return TRUE;
}

gboolean zion_schema_bool(ZionSchema *s, const ZionNode *node, const char *path, gboolean *out)
{
	if (node->kind == ZION_NODE_SCALAR && !node->quoted) {
		const char *t = node->text;
		if (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE")) {
			*out = TRUE;
			return TRUE;
		}
		if (!strcmp(t, "false") || !strcmp(t, "False") || !strcmp(t, "FALSE")) {
			*out = FALSE;
			return TRUE;
		}
	}
	g_autofree char *got = zion_schema_describe(node);
	return zion_schema_fail(s, node, path, "expected true or false, got %s", got);
}

gboolean zion_schema_int(ZionSchema *s, const ZionNode *node, const char *path, gint64 min,
			 gint64 max, gint64 *out)
{
	gint64 value = 0;
	if (node->kind != ZION_NODE_SCALAR || node->quoted ||
	    !g_ascii_string_to_signed(node->text, 10, G_MININT64, G_MAXINT64, &value, NULL)) {
		g_autofree char *got = zion_schema_describe(node);
		return zion_schema_fail(s, node, path, "expected a whole number, got %s", got);
	}
	if (value < min || value > max)
		return zion_schema_fail(s, node, path,
					"%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
					" to %" G_GINT64_FORMAT ")",
					value, min, max);
	*out = value;
	return TRUE;
}

gboolean zion_schema_enum(ZionSchema *s, const ZionNode *node, const char *path,
			  const char *const *choices, guint *out)
{
	if (node->kind == ZION_NODE_SCALAR) {
		for (guint i = 0; choices[i]; i++) {
			if (strcmp(node->text, choices[i]) == 0) {
				*out = i;
				return TRUE;
			}
		}
	}
	g_autofree char *got = zion_schema_describe(node);
	g_autofree char *list = g_strjoinv(", ", (char **)choices);
	return zion_schema_fail(s, node, path, "expected one of %s, got %s", list, got);
}

gboolean zion_schema_match(ZionSchema *s, const ZionNode *node, const char *path,
			   const char *pattern, const char *what, char **out)
{
	g_autofree char *whole = g_strdup_printf("^(?:%s)$", pattern);
	if (node->kind == ZION_NODE_SCALAR && !zion_node_is_null(node) &&
	    g_regex_match_simple(whole, node->text, G_REGEX_DOLLAR_ENDONLY, 0)) {
		*out = g_strdup(node->text);
		return TRUE;
	}
	g_autofree char *got = zion_schema_describe(node);
	return zion_schema_fail(s, node, path, "expected %s, got %s", what, got);
}

gboolean zion_schema_string_list(ZionSchema *s, const ZionNode *node, const char *path, char ***out)
{
	if (!zion_schema_expect_kind(s, node, path, ZION_NODE_SEQUENCE))
		return FALSE;
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	for (guint i = 0; i < zion_node_length(node); i++) {
		const ZionNode *item = zion_node_item(node, i);
		g_autofree char *item_path = zion_schema_path_index(path, i);
		if (!zion_schema_expect_kind(s, item, item_path, ZION_NODE_SCALAR))
			return FALSE;
		g_strv_builder_add(builder, item->text);
	}
	*out = g_strv_builder_end(builder);
	return TRUE;
}
