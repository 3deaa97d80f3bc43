//! \brief Technology risk (issue 15 item 1; kp::TechnologyRisk, options.<x>.risk): capex overrun,
//! construction delay, incidents and their insurance, drawn per path, against
//! - the closed forms of the insured loss and of the limit's probability (quadrature);
//! - exact equalities: no risk (or a risk block that changes nothing) leaves every result bit for bit;
//!   a sure overrun is a higher capex, a sure delay a longer construction;
//! - Monte Carlo within 3 standard errors (fixed seed, deterministic prices, so that all the spread is
//!   the risk's; no bias budget: every estimator here is an unbiased mean): a random overrun is worth its
//!   mean, a random delay the mixture of sure delays, incidents their expected cost plus the premium;
//! - properties: the owner's expected shortfall never improves with a larger incident severity and
//!   never worsens with a larger insured share at no premium (common random numbers: pathwise, exact);
//!   a fair insurance (loading 1) leaves the mean within 3 SE and raises the 99% ES beyond 3 SE;
//!   overrun risk lowers the option value and delays investment, beyond 3 SE;
//! - the ramp-up in the deterministic limit against the scalar kp::yearCashFlow by hand (a replacement
//!   makes, earns and emits its shortfall less; a retrofit captures it less), to 1e-9.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../engine/synthetic_problem.hpp"
#include "kp/core/errors.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/engine/investment_upper_bound.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/results/downside.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/technology_risk.hpp"

namespace {

using kp::testing::Synthetic;

kp::InvestmentSettings settings(std::size_t paths, std::uint64_t seed = 42) {
    kp::InvestmentSettings s;
    s.paths = paths;
    s.trainingPaths = paths;
    s.seed = seed;
    s.threads = 2;
    return s;
}

/// Invest in technology a (index 0) in 2026 on every path.
kp::InvestmentSettings investNow(std::size_t paths) {
    kp::InvestmentSettings s = settings(paths);
    s.fixedPolicy = kp::FixedPolicy{0, 2026};
    return s;
}

kp::InvestmentResult run(const kp::InvestmentProblem& p, const kp::InvestmentSettings& s) {
    kp::InvestmentLsm e;
    return e.value(p, s);
}

/// E[f(S)] for S = risk.severity(z), z standard normal, by the trapezoid rule on [-12, 12].
template <class F>
double overSeverity(const kp::TechnologyRisk& r, F f) {
    const int m = 240000;
    const double h = 24.0 / m;
    double sum = 0;
    for (int i = 0; i <= m; ++i) {
        const double z = -12.0 + i * h;
        const double w = (i == 0 || i == m) ? 0.5 : 1.0;
        sum += w * f(r.severity(z)) * std::exp(-0.5 * z * z);
    }
    return sum * h / std::sqrt(2.0 * M_PI);
}

kp::TechnologyRisk incidents(double frequency, double mean, double sd) {
    kp::TechnologyRisk r;
    r.incidentFrequency = frequency;
    r.severityMean = mean;
    r.severitySd = sd;
    return r;
}

/// The owner's realised NPV of investing in a now, per path, and the downside of it.
struct Owner {
    std::vector<double> npv;
    kp::Estimate mean;
    kp::results::DownsideLevels levels;
};

Owner ownerOf(const kp::InvestmentProblem& p, std::size_t paths) {
    const kp::InvestmentSettings s = investNow(paths);
    kp::results::PathValues pv(paths, p);
    kp::InvestmentLsm e;
    const kp::InvestmentResult r = e.value(p, s, &pv);
    Owner o;
    o.npv.assign(pv.option(), pv.option() + paths);
    o.mean = r.optionValue;
    const auto batches = kp::results::downsideBatches(paths, s.rules, s.antithetic);
    o.levels = kp::results::downsideLevels(o.npv.data(), paths, batches, s.antithetic);
    return o;
}

double sortedEs(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return kp::results::expectedShortfall(v, q);
}

}  // namespace

TEST_CASE("technology risk: the insured loss and the limit's probability in closed form") {
    for (double sd : {0.0, 1e8, 4e8}) {
        kp::TechnologyRisk r = incidents(0.05, 2e8, sd);
        r.insuredShare = 0.8;
        r.deductible = 1e7;
        r.limit = 3e8;
        const double quad = overSeverity(r, [&](double S) { return r.insured(S); });
        CAPTURE(sd);
        CHECK(r.expectedInsuredLoss() == doctest::Approx(quad).epsilon(1e-7));
        if (sd > 0) {  // the indicator's quadrature error is O(h): 1e-4 of a probability
            const double K = r.deductible + r.limit / r.insuredShare;
            CHECK(r.limitProbability() == doctest::Approx(overSeverity(r, [&](double S) { return S >= K ? 1.0 : 0.0; })).epsilon(2e-4));
        }
        r.limit = 1e300;  // no limit
        CHECK(r.expectedInsuredLoss() ==
              doctest::Approx(overSeverity(r, [&](double S) { return r.insured(S); })).epsilon(1e-7));
        CHECK(r.limitProbability() == 0.0);
        r.premiumLoading = 1.5;
        CHECK(r.premium() == doctest::Approx(1.5 * 0.05 * r.expectedInsuredLoss()).epsilon(1e-15));
        r.premiumPerYear = 1e6;
        CHECK(r.premium() == 1e6);
    }
    // the overrun's law: mean and sd of the multiplier (quadrature)
    kp::TechnologyRisk o;
    o.overrunMean = 0.4, o.overrunSd = 0.5;
    kp::TechnologyRisk asSeverity = incidents(1, 1, 0);  // reuse the quadrature over z for M(z)
    const int m = 240000;
    const double h = 24.0 / m;
    double m1 = 0, m2 = 0;
    for (int i = 0; i <= m; ++i) {
        const double z = -12.0 + i * h, w = ((i == 0 || i == m) ? 0.5 : 1.0) * std::exp(-0.5 * z * z) * h / std::sqrt(2 * M_PI);
        const double M = o.overrunMultiplier(z);
        m1 += w * M, m2 += w * M * M;
    }
    (void)asSeverity;
    CHECK(m1 == doctest::Approx(1.4).epsilon(1e-9));
    CHECK(std::sqrt(m2 - m1 * m1) == doctest::Approx(0.5).epsilon(1e-7));
    const auto s = kp::results::technologyRiskSummaries({[&] {
        kp::Technology t;
        t.name = "x";
        t.risk = o;
        t.risk.delayProbabilities = {0.5, 0.3, 0.2};
        return t;
    }()});
    REQUIRE(s.size() == 1);
    CHECK(s[0].expectedDelayYears == doctest::Approx(0.7).epsilon(1e-15));
    CHECK(s[0].overrunP90 == doctest::Approx(o.overrunMultiplier(1.2815515655446004) - 1).epsilon(1e-15));
}

TEST_CASE("technology risk that changes nothing leaves every result bit for bit") {
    Synthetic sy;
    sy.vol = 0.3;
    const kp::InvestmentProblem base = sy.make();
    kp::InvestmentProblem same = base;
    kp::TechnologyRisk& r = same.project.technologies[0].tech.risk;
    r.delayProbabilities = {1.0};  // a delay of 0 years, surely
    r.insuredShare = 0.9;          // insurance, but no incidents to insure: premium 0
    same.project.technologies[1].tech.risk.overrunMean = 0;
    const kp::InvestmentSettings s = settings(8192);
    const kp::InvestmentResult a = run(base, s), b = run(same, s);
    CHECK(a.optionValue.value == b.optionValue.value);
    CHECK(a.optionValue.stdError == b.optionValue.stdError);
    CHECK(a.valueOfWaiting.value == b.valueOfWaiting.value);
    CHECK(a.timing == b.timing);
    CHECK(a.npvNow[0].value == b.npvNow[0].value);
}

TEST_CASE("a sure overrun is a higher capex; a sure delay a longer construction") {
    Synthetic sy;
    sy.vol = 0.3;
    const kp::InvestmentSettings s = settings(8192);
    kp::InvestmentProblem over = sy.make(), dearer = sy.make();
    over.project.technologies[0].tech.risk.overrunMean = 0.25;
    dearer.project.technologies[0].tech.capex *= 1.25;
    const kp::InvestmentResult a = run(over, s), b = run(dearer, s);
    CHECK(a.optionValue.value == doctest::Approx(b.optionValue.value).epsilon(1e-12));
    CHECK(a.npvNow[0].value == doctest::Approx(b.npvNow[0].value).epsilon(1e-12));
    CHECK(a.timing == b.timing);

    kp::InvestmentProblem late = sy.make(), longer = sy.make();
    late.project.technologies[1].tech.risk.delayProbabilities = {0.0, 1.0};
    longer.project.technologies[1].tech.constructionYears += 1;
    const kp::InvestmentResult c = run(late, s), d = run(longer, s);
    CHECK(c.optionValue.value == d.optionValue.value);
    CHECK(c.timing == d.timing);
    CHECK(c.npvNow[0].value == d.npvNow[0].value);
    CHECK(c.neverInvest.value == d.neverInvest.value);
}

TEST_CASE("a random overrun is worth its mean; a random delay the mixture of sure delays (3 SE)") {
    Synthetic sy;  // deterministic prices: the risk is all the spread
    const std::size_t n = 20000;
    kp::InvestmentProblem sure = sy.make(), random = sy.make();
    sure.project.technologies[0].tech.risk.overrunMean = 0.4;
    random.project.technologies[0].tech.risk.overrunMean = 0.4;
    random.project.technologies[0].tech.risk.overrunSd = 0.6;
    const kp::InvestmentResult a = run(sure, investNow(n)), b = run(random, investNow(n));
    CHECK(a.optionValue.stdError == doctest::Approx(0.0).epsilon(1e-9).scale(a.optionValue.value));
    CHECK(b.optionValue.stdError > 0);
    CHECK(std::abs(b.optionValue.value - a.optionValue.value) <= 3 * b.optionValue.stdError);

    std::vector<double> byDelay;
    for (int y = 0; y < 3; ++y) {
        kp::InvestmentProblem p = sy.make();
        p.project.technologies[0].tech.constructionYears += y;
        byDelay.push_back(run(p, investNow(n)).optionValue.value);
    }
    kp::InvestmentProblem mixed = sy.make();
    mixed.project.technologies[0].tech.risk.delayProbabilities = {0.5, 0.3, 0.2};
    const kp::InvestmentResult m = run(mixed, investNow(n));
    const double expect = 0.5 * byDelay[0] + 0.3 * byDelay[1] + 0.2 * byDelay[2];
    CAPTURE(expect);
    CAPTURE(m.optionValue.value);
    CHECK(m.optionValue.stdError > 0);
    CHECK(std::abs(m.optionValue.value - expect) <= 3 * m.optionValue.stdError);
}

TEST_CASE("incidents cost their expected retained loss plus the premium (3 SE)") {
    Synthetic sy;
#ifdef KP_SANITIZED
    const std::size_t n = 4000;  // the sanitizer pass checks memory, not power: the same 3 SE check
#else
    const std::size_t n = 20000;
#endif
    kp::TechnologyRisk r = incidents(0.3, 4e7, 8e7);  // frequent enough to measure at 20,000 paths
    r.insuredShare = 0.7, r.deductible = 5e6, r.limit = 1e8, r.premiumLoading = 1.3;
    kp::InvestmentProblem risky = sy.make(), expected = sy.make();
    risky.project.technologies[0].tech.risk = r;
    // the same expected cost as a certain opex a year while a runs
    expected.project.technologies[0].tech.fixedOpex += r.premium() + r.incidentFrequency * (r.expectedLoss() - r.expectedInsuredLoss());
    const kp::InvestmentResult a = run(risky, investNow(n)), b = run(expected, investNow(n));
    CAPTURE(a.optionValue.value);
    CAPTURE(b.optionValue.value);
    CHECK(a.optionValue.stdError > 0);
    CHECK(std::abs(a.optionValue.value - b.optionValue.value) <= 3 * a.optionValue.stdError);
    // quarterly periods: the same expected cost (frequency / 4 a period)
    kp::InvestmentProblem q = risky, qe = expected;
    for (kp::InvestmentProblem* p : {&q, &qe}) {
        p->project.periodsPerYear = 4;
        p->project.discount.clear();
        for (int k = 0; k < 4 * sy.horizon; ++k) p->project.discount.push_back(std::pow(1.07, -k / 4.0));
    }
    const kp::InvestmentResult c = run(q, investNow(n)), d = run(qe, investNow(n));
    CHECK(std::abs(c.optionValue.value - d.optionValue.value) <= 3 * c.optionValue.stdError);
}

TEST_CASE("the owner's expected shortfall: worse with severity, better with insurance") {
    Synthetic sy;
    const std::size_t n = 20000;
    auto with = [&](double severity, double share, double loading) {
        kp::InvestmentProblem p = sy.make();
        kp::TechnologyRisk r = incidents(0.2, severity, 2 * severity);
        r.insuredShare = share, r.deductible = 2e6, r.limit = 2e8, r.premiumLoading = loading;
        p.project.technologies[0].tech.risk = r;
        return ownerOf(p, n);
    };
    // common random numbers: each path's loss grows with the severity, so ES and VaR never improve
    double last = 1e300;
    for (double sev : {1e7, 3e7, 6e7, 1.2e8}) {
        const Owner o = with(sev, 0.0, 1.0);
        const double es = sortedEs(o.npv, 0.01);
        CAPTURE(sev);
        CHECK(es <= last);
        last = es;
    }
    // free insurance (loading 0): each path's retained loss falls with the share, pathwise
    last = -1e300;
    for (double share : {0.0, 0.3, 0.6, 0.9}) {
        const Owner o = with(6e7, share, 0.0);
        const double es = sortedEs(o.npv, 0.01);
        CAPTURE(share);
        CHECK(es >= last);
        last = es;
    }
    // fair insurance (loading 1): the same mean within 3 SE, a better 99% ES beyond 3 SE (the SE of
    // the gain by sectioning over the downside's batches, on common random numbers)
    const Owner bare = with(6e7, 0.0, 1.0), insured = with(6e7, 0.9, 1.0);
    std::vector<double> diff(n);
    for (std::size_t p = 0; p < n; ++p) diff[p] = insured.npv[p] - bare.npv[p];
    const kp::Estimate dm = kp::results::pathMean(diff.data(), n, true);
    CAPTURE(dm.value);
    CHECK(std::abs(dm.value) <= 3 * dm.stdError);
    const double gain = sortedEs(insured.npv, 0.01) - sortedEs(bare.npv, 0.01);
    const auto batches = kp::results::downsideBatches(n, 8, true);
    std::vector<double> g;
    for (const kp::PathRange& b : batches) {
        const std::vector<double> i(insured.npv.begin() + static_cast<long>(b.first), insured.npv.begin() + static_cast<long>(b.last));
        const std::vector<double> o(bare.npv.begin() + static_cast<long>(b.first), bare.npv.begin() + static_cast<long>(b.last));
        g.push_back(sortedEs(i, 0.01) - sortedEs(o, 0.01));
    }
    double mg = 0, vg = 0;
    for (double x : g) mg += x / static_cast<double>(g.size());
    for (double x : g) vg += (x - mg) * (x - mg) / static_cast<double>(g.size() - 1);
    const double seGain = std::sqrt(vg / static_cast<double>(g.size()));
    CAPTURE(gain);
    CAPTURE(seGain);
    CHECK(gain > 3 * seGain);
}

TEST_CASE("overrun risk lowers the option value and delays investment (beyond 3 SE)") {
    Synthetic sy;  // cheap enough that investing pays on most paths
    sy.vol = 0.3;
    sy.capexA = 4.2e8, sy.capexB = 6.3e8;
    kp::InvestmentProblem base = sy.make(), over = sy.make();
    for (auto& t : over.project.technologies) {
        t.tech.risk.overrunMean = 0.5;  // a reference-class mean for first-of-a-kind plants (data/FACTS.md 16)
        t.tech.risk.overrunSd = 0.5;
    }
    const kp::InvestmentSettings s = settings(20000);
    kp::results::PathValues pa(s.paths, base), pb(s.paths, over);
    kp::InvestmentLsm e;
    const kp::InvestmentResult a = e.value(base, s, &pa), b = e.value(over, s, &pb);
    const kp::Estimate dv = kp::results::pathDifference(pb.option(), pa.option(), s.paths, s.antithetic);
    CAPTURE(dv.value);
    CHECK(dv.value < -3 * dv.stdError);
    // P(invested by 2030): lower
    const std::size_t y = 4;
    CAPTURE(a.investedBy[y].value);
    CAPTURE(b.investedBy[y].value);
    CHECK(a.investedBy[y].value - b.investedBy[y].value > 3 * std::hypot(a.investedBy[y].stdError, b.investedBy[y].stdError));
}

TEST_CASE("technology risk: refused where it cannot be valued honestly") {
    Synthetic sy;
    kp::InvestmentProblem p = sy.make();
    p.project.technologies[0].tech.risk.overrunMean = 0.2;
    kp::InvestmentLsm e;
    const kp::InvestmentSettings s = settings(2048);
    const auto rules = e.trainRules(p, s);
    const kp::InvestmentResult lower = e.price(p, rules, s);
    CHECK_THROWS_WITH_AS(kp::investmentUpperBound(p, rules, s, lower),
                         doctest::Contains("technology risk"), kp::InvalidInput);
    kp::TechnologyRisk bad;
    bad.delayProbabilities = {0.5, 0.4};
    CHECK_THROWS_WITH_AS(bad.validate("options.a.risk"), doctest::Contains("sum to 1"), kp::InvalidInput);
}

namespace {

/// The Synthetic suite's prices in year index k at vol 0 (kp::yearCashFlow's inputs).
kp::YearPrices syntheticPrices(const Synthetic& sy, int k) {
    kp::YearPrices yp;
    yp.co2 = sy.co2 * std::exp(sy.mu * k);
    yp.co2Reference = sy.co2 * std::exp(sy.mu * std::max(k - 1, 0));
    yp.gas = 30, yp.power = 70, yp.product = 500;
    return yp;
}

}  // namespace

TEST_CASE("ramp-up in the deterministic limit: the shortfall's output, cash flow and emissions by hand") {
    Synthetic sy;
    const std::size_t n = 4096;
    for (bool retrofit : {false, true}) {
        CAPTURE(retrofit);
        kp::InvestmentProblem base = sy.make();
        kp::TechnologyOption& a = base.project.technologies[0];
        if (retrofit) {
            a.tech.retrofit = true;
            a.tech.captureRate = 0.9;
            a.tech.tsTariff = 20;
            a.tech.feedstockCostPerT = 0;  // a capture unit adds no feedstock
            a.tech.powerMwhPerT = 0.3;
            a.tech.fixedOpex = 1e7;
        }
        kp::InvestmentProblem ramped = base;
        const std::vector<double> avail{0.5, 0.8};
        ramped.project.technologies[0].tech.risk.rampUpAvailability = avail;
        const kp::InvestmentResult r0 = run(base, investNow(n)), r1 = run(ramped, investNow(n));
        // by hand: a starts in 2028 (k = 2, two years' construction); shortfall 0.5 then 0.2
        double loss = 0;
        for (int y = 0; y < 2; ++y) {
            const int k = 2 + y;
            const kp::YearPrices yp = syntheticPrices(sy, k);
            const kp::Technology& t = base.project.technologies[0].tech;
            const kp::YearCashFlow withA = kp::yearCashFlow(base.project.plant, &t, base.project.policy, 2026 + k, y, yp);
            const kp::YearCashFlow plant = kp::yearCashFlow(base.project.plant, nullptr, base.project.policy, 2026 + k, 0, yp);
            const double sf = 1.0 - avail[static_cast<std::size_t>(y)];
            const double g = retrofit ? withA.net - plant.net + t.fixedOpex : withA.net + t.fixedOpex;
            loss += std::pow(1.07, -k) * sf * g;
            const double eExpected = retrofit ? withA.emissions + sf * (plant.emissions - withA.emissions)
                                              : (1 - sf) * withA.emissions;
            CHECK(r1.emissionsMean[static_cast<std::size_t>(k)] == doctest::Approx(eExpected).epsilon(1e-9));
            const double outExpected = retrofit ? 1e6 : (1 - sf) * 1e6;
            CHECK(r1.production[static_cast<std::size_t>(k)].output == doctest::Approx(outExpected).epsilon(1e-9));
        }
        CHECK(loss > 0);
        CHECK(r0.optionValue.value - r1.optionValue.value == doctest::Approx(loss).epsilon(1e-9));
        CHECK(r1.emissionsMean[4] == doctest::Approx(r0.emissionsMean[4]).epsilon(1e-12));  // after the ramp-up
        // availability 1 throughout: no ramp-up at all, bit for bit
        kp::InvestmentProblem full = base;
        full.project.technologies[0].tech.risk.rampUpAvailability = {1.0, 1.0};
        CHECK(run(full, investNow(n)).optionValue.value == r0.optionValue.value);
    }
}

TEST_CASE("a state guarantee on the overrun: the owner gains the state's expected payment (closed form, 3 SE)") {
    kp::TechnologyRisk r;
    r.overrunMean = 0.4, r.overrunSd = 0.5;
    // E[max(M - 1, 0)] by quadrature
    const int m = 240000;
    const double h = 24.0 / m;
    double ex = 0;
    for (int i = 0; i <= m; ++i) {
        const double z = -12.0 + i * h, w = ((i == 0 || i == m) ? 0.5 : 1.0) * std::exp(-0.5 * z * z) * h / std::sqrt(2 * M_PI);
        ex += w * std::max(r.overrunMultiplier(z) - 1.0, 0.0);
    }
    CHECK(r.expectedExcessOverrun() == doctest::Approx(ex).epsilon(1e-8));
    Synthetic sy;
    const std::size_t n = 20000;
    kp::InvestmentProblem bare = sy.make(), guaranteed = sy.make();
    bare.project.technologies[0].tech.risk = r;
    r.overrunStateShare = 0.5;
    guaranteed.project.technologies[0].tech.risk = r;
    const Owner a = ownerOf(bare, n), b = ownerOf(guaranteed, n);
    std::vector<double> gain(n);
    for (std::size_t p = 0; p < n; ++p) gain[p] = b.npv[p] - a.npv[p];
    const kp::Estimate g = kp::results::pathMean(gain.data(), n, true);
    const double expect = 0.5 * sy.capexA * r.expectedExcessOverrun();  // decided now: discount factor 1
    CAPTURE(g.value);
    CAPTURE(expect);
    CHECK(g.stdError > 0);
    CHECK(std::abs(g.value - expect) <= 3 * g.stdError);
    CHECK(*std::min_element(gain.begin(), gain.end()) >= 0);  // never a loss to the owner
}

TEST_CASE("an energy hedge: a swap on the option's gas and power, settled while it runs, in its window") {
    // deterministic prices (power 70 EUR/MWh): a runs from 2028 and uses 1.0 MWh of power a tonne on
    // 1 Mt a year; half of it fixed at 60 EUR/MWh over 2030-2040 gains 0.5 x 1e6 x (70 - 60) a year
    Synthetic sy;
    const std::size_t n = 4096;
    const kp::InvestmentProblem base = sy.make();
    kp::InvestmentProblem hedged = base;
    kp::EnergyHedge& h = hedged.project.technologies[0].tech.hedge;
    h.fromYear = 2030, h.toYear = 2040, h.powerShare = 0.5;
    h.powerPrice.assign(11, 60.0);
    const kp::InvestmentResult a = run(base, investNow(n)), b = run(hedged, investNow(n));
    double gain = 0;
    for (int y = 2030; y <= 2040; ++y) gain += std::pow(1.07, -(y - 2026)) * 0.5 * 1e6 * (70.0 - 60.0);
    CHECK(b.optionValue.value - a.optionValue.value == doctest::Approx(gain).epsilon(1e-9));
    // at the spot price itself the swap is worth nothing, every year
    h.powerPrice.assign(11, 70.0);
    CHECK(run(hedged, investNow(n)).optionValue.value == doctest::Approx(a.optionValue.value).epsilon(1e-12));
    // a hedge on an option never built changes nothing (b's window, never invested in: a is)
    kp::InvestmentProblem other = base;
    kp::EnergyHedge& hb = other.project.technologies[1].tech.hedge;
    hb.fromYear = 2030, hb.toYear = 2040, hb.powerShare = 1;
    hb.powerPrice.assign(11, 10.0);
    CHECK(run(other, investNow(n)).optionValue.value == a.optionValue.value);
    // a price missing for a year of the window is refused
    h.powerPrice.assign(5, 70.0);
    CHECK_THROWS_WITH_AS(run(hedged, investNow(n)), doctest::Contains("energy hedge"), kp::InvalidInput);
}
