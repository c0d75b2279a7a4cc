/*
 * Sandbox sockets for the Wayland test client, made as a sandbox engine makes them: a listening
 * Unix socket and one end of a pipe handed to the compositor with wp_security_context_manager_v1,
 * then the metadata and a commit. The engine keeps the pipe's other end; closing it tells the
 * compositor to stop listening. Flatpak hands over the write end (bwrap holds the read end as
 * --sync-fd, so the compositor's end errs when the sandbox is gone); other engines hand over the
 * read end (it hangs up when the engine closes the write end).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "zion-test-client.h"

struct wp_security_context_v1;
typedef struct zt_security_context ZtSecurityContext;

/* Which end of the pipe the compositor gets as close_fd. */
typedef enum {
	ZT_CLOSE_FD_WRITE_END, /* as Flatpak does */
	ZT_CLOSE_FD_READ_END,
} ZtCloseFdEnd;

/* Binds the manager, makes a listening socket in a new temporary directory and a pipe, and sends
 * create_listener with them, the pipe's write end as close_fd (as Flatpak does); the engine's own
 * copy of the listening socket is closed, as Flatpak does, so that only the compositor listens.
 * Nothing is committed yet. */
ZtSecurityContext *zt_security_context_new(ZtClient *client);
/* The same with the given end of the pipe as close_fd, and with a listen_fd of the test's choosing
 * (to see the compositor refuse one that is not a listening socket; it is closed, and there is no
 * socket path), or -1 for a listening socket as above. */
ZtSecurityContext *zt_security_context_new_full(ZtClient *client, int listen_fd,
						ZtCloseFdEnd close_fd_end);

/* The same with exactly these fds (sent, then closed here), whatever they are: there is no engine
 * end of a pipe to close, and no socket path. */
ZtSecurityContext *zt_security_context_new_fds(ZtClient *client, int listen_fd, int close_fd);

/* A listening Unix socket at path, as an engine makes one. */
int zt_listening_socket(const char *path);

/* Sets what is not NULL, commits, and waits until the compositor has seen it. */
void zt_security_context_commit(ZtSecurityContext *context, const char *engine, const char *app_id,
				const char *instance_id);

/* The socket's path, for zt_client_connect. */
const char *zt_security_context_socket(ZtSecurityContext *context);

/* The protocol object, for requests a test sends on its own (protocol errors). */
struct wp_security_context_v1 *zt_security_context_object(ZtSecurityContext *context);

/* Closes the engine's end of the pipe: the compositor stops listening on the socket. */
void zt_security_context_close(ZtSecurityContext *context);

/* The engine's end of the pipe, for the caller to close (after the client that made the context
 * is gone, say). */
int zt_security_context_steal_engine_fd(ZtSecurityContext *context);

/* Destroys the objects (unless the client's connection is dead) and closes what is still open;
 * the socket file stays until the temporary directory goes, so a test can see it refuse
 * connections. The client must still exist. */
void zt_security_context_free(ZtSecurityContext *context);

/* Whether the client's connection died of a protocol error; if so, which interface sent it and
 * its code. */
gboolean zt_client_protocol_error(ZtClient *client, const char **interface, uint32_t *code);
