/*
 * wp_security_context_manager_v1 (wayland-protocols 1.32, staging; wlroots 0.15 lacks it): a
 * sandbox engine (Flatpak, later the broker) hands the compositor a listening socket with its
 * engine name, app id and instance id; clients that connect there are sandbox clients (client.h)
 * on the desktop of the client that made the socket. The compositor listens until the engine
 * closes its end of close_fd.
 */
#pragma once

struct zc_server;

struct zc_security_context *zc_security_context_create(struct zc_server *server);
/* Stops listening on every sandbox socket. */
void zc_security_context_destroy(struct zc_security_context *security_context);
