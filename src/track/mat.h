/*
 * mat.h - small dense matrices for the estimators of src/track.
 *
 * Every matrix here is a row-major array of doubles with at most
 * GS_MAT_MAX rows and columns: a state of position, velocity, inverse
 * ballistic coefficient and thrust acceleration has 10 components, a radar
 * measurement at most 4. Sizes are passed at run time and checked with
 * assert() (a wrong size is a programmer error). Outputs never alias inputs
 * unless a function says so. No allocation: scratch space lives on the
 * stack, bounded by GS_MAT_MAX.
 */
#ifndef GS_TRACK_MAT_H
#define GS_TRACK_MAT_H

#define GS_MAT_MAX 10

/* c (n x p) = a (n x m) * b (m x p). */
void gs_mat_mul(const double *a, const double *b, double *c, int n, int m,
                int p);
/* c (n x p) = a (n x m) * b^T, b being p x m. */
void gs_mat_mul_abt(const double *a, const double *b, double *c, int n, int m,
                    int p);
/* c (n x p) = a^T * b, a being m x n and b m x p. */
void gs_mat_mul_atb(const double *a, const double *b, double *c, int n, int m,
                    int p);
/* p (n x n) = a p a^T for square a (n x n); p is overwritten in place. */
void gs_mat_congruence(const double *a, double *p, int n);
/* at (m x n) = a^T, a being n x m. */
void gs_mat_transpose(const double *a, double *at, int n, int m);
/* a = (a + a^T) / 2 in place. */
void gs_mat_symmetrize(double *a, int n);
/* The n x n identity. */
void gs_mat_identity(double *a, int n);

/*
 * Cholesky factor l (lower triangular, n x n, upper part zero) of the
 * symmetric positive definite a. GS_ERR_INVALID when a is not positive
 * definite (a pivot <= 0 or not finite); l is then all zero.
 */
int gs_mat_cholesky(const double *a, double *l, int n);

/*
 * Solves a x = b for the symmetric positive definite a (n x n) and the
 * right-hand sides b (n x m), through Cholesky. x may alias b.
 * GS_ERR_INVALID when a is not positive definite (x is then zero).
 */
int gs_mat_solve_spd(const double *a, const double *b, double *x, int n, int m);

/* The inverse of the symmetric positive definite a; GS_ERR_INVALID if not. */
int gs_mat_inverse_spd(const double *a, double *inv, int n);

/*
 * The inverse of a general square a, by Gauss-Jordan elimination with
 * partial pivoting. GS_ERR_INVALID when a is singular to working precision.
 */
int gs_mat_inverse(const double *a, double *inv, int n);

/* log det a of the symmetric positive definite a; GS_ERR_INVALID if not. */
int gs_mat_logdet_spd(const double *a, int n, double *out);

/*
 * The eigenvalues (val[0] >= val[1]) and unit eigenvectors (columns of vec,
 * row-major 2 x 2) of the symmetric 2 x 2 matrix a.
 */
void gs_mat_eig2(const double a[4], double val[2], double vec[4]);

/* x^T a^-1 x for SPD a through Cholesky; GS_ERR_INVALID if a is not SPD. */
int gs_mat_mahalanobis(const double *a, const double *x, int n, double *out);

#endif
