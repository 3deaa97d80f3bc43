//! \brief Tests the deterministic policy, technology and plant pieces (models/policy.hpp,
//! technology.hpp, plant.hpp): year-schedule lookups (step, linear, before and after the given
//! years) against the CBAM and levy schedules of FACTS.md; levy, free allocation and SDE++ amounts and
//! three whole cash flows (plant as is, a replacement with subsidy and premium, a CCS retrofit)
//! against hand-computed values; the carbon pass-through's uplift of the product price by year; a
//! two-sided CCfD fixing the carbon part of investing at any EUA price; subsidy rounds; the vectorised cash flow against the scalar one bit for bit; Wright's
//! law (one doubling gives 1 - learning rate); the arrival-date inverse CDFs against their CDFs by a
//! chi-squared test on equiprobable bins (p > 1e-6, STYLE.md 6) with seed 20260101; bad input, one
//! CHECK_THROWS_AS per invariant.

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/instruments/policy.hpp"
#include "kp/instruments/technology.hpp"
#include "kp/models/arrival.hpp"

namespace {

using kp::YearSchedule;

/// The test plant: 1 Mt/yr, 1.8 tCO2/t, 0.5 MWh gas and 0.3 MWh power per t (numbers for the test).
kp::Plant testPlant() {
    kp::Plant p;
    p.name = "test";
    p.outputTPerYear = 1e6;
    p.emissionIntensity = 1.8;
    p.gasMwhPerT = 0.5;
    p.powerMwhPerT = 0.3;
    p.feedstockCostPerT = 100;
    p.fixedCost = 50e6;
    p.variableCost = 20;
    p.remainingLifeYears = 20;
    return p;
}

kp::Policy testPolicy() {
    kp::Policy pol;
    pol.freeAllocation.benchmarkTPerT = 1.5;  // phaseOut defaults to the CBAM factor
    pol.levy.enabled = true;
    pol.levy.rate = kp::Co2Levy::belastingplan2026Rates();
    pol.levy.reductionFactor = YearSchedule{{{2026, 1.0}}};
    pol.levy.benchmarkTPerT = 1.5;
    pol.greenPremium = kp::GreenPremium{50, 2028, 0.5};
    return pol;
}

const kp::YearPrices kPrices{.co2 = 80, .co2Reference = 70, .gas = 30, .power = 60, .hydrogen = 100,
                             .product = 600};

double chiSquaredPValue(const std::vector<double>& observed, const std::vector<double>& expected,
                        int dof) {
    double stat = 0;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        const double d = observed[i] - expected[i];
        stat += d * d / expected[i];
    }
    return boost::math::cdf(boost::math::complement(boost::math::chi_squared(dof), stat));
}

std::vector<double> normals(std::uint64_t seed, std::size_t n) {
    std::vector<double> z(n);
    auto scr = std::make_unique<kp::NormalScratch>();
    kp::fillNormals(seed, static_cast<std::uint32_t>(kp::Stream::User), 0, 0, 0, n, z.data(), false,
                    *scr);
    return z;
}

}  // namespace

TEST_SUITE("models") {

TEST_CASE("YearSchedule: step and linear lookups, flat before and after the given years") {
    const YearSchedule cbam = kp::FreeAllocation::cbamFactor();
    CHECK(cbam(2020) == 1.0);
    CHECK(cbam(2026) == 0.975);
    CHECK(cbam(2029) == 0.775);
    CHECK(cbam(2030) == 0.515);
    CHECK(cbam(2030.9) == 0.515);  // step: the value of the latest given year
    CHECK(cbam(2034) == 0.0);
    CHECK(cbam(2050) == 0.0);
    const YearSchedule low = kp::FreeAllocation::lowLeakageFactor();
    CHECK(low(2025) == doctest::Approx(0.30));
    CHECK(low(2028) == doctest::Approx(0.15));  // linear 0.30 (2026) -> 0 (2030)
    CHECK(low(2031) == 0.0);
    const YearSchedule rate = kp::Co2Levy::belastingplan2026Rates();
    CHECK(rate(2025) == 87.90);
    CHECK(rate(2026) == 78.67);
    CHECK(rate(2030) == 78.67);
    const YearSchedule rf = kp::Co2Levy::originalReductionFactors2021to2025();
    CHECK(rf(2021) == doctest::Approx(1.2));
    CHECK(rf(2025) == doctest::Approx(0.972));
}

TEST_CASE("Free allocation, levy and SDE++ amounts match hand computations") {
    const kp::Policy pol = testPolicy();
    // 1.5 t/t x 1 Mt x 0.515 (CBAM 2030)
    CHECK(pol.freeAllocation.allowances(2030, 1e6) == doctest::Approx(772'500));
    // rights 1.5 Mt; 1.8 Mt emitted -> 0.3 Mt liable at 78.67 - 70 = 8.67 EUR/t
    CHECK(pol.levy.amount(2030, 1e6, 1.8e6, 70) == doctest::Approx(2'601'000));
    CHECK(pol.levy.amount(2030, 1e6, 1.8e6, 80) == 0.0);  // EUA above the rate: nothing to pay
    CHECK(pol.levy.amount(2030, 1e6, 1.4e6, 70) == 0.0);  // below the dispensation rights
    kp::SdeSubsidy s{.baseAmount = 150, .basePrice = 40, .co2Coef = 1, .maxVolume = 1e6, .years = 10};
    CHECK(s.rate(80, 0, 0, 0) == doctest::Approx(70));
    CHECK(s.rate(20, 0, 0, 0) == doctest::Approx(110));  // correction floored at the base price
    CHECK(s.rate(200, 0, 0, 0) == 0.0);
    CHECK(s.amount(0, 2e6, 80, 0, 0, 0) == doctest::Approx(70e6));  // volume capped at 1 Mt
    CHECK(s.amount(9, 0.5e6, 80, 0, 0, 0) == doctest::Approx(35e6));
    CHECK(s.amount(10, 0.5e6, 80, 0, 0, 0) == 0.0);  // after the term
    s.maxRate = 60;
    CHECK(s.rate(80, 0, 0, 0) == doctest::Approx(60));
    const kp::CapitalGrant g{0.3, 100e6};
    CHECK(g.amount(200e6) == doctest::Approx(60e6));
    CHECK(g.amount(500e6) == doctest::Approx(100e6));
}

TEST_CASE("Cash flow of the plant as it is today (hand computed)") {
    const kp::YearCashFlow cf = kp::yearCashFlow(testPlant(), nullptr, testPolicy(), 2030, -1, kPrices);
    CHECK(cf.emissions == doctest::Approx(1.8e6));
    CHECK(cf.freeAllocation == doctest::Approx(772'500));
    CHECK(cf.revenue == doctest::Approx(600e6));
    CHECK(cf.energyCost == doctest::Approx(33e6));     // 30 x 0.5 Mt + 60 x 0.3 Mt
    CHECK(cf.feedstockCost == doctest::Approx(100e6));
    CHECK(cf.opex == doctest::Approx(70e6));           // 50 M + 20 x 1 Mt
    CHECK(cf.carbonCost == doctest::Approx(82.2e6));   // 80 x (1.8 M - 0.7725 M)
    CHECK(cf.levy == doctest::Approx(2.601e6));
    CHECK(cf.greenPremium == 0.0);                      // 1.8 t/t is above the 0.5 threshold
    CHECK(cf.subsidy == 0.0);
    CHECK(cf.net == doctest::Approx(312.199e6));
}

TEST_CASE("Cash flow with a replacement technology, SDE++ and green premium (hand computed)") {
    kp::Technology t;
    t.name = "h2";
    t.emissionIntensity = 0.1;
    t.powerMwhPerT = 4.0;
    t.feedstockCostPerT = 120;
    t.fixedOpex = 60e6;
    t.variableOpex = 10;
    t.sde = kp::SdeSubsidy{.baseAmount = 150, .basePrice = 40, .co2Coef = 1, .maxVolume = 1e6, .years = 10};
    const kp::YearCashFlow cf = kp::yearCashFlow(testPlant(), &t, testPolicy(), 2030, 0, kPrices);
    CHECK(cf.emissions == doctest::Approx(1e5));
    CHECK(cf.avoided == doctest::Approx(1.7e6));
    CHECK(cf.energyCost == doctest::Approx(240e6));
    CHECK(cf.carbonCost == doctest::Approx(-53.8e6));  // surplus allowances sold
    CHECK(cf.levy == 0.0);
    CHECK(cf.subsidy == doctest::Approx(70e6));        // (150 - 80) x min(1.7 M, 1 M)
    CHECK(cf.greenPremium == doctest::Approx(50e6));
    CHECK(cf.net == doctest::Approx(343.8e6));
    const kp::YearCashFlow late = kp::yearCashFlow(testPlant(), &t, testPolicy(), 2030, 10, kPrices);
    CHECK(late.subsidy == 0.0);
    CHECK(late.net == doctest::Approx(273.8e6));
}

TEST_CASE("Cash flow with a CCS retrofit (hand computed)") {
    kp::Technology ccs;
    ccs.name = "ccs";
    ccs.retrofit = true;
    ccs.captureRate = 0.9;
    ccs.tsTariff = 40;
    ccs.gasMwhPerT = 0.5;
    ccs.powerMwhPerT = 0.1;
    ccs.fixedOpex = 10e6;
    ccs.variableOpex = 5;
    const kp::YearCashFlow cf = kp::yearCashFlow(testPlant(), &ccs, testPolicy(), 2030, 0, kPrices);
    CHECK(cf.emissions == doctest::Approx(1.8e5));
    CHECK(cf.captured == doctest::Approx(1.62e6));
    CHECK(cf.avoided == doctest::Approx(1.62e6));
    CHECK(cf.transportStorage == doctest::Approx(64.8e6));
    CHECK(cf.energyCost == doctest::Approx(54e6));  // gas 1.0 Mt x 30 + power 0.4 Mt x 60
    CHECK(cf.opex == doctest::Approx(85e6));
    CHECK(cf.carbonCost == doctest::Approx(-47.4e6));
    CHECK(cf.greenPremium == doctest::Approx(50e6));
    CHECK(cf.net == doctest::Approx(393.6e6));
}

TEST_CASE("Carbon pass-through: the uplift of the product price (hand computed)") {
    // reference: a BF-BOF producer at the CBAM benchmark for hot-rolled flats (1.370 t/t, FACTS.md
    // 14b) with the CBAM factor as its phase-out; 75% passed on; 20% of output exported
    kp::CarbonPassThrough pt{.share = 0.75, .referenceIntensity = 1.37, .referenceBenchmark = 1.37,
                             .exportShare = 0.2};
    CHECK(pt.perEua(2025) == 0.0);                                           // CBAM factor 100%
    CHECK(pt.perEua(2026) == doctest::Approx(0.8 * 0.75 * 1.37 * 0.025));   // factor 97.5%
    CHECK(pt.perEua(2030) == doctest::Approx(0.8 * 0.75 * 1.37 * 0.485));   // factor 51.5%
    CHECK(pt.perEua(2040) == doctest::Approx(0.8 * 0.75 * 1.37));           // factor 0 from 2034
    pt.referenceIntensity = 1.0;  // below its free allocation: nothing to pass on, never negative
    CHECK(pt.perEua(2026) == 0.0);
    CHECK(kp::CarbonPassThrough{}.perEua(2040) == 0.0);  // the default: none

    kp::Policy pol = testPolicy();
    pol.passThrough = kp::CarbonPassThrough{.share = 0.75, .referenceIntensity = 1.37,
                                            .referenceBenchmark = 1.37, .exportShare = 0.2};
    const kp::YearCashFlow cf = kp::yearCashFlow(testPlant(), nullptr, pol, 2030, -1, kPrices);
    const double uplift = 0.8 * 0.75 * 1.37 * 0.485 * 80;  // 31.89 EUR/t at EUA 80
    CHECK(cf.revenue == doctest::Approx((600 + uplift) * 1e6));
    CHECK(cf.net == doctest::Approx(312.199e6 + uplift * 1e6));
    kp::Technology t;  // a replacement at half the output: the uplift is per tonne sold
    t.emissionIntensity = 0.1;
    t.outputScale = 0.5;
    const kp::YearCashFlow half = kp::yearCashFlow(testPlant(), &t, pol, 2030, -1, kPrices);
    CHECK(half.revenue == doctest::Approx((600 + uplift) * 0.5e6));
    // without pass-through the cash flow is the same bit for bit as with a zero share
    kp::Policy zero = testPolicy();
    zero.passThrough.share = 0;
    zero.passThrough.referenceIntensity = 1.37;
    CHECK(kp::yearCashFlow(testPlant(), nullptr, zero, 2030, -1, kPrices).net ==
          kp::yearCashFlow(testPlant(), nullptr, testPolicy(), 2030, -1, kPrices).net);
}

TEST_CASE("A two-sided CCfD fixes the carbon part of investing at the strike on every EUA price") {
    // a CCS retrofit on a plant without free allocation or levy: avoided tonnes = captured
    kp::Policy pol;
    kp::Technology ccs;
    ccs.retrofit = true;
    ccs.captureRate = 0.9;
    ccs.tsTariff = 40;
    ccs.fixedOpex = 10e6;
    ccs.sde = kp::SdeSubsidy{.baseAmount = 110, .co2Coef = 1, .years = 15, .minRate = -1e300};  // strike 110
    CHECK(ccs.sde->twoSided());
    CHECK(ccs.sde->rate(60, 0, 0, 0) == 50.0);    // the state pays strike - EUA
    CHECK(ccs.sde->rate(200, 0, 0, 0) == -90.0);  // the plant pays back above the strike
    std::vector<double> gain;
    for (double eua : {5.0, 60.0, 110.0, 250.0, 900.0}) {
        kp::YearPrices pr = kPrices;
        pr.co2 = eua;
        const double with = kp::yearCashFlow(testPlant(), &ccs, pol, 2032, 0, pr).net;
        const double without = kp::yearCashFlow(testPlant(), nullptr, pol, 2032, 0, pr).net;
        gain.push_back(with - without);
    }
    // investing gains strike x captured - T&S - opex - energy whatever the EUA price
    const double expected = 110 * 1.62e6 - 40 * 1.62e6 - 10e6;
    for (double g : gain) CHECK(g == doctest::Approx(expected).epsilon(1e-12));
    // after the term, the contract ends and the gain moves with the EUA price again
    kp::YearPrices pr = kPrices;
    pr.co2 = 250;
    CHECK(kp::yearCashFlow(testPlant(), &ccs, pol, 2050, 15, pr).net -
              kp::yearCashFlow(testPlant(), nullptr, pol, 2050, 15, pr).net ==
          doctest::Approx(250 * 1.62e6 - 40 * 1.62e6 - 10e6));
}

TEST_CASE("Subsidy rounds: awarded only to a decision between the opening and the deadline") {
    kp::SdeSubsidy s{.baseAmount = 100, .openYear = 2027, .deadlineYear = 2030};
    CHECK_FALSE(s.awardedFor(2026));
    CHECK(s.awardedFor(2027));
    CHECK(s.awardedFor(2030));
    CHECK_FALSE(s.awardedFor(2031));
    CHECK(kp::SdeSubsidy{}.awardedFor(2099));  // the default: always open
}

TEST_CASE("Vectorised cash flows equal the scalar ones bit for bit") {
    const kp::Plant plant = testPlant();
    kp::Policy pol = testPolicy();
    pol.passThrough = kp::CarbonPassThrough{.share = 0.6, .referenceIntensity = 2.0, .referenceBenchmark = 1.37,
                                            .exportShare = 0.3};
    kp::Technology t;
    t.emissionIntensity = 0.2;
    t.powerMwhPerT = 3;
    t.sde = kp::SdeSubsidy{.baseAmount = 200, .basePrice = 30, .co2Coef = 1, .powerCoef = -0.5, .years = 12};
    const std::size_t n = 37;
    std::vector<double> co2(n), ref(n), gas(n), power(n), h2(n), prod(n), net(n), em(n);
    for (std::size_t i = 0; i < n; ++i) {
        co2[i] = 20.0 + 5.0 * static_cast<double>(i);
        ref[i] = co2[i] * 0.9;
        gas[i] = 10.0 + static_cast<double>(i);
        power[i] = 40.0 + 3.0 * static_cast<double>(i);
        h2[i] = 90;
        prod[i] = 550.0 + static_cast<double>(i);
    }
    const kp::PriceColumns cols{co2.data(), ref.data(), gas.data(), power.data(), h2.data(), prod.data()};
    const std::vector<const kp::Technology*> techs{nullptr, &t};
    for (const kp::Technology* tech : techs) {
        kp::yearCashFlows(plant, tech, pol, 2029, 2, cols, n, net.data(), em.data());
        for (std::size_t i = 0; i < n; ++i) {
            const kp::YearCashFlow cf = kp::yearCashFlow(
                plant, tech, pol, 2029, 2, {co2[i], ref[i], gas[i], power[i], h2[i], prod[i]});
            CAPTURE(i);
            CHECK(net[i] == cf.net);
            CHECK(em[i] == cf.emissions);
        }
    }
}

TEST_CASE("Wright's law: each doubling multiplies capex by 1 - learning rate") {
    const kp::LearningCurve c{0.15, 1.4};  // 15%: within the 14-17% of FACTS.md section 8
    CHECK(c.exponent() == doctest::Approx(-std::log2(0.85)));
    CHECK(c.factor(1.4) == doctest::Approx(1.0));
    CHECK(c.factor(2.8) == doctest::Approx(0.85));
    CHECK(c.factor(5.6) == doctest::Approx(0.85 * 0.85));
    kp::Technology t;
    t.capex = 1000;
    t.learningShare = 0.4;
    CHECK(t.capexAt(&c, 2.8) == doctest::Approx(600 + 400 * 0.85));
    CHECK(t.capexAt(nullptr, 2.8) == 1000);
    const kp::LearningCurve flat{0.0, 1.0};
    CHECK(flat.factor(123.0) == doctest::Approx(1.0));
}

TEST_CASE("Arrival dates: inverse CDF values at known quantiles") {
    kp::ArrivalDistribution q;
    q.kind = kp::ArrivalDistribution::Kind::Queue;
    q.start = 2026;
    q.queueYears = 3;
    q.hazard = 0.5;
    CHECK(q.year(0.0) == doctest::Approx(2029 + std::log(2.0) / 0.5));  // median
    CHECK(q.year(-40.0) == doctest::Approx(2029.0));                     // lower tail: no wait after the queue
    CHECK(std::isfinite(q.year(30.0)));                                  // upper tail exact via erfc
    kp::ArrivalDistribution ln;
    ln.kind = kp::ArrivalDistribution::Kind::Lognormal;
    ln.start = 2026;
    ln.medianDelay = 5;
    ln.sigma = 0.3;
    CHECK(ln.year(0.0) == doctest::Approx(2031));
    CHECK(ln.year(1.0) == doctest::Approx(2026 + 5 * std::exp(0.3)));
    kp::ArrivalDistribution d;
    d.kind = kp::ArrivalDistribution::Kind::Discrete;
    d.years = {2028, 2030};
    d.probabilities = {0.5, 0.3};
    CHECK(d.year(-0.1) == 2028);  // Phi(-0.1) = 0.46 <= 0.5
    CHECK(d.year(0.5) == 2030);   // Phi(0.5) = 0.69 <= 0.8
    CHECK(std::isinf(d.year(1.0)));  // Phi(1) = 0.84 > 0.8: never
    CHECK(kp::ArrivalDistribution::fixed(2030).year(3.0) == 2030);
}

TEST_CASE("Arrival dates: the inverse CDF matches the CDF (chi-squared, equiprobable bins)") {
    const std::uint64_t seed = 20260101;
    const std::size_t n = 200'000;
    const std::vector<double> z = normals(seed, n);
    const int bins = 50;
    kp::ArrivalDistribution q;
    q.kind = kp::ArrivalDistribution::Kind::Queue;
    q.start = 2026;
    q.queueYears = 2;
    q.hazard = 0.35;
    kp::ArrivalDistribution ln;
    ln.kind = kp::ArrivalDistribution::Kind::Lognormal;
    ln.start = 2026;
    ln.medianDelay = 6;
    ln.sigma = 0.4;
    for (const kp::ArrivalDistribution* a : {&q, &ln}) {
        // u = F(F^{-1}(Phi(z))) must be uniform on (0, 1)
        std::vector<double> obs(bins, 0.0), exp(bins, static_cast<double>(n) / bins);
        for (double zi : z) {
            const double u = a->cdf(a->year(zi));
            const int b = std::min(bins - 1, static_cast<int>(u * bins));
            obs[b] += 1;
        }
        const double p = chiSquaredPValue(obs, exp, bins - 1);
        CAPTURE(seed);
        CAPTURE(p);
        CHECK(p > 1e-6);
    }
    kp::ArrivalDistribution d;
    d.kind = kp::ArrivalDistribution::Kind::Discrete;
    d.years = {2027, 2029, 2031, 2033};
    d.probabilities = {0.1, 0.4, 0.3, 0.15};  // 0.05 never
    std::vector<double> obs(5, 0.0), exp(5);
    for (double zi : z) {
        const double y = d.year(zi);
        const int b = std::isinf(y) ? 4 : (static_cast<int>(y) - 2027) / 2;
        obs[b] += 1;
    }
    for (int i = 0; i < 4; ++i) exp[i] = d.probabilities[i] * n;
    exp[4] = 0.05 * n;
    const double p = chiSquaredPValue(obs, exp, 4);
    CAPTURE(p);
    CHECK(p > 1e-6);
    CHECK(d.cdf(2031) == doctest::Approx(0.8));
}

TEST_CASE("Bad input throws kp::InvalidInput, one check per invariant") {
    using kp::InvalidInput;
    CHECK_THROWS_AS(YearSchedule{}.validate("s", 0, 1), InvalidInput);
    CHECK_THROWS_AS((YearSchedule{{{2026, 1.5}}}.validate("s", 0, 1)), InvalidInput);
    {
        kp::FreeAllocation f;
        f.benchmarkTPerT = -1;
        CHECK_THROWS_AS(f.validate("fa"), InvalidInput);
        f.benchmarkTPerT = 1;
        f.correctionFactor = 1.2;
        CHECK_THROWS_AS(f.validate("fa"), InvalidInput);
    }
    {
        kp::Co2Levy l;
        l.enabled = true;
        l.rate = kp::Co2Levy::belastingplan2026Rates();
        CHECK_THROWS_AS(l.validate("levy"), InvalidInput);  // no reduction factor
        l.reductionFactor = YearSchedule{{{2026, 1.0}}};
        l.benchmarkTPerT = -0.1;
        CHECK_THROWS_AS(l.validate("levy"), InvalidInput);
    }
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = -1}.validate("sde")), InvalidInput);
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = 10, .basePrice = 20}.validate("sde")), InvalidInput);
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = 10, .maxVolume = -1}.validate("sde")), InvalidInput);
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = 10, .years = -1}.validate("sde")), InvalidInput);
    CHECK_THROWS_AS((kp::CapitalGrant{1.5, 1}.validate("g")), InvalidInput);
    CHECK_THROWS_AS((kp::CapitalGrant{0.5, -1}.validate("g")), InvalidInput);
    CHECK_THROWS_AS((kp::GreenPremium{-5, 2030, 1}.validate("gp")), InvalidInput);
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = 10, .minRate = 5}.validate("sde")), InvalidInput);
    CHECK_THROWS_AS((kp::SdeSubsidy{.baseAmount = 10, .openYear = 2030, .deadlineYear = 2029}.validate("sde")),
                    InvalidInput);
    CHECK_THROWS_AS((kp::CapitalGrant{.share = 0.5, .clawbackYear = 2030, .clawbackShare = 1.5}.validate("g")),
                    InvalidInput);
    CHECK_THROWS_AS((kp::CapitalGrant{.share = 0.5, .clawbackYear = 2030, .clawbackMaxEmissions = -1}.validate("g")),
                    InvalidInput);
    CHECK_THROWS_AS((kp::CarbonPassThrough{.share = 1.5}.validate("pt")), InvalidInput);
    CHECK_THROWS_AS((kp::CarbonPassThrough{.share = 0.5, .referenceIntensity = -1}.validate("pt")), InvalidInput);
    CHECK_THROWS_AS((kp::CarbonPassThrough{.share = 0.5, .referenceBenchmark = -1}.validate("pt")), InvalidInput);
    CHECK_THROWS_AS((kp::CarbonPassThrough{.share = 0.5, .exportShare = 1.1}.validate("pt")), InvalidInput);
    CHECK_THROWS_AS((kp::LearningCurve{1.0, 1}.validate("lc")), InvalidInput);
    CHECK_THROWS_AS((kp::LearningCurve{-0.1, 1}.validate("lc")), InvalidInput);
    CHECK_THROWS_AS((kp::LearningCurve{0.1, 0}.validate("lc")), InvalidInput);
    {
        kp::ArrivalDistribution d;
        d.kind = kp::ArrivalDistribution::Kind::Discrete;
        d.years = {2030, 2028};
        d.probabilities = {0.5, 0.5};
        CHECK_THROWS_AS(d.validate("a"), InvalidInput);  // not increasing
        d.years = {2028, 2030};
        d.probabilities = {0.7, 0.7};
        CHECK_THROWS_AS(d.validate("a"), InvalidInput);  // sum > 1
        d.probabilities = {1.2, 0.0};
        CHECK_THROWS_AS(d.validate("a"), InvalidInput);  // outside [0, 1]
        d.probabilities = {0.5};
        CHECK_THROWS_AS(d.validate("a"), InvalidInput);  // count mismatch
        kp::ArrivalDistribution l;
        l.kind = kp::ArrivalDistribution::Kind::Lognormal;
        l.medianDelay = 0;
        CHECK_THROWS_AS(l.validate("a"), InvalidInput);
        l.medianDelay = 1;
        l.sigma = -1;
        CHECK_THROWS_AS(l.validate("a"), InvalidInput);
        kp::ArrivalDistribution q;
        q.kind = kp::ArrivalDistribution::Kind::Queue;
        q.hazard = 0;
        CHECK_THROWS_AS(q.validate("a"), InvalidInput);
        q.hazard = 1;
        q.queueYears = -1;
        CHECK_THROWS_AS(q.validate("a"), InvalidInput);
    }
    {
        kp::Plant p = testPlant();
        p.outputTPerYear = 0;
        CHECK_THROWS_AS(p.validate("plant"), InvalidInput);
        p = testPlant();
        p.emissionIntensity = -1;
        CHECK_THROWS_AS(p.validate("plant"), InvalidInput);
        p = testPlant();
        p.remainingLifeYears = -1;
        CHECK_THROWS_AS(p.validate("plant"), InvalidInput);
    }
    {
        kp::Technology t;
        t.capex = -1;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
        t = kp::Technology{};
        t.captureRate = 1.1;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
        t = kp::Technology{};
        t.lifetimeYears = 0;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
        t = kp::Technology{};
        t.earliestDecisionYear = 2030;
        t.latestDecisionYear = 2028;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
        t = kp::Technology{};
        t.learningShare = 2;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
        t = kp::Technology{};
        t.constructionYears = -1;
        CHECK_THROWS_AS(t.validate("t"), InvalidInput);
    }
    try {
        kp::Plant p = testPlant();
        p.outputTPerYear = -3;
        p.validate("plant");
        FAIL("no throw");
    } catch (const InvalidInput& e) {
        CHECK(std::string(e.what()) ==
              "plant.output_t_per_year: the output is -3, but must be positive t/yr");
    }
}

}  // TEST_SUITE
