#include "kp/oracles/investment_oracle.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>

#include "detail/grid_kernel.hpp"
#include "kp/core/errors.hpp"

namespace kp {

std::string toString(BoundaryStatus s) {
    switch (s) {
        case BoundaryStatus::Found: return "found";
        case BoundaryStatus::BelowRange: return "below_range";
        case BoundaryStatus::AboveRange: return "above_range";
        default: return "no_switch";
    }
}

namespace {

// Glossary. H periods, n grid nodes, c0 = (n - 1) / 2 the centre node, h the log spacing. Actions:
// 0 = wait, 1 + j = invest in technology j, J + 1 = exit. A "position" is a real node index.
// Operating modes: m, m2 index OracleTechnology::modeCashFlow; V_j(k, m) is the value of operating
// technology j from period k with the previous period's mode m.
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kWhere = "investmentOracle: ";

bool finite(double x) { return std::isfinite(x); }

void validateFactor(const OracleFactor& f, int H) {
    KP_REQUIRE(finite(f.spot) && f.spot > 0, kWhere, "factor.spot is ", f.spot,
               ", but must be positive and finite");
    KP_REQUIRE(finite(f.sigma) && f.sigma >= 0, kWhere, "factor.sigma is ", f.sigma,
               ", but must be non-negative and finite");
    const auto sizeOk = [H](std::size_t s) { return s == 1 || s == static_cast<std::size_t>(H); };
    if (f.kind == OracleFactor::Kind::Gbm) {
        KP_REQUIRE(sizeOk(f.drift.size()), kWhere, "factor.drift has ", f.drift.size(),
                   " values, but must have 1 or one per period (", H, ")");
        for (std::size_t k = 0; k < f.drift.size(); ++k)
            KP_REQUIRE(finite(f.drift[k]), kWhere, "factor.drift[", k, "] is ", f.drift[k],
                       ", but must be finite");
        KP_REQUIRE(finite(f.yield), kWhere, "factor.yield is ", f.yield, ", but must be finite");
    } else {
        KP_REQUIRE(finite(f.kappa) && f.kappa > 0, kWhere, "factor.kappa is ", f.kappa,
                   ", but must be positive and finite");
        KP_REQUIRE(sizeOk(f.meanLevels.size()), kWhere, "factor.meanLevels has ",
                   f.meanLevels.size(), " values, but must have 1 or one per period (", H, ")");
        for (std::size_t k = 0; k < f.meanLevels.size(); ++k)
            KP_REQUIRE(finite(f.meanLevels[k]), kWhere, "factor.meanLevels[", k, "] is ",
                       f.meanLevels[k], ", but must be finite");
    }
}

void validateWindow(const char* what, std::size_t i, const std::string& name, int first, int last,
                    int H) {
    KP_REQUIRE(first >= 0 && first < H, kWhere, what, "[", i, "] ('", name, "').firstDecision is ",
               first, ", but must be in [0, ", H - 1, "]");
    KP_REQUIRE(last >= first && last < H, kWhere, what, "[", i, "] ('", name, "').lastDecision is ",
               last, ", but must be in [firstDecision = ", first, ", ", H - 1, "]");
}

/// Operating modes (OracleTechnology::modeCashFlow, switchCost); `at(field)` names the field.
template <class At>
void validateModes(const OracleTechnology& t, const At& at, int H) {
    const std::size_t M = t.modeCashFlow.size();
    KP_REQUIRE(M <= 8, kWhere, at("modeCashFlow"), " has ", M, " modes, but must have 1 to 8 (or none)");
    for (std::size_t m = 0; m < M; ++m)
        KP_REQUIRE(static_cast<bool>(t.modeCashFlow[m]), kWhere, at("modeCashFlow"), "[", m,
                   "] is empty, but must be a callable (k, x) -> cash flow");
    KP_REQUIRE(!t.cashFlow, kWhere, at("cashFlow"),
               " is set, but must be empty with modeCashFlow (the modes' cash flows replace it)");
    KP_REQUIRE(t.headPeriods == 0, kWhere, at("headPeriods"), " is ", t.headPeriods,
               ", but must be 0 with modeCashFlow");
    KP_REQUIRE(t.lifetimePeriods >= H, kWhere, at("lifetimePeriods"), " is ", t.lifetimePeriods,
               ", but must be at least periods (", H, ") with modeCashFlow (operation runs to the horizon)");
    KP_REQUIRE(t.switchCost.size() == M, kWhere, at("switchCost"), " has ", t.switchCost.size(),
               " rows, but must have one per mode (", M, ")");
    for (std::size_t m = 0; m < M; ++m) {
        const std::vector<double>& row = t.switchCost[m];
        KP_REQUIRE(row.size() == M, kWhere, at("switchCost"), "[", m, "] has ", row.size(),
                   " entries, but must have one per mode (", M, ")");
        for (std::size_t m2 = 0; m2 < M; ++m2) {
            const double c = row[m2];
            if (m2 == m)
                KP_REQUIRE(c == 0, kWhere, at("switchCost"), "[", m, "][", m2, "] is ", c,
                           ", but must be 0 (staying in a mode costs nothing)");
            else
                KP_REQUIRE(c >= 0, kWhere, at("switchCost"), "[", m, "][", m2, "] is ", c,
                           ", but must be non-negative (+inf: not allowed)");
        }
    }
}

void validate(const InvestmentOracleProblem& p, const InvestmentOracleSettings& s) {
    const int H = p.periods;
    KP_REQUIRE(H >= 1 && H <= 1'000'000, kWhere, "periods is ", H, ", but must be in [1, 1000000]");
    KP_REQUIRE(p.periodsPerYear >= 1, kWhere, "periodsPerYear is ", p.periodsPerYear,
               ", but must be at least 1");
    KP_REQUIRE(p.discount.size() == static_cast<std::size_t>(H), kWhere, "discount has ",
               p.discount.size(), " factors, but must have one per period (", H, ")");
    for (std::size_t k = 0; k < p.discount.size(); ++k)
        KP_REQUIRE(finite(p.discount[k]) && p.discount[k] > 0, kWhere, "discount[", k, "] is ",
                   p.discount[k], ", but must be positive and finite");
    KP_REQUIRE(static_cast<bool>(p.carryOn), kWhere,
               "carryOn is empty, but must be a callable (k, x) -> cash flow");
    validateFactor(p.factor, H);
    for (std::size_t k = 0; k < p.kinks.size(); ++k)
        KP_REQUIRE(finite(p.kinks[k]) && p.kinks[k] > 0, kWhere, "kinks[", k, "] is ", p.kinks[k],
                   ", but must be positive and finite (a value of X)");
    KP_REQUIRE(p.technologies.size() <= 100, kWhere, "technologies has ", p.technologies.size(),
               " entries, but must have at most 100");
    for (std::size_t j = 0; j < p.technologies.size(); ++j) {
        const OracleTechnology& t = p.technologies[j];
        const auto at = [&](const char* field) {
            return std::string("technologies[") + std::to_string(j) + "] ('" + t.name + "')." + field;
        };
        if (t.modeCashFlow.empty()) {
            KP_REQUIRE(static_cast<bool>(t.cashFlow), kWhere, at("cashFlow"),
                       " is empty, but must be a callable (k, m, x) -> cash flow");
            KP_REQUIRE(t.switchCost.empty(), kWhere, at("switchCost"), " has ", t.switchCost.size(),
                       " rows, but must be empty when modeCashFlow is");
        }
        KP_REQUIRE(t.headPeriods >= 0, kWhere, at("headPeriods"), " is ", t.headPeriods,
                   ", but must be non-negative");
        KP_REQUIRE(t.capex.size() == 1 || t.capex.size() == static_cast<std::size_t>(H), kWhere,
                   at("capex"), " has ", t.capex.size(), " values, but must have 1 or one per period (",
                   H, ")");
        for (std::size_t k = 0; k < t.capex.size(); ++k)
            KP_REQUIRE(finite(t.capex[k]), kWhere, at("capex"), "[", k, "] is ", t.capex[k],
                       ", but must be finite");
        KP_REQUIRE(t.constructionPeriods >= 0, kWhere, at("constructionPeriods"), " is ",
                   t.constructionPeriods, ", but must be non-negative");
        KP_REQUIRE(t.lifetimePeriods >= 1, kWhere, at("lifetimePeriods"), " is ", t.lifetimePeriods,
                   ", but must be at least 1");
        KP_REQUIRE(t.infrastructurePeriod >= 0, kWhere, at("infrastructurePeriod"), " is ",
                   t.infrastructurePeriod, ", but must be non-negative");
        validateWindow("technologies", j, t.name, t.firstDecision, t.lastDecision, H);
        if (!t.modeCashFlow.empty()) validateModes(t, at, H);
    }
    for (std::size_t x = 0; x < p.exits.size(); ++x) {
        const OracleExit& e = p.exits[x];
        KP_REQUIRE(finite(e.netValue), kWhere, "exits[", x, "] ('", e.name, "').netValue is ",
                   e.netValue, ", but must be finite");
        validateWindow("exits", x, e.name, e.firstDecision, e.lastDecision, H);
    }
    KP_REQUIRE(s.gridPoints >= 9 && s.gridPoints % 2 == 1 && s.gridPoints <= 1'000'001, kWhere,
               "gridPoints is ", s.gridPoints, ", but must be odd and in [9, 1000001]");
    KP_REQUIRE(finite(s.gridSds) && s.gridSds > 0, kWhere, "gridSds is ", s.gridSds,
               ", but must be positive and finite");
    KP_REQUIRE(finite(s.halfWidth) && s.halfWidth >= 0, kWhere, "halfWidth is ", s.halfWidth,
               ", but must be non-negative and finite (0: gridSds decides)");
    KP_REQUIRE(finite(s.kernelSds) && s.kernelSds >= 4 && s.kernelSds <= 40, kWhere,
               "kernelSds is ", s.kernelSds, ", but must be in [4, 40]");
}

/// The grid of every date and the factor's law between dates.
struct Grid {
    int H = 0, n = 0, c0 = 0;
    double h = 0, dt = 0, sigma = 0, kappa = 0;
    bool ou = false;
    std::vector<double> mean;  ///< E[log X_k | X_0], k = 0..H: the centre of date k's grid
    std::vector<double> logKinks;  ///< log of the cash flows' kinks in X, sorted

    /// Standard deviation of log X_{k+g} given X_k.
    double sd(int g) const {
        if (g <= 0 || sigma == 0) return 0.0;
        if (!ou) return sigma * std::sqrt(g * dt);
        return sigma * std::sqrt(-std::expm1(-2.0 * kappa * g * dt) / (2.0 * kappa));
    }
    /// Slope of E[log X_{k+g} | log X_k] in log X_k (1 for Gbm).
    double contraction(int g) const { return ou ? std::exp(-kappa * g * dt) : 1.0; }
    double x(int k, double pos) const { return std::exp(mean[static_cast<std::size_t>(k)] + (pos - c0) * h); }
    /// The kinks inside date k's grid as positions, moved off the nodes (by 1e-7 cells at most).
    std::vector<double> kinks(int k) const {
        std::vector<double> out;
        for (double lk : logKinks) {
            double pos = c0 + (lk - mean[static_cast<std::size_t>(k)]) / h;
            if (std::abs(pos - std::round(pos)) < 1e-7) pos = std::round(pos) + 1e-7;
            if (pos > 0 && pos < n - 1) out.push_back(pos);
        }
        return out;
    }
};

Grid makeGrid(const InvestmentOracleProblem& p, const InvestmentOracleSettings& s) {
    Grid g;
    const OracleFactor& f = p.factor;
    g.H = p.periods;
    g.n = s.gridPoints;
    g.c0 = (g.n - 1) / 2;
    g.dt = 1.0 / p.periodsPerYear;
    g.sigma = f.sigma;
    g.ou = f.kind == OracleFactor::Kind::ExpOu;
    g.kappa = g.ou ? f.kappa : 0.0;
    g.mean.resize(static_cast<std::size_t>(g.H) + 1);
    g.mean[0] = std::log(f.spot);
    const double a = g.contraction(1);
    for (std::size_t k = 0; k < static_cast<std::size_t>(g.H); ++k) {
        if (!g.ou) {
            const double mu = f.drift.size() == 1 ? f.drift[0] : f.drift[k];
            g.mean[k + 1] = g.mean[k] + (mu - f.yield - 0.5 * f.sigma * f.sigma) * g.dt;
        } else {
            const double theta = f.meanLevels.size() == 1 ? f.meanLevels[0] : f.meanLevels[k];
            g.mean[k + 1] = a * g.mean[k] + (1.0 - a) * theta;
        }
    }
    for (double k : p.kinks) g.logKinks.push_back(std::log(k));
    std::sort(g.logKinks.begin(), g.logKinks.end());
    const double sdH = g.sd(g.H);
    const double half = s.halfWidth > 0 ? s.halfWidth : sdH > 0 ? s.gridSds * sdH : 1.0;
    g.h = 2.0 * half / (g.n - 1);
    return g;
}

/// Conditional expectations between the dates of a Grid (kernels cached by the gap in periods).
class Operators {
public:
    Operators(const Grid& g, double kernelSds) : g_(g), kernelSds_(kernelSds) {}

    const detail::GridKernel& kernel(int gap) {
        auto it = kernels_.find(gap);
        if (it == kernels_.end())
            it = kernels_.emplace(gap, detail::makeKernel(g_.sd(gap) / g_.h, kernelSds_)).first;
        return it->second;
    }
    /// out = E[f(X_k) | X_d = node] for f given at the nodes of date k >= d, smooth but for the
    /// problem's kinks (each side of a kink interpolated from its own side).
    void smooth(int d, int k, const double* f, double* out) {
        if (k == d) {
            std::copy_n(f, g_.n, out);
            return;
        }
        tmp_.resize(static_cast<std::size_t>(g_.n));
        const std::vector<double> kinks = g_.kinks(k);
        if (kinks.empty()) {
            detail::expectSmooth(kernel(k - d), f, g_.n, g_.h, tmp_.data(), work_);
        } else {
            detail::branches(f, g_.n, kinks, branches_);
            std::vector<const double*> pieces;
            for (const auto& b : branches_) pieces.push_back(b.data());
            detail::expectPiecewise(kernel(k - d), detail::branchPieces(g_.n, kinks), pieces, g_.n, g_.h,
                                    tmp_.data(), work_);
        }
        detail::contract(tmp_.data(), g_.n, g_.contraction(k - d), out);
    }
    /// out = E[F(X_{d+1}) | X_d = node] for F made of pieces (the value function at d + 1).
    void piecewise(const detail::Piecewise& pw, const std::vector<const double*>& pieces, double* out) {
        piecewise(1, pw, pieces, out);
    }
    /// out = E[F(X_{d+gap}) | X_d = node] for F made of pieces on date d + gap's grid (gap >= 0).
    void piecewise(int gap, const detail::Piecewise& pw, const std::vector<const double*>& pieces, double* out) {
        tmp_.resize(static_cast<std::size_t>(g_.n));
        detail::expectPiecewise(kernel(gap), pw, pieces, g_.n, g_.h, tmp_.data(), work_);
        detail::contract(tmp_.data(), g_.n, g_.contraction(gap), out);
    }
    /// The adjoint of u -> E[1{X_{d+1} kept by pw} u(X_{d+1}) | X_d = node] applied to v.
    void maskedAdjoint(const detail::Piecewise& pw, const double* v, double* out) {
        tmp_.resize(static_cast<std::size_t>(g_.n));
        detail::contractAdjoint(v, g_.n, g_.contraction(1), tmp_.data());
        detail::expectMaskedAdjoint(kernel(1), pw, tmp_.data(), g_.n, g_.h, out, work_);
    }

private:
    const Grid& g_;
    double kernelSds_;
    std::map<int, detail::GridKernel> kernels_;
    detail::KernelWork work_;
    std::vector<double> tmp_;
    std::vector<std::vector<double>> branches_;
};

/// The optimal action at one date along the real line of positions: segment k holds action[k] from
/// position from[k] (from[0] = -inf) to from[k + 1].
struct Segments {
    std::vector<double> from;
    std::vector<int> action;
    /// The action at a position (a switch position belongs to the segment it starts).
    int actionAt(double pos) const {
        const auto k = std::upper_bound(from.begin(), from.end(), pos) - from.begin() - 1;
        return action[static_cast<std::size_t>(k)];
    }
};

/// The cubic through v[0..3] at the nodes -1, 0, 1, 2, at s.
double cubicAt(const double v[4], double s) {
    return -s * (s - 1) * (s - 2) / 6 * v[0] + (s + 1) * (s - 1) * (s - 2) / 2 * v[1] -
           (s + 1) * s * (s - 2) / 2 * v[2] + (s + 1) * s * (s - 1) / 6 * v[3];
}

/// Appends the roots in (lo, hi) of the cubic through d[0..3] (at -1, 0, 1, 2): the interval is cut
/// at the cubic's critical points and each monotone part with a sign change solved by TOMS 748.
void cubicRoots(const double d[4], double lo, double hi, std::vector<double>& out) {
    // coefficients c0 + c1 s + c2 s^2 + c3 s^3 of the Lagrange cubic
    const double c1 = -d[0] / 3 - d[1] / 2 + d[2] - d[3] / 6;
    const double c2 = d[0] / 2 - d[1] + d[2] / 2;
    const double c3 = -d[0] / 6 + d[1] / 2 - d[2] / 2 + d[3] / 6;
    double cut[4] = {lo, hi, hi, hi};
    int m = 1;
    // critical points: c1 + 2 c2 s + 3 c3 s^2 = 0
    const double A = 3 * c3, Bq = 2 * c2, C = c1;
    if (A != 0) {
        const double disc = Bq * Bq - 4 * A * C;
        if (disc > 0) {
            const double q = -0.5 * (Bq + std::copysign(std::sqrt(disc), Bq));
            const double r1 = q / A, r2 = q != 0 ? C / q : r1;
            for (double r : {std::min(r1, r2), std::max(r1, r2)})
                if (r > lo && r < hi) cut[m++] = r;
        }
    } else if (Bq != 0) {
        const double r = -C / Bq;
        if (r > lo && r < hi) cut[m++] = r;
    }
    cut[m] = hi;  // sorted: lo < critical points (ascending) < hi
    const auto f = [&](double s) { return cubicAt(d, s); };
    for (int k = 0; k < m; ++k) {
        const double a = cut[k], b = cut[k + 1], fa = f(a), fb = f(b);
        if (!(b > a) || (fa < 0) == (fb < 0) || fa == 0 || fb == 0) continue;
        std::uintmax_t iters = 200;
        const auto r = boost::math::tools::toms748_solve(f, a, b, fa, fb,
                                                         boost::math::tools::eps_tolerance<double>(52), iters);
        out.push_back(0.5 * (r.first + r.second));
    }
}

/// The problem's technology j decided at d: operation start and end.
struct Schedule {
    int s0 = 0, e = 0;
};
Schedule scheduleOf(const OracleTechnology& t, int d, int H) {
    Schedule s;
    s.s0 = std::min(std::max(d + t.constructionPeriods, t.infrastructurePeriod), H);
    s.e = static_cast<int>(std::min<long long>(static_cast<long long>(s.s0) + t.lifetimePeriods, H));
    return s;
}

bool allowed(const OracleTechnology& t, int d) { return d >= t.firstDecision && d <= t.lastDecision; }

using Array = std::vector<double>;

/// The region where waiting is optimal as pieces on the grid: piece 0 (kept) where the action is
/// waiting, 1 elsewhere, cells split where the two meet.
detail::Piecewise waitMask(const Segments& sg, int n) {
    detail::Piecewise pw;
    pw.piece.resize(static_cast<std::size_t>(n));
    pw.splitOf.assign(static_cast<std::size_t>(n - 1), -1);
    const auto cls = [](int action) { return action == 0 ? 0 : 1; };
    std::size_t k = 0;  // the segment of node i
    for (int i = 0; i < n; ++i) {
        while (k + 1 < sg.from.size() && sg.from[k + 1] <= i) ++k;
        pw.piece[static_cast<std::size_t>(i)] = cls(sg.action[k]);
    }
    // cells with a change of class inside: segments starting in (c, c + 1)
    k = 1;
    while (k < sg.from.size()) {
        const int c = static_cast<int>(std::floor(sg.from[k]));
        if (sg.from[k] == c || c < 0 || c >= n - 1) {
            ++k;
            continue;
        }
        detail::CellSplit cs;
        cs.s.push_back(0.0);
        cs.piece.push_back(pw.piece[static_cast<std::size_t>(c)]);
        for (; k < sg.from.size() && sg.from[k] < c + 1; ++k) {
            const int p = cls(sg.action[k]);
            if (p == cs.piece.back()) continue;
            cs.s.push_back(sg.from[k] - c);
            cs.piece.push_back(p);
        }
        cs.s.push_back(1.0);
        if (cs.piece.size() > 1) {
            pw.splitOf[static_cast<std::size_t>(c)] = static_cast<int>(pw.splits.size());
            pw.splits.push_back(std::move(cs));
        }
    }
    return pw;
}

/// The best of `available` actions (ascending ids) given each one's value: the first one strictly
/// better than everything before it wins (ties: wait, then technologies in order, then the exit).
int argmax(const std::vector<int>& available, const std::vector<const double*>& values) {
    int a = available[0];
    double best = *values[0];
    for (std::size_t q = 1; q < available.size(); ++q)
        if (*values[q] > best) best = *values[q], a = available[q];
    return a;
}

/// The optimal actions inside cell c from the actions' cubic interpolants (each side of a kink from
/// its own branch): the cell's parts, split where the action changes and at kinks. A cell is
/// examined when it holds a kink, its end nodes disagree, or another action's cubic can exceed the
/// nodes' action somewhere in the cell (a rigorous bound on the cubic's overshoot of its chord);
/// its upper envelope is then found exactly, so a region of any width inside a cell is kept.
/// Piece ids are action x branches + branch (pieces: their values at the nodes, actions: the best
/// action per node). Returns false if the cell is whole.
bool envelopeCell(int c, int n, double h, const std::vector<int>& available, const std::vector<int>& actions,
                  const std::vector<double>& kinks, const std::vector<Array>& pieces, detail::CellSplit& out) {
    const int nb = static_cast<int>(kinks.size()) + 1;
    const int a = actions[static_cast<std::size_t>(c)], b = actions[static_cast<std::size_t>(c + 1)];
    const std::size_t K = available.size();
    // the branch at the start of the cell and the kinks inside it (cell units)
    int branch0 = 0;
    std::vector<double> inside;
    for (double k : kinks) {
        if (k < c) ++branch0;
        else if (k < c + 1) inside.push_back(k - c);
    }
    // stencils of the available actions on a branch: st[(branch - branch0) * K + q]
    std::vector<std::array<double, 4>> st((inside.size() + 1) * K);
    std::size_t ia = 0;
    for (std::size_t br = 0; br <= inside.size(); ++br)
        for (std::size_t q = 0; q < K; ++q) {
            const auto piece = static_cast<std::size_t>(available[q] * nb + branch0 + static_cast<int>(br));
            detail::stencil(pieces[piece].data(), n, h, c, st[br * K + q].data());
            if (available[q] == a) ia = q;
        }
    bool examine = a != b || !inside.empty();
    for (std::size_t q = 0; q < K && !examine; ++q) {
        if (q == ia) continue;
        double dlt[4];
        for (int r = 0; r < 4; ++r) dlt[r] = st[q][r] - st[ia][r];
        // the cubic minus its chord is s (s - 1)(alpha + beta s) with |alpha + beta s| <= (|D0| +
        // |D1|) / 2 (D: second differences), so it overshoots the chord by at most (|D0| + |D1|) / 8
        const double slack = 0.25 * (std::abs(dlt[0] - 2 * dlt[1] + dlt[2]) + std::abs(dlt[1] - 2 * dlt[2] + dlt[3]));
        examine = std::max(dlt[1], dlt[2]) + slack >= 0;
    }
    if (!examine) return false;
    // the cell's upper envelope, exactly: between two consecutive breakpoints (kinks and the roots of
    // every pairwise difference of the actions' cubics on the branch there) no two actions cross,
    // so the optimal action is the one at the midpoint
    std::vector<double> edges{0.0};
    edges.insert(edges.end(), inside.begin(), inside.end());
    edges.push_back(1.0);
    std::vector<double> v(K);
    std::vector<const double*> vp(K);
    for (std::size_t q = 0; q < K; ++q) vp[q] = &v[q];
    out.s.assign(1, 0.0);
    out.piece.assign(1, a * nb + branch0);
    int cur = a;
    std::vector<double> cuts;
    for (std::size_t br = 0; br + 1 < edges.size(); ++br) {
        const double lo = edges[br], hi = edges[br + 1];
        const int piece0 = branch0 + static_cast<int>(br);
        if (br > 0) {  // a kink: the same action continues on the next branch
            out.s.push_back(lo);
            out.piece.push_back(cur * nb + piece0);
        }
        cuts.assign({lo, hi});
        for (std::size_t p = 0; p < K; ++p)
            for (std::size_t q = p + 1; q < K; ++q) {
                double dlt[4];
                for (int r = 0; r < 4; ++r) dlt[r] = st[br * K + q][r] - st[br * K + p][r];
                cubicRoots(dlt, lo, hi, cuts);
            }
        std::sort(cuts.begin(), cuts.end());
        for (std::size_t l = 0; l + 1 < cuts.size(); ++l) {
            if (!(cuts[l + 1] > cuts[l])) continue;
            const double mid = 0.5 * (cuts[l] + cuts[l + 1]);
            for (std::size_t q = 0; q < K; ++q) v[q] = cubicAt(st[br * K + q].data(), mid);
            const int next = argmax(available, vp);
            if (next == cur) continue;
            // strictly inside the cell, so that a node keeps its own action on a tie
            out.s.push_back(std::clamp(cuts[l], 1e-13, 1.0 - 1e-13));
            out.piece.push_back(next * nb + piece0);
            cur = next;
        }
    }
    if (cur != b) {  // a tie at node c + 1 resolved differently from the envelope's last part
        out.s.push_back(1.0 - 1e-13);
        out.piece.push_back(b * nb + static_cast<int>(branch0 + inside.size()));
    }
    out.s.push_back(1.0);
    return out.piece.size() > 1;
}

/// The upper envelope of some actions on one date's grid, as pieces for expectPiecewise.
struct Envelope {
    std::vector<int> actions;   ///< per node: the best action
    detail::Piecewise pw;       ///< piece ids: action x branches + branch
    std::vector<Array> pieces;  ///< [action x branches + branch]: each available action's branches
    /// The pieces for expectPiecewise (null for actions not available).
    std::vector<const double*> pointers() const {
        std::vector<const double*> out(pieces.size(), nullptr);
        for (std::size_t q = 0; q < pieces.size(); ++q)
            if (!pieces[q].empty()) out[q] = pieces[q].data();
        return out;
    }
};

/// max over `available` (ascending action ids < values.size()) of values[a] at the nodes, ties to the
/// first: the best action per node, each action's branches between the kinks, and the cells split
/// where the best action changes (envelopeCell) or a kink lies.
Envelope envelopeOf(const std::vector<const double*>& values, const std::vector<int>& available,
                    const std::vector<double>& kinks, int n, double h) {
    Envelope env;
    env.actions.resize(static_cast<std::size_t>(n));
    std::vector<const double*> at(available.size());
    for (int i = 0; i < n; ++i) {
        for (std::size_t q = 0; q < available.size(); ++q) at[q] = values[static_cast<std::size_t>(available[q])] + i;
        env.actions[static_cast<std::size_t>(i)] = argmax(available, at);
    }
    const int nb = static_cast<int>(kinks.size()) + 1;
    env.pieces.assign(values.size() * static_cast<std::size_t>(nb), Array());
    std::vector<std::vector<double>> br;
    for (int a : available) {
        detail::branches(values[static_cast<std::size_t>(a)], n, kinks, br);
        for (int b = 0; b < nb; ++b) env.pieces[static_cast<std::size_t>(a * nb + b)] = std::move(br[static_cast<std::size_t>(b)]);
    }
    env.pw = detail::branchPieces(n, kinks);
    for (int i = 0; i < n; ++i) env.pw.piece[static_cast<std::size_t>(i)] += env.actions[static_cast<std::size_t>(i)] * nb;
    env.pw.splitOf.assign(static_cast<std::size_t>(n - 1), -1);
    env.pw.splits.clear();
    detail::CellSplit cs;
    for (int c = 0; c + 1 < n; ++c) {
        if (!envelopeCell(c, n, h, available, env.actions, kinks, env.pieces, cs)) continue;
        env.pw.splitOf[static_cast<std::size_t>(c)] = static_cast<int>(env.pw.splits.size());
        env.pw.splits.push_back(cs);
    }
    return env;
}

/// Backward induction over the dates (values, regions of the optimal action, boundaries), then the
/// forward pass of the surviving probability (timing).
class Solver {
public:
    Solver(const InvestmentOracleProblem& p, const InvestmentOracleSettings& s)
        : p_(p), s_(s), g_(makeGrid(p, s)), ops_(g_, s.kernelSds),
          J_(static_cast<int>(p.technologies.size())) {}
    InvestmentOracleResult run();

private:
    void carryArray(int k, double* out) const;
    void techArray(int j, int k, int m, double* out) const;
    const Array& head(int j, int s);
    bool hasModes(int j) const { return !p_.technologies[static_cast<std::size_t>(j)].modeCashFlow.empty(); }
    void modeArray(int j, int m, int k, double* out) const;
    void modeStep(int j, int d);
    void stepFunctions(int d);
    void investValues(int d);
    void continuation(int d);
    void decide(int d);
    void boundaries(int d);
    void valuesAtSpot();
    void release(int d);
    void timing();
    const double* pieceOf(int action) const;
    double closeAt(int d) const;

    const InvestmentOracleProblem& p_;
    const InvestmentOracleSettings& s_;
    Grid g_;
    Operators ops_;
    int J_;
    std::vector<Array> B_;                 // [k]: E[sum_{i>=k} D_i carryOn_i | X_k] (empty: released)
    std::vector<std::vector<Array>> R_;    // [j][k]: the same for cashFlow_j(i, headPeriods, .)
    std::vector<std::map<int, Array>> G_;  // [j][s]: U_j(s) + R_j(s) - B(s)
    std::vector<std::vector<Envelope>> modes_;    // [j][m]: V_j(d + 1, m) of a technology with modes
    std::vector<std::map<int, Envelope>> start_;  // [j][s]: V_j(s, 0), the operation started at s
    std::vector<int> minS_;                // [j]: smallest operation start of an allowed date (H: none)
    int hiB_ = 0;
    std::vector<int> hiR_;
    Array carry_, cont_, close_, contNext_, closeNext_, tmp_;
    std::vector<Array> inv_, invNext_;
    std::vector<char> allowed_, allowedNext_;
    std::vector<int> actions_;
    detail::Piecewise pwNext_;  // the value function at d + 1 as pieces: action x branches + branch
    std::vector<Array> piecesNow_, piecesNext_;  // [action x branches + branch]: each action's branches
    std::vector<Segments> segments_;
    InvestmentOracleResult res_;
};

void Solver::carryArray(int k, double* out) const {
    const double D = p_.discount[static_cast<std::size_t>(k)];
    for (int i = 0; i < g_.n; ++i) {
        const double x = g_.x(k, i), v = p_.carryOn(k, x);
        KP_REQUIRE(finite(v), kWhere, "carryOn(", k, ", ", x, ") is ", v, ", but must be finite");
        out[i] = D * v;
    }
}

void Solver::techArray(int j, int k, int m, double* out) const {
    const OracleTechnology& t = p_.technologies[static_cast<std::size_t>(j)];
    const double D = p_.discount[static_cast<std::size_t>(k)];
    for (int i = 0; i < g_.n; ++i) {
        const double x = g_.x(k, i), v = t.cashFlow(k, m, x);
        KP_REQUIRE(finite(v), kWhere, "technologies[", j, "] ('", t.name, "').cashFlow(", k, ", ", m,
                   ", ", x, ") is ", v, ", but must be finite");
        out[i] = D * v;
    }
}

/// G_j(s) = U_j(s) + R_j(s) - B(s), U_j(s) = E[sum_{m < M'} D_{s+m} (cashFlow_j(s+m, m) -
/// cashFlow_j(s+m, M)) | X_s], M' = min(M, L, H - s): the head by backward recursion over M' dates.
const Array& Solver::head(int j, int s) {
    auto& cache = G_[static_cast<std::size_t>(j)];
    if (auto it = cache.find(s); it != cache.end()) return it->second;
    const OracleTechnology& t = p_.technologies[static_cast<std::size_t>(j)];
    const int M = t.headPeriods, n = g_.n;
    const int Mp = std::min({M, t.lifetimePeriods, g_.H - s});
    Array u(static_cast<std::size_t>(n), 0.0), a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
    for (int k = s + Mp - 1; k >= s; --k) {
        if (k + 1 < s + Mp) ops_.smooth(k, k + 1, u.data(), tmp_.data());
        else std::fill(tmp_.begin(), tmp_.end(), 0.0);
        techArray(j, k, k - s, a.data());
        techArray(j, k, M, b.data());
        for (int i = 0; i < n; ++i) u[static_cast<std::size_t>(i)] = a[static_cast<std::size_t>(i)] - b[static_cast<std::size_t>(i)] + tmp_[static_cast<std::size_t>(i)];
    }
    const Array& R = R_[static_cast<std::size_t>(j)][static_cast<std::size_t>(s)];
    const Array& Bs = B_[static_cast<std::size_t>(s)];
    for (std::size_t i = 0; i < u.size(); ++i) u[i] += R[i] - Bs[i];
    return cache.emplace(s, std::move(u)).first->second;
}

void Solver::modeArray(int j, int m, int k, double* out) const {
    const OracleTechnology& t = p_.technologies[static_cast<std::size_t>(j)];
    const double D = p_.discount[static_cast<std::size_t>(k)];
    for (int i = 0; i < g_.n; ++i) {
        const double x = g_.x(k, i), v = t.modeCashFlow[static_cast<std::size_t>(m)](k, x);
        KP_REQUIRE(finite(v), kWhere, "technologies[", j, "] ('", t.name, "').modeCashFlow[", m, "](", k, ", ",
                   x, ") is ", v, ", but must be finite");
        out[i] = D * v;
    }
}

/// The operating value of technology j with modes at date d from d + 1's:
///   V(d, m) = max over m2 allowed from m of D_d (f_m2(d, x) - c[m][m2]) + E[V(d + 1, m2) | X_d = x],
/// each V(d, m) an upper envelope integrated piece by piece at the next step (its kinks are found,
/// not declared). V(d, 0) is kept for the investment decisions whose operation starts at d.
void Solver::modeStep(int j, int d) {
    const auto J = static_cast<std::size_t>(j);
    const OracleTechnology& t = p_.technologies[J];
    const std::size_t M = t.modeCashFlow.size(), n = static_cast<std::size_t>(g_.n);
    const double D = p_.discount[static_cast<std::size_t>(d)];
    std::vector<Array> A(M, Array(n));  // D_d f_m2 + E[V(d + 1, m2) | X_d]
    for (std::size_t m2 = 0; m2 < M; ++m2) {
        modeArray(j, static_cast<int>(m2), d, A[m2].data());
        if (d + 1 >= g_.H) continue;
        const Envelope& next = modes_[J][m2];
        ops_.piecewise(next.pw, next.pointers(), tmp_.data());
        for (std::size_t i = 0; i < n; ++i) A[m2][i] += tmp_[i];
    }
    const std::vector<double> kinks = g_.kinks(d);
    std::vector<Envelope> now(M);
    std::vector<Array> Y(M);
    for (std::size_t m = 0; m < M; ++m) {
        std::vector<int> available;
        std::vector<const double*> values(M, nullptr);
        for (std::size_t m2 = 0; m2 < M; ++m2) {
            const double c = t.switchCost[m][m2];
            if (std::isinf(c)) continue;
            available.push_back(static_cast<int>(m2));
            Y[m2] = A[m2];
            for (double& y : Y[m2]) y -= D * c;
            values[m2] = Y[m2].data();
        }
        now[m] = envelopeOf(values, available, kinks, g_.n, g_.h);
    }
    start_[J].emplace(d, now[0]);
    modes_[J] = std::move(now);
}

/// B(d) and R_j(d) from d + 1 (one-step recursions).
void Solver::stepFunctions(int d) {
    const auto D = static_cast<std::size_t>(d);
    const std::size_t n = static_cast<std::size_t>(g_.n);
    carryArray(d, carry_.data());
    B_[D] = carry_;
    if (d + 1 < g_.H) {
        ops_.smooth(d, d + 1, B_[D + 1].data(), tmp_.data());
        for (std::size_t i = 0; i < n; ++i) B_[D][i] += tmp_[i];
    }
    for (int j = 0; j < J_; ++j) {
        const auto J = static_cast<std::size_t>(j);
        if (d < minS_[J]) continue;
        if (hasModes(j)) {
            modeStep(j, d);
            continue;
        }
        Array& R = R_[J][D];
        R.resize(n);
        techArray(j, d, p_.technologies[J].headPeriods, R.data());
        if (d + 1 < g_.H) {
            ops_.smooth(d, d + 1, R_[J][D + 1].data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) R[i] += tmp_[i];
        }
    }
}

/// E[I_j(d) | X_d] = -D_d capex + B(d) + E[G_j(s0) | X_d] - E[R_j(e) | X_d] (terms at H vanish).
/// With operating modes: -D_d capex + B(d) + E[V_j(s0, 0) - B(s0) | X_d] (e = H).
void Solver::investValues(int d) {
    const std::size_t n = static_cast<std::size_t>(g_.n);
    for (int j = 0; j < J_; ++j) {
        const auto J = static_cast<std::size_t>(j);
        const OracleTechnology& t = p_.technologies[J];
        allowed_[J] = allowed(t, d);
        if (!allowed_[J]) continue;
        const Schedule sc = scheduleOf(t, d, g_.H);
        const double capex = t.capex.size() == 1 ? t.capex[0] : t.capex[static_cast<std::size_t>(d)];
        Array& inv = inv_[J];
        inv.resize(n);
        const double pay = p_.discount[static_cast<std::size_t>(d)] * capex;
        const Array& B = B_[static_cast<std::size_t>(d)];
        for (std::size_t i = 0; i < n; ++i) inv[i] = B[i] - pay;
        if (sc.s0 < g_.H && hasModes(j)) {  // + E[V_j(s0, 0) - B(s0) | X_d]; e = H
            const Envelope& v = start_[J].at(sc.s0);
            ops_.piecewise(sc.s0 - d, v.pw, v.pointers(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) inv[i] += tmp_[i];
            ops_.smooth(d, sc.s0, B_[static_cast<std::size_t>(sc.s0)].data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) inv[i] -= tmp_[i];
        } else if (sc.s0 < g_.H) {
            const Array& G = head(j, sc.s0);
            ops_.smooth(d, sc.s0, G.data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) inv[i] += tmp_[i];
        }
        if (sc.e < g_.H) {
            ops_.smooth(d, sc.e, R_[J][static_cast<std::size_t>(sc.e)].data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) inv[i] -= tmp_[i];
        }
    }
}

double Solver::closeAt(int d) const {
    double best = kNaN;
    for (const OracleExit& e : p_.exits)
        if (d >= e.firstDecision && d <= e.lastDecision && !(e.netValue <= best)) best = e.netValue;
    return std::isnan(best) ? kNaN : p_.discount[static_cast<std::size_t>(d)] * best;
}

/// Waiting: D_d carryOn_d + E[V_{d+1} | X_d] (the value function at d + 1 integrated piece by piece).
void Solver::continuation(int d) {
    cont_ = carry_;
    if (d + 1 >= g_.H) return;
    std::vector<const double*> pieces(piecesNext_.size(), nullptr);
    for (std::size_t q = 0; q < pieces.size(); ++q)
        if (!piecesNext_[q].empty()) pieces[q] = piecesNext_[q].data();
    ops_.piecewise(pwNext_, pieces, tmp_.data());
    for (std::size_t i = 0; i < cont_.size(); ++i) cont_[i] += tmp_[i];
}

const double* Solver::pieceOf(int action) const {
    if (action == 0) return cont_.data();
    if (action <= J_) return inv_[static_cast<std::size_t>(action - 1)].data();
    return close_.data();
}


/// The optimal action per node, the switches inside cells, and the date's segments of actions.
void Solver::decide(int d) {
    const int n = g_.n;
    const double cv = closeAt(d);
    close_.clear();
    if (!std::isnan(cv)) close_.assign(static_cast<std::size_t>(n), cv);
    std::vector<int> available{0};
    for (int j = 0; j < J_; ++j)
        if (allowed_[static_cast<std::size_t>(j)]) available.push_back(j + 1);
    if (!std::isnan(cv)) available.push_back(J_ + 1);
    std::vector<const double*> values(static_cast<std::size_t>(J_ + 2), nullptr);
    for (int a : available) values[static_cast<std::size_t>(a)] = pieceOf(a);
    const std::vector<double> kinks = g_.kinks(d);
    const int nb = static_cast<int>(kinks.size()) + 1;
    Envelope env = envelopeOf(values, available, kinks, n, g_.h);
    actions_ = std::move(env.actions);
    piecesNow_ = std::move(env.pieces);
    Segments sg;
    sg.from.push_back(-std::numeric_limits<double>::infinity());
    sg.action.push_back(actions_[0]);
    for (int c = 0; c + 1 < n; ++c) {
        const int at = env.pw.splitOf[static_cast<std::size_t>(c)];
        if (at < 0) continue;
        const detail::CellSplit& cs = env.pw.splits[static_cast<std::size_t>(at)];
        for (std::size_t q = 1; q < cs.piece.size(); ++q) {
            const int action = cs.piece[q] / nb;
            if (action == sg.action.back()) continue;  // a kink, not a switch
            sg.from.push_back(c + cs.s[q]);
            sg.action.push_back(action);
        }
    }
    segments_[static_cast<std::size_t>(d)] = std::move(sg);
    boundaries(d);
    if (d == 0) valuesAtSpot();
    // this date's value function becomes the next step's integrand
    std::swap(contNext_, cont_);
    std::swap(closeNext_, close_);
    std::swap(invNext_, inv_);
    std::swap(allowedNext_, allowed_);
    std::swap(piecesNext_, piecesNow_);
    pwNext_ = std::move(env.pw);
}

/// The boundary of date d for investing in any technology and in each, scanning X upwards.
void Solver::boundaries(int d) {
    const Segments& sg = segments_[static_cast<std::size_t>(d)];
    const int n = g_.n;
    const double cv = close_.empty() ? -std::numeric_limits<double>::infinity() : close_[0];
    // the best of waiting, exiting and the allowed technologies other than `skip`, at node i
    const auto other = [&](int i, int skip) {
        double b = std::max(cont_[static_cast<std::size_t>(i)], cv);
        for (int j = 0; j < J_; ++j)
            if (j != skip && allowed_[static_cast<std::size_t>(j)]) b = std::max(b, inv_[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)]);
        return b;
    };
    const auto scan = [&](auto&& invests, auto&& margin, bool allowedNow) {
        for (std::size_t k = 0; k < sg.action.size(); ++k) {
            if (!invests(sg.action[k])) continue;
            if (k == 0) return OracleBoundary{BoundaryStatus::BelowRange, g_.x(d, 0)};
            return OracleBoundary{BoundaryStatus::Found, g_.x(d, sg.from[k])};
        }
        if (allowedNow && margin(n - 1) > margin(n - 2))
            return OracleBoundary{BoundaryStatus::AboveRange, g_.x(d, n - 1)};
        return OracleBoundary{};
    };
    bool any = false;
    for (int j = 0; j < J_; ++j) {
        const auto J = static_cast<std::size_t>(j);
        any = any || allowed_[J];
        res_.boundaryByTechnology[J][static_cast<std::size_t>(d)] = scan(
            [&](int a) { return a == j + 1; },
            [&](int i) { return inv_[J][static_cast<std::size_t>(i)] - other(i, j); }, allowed_[J] != 0);
    }
    res_.boundary[static_cast<std::size_t>(d)] = scan(
        [&](int a) { return a >= 1 && a <= J_; },
        [&](int i) {
            double best = -std::numeric_limits<double>::infinity();
            for (int j = 0; j < J_; ++j)
                if (allowed_[static_cast<std::size_t>(j)]) best = std::max(best, inv_[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)]);
            return best - std::max(cont_[static_cast<std::size_t>(i)], cv);
        },
        any);
}

/// The values at X_0 (the centre node of date 0), before date 0's arrays are swapped away.
void Solver::valuesAtSpot() {
    const auto c = static_cast<std::size_t>(g_.c0);
    const int a = actions_[c];
    res_.optionValue = pieceOf(a)[c];
    res_.neverInvest = B_[0][c];
    res_.closeNow = close_.empty() ? kNaN : close_[0];
    res_.investNow.assign(static_cast<std::size_t>(J_), kNaN);
    double bestNow = res_.neverInvest;
    for (int j = 0; j < J_; ++j)
        if (allowed_[static_cast<std::size_t>(j)]) {
            res_.investNow[static_cast<std::size_t>(j)] = inv_[static_cast<std::size_t>(j)][c];
            bestNow = std::max(bestNow, inv_[static_cast<std::size_t>(j)][c]);
        }
    if (!close_.empty()) bestNow = std::max(bestNow, res_.closeNow);
    res_.valueOfWaiting = res_.optionValue - bestNow;
    res_.decision = a == 0 ? OracleAction::Wait : a <= J_ ? OracleAction::Invest : OracleAction::Close;
    res_.technology = a >= 1 && a <= J_ ? a - 1 : -1;
}

/// Frees what no date before d needs: B and R beyond the latest operation start / end an allowed
/// earlier date can have, cached heads beyond the latest start (starts and ends do not decrease in d).
void Solver::release(int d) {
    int keepB = d;
    for (int j = 0; j < J_; ++j) {
        const auto J = static_cast<std::size_t>(j);
        const OracleTechnology& t = p_.technologies[J];
        const int dStar = std::min(d - 1, t.lastDecision);
        int keepR = d - 1 >= minS_[J] ? d : -1, keepG = -1;
        if (dStar >= t.firstDecision) {
            const Schedule sc = scheduleOf(t, dStar, g_.H);
            keepB = std::max(keepB, std::min(sc.s0, g_.H - 1));  // s0 = H: every start below may come
            keepR = std::max(d, sc.e);
            keepG = sc.s0;
        }
        for (; hiR_[J] > keepR; --hiR_[J]) Array().swap(R_[J][static_cast<std::size_t>(hiR_[J])]);
        auto& cache = G_[J];
        cache.erase(cache.upper_bound(keepG), cache.end());
        start_[J].erase(start_[J].upper_bound(keepG), start_[J].end());
    }
    for (; hiB_ > keepB; --hiB_) Array().swap(B_[static_cast<std::size_t>(hiB_)]);
}

/// P(invest in j at d), P(exit at d), P(never) under the optimal policy from X_0. beta (a row
/// vector on the nodes of date d - 1) is the adjoint of the masked one-step operators applied to
/// the point mass at X_0: beta . u = E[1{alive through d - 1} u(X_{d-1})] for u given at the nodes.
void Solver::timing() {
    const int n = g_.n, H = g_.H;
    res_.investProbability.assign(static_cast<std::size_t>(J_), std::vector<double>(static_cast<std::size_t>(H), 0.0));
    res_.closeProbability.assign(static_cast<std::size_t>(H), 0.0);
    const auto record = [&](int action, int d, double prob) {
        if (action >= 1 && action <= J_) res_.investProbability[static_cast<std::size_t>(action - 1)][static_cast<std::size_t>(d)] += prob;
        else if (action == J_ + 1) res_.closeProbability[static_cast<std::size_t>(d)] += prob;
    };
    const int a0 = segments_[0].actionAt(g_.c0);
    if (a0 != 0) {
        record(a0, 0, 1.0);
        res_.neverProbability = 0.0;
        return;
    }
    Array beta(static_cast<std::size_t>(n), 0.0), next(static_cast<std::size_t>(n)), mass(static_cast<std::size_t>(n)),
        stop(static_cast<std::size_t>(n));
    beta[static_cast<std::size_t>(g_.c0)] = 1.0;
    const double w1 = g_.sd(1) / g_.h, a1 = g_.contraction(1);
    const double inf = std::numeric_limits<double>::infinity();
    for (int d = 1; d < H; ++d) {
        const Segments& sg = segments_[static_cast<std::size_t>(d)];
        const std::size_t K = sg.action.size();
        // P(tau = d, action) = beta . s, s(i) = P(X_d in the segment | X_{d-1} = node i): the normal
        // mass of the segment about each node of date d, at the mean position c0 + a1 (i - c0)
        // (interpolated as the operators do, so that stopping and surviving masses add up to 1)
        for (std::size_t k = 0; k < K; ++k) {
            if (sg.action[k] == 0) continue;
            const double lo = sg.from[k], hi = k + 1 < K ? sg.from[k + 1] : inf;
            for (int j = 0; j < n; ++j)
                mass[static_cast<std::size_t>(j)] = w1 > 0 ? detail::normalMass((lo - j) / w1, (hi - j) / w1)
                                                           : (j >= lo && j < hi ? 1.0 : 0.0);
            detail::contract(mass.data(), n, a1, stop.data());
            double sum = 0.0;
            for (int i = 0; i < n; ++i) sum += beta[static_cast<std::size_t>(i)] * stop[static_cast<std::size_t>(i)];
            record(sg.action[k], d, sum);
        }
        ops_.maskedAdjoint(waitMask(sg, n), beta.data(), next.data());
        std::swap(beta, next);
    }
    double alive = 0.0;
    for (double b : beta) alive += b;
    res_.neverProbability = alive;
}

InvestmentOracleResult Solver::run() {
    const auto start = std::chrono::steady_clock::now();
    const int H = g_.H;
    const auto N = static_cast<std::size_t>(g_.n), HZ = static_cast<std::size_t>(H), JZ = static_cast<std::size_t>(J_);
    B_.assign(HZ + 1, Array());
    R_.assign(JZ, std::vector<Array>(HZ + 1));
    G_.assign(JZ, {});
    modes_.assign(JZ, {});
    start_.assign(JZ, {});
    minS_.assign(JZ, H);
    for (std::size_t j = 0; j < JZ; ++j)
        minS_[j] = scheduleOf(p_.technologies[j], p_.technologies[j].firstDecision, H).s0;
    hiB_ = H - 1;
    hiR_.assign(JZ, H - 1);
    carry_.resize(N);
    tmp_.resize(N);
    inv_.assign(JZ, Array());
    invNext_.assign(JZ, Array());
    allowed_.assign(JZ, 0);
    allowedNext_.assign(JZ, 0);
    actions_.assign(N, 0);
    segments_.assign(HZ, Segments());
    res_.boundary.assign(HZ, OracleBoundary{});
    res_.boundaryByTechnology.assign(JZ, std::vector<OracleBoundary>(HZ));
    for (int d = H - 1; d >= 0; --d) {
        stepFunctions(d);
        investValues(d);
        continuation(d);
        decide(d);
        release(d);
    }
    if (s_.timing) timing();
    res_.gridLow.resize(HZ);
    res_.gridHigh.resize(HZ);
    for (int d = 0; d < H; ++d) {
        res_.gridLow[static_cast<std::size_t>(d)] = g_.x(d, 0);
        res_.gridHigh[static_cast<std::size_t>(d)] = g_.x(d, g_.n - 1);
    }
    res_.gridPoints = g_.n;
    res_.logStep = g_.h;
    res_.stepCells = g_.sd(1) / g_.h;
    res_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(res_);
}

}  // namespace

InvestmentOracleResult investmentOracle(const InvestmentOracleProblem& problem,
                                        const InvestmentOracleSettings& settings) {
    validate(problem, settings);
    Solver solver(problem, settings);
    return solver.run();
}

}  // namespace kp
