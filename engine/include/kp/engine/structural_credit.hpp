#pragma once
/// \file structural_credit.hpp
/// Merton's (1974) structural model by simulation: firm assets follow a risk-neutral GBM
/// (drift = rate, volatility vol); a zero-coupon debt of face D is due at T; the firm defaults when
/// V_T < D and the lenders then receive V_T. Simulated with the engine's path generator (stream
/// Pricing, antithetic pairs averaged), it checks the default and loss logic of the credit figures
/// against the closed form (kp::mertonCredit): pd = N(-d2), debt value D e^{-rT} N(d2) + V N(-d1),
/// spread = -ln(debt value / (D e^{-rT})) / T.
///
/// The spread's standard error is the debt value's divided by (debt value x T) (delta method).
/// Tested in tests/engine/loan_pricing_test.cpp (within 4 SE of the closed form; bit-identical on 1
/// and 2 threads) and by the CLI test of `kruispunt price merton-loan`.

#include <cstdint>

#include "kp/engine/lsm.hpp"

namespace kp {

/// The shared Monte Carlo settings (basis and degree unused: nothing is regressed).
struct StructuralCreditSettings : McSettings {};

struct StructuralCreditResult {
    Estimate pd;         ///< probability that V_T < D
    Estimate debtValue;  ///< E[e^{-rT} min(V_T, D)]
    Estimate spread;     ///< -ln(debtValue / (D e^{-rT})) / T, per year, continuously compounded
    std::size_t paths = 0;
    double seconds = 0;
};

/// Throws kp::InvalidInput for non-positive asset value, volatility, debt or maturity, or bad settings.
StructuralCreditResult simulateMertonDefault(double assetValue, double vol, double debt, double maturity,
                                             double rate, const StructuralCreditSettings& settings);

}  // namespace kp
