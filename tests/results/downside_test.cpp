//! \brief The downside of a valuation (results/downside.hpp): P(loss), VaR and ES at 95% and 99%
//! with sectioning standard errors, and the cash flow at risk, against
//! - hand-computed order statistics (the quantile and shortfall conventions, the batches);
//! - the deterministic limit: every path has the same value, so every quantile and shortfall is
//!   that value (to rounding) and every standard error 0;
//! - a closed form: investing now in a project that is paid D X_1 a year later for capex I, X a GBM,
//!   has a lognormal NPV: its quantiles, shortfalls and P(loss) in closed form, within 3 SE plus a
//!   stated budget for the empirical quantile's O(1/n) bias;
//! - honesty of the SE: over 20 seeds, the spread of the estimates around the closed form agrees
//!   with the reported (unwidened) SE, within a band set by the 20 seeds' chi-squared;
//! - 1 vs 2 threads bit for bit; a capex rise lowers investing now's NPV on every path, so P(loss)
//!   never falls and VaR and ES never rise (exact), and they fall by the rise (to rounding);
//! - checkDownside refuses a non-finite figure;
//! - the worst year (each path's lowest yearly net cash flow) by hand on a few hand-written blocks
//!   (zero years left out, quarters summed, block offsets) and its levels and sectioning SEs by hand;
//!   against the exact law of the minimum of 10 i.i.d. normal years (mean, 1/5/50% quantiles within
//!   3 SE plus the quantile's O(1/n) budget, P(worst < 0)), with an honest SE over 20 seeds; on the
//!   engine, investing now in the one-year GBM project has worst year X_1 (lognormal, closed form)
//!   and never investing has none (0 on every path); the fixed-policy passes price the valuation's
//!   own paths (investing now's realised value is npv_now path by path, exactly).

#include <doctest/doctest.h>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "../engine/synthetic_problem.hpp"
#include "kp/core/errors.hpp"
#include "kp/cases/case_file.hpp"
#include "kp/cases/case_problem.hpp"
#include "kp/core/random.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"
#include "kp/results/downside.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/result_checks.hpp"

namespace {

using kp::results::Downside;
using kp::results::DownsideLevels;

/// A project bought now for I that pays the GBM price X_1 once, a year later (built in one year,
/// runs one year), so its NPV now is D X_1 - I with D = exp(-r): lognormal, with
/// ln X_1 ~ N(ln X0 + r - delta - vol^2 / 2, vol^2).
struct OneYearProject {
    static constexpr double X0 = 100, I = 90, r = 0.04, delta = 0.04, vol = 0.3;
    kp::InvestmentProblem p;
    OneYearProject() {
        p.factors = std::make_shared<kp::ModelSet>(
            std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{X0, r, delta, vol})},
            Eigen::MatrixXd::Identity(1, 1));
        p.project.co2 = kp::PriceSource::fixed(0);
        p.project.product = kp::PriceSource::state(0);
        p.project.startYear = 2000;
        p.project.horizonYears = 3;
        for (int t = 0; t < p.project.horizonYears; ++t) p.project.discount.push_back(std::exp(-r * t));
        p.project.plant.outputTPerYear = 1;
        p.project.plant.remainingLifeYears = 0;
        kp::TechnologyOption o;
        o.tech.name = "project";
        o.tech.capex = I;
        o.tech.constructionYears = 1;
        o.tech.lifetimeYears = 1;
        o.tech.earliestDecisionYear = 2000;
        o.tech.latestDecisionYear = 2001;
        p.project.technologies = {o};
    }
    static double m() { return std::log(X0) + r - delta - 0.5 * vol * vol; }  // mean of ln X_1
    static double D() { return std::exp(-r); }
    /// The alpha-quantile of the NPV, the mean below it, its density there, P(NPV < 0).
    static double quantile(double a) {
        const boost::math::normal z;
        return D() * std::exp(m() + vol * boost::math::quantile(z, a)) - I;
    }
    static double shortfall(double a) {
        const boost::math::normal z;
        return D() * std::exp(m() + 0.5 * vol * vol) * boost::math::cdf(z, boost::math::quantile(z, a) - vol) / a - I;
    }
    static double density(double a) {
        const boost::math::normal z;
        const double x = (quantile(a) + I) / D();  // X_1 at the quantile
        return boost::math::pdf(z, (std::log(x) - m()) / vol) / (vol * x) / D();
    }
    static double pLoss() {
        const boost::math::normal z;
        return boost::math::cdf(z, (std::log(I / D()) - m()) / vol);
    }
};

kp::InvestmentSettings settings(std::size_t paths, std::uint64_t seed, std::size_t rules, std::size_t threads = 2) {
    kp::InvestmentSettings s;
    s.paths = paths;
    s.seed = seed;
    s.rules = rules;
    s.threads = threads;
    return s;
}

/// A valuation with its per-path values, yearly cash flows and every strategy's worst years, and
/// the downside (as `kruispunt value` computes it: app/value_run.cpp).
struct Run {
    kp::InvestmentResult r;
    Downside d;
    kp::results::StrategyWorstYears worst;
};

Run run(const kp::InvestmentProblem& p, const kp::InvestmentSettings& s) {
    kp::results::WorstYears worst(s.paths, p);
    kp::results::YearCashFlows cash(s.paths, p, &worst);
    kp::results::PathValues pv(s.paths, p, false, &cash);
    kp::results::StaticStrategies statics(s.paths, p);
    kp::InvestmentLsm engine;
    Run out;
    const std::vector<kp::InvestmentRule> rules = engine.trainRules(p, s);
    out.r = engine.price(p, rules, s, &pv, statics.beside());
    out.worst = statics.worstYears(worst);
    out.d = kp::results::downside(pv, out.r, s.antithetic, &cash, &out.worst, s.threads);  // as value: its threads
    return out;
}

const kp::results::StrategyDownside& strategy(const Downside& d, const std::string& name,
                                              const std::string& tech = "") {
    for (const auto& s : d.strategies)
        if (s.strategy == name && s.technology == tech) return s;
    throw std::runtime_error("no strategy " + name + " " + tech);
}

double tWidening(std::size_t k) {
    const boost::math::students_t t(static_cast<double>(k - 1));
    const double q = boost::math::quantile(t, 0.975) / 1.959963984540054;
    return q * q;
}

/// Y i.i.d. normal yearly cash flows N(mu, sd^2) on n paths (Philox normals of stream User, seed
/// `seed`, year k at step k), through WorstYears: each path's worst year is the minimum of Y
/// independent normals, whose law is exact: P(min <= x) = 1 - (1 - Phi((x - mu) / sd))^Y.
struct NormalYears {
    static constexpr double mu = 1e8, sd = 5e7;
    static constexpr int Y = 10;
    std::vector<double> worst;
    NormalYears(std::size_t n, std::uint64_t seed) {
        kp::InvestmentProblem p;
        p.project.startYear = 2030;
        p.project.horizonYears = Y;
        std::vector<double> cf(static_cast<std::size_t>(Y) * n);
        kp::NormalScratch scr;
        for (int k = 0; k < Y; ++k) {
            double* z = cf.data() + static_cast<std::size_t>(k) * n;
            kp::fillNormals(seed, static_cast<std::uint32_t>(kp::Stream::User), static_cast<std::uint32_t>(k), 0, 0, n,
                            z, false, scr);
            for (std::size_t i = 0; i < n; ++i) z[i] = mu + sd * z[i];
        }
        kp::results::WorstYears w(n, p);
        kp::PricingBlock b;
        b.n = n;
        b.years = static_cast<std::size_t>(Y);
        b.cashFlow = cf.data();
        w.onBlock(b);
        worst.assign(w.worst(), w.worst() + n);
    }
    static double quantile(double q) {
        const boost::math::normal z;
        return mu + sd * boost::math::quantile(z, 1 - std::pow(1 - q, 1.0 / Y));
    }
    static double density(double x) {
        const boost::math::normal z;
        const double u = (x - mu) / sd;
        return Y * boost::math::pdf(z, u) * std::pow(boost::math::cdf(z, -u), Y - 1) / sd;
    }
    static double pNegative() {
        const boost::math::normal z;
        return 1 - std::pow(boost::math::cdf(z, mu / sd), Y);
    }
    /// E[min] = mu + sd E[min of Y standard normals], the latter by the trapezoid rule on [-12, 12]
    /// (the integrand is smooth and below 1e-30 at the ends: the rule is exact to rounding here).
    static double mean() {
        const boost::math::normal z;
        const double h = 1e-4;
        double sum = 0;
        for (double u = -12; u <= 12; u += h)
            sum += u * Y * boost::math::pdf(z, u) * std::pow(boost::math::cdf(z, -u), Y - 1);
        return mu + sd * sum * h;
    }
};

}  // namespace

TEST_SUITE("results") {

namespace {

/// One statistic's squared errors against its exact value and its squared standard errors, summed
/// over seeds: the SE is honest when sqrt(err2 / se2) is near 1.
struct Acc {
    const char* name;
    double exact, err2 = 0, se2 = 0;
    /// One seed's estimate: its squared error, and its squared SE over the batches' widening.
    void add(const kp::Estimate& e, double widening) {
        err2 += (e.value - exact) * (e.value - exact);
        se2 += e.stdError * e.stdError / widening;
    }
};

/// One estimate against its exact value, with the bias budget the check allows beside k SE.
struct Level {
    const char* name;
    const kp::Estimate* e;
    double exact, budget;
};

/// Each level within k standard errors plus its budget of the exact value (and a positive SE).
template <std::size_t N>
void checkLevels(const Level (&levels)[N], double k, std::uint64_t seed) {
    for (const Level& l : levels) {
        const double est = l.e->value, se = l.e->stdError, exact = l.exact, b = l.budget;
        const std::string name = l.name;
        CAPTURE(name);
        CAPTURE(est);
        CAPTURE(exact);
        CAPTURE(se);
        CAPTURE(b);
        CAPTURE(k);
        CAPTURE(seed);
        MESSAGE(name << ": " << est << " +- " << se << " against " << exact << " (budget " << b << ")");
        CHECK(se > 0);
        CHECK(std::abs(est - exact) <= k * se + b);
    }
}

/// RMS error over RMS SE within [0.45, 1.7] for each statistic (20 seeds: the band of a chi statistic
/// with 20 degrees of freedom, widened for the sectioning SE's own noise).
template <std::size_t N>
void checkHonest(const Acc (&acc)[N]) {
    for (const Acc& a : acc) {
        const double ratio = std::sqrt(a.err2 / a.se2);
        const std::string name = a.name;
        CAPTURE(name);
        CAPTURE(ratio);
        MESSAGE(name << ": RMS error / RMS SE over 20 seeds = " << ratio);
        CHECK(ratio >= 0.45);
        CHECK(ratio <= 1.7);
    }
}

}  // namespace

TEST_CASE("downside conventions by hand: lower quantile, shortfall with a fractional path, batches") {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    CHECK(kp::results::lowerQuantile(v, 0.05) == 5.0);  // the 5th smallest of 100
    CHECK(kp::results::expectedShortfall(v, 0.05) == 3.0);  // mean of 1..5
    CHECK(kp::results::lowerQuantile(v, 0.01) == 1.0);
    CHECK(kp::results::expectedShortfall(v, 0.01) == 1.0);
    v.resize(30);  // 0.05 x 30 = 1.5 paths: the smallest, and half the second
    CHECK(kp::results::lowerQuantile(v, 0.05) == 2.0);
    CHECK(kp::results::expectedShortfall(v, 0.05) == doctest::Approx((1.0 + 0.5 * 2.0) / 1.5).epsilon(1e-15));
    // P(loss) counts values strictly below 0; a shifted sample by hand
    std::vector<double> x;
    for (int i = 0; i < 16; ++i) x.push_back(i - 4.0);  // -4..11: 4 below 0
    const auto batches = kp::results::downsideBatches(16, 1, true);
    REQUIRE(batches.size() == 8);
    for (std::size_t b = 0; b < batches.size(); ++b) {
        CHECK(batches[b].first == 2 * b);  // whole antithetic pairs, contiguous, covering every path
        CHECK(batches[b].last == 2 * b + 2);
    }
    const DownsideLevels l = kp::results::downsideLevels(x.data(), x.size(), batches, true);
    CHECK(l.pLoss.value == 0.25);
    CHECK(l.var95.value == -4.0);
    // with several rules the batches are the rules' shares of whole blocks (kp::ruleShare)
    const auto shares = kp::results::downsideBatches(10 * 1024 + 6, 4, true);
    REQUIRE(shares.size() == 4);
    CHECK(shares[0].first == 0);
    for (std::size_t b = 0; b + 1 < shares.size(); ++b) {
        CHECK(shares[b].last == shares[b + 1].first);
        CHECK(shares[b].last % 1024 == 0);
    }
    CHECK(shares.back().last == 10 * 1024 + 6);
}

TEST_CASE("downside, deterministic limit: every quantile and shortfall is the one value, every SE 0") {
    kp::testing::Synthetic syn;  // vol 0, fixed arrival: every path is the same
    const auto p = syn.make();
    const Run a = run(p, settings(4096, 11, 2));
    for (const auto& s : a.d.strategies) {
        const double x = s.strategy == "optimal"      ? a.r.optionValue.value
                         : s.strategy == "never_invest" ? a.r.neverInvest.value
                                                        : a.r.npvNow[s.technology == "a" ? 0 : 1].value;
        CAPTURE(s.strategy);
        CAPTURE(s.technology);
        CAPTURE(x);
        for (const kp::Estimate* e : {&s.npv.var95, &s.npv.es95, &s.npv.var99, &s.npv.es99}) {
            CHECK(e->value == doctest::Approx(x).epsilon(1e-12));
            CHECK(e->stdError <= 1e-12 * std::abs(x));
        }
        CHECK(s.npv.pLoss.value == (x < 0 ? 1.0 : 0.0));
        CHECK(s.npv.pLoss.stdError == 0.0);
    }
    for (const auto& c : a.d.cashFlowAtRisk) {
        CHECK(c.operatingP5.value == c.operatingP50.value);  // one cash flow a year
        CHECK(c.operatingP5.stdError == 0.0);
    }
}

TEST_CASE("downside, closed form: investing now in a one-year GBM project has a lognormal NPV") {
    const OneYearProject pr;
    const std::uint64_t seed = 2024;
    const std::size_t n = 65536;
    const Run a = run(pr.p, settings(n, seed, 8));
    const auto& s = strategy(a.d, "invest_now", "project");
    const double k = 3.0;
    // the set-up: E[NPV] = D X0 e^{r - delta} - I (the year-1 cash flow is X_1)
    const double mean = OneYearProject::D() * OneYearProject::X0 - OneYearProject::I;
    CHECK(std::abs(a.r.npvNow[0].value - mean) <= 4 * a.r.npvNow[0].stdError);
    // budget: the empirical quantile's O(1/n) bias, at most about 1 / (n f(q)) (one path's spacing
    // in the tail); 2 / (n f(q)) for the quantile and the shortfall (whose boundary path moves as much)
    auto budget = [&](double alpha) { return 2.0 / (static_cast<double>(n) * OneYearProject::density(alpha)); };
    const Level levels[] = {{"p_loss", &s.npv.pLoss, OneYearProject::pLoss(), 0.0},
                            {"var_95", &s.npv.var95, OneYearProject::quantile(0.05), budget(0.05)},
                            {"es_95", &s.npv.es95, OneYearProject::shortfall(0.05), budget(0.05)},
                            {"var_99", &s.npv.var99, OneYearProject::quantile(0.01), budget(0.01)},
                            {"es_99", &s.npv.es99, OneYearProject::shortfall(0.01), budget(0.01)}};
    checkLevels(levels, k, seed);
}

TEST_CASE("downside, honest SE: over 20 seeds the estimates' spread around the closed form matches the SE") {
    // One rule: 8 contiguous batches (pricing noise only, the fixed strategy has no rule noise).
    // Statistic: ratio = RMS(estimate - exact) / RMS(SE / sqrt(widening)), the SE before its
    // Student-t widening (the sectioning variance is unbiased for the estimator's variance). With 20
    // seeds the RMS error has 20 degrees of freedom: its 0.1% and 99.9% chi-squared quantiles give
    // 0.54 and 1.50 times the true spread; the RMS SE (20 x 7 degrees of freedom) is itself good to
    // about +-12% at 99.9%: band [0.45, 1.7]. The quantile's bias (< 0.1 SE here) is left in.
    const OneYearProject pr;
    const std::size_t n = 16384, seeds = 20;
    const double widening = tWidening(8);
    Acc acc[] = {{"p_loss", OneYearProject::pLoss()},
                 {"var_95", OneYearProject::quantile(0.05)},
                 {"es_95", OneYearProject::shortfall(0.05)},
                 {"var_99", OneYearProject::quantile(0.01)},
                 {"es_99", OneYearProject::shortfall(0.01)}};
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const Run a = run(pr.p, settings(n, seed, 1));
        REQUIRE(a.d.batches == 8);
        const DownsideLevels& l = strategy(a.d, "invest_now", "project").npv;
        const kp::Estimate* e[] = {&l.pLoss, &l.var95, &l.es95, &l.var99, &l.es99};
        for (std::size_t i = 0; i < 5; ++i) acc[i].add(*e[i], widening);
    }
    checkHonest(acc);
}

TEST_CASE("downside: 1 and 2 threads give bit-identical figures") {
    kp::testing::Synthetic syn;
    syn.vol = 0.4;
    const auto p = syn.make();
    const Run one = run(p, settings(8192, 99, 4, 1));
    const Run two = run(p, settings(8192, 99, 4, 2));
    REQUIRE(one.d.strategies.size() == two.d.strategies.size());
    auto same = [](const DownsideLevels& x, const DownsideLevels& y) {
        const kp::Estimate* a[] = {&x.pLoss, &x.var95, &x.es95, &x.var99, &x.es99};
        const kp::Estimate* b[] = {&y.pLoss, &y.var95, &y.es95, &y.var99, &y.es99};
        for (std::size_t i = 0; i < 5; ++i) {
            CHECK(a[i]->value == b[i]->value);
            CHECK(a[i]->stdError == b[i]->stdError);
        }
    };
    for (std::size_t i = 0; i < one.d.strategies.size(); ++i) {
        same(one.d.strategies[i].npv, two.d.strategies[i].npv);
        REQUIRE(one.d.strategies[i].vsNever.has_value() == two.d.strategies[i].vsNever.has_value());
        if (one.d.strategies[i].vsNever) same(*one.d.strategies[i].vsNever, *two.d.strategies[i].vsNever);
    }
    REQUIRE(one.d.cashFlowAtRisk.size() == two.d.cashFlowAtRisk.size());
    for (std::size_t k = 0; k < one.d.cashFlowAtRisk.size(); ++k) {
        CHECK(one.d.cashFlowAtRisk[k].operatingP5.value == two.d.cashFlowAtRisk[k].operatingP5.value);
        CHECK(one.d.cashFlowAtRisk[k].afterCapexP5.value == two.d.cashFlowAtRisk[k].afterCapexP5.value);
        CHECK(one.d.cashFlowAtRisk[k].afterCapexP5.stdError == two.d.cashFlowAtRisk[k].afterCapexP5.stdError);
    }
    for (std::size_t i = 0; i < one.d.strategies.size(); ++i) {
        REQUIRE(one.d.strategies[i].worstYear.has_value());
        REQUIRE(two.d.strategies[i].worstYear.has_value());
        const kp::results::WorstYearLevels& x = *one.d.strategies[i].worstYear;
        const kp::results::WorstYearLevels& y = *two.d.strategies[i].worstYear;
        const kp::Estimate* a[] = {&x.mean, &x.p1, &x.p5, &x.p50, &x.pNegative};
        const kp::Estimate* b[] = {&y.mean, &y.p1, &y.p5, &y.p50, &y.pNegative};
        for (std::size_t k = 0; k < 5; ++k) {
            CHECK(a[k]->value == b[k]->value);
            CHECK(a[k]->stdError == b[k]->stdError);
        }
    }
    CHECK(one.worst.never == two.worst.never);
    CHECK(one.worst.investNow[0] == two.worst.investNow[0]);
    // and something moved: the figures are not all equal
    CHECK(strategy(one.d, "invest_now", "a").npv.var95.stdError > 0);
    CHECK(strategy(one.d, "optimal").worstYear->mean.stdError > 0);
}

TEST_CASE("downside: a capex rise never lowers P(loss) nor raises VaR or ES of investing now (exact)") {
    // Investing now pays the capex at t = 0 (discount 1, no grant, no learning): a rise of 1e8 lowers
    // investing now's NPV by 1e8 on every path (same seed: same paths), so every order statistic
    // falls (exactly: floating-point addition is monotone) and by 1e8 to rounding.
    kp::testing::Synthetic lo;
    lo.vol = 0.4;
    kp::testing::Synthetic hi = lo;
    hi.capexA = lo.capexA + 1e8;
    const Run a = run(lo.make(), settings(8192, 7, 2));
    const Run b = run(hi.make(), settings(8192, 7, 2));
    for (const bool vs : {false, true}) {
        const DownsideLevels& x = vs ? *strategy(a.d, "invest_now", "a").vsNever : strategy(a.d, "invest_now", "a").npv;
        const DownsideLevels& y = vs ? *strategy(b.d, "invest_now", "a").vsNever : strategy(b.d, "invest_now", "a").npv;
        CAPTURE(vs);
        CHECK(y.pLoss.value >= x.pLoss.value);
        const kp::Estimate* ex[] = {&x.var95, &x.es95, &x.var99, &x.es99};
        const kp::Estimate* ey[] = {&y.var95, &y.es95, &y.var99, &y.es99};
        for (std::size_t i = 0; i < 4; ++i) {
            CHECK(ey[i]->value <= ex[i]->value);
            CHECK(ex[i]->value - ey[i]->value == doctest::Approx(1e8).epsilon(1e-6));
        }
    }
}

TEST_CASE("checkDownside refuses a non-finite figure, naming it") {
    Downside d;
    d.batches = 8;
    kp::results::StrategyDownside s;
    s.strategy = "invest_now";
    s.technology = "a";
    s.npv.es99 = {std::numeric_limits<double>::infinity(), 1.0};
    d.strategies.push_back(s);
    CHECK_THROWS_WITH_AS(kp::results::checkDownside(d, "case.yaml"), doctest::Contains("downside.invest_now.a.es_99"),
                         kp::InvalidInput);
    d.strategies[0].npv.es99 = {1.0, std::numeric_limits<double>::quiet_NaN()};
    CHECK_THROWS_AS(kp::results::checkDownside(d, "case.yaml"), kp::InvalidInput);
    d.batches = 1;  // one batch: no SE (NaN) is allowed
    CHECK_NOTHROW(kp::results::checkDownside(d, "case.yaml"));
    d.batches = 8;
    d.strategies[0].npv.es99 = {1.0, 1.0};
    d.strategies[0].worstYear = kp::results::WorstYearLevels{};
    CHECK_NOTHROW(kp::results::checkDownside(d, "case.yaml"));
    d.strategies[0].worstYear->p1 = {-std::numeric_limits<double>::infinity(), 1.0};
    CHECK_THROWS_WITH_AS(kp::results::checkDownside(d, "case.yaml"),
                         doctest::Contains("downside.worst_year.invest_now.a.p1"), kp::InvalidInput);
}

TEST_CASE("worst year by hand: zero years left out, quarters summed per year, blocks at an offset") {
    kp::InvestmentProblem p;
    p.project.startYear = 2030;
    p.project.horizonYears = 3;
    // [k][p], four paths in two blocks of two (paths 0-1 and 2-3)
    const double first[] = {5, -1,   // 2030
                            3, 0,    // 2031
                            4, -7};  // 2032
    const double second[] = {0, 0,   // path 2 has no cash flow in any year: worst 0
                             0, 2,   // path 3: only 2031
                             0, 0};
    kp::results::WorstYears w(4, p);
    kp::PricingBlock b;
    b.n = 2;
    b.years = 3;
    b.cashFlow = second;  // blocks arrive in any order
    b.first = 2;
    w.onBlock(b);
    b.cashFlow = first;
    b.first = 0;
    w.onBlock(b);
    const double worst[] = {3, -7, 0, 2};
    const int year[] = {2031, 2032, 2029, 2031};
    for (std::size_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        CHECK(w.worst()[i] == worst[i]);
        CHECK(w.year()[i] == year[i]);
    }
    // a quarterly case: the periods of a year are summed first; a year summing to exactly 0 is no year
    p.project.periodsPerYear = 2;
    const double halves[] = {3, -3,  // 2030, first half: paths 0, 1
                             -3, 1,  // 2030, second half: path 0's year sums to 0 (left out), path 1's to -2
                             -1, 4,  // 2031
                             -2, 4,
                             1, 0,   // 2032
                             1, -1};
    kp::results::WorstYears q(2, p);
    b.n = 2;
    b.first = 0;
    b.years = 6;
    b.cashFlow = halves;
    q.onBlock(b);
    CHECK(q.worst()[0] == -3.0);  // 2031: -1 - 2
    CHECK(q.year()[0] == 2031);
    CHECK(q.worst()[1] == -2.0);  // 2030: -3 + 1; 2032: 0 - 1 = -1
    CHECK(q.year()[1] == 2030);
    // a block of the wrong shape is refused
    kp::results::WorstYears small(2, p);
    b.years = 3;
    CHECK_THROWS_AS(small.onBlock(b), kp::InvalidInput);
}

TEST_CASE("worst-year levels by hand: mean, 1/5/50% quantiles, P(< 0) and their sectioning SEs") {
    // x = -4 .. 11 over 16 paths, one rule, no antithetic pairs: 8 batches of 2 contiguous paths,
    // batch k = {2k - 4, 2k - 3}. Whole sample: mean 3.5; 1% and 5% quantiles the smallest (ceil(0.16)
    // = ceil(0.8) = 1): -4; median the 8th smallest: 3; P(< 0) = 4/16. Batch k: mean 2k - 3.5, every
    // quantile its smaller value 2k - 4, P(< 0) 1 for k = 0, 1 and 0 after (0 is not a loss).
    std::vector<double> x;
    for (int i = 0; i < 16; ++i) x.push_back(i - 4.0);
    const auto batches = kp::results::downsideBatches(16, 1, false);
    REQUIRE(batches.size() == 8);
    const kp::results::WorstYearLevels w = kp::results::worstYearLevels(x.data(), x.size(), batches, false);
    const double tw = tWidening(8);
    CHECK(w.mean.value == 3.5);
    CHECK(w.p1.value == -4.0);
    CHECK(w.p5.value == -4.0);
    CHECK(w.p50.value == 3.0);
    CHECK(w.pNegative.value == 0.25);
    // SE^2 = widening x sum_k (theta_k - theta)^2 / (8 x 7): the mean's and the median's sum is
    // sum_k (2k - 7)^2 = 168; the 1% quantile's sum_k (2k)^2 = 560; P's 2 x 0.75^2 + 6 x 0.25^2 = 1.5.
    // The pricing-error floors (sd / sqrt 16: 1.19 for the mean, 0.11 for P) are below these.
    CHECK(w.mean.stdError == doctest::Approx(std::sqrt(tw * 168 / 56)).epsilon(1e-14));
    CHECK(w.p50.stdError == doctest::Approx(std::sqrt(tw * 168 / 56)).epsilon(1e-14));
    CHECK(w.p1.stdError == doctest::Approx(std::sqrt(tw * 560 / 56)).epsilon(1e-14));
    CHECK(w.p5.stdError == w.p1.stdError);
    CHECK(w.pNegative.stdError == doctest::Approx(std::sqrt(tw * 1.5 / 56)).epsilon(1e-14));
    // the floor: a constant sample has batch statistics equal to the whole's, so only the pricing
    // error (0 too) could lift the SE
    std::vector<double> c(16, -2.0);
    const kp::results::WorstYearLevels k = kp::results::worstYearLevels(c.data(), c.size(), batches, false);
    CHECK(k.mean.value == -2.0);
    CHECK(k.mean.stdError == 0.0);
    CHECK(k.pNegative.value == 1.0);
    CHECK(k.pNegative.stdError == 0.0);
    CHECK_THROWS_AS(kp::results::worstYearLevels(x.data(), 15, batches, false), kp::InvalidInput);
}

TEST_CASE("worst year against the exact law of the minimum of 10 i.i.d. normal years") {
    const std::uint64_t seed = 77;
    const std::size_t n = 65536;
    const NormalYears ny(n, seed);
    const auto batches = kp::results::downsideBatches(n, 1, false);
    const kp::results::WorstYearLevels w = kp::results::worstYearLevels(ny.worst.data(), n, batches, false);
    const double k = 3.0;
    // budget: the empirical quantile's O(1/n) bias, at most about one path's spacing 1 / (n f(q)) in
    // the tail; 2 / (n f(q)) as for the NPV's quantiles. The mean and P(< 0) are unbiased: no budget.
    auto budget = [&](double q) { return 2.0 / (static_cast<double>(n) * NormalYears::density(NormalYears::quantile(q))); };
    const Level levels[] = {{"mean", &w.mean, NormalYears::mean(), 0.0},
                            {"p1", &w.p1, NormalYears::quantile(0.01), budget(0.01)},
                            {"p5", &w.p5, NormalYears::quantile(0.05), budget(0.05)},
                            {"p50", &w.p50, NormalYears::quantile(0.5), budget(0.5)},
                            {"p_negative", &w.pNegative, NormalYears::pNegative(), 0.0}};
    // the set-up: E[min of 10 standard normals] = -1.53875 (Harter 1961, "Expected values of normal
    // order statistics", Biometrika 48, to 5 decimals: within half a unit of the last)
    CHECK(std::abs((NormalYears::mean() - NormalYears::mu) / NormalYears::sd + 1.53875) <= 5e-6);
    checkLevels(levels, k, seed);
}

TEST_CASE("worst year, honest SE: over 20 seeds the estimates' spread around the exact law matches the SE") {
    // As the NPV's test above: ratio = RMS(estimate - exact) / RMS(SE / sqrt(widening)), 8 batches,
    // band [0.45, 1.7] (the 0.1% / 99.9% chi-squared range of an RMS over 20 seeds, 0.54-1.50, widened
    // for the noise of the RMS SE). The quantiles' bias (2 / (n f) is below 0.05 SE here) is left in.
    const std::size_t n = 16384, seeds = 20;
    const double widening = tWidening(8);
    Acc acc[] = {{"mean", NormalYears::mean()},
                 {"p1", NormalYears::quantile(0.01)},
                 {"p5", NormalYears::quantile(0.05)},
                 {"p50", NormalYears::quantile(0.5)},
                 {"p_negative", NormalYears::pNegative()}};
    const auto batches = kp::results::downsideBatches(n, 1, false);
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const NormalYears ny(n, seed);
        const kp::results::WorstYearLevels w = kp::results::worstYearLevels(ny.worst.data(), n, batches, false);
        const kp::Estimate* e[] = {&w.mean, &w.p1, &w.p5, &w.p50, &w.pNegative};
        for (std::size_t i = 0; i < 5; ++i) acc[i].add(*e[i], widening);
    }
    checkHonest(acc);
}

TEST_CASE("worst year on the engine: investing now in the one-year GBM project earns X_1 in its one year") {
    // The project runs in 2001 only and pays the product price X_1 (no costs): investing now's worst
    // year is X_1 on every path, lognormal with ln X_1 ~ N(m, vol^2); never investing has no cash
    // flow in any year (a plant of remaining life 0): worst year 0 on every path, every figure 0.
    const OneYearProject pr;
    const std::uint64_t seed = 2024;
    const std::size_t n = 65536;
    const Run a = run(pr.p, settings(n, seed, 8));
    REQUIRE(a.worst.never.size() == n);
    std::size_t nonzero = 0;
    for (double x : a.worst.never) nonzero += x != 0.0;
    CHECK(nonzero == 0);
    const kp::results::WorstYearLevels& never = *strategy(a.d, "never_invest").worstYear;
    for (const kp::Estimate* e : {&never.mean, &never.p1, &never.p5, &never.p50, &never.pNegative}) {
        CHECK(e->value == 0.0);
        CHECK(e->stdError == 0.0);
    }
    const kp::results::WorstYearLevels& w = *strategy(a.d, "invest_now", "project").worstYear;
    const boost::math::normal z;
    const double m = OneYearProject::m(), vol = OneYearProject::vol;
    auto quantile = [&](double q) { return std::exp(m + vol * boost::math::quantile(z, q)); };
    auto density = [&](double x) { return boost::math::pdf(z, (std::log(x) - m) / vol) / (vol * x); };
    auto budget = [&](double q) { return 2.0 / (static_cast<double>(n) * density(quantile(q))); };
    const double k = 3.0;
    const Level levels[] = {{"mean", &w.mean, OneYearProject::X0 * std::exp(OneYearProject::r - OneYearProject::delta), 0.0},
                            {"p1", &w.p1, quantile(0.01), budget(0.01)},
                            {"p5", &w.p5, quantile(0.05), budget(0.05)},
                            {"p50", &w.p50, quantile(0.5), budget(0.5)}};
    checkLevels(levels, k, seed);
    CHECK(w.pNegative.value == 0.0);  // a price is positive
}

TEST_CASE("worst year: the fixed-policy passes price the valuation's own paths") {
    // The static strategies are investing now and never investing under kp::FixedPolicy with the
    // valuation's rules and settings. On the same paths, the fixed policy "invest in a now" has
    // the realised value npv_now(a) path by path (exactly: the same operations), stage rule included,
    // and "never" has never investing's value (to rounding: summed in another order).
    kp::testing::Synthetic syn;
    syn.vol = 0.4;
    syn.withStage = true;
    const auto p = syn.make();
    const kp::InvestmentSettings s = settings(4096, 5, 2);
    kp::results::PathValues base(s.paths, p);
    kp::InvestmentLsm engine;
    const std::vector<kp::InvestmentRule> rules = engine.trainRules(p, s);
    const kp::InvestmentResult r = engine.price(p, rules, s, &base);
    REQUIRE(std::isfinite(r.npvNow[0].value));
    REQUIRE(!std::isfinite(r.npvNow[1].value));  // b is not allowed before 2028
    auto fixed = [&](int technology) {
        kp::InvestmentSettings f = s;
        f.fixedPolicy = kp::FixedPolicy{technology, 2026};
        auto pv = std::make_unique<kp::results::PathValues>(s.paths, p);
        engine.price(p, rules, f, pv.get());
        return pv;
    };
    const auto now = fixed(0), never = fixed(-1);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < s.paths; ++i) {
        differ += now->option()[i] != base.npvNow(0)[i];
        CHECK(never->option()[i] == doctest::Approx(base.never()[i]).epsilon(1e-12));
    }
    CHECK(differ == 0);
    // and StaticStrategies leaves out the technology not allowed now
    kp::results::WorstYears worst(s.paths, p);
    kp::results::StaticStrategies statics(s.paths, p);
    CHECK(statics.beside().size() == 2);  // investing now in a, never investing
    const auto w = statics.worstYears(worst);
    CHECK(w.investNow.size() == 2);
    CHECK(w.investNow[0].size() == s.paths);
    CHECK(w.investNow[1].empty());
}

namespace {

/// The valuation's rules priced with every static strategy beside (kp::BesidePolicy, each seen by a
/// WorstYears and a PathValues), against each strategy priced separately under settings.fixedPolicy:
/// the same worst years and realised values bit for bit, and a result the policies beside leave alone.
kp::InvestmentResult checkBesideIsSeparate(const kp::InvestmentProblem& p, const kp::InvestmentSettings& s) {
    kp::InvestmentLsm engine;
    const std::vector<kp::InvestmentRule> rules = engine.trainRules(p, s);
    kp::results::PathValues alone(s.paths, p);
    const kp::InvestmentResult r0 = engine.price(p, rules, s, &alone);
    struct Seen {
        std::unique_ptr<kp::results::PathValues> pv;
        std::unique_ptr<kp::results::WorstYears> worst;
    };
    const std::size_t J = p.project.technologies.size();
    std::vector<kp::FixedPolicy> policies;
    for (std::size_t j = 0; j < J; ++j) policies.push_back({static_cast<int>(j), p.project.startYear});
    policies.push_back({-1, p.project.startYear});
    auto seen = [&] {
        Seen x;
        x.pv = std::make_unique<kp::results::PathValues>(s.paths, p);
        x.worst = std::make_unique<kp::results::WorstYears>(s.paths, p, x.pv.get());
        return x;
    };
    std::vector<Seen> beside;
    std::vector<kp::BesidePolicy> bp;
    for (const kp::FixedPolicy& f : policies) {
        beside.push_back(seen());
        bp.push_back({f, beside.back().worst.get()});
    }
    kp::results::PathValues main(s.paths, p);
    const kp::InvestmentResult r = engine.price(p, rules, s, &main, bp);
    CHECK(r.optionValue.value == r0.optionValue.value);
    CHECK(r.optionValue.stdError == r0.optionValue.stdError);
    CHECK(r.valueOfWaiting.value == r0.valueOfWaiting.value);
    CHECK(r.neverInvest.value == r0.neverInvest.value);
    for (std::size_t y = 0; y < r.investedBy.size(); ++y) CHECK(r.investedBy[y].value == r0.investedBy[y].value);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < s.paths; ++i) differ += main.option()[i] != alone.option()[i];
    CHECK(differ == 0);
    for (std::size_t k = 0; k < policies.size(); ++k) {
        CAPTURE(k);
        kp::InvestmentSettings f = s;
        f.fixedPolicy = policies[k];
        Seen separate = seen();
        engine.price(p, rules, f, separate.worst.get());
        std::size_t valueDiffers = 0, worstDiffers = 0, yearDiffers = 0;
        for (std::size_t i = 0; i < s.paths; ++i) {
            valueDiffers += beside[k].pv->option()[i] != separate.pv->option()[i];
            worstDiffers += beside[k].worst->worst()[i] != separate.worst->worst()[i];
            yearDiffers += beside[k].worst->year()[i] != separate.worst->year()[i];
        }
        CHECK(valueDiffers == 0);
        CHECK(worstDiffers == 0);
        CHECK(yearDiffers == 0);
    }
    return r0;
}

}  // namespace

TEST_CASE("worst year: fixed policies priced beside the valuation are the separate fixed-policy pricings, bit for bit") {
    // value prices the static strategies beside its own pricing pass (kp::BesidePolicy) instead of
    // pricing each again: the same paths, from the decisions on. A stage rule (a's switch to
    // hydrogen) and two rules sharing the blocks; one thread and two.
    kp::testing::Synthetic syn;
    syn.vol = 0.4;
    syn.withStage = true;
    const auto p = syn.make();
    checkBesideIsSeparate(p, settings(4096, 5, 2));
    checkBesideIsSeparate(p, settings(4096, 5, 2, 1));
}

TEST_CASE("worst year: beside the valuation on the steelworks with a reline (a relined rule, stages, several technologies)") {
    // a reline added (the example has none): investing now in it runs the relined rule on the paths
    const kp::cases::CaseFile c = kp::cases::loadCaseFile(std::string(KP_SOURCE_DIR) + "/examples/steelworks_h2_dri.yaml",
                                                          {{"plant.reline={capex: 5.0e8, years_added: 15}"}, ""});
    const kp::InvestmentProblem p = kp::cases::toInvestmentProblem(c);
    kp::InvestmentSettings s = kp::cases::settingsFor(c, {});
    s.paths = 2048;
    s.trainingPaths = 4000;
    s.rules = 2;
    s.threads = 2;
    const kp::InvestmentResult r = checkBesideIsSeparate(p, s);
    // the reline is allowed now (its fixed policy relines on every path) and taken by the rule's relined state
    bool relineNow = false;
    for (std::size_t j = 0; j < r.technologyNames.size(); ++j)
        relineNow |= r.technologyNames[j] == "reline" && std::isfinite(r.npvNow[j].value);
    CHECK(relineNow);
}

}  // TEST_SUITE
