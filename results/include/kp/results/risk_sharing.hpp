#pragma once
/// \file risk_sharing.hpp
/// The value of risk-sharing (issue 15, item 5): a case valued as written and with each
/// risk-sharing instrument added (a state guarantee on a share of the capex overrun, insurance of
/// incidents, a carbon contract for difference, and their combination), and what each does to the
/// owner (decision, value, timing, expected shortfall), the state (its expected and tail cost) and an
/// insurer (expected claims and premium). The rows of `kruispunt compare CASE --instruments ...`
/// (app/risk_sharing_run.cpp; docs/valuation.md, "Risk sharing").
///
/// The state's and the insurer's payments are simulated path by path in the valuation's own pricing
/// pass under the priced policy (kp::PricingBlock subsidy, guarantee, grant, insured, premium, from
/// kp::PeriodOutcome), discounted to the valuation date with the case's factors, so their mean, tail
/// and the owner's figures come from the same paths. Each row is the case with a few `--set` lines
/// (instrumentSets), so `kruispunt value CASE --set ...` reproduces any row; every row has the same
/// seed, hence the same prices and technology-risk draws (common random numbers), and the changes
/// against the first row are pathwise differences.
///
/// Determinism: per-path arrays indexed by path, statistics on sorted copies (downside.hpp):
/// bit-identical for any thread count. Tested in tests/results/risk_sharing_test.cpp.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kp/cases/case_file.hpp"
#include "kp/core/estimate.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/results/compare.hpp"
#include "kp/results/downside.hpp"

namespace kp::results {

/// Each pricing path's discounted payments by the state and an insurer under the policy priced:
/// the sum over periods of D_k x the period's kp::PricingBlock subsidy, guarantee, grant, insured
/// and premium (case currency of the price base year, present value at the valuation date).
class SharedPayments final : public PricingObserver {
public:
    enum Part : std::size_t { Subsidy, Guarantee, Grant, Insured, Premium };
    static constexpr std::size_t kParts = 5;
    /// `next`: an observer that also sees every block, or nullptr.
    SharedPayments(std::size_t paths, const InvestmentProblem& problem, PricingObserver* next = nullptr);
    void onBlock(const PricingBlock& b) override;
    std::size_t paths() const { return paths_; }
    /// [p]: the part's present value on path p.
    const double* part(Part q) const { return parts_.data() + static_cast<std::size_t>(q) * paths_; }
    /// [p]: the state's payments: subsidy (SDE++ or CCfD, net of paybacks) + guarantee + grant.
    std::vector<double> state() const;

private:
    std::size_t paths_;
    std::vector<double> discount_;
    PricingObserver* next_;
    std::vector<double> parts_;  ///< [part][p]
};

/// The state's cost of a valuation's policy (present values; means with sectioning SEs as the
/// downside's): the total and its parts, its 99% quantile (the ceil(0.99 n)-th smallest: 1% of
/// paths cost at least as much) and its 99% expected shortfall (the mean of the dearest 1% of paths,
/// the boundary path with its fractional weight), each with its sectioning SE.
struct StateCost {
    Estimate total, subsidy, guarantee, grant;
    Estimate p99, es99;
};
/// An insurer's view: the expected present value of the claims it pays and of the premium it earns.
struct InsurerCost {
    Estimate claims, premium;
};

StateCost stateCost(const SharedPayments& s, const std::vector<PathRange>& batches, bool antithetic);
InsurerCost insurerCost(const SharedPayments& s, const std::vector<PathRange>& batches, bool antithetic);

/// The terms of the instruments a row adds (the command's options). Defaults: ASSUMPTION unless a
/// source is given (docs/valuation.md, "Risk sharing").
struct RiskSharingTerms {
    double guaranteeShare = 0.5;  ///< share of the overrun the state pays (as scripts/technology-risk.sh)
    double insuredShare = 0.8;    ///< insurance: share of each loss above the deductible
    double deductible = 1e7;      ///< EUR per incident
    double limit = 1e9;           ///< EUR per incident
    double loading = 1.5;         ///< premium = loading x expected insured loss
    double ccfdStrike = 150;      ///< EUR/tCO2
    int ccfdYears = 15;           ///< operating years (FACTS.md 4 and 9: SDE++ terms of 12 or 15 years)
    std::vector<std::string> ccfdOptions;  ///< the options that get the CCfD (empty: every one without a subsidy)
};

/// The instruments a comparison may name, in their canonical order: as_written, guarantee,
/// insurance, ccfd, combined (the three), no_insurance (the case's insurance removed).
const std::vector<std::string>& riskSharingInstruments();
/// The names of `--instruments LIST` (comma-separated; "-" and "_" alike; "as-written" first if not
/// named). Throws kp::InvalidInput naming --instruments for an unknown name.
std::vector<std::string> instrumentList(const std::string& list);

/// The `--set` lines that add `instrument` to the case `c` on the options it applies to (guarantee:
/// options with a capex overrun risk; insurance and no_insurance: options with incidents; ccfd:
/// terms.ccfdOptions, or every investment option without a subsidy; a named option's SDE++ is
/// replaced by it, `sde=null`). `notes` gets a sentence for each instrument that finds nothing to act
/// on and for each SDE++ replaced. Throws kp::InvalidInput naming --ccfd-options for a name that is
/// not an investment option of the case.
std::vector<std::string> instrumentSets(const cases::CaseFile& c, const std::string& instrument,
                                        const RiskSharingTerms& terms, std::vector<std::string>* notes);

/// One row: the case with the instrument, valued.
struct RiskSharingRow {
    std::string instrument;
    std::vector<std::string> sets;   ///< what makes the row from the case (after the command's own --set)
    std::vector<std::string> notes;  ///< instruments that found nothing to act on
    ScenarioRun run;                 ///< the valuation and its per-path values
    std::unique_ptr<SharedPayments> shared;
    Downside downside;               ///< every strategy's; the owner's ES: the optimal strategy's
    StateCost state;
    InsurerCost insurer;
    std::vector<PathRange> batches;  ///< of the standard errors (downsideBatches)
    bool antithetic = true;
    /// Against the first row on the same paths (pathwise, sectioning SEs; NaN in the first row): the
    /// owner's option value and the state's cost.
    Estimate ownerGain, stateExtra;
};

/// Values one row: the case at `path` with `sets` (the command's, then the instrument's) under
/// `scenario` with the run overrides; `observer` (may be null) sees every pricing block.
RiskSharingRow runRiskSharingRow(const std::string& path, const std::string& instrument,
                                 const std::vector<std::string>& sets, const std::vector<std::string>& instrumentSets,
                                 const cases::RunOverrides& overrides, const std::string& scenario,
                                 PricingObserver* observer);
/// Fills ownerGain and stateExtra of every row against the first.
void compareToFirst(std::vector<RiskSharingRow>& rows);

/// P(invested in each technology over the horizon) under the row's policy (relines, mothballing and
/// technologies beside the plant left out): the route.
std::vector<std::pair<std::string, double>> route(const InvestmentResult& r);

/// JSON: {convention, terms {...}, rows [{instrument, sets, notes, decision, technology, option_value,
/// value_of_waiting, owner_gain, invest_by_2030, invest_by_2035, route, trigger, owner {p_loss,
/// var_95, es_95, var_99, es_99}, state {cost, subsidy, guarantee, grant, p99, es_99, extra},
/// insurer {claims, premium}}]} (money in the case currency).
nlohmann::ordered_json riskSharingJson(const std::vector<RiskSharingRow>& rows, const RiskSharingTerms& terms);
/// The CSV table: one row per instrument, units in the column names.
std::string riskSharingCsv(const std::vector<RiskSharingRow>& rows, const std::string& currency);

/// The conventions in one sentence (JSON `convention`).
extern const char* const kRiskSharingConvention;

}  // namespace kp::results
