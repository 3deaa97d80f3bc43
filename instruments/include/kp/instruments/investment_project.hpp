#pragma once
/// \file investment_project.hpp
/// The decarbonisation project as the case describes it: a plant that may carry on, invest in one of
/// several mutually exclusive technologies (some with a later stage), or close, on a grid of periods.
/// Plain data; kp::InvestmentInstrument (investment_instrument.hpp) checks it and turns it into cash
/// flows on blocks of simulated paths. Built by cases/ (kp::cases::toInvestmentProblem) from a case
/// file, or by hand in tests.
///
/// Time: t = 0 is 1 January of `startYear`; with P = periodsPerYear (1 or 4), period k
/// (k = 0 .. P x horizonYears - 1) starts at t = k / P, in calendar year startYear + k / P (integer
/// division). The factors are simulated at t = 0, 1/P, ..., horizonYears; the cash flow of period k
/// is 1/P of its calendar year's cash flow at the prices at t = k / P (the Dutch levy's reference
/// EUA price is the one a year earlier), discounted by discount[k]. Decisions are taken at the start
/// of each period, before its cash flow; decision windows are calendar years (every period of the
/// year). Money: the case currency of the price base year (real).
///
/// Stages (StageOption): a second investment that exists only once its parent operates, e.g. DRI on
/// natural gas switched to hydrogen. It may be decided at a date t from the parent's first operating
/// year on, inside its own window; from its operation start s = max(t + construction, arrival of its
/// infrastructure) it replaces the parent's running cash flows (not the parent's subsidy, which runs
/// its term) for its lifetime, clipped at the horizon. Its capex (incremental) is paid at t.
///
/// After the horizon (discountAfter non-empty; valuation.after_horizon: last_year): whatever runs in
/// the horizon's last period carries on for the rest of its life with that period's cash flow (the
/// last period's prices, policy and, within its term, subsidy held constant), discounted by
/// discountAfter: the plant as it is to the end of its remaining life; a technology to the end of its
/// lifetime (its subsidy to the end of its term); a stage likewise, in place of its parent. A
/// technology whose construction ends after the horizon runs from then on, the plant until then;
/// one whose infrastructure has not arrived by the horizon never runs. Nothing is decided after the
/// horizon. Empty discountAfter (after_horizon: none): no value after the horizon; cash flows stop
/// there.
///
/// Current limitations: a stage is not decided during its parent's construction; the parent's
/// lifetime is taken to cover the stage's operation.

#include <cstddef>
#include <string>
#include <vector>

#include "kp/instruments/plant.hpp"
#include "kp/instruments/policy.hpp"
#include "kp/instruments/technology.hpp"

namespace kp {

/// Where a price comes from on a path:
///   Constant  price = constant
///   State     price = state[stateIndex]
///   Derived   price = scale x (source / efficiency + adder x ((1 - share) + share x L)), source =
///             state[stateIndex] (or sourceConstant if !sourceState), L = the learning factor of
///             curve `learningIndex` (1 if -1): hydrogen derived from power.
struct PriceSource {
    enum class Kind { Constant, State, Derived };
    Kind kind = Kind::Constant;
    double constant = 0;
    std::size_t stateIndex = 0;
    double efficiency = 1, adder = 0, scale = 1;
    int learningIndex = -1;
    double learningShare = 0;
    bool sourceState = true;
    double sourceConstant = 0;

    static PriceSource fixed(double v) { return {Kind::Constant, v}; }
    static PriceSource state(std::size_t i) { return {Kind::State, 0, i}; }
};

/// A learning curve driven by a simulated cumulative deployment (running maximum of the state).
/// stateIndex < 0: deployment stays at deployment0 (no learning).
struct LearningSource {
    std::string name;
    LearningCurve curve;
    int stateIndex = -1;
};

/// One technology option with the indices the instrument needs.
struct TechnologyOption {
    Technology tech;
    int learningIndex = -1;                  ///< capex learning curve, -1 for none
    std::vector<std::size_t> infrastructure; ///< indices into InvestmentProject::infrastructureNames
};

/// An exit: close or relocate (value received minus cost paid when taken, EUR).
struct ExitOption {
    std::string name = "close";
    double value = 0, cost = 0;
    int earliestYear = 0, latestYear = 0;  ///< calendar years
};

/// A stage of a technology (see the file comment).
struct StageOption {
    TechnologyOption option;
    std::size_t parent = 0;  ///< index into InvestmentProject::technologies
};

struct InvestmentProject {
    PriceSource co2, gas, power, hydrogen, product;  ///< state indices refer to the factors' state
    std::vector<LearningSource> learning;
    int startYear = 0;
    int horizonYears = 0;
    /// Decision dates and cash-flow periods per year: 1 (annual) or 4 (quarterly). Period k starts
    /// at t = k / periodsPerYear and carries 1 / periodsPerYear of its calendar year's cash flow at
    /// the prices of t; construction, lifetimes and subsidy terms are whole years of periods.
    int periodsPerYear = 1;
    std::vector<double> discount;  ///< discount factor of the cash flow of period k, k < horizonYears x periodsPerYear
    /// Discount factors of the periods after the horizon, k = H, H + 1, ... (see "After the
    /// horizon"); empty: nothing is valued after the horizon. Lives are clipped to its length.
    std::vector<double> discountAfter;
    Plant plant;
    Policy policy;
    std::vector<TechnologyOption> technologies;  ///< mutually exclusive
    std::vector<StageOption> stages;             ///< second investments after a technology
    /// Infrastructure (and technology-availability) entries whose arrival dates the paths carry.
    std::vector<std::string> infrastructureNames;
    std::vector<ExitOption> exits;  ///< close, relocate (each in its window)
};

}  // namespace kp
