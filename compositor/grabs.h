/*
 * Grabs clients may take of the seat: a popup's keyboard and pointer grab, and drag and drop. Both
 * must stay within the shown desktop: a grab only for the client that has the keyboard, a drag only
 * from a window of the shown desktop, and both ended by a desktop switch, so no keystroke and no
 * drop ever crosses desktops.
 */
#pragma once

struct zc_server;
struct zc_grabs;

struct zc_grabs *zc_grabs_create(struct zc_server *server);
void zc_grabs_destroy(struct zc_grabs *grabs);

/* Ends every grab and drag (before the compositor moves the focus itself, e.g. a switch). */
void zc_grabs_end(struct zc_grabs *grabs);
