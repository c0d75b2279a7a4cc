/* Registers Zion's error codes as D-Bus error names, so errors cross the bus with their code. */
#include "agent-error.h"

#include <gio/gio.h>

#include "zion-error.h"

void zion_agent_error_register(void)
{
	static const struct {
		ZionErrorCode code;
		const char *name;
	} names[] = {
		{ ZION_ERROR_FAILED, "org.zion.Agent1.Error.Failed" },
		{ ZION_ERROR_PARSE, "org.zion.Agent1.Error.Parse" },
		{ ZION_ERROR_INVALID, "org.zion.Agent1.Error.Invalid" },
		{ ZION_ERROR_NOT_FOUND, "org.zion.Agent1.Error.NotFound" },
		{ ZION_ERROR_EXISTS, "org.zion.Agent1.Error.Exists" },
		{ ZION_ERROR_CORRUPT, "org.zion.Agent1.Error.Corrupt" },
		{ ZION_ERROR_DENIED, "org.zion.Agent1.Error.Denied" },
		{ ZION_ERROR_BUSY, "org.zion.Agent1.Error.Busy" },
	};
	static gsize registered;
	if (!g_once_init_enter(&registered))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
		g_dbus_error_register_error(ZION_ERROR, names[i].code, names[i].name);
	g_once_init_leave(&registered, 1);
}
