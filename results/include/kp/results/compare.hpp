#pragma once
/// \file compare.hpp
/// One case valued under several scenarios (the four presets and any scenario files): the rows of
/// `kruispunt compare` and of the report's scenario comparison and price fans.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/cases/case_problem.hpp"
#include "kp/results/json.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/results/path_values.hpp"

namespace kp::results {

struct ScenarioRun {
    std::string scenario;  ///< preset name or scenario file
    cases::CaseFile c;     ///< the case with the scenario applied
    InvestmentResult r;
    std::unique_ptr<PathValues> paths;  ///< per-path values (prices kept if asked for)
    int triggerYear = 0;                ///< first decision year with a CO2 trigger (0: none)
    double trigger = 0;                 ///< that trigger, currency/tCO2 (NaN: none)
    double triggerSe = 0;               ///< its standard error over the rules (NaN: one rule or none)
    /// P(invested in a technology, not a reline, by the end of that year) and its standard error
    /// (InvestmentResult::investedBy: the rules' spread, floored at the binomial pricing error)
    double investBy2030 = 0, investBy2035 = 0;
    double investBy2030Se = 0, investBy2035Se = 0;
    double cumulativeEmissions = 0;     ///< expected tCO2 over the horizon under the optimal strategy
    double cumulativeEmissionsSe = 0;   ///< its standard error (InvestmentResult::horizonEmissions)
};

/// The scenario names of `--scenarios LIST`: "all" stands for the four presets; other items are
/// preset names or scenario .yaml files (checked when loaded).
std::vector<std::string> scenarioList(const std::string& list);

/// Values the case at `path` with the `--set` overrides `sets` under `scenario`, with the run
/// overrides (paths overridden by `paths` if non-zero), keeping per-path values and optionally prices.
ScenarioRun runScenario(const std::string& path, const std::vector<std::string>& sets,
                        const cases::RunOverrides& overrides, const std::string& scenario, std::size_t paths,
                        bool keepPrices, PricingObserver* observer);
/// The case at `path` with the `--set` overrides `sets` under `scenario` (runScenario's first step).
cases::CaseFile loadScenarioCase(const std::string& path, const std::vector<std::string>& sets,
                                 const std::string& scenario);
/// Values `run.c`'s problem `problem` with settings `s` into `run` (its per-path values, optionally
/// with prices, passing each block on to `observer`), then summarises it (runScenario's last step).
void valueScenario(ScenarioRun& run, const InvestmentProblem& problem, const InvestmentSettings& s, bool keepPrices,
                   PricingObserver* observer);
/// Fills the summary fields of a run from its result.
void summarise(ScenarioRun& run);

/// Probability of having invested (any technology; a reline is not an investment) by the end of
/// calendar year `year`, with its standard error: 0 before the first year, the last year's after the horizon.
Estimate investedBy(const InvestmentResult& r, int year);
/// The first decision year with a finite CO2 trigger and that trigger ({0, NaN} if none).
std::pair<int, double> firstTrigger(const std::vector<int>& years, const std::vector<double>& trigger);

/// One JSON object per scenario: scenario, decision, technology, option_value, value_of_waiting,
/// trigger {year, co2_price, std_error}, invest_by_2030 and invest_by_2035 ({value, std_error}),
/// cumulative_emissions_t.
nlohmann::ordered_json compareJson(const std::vector<ScenarioRun>& runs);
/// One run's object of compareJson.
nlohmann::ordered_json scenarioRunJson(const ScenarioRun& run);

}  // namespace kp::results
