#include "kp/results/technology_risk.hpp"

#include <cmath>
#include <iomanip>

namespace kp::results {

std::vector<TechnologyRiskSummary> technologyRiskSummaries(const std::vector<Technology>& options) {
    std::vector<TechnologyRiskSummary> out;
    for (const Technology& t : options) {
        const TechnologyRisk& r = t.risk;
        if (!r.any()) continue;
        TechnologyRiskSummary s;
        s.option = t.name;
        s.overrunMean = r.overrunMean;
        s.overrunSd = r.overrunSd;
        constexpr double kZ90 = 1.2815515655446004;  // the standard normal's 90% quantile
        s.overrunP90 = r.overrunMultiplier(kZ90) - 1.0;
        s.stateShare = r.overrunStateShare;
        s.stateExpected = r.overrunStateShare * r.expectedExcessOverrun();
        constexpr double kZ99 = 2.3263478740408408;  // the standard normal's 99% quantile
        s.stateP99 = r.overrunStateShare * std::max(r.overrunMultiplier(kZ99) - 1.0, 0.0);
        s.delayProbabilities = r.delayProbabilities;
        for (std::size_t y = 0; y < r.delayProbabilities.size(); ++y)
            s.expectedDelayYears += static_cast<double>(y) * r.delayProbabilities[y];
        const double lambda = r.incidents() ? r.incidentFrequency : 0.0;
        s.incidentFrequency = lambda;
        s.expectedLossPerYear = lambda * r.expectedLoss();
        s.expectedInsuredPerYear = lambda * r.expectedInsuredLoss();
        s.premiumPerYear = r.premium();
        s.expectedRetainedPerYear = s.expectedLossPerYear - s.expectedInsuredPerYear;
        s.limitExceedPerYear = -std::expm1(-lambda * r.limitProbability());
        if (r.rampUp()) {
            s.rampUpAvailability = r.rampUpAvailability;
            s.rampUpSd = r.rampUpSd;
            s.firstOfAKind = r.rampUpLearns;
        }
        out.push_back(s);
    }
    return out;
}

nlohmann::ordered_json technologyRiskJson(const std::vector<TechnologyRiskSummary>& ss) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& s : ss)
        a.push_back({{"option", s.option},
                     {"capex_overrun",
                      {{"mean", s.overrunMean},
                       {"sd", s.overrunSd},
                       {"p90", s.overrunP90},
                       {"state_share", s.stateShare},
                       {"state_expected_share_of_capex", s.stateExpected},
                       {"state_p99_share_of_capex", s.stateP99}}},
                     {"delay_years", {{"probabilities", s.delayProbabilities}, {"mean", s.expectedDelayYears}}},
                     {"incidents",
                      {{"frequency_per_year", s.incidentFrequency},
                       {"expected_loss_per_year", s.expectedLossPerYear},
                       {"expected_insured_loss_per_year", s.expectedInsuredPerYear},
                       {"premium_per_year", s.premiumPerYear},
                       {"expected_retained_loss_per_year", s.expectedRetainedPerYear},
                       {"p_limit_reached_per_year", s.limitExceedPerYear}}},
                     {"ramp_up",
                      {{"availability", s.rampUpAvailability}, {"sd", s.rampUpSd}, {"first_of_a_kind", s.firstOfAKind}}}});
    return a;
}

void printTechnologyRisk(std::ostream& o, const std::vector<TechnologyRiskSummary>& ss, const std::string& cur) {
    if (ss.empty()) return;
    const auto flags = o.flags();
    const auto prec = o.precision();
    o << "Technology risk (options.<x>.risk; decisions see its expectation, each path its own draws):\n";
    for (const auto& s : ss) {
        o << "  " << s.option << ": capex overrun mean " << std::fixed << std::setprecision(1) << 100 * s.overrunMean
          << "%, sd " << 100 * s.overrunSd << "%, p90 " << 100 * s.overrunP90 << "%";
        if (s.stateShare > 0)
            o << " (state guarantee pays " << 100 * s.stateShare << "% of it: expected " << 100 * s.stateExpected
              << "% of capex, p99 " << 100 * s.stateP99 << "%)";
        o << "; expected delay "
          << std::setprecision(2) << s.expectedDelayYears << " yr";
        if (s.incidentFrequency > 0 || s.premiumPerYear > 0)
            o << "; incidents " << std::setprecision(3) << s.incidentFrequency << "/yr, expected loss "
              << std::setprecision(1) << s.expectedLossPerYear / 1e6 << " m " << cur << "/yr (insured "
              << s.expectedInsuredPerYear / 1e6 << " m, retained " << s.expectedRetainedPerYear / 1e6
              << " m), premium " << s.premiumPerYear / 1e6 << " m/yr, P(limit reached in a year) "
              << std::setprecision(5) << s.limitExceedPerYear;
        if (!s.rampUpAvailability.empty()) {
            o << "; ramp-up availability";
            for (double a : s.rampUpAvailability) o << " " << std::setprecision(2) << a;
            if (s.rampUpSd > 0) o << " (shortfall sd " << s.rampUpSd << ")";
            if (s.firstOfAKind) o << ", first of a kind (shrinks with deployment)";
        }
        o << "\n";
    }
    o.flags(flags);
    o.precision(prec);
}

}  // namespace kp::results
