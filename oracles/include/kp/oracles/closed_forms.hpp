#pragma once
/// \file closed_forms.hpp
/// Closed-form reference values (Boost.Math normal CDF, no QuantLib): Black-Scholes-Merton European
/// options, the McDonald-Siegel / Dixit-Pindyck perpetual option to invest, and Merton (1974)
/// structural credit. They are the strongest references in STYLE.md section 6.
///
/// Units: rates, yields and volatilities are per year, continuously compounded; times in years.
/// Every function validates its inputs and throws kp::InvalidInput with a message of the form
/// `<where>: <what> is <value>, but must be <constraint>`.
///
/// Tested in tests/oracles/oracles_test.cpp: against Haug (1998) tabulated values and QuantLib's
/// AnalyticEuropeanEngine, put-call parity, value matching / smooth pasting / the ODE for the
/// perpetual option, the limits sigma -> 0 and delta -> infinity, and Hull's Merton-model example.

namespace kp {

/// Black-Scholes-Merton value of a European call (`call == true`) or put with a continuous
/// dividend (payout) yield:
///   call = S e^{-qT} N(d1) - K e^{-rT} N(d2),  put = K e^{-rT} N(-d2) - S e^{-qT} N(-d1),
///   d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt T),  d2 = d1 - sigma sqrt T.
/// Requires spot > 0, strike > 0, vol > 0, maturity > 0, finite rate and dividend.
double blackScholes(bool call, double spot, double strike, double rate, double dividend, double vol,
                    double maturity);

/// McDonald-Siegel (1986) / Dixit-Pindyck (1994, ch. 5) perpetual option to invest.
/// The project value V follows a GBM with risk-neutral drift r - delta and volatility sigma; paying
/// the sunk cost I at any time gives V - I. With a = (r - delta)/sigma^2,
///   beta = 1/2 - a + sqrt((a - 1/2)^2 + 2 r / sigma^2)   (the root > 1 of the fundamental quadratic),
///   V*   = beta / (beta - 1) I,
///   F(V) = (V* - I) (V / V*)^beta for V < V*, else V - I (invest at once).
struct PerpetualInvestment {
    double value;    ///< F(V), option value in the units of V
    double trigger;  ///< V*, the project value at which investing is optimal
    double beta;     ///< positive root of 1/2 sigma^2 b (b-1) + (r-delta) b - r = 0; beta > 1
};

/// Value, trigger and beta of the perpetual option to invest.
/// Requires value >= 0, cost > 0, rate >= 0, yield > 0 (with delta = 0 the trigger is infinite and
/// the option is never exercised; beta = 1 when r = 0 as well), vol > 0. beta is computed in a form
/// that does not cancel when sigma is small.
PerpetualInvestment perpetualInvestment(double value, double cost, double rate, double yield,
                                        double vol);

/// Merton (1974) structural credit model: firm assets V follow a GBM with volatility sigma, a zero
/// coupon debt of face D is due at T, default happens when V_T < D.
///   d1 = (ln(V/D) + (r + sigma^2/2) T) / (sigma sqrt T),  d2 = d1 - sigma sqrt T,
///   pd = N(-d2)                      (risk-neutral default probability),
///   debtValue = D e^{-rT} N(d2) + V N(-d1)  (= risk-free debt minus a put on the assets),
///   spread = -ln(debtValue / (D e^{-rT})) / T  (continuously compounded, >= 0).
/// Equity is V - debtValue, a Black-Scholes call on V struck at D.
struct MertonCredit {
    double pd;         ///< risk-neutral probability of default by T
    double spread;     ///< credit spread over r, per year, continuously compounded
    double debtValue;  ///< market value of the risky debt today
};

/// Merton (1974) default probability, credit spread and debt value.
/// Requires assetValue > 0, vol > 0, faceDebt > 0, maturity > 0, finite rate.
MertonCredit mertonCredit(double assetValue, double vol, double faceDebt, double maturity,
                          double rate);

}  // namespace kp
