/* org.zion.Agent1's Usage, and the usage history kept as desktops run (usage-history.h). */
#include "agent.h"
#include "cgroups.h"
#include "zion-error.h"

void zion_agent_usage_ended(ZionAgent *agent, const char *desktop, const ZionUsage *usage)
{
	g_autoptr(GError) error = NULL;
	if (!zion_usage_history_ended(agent->usage, desktop, g_get_real_time() / G_USEC_PER_SEC,
				      usage->cpu_ns, usage->memory_peak, &error))
		g_warning("%s", error->message);
}

static gboolean on_usage(ZionDbusAgent1 *skeleton, GDBusMethodInvocation *invocation,
			 const char *name, ZionAgent *agent)
{
	GError *error = NULL;
	ZionDesktopRecord *record = zion_agent_caller_desktop(agent, invocation, name, &error);
	ZionUsage usage = { 0 };
	gboolean live = record && (record->state == ZION_DESKTOP_RUNNING ||
				   record->state == ZION_DESKTOP_HIBERNATED);
	g_autofree char *container = record ? zion_agent_container_name(agent, name) : NULL;
	if (!record || (live && !zion_cgroup_usage(container, &usage, &error))) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	GVariantBuilder builder;
	g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&builder, "{sv}", "cpu-ns", g_variant_new_uint64(usage.cpu_ns));
	g_variant_builder_add(&builder, "{sv}", "memory", g_variant_new_uint64(usage.memory));
	g_variant_builder_add(&builder, "{sv}", "memory-peak",
			      g_variant_new_uint64(usage.memory_peak));
	guint64 uptime = live ? g_get_real_time() / G_USEC_PER_SEC - record->activated_at : 0;
	g_variant_builder_add(&builder, "{sv}", "uptime-s", g_variant_new_uint64(uptime));
	/* Over every session in the history, this one included. */
	ZionUsageTotals totals = { 0 };
	if (!zion_usage_history_totals(agent->usage, name, &totals, &error)) {
		zion_agent_return_error(invocation, error);
		return G_DBUS_METHOD_INVOCATION_HANDLED;
	}
	g_variant_builder_add(&builder, "{sv}", "total-cpu-ns",
			      g_variant_new_uint64(totals.cpu_ns + usage.cpu_ns));
	g_variant_builder_add(&builder, "{sv}", "total-uptime-s",
			      g_variant_new_uint64(totals.uptime_s + uptime));
	g_variant_builder_add(&builder, "{sv}", "total-memory-peak",
			      g_variant_new_uint64(MAX(totals.memory_peak, usage.memory_peak)));
	g_variant_builder_add(&builder, "{sv}", "sessions", g_variant_new_uint32(totals.sessions));
	g_variant_builder_add(&builder, "{sv}", "last-activated",
			      g_variant_new_int64(totals.last_started));
	g_variant_builder_add(&builder, "{sv}", "activations",
			      g_variant_new_uint32(record->activations));
	g_variant_builder_add(&builder, "{sv}", "state",
			      g_variant_new_string(zion_desktop_state_names[record->state]));
	zion_dbus_agent1_complete_usage(skeleton, invocation, g_variant_builder_end(&builder));
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Every minute, a sample of what each running desktop uses, for the history. */
#define SAMPLE_SECONDS 60

static gboolean sample_usage(gpointer data)
{
	ZionAgent *agent = data;
	GHashTableIter iter;
	ZionDesktopRecord *record;
	g_hash_table_iter_init(&iter, agent->desktops);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&record)) {
		if (record->state != ZION_DESKTOP_RUNNING &&
		    record->state != ZION_DESKTOP_HIBERNATED)
			continue;
		g_autofree char *container = zion_agent_container_name(agent, record->name);
		ZionUsage usage;
		g_autoptr(GError) error = NULL;
		if (!zion_cgroup_usage(container, &usage, &error) ||
		    !zion_usage_history_sample(agent->usage, record->name, now, usage.cpu_ns,
					       usage.memory, &error))
			g_message("desktop %s: no usage sample: %s", record->name, error->message);
	}
	return G_SOURCE_CONTINUE;
}

void zion_agent_usage_init(ZionAgent *agent)
{
	g_signal_connect(agent->skeleton, "handle-usage", G_CALLBACK(on_usage), agent);
	g_timeout_add_seconds(SAMPLE_SECONDS, sample_usage, agent);
}
