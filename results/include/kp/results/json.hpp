#pragma once
/// \file json.hpp
/// The JSON conventions of every output: a Monte Carlo figure is {value, std_error}; a number that
/// is not finite is null.

#include <nlohmann/json.hpp>

#include "kp/core/estimate.hpp"

namespace kp::results {

/// {value, std_error}, null for a non-finite number.
nlohmann::ordered_json estimateJson(const Estimate& e);
/// The number, or null if it is not finite.
nlohmann::ordered_json numberOrNull(double x);

}  // namespace kp::results
