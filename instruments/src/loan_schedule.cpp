// The loan's contractual schedule, built with QuantLib (see loan.hpp). QuantLib is used here, once
// per loan before the simulation, never in the path loop (evaluateLoan works on the plain arrays).
#include <ql/cashflows/couponpricer.hpp>
#include <ql/cashflows/fixedratecoupon.hpp>
#include <ql/cashflows/iborcoupon.hpp>
#include <ql/indexes/ibor/euribor.hpp>
#include <ql/instruments/bonds/amortizingfixedratebond.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/yield/zerocurve.hpp>
#include <ql/termstructures/yield/zerospreadedtermstructure.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/time/calendars/target.hpp>
#include <ql/time/daycounters/actual360.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/time/daycounters/thirty360.hpp>
#include <ql/time/schedule.hpp>

#include <cmath>
#include <numeric>
#include <sstream>

#include "kp/core/errors.hpp"
#include "kp/instruments/loan.hpp"

namespace kp {

namespace ql = QuantLib;

std::string toString(Amortisation a) {
    switch (a) {
        case Amortisation::Bullet: return "bullet";
        case Amortisation::Linear: return "linear";
        case Amortisation::Annuity: return "annuity";
        default: return "schedule";
    }
}

namespace {

ql::Date januaryFirst(int year) { return ql::Date(1, ql::January, year); }

std::string isoDate(const ql::Date& d) {
    std::ostringstream os;
    os << d.year() << '-' << (static_cast<int>(d.month()) < 10 ? "0" : "") << static_cast<int>(d.month())
       << '-' << (d.dayOfMonth() < 10 ? "0" : "") << d.dayOfMonth();
    return os.str();
}

/// The base curve: zero rates (annual compounding, Act/365F) on 1 January of each given year,
/// linear in between, flat outside.
ql::Handle<ql::YieldTermStructure> baseCurve(const LoanTerms& t, const ql::Date& start) {
    std::vector<ql::Date> dates{start};
    std::vector<ql::Rate> rates{t.baseCurve.begin()->second};
    for (const auto& [year, rate] : t.baseCurve)
        if (januaryFirst(year) > start) dates.push_back(januaryFirst(year)), rates.push_back(rate);
    if (dates.size() == 1) dates.push_back(start + ql::Period(1, ql::Years)), rates.push_back(rates[0]);
    auto curve = ql::ext::make_shared<ql::ZeroCurve>(dates, rates, ql::Actual365Fixed(), ql::NullCalendar(),
                                                     ql::Linear(), ql::Compounded, ql::Annual);
    curve->enableExtrapolation();
    return ql::Handle<ql::YieldTermStructure>(curve);
}

/// Principal outstanding at the start of each period (size tenor + 1, the last 0). An annuity repays
/// level instalments of principal and interest after the grace period (QuantLib's sinkingNotionals).
std::vector<double> notionals(const LoanTerms& t, double annuityRate) {
    const auto n = static_cast<std::size_t>(t.tenorYears);
    const auto grace = static_cast<std::size_t>(t.graceYears);
    const std::size_t amortising = n - grace;
    std::vector<double> out(grace, t.amount);
    switch (t.amortisation) {
        case Amortisation::Bullet:
            out.assign(n, t.amount);
            out.push_back(0.0);
            return out;
        case Amortisation::Linear:
            for (std::size_t i = 0; i <= amortising; ++i)
                out.push_back(t.amount * (1.0 - static_cast<double>(i) / static_cast<double>(amortising)));
            return out;
        case Amortisation::Annuity: {
            const auto sinking = ql::sinkingNotionals(ql::Period(static_cast<int>(amortising), ql::Years),
                                                      ql::Annual, annuityRate, t.amount);
            out.insert(out.end(), sinking.begin(), sinking.end());
            return out;
        }
        case Amortisation::Custom: {
            double left = t.amount;
            out.assign(1, t.amount);
            for (double share : t.repaymentShares) out.push_back(left -= share * t.amount);
            out.back() = 0.0;  // the shares sum to 1 up to rounding
            return out;
        }
    }
    return out;
}

}  // namespace

LoanSchedule buildLoanSchedule(const LoanTerms& t) { return buildLoanSchedule(t, t.startYear); }

LoanSchedule buildLoanSchedule(const LoanTerms& t, int drawYear) {
    KP_REQUIRE(drawYear >= t.startYear, t.name, ": the draw year is ", drawYear, ", but must be at least start_year ",
               t.startYear);
    KP_REQUIRE(t.amount > 0 && std::isfinite(t.amount), t.name, ": amount is ", t.amount, ", but must be > 0");
    KP_REQUIRE(t.tenorYears >= 1 && t.tenorYears <= 60, t.name, ": tenor_years is ", t.tenorYears,
               ", but must be in [1, 60]");
    KP_REQUIRE(t.graceYears >= 0 && t.graceYears < t.tenorYears, t.name, ": grace_years is ", t.graceYears,
               ", but must be in [0, tenor_years)");
    KP_REQUIRE(!t.baseCurve.empty(), t.name, ": the base curve is empty, but must have at least one rate");
    KP_REQUIRE(t.amortisation != Amortisation::Custom ||
                   t.repaymentShares.size() == static_cast<std::size_t>(t.tenorYears),
               t.name, ": the repayment schedule has ", t.repaymentShares.size(),
               " entries, but must have one per year of the tenor (", t.tenorYears, ")");
    ql::SavedSettings restore;  // QuantLib's evaluation date is global: put it back on return
    // the curve as seen at the origination; a later draw (drawing on investment) starts its
    // schedule then, and its discount factors are from its drawdown
    const ql::Date origin = januaryFirst(t.startYear);
    const ql::Date start = januaryFirst(drawYear);
    const bool shifted = drawYear != t.startYear;
    // a month before the origination, so that the first Euribor fixing (two TARGET days before the
    // start) is a forecast from the curve, not a missing historical fixing
    ql::Settings::instance().evaluationDate() = origin - ql::Period(1, ql::Months);
    const ql::Handle<ql::YieldTermStructure> curve = baseCurve(t, origin);
    const ql::Date maturity = januaryFirst(drawYear + t.tenorYears);

    LoanSchedule s;
    // an annuity is sized at signing with the all-in rate: fixed + margin, or the par-like zero
    // rate of the base curve to maturity + margin for a floating loan
    const double parRate =
        shifted ? curve->forwardRate(start, maturity, ql::Actual365Fixed(), ql::Compounded, ql::Annual).rate()
                : curve->zeroRate(maturity, ql::Actual365Fixed(), ql::Compounded, ql::Annual).rate();
    s.annuityRate = (t.floating ? parRate : t.fixedRate) + t.margin;
    const std::vector<double> N = notionals(t, s.annuityRate);
    const std::vector<double> couponNotionals(N.begin(), N.end() - 1);

    const ql::Schedule schedule(start, maturity, ql::Period(ql::Annual), ql::TARGET(), ql::Unadjusted,
                                ql::Unadjusted, ql::DateGeneration::Forward, false);
    ql::Leg leg;
    if (t.floating) {
        auto index = ql::ext::make_shared<ql::Euribor>(ql::Period(1, ql::Years), curve);
        leg = ql::IborLeg(schedule, index)
                  .withNotionals(couponNotionals)
                  .withSpreads(t.margin)
                  .withPaymentDayCounter(ql::Actual360())
                  .withPaymentAdjustment(ql::Following);
    } else {
        leg = ql::FixedRateLeg(schedule)
                  .withNotionals(couponNotionals)
                  .withCouponRates(t.fixedRate + t.margin, ql::Thirty360(ql::Thirty360::BondBasis))
                  .withPaymentAdjustment(ql::Following);
    }
    // the required return as a spread on the same curve (annual compounding, like the zero rates)
    const ql::Handle<ql::Quote> spread(ql::ext::make_shared<ql::SimpleQuote>(t.requiredReturn));
    const ql::ZeroSpreadedTermStructure hurdle(curve, spread, ql::Compounded, ql::Annual);
    if (shifted) s.drawDiscount = curve->discount(start), s.drawHurdleDiscount = hurdle.discount(start);
    for (std::size_t i = 0; i < leg.size(); ++i) {
        const auto coupon = ql::ext::dynamic_pointer_cast<ql::Coupon>(leg[i]);
        KP_REQUIRE(coupon != nullptr, t.name, ": QuantLib built a cash flow that is not a coupon");
        const ql::Date pay = coupon->date();
        const double tau = coupon->accrualPeriod();
        s.years.push_back(drawYear + static_cast<int>(i));
        s.paymentDates.push_back(isoDate(pay));
        s.paymentTime.push_back(ql::Actual365Fixed().yearFraction(start, pay));
        s.outstanding.push_back(coupon->nominal());
        s.principal.push_back(N[i] - N[i + 1]);
        s.accrual.push_back(tau);
        s.baseRate.push_back(coupon->rate() - t.margin);
        s.interest.push_back(coupon->amount());
        s.fee.push_back(coupon->nominal() * tau * t.annualFee);
        s.discount.push_back(shifted ? curve->discount(pay) / s.drawDiscount : curve->discount(pay));
        s.hurdleDiscount.push_back(shifted ? hurdle.discount(pay) / s.drawHurdleDiscount : hurdle.discount(pay));
        const ql::Date recovered = pay + ql::Period(t.recoveryLagYears, ql::Years);
        s.lagFactor.push_back(curve->discount(recovered) / curve->discount(pay));
    }
    KP_REQUIRE(s.periods() == static_cast<std::size_t>(t.tenorYears), t.name, ": QuantLib's schedule has ",
               s.periods(), " periods, but must have tenor_years = ", t.tenorYears);
    return s;
}

}  // namespace kp
