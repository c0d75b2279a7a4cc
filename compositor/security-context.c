/* The security context manager global, its not yet committed contexts and the sandbox sockets. */
#include "security-context.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "desktop.h"
#include "security-context-v1-protocol.h"
#include "server.h"

#define MANAGER_VERSION 1

struct zc_security_context {
	struct zc_server *server;
	struct wl_global *global;
	struct wl_list sockets; // sandbox_socket::link
};

/* A wp_security_context_v1 before its commit: the fds and what was set so far. */
struct context {
	struct zc_security_context *security_context;
	int listen_fd, close_fd; /* -1 once committed */
	struct zc_desktop *desktop;
	struct zc_sandbox_metadata metadata;
};

/* A committed context: the compositor accepts sandbox clients on listen_fd until close_fd hangs
 * up. It outlives the client that made it, as the protocol asks. */
struct sandbox_socket {
	struct zc_security_context *security_context;
	struct wl_list link; // zc_security_context::sockets
	int listen_fd, close_fd;
	/* The creator's desktop; NULL for a privileged creator, whose sandbox clients go to the
	 * desktop shown when they connect. */
	struct zc_desktop *desktop;
	struct zc_sandbox_metadata metadata;
	GSource *accept_source, *close_source;
};

static const char *or_unset(const char *text)
{
	return text ? text : "(unset)";
}

static void metadata_clear(struct zc_sandbox_metadata *metadata)
{
	g_clear_pointer(&metadata->engine, g_free);
	g_clear_pointer(&metadata->app_id, g_free);
	g_clear_pointer(&metadata->instance_id, g_free);
}

static void close_fd_if_open(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void sandbox_socket_destroy(struct sandbox_socket *socket)
{
	wl_list_remove(&socket->link);
	g_source_destroy(socket->accept_source);
	g_source_unref(socket->accept_source);
	g_source_destroy(socket->close_source);
	g_source_unref(socket->close_source);
	close(socket->listen_fd);
	close(socket->close_fd);
	metadata_clear(&socket->metadata);
	g_free(socket);
}

static void sandbox_socket_stop(struct sandbox_socket *socket, const char *why)
{
	g_message("sandbox socket of app %s (engine %s, instance %s) closed: %s",
		  or_unset(socket->metadata.app_id), or_unset(socket->metadata.engine),
		  or_unset(socket->metadata.instance_id), why);
	sandbox_socket_destroy(socket);
}

static gboolean on_connection(gint fd, GIOCondition condition, gpointer data)
{
	struct sandbox_socket *socket = data;
	int client_fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (client_fd < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return G_SOURCE_CONTINUE;
		/* The engine owns the socket too and may have broken it (shutdown): listening on
		 * would spin. */
		g_autofree char *why = g_strdup_printf("accept: %s", g_strerror(errno));
		sandbox_socket_stop(socket, why);
		return G_SOURCE_REMOVE;
	}
	struct zc_server *server = socket->security_context->server;
	struct zc_desktop *desktop = socket->desktop ? socket->desktop : server->shown;
	struct wl_client *client =
		zc_client_create(server, client_fd, ZC_CLIENT_SANDBOX, desktop, &socket->metadata);
	if (!client) {
		g_warning("sandbox socket of app %s: cannot create a client",
			  or_unset(socket->metadata.app_id));
		return G_SOURCE_CONTINUE;
	}
	pid_t pid;
	wl_client_get_credentials(client, &pid, NULL, NULL);
	g_message("sandbox client pid %d: app %s (engine %s, instance %s) on desktop %s", (int)pid,
		  or_unset(socket->metadata.app_id), or_unset(socket->metadata.engine),
		  or_unset(socket->metadata.instance_id), desktop->name);
	return G_SOURCE_CONTINUE;
}

static gboolean on_close_fd_hang_up(gint fd, GIOCondition condition, gpointer data)
{
	sandbox_socket_stop(data, "the sandbox engine closed it");
	return G_SOURCE_REMOVE;
}

static struct context *context_from_resource(struct wl_resource *resource);

static void context_handle_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

/* Checks that the context can still take a request that sets *field; posts the error if not. */
static gboolean context_can_set(struct wl_resource *resource, char *const *field, const char *value,
				const char *what)
{
	struct context *context = context_from_resource(resource);
	if (context->listen_fd < 0) {
		wl_resource_post_error(resource, WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_USED,
				       "the security context has been committed");
		return FALSE;
	}
	if (*field) {
		wl_resource_post_error(resource, WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_SET,
				       "the %s has already been set", what);
		return FALSE;
	}
	/* The metadata goes to logs and, later, on window decorations. */
	if (!g_utf8_validate(value, -1, NULL) || !*value) {
		wl_resource_post_error(resource, WP_SECURITY_CONTEXT_V1_ERROR_INVALID_METADATA,
				       "the %s is empty or not UTF-8", what);
		return FALSE;
	}
	return TRUE;
}

static void context_handle_set_sandbox_engine(struct wl_client *client,
					      struct wl_resource *resource, const char *name)
{
	struct context *context = context_from_resource(resource);
	if (context_can_set(resource, &context->metadata.engine, name, "sandbox engine"))
		context->metadata.engine = g_strdup(name);
}

static void context_handle_set_app_id(struct wl_client *client, struct wl_resource *resource,
				      const char *app_id)
{
	struct context *context = context_from_resource(resource);
	if (context_can_set(resource, &context->metadata.app_id, app_id, "app id"))
		context->metadata.app_id = g_strdup(app_id);
}

static void context_handle_set_instance_id(struct wl_client *client, struct wl_resource *resource,
					   const char *instance_id)
{
	struct context *context = context_from_resource(resource);
	if (context_can_set(resource, &context->metadata.instance_id, instance_id, "instance id"))
		context->metadata.instance_id = g_strdup(instance_id);
}

static gboolean is_listening_unix_socket(int fd)
{
	int accepting = 0, domain = 0;
	socklen_t size = sizeof(accepting);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) < 0)
		return FALSE;
	size = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &size) < 0)
		return FALSE;
	return accepting && domain == AF_UNIX;
}

/*
 * Each sandbox socket costs the compositor two fds until its engine hangs up, so a desktop (or the
 * privileged socket) may have this many at once, and each must really be able to hang up.
 */
#define MAX_SOCKETS_PER_DESKTOP 64

/* Why a listener cannot be made from these fds, or NULL. */
static const char *listener_problem(struct zc_security_context *security_context,
				    struct zc_desktop *desktop, int listen_fd, int close_fd)
{
	if (!is_listening_unix_socket(listen_fd))
		return "listen_fd is not a listening Unix socket";
	struct stat close_stat, listen_stat;
	if (fstat(close_fd, &close_stat) < 0 ||
	    !(S_ISFIFO(close_stat.st_mode) || S_ISSOCK(close_stat.st_mode)))
		return "close_fd is not a pipe or a socket, so it could never hang up";
	if (fstat(listen_fd, &listen_stat) < 0)
		return "listen_fd cannot be examined";
	guint count = 0;
	struct sandbox_socket *socket;
	wl_list_for_each(socket, &security_context->sockets, link)
	{
		struct stat st;
		if (fstat(socket->listen_fd, &st) == 0 && st.st_dev == listen_stat.st_dev &&
		    st.st_ino == listen_stat.st_ino)
			return "listen_fd is already a sandbox socket";
		count += socket->desktop == desktop;
	}
	if (count >= MAX_SOCKETS_PER_DESKTOP)
		return "too many sandbox sockets for this desktop";
	return NULL;
}

static void context_handle_commit(struct wl_client *client, struct wl_resource *resource)
{
	struct context *context = context_from_resource(resource);
	if (context->listen_fd < 0) {
		wl_resource_post_error(resource, WP_SECURITY_CONTEXT_V1_ERROR_ALREADY_USED,
				       "the security context has already been committed");
		return;
	}
	struct zc_security_context *security_context = context->security_context;
	/* Checked again: other listeners may have been committed since this one was made. */
	const char *problem = listener_problem(security_context, context->desktop,
					       context->listen_fd, context->close_fd);
	if (problem) {
		wl_resource_post_error(resource, WP_SECURITY_CONTEXT_V1_ERROR_INVALID_METADATA,
				       "%s", problem);
		return;
	}
	struct sandbox_socket *socket = g_new0(struct sandbox_socket, 1);
	socket->security_context = security_context;
	socket->listen_fd = context->listen_fd;
	socket->close_fd = context->close_fd;
	context->listen_fd = context->close_fd = -1;
	socket->desktop = context->desktop;
	socket->metadata = context->metadata;
	context->metadata = (struct zc_sandbox_metadata){ 0 };
	/* A connection given up between the wake-up and accept must not block the compositor. The
	 * flag is on the open file the engine shares, but after create_listener the engine's only
	 * business with its copy is to close it (Flatpak does at once). */
	fcntl(socket->listen_fd, F_SETFL, fcntl(socket->listen_fd, F_GETFL) | O_NONBLOCK);
	socket->accept_source = g_unix_fd_source_new(socket->listen_fd, G_IO_IN);
	g_source_set_callback(socket->accept_source, G_SOURCE_FUNC(on_connection), socket, NULL);
	g_source_attach(socket->accept_source, NULL);
	/* Closing the engine's end of a pipe makes ours hang up (the read end, which most engines
	 * hand over) or err (the write end, which Flatpak hands over: bwrap holds the read end
	 * while the sandbox lives); a socket's end hangs up. */
	socket->close_source = g_unix_fd_source_new(socket->close_fd, G_IO_HUP | G_IO_ERR);
	g_source_set_callback(socket->close_source, G_SOURCE_FUNC(on_close_fd_hang_up), socket,
			      NULL);
	g_source_attach(socket->close_source, NULL);
	wl_list_insert(&security_context->sockets, &socket->link);

	pid_t pid;
	wl_client_get_credentials(client, &pid, NULL, NULL);
	g_message("sandbox socket for app %s (engine %s, instance %s) made by pid %d, for %s%s",
		  or_unset(socket->metadata.app_id), or_unset(socket->metadata.engine),
		  or_unset(socket->metadata.instance_id), (int)pid,
		  socket->desktop ? "desktop " : "the shown desktop",
		  socket->desktop ? socket->desktop->name : "");
}

static const struct wp_security_context_v1_interface context_implementation = {
	.destroy = context_handle_destroy,
	.set_sandbox_engine = context_handle_set_sandbox_engine,
	.set_app_id = context_handle_set_app_id,
	.set_instance_id = context_handle_set_instance_id,
	.commit = context_handle_commit,
};

static struct context *context_from_resource(struct wl_resource *resource)
{
	g_assert(wl_resource_instance_of(resource, &wp_security_context_v1_interface,
					 &context_implementation));
	return wl_resource_get_user_data(resource);
}

/* A context destroyed before its commit takes its fds with it. */
static void context_resource_destroy(struct wl_resource *resource)
{
	struct context *context = context_from_resource(resource);
	close_fd_if_open(&context->listen_fd);
	close_fd_if_open(&context->close_fd);
	metadata_clear(&context->metadata);
	g_free(context);
}

static void manager_handle_destroy(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

/* Nesting (a sandbox client making a context) is impossible: the global filter hides this
 * global from sandbox clients, and libwayland refuses to bind a hidden global. */
static void manager_handle_create_listener(struct wl_client *client,
					   struct wl_resource *manager_resource, uint32_t id,
					   int32_t listen_fd, int32_t close_fd)
{
	struct zc_security_context *security_context = wl_resource_get_user_data(manager_resource);
	const char *problem =
		listener_problem(security_context, zc_client_desktop(client), listen_fd, close_fd);
	if (problem) {
		wl_resource_post_error(manager_resource,
				       WP_SECURITY_CONTEXT_MANAGER_V1_ERROR_INVALID_LISTEN_FD, "%s",
				       problem);
		close(listen_fd);
		close(close_fd);
		return;
	}
	struct wl_resource *resource =
		wl_resource_create(client, &wp_security_context_v1_interface,
				   wl_resource_get_version(manager_resource), id);
	if (!resource) {
		wl_client_post_no_memory(client);
		close(listen_fd);
		close(close_fd);
		return;
	}
	struct context *context = g_new0(struct context, 1);
	context->security_context = security_context;
	context->listen_fd = listen_fd;
	context->close_fd = close_fd;
	context->desktop = zc_client_desktop(client);
	wl_resource_set_implementation(resource, &context_implementation, context,
				       context_resource_destroy);
}

static const struct wp_security_context_manager_v1_interface manager_implementation = {
	.destroy = manager_handle_destroy,
	.create_listener = manager_handle_create_listener,
};

static void bind_manager(struct wl_client *client, void *data, uint32_t version, uint32_t id)
{
	struct wl_resource *resource =
		wl_resource_create(client, &wp_security_context_manager_v1_interface, version, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &manager_implementation, data, NULL);
}

struct zc_security_context *zc_security_context_create(struct zc_server *server)
{
	struct zc_security_context *security_context = g_new0(struct zc_security_context, 1);
	security_context->server = server;
	wl_list_init(&security_context->sockets);
	security_context->global =
		wl_global_create(server->display, &wp_security_context_manager_v1_interface,
				 MANAGER_VERSION, security_context, bind_manager);
	return security_context;
}

void zc_security_context_destroy(struct zc_security_context *security_context)
{
	struct sandbox_socket *socket, *tmp;
	wl_list_for_each_safe(socket, tmp, &security_context->sockets, link)
		sandbox_socket_destroy(socket);
	wl_global_destroy(security_context->global);
	g_free(security_context);
}
