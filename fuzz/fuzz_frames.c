/* fuzz_frames.c - what a peer sends: a stream of length-prefixed frames,
 * each a protobuf Frame, whose items are envelopes. */
#include <stddef.h>
#include <stdint.h>

#include "item/item.h"
#include "peer.pb-c.h"
#include "peer/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gs_policy *p;
    struct gs_framer f;
    const uint8_t *frame;
    size_t len;

    if (p == NULL)
        p = gs_policy_new();
    gs_framer_init(&f, 1 << 16);
    if (gs_framer_feed(&f, data, size) == 0) {
        while (gs_framer_next(&f, &frame, &len) == 1) {
            Gsomia__Frame *m = gsomia__frame__unpack(NULL, len, frame);
            const Gsomia__Sequenced *sq = NULL;
            struct gs_item *it = NULL;

            if (m == NULL)
                continue;
            if (m->kind_case == GSOMIA__FRAME__KIND_ITEM)
                sq = m->item;
            else if (m->kind_case == GSOMIA__FRAME__KIND_NOTICE)
                sq = m->notice;
            if (sq != NULL && gs_item_decode(p, sq->envelope.data,
                                             sq->envelope.len, &it, NULL) == 0)
                gs_item_free(it);
            gsomia__frame__free_unpacked(m, NULL);
        }
    }
    gs_framer_free(&f);
    return 0;
}
