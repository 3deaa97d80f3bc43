#pragma once
/// \file case_file.hpp
/// The decarbonisation case file: a plant, its options, the factors and policy around it, read from
/// YAML, checked, and handed to the valuation as typed structs. Documented field by field, with
/// units, in docs/case-file.md; examples in examples/*.yaml.
///
/// Loading: parse the YAML, apply `--set path=value` overrides to the tree, read every field into
/// the structs below (unknown keys, missing fields, wrong types and out-of-range values throw), read
/// the `params_file:` of each factor, build and check the correlation matrix, check cross-references
/// (options -> infrastructure, maturity, stages; decision windows inside the horizon; factors needed by
/// energy use), then adjust the case by a scenario (scenario.hpp) if one is named.
///
/// Errors: kp::InvalidInput with "<file>:<line>: <field path>: <what> is <value>, but must be
/// <constraint>", line from the YAML node (yaml-cpp Mark, 1-based); values set by --set are marked
/// "(--set <path>)". Unknown keys come with a did-you-mean (edit distance).
///
/// Tested in tests/cases/case_file_test.cpp (every example loads; each kind of bad input gives its
/// message; overrides and scenarios apply).

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kp/core/mc_settings.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/models/anchored_gbm.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/merton_jump.hpp"
#include "kp/models/model.hpp"
#include "kp/models/price_path.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/instruments/policy.hpp"
#include "kp/models/schwartz_smith.hpp"
#include "kp/instruments/technology.hpp"
#include "kp/models/arrival.hpp"

namespace YAML {
class Node;
}

namespace kp::cases {

enum class DecisionFrequency { Annual, Quarterly };

/// Discounting: zero rates by calendar year, annually compounded, linear in between and flat outside;
/// a flat rate is one point. Real rates when prices are in base-year money (the examples).
struct DiscountCurve {
    std::map<int, double> zeroRates;  ///< calendar year -> annually compounded zero rate, > -1
    int startYear = 0;                ///< valuation start (t = 0)

    /// Zero rate for a cash flow at t years after the start.
    double rate(double t) const;
    /// (1 + r(t))^-t.
    double factor(double t) const { return std::pow(1.0 + rate(t), -t); }
};

struct Valuation {
    int startYear = 0;          ///< calendar year of t = 0 (1 January)
    int horizonYears = 0;       ///< years simulated, > 0; the last decision date is before start + horizon
    DecisionFrequency frequency = DecisionFrequency::Annual;
    DiscountCurve discount;
    std::string currency = "EUR";
    int priceBaseYear = 0;      ///< money of this year (real prices)
    /// Value after the horizon: false (none) nothing; true (last_year) what runs in the horizon's
    /// last year carries on with that year's cash flow for the rest of its life
    /// (kp::InvestmentProject::discountAfter).
    bool afterHorizon = false;

    int endYear() const { return startYear + horizonYears; }
    /// Decision dates per year (1 or 4).
    int datesPerYear() const { return frequency == DecisionFrequency::Annual ? 1 : 4; }
};

/// How a factor evolves.
enum class FactorModel { Constant, Gbm, Ou, SchwartzSmith, Jump, Derived };

/// One stochastic (or constant, or derived) factor. Exactly the member of the active model is used.
struct Factor {
    std::string name;        ///< co2, gas, power, hydrogen, product, or a maturity name
    FactorModel model = FactorModel::Constant;
    std::string unit;        ///< free text (EUR/t, EUR/MWh, GW ...)
    double constant = 0;     ///< Constant: the value
    GbmParams gbm{};
    /// `path` (gbm, ou, schwartz-smith or jump): the price follows the path as its median or mean,
    /// times in years after start_year, levels in `unit`, starting from the factor's spot (gbm, ou:
    /// kp::AnchoredGbm with gbm's or ou's spot and volatility; schwartz-smith: kp::SchwartzSmith, the
    /// long-term factor follows it from exp(xi0); jump: kp::MertonJump, a mean path). makeModel hands
    /// it to the model, so scenarios adjust one place; the trend parameters (drift, muXi) stay 0.
    PricePath path{};
    std::string pathSource;  ///< where the path came from: "points", a CSV file, "ngfs/<scenario>/<model>"
    bool hasPath() const { return !path.times.empty(); }
    ExpOuParams ou{};
    SchwartzSmithParams schwartzSmith{};
    MertonJumpParams jump{};
    /// Derived (hydrogen only): price = scale x (source price x powerPriceFactor / efficiency + adder), EUR/MWh_H2,
    /// the adder optionally on a learning curve (derivedPrice)
    std::string derivedFrom; ///< name of the factor it is derived from (power)
    double efficiency = 1;   ///< MWh_H2 (LHV) per MWh of the source, in (0, 1]
    /// Derived: the power price the electrolyser pays as a share of the source price (it runs in the
    /// cheaper hours: the mean price of those hours over the baseload mean), in (0, 2]; default 1
    double powerPriceFactor = 1;
    double adder = 0;        ///< EUR/MWh_H2 (capital and O&M of electrolysis), >= 0
    double scale = 1;        ///< Derived: multiplier on the whole price (scenarios), > 0
    /// Derived: efficiency / powerPriceFactor, the MWh_H2 per MWh of the source at the source's price
    /// (equal to efficiency when the factor is 1)
    double effectiveEfficiency() const { return efficiency / powerPriceFactor; }
    std::string adderMaturity;     ///< Derived: maturity entry whose learning curve lowers the adder
    double adderLearningShare = 0; ///< Derived: share of the adder on that curve, in [0, 1]
    std::string paramsFile;  ///< the calibration file read, "" for inline parameters
    std::map<std::string, double> stdErrors;  ///< from the calibration file, where given

    /// Number of Brownian drivers (0 for Constant and Derived, 2 for SchwartzSmith, else 1).
    std::size_t brownianDimensions() const;
    /// The factor's price at time 0.
    double spot() const;
    /// The model from models/ (nullptr for Constant and Derived).
    ModelPtr makeModel() const;
    /// Derived: the price given the source factor's price and the learning factor of `adderMaturity`
    /// (LearningCurve::factor of the running-maximum deployment; 1 without learning):
    ///   scale x (source / e + adder x ((1 - adderLearningShare) + adderLearningShare x learning)),
    /// e = effectiveEfficiency().
    double derivedPrice(double sourcePrice, double learning = 1.0) const {
        return scale * (sourcePrice / effectiveEfficiency() +
                        adder * ((1.0 - adderLearningShare) + adderLearningShare * learning));
    }
};

/// A technology's maturity: Wright's-law curve on a simulated cumulative deployment, and an optional
/// uncertain date from which it is available at all.
struct Maturity {
    std::string name;
    LearningCurve curve;
    Factor deployment;  ///< model of cumulative deployment D (state 0), spot = curve.deployment0
    std::optional<ArrivalDistribution> available;
};

struct Infrastructure {
    std::string name;
    std::string description;
    ArrivalDistribution arrival;
};

/// Close or relocate: stop the plant, receive the closure value, pay the closure cost.
struct Exit {
    bool allowed = false;
    double value = 0;  ///< EUR received (sale of site, assets, relocation benefit), >= 0
    double cost = 0;   ///< EUR paid (decommissioning, severance, remediation), >= 0
    int earliestYear = 0, latestYear = 0;
};

struct Alternatives {
    bool carryOn = true;  ///< keep running as is (always possible until the end of remaining life)
    Exit close;
    Exit relocate;
};

/// The case's `simulation` section: the shared Monte Carlo settings, defaults from
/// kp/core/mc_settings.hpp (basis monomial or laguerre: the spline basis takes one feature).
struct Simulation : McSettings {};

/// The whole case, checked.
struct CaseFile {
    std::string path;        ///< file it was read from
    std::string name;
    std::string description;
    std::string scenario;    ///< applied scenario, "" for none
    Valuation valuation;
    std::vector<Factor> factors;  ///< co2 first, then as in the file
    std::vector<std::string> brownianNames;  ///< correlation rows: "co2", "gas.chi", "electrolyser" ...
    Eigen::MatrixXd correlation;             ///< over brownianNames, checked positive semi-definite
    std::vector<Maturity> maturity;
    std::vector<Infrastructure> infrastructure;
    Plant plant;
    Policy policy;
    CapitalGrant defaultGrant;      ///< policy.capital_grant (options may override)
    std::vector<Technology> options;  ///< mutually exclusive unless `requiresOption` (a stage)
    Alternatives alternatives;
    Simulation simulation;
    bool leakage = false;  ///< the case gives `leakage` (Plant::foreignIntensity): leakage is reported

    const Factor* factor(const std::string& name) const;
    const Maturity* findMaturity(const std::string& name) const;
    const Infrastructure* findInfrastructure(const std::string& name) const;
    const Technology* option(const std::string& name) const;
};

struct LoadOptions {
    std::vector<std::string> overrides;  ///< "dotted.path=value", applied in order
    std::string scenario;                ///< preset name or a .yaml path; "" for the case's own field
};

/// Reads, overrides, validates and (if named) applies a scenario. Throws kp::InvalidInput.
CaseFile loadCaseFile(const std::string& path, const LoadOptions& options = {});

/// The reline of a plant with `remainingLifeYears` (>= 1) as an option named "reline": the plant as
/// it is (a retrofit changing nothing) for `capex`, running `yearsAdded` past its remaining life,
/// decided while it runs (start_year .. its last year), without grant (plant.reline, and the
/// scenarios' adjust.plant.reline).
Technology relineOption(int startYear, int remainingLifeYears, double capex, int yearsAdded);

/// Sets the node at a dotted path ("policy.co2_levy.enabled=false", "options.ccs.capex=1.2e9",
/// sequence elements by index: "correlations.0.2=0.3") to the YAML value after '='. Missing map keys
/// are created (validation then reports them if they are unknown). Throws kp::InvalidInput for a
/// malformed override or a path through a scalar.
void applyOverride(YAML::Node& root, const std::string& assignment);

/// The `count` numbers of largest magnitude in a case file (after the overrides), as
/// "file:line: path = value", for messages about a valuation that overflowed (issue 16).
std::vector<std::string> largestInputs(const std::string& path, const std::vector<std::string>& overrides,
                                       std::size_t count = 3);

/// Edit distance (Levenshtein) used for did-you-mean suggestions.
std::size_t editDistance(const std::string& a, const std::string& b);

}  // namespace kp::cases
