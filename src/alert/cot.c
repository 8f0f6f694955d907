/*
 * cot.c - Cursor-on-Target events with libxml2; see cot.h.
 */
#include "alert/cot.h"

#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "track/est.h"
#include "track/geo.h"
#include "track/mat.h"

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

/* A number attribute with that many decimals. */
static void prop(xmlNodePtr n, const char *name, int decimals, double v)
{
    char s[64];

    snprintf(s, sizeof(s), "%.*f", decimals, v);
    xmlNewProp(n, X(name), X(s));
}

static gs_time_t add_seconds(gs_time_t t, double s)
{
    return t + (gs_time_t)llround(s * (double)GS_USEC_PER_SEC);
}

/* The <event> element with its identity and times. */
static xmlNodePtr event_node(xmlDocPtr doc, const char *uid, const char *type,
                             const char *how, gs_time_t now, gs_time_t start,
                             gs_time_t stale)
{
    xmlNodePtr ev = xmlNewNode(NULL, X("event"));
    char s[GS_TIME_STRLEN];

    xmlDocSetRootElement(doc, ev);
    xmlNewProp(ev, X("version"), X("2.0"));
    xmlNewProp(ev, X("uid"), X(uid));
    xmlNewProp(ev, X("type"), X(type));
    xmlNewProp(ev, X("how"), X(how));
    gs_time_format(now, s, sizeof(s));
    xmlNewProp(ev, X("time"), X(s));
    gs_time_format(start, s, sizeof(s));
    xmlNewProp(ev, X("start"), X(s));
    gs_time_format(stale, s, sizeof(s));
    xmlNewProp(ev, X("stale"), X(s));
    return ev;
}

static xmlNodePtr point_node(xmlNodePtr ev, double lat, double lon, double hae,
                             double ce, double le)
{
    xmlNodePtr pt = xmlNewChild(ev, NULL, X("point"), NULL);

    prop(pt, "lat", 7, lat);
    prop(pt, "lon", 7, lon);
    prop(pt, "hae", 1, hae);
    prop(pt, "ce", 1, ce);
    prop(pt, "le", 1, le);
    return pt;
}

static int finish(xmlDocPtr doc, struct gs_buf *b)
{
    xmlChar *text = NULL;
    int len = 0, rc;

    xmlDocDumpFormatMemoryEnc(doc, &text, &len, "UTF-8", 0);
    rc = text != NULL && len > 0 ? gs_buf_append(b, text, (size_t)len)
                                 : GS_ERR_INVALID;
    xmlFree(text);
    xmlFreeDoc(doc);
    return rc;
}

static bool update_ok(const struct gs_track_update *u, double stale_seconds)
{
    int i;

    if (!(stale_seconds >= 0.1 && stale_seconds <= 3600) ||
        u->track[0] == '\0' ||
        strnlen(u->track, GS_TRACK_ID_SIZE) >= GS_TRACK_ID_SIZE ||
        !(u->lat >= -90 && u->lat <= 90) ||
        !(u->lon >= -180 && u->lon <= 180) || !isfinite(u->h))
        return false;
    for (i = 0; i < 3; i++)
        if (!(u->P[i * 6 + i] > 0) || !isfinite(u->P[i * 6 + i]) ||
            !isfinite(u->x[3 + i]))
            return false;
    return true;
}

/* ECEF position covariance and velocity in east-north-up at (lat, lon). */
static void to_enu(const struct gs_track_update *u, double C[9], double v[3])
{
    double M[9], T[9];
    int i, j, k;

    gs_enu_matrix(u->lat * GS_DEG, u->lon * GS_DEG, M);
    /* T = M P, C = T M^T over the position block of P. */
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            T[i * 3 + j] = 0;
            for (k = 0; k < 3; k++)
                T[i * 3 + j] += M[i * 3 + k] * u->P[k * 6 + j];
        }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            C[i * 3 + j] = 0;
            for (k = 0; k < 3; k++)
                C[i * 3 + j] += T[i * 3 + k] * M[j * 3 + k];
        }
    for (i = 0; i < 3; i++) {
        v[i] = 0;
        for (k = 0; k < 3; k++)
            v[i] += M[i * 3 + k] * u->x[3 + k];
    }
}

int gs_cot_track(const struct gs_track_update *u, gs_time_t now,
                 double stale_seconds, struct gs_buf *b)
{
    static const char *const phases[] = {"boost", "midcourse", "re-entry"};
    char uid[GS_TRACK_ID_SIZE + 16], remarks[512];
    double C[9], v[3], H[4], val[2], vec[4], course, speed;
    gs_time_t stale;
    xmlDocPtr doc;
    xmlNodePtr ev, detail, track;
    size_t used;
    int i;

    if (!update_ok(u, stale_seconds) || (unsigned)u->phase > 2)
        return GS_ERR_INVALID;
    to_enu(u, C, v);
    H[0] = C[0];
    H[1] = C[1];
    H[2] = C[3];
    H[3] = C[4];
    gs_mat_eig2(H, val, vec);
    course = atan2(v[0], v[1]) / GS_DEG;
    if (course < 0)
        course += 360;
    if (course >= 360)
        course -= 360;
    speed = hypot(v[0], v[1]);
    stale = u->status == GS_TRACK_LOST ? now : add_seconds(now, stale_seconds);

    snprintf(uid, sizeof(uid), "gsomia.%s", u->track);
    doc = xmlNewDoc(X("1.0"));
    ev = event_node(doc, uid, GS_COT_TYPE_TRACK,
                    u->n_sources > 1 ? "m-f" : "m-a", now, u->time, stale);
    point_node(ev, u->lat, u->lon, u->h, sqrt(fmax(val[0], 0)),
               sqrt(fmax(C[8], 0)));
    detail = xmlNewChild(ev, NULL, X("detail"), NULL);
    track = xmlNewChild(detail, NULL, X("track"), NULL);
    prop(track, "course", 2, course);
    prop(track, "speed", 1, speed);
    used = (size_t)snprintf(remarks, sizeof(remarks),
                            "Ballistic missile, track %s of %s, %s%s; sources",
                            u->track, u->nation, phases[u->phase],
                            u->status == GS_TRACK_LOST ? ", lost" : "");
    for (i = 0; i < u->n_sources && i < GS_UPDATE_MAX_SOURCES &&
                used < sizeof(remarks);
         i++)
        used += (size_t)snprintf(remarks + used, sizeof(remarks) - used,
                                 " %.3s", u->sources[i]);
    if (used < sizeof(remarks))
        used += (size_t)snprintf(remarks + used, sizeof(remarks) - used,
                                 "; height %.0f km, vertical speed %.0f m/s",
                                 u->h / 1000, v[2]);
    if (u->has_apogee && used < sizeof(remarks))
        snprintf(remarks + used, sizeof(remarks) - used, "; apogee %.0f km",
                 u->apogee_height / 1000);
    xmlNewTextChild(detail, NULL, X("remarks"), X(remarks));
    return finish(doc, b);
}

int gs_cot_impact(const struct gs_track_update *u, gs_time_t now,
                  double stale_seconds, struct gs_buf *b)
{
    const struct gs_ground_point *g = &u->impact;
    char uid[GS_TRACK_ID_SIZE + 16], when[GS_TIME_STRLEN], remarks[512];
    double ce;
    gs_time_t stale;
    xmlDocPtr doc;
    xmlNodePtr ev, detail, shape, ell;

    if (!update_ok(u, stale_seconds))
        return GS_ERR_INVALID;
    if (!g->valid)
        return GS_ERR_STATE;
    if (!(g->lat >= -90 && g->lat <= 90) ||
        !(g->lon >= -180 && g->lon <= 180) || !(g->ellipse.semi_major >= 0) ||
        !isfinite(g->ellipse.semi_major) || !(g->ellipse.semi_minor >= 0) ||
        !isfinite(g->ellipse.orientation) ||
        gs_time_format(g->time, when, sizeof(when)) < 0)
        return GS_ERR_INVALID;
    ce =
        fmax(g->ellipse.semi_major, g->ellipse.semi_minor) / sqrt(GS_CHI2_2_95);
    stale = u->status == GS_TRACK_LOST ? now : add_seconds(now, stale_seconds);

    snprintf(uid, sizeof(uid), "gsomia.%s.impact", u->track);
    doc = xmlNewDoc(X("1.0"));
    ev = event_node(doc, uid, GS_COT_TYPE_IMPACT, "m-p", now, u->time, stale);
    point_node(ev, g->lat, g->lon, 0, ce, GS_COT_UNKNOWN_ERROR);
    detail = xmlNewChild(ev, NULL, X("detail"), NULL);
    shape = xmlNewChild(detail, NULL, X("shape"), NULL);
    ell = xmlNewChild(shape, NULL, X("ellipse"), NULL);
    prop(ell, "major", 1, g->ellipse.semi_major);
    prop(ell, "minor", 1, g->ellipse.semi_minor);
    prop(ell, "angle", 2, g->ellipse.orientation / GS_DEG);
    snprintf(remarks, sizeof(remarks),
             "Predicted impact of ballistic missile track %s at %s "
             "(1-sigma %.1f s); 95 %% ellipse %.1f x %.1f km, major axis "
             "%.0f degrees from north",
             u->track, when, g->time_sigma, g->ellipse.semi_major / 1000,
             g->ellipse.semi_minor / 1000, g->ellipse.orientation / GS_DEG);
    xmlNewTextChild(detail, NULL, X("remarks"), X(remarks));
    return finish(doc, b);
}
