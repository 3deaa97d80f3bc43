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
    return addLanes(acc);
}

double sum(const double* a, std::size_t n) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8)
        for (int l = 0; l < 8; ++l) acc[l] += a[p + l];
    for (; p < n; ++p) acc[0] += a[p];
    return addLanes(acc);
}

namespace {

/// Eight doubles in one vector register (GCC/Clang vector extension; AVX-512 holds one, AVX2 two).
typedef double V8 __attribute__((vector_size(64)));

/// Columns a_j = cols + j n, j < K, replaced in place by q_j = a_j rInv(j, j) + sum_{i < j} rInv(i, j) a_i:
/// the rows times the upper-triangular rInv (its leading K x K block).
void transformColumns(double* cols, std::size_t n, std::size_t K, const Eigen::MatrixXd& rInv) {
    // in place, last tile of columns first: q_j = a_j rInv(j, j) + sum_{i < j} rInv(i, j) a_i, the
    // terms added in that order. Four output columns at a time, eight paths at a time in registers,
    // so that each a_i is loaded once per tile instead of once per column (the columns a tile writes
    // are never read by the tiles after it, which only need lower columns).
    for (std::size_t j0 = (K - 1) / 4 * 4 + 4; j0 >= 4;) {
        j0 -= 4;
        const std::size_t w = std::min<std::size_t>(4, K - j0);
        double c[4][65];  // c[t][i] = rInv(i, j0 + t); the basis has at most 64 functions, plus y
        for (std::size_t t = 0; t < w; ++t)
            for (std::size_t i = 0; i <= j0 + t; ++i)
                c[t][i] = rInv(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j0 + t));
        auto tile = [&](auto load, auto store, std::size_t p, auto zero) {
            decltype(zero) q[4] = {zero, zero, zero, zero};
            for (std::size_t t = 0; t < w; ++t) q[t] = load(cols + (j0 + t) * n + p) * c[t][j0 + t];
            for (std::size_t i = 0; i + 1 < j0 + w; ++i) {
                const auto a = load(cols + i * n + p);
                for (std::size_t t = 0; t < w; ++t)
                    if (i < j0 + t) q[t] += c[t][i] * a;
            }
            for (std::size_t t = 0; t < w; ++t) store(cols + (j0 + t) * n + p, q[t]);
        };
        std::size_t p = 0;
        for (; p + 8 <= n; p += 8)
            tile([](const double* a) { V8 v; __builtin_memcpy(&v, a, sizeof v); return v; },
                 [](double* a, V8 v) { __builtin_memcpy(a, &v, sizeof v); }, p, V8{});
        for (; p < n; ++p)
            tile([](const double* a) { return *a; }, [](double* a, double v) { *a = v; }, p, 0.0);
    }
}

/// Dot products of a tile of A columns (cols + (i0 + a) n) with B columns (cols + (j0 + b) n), all
/// A x B at once, so that each loaded value serves B (or A) multiplications instead of one. Every
/// product is summed exactly as dot() sums it (eight lanes over p, the remainder into lane 0, the
/// lanes added in a fixed tree), so the Gram matrix is bit-identical to A x B calls of dot().
template <int A, int B>
void gramTile(const double* cols, std::size_t n, std::size_t i0, std::size_t j0, Eigen::MatrixXd& g) {
    V8 acc[A][B];
    for (int a = 0; a < A; ++a)
        for (int b = 0; b < B; ++b) acc[a][b] = V8{};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8) {
        V8 x[A], y[B];
        for (int a = 0; a < A; ++a) __builtin_memcpy(&x[a], cols + (i0 + a) * n + p, sizeof(V8));
        for (int b = 0; b < B; ++b) __builtin_memcpy(&y[b], cols + (j0 + b) * n + p, sizeof(V8));
        for (int a = 0; a < A; ++a)
            for (int b = 0; b < B; ++b) acc[a][b] += x[a] * y[b];
    }
    for (int a = 0; a < A; ++a)
        for (int b = 0; b < B; ++b) {
            const double* xa = cols + (i0 + a) * n;
            const double* yb = cols + (j0 + b) * n;
            double l[8];
            for (int q = 0; q < 8; ++q) l[q] = acc[a][b][q];
            for (std::size_t r = p; r < n; ++r) l[0] += xa[r] * yb[r];
            const double v = addLanes(l);
            const auto i = static_cast<Eigen::Index>(i0 + a), j = static_cast<Eigen::Index>(j0 + b);
            g(i, j) = v;
            g(j, i) = v;
        }
}

template <int A>
void gramTileB(const double* cols, std::size_t n, std::size_t i0, std::size_t j0, int b,
               Eigen::MatrixXd& g) {
    switch (b) {
        case 1: return gramTile<A, 1>(cols, n, i0, j0, g);
        case 2: return gramTile<A, 2>(cols, n, i0, j0, g);
        case 3: return gramTile<A, 3>(cols, n, i0, j0, g);
        default: return gramTile<A, 4>(cols, n, i0, j0, g);
    }
}

/// Rows of the weighted design matrix [phi | y_1 ... y_k] for a block (y_i = ys[i] + first; x and h
/// point at the block), laid out column by column in phi ([j][p], j < P + k); paths with h <= 0 get
/// weight 0 (all their entries are zeroed). With rInv, the rows are multiplied by rInv (upper
/// triangular): the Q1 = A R1^-1 of CholeskyQR2.
void designRows(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                const double* const* ys, std::size_t k, std::size_t first, const double* h, std::size_t n,
                const Eigen::MatrixXd* rInv, std::vector<double>& phi) {
    const std::size_t K = P + k;
    if (phi.size() < K * n) phi.resize(K * n);
    design(x, fstride, n, phi.data());
    for (std::size_t i = 0; i < k; ++i) std::copy_n(ys[i] + first, n, phi.data() + (P + i) * n);
    for (std::size_t j = 0; j < K; ++j) {
        double* a = phi.data() + j * n;
        for (std::size_t p = 0; p < n; ++p) a[p] = h[p] > 0 ? a[p] : 0.0;
    }
    if (rInv) transformColumns(phi.data(), n, K, *rInv);
}

/// The rows [phi | y] of one right-hand side (see above), y = value[0 .. n).
void designRows(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                const double* value, const double* h, std::size_t n, const Eigen::MatrixXd* rInv,
                std::vector<double>& phi) {
    designRows(P, design, x, fstride, &value, 1, 0, h, n, rInv, phi);
}

/// Gram matrix of the k columns a_j = cols + j n (n rows): G(i, j) = a_i . a_j, equal bit for bit to
/// dot(a_i, a_j), computed in tiles of up to 4 x 4 columns (measured 3x faster than one dot per pair
/// on 6 columns of 1,024 paths).
Eigen::MatrixXd gram(const double* cols, std::size_t n, std::size_t k) {
    Eigen::MatrixXd g(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    for (std::size_t i0 = 0; i0 < k; i0 += 4) {
        const int a = static_cast<int>(std::min<std::size_t>(4, k - i0));
        for (std::size_t j0 = i0; j0 < k; j0 += 4) {
            const int b = static_cast<int>(std::min<std::size_t>(4, k - j0));
            switch (a) {
                case 1: gramTileB<1>(cols, n, i0, j0, b, g); break;
                case 2: gramTileB<2>(cols, n, i0, j0, b, g); break;
                case 3: gramTileB<3>(cols, n, i0, j0, b, g); break;
                default: gramTileB<4>(cols, n, i0, j0, b, g); break;
            }
        }
    }
    return g;
}

/// The Gram matrix of the weighted design rows [phi | y] of a block with K = P + 1 columns known
/// at compile time, without writing the rows back: each group of eight paths is loaded once, masked,
/// multiplied by rInv (when given) and accumulated into all K (K + 1) / 2 products in registers. The
/// operations and their order are those of designRows() followed by gram(), so the result is the
/// same bit for bit; only the memory traffic is gone (measured: the two Gram passes of the LS put
/// ran about 2x faster).
template <int K>
Eigen::MatrixXd fusedGram(const double* phi, const double* y, const double* h, std::size_t n,
                          const Eigen::MatrixXd* rInv) {
    constexpr int P = K - 1;
    double c[K][K] = {};
    if (rInv)
        for (int i = 0; i < K; ++i)
            for (int j = i; j < K; ++j) c[i][j] = (*rInv)(i, j);
    auto row = [&](auto load, auto positive, auto zero, auto& q) {
        decltype(zero) a[K];
        for (int j = 0; j < P; ++j) a[j] = load(phi + static_cast<std::size_t>(j) * n);
        a[P] = load(y);
        const auto in = positive(load(h));
        for (int j = 0; j < K; ++j) a[j] = in ? a[j] : zero;
        if (!rInv) {
            for (int j = 0; j < K; ++j) q[j] = a[j];
            return;
        }
        for (int j = K - 1; j >= 0; --j) {  // q_j = a_j r_jj + sum_{i < j} r_ij a_i, in designRows' order
            auto qj = a[j] * c[j][j];
            for (int i = 0; i < j; ++i) qj += c[i][j] * a[i];
            q[j] = qj;
        }
    };
    V8 acc[K][K];
    for (int i = 0; i < K; ++i)
        for (int j = i; j < K; ++j) acc[i][j] = V8{};
    std::size_t p = 0;
    for (; p + 8 <= n; p += 8) {
        V8 q[K];
        row([&](const double* col) { V8 v; __builtin_memcpy(&v, col + p, sizeof v); return v; },
            [](V8 v) { return v > 0; }, V8{}, q);
        for (int i = 0; i < K; ++i)
            for (int j = i; j < K; ++j) acc[i][j] += q[i] * q[j];
    }
    double tail[K][K] = {};
    for (int i = 0; i < K; ++i)
        for (int j = i; j < K; ++j) tail[i][j] = acc[i][j][0];
    for (; p < n; ++p) {  // the remainder, into lane 0 as dot() does
        double q[K];
        row([&](const double* col) { return col[p]; }, [](double v) { return v > 0; }, 0.0, q);
        for (int i = 0; i < K; ++i)
            for (int j = i; j < K; ++j) tail[i][j] += q[i] * q[j];
    }
    Eigen::MatrixXd g(K, K);
    for (int i = 0; i < K; ++i)
        for (int j = i; j < K; ++j) {
            double l[8];
            for (int q = 0; q < 8; ++q) l[q] = acc[i][j][q];
            l[0] = tail[i][j];  // lane 0 with the remainder added
            const double v = addLanes(l);
            g(i, j) = v;
            g(j, i) = v;
        }
    return g;
}

/// The Gram matrix of a block's weighted design rows (see designRows), fused for up to 8 columns.
Eigen::MatrixXd blockGramImpl(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                          const double* value, const double* h, std::size_t n,
                          const Eigen::MatrixXd* rInv, std::vector<double>& phi) {
    if (P + 1 > 8) {
        designRows(P, design, x, fstride, value, h, n, rInv, phi);
        return gram(phi.data(), n, P + 1);
    }
    if (phi.size() < P * n) phi.resize(P * n);
    design(x, fstride, n, phi.data());
    switch (P + 1) {
        case 2: return fusedGram<2>(phi.data(), value, h, n, rInv);
        case 3: return fusedGram<3>(phi.data(), value, h, n, rInv);
        case 4: return fusedGram<4>(phi.data(), value, h, n, rInv);
        case 5: return fusedGram<5>(phi.data(), value, h, n, rInv);
        case 6: return fusedGram<6>(phi.data(), value, h, n, rInv);
        case 7: return fusedGram<7>(phi.data(), value, h, n, rInv);
        default: return fusedGram<8>(phi.data(), value, h, n, rInv);
    }
}

/// body(b, first, n, phi) for every block b of kBlock paths (first, n: its paths), in parallel in
/// `arena`, with the calling thread's design scratch phi.
template <class Body>
void overBlocks(std::size_t nPaths, tbb::task_arena& arena, RegressionWorkspace& ws, Body&& body) {
    forEachBlock(arena, nPaths, [&](std::size_t b, std::size_t first, std::size_t n) {
        body(b, first, n, ws.phi.local());
    });
}

/// beta from the R factor of [phi | y]: R_pp beta = R_py, or the minimum-norm solution when R_pp
/// is numerically singular (a basis that is rank-deficient on these paths).
Eigen::VectorXd solveFromR(const Eigen::MatrixXd& R, std::size_t P, RegressionWorkspace& ws) {
    const auto Rp = R.topLeftCorner(static_cast<Eigen::Index>(P), static_cast<Eigen::Index>(P));
    const Eigen::VectorXd rhs = R.col(static_cast<Eigen::Index>(P)).head(static_cast<Eigen::Index>(P));
    const double dmax = Rp.diagonal().cwiseAbs().maxCoeff();
    const double dmin = Rp.diagonal().cwiseAbs().minCoeff();
    if (dmin > 1e-10 * dmax) return Rp.triangularView<Eigen::Upper>().solve(rhs);
    ++ws.rankDeficientFits;
    return Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(Rp).solve(rhs);
}

}  // namespace

Eigen::MatrixXd sumInOrder(const std::vector<Eigen::MatrixXd>& blocks, std::size_t K) {
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(K), static_cast<Eigen::Index>(K));
    for (const auto& gb : blocks) g += gb;
    return g;
}

Eigen::MatrixXd blockGram(std::size_t P, const DesignFn& design, const double* x, std::size_t fstride,
                          const double* y, const double* w, std::size_t n, std::vector<double>& phi) {
    return blockGramImpl(P, design, x, fstride, y, w, n, nullptr, phi);
}

Eigen::VectorXd fitLeastSquares(std::size_t P, const DesignFn& design, const double* X,
                                std::size_t nT, std::size_t nPaths, const double* V, const double* H,
                                tbb::task_arena& arena, RegressionWorkspace& ws,
                                const Eigen::MatrixXd* firstGram) {
    ws.blockR.resize(blocksOf(nPaths));
    auto& blockR = ws.blockR;
    const Eigen::Index P1 = static_cast<Eigen::Index>(P + 1);
    auto gramPass = [&](const Eigen::MatrixXd* rInv) {
        overBlocks(nPaths, arena, ws, [&](std::size_t b, std::size_t first, std::size_t n, std::vector<double>& phi) {
            blockR[b] = blockGramImpl(P, design, X + first, nT, V + first, H + first, n, rInv, phi);
        });
        return sumInOrder(blockR, P + 1);
    };
    Eigen::MatrixXd R;
    bool cholOk = false;
    {
        const Eigen::MatrixXd g1 = firstGram ? *firstGram : gramPass(nullptr);
        if (g1(P1 - 1, P1 - 1) == 0.0)  // y = 0 on every weighted path: the coefficients are 0
            return Eigen::VectorXd::Zero(P1 - 1);
        const Eigen::LLT<Eigen::MatrixXd> c1(g1);
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
        ++ws.householderFits;
        // tall-skinny Householder QR: a QR of each block's rows, then of the stacked R factors
        overBlocks(nPaths, arena, ws, [&](std::size_t b, std::size_t first, std::size_t n, std::vector<double>& phi) {
            designRows(P, design, X + first, nT, V + first, H + first, n, nullptr, phi);
            Eigen::Map<Eigen::MatrixXd> A(phi.data(), static_cast<Eigen::Index>(n), P1);
            if (static_cast<Eigen::Index>(n) <= P1) {
                blockR[b] = A;
            } else {
                Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(A);
                blockR[b] = A.topRows(P1).triangularView<Eigen::Upper>();
            }
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
    return solveFromR(R, P, ws);
}

std::vector<Eigen::VectorXd> fitLeastSquaresMany(std::size_t P, const DesignFn& design, const double* X,
                                               std::size_t fstride, std::size_t nPaths,
                                               const std::vector<const double*>& ys, const double* w,
                                               tbb::task_arena& arena, RegressionWorkspace& ws) {
    const std::size_t k = ys.size();
    std::vector<Eigen::VectorXd> betas(k);
    if (k == 0) return betas;
    const std::size_t K = P + k;  // columns [phi | y_1 ... y_k]
    const auto Pi = static_cast<Eigen::Index>(P);
    ws.blockR.resize(blocksOf(nPaths));
    auto& blockG = ws.blockR;
    // the Gram matrix of all K columns, per block, summed in block order: its [phi | y_i] rows and
    // columns are, entry by entry, the Gram matrix fitLeastSquares forms for y_i alone
    auto gramPass = [&](auto&& transform) {
        overBlocks(nPaths, arena, ws, [&](std::size_t b, std::size_t first, std::size_t n, std::vector<double>& phi) {
            designRows(P, design, X + first, fstride, ys.data(), k, first, w + first, n, nullptr, phi);
            transform(phi.data(), n);
            blockG[b] = gram(phi.data(), n, K);
        });
        return sumInOrder(blockG, K);
    };
    auto sub = [&](const Eigen::MatrixXd& g, std::size_t i) {  // rows and columns of [phi | y_i]
        Eigen::MatrixXd s(Pi + 1, Pi + 1);
        s.topLeftCorner(Pi, Pi) = g.topLeftCorner(Pi, Pi);
        const auto yi = static_cast<Eigen::Index>(P + i);
        s.col(Pi).head(Pi) = g.col(yi).head(Pi);
        s.row(Pi).head(Pi) = g.row(yi).head(Pi);
        s(Pi, Pi) = g(yi, yi);
        return s;
    };
    const Eigen::MatrixXd g1 = gramPass([](double*, std::size_t) {});
    std::vector<Eigen::MatrixXd> r1(k), r1inv(k);
    std::vector<bool> ok(k, false);
    std::size_t common = k;  // a right-hand side whose first factor serves the basis columns
    for (std::size_t i = 0; i < k; ++i) {
        const auto yi = static_cast<Eigen::Index>(P + i);
        if (g1(yi, yi) == 0.0) {  // y_i = 0 on every weighted path: the coefficients are 0
            betas[i] = Eigen::VectorXd::Zero(Pi);  // (left out of the second pass: ok[i] is false)
            continue;
        }
        const Eigen::LLT<Eigen::MatrixXd> c1(sub(g1, i));
        if (c1.info() != Eigen::Success) continue;
        r1[i] = c1.matrixU();
        r1inv[i] = r1[i].triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(Pi + 1, Pi + 1));
        ok[i] = r1inv[i].allFinite();
        if (ok[i] && common == k) common = i;
    }
    if (common < k) {
        // second pass: each y_i column becomes its q_i = [phi | y_i] r1inv_i(:, P) (from the basis
        // columns as they are), then the basis columns become phi R1^-1, whose factor is the same for
        // every y_i (the leading block of the Cholesky factor depends on phi alone)
        const Eigen::MatrixXd g2 = gramPass([&](double* cols, std::size_t n) {
            for (std::size_t i = 0; i < k; ++i) {
                double* q = cols + (P + i) * n;
                if (!ok[i]) {
                    std::fill_n(q, n, 0.0);
                    continue;
                }
                const double d = r1inv[i](Pi, Pi);
                for (std::size_t p = 0; p < n; ++p) q[p] *= d;
                for (std::size_t l = 0; l < P; ++l) {
                    const double c = r1inv[i](static_cast<Eigen::Index>(l), Pi);
                    const double* a = cols + l * n;
                    for (std::size_t p = 0; p < n; ++p) q[p] += c * a[p];
                }
            }
            transformColumns(cols, n, P, r1inv[common]);
        });
        for (std::size_t i = 0; i < k; ++i) {
            if (!ok[i]) continue;
            const Eigen::LLT<Eigen::MatrixXd> c2(sub(g2, i));
            if (c2.info() != Eigen::Success) continue;
            const Eigen::MatrixXd R = Eigen::MatrixXd(c2.matrixU()) * r1[i];
            if (R.allFinite()) betas[i] = solveFromR(R, P, ws);
        }
    }
    for (std::size_t i = 0; i < k; ++i)  // any Cholesky failure: the single fit and its QR fallback,
        if (betas[i].size() == 0) {      // given the first Gram matrix it would form (the same, entry by entry)
            const Eigen::MatrixXd gi = sub(g1, i);
            betas[i] = fitLeastSquares(P, design, X, fstride, nPaths, ys[i], w, arena, ws, &gi);
        }
    return betas;
}

}  // namespace kp::detail
