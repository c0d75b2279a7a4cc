/*
 * Persona layers over a busybox image built by the test: the exact contents of the upper
 * directory for a persona with users, files, environment, schedule, firewall and network (owners
 * stored unshifted, a whiteout for a removal, nft accepting the ruleset); the cache; failing steps
 * that leave nothing; personas and bases that try to lead a write out of the tree; packages through
 * the agent's build container; systemd timers where the base has systemd. Needs root (file owners,
 * whiteouts, the package step's overlay); skipped otherwise.
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "build-root.h"
#include "image-store.h"
#include "layer-build.h"
#include "zion-error.h"
#include "zion-test.h"

static const char *state;

static const char work_persona[] = "schema: zion/v1\n"
				   "name: work\n"
				   "base: tiny\n"
				   "users:\n"
				   "  - name: alice\n"
				   "    uid: 1000\n"
				   "    groups: [audio, wheel]\n"
				   "    sudo: true\n"
				   "  - name: bob\n"
				   "env:\n"
				   "  GREETING: hello 'world'\n"
				   "  TZ: Europe/Berlin\n"
				   "files:\n"
				   "  - path: /etc/motd\n"
				   "    remove: true\n"
				   "  - path: /home/alice/notes.txt\n"
				   "    owner: alice\n"
				   "    mode: \"0600\"\n"
				   "    content: \"hi\\n\"\n"
				   "  - path: /usr/local/bin/tool\n"
				   "    mode: \"4755\"\n"
				   "    content: \"#!/bin/sh\\n\"\n"
				   "  - path: /etc/zion-owned\n"
				   "    owner: bob:audio\n"
				   "    content: x\n"
				   "schedule:\n"
				   "  - name: tick\n"
				   "    interval: 15m\n"
				   "    command: echo tick >> /tmp/ticks\n"
				   "  - name: evening\n"
				   "    calendar: Mon..Fri 18:30\n"
				   "    command: echo 100% done\n"
				   "  - name: monthly\n"
				   "    calendar: \"*-*-01 03:30\"\n"
				   "    command: date\n"
				   "  - name: quarter\n"
				   "    calendar: \"*:0/15\"\n"
				   "    command: date\n"
				   "  - name: meals\n"
				   "    calendar: \"Sat,Sun 8,12,18:00\"\n"
				   "    command: date\n"
				   "  - name: nightly\n"
				   "    calendar: daily\n"
				   "    command: date\n"
				   "  - name: six-hours\n"
				   "    interval: 6h\n"
				   "    command: date\n"
				   "firewall:\n"
				   "  incoming: deny\n"
				   "  outgoing: deny\n"
				   "  rules:\n"
				   "    - action: allow\n"
				   "      direction: out\n"
				   "      proto: udp\n"
				   "      port: 53\n"
				   "      address: 10.0.0.53\n"
				   "    - action: allow\n"
				   "      port: 6000-6010\n"
				   "    - action: deny\n"
				   "      direction: out\n"
				   "      proto: icmp\n"
				   "      address: \"fd00::/64\"\n"
				   "network:\n"
				   "  mode: nat\n"
				   "  hostname: work-desk\n"
				   "  dns: [10.0.0.53, \"2606:4700::1111\"]\n"
				   "appearance:\n"
				   "  color: \"#e01b24\"\n";

static ZionPersona *load(const char *yaml)
{
	g_autoptr(GError) error = NULL;
	ZionPersona *persona = zion_persona_load_data("test.yaml", yaml, strlen(yaml), &error);
	g_assert_no_error(error);
	return persona;
}

static ZionImage *image_named(const char *name)
{
	g_autoptr(GError) error = NULL;
	ZionImage *image = NULL;
	if (zion_image_lookup(state, name, &image, NULL))
		return image;
	image = zion_image_build_busybox(state, name, NULL, NULL, &error);
	g_assert_no_error(error);
	return image;
}

static char *upper_text(const char *layer_dir, const char *relative)
{
	g_autofree char *path = g_build_filename(layer_dir, "upper", relative, NULL);
	char *text = NULL;
	g_autoptr(GError) error = NULL;
	g_file_get_contents(path, &text, NULL, &error);
	g_assert_no_error(error);
	return text;
}

static void assert_owner_mode(const char *layer_dir, const char *relative, uid_t uid, gid_t gid,
			      mode_t mode)
{
	g_autofree char *path = g_build_filename(layer_dir, "upper", relative, NULL);
	struct stat st;
	g_assert_cmpint(lstat(path, &st), ==, 0);
	g_assert_cmpint(st.st_uid, ==, uid);
	g_assert_cmpint(st.st_gid, ==, gid);
	g_assert_cmpint(st.st_mode & 07777, ==, mode);
}

static void list_tree(const char *root, const char *relative, GPtrArray *out)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		char *child =
			*relative ? g_strdup_printf("%s/%s", relative, entry) : g_strdup(entry);
		g_ptr_array_add(out, child);
		g_autofree char *full = g_build_filename(root, child, NULL);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			list_tree(root, child, out);
	}
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *tree_listing(const char *root)
{
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(g_free);
	list_tree(root, "", entries);
	g_ptr_array_sort(entries, compare_strings);
	GString *text = g_string_new("");
	for (guint i = 0; i < entries->len; i++)
		g_string_append_printf(text, "%s\n", (char *)g_ptr_array_index(entries, i));
	return g_string_free(text, FALSE);
}

static gboolean skip_unless_root(void)
{
	if (geteuid() == 0)
		return FALSE;
	g_test_skip("needs root (owners and whiteouts in layers)");
	return TRUE;
}

static void count_steps(const char *step, guint done, guint total, gpointer data)
{
	GString *steps = data;
	g_string_append_printf(steps, "%u/%u %s\n", done, total, step);
}

static char *checksum_of(const char *path)
{
	g_autofree char *contents = NULL;
	gsize size;
	g_assert_true(g_file_get_contents(path, &contents, &size, NULL));
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)contents, size);
}

static void test_layer_contents(void)
{
	if (skip_unless_root())
		return;
	g_autoptr(ZionImage) base = image_named("tiny");
	g_autoptr(ZionPersona) persona = load(work_persona);
	g_autofree char *hash = zion_persona_hash(persona);
	g_autofree char *host_busybox = checksum_of("/bin/busybox");
	g_autoptr(GString) steps = g_string_new("");
	g_autoptr(GError) error = NULL;
	gboolean built = FALSE;
	g_autofree char *layer = NULL;
	gint64 start = g_get_monotonic_time();
	g_assert_true(zion_layer_ensure(state, base, persona, hash, count_steps, steps, &built,
					&layer, &error));
	g_assert_no_error(error);
	g_test_message("layer built in %.1f ms", (double)(g_get_monotonic_time() - start) / 1000.0);
	g_assert_true(built);
	g_autofree char *id = g_strdup_printf("%s-%s", base->id, hash);
	g_autofree char *expected_dir = g_build_filename(state, "layers", id, NULL);
	g_assert_cmpstr(layer, ==, expected_dir);
	g_assert_cmpstr(steps->str, ==,
			"0/10 host\n1/10 packages\n2/10 users\n3/10 environment\n4/10 schedule\n"
			"5/10 firewall\n6/10 network\n7/10 appearance\n8/10 files\n9/10 sessions\n"
			"10/10 done\n");

	/* Only what the persona changes is in the layer. */
	g_autofree char *upper = g_build_filename(layer, "upper", NULL);
	g_autofree char *listing = tree_listing(upper);
	g_assert_cmpstr(listing, ==,
			"etc\netc/crontabs\netc/crontabs/root\netc/environment\netc/group\n"
			"etc/hostname\netc/hosts\netc/motd\netc/passwd\netc/profile.d\n"
			"etc/profile.d/zion-persona.sh\netc/resolv.conf\netc/zion\n"
			"etc/zion-owned\netc/zion/appearance.ini\netc/zion/firewall.nft\n"
			"etc/zion/network\nhome\nhome/alice\nhome/alice/notes.txt\nhome/bob\nusr\n"
			"usr/local\nusr/local/bin\nusr/local/bin/tool\n");

	/* alice takes uid 1000 from the base's "user"; bob gets the next free one. */
	g_autofree char *passwd = upper_text(layer, "etc/passwd");
	g_assert_cmpstr(passwd, ==,
			"root:x:0:0:root:/root:/bin/sh\n"
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
			"alice:x:1000:1000::/home/alice:/bin/sh\n"
			"bob:x:1001:1001::/home/bob:/bin/sh\n");
	g_autofree char *group = upper_text(layer, "etc/group");
	g_assert_cmpstr(group, ==,
			"root:x:0:\nwheel:x:10:alice\nnogroup:x:65534:\nalice:x:1000:\n"
			"bob:x:1001:\naudio:x:1002:alice\n");
	/* Stored unshifted: owned on disk by the ids the desktop uses. */
	assert_owner_mode(layer, "home/alice", 1000, 1000, 0700);
	assert_owner_mode(layer, "home/bob", 1001, 1001, 0700);
	assert_owner_mode(layer, "home", 0, 0, 0755);
	assert_owner_mode(layer, "etc/passwd", 0, 0, 0644);
	g_autofree char *shadow = g_build_filename(upper, "etc", "shadow", NULL);
	g_assert_false(g_file_test(shadow, G_FILE_TEST_EXISTS));

	/* Files: content, mode and owners by name; a removal is a whiteout. */
	g_autofree char *notes = upper_text(layer, "home/alice/notes.txt");
	g_assert_cmpstr(notes, ==, "hi\n");
	assert_owner_mode(layer, "home/alice/notes.txt", 1000, 1000, 0600);
	assert_owner_mode(layer, "usr/local/bin/tool", 0, 0, 04755);
	assert_owner_mode(layer, "etc/zion-owned", 1001, 1002, 0644);
	g_autofree char *motd = g_build_filename(upper, "etc", "motd", NULL);
	struct stat st;
	g_assert_cmpint(lstat(motd, &st), ==, 0);
	g_assert_true(S_ISCHR(st.st_mode));
	g_assert_cmpint(st.st_rdev, ==, makedev(0, 0));
	g_assert_cmpint(st.st_uid, ==, 0);
	g_assert_cmpint(st.st_gid, ==, 0);

	g_autofree char *profile = upper_text(layer, "etc/profile.d/zion-persona.sh");
	g_assert_cmpstr(profile, ==,
			"# The environment of persona work, made by Zion.\n"
			"export GREETING='hello '\\''world'\\'''\n"
			"export TZ='Europe/Berlin'\n");
	g_autofree char *environment = upper_text(layer, "etc/environment");
	g_assert_cmpstr(environment, ==, "GREETING=\"hello 'world'\"\nTZ=\"Europe/Berlin\"\n");

	/* busybox's crond reads /etc/crontabs/root; cron fields as systemd meant them. */
	g_autofree char *crontab = upper_text(layer, "etc/crontabs/root");
	g_assert_cmpstr(crontab, ==,
			"# tick\n*/15 * * * * echo tick >> /tmp/ticks\n"
			"# evening\n30 18 * * 1,2,3,4,5 echo 100% done\n"
			"# monthly\n30 3 1 * * date\n"
			"# quarter\n0-59/15 * * * * date\n"
			"# meals\n0 8,12,18 * * 6,0 date\n"
			"# nightly\n0 0 * * * date\n"
			"# six-hours\n0 */6 * * * date\n");
	assert_owner_mode(layer, "etc/crontabs/root", 0, 0, 0600);

	g_autofree char *rules = upper_text(layer, "etc/zion/firewall.nft");
	g_assert_nonnull(strstr(rules,
				"table inet zion {\n\tchain input {\n"
				"\t\ttype filter hook input priority filter; policy drop;\n"));
	g_assert_nonnull(strstr(rules, "\t\ttcp dport 6000-6010 accept\n\t}\n"));
	g_assert_nonnull(
		strstr(rules, "\t\ttype filter hook output priority filter; policy drop;\n"));
	g_assert_nonnull(strstr(rules, "\t\tip daddr 10.0.0.53 udp dport 53 accept\n"));
	g_assert_nonnull(
		strstr(rules, "\t\tip6 daddr fd00::/64 meta l4proto { icmp, ipv6-icmp } drop\n"));
	g_autofree char *nft = g_find_program_in_path("nft");
	if (!nft && g_file_test("/usr/sbin/nft", G_FILE_TEST_IS_EXECUTABLE))
		nft = g_strdup("/usr/sbin/nft");
	if (nft) {
		g_autofree char *rules_path =
			g_build_filename(upper, "etc", "zion", "firewall.nft", NULL);
		const char *argv[] = { nft, "-c", "-f", rules_path, NULL };
		gint status;
		g_autofree char *err = NULL;
		g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
					   NULL, &err, &status, NULL));
		g_assert_cmpstr(err, ==, "");
		g_assert_true(g_spawn_check_wait_status(status, NULL));
	}

	g_autofree char *hostname = upper_text(layer, "etc/hostname");
	g_assert_cmpstr(hostname, ==, "work-desk\n");
	g_autofree char *hosts = upper_text(layer, "etc/hosts");
	g_assert_nonnull(strstr(hosts, "127.0.1.1\twork-desk\n"));
	g_autofree char *resolv = upper_text(layer, "etc/resolv.conf");
	g_assert_nonnull(strstr(resolv, "\nnameserver 10.0.0.53\nnameserver 2606:4700::1111\n"));
	g_autofree char *mode = upper_text(layer, "etc/zion/network");
	g_assert_cmpstr(mode, ==, "nat\n");
	g_autofree char *appearance = upper_text(layer, "etc/zion/appearance.ini");
	g_assert_nonnull(strstr(appearance, "[appearance]\ncolor=#e01b24\n"));
	g_assert_nonnull(strstr(appearance, "font-size=11\n"));

	g_autofree char *log_path = g_build_filename(layer, "build.log", NULL);
	g_autofree char *log = NULL;
	g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
	g_assert_nonnull(strstr(log, "step 2/10: packages\n  no packages\n"));
	g_assert_nonnull(strstr(log, "  uid 1000 was user's in tiny; alice takes it\n"));
	g_assert_nonnull(strstr(log, "\nbuilt in "));

	/* Cached: the same directory at once, nothing rebuilt. */
	GStatBuf before;
	g_assert_cmpint(g_stat(log_path, &before), ==, 0);
	gboolean again_built = TRUE;
	g_autofree char *again = NULL;
	g_assert_true(zion_layer_ensure(state, base, persona, hash, NULL, NULL, &again_built,
					&again, &error));
	g_assert_false(again_built);
	g_assert_cmpstr(again, ==, layer);
	GStatBuf after;
	g_assert_cmpint(g_stat(log_path, &after), ==, 0);
	g_assert_cmpint(after.st_mtim.tv_nsec, ==, before.st_mtim.tv_nsec);
	g_autofree char *host_after = checksum_of("/bin/busybox");
	g_assert_cmpstr(host_after, ==, host_busybox);
}

/* Nothing under layers/ but failed logs: no layer and no staging directory. */
static void assert_nothing_left(void)
{
	g_autofree char *layers = g_build_filename(state, "layers", NULL);
	g_autoptr(GDir) dir = g_dir_open(layers, 0, NULL);
	const char *entry;
	while (dir && (entry = g_dir_read_name(dir))) {
		g_autofree char *path = g_build_filename(layers, entry, NULL);
		if (g_str_has_suffix(entry, ".failed.log") &&
		    g_file_test(path, G_FILE_TEST_IS_REGULAR))
			continue;
		g_autofree char *upper = g_build_filename(path, "upper", NULL);
		/* Layers of earlier tests are fine; nothing half made. */
		g_assert_false(g_str_has_prefix(entry, ".tmp-"));
		g_assert_true(g_file_test(upper, G_FILE_TEST_IS_DIR));
	}
}

static void expect_failure(const char *yaml, const char *base_name, const char *const *needles)
{
	g_autoptr(ZionImage) base = image_named(base_name);
	g_autoptr(ZionPersona) persona = load(yaml);
	g_autofree char *hash = zion_persona_hash(persona);
	g_autoptr(GError) error = NULL;
	gboolean built = TRUE;
	g_autofree char *layer = NULL;
	g_assert_false(
		zion_layer_ensure(state, base, persona, hash, NULL, NULL, &built, &layer, &error));
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	for (guint i = 0; needles[i]; i++)
		g_assert_nonnull(strstr(error->message, needles[i]));
	g_assert_false(built);
	g_assert_null(layer);
	g_autofree char *id = g_strdup_printf("%s-%s", base->id, hash);
	g_autofree char *dir = g_build_filename(state, "layers", id, NULL);
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
	g_autofree char *failed_name = g_strdup_printf("%s.failed.log", id);
	g_autofree char *failed = g_build_filename(state, "layers", failed_name, NULL);
	g_autofree char *log = NULL;
	g_assert_true(g_file_get_contents(failed, &log, NULL, NULL));
	g_assert_nonnull(strstr(log, "failed: "));
	assert_nothing_left();
}

static void test_failures(void)
{
	if (skip_unless_root())
		return;
	expect_failure("schema: zion/v1\nname: ghostly\nbase: tiny\n"
		       "files:\n  - path: /etc/ok\n    content: fine\n"
		       "  - path: /etc/ghostfile\n    owner: ghost\n    content: boo\n",
		       "tiny",
		       (const char *const[]){ "persona ghostly", "files[1].owner", "/etc/ghostfile",
					      "no user called 'ghost'", NULL });
	expect_failure("schema: zion/v1\nname: apps\nbase: tiny\n"
		       "packages:\n  install: [vim]\n",
		       "tiny",
		       (const char *const[]){ "persona apps", "packages.install", "base tiny",
					      "busybox", "no package manager", NULL });
	expect_failure("schema: zion/v1\nname: sat\nbase: tiny\n"
		       "schedule:\n  - name: first-saturday\n    calendar: Sat *-*-1/7 10:00\n"
		       "    command: date\n",
		       "tiny",
		       (const char *const[]){ "schedule[0] (first-saturday)",
					      "calendar Sat *-*-1/7 10:00",
					      "both a weekday and a day of the month", NULL });
	expect_failure("schema: zion/v1\nname: odd\nbase: tiny\n"
		       "schedule:\n  - name: ok\n    interval: 1h\n    command: date\n"
		       "  - name: ninety\n    interval: 90m\n    command: date\n",
		       "tiny",
		       (const char *const[]){ "schedule[1] (ninety)", "interval 90m", NULL });
	expect_failure("schema: zion/v1\nname: xmas\nbase: tiny\n"
		       "schedule:\n  - name: xmas\n    calendar: 2025-12-24 18:00\n"
		       "    command: date\n",
		       "tiny", (const char *const[]){ "schedule[0] (xmas)", "no years", NULL });
}

/* A persona path with "..", made past the schema's own check. */
static void test_escape_by_path(void)
{
	if (skip_unless_root())
		return;
	const char *paths[] = { "../../etc/x", "/../../etc/x", "/etc/../../x" };
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autoptr(ZionImage) base = image_named("tiny");
		g_autoptr(ZionPersona) persona = load("schema: zion/v1\nname: sneaky\n");
		ZionPersonaFile *file = zion_persona_file_new();
		file->path = g_strdup(paths[i]);
		file->content = g_strdup("escaped\n");
		g_ptr_array_add(persona->files, file);
		g_autofree char *hash = g_strdup_printf("sneaky%u", i);
		g_autoptr(GError) error = NULL;
		gboolean built;
		g_autofree char *layer = NULL;
		g_assert_false(zion_layer_ensure(state, base, persona, hash, NULL, NULL, &built,
						 &layer, &error));
		g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
		g_assert_nonnull(strstr(error->message, "files[0].path"));
		g_autofree char *outside = g_build_filename(state, "etc", "x", NULL);
		g_assert_false(g_file_test(outside, G_FILE_TEST_EXISTS));
		assert_nothing_left();
	}
}

/*
 * A base whose /etc/passwd is an absolute link to a file on the host, and whose /etc/profile.d is
 * an absolute link to a host directory: read and written inside the base, as the desktop sees them.
 */
static void test_escape_by_base_links(void)
{
	if (skip_unless_root())
		return;
	g_autoptr(ZionImage) base = image_named("evil");
	const char *host = zt_temp_dir();
	g_autofree char *decoy = zt_write_file(host, "passwd", "decoy:x:4242:4242::/:/bin/sh\n");
	g_autofree char *host_dir = g_build_filename(host, "profile.d", NULL);
	g_assert_cmpint(g_mkdir(host_dir, 0755), ==, 0);
	g_autofree char *passwd = g_build_filename(base->rootfs, "etc", "passwd", NULL);
	g_autofree char *profile_d = g_build_filename(base->rootfs, "etc", "profile.d", NULL);
	/* The same absolute paths inside the image hold the image's own files. */
	g_autofree char *inside_passwd = g_build_filename(base->rootfs, decoy, NULL);
	g_autofree char *inside_dir = g_path_get_dirname(inside_passwd);
	g_assert_cmpint(g_mkdir_with_parents(inside_dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(inside_passwd,
					  "root:x:0:0:root:/root:/bin/sh\n"
					  "user:x:1000:1000:user:/home/user:/bin/sh\n",
					  -1, NULL));
	if (!g_file_test(profile_d, G_FILE_TEST_IS_SYMLINK)) {
		g_assert_cmpint(g_unlink(passwd), ==, 0);
		g_assert_cmpint(symlink(decoy, passwd), ==, 0);
		g_assert_cmpint(symlink(host_dir, profile_d), ==, 0);
	}
	g_autoptr(ZionPersona) persona = load("schema: zion/v1\nname: linked\nbase: evil\n"
					      "users:\n  - name: carol\n"
					      "env:\n  A: b\n");
	g_autofree char *hash = zion_persona_hash(persona);
	g_autoptr(GError) error = NULL;
	gboolean built;
	g_autofree char *layer = NULL;
	g_assert_true(
		zion_layer_ensure(state, base, persona, hash, NULL, NULL, &built, &layer, &error));
	g_assert_no_error(error);

	/* The host's files are untouched and were not read. */
	g_autofree char *decoy_text = NULL;
	g_assert_true(g_file_get_contents(decoy, &decoy_text, NULL, NULL));
	g_assert_cmpstr(decoy_text, ==, "decoy:x:4242:4242::/:/bin/sh\n");
	g_autoptr(GDir) dir = g_dir_open(host_dir, 0, NULL);
	g_assert_null(g_dir_read_name(dir));
	g_autofree char *layer_passwd = upper_text(layer, "etc/passwd");
	g_assert_cmpstr(layer_passwd, ==,
			"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n"
			"carol:x:1001:1001::/home/carol:/bin/sh\n");
	/* The layer's passwd replaces the link; the profile goes where the link leads inside. */
	g_autofree char *upper_passwd = g_build_filename(layer, "upper", "etc", "passwd", NULL);
	g_assert_false(g_file_test(upper_passwd, G_FILE_TEST_IS_SYMLINK));
	g_autofree char *profile_inside =
		g_build_filename(layer, "upper", host_dir, "zion-persona.sh", NULL);
	g_assert_true(g_file_test(profile_inside, G_FILE_TEST_IS_REGULAR));
	g_autofree char *upper_profile_d =
		g_build_filename(layer, "upper", "etc", "profile.d", NULL);
	g_assert_false(g_file_test(upper_profile_d, G_FILE_TEST_EXISTS));
}

/* A stand-in for apt-get inside a test base: records its calls, "installs" by writing a file,
 * "purges" by removing one of the base's. */
static const char fake_apt[] =
	"#!/bin/sh\n"
	"echo \"apt-get $*\" >> /var/log/apt-calls\n"
	"case \" $* \" in\n"
	"*\" update \"*) mkdir -p /var/lib/apt/lists; echo x > /var/lib/apt/lists/fetched ;;\n"
	"*\" install \"*) for p; do case $p in -*|install) ;; *) echo $p > /usr/share/installed-$p "
	";;"
	" esac; done ;;\n"
	"*\" purge \"*) for p; do case $p in -*|purge) ;; *) rm /etc/$p.conf ;; esac; done ;;\n"
	"esac\n";

/* The agent's own build container, counting its runs. */
static gboolean counting_runner(const char *root, const char *const *argv, int log_fd,
				gpointer data, GError **error)
{
	guint *calls = data;
	(*calls)++;
	return zion_build_root_run(root, argv, log_fd, NULL, error);
}

static void test_packages(void)
{
	if (skip_unless_root())
		return;
	g_autoptr(ZionImage) base = image_named("aptish");
	g_autofree char *apt = g_build_filename(base->rootfs, "usr", "bin", "apt-get", NULL);
	g_assert_true(
		g_file_set_contents_full(apt, fake_apt, -1, G_FILE_SET_CONTENTS_NONE, 0755, NULL));
	g_autofree char *share = g_build_filename(base->rootfs, "usr", "share", NULL);
	g_assert_cmpint(g_mkdir_with_parents(share, 0755), ==, 0);
	g_autofree char *conf = g_build_filename(base->rootfs, "etc", "old.conf", NULL);
	g_assert_true(g_file_set_contents(conf, "old\n", -1, NULL));
	g_autoptr(ZionPersona) persona = load("schema: zion/v1\nname: apps\nbase: aptish\n"
					      "packages:\n  install: [vim, git]\n"
					      "  remove: [old]\n");
	g_autofree char *hash = zion_persona_hash(persona);

	/* Without a runner, a clear error and nothing left. */
	g_autoptr(GError) error = NULL;
	gboolean built;
	g_autofree char *none = NULL;
	g_assert_false(
		zion_layer_ensure(state, base, persona, hash, NULL, NULL, &built, &none, &error));
	g_assert_nonnull(strstr(error->message, "packages.install: no build container"));
	g_clear_error(&error);
	assert_nothing_left();

	guint calls = 0;
	ZionLayerOptions options = { .run_in_build_root = counting_runner, .run_data = &calls };
	g_autofree char *layer = NULL;
	g_assert_true(zion_layer_ensure_full(state, base, persona, hash, &options, &built, &layer,
					     &error));
	g_assert_no_error(error);
	g_assert_cmpuint(calls, ==, 4);
	g_autofree char *log = upper_text(layer, "var/log/apt-calls");
	g_assert_cmpstr(log, ==,
			"apt-get -q -y update\n"
			"apt-get -q -y install --no-install-recommends vim git\n"
			"apt-get -q -y purge old\n"
			"apt-get -q -y clean\n");
	g_autofree char *vim = upper_text(layer, "usr/share/installed-vim");
	g_assert_cmpstr(vim, ==, "vim\n");
	assert_owner_mode(layer, "usr/share/installed-git", 0, 0, 0644);
	g_autofree char *removed = g_build_filename(layer, "upper", "etc", "old.conf", NULL);
	struct stat st;
	g_assert_cmpint(lstat(removed, &st), ==, 0);
	g_assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	/* The build root is gone: no mount, no work directory. */
	g_autofree char *work = g_build_filename(layer, "work", NULL);
	g_autofree char *merged = g_build_filename(layer, "merged", NULL);
	g_assert_false(g_file_test(work, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(merged, G_FILE_TEST_EXISTS));
	g_autofree char *mounts = NULL;
	g_assert_true(g_file_get_contents("/proc/self/mountinfo", &mounts, NULL, NULL));
	g_assert_null(strstr(mounts, state));
	/* The apt lists update fetched are not part of the layer; the base is as it was. */
	g_autofree char *lists =
		g_build_filename(layer, "upper", "var", "lib", "apt", "lists", NULL);
	g_assert_false(g_file_test(lists, G_FILE_TEST_EXISTS));
	g_autofree char *base_conf = NULL;
	g_assert_true(g_file_get_contents(conf, &base_conf, NULL, NULL));
	g_assert_cmpstr(base_conf, ==, "old\n");
}

/* Where the base runs systemd, tasks are a service and a timer, enabled by a relative link. */
static void test_systemd_schedule(void)
{
	if (skip_unless_root())
		return;
	g_autoptr(ZionImage) base = image_named("sysd");
	g_autofree char *systemd_dir = g_build_filename(base->rootfs, "lib", "systemd", NULL);
	g_assert_cmpint(g_mkdir_with_parents(systemd_dir, 0755), ==, 0);
	g_autofree char *systemd = zt_write_file(systemd_dir, "systemd", "");
	g_assert_true(g_file_test(systemd, G_FILE_TEST_IS_REGULAR));
	g_autoptr(ZionPersona) persona =
		load("schema: zion/v1\nname: timed\nbase: sysd\n"
		     "schedule:\n"
		     "  - name: backup\n"
		     "    calendar: Sat *-*-1/7 10:00\n"
		     "    command: tar -czf \"/tmp/$HOME.tgz\" 50%\n"
		     "  - name: tick\n    interval: 90m\n    command: date\n");
	g_autofree char *hash = zion_persona_hash(persona);
	g_autoptr(GError) error = NULL;
	gboolean built;
	g_autofree char *layer = NULL;
	g_assert_true(
		zion_layer_ensure(state, base, persona, hash, NULL, NULL, &built, &layer, &error));
	g_assert_no_error(error);
	g_autofree char *service = upper_text(layer, "etc/systemd/system/zion-backup.service");
	g_assert_cmpstr(service, ==,
			"[Unit]\nDescription=Zion schedule backup of persona timed\n\n"
			"[Service]\nType=oneshot\n"
			"ExecStart=/bin/sh -c \"tar -czf \\\"/tmp/$$HOME.tgz\\\" 50%%\"\n");
	g_autofree char *timer = upper_text(layer, "etc/systemd/system/zion-backup.timer");
	g_assert_cmpstr(timer, ==,
			"[Unit]\nDescription=Zion schedule backup of persona timed\n\n"
			"[Timer]\nOnCalendar=Sat *-*-1/7 10:00\nPersistent=true\n\n"
			"[Install]\nWantedBy=timers.target\n");
	g_autofree char *tick = upper_text(layer, "etc/systemd/system/zion-tick.timer");
	g_assert_nonnull(strstr(tick, "[Timer]\nOnBootSec=5400s\nOnUnitActiveSec=5400s\n"));
	g_autofree char *wants = g_build_filename(
		layer, "upper", "etc/systemd/system/timers.target.wants/zion-tick.timer", NULL);
	g_autofree char *target = g_file_read_link(wants, NULL);
	g_assert_cmpstr(target, ==, "../zion-tick.timer");
}

/* The host's own root as the base: its accounts are the starting point, its files untouched. */
static void test_host_base(void)
{
	if (skip_unless_root())
		return;
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionImage) host = NULL;
	g_assert_true(zion_image_lookup(state, "host", &host, &error));
	g_autofree char *host_passwd = NULL;
	g_assert_true(g_file_get_contents("/etc/passwd", &host_passwd, NULL, NULL));
	g_autofree char *host_sum = checksum_of("/etc/passwd");
	g_autoptr(ZionPersona) persona = load("schema: zion/v1\nname: onhost\n"
					      "users:\n  - name: zion-test-user\n    uid: 59999\n"
					      "env:\n  A: b\n");
	g_autofree char *hash = zion_persona_hash(persona);
	gboolean built;
	g_autofree char *layer = NULL;
	g_assert_true(
		zion_layer_ensure(state, host, persona, hash, NULL, NULL, &built, &layer, &error));
	g_assert_no_error(error);
	g_autofree char *passwd = upper_text(layer, "etc/passwd");
	g_assert_true(g_str_has_prefix(passwd, host_passwd));
	g_assert_nonnull(strstr(passwd, "\nzion-test-user:x:59999:"));
	g_autofree char *after = checksum_of("/etc/passwd");
	g_assert_cmpstr(after, ==, host_sum);
	struct stat host_shadow;
	if (stat("/etc/shadow", &host_shadow) == 0) {
		assert_owner_mode(layer, "etc/shadow", host_shadow.st_uid, host_shadow.st_gid,
				  host_shadow.st_mode & 07777);
		/* Root inside reads the layer's shadow: every host account is locked there. */
		g_autofree char *shadow = upper_text(layer, "etc/shadow");
		g_auto(GStrv) lines = g_strsplit(shadow, "\n", -1);
		for (guint i = 0; lines[i] && *lines[i]; i++) {
			g_auto(GStrv) fields = g_strsplit(lines[i], ":", 3);
			g_assert_true(g_strv_contains((const char *const[]){ "!", "*", NULL },
						      fields[1]));
		}
		g_assert_true(g_str_has_prefix(shadow, "root:!:"));
	}
	/* The host's users' files and root's home show empty, and SSH host keys are gone. */
	g_autofree char *root_dir = g_build_filename(layer, "upper", "root", NULL);
	g_autofree char *opaque = g_malloc0(2);
	g_assert_cmpint(lgetxattr(root_dir, "trusted.overlay.opaque", opaque, 1), ==, 1);
	g_assert_cmpstr(opaque, ==, "y");
	g_autoptr(GDir) root_home = g_dir_open(root_dir, 0, NULL);
	g_assert_null(g_dir_read_name(root_home));
	if (g_file_test("/etc/ssh/ssh_host_ed25519_key", G_FILE_TEST_EXISTS)) {
		g_autofree char *key =
			g_build_filename(layer, "upper", "etc/ssh/ssh_host_ed25519_key", NULL);
		struct stat st;
		g_assert_cmpint(lstat(key, &st), ==, 0);
		g_assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	}
}

/* A Debian image from mmdebstrap, and real apt installing cron and sudo into a layer that then
 * schedules through cron.d and grants sudo. Downloads about 110 MB: only with ZION_TEST_DEBIAN=1.
 */
static void test_debian(void)
{
	if (g_strcmp0(g_getenv("ZION_TEST_DEBIAN"), "1") != 0) {
		g_test_skip(
			"set ZION_TEST_DEBIAN=1 to build a Debian image and run apt (downloads)");
		return;
	}
	if (skip_unless_root())
		return;
	g_autoptr(GError) error = NULL;
	g_autoptr(ZionImage) base = zion_image_build_debian(state, "deb", NULL, NULL, NULL, &error);
	g_assert_no_error(error);
	g_autoptr(ZionPersona) persona = load("schema: zion/v1\nname: deskdeb\nbase: deb\n"
					      "users:\n  - name: dana\n    sudo: true\n"
					      "    shell: /bin/bash\n"
					      "packages:\n  install: [cron, sudo]\n"
					      "schedule:\n  - name: nightly\n"
					      "    calendar: \"*-*-* 02:00\"\n"
					      "    command: echo 50% > /tmp/x\n");
	g_autofree char *hash = zion_persona_hash(persona);
	guint calls = 0;
	ZionLayerOptions options = { .run_in_build_root = counting_runner, .run_data = &calls };
	gboolean built;
	g_autofree char *layer = NULL;
	gint64 start = g_get_monotonic_time();
	g_assert_true(zion_layer_ensure_full(state, base, persona, hash, &options, &built, &layer,
					     &error));
	g_assert_no_error(error);
	g_test_message("debian layer with apt built in %.1f s",
		       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	g_autofree char *cron = g_build_filename(layer, "upper", "usr", "sbin", "cron", NULL);
	g_assert_true(g_file_test(cron, G_FILE_TEST_IS_EXECUTABLE));
	g_autofree char *cron_d = upper_text(layer, "etc/cron.d/zion");
	g_assert_nonnull(strstr(cron_d, "\n# nightly\n0 2 * * * root echo 50\\% > /tmp/x\n"));
	g_autofree char *passwd = upper_text(layer, "etc/passwd");
	g_assert_nonnull(strstr(passwd, "\ndana:x:1000:1000::/home/dana:/bin/bash\n"));
	g_autofree char *group = upper_text(layer, "etc/group");
	g_assert_nonnull(strstr(group, "\nsudo:x:27:dana\n"));
	g_autofree char *shadow = upper_text(layer, "etc/shadow");
	g_assert_nonnull(strstr(shadow, "\ndana:*:"));
	assert_owner_mode(layer, "etc/shadow", 0, 42, 0640);
	g_autofree char *gshadow = upper_text(layer, "etc/gshadow");
	g_assert_nonnull(strstr(gshadow, "\ndana:!::\n"));
	g_autofree char *sudoers = upper_text(layer, "etc/sudoers.d/zion-dana");
	g_assert_nonnull(strstr(sudoers, "\ndana ALL=(ALL:ALL) NOPASSWD: ALL\n"));
	assert_owner_mode(layer, "etc/sudoers.d/zion-dana", 0, 0, 0440);
	assert_owner_mode(layer, "home/dana", 1000, 1000, 0700);
	g_autofree char *lists =
		g_build_filename(layer, "upper", "var", "lib", "apt", "lists", NULL);
	g_assert_false(g_file_test(lists, G_FILE_TEST_EXISTS));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	state = zt_temp_dir();
	g_test_add_func("/layer-build/contents", test_layer_contents);
	g_test_add_func("/layer-build/failures", test_failures);
	g_test_add_func("/layer-build/escape-by-path", test_escape_by_path);
	g_test_add_func("/layer-build/escape-by-base-links", test_escape_by_base_links);
	g_test_add_func("/layer-build/packages", test_packages);
	g_test_add_func("/layer-build/systemd-schedule", test_systemd_schedule);
	g_test_add_func("/layer-build/host-base", test_host_base);
	g_test_add_func("/layer-build/debian", test_debian);
	return g_test_run();
}
