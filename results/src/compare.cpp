#include "kp/results/compare.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"

namespace kp::results {

std::vector<std::string> scenarioList(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.empty()) continue;
        if (item == "all")
            for (const auto& n : cases::scenarioNames()) out.push_back(n);
        else
            out.push_back(item);
    }
    KP_REQUIRE(!out.empty(), "--scenarios is '", list, "', but must name at least one scenario (all, a preset or a .yaml file)");
    return out;
}

Estimate investedBy(const InvestmentResult& r, int year) {
    if (r.investedBy.empty() || r.years.empty() || year < r.years.front()) return {0.0, 0.0};
    const std::size_t y = static_cast<std::size_t>(year - r.years.front());
    return r.investedBy[std::min(y, r.investedBy.size() - 1)];
}

std::pair<int, double> firstTrigger(const std::vector<int>& years, const std::vector<double>& trigger) {
    for (std::size_t d = 0; d < years.size() && d < trigger.size(); ++d)
        if (std::isfinite(trigger[d])) return {years[d], trigger[d]};
    return {0, std::numeric_limits<double>::quiet_NaN()};
}

void summarise(ScenarioRun& run) {
    const InvestmentResult& r = run.r;
    std::tie(run.triggerYear, run.trigger) = firstTrigger(r.years, r.trigger);
    run.triggerSe = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t d = 0; d < r.years.size() && d < r.triggerStdError.size(); ++d)
        if (run.triggerYear && r.years[d] == run.triggerYear && std::isfinite(r.trigger[d])) {
            run.triggerSe = r.triggerStdError[d];
            break;
        }
    const Estimate by2030 = investedBy(r, 2030), by2035 = investedBy(r, 2035);
    run.investBy2030 = by2030.value, run.investBy2030Se = by2030.stdError;
    run.investBy2035 = by2035.value, run.investBy2035Se = by2035.stdError;
    run.cumulativeEmissions = 0;
    for (double e : r.emissionsMean) run.cumulativeEmissions += e;
    run.cumulativeEmissionsSe = r.horizonEmissions.stdError;
}

ScenarioRun runScenario(const std::string& path, const std::vector<std::string>& sets,
                        const cases::RunOverrides& overrides, const std::string& scenario, std::size_t paths,
                        bool keepPrices, PricingObserver* observer) {
    ScenarioRun run;
    run.scenario = scenario;
    run.c = loadScenarioCase(path, sets, scenario);
    InvestmentSettings s = cases::settingsFor(run.c, overrides);
    if (paths) s.paths = paths;
    valueScenario(run, cases::toInvestmentProblem(run.c), s, keepPrices, observer);
    return run;
}

cases::CaseFile loadScenarioCase(const std::string& path, const std::vector<std::string>& sets,
                                 const std::string& scenario) {
    cases::LoadOptions lo;
    lo.overrides = sets;
    lo.scenario = scenario;
    return cases::loadCaseFile(path, lo);
}

void valueScenario(ScenarioRun& run, const InvestmentProblem& problem, const InvestmentSettings& s, bool keepPrices,
                   PricingObserver* observer) {
    run.paths = std::make_unique<PathValues>(s.paths, problem, keepPrices, observer);
    InvestmentLsm engine;
    run.r = engine.value(problem, s, run.paths.get());
    summarise(run);
}

nlohmann::ordered_json compareJson(const std::vector<ScenarioRun>& runs) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& run : runs) a.push_back(scenarioRunJson(run));
    return a;
}

nlohmann::ordered_json scenarioRunJson(const ScenarioRun& run) {
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(); };
    const InvestmentResult& r = run.r;
    nlohmann::ordered_json j;
    j["scenario"] = run.scenario;
    j["decision"] = toString(r.decision);
    j["technology"] = r.technology >= 0 ? nlohmann::ordered_json(r.technologyNames[static_cast<std::size_t>(r.technology)])
                                        : nlohmann::ordered_json();
    j["option_value"] = estimateJson(r.optionValue);
    j["value_of_waiting"] = estimateJson(r.valueOfWaiting);
    j["trigger"] = run.triggerYear ? nlohmann::ordered_json{{"year", run.triggerYear}, {"co2_price", num(run.trigger)},
                                                            {"std_error", num(run.triggerSe)}}
                                   : nlohmann::ordered_json();
    j["invest_by_2030"] = estimateJson({run.investBy2030, run.investBy2030Se});
    j["invest_by_2035"] = estimateJson({run.investBy2035, run.investBy2035Se});
    j["cumulative_emissions_t"] = run.cumulativeEmissions;
    j["cumulative_emissions_t_se"] = run.cumulativeEmissionsSe;
    j["paths"] = r.paths;
    j["seconds"] = r.seconds;
    return j;
}

}  // namespace kp::results
