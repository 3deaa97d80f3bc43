#pragma once
/// \file investment_lsm.hpp
/// Invest now, wait, or close: least-squares Monte Carlo over mutually exclusive technologies
/// (Longstaff & Schwartz 2001, with several exercise alternatives as in Gamba 2003, "Real options
/// valuation: a Monte Carlo approach").
///
/// API: train(problem, settings) returns the rule (a value, kp::InvestmentRule); price(problem, rule,
/// settings) applies it on fresh paths; value(problem, settings) does both. Sensitivities, break-even
/// and scenario comparisons train once and price many times, on any engine object or thread.
///
/// Files: investment_lsm.cpp (this API, checks), investment_paths.cpp (a block of paths: factors,
/// arrival dates, the instrument's cash flows), investment_training.cpp (training paths, backward
/// induction), investment_pricing.cpp (the pricing pass), investment_statistics.cpp (per-block sums
/// to the result), investment_trigger.cpp (the CO2 trigger read off the rule). The cash flows are
/// the instrument's (kp::InvestmentInstrument, instruments/); the engine owns regression and choice.
///
/// Method, per path (money discounted to t = 0, see investment_project.hpp for the grid):
/// - base[k] = net cash flow of year k of the plant as it is (kp::yearCashFlows), 0 from
///   remainingLifeYears on; tech_j[k] = the same running technology j (subsidy-free), sde_j[k] its
///   subsidy in an operating year inside the subsidy term.
/// - B(d) = sum_{k >= d} D_k base[k] (carry on); C(d) = D_d (value - cost) of the best exit allowed
///   at d; I_j(d) = -D_d (capex_j(d) - grant) + base during the construction years + tech_j for the
///   lifetime (clipped at the horizon) + the subsidy for its term, where capex_j(d) is on the
///   learning curve at the running maximum of deployment at d. I_j(d) is allowed when d is in the
///   window and every infrastructure it needs arrives by the start of operation (the arrival date is
///   drawn at t = 0 from one normal per infrastructure, and is known construction-years ahead).
/// - Backward induction on stored training paths: W = realised value of the current policy from d on.
///   At each decision date the continuation D_d base[d] + E[W(d+1) | x] and each E[I_j(d) | x] (on the
///   paths where j is allowed) are regressed on a basis of the standardised features x = (prices of
///   the stochastic factors, learning factors, one indicator per infrastructure: arrived by d);
///   features constant at a date are dropped from that date's basis. The action with the largest
///   estimate is taken and W is updated with its realised value. The regression is the deterministic
///   CholeskyQR2 of engine/src/detail/regression.hpp; a date's regressions share one design and are
///   fitted together (fitLeastSquaresMany: one pair of passes over the paths for all of them).
/// - Pricing on fresh paths (stream Pricing), block by block, with the trained rule: option value,
///   npv_now (mean of I_j(0)), never-invest value B(0), value of waiting with the standard error of
///   the pathwise difference, timing, emissions and carbon costs.
///
/// Determinism: fixed 1024-path blocks, reductions in block order: bit-identical on any thread count.
/// Memory: training paths x decision dates x (technologies + 2 + features) doubles, plus the factor
/// states; the pricing pass keeps per path only the annual emissions and carbon costs (floats) for the
/// percentiles.
///
/// Numerical fallbacks are counted in the result: dates with fewer training paths than twice the
/// design's columns regress on the mean (fallbackDates), fits whose CholeskyQR2 failed
/// (householderFits) or whose R factor was rank-deficient (rankDeficientFits).
///
/// Tested in tests/engine/investment_lsm_test.cpp (deterministic limit vs enumeration, McDonald-Siegel,
/// direction checks, consistency, determinism, a rule priced on another engine and thread count, a
/// rule pricing a bumped problem, bad input).

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kp/core/estimate.hpp"
#include "kp/core/mc_settings.hpp"
#include "kp/engine/decision_rule.hpp"
#include "kp/engine/investment_problem.hpp"

namespace kp {

/// A fixed policy instead of the trained one: invest in `technology` at the decision date of calendar
/// year `year` on every path (technology -1: never invest). A path where the technology's window does
/// not contain `year` never invests; infrastructure still delays the start of operation as usual.
struct FixedPolicy {
    int technology = -1;
    int year = 0;
};

/// Valuation settings: the shared Monte Carlo settings (kp/core/mc_settings.hpp; the basis and
/// degree of the regressions, which case files set in their `simulation` section), and what to price.
struct InvestmentSettings : McSettings {
    /// Price this policy instead of the rule's (trigger and decision still describe the rule; option
    /// value, timing and emissions describe this policy).
    std::optional<FixedPolicy> fixedPolicy;
};

/// The training seed of rule b of a valuation (McSettings::rules): the valuation's seed for rule 0,
/// an independent key for the others (the same for any number of threads).
std::uint64_t ruleSeed(std::uint64_t seed, std::size_t b);

/// A range of pricing paths [first, last).
struct PathRange {
    std::size_t first = 0, last = 0;
};

/// The pricing paths that rule b prices when `rules` rules share a valuation of `paths` paths
/// (InvestmentLsm::price): contiguous whole blocks of 1024 paths, rule 0 first. For statistics that
/// need the rules' shares as independent batches (results/downside.hpp).
PathRange ruleShare(std::size_t paths, std::size_t rules, std::size_t b);

/// What reading the CO2 trigger off a rule needs at one date, taken from the training paths: the
/// range of the CO2 price searched (its 1st to 99th percentile) and the least-squares line of the
/// period's discounted carry-on cash flow in the CO2 price (known on a path, but not a feature).
struct TriggerRange {
    double co2Lo = 0, co2Hi = 0;
    double slope = 0, intercept = 0;
};

/// The trained rule of an investment problem (InvestmentLsm::train). Per date d, the targets of
/// `decisions.dates[d].beta`: waiting (the continuation D_d base[d] + E[W(d+1)], empty at the last
/// date), each technology j (E[I_j(d)], empty outside its window), and for each stage its value now
/// and the stage rule's from d + 1 (empty outside its window); see the index functions.
/// The rule of the operating modes of the options with switching costs (OperatingFlexibility::
/// switching): per option and date k, a regression on the date's features of the value from k + 1
/// on entering period k + 1 in each open running mode (least-squares Monte Carlo of an optimal
/// switching problem, one continuation value per mode: LSMRealOptions' LSM_real_option_OF;
/// Carmona and Ludkovski 2008). Trained on the investment rule's training paths before it, backwards
/// from the horizon with the realised values of its own choices; applied on each block of paths
/// (InvestmentInstrument::chooseSwitch), so that I_j(d) of such an option is its value under this
/// rule. Empty without switching costs (engine/src/investment_switching.cpp).
struct SwitchingRule {
    std::vector<std::size_t> options;  ///< the technologies with switching costs
    std::vector<DateRule> dates;       ///< [o * H + k]: design and beta[m], m < kRunningModes (empty: not open)
    std::size_t householderFits = 0, rankDeficientFits = 0;  ///< its fits' numerical fallbacks (RegressionWorkspace)
    bool empty() const { return options.empty(); }
};

struct InvestmentRule {
    DecisionRule decisions;
    SwitchingRule switching;  ///< operating modes with switching costs (empty: none)
    std::vector<char> active;                      ///< per date: an action besides waiting was open
    std::vector<std::vector<double>> featureMean;  ///< per date: each feature's mean on the training paths
    std::vector<TriggerRange> trigger;             ///< per date (CO2 a feature and a technology)
    /// The first date's fit for reading today's trigger (investment_training.cpp, kCo2Spread): the
    /// value of waiting and of investing now regressed on paths started from CO2 prices spread
    /// around today's (the rule's own paths all start at today's prices). No design: not fitted.
    DateRule firstDate;
    TriggerRange firstRange;  ///< its CO2 range and carry-on line
    /// The shape of the problem it was trained on (price() checks it).
    std::size_t periods = 0, periodsPerYear = 0, technologies = 0, stages = 0, features = 0,
                continuousFeatures = 0;

    static std::size_t wait() { return 0; }
    static std::size_t technology(std::size_t j) { return 1 + j; }
    std::size_t stageExercise(std::size_t st) const { return 1 + technologies + 2 * st; }
    std::size_t stageContinue(std::size_t st) const { return 2 + technologies + 2 * st; }
    /// A technology beside the plant (Technology::alongside): the fit of its own part, I_j(d) minus
    /// never investing from d (its capex, own flows, subsidy, licence income, its stage's value).
    /// These entries follow the stages' and exist only when some technology is alongside. The rule
    /// builds it only where this estimate is > 0: necessary, since the best continuation is worth at
    /// least never investing from d, and it keeps the rule from building a pilot that does not pay
    /// for itself where the two large fits (investing, waiting) differ by their noise.
    std::size_t ownPart(std::size_t j) const { return 1 + technologies + 2 * stages + j; }
    /// The rule of the relined plant (kp::relinedProject): one entry when the problem has a relined
    /// state (kp::hasRelinedState), trained on the same training paths before this rule, whose
    /// reline target is -D_d capex + its realised value from d on; empty otherwise.
    std::vector<InvestmentRule> afterReline;
};

enum class Decision { InvestNow, Wait, Close };

/// Where the switch to investing lies at a date, scanning the CO2 price upwards across the range of
/// the training paths (their 1st to 99th percentile), the other features at their means.
enum class TriggerStatus {
    Found,       ///< the CO2 price above which the rule invests
    AboveRange,  ///< the rule invests nowhere in the range, but its margin for investing rises with the price
    BelowRange,  ///< the rule invests already at the lowest price of the range
    NoSwitch,    ///< nowhere in the range with a margin not rising, no technology open, or CO2 not a factor
};
std::string toString(TriggerStatus s);  ///< "found", "above_range", "below_range", "no_switch"
std::string toString(Decision d);  ///< "invest_now", "wait", "close"

struct Percentiles {
    double p5 = 0, p50 = 0, p95 = 0;
};

/// One of the futures a path of the flexible strategy ends in: its probability, its contribution
/// to the option value E[V 1{outcome}] (the four contributions sum to the option value) with its
/// standard error, and the mean value on its paths E[V | outcome] (NaN when no path ends so).
struct OutcomeShare {
    double probability = 0;
    Estimate contribution;
    double meanValue = 0;
};

/// "Never invest" split by what happens to the plant as it is (issue 14): closed early (an exit),
/// relined (its life extended, plant.reline), run to the end of its remaining life inside the
/// horizon (then stopped, paying its decommissioning), still running at the horizon (its life
/// reaches past it), or mothballed (plant.mothball; `restarted` of them later restarted); invested
/// (in a technology that is not a reline, mothballing or beside the plant); and piloted (a
/// technology built beside the plant, Technology::alongside, the plant running on to its end). The
/// seven add up.
struct Outcomes {
    OutcomeShare invested, closedEarly, endOfLife, runningAtHorizon, relined, piloted, mothballed;
    double restarted = 0;  ///< P(mothballed and later restarted), part of mothballed.probability
    /// With a relined state (kp::relinedProject): P(relined, then invested in a technology), part of
    /// invested.probability (such a path counts as invested, in the technology's year), and P(relined,
    /// then closed), part of closedEarly.probability; relined.probability is the paths that relined
    /// and took no later decision.
    double relinedThenInvested = 0, relinedThenClosed = 0;
    /// The seven in the order of the pricing pass's outcome index (investment_pricing.cpp).
    std::array<OutcomeShare*, 7> shares() {
        return {&invested, &closedEarly, &endOfLife, &runningAtHorizon, &relined, &piloted, &mothballed};
    }
    int endOfLifeYear = 0;  ///< the calendar year the plant as it is stops (start year + remaining life)
};

/// Production and what it implies in one calendar year, expected under the strategy (issue 14):
/// reported, not valued.
struct ProductionYear {
    double operating = 0;  ///< P(the site makes product in the year)
    double output = 0;     ///< E[t of product made here]
    double lost = 0;       ///< E[t the plant as it is would make (nameplate) but is not made here]
    double jobs = 0;       ///< E[direct employment] (mean over the year's periods)
    double leakage = 0;    ///< E[tCO2 emitted abroad making the lost output] = lost x Plant::foreignIntensity
};

struct InvestmentResult {
    Decision decision = Decision::Wait;
    int technology = -1;                   ///< for InvestNow: index into problem.project.technologies
    std::vector<std::string> technologyNames;
    std::vector<char> relines;             ///< per technology: 1 if it is a reline (Technology::isReline)
    std::vector<char> alongside;           ///< per technology: 1 if it runs beside the plant (Technology::alongside)
    std::vector<char> mothballs;           ///< per technology: 1 if it mothballs the plant (Technology::isMothball)
    std::vector<Estimate> npvNow;          ///< per technology: E[I_j(0)] (NaN value if not allowed at 0)
    Estimate neverInvest;                  ///< E[B(0)]: carry on until the end of the plant's life
    Estimate optionValue;                  ///< value of the flexible strategy
    Estimate valueOfWaiting;               ///< option - max(best npv now, never), SE of the difference
    Estimate closeNow;                     ///< C(0), NaN if closing is not allowed at 0
    std::vector<int> years;                ///< calendar year of each decision date
    std::vector<double> trigger;           ///< per date: CO2 price above which investing is optimal (NaN: none); the mean over the rules
    std::vector<double> triggerStdError;   ///< per date: standard error of the trigger over the rules (NaN: one rule, or a rule without one)
    std::vector<TriggerStatus> triggerStatus;  ///< per date: found (by every rule), else the status most rules without one report
    std::vector<std::vector<double>> triggerByTechnology;  ///< [technology][date]: the same for investing in that technology
    std::vector<std::vector<TriggerStatus>> triggerStatusByTechnology;  ///< [technology][date]

    std::vector<std::vector<double>> timing;  ///< [technology][date]: probability of investing then
    std::vector<std::string> stageNames;
    std::vector<std::vector<double>> stageTiming;  ///< [stage][date]: probability of deciding the stage then
    std::vector<double> closeProbability;  ///< per date: probability of closing then
    double neverProbability = 0;           ///< probability of never investing (carrying on, relining or closing)
    Outcomes outcomes;                     ///< never investing split into closing, end of life, running on
    std::vector<Estimate> investedBy;      ///< per year: probability of having invested (any technology) by its end
    std::vector<double> emissionsMean;     ///< per year: expected emissions under the policy, tCO2
    std::vector<double> emissionsP5, emissionsP95;
    /// A path's emissions over the horizon under the policy, tCO2: the mean (the sum of emissionsMean
    /// up to rounding) with the standard error of the values (rules' spread included)
    Estimate horizonEmissions;
    std::vector<ProductionYear> production;  ///< per year
    std::vector<Percentiles> carbonCostNever;  ///< per year: EUA cost net of allocation + levy, never investing
    std::size_t paths = 0, trainingPaths = 0;  ///< pricing paths; training paths of each rule
    std::size_t rules = 1;                 ///< independently trained rules (the standard errors include their spread)
    std::size_t fallbackDates = 0;         ///< dates whose regressions fell back to the mean (too few paths)
    std::size_t basisResizedDates = 0;     ///< dates whose basis got a lower degree (size limit or too few paths)
    std::size_t householderFits = 0;       ///< fits whose CholeskyQR2 failed (Householder QR instead)
    std::size_t rankDeficientFits = 0;     ///< fits with a rank-deficient design (minimum-norm solution)
    double seconds = 0;
};

/// One block of pricing paths as the pricing pass sees it, for callers that need more than the
/// summary (loans on the project's cash flows, report charts, pathwise differences). The arrays are
/// owned by the engine and valid only during PricingObserver::onBlock. Per-period arrays are indexed
/// [k * n + p], k = 0 .. years - 1 (calendar year startYear + k / periodsPerYear); money is
/// undiscounted, in the case currency of the price base year (real).
struct PricingBlock {
    std::size_t block = 0, first = 0, n = 0;  ///< block index, first path, paths in this block
    std::size_t years = 0;           ///< periods (years when periodsPerYear = 1): k below indexes periods
    std::size_t periodsPerYear = 1;  ///< 1 annual, 4 quarterly (money and tonnes are then per quarter)
    std::size_t technologies = 0;
    /// [p]: the action the path ends in: -1 never acted, j < technologies: invested in j,
    /// technologies: exited. A path that relined and then invested or closed (relineDate) shows that
    /// later action; one that relined and took no later decision, the reline.
    const int* action = nullptr;
    const int* actionDate = nullptr;  ///< [p]: year index of the action (years: none)
    const int* relineDate = nullptr;  ///< [p]: year index of the reline (years: none); null without a relined state
    const int* stageDate = nullptr;   ///< [p]: year index the stage of the technology invested in is decided (years: none)
    /// [p]: period the technology invested in starts operating (after its construction and its
    /// infrastructure's arrival; years: never, or no technology invested in)
    const int* operationStart = nullptr;
    const double* optionValue = nullptr;  ///< [p]: realised discounted value of the policy
    const double* neverInvest = nullptr;  ///< [p]: discounted value of carrying on, B(0)
    const double* npvNow = nullptr;       ///< [j * n + p]: discounted value of investing in j now, I_j(0)
    const double* co2 = nullptr;          ///< [k][p] prices, EUR/t
    const double* gas = nullptr;          ///< [k][p] EUR/MWh
    const double* power = nullptr;        ///< [k][p] EUR/MWh
    const double* hydrogen = nullptr;     ///< [k][p] EUR/MWh
    const double* product = nullptr;      ///< [k][p] EUR/t
    /// [k][p]: net cash flow of the plant under the policy, subsidy and carbon costs included, capex
    /// excluded; an exit's value minus cost in its year, 0 after an exit or the end of life.
    const double* cashFlow = nullptr;
    const double* investment = nullptr;   ///< [k][p]: capex net of grant paid in year k (>= 0)
    const double* emissions = nullptr;    ///< [k][p]: tCO2 emitted in year k under the policy
    const double* output = nullptr;       ///< [k][p]: tonnes produced in year k under the policy
    /// [k][p]: what the state and an insurer pay or receive in year k under the policy
    /// (kp::PeriodOutcome, issue 15 item 5): the SDE++ or CCfD paid (negative: paid back; in the
    /// last period also its value after the horizon), the guarantee's share of the capex overrun
    /// and the grant (less a claw-back), both paid at the decision and not in `investment`, the
    /// insurer's payments for incidents (not in `cashFlow`) and the premium (in it).
    const double* subsidy = nullptr;
    const double* guarantee = nullptr;
    const double* grant = nullptr;
    const double* insured = nullptr;
    const double* premium = nullptr;
};

/// Sees every pricing block. Called concurrently from worker threads, blocks in any order: write
/// into storage indexed by path or block (then reduce in block order), never append.
class PricingObserver {
public:
    virtual ~PricingObserver() = default;
    virtual void onBlock(const PricingBlock& block) = 0;
    /// False: onBlock needs only the block's index and size (a progress bar): the per-path and
    /// per-period arrays are then not built (null).
    virtual bool needsPaths() const { return true; }
};

/// A fixed policy priced beside the rules on the same pricing blocks (InvestmentLsm::price):
/// `observer` sees each block as a pricing with settings.fixedPolicy = `policy` would show it (the
/// same paths, actions, realised values and per-period arrays, bit for bit), without simulating the
/// paths or evaluating the instrument again. For statistics of static strategies beside the
/// valuation (results::StaticStrategies: the downside's worst years).
struct BesidePolicy {
    FixedPolicy policy;
    PricingObserver* observer = nullptr;
};

/// Reusable engine: keeps its buffers (training storage, per-thread workspaces) between calls; holds
/// no trained state (the rule is returned).
class InvestmentLsm {
public:
    InvestmentLsm();
    ~InvestmentLsm();
    /// Simulates the training paths and fits the rule (stream Training, seed settings.seed).
    InvestmentRule train(const InvestmentProblem& problem, const InvestmentSettings& settings);
    /// settings.rules independently trained rules: rule b on its own training paths (seed
    /// ruleSeed(settings.seed, b)).
    std::vector<InvestmentRule> trainRules(const InvestmentProblem& problem, const InvestmentSettings& settings);
    /// Applies the rules on fresh paths (stream Pricing): rule b prices the b-th of as many
    /// contiguous shares of the pricing paths (whole blocks); the estimates are over all paths and
    /// their standard errors include the spread between the shares (docs/valuation.md,
    /// "Uncertainty"). `observer` (may be null) sees every pricing block. Each rule must come from a
    /// problem of the same shape (periods, technologies, stages, features); kp::InvalidInput
    /// otherwise. The settings' basis, degree and rules are the rules'.
    /// `beside`: fixed policies whose blocks their observers see as well (BesidePolicy); they change
    /// nothing in the result.
    InvestmentResult price(const InvestmentProblem& problem, const std::vector<InvestmentRule>& rules,
                           const InvestmentSettings& settings, PricingObserver* observer = nullptr,
                           const std::vector<BesidePolicy>& beside = {});
    /// One rule on every pricing path (pricing noise only in the standard errors).
    InvestmentResult price(const InvestmentProblem& problem, const InvestmentRule& rule,
                           const InvestmentSettings& settings, PricingObserver* observer = nullptr);
    /// trainRules, then price.
    InvestmentResult value(const InvestmentProblem& problem, const InvestmentSettings& settings,
                           PricingObserver* observer = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kp
