#include "kp/instruments/plant.hpp"

#include <cmath>
#include <limits>

#include "kp/core/errors.hpp"

namespace kp {

void Plant::validate(const std::string& where) const {
    KP_REQUIRE(std::isfinite(outputTPerYear) && outputTPerYear > 0, where,
               ".output_t_per_year: the output is ", outputTPerYear, ", but must be positive t/yr");
    auto nonNeg = [&](double v, const char* field, const char* unit) {
        KP_REQUIRE(std::isfinite(v) && v >= 0, where, ".", field, ": the value is ", v,
                   ", but must be >= 0 ", unit);
    };
    nonNeg(emissionIntensity, "emission_intensity_t_per_t", "tCO2/t");
    nonNeg(gasMwhPerT, "gas_mwh_per_t", "MWh/t");
    nonNeg(powerMwhPerT, "power_mwh_per_t", "MWh/t");
    nonNeg(hydrogenMwhPerT, "hydrogen_mwh_per_t", "MWh/t");
    nonNeg(feedstockCostPerT, "feedstock_cost_per_t", "EUR/t");
    nonNeg(fixedCost, "fixed_cost_per_year", "EUR/yr");
    nonNeg(variableCost, "variable_cost_per_t", "EUR/t");
    KP_REQUIRE(remainingLifeYears >= 0, where, ".remaining_life_years: the remaining life is ",
               remainingLifeYears, ", but must be >= 0 years");
    nonNeg(decommissioningCost, "decommissioning_cost", "EUR");
}

namespace {

/// Everything of a year that does not depend on prices (schedule lookups done once).
struct YearConstants {
    double q, emissions, captured, avoided, allocation;
    double gasUse, powerUse, hydrogenUse;  // MWh/yr
    double otherCost;                       // feedstock + opex, EUR/yr
    double feedstock, opex;
    double tsCost;                          // EUR/yr
    double rights, levyRate;  // levy: tCO2 above which it is paid (+inf when off), EUR/t rate
    double premium;
    double passPerEua;  // product-price uplift per EUR/tCO2 of EUA (0 without pass-through)
    SdeSubsidy sde;    // all zero when the technology has none (its rate is then 0)
    double sdeVolume;  // eligible tonnes this year (0 outside the term or without a subsidy)
};

YearConstants constantsFor(const Plant& plant, const Technology* tech, const Policy& policy,
                           int year, int operatingYear) {
    YearConstants c{};
    const double y = year;
    double intensity = plant.emissionIntensity;
    c.q = plant.outputTPerYear;
    double gas = plant.gasMwhPerT, power = plant.powerMwhPerT, h2 = plant.hydrogenMwhPerT;
    double feed = plant.feedstockCostPerT, fixed = plant.fixedCost, var = plant.variableCost;
    c.captured = 0;
    if (tech && tech->retrofit) {
        intensity = plant.emissionIntensity * (1.0 - tech->captureRate);
        c.captured = plant.emissionIntensity * tech->captureRate * c.q;
        gas += tech->gasMwhPerT;
        power += tech->powerMwhPerT;
        h2 += tech->hydrogenMwhPerT;
        feed += tech->feedstockCostPerT;
        fixed += tech->fixedOpex;
        var += tech->variableOpex;
    } else if (tech) {
        intensity = tech->emissionIntensity;
        c.q = plant.outputTPerYear * tech->outputScale;
        gas = tech->gasMwhPerT;
        power = tech->powerMwhPerT;
        h2 = tech->hydrogenMwhPerT;
        feed = tech->feedstockCostPerT;
        fixed = tech->fixedOpex;
        var = tech->variableOpex;
    }
    c.emissions = intensity * c.q;
    const double baseline = plant.emissionIntensity * c.q;
    c.avoided = baseline > c.emissions ? baseline - c.emissions : 0.0;
    c.allocation = policy.freeAllocation.allowances(y, c.q);
    c.gasUse = gas * c.q;
    c.powerUse = power * c.q;
    c.hydrogenUse = h2 * c.q;
    c.feedstock = feed * c.q;
    c.opex = fixed + var * c.q;
    c.otherCost = c.feedstock + c.opex;
    c.tsCost = tech && tech->retrofit ? tech->tsTariff * c.captured : 0.0;
    const bool levyOn = policy.levy.enabled;
    c.rights = levyOn ? policy.levy.rights(y, c.q) : std::numeric_limits<double>::infinity();
    c.levyRate = levyOn ? policy.levy.rate(y) : 0.0;
    c.premium = policy.greenPremium.amount(y, c.q, intensity);
    c.passPerEua = policy.passThrough.perEua(y);
    c.sde = tech && tech->sde ? *tech->sde : SdeSubsidy{};
    c.sdeVolume = 0;
    if (tech && tech->sde && operatingYear >= 0 && operatingYear < c.sde.years && c.avoided > 0)
        c.sdeVolume = c.avoided < c.sde.maxVolume ? c.avoided : c.sde.maxVolume;
    return c;
}

/// The price-dependent part: the same expressions for the scalar and the vectorised form.
struct PriceTerms {
    double revenue, energy, carbon, levy, subsidy, net;
};

inline PriceTerms priceTerms(const YearConstants& c, double co2, double co2Ref, double gas,
                             double power, double h2, double product) {
    PriceTerms t;
    t.revenue = (product + c.passPerEua * co2) * c.q;  // + 0 exactly without pass-through
    t.energy = gas * c.gasUse + power * c.powerUse + h2 * c.hydrogenUse;
    t.carbon = co2 * (c.emissions - c.allocation);
    const double liable = c.emissions - c.rights;
    const double perT = c.levyRate - co2Ref;
    t.levy = (liable > 0 ? liable : 0.0) * (perT > 0 ? perT : 0.0);  // liable = -inf when off
    t.subsidy = c.sde.rate(co2, gas, power, h2) * c.sdeVolume;  // branch-free: vectorises
    t.net = t.revenue + c.premium + t.subsidy - t.energy - c.otherCost - t.carbon - t.levy -
            c.tsCost;
    return t;
}

}  // namespace

YearCashFlow yearCashFlow(const Plant& plant, const Technology* tech, const Policy& policy,
                          int year, int operatingYear, const YearPrices& p) {
    const YearConstants c = constantsFor(plant, tech, policy, year, operatingYear);
    const PriceTerms t = priceTerms(c, p.co2, p.co2Reference, p.gas, p.power, p.hydrogen, p.product);
    YearCashFlow r;
    r.output = c.q;
    r.emissions = c.emissions;
    r.captured = c.captured;
    r.avoided = c.avoided;
    r.freeAllocation = c.allocation;
    r.revenue = t.revenue;
    r.greenPremium = c.premium;
    r.energyCost = t.energy;
    r.feedstockCost = c.feedstock;
    r.opex = c.opex;
    r.carbonCost = t.carbon;
    r.levy = t.levy;
    r.transportStorage = c.tsCost;
    r.subsidy = t.subsidy;
    r.net = t.net;
    return r;
}

void yearCashFlows(const Plant& plant, const Technology* tech, const Policy& policy, int year,
                   int operatingYear, const PriceColumns& p, std::size_t n, double* net,
                   double* emissions) {
    const YearConstants c = constantsFor(plant, tech, policy, year, operatingYear);
    if (emissions)
        for (std::size_t i = 0; i < n; ++i) emissions[i] = c.emissions;
    if (!net) return;
    const double* __restrict co2 = p.co2;
    const double* __restrict ref = p.co2Reference;
    const double* __restrict gas = p.gas;
    const double* __restrict power = p.power;
    const double* __restrict h2 = p.hydrogen;
    const double* __restrict product = p.product;
    double* __restrict out = net;
    for (std::size_t i = 0; i < n; ++i)
        out[i] = priceTerms(c, co2[i], ref[i], gas[i], power[i], h2[i], product[i]).net;
}

}  // namespace kp
