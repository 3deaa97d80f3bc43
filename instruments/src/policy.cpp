#include "kp/instruments/policy.hpp"

#include <cmath>

#include "kp/core/errors.hpp"

namespace kp {

double YearSchedule::operator()(double year) const {
    auto hi = points.upper_bound(static_cast<int>(std::floor(year)));
    if (hi == points.begin()) return hi->second;  // before the first year
    auto lo = std::prev(hi);
    if (hi == points.end() || interpolation == Interpolation::Step) return lo->second;
    const double w = (year - lo->first) / static_cast<double>(hi->first - lo->first);
    return lo->second + w * (hi->second - lo->second);
}

void YearSchedule::validate(const std::string& where, double lo, double hi) const {
    KP_REQUIRE(!points.empty(), where, ": the number of years is 0, but must be at least 1");
    for (const auto& [y, v] : points)
        KP_REQUIRE(std::isfinite(v) && v >= lo && v <= hi, where, ".", y, ": the value is ", v,
                   ", but must be in [", lo, ", ", hi, "]");
}

YearSchedule FreeAllocation::cbamFactor() {
    return YearSchedule{{{2025, 1.0},
                         {2026, 0.975},
                         {2027, 0.95},
                         {2028, 0.90},
                         {2029, 0.775},
                         {2030, 0.515},
                         {2031, 0.39},
                         {2032, 0.265},
                         {2033, 0.14},
                         {2034, 0.0}},
                        YearSchedule::Interpolation::Step};
}

YearSchedule FreeAllocation::lowLeakageFactor() {
    return YearSchedule{{{2026, 0.30}, {2030, 0.0}}, YearSchedule::Interpolation::Linear};
}

void FreeAllocation::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(benchmarkTPerT) && benchmarkTPerT >= 0, where,
               ".benchmark_t_per_t: the benchmark is ", benchmarkTPerT, ", but must be >= 0 tCO2/t");
    KP_REQUIRE(std::isfinite(activityTPerYear), where, ".activity_t_per_year: the activity is ",
               activityTPerYear, ", but must be finite");
    KP_REQUIRE(std::isfinite(correctionFactor) && correctionFactor >= 0 && correctionFactor <= 1,
               where, ".correction_factor: the factor is ", correctionFactor,
               ", but must be in [0, 1]");
    phaseOut.validate(where + ".phase_out", 0.0, 1.0);
}

double Co2Levy::amount(double year, double outputTPerYear, double emissions,
                       double euaReference) const {
    if (!enabled) return 0.0;
    const double liable = emissions - rights(year, outputTPerYear);
    const double perT = rate(year) - euaReference;
    return (liable > 0 ? liable : 0.0) * (perT > 0 ? perT : 0.0);
}

void Co2Levy::validate(const std::string& where) const {
    if (!enabled) return;
    rate.validate(where + ".rate", 0.0, 1e6);
    reductionFactor.validate(where + ".reduction_factor", 0.0, 10.0);
    KP_REQUIRE(std::isfinite(benchmarkTPerT) && benchmarkTPerT >= 0, where,
               ".benchmark_t_per_t: the benchmark is ", benchmarkTPerT, ", but must be >= 0 tCO2/t");
    KP_REQUIRE(std::isfinite(activityTPerYear), where, ".activity_t_per_year: the activity is ",
               activityTPerYear, ", but must be finite");
}

YearSchedule Co2Levy::belastingplan2026Rates() {
    return YearSchedule{{{2025, 87.90}, {2026, 78.67}, {2027, 78.67}, {2028, 78.67}, {2029, 78.67},
                         {2030, 78.67}},
                        YearSchedule::Interpolation::Step};
}

YearSchedule Co2Levy::originalReductionFactors2021to2025() {
    YearSchedule s;
    for (int y = 2021; y <= 2025; ++y) s.points[y] = 1.2 - 0.057 * (y - 2021);
    return s;
}

void SdeSubsidy::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(baseAmount) && baseAmount >= 0, where,
               ".base_amount: the base amount is ", baseAmount, ", but must be >= 0 EUR/tCO2");
    KP_REQUIRE(std::isfinite(basePrice) && basePrice >= 0 && basePrice <= baseAmount, where,
               ".base_price: the floor of the correction amount is ", basePrice,
               ", but must be in [0, base_amount = ", baseAmount, "] EUR/tCO2");
    for (double c : {constant, co2Coef, gasCoef, powerCoef, hydrogenCoef})
        KP_REQUIRE(std::isfinite(c), where, ": a correction coefficient is ", c,
                   ", but must be finite");
    KP_REQUIRE(maxRate >= 0, where, ".max_rate: the maximum rate is ", maxRate,
               ", but must be >= 0 EUR/tCO2");
    KP_REQUIRE(!std::isnan(minRate) && minRate <= 0, where, ": the floor of the rate is ", minRate,
               ", but must be <= 0 EUR/tCO2 (0 one-sided, -inf two-sided)");
    KP_REQUIRE(deadlineYear >= openYear, where, ".round.deadline: the deadline is ", deadlineYear,
               ", but must be >= the year the round opens (", openYear, ")");
    KP_REQUIRE(maxVolume >= 0, where, ".max_volume_t_per_year: the cap is ", maxVolume,
               ", but must be >= 0 tCO2/yr");
    KP_REQUIRE(budget >= 0, where, ".round.budget: the budget is ", budget, ", but must be >= 0 EUR");
    KP_REQUIRE(years >= 0 && years <= 100, where, ".years: the term is ", years,
               ", but must be in [0, 100] years");
}

void CapitalGrant::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(share) && share >= 0 && share <= 1, where, ".share: the share is ",
               share, ", but must be in [0, 1]");
    KP_REQUIRE(maxAmount >= 0, where, ".max_amount: the cap is ", maxAmount, ", but must be >= 0 EUR");
    KP_REQUIRE(std::isfinite(clawbackMaxEmissions) && clawbackMaxEmissions >= 0, where,
               ".clawback.max_emissions_t: the target is ", clawbackMaxEmissions, ", but must be >= 0 tCO2");
    KP_REQUIRE(std::isfinite(clawbackShare) && clawbackShare >= 0 && clawbackShare <= 1, where,
               ".clawback.share: the share is ", clawbackShare, ", but must be in [0, 1]");
}

void GreenPremium::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(eurPerT) && eurPerT >= 0, where, ".eur_per_t: the premium is ",
               eurPerT, ", but must be >= 0 EUR/t");
    KP_REQUIRE(maxIntensity >= 0, where, ".max_intensity_t_per_t: the threshold is ", maxIntensity,
               ", but must be >= 0 tCO2/t");
}

void CarbonPassThrough::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(share) && share >= 0 && share <= 1, where, ".share: the pass-through rate is ",
               share, ", but must be in [0, 1]");
    KP_REQUIRE(std::isfinite(referenceIntensity) && referenceIntensity >= 0 && referenceIntensity <= 100, where,
               ".reference_intensity_t_per_t: the intensity is ", referenceIntensity,
               ", but must be in [0, 100] tCO2/t");
    KP_REQUIRE(std::isfinite(referenceBenchmark) && referenceBenchmark >= 0 && referenceBenchmark <= 100, where,
               ".reference_benchmark_t_per_t: the benchmark is ", referenceBenchmark,
               ", but must be in [0, 100] tCO2/t");
    referencePhaseOut.validate(where + ".reference_phase_out", 0.0, 1.0);
    KP_REQUIRE(std::isfinite(exportShare) && exportShare >= 0 && exportShare <= 1, where,
               ".export_share: the share is ", exportShare, ", but must be in [0, 1]");
}

void Policy::validate(const std::string& where) const {
    freeAllocation.validate(where + ".free_allocation");
    levy.validate(where + ".co2_levy");
    greenPremium.validate(where + ".green_premium");
    passThrough.validate(where + ".carbon_pass_through");
}

}  // namespace kp
