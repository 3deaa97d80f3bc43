#pragma once
/// \file scenario.hpp
/// The four built-in scenarios (stabilisation, relocation, innovation-hubs, accelerated) and any
/// user scenario file: relative adjustments applied to a loaded case. The presets are YAML files in
/// cases/scenarios/, compiled into the library; each documents where its numbers come from
/// (FACTS.md tags) and which numbers are modelling assumptions. See docs/case-file.md.
///
/// A scenario adjusts relative to the case (after --set overrides), so it composes with any case:
/// price levels are scaled, drifts added, volatilities scaled, arrivals shifted, subsidies scaled.
/// A storyline also needs a few absolute settings (`anchors:`): a CO2 price path (an NGFS Phase V
/// path shipped with the binary, or points) that replaces the case's CO2 path and drift, and a
/// capital-grant share; and plant options (a reline offered per tonne of capacity, the replacement
/// technologies at pilot scale, cheaper closing). Tested in tests/cases/case_file_test.cpp.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"

namespace kp::cases {

/// Adjustment of one factor: level x levelScale, drift + driftAdd per year, vol x volScale.
/// Level: Gbm/Jump spot, ExpOu spot and mean level (log + log scale), Schwartz-Smith xi0, Constant
/// value, Derived scale. Drift: Gbm/Jump mu, Schwartz-Smith mu_xi, ExpOu mean level rising by
/// driftAdd per year (annual pieces over the horizon); none for Constant and Derived.
/// Vol: Gbm/Jump sigma and jump_vol, ExpOu sigma, Schwartz-Smith sigma_chi and sigma_xi.
struct FactorAdjustment {
    double levelScale = 1;
    double driftAdd = 0;
    double volScale = 1;
};

/// `anchors.co2_path`: the CO2 factor's path (median; mean for a jump factor), replacing the case's
/// path, drift or mean level (docs/case-file.md, "A price path").
struct Co2Anchor {
    std::string source;            ///< "ngfs/<scenario>/<model>" or "points"
    std::map<int, double> points;  ///< calendar year -> currency/tCO2 (NGFS: EUR2022, before the floor)
    std::optional<double> floor;   ///< NGFS only: each point at least this (default: the case's CO2 spot)
};

/// `adjust.plant.reline`: a life extension offered when the case has none (plant.reline), priced
/// per tonne of annual output.
struct RelineOffer {
    double capexPerT = 0;  ///< currency per (t/yr) of the plant's output, >= 0
    int yearsAdded = 0;    ///< in [1, 100]
};

struct Scenario {
    std::string name;
    std::string file;      ///< where it was read from
    std::string summary;
    std::optional<Co2Anchor> co2Path;                 ///< anchors.co2_path (applied before `factors`)
    std::optional<double> grantShare;                 ///< anchors.capital_grant_share: every grant's share
    std::map<std::string, FactorAdjustment> factors;  ///< co2, gas, power, hydrogen, product
    std::optional<bool> levyEnabled;                  ///< set the levy on or off
    std::optional<std::string> freeAllocationPhaseOut;  ///< cbam | low_leakage | none | schedule
    std::optional<YearSchedule> freeAllocationSchedule;  ///< the phase-out as {year: share}
    double sdeScale = 1;          ///< subsidy per tonne x scale (all SDE++ amounts scaled)
    double grantShareScale = 1;   ///< capital-grant share x scale (capped at 1)
    double greenPremiumScale = 1;
    double passThroughScale = 1;  ///< carbon pass-through share x scale (capped at 1)
    double infrastructureDelayYears = 0;  ///< every infrastructure arrival shifted by this
    double availabilityDelayYears = 0;    ///< every technology-availability date shifted by this
    double learningRateScale = 1;         ///< learning rates x scale (capped below 1)
    double deploymentGrowthScale = 1;     ///< deployment drift x scale
    double outputScale = 1;               ///< plant output x scale
    std::optional<RelineOffer> reline;    ///< a reline offered if the case has none
    /// Replacement technologies (and stages) built at this share of their size: output_scale x scale,
    /// capex and fixed opex x scale^optionsCapexExponent; a retrofit captures rate x scale. 1: as written.
    double optionsScale = 1;
    double optionsCapexExponent = 1;      ///< economies of scale of a smaller build, in [0, 1]
    /// Every replacement technology (not a retrofit, reline or stage; without a grant claw-back) built
    /// beside the plant (Technology::alongside), with this licence income, EUR/yr.
    bool optionsAlongside = false;
    double optionsLicensingPerYear = 0;
    double exitValueScale = 1;            ///< close and relocate values x scale
    double exitCostScale = 1;             ///< close and relocate costs x scale
};

/// Names of the built-in presets, in documentation order.
std::vector<std::string> scenarioNames();
/// The YAML text of a preset (throws InvalidInput for an unknown name, with a did-you-mean).
std::string scenarioText(const std::string& name);
/// A preset by name, or a scenario file when `nameOrPath` ends in .yaml/.yml.
/// `where` prefixes the unknown-name message (e.g. "--scenario" or "case.yaml:3: scenario").
Scenario loadScenario(const std::string& nameOrPath, const std::string& where = "scenario");
/// Applies `s` to `c` and re-checks the adjusted models (throws InvalidInput).
void applyScenario(CaseFile& c, const Scenario& s);

}  // namespace kp::cases
