/*
 * The users step: the persona's accounts in /etc/passwd and /etc/group (and /etc/shadow and
 * /etc/gshadow when the desktop has them), their homes, supplementary groups, and sudo.
 */
#include <string.h>
#include <sys/stat.h>

#include "layer-internal.h"
#include "zion-error.h"

#define FIRST_UID 1000
#define LAST_UID 60000

/* A colon-separated account file, row by row; rows that are not accounts are kept as they are. */
typedef struct {
	GPtrArray *rows; /* of GStrv */
	guint fields;
} Table;

static void table_clear(Table *table)
{
	g_clear_pointer(&table->rows, g_ptr_array_unref);
}

static void table_parse(Table *table, const char *text, guint fields)
{
	table->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	table->fields = fields;
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		if (*lines[i])
			g_ptr_array_add(table->rows, g_strsplit(lines[i], ":", (gint)fields));
	}
}

static char *table_text(const Table *table)
{
	GString *text = g_string_new("");
	for (guint i = 0; i < table->rows->len; i++) {
		g_autofree char *line = g_strjoinv(":", g_ptr_array_index(table->rows, i));
		g_string_append_printf(text, "%s\n", line);
	}
	return g_string_free(text, FALSE);
}

static char **table_find(const Table *table, const char *name, guint *index)
{
	for (guint i = 0; table->rows && i < table->rows->len; i++) {
		char **row = g_ptr_array_index(table->rows, i);
		if (g_strv_length(row) == table->fields && strcmp(row[0], name) == 0) {
			if (index)
				*index = i;
			return row;
		}
	}
	return NULL;
}

/* The row whose field 2 (uid or gid) is id. */
static char **table_find_id(const Table *table, guint id)
{
	for (guint i = 0; i < table->rows->len; i++) {
		char **row = g_ptr_array_index(table->rows, i);
		if (g_strv_length(row) == table->fields &&
		    g_ascii_strtoull(row[2], NULL, 10) == id && *row[2])
			return row;
	}
	return NULL;
}

static void table_put(Table *table, char **row)
{
	guint index;
	if (table_find(table, row[0], &index)) {
		char **old = g_ptr_array_index(table->rows, index);
		table->rows->pdata[index] = row;
		g_strfreev(old);
	} else {
		g_ptr_array_add(table->rows, row);
	}
}

static void table_drop(Table *table, const char *name)
{
	guint index;
	if (table && table->rows && table_find(table, name, &index))
		g_ptr_array_remove_index(table->rows, index);
}

/* Adds member to a comma-separated list field. */
static void add_member(char **field, const char *member)
{
	g_auto(GStrv) members = g_strsplit(*field, ",", -1);
	if (g_strv_contains((const char *const *)members, member))
		return;
	char *joined = **field ? g_strdup_printf("%s,%s", *field, member) : g_strdup(member);
	g_free(*field);
	*field = joined;
}

typedef struct {
	ZionLayerBuild *build;
	Table passwd, group, shadow, gshadow;
	gboolean has_shadow, has_gshadow;
	GHashTable *wanted_uids; /* uids persona users ask for */
} Accounts;

static guint free_id(const Table *table, GHashTable *reserved, guint from)
{
	for (guint id = from;; id++) {
		if (!table_find_id(table, id) &&
		    !(reserved && g_hash_table_contains(reserved, GUINT_TO_POINTER(id))))
			return id;
	}
}

static char *days_since_epoch(void)
{
	return g_strdup_printf("%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC / 86400);
}

/* A group, made (with the first free gid from 1000) when the desktop lacks it. */
static char **ensure_group(Accounts *accounts, const char *name, guint gid_wanted)
{
	char **row = table_find(&accounts->group, name, NULL);
	if (row)
		return row;
	guint gid = gid_wanted && !table_find_id(&accounts->group, gid_wanted)
			    ? gid_wanted
			    : free_id(&accounts->group, accounts->wanted_uids, FIRST_UID);
	row = g_new0(char *, 5);
	row[0] = g_strdup(name);
	row[1] = g_strdup("x");
	row[2] = g_strdup_printf("%u", gid);
	row[3] = g_strdup("");
	table_put(&accounts->group, row);
	if (accounts->has_gshadow) {
		char **shadow = g_new0(char *, 5);
		shadow[0] = g_strdup(name);
		shadow[1] = g_strdup("!");
		shadow[2] = g_strdup("");
		shadow[3] = g_strdup("");
		table_put(&accounts->gshadow, shadow);
	}
	zion_layer_log(accounts->build, "  group %s (gid %u) made", name, gid);
	return row;
}

static void join_group(Accounts *accounts, const char *group, const char *user)
{
	char **row = ensure_group(accounts, group, 0);
	add_member(&row[3], user);
	char **shadow = accounts->has_gshadow ? table_find(&accounts->gshadow, group, NULL) : NULL;
	if (shadow)
		add_member(&shadow[3], user);
}

static gboolean add_user(Accounts *accounts, guint index, const ZionPersonaUser *user,
			 GError **error)
{
	ZionLayerBuild *build = accounts->build;
	char **existing = table_find(&accounts->passwd, user->name, NULL);
	guint uid;
	if (user->uid >= 0)
		uid = (guint)user->uid;
	else if (existing && *existing[2])
		uid = (guint)g_ascii_strtoull(existing[2], NULL, 10);
	else
		uid = free_id(&accounts->passwd, accounts->wanted_uids, FIRST_UID);
	char **holder = table_find_id(&accounts->passwd, uid);
	if (holder && strcmp(holder[0], user->name) != 0) {
		guint held = (guint)g_ascii_strtoull(holder[2], NULL, 10);
		if (held < FIRST_UID || held > LAST_UID) {
			g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
				    "persona %s: users[%u].uid: %u belongs to %s in %s",
				    build->persona->name, index, uid, holder[0], build->base->name);
			return FALSE;
		}
		/* The base's own desktop user (busybox's "user") gives way to the persona's. */
		g_autofree char *gone = g_strdup(holder[0]);
		zion_layer_log(build, "  uid %u was %s's in %s; %s takes it", uid, gone,
			       build->base->name, user->name);
		char **private_group = table_find(&accounts->group, gone, NULL);
		if (private_group && g_ascii_strtoull(private_group[2], NULL, 10) == uid) {
			table_drop(&accounts->group, gone);
			table_drop(&accounts->gshadow, gone);
		}
		table_drop(&accounts->passwd, gone);
		table_drop(&accounts->shadow, gone);
	}
	char **group = ensure_group(accounts, user->name, uid);
	guint gid = (guint)g_ascii_strtoull(group[2], NULL, 10);
	g_autofree char *home = g_strdup_printf("/home/%s", user->name);
	char **row = g_new0(char *, 8);
	row[0] = g_strdup(user->name);
	row[1] = g_strdup("x");
	row[2] = g_strdup_printf("%u", uid);
	row[3] = g_strdup_printf("%u", gid);
	row[4] = g_strdup("");
	row[5] = g_strdup(home);
	row[6] = g_strdup(user->shell);
	table_put(&accounts->passwd, row);
	if (accounts->has_shadow) {
		/* No password: the person logs in through Zion, never with one; "*" locks it. */
		g_autofree char *today = days_since_epoch();
		g_autofree char *line = g_strdup_printf("%s:*:%s:0:99999:7:::", user->name, today);
		table_put(&accounts->shadow, g_strsplit(line, ":", 9));
	}
	struct stat st;
	if (!zion_layer_stat(build, user->shell, &st))
		zion_layer_log(build, "  warning: %s's shell %s is not in the desktop", user->name,
			       user->shell);
	zion_layer_log(build, "  user %s: uid %u, gid %u, home %s, shell %s", user->name, uid, gid,
		       home, user->shell);
	return zion_layer_mkdir(build, home, 0700, uid, gid, error);
}

/* sudo: membership of Debian's "sudo" group where it exists, else "wheel"; a sudoers rule
 * without a password (the accounts have none) when the desktop has sudo. */
static gboolean grant_sudo(Accounts *accounts, const ZionPersonaUser *user, GError **error)
{
	ZionLayerBuild *build = accounts->build;
	const char *admin = table_find(&accounts->group, "sudo", NULL) ? "sudo" : "wheel";
	join_group(accounts, admin, user->name);
	struct stat st;
	if (!zion_layer_stat(build, "/usr/bin/sudo", &st)) {
		zion_layer_log(build, "  %s: member of %s (the desktop has no sudo)", user->name,
			       admin);
		return TRUE;
	}
	g_autofree char *path = g_strdup_printf("/etc/sudoers.d/zion-%s", user->name);
	g_autofree char *rule = g_strdup_printf("# Made by Zion for persona %s.\n"
						"%s ALL=(ALL:ALL) NOPASSWD: ALL\n",
						build->persona->name, user->name);
	zion_layer_log(build, "  %s: member of %s, %s", user->name, admin, path);
	return zion_layer_write(build, path, rule, 0440, 0, 0, error);
}

static gboolean load(Accounts *accounts, GError **error)
{
	ZionLayerBuild *build = accounts->build;
	g_autofree char *passwd = zion_layer_read(build, "/etc/passwd", error);
	if (!passwd) {
		if (error && !*error)
			g_set_error(error, ZION_ERROR, ZION_ERROR_NOT_FOUND,
				    "persona %s: users: %s has no /etc/passwd",
				    build->persona->name, build->base->name);
		return FALSE;
	}
	g_autofree char *group = zion_layer_read(build, "/etc/group", error);
	if (!group && error && *error)
		return FALSE;
	g_autofree char *shadow = zion_layer_read(build, "/etc/shadow", error);
	if (!shadow && error && *error)
		return FALSE;
	g_autofree char *gshadow = zion_layer_read(build, "/etc/gshadow", error);
	if (!gshadow && error && *error)
		return FALSE;
	accounts->has_shadow = shadow != NULL;
	accounts->has_gshadow = gshadow != NULL;
	table_parse(&accounts->passwd, passwd, 7);
	table_parse(&accounts->group, group, 4);
	table_parse(&accounts->shadow, shadow, 9);
	table_parse(&accounts->gshadow, gshadow, 4);
	return TRUE;
}

static gboolean save(Accounts *accounts, GError **error)
{
	ZionLayerBuild *build = accounts->build;
	g_autofree char *passwd = table_text(&accounts->passwd);
	g_autofree char *group = table_text(&accounts->group);
	g_autofree char *shadow = table_text(&accounts->shadow);
	g_autofree char *gshadow = table_text(&accounts->gshadow);
	return zion_layer_replace(build, "/etc/passwd", passwd, 0644, error) &&
	       zion_layer_replace(build, "/etc/group", group, 0644, error) &&
	       (!accounts->has_shadow ||
		zion_layer_replace(build, "/etc/shadow", shadow, 0640, error)) &&
	       (!accounts->has_gshadow ||
		zion_layer_replace(build, "/etc/gshadow", gshadow, 0640, error));
}

gboolean zion_layer_apply_users(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	if (persona->users->len == 0) {
		zion_layer_log(build, "  no users");
		return TRUE;
	}
	Accounts accounts = { .build = build };
	accounts.wanted_uids = g_hash_table_new(NULL, NULL);
	for (guint i = 0; i < persona->users->len; i++) {
		const ZionPersonaUser *user = g_ptr_array_index(persona->users, i);
		if (user->uid >= 0)
			g_hash_table_add(accounts.wanted_uids, GUINT_TO_POINTER((guint)user->uid));
	}
	gboolean ok = load(&accounts, error);
	for (guint i = 0; ok && i < persona->users->len; i++)
		ok = add_user(&accounts, i, g_ptr_array_index(persona->users, i), error);
	/* Supplementary groups once every user has its own, so private groups keep gid = uid. */
	for (guint i = 0; ok && i < persona->users->len; i++) {
		const ZionPersonaUser *user = g_ptr_array_index(persona->users, i);
		for (guint g = 0; user->groups[g]; g++)
			join_group(&accounts, user->groups[g], user->name);
		if (user->sudo)
			ok = grant_sudo(&accounts, user, error);
	}
	ok = ok && save(&accounts, error);
	table_clear(&accounts.passwd);
	table_clear(&accounts.group);
	table_clear(&accounts.shadow);
	table_clear(&accounts.gshadow);
	g_hash_table_unref(accounts.wanted_uids);
	return ok;
}

gint64 zion_layer_account_id(const char *table, const char *name)
{
	if (*name && strspn(name, "0123456789") == strlen(name))
		return (gint64)g_ascii_strtoull(name, NULL, 10);
	g_auto(GStrv) lines = g_strsplit(table ? table : "", "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto(GStrv) fields = g_strsplit(lines[i], ":", 4);
		if (g_strv_length(fields) >= 3 && strcmp(fields[0], name) == 0)
			return (gint64)g_ascii_strtoull(fields[2], NULL, 10);
	}
	return -1;
}
