/*
 * assign.c - the Hungarian algorithm on the square matrix
 *
 *     [ C (rows x cols)   | miss on the diagonal (rows x rows) ]
 *     [ miss on diagonal  | 0 (cols x rows)                    ]
 *
 * whose extra columns stand for "this row unassigned" and extra rows for
 * "this column unassigned"; see assign.h.
 */
#include "track/assign.h"

#include <assert.h>
#include <math.h>

#include "base/alloc.h"

#define BIG 1e12

void gs_assign(const double *cost, int rows, int cols, double miss,
               int *row_to_col)
{
    int n = rows + cols, i, j;
    double *a, *u, *v, *minv;
    int *p, *way;
    char *used;

    assert(rows <= 256 && cols <= 256);
    for (i = 0; i < rows; i++)
        row_to_col[i] = -1;
    if (rows == 0 || cols == 0)
        return;
    a = gs_calloc((size_t)(n * n), sizeof(double));
    u = gs_calloc((size_t)n + 1, sizeof(double));
    v = gs_calloc((size_t)n + 1, sizeof(double));
    minv = gs_calloc((size_t)n + 1, sizeof(double));
    p = gs_calloc((size_t)n + 1, sizeof(int));
    way = gs_calloc((size_t)n + 1, sizeof(int));
    used = gs_calloc((size_t)n + 1, 1);
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            double c;

            if (i < rows && j < cols)
                c = cost[i * cols + j] < miss ? cost[i * cols + j] : BIG;
            else if (i < rows)
                c = j - cols == i ? miss : BIG;
            else if (j < cols)
                c = i - rows == j ? miss : BIG;
            else
                c = 0;
            a[i * n + j] = c;
        }
    }
    for (i = 1; i <= n; i++) {
        int j0 = 0;

        p[0] = i;
        for (j = 0; j <= n; j++) {
            minv[j] = INFINITY;
            used[j] = 0;
        }
        do {
            int i0 = p[j0], j1 = 0;
            double delta = INFINITY;

            used[j0] = 1;
            for (j = 1; j <= n; j++) {
                if (used[j])
                    continue;
                {
                    double cur = a[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];

                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for (j = 0; j <= n; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            int j1 = way[j0];

            p[j0] = p[j1];
            j0 = j1;
        } while (j0 != 0);
    }
    for (j = 1; j <= n; j++) {
        int r = p[j] - 1, c = j - 1;

        if (r < rows && c < cols && a[r * n + c] < BIG)
            row_to_col[r] = c;
    }
    gs_free(a);
    gs_free(u);
    gs_free(v);
    gs_free(minv);
    gs_free(p);
    gs_free(way);
    gs_free(used);
}
