#pragma once
/// \file loan_run.hpp
/// A loan priced on a case (shared by `kruispunt loan` and `kruispunt portfolio`): the engine values
/// the case with the borrower's policy (the trained optimal one, or the loan file's fixed one) and
/// records each pricing path's cash flows for the loan (LoanPathRecorder); the loan's QuantLib
/// schedule is then applied to every path, as written and without the guarantee and the ratchet.

#include <limits>
#include <memory>
#include <optional>
#include <ostream>
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

/// A loan drawn on investment (drawdown.on: investment) and drawn on fewer paths than this: the
/// figures given drawn (PD given drawn, its standard error) rest on too few paths to be read, and the
/// outputs say so instead of printing them bare (a PD of 100% +- 0 on 3 paths). 100 drawn paths give
/// a PD of 10% a standard error of 3 points (sqrt(0.1 x 0.9 / 100)), the coarsest worth reading.
constexpr std::size_t kFewDrawnPaths = 100;

struct LoanRun {
    std::string scenario;  ///< "" for the case as written
    LoanTerms terms;       ///< as priced (the sized amount)
    double sizedAmount = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> sizingCashFlow;
    LoanSchedule schedule;  ///< drawn at start_year
    std::vector<LoanVariantResult> variants;  ///< as written first
    std::size_t paths = 0;
    std::size_t drawnPaths = 0;  ///< paths on which the loan is drawn (every path unless drawn on investment)
    double seconds = 0;
    bool fewDrawn() const { return drawnPaths < kFewDrawnPaths; }
};

/// The engine's pricing paths as the loan sees them (trains once; prices the policy, and with
/// `cash_flow: incremental` never investing on the same paths too: kp::recordLoanCashFlows).
/// `rules` given: a valuation's rules of the same case and settings, reused (only where the loan
/// changes nothing in the case: no conditions, no covenant.no_stages; checked).
std::unique_ptr<LoanPathRecorder> recordLoanPaths(const cases::CaseFile& c, const cases::LoanFile& loan,
                                                  const InvestmentSettings& settings,
                                                  const std::vector<InvestmentRule>* rules = nullptr);

/// recordLoanPaths, then the DSCR sizing (if any) and the schedules. Throws kp::InvalidInput (naming
/// the loan file) when the sized amount is not positive or no path draws the loan to size it on.
/// `amount` given: the loan as originated (sized on the case as written), stress-tested on this
/// case: no sizing here.
PreparedLoan prepareLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                         std::optional<double> amount = std::nullopt,
                         const std::vector<InvestmentRule>* rules = nullptr);

/// Prices the loan on a case (loaded by the caller, with its scenario): every variant, with
/// per-path losses kept in the first when `keepPaths`.
LoanRun runLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                bool keepPaths = false, std::optional<double> amount = std::nullopt,
                const std::vector<InvestmentRule>* rules = nullptr);

/// {pd_cumulative, pd_annual, lgd, expected_loss, var_99, es_99, var_999, es_999, value, ...}.
nlohmann::ordered_json statisticsJson(const LoanStatistics& s, const LoanSchedule& schedule);

/// One run's credit figures as `kruispunt loan --json` gives them per run: [amount], [draw_probability,
/// pd_given_drawn, drawn_paths, few_drawn_paths], [completion_late, sponsor_paid], statisticsJson,
/// breakeven_margin, variants {name: {...}}, seconds.
nlohmann::ordered_json loanRunJson(const LoanRun& run, const cases::LoanFile& loan);

/// The loan as `kruispunt loan --json` gives it for the run, less the case, the scenario and the
/// stress scenarios: {loan, currency, [cash_flow, grace_interest, completion], amount, [sizing],
/// margin, paths, loanRunJson..., schedule}. `value --loan` writes it as its `loan`.
nlohmann::ordered_json loanJson(const LoanRun& run, const cases::LoanFile& loan);

/// The text block "Credit risk (...)" of `kruispunt loan` (and `value --loan`): P(drawn) and the
/// drawn paths, PD given drawn (not reliable on fewer than kFewDrawnPaths drawn paths), PD, LGD, EL,
/// VaR, ES, value, break-even margin, PD by year.
void printLoanCredit(std::ostream& o, const LoanRun& run, const std::string& currency, bool draws);

/// The loan in a line as the run priced it: "EUR 1200.0 m, 2027-2042, annuity after 7 grace years,
/// Euribor 12M + 155.0 bp".
std::string loanTermsLine(const LoanRun& run);
/// Completion support, the no-stages covenant and the conditions precedent in a sentence, "" for none.
std::string loanStructureLine(const cases::LoanFile& loan);

/// "x.x" in millions, "x.xx%", "x.x bp" ("n/a" when not finite), as `kruispunt loan` prints them.
std::string loanMillions(double x);
std::string loanPercent(double x, int digits = 2);
std::string loanBp(double x);

}  // namespace kp::app
