//! \brief Tests loan statistics (engine/loan_pricing.hpp) and Merton's structural check
//! (engine/structural_credit.hpp): the simulated default probability, debt value and credit spread
//! against the closed form kp::mertonCredit within 4 standard errors for three firms; bit-identical
//! results on 1 and 2 threads; VaR and ES of a known loss distribution within 4 of their own SEs;
//! PD, EL and LGD of paths whose cash flow is deterministic per path (exact); a full guarantee gives
//! zero expected loss; a larger ratchet step moves the break-even margin the right way; the
//! incremental cash flow is the policy's minus never investing's, path by path, on the same paths
//! (exact; 0 before the investment operates); DSCR sizing: a higher minimum DSCR sizes less and does
//! not raise the PD (within 4 SE), the P90 (downside) case sizes no more than the P50; completion
//! support: the recorder's operation period (constructed block; the synthetic plant, where the
//! increment starts), no default before operation, bit for bit without the key.

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kp/engine/loan_pricing.hpp"
#include "kp/engine/structural_credit.hpp"
#include "kp/oracles/closed_forms.hpp"
#include "synthetic_problem.hpp"

namespace {

constexpr double kK = 4;  // standard errors (STYLE.md section 6)

kp::LoanTerms loan() {
    kp::LoanTerms t;
    t.name = "test";
    t.amount = 1000;
    t.startYear = 2030;
    t.tenorYears = 6;
    t.amortisation = kp::Amortisation::Annuity;
    t.floating = true;
    t.margin = 0.02;
    t.baseCurve = {{2030, 0.025}};
    t.unsecuredRecovery = 0.4;
    t.recoveryLagYears = 0;
    t.requiredReturn = 0.01;
    return t;
}

/// Paths with a random (seeded) cash flow level per path, N(mean, 100) in antithetic pairs: path p
/// earns level[p] every year.
struct Book {
    std::size_t n;
    std::vector<double> cash, kpi;
    Book(std::size_t paths, std::size_t periods, std::uint32_t seed, double kpiValue = NAN, double mean = 300)
        : n(paths) {
        std::mt19937_64 rng(seed);
        std::normal_distribution<double> z(mean, 100);
        std::vector<double> level(paths);
        for (std::size_t p = 0; p < paths; p += 2) {  // antithetic pairs
            const double x = z(rng);
            level[p] = x, level[p + 1] = 2 * mean - x;
        }
        cash.resize(paths * periods), kpi.assign(paths * periods, kpiValue);
        for (std::size_t i = 0; i < periods; ++i)
            for (std::size_t p = 0; p < paths; ++p) cash[i * paths + p] = level[p];
    }
    kp::LoanPathView view() const { return {n, n, cash.data(), kpi.data(), nullptr}; }
};

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("Merton: simulated PD, debt value and spread match the closed form within 4 SE") {
    struct Firm { double V, vol, D, T, r; };
    for (const Firm f : {Firm{100, 0.3, 80, 5, 0.03}, Firm{100, 0.2, 70, 1, 0.05}, Firm{50, 0.45, 60, 10, 0.02}}) {
        kp::StructuralCreditSettings s;
        s.paths = 200'000;
        s.seed = 1974;
        const auto r = kp::simulateMertonDefault(f.V, f.vol, f.D, f.T, f.r, s);
        const auto cf = kp::mertonCredit(f.V, f.vol, f.D, f.T, f.r);
        CAPTURE(f.V); CAPTURE(f.vol); CAPTURE(f.D); CAPTURE(f.T); CAPTURE(s.seed); CAPTURE(kK);
        CAPTURE(r.pd.value); CAPTURE(cf.pd); CAPTURE(r.pd.stdError);
        CAPTURE(r.spread.value); CAPTURE(cf.spread); CAPTURE(r.spread.stdError);
        CHECK(std::abs(r.pd.value - cf.pd) < kK * r.pd.stdError);
        CHECK(std::abs(r.debtValue.value - cf.debtValue) < kK * r.debtValue.stdError);
        CHECK(std::abs(r.spread.value - cf.spread) < kK * r.spread.stdError);
        CHECK(r.pd.stdError > 0);
    }
}

TEST_CASE("Merton and loan statistics are bit-identical on 1 and 2 threads") {
    kp::StructuralCreditSettings s;
    s.paths = 50'000;
    s.threads = 1;
    const auto a = kp::simulateMertonDefault(100, 0.3, 80, 5, 0.03, s);
    s.threads = 2;
    const auto b = kp::simulateMertonDefault(100, 0.3, 80, 5, 0.03, s);
    CHECK(a.pd.value == b.pd.value);
    CHECK(a.spread.stdError == b.spread.stdError);
    const kp::LoanTerms t = loan();
    const auto schedule = kp::buildLoanSchedule(t);
    const Book book(10'240 + 2, 6, 7);
    const auto one = kp::priceLoan(t, schedule, {}, book.view(), {true, 1});
    const auto two = kp::priceLoan(t, schedule, {}, book.view(), {true, 2});
    CHECK(one.expectedLoss.value == two.expectedLoss.value);
    CHECK(one.expectedLoss.stdError == two.expectedLoss.stdError);
    CHECK(one.lgd.value == two.lgd.value);
    CHECK(one.tail99.es.value == two.tail99.es.value);
    CHECK(kp::breakevenMargin(t, schedule, {}, book.view(), {true, 1}).value ==
          kp::breakevenMargin(t, schedule, {}, book.view(), {true, 2}).value);
    // drawn on investment in one of two years, with the plant's value as collateral
    kp::LoanTerms c = t;
    c.collateralFromPlant = true;
    c.collateralPlantShare = 0.8;
    const std::size_t periods = 7;
    const Book wide(10'240 + 2, periods, 7);
    std::vector<int> draw(wide.n);
    std::vector<double> plant(wide.cash.size());
    for (std::size_t p = 0; p < wide.n; ++p) draw[p] = static_cast<int>((p / 2) % 3) - 1;  // -1, 0, 1 by pair
    for (std::size_t k = 0; k < plant.size(); ++k) plant[k] = 3.0 * wide.cash[k] - 200;
    kp::LoanPathView view = wide.view();
    view.drawPeriod = draw.data();
    view.periods = periods;
    view.plantValue = plant.data();
    const std::vector<kp::LoanSchedule> schedules{kp::buildLoanSchedule(c, 2030), kp::buildLoanSchedule(c, 2031)};
    const auto d1 = kp::priceLoan(c, schedules, {}, view, {true, 1});
    const auto d2 = kp::priceLoan(c, schedules, {}, view, {true, 2});
    CHECK(d1.expectedLoss.value == d2.expectedLoss.value);
    CHECK(d1.pdGivenDrawn.value == d2.pdGivenDrawn.value);
    CHECK(d1.pdGivenDrawn.stdError == d2.pdGivenDrawn.stdError);
    CHECK(d1.lgd.value == d2.lgd.value);
    CHECK(d1.tail99.es.value == d2.tail99.es.value);
    CHECK(kp::breakevenMargin(c, schedules, {}, view, {true, 1}).value ==
          kp::breakevenMargin(c, schedules, {}, view, {true, 2}).value);
}

TEST_CASE("VaR and ES of uniform losses within 4 of their standard errors") {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<double> losses(400'000);
    for (auto& x : losses) x = u(rng);
    for (double q : {0.99, 0.999}) {
        const kp::TailRisk t = kp::tailRisk(losses, q);
        CAPTURE(q); CAPTURE(t.var.value); CAPTURE(t.var.stdError); CAPTURE(t.es.value); CAPTURE(t.es.stdError);
        CHECK(std::abs(t.var.value - q) < kK * t.var.stdError);
        CHECK(std::abs(t.es.value - (1 + q) / 2) < kK * t.es.stdError);
    }
}

TEST_CASE("PD, LGD and expected loss on per-path deterministic cash flows") {
    const kp::LoanTerms t = loan();
    const auto schedule = kp::buildLoanSchedule(t);
    const Book book(20'000, 6, 11);
    const auto r = kp::priceLoan(t, schedule, {}, book.view(), {true, 0}, true);
    // a path defaults in the first period whose debt service exceeds its level: count them directly
    double defaults = 0;
    for (std::size_t p = 0; p < book.n; ++p) {
        bool d = false;
        for (std::size_t i = 0; i < 6; ++i)
            d |= book.cash[p] < schedule.interest[i] + schedule.principal[i] &&
                 r.defaultPeriod[p] == static_cast<int>(i);
        defaults += d;
    }
    CHECK(r.pdCumulative.value == doctest::Approx(defaults / 20'000.0).epsilon(1e-12));
    double annual = 0;
    for (const auto& e : r.pdAnnual) annual += e.value;
    CHECK(annual == doctest::Approx(r.pdCumulative.value).epsilon(1e-12));
    CHECK(r.lgd.value > 0);
    CHECK(r.lgd.value < 0.6 + 1e-12);  // unsecured recovery 40%, plus part payments
    CHECK(r.expectedLoss.value > 0);
    CHECK(r.tail99.es.value >= r.tail99.var.value);
    // a full guarantee: the same defaults, no loss
    kp::LoanTerms g = t;
    g.guaranteeShare = 1.0;
    const auto full = kp::priceLoan(g, schedule, {}, book.view(), {true, 0});
    CHECK(full.pdCumulative.value == r.pdCumulative.value);
    CHECK(full.expectedLoss.value == 0);
    CHECK(full.tail999.es.value == 0);
    CHECK(kp::priceLoan(g, schedule, {false, true}, book.view(), {true, 0}).expectedLoss.value == r.expectedLoss.value);
}

TEST_CASE("A larger ratchet step moves the break-even margin the right way") {
    kp::LoanTerms t = loan();
    t.kpiTarget = {{2030, 0.5}};
    const auto schedule = kp::buildLoanSchedule(t);
    auto breakeven = [&](double kpi, double down, double up) {
        kp::LoanTerms x = t;
        x.ratchetStepDown = down;
        x.ratchetStepUp = up;
        const Book book(4'096, 6, 5, kpi, 500);  // few defaults: a break-even margin exists
        const kp::Estimate m = kp::breakevenMargin(x, schedule, {}, book.view(), {true, 0});
        REQUIRE(std::isfinite(m.value));
        return m.value;
    };
    // target missed every year: a larger step up earns the bank more, so it needs a lower margin
    CHECK(breakeven(0.9, 0.0, 0.002) < breakeven(0.9, 0.0, 0.001));
    // target met every year: a larger step down costs the bank, so it needs a higher margin
    CHECK(breakeven(0.2, 0.002, 0.0) > breakeven(0.2, 0.001, 0.0));
}

}  // TEST_SUITE

TEST_SUITE("engine") {

TEST_CASE("LoanPathRecorder: a quarterly block is summed into loan years (cash, intensity, closing year)") {
    // 2 paths, 3 years of quarters; path 0 runs with a known cash flow per quarter, path 1 closes in
    // the third quarter of year 1
    const std::size_t n = 2, per = 4, years = 3, H = years * per;
    std::vector<double> cash(H * n), out(H * n), em(H * n), zero(H * n, 0.0), v(n, 0.0), npv(n, 0.0);
    for (std::size_t k = 0; k < H; ++k) {
        cash[k * n] = 10.0 * static_cast<double>(k + 1);  // year y sums 10 (4y+1 + ... + 4y+4)
        out[k * n] = 25, em[k * n] = 5;                  // 0.2 t/t
        cash[k * n + 1] = 1, out[k * n + 1] = k < 6 ? 25 : 0, em[k * n + 1] = k < 6 ? 10 : 0;
    }
    const int action[2] = {-1, 1}, date[2] = {static_cast<int>(H), 6}, stage[2] = {static_cast<int>(H), static_cast<int>(H)};
    kp::PricingBlock b;
    b.n = n, b.years = H, b.periodsPerYear = per, b.technologies = 1;
    b.action = action, b.actionDate = date, b.stageDate = stage;
    b.optionValue = v.data(), b.neverInvest = v.data(), b.npvNow = npv.data();
    b.co2 = b.gas = b.power = b.hydrogen = b.product = zero.data();
    b.cashFlow = cash.data(), b.investment = zero.data(), b.emissions = em.data(), b.output = out.data();
    kp::LoanPathRecorder rec(n, 1, {1.0, 2.0});  // loan years = calendar years 1 and 2; nominal factors
    rec.onBlock(b);
    const kp::LoanPathView view = rec.view();
    // year 1 of path 0: quarters 4..7 carry 50 + 60 + 70 + 80 = 260; year 2: 90 + ... + 120 = 420, x 2
    CHECK(view.cashFlow[0 * n + 0] == 260.0);
    CHECK(view.cashFlow[1 * n + 0] == 2.0 * 420.0);
    CHECK(view.kpi[0 * n + 0] == doctest::Approx(0.2));
    // path 1 closed in quarter 6 (year 1): the loan's first year; its intensity is over what it made
    CHECK(view.closePeriod[1] == 0);
    CHECK(view.closePeriod[0] == 2);  // never closed: the number of loan years
    CHECK(view.kpi[0 * n + 1] == doctest::Approx(20.0 / 50.0));
}

TEST_CASE("LoanPathRecorder: the draw year and the plant's value on a constructed path") {
    // 3 paths, 4 annual years; path 0 invests in technology 0 in year 1, path 1 in technology 1,
    // path 2 in technology 0 in year 3 (outside a 2-period draw window from year 0)
    const std::size_t n = 3, years = 4;
    std::vector<double> cash(years * n), zero(years * n, 0.0), v(n, 0.0), npv(2 * n, 0.0);
    for (std::size_t k = 0; k < years; ++k)
        for (std::size_t p = 0; p < n; ++p) cash[k * n + p] = 10.0 * static_cast<double>(k + 1);  // 10, 20, 30, 40
    const int action[3] = {0, 1, 0}, date[3] = {1, 1, 3}, stage[3] = {4, 4, 4};
    kp::PricingBlock b;
    b.n = n, b.years = years, b.technologies = 2;
    b.action = action, b.actionDate = date, b.stageDate = stage;
    b.optionValue = v.data(), b.neverInvest = v.data(), b.npvNow = npv.data();
    b.co2 = b.gas = b.power = b.hydrogen = b.product = zero.data();
    b.cashFlow = cash.data(), b.investment = zero.data(), b.emissions = zero.data(), b.output = zero.data();
    kp::LoanRecording rec;
    rec.drawTechnology = 0;
    rec.drawPeriods = 2;
    rec.plantDiscount = {1.0, 0.9, 0.8, 0.7, 0.6};  // D(k), k = 0 .. years
    kp::LoanPathRecorder recorder(n, 0, {1.0, 1.0, 2.0}, rec);  // loan periods = years 0, 1, 2
    recorder.onBlock(b);
    const kp::LoanPathView view = recorder.view();
    REQUIRE(view.drawPeriod != nullptr);
    CHECK(view.periods == 3);
    CHECK(view.drawPeriod[0] == 1);
    CHECK(view.drawPeriod[1] == -1);  // invested in another option: never drawn
    CHECK(view.drawPeriod[2] == -1);  // invested after the draw window
    // the plant's value at the end of year y = sum over k > y of CF_k D(k) / D(y + 1)
    CHECK(view.plantValue[0 * n] == doctest::Approx((20 * 0.9 + 30 * 0.8 + 40 * 0.7) / 0.9).epsilon(1e-12));
    CHECK(view.plantValue[1 * n] == doctest::Approx((30 * 0.8 + 40 * 0.7) / 0.8).epsilon(1e-12));
    CHECK(view.plantValue[2 * n] == doctest::Approx(2.0 * 40 * 0.7 / 0.7).epsilon(1e-12));  // nominal factor 2
    // sizing on the drawing path only (path 0, drawn in period 1): its cash flows of periods 1 and 2
    const std::vector<double> mean = kp::sizingCashFlows(view, 2, NAN);
    REQUIRE(mean.size() == 2);
    CHECK(mean[0] == 20.0);
    CHECK(mean[1] == 2.0 * 30.0);
}

TEST_CASE("Drawn on investment: P(drawn), PD given drawn and the unconditional EL, path by path") {
    const kp::LoanTerms t = loan();
    const std::size_t periods = 6;
    const Book book(20'000, periods, 11);
    // every fourth pair never draws (antithetic pairs draw together); the others at the start
    std::vector<int> draw(book.n);
    for (std::size_t p = 0; p < book.n; ++p) draw[p] = (p / 2) % 4 == 3 ? -1 : 0;
    kp::LoanPathView view = book.view();
    view.drawPeriod = draw.data();
    view.periods = periods;
    const std::vector<kp::LoanSchedule> schedules{kp::buildLoanSchedule(t)};
    const auto all = kp::priceLoan(t, schedules[0], {}, book.view(), {true, 0}, true);
    const auto r = kp::priceLoan(t, schedules, {}, view, {true, 0}, true);
    double drawn = 0, defaults = 0, loss = 0;
    for (std::size_t p = 0; p < book.n; ++p) {
        if (draw[p] < 0) {
            CHECK(r.loss[p] == 0.0);
            CHECK(r.defaultPeriod[p] == static_cast<int>(periods));
            continue;
        }
        CHECK(r.loss[p] == all.loss[p]);  // a draw at the start: the same loan as without drawPeriod
        drawn += 1, defaults += r.defaultPeriod[p] < static_cast<int>(periods), loss += r.loss[p];
    }
    const double N = static_cast<double>(book.n);
    CHECK(r.drawProbability.value == doctest::Approx(0.75).epsilon(1e-12));
    CHECK(r.pdCumulative.value == doctest::Approx(defaults / N).epsilon(1e-12));
    CHECK(r.pdGivenDrawn.value == doctest::Approx(defaults / drawn).epsilon(1e-12));
    CHECK(r.expectedLoss.value == doctest::Approx(loss / N).epsilon(1e-12));
    // PD given drawn estimates the same PD as the loan drawn everywhere (the undrawn paths are a
    // deterministic quarter of the pairs): within 4 combined standard errors
    const double se = std::hypot(r.pdGivenDrawn.stdError, all.pdCumulative.stdError);
    CAPTURE(r.pdGivenDrawn.value); CAPTURE(all.pdCumulative.value); CAPTURE(se);
    CHECK(std::abs(r.pdGivenDrawn.value - all.pdCumulative.value) <= 4 * se);
    // the break-even margin asks for the amount lent only on the drawn paths: the same loan, the
    // same margin (the undrawn paths add 0 to both sides)
    const kp::Estimate m = kp::breakevenMargin(t, schedules, {}, view, {true, 0});
    const kp::Estimate mAll = kp::breakevenMargin(t, schedules[0], {}, book.view(), {true, 0});
    CAPTURE(m.value); CAPTURE(mAll.value); CAPTURE(m.stdError); CAPTURE(mAll.stdError);
    CHECK(std::abs(m.value - mAll.value) <= 4 * std::hypot(m.stdError, mAll.stdError));
}

TEST_CASE("Incremental cash flow: the policy's minus never investing's, path by path, on the same paths") {
    // the synthetic plant with a volatile CO2 price; the policy builds technology a, decided in 2028
    // (2 construction years: it runs from 2030); loan years 2026-2035 = engine years 0-9, real money
    kp::testing::Synthetic syn;
    syn.vol = 0.3;
    const kp::InvestmentProblem pr = syn.make();
    kp::InvestmentSettings s;
    s.paths = 2048, s.seed = 7, s.threads = 2, s.rules = 1;
    s.fixedPolicy = kp::FixedPolicy{0, 2028};
    kp::InvestmentSettings never = s;
    never.fixedPolicy = kp::FixedPolicy{-1, 0};
    kp::LoanRecording rec;
    for (int k = 0; k <= syn.horizon; ++k) rec.plantDiscount.push_back(std::pow(1.07, -k));
    const std::size_t P = 10, n = s.paths;
    kp::LoanPathRecorder policy(n, 0, std::vector<double>(P, 1.0), rec);
    kp::LoanPathRecorder neverRec = policy.sameShape(), incremental = policy.sameShape();
    kp::InvestmentLsm engine;
    kp::recordLoanCashFlows(engine, pr, s, policy, false);
    kp::recordLoanCashFlows(engine, pr, never, neverRec, false);
    kp::recordLoanCashFlows(engine, pr, s, incremental, true);
    const kp::LoanPathView a = policy.view(), b = neverRec.view(), d = incremental.view();
    std::size_t differ = 0, plantDiffer = 0, nonZeroBefore = 0, zeroAfter = 0, kpiDiffer = 0;
    for (std::size_t i = 0; i < P; ++i)
        for (std::size_t p = 0; p < n; ++p) {
            const std::size_t k = i * n + p;
            differ += d.cashFlow[k] != a.cashFlow[k] - b.cashFlow[k];
            plantDiffer += d.plantValue[k] != a.plantValue[k] - b.plantValue[k];
            kpiDiffer += !(d.kpi[k] == a.kpi[k] || (std::isnan(d.kpi[k]) && std::isnan(a.kpi[k])));
            // before a operates (2026-2029) the policy runs the plant as is, path by path the same
            // prices: the increment is exactly 0; afterwards the CO2 saved differs from path to path
            if (i < 4) nonZeroBefore += d.cashFlow[k] != 0.0;
            else zeroAfter += d.cashFlow[k] == 0.0;
        }
    CHECK(differ == 0);
    CHECK(plantDiffer == 0);
    CHECK(kpiDiffer == 0);
    CHECK(nonZeroBefore == 0);
    CHECK(zeroAfter == 0);
    for (std::size_t p = 0; p < n; ++p) REQUIRE(d.closePeriod[p] == a.closePeriod[p]);
    // the baseline is a pass of its own: never investing's cash flow is not the policy's
    CHECK(b.cashFlow[5 * n] != a.cashFlow[5 * n]);
}

TEST_CASE("LoanPathRecorder: the period the financed investment operates from (completion support)") {
    // 4 paths, 6 annual years, loan periods = years 1-4; path 0 invests in technology 0 and operates
    // from year 3, path 1 from year 0 (before the loan), path 2 invests in technology 1, path 3 in
    // technology 0 whose operation never starts within the horizon (6)
    const std::size_t n = 4, years = 6;
    std::vector<double> zero(years * n, 0.0), v(n, 0.0), npv(2 * n, 0.0);
    const int action[n] = {0, 0, 1, 0}, date[n] = {1, 0, 1, 2}, stage[n] = {6, 6, 6, 6}, start[n] = {3, 0, 2, 6};
    kp::PricingBlock b;
    b.n = n, b.years = years, b.technologies = 2;
    b.action = action, b.actionDate = date, b.stageDate = stage, b.operationStart = start;
    b.optionValue = v.data(), b.neverInvest = v.data(), b.npvNow = npv.data();
    b.co2 = b.gas = b.power = b.hydrogen = b.product = zero.data();
    b.cashFlow = zero.data(), b.investment = zero.data(), b.emissions = zero.data(), b.output = zero.data();
    kp::LoanRecording rec;
    kp::LoanPathRecorder without(n, 1, std::vector<double>(4, 1.0), rec);
    without.onBlock(b);
    CHECK(without.view().operationPeriod == nullptr);  // recorded only when asked
    rec.operationTechnology = 0;
    kp::LoanPathRecorder recorder(n, 1, std::vector<double>(4, 1.0), rec);
    recorder.onBlock(b);
    const kp::LoanPathView view = recorder.view();
    REQUIRE(view.operationPeriod != nullptr);
    CHECK(view.operationPeriod[0] == 2);  // year 3 = loan period 2
    CHECK(view.operationPeriod[1] == 0);  // already operating at the loan's start
    CHECK(view.operationPeriod[2] == 4);  // another option: never (the recorded periods)
    CHECK(view.operationPeriod[3] == 4);  // not within the horizon: never
}

TEST_CASE("Completion support on the synthetic plant: the operation period is where the increment starts") {
    // technology a decided in 2028 runs from 2030 (2 construction years) on every path: loan period
    // 4 from 2026; the sponsors pay periods 0-3, so the PD with completion support cannot exceed
    // the PD without, path by path no default comes earlier, and without the key nothing changes
    kp::testing::Synthetic syn;
    syn.vol = 0.3;
    const kp::InvestmentProblem pr = syn.make();
    kp::InvestmentSettings s;
    s.paths = 2048, s.seed = 7, s.threads = 2, s.rules = 1;
    s.fixedPolicy = kp::FixedPolicy{0, 2028};
    kp::LoanRecording rec;
    rec.operationTechnology = 0;
    const std::size_t P = 10, n = s.paths;
    kp::LoanPathRecorder recorder(n, 0, std::vector<double>(P, 1.0), rec);
    kp::InvestmentLsm engine;
    kp::recordLoanCashFlows(engine, pr, s, recorder, true);
    const kp::LoanPathView view = recorder.view();
    for (std::size_t p = 0; p < n; ++p) {
        CAPTURE(p);
        REQUIRE(view.operationPeriod[p] == 4);
        REQUIRE(view.cashFlow[3 * n + p] == 0.0);  // the increment is 0 before it operates
        REQUIRE(view.cashFlow[4 * n + p] != 0.0);  // and not from then on
    }
    kp::LoanTerms t = loan();
    t.startYear = 2026;
    t.tenorYears = 10;
    t.graceYears = 2;
    t.graceFunded = true;
    const kp::LoanSchedule sch = kp::buildLoanSchedule(t);
    const auto plain = kp::priceLoan(t, sch, {}, view, {true, 2}, true);
    kp::LoanPathView noOperation = view;
    noOperation.operationPeriod = nullptr;
    const auto same = kp::priceLoan(t, sch, {}, noOperation, {true, 2}, true);
    CHECK(plain.defaultPeriod == same.defaultPeriod);  // bit for bit without the key
    CHECK(plain.loss == same.loss);
    CHECK(plain.sponsorPaid.value == 0.0);
    t.completionSupport = true;
    const auto completed = kp::priceLoan(t, sch, {}, view, {true, 2}, true);
    std::size_t earlier = 0, before = 0;
    for (std::size_t p = 0; p < n; ++p) {
        earlier += completed.defaultPeriod[p] < plain.defaultPeriod[p];
        before += completed.defaultPeriod[p] < 4;
    }
    CHECK(earlier == 0);
    CHECK(before == 0);
    CHECK(completed.pdCumulative.value <= plain.pdCumulative.value);
    CHECK(completed.completionLate.value == 1.0);  // operates in period 4, after 2 grace years, on every path
    CHECK(completed.sponsorPaid.value > 0.0);
}

TEST_CASE("Sizing with completion support: each period on the paths that operate by then") {
    // 4 paths, 3 periods, cash flow 100 (p + 1) + 10 i; operation from period 1, 1, 2, never (5);
    // path 3 is drawn a period late in the second case
    const std::size_t n = 4, periods = 3;
    std::vector<double> cash(periods * n);
    for (std::size_t i = 0; i < periods; ++i)
        for (std::size_t p = 0; p < n; ++p) cash[i * n + p] = 100.0 * static_cast<double>(p + 1) + 10.0 * static_cast<double>(i);
    std::vector<double> kpi(periods * n, NAN);
    std::vector<int> operation{1, 1, 2, 5};
    kp::LoanPathView view{n, n, cash.data(), kpi.data(), nullptr};
    view.operationPeriod = operation.data();
    const auto all = kp::sizingCashFlows(view, periods, NAN);
    const auto op = kp::sizingCashFlows(view, periods, NAN, true);
    REQUIRE(op.size() == periods);
    CHECK(all[0] == doctest::Approx(250).epsilon(1e-15));  // every path: (100 + 200 + 300 + 400) / 4
    CHECK(std::isnan(op[0]));                              // none operates in period 0
    CHECK(op[1] == doctest::Approx(160).epsilon(1e-15));   // paths 0, 1: (110 + 210) / 2
    CHECK(op[2] == doctest::Approx(220).epsilon(1e-15));   // paths 0-2: (120 + 220 + 320) / 3
    const auto median = kp::sizingCashFlows(view, periods, 0.5, true);  // order statistic ceil(n / 2)
    CHECK(median[1] == 110.0);
    CHECK(median[2] == 220.0);
    // without operation periods the flag is refused; without the flag they are ignored (bit for bit)
    kp::LoanPathView plain = view;
    plain.operationPeriod = nullptr;
    CHECK(kp::sizingCashFlows(plain, periods, NAN) == all);
    CHECK_THROWS_AS(kp::sizingCashFlows(plain, periods, NAN, true), kp::Error);
}

TEST_CASE("Completion support on a late grid: the sponsors carry the delay, the lender only operating risk") {
    // The synthetic plant with sigma 0 (deterministic prices), technology a built from 2028 (2 years)
    // behind a grid that arrives in 2030 (p 0.6), 2033 (p 0.25) or never (0.15): a operates from loan
    // period 4, 7 or never (12). A linear loan from 2026 over 12 years, 4 grace years funded. Without
    // completion support every late path defaults in period 4 (no cash flow, no reserve): PD =
    // 0.4 within 4 SE, in closed form. With it: no path defaults (exact), every path pays the bank
    // the whole contract (exact), the sponsors' payments average the closed form within 4 SE.
    kp::testing::Synthetic syn;
    kp::InvestmentProblem pr = syn.make();
    kp::ArrivalDistribution grid;
    grid.kind = kp::ArrivalDistribution::Kind::Discrete;
    grid.years = {2030, 2033};
    grid.probabilities = {0.6, 0.25};  // not 0.5: antithetic pairs (u, 1 - u) would make P(late) exact
    pr.arrivals = {grid};
    pr.project.technologies[0].infrastructure = {0};
    kp::InvestmentSettings s;
    s.paths = 4096, s.seed = 29, s.threads = 2, s.rules = 1;
    s.fixedPolicy = kp::FixedPolicy{0, 2028};
    kp::LoanRecording rec;
    rec.operationTechnology = 0;
    const std::size_t P = 12, n = s.paths;
    kp::LoanPathRecorder recorder(n, 0, std::vector<double>(P, 1.0), rec);
    kp::InvestmentLsm engine;
    kp::recordLoanCashFlows(engine, pr, s, recorder, true);
    const kp::LoanPathView view = recorder.view();
    kp::LoanTerms t = loan();
    t.amount = 2e8;
    t.startYear = 2026;
    t.tenorYears = 12;
    t.amortisation = kp::Amortisation::Linear;
    t.graceYears = 4;
    t.graceFunded = true;
    const kp::LoanSchedule sch = kp::buildLoanSchedule(t);
    auto due = [&](std::size_t i) { return sch.interest[i] + sch.fee[i] + sch.principal[i]; };
    for (std::size_t p = 0; p < n; ++p) {  // the recorded operation and the increment it starts
        CAPTURE(p);
        const int op = view.operationPeriod[p];
        REQUIRE((op == 4 || op == 7 || op == 12));
        for (std::size_t i = 0; i < P; ++i) {
            CAPTURE(i);
            const double cf = view.cashFlow[i * n + p];
            if (static_cast<int>(i) < op) REQUIRE(cf == 0.0);
            else REQUIRE(cf > due(i));  // the deterministic increment covers the debt service
        }
    }
    double sponsorRef = 0, late = 0, before = 0;  // closed forms over the grid's three outcomes
    for (const auto& [op, prob] : {std::pair{4, 0.6}, std::pair{7, 0.25}, std::pair{12, 0.15}}) {
        double paid = 0;
        for (int i = 0; i < op; ++i) paid += sch.discount[static_cast<std::size_t>(i)] * due(static_cast<std::size_t>(i));
        sponsorRef += prob * paid;
        late += op > 4 ? prob : 0.0;
        before += op == 4 ? prob * paid : 0.0;
    }
    CHECK(before > 0.0);
    const auto plain = kp::priceLoan(t, sch, {}, view, {true, 2}, true);
    CAPTURE(plain.pdCumulative.value); CAPTURE(plain.pdCumulative.stdError); CAPTURE(late); CAPTURE(kK);
    CAPTURE(s.seed);
    CHECK(std::abs(plain.pdCumulative.value - late) <= kK * plain.pdCumulative.stdError);
    CHECK(plain.pdCumulative.stdError > 0.0);
    for (std::size_t p = 0; p < n; ++p) {
        CAPTURE(p);
        REQUIRE(plain.defaultPeriod[p] == (view.operationPeriod[p] > 4 ? 4 : 12));
    }
    t.completionSupport = true;
    const auto completed = kp::priceLoan(t, sch, {}, view, {true, 2}, true);
    double contract = 0;
    for (std::size_t i = 0; i < P; ++i) contract += sch.discount[i] * due(i);
    CHECK(completed.pdCumulative.value == 0.0);
    CHECK(completed.expectedLoss.value == 0.0);
    CHECK(completed.value.value == doctest::Approx(contract).epsilon(1e-12));  // the whole contract on every path
    CHECK(completed.value.stdError == doctest::Approx(0.0).epsilon(1e-12).scale(contract));
    for (std::size_t p = 0; p < n; ++p) {
        CAPTURE(p);
        REQUIRE(completed.defaultPeriod[p] == 12);
        REQUIRE(completed.loss[p] == 0.0);
    }
    CAPTURE(completed.completionLate.value); CAPTURE(completed.completionLate.stdError);
    CHECK(std::abs(completed.completionLate.value - late) <= kK * completed.completionLate.stdError);
    CAPTURE(completed.sponsorPaid.value); CAPTURE(completed.sponsorPaid.stdError); CAPTURE(sponsorRef);
    CHECK(std::abs(completed.sponsorPaid.value - sponsorRef) <= kK * completed.sponsorPaid.stdError);
    // the same with the loan sized on the operating paths (1.3x on P50): the sized years start at
    // period 4 and the cash flows are those of the paths that operate, all deterministic
    const auto cfOp = kp::sizingCashFlows(view, P, 0.5, true);
    for (std::size_t i = 0; i < P; ++i) {
        CAPTURE(i);
        CHECK(std::isnan(cfOp[i]) == (i < 4));
        if (i >= 4) CHECK(cfOp[i] > 0.0);
    }
}

TEST_CASE("DSCR sizing: a higher minimum DSCR sizes less and does not raise the PD; P90 sizes no more than P50") {
    // per-path constant cash flows N(300, 100) (seed 5), an annuity over 6 years
    const std::size_t periods = 6;
    const Book book(20000, periods, 5);
    kp::LoanTerms unit = loan();
    unit.amount = 1.0;
    const kp::LoanSchedule s1 = kp::buildLoanSchedule(unit);
    const std::vector<double> p50 = kp::sizingCashFlows(book.view(), periods, 0.5);
    const std::vector<double> p90 = kp::sizingCashFlows(book.view(), periods, 0.1);  // exceeded on 90%: pNN -> 1 - NN/100
    REQUIRE(p50.size() == periods);
    for (std::size_t i = 0; i < periods; ++i) CHECK(p90[i] <= p50[i]);
    CHECK(kp::sizeToDscr(s1, 1.0, p90, 1.35) <= kp::sizeToDscr(s1, 1.0, p50, 1.35));
    double lastAmount = INFINITY;
    kp::Estimate lastPd{1.0, 0.0};
    double firstPd = NAN;
    for (double m : {1.1, 1.35, 1.6, 2.0}) {
        kp::LoanTerms t = loan();
        t.reserveYears = 0.5;  // a reserve and a sponsors' line, as the examples have
        t.sponsorSupport = 50;
        t.amount = kp::sizeToDscr(s1, 1.0, p50, m);
        const kp::LoanStatistics r = kp::priceLoan(t, kp::buildLoanSchedule(t), {}, book.view(), {true, 0});
        const double se = std::hypot(r.pdCumulative.stdError, lastPd.stdError);
        CAPTURE(m); CAPTURE(t.amount); CAPTURE(r.pdCumulative.value); CAPTURE(lastPd.value); CAPTURE(se);
        CHECK(t.amount < lastAmount);
        CHECK(r.pdCumulative.value <= lastPd.value + kK * se);
        lastAmount = t.amount, lastPd = r.pdCumulative;
        if (std::isnan(firstPd)) firstPd = r.pdCumulative.value;
    }
    CHECK(lastPd.value + kK * lastPd.stdError < firstPd);  // DSCR 2 against 1.1: clearly fewer defaults
}

}  // TEST_SUITE
