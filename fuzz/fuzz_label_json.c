/* fuzz_label_json.c - label files (JSON), and the marking line and JSON
 * writer of whatever parses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/json.h"
#include "policy/label.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_policy *p = gs_policy_new();
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    struct gs_label *l;

    gs_diag_init(&d);
    if (gs_jdoc_parse(&doc, "fuzz", (const char *)data, size, &d) == 0 &&
        gs_label_from_json(p, &c, doc.root, p->arena, &l) == 0) {
        struct gs_buf b;
        json_t *j = gs_label_to_json(l);

        gs_buf_init(&b, 1 << 16);
        (void)gs_label_marking(l, &b);
        gs_buf_free(&b);
        json_decref(j);
    }
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    gs_policy_free(p);
    return 0;
}
