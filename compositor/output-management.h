/*
 * Output management (zwlr_output_manager_v1, a privileged global; wlr-randr is its client): the
 * current configuration of every output (on or off, mode, position, scale, transform) is
 * published at start and after every change, and a client's configuration is tested or applied
 * as a whole: if one output refuses, none changes.
 */
#pragma once

struct zc_server;
struct zc_output_management;

struct zc_output_management *zc_output_management_create(struct zc_server *server);
void zc_output_management_destroy(struct zc_output_management *management);
