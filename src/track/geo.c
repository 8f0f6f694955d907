/*
 * geo.c - WGS84 geodesy and radar geometry; see geo.h.
 *
 * ECEF to geodetic uses Heikkinen's closed form (1982), which needs no
 * iteration and holds from the centre of the Earth to far above it; the
 * tracker calls it for every plot it converts and every step of an impact
 * search, so it must be both exact and cheap. Distances use Vincenty's
 * inverse formula (1975).
 */
#include "track/geo.h"

#include <math.h>
#include <stddef.h>

#include "base/err.h"

void gs_geodetic_to_ecef(const struct gs_geodetic *g, double r[3])
{
    double sl = sin(g->lat), cl = cos(g->lat);
    double n = GS_WGS84_A / sqrt(1.0 - GS_WGS84_E2 * sl * sl);

    r[0] = (n + g->h) * cl * cos(g->lon);
    r[1] = (n + g->h) * cl * sin(g->lon);
    r[2] = (n * (1.0 - GS_WGS84_E2) + g->h) * sl;
}

void gs_ecef_to_geodetic(const double r[3], struct gs_geodetic *g)
{
    const double a = GS_WGS84_A, b = GS_WGS84_B, e2 = GS_WGS84_E2;
    const double ep2 = (a * a - b * b) / (b * b);
    double x = r[0], y = r[1], z = r[2];
    double p2 = x * x + y * y, p = sqrt(p2);
    double F, G, c, s, k, P, Q, r0, t, U, V, z0;

    if (p == 0 && z == 0) {
        g->lat = 0;
        g->lon = 0;
        g->h = -a;
        return;
    }
    F = 54.0 * b * b * z * z;
    G = p2 + (1.0 - e2) * z * z - e2 * (a * a - b * b);
    c = e2 * e2 * F * p2 / (G * G * G);
    s = cbrt(1.0 + c + sqrt(c * c + 2.0 * c));
    k = s + 1.0 + 1.0 / s;
    P = F / (3.0 * k * k * G * G);
    Q = sqrt(1.0 + 2.0 * e2 * e2 * P);
    t = a * a / 2.0 * (1.0 + 1.0 / Q) -
        P * (1.0 - e2) * z * z / (Q * (1.0 + Q)) - P * p2 / 2.0;
    r0 = -P * e2 * p / (1.0 + Q) + sqrt(t > 0 ? t : 0);
    U = sqrt((p - e2 * r0) * (p - e2 * r0) + z * z);
    V = sqrt((p - e2 * r0) * (p - e2 * r0) + (1.0 - e2) * z * z);
    z0 = b * b * z / (a * V);
    g->h = U * (1.0 - b * b / (a * V));
    g->lat = atan2(z + ep2 * z0, p);
    g->lon = atan2(y, x);
}

void gs_enu_matrix(double lat, double lon, double m[9])
{
    double sl = sin(lat), cl = cos(lat), so = sin(lon), co = cos(lon);

    m[0] = -so;
    m[1] = co;
    m[2] = 0;
    m[3] = -sl * co;
    m[4] = -sl * so;
    m[5] = cl;
    m[6] = cl * co;
    m[7] = cl * so;
    m[8] = sl;
}

void gs_site_init(struct gs_site *s, const struct gs_geodetic *g)
{
    s->g = *g;
    gs_geodetic_to_ecef(g, s->ecef);
    gs_enu_matrix(g->lat, g->lon, s->enu);
}

void gs_site_enu(const struct gs_site *s, const double r[3], double enu[3])
{
    double d[3] = {r[0] - s->ecef[0], r[1] - s->ecef[1], r[2] - s->ecef[2]};
    int i;

    for (i = 0; i < 3; i++)
        enu[i] = s->enu[3 * i] * d[0] + s->enu[3 * i + 1] * d[1] +
                 s->enu[3 * i + 2] * d[2];
}

void gs_site_from_enu(const struct gs_site *s, const double enu[3], double r[3])
{
    int i;

    for (i = 0; i < 3; i++)
        r[i] = s->ecef[i] + s->enu[i] * enu[0] + s->enu[3 + i] * enu[1] +
               s->enu[6 + i] * enu[2];
}

void gs_radar_measure(const struct gs_site *s, const double x[6], double z[4],
                      double *H)
{
    double d[3] = {x[0] - s->ecef[0], x[1] - s->ecef[1], x[2] - s->ecef[2]};
    double l[3];
    double rho, g2, g, rr, az;
    int i;

    gs_site_enu(s, x, l);
    rho = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    g2 = l[0] * l[0] + l[1] * l[1];
    g = sqrt(g2);
    rr = (d[0] * x[3] + d[1] * x[4] + d[2] * x[5]) / rho;
    az = atan2(l[0], l[1]);
    if (az < 0)
        az += 2 * GS_PI;
    z[GS_Z_RANGE] = rho;
    z[GS_Z_AZ] = az;
    z[GS_Z_EL] = atan2(l[2], g);
    z[GS_Z_RR] = rr;
    if (H == NULL)
        return;
    for (i = 0; i < 24; i++)
        H[i] = 0;
    {
        /* Derivatives with respect to the ENU offset l, then rotated back
         * to ECEF: dz/dr = dz/dl * enu (enu is the rotation ECEF -> ENU). */
        double daz[3] = {l[1] / g2, -l[0] / g2, 0};
        double rho2 = rho * rho;
        double del[3] = {-l[0] * l[2] / (rho2 * g), -l[1] * l[2] / (rho2 * g),
                         g / rho2};
        int j;

        for (j = 0; j < 3; j++) {
            H[0 * 6 + j] = d[j] / rho;
            H[1 * 6 + j] = daz[0] * s->enu[j] + daz[1] * s->enu[3 + j] +
                           daz[2] * s->enu[6 + j];
            H[2 * 6 + j] = del[0] * s->enu[j] + del[1] * s->enu[3 + j] +
                           del[2] * s->enu[6 + j];
            H[3 * 6 + j] = (x[3 + j] - rr * d[j] / rho) / rho;
            H[3 * 6 + 3 + j] = d[j] / rho;
        }
    }
}

void gs_radar_position(const struct gs_site *s, double range, double az,
                       double el, double r[3])
{
    double enu[3] = {range * cos(el) * sin(az), range * cos(el) * cos(az),
                     range * sin(el)};

    gs_site_from_enu(s, enu, r);
}

double gs_angle_wrap(double a)
{
    a = fmod(a, 2 * GS_PI);
    if (a > GS_PI)
        a -= 2 * GS_PI;
    else if (a <= -GS_PI)
        a += 2 * GS_PI;
    return a;
}

int gs_geodesic_inverse(double lat1, double lon1, double lat2, double lon2,
                        double *s, double *az1)
{
    const double a = GS_WGS84_A, b = GS_WGS84_B, f = GS_WGS84_F;
    double L = gs_angle_wrap(lon2 - lon1);
    double U1 = atan((1 - f) * tan(lat1)), U2 = atan((1 - f) * tan(lat2));
    double sU1 = sin(U1), cU1 = cos(U1), sU2 = sin(U2), cU2 = cos(U2);
    double lam = L, lam_prev;
    double sS = 0, cS = 0, sigma = 0, c2a = 0, c2sm = 0, sl = 0, cl = 0;
    int iter;

    for (iter = 0; iter < 200; iter++) {
        double sa, C;

        sl = sin(lam);
        cl = cos(lam);
        sS = sqrt((cU2 * sl) * (cU2 * sl) +
                  (cU1 * sU2 - sU1 * cU2 * cl) * (cU1 * sU2 - sU1 * cU2 * cl));
        if (sS == 0) {
            *s = 0;
            if (az1 != NULL)
                *az1 = 0;
            return 0;
        }
        cS = sU1 * sU2 + cU1 * cU2 * cl;
        sigma = atan2(sS, cS);
        sa = cU1 * cU2 * sl / sS;
        c2a = 1 - sa * sa;
        c2sm = c2a != 0 ? cS - 2 * sU1 * sU2 / c2a : 0;
        C = f / 16 * c2a * (4 + f * (4 - 3 * c2a));
        lam_prev = lam;
        lam =
            L + (1 - C) * f * sa *
                    (sigma + C * sS * (c2sm + C * cS * (-1 + 2 * c2sm * c2sm)));
        if (fabs(lam - lam_prev) < 1e-13)
            break;
    }
    if (iter == 200 || !isfinite(lam)) {
        /* Near-antipodal: the great circle on the mean sphere. */
        double R = (2 * a + b) / 3;
        double dl = lon2 - lon1;
        double h = sin((lat2 - lat1) / 2) * sin((lat2 - lat1) / 2) +
                   cos(lat1) * cos(lat2) * sin(dl / 2) * sin(dl / 2);

        *s = 2 * R * asin(sqrt(h > 1 ? 1 : h));
        if (az1 != NULL)
            *az1 = 0;
        return GS_ERR_INVALID;
    }
    {
        double u2 = c2a * (a * a - b * b) / (b * b);
        double A =
            1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
        double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
        double dS = B * sS *
                    (c2sm + B / 4 *
                                (cS * (-1 + 2 * c2sm * c2sm) -
                                 B / 6 * c2sm * (-3 + 4 * sS * sS) *
                                     (-3 + 4 * c2sm * c2sm)));

        *s = b * A * (sigma - dS);
        if (az1 != NULL) {
            double az = atan2(cU2 * sl, cU1 * sU2 - sU1 * cU2 * cl);

            *az1 = az < 0 ? az + 2 * GS_PI : az;
        }
    }
    return 0;
}
