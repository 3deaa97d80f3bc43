#include "grid_kernel.hpp"

#include <boost/math/quadrature/gauss.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

namespace kp::detail {

namespace {

constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kInvSqrt2 = 0.70710678118654752440;

/// Coefficients of the 4-point Lagrange basis on the nodes -1, 0, 1, 2 as cubics in s:
/// lambda_r(s) = sum_n kLagrange[r][n] s^n.
constexpr double kLagrange[4][4] = {
    {0.0, -1.0 / 3.0, 0.5, -1.0 / 6.0},  // node -1: -s (s - 1)(s - 2) / 6
    {1.0, -0.5, -1.0, 0.5},              // node 0: (s + 1)(s - 1)(s - 2) / 2
    {0.0, 1.0, 0.5, -0.5},               // node 1: -(s + 1) s (s - 2) / 2
    {0.0, -1.0 / 6.0, 0.0, 1.0 / 6.0},   // node 2: (s + 1) s (s - 1) / 6
};

double phi(double u) { return kInvSqrt2Pi * std::exp(-0.5 * u * u); }

/// m[n] = integral_{s0}^{s1} s^n g(o + s) ds, n = 0..3, g the N(0, width^2) density.
void cellMoments(double width, double o, double s0, double s1, double m[4]) {
    if (width < 2.0) {
        // u = (o + s) / width: s^n = (width u - o)^n, with the normal's partial moments
        // I_k = integral_{ua}^{ub} u^k phi(u) du (I_k = (k - 1) I_{k-2} + ua^{k-1} phi(ua) - ...).
        const double ua = (o + s0) / width, ub = (o + s1) / width;
        const double pa = phi(ua), pb = phi(ub);
        const double i0 = normalMass(ua, ub);
        const double i1 = pa - pb;
        const double i2 = i0 + ua * pa - ub * pb;
        const double i3 = 2.0 * i1 + ua * ua * pa - ub * ub * pb;
        const double w = width;
        m[0] = i0;
        m[1] = w * i1 - o * i0;
        m[2] = w * w * i2 - 2.0 * o * w * i1 + o * o * i0;
        m[3] = w * w * w * i3 - 3.0 * o * w * w * i2 + 3.0 * o * o * w * i1 - o * o * o * i0;
        return;
    }
    // the Gaussian spans more than 2 cells: over [s0, s1] (at most half a standard deviation) the
    // integrand is a cubic times a smooth bump, integrated by 8-point Gauss-Legendre to rounding
    using Gauss = boost::math::quadrature::gauss<double, 8>;
    const auto& x = Gauss::abscissa();
    const auto& wt = Gauss::weights();
    const double half = 0.5 * (s1 - s0), mid = 0.5 * (s0 + s1);
    const double inv = 1.0 / width;
    m[0] = m[1] = m[2] = m[3] = 0.0;
    for (std::size_t q = 0; q < x.size(); ++q) {
        for (const double sign : {-1.0, 1.0}) {
            const double s = mid + sign * half * x[q];
            const double u = (o + s) * inv;
            const double g = wt[q] * half * kInvSqrt2Pi * inv * std::exp(-0.5 * u * u);
            m[0] += g;
            m[1] += g * s;
            m[2] += g * s * s;
            m[3] += g * s * s * s;
        }
    }
}

/// 4-point Lagrange weights on the nodes 0, 1, 2, 3 at t.
void lagrange4(double t, double l[4]) {
    l[0] = -(t - 1.0) * (t - 2.0) * (t - 3.0) / 6.0;
    l[1] = t * (t - 2.0) * (t - 3.0) / 2.0;
    l[2] = -t * (t - 1.0) * (t - 3.0) / 2.0;
    l[3] = t * (t - 1.0) * (t - 2.0) / 6.0;
}

/// The first node of the clamped 4-point stencil around pos and pos's offset from it.
int stencilStart(double pos, int n, double& t) {
    const int b = std::clamp(static_cast<int>(std::floor(pos)) - 1, 0, n - 4);
    t = pos - b;
    return b;
}

/// Ghost multipliers: f(n - 1 + m) = f[n-1] + (f[n-1] - f[n-2]) up(m), f(-m) = f[0] + (f[1] - f[0]) down(m).
double ghostUp(double h, int m) { return std::expm1(m * h) / -std::expm1(-h); }
double ghostDown(double h, int m) { return std::expm1(-m * h) / std::expm1(h); }

/// The adjoint of extend: folds ext-adjoint values back onto the n nodes (adds to out).
void extendAdjoint(const double* extAdj, int n, double h, int G, double* out) {
    for (int i = 0; i < n; ++i) out[i] += extAdj[G + i];
    for (int m = 1; m <= G; ++m) {
        const double up = ghostUp(h, m), down = ghostDown(h, m);
        const double a = extAdj[G + n - 1 + m], b = extAdj[G - m];
        out[n - 1] += a * (1.0 + up);
        out[n - 2] -= a * up;
        out[0] += b * (1.0 - down);
        out[1] += b * down;
    }
}

/// Ghost cells needed by a kernel of band B (stencils reach B + 1 cells beyond the edges).
int ghostsFor(const GridKernel& k) { return k.band + 2; }

/// out[i] = sum_q c[q] src[q][i], i < n, summed in the order of q for every i (so the result does
/// not depend on the blocking): blocks of 32 outputs stay in four 8-wide vector registers while q
/// runs (GCC vector extension; a plain array accumulator was kept in memory: 4x slower).
void weightedSum(const double* c, const std::vector<const double*>& src, int n, double* out) {
    using V8 = double __attribute__((vector_size(64)));
    constexpr int T = 32;
    const std::size_t Q = src.size();
    int i = 0;
    for (; i + T <= n; i += T) {
        V8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
        for (std::size_t q = 0; q < Q; ++q) {
            const double cq = c[q];
            const double* x = src[q] + i;
            V8 x0, x1, x2, x3;
            std::memcpy(&x0, x, sizeof x0);
            std::memcpy(&x1, x + 8, sizeof x1);
            std::memcpy(&x2, x + 16, sizeof x2);
            std::memcpy(&x3, x + 24, sizeof x3);
            a0 += cq * x0;
            a1 += cq * x1;
            a2 += cq * x2;
            a3 += cq * x3;
        }
        std::memcpy(out + i, &a0, sizeof a0);
        std::memcpy(out + i + 8, &a1, sizeof a1);
        std::memcpy(out + i + 16, &a2, sizeof a2);
        std::memcpy(out + i + 24, &a3, sizeof a3);
    }
    for (; i < n; ++i) {
        double acc = 0.0;
        for (std::size_t q = 0; q < Q; ++q) acc += c[q] * src[q][i];
        out[i] = acc;
    }
}

/// The piece of cell c (cells beyond the grid take the edge node's piece), or -1 if c is split.
int cellPiece(const Piecewise& pw, int n, int c) {
    if (c < 0) return pw.piece[0];
    if (c > n - 2) return pw.piece[static_cast<std::size_t>(n - 1)];
    return pw.splitOf[static_cast<std::size_t>(c)] < 0 ? pw.piece[static_cast<std::size_t>(c)] : -1;
}

}  // namespace

double normalMass(double a, double b) {
    if (a >= 0) return 0.5 * (std::erfc(a * kInvSqrt2) - std::erfc(b * kInvSqrt2));
    if (b <= 0) return 0.5 * (std::erfc(-b * kInvSqrt2) - std::erfc(-a * kInvSqrt2));
    return 1.0 - 0.5 * (std::erfc(b * kInvSqrt2) + std::erfc(-a * kInvSqrt2));
}

GridKernel makeKernel(double width, double kernelSds) {
    GridKernel k;
    k.width = width;
    if (!(width > 0)) return k;
    const int B = std::max(1, static_cast<int>(std::ceil(kernelSds * width)));
    k.band = B;
    k.cell.assign(static_cast<std::size_t>(2 * B) * 4, 0.0);
    k.node.assign(static_cast<std::size_t>(2 * B + 3), 0.0);
    for (int o = -B; o < B; ++o) {
        double* c = k.cell.data() + static_cast<std::size_t>(o + B) * 4;
        partialCellWeights(width, o, 0.0, 1.0, c);
        for (int r = 0; r < 4; ++r) k.node[static_cast<std::size_t>(o - 1 + r + B + 1)] += c[r];
    }
    return k;
}

void partialCellWeights(double width, double o, double s0, double s1, double out[4]) {
    double m[4];
    cellMoments(width, o, s0, s1, m);
    for (int r = 0; r < 4; ++r)
        out[r] = kLagrange[r][0] * m[0] + kLagrange[r][1] * m[1] + kLagrange[r][2] * m[2] +
                 kLagrange[r][3] * m[3];
}

void partialCellRow(double width, int B, double s0, double s1, std::vector<double>& out) {
    out.assign(static_cast<std::size_t>(2 * B) * 4, 0.0);
    if (width < 2.0) {
        for (int o = -B; o < B; ++o) partialCellWeights(width, o, s0, s1, out.data() + static_cast<std::size_t>(o + B) * 4);
        return;
    }
    // 8-point Gauss-Legendre in each cell, as cellMoments, with the Gaussian at the nodes advanced
    // from one cell to the next by two multiplications: g(u + 1) = g(u) r(u), r(u + 1) = r(u) e^{-1/w^2}
    using Gauss = boost::math::quadrature::gauss<double, 8>;
    const auto& x = Gauss::abscissa();
    const auto& wt = Gauss::weights();
    const double half = 0.5 * (s1 - s0), mid = 0.5 * (s0 + s1);
    const double a = 0.5 / (width * width), step = std::exp(-2.0 * a);
    for (std::size_t q = 0; q < x.size(); ++q)
        for (const double sign : {-1.0, 1.0}) {
            const double sq = mid + sign * half * x[q];
            double lam[4];
            for (int r = 0; r < 4; ++r)
                lam[r] = kLagrange[r][0] + sq * (kLagrange[r][1] + sq * (kLagrange[r][2] + sq * kLagrange[r][3]));
            const double u0 = -B + sq;  // position of the node in the first cell
            double g = wt[q] * half * kInvSqrt2Pi / width * std::exp(-a * u0 * u0);
            double ratio = std::exp(-a * (2.0 * u0 + 1.0));
            for (int o = -B; o < B; ++o) {
                double* row = out.data() + static_cast<std::size_t>(o + B) * 4;
                for (int r = 0; r < 4; ++r) row[r] += g * lam[r];
                g *= ratio;
                ratio *= step;
            }
        }
}

double interpolate(const double* f, int n, double pos) {
    double t, l[4];
    const int b = stencilStart(pos, n, t);
    lagrange4(t, l);
    return l[0] * f[b] + l[1] * f[b + 1] + l[2] * f[b + 2] + l[3] * f[b + 3];
}

void stencil(const double* f, int n, double h, int c, double out[4]) {
    for (int r = 0; r < 4; ++r) {
        const int i = c - 1 + r;
        if (i < 0) out[r] = f[0] + (f[1] - f[0]) * ghostDown(h, -i);
        else if (i > n - 1) out[r] = f[n - 1] + (f[n - 1] - f[n - 2]) * ghostUp(h, i - (n - 1));
        else out[r] = f[i];
    }
}

void extend(const double* f, int n, double h, int G, double* ext) {
    std::copy_n(f, n, ext + G);
    const double dUp = f[n - 1] - f[n - 2], dDown = f[1] - f[0];
    for (int m = 1; m <= G; ++m) {
        ext[G + n - 1 + m] = f[n - 1] + dUp * ghostUp(h, m);
        ext[G - m] = f[0] + dDown * ghostDown(h, m);
    }
}

void expectSmooth(const GridKernel& k, const double* f, int n, double h, double* out,
                  KernelWork& w) {
    if (k.identity()) {
        std::copy_n(f, n, out);
        return;
    }
    const int B = k.band, G = ghostsFor(k);
    w.ext.resize(static_cast<std::size_t>(n + 2 * G));
    extend(f, n, h, G, w.ext.data());
    const int len = 2 * B + 3;
    w.src.resize(static_cast<std::size_t>(len));
    for (int j = 0; j < len; ++j) w.src[static_cast<std::size_t>(j)] = w.ext.data() + (G - B - 1 + j);
    weightedSum(k.node.data(), w.src, n, out);
}

void expectPiecewise(const GridKernel& k, const Piecewise& pw, const std::vector<const double*>& pieces,
                     int n, double h, double* out, KernelWork& w) {
    assert(pw.piece.size() == static_cast<std::size_t>(n));
    if (k.identity()) {
        for (int i = 0; i < n; ++i) out[i] = pieces[static_cast<std::size_t>(pw.piece[static_cast<std::size_t>(i)])][i];
        return;
    }
    const int B = k.band, G = ghostsFor(k);
    const std::size_t P = pieces.size();
    w.pieceExt.resize(std::max(w.pieceExt.size(), P));
    std::vector<char> used(P, 0);
    for (int p : pw.piece) used[static_cast<std::size_t>(p)] = 1;
    for (const CellSplit& cs : pw.splits)
        for (int p : cs.piece) used[static_cast<std::size_t>(p)] = 1;
    for (std::size_t p = 0; p < P; ++p)
        if (used[p]) {
            w.pieceExt[p].resize(static_cast<std::size_t>(n + 2 * G));
            extend(pieces[p], n, h, G, w.pieceExt[p].data());
        }
    // V: every node's value in its own piece (ghosts: the edge nodes' pieces); out = the plain
    // expectation of V's interpolant, then corrected on the cells where the interpolant is not V's:
    // split cells, and whole cells whose stencil reaches a node of another piece
    w.ext.resize(static_cast<std::size_t>(n + 2 * G));
    for (int i = -G; i < n + G; ++i) {
        const int p = pw.piece[static_cast<std::size_t>(std::clamp(i, 0, n - 1))];
        w.ext[static_cast<std::size_t>(G + i)] = w.pieceExt[static_cast<std::size_t>(p)][static_cast<std::size_t>(G + i)];
    }
    const int len = 2 * B + 3;
    w.src.resize(static_cast<std::size_t>(len));
    for (int j = 0; j < len; ++j) w.src[static_cast<std::size_t>(j)] = w.ext.data() + (G - B - 1 + j);
    weightedSum(k.node.data(), w.src, n, out);
    for (int c = -1; c <= n - 1; ++c) {
        const int p = cellPiece(pw, n, c);
        const double* v = w.ext.data() + (G + c - 1);
        double d[4] = {0, 0, 0, 0};  // whole cell: its piece's stencil minus V's
        if (p >= 0) {
            const double* e = w.pieceExt[static_cast<std::size_t>(p)].data() + (G + c - 1);
            bool same = true;
            for (int r = 0; r < 4; ++r) {
                d[r] = e[r] - v[r];
                same = same && d[r] == 0.0;
            }
            if (same) continue;
        }
        const int i0 = std::max(0, c - B + 1), i1 = std::min(n - 1, c + B);
        if (p >= 0) {
            for (int i = i0; i <= i1; ++i) {
                const double* full = k.cell.data() + static_cast<std::size_t>(c - i + B) * 4;
                out[i] += full[0] * d[0] + full[1] * d[1] + full[2] * d[2] + full[3] * d[3];
            }
            continue;
        }
        // a split cell: each part with its own piece's interpolant, instead of V's over the cell
        const CellSplit& cs = pw.splits[static_cast<std::size_t>(pw.splitOf[static_cast<std::size_t>(c)])];
        for (int i = i0; i <= i1; ++i) {
            const double* full = k.cell.data() + static_cast<std::size_t>(c - i + B) * 4;
            out[i] -= full[0] * v[0] + full[1] * v[1] + full[2] * v[2] + full[3] * v[3];
        }
        for (std::size_t q = 0; q < cs.piece.size(); ++q) {
            if (!(cs.s[q + 1] > cs.s[q])) continue;
            partialCellRow(k.width, B, cs.s[q], cs.s[q + 1], w.row);
            const double* e = w.pieceExt[static_cast<std::size_t>(cs.piece[q])].data() + (G + c - 1);
            for (int i = i0; i <= i1; ++i) {
                const double* L = w.row.data() + static_cast<std::size_t>(c - i + B) * 4;
                out[i] += L[0] * e[0] + L[1] * e[1] + L[2] * e[2] + L[3] * e[3];
            }
        }
    }
}

void expectMaskedAdjoint(const GridKernel& k, const Piecewise& pw, const double* v, int n, double h,
                         double* out, KernelWork& w) {
    if (k.identity()) {
        for (int i = 0; i < n; ++i) out[i] = pw.piece[static_cast<std::size_t>(i)] == 0 ? v[i] : 0.0;
        return;
    }
    const int B = k.band, G = ghostsFor(k);
    w.adj.assign(static_cast<std::size_t>(n + 2 * G), 0.0);
    const double* cw = k.cell.data();
    // y[r][c] = sum_i v_i cell[c - i][r] = sum_o cell[o][r] v[c - o] over all cells c (v padded
    // with zeros: vpad[m] = v[m - 2B])
    const std::size_t cells = static_cast<std::size_t>(n + 2 * B - 1);
    w.ext.assign(static_cast<std::size_t>(n + 4 * B), 0.0);
    std::copy_n(v, n, w.ext.data() + 2 * B);
    w.z.resize(4 * cells);
    w.src.resize(static_cast<std::size_t>(2 * B));
    w.ext2.resize(static_cast<std::size_t>(2 * B));
    for (std::size_t r = 0; r < 4; ++r) {
        for (int o = -B; o < B; ++o) {
            w.src[static_cast<std::size_t>(o + B)] = w.ext.data() + (B - o);  // c' = c + B: vpad[c' + B - o]
            w.ext2[static_cast<std::size_t>(o + B)] = cw[static_cast<std::size_t>(o + B) * 4 + r];
        }
        weightedSum(w.ext2.data(), w.src, static_cast<int>(cells), w.z.data() + r * cells);
    }
    for (int c = -B; c <= n + B - 2; ++c) {
        if (cellPiece(pw, n, c) != 0) continue;
        for (std::size_t r = 0; r < 4; ++r)
            w.adj[static_cast<std::size_t>(G + c - 1) + r] += w.z[r * cells + static_cast<std::size_t>(c + B)];
    }
    for (int c = 0; c + 1 < n; ++c) {
        const int at = pw.splitOf[static_cast<std::size_t>(c)];
        if (at < 0) continue;
        const CellSplit& cs = pw.splits[static_cast<std::size_t>(at)];
        double y[4] = {0, 0, 0, 0};
        for (std::size_t q = 0; q < cs.piece.size(); ++q) {
            if (cs.piece[q] != 0 || !(cs.s[q + 1] > cs.s[q])) continue;
            partialCellRow(k.width, B, cs.s[q], cs.s[q + 1], w.row);
            for (int i = std::max(0, c - B + 1); i <= std::min(n - 1, c + B); ++i) {
                const double* L = w.row.data() + static_cast<std::size_t>(c - i + B) * 4;
                for (int r = 0; r < 4; ++r) y[r] += v[i] * L[r];
            }
        }
        for (int r = 0; r < 4; ++r) w.adj[static_cast<std::size_t>(G + c - 1 + r)] += y[r];
    }
    std::fill_n(out, n, 0.0);
    extendAdjoint(w.adj.data(), n, h, G, out);
}

void branches(const double* f, int n, const std::vector<double>& kinks,
              std::vector<std::vector<double>>& out) {
    const std::size_t Q = kinks.size();
    out.resize(Q + 1);
    // Lagrange polynomial through (first + k, f[first + k]), k < m, at x
    const auto extrapolate = [&](int first, int m, int x) {
        double v = 0.0;
        for (int k = 0; k < m; ++k) {
            double l = 1.0;
            for (int q = 0; q < m; ++q)
                if (q != k) l *= static_cast<double>(x - first - q) / static_cast<double>(k - q);
            v += l * f[first + k];
        }
        return v;
    };
    for (std::size_t b = 0; b <= Q; ++b) {
        std::vector<double>& g = out[b];
        g.assign(f, f + n);
        const int lo = b == 0 ? 0 : static_cast<int>(std::floor(kinks[b - 1])) + 1;
        const int hi = b == Q ? n - 1 : static_cast<int>(std::floor(kinks[b]));
        const int m = std::min(4, hi - lo + 1);
        if (m <= 0) continue;  // two kinks in one cell: no node of its own
        for (int x = lo - 2; x < lo; ++x)
            if (x >= 0) g[static_cast<std::size_t>(x)] = extrapolate(lo, m, x);
        for (int x = hi + 1; x <= hi + 2; ++x)
            if (x < n) g[static_cast<std::size_t>(x)] = extrapolate(hi - m + 1, m, x);
    }
}

Piecewise branchPieces(int n, const std::vector<double>& kinks) {
    Piecewise pw;
    pw.piece.resize(static_cast<std::size_t>(n));
    pw.splitOf.assign(static_cast<std::size_t>(n - 1), -1);
    std::size_t b = 0;
    for (int i = 0; i < n; ++i) {
        while (b < kinks.size() && kinks[b] < i) ++b;
        pw.piece[static_cast<std::size_t>(i)] = static_cast<int>(b);
    }
    for (std::size_t q = 0; q < kinks.size();) {
        const int c = static_cast<int>(std::floor(kinks[q]));
        CellSplit cs;
        cs.s.push_back(0.0);
        cs.piece.push_back(static_cast<int>(q));
        for (; q < kinks.size() && kinks[q] < c + 1; ++q) {
            cs.s.push_back(kinks[q] - c);
            cs.piece.push_back(static_cast<int>(q + 1));
        }
        cs.s.push_back(1.0);
        pw.splitOf[static_cast<std::size_t>(c)] = static_cast<int>(pw.splits.size());
        pw.splits.push_back(std::move(cs));
    }
    return pw;
}

void contract(const double* f, int n, double a, double* out) {
    if (a == 1.0) {
        std::copy_n(f, n, out);
        return;
    }
    const double c0 = 0.5 * (n - 1);
    for (int i = 0; i < n; ++i) out[i] = interpolate(f, n, c0 + a * (i - c0));
}

void contractAdjoint(const double* v, int n, double a, double* out) {
    if (a == 1.0) {
        std::copy_n(v, n, out);
        return;
    }
    std::fill_n(out, n, 0.0);
    const double c0 = 0.5 * (n - 1);
    for (int i = 0; i < n; ++i) {
        double t, l[4];
        const int b = stencilStart(c0 + a * (i - c0), n, t);
        lagrange4(t, l);
        for (int r = 0; r < 4; ++r) out[b + r] += v[i] * l[r];
    }
}

}  // namespace kp::detail
