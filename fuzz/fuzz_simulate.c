/* fuzz_simulate.c - simulate files: every policy object reader and every
 * decision (release, access, derivative) on whatever parses. File
 * references are refused (no loader). */
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "policy/simulate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_jdoc doc;
    struct gs_diag d;
    json_t *results = NULL;

    gs_diag_init(&d);
    if (gs_jdoc_parse(&doc, "fuzz", (const char *)data, size, &d) == 0)
        (void)gs_simulate(&doc, NULL, &d, &results);
    json_decref(results);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return 0;
}
