/* The Zion error domain. */
#include "zion-error.h"

G_DEFINE_QUARK(zion - error - quark, zion_error)
