#pragma once
/// \file loan_run.hpp
/// A loan priced on a case (shared by `kruispunt loan` and `kruispunt portfolio`): the engine values
/// the case with the borrower's policy (the trained optimal one, or the loan file's fixed one) and
/// records each pricing path's cash flows for the loan (LoanPathRecorder); the loan's QuantLib
/// schedule is then applied to every path, as written and without the guarantee and the ratchet.

#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "case_run.hpp"
#include "kp/cases/loan_file.hpp"
#include "kp/engine/loan_pricing.hpp"

namespace kp::app {

/// One variant of the loan: its statistics and its break-even margin.
struct LoanVariantResult {
    std::string name;  ///< as_written, without_guarantee, without_ratchet
    LoanStatistics stats;
    Estimate breakevenMargin;
};

/// A loan ready to price on a case's paths: the engine's paths recorded, the amount sized, the
/// schedules built (one per draw period).
struct PreparedLoan {
    LoanTerms terms;                      ///< the file's, with the sized amount
    std::vector<LoanSchedule> schedules;  ///< [d]: drawn in start_year + d (one without drawing on investment)
    std::unique_ptr<LoanPathRecorder> recorder;
    LoanPathView view;
    double sizedAmount = std::numeric_limits<double>::quiet_NaN();  ///< before the cap (NaN: no sizing)
    std::vector<double> sizingCashFlow;   ///< per period from the draw, nominal
};

struct LoanRun {
    std::string scenario;  ///< "" for the case as written
    LoanTerms terms;       ///< as priced (the sized amount)
    double sizedAmount = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> sizingCashFlow;
    LoanSchedule schedule;  ///< drawn at start_year
    std::vector<LoanVariantResult> variants;  ///< as written first
    std::size_t paths = 0;
    double seconds = 0;
};

/// The engine's pricing paths as the loan sees them (trains once; prices the policy, and with
/// `cash_flow: incremental` never investing on the same paths too: kp::recordLoanCashFlows).
std::unique_ptr<LoanPathRecorder> recordLoanPaths(const cases::CaseFile& c, const cases::LoanFile& loan,
                                                  const InvestmentSettings& settings);

/// recordLoanPaths, then the DSCR sizing (if any) and the schedules. Throws kp::InvalidInput (naming
/// the loan file) when the sized amount is not positive or no path draws the loan to size it on.
/// `amount` given: the loan as originated (sized on the case as written), stress-tested on this
/// case: no sizing here.
PreparedLoan prepareLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                         std::optional<double> amount = std::nullopt);

/// Prices the loan on a case (loaded by the caller, with its scenario): every variant, with
/// per-path losses kept in the first when `keepPaths`.
LoanRun runLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                bool keepPaths = false, std::optional<double> amount = std::nullopt);

/// {pd_cumulative, pd_annual, lgd, expected_loss, var_99, es_99, var_999, es_999, value, ...}.
nlohmann::ordered_json statisticsJson(const LoanStatistics& s, const LoanSchedule& schedule);

}  // namespace kp::app
