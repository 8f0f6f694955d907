/* fuzz_standing.c - the standing civil warnings a node reads back from its
 * store after a restart (a store can be damaged): what the reader accepts
 * must write out and read back the same, and be taken by a warning
 * engine or refused by it, never crash it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert/standing.h"
#include "alert/warning.h"
#include "base/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 8

static size_t no_areas(void *ctx, const struct gs_path_point *p, size_t n,
                       const struct gs_ground_point *impact,
                       struct gs_warning_area *out, size_t max,
                       enum gs_warning_where *where)
{
    (void)ctx;
    (void)p;
    (void)n;
    (void)impact;
    (void)out;
    (void)max;
    *where = GS_WHERE_SEA;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gs_standing a[MAX], b[MAX];
    struct gs_warning_engine *e;
    struct gs_warning w[4];
    struct gs_buf text;
    char why[256];
    size_t na = 0, nb = 0, i;

    if (gs_standing_read((const char *)data, size, a, MAX, &na, why,
                         sizeof(why)) < 0)
        return 0;
    gs_buf_init(&text, 1 << 22);
    if (gs_standing_write(a, na, &text) < 0 ||
        gs_standing_read((const char *)text.data, text.len, b, MAX, &nb, why,
                         sizeof(why)) < 0 ||
        na != nb)
        abort();
    for (i = 0; i < na; i++)
        if (a[i].said.warning != b[i].said.warning ||
            a[i].said.number != b[i].said.number ||
            a[i].said.n_areas != b[i].said.n_areas ||
            a[i].n_refs != b[i].n_refs ||
            strcmp(a[i].refs[0].identifier, b[i].refs[0].identifier) != 0)
            abort();
    gs_buf_free(&text);
    e = gs_warning_engine_new(no_areas, NULL);
    for (i = 0; i < na; i++)
        (void)gs_warning_engine_adopt(e, &a[i].said);
    for (i = 0; i < na; i++)
        (void)gs_warning_engine_tick(e, a[i].said.impact_time + 1, w, 4);
    gs_warning_engine_free(e);
    return 0;
}
