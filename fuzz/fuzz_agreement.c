/* fuzz_agreement.c - agreement files: the JSON reader and the checks of
 * gs_agreement_from_json, on one object or an array of them. */
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_policy *p = gs_policy_new();
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    size_t i;

    gs_diag_init(&d);
    if (gs_jdoc_parse(&doc, "fuzz", (const char *)data, size, &d) == 0) {
        if (json_is_array(doc.root))
            for (i = 0; i < json_array_size(doc.root); i++)
                (void)gs_policy_add_agreement(p, &c,
                                              json_array_get(doc.root, i));
        else
            (void)gs_policy_add_agreement(p, &c, doc.root);
    }
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    gs_policy_free(p);
    return 0;
}
