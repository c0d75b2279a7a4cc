/*
 * The desktop name overlay: after a switch, the new desktop's name in its colour, centred on every
 * output, for a moment (config: [compositor] overlay-ms), so the user always knows where they are.
 */
#pragma once

struct zc_server;
struct zc_desktop;

/* Shows desktop's name, replacing an overlay still on screen. */
void zc_overlay_show(struct zc_server *server, struct zc_desktop *desktop);
