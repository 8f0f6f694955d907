/*
 * tls.h - mutually authenticated TLS 1.3 between nodes, driven through
 * memory BIOs: the caller moves ciphertext between the network and the
 * session, so the TLS layer runs (and is tested) without sockets, and the
 * event loop never blocks in OpenSSL.
 *
 * Trust is pinned per nation: a context trusts exactly the CAs of the
 * partners whose identity files were imported. A peer is accepted only if
 * its certificate chains to one of them, is within its validity period,
 * and names in its subject (O) the nation of that CA. The session then
 * knows the peer's nation. Nothing else gets in.
 *
 *   feed(network bytes) -> read(plaintext)      write(plaintext) ->
 *   pending(network bytes)
 */
#ifndef GS_PEER_TLS_H
#define GS_PEER_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "policy/nation.h"

struct gs_tls_ctx;
struct gs_tls;

/* A context with this node's certificate and key (PEM files). */
int gs_tls_ctx_new(const char *cert_path, const char *key_path,
                   struct gs_tls_ctx **out, struct gs_diag *d);
/* Trusts the CA (PEM) of nation. */
int gs_tls_ctx_trust(struct gs_tls_ctx *c, const char *nation,
                     const char *ca_pem, struct gs_diag *d);
void gs_tls_ctx_free(struct gs_tls_ctx *c);

/* A session over c (which must outlive it): server or client side. */
struct gs_tls *gs_tls_new(struct gs_tls_ctx *c, bool server);
void gs_tls_free(struct gs_tls *t);

/* Hands n bytes received from the network to the session. */
int gs_tls_feed(struct gs_tls *t, const uint8_t *p, size_t n);
/*
 * Advances the handshake and appends any plaintext received to plain.
 * Returns 0 (more may come later); GS_ERR_VERIFY when the peer is not
 * acceptable (gs_tls_error says why); GS_ERR_IO when the connection is
 * broken or closed by the peer; GS_ERR_TOO_BIG when plain is full.
 */
int gs_tls_read(struct gs_tls *t, struct gs_buf *plain);
/* Queues plaintext; it is sent once the handshake is done. */
int gs_tls_write(struct gs_tls *t, const uint8_t *p, size_t n);
/* Appends the ciphertext waiting to be sent to out. */
int gs_tls_pending(struct gs_tls *t, struct gs_buf *out);

bool gs_tls_established(const struct gs_tls *t);
/* The peer's nation once established, else "". */
const char *gs_tls_peer_nation(const struct gs_tls *t);
/* Why the session failed, in words; "" when it did not. */
const char *gs_tls_error(const struct gs_tls *t);

#endif
