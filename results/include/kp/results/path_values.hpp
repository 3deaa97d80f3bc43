#pragma once
/// \file path_values.hpp
/// Per-path results of a valuation, recorded through kp::PricingObserver: the realised value of the
/// optimal strategy, of never investing and of investing in each technology now, the action taken,
/// and (optionally) the simulated prices. They give the standard error of a difference of two
/// valuations with common random numbers (same seed: same pricing paths), the distribution of value,
/// and the price fans of the report.
///
/// Determinism: the engine calls onBlock from worker threads in any order; every array is indexed by
/// path, and the statistics below run over paths in order, so results are bit-identical for any
/// thread count.

#include <cstddef>
#include <vector>

#include "kp/engine/investment_lsm.hpp"

namespace kp::results {

/// The prices a PathValues can keep, in this order.
enum class PriceKind : std::size_t { Co2, Gas, Power, Hydrogen };
constexpr std::size_t kPriceKinds = 4;

class PathValues final : public PricingObserver {
public:
    /// `keepPrices`: store the four prices of every path and year (4 x years x paths floats).
    /// `next`: an observer that also sees every block (a progress bar), or nullptr.
    /// The shape of the valuation of `problem` with settings.paths = `paths`. Prices are kept per
    /// calendar year (the first period of each year of a quarterly case).
    PathValues(std::size_t paths, const InvestmentProblem& problem, bool keepPrices = false,
               PricingObserver* next = nullptr);
    void onBlock(const PricingBlock& b) override;

    std::size_t paths() const { return paths_; }
    std::size_t years() const { return years_; }  ///< calendar years
    std::size_t technologies() const { return technologies_; }
    /// Realised discounted value of the optimal strategy on path p.
    const double* option() const { return option_.data(); }
    const double* never() const { return never_.data(); }
    /// Discounted value of investing in technology j now, per path.
    const double* npvNow(std::size_t j) const { return npv_.data() + j * paths_; }
    /// -1: never acted, j: invested in j, technologies(): exited; and the year index of the action.
    int action(std::size_t p) const { return action_[p]; }
    int actionDate(std::size_t p) const { return actionDate_[p]; }
    bool hasPrices() const { return keepPrices_ && !prices_.empty(); }
    /// Price of `kind` in year index k on path p (needs keepPrices).
    double price(PriceKind kind, std::size_t k, std::size_t p) const {
        return prices_[(static_cast<std::size_t>(kind) * years_ + k) * paths_ + p];
    }
    /// The q-quantile (0..1) of a price over all paths in year index k (nearest rank, like the engine).
    double priceQuantile(PriceKind kind, std::size_t k, double q) const;

private:
    std::size_t paths_;
    bool keepPrices_;
    PricingObserver* next_;
    std::size_t years_, periodsPerYear_, technologies_;
    std::vector<double> option_, never_, npv_;
    std::vector<int> action_, actionDate_;
    std::vector<float> prices_;
};

/// Mean of x[0..n) with its standard error; with antithetic sampling the pairs (2i, 2i+1) are
/// averaged first (as the engine does), so the SE is that of the antithetic estimator.
Estimate pathMean(const double* x, std::size_t n, bool antithetic);
/// Mean and standard error of the pathwise difference a - b (common random numbers).
Estimate pathDifference(const double* a, const double* b, std::size_t n, bool antithetic);

}  // namespace kp::results
