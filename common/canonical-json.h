/*
 * Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant white space, strings
 * with the minimum of escapes. Two trees that mean the same give the same bytes, so a hash of these
 * bytes identifies a definition whatever its source looked like.
 */
#pragma once

#include "yaml-tree.h"

char *zion_canonical_json(const ZionNode *node);

/* The same form, indented by two spaces a level, for people to read. */
char *zion_pretty_json(const ZionNode *node);

/* The SHA-256 of text, in lowercase hex. */
char *zion_sha256_hex(const char *text);
