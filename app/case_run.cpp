// Shared by the valuation commands: common options, loading a case, the case -> engine conversion.
// See case_run.hpp.
#include "case_run.hpp"

#include <map>

#include "cli_checks.hpp"
#include "kp/core/errors.hpp"
#include "kp/results/result_checks.hpp"

namespace kp::app {

void addCommonOptions(CLI::App* c, CommonOptions& o) {
    c->add_option("--scenario", o.scenario, "Scenario preset (stabilisation, relocation, innovation-hubs, "
                                            "accelerated) or a scenario .yaml");
    c->add_option("--paths", o.paths, "Pricing paths (default: the case's simulation.paths)")
        ->check(wholeNumber(kMaxPaths));
    c->add_option("--seed", o.seed, "Random seed, non-zero (default: the case's)")->check(wholeNumber(kMaxSeed));
    c->add_option("--threads", o.threads, "Threads, 0 = all cores (default: the case's)")
        ->check(wholeNumber(kMaxThreads));
    c->add_option("--set", o.sets, "Override a case field: dotted.path=value (repeatable)");
    c->add_flag("--json", o.json, "Print one JSON object on stdout");
    c->add_flag("--quiet", o.quiet, "No progress output on stderr");
}

cases::CaseFile loadCase(const std::string& path, const CommonOptions& o) {
    return loadCase(path, o, o.scenario);
}

cases::CaseFile loadCase(const std::string& path, const CommonOptions& o, const std::string& scenario) {
    cases::LoadOptions lo;
    lo.overrides = o.sets;
    lo.scenario = scenario;
    return cases::loadCaseFile(path, lo);
}

cases::RunOverrides overridesOf(const CommonOptions& o) { return cases::RunOverrides{o.paths, o.threads, o.seed}; }

InvestmentSettings settingsFor(const cases::CaseFile& c, const CommonOptions& o) {
    return cases::settingsFor(c, overridesOf(o));
}

void checkCaseResult(const InvestmentResult& r, const std::string& casePath, const CommonOptions& o,
                     const std::string& scenario) {
    const std::string where = casePath + (scenario.empty() ? "" : " (scenario " + scenario + ")");
    try {
        results::checkResult(r, where);
    } catch (const InvalidInput& e) {
        // an overflow: name the case's largest inputs, the usual cause
        results::checkResult(r, where, cases::largestInputs(casePath, o.sets));
    }
}

}  // namespace kp::app
