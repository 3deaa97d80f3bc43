#pragma once
/// \file technology.hpp
/// Technology maturity and the options a plant may invest in: Wright's-law learning curve and the
/// technology option (its cash-flow terms; the uncertain arrival dates of infrastructure are factor
/// dynamics: kp/models/arrival.hpp).
///
/// Units: EUR of the price base year, t product, MWh, tCO2, calendar years (fractional years allowed
/// for arrival dates). Tested in tests/instruments/policy_test.cpp.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kp/instruments/policy.hpp"

namespace kp {

/// Wright's law: unit cost falls by `learningRate` with each doubling of cumulative deployment,
///   capexFactor(D) = (D / deployment0)^(-b),   b = -log2(1 - learningRate)
/// (Wright 1936; e.g. Glenk, Holler & Reichelstein, Energy Environ. Sci. 2023, for electrolysers:
/// 14-17% per doubling, FACTS.md section 8).
///
/// Which state drives it: cumulative global deployment D(t) of the technology, simulated as a
/// factor model from models/ whose state variable 0 is D (e.g. a Gbm with drift = expected growth
/// rate of cumulative capacity per year and vol = its uncertainty, spot = deployment0). A GBM can
/// fall, cumulative deployment cannot: pass the running maximum of the simulated D so that capex
/// never rises (the valuation keeps that maximum as a path state). Correlation with policy comes
/// from the ModelSet correlation of D's driver with the CO2 price's driver.
/// Invariant (validate): learningRate in [0, 1), deployment0 > 0.
struct LearningCurve {
    double learningRate = 0;   ///< cost reduction per doubling, in [0, 1)
    double deployment0 = 1;    ///< cumulative deployment at the valuation date (any unit, > 0)

    /// b = -log2(1 - learningRate).
    double exponent() const;
    /// (D / deployment0)^(-b) for cumulative deployment D > 0.
    double factor(double deployment) const;
    void validate(const std::string& where) const;
};

/// Technology risk of an option (case file: options.<x>.risk; docs/case-file.md "Technology risk",
/// reference classes in data/FACTS.md section 16). Every draw is made per path from the counter-based
/// generator (CounterLayout::technologyRisk), independent of the prices, and is not known when the
/// decision is taken: the engine's rule regresses the realised value of investing on the prices and
/// infrastructure, so it decides on the value *expected* over these draws (no foresight), while each
/// path's cash flows carry its own draw (what a lender or insurer sees).
///   capex overrun   the capex paid is capex x M, M log-normal with E[M] = 1 + overrunMean and
///                   sd(M) = overrunSd (sd 0: M = 1 + overrunMean exactly); the grant is on the
///                   budgeted capex; the overrun is the owner's, less overrunStateShare of it that
///                   a state guarantee pays (of capex x max(M - 1, 0)).
///   delay           construction takes delay more whole years with probability delayProbabilities[delay]
///                   (the plant as it is runs on meanwhile; the option's life starts later).
///   incidents       N ~ Poisson(incidentFrequency / P) a period while the option runs, each with a
///                   log-normal loss S (mean severityMean, sd severitySd; EUR: property damage,
///                   business interruption and liability together). The insurer pays, per incident,
///                   I = min(insuredShare x max(S - deductible, 0), limit); the owner bears S - I and a
///                   premium a year, given (premiumPerYear >= 0) or premiumLoading x E[I a year].
///   ramp-up         in its operating years 1 .. R the option runs at availability a_y of nameplate:
///                   the shortfall 1 - a_y, times a per-path multiplier X (log-normal, mean 1, sd
///                   rampUpSd; 1 when 0) and, for a first-of-a-kind plant (rampUpLearns), times the
///                   learning factor of its curve at the decision date (the track record: the shortfall
///                   shrinks as global deployment grows), capped at 1. A replacement or a technology
///                   beside the plant makes, earns (before fixed opex and licence income), emits and is
///                   subsidised that much less; a retrofit captures that much less (the plant emits and
///                   pays for the rest, and saves the retrofit's variable costs).
/// Invariant (validate): overrunMean > -1, sd >= 0, probabilities >= 0 summing to 1 (at most 11),
/// frequency in [0, 2] a year, severities >= 0 (sd > 0 needs mean > 0), share in [0, 1], deductible
/// and limit >= 0, loading >= 0.
struct TechnologyRisk {
    double overrunMean = 0;                  ///< E[capex multiplier] - 1, > -1
    double overrunSd = 0;                    ///< sd of the capex multiplier, >= 0
    double overrunStateShare = 0;            ///< share of an overrun a state guarantee pays, in [0, 1]
    std::vector<double> delayProbabilities;  ///< P(delay = y years), y = 0, 1, ...; empty: no delay
    double incidentFrequency = 0;            ///< incidents a year while operating, in [0, 2]
    double severityMean = 0;                 ///< EUR per incident, >= 0
    double severitySd = 0;                   ///< EUR per incident, >= 0
    double insuredShare = 0;                 ///< share of the loss above the deductible, in [0, 1]
    double deductible = 0;                   ///< EUR per incident, >= 0
    double limit = 1e300;                    ///< EUR the insurer pays per incident at most, >= 0
    double premiumLoading = 1;               ///< premium = loading x expected insured loss, >= 0
    double premiumPerYear = -1;              ///< EUR/yr if given (>= 0), else from the loading
    std::vector<double> rampUpAvailability;  ///< a_y, operating years 1 .. R (at most 10), in [0, 1]
    double rampUpSd = 0;                     ///< sd of the shortfall's multiplier X (mean 1), >= 0
    bool rampUpLearns = false;               ///< the shortfall scales with the learning factor

    bool overrun() const { return overrunMean != 0 || overrunSd != 0; }
    bool delay() const { return delayProbabilities.size() > 1; }
    bool incidents() const { return incidentFrequency > 0 && severityMean > 0; }
    bool rampUp() const {
        for (double a : rampUpAvailability)
            if (a != 1) return true;
        return false;
    }
    bool any() const { return overrun() || delay() || incidents() || premium() != 0 || rampUp(); }
    /// The shortfall's multiplier X of a standard normal z (1 when rampUpSd = 0).
    double rampUpMultiplier(double z) const;
    /// Log-normal parameters of the capex multiplier: log M ~ N(mu, sigma^2).
    double overrunSigma() const;
    double overrunMu() const;
    /// The multiplier of a standard normal z (1 + overrunMean when sd = 0).
    double overrunMultiplier(double z) const;
    /// The owner's share of capex paid at multiplier M: M less the state's part of the overrun.
    double ownerMultiplier(double M) const { return M - overrunStateShare * std::max(M - 1.0, 0.0); }
    /// E[max(M - 1, 0)]: the expected overrun above budget, a share of capex (closed form).
    double expectedExcessOverrun() const;
    /// Expected loss, insured loss and retained loss per incident (closed forms, log-normal S).
    double expectedLoss() const { return severityMean; }
    double expectedInsuredLoss() const;
    /// The insured part of a loss S.
    double insured(double S) const;
    /// P(an incident's insured part reaches the limit), i.e. P(insuredShare (S - deductible) >= limit).
    double limitProbability() const;
    /// The premium a year (given, or loading x frequency x expected insured loss).
    double premium() const;
    /// A severity from a standard normal z.
    double severity(double z) const;
    void validate(const std::string& where) const;
};

/// A fixed-price energy contract for an option (case file: options.<x>.hedge): a swap settled each
/// year of [fromYear, toYear] while the option runs, on `share` of the option's gas (power) use at its
/// nameplate output: the option receives share x volume x (spot - price of the year). With the price
/// at the spot's expectation the swap is worth 0 and only narrows the cash flow's spread (what a
/// lender asks of a project exposed to an energy spread). It settles on the contracted volume, so a
/// ramp-up's shortfall does not scale it.
/// Invariant (validate): shares in [0, 1]; one price >= 0 per year of the window; from <= to.
struct EnergyHedge {
    int fromYear = 0, toYear = -1;        ///< calendar years, inclusive
    double gasShare = 0, powerShare = 0;  ///< in [0, 1]
    std::vector<double> gasPrice, powerPrice;  ///< EUR/MWh per year of the window (empty: share 0)
    /// The case file gave `price: forward`: the case's own mean price of each year, filled in when the
    /// case is loaded (kp::cases::loadCaseFile); until then the prices may be empty.
    bool gasForward = false, powerForward = false;
    /// One price per year of the window for each leg with a share (what the valuation needs).
    bool priced() const {
        const auto years = static_cast<std::size_t>(toYear - fromYear + 1);
        return !any() || ((gasShare == 0 || gasPrice.size() == years) && (powerShare == 0 || powerPrice.size() == years));
    }
    bool any() const { return toYear >= fromYear && (gasShare > 0 || powerShare > 0); }
    bool covers(int year) const { return year >= fromYear && year <= toYear; }
    void validate(const std::string& where) const;
};

/// A second way to run a built option (OperatingFlexibility::alternative): its energy use,
/// feedstock, variable opex and direct emission intensity (the option's own where not given).
struct OperatingMode {
    std::string name;
    double gasMwhPerT = 0, powerMwhPerT = 0, hydrogenMwhPerT = 0;  ///< MWh per t product, >= 0
    double feedstockCostPerT = 0, variableOpex = 0;               ///< EUR/t product, >= 0
    double emissionIntensity = 0;                                 ///< direct tCO2/t product, >= 0
};

/// Operating flexibility of a built option (case file: options.<x>.operating; docs/case-file.md
/// "Operating flexibility"), chosen each period on that period's prices with no cost of switching,
/// so that one period's choice does not bind the next: the best choice of each period is then the
/// optimal policy (a strip of options on the period's margin, as the temporary shutdown of McDonald
/// and Siegel, Int. Econ. Rev. 1985), exact on every path, with no regression and no foresight.
///   alternative  a hybrid: in a period where it pays more than the own mode (whose cash flow
///                includes the operating subsidy: granted for the own mode, it is not paid in the
///                alternative), the option runs on the alternative's energy use, feedstock, variable
///                opex and emission intensity (a DRI shaft on hydrogen or on natural gas; an electric
///                or a gas boiler); output, fixed opex, free allocation and the rest stay the option's.
///   suspend      in a period where running pays less than -idleCostPerYear, the option stands idle
///                (care and maintenance: that cost instead of its cash flow; nothing made or emitted,
///                no operating subsidy, no incident), and runs again in the next period that pays.
/// Switching costs (one-off, EUR, paid in the period of the change): suspendCost to go idle,
/// restartCost to run again after idling, switchCost to change between the own mode and the
/// alternative. With any of them the choice depends on the last period's mode (hysteresis): it is
/// then an optimal-switching problem decided by a regression per mode (least-squares Monte Carlo
/// with one continuation value per operating mode, as LSMRealOptions' LSM_real_option_OF; the rule
/// is trained on the training paths with the investment rule, kp::SwitchingRule), and abandoning
/// (OperatingFlexibility::abandonNet) becomes one of its modes, absorbing, instead of a stage. The
/// plant enters its first operating period from the own mode. Not with an operating subsidy, a
/// hedge, a capital grant's claw-back, beside the plant, or a stage (investment_instrument.hpp).
/// Only on a replacement or a technology beside the plant (not a retrofit, reline or mothballing),
/// and not with a ramp-up risk.
struct OperatingFlexibility {
    std::optional<OperatingMode> alternative;
    bool suspend = false;
    double idleCostPerYear = 0;  ///< EUR/yr while suspended, >= 0
    double suspendCost = 0;      ///< EUR, one-off, running -> idle, >= 0
    double restartCost = 0;      ///< EUR, one-off, idle -> running (either mode), >= 0
    double switchCost = 0;       ///< EUR, one-off, own mode <-> alternative, >= 0
    /// With switching costs: abandoning as an absorbing mode, its cost net of salvage (EUR, paid once;
    /// negative when the salvage is larger); nullopt: no abandoning mode (without switching costs
    /// abandoning is a stage, Technology::abandons).
    std::optional<double> abandonNet;
    bool any() const { return alternative.has_value() || suspend; }
    /// One-off costs of changing mode are given: the choice is path dependent (hysteresis).
    bool switching() const { return suspendCost > 0 || restartCost > 0 || switchCost > 0; }
};

/// A decarbonisation technology a plant may invest in (or a stage of one).
///
/// Replacement (retrofit = false): from the start of operation the technology's energy use, feedstock
/// cost, opex and direct emission intensity replace the plant's.
/// Retrofit (retrofit = true, e.g. CCS): the plant keeps running; the technology adds its energy use,
/// feedstock cost and opex, captures `captureRate` of the plant's direct emissions (emission intensity
/// becomes plant intensity x (1 - captureRate)) and pays `tsTariff` per tonne captured for transport
/// and storage. A retrofit ignores `emissionIntensity`.
///
/// Capex on the learning curve: capex(D) = capex x ((1 - learningShare) + learningShare x factor(D)),
/// the curve named by `maturity` in the case (empty: no learning). The valuation subtracts the capital
/// grant (CapitalGrant::amount of the learnt capex) when the investment is made.
struct Technology {
    std::string name;
    double capex = 0;                 ///< EUR at deployment0, >= 0 (incremental for a stage)
    double learningShare = 0;         ///< share of capex on the learning curve, in [0, 1]
    std::string maturity;             ///< learning curve / availability entry, "" for none
    double fixedOpex = 0;             ///< EUR/yr, >= 0
    double variableOpex = 0;          ///< EUR/t product, >= 0
    double gasMwhPerT = 0;            ///< MWh natural gas per t product, >= 0
    double powerMwhPerT = 0;          ///< MWh electricity per t product, >= 0
    double hydrogenMwhPerT = 0;       ///< MWh hydrogen (LHV) per t product, >= 0
    double feedstockCostPerT = 0;     ///< EUR/t product of other inputs (ore, scrap, biomass), >= 0
    double emissionIntensity = 0;     ///< direct tCO2/t product after (replacement only), >= 0
    double outputScale = 1;           ///< output relative to the plant's, > 0 (replacement only)
    bool retrofit = false;
    double captureRate = 0;           ///< retrofit: share of direct emissions captured, in [0, 1]
    double tsTariff = 0;              ///< retrofit: transport and storage EUR/tCO2 captured, >= 0
    int constructionYears = 0;        ///< years from decision to operation, >= 0
    int lifetimeYears = 25;           ///< operating years, > 0
    int earliestDecisionYear = 0;     ///< first calendar year the decision can be taken
    int latestDecisionYear = 0;       ///< last calendar year, >= earliest
    std::vector<std::string> infrastructure;  ///< infrastructure needed before operation
    std::string requiresOption;       ///< stage: the option that must be built first ("" for none)
    std::optional<SdeSubsidy> sde;    ///< operating subsidy, if granted
    /// >= 0: a reline (life extension) of the plant as it is, not a decarbonisation: a retrofit that
    /// changes nothing but the plant's end, which moves to its remaining life plus this many years
    /// (case file: plant.reline). Excluded from P(invested), the CO2 trigger and the `invested`
    /// outcome. -1: an ordinary technology.
    int relineYearsAdded = -1;
    double jobs = -1;  ///< direct employment while it operates (reported only); < 0: as the plant
    bool isReline() const { return relineYearsAdded >= 0; }
    /// Beside the plant (case file: options.<x>.alongside), e.g. a pilot: not a retrofit, reline or
    /// stage. From its operation start, for its lifetime, it adds its own output (plant output x
    /// outputScale), energy use, feedstock, opex, direct emissions (emissionIntensity), free
    /// allocation, levy, premium and subsidy, each computed as for a replacement of that size, to the
    /// plant's; the plant runs on as it is (its end of life and decommissioning unchanged). It is
    /// one decision like every option: once built, the plant is not closed or relined before its end.
    /// Excluded from P(invested), the CO2 trigger and the `invested` outcome (its own: `piloted`).
    /// Jobs < 0: the plant's x outputScale.
    bool alongside = false;
    /// Licence income, EUR/yr, >= 0, while an alongside technology (or its stage) operates.
    double licensingPerYear = 0;
    CapitalGrant grant;               ///< capital grant on the investment
    TechnologyRisk risk;              ///< overrun, delay, incidents and insurance (none by default)
    EnergyHedge hedge;                ///< fixed-price gas and power (none by default)
    OperatingFlexibility operating;   ///< a hybrid's second mode, suspension (none by default)
    /// The option running in its alternative mode (operating.alternative, which must be given).
    Technology inMode(const OperatingMode& m) const {
        Technology t = *this;
        t.gasMwhPerT = m.gasMwhPerT, t.powerMwhPerT = m.powerMwhPerT, t.hydrogenMwhPerT = m.hydrogenMwhPerT;
        t.feedstockCostPerT = m.feedstockCostPerT, t.variableOpex = m.variableOpex;
        t.emissionIntensity = m.emissionIntensity;
        t.operating = {};
        return t;
    }
    /// Mothballing of the plant as it is (case file: plant.mothball), not a decarbonisation:
    ///   Idle     suspends the plant (care and maintenance): its running cash flow is -fixedOpex a
    ///            year, nothing made or emitted, no carbon bill, `jobs` kept on; capex is a one-off
    ///            mothballing cost. It lasts to the plant's end of life, when the decommissioning is paid.
    ///   Restart  the Idle option's stage: the plant as it is runs again (its cash flow, output and
    ///            emissions) from capex (the restart cost) and constructionYears (the restart time) to
    ///            its end of life, unchanged by the idle years.
    /// Excluded, as a reline is, from P(invested), the CO2 trigger and the `invested` outcome.
    enum class MothballRole { None, Idle, Restart };
    /// A stage that abandons its parent for good (case file: options.<x>.operating.abandon, which adds
    /// the stage "<x>_abandon"): from its decision the parent makes, emits, earns and pays nothing
    /// more; capex is the abandonment cost net of salvage (negative when the salvage is larger), paid
    /// then; its lifetime is the parent's (it replaces the parent's flows over that span, as any stage
    /// does). Not on a retrofit, nor on an option with an operating subsidy (its term runs from the
    /// parent's start, which the stage's rule does not see) or with another stage.
    bool abandons = false;
    MothballRole mothball = MothballRole::None;
    bool isMothball() const { return mothball == MothballRole::Idle; }
    bool isRestart() const { return mothball == MothballRole::Restart; }

    /// Capex in EUR after learning, for cumulative deployment D (curve from the case).
    double capexAt(const LearningCurve* curve, double deployment) const {
        if (!curve || learningShare == 0) return capex;
        return capex * ((1.0 - learningShare) + learningShare * curve->factor(deployment));
    }
    void validate(const std::string& where) const;
};

}  // namespace kp
