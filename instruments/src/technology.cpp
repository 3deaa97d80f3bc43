#include "kp/instruments/technology.hpp"

#include <cmath>

#include "kp/core/errors.hpp"

namespace kp {

double LearningCurve::exponent() const { return -std::log2(1.0 - learningRate); }

double LearningCurve::factor(double deployment) const {
    return std::pow(deployment / deployment0, -exponent());
}

void LearningCurve::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(learningRate) && learningRate >= 0 && learningRate < 1, where,
               ".learning_rate: the learning rate is ", learningRate, ", but must be in [0, 1)");
    KP_REQUIRE(std::isfinite(deployment0) && deployment0 > 0, where,
               ".deployment0: the initial deployment is ", deployment0, ", but must be positive");
}

void Technology::validate(const std::string& where) const {
    auto nonNeg = [&](double v, const char* field, const char* unit) {
        KP_REQUIRE(std::isfinite(v) && v >= 0, where, ".", field, ": the value is ", v,
                   ", but must be >= 0 ", unit);
    };
    nonNeg(capex, "capex", "EUR");
    nonNeg(fixedOpex, "fixed_opex_per_year", "EUR/yr");
    nonNeg(variableOpex, "variable_opex_per_t", "EUR/t");
    nonNeg(gasMwhPerT, "gas_mwh_per_t", "MWh/t");
    nonNeg(powerMwhPerT, "power_mwh_per_t", "MWh/t");
    nonNeg(hydrogenMwhPerT, "hydrogen_mwh_per_t", "MWh/t");
    nonNeg(feedstockCostPerT, "feedstock_cost_per_t", "EUR/t");
    nonNeg(emissionIntensity, "emission_intensity_t_per_t", "tCO2/t");
    nonNeg(tsTariff, "ts_tariff_per_t", "EUR/tCO2");
    KP_REQUIRE(std::isfinite(learningShare) && learningShare >= 0 && learningShare <= 1, where,
               ".learning_share: the share is ", learningShare, ", but must be in [0, 1]");
    KP_REQUIRE(std::isfinite(captureRate) && captureRate >= 0 && captureRate <= 1, where,
               ".capture_rate: the capture rate is ", captureRate, ", but must be in [0, 1]");
    KP_REQUIRE(std::isfinite(outputScale) && outputScale > 0, where,
               ".output_scale: the scale is ", outputScale, ", but must be positive");
    KP_REQUIRE(constructionYears >= 0, where, ".construction_years: the construction time is ",
               constructionYears, ", but must be >= 0 years");
    KP_REQUIRE(lifetimeYears > 0, where, ".lifetime_years: the lifetime is ", lifetimeYears,
               ", but must be positive");
    KP_REQUIRE(latestDecisionYear >= earliestDecisionYear, where,
               ".decision_window: the latest year is ", latestDecisionYear,
               ", but must be >= the earliest year (", earliestDecisionYear, ")");
    KP_REQUIRE(!alongside || (!retrofit && !isReline()), where,
               ".alongside: the option runs beside the plant, but must then not be a retrofit or reline");
    KP_REQUIRE(std::isfinite(licensingPerYear) && licensingPerYear >= 0 && (licensingPerYear == 0 || alongside), where,
               ".licensing.eur_per_year: the licence income is ", licensingPerYear,
               ", but must be >= 0 EUR/yr and only on an option beside the plant (alongside)");
    if (sde) sde->validate(where + ".sde");
    grant.validate(where + ".capital_grant");
}

}  // namespace kp
