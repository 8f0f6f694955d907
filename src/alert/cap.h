/*
 * cap.h - OASIS Common Alerting Protocol 1.2 warnings for civil defence
 * (J-Alert and the like): the unclassified, coarse feed of DESIGN.md.
 *
 * The writer makes one <alert> (namespace urn:oasis:names:tc:emergency:
 * cap:1.2) with one <info> in en-US and one <area> per prefecture: scope
 * Public, category Safety, urgency Immediate, severity Extreme, event
 * "Ballistic missile". Alert and Update ask people to shelter; Cancel gives
 * the all-clear, or no instruction when the warning was withdrawn.
 *
 * What it cannot carry, by design, so that nothing classified leaks by
 * accident:
 * - No free text. Headline, description and instruction are fixed
 *   sentences chosen by the message type and the situation, filled in with
 *   names from the boundaries file (gs_regions): the launching country and
 *   the prefectures. No field can hold a sensor, a radar, a unit, a track
 *   number or a source nation.
 * - No coordinates. Areas are named prefectures with their ISO 3166-2
 *   geocode ("JP-02"), never polygons or circles: the impact ellipse and
 *   the track stay inside gsomia.
 * - Coarse times. Every time is written to the minute: sent and the launch
 *   time are truncated to the minute, expires is rounded up to the next
 *   minute, so that the timing of sensors and fusion cannot be read from
 *   the message.
 *
 * Times are written as CAP 1.2 requires: "2022-10-04T07:27:00+09:00", with
 * the offset the caller names (540 minutes for Japan) and never "Z"; UTC
 * itself is written "-00:00", as the CAP 1.2 data dictionary says.
 *
 * gs_cap_validate checks a document against gsomia's own schema of CAP 1.2
 * (data/cap/cap-1.2.xsd; GSOMIA_CAP_XSD names the build tree's copy) with
 * libxml2's XML Schema validator.
 */
#ifndef GS_ALERT_CAP_H
#define GS_ALERT_CAP_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/region.h"
#include "base/buf.h"
#include "base/time.h"

#define GS_CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"
/* sender and identifier: 1 to 63 of [A-Za-z0-9.@_:-]. */
#define GS_CAP_ID_SIZE 64
#define GS_CAP_MAX_REFS 16
#define GS_CAP_MAX_AREAS 64
/* Documents gs_cap_validate accepts. */
#define GS_CAP_MAX_DOC (1u << 20)

enum gs_cap_msg_type { GS_CAP_ALERT, GS_CAP_UPDATE, GS_CAP_CANCEL };
enum gs_cap_status { GS_CAP_ACTUAL, GS_CAP_EXERCISE, GS_CAP_TEST };
enum gs_cap_certainty { GS_CAP_OBSERVED, GS_CAP_LIKELY };

/*
 * What the message says happened; it picks the fixed sentences.
 * - LAUNCHED: a missile was launched and may fly over or fall in the areas
 *   (Alert or Update; shelter).
 * - PASSED: it appears to have passed over the areas (Update; stay
 *   sheltered until told otherwise).
 * - FELL_AT_SEA: it appears to have fallen into the sea (Cancel; all
 *   clear, do not approach debris).
 * - WITHDRAWN: the warning is withdrawn, the missile no longer threatens
 *   the areas or was not confirmed (Cancel; responseType None).
 * - FELL_ON_LAND: it appears to have fallen in the areas (Update; keep
 *   away from anything fallen: responseType Avoid).
 * - LOST: the missile is no longer tracked and where it went is not known
 *   (Update; stay sheltered until told otherwise).
 */
enum gs_cap_situation {
    GS_CAP_LAUNCHED,
    GS_CAP_PASSED,
    GS_CAP_FELL_AT_SEA,
    GS_CAP_WITHDRAWN,
    GS_CAP_FELL_ON_LAND,
    GS_CAP_LOST
};

/* "launched", "passed", "fell-at-sea", "withdrawn", "fell-on-land",
 * "lost". */
const char *gs_cap_situation_name(enum gs_cap_situation s);

/* Whether s may be a CAP sender or identifier here: 1 to GS_CAP_ID_SIZE - 1
 * characters of A-Z a-z 0-9 . @ _ : - (no spaces, commas or '<' '&'). */
bool gs_cap_id_ok(const char *s);

/*
 * An earlier message: its sender, identifier and sent time. The time is
 * written with this message's utc_offset, truncated to the minute like the
 * earlier message's own sent was: keep one offset per sender so that the
 * text matches what was sent.
 */
struct gs_cap_ref {
    char sender[GS_CAP_ID_SIZE];
    char identifier[GS_CAP_ID_SIZE];
    gs_time_t sent; /* as given to the writer for that message */
};

struct gs_cap_message {
    enum gs_cap_msg_type msg_type;
    enum gs_cap_status status;
    enum gs_cap_situation situation;
    enum gs_cap_certainty certainty;
    char sender[GS_CAP_ID_SIZE];     /* e.g. "gsomia.jpn" */
    char identifier[GS_CAP_ID_SIZE]; /* unique per sender */
    gs_time_t sent;
    gs_time_t expires;     /* after sent */
    gs_time_t launch_time; /* 0 when unknown */
    int utc_offset;        /* minutes east of UTC for every time written */
    /* Earlier messages: required for Update and Cancel, none for Alert. */
    struct gs_cap_ref refs[GS_CAP_MAX_REFS];
    size_t n_refs;
    /* The launching country (a country of the boundaries file), or NULL. */
    const struct gs_region *origin;
    /* Subdivisions (prefectures) of the boundaries file, 1 or more. */
    const struct gs_region *areas[GS_CAP_MAX_AREAS];
    size_t n_areas;
};

/*
 * Appends the CAP 1.2 document for m to b (UTF-8, with an XML declaration).
 * Checks m first: sender and identifier syntax, references present exactly
 * for Update and Cancel, situation allowed for the message type (LAUNCHED
 * for Alert; LAUNCHED, PASSED, FELL_ON_LAND or LOST for Update; FELL_AT_SEA
 * or WITHDRAWN for Cancel), 1 to GS_CAP_MAX_AREAS areas that are
 * subdivisions, expires after
 * sent, offsets within +-14 hours in whole minutes. GS_ERR_INVALID (b
 * unchanged) when a check fails, GS_ERR_TOO_BIG when b is full.
 */
int gs_cap_write(const struct gs_cap_message *m, struct gs_buf *b);

/*
 * Writes t truncated to the minute as a CAP date-time with the given
 * offset: "2022-10-04T07:27:00+09:00" (UTC: "-00:00"). out needs 26 bytes.
 * Returns 0, or GS_ERR_INVALID for a time or offset out of range.
 */
int gs_cap_time(gs_time_t t, int utc_offset, char *out, size_t n);

/*
 * Validates len bytes of XML against the schema at xsd_path (NULL: the
 * build's GSOMIA_CAP_XSD). Document type declarations are refused before
 * parsing and nothing is fetched from the network. Returns 0 when the
 * document is valid; GS_ERR_INVALID when it is not, with the first problem
 * ("line 7: element 'sent': ... is not accepted by the pattern ...") in
 * why (n bytes, may be NULL); GS_ERR_NOT_FOUND or GS_ERR_IO when the schema
 * cannot be read or compiled (also said in why); GS_ERR_TOO_BIG past
 * GS_CAP_MAX_DOC.
 */
int gs_cap_validate(const char *xml, size_t len, const char *xsd_path,
                    char *why, size_t n);

#endif
