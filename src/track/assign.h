/*
 * assign.h - optimal assignment (global nearest neighbour).
 *
 * The tracker assigns the plots of a scan to tracks so that the sum of
 * normalised distances is smallest, leaving a plot or a track unassigned
 * when that is cheaper. Hungarian algorithm (Kuhn-Munkres with potentials),
 * O(n^3) in the number of tracks plus plots, which a scan keeps small.
 */
#ifndef GS_TRACK_ASSIGN_H
#define GS_TRACK_ASSIGN_H

/*
 * cost is rows x cols (row-major); entries >= miss mean "not allowed".
 * A row left unassigned costs miss, and so does a column. On return
 * row_to_col[r] is the column of row r, or -1. rows, cols <= 256.
 */
void gs_assign(const double *cost, int rows, int cols, double miss,
               int *row_to_col);

#endif
