#include "kp/oracles/quantlib_references.hpp"

#include <kp/core/errors.hpp>

#include <ql/exercise.hpp>
#include <ql/instruments/payoffs.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/math/randomnumbers/rngtraits.hpp>
#include <ql/pricingengines/vanilla/fdblackscholesvanillaengine.hpp>
#include <ql/pricingengines/vanilla/mcamericanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/settings.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/nullcalendar.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace kp {

namespace {

namespace ql = QuantLib;

/// Largest number of days the rescaled clock may span (QuantLib dates end in 2199; we start in 2000).
constexpr int kMaxDays = 50000;

/// The rescaled clock of the file comment in quantlib_references.hpp: every exercise period is
/// `daysPerPeriod` whole days and one caller year is `scale` model years.
struct Clock {
    int daysPerPeriod;
    int periods;
    double scale;  ///< s = periods * daysPerPeriod / (365 T)
};

Clock makeClock(double maturity, int periods) {
    const double idealDays = 365.0 * maturity / periods;
    const int maxDays = kMaxDays / periods;
    const int days = static_cast<int>(std::clamp(std::lround(idealDays), 1L, long{maxDays}));
    return {days, periods, static_cast<double>(periods) * days / (365.0 * maturity)};
}

/// Evaluation date of every QuantLib calculation here: any fixed date works (flat curves).
ql::Date referenceDate() { return ql::Date(3, ql::January, 2000); }

/// Flat Black-Scholes process in model units (rates and vol already rescaled).
ql::ext::shared_ptr<ql::GeneralizedBlackScholesProcess> flatProcess(double spot, double rate,
                                                                     double dividend, double vol) {
    const ql::Date today = referenceDate();
    const ql::DayCounter dc = ql::Actual365Fixed();
    ql::Handle<ql::Quote> s0(ql::ext::make_shared<ql::SimpleQuote>(spot));
    ql::Handle<ql::YieldTermStructure> r(ql::ext::make_shared<ql::FlatForward>(today, rate, dc));
    ql::Handle<ql::YieldTermStructure> q(
        ql::ext::make_shared<ql::FlatForward>(today, dividend, dc));
    ql::Handle<ql::BlackVolTermStructure> v(
        ql::ext::make_shared<ql::BlackConstantVol>(today, ql::NullCalendar(), vol, dc));
    return ql::ext::make_shared<ql::BlackScholesMertonProcess>(s0, q, r, v);
}

void checkCommon(const char* where, double spot, double strike, double rate, double vol,
                 double maturity) {
    KP_REQUIRE(std::isfinite(spot) && spot > 0.0, where, ": spot is ", spot,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(strike) && strike > 0.0, where, ": strike is ", strike,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(rate), where, ": rate is ", rate, ", but must be finite");
    KP_REQUIRE(std::isfinite(vol) && vol > 0.0, where, ": vol is ", vol,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(maturity) && maturity > 0.0, where, ": maturity is ", maturity,
               ", but must be finite and > 0 (years)");
}

void checkGrid(const char* where, int timeSteps, int gridPoints) {
    KP_REQUIRE(timeSteps >= 10, where, ": timeSteps is ", timeSteps, ", but must be >= 10");
    KP_REQUIRE(gridPoints >= 10, where, ": gridPoints is ", gridPoints, ", but must be >= 10");
}

void checkExercises(const char* where, int exercises) {
    KP_REQUIRE(exercises >= 1 && exercises <= kMaxDays, where, ": exercises is ", exercises,
               ", but must be in [1, ", kMaxDays, "]");
}

std::vector<ql::Date> exerciseDates(const Clock& clock) {
    std::vector<ql::Date> dates;
    dates.reserve(static_cast<std::size_t>(clock.periods));
    for (int i = 1; i <= clock.periods; ++i)
        dates.push_back(referenceDate() + i * clock.daysPerPeriod);
    return dates;
}

/// Prices a put with the given exercise in the rescaled clock by the FD engine.
double putFd(double spot, double strike, double rate, double dividend, double vol,
             const Clock& clock, const ql::ext::shared_ptr<ql::Exercise>& exercise, int timeSteps,
             int gridPoints) {
    // QuantLib's evaluation date is a global: set it here, restore the caller's on return.
    ql::SavedSettings restoreSettings;
    ql::Settings::instance().evaluationDate() = referenceDate();

    const double s = clock.scale;
    auto process = flatProcess(spot, rate / s, dividend / s, vol / std::sqrt(s));
    ql::VanillaOption option(ql::ext::make_shared<ql::PlainVanillaPayoff>(ql::Option::Put, strike),
                             exercise);
    option.setPricingEngine(ql::ext::make_shared<ql::FdBlackScholesVanillaEngine>(
        process, static_cast<ql::Size>(timeSteps), static_cast<ql::Size>(gridPoints)));
    return option.NPV();
}

}  // namespace

std::vector<double> bermudanExerciseTimes(double maturity, int exercises) {
    constexpr const char* where = "bermudanExerciseTimes";
    KP_REQUIRE(std::isfinite(maturity) && maturity > 0.0, where, ": maturity is ", maturity,
               ", but must be finite and > 0 (years)");
    checkExercises(where, exercises);
    const Clock clock = makeClock(maturity, exercises);
    const ql::DayCounter dc = ql::Actual365Fixed();
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(exercises));
    for (const ql::Date& d : exerciseDates(clock))
        times.push_back(dc.yearFraction(referenceDate(), d) / clock.scale);
    return times;
}

double bermudanPutFd(double spot, double strike, double rate, double dividend, double vol,
                     double maturity, int exercises, int timeSteps, int gridPoints) {
    constexpr const char* where = "bermudanPutFd";
    checkCommon(where, spot, strike, rate, vol, maturity);
    KP_REQUIRE(std::isfinite(dividend), where, ": dividend is ", dividend, ", but must be finite");
    checkExercises(where, exercises);
    checkGrid(where, timeSteps, gridPoints);

    const Clock clock = makeClock(maturity, exercises);
    auto exercise = ql::ext::make_shared<ql::BermudanExercise>(exerciseDates(clock));
    return putFd(spot, strike, rate, dividend, vol, clock, exercise, timeSteps, gridPoints);
}

double americanPutFd(double spot, double strike, double rate, double dividend, double vol,
                     double maturity, int timeSteps, int gridPoints) {
    constexpr const char* where = "americanPutFd";
    checkCommon(where, spot, strike, rate, vol, maturity);
    KP_REQUIRE(std::isfinite(dividend), where, ": dividend is ", dividend, ", but must be finite");
    checkGrid(where, timeSteps, gridPoints);

    const Clock clock = makeClock(maturity, 1);
    auto exercise = ql::ext::make_shared<ql::AmericanExercise>(
        referenceDate(), referenceDate() + clock.daysPerPeriod);
    return putFd(spot, strike, rate, dividend, vol, clock, exercise, timeSteps, gridPoints);
}

QlMcResult quantlibMcAmericanPut(double spot, double strike, double rate, double vol,
                                 double maturity, int steps, std::size_t samples,
                                 std::size_t calibrationSamples, bool antithetic,
                                 unsigned long seed) {
    constexpr const char* where = "quantlibMcAmericanPut";
    checkCommon(where, spot, strike, rate, vol, maturity);
    KP_REQUIRE(steps >= 1, where, ": steps is ", steps, ", but must be >= 1");
    KP_REQUIRE(samples >= 2, where, ": samples is ", samples, ", but must be >= 2");
    KP_REQUIRE(calibrationSamples >= 2, where, ": calibrationSamples is ", calibrationSamples,
               ", but must be >= 2");
    KP_REQUIRE(seed != 0, where, ": seed is ", seed,
               ", but must be nonzero (QuantLib draws seed 0 from the clock)");

    ql::SavedSettings restoreSettings;
    ql::Settings::instance().evaluationDate() = referenceDate();

    const Clock clock = makeClock(maturity, 1);
    const double s = clock.scale;
    auto process = flatProcess(spot, rate / s, 0.0, vol / std::sqrt(s));
    auto exercise = ql::ext::make_shared<ql::AmericanExercise>(
        referenceDate(), referenceDate() + clock.daysPerPeriod);
    ql::VanillaOption option(ql::ext::make_shared<ql::PlainVanillaPayoff>(ql::Option::Put, strike),
                             exercise);
    ql::ext::shared_ptr<ql::PricingEngine> engine =
        ql::MakeMCAmericanEngine<ql::PseudoRandom>(process)
            .withSteps(static_cast<ql::Size>(steps))
            .withSamples(samples)
            .withCalibrationSamples(calibrationSamples)
            .withAntitheticVariate(antithetic)
            .withSeed(seed);
    option.setPricingEngine(engine);

    const auto start = std::chrono::steady_clock::now();
    const double value = option.NPV();
    const auto stop = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(stop - start).count();
    return {value, option.errorEstimate(), seconds};
}

}  // namespace kp
