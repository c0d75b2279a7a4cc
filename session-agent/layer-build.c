/* Building a persona layer from a persona and its base image. */
#include "layer-build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "atomic-file.h"
#include "remove-tree.h"
#include "safe-path.h"
#include "zion-error.h"

static gboolean fail_errno(GError **error, const char *what, const char *path)
{
	g_set_error(error, ZION_ERROR, ZION_ERROR_FAILED, "cannot %s %s: %s", what, path,
		    g_strerror(errno));
	return FALSE;
}

/* Reads a file of the base (an absolute path inside it) without following links; missing is
 * empty. */
static char *read_base(const ZionImage *image, const char *path)
{
	int root = open(image->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = root >= 0 ? zion_path_open_beneath(root, path, O_RDONLY, 0, FALSE, NULL) : -1;
	if (root >= 0)
		close(root);
	GString *text = g_string_new("");
	char buffer[4096];
	ssize_t n;
	while (fd >= 0 && (n = read(fd, buffer, sizeof(buffer))) > 0)
		g_string_append_len(text, buffer, n);
	if (fd >= 0)
		close(fd);
	return g_string_free(text, FALSE);
}

/* Makes the parents of relative inside upper, and writes the file. */
static gboolean put(const char *upper, const char *relative, const char *text, mode_t mode,
		    uid_t uid, gid_t gid, GError **error)
{
	g_autofree char *path = g_build_filename(upper, relative, NULL);
	g_autofree char *parent = g_path_get_dirname(path);
	if (g_mkdir_with_parents(parent, 0755) < 0)
		return fail_errno(error, "create", parent);
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return fail_errno(error, "create", path);
	gboolean ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text) &&
		      fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0;
	close(fd);
	return ok || fail_errno(error, "write", path);
}

/* The id of name in a passwd or group text, or -1. */
static gint64 lookup_id(const char *table, const char *name)
{
	g_auto(GStrv) lines = g_strsplit(table, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto(GStrv) fields = g_strsplit(lines[i], ":", 4);
		if (g_strv_length(fields) >= 3 && strcmp(fields[0], name) == 0)
			return g_ascii_strtoll(fields[2], NULL, 10);
	}
	return -1;
}

static guint first_free(const char *passwd, const char *group)
{
	guint uid = 1000;
	for (;; uid++) {
		g_autofree char *needle = g_strdup_printf(":%u:", uid);
		if (!strstr(passwd, needle) && !strstr(group, needle))
			return uid;
	}
}

static gboolean apply_users(const char *upper, const ZionImage *image, const ZionPersona *persona,
			    GString *passwd, GString *group, GError **error)
{
	for (guint i = 0; i < persona->users->len; i++) {
		const ZionPersonaUser *user = g_ptr_array_index(persona->users, i);
		if (lookup_id(passwd->str, user->name) >= 0)
			continue;
		guint uid = user->uid >= 0 ? (guint)user->uid : first_free(passwd->str, group->str);
		g_string_append_printf(passwd, "%s:x:%u:%u::/home/%s:%s\n", user->name, uid, uid,
				       user->name, user->shell);
		if (lookup_id(group->str, user->name) < 0)
			g_string_append_printf(group, "%s:x:%u:\n", user->name, uid);
		g_autofree char *home = g_build_filename(upper, "home", user->name, NULL);
		if (g_mkdir_with_parents(home, 0700) < 0 || chown(home, uid, uid) < 0)
			return fail_errno(error, "create", home);
	}
	/* Supplementary groups, made when the base lacks them. */
	for (guint i = 0; i < persona->users->len; i++) {
		const ZionPersonaUser *user = g_ptr_array_index(persona->users, i);
		for (guint g = 0; user->groups[g]; g++) {
			if (lookup_id(group->str, user->groups[g]) < 0)
				g_string_append_printf(group, "%s:x:%u:%s\n", user->groups[g],
						       first_free("", group->str) + 100,
						       user->name);
		}
	}
	return TRUE;
}

static gboolean apply_files(const char *upper, const ZionPersona *persona, const char *passwd,
			    const char *group, GError **error)
{
	for (guint i = 0; i < persona->files->len; i++) {
		const ZionPersonaFile *file = g_ptr_array_index(persona->files, i);
		const char *relative = file->path + 1; /* the schema makes paths absolute */
		if (file->remove) {
			/* A whiteout: the file is gone from the desktop, not from the base. */
			g_autofree char *path = g_build_filename(upper, relative, NULL);
			g_autofree char *parent = g_path_get_dirname(path);
			if (g_mkdir_with_parents(parent, 0755) < 0 ||
			    mknod(path, S_IFCHR | 0000, makedev(0, 0)) < 0)
				return fail_errno(error, "remove (whiteout)", file->path);
			continue;
		}
		gint64 uid = file->owner ? lookup_id(passwd, file->owner) : 0;
		gint64 gid = file->group ? lookup_id(group, file->group) : 0;
		if (uid < 0 || gid < 0) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "persona %s: files[%u] (%s): no %s called '%s' in the desktop",
				    persona->name, i, file->path, uid < 0 ? "user" : "group",
				    uid < 0 ? file->owner : file->group);
			return FALSE;
		}
		if (!put(upper, relative, file->content ? file->content : "", file->mode, uid, gid,
			 error))
			return FALSE;
	}
	return TRUE;
}

static char *shell_quote_env(GHashTable *env, gboolean export)
{
	g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(env), (GCompareFunc)strcmp);
	GString *text = g_string_new("");
	for (GList *l = keys; l; l = l->next) {
		const char *value = g_hash_table_lookup(env, l->data);
		g_autofree char *quoted = g_shell_quote(value);
		g_string_append_printf(text, "%s%s=%s\n", export ? "export " : "",
				       (const char *)l->data, quoted);
	}
	return g_string_free(text, FALSE);
}

static gboolean build(const char *upper, const ZionImage *image, const ZionPersona *persona,
		      GError **error)
{
	if (g_strv_length(persona->packages.install) || g_strv_length(persona->packages.remove)) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: packages cannot be applied to base '%s' yet",
			    persona->name, image->name);
		return FALSE;
	}
	g_autofree char *base_passwd = read_base(image, "/etc/passwd");
	g_autofree char *base_group = read_base(image, "/etc/group");
	g_autoptr(GString) passwd = g_string_new(base_passwd);
	g_autoptr(GString) group = g_string_new(base_group);
	if (!apply_users(upper, image, persona, passwd, group, error))
		return FALSE;
	if (persona->users->len && (!put(upper, "etc/passwd", passwd->str, 0644, 0, 0, error) ||
				    !put(upper, "etc/group", group->str, 0644, 0, 0, error)))
		return FALSE;
	const char *hostname =
		persona->network.hostname ? persona->network.hostname : persona->name;
	g_autofree char *hostname_line = g_strdup_printf("%s\n", hostname);
	g_autofree char *environment = shell_quote_env(persona->env, FALSE);
	g_autofree char *profile = shell_quote_env(persona->env, TRUE);
	return put(upper, "etc/hostname", hostname_line, 0644, 0, 0, error) &&
	       put(upper, "etc/environment", environment, 0644, 0, 0, error) &&
	       put(upper, "etc/profile.d/zion-persona.sh", profile, 0644, 0, 0, error) &&
	       apply_files(upper, persona, passwd->str, group->str, error);
}

char *zion_layer_ensure(const char *state_dir, const ZionImage *image, const ZionPersona *persona,
			const char *version_hash, gboolean *built, GError **error)
{
	*built = FALSE;
	g_autofree char *layers = g_build_filename(state_dir, "layers", NULL);
	g_autofree char *id = g_strdup_printf("%s-%.16s", image->id, version_hash);
	g_autofree char *dir = g_build_filename(layers, id, NULL);
	g_autofree char *upper = g_build_filename(dir, "upper", NULL);
	if (g_file_test(upper, G_FILE_TEST_IS_DIR))
		return g_steal_pointer(&upper);
	if (!zion_make_dir_durable(layers, 0711, error))
		return NULL;
	g_autofree char *template = g_build_filename(layers, ".tmp-XXXXXX", NULL);
	if (!g_mkdtemp_full(template, 0711)) {
		fail_errno(error, "create", template);
		return NULL;
	}
	g_autofree char *tmp_upper = g_build_filename(template, "upper", NULL);
	gboolean ok = (mkdir(tmp_upper, 0755) == 0 || fail_errno(error, "create", tmp_upper)) &&
		      build(tmp_upper, image, persona, error);
	if (ok && rename(template, dir) < 0)
		ok = fail_errno(error, "rename into place", dir);
	if (!ok) {
		zion_remove_tree(template, NULL);
		return NULL;
	}
	zion_sync_dir(layers, NULL);
	g_message("layer %s built for persona %s on %s", id, persona->name, image->name);
	*built = TRUE;
	return g_steal_pointer(&upper);
}
