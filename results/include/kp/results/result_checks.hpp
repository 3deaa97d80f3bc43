#pragma once
/// \file result_checks.hpp
/// Results checked before they are printed or written (issue 16).
///
/// - Every value a reader sees (option value, never invest, invest now, value of waiting, close now,
///   probabilities, emissions, carbon costs) must be finite: an overflow is kp::InvalidInput naming
///   the field and the case's largest inputs, never a `null` beside a decision.
/// - The downside (downside.hpp) likewise: every P(loss), VaR, ES and cash flow at risk must be finite,
///   and its standard error too (NaN only when there are fewer than two batches).
/// - The decision must agree with the values: an option value below a static strategy (never
///   invest, invest now in a technology, close now) by more than 3 standard errors of the
///   difference is not a decision but a failure of the regression (the flexible strategy contains
///   every static one); kp::NotConverged with advice.
/// Tested by tests/results/results_test.cpp and tests/cli/hostile_cli_test.sh.

#include <string>
#include <vector>

#include "kp/engine/investment_lsm.hpp"
#include "kp/results/downside.hpp"

namespace kp::results {

/// How many standard errors of its pathwise difference the value of waiting lies below 0: 0 when
/// it is not below (or only by rounding, under 1e-9 of the option value), +inf when its error is 0.
/// checkResult refuses more than 3 as a fitting failure; `value` warns between 2 and 3.
double waitingShortfall(const InvestmentResult& r);

/// Throws as described in the file comment. `where` names the run ("case.yaml" or
/// "case.yaml, scenario accelerated"); `largeInputs` lists the case's largest numbers
/// (kp::cases::largestInputs) for the overflow message.
void checkResult(const InvestmentResult& r, const std::string& where,
                 const std::vector<std::string>& largeInputs = {});

/// Throws kp::InvalidInput naming the field (e.g. `downside.invest_now.a.vs_never.es_99`) when a
/// value of the downside is not finite, as checkResult does for the result.
void checkDownside(const Downside& d, const std::string& where, const std::vector<std::string>& largeInputs = {});

}  // namespace kp::results
