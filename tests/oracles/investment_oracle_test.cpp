//! \brief Tests kp::investmentOracle, the exact backward induction of the one-factor invest / wait /
//! close problem (oracles/include/kp/oracles/investment_oracle.hpp):
//! - its grid kernel (cubics and functions linear in X integrated exactly, adjoint identity);
//! - McDonald-Siegel: annual decisions against QuantLib's FD Bermudan (put-call symmetry), and denser
//!   dates (P = 1, 4, 12, 52) rising towards the perpetual closed form (kp::perpetualInvestment);
//! - the deterministic limit (sigma = 0) against brute-force enumeration of every (technology, date)
//!   and exit date, with construction lag, an infrastructure date, a capex schedule and a subsidy with
//!   a term, cash flows from the project's own kp::yearCashFlow;
//! - grid refinement (N -> 2N - 1) for exp-OU with a time-dependent mean and GBM with a
//!   time-dependent drift, never-invest values against E[X_k] in closed form;
//! - timing: probabilities sum to 1; P(invest by d) against a Monte Carlo of the oracle's own
//!   boundary (k = 4 standard errors, fixed seed);
//! - operating modes with one-off switching costs (OracleTechnology::modeCashFlow, switchCost):
//!   sigma = 0 against enumerating every mode sequence (run / suspended / abandoned, 6 periods);
//!   free switching against the cash flow max over modes; grid refinement on a monthly GBM plant
//!   (10 years, LSMRealOptions-style) and one mode against the plain cash flow;
//! - bad input: kp::InvalidInput with "... is ..., but must be ..." messages (modes too).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "detail/grid_kernel.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/instruments/policy.hpp"
#include "kp/instruments/technology.hpp"
#include "kp/oracles/closed_forms.hpp"
#include "kp/oracles/investment_oracle.hpp"
#include "kp/oracles/quantlib_references.hpp"

namespace {

using kp::BoundaryStatus;
using kp::InvestmentOracleProblem;
using kp::InvestmentOracleResult;
using kp::InvestmentOracleSettings;
using kp::OracleFactor;
using kp::OracleTechnology;

double relDiff(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

/// x with `digits` significant digits (doctest prints 6).
std::string fmt(double x, int digits = 10) {
    std::ostringstream os;
    os.precision(digits);
    os << x;
    return os.str();
}

/// McDonald & Siegel (1986) / Dixit & Pindyck (1994, ch. 5): a project whose value V follows a GBM
/// with drift r - delta; investing at date d is worth D_d (V_d - I). V0 = I = 100, r = delta = 0.04,
/// sigma = 0.2 (perpetual: beta = 2, V* = 200, F = 25).
struct McDonaldSiegel {
    static constexpr double V0 = 100, I = 100, r = 0.04, delta = 0.04, vol = 0.2;
    double A = 1;  ///< V = A X

    /// Decisions at t = 0, 1/P, ..., W. life > 0: a greenfield plant earning X / P a period for
    /// `life` years (X0 = V0 / A, A = sum_{m < life P} e^{-delta m / P} / P, since E[X_{s+m} | X_s]
    /// discounted is X_s e^{-delta m / P}); life == 0: the project's value V = X paid in its first
    /// operating period (the same option, one operating period per decision date).
    InvestmentOracleProblem make(int P, int W, int life) {
        InvestmentOracleProblem p;
        p.periodsPerYear = P;
        A = 1;
        if (life > 0) {
            A = 0;
            for (int m = 0; m < life * P; ++m) A += std::exp(-delta * m / P) / P;
        }
        p.periods = life > 0 ? (W + life) * P : W * P + 1;
        p.factor = OracleFactor::gbm(V0 / A, r, delta, vol);
        for (int k = 0; k < p.periods; ++k) p.discount.push_back(std::exp(-r * k / P));
        p.carryOn = [](int, double) { return 0.0; };
        OracleTechnology t;
        t.name = "project";
        t.cashFlow = life > 0 ? std::function<double(int, int, double)>([P](int, int, double x) { return x / P; })
                              : std::function<double(int, int, double)>([](int, int, double x) { return x; });
        t.capex = {I};
        t.lifetimePeriods = life > 0 ? life * P : 1;
        t.firstDecision = 0;
        t.lastDecision = W * P;
        p.technologies = {t};
        return p;
    }
};


/// A carbon-cost driven plant (1 Mt/yr, 1.5 tCO2/t) with two low-carbon options and a closure; the
/// CO2 price is the one factor X, every other price constant. Cash flows come from the project's
/// scalar kp::yearCashFlow: a period carries 1/P of its calendar year's flow at the period's prices
/// (the levy is off: the oracle has no lagged reference price). Option a: construction 2 years,
/// capex falling 3% a year (learning); option b: construction 3 years, infrastructure from 2030, an
/// SDE-style subsidy for its first 10 operating years. Figures are illustrative test inputs.
struct Steelworks {
    static constexpr int startYear = 2026;
    int P = 1, years = 30;
    double rate = 0.07;
    kp::Plant plant;
    kp::Policy policy;
    kp::Technology a, b;
    double closeNet = 2e8 - 2.5e8;  ///< value received minus cost of closing
    bool declareKinks = true;

    Steelworks() {
        plant.outputTPerYear = 1e6;
        plant.emissionIntensity = 1.5;
        plant.gasMwhPerT = 2.0;
        plant.feedstockCostPerT = 250;
        plant.fixedCost = 5e7;
        a.name = std::string("a");  // not = "a": GCC 12 -Wrestrict false positive (bug 105329)
        a.capex = 6.0e8;
        a.powerMwhPerT = 1.0;
        a.feedstockCostPerT = 260;
        a.fixedOpex = 5e7;
        a.emissionIntensity = 0.3;
        a.constructionYears = 2;
        a.lifetimeYears = 40;
        a.earliestDecisionYear = 2026;
        a.latestDecisionYear = 2050;
        b = a;
        b.name = std::string("b");
        b.capex = 9.0e8;
        b.powerMwhPerT = 1.8;
        b.emissionIntensity = 0.05;
        b.constructionYears = 3;
        b.earliestDecisionYear = 2028;
        kp::SdeSubsidy sde;
        sde.baseAmount = 150;
        sde.basePrice = 40;
        sde.co2Coef = 1.0;
        sde.years = 10;
        b.sde = sde;
    }
    static kp::YearPrices prices(double co2) {
        kp::YearPrices y;
        y.co2 = y.co2Reference = co2;
        y.gas = 30, y.power = 70, y.product = 500;
        return y;
    }
    int period(int year) const { return (year - startYear) * P; }
    OracleTechnology option(const kp::Technology& t, int infrastructureYear) const {
        OracleTechnology o;
        o.name = t.name;
        const int p = P;
        const kp::Plant pl = plant;
        const kp::Policy po = policy;
        o.cashFlow = [pl, po, t, p](int k, int m, double x) {
            return kp::yearCashFlow(pl, &t, po, startYear + k / p, m / p, prices(x)).net / p;
        };
        o.headPeriods = t.sde ? t.sde->years * P : 0;
        for (int k = 0; k < years * P; ++k) o.capex.push_back(t.capex * std::pow(0.97, static_cast<double>(k) / P));
        o.constructionPeriods = t.constructionYears * P;
        o.lifetimePeriods = t.lifetimeYears * P;
        o.firstDecision = period(t.earliestDecisionYear);
        o.lastDecision = std::min(period(t.latestDecisionYear) + P - 1, years * P - 1);
        o.infrastructurePeriod = period(infrastructureYear);
        return o;
    }
    InvestmentOracleProblem make(const OracleFactor& factor) const {
        InvestmentOracleProblem p;
        p.periods = years * P;
        p.periodsPerYear = P;
        p.factor = factor;
        for (int k = 0; k < p.periods; ++k) p.discount.push_back(std::pow(1.0 + rate, -static_cast<double>(k) / P));
        const int pp = P;
        const kp::Plant pl = plant;
        const kp::Policy po = policy;
        p.carryOn = [pl, po, pp](int k, double x) {
            return kp::yearCashFlow(pl, nullptr, po, startYear + k / pp, 0, prices(x)).net / pp;
        };
        p.technologies = {option(a, startYear), option(b, 2030)};
        if (declareKinks && b.sde)  // the subsidy's kinks in the CO2 price: floor and zero rate
            p.kinks = {40.0, 150.0};
        p.exits.push_back({"close", closeNet, 0, p.periods - 1});
        return p;
    }
};

/// The best sequence of operating modes of a technology with modes over periods s0 .. H - 1 with X_k
/// known, by enumerating every sequence (M^(H - s0) of them; the previous mode at s0 is 0).
struct ModeSequence {
    double value = -std::numeric_limits<double>::infinity();
    std::vector<int> modes;
};
ModeSequence bestModes(const OracleTechnology& t, const std::vector<double>& D, const std::vector<double>& X, int s0,
                       int H) {
    const int M = static_cast<int>(t.modeCashFlow.size());
    ModeSequence best;
    if (s0 >= H) return {0.0, {}};
    std::vector<int> seq(H - s0, 0);
    while (true) {
        double v = 0.0;
        int prev = 0;
        for (int k = s0; k < H; ++k) {
            const int m = seq[k - s0];
            v += D[k] * (t.modeCashFlow[m](k, X[k]) - t.switchCost[prev][m]);  // -inf if not allowed
            prev = m;
        }
        if (v > best.value) best = {v, seq};
        int i = 0;  // the next sequence (odometer)
        while (i < H - s0 && ++seq[i] == M) seq[i++] = 0;
        if (i == H - s0) break;
    }
    return best;
}

/// The best strategy of a deterministic problem (X_k known) by enumerating never investing, every
/// exit date and every (technology, decision date) with the problem's own callables.
struct Enumerated {
    double best = 0;
    int action = 0, date = -1;  ///< action: 0 never, 1 + j technology j, J + 1 exit
    double runnerUp = -std::numeric_limits<double>::infinity();
};
Enumerated enumerate(const InvestmentOracleProblem& p, const std::vector<double>& X) {
    const int H = p.periods, J = static_cast<int>(p.technologies.size());
    std::vector<double> before(H + 1, 0.0);  // sum_{k < d} D_k carryOn_k
    for (int k = 0; k < H; ++k) before[k + 1] = before[k] + p.discount[k] * p.carryOn(k, X[k]);
    Enumerated e;
    e.best = before[H];
    const auto consider = [&](double v, int action, int date) {
        if (v > e.best) {
            e.runnerUp = e.best;
            e = {v, action, date, e.runnerUp};
        } else {
            e.runnerUp = std::max(e.runnerUp, v);
        }
    };
    for (int d = 0; d < H; ++d) {
        for (const auto& x : p.exits)
            if (d >= x.firstDecision && d <= x.lastDecision) consider(before[d] + p.discount[d] * x.netValue, J + 1, d);
        for (int j = 0; j < J; ++j) {
            const OracleTechnology& t = p.technologies[j];
            if (d < t.firstDecision || d > t.lastDecision) continue;
            const int s0 = std::min(std::max(d + t.constructionPeriods, t.infrastructurePeriod), H);
            const int end = std::min(s0 + t.lifetimePeriods, H);
            double v = before[s0] - p.discount[d] * (t.capex.size() == 1 ? t.capex[0] : t.capex[d]);
            if (!t.modeCashFlow.empty()) v += bestModes(t, p.discount, X, s0, H).value;
            for (int k = s0; k < end && t.modeCashFlow.empty(); ++k) v += p.discount[k] * t.cashFlow(k, k - s0, X[k]);
            consider(v, 1 + j, d);
        }
    }
    return e;
}

/// The largest changes between a result and the same problem on a finer grid: value and value of
/// waiting (relative), investing now and never (relative to the option value), boundaries found on both grids in the
/// inner 3/4 of the grid's log range (relative; nearer the edges the ghost extrapolation beyond the
/// grid shows: e.g. 1.3e-5 at 1/10 of the half width from the lower edge), and every timing
/// probability (absolute).
struct Changes {
    double value = 0, waiting = 0, now = 0, boundary = 0, timing = 0;
    int boundaries = 0, statusChanges = 0, nearEdge = 0;
    std::string worstBoundary;  ///< which boundary changed most: "[j or any] at d: x -> x'"
};
Changes changes(const InvestmentOracleResult& a, const InvestmentOracleResult& b) {
    Changes c;
    const double scale = std::abs(b.optionValue);
    c.value = relDiff(a.optionValue, b.optionValue);
    c.waiting = std::abs(a.valueOfWaiting - b.valueOfWaiting) / std::max(std::abs(b.valueOfWaiting), 1e-3 * scale);
    c.now = std::abs(a.neverInvest - b.neverInvest) / scale;
    for (std::size_t j = 0; j < a.investNow.size(); ++j)
        if (!std::isnan(b.investNow[j])) c.now = std::max(c.now, std::abs(a.investNow[j] - b.investNow[j]) / scale);
    const auto boundaries = [&](const std::vector<kp::OracleBoundary>& x, const std::vector<kp::OracleBoundary>& y,
                                const std::string& which) {
        for (std::size_t d = 0; d < x.size(); ++d) {
            if (x[d].status != y[d].status) ++c.statusChanges;
            if (x[d].status != BoundaryStatus::Found || y[d].status != BoundaryStatus::Found) continue;
            const double half = 0.5 * std::log(b.gridHigh[d] / b.gridLow[d]);
            if (std::abs(std::log(y[d].x / std::sqrt(b.gridLow[d] * b.gridHigh[d]))) > 0.75 * half) {
                ++c.nearEdge;
                continue;
            }
            if (relDiff(x[d].x, y[d].x) > c.boundary)
                c.worstBoundary = which + " at " + std::to_string(d) + ": " + std::to_string(x[d].x) + " -> " + std::to_string(y[d].x);
            c.boundary = std::max(c.boundary, relDiff(x[d].x, y[d].x));
            ++c.boundaries;
        }
    };
    boundaries(a.boundary, b.boundary, "any");
    for (std::size_t j = 0; j < a.boundaryByTechnology.size(); ++j)
        boundaries(a.boundaryByTechnology[j], b.boundaryByTechnology[j], std::to_string(j));
    c.timing = std::abs(a.neverProbability - b.neverProbability);
    for (std::size_t d = 0; d < a.closeProbability.size(); ++d) {
        c.timing = std::max(c.timing, std::abs(a.closeProbability[d] - b.closeProbability[d]));
        for (std::size_t j = 0; j < a.investProbability.size(); ++j)
            c.timing = std::max(c.timing, std::abs(a.investProbability[j][d] - b.investProbability[j][d]));
    }
    return c;
}

/// Sum of every timing probability (invest, exit, never).
double totalProbability(const InvestmentOracleResult& r) {
    double s = r.neverProbability;
    for (double p : r.closeProbability) s += p;
    for (const auto& t : r.investProbability)
        for (double p : t) s += p;
    return s;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A plant with operating modes after investing: 0 run (a X - b a period), 1 suspended (-idle a
/// period), 2 abandoned (0); suspending, restarting and abandoning at one-off costs, abandoned
/// absorbing.
OracleTechnology modePlant(double a, double b, double idle, double suspend, double restart, double abandon) {
    OracleTechnology t;
    t.name = "modes";
    t.modeCashFlow = {[a, b](int, double x) { return a * x - b; }, [idle](int, double) { return -idle; },
                      [](int, double) { return 0.0; }};
    t.switchCost = {{0.0, suspend, abandon}, {restart, 0.0, abandon}, {kInf, kInf, 0.0}};
    return t;
}

}  // namespace

TEST_SUITE("oracles") {

TEST_CASE("grid kernel: exact for cubics and for functions linear in X; adjoint identity") {
    const int n = 401;
    const double h = 0.02;
    for (double width : {0.0, 0.05, 0.7, 1.9, 2.1, 6.0, 60.0}) {
        CAPTURE(width);
        const auto k = kp::detail::makeKernel(width, 9.0);
        kp::detail::KernelWork w;
        std::vector<double> f(n), out(n);
        // a cubic in the node index: E[(i + w Z)^3] = i^3 + 3 i w^2 at nodes whose kernel stays
        // inside the grid (the ghosts beyond it are linear in X, not cubic)
        for (int i = 0; i < n; ++i) f[i] = std::pow(i - 200.0, 3);
        kp::detail::expectSmooth(k, f.data(), n, h, out.data(), w);
        for (int i = 150; i <= 250 && k.band + 2 < 150; ++i) {
            const double x = i - 200.0;
            CHECK(out[i] == doctest::Approx(x * x * x + 3 * x * width * width).epsilon(1e-12).scale(1e3));
        }
        // linear in X = e^{h i} far beyond the grid's edge: the ghosts extrapolate it exactly
        for (int i = 0; i < n; ++i) f[i] = 3.0 + 2.0 * std::exp(h * (i - 200.0));
        kp::detail::expectSmooth(k, f.data(), n, h, out.data(), w);
        for (int i : {0, 1, n - 2, n - 1}) {
            const double exact = 3.0 + 2.0 * std::exp(h * (i - 200.0) + 0.5 * h * h * width * width);
            CHECK(out[i] == doctest::Approx(exact).epsilon(1e-7));  // cubic interpolation in log X: h^4
        }
        // the masked expectation of 1 is the normal probability of the region kept, and its adjoint
        // satisfies <v, A u> = <A^T v, u>
        kp::detail::Piecewise pw;
        pw.piece.assign(n, 0);
        pw.splitOf.assign(n - 1, -1);
        for (int i = 231; i < n; ++i) pw.piece[i] = 1;
        pw.splitOf[230] = 0;  // kept: positions below 230.3
        pw.splits.push_back({{0.0, 0.3, 1.0}, {0, 1}});
        std::vector<double> ones(n, 1.0), zeros(n, 0.0), u(n), v(n), Au(n), ATv(n);
        kp::detail::expectPiecewise(k, pw, {ones.data(), zeros.data()}, n, h, out.data(), w);
        for (int i = 150; i <= 300; ++i) {
            const double p = width > 0 ? 0.5 * std::erfc(-(230.3 - i) / width / std::sqrt(2.0)) : (i <= 230 ? 1.0 : 0.0);
            CHECK(out[i] == doctest::Approx(p).epsilon(1e-13).scale(1.0));
        }
        for (int i = 0; i < n; ++i) u[i] = std::sin(0.37 * i) + 0.1 * i / n, v[i] = std::cos(0.11 * i * i);
        kp::detail::expectPiecewise(k, pw, {u.data(), zeros.data()}, n, h, Au.data(), w);
        kp::detail::expectMaskedAdjoint(k, pw, v.data(), n, h, ATv.data(), w);
        double vAu = 0, ATvu = 0, scale = 0;
        for (int i = 0; i < n; ++i) vAu += v[i] * Au[i], ATvu += ATv[i] * u[i], scale += std::abs(v[i] * Au[i]);
        CHECK(std::abs(vAu - ATvu) <= 1e-13 * scale);
        // the OU contraction's adjoint
        kp::detail::contract(u.data(), n, 0.8, Au.data());
        kp::detail::contractAdjoint(v.data(), n, 0.8, ATv.data());
        vAu = ATvu = 0;
        for (int i = 0; i < n; ++i) vAu += v[i] * Au[i], ATvu += ATv[i] * u[i];
        CHECK(vAu == doctest::Approx(ATvu).epsilon(1e-13));
    }
}

TEST_CASE("McDonald-Siegel, annual decisions: the oracle equals QuantLib's FD Bermudan") {
    // FD of the same Bermudan: call(S = V, K = I, r, q = delta) = put(S = I, K = V, r' = delta,
    // q' = r), exercise at years 1..W (at 0 the option is at the money: investing gives 0). The FD
    // grid (2000 x 2000) agrees with 8000 x 8000 to 7e-7 relative (24.208610 vs 24.208627).
    constexpr int W = 40, L = 40;
    McDonaldSiegel ms;
    const double fd = kp::bermudanPutFd(ms.I, ms.V0, ms.delta, ms.r, ms.vol, W, W, 2000, 2000);
    const InvestmentOracleResult life = kp::investmentOracle(ms.make(1, W, L));
    const double A = ms.A;
    const InvestmentOracleResult lump = kp::investmentOracle(ms.make(1, W, 0));
    CAPTURE(fd);
    CAPTURE(life.optionValue);
    CAPTURE(lump.optionValue);
    CHECK(relDiff(life.optionValue, fd) < 1e-4);
    CHECK(relDiff(lump.optionValue, fd) < 1e-4);
    CHECK(relDiff(life.optionValue, lump.optionValue) < 1e-5);  // one project, two cash-flow shapes
    // investing now is worth 0 (V0 = I), never investing 0: the whole value is the value of waiting
    CHECK(std::abs(life.investNow[0]) < 1e-6 * ms.V0);
    CHECK(life.neverInvest == 0.0);
    CHECK(life.valueOfWaiting == doctest::Approx(life.optionValue).epsilon(1e-6));
    CHECK((life.decision == kp::OracleAction::Wait));
    // the trigger in project value: inside (I, V*) at 0, and V = I at the last date (nothing to wait for)
    REQUIRE((life.boundary[0].status == BoundaryStatus::Found));
    CHECK(A * life.boundary[0].x > ms.I);
    CHECK(A * life.boundary[0].x < 200.0);
    CHECK(A * life.boundary[0].x == doctest::Approx(lump.boundary[0].x).epsilon(1e-6));
    REQUIRE((lump.boundary[W].status == BoundaryStatus::Found));
    CHECK(lump.boundary[W].x == doctest::Approx(ms.I).epsilon(1e-9));
    MESSAGE("McDonald-Siegel annual, W = 40: FD " << fmt(fd) << ", oracle " << fmt(life.optionValue)
            << " (life 40 y, " << life.seconds << " s), " << fmt(lump.optionValue) << " (lump); trigger V* at 0: "
            << fmt(A * life.boundary[0].x));
}

TEST_CASE("McDonald-Siegel, denser dates: the value rises to 25 and the trigger to V* = 200") {
    // W = 200 years (the horizon's loss is below 1e-4 relative: W = 320 changes the P = 1 value by
    // 2.5e-6); half width 7 in log V keeps the trigger inside the grid to the last date while one
    // week's standard deviation spans 2 grid cells (N = 1001).
    const auto cf = kp::perpetualInvestment(McDonaldSiegel::V0, McDonaldSiegel::I, McDonaldSiegel::r,
                                            McDonaldSiegel::delta, McDonaldSiegel::vol);
    REQUIRE(cf.value == doctest::Approx(25.0).epsilon(1e-12));
    REQUIRE(cf.trigger == doctest::Approx(200.0).epsilon(1e-12));
    InvestmentOracleSettings s;
    s.halfWidth = 7.0;
    s.timing = false;
    double lastValue = 0, lastTrigger = 0;
    for (int P : {1, 4, 12, 52}) {
        McDonaldSiegel ms;
        const InvestmentOracleResult r = kp::investmentOracle(ms.make(P, 200, 0), s);
        REQUIRE((r.boundary[0].status == BoundaryStatus::Found));
        const double trigger = r.boundary[0].x;
        const double valueGap = cf.value - r.optionValue, triggerGap = cf.trigger - trigger;
        CAPTURE(P);
        CAPTURE(r.optionValue);
        CAPTURE(trigger);
        CHECK(r.optionValue > lastValue);
        CHECK(trigger > lastTrigger);
        CHECK(valueGap > 0);
        CHECK(triggerGap > 0);
        // the Bermudan gaps shrink like dt (value) and sqrt(dt) (trigger): measured P x value gap
        // 0.264, 0.258, 0.256, 0.255 and sqrt(P) x trigger gap 21.9, 22.6, 22.9, 23.1
        CHECK(valueGap * P == doctest::Approx(0.26).epsilon(0.05));
        CHECK(triggerGap * std::sqrt(P) == doctest::Approx(22.5).epsilon(0.05));
        MESSAGE("McDonald-Siegel P = " << P << ": value " << fmt(r.optionValue) << " (25 - " << fmt(valueGap, 4)
                << "), trigger " << fmt(trigger) << " (200 - " << fmt(triggerGap, 4) << "), " << r.stepCells
                << " cells per step, " << r.seconds << " s");
        lastValue = r.optionValue;
        lastTrigger = trigger;
    }
}


TEST_CASE("deterministic limit (sigma = 0): the oracle equals brute-force enumeration") {
    // annual and quarterly periods; CO2 prices chosen so that the best action differs (measured, at
    // CO2 20, 45, 60, 120, 300: b in year 13 / quarter 54, b in year 4 / quarter 15, a in year 2 /
    // quarter 7, a now, close now; the oracle agrees to 4e-13 relative)
    int insideYear = 0;
    std::vector<int> actions;
    for (int P : {1, 4}) {
        for (double co2 : {20.0, 45.0, 60.0, 120.0, 300.0}) {
            Steelworks sw;
            sw.P = P;
            const double mu = 0.05, q = 0.01;
            const InvestmentOracleProblem p = sw.make(OracleFactor::gbm(co2, mu, q, 0.0));
            std::vector<double> X(p.periods);
            for (int k = 0; k < p.periods; ++k) X[k] = co2 * std::exp((mu - q) * k / P);
            const Enumerated e = enumerate(p, X);
            const InvestmentOracleResult r = kp::investmentOracle(p);
            CAPTURE(P);
            CAPTURE(co2);
            CAPTURE(e.best);
            CAPTURE(e.action);
            CAPTURE(e.date);
            CAPTURE(r.optionValue);
            CHECK(relDiff(r.optionValue, e.best) < 1e-9);
            // the timing puts all mass on the enumerated best (when it is strictly best)
            REQUIRE(e.best - e.runnerUp > 1e-6 * std::abs(e.best));
            const int J = 2;
            double atBest = e.action == 0 ? r.neverProbability
                          : e.action <= J ? r.investProbability[e.action - 1][e.date]
                                          : r.closeProbability[e.date];
            CHECK(atBest == doctest::Approx(1.0).epsilon(1e-12));
            insideYear += P > 1 && e.date % P != 0;
            actions.push_back(e.action * 1000 + e.date);
        }
    }
    std::sort(actions.begin(), actions.end());
    CHECK(std::unique(actions.begin(), actions.end()) - actions.begin() >= 4);
    CHECK(insideYear >= 1);
}


TEST_CASE("grid refinement: doubling the grid changes the results by less than 1e-5") {
    // exp-OU with a rising mean, quarterly over 20 years; GBM with a falling drift, annual over 30
    // years (Steelworks options, the subsidy's kinks declared); N = 1001 against 2001.
    struct Case {
        const char* name;
        int P;
        OracleFactor factor;
    };
    std::vector<Case> cases;
    {
        std::vector<double> theta;
        for (int k = 0; k < 20 * 4; ++k) theta.push_back(std::log(50.0 + 2.5 * k / 4.0));
        cases.push_back({"exp-OU, rising mean, quarterly", 4, OracleFactor::expOu(60.0, 0.35, 0.3, theta)});
        OracleFactor g = OracleFactor::gbm(60.0, 0.0, 0.0, 0.3);
        g.drift.clear();
        for (int k = 0; k < 30; ++k) g.drift.push_back(0.07 - 0.002 * k);
        cases.push_back({"GBM, falling drift, annual", 1, g});
    }
    for (const Case& cs : cases) {
        Steelworks sw;
        sw.P = cs.P;
        sw.years = cs.P == 4 ? 20 : 30;
        const InvestmentOracleProblem p = sw.make(cs.factor);
        InvestmentOracleSettings coarse, fine;
        coarse.gridPoints = 1001;
        fine.gridPoints = 2001;
        const InvestmentOracleResult a = kp::investmentOracle(p, coarse), b = kp::investmentOracle(p, fine);
        const Changes c = changes(a, b);
        CAPTURE(std::string(cs.name));
        MESSAGE(std::string(cs.name) << ": value " << b.optionValue << " waiting " << b.valueOfWaiting << " never " << b.neverInvest
                << " now " << b.investNow[0] << " " << b.investNow[1] << "; changes: value " << c.value << " waiting " << c.waiting
                << " now " << c.now << " boundary " << c.boundary << " (" << c.boundaries << " found, " << c.statusChanges
                << " status changes, " << c.nearEdge << " near an edge, worst " << c.worstBoundary << ") timing " << c.timing << "; " << a.seconds << " s and " << b.seconds << " s");
        CHECK(c.value < 1e-5);
        CHECK(c.waiting < 1e-5);
        CHECK(c.now < 1e-5);
        CHECK(c.boundaries >= 40);
        CHECK(c.boundary < 1e-5);
        CHECK(c.statusChanges == 0);
        CHECK(c.timing < 1e-5);
        CHECK(totalProbability(a) == doctest::Approx(1.0).epsilon(1e-12));
        CHECK(totalProbability(b) == doctest::Approx(1.0).epsilon(1e-12));
    }
}


TEST_CASE("never investing: a cash flow linear in X against E[X_k] in closed form") {
    // carryOn = a + b X: B(0) = sum_k D_k (a + b E[X_k]); no technology, no exit (the option is
    // then the never-invest value). Quarterly, 20 years, default grid (N = 1001, +-8 sd).
    const int P = 4, H = 80;
    const double a = -3.0, b = 2.0;
    InvestmentOracleProblem p;
    p.periods = H;
    p.periodsPerYear = P;
    for (int k = 0; k < H; ++k) p.discount.push_back(std::exp(-0.05 * k / P));
    p.carryOn = [&](int, double x) { return a + b * x; };
    // GBM with a time-dependent drift: E[X_k] = X0 exp(sum_{i<k} (mu_i - q) dt)
    OracleFactor g = OracleFactor::gbm(50.0, 0.0, 0.01, 0.35);
    g.drift.clear();
    for (int k = 0; k < H; ++k) g.drift.push_back(0.08 * std::sin(0.3 * k));
    // exp-OU with a mean level per period: E[X_k] from kp::ExpOu (models/), the engine's own law
    std::vector<double> theta;
    kp::ExpOuParams ou{50.0, 0.6, 0.35, {}, {}};
    for (int k = 0; k < H; ++k) {
        theta.push_back(std::log(40.0 + 10.0 * std::cos(0.2 * k)));
        ou.meanTimes.push_back(static_cast<double>(k) / P);
        ou.meanLevels.push_back(theta.back());
    }
    const kp::ExpOu model(ou);
    for (int which = 0; which < 2; ++which) {
        p.factor = which == 0 ? g : OracleFactor::expOu(50.0, 0.6, 0.35, theta);
        double exact = 0.0, growth = 0.0;
        for (int k = 0; k < H; ++k) {
            const double mean = which == 0 ? 50.0 * std::exp(growth) : model.expectedPrice(static_cast<double>(k) / P);
            exact += p.discount[k] * (a + b * mean);
            growth += (g.drift[k] - g.yield) / P;
        }
        const InvestmentOracleResult r = kp::investmentOracle(p);
        CAPTURE(which);
        CAPTURE(exact);
        CAPTURE(r.neverInvest);
        // the cubic interpolant of e^x between nodes (h = 0.025 here) is the only error: measured
        // 2.0e-7 (GBM) and 3e-10 (exp-OU, whose grid is narrower)
        CHECK(relDiff(r.neverInvest, exact) < 1e-6);
        CHECK(r.optionValue == r.neverInvest);
        CHECK(r.neverProbability == doctest::Approx(1.0).epsilon(1e-12));
        MESSAGE(std::string(which == 0 ? "GBM" : "exp-OU") << " never-invest value: oracle " << r.neverInvest << ", closed form "
                << exact << ", relative difference " << relDiff(r.neverInvest, exact));
    }
}

TEST_CASE("timing: P(invest by d) equals a Monte Carlo of the oracle's own boundary") {
    // McDonald-Siegel with yearly decisions over 20 years: the policy is "invest when V_d >= the
    // boundary of date d", so simulating V on the same dates and applying the oracle's boundaries
    // must reproduce the oracle's timing within the Monte Carlo error (k = 4 SE, 200,000 paths,
    // seed 2026, kp::fillNormals stream User).
    constexpr int W = 20;
    McDonaldSiegel ms;
    const InvestmentOracleProblem p = ms.make(1, W, 0);
    const InvestmentOracleResult r = kp::investmentOracle(p);
    CHECK(totalProbability(r) == doctest::Approx(1.0).epsilon(1e-12));
    for (int d = 0; d <= W; ++d) REQUIRE((r.boundaryByTechnology[0][d].status == BoundaryStatus::Found));
    const std::size_t paths = 200'000;
    const std::uint64_t seed = 2026;
    const double k = 4.0;
    std::vector<double> logV(paths, std::log(ms.V0)), z(paths);
    std::vector<char> invested(paths, 0);
    std::vector<double> cumulative(W + 1, 0.0);
    kp::NormalScratch scratch;
    std::size_t count = 0;
    for (int d = 0; d <= W; ++d) {
        if (d > 0) {
            kp::fillNormals(seed, static_cast<std::uint32_t>(kp::Stream::User), static_cast<std::uint32_t>(d), 0, 0, paths,
                            z.data(), false, scratch);
            for (std::size_t i = 0; i < paths; ++i)
                logV[i] += (ms.r - ms.delta - 0.5 * ms.vol * ms.vol) + ms.vol * z[i];
        }
        const double b = std::log(r.boundaryByTechnology[0][d].x);
        for (std::size_t i = 0; i < paths; ++i)
            if (!invested[i] && logV[i] >= b) invested[i] = 1, ++count;
        cumulative[d] = static_cast<double>(count) / paths;
    }
    double oracle = 0.0;
    for (int d = 0; d <= W; ++d) {
        oracle += r.investProbability[0][d];
        const double mc = cumulative[d], se = std::sqrt(std::max(mc * (1 - mc), 1e-12) / paths);
        CAPTURE(d);
        CAPTURE(oracle);
        CAPTURE(mc);
        CAPTURE(se);
        CAPTURE(k);
        CAPTURE(seed);
        CHECK(std::abs(mc - oracle) <= k * se + 1e-12);
    }
    CHECK(r.neverProbability == doctest::Approx(1.0 - oracle).epsilon(1e-12));
    MESSAGE("McDonald-Siegel W = 20: P(invest by 20) oracle " << oracle << ", Monte Carlo " << cumulative[W]
            << " (SE " << std::sqrt(cumulative[W] * (1 - cumulative[W]) / paths) << ")");
}

TEST_CASE("operating modes, sigma = 0: the oracle equals enumerating every mode sequence") {
    // H = 6 annual periods, a price that rises, dips for two years and recovers; the plant with
    // modes (run, suspended, abandoned) built in 1 period with a capex schedule, beside a plain
    // technology and an exit. Every (technology, date), exit date and mode sequence (3^6) enumerated.
    const int H = 6;
    int suspensions = 0, abandonments = 0;
    std::vector<int> actions;
    for (double spot : {3.0, 6.0, 8.0, 10.0, 13.0, 20.0}) {
        InvestmentOracleProblem p;
        p.periods = H;
        p.factor = OracleFactor::gbm(spot, 0.0, 0.0, 0.0);
        p.factor.drift = {0.3, -0.6, -0.5, 0.5, 0.6, 0.1};
        for (int k = 0; k < H; ++k) p.discount.push_back(std::pow(1.08, -k));
        p.carryOn = [](int, double x) { return 0.2 + 0.05 * x; };
        OracleTechnology m = modePlant(1.0, 9.0, 0.5, 0.3, 0.4, 2.0);
        m.capex = {6.0, 5.0, 4.0, 3.5, 3.0, 2.5};
        m.constructionPeriods = 1;
        m.lifetimePeriods = H;
        m.firstDecision = 0;
        m.lastDecision = 4;
        OracleTechnology plain;
        plain.name = "plain";
        plain.cashFlow = [](int, int, double x) { return 0.5 * x - 3.0; };
        plain.capex = {6.0};
        plain.lifetimePeriods = H;
        plain.firstDecision = 1;
        plain.lastDecision = 3;
        p.technologies = {plain, m};
        p.exits.push_back({"close", 1.0, 2, 5});
        std::vector<double> X(H);
        X[0] = spot;
        for (int k = 1; k < H; ++k) X[k] = X[k - 1] * std::exp(p.factor.drift[k - 1]);
        const Enumerated e = enumerate(p, X);
        const InvestmentOracleResult r = kp::investmentOracle(p);
        const ModeSequence seq = bestModes(m, p.discount, X, 1, H);
        CAPTURE(spot);
        CAPTURE(e.best);
        CAPTURE(e.action);
        CAPTURE(e.date);
        CAPTURE(r.optionValue);
        CHECK(std::abs(r.optionValue - e.best) <= 1e-9 * std::max(1.0, std::abs(e.best)));
        // investing now in the plant with modes: capex, then the best mode sequence from period 1
        const double now = -m.capex[0] + p.discount[0] * p.carryOn(0, X[0]) + seq.value;
        CHECK(std::abs(r.investNow[1] - now) <= 1e-9 * std::max(1.0, std::abs(now)));
        std::ostringstream modes;
        for (int q : seq.modes) modes << q;
        MESSAGE("modes, sigma = 0, spot " << spot << ": oracle " << fmt(r.optionValue, 14) << ", enumerated " << fmt(e.best, 14)
                << " (difference " << r.optionValue - e.best << ", invest now " << r.investNow[1] - now << ")"
                << " (action " << e.action << " at " << e.date << "); invest now " << fmt(r.investNow[1], 14)
                << ", best modes from 1: " << modes.str());
        suspensions += std::count(seq.modes.begin(), seq.modes.end(), 1) > 0;
        abandonments += std::count(seq.modes.begin(), seq.modes.end(), 2) > 0;
        actions.push_back(e.action * 1000 + e.date);
    }
    std::sort(actions.begin(), actions.end());
    CHECK(std::unique(actions.begin(), actions.end()) - actions.begin() >= 3);
    CHECK(suspensions >= 1);
    CHECK(abandonments >= 1);
}

TEST_CASE("operating modes, switching costs 0: the value of the period-by-period best mode") {
    // With free switching the owner takes the best mode every period: the technology with modes
    // equals the one with cashFlow = max over modes (its kinks at X = 30 and 60 declared; with modes
    // also undeclared: the envelope of the modes finds them). GBM, quarterly over 10 years.
    const int P = 4, H = 40;
    InvestmentOracleProblem p;
    p.periods = H;
    p.periodsPerYear = P;
    p.factor = OracleFactor::gbm(50.0, 0.02, 0.0, 0.3);
    for (int k = 0; k < H; ++k) p.discount.push_back(std::exp(-0.06 * k / P));
    p.carryOn = [](int, double x) { return 0.1 * x - 4.0; };
    OracleTechnology m;
    m.name = "modes";
    m.modeCashFlow = {[](int, double x) { return x - 50.0; }, [](int, double) { return -5.0; },
                      [](int, double x) { return 0.5 * x - 20.0; }};
    m.switchCost.assign(3, std::vector<double>(3, 0.0));
    m.capex = {60.0};
    m.constructionPeriods = 2;
    m.lifetimePeriods = H;
    m.firstDecision = 0;
    m.lastDecision = 20;
    OracleTechnology best = m;
    best.name = "best";
    best.modeCashFlow.clear();
    best.switchCost.clear();
    best.cashFlow = [](int, int, double x) { return std::max({x - 50.0, -5.0, 0.5 * x - 20.0}); };
    p.kinks = {30.0, 60.0};
    InvestmentOracleProblem q = p;
    p.technologies = {m};
    q.technologies = {best};
    const InvestmentOracleResult a = kp::investmentOracle(p), b = kp::investmentOracle(q);
    p.kinks.clear();  // the modes' envelope alone finds the kinks (to O(h^4) as well)
    const InvestmentOracleResult u = kp::investmentOracle(p);
    CAPTURE(a.optionValue);
    CAPTURE(b.optionValue);
    CAPTURE(u.optionValue);
    CHECK(relDiff(a.optionValue, b.optionValue) < 1e-6);
    CHECK(relDiff(u.optionValue, b.optionValue) < 1e-6);
    CHECK(std::abs(a.investNow[0] - b.investNow[0]) < 1e-6 * std::abs(b.optionValue));
    CHECK(std::abs(u.investNow[0] - b.investNow[0]) < 1e-6 * std::abs(b.optionValue));
    CHECK(a.neverInvest == b.neverInvest);
    for (int d = 0; d <= 20; ++d) {
        CAPTURE(d);
        REQUIRE((a.boundary[d].status == b.boundary[d].status));
        if (a.boundary[d].status == BoundaryStatus::Found) CHECK(relDiff(a.boundary[d].x, b.boundary[d].x) < 1e-5);
    }
    MESSAGE("modes with free switching: " << fmt(a.optionValue, 12) << ", max-of-modes cash flow " << fmt(b.optionValue, 12)
            << " (relative difference " << relDiff(a.optionValue, b.optionValue) << "); invest now " << fmt(a.investNow[0], 12)
            << " vs " << fmt(b.investNow[0], 12) << "; kinks not declared: " << fmt(u.optionValue, 12) << " ("
            << relDiff(u.optionValue, b.optionValue) << "), invest now " << fmt(u.investNow[0], 12) << "; " << a.seconds << " s");
}

TEST_CASE("operating modes: grid refinement on the monthly GBM plant (LSMRealOptions 4.2 style)") {
    // X GBM spot 36, drift 0.06, sigma 0.2, monthly over 10 years, discount exp(-0.05 k / 12); run
    // (1e4 X - 3.6e5) / 12 a month, construction 6 months, capex 1e5 exp(-0.01 k / 12) at decision k,
    // any month with operation starting by the horizon; modes run / suspended (-0.05e5 / 12 a month)
    // / abandoned, costs run <-> suspended 0.1e5, to abandoned 0.2e5, abandoned absorbing.
    const int P = 12, H = 120;
    InvestmentOracleProblem p;
    p.periods = H;
    p.periodsPerYear = P;
    p.factor = OracleFactor::gbm(36.0, 0.06, 0.0, 0.2);
    for (int k = 0; k < H; ++k) p.discount.push_back(std::exp(-0.05 * k / P));
    p.carryOn = [](int, double) { return 0.0; };
    OracleTechnology t = modePlant(1e4 / P, 3.6e5 / P, 0.05e5 / P, 0.1e5, 0.1e5, 0.2e5);
    for (int k = 0; k < H; ++k) t.capex.push_back(1e5 * std::exp(-0.01 * k / P));
    t.constructionPeriods = 6;
    t.lifetimePeriods = H;
    t.firstDecision = 0;
    t.lastDecision = H - 1 - 6;
    // the same plant that always runs: with one mode, and as a plain cash flow
    OracleTechnology run1 = t;
    run1.modeCashFlow.resize(1);
    run1.switchCost = {{0.0}};
    OracleTechnology plain = run1;
    plain.modeCashFlow.clear();
    plain.switchCost.clear();
    plain.cashFlow = [](int, int, double x) { return (1e4 * x - 3.6e5) / 12; };
    std::vector<InvestmentOracleResult> modes, runs;
    for (int N : {1001, 2001}) {
        InvestmentOracleSettings s;
        s.gridPoints = N;
        p.technologies = {t};
        modes.push_back(kp::investmentOracle(p, s));
        p.technologies = {run1};
        runs.push_back(kp::investmentOracle(p, s));
        p.technologies = {plain};
        const InvestmentOracleResult r = kp::investmentOracle(p, s);
        CHECK(relDiff(runs.back().optionValue, r.optionValue) < 1e-12);  // one mode = the plain cash flow
        CHECK(relDiff(runs.back().investNow[0], r.investNow[0]) < 1e-12);
    }
    const Changes c = changes(modes[0], modes[1]), c1 = changes(runs[0], runs[1]);
    MESSAGE("modes (run / suspended / abandoned): value " << fmt(modes[1].optionValue, 12) << " (N = 1001: "
            << fmt(modes[0].optionValue, 12) << "), invest now " << fmt(modes[1].investNow[0], 12) << ", trigger at 0 "
            << fmt(modes[1].boundary[0].x, 10) << "; run only: value " << fmt(runs[1].optionValue, 12) << ", invest now "
            << fmt(runs[1].investNow[0], 12) << ", trigger at 0 " << fmt(runs[1].boundary[0].x, 10));
    MESSAGE("refinement N = 1001 -> 2001: modes value " << c.value << " waiting " << c.waiting << " now " << c.now
            << " boundary " << c.boundary << " (" << c.boundaries << " found, worst " << c.worstBoundary << ") timing "
            << c.timing << "; run only value " << c1.value << " boundary " << c1.boundary << "; stepCells "
            << modes[0].stepCells << "; " << modes[0].seconds << " s and " << modes[1].seconds << " s");
    CHECK(modes[1].optionValue > runs[1].optionValue);
    CHECK(c.value < 1e-6);
    CHECK(c.now < 1e-6);
    CHECK(c.boundary < 1e-5);
    CHECK(c.timing < 1e-5);
    CHECK(c.statusChanges == 0);
    CHECK(totalProbability(modes[0]) == doctest::Approx(1.0).epsilon(1e-12));
}

namespace {
/// The message of the kp::InvalidInput the oracle throws ("" if none).
std::string errorOf(const InvestmentOracleProblem& p, const InvestmentOracleSettings& s = {}) {
    try {
        kp::investmentOracle(p, s);
    } catch (const kp::InvalidInput& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("bad input throws kp::InvalidInput: '... is ..., but must be ...'") {
    Steelworks sw;
    const InvestmentOracleProblem good = sw.make(OracleFactor::gbm(60.0, 0.05, 0.0, 0.3));
    CHECK(errorOf(good).empty());
    struct Bad {
        const char* expect;
        std::function<void(InvestmentOracleProblem&, InvestmentOracleSettings&)> mutate;
    };
    const std::vector<Bad> bad = {
        {"periods is 0, but must be in [1, 1000000]", [](auto& p, auto&) { p.periods = 0; }},
        {"periodsPerYear is 0, but must be at least 1", [](auto& p, auto&) { p.periodsPerYear = 0; }},
        {"discount has 29 factors, but must have one per period (30)", [](auto& p, auto&) { p.discount.pop_back(); }},
        {"discount[3] is -1, but must be positive and finite", [](auto& p, auto&) { p.discount[3] = -1; }},
        {"carryOn is empty, but must be a callable", [](auto& p, auto&) { p.carryOn = nullptr; }},
        {"factor.spot is 0, but must be positive and finite", [](auto& p, auto&) { p.factor.spot = 0; }},
        {"factor.sigma is -0.29999999999999999, but must be non-negative", [](auto& p, auto&) { p.factor.sigma = -0.3; }},
        {"factor.drift has 2 values, but must have 1 or one per period (30)", [](auto& p, auto&) { p.factor.drift = {0.1, 0.2}; }},
        {"factor.kappa is 0, but must be positive and finite",
         [](auto& p, auto&) { p.factor = OracleFactor::expOu(60.0, 0.0, 0.3, {4.0}); }},
        {"factor.meanLevels[0] is nan, but must be finite",
         [](auto& p, auto&) { p.factor = OracleFactor::expOu(60.0, 0.5, 0.3, {std::nan("")}); }},
        {"kinks[0] is -40, but must be positive and finite", [](auto& p, auto&) { p.kinks = {-40.0}; }},
        {"technologies[1] ('b').lifetimePeriods is 0, but must be at least 1",
         [](auto& p, auto&) { p.technologies[1].lifetimePeriods = 0; }},
        {"technologies[0] ('a').constructionPeriods is -1, but must be non-negative",
         [](auto& p, auto&) { p.technologies[0].constructionPeriods = -1; }},
        {"technologies[0] ('a').capex has 2 values, but must have 1 or one per period (30)",
         [](auto& p, auto&) { p.technologies[0].capex = {1.0, 2.0}; }},
        {"technologies[0] ('a').lastDecision is 30, but must be in [firstDecision = 0, 29]",
         [](auto& p, auto&) { p.technologies[0].lastDecision = 30; }},
        {"technologies[1] ('b').firstDecision is -2, but must be in [0, 29]",
         [](auto& p, auto&) { p.technologies[1].firstDecision = -2; }},
        {"technologies[0] ('a').cashFlow is empty, but must be a callable",
         [](auto& p, auto&) { p.technologies[0].cashFlow = nullptr; }},
        {"technologies[0] ('a').headPeriods is -1, but must be non-negative",
         [](auto& p, auto&) { p.technologies[0].headPeriods = -1; }},
        {"exits[0] ('close').lastDecision is 5, but must be in [firstDecision = 6, 29]",
         [](auto& p, auto&) { p.exits[0].firstDecision = 6, p.exits[0].lastDecision = 5; }},
        {"exits[0] ('close').netValue is inf, but must be finite",
         [](auto& p, auto&) { p.exits[0].netValue = std::numeric_limits<double>::infinity(); }},
        {"gridPoints is 1000, but must be odd and in [9, 1000001]", [](auto&, auto& s) { s.gridPoints = 1000; }},
        {"gridSds is 0, but must be positive and finite", [](auto&, auto& s) { s.gridSds = 0; }},
        {"halfWidth is -1, but must be non-negative", [](auto&, auto& s) { s.halfWidth = -1; }},
        {"kernelSds is 2, but must be in [4, 40]", [](auto&, auto& s) { s.kernelSds = 2; }},
        {"is nan, but must be finite",
         [](auto& p, auto&) { p.carryOn = [](int, double) { return std::nan(""); }; }},
    };
    for (const Bad& b : bad) {
        InvestmentOracleProblem p = good;
        InvestmentOracleSettings s;
        b.mutate(p, s);
        CAPTURE(std::string(b.expect));
        CHECK_THROWS_AS(kp::investmentOracle(p, s), kp::InvalidInput);
        const std::string msg = errorOf(p, s);
        CAPTURE(msg);
        CHECK(msg.rfind("investmentOracle: ", 0) == 0);
        CHECK(msg.find(b.expect) != std::string::npos);
    }
}

TEST_CASE("bad input, operating modes: kp::InvalidInput with '... is ..., but must be ...'") {
    InvestmentOracleProblem good;
    good.periods = 12;
    good.factor = OracleFactor::gbm(10.0, 0.0, 0.0, 0.3);
    good.discount.assign(12, 1.0);
    good.carryOn = [](int, double) { return 0.0; };
    OracleTechnology t = modePlant(1.0, 9.0, 0.5, 0.3, 0.4, 2.0);
    t.capex = {5.0};
    t.lifetimePeriods = 12;
    t.lastDecision = 11;
    good.technologies = {t};
    CHECK(errorOf(good).empty());
    struct Bad {
        const char* expect;
        std::function<void(OracleTechnology&)> mutate;
    };
    const std::vector<Bad> bad = {
        {"technologies[0] ('modes').modeCashFlow has 9 modes, but must have 1 to 8 (or none)",
         [](auto& m) { m.modeCashFlow.resize(9, m.modeCashFlow[0]); }},
        {"technologies[0] ('modes').modeCashFlow[1] is empty, but must be a callable (k, x) -> cash flow",
         [](auto& m) { m.modeCashFlow[1] = nullptr; }},
        {"technologies[0] ('modes').cashFlow is set, but must be empty with modeCashFlow",
         [](auto& m) { m.cashFlow = [](int, int, double) { return 0.0; }; }},
        {"technologies[0] ('modes').headPeriods is 2, but must be 0 with modeCashFlow", [](auto& m) { m.headPeriods = 2; }},
        {"technologies[0] ('modes').lifetimePeriods is 11, but must be at least periods (12) with modeCashFlow",
         [](auto& m) { m.lifetimePeriods = 11; }},
        {"technologies[0] ('modes').switchCost has 2 rows, but must have one per mode (3)",
         [](auto& m) { m.switchCost.pop_back(); }},
        {"technologies[0] ('modes').switchCost[1] has 2 entries, but must have one per mode (3)",
         [](auto& m) { m.switchCost[1].pop_back(); }},
        {"technologies[0] ('modes').switchCost[1][1] is 0.5, but must be 0", [](auto& m) { m.switchCost[1][1] = 0.5; }},
        {"technologies[0] ('modes').switchCost[2][2] is inf, but must be 0", [](auto& m) { m.switchCost[2][2] = kInf; }},
        {"technologies[0] ('modes').switchCost[0][1] is -1, but must be non-negative (+inf: not allowed)",
         [](auto& m) { m.switchCost[0][1] = -1; }},
        {"technologies[0] ('modes').switchCost[2][0] is nan, but must be non-negative",
         [](auto& m) { m.switchCost[2][0] = std::nan(""); }},
        {"technologies[0] ('modes').switchCost[0][2] is -inf, but must be non-negative", [](auto& m) { m.switchCost[0][2] = -kInf; }},
        {"technologies[0] ('modes').switchCost has 3 rows, but must be empty when modeCashFlow is",
         [](auto& m) { m.modeCashFlow.clear(), m.cashFlow = [](int, int, double) { return 0.0; }; }},
        {"technologies[0] ('modes').modeCashFlow[1](11, ", [](auto& m) { m.modeCashFlow[1] = [](int, double) { return std::nan(""); }; }},
    };
    for (const Bad& b : bad) {
        InvestmentOracleProblem p = good;
        b.mutate(p.technologies[0]);
        CAPTURE(std::string(b.expect));
        CHECK_THROWS_AS(kp::investmentOracle(p), kp::InvalidInput);
        const std::string msg = errorOf(p);
        CAPTURE(msg);
        CHECK(msg.rfind("investmentOracle: ", 0) == 0);
        CHECK(msg.find(b.expect) != std::string::npos);
    }
    // the message of a non-finite mode cash flow, in full
    InvestmentOracleProblem p = good;
    p.technologies[0].modeCashFlow[1] = [](int, double) { return std::nan(""); };
    MESSAGE(errorOf(p));
    CHECK(errorOf(p).find(") is nan, but must be finite") != std::string::npos);
}

}  // TEST_SUITE
