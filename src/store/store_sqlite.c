/*
 * store_sqlite.c - the SQLite backend of the store (store.h).
 *
 * One database file in WAL mode with synchronous=FULL: a transaction is on
 * disk when COMMIT returns. secure_delete overwrites what is deleted or
 * updated, so an erased key does not linger in free pages. Transactions
 * start IMMEDIATE (the write lock is taken at BEGIN) and wait up to
 * BUSY_MS for another process, so a running node and `gsomia` commands can
 * share the file without deadlocking. Statements are prepared once per
 * handle. Callbacks run while a statement is stepping: they must not call
 * the store.
 */
#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "store/store_impl.h"

#define BUSY_MS 30000
#define SCHEMA_VERSION "1"

enum stmt {
    S_ITEM_PUT,
    S_ITEM_GET,
    S_ITEM_REPLACE,
    S_ITEM_STATE,
    S_ITEM_RELABEL,
    S_ITEM_ERASE,
    S_ITEM_LIST,
    S_ITEM_LIST_KIND,
    S_REL_ADD,
    S_CHILDREN,
    S_RELEASE_ADD,
    S_RELEASES,
    S_USER_PUT,
    S_USER_GET,
    S_USER_LIST,
    S_IDENTITY_PUT,
    S_IDENTITY_LIST,
    S_AUDIT_APPEND,
    S_AUDIT_SIZE,
    S_AUDIT_LEAF,
    S_AUDIT_GET,
    S_AUDIT_LIST,
    S_NODE_PUT,
    S_NODE_GET,
    S_HEAD_PUT,
    S_HEAD_LATEST,
    S_HEAD_LIST,
    S_PEER_PUT,
    S_PEER_LIST,
    S_PEER_GET,
    S_OUTBOX_NEXT,
    S_OUTBOX_ADD,
    S_OUTBOX_LIST,
    S_OUTBOX_DELETE,
    S_PEER_ACKED,
    S_PEER_RECEIVED,
    S_WITNESS_PUT,
    S_WITNESS_LATEST,
    S_WITNESS_LIST,
    S_META_PUT,
    S_META_GET,
    S_DATA_VERSION,
    S_COUNT
};

#define ITEM_COLUMNS                                                           \
    "id, seq, kind, originator, created, received, source, state, labels, "    \
    "marking, wrapped_key IS NULL"

static const char *const sql[S_COUNT] = {
    [S_ITEM_PUT] = "INSERT INTO items (id, kind, originator, created, "
                   "received, source, state, labels, marking, wrapped_key, "
                   "box) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_ITEM_GET] = "SELECT " ITEM_COLUMNS ", wrapped_key, box FROM items "
                   "WHERE id = ?",
    [S_ITEM_REPLACE] = "UPDATE items SET wrapped_key = ?, box = ? "
                       "WHERE id = ? AND wrapped_key IS NOT NULL",
    [S_ITEM_STATE] = "UPDATE items SET state = ? WHERE id = ?",
    [S_ITEM_RELABEL] = "UPDATE items SET labels = ?, marking = ? "
                       "WHERE id = ?",
    [S_ITEM_ERASE] = "UPDATE items SET wrapped_key = NULL, box = NULL "
                     "WHERE id = ?",
    [S_ITEM_LIST] = "SELECT " ITEM_COLUMNS " FROM items WHERE seq > ? "
                    "ORDER BY seq",
    [S_ITEM_LIST_KIND] = "SELECT " ITEM_COLUMNS " FROM items WHERE seq > ? "
                         "AND kind = ? ORDER BY seq",
    [S_REL_ADD] = "INSERT OR IGNORE INTO relations (child, parent, rel) "
                  "VALUES (?, ?, ?)",
    [S_CHILDREN] = "SELECT child, rel FROM relations WHERE parent = ? "
                   "ORDER BY rowid",
    [S_RELEASE_ADD] = "INSERT OR IGNORE INTO releases (item, nation, at) "
                      "VALUES (?, ?, ?)",
    [S_RELEASES] = "SELECT nation, at FROM releases WHERE item = ? "
                   "ORDER BY at, nation",
    [S_USER_PUT] = "INSERT OR REPLACE INTO users (name, json, added) "
                   "VALUES (?, ?, ?)",
    [S_USER_GET] = "SELECT name, json, added FROM users WHERE name = ?",
    [S_USER_LIST] = "SELECT name, json, added FROM users ORDER BY name",
    [S_IDENTITY_PUT] = "INSERT OR REPLACE INTO identities (nation, name, "
                       "json) VALUES (?, ?, ?)",
    [S_IDENTITY_LIST] = "SELECT nation, name, json FROM identities "
                        "ORDER BY nation",
    [S_AUDIT_APPEND] = "INSERT INTO audit (idx, data, leaf) VALUES "
                       "((SELECT IFNULL(MAX(idx) + 1, 0) FROM audit), ?, ?)",
    [S_AUDIT_SIZE] = "SELECT IFNULL(MAX(idx) + 1, 0) FROM audit",
    [S_AUDIT_LEAF] = "SELECT leaf FROM audit WHERE idx = ?",
    [S_AUDIT_GET] = "SELECT idx, data FROM audit WHERE idx = ?",
    [S_AUDIT_LIST] = "SELECT idx, data FROM audit WHERE idx >= ? "
                     "ORDER BY idx",
    [S_NODE_PUT] = "INSERT OR REPLACE INTO audit_nodes (level, idx, hash) "
                   "VALUES (?, ?, ?)",
    [S_NODE_GET] = "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?",
    [S_HEAD_PUT] = "INSERT OR REPLACE INTO heads (size, root, time, "
                   "signature) VALUES (?, ?, ?, ?)",
    [S_HEAD_LATEST] = "SELECT size, root, time, signature FROM heads "
                      "ORDER BY size DESC LIMIT 1",
    [S_HEAD_LIST] = "SELECT size, root, time, signature FROM heads "
                    "ORDER BY size",
    [S_PEER_PUT] = "INSERT INTO peers (nation, address) VALUES (?, ?) "
                   "ON CONFLICT (nation) DO UPDATE SET address = "
                   "excluded.address",
    [S_PEER_LIST] = "SELECT nation, address, next_out, acked_out, "
                    "received_in FROM peers ORDER BY nation",
    [S_PEER_GET] = "SELECT nation, address, next_out, acked_out, "
                   "received_in FROM peers WHERE nation = ?",
    [S_OUTBOX_NEXT] = "UPDATE peers SET next_out = next_out + 1 "
                      "WHERE nation = ? RETURNING next_out - 1",
    [S_OUTBOX_ADD] = "INSERT INTO outbox (peer, seq, item) VALUES (?, ?, ?)",
    [S_OUTBOX_LIST] = "SELECT seq, item FROM outbox WHERE peer = ? AND "
                      "seq > ? ORDER BY seq LIMIT ?",
    [S_OUTBOX_DELETE] = "DELETE FROM outbox WHERE peer = ? AND seq <= ?",
    [S_PEER_ACKED] = "UPDATE peers SET acked_out = max(acked_out, ?) "
                     "WHERE nation = ?",
    [S_PEER_RECEIVED] = "UPDATE peers SET received_in = max(received_in, ?) "
                        "WHERE nation = ?",
    [S_WITNESS_PUT] = "INSERT OR REPLACE INTO witness (nation, size, root, "
                      "time, signature, received) VALUES (?, ?, ?, ?, ?, ?)",
    [S_WITNESS_LATEST] = "SELECT nation, size, root, time, signature, "
                         "received FROM witness WHERE nation = ? "
                         "ORDER BY size DESC LIMIT 1",
    [S_WITNESS_LIST] = "SELECT nation, size, root, time, signature, "
                       "received FROM witness ORDER BY nation, size",
    [S_META_PUT] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?",
    [S_DATA_VERSION] = "PRAGMA data_version",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);"
    "CREATE TABLE IF NOT EXISTS items ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " id BLOB NOT NULL UNIQUE,"
    " kind TEXT NOT NULL, originator TEXT NOT NULL,"
    " created INTEGER NOT NULL, received INTEGER NOT NULL,"
    " source TEXT NOT NULL, state TEXT NOT NULL,"
    " labels TEXT NOT NULL, marking TEXT,"
    " wrapped_key BLOB, box BLOB);"
    "CREATE INDEX IF NOT EXISTS items_kind ON items (kind, seq);"
    "CREATE TABLE IF NOT EXISTS relations ("
    " child BLOB NOT NULL, parent BLOB NOT NULL, rel INTEGER NOT NULL,"
    " PRIMARY KEY (child, parent));"
    "CREATE INDEX IF NOT EXISTS relations_parent ON relations (parent);"
    "CREATE TABLE IF NOT EXISTS releases ("
    " item BLOB NOT NULL, nation TEXT NOT NULL, at INTEGER NOT NULL,"
    " PRIMARY KEY (item, nation));"
    "CREATE TABLE IF NOT EXISTS users ("
    " name TEXT PRIMARY KEY, json TEXT NOT NULL, added INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS identities ("
    " nation TEXT PRIMARY KEY, name TEXT NOT NULL, json TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit ("
    " idx INTEGER PRIMARY KEY, data TEXT NOT NULL, leaf BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit_nodes ("
    " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
    " PRIMARY KEY (level, idx));"
    "CREATE TABLE IF NOT EXISTS peers ("
    " nation TEXT PRIMARY KEY, address TEXT NOT NULL,"
    " next_out INTEGER NOT NULL DEFAULT 1,"
    " acked_out INTEGER NOT NULL DEFAULT 0,"
    " received_in INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS outbox ("
    " peer TEXT NOT NULL, seq INTEGER NOT NULL, item BLOB NOT NULL,"
    " PRIMARY KEY (peer, seq));"
    "CREATE TABLE IF NOT EXISTS witness ("
    " nation TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,"
    " time INTEGER NOT NULL, signature BLOB NOT NULL,"
    " received INTEGER NOT NULL, PRIMARY KEY (nation, size));"
    "CREATE TABLE IF NOT EXISTS heads ("
    " size INTEGER PRIMARY KEY, root BLOB NOT NULL, time INTEGER NOT NULL,"
    " signature BLOB NOT NULL);";

struct sqlite_store {
    struct gs_store base; /* first: the handle callers hold */
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT];
    bool in_tx;
};

static struct sqlite_store *S(struct gs_store *s)
{
    return (struct sqlite_store *)s;
}

/* Logs a SQLite failure and maps it to a gsomia error. */
static int fail(struct sqlite_store *q, int rc, const char *what)
{
    if (rc == SQLITE_CONSTRAINT)
        return GS_ERR_EXISTS;
    GS_LOG_ERROR("%s: %s", what, sqlite3_errmsg(q->db));
    return GS_ERR_IO;
}

/* The statement i, reset and ready for binding. */
static sqlite3_stmt *stmt(struct sqlite_store *q, enum stmt i)
{
    sqlite3_reset(q->st[i]);
    sqlite3_clear_bindings(q->st[i]);
    return q->st[i];
}

/* Steps a statement that returns no rows. */
static int run(struct sqlite_store *q, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(q, rc, what);
    return 0;
}

static int exec(struct sqlite_store *q, const char *text)
{
    char *err = NULL;
    int rc = sqlite3_exec(q->db, text, NULL, NULL, &err);

    if (rc != SQLITE_OK) {
        GS_LOG_ERROR("%s: %s", text, err != NULL ? err : "?");
        sqlite3_free(err);
        return GS_ERR_IO;
    }
    return 0;
}

static void sq_close(struct gs_store *s)
{
    struct sqlite_store *q = S(s);
    int i;

    if (q->in_tx)
        exec(q, "ROLLBACK");
    for (i = 0; i < S_COUNT; i++)
        sqlite3_finalize(q->st[i]);
    sqlite3_close(q->db);
    sodium_memzero(s->storage_key, sizeof(s->storage_key));
    gs_free(s->path);
    gs_free(q);
}

static int sq_begin(struct gs_store *s)
{
    int rc = exec(S(s), "BEGIN IMMEDIATE");

    if (rc == 0)
        S(s)->in_tx = true;
    return rc;
}

static int sq_commit(struct gs_store *s)
{
    int rc = exec(S(s), "COMMIT");

    if (rc == 0)
        S(s)->in_tx = false;
    else
        gs_store_rollback(s);
    return rc;
}

static void sq_rollback(struct gs_store *s)
{
    if (S(s)->in_tx)
        exec(S(s), "ROLLBACK");
    S(s)->in_tx = false;
}

static int sq_checkpoint(struct gs_store *s)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(S(s)->db, NULL,
                                       SQLITE_CHECKPOINT_TRUNCATE, &log, &done);

    return rc == SQLITE_OK ? 0 : fail(S(s), rc, "checkpointing the store");
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t != NULL ? gs_strdup((const char *)t) : NULL;
}

static void col_nation(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    snprintf(out, n, "%s", t != NULL ? (const char *)t : "");
}

static int col_blob(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
    if ((size_t)sqlite3_column_bytes(st, i) != n)
        return GS_ERR_IO;
    memcpy(out, sqlite3_column_blob(st, i), n);
    return 0;
}

/* Reads the ITEM_COLUMNS of the current row into m. */
static int read_item(sqlite3_stmt *st, struct gs_store_item *m)
{
    const char *kind = (const char *)sqlite3_column_text(st, 2);
    const char *state = (const char *)sqlite3_column_text(st, 7);

    memset(m, 0, sizeof(*m));
    if (col_blob(st, 0, m->id, GS_HASH_LEN) < 0 || kind == NULL ||
        state == NULL || gs_kind_parse(kind, &m->kind) < 0 ||
        gs_item_state_parse(state, &m->state) < 0)
        return GS_ERR_IO;
    m->seq = sqlite3_column_int64(st, 1);
    col_nation(st, 3, m->originator, sizeof(m->originator));
    m->created = sqlite3_column_int64(st, 4);
    m->received = sqlite3_column_int64(st, 5);
    col_nation(st, 6, m->source, sizeof(m->source));
    m->labels = col_text(st, 8);
    m->marking = col_text(st, 9);
    m->erased = sqlite3_column_int(st, 10) != 0;
    return 0;
}

static int sq_item_put(struct gs_store *s, const struct gs_store_item *m,
                       struct gs_store_blob key, struct gs_store_blob box)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_PUT);

    sqlite3_bind_blob(st, 1, m->id, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, gs_kind_name(m->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->originator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, m->created);
    sqlite3_bind_int64(st, 5, m->received);
    sqlite3_bind_text(st, 6, m->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, gs_item_state_name(m->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, m->labels != NULL ? m->labels : "[]", -1,
                      SQLITE_STATIC);
    if (m->marking != NULL)
        sqlite3_bind_text(st, 9, m->marking, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 10, key.data, key.len, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 11, box.data, box.len, SQLITE_STATIC);
    return run(q, st, "storing an item");
}

static int sq_item_get(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                       struct gs_store_item *m, struct gs_buf *key,
                       struct gs_buf *box)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_GET);
    int rc;

    sqlite3_bind_blob(st, 1, id, GS_HASH_LEN, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        rc = GS_ERR_NOT_FOUND;
    } else if (rc != SQLITE_ROW) {
        rc = fail(q, rc, "reading an item");
    } else {
        rc = read_item(st, m);
        if (rc == 0 && sqlite3_column_type(st, 11) == SQLITE_BLOB)
            rc = gs_buf_append(key, sqlite3_column_blob(st, 11),
                               (size_t)sqlite3_column_bytes(st, 11));
        if (rc == 0 && sqlite3_column_type(st, 12) == SQLITE_BLOB)
            rc = gs_buf_append(box, sqlite3_column_blob(st, 12),
                               (size_t)sqlite3_column_bytes(st, 12));
    }
    sqlite3_reset(st);
    return rc;
}

/* Runs an UPDATE of one item; GS_ERR_NOT_FOUND when no row changed. */
static int update_item(struct sqlite_store *q, sqlite3_stmt *st,
                       const char *what)
{
    int rc = run(q, st, what);

    if (rc == 0 && sqlite3_changes(q->db) == 0)
        rc = GS_ERR_NOT_FOUND;
    return rc;
}

static int sq_item_replace(struct gs_store *s, const uint8_t *id,
                           struct gs_store_blob key, struct gs_store_blob box)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_REPLACE);

    sqlite3_bind_blob64(st, 1, key.data, key.len, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 2, box.data, box.len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, id, GS_HASH_LEN, SQLITE_STATIC);
    return update_item(q, st, "replacing an item");
}

static int sq_item_set_state(struct gs_store *s, const uint8_t *id,
                             enum gs_item_state state)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_STATE);

    sqlite3_bind_text(st, 1, gs_item_state_name(state), -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, id, GS_HASH_LEN, SQLITE_STATIC);
    return update_item(q, st, "changing an item's state");
}

static int sq_item_relabel(struct gs_store *s, const uint8_t *id,
                           const char *labels, const char *marking)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_RELABEL);

    sqlite3_bind_text(st, 1, labels, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, marking, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, id, GS_HASH_LEN, SQLITE_STATIC);
    return update_item(q, st, "relabelling an item");
}

static int sq_item_erase(struct gs_store *s, const uint8_t *id)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_ITEM_ERASE);

    sqlite3_bind_blob(st, 1, id, GS_HASH_LEN, SQLITE_STATIC);
    return update_item(q, st, "erasing an item");
}

static int sq_item_list(struct gs_store *s, int kind, int64_t after,
                        gs_store_item_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, kind < 0 ? S_ITEM_LIST : S_ITEM_LIST_KIND);
    struct gs_store_item m;
    int rc;

    sqlite3_bind_int64(st, 1, after);
    if (kind >= 0)
        sqlite3_bind_text(st, 2, gs_kind_name((enum gs_kind)kind), -1,
                          SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        if (read_item(st, &m) < 0) {
            rc = SQLITE_CORRUPT;
            break;
        }
        stop = cb(ctx, &m);
        gs_store_item_free(&m);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing items");
}

static int sq_relation_add(struct gs_store *s, const uint8_t *child,
                           const uint8_t *parent, enum gs_relation rel)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_REL_ADD);

    sqlite3_bind_blob(st, 1, child, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, parent, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)rel);
    return run(q, st, "recording a relation");
}

static int sq_children(struct gs_store *s, const uint8_t *parent,
                       gs_store_relation_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_CHILDREN);
    uint8_t child[GS_HASH_LEN];
    int rc;

    sqlite3_bind_blob(st, 1, parent, GS_HASH_LEN, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        if (col_blob(st, 0, child, GS_HASH_LEN) < 0)
            continue;
        stop = cb(ctx, child, (enum gs_relation)sqlite3_column_int(st, 1));
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing relations");
}

static int sq_release_add(struct gs_store *s, const uint8_t *id,
                          const char *nation, gs_time_t at)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_RELEASE_ADD);

    sqlite3_bind_blob(st, 1, id, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, nation, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at);
    return run(q, st, "recording a release");
}

static int sq_releases(struct gs_store *s, const uint8_t *id,
                       gs_store_release_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_RELEASES);
    char nation[GS_NATION_SIZE];
    int rc;

    sqlite3_bind_blob(st, 1, id, GS_HASH_LEN, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        col_nation(st, 0, nation, sizeof(nation));
        stop = cb(ctx, nation, sqlite3_column_int64(st, 1));
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing releases");
}

static int sq_user_put(struct gs_store *s, const char *name, const char *json,
                       gs_time_t added)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_USER_PUT);

    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, added);
    return run(q, st, "storing a user");
}

static void read_user(sqlite3_stmt *st, struct gs_store_user *u)
{
    u->name = col_text(st, 0);
    u->json = col_text(st, 1);
    u->added = sqlite3_column_int64(st, 2);
}

static int sq_user_get(struct gs_store *s, const char *name,
                       struct gs_store_user *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_USER_GET);
    int rc;

    memset(out, 0, sizeof(*out));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_user(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? GS_ERR_NOT_FOUND : fail(q, rc, "reading a user");
}

static int sq_user_list(struct gs_store *s, gs_store_user_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_USER_LIST);
    struct gs_store_user u;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        read_user(st, &u);
        stop = cb(ctx, &u);
        gs_store_user_free(&u);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing users");
}

static int sq_identity_put(struct gs_store *s, const char *nation,
                           const char *name, const char *json)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_IDENTITY_PUT);

    sqlite3_bind_text(st, 1, nation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
    return run(q, st, "storing an identity");
}

static int sq_identity_list(struct gs_store *s, gs_store_identity_cb cb,
                            void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_IDENTITY_LIST);
    struct gs_store_identity id;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        col_nation(st, 0, id.nation, sizeof(id.nation));
        id.name = col_text(st, 1);
        id.json = col_text(st, 2);
        stop = cb(ctx, &id);
        gs_free(id.name);
        gs_free(id.json);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing identities");
}

static int sq_audit_append(struct gs_store *s, const char *data,
                           const uint8_t *leaf_hash, uint64_t *index)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_AUDIT_APPEND);
    int rc;

    sqlite3_bind_text(st, 1, data, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, leaf_hash, GS_HASH_LEN, SQLITE_STATIC);
    rc = run(q, st, "appending an audit record");
    if (rc == 0)
        *index = (uint64_t)sqlite3_last_insert_rowid(q->db);
    return rc;
}

static int one_int(struct sqlite_store *q, sqlite3_stmt *st, int64_t *out,
                   const char *what)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : fail(q, rc, what);
}

static int sq_data_version(struct gs_store *s, int64_t *version)
{
    return one_int(S(s), stmt(S(s), S_DATA_VERSION), version,
                   "reading the data version");
}

static int sq_audit_size(struct gs_store *s, uint64_t *size)
{
    int64_t n = 0;
    int rc =
        one_int(S(s), stmt(S(s), S_AUDIT_SIZE), &n, "sizing the audit log");

    *size = (uint64_t)n;
    return rc;
}

static int sq_audit_leaf(struct gs_store *s, uint64_t index, uint8_t *leaf_hash)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_AUDIT_LEAF);
    int rc;

    sqlite3_bind_int64(st, 1, (int64_t)index);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = col_blob(st, 0, leaf_hash, GS_HASH_LEN) == 0 ? 0 : GS_ERR_IO;
    else if (rc == SQLITE_DONE)
        rc = GS_ERR_NOT_FOUND;
    else
        rc = fail(q, rc, "reading an audit leaf");
    sqlite3_reset(st);
    return rc;
}

static int sq_audit_get(struct gs_store *s, uint64_t index,
                        struct gs_store_record *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_AUDIT_GET);
    int rc;

    memset(out, 0, sizeof(*out));
    sqlite3_bind_int64(st, 1, (int64_t)index);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->index = (uint64_t)sqlite3_column_int64(st, 0);
        out->data = col_text(st, 1);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? GS_ERR_NOT_FOUND
                               : fail(q, rc, "reading an audit record");
    }
    sqlite3_reset(st);
    return rc;
}

static int sq_audit_list(struct gs_store *s, uint64_t from,
                         gs_store_record_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_AUDIT_LIST);
    struct gs_store_record r;
    int rc;

    sqlite3_bind_int64(st, 1, (int64_t)from);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        r.index = (uint64_t)sqlite3_column_int64(st, 0);
        r.data = col_text(st, 1);
        stop = cb(ctx, &r);
        gs_store_record_free(&r);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing audit records");
}

static int sq_audit_node_put(struct gs_store *s, unsigned level, uint64_t index,
                             const uint8_t *hash)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_NODE_PUT);

    sqlite3_bind_int(st, 1, (int)level);
    sqlite3_bind_int64(st, 2, (int64_t)index);
    sqlite3_bind_blob(st, 3, hash, GS_HASH_LEN, SQLITE_STATIC);
    return run(q, st, "caching an audit subtree");
}

static int sq_audit_node_get(struct gs_store *s, unsigned level, uint64_t index,
                             uint8_t *hash)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_NODE_GET);
    int rc;

    sqlite3_bind_int(st, 1, (int)level);
    sqlite3_bind_int64(st, 2, (int64_t)index);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = col_blob(st, 0, hash, GS_HASH_LEN) == 0 ? 0 : GS_ERR_IO;
    else if (rc == SQLITE_DONE)
        rc = GS_ERR_NOT_FOUND;
    else
        rc = fail(q, rc, "reading an audit subtree");
    sqlite3_reset(st);
    return rc;
}

static int sq_head_put(struct gs_store *s, const struct gs_tree_head *h)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_HEAD_PUT);

    sqlite3_bind_int64(st, 1, (int64_t)h->size);
    sqlite3_bind_blob(st, 2, h->root, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, h->time);
    sqlite3_bind_blob(st, 4, h->signature, sizeof(h->signature), SQLITE_STATIC);
    return run(q, st, "storing a tree head");
}

static int read_head(sqlite3_stmt *st, struct gs_tree_head *h)
{
    h->size = (uint64_t)sqlite3_column_int64(st, 0);
    h->time = sqlite3_column_int64(st, 2);
    if (col_blob(st, 1, h->root, GS_HASH_LEN) < 0 ||
        col_blob(st, 3, h->signature, sizeof(h->signature)) < 0)
        return GS_ERR_IO;
    return 0;
}

static int sq_head_latest(struct gs_store *s, struct gs_tree_head *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_HEAD_LATEST);
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        rc = read_head(st, out);
    else
        rc = rc == SQLITE_DONE ? GS_ERR_NOT_FOUND
                               : fail(q, rc, "reading the tree head");
    sqlite3_reset(st);
    return rc;
}

static int sq_head_list(struct gs_store *s, gs_store_head_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_HEAD_LIST);
    struct gs_tree_head h;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        if (read_head(st, &h) < 0) {
            rc = SQLITE_CORRUPT;
            break;
        }
        stop = cb(ctx, &h);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing tree heads");
}

static int sq_peer_put(struct gs_store *s, const char *nation,
                       const char *address)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_PEER_PUT);

    sqlite3_bind_text(st, 1, nation, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
    return run(q, st, "storing a peer");
}

static void read_peer(sqlite3_stmt *st, struct gs_store_peer *p)
{
    col_nation(st, 0, p->nation, sizeof(p->nation));
    p->address = col_text(st, 1);
    p->next_out = (uint64_t)sqlite3_column_int64(st, 2);
    p->acked_out = (uint64_t)sqlite3_column_int64(st, 3);
    p->received_in = (uint64_t)sqlite3_column_int64(st, 4);
}

static int sq_peer_list(struct gs_store *s, gs_store_peer_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_PEER_LIST);
    struct gs_store_peer p;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        read_peer(st, &p);
        stop = cb(ctx, &p);
        gs_store_peer_free(&p);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing peers");
}

static int sq_peer_get(struct gs_store *s, const char *nation,
                       struct gs_store_peer *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_PEER_GET);
    int rc;

    memset(out, 0, sizeof(*out));
    sqlite3_bind_text(st, 1, nation, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_peer(st, out);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? GS_ERR_NOT_FOUND : fail(q, rc, "reading a peer");
}

static int sq_outbox_add(struct gs_store *s, const char *peer,
                         const uint8_t *item, uint64_t *seq)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_OUTBOX_NEXT);
    int64_t n = 0;
    int rc;

    sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    /* Step to the end so the UPDATE completes. */
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return fail(q, rc, "numbering an outbox entry");
    if (n == 0)
        return GS_ERR_NOT_FOUND; /* not a peer */
    st = stmt(q, S_OUTBOX_ADD);
    sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, n);
    sqlite3_bind_blob(st, 3, item, GS_HASH_LEN, SQLITE_STATIC);
    rc = run(q, st, "queueing an item");
    if (rc == 0)
        *seq = (uint64_t)n;
    return rc;
}

static int sq_outbox_list(struct gs_store *s, const char *peer, uint64_t after,
                          int limit, gs_store_outbox_cb cb, void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_OUTBOX_LIST);
    uint8_t item[GS_HASH_LEN];
    int rc;

    sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)after);
    sqlite3_bind_int(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        if (col_blob(st, 1, item, GS_HASH_LEN) < 0)
            continue;
        stop = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0), item);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "reading an outbox");
}

static int sq_outbox_acked(struct gs_store *s, const char *peer, uint64_t seq)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_OUTBOX_DELETE);
    int rc;

    sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)seq);
    rc = run(q, st, "clearing an outbox");
    if (rc < 0)
        return rc;
    st = stmt(q, S_PEER_ACKED);
    sqlite3_bind_int64(st, 1, (int64_t)seq);
    sqlite3_bind_text(st, 2, peer, -1, SQLITE_STATIC);
    return run(q, st, "recording an acknowledgement");
}

static int sq_peer_received(struct gs_store *s, const char *peer, uint64_t seq)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_PEER_RECEIVED);

    sqlite3_bind_int64(st, 1, (int64_t)seq);
    sqlite3_bind_text(st, 2, peer, -1, SQLITE_STATIC);
    return run(q, st, "recording a receipt number");
}

static int sq_witness_put(struct gs_store *s, const struct gs_witness *w)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_WITNESS_PUT);

    sqlite3_bind_text(st, 1, w->nation, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)w->head.size);
    sqlite3_bind_blob(st, 3, w->head.root, GS_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, w->head.time);
    sqlite3_bind_blob(st, 5, w->head.signature, sizeof(w->head.signature),
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, w->received);
    return run(q, st, "storing a witnessed head");
}

static int read_witness(sqlite3_stmt *st, struct gs_witness *w)
{
    col_nation(st, 0, w->nation, sizeof(w->nation));
    w->head.size = (uint64_t)sqlite3_column_int64(st, 1);
    w->head.time = sqlite3_column_int64(st, 3);
    w->received = sqlite3_column_int64(st, 5);
    if (col_blob(st, 2, w->head.root, GS_HASH_LEN) < 0 ||
        col_blob(st, 4, w->head.signature, sizeof(w->head.signature)) < 0)
        return GS_ERR_IO;
    return 0;
}

static int sq_witness_latest(struct gs_store *s, const char *nation,
                             struct gs_witness *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_WITNESS_LATEST);
    int rc;

    sqlite3_bind_text(st, 1, nation, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = read_witness(st, out);
    else
        rc = rc == SQLITE_DONE ? GS_ERR_NOT_FOUND
                               : fail(q, rc, "reading a witnessed head");
    sqlite3_reset(st);
    return rc;
}

static int sq_witness_list(struct gs_store *s, gs_store_witness_cb cb,
                           void *ctx)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_WITNESS_LIST);
    struct gs_witness w;
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;

        if (read_witness(st, &w) < 0)
            continue;
        stop = cb(ctx, &w);
        if (stop != 0) {
            sqlite3_reset(st);
            return stop;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, rc, "listing witnessed heads");
}

static int sq_meta_put(struct gs_store *s, const char *key, const void *value,
                       size_t len)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_META_PUT);

    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 2, value, len, SQLITE_STATIC);
    return run(q, st, "storing a value");
}

static int sq_meta_get(struct gs_store *s, const char *key, struct gs_buf *out)
{
    struct sqlite_store *q = S(s);
    sqlite3_stmt *st = stmt(q, S_META_GET);
    int rc;

    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = gs_buf_append(out, sqlite3_column_blob(st, 0),
                           (size_t)sqlite3_column_bytes(st, 0));
    else
        rc = rc == SQLITE_DONE ? GS_ERR_NOT_FOUND
                               : fail(q, rc, "reading a value");
    sqlite3_reset(st);
    return rc;
}

static const struct gs_store_ops sqlite_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .checkpoint = sq_checkpoint,
    .data_version = sq_data_version,
    .item_put = sq_item_put,
    .item_get = sq_item_get,
    .item_replace = sq_item_replace,
    .item_set_state = sq_item_set_state,
    .item_relabel = sq_item_relabel,
    .item_erase = sq_item_erase,
    .item_list = sq_item_list,
    .relation_add = sq_relation_add,
    .children = sq_children,
    .release_add = sq_release_add,
    .releases = sq_releases,
    .user_put = sq_user_put,
    .user_get = sq_user_get,
    .user_list = sq_user_list,
    .identity_put = sq_identity_put,
    .identity_list = sq_identity_list,
    .audit_append = sq_audit_append,
    .audit_size = sq_audit_size,
    .audit_leaf = sq_audit_leaf,
    .audit_get = sq_audit_get,
    .audit_list = sq_audit_list,
    .audit_node_put = sq_audit_node_put,
    .audit_node_get = sq_audit_node_get,
    .head_put = sq_head_put,
    .head_latest = sq_head_latest,
    .head_list = sq_head_list,
    .peer_put = sq_peer_put,
    .peer_list = sq_peer_list,
    .peer_get = sq_peer_get,
    .outbox_add = sq_outbox_add,
    .outbox_list = sq_outbox_list,
    .outbox_acked = sq_outbox_acked,
    .peer_received = sq_peer_received,
    .witness_put = sq_witness_put,
    .witness_latest = sq_witness_latest,
    .witness_list = sq_witness_list,
    .meta_put = sq_meta_put,
    .meta_get = sq_meta_get,
};

int gs_store_open_sqlite(const char *path,
                         const uint8_t storage_key[GS_STORAGE_KEY_LEN],
                         struct gs_store **out)
{
    struct sqlite_store *q = gs_calloc(1, sizeof(*q));
    struct gs_buf version;
    int i, rc;

    *out = NULL;
    q->base.ops = &sqlite_ops;
    q->base.path = gs_strdup(path);
    memcpy(q->base.storage_key, storage_key, GS_STORAGE_KEY_LEN);
    rc = sqlite3_open_v2(
        path, &q->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        GS_LOG_ERROR("cannot open %s: %s", path,
                     q->db ? sqlite3_errmsg(q->db) : "out of memory");
        sq_close(&q->base);
        return GS_ERR_IO;
    }
    sqlite3_busy_timeout(q->db, BUSY_MS);
    rc = exec(q, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;");
    if (rc == 0)
        rc = exec(q, "BEGIN IMMEDIATE");
    if (rc == 0)
        rc = exec(q, schema);
    for (i = 0; rc == 0 && i < S_COUNT; i++) {
        if (sqlite3_prepare_v3(q->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &q->st[i], NULL) != SQLITE_OK) {
            GS_LOG_ERROR("preparing \"%s\": %s", sql[i], sqlite3_errmsg(q->db));
            rc = GS_ERR_IO;
        }
    }
    if (rc == 0) {
        gs_buf_init(&version, 64);
        if (sq_meta_get(&q->base, "schema", &version) == GS_ERR_NOT_FOUND)
            rc = sq_meta_put(&q->base, "schema", SCHEMA_VERSION,
                             strlen(SCHEMA_VERSION));
        else if (strcmp(gs_buf_str(&version), SCHEMA_VERSION) != 0) {
            GS_LOG_ERROR("%s has store schema %s; this gsomia reads %s", path,
                         gs_buf_str(&version), SCHEMA_VERSION);
            rc = GS_ERR_UNSUPPORTED;
        }
        gs_buf_free(&version);
    }
    if (rc == 0)
        rc = exec(q, "COMMIT");
    if (rc < 0) {
        sq_close(&q->base);
        return rc;
    }
    *out = &q->base;
    return 0;
}
