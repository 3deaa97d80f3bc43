//! \brief Tests the loan instrument (instruments/loan.hpp): the QuantLib-built schedule (bullet,
//! linear, annuity with level payments, a custom schedule, grace years, coupons equal to outstanding x
//! accrual x rate) and the per-path rules on deterministic cash flows, asserted exactly: ample cash
//! never defaults and the bank receives the contractual flows; a cash flow that falls short defaults
//! in the year it does (and the reserve and the sponsors' line delay it by what they hold); an uncured
//! covenant breach defaults after cureYears; a closure accelerates the loan; a full guarantee leaves no
//! loss; the ratchet moves the bank's value in the direction of its steps; the DSCR sizing on a fixed
//! cash-flow vector (hand-computed); paths that never draw carry no exposure; a later draw uses its
//! own schedule; the collateral equals the plant's value on a constructed path; grace years funded
//! outside the cash flow (interest during construction) neither default nor breach, and sizing skips
//! them; with completion support, a path whose plant starts late does not default before it operates
//! (the sponsors pay, and what they pay is counted), defaults in its first operating year when its
//! cash flow then falls short, and nothing changes, bit for bit, without the key. No random numbers.

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "kp/core/errors.hpp"
#include "kp/instruments/loan.hpp"

namespace {

kp::LoanTerms fixedLoan() {
    kp::LoanTerms t;
    t.name = "test";
    t.amount = 1000;
    t.startYear = 2030;
    t.tenorYears = 5;
    t.amortisation = kp::Amortisation::Linear;
    t.fixedRate = 0.03;
    t.margin = 0.02;
    t.baseCurve = {{2030, 0.03}};
    return t;
}

/// Deterministic paths: every path has the cash flow cf[i] in period i.
struct Paths {
    std::size_t n;
    std::vector<double> cash, kpi;
    std::vector<int> close;
    Paths(std::size_t paths, const std::vector<double>& cf, double intensity = NAN)
        : n(paths), cash(cf.size() * paths), kpi(cf.size() * paths, intensity), close(paths, 1000) {
        for (std::size_t i = 0; i < cf.size(); ++i)
            for (std::size_t p = 0; p < n; ++p) cash[i * n + p] = cf[i];
    }
    kp::LoanPathView view() const { return {n, n, cash.data(), kpi.data(), close.data()}; }
};

struct Outcome {
    int period;
    double exposure, loss, value;
};

Outcome evaluate(const kp::LoanTerms& t, const Paths& paths, kp::LoanVariant v = {}) {
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    std::vector<int> d(paths.n);
    std::vector<double> ead(paths.n), lad(paths.n), loss(paths.n), value(paths.n), hurdle(paths.n);
    kp::evaluateLoan(t, s, v, paths.view(), 0, paths.n,
                     {d.data(), ead.data(), lad.data(), loss.data(), value.data(), hurdle.data()});
    for (std::size_t p = 1; p < paths.n; ++p) REQUIRE(value[p] == value[0]);  // same inputs, same result
    return {d[0], ead[0], loss[0], value[0]};
}

}  // namespace

TEST_SUITE("instruments") {

TEST_CASE("Linear schedule: equal principal, coupons = outstanding x 30/360 accrual x (rate + margin)") {
    const kp::LoanTerms t = fixedLoan();
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    REQUIRE(s.periods() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(s.years[i] == 2030 + static_cast<int>(i));
        CHECK(s.principal[i] == doctest::Approx(200).epsilon(1e-12));
        CHECK(s.outstanding[i] == doctest::Approx(1000 - 200.0 * static_cast<double>(i)).epsilon(1e-12));
        CHECK(s.accrual[i] == doctest::Approx(1.0).epsilon(1e-12));  // 30/360 bond basis, 1 Jan to 1 Jan
        CHECK(s.interest[i] == doctest::Approx(s.outstanding[i] * 0.05).epsilon(1e-12));
        CHECK(s.discount[i] < 1.0);
    }
    CHECK(s.paymentDates[0] == "2031-01-02");  // 1 January is a TARGET holiday: the following business day
}

TEST_CASE("Annuity after a grace period: interest only, then level payments of principal and interest") {
    kp::LoanTerms t = fixedLoan();
    t.amortisation = kp::Amortisation::Annuity;
    t.tenorYears = 8;
    t.graceYears = 2;
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    CHECK(s.principal[0] == 0);
    CHECK(s.principal[1] == 0);
    const double payment = s.principal[2] + s.interest[2];
    // the annuity factor: amount x r / (1 - (1 + r)^-6), r = 5%
    CHECK(payment == doctest::Approx(1000 * 0.05 / (1 - std::pow(1.05, -6))).epsilon(1e-9));
    for (std::size_t i = 3; i < 8; ++i) CHECK(s.principal[i] + s.interest[i] == doctest::Approx(payment).epsilon(1e-9));
    CHECK(std::accumulate(s.principal.begin(), s.principal.end(), 0.0) == doctest::Approx(1000).epsilon(1e-12));
}

TEST_CASE("Bullet, custom schedule and a floating loan on the curve's forwards") {
    kp::LoanTerms t = fixedLoan();
    t.amortisation = kp::Amortisation::Bullet;
    auto s = kp::buildLoanSchedule(t);
    CHECK(s.principal[4] == 1000);
    CHECK(s.principal[0] == 0);
    t.amortisation = kp::Amortisation::Custom;
    t.repaymentShares = {0.1, 0.1, 0.2, 0.2, 0.4};
    s = kp::buildLoanSchedule(t);
    CHECK(s.principal[4] == doctest::Approx(400).epsilon(1e-12));
    t.floating = true;
    t.baseCurve = {{2030, 0.02}, {2034, 0.04}};
    s = kp::buildLoanSchedule(t);
    CHECK(s.baseRate[4] > s.baseRate[0]);  // an upward curve: rising Euribor forwards
    for (std::size_t i = 0; i < 5; ++i)
        CHECK(s.interest[i] == doctest::Approx(s.outstanding[i] * s.accrual[i] * (s.baseRate[i] + 0.02)).epsilon(1e-10));
    t.repaymentShares.pop_back();
    CHECK_THROWS_AS(kp::buildLoanSchedule(t), kp::InvalidInput);
    t = fixedLoan();
    t.graceYears = 5;
    CHECK_THROWS_AS(kp::buildLoanSchedule(t), kp::InvalidInput);
}

TEST_CASE("No uncertainty and ample cash flow: never defaults, the bank receives the contract") {
    kp::LoanTerms t = fixedLoan();
    t.upfrontFee = 0.01;
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    const Outcome o = evaluate(t, Paths(8, std::vector<double>(5, 1e6)));
    CHECK(o.period == 5);
    CHECK(o.loss == 0);
    double pv = 10;
    for (std::size_t i = 0; i < 5; ++i) pv += s.discount[i] * (s.interest[i] + s.principal[i]);
    CHECK(o.value == doctest::Approx(pv).epsilon(1e-12));
}

TEST_CASE("A deterministic shortfall defaults in its year; reserve and sponsors delay it exactly") {
    kp::LoanTerms t = fixedLoan();
    t.unsecuredRecovery = 0.4;
    t.recoveryLagYears = 0;
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    // enough in 2030 and 2031, nothing from 2032 on
    const Paths paths(4, {1e6, 1e6, 0, 0, 0});
    Outcome o = evaluate(t, paths);
    CHECK(o.period == 2);
    CHECK(o.exposure == doctest::Approx(s.outstanding[2] + s.interest[2]).epsilon(1e-12));
    CHECK(o.loss == doctest::Approx(s.discount[2] * 0.6 * o.exposure).epsilon(1e-12));
    // a sponsors' line of exactly the 2032 debt service pays 2032; 2033 defaults
    t.sponsorSupport = s.interest[2] + s.principal[2];
    o = evaluate(t, paths);
    CHECK(o.period == 3);
    // a full guarantee: the default stays, the bank loses nothing
    t.guaranteeShare = 1.0;
    o = evaluate(t, paths);
    CHECK(o.period == 3);
    CHECK(o.loss == 0);
}

TEST_CASE("Covenant: an uncured breach defaults after cure_years; a closure accelerates the loan") {
    kp::LoanTerms t = fixedLoan();
    t.minDscr = 1.5;
    t.cureYears = 1;
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    // the debt service is paid every year, but at DSCR 1.2 from 2031 on
    std::vector<double> cf(5);
    for (std::size_t i = 0; i < 5; ++i) cf[i] = (i == 0 ? 2.0 : 1.2) * (s.interest[i] + s.principal[i]);
    Outcome o = evaluate(t, Paths(2, cf));
    CHECK(o.period == 2);  // breaches in 2031 and 2032: the second is not cured
    CHECK(o.exposure == doctest::Approx(s.outstanding[2] - s.principal[2]).epsilon(1e-12));
    // closure in 2032 with enough exit proceeds: repaid in full, no default
    t.minDscr = 0;
    Paths closing(2, {1e6, 1e6, 1e6, 0, 0});
    closing.close.assign(2, 2);
    o = evaluate(t, closing);
    CHECK(o.period == 5);
    double pv = 0;
    for (std::size_t i = 0; i < 2; ++i) pv += s.discount[i] * (s.interest[i] + s.principal[i]);
    pv += s.discount[2] * (s.interest[2] + s.outstanding[2]);
    CHECK(o.value == doctest::Approx(pv).epsilon(1e-12));
}

TEST_CASE("Ratchet: a met target cuts the margin, a missed one raises it, by the step") {
    kp::LoanTerms t = fixedLoan();
    t.kpiTarget = {{2030, 0.5}};
    t.ratchetStepDown = 0.001;
    t.ratchetStepUp = 0.002;
    const std::vector<double> ample(5, 1e6);
    const double plain = evaluate(t, Paths(2, ample), {true, false}).value;
    const double met = evaluate(t, Paths(2, ample, 0.2)).value;
    const double missed = evaluate(t, Paths(2, ample, 0.9)).value;
    CHECK(met < plain);
    CHECK(missed > plain);
    t.ratchetStepUp = 0.004;  // a larger step up: the bank receives more when the target is missed
    CHECK(evaluate(t, Paths(2, ample, 0.9)).value > missed);
    // nothing produced: no test, the contractual margin
    CHECK(evaluate(t, Paths(2, ample, NAN)).value == plain);
}


TEST_CASE("DSCR sizing on a fixed cash-flow vector: the largest amount every period covers (hand-computed)") {
    kp::LoanTerms t = fixedLoan();
    t.amortisation = kp::Amortisation::Bullet;
    t.tenorYears = 3;
    t.fixedRate = 0.05;
    t.margin = 0.0;
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);  // per 1000: 50, 50, 1050 (30/360, full years)
    // bullet: 10 / (1.25 x 0.05) = 160 in the first two years, 110 / (1.25 x 1.05) = 83.8095... in the last
    CHECK(kp::sizeToDscr(s, t.amount, {10, 10, 110}, 1.25) == doctest::Approx(110.0 / (1.25 * 1.05)).epsilon(1e-12));
    // a thin first year binds instead: 2 / (1.25 x 0.05) = 32
    CHECK(kp::sizeToDscr(s, t.amount, {2, 10, 110}, 1.25) == doctest::Approx(32.0).epsilon(1e-12));
    // a loss-making year: nothing can be lent
    CHECK(kp::sizeToDscr(s, t.amount, {-1, 10, 110}, 1.25) == 0.0);
    // linear over 2 years at 5%: per unit 0.5 + 0.05 = 0.55 and 0.5 + 0.025 = 0.525; at DSCR 1:
    // min(110 / 0.55, 52.5 / 0.525) = min(200, 100) = 100
    t.amortisation = kp::Amortisation::Linear;
    t.tenorYears = 2;
    CHECK(kp::sizeToDscr(kp::buildLoanSchedule(t), t.amount, {110, 52.5}, 1.0) == doctest::Approx(100.0).epsilon(1e-12));
    // the sized loan meets its DSCR in every period: DS_i(A) x 1.25 <= CF_i
    t.amortisation = kp::Amortisation::Annuity;
    t.tenorYears = 5;
    const std::vector<double> cf{80, 90, 100, 70, 95};
    t.amount = kp::sizeToDscr(kp::buildLoanSchedule(t), t.amount, cf, 1.25);
    const kp::LoanSchedule sized = kp::buildLoanSchedule(t);
    double slack = 1e300;
    for (std::size_t i = 0; i < 5; ++i)
        slack = std::min(slack, cf[i] - 1.25 * (sized.interest[i] + sized.fee[i] + sized.principal[i]));
    CHECK(slack == doctest::Approx(0.0).scale(100));  // binding in one period, to rounding
    CHECK(slack > -1e-9);
}

TEST_CASE("Drawn on investment: paths that never draw carry no exposure; a later draw uses its schedule") {
    kp::LoanTerms t = fixedLoan();
    // 4 paths, 7 periods from 2030: path 0 never draws, 1 draws in 2030, 2 in 2031, 3 never; no cash
    // at all, so a drawn path defaults in its first period
    const std::size_t n = 4, periods = 7;
    std::vector<double> cash(periods * n, 0.0), kpi(periods * n, NAN);
    std::vector<int> close(n, 1000), draw{-1, 0, 1, -1};
    kp::LoanPathView view{n, n, cash.data(), kpi.data(), close.data()};
    view.drawPeriod = draw.data();
    view.periods = periods;
    const std::vector<kp::LoanSchedule> schedules{kp::buildLoanSchedule(t, 2030), kp::buildLoanSchedule(t, 2031)};
    CHECK(schedules[1].years[0] == 2031);
    CHECK(schedules[1].drawDiscount == doctest::Approx(1 / 1.03).epsilon(1e-12));  // flat 3% curve, one year
    std::vector<int> d(n);
    std::vector<double> ead(n), lad(n), loss(n), value(n), hurdle(n), lent(n);
    kp::evaluateLoan(t, schedules, {}, view, 0, n,
                     {d.data(), ead.data(), lad.data(), loss.data(), value.data(), hurdle.data(), lent.data()});
    for (std::size_t p : {0, 3}) {
        CAPTURE(p);
        CHECK(d[p] == static_cast<int>(periods));  // no default
        CHECK(ead[p] == 0.0);
        CHECK(loss[p] == 0.0);
        CHECK(value[p] == 0.0);
        CHECK(lent[p] == 0.0);
    }
    CHECK(d[1] == 0);
    CHECK(d[2] == 1);  // the first period of a loan drawn in 2031
    CHECK(ead[1] == doctest::Approx(1000 * 1.05).epsilon(1e-12));  // unpaid interest + outstanding
    CHECK(ead[2] == doctest::Approx(ead[1]).epsilon(1e-12));
    // PV at the origination: the later loan's loss is discounted one more year
    CHECK(loss[2] == doctest::Approx(loss[1] * schedules[1].drawDiscount).epsilon(1e-9));
    CHECK(lent[1] == 1000.0);
    CHECK(lent[2] == doctest::Approx(1000 * schedules[1].drawHurdleDiscount).epsilon(1e-12));
}

TEST_CASE("Collateral from the plant's value: the recovery is the plant's value on the path (wrong-way risk)") {
    kp::LoanTerms t = fixedLoan();
    t.amortisation = kp::Amortisation::Bullet;
    t.collateralFromPlant = true;
    t.collateralPlantShare = 1.0;
    t.recoveryLagYears = 0;  // recovered at the default: DF ratio 1
    // 4 paths that all default in period 0 (no cash); the plant is worth 400, -50 (floored at 0),
    // 5000 (more than the exposure) and 400 again with half of it pledged
    const std::size_t n = 4, periods = 5;
    std::vector<double> cash(periods * n, 0.0), kpi(periods * n, NAN), plant(periods * n, 0.0);
    std::vector<int> close(n, 1000);
    const double worth[n] = {400, -50, 5000, 400};
    for (std::size_t p = 0; p < n; ++p) plant[p] = worth[p];
    kp::LoanPathView view{n, n, cash.data(), kpi.data(), close.data()};
    view.plantValue = plant.data();
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    const double ead = 1000 * 1.05;
    std::vector<int> d(n);
    std::vector<double> e(n), lad(n), loss(n), value(n), hurdle(n);
    kp::evaluateLoan(t, s, {}, view, 0, 3, {d.data(), e.data(), lad.data(), loss.data(), value.data(), hurdle.data()});
    t.collateralPlantShare = 0.5;
    kp::evaluateLoan(t, s, {}, view, 3, 1, {d.data(), e.data(), lad.data(), loss.data(), value.data(), hurdle.data()});
    for (std::size_t p = 0; p < n; ++p) REQUIRE(d[p] == 0);
    CHECK(e[0] == doctest::Approx(ead).epsilon(1e-12));
    CHECK(lad[0] == doctest::Approx(ead - 400).epsilon(1e-12));
    CHECK(lad[1] == doctest::Approx(ead).epsilon(1e-12));  // a plant worth less than nothing recovers nothing
    CHECK(lad[2] == 0.0);                                    // the plant covers the exposure
    CHECK(lad[3] == doctest::Approx(ead - 200).epsilon(1e-12));
    // the same with the fixed collateral of 400: the recovery no longer depends on the path
    kp::LoanTerms f = fixedLoan();
    f.amortisation = kp::Amortisation::Bullet;
    f.collateralValue = 400;
    f.recoveryLagYears = 0;
    kp::evaluateLoan(f, s, {}, view, 0, n, {d.data(), e.data(), lad.data(), loss.data(), value.data(), hurdle.data()});
    for (std::size_t p = 0; p < n; ++p) CHECK(lad[p] == doctest::Approx(ead - 400).epsilon(1e-12));
}

TEST_CASE("Grace years funded outside the cash flow: no default or breach in them; sizing skips them") {
    // 2 grace years with no cash flow (the investment is being built), then ample cash
    kp::LoanTerms t = fixedLoan();
    t.graceYears = 2;
    t.minDscr = 1.2;
    const Paths paths(2, {0, 0, 500, 500, 500});
    CHECK(evaluate(t, paths).period == 0);  // served by the cash flow: nothing to pay the interest with
    t.graceFunded = true;
    const Outcome funded = evaluate(t, paths);
    CHECK(funded.period == 5);  // paid by the sponsors, then served: no default
    CHECK(funded.loss == 0.0);
    // the bank receives the whole contract, as with ample cash in every year
    t.graceFunded = false;
    const Outcome ample = evaluate(t, Paths(2, {500, 500, 500, 500, 500}));
    CHECK(funded.value == doctest::Approx(ample.value).epsilon(1e-12));
    // sizing from the first repayment year: the zero cash flows of the grace years do not bind
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    CHECK(kp::sizeToDscr(s, t.amount, {0, 0, 500, 500, 500}, 1.2) == 0.0);
    const double sized = kp::sizeToDscr(s, t.amount, {0, 0, 500, 500, 500}, 1.2, 2);
    double bind = INFINITY;  // by hand: min over the repayment years of CF / (m x DS per unit lent)
    for (std::size_t i = 2; i < 5; ++i)
        bind = std::min(bind, 500 / (1.2 * (s.interest[i] + s.fee[i] + s.principal[i]) / t.amount));
    CHECK(sized == doctest::Approx(bind).epsilon(1e-12));
}

TEST_CASE("Completion support: no default before the financed plant operates, operating risk after") {
    // a linear loan of 1000 over 5 years (200 a year + 5% interest), 1 grace year funded; 4 paths
    // whose plant operates from period 1 (on time), 3 (late), never (5: past the tenor), 2 (late,
    // then earns nothing); the cash flow is 0 before operation and 500 after (path 3: 0 throughout)
    kp::LoanTerms t = fixedLoan();
    t.graceYears = 1;
    t.graceFunded = true;
    const std::size_t n = 4, periods = 5;
    const int operates[n] = {1, 3, 5, 2};
    std::vector<double> cash(periods * n, 0.0), kpi(periods * n, NAN);
    std::vector<int> close(n, 1000), operation(operates, operates + n);
    for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t i = static_cast<std::size_t>(std::min(operates[p], 5)); i < periods; ++i) cash[i * n + p] = 500;
    kp::LoanPathView view{n, n, cash.data(), kpi.data(), close.data()};
    view.operationPeriod = operation.data();
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    struct Run {
        std::vector<int> d;
        std::vector<double> ead, lad, loss, value, hurdle, lent, sponsor;
        Run() : d(4), ead(4), lad(4), loss(4), value(4), hurdle(4), lent(4), sponsor(4) {}
        kp::LoanOutcomes out() {
            return {d.data(), ead.data(), lad.data(), loss.data(), value.data(), hurdle.data(), lent.data(), sponsor.data()};
        }
    };
    // without the key: the late plants leave the first repayment (period 1) unpaid
    Run without, withoutView;
    kp::evaluateLoan(t, s, {}, view, 0, n, without.out());
    CHECK(without.d == std::vector<int>{5, 1, 1, 1});
    // bit for bit: the operation periods are ignored without completion support
    kp::LoanPathView plain = view;
    plain.operationPeriod = nullptr;
    kp::evaluateLoan(t, s, {}, plain, 0, n, withoutView.out());
    CHECK(without.d == withoutView.d);
    CHECK(without.value == withoutView.value);
    CHECK(without.loss == withoutView.loss);
    CHECK(without.sponsor == withoutView.sponsor);
    // with it: the sponsors serve the debt until the plant operates
    t.completionSupport = true;
    Run with;
    kp::evaluateLoan(t, s, {}, view, 0, n, with.out());
    CHECK(with.d == std::vector<int>{5, 5, 5, 2});  // path 3 defaults in its first operating year
    auto due = [&](std::size_t i) { return s.interest[i] + s.fee[i] + s.principal[i]; };
    double contract = t.upfrontFee * t.amount;
    for (std::size_t i = 0; i < periods; ++i) contract += s.discount[i] * due(i);
    for (std::size_t p = 0; p < 3; ++p) {
        CAPTURE(p);
        CHECK(with.loss[p] == 0.0);
        CHECK(with.value[p] == doctest::Approx(contract).epsilon(1e-12));  // the whole contract is paid
        double sponsor = 0;  // by hand: what falls due before the plant operates (at least the grace year)
        for (std::size_t i = 0; i < static_cast<std::size_t>(std::max(1, std::min(operates[p], 5))); ++i)
            sponsor += s.discount[i] * due(i);
        CHECK(with.sponsor[p] == doctest::Approx(sponsor).epsilon(1e-12));
    }
    CHECK(with.sponsor[0] < with.sponsor[1]);
    CHECK(with.ead[3] == doctest::Approx(s.outstanding[2] * 1.05).epsilon(1e-12));  // 600 + its interest unpaid
    // a completion guarantee needs the operation periods
    CHECK_THROWS_AS(kp::evaluateLoan(t, s, {}, plain, 0, n, with.out()), kp::Error);
}

TEST_CASE("Completion support: a closure before completion is repaid by the sponsors, after it is the lender's") {
    // the linear loan of 1000 over 5 years; no cash flow on either path. Path 0 closes in period 2
    // and never operates: without support it defaults in period 0; with it the sponsors pay periods
    // 0-1 and the accelerated outstanding in period 2 (by hand), the bank loses nothing. Path 1
    // operates from period 1 and closes in period 3: the lender's risk from period 1 (defaults then).
    kp::LoanTerms t = fixedLoan();
    t.upfrontFee = 0.01;
    const std::size_t n = 2, periods = 5;
    std::vector<double> cash(periods * n, 0.0), kpi(periods * n, NAN);
    std::vector<int> close{2, 3}, operation{5, 1};
    kp::LoanPathView view{n, n, cash.data(), kpi.data(), close.data()};
    view.operationPeriod = operation.data();
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    std::vector<int> d(n);
    std::vector<double> ead(n), lad(n), loss(n), value(n), hurdle(n), lent(n), sponsor(n);
    const kp::LoanOutcomes out{d.data(), ead.data(), lad.data(), loss.data(), value.data(), hurdle.data(), lent.data(),
                               sponsor.data()};
    kp::evaluateLoan(t, s, {}, view, 0, n, out);
    CHECK(d == std::vector<int>{0, 0});  // no cash flow, no reserve: the first debt service is missed
    t.completionSupport = true;
    kp::evaluateLoan(t, s, {}, view, 0, n, out);
    CHECK(d == std::vector<int>{5, 1});
    const double paid = s.discount[0] * (s.interest[0] + s.fee[0] + s.principal[0]) +
                        s.discount[1] * (s.interest[1] + s.fee[1] + s.principal[1]) +
                        s.discount[2] * (s.interest[2] + s.fee[2] + s.outstanding[2]);  // accelerated
    CHECK(loss[0] == 0.0);
    CHECK(ead[0] == 0.0);
    CHECK(sponsor[0] == doctest::Approx(paid).epsilon(1e-12));
    CHECK(value[0] == doctest::Approx(t.upfrontFee * t.amount + paid).epsilon(1e-12));
    // path 1: the sponsors pay period 0 only; period 1's debt service is due from a cash flow of 0
    CHECK(sponsor[1] == doctest::Approx(s.discount[0] * (s.interest[0] + s.fee[0] + s.principal[0])).epsilon(1e-12));
    CHECK(ead[1] == doctest::Approx(s.interest[1] + s.outstanding[1]).epsilon(1e-12));
    CHECK(loss[1] > 0.0);
}

TEST_CASE("Sizing skips the periods no path operates in (completion support)") {
    // the linear loan of 1000: DS_i(1) = 0.2 + 0.05 x outstanding share; periods 0-1 NaN (the
    // sponsors serve them), so the binding period is the first sized one with the smallest cover
    const kp::LoanTerms t = fixedLoan();
    const kp::LoanSchedule s = kp::buildLoanSchedule(t);
    const std::vector<double> cf{NAN, NAN, 300, 300, 300};
    double bind = INFINITY;
    for (std::size_t i = 2; i < 5; ++i)
        bind = std::min(bind, cf[i] / (1.3 * (s.interest[i] + s.fee[i] + s.principal[i]) / t.amount));
    CHECK(kp::sizeToDscr(s, t.amount, cf, 1.3, 0) == doctest::Approx(bind).epsilon(1e-12));
    CHECK(bind == doctest::Approx(300 / (1.3 * (0.2 + 0.05 * 0.6))).epsilon(1e-12));  // period 2: 600 outstanding
    CHECK(kp::sizeToDscr(s, t.amount, std::vector<double>(5, NAN), 1.3, 0) == 0.0);  // nothing to size on
}

}  // TEST_SUITE
