#pragma once
/// \file policy.hpp
/// Deterministic climate-policy instruments that shape a plant's yearly cash flow: EU ETS free
/// allocation with the CBAM phase-out, the Dutch industrial CO2 levy (CO2-heffing industrie), an
/// SDE++-style operating subsidy, a capital grant and a green premium on the product.
///
/// Units: money in the case currency (EUR in the examples) of the price base year, tonnes of product
/// (t), tonnes of CO2 (tCO2), years as calendar years. Every number that comes from the world has a
/// source in data/FACTS.md (section given at each helper); everything else is an input.
///
/// Validation: each type has a `validate(where)` that throws kp::InvalidInput with a message
/// "<where>.<field>: <what> is <value>, but must be <constraint>"; constructors of the case file call
/// it once, the hot functions (plant.hpp) do not check again.
///
/// Tested in tests/instruments/policy_test.cpp (schedule lookups, hand-computed levy, allocation and
/// subsidy amounts, bad input).

#include <map>
#include <string>

namespace kp {

/// A yearly schedule: values at given calendar years, looked up for any year.
///
/// Lookup: before the first year the first value holds, after the last year the last value holds;
/// between two given years the value is the one of the latest given year (Step) or linear in the year
/// (Linear). Invariant (validate): at least one point, all values finite.
struct YearSchedule {
    enum class Interpolation { Step, Linear };
    std::map<int, double> points;  ///< calendar year -> value
    Interpolation interpolation = Interpolation::Step;

    double operator()(double year) const;
    void validate(const std::string& where, double lo, double hi) const;
};

/// EU ETS free allocation: benchmark x activity level x phase-out factor(year) x correction factor.
///
/// The phase-out factor is the CBAM factor for CBAM sectors (FACTS.md section 2) or any schedule the
/// case gives (e.g. 1.0 for a carbon-leakage sector outside CBAM, as an assumption of the case).
/// Limitation: allocation follows the activity level given here, not the ETS's historical activity
/// rules (a closed plant gets none: the caller stops the cash flow); surplus allowances are sold at
/// the EUA price (net carbon cost may be negative).
struct FreeAllocation {
    double benchmarkTPerT = 0;          ///< product benchmark, tCO2 per t product, >= 0
    double activityTPerYear = -1;       ///< activity level for allocation, t/yr; < 0: the plant output
    double correctionFactor = 1.0;      ///< cross-sectoral correction or other multiplier, in [0, 1]
    YearSchedule phaseOut = cbamFactor();  ///< share of benchmark allocation kept, in [0, 1]

    /// Allowances allocated in `year` for a plant producing `outputTPerYear` (tCO2/yr).
    double allowances(double year, double outputTPerYear) const {
        const double activity = activityTPerYear < 0 ? outputTPerYear : activityTPerYear;
        return benchmarkTPerT * activity * correctionFactor * phaseOut(year);
    }
    void validate(const std::string& where) const;

    /// CBAM factor (ETS Directive Art. 10a(1a) as amended by 2023/959): 2025 and before 100%, 2026
    /// 97.5%, 2027 95%, 2028 90%, 2029 77.5%, 2030 51.5%, 2031 39%, 2032 26.5%, 2033 14%, 2034 0%.
    /// FACTS.md section 2, tagged [secondary]: quoted from open-source CBAM calculators, the primary
    /// legal text was not read; check against EUR-Lex before publishing results.
    static YearSchedule cbamFactor();
    /// Non-CBAM low-leakage products: 30% of benchmark in 2026, linear to 0 in 2030 (FACTS.md
    /// section 2, [src] DEHSt). Before 2026 the schedule holds 30% (the flat 30% of phase 4).
    static YearSchedule lowLeakageFactor();
};

/// The Dutch industrial CO2 levy (CO2-heffing industrie), paid on emissions above the dispensation
/// rights at the rate minus the EUA reference price (FACTS.md section 3):
///   rights(year) = benchmark x activity x reductionFactor(year)          [tCO2]
///   levy(year)   = max(0, emissions - rights) x max(0, rate(year) - EUA reference)  [EUR]
/// The EUA reference is set by the NEa each year from the average December future in
/// September-October of the year before; the caller passes it.
/// Limitations: trading or carrying forward dispensation rights is not modelled.
struct Co2Levy {
    bool enabled = false;
    YearSchedule rate;             ///< EUR/tCO2 by year (nominal as legislated)
    YearSchedule reductionFactor;  ///< dispensation-rights reduction factor by year, >= 0
    double benchmarkTPerT = 0;     ///< benchmark for dispensation rights, tCO2/t product, >= 0
    double activityTPerYear = -1;  ///< < 0: the plant output

    double rights(double year, double outputTPerYear) const {
        const double activity = activityTPerYear < 0 ? outputTPerYear : activityTPerYear;
        return benchmarkTPerT * activity * reductionFactor(year);
    }
    /// Levy in EUR for `emissions` tCO2 in `year`, with EUA reference price `euaReference` EUR/t.
    double amount(double year, double outputTPerYear, double emissions, double euaReference) const;
    void validate(const std::string& where) const;

    /// Rates from the Belastingplan 2026: EUR 87.90/t in 2025 ([src] PwC 16/09/25) and EUR 78.67/t
    /// from 2026 through 2030 ([src] rijksfinancien.nl MvT Belastingplan 2026, section 5.20). No rate
    /// after 2030 is sourced: the schedule ends at 2030 and, like every YearSchedule, holds the 2030
    /// value after it; a case that runs past 2030 must state its own assumption.
    static YearSchedule belastingplan2026Rates();
    /// Reduction factors under the original law: 1.2 in 2021 minus 0.057 per year to 2025 (0.972)
    /// ([src] executivefinance.nl, henkenfred.nl; the yearly values are [derived]). The Belastingplan
    /// 2026 raises the factor in 2026 and holds it constant after, but the new value is unconfirmed
    /// (FACTS.md section 3), so it is not here: a case must give it.
    static YearSchedule originalReductionFactors2021to2025();
};

/// SDE++-style operating subsidy per tonne CO2 avoided (FACTS.md section 4):
///   correction = max(basePrice, constant + co2Coef x EUA + gasCoef x gas + powerCoef x power
///                               + hydrogenCoef x hydrogen)                      [EUR/tCO2]
///   rate       = min(maxRate, max(0, baseAmount - correction))                    [EUR/tCO2]
///   subsidy    = rate x min(avoided, maxVolume), in operating years 0 .. years-1  [EUR]
/// The base amount is fixed for the whole term; the floor (basisenergieprijs, here `basePrice` in
/// EUR/tCO2) caps the subsidy per tonne at baseAmount - basePrice ([src] rvo.nl). The cap on the
/// yearly volume stands for the full-load-hours cap ([src] rvo.nl, ekwadraat.com). `maxRate` stands
/// for the maximum subsidy intensity ("hekjes", EUR 400/t in the 2023 round, [src]
/// executivefinance.nl); the exact formula per tonne is unconfirmed as a quote (FACTS.md 4).
/// The coefficients say how the market value of the avoided tonne moves with prices: for CCS,
/// co2Coef = 1 (the ETS benefit); for an e-boiler, e.g. gas and power terms. They are case inputs.
///
/// A two-sided carbon contract for difference (CCfD) is the same formula with co2Coef = 1, no floor
/// of the correction (basePrice 0) and no floor of the rate (minRate = -inf): the plant receives
/// strike - EUA per tonne avoided below the strike and pays EUA - strike back above it
/// (case file: `options.<name>.ccfd`), so with avoided tonnes covered in full the carbon part of
/// investing is fixed at the strike on every path.
///
/// A subsidy round: the subsidy (or contract) is awarded only to an investment decided in a year
/// in [openYear, deadlineYear]; decided later, it is gone ("missed subsidies"). Defaults: always open.
/// The award's budget (`budget`, EUR): the most the round commits to this project, as an SDE++
/// decision states a maximum amount and an Innovation Fund grant or a CCfD a maximum funding; the
/// payment of an operating period is min(its amount, budget - what has been paid so far), so the net
/// sum paid never exceeds the budget (a CCfD's paybacks count against it, freeing budget again).
/// Competition among applicants for a round's total (EUR 8 bn in 2023, FACTS.md 4) is not modelled.
struct SdeSubsidy {
    double baseAmount = 0;   ///< basisbedrag, EUR/tCO2 avoided, >= 0
    double basePrice = 0;    ///< floor of the correction amount, EUR/tCO2, >= 0 and <= baseAmount
    double constant = 0;     ///< EUR/tCO2 in the correction amount
    double co2Coef = 0;      ///< EUR per EUR/tCO2 of EUA
    double gasCoef = 0;      ///< EUR/tCO2 per EUR/MWh of gas
    double powerCoef = 0;    ///< EUR/tCO2 per EUR/MWh of power
    double hydrogenCoef = 0; ///< EUR/tCO2 per EUR/MWh of hydrogen
    double maxRate = 1e300;  ///< maximum subsidy per tonne, EUR/tCO2, >= 0
    double maxVolume = 1e300;  ///< tCO2 per year eligible, >= 0
    int years = 15;          ///< term in operating years, >= 0 ([src] rvo.nl: typically 12 or 15)
    double minRate = 0;      ///< floor of the rate, EUR/tCO2: 0 (one-sided), -1e300 (two-sided CCfD)
    int openYear = -1'000'000;    ///< first decision year that gets the subsidy (round opens)
    int deadlineYear = 1'000'000; ///< last decision year that gets it (application deadline)
    double budget = 1e300;   ///< the award's maximum total payment, EUR (undiscounted, net), >= 0

    /// Subsidy per tonne avoided at the given prices (EUR/tCO2). Inline and branch-free so that
    /// path loops over it vectorise.
    double rate(double co2, double gas, double power, double hydrogen) const {
        const double market =
            constant + co2Coef * co2 + gasCoef * gas + powerCoef * power + hydrogenCoef * hydrogen;
        const double correction = market > basePrice ? market : basePrice;
        const double r = baseAmount - correction;
        const double pos = r > minRate ? r : minRate;
        return pos < maxRate ? pos : maxRate;
    }
    bool twoSided() const { return minRate < 0; }
    /// The award has a budget: payments stop when their (net, undiscounted) sum reaches it.
    bool capped() const { return budget < 1e299; }
    /// Whether an investment decided in `year` gets the subsidy (the round is open).
    bool awardedFor(int year) const { return year >= openYear && year <= deadlineYear; }
    /// Subsidy in EUR for `avoided` tCO2 in operating year `operatingYear` (0 = first year).
    double amount(int operatingYear, double avoided, double co2, double gas, double power,
                  double hydrogen) const {
        if (operatingYear < 0 || operatingYear >= years || avoided <= 0) return 0.0;
        return rate(co2, gas, power, hydrogen) * (avoided < maxVolume ? avoided : maxVolume);
    }
    void validate(const std::string& where) const;
};

/// Capital grant: share of the investment, capped at an amount. Paid when the investment is made.
///
/// A package with a milestone and claw-back (maatwerk, NIKI): if the site's emissions in
/// `clawbackYear` (whatever runs then: the old plant while the new one is not yet built) exceed
/// `clawbackMaxEmissions`, `clawbackShare` of the grant is repaid in that year. Year 0: none.
struct CapitalGrant {
    double share = 0;       ///< in [0, 1]
    double maxAmount = 1e300;  ///< EUR, >= 0
    int clawbackYear = 0;              ///< milestone calendar year, 0: no claw-back
    double clawbackMaxEmissions = 0;   ///< tCO2 in the milestone year, >= 0
    double clawbackShare = 0;          ///< share of the grant repaid on a miss, in [0, 1]

    double amount(double capex) const {
        const double g = share * capex;
        return g < maxAmount ? g : maxAmount;
    }
    void validate(const std::string& where) const;
};

/// Green premium on the product: extra EUR per tonne of product from `fromYear` when the product's
/// direct emission intensity is at most `maxIntensity` (tCO2/t). Offtakes at 20-30% premium are
/// reported for Stegra ([src] FACTS.md section 6); the level for a case is an input.
struct GreenPremium {
    double eurPerT = 0;          ///< EUR/t product, >= 0
    int fromYear = 0;            ///< first calendar year paid
    double maxIntensity = 1e300; ///< tCO2/t product, >= 0

    double amount(double year, double outputTPerYear, double intensity) const {
        return (year >= fromYear && intensity <= maxIntensity) ? eurPerT * outputTPerYear : 0.0;
    }
    void validate(const std::string& where) const;
};

/// Carbon-cost pass-through into the product price (and the CBAM border price that protects it):
///   uplift(year, EUA) = (1 - exportShare) x share x EUA x max(0, referenceIntensity
///                                                   - referenceBenchmark x referencePhaseOut(year))
///                                                                          [EUR/t product]
///   revenue           = (product price + uplift) x Q
/// The reference is the producer whose carbon cost sets the price in the protected market: an EU
/// producer of the same route, or under CBAM the importer, who pays EUA x (embedded emissions -
/// CBAM benchmark x CBAM factor) per tonne (FACTS.md section 14b, "cost per tonne"); its free
/// allocation (benchmark x phase-out) is the part of its carbon cost it does not pay. Exports leave
/// the EU without a border adjustment, so the exported share of output gets no uplift. `share` is
/// the pass-through rate: 1 passes on the reference's whole net carbon cost, 0 (the default) none.
/// The uplift applies to every technology the plant runs (the product is sold at the market
/// price), so it changes investing against closing, not against carrying on.
/// Limitations: the rate is constant over time and does not depend on the price level or on the
/// plant's market share; carbon prices abroad (which CBAM deducts) are not modelled.
struct CarbonPassThrough {
    double share = 0;                ///< pass-through rate, in [0, 1]
    double referenceIntensity = 0;   ///< tCO2/t product of the reference producer, >= 0
    double referenceBenchmark = 0;   ///< its free-allocation (or CBAM) benchmark, tCO2/t, >= 0
    YearSchedule referencePhaseOut = FreeAllocation::cbamFactor();  ///< in [0, 1]
    double exportShare = 0;          ///< share of output sold outside the EU, in [0, 1]

    /// Uplift of the product price per EUR/tCO2 of EUA in `year` (EUR/t product per EUR/tCO2).
    double perEua(double year) const {
        if (share == 0) return 0.0;
        const double net = referenceIntensity - referenceBenchmark * referencePhaseOut(year);
        return (1.0 - exportShare) * share * (net > 0 ? net : 0.0);
    }
    void validate(const std::string& where) const;
};

/// The policy instruments that apply to the whole plant, whatever technology it runs.
/// Subsidies and grants that depend on the project live on the Technology (technology.hpp).
struct Policy {
    FreeAllocation freeAllocation;
    Co2Levy levy;
    GreenPremium greenPremium;
    CarbonPassThrough passThrough;

    void validate(const std::string& where) const;
};

}  // namespace kp
