/* Temporary directories and source files for tests. */
#include "zion-test.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static GPtrArray *temp_dirs;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void zt_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_temp_dirs(void)
{
	for (guint i = 0; i < temp_dirs->len; i++)
		zt_remove_tree(g_ptr_array_index(temp_dirs, i));
	g_ptr_array_unref(temp_dirs);
}

const char *zt_temp_dir(void)
{
	g_autoptr(GError) error = NULL;
	char *dir = g_dir_make_tmp("zion-test-XXXXXX", &error);
	g_assert_no_error(error);
	if (!temp_dirs) {
		temp_dirs = g_ptr_array_new_with_free_func(g_free);
		atexit(remove_temp_dirs);
	}
	g_ptr_array_add(temp_dirs, dir);
	return dir;
}

char *zt_source_path(const char *relative)
{
	const char *root = g_getenv("ZION_SOURCE_DIR");
	g_assert_nonnull(root);
	return g_build_filename(root, relative, NULL);
}

char *zt_write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;
	g_file_set_contents(path, text, -1, &error);
	g_assert_no_error(error);
	return path;
}
