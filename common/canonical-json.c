/* Writes ZionNode trees as canonical or indented JSON. */
#include "canonical-json.h"

#include <string.h>

/* A plain scalar that JSON can carry as it is; anything else is written as a string. */
static gboolean is_json_literal(const char *text)
{
	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0 || strcmp(text, "null") == 0)
		return TRUE;
	const char *p = text;
	if (*p == '-')
		p++;
	if (!g_ascii_isdigit(*p) || (*p == '0' && g_ascii_isdigit(p[1])))
		return FALSE;
	while (g_ascii_isdigit(*p))
		p++;
	if (*p == '.') {
		p++;
		if (!g_ascii_isdigit(*p))
			return FALSE;
		while (g_ascii_isdigit(*p))
			p++;
	}
	return *p == '\0';
}

/* Escapes what JSON requires, and anything YAML refuses raw, so the output always reads back. */
static void write_string(GString *out, const char *text)
{
	g_string_append_c(out, '"');
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			/* What YAML refuses raw is all in the BMP (controls, U+FFFE, U+FFFF). */
			if (zion_yaml_printable(c))
				g_string_append_len(out, p, g_utf8_next_char(p) - p);
			else
				g_string_append_printf(out, "\\u%04x", c);
		}
	}
	g_string_append_c(out, '"');
}

static int compare_pairs(gconstpointer a, gconstpointer b, gpointer mapping)
{
	guint ia = *(const guint *)a, ib = *(const guint *)b;
	return strcmp(zion_node_key(mapping, ia)->text, zion_node_key(mapping, ib)->text);
}

static void newline(GString *out, int indent)
{
	if (indent < 0)
		return;
	g_string_append_c(out, '\n');
	for (int i = 0; i < indent; i++)
		g_string_append(out, "  ");
}

/* indent < 0 writes the canonical form; otherwise the current nesting level. */
static void write_node(GString *out, const ZionNode *node, int indent)
{
	int inner = indent < 0 ? -1 : indent + 1;
	guint n = zion_node_length(node);

	switch (node->kind) {
	case ZION_NODE_SCALAR:
		if (!node->quoted && is_json_literal(node->text))
			g_string_append(out, node->text);
		else if (zion_node_is_null(node))
			g_string_append(out, "null");
		else
			write_string(out, node->text);
		return;
	case ZION_NODE_SEQUENCE:
		g_string_append_c(out, '[');
		for (guint i = 0; i < n; i++) {
			if (i > 0)
				g_string_append_c(out, ',');
			newline(out, inner);
			write_node(out, zion_node_item(node, i), inner);
		}
		if (n > 0)
			newline(out, indent);
		g_string_append_c(out, ']');
		return;
	case ZION_NODE_MAPPING: {
		g_autoptr(GArray) order = g_array_sized_new(FALSE, FALSE, sizeof(guint), n);
		for (guint i = 0; i < n; i++)
			g_array_append_val(order, i);
		g_array_sort_with_data(order, compare_pairs, (gpointer)node);
		g_string_append_c(out, '{');
		for (guint i = 0; i < n; i++) {
			guint pair = g_array_index(order, guint, i);
			if (i > 0)
				g_string_append_c(out, ',');
			newline(out, inner);
			write_string(out, zion_node_key(node, pair)->text);
			g_string_append(out, indent < 0 ? ":" : ": ");
			write_node(out, zion_node_value(node, pair), inner);
		}
		if (n > 0)
			newline(out, indent);
		g_string_append_c(out, '}');
		return;
	}
	}
}

char *zion_canonical_json(const ZionNode *node)
{
	GString *out = g_string_new(NULL);
	write_node(out, node, -1);
	return g_string_free(out, FALSE);
}

char *zion_pretty_json(const ZionNode *node)
{
	GString *out = g_string_new(NULL);
	write_node(out, node, 0);
	g_string_append_c(out, '\n');
	return g_string_free(out, FALSE);
}

char *zion_sha256_hex(const char *text)
{
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
}
