/*
 * test_audit.c - src/audit/log: canonical records, signed tree heads,
 * full verification that catches a changed, removed or reordered record
 * and a forged head, inclusion proofs checked with the public key alone,
 * and two handles (two processes) appending to one log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/log.h"
#include "base/err.h"

struct fixture {
    char dir[64], path[96];
    struct gs_signer signer;
    struct gs_store *s;
    struct gs_audit *a;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    uint8_t key[GS_STORAGE_KEY_LEN] = {1};

    snprintf(f->dir, sizeof(f->dir), "/tmp/gsomia-audit-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    assert_int_equal(gs_signer_generate("JPN", &f->signer), 0);
    assert_int_equal(gs_store_open_sqlite(f->path, key, &f->s), 0);
    assert_int_equal(gs_audit_open(f->s, &f->signer, &f->a), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[128];

    gs_audit_close(f->a);
    gs_store_close(f->s);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Appends n records in one transaction and signs a head. */
static void append(struct fixture *f, struct gs_audit *a, int n, int base)
{
    struct gs_audit_record r;
    char detail[64];
    int i;

    assert_int_equal(gs_store_begin(f->s), 0);
    for (i = 0; i < n; i++) {
        memset(&r, 0, sizeof(r));
        snprintf(detail, sizeof(detail), "record %d", base + i);
        r.time = 1700000000000000 + base + i;
        r.action = GS_AUDIT_ACCESS;
        r.actor = "sato";
        r.decision = i % 2 ? "deny" : "allow";
        r.reason = i % 2 ? "NEED_TO_KNOW" : "ALLOWED";
        r.detail = detail;
        assert_int_equal(gs_audit_append(a, &r, NULL), 0);
    }
    assert_int_equal(gs_audit_sign_head(a, 1700000000000000 + base, NULL), 0);
    assert_int_equal(gs_store_commit(f->s), 0);
}

static int verify(struct fixture *f, struct gs_audit_report *rep,
                  const char *want)
{
    struct gs_diag d;
    int rc;

    gs_diag_init(&d);
    rc = gs_audit_verify(f->s, f->signer.pk, rep, &d);
    if (want != NULL && strstr(gs_diag_first(&d), want) == NULL)
        fail_msg("\"%s\" lacks \"%s\"", gs_diag_first(&d), want);
    gs_diag_free(&d);
    return rc;
}

static void sql(struct fixture *f, const char *text)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void records_are_canonical(void **state)
{
    struct gs_audit_record r;
    uint8_t item[32];
    char *s;

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(item, 0xab, sizeof(item));
    r.time = 0;
    r.action = GS_AUDIT_RELEASE;
    r.actor = "node";
    r.item = item;
    r.peer = "USA";
    r.decision = "deny";
    r.reason = "NO_CONSENT";
    r.detail = "KOR marked 군사II급비밀";
    s = gs_audit_record_json(&r);
    assert_string_equal(
        s, "{\"action\":\"release\",\"actor\":\"node\",\"decision\":\"deny\","
           "\"detail\":\"KOR marked 군사II급비밀\",\"item\":\"abababababababab"
           "abababababababababababababababababababababababab\",\"peer\":"
           "\"USA\",\"reason\":\"NO_CONSENT\",\"time\":"
           "\"1970-01-01T00:00:00Z\"}");
    free(s);
}

static void verify_accepts_an_honest_log(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_report rep;
    int i;

    assert_int_equal(verify(f, &rep, NULL), 0);
    assert_int_equal(rep.records, 0);
    for (i = 0; i < 13; i++)
        append(f, f->a, i % 4 + 1, 100 * i);
    assert_int_equal(verify(f, &rep, NULL), 0);
    assert_int_equal(rep.heads, 13);
    /* 1 + 2 + 3 + 4, three times, and 1. */
    assert_int_equal(rep.records, 31);
    assert_int_equal(rep.latest.size, 31);
}

static void verify_catches_tampering(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_report rep;

    append(f, f->a, 5, 0);
    append(f, f->a, 5, 10);
    assert_int_equal(verify(f, &rep, NULL), 0);
    /* A record's bytes changed (and its stored leaf hash with it, as a
     * careful attacker would): the signed root no longer matches. */
    sql(f, "UPDATE audit SET data = replace(data, 'deny', 'allow') "
           "WHERE idx = 3");
    assert_int_equal(verify(f, &rep, "was changed"), GS_ERR_VERIFY);
}

static void verify_catches_recomputed_leaf(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_report rep;
    char text[256];
    uint8_t leaf[32];
    const char *data = "{\"action\":\"access\"}";
    char hex[65];
    size_t i;

    append(f, f->a, 4, 0);
    gs_merkle_leaf_hash(data, strlen(data), leaf);
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", leaf[i]);
    snprintf(text, sizeof(text),
             "UPDATE audit SET data = '%s', leaf = x'%s' WHERE idx = 1", data,
             hex);
    sql(f, text);
    assert_int_equal(verify(f, &rep, "do not hash to the signed root"),
                     GS_ERR_VERIFY);
}

static void verify_catches_removal_and_forgery(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_report rep;

    append(f, f->a, 3, 0);
    append(f, f->a, 3, 10);
    sql(f, "DELETE FROM audit WHERE idx = 5");
    assert_int_equal(verify(f, &rep, "records were removed"), GS_ERR_VERIFY);
    sql(f, "DELETE FROM heads WHERE size = 6");
    assert_int_equal(verify(f, &rep, NULL), 0);
    sql(f, "DELETE FROM audit WHERE idx = 1");
    assert_int_equal(verify(f, &rep, "record 1 is missing"), GS_ERR_VERIFY);
}

static void verify_catches_forged_head(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_report rep;

    append(f, f->a, 3, 0);
    sql(f, "UPDATE heads SET time = time + 1");
    assert_int_equal(verify(f, &rep, "not signed by this node's key"),
                     GS_ERR_VERIFY);
}

static void proofs_check_with_the_public_key(void **state)
{
    struct fixture *f = *state;
    struct gs_tree_head h;
    struct gs_signer other;
    json_t *proof;
    uint64_t i;

    append(f, f->a, 7, 0);
    append(f, f->a, 10, 100);
    assert_int_equal(gs_store_head_latest(f->s, &h), 0);
    assert_int_equal(h.size, 17);
    assert_int_equal(gs_signer_generate("JPN", &other), 0);
    for (i = 0; i < h.size; i++) {
        assert_int_equal(gs_audit_proof(f->s, &f->signer, i, &h, &proof), 0);
        assert_int_equal(gs_audit_check_proof(proof, f->signer.pk, NULL), 0);
        /* Another key, or another record, does not verify. */
        assert_int_equal(gs_audit_check_proof(proof, other.pk, NULL),
                         GS_ERR_VERIFY);
        json_object_set_new(proof, "record",
                            json_string("{\"action\":\"nothing\"}"));
        assert_int_equal(gs_audit_check_proof(proof, f->signer.pk, NULL),
                         GS_ERR_VERIFY);
        json_decref(proof);
    }
    assert_int_equal(gs_audit_proof(f->s, &f->signer, 17, &h, &proof),
                     GS_ERR_NOT_FOUND);
}

static void two_handles_share_the_log(void **state)
{
    struct fixture *f = *state;
    struct gs_store *s2;
    struct gs_audit *a2;
    struct gs_audit_report rep;
    uint8_t key[GS_STORAGE_KEY_LEN] = {1};
    struct fixture g;
    int i;

    assert_int_equal(gs_store_open_sqlite(f->path, key, &s2), 0);
    assert_int_equal(gs_audit_open(s2, &f->signer, &a2), 0);
    g = *f;
    g.s = s2;
    for (i = 0; i < 6; i++) {
        if (i % 2)
            append(&g, a2, 3, i * 10);
        else
            append(f, f->a, 5, i * 10);
    }
    assert_int_equal(verify(f, &rep, NULL), 0);
    assert_int_equal(rep.records, 24);
    gs_audit_close(a2);
    gs_store_close(s2);
}

static void rollback_then_append(void **state)
{
    struct fixture *f = *state;
    struct gs_audit_record r;
    struct gs_audit_report rep;

    append(f, f->a, 3, 0);
    memset(&r, 0, sizeof(r));
    r.action = GS_AUDIT_ACCESS;
    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(gs_audit_append(f->a, &r, NULL), 0);
    gs_store_rollback(f->s);
    gs_audit_rollback(f->a);
    append(f, f->a, 2, 10);
    assert_int_equal(verify(f, &rep, NULL), 0);
    assert_int_equal(rep.records, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_are_canonical),
        cmocka_unit_test_setup_teardown(verify_accepts_an_honest_log, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(verify_catches_tampering, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(verify_catches_recomputed_leaf, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(verify_catches_removal_and_forgery,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(verify_catches_forged_head, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(proofs_check_with_the_public_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_handles_share_the_log, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rollback_then_append, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
