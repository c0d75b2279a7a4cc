/*
 * The compositor's configuration, from a GKeyFile ($XDG_CONFIG_HOME/zion/compositor.conf):
 *
 *   [compositor]     terminal=foot  xkb-layout=us  xkb-options=  overlay-ms=600
 *   [desktop NAME]   color=#3584e4  xwayland=false
 *                    (one group per desktop, in the order of Super+1, Super+2...)
 *   [bindings]       Super+1=desktop 1  Super+Return=terminal  Super+Shift+C=clipboard-copy  ...
 *                    (defaults in config.c)
 */
#pragma once

#include <glib.h>
#include <xkbcommon/xkbcommon.h>

enum zc_action_kind {
	ZC_ACTION_DESKTOP, /* show desktop number argument (1-based) */
	ZC_ACTION_NEXT_WINDOW,
	ZC_ACTION_PREVIOUS_WINDOW,
	ZC_ACTION_CLOSE,
	ZC_ACTION_TERMINAL,
	ZC_ACTION_CLIPBOARD_COPY,  /* the shown desktop's selection to the transfer slot */
	ZC_ACTION_CLIPBOARD_PASTE, /* the transfer slot to the shown desktop, once confirmed */
	ZC_ACTION_HIBERNATE,	   /* the shown desktop, through the agent */
	ZC_ACTION_EXIT,
};

struct zc_binding {
	uint32_t modifiers;  /* WLR_MODIFIER_* */
	xkb_keysym_t keysym; /* lower case */
	enum zc_action_kind action;
	int argument;
};

struct zc_desktop_config {
	char *name;
	float color[4];
	/* The desktop gets its own Xwayland (X11 has no isolation between its clients). */
	gboolean xwayland;
};

struct zc_config {
	char *terminal;
	char *xkb_layout;
	char *xkb_options;
	guint overlay_ms;    /* how long the desktop name shows after a switch; 0: never */
	GPtrArray *desktops; /* of zc_desktop_config */
	GArray *bindings;    /* of zc_binding */
};

/* Reads path; a missing file gives the defaults (one desktop, "main"). */
struct zc_config *zc_config_load(const char *path, GError **error);
void zc_config_free(struct zc_config *config);

/* Parses "#rrggbb" into RGBA floats. */
gboolean zc_parse_color(const char *text, float color[4]);

/* The config's desktop called name, or NULL. */
const struct zc_desktop_config *zc_config_find_desktop(const struct zc_config *config,
						       const char *name);
