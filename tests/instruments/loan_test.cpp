//! \brief Tests the loan instrument (instruments/loan.hpp): the QuantLib-built schedule (bullet,
//! linear, annuity with level payments, a custom schedule, grace years, coupons equal to outstanding x
//! accrual x rate) and the per-path rules on deterministic cash flows, asserted exactly: ample cash
//! never defaults and the bank receives the contractual flows; a cash flow that falls short defaults
//! in the year it does (and the reserve and the sponsors' line delay it by what they hold); an uncured
//! covenant breach defaults after cureYears; a closure accelerates the loan; a full guarantee leaves no
//! loss; the ratchet moves the bank's value in the direction of its steps. No random numbers.

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

}  // TEST_SUITE
