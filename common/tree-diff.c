/* Structural diff of ZionNode trees. */
#include "tree-diff.h"

#include <string.h>

#include "canonical-json.h"

static void change_free(ZionTreeChange *change)
{
	g_free(change->path);
	g_free(change->before);
	g_free(change->after);
	g_free(change);
}

static void add_change(GPtrArray *changes, ZionChangeKind kind, const char *path,
		       const ZionNode *before, const ZionNode *after)
{
	ZionTreeChange *change = g_new0(ZionTreeChange, 1);
	change->kind = kind;
	change->path = g_strdup(path);
	change->before = before ? zion_canonical_json(before) : NULL;
	change->after = after ? zion_canonical_json(after) : NULL;
	g_ptr_array_add(changes, change);
}

static char *child_path(const char *parent, const char *key)
{
	return *parent ? g_strconcat(parent, ".", key, NULL) : g_strdup(key);
}

static gboolean same(const ZionNode *a, const ZionNode *b)
{
	g_autofree char *ja = zion_canonical_json(a);
	g_autofree char *jb = zion_canonical_json(b);
	return strcmp(ja, jb) == 0;
}

static void diff_node(GPtrArray *changes, const char *path, const ZionNode *a, const ZionNode *b);

static int compare_key_text(gconstpointer a, gconstpointer b)
{
	return strcmp((*(ZionNode *const *)a)->text, (*(ZionNode *const *)b)->text);
}

/* The keys of mapping, sorted. */
static GPtrArray *sorted_keys(const ZionNode *mapping)
{
	GPtrArray *keys = g_ptr_array_new();
	for (guint i = 0; i < zion_node_length(mapping); i++)
		g_ptr_array_add(keys, zion_node_key(mapping, i));
	g_ptr_array_sort(keys, compare_key_text);
	return keys;
}

static void diff_mappings(GPtrArray *changes, const char *path, const ZionNode *a,
			  const ZionNode *b)
{
	g_autoptr(GPtrArray) keys_a = sorted_keys(a);
	g_autoptr(GPtrArray) keys_b = sorted_keys(b);
	for (guint i = 0; i < keys_a->len; i++) {
		const char *key = ((ZionNode *)g_ptr_array_index(keys_a, i))->text;
		g_autofree char *sub = child_path(path, key);
		const ZionNode *in_b = zion_node_lookup(b, key);
		if (in_b)
			diff_node(changes, sub, zion_node_lookup(a, key), in_b);
		else
			add_change(changes, ZION_CHANGE_REMOVED, sub, zion_node_lookup(a, key),
				   NULL);
	}
	for (guint i = 0; i < keys_b->len; i++) {
		const char *key = ((ZionNode *)g_ptr_array_index(keys_b, i))->text;
		if (!zion_node_lookup(a, key)) {
			g_autofree char *sub = child_path(path, key);
			add_change(changes, ZION_CHANGE_ADDED, sub, NULL, zion_node_lookup(b, key));
		}
	}
}

/* The identity of a list's items ("name" or "path"), if every item has a unique one. */
static const char *identity_key(const ZionNode *list)
{
	static const char *const candidates[] = { "name", "path" };
	for (gsize c = 0; c < G_N_ELEMENTS(candidates); c++) {
		g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
		gboolean usable = TRUE;
		for (guint i = 0; usable && i < zion_node_length(list); i++) {
			const ZionNode *item = zion_node_item(list, i);
			const ZionNode *id = item->kind == ZION_NODE_MAPPING
						     ? zion_node_lookup(item, candidates[c])
						     : NULL;
			usable = id && id->kind == ZION_NODE_SCALAR &&
				 g_hash_table_add(seen, id->text);
		}
		if (usable)
			return candidates[c];
	}
	return NULL;
}

static const ZionNode *find_by_identity(const ZionNode *list, const char *key, const char *id)
{
	for (guint i = 0; i < zion_node_length(list); i++) {
		const ZionNode *item = zion_node_item(list, i);
		if (strcmp(zion_node_lookup(item, key)->text, id) == 0)
			return item;
	}
	return NULL;
}

static void diff_by_identity(GPtrArray *changes, const char *path, const ZionNode *a,
			     const ZionNode *b, const char *key)
{
	for (guint i = 0; i < zion_node_length(a); i++) {
		const ZionNode *item = zion_node_item(a, i);
		const char *id = zion_node_lookup(item, key)->text;
		g_autofree char *sub = g_strdup_printf("%s[%s]", path, id);
		const ZionNode *other = find_by_identity(b, key, id);
		if (other)
			diff_node(changes, sub, item, other);
		else
			add_change(changes, ZION_CHANGE_REMOVED, sub, item, NULL);
	}
	for (guint i = 0; i < zion_node_length(b); i++) {
		const ZionNode *item = zion_node_item(b, i);
		const char *id = zion_node_lookup(item, key)->text;
		if (!find_by_identity(a, key, id)) {
			g_autofree char *sub = g_strdup_printf("%s[%s]", path, id);
			add_change(changes, ZION_CHANGE_ADDED, sub, NULL, item);
		}
	}
}

static gboolean all_scalars(const ZionNode *list)
{
	for (guint i = 0; i < zion_node_length(list); i++) {
		if (zion_node_item(list, i)->kind != ZION_NODE_SCALAR)
			return FALSE;
	}
	return TRUE;
}

static gboolean contains_scalar(const ZionNode *list, const ZionNode *value)
{
	for (guint i = 0; i < zion_node_length(list); i++) {
		if (same(zion_node_item(list, i), value))
			return TRUE;
	}
	return FALSE;
}

/* Lists of plain values: what was added and removed; if neither, whether the order changed. */
static void diff_as_sets(GPtrArray *changes, const char *path, const ZionNode *a, const ZionNode *b)
{
	guint before = changes->len;
	for (guint i = 0; i < zion_node_length(a); i++) {
		if (!contains_scalar(b, zion_node_item(a, i)))
			add_change(changes, ZION_CHANGE_REMOVED, path, zion_node_item(a, i), NULL);
	}
	for (guint i = 0; i < zion_node_length(b); i++) {
		if (!contains_scalar(a, zion_node_item(b, i)))
			add_change(changes, ZION_CHANGE_ADDED, path, NULL, zion_node_item(b, i));
	}
	if (changes->len == before && !same(a, b))
		add_change(changes, ZION_CHANGE_CHANGED, path, a, b);
}

static void diff_by_position(GPtrArray *changes, const char *path, const ZionNode *a,
			     const ZionNode *b)
{
	guint na = zion_node_length(a), nb = zion_node_length(b);
	for (guint i = 0; i < MAX(na, nb); i++) {
		g_autofree char *sub = g_strdup_printf("%s[%u]", path, i);
		if (i < na && i < nb)
			diff_node(changes, sub, zion_node_item(a, i), zion_node_item(b, i));
		else if (i < na)
			add_change(changes, ZION_CHANGE_REMOVED, sub, zion_node_item(a, i), NULL);
		else
			add_change(changes, ZION_CHANGE_ADDED, sub, NULL, zion_node_item(b, i));
	}
}

static void diff_node(GPtrArray *changes, const char *path, const ZionNode *a, const ZionNode *b)
{
	if (a->kind == ZION_NODE_MAPPING && b->kind == ZION_NODE_MAPPING) {
		diff_mappings(changes, path, a, b);
		return;
	}
	if (a->kind == ZION_NODE_SEQUENCE && b->kind == ZION_NODE_SEQUENCE) {
		const char *key_a = identity_key(a), *key_b = identity_key(b);
		if (key_a && key_b && strcmp(key_a, key_b) == 0)
			diff_by_identity(changes, path, a, b, key_a);
		else if (all_scalars(a) && all_scalars(b))
			diff_as_sets(changes, path, a, b);
		else
			diff_by_position(changes, path, a, b);
		return;
	}
	if (!same(a, b))
		add_change(changes, ZION_CHANGE_CHANGED, path, a, b);
}

GPtrArray *zion_tree_diff(const ZionNode *a, const ZionNode *b)
{
	GPtrArray *changes = g_ptr_array_new_with_free_func((GDestroyNotify)change_free);
	diff_node(changes, "", a, b);
	return changes;
}

char *zion_tree_change_format(const ZionTreeChange *change)
{
	const char *path = *change->path ? change->path : "(whole)";
	switch (change->kind) {
	case ZION_CHANGE_ADDED:
		return g_strdup_printf("+ %s: %s", path, change->after);
	case ZION_CHANGE_REMOVED:
		return g_strdup_printf("- %s: %s", path, change->before);
	default:
		return g_strdup_printf("~ %s: %s -> %s", path, change->before, change->after);
	}
}
