/* The image store: finding, listing and deleting images, and what every image build shares. */
#include "image-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-internal.h"
#include "persona.h"
#include "remove-tree.h"
#include "safe-path.h"
#include "zion-error.h"

#define GROUP "image"

void zion_image_free(ZionImage *image)
{
	if (!image)
		return;
	g_free(image->name);
	g_free(image->id);
	g_free(image->kind);
	g_free(image->rootfs);
	g_free(image->suite);
	g_free(image);
}

static char *images_dir(const char *state_dir)
{
	return g_build_filename(state_dir, "images", NULL);
}

/* The host's identity and the files a layer copies from it: a layer made before the host changed
 * (an upgrade, a new account) is not used after. */
static ZionImage *host_image(void)
{
	static const char *const identity[] = { "/etc/os-release", "/etc/machine-id" };
	static const char *const copied[] = { "/etc/passwd", "/etc/group", "/etc/shadow",
					      "/var/lib/dpkg/status" };
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	for (gsize i = 0; i < G_N_ELEMENTS(identity); i++) {
		g_autofree char *text = NULL;
		gsize length = 0;
		if (g_file_get_contents(identity[i], &text, &length, NULL))
			g_checksum_update(sum, (const guchar *)text, (gssize)length);
		g_checksum_update(sum, (const guchar *)"", 1);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(copied); i++) {
		GStatBuf st = { 0 };
		g_stat(copied[i], &st);
		g_autofree char *stamp = g_strdup_printf("%s %lld.%09ld %lld\n", copied[i],
							 (long long)st.st_mtim.tv_sec,
							 st.st_mtim.tv_nsec, (long long)st.st_ino);
		g_checksum_update(sum, (const guchar *)stamp, -1);
	}
	ZionImage *image = g_new0(ZionImage, 1);
	image->name = g_strdup("host");
	image->id = g_strndup(g_checksum_get_string(sum), 32);
	image->kind = g_strdup("host");
	image->rootfs = g_strdup("/");
	return image;
}

static char *known_names(const char *state_dir)
{
	g_autoptr(GPtrArray) images = zion_image_list(state_dir);
	GString *names = g_string_new("host");
	for (guint i = 0; i < images->len; i++) {
		const ZionImage *image = g_ptr_array_index(images, i);
		g_string_append_printf(names, ", %s", image->name);
	}
	return g_string_free(names, FALSE);
}

static ZionImage *load(const char *state_dir, const char *name, GError **error)
{
	g_autofree char *dir = g_build_filename(state_dir, "images", name, NULL);
	g_autofree char *ini = g_build_filename(dir, "image.ini", NULL);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) local = NULL;
	if (!g_key_file_load_from_file(file, ini, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND, "%s is missing", ini);
		else
			g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT, "%s: %s", ini,
				    local->message);
		return NULL;
	}
	g_autoptr(ZionImage) image = g_new0(ZionImage, 1);
	image->name = g_strdup(name);
	image->id = g_key_file_get_string(file, GROUP, "id", NULL);
	image->kind = g_key_file_get_string(file, GROUP, "kind", NULL);
	image->created = g_key_file_get_int64(file, GROUP, "created", NULL);
	image->suite = g_key_file_get_string(file, GROUP, "suite", NULL);
	image->rootfs = g_build_filename(dir, "rootfs", NULL);
	if (!image->id || strlen(image->id) != 32 || !image->kind) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_CORRUPT,
			    "%s: [" GROUP "] needs an id of 32 hex digits and a kind", ini);
		return NULL;
	}
	return g_steal_pointer(&image);
}

gboolean zion_image_lookup(const char *state_dir, const char *name, ZionImage **out, GError **error)
{
	*out = NULL;
	if (strcmp(name, "host") == 0) {
		*out = host_image();
		return TRUE;
	}
	g_autoptr(GError) local = NULL;
	ZionImage *image = zion_persona_name_is_valid(name) ? load(state_dir, name, &local) : NULL;
	if (!image && (!local || g_error_matches(local, ZION_ERROR, ZION_ERROR_NOT_FOUND))) {
		g_autofree char *names = known_names(state_dir);
		g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
			    "no base image called '%s' in %s/images (there are: %s; build one with "
			    "zionctl image build)",
			    name, state_dir, names);
		return FALSE;
	}
	if (!image) {
		g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	*out = image;
	return TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	const ZionImage *x = *(ZionImage *const *)a, *y = *(ZionImage *const *)b;
	return strcmp(x->name, y->name);
}

GPtrArray *zion_image_list(const char *state_dir)
{
	GPtrArray *images = g_ptr_array_new_with_free_func((GDestroyNotify)zion_image_free);
	g_autofree char *path = images_dir(state_dir);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		if (!zion_persona_name_is_valid(entry))
			continue;
		g_autoptr(GError) error = NULL;
		ZionImage *image = load(state_dir, entry, &error);
		if (image)
			g_ptr_array_add(images, image);
		else
			g_warning("image %s: %s", entry, error->message);
	}
	g_ptr_array_sort(images, compare_names);
	return images;
}

gboolean zion_image_delete(const char *state_dir, const char *name, GError **error)
{
	if (strcmp(name, "host") == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "the host image is the host's own root and cannot be deleted");
		return FALSE;
	}
	g_autoptr(ZionImage) image = NULL;
	if (!zion_image_lookup(state_dir, name, &image, error))
		return FALSE;
	g_autofree char *dir = g_build_filename(state_dir, "images", name, NULL);
	/* Renamed first, so a crash midway leaves a staging leftover, not a half image. */
	g_autofree char *doomed =
		g_strdup_printf("%s/images/.tmp-delete-%s-%s", state_dir, name, image->id);
	if (rename(dir, doomed) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot remove %s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	return zion_remove_tree(doomed, error);
}

ZionStaging *zion_image_begin(const char *state_dir, const char *name, char **rootfs,
			      GError **error)
{
	if (!zion_persona_name_is_valid(name) || strcmp(name, "host") == 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "'%s' cannot name an image: 1-32 lowercase letters, digits and inner "
			    "'-', and not host",
			    name);
		return NULL;
	}
	g_autofree char *images = images_dir(state_dir);
	g_autofree char *final = g_build_filename(images, name, NULL);
	if (g_file_test(final, G_FILE_TEST_EXISTS)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_EXISTS,
			    "an image called '%s' exists already (%s); delete it first", name,
			    final);
		return NULL;
	}
	g_autoptr(ZionStaging) staging = zion_staging_begin(images, error);
	if (!staging)
		return NULL;
	*rootfs = g_build_filename(zion_staging_path(staging), "rootfs", NULL);
	if (mkdir(*rootfs, 0755) < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot create %s: %s", *rootfs,
			    g_strerror(errno));
		g_clear_pointer(rootfs, g_free);
		return NULL;
	}
	return g_steal_pointer(&staging);
}

ZionImage *zion_image_commit(ZionStaging *staging, const char *state_dir, const char *name,
			     const char *kind, const char *const *extra, GError **error)
{
	guint8 random[16];
	for (gsize i = 0; i < sizeof(random); i += 4) {
		guint32 word = g_random_int();
		memcpy(random + i, &word, 4);
	}
	GString *id = g_string_new("");
	for (gsize i = 0; i < sizeof(random); i++)
		g_string_append_printf(id, "%02x", random[i]);
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_key_file_set_string(file, GROUP, "id", id->str);
	g_string_free(id, TRUE);
	g_key_file_set_string(file, GROUP, "kind", kind);
	g_key_file_set_int64(file, GROUP, "created", g_get_real_time() / G_USEC_PER_SEC);
	for (guint i = 0; extra && extra[i] && extra[i + 1]; i += 2)
		g_key_file_set_string(file, GROUP, extra[i], extra[i + 1]);
	gsize length;
	g_autofree char *text = g_key_file_to_data(file, &length, NULL);
	g_autofree char *ini = g_build_filename(zion_staging_path(staging), "image.ini", NULL);
	g_autofree char *final = g_build_filename(state_dir, "images", name, NULL);
	if (!g_file_set_contents_full(ini, text, (gssize)length, G_FILE_SET_CONTENTS_CONSISTENT,
				      0644, error) ||
	    !zion_staging_commit(staging, final, error))
		return NULL;
	ZionImage *image = NULL;
	zion_image_lookup(state_dir, name, &image, error);
	return image;
}

gboolean zion_image_write_new(const char *rootfs, const char *relative, const char *text,
			      mode_t mode, GError **error)
{
	int root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot open %s: %s", rootfs,
			    g_strerror(errno));
		return FALSE;
	}
	/* The parent as the tree itself sees it (Debian's /sbin is a link to usr/sbin); the file
	 * itself is made new, so no link is ever written through. */
	g_autofree char *inside = g_strconcat("/", relative, NULL);
	g_autofree char *parent = g_path_get_dirname(inside);
	g_autofree char *base = g_path_get_basename(inside);
	int dir = zion_path_open_in_root(root, parent, O_PATH | O_DIRECTORY, error);
	close(root);
	if (dir < 0) {
		if (error && !*error)
			g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED,
				    "%s/%s: no such directory", rootfs, parent);
		return FALSE;
	}
	int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int saved = errno;
	close(dir);
	gsize length = strlen(text);
	gboolean ok =
		fd >= 0 && write(fd, text, length) == (ssize_t)length && fchmod(fd, mode) == 0;
	if (!ok)
		saved = errno;
	if (fd >= 0)
		close(fd);
	if (!ok)
		g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot write %s/%s: %s", rootfs,
			    relative, g_strerror(saved));
	return ok;
}

/* Schedules need a cron daemon: Debian's cron when installed, else busybox's crond. */
static const char init_script[] =
	"#!/bin/sh\n"
	"# A Zion desktop's init: runs cron for the persona's schedule, reaps orphans, and\n"
	"# stops on SIGTERM, SIGPWR (LXC's halt signal) or SIGINT.\n"
	"trap 'exit 0' TERM PWR INT\n"
	"if [ -x /usr/sbin/cron ]; then\n"
	"\t/usr/sbin/cron\n"
	"elif command -v crond >/dev/null 2>&1 && [ -d /etc/crontabs ]; then\n"
	"\tcrond -c /etc/crontabs\n"
	"fi\n"
	"while :; do sleep 3600 & wait $!; done\n";

gboolean zion_image_write_init(const char *rootfs, GError **error)
{
	int root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = root >= 0 ? zion_path_open_in_root(root, "/sbin/init", O_PATH, NULL) : -1;
	if (root >= 0)
		close(root);
	if (fd >= 0) {
		close(fd);
		return TRUE;
	}
	return zion_image_write_new(rootfs, "sbin/init", init_script, 0755, error);
}
