/*
 * cot.h - Cursor-on-Target (CoT 2.0) events for TAK clients: a missile
 * track and its predicted impact point, from a track update.
 *
 * Track event:
 *   <event version="2.0" uid="gsomia.JPN-F3" type="a-h-A-W-M-S-S"
 *          how="m-f" time=".." start=".." stale="..">
 *     <point lat=".." lon=".." hae=".." ce=".." le=".."/>
 *     <detail><track course=".." speed=".."/><remarks>..</remarks></detail>
 *   </event>
 * - uid: "gsomia." and the track id, stable for the life of the track.
 * - type: MIL-STD-2525 through CoT's atom tree: a (atom), h (hostile),
 *   A (air track), W (weapon), M (missile in flight), S (surface/land
 *   launched), S (surface-to-surface missile). A ballistic missile is a
 *   surface-to-surface weapon in flight; "a-h-A-M-..." would be a military
 *   aircraft, which it is not.
 * - how: "m-f" (machine, fused) when several nations' sensors contributed,
 *   "m-a" (machine, tracker) otherwise. Never "m-g": nothing here is
 *   GPS-derived.
 * - time: when the event is made (now, the caller's clock); start: the
 *   update's time, when the position was true; stale: stale_seconds after
 *   now, or now itself for a lost track, which TAK then drops. Live, now
 *   and the update's time differ by the latency; in a replay of an old
 *   flight they differ by years, and the events still show.
 * - point: latitude and longitude in degrees, hae the height above the
 *   WGS84 ellipsoid in metres; ce and le the 1-sigma horizontal (circular)
 *   and vertical errors in metres, from the 6 x 6 ECEF covariance rotated
 *   to east-north-up: ce is the larger horizontal standard deviation (the
 *   square root of the larger eigenvalue of the east-north block), le the
 *   standard deviation of up.
 * - track: course in degrees clockwise from true north and speed in m/s,
 *   both over the ground (the horizontal part of the ECEF velocity).
 *
 * Impact event: uid "gsomia.JPN-F3.impact", type "b-m-p" (a map point: a
 * predicted place on the ground is neither a unit nor a weapon), how "m-p"
 * (propagated: computed by flying the state forward), point at the
 * predicted impact with hae 0, ce the larger 1-sigma semi-axis of the 95 %
 * ellipse (semi-axis / sqrt(5.991)), le 9999999 (unknown, CoT's
 * convention); detail <shape><ellipse major minor angle/></shape> with the
 * 95 % semi-axes in metres and the orientation in degrees from north, and
 * remarks with the predicted time of impact.
 *
 * Times are xs:dateTime in UTC ("2022-10-03T22:24:31.25Z"). Both writers
 * are pure: they append to b and touch nothing else.
 */
#ifndef GS_ALERT_COT_H
#define GS_ALERT_COT_H

#include "base/buf.h"
#include "track/update.h"

#define GS_COT_TYPE_TRACK "a-h-A-W-M-S-S"
#define GS_COT_TYPE_IMPACT "b-m-p"
/* CoT's value for an unknown error. */
#define GS_COT_UNKNOWN_ERROR 9999999.0

/*
 * Appends the track event of u to b. stale_seconds is 0.1 to 3600.
 * GS_ERR_INVALID for a bad stale_seconds or a covariance that is not
 * positive on its diagonal; GS_ERR_TOO_BIG when b is full.
 */
int gs_cot_track(const struct gs_track_update *u, gs_time_t now,
                 double stale_seconds, struct gs_buf *b);

/*
 * Appends the predicted-impact event of u to b; GS_ERR_STATE when u has no
 * impact prediction (u->impact.valid false), otherwise as gs_cot_track.
 */
int gs_cot_impact(const struct gs_track_update *u, gs_time_t now,
                  double stale_seconds, struct gs_buf *b);

#endif
