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
//! - bad input: kp::InvalidInput with "... is ..., but must be ..." messages.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "detail/grid_kernel.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/models/plant.hpp"
#include "kp/models/policy.hpp"
#include "kp/models/technology.hpp"
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
        pw.split.assign(n - 1, 0.5);
        for (int i = 231; i < n; ++i) pw.piece[i] = 1;
        pw.split[230] = 0.3;  // kept: positions below 230.3
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
    MESSAGE("McDonald-Siegel annual, W = 40: FD " << fd << ", oracle " << life.optionValue
            << " (life 40 y), " << lump.optionValue << " (lump); trigger V* at 0: "
            << A * life.boundary[0].x);
}

TEST_CASE("McDonald-Siegel, denser dates: the value rises to 25 and the trigger to V* = 200") {
    // W = 200 years (the horizon's loss is below 1e-4 relative: W = 300 changes the P = 1 value by
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
        MESSAGE("McDonald-Siegel P = " << P << ": value " << r.optionValue << " (25 - " << valueGap
                << "), trigger " << trigger << " (200 - " << triggerGap << "), " << r.seconds << " s");
        lastValue = r.optionValue;
        lastTrigger = trigger;
    }
}

}  // TEST_SUITE
