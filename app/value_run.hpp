#pragma once
/// \file value_run.hpp
/// What `kruispunt value` adds on top of one valuation (issue 5): the progress bar, --sensitivities
/// (bump-and-revalue, sensitivities.hpp), --report FILE (the HTML report, report.hpp, with the
/// four scenarios valued at --report-paths for the price fans and the comparison), --upper-bound
/// (the dual upper bound of the option value, kp/engine/investment_upper_bound.hpp; issue 12) and
/// --loan (a loan priced on the case as valued, as `kruispunt loan` prices it; issue 15, item 3).

#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "case_run.hpp"
#include "loan_run.hpp"
#include "kp/cases/factor_outlook.hpp"
#include "kp/engine/investment_upper_bound.hpp"
#include "kp/results/compare.hpp"
#include "kp/results/downside.hpp"
#include "kp/results/report.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/sensitivities.hpp"

namespace kp::app {

struct ValueExtras {
    bool sensitivities = false;
    std::string report;           ///< HTML file to write, "" for none
    std::size_t reportPaths = 0;  ///< paths of each scenario run of the report (0: paths / 4, at least 2000)
    bool upperBound = false;      ///< the dual upper bound beside the option value
    UpperBoundSettings upper;     ///< its outer and inner paths
    std::string loan;             ///< --loan LOAN.yaml: also price this loan on the case as valued, "" for none
};

/// Adds --sensitivities, --report, --report-paths, --upper-bound, --upper-bound-paths,
/// --upper-bound-inner and --loan to `value`.
void addValueExtras(CLI::App* command, ValueExtras& x);

struct ValueRun {
    InvestmentResult r;
    std::vector<results::Sensitivity> sensitivities;  ///< empty unless asked for (or for the report)
    int npvTechnology = -1;
    std::optional<InvestmentUpperBound> upper;  ///< with --upper-bound: from the same rules
    std::vector<cases::FactorOutlook> outlook;  ///< what the price models imply: once for text, JSON, report
    results::Downside downside;  ///< P(loss), VaR and ES per strategy, cash flow at risk (issue 15, item 3)
    /// With --loan: the loan priced on the case as valued, as `kruispunt loan CASE LOAN` prices it
    /// (runLoan with the same case and settings: the same figures)
    std::optional<LoanRun> loan;
};

/// The upper bound as JSON: {value, std_error, lower {value, std_error}, gap {value, std_error},
/// outer_paths, inner_paths, seconds}.
nlohmann::ordered_json upperBoundJson(const InvestmentUpperBound& u);

/// Values the case (progress bar on stderr unless quiet), then the sensitivities, the loan (`loan`,
/// loaded and checked against the case by the caller; null for none) and the report if asked for.
/// The report is written (atomically) before this returns. loanCase: the case the loan is priced on
/// when its conditions precedent change it (loadCaseForLoan); null: c.
ValueRun valueCase(const std::string& casePath, const cases::CaseFile& c, const CommonOptions& o,
                   const ValueExtras& x, const cases::LoanFile* loan = nullptr,
                   const cases::CaseFile* loanCase = nullptr);

/// The loan of `value --loan` as text: its terms in a line and the credit-risk block of `kruispunt
/// loan` (value's text output).
void printValueLoan(std::ostream& o, const LoanRun& run, const cases::LoanFile& loan);

/// What the report shows of the loan (results::ReportLoan).
results::ReportLoan reportLoan(const LoanRun& run, const cases::LoanFile& loan);

/// The downside as text: "Downside (per strategy)", the cash flow at risk and the worst year
/// (value's text output).
void printDownside(std::ostream& o, const results::Downside& d, const std::string& currency);
/// The worst year's table alone (nothing when no strategy has one).
void printWorstYear(std::ostream& o, const results::Downside& d, const std::string& currency);

/// The sensitivities as a text table (value's text output).
void printSensitivities(std::ostream& o, const std::vector<results::Sensitivity>& s, const std::string& currency,
                        const std::string& npvTechnology);
/// The text of sensitivities.csv (value --out): one row per bump, changes in the currency.
std::string sensitivitiesCsv(const std::vector<results::Sensitivity>& s, const std::string& currency);

}  // namespace kp::app
