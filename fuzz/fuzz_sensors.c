/* fuzz_sensors.c - the sensors file (gsomia track --sensors), read as a
 * tracker reads it and as a scenario's radars (class defaults allowed);
 * what is accepted must be written and read back to the same radars. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/json.h"
#include "track/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct gs_sensor *s, size_t n)
{
    json_t *j = gs_sensors_to_json(s, n);
    char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_sensor *again = NULL;
    size_t m = 0, i;

    if (text == NULL)
        abort();
    gs_diag_init(&d);
    {
        struct gs_jctx c = {&doc, &d};

        if (gs_jdoc_parse(&doc, "again", text, strlen(text), &d) < 0 ||
            gs_sensors_from_json(&c, doc.root, false, &again, &m) < 0 || m != n)
            abort();
    }
    for (i = 0; i < n; i++)
        if (strcmp(s[i].id, again[i].id) != 0 || s[i].cls != again[i].cls ||
            s[i].sigma_range != again[i].sigma_range ||
            s[i].sigma_rr != again[i].sigma_rr ||
            s[i].max_range != again[i].max_range)
            abort();
    gs_free(again);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    free(text);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int defaults;

    for (defaults = 0; defaults < 2; defaults++) {
        struct gs_jdoc doc;
        struct gs_diag d;
        struct gs_jctx c = {&doc, &d};
        struct gs_sensor *s = NULL;
        size_t n = 0;

        gs_diag_init(&d);
        if (gs_jdoc_parse(&doc, "fuzz", (const char *)data, size, &d) == 0 &&
            gs_sensors_from_json(&c, doc.root, defaults, &s, &n) == 0)
            round_trip(s, n);
        gs_free(s);
        gs_jdoc_free(&doc);
        gs_diag_free(&d);
    }
    return 0;
}
