/*
 * region.c - countries and subdivisions near points, paths and ellipses;
 * see region.h.
 *
 * Storage: all points of all rings in one array of (lon, lat) pairs; rings,
 * polygons and areas index into it. Rings are cut into chunks of
 * GS_REGION_CHUNK edges with a bounding box each, so that a query touches
 * only the edges near it: a polygon's box, then a chunk's box, then edges.
 *
 * Reach tests are exact in the local plane: the set of points within the
 * linearly interpolated radius of a segment AB is the convex hull H of the
 * disks at A and B (the union of the disks along AB). A polygon edge meets
 * H iff it comes within rA of A or rB of B, or it enters the quadrilateral
 * between the two outer tangents: a start point inside it, or a crossing of
 * one of the tangent sides (its other two sides are chords of the disks).
 * An area is within reach when some path point lies inside it or some edge
 * of its rings meets H: if H meets the territory without holding a path
 * point inside it, H crosses the territory's boundary, which is made of
 * those edges. The ellipse test maps the ellipse to the unit disk.
 */
#include "alert/region.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "track/geo.h"

struct box {
    double lon0, lon1, lat0, lat1;
};

/* Edges start .. start + n - 1 of a ring; edge i joins points i and i+1. */
struct chunk {
    struct box b;
    uint32_t ring, start, n;
};

struct ring {
    uint32_t first, n; /* points */
    uint32_t first_chunk, n_chunks;
};

struct poly {
    struct box b;
    uint32_t first_ring, n_rings; /* the outer ring, then its holes */
};

struct area {
    struct gs_region pub; /* first: results point here */
    struct box b;
    uint32_t first_poly, n_polys;
};

struct gs_regions {
    struct area *countries, *subs;
    size_t n_countries, n_subs;
    struct poly *polys;
    struct ring *rings;
    struct chunk *chunks;
    double *pts; /* lon, lat pairs */
    size_t n_polys, n_rings, n_chunks, n_pts;
    size_t cap_polys, cap_rings, cap_chunks, cap_pts;
};

/* ------------------------------------------------------------- boxes */

static void box_empty(struct box *b)
{
    b->lon0 = b->lat0 = INFINITY;
    b->lon1 = b->lat1 = -INFINITY;
}

static void box_add(struct box *b, double lon, double lat)
{
    b->lon0 = fmin(b->lon0, lon);
    b->lon1 = fmax(b->lon1, lon);
    b->lat0 = fmin(b->lat0, lat);
    b->lat1 = fmax(b->lat1, lat);
}

static void box_union(struct box *b, const struct box *o)
{
    b->lon0 = fmin(b->lon0, o->lon0);
    b->lon1 = fmax(b->lon1, o->lon1);
    b->lat0 = fmin(b->lat0, o->lat0);
    b->lat1 = fmax(b->lat1, o->lat1);
}

static bool box_has(const struct box *b, double lat, double lon)
{
    return lat >= b->lat0 && lat <= b->lat1 && lon >= b->lon0 && lon <= b->lon1;
}

/*
 * Does b overlap the query box q? q's longitudes may run past +-180 (a
 * query near the antimeridian), so q is also tried shifted by a turn.
 */
static bool box_meets(const struct box *b, const struct box *q)
{
    int s;

    if (q->lat0 > b->lat1 || q->lat1 < b->lat0)
        return false;
    if (q->lon1 - q->lon0 >= 360)
        return true;
    for (s = -360; s <= 360; s += 360)
        if (q->lon0 + s <= b->lon1 && q->lon1 + s >= b->lon0)
            return true;
    return false;
}

/* ------------------------------------------------------------- loading */

struct loader {
    const struct gs_jctx *c;
    struct gs_regions *r;
    const char *what; /* "country JPN" */
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    while (*cap < need)
        *cap = *cap ? *cap * 2 : 64;
    return gs_reallocarray(p, *cap, size);
}

static void err_at(const struct loader *l, const json_t *arr, size_t i,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void err_at(const struct loader *l, const json_t *arr, size_t i,
                   const char *fmt, ...)
{
    struct gs_pos p = gs_jpos_element(l->c->doc, arr, i);
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    gs_diag_error(l->c->diag, &p, "%s", msg);
}

static int load_ring(struct loader *l, const json_t *poly, size_t k, size_t pi,
                     struct box *pb)
{
    struct gs_regions *r = l->r;
    const json_t *ring = json_array_get(poly, k);
    size_t n = json_array_size(ring), i, first = r->n_pts, np = n / 2;
    struct ring *rg;

    if (!json_is_array(ring) || n % 2 != 0 || n < 6) {
        err_at(l, poly, k,
               "ring %zu of polygon %zu of %s must be an array of at least "
               "3 points, written as longitude, latitude pairs",
               k + 1, pi + 1, l->what);
        return GS_ERR_INVALID;
    }
    if (np > GS_REGIONS_MAX_POINTS - r->n_pts) {
        err_at(l, poly, k, "more than %u points in all: the file is too big",
               GS_REGIONS_MAX_POINTS);
        return GS_ERR_TOO_BIG;
    }
    if (r->n_rings >= GS_REGIONS_MAX_RINGS) {
        err_at(l, poly, k, "more than %u rings in all: the file is too big",
               GS_REGIONS_MAX_RINGS);
        return GS_ERR_TOO_BIG;
    }
    r->pts = grow(r->pts, &r->cap_pts, (r->n_pts + np) * 2, sizeof(double));
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(ring, i);
        double x = json_number_value(v);
        bool lon = i % 2 == 0;
        double lim = lon ? 180 : 90;

        if (!json_is_number(v) || !isfinite(x) || x < -lim || x > lim) {
            err_at(l, ring, i,
                   "point %zu of ring %zu of polygon %zu of %s: the %s "
                   "must be a number of degrees between %g and %g",
                   i / 2 + 1, k + 1, pi + 1, l->what,
                   lon ? "longitude" : "latitude", -lim, lim);
            return GS_ERR_INVALID;
        }
        r->pts[first * 2 + i] = x;
    }
    r->n_pts += np;
    r->rings = grow(r->rings, &r->cap_rings, r->n_rings + 1, sizeof(*rg));
    rg = &r->rings[r->n_rings];
    rg->first = (uint32_t)first;
    rg->n = (uint32_t)np;
    rg->first_chunk = (uint32_t)r->n_chunks;
    rg->n_chunks = (uint32_t)((np + GS_REGION_CHUNK - 1) / GS_REGION_CHUNK);
    r->chunks = grow(r->chunks, &r->cap_chunks, r->n_chunks + rg->n_chunks,
                     sizeof(struct chunk));
    for (i = 0; i < rg->n_chunks; i++) {
        struct chunk *ch = &r->chunks[r->n_chunks++];
        size_t e, start = i * GS_REGION_CHUNK;
        size_t end =
            start + GS_REGION_CHUNK < np ? start + GS_REGION_CHUNK : np;

        ch->ring = (uint32_t)r->n_rings;
        ch->start = (uint32_t)start;
        ch->n = (uint32_t)(end - start);
        box_empty(&ch->b);
        /* Edge e joins point e and the next, the last one the first. */
        for (e = start; e <= end; e++) {
            const double *p = &r->pts[(first + e % np) * 2];

            box_add(&ch->b, p[0], p[1]);
        }
        if (k == 0)
            box_union(pb, &ch->b);
    }
    r->n_rings++;
    return 0;
}

static int load_polygons(struct loader *l, const json_t *obj, struct area *a)
{
    struct gs_regions *r = l->r;
    const json_t *polys;
    size_t i, k;
    int rc = gs_json_array(l->c, obj, "polygons", true, &polys);

    if (rc < 0)
        return rc;
    if (json_array_size(polys) == 0) {
        struct gs_pos p = gs_jpos_member(l->c->doc, obj, "polygons");

        gs_diag_error(l->c->diag, &p, "%s has no polygon", l->what);
        return GS_ERR_INVALID;
    }
    a->first_poly = (uint32_t)r->n_polys;
    box_empty(&a->b);
    for (i = 0; i < json_array_size(polys); i++) {
        const json_t *poly = json_array_get(polys, i);
        struct poly *p;

        if (!json_is_array(poly) || json_array_size(poly) == 0) {
            err_at(l, polys, i,
                   "polygon %zu of %s must be an array of rings, the "
                   "outer ring first",
                   i + 1, l->what);
            return GS_ERR_INVALID;
        }
        if (r->n_polys >= GS_REGIONS_MAX_POLYGONS) {
            err_at(l, polys, i,
                   "more than %u polygons in all: the file is too big",
                   GS_REGIONS_MAX_POLYGONS);
            return GS_ERR_TOO_BIG;
        }
        r->polys = grow(r->polys, &r->cap_polys, r->n_polys + 1, sizeof(*p));
        p = &r->polys[r->n_polys];
        p->first_ring = (uint32_t)r->n_rings;
        p->n_rings = (uint32_t)json_array_size(poly);
        box_empty(&p->b);
        for (k = 0; k < json_array_size(poly); k++) {
            /* load_ring may move r->polys; p is looked up again below. */
            struct box b = p->b;

            rc = load_ring(l, poly, k, i, &b);
            if (rc < 0)
                return rc;
            p = &r->polys[r->n_polys];
            p->b = b;
        }
        box_union(&a->b, &p->b);
        r->n_polys++;
    }
    a->n_polys = (uint32_t)(r->n_polys - a->first_poly);
    return 0;
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool country_code_ok(const char *s)
{
    return strlen(s) == 3 && is_upper(s[0]) && is_upper(s[1]) && is_upper(s[2]);
}

/* ISO 3166-2: two letters, '-', one to three letters or digits. */
static bool sub_code_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n < 4 || n > 6 || !is_upper(s[0]) || !is_upper(s[1]) || s[2] != '-')
        return false;
    for (i = 3; i < n; i++)
        if (!is_upper(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
            return false;
    return true;
}

static int cmp_area(const struct area *a, const struct area *b)
{
    int c = strcmp(a->pub.country, b->pub.country);

    return c != 0 ? c : strcmp(a->pub.code, b->pub.code);
}

static const struct area *find_country(const struct gs_regions *r,
                                       const char *code)
{
    size_t lo = 0, hi = r->n_countries;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->countries[mid].pub.code, code);

        if (c == 0)
            return &r->countries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int load_areas(struct loader *l, const json_t *root, bool subs)
{
    static const char *const ckeys[] = {"code", "name", "polygons", NULL};
    static const char *const skeys[] = {"country", "code", "name", "polygons",
                                        NULL};
    struct gs_regions *r = l->r;
    const char *key = subs ? "subdivisions" : "countries";
    const json_t *arr;
    struct area *areas;
    size_t i, n, per_country = 0;
    size_t max = subs ? GS_REGIONS_MAX_SUBDIVISIONS : GS_REGIONS_MAX_COUNTRIES;
    char what[64];
    int rc = gs_json_array(l->c, root, key, true, &arr);

    if (rc < 0)
        return rc;
    n = json_array_size(arr);
    if (n > max) {
        struct gs_pos p = gs_jpos_member(l->c->doc, root, key);

        gs_diag_error(l->c->diag, &p, "more than %zu %s", max, key);
        return GS_ERR_TOO_BIG;
    }
    areas = gs_calloc(n ? n : 1, sizeof(*areas));
    if (subs)
        r->subs = areas;
    else
        r->countries = areas;
    for (i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        struct area *a = &areas[i];
        const char *code, *name, *country = NULL;

        snprintf(what, sizeof(what), "%s entry %zu", key, i + 1);
        rc = gs_json_object(l->c, o, what, subs ? skeys : ckeys);
        if (rc == 0 && subs)
            rc = gs_json_string(l->c, o, "country", true, &country);
        if (rc == 0)
            rc = gs_json_string(l->c, o, "code", true, &code);
        if (rc == 0)
            rc = gs_json_string(l->c, o, "name", true, &name);
        if (rc < 0)
            return rc;
        if (subs ? !sub_code_ok(code) : !country_code_ok(code)) {
            struct gs_pos p = gs_jpos_member(l->c->doc, o, "code");

            gs_diag_error(l->c->diag, &p,
                          subs ? "\"%s\" is not an ISO 3166-2 code such as "
                                 "\"JP-02\""
                               : "\"%s\" is not a country code of three "
                                 "capital letters such as \"JPN\"",
                          code);
            return GS_ERR_INVALID;
        }
        if (country != NULL && find_country(r, country) == NULL) {
            struct gs_pos p = gs_jpos_member(l->c->doc, o, "country");

            gs_diag_error(l->c->diag, &p,
                          "\"%s\" is not one of the countries of the file",
                          country);
            return GS_ERR_INVALID;
        }
        if (strlen(name) > GS_REGIONS_MAX_NAME) {
            struct gs_pos p = gs_jpos_member(l->c->doc, o, "name");

            gs_diag_error(l->c->diag, &p, "the name is longer than %d bytes",
                          GS_REGIONS_MAX_NAME);
            return GS_ERR_INVALID;
        }
        memcpy(a->pub.code, code, strlen(code) + 1);
        memcpy(a->pub.country, country ? country : code, 4);
        a->pub.name = gs_strdup(name);
        if (subs)
            r->n_subs = i + 1;
        else
            r->n_countries = i + 1;
        if (i > 0 && cmp_area(&areas[i - 1], a) >= 0) {
            struct gs_pos p = gs_jpos_member(l->c->doc, o, "code");

            gs_diag_error(l->c->diag, &p,
                          "%s must be sorted by %scode without repeats: "
                          "\"%s\" comes after \"%s\"",
                          key, subs ? "country, then " : "", code,
                          areas[i - 1].pub.code);
            return GS_ERR_INVALID;
        }
        per_country =
            i > 0 && strcmp(areas[i - 1].pub.country, a->pub.country) == 0
                ? per_country + 1
                : 1;
        if (per_country > GS_REGIONS_MAX_COUNTRIES) {
            struct gs_pos p = gs_jpos_element(l->c->doc, arr, i);

            gs_diag_error(l->c->diag, &p, "more than %d subdivisions of %s",
                          GS_REGIONS_MAX_COUNTRIES, a->pub.country);
            return GS_ERR_TOO_BIG;
        }
        snprintf(what, sizeof(what), "%s %s", subs ? "subdivision" : "country",
                 code);
        l->what = what;
        rc = load_polygons(l, o, a);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int load_root(struct loader *l, const json_t *root)
{
    static const char *const keys[] = {"format",    "version",      "source",
                                       "countries", "subdivisions", NULL};
    const char *format, *source;
    double version;
    int rc = gs_json_object(l->c, root, "the boundaries file", keys);

    if (rc == 0)
        rc = gs_json_string(l->c, root, "format", true, &format);
    if (rc == 0 && strcmp(format, "gsomia-boundaries") != 0) {
        struct gs_pos p = gs_jpos_member(l->c->doc, root, "format");

        gs_diag_error(l->c->diag, &p,
                      "\"format\" must be \"gsomia-boundaries\": this is not "
                      "a file written by scripts/boundaries");
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        rc = gs_json_number(l->c, root, "version", true, &version, NULL);
    if (rc == 0 && version != 1) {
        struct gs_pos p = gs_jpos_member(l->c->doc, root, "version");

        gs_diag_error(l->c->diag, &p,
                      "version %g is not one this gsomia reads (1): "
                      "rebuild the file with scripts/boundaries",
                      version);
        rc = GS_ERR_UNSUPPORTED;
    }
    if (rc == 0)
        rc = gs_json_string(l->c, root, "source", false, &source);
    if (rc == 0)
        rc = load_areas(l, root, false);
    if (rc == 0)
        rc = load_areas(l, root, true);
    return rc;
}

/*
 * Reads the document into a fresh r; c->doc may be NULL (no positions).
 * On error r is freed and *out stays NULL.
 */
static int load_text(const json_t *root, const struct gs_jctx *c,
                     struct gs_regions **out)
{
    struct gs_regions *r = gs_calloc(1, sizeof(*r));
    struct loader l = {c, r, ""};
    int rc = load_root(&l, root);

    if (rc < 0) {
        gs_regions_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int gs_regions_parse(const char *text, size_t len, const char *file,
                     struct gs_regions **out, struct gs_diag *d)
{
    struct gs_jdoc doc;
    struct gs_jctx fast = {NULL, NULL}, slow = {&doc, d};
    json_error_t err;
    json_t *root;
    int rc;

    *out = NULL;
    if (len > GS_REGIONS_MAX_FILE) {
        struct gs_pos p = {file, 0, 0};

        gs_diag_error(d, &p, "the boundaries file is larger than %u bytes",
                      GS_REGIONS_MAX_FILE);
        return GS_ERR_TOO_BIG;
    }
    /* Remembering the place of each of a few hundred thousand numbers
     * costs more than reading them: read without places first, and only
     * when something is wrong read again with them to say where. */
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (root != NULL) {
        rc = load_text(root, &fast, out);
        json_decref(root);
        if (rc == 0)
            return 0;
    }
    rc = gs_jdoc_parse(&doc, file, text, len, d);
    if (rc == 0)
        rc = load_text(doc.root, &slow, out);
    gs_jdoc_free(&doc);
    return rc < 0 ? rc : GS_ERR_INVALID;
}

int gs_regions_load(const char *path, struct gs_regions **out,
                    struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos p = {path, 0, 0};
    int rc;

    *out = NULL;
    gs_buf_init(&b, GS_REGIONS_MAX_FILE);
    rc = gs_buf_read_file(&b, path);
    if (rc == GS_ERR_TOO_BIG)
        gs_diag_error(d, &p, "the boundaries file is larger than %u bytes",
                      GS_REGIONS_MAX_FILE);
    else if (rc == GS_ERR_NOT_FOUND)
        gs_diag_error(d, &p,
                      "no such file: build it with scripts/boundaries "
                      "(the build writes share/boundaries.json)");
    else if (rc < 0)
        gs_diag_error(d, &p, "cannot read the boundaries file");
    if (rc == 0)
        rc = gs_regions_parse(gs_buf_str(&b), b.len, path, out, d);
    gs_buf_free(&b);
    return rc;
}

void gs_regions_free(struct gs_regions *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n_countries; i++)
        gs_free((char *)r->countries[i].pub.name);
    for (i = 0; i < r->n_subs; i++)
        gs_free((char *)r->subs[i].pub.name);
    gs_free(r->countries);
    gs_free(r->subs);
    gs_free(r->polys);
    gs_free(r->rings);
    gs_free(r->chunks);
    gs_free(r->pts);
    gs_free(r);
}

/* ------------------------------------------------------------- lookups */

/* The areas a query looks at: the countries, or one country's subs. */
static int select_areas(const struct gs_regions *r, const char *country,
                        const struct area **first, size_t *n)
{
    size_t i, k;

    *first = NULL;
    *n = 0;
    if (country == NULL) {
        *first = r->countries;
        *n = r->n_countries;
        return 0;
    }
    for (i = 0; i < r->n_subs; i++)
        if (strcmp(r->subs[i].pub.country, country) == 0)
            break;
    for (k = i; k < r->n_subs; k++)
        if (strcmp(r->subs[k].pub.country, country) != 0)
            break;
    if (k == i)
        return GS_ERR_NOT_FOUND;
    *first = &r->subs[i];
    *n = k - i;
    return 0;
}

size_t gs_regions_count(const struct gs_regions *r, const char *country)
{
    const struct area *a;
    size_t n;

    return select_areas(r, country, &a, &n) == 0 ? n : 0;
}

const struct gs_region *gs_regions_find(const struct gs_regions *r,
                                        const char *code)
{
    const struct area *a = find_country(r, code);
    size_t i;

    if (a != NULL)
        return &a->pub;
    for (i = 0; i < r->n_subs; i++)
        if (strcmp(r->subs[i].pub.code, code) == 0)
            return &r->subs[i].pub;
    return NULL;
}

/* Even-odd crossings of a ray going east from the point, over all rings. */
static bool poly_contains(const struct gs_regions *r, const struct poly *p,
                          double lat, double lon)
{
    bool in = false;
    uint32_t k, c, e;

    for (k = 0; k < p->n_rings; k++) {
        const struct ring *rg = &r->rings[p->first_ring + k];

        for (c = 0; c < rg->n_chunks; c++) {
            const struct chunk *ch = &r->chunks[rg->first_chunk + c];

            /* A crossing needs one end above lat and one not, east of
             * the point. */
            if (lat < ch->b.lat0 || lat >= ch->b.lat1 || lon > ch->b.lon1)
                continue;
            for (e = ch->start; e < ch->start + ch->n; e++) {
                const double *a = &r->pts[(rg->first + e) * 2];
                const double *b = &r->pts[(rg->first + (e + 1) % rg->n) * 2];

                if ((a[1] > lat) != (b[1] > lat) &&
                    lon < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0])
                    in = !in;
            }
        }
    }
    return in;
}

static bool area_contains(const struct gs_regions *r, const struct area *a,
                          double lat, double lon)
{
    uint32_t i;

    if (!box_has(&a->b, lat, lon))
        return false;
    for (i = 0; i < a->n_polys; i++) {
        const struct poly *p = &r->polys[a->first_poly + i];

        if (box_has(&p->b, lat, lon) && poly_contains(r, p, lat, lon))
            return true;
    }
    return false;
}

static bool point_ok(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 &&
           lon >= -180 && lon <= 180;
}

static const struct gs_region *first_holding(const struct gs_regions *r,
                                             const struct area *a, size_t n,
                                             double lat, double lon)
{
    size_t i;

    if (!point_ok(lat, lon))
        return NULL;
    for (i = 0; i < n; i++)
        if (area_contains(r, &a[i], lat, lon))
            return &a[i].pub;
    return NULL;
}

const struct gs_region *gs_regions_country_at(const struct gs_regions *r,
                                              double lat, double lon)
{
    return first_holding(r, r->countries, r->n_countries, lat, lon);
}

const struct gs_region *gs_regions_subdivision_at(const struct gs_regions *r,
                                                  const char *country,
                                                  double lat, double lon)
{
    const struct area *a;
    size_t n;

    if (country == NULL || select_areas(r, country, &a, &n) < 0)
        return NULL;
    return first_holding(r, a, n, lat, lon);
}

/* ------------------------------------------------- the local plane */

/*
 * An equirectangular plane about (lat0, lon0): x east and y north in metres,
 * scaled by the WGS84 radii of curvature at lat0.
 */
struct plane {
    double lat0, lon0;
    double kx, ky; /* metres per degree of longitude and of latitude */
};

static void plane_init(struct plane *pl, double lat0, double lon0)
{
    double s = sin(lat0 * GS_DEG), w = sqrt(1 - GS_WGS84_E2 * s * s);

    pl->lat0 = lat0;
    pl->lon0 = lon0;
    pl->ky = GS_WGS84_A * (1 - GS_WGS84_E2) / (w * w * w) * GS_DEG;
    pl->kx = GS_WGS84_A / w * cos(lat0 * GS_DEG) * GS_DEG;
    if (pl->kx < 1e-3)
        pl->kx = 1e-3; /* at a pole: every longitude is near */
}

static double wrap180(double d)
{
    while (d > 180)
        d -= 360;
    while (d < -180)
        d += 360;
    return d;
}

/*
 * Edge a-b in the plane. The first end's longitude is wrapped about the
 * plane's origin and the second keeps its offset from the first: edges in
 * the file never cross the antimeridian, so the edge is never torn apart.
 */
static void plane_edge(const struct plane *pl, const double *a, const double *b,
                       double p[2], double q[2])
{
    double d = wrap180(a[0] - pl->lon0);

    p[0] = d * pl->kx;
    p[1] = (a[1] - pl->lat0) * pl->ky;
    q[0] = (d + b[0] - a[0]) * pl->kx;
    q[1] = (b[1] - pl->lat0) * pl->ky;
}

/* The box of longitudes and latitudes within r metres of the plane's
 * points (x0, y0) and (x1, y1), which may run past +-180 degrees. */
static void plane_box(const struct plane *pl, double x0, double y0, double x1,
                      double y1, double r, struct box *b)
{
    b->lon0 = pl->lon0 + (fmin(x0, x1) - r) / pl->kx;
    b->lon1 = pl->lon0 + (fmax(x0, x1) + r) / pl->kx;
    b->lat0 = pl->lat0 + (fmin(y0, y1) - r) / pl->ky;
    b->lat1 = pl->lat0 + (fmax(y0, y1) + r) / pl->ky;
}

static double cross(const double o[2], const double a[2], const double b[2])
{
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

static double dist2_point_segment(const double c[2], const double p[2],
                                  const double q[2])
{
    double dx = q[0] - p[0], dy = q[1] - p[1];
    double l2 = dx * dx + dy * dy, t = 0, ex, ey;

    if (l2 > 0) {
        t = ((c[0] - p[0]) * dx + (c[1] - p[1]) * dy) / l2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    ex = p[0] + t * dx - c[0];
    ey = p[1] + t * dy - c[1];
    return ex * ex + ey * ey;
}

static bool on_segment(const double p[2], const double q[2], const double r[2])
{
    return fmin(p[0], q[0]) <= r[0] && r[0] <= fmax(p[0], q[0]) &&
           fmin(p[1], q[1]) <= r[1] && r[1] <= fmax(p[1], q[1]);
}

/* Do segments p1-p2 and q1-q2 meet (touching counts)? */
static bool segments_meet(const double p1[2], const double p2[2],
                          const double q1[2], const double q2[2])
{
    double d1 = cross(q1, q2, p1), d2 = cross(q1, q2, p2);
    double d3 = cross(p1, p2, q1), d4 = cross(p1, p2, q2);

    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
        ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        return true;
    return (d1 == 0 && on_segment(q1, q2, p1)) ||
           (d2 == 0 && on_segment(q1, q2, p2)) ||
           (d3 == 0 && on_segment(p1, p2, q1)) ||
           (d4 == 0 && on_segment(p1, p2, q2));
}

/* The hull of the disks (A = origin, ra) and (B, rb) in the plane. */
struct hull {
    double a[2], b[2], ra, rb;
    bool quad;      /* false when one disk holds the other */
    double q[4][2]; /* tangent points: A+, B+, B-, A- */
};

static void hull_init(struct hull *h, double bx, double by, double ra,
                      double rb)
{
    double l = hypot(bx, by);

    h->a[0] = h->a[1] = 0;
    h->b[0] = bx;
    h->b[1] = by;
    h->ra = ra;
    h->rb = rb;
    h->quad = l > fabs(rb - ra) && ra + rb > 0;
    if (h->quad) {
        double ux = bx / l, uy = by / l, vx = -uy, vy = ux;
        double c = -(rb - ra) / l, s = sqrt(fmax(0, 1 - c * c));
        double n1[2] = {c * ux + s * vx, c * uy + s * vy};
        double n2[2] = {c * ux - s * vx, c * uy - s * vy};

        h->q[0][0] = ra * n1[0];
        h->q[0][1] = ra * n1[1];
        h->q[1][0] = bx + rb * n1[0];
        h->q[1][1] = by + rb * n1[1];
        h->q[2][0] = bx + rb * n2[0];
        h->q[2][1] = by + rb * n2[1];
        h->q[3][0] = ra * n2[0];
        h->q[3][1] = ra * n2[1];
    }
}

static bool in_quad(const double q[4][2], const double p[2])
{
    bool pos = false, neg = false;
    int i;

    for (i = 0; i < 4; i++) {
        double c = cross(q[i], q[(i + 1) % 4], p);

        pos = pos || c > 0;
        neg = neg || c < 0;
    }
    return !(pos && neg);
}

static bool hull_meets(const struct hull *h, const double p[2],
                       const double q[2])
{
    if (dist2_point_segment(h->a, p, q) <= h->ra * h->ra ||
        dist2_point_segment(h->b, p, q) <= h->rb * h->rb)
        return true;
    if (h->quad)
        return in_quad(h->q, p) || segments_meet(p, q, h->q[0], h->q[1]) ||
               segments_meet(p, q, h->q[3], h->q[2]);
    /* Both radii zero: the path itself. */
    return h->ra + h->rb == 0 && segments_meet(p, q, h->a, h->b);
}

/* An ellipse about the plane's origin, mapped to the unit disk. */
struct ell {
    double ux, uy, wx, wy; /* major and minor axis directions */
    double a, b;
};

static bool ell_meets(const struct ell *e, const double p[2], const double q[2])
{
    static const double o[2] = {0, 0};
    double p2[2] = {(p[0] * e->ux + p[1] * e->uy) / e->a,
                    (p[0] * e->wx + p[1] * e->wy) / e->b};
    double q2[2] = {(q[0] * e->ux + q[1] * e->uy) / e->a,
                    (q[0] * e->wx + q[1] * e->wy) / e->b};

    return dist2_point_segment(o, p2, q2) <= 1;
}

/* What an edge test needs: the plane and one of the two shapes. */
struct reach {
    struct plane pl;
    struct box box;
    const struct hull *h;
    const struct ell *e;
};

static bool area_within_reach(const struct gs_regions *r, const struct area *a,
                              const struct reach *q)
{
    uint32_t i, k, c, e;

    if (!box_meets(&a->b, &q->box))
        return false;
    for (i = 0; i < a->n_polys; i++) {
        const struct poly *p = &r->polys[a->first_poly + i];

        if (!box_meets(&p->b, &q->box))
            continue;
        for (k = 0; k < p->n_rings; k++) {
            const struct ring *rg = &r->rings[p->first_ring + k];

            for (c = 0; c < rg->n_chunks; c++) {
                const struct chunk *ch = &r->chunks[rg->first_chunk + c];

                if (!box_meets(&ch->b, &q->box))
                    continue;
                for (e = ch->start; e < ch->start + ch->n; e++) {
                    const double *u = &r->pts[(rg->first + e) * 2];
                    const double *v =
                        &r->pts[(rg->first + (e + 1) % rg->n) * 2];
                    double s[2], t[2];

                    plane_edge(&q->pl, u, v, s, t);
                    if (q->h != NULL ? hull_meets(q->h, s, t)
                                     : ell_meets(q->e, s, t))
                        return true;
                }
            }
        }
    }
    return false;
}

/* ------------------------------------------------------------- queries */

struct hits {
    const struct area *areas;
    size_t n, left;
    bool hit[GS_REGIONS_MAX_COUNTRIES];
};

static void mark(struct hits *h, size_t i)
{
    if (!h->hit[i]) {
        h->hit[i] = true;
        h->left--;
    }
}

static void mark_holding(const struct gs_regions *r, struct hits *h, double lat,
                         double lon)
{
    size_t i;

    for (i = 0; i < h->n && h->left > 0; i++)
        if (!h->hit[i] && area_contains(r, &h->areas[i], lat, lon))
            mark(h, i);
}

static void mark_reached(const struct gs_regions *r, struct hits *h,
                         const struct reach *q)
{
    size_t i;

    for (i = 0; i < h->n && h->left > 0; i++)
        if (!h->hit[i] && area_within_reach(r, &h->areas[i], q))
            mark(h, i);
}

static void collect(const struct hits *h, struct gs_region_set *out)
{
    size_t i;

    out->n = 0;
    for (i = 0; i < h->n; i++)
        if (h->hit[i])
            out->r[out->n++] = &h->areas[i].pub;
}

static int hits_init(const struct gs_regions *r, const char *country,
                     struct hits *h)
{
    int rc = select_areas(r, country, &h->areas, &h->n);

    memset(h->hit, 0, sizeof(h->hit));
    h->left = h->n;
    return rc;
}

/* The piece of path from p to q, radii rp and rq. */
static void reach_piece(const struct gs_regions *r, struct hits *h, double lat0,
                        double lon0, double rp, double lat1, double lon1,
                        double rq)
{
    struct reach q;
    struct hull hl;
    double bx, by;

    plane_init(&q.pl, lat0, lon0);
    /* Scale at the middle of the piece: the origin stays at p. */
    {
        struct plane mid;

        plane_init(&mid, (lat0 + lat1) / 2, lon0);
        q.pl.kx = mid.kx;
        q.pl.ky = mid.ky;
    }
    bx = wrap180(lon1 - lon0) * q.pl.kx;
    by = (lat1 - lat0) * q.pl.ky;
    hull_init(&hl, bx, by, rp, rq);
    plane_box(&q.pl, 0, 0, bx, by, fmax(rp, rq), &q.box);
    q.h = &hl;
    q.e = NULL;
    mark_reached(r, h, &q);
}

/* Unit vector of a point on the sphere, and back. */
static void unit(double lat, double lon, double v[3])
{
    v[0] = cos(lat * GS_DEG) * cos(lon * GS_DEG);
    v[1] = cos(lat * GS_DEG) * sin(lon * GS_DEG);
    v[2] = sin(lat * GS_DEG);
}

/* The point a fraction t of the way from u to v on the great circle. */
static void slerp(const double u[3], const double v[3], double w, double t,
                  double *lat, double *lon)
{
    double p[3], a, b;
    int i;

    if (w < 1e-9) {
        a = 1 - t;
        b = t;
    } else if (sin(w) < 1e-9) {
        /* Antipodes: no single great circle. Callers sample paths far more
         * finely than that; go straight in latitude and longitude. */
        double la = asin(u[2]) / GS_DEG, lb = asin(v[2]) / GS_DEG;
        double oa = atan2(u[1], u[0]) / GS_DEG, ob = atan2(v[1], v[0]) / GS_DEG;

        *lat = la + t * (lb - la);
        *lon = wrap180(oa + t * wrap180(ob - oa));
        return;
    } else {
        a = sin((1 - t) * w) / sin(w);
        b = sin(t * w) / sin(w);
    }
    for (i = 0; i < 3; i++)
        p[i] = a * u[i] + b * v[i];
    *lat = atan2(p[2], hypot(p[0], p[1])) / GS_DEG;
    *lon = atan2(p[1], p[0]) / GS_DEG;
}

static void reach_segment(const struct gs_regions *r, struct hits *h,
                          const struct gs_region_point *a,
                          const struct gs_region_point *b)
{
    double s = 0, u[3], v[3], w, lat = a->lat, lon = a->lon, rr = a->radius;
    size_t k, j;

    if (gs_geodesic_inverse(a->lat * GS_DEG, a->lon * GS_DEG, b->lat * GS_DEG,
                            b->lon * GS_DEG, &s, NULL) < 0 &&
        !(s > 0))
        s = 2e7; /* not converged: assume long, cut finely */
    k = (size_t)ceil(s / GS_REGION_STEP);
    if (k < 1)
        k = 1;
    unit(a->lat, a->lon, u);
    unit(b->lat, b->lon, v);
    w = acos(fmax(-1, fmin(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2])));
    for (j = 1; j <= k && h->left > 0; j++) {
        double t = (double)j / (double)k, lat1, lon1;
        double r1 = a->radius + t * (b->radius - a->radius);

        slerp(u, v, w, t, &lat1, &lon1);
        if (j == k) {
            lat1 = b->lat;
            lon1 = b->lon;
        }
        reach_piece(r, h, lat, lon, rr, lat1, lon1, r1);
        lat = lat1;
        lon = lon1;
        rr = r1;
    }
}

int gs_regions_near_path(const struct gs_regions *r, const char *country,
                         const struct gs_region_point *pts, size_t n,
                         struct gs_region_set *out)
{
    struct hits *h;
    size_t i;
    int rc;

    out->n = 0;
    if (n == 0 || n > GS_REGION_MAX_PATH)
        return GS_ERR_INVALID;
    for (i = 0; i < n; i++)
        if (!point_ok(pts[i].lat, pts[i].lon) || !isfinite(pts[i].radius) ||
            pts[i].radius < 0 || pts[i].radius > GS_REGION_MAX_RADIUS)
            return GS_ERR_INVALID;
    h = gs_malloc(sizeof(*h));
    rc = hits_init(r, country, h);
    if (rc < 0)
        goto out;
    for (i = 0; i < n && h->left > 0; i++)
        mark_holding(r, h, pts[i].lat, pts[i].lon);
    if (n == 1)
        reach_segment(r, h, &pts[0], &pts[0]);
    for (i = 0; i + 1 < n && h->left > 0; i++)
        reach_segment(r, h, &pts[i], &pts[i + 1]);
    collect(h, out);
out:
    gs_free(h);
    return rc;
}

int gs_regions_in_ellipse(const struct gs_regions *r, const char *country,
                          double lat, double lon, const struct gs_ellipse *e,
                          struct gs_region_set *out)
{
    struct hits *h;
    struct reach q;
    struct ell el;
    int rc;

    out->n = 0;
    if (!point_ok(lat, lon) || !isfinite(e->semi_major) ||
        !isfinite(e->semi_minor) || !isfinite(e->orientation) ||
        e->semi_minor < 0 || e->semi_minor > e->semi_major ||
        e->semi_major > GS_REGION_MAX_RADIUS)
        return GS_ERR_INVALID;
    h = gs_malloc(sizeof(*h));
    rc = hits_init(r, country, h);
    if (rc < 0)
        goto out;
    mark_holding(r, h, lat, lon);
    /* A degenerate ellipse is a segment or a point: a metre keeps the
     * mapping to the unit disk finite. */
    el.a = fmax(e->semi_major, 1.0);
    el.b = fmax(e->semi_minor, 1.0);
    el.ux = sin(e->orientation);
    el.uy = cos(e->orientation);
    el.wx = cos(e->orientation);
    el.wy = -sin(e->orientation);
    plane_init(&q.pl, lat, lon);
    plane_box(&q.pl, 0, 0, 0, 0, el.a, &q.box);
    q.h = NULL;
    q.e = &el;
    mark_reached(r, h, &q);
    collect(h, out);
out:
    gs_free(h);
    return rc;
}
