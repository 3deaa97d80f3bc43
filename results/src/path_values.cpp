#include "kp/results/path_values.hpp"

#include "kp/core/moments.hpp"

#include <algorithm>
#include <cmath>

#include "kp/core/errors.hpp"

namespace kp::results {

PathValues::PathValues(std::size_t paths, const InvestmentProblem& problem, bool keepPrices, PricingObserver* next)
    : paths_(paths), keepPrices_(keepPrices), next_(next), years_(static_cast<std::size_t>(problem.project.horizonYears)),
      periodsPerYear_(static_cast<std::size_t>(problem.project.periodsPerYear)), technologies_(problem.project.technologies.size()),
      option_(paths), never_(paths), npv_(technologies_ * paths), action_(paths, -1), actionDate_(paths, 0),
      prices_(keepPrices ? kPriceKinds * years_ * paths : 0) {}

void PathValues::onBlock(const PricingBlock& b) {
    KP_REQUIRE(b.first + b.n <= paths_ && b.years == years_ * periodsPerYear_ && b.technologies == technologies_,
               "PathValues: a block of paths ", b.first, "..", b.first + b.n, " with ", b.years, " periods and ",
               b.technologies, " technologies, but must fit the ", paths_, " paths, ", years_ * periodsPerYear_,
               " periods and ", technologies_, " technologies it was made for");
    std::copy_n(b.optionValue, b.n, option_.data() + b.first);
    std::copy_n(b.neverInvest, b.n, never_.data() + b.first);
    std::copy_n(b.action, b.n, action_.data() + b.first);
    std::copy_n(b.actionDate, b.n, actionDate_.data() + b.first);
    for (std::size_t j = 0; j < b.technologies; ++j)
        std::copy_n(b.npvNow + j * b.n, b.n, npv_.data() + j * paths_ + b.first);
    if (keepPrices_) {
        const double* src[kPriceKinds] = {b.co2, b.gas, b.power, b.hydrogen};
        for (std::size_t q = 0; q < kPriceKinds; ++q)
            for (std::size_t k = 0; k < years_; ++k) {
                float* out = prices_.data() + (q * years_ + k) * paths_ + b.first;
                const double* in = src[q] + k * periodsPerYear_ * b.n;  // first period of year k
                for (std::size_t p = 0; p < b.n; ++p) out[p] = static_cast<float>(in[p]);
            }
    }
    if (next_) next_->onBlock(b);
}

double PathValues::priceQuantile(PriceKind kind, std::size_t k, double q) const {
    const float* x = prices_.data() + (static_cast<std::size_t>(kind) * years_ + k) * paths_;
    std::vector<float> v(x, x + paths_);
    const auto r = static_cast<std::ptrdiff_t>(std::floor(q * static_cast<double>(paths_ - 1)));
    std::nth_element(v.begin(), v.begin() + r, v.end());
    return static_cast<double>(v[static_cast<std::size_t>(r)]);
}

Estimate pathMean(const double* x, std::size_t n, bool antithetic) {
    return pathMoments(0, n, antithetic, [&](std::size_t p) { return x[p]; }).estimate();
}

Estimate pathDifference(const double* a, const double* b, std::size_t n, bool antithetic) {
    return pathMoments(0, n, antithetic, [&](std::size_t p) { return a[p] - b[p]; }).estimate();
}

}  // namespace kp::results
