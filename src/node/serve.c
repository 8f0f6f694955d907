/*
 * serve.c - the node daemon; see serve.h.
 *
 * Threads: the loop thread owns struct server, its peers and connections.
 * The store (struct gs_node) is used only by the one job running on the
 * thread pool; the loop prepares each job's inputs, moves them into the
 * job, and reads its outputs in the after-work callback. libuv's work queue
 * orders those accesses, so no lock is needed.
 *
 * Flow per peer: items are queued in the store (outbox, numbered); a job
 * "fills" the next numbers, releasing each again; the loop sends them while
 * fewer than WINDOW are unacknowledged; the peer's ACK (after its commit)
 * lets the job forget them. After a reconnect the sender resumes after the
 * number the receiver says it stored (HELLO), and the receiver ignores an
 * item it already holds: nothing is lost and nothing is stored twice.
 */
#include "node/serve.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "audit/log.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "node/covenant.h"
#include "node/exchange.h"
#include "node/holding.h"
#include "node/node.h"
#include "node/watch.h"
#include "peer.pb-c.h"
#include "peer/frame.h"
#include "peer/tls.h"

#define MAX_PEERS 32
#define WINDOW 4096     /* items sent and not yet acknowledged */
#define FILL_BATCH 1024 /* items fetched per fill */
#define TICK_MS 20
#define POLL_MS 200     /* look for items made by other processes */
#define RELOAD_MS 10000 /* reload anyway, in case a change was missed */
#define PING_MS 1000
#define STATUS_MS 1000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define MAX_WRITE_QUEUE (32u << 20) /* bytes waiting in the kernel */
#define PROTOCOL_VERSION 1
#define PLOTS_MAX 4096               /* lines in one Plots frame */
#define PLOT_ERRORS_MAX 64           /* refusals reported per Plots frame */
#define PLOTS_PENDING_MAX (1u << 17) /* plots waiting for a job */
/* How far ahead of this node's own clock a plot's time, or a feed's clock,
 * may be: a sensor clock in the future would end every alert and warning
 * "as predicted" at once. Replays run in the past. */
#define PLOT_AHEAD_MAX (60 * GS_USEC_PER_SEC)
#define USER_MAX 64

struct out_frame {
    uint64_t seq;
    bool notice;
    uint8_t *env;
    size_t len;
    struct out_frame *next;
};

struct server;
struct conn;

struct peer {
    struct server *srv;
    char nation[GS_NATION_SIZE];
    char address[GS_ADDRESS_MAX];
    struct conn *conn; /* the connection that said HELLO, or NULL */
    uv_timer_t redial;
    unsigned backoff;
    bool dialing;
    uint64_t next_out; /* from the store: numbers given so far + 1 */
    uint64_t acked;    /* the peer stored everything up to this */
    uint64_t received; /* we stored the peer's items up to this */
    uint64_t sent;     /* highest number sent on this connection */
    uint64_t filled;   /* highest number fetched for sending */
    bool fill_asked, fill_more;
    struct out_frame *ready, *ready_tail;
    size_t n_ready;
    uint64_t ack_owed;   /* stored, to acknowledge */
    uint64_t ack_queued; /* an ACK for the store to record */
    gs_time_t since;
    int64_t rtt_ns, ping_at;
    uint64_t ping_nonce;
    uint64_t head_known; /* size of our head the peer holds */
    uint64_t head_asked; /* a head frame is being made of this size */
    uint64_t witnessed;  /* size of the peer's head we hold */
    uint64_t gen;        /* counts connections: stale fills are dropped */
    uint64_t asker;      /* the local program waiting for Records */
};

struct conn {
    struct server *srv;
    uv_tcp_t tcp;
    struct gs_tls *tls;
    struct gs_framer framer;
    struct gs_buf plain;
    bool outbound, hello, closing, leaving;
    struct peer *peer;
    char nation[GS_NATION_SIZE];
    uint64_t last_seq;
    struct conn *next;
};

/* One received item waiting for a job. */
struct rx {
    char peer[GS_NATION_SIZE];
    uint64_t seq;
    bool notice;
    uint8_t *env; /* NULL in a fill result: skipped, not to be sent */
    size_t len;
    uint64_t gen;
};

struct head_in {
    char peer[GS_NATION_SIZE];
    struct gs_tree_head head;
    uint64_t old_size;
    uint8_t (*proof)[GS_HASH_LEN];
    size_t n_proof;
};

struct note {
    char peer[GS_NATION_SIZE];
    char detail[400];
};

struct seqs {
    char peer[GS_NATION_SIZE];
    uint64_t seq;
    int limit;
    uint64_t gen; /* fills: the connection they are for */
};

struct head_out {
    char peer[GS_NATION_SIZE];
    uint64_t size;
    uint8_t *frame;
    size_t len;
};

/* A program on the node's Unix socket. */
struct lconn {
    struct server *srv;
    uv_pipe_t pipe;
    struct gs_framer framer;
    bool subscribed, closing;
    char user[USER_MAX]; /* a subscriber reading bodies as this user */
    uint64_t id;
    struct lconn *next;
};

/* A subscriber that reads the bodies of what arrives, as a user. */
struct reader {
    uint64_t lconn;
    char user[USER_MAX];
};

/* What a reader got of one arrival: the body, or why not. */
struct reading {
    uint64_t lconn;
    uint8_t *body;
    size_t len;
    char denied[40];
};

struct retract_req {
    uint64_t lconn, tag;
    char track[64];
    char reason[256];
    /* outputs */
    unsigned items;
    char error[256];
};

struct submit {
    uint64_t lconn, tag;
    uint8_t *body;
    size_t len;
    /* outputs */
    uint8_t id[GS_ITEM_ID_LEN];
    bool ok;
    char error[256];
};

struct arrival {
    uint8_t id[GS_ITEM_ID_LEN];
    enum gs_kind kind;
    char originator[GS_NATION_SIZE];
    char source[GS_NATION_SIZE + 8];
    gs_time_t created;
    struct reading *readings; /* one per reader of the job */
    size_t n_readings;
};

struct peer_state {
    char nation[GS_NATION_SIZE];
    char address[GS_ADDRESS_MAX];
    uint64_t next_out, acked, received, witnessed;
};

struct trust {
    char nation[GS_NATION_SIZE];
    char *ca_pem;
};

struct job {
    uv_work_t req;
    struct server *srv;
    /* inputs */
    struct rx *rx;
    size_t n_rx;
    struct seqs *acks, *fills, *heads_wanted;
    size_t n_acks, n_fills, n_heads_wanted;
    struct head_in *heads;
    size_t n_heads;
    struct note *notes; /* refused connections to record */
    size_t n_notes;
    struct submit *submits;
    size_t n_submits;
    struct seqs *asks; /* records requests from peers */
    size_t n_asks;
    bool route, load;
    struct arrival *arrivals;
    size_t n_arrivals;
    struct gs_plot *plots;
    size_t n_plots;
    gs_time_t clock; /* the sensors' clock, 0 if none came */
    struct retract_req *retracts;
    size_t n_retracts;
    struct reader *readers; /* the subscribers reading bodies */
    size_t n_readers;
    /* outputs */
    struct gs_watch_warning *warnings;
    size_t n_warnings;
    struct gs_watch_stats watch_stats;
    struct rx *tx;
    size_t n_tx;
    struct seqs *stored; /* per peer: highest number stored */
    size_t n_stored;
    struct head_out *head_frames;
    size_t n_head_frames;
    struct seqs *heads_held; /* per head received: the size now held */
    size_t n_heads_held;
    struct head_out *answers; /* Records frames for the askers */
    size_t n_answers;
    struct peer_state *peers;
    size_t n_peers;
    struct trust *trusts;
    size_t n_trusts;
    uint64_t head_size;
    int rc;
};

struct server {
    uv_loop_t loop;
    struct gs_node *node;
    char *dir, *status_path;
    char nation[GS_NATION_SIZE];
    struct gs_tls_ctx *tls;
    char trusted[MAX_PEERS][GS_NATION_SIZE];
    size_t n_trusted;
    uv_tcp_t listener;
    bool listening;
    uv_pipe_t local;
    bool local_listening;
    char *socket_path;
    struct lconn *lconns;
    uint64_t next_lconn;
    uv_signal_t sigterm, sigint;
    uv_timer_t tick;
    int64_t last_poll, last_reload, last_ping, last_status;
    gs_time_t started;
    struct peer *peers[MAX_PEERS];
    size_t n_peers;
    struct conn *conns;
    struct job *pending;    /* inputs gathered for the next job */
    struct gs_watch *watch; /* NULL without [watch]; used by jobs only */
    const struct gs_sensor *sensors; /* the watch's: immutable */
    size_t n_sensors;
    uint64_t plots_malformed;
    struct gs_watch_stats watch_stats; /* as the last job left them */
    bool job_running, stopping;
    uint64_t head_size;   /* our latest signed head */
    int64_t data_version; /* the store's, as last reloaded (jobs only) */
};

static void conn_close(struct conn *c, const char *why);
static void peer_pump(struct peer *p);
struct lconn;
static struct lconn *lconn_by_id(struct server *s, uint64_t id);
static void lconn_send(struct lconn *l, const Gsomia__Frame *f);
static void schedule(struct server *s);
static void dial(struct peer *p);

static struct job *pending(struct server *s)
{
    if (s->pending == NULL) {
        s->pending = gs_calloc(1, sizeof(*s->pending));
        s->pending->srv = s;
    }
    return s->pending;
}

#define PUSH(arr, n, item)                                                     \
    do {                                                                       \
        (arr) = gs_reallocarray((arr), (n) + 1, sizeof(*(arr)));               \
        (arr)[(n)++] = (item);                                                 \
    } while (0)

static void job_free(struct job *j)
{
    size_t i;

    if (j == NULL)
        return;
    for (i = 0; i < j->n_rx; i++)
        gs_free(j->rx[i].env);
    for (i = 0; i < j->n_tx; i++)
        gs_free(j->tx[i].env);
    for (i = 0; i < j->n_heads; i++)
        gs_free(j->heads[i].proof);
    for (i = 0; i < j->n_head_frames; i++)
        gs_free(j->head_frames[i].frame);
    for (i = 0; i < j->n_trusts; i++)
        gs_free(j->trusts[i].ca_pem);
    for (i = 0; i < j->n_submits; i++)
        gs_free(j->submits[i].body);
    gs_free(j->submits);
    for (i = 0; i < j->n_arrivals; i++) {
        size_t k;

        for (k = 0; k < j->arrivals[i].n_readings; k++)
            gs_free(j->arrivals[i].readings[k].body);
        gs_free(j->arrivals[i].readings);
    }
    gs_free(j->arrivals);
    gs_free(j->plots);
    gs_free(j->retracts);
    gs_free(j->readers);
    for (i = 0; i < j->n_warnings; i++)
        gs_watch_warning_free(&j->warnings[i]);
    gs_free(j->warnings);
    gs_free(j->rx);
    gs_free(j->tx);
    gs_free(j->acks);
    gs_free(j->fills);
    gs_free(j->heads_wanted);
    gs_free(j->heads);
    gs_free(j->heads_held);
    gs_free(j->asks);
    for (i = 0; i < j->n_answers; i++)
        gs_free(j->answers[i].frame);
    gs_free(j->answers);
    gs_free(j->notes);
    gs_free(j->stored);
    gs_free(j->head_frames);
    gs_free(j->peers);
    gs_free(j->trusts);
    gs_free(j);
}

static struct peer *peer_by_nation(struct server *s, const char *nation)
{
    size_t i;

    for (i = 0; i < s->n_peers; i++)
        if (strcmp(s->peers[i]->nation, nation) == 0)
            return s->peers[i];
    return NULL;
}

/* ---- sending ----------------------------------------------------------- */

struct write_req {
    uv_write_t req;
    uint8_t *data;
};

static void on_written(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;

    (void)status; /* a failed write shows up as a read error or EOF */
    gs_free(w->data);
    gs_free(w);
}

/* Sends whatever ciphertext TLS has produced. */
static void conn_flush(struct conn *c)
{
    struct gs_buf out;
    struct write_req *w;
    uv_buf_t b;

    if (c->closing)
        return;
    gs_buf_init(&out, SIZE_MAX);
    gs_tls_pending(c->tls, &out);
    if (out.len == 0) {
        gs_buf_free(&out);
        return;
    }
    w = gs_calloc(1, sizeof(*w));
    w->data = out.data; /* transferred to the write request */
    b = uv_buf_init((char *)out.data, (unsigned)out.len);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
        gs_free(w->data);
        gs_free(w);
        conn_close(c, "cannot write to the connection");
    }
}

static int conn_send(struct conn *c, const Gsomia__Frame *f)
{
    size_t n = gsomia__frame__get_packed_size(f);
    uint8_t *payload;
    struct gs_buf framed;
    int rc;

    if (c->closing || n > GS_FRAME_MAX)
        return GS_ERR_STATE;
    payload = gs_malloc(n);
    gsomia__frame__pack(f, payload);
    gs_buf_init(&framed, GS_FRAME_MAX + 4);
    rc = gs_frame_append(&framed, payload, n);
    if (rc == 0)
        rc = gs_tls_write(c->tls, framed.data, framed.len);
    gs_buf_free(&framed);
    gs_free(payload);
    if (rc == 0)
        conn_flush(c);
    return rc;
}

static void send_hello(struct conn *c, struct peer *p)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Hello h = GSOMIA__HELLO__INIT;
    struct server *s = c->srv;

    h.version = PROTOCOL_VERSION;
    h.nation = s->node->cfg.nation;
    h.name = s->node->cfg.name;
    h.received_seq = p != NULL ? p->received : 0;
    h.head_size = p != NULL ? p->witnessed : 0;
    f.kind_case = GSOMIA__FRAME__KIND_HELLO;
    f.hello = &h;
    conn_send(c, &f);
}

static void send_ack(struct peer *p)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Ack a = GSOMIA__ACK__INIT;

    if (p->conn == NULL || p->ack_owed == 0)
        return;
    a.seq = p->ack_owed;
    f.kind_case = GSOMIA__FRAME__KIND_ACK;
    f.ack = &a;
    if (conn_send(p->conn, &f) == 0)
        p->ack_owed = 0;
}

static void send_ping(struct peer *p, bool pong, uint64_t nonce)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Ping ping = GSOMIA__PING__INIT;

    ping.nonce = nonce;
    f.kind_case = pong ? GSOMIA__FRAME__KIND_PONG : GSOMIA__FRAME__KIND_PING;
    if (pong)
        f.pong = &ping;
    else
        f.ping = &ping;
    conn_send(p->conn, &f);
}

static void ready_clear(struct peer *p)
{
    struct out_frame *o, *next;

    for (o = p->ready; o != NULL; o = next) {
        next = o->next;
        gs_free(o->env);
        gs_free(o);
    }
    p->ready = p->ready_tail = NULL;
    p->n_ready = 0;
}

/* Sends ready items while the window and the socket allow; asks for more
 * when the queue runs low. */
static void peer_pump(struct peer *p)
{
    struct server *s = p->srv;
    struct conn *c = p->conn;

    while (c != NULL && !c->closing && p->ready != NULL &&
           p->sent - p->acked < WINDOW &&
           uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) <
               MAX_WRITE_QUEUE) {
        struct out_frame *o = p->ready;
        Gsomia__Frame f = GSOMIA__FRAME__INIT;
        Gsomia__Sequenced sq = GSOMIA__SEQUENCED__INIT;

        p->ready = o->next;
        if (p->ready == NULL)
            p->ready_tail = NULL;
        p->n_ready--;
        sq.seq = o->seq;
        sq.envelope.data = o->env;
        sq.envelope.len = o->len;
        if (o->notice) {
            f.kind_case = GSOMIA__FRAME__KIND_NOTICE;
            f.notice = &sq;
        } else {
            f.kind_case = GSOMIA__FRAME__KIND_ITEM;
            f.item = &sq;
        }
        if (conn_send(c, &f) == 0 && o->seq > p->sent)
            p->sent = o->seq;
        gs_free(o->env);
        gs_free(o);
    }
    if (c != NULL && !p->fill_asked && p->n_ready < FILL_BATCH / 2 &&
        p->filled - p->acked < WINDOW &&
        (p->fill_more || p->filled + 1 < p->next_out)) {
        struct seqs want;

        memset(&want, 0, sizeof(want));
        memcpy(want.peer, p->nation, GS_NATION_SIZE);
        want.seq = p->filled;
        want.limit = FILL_BATCH;
        want.gen = p->gen;
        PUSH(pending(s)->fills, pending(s)->n_fills, want);
        p->fill_asked = true;
        schedule(s);
    }
}

/* ---- connections --------------------------------------------------------- */

/* Records why a connection was refused (by the next job). */
static void note(struct server *s, const char *nation, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(struct server *s, const char *nation, const char *fmt, ...)
{
    struct note n;
    va_list ap;

    memset(&n, 0, sizeof(n));
    if (nation != NULL && gs_nation_valid(nation))
        memcpy(n.peer, nation, GS_NATION_SIZE);
    va_start(ap, fmt);
    vsnprintf(n.detail, sizeof(n.detail), fmt, ap);
    va_end(ap);
    GS_LOG_WARN("%s", n.detail);
    PUSH(pending(s)->notes, pending(s)->n_notes, n);
    schedule(s);
}

static void on_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    struct server *s = c->srv;
    struct conn **pp;

    for (pp = &s->conns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    gs_tls_free(c->tls);
    gs_framer_free(&c->framer);
    gs_buf_free(&c->plain);
    gs_free(c);
}

static void on_redial(uv_timer_t *t)
{
    dial(t->data);
}

static void redial_later(struct peer *p)
{
    if (p->srv->stopping || p->address[0] == '\0' || p->dialing)
        return;
    uv_timer_start(&p->redial, on_redial, p->backoff, 0);
    p->backoff =
        p->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : p->backoff * 2;
}

static void conn_close(struct conn *c, const char *why)
{
    struct peer *p = c->peer;

    if (c->closing || c->leaving)
        return;
    /* Saying goodbye may fail to write and close the connection: leaving
     * makes that inner close return at once instead of saying goodbye
     * again, without end. */
    c->leaving = true;
    if (c->hello && why != NULL) {
        Gsomia__Frame f = GSOMIA__FRAME__INIT;
        Gsomia__Bye bye = GSOMIA__BYE__INIT;

        bye.reason = (char *)why;
        f.kind_case = GSOMIA__FRAME__KIND_BYE;
        f.bye = &bye;
        conn_send(c, &f);
    }
    c->closing = true;
    if (why != NULL)
        GS_LOG_INFO("closing the connection with %s: %s",
                    c->nation[0] ? c->nation : "an unknown peer", why);
    if (p != NULL && p->conn == c) {
        p->conn = NULL;
        ready_clear(p);
        p->fill_asked = false;
        p->asker = 0; /* the question is lost with the connection */
    }
    if (p != NULL && c->outbound)
        p->dialing = false;
    if (p != NULL && p->conn == NULL)
        redial_later(p);
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static struct conn *conn_new(struct server *s, bool outbound)
{
    struct conn *c = gs_calloc(1, sizeof(*c));

    c->srv = s;
    c->outbound = outbound;
    c->tls = gs_tls_new(s->tls, !outbound);
    gs_framer_init(&c->framer, GS_FRAME_MAX);
    gs_buf_init(&c->plain, GS_FRAME_MAX + 65536);
    uv_tcp_init(&s->loop, &c->tcp);
    uv_tcp_nodelay(&c->tcp, 1);
    c->tcp.data = c;
    c->next = s->conns;
    s->conns = c;
    return c;
}

/* Which of two connections with the same peer to keep: the one dialed by
 * the nation whose code sorts first, so both sides choose the same. */
static bool preferred(const struct conn *c, const char *own)
{
    bool we_dial = strcmp(own, c->nation) < 0;

    return c->outbound == we_dial;
}

static void on_hello(struct conn *c, const Gsomia__Hello *h)
{
    struct server *s = c->srv;
    struct peer *p = peer_by_nation(s, c->nation);
    struct seqs ack;

    if (h->version != PROTOCOL_VERSION) {
        conn_close(c, "unsupported protocol version");
        return;
    }
    if (strcmp(h->nation, c->nation) != 0) {
        note(s, c->nation, "%s's node said it was %s: refused", c->nation,
             h->nation);
        conn_close(c, "nation mismatch");
        return;
    }
    if (p->conn != NULL && p->conn != c) {
        if (!preferred(c, s->nation)) {
            conn_close(c, "a connection with this peer exists");
            return;
        }
        conn_close(p->conn, "replaced by a newer connection");
    }
    c->hello = true;
    c->peer = p;
    p->conn = c;
    p->gen++;
    p->since = gs_time_now();
    p->backoff = BACKOFF_MIN_MS;
    p->dialing = false;
    /* Resume after what the peer says it stored. */
    ready_clear(p);
    p->sent = p->filled = h->received_seq;
    p->fill_more = true;
    p->fill_asked = false;
    p->head_known = h->head_size;
    p->head_asked = 0;
    if (h->received_seq > p->acked) {
        p->acked = h->received_seq;
        memset(&ack, 0, sizeof(ack));
        memcpy(ack.peer, p->nation, GS_NATION_SIZE);
        ack.seq = h->received_seq;
        PUSH(pending(s)->acks, pending(s)->n_acks, ack);
        schedule(s);
    }
    GS_LOG_INFO("connected with %s (%s), resuming after item %llu", p->nation,
                h->name, (unsigned long long)h->received_seq);
    peer_pump(p);
}

static void on_sequenced(struct conn *c, const Gsomia__Sequenced *sq,
                         bool notice)
{
    struct server *s = c->srv;
    struct rx r;

    if (sq->seq <= c->last_seq || sq->envelope.len > GS_ITEM_MAX_BYTES) {
        conn_close(c, "items out of order or too large");
        return;
    }
    c->last_seq = sq->seq;
    memset(&r, 0, sizeof(r));
    memcpy(r.peer, c->nation, GS_NATION_SIZE);
    r.seq = sq->seq;
    r.notice = notice;
    r.len = sq->envelope.len;
    r.env = gs_malloc(r.len ? r.len : 1);
    memcpy(r.env, sq->envelope.data, r.len);
    PUSH(pending(s)->rx, pending(s)->n_rx, r);
    schedule(s);
}

static void on_ack(struct conn *c, uint64_t seq)
{
    struct peer *p = c->peer;
    struct seqs ack;

    if (seq > p->sent) {
        conn_close(c, "acknowledged an item never sent");
        return;
    }
    if (seq <= p->acked)
        return;
    p->acked = seq;
    memset(&ack, 0, sizeof(ack));
    memcpy(ack.peer, p->nation, GS_NATION_SIZE);
    ack.seq = seq;
    PUSH(pending(c->srv)->acks, pending(c->srv)->n_acks, ack);
    schedule(c->srv);
    peer_pump(p);
}

static void on_head(struct conn *c, const Gsomia__TreeHead *t)
{
    struct head_in h;
    size_t i;

    if (t->root.len != GS_HASH_LEN || t->signature.len != 64 ||
        t->n_consistency > GS_MERKLE_MAX_PATH) {
        conn_close(c, "a malformed tree head");
        return;
    }
    for (i = 0; i < t->n_consistency; i++) {
        if (t->consistency[i].len != GS_HASH_LEN) {
            conn_close(c, "a malformed consistency proof");
            return;
        }
    }
    memset(&h, 0, sizeof(h));
    memcpy(h.peer, c->nation, GS_NATION_SIZE);
    h.head.size = t->size;
    h.head.time = t->time_us;
    memcpy(h.head.root, t->root.data, GS_HASH_LEN);
    memcpy(h.head.signature, t->signature.data, 64);
    h.old_size = t->old_size;
    h.n_proof = t->n_consistency;
    h.proof = gs_calloc(h.n_proof + 1, GS_HASH_LEN);
    for (i = 0; i < h.n_proof; i++)
        memcpy(h.proof[i], t->consistency[i].data, GS_HASH_LEN);
    PUSH(pending(c->srv)->heads, pending(c->srv)->n_heads, h);
    schedule(c->srv);
}

static void handle_frame(struct conn *c, const uint8_t *data, size_t len)
{
    Gsomia__Frame *f = gsomia__frame__unpack(NULL, len, data);
    struct peer *p = c->peer;

    if (f == NULL) {
        conn_close(c, "a frame that does not decode");
        return;
    }
    if (!c->hello && f->kind_case != GSOMIA__FRAME__KIND_HELLO) {
        conn_close(c, "HELLO must come first");
    } else {
        switch (f->kind_case) {
        case GSOMIA__FRAME__KIND_HELLO:
            if (c->hello)
                conn_close(c, "a second HELLO");
            else
                on_hello(c, f->hello);
            break;
        case GSOMIA__FRAME__KIND_ITEM:
            on_sequenced(c, f->item, false);
            break;
        case GSOMIA__FRAME__KIND_NOTICE:
            on_sequenced(c, f->notice, true);
            break;
        case GSOMIA__FRAME__KIND_ACK:
            on_ack(c, f->ack->seq);
            break;
        case GSOMIA__FRAME__KIND_HEAD:
            on_head(c, f->head);
            break;
        case GSOMIA__FRAME__KIND_RECORDS_REQUEST: {
            struct seqs ask;

            memset(&ask, 0, sizeof(ask));
            memcpy(ask.peer, c->nation, GS_NATION_SIZE);
            ask.seq = f->records_request->from_index;
            PUSH(pending(c->srv)->asks, pending(c->srv)->n_asks, ask);
            schedule(c->srv);
            break;
        }
        case GSOMIA__FRAME__KIND_RECORDS: {
            struct lconn *l = lconn_by_id(c->srv, p->asker);

            p->asker = 0;
            if (l != NULL)
                lconn_send(l, f);
            break;
        }
        case GSOMIA__FRAME__KIND_HEAD_ACK:
            /* The next proof starts from what the peer holds. */
            p->head_known = f->head_ack->seq;
            p->head_asked = 0;
            break;
        case GSOMIA__FRAME__KIND_PING:
            send_ping(p, true, f->ping->nonce);
            break;
        case GSOMIA__FRAME__KIND_PONG:
            if (f->pong->nonce == p->ping_nonce && p->ping_at != 0) {
                p->rtt_ns = gs_mono_ns() - p->ping_at;
                p->ping_at = 0;
            }
            break;
        case GSOMIA__FRAME__KIND_BYE:
            GS_LOG_INFO("%s closes: %s", c->nation, f->bye->reason);
            conn_close(c, NULL);
            break;
        default:
            conn_close(c, "an unknown frame");
            break;
        }
    }
    gsomia__frame__free_unpacked(f, NULL);
}

/* After the TLS handshake: who is it, and is it a peer? */
static bool identify(struct conn *c)
{
    struct server *s = c->srv;
    const char *nation = gs_tls_peer_nation(c->tls);
    struct peer *p = peer_by_nation(s, nation);

    memcpy(c->nation, nation, GS_NATION_SIZE);
    if (p == NULL) {
        note(s, nation,
             "a node of %s connected but %s is not a peer of this "
             "node: refused",
             nation, nation);
        conn_close(c, NULL);
        return false;
    }
    if (c->outbound && c->peer != p) {
        note(s, nation,
             "dialed %s's address but a node of %s answered: refused",
             c->peer->nation, nation);
        conn_close(c, NULL);
        return false;
    }
    c->peer = p;
    send_hello(c, p);
    return true;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = gs_malloc(suggested);
    buf->len = suggested;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    struct conn *c = stream->data;
    bool was_established = gs_tls_established(c->tls);
    const uint8_t *frame;
    size_t len;
    int rc;

    if (nread < 0) {
        gs_free(buf->base);
        conn_close(c, nread == UV_EOF ? NULL : uv_strerror((int)nread));
        return;
    }
    if (nread == 0 || c->closing) {
        gs_free(buf->base);
        return;
    }
    gs_tls_feed(c->tls, (const uint8_t *)buf->base, (size_t)nread);
    gs_free(buf->base);
    gs_buf_reset(&c->plain);
    rc = gs_tls_read(c->tls, &c->plain);
    conn_flush(c);
    if (rc == GS_ERR_VERIFY) {
        note(c->srv, c->outbound ? c->peer->nation : NULL,
             "a TLS connection %s %s was refused: %s",
             c->outbound ? "to" : "from",
             c->outbound ? c->peer->nation : "an unknown node",
             gs_tls_error(c->tls));
        conn_close(c, NULL);
        return;
    }
    if (rc < 0) {
        conn_close(c, gs_tls_error(c->tls));
        return;
    }
    if (!was_established && gs_tls_established(c->tls) && !identify(c))
        return;
    if (c->plain.len > 0 &&
        gs_framer_feed(&c->framer, c->plain.data, c->plain.len) < 0) {
        conn_close(c, "too much data at once");
        return;
    }
    while (!c->closing) {
        rc = gs_framer_next(&c->framer, &frame, &len);
        if (rc == 0)
            break;
        if (rc < 0) {
            conn_close(c, "a frame larger than the maximum");
            break;
        }
        handle_frame(c, frame, len);
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    struct server *s = server->data;
    struct conn *c;

    if (status < 0 || s->stopping)
        return;
    c = conn_new(s, false);
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
        conn_close(c, NULL);
}

struct dial_req {
    uv_connect_t req;
    struct conn *conn;
};

static void on_connected(uv_connect_t *req, int status)
{
    struct dial_req *d = (struct dial_req *)req;
    struct conn *c = d->conn;

    gs_free(d);
    if (status < 0) {
        GS_LOG_DEBUG("cannot reach %s at %s: %s", c->peer->nation,
                     c->peer->address, uv_strerror(status));
        conn_close(c, NULL);
        return;
    }
    if (c->closing)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
        conn_close(c, NULL);
        return;
    }
    /* The client speaks first: start the handshake. */
    gs_buf_reset(&c->plain);
    gs_tls_read(c->tls, &c->plain);
    conn_flush(c);
}

static int resolve(const char *address, struct sockaddr_storage *out)
{
    char host[GS_ADDRESS_MAX];
    int port;

    if (gs_address_parse(address, host, sizeof(host), &port) < 0)
        return GS_ERR_INVALID;
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)out) == 0 ||
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)out) == 0)
        return 0;
    return GS_ERR_INVALID;
}

static void dial(struct peer *p)
{
    struct server *s = p->srv;
    struct sockaddr_storage addr;
    struct dial_req *d;
    struct conn *c;

    if (s->stopping || p->conn != NULL || p->dialing || p->address[0] == '\0')
        return;
    if (resolve(p->address, &addr) < 0) {
        GS_LOG_ERROR("the address of %s, \"%s\", is not a numeric "
                     "HOST:PORT",
                     p->nation, p->address);
        return;
    }
    p->dialing = true;
    c = conn_new(s, true);
    c->peer = p;
    memcpy(c->nation, p->nation, GS_NATION_SIZE);
    d = gs_calloc(1, sizeof(*d));
    d->conn = c;
    if (uv_tcp_connect(&d->req, &c->tcp, (const struct sockaddr *)&addr,
                       on_connected) != 0) {
        gs_free(d);
        conn_close(c, NULL);
    }
}

/* ---- jobs: everything that touches the store --------------------------- */

/* The highest number stored of each peer, within one job. */
static uint64_t *received_slot(struct job *j, const char *peer,
                               struct gs_store *store)
{
    struct gs_store_peer sp;
    struct seqs e;
    size_t i;

    for (i = 0; i < j->n_stored; i++)
        if (strcmp(j->stored[i].peer, peer) == 0)
            return &j->stored[i].seq;
    memset(&e, 0, sizeof(e));
    memcpy(e.peer, peer, GS_NATION_SIZE);
    if (gs_store_peer_get(store, peer, &sp) == 0) {
        e.seq = sp.received_in;
        gs_store_peer_free(&sp);
    }
    PUSH(j->stored, j->n_stored, e);
    return &j->stored[j->n_stored - 1].seq;
}

/* Refusals by the receiving checks are recorded and answered; only a
 * failure of the store itself stops the job. */
static bool store_failure(int rc)
{
    return rc == GS_ERR_IO || rc == GS_ERR_STATE || rc == GS_ERR_CRYPTO;
}

static int record_note(struct gs_node *n, const struct note *no)
{
    struct gs_audit_record r;

    memset(&r, 0, sizeof(r));
    r.action = GS_AUDIT_CONNECTION;
    r.actor = "node";
    r.peer = no->peer[0] ? no->peer : NULL;
    r.decision = "deny";
    r.detail = no->detail;
    return gs_node_audit(n, &r);
}

/* Checks a partner's tree head: its signature, and its consistency with
 * the last head of that partner held here. Keeps it; records a failure.
 * *held gets the size of that partner's latest head held after it. A head
 * whose proof starts from another size than the one held cannot be
 * checked: it is ignored (the partner learns the right size from the
 * head_ack and sends a proof from it). */
static int witness(struct gs_node *n, const struct head_in *h, uint64_t *held)
{
    const struct gs_pubkey *k = NULL;
    struct gs_witness w, last;
    struct gs_audit_record r;
    char detail[256] = "";
    bool have_last;
    size_t i;
    int rc;

    *held = 0;
    rc = gs_store_witness_latest(n->store, h->peer, &last);
    if (rc < 0 && rc != GS_ERR_NOT_FOUND)
        return rc;
    have_last = rc == 0;
    if (have_last)
        *held = last.head.size;
    for (i = 0; i < n->keyring.n && k == NULL; i++)
        if (strcmp(n->keyring.keys[i].nation, h->peer) == 0)
            k = &n->keyring.keys[i];
    if (k == NULL || gs_audit_head_verify(&h->head, k->pk) < 0) {
        snprintf(detail, sizeof(detail),
                 "a tree head of size %llu from %s "
                 "does not carry %s's signature",
                 (unsigned long long)h->head.size, h->peer, h->peer);
    } else if (have_last && h->head.size < last.head.size) {
        return 0; /* an older head: nothing new */
    } else if (have_last && h->head.size == last.head.size) {
        if (memcmp(h->head.root, last.head.root, GS_HASH_LEN) == 0)
            return 0;
        snprintf(detail, sizeof(detail),
                 "%s signed two different roots for "
                 "size %llu: its log was rewritten",
                 h->peer, (unsigned long long)h->head.size);
    } else if (have_last && h->old_size != last.head.size) {
        GS_LOG_DEBUG("%s's head of size %llu proves consistency from %llu, "
                     "not from %llu held here: ignored",
                     h->peer, (unsigned long long)h->head.size,
                     (unsigned long long)h->old_size,
                     (unsigned long long)last.head.size);
        return 0;
    } else if (have_last &&
               gs_merkle_verify_consistency(
                   last.head.size, h->head.size, last.head.root, h->head.root,
                   (const uint8_t(*)[32])h->proof, h->n_proof) < 0) {
        snprintf(detail, sizeof(detail),
                 "%s's tree head of size %llu is not "
                 "consistent with its head of size %llu held here: its log "
                 "was rewritten",
                 h->peer, (unsigned long long)h->head.size,
                 (unsigned long long)last.head.size);
    }
    if (detail[0] != '\0') {
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_WITNESS;
        r.peer = h->peer;
        r.decision = "deny";
        r.detail = detail;
        GS_LOG_ERROR("%s", detail);
        return gs_node_audit(n, &r);
    }
    memset(&w, 0, sizeof(w));
    memcpy(w.nation, h->peer, GS_NATION_SIZE);
    w.head = h->head;
    w.received = gs_time_now();
    *held = h->head.size;
    return gs_store_witness_put(n->store, &w);
}

struct fill_ctx {
    struct job *j;
    const struct seqs *want;
};

static int fill_one(void *ctx, uint64_t seq, bool notice, const uint8_t *env,
                    size_t len)
{
    struct fill_ctx *fc = ctx;
    struct rx t;

    memset(&t, 0, sizeof(t));
    memcpy(t.peer, fc->want->peer, GS_NATION_SIZE);
    t.seq = seq;
    t.notice = notice;
    t.gen = fc->want->gen;
    if (env != NULL) {
        t.env = gs_malloc(len ? len : 1);
        memcpy(t.env, env, len);
        t.len = len;
    }
    PUSH(fc->j->tx, fc->j->n_tx, t);
    return 0;
}

static int snapshot_peer(void *ctx, const struct gs_store_peer *sp)
{
    struct job *j = ctx;
    struct peer_state ps;
    struct gs_witness w;

    memset(&ps, 0, sizeof(ps));
    memcpy(ps.nation, sp->nation, GS_NATION_SIZE);
    snprintf(ps.address, sizeof(ps.address), "%s", sp->address);
    ps.next_out = sp->next_out;
    ps.acked = sp->acked_out;
    ps.received = sp->received_in;
    if (gs_store_witness_latest(j->srv->node->store, sp->nation, &w) == 0)
        ps.witnessed = w.head.size;
    PUSH(j->peers, j->n_peers, ps);
    return 0;
}

static int snapshot_identity(void *ctx, const struct gs_store_identity *id)
{
    struct job *j = ctx;
    json_error_t err;
    json_t *v = json_loads(id->json, 0, &err);
    const char *pem = json_string_value(json_object_get(v, "ca_certificate"));
    struct trust t;

    if (pem != NULL) {
        memcpy(t.nation, id->nation, GS_NATION_SIZE);
        t.ca_pem = gs_strdup(pem);
        PUSH(j->trusts, j->n_trusts, t);
    }
    json_decref(v);
    return 0;
}

/* Our latest head for a peer that holds the head of size known. */
static int head_frame(struct gs_node *n, const struct seqs *want,
                      struct head_out *out)
{
    uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN];
    ProtobufCBinaryData proof[GS_MERKLE_MAX_PATH];
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__TreeHead t = GSOMIA__TREE_HEAD__INIT;
    struct gs_tree_head h;
    size_t n_path = 0, i;
    int rc = gs_store_head_latest(n->store, &h);

    if (rc < 0)
        return rc;
    if (want->seq > 0 && want->seq < h.size) {
        rc = gs_audit_consistency(n->store, want->seq, h.size, path, &n_path);
        if (rc < 0)
            return rc;
        t.old_size = want->seq;
    }
    for (i = 0; i < n_path; i++) {
        proof[i].data = path[i];
        proof[i].len = GS_HASH_LEN;
    }
    t.size = h.size;
    t.root.data = h.root;
    t.root.len = GS_HASH_LEN;
    t.time_us = h.time;
    t.signature.data = h.signature;
    t.signature.len = sizeof(h.signature);
    t.consistency = proof;
    t.n_consistency = n_path;
    f.kind_case = GSOMIA__FRAME__KIND_HEAD;
    f.head = &t;
    memset(out, 0, sizeof(*out));
    memcpy(out->peer, want->peer, GS_NATION_SIZE);
    out->size = h.size;
    out->len = gsomia__frame__get_packed_size(&f);
    out->frame = gs_malloc(out->len);
    gsomia__frame__pack(&f, out->frame);
    return 0;
}

/* Reloads what other processes may have changed: identities, policy. */
static int reload(struct gs_node *n);

#define RECORDS_MAX 1000   /* proofs per answer */
#define RECORDS_SCAN 50000 /* records read per answer */

struct proofs {
    char **v;
    size_t n;
};

static int keep_proof(void *ctx, const char *proof)
{
    struct proofs *p = ctx;

    PUSH(p->v, p->n, gs_strdup(proof));
    return 0;
}

/* A Records frame for a peer that asked how its data was handled. */
static void answer_records(struct job *j, struct gs_node *n,
                           const struct seqs *ask)
{
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__Records r = GSOMIA__RECORDS__INIT;
    struct proofs p = {NULL, 0};
    struct head_out out;
    uint64_t next = 0;
    size_t i;
    int rc = gs_exchange_records_for(n, ask->peer, ask->seq, RECORDS_MAX,
                                     RECORDS_SCAN, keep_proof, &p, &next);

    r.proofs = p.v;
    r.n_proofs = p.n;
    r.next_index = next;
    r.error = rc < 0 ? (char *)"the records could not be read" : (char *)"";
    f.kind_case = GSOMIA__FRAME__KIND_RECORDS;
    f.records = &r;
    memset(&out, 0, sizeof(out));
    memcpy(out.peer, ask->peer, GS_NATION_SIZE);
    out.len = gsomia__frame__get_packed_size(&f);
    if (out.len <= GS_FRAME_MAX) {
        out.frame = gs_malloc(out.len);
        gsomia__frame__pack(&f, out.frame);
        PUSH(j->answers, j->n_answers, out);
    }
    for (i = 0; i < p.n; i++)
        gs_free(p.v[i]);
    gs_free(p.v);
}

/* Notes an item stored by this job, for the subscribers. */
static int arrived(struct job *j, struct gs_node *n,
                   const uint8_t id[GS_ITEM_ID_LEN])
{
    struct gs_store_item m;
    struct arrival a;
    int rc = gs_store_item_get(n->store, id, &m, NULL);

    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof(a));
    memcpy(a.id, id, GS_ITEM_ID_LEN);
    a.kind = m.kind;
    memcpy(a.originator, m.originator, GS_NATION_SIZE);
    snprintf(a.source, sizeof(a.source), "%s", m.source);
    a.created = m.created;
    gs_store_item_free(&m);
    PUSH(j->arrivals, j->n_arrivals, a);
    return 0;
}

/* The answer to a local program's request that failed with rc: what went
 * wrong, in out; only a store failure stays an error for the job. */
static int refusal(int rc, const struct gs_diag *d, char *out, size_t n)
{
    snprintf(out, n, "%s", d->n_msgs ? gs_diag_first(d) : gs_strerror(rc));
    return store_failure(rc) ? rc : 0;
}

/* Makes an item submitted on the local socket. Refusals are answered;
 * only store failures fail the job. */
static int submit(struct job *j, struct gs_node *n, struct submit *sb)
{
    Gsomia__ItemBody *body = gsomia__item_body__unpack(NULL, sb->len, sb->body);
    struct gs_diag d;
    int rc;

    if (body == NULL) {
        snprintf(sb->error, sizeof(sb->error), "not an item body");
        return 0;
    }
    gs_diag_init(&d);
    rc = gs_hold_create(n, body, "local", sb->id, &d);
    gsomia__item_body__free_unpacked(body, NULL);
    if (rc == 0) {
        sb->ok = true;
        rc = arrived(j, n, sb->id);
    } else {
        rc = refusal(rc, &d, sb->error, sizeof(sb->error));
    }
    gs_diag_free(&d);
    return rc;
}

/* A partner's item just stored, for the watch. */
static int watch_received(struct job *j, struct gs_node *n, const struct rx *r)
{
    struct gs_item *it = NULL;
    int rc = 0;

    if (gs_item_decode(n->policy, r->env, r->len, &it, NULL) == 0)
        rc = gs_watch_received(j->srv->watch, n, it);
    gs_item_free(it);
    return rc;
}

/* The items the watch made in this job, for the subscribers. */
static int watch_made(struct job *j, struct gs_node *n)
{
    uint8_t(*ids)[GS_ITEM_ID_LEN] = NULL;
    size_t k, i;
    int rc = 0;

    gs_watch_take_made(j->srv->watch, &ids, &k);
    for (i = 0; rc == 0 && i < k; i++)
        rc = arrived(j, n, ids[i]);
    gs_free(ids);
    return rc;
}

static int retract_track(struct job *j, struct gs_node *n,
                         struct retract_req *r)
{
    struct gs_diag d;
    int rc;

    if (j->srv->watch == NULL) {
        snprintf(r->error, sizeof(r->error),
                 "this node has no [watch]: it makes no tracks");
        return 0;
    }
    gs_diag_init(&d);
    rc = gs_watch_retract(j->srv->watch, n, r->track, r->reason, &r->items, &d);
    if (rc < 0)
        rc = refusal(rc, &d, r->error, sizeof(r->error));
    gs_diag_free(&d);
    return rc;
}

/* Reads an arrival for every subscriber that reads bodies: each read is
 * an access, decided and recorded like any other. */
static int read_for_subscribers(struct job *j, struct gs_node *n,
                                struct arrival *a)
{
    size_t i;
    int rc = 0;

    if (j->n_readers == 0)
        return 0;
    a->readings = gs_calloc(j->n_readers, sizeof(*a->readings));
    a->n_readings = j->n_readers;
    for (i = 0; rc == 0 && i < j->n_readers; i++) {
        struct reading *rd = &a->readings[i];
        struct gs_item *it = NULL;
        struct gs_decision dec;
        struct gs_diag d;

        rd->lconn = j->readers[i].lconn;
        gs_diag_init(&d);
        rc = gs_hold_read(n, a->id, j->readers[i].user, "watch", &it, NULL,
                          &dec, &d);
        if (rc == 0) {
            rd->len = it->env->body.len;
            rd->body = gs_malloc(rd->len ? rd->len : 1);
            memcpy(rd->body, it->env->body.data, rd->len);
        } else {
            snprintf(rd->denied, sizeof(rd->denied), "%s",
                     rc == GS_ERR_DENIED ? gs_reason_code(dec.reason)
                                         : gs_strerror(rc));
            if (!store_failure(rc))
                rc = 0;
        }
        gs_item_free(it);
        gs_diag_free(&d);
    }
    return rc;
}

static void job_work(uv_work_t *req)
{
    struct job *j = req->data;
    struct gs_node *n = j->srv->node;
    struct fill_ctx fc;
    struct gs_diag d;
    struct gs_tree_head h;
    size_t i, queued = 0;
    int64_t version = 0;
    bool began;
    int rc;

    int64_t t0 = gs_mono_ns(), t1 = 0, t2 = 0, t3 = 0, t4 = 0;

    gs_diag_init(&d);
    /* Another process committed (a `gsomia` command beside the node):
     * take its identities, agreements and consents into account before
     * anything is decided. */
    rc = gs_store_data_version(n->store, &version);
    if (rc == 0 && (j->load || version != j->srv->data_version)) {
        rc = reload(n);
        j->srv->data_version = version;
    }
    if (rc == 0)
        rc = gs_node_begin(n);
    began = rc == 0;
    t1 = gs_mono_ns();
    for (i = 0; rc == 0 && i < j->n_acks; i++)
        rc = gs_store_outbox_acked(n->store, j->acks[i].peer, j->acks[i].seq);
    for (i = 0; rc == 0 && i < j->n_rx; i++) {
        struct rx *r = &j->rx[i];
        uint64_t *got = received_slot(j, r->peer, n->store);
        uint8_t id[GS_ITEM_ID_LEN];

        if (r->seq <= *got)
            continue; /* sent again after a reconnect: already stored */
        rc = gs_exchange_receive(n, r->peer, r->env, r->len, id, &d);
        if (rc == 0)
            rc = arrived(j, n, id);
        if (rc == 0 && j->srv->watch != NULL)
            rc = watch_received(j, n, r);
        if (!store_failure(rc))
            rc = 0;
        *got = r->seq;
    }
    for (i = 0; rc == 0 && i < j->n_stored; i++)
        rc = gs_store_peer_received(n->store, j->stored[i].peer,
                                    j->stored[i].seq);
    for (i = 0; rc == 0 && i < j->n_heads; i++) {
        struct seqs held;

        memset(&held, 0, sizeof(held));
        memcpy(held.peer, j->heads[i].peer, GS_NATION_SIZE);
        rc = witness(n, &j->heads[i], &held.seq);
        PUSH(j->heads_held, j->n_heads_held, held);
    }
    for (i = 0; rc == 0 && i < j->n_notes; i++)
        rc = record_note(n, &j->notes[i]);
    for (i = 0; rc == 0 && i < j->n_submits; i++)
        rc = submit(j, n, &j->submits[i]);
    if (rc == 0 && j->n_plots > 0 && j->srv->watch != NULL)
        rc = gs_watch_plots(j->srv->watch, n, j->plots, j->n_plots);
    if (rc == 0 && j->clock > 0 && j->srv->watch != NULL)
        rc = gs_watch_clock(j->srv->watch, n, j->clock);
    for (i = 0; rc == 0 && i < j->n_retracts; i++)
        rc = retract_track(j, n, &j->retracts[i]);
    if (rc == 0 && j->srv->watch != NULL)
        rc = watch_made(j, n);
    t2 = gs_mono_ns();
    if (rc == 0)
        rc = gs_exchange_route(n, &queued);
    t3 = gs_mono_ns();
    for (i = 0; rc == 0 && i < j->n_fills; i++) {
        fc.j = j;
        fc.want = &j->fills[i];
        rc = gs_exchange_fill(n, j->fills[i].peer, j->fills[i].seq,
                              j->fills[i].limit, fill_one, &fc);
    }
    t4 = gs_mono_ns();
    for (i = 0; rc == 0 && i < j->n_arrivals; i++)
        rc = read_for_subscribers(j, n, &j->arrivals[i]);
    if (rc == 0)
        rc = gs_node_commit(n);
    else if (began)
        gs_node_rollback(n);
    GS_LOG_DEBUG("job: %zu in, %zu submitted, %zu queued, %zu out; "
                 "load %lld us, receive %lld us, route %lld us, fill %lld "
                 "us, commit %lld us",
                 j->n_rx, j->n_submits, queued, j->n_tx,
                 (long long)(t1 - t0) / 1000, (long long)(t2 - t1) / 1000,
                 (long long)(t3 - t2) / 1000, (long long)(t4 - t3) / 1000,
                 (long long)(gs_mono_ns() - t4) / 1000);
    /* Committed: what the loop needs to know now. */
    if (j->srv->watch != NULL) {
        if (rc == 0)
            gs_watch_take_warnings(j->srv->watch, &j->warnings, &j->n_warnings);
        gs_watch_stats(j->srv->watch, &j->watch_stats);
    }
    if (rc == 0)
        rc = gs_store_peer_list(n->store, snapshot_peer, j);
    if (rc == 0 && j->load)
        rc = gs_store_identity_list(n->store, snapshot_identity, j);
    if (rc == 0 && gs_store_head_latest(n->store, &h) == 0)
        j->head_size = h.size;
    for (i = 0; rc == 0 && i < j->n_asks; i++)
        answer_records(j, n, &j->asks[i]);
    for (i = 0; rc == 0 && i < j->n_heads_wanted; i++) {
        struct head_out out;

        if (head_frame(n, &j->heads_wanted[i], &out) == 0)
            PUSH(j->head_frames, j->n_head_frames, out);
    }
    if (rc < 0)
        GS_LOG_ERROR("a store job failed (%s); connections are reset so "
                     "that nothing unacknowledged is lost",
                     gs_strerror(rc));
    gs_diag_free(&d);
    j->rc = rc;
}

static struct peer *peer_add(struct server *s, const char *nation,
                             const char *address)
{
    struct peer *p;

    if (s->n_peers == MAX_PEERS)
        return NULL;
    p = gs_calloc(1, sizeof(*p));
    p->srv = s;
    memcpy(p->nation, nation, GS_NATION_SIZE);
    snprintf(p->address, sizeof(p->address), "%s", address);
    p->backoff = BACKOFF_MIN_MS;
    uv_timer_init(&s->loop, &p->redial);
    p->redial.data = p;
    s->peers[s->n_peers++] = p;
    return p;
}

static void apply_snapshot(struct server *s, struct job *j)
{
    size_t i, k;

    for (i = 0; i < j->n_trusts; i++) {
        for (k = 0; k < s->n_trusted; k++)
            if (strcmp(s->trusted[k], j->trusts[i].nation) == 0)
                break;
        /* A nation's CA is trusted once, when its identity is first seen. */
        if (k == s->n_trusted && s->n_trusted < MAX_PEERS &&
            gs_tls_ctx_trust(s->tls, j->trusts[i].nation, j->trusts[i].ca_pem,
                             NULL) == 0)
            memcpy(s->trusted[s->n_trusted++], j->trusts[i].nation,
                   GS_NATION_SIZE);
    }
    for (i = 0; i < j->n_peers; i++) {
        struct peer_state *ps = &j->peers[i];
        struct peer *p = peer_by_nation(s, ps->nation);

        if (p == NULL) {
            p = peer_add(s, ps->nation, ps->address);
            if (p == NULL)
                continue;
            p->acked = ps->acked;
            p->received = ps->received;
            dial(p);
        }
        p->next_out = ps->next_out;
        if (ps->received > p->received)
            p->received = ps->received;
        p->witnessed = ps->witnessed;
        if (strcmp(p->address, ps->address) != 0)
            snprintf(p->address, sizeof(p->address), "%s", ps->address);
    }
}

static struct lconn *lconn_by_id(struct server *s, uint64_t id)
{
    struct lconn *l;

    for (l = s->lconns; l != NULL; l = l->next)
        if (l->id == id && !l->closing)
            return l;
    return NULL;
}

static void lconn_send(struct lconn *l, const Gsomia__Frame *f);

/* After a commit: answer the submitters, tell the subscribers. */
static void local_replies(struct server *s, struct job *j)
{
    gs_time_t now = gs_time_now();
    struct lconn *l;
    size_t i;

    for (i = 0; i < j->n_submits; i++) {
        Gsomia__Frame f = GSOMIA__FRAME__INIT;
        Gsomia__Submitted r = GSOMIA__SUBMITTED__INIT;
        struct submit *sb = &j->submits[i];

        l = lconn_by_id(s, sb->lconn);
        if (l == NULL)
            continue;
        r.tag = sb->tag;
        if (sb->ok) {
            r.id.data = sb->id;
            r.id.len = GS_ITEM_ID_LEN;
        }
        r.error = sb->error;
        r.stored_us = now;
        f.kind_case = GSOMIA__FRAME__KIND_SUBMITTED;
        f.submitted = &r;
        lconn_send(l, &f);
    }
    for (i = 0; i < j->n_retracts; i++) {
        Gsomia__Frame f = GSOMIA__FRAME__INIT;
        Gsomia__TrackRetracted r = GSOMIA__TRACK_RETRACTED__INIT;
        struct retract_req *rr = &j->retracts[i];

        l = lconn_by_id(s, rr->lconn);
        if (l == NULL)
            continue;
        r.tag = rr->tag;
        r.items = rr->items;
        r.error = rr->error;
        f.kind_case = GSOMIA__FRAME__KIND_TRACK_RETRACTED;
        f.track_retracted = &r;
        lconn_send(l, &f);
    }
    for (l = s->lconns; l != NULL; l = l->next) {
        if (!l->subscribed || l->closing)
            continue;
        for (i = 0; i < j->n_arrivals; i++) {
            Gsomia__Frame f = GSOMIA__FRAME__INIT;
            Gsomia__Arrived a = GSOMIA__ARRIVED__INIT;
            struct arrival *ar = &j->arrivals[i];
            size_t k;

            a.id.data = ar->id;
            a.id.len = GS_ITEM_ID_LEN;
            a.kind = (char *)gs_kind_name(ar->kind);
            a.originator = ar->originator;
            a.source = ar->source;
            a.created_us = ar->created;
            a.stored_us = now;
            for (k = 0; k < ar->n_readings; k++) {
                if (ar->readings[k].lconn != l->id)
                    continue;
                a.body.data = ar->readings[k].body;
                a.body.len = ar->readings[k].len;
                a.denied = ar->readings[k].denied;
            }
            f.kind_case = GSOMIA__FRAME__KIND_ARRIVED;
            f.arrived = &a;
            lconn_send(l, &f);
        }
        for (i = 0; i < j->n_warnings; i++) {
            Gsomia__Frame f = GSOMIA__FRAME__INIT;
            Gsomia__Warned w = GSOMIA__WARNED__INIT;
            struct gs_watch_warning *ww = &j->warnings[i];
            char *areas[64];
            size_t k;

            for (k = 0; k < ww->n_areas && k < 64; k++)
                areas[k] = ww->areas[k];
            w.identifier = ww->identifier;
            w.msg_type = ww->msg_type;
            w.areas = areas;
            w.n_areas = k;
            w.xml = ww->xml;
            w.issued_us = now;
            w.track_id = ww->track_id;
            w.situation = ww->situation;
            f.kind_case = GSOMIA__FRAME__KIND_WARNED;
            f.warned = &w;
            lconn_send(l, &f);
        }
    }
}

static void conn_close_all(struct server *s, const char *why)
{
    struct conn *c;

    for (c = s->conns; c != NULL; c = c->next)
        conn_close(c, why);
}

static void stop_finish(struct server *s);

static void job_done(uv_work_t *req, int status)
{
    struct job *j = req->data;
    struct server *s = j->srv;
    size_t i;

    (void)status;
    s->job_running = false;
    if (j->rc < 0) {
        conn_close_all(s, "this node could not store what it received");
    } else {
        apply_snapshot(s, j);
        s->head_size = j->head_size;
        s->watch_stats = j->watch_stats;
        for (i = 0; i < j->n_stored; i++) {
            struct peer *p = peer_by_nation(s, j->stored[i].peer);

            if (p != NULL && j->stored[i].seq > p->received) {
                p->received = j->stored[i].seq;
                p->ack_owed = p->received;
                send_ack(p);
            } else if (p != NULL && j->stored[i].seq == p->received) {
                /* A duplicate: acknowledge it again. */
                p->ack_owed = p->received;
                send_ack(p);
            }
        }
        for (i = 0; i < j->n_fills; i++) {
            struct peer *p = peer_by_nation(s, j->fills[i].peer);

            if (p != NULL && p->gen == j->fills[i].gen) {
                p->fill_asked = false;
                p->fill_more = false;
            }
        }
        for (i = 0; i < j->n_tx; i++) {
            struct rx *t = &j->tx[i];
            struct peer *p = peer_by_nation(s, t->peer);
            struct out_frame *o;

            if (p == NULL || p->gen != t->gen || t->seq <= p->filled)
                continue;
            p->filled = t->seq;
            if (t->env == NULL)
                continue; /* not releasable now: skipped */
            o = gs_calloc(1, sizeof(*o));
            o->seq = t->seq;
            o->notice = t->notice;
            o->env = t->env;
            o->len = t->len;
            t->env = NULL; /* transferred */
            if (p->ready_tail != NULL)
                p->ready_tail->next = o;
            else
                p->ready = o;
            p->ready_tail = o;
            p->n_ready++;
        }
        for (i = 0; i < j->n_fills; i++) {
            struct peer *p = peer_by_nation(s, j->fills[i].peer);
            size_t got = 0, k;

            for (k = 0; k < j->n_tx; k++)
                got += strcmp(j->tx[k].peer, j->fills[i].peer) == 0;
            if (p != NULL && p->gen == j->fills[i].gen &&
                got >= (size_t)j->fills[i].limit)
                p->fill_more = true;
        }
        for (i = 0; i < j->n_head_frames; i++) {
            struct head_out *h = &j->head_frames[i];
            struct peer *p = peer_by_nation(s, h->peer);
            struct gs_buf framed;

            if (p == NULL || p->conn == NULL)
                continue;
            gs_buf_init(&framed, GS_FRAME_MAX + 4);
            if (gs_frame_append(&framed, h->frame, h->len) == 0 &&
                gs_tls_write(p->conn->tls, framed.data, framed.len) == 0)
                conn_flush(p->conn);
            gs_buf_free(&framed);
        }
        for (i = 0; i < j->n_answers; i++) {
            struct peer *p = peer_by_nation(s, j->answers[i].peer);
            struct gs_buf framed;

            if (p == NULL || p->conn == NULL)
                continue;
            gs_buf_init(&framed, GS_FRAME_MAX + 4);
            if (gs_frame_append(&framed, j->answers[i].frame,
                                j->answers[i].len) == 0 &&
                gs_tls_write(p->conn->tls, framed.data, framed.len) == 0)
                conn_flush(p->conn);
            gs_buf_free(&framed);
        }
        for (i = 0; i < j->n_heads_held; i++) {
            struct peer *p = peer_by_nation(s, j->heads_held[i].peer);
            Gsomia__Frame f = GSOMIA__FRAME__INIT;
            Gsomia__Ack a = GSOMIA__ACK__INIT;

            if (p == NULL || p->conn == NULL)
                continue;
            p->witnessed = j->heads_held[i].seq;
            a.seq = p->witnessed;
            f.kind_case = GSOMIA__FRAME__KIND_HEAD_ACK;
            f.head_ack = &a;
            conn_send(p->conn, &f);
        }
        for (i = 0; i < s->n_peers; i++)
            peer_pump(s->peers[i]);
        local_replies(s, j);
    }
    job_free(j);
    if (s->stopping)
        stop_finish(s);
    else
        schedule(s);
}

static bool job_has_work(const struct job *j)
{
    return j != NULL &&
           (j->n_rx || j->n_acks || j->n_fills || j->n_heads || j->n_notes ||
            j->n_heads_wanted || j->n_submits || j->n_asks || j->route ||
            j->load || j->n_plots || j->n_retracts || j->clock);
}

static void schedule(struct server *s)
{
    struct job *j;
    size_t i;

    if (s->job_running || s->stopping || !job_has_work(s->pending))
        return;
    /* Whatever this job queues for a connected peer is fetched in the same
     * transaction, so an item crosses a node with one commit. */
    for (i = 0; i < s->n_peers; i++) {
        struct peer *p = s->peers[i];
        struct seqs want;

        if (p->conn == NULL || p->fill_asked || p->n_ready >= FILL_BATCH / 2 ||
            p->filled - p->acked >= WINDOW)
            continue;
        memset(&want, 0, sizeof(want));
        memcpy(want.peer, p->nation, GS_NATION_SIZE);
        want.seq = p->filled;
        want.limit = FILL_BATCH;
        want.gen = p->gen;
        PUSH(s->pending->fills, s->pending->n_fills, want);
        p->fill_asked = true;
    }
    j = s->pending;
    s->pending = NULL;
    /* The subscribers that read bodies, as they are now. */
    {
        struct lconn *l;

        for (l = s->lconns; l != NULL; l = l->next) {
            struct reader r;

            if (!l->subscribed || l->closing || l->user[0] == '\0')
                continue;
            memset(&r, 0, sizeof(r));
            r.lconn = l->id;
            memcpy(r.user, l->user, sizeof(r.user));
            PUSH(j->readers, j->n_readers, r);
        }
    }
    j->req.data = j;
    s->job_running = true;
    if (uv_queue_work(&s->loop, &j->req, job_work, job_done) != 0) {
        s->job_running = false;
        job_free(j);
    }
}

/* ---- reloading, timers, status ------------------------------------------ */

static int reload_identity(void *ctx, const struct gs_store_identity *id)
{
    struct gs_node *n = ctx;
    json_error_t err;
    json_t *v = json_loads(id->json, 0, &err);
    struct gs_identity ident;
    struct gs_jctx c = {NULL, NULL};

    if (v != NULL && gs_identity_from_json(&c, v, &ident) == 0) {
        gs_keyring_add(&n->keyring, ident.nation, ident.pk);
        gs_identity_free(&ident);
    }
    json_decref(v);
    return 0;
}

/* `gsomia` commands run beside the node may have imported identities or
 * made policy items: take them into account. */
static int reload(struct gs_node *n)
{
    int rc = gs_store_identity_list(n->store, reload_identity, n);

    if (rc == 0)
        rc = gs_node_load_policy(n);
    return rc;
}

/* DIR/run/status.json, for `gsomia peer status`. */
static void write_status(struct server *s)
{
    json_t *o = json_object(), *arr = json_array();
    char when[GS_TIME_STRLEN], tmp[4200];
    char *text;
    size_t i;
    FILE *f;

    gs_time_format(s->started, when, sizeof(when));
    json_object_set_new(o, "pid", json_integer(getpid()));
    json_object_set_new(o, "nation", json_string(s->nation));
    json_object_set_new(o, "name", json_string(s->node->cfg.name));
    json_object_set_new(o, "listen", json_string(s->node->cfg.listen));
    json_object_set_new(o, "hub", json_boolean(s->node->cfg.hub));
    json_object_set_new(o, "started", json_string(when));
    gs_time_format(gs_time_now(), when, sizeof(when));
    json_object_set_new(o, "updated", json_string(when));
    json_object_set_new(o, "audit_size",
                        json_integer((json_int_t)s->head_size));
    for (i = 0; i < s->n_peers; i++) {
        struct peer *p = s->peers[i];
        json_t *e = json_object();
        uint64_t queued =
            p->next_out > p->acked + 1 ? p->next_out - 1 - p->acked : 0;

        json_object_set_new(e, "nation", json_string(p->nation));
        json_object_set_new(e, "address", json_string(p->address));
        json_object_set_new(e, "connected", json_boolean(p->conn != NULL));
        if (p->conn != NULL) {
            gs_time_format(p->since, when, sizeof(when));
            json_object_set_new(e, "since", json_string(when));
        }
        json_object_set_new(e, "queued", json_integer((json_int_t)queued));
        json_object_set_new(e, "last_acked",
                            json_integer((json_int_t)p->acked));
        json_object_set_new(e, "last_received",
                            json_integer((json_int_t)p->received));
        if (p->rtt_ns > 0)
            json_object_set_new(e, "rtt_ms", json_real(p->rtt_ns / 1e6));
        json_object_set_new(e, "their_head",
                            json_integer((json_int_t)p->witnessed));
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "peers", arr);
    if (s->watch != NULL) {
        const struct gs_watch_stats *w = &s->watch_stats;
        json_t *e = json_object();

        json_object_set_new(e, "plots_taken",
                            json_integer((json_int_t)w->plots_taken));
        json_object_set_new(
            e, "plots_refused",
            json_integer((json_int_t)(w->plots_refused + s->plots_malformed)));
        json_object_set_new(e, "tracks", json_integer((json_int_t)w->tracks));
        json_object_set_new(e, "fused", json_integer((json_int_t)w->fused));
        json_object_set_new(e, "alerts", json_integer((json_int_t)w->alerts));
        json_object_set_new(e, "warnings",
                            json_integer((json_int_t)w->warnings));
        json_object_set_new(e, "partner_tracks_used",
                            json_integer((json_int_t)w->partner_used));
        json_object_set_new(e, "partner_tracks_refused",
                            json_integer((json_int_t)w->partner_refused));
        json_object_set_new(e, "items_failed",
                            json_integer((json_int_t)w->items_failed));
        json_object_set_new(o, "watch", e);
    }
    text = json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    snprintf(tmp, sizeof(tmp), "%s.tmp", s->status_path);
    f = fopen(tmp, "w");
    if (f != NULL) {
        fputs(text, f);
        fputc('\n', f);
        if (fclose(f) == 0)
            rename(tmp, s->status_path);
    }
    free(text);
}

static void on_tick(uv_timer_t *t)
{
    struct server *s = t->data;
    int64_t now = (int64_t)uv_now(&s->loop);
    size_t i;

    if (now - s->last_poll >= POLL_MS) {
        s->last_poll = now;
        pending(s)->route = true;
    }
    if (now - s->last_reload >= RELOAD_MS) {
        s->last_reload = now;
        pending(s)->load = true;
    }
    for (i = 0; i < s->n_peers; i++) {
        struct peer *p = s->peers[i];

        if (p->conn == NULL)
            continue;
        if (now - s->last_ping >= PING_MS && p->ping_at == 0) {
            p->ping_nonce++;
            p->ping_at = gs_mono_ns();
            send_ping(p, false, p->ping_nonce);
        }
        /* Our log grew: show the peer, with a proof from what it has; at
         * most once a second, so a peer that keeps refusing a head is not
         * flooded. */
        if (now - s->last_ping >= PING_MS && s->head_size > p->head_known &&
            s->head_size > p->head_asked) {
            struct seqs want;

            memset(&want, 0, sizeof(want));
            memcpy(want.peer, p->nation, GS_NATION_SIZE);
            want.seq = p->head_known;
            PUSH(pending(s)->heads_wanted, pending(s)->n_heads_wanted, want);
            p->head_asked = s->head_size;
        }
        peer_pump(p);
    }
    if (now - s->last_ping >= PING_MS)
        s->last_ping = now;
    if (now - s->last_status >= STATUS_MS) {
        s->last_status = now;
        write_status(s);
    }
    schedule(s);
}

/* ---- the local socket --------------------------------------------------- */

static void on_lconn_closed(uv_handle_t *h)
{
    struct lconn *l = h->data;
    struct lconn **pp;

    for (pp = &l->srv->lconns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    }
    gs_framer_free(&l->framer);
    gs_free(l);
}

static void lconn_close(struct lconn *l)
{
    if (l->closing)
        return;
    l->closing = true;
    uv_close((uv_handle_t *)&l->pipe, on_lconn_closed);
}

static void lconn_send(struct lconn *l, const Gsomia__Frame *f)
{
    size_t n = gsomia__frame__get_packed_size(f);
    struct gs_buf framed;
    struct write_req *w;
    uint8_t *payload;
    uv_buf_t b;

    if (l->closing)
        return;
    payload = gs_malloc(n);
    gsomia__frame__pack(f, payload);
    gs_buf_init(&framed, GS_FRAME_MAX + 4);
    if (gs_frame_append(&framed, payload, n) < 0) {
        gs_free(payload);
        gs_buf_free(&framed);
        return;
    }
    gs_free(payload);
    w = gs_calloc(1, sizeof(*w));
    w->data = framed.data; /* transferred */
    b = uv_buf_init((char *)framed.data, (unsigned)framed.len);
    if (uv_write(&w->req, (uv_stream_t *)&l->pipe, &b, 1, on_written) != 0) {
        gs_free(w->data);
        gs_free(w);
        lconn_close(l);
    }
}

/* Radar plots from a local program: each line is checked here, against
 * the sensors, and answered at once; good plots go to the next job. */
static void take_plots(struct lconn *l, const Gsomia__Plots *pl)
{
    struct server *s = l->srv;
    Gsomia__Frame f = GSOMIA__FRAME__INIT;
    Gsomia__PlotsTaken t = GSOMIA__PLOTS_TAKEN__INIT;
    char *errors[PLOT_ERRORS_MAX + 1];
    size_t i, n_errors = 0, refused = 0;
    const char *source = pl->source[0] ? pl->source : "plots";

    t.tag = pl->tag;
    t.entered_us = gs_time_now();
    if (pl->clock_us > t.entered_us + PLOT_AHEAD_MAX)
        errors[n_errors++] = gs_strdup("the feed's clock is ahead of this "
                                       "node's: refused (a wrong clock?)");
    else if (pl->clock_us > pending(s)->clock)
        pending(s)->clock = pl->clock_us;
    for (i = 0; i < pl->n_lines && i < PLOTS_MAX; i++) {
        struct gs_plot p;
        struct gs_diag d;
        int rc;

        gs_diag_init(&d);
        if (s->watch == NULL) {
            gs_diag_error(&d, NULL,
                          "this node takes no plots: its "
                          "configuration has no [watch] section");
            rc = GS_ERR_STATE;
        } else if (pending(s)->n_plots >= PLOTS_PENDING_MAX) {
            gs_diag_error(&d, NULL,
                          "the node is %u plots behind: plot "
                          "refused, send more slowly",
                          PLOTS_PENDING_MAX);
            rc = GS_ERR_TOO_BIG;
        } else {
            rc = gs_plot_parse(pl->lines[i], strlen(pl->lines[i]), source,
                               pl->first_line + (unsigned)i, s->sensors,
                               s->n_sensors, &p, &d);
            if (rc == 0 && p.time > t.entered_us + PLOT_AHEAD_MAX) {
                struct gs_pos pos = {source, pl->first_line + (unsigned)i, 0};

                gs_diag_error(&d, &pos,
                              "the plot's time is %.0f s ahead of this "
                              "node's clock: refused (a wrong clock?)",
                              (double)(p.time - t.entered_us) * 1e-6);
                rc = GS_ERR_INVALID;
            }
        }
        if (rc == 0) {
            PUSH(pending(s)->plots, pending(s)->n_plots, p);
            t.accepted++;
        } else {
            refused++;
            if (n_errors < PLOT_ERRORS_MAX)
                errors[n_errors++] =
                    gs_strdup(d.n_msgs ? gs_diag_first(&d) : "refused");
        }
        gs_diag_free(&d);
    }
    if (pl->n_lines > PLOTS_MAX) {
        refused += pl->n_lines - PLOTS_MAX;
        errors[n_errors++] = gs_strdup("more than 4096 lines in one frame: "
                                       "the rest were refused");
    }
    s->plots_malformed += refused;
    if (refused > 0)
        GS_LOG_INFO("%zu plots refused, first: %s", refused, errors[0]);
    t.errors = errors;
    t.n_errors = n_errors;
    f.kind_case = GSOMIA__FRAME__KIND_PLOTS_TAKEN;
    f.plots_taken = &t;
    lconn_send(l, &f);
    for (i = 0; i < n_errors; i++)
        gs_free(errors[i]);
    if (t.accepted > 0 ||
        (pl->clock_us > 0 && pl->clock_us <= t.entered_us + PLOT_AHEAD_MAX))
        schedule(s);
}

static void local_frame(struct lconn *l, const uint8_t *data, size_t len)
{
    Gsomia__Frame *f = gsomia__frame__unpack(NULL, len, data);
    struct server *s = l->srv;
    struct submit sb;

    if (f == NULL) {
        lconn_close(l);
        return;
    }
    switch (f->kind_case) {
    case GSOMIA__FRAME__KIND_SUBMIT:
        memset(&sb, 0, sizeof(sb));
        sb.lconn = l->id;
        sb.tag = f->submit->tag;
        sb.len = f->submit->body.len;
        sb.body = gs_malloc(sb.len ? sb.len : 1);
        memcpy(sb.body, f->submit->body.data, sb.len);
        PUSH(pending(s)->submits, pending(s)->n_submits, sb);
        schedule(s);
        break;
    case GSOMIA__FRAME__KIND_SUBSCRIBE:
        l->subscribed = true;
        snprintf(l->user, sizeof(l->user), "%s",
                 f->subscribe->user != NULL ? f->subscribe->user : "");
        break;
    case GSOMIA__FRAME__KIND_PLOTS:
        take_plots(l, f->plots);
        break;
    case GSOMIA__FRAME__KIND_RETRACT_TRACK: {
        struct retract_req r;

        memset(&r, 0, sizeof(r));
        r.lconn = l->id;
        r.tag = f->retract_track->tag;
        snprintf(r.track, sizeof(r.track), "%s", f->retract_track->track_id);
        snprintf(r.reason, sizeof(r.reason), "%s", f->retract_track->reason);
        PUSH(pending(s)->retracts, pending(s)->n_retracts, r);
        schedule(s);
        break;
    }
    case GSOMIA__FRAME__KIND_ASK_RECORDS: {
        struct peer *p = peer_by_nation(s, f->ask_records->peer);
        Gsomia__Frame out = GSOMIA__FRAME__INIT;

        if (p == NULL || p->conn == NULL || p->asker != 0) {
            Gsomia__Records r = GSOMIA__RECORDS__INIT;

            r.error = p == NULL         ? (char *)"not a peer"
                      : p->conn == NULL ? (char *)"the peer is not connected"
                                        : (char *)"a question is pending";
            out.kind_case = GSOMIA__FRAME__KIND_RECORDS;
            out.records = &r;
            lconn_send(l, &out);
        } else {
            Gsomia__RecordsRequest q = GSOMIA__RECORDS_REQUEST__INIT;

            q.from_index = f->ask_records->from_index;
            out.kind_case = GSOMIA__FRAME__KIND_RECORDS_REQUEST;
            out.records_request = &q;
            p->asker = l->id;
            conn_send(p->conn, &out);
        }
        break;
    }
    case GSOMIA__FRAME__KIND_PING: {
        Gsomia__Frame r = GSOMIA__FRAME__INIT;

        r.kind_case = GSOMIA__FRAME__KIND_PONG;
        r.pong = f->ping;
        lconn_send(l, &r);
        break;
    }
    default:
        lconn_close(l);
        break;
    }
    gsomia__frame__free_unpacked(f, NULL);
}

static void on_local_read(uv_stream_t *stream, ssize_t nread,
                          const uv_buf_t *buf)
{
    struct lconn *l = stream->data;
    const uint8_t *frame;
    size_t len;
    int rc;

    if (nread < 0) {
        gs_free(buf->base);
        lconn_close(l);
        return;
    }
    if (nread > 0 && !l->closing &&
        gs_framer_feed(&l->framer, (const uint8_t *)buf->base, (size_t)nread) <
            0)
        lconn_close(l);
    gs_free(buf->base);
    while (!l->closing) {
        rc = gs_framer_next(&l->framer, &frame, &len);
        if (rc == 0)
            break;
        if (rc < 0) {
            lconn_close(l);
            break;
        }
        local_frame(l, frame, len);
    }
}

static void on_local_connection(uv_stream_t *server, int status)
{
    struct server *s = server->data;
    struct lconn *l;

    if (status < 0 || s->stopping)
        return;
    l = gs_calloc(1, sizeof(*l));
    l->srv = s;
    l->id = ++s->next_lconn;
    gs_framer_init(&l->framer, GS_FRAME_MAX);
    uv_pipe_init(&s->loop, &l->pipe, 0);
    l->pipe.data = l;
    l->next = s->lconns;
    s->lconns = l;
    if (uv_accept(server, (uv_stream_t *)&l->pipe) != 0 ||
        uv_read_start((uv_stream_t *)&l->pipe, on_alloc, on_local_read) != 0)
        lconn_close(l);
}

/* DIR/run/node.sock, reachable only by this user (DIR/run is 0700). */
static void start_local(struct server *s)
{
    int rc;

    if (strlen(s->socket_path) >= 100) {
        GS_LOG_WARN("%s is too long a path for a Unix socket: no local "
                    "socket",
                    s->socket_path);
        return;
    }
    unlink(s->socket_path); /* a stale one from a killed node */
    uv_pipe_init(&s->loop, &s->local, 0);
    s->local.data = s;
    rc = uv_pipe_bind(&s->local, s->socket_path);
    if (rc == 0) {
        chmod(s->socket_path, 0600);
        rc = uv_listen((uv_stream_t *)&s->local, 16, on_local_connection);
    }
    if (rc != 0) {
        GS_LOG_WARN("no local socket at %s: %s", s->socket_path,
                    uv_strerror(rc));
        return;
    }
    s->local_listening = true;
}

/* ---- starting and stopping --------------------------------------------- */

static void on_handle_closed(uv_handle_t *h)
{
    (void)h;
}

static void close_handle(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, on_handle_closed);
}

/* Once no job runs: close every handle; uv_run then returns. */
static void stop_finish(struct server *s)
{
    struct lconn *l;

    if (s->job_running)
        return;
    conn_close_all(s, "this node is shutting down");
    for (l = s->lconns; l != NULL; l = l->next)
        lconn_close(l);
    uv_walk(&s->loop, close_handle, NULL);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct server *s = sig->data;

    GS_LOG_INFO("signal %d: stopping", signum);
    if (s->stopping)
        return;
    s->stopping = true;
    stop_finish(s);
}

static int start_listening(struct server *s, struct gs_diag *d)
{
    struct sockaddr_storage addr;
    int rc;

    if (s->node->cfg.listen[0] == '\0')
        return 0;
    if (resolve(s->node->cfg.listen, &addr) < 0) {
        gs_diag_error(d, NULL,
                      "[listen] address \"%s\" must be a numeric HOST:PORT",
                      s->node->cfg.listen);
        return GS_ERR_INVALID;
    }
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&s->listener, 64, on_connection);
    if (rc != 0) {
        gs_diag_error(d, NULL, "cannot listen on %s: %s", s->node->cfg.listen,
                      uv_strerror(rc));
        return GS_ERR_IO;
    }
    s->listening = true;
    return 0;
}

/* The first load, before the loop runs (no job can be running yet). */
static int first_load(struct server *s, struct gs_diag *d)
{
    struct job j;
    size_t i;
    int rc;

    memset(&j, 0, sizeof(j));
    j.srv = s;
    rc = gs_store_peer_list(s->node->store, snapshot_peer, &j);
    if (rc == 0)
        rc = gs_store_identity_list(s->node->store, snapshot_identity, &j);
    for (i = 0; rc == 0 && i < j.n_trusts; i++) {
        rc =
            gs_tls_ctx_trust(s->tls, j.trusts[i].nation, j.trusts[i].ca_pem, d);
        if (rc == 0 && s->n_trusted < MAX_PEERS)
            memcpy(s->trusted[s->n_trusted++], j.trusts[i].nation,
                   GS_NATION_SIZE);
    }
    for (i = 0; rc == 0 && i < j.n_peers; i++) {
        struct peer *p = peer_add(s, j.peers[i].nation, j.peers[i].address);

        if (p == NULL) {
            gs_diag_error(d, NULL, "more than %d peers", MAX_PEERS);
            rc = GS_ERR_TOO_BIG;
            break;
        }
        p->next_out = j.peers[i].next_out;
        p->acked = j.peers[i].acked;
        p->received = j.peers[i].received;
        p->witnessed = j.peers[i].witnessed;
    }
    {
        struct gs_tree_head h;

        if (gs_store_head_latest(s->node->store, &h) == 0)
            s->head_size = h.size;
    }
    gs_free(j.peers);
    for (i = 0; i < j.n_trusts; i++)
        gs_free(j.trusts[i].ca_pem);
    gs_free(j.trusts);
    return rc;
}

static char *join(const char *dir, const char *rel)
{
    struct gs_buf b;
    char *out;

    gs_buf_init(&b, 8192);
    gs_buf_printf(&b, "%s/%s", dir, rel);
    out = gs_strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    return out;
}

int gs_serve(const char *dir, const char *cot, struct gs_diag *d)
{
    struct server *s = gs_calloc(1, sizeof(*s));
    char *crt = join(dir, "tls/node.crt"), *key = join(dir, "tls/node.key");
    char *run = join(dir, "run");
    size_t i;
    int rc;

    signal(SIGPIPE, SIG_IGN);
    /* The node allocates and frees many buffers a second on two threads;
     * glibc's default of giving memory back at once made a quarter of the
     * hub's time kernel TLB flushes (madvise). Keep what was freed. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    s->dir = gs_strdup(dir);
    s->status_path = join(dir, "run/status.json");
    s->socket_path = join(dir, "run/node.sock");
    s->started = gs_time_now();
    uv_loop_init(&s->loop);
    rc = gs_node_open(dir, &s->node, d);
    if (rc == 0) {
        memcpy(s->nation, s->node->cfg.nation, GS_NATION_SIZE);
        if (mkdir(run, 0700) != 0 && errno != EEXIST) {
            gs_diag_error(d, NULL, "cannot create %s: %s", run,
                          strerror(errno));
            rc = GS_ERR_IO;
        }
    }
    if (rc == 0)
        rc = gs_tls_ctx_new(crt, key, &s->tls, d);
    if (rc == 0)
        rc = first_load(s, d);
    if (rc == 0 && cot != NULL)
        snprintf(s->node->cfg.cot, sizeof(s->node->cfg.cot), "%s", cot);
    if (rc == 0)
        rc = gs_watch_open(s->node, &s->watch, d);
    if (rc == 0 && s->watch != NULL)
        s->sensors = gs_watch_sensors(s->watch, &s->n_sensors);
    if (rc == 0)
        rc = start_listening(s, d);
    if (rc == 0)
        start_local(s);
    if (rc == 0) {
        uv_signal_init(&s->loop, &s->sigterm);
        uv_signal_init(&s->loop, &s->sigint);
        s->sigterm.data = s->sigint.data = s;
        uv_signal_start(&s->sigterm, on_signal, SIGTERM);
        uv_signal_start(&s->sigint, on_signal, SIGINT);
        uv_timer_init(&s->loop, &s->tick);
        s->tick.data = s;
        uv_timer_start(&s->tick, on_tick, 0, TICK_MS);
        for (i = 0; i < s->n_peers; i++)
            dial(s->peers[i]);
        GS_LOG_INFO("node %s of %s serving%s%s", s->node->cfg.name, s->nation,
                    s->listening ? " on " : "",
                    s->listening ? s->node->cfg.listen : "");
        write_status(s);
        uv_run(&s->loop, UV_RUN_DEFAULT);
        unlink(s->status_path);
        if (s->local_listening)
            unlink(s->socket_path);
    }
    /* Close what is left (when starting failed half way). */
    uv_walk(&s->loop, close_handle, NULL);
    uv_run(&s->loop, UV_RUN_DEFAULT);
    uv_loop_close(&s->loop);
    for (i = 0; i < s->n_peers; i++) {
        ready_clear(s->peers[i]);
        gs_free(s->peers[i]);
    }
    job_free(s->pending);
    gs_watch_free(s->watch);
    gs_tls_ctx_free(s->tls);
    gs_node_close(s->node);
    gs_free(s->dir);
    gs_free(s->status_path);
    gs_free(s->socket_path);
    gs_free(crt);
    gs_free(key);
    gs_free(run);
    gs_free(s);
    return rc;
}
