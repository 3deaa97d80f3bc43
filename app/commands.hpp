#pragma once
/// \file commands.hpp
/// Sub-commands of the `kruispunt` command line. Each file app/<name>_command.cpp adds one
/// sub-command to the CLI11 application; main.cpp runs the one the user chose.
///
/// Exit codes (documented in the README): 0 success, 2 bad input (kp::InvalidInput, a CLI11 parse
/// error), 1 any other failure.

#include <CLI/CLI.hpp>
#include <functional>

namespace kp::app {

/// What a sub-command registers: the action to run after parsing. It returns the exit code.
using Action = std::function<int()>;

/// Adds `kruispunt price <problem>` (canonical option problems).
void addPriceCommand(CLI::App& app, Action& action);
/// Adds `kruispunt value CASE.yaml` (invest now, wait or close; docs/valuation.md).
void addValueCommand(CLI::App& app, Action& action);
/// Adds `kruispunt compare CASE.yaml --scenarios all` (the case under several scenarios).
void addCompareCommand(CLI::App& app, Action& action);
/// Adds `kruispunt breakeven CASE.yaml --instrument ...` (break-even policy instrument).
void addBreakevenCommand(CLI::App& app, Action& action);
/// Adds `kruispunt loan CASE.yaml LOAN.yaml` (a bank's loan on the case; docs/loans.md).
void addLoanCommand(CLI::App& app, Action& action);
/// Adds `kruispunt portfolio PORTFOLIO.yaml` (several loans on one set of factor paths).
void addPortfolioCommand(CLI::App& app, Action& action);
/// Adds `kruispunt calibrate` (fit factor models to price series).
void addCalibrateCommand(CLI::App& app, Action& action);

}  // namespace kp::app
