/* The log writer: "component: level: message" on standard error. */
#include "log.h"

#include <stdio.h>

static const char *log_component = "zion";
static gboolean log_verbose;

static const char *level_name(GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return "fatal";
	if (level & G_LOG_LEVEL_CRITICAL)
		return "critical";
	if (level & G_LOG_LEVEL_WARNING)
		return "warning";
	if (level & G_LOG_LEVEL_MESSAGE)
		return "note";
	if (level & G_LOG_LEVEL_INFO)
		return "info";
	return "debug";
}

static GLogWriterOutput write_log(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
				  gpointer user_data)
{
	(void)user_data;
	if ((level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) && !log_verbose)
		return G_LOG_WRITER_HANDLED;

	const char *message = "";
	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
			message = fields[i].value;
	}
	fprintf(stderr, "%s: %s: %s\n", log_component, level_name(level), message);
	fflush(stderr);
	return G_LOG_WRITER_HANDLED;
}

void zion_log_init(const char *component, gboolean verbose)
{
	log_component = component;
	log_verbose = verbose;
	g_log_set_writer_func(write_log, NULL, NULL);
}
