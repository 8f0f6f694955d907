/*
 * client.h - a program's side of the running node's local socket
 * (DIR/run/node.sock): submit items to be made and shared, and follow the
 * items the node stores. Blocking; for tools, tests and benchmarks.
 */
#ifndef GS_NODE_CLIENT_H
#define GS_NODE_CLIENT_H

#include <stdint.h>

#include "base/buf.h"
#include "base/time.h"
#include "item.pb-c.h"
#include "peer.pb-c.h"

struct gs_client;

/* Connects to the node of dir. GS_ERR_NOT_FOUND when it is not running. */
int gs_client_open(const char *dir, struct gs_client **out);
void gs_client_close(struct gs_client *c);

/* Sends body (unsigned: the node completes and signs it) tagged tag; the
 * answer comes as a Submitted frame from gs_client_next. */
int gs_client_submit(struct gs_client *c, const Gsomia__ItemBody *body,
                     uint64_t tag);
/* Asks for an Arrived frame for every item the node stores from now on
 * (and a Warned for every civil warning it issues). */
int gs_client_subscribe(struct gs_client *c);
/* The same, with each item's body when user (a name in the node's
 * register; NULL or "" for none) may read it; each read is recorded. */
int gs_client_subscribe_as(struct gs_client *c, const char *user);
/* Sends radar plots (JSON lines, at most 4096; numbered from first_line in
 * source), answered by a PlotsTaken frame. */
int gs_client_plots(struct gs_client *c, uint64_t tag, const char *source,
                    unsigned first_line, char **lines, size_t n,
                    gs_time_t clock);
/* Asks the node to withdraw its track (answered by TrackRetracted). */
int gs_client_retract_track(struct gs_client *c, uint64_t tag,
                            const char *track, const char *reason);
/* Asks the node to ask peer for the records of its audit log that concern
 * this node's items, from index from (answered by a Records frame). */
int gs_client_ask_records(struct gs_client *c, const char *peer, uint64_t from);
/* The next frame from the node (free with gsomia__frame__free_unpacked),
 * waiting at most timeout_ms (-1: for ever). GS_ERR_STATE on timeout,
 * GS_ERR_IO when the node closed the socket. */
int gs_client_next(struct gs_client *c, int timeout_ms, Gsomia__Frame **out);

#endif
