/*
 * The clipboard of the Wayland test client (wl_data_device, and the primary selection of
 * zwp_primary_selection_device_manager_v1 when the compositor offers it): a client copies text as
 * an application would once the keyboard focus came to one of its windows, and reads the selections
 * the compositor offers it.
 */
#pragma once

#include <glib.h>

#include "zion-test-client.h"

typedef struct zt_clipboard ZtClipboard;

/* The client's data device on its seat. */
ZtClipboard *zt_clipboard_new(ZtClient *client);
void zt_clipboard_free(ZtClipboard *clipboard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZtClipboard, zt_clipboard_free)

/* Sets the selection to text (text/plain;charset=utf-8), with the serial of the client's last
 * keyboard enter. The client hands the text over whenever it is dispatched. */
void zt_clipboard_copy(ZtClipboard *clipboard, const char *text);

/* The same for the primary selection (what a highlight sets and a middle click pastes). */
void zt_clipboard_select(ZtClipboard *clipboard, const char *text);

/* Whether the client's copy is still a selection: the compositor has not cancelled it. */
gboolean zt_clipboard_owns_selection(ZtClipboard *clipboard);
gboolean zt_clipboard_owns_primary(ZtClipboard *clipboard);

/* Dispatches the client until the compositor has read its selection once; FALSE if it did not
 * within a few seconds. */
gboolean zt_clipboard_serve(ZtClipboard *clipboard);

/* The text of the selection the compositor offers the client now, or NULL when it offers none.
 * While it reads, every client of this process answers, so that one can read what another copied.
 */
char *zt_clipboard_paste(ZtClipboard *clipboard);
/* The same for the primary selection. */
char *zt_clipboard_paste_primary(ZtClipboard *clipboard);
