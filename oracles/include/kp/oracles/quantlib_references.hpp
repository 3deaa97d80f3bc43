#pragma once
/// \file quantlib_references.hpp
/// Reference values from QuantLib engines, behind plain kp functions: no QuantLib type appears in
/// this header, so only oracles/src includes QuantLib (STYLE.md section 1: QuantLib at the edges).
///
/// Not thread-safe: QuantLib keeps the evaluation date in the global singleton
/// QuantLib::Settings::instance(). Each function sets the evaluation date it needs and restores the
/// previous settings on return (QuantLib::SavedSettings), but two calls must not run concurrently.
///
/// Date mapping. QuantLib prices on calendar dates with whole days, and an exercise every T/N years
/// rarely falls on a whole day (the LS2001 put: T = 1, N = 50 gives 7.3 days). These functions use
/// the fact that a flat Black-Scholes model is invariant under a change of time unit: pricing with
/// T' = s T, r' = r / s, q' = q / s, sigma' = sigma / sqrt(s) gives the same value (r T, q T and
/// sigma^2 T are unchanged and the payoff only depends on the asset at the exercise dates). s is
/// chosen so that every exercise period is exactly k whole days under Actual365Fixed, with
/// k = round(365 T / N) clamped to [1, 50000 / N]. Exercise i then sits at exactly i k days, i.e. at
/// model time i k / 365 = s i T / N, which is i T / N in the caller's years up to floating-point
/// rounding (checked by bermudanExerciseTimes and in the tests). So no exercise date is rounded;
/// only the clock is rescaled, by s = N k / (365 T), which is within half a day of 1 per period.
///
/// Tested in tests/oracles/oracles_test.cpp (grid convergence, European <= Bermudan <= American,
/// Longstaff-Schwartz (2001) Table 1 finite-difference column).

#include <cstddef>
#include <vector>

namespace kp {

/// Bermudan put with `exercises` equally spaced exercise dates t_i = i T / exercises,
/// i = 1..exercises (the last at maturity, none at time 0), priced by QuantLib's
/// FdBlackScholesVanillaEngine (Douglas = Crank-Nicolson scheme, log-spot mesh concentrated at the
/// strike) with a BermudanExercise. The exercise times are put into the FD time grid as stopping
/// times, so they are hit exactly. Requires spot, strike, vol, maturity > 0, finite rate and
/// dividend, 1 <= exercises <= 50000, timeSteps >= 10, gridPoints >= 10. With exercises = 1 this
/// is the European put.
double bermudanPutFd(double spot, double strike, double rate, double dividend, double vol,
                     double maturity, int exercises, int timeSteps = 2000, int gridPoints = 2000);

/// American put (exercise at any time in [0, T]) priced by QuantLib's FdBlackScholesVanillaEngine
/// with an AmericanExercise; same conventions and requirements as bermudanPutFd.
double americanPutFd(double spot, double strike, double rate, double dividend, double vol,
                     double maturity, int timeSteps = 2000, int gridPoints = 2000);

/// The exercise times, in the caller's years, at which bermudanPutFd(..., maturity, exercises, ...)
/// lets QuantLib exercise: Actual365Fixed year fractions of the QuantLib exercise dates divided by
/// the clock scale s (see the file comment). They equal i T / exercises to rounding error.
std::vector<double> bermudanExerciseTimes(double maturity, int exercises);

/// Result of a QuantLib Monte Carlo run: value, its standard error, and the wall-clock time of the
/// NPV call alone (calibration + pricing paths; set-up excluded).
struct QlMcResult {
    double value;     ///< QuantLib's NPV
    double stdError;  ///< QuantLib's errorEstimate()
    double seconds;   ///< wall time of instrument.NPV()
};

/// American put (no dividend) by QuantLib's Longstaff-Schwartz engine,
/// MakeMCAmericanEngine<PseudoRandom> (Mersenne Twister uniforms through the inverse normal CDF),
/// with `steps` time steps (an exercise opportunity at each), `samples` pricing paths,
/// `calibrationSamples` regression paths (drawn with QuantLib's separate calibration seed,
/// seed + 1768237423, so the price is out of sample), QuantLib's default basis (monomials of order 2)
/// and optional antithetic paths (QuantLib's convention: with `antithetic` each of the `samples` is
/// a pair of paths whose two prices are averaged, so 2 x samples paths are priced). This is the
/// speed benchmark's competitor: only NPV() is timed. Its low bias is ~0.02 on the LS2001 put
/// (S0 = 36, sigma = 0.2, T = 1, 50 steps: 4.456 +- 0.0045 vs the FD Bermudan 4.478).
/// Requires spot, strike, vol, maturity > 0, finite rate, steps >= 1, samples >= 2,
/// calibrationSamples >= 2 and seed != 0 (QuantLib treats 0 as "seed from the clock").
QlMcResult quantlibMcAmericanPut(double spot, double strike, double rate, double vol,
                                 double maturity, int steps, std::size_t samples,
                                 std::size_t calibrationSamples, bool antithetic,
                                 unsigned long seed);

}  // namespace kp
