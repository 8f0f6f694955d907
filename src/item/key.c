/* key.c - Ed25519 keys with libsodium; see key.h. */
#include "item/key.h"

#include <sodium.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

int gs_crypto_init(void)
{
    return sodium_init() < 0 ? GS_ERR_CRYPTO : 0;
}

void gs_key_id(const uint8_t pk[GS_PK_LEN], uint8_t out[GS_KEY_ID_LEN])
{
    uint8_t h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, pk, GS_PK_LEN);
    memcpy(out, h, GS_KEY_ID_LEN);
}

static int signer_finish(const char *nation, struct gs_signer *s)
{
    if (!gs_nation_valid(nation))
        return GS_ERR_INVALID;
    memcpy(s->nation, nation, GS_NATION_SIZE);
    gs_key_id(s->pk, s->key_id);
    return 0;
}

int gs_signer_generate(const char *nation, struct gs_signer *out)
{
    memset(out, 0, sizeof(*out));
    if (gs_crypto_init() < 0 || crypto_sign_keypair(out->pk, out->sk) != 0)
        return GS_ERR_CRYPTO;
    return signer_finish(nation, out);
}

int gs_signer_from_seed(const char *nation, const uint8_t seed[GS_SEED_LEN],
                        struct gs_signer *out)
{
    memset(out, 0, sizeof(*out));
    if (gs_crypto_init() < 0 ||
        crypto_sign_seed_keypair(out->pk, out->sk, seed) != 0)
        return GS_ERR_CRYPTO;
    return signer_finish(nation, out);
}

void gs_signer_seed(const struct gs_signer *s, uint8_t seed[GS_SEED_LEN])
{
    crypto_sign_ed25519_sk_to_seed(seed, s->sk);
}

void gs_signer_wipe(struct gs_signer *s)
{
    sodium_memzero(s, sizeof(*s));
}

/* The signed message is context || 0x00 || msg; libsodium's multi-part
 * API (Ed25519ph) would change the algorithm, so we sign one buffer. */
static uint8_t *with_context(const char *context, const uint8_t *msg,
                             size_t len, size_t *total)
{
    size_t clen = strlen(context) + 1;
    uint8_t *buf;

    if (__builtin_add_overflow(clen, len, total))
        *total = SIZE_MAX; /* gs_malloc aborts */
    buf = gs_malloc(*total);
    memcpy(buf, context, clen);
    if (len > 0)
        memcpy(buf + clen, msg, len);
    return buf;
}

void gs_sign(const struct gs_signer *s, const char *context, const uint8_t *msg,
             size_t len, uint8_t sig[GS_SIG_LEN])
{
    size_t total;
    uint8_t *buf = with_context(context, msg, len, &total);

    crypto_sign_detached(sig, NULL, buf, total, s->sk);
    gs_free(buf);
}

int gs_verify(const uint8_t pk[GS_PK_LEN], const char *context,
              const uint8_t *msg, size_t len, const uint8_t sig[GS_SIG_LEN])
{
    size_t total;
    uint8_t *buf = with_context(context, msg, len, &total);
    int rc = crypto_sign_verify_detached(sig, buf, total, pk);

    gs_free(buf);
    return rc == 0 ? 0 : GS_ERR_VERIFY;
}

void gs_keyring_init(struct gs_keyring *kr)
{
    kr->keys = NULL;
    kr->n = 0;
}

void gs_keyring_free(struct gs_keyring *kr)
{
    gs_free(kr->keys);
    gs_keyring_init(kr);
}

void gs_keyring_add(struct gs_keyring *kr, const char *nation,
                    const uint8_t pk[GS_PK_LEN])
{
    struct gs_pubkey k;

    memset(&k, 0, sizeof(k));
    memcpy(k.nation, nation, GS_NATION_SIZE);
    memcpy(k.pk, pk, GS_PK_LEN);
    gs_key_id(pk, k.key_id);
    if (gs_keyring_find(kr, k.nation, k.key_id) != NULL)
        return;
    kr->keys = gs_reallocarray(kr->keys, kr->n + 1, sizeof(*kr->keys));
    kr->keys[kr->n++] = k;
}

const struct gs_pubkey *gs_keyring_find(const struct gs_keyring *kr,
                                        const char *nation,
                                        const uint8_t key_id[GS_KEY_ID_LEN])
{
    size_t i;

    for (i = 0; i < kr->n; i++)
        if (strcmp(kr->keys[i].nation, nation) == 0 &&
            memcmp(kr->keys[i].key_id, key_id, GS_KEY_ID_LEN) == 0)
            return &kr->keys[i];
    return NULL;
}
