#pragma once
/// \file case_problem.hpp
/// A checked case as the engine sees it: the factors and arrival laws (models/) and the project
/// (instruments/) of kp::InvestmentProblem, and the engine's settings from the case's `simulation`
/// section. What every valuation command, test and benchmark uses to value a case as the tool does.
///
/// What the conversion leaves out is listed in kp/instruments/investment_project.hpp ("Current
/// limitations"). Tested in tests/cases/case_problem_test.cpp (the examples: stages, learning,
/// infrastructure, quarterly discounting).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "kp/cases/case_file.hpp"
#include "kp/engine/investment_lsm.hpp"

namespace kp::cases {

/// The engine's view of a checked case.
InvestmentProblem toInvestmentProblem(const CaseFile& c);

/// Run options that override the case's `simulation` section (the command line's --paths,
/// --threads, --seed).
struct RunOverrides {
    std::optional<std::size_t> paths, threads;
    std::optional<std::uint64_t> seed;
};

/// Engine settings: the case's `simulation` section with the overrides applied. Throws
/// kp::InvalidInput for fewer than 2 or odd (antithetic) paths and a zero seed.
InvestmentSettings settingsFor(const CaseFile& c, const RunOverrides& o = {});

}  // namespace kp::cases
