#pragma once
/// \file investment_work.hpp
/// What the passes of kp::InvestmentLsm share (internal to kp_engine): the per-thread buffers, the
/// context of one call (problem, instrument, settings, threads), the simulation of one block of
/// paths, and the passes themselves (training, pricing, statistics, trigger), one file each.
///
/// Glossary (kp/instruments/investment_instrument.hpp has the instrument's): nT training paths,
/// nP pricing paths; W the realised value of the current policy from a date on (training);
/// V the realised value of the policy on a pricing path; B0 never investing; R the stage rule's
/// realised value from each date on, [stage][t][p]; act / actDate a path's action (-1 none, j, J
/// exit) and its date (H: none).

#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "detail/regression.hpp"
#include "kp/core/huge_pages.hpp"
#include "kp/core/moments.hpp"
#include "kp/core/random.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/engine/path_simulator.hpp"
#include "kp/instruments/investment_instrument.hpp"
#include "kp/instruments/relined_project.hpp"

namespace kp::detail {

/// Per-thread buffers for one block (sized once, reused: no allocation in the path loops).
struct InvestmentWork {
    SimScratch sim;
    NormalScratch normal;
    std::vector<double> cur;                    // factor state now [var][p]
    ProjectBlock block;                         // state history, arrivals, the instrument's cash flows
    std::vector<double> feat, inv, est, best, tmp, phi, xa;
    std::vector<double> own;                    // a technology beside the plant: its own part's estimate
    std::vector<int> choice;                    // the action a rule chooses now: -1 wait, j, J exit
    std::vector<char> stranded;                 // [p]: the technology being considered is stranded (strandedPaths)
    std::vector<int> act, actDate;              // pricing: the action taken and its date
    std::vector<double> R;                      // stages: realised value of the stage rule from t on [s][t][p], t <= H
    std::vector<int> sdate;                     // stages: the date the rule decides the stage, from t on [s][t][p]
    std::vector<int> stageAt;                   // pricing: [p] date the stage is decided (H: never)
    std::vector<int> opStart;                   // for a PricingObserver: [p] period the technology operates from (H: never)
    std::vector<PathPlan> plans;                // pricing: [p] what runs in each period under the policy
    std::vector<double> obs;                    // for a PricingObserver: 9 per-period arrays [.][k][p]
    const InvestmentRule* rule = nullptr;       // pricing: the rule of the current block
    // the relined state (pricing, on the relined instrument's work): the realised value of the
    // relined rule from t on [t][p], t <= H, and the action it ends in (-1 none, j', J' exit), its
    // date and its stage's date (H: none) [t][p]; on the project's work: each path's reline date
    std::vector<double> Vr;
    std::vector<int> ra, rd, rs;
    std::vector<int> relineAt;
    /// Sizes every buffer for n paths; maxColumns: the largest design of the valuation.
    void reserve(const InvestmentInstrument& in, std::size_t n, std::size_t maxColumns, bool observed);
};

/// The relined state of a problem (kp::relinedProject): its instrument, how its options map to the
/// project's, the reline's index, and per-thread buffers of its own.
struct RelinedContext {
    const InvestmentInstrument& in;
    const RelinedProject& map;
    std::size_t reline;
    tbb::enumerable_thread_specific<InvestmentWork>& tls;
    std::vector<char> gone;  // goneInfrastructure of the relined instrument
};

/// One call of the engine: what every pass reads.
struct InvestmentContext {
    const InvestmentProblem& problem;
    const InvestmentInstrument& in;
    const InvestmentSettings& s;
    tbb::task_arena& arena;
    tbb::enumerable_thread_specific<InvestmentWork>& tls;
    std::size_t maxColumns;  // the largest design: the full basis over every continuous feature + indicators
    const RelinedContext* relined;  // null: no relined state
    /// gone[i * H + d] = 1: infrastructure entry i, not arrived by date d, can no longer arrive in time
    /// for anything to run on it (goneInfrastructure): a technology that needs it is stranded there.
    std::vector<char> gone;
    /// The switching rule the blocks of this call apply (training: the one trained before the
    /// investment rule; null: none, or pricing, where each block applies its own rule's).
    const SwitchingRule* switching = nullptr;
};

/// The hybrid basis adds weighted Laguerre functions of a feature whose standard deviation at the
/// date is at least this share of its mean (a skewed, widely spread price: where polynomials fitted
/// over the whole range miss the boundary); below it the functions are nearly collinear with the
/// quadratic monomials (docs/valuation.md, "Regression basis").
constexpr double kLaguerreSpread = 0.2;
/// Training paths a design column needs: a date with fewer gets a lower degree (resized, noted).
constexpr std::size_t kPathsPerColumn = 10;
/// The basis of a date's design over its continuous features dg.continuous (their means, standard
/// deviations and Laguerre flags on nT training paths; dg.indicators already chosen): the settings'
/// basis and degree, the degree lowered while the basis would exceed Basis::kMaxSize or leave fewer
/// than kPathsPerColumn paths a design column. Returns whether it was lowered (investment_training.cpp).
bool chooseBasis(const InvestmentSettings& s, std::size_t nT, const std::vector<double>& mean,
                 const std::vector<double>& sd, const std::vector<bool>& laguerre, DateDesign& dg);

/// Switching costs (investment_switching.cpp): the switching rule of the options with them, trained
/// on the nT training paths of c (empty when none has them).
SwitchingRule trainSwitching(const InvestmentContext& c, std::size_t nT, RegressionWorkspace& regression);
/// Applies `rule` on w.block (after simulateBlock): every option's mode choices into block.next.
void applySwitching(const InvestmentContext& c, const SwitchingRule& rule, InvestmentWork& w);

/// For every infrastructure entry i and date d: 1 when, under its arrival law, P(arrives after the
/// date's year and early enough to operate in the horizon's last period) is 0, i.e. cdf(start +
/// (H - 1) / P) - cdf(year of d) <= 0 (a discrete law whose listed years have passed, with its
/// remaining mass on "never"; a fixed date after the horizon). An entry that has not arrived by d
/// then never will in time, and a technology that needs it never runs (stranded).
std::vector<char> goneInfrastructure(const InvestmentProblem& problem, const InvestmentInstrument& in);

/// Marks the paths on which technology j decided at d would be stranded: one of its infrastructure
/// entries i has not arrived by d (its indicator, feature NC + i of `feat`, stride `stride`, is 0)
/// and gone at d. out[p] = 1 stranded, 0 not, p < n. Returns false (out untouched) when none of its
/// entries is gone at d, so that cases without the pattern take no new branch.
///
/// Why the rule never invests there: a stranded technology's value is the plant's carry-on flows
/// from d minus its net capex (no operation, no subsidy), which waiting (never acting) matches
/// without paying and, if an exit is allowed later, beats: investing there is dominated, not a
/// judgement call for the regressions (docs/valuation.md, "Monotone answers").
bool strandedPaths(const InvestmentContext& c, std::size_t j, std::size_t d, const double* feat, std::size_t stride,
                   std::size_t n, char* out);

/// Simulates paths first .. first + n - 1 of `stream` into w.block: the factors at every period
/// start, each infrastructure's arrival year (one normal each, CounterLayout::valuationDate), and
/// the instrument's cash flows (carbonCosts, keepPrices: see InvestmentInstrument::evaluate).
/// co2Dispersion > 0: the paths start from the CO2 spot times exp(co2Dispersion z), z one normal a
/// path (the valuation-date slot after the arrivals): training paths that spread the first date's
/// CO2 price, so that the rule there sees a range of prices (today's trigger; investment_training.cpp).
void simulateBlock(const InvestmentContext& c, const PathSimulator& sim, Stream stream, std::uint64_t first,
                   std::size_t n, InvestmentWork& w, bool carbonCosts, bool keepPrices, double co2Dispersion = 0);

// ---- a trained rule applied on a block of paths (w.block), as the pricing pass and the upper
// bound's inner simulations apply it (investment_apply.cpp) ---------------------------------------
/// The columns the design of date d uses, on the paths of w.block, into w.xa.
void selectFeatures(const InvestmentInstrument& in, const DateDesign& dg, std::size_t d, InvestmentWork& w);
/// The action `rule` chooses at d on the first n paths of w.block (n = 0: all of them) into w.choice
/// (-1 wait, j technology, J exit): the best of waiting (its estimate plus D_d base[d]), each
/// technology's estimate and closing; false (w.choice untouched) when the rule has nothing to
/// choose at d. A technology is not chosen on a path where it is stranded (strandedPaths).
bool chooseByRule(const InvestmentContext& c, const InvestmentRule& rule, std::size_t d, InvestmentWork& w,
                  std::size_t n = 0);
/// The stage rules of `rule` backwards from the horizon to date `from`: w.R (realised value of each
/// stage rule from t on) and w.sdate (the date it decides the stage, H: never) for every t >= from.
void stagePass(const InvestmentInstrument& in, const InvestmentRule& rule, std::size_t from, InvestmentWork& w);
/// The relined rule backwards from the horizon on the relined instrument's block w.block (the
/// same paths as the project's): stagePass, then w.Vr, w.ra, w.rd, w.rs for every t >= from.
/// rc: the relined state's context (its instrument, the stranded technologies of it).
void relinedPass(const InvestmentContext& rc, const InvestmentRule& rule, std::size_t from, InvestmentWork& w);

/// The engine's training storage, kept between calls (no page is touched twice at the same size).
struct TrainingStore {
    HugeVector<double> X, I, Bd, W, ones, Xa;  // [d][f][p], [d][j][p], [d][p], [p], [p], [f][p]
    HugeVector<double> Xs, Rs;                 // stages: value now [d][s][p], R [s][t][p]
    HugeVector<int> opT;                       // first operating period of each technology [j][p]
    std::vector<double> blockSums;              // per block: sums and squares of each feature
    HugeVector<double> Wr;                     // relined state: the relined rule's realised value from d on [d][p]
    std::unique_ptr<TrainingStore> relined;    // relined state: the relined rule's own storage
};

/// Training (investment_training.cpp): simulates the training paths and fits the rule backwards.
InvestmentRule trainRule(const InvestmentContext& c, TrainingStore& store, RegressionWorkspace& regression);

/// Per pricing block, what the statistics need (indexed by block, reduced in block order).
struct PricingSums {
    std::size_t blocks = 0, NM = 0;
    std::vector<Moments> mom;        // [b][slot]: V, B0, V - B0, I_j(0), V - I_j(0), then V 1{outcome}
                                     // for invested, closed early, end of life, running at the horizon
    std::vector<double> counts;      // [b][action][d]: paths taking the action at d (J: exit)
    std::vector<double> stageCounts; // [b][stage][d]
    std::vector<double> relinedThen; // [b][2]: paths that relined, then invested / closed
    std::vector<double> emisSum;     // [b][year]: emissions summed over the block's paths
    std::vector<Moments> emisMom;    // [b]: moments of a path's emissions over the horizon (antithetic pairs averaged)
    std::vector<double> prodSum;     // [b][year][4]: output, output lost, jobs (period mean), paths operating
    HugeVector<float> emis, carbon;  // [year][path]: emissions under the policy, carbon cost never investing
};

/// The rule that prices block b of `blocks` when `rules` rules share the pricing paths: contiguous
/// groups of blocks, rule 0 first (with one rule, every block is rule 0's).
inline std::size_t ruleOfBlock(std::size_t b, std::size_t blocks, std::size_t rules) { return b * rules / blocks; }

/// Pricing (investment_pricing.cpp): the rules (or settings' fixed policy) on fresh paths, each rule
/// on its share of the blocks (ruleOfBlock); the `beside` policies on the same blocks, to their
/// observers only.
PricingSums pricePaths(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, PricingObserver* observer,
                       const std::vector<BesidePolicy>& beside = {});

/// Statistics (investment_statistics.cpp): the result from the pricing sums; with several rules the
/// standard errors include the spread between the rules' shares (the rules' own noise).
InvestmentResult summarise(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, PricingSums& sums);

/// Trigger (investment_trigger.cpp): per calendar year, the CO2 price above which a rule invests,
/// the other features at their means; the mean over the rules into r.trigger (its standard error
/// into r.triggerStdError) and r.triggerByTechnology.
void readTriggers(const InvestmentContext& c, const std::vector<InvestmentRule>& rules, InvestmentResult& r);

}  // namespace kp::detail
