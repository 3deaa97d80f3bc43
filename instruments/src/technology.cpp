#include "kp/instruments/technology.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kp/core/errors.hpp"
#include "kp/core/random.hpp"

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

/// log S ~ N(mu, sigma^2) with E[S] = m, sd(S) = s (m > 0).
struct LogNormal {
    double mu, sigma;
    LogNormal(double m, double s) {
        sigma = std::sqrt(std::log1p((s / m) * (s / m)));
        mu = std::log(m) - 0.5 * sigma * sigma;
    }
};

/// E[(S - K)^+] for S log-normal with mean m and sd s (Black's formula; s = 0: S = m).
double callOn(double m, double s, double K) {
    if (K <= 0) return m - K;
    if (s == 0) return std::max(m - K, 0.0);
    const LogNormal ln(m, s);
    const double d1 = (std::log(m / K) + 0.5 * ln.sigma * ln.sigma) / ln.sigma;
    return m * normalCdf(d1) - K * normalCdf(d1 - ln.sigma);
}

constexpr double kNoLimit = 1e300;

}  // namespace

double TechnologyRisk::overrunSigma() const { return LogNormal(1.0 + overrunMean, overrunSd).sigma; }

double TechnologyRisk::overrunMu() const { return LogNormal(1.0 + overrunMean, overrunSd).mu; }

double TechnologyRisk::overrunMultiplier(double z) const {
    if (overrunSd == 0) return 1.0 + overrunMean;
    return std::exp(overrunMu() + overrunSigma() * z);
}

double TechnologyRisk::rampUpMultiplier(double z) const {
    if (rampUpSd == 0) return 1.0;
    const LogNormal ln(1.0, rampUpSd);
    return std::exp(ln.mu + ln.sigma * z);
}

double TechnologyRisk::expectedExcessOverrun() const { return callOn(1.0 + overrunMean, overrunSd, 1.0); }

double TechnologyRisk::severity(double z) const {
    if (severitySd == 0) return severityMean;
    const LogNormal ln(severityMean, severitySd);
    return std::exp(ln.mu + ln.sigma * z);
}

double TechnologyRisk::insured(double S) const {
    return std::min(insuredShare * std::max(S - deductible, 0.0), limit);
}

double TechnologyRisk::expectedInsuredLoss() const {
    if (insuredShare == 0 || severityMean == 0) return 0.0;
    const double a = insuredShare, m = severityMean, s = severitySd;
    const double capped = limit >= kNoLimit ? 0.0 : callOn(m, s, deductible + limit / a);
    return a * (callOn(m, s, deductible) - capped);
}

double TechnologyRisk::limitProbability() const {
    if (insuredShare == 0 || severityMean == 0 || limit >= kNoLimit) return 0.0;
    const double K = deductible + limit / insuredShare;
    if (severitySd == 0) return severityMean >= K ? 1.0 : 0.0;
    const LogNormal ln(severityMean, severitySd);
    return K <= 0 ? 1.0 : normalCdf(-(std::log(K) - ln.mu) / ln.sigma);
}

double TechnologyRisk::premium() const {
    if (premiumPerYear >= 0) return premiumPerYear;
    return premiumLoading * incidentFrequency * expectedInsuredLoss();
}

void TechnologyRisk::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(overrunMean) && overrunMean > -1 && overrunMean <= 100, where,
               ".capex_overrun.mean: the mean overrun is ", overrunMean, ", but must be in (-1, 100]");
    KP_REQUIRE(std::isfinite(overrunSd) && overrunSd >= 0 && overrunSd <= 100, where,
               ".capex_overrun.sd: the spread is ", overrunSd, ", but must be in [0, 100]");
    KP_REQUIRE(std::isfinite(overrunStateShare) && overrunStateShare >= 0 && overrunStateShare <= 1, where,
               ".capex_overrun.state_share: the share is ", overrunStateShare, ", but must be in [0, 1]");
    KP_REQUIRE(delayProbabilities.size() <= 11, where, ".delay_years: ", delayProbabilities.size(),
               " probabilities, but at most 11 (delays of 0 to 10 years)");
    double sum = 0;
    for (double q : delayProbabilities) {
        KP_REQUIRE(std::isfinite(q) && q >= 0 && q <= 1, where, ".delay_years: a probability is ", q,
                   ", but must be in [0, 1]");
        sum += q;
    }
    KP_REQUIRE(delayProbabilities.empty() || std::abs(sum - 1.0) <= 1e-9, where,
               ".delay_years: the probabilities sum to ", sum, ", but must sum to 1");
    KP_REQUIRE(std::isfinite(incidentFrequency) && incidentFrequency >= 0 && incidentFrequency <= 2, where,
               ".incidents.frequency_per_year: the frequency is ", incidentFrequency, ", but must be in [0, 2] a year");
    KP_REQUIRE(std::isfinite(severityMean) && severityMean >= 0 && severityMean <= 1e13, where,
               ".incidents.severity.mean: the mean loss is ", severityMean, ", but must be in [0, 1e13] EUR");
    KP_REQUIRE(std::isfinite(severitySd) && severitySd >= 0 && severitySd <= 1e14 && (severitySd == 0 || severityMean > 0),
               where, ".incidents.severity.sd: the spread is ", severitySd,
               ", but must be in [0, 1e14] EUR, and 0 when the mean is 0");
    KP_REQUIRE(std::isfinite(insuredShare) && insuredShare >= 0 && insuredShare <= 1, where,
               ".insurance.share: the insured share is ", insuredShare, ", but must be in [0, 1]");
    KP_REQUIRE(std::isfinite(deductible) && deductible >= 0, where, ".insurance.deductible: the deductible is ",
               deductible, ", but must be >= 0 EUR");
    KP_REQUIRE(limit >= 0 && limit <= kNoLimit, where, ".insurance.limit: the limit is ", limit,
               ", but must be >= 0 EUR");
    KP_REQUIRE(std::isfinite(premiumLoading) && premiumLoading >= 0 && premiumLoading <= 100, where,
               ".insurance.loading: the loading is ", premiumLoading, ", but must be in [0, 100]");
    KP_REQUIRE(rampUpAvailability.size() <= 10, where, ".ramp_up.availability: ", rampUpAvailability.size(),
               " years, but at most 10");
    for (double a : rampUpAvailability)
        KP_REQUIRE(std::isfinite(a) && a >= 0 && a <= 1, where, ".ramp_up.availability: an availability is ", a,
                   ", but must be in [0, 1]");
    KP_REQUIRE(std::isfinite(rampUpSd) && rampUpSd >= 0 && rampUpSd <= 10, where, ".ramp_up.sd: the spread is ",
               rampUpSd, ", but must be in [0, 10]");
    KP_REQUIRE(premiumPerYear < 0 || std::isfinite(premiumPerYear), where,
               ".insurance.premium_per_year: the premium is ", premiumPerYear, ", but must be finite");
}

void EnergyHedge::validate(const std::string& where) const {
    if (toYear < fromYear) return;  // none
    const auto years = static_cast<std::size_t>(toYear - fromYear + 1);
    auto check = [&](double share, const std::vector<double>& price, const char* name, bool forward) {
        KP_REQUIRE(std::isfinite(share) && share >= 0 && share <= 1, where, ".", name, ".share: the share is ", share,
                   ", but must be in [0, 1]");
        if (share == 0 || (forward && price.empty())) return;  // a forward is filled in later
        KP_REQUIRE(price.size() == years, where, ".", name, ".price: ", price.size(), " prices, but must have one per year (",
                   years, ")");
        for (double x : price)
            KP_REQUIRE(std::isfinite(x) && x >= 0, where, ".", name, ".price: a price is ", x, ", but must be >= 0 EUR/MWh");
    };
    check(gasShare, gasPrice, "gas", gasForward);
    check(powerShare, powerPrice, "power", powerForward);
}

void Technology::validate(const std::string& where) const {
    auto nonNeg = [&](double v, const char* field, const char* unit) {
        KP_REQUIRE(std::isfinite(v) && v >= 0, where, ".", field, ": the value is ", v,
                   ", but must be >= 0 ", unit);
    };
    if (!abandons) nonNeg(capex, "capex", "EUR");  // abandoning: the cost net of salvage, of either sign
    KP_REQUIRE(std::isfinite(capex), where, ".capex: the value is ", capex, ", but must be finite");
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
    risk.validate(where + ".risk");
    hedge.validate(where + ".hedge");
    KP_REQUIRE(!risk.any() || (!isReline() && mothball == MothballRole::None), where,
               ".risk: technology risk is given, but only an investment (not a reline or mothballing) carries it");
    if (operating.any()) {
        KP_REQUIRE(!retrofit && !isReline() && mothball == MothballRole::None, where,
                   ".operating: operating flexibility is given, but only a replacement or a technology beside the "
                   "plant (not a retrofit, reline or mothballing) may have it");
        KP_REQUIRE(!risk.rampUp(), where,
                   ".operating: operating flexibility and a ramp-up risk (risk.ramp_up) are given together, but "
                   "only one of them may be (their combination is not modelled)");
        nonNeg(operating.idleCostPerYear, "operating.suspend.idle_cost_per_year", "EUR/yr");
        nonNeg(operating.suspendCost, "operating.suspend.suspend_cost", "EUR");
        nonNeg(operating.restartCost, "operating.suspend.restart_cost", "EUR");
        nonNeg(operating.switchCost, "operating.alternative.switch_cost", "EUR");
        KP_REQUIRE((operating.suspendCost == 0 && operating.restartCost == 0) || operating.suspend, where,
                   ".operating: a cost of suspending or restarting is given, but only with suspend");
        KP_REQUIRE(operating.switchCost == 0 || operating.alternative, where,
                   ".operating: a cost of switching modes is given, but only with an alternative mode");
        KP_REQUIRE(!operating.abandonNet || (std::isfinite(*operating.abandonNet) && operating.switching()), where,
                   ".operating.abandon: abandoning as a mode is given, but only with switching costs (a stage otherwise)");
        KP_REQUIRE(!operating.switching() || (!sde && !hedge.any() && grant.clawbackYear == 0 && !alongside), where,
                   ".operating: switching costs are given with an operating subsidy (sde), an energy hedge, a capital "
                   "grant's claw-back or alongside, but must be without them (their combination with a path-dependent "
                   "operating mode is not modelled)");
        // the alternative's fields are the option's own, checked as they are
        if (operating.alternative) inMode(*operating.alternative).validate(where + ".operating.alternative");
    }
}

}  // namespace kp
