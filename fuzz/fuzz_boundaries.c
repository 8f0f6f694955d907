/* fuzz_boundaries.c - the boundaries file (alert/region.h), and the queries
 * on whatever loads: a point, a short path across the antimeridian and an
 * ellipse, for the countries and for the first subdivided country. */
#include <stddef.h>
#include <stdint.h>

#include "alert/region.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct gs_region_point path[3] = {
        {0.5, 0.5, 20e3}, {10.5, 179.5, 0}, {10.5, -179.5, 5e3}};
    struct gs_ellipse e = {60e3, 10e3, 1.0};
    struct gs_regions *r;
    struct gs_region_set s;
    struct gs_diag d;

    gs_diag_init(&d);
    if (gs_regions_parse((const char *)data, size, "fuzz", &r, &d) == 0) {
        const struct gs_region *g = gs_regions_find(r, "JP-02");
        const char *country = g != NULL ? g->country : "AAA";

        (void)gs_regions_country_at(r, 0.5, 0.5);
        (void)gs_regions_subdivision_at(r, country, 0.25, 0.5);
        (void)gs_regions_near_path(r, NULL, path, 3, &s);
        (void)gs_regions_near_path(r, country, path, 2, &s);
        (void)gs_regions_in_ellipse(r, NULL, 0.5, 0.5, &e, &s);
        (void)gs_regions_in_ellipse(r, country, 0.5, 0.5, &e, &s);
        gs_regions_free(r);
    }
    gs_diag_free(&d);
    return 0;
}
