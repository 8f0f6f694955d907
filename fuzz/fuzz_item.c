/* fuzz_item.c - item envelopes as they arrive from partners: decoding
 * with every bound, then signature verification against a keyring. */
#include <stddef.h>
#include <stdint.h>

#include "item/item.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct gs_policy *p;
    static struct gs_keyring kr;
    struct gs_item *it = NULL;
    struct gs_diag d;

    if (p == NULL) {
        /* Two fixed keys, so that verification runs its full course. */
        static const uint8_t seed[GS_SEED_LEN] = {7};
        struct gs_signer s;

        gs_crypto_init();
        p = gs_policy_new();
        gs_keyring_init(&kr);
        gs_signer_from_seed("KOR", seed, &s);
        gs_keyring_add(&kr, "KOR", s.pk);
        gs_signer_wipe(&s);
    }
    gs_diag_init(&d);
    if (gs_item_decode(p, data, size, &it, &d) == 0)
        (void)gs_item_verify(it, &kr, &d);
    gs_item_free(it);
    gs_diag_free(&d);
    return 0;
}
