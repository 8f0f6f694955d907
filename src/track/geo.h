/*
 * geo.h - WGS84 geodesy for the tracker: geodetic and Earth-centred,
 * Earth-fixed (ECEF) coordinates, local east-north-up (ENU) frames, radar
 * range / azimuth / elevation / range-rate with their Jacobians, and
 * distances on the ellipsoid.
 *
 * Inside the library every angle is in radians; files people write carry
 * latitude and longitude in degrees and convert at the edge. Azimuth is
 * clockwise from true north in [0, 2 pi); elevation is above the plane
 * tangent to the ellipsoid at the site (the local horizontal).
 */
#ifndef GS_TRACK_GEO_H
#define GS_TRACK_GEO_H

#include <stdbool.h>

/* WGS84 (NIMA TR8350.2) and the constants of REFERENCE.md. */
#define GS_WGS84_A 6378137.0
#define GS_WGS84_F (1.0 / 298.257223563)
#define GS_WGS84_B (GS_WGS84_A * (1.0 - GS_WGS84_F))
#define GS_WGS84_E2 (GS_WGS84_F * (2.0 - GS_WGS84_F))
#define GS_WGS84_GM 3.986004418e14
#define GS_WGS84_OMEGA 7.292115e-5
#define GS_WGS84_J2 1.082629821313e-3

#define GS_PI 3.14159265358979323846
#define GS_DEG (GS_PI / 180.0)

struct gs_geodetic {
    double lat, lon; /* radians; lon in (-pi, pi] */
    double h;        /* metres above the ellipsoid */
};

/* Geodetic to ECEF (metres). */
void gs_geodetic_to_ecef(const struct gs_geodetic *g, double r[3]);

/*
 * ECEF to geodetic by Heikkinen's closed form (exact up to rounding: well
 * under a micrometre from deep below the surface to beyond geostationary
 * height). Not valid within 43 km of the Earth's centre (inside the evolute
 * of the ellipsoid, where the foot point is not unique); the centre itself
 * maps to latitude 0, height -a.
 */
void gs_ecef_to_geodetic(const double r[3], struct gs_geodetic *g);

/*
 * The rotation from ECEF to the local ENU frame at (lat, lon): rows are the
 * east, north and up unit vectors expressed in ECEF (row-major 3 x 3).
 */
void gs_enu_matrix(double lat, double lon, double m[9]);

/* A place on the Earth with its ECEF position and ENU frame precomputed. */
struct gs_site {
    struct gs_geodetic g;
    double ecef[3];
    double enu[9];
};

void gs_site_init(struct gs_site *s, const struct gs_geodetic *g);

/* ENU coordinates of the ECEF point r relative to the site. */
void gs_site_enu(const struct gs_site *s, const double r[3], double enu[3]);

/* The ECEF point at ENU offset enu from the site. */
void gs_site_from_enu(const struct gs_site *s, const double enu[3],
                      double r[3]);

/* Indices of a radar measurement vector. */
enum { GS_Z_RANGE = 0, GS_Z_AZ = 1, GS_Z_EL = 2, GS_Z_RR = 3 };

/*
 * What a radar at site s measures of a target at ECEF state x = (position,
 * velocity): z = (range, azimuth in [0, 2 pi), elevation, range rate). When
 * H is not NULL it receives the Jacobian dz/dx, 4 rows of 6 (row-major).
 * The site is at rest in ECEF, so the range rate is the projection of the
 * target's ECEF velocity on the line of sight. The target must not be at the
 * site, nor straight above it when H is wanted (azimuth is undefined there):
 * both are checked by the callers, which drop such plots.
 */
void gs_radar_measure(const struct gs_site *s, const double x[6], double z[4],
                      double *H);

/* The inverse: the ECEF position at (range, azimuth, elevation) from s. */
void gs_radar_position(const struct gs_site *s, double range, double az,
                       double el, double r[3]);

/* a wrapped into (-pi, pi]. */
double gs_angle_wrap(double a);

/*
 * Distance along the WGS84 ellipsoid between two geodetic points, and the
 * initial azimuth (radians clockwise from north) when az1 is not NULL, by
 * Vincenty's inverse formula. Near-antipodal points, where it does not
 * converge, fall back to the great circle on the sphere of mean radius
 * (error under 0.5 %). Returns 0, or GS_ERR_INVALID on the fallback.
 */
int gs_geodesic_inverse(double lat1, double lon1, double lat2, double lon2,
                        double *s, double *az1);

#endif
