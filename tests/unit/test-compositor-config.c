/*
 * The compositor's configuration: defaults, every key read, bindings replacing defaults however
 * they are spelled, and bad input refused with the file, line, group and key it is in.
 */
#include <wlr/types/wlr_keyboard.h>

#include "config.h"
#include "zion-error.h"
#include "zion-test.h"

static struct zc_config *load_text(const char *text, GError **error)
{
	g_autofree char *path = zt_write_file(zt_temp_dir(), "compositor.conf", text);
	return zc_config_load(path, error);
}

/* The binding for modifiers+keysym, or NULL. */
static const struct zc_binding *find_binding(const struct zc_config *config, uint32_t modifiers,
					     xkb_keysym_t keysym)
{
	for (guint i = 0; i < config->bindings->len; i++) {
		const struct zc_binding *b = &g_array_index(config->bindings, struct zc_binding, i);
		if (b->modifiers == modifiers && b->keysym == keysym)
			return b;
	}
	return NULL;
}

static void test_defaults(void)
{
	g_autofree char *missing = g_build_filename(zt_temp_dir(), "none.conf", NULL);
	g_autoptr(GError) error = NULL;
	struct zc_config *config = zc_config_load(missing, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(config->terminal, ==, "foot");
	g_assert_null(config->xkb_layout);
	g_assert_cmpuint(config->overlay_ms, ==, 600);
	g_assert_cmpuint(config->desktops->len, ==, 1);
	const struct zc_desktop_config *main = g_ptr_array_index(config->desktops, 0);
	g_assert_cmpstr(main->name, ==, "main");
	g_assert_cmpfloat_with_epsilon(main->color[2], 0xe4 / 255.0, 1e-6);
	const struct zc_binding *super_3 = find_binding(config, WLR_MODIFIER_LOGO, XKB_KEY_3);
	g_assert_nonnull(super_3);
	g_assert_cmpint(super_3->action, ==, ZC_ACTION_DESKTOP);
	g_assert_cmpint(super_3->argument, ==, 3);
	const struct zc_binding *previous =
		find_binding(config, WLR_MODIFIER_LOGO | WLR_MODIFIER_SHIFT, XKB_KEY_Tab);
	g_assert_nonnull(previous);
	g_assert_cmpint(previous->action, ==, ZC_ACTION_PREVIOUS_WINDOW);
	zc_config_free(config);
}

static void test_full_file(void)
{
	g_autoptr(GError) error = NULL;
	struct zc_config *config = load_text("[compositor]\n"
					     "terminal = foot --server\n"
					     "xkb-layout=de\n"
					     "xkb-options=caps:escape\n"
					     "overlay-ms=0\n"
					     "[desktop work]\n"
					     "color=#000000\n"
					     "[desktop play-2]\n"
					     "color=#FF8000\n"
					     "xwayland=true\n"
					     "[bindings]\n"
					     "super+q=exit\n"
					     "Ctrl+Alt+Return=terminal\n",
					     &error);
	g_assert_no_error(error);
	g_assert_cmpstr(config->terminal, ==, "foot --server");
	g_assert_cmpstr(config->xkb_layout, ==, "de");
	g_assert_cmpstr(config->xkb_options, ==, "caps:escape");
	g_assert_cmpuint(config->overlay_ms, ==, 0);
	g_assert_cmpuint(config->desktops->len, ==, 2);
	const struct zc_desktop_config *play = g_ptr_array_index(config->desktops, 1);
	g_assert_cmpstr(play->name, ==, "play-2");
	g_assert_cmpfloat_with_epsilon(play->color[0], 1.0, 1e-6);
	g_assert_cmpfloat_with_epsilon(play->color[1], 0x80 / 255.0, 1e-6);
	g_assert_cmpfloat_with_epsilon(play->color[2], 0.0, 1e-6);
	g_assert_true(play->xwayland);
	const struct zc_desktop_config *work = g_ptr_array_index(config->desktops, 0);
	g_assert_false(work->xwayland);

	/* "super+q" replaced the default Super+Q instead of adding a second binding. */
	const struct zc_binding *super_q = find_binding(config, WLR_MODIFIER_LOGO, XKB_KEY_q);
	g_assert_cmpint(super_q->action, ==, ZC_ACTION_EXIT);
	guint count = 0;
	for (guint i = 0; i < config->bindings->len; i++) {
		const struct zc_binding *b = &g_array_index(config->bindings, struct zc_binding, i);
		count += b->modifiers == WLR_MODIFIER_LOGO && b->keysym == XKB_KEY_q;
	}
	g_assert_cmpuint(count, ==, 1);
	const struct zc_binding *terminal =
		find_binding(config, WLR_MODIFIER_CTRL | WLR_MODIFIER_ALT, XKB_KEY_Return);
	g_assert_cmpint(terminal->action, ==, ZC_ACTION_TERMINAL);
	zc_config_free(config);
}

static const struct {
	const char *text;
	const char *message; /* after "PATH:" */
} bad_files[] = {
	{ "[compositer]\nterminal=foot\n", "1: [compositer]: unknown group (compositor, desktop "
					   "NAME, bindings)" },
	{ "[compositor]\nterminal=foot\noverlay-ms=lots\n",
	  "3: [compositor] overlay-ms: expected milliseconds from 0 to 60000, got \"lots\"" },
	{ "[compositor]\nterminall=foot\n",
	  "2: [compositor] terminall: unknown key; did you mean terminal?" },
	{ "[desktop work]\ncolour=#ffffff\n",
	  "2: [desktop work] colour: unknown key; did you mean color?" },
	{ "\n[desktop work]\ncolor = blue\n",
	  "3: [desktop work] color: expected a colour like #3584e4, got \"blue\"" },
	{ "[desktop work]\nxwayland=yes\n",
	  "2: [desktop work] xwayland: expected true or false, got \"yes\"" },
	{ "[desktop Work]\n",
	  "1: [desktop Work]: a desktop name is lowercase letters, digits and inner '-'" },
	{ "[bindings]\nSuper+1=desktop 1\nHyper+1=close\n",
	  "3: [bindings] Hyper+1: unknown modifier 'Hyper' (Super, Shift, Ctrl or Alt)" },
	{ "[bindings]\nSuper+Foo=close\n", "2: [bindings] Super+Foo: unknown key 'Foo'" },
	{ "[bindings]\nSuper+0=desktop 10\n",
	  "2: [bindings] Super+0: 'desktop' needs a desktop number from 1 to 9" },
	{ "[bindings]\nSuper+J=jump\n",
	  "2: [bindings] Super+J: unknown action 'jump' (desktop N, next-window, previous-window, "
	  "close, terminal, clipboard-copy, clipboard-paste, exit)" },
};

static void test_bad_files(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(bad_files); i++) {
		g_autofree char *path =
			zt_write_file(zt_temp_dir(), "compositor.conf", bad_files[i].text);
		g_autoptr(GError) error = NULL;
		g_assert_null(zc_config_load(path, &error));
		g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
		g_autofree char *expected = g_strdup_printf("%s:%s", path, bad_files[i].message);
		g_assert_cmpstr(error->message, ==, expected);
	}
}

static void test_syntax_error(void)
{
	g_autoptr(GError) error = NULL;
	g_assert_null(load_text("[compositor]\nthis is not a key\n", &error));
	g_assert_error(error, ZION_ERROR, ZION_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "compositor.conf: "));
	g_assert_nonnull(strstr(error->message, "this is not a key"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/compositor-config/defaults", test_defaults);
	g_test_add_func("/compositor-config/full-file", test_full_file);
	g_test_add_func("/compositor-config/bad-files", test_bad_files);
	g_test_add_func("/compositor-config/syntax-error", test_syntax_error);
	return g_test_run();
}
