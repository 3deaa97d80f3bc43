#pragma once
/// \file loan_pricing.hpp
/// Statistics of a loan over simulated paths (the per-path rules are in kp/instruments/loan.hpp):
/// probabilities of default by year and cumulative, loss given default, expected loss, value at risk
/// and expected shortfall, the bank's expected present value and the break-even margin, each Monte
/// Carlo figure with its standard error.
///
/// Estimators:
/// - means (PD, expected loss, value) over antithetic pairs averaged first (as the engine does), so
///   the standard error is honest;
/// - LGD = E[loss at default] / E[EAD], a ratio estimator (sums over all paths, zero without default),
///   standard error by the delta method;
/// - VaR_q: the order statistic ceil(n q) of the per-path losses; its standard error from the
///   binomial band of ranks n q +- sqrt(n q (1 - q)) (half the width of the band; distribution-free);
/// - ES_q: the mean of the n (1 - q) largest losses; standard error sqrt((Var[L | L >= VaR] +
///   q (ES - VaR)^2) / (n (1 - q))) (Manistre and Hancock 2005, "Variance of the CTE estimator",
///   North American Actuarial Journal 9(2)). Both tail SEs treat paths as independent, which is
///   conservative for antithetic pairs (negatively correlated);
/// - break-even margin m*: E[valueHurdle(m*)] = amount on the same paths (common random numbers,
///   the lowest root: bracketed on a 1% grid from -5% to 50%, refined by TOMS 748), standard error
///   SE(valueHurdle) / |d E[valueHurdle] / dm|.
///
/// Determinism: paths are evaluated in fixed blocks of 1024 and every sum is formed per block and
/// combined in block order; quantiles come from the full per-path loss vector indexed by path. The
/// same inputs give bit-identical results on any number of threads.
///
/// Tested in tests/engine/loan_pricing_test.cpp.

#include <cstddef>
#include <vector>

#include "kp/engine/investment_lsm.hpp"
#include "kp/engine/lsm.hpp"
#include "kp/instruments/loan.hpp"

namespace kp {

/// Collects what a loan needs from the engine's pricing pass (InvestmentLsm::value with this as the
/// observer): per path and loan period, the plant's cash flow under the policy converted to nominal
/// money, the emission intensity (tCO2 per tonne produced; NaN when nothing is produced), and the
/// period in which the plant closes. Capex is not charged to the cash flow: it is paid by the loan
/// and the sponsors' equity (docs/loans.md).
/// What else a loan may need from the pricing pass (LoanPathRecorder): the draw on investment and
/// the plant's value.
struct LoanRecording {
    /// >= 0: the loan is drawn on path p in the loan period of the year the policy invests in this
    /// technology (engine index), if that period is below drawPeriods; never otherwise. -1: drawn at
    /// the start on every path (no drawPeriod in the view).
    int drawTechnology = -1;
    std::size_t drawPeriods = 1;
    /// Not empty: record the plant's value at the end of each period y: the PV at that date of the
    /// path's cash flows of years y + 1 to the end of the engine's horizon under the policy,
    /// sum_k CF_k D(k) / D(y + 1) with D(k) = plantDiscount[k] the case's discount factor of year k
    /// (one per engine year and one more), in nominal money of period y.
    std::vector<double> plantDiscount;
    /// >= 0: record, per path, the loan period in which this technology (engine index, the financed
    /// option) first operates when the policy invests in it (its construction and infrastructure
    /// done; the view's operationPeriod, for completion support); the recorded periods otherwise.
    int operationTechnology = -1;
};

class LoanPathRecorder final : public PricingObserver {
public:
    /// `firstYear`: the engine's year index of the loan's first period; nominal[i]: the factor that
    /// turns period i's real money into nominal money (one per period recorded).
    LoanPathRecorder(std::size_t paths, std::size_t firstYear, std::vector<double> nominal,
                     LoanRecording recording = {});
    void onBlock(const PricingBlock& b) override;
    LoanPathView view() const;
    /// An empty recorder of the same shape (paths, years, nominal factors, what it records).
    LoanPathRecorder sameShape() const;
    /// The incremental cash flow: this recorder's cash flows and plant values minus `baseline`'s
    /// (the same shape, recorded on the same paths under another policy, e.g. never investing),
    /// path by path; the emission intensity, the closing year and the draw stay this recorder's.
    void subtract(const LoanPathRecorder& baseline);

private:
    std::size_t paths_, firstYear_;
    LoanRecording rec_;
    std::vector<double> nominal_, cash_, kpi_, plant_;
    std::vector<int> close_, draw_, operation_;
};

/// The pricing pass a loan needs (the engine's path and observer machinery, docs/loans.md "Cash flow
/// for debt service"): trains settings.rules rules once and prices the borrower's policy
/// (settings.fixedPolicy, or the trained rule) into `recorder`. With `incremental`, never investing
/// (FixedPolicy{-1}) is decided beside it on the same pricing blocks (kp::BesidePolicy) into a
/// recorder of the same shape, which is then subtracted: the
/// recorder holds the policy's cash flow minus never investing's, path by path. Without it, this is
/// InvestmentLsm::value(problem, settings, &recorder). `rules` given: these rules instead of training
/// them (a valuation's own, trained on the same problem with the same settings: the same figures).
/// Returns the policy's valuation.
InvestmentResult recordLoanCashFlows(InvestmentLsm& engine, const InvestmentProblem& problem,
                                     const InvestmentSettings& settings, LoanPathRecorder& recorder, bool incremental,
                                     const std::vector<InvestmentRule>* rules = nullptr);

/// The cash flow each period of a loan of `tenor` periods can count on at origination: per period i
/// from the draw, the mean (quantile NaN) or the quantile in (0, 1) of the cash flows over the paths
/// that draw (the order statistic ceil(n quantile); a loan file's pNN, the cash flow exceeded on NN%
/// of the paths, is the quantile 1 - NN/100) (view.drawPeriod; every path without it), in period draw + i. Empty if no path draws.
/// `operating` (completion support; needs view.operationPeriod): period i counts only the paths on
/// which the financed investment operates by then (draw + i >= operationPeriod), the periods before
/// being served by the sponsors; NaN where no path does (not sized on).
std::vector<double> sizingCashFlows(const LoanPathView& view, std::size_t tenor, double quantile,
                                    bool operating = false);

/// Value at risk and expected shortfall of a loss distribution at one confidence level.
struct TailRisk {
    double level = 0;
    Estimate var, es;
};

/// VaR and ES of per-path losses at `level` in (0, 1) (see the file comment for the estimators).
TailRisk tailRisk(std::vector<double> losses, double level);

struct LoanPricingSettings {
    bool antithetic = true;   ///< paths come in antithetic pairs (2k, 2k + 1)
    std::size_t threads = 0;  ///< 0: all hardware threads
};

struct LoanStatistics {
    Estimate pdCumulative;            ///< probability of default over the tenor (unconditional)
    Estimate drawProbability;         ///< share of paths that draw the loan (1 without drawPeriod)
    Estimate pdGivenDrawn;            ///< pdCumulative / drawProbability (ratio estimator, delta-method SE)
    Estimate lent;                    ///< E[PV of the amount lent on the hurdle curve] (the break-even target)
    std::vector<Estimate> pdAnnual;   ///< per period: probability of default in that period
    Estimate lgd;                     ///< loss at default after the guarantee / exposure
    Estimate expectedLoss;            ///< E[loss], PV at the drawdown (base curve)
    Estimate expectedExposure;        ///< E[EAD | default] (NaN without defaults)
    TailRisk tail99, tail999;         ///< VaR and ES of the loss at 99% and 99.9%
    Estimate value;                   ///< E[PV of what the bank receives], base curve
    Estimate valueHurdle;             ///< the same on the base curve plus the required return
    /// With completion support only (zero otherwise): E[PV at the origination of the debt service
    /// the sponsors pay outside the cash flow] (funded grace years and completion support), and the
    /// share of paths on which the sponsors pay a period past the grace years (the investment
    /// operates after the grace years' end, or never within the tenor)
    Estimate sponsorPaid, completionLate;
    std::vector<double> loss;         ///< per path (kept when asked: portfolios)
    std::vector<int> defaultPeriod;   ///< per path (kept when asked)
};

/// The mean of per-path values (antithetic pairs averaged first), summed per block in block order.
Estimate meanOverPaths(const std::vector<double>& x, const LoanPricingSettings& settings);

/// Evaluates the loan on every path of `view` and forms the statistics.
LoanStatistics priceLoan(const LoanTerms& terms, const LoanSchedule& schedule, const LoanVariant& variant,
                         const LoanPathView& view, const LoanPricingSettings& settings, bool keepPaths = false);

/// The lowest margin at which E[valueHurdle] equals the amount lent (NaN value if none in [-5%, 50%]).
Estimate breakevenMargin(const LoanTerms& terms, const LoanSchedule& schedule, const LoanVariant& variant,
                         const LoanPathView& view, const LoanPricingSettings& settings);

/// The same with a schedule per draw period (kp/instruments/loan.hpp). With view.drawPeriod, the
/// break-even equation is E[valueHurdle] = E[amount lent, PV on the hurdle curve] (0 on the paths
/// that never draw); PD, EL and values are unconditional (over every path).
LoanStatistics priceLoan(const LoanTerms& terms, const std::vector<LoanSchedule>& schedules,
                         const LoanVariant& variant, const LoanPathView& view, const LoanPricingSettings& settings,
                         bool keepPaths = false);
Estimate breakevenMargin(const LoanTerms& terms, const std::vector<LoanSchedule>& schedules,
                         const LoanVariant& variant, const LoanPathView& view, const LoanPricingSettings& settings);

}  // namespace kp
