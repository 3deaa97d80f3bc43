#pragma once
/// \file factor_outlook.hpp
/// What a case's price models imply: the median and mean of each stochastic factor in 2030, 2040 and
/// 2050 (the years inside the horizon), from simulated paths, and a warning where a factor's median
/// falls although its drift is positive (a GBM's median grows at mu - sigma^2 / 2: with the EUA's
/// sigma = 0.415 and mu = 0.03 it falls 5.6% a year). Printed by `kruispunt value` (text and JSON) so
/// that a user sees the trend the case assumes before reading the decision.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"

namespace kp::cases {

struct FactorYear {
    int year = 0;
    double median = 0, mean = 0, meanStdError = 0;
};

struct FactorOutlook {
    std::string name, unit;
    double spot = 0;
    std::vector<FactorYear> years;
    std::string warning;  ///< "" or the reason the median falls against a positive drift
};

/// The stochastic factors of `c` (case order) at the years of `years` inside the horizon, from
/// `paths` paths of its factor models (seed `seed`; the same numbers on any machine and thread count).
std::vector<FactorOutlook> factorOutlook(const CaseFile& c, const std::vector<int>& years = {2030, 2040, 2050},
                                         std::size_t paths = 20000, std::uint64_t seed = 1);

}  // namespace kp::cases
