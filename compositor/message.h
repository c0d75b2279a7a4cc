/*
 * On-screen messages from the compositor itself: one label centred on every output, in the message
 * layer above everything, until a timeout or until cleared. The desktop name overlay and the
 * clipboard's questions and notices are messages.
 */
#pragma once

#include <glib.h>

#include "label.h"

struct zc_server;
struct zc_message;

struct zc_message *zc_message_create(struct zc_server *server);
void zc_message_destroy(struct zc_message *message);

/* Shows text in style, replacing what this message showed; gone after timeout_ms, or (0) only
 * when cleared. */
void zc_message_show(struct zc_message *message, const char *text,
		     const struct zc_label_style *style, guint timeout_ms);

/* Takes the message off the screen now, if it is on. */
void zc_message_clear(struct zc_message *message);
