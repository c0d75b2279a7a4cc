/*
 * A desktop the agent hibernated stays on screen as it was, dimmed, with a mark saying so: a
 * translucent rectangle over its windows and a label in the middle of each output, both inside
 * the desktop's own subtree, so they show and hide with it.
 */
#pragma once

struct zc_desktop;

/* Dims desktop under mark (e.g. "hibernated"), or changes the mark of a dimmed desktop. */
void zc_desktop_dim(struct zc_desktop *desktop, const char *mark);
void zc_desktop_undim(struct zc_desktop *desktop);
