#pragma once
/// \file investment_instrument.hpp
/// The project as an instrument: for a block of simulated paths, what carrying on, investing in each
/// technology at each date, deciding each stage and closing are worth, and the regression features
/// a decision rule may use. What QuantLib's EarlyExercisePathPricer and ORE's McCashflowInfo are for
/// a Bermudan option; the engine (kp::InvestmentLsm) owns the regressions and the choice.
///
/// Glossary (one meaning per letter, as in the engine):
///   H   periods (decision dates) = horizonYears x P;  P periods per year;  k, d period indices
///   J   technologies (j < J);  NS stages (st < NS); cash-flow arrays hold technology j at j and
///       stage st at J + st (JS = J + NS entries)
///   D_k discount factor of period k;  n paths in the block, p a path of it
///   base[k]  the plant's net cash flow in period k as it is (0 from its remaining life on)
///   tech_j[k] technology (or stage) j running in period k, subsidy-free; sde_j[k] its subsidy
///   I_j(d) = -D_d (capex_j(d) - grant) + base during construction + tech_j for its lifetime
///            (clipped at the horizon, or continued after it: investment_project.hpp "After the
///            horizon") + its subsidy for its term     (investValue)
///   L   the plant's remaining life in periods; C its decommissioning cost (Plant): base[L] = -C
///       (after the horizon: in base[H - 1], discounted); closing at d <= L pays C at d; a
///       technology starting at s <= L moves it to s (a replacement) or to the end of its own
///       life (a retrofit runs the plant on; mothballing, which ends at L, leaves it at L). A
///       stage does not move it.
///   Mothballing (Technology::MothballRole): the idle option j runs from d to L with tech_j[k] =
///       -care and maintenance / P and no emissions, allowed at d < L; its restart stage runs the
///       plant as it is (tech[k] = base[k] before the charge, ebase) from its restart to L,
///       allowed at t with t + restart time < L.
///   F   features: NC continuous (stochastic prices, CO2 first; learning factors) then NI
///       indicators (infrastructure i arrived by the date)
/// Money is discounted to t = 0 where the name says so (investValue, stageValue, closeValue);
/// per-period arrays (base, tech, outcome) are undiscounted.
///
/// Invariants (the constructor checks them and throws kp::InvalidInput): horizon in [1, 200] years;
/// P 1 or 4; discount has H positive factors; every state index inside the factors' state; learning
/// and infrastructure indices valid; at most 64 infrastructure entries; a stage's parent is a
/// technology, at most one stage per parent; no stage among the technologies.
///
/// Tested in tests/instruments/investment_instrument_test.cpp (per-period flows against the scalar
/// kp::yearCashFlow, I_j(d) against a hand sum) and through the engine
/// (tests/engine/investment_lsm_test.cpp: the deterministic limit equals enumeration).

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "kp/core/random.hpp"
#include "kp/instruments/investment_project.hpp"

namespace kp {

/// The per-block arrays of one block of paths (per thread, sized by reserve, reused: the path
/// loops allocate nothing). The engine fills `hist` and `arrival`; evaluate() fills the rest.
struct ProjectBlock {
    std::size_t n = 0;             ///< paths in the block
    std::vector<double> hist;      ///< factor state at t = 0 .. H: [t][variable][p]
    std::vector<double> arrival;   ///< [i][p]: arrival year of infrastructure i (+inf: never)
    std::vector<double> lf;        ///< learning factors [curve][t][p], t = 0 .. H
    std::vector<double> base, ebase, cbase;  ///< [k][p]: net, emissions, carbon cost (plant as is);
                                             ///< base[H - 1] includes the plant's value after the horizon
    std::vector<double> baseLast;            ///< [p]: base[H - 1] without it (with after-horizon values only)
    std::vector<double> tech, sde, etech;    ///< [j][k][p], j < JS
    std::vector<double> pb, pt, ps;          ///< prefix sums of discounted cash flows [.][k][p], k <= H
    std::vector<int> opFrom;                 ///< [j][p]: first period j can operate (H: never)
    std::vector<double> prices;    ///< kept prices [c][k][p]: co2, gas, power, hydrogen, product
    std::vector<double> price, tmp;  ///< scratch
    /// Technology risk (drawRisks; empty without it): [j][p] capex multiplier and extra construction
    /// periods, j < JS; [j][k][p] the owner's incident losses in period k (retained, undiscounted).
    std::vector<double> overrun;
    std::vector<int> delay;
    std::vector<double> loss;
    std::vector<double> claims;  ///< [j][k][p] the insurer's payments for those incidents (with loss, their sum)
    std::vector<int> count;  ///< scratch: incidents of a period [p]
    /// Ramp-up (options with one): [j][p] the shortfall's multiplier X; [j][k][p] the cash flow and
    /// the emissions that a whole shortfall in period k takes off (rampCash >= 0 when running pays);
    /// [p] scratch for the plant's flows after its life (a retrofit's).
    std::vector<double> rampX, rampCash, rampEm, plantRun, plantRunE;
    /// Operating flexibility (options with one; Technology::operating): [j][k][p] how option j runs in
    /// period k (a Mode); [p] scratch for the alternative mode's flows.
    std::vector<unsigned char> mode;
    std::vector<double> altCash, altEm;
    /// Switching costs (OperatingFlexibility::switching; options with them only): [j][m][k][p], m <
    /// kRunningModes, the cash flow (per period, undiscounted, incidents and premium included) and
    /// emissions of running in mode m; [j][k][m][p], m < kModes: the switching rule's mode for
    /// period k after mode m (written by the engine, kp::SwitchingRule; switchingSet once it has).
    std::vector<double> modeCash, modeEm;
    std::vector<unsigned char> next;
    bool switchingSet = false;
};

/// How a built option with operating flexibility runs in a period (Technology::operating);
/// kAbandoned only with switching costs (OperatingFlexibility::abandonNet), absorbing.
enum Mode : unsigned char { kRun = 0, kAlternative = 1, kIdle = 2, kAbandoned = 3 };
constexpr std::size_t kModes = 4, kRunningModes = 3;

/// What runs on a path in each period under a policy: the path's action, its date and its stage.
enum class Running { Plant, Technology, Stage, Nothing };

struct PathPlan {
    int a = -1;              ///< action: -1 none, j technology, J exit
    std::size_t J = 0, d = 0, j = 0, js = 0;
    std::size_t s0 = 0, e0 = 0, es0 = 0;          ///< technology: operation start, end, subsidy end
    std::size_t dS = 0, sS = 0, eS = 0, esS = 0;  ///< its stage: decision, operation start, end, subsidy end (js = 0: none)
    bool alongside = false;  ///< the technology runs beside the plant (Technology::alongside)
    bool isTechnology() const { return a >= 0 && a < static_cast<int>(J); }
    bool exited() const { return a == static_cast<int>(J); }
    bool hasStage() const { return js != 0; }
    Running running(std::size_t k) const {
        if (a < 0 || k < d || alongside) return Running::Plant;
        if (exited()) return Running::Nothing;
        if (k < s0) return Running::Plant;  // under construction
        if (hasStage() && k >= sS && k < eS) return Running::Stage;
        return k < e0 ? Running::Technology : Running::Nothing;
    }
    /// Beside the plant (alongside): what runs next to it in period k (Technology, Stage or Nothing);
    /// running(k) is then the plant's part.
    Running beside(std::size_t k) const {
        if (!alongside || k < s0) return Running::Nothing;
        if (hasStage() && k >= sS && k < eS) return Running::Stage;
        return k < e0 ? Running::Technology : Running::Nothing;
    }
};

/// A path's period under its plan (undiscounted, case currency; tonnes per period).
struct PeriodOutcome {
    double cashFlow = 0;    ///< net cash flow, subsidy and carbon costs included, capex excluded;
                            ///< an exit's value minus cost in its period; 0 after an exit or the end
    double investment = 0;  ///< capex net of grant paid in the period, plus a grant repaid (claw-back), >= 0
    double emissions = 0;   ///< tCO2
    double output = 0;      ///< t product
    /// Who else pays or receives what in the period (issue 15 item 5, the value of risk-sharing):
    double subsidy = 0;     ///< SDE++ or CCfD the state pays (negative: a CCfD paid back), in cashFlow;
                            ///< in the last period, also its value after the horizon (discounted to it)
    double guarantee = 0;   ///< the state guarantee's share of the capex overrun (not in investment)
    double grant = 0;       ///< the capital grant paid, less a claw-back repaid (not in investment)
    double insured = 0;     ///< the insurer's payments for the period's incidents (not in cashFlow)
    double premium = 0;     ///< the insurance premium paid (in cashFlow)
};

class InvestmentInstrument {
public:
    /// Checks `project` against a factor state of `stateVariables` variables (see the invariants).
    InvestmentInstrument(const InvestmentProject& project, std::size_t stateVariables);

    const InvestmentProject& project() const { return pr_; }
    std::size_t periods() const { return H_; }                 ///< H
    std::size_t periodsPerYear() const { return P_; }          ///< P
    std::size_t years() const { return H_ / P_; }              ///< calendar years of the horizon
    std::size_t technologies() const { return J_; }            ///< J
    std::size_t stages() const { return NS_; }                 ///< NS
    std::size_t infrastructure() const { return NI_; }         ///< NI
    std::size_t learningCurves() const { return NL_; }
    std::size_t stateVariables() const { return vars_; }
    std::size_t features() const { return F_; }                ///< F = NC + NI
    std::size_t continuousFeatures() const { return NC_; }     ///< NC
    /// Feature 0 is the CO2 price (a stochastic factor): a trigger can be read off a rule.
    bool co2IsFeature() const { return pr_.co2.kind == PriceSource::Kind::State; }
    /// The stage of technology j (-1: none) and the parent technology of stage st.
    int stageOf(std::size_t j) const { return stageOf_[j]; }
    std::size_t stageParent(std::size_t st) const { return pr_.stages[st].parent; }
    /// Technology j < J is a reline of the plant as it is (not a decarbonisation).
    bool isReline(std::size_t j) const { return pr_.technologies[j].tech.isReline(); }
    /// Technology j < J runs beside the plant (Technology::alongside: a pilot, not the plant decarbonising).
    bool isAlongside(std::size_t j) const { return pr_.technologies[j].tech.alongside; }
    /// Technology j < J mothballs the plant as it is (not a decarbonisation; its stage restarts it).
    bool isMothball(std::size_t j) const { return pr_.technologies[j].tech.isMothball(); }
    /// Simulation times 0, 1/P, ..., horizonYears (H + 1 times).
    const std::vector<double>& times() const { return times_; }
    double discount(std::size_t k) const { return pr_.discount[k]; }
    int yearOf(std::size_t k) const { return pr_.startYear + static_cast<int>(k / P_); }
    /// Technology j < J or stage j - J may be decided at period d (its window).
    bool allowed(std::size_t j, std::size_t d) const { return allowed_[j * H_ + d] != 0; }
    /// D_d (value - cost) of the best exit allowed at d; NaN if none.
    double closeValue(std::size_t d) const { return closeValue_[d]; }
    const std::vector<double>& closeValues() const { return closeValue_; }

    /// Sizes the block's arrays for n paths (keepPrices: also the five price arrays).
    void reserve(ProjectBlock& b, std::size_t n, bool keepPrices) const;
    /// Any option carries technology risk (Technology::risk): drawRisks must then precede evaluate.
    bool risky() const { return risky_; }
    /// Option j (technology or stage, j < JS) has incidents or a premium in its running cash flow.
    bool hasIncidents(std::size_t j) const { return incidents_[j] != 0; }
    /// The technology-risk draws of the block's paths (first path `first` of `stream`; slots
    /// CounterLayout::technologyRisk: overrun of j at draw j, delay at JS + j, the incidents of j in
    /// period k at 3 JS + (j H + k) kIncidentDraws + m, m = 0 the count, m >= 1 the m-th loss; the
    /// ramp-up's multiplier at 2 JS + j).
    /// Nothing without risk.
    void drawRisks(ProjectBlock& b, std::uint64_t seed, Stream stream, std::uint64_t first, bool antithetic,
                   NormalScratch& scratch) const;
    /// Draws a period's incidents take: the count and at most kIncidentDraws - 1 losses (a count
    /// above is cut: P(N > 16) < 1e-10 at the largest frequency allowed, 2 a year).
    static constexpr std::size_t kIncidentDraws = 17;
    /// From b.hist and b.arrival: learning factors, first operating periods, every period's cash
    /// flows and emissions (carbonCosts: also the plant's carbon costs, cbase), their prefix sums;
    /// keepPrices: the prices into b.prices.
    void evaluate(ProjectBlock& b, bool carbonCosts, bool keepPrices) const;

    /// The plant's period-d cash flow as it is, undiscounted, [p].
    const double* carryOn(std::size_t d, const ProjectBlock& b) const { return b.base.data() + d * b.n; }
    /// out[p] = I_j(d), technology j < J decided at d (allowed or not: the caller decides).
    void investValue(std::size_t j, std::size_t d, const ProjectBlock& b, double* out) const;
    /// out[p]: stage st decided at t (its parent operating): -D_t capex + its running cash flows minus
    /// the parent's over its operation + its subsidy.
    void stageValue(std::size_t st, std::size_t t, const ProjectBlock& b, double* out) const;
    /// First operating period of technology (or stage, j >= J) j decided at d on path p (H: never).
    int operationStart(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;
    /// The first period the plant as it is no longer runs (its remaining life in periods, >= 0).
    std::size_t plantEndPeriod() const {
        return static_cast<std::size_t>(std::max(periodsOf(pr_.plant.remainingLifeYears), 0));
    }
    /// Values after the horizon are counted (InvestmentProject::discountAfter non-empty).
    bool afterHorizon() const { return !pr_.discountAfter.empty(); }
    /// Capex net of the grant of technology (or stage) j decided at d on path p (on its learning curve).
    double netCapex(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;
    /// Capex of option j decided at d on path p, after learning, before the grant.
    double capexAt(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;
    /// The features at date d: out[f * stride + p], f < features().
    void features(std::size_t d, const ProjectBlock& b, double* out, std::size_t stride) const;

    /// What runs on path p given its action (-1 none, j, J exit), action date and stage date (H: none).
    PathPlan plan(int action, int actionDate, int stageDate, const ProjectBlock& b, std::size_t p) const;
    /// tCO2 emitted on path p in period k under the plan.
    double emissions(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// Tonnes of product made on path p in period k under the plan (the plant until its end of life,
    /// then the technology or stage at its output scale; a retrofit or reline at the plant's output).
    double output(const PathPlan& plan, std::size_t k) const;
    /// The same on path p, less its ramp-up shortfall (what it made).
    double output(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// Direct employment in period k under the plan (Plant::jobs, Technology::jobs; 0 when nothing runs).
    double jobs(const PathPlan& plan, std::size_t k) const;
    /// The same on path p: none once an option with switching costs has been abandoned (its mode).
    double jobs(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// Cash flow, investment and output of path p in period k under the plan (emissions: see above),
    /// and the state's and the insurer's part in it (PeriodOutcome::subsidy ... premium).
    PeriodOutcome outcome(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// What a state guarantee pays of option j's overrun, decided at d on path p: capex x
    /// overrunStateShare x max(M - 1, 0) (0 without technology risk).
    double guaranteePaid(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;

    // ---- switching costs (OperatingFlexibility::switching): an optimal-switching problem per option,
    // decided by the engine's kp::SwitchingRule; the instrument gives the modes' flows and costs and
    // values the rule's choices (b.next) path by path.
    bool anySwitching() const { return anySwitching_; }
    /// Technology j < J has switching costs (then: no stage, no subsidy; Technology::validate).
    bool switching(std::size_t j) const { return anySwitching_ && switching_[j] != 0; }
    /// Mode m is open to option j (kRun always; the others as its OperatingFlexibility says).
    bool hasMode(std::size_t j, std::size_t m) const { return modeOpen_[j * kModes + m] != 0; }
    /// One-off cost (EUR, undiscounted) of going from mode m to m2 (0 staying; +inf not allowed).
    double switchCost(std::size_t j, std::size_t m, std::size_t m2) const { return cost_[(j * kModes + m) * kModes + m2]; }
    /// Per-period cash flow of option j in running mode m < kRunningModes in period k, [p] (undiscounted).
    const double* modeCashFlow(std::size_t j, std::size_t m, std::size_t k, const ProjectBlock& b) const {
        return b.modeCash.data() + ((j * kRunningModes + m) * H_ + k) * b.n;
    }
    /// The choice of period k for option j on n paths: for each previous mode m, the open mode m2
    /// maximising D_k (cash_m2[p] - cost(m, m2)) + C[m2][p] (ties: stay, then the lower mode), into
    /// next[m * stride + p]. cash[m2]: the running modes' per-period flows (kp::modeCashFlow); C[m2]:
    /// the value from k + 1 on entering in m2, discounted to t = 0 (the rule's estimate; ignored for
    /// kAbandoned, whose value is 0). G (training; may be null): [m * stride + p] the realised value
    /// from k + 1 on after choosing m, replaced by the value from k on after previous mode m.
    void chooseSwitch(std::size_t j, std::size_t k, const double* const* cash, const double* const* C, std::size_t n,
                      std::size_t stride, unsigned char* next, double* G) const;
    /// The mode option j runs in at period k on path p when it started at s0 <= k (b.next followed
    /// from the own mode); prev: the mode of period k - 1 (kRun at s0).
    Mode modeAt(std::size_t j, std::size_t s0, std::size_t k, const ProjectBlock& b, std::size_t p, Mode* prev = nullptr) const;

private:
    const TechnologyOption& optionAt(std::size_t j) const {
        return j < J_ ? pr_.technologies[j] : pr_.stages[j - J_].option;
    }
    int periodsOf(int years) const { return years * static_cast<int>(P_); }
    /// Operating periods of option j starting at period s: its lifetime, or for a reline up to the
    /// plant's remaining life plus the years it adds, for mothballing and its restart up to the
    /// plant's remaining life (at least one period).
    int lifeOf(std::size_t j, long s) const {
        const Technology& t = optionAt(j).tech;
        const bool mothball = t.mothball != Technology::MothballRole::None;
        if (!t.isReline() && !mothball) return periodsOf(t.lifetimeYears);
        const long end = static_cast<long>(periodsOf(pr_.plant.remainingLifeYears + (mothball ? 0 : t.relineYearsAdded)));
        return static_cast<int>(std::max(end - s, 1L));
    }
    /// Grant repaid (undiscounted, in the milestone's first period) by technology j decided at d,
    /// operating [S, E), on path p: the claw-back when the site's emissions in the milestone year
    /// exceed the target, else 0 (CapitalGrant).
    double clawback(std::size_t j, std::size_t d, std::size_t S, std::size_t E, const ProjectBlock& b,
                    std::size_t p) const;
    /// The first period of the grant's milestone year of technology j (H: none or outside the horizon).
    std::size_t clawbackPeriod(std::size_t j) const;
    /// Periods of subsidy of option j (technology or stage) decided at period d: its term when the
    /// subsidy round is open in d's year, else 0 (the subsidy is gone).
    int subsidyPeriods(std::size_t j, std::size_t d) const {
        const Technology& t = optionAt(j).tech;
        return t.sde && t.sde->awardedFor(yearOf(d)) ? periodsOf(t.sde->years) : 0;
    }
    /// The subsidy of option j decided at d on path p under the award's budget (SdeSubsidy::budget),
    /// its term starting at startAfter(j, d): each period pays min(sde_j[k], budget - paid so far),
    /// after the horizon at the last period's rate. Returns the discounted sum inside the horizon and
    /// adds the one after it to *afterValue (if given); paidAt < H: returns that period's payment,
    /// undiscounted, instead. Used only when the award is capped (the prefix sums serve otherwise).
    double budgetedSubsidy(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p,
                           double* afterValue = nullptr, std::size_t paidAt = kAll) const;
    static constexpr std::size_t kAll = static_cast<std::size_t>(-1);
    /// The subsidy of option j decided at d, operating from s0 with its subsidy to es, paid on path p
    /// in period k (0 outside [s0, es); budgetedSubsidy when capped).
    double subsidyIn(std::size_t j, std::size_t d, std::size_t s0, std::size_t es, std::size_t k, const ProjectBlock& b,
                     std::size_t p) const {
        if (k < s0 || k >= es) return 0.0;
        return capped(j) ? budgetedSubsidy(j, d, b, p, nullptr, k) : b.sde[(j * H_ + k) * b.n + p];
    }
    bool capped(std::size_t j) const {
        const Technology& t = optionAt(j).tech;
        return t.sde && t.sde->capped();
    }
    void learningFactors(ProjectBlock& b) const;
    void firstOperatingPeriods(ProjectBlock& b) const;
    void periodFlows(ProjectBlock& b, std::size_t k, bool carbonCosts, bool keepPrices) const;
    void prefixSums(ProjectBlock& b) const;
    /// Discounted sum of the periods [from, to), both >= H, after the horizon (clipped to its end).
    double after(std::size_t from, std::size_t to) const;
    /// Operation start of j decided at d on path p, not clipped at the horizon; -1: never (its
    /// infrastructure has not arrived by the horizon).
    long startAfter(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;
    /// What investing in technology j < J decided at d does to the decommissioning on path p: an
    /// undiscounted amount paid in period k < H (k = H: none) and a discounted value after the
    /// horizon (the charge there, minus the base's own charge at L when the plant now stops before it).
    struct Decommissioning {
        std::size_t k;
        double amount = 0, after = 0;
    };
    Decommissioning decommissioning(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p) const;
    /// D_k for k < H, the discount after the horizon for k >= H (0 beyond it or without one).
    double discountAt(std::size_t k) const {
        if (k < H_) return pr_.discount[k];
        return k - H_ < pr_.discountAfter.size() ? pr_.discountAfter[k - H_] : 0.0;
    }
    /// Discounted value after the horizon of j (technology or stage) decided at d on path p, relative
    /// to the plant as it is (0 without after-horizon values): the plant until j runs, j for the
    /// rest of its life and subsidy term, minus the plant's full remaining life (already in base).
    /// parent >= 0: a stage, whose running cash flows replace the parent's.
    double afterValue(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p, int parent) const;
    /// An uncapped subsidy of j (technology or stage) decided at d after the horizon, discounted, on
    /// path p, j operating from S (not clipped): the last period's rate for the rest of its term.
    double subsidyAfter(std::size_t j, std::size_t d, const ProjectBlock& b, std::size_t p, std::size_t S) const {
        return b.sde[(j * H_ + H_ - 1) * b.n + p] *
               after(std::max(S, H_), S + static_cast<std::size_t>(subsidyPeriods(j, d)));
    }
    /// The state's and the insurer's part of path p's period k under the plan (outcome()).
    void sharedParts(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p, PeriodOutcome& r) const;

    InvestmentProject pr_;
    std::size_t H_ = 0, P_ = 1, J_ = 0, NS_ = 0, JS_ = 0, NL_ = 0, NI_ = 0, vars_ = 0;
    std::size_t NC_ = 0, F_ = 0;
    std::vector<int> stageOf_;            // per technology: its stage, -1 for none
    std::vector<std::size_t> contState_;  // continuous features: price sources that are states
    std::vector<int> contLearning_;       // ... then learning factors (curve index)
    std::vector<double> times_, closeValue_;
    std::vector<double> afterSum_;        // afterSum_[m]: sum of discountAfter[0 .. m)
    std::vector<char> allowed_;           // [j][d], j < JS
    std::vector<double> licence_;         // [j], j < JS: licence income EUR/yr in its running flow (alongside)
    std::vector<Policy> besidePolicy_;    // [j], j < JS, when any option is alongside: the policy its flows use
    bool risky_ = false;                  // any option carries technology risk
    std::vector<char> ramp_;              // [j], j < JS: a ramp-up
    bool anyIncidents_ = false, anyRamp_ = false;  // any option has incidents (or a premium), a ramp-up
    /// The shortfall of option j decided at d on path p in its operating year y (0 after the ramp-up).
    double shortfall(std::size_t j, std::size_t d, std::size_t y, const ProjectBlock& b, std::size_t p) const;
    /// The shortfall of what runs on path p in period k under the plan (r: the technology or its
    /// stage; 0 for anything else).
    double runningShortfall(const PathPlan& plan, Running r, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// Discounted cash flow and subsidy the ramp-up of option j decided at d takes off on path p, it
    /// operating [S, E) with its subsidy to ES (inside the horizon; not after it).
    double rampLoss(std::size_t j, std::size_t d, std::size_t S, std::size_t E, std::size_t ES, const ProjectBlock& b,
                    std::size_t p) const;
    std::vector<char> incidents_;         // [j], j < JS: incidents or a premium in its running flow
    std::vector<char> switching_;         // [j], j < JS: switching costs (OperatingFlexibility::switching)
    std::vector<char> modeOpen_;          // [j][m], m < kModes: the mode is open to option j
    std::vector<double> cost_;            // [j][m][m2]: one-off cost of switching (inf: not allowed)
    bool anySwitching_ = false;
    void switchingModes();  // the constructor's: switching_, modeOpen_, cost_
    /// The switching rule's mode for option j in period k after mode m on path p (b.next).
    Mode nextMode(std::size_t j, std::size_t k, Mode m, const ProjectBlock& b, std::size_t p) const {
        return static_cast<Mode>(b.next[((j * H_ + k) * kModes + m) * b.n + p]);
    }
    /// Option j's per-mode array x (b.modeCash or b.modeEm) in mode m, period k, path p; 0 abandoned.
    double modeFlow(const std::vector<double>& x, std::size_t j, Mode m, std::size_t k, const ProjectBlock& b,
                    std::size_t p) const {
        return m == kAbandoned ? 0.0 : x[((j * kRunningModes + m) * H_ + k) * b.n + p];
    }
    /// Throws unless the block's switching rule has been applied (b.switchingSet).
    void requireSwitchingSet(std::size_t j, const ProjectBlock& b) const;
    /// Period k's cash flow of the plan's technology (with switching costs) on path p: its mode's flow
    /// less the cost of switching into it.
    double switchingFlow(const PathPlan& plan, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// Option j of the plan makes nothing on path p in period k: idle, or abandoned (switching costs).
    bool standsStill(const PathPlan& plan, std::size_t j, std::size_t k, const ProjectBlock& b, std::size_t p) const;
    /// The running modes' flows of period k of the options with switching costs (b.modeCash, b.modeEm).
    void switchingFlows(ProjectBlock& b, std::size_t k, const PriceColumns& cols) const;
    /// Discounted value of option j running [S, E) (E <= H) on path p under the switching rule,
    /// entering from the own mode; *last: the mode of period E - 1 (kRun if E <= S).
    double switchingValue(std::size_t j, std::size_t S, std::size_t E, const ProjectBlock& b, std::size_t p,
                          Mode* last) const;
    /// The after-horizon value afterValue gives option j (its last period's best mode to the end of its
    /// life) when the switching rule has abandoned it by the horizon, else 0: what to take off.
    double abandonedAfter(std::size_t j, std::size_t S, Mode last, const ProjectBlock& b, std::size_t p) const;
    std::vector<char> flexible_;          // [j], j < JS: operating flexibility (Technology::operating)
    std::vector<Technology> altTech_;     // [j], j < JS: the option in its alternative mode (if it has one)
    bool anyFlexible_ = false;
    /// Choose how option j runs in period k (of calendar `year`) on each path of the block: its own
    /// flows tc, sd, et (per year, before licence income, hedge and incidents) are replaced by the
    /// alternative mode's where it pays more, by idling where running pays less than idling.
    void chooseMode(std::size_t j, std::size_t k, int year, const PriceColumns& cols, const Policy& pol,
                    ProjectBlock& b, double* tc, double* sd, double* et) const;
    /// Option j stands idle in period k on path p (operating flexibility).
    bool idle(std::size_t j, std::size_t k, const ProjectBlock& b, std::size_t p) const {
        return anyFlexible_ && flexible_[j] && b.mode[(j * H_ + k) * b.n + p] == kIdle;
    }
    /// Extra construction periods of option j on path p (0 without a delay risk).
    int delayOf(std::size_t j, const ProjectBlock& b, std::size_t p) const {
        return risky_ ? b.delay[j * b.n + p] : 0;
    }
};

}  // namespace kp
