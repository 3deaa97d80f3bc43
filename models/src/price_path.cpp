#include "kp/models/price_path.hpp"

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"

namespace kp {

double PricePath::logAnchor(const std::vector<double>& T, const std::vector<double>& levels, double logStart,
                            double t) {
    if (t >= T.back()) return std::log(levels.back());
    const std::size_t i = static_cast<std::size_t>(std::upper_bound(T.begin(), T.end(), t) - T.begin());
    const double t0 = i ? T[i - 1] : 0.0, l0 = i ? std::log(levels[i - 1]) : logStart, l1 = std::log(levels[i]);
    return l0 + (l1 - l0) * (t - t0) / (T[i] - t0);
}

void PricePath::validate(const char* who, const std::vector<double>& times, const std::vector<double>& levels) {
    KP_REQUIRE(!times.empty() && times.size() == levels.size(), who, ": ", times.size(), " anchor times and ",
               levels.size(), " levels, but must be at least one of each, as many");
    for (std::size_t i = 0; i < times.size(); ++i) {
        KP_REQUIRE(std::isfinite(times[i]) && times[i] > (i ? times[i - 1] : 0.0), who, ": anchor time ", times[i],
                   ", but the times must be positive and increasing");
        KP_REQUIRE(std::isfinite(levels[i]) && levels[i] > 0, who, ": anchor level ", levels[i],
                   ", but must be positive");
    }
}

}  // namespace kp
