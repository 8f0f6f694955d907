/*
 * pair.c - multiple hypotheses for two objects that have parted; see
 * pair.h.
 *
 * A beam is the set of hypotheses after some scans, best first, its
 * log-likelihoods relative to the best. A scan turns the current beam into
 * the next: every hypothesis is predicted to the scan, every assignment it
 * allows is scored from the innovations alone, and only the branches that
 * may survive are updated. Snapshots are whole beams.
 */
#include "track/pair.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "track/geo.h"
#include "track/mat.h"

#define US 1e-6
#define SAME_D2 1e-2      /* estimates this close (Mahalanobis^2) are one */
#define AGREE_D2 1.0      /* hypotheses this close agree on the present */
#define MERGE_CHANCE 1e-3 /* a radar merging them: the scan is ambiguous */
#define DOUBT 1e-3        /* probability of hypotheses that disagree */
#define ORIENT_TIME 30.0  /* s after the start, which object is A may change */
#define MAX_BRANCHES                                                           \
    (GS_PAIR_MAX_HYP *                                                         \
     (2 + 3 * GS_PAIR_SCAN_MAX + GS_PAIR_SCAN_MAX * GS_PAIR_SCAN_MAX))

struct hyp {
    struct gs_est e[2];
    double score;
    int hits[2], own[2];
    bool hit[2], has_last[2];
    int used[2]; /* the plot of the latest scan each took, or -1 */
    int parent;  /* the hypothesis it grew from in the latest scan */
    struct gs_plot last[2];
};

struct beam {
    gs_time_t t; /* a snapshot: the beam before any scan at or after t */
    int n;
    bool calm;            /* the latest scan was unambiguous */
    gs_time_t calm_since; /* first of the unambiguous scans up to it */
    struct hyp h[GS_PAIR_MAX_HYP];
};

/* What one hypothesis predicts for the scan. */
struct pred {
    bool ok[2], vis[2];
    struct gs_est e[2];
    double z[2][4], HPH[2][16];
    double d2[2][GS_PAIR_SCAN_MAX], ll[2][GS_PAIR_SCAN_MAX];
    double d2m[GS_PAIR_SCAN_MAX], llm[GS_PAIR_SCAN_MAX];
    double merge; /* chance that the radar does not resolve them */
};

/* A hypothesis of the next beam as of the scan's time: each object's
 * estimate there (updated, or predicted), and its position and velocity
 * with the inverse of their covariance, to compare hypotheses. */
struct at {
    bool ok[2];
    struct gs_est e[2];
    double x[2][6], Pi[2][36];
};

struct branch {
    int h;     /* the hypothesis it extends */
    int a, b;  /* plots given to A and B, -1 for none */
    bool both; /* one plot, a, to both: their centroid */
    double score;
};

struct gs_pair {
    struct gs_pair_config c;
    const struct gs_est_config *ec;
    const struct gs_sensor *s;
    size_t ns;
    gs_time_t start, latest;
    struct beam cur, init, next;
    struct beam *snap; /* ring, oldest first from snap_head */
    int snap_head, snap_len;
    gs_time_t next_snap;
    struct gs_plot *plots; /* taken since the start, in time order */
    int n_plots;
    struct pred pr[GS_PAIR_MAX_HYP];
    /* Of the next beam; then a branch being placed, and the reference
     * for labels. */
    struct at at[GS_PAIR_MAX_HYP + 2];
    bool at_valid; /* at[0..cur.n) are the current hypotheses */
    bool flipped;  /* A outside is B inside (see orient) */
    struct branch br[MAX_BRANCHES];
};

void gs_pair_config_default(struct gs_pair_config *c)
{
    c->max_hyp = GS_PAIR_MAX_HYP;
    c->gate = 25;
    c->prune = 15;
    c->snapshot_interval = 2;
}

int gs_pair_new(const struct gs_pair_config *pc, const struct gs_est_config *ec,
                const struct gs_sensor *s, size_t ns,
                const struct gs_est *start, struct gs_pair **out)
{
    struct gs_pair *p;

    *out = NULL;
    if (pc->max_hyp < 1 || pc->max_hyp > GS_PAIR_MAX_HYP || !(pc->gate > 0) ||
        !(pc->prune > 0) || !(pc->snapshot_interval > 0) || ns == 0)
        return GS_ERR_INVALID;
    p = gs_calloc(1, sizeof(*p));
    p->c = *pc;
    p->ec = ec;
    p->s = s;
    p->ns = ns;
    p->start = p->latest = start->t;
    p->cur.t = start->t;
    p->cur.n = 1;
    p->cur.calm = false;
    p->cur.h[0].e[0] = *start;
    p->cur.h[0].e[1] = *start;
    p->init = p->cur;
    p->snap = gs_calloc(GS_PAIR_SNAPSHOTS, sizeof(*p->snap));
    p->next_snap = start->t + (gs_time_t)llround(pc->snapshot_interval / US);
    p->plots = gs_calloc(GS_PAIR_MAX_PLOTS, sizeof(*p->plots));
    *out = p;
    return 0;
}

void gs_pair_free(struct gs_pair *p)
{
    if (p == NULL)
        return;
    gs_free(p->snap);
    gs_free(p->plots);
    gs_free(p);
}

/* ------------------------------------------------------------ scoring */

static double normal_cdf(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

/* The measurement e predicts for sensor s, and H P H^T (4 x 4). */
static void predict_z(const struct gs_est *e, const struct gs_sensor *s,
                      double z[4], double HPH[16], bool *vis)
{
    double x7[7], P7[49], P6[36], H6[24], HP[24];
    int i, j;

    gs_est_combined(e, x7, P7);
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
    gs_radar_measure(&s->site, x7, z, H6);
    gs_mat_mul(H6, P6, HP, 4, 6, 6);
    gs_mat_mul_abt(HP, H6, HPH, 4, 6, 4);
    *vis = gs_sensor_sees(s, x7, NULL);
}

/* log N(nu; 0, S) and nu^T S^-1 nu for an m-vector. */
static int gauss(const double *nu, const double *S, int m, double *d2,
                 double *ll)
{
    double logdet;

    if (gs_mat_mahalanobis(S, nu, m, d2) < 0 ||
        gs_mat_logdet_spd(S, m, &logdet) < 0)
        return GS_ERR_INVALID;
    *ll = -0.5 * (*d2 + logdet + m * log(2 * GS_PI));
    return 0;
}

/* The centroid of the two predicted measurements against plot q: its
 * normalised innovation and log-likelihood. */
static void centroid_fit(const struct pred *r, const struct gs_plot *q,
                         const struct gs_sensor *s, double *d2, double *ll)
{
    struct gs_meas z;
    double nu[4], S[16];
    int i, j, m;

    gs_plot_meas(q, s, &z);
    m = z.m;
    for (i = 0; i < m; i++) {
        double c = 0.5 * (r->z[0][i] + r->z[1][i]);

        if (i == GS_Z_AZ)
            c = r->z[0][i] + 0.5 * gs_angle_wrap(r->z[1][i] - r->z[0][i]);
        nu[i] = i == GS_Z_AZ ? gs_angle_wrap(z.z[i] - c) : z.z[i] - c;
        for (j = 0; j < m; j++)
            S[i * m + j] =
                0.25 * (r->HPH[0][i * 4 + j] + r->HPH[1][i * 4 + j]) +
                z.R[i * m + j];
    }
    if (gauss(nu, S, m, d2, ll) < 0) {
        *d2 = INFINITY;
        *ll = -INFINITY;
    }
}

/* The chance that sensor s does not resolve the two predicted objects:
 * both their range and angle differences within its resolution. */
static double merge_chance(const struct pred *r, const struct gs_sensor *s)
{
    double dr, sr, pr, daz, del, dang, sa, pa, ce;

    if (!r->vis[0] || !r->vis[1] || s->range_resolution <= 0 ||
        s->angle_resolution <= 0)
        return 0;
    dr = r->z[0][0] - r->z[1][0];
    sr = sqrt(r->HPH[0][0] + r->HPH[1][0] + 1e-6);
    pr = normal_cdf((s->range_resolution - dr) / sr) -
         normal_cdf((-s->range_resolution - dr) / sr);
    ce = cos(r->z[0][GS_Z_EL]);
    daz = gs_angle_wrap(r->z[0][GS_Z_AZ] - r->z[1][GS_Z_AZ]) * ce;
    del = r->z[0][GS_Z_EL] - r->z[1][GS_Z_EL];
    dang = hypot(daz, del);
    sa = sqrt((r->HPH[0][5] + r->HPH[1][5]) * ce * ce + r->HPH[0][10] +
              r->HPH[1][10] + 1e-18);
    pa = normal_cdf((s->angle_resolution - dang) / sa);
    return pr * pa;
}

/* log of the false-alarm density of sensor s in measurement space. */
static double log_clutter(const struct gs_sensor *s)
{
    double fa = s->false_alarms > 1e-3 ? s->false_alarms : 1e-3;
    double fov = s->field_of_view > 0 ? s->field_of_view : 2 * GS_PI;
    double v = 0.95 * s->max_range * fov * 0.5;

    if (s->sigma_rr > 0)
        v *= 2e4;
    return log(fa / v);
}

static double safe_log(double x)
{
    return x > 1e-300 ? log(x) : -690.0;
}

/* ------------------------------------------------------------ updating */

/* The plot through which object o of hypothesis r takes the centroid plot
 * q: 2 q - h(other), with noise 2 (4 R + H P H^T of the other) (pair.h). */
static void centroid_plot(const struct pred *r, int o, const struct gs_plot *q,
                          const struct gs_sensor *s, struct gs_plot *out)
{
    const double *zo = r->z[1 - o], *HPHo = r->HPH[1 - o];
    struct gs_meas m;
    int i;

    gs_plot_meas(q, s, &m);
    *out = *q;
    out->range = 2 * q->range - zo[GS_Z_RANGE];
    out->az = q->az + gs_angle_wrap(q->az - zo[GS_Z_AZ]);
    out->az = fmod(out->az, 2 * GS_PI);
    if (out->az < 0)
        out->az += 2 * GS_PI;
    out->el = 2 * q->el - zo[GS_Z_EL];
    if (q->has_rr)
        out->rr = 2 * q->rr - zo[GS_Z_RR];
    for (i = 0; i < m.m; i++)
        out->extra_var[i] =
            8 * q->extra_var[i] + 7 * m.R[i * m.m + i] + 2 * HPHo[i * 4 + i];
}

/* Position, velocity and inverse covariance of a's object o. */
static void at_vectors(struct at *a, int o)
{
    double x7[7], P7[49], P6[36];
    int i, j;

    gs_est_combined(&a->e[o], x7, P7);
    for (i = 0; i < 6; i++) {
        a->x[o][i] = x7[i];
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
    }
    if (gs_mat_inverse_spd(P6, a->Pi[o], 6) < 0)
        a->ok[o] = false;
}

/* Squared Mahalanobis distance of h's object oh from g's object og, with
 * g's covariance. */
static double at_d2(const struct at *g, int og, const struct at *h, int oh)
{
    double d[6], v = 0;
    int i, j;

    if (!g->ok[og] || !h->ok[oh])
        return INFINITY;
    for (i = 0; i < 6; i++)
        d[i] = h->x[oh][i] - g->x[og][i];
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            v += d[i] * g->Pi[og][i * 6 + j] * d[j];
    return v;
}

/* How far h is from g, summed over both objects. */
static double hyp_d2(const struct at *g, const struct at *h)
{
    return at_d2(g, 0, h, 0) + at_d2(g, 1, h, 1);
}

/* Whether h agrees with g about the present within d2max per object. */
static bool agree(const struct at *g, const struct at *h, double d2max)
{
    return at_d2(g, 0, h, 0) < d2max && at_d2(g, 1, h, 1) < d2max;
}

/*
 * Which object is called A is arbitrary: the model treats both alike. A
 * new hypothesis is labelled the way that best matches the reference (the
 * best hypothesis before the scan), so that the same physical explanation
 * always has the same labels - mirror images become duplicates and merge,
 * and the tracks named after A and B keep following the same objects.
 */
static void label_like(const struct at *ref, struct hyp *h, struct at *a)
{
    double same = at_d2(ref, 0, a, 0) + at_d2(ref, 1, a, 1);
    double swap = at_d2(ref, 0, a, 1) + at_d2(ref, 1, a, 0);
    struct gs_est te;
    struct gs_plot tp;
    double tx[6], tP[36];
    bool tb;
    int ti;

    if (!(swap < same))
        return;
#define SWAP(t, x, y) (t = x, x = y, y = t)
    SWAP(te, h->e[0], h->e[1]);
    SWAP(ti, h->hits[0], h->hits[1]);
    SWAP(ti, h->own[0], h->own[1]);
    SWAP(tb, h->hit[0], h->hit[1]);
    SWAP(tb, h->has_last[0], h->has_last[1]);
    SWAP(ti, h->used[0], h->used[1]);
    SWAP(tp, h->last[0], h->last[1]);
    SWAP(tb, a->ok[0], a->ok[1]);
    SWAP(te, a->e[0], a->e[1]);
#undef SWAP
    memcpy(tx, a->x[0], sizeof(tx));
    memcpy(a->x[0], a->x[1], sizeof(tx));
    memcpy(a->x[1], tx, sizeof(tx));
    memcpy(tP, a->Pi[0], sizeof(tP));
    memcpy(a->Pi[0], a->Pi[1], sizeof(tP));
    memcpy(a->Pi[1], tP, sizeof(tP));
}

/*
 * Hypothesis h (ha as of the scan) merged into g (ga): each object's
 * estimate moment-matched at the scan's time, the probabilities added, so
 * that what g does not say of h's assignments stays in g's covariance.
 */
static void merge_hyp(struct hyp *g, struct at *ga, const struct hyp *h,
                      const struct at *ha)
{
    double hi = fmax(g->score, h->score);
    double wg = exp(g->score - hi), wh = exp(h->score - hi);
    int o;

    for (o = 0; o < 2; o++) {
        if (!ga->ok[o] || !ha->ok[o])
            continue;
        if (gs_est_merge(&ga->e[o], wg, &ha->e[o], wh) == 0) {
            g->e[o] = ga->e[o];
            at_vectors(ga, o);
        }
    }
    g->score = hi + log(wg + wh);
}

static int by_score(const void *x, const void *y)
{
    const struct branch *a = x, *b = y;

    return a->score > b->score ? -1 : a->score < b->score;
}

/* Builds the hypothesis of branch k into h; false when an update fails. */
static bool grow(struct gs_pair *p, const struct beam *b,
                 const struct branch *k, const struct gs_plot *q,
                 const struct gs_sensor *s, struct hyp *h, struct at *a)
{
    const struct pred *r = &p->pr[k->h];
    int o;

    *h = b->h[k->h];
    h->score = k->score;
    h->hit[0] = h->hit[1] = false;
    h->used[0] = h->used[1] = -1;
    h->parent = k->h;
    for (o = 0; o < 2; o++) {
        a->ok[o] = r->ok[o];
        a->e[o] = r->ok[o] ? r->e[o] : h->e[o];
    }
    for (o = 0; o < 2; o++) {
        int j = o == 0 ? k->a : k->b;
        struct gs_plot use;
        struct gs_est e;

        if (k->both)
            j = k->a;
        if (j < 0)
            continue;
        if (k->both)
            centroid_plot(r, o, &q[j], s, &use);
        else
            use = q[j];
        e = r->e[o];
        if (gs_est_correct(&e, p->ec, &use, s) < 0)
            return false;
        h->e[o] = e;
        a->e[o] = e;
        h->hit[o] = true;
        h->used[o] = j;
        h->has_last[o] = true;
        h->last[o] = use;
        h->hits[o]++;
        if (!k->both)
            h->own[o]++;
    }
    for (o = 0; o < 2; o++)
        if (a->ok[o])
            at_vectors(a, o);
    return true;
}

/*
 * The scan q[0..n) (n >= 1, one sensor and time) applied to beam b in
 * place; keep[i] set for the plots inside some gate (those the pair keeps
 * for late scans), used[i] for those the best hypothesis took.
 */
static void step(struct gs_pair *p, struct beam *b, const struct gs_plot *q,
                 int n, bool *keep, bool *used)
{
    const struct gs_sensor *s = &p->s[q[0].sensor];
    double pd = s->pd < 0.01 ? 0.01 : s->pd > 0.999 ? 0.999 : s->pd;
    double lc = log_clutter(s), gate = p->c.gate;
    bool cand[GS_PAIR_SCAN_MAX];
    int i, j, k, o, nb = 0, examined = 0;
    struct beam *nx = &p->next;
    bool ambiguous = false;
    int best_parent = -1;

    for (j = 0; j < n; j++)
        cand[j] = false;
    /* Each hypothesis predicted to the scan, and every plot tried. */
    for (i = 0; i < b->n; i++) {
        struct pred *r = &p->pr[i];

        for (o = 0; o < 2; o++) {
            r->e[o] = b->h[i].e[o];
            r->ok[o] = gs_est_predict(&r->e[o], p->ec, q[0].time) == 0;
            r->vis[o] = false;
            if (r->ok[o])
                predict_z(&r->e[o], s, r->z[o], r->HPH[o], &r->vis[o]);
            for (j = 0; j < n; j++) {
                r->d2[o][j] = INFINITY;
                r->ll[o][j] = -INFINITY;
                if (r->ok[o] &&
                    gs_est_innovation(&r->e[o], p->ec, &q[j], s, &r->d2[o][j],
                                      &r->ll[o][j]) < 0)
                    r->d2[o][j] = INFINITY;
                if (r->d2[o][j] < gate)
                    cand[j] = true;
            }
        }
        r->merge = r->ok[0] && r->ok[1] ? merge_chance(r, s) : 0;
        for (j = 0; j < n; j++) {
            r->d2m[j] = INFINITY;
            r->llm[j] = -INFINITY;
            if (r->merge > 1e-12) {
                centroid_fit(r, &q[j], s, &r->d2m[j], &r->llm[j]);
                if (r->d2m[j] < gate)
                    cand[j] = true;
            }
        }
    }
    /* Every assignment each hypothesis allows, scored. */
    for (i = 0; i < b->n; i++) {
        const struct pred *r = &p->pr[i];
        double qm = r->merge, base = b->h[i].score;
        double pa = r->ok[0] && r->vis[0] ? pd : 0;
        double pb = r->ok[1] && r->vis[1] ? pd : 0;
        double w0 = (1 - qm) * (1 - pa) * (1 - pb) + qm * (1 - pd);
        double wa = (1 - qm) * pa * (1 - pb), wb = (1 - qm) * (1 - pa) * pb;
        double wab = (1 - qm) * pa * pb, wm = qm * pd;

        p->br[nb++] = (struct branch){i, -1, -1, false, base + safe_log(w0)};
        for (j = 0; j < n; j++) {
            if (!cand[j])
                continue;
            if (r->d2[0][j] < gate && wa > 0)
                p->br[nb++] = (struct branch){
                    i, j, -1, false, base + log(wa) + r->ll[0][j] - lc};
            if (r->d2[1][j] < gate && wb > 0)
                p->br[nb++] = (struct branch){
                    i, -1, j, false, base + log(wb) + r->ll[1][j] - lc};
            if (r->d2m[j] < gate && wm > 0)
                p->br[nb++] = (struct branch){i, j, j, true,
                                              base + log(wm) + r->llm[j] - lc};
            for (k = 0; k < n && wab > 0; k++)
                if (k != j && cand[k] && r->d2[0][j] < gate &&
                    r->d2[1][k] < gate)
                    p->br[nb++] = (struct branch){
                        i, j, k, false,
                        base + log(wab) + r->ll[0][j] + r->ll[1][k] - 2 * lc};
        }
    }
    qsort(p->br, (size_t)nb, sizeof(p->br[0]), by_score);
    /*
     * The best branches become the next beam. A branch with the same
     * estimates as one kept (or the same with A and B exchanged) joins it;
     * once the beam is full, the others join the nearest kept hypothesis,
     * their differences kept in its covariance (mixture reduction).
     */
    {
        /* The reference for labels: the best hypothesis before the scan,
         * predicted to it. */
        struct at *ref = &p->at[GS_PAIR_MAX_HYP + 1];

        for (o = 0; o < 2; o++) {
            ref->ok[o] = p->pr[0].ok[o];
            ref->e[o] = p->pr[0].e[o];
            if (ref->ok[o])
                at_vectors(ref, o);
        }
    }
    nx->n = 0;
    for (k = 0; k < nb && examined < 4 * p->c.max_hyp; k++) {
        struct at *ha = &p->at[GS_PAIR_MAX_HYP];
        struct hyp h;
        double d2, dmin = INFINITY;
        int m, near = -1;

        if (p->br[k].score < p->br[0].score - p->c.prune)
            break;
        examined++;
        if (!grow(p, b, &p->br[k], q, s, &h, ha))
            continue;
        label_like(&p->at[GS_PAIR_MAX_HYP + 1], &h, ha);
        for (m = 0; m < nx->n; m++) {
            d2 = hyp_d2(&p->at[m], ha);
            if (d2 < dmin) {
                dmin = d2;
                near = m;
            }
        }
        if (near >= 0 && (dmin < 2 * SAME_D2 || nx->n == p->c.max_hyp)) {
            merge_hyp(&nx->h[near], &p->at[near], &h, ha);
            continue;
        }
        if (nx->n == p->c.max_hyp)
            continue; /* nothing comparable kept: its weight is lost */
        p->at[nx->n] = *ha;
        nx->h[nx->n++] = h;
    }
    for (j = 0; j < n; j++) {
        keep[j] = cand[j];
        used[j] = false;
    }
    p->at_valid = nx->n > 0;
    if (nx->n == 0)
        return; /* every update failed: the hypotheses stay as they were */
    /* The best first (merging may have changed the order). */
    for (i = 1, k = 0; i < nx->n; i++)
        if (nx->h[i].score > nx->h[k].score)
            k = i;
    if (k > 0) {
        struct hyp th = nx->h[0];
        struct at ta = p->at[0];

        nx->h[0] = nx->h[k];
        nx->h[k] = th;
        p->at[0] = p->at[k];
        p->at[k] = ta;
    }
    for (i = nx->n - 1; i >= 0; i--)
        nx->h[i].score -= nx->h[0].score;
    best_parent = nx->h[0].parent;
    /* Ambiguity, for the hypothesis the best came from. */
    {
        const struct pred *r = &p->pr[best_parent];

        ambiguous = r->merge > MERGE_CHANCE;
        for (j = 0; j < n; j++)
            if (r->d2[0][j] < gate && r->d2[1][j] < gate)
                ambiguous = true;
    }
    /* Settled: the hypotheses that disagree with the best about the
     * present are unlikely. */
    {
        double doubt = 0, total = 0;

        for (i = 0; i < nx->n; i++) {
            double w = exp(nx->h[i].score);

            total += w;
            if (i > 0 && !agree(&p->at[0], &p->at[i], AGREE_D2))
                doubt += w;
        }
        if (doubt > DOUBT * total)
            ambiguous = true;
    }
    for (o = 0; o < 2; o++)
        if (nx->h[0].used[o] >= 0)
            used[nx->h[0].used[o]] = true;
    if (!ambiguous) {
        if (!b->calm)
            nx->calm_since = q[0].time;
        else
            nx->calm_since = b->calm_since;
        nx->calm = true;
    } else {
        nx->calm = false;
        nx->calm_since = q[0].time;
    }
    nx->t = b->t;
    *b = *nx;
}

/* ------------------------------------------------------------- scans */

static void snapshot(struct gs_pair *p, gs_time_t t)
{
    struct beam *s;

    if (t < p->next_snap)
        return;
    if (p->snap_len == GS_PAIR_SNAPSHOTS) {
        p->snap_head = (p->snap_head + 1) % GS_PAIR_SNAPSHOTS;
        p->snap_len--;
    }
    s = &p->snap[(p->snap_head + p->snap_len) % GS_PAIR_SNAPSHOTS];
    *s = p->cur;
    s->t = t;
    p->snap_len++;
    p->next_snap = t + (gs_time_t)llround(p->c.snapshot_interval / US);
}

static bool before(const struct gs_plot *a, const struct gs_plot *b)
{
    return a->time < b->time || (a->time == b->time && a->sensor < b->sensor);
}

static bool same_scan(const struct gs_plot *a, const struct gs_plot *b)
{
    return a->time == b->time && a->sensor == b->sensor;
}

/*
 * A scan older than the latest, or the rest of a scan already taken (a
 * plot of it that came late): back to the last snapshot before it, then
 * every scan from there again in time order, this one in its place (with
 * the plots of its own scan taken before, as one scan).
 */
static void retake(struct gs_pair *p, const struct gs_plot *q, int n,
                   bool *claimed)
{
    struct gs_plot both[GS_PAIR_SCAN_MAX];
    bool cl[GS_PAIR_SCAN_MAX], kp[GS_PAIR_SCAN_MAX], keep[GS_PAIR_SCAN_MAX];
    int i, j, first, at, end, m;

    while (p->snap_len > 0 &&
           p->snap[(p->snap_head + p->snap_len - 1) % GS_PAIR_SNAPSHOTS].t >
               q[0].time)
        p->snap_len--;
    if (p->snap_len > 0)
        p->cur = p->snap[(p->snap_head + p->snap_len - 1) % GS_PAIR_SNAPSHOTS];
    else
        p->cur = p->init;
    p->next_snap = p->cur.t + (gs_time_t)llround(p->c.snapshot_interval / US);
    for (first = 0; first < p->n_plots && p->plots[first].time < p->cur.t;
         first++)
        ;
    /* The plots kept of this scan are [at, end). */
    for (at = first; at < p->n_plots && before(&p->plots[at], &q[0]); at++)
        ;
    for (end = at; end < p->n_plots && same_scan(&p->plots[end], &q[0]); end++)
        ;
    if (n > GS_PAIR_SCAN_MAX - (end - at))
        n = GS_PAIR_SCAN_MAX - (end - at);
    for (i = first; i <= p->n_plots;) {
        if (i == at) {
            m = end - at;
            memcpy(both, &p->plots[at], sizeof(*both) * (size_t)m);
            memcpy(both + m, q, sizeof(*both) * (size_t)n);
            snapshot(p, q[0].time);
            if (m + n > 0)
                step(p, &p->cur, both, m + n, kp, cl);
            for (j = 0; j < n; j++) {
                claimed[j] = cl[m + j];
                keep[j] = kp[m + j];
            }
            i = end;
            at = -1;
            continue;
        }
        if (i == p->n_plots)
            break;
        for (j = i; j < p->n_plots && j - i < GS_PAIR_SCAN_MAX &&
                    same_scan(&p->plots[j], &p->plots[i]);
             j++)
            ;
        snapshot(p, p->plots[i].time);
        step(p, &p->cur, &p->plots[i], j - i, kp, cl);
        i = j;
    }
    /* The scan's new plots join the kept ones, in time order. */
    for (i = 0, m = 0; i < n; i++)
        m += keep[i];
    memmove(&p->plots[end + m], &p->plots[end],
            sizeof(*p->plots) * (size_t)(p->n_plots - end));
    for (i = 0, j = end; i < n; i++)
        if (keep[i])
            p->plots[j++] = q[i];
    p->n_plots += m;
}

/*
 * Which object the outside calls A (the track that went on before the
 * split): the one that goes on like the missile did - still under thrust
 * while the other is not, or else ahead along the flight (a spent stage
 * is pushed back when it separates). Decided in the first ORIENT_TIME
 * seconds, while the two are still close, and only when clear.
 */
static void orient(struct gs_pair *p)
{
    const struct hyp *h = &p->cur.h[0];
    double x0[7], P0[49], x1[7], P1[49], u[3], un = 0, sep = 0, var = 0;
    double pb0, pb1;
    int first = -1, i, j;

    if ((double)(p->latest - p->start) * US > ORIENT_TIME ||
        h->e[0].t != h->e[1].t)
        return;
    pb0 = gs_est_boost_probability(&h->e[0]);
    pb1 = gs_est_boost_probability(&h->e[1]);
    gs_est_combined(&h->e[0], x0, P0);
    gs_est_combined(&h->e[1], x1, P1);
    for (i = 0; i < 3; i++) {
        u[i] = x0[3 + i] + x1[3 + i];
        un += u[i] * u[i];
    }
    un = sqrt(un);
    if (!(un > 0))
        return;
    for (i = 0; i < 3; i++) {
        u[i] /= un;
        sep += (x0[i] - x1[i]) * u[i];
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            var += u[i] * (P0[i * 7 + j] + P1[i * 7 + j]) * u[j];
    if (fabs(pb0 - pb1) > 0.5)
        first = pb0 > pb1 ? 0 : 1;
    else if (sep * sep > 9 * var)
        first = sep > 0 ? 0 : 1;
    if (first >= 0)
        p->flipped = first == 1;
}

/* Whether plots of q's scan are kept already. */
static bool holds_scan(const struct gs_pair *p, const struct gs_plot *q)
{
    int i;

    for (i = p->n_plots - 1; i >= 0 && p->plots[i].time >= q->time; i--)
        if (same_scan(&p->plots[i], q))
            return true;
    return false;
}

int gs_pair_scan(struct gs_pair *p, const struct gs_plot *q, int n,
                 bool *claimed)
{
    bool keep[GS_PAIR_SCAN_MAX];
    gs_time_t tau;
    int i;

    for (i = 0; i < n; i++)
        claimed[i] = false;
    if (n <= 0)
        return 0;
    if (n > GS_PAIR_SCAN_MAX)
        n = GS_PAIR_SCAN_MAX;
    tau = q[0].time;
    if (tau < p->start)
        return GS_ERR_STATE;
    if (p->n_plots + n > GS_PAIR_MAX_PLOTS)
        return GS_ERR_TOO_BIG;
    if (tau < p->latest || holds_scan(p, &q[0])) {
        retake(p, q, n, claimed);
        orient(p);
        return 0;
    }
    snapshot(p, tau);
    step(p, &p->cur, q, n, keep, claimed);
    for (i = 0; i < n; i++)
        if (keep[i])
            p->plots[p->n_plots++] = q[i];
    p->latest = tau;
    orient(p);
    return 0;
}

void gs_pair_best(const struct gs_pair *p, int o, struct gs_pair_object *out)
{
    const struct hyp *h = &p->cur.h[0];
    double w = 1;
    int i;

    o ^= p->flipped;
    out->est = h->e[o];
    /* The estimate is that of every hypothesis, moment-matched at the
     * latest scan: what the best one does not know of the assignments
     * stays in the covariance. */
    if (p->at_valid && p->cur.n > 1 && p->at[0].ok[o]) {
        out->est = p->at[0].e[o];
        for (i = 1; i < p->cur.n; i++) {
            double wi = exp(p->cur.h[i].score);

            if (p->at[i].ok[o] &&
                gs_est_merge(&out->est, w, &p->at[i].e[o], wi) == 0)
                w += wi;
        }
    }
    out->hit = h->hit[o];
    out->has_last = h->has_last[o];
    out->last = h->last[o];
    out->hits = h->hits[o];
    out->own_hits = h->own[o];
}

double gs_pair_best_probability(const struct gs_pair *p)
{
    double sum = 0;
    int i;

    for (i = 0; i < p->cur.n; i++)
        sum += exp(p->cur.h[i].score);
    return sum > 0 ? 1.0 / sum : 1.0;
}

double gs_pair_settled(const struct gs_pair *p)
{
    return p->cur.calm ? (double)(p->latest - p->cur.calm_since) * US : 0;
}

gs_time_t gs_pair_start(const struct gs_pair *p)
{
    return p->start;
}

gs_time_t gs_pair_latest(const struct gs_pair *p)
{
    return p->latest;
}

int gs_pair_hypotheses(const struct gs_pair *p)
{
    return p->cur.n;
}
