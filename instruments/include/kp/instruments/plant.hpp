#pragma once
/// \file plant.hpp
/// The plant as it runs today, and one year's cash flow and emissions of the plant given prices, the
/// policy and the technology installed (or none).
///
/// Cash flow of one operating year (EUR, all terms per year; output Q t/yr, intensity e tCO2/t):
///   Q          = plant output x outputScale (replacement technology) or plant output
///   emissions  = e_direct x Q,   e_direct = plant intensity, technology intensity (replacement),
///                or plant intensity x (1 - captureRate) (retrofit)
///   captured   = plant intensity x captureRate x Q (retrofit), else 0
///   revenue    = (product price + CarbonPassThrough::perEua(year) x EUA) x Q
///   energy     = (gas x gasUse + power x powerUse + hydrogen x hydrogenUse) x Q   (plant's and a
///                retrofit's uses add; a replacement's uses replace the plant's)
///   feedstock  = feedstockCostPerT x Q,   opex = fixed + variable x Q (as for energy)
///   carbon     = EUA x (emissions - free allocation)      (negative: surplus allowances sold)
///   levy       = Co2Levy::amount(year, Q, emissions, EUA reference)
///   T&S        = tsTariff x captured
///   subsidy    = SdeSubsidy::amount(operatingYear, avoided, prices), avoided = plant emissions at
///                the same output minus emissions after, floored at 0
///   premium    = GreenPremium::amount(year, Q, e_direct)
///   net        = revenue + premium + subsidy - energy - feedstock - opex - carbon - levy - T&S
/// Investment outlays, grants, closure value and discounting are the valuation's business.
///
/// Tested in tests/instruments/policy_test.cpp (hand-computed cash flows for no technology, a
/// replacement and a CCS retrofit; the vectorised form equals the scalar one bit for bit).

#include <cstddef>
#include <string>

#include "kp/instruments/policy.hpp"
#include "kp/instruments/technology.hpp"

namespace kp {

/// The plant today.
struct Plant {
    std::string name;
    double outputTPerYear = 0;        ///< t product/yr, > 0
    double emissionIntensity = 0;     ///< direct tCO2/t product, >= 0
    double gasMwhPerT = 0;            ///< MWh/t, >= 0
    double powerMwhPerT = 0;          ///< MWh/t, >= 0
    double hydrogenMwhPerT = 0;       ///< MWh/t, >= 0
    double feedstockCostPerT = 0;     ///< EUR/t product of other inputs, >= 0
    double fixedCost = 0;             ///< EUR/yr, >= 0
    double variableCost = 0;          ///< EUR/t product, >= 0
    int remainingLifeYears = 0;       ///< years the plant can run without investing, >= 0
    /// EUR, >= 0: decommissioning and remediation of the site, paid when the plant as it is stops:
    /// at the end of its remaining life, when it closes, or when a replacement starts operating (a
    /// retrofit runs the plant on: paid when the retrofit's life ends). Investment_instrument.hpp.
    double decommissioningCost = 0;
    /// The case offers a reline (plant.reline): the option named "reline" among the technologies.
    bool reline = false;
    /// The case offers mothballing (plant.mothball): the option "mothball" and its stage "restart".
    bool mothball = false;
    double jobs = 0;  ///< direct employment while the plant as it is operates (reported only), >= 0
    /// tCO2 per t of the product made abroad instead of here (case file: leakage), >= 0: the output
    /// the plant no longer makes (closed, stopped, relocated, scaled down) is made there (reported only).
    double foreignIntensity = 0;

    void validate(const std::string& where) const;
};

/// Prices of one year (scalars). Units: EUR/tCO2, EUR/MWh, EUR/t product.
struct YearPrices {
    double co2 = 0;           ///< EUA price
    double co2Reference = 0;  ///< EUA reference price of the levy (NEa: last autumn's Dec future)
    double gas = 0;
    double power = 0;
    double hydrogen = 0;
    double product = 0;
};

/// Prices of one year on n paths (columns of n values each; price columns may alias each other).
struct PriceColumns {
    const double* co2;
    const double* co2Reference;
    const double* gas;
    const double* power;
    const double* hydrogen;
    const double* product;
};

/// The items of one year's cash flow (EUR/yr unless stated).
struct YearCashFlow {
    double output = 0;          ///< t product
    double emissions = 0;       ///< tCO2 direct (after capture)
    double captured = 0;        ///< tCO2 captured and stored
    double avoided = 0;         ///< tCO2 avoided against the plant as it is today
    double freeAllocation = 0;  ///< allowances, tCO2
    double revenue = 0;
    double greenPremium = 0;
    double energyCost = 0;
    double feedstockCost = 0;
    double opex = 0;            ///< fixed + variable costs
    double carbonCost = 0;      ///< EUA x (emissions - free allocation)
    double levy = 0;
    double transportStorage = 0;
    double subsidy = 0;
    double net = 0;
};

/// One year's cash flow of `plant` in calendar year `year` running `tech` (nullptr: as it is today).
/// `operatingYear` counts the technology's operating years from 0 (for the subsidy term).
YearCashFlow yearCashFlow(const Plant& plant, const Technology* tech, const Policy& policy,
                          int year, int operatingYear, const YearPrices& prices);

/// The same on n paths: net[i] and emissions[i] (either output may be nullptr; outputs must not
/// overlap the price columns). Bit-identical to yearCashFlow(...).net / .emissions for each path;
/// the loop vectorises (checked with -fopt-info-vec under the project's flags).
void yearCashFlows(const Plant& plant, const Technology* tech, const Policy& policy, int year,
                   int operatingYear, const PriceColumns& prices, std::size_t n, double* net,
                   double* emissions);

}  // namespace kp
