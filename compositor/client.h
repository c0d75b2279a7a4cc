/*
 * Client classes: every client is privileged (the compositor's own WAYLAND_DISPLAY socket, for
 * the session's tools), a desktop client (a desktop's socket) or a sandbox client (a socket made
 * with wp_security_context_manager_v1), told by the socket it came in on. The class decides which
 * globals the client sees and the desktop its windows go to.
 */
#pragma once

#include <glib.h>
#include <wayland-server-core.h>

struct zc_desktop;
struct zc_server;

enum zc_client_class {
	ZC_CLIENT_PRIVILEGED,
	ZC_CLIENT_DESKTOP,
	ZC_CLIENT_SANDBOX,
};

/* What a sandbox engine said about its app (wp_security_context_v1); each may be NULL. */
struct zc_sandbox_metadata {
	char *engine;
	char *app_id;
	char *instance_id;
};

/*
 * Makes the connection fd (accepted on a desktop's or a sandbox's socket) a Wayland client of that
 * class on desktop; a sandbox client keeps a copy of metadata. Returns NULL, with fd closed, when
 * libwayland cannot make the client.
 */
struct wl_client *zc_client_create(struct zc_server *server, int fd, enum zc_client_class class,
				   struct zc_desktop *desktop,
				   const struct zc_sandbox_metadata *metadata);

/* Gives a client the compositor made itself (an Xwayland server's connection) a class and desktop,
 * before it binds any global. */
void zc_client_tag(struct wl_client *client, enum zc_client_class class, struct zc_desktop *desktop,
		   const struct zc_sandbox_metadata *metadata);

enum zc_client_class zc_client_class(struct wl_client *client);

/* The desktop a client belongs to, or NULL for clients of the privileged socket. */
struct zc_desktop *zc_client_desktop(struct wl_client *client);

/* A sandbox client's metadata (for decorations that mark sandboxed windows), or NULL. */
const struct zc_sandbox_metadata *zc_client_sandbox(struct wl_client *client);

/* Hides privileged globals from desktop clients, and more still from sandbox clients. */
void zc_client_install_global_filter(struct zc_server *server);
