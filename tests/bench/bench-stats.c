/* Timing and percentiles for the benchmarks. */
#include "bench-stats.h"

double bench_now_ms(void)
{
	return g_get_monotonic_time() / 1000.0;
}

static int by_value(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double bench_percentile(GArray *values, double p)
{
	g_array_sort(values, by_value);
	return g_array_index(values, double, (guint)(p * (values->len - 1) + 0.5));
}
