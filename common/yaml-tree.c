/* Builds a ZionNode tree from libfyaml's event stream, keeping each node's position. */
#include "yaml-tree.h"

#include <errno.h>
#include <fcntl.h>
#include <libfyaml.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zion-error.h"

static ZionNode *node_new(ZionNodeKind kind, int line, int column)
{
	ZionNode *node = g_new0(ZionNode, 1);
	node->kind = kind;
	node->line = line;
	node->column = column;
	if (kind != ZION_NODE_SCALAR)
		node->children = g_ptr_array_new_with_free_func((GDestroyNotify)zion_node_free);
	return node;
}

void zion_node_free(ZionNode *node)
{
	if (!node)
		return;
	g_free(node->text);
	g_clear_pointer(&node->children, g_ptr_array_unref);
	g_free(node);
}

/* An open container while its events are read; keys holds a mapping's keys seen so far. */
struct open_node {
	ZionNode *node;
	GHashTable *keys;
};

struct builder {
	const char *file_name;
	GArray *stack; /* of struct open_node */
	ZionNode *root;
	int documents;
	int line, column; /* of the last event that had a position */
};

static void set_error(GError **error, const char *file_name, int line, int column,
		      const char *message)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_PARSE, "%s:%d:%d: %s", file_name, line, column,
		    message);
}

/* An error at a token; libfyaml's anchor and alias marks start after their sigil, hence
 * sigil_width. */
static void set_token_error(GError **error, const char *file_name, struct fy_token *token,
			    int sigil_width, const char *message)
{
	const struct fy_mark *mark = fy_token_start_mark(token);
	set_error(error, file_name, mark ? mark->line + 1 : 1,
		  mark ? MAX(mark->column + 1 - sigil_width, 1) : 1, message);
}

static gboolean add_node(struct builder *b, ZionNode *node, GError **error)
{
	if (b->stack->len == 0) {
		b->root = node;
		return TRUE;
	}
	struct open_node *parent = &g_array_index(b->stack, struct open_node, b->stack->len - 1);
	if (parent->node->kind == ZION_NODE_MAPPING && parent->node->children->len % 2 == 0) {
		if (node->kind != ZION_NODE_SCALAR) {
			set_error(error, b->file_name, node->line, node->column,
				  "a key must be a plain value, not a list or a mapping");
			zion_node_free(node);
			return FALSE;
		}
		if (g_hash_table_contains(parent->keys, node->text)) {
			g_autofree char *message =
				g_strdup_printf("duplicate key '%s'", node->text);
			set_error(error, b->file_name, node->line, node->column, message);
			zion_node_free(node);
			return FALSE;
		}
		g_hash_table_add(parent->keys, node->text);
	}
	g_ptr_array_add(parent->node->children, node);
	return TRUE;
}

static gboolean open_container(struct builder *b, ZionNode *node, GError **error)
{
	if (b->stack->len >= ZION_NODE_MAX_DEPTH) {
		set_error(error, b->file_name, node->line, node->column,
			  "lists and mappings are nested too deeply");
		return FALSE;
	}
	struct open_node open = { .node = node };
	if (node->kind == ZION_NODE_MAPPING)
		open.keys = g_hash_table_new(g_str_hash, g_str_equal);
	g_array_append_val(b->stack, open);
	return TRUE;
}

static void close_container(struct builder *b)
{
	struct open_node *open = &g_array_index(b->stack, struct open_node, b->stack->len - 1);
	g_clear_pointer(&open->keys, g_hash_table_unref);
	g_array_set_size(b->stack, b->stack->len - 1);
}

/*
 * A scalar's value with escapes and folding applied. Read through a token iterator:
 * fy_token_get_text() caches a buffer in the token that libfyaml 0.7.12 leaks when the stream later
 * ends in an error.
 */
static GString *scalar_text(struct fy_token *token)
{
	GString *text = g_string_new(NULL);
	struct fy_token_iter *iter = fy_token_iter_create(token);
	const struct fy_iter_chunk *chunk = NULL;
	int iter_error = 0;
	while (iter && (chunk = fy_token_iter_chunk_next(iter, chunk, &iter_error)))
		g_string_append_len(text, chunk->str, (gssize)chunk->len);
	if (iter)
		fy_token_iter_destroy(iter);
	return text;
}

static gboolean handle_event(struct builder *b, struct fy_event *event, GError **error)
{
	/* An empty value has no mark of its own: it is placed where its key was. */
	const struct fy_mark *mark = fy_event_start_mark(event);
	if (mark) {
		b->line = mark->line + 1;
		b->column = mark->column + 1;
	}
	int line = b->line, column = b->column;
	struct fy_token *anchor = NULL, *tag = NULL;
	ZionNode *node = NULL;

	switch (event->type) {
	case FYET_DOCUMENT_START:
		if (++b->documents > 1) {
			set_error(error, b->file_name, line, column,
				  "only one document is allowed in a file");
			return FALSE;
		}
		return TRUE;
	case FYET_ALIAS:
		set_token_error(error, b->file_name, event->alias.anchor, 1,
				"aliases (*name) are not supported; write the value out");
		return FALSE;
	case FYET_SCALAR: {
		anchor = event->scalar.anchor;
		tag = event->scalar.tag;
		g_autoptr(GString) value = scalar_text(event->scalar.value);
		const char *text = value->str;
		gsize length = value->len;
		if (memchr(text, '\0', length)) {
			set_error(error, b->file_name, line, column,
				  "a value contains a NUL character");
			return FALSE;
		}
		if (!g_utf8_validate(text, length, NULL)) {
			set_error(error, b->file_name, line, column, "a value is not valid UTF-8");
			return FALSE;
		}
		node = node_new(ZION_NODE_SCALAR, line, column);
		node->text = g_strndup(text, length);
		node->quoted = fy_token_scalar_style(event->scalar.value) != FYSS_PLAIN;
		break;
	}
	case FYET_SEQUENCE_START:
		anchor = event->sequence_start.anchor;
		tag = event->sequence_start.tag;
		node = node_new(ZION_NODE_SEQUENCE, line, column);
		break;
	case FYET_MAPPING_START:
		anchor = event->mapping_start.anchor;
		tag = event->mapping_start.tag;
		node = node_new(ZION_NODE_MAPPING, line, column);
		break;
	case FYET_SEQUENCE_END:
	case FYET_MAPPING_END:
		close_container(b);
		return TRUE;
	default:
		return TRUE;
	}

	if (anchor || tag) {
		if (anchor)
			set_token_error(error, b->file_name, anchor, 1,
					"anchors (&name) are not supported; write the value out");
		else
			set_token_error(error, b->file_name, tag, 0,
					"tags (!name) are not supported");
		zion_node_free(node);
		return FALSE;
	}
	if (!add_node(b, node, error))
		return FALSE;
	if (node->kind != ZION_NODE_SCALAR)
		return open_container(b, node, error);
	return TRUE;
}

/* Whether libfyaml reported an error whose message starts with prefix. */
static gboolean diag_has_error(struct fy_diag *diag, const char *prefix)
{
	void *iter = NULL;
	struct fy_diag_error *diag_error;
	while ((diag_error = fy_diag_errors_iterate(diag, &iter)))
		if (diag_error->type >= FYET_ERROR && g_str_has_prefix(diag_error->msg, prefix))
			return TRUE;
	return FALSE;
}

/*
 * libfyaml 0.7.12 corrupts its indentation stack when it reports tab indentation, and destroying
 * the parser then writes through a stale pointer. check_tabs_before_indicators refuses the usual
 * ways in first; a parser that got there anyway is kept, not destroyed, here: a little memory per
 * such document instead of a crash.
 */
static GPtrArray *unsafe_parsers;

static void dispose_parser(struct fy_parser *parser, struct fy_diag *diag)
{
	if (parser && diag_has_error(diag, "cannot use tab for indentation")) {
		if (!unsafe_parsers)
			unsafe_parsers = g_ptr_array_new();
		g_ptr_array_add(unsafe_parsers, parser);
		g_ptr_array_add(unsafe_parsers, diag);
		return;
	}
	if (parser)
		fy_parser_destroy(parser);
	fy_diag_destroy(diag);
}

static void set_syntax_error(GError **error, const char *file_name, struct fy_diag *diag)
{
	void *iter = NULL;
	struct fy_diag_error *diag_error;
	while ((diag_error = fy_diag_errors_iterate(diag, &iter))) {
		if (diag_error->type >= FYET_ERROR) {
			set_error(error, file_name, MAX(diag_error->line, 1),
				  MAX(diag_error->column, 1), diag_error->msg);
			return;
		}
	}
	g_set_error(error, ZION_ERROR, ZION_ERROR_PARSE, "%s: not valid YAML", file_name);
}

/* YAML's printable set (c-printable): tab, line breaks and everything visible, no other controls.
 */
gboolean zion_yaml_printable(gunichar c)
{
	return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	       (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * Refuses bytes that are not UTF-8 or not printable before libfyaml sees them: they can never be
 * part of a valid document, and libfyaml 0.7.12 loops forever on invalid UTF-8 in a directive.
 */
static gboolean check_characters(const char *file_name, const char *data, gsize size,
				 GError **error)
{
	int line = 1, column = 1;
	const char *p = data, *end = data + size;
	while (p < end) {
		gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			set_error(error, file_name, line, column, "the text is not valid UTF-8");
			return FALSE;
		}
		if (!zion_yaml_printable(c)) {
			g_autofree char *message = g_strdup_printf(
				"%scharacter U+%04X is not allowed", c < 0xa0 ? "control " : "", c);
			set_error(error, file_name, line, column, message);
			return FALSE;
		}
		/* Line breaks as YAML counts them: LF, CRLF, or a lone CR. */
		if (c == '\n' || (c == '\r' && (p + 1 == end || p[1] != '\n'))) {
			line++;
			column = 1;
		} else {
			column++;
		}
		p = g_utf8_next_char(p);
	}
	return TRUE;
}

/* Whether the line's text ends with a block scalar header (| or > with indicators). */
static gboolean ends_with_block_header(const char *start, const char *end)
{
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	while (end > start && (g_ascii_isdigit(end[-1]) || end[-1] == '+' || end[-1] == '-'))
		end--;
	if (end == start || (end[-1] != '|' && end[-1] != '>'))
		return FALSE;
	end--;
	return end == start || end[-1] == ' ' || end[-1] == '\t';
}

/*
 * Refuses a tab in the blanks that start a line or follow an indicator ('-', '?', ':') when a block
 * indicator comes next ('?', ':', '|', '>' or "- "): libfyaml 0.7.12 reports that as tab
 * indentation and then crashes destroying its parser. Plain and quoted text, comments and block
 * scalar content are left alone. Flow collections are not told apart (an anchor may hold a '['),
 * so "{a:\t- b}" is refused as well.
 */
static gboolean check_tabs_before_indicators(const char *file_name, const char *data, gsize size,
					     GError **error)
{
	const char *end = data + size;
	int line_number = 1;
	gboolean in_block_scalar = FALSE;
	int block_parent_indent = 0;
	char quote = 0; /* quoted scalars may go on over several lines */
	for (const char *line = data; line < end; line_number++) {
		const char *eol = line;
		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		const char *next = eol + (eol + 1 < end && eol[0] == '\r' && eol[1] == '\n') + 1;
		int indent = 0;
		while (line + indent < eol && line[indent] == ' ')
			indent++;
		if (in_block_scalar && (line + indent == eol || indent > block_parent_indent)) {
			line = next;
			continue;
		}
		in_block_scalar = FALSE;
		char previous = 0; /* the last non-blank character outside quotes on this line */
		const char *content_end = eol;
		for (const char *p = line; p < eol; p++) {
			if (quote) {
				if (quote == '"' && *p == '\\' && p + 1 < eol)
					p++;
				else if (*p == quote)
					quote = 0;
				continue;
			}
			if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
				content_end = p;
				break;
			}
			/* A quote opens a quoted scalar only where a token can start. */
			if ((*p == '\'' || *p == '"') && (p == line || strchr(" \t[{,", p[-1])))
				quote = *p;
			if (*p != ' ' && *p != '\t')
				previous = *p;
			if (*p != '\t' || (previous && !strchr("-?:", previous)))
				continue;
			const char *q = p;
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			gboolean indicator =
				q < eol &&
				(strchr("?:|>", *q) ||
				 (*q == '-' && (q + 1 == eol || q[1] == ' ' || q[1] == '\t')));
			if (indicator) {
				g_autofree char *message =
					g_strdup_printf("a tab before '%c': YAML allows only "
							"spaces to indent block "
							"structure",
							*q);
				set_error(error, file_name, line_number,
					  (int)g_utf8_strlen(line, p - line) + 1, message);
				return FALSE;
			}
		}
		if (!quote && ends_with_block_header(line, content_end)) {
			in_block_scalar = TRUE;
			block_parent_indent = indent;
		}
		line = next;
	}
	return TRUE;
}

ZionNode *zion_node_parse(const char *file_name, const char *data, gsize size, GError **error)
{
	gboolean json = g_str_has_suffix(file_name, ".json");
	if (!check_characters(file_name, data, size, error) ||
	    (!json && !check_tabs_before_indicators(file_name, data, size, error)))
		return NULL;

	struct fy_diag_cfg diag_cfg;
	fy_diag_cfg_default(&diag_cfg);
	diag_cfg.fp = NULL;
	diag_cfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&diag_cfg);
	if (!diag) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: cannot create a YAML parser",
			    file_name);
		return NULL;
	}
	fy_diag_set_collect_errors(diag, true);

	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | (json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE),
		.diag = diag,
	};
	struct fy_parser *parser = fy_parser_create(&cfg);
	struct builder b = {
		.file_name = file_name,
		.stack = g_array_new(FALSE, FALSE, sizeof(struct open_node)),
		.line = 1,
		.column = 1,
	};
	gboolean ok = parser && fy_parser_set_string(parser, data, size) == 0;
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "%s: cannot create a YAML parser",
			    file_name);

	struct fy_event *event;
	while (ok && (event = fy_parser_parse(parser))) {
		ok = handle_event(&b, event, error);
		fy_parser_event_free(parser, event);
	}
	if (ok && fy_parser_get_stream_error(parser)) {
		set_syntax_error(error, file_name, diag);
		ok = FALSE;
	}
	if (ok && !b.root) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_PARSE, "%s:1:1: the file is empty",
			    file_name);
		ok = FALSE;
	}

	while (b.stack->len > 0)
		close_container(&b);
	g_array_unref(b.stack);
	dispose_parser(parser, diag);
	if (!ok) {
		zion_node_free(b.root);
		return NULL;
	}
	return b.root;
}

ZionNode *zion_node_parse_file(const char *path, GError **error)
{
	/* Read, not mapped: pipes work, and a file shrinking under us cannot raise SIGBUS. */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot read %s: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
			    "cannot read %s: it is a directory", path);
		return NULL;
	}
	g_autoptr(GByteArray) data = g_byte_array_new();
	guint8 chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || data->len + (gsize)n > ZION_NODE_MAX_FILE_SIZE)
			break;
		g_byte_array_append(data, chunk, (guint)n);
	}
	int saved = errno;
	close(fd);
	if (n < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot read %s: %s", path,
			    g_strerror(saved));
		return NULL;
	}
	if (n > 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "%s: the file is larger than %d MiB", path,
			    ZION_NODE_MAX_FILE_SIZE / (1024 * 1024));
		return NULL;
	}
	return zion_node_parse(path, (const char *)data->data, data->len, error);
}

ZionNode *zion_node_new_string(const char *text)
{
	ZionNode *node = node_new(ZION_NODE_SCALAR, 0, 0);
	node->text = g_strdup(text);
	node->quoted = TRUE;
	return node;
}

ZionNode *zion_node_new_plain(const char *text)
{
	ZionNode *node = node_new(ZION_NODE_SCALAR, 0, 0);
	node->text = g_strdup(text);
	return node;
}

ZionNode *zion_node_new_bool(gboolean value)
{
	return zion_node_new_plain(value ? "true" : "false");
}

ZionNode *zion_node_new_int(gint64 value)
{
	ZionNode *node = node_new(ZION_NODE_SCALAR, 0, 0);
	node->text = g_strdup_printf("%" G_GINT64_FORMAT, value);
	return node;
}

ZionNode *zion_node_new_null(void)
{
	return zion_node_new_plain("null");
}

ZionNode *zion_node_new_sequence(void)
{
	return node_new(ZION_NODE_SEQUENCE, 0, 0);
}

ZionNode *zion_node_new_mapping(void)
{
	return node_new(ZION_NODE_MAPPING, 0, 0);
}

void zion_node_append(ZionNode *sequence, ZionNode *item)
{
	g_assert(sequence->kind == ZION_NODE_SEQUENCE);
	g_ptr_array_add(sequence->children, item);
}

void zion_node_set(ZionNode *mapping, const char *key, ZionNode *value)
{
	g_assert(mapping->kind == ZION_NODE_MAPPING);
	g_ptr_array_add(mapping->children, zion_node_new_string(key));
	g_ptr_array_add(mapping->children, value);
}

guint zion_node_length(const ZionNode *node)
{
	if (node->kind == ZION_NODE_SCALAR)
		return 0;
	return node->kind == ZION_NODE_MAPPING ? node->children->len / 2 : node->children->len;
}

ZionNode *zion_node_item(const ZionNode *sequence, guint i)
{
	return g_ptr_array_index(sequence->children, i);
}

ZionNode *zion_node_key(const ZionNode *mapping, guint i)
{
	return g_ptr_array_index(mapping->children, 2 * i);
}

ZionNode *zion_node_value(const ZionNode *mapping, guint i)
{
	return g_ptr_array_index(mapping->children, 2 * i + 1);
}

ZionNode *zion_node_lookup(const ZionNode *mapping, const char *key)
{
	guint n = zion_node_length(mapping);
	for (guint i = 0; i < n; i++) {
		if (strcmp(zion_node_key(mapping, i)->text, key) == 0)
			return zion_node_value(mapping, i);
	}
	return NULL;
}

gboolean zion_node_is_null(const ZionNode *node)
{
	if (node->kind != ZION_NODE_SCALAR || node->quoted)
		return FALSE;
	const char *t = node->text;
	return *t == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
	       strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

const char *zion_node_kind_name(const ZionNode *node)
{
	switch (node->kind) {
	case ZION_NODE_SEQUENCE:
		return "a list";
	case ZION_NODE_MAPPING:
		return "a mapping";
	default:
		return zion_node_is_null(node) ? "nothing" : "a single value";
	}
}
