/* The test client's sandbox sockets (wp_security_context_manager_v1). */
#include "zion-test-security-context.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client.h>

#include "security-context-v1-client-protocol.h"
#include "zion-test.h"

struct zt_security_context {
	ZtClient *client;
	struct wp_security_context_manager_v1 *manager;
	struct wp_security_context_v1 *context;
	char *socket_path;
	int engine_fd; /* the engine's end of the pipe, -1 once closed */
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
			  const char *interface, uint32_t version)
{
	ZtSecurityContext *context = data;
	if (strcmp(interface, wp_security_context_manager_v1_interface.name) == 0)
		context->manager = wl_registry_bind(registry, name,
						    &wp_security_context_manager_v1_interface, 1);
}

static void handle_global_remove(void *data, struct wl_registry *registry, uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

int zt_listening_socket(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	g_assert_cmpuint(strlen(path), <, sizeof(address.sun_path));
	strcpy(address.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&address, sizeof(address)), ==, 0);
	g_assert_cmpint(listen(fd, 16), ==, 0);
	return fd;
}

/* A context object with the manager bound, nothing sent yet. */
static ZtSecurityContext *context_new(ZtClient *client)
{
	ZtSecurityContext *context = g_new0(ZtSecurityContext, 1);
	context->client = client;
	context->engine_fd = -1;
	struct wl_registry *registry = wl_display_get_registry(zt_client_display(client));
	wl_registry_add_listener(registry, &registry_listener, context);
	zt_client_roundtrip(client);
	wl_registry_destroy(registry);
	g_assert_nonnull(context->manager);
	return context;
}

ZtSecurityContext *zt_security_context_new_full(ZtClient *client, int listen_fd,
						ZtCloseFdEnd close_fd_end)
{
	ZtSecurityContext *context = context_new(client);
	if (listen_fd < 0) {
		context->socket_path = g_build_filename(zt_temp_dir(), "wayland-sandbox", NULL);
		listen_fd = zt_listening_socket(context->socket_path);
	}
	int pipe_fds[2];
	g_assert_cmpint(pipe2(pipe_fds, O_CLOEXEC), ==, 0);
	int close_fd = close_fd_end == ZT_CLOSE_FD_WRITE_END ? pipe_fds[1] : pipe_fds[0];
	context->engine_fd = close_fd_end == ZT_CLOSE_FD_WRITE_END ? pipe_fds[0] : pipe_fds[1];
	context->context = wp_security_context_manager_v1_create_listener(context->manager,
									  listen_fd, close_fd);
	/* libwayland keeps duplicates of both until it sends them. */
	close(listen_fd);
	close(close_fd);
	return context;
}

ZtSecurityContext *zt_security_context_new_fds(ZtClient *client, int listen_fd, int close_fd)
{
	ZtSecurityContext *context = context_new(client);
	context->context = wp_security_context_manager_v1_create_listener(context->manager,
									  listen_fd, close_fd);
	close(listen_fd);
	close(close_fd);
	return context;
}

ZtSecurityContext *zt_security_context_new(ZtClient *client)
{
	return zt_security_context_new_full(client, -1, ZT_CLOSE_FD_WRITE_END);
}

void zt_security_context_commit(ZtSecurityContext *context, const char *engine, const char *app_id,
				const char *instance_id)
{
	if (engine)
		wp_security_context_v1_set_sandbox_engine(context->context, engine);
	if (app_id)
		wp_security_context_v1_set_app_id(context->context, app_id);
	if (instance_id)
		wp_security_context_v1_set_instance_id(context->context, instance_id);
	wp_security_context_v1_commit(context->context);
	zt_client_roundtrip(context->client);
}

const char *zt_security_context_socket(ZtSecurityContext *context)
{
	return context->socket_path;
}

struct wp_security_context_v1 *zt_security_context_object(ZtSecurityContext *context)
{
	return context->context;
}

void zt_security_context_close(ZtSecurityContext *context)
{
	if (context->engine_fd >= 0)
		close(context->engine_fd);
	context->engine_fd = -1;
}

int zt_security_context_steal_engine_fd(ZtSecurityContext *context)
{
	int fd = context->engine_fd;
	context->engine_fd = -1;
	return fd;
}

void zt_security_context_free(ZtSecurityContext *context)
{
	zt_security_context_close(context);
	wp_security_context_v1_destroy(context->context);
	wp_security_context_manager_v1_destroy(context->manager);
	if (!zt_client_protocol_error(context->client, NULL, NULL))
		zt_client_roundtrip(context->client);
	g_free(context->socket_path);
	g_free(context);
}

gboolean zt_client_protocol_error(ZtClient *client, const char **interface, uint32_t *code)
{
	struct wl_display *display = zt_client_display(client);
	if (wl_display_get_error(display) != EPROTO)
		return FALSE;
	const struct wl_interface *failed = NULL;
	uint32_t failed_code = wl_display_get_protocol_error(display, &failed, NULL);
	if (interface)
		*interface = failed ? failed->name : NULL;
	if (code)
		*code = failed_code;
	return TRUE;
}
