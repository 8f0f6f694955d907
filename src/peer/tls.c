/*
 * tls.c - TLS 1.3 over memory BIOs with OpenSSL 3; see tls.h.
 *
 * Writes before the handshake completes are kept in a plaintext buffer and
 * flushed once it does. The peer's nation is found by asking which pinned
 * CA issued its certificate after OpenSSL verified the chain, and is then
 * compared with the certificate's subject.
 */
#include "peer/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

#define MAX_TRUSTED 64
/* Plaintext written before the handshake completes. */
#define MAX_EARLY (32u << 20)

struct trusted {
    char nation[GS_NATION_SIZE];
    X509 *ca;
};

struct gs_tls_ctx {
    SSL_CTX *ssl;
    struct trusted cas[MAX_TRUSTED];
    size_t n_cas;
};

struct gs_tls {
    struct gs_tls_ctx *ctx;
    SSL *ssl;
    BIO *in, *out; /* network side: in gets fed, out gets drained */
    bool established, failed;
    char nation[GS_NATION_SIZE];
    char error[512];
    struct gs_buf early;
};

static void ssl_reason(char *buf, size_t n)
{
    unsigned long e = ERR_get_error();

    if (e != 0)
        ERR_error_string_n(e, buf, n);
    else
        snprintf(buf, n, "unknown TLS error");
    ERR_clear_error();
}

int gs_tls_ctx_new(const char *cert_path, const char *key_path,
                   struct gs_tls_ctx **out, struct gs_diag *d)
{
    struct gs_tls_ctx *c = gs_calloc(1, sizeof(*c));
    char why[256];

    *out = NULL;
    c->ssl = SSL_CTX_new(TLS_method());
    if (c->ssl == NULL ||
        !SSL_CTX_set_min_proto_version(c->ssl, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(c->ssl, TLS1_3_VERSION) ||
        SSL_CTX_use_certificate_file(c->ssl, cert_path, SSL_FILETYPE_PEM) !=
            1 ||
        SSL_CTX_use_PrivateKey_file(c->ssl, key_path, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(c->ssl) != 1) {
        ssl_reason(why, sizeof(why));
        gs_diag_error(d, NULL, "cannot set up TLS with %s: %s", cert_path, why);
        gs_tls_ctx_free(c);
        return GS_ERR_CRYPTO;
    }
    /* Both sides present certificates; a peer without one is refused. */
    SSL_CTX_set_verify(c->ssl,
                       SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    SSL_CTX_set_verify_depth(c->ssl, 2);
    SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(c->ssl, SSL_OP_NO_TICKET);
    *out = c;
    return 0;
}

int gs_tls_ctx_trust(struct gs_tls_ctx *c, const char *nation,
                     const char *ca_pem, struct gs_diag *d)
{
    BIO *b = BIO_new_mem_buf(ca_pem, -1);
    X509 *ca = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    X509_STORE *store = SSL_CTX_get_cert_store(c->ssl);

    BIO_free(b);
    if (ca == NULL || c->n_cas == MAX_TRUSTED || !gs_nation_valid(nation) ||
        X509_STORE_add_cert(store, ca) != 1) {
        ERR_clear_error();
        X509_free(ca);
        gs_diag_error(d, NULL, "cannot trust the CA of %s", nation);
        return GS_ERR_INVALID;
    }
    memcpy(c->cas[c->n_cas].nation, nation, GS_NATION_SIZE);
    c->cas[c->n_cas].ca = ca;
    c->n_cas++;
    return 0;
}

void gs_tls_ctx_free(struct gs_tls_ctx *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n_cas; i++)
        X509_free(c->cas[i].ca);
    SSL_CTX_free(c->ssl);
    gs_free(c);
}

struct gs_tls *gs_tls_new(struct gs_tls_ctx *c, bool server)
{
    struct gs_tls *t = gs_calloc(1, sizeof(*t));

    t->ctx = c;
    t->ssl = SSL_new(c->ssl);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->in == NULL || t->out == NULL)
        abort(); /* out of memory */
    /* A read from an empty memory BIO means "later", not end of file. */
    BIO_set_mem_eof_return(t->in, -1);
    SSL_set_bio(t->ssl, t->in, t->out);
    if (server)
        SSL_set_accept_state(t->ssl);
    else
        SSL_set_connect_state(t->ssl);
    gs_buf_init(&t->early, MAX_EARLY);
    return t;
}

void gs_tls_free(struct gs_tls *t)
{
    if (t == NULL)
        return;
    SSL_free(t->ssl); /* frees the BIOs */
    gs_buf_free(&t->early);
    gs_free(t);
}

int gs_tls_feed(struct gs_tls *t, const uint8_t *p, size_t n)
{
    while (n > 0) {
        int chunk = n > INT32_MAX ? INT32_MAX : (int)n;
        int w = BIO_write(t->in, p, chunk);

        if (w <= 0)
            return GS_ERR_IO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fail(struct gs_tls *t, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks the session failed, keeping the first reason. */
static int fail(struct gs_tls *t, int rc, const char *fmt, ...)
{
    va_list ap;

    if (!t->failed) {
        va_start(ap, fmt);
        vsnprintf(t->error, sizeof(t->error), fmt, ap);
        va_end(ap);
    }
    t->failed = true;
    return rc;
}

/* After the handshake: which pinned CA vouches for the peer, and does the
 * certificate name that CA's nation? */
static int check_peer(struct gs_tls *t)
{
    X509 *peer = SSL_get1_peer_certificate(t->ssl);
    char org[64] = "";
    size_t i;
    int n;

    if (peer == NULL)
        return fail(t, GS_ERR_VERIFY, "the peer presented no certificate");
    if (SSL_get_verify_result(t->ssl) != X509_V_OK) {
        X509_free(peer);
        return fail(
            t, GS_ERR_VERIFY, "the peer's certificate does not verify: %s",
            X509_verify_cert_error_string(SSL_get_verify_result(t->ssl)));
    }
    for (i = 0; i < t->ctx->n_cas; i++)
        if (X509_check_issued(t->ctx->cas[i].ca, peer) == X509_V_OK)
            break;
    n = X509_NAME_get_text_by_NID(X509_get_subject_name(peer),
                                  NID_organizationName, org, sizeof(org));
    X509_free(peer);
    if (i == t->ctx->n_cas)
        return fail(t, GS_ERR_VERIFY,
                    "no partner's CA issued the peer's certificate");
    if (n != 3 || strcmp(org, t->ctx->cas[i].nation) != 0)
        return fail(t, GS_ERR_VERIFY,
                    "the certificate issued by %s's CA "
                    "names another nation: refused",
                    t->ctx->cas[i].nation);
    memcpy(t->nation, t->ctx->cas[i].nation, GS_NATION_SIZE);
    return 0;
}

int gs_tls_read(struct gs_tls *t, struct gs_buf *plain)
{
    uint8_t chunk[16384];
    char why[256];
    int r, e, rc;

    if (t->failed)
        return GS_ERR_IO;
    if (!t->established) {
        r = SSL_do_handshake(t->ssl);
        if (r != 1) {
            e = SSL_get_error(t->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                return 0;
            if (SSL_get_verify_result(t->ssl) != X509_V_OK) {
                ERR_clear_error();
                return fail(t, GS_ERR_VERIFY,
                            "the peer's certificate is refused: %s",
                            X509_verify_cert_error_string(
                                SSL_get_verify_result(t->ssl)));
            }
            ssl_reason(why, sizeof(why));
            return fail(t, GS_ERR_VERIFY, "TLS handshake failed: %s", why);
        }
        rc = check_peer(t);
        if (rc < 0)
            return rc;
        t->established = true;
        if (t->early.len > 0) {
            rc = gs_tls_write(t, t->early.data, t->early.len);
            gs_buf_free(&t->early);
            if (rc < 0)
                return rc;
        }
    }
    for (;;) {
        r = SSL_read(t->ssl, chunk, sizeof(chunk));
        if (r > 0) {
            rc = gs_buf_append(plain, chunk, (size_t)r);
            if (rc < 0)
                return rc;
            continue;
        }
        e = SSL_get_error(t->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
            return 0;
        if (e == SSL_ERROR_ZERO_RETURN)
            return fail(t, GS_ERR_IO, "the peer closed the connection");
        ssl_reason(why, sizeof(why));
        return fail(t, GS_ERR_IO, "TLS error: %s", why);
    }
}

int gs_tls_write(struct gs_tls *t, const uint8_t *p, size_t n)
{
    size_t written;

    if (t->failed)
        return GS_ERR_IO;
    if (!t->established)
        return gs_buf_append(&t->early, p, n);
    while (n > 0) {
        if (SSL_write_ex(t->ssl, p, n, &written) != 1) {
            char why[256];

            ssl_reason(why, sizeof(why));
            return fail(t, GS_ERR_IO, "TLS write failed: %s", why);
        }
        p += written;
        n -= written;
    }
    return 0;
}

int gs_tls_pending(struct gs_tls *t, struct gs_buf *out)
{
    uint8_t chunk[16384];
    int r, rc;

    while ((r = BIO_read(t->out, chunk, sizeof(chunk))) > 0) {
        rc = gs_buf_append(out, chunk, (size_t)r);
        if (rc < 0)
            return rc;
    }
    return 0;
}

bool gs_tls_established(const struct gs_tls *t)
{
    return t->established;
}

const char *gs_tls_peer_nation(const struct gs_tls *t)
{
    return t->nation;
}

const char *gs_tls_error(const struct gs_tls *t)
{
    return t->error;
}
