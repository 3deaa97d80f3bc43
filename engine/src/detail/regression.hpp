#pragma once
/// \file regression.hpp
/// The deterministic least-squares fit shared by the LSM engines (engine/src/lsm.cpp,
/// engine/src/investment_lsm.cpp): beta minimising sum_p w_p>0 (phi(x_p) . beta - y_p)^2.
///
/// Method: the R factor of A = [phi | y] over the selected paths by CholeskyQR2 (Fukaya et al.
/// 2014; Yamamoto et al. 2015): R1 = chol(A'A), R2 = chol(Q1'Q1) with Q1 = A R1^-1, R = R2 R1. The
/// per-block Gram matrices (fixed blocks of kBlock paths) are summed in block order, so the result
/// is bit-identical on any number of threads. If either Cholesky fails, a tall-skinny Householder QR
/// (block QRs, then a QR of the stacked R factors, in block order) takes over; a rank-deficient R
/// (smallest |diagonal| <= 1e-10 x largest) is solved by a complete orthogonal decomposition
/// (minimum-norm least squares). Internal to kp_engine.

#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <Eigen/Dense>
#include <cstddef>
#include <functional>
#include <vector>

#include "blocks.hpp"

namespace kp::detail {

/// The sum of K x K per-block matrices, in block order (the same on any number of threads).
Eigen::MatrixXd sumInOrder(const std::vector<Eigen::MatrixXd>& blocks, std::size_t K);

/// a . b with eight independent partial sums added in a fixed order (vectorises, deterministic).
double dot(const double* a, const double* b, std::size_t n);
/// Sum of a with eight partial sums (see dot).
double sum(const double* a, std::size_t n);

/// Per-thread design-matrix scratch and per-block partial results; keep it between fits.
struct RegressionWorkspace {
    tbb::enumerable_thread_specific<std::vector<double>> phi;
    std::vector<Eigen::MatrixXd> blockR;
    /// Numerical fallbacks taken so far (counted, never reset here): fits whose CholeskyQR2 failed
    /// and took the Householder QR, and fits solved by the complete orthogonal decomposition because
    /// R was rank-deficient.
    std::size_t householderFits = 0, rankDeficientFits = 0;
};

/// Writes the P design columns of a block: out[j * n + p] for j < P, p < n, from the features
/// x[f * fstride + p]. Called once per block (not per path).
using DesignFn = std::function<void(const double* x, std::size_t fstride, std::size_t n, double* out)>;

/// Least-squares coefficients (size P) of y on the design of the paths with w[p] > 0.
/// x[f * fstride + p] for p < n; y[p], w[p] for p < n. Runs its block loops in `arena`.
/// firstGram: the first pass's Gram matrix when the caller has already summed it (blockGram over
/// the blocks of kBlock paths, in block order), which saves a pass over the paths.
Eigen::VectorXd fitLeastSquares(std::size_t P, const DesignFn& design, const double* x,
                                std::size_t fstride, std::size_t n, const double* y, const double* w,
                                tbb::task_arena& arena, RegressionWorkspace& ws,
                                const Eigen::MatrixXd* firstGram = nullptr);

/// fitLeastSquares for several right-hand sides on one design (and weights): one pass over the paths
/// for the first Gram matrices of every [phi | y_i] and one for the second, instead of two per y_i.
/// Each y_i's result is the same as fitLeastSquares's for it alone (the same Gram entries, summed
/// in the same order; the basis columns' part of the factor is common to all of them).
std::vector<Eigen::VectorXd> fitLeastSquaresMany(std::size_t P, const DesignFn& design, const double* x,
                                               std::size_t fstride, std::size_t n,
                                               const std::vector<const double*>& ys, const double* w,
                                               tbb::task_arena& arena, RegressionWorkspace& ws);

/// The Gram matrix of one block's design rows [phi | y], rows with w <= 0 zeroed (n <= kBlock paths
/// starting at x, y, w): the first CholeskyQR2 pass, for callers that fuse it with a pass of their
/// own. Summed over the blocks in block order, it equals what fitLeastSquares computes itself.
Eigen::MatrixXd blockGram(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                          const double* y, const double* w, std::size_t n, std::vector<double>& phi);

}  // namespace kp::detail
