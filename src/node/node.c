/* node.c - node directories and the open node; see node.h. */
#include "node/node.h"
#include "node/covenant.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "policy/parse.h"
#include "peer/x509.h"

/* DIR/rel into a new string. */
static char *path_of(const char *dir, const char *rel)
{
    struct gs_buf b;
    char *s;

    gs_buf_init(&b, 8192);
    if (gs_buf_printf(&b, "%s/%s", dir, rel) < 0)
        return NULL;
    s = gs_strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    return s;
}

/* Writes n secret bytes as hex to path, mode 0600, refusing to overwrite. */
static int write_secret(const char *path, const uint8_t *bytes, size_t n,
                        struct gs_diag *d)
{
    char hex[2 * 64 + 2];
    struct gs_pos pos = {path, 0, 0};
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t len;
    int rc = 0;

    if (fd < 0) {
        gs_diag_error(d, &pos, "cannot create: %s", strerror(errno));
        return GS_ERR_IO;
    }
    sodium_bin2hex(hex, sizeof(hex) - 1, bytes, n);
    len = strlen(hex);
    hex[len++] = '\n';
    if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
        gs_diag_error(d, &pos, "cannot write");
        rc = GS_ERR_IO;
    }
    close(fd);
    sodium_memzero(hex, sizeof(hex));
    return rc;
}

/* Reads n secret bytes written by write_secret; refuses a file that group
 * or others may read. */
static int read_secret(const char *path, uint8_t *out, size_t n,
                       struct gs_diag *d)
{
    struct gs_pos pos = {path, 0, 0};
    struct stat st;
    struct gs_buf b;
    size_t len = 0;
    int rc;

    if (stat(path, &st) != 0) {
        gs_diag_error(d, &pos, "cannot read: %s", strerror(errno));
        return GS_ERR_NOT_FOUND;
    }
    if ((st.st_mode & 077) != 0) {
        gs_diag_error(d, &pos,
                      "may be read by others (mode %03o); a key "
                      "must be private: chmod 600 it",
                      st.st_mode & 0777);
        return GS_ERR_DENIED;
    }
    gs_buf_init(&b, 1024);
    rc = gs_buf_read_file(&b, path);
    while (rc == 0 && b.len > 0 &&
           (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
        b.data[--b.len] = '\0';
    if (rc == 0 && (b.len != 2 * n ||
                    sodium_hex2bin(out, n, (const char *)b.data, b.len, NULL,
                                   &len, NULL) != 0 ||
                    len != n)) {
        gs_diag_error(d, &pos, "is not a key of %zu bytes in hex", n);
        rc = GS_ERR_INVALID;
    }
    gs_buf_free_secret(&b);
    return rc;
}

static bool dir_is_empty(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    bool empty = true;

    if (dp == NULL)
        return false;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    closedir(dp);
    return empty;
}

static int make_dir(const char *path, struct gs_diag *d)
{
    struct gs_pos pos = {path, 0, 0};

    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        gs_diag_error(d, &pos, "cannot create the folder: %s", strerror(errno));
        return GS_ERR_IO;
    }
    return 0;
}

int gs_node_init(const char *dir, const char *nation, const char *name,
                 const char *listen, bool hub, struct gs_diag *d)
{
    struct gs_pos pos = {dir, 0, 0};
    struct gs_config cfg;
    struct gs_signer signer;
    struct gs_node *n = NULL;
    uint8_t seed[GS_SEED_LEN], storage[GS_STORAGE_KEY_LEN];
    char *p[8] = {NULL};
    struct gs_audit_record r;
    char detail[128];
    int rc, i;

    if (!gs_nation_valid(nation)) {
        gs_diag_error(d, NULL,
                      "\"%s\" is not an ISO 3166-1 alpha-3 nation "
                      "code such as KOR",
                      nation);
        return GS_ERR_INVALID;
    }
    if (!pj_ident_valid(name)) {
        gs_diag_error(d, NULL,
                      "the node name \"%s\" must be 1 to 64 of "
                      "A-Z a-z 0-9 . _ -",
                      name);
        return GS_ERR_INVALID;
    }
    if (listen != NULL && listen[0] != '\0') {
        char host[GS_ADDRESS_MAX];
        int port;

        if (strlen(listen) >= GS_ADDRESS_MAX ||
            gs_address_parse(listen, host, sizeof(host), &port) < 0) {
            gs_diag_error(d, NULL,
                          "the address \"%s\" must be HOST:PORT, "
                          "such as 127.0.0.1:7400",
                          listen);
            return GS_ERR_INVALID;
        }
    }
    if (access(dir, F_OK) == 0 && !dir_is_empty(dir)) {
        gs_diag_error(d, &pos,
                      "already exists and is not empty; gsomia "
                      "init never overwrites a node");
        return GS_ERR_EXISTS;
    }
    rc = make_dir(dir, d);
    p[0] = path_of(dir, "keys");
    p[1] = path_of(dir, "tls");
    p[2] = path_of(dir, "keys/signing.key");
    p[3] = path_of(dir, "keys/storage.key");
    p[4] = path_of(dir, "tls/ca.crt");
    p[5] = path_of(dir, "tls/ca.key");
    p[6] = path_of(dir, "tls/node.crt");
    p[7] = path_of(dir, "tls/node.key");
    if (rc == 0)
        rc = make_dir(p[0], d);
    if (rc == 0)
        rc = make_dir(p[1], d);
    if (rc == 0)
        rc = gs_signer_generate(nation, &signer);
    if (rc == 0) {
        gs_signer_seed(&signer, seed);
        rc = write_secret(p[2], seed, sizeof(seed), d);
        sodium_memzero(seed, sizeof(seed));
        gs_signer_wipe(&signer);
    }
    if (rc == 0) {
        randombytes_buf(storage, sizeof(storage));
        rc = write_secret(p[3], storage, sizeof(storage), d);
        sodium_memzero(storage, sizeof(storage));
    }
    if (rc == 0)
        rc = gs_x509_make_ca(nation, p[4], p[5], d);
    if (rc == 0)
        rc = gs_x509_make_node(nation, name, p[4], p[5], p[6], p[7],
                               GS_NODE_CERT_DAYS, d);
    if (rc == 0) {
        char *conf = path_of(dir, "gsomia.conf");

        memset(&cfg, 0, sizeof(cfg));
        memcpy(cfg.nation, nation, GS_NATION_SIZE);
        snprintf(cfg.name, sizeof(cfg.name), "%s", name);
        cfg.log_level = GS_LOG_WARN;
        cfg.hub = hub;
        if (listen != NULL)
            snprintf(cfg.listen, sizeof(cfg.listen), "%s", listen);
        rc = gs_config_write(conf, &cfg, d);
        gs_free(conf);
    }
    /* Open it once: this creates the store, and the log's first record. */
    if (rc == 0)
        rc = gs_node_open(dir, &n, d);
    if (rc == 0)
        rc = gs_node_begin(n);
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        snprintf(detail, sizeof(detail), "node %s of %s created", name, nation);
        r.action = GS_AUDIT_IDENTITY;
        r.actor = "node";
        r.detail = detail;
        rc = gs_node_audit(n, &r);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
    }
    gs_node_close(n);
    for (i = 0; i < 8; i++)
        gs_free(p[i]);
    return rc;
}

static int load_identity(void *ctx, const struct gs_store_identity *id)
{
    struct gs_node *n = ctx;
    json_error_t err;
    json_t *v = json_loads(id->json, JSON_REJECT_DUPLICATES, &err);
    struct gs_identity ident;
    struct gs_jctx c = {NULL, NULL};

    if (v != NULL && gs_identity_from_json(&c, v, &ident) == 0) {
        gs_keyring_add(&n->keyring, ident.nation, ident.pk);
        gs_identity_free(&ident);
    } else {
        GS_LOG_WARN("the stored identity of %s is unreadable; import it "
                    "again",
                    id->nation);
    }
    json_decref(v);
    return 0;
}

int gs_node_open(const char *dir, struct gs_node **out, struct gs_diag *d)
{
    struct gs_node *n = gs_calloc(1, sizeof(*n));
    uint8_t seed[GS_SEED_LEN], storage[GS_STORAGE_KEY_LEN];
    char *conf = path_of(dir, "gsomia.conf");
    char *sk = path_of(dir, "keys/signing.key");
    char *stk = path_of(dir, "keys/storage.key");
    char *db = path_of(dir, "store.db");
    int rc;

    *out = NULL;
    n->dir = gs_strdup(dir);
    gs_keyring_init(&n->keyring);
    n->policy = gs_policy_new();
    rc = gs_config_load(conf, &n->cfg, d);
    if (rc == GS_ERR_NOT_FOUND)
        gs_diag_error(d, NULL,
                      "%s is not a gsomia node: create one with "
                      "`gsomia init %s --nation XXX`",
                      dir, dir);
    if (rc == 0) {
        /* GSOMIA_LOG, when set, wins over the file: for debugging. */
        if (getenv("GSOMIA_LOG") == NULL)
            gs_log_set_level(n->cfg.log_level);
        rc = read_secret(sk, seed, sizeof(seed), d);
    }
    if (rc == 0) {
        rc = gs_signer_from_seed(n->cfg.nation, seed, &n->signer);
        sodium_memzero(seed, sizeof(seed));
    }
    if (rc == 0)
        rc = read_secret(stk, storage, sizeof(storage), d);
    if (rc == 0) {
        rc = gs_store_open_sqlite(db, storage, &n->store);
        sodium_memzero(storage, sizeof(storage));
        if (rc < 0)
            gs_diag_error(d, NULL, "cannot open the store %s", db);
    }
    if (rc == 0)
        rc = gs_audit_open(n->store, &n->signer, &n->audit);
    if (rc == 0) {
        gs_keyring_add(&n->keyring, n->cfg.nation, n->signer.pk);
        rc = gs_store_identity_list(n->store, load_identity, n);
    }
    /* The agreements, consents and revocations held, now that the keys
     * that sign them are known. */
    if (rc == 0)
        rc = gs_node_load_policy(n);
    gs_free(conf);
    gs_free(sk);
    gs_free(stk);
    gs_free(db);
    if (rc < 0) {
        gs_node_close(n);
        return rc;
    }
    *out = n;
    return 0;
}

void gs_node_close(struct gs_node *n)
{
    if (n == NULL)
        return;
    gs_audit_close(n->audit);
    gs_store_close(n->store);
    gs_keyring_free(&n->keyring);
    gs_policy_free(n->policy);
    gs_signer_wipe(&n->signer);
    gs_free(n->dir);
    gs_free(n);
}

int gs_node_begin(struct gs_node *n)
{
    return gs_store_begin(n->store);
}

int gs_node_commit(struct gs_node *n)
{
    int rc = gs_audit_sign_head(n->audit, gs_time_now(), NULL);

    if (rc < 0) {
        gs_node_rollback(n);
        return rc;
    }
    rc = gs_store_commit(n->store);
    if (rc < 0)
        gs_audit_rollback(n->audit);
    return rc;
}

void gs_node_rollback(struct gs_node *n)
{
    gs_store_rollback(n->store);
    gs_audit_rollback(n->audit);
}

int gs_node_audit(struct gs_node *n, const struct gs_audit_record *r)
{
    struct gs_audit_record copy = *r;

    if (copy.time == 0)
        copy.time = gs_time_now();
    return gs_audit_append(n->audit, &copy, NULL);
}

static json_t *hex_json(const uint8_t *b, size_t len)
{
    char hex[2 * 64 + 1];

    sodium_bin2hex(hex, sizeof(hex), b, len);
    return json_string(hex);
}

json_t *gs_node_identity(const struct gs_node *n)
{
    json_t *o = json_object();
    char *ca = path_of(n->dir, "tls/ca.crt");
    struct gs_buf pem;

    gs_buf_init(&pem, 1 << 16);
    json_object_set_new(o, "nation", json_string(n->cfg.nation));
    json_object_set_new(o, "name", json_string(n->cfg.name));
    json_object_set_new(o, "signing_key", hex_json(n->signer.pk, GS_PK_LEN));
    json_object_set_new(o, "key_id", hex_json(n->signer.key_id, GS_KEY_ID_LEN));
    if (gs_buf_read_file(&pem, ca) == 0)
        json_object_set_new(o, "ca_certificate", json_string(gs_buf_str(&pem)));
    gs_buf_free(&pem);
    gs_free(ca);
    return o;
}

int gs_identity_from_json(const struct gs_jctx *c, const json_t *v,
                          struct gs_identity *out)
{
    static const char *const keys[] = {
        "nation", "name", "signing_key", "key_id", "ca_certificate", NULL};
    const char *name, *pk_hex, *kid_hex, *pem;
    uint8_t kid[GS_KEY_ID_LEN], want[GS_KEY_ID_LEN];
    char subject[4];
    size_t len = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gs_json_object(c, v, "an identity", keys);
    if (rc == 0)
        rc = pj_nation(c, v, "nation", true, out->nation);
    if (rc == 0)
        rc = pj_ident(c, v, "name", true, "node name", &name);
    if (rc == 0)
        rc = gs_json_string(c, v, "signing_key", true, &pk_hex);
    if (rc == 0)
        rc = gs_json_string(c, v, "key_id", true, &kid_hex);
    if (rc == 0)
        rc = gs_json_string(c, v, "ca_certificate", true, &pem);
    if (rc < 0)
        return rc;
    snprintf(out->name, sizeof(out->name), "%s", name);
    if (strlen(pk_hex) != 2 * GS_PK_LEN ||
        sodium_hex2bin(out->pk, GS_PK_LEN, pk_hex, strlen(pk_hex), NULL, &len,
                       NULL) != 0 ||
        len != GS_PK_LEN || strlen(kid_hex) != 2 * GS_KEY_ID_LEN ||
        sodium_hex2bin(kid, GS_KEY_ID_LEN, kid_hex, strlen(kid_hex), NULL, &len,
                       NULL) != 0) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "signing_key");

        gs_diag_error(c->diag, &p,
                      "the signing key must be 64 hex digits "
                      "and the key id 16");
        return GS_ERR_INVALID;
    }
    gs_key_id(out->pk, want);
    if (memcmp(kid, want, GS_KEY_ID_LEN) != 0) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "key_id");

        gs_diag_error(c->diag, &p,
                      "the key id does not belong to the "
                      "signing key: the file was altered");
        return GS_ERR_INVALID;
    }
    if (gs_x509_subject_nation(pem, strlen(pem), subject) < 0 ||
        strcmp(subject, out->nation) != 0) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "ca_certificate");

        gs_diag_error(c->diag, &p,
                      "the CA certificate is not %s's (its subject names %s)",
                      out->nation, subject[0] ? subject : "no nation");
        return GS_ERR_INVALID;
    }
    out->ca_pem = gs_strdup(pem);
    return 0;
}

void gs_identity_free(struct gs_identity *id)
{
    gs_free(id->ca_pem);
    id->ca_pem = NULL;
}

/* "3f2a 9c01 ..." : the first 16 bytes of h, in groups of two bytes. */
static void groups(const uint8_t *h, char *out, size_t n)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < 16 && used + 6 < n; i += 2)
        used += (size_t)snprintf(out + used, n - used, "%s%02x%02x",
                                 i ? " " : "", h[i], h[i + 1]);
}

void gs_identity_fingerprints(const struct gs_identity *id, char *key_fp,
                              size_t key_n, char *ca_fp, size_t ca_n)
{
    uint8_t h[32];

    crypto_hash_sha256(h, id->pk, GS_PK_LEN);
    groups(h, key_fp, key_n);
    if (gs_x509_fingerprint(id->ca_pem, strlen(id->ca_pem), h) == 0)
        groups(h, ca_fp, ca_n);
    else
        snprintf(ca_fp, ca_n, "(unreadable)");
}

int gs_node_identity_import(struct gs_node *n, const struct gs_identity *id,
                            const char *json)
{
    struct gs_audit_record r;
    char detail[160];
    int rc;

    if (strcmp(id->nation, n->cfg.nation) == 0)
        return GS_ERR_INVALID;
    rc = gs_store_identity_put(n->store, id->nation, id->name, json);
    if (rc < 0)
        return rc;
    memset(&r, 0, sizeof(r));
    snprintf(detail, sizeof(detail), "identity of node %s of %s imported",
             id->name, id->nation);
    r.action = GS_AUDIT_IDENTITY;
    r.peer = id->nation;
    r.detail = detail;
    rc = gs_node_audit(n, &r);
    if (rc == 0) {
        gs_keyring_add(&n->keyring, id->nation, id->pk);
        /* Policy items signed by this nation may now take effect. */
        rc = gs_node_load_policy(n);
    }
    return rc;
}
