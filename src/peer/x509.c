/* x509.c - nation CAs and node certificates with OpenSSL 3; see x509.h. */
#include "peer/x509.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

static void ssl_error(struct gs_diag *d, const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();

    ERR_error_string_n(e, buf, sizeof(buf));
    gs_diag_error(d, NULL, "%s: %s", what, e ? buf : "unknown error");
    ERR_clear_error();
}

static EVP_PKEY *new_key(void)
{
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* Writes pem data of key or cert to path, refusing to overwrite. */
static int write_pem(const char *path, EVP_PKEY *key, X509 *cert,
                     struct gs_diag *d)
{
    struct gs_pos pos = {path, 0, 0};
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  key != NULL ? 0600 : 0644);
    FILE *f;
    int ok;

    if (fd < 0) {
        gs_diag_error(d, &pos, "cannot create: %s", strerror(errno));
        return errno == EEXIST ? GS_ERR_EXISTS : GS_ERR_IO;
    }
    f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        return GS_ERR_IO;
    }
    ok = key != NULL ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
                     : PEM_write_X509(f, cert);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        ok = 0;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok) {
        gs_diag_error(d, &pos, "cannot write");
        return GS_ERR_IO;
    }
    return 0;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return 0;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/* A certificate for key with subject O=nation, CN=cn, valid days. */
static X509 *new_cert(EVP_PKEY *key, const char *nation, const char *cn,
                      long days)
{
    X509 *cert = X509_new();
    X509_NAME *name;
    unsigned char serial[16];
    BIGNUM *bn;

    if (cert == NULL)
        return NULL;
    X509_set_version(cert, X509_VERSION_3);
    /* A random positive serial number. */
    if (RAND_bytes(serial, sizeof(serial)) != 1) {
        X509_free(cert);
        return NULL;
    }
    serial[0] &= 0x7F;
    bn = BN_bin2bn(serial, sizeof(serial), NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    /* An hour of slack for clocks; a negative days makes an expired
     * certificate (for tests). */
    X509_gmtime_adj(X509_getm_notBefore(cert),
                    days < 0 ? days * 2 * 86400 : -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), days * 86400);
    X509_set_pubkey(cert, key);
    name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               (const unsigned char *)nation, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               (const unsigned char *)cn, -1, -1, 0);
    return cert;
}

int gs_x509_make_ca(const char *nation, const char *cert_path,
                    const char *key_path, struct gs_diag *d)
{
    EVP_PKEY *key = new_key();
    X509 *cert = NULL;
    char cn[64];
    int rc = GS_ERR_CRYPTO;

    snprintf(cn, sizeof(cn), "gsomia %s CA", nation);
    if (key == NULL) {
        ssl_error(d, "generating the CA key");
        goto out;
    }
    cert = new_cert(key, nation, cn, GS_CA_DAYS);
    if (cert == NULL ||
        !X509_set_issuer_name(cert, X509_get_subject_name(cert)) ||
        !add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE") ||
        !add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !add_ext(cert, cert, NID_subject_key_identifier, "hash") ||
        !X509_sign(cert, key, EVP_sha256())) {
        ssl_error(d, "making the CA certificate");
        goto out;
    }
    rc = write_pem(key_path, key, NULL, d);
    if (rc == 0)
        rc = write_pem(cert_path, NULL, cert, d);
out:
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}

static X509 *read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *cert;

    if (f == NULL)
        return NULL;
    cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return cert;
}

static EVP_PKEY *read_key(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *key;

    if (f == NULL)
        return NULL;
    key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return key;
}

int gs_x509_make_node(const char *nation, const char *name,
                      const char *ca_cert_path, const char *ca_key_path,
                      const char *cert_path, const char *key_path, long days,
                      struct gs_diag *d)
{
    X509 *ca = read_cert(ca_cert_path), *cert = NULL;
    EVP_PKEY *ca_key = read_key(ca_key_path), *key = new_key();
    int rc = GS_ERR_CRYPTO;

    if (ca == NULL || ca_key == NULL || key == NULL) {
        ssl_error(d, "reading the CA or generating the node key");
        goto out;
    }
    cert = new_cert(key, nation, name, days);
    if (cert == NULL ||
        !X509_set_issuer_name(cert, X509_get_subject_name(ca)) ||
        !add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(cert, ca, NID_key_usage, "critical,digitalSignature") ||
        !add_ext(cert, ca, NID_ext_key_usage, "serverAuth,clientAuth") ||
        !add_ext(cert, ca, NID_subject_key_identifier, "hash") ||
        !add_ext(cert, ca, NID_authority_key_identifier, "keyid:always") ||
        !X509_sign(cert, ca_key, EVP_sha256())) {
        ssl_error(d, "making the node certificate");
        goto out;
    }
    rc = write_pem(key_path, key, NULL, d);
    if (rc == 0)
        rc = write_pem(cert_path, NULL, cert, d);
out:
    X509_free(ca);
    X509_free(cert);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}

static X509 *parse_cert(const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, len > INT32_MAX ? -1 : (int)len);
    X509 *cert;

    if (b == NULL || len > INT32_MAX) {
        BIO_free(b);
        return NULL;
    }
    cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    ERR_clear_error();
    return cert;
}

int gs_x509_fingerprint(const char *pem, size_t len, uint8_t out[32])
{
    X509 *cert = parse_cert(pem, len);
    unsigned int n = 0;
    int ok;

    memset(out, 0, 32);
    if (cert == NULL)
        return GS_ERR_INVALID;
    ok = X509_digest(cert, EVP_sha256(), out, &n);
    X509_free(cert);
    return ok && n == 32 ? 0 : GS_ERR_CRYPTO;
}

int gs_x509_subject_nation(const char *pem, size_t len, char out[4])
{
    X509 *cert = parse_cert(pem, len);
    char org[64];
    int n;

    out[0] = '\0';
    if (cert == NULL)
        return GS_ERR_INVALID;
    n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
                                  NID_organizationName, org, sizeof(org));
    X509_free(cert);
    if (n != 3 || strlen(org) != 3)
        return GS_ERR_INVALID;
    memcpy(out, org, 4);
    return 0;
}
