/*
 * test_store.c - src/store with the SQLite backend: round trips, order,
 * duplicates, relations, releases, users, identities, audit rows; items
 * encrypted at rest (no plaintext in the database files), bound to their
 * id, unreadable with another storage key, and crypto-erased for good.
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

#include "base/buf.h"
#include "base/err.h"
#include "item/key.h"
#include "store/store.h"

static const char marker[] = "PLAINTEXT-MARKER-7f3a9c the missile flew";

struct fixture {
    char dir[64];
    char path[96];
    uint8_t key[GS_STORAGE_KEY_LEN];
    struct gs_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_int_equal(gs_crypto_init(), 0);
    snprintf(f->dir, sizeof(f->dir), "/tmp/gsomia-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    memset(f->key, 0x42, sizeof(f->key));
    assert_int_equal(gs_store_open_sqlite(f->path, f->key, &f->s), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[128];

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

static void meta_of(struct gs_store_item *m, uint8_t fill)
{
    memset(m, 0, sizeof(*m));
    memset(m->id, fill, sizeof(m->id));
    m->kind = GS_KIND_REPORT;
    memcpy(m->originator, "KOR", 4);
    m->created = 1000 + fill;
    m->received = 2000 + fill;
    snprintf(m->source, sizeof(m->source), "local");
    m->state = GS_STATE_ACTIVE;
    m->labels = "[{\"originator\":\"KOR\"}]";
    m->marking = "군사II급비밀 // REL TO USA";
}

static void put(struct fixture *f, uint8_t fill, const char *content)
{
    struct gs_store_item m;

    meta_of(&m, fill);
    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(
        gs_store_item_put(f->s, &m, (const uint8_t *)content, strlen(content)),
        0);
    assert_int_equal(gs_store_commit(f->s), 0);
}

/* True when needle occurs in the file at path (absent files hold
 * nothing). */
static bool file_contains(const char *path, const void *needle, size_t n)
{
    struct gs_buf b;
    bool found = false;
    size_t i;

    gs_buf_init(&b, 1u << 30);
    if (gs_buf_read_file(&b, path) == 0)
        for (i = 0; i + n <= b.len && !found; i++)
            found = memcmp(b.data + i, needle, n) == 0;
    gs_buf_free(&b);
    return found;
}

static bool store_contains(struct fixture *f, const void *needle, size_t n)
{
    char p[128];

    snprintf(p, sizeof(p), "%s-wal", f->path);
    return file_contains(f->path, needle, n) || file_contains(p, needle, n);
}

static void items_round_trip(void **state)
{
    struct fixture *f = *state;
    struct gs_store_item m, got;
    struct gs_buf env;
    uint8_t id[32];

    put(f, 1, marker);
    memset(id, 1, sizeof(id));
    gs_buf_init(&env, 1 << 20);
    assert_int_equal(gs_store_item_get(f->s, id, &got, &env), 0);
    assert_int_equal(env.len, strlen(marker));
    assert_memory_equal(env.data, marker, env.len);
    assert_int_equal(got.seq, 1);
    assert_int_equal(got.kind, GS_KIND_REPORT);
    assert_string_equal(got.originator, "KOR");
    assert_true(got.created == 1001 && got.received == 2001);
    assert_string_equal(got.marking, "군사II급비밀 // REL TO USA");
    assert_false(got.erased);
    gs_store_item_free(&got);
    gs_buf_free(&env);

    /* The same id again is refused. */
    meta_of(&m, 1);
    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(gs_store_item_put(f->s, &m, (const uint8_t *)"x", 1),
                     GS_ERR_EXISTS);
    gs_store_rollback(f->s);
    memset(id, 9, sizeof(id));
    assert_int_equal(gs_store_item_get(f->s, id, NULL, NULL), GS_ERR_NOT_FOUND);
}

static void nothing_in_clear_at_rest(void **state)
{
    struct fixture *f = *state;
    int i;

    for (i = 0; i < 20; i++)
        put(f, (uint8_t)(i + 1), marker);
    assert_false(store_contains(f, marker, strlen(marker)));
    /* Labels and markings are kept in clear, by design, for listing. */
    assert_true(store_contains(f, "REL TO USA", 10));
    assert_int_equal(gs_store_checkpoint(f->s), 0);
    assert_false(store_contains(f, marker, strlen(marker)));
}

static void other_key_does_not_decrypt(void **state)
{
    struct fixture *f = *state;
    struct gs_store *other;
    uint8_t key[GS_STORAGE_KEY_LEN], id[32];
    struct gs_buf env;

    put(f, 3, marker);
    memset(key, 0x43, sizeof(key));
    assert_int_equal(gs_store_open_sqlite(f->path, key, &other), 0);
    memset(id, 3, sizeof(id));
    gs_buf_init(&env, 1 << 20);
    assert_int_equal(gs_store_item_get(other, id, NULL, &env), GS_ERR_VERIFY);
    assert_int_equal(env.len, 0);
    gs_buf_free(&env);
    gs_store_close(other);
}

static void blobs_are_bound_to_their_id(void **state)
{
    struct fixture *f = *state;
    sqlite3 *db;
    uint8_t id[32];
    struct gs_buf env;

    put(f, 4, "four");
    put(f, 5, "five");
    /* Swap the encrypted content of two rows behind gsomia's back. */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "UPDATE items SET box = (SELECT box FROM items WHERE "
                     "seq = 2), wrapped_key = (SELECT wrapped_key FROM items "
                     "WHERE seq = 2) WHERE seq = 1",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    memset(id, 4, sizeof(id));
    gs_buf_init(&env, 1 << 20);
    assert_int_equal(gs_store_item_get(f->s, id, NULL, &env), GS_ERR_VERIFY);
    gs_buf_free(&env);
}

static void crypto_erase_is_for_good(void **state)
{
    struct fixture *f = *state;
    struct gs_store_item got;
    struct gs_buf env;
    sqlite3 *db;
    sqlite3_stmt *st;
    uint8_t id[32], wrapped[256], box[256];
    int wlen, blen;

    put(f, 6, marker);
    memset(id, 6, sizeof(id));
    /* What an attacker with the storage key would need: both blobs. */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT wrapped_key, box FROM "
                                        "items WHERE seq = 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    wlen = sqlite3_column_bytes(st, 0);
    blen = sqlite3_column_bytes(st, 1);
    assert_true(wlen > 32 && wlen <= (int)sizeof(wrapped));
    assert_true(blen > 32 && blen <= (int)sizeof(box));
    memcpy(wrapped, sqlite3_column_blob(st, 0), (size_t)wlen);
    memcpy(box, sqlite3_column_blob(st, 1), (size_t)blen);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(store_contains(f, wrapped, (size_t)wlen));

    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(gs_store_item_erase(f->s, id), 0);
    assert_int_equal(gs_store_item_set_state(f->s, id, GS_STATE_DESTROYED), 0);
    assert_int_equal(gs_store_commit(f->s), 0);
    assert_int_equal(gs_store_checkpoint(f->s), 0);

    /* The row stays, the content is gone, and so are its bytes on disk. */
    gs_buf_init(&env, 1 << 20);
    assert_int_equal(gs_store_item_get(f->s, id, &got, &env), 0);
    assert_true(got.erased);
    assert_int_equal(got.state, GS_STATE_DESTROYED);
    assert_int_equal(env.len, 0);
    gs_store_item_free(&got);
    gs_buf_free(&env);
    assert_false(store_contains(f, wrapped, (size_t)wlen));
    assert_false(store_contains(f, box, (size_t)blen));
}

static int count_item(void *ctx, const struct gs_store_item *m)
{
    int64_t *last = ctx;

    assert_true(m->seq > *last);
    *last = m->seq;
    return 0;
}

static int stop_at_two(void *ctx, const struct gs_store_item *m)
{
    (void)ctx;
    return m->seq == 2 ? 7 : 0;
}

static void listing_in_order(void **state)
{
    struct fixture *f = *state;
    int64_t last = 0;
    uint8_t i;

    for (i = 10; i > 0; i--)
        put(f, i, "x");
    assert_int_equal(gs_store_item_list(f->s, -1, 0, count_item, &last), 0);
    assert_int_equal(last, 10);
    last = 4;
    assert_int_equal(
        gs_store_item_list(f->s, GS_KIND_REPORT, 4, count_item, &last), 0);
    assert_int_equal(last, 10);
    last = 0;
    assert_int_equal(
        gs_store_item_list(f->s, GS_KIND_TRACK, 0, count_item, &last), 0);
    assert_int_equal(last, 0);
    assert_int_equal(gs_store_item_list(f->s, -1, 0, stop_at_two, NULL), 7);
}

static int collect_child(void *ctx, const uint8_t child[32],
                         enum gs_relation rel)
{
    int *n = ctx;

    assert_int_equal(child[0], 8);
    assert_int_equal(rel, GS_REL_COPY);
    (*n)++;
    return 0;
}

static int collect_release(void *ctx, const char *nation, gs_time_t at)
{
    int *n = ctx;

    assert_true((strcmp(nation, "USA") == 0 && at == 10) ||
                (strcmp(nation, "JPN") == 0 && at == 20));
    (*n)++;
    return 0;
}

static void relations_releases_users_meta(void **state)
{
    struct fixture *f = *state;
    uint8_t a[32], b[32];
    struct gs_store_user u;
    struct gs_buf v;
    int n = 0;

    memset(a, 7, sizeof(a));
    memset(b, 8, sizeof(b));
    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(gs_store_relation_add(f->s, b, a, GS_REL_COPY), 0);
    assert_int_equal(gs_store_relation_add(f->s, b, a, GS_REL_COPY), 0);
    assert_int_equal(gs_store_release_add(f->s, a, "USA", 10), 0);
    assert_int_equal(gs_store_release_add(f->s, a, "JPN", 20), 0);
    assert_int_equal(gs_store_user_put(f->s, "kim", "{\"name\":\"kim\"}", 5),
                     0);
    assert_int_equal(gs_store_meta_put(f->s, "k", "v", 1), 0);
    assert_int_equal(gs_store_commit(f->s), 0);
    assert_int_equal(gs_store_children(f->s, a, collect_child, &n), 0);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(gs_store_releases(f->s, a, collect_release, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(gs_store_user_get(f->s, "kim", &u), 0);
    assert_string_equal(u.json, "{\"name\":\"kim\"}");
    assert_true(u.added == 5);
    gs_store_user_free(&u);
    assert_int_equal(gs_store_user_get(f->s, "lee", &u), GS_ERR_NOT_FOUND);
    gs_buf_init(&v, 16);
    assert_int_equal(gs_store_meta_get(f->s, "k", &v), 0);
    assert_string_equal(gs_buf_str(&v), "v");
    gs_buf_reset(&v);
    assert_int_equal(gs_store_meta_get(f->s, "nope", &v), GS_ERR_NOT_FOUND);
    gs_buf_free(&v);
}

static void rollback_keeps_nothing(void **state)
{
    struct fixture *f = *state;
    struct gs_store_item m;
    uint64_t size, index;
    uint8_t leaf[32];

    meta_of(&m, 11);
    memset(leaf, 1, sizeof(leaf));
    assert_int_equal(gs_store_begin(f->s), 0);
    assert_int_equal(gs_store_item_put(f->s, &m, (const uint8_t *)"x", 1), 0);
    assert_int_equal(gs_store_audit_append(f->s, "{}", leaf, &index), 0);
    assert_int_equal(index, 0);
    gs_store_rollback(f->s);
    assert_int_equal(gs_store_item_get(f->s, m.id, NULL, NULL),
                     GS_ERR_NOT_FOUND);
    assert_int_equal(gs_store_audit_size(f->s, &size), 0);
    assert_int_equal(size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(items_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(nothing_in_clear_at_rest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(other_key_does_not_decrypt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(blobs_are_bound_to_their_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(crypto_erase_is_for_good, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(listing_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(relations_releases_users_meta, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rollback_keeps_nothing, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
