// The least-squares fit behind both LSM engines (engine/src/detail/regression.cpp): CholeskyQR2 from
// per-block Gram matrices, its fused (up to 8 columns) and tiled kernels, the multi-right-hand-side
// fit, the caller-supplied first Gram matrix, determinism across thread counts, and the fallbacks.
#include <doctest/doctest.h>
#include <tbb/task_arena.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <vector>

#include "detail/regression.hpp"

namespace {

using kp::detail::DesignFn;

/// n paths of F features (uniform on [0, 2)), weights (about a third zero) and right-hand sides.
struct Data {
    std::size_t n, F;
    std::vector<double> x, w;
    std::vector<std::vector<double>> y;
    Data(std::size_t paths, std::size_t features, std::size_t rhs, unsigned seed)
        : n(paths), F(features), x(paths * features), w(paths) {
        std::mt19937_64 g(seed);
        std::uniform_real_distribution<double> u(0.0, 2.0);
        for (double& v : x) v = u(g);
        for (double& v : w) v = u(g) < 0.7 ? 1.0 : 0.0;
        std::normal_distribution<double> e(0.0, 0.3);
        for (std::size_t k = 0; k < rhs; ++k) {
            std::vector<double> yk(n);
            const auto kd = static_cast<double>(k);
            for (std::size_t p = 0; p < n; ++p) {
                double s = 1.0 + 0.5 * kd;
                for (std::size_t f = 0; f < F; ++f)
                    s += (static_cast<double>(f) + 1.0) * std::sin(x[f * n + p] + kd);
                yk[p] = s + e(g);
            }
            y.push_back(std::move(yk));
        }
    }
};

/// Design: the constant, each feature and its square, and products of neighbouring features
/// (P = 1 + 2F + (F - 1) columns); shifted so that the raw design is not orthogonal.
std::size_t designSize(std::size_t F) { return 1 + 2 * F + (F - 1); }
DesignFn designOf(std::size_t F) {
    return [F](const double* x, std::size_t stride, std::size_t n, double* out) {
        std::size_t j = 0;
        for (std::size_t p = 0; p < n; ++p) out[p] = 1.0;
        ++j;
        for (std::size_t f = 0; f < F; ++f, ++j)
            for (std::size_t p = 0; p < n; ++p) out[j * n + p] = x[f * stride + p] - 1.0;
        for (std::size_t f = 0; f < F; ++f, ++j)
            for (std::size_t p = 0; p < n; ++p) out[j * n + p] = (x[f * stride + p] - 1.0) * (x[f * stride + p] - 0.5);
        for (std::size_t f = 0; f + 1 < F; ++f, ++j)
            for (std::size_t p = 0; p < n; ++p) out[j * n + p] = x[f * stride + p] * x[(f + 1) * stride + p];
    };
}

/// Reference: Householder QR of the weighted design (rows with w <= 0 dropped), all at once.
Eigen::VectorXd reference(const Data& d, std::size_t P, const DesignFn& design, const std::vector<double>& y) {
    std::vector<double> phi(P * d.n);
    design(d.x.data(), d.n, d.n, phi.data());
    std::vector<std::size_t> rows;
    for (std::size_t p = 0; p < d.n; ++p)
        if (d.w[p] > 0) rows.push_back(p);
    Eigen::MatrixXd A(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(P));
    Eigen::VectorXd b(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t j = 0; j < P; ++j)
            A(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = phi[j * d.n + rows[r]];
        b(static_cast<Eigen::Index>(r)) = y[rows[r]];
    }
    return A.householderQr().solve(b);
}

double relDiff(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return (a - b).norm() / b.norm();
}

}  // namespace

TEST_CASE("fitLeastSquares matches a Householder QR of the whole design, fused and tiled kernels") {
    // F = 2: P = 6, [phi | y] has 7 columns (the fused kernel); F = 4: P = 12 (the tiled kernel).
    // 5,003 paths: four full blocks and a partial one whose length is not a multiple of 8.
    for (std::size_t F : {2u, 4u}) {
        CAPTURE(F);
        const Data d(5003, F, 1, 7 + static_cast<unsigned>(F));
        const std::size_t P = designSize(F);
        const DesignFn design = designOf(F);
        tbb::task_arena arena(2);
        kp::detail::RegressionWorkspace ws;
        const Eigen::VectorXd beta =
            kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[0].data(), d.w.data(), arena, ws);
        CHECK(relDiff(beta, reference(d, P, design, d.y[0])) < 1e-10);
    }
}

TEST_CASE("fitLeastSquares: bit-identical on 1 and 2 threads; a summed first Gram matrix gives the same fit") {
    const Data d(9000, 3, 1, 11);
    const std::size_t P = designSize(3);
    const DesignFn design = designOf(3);
    kp::detail::RegressionWorkspace ws1, ws2;
    tbb::task_arena one(1), two(2);
    const Eigen::VectorXd b1 =
        kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[0].data(), d.w.data(), one, ws1);
    const Eigen::VectorXd b2 =
        kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[0].data(), d.w.data(), two, ws2);
    CHECK(b1 == b2);

    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(P + 1), static_cast<Eigen::Index>(P + 1));
    std::vector<double> phi;
    for (std::size_t first = 0; first < d.n; first += kp::detail::kBlock) {
        const std::size_t n = std::min(kp::detail::kBlock, d.n - first);
        g += kp::detail::blockGram(P, design, d.x.data() + first, d.n, d.y[0].data() + first,
                                   d.w.data() + first, n, phi);
    }
    const Eigen::VectorXd b3 =
        kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[0].data(), d.w.data(), two, ws2, &g);
    CHECK(b3 == b1);
}

TEST_CASE("fitLeastSquaresMany gives each right-hand side the single fit's coefficients, bit for bit") {
    for (std::size_t F : {1u, 4u}) {  // P = 3 (fused single fits) and P = 12 (tiled)
        CAPTURE(F);
        const Data d(7001, F, 4, 23 + static_cast<unsigned>(F));
        const std::size_t P = designSize(F);
        const DesignFn design = designOf(F);
        tbb::task_arena arena(2);
        kp::detail::RegressionWorkspace ws;
        std::vector<const double*> ys;
        for (const auto& y : d.y) ys.push_back(y.data());
        const std::vector<Eigen::VectorXd> many =
            kp::detail::fitLeastSquaresMany(P, design, d.x.data(), d.n, d.n, ys, d.w.data(), arena, ws);
        REQUIRE(many.size() == ys.size());
        for (std::size_t i = 0; i < ys.size(); ++i) {
            CAPTURE(i);
            const Eigen::VectorXd one =
                kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, ys[i], d.w.data(), arena, ws);
            CHECK(many[i] == one);
            CHECK(relDiff(many[i], reference(d, P, design, d.y[i])) < 1e-10);
        }
        CHECK(kp::detail::fitLeastSquaresMany(P, design, d.x.data(), d.n, d.n, {}, d.w.data(), arena, ws).empty());
    }
}

TEST_CASE("fitLeastSquares on a rank-deficient design: the minimum-norm fit, same fitted values") {
    // a design with a repeated column: R is singular, the coefficients are not unique, the fitted
    // values are; the solver must return finite coefficients with the reference's fitted values
    const Data d(4000, 2, 2, 5);
    const std::size_t P0 = designSize(2);
    const DesignFn base = designOf(2);
    const DesignFn repeated = [&](const double* x, std::size_t stride, std::size_t n, double* out) {
        base(x, stride, n, out);
        std::copy_n(out + 1 * n, n, out + P0 * n);  // column P0 = column 1
    };
    tbb::task_arena arena(2);
    kp::detail::RegressionWorkspace ws;
    std::vector<const double*> ys = {d.y[0].data(), d.y[1].data()};
    const auto betas = kp::detail::fitLeastSquaresMany(P0 + 1, repeated, d.x.data(), d.n, d.n, ys, d.w.data(), arena, ws);
    for (std::size_t i = 0; i < 2; ++i) {
        CAPTURE(i);
        REQUIRE(betas[i].allFinite());
        const Eigen::VectorXd ref = reference(d, P0, base, d.y[i]);
        // fold the repeated column's coefficient into column 1 and compare with the full-rank fit
        Eigen::VectorXd folded = betas[i].head(static_cast<Eigen::Index>(P0));
        folded(1) += betas[i](static_cast<Eigen::Index>(P0));
        CHECK(relDiff(folded, ref) < 1e-6);
    }
}

TEST_CASE("a right-hand side that is zero on every weighted path has the coefficients 0") {
    // (the valuation engine meets this, e.g. a technology's value before it can be built); it
    // used to fail the Cholesky factorisation and take the much slower Householder fallback
    Data d(3000, 2, 2, 9);
    for (std::size_t p = 0; p < d.n; ++p)
        if (d.w[p] > 0) d.y[1][p] = 0.0;  // non-zero only where the weight is 0: ignored
    const std::size_t P = designSize(2);
    const DesignFn design = designOf(2);
    tbb::task_arena arena(2);
    kp::detail::RegressionWorkspace ws;
    const Eigen::VectorXd single =
        kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[1].data(), d.w.data(), arena, ws);
    CHECK(single == Eigen::VectorXd::Zero(static_cast<Eigen::Index>(P)));
    const auto many = kp::detail::fitLeastSquaresMany(P, design, d.x.data(), d.n, d.n,
                                                      {d.y[0].data(), d.y[1].data()}, d.w.data(), arena, ws);
    CHECK(many[1] == Eigen::VectorXd::Zero(static_cast<Eigen::Index>(P)));
    CHECK(many[0] == kp::detail::fitLeastSquares(P, design, d.x.data(), d.n, d.n, d.y[0].data(), d.w.data(), arena, ws));
}
