#pragma once
/// \file case_run.hpp
/// What every valuation command shares (value, compare, breakeven, loan, portfolio): the common
/// command-line options, loading a case with its scenario and overrides, and the engine settings
/// they give. The conversion of a checked case into the engine's problem is in cases/
/// (kp/cases/case_problem.hpp), where tests and benchmarks use it too.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kp/cases/case_file.hpp"
#include "kp/cases/case_problem.hpp"
#include "kp/cases/loan_file.hpp"
#include "kp/results/downside.hpp"
#include "kp/results/json.hpp"

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
    std::string maxMemory;  ///< --max-memory: "" for the machine's available memory
};

/// Adds the common options to a sub-command.
void addCommonOptions(CLI::App* command, CommonOptions& o);

/// Loads, overrides (--set) and checks a case under the options' scenario (or `scenario`, which
/// replaces it). Throws kp::InvalidInput naming the file, line and field.
cases::CaseFile loadCase(const std::string& path, const CommonOptions& o);
cases::CaseFile loadCase(const std::string& path, const CommonOptions& o, const std::string& scenario);
/// A loan's conditions precedent (LoanFile::conditions) followed by the command line's --set: the
/// overrides of the case a loan is put on, in the order they apply.
std::vector<std::string> setsForLoan(const cases::LoanFile& loan, const std::vector<std::string>& sets);
/// The case a loan is put on: its conditions precedent (LoanFile::conditions) applied before the
/// command line's --set, then the scenario. A condition the case refuses gets the case's message
/// prefixed with the loan file's line. Without conditions, loadCase.
cases::CaseFile loadCaseForLoan(const std::string& path, const CommonOptions& o, const std::string& scenario,
                                const cases::LoanFile& loan);

/// The run overrides of the options (--paths, --threads, --seed).
cases::RunOverrides overridesOf(const CommonOptions& o);

/// Engine settings: the case's `simulation` section with --paths, --seed and --threads applied
/// (kp::cases::settingsFor), after the memory check (checkMemory, per-path values included).
InvestmentSettings settingsFor(const cases::CaseFile& c, const CommonOptions& o);

/// Bytes a valuation of the case will allocate (estimated before allocating): the training store
/// of one rule, per-thread block buffers, and with `perPath` the per-path values of the pricing
/// paths (sensitivities, report, breakeven's band; `keepPrices`: the report's price fans).
double estimateBytes(const cases::CaseFile& c, const InvestmentSettings& s, bool perPath, bool keepPrices);

/// Refuses (kp::InvalidInput, exit 2) a run whose estimate exceeds --max-memory or, without it, the
/// machine's available memory (/proc/meminfo MemAvailable), naming both figures and the options.
void checkMemory(double bytes, const CommonOptions& o);

/// "x +- se" with `digits` decimals (the SE left out when not finite): the tables of `compare`.
std::string withSe(double x, double se, int digits);

/// kp::results::checkResult on a valuation of the case at `casePath` under the options (and
/// `scenario`, "" for none): a non-finite value is kp::InvalidInput naming the field and the case's
/// largest inputs; an option value below a static strategy is kp::NotConverged.
void checkCaseResult(const InvestmentResult& r, const std::string& casePath, const CommonOptions& o,
                     const std::string& scenario);
/// kp::results::checkDownside likewise (a non-finite downside figure names the case's largest inputs).
void checkCaseDownside(const results::Downside& d, const std::string& casePath, const CommonOptions& o,
                       const std::string& scenario);

}  // namespace kp::app
