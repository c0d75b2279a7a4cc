/*
 * Logging for every Zion program: one line per message, prefixed with the program's name and the
 * level, on standard error. Use GLib's g_message/g_warning/g_debug; this installs the writer.
 */
#pragma once

#include <glib.h>

/* Installs the writer. With verbose, debug messages are shown too. */
void zion_log_init(const char *component, gboolean verbose);
