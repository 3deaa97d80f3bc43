#include "kp/oracles/investment_oracle.hpp"

#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
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
    KP_REQUIRE(p.technologies.size() <= 100, kWhere, "technologies has ", p.technologies.size(),
               " entries, but must have at most 100");
    for (std::size_t j = 0; j < p.technologies.size(); ++j) {
        const OracleTechnology& t = p.technologies[j];
        const auto at = [&](const char* field) {
            return std::string("technologies[") + std::to_string(j) + "] ('" + t.name + "')." + field;
        };
        KP_REQUIRE(static_cast<bool>(t.cashFlow), kWhere, at("cashFlow"),
                   " is empty, but must be a callable (k, m, x) -> cash flow");
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

    /// Standard deviation of log X_{k+g} given X_k.
    double sd(int g) const {
        if (g <= 0 || sigma == 0) return 0.0;
        if (!ou) return sigma * std::sqrt(g * dt);
        return sigma * std::sqrt(-std::expm1(-2.0 * kappa * g * dt) / (2.0 * kappa));
    }
    /// Slope of E[log X_{k+g} | log X_k] in log X_k (1 for Gbm).
    double contraction(int g) const { return ou ? std::exp(-kappa * g * dt) : 1.0; }
    double x(int k, double pos) const { return std::exp(mean[static_cast<std::size_t>(k)] + (pos - c0) * h); }
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
    /// out = E[f(X_{d+gap}) | X_d = node] for a smooth f given at the nodes of date d + gap.
    void smooth(int gap, const double* f, double* out) {
        if (gap == 0) {
            std::copy_n(f, g_.n, out);
            return;
        }
        tmp_.resize(static_cast<std::size_t>(g_.n));
        detail::expectSmooth(kernel(gap), f, g_.n, g_.h, tmp_.data(), work_);
        detail::contract(tmp_.data(), g_.n, g_.contraction(gap), out);
    }
    /// out = E[F(X_{d+1}) | X_d = node] for F made of pieces (the value function at d + 1).
    void piecewise(const detail::Piecewise& pw, const std::vector<const double*>& pieces, double* out) {
        tmp_.resize(static_cast<std::size_t>(g_.n));
        detail::expectPiecewise(kernel(1), pw, pieces, g_.n, g_.h, tmp_.data(), work_);
        detail::contract(tmp_.data(), g_.n, g_.contraction(1), out);
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
};

/// The optimal action on the grid of one date as runs of nodes: run r covers nodes
/// [start[r], start[r + 1]) with action[r]; at[r] (r >= 1) is the position where it begins.
struct Regions {
    std::vector<int> start, action;
    std::vector<double> at;
    int actionAt(int node) const {
        const auto r = std::upper_bound(start.begin(), start.end(), node) - start.begin() - 1;
        return action[static_cast<std::size_t>(r)];
    }
};

/// Root in [0, 1] of the cubic through d[0..3] at -1, 0, 1, 2 (d[1] <= 0 <= d[2] or the reverse).
double crossing(const double d[4]) {
    const auto f = [&](double s) {
        return -s * (s - 1) * (s - 2) / 6 * d[0] + (s + 1) * (s - 1) * (s - 2) / 2 * d[1] -
               (s + 1) * s * (s - 2) / 2 * d[2] + (s + 1) * s * (s - 1) / 6 * d[3];
    };
    if (d[1] == 0) return 0.0;
    if (d[2] == 0) return 1.0;
    if ((d[1] < 0) == (d[2] < 0)) return 0.5;  // no sign change at the nodes (a tie): the middle
    std::uintmax_t iters = 200;
    const auto r = boost::math::tools::toms748_solve(f, 0.0, 1.0, d[1], d[2],
                                                     boost::math::tools::eps_tolerance<double>(52), iters);
    return 0.5 * (r.first + r.second);
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
    std::vector<int> minS_;                // [j]: smallest operation start of an allowed date (H: none)
    int hiB_ = 0;
    std::vector<int> hiR_;
    Array carry_, cont_, close_, contNext_, closeNext_, tmp_;
    std::vector<Array> inv_, invNext_;
    std::vector<char> allowed_, allowedNext_;
    std::vector<int> actions_;
    detail::Piecewise pwNext_;  // the value function at d + 1 as pieces
    std::vector<Regions> regions_;
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
        if (k + 1 < s + Mp) ops_.smooth(1, u.data(), tmp_.data());
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

/// B(d) and R_j(d) from d + 1 (one-step recursions).
void Solver::stepFunctions(int d) {
    const auto D = static_cast<std::size_t>(d);
    const std::size_t n = static_cast<std::size_t>(g_.n);
    carryArray(d, carry_.data());
    B_[D] = carry_;
    if (d + 1 < g_.H) {
        ops_.smooth(1, B_[D + 1].data(), tmp_.data());
        for (std::size_t i = 0; i < n; ++i) B_[D][i] += tmp_[i];
    }
    for (int j = 0; j < J_; ++j) {
        const auto J = static_cast<std::size_t>(j);
        if (d < minS_[J]) continue;
        Array& R = R_[J][D];
        R.resize(n);
        techArray(j, d, p_.technologies[J].headPeriods, R.data());
        if (d + 1 < g_.H) {
            ops_.smooth(1, R_[J][D + 1].data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) R[i] += tmp_[i];
        }
    }
}

/// E[I_j(d) | X_d] = -D_d capex + B(d) + E[G_j(s0) | X_d] - E[R_j(e) | X_d] (terms at H vanish).
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
        if (sc.s0 < g_.H) {
            ops_.smooth(sc.s0 - d, head(j, sc.s0).data(), tmp_.data());
            for (std::size_t i = 0; i < n; ++i) inv[i] += tmp_[i];
        }
        if (sc.e < g_.H) {
            ops_.smooth(sc.e - d, R_[J][static_cast<std::size_t>(sc.e)].data(), tmp_.data());
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
    std::vector<const double*> pieces(static_cast<std::size_t>(J_ + 2), nullptr);
    pieces[0] = contNext_.data();
    for (int j = 0; j < J_; ++j)
        if (allowedNext_[static_cast<std::size_t>(j)]) pieces[static_cast<std::size_t>(j + 1)] = invNext_[static_cast<std::size_t>(j)].data();
    if (!closeNext_.empty()) pieces[static_cast<std::size_t>(J_ + 1)] = closeNext_.data();
    ops_.piecewise(pwNext_, pieces, tmp_.data());
    for (std::size_t i = 0; i < cont_.size(); ++i) cont_[i] += tmp_[i];
}

const double* Solver::pieceOf(int action) const {
    if (action == 0) return cont_.data();
    if (action <= J_) return inv_[static_cast<std::size_t>(action - 1)].data();
    return close_.data();
}

/// The optimal action per node (ties: wait, then technologies in order, then the exit) and the
/// positions where it changes.
void Solver::decide(int d) {
    const int n = g_.n;
    const double cv = closeAt(d);
    close_.clear();
    if (!std::isnan(cv)) close_.assign(static_cast<std::size_t>(n), cv);
    for (int i = 0; i < n; ++i) {
        const auto I = static_cast<std::size_t>(i);
        double best = cont_[I];
        int a = 0;
        for (int j = 0; j < J_; ++j)
            if (allowed_[static_cast<std::size_t>(j)] && inv_[static_cast<std::size_t>(j)][I] > best)
                best = inv_[static_cast<std::size_t>(j)][I], a = j + 1;
        if (!std::isnan(cv) && cv > best) a = J_ + 1;
        actions_[I] = a;
    }
    Regions rg;
    detail::Piecewise pw;
    pw.piece = actions_;
    pw.split.assign(static_cast<std::size_t>(n - 1), 0.5);
    rg.start.push_back(0);
    rg.action.push_back(actions_[0]);
    rg.at.push_back(kNaN);
    for (int c = 0; c + 1 < n; ++c) {
        const int a = actions_[static_cast<std::size_t>(c)], b = actions_[static_cast<std::size_t>(c + 1)];
        if (a == b) continue;
        double fa[4], fb[4], diff[4];
        detail::stencil(pieceOf(a), n, g_.h, c, fa);
        detail::stencil(pieceOf(b), n, g_.h, c, fb);
        for (int r = 0; r < 4; ++r) diff[r] = fb[r] - fa[r];
        const double t = crossing(diff);
        pw.split[static_cast<std::size_t>(c)] = t;
        rg.start.push_back(c + 1);
        rg.action.push_back(b);
        rg.at.push_back(c + t);
    }
    regions_[static_cast<std::size_t>(d)] = std::move(rg);
    boundaries(d);
    if (d == 0) valuesAtSpot();
    // this date's value function becomes the next step's integrand
    std::swap(contNext_, cont_);
    std::swap(closeNext_, close_);
    std::swap(invNext_, inv_);
    std::swap(allowedNext_, allowed_);
    pwNext_ = std::move(pw);
}

/// The boundary of date d for investing in any technology and in each, scanning X upwards.
void Solver::boundaries(int d) {
    const Regions& rg = regions_[static_cast<std::size_t>(d)];
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
        for (std::size_t r = 0; r < rg.action.size(); ++r) {
            if (!invests(rg.action[r])) continue;
            if (r == 0) return OracleBoundary{BoundaryStatus::BelowRange, g_.x(d, 0)};
            return OracleBoundary{BoundaryStatus::Found, g_.x(d, rg.at[r])};
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
            if (sc.s0 < g_.H) keepB = std::max(keepB, sc.s0);
            keepR = std::max(d, sc.e);
            keepG = sc.s0;
        }
        for (; hiR_[J] > keepR; --hiR_[J]) Array().swap(R_[J][static_cast<std::size_t>(hiR_[J])]);
        auto& cache = G_[J];
        cache.erase(cache.upper_bound(keepG), cache.end());
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
    const int a0 = regions_[0].actionAt(g_.c0);
    if (a0 != 0) {
        record(a0, 0, 1.0);
        res_.neverProbability = 0.0;
        return;
    }
    Array beta(static_cast<std::size_t>(n), 0.0), next(static_cast<std::size_t>(n));
    beta[static_cast<std::size_t>(g_.c0)] = 1.0;
    const double w1 = g_.sd(1) / g_.h, a1 = g_.contraction(1);
    const double inf = std::numeric_limits<double>::infinity();
    detail::Piecewise mask;
    mask.piece.resize(static_cast<std::size_t>(n));
    for (int d = 1; d < H; ++d) {
        const Regions& rg = regions_[static_cast<std::size_t>(d)];
        const std::size_t runs = rg.action.size();
        for (std::size_t r = 0; r < runs; ++r) {
            if (rg.action[r] == 0) continue;
            const double lo = r == 0 ? -inf : rg.at[r], hi = r + 1 < runs ? rg.at[r + 1] : inf;
            double sum = 0.0;
            for (int i = 0; i < n; ++i) {
                const double b = beta[static_cast<std::size_t>(i)];
                if (b == 0.0) continue;
                const double mu = g_.c0 + a1 * (i - g_.c0);  // mean position of X_d, date d's grid
                double pr;
                if (w1 > 0) pr = detail::normalMass((lo - mu) / w1, (hi - mu) / w1);
                else if (a1 == 1.0) pr = rg.actionAt(i) == rg.action[r] && i >= rg.start[r] && (r + 1 == runs || i < rg.start[r + 1]);
                else pr = mu >= lo && mu < hi;
                sum += b * pr;
            }
            record(rg.action[r], d, sum);
        }
        for (std::size_t r = 0; r < runs; ++r) {
            const int end = r + 1 < runs ? rg.start[r + 1] : n;
            std::fill(mask.piece.begin() + rg.start[r], mask.piece.begin() + end, rg.action[r] == 0 ? 0 : 1);
        }
        mask.split.assign(static_cast<std::size_t>(n - 1), 0.5);
        for (std::size_t r = 1; r < runs; ++r)
            mask.split[static_cast<std::size_t>(rg.start[r] - 1)] = rg.at[r] - (rg.start[r] - 1);
        ops_.maskedAdjoint(mask, beta.data(), next.data());
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
    regions_.assign(HZ, Regions());
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
