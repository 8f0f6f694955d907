/*
 * serve.h - `gsomia serve`: the node as a daemon.
 *
 * One libuv loop thread owns all connection state. It listens for peers,
 * dials the peers it has addresses for (with backoff), speaks the peer
 * protocol (proto/peer.proto, docs/protocol.md) over mutual TLS 1.3, and
 * stops cleanly on SIGTERM or SIGINT. Everything that touches the store —
 * receiving, routing, releasing, acknowledging, witnessing — runs as one
 * job at a time on libuv's thread pool, in one transaction per job, so the
 * loop never waits on the disk and many frames share one commit. An item
 * is acknowledged to the peer that sent it only after the job that stored
 * it committed.
 *
 * The node writes its state every second to DIR/run/status.json, which
 * `gsomia peer status` reads.
 */
#ifndef GS_NODE_SERVE_H
#define GS_NODE_SERVE_H

#include "base/diag.h"

/* Runs the node of dir until SIGTERM or SIGINT; cot (NULL: the
 * configuration's) is where Cursor-on-Target events go. Returns 0 after a
 * clean stop, or a negative GS_ERR_* (reported to d) when it cannot
 * start. */
int gs_serve(const char *dir, const char *cot, struct gs_diag *d);

#endif
