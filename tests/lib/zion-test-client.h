/*
 * A Wayland test client: connects to a socket, lists the globals it is offered, and opens
 * solid-colour windows, so that e2e tests can check what reaches the screen.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct zt_client ZtClient;
typedef struct zt_window ZtWindow;

/* Connects to socket (a path, or a name in $XDG_RUNTIME_DIR). */
ZtClient *zt_client_connect(const char *socket);
void zt_client_free(ZtClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ZtClient, zt_client_free)

/* Whether the compositor offers this client a global of interface name. */
gboolean zt_client_has_global(ZtClient *client, const char *interface);

/* Opens a width×height window filled with argb (0xAARRGGBB) and waits until it is shown. */
ZtWindow *zt_window_open(ZtClient *client, int width, int height, uint32_t argb);
/* Opens a width×height popup of the window filled with argb, its top left corner at x, y of the
 * window (negative: over the frame); it may slide to stay on screen, as menus do. Waits until it
 * is shown; zt_window_destroy closes it. */
void zt_window_open_popup(ZtWindow *window, int x, int y, int width, int height, uint32_t argb);
/* Whether the compositor asked the window to close. */
gboolean zt_window_close_requested(ZtWindow *window);
/* Whether the window has keyboard focus (xdg_toplevel activated). */
gboolean zt_window_activated(ZtWindow *window);
void zt_window_destroy(ZtWindow *window);

/* Sends that many damage requests as fast as the socket takes them, then a commit. */
void zt_window_flood(ZtWindow *window, int requests);

/* Processes events until the compositor has answered everything sent so far. */
void zt_client_roundtrip(ZtClient *client);

/* Asks the compositor to maximise the window and waits for its answer. */
void zt_window_maximize(ZtWindow *window);
/* The size the compositor last configured the window with (0: the client's choice). */
void zt_window_configured_size(ZtWindow *window, int *width, int *height);
/* From now on the window redraws itself at every size the compositor configures, as real
 * clients do (by default it keeps the size it opened with). */
void zt_window_follow_configure(ZtWindow *window);
/* Asks the compositor to move or resize the window with the pointer (xdg_toplevel move and
 * resize, edges an xdg_toplevel resize_edge), as client-drawn title bars do, naming the last
 * button press the client saw (0 if none). */
void zt_window_request_move(ZtWindow *window);
void zt_window_request_resize(ZtWindow *window, uint32_t edges);
/* Whether the window has its client's pointer, and where in it the pointer last was (surface
 * coordinates, outside the window while a button pressed in it is held). */
gboolean zt_window_pointer_position(ZtWindow *window, double *x, double *y);
/* How many button presses and releases the client has received. */
void zt_client_pointer_buttons(ZtClient *client, int *presses, int *releases);
/* Sets the window's title and commits it. */
void zt_window_set_title(ZtWindow *window, const char *title);
/* Sets the window's minimum size (xdg_toplevel.set_min_size) and commits it. */
void zt_window_set_min_size(ZtWindow *window, int width, int height);

/* For protocol extensions in other files of the test library (zion-test-idle.h...). */
struct wl_display *zt_client_display(ZtClient *client);
struct wl_surface *zt_window_surface(ZtWindow *window);
/* The client's wl_seat, and the serial of the last keyboard enter (0: none yet; the seat has a
 * keyboard once one was plugged in, e.g. by zt_compositor_type). */
struct wl_seat *zt_client_seat(ZtClient *client);
uint32_t zt_client_keyboard_serial(ZtClient *client);
/* A width×height wl_shm buffer filled with argb. */
struct wl_buffer *zt_client_solid_buffer(ZtClient *client, int width, int height, uint32_t argb);

/* Key presses and releases the client received, on any of its surfaces. */
guint zt_client_keys_pressed(ZtClient *client);
guint zt_client_keys_released(ZtClient *client);
/* Whether the client thinks key (an evdev code, KEY_A...) is held: pressed, and neither released
 * nor its focus lost since. */
gboolean zt_client_key_held(ZtClient *client, uint32_t key);

/* The serial of the last button press the client received (0: none yet), as a client passes it
 * to start a drag or a move. */
uint32_t zt_client_button_serial(ZtClient *client);

/* Reads fd to its end while every client of this process answers what it is asked (one may be
 * writing the other end); fails the test after 10 seconds. */
GBytes *zt_clients_read_to_end(int fd);

/* Opens an (unmapped) popup of window that grabs the seat with serial, as a menu does; wlroots
 * does not check the serial, so a misbehaving client can pass any. */
void zt_window_grab_popup(ZtWindow *window, uint32_t serial);

/* Opens a popup whose parent toplevel never committed, and does not wait for an answer. */
void zt_client_orphan_popup(ZtClient *client);
