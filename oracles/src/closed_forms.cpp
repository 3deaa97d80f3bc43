#include "kp/oracles/closed_forms.hpp"

#include <kp/core/errors.hpp>

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>

namespace kp {

namespace {

/// Standard normal CDF. erfc keeps full relative accuracy deep in the left tail (default
/// probabilities of 1e-12 and below), which 1 - N(x) would not.
double normCdf(double x) {
    static const boost::math::normal_distribution<double> standard(0.0, 1.0);
    return boost::math::cdf(standard, x);
}

}  // namespace

double blackScholes(bool call, double spot, double strike, double rate, double dividend, double vol,
                    double maturity) {
    constexpr const char* where = "blackScholes";
    KP_REQUIRE(std::isfinite(spot) && spot > 0.0, where, ": spot is ", spot,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(strike) && strike > 0.0, where, ": strike is ", strike,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(rate), where, ": rate is ", rate, ", but must be finite");
    KP_REQUIRE(std::isfinite(dividend), where, ": dividend is ", dividend, ", but must be finite");
    KP_REQUIRE(std::isfinite(vol) && vol > 0.0, where, ": vol is ", vol,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(maturity) && maturity > 0.0, where, ": maturity is ", maturity,
               ", but must be finite and > 0 (years)");

    const double stdDev = vol * std::sqrt(maturity);
    const double d1 =
        (std::log(spot / strike) + (rate - dividend + 0.5 * vol * vol) * maturity) / stdDev;
    const double d2 = d1 - stdDev;
    const double fwdSpot = spot * std::exp(-dividend * maturity);
    const double pvStrike = strike * std::exp(-rate * maturity);
    if (call) return fwdSpot * normCdf(d1) - pvStrike * normCdf(d2);
    return pvStrike * normCdf(-d2) - fwdSpot * normCdf(-d1);
}

PerpetualInvestment perpetualInvestment(double value, double cost, double rate, double yield,
                                        double vol) {
    constexpr const char* where = "perpetualInvestment";
    KP_REQUIRE(std::isfinite(value) && value >= 0.0, where, ": value is ", value,
               ", but must be finite and >= 0");
    KP_REQUIRE(std::isfinite(cost) && cost > 0.0, where, ": cost is ", cost,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(rate) && rate >= 0.0, where, ": rate is ", rate,
               ", but must be finite and >= 0");
    KP_REQUIRE(std::isfinite(yield) && yield > 0.0, where, ": yield is ", yield,
               ", but must be > 0 (with a zero payout yield waiting is always better than "
               "investing: the trigger is infinite and the option is never exercised)");
    KP_REQUIRE(std::isfinite(vol) && vol > 0.0, where, ": vol is ", vol,
               ", but must be finite and > 0");

    // Roots of Q(b) = 1/2 s^2 b (b - 1) + (r - d) b - r, i.e. b^2 + 2 c b - 2 r / s^2 = 0 with
    // c = a - 1/2, a = (r - d)/s^2: b = -c +/- sqrt(c^2 + 2 r / s^2). For c > 0 the '+' root
    // cancels (small sigma with r > delta), so take it from the product of the roots instead.
    const double s2 = vol * vol;
    const double c = (rate - yield) / s2 - 0.5;
    const double k = 2.0 * rate / s2;
    const double disc = std::sqrt(c * c + k);
    double beta;
    if (c <= 0.0) {
        beta = -c + disc;
    } else {
        const double negativeRoot = -c - disc;
        beta = -k / negativeRoot;
    }
    // beta > 1 because Q(1) = -delta < 0 and Q opens upwards.

    const double trigger = beta / (beta - 1.0) * cost;
    double optionValue;
    if (value >= trigger) {
        optionValue = value - cost;
    } else {
        // (V* - I) (V/V*)^beta = V* / beta (V/V*)^beta; in logs to avoid overflow for large beta.
        optionValue = (trigger - cost) * std::exp(beta * std::log(value / trigger));
    }
    return {optionValue, trigger, beta};
}

MertonCredit mertonCredit(double assetValue, double vol, double faceDebt, double maturity,
                          double rate) {
    constexpr const char* where = "mertonCredit";
    KP_REQUIRE(std::isfinite(assetValue) && assetValue > 0.0, where, ": assetValue is ",
               assetValue, ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(vol) && vol > 0.0, where, ": vol is ", vol,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(faceDebt) && faceDebt > 0.0, where, ": faceDebt is ", faceDebt,
               ", but must be finite and > 0");
    KP_REQUIRE(std::isfinite(maturity) && maturity > 0.0, where, ": maturity is ", maturity,
               ", but must be finite and > 0 (years)");
    KP_REQUIRE(std::isfinite(rate), where, ": rate is ", rate, ", but must be finite");

    const double stdDev = vol * std::sqrt(maturity);
    const double d1 =
        (std::log(assetValue / faceDebt) + (rate + 0.5 * vol * vol) * maturity) / stdDev;
    const double d2 = d1 - stdDev;
    const double riskFreeDebt = faceDebt * std::exp(-rate * maturity);
    const double pd = normCdf(-d2);
    const double debtValue = riskFreeDebt * normCdf(d2) + assetValue * normCdf(-d1);
    // debtValue = riskFreeDebt (1 - lossFraction), lossFraction = put on the assets struck at D
    // over riskFreeDebt = N(-d2) - V / (D e^{-rT}) N(-d1), which is in [0, 1). Written with the
    // tail probabilities and log1p it keeps full relative accuracy when the spread is tiny.
    const double lossFraction =
        std::max(0.0, normCdf(-d2) - assetValue / riskFreeDebt * normCdf(-d1));
    const double spread = -std::log1p(-lossFraction) / maturity;
    return {pd, spread, debtValue};
}

}  // namespace kp
