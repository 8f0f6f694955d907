/* fuzz_label_xml.c - STANAG 4774 XML labels: read, and write back what
 * was read; the written form must read again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy/policy.h"
#include "policy/stanag4774.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gs_policy *p = gs_policy_new();
    struct gs_label *l, *again;
    struct gs_diag d;

    gs_diag_init(&d);
    if (gs_stanag4774_read(p, (const char *)data, size, "fuzz", p->arena, &l,
                           &d) == 0) {
        struct gs_buf b;

        gs_buf_init(&b, GS_STANAG4774_MAX);
        if (gs_stanag4774_write(l, &b) == 0 &&
            gs_stanag4774_read(p, gs_buf_str(&b), b.len, "again", p->arena,
                               &again, &d) != 0)
            abort(); /* what we write, we must read */
        gs_buf_free(&b);
    }
    gs_diag_free(&d);
    gs_policy_free(p);
    return 0;
}
