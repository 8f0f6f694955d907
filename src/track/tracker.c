/*
 * tracker.c - scans, association, track management, re-filtering, fusion
 * with partners and output; see tracker.h.
 *
 * Three tables, fixed in size at creation: local tracks (each with its
 * estimator, a ring of (plot, estimate after it) for re-filtering, and the
 * first plots for the launch point), partner tracks (the latest update of
 * each), and output tracks ("fused": one local track and/or some partner
 * tracks, one per nation at most, under one id). Indexes between tables
 * stay valid because slots never move.
 */
#include "track/tracker.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"
#include "track/assign.h"
#include "track/dyn.h"
#include "track/geo.h"
#include "track/pair.h"
#include "track/predict.h"

#define US 1e-6
#define MAX_SCAN 64
#define EARLY_MAX 512
#define TENTATIVE_HISTORY 16
#define MAX_PAIRS 8
#define PAIR_SETTLED 20.0    /* s of unambiguous assignment end a pair */
#define PAIR_MAX_AGE 1800.0  /* s */
#define SPLIT_LOOKBACK 120.0 /* s: the latest separation time considered */
#define SPLIT_AT_ONCE 60.0   /* s after burnout: a split pairs at once */
#define PAIR_PROVE 30.0      /* s for each object of a pair to show itself */
#define PREGATE 25e3         /* m; above SPAWN_DISTANCE */
#define PREGATE_ACC 300.0    /* m/s^2 */
#define MAX_FUSED_PARTNERS 8
#define PARTNER_GATE 30.0     /* chi-square, 6 degrees of freedom: 0.99996 */
#define PARTNER_DETACH 50.0   /* chi-square, 6 dof: 1 - 2e-9 */
#define SPAWN_DISTANCE 20e3   /* m: a plot this near a track may split off */
#define SPLIT_SIGMA_V 10.0    /* m/s: separation speeds are a few m/s */
#define SPLIT_SIGMA_R 30.0    /* m */
#define NO_BOOST 0.05         /* boost probability under which we predict */
#define SETTLE_TIME 3.0       /* s of ballistic flight before predicting */
#define IMPACT_CONFIDENT 50e3 /* m: semi-major axis of a settled ellipse */

struct hist {
    struct gs_plot plot;
    struct gs_est after;
};

struct track {
    bool used, confirmed;
    unsigned serial;
    uint64_t sensors; /* bit i: radar i's plots went into this track */
    struct gs_est est;
    struct hist *h;
    int h_head, h_len, h_cap; /* tentative tracks keep a short history */
    int hits, misses, dup;
    gs_time_t first_time, last_hit, burnout;
    struct gs_plot *early;
    int n_early;
    bool left_boost, launch_done;
    enum gs_launch_method launch_method;
    struct gs_ground_point launch;
    int fused;
    bool updated; /* by the scan being processed */
    /* A track split off another (split_track) remembers it until it is
     * confirmed; the two then become a pair (pair.h) from the separation
     * on, until their assignment has long been certain. */
    bool split_child;
    int split_parent;
    unsigned split_parent_serial;
    gs_time_t split_time;
    int pair; /* index into the tracker's pairs, or -1 */
};

/* Two tracks whose plots a pair (pair.h) assigns: trk[0] is object A. */
struct pair_slot {
    bool used;
    int trk[2];
    unsigned serial[2];
    struct gs_pair *p;
};

struct partner {
    bool used;
    struct gs_track_update u;
    int fused;
    gs_time_t checked; /* when its nation's tracks were last reassigned */
};

struct fused {
    bool used, reported;
    char id[GS_TRACK_ID_SIZE];
    int local;
    int partners[MAX_FUSED_PARTNERS];
    int n_partners;
    gs_time_t last_output;
    enum gs_phase last_phase;
    bool has_impact;
    struct gs_impact_prediction impact;
    gs_time_t impact_at;
    bool has_apogee;
    double apogee_height;
    gs_time_t apogee_time;
    /* Its latest output: what partner tracks are matched against (our
     * own track alone may be the poorest of the sources). */
    bool has_last;
    struct gs_track_update last;
};

struct gs_tracker {
    struct gs_tracker_config c;
    struct gs_sensor *s;
    size_t n_s;
    struct track *tr;
    struct partner *pa;
    struct fused *fu;
    int n_fu;
    unsigned next_serial, next_output_id;
    gs_time_t latest;
    bool have_latest;
    struct gs_plot scan[MAX_SCAN];
    int n_scan;
    struct gs_track_update *q;
    size_t q_head, q_len;
    struct gs_tracker_stats st;
    struct pair_slot pairs[MAX_PAIRS];
    /* Scratch of process_scan, one per track slot. */
    struct gs_est *pred;
    bool *valid, *late;
};

void gs_tracker_config_default(struct gs_tracker_config *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->nation, "USA", 4);
    gs_est_config_default(&c->est);
    c->fusion = GS_FUSE_ICI;
    c->output_interval = 1.0;
    c->max_future = 3600;
    c->max_lateness = 60;
    c->gate = 25;
    c->confirm_hits = 3;
    c->tentative_misses = 2;
    c->confirmed_misses = 10;
    c->coast_max = 7200;
    c->boost_coast_max = 30;
    c->partner_max_age = 10;
    c->history = 256;
    c->max_tracks = 48;
    c->max_partner_tracks = 128;
    c->max_pending = 8192;
    c->pair_hypotheses = 8;
}

int gs_tracker_new(const struct gs_tracker_config *c, const struct gs_sensor *s,
                   size_t n, struct gs_tracker **out)
{
    struct gs_tracker *t;

    *out = NULL;
    if (n == 0 || n > GS_SENSORS_MAX || c->history < 2 || c->history > 100000 ||
        c->max_tracks < 1 || c->max_tracks > 4096 ||
        c->max_partner_tracks < 0 || c->max_partner_tracks > 4096 ||
        c->max_pending < 1 || !(c->gate > 0) || c->confirm_hits < 1 ||
        !(c->output_interval >= 0) || !(c->max_future > 0) ||
        !(c->max_lateness >= 0) || c->pair_hypotheses < 1 ||
        c->pair_hypotheses > GS_PAIR_MAX_HYP)
        return GS_ERR_INVALID;
    t = gs_calloc(1, sizeof(*t));
    t->c = *c;
    t->s = gs_calloc(n, sizeof(*s));
    memcpy(t->s, s, n * sizeof(*s));
    t->n_s = n;
    t->tr = gs_calloc((size_t)c->max_tracks, sizeof(*t->tr));
    t->pa = gs_calloc((size_t)c->max_partner_tracks + 1, sizeof(*t->pa));
    t->n_fu = c->max_tracks + c->max_partner_tracks;
    t->fu = gs_calloc((size_t)t->n_fu, sizeof(*t->fu));
    t->q = gs_calloc((size_t)c->max_pending, sizeof(*t->q));
    t->pred = gs_calloc((size_t)c->max_tracks, sizeof(*t->pred));
    t->valid = gs_calloc((size_t)c->max_tracks, sizeof(*t->valid));
    t->late = gs_calloc((size_t)c->max_tracks, sizeof(*t->late));
    *out = t;
    return 0;
}

static void track_free(struct track *k)
{
    gs_free(k->h);
    gs_free(k->early);
    memset(k, 0, sizeof(*k));
}

void gs_tracker_free(struct gs_tracker *t)
{
    int i;

    if (t == NULL)
        return;
    for (i = 0; i < MAX_PAIRS; i++)
        gs_pair_free(t->pairs[i].p);
    for (i = 0; i < t->c.max_tracks; i++)
        track_free(&t->tr[i]);
    gs_free(t->tr);
    gs_free(t->pa);
    gs_free(t->fu);
    gs_free(t->q);
    gs_free(t->s);
    gs_free(t->pred);
    gs_free(t->valid);
    gs_free(t->late);
    gs_free(t);
}

const struct gs_sensor *gs_tracker_sensors(const struct gs_tracker *t,
                                           size_t *n)
{
    *n = t->n_s;
    return t->s;
}

void gs_tracker_stats(const struct gs_tracker *t, struct gs_tracker_stats *s)
{
    *s = t->st;
}

/* ------------------------------------------------------------ the queue */

static void push_update(struct gs_tracker *t, const struct gs_track_update *u)
{
    size_t cap = (size_t)t->c.max_pending;

    if (t->q_len == cap) {
        t->q_head = (t->q_head + 1) % cap;
        t->q_len--;
        t->st.updates_dropped++;
    }
    t->q[(t->q_head + t->q_len) % cap] = *u;
    t->q_len++;
    t->st.updates_out++;
}

size_t gs_tracker_poll(struct gs_tracker *t, struct gs_track_update *out,
                       size_t max)
{
    size_t k = 0, cap = (size_t)t->c.max_pending;

    while (k < max && t->q_len > 0) {
        out[k++] = t->q[t->q_head];
        t->q_head = (t->q_head + 1) % cap;
        t->q_len--;
    }
    return k;
}

/* ------------------------------------------------------------- history */

static struct hist *hist_at(struct track *k, struct gs_tracker *t, int i)
{
    (void)t;
    return &k->h[(k->h_head + i) % k->h_cap];
}

/* A confirmed track gets the full history (tentative ones, mostly false
 * plots, keep TENTATIVE_HISTORY entries and cost little to start). */
static void hist_grow(struct gs_tracker *t, struct track *k)
{
    struct hist *h;
    int i;

    if (k->h_cap >= t->c.history)
        return;
    h = gs_calloc((size_t)t->c.history, sizeof(*h));
    for (i = 0; i < k->h_len; i++)
        h[i] = *hist_at(k, t, i);
    gs_free(k->h);
    k->h = h;
    k->h_head = 0;
    k->h_cap = t->c.history;
}

static void hist_push(struct gs_tracker *t, struct track *k,
                      const struct gs_plot *p, const struct gs_est *e)
{
    struct hist *h;

    if (k->h_len == k->h_cap) {
        k->h_head = (k->h_head + 1) % k->h_cap;
        k->h_len--;
    }
    h = hist_at(k, t, k->h_len);
    h->plot = *p;
    h->after = *e;
    k->h_len++;
}

static void early_insert(struct track *k, const struct gs_plot *p)
{
    int i;

    if (k->n_early == EARLY_MAX || k->left_boost)
        return;
    i = k->n_early;
    while (i > 0 && k->early[i - 1].time > p->time) {
        k->early[i] = k->early[i - 1];
        i--;
    }
    k->early[i] = *p;
    k->n_early++;
}

/*
 * The estimate of track k to use for a scan at time tm: its current one,
 * or for a late scan the one after its last plot at or before tm. Returns
 * false when the track has no state that early.
 */
static bool est_before(struct gs_tracker *t, struct track *k, gs_time_t tm,
                       struct gs_est *e, int *index)
{
    int i;

    *index = k->h_len;
    if (k->est.t <= tm) {
        *e = k->est;
        return true;
    }
    for (i = k->h_len - 1; i >= 0; i--) {
        struct hist *h = hist_at(k, t, i);

        if (h->plot.time <= tm) {
            *e = h->after;
            *index = i + 1;
            return true;
        }
    }
    return false;
}

/* Bookkeeping of the boost: when the motor was last seen burning. */
static void note_boost(struct track *k)
{
    if (gs_est_boost_probability(&k->est) >= 0.5)
        k->burnout = k->est.t;
    if (!k->est.imm || gs_est_boost_probability(&k->est) < NO_BOOST)
        k->left_boost = true;
}

/*
 * Applies plot p to track k. pred is k's estimate predicted to p's time
 * when p is not late. A late plot rewinds k to its estimate after the last
 * earlier plot and filters the later ones again, in time order.
 */
static int apply_plot(struct gs_tracker *t, struct track *k,
                      const struct gs_plot *p, const struct gs_est *pred)
{
    const struct gs_sensor *s = t->s;
    struct gs_est e;
    int rc;

    if (k->est.t <= p->time) {
        e = *pred;
        rc = gs_est_correct(&e, &t->c.est, p, &s[p->sensor]);
        if (rc < 0)
            return rc;
        k->est = e;
        hist_push(t, k, p, &e);
    } else {
        struct gs_plot later[MAX_SCAN * 8];
        struct gs_plot *lp = later;
        int idx, i, n_later;

        if (!est_before(t, k, p->time, &e, &idx) || idx == 0)
            return GS_ERR_STATE;
        n_later = k->h_len - idx;
        if (n_later > (int)(sizeof(later) / sizeof(later[0])))
            lp = gs_calloc((size_t)n_later, sizeof(*lp));
        for (i = 0; i < n_later; i++)
            lp[i] = hist_at(k, t, idx + i)->plot;
        /* Check the late plot first: a failure must leave k unchanged. */
        {
            struct gs_est trial = e;

            rc = gs_est_update(&trial, &t->c.est, p, &s[p->sensor]);
            if (rc < 0) {
                if (lp != later)
                    gs_free(lp);
                return rc;
            }
            k->h_len = idx;
            e = trial;
            hist_push(t, k, p, &e);
        }
        for (i = 0; i < n_later; i++) {
            if (gs_est_update(&e, &t->c.est, &lp[i], &s[lp[i].sensor]) == 0)
                hist_push(t, k, &lp[i], &e);
        }
        t->st.plots_refiltered += (size_t)n_later;
        k->est = e;
        if (lp != later)
            gs_free(lp);
    }
    early_insert(k, p);
    k->hits++;
    k->sensors |= UINT64_C(1) << p->sensor;
    k->misses = 0;
    if (p->time > k->last_hit)
        k->last_hit = p->time;
    k->updated = true;
    note_boost(k);
    t->st.plots_in_tracks++;
    return 0;
}

static struct track *new_track(struct gs_tracker *t, const struct gs_plot *p,
                               const double *v0, double sigma_v)
{
    int i;
    struct track *k = NULL;

    for (i = 0; i < t->c.max_tracks; i++) {
        if (!t->tr[i].used) {
            k = &t->tr[i];
            break;
        }
    }
    if (k == NULL)
        return NULL;
    memset(k, 0, sizeof(*k));
    k->used = true;
    k->serial = t->next_serial++;
    k->h_cap =
        t->c.history < TENTATIVE_HISTORY ? t->c.history : TENTATIVE_HISTORY;
    k->h = gs_calloc((size_t)k->h_cap, sizeof(*k->h));
    k->early = gs_calloc(EARLY_MAX, sizeof(*k->early));
    k->fused = -1;
    k->pair = -1;
    gs_est_init(&k->est, &t->c.est, p, &t->s[p->sensor], v0, sigma_v);
    hist_push(t, k, p, &k->est);
    early_insert(k, p);
    k->hits = 1;
    k->sensors = UINT64_C(1) << p->sensor;
    k->first_time = k->last_hit = p->time;
    k->burnout = p->time;
    k->updated = true;
    note_boost(k);
    t->st.tracks_started++;
    t->st.plots_in_tracks++;
    return k;
}

/* ---------------------------------------------------------- estimates */

/* The 6-state of track k at time tm (predicted forward if needed); x7 and
 * P7 also carry kappa. */
static void local_state(const struct gs_tracker *t, const struct track *k,
                        gs_time_t tm, double x7[7], double P7[49])
{
    struct gs_est e = k->est;

    if (tm > e.t && gs_est_predict(&e, &t->c.est, tm) < 0)
        e = k->est;
    gs_est_combined(&e, x7, P7);
}

static void block6(const double *P7, double *P6)
{
    int i, j;

    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
}

/* A partner's state predicted to tm (ballistic, with its reported kappa or
 * our prior; extra noise while it says the motor burns). */
static int partner_state(const struct gs_tracker *t, const struct partner *p,
                         gs_time_t tm, double x6[6], double P6[36])
{
    struct gs_dyn m;
    double x[7], Phi[49], Ph6[36];
    double dt = (double)(tm - p->u.time) * US;
    int i, j, rc;

    gs_dyn_default(&m);
    memcpy(x, p->u.x, 6 * sizeof(double));
    x[6] = p->u.has_kappa && p->u.kappa > 0 ? p->u.kappa : t->c.est.kappa0;
    rc = gs_dyn_propagate(&m, x, 7, dt, Phi);
    if (rc < 0)
        return rc;
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            Ph6[i * 6 + j] = Phi[i * 7 + j];
    memcpy(x6, x, 6 * sizeof(double));
    memcpy(P6, p->u.P, 36 * sizeof(double));
    gs_mat_congruence(Ph6, P6, 6);
    if (p->u.phase == GS_PHASE_BOOST) {
        /* The unknown thrust over |dt|: 100 m/s^2 per sqrt(s) of white
         * acceleration is a wide margin for a motor. */
        double Q[49];

        gs_dyn_process_noise(6, dt, 1e4, 0, 0, Q);
        for (i = 0; i < 36; i++)
            P6[i] += Q[i];
    }
    return 0;
}

/*
 * What output track fi says of its object at tm, to match partner tracks
 * against: its latest output flown to tm (as a partner's would be), or
 * before any output its local track. Returns 0, or a negative GS_ERR_*.
 */
static int anchor_state(const struct gs_tracker *t, int fi, gs_time_t tm,
                        double x6[6], double P6[36])
{
    const struct fused *f = &t->fu[fi];
    double x7[7], P7[49];
    int i, j;

    if (f->has_last) {
        struct partner q;

        q.u = f->last;
        return partner_state(t, &q, tm, x6, P6);
    }
    if (f->local < 0)
        return GS_ERR_STATE;
    local_state(t, &t->tr[f->local], tm, x7, P7);
    memcpy(x6, x7, 6 * sizeof(double));
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
    return 0;
}

static double mahal6(const double *xa, const double *Pa, const double *xb,
                     const double *Pb)
{
    double S[36], d[6], v;
    int i;

    for (i = 0; i < 36; i++)
        S[i] = Pa[i] + Pb[i];
    for (i = 0; i < 6; i++)
        d[i] = xa[i] - xb[i];
    if (gs_mat_mahalanobis(S, d, 6, &v) < 0)
        return INFINITY;
    return v;
}

/* ---------------------------------------------------------------- output */

static int new_fused(struct gs_tracker *t)
{
    int i;

    for (i = 0; i < t->n_fu; i++) {
        if (!t->fu[i].used) {
            struct fused *f = &t->fu[i];

            memset(f, 0, sizeof(*f));
            f->used = true;
            f->local = -1;
            snprintf(f->id, sizeof(f->id), "%s-T%u", t->c.nation,
                     ++t->next_output_id);
            return i;
        }
    }
    return -1;
}

static void add_source(struct gs_track_update *u, const char *nation)
{
    int i;

    for (i = 0; i < u->n_sources; i++)
        if (strcmp(u->sources[i], nation) == 0)
            return;
    if (u->n_sources < GS_UPDATE_MAX_SOURCES)
        memcpy(u->sources[u->n_sources++], nation, 4);
}

static double ellipse_area(const struct gs_ground_point *g)
{
    return g->ellipse.semi_major * g->ellipse.semi_minor;
}

static void detach_partner(struct gs_tracker *t, int fi, int slot);

/*
 * What the tracks of partner pi's nation say of the object whose estimate
 * (ours, at tm) is xa, Pa: when two objects have just parted, two of that
 * nation's tracks may fit ours, and which is our object is not known yet.
 * The estimate is then the mixture of those inside the gate (weighted by
 * how well each fits ours, moment-matched: their spread stays in the
 * covariance), rather than one that may be the other object.
 */
static void nation_estimate(const struct gs_tracker *t, int pi, gs_time_t tm,
                            const double *xa, const double *Pa, double xp[6],
                            double Pp[36])
{
    const struct partner *p = &t->pa[pi];
    double xs[8][6], Ps[8][36], w[8], wsum = 0, lmax = -INFINITY, ll[8];
    int i, j, a, b, m = 0;

    for (i = 0; i < t->c.max_partner_tracks && m < 8; i++) {
        const struct partner *q = &t->pa[i];
        double S[36], d[6], d2, logdet;

        if (!q->used || strcmp(q->u.nation, p->u.nation) != 0 ||
            q->u.status == GS_TRACK_LOST ||
            fabs((double)(tm - q->u.time)) * US > t->c.partner_max_age)
            continue;
        if (i == pi) {
            memcpy(xs[m], xp, sizeof(xs[m]));
            memcpy(Ps[m], Pp, sizeof(Ps[m]));
        } else if (partner_state(t, q, tm, xs[m], Ps[m]) < 0) {
            continue;
        }
        for (j = 0; j < 36; j++)
            S[j] = Pa[j] + Ps[m][j];
        for (j = 0; j < 6; j++)
            d[j] = xs[m][j] - xa[j];
        if (gs_mat_mahalanobis(S, d, 6, &d2) < 0 ||
            gs_mat_logdet_spd(S, 6, &logdet) < 0 ||
            (i != pi && d2 >= PARTNER_GATE))
            continue;
        ll[m] = -0.5 * (d2 + logdet);
        if (ll[m] > lmax)
            lmax = ll[m];
        m++;
    }
    if (m <= 1)
        return;
    for (i = 0; i < m; i++) {
        w[i] = exp(ll[i] - lmax);
        wsum += w[i];
    }
    memset(xp, 0, 6 * sizeof(double));
    memset(Pp, 0, 36 * sizeof(double));
    for (i = 0; i < m; i++)
        for (a = 0; a < 6; a++)
            xp[a] += w[i] / wsum * xs[i][a];
    for (i = 0; i < m; i++)
        for (a = 0; a < 6; a++)
            for (b = 0; b < 6; b++)
                Pp[a * 6 + b] += w[i] / wsum *
                                 (Ps[i][a * 6 + b] +
                                  (xs[i][a] - xp[a]) * (xs[i][b] - xp[b]));
    gs_mat_symmetrize(Pp, 6);
}

/* The size fusion minimises: position variance plus (100 s)^2 times the
 * velocity variance, what an impact prediction minutes ahead depends on. */
static const double fuse_weights[6] = {1, 1, 1, 1e4, 1e4, 1e4};

/*
 * Builds the output of fused track fi at time tm: the local estimate and
 * the fresh partner estimates fused, the predictions refreshed when due.
 */
static void emit(struct gs_tracker *t, int fi, gs_time_t tm,
                 enum gs_track_status status)
{
    struct fused *f = &t->fu[fi];
    struct gs_track_update u;
    double x7[7], P7[49], xf[6], Pf[36], xa[6], Pa[36], kap_sigma = 0;
    bool have = false, boosting = false, kappa_known = false;
    struct track *k = f->local >= 0 ? &t->tr[f->local] : NULL;
    int i, used_partners = 0;
    enum gs_phase phase = GS_PHASE_MIDCOURSE;

    memset(&u, 0, sizeof(u));
    memset(x7, 0, sizeof(x7));
    memset(P7, 0, sizeof(P7));
    memcpy(u.nation, t->c.nation, 4);
    memcpy(u.track, f->id, sizeof(u.track));
    u.time = tm;
    u.status = status;
    if (k != NULL) {
        struct gs_est e = k->est;

        if (tm > e.t)
            gs_est_predict(&e, &t->c.est, tm);
        local_state(t, k, tm, x7, P7);
        block6(P7, Pf);
        memcpy(xf, x7, sizeof(xf));
        memcpy(xa, xf, sizeof(xa));
        memcpy(Pa, Pf, sizeof(Pa));
        have = true;
        phase = gs_est_phase(&e);
        /* Impact predictions wait until the motor has been off for a
         * while: a brief lull at staging is not burnout. */
        boosting = e.imm && (gs_est_boost_probability(&e) >= NO_BOOST ||
                             e.ballistic_since < SETTLE_TIME);
        kappa_known = !e.imm;
        kap_sigma = sqrt(P7[48] > 0 ? P7[48] : 0);
        add_source(&u, t->c.nation);
        u.local = k->serial + 1;
        u.sensors = k->sensors;
    }
    /* Each fresh partner estimate, predicted to tm, is checked against the
     * latest output of this track (before any, the first estimate: ours
     * if we track it): one that no longer matches (its track has moved to
     * another object) leaves this output track. */
    if (have && f->has_last) {
        double x6[6], P6[36];

        if (anchor_state(t, fi, tm, x6, P6) == 0) {
            memcpy(xa, x6, sizeof(xa));
            memcpy(Pa, P6, sizeof(Pa));
        }
    }
    for (i = 0; i < f->n_partners; i++) {
        struct partner *p = &t->pa[f->partners[i]];
        double xp[6], Pp[36], xo[6], Po[36];
        double age = fabs((double)(tm - p->u.time)) * US;

        if (age > t->c.partner_max_age)
            continue;
        if (partner_state(t, p, tm, xp, Pp) < 0)
            continue;
        if (have) {
            if (mahal6(xa, Pa, xp, Pp) > PARTNER_DETACH) {
                detach_partner(t, fi, i);
                i--;
                continue;
            }
            if (k != NULL && phase != GS_PHASE_BOOST &&
                p->u.phase != GS_PHASE_BOOST)
                nation_estimate(t, f->partners[i], tm, xa, Pa, xp, Pp);
            if (gs_fuse(t->c.fusion, 6, xf, Pf, xp, Pp, fuse_weights, xo, Po) <
                0)
                continue;
            memcpy(xf, xo, sizeof(xf));
            memcpy(Pf, Po, sizeof(Pf));
        } else {
            memcpy(xf, xp, sizeof(xf));
            memcpy(Pf, Pp, sizeof(Pf));
            memcpy(xa, xp, sizeof(xa));
            memcpy(Pa, Pp, sizeof(Pa));
            have = true;
            phase = p->u.phase;
        }
        if (p->u.phase == GS_PHASE_BOOST) {
            boosting = true;
            phase = GS_PHASE_BOOST;
        }
        /* A partner that predicts no impact yet thinks it too early. */
        if (k == NULL && !p->u.impact.valid)
            boosting = true;
        /* The ballistic coefficient: the best known of all. */
        if (p->u.has_kappa && (!kappa_known || p->u.kappa_sigma < kap_sigma)) {
            x7[6] = p->u.kappa;
            kap_sigma = p->u.kappa_sigma;
            kappa_known = true;
        }
        used_partners++;
        add_source(&u, p->u.nation);
        if (u.n_parts < GS_UPDATE_MAX_SOURCES) {
            memcpy(u.parts[u.n_parts].nation, p->u.nation, 4);
            memcpy(u.parts[u.n_parts].track, p->u.track, GS_TRACK_ID_SIZE);
            u.n_parts++;
        }
    }
    if (!have)
        return;
    if (!kappa_known && k == NULL) {
        x7[6] = t->c.est.kappa0;
        kap_sigma = t->c.est.sigma_kappa0;
    }
    memcpy(u.x, xf, sizeof(xf));
    memcpy(u.P, Pf, sizeof(Pf));
    {
        struct gs_geodetic g;

        gs_ecef_to_geodetic(xf, &g);
        u.lat = g.lat / GS_DEG;
        u.lon = g.lon / GS_DEG;
        u.h = g.h;
    }
    u.phase = phase;
    if (kappa_known) {
        u.has_kappa = true;
        u.kappa = x7[6];
        u.kappa_sigma = kap_sigma;
    }
    /* Impact, when the motor is off and the refresh is due. */
    if (boosting) {
        f->has_impact = false;
    } else {
        double interval = 1.0;

        /* Every second while the ellipse is still wide; then every
         * hundredth of the time to go, between 1 and 20 s. */
        if (f->has_impact &&
            f->impact.impact.ellipse.semi_major < IMPACT_CONFIDENT) {
            interval = (double)(f->impact.impact.time - tm) * US / 100.0;
            interval = interval < 1 ? 1 : interval > 20 ? 20 : interval;
        }
        if (!f->has_impact ||
            (double)(tm - f->impact_at) * US >= interval - 1e-9) {
            double xi[7], Pi[49];
            struct gs_impact_prediction ip;
            int a, b, rc;

            memcpy(xi, xf, sizeof(xf));
            xi[6] = x7[6];
            if (used_partners == 0 && k != NULL) {
                memcpy(Pi, P7, sizeof(Pi));
            } else {
                memset(Pi, 0, sizeof(Pi));
                for (a = 0; a < 6; a++)
                    for (b = 0; b < 6; b++)
                        Pi[a * 7 + b] = Pf[a * 6 + b];
                Pi[48] = kap_sigma * kap_sigma;
            }
            int64_t t0 = gs_mono_ns();

            rc = t->c.impact_linear
                     ? gs_predict_impact_linear(xi, Pi, tm, 3 * 3600.0, &ip)
                     : gs_predict_impact(xi, Pi, tm, 3 * 3600.0, &ip);
            t->st.prediction_seconds += (double)(gs_mono_ns() - t0) * 1e-9;
            t->st.predictions++;
            if (rc == 0) {
                f->impact = ip;
                f->has_impact = true;
                f->impact_at = tm;
                if (ip.has_apogee) {
                    f->has_apogee = true;
                    f->apogee_height = ip.apogee_height;
                    f->apogee_time = ip.apogee_time;
                }
            }
        }
    }
    if (f->has_impact)
        u.impact = f->impact.impact;
    if (f->has_apogee) {
        u.has_apogee = true;
        u.apogee_height = f->apogee_height;
        u.apogee_time = f->apogee_time;
    }
    /* Launch: ours, or the partner's with the smaller ellipse. */
    if (k != NULL && !k->launch_done && k->left_boost) {
        double xl[7], Pl[49];
        int64_t t0 = gs_mono_ns();

        gs_est_combined(&k->est, xl, Pl);
        if (gs_predict_launch(k->early, (size_t)k->n_early, t->s, k->burnout,
                              &t->c.est, xl, Pl, k->est.t, &k->launch,
                              &k->launch_method) < 0)
            k->launch.valid = false;
        t->st.prediction_seconds += (double)(gs_mono_ns() - t0) * 1e-9;
        t->st.predictions++;
        k->launch_done = true;
    }
    if (k != NULL && k->launch.valid)
        u.launch = k->launch;
    for (i = 0; i < f->n_partners; i++) {
        const struct gs_ground_point *g = &t->pa[f->partners[i]].u.launch;

        if (g->valid &&
            (!u.launch.valid || ellipse_area(g) < ellipse_area(&u.launch)))
            u.launch = *g;
    }
    push_update(t, &u);
    f->last = u;
    f->has_last = true;
    f->reported = true;
    f->last_output = tm;
    f->last_phase = phase;
}

/* Whether fused track fi should report at tm. */
static bool due(const struct gs_tracker *t, const struct fused *f, gs_time_t tm,
                enum gs_phase phase)
{
    return !f->reported || phase != f->last_phase ||
           (double)(tm - f->last_output) * US >= t->c.output_interval - 1e-9;
}

static void free_fused(struct gs_tracker *t, int fi, gs_time_t tm)
{
    struct fused *f = &t->fu[fi];
    int i;

    if (f->reported)
        emit(t, fi, tm, GS_TRACK_LOST);
    for (i = 0; i < f->n_partners; i++) {
        t->pa[f->partners[i]].fused = -1;
        t->pa[f->partners[i]].used = false;
    }
    if (f->local >= 0)
        t->tr[f->local].fused = -1;
    memset(f, 0, sizeof(*f));
}

/* Moves partner number `slot` of fused track fi to a fused track of its
 * own (it no longer matches). */
static void detach_partner(struct gs_tracker *t, int fi, int slot)
{
    struct fused *f = &t->fu[fi];
    int pi = f->partners[slot], nf;

    f->partners[slot] = f->partners[--f->n_partners];
    nf = new_fused(t);
    if (nf < 0) {
        t->pa[pi].used = false;
        t->pa[pi].fused = -1;
        return;
    }
    t->fu[nf].partners[0] = pi;
    t->fu[nf].n_partners = 1;
    t->pa[pi].fused = nf;
}

/* A track was confirmed: join the partner-only output track it matches
 * best, or start one. */
static void attach_local(struct gs_tracker *t, int ki)
{
    struct track *k = &t->tr[ki];
    double x7[7], P7[49], P6[36], best = PARTNER_GATE;
    int i, j, bi = -1;

    gs_est_combined(&k->est, x7, P7);
    block6(P7, P6);
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used || f->local >= 0 || f->n_partners == 0)
            continue;
        for (j = 0; j < f->n_partners; j++) {
            double xp[6], Pp[36], d;

            if (partner_state(t, &t->pa[f->partners[j]], k->est.t, xp, Pp) < 0)
                continue;
            d = mahal6(x7, P6, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
    }
    if (bi < 0)
        bi = new_fused(t);
    if (bi < 0)
        return;
    t->fu[bi].local = ki;
    k->fused = bi;
}

static void end_pair(struct gs_tracker *t, int pi);

static void lose_track(struct gs_tracker *t, int ki)
{
    struct track *k = &t->tr[ki];

    if (k->pair >= 0)
        end_pair(t, k->pair);
    if (k->confirmed) {
        t->st.tracks_lost++;
        if (k->fused >= 0) {
            struct fused *f = &t->fu[k->fused];

            if (f->n_partners == 0) {
                free_fused(t, k->fused, k->est.t);
            } else {
                f->local = -1;
                f->has_impact = false;
            }
        }
    }
    track_free(k);
}

/* ---------------------------------------------------------------- scans */

/* Widens an estimate by what a separation may change. */
static void widen_for_split(struct gs_est *e)
{
    int i, j;

    for (i = 0; i < GS_EST_MODES; i++) {
        struct gs_kf *f = &e->kf[i];

        if (!e->imm && i != 1)
            continue;
        for (j = 0; j < 3; j++) {
            f->P[j * f->n + j] += SPLIT_SIGMA_R * SPLIT_SIGMA_R;
            f->P[(3 + j) * f->n + 3 + j] += SPLIT_SIGMA_V * SPLIT_SIGMA_V;
        }
    }
}

/*
 * A plot that no track took, near a confirmed track: an object separating
 * from it (a booster, a warhead, debris). The new track starts as a copy of
 * that track's estimate, widened by what separation may change (SPLIT_SIGMA_V
 * in velocity, SPLIT_SIGMA_R in position), then takes the plot: everything
 * the parent knew about the common flight carries over. The parent is
 * widened too: it may have taken plots of either object since they parted.
 * Returns the new track, or NULL when no confirmed track is near (or the table
 * is full).
 */
static struct track *split_track(struct gs_tracker *t, const struct gs_plot *p,
                                 const struct gs_est *pred, const bool *valid)
{
    double r[3], best = SPAWN_DISTANCE;
    int i, j, bi = -1;
    struct track *k = NULL;
    struct gs_est e;

    gs_radar_position(&t->s[p->sensor].site, p->range, p->az, p->el, r);
    for (i = 0; i < t->c.max_tracks; i++) {
        double x7[7], P7[49], d = 0;

        if (!t->tr[i].used || !t->tr[i].confirmed || !valid[i])
            continue;
        gs_est_combined(&pred[i], x7, P7);
        for (j = 0; j < 3; j++)
            d += (x7[j] - r[j]) * (x7[j] - r[j]);
        d = sqrt(d);
        if (d < best) {
            best = d;
            bi = i;
        }
    }
    if (bi < 0)
        return NULL;
    e = pred[bi];
    widen_for_split(&e);
    if (gs_est_correct(&e, &t->c.est, p, &t->s[p->sensor]) < 0)
        return NULL;
    for (i = 0; i < t->c.max_tracks; i++) {
        if (!t->tr[i].used) {
            k = &t->tr[i];
            break;
        }
    }
    if (k == NULL)
        return NULL;
    {
        struct track *parent = &t->tr[bi];

        /* The parent may have taken plots of either object since they
         * parted: it is no surer than the new track. */
        widen_for_split(&parent->est);
        memset(k, 0, sizeof(*k));
        k->used = true;
        k->serial = t->next_serial++;
        k->h_cap =
            t->c.history < TENTATIVE_HISTORY ? t->c.history : TENTATIVE_HISTORY;
        k->h = gs_calloc((size_t)k->h_cap, sizeof(*k->h));
        k->early = gs_calloc(EARLY_MAX, sizeof(*k->early));
        k->fused = -1;
        k->pair = -1;
        k->est = e;
        hist_push(t, k, p, &k->est);
        /* The same missile up to here: its boost is ours too. */
        memcpy(k->early, parent->early,
               sizeof(*k->early) * (size_t)parent->n_early);
        k->n_early = parent->n_early;
        k->burnout = parent->burnout;
        k->left_boost = parent->left_boost;
        k->launch_done = parent->launch_done;
        k->launch = parent->launch;
        k->launch_method = parent->launch_method;
        k->hits = 1;
        k->sensors = parent->sensors | UINT64_C(1) << p->sensor;
        k->first_time = k->last_hit = p->time;
        k->updated = true;
        k->split_child = true;
        k->split_parent = bi;
        k->split_parent_serial = parent->serial;
        k->split_time = p->time;
        t->st.tracks_started++;
        t->st.plots_in_tracks++;
    }
    return k;
}

/* The measurement (range, azimuth, elevation, range rate) the estimate e
 * predicts for sensor s. */
static void predicted_z(const struct gs_est *e, const struct gs_sensor *s,
                        double z[4])
{
    double x7[7], P7[49];

    gs_est_combined(e, x7, P7);
    gs_radar_measure(&s->site, x7, z, NULL);
}

/*
 * Objects closer than a radar's resolution make one plot at their centroid.
 * When confirmed tracks predict measurements within one resolution cell of
 * a track that took a plot, that plot is taken as merged: it updates each
 * of them (those without a plot of their own this scan) with its noise
 * widened by the spread of their predicted measurements - a centroid is
 * within that of each object - instead of pulling one track to the
 * centroid and starving the others.
 */
static void share_merged(struct gs_tracker *t, struct gs_plot *plots, int n,
                         struct gs_est *pred, const bool *valid, const int *idx,
                         int rows, int *r2c)
{
    int r, q, m;

    (void)n;
    for (r = 0; r < rows; r++) {
        int members[8], nm = 0, j = r2c[r];
        const struct gs_sensor *s;
        double za[4], zmin[4], zmax[4];

        if (j < 0)
            continue;
        s = &t->s[plots[j].sensor];
        predicted_z(&pred[idx[r]], s, za);
        for (m = 0; m < 4; m++)
            zmin[m] = zmax[m] = za[m];
        members[nm++] = r;
        for (q = 0; q < rows && nm < 8; q++) {
            double zb[4], dang;

            if (q == r || r2c[q] >= 0 || !valid[idx[q]])
                continue;
            predicted_z(&pred[idx[q]], s, zb);
            dang =
                hypot(gs_angle_wrap(zb[1] - za[1]) * cos(za[2]), zb[2] - za[2]);
            if (fabs(zb[0] - za[0]) > s->range_resolution ||
                dang > s->angle_resolution)
                continue;
            members[nm++] = q;
            for (m = 0; m < 4; m++) {
                double v =
                    m == 1 ? za[1] + gs_angle_wrap(zb[1] - za[1]) : zb[m];

                if (v < zmin[m])
                    zmin[m] = v;
                if (v > zmax[m])
                    zmax[m] = v;
            }
        }
        if (nm < 2)
            continue;
        /* Each member's own measurement is within the spread of the
         * centroid; widen by the spread (squared) in each component. */
        for (m = 0; m < 4; m++)
            plots[j].extra_var[m] = (zmax[m] - zmin[m]) * (zmax[m] - zmin[m]);
        for (q = 1; q < nm; q++) {
            struct track *k = &t->tr[idx[members[q]]];
            double d2, ll;

            if (gs_est_innovation(&pred[idx[members[q]]], &t->c.est, &plots[j],
                                  s, &d2, &ll) < 0 ||
                d2 > t->c.gate)
                continue;
            if (apply_plot(t, k, &plots[j], &pred[idx[members[q]]]) == 0)
                t->st.plots_shared++;
        }
    }
}

/* Assigns plots (those with !taken) to the tracks with confirmed == conf:
 * confirmed tracks first, so that a new track cannot take their plots. */
static void associate(struct gs_tracker *t, struct gs_plot *plots, int n,
                      bool *taken, struct gs_est *pred, bool *valid, bool conf)
{
    int rows = 0, i, j, r;
    int *idx = gs_calloc((size_t)t->c.max_tracks, sizeof(int));
    double *cost;
    int *r2c;

    for (i = 0; i < t->c.max_tracks; i++)
        if (t->tr[i].used && t->tr[i].confirmed == conf && valid[i])
            idx[rows++] = i;
    if (rows == 0) {
        gs_free(idx);
        return;
    }
    cost = gs_calloc((size_t)(rows * n), sizeof(double));
    r2c = gs_calloc((size_t)rows, sizeof(int));
    for (r = 0; r < rows; r++) {
        for (j = 0; j < n; j++) {
            double d2 = INFINITY, ll;

            if (!taken[j] &&
                gs_est_innovation(&pred[idx[r]], &t->c.est, &plots[j],
                                  &t->s[plots[j].sensor], &d2, &ll) < 0)
                d2 = INFINITY;
            cost[r * n + j] = taken[j] || !isfinite(d2) ? INFINITY : d2;
        }
    }
    gs_assign(cost, rows, n, t->c.gate, r2c);
    if (conf)
        share_merged(t, plots, n, pred, valid, idx, rows, r2c);
    for (r = 0; r < rows; r++) {
        if (r2c[r] < 0)
            continue;
        if (apply_plot(t, &t->tr[idx[r]], &plots[r2c[r]], &pred[idx[r]]) == 0)
            taken[r2c[r]] = true;
    }
    gs_free(cost);
    gs_free(r2c);
    gs_free(idx);
}

static bool plausible(const struct track *k)
{
    double x7[7], P7[49], s;
    struct gs_geodetic g;

    gs_est_combined(&k->est, x7, P7);
    s = sqrt(x7[3] * x7[3] + x7[4] * x7[4] + x7[5] * x7[5]);
    gs_ecef_to_geodetic(x7, &g);
    return s < 9000 && g.h > -5000 && g.h < 2e7;
}

/* Duplicate tracks: a younger confirmed track that stays within the gate
 * of an older one for 5 scans in a row is dropped. */
static void check_duplicates(struct gs_tracker *t)
{
    int i, j;

    for (i = 0; i < t->c.max_tracks; i++) {
        struct track *a = &t->tr[i];
        bool dup = false;
        double xa[7], Pa[49], Pa6[36];

        if (!a->used || !a->confirmed || !a->updated)
            continue;
        gs_est_combined(&a->est, xa, Pa);
        block6(Pa, Pa6);
        for (j = 0; j < t->c.max_tracks && !dup; j++) {
            struct track *b = &t->tr[j];
            double xb[7], Pb[49], Pb6[36], dd = 0;
            int m;

            if (j == i || !b->used || !b->confirmed || b->serial > a->serial)
                continue;
            /* Two objects that have just parted look alike for a while:
             * their pair decides, not this. */
            if ((a->split_child && a->split_parent == j) ||
                (b->split_child && b->split_parent == i) ||
                (a->pair >= 0 && a->pair == b->pair))
                continue;
            /* An older track at the same time: updated by this scan, or
             * predicted to it for the scan. */
            if (b->updated && b->est.t == a->est.t)
                gs_est_combined(&b->est, xb, Pb);
            else if (t->valid[j] && !t->late[j] && t->pred[j].t == a->est.t)
                gs_est_combined(&t->pred[j], xb, Pb);
            else
                continue;
            for (m = 0; m < 3; m++)
                dd += (xa[m] - xb[m]) * (xa[m] - xb[m]);
            if (dd > 25e6)
                continue;
            block6(Pb, Pb6);
            dup = mahal6(xa, Pa6, xb, Pb6) < 16;
        }
        a->dup = dup ? a->dup + 1 : 0;
        if (a->dup >= 5)
            lose_track(t, i);
    }
}

/* ---------------------------------------------------------------- pairs */

/* Ends pair pi: its tracks go on alone, as its best hypothesis left them. */
static void end_pair(struct gs_tracker *t, int pi)
{
    struct pair_slot *ps = &t->pairs[pi];
    int o;

    for (o = 0; o < 2; o++) {
        struct track *k = &t->tr[ps->trk[o]];

        if (k->used && k->serial == ps->serial[o] && k->pair == pi)
            k->pair = -1;
    }
    gs_pair_free(ps->p);
    memset(ps, 0, sizeof(*ps));
}

/* The tracks of pair pi take the estimates of its best hypothesis. Their
 * own histories hold only the latest plot: the pair handles late plots. */
static void sync_pair(struct gs_tracker *t, int pi)
{
    struct pair_slot *ps = &t->pairs[pi];
    int o;

    for (o = 0; o < 2; o++) {
        struct track *k = &t->tr[ps->trk[o]];
        struct gs_pair_object b;

        gs_pair_best(ps->p, o, &b);
        k->est = b.est;
        k->h_len = 0;
        if (b.has_last)
            hist_push(t, k, &b.last, &k->est);
        if (b.hit) {
            k->hits++;
            if (b.has_last)
                k->sensors |= UINT64_C(1) << b.last.sensor;
            k->misses = 0;
            if (b.last.time > k->last_hit)
                k->last_hit = b.last.time;
            k->updated = true;
            t->st.plots_in_tracks++;
        }
        note_boost(k);
    }
}

static int by_scan(const void *a, const void *b)
{
    const struct gs_plot *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->sensor - y->sensor;
}

static bool same_plot(const struct gs_plot *a, const struct gs_plot *b)
{
    return a->time == b->time && a->sensor == b->sensor &&
           a->range == b->range && a->az == b->az && a->el == b->el;
}

/* Appends to all[*n] the plots of k's history after time after, without
 * the merged-plot widening (the pair has its own model of merged plots)
 * and without those already there. */
static void gather(struct gs_tracker *t, struct track *k, gs_time_t after,
                   struct gs_plot *all, int *n)
{
    int i, j;

    for (i = 0; i < k->h_len; i++) {
        struct gs_plot q = hist_at(k, t, i)->plot;

        if (q.time <= after)
            continue;
        memset(q.extra_var, 0, sizeof(q.extra_var));
        for (j = 0; j < *n && !same_plot(&all[j], &q); j++)
            ;
        if (j == *n)
            all[(*n)++] = q;
    }
}

/*
 * Split child ci has been confirmed: it and its parent become a pair. The
 * pair starts when they parted: at the parent's burnout (a warhead leaves
 * its last stage at burnout) unless that is more than SPLIT_LOOKBACK
 * before the split was seen, and takes every plot either track has had
 * since, in time order, as if they were coming in now.
 */
static void form_pair(struct gs_tracker *t, int ci)
{
    struct track *c = &t->tr[ci], *pa;
    struct gs_pair_config pc;
    struct gs_pair *p = NULL;
    struct gs_est start;
    struct gs_plot *all;
    gs_time_t ts;
    int pi, i, j, n = 0, idx;

    pa = &t->tr[c->split_parent];
    if (!pa->used || pa->serial != c->split_parent_serial || !pa->confirmed) {
        c->split_child = false;
        return;
    }
    /* Else it may be tried again (when confirmed). */
    if (pa->pair >= 0 || c->pair >= 0)
        return;
    for (pi = 0; pi < MAX_PAIRS && t->pairs[pi].used; pi++)
        ;
    if (pi == MAX_PAIRS)
        return;
    ts = pa->burnout < c->split_time ? pa->burnout : c->split_time;
    if ((double)(c->split_time - ts) * US > SPLIT_LOOKBACK)
        ts = c->split_time - (gs_time_t)(SPLIT_LOOKBACK / US);
    /* The parent's estimate before any plot of the separation. */
    if (!est_before(t, pa, ts - 1, &start, &idx) &&
        !est_before(t, pa, c->split_time - 1, &start, &idx))
        return;
    widen_for_split(&start);
    gs_pair_config_default(&pc);
    pc.gate = t->c.gate;
    pc.max_hyp = t->c.pair_hypotheses;
    if (gs_pair_new(&pc, &t->c.est, t->s, t->n_s, &start, &p) < 0)
        return;
    all = gs_calloc((size_t)(pa->h_len + c->h_len) + 1, sizeof(*all));
    gather(t, pa, start.t, all, &n);
    gather(t, c, start.t, all, &n);
    qsort(all, (size_t)n, sizeof(*all), by_scan);
    for (i = 0; i < n; i = j) {
        bool claimed[GS_PAIR_SCAN_MAX];

        for (j = i;
             j < n && j - i < GS_PAIR_SCAN_MAX && all[j].time == all[i].time &&
             all[j].sensor == all[i].sensor;
             j++)
            ;
        (void)gs_pair_scan(p, &all[i], j - i, claimed);
    }
    gs_free(all);
    t->pairs[pi].used = true;
    t->pairs[pi].p = p;
    t->pairs[pi].trk[0] = c->split_parent;
    t->pairs[pi].trk[1] = ci;
    t->pairs[pi].serial[0] = pa->serial;
    t->pairs[pi].serial[1] = c->serial;
    pa->pair = pi;
    c->pair = pi;
    c->split_child = false;
    t->st.pairs_formed++;
    sync_pair(t, pi);
}

/* A pair whose assignment has long been certain, or that is old, ends. A
 * track of it that never had a plot of its own was not a second object
 * (the split was a false alarm, or an unresolved echo): it ends too. */
static bool apart(const struct gs_est *a, const struct gs_est *b)
{
    double xa[7], Pa[49], xb[7], Pb[49];

    gs_est_combined(a, xa, Pa);
    gs_est_combined(b, xb, Pb);
    return hypot(hypot(xa[0] - xb[0], xa[1] - xb[1]), xa[2] - xb[2]) >
           SPAWN_DISTANCE;
}

static void check_pairs(struct gs_tracker *t)
{
    int i, o;

    for (i = 0; i < MAX_PAIRS; i++) {
        struct pair_slot *ps = &t->pairs[i];
        struct gs_pair_object b[2];
        int drop = -1;

        double age;
        bool unproven = false;

        if (!ps->used)
            continue;
        age = (double)(t->latest - gs_pair_start(ps->p)) * US;
        for (o = 0; o < 2; o++) {
            gs_pair_best(ps->p, o, &b[o]);
            if (age > PAIR_PROVE && b[o].own_hits < t->c.confirm_hits)
                unproven = true;
        }
        /* An object without plots of its own after PAIR_PROVE seconds was
         * not there (one object, whose plot fell outside its gate). Two
         * objects further apart than SPAWN_DISTANCE cannot be confused any
         * more, and either may part again (a stage from the warhead after
         * the previous stage has gone). */
        if (!unproven && gs_pair_settled(ps->p) < PAIR_SETTLED &&
            age < PAIR_MAX_AGE && !apart(&b[0].est, &b[1].est))
            continue;
        for (o = 1; o >= 0 && drop < 0; o--)
            if (b[o].own_hits < t->c.confirm_hits &&
                b[o].own_hits <= b[1 - o].own_hits)
                drop = ps->trk[o];
        end_pair(t, i);
        t->st.pairs_ended++;
        if (drop >= 0)
            lose_track(t, drop);
    }
}

/* Tracks that end: tentative ones that miss, confirmed ones that stop
 * getting plots or have come down. */
static void maintain(struct gs_tracker *t)
{
    int i;

    for (i = 0; i < t->c.max_tracks; i++) {
        struct track *k = &t->tr[i];
        double quiet;

        if (!k->used)
            continue;
        quiet = (double)(t->latest - k->last_hit) * US;
        if (!k->confirmed) {
            /* A new track of a pair is not yet confirmed; it ends as a
             * confirmed one would (its pair decides which plots are its). */
            if (k->pair >= 0 &&
                (k->misses >= t->c.confirmed_misses || quiet > 10)) {
                lose_track(t, i);
                continue;
            }
            if (k->pair < 0 &&
                (k->misses >= t->c.tentative_misses || quiet > 10)) {
                track_free(k);
                continue;
            }
            if (k->hits >= t->c.confirm_hits && plausible(k)) {
                hist_grow(t, k);
                k->confirmed = true;
                t->st.tracks_confirmed++;
                attach_local(t, i);
                if (k->split_child)
                    form_pair(t, i);
            }
            continue;
        }
        /* No plot in confirmed_misses scans in a row of radars that
         * should have seen it (at Pd 0.95, a chance of 1e-13): the track
         * has lost its object. */
        if (quiet > (k->est.imm ? t->c.boost_coast_max : t->c.coast_max) ||
            k->misses >= t->c.confirmed_misses) {
            lose_track(t, i);
            continue;
        }
        if (k->fused >= 0) {
            struct fused *f = &t->fu[k->fused];

            if (f->has_impact &&
                f->impact.impact.time + 5 * GS_USEC_PER_SEC < t->latest &&
                k->last_hit < f->impact.impact.time)
                lose_track(t, i);
        }
    }
    check_pairs(t);
    /* Partner-only output tracks whose partners went quiet. */
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];
        gs_time_t last = 0;
        int j;

        if (!f->used || f->local >= 0)
            continue;
        for (j = 0; j < f->n_partners; j++)
            if (t->pa[f->partners[j]].u.time > last)
                last = t->pa[f->partners[j]].u.time;
        if (f->n_partners == 0 ||
            (double)(t->latest - last) * US > t->c.coast_max)
            free_fused(t, i, last);
    }
}

/*
 * Whether track k might take a plot at one of the positions pos[0..n) at
 * time tm: within PREGATE metres plus three standard deviations, after
 * moving along its velocity and with up to PREGATE_ACC of acceleration.
 */
static bool near_scan(const struct track *k, gs_time_t tm,
                      const double (*pos)[3], int n)
{
    double x7[7], P7[49], dt = fabs((double)(tm - k->est.t)) * US;
    double sp, sv, radius;
    int j, m;

    gs_est_combined(&k->est, x7, P7);
    sp = sqrt(P7[0] + P7[8] + P7[16]);
    sv = sqrt(P7[24] + P7[32] + P7[40]);
    radius = PREGATE + 3 * sp + 3 * sv * dt + 0.5 * PREGATE_ACC * dt * dt;
    for (j = 0; j < n; j++) {
        double d2 = 0;

        for (m = 0; m < 3; m++) {
            double dd = pos[j][m] - (x7[m] + x7[3 + m] * dt);

            d2 += dd * dd;
        }
        if (d2 < radius * radius)
            return true;
    }
    return false;
}

/* The plots of a scan near pair pi's objects, offered to it; those it
 * claims are taken. */
static void pair_scan(struct gs_tracker *t, int pi, const struct gs_plot *plots,
                      int n, bool *taken, const double (*pos)[3])
{
    struct pair_slot *ps = &t->pairs[pi];
    struct gs_plot q[GS_PAIR_SCAN_MAX];
    bool claimed[GS_PAIR_SCAN_MAX];
    int map[GS_PAIR_SCAN_MAX], m = 0, j, rc;

    for (j = 0; j < n && m < GS_PAIR_SCAN_MAX; j++) {
        if (taken[j] ||
            (!near_scan(&t->tr[ps->trk[0]], plots[j].time, &pos[j], 1) &&
             !near_scan(&t->tr[ps->trk[1]], plots[j].time, &pos[j], 1)))
            continue;
        q[m] = plots[j];
        map[m++] = j;
    }
    if (m == 0)
        return;
    rc = gs_pair_scan(ps->p, q, m, claimed);
    if (rc == GS_ERR_TOO_BIG) {
        end_pair(t, pi);
        return;
    }
    if (rc < 0)
        return;
    for (j = 0; j < m; j++)
        if (claimed[j])
            taken[map[j]] = true;
    sync_pair(t, pi);
}

static void process_scan(struct gs_tracker *t)
{
    int n = t->n_scan, i, j, nt = t->c.max_tracks;
    struct gs_plot plots[MAX_SCAN];
    double pos[MAX_SCAN][3];
    bool taken[MAX_SCAN];
    struct gs_est *pred;
    bool *valid, *late;
    gs_time_t tm;
    const struct gs_sensor *s;

    if (n == 0)
        return;
    memcpy(plots, t->scan, sizeof(plots[0]) * (size_t)n);
    t->n_scan = 0;
    tm = plots[0].time;
    s = &t->s[plots[0].sensor];
    memset(taken, 0, sizeof(taken));
    pred = t->pred;
    valid = t->valid;
    late = t->late;
    for (j = 0; j < n; j++)
        gs_radar_position(&t->s[plots[j].sensor].site, plots[j].range,
                          plots[j].az, plots[j].el, pos[j]);
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];
        int idx;

        valid[i] = false;
        if (!k->used)
            continue;
        k->updated = false;
        late[i] = k->est.t > tm;
        if (k->pair >= 0)
            continue;
        /* Only tracks that could reach a plot of the scan are predicted
         * (a prediction is most of the cost of a scan). */
        if (!near_scan(k, tm, pos, n))
            continue;
        if (!est_before(t, k, tm, &pred[i], &idx))
            continue;
        valid[i] = gs_est_predict(&pred[i], &t->c.est, tm) == 0;
    }
    for (i = 0; i < MAX_PAIRS; i++)
        if (t->pairs[i].used)
            pair_scan(t, i, plots, n, taken, pos);
    associate(t, plots, n, taken, pred, valid, true);
    associate(t, plots, n, taken, pred, valid, false);
    for (j = 0; j < n; j++) {
        if (taken[j])
            continue;
        struct track *k = split_track(t, &plots[j], pred, valid);

        if (k != NULL) {
            /* Near the end of a boost, when stages part, at once: until
             * the pair is formed, the parent and the new track share
             * plots by nearest neighbour, which is what goes wrong while
             * two objects are close. Later a split is more likely a false
             * alarm, and waits to be confirmed. */
            if ((double)(k->split_time - t->tr[k->split_parent].burnout) * US <
                SPLIT_AT_ONCE)
                form_pair(t, (int)(k - t->tr));
            continue;
        }
        new_track(t, &plots[j], NULL, 0);
    }
    /* Misses: a track this radar should have seen, in a scan not older
     * than the track. */
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];
        double x7[7], P7[49];

        if (!k->used || late[i] || k->updated)
            continue;
        if (valid[i]) {
            gs_est_combined(&pred[i], x7, P7);
        } else {
            /* Not predicted (far from every plot): where it roughly is. */
            double dt = (double)(tm - k->est.t) * US;
            int m;

            gs_est_combined(&k->est, x7, P7);
            for (m = 0; m < 3; m++)
                x7[m] += x7[3 + m] * dt;
        }
        if (gs_sensor_sees(s, x7, NULL))
            k->misses++;
    }
    maintain(t);
    check_duplicates(t);
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];

        if (!k->used || !k->confirmed || !k->updated || k->fused < 0)
            continue;
        if (due(t, &t->fu[k->fused], k->est.t, gs_est_phase(&k->est)))
            emit(t, k->fused, k->est.t, GS_TRACK_CONFIRMED);
    }
}

void gs_tracker_flush(struct gs_tracker *t)
{
    process_scan(t);
}

int gs_tracker_add_plot(struct gs_tracker *t, const struct gs_plot *p,
                        char *why, size_t n)
{
    char buf[256];
    int rc;

    if (why == NULL || n == 0) {
        why = buf;
        n = sizeof(buf);
    }
    why[0] = '\0';
    rc = gs_plot_check(p, t->s, t->n_s, why, n);
    if (rc == 0 && t->have_latest &&
        (double)(p->time - t->latest) * US > t->c.max_future) {
        snprintf(why, n,
                 "time is %.0f s after the latest plot; more than "
                 "%.0f s in the future is refused (a wrong clock?)",
                 (double)(p->time - t->latest) * US, t->c.max_future);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0 && t->have_latest &&
        (double)(t->latest - p->time) * US > t->c.max_lateness) {
        snprintf(why, n,
                 "plot is %.1f s older than the latest plot; plots "
                 "later than %.0f s cannot be used",
                 (double)(t->latest - p->time) * US, t->c.max_lateness);
        t->st.plots_too_late++;
        rc = GS_ERR_INVALID;
    }
    if (rc < 0) {
        t->st.plots_rejected++;
        return rc;
    }
    if (t->n_scan > 0 && (t->scan[0].sensor != p->sensor ||
                          t->scan[0].time != p->time || t->n_scan == MAX_SCAN))
        process_scan(t);
    t->scan[t->n_scan++] = *p;
    if (!t->have_latest || p->time > t->latest) {
        t->latest = p->time;
        t->have_latest = true;
    }
    t->st.plots_accepted++;
    return 0;
}

/* --------------------------------------------------------------- partners */

static int find_partner(const struct gs_tracker *t,
                        const struct gs_track_update *u)
{
    int i;

    for (i = 0; i < t->c.max_partner_tracks; i++)
        if (t->pa[i].used && strcmp(t->pa[i].u.nation, u->nation) == 0 &&
            strcmp(t->pa[i].u.track, u->track) == 0)
            return i;
    return -1;
}

static bool has_nation(const struct gs_tracker *t, const struct fused *f,
                       const char *nation)
{
    int i;

    for (i = 0; i < f->n_partners; i++)
        if (strcmp(t->pa[f->partners[i]].u.nation, nation) == 0)
            return true;
    return false;
}

/* The output track partner pi belongs with, or a new one. */
static void match_partner(struct gs_tracker *t, int pi)
{
    struct partner *p = &t->pa[pi];
    double best = PARTNER_GATE;
    int i, j, bi = -1;

    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used || f->n_partners >= MAX_FUSED_PARTNERS ||
            has_nation(t, f, p->u.nation))
            continue;
        if (f->local >= 0) {
            double x6[6], P6[36], xp[6], Pp[36], d;

            if (anchor_state(t, i, p->u.time, x6, P6) < 0 ||
                partner_state(t, p, p->u.time, xp, Pp) < 0)
                continue;
            d = mahal6(x6, P6, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
            continue;
        }
        for (j = 0; j < f->n_partners; j++) {
            const struct partner *q = &t->pa[f->partners[j]];
            double xq[6], Pq[36], xp[6], Pp[36], d;

            if (partner_state(t, q, p->u.time, xq, Pq) < 0 ||
                partner_state(t, p, p->u.time, xp, Pp) < 0)
                continue;
            d = mahal6(xq, Pq, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
    }
    if (bi < 0)
        bi = new_fused(t);
    if (bi < 0)
        return;
    t->fu[bi].partners[t->fu[bi].n_partners++] = pi;
    p->fused = bi;
}

/* Removes partner pi from its output track; an output left with nothing
 * ends (its "lost" update is queued). */
static void unlink_partner(struct gs_tracker *t, int pi, gs_time_t tm)
{
    int fi = t->pa[pi].fused, i;
    struct fused *f;

    if (fi < 0)
        return;
    f = &t->fu[fi];
    for (i = 0; i < f->n_partners; i++)
        if (f->partners[i] == pi)
            f->partners[i] = f->partners[--f->n_partners];
    t->pa[pi].fused = -1;
    if (f->n_partners == 0 && f->local < 0)
        free_fused(t, fi, tm);
}

/*
 * The tracks of one partner nation, assigned afresh to our output tracks
 * that have a local track (global nearest neighbour on the 6-dimensional
 * distance, gated at PARTNER_GATE). When two objects part, a partner's
 * tracks may first be matched to the wrong ones of ours; this moves them
 * once the objects are told apart, instead of leaving a partner's track
 * reported alone beside ours. Partner tracks that match none stay where
 * they are.
 */
static void reassign_nation(struct gs_tracker *t, const char *nation,
                            gs_time_t tm)
{
    int pidx[64], fidx[64], r2c[64], np = 0, nf = 0, i, j;
    double *cost;

    for (i = 0; i < t->c.max_partner_tracks && np < 64; i++)
        if (t->pa[i].used && strcmp(t->pa[i].u.nation, nation) == 0)
            pidx[np++] = i;
    for (i = 0; i < t->n_fu && nf < 64; i++)
        if (t->fu[i].used && t->fu[i].local >= 0)
            fidx[nf++] = i;
    if (np == 0 || nf == 0)
        return;
    cost = gs_calloc((size_t)(np * nf), sizeof(double));
    for (i = 0; i < np; i++) {
        const struct partner *q = &t->pa[pidx[i]];
        double xp[6], Pp[36];

        for (j = 0; j < nf; j++)
            cost[i * nf + j] = INFINITY;
        if (partner_state(t, q, q->u.time, xp, Pp) < 0)
            continue;
        for (j = 0; j < nf; j++) {
            double x6[6], P6[36];

            if (anchor_state(t, fidx[j], q->u.time, x6, P6) == 0)
                cost[i * nf + j] = mahal6(x6, P6, xp, Pp);
        }
    }
    gs_assign(cost, np, nf, PARTNER_GATE, r2c);
    gs_free(cost);
    /* First every partner that moves leaves its output track, then each
     * joins its new one (whose partner of the same nation, if it stays,
     * makes way). */
    for (i = 0; i < np; i++) {
        if (r2c[i] < 0 || t->pa[pidx[i]].fused == fidx[r2c[i]])
            r2c[i] = -1;
        else
            unlink_partner(t, pidx[i], tm);
    }
    for (i = 0; i < np; i++) {
        struct fused *f;

        if (r2c[i] < 0)
            continue;
        f = &t->fu[fidx[r2c[i]]];
        for (j = 0; j < f->n_partners; j++) {
            int q = f->partners[j];

            if (strcmp(t->pa[q].u.nation, nation) == 0) {
                unlink_partner(t, q, tm);
                match_partner(t, q);
                break;
            }
        }
        if (f->n_partners < MAX_FUSED_PARTNERS) {
            f->partners[f->n_partners++] = pidx[i];
            t->pa[pidx[i]].fused = fidx[r2c[i]];
        } else {
            match_partner(t, pidx[i]);
        }
    }
}

/* Whether partner pi's place should be checked: it is new, alone, or no
 * longer fits its output's local track (at most every 5 s each). Not in
 * boost: a motor's unknown thrust makes every track near it fit, and the
 * objects of a staging part within seconds. */
static bool needs_reassign(struct gs_tracker *t, int pi)
{
    struct partner *p = &t->pa[pi];
    const struct fused *f;
    double x6[6], P6[36], xp[6], Pp[36];

    if (p->u.phase == GS_PHASE_BOOST)
        return false;
    if (p->fused < 0)
        return true;
    if ((double)(p->u.time - p->checked) * US < 5.0)
        return false;
    f = &t->fu[p->fused];
    if (f->local < 0)
        return true;
    if (gs_est_phase(&t->tr[f->local].est) == GS_PHASE_BOOST)
        return false;
    if (partner_state(t, p, p->u.time, xp, Pp) < 0 ||
        anchor_state(t, p->fused, p->u.time, x6, P6) < 0)
        return false;
    return mahal6(x6, P6, xp, Pp) > PARTNER_GATE;
}

int gs_tracker_add_partner(struct gs_tracker *t,
                           const struct gs_track_update *u, char *why, size_t n)
{
    char buf[256];
    int pi, i;

    if (why == NULL || n == 0) {
        why = buf;
        n = sizeof(buf);
    }
    why[0] = '\0';
    if (strcmp(u->nation, t->c.nation) == 0) {
        snprintf(why, n, "track %s is our own nation's", u->track);
        t->st.partner_rejected++;
        return GS_ERR_INVALID;
    }
    pi = find_partner(t, u);
    if (pi >= 0 && u->time <= t->pa[pi].u.time) {
        snprintf(why, n, "track %s: not newer than its update already held",
                 u->track);
        t->st.partner_rejected++;
        return GS_ERR_INVALID;
    }
    if (pi < 0) {
        if (u->status == GS_TRACK_LOST) {
            t->st.partner_accepted++;
            return 0;
        }
        for (i = 0; i < t->c.max_partner_tracks; i++)
            if (!t->pa[i].used)
                break;
        if (i == t->c.max_partner_tracks) {
            snprintf(why, n, "more than %d partner tracks",
                     t->c.max_partner_tracks);
            t->st.partner_rejected++;
            return GS_ERR_INVALID;
        }
        pi = i;
        memset(&t->pa[pi], 0, sizeof(t->pa[pi]));
        t->pa[pi].used = true;
        t->pa[pi].fused = -1;
    }
    t->pa[pi].u = *u;
    t->st.partner_accepted++;
    if (u->status == GS_TRACK_LOST) {
        int fi = t->pa[pi].fused;

        if (fi >= 0) {
            struct fused *f = &t->fu[fi];

            for (i = 0; i < f->n_partners; i++)
                if (f->partners[i] == pi)
                    f->partners[i] = f->partners[--f->n_partners];
            if (f->n_partners == 0 && f->local < 0)
                free_fused(t, fi, u->time);
        }
        memset(&t->pa[pi], 0, sizeof(t->pa[pi]));
        return 0;
    }
    if (needs_reassign(t, pi)) {
        t->pa[pi].checked = u->time;
        reassign_nation(t, u->nation, u->time);
    }
    if (t->pa[pi].fused < 0)
        match_partner(t, pi);
    if (t->pa[pi].fused >= 0) {
        struct fused *f = &t->fu[t->pa[pi].fused];
        gs_time_t tm = u->time;

        /* Report at the partner's time if our own plots do not already
         * keep this track fresh. */
        if (f->local >= 0 && t->tr[f->local].est.t > tm)
            return 0;
        if (due(t, f, tm, u->phase))
            emit(t, t->pa[pi].fused, tm, GS_TRACK_CONFIRMED);
    }
    return 0;
}

void gs_tracker_finish(struct gs_tracker *t)
{
    int i;

    process_scan(t);
    for (i = 0; i < MAX_PAIRS; i++)
        if (t->pairs[i].used)
            end_pair(t, i);
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used)
            continue;
        if (f->reported) {
            gs_time_t tm = f->last_output;

            if (f->local >= 0 && t->tr[f->local].est.t > tm)
                tm = t->tr[f->local].est.t;
            emit(t, i, tm, GS_TRACK_LOST);
        }
        memset(f, 0, sizeof(*f));
    }
    for (i = 0; i < t->c.max_tracks; i++)
        track_free(&t->tr[i]);
    for (i = 0; i < t->c.max_partner_tracks; i++)
        t->pa[i].used = false;
}
