#pragma once
/// \file technology_risk.hpp
/// What a case's technology risk (options.<x>.risk, kp::TechnologyRisk) means a year, in closed
/// form: the insurer's and the owner's view of the incidents, the overrun's law and the expected
/// delay. Shown by `kruispunt value` (text and JSON `technology_risk`) beside the simulated results,
/// which carry each path's own draws. Tested in tests/results/technology_risk_test.cpp.

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kp/instruments/technology.hpp"

namespace kp::results {

/// One option's risk figures (EUR, per operating year where it says so).
struct TechnologyRiskSummary {
    std::string option;
    double overrunMean = 0, overrunSd = 0;       ///< capex multiplier - 1: mean, sd
    double overrunP90 = 0;                       ///< 90th percentile of the overrun (share of capex)
    double stateShare = 0;                       ///< share of the overrun a state guarantee pays
    double stateExpected = 0;                    ///< the state's expected payment per investment, share of capex
    double stateP99 = 0;                         ///< its 99th percentile, share of capex
    std::vector<double> delayProbabilities;      ///< P(delay = y years)
    double expectedDelayYears = 0;
    double incidentFrequency = 0;                ///< a year
    double expectedLossPerYear = 0;              ///< frequency x E[S]
    double expectedInsuredPerYear = 0;           ///< frequency x E[I]: the insurer's expected loss
    double premiumPerYear = 0;
    double expectedRetainedPerYear = 0;          ///< frequency x E[S - I]: the owner's
    double limitExceedPerYear = 0;               ///< P(a year has an incident whose insured part reaches the limit)
    std::vector<double> rampUpAvailability;      ///< operating years 1 .. R (empty: none)
    double rampUpSd = 0;
    bool firstOfAKind = false;
};

/// The summaries of the options that carry risk (none: empty).
std::vector<TechnologyRiskSummary> technologyRiskSummaries(const std::vector<Technology>& options);
/// JSON array of the summaries (empty array: no risk).
nlohmann::ordered_json technologyRiskJson(const std::vector<TechnologyRiskSummary>& s);
/// Text lines (nothing without risk).
void printTechnologyRisk(std::ostream& o, const std::vector<TechnologyRiskSummary>& s, const std::string& currency);

}  // namespace kp::results
