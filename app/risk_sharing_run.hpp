#pragma once
/// \file risk_sharing_run.hpp
/// `kruispunt compare CASE.yaml --instruments as-written,guarantee,insurance,ccfd,combined`: the
/// value of risk-sharing (issue 15, item 5; kp/results/risk_sharing.hpp): one row per instrument
/// added to the case, what it does to the owner, the state and an insurer, and with --loan the loan
/// priced on each row (issue 15, item 4: what insurance buys a bank). docs/valuation.md, "Risk sharing".

#include <CLI/CLI.hpp>
#include <string>

#include "case_run.hpp"
#include "kp/results/risk_sharing.hpp"

namespace kp::app {

struct RiskSharingOptions {
    std::string instruments;  ///< --instruments LIST ("": compare scenarios instead)
    results::RiskSharingTerms terms;
    std::string ccfdOptions;  ///< --ccfd-options a,b ("": every investment option without a subsidy)
    std::string loan;         ///< --loan LOAN.yaml ("": none)
    /// Which term options were given (a term without --instruments is refused).
    std::size_t termsGiven(const CLI::App& c) const;
};

/// Adds --instruments, --guarantee-share, --insurance-share, --insurance-deductible,
/// --insurance-limit, --insurance-loading, --ccfd-strike, --ccfd-years, --ccfd-options and --loan.
void addRiskSharingOptions(CLI::App* command, RiskSharingOptions& o);

/// Checks the terms: kp::InvalidInput naming the option (`--guarantee-share is 1.5, but must be in [0, 1]`).
void checkRiskSharingTerms(const results::RiskSharingTerms& t);

/// Runs the comparison: text on stdout (or one JSON object with --json) and the table as CSV to
/// `csv` ("" for none; written whole or not at all). Returns the exit code.
int runRiskSharing(const std::string& casePath, const CommonOptions& common, const RiskSharingOptions& o,
                   const std::string& csv);

}  // namespace kp::app
