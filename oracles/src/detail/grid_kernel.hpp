#pragma once
/// \file grid_kernel.hpp
/// Conditional expectations on a uniform grid by exact integration of an interpolant against a
/// Gaussian kernel (the engine room of kp::investmentOracle; internal to oracles/).
///
/// Index units: node i sits at position i, spacing 1. A function known at the nodes is extended to
/// the real line by piecewise-cubic Lagrange interpolation: on the cell [c, c + 1] it is the cubic
/// through the nodes c - 1 .. c + 2 (4-point Lagrange, exact for cubics, error O(spacing^4)).
/// Beyond the grid the values at ghost nodes are extrapolated linearly in X = exp(log X), which is
/// exact for functions linear in X (cash flows linear in a price, a project's value); grid cells
/// beyond the edges belong to the edge node's piece.
///
/// The expectation at node i of f(i + width Z), Z standard normal, is then
///   sum over cells c of  integral_0^1 p_c(s) g(c - i + s) ds,   g = N(0, width^2) density,
/// computed exactly for each cell: the integrals of the four Lagrange basis cubics against the
/// Gaussian over a cell are the kernel's cell weights (analytic normal moments when width < 2 cells,
/// 8-point Gauss-Legendre when the Gaussian is wider than 2 cells and smooth across a cell; both
/// to ~1e-15). The kernel is truncated at +-kernelSds standard deviations (cells outside carry a
/// mass below 2 Phi(-kernelSds)). There is no quadrature error and no smoothness assumption beyond
/// the interpolant's: a function with a kink is integrated piece by piece, each piece with its own
/// interpolant, split at the kinks' positions inside their cells (expectPiecewise). With width 0 the
/// kernel is the identity.
///
/// Tested in tests/oracles/investment_oracle_test.cpp ("grid kernel"): cubic polynomials are
/// integrated exactly (normal moments), functions linear in X exactly, the adjoint identity
/// <w, A u> = <A^T w, u>, and the masked expectation of 1 equals the normal probability of the region.

#include <vector>

namespace kp::detail {

/// The cell weights of one Gaussian kernel on the unit grid.
struct GridKernel {
    double width = 0;           ///< standard deviation in cells (0: identity)
    int band = 0;               ///< B: cells c - i in [-B, B - 1] are used (0: identity)
    std::vector<double> cell;   ///< [(o + B) * 4 + r]: integral over cell o of basis r against g
    std::vector<double> node;   ///< collapsed weights of nodes i + j, j in [-B - 1, B + 1]: [j + B + 1]
    bool identity() const { return band == 0; }
};

/// The kernel of standard deviation `width` cells truncated at +-kernelSds standard deviations.
GridKernel makeKernel(double width, double kernelSds);

/// out[r] = integral_{s0}^{s1} lambda_r(s) g(o + s) ds, r = 0..3, for the 4-point Lagrange basis on
/// the nodes -1, 0, 1, 2 of a cell [0, 1] and g the N(0, width^2) density (width > 0).
void partialCellWeights(double width, double o, double s0, double s1, double out[4]);

/// partialCellWeights for every cell o in [-B, B - 1] at once: out[(o + B) * 4 + r].
void partialCellRow(double width, int B, double s0, double s1, std::vector<double>& out);

/// Phi(b) - Phi(a) for a <= b (standard normal), without cancellation in either tail.
double normalMass(double a, double b);

/// The value at `pos` (index units, inside [0, n - 1]) of the cubic interpolant of f (the
/// 4-point stencil is shifted inwards at the edges, so no ghost is read; n >= 4).
double interpolate(const double* f, int n, double pos);

/// f at the nodes c - 1 .. c + 2 with the ghost extrapolation (linear in X = exp(h x index)).
void stencil(const double* f, int n, double h, int c, double out[4]);

/// ext[G + i] = f[i] for i in [-G, n - 1 + G], ghosts extrapolated linearly in X (h: log spacing).
void extend(const double* f, int n, double h, int G, double* ext);

/// Reusable buffers (no allocation after the first calls of a given size).
struct KernelWork {
    std::vector<double> ext, ext2, z, adj, row;
    std::vector<const double*> src;
    std::vector<std::vector<double>> pieceExt;
};

/// out[i] = E[f~(i + width Z)] for a smooth f (one piece), i < n.
void expectSmooth(const GridKernel& k, const double* f, int n, double h, double* out,
                  KernelWork& w);

/// The pieces inside one grid cell [c, c + 1]: piece[k] holds on [s[k], s[k + 1]] (cell units,
/// s[0] = 0, s.back() = 1, s.size() == piece.size() + 1).
struct CellSplit {
    std::vector<double> s;
    std::vector<int> piece;
};

/// A function on the grid made of pieces: node i belongs to piece `piece[i]`; a cell whose pieces
/// change inside it (or whose end nodes differ) is described by splits[splitOf[c]]; any other cell
/// (splitOf[c] < 0) is whole, of its nodes' common piece.
struct Piecewise {
    std::vector<int> piece;    ///< per node
    std::vector<int> splitOf;  ///< per cell c < n - 1: index into splits, -1 for a whole cell
    std::vector<CellSplit> splits;
};

/// The branches of a function with kinks (slope discontinuities) at `kinks`: positions sorted and
/// strictly between nodes. Branch b lies between kinks[b - 1] and kinks[b]; out[b] equals f, except
/// on the two nodes beyond each end of the branch, where it continues the branch's own cubic (the
/// Lagrange polynomial through its four nodes nearest that end; fewer nodes: lower degree). Each
/// side of a kink is then interpolated from its own side only (O(h^4) instead of O(h^2) there).
void branches(const double* f, int n, const std::vector<double>& kinks,
              std::vector<std::vector<double>>& out);

/// The branches of `kinks` as pieces: node i is in the branch of its position, cells holding a
/// kink are split there (pieces = branch index, for expectPiecewise with branches' arrays).
Piecewise branchPieces(int n, const std::vector<double>& kinks);

/// out[i] = E[F(i + width Z)] where F is piece p's interpolant (of the values pieces[p]) on the part
/// of the line that belongs to p. pieces[p] may be null for pieces that no node uses.
void expectPiecewise(const GridKernel& k, const Piecewise& pw, const std::vector<const double*>& pieces,
                     int n, double h, double* out, KernelWork& w);

/// The adjoint of u -> expectPiecewise with pieces {u, 0} (piece 0: the region kept, any other
/// piece id: the region removed): out = A^T v, i.e. sum_i v_i (A u)_i = sum_i out_i u_i for all u.
void expectMaskedAdjoint(const GridKernel& k, const Piecewise& pw, const double* v, int n, double h,
                         double* out, KernelWork& w);

/// out[i] = the interpolant of f at c0 + a (i - c0), c0 = (n - 1) / 2, 0 <= a <= 1 (the mean
/// reversion of an exponential OU over a step maps node i of one date to that position of the
/// next date's grid). a == 1: a copy.
void contract(const double* f, int n, double a, double* out);

/// The adjoint of contract: sum_i v_i contract(u)_i = sum_i out_i u_i.
void contractAdjoint(const double* v, int n, double a, double* out);

}  // namespace kp::detail
