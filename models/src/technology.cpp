#include "kp/models/technology.hpp"

#include <cmath>
#include <limits>

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

namespace {
/// P(Z <= z) and P(Z > z), each accurate in its own tail.
double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double normalSurvival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }
constexpr double kNever = std::numeric_limits<double>::infinity();
}  // namespace

double ArrivalDistribution::year(double z) const {
    switch (kind) {
        case Kind::Fixed:
            return at;
        case Kind::Discrete: {
            const double u = normalCdf(z);
            double cum = 0;
            for (std::size_t i = 0; i < years.size(); ++i) {
                cum += probabilities[i];
                if (u <= cum) return years[i];
            }
            return kNever;
        }
        case Kind::Lognormal:
            return start + medianDelay * std::exp(sigma * z);
        case Kind::Queue:
            return start + queueYears - std::log(normalSurvival(z)) / hazard;
    }
    return kNever;
}

double ArrivalDistribution::cdf(double y) const {
    switch (kind) {
        case Kind::Fixed:
            return y >= at ? 1.0 : 0.0;
        case Kind::Discrete: {
            double cum = 0;
            for (std::size_t i = 0; i < years.size(); ++i)
                if (years[i] <= y) cum += probabilities[i];
            return cum;
        }
        case Kind::Lognormal: {
            const double d = y - start;
            if (d <= 0) return 0.0;
            if (sigma == 0) return d >= medianDelay ? 1.0 : 0.0;
            return normalCdf(std::log(d / medianDelay) / sigma);
        }
        case Kind::Queue: {
            const double d = y - start - queueYears;
            return d <= 0 ? 0.0 : -std::expm1(-hazard * d);
        }
    }
    return 0.0;
}

ArrivalDistribution ArrivalDistribution::fixed(double y) {
    ArrivalDistribution a;
    a.kind = Kind::Fixed;
    a.at = y;
    return a;
}

void ArrivalDistribution::validate(const std::string& where) const {
    switch (kind) {
        case Kind::Fixed:
            KP_REQUIRE(std::isfinite(at), where, ".year: the year is ", at, ", but must be finite");
            break;
        case Kind::Discrete: {
            KP_REQUIRE(!years.empty() && years.size() == probabilities.size(), where,
                       ".years: the number of years is ", years.size(),
                       ", but must be at least 1 with one probability each (", probabilities.size(),
                       " probabilities)");
            double sum = 0;
            for (std::size_t i = 0; i < years.size(); ++i) {
                KP_REQUIRE(i == 0 || years[i] > years[i - 1], where, ".years: year ", years[i],
                           " is not after ", years[i == 0 ? 0 : i - 1],
                           ", but must be strictly increasing");
                const double p = probabilities[i];
                KP_REQUIRE(std::isfinite(p) && p >= 0 && p <= 1, where, ".years.", years[i],
                           ": the probability is ", p, ", but must be in [0, 1]");
                sum += p;
            }
            KP_REQUIRE(sum <= 1.0 + 1e-9, where, ".years: the probabilities sum to ", sum,
                       ", but must sum to at most 1 (the rest is 'never')");
            break;
        }
        case Kind::Lognormal:
            KP_REQUIRE(std::isfinite(start), where, ".start: the year is ", start,
                       ", but must be finite");
            KP_REQUIRE(std::isfinite(medianDelay) && medianDelay > 0, where,
                       ".median_delay_years: the median delay is ", medianDelay,
                       ", but must be positive");
            KP_REQUIRE(std::isfinite(sigma) && sigma >= 0, where, ".sigma: the log-delay sigma is ",
                       sigma, ", but must be >= 0");
            break;
        case Kind::Queue:
            KP_REQUIRE(std::isfinite(start), where, ".start: the year is ", start,
                       ", but must be finite");
            KP_REQUIRE(std::isfinite(queueYears) && queueYears >= 0, where,
                       ".queue_years: the queue is ", queueYears, ", but must be >= 0 years");
            KP_REQUIRE(std::isfinite(hazard) && hazard > 0, where,
                       ".hazard_per_year: the hazard is ", hazard, ", but must be positive");
            break;
    }
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
    if (sde) sde->validate(where + ".sde");
    grant.validate(where + ".capital_grant");
}

}  // namespace kp
