/*
 * key.h - the node's Ed25519 signing key and the public keys of partners.
 *
 * Each node has one signing key; items and tree heads carry the nation and
 * the key id (the first 8 bytes of SHA-256 of the public key) of the key
 * that signed them. A keyring maps (nation, key id) to public keys: the
 * node's own and those of the partners whose identity files were imported.
 * Secret keys are wiped on release and never logged.
 */
#ifndef GS_ITEM_KEY_H
#define GS_ITEM_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "policy/nation.h"

#define GS_KEY_ID_LEN 8
#define GS_PK_LEN 32
#define GS_SK_LEN 64
#define GS_SEED_LEN 32
#define GS_SIG_LEN 64

struct gs_signer {
    char nation[GS_NATION_SIZE];
    uint8_t pk[GS_PK_LEN];
    uint8_t sk[GS_SK_LEN]; /* secret: wiped by gs_signer_wipe */
    uint8_t key_id[GS_KEY_ID_LEN];
};

/* Initialises libsodium; every program calls it once before any crypto.
 * Returns 0 or GS_ERR_CRYPTO. Safe to call more than once. */
int gs_crypto_init(void);

/* The key id of a public key. */
void gs_key_id(const uint8_t pk[GS_PK_LEN], uint8_t out[GS_KEY_ID_LEN]);

/* A fresh random key for nation. */
int gs_signer_generate(const char *nation, struct gs_signer *out);
/* The key of a 32-byte seed (as kept in the key file). */
int gs_signer_from_seed(const char *nation, const uint8_t seed[GS_SEED_LEN],
                        struct gs_signer *out);
/* The seed of s, for saving. */
void gs_signer_seed(const struct gs_signer *s, uint8_t seed[GS_SEED_LEN]);
void gs_signer_wipe(struct gs_signer *s);

/* Signs "context" || 0x00 || msg. */
void gs_sign(const struct gs_signer *s, const char *context, const uint8_t *msg,
             size_t len, uint8_t sig[GS_SIG_LEN]);
/* 0 when sig is pk's signature of context || 0x00 || msg, else
 * GS_ERR_VERIFY. */
int gs_verify(const uint8_t pk[GS_PK_LEN], const char *context,
              const uint8_t *msg, size_t len, const uint8_t sig[GS_SIG_LEN]);

struct gs_pubkey {
    char nation[GS_NATION_SIZE];
    uint8_t key_id[GS_KEY_ID_LEN];
    uint8_t pk[GS_PK_LEN];
};

/* Known public keys, looked up by nation and key id. */
struct gs_keyring {
    struct gs_pubkey *keys;
    size_t n;
};

void gs_keyring_init(struct gs_keyring *kr);
void gs_keyring_free(struct gs_keyring *kr);
/* Adds a key; a key already present is not added twice. */
void gs_keyring_add(struct gs_keyring *kr, const char *nation,
                    const uint8_t pk[GS_PK_LEN]);
const struct gs_pubkey *gs_keyring_find(const struct gs_keyring *kr,
                                        const char *nation,
                                        const uint8_t key_id[GS_KEY_ID_LEN]);

#endif
