/*
 * x509.h - the certificates nodes present to each other over TLS.
 *
 * Each nation has a CA; each node a certificate signed by its nation's CA
 * (ECDSA P-256). Partners pin the CA of each nation from its identity file,
 * exchanged out of band, so no public PKI is involved. The subject names the
 * nation (O) and the node (CN). Private keys are written 0600 and never
 * overwrite an existing file.
 */
#ifndef GS_PEER_X509_H
#define GS_PEER_X509_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"

#define GS_CA_DAYS 3650
#define GS_NODE_CERT_DAYS 730

/* Creates a self-signed CA for nation: cert_path (PEM), key_path (PEM,
 * 0600). */
int gs_x509_make_ca(const char *nation, const char *cert_path,
                    const char *key_path, struct gs_diag *d);
/* Creates a node certificate for name of nation, signed by the CA, valid
 * for days from now (tests make expired ones with a negative number). */
int gs_x509_make_node(const char *nation, const char *name,
                      const char *ca_cert_path, const char *ca_key_path,
                      const char *cert_path, const char *key_path, long days,
                      struct gs_diag *d);
/* SHA-256 of the DER form of the first certificate in pem. */
int gs_x509_fingerprint(const char *pem, size_t len, uint8_t out[32]);
/* The O (nation) of the first certificate's subject in pem into out. */
int gs_x509_subject_nation(const char *pem, size_t len, char out[4]);

#endif
