/* Error domain shared by every Zion component, and a helper that puts a place in front of a
 * message. */
#pragma once

#include <glib.h>

#define ZION_ERROR (zion_error_quark())

typedef enum {
	ZION_ERROR_FAILED,    /* an operation failed (I/O, system call) */
	ZION_ERROR_PARSE,     /* input is not well-formed YAML or JSON */
	ZION_ERROR_INVALID,   /* input is well-formed but breaks the schema */
	ZION_ERROR_NOT_FOUND, /* a named thing does not exist */
	ZION_ERROR_EXISTS,    /* a named thing exists already */
	ZION_ERROR_CORRUPT,   /* stored state is damaged */
	ZION_ERROR_DENIED,    /* the caller may not do this */
	ZION_ERROR_BUSY,      /* the thing is in a state that does not allow it now */
} ZionErrorCode;

GQuark zion_error_quark(void);
