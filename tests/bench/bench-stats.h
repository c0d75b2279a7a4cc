/* What the desktop benchmarks share: a clock in milliseconds and percentiles of samples. */
#pragma once

#include <glib.h>

double bench_now_ms(void);
/* The p-th fraction (0.5: the median) of values, a GArray of double; sorts it. */
double bench_percentile(GArray *values, double p);
