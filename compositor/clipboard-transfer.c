/* The transfer slot: reading a desktop's selection, the on-screen question, and the paste. */
#include "clipboard-transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <xkbcommon/xkbcommon.h>

#include "clipboard.h"
#include "desktop.h"
#include "message.h"
#include "server.h"

/* What a copy reads at most: applications offer a selection in many formats, some of them large. */
#define MAX_TYPES 16
#define MAX_BYTES (16 * 1024 * 1024)
/* How long an application has to hand its selection over. */
#define COPY_TIMEOUT_MS 5000
#define NOTICE_MS 2500
#define MESSAGE_HEIGHT 64

/* The question stands out in yellow; a finished copy is said in dark grey, a refusal in red. */
static const float question_background[4] = { 0xf5 / 255.0f, 0xc2 / 255.0f, 0x11 / 255.0f, 1 };
static const float done_background[4] = { 0x3d / 255.0f, 0x38 / 255.0f, 0x46 / 255.0f, 1 };
static const float refusal_background[4] = { 0xa5 / 255.0f, 0x1d / 255.0f, 0x2d / 255.0f, 1 };

/* A selection read into the compositor. */
struct content {
	char *desktop;	       /* the desktop it was copied from */
	GPtrArray *mime_types; /* of char * */
	GPtrArray *data;       /* of GBytes, one per MIME type */
	gsize size;
};

struct copy;

/* One MIME type of a copy, read from the application through a pipe. */
struct pipe_read {
	struct copy *copy;
	char *mime_type;
	int fd; /* our end; -1 once at its end */
	guint watch;
	GByteArray *bytes;
	gboolean complete;
};

/* A copy under way: every MIME type is asked for at once and read as it comes. */
struct copy {
	struct zc_clipboard_transfer *transfer;
	char *desktop;
	GPtrArray *reads; /* of pipe_read */
	guint pending;	  /* reads not at their end yet */
	gsize size;
	guint timeout;
};

/* A paste being written to a reader of the compositor's own selection. */
struct writer {
	struct zc_clipboard_transfer *transfer;
	int fd;
	GBytes *bytes;
	gsize offset;
	guint watch;
};

/* A selection the compositor owns: the content of the slot, pasted. */
struct memory_source {
	struct wlr_data_source base;
	struct zc_clipboard_transfer *transfer;
	GPtrArray *data; /* of GBytes, in the order of base.mime_types */
};

struct zc_clipboard_transfer {
	struct zc_clipboard *clipboard;
	struct zc_server *server;
	struct content *slot; /* NULL: empty */
	struct copy *copy;    /* or NULL */
	/* The desktop the question is about while it is on screen, or NULL. */
	struct zc_desktop *target;
	struct zc_message *message; /* the question or a notice */
	GPtrArray *writers;	    /* of writer */
};

/* Shows text centred on every output, for timeout_ms or (0) until cleared. */
static void message_show(struct zc_clipboard_transfer *transfer, const char *text,
			 const float background[4], guint timeout_ms)
{
	struct zc_label_style style = {
		.font = "Sans 16",
		.padding = 24,
		.height = MESSAGE_HEIGHT,
		.corner_radius = 12,
	};
	memcpy(style.background, background, sizeof(style.background));
	zc_label_contrasting(style.background, style.foreground);
	zc_message_show(transfer->message, text, &style, timeout_ms);
}

/* A notice on screen for a moment. */
static void notice(struct zc_clipboard_transfer *transfer, const float background[4],
		   const char *format, ...) G_GNUC_PRINTF(3, 4);
static void notice(struct zc_clipboard_transfer *transfer, const float background[4],
		   const char *format, ...)
{
	va_list args;
	va_start(args, format);
	g_autofree char *text = g_strdup_vprintf(format, args);
	va_end(args);
	message_show(transfer, text, background, NOTICE_MS);
}

static void content_free(struct content *content)
{
	if (!content)
		return;
	g_free(content->desktop);
	g_ptr_array_unref(content->mime_types);
	g_ptr_array_unref(content->data);
	g_free(content);
}

/* Takes the question down, saying why in the log. */
static void question_cancel(struct zc_clipboard_transfer *transfer, const char *why)
{
	g_message("clipboard: paste from desktop %s into desktop %s cancelled: %s",
		  transfer->slot->desktop, transfer->target->name, why);
	transfer->target = NULL;
	zc_message_clear(transfer->message);
}

static void pipe_read_free(struct pipe_read *pipe)
{
	if (pipe->watch)
		g_source_remove(pipe->watch);
	if (pipe->fd >= 0)
		close(pipe->fd);
	if (pipe->bytes)
		g_byte_array_unref(pipe->bytes);
	g_free(pipe->mime_type);
	g_free(pipe);
}

static void copy_free(struct copy *copy)
{
	g_clear_handle_id(&copy->timeout, g_source_remove);
	g_ptr_array_unref(copy->reads);
	g_free(copy->desktop);
	g_free(copy);
}

/* A note, not a warning: what the application offers (too much, too late, nothing) is not the
 * compositor's fault, and warnings are fatal where G_DEBUG=fatal-warnings is set. */
static void copy_fail(struct copy *copy, const char *why)
{
	struct zc_clipboard_transfer *transfer = copy->transfer;
	g_message("clipboard: cannot copy from desktop %s to the transfer slot: %s", copy->desktop,
		  why);
	notice(transfer, refusal_background, "Could not copy the clipboard of %s: %s",
	       copy->desktop, why);
	transfer->copy = NULL;
	copy_free(copy);
}

/* Keeps what was read completely (types still unread at the deadline are left out). */
static void copy_finish(struct copy *copy, gboolean timed_out)
{
	struct zc_clipboard_transfer *transfer = copy->transfer;
	struct content *content = g_new0(struct content, 1);
	content->mime_types = g_ptr_array_new_with_free_func(g_free);
	content->data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	for (guint i = 0; i < copy->reads->len; i++) {
		struct pipe_read *pipe = g_ptr_array_index(copy->reads, i);
		if (!pipe->complete)
			continue;
		g_ptr_array_add(content->mime_types, g_strdup(pipe->mime_type));
		content->size += pipe->bytes->len;
		g_ptr_array_add(content->data,
				g_byte_array_free_to_bytes(g_steal_pointer(&pipe->bytes)));
	}
	if (content->mime_types->len == 0) {
		content_free(content);
		copy_fail(copy, timed_out ? "the application did not hand it over in time"
					  : "the application handed nothing over");
		return;
	}
	content->desktop = g_strdup(copy->desktop);
	transfer->copy = NULL;
	copy_free(copy);
	/* A question about the slot's former content no longer holds. */
	if (transfer->target)
		question_cancel(transfer, "the transfer slot changed");
	content_free(transfer->slot);
	transfer->slot = content;
	g_message(
		"clipboard: copied from desktop %s to the transfer slot (%u types, %" G_GSIZE_FORMAT
		" bytes)",
		content->desktop, content->mime_types->len, content->size);
	notice(transfer, done_background, "Copied the clipboard of %s, to paste on another desktop",
	       content->desktop);
}

static gboolean on_readable(gint fd, GIOCondition condition, gpointer data)
{
	struct pipe_read *pipe = data;
	struct copy *copy = pipe->copy;
	guint8 chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n > 0 && copy->size + (gsize)n > MAX_BYTES) {
		pipe->watch = 0;
		copy_fail(copy, "it is larger than 16 MiB");
		return G_SOURCE_REMOVE;
	}
	if (n > 0) {
		g_byte_array_append(pipe->bytes, chunk, (guint)n);
		copy->size += (gsize)n;
		return G_SOURCE_CONTINUE;
	}
	/* The end, or an error: what was not read completely is left out. */
	pipe->watch = 0;
	close(pipe->fd);
	pipe->fd = -1;
	pipe->complete = n == 0;
	if (--copy->pending == 0)
		copy_finish(copy, FALSE);
	return G_SOURCE_REMOVE;
}

static gboolean on_copy_timeout(gpointer data)
{
	struct copy *copy = data;
	copy->timeout = 0;
	copy_finish(copy, TRUE);
	return G_SOURCE_REMOVE;
}

void zc_clipboard_transfer_copy(struct zc_clipboard_transfer *transfer)
{
	struct zc_desktop *desktop = transfer->server->shown;
	struct wlr_data_source *source = zc_clipboard_selection(transfer->clipboard, desktop);
	/* The newer copy wins. */
	g_clear_pointer(&transfer->copy, copy_free);
	if (!source || source->mime_types.size == 0) {
		g_message("clipboard: nothing to copy: the clipboard of desktop %s is empty",
			  desktop->name);
		notice(transfer, refusal_background,
		       "Nothing to copy: the clipboard of %s is empty", desktop->name);
		return;
	}
	struct copy *copy = g_new0(struct copy, 1);
	copy->transfer = transfer;
	copy->desktop = g_strdup(desktop->name);
	copy->reads = g_ptr_array_new_with_free_func((GDestroyNotify)pipe_read_free);
	char **type;
	wl_array_for_each(type, &source->mime_types)
	{
		if (copy->reads->len == MAX_TYPES)
			break;
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) < 0) {
			g_warning("clipboard: cannot make a pipe: %s", g_strerror(errno));
			break;
		}
		/* Only our end: the application may write to its end expecting to block. */
		g_unix_set_fd_nonblocking(fds[0], TRUE, NULL);
		struct pipe_read *pipe = g_new0(struct pipe_read, 1);
		pipe->copy = copy;
		pipe->mime_type = g_strdup(*type);
		pipe->fd = fds[0];
		pipe->bytes = g_byte_array_new();
		pipe->watch =
			g_unix_fd_add(fds[0], G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, pipe);
		g_ptr_array_add(copy->reads, pipe);
		copy->pending++;
		wlr_data_source_send(source, *type, fds[1]);
	}
	transfer->copy = copy;
	if (copy->pending == 0) {
		copy_fail(copy, "no pipe to read it through");
		return;
	}
	copy->timeout = g_timeout_add(COPY_TIMEOUT_MS, on_copy_timeout, copy);
}

static void writer_free(struct writer *writer)
{
	if (writer->watch)
		g_source_remove(writer->watch);
	close(writer->fd);
	g_bytes_unref(writer->bytes);
	g_free(writer);
}

static gboolean on_writable(gint fd, GIOCondition condition, gpointer data)
{
	struct writer *writer = data;
	gsize size;
	const guint8 *bytes = g_bytes_get_data(writer->bytes, &size);
	ssize_t n = write(fd, bytes + writer->offset, size - writer->offset);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n > 0)
		writer->offset += (gsize)n;
	if (n > 0 && writer->offset < size)
		return G_SOURCE_CONTINUE;
	/* All written, or the reader went away (EPIPE). */
	writer->watch = 0;
	g_ptr_array_remove_fast(writer->transfer->writers, writer);
	return G_SOURCE_REMOVE;
}

/* Writes bytes to fd as the reader takes them, never waiting for it; closes fd at the end. */
static void write_async(struct zc_clipboard_transfer *transfer, GBytes *bytes, int fd)
{
	if (g_bytes_get_size(bytes) == 0 || !g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
		close(fd);
		return;
	}
	struct writer *writer = g_new0(struct writer, 1);
	writer->transfer = transfer;
	writer->fd = fd;
	writer->bytes = g_bytes_ref(bytes);
	writer->watch = g_unix_fd_add(fd, G_IO_OUT | G_IO_ERR | G_IO_HUP, on_writable, writer);
	g_ptr_array_add(transfer->writers, writer);
}

static void memory_source_send(struct wlr_data_source *base, const char *mime_type, int32_t fd)
{
	struct memory_source *source = wl_container_of(base, source, base);
	guint i = 0;
	char **type;
	wl_array_for_each(type, &base->mime_types)
	{
		if (strcmp(*type, mime_type) == 0) {
			write_async(source->transfer, g_ptr_array_index(source->data, i), fd);
			return;
		}
		i++;
	}
	close(fd);
}

static void memory_source_destroy(struct wlr_data_source *base)
{
	struct memory_source *source = wl_container_of(base, source, base);
	g_ptr_array_unref(source->data);
	g_free(source);
}

static const struct wlr_data_source_impl memory_source_impl = {
	.send = memory_source_send,
	.destroy = memory_source_destroy,
};

static struct wlr_data_source *memory_source_create(struct zc_clipboard_transfer *transfer,
						    const struct content *content)
{
	struct memory_source *source = g_new0(struct memory_source, 1);
	wlr_data_source_init(&source->base, &memory_source_impl);
	source->transfer = transfer;
	source->data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	for (guint i = 0; i < content->mime_types->len; i++) {
		/* wlroots frees each MIME type with free(). */
		char *type = strdup(g_ptr_array_index(content->mime_types, i));
		char **slot = type ? wl_array_add(&source->base.mime_types, sizeof(*slot)) : NULL;
		if (!slot) {
			free(type);
			continue;
		}
		*slot = type;
		g_ptr_array_add(source->data, g_bytes_ref(g_ptr_array_index(content->data, i)));
	}
	return &source->base;
}

void zc_clipboard_transfer_paste(struct zc_clipboard_transfer *transfer)
{
	struct zc_desktop *target = transfer->server->shown;
	const struct content *slot = transfer->slot;
	if (!slot) {
		g_message("clipboard: nothing to paste into desktop %s: the transfer slot is empty",
			  target->name);
		notice(transfer, refusal_background,
		       "Nothing to paste: the transfer slot is empty");
		return;
	}
	if (strcmp(slot->desktop, target->name) == 0) {
		g_message("clipboard: refused to paste the transfer slot back into desktop %s, "
			  "where it was copied",
			  target->name);
		notice(transfer, refusal_background,
		       "The transfer slot holds the clipboard of %s: paste it on another "
		       "desktop",
		       slot->desktop);
		return;
	}
	transfer->target = target;
	g_autofree char *question = g_strdup_printf(
		"Paste the clipboard of %s into %s?   Enter: paste   Escape: cancel", slot->desktop,
		target->name);
	message_show(transfer, question, question_background, 0);
	g_message("clipboard: asking whether to paste from desktop %s into desktop %s",
		  slot->desktop, target->name);
}

static void question_confirm(struct zc_clipboard_transfer *transfer)
{
	struct zc_desktop *target = g_steal_pointer(&transfer->target);
	struct content *content = g_steal_pointer(&transfer->slot);
	zc_message_clear(transfer->message);
	zc_clipboard_set_selection(transfer->clipboard, target,
				   memory_source_create(transfer, content));
	g_message("clipboard: pasted from desktop %s into desktop %s (%u types, %" G_GSIZE_FORMAT
		  " bytes); the transfer slot is empty",
		  content->desktop, target->name, content->mime_types->len, content->size);
	content_free(content);
}

gboolean zc_clipboard_transfer_handle_key(struct zc_clipboard_transfer *transfer,
					  struct wlr_keyboard *keyboard,
					  const struct wlr_event_keyboard_key *event)
{
	if (!transfer->target)
		return FALSE;
	if (event->state != WL_KEYBOARD_KEY_STATE_PRESSED)
		return TRUE;
	/* libinput keycodes are evdev codes; XKB's are 8 higher. */
	const xkb_keysym_t *syms;
	int count = xkb_state_key_get_syms(keyboard->xkb_state, event->keycode + 8, &syms);
	for (int i = 0; i < count; i++) {
		if (syms[i] == XKB_KEY_Return || syms[i] == XKB_KEY_KP_Enter) {
			question_confirm(transfer);
			break;
		}
		if (syms[i] == XKB_KEY_Escape) {
			question_cancel(transfer, "the user said no");
			break;
		}
	}
	return TRUE;
}

void zc_clipboard_transfer_desktop_shown(struct zc_clipboard_transfer *transfer)
{
	if (transfer->target && transfer->target != transfer->server->shown)
		question_cancel(transfer, "another desktop is shown");
}

struct zc_clipboard_transfer *zc_clipboard_transfer_create(struct zc_clipboard *clipboard)
{
	struct zc_clipboard_transfer *transfer = g_new0(struct zc_clipboard_transfer, 1);
	transfer->clipboard = clipboard;
	transfer->server = clipboard->server;
	transfer->writers = g_ptr_array_new_with_free_func((GDestroyNotify)writer_free);
	transfer->message = zc_message_create(transfer->server);
	return transfer;
}

void zc_clipboard_transfer_destroy(struct zc_clipboard_transfer *transfer)
{
	g_clear_pointer(&transfer->copy, copy_free);
	zc_message_destroy(transfer->message);
	content_free(transfer->slot);
	g_ptr_array_unref(transfer->writers);
	g_free(transfer);
}
