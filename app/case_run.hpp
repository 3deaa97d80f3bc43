#pragma once
/// \file case_run.hpp
/// What every valuation command shares (value, compare, breakeven, loan, portfolio): the common
/// command-line options, loading a case with its scenario and overrides, and the engine settings
/// they give. The conversion of a checked case into the engine's problem is in cases/
/// (kp/cases/case_problem.hpp), where tests and benchmarks use it too.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/cases/case_problem.hpp"

namespace kp::app {

/// --scenario --paths --seed --threads --set (repeatable) --json --quiet. Unset options fall back to
/// the case file's `simulation` section.
struct CommonOptions {
    std::string scenario;
    std::optional<std::size_t> paths, threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> sets;
    bool json = false;
    bool quiet = false;
};

/// Adds the common options to a sub-command.
void addCommonOptions(CLI::App* command, CommonOptions& o);

/// Loads, overrides (--set) and checks a case under the options' scenario (or `scenario`, which
/// replaces it). Throws kp::InvalidInput naming the file, line and field.
cases::CaseFile loadCase(const std::string& path, const CommonOptions& o);
cases::CaseFile loadCase(const std::string& path, const CommonOptions& o, const std::string& scenario);

/// Engine settings: the case's `simulation` section with --paths, --seed and --threads applied
/// (kp::cases::settingsFor).
InvestmentSettings settingsFor(const cases::CaseFile& c, const CommonOptions& o);

/// {value, std_error}, null for a non-finite number.
nlohmann::ordered_json estimateJson(const Estimate& e);
/// The number, or null if it is not finite.
nlohmann::ordered_json numberOrNull(double x);

}  // namespace kp::app
