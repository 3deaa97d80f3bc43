#pragma once
/// \file arrival.hpp
/// Uncertain arrival dates: of infrastructure (grid connection, hydrogen backbone, CO2 transport and
/// storage) or of a technology's availability. One standard normal per path drives each date (the
/// valuation engine draws it at the valuation date, kp::CounterLayout::valuationDate).
///
/// Units: calendar years (fractional allowed). Tested in tests/instruments/policy_test.cpp (inverse
/// CDF against the CDF, tails, bad input).

#include <cstddef>
#include <string>
#include <vector>

namespace kp {

/// An uncertain arrival date (grid connection, hydrogen backbone, CO2 transport and storage, or the
/// date a technology becomes available), sampled per path from one standard normal z so that it can be
/// driven by the engine's counter-based normals. `year(z)` is the exact inverse CDF at u = Phi(z):
///   Fixed      year = at
///   Discrete   the smallest listed year whose cumulative probability >= u; probability mass not
///              listed (1 - sum) means "never": +infinity
///   Lognormal  year = start + medianDelay x exp(sigma z)                     (delay lognormal)
///   Queue      year = start + queueYears + E, E ~ Exponential(hazard):
///              E = -log(1 - u) / hazard, with 1 - u = Phi(-z) computed by erfc (exact in both tails)
/// Invariant (validate): kind-specific fields finite; probabilities in [0, 1] summing to <= 1;
/// medianDelay > 0, sigma >= 0; queueYears >= 0, hazard > 0.
struct ArrivalDistribution {
    enum class Kind { Fixed, Discrete, Lognormal, Queue };
    Kind kind = Kind::Fixed;
    double at = 0;                    ///< Fixed: the year
    std::vector<int> years;           ///< Discrete: years, strictly increasing
    std::vector<double> probabilities;///< Discrete: probability of each year
    double start = 0;                 ///< Lognormal, Queue: year the delay counts from
    double medianDelay = 1;           ///< Lognormal: median delay, years
    double sigma = 0;                 ///< Lognormal: standard deviation of log delay
    double queueYears = 0;            ///< Queue: deterministic wait, years
    double hazard = 1;                ///< Queue: arrival rate after the wait, per year

    /// Arrival year (fractional) for a standard normal draw z; +infinity means never.
    double year(double z) const;
    /// P(arrival <= y).
    double cdf(double y) const;
    /// Vectorisable form: out[i] = year(z[i]).
    void sample(const double* z, std::size_t n, double* out) const {
        for (std::size_t i = 0; i < n; ++i) out[i] = year(z[i]);
    }
    void validate(const std::string& where) const;

    static ArrivalDistribution fixed(double year);
};

}  // namespace kp
