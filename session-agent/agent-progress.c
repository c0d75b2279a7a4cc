/* Progress signals from any thread, emitted in order from the main loop. */
#include "agent.h"

typedef struct {
	ZionAgent *agent;
	char *operation, *step;
	guint done, total;
} Progress;

static gboolean emit(gpointer data)
{
	Progress *p = data;
	zion_dbus_agent1_emit_progress(p->agent->skeleton, p->operation, p->step, p->done,
				       p->total);
	g_free(p->operation);
	g_free(p->step);
	g_free(p);
	return G_SOURCE_REMOVE;
}

void zion_agent_progress(ZionAgent *agent, const char *operation, const char *step, guint done,
			 guint total)
{
	Progress *p = g_new0(Progress, 1);
	*p = (Progress){ agent, g_strdup(operation), g_strdup(step), done, total };
	/* Sources of one priority run in the order they were added: at the default priority, a
	 * worker's progress comes before its GTask's completion, which is queued after it. */
	g_idle_add_full(G_PRIORITY_DEFAULT, emit, p, NULL);
}
