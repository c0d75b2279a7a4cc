/*
 * Field-by-field differences between two trees (two persona versions, say). Lists whose items all
 * carry a unique "name" or "path" are matched by it (users[alice].shell), lists of plain values as
 * sets, other lists by position.
 */
#pragma once

#include "yaml-tree.h"

typedef enum {
	ZION_CHANGE_ADDED = '+',
	ZION_CHANGE_REMOVED = '-',
	ZION_CHANGE_CHANGED = '~',
} ZionChangeKind;

typedef struct {
	ZionChangeKind kind;
	char *path;
	char *before; /* canonical JSON, NULL when added */
	char *after;  /* canonical JSON, NULL when removed */
} ZionTreeChange;

/* The changes from a to b, in the order of a's (then b's) sorted keys. */
GPtrArray *zion_tree_diff(const ZionNode *a, const ZionNode *b);

/* "~ resources.memory: \"4G\" -> \"8G\"" */
char *zion_tree_change_format(const ZionTreeChange *change);
