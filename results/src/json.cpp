#include "kp/results/json.hpp"

#include <cmath>

namespace kp::results {

nlohmann::ordered_json numberOrNull(double x) {
    return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json();
}

nlohmann::ordered_json estimateJson(const Estimate& e) {
    return {{"value", numberOrNull(e.value)}, {"std_error", numberOrNull(e.stdError)}};
}

}  // namespace kp::results
