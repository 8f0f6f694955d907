/*
 * region.h - which nations and which of their subdivisions (Japanese
 * prefectures) a point, a predicted ground track or an impact ellipse
 * touches.
 *
 * The boundaries come from a JSON file that scripts/boundaries writes at
 * build time from Natural Earth (public domain, Debian package
 * qgis-common); its format is documented there and in docs/alerting.md.
 * GSOMIA_BOUNDARIES, a compile definition, is the path of the file the
 * build made: the node's default. An area is a country (ISO 3166-1
 * alpha-3 code) or a subdivision of one (ISO 3166-2 code, "JP-02"), made
 * of polygons with holes whose edges are straight lines in longitude and
 * latitude; no polygon crosses the antimeridian.
 *
 * Geometry. A point is inside an area when it is inside one of its
 * polygons and not in one of that polygon's holes (even-odd rule). Distances
 * are measured in an equirectangular projection about the query (the
 * segment's start, or the ellipse's centre) scaled by the WGS84 radii of
 * curvature at its latitude: well under 1 % off for distances below about
 * 500 km at latitudes below 70 degrees, worse towards the poles. Longer
 * path segments are cut, along the great circle, into pieces of at most
 * GS_REGION_STEP metres before they are measured. Longitudes are wrapped
 * about the query, so paths and ellipses across the antimeridian work.
 *
 * Speed. Every polygon, and every run of GS_REGION_CHUNK edges of a ring,
 * keeps its bounding box; a query looks at the edges of a box only when the
 * box is within reach, and stops looking at an area once it is hit. A
 * 4,600 km path sampled every 10 km against every country takes about a
 * millisecond (bench numbers in docs/alerting.md).
 *
 * A loaded struct gs_regions is immutable: any number of threads may query
 * it at once. Results name areas by pointers into it, valid until
 * gs_regions_free.
 */
#ifndef GS_ALERT_REGION_H
#define GS_ALERT_REGION_H

#include <stddef.h>

#include "base/diag.h"
#include "track/update.h"

/* Limits of a boundaries file; a file past any of them is refused. */
#define GS_REGIONS_MAX_FILE (64u << 20)    /* bytes */
#define GS_REGIONS_MAX_COUNTRIES 512       /* also subdivisions of one */
#define GS_REGIONS_MAX_SUBDIVISIONS 8192   /* in all */
#define GS_REGIONS_MAX_POLYGONS (1u << 18) /* in all */
#define GS_REGIONS_MAX_RINGS (1u << 19)    /* in all */
#define GS_REGIONS_MAX_POINTS (8u << 20)   /* in all */
#define GS_REGIONS_MAX_NAME 200            /* bytes of a name */

/* Queries: path points, largest radius or semi-axis, longest piece. */
#define GS_REGION_MAX_PATH 100000
#define GS_REGION_MAX_RADIUS 1.0e6 /* metres */
#define GS_REGION_STEP 50.0e3      /* metres */
#define GS_REGION_CHUNK 16         /* edges per bounding box */

/* An area: a country or one of its subdivisions. */
struct gs_region {
    char code[8];     /* "JPN", or "JP-02" */
    char country[4];  /* "JPN" in both cases */
    const char *name; /* "Japan", "Aomori" (English, UTF-8) */
};

/* Areas found by a query, in the order of their codes. */
struct gs_region_set {
    size_t n;
    const struct gs_region *r[GS_REGIONS_MAX_COUNTRIES];
};

/* A point of a predicted ground track and its uncertainty. */
struct gs_region_point {
    double lat, lon; /* degrees; lon in [-180, 180] */
    double radius;   /* metres, 0 to GS_REGION_MAX_RADIUS */
};

struct gs_regions;

/*
 * Loads a boundaries file of at most GS_REGIONS_MAX_FILE bytes. On error
 * reports "FILE:LINE:COL: error: ..." to d (what is wrong and where) and
 * returns GS_ERR_INVALID (bad content), GS_ERR_NOT_FOUND or GS_ERR_IO;
 * *out is then NULL. The caller frees *out with gs_regions_free.
 */
int gs_regions_load(const char *path, struct gs_regions **out,
                    struct gs_diag *d);
/* The same for len bytes of text named file in messages. */
int gs_regions_parse(const char *text, size_t len, const char *file,
                     struct gs_regions **out, struct gs_diag *d);
/* Frees r; NULL does nothing. */
void gs_regions_free(struct gs_regions *r);

/* The number of countries, or of subdivisions of country (0: none). */
size_t gs_regions_count(const struct gs_regions *r, const char *country);

/* The country ("JPN") or subdivision ("JP-02") of that code, or NULL. */
const struct gs_region *gs_regions_find(const struct gs_regions *r,
                                        const char *code);

/*
 * The country whose territory holds the point (degrees), or NULL: sea, a
 * piece Natural Earth leaves disputed, or an invalid point. Where
 * simplified borders overlap, the first code in order wins.
 */
const struct gs_region *gs_regions_country_at(const struct gs_regions *r,
                                              double lat, double lon);
/* The same among the subdivisions of country. */
const struct gs_region *gs_regions_subdivision_at(const struct gs_regions *r,
                                                  const char *country,
                                                  double lat, double lon);

/*
 * The areas within reach of a predicted ground track: those whose territory
 * lies within pts[i].radius of some pts[i], or within the radius
 * interpolated linearly between consecutive points of the segment between
 * them (the convex hull of the two disks). country NULL asks for countries;
 * otherwise for the subdivisions of that country. n is 1 to
 * GS_REGION_MAX_PATH. Returns 0 and fills *out (which may be empty);
 * GS_ERR_INVALID for a point, radius or n out of range; GS_ERR_NOT_FOUND
 * when country has no subdivisions in the file. *out is empty on error.
 */
int gs_regions_near_path(const struct gs_regions *r, const char *country,
                         const struct gs_region_point *pts, size_t n,
                         struct gs_region_set *out);

/*
 * The areas that a ground ellipse (a 95 % impact ellipse: centre in
 * degrees, semi-axes in metres up to GS_REGION_MAX_RADIUS with semi_minor
 * <= semi_major, orientation the azimuth of the major axis in radians
 * clockwise from north) intersects: an ellipse wholly inside an area counts,
 * and so does an area wholly inside the ellipse. country as for
 * gs_regions_near_path, and the same return codes.
 */
int gs_regions_in_ellipse(const struct gs_regions *r, const char *country,
                          double lat, double lon, const struct gs_ellipse *e,
                          struct gs_region_set *out);

#endif
