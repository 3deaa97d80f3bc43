#pragma once
/// \file sensitivities.hpp
/// Sensitivities of a valuation by bump-and-revalue with common random numbers: each input is
/// bumped on the checked case (kp::cases::CaseFile), the case is valued again with the same seed
/// (so the same training and pricing paths), and the change in the option value and in the NPV of
/// investing now is the mean of the pathwise difference, with the standard error of that difference
/// (per-path values from PathValues). See docs/valuation.md, "Sensitivities".

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/cases/case_problem.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/results/path_values.hpp"

namespace kp::results {

struct Sensitivity {
    std::string name;  ///< co2_level, co2_vol, gas_level, power_level, hydrogen_level, product_level, capex, discount_rate, subsidy
    std::string bump;  ///< what was bumped and by how much ("+10% of the CO2 price level")
    Estimate optionValue, npvNow;  ///< change per the bump (NaN npvNow: no technology allowed now)
};

/// One bump: a name, its description, and how it changes a case.
struct Bump {
    std::string name, bump;
    void (*apply)(cases::CaseFile&);
};

/// The bumps that apply to `c` (a factor's bumps only if the case has that factor; the volatility
/// bump only for a stochastic CO2 model).
std::vector<Bump> standardBumps(const cases::CaseFile& c);

/// Index of the technology with the highest NPV of investing now among those allowed now, relines
/// and mothballing left out (InvestmentResult::relines, mothballs), -1 if none.
int bestNowTechnology(const InvestmentResult& r);

/// Prices each bumped case with `rules`, the rules trained on the base case, and `settings` (same seed
/// as `base`, the per-path values of the base case priced with the same rules) and returns the
/// changes against `base`: with the rule held fixed a change carries pricing noise only, and is the
/// change of the optimal value to first order in the bump (the envelope theorem). `engine` lends its
/// buffers. `technology`: whose NPV now is
/// reported (bestNowTechnology of the base run; -1 for none). `observer` sees every pricing block
/// (a progress bar), may be nullptr.
std::vector<Sensitivity> sensitivities(const cases::CaseFile& c, const InvestmentSettings& settings,
                                       InvestmentLsm& engine, const std::vector<InvestmentRule>& rules, const PathValues& base,
                                       int technology, PricingObserver* observer);

/// JSON: a list of {name, bump, option_value: {value, std_error}, npv_now: {value, std_error}}.
nlohmann::ordered_json sensitivitiesJson(const std::vector<Sensitivity>& s);

}  // namespace kp::results
