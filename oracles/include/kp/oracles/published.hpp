#pragma once
/// \file published.hpp
/// Published reference values (STYLE.md section 6, reference kind 3: "a published table with the
/// page cited"), stored as constexpr tables. Each table says where its numbers come from and how
/// they were checked. Values are copied as published (same rounding); nothing here is computed.
///
/// Tested in tests/oracles/oracles_test.cpp: the Longstaff-Schwartz European column against our
/// Black-Scholes closed form, the finite-difference column against QuantLib's FD American engine,
/// the simulated column against the FD column within the published standard errors.

#include <limits>

namespace kp {

// ---------------------------------------------------------------------------------------------
// Longstaff & Schwartz (2001), Table 1
// ---------------------------------------------------------------------------------------------
//
// F. A. Longstaff and E. S. Schwartz, "Valuing American Options by Simulation: A Simple
// Least-Squares Approach", Review of Financial Studies 14(1), 2001, pp. 113-147, Section 3 ("A
// numerical example" of valuing American puts), Table 1 "Comparison of finite difference and
// simulation values for American put options". (The page of Table 1 inside pp. 113-147 was not
// verified against the journal PDF; cite it as "Table 1".)
//
// Setup: put, strike K = 40, r = 0.06, no dividend, S0 in {36, 38, 40, 42, 44}, sigma in {0.2, 0.4},
// T in {1, 2} years. The simulated values exercise at 50 dates per year (t = j/50, j = 1..50 T) and
// use 100,000 paths (50,000 plus 50,000 antithetic) with a constant and the first three weighted
// Laguerre polynomials as basis. The "finite difference" values are for the American option
// (continuous exercise), from an implicit scheme with 40,000 time steps per year and 1,000 steps in
// the stock price. So the simulated column prices a Bermudan (50 dates/yr) while the FD column prices
// an American: the two differ by the Bermudan-American gap as well as by simulation error and the
// low bias of the LSM policy.
//
// Sources checked (all 20 rows, all columns): ptamarov/lsmc_py data.csv (a transcription of the
// whole table). Cross-checked: the 12 FD values for S0 = 36, 38, 40 in a second, independent
// transcription (a pytest file "REFERENCE" list), and the FD/simulated pairs of rows (36,.2,1),
// (40,.2,1), (44,.2,1), (40,.4,1) in a third. The European column is re-derived by
// kp::blackScholes in the tests (agrees to the 3 published decimals), and the FD column agrees with
// QuantLib's FD American engine within 0.01 (tests). The published early-exercise columns
// (FD American - European, and its simulated counterpart) follow from these and are not stored.

/// Strike, rate and exercise frequency shared by every row of kLongstaffSchwartzTable1.
inline constexpr double kLsStrike = 40.0;
inline constexpr double kLsRate = 0.06;
inline constexpr int kLsExercisesPerYear = 50;

/// One row of Longstaff & Schwartz (2001), Table 1 (units: currency for values, years for T).
struct LsPutCase {
    double spot;               ///< S0
    double vol;                ///< sigma, per year
    double maturity;           ///< T, years
    double europeanClosedForm; ///< "closed form European" (Black-Scholes put)
    double americanFd;         ///< "finite difference American" (continuous exercise)
    double simulatedAmerican;  ///< LSM value, 50 exercise dates per year
    double simulatedStdError;  ///< "(s.e.)" of the LSM value
};

/// Longstaff & Schwartz (2001), Table 1, in the paper's row order (S0, then sigma, then T).
inline constexpr LsPutCase kLongstaffSchwartzTable1[20] = {
    // S0, sigma, T, European, FD American, simulated American, s.e.
    {36.0, 0.20, 1.0, 3.844, 4.478, 4.472, 0.010},
    {36.0, 0.20, 2.0, 3.763, 4.840, 4.821, 0.012},
    {36.0, 0.40, 1.0, 6.711, 7.101, 7.091, 0.020},
    {36.0, 0.40, 2.0, 7.700, 8.508, 8.488, 0.024},
    {38.0, 0.20, 1.0, 2.852, 3.250, 3.244, 0.009},
    {38.0, 0.20, 2.0, 2.991, 3.745, 3.735, 0.011},
    {38.0, 0.40, 1.0, 5.834, 6.148, 6.139, 0.019},
    {38.0, 0.40, 2.0, 6.979, 7.670, 7.669, 0.022},
    {40.0, 0.20, 1.0, 2.066, 2.314, 2.313, 0.009},
    {40.0, 0.20, 2.0, 2.356, 2.885, 2.879, 0.010},
    {40.0, 0.40, 1.0, 5.060, 5.312, 5.308, 0.018},
    {40.0, 0.40, 2.0, 6.326, 6.920, 6.921, 0.022},
    {42.0, 0.20, 1.0, 1.465, 1.617, 1.617, 0.007},
    {42.0, 0.20, 2.0, 1.841, 2.212, 2.206, 0.010},
    {42.0, 0.40, 1.0, 4.379, 4.582, 4.588, 0.017},
    {42.0, 0.40, 2.0, 5.736, 6.248, 6.243, 0.021},
    {44.0, 0.20, 1.0, 1.017, 1.110, 1.118, 0.007},
    {44.0, 0.20, 2.0, 1.429, 1.690, 1.675, 0.009},
    {44.0, 0.40, 1.0, 3.783, 3.948, 3.957, 0.017},
    {44.0, 0.40, 2.0, 5.202, 5.647, 5.622, 0.021},
};

// ---------------------------------------------------------------------------------------------
// Bermudan max-call on d independent assets
// ---------------------------------------------------------------------------------------------
//
// Payoff max(max_i S_i - K, 0) at the exercise dates t = 1/3, 2/3, ..., 3 (9 dates, none at 0);
// each asset is a GBM with r = 0.05, dividend yield 0.10, sigma = 0.2, zero correlation; K = 100,
// T = 3; S_i(0) = S0 for every i, S0 in {90, 100, 110}. This is the benchmark of Broadie &
// Glasserman (stochastic mesh), Andersen & Broadie (2004, Management Science 50(9), 1222-1234,
// "Primal-dual simulation algorithm for pricing multidimensional American options"), Broadie & Cao
// (2008) and Becker, Cheridito & Jentzen (2019, "Deep optimal stopping").
//
// What could be confirmed with the sources available to us (no primary table was readable):
//  * d = 2: 8.08, 13.90, 21.34 for S0 = 90, 100, 110. Source: P. Glasserman, "Monte Carlo Methods
//    in Financial Engineering", Springer 2004, p. 462, as quoted in QuantLib's test suite
//    (test-suite/mclongstaffschwartzengine.cpp, testAmericanMaxOption: "reference values taken from
//    ... Glasserman, 2004 Springer Verlag, p. 462", expected = {8.08, 13.90, 21.34}). These are
//    published to 2 decimals, so the true value lies within about +-0.005 of them, plus whatever
//    error the book's own method has. One source (through QuantLib); not checked against
//    Andersen & Broadie's Table 2 itself.
//  * d = 5: 16.64, 26.15, 36.78 for S0 = 90, 100, 110, the "Literature" column of a seminar
//    reproduction of Becker et al. (2019) (konmue/american_options, presentation.md, "Comparison to
//    the Literature"), which compares against the published point estimates. One secondary source
//    only: UNCONFIRMED against Andersen & Broadie (2004) or Broadie & Cao (2008).
//  * d = 3: no value could be confirmed, so none is stored.
//  * The Andersen & Broadie lower/upper bounds and 95% confidence intervals (their Table 2) could
//    not be read from any available source, so they are not stored (the fields are NaN).

/// Strike, rates, volatility, maturity and exercise count shared by every kBermudanMaxCall row.
inline constexpr double kMaxCallStrike = 100.0;
inline constexpr double kMaxCallRate = 0.05;
inline constexpr double kMaxCallDividend = 0.10;
inline constexpr double kMaxCallVol = 0.20;
inline constexpr double kMaxCallCorrelation = 0.0;
inline constexpr double kMaxCallMaturity = 3.0;
inline constexpr int kMaxCallExercises = 9;

/// One Bermudan max-call reference (see the comment above for sources and what is confirmed).
struct MaxCallCase {
    int assets;          ///< d
    double spot;         ///< S_i(0), the same for every asset
    double value;        ///< published reference value, rounded as published
    double rounding;     ///< half a unit in the last published digit (0.005 for 2 decimals)
    double lowerBound;   ///< published lower bound, NaN if not available to us
    double upperBound;   ///< published upper bound, NaN if not available to us
    int sourcesAgreeing; ///< independent transcriptions that agree on `value` (1 = unconfirmed)
};

/// Bermudan max-call references; only values found in a source are listed (no d = 3).
inline constexpr MaxCallCase kBermudanMaxCall[] = {
    {2, 90.0, 8.08, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
    {2, 100.0, 13.90, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
    {2, 110.0, 21.34, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
    {5, 90.0, 16.64, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
    {5, 100.0, 26.15, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
    {5, 110.0, 36.78, 0.005, std::numeric_limits<double>::quiet_NaN(),
     std::numeric_limits<double>::quiet_NaN(), 1},
};

}  // namespace kp
