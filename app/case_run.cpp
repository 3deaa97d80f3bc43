// Shared by the valuation commands: common options, loading a case, the case -> engine conversion.
// See case_run.hpp.
#include "case_run.hpp"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>
#include <thread>

#include "kp/instruments/investment_instrument.hpp"

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
    c->add_option("--max-memory", o.maxMemory,
                  "Refuse a run estimated to need more memory than this, e.g. 2G, 512M (default: the "
                  "machine's available memory)");
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

std::vector<std::string> setsForLoan(const cases::LoanFile& loan, const std::vector<std::string>& sets) {
    std::vector<std::string> all = loan.conditions;
    all.insert(all.end(), sets.begin(), sets.end());
    return all;
}

cases::CaseFile loadCaseForLoan(const std::string& path, const CommonOptions& o, const std::string& scenario,
                                const cases::LoanFile& loan) {
    if (loan.conditions.empty()) return loadCase(path, o, scenario);
    CommonOptions with = o;
    with.sets = setsForLoan(loan, o.sets);
    try {
        return loadCase(path, with, scenario);
    } catch (const InvalidInput& e) {
        throw InvalidInput(loan.path + ":" + std::to_string(loan.conditionsLine) +
                           ": conditions: the case does not take them: " + e.what());
    }
}

cases::RunOverrides overridesOf(const CommonOptions& o) { return cases::RunOverrides{o.paths, o.threads, o.seed}; }

InvestmentSettings settingsFor(const cases::CaseFile& c, const CommonOptions& o) {
    const InvestmentSettings s = cases::settingsFor(c, overridesOf(o));
    checkMemory(estimateBytes(c, s, true, false), o);  // per-path values: compare, breakeven, loans keep them
    return s;
}

double estimateBytes(const cases::CaseFile& c, const InvestmentSettings& s, bool perPath, bool keepPrices) {
    const InvestmentProblem pr = cases::toInvestmentProblem(c);
    const InvestmentInstrument in(pr.project, pr.factors->stateSize());
    const double H = static_cast<double>(in.periods()), J = static_cast<double>(in.technologies()),
                 NS = static_cast<double>(in.stages()), F = static_cast<double>(in.features());
    const double nT = static_cast<double>(trainingPathsOf(s));
    const double paths = static_cast<double>(s.paths);
    const double threads = static_cast<double>(s.threads ? s.threads : std::thread::hardware_concurrency());
    // training store (investment_training.cpp): X, I, Bd, Xs, Rs per date, plus per-path vectors
    double bytes = 8 * nT * (H * (std::max(F, 1.0) + std::max(J, 1.0) + 1 + NS + NS * (H + 1)) + F + J + 4);
    // per-thread block buffers of 1024 paths: states, features and cash flows per period
    bytes += 8 * 1024 * threads * H * (std::max(F, 1.0) + J + 16);
    if (perPath) bytes += paths * (8 * (2 + J) + 8) + (keepPrices ? 4.0 * 4 * H * paths : 0.0);
    return bytes;
}

namespace {

/// "2G", "512M", "1.5G", "1000000": bytes (binary suffixes K, M, G, T).
double parseBytes(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    double unit = 1;
    const std::string suffix = end ? std::string(end) : "";
    if (suffix == "K" || suffix == "k") unit = 1024.0;
    else if (suffix == "M" || suffix == "m") unit = 1024.0 * 1024;
    else if (suffix == "G" || suffix == "g") unit = 1024.0 * 1024 * 1024;
    else if (suffix == "T" || suffix == "t") unit = 1024.0 * 1024 * 1024 * 1024;
    else if (!suffix.empty()) unit = -1;
    KP_REQUIRE(end != text.c_str() && unit > 0 && std::isfinite(v) && v > 0, "--max-memory is '", text,
               "', but must be a positive size such as 512M or 2G");
    return v * unit;
}

/// MemAvailable of /proc/meminfo in bytes, or infinity if it cannot be read.
double availableMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kb = 0;
    std::string unit;
    while (in >> key >> kb >> unit)
        if (key == "MemAvailable:") return kb * 1024;
    return HUGE_VAL;
}

std::string gib(double bytes) {
    std::ostringstream os;
    os << std::fixed << std::setprecision(bytes < 1e9 ? 3 : 1) << bytes / (1024.0 * 1024 * 1024) << " GiB";
    return os.str();
}

}  // namespace

void checkMemory(double bytes, const CommonOptions& o) {
    const bool given = !o.maxMemory.empty();
    const double limit = given ? parseBytes(o.maxMemory) : availableMemory();
    if (bytes <= limit) return;
    ::kp::detail::throwInvalid("the run needs about ", gib(bytes), " of memory (training paths x dates x state, "
                               "per-thread buffers, per-path results), but must fit in ",
                               given ? "--max-memory " + o.maxMemory + " (" + gib(limit) + ")"
                                     : "the machine's available memory (" + gib(limit) + ")",
                               ": lower --paths or simulation.training_paths, or raise --max-memory");
}

std::string withSe(double x, double se, int digits) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(digits) << x;
    if (std::isfinite(se)) o << " +- " << se;
    return o.str();
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

void checkCaseDownside(const results::Downside& d, const std::string& casePath, const CommonOptions& o,
                       const std::string& scenario) {
    const std::string where = casePath + (scenario.empty() ? "" : " (scenario " + scenario + ")");
    try {
        results::checkDownside(d, where);
    } catch (const InvalidInput& e) {
        results::checkDownside(d, where, cases::largestInputs(casePath, o.sets));
    }
}

}  // namespace kp::app
