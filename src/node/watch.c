/*
 * watch.c - the node's missile watch; see watch.h.
 *
 * Tables, fixed in size: the ids given to the outputs of each tracker
 * (struct idmap: tracker id -> our id, with what the output was made of),
 * and the partner tracks held (the latest item of each, and its label, to
 * parent and label what is derived from it). Every update of a tracker
 * is turned into items at once, in the job's transaction: a plot that
 * arrived in a job leaves in the same commit.
 */
#include "node/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert/cap.h"
#include "alert/cot.h"
#include "alert/path.h"
#include "alert/region.h"
#include "alert/rules.h"
#include "alert/standing.h"
#include "alert/warning.h"
#include "base/alloc.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "item/payload.h"
#include "node/holding.h"
#include "track/tracker.h"

#define MAP_MAX 256
#define PARTNERS_MAX 256
#define RETRACTED_MAX 256
#define BATCH 64
#define EVENTS_MAX 16
#define LABEL_FILE_MAX (64u << 10)

#define META_TRACK "watch.next_track"
#define META_FUSED "watch.next_fused"
#define META_ALERT "watch.next_alert"
#define META_WARNING "watch.next_warning"
#define META_STANDING "watch.standing_warnings"
#define STANDING_MAX (2u << 20) /* bytes of the standing warnings kept */
#define WARNINGS_MAX 8          /* civil warning messages per update */
#define CAP_TRACKS 64           /* warnings remembered, for references */
#define COT_STALE 10.0          /* s a CoT event stays current */
#define OVERFLIGHT_RADIUS 5e3   /* m about the nominal path */

/* A tracker's output track and the id this node gave it. */
struct idmap {
    bool used;
    char key[GS_TRACK_ID_SIZE]; /* the tracker's id */
    char id[GS_TRACK_ID_SIZE];  /* ours: "KOR-T4", "KOR-F2" */
    unsigned local;             /* 1 + serial of our own track in it */
    struct gs_track_part parts[GS_UPDATE_MAX_SOURCES];
    int n_parts;
    bool has_item;
    uint8_t item[GS_ITEM_ID_LEN]; /* our latest item of it */
    gs_time_t last;
    struct gs_ground_point launch; /* the latest launch estimate */
};

/* The messages of one civil warning, for the references of the next. */
struct cap_refs {
    bool used;
    unsigned warning;
    struct gs_cap_ref refs[GS_CAP_MAX_REFS];
    size_t n;
    gs_time_t last;
    /* The last message, while the warning stands: what a restart takes
     * back (adopted: taken back, no track has continued it yet). */
    bool standing, adopted;
    struct gs_warning said;
};

/* A partner's track, as its latest original item says. */
struct partner {
    bool used, retracted;
    bool warnable; /* fed to the warning tracker */
    char nation[4];
    char track[GS_TRACK_ID_SIZE];
    uint8_t item[GS_ITEM_ID_LEN];
    uint8_t *label; /* the originator's label, packed */
    size_t label_len;
    gs_time_t time;
};

struct gs_watch {
    char nation[GS_NATION_SIZE];
    struct gs_sensor *sensors;
    size_t n_sensors;
    struct gs_arena *arena;
    struct gs_label *label;                     /* the node's */
    struct gs_label *by_sensor[GS_SENSORS_MAX]; /* NULL: the node's */
    struct gs_tracker *local, *picture;
    struct gs_tracker *warn; /* with [warning] cap = yes, else NULL */
    struct idmap tracks[MAP_MAX], fused[MAP_MAX], warned[MAP_MAX];
    struct gs_regions *regions;
    struct gs_warning_engine *wengine;
    struct cap_refs caps[CAP_TRACKS];
    bool standing_changed; /* since they were last kept in the store */
    struct gs_warning wbuf[WARNINGS_MAX];
    struct gs_region_point rpath[GS_PATH_POINTS_MAX];
    struct gs_region_set rset, rmore; /* query results */
    char *dir;                        /* the node's folder */
    char cap_country[GS_NATION_SIZE], cap_sender[GS_CAP_SENDER_MAX];
    enum gs_cap_status cap_status;
    unsigned next_warning, saved_warning;
    gs_time_t clock; /* the latest plot time taken */
    int cot_fd;      /* -1: no CoT */
    struct sockaddr_storage cot_addr;
    socklen_t cot_len;
    struct gs_buf cot;
    struct partner partners[PARTNERS_MAX];
    unsigned retracted[RETRACTED_MAX]; /* local serials withdrawn */
    size_t n_retracted;
    unsigned next_track, next_fused, saved_alert;
    struct gs_alert_rules *rules;
    struct gs_track_update out[BATCH];
    struct gs_alert_event ev[EVENTS_MAX];
    struct gs_watch_stats st;
    struct gs_watch_warning *warnings;
    size_t n_warnings;
    uint8_t (*made)[GS_ITEM_ID_LEN];
    size_t n_made;
};

static bool store_failure(int rc)
{
    return rc == GS_ERR_IO || rc == GS_ERR_STATE || rc == GS_ERR_CRYPTO;
}

static int save_standing(struct gs_watch *w, struct gs_node *n);
static void take_back_standing(struct gs_watch *w, struct gs_node *n);

/* ---- counters kept in the store ----------------------------------------- */

static unsigned meta_counter(struct gs_node *n, const char *key)
{
    struct gs_buf b;
    unsigned long v = 1;
    char *end;

    gs_buf_init(&b, 64);
    if (gs_store_meta_get(n->store, key, &b) == 0) {
        errno = 0;
        v = strtoul(gs_buf_str(&b), &end, 10);
        if (errno != 0 || *end != '\0' || v == 0 || v > 1000000000ul)
            v = 1;
    }
    gs_buf_free(&b);
    return (unsigned)v;
}

static int meta_save(struct gs_node *n, const char *key, unsigned v)
{
    char text[16];
    int len = snprintf(text, sizeof(text), "%u", v);

    return gs_store_meta_put(n->store, key, text, (size_t)len);
}

/* ---- geography ---------------------------------------------------------- */

static size_t to_region_path(struct gs_watch *w, const struct gs_path_point *p,
                             size_t n, double radius)
{
    size_t i;

    for (i = 0; i < n && i < GS_PATH_POINTS_MAX; i++) {
        w->rpath[i].lat = p[i].lat;
        w->rpath[i].lon = p[i].lon;
        w->rpath[i].radius = radius > 0 ? radius : p[i].radius;
    }
    return i;
}

/* The nations under the nominal path (alert/rules.h). */
static size_t overflight(void *ctx, const struct gs_path_point *p, size_t n,
                         char (*out)[4], size_t max)
{
    struct gs_watch *w = ctx;
    struct gs_region_set *set = &w->rset;
    size_t k = to_region_path(w, p, n, OVERFLIGHT_RADIUS), i;

    if (k == 0 || gs_regions_near_path(w->regions, NULL, w->rpath, k, set) < 0)
        return 0;
    for (i = 0; i < set->n && i < max; i++)
        memcpy(out[i], set->r[i]->country, 4);
    return i;
}

/* Copies src into dst[size], cut if need be where a UTF-8 character
 * starts, never inside one. */
static void copy_utf8(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The prefectures under the path, with its uncertainty, or in the impact
 * ellipse (alert/warning.h). */
static size_t areas(void *ctx, const struct gs_path_point *p, size_t n,
                    const struct gs_ground_point *impact,
                    struct gs_warning_area *out, size_t max,
                    enum gs_warning_where *where)
{
    struct gs_watch *w = ctx;
    struct gs_region_set *set = &w->rset, *more = &w->rmore;
    size_t k = to_region_path(w, p, n, 0), i, j, m = 0;

    *where = GS_WHERE_SEA;
    set->n = more->n = 0;
    if (k > 0)
        gs_regions_near_path(w->regions, w->cap_country, w->rpath, k, set);
    if (impact->valid) {
        const struct gs_region *in = gs_regions_subdivision_at(
            w->regions, w->cap_country, impact->lat, impact->lon);

        gs_regions_in_ellipse(w->regions, w->cap_country, impact->lat,
                              impact->lon, &impact->ellipse, more);
        if (in != NULL)
            *where = GS_WHERE_AREAS;
        else if (gs_regions_country_at(w->regions, impact->lat, impact->lon) !=
                 NULL)
            *where = GS_WHERE_ELSEWHERE;
    }
    for (i = 0; i < set->n + more->n && m < max; i++) {
        const struct gs_region *r =
            i < set->n ? set->r[i] : more->r[i - set->n];

        for (j = 0; j < m; j++)
            if (strcmp(out[j].code, r->code) == 0)
                break;
        if (j < m)
            continue;
        snprintf(out[m].code, sizeof(out[m].code), "%s", r->code);
        copy_utf8(out[m].name, sizeof(out[m].name), r->name);
        m++;
    }
    return m;
}

/* ---- opening ------------------------------------------------------------ */

static char *in_dir(const char *dir, const char *rel)
{
    size_t n;
    char *p;

    if (rel[0] == '/')
        return gs_strdup(rel);
    n = strlen(dir) + strlen(rel) + 2;
    p = gs_malloc(n);
    snprintf(p, n, "%s/%s", dir, rel);
    return p;
}

/* Reads a label file of ours: the node's, or one of its radars'. */
static int load_label(struct gs_watch *w, struct gs_node *n, const char *rel,
                      struct gs_label **out, struct gs_diag *d)
{
    char *path = in_dir(n->dir, rel);
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, d};
    int rc;

    rc = gs_jdoc_load(&doc, path, LABEL_FILE_MAX, d);
    if (rc == 0)
        rc = gs_label_from_json(n->policy, &c, doc.root, w->arena, out);
    if (rc == 0 && strcmp((*out)->originator, w->nation) != 0) {
        struct gs_pos pos = {path, 0, 0};

        gs_diag_error(d, &pos,
                      "the label of this node's tracks must name "
                      "%s as originator, not %s",
                      w->nation, (*out)->originator);
        rc = GS_ERR_INVALID;
    }
    gs_jdoc_free(&doc);
    gs_free(path);
    return rc;
}

/* A UDP socket for Cursor-on-Target events to address. */
static int cot_open(struct gs_watch *w, const char *address, struct gs_diag *d)
{
    struct addrinfo hints, *ai = NULL;
    char host[GS_ADDRESS_MAX], port[8];
    int p;

    if (gs_address_parse(address, host, sizeof(host), &p) < 0)
        return GS_ERR_INVALID;
    snprintf(port, sizeof(port), "%d", p);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL) {
        gs_diag_error(d, NULL, "[cot] address %s: cannot resolve %s", address,
                      host);
        return GS_ERR_INVALID;
    }
    w->cot_fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (w->cot_fd >= 0) {
        memcpy(&w->cot_addr, ai->ai_addr, ai->ai_addrlen);
        w->cot_len = ai->ai_addrlen;
    }
    freeaddrinfo(ai);
    if (w->cot_fd < 0) {
        gs_diag_error(d, NULL, "[cot] cannot open a UDP socket: %s",
                      strerror(errno));
        return GS_ERR_IO;
    }
    return 0;
}

/* Sends the CoT events of an update of the picture: the track, and its
 * predicted impact. Datagrams that cannot go now are dropped: CoT is a
 * live feed, the next update replaces them. */
static void cot_send(struct gs_watch *w, const struct gs_track_update *u)
{
    gs_time_t now = gs_time_now();

    if (w->cot_fd < 0)
        return;
    gs_buf_reset(&w->cot);
    if (gs_cot_track(u, now, COT_STALE, &w->cot) == 0)
        sendto(w->cot_fd, w->cot.data, w->cot.len, MSG_DONTWAIT,
               (struct sockaddr *)&w->cot_addr, w->cot_len);
    gs_buf_reset(&w->cot);
    if (u->impact.valid && gs_cot_impact(u, now, COT_STALE, &w->cot) == 0)
        sendto(w->cot_fd, w->cot.data, w->cot.len, MSG_DONTWAIT,
               (struct sockaddr *)&w->cot_addr, w->cot_len);
}

int gs_watch_open(struct gs_node *n, struct gs_watch **out, struct gs_diag *d)
{
    const struct gs_config *cfg = &n->cfg;
    struct gs_tracker_config tc;
    struct gs_watch *w;
    char *path;
    size_t i;
    int rc;

    *out = NULL;
    if (cfg->sensors[0] == '\0')
        return 0;
    w = gs_calloc(1, sizeof(*w));
    w->cot_fd = -1;
    gs_buf_init(&w->cot, 64 << 10);
    memcpy(w->nation, cfg->nation, GS_NATION_SIZE);
    w->arena = gs_arena_new();
    path = in_dir(n->dir, cfg->sensors);
    rc = gs_sensors_load(path, &w->sensors, &w->n_sensors, d);
    gs_free(path);
    for (i = 0; rc == 0 && i < w->n_sensors; i++)
        if (strcmp(w->sensors[i].nation, w->nation) != 0) {
            gs_diag_error(d, NULL,
                          "sensor %s belongs to %s: a node takes "
                          "plots from its own nation's radars only",
                          w->sensors[i].id, w->sensors[i].nation);
            rc = GS_ERR_INVALID;
        }
    if (rc == 0)
        rc = load_label(w, n, cfg->label, &w->label, d);
    for (i = 0; rc == 0 && i < cfg->n_sensor_labels; i++) {
        const struct gs_sensor_label *sl = &cfg->sensor_labels[i];
        int k = gs_sensor_find(w->sensors, w->n_sensors, sl->sensor);

        if (k < 0) {
            gs_diag_error(d, NULL,
                          "[watch] label.%s: no sensor of that id in %s",
                          sl->sensor, cfg->sensors);
            rc = GS_ERR_INVALID;
            break;
        }
        rc = load_label(w, n, sl->label, &w->by_sensor[k], d);
    }
    if (rc == 0) {
        gs_tracker_config_default(&tc);
        memcpy(tc.nation, w->nation, 4);
        rc = gs_tracker_new(&tc, w->sensors, w->n_sensors, &w->local);
        if (rc == 0)
            rc = gs_tracker_new(&tc, w->sensors, w->n_sensors, &w->picture);
        if (rc < 0)
            gs_diag_error(d, NULL, "the tracker refused its configuration");
    }
    if (rc == 0) {
        path = cfg->boundaries[0] != '\0' ? in_dir(n->dir, cfg->boundaries)
                                          : gs_strdup(GSOMIA_BOUNDARIES);
        rc = gs_regions_load(path, &w->regions, d);
        gs_free(path);
    }
    if (rc == 0 && cfg->cap) {
        if (gs_regions_count(w->regions, cfg->cap_country) == 0) {
            gs_diag_error(d, NULL,
                          "[warning] country %s: the boundaries "
                          "file has no subdivisions of it to warn",
                          cfg->cap_country);
            rc = GS_ERR_INVALID;
        } else {
            rc = gs_tracker_new(&tc, w->sensors, w->n_sensors, &w->warn);
            w->wengine = gs_warning_engine_new(areas, w);
        }
        memcpy(w->cap_country, cfg->cap_country, GS_NATION_SIZE);
        snprintf(w->cap_sender, sizeof(w->cap_sender), "%s", cfg->cap_sender);
        w->cap_status = strcmp(cfg->cap_status, "Exercise") == 0
                            ? GS_CAP_EXERCISE
                        : strcmp(cfg->cap_status, "Test") == 0 ? GS_CAP_TEST
                                                               : GS_CAP_ACTUAL;
    }
    if (rc == 0 && cfg->cot[0] != '\0')
        rc = cot_open(w, cfg->cot, d);
    if (rc == 0) {
        w->dir = gs_strdup(n->dir);
        w->next_track = meta_counter(n, META_TRACK);
        w->next_fused = meta_counter(n, META_FUSED);
        w->saved_alert = meta_counter(n, META_ALERT);
        w->next_warning = w->saved_warning = meta_counter(n, META_WARNING);
        w->rules = gs_alert_rules_new(w->nation, w->saved_alert, overflight, w);
        if (w->wengine != NULL)
            take_back_standing(w, n);
    }
    if (rc < 0) {
        gs_watch_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void gs_watch_warning_free(struct gs_watch_warning *w)
{
    if (w == NULL)
        return;
    gs_free(w->areas);
    gs_free(w->xml);
}

void gs_watch_free(struct gs_watch *w)
{
    size_t i;

    if (w == NULL)
        return;
    gs_tracker_free(w->local);
    gs_tracker_free(w->picture);
    gs_tracker_free(w->warn);
    gs_alert_rules_free(w->rules);
    gs_warning_engine_free(w->wengine);
    gs_regions_free(w->regions);
    if (w->cot_fd >= 0)
        close(w->cot_fd);
    gs_buf_free(&w->cot);
    for (i = 0; i < PARTNERS_MAX; i++)
        gs_free(w->partners[i].label);
    for (i = 0; i < w->n_warnings; i++)
        gs_watch_warning_free(&w->warnings[i]);
    gs_free(w->warnings);
    gs_free(w->made);
    gs_free(w->dir);
    gs_free(w->sensors);
    gs_arena_free(w->arena);
    gs_free(w);
}

const struct gs_sensor *gs_watch_sensors(const struct gs_watch *w, size_t *n)
{
    *n = w->n_sensors;
    return w->sensors;
}

void gs_watch_stats(const struct gs_watch *w, struct gs_watch_stats *out)
{
    *out = w->st;
}

void gs_watch_take_made(struct gs_watch *w, uint8_t (**ids)[GS_ITEM_ID_LEN],
                        size_t *n)
{
    *ids = w->made;
    *n = w->n_made;
    w->made = NULL;
    w->n_made = 0;
}

void gs_watch_take_warnings(struct gs_watch *w, struct gs_watch_warning **out,
                            size_t *n)
{
    *out = w->warnings;
    *n = w->n_warnings;
    w->warnings = NULL;
    w->n_warnings = 0;
}

/* ---- tables ------------------------------------------------------------- */

static struct idmap *map_find(struct idmap *m, const char *key)
{
    size_t i;

    for (i = 0; i < MAP_MAX; i++)
        if (m[i].used && strcmp(m[i].key, key) == 0)
            return &m[i];
    return NULL;
}

static struct idmap *map_by_id(struct idmap *m, const char *id)
{
    size_t i;

    for (i = 0; i < MAP_MAX; i++)
        if (m[i].used && strcmp(m[i].id, id) == 0)
            return &m[i];
    return NULL;
}

static struct idmap *map_by_local(struct idmap *m, unsigned local)
{
    size_t i;

    for (i = 0; i < MAP_MAX && local != 0; i++)
        if (m[i].used && m[i].local == local)
            return &m[i];
    return NULL;
}

/* A new entry (the oldest is dropped when the table is full: the tracker
 * holds far fewer tracks than this). */
static struct idmap *map_new(struct idmap *m, const char *key)
{
    struct idmap *e = NULL;
    size_t i;

    for (i = 0; i < MAP_MAX; i++) {
        if (!m[i].used) {
            e = &m[i];
            break;
        }
        if (e == NULL || m[i].last < e->last)
            e = &m[i];
    }
    memset(e, 0, sizeof(*e));
    e->used = true;
    snprintf(e->key, sizeof(e->key), "%s", key);
    return e;
}

static struct partner *partner_find(struct gs_watch *w, const char *nation,
                                    const char *track)
{
    size_t i;

    for (i = 0; i < PARTNERS_MAX; i++)
        if (w->partners[i].used && strcmp(w->partners[i].nation, nation) == 0 &&
            strcmp(w->partners[i].track, track) == 0)
            return &w->partners[i];
    return NULL;
}

static struct partner *partner_new(struct gs_watch *w)
{
    struct partner *p = NULL;
    size_t i;

    for (i = 0; i < PARTNERS_MAX; i++) {
        if (!w->partners[i].used) {
            p = &w->partners[i];
            break;
        }
        if (p == NULL || w->partners[i].time < p->time)
            p = &w->partners[i];
    }
    gs_free(p->label);
    memset(p, 0, sizeof(*p));
    p->used = true;
    return p;
}

static bool retracted_local(const struct gs_watch *w, unsigned local)
{
    size_t i;

    for (i = 0; i < w->n_retracted && local != 0; i++)
        if (w->retracted[i] == local)
            return true;
    return false;
}

/* ---- making items ------------------------------------------------------- */

/* What an output was made of: labels (one per contributor) and parents. */
struct contrib {
    struct gs_arena *a;
    Gsomia__Label *labels[GS_UPDATE_MAX_SOURCES + 1];
    Gsomia__Label *unpacked[GS_UPDATE_MAX_SOURCES]; /* to free */
    size_t n_labels, n_unpacked;
    ProtobufCBinaryData parents[GS_UPDATE_MAX_SOURCES + 1];
    size_t n_parents;
};

static void contrib_free(struct contrib *c)
{
    size_t i;

    for (i = 0; i < c->n_unpacked; i++)
        gsomia__label__free_unpacked(c->unpacked[i], NULL);
    gs_arena_free(c->a);
}

/* Our own contribution's label: the dominant label of the radars whose
 * plots went into it (the node's label for radars without their own),
 * stamped now. */
static int own_label(struct gs_watch *w, uint64_t sensors, struct contrib *c)
{
    const struct gs_label *ls[GS_SENSORS_MAX + 1];
    struct gs_label *l = gs_arena_alloc(c->a, 1, sizeof(*l));
    size_t i, k = 0;
    bool node_label = false;

    for (i = 0; i < w->n_sensors; i++) {
        if (!(sensors >> i & 1))
            continue;
        if (w->by_sensor[i] != NULL)
            ls[k++] = w->by_sensor[i];
        else
            node_label = true;
    }
    if (node_label || k == 0)
        ls[k++] = w->label;
    if (gs_label_dominant(ls, k, c->a, l, NULL) < 0)
        return GS_ERR_INVALID;
    l->created = gs_time_now();
    c->labels[c->n_labels] = gs_arena_alloc(c->a, 1, sizeof(Gsomia__Label));
    gs_item_label_to_pb(l, c->a, c->labels[c->n_labels]);
    c->n_labels++;
    return 0;
}

/* The labels and parents of an output: ours when our radars are in it,
 * and each partner track's. GS_ERR_NOT_FOUND when a partner track it
 * names is not held (or withdrawn). */
static int contributors(struct gs_watch *w, const struct gs_track_update *u,
                        const struct idmap *own, struct contrib *c)
{
    int i, rc;

    memset(c, 0, sizeof(*c));
    c->a = gs_arena_new();
    if (u->local != 0) {
        rc = own_label(w, u->sensors, c);
        if (rc < 0)
            return rc;
        if (own != NULL && own->has_item) {
            c->parents[c->n_parents].data = (uint8_t *)own->item;
            c->parents[c->n_parents++].len = GS_ITEM_ID_LEN;
        }
    }
    for (i = 0; i < u->n_parts; i++) {
        struct partner *p =
            partner_find(w, u->parts[i].nation, u->parts[i].track);
        Gsomia__Label *l;

        if (p == NULL || p->retracted)
            return GS_ERR_NOT_FOUND;
        l = gsomia__label__unpack(NULL, p->label_len, p->label);
        if (l == NULL)
            return GS_ERR_INVALID;
        c->unpacked[c->n_unpacked++] = l;
        c->labels[c->n_labels++] = l;
        c->parents[c->n_parents].data = p->item;
        c->parents[c->n_parents++].len = GS_ITEM_ID_LEN;
    }
    return 0;
}

/* The contributors of an output as last seen (for what is said after it
 * is gone): our label over every radar when our track was in it, the
 * partners' labels, and the fused item as parent when there is one. */
static int contributors_of(struct gs_watch *w, const struct idmap *m,
                           struct contrib *c)
{
    struct gs_track_update u;
    int rc;

    memset(&u, 0, sizeof(u));
    u.local = m->local;
    u.sensors = ~(uint64_t)0;
    memcpy(u.parts, m->parts, sizeof(u.parts));
    u.n_parts = m->n_parts;
    rc = contributors(w, &u, NULL, c);
    if (rc == 0 && m->has_item) {
        c->parents[0].data = (uint8_t *)m->item;
        c->parents[0].len = GS_ITEM_ID_LEN;
        c->n_parents = 1;
    }
    return rc;
}

static void body_of(Gsomia__ItemBody *b, Gsomia__Kind kind, struct contrib *c)
{
    gsomia__item_body__init(b);
    b->kind = kind;
    b->labels = c->labels;
    b->n_labels = c->n_labels;
    if (c->n_parents > 0) {
        b->relation = GSOMIA__RELATION__DERIVATION;
        b->parents = c->parents;
        b->n_parents = c->n_parents;
    } else {
        b->relation = GSOMIA__RELATION__ORIGINAL;
    }
}

/* Makes an item; a refusal (a label conflict, say) is logged and counted,
 * only a store failure is an error. made says whether it was. */
static int make(struct gs_watch *w, struct gs_node *n, Gsomia__ItemBody *b,
                uint8_t id[GS_ITEM_ID_LEN], bool *made)
{
    struct gs_diag d;
    int rc;

    *made = false;
    gs_diag_init(&d);
    rc = gs_hold_create(n, b, "watch", id, &d);
    if (rc == 0) {
        *made = true;
        w->made = gs_reallocarray(w->made, w->n_made + 1, sizeof(*w->made));
        memcpy(w->made[w->n_made++], id, GS_ITEM_ID_LEN);
    } else if (!store_failure(rc)) {
        GS_LOG_WARN("watch: a %s item was not made: %s",
                    b->kind == GSOMIA__KIND__ALERT ? "alert" : "track",
                    d.n_msgs ? gs_diag_first(&d) : gs_strerror(rc));
        w->st.items_failed++;
        rc = 0;
    }
    gs_diag_free(&d);
    return rc;
}

static int track_item(struct gs_watch *w, struct gs_node *n,
                      const struct gs_track_update *u, const char *id,
                      struct contrib *c, uint8_t item[GS_ITEM_ID_LEN],
                      bool *made)
{
    Gsomia__ItemBody b;
    Gsomia__Track t;
    struct gs_track_update v = *u;

    snprintf(v.track, sizeof(v.track), "%s", id);
    gs_payload_track_to_pb(&v, c->a, &t);
    body_of(&b, GSOMIA__KIND__TRACK, c);
    b.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_TRACK;
    b.track = &t;
    return make(w, n, &b, item, made);
}

static int alert_item(struct gs_watch *w, struct gs_node *n,
                      const struct gs_alert_event *e, struct contrib *c)
{
    Gsomia__ItemBody b;
    Gsomia__Alert a = GSOMIA__ALERT__INIT;
    char *nations[GS_ALERT_NATIONS_MAX];
    uint8_t id[GS_ITEM_ID_LEN];
    bool made;
    int i, rc;

    a.alert_id = (char *)e->alert_id;
    a.type = (char *)e->type;
    a.track_id = (char *)e->track_id;
    a.launch = gs_payload_ground_to_pb(&e->launch, c->a);
    a.impact = gs_payload_ground_to_pb(&e->impact, c->a);
    for (i = 0; i < e->n_overflight; i++)
        nations[i] = (char *)e->overflight[i];
    a.overflight = nations;
    a.n_overflight = (size_t)e->n_overflight;
    a.text = (char *)e->text;
    a.based_on_us = e->based_on;
    a.sequence = e->sequence;
    body_of(&b, GSOMIA__KIND__ALERT, c);
    b.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_ALERT;
    b.alert = &a;
    rc = make(w, n, &b, id, &made);
    if (made)
        w->st.alerts++;
    return rc;
}

static int save_counters(struct gs_watch *w, struct gs_node *n, unsigned track0,
                         unsigned fused0)
{
    unsigned alert = gs_alert_rules_next_serial(w->rules);
    int rc = 0;

    if (w->next_track != track0)
        rc = meta_save(n, META_TRACK, w->next_track);
    if (rc == 0 && w->next_fused != fused0)
        rc = meta_save(n, META_FUSED, w->next_fused);
    if (rc == 0 && alert != w->saved_alert) {
        rc = meta_save(n, META_ALERT, alert);
        if (rc == 0)
            w->saved_alert = alert;
    }
    if (rc == 0 && w->next_warning != w->saved_warning) {
        rc = meta_save(n, META_WARNING, w->next_warning);
        if (rc == 0)
            w->saved_warning = w->next_warning;
    }
    if (rc == 0)
        rc = save_standing(w, n);
    return rc;
}

/* ---- tracker outputs ---------------------------------------------------- */

/* Our own tracks: original items, labelled by the radars that saw them. */
static int local_outputs(struct gs_watch *w, struct gs_node *n)
{
    size_t k, i;
    int rc = 0;

    while (rc == 0 && (k = gs_tracker_poll(w->local, w->out, BATCH)) > 0) {
        for (i = 0; rc == 0 && i < k; i++) {
            const struct gs_track_update *u = &w->out[i];
            struct idmap *m = map_by_local(w->tracks, u->local);
            struct contrib c;
            bool made;

            if (u->local == 0 || retracted_local(w, u->local))
                continue;
            if (m == NULL) {
                if (u->status == GS_TRACK_LOST)
                    continue;
                m = map_new(w->tracks, u->track);
                m->local = u->local;
                snprintf(m->id, sizeof(m->id), "%s-T%u", w->nation,
                         w->next_track++);
            }
            m->last = u->time;
            memset(&c, 0, sizeof(c));
            c.a = gs_arena_new();
            rc = own_label(w, u->sensors, &c);
            if (rc == 0)
                rc = track_item(w, n, u, m->id, &c, m->item, &made);
            else
                rc = 0; /* the labels conflict: counted below */
            if (rc == 0 && made) {
                m->has_item = true;
                w->st.tracks++;
            }
            contrib_free(&c);
            if (u->status == GS_TRACK_LOST)
                m->used = false;
        }
    }
    return rc;
}

static void remember_parts(struct idmap *m, const struct gs_track_update *u)
{
    if (u->launch.valid)
        m->launch = u->launch;
    m->local = u->local;
    memcpy(m->parts, u->parts, sizeof(m->parts));
    m->n_parts = u->n_parts;
    m->last = u->time;
}

/* The fused picture: fused items where sources combine, and alerts. */
static int picture_outputs(struct gs_watch *w, struct gs_node *n)
{
    size_t k, i, j, ne;
    int rc = 0;

    while (rc == 0 && (k = gs_tracker_poll(w->picture, w->out, BATCH)) > 0) {
        for (i = 0; rc == 0 && i < k; i++) {
            struct gs_track_update *u = &w->out[i];
            struct idmap *m = map_find(w->fused, u->track);
            struct idmap *own = map_by_local(w->tracks, u->local);
            struct contrib c;
            bool made = false;

            if (retracted_local(w, u->local))
                continue;
            if (m == NULL) {
                if (u->status == GS_TRACK_LOST)
                    continue;
                m = map_new(w->fused, u->track);
                snprintf(m->id, sizeof(m->id), "%s-F%u", w->nation,
                         w->next_fused++);
            }
            remember_parts(m, u);
            rc = contributors(w, u, own, &c);
            if (rc < 0) {
                contrib_free(&c);
                rc = 0;
                continue;
            }
            /* A fused item only where sources combine: alone, our track
             * or the partner's item already says it all. */
            if (u->n_parts > 0 && (u->local != 0 || u->n_parts > 1)) {
                rc = track_item(w, n, u, m->id, &c, m->item, &made);
                if (rc == 0 && made) {
                    m->has_item = true;
                    w->st.fused++;
                    /* Alerts derive from the fused item itself. */
                    c.parents[0].data = m->item;
                    c.parents[0].len = GS_ITEM_ID_LEN;
                    c.n_parents = 1;
                }
            }
            snprintf(u->track, sizeof(u->track), "%s", m->id);
            cot_send(w, u);
            ne = gs_alert_rules_update(w->rules, u, w->ev, EVENTS_MAX);
            for (j = 0; rc == 0 && j < ne; j++)
                rc = alert_item(w, n, &w->ev[j], &c);
            contrib_free(&c);
            if (u->status == GS_TRACK_LOST)
                m->used = false;
        }
    }
    return rc;
}

/* ---- civil warnings --------------------------------------------------------
 */

/* The decision of using partner item (id, labels) for a public warning. */
static int may_warn(struct gs_watch *w, struct gs_node *n, const uint8_t *id,
                    const Gsomia__Label *const *labels, size_t n_labels,
                    struct gs_decision *dec)
{
    const struct gs_label *ls[GS_ITEM_MAX_LABELS];
    struct gs_arena *a = gs_arena_new();
    struct gs_item_ref ref;
    char hex[GS_ITEM_ID_HEX];
    size_t i;
    int rc = 0;

    for (i = 0; rc == 0 && i < n_labels && i < GS_ITEM_MAX_LABELS; i++) {
        struct gs_label *l;

        rc = gs_item_label_from_pb(n->policy, labels[i], a, &l, NULL);
        ls[i] = l;
    }
    if (rc == 0) {
        gs_item_id_hex(id, hex);
        memset(&ref, 0, sizeof(ref));
        ref.id = hex;
        ref.kind = GS_KIND_TRACK;
        ref.state = GS_STATE_ACTIVE;
        ref.labels = ls;
        ref.n_labels = i;
        rc = gs_decide_derive(n->policy, w->nation, gs_time_now(), &ref,
                              GS_DERIVATIVE_CIVIL_WARNING, dec);
    } else {
        memset(dec, 0, sizeof(*dec));
        dec->reason = GS_REASON_MALFORMED;
        snprintf(dec->detail, sizeof(dec->detail),
                 "a label of the item does not read");
    }
    gs_arena_free(a);
    return rc == 0 && gs_decision_allowed(dec) ? 0 : GS_ERR_DENIED;
}

static struct cap_refs *cap_refs_of(struct gs_watch *w, unsigned warning)
{
    struct cap_refs *c = NULL;
    size_t i;

    /* Else a free one; else the oldest of those no longer standing; else
     * the oldest. */
    for (i = 0; i < CAP_TRACKS; i++) {
        const struct cap_refs *k = &w->caps[i];

        if (k->used && k->warning == warning)
            return &w->caps[i];
        if (c == NULL || !k->used ||
            (c->used && (c->standing > k->standing ||
                         (c->standing == k->standing && k->last < c->last))))
            c = &w->caps[i];
    }
    memset(c, 0, sizeof(*c));
    c->used = true;
    c->warning = warning;
    return c;
}

/* Minutes east of UTC of the civil clock of the warned country. */
static int utc_offset(const char *country)
{
    if (strcmp(country, "JPN") == 0 || strcmp(country, "KOR") == 0)
        return 9 * 60;
    return 0;
}

/* ---- standing civil warnings, kept across a restart --------------------
 *
 * The store keeps the last message of every standing warning and the
 * references of its messages under META_STANDING (standing.h), written in
 * the transaction that issued the message. A restarted node gives them
 * back to its warning engine (gs_warning_engine_adopt), so that the same
 * missile, tracked again under new ids, continues its warning instead of
 * raising a second Alert. */

/* Keeps the standing warnings in the store when they changed: a message
 * issued, or a warning closed (by its last message, or silently when a
 * warning without a track found none). Only a store failure is an error:
 * warnings that cannot be written are said in the log and not kept (a
 * restart would raise a new Alert for their missile). */
static int save_standing(struct gs_watch *w, struct gs_node *n)
{
    struct gs_standing *list;
    struct gs_buf text;
    size_t i, k = 0;
    int rc;

    if (w->wengine == NULL)
        return 0;
    for (i = 0; i < CAP_TRACKS; i++) {
        struct cap_refs *cr = &w->caps[i];

        if (cr->used && cr->standing &&
            !gs_warning_engine_is_open(w->wengine, cr->warning)) {
            cr->standing = cr->adopted = false;
            w->standing_changed = true;
        }
    }
    if (!w->standing_changed)
        return 0;
    list = gs_calloc(CAP_TRACKS, sizeof(*list));
    for (i = 0; i < CAP_TRACKS; i++) {
        const struct cap_refs *cr = &w->caps[i];

        if (!cr->used || !cr->standing)
            continue;
        list[k].said = cr->said;
        memcpy(list[k].refs, cr->refs, sizeof(cr->refs));
        list[k].n_refs = cr->n;
        k++;
    }
    gs_buf_init(&text, STANDING_MAX);
    rc = gs_standing_write(list, k, &text);
    if (rc < 0) {
        /* Keep those that can be kept; never leave warnings since closed
         * in the store, to be taken back after a restart. */
        size_t kept = 0;

        for (i = 0; i < k; i++) {
            gs_buf_reset(&text);
            if (gs_standing_write(&list[i], 1, &text) == 0)
                list[kept++] = list[i];
            else
                GS_LOG_ERROR("watch: civil warning %s cannot be kept in the "
                             "store: after a restart its missile would raise "
                             "a new Alert",
                             list[i].n_refs > 0 ? list[i].refs[0].identifier
                                                : "?");
        }
        gs_buf_reset(&text);
        rc = gs_standing_write(list, kept, &text);
    }
    if (rc == 0)
        rc = gs_store_meta_put(n->store, META_STANDING, text.data, text.len);
    gs_buf_free(&text);
    gs_free(list);
    if (rc == 0 || !store_failure(rc)) {
        w->standing_changed = false;
        rc = 0;
    }
    return rc;
}

/* After a restart: the warnings that stood are taken back. If they do not
 * read, the log says so and the node runs on (a second Alert may follow
 * for their missile). */
static void take_back_standing(struct gs_watch *w, struct gs_node *n)
{
    struct gs_standing *list = gs_calloc(CAP_TRACKS, sizeof(*list));
    struct gs_buf b;
    char why[256];
    size_t i, k = 0;
    int rc;

    gs_buf_init(&b, STANDING_MAX);
    rc = gs_store_meta_get(n->store, META_STANDING, &b);
    if (rc == 0 && b.len == 0)
        rc = GS_ERR_NOT_FOUND;
    if (rc == 0)
        rc = gs_standing_read((const char *)b.data, b.len, list, CAP_TRACKS, &k,
                              why, sizeof(why));
    else
        snprintf(why, sizeof(why), "%s", gs_strerror(rc));
    if (rc < 0 && rc != GS_ERR_NOT_FOUND)
        GS_LOG_ERROR("watch: the standing civil warnings kept in the store "
                     "do not read (%s): none is continued",
                     why);
    for (i = 0; i < k; i++) {
        const struct gs_standing *st = &list[i];
        const char *last = st->refs[st->n_refs - 1].identifier;
        struct cap_refs *cr;

        rc = gs_warning_engine_adopt(w->wengine, &st->said);
        if (rc < 0) {
            GS_LOG_ERROR("watch: civil warning %s is not continued (%s): a "
                         "new Alert may follow for its missile",
                         last, gs_strerror(rc));
            continue;
        }
        cr = cap_refs_of(w, st->said.warning);
        memcpy(cr->refs, st->refs, sizeof(cr->refs));
        cr->n = st->n_refs;
        cr->last = st->refs[st->n_refs - 1].sent;
        cr->said = st->said;
        cr->standing = cr->adopted = true;
        GS_LOG_INFO("watch: civil warning %s (last message %s) stands from "
                    "before the restart; the next track of its missile "
                    "continues it",
                    st->refs[0].identifier, last);
    }
    gs_buf_free(&b);
    gs_free(list);
}

/* Says when a track continues a warning taken back after a restart. */
static void note_continued(struct gs_watch *w, const char *track)
{
    unsigned id = 0;
    size_t i;

    for (i = 0; i < CAP_TRACKS; i++) {
        struct cap_refs *cr = &w->caps[i];

        if (!cr->used || !cr->adopted)
            continue;
        if (id == 0)
            id = gs_warning_engine_warning_of(w->wengine, track);
        if (id == cr->warning) {
            cr->adopted = false;
            GS_LOG_INFO("watch: track %s continues civil warning %s (last "
                        "message %s), issued before the restart",
                        track, cr->refs[0].identifier,
                        cr->refs[cr->n - 1].identifier);
        }
    }
}

/* Writes text to DIR/warnings/NAME, atomically and durably. */
static int save_warning(struct gs_watch *w, const char *name,
                        const struct gs_buf *text)
{
    char dir[GS_PATH_MAX + 64], path[GS_PATH_MAX + 160], tmp[GS_PATH_MAX + 170];
    int fd, rc = 0;

    snprintf(dir, sizeof(dir), "%s/warnings", w->dir);
    snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return GS_ERR_IO;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return GS_ERR_IO;
    if (write(fd, text->data, text->len) != (ssize_t)text->len ||
        fsync(fd) != 0)
        rc = GS_ERR_IO;
    if (close(fd) != 0)
        rc = GS_ERR_IO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = GS_ERR_IO;
    return rc;
}

/* Issues one civil warning message: every partner contribution must still
 * be usable for it (decided and recorded), the CAP document must pass the
 * schema, then it is saved, recorded and handed to the subscribers. Only
 * store failures are errors. */
static int issue(struct gs_watch *w, struct gs_node *n,
                 const struct gs_warning *wg, const struct idmap *m)
{
    struct gs_cap_message msg;
    struct cap_refs *cr = cap_refs_of(w, wg->warning);
    struct gs_audit_record r;
    struct gs_decision dec;
    struct gs_buf xml, detail;
    struct gs_watch_warning out;
    char why[256] = "";
    int i, rc = 0;
    bool allowed = true;

    gs_buf_init(&detail, 4096);
    memset(&msg, 0, sizeof(msg));
    msg.msg_type = wg->type == GS_WARNING_ALERT    ? GS_CAP_ALERT
                   : wg->type == GS_WARNING_UPDATE ? GS_CAP_UPDATE
                                                   : GS_CAP_CANCEL;
    msg.status = w->cap_status;
    msg.situation = wg->situation;
    msg.certainty = GS_CAP_LIKELY;
    memcpy(msg.sender, w->cap_sender, sizeof(msg.sender));
    snprintf(msg.identifier, sizeof(msg.identifier), "%s-W%u", w->nation,
             w->next_warning);
    msg.sent = gs_time_now();
    msg.expires = wg->impact_time > msg.sent
                      ? wg->impact_time + 300 * GS_USEC_PER_SEC
                      : msg.sent + 1800 * GS_USEC_PER_SEC;
    msg.launch_time = wg->launch_time;
    msg.utc_offset = utc_offset(w->cap_country);
    for (i = 0; i < (int)cr->n; i++)
        msg.refs[msg.n_refs++] = cr->refs[i];
    if (m->launch.valid)
        msg.origin =
            gs_regions_country_at(w->regions, m->launch.lat, m->launch.lon);
    for (i = 0; i < wg->n_areas && msg.n_areas < GS_CAP_MAX_AREAS; i++) {
        const struct gs_region *a =
            gs_regions_find(w->regions, wg->areas[i].code);

        if (a != NULL)
            msg.areas[msg.n_areas++] = a;
    }
    gs_buf_printf(&detail, "civil warning %s (CAP %s) for", msg.identifier,
                  gs_warning_type_name(wg->type));
    for (i = 0; i < wg->n_areas; i++)
        gs_buf_printf(&detail, " %s", wg->areas[i].code);
    /* Every partner contribution, decided again now: a consent may have
     * been revoked since its track was fed. */
    for (i = 0; rc == 0 && i < m->n_parts; i++) {
        struct partner *p =
            partner_find(w, m->parts[i].nation, m->parts[i].track);
        Gsomia__Label *l = NULL;

        if (p != NULL)
            l = gsomia__label__unpack(NULL, p->label_len, p->label);
        if (l == NULL ||
            may_warn(w, n, p->item, (const Gsomia__Label *const *)&l, 1, &dec) <
                0) {
            allowed = false;
            if (p != NULL) {
                memset(&r, 0, sizeof(r));
                r.action = GS_AUDIT_DERIVATIVE;
                r.actor = "watch";
                r.item = p->item;
                r.decision = "deny";
                r.reason = gs_reason_code(dec.reason);
                r.detail = gs_buf_str(&detail);
                rc = gs_node_audit(n, &r);
            }
        }
        if (l != NULL)
            gsomia__label__free_unpacked(l, NULL);
    }
    if (rc < 0 || !allowed) {
        gs_buf_free(&detail);
        return rc;
    }
    gs_buf_init(&xml, GS_CAP_MAX_DOC);
    if (gs_cap_write(&msg, &xml) < 0 ||
        gs_cap_validate((const char *)xml.data, xml.len, GSOMIA_CAP_XSD, why,
                        sizeof(why)) < 0) {
        GS_LOG_ERROR("watch: civil warning %s not issued: the CAP message "
                     "was refused (%s)",
                     msg.identifier, why[0] ? why : "by the writer's checks");
        w->st.items_failed++;
        gs_buf_free(&xml);
        gs_buf_free(&detail);
        return 0;
    }
    if (save_warning(w, msg.identifier, &xml) < 0)
        GS_LOG_ERROR("watch: cannot save civil warning %s in %s/warnings",
                     msg.identifier, w->dir);
    /* The record: one per partner item used, so that its originator can
     * ask how its information was used; one for ours. */
    for (i = 0; rc == 0 && i <= m->n_parts; i++) {
        struct partner *p = i < m->n_parts ? partner_find(w, m->parts[i].nation,
                                                          m->parts[i].track)
                                           : NULL;

        if (i < m->n_parts && p == NULL)
            continue;
        if (i == m->n_parts && m->local == 0)
            break;
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_DERIVATIVE;
        r.actor = "watch";
        r.item = p != NULL ? p->item : NULL;
        r.decision = "allow";
        r.detail = gs_buf_str(&detail);
        rc = gs_node_audit(n, &r);
    }
    if (rc == 0) {
        if (cr->n < GS_CAP_MAX_REFS) {
            struct gs_cap_ref *ref = &cr->refs[cr->n++];

            snprintf(ref->sender, sizeof(ref->sender), "%s", msg.sender);
            snprintf(ref->identifier, sizeof(ref->identifier), "%s",
                     msg.identifier);
            ref->sent = msg.sent;
        }
        cr->last = msg.sent;
        cr->said = *wg;
        cr->standing = gs_warning_leaves_open(wg);
        cr->adopted = false;
        w->standing_changed = true;
        w->next_warning++;
        w->st.warnings++;
        memset(&out, 0, sizeof(out));
        snprintf(out.identifier, sizeof(out.identifier), "%s", msg.identifier);
        snprintf(out.msg_type, sizeof(out.msg_type), "%s",
                 gs_warning_type_name(wg->type));
        snprintf(out.track_id, sizeof(out.track_id), "%s", wg->track_id);
        snprintf(out.situation, sizeof(out.situation), "%s",
                 gs_cap_situation_name(wg->situation));
        out.areas = gs_calloc((size_t)wg->n_areas + 1, sizeof(*out.areas));
        for (i = 0; i < wg->n_areas; i++)
            snprintf(out.areas[i], sizeof(out.areas[i]), "%s",
                     wg->areas[i].code);
        out.n_areas = (size_t)wg->n_areas;
        out.xml = gs_malloc(xml.len + 1);
        memcpy(out.xml, xml.data, xml.len);
        out.xml[xml.len] = '\0';
        w->warnings = gs_reallocarray(w->warnings, w->n_warnings + 1,
                                      sizeof(*w->warnings));
        w->warnings[w->n_warnings++] = out;
        GS_LOG_INFO("watch: %s issued", gs_buf_str(&detail));
    }
    gs_buf_free(&xml);
    gs_buf_free(&detail);
    return rc;
}

/* The warning tracker's outputs into civil warnings. */
static int warn_outputs(struct gs_watch *w, struct gs_node *n)
{
    size_t k, i, j, nw;
    int rc = 0;

    if (w->warn == NULL)
        return 0;
    while (rc == 0 && (k = gs_tracker_poll(w->warn, w->out, BATCH)) > 0) {
        for (i = 0; rc == 0 && i < k; i++) {
            const struct gs_track_update *u = &w->out[i];
            struct idmap *m = map_find(w->warned, u->track);

            if (retracted_local(w, u->local))
                continue;
            if (m == NULL) {
                if (u->status == GS_TRACK_LOST)
                    continue;
                m = map_new(w->warned, u->track);
                snprintf(m->id, sizeof(m->id), "%s", u->track);
            }
            remember_parts(m, u);
            nw = gs_warning_engine_update(w->wengine, u, w->wbuf, WARNINGS_MAX);
            note_continued(w, u->track);
            for (j = 0; rc == 0 && j < nw; j++)
                rc = issue(w, n, &w->wbuf[j], m);
        }
    }
    return rc;
}

/* The warnings the clock ends: tracks beyond the radars have passed, or
 * come down, by their predictions. */
static int warn_tick(struct gs_watch *w, struct gs_node *n)
{
    size_t j, nw;
    int rc = 0;

    if (w->wengine == NULL || w->clock == 0)
        return 0;
    nw = gs_warning_engine_tick(w->wengine, w->clock, w->wbuf, WARNINGS_MAX);
    for (j = 0; rc == 0 && j < nw; j++) {
        struct idmap *m = map_find(w->warned, w->wbuf[j].track_id);
        struct idmap none;

        if (m == NULL) {
            memset(&none, 0, sizeof(none));
            m = &none;
        }
        rc = issue(w, n, &w->wbuf[j], m);
    }
    return rc;
}

/* Withdraws the warnings resting on a withdrawn track: ours (local) or a
 * partner's (nation, track). */
static int warnings_withdrawn(struct gs_watch *w, struct gs_node *n,
                              unsigned local, const char *nation,
                              const char *track)
{
    size_t i, j, nw;
    int rc = 0;

    if (w->warn == NULL)
        return 0;
    for (i = 0; rc == 0 && i < MAP_MAX; i++) {
        struct idmap *m = &w->warned[i];
        bool rests = false;

        if (!m->used)
            continue;
        if (local != 0)
            rests = m->local == local;
        else
            rests = m->local == 0 && m->n_parts == 1 &&
                    strcmp(m->parts[0].nation, nation) == 0 &&
                    strcmp(m->parts[0].track, track) == 0;
        if (!rests)
            continue;
        nw = gs_warning_engine_retract(w->wengine, m->id, gs_time_now(),
                                       w->wbuf, WARNINGS_MAX);
        for (j = 0; rc == 0 && j < nw; j++)
            rc = issue(w, n, &w->wbuf[j], m);
    }
    return rc;
}

/* Alerts of missiles beyond the radars that have come down by now. */
static int alert_tick(struct gs_watch *w, struct gs_node *n)
{
    size_t j, ne = gs_alert_rules_tick(w->rules, w->clock, w->ev, EVENTS_MAX);
    int rc = 0;

    for (j = 0; rc == 0 && j < ne; j++) {
        struct idmap *m = map_by_id(w->fused, w->ev[j].track_id);
        struct contrib c;

        if (m == NULL)
            continue; /* forgotten: nothing to label it with */
        if (contributors_of(w, m, &c) == 0)
            rc = alert_item(w, n, &w->ev[j], &c);
        contrib_free(&c);
    }
    return rc;
}

int gs_watch_plots(struct gs_watch *w, struct gs_node *n,
                   const struct gs_plot *p, size_t np)
{
    unsigned track0 = w->next_track, fused0 = w->next_fused;
    char why[256];
    size_t i;
    int rc;

    for (i = 0; i < np; i++) {
        if (gs_tracker_add_plot(w->local, &p[i], why, sizeof(why)) < 0) {
            w->st.plots_refused++;
            GS_LOG_INFO("watch: plot refused: %s", why);
            continue;
        }
        w->st.plots_taken++;
        if (p[i].time > w->clock)
            w->clock = p[i].time;
        gs_tracker_add_plot(w->picture, &p[i], NULL, 0);
        if (w->warn != NULL)
            gs_tracker_add_plot(w->warn, &p[i], NULL, 0);
    }
    gs_tracker_flush(w->local);
    gs_tracker_flush(w->picture);
    if (w->warn != NULL)
        gs_tracker_flush(w->warn);
    rc = local_outputs(w, n);
    if (rc == 0)
        rc = picture_outputs(w, n);
    if (rc == 0)
        rc = warn_outputs(w, n);
    if (rc == 0)
        rc = alert_tick(w, n);
    if (rc == 0)
        rc = warn_tick(w, n);
    if (rc == 0)
        rc = save_counters(w, n, track0, fused0);
    return rc;
}

int gs_watch_clock(struct gs_watch *w, struct gs_node *n, gs_time_t t)
{
    int rc = 0;

    if (t <= w->clock)
        return 0;
    w->clock = t;
    rc = alert_tick(w, n);
    if (rc == 0)
        rc = warn_tick(w, n);
    if (rc == 0)
        rc = save_counters(w, n, w->next_track, w->next_fused);
    return rc;
}

/* ---- from partners ------------------------------------------------------ */

static int partner_track(struct gs_watch *w, struct gs_node *n,
                         const struct gs_item *it)
{
    struct gs_track_update u;
    struct partner *p;
    char why[256];
    size_t len;
    unsigned track0 = w->next_track, fused0 = w->next_fused;
    int rc;

    if (gs_payload_track_from_pb(it->body->track, it->originator, &u, why,
                                 sizeof(why)) < 0 ||
        it->n_labels != 1 ||
        strcmp(it->labels[0]->purpose, w->label->purpose) != 0) {
        /* Checked at receipt already; a purpose of its own cannot be
         * fused with ours (dominant labels need one purpose). */
        w->st.partner_refused++;
        return 0;
    }
    p = partner_find(w, u.nation, u.track);
    if (p != NULL && p->retracted)
        return 0;
    if (gs_tracker_add_partner(w->picture, &u, why, sizeof(why)) < 0) {
        GS_LOG_INFO("watch: partner track refused: %s", why);
        w->st.partner_refused++;
        return 0;
    }
    w->st.partner_used++;
    if (p == NULL) {
        p = partner_new(w);
        memcpy(p->nation, u.nation, 4);
        memcpy(p->track, u.track, sizeof(p->track));
    }
    memcpy(p->item, it->id, GS_ITEM_ID_LEN);
    p->time = u.time;
    len = gsomia__label__get_packed_size(it->body->labels[0]);
    gs_free(p->label);
    p->label = gs_malloc(len ? len : 1);
    p->label_len = gsomia__label__pack(it->body->labels[0], p->label);
    rc = picture_outputs(w, n);
    if (rc == 0 && w->warn != NULL) {
        struct gs_decision dec;
        bool ok = may_warn(w, n, it->id,
                           (const Gsomia__Label *const *)it->body->labels,
                           it->body->n_labels, &dec) == 0;

        if (ok) {
            gs_tracker_add_partner(w->warn, &u, NULL, 0);
            p->warnable = true;
        } else if (p->warnable) {
            /* No longer usable for warnings (a consent revoked): the
             * warning tracker forgets it. */
            struct gs_track_update last = u;

            last.status = GS_TRACK_LOST;
            gs_tracker_add_partner(w->warn, &last, NULL, 0);
            p->warnable = false;
        }
        rc = warn_outputs(w, n);
    }
    if (rc == 0)
        rc = save_counters(w, n, track0, fused0);
    if (u.status == GS_TRACK_LOST) {
        gs_free(p->label);
        memset(p, 0, sizeof(*p));
    }
    return rc;
}

/* The item that retraction r withdraws, if it is a partner's track: its
 * originator and track id. */
static bool retracted_track(struct gs_node *n, const Gsomia__Retraction *r,
                            char nation[4], char track[GS_TRACK_ID_SIZE])
{
    struct gs_buf env;
    Gsomia__Envelope *e = NULL;
    Gsomia__ItemBody *b = NULL;
    bool found = false;

    if (r->item.len != GS_ITEM_ID_LEN)
        return false;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    if (gs_store_item_get(n->store, r->item.data, NULL, &env) == 0 &&
        env.len > 0)
        e = gsomia__envelope__unpack(NULL, env.len, env.data);
    if (e != NULL)
        b = gsomia__item_body__unpack(NULL, e->body.len, e->body.data);
    if (b != NULL && b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_TRACK &&
        b->relation == GSOMIA__RELATION__ORIGINAL &&
        strcmp(b->originator, n->cfg.nation) != 0) {
        snprintf(nation, 4, "%s", b->originator);
        snprintf(track, GS_TRACK_ID_SIZE, "%s", b->track->track_id);
        found = true;
    }
    if (b != NULL)
        gsomia__item_body__free_unpacked(b, NULL);
    if (e != NULL)
        gsomia__envelope__free_unpacked(e, NULL);
    gs_buf_free(&env);
    return found;
}

/* A partner withdrew one of its tracks: what rested on it alone is
 * retracted too, and the trackers forget it. */
static int partner_retracted(struct gs_watch *w, struct gs_node *n,
                             const struct gs_item *it)
{
    struct partner *p;
    char nation[4], track[GS_TRACK_ID_SIZE];
    size_t i, j, ne;
    int rc = 0;

    if (!retracted_track(n, it->body->retraction, nation, track))
        return 0;
    p = partner_find(w, nation, track);
    if (p == NULL || p->retracted)
        return 0;
    for (i = 0; rc == 0 && i < MAP_MAX; i++) {
        struct idmap *m = &w->fused[i];
        struct contrib c;

        if (!m->used || m->local != 0 || m->n_parts != 1 ||
            strcmp(m->parts[0].nation, nation) != 0 ||
            strcmp(m->parts[0].track, track) != 0)
            continue;
        ne = gs_alert_rules_retract(w->rules, m->id, it->created,
                                    it->body->retraction->reason, w->ev,
                                    EVENTS_MAX);
        if (ne == 0)
            continue;
        if (contributors_of(w, m, &c) == 0)
            for (j = 0; rc == 0 && j < ne; j++)
                rc = alert_item(w, n, &w->ev[j], &c);
        contrib_free(&c);
    }
    p->retracted = true;
    /* The trackers drop it as if it had ended. */
    if (rc == 0) {
        struct gs_track_update last;

        memset(&last, 0, sizeof(last));
        memcpy(last.nation, nation, 4);
        memcpy(last.track, track, sizeof(last.track));
        last.time = p->time + 1;
        last.status = GS_TRACK_LOST;
        last.P[0] = last.P[7] = last.P[14] = last.P[21] = last.P[28] =
            last.P[35] = 1;
        gs_tracker_add_partner(w->picture, &last, NULL, 0);
        rc = picture_outputs(w, n);
        if (rc == 0)
            rc = warnings_withdrawn(w, n, 0, nation, track);
        if (rc == 0 && w->warn != NULL) {
            gs_tracker_add_partner(w->warn, &last, NULL, 0);
            rc = warn_outputs(w, n);
        }
    }
    if (rc == 0)
        rc = save_counters(w, n, w->next_track, w->next_fused);
    return rc;
}

int gs_watch_received(struct gs_watch *w, struct gs_node *n,
                      const struct gs_item *it)
{
    if (strcmp(it->originator, w->nation) == 0)
        return 0;
    switch (it->body->payload_case) {
    case GSOMIA__ITEM_BODY__PAYLOAD_TRACK:
        if (it->body->relation != GSOMIA__RELATION__ORIGINAL)
            return 0; /* a partner's fusion: shown, never fused again */
        return partner_track(w, n, it);
    case GSOMIA__ITEM_BODY__PAYLOAD_RETRACTION:
        return partner_retracted(w, n, it);
    default:
        return 0;
    }
}

/* ---- withdrawing our own track ------------------------------------------ */

struct scan {
    struct gs_node *n;
    const char *track;
    uint8_t (*ids)[GS_ITEM_ID_LEN];
    size_t n_ids;
};

static int scan_item(void *ctx, const struct gs_store_item *m)
{
    struct scan *s = ctx;
    struct gs_buf env;
    Gsomia__Envelope *e = NULL;
    Gsomia__ItemBody *b = NULL;

    if (strcmp(m->originator, s->n->cfg.nation) != 0 ||
        m->state != GS_STATE_ACTIVE || m->erased)
        return 0;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    if (gs_store_item_get(s->n->store, m->id, NULL, &env) == 0 && env.len)
        e = gsomia__envelope__unpack(NULL, env.len, env.data);
    if (e != NULL)
        b = gsomia__item_body__unpack(NULL, e->body.len, e->body.data);
    if (b != NULL && b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_TRACK &&
        strcmp(b->track->track_id, s->track) == 0) {
        s->ids = gs_reallocarray(s->ids, s->n_ids + 1, sizeof(*s->ids));
        memcpy(s->ids[s->n_ids++], m->id, GS_ITEM_ID_LEN);
    }
    if (b != NULL)
        gsomia__item_body__free_unpacked(b, NULL);
    if (e != NULL)
        gsomia__envelope__free_unpacked(e, NULL);
    gs_buf_free(&env);
    return 0;
}

int gs_watch_retract(struct gs_watch *w, struct gs_node *n,
                     const char *track_id, const char *reason, unsigned *items,
                     struct gs_diag *d)
{
    struct idmap *m = map_by_id(w->tracks, track_id);
    struct scan s;
    uint8_t change[GS_ITEM_ID_LEN];
    size_t i, j, ne;
    int rc;

    *items = 0;
    memset(&s, 0, sizeof(s));
    s.n = n;
    s.track = track_id;
    rc = gs_store_item_list(n->store, GS_KIND_TRACK, 0, scan_item, &s);
    if (rc == 0 && s.n_ids == 0 && m == NULL) {
        gs_diag_error(d, NULL,
                      "no track of this node is called %s (our "
                      "tracks are %s-T<number>)",
                      track_id, w->nation);
        rc = GS_ERR_NOT_FOUND;
    }
    for (i = 0; rc == 0 && i < s.n_ids; i++) {
        rc = gs_hold_retract(n, s.ids[i], reason, "watch", change, d);
        if (rc == 0)
            (*items)++;
        else if (!store_failure(rc))
            rc = 0; /* already withdrawn, say */
    }
    if (rc == 0 && m != NULL) {
        unsigned local = m->local;

        if (w->n_retracted < RETRACTED_MAX)
            w->retracted[w->n_retracted++] = local;
        m->used = false;
        /* The alerts of fused tracks resting on it. */
        for (i = 0; rc == 0 && i < MAP_MAX; i++) {
            struct idmap *f = &w->fused[i];
            struct contrib c;

            if (!f->used || f->local != local)
                continue;
            ne = gs_alert_rules_retract(w->rules, f->id, gs_time_now(), reason,
                                        w->ev, EVENTS_MAX);
            if (ne > 0 && contributors_of(w, f, &c) == 0)
                for (j = 0; rc == 0 && j < ne; j++)
                    rc = alert_item(w, n, &w->ev[j], &c);
            if (ne > 0)
                contrib_free(&c);
            f->used = false;
        }
        if (rc == 0)
            rc = warnings_withdrawn(w, n, local, NULL, NULL);
        if (rc == 0)
            rc = save_counters(w, n, w->next_track, w->next_fused);
    }
    gs_free(s.ids);
    return rc;
}
