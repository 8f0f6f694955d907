/*
 * payload.h - the missile payloads of items: track updates and alerts in
 * their protobuf form (proto/item.proto), and the checks every received
 * one passes.
 *
 * A track item carries one track update of the tracker (track/update.h) in
 * binary: ECEF state, its covariance as the 21 values of the upper
 * triangle, launch and impact points with 95 % ellipses (orientation in
 * degrees on the wire, radians in struct gs_track_update), apogee and
 * ballistic coefficient once estimable. Converting an update to a payload
 * and back gives the same values up to the rounding of the degree
 * conversion.
 *
 * Checks (gs_payload_track_check, gs_payload_alert_check) accept only what
 * a tracker could have said: finite numbers in range, a symmetric
 * covariance with a positive diagonal, ids of 1 to 31 letters, digits,
 * '-', '_' or '.', nation codes, at most 8 sources. item.c runs them on
 * every item it decodes, so a node never feeds a partner's malformed track
 * to its own tracker.
 */
#ifndef GS_ITEM_PAYLOAD_H
#define GS_ITEM_PAYLOAD_H

#include <stddef.h>

#include "base/arena.h"
#include "item.pb-c.h"
#include "track/update.h"

/* The alert types of an alert's life (docs/alerting.md). */
#define GS_ALERT_LAUNCH "launch"
#define GS_ALERT_IMPACT "impact"
#define GS_ALERT_OVERFLIGHT "overflight"
#define GS_ALERT_LOST "lost"
#define GS_ALERT_RETRACTED "retracted"
#define GS_ALERT_ENDED "ended"

/* The nations an overflight alert may name. */
#define GS_NATIONS_MAX_OVERFLIGHT 32

/* Fills pb from u; strings and arrays are allocated in a (pb points into
 * a and u, which must outlive it). */
void gs_payload_track_to_pb(const struct gs_track_update *u, struct gs_arena *a,
                            Gsomia__Track *pb);

/*
 * Reads pb, a track payload of an item made by originator, into *u
 * (nation = originator, or empty when NULL; the parts and sensors of u are left
 * empty). Returns 0, or GS_ERR_INVALID with the reason in why (n bytes).
 */
int gs_payload_track_from_pb(const Gsomia__Track *pb, const char *originator,
                             struct gs_track_update *u, char *why, size_t n);

/* The checks of gs_payload_track_from_pb alone. */
int gs_payload_track_check(const Gsomia__Track *pb, char *why, size_t n);

/* Fills a ground point (allocated in a) from g; NULL when g is not valid. */
Gsomia__GroundPoint *gs_payload_ground_to_pb(const struct gs_ground_point *g,
                                             struct gs_arena *a);
/* Reads a ground point; NULL pb gives an invalid (absent) point.
 * GS_ERR_INVALID with why for values out of range. */
int gs_payload_ground_from_pb(const Gsomia__GroundPoint *pb,
                              struct gs_ground_point *g, char *why, size_t n);

/* Checks an alert payload: a known type, ids, printable text, nations,
 * sequence >= 1, ground points in range. */
int gs_payload_alert_check(const Gsomia__Alert *pb, char *why, size_t n);

#endif
