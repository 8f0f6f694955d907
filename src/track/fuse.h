/*
 * fuse.h - track-to-track fusion when the correlation is unknown.
 *
 * Nations share tracks, not plots, and two nations' tracks of one missile
 * are correlated in ways neither knows (common process noise in boost,
 * common priors, and any partner data already folded in). Adding their
 * information as if independent would then be overconfident. Two rules
 * that stay consistent (never claim a covariance smaller than the true
 * one, for any correlation of the assumed kind):
 *
 *   CI  (covariance intersection, Julier and Uhlmann 1997):
 *       P^-1 = w Pa^-1 + (1 - w) Pb^-1,
 *       x = P (w Pa^-1 xa + (1 - w) Pb^-1 xb);
 *       consistent for every correlation.
 *   ICI (inverse covariance intersection, Noack et al. 2017):
 *       G = w Pa + (1 - w) Pb,
 *       P^-1 = Pa^-1 + Pb^-1 - G^-1,
 *       x = P ((Pa^-1 - w G^-1) xa + (Pb^-1 - (1 - w) G^-1) xb);
 *       consistent whenever the correlation comes from information the two
 *       estimates share (common priors, process noise, exchanged data),
 *       and never looser than CI.
 *
 * In both, w in [0, 1] minimises a size of P (golden-section search): det P
 * by default, or the weighted trace sum_i W_i P_ii when weights are given
 * (the tracker weighs velocity by (100 s)^2 against position: the impact
 * point depends on velocity first, and the volume det P can shrink while
 * the impact-relevant directions grow). The end points w = 0 and 1 return
 * one input unchanged, so neither rule is ever worse than the better input
 * in that size. NAIVE is the independent-information fusion, for
 * comparison only.
 */
#ifndef GS_TRACK_FUSE_H
#define GS_TRACK_FUSE_H

enum gs_fusion_rule { GS_FUSE_ICI, GS_FUSE_CI, GS_FUSE_NAIVE };

/* "ici", "ci", "naive". */
const char *gs_fusion_rule_name(enum gs_fusion_rule r);

/*
 * Fuses (xa, Pa) and (xb, Pb) of n <= 10 components into (x, P) (which may
 * alias neither input); W (n weights, or NULL for det P) picks the size
 * minimised. Returns 0, or GS_ERR_INVALID when a covariance is
 * not positive definite.
 */
int gs_fuse(enum gs_fusion_rule rule, int n, const double *xa, const double *Pa,
            const double *xb, const double *Pb, const double *W, double *x,
            double *P);

#endif
