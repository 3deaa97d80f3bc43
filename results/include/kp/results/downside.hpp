#pragma once
/// \file downside.hpp
/// The downside of each strategy of a valuation (issue 15, item 3): the probability of a loss,
/// value-at-risk and expected shortfall at 95% and 99%, each with a standard error, computed on the
/// pricing paths' realised discounted values (kp::PricingBlock: optionValue, npvNow, neverInvest,
/// kept per path by PathValues), the cash flow at risk per year under the optimal strategy, and
/// each strategy's worst year (WorstYears) and its distribution.
///
/// Conventions (docs/valuation.md, "Downside"): a strategy's NPV on a path is its realised present
/// value as the engine values it: the plant's own cash flows included (carrying on, closing,
/// decommissioning), capex net of grant, subsidies, and after-horizon values when the case asks for
/// them. VaR and ES are reported as values of that NPV, not as losses: var_95 is the 5% quantile of
/// the NPV (the lower empirical quantile: the ceil(0.05 n)-th smallest of n paths), es_95 the mean
/// of the worst 5% of paths (the 0.05 n smallest, the boundary path with its fractional weight); a
/// negative figure is a loss. P(loss) = P(NPV < 0). `vsNever` is the same for the strategy's NPV
/// minus never investing's on the same path: how much worse than carrying on it can turn out.
///
/// Standard errors by sectioning (Asmussen & Glynn 2007, "Stochastic Simulation", III.5a): the
/// statistic on all n paths, theta, and on K independent batches, theta_k; SE^2 = sum (theta_k -
/// theta)^2 / (K (K - 1)), widened to the Student-t quantile with K - 1 degrees of freedom as the
/// engine's other standard errors (docs/valuation.md, "Uncertainty"). With R > 1 rules the batches
/// are the rules' shares of the pricing paths (kp::ruleShare), so the SE includes the rules' own
/// noise; with one rule, 8 contiguous batches of whole antithetic pairs (pricing noise only).
/// P(loss)'s SE is floored at its pricing error (the indicator's mean, antithetic pairs averaged
/// first), as the engine floors its means' (slotEstimate). With fewer than
/// two batches (a valuation of one antithetic pair) the SE is NaN.
///
/// Determinism: every statistic is a function of the per-path arrays (indexed by path, filled by
/// the observer from any thread), sorted copies and sums in sorted order: bit-identical for any
/// thread count. Tested in tests/results/downside_test.cpp.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kp/core/estimate.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/results/path_values.hpp"

namespace kp::results {

/// P(loss), VaR and ES of one per-path sample (see the file comment for the conventions).
struct DownsideLevels {
    Estimate pLoss, var95, es95, var99, es99;
};

/// The distribution of a strategy's worst year over the pricing paths (see WorstYears for the
/// worst year of a path): its mean, its lower empirical 1%, 5% and 50% quantiles (the same
/// convention as VaR: the ceil(q n)-th smallest) and P(worst year < 0), each with its sectioning
/// standard error (the mean's and P's floored at their pricing errors, as P(loss)'s). Money: the
/// case currency of the price base year, undiscounted, in the year.
struct WorstYearLevels {
    Estimate mean, p1, p5, p50, pNegative;
};

/// One strategy's downside: `strategy` is "optimal", "invest_now" (with `technology`) or
/// "never_invest"; vsNever is absent for never investing itself; worstYear is absent unless the
/// worst years were recorded (downside's `worst`).
struct StrategyDownside {
    std::string strategy, technology;
    DownsideLevels npv;
    std::optional<DownsideLevels> vsNever;
    std::optional<WorstYearLevels> worstYear;
};

/// The cash flow at risk of one calendar year under the optimal strategy (undiscounted, real money
/// of the price base year): the 5% quantile and the median of the year's operating cash flow (capex
/// excluded: kp::PricingBlock::cashFlow) and the 5% quantile of the cash flow after capex net of
/// grant (cashFlow - investment), each with its sectioning standard error.
struct CashFlowAtRisk {
    int year = 0;
    Estimate operatingP5, operatingP50, afterCapexP5;
    Estimate operatingP1;  ///< the 1% quantile of the operating cash flow (JSON and the report's chart)
};

struct Downside {
    std::vector<StrategyDownside> strategies;  ///< optimal, invest now in each technology allowed now, never invest
    std::vector<CashFlowAtRisk> cashFlowAtRisk;  ///< per calendar year (empty without YearCashFlows)
    std::size_t batches = 0;  ///< K of the standard errors
    bool byRules = false;     ///< the batches are the rules' shares
};

/// The batches of the standard errors: the rules' shares with rules > 1, else min(8, units)
/// contiguous batches of whole units (antithetic pairs, or paths without antithetic sampling).
std::vector<PathRange> downsideBatches(std::size_t paths, std::size_t rules, bool antithetic);

/// The levels of x[0..n) with their sectioning standard errors over `batches` (which partition [0, n));
/// P(loss)'s floored at its pricing error (`antithetic`: pairs (2i, 2i+1) averaged first).
DownsideLevels downsideLevels(const double* x, std::size_t n, const std::vector<PathRange>& batches,
                              bool antithetic);

/// The mean of x[0..n) with its sectioning standard error over `batches`, floored at its pricing
/// error (as WorstYearLevels::mean): the rules' spread included with several rules.
Estimate sectionedMean(const double* x, std::size_t n, const std::vector<PathRange>& batches, bool antithetic);

/// The lower empirical q-quantile (the ceil(q m)-th smallest) and the mean of the q m smallest of
/// v[0..m), v sorted ascending; q in (0, 1).
double lowerQuantile(const std::vector<double>& sorted, double q);
double expectedShortfall(const std::vector<double>& sorted, double q);

/// Keeps each path's yearly operating cash flow and cash flow after capex under the policy (floats,
/// [year][path]; a quarterly case's periods summed per calendar year) for the cash flow at risk.
/// `next`: an observer that also sees every block, or nullptr.
class YearCashFlows final : public PricingObserver {
public:
    YearCashFlows(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next = nullptr);
    void onBlock(const PricingBlock& b) override;
    std::size_t paths() const { return paths_; }
    std::size_t years() const { return years_; }
    int startYear() const { return startYear_; }
    const float* operating(std::size_t k) const { return operating_.data() + k * paths_; }
    const float* afterCapex(std::size_t k) const { return afterCapex_.data() + k * paths_; }

private:
    std::size_t paths_, years_, periodsPerYear_;
    int startYear_;
    PricingObserver* next_;
    std::vector<float> operating_, afterCapex_;
};

/// Each pricing path's worst year under the policy priced: the lowest yearly net cash flow
/// (kp::PricingBlock::cashFlow: the plant's and the investment's cash flows, subsidies and carbon
/// costs included, an exit's value minus its cost in its year; capex excluded, as it is paid by the
/// loan and the sponsors' equity) over the calendar years of the horizon, undiscounted, in money of
/// the price base year (a quarterly case's periods summed per year). A year whose net cash flow is
/// exactly 0 is left out: nothing runs and nothing is paid (after closing or the end of life, before
/// anything starts); it is not a bad year of the plant but no year of it. A path with no cash flow in
/// any year has worst year 0. Values in double. Tested in tests/results/downside_test.cpp.
class WorstYears final : public PricingObserver {
public:
    /// `next`: an observer that also sees every block, or nullptr.
    WorstYears(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next = nullptr);
    void onBlock(const PricingBlock& b) override;
    std::size_t paths() const { return worst_.size(); }
    /// [p]: path p's worst year, case currency.
    const double* worst() const { return worst_.data(); }
    /// [p]: the calendar year of it (startYear - 1: no year with a cash flow).
    const int* year() const { return year_.data(); }

private:
    std::size_t years_, periodsPerYear_;
    int startYear_;
    PricingObserver* next_;
    std::vector<double> worst_;
    std::vector<int> year_;
};

/// The worst years of every strategy on the same pricing paths: the valuation's own policy (its
/// WorstYears), and investing now in each technology allowed now and never investing, each under a
/// fixed policy (kp::FixedPolicy: invest in j at the start year, or never) on the valuation's paths
/// with its rules: the fixed policy's realised value is investing now's npv_now path by path.
struct StrategyWorstYears {
    std::vector<double> optimal, never;          ///< [p]
    std::vector<std::vector<double>> investNow;  ///< [j][p]; empty for a technology not allowed now
};

/// The static strategies of a valuation (each technology allowed now, and never investing),
/// recorded beside its pricing pass: give beside() to InvestmentLsm::price, which then shows each
/// pricing block under each fixed policy too (kp::BesidePolicy: the same blocks a separate pricing
/// with settings.fixedPolicy would show, bit for bit, without simulating the paths again).
class StaticStrategies {
public:
    /// `observer` (may be null) sees every block of every strategy (a progress bar).
    StaticStrategies(std::size_t paths, const InvestmentProblem& problem, PricingObserver* observer = nullptr);
    /// The fixed policies and their observers, for InvestmentLsm::price's `beside`.
    std::vector<BesidePolicy> beside();
    /// After the pricing: every strategy's worst years, `optimal` the valuation's own.
    StrategyWorstYears worstYears(const WorstYears& optimal) const;

private:
    std::size_t paths_;
    int startYear_;
    std::vector<std::unique_ptr<WorstYears>> investNow_;  ///< [j]; null for a technology not allowed now
    std::unique_ptr<WorstYears> never_;
};

/// The distribution of x[0..n) (per-path worst years) with sectioning standard errors over
/// `batches`, as downsideLevels.
WorstYearLevels worstYearLevels(const double* x, std::size_t n, const std::vector<PathRange>& batches,
                                bool antithetic);

/// The downside of every strategy of `r` (valued with `antithetic` sampling) from the per-path
/// values of the same valuation, given `cash` the cash flow at risk per year, and given `worst` the
/// distribution of each strategy's worst year. A technology not allowed now (NaN npv_now) has no row.
/// The strategies and the years are computed in parallel on `threads` threads (0: all hardware
/// threads), each into its own slot: the same figures on any number of threads.
Downside downside(const PathValues& pv, const InvestmentResult& r, bool antithetic,
                  const YearCashFlows* cash = nullptr, const StrategyWorstYears* worst = nullptr,
                  std::size_t threads = 0);

/// The conventions in one sentence (JSON `downside.convention`, the text's heading).
extern const char* const kDownsideConvention;
/// The worst year's (JSON `downside.worst_year.convention`).
extern const char* const kWorstYearConvention;

/// JSON `downside`: {convention, standard_error, optimal, invest_now {technology: ...}, never_invest,
/// cash_flow_at_risk, worst_year}; each strategy {p_loss, var_95, es_95, var_99, es_99} as {value,
/// std_error} (money in the case currency), plus vs_never (not for never_invest); worst_year (only
/// when recorded): {convention, optimal, invest_now {technology: ...}, never_invest}, each {mean, p1,
/// p5, p50, p_negative}.
nlohmann::ordered_json downsideJson(const Downside& d);
/// downside.csv (value --out): one row per strategy and basis (npv, vs_never), units in the names.
std::string downsideCsv(const Downside& d, const std::string& currency);
/// cash_flow_at_risk.csv (value --out): one row per year.
std::string cashFlowAtRiskCsv(const Downside& d, const std::string& currency);
/// worst_year.csv (value --out): one row per strategy with a worst year.
std::string worstYearCsv(const Downside& d, const std::string& currency);

}  // namespace kp::results
