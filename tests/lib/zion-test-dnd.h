/*
 * Drag and drop for the Wayland test client (wl_data_device version 3): a client starts a drag of
 * text from one of its windows, as an application does on a button press, and a client accepts
 * what is dragged over its windows and reads what is dropped on them.
 */
#pragma once

#include <glib.h>

#include "zion-test-client.h"

typedef struct zt_dnd ZtDnd;

/* The client's data device on its seat; as a target it accepts text with the copy action on every
 * enter. */
ZtDnd *zt_dnd_new(ZtClient *client);
void zt_dnd_free(ZtDnd *dnd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZtDnd, zt_dnd_free)

/* Starts a drag of text (text/plain;charset=utf-8, copy) from window, with the serial of the last
 * button press the client received (or with serial, if not 0); returns once the compositor has
 * handled the request. */
void zt_dnd_start_drag(ZtDnd *dnd, ZtWindow *window, const char *text, uint32_t serial);

/* What became of the drag the client started last: cancelled by the compositor, or dropped and
 * finished by the target. Each dispatches the client first. */
gboolean zt_dnd_source_cancelled(ZtDnd *dnd);
gboolean zt_dnd_source_finished(ZtDnd *dnd);

/* As a target: how many drags entered the client's windows, moved in them, left them and were
 * dropped on them. Each dispatches the client first. */
guint zt_dnd_enters(ZtDnd *dnd);
guint zt_dnd_motions(ZtDnd *dnd);
guint zt_dnd_leaves(ZtDnd *dnd);
guint zt_dnd_drops(ZtDnd *dnd);

/* After a drop: reads the dropped text (every client of the process answers meanwhile) and tells
 * the source the drop is finished. */
char *zt_dnd_receive(ZtDnd *dnd);
