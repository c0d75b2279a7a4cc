/*
 * The schedule step: each task as a systemd service and timer where the desktop runs systemd,
 * otherwise as a cron line, in /etc/cron.d/zion for Debian's cron or /etc/crontabs/root for
 * busybox's crond (which the images' init starts). A calendar or interval that cron cannot say
 * exactly is an error naming the task, not a different schedule.
 */
#include <string.h>
#include <sys/stat.h>

#include "layer-internal.h"
#include "zion-error.h"

typedef enum { RUNNER_SYSTEMD, RUNNER_CRON_D, RUNNER_CRONTABS } Runner;

static const char *const weekdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* systemd's quoting for one ExecStart word in double quotes; % and $ are its own expansions. */
static char *systemd_quote(const char *text)
{
	GString *out = g_string_new("\"");
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '\\':
		case '"':
			g_string_append_c(out, '\\');
			g_string_append_c(out, *p);
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '%':
			g_string_append(out, "%%");
			break;
		case '$':
			g_string_append(out, "$$");
			break;
		default:
			g_string_append_c(out, *p);
		}
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

static gboolean write_systemd(ZionLayerBuild *build, const ZionScheduleEntry *entry, GError **error)
{
	g_autofree char *command = systemd_quote(entry->command);
	g_autofree char *service = g_strdup_printf("[Unit]\n"
						   "Description=Zion schedule %s of persona %s\n\n"
						   "[Service]\n"
						   "Type=oneshot\n"
						   "ExecStart=/bin/sh -c %s\n",
						   entry->name, build->persona->name, command);
	g_autofree char *when =
		entry->calendar
			? g_strdup_printf("OnCalendar=%s\nPersistent=true\n", entry->calendar)
			: g_strdup_printf("OnBootSec=%" G_GUINT64_FORMAT
					  "s\nOnUnitActiveSec=%" G_GUINT64_FORMAT "s\n",
					  entry->interval, entry->interval);
	g_autofree char *timer = g_strdup_printf("[Unit]\n"
						 "Description=Zion schedule %s of persona %s\n\n"
						 "[Timer]\n%s\n"
						 "[Install]\n"
						 "WantedBy=timers.target\n",
						 entry->name, build->persona->name, when);
	g_autofree char *service_path =
		g_strdup_printf("/etc/systemd/system/zion-%s.service", entry->name);
	g_autofree char *timer_path =
		g_strdup_printf("/etc/systemd/system/zion-%s.timer", entry->name);
	g_autofree char *wants_path = g_strdup_printf(
		"/etc/systemd/system/timers.target.wants/zion-%s.timer", entry->name);
	g_autofree char *target = g_strdup_printf("../zion-%s.timer", entry->name);
	zion_layer_log(build, "  %s: zion-%s.timer (%s)", entry->name, entry->name,
		       entry->calendar ? entry->calendar : "interval");
	return zion_layer_write(build, service_path, service, 0644, 0, 0, error) &&
	       zion_layer_write(build, timer_path, timer, 0644, 0, 0, error) &&
	       zion_layer_symlink(build, wants_path, target, error);
}

static const char *strip_zeros(const char *number)
{
	while (number[0] == '0' && number[1])
		number++;
	return number;
}

/* One numeric field: "*", "a,b,c" or systemd's "start/step" (every step from start up). */
static char *cron_field(const char *field, guint last)
{
	if (strcmp(field, "*") == 0)
		return g_strdup("*");
	const char *slash = strchr(field, '/');
	if (slash) {
		g_autofree char *start = g_strndup(field, (gsize)(slash - field));
		return g_strdup_printf("%s-%u/%s", strip_zeros(start), last,
				       strip_zeros(slash + 1));
	}
	g_auto(GStrv) values = g_strsplit(field, ",", -1);
	GString *out = g_string_new("");
	for (guint i = 0; values[i]; i++)
		g_string_append_printf(out, "%s%s", i ? "," : "", strip_zeros(values[i]));
	return g_string_free(out, FALSE);
}

static gint weekday_number(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(weekdays); i++) {
		if (strcmp(name, weekdays[i]) == 0)
			return (gint)i;
	}
	return -1;
}

/* "Mon..Wed,Sat" as cron's numbers (Sunday 0), ranges spelled out; NULL with why. */
static char *cron_weekdays(const char *text, const char **why)
{
	g_auto(GStrv) items = g_strsplit(text, ",", -1);
	GString *out = g_string_new("");
	for (guint i = 0; items[i]; i++) {
		g_auto(GStrv) range = g_strsplit(items[i], "..", 2);
		gint first = weekday_number(range[0]);
		gint last = range[1] ? weekday_number(range[1]) : first;
		/* Monday-first order, as systemd reads a range. */
		gint from = (first + 6) % 7, to = (last + 6) % 7;
		if (first < 0 || last < 0 || from > to) {
			*why = "a weekday range must run from Monday towards Sunday";
			g_string_free(out, TRUE);
			return NULL;
		}
		for (gint d = from; d <= to; d++)
			g_string_append_printf(out, "%s%d", out->len ? "," : "", (d + 1) % 7);
	}
	return g_string_free(out, FALSE);
}

/* A calendar in the persona's subset of systemd's syntax, as five cron fields; NULL with why. */
static char *cron_calendar(const char *calendar, const char **why)
{
	static const struct {
		const char *name, *cron;
	} shorthands[] = {
		{ "minutely", "* * * * *" }, { "hourly", "0 * * * *" },	 { "daily", "0 0 * * *" },
		{ "weekly", "0 0 * * 1" },   { "monthly", "0 0 1 * *" }, { "yearly", "0 0 1 1 *" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(shorthands); i++) {
		if (strcmp(calendar, shorthands[i].name) == 0)
			return g_strdup(shorthands[i].cron);
	}
	g_auto(GStrv) parts = g_strsplit(calendar, " ", -1);
	guint n = g_strv_length(parts);
	const char *days_of_week = NULL, *date = NULL, *time = parts[n - 1];
	for (guint i = 0; i + 1 < n; i++) {
		if (g_ascii_isalpha(parts[i][0]))
			days_of_week = parts[i];
		else
			date = parts[i];
	}
	g_auto(GStrv) clock = g_strsplit(time, ":", -1);
	if (g_strv_length(clock) < 2) {
		*why = "it has no time of day";
		return NULL;
	}
	if (clock[2] && strcmp(strip_zeros(clock[2]), "0") != 0) {
		*why = "cron cannot start at a second other than 0";
		return NULL;
	}
	g_autofree char *month = g_strdup("*"), *day = g_strdup("*");
	if (date) {
		g_auto(GStrv) ymd = g_strsplit(date, "-", -1);
		if (g_strv_length(ymd) != 3 || strcmp(ymd[0], "*") != 0) {
			*why = "cron has no years";
			return NULL;
		}
		g_free(month);
		g_free(day);
		month = cron_field(ymd[1], 12);
		day = cron_field(ymd[2], 31);
	}
	g_autofree char *dow = days_of_week ? cron_weekdays(days_of_week, why) : g_strdup("*");
	if (!dow)
		return NULL;
	/* cron runs when EITHER the day of the month or the weekday matches; systemd needs both. */
	if (strcmp(dow, "*") != 0 && strcmp(day, "*") != 0) {
		*why = "cron cannot require both a weekday and a day of the month";
		return NULL;
	}
	g_autofree char *minute = cron_field(clock[1], 59);
	g_autofree char *hour = cron_field(clock[0], 23);
	return g_strdup_printf("%s %s %s %s %s", minute, hour, day, month, dow);
}

/* An interval cron can keep exactly: a divisor of an hour or of a day, a day, or a week. */
static char *cron_interval(guint64 seconds, const char **why)
{
	guint64 minutes = seconds / 60, hours = minutes / 60;
	if (seconds % 60 == 0 && minutes <= 60 && 60 % minutes == 0)
		return minutes == 1 ? g_strdup("* * * * *")
				    : g_strdup_printf("*/%" G_GUINT64_FORMAT " * * * *", minutes);
	if (seconds % 3600 == 0 && hours <= 24 && 24 % hours == 0)
		return hours == 1
			       ? g_strdup("0 * * * *")
			       : (hours == 24 ? g_strdup("0 0 * * *")
					      : g_strdup_printf("0 */%" G_GUINT64_FORMAT " * * *",
								hours));
	if (seconds == 7 * 86400)
		return g_strdup("0 0 * * 0");
	*why = "cron repeats only at intervals that divide an hour or a day, daily or weekly";
	return NULL;
}

static gboolean cron_line(ZionLayerBuild *build, guint index, const ZionScheduleEntry *entry,
			  Runner runner, GString *out, GError **error)
{
	const char *why = NULL;
	g_autofree char *when = entry->calendar ? cron_calendar(entry->calendar, &why)
						: cron_interval(entry->interval, &why);
	g_autofree char *interval = entry->calendar ? NULL : zion_format_duration(entry->interval);
	if (!when || strchr(entry->command, '\n')) {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: schedule[%u] (%s): %s %s cannot be run by cron (%s); the "
			    "base %s has no systemd",
			    build->persona->name, index, entry->name,
			    entry->calendar ? "calendar" : "interval",
			    entry->calendar ? entry->calendar : interval,
			    when ? "a command of several lines" : why, build->base->name);
		return FALSE;
	}
	GString *command = g_string_new("");
	for (const char *p = entry->command; *p; p++) {
		/* Debian's cron turns an unescaped % into a newline. */
		if (*p == '%' && runner == RUNNER_CRON_D)
			g_string_append_c(command, '\\');
		g_string_append_c(command, *p);
	}
	g_string_append_printf(out, "# %s\n%s %s%s\n", entry->name, when,
			       runner == RUNNER_CRON_D ? "root " : "", command->str);
	zion_layer_log(build, "  %s: cron %s", entry->name, when);
	g_string_free(command, TRUE);
	return TRUE;
}

gboolean zion_layer_apply_schedule(ZionLayerBuild *build, GError **error)
{
	const ZionPersona *persona = build->persona;
	if (persona->schedule->len == 0) {
		zion_layer_log(build, "  no tasks");
		return TRUE;
	}
	struct stat st;
	Runner runner;
	if (zion_layer_stat(build, "/lib/systemd/systemd", &st))
		runner = RUNNER_SYSTEMD;
	else if (zion_layer_stat(build, "/usr/sbin/cron", &st))
		runner = RUNNER_CRON_D;
	else if (zion_layer_stat(build, "/usr/sbin/crond", &st))
		runner = RUNNER_CRONTABS;
	else {
		g_set_error(error, ZION_ERROR, ZION_ERROR_INVALID,
			    "persona %s: schedule: base %s has neither systemd nor cron (add cron "
			    "to packages.install)",
			    persona->name, build->base->name);
		return FALSE;
	}
	g_autoptr(GString) crontab = g_string_new("");
	for (guint i = 0; i < persona->schedule->len; i++) {
		const ZionScheduleEntry *entry = g_ptr_array_index(persona->schedule, i);
		if (runner == RUNNER_SYSTEMD ? !write_systemd(build, entry, error)
					     : !cron_line(build, i, entry, runner, crontab, error))
			return FALSE;
	}
	if (runner == RUNNER_SYSTEMD)
		return TRUE;
	if (runner == RUNNER_CRON_D) {
		g_string_prepend(crontab, "# The schedule of a Zion persona.\n"
					  "SHELL=/bin/sh\n"
					  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
					  "/sbin:/bin\n");
		return zion_layer_write(build, "/etc/cron.d/zion", crontab->str, 0644, 0, 0, error);
	}
	/* busybox's root crontab may have lines of the base's own: they stay. */
	g_autofree char *base = zion_layer_read(build, "/etc/crontabs/root", error);
	if (!base && error && *error)
		return FALSE;
	g_string_prepend(crontab, base ? base : "");
	return zion_layer_write(build, "/etc/crontabs/root", crontab->str, 0600, 0, 0, error);
}
