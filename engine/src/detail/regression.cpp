#include "regression.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>

namespace kp::detail {

double dot(const double* a, const double* b, std::size_t n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8)
        for (int l = 0; l < 8; ++l) acc[l] += a[p + l] * b[p + l];
    for (; p < n; ++p) acc[0] += a[p] * b[p];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double sum(const double* a, std::size_t n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8)
        for (int l = 0; l < 8; ++l) acc[l] += a[p + l];
    for (; p < n; ++p) acc[0] += a[p];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

namespace {

/// Rows of the weighted design matrix [phi | y] for a block, laid out column by column in phi
/// ([j][p], j <= P); paths with w <= 0 get weight 0 (all their entries are zeroed). With rInv, the
/// rows are multiplied by rInv (upper triangular): the Q1 = A R1^-1 of CholeskyQR2.
void designRows(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                const double* value, const double* h, std::size_t n, const Eigen::MatrixXd* rInv,
                std::vector<double>& phi) {
    if (phi.size() < (P + 1) * n) phi.resize((P + 1) * n);
    design(x, fstride, n, phi.data());
    double* y = phi.data() + P * n;
    std::copy_n(value, n, y);
    for (std::size_t j = 0; j <= P; ++j) {
        double* a = phi.data() + j * n;
        for (std::size_t p = 0; p < n; ++p) a[p] = h[p] > 0 ? a[p] : 0.0;
    }
    if (!rInv) return;
    // in place, last column first: q_j = sum_{i <= j} a_i rInv(i, j)
    for (std::size_t j = P + 1; j-- > 0;) {
        double* qj = phi.data() + j * n;
        const double djj = (*rInv)(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j));
        for (std::size_t p = 0; p < n; ++p) qj[p] *= djj;
        for (std::size_t i = 0; i < j; ++i) {
            const double c = (*rInv)(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
            const double* ai = phi.data() + i * n;
            for (std::size_t p = 0; p < n; ++p) qj[p] += c * ai[p];
        }
    }
}

/// Gram matrix of the k columns a_j = cols + j n (n rows): G(i, j) = a_i . a_j.
Eigen::MatrixXd gram(const double* cols, std::size_t n, std::size_t k) {
    Eigen::MatrixXd g(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i; j < k; ++j) {
            const double v = dot(cols + i * n, cols + j * n, n);
            g(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
            g(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = v;
        }
    return g;
}

}  // namespace

Eigen::VectorXd fitLeastSquares(std::size_t P, const DesignFn& design, const double* X,
                                std::size_t nT, std::size_t nPaths, const double* V, const double* H,
                                tbb::task_arena& arena, RegressionWorkspace& ws) {
    const std::size_t nbT = blocksOf(nPaths);
    ws.blockR.resize(nbT);
    auto& blockR = ws.blockR;
    const Eigen::Index P1 = static_cast<Eigen::Index>(P + 1);
    auto gramPass = [&](const Eigen::MatrixXd* rInv) {
        arena.execute([&] {
            tbb::parallel_for(
                tbb::blocked_range<std::size_t>(0, nbT, 1),
                [&](const tbb::blocked_range<std::size_t>& r) {
                    std::vector<double>& phi = ws.phi.local();
                    for (std::size_t b = r.begin(); b < r.end(); ++b) {
                        const std::size_t first = b * kBlock, n = std::min(kBlock, nPaths - first);
                        designRows(P, design, X + first, nT, V + first, H + first, n, rInv, phi);
                        blockR[b] = gram(phi.data(), n, P + 1);
                    }
                },
                tbb::simple_partitioner());
        });
        Eigen::MatrixXd g = Eigen::MatrixXd::Zero(P1, P1);
        for (const auto& gb : blockR) g += gb;
        return g;
    };
    Eigen::MatrixXd R;
    bool cholOk = false;
    {
        const Eigen::LLT<Eigen::MatrixXd> c1(gramPass(nullptr));
        if (c1.info() == Eigen::Success) {
            const Eigen::MatrixXd R1 = c1.matrixU();
            const Eigen::MatrixXd R1inv =
                R1.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(P1, P1));
            const Eigen::LLT<Eigen::MatrixXd> c2(gramPass(&R1inv));
            if (c2.info() == Eigen::Success) {
                R = Eigen::MatrixXd(c2.matrixU()) * R1;
                cholOk = R.allFinite();
            }
        }
    }
    if (!cholOk) {
        // tall-skinny Householder QR: a QR of each block's rows, then of the stacked R factors
        arena.execute([&] {
            tbb::parallel_for(
                tbb::blocked_range<std::size_t>(0, nbT, 1),
                [&](const tbb::blocked_range<std::size_t>& r) {
                    std::vector<double>& phi = ws.phi.local();
                    for (std::size_t b = r.begin(); b < r.end(); ++b) {
                        const std::size_t first = b * kBlock, n = std::min(kBlock, nPaths - first);
                        designRows(P, design, X + first, nT, V + first, H + first, n, nullptr, phi);
                        Eigen::Map<Eigen::MatrixXd> A(phi.data(), static_cast<Eigen::Index>(n), P1);
                        if (static_cast<Eigen::Index>(n) <= P1) {
                            blockR[b] = A;
                        } else {
                            Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(A);
                            blockR[b] = A.topRows(P1).triangularView<Eigen::Upper>();
                        }
                    }
                },
                tbb::simple_partitioner());
        });
        Eigen::Index rows = 0;
        for (const auto& Rb : blockR) rows += Rb.rows();
        Eigen::MatrixXd stacked(rows, P1);
        rows = 0;
        for (const auto& Rb : blockR) {
            stacked.middleRows(rows, Rb.rows()) = Rb;
            rows += Rb.rows();
        }
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(stacked);
        R = qr.matrixQR().topRows(P1).triangularView<Eigen::Upper>();
    }
    const auto Rp = R.topLeftCorner(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(P));
    const Eigen::VectorXd rhs = R.col(static_cast<Eigen::Index>(P)).head(static_cast<Eigen::Index>(P));
    const double dmax = Rp.diagonal().cwiseAbs().maxCoeff();
    const double dmin = Rp.diagonal().cwiseAbs().minCoeff();
    if (dmin > 1e-10 * dmax) return Rp.triangularView<Eigen::Upper>().solve(rhs);
    // rank-deficient basis on these paths: minimum-norm least squares
    return Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(Rp).solve(rhs);
}

}  // namespace kp::detail
