// `kruispunt compare CASE.yaml --scenarios all`: one table of the case as written (first row) and
// under the four built-in scenarios (and any scenario files); with --instruments, the value of
// risk-sharing instead (risk_sharing_run.hpp). See README.md and docs/valuation.md ("Scenario comparison").
#include <cmath>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include "case_run.hpp"
#include "commands.hpp"
#include "risk_sharing_run.hpp"
#include "kp/results/compare.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"
#include "kp/results/progress.hpp"

namespace kp::app {

namespace {

struct CompareOptions {
    std::string casePath;
    CommonOptions common;
    std::string scenarios;  ///< "": all (unless --instruments)
    std::string csv;
    RiskSharingOptions sharing;
    std::size_t sharingTerms = 0;  ///< risk-sharing term options given
};

int runCompare(const CompareOptions& v) {
    if (!v.sharing.instruments.empty()) {
        KP_REQUIRE(v.scenarios.empty(), "--scenarios is '", v.scenarios, "', but compare takes either --scenarios or ",
                   "--instruments (run one scenario of instruments with --scenario)");
        return runRiskSharing(v.casePath, v.common, v.sharing, v.csv);
    }
    KP_REQUIRE(v.sharingTerms == 0, "an instrument's option (--guarantee-share, --insurance-..., --ccfd-..., --loan) ",
               "is given, but must go with --instruments");
    KP_REQUIRE(v.common.scenario.empty(), "--scenario is '", v.common.scenario,
               "', but compare takes its scenarios from --scenarios (a comma-separated list)");
    const auto names = results::scenarioList(v.scenarios.empty() ? "all" : v.scenarios);
    // one case load up front: bad input stops before any valuation
    const cases::CaseFile c = loadCase(v.casePath, v.common);
    const InvestmentSettings s = settingsFor(c, v.common);
    if (!v.csv.empty()) io::checkOutputFile(v.csv, "--csv");
    results::Progress progress((names.size() + 1) * s.paths, "compare", v.common.quiet);
    std::vector<results::ScenarioRun> runs;
    // the case as written first (with its own `scenario:` field, if any): the row the others differ from
    runs.push_back(results::runScenario(v.casePath, v.common.sets, overridesOf(v.common), "", 0, false, &progress));
    runs.back().scenario = "as written";
    for (const auto& n : names) runs.push_back(results::runScenario(v.casePath, v.common.sets, overridesOf(v.common), n, 0, false, &progress));
    progress.finish();
    for (const auto& r : runs) checkCaseResult(r.r, v.casePath, v.common, r.scenario);
    const std::string cur = c.valuation.currency;
    if (!v.csv.empty()) {
        results::CsvTable t({"scenario", "decision", "technology", "option_value_" + cur, "option_value_se_" + cur,
                    "value_of_waiting_" + cur, "value_of_waiting_se_" + cur, "trigger_year", "trigger_" + cur + "_per_tco2",
                    "trigger_se_" + cur + "_per_tco2", "invest_by_2030_probability", "invest_by_2030_probability_se",
                    "invest_by_2035_probability", "invest_by_2035_probability_se", "cumulative_emissions_tco2",
                    "cumulative_emissions_se_tco2"});
        for (const auto& r : runs)
            t.row({r.scenario, toString(r.r.decision),
                   r.r.technology >= 0 ? r.r.technologyNames[static_cast<std::size_t>(r.r.technology)] : "",
                   results::csvNumber(r.r.optionValue.value), results::csvNumber(r.r.optionValue.stdError),
                   results::csvNumber(r.r.valueOfWaiting.value), results::csvNumber(r.r.valueOfWaiting.stdError),
                   r.triggerYear ? std::to_string(r.triggerYear) : "", results::csvNumber(r.trigger),
                   results::csvNumber(r.triggerYear ? r.triggerSe : std::numeric_limits<double>::quiet_NaN()),
                   results::csvNumber(r.investBy2030), results::csvNumber(r.investBy2030Se),
                   results::csvNumber(r.investBy2035), results::csvNumber(r.investBy2035Se),
                   results::csvNumber(r.cumulativeEmissions), results::csvNumber(r.cumulativeEmissionsSe)});
        t.write(v.csv, "--csv");
    }
    if (v.common.json) {
        std::cout << results::compareJson(runs).dump() << '\n';
        return 0;
    }
    std::ostream& o = std::cout;
    o << "Case " << c.name << " as written and under " << names.size() << " scenarios, " << s.paths << " paths each, seed " << s.seed
      << " (" << cur << " million, present value; P(year): probability of having invested by its end; +- one standard error)\n\n";
    o << std::left << std::setw(18) << "scenario" << std::setw(28) << "decision" << std::right << std::setw(16)
      << "option value" << std::setw(18) << "value of waiting" << std::setw(22) << "trigger " + cur + "/t"
      << std::setw(15) << "P(2030)" << std::setw(15) << "P(2035)" << std::setw(18) << "E[emissions] Mt" << "\n";
    for (const auto& r : runs) {
        std::string dec = toString(r.r.decision);
        if (r.r.technology >= 0) dec += " " + r.r.technologyNames[static_cast<std::size_t>(r.r.technology)];
        const std::string tr = r.triggerYear ? withSe(r.trigger, r.triggerSe, 0) + " (" + std::to_string(r.triggerYear) + ")" : "-";
        o << std::left << std::setw(18) << r.scenario << std::setw(28) << dec << std::right << std::setw(16)
          << withSe(r.r.optionValue.value / 1e6, r.r.optionValue.stdError / 1e6, 0) << std::setw(18)
          << withSe(r.r.valueOfWaiting.value / 1e6, r.r.valueOfWaiting.stdError / 1e6, 0) << std::setw(22) << tr
          << std::setw(15) << withSe(r.investBy2030, r.investBy2030Se, 2) << std::setw(15)
          << withSe(r.investBy2035, r.investBy2035Se, 2) << std::setw(18)
          << withSe(r.cumulativeEmissions / 1e6, r.cumulativeEmissionsSe / 1e6, 1) << "\n";
    }
    return 0;
}

}  // namespace

void addCompareCommand(CLI::App& app, Action& action) {
    static CompareOptions v;
    auto* c = app.add_subcommand("compare", "Value a case under several scenarios, one table");
    c->add_option("case", v.casePath, "Case file (YAML, see docs/case-file.md)")->required();
    c->add_option("--scenarios", v.scenarios, "all (the four presets) and/or preset names and scenario .yaml "
                                              "files, comma-separated (default: all)");
    c->add_option("--csv", v.csv, "Also write the table as CSV to this file");
    addRiskSharingOptions(c, v.sharing);
    addCommonOptions(c, v.common);
    c->callback([&action, c] {
        v.sharingTerms = v.sharing.termsGiven(*c);
        action = [] { return runCompare(v); };
    });
}

}  // namespace kp::app
