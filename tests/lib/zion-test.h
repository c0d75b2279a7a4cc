/*
 * The shared test library: what every Zion test needs so that it reads as the scenario it checks.
 * Temporary directories made here are removed when the test program exits.
 */
#pragma once

#include <glib.h>

/* A new empty directory under $TMPDIR, removed at exit. */
const char *zt_temp_dir(void);

/* Removes a directory tree (no symlinks followed). */
void zt_remove_tree(const char *path);

/* A file of the source tree, from ZION_SOURCE_DIR. */
char *zt_source_path(const char *relative);

/* Writes text to dir/name and returns the path. */
char *zt_write_file(const char *dir, const char *name, const char *text);
