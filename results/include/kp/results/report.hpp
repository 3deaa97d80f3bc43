#pragma once
/// \file report.hpp
/// The HTML report of `kruispunt value CASE.yaml --report FILE`: one self-contained file (Vega,
/// Vega-Lite and vega-embed from results/report/node_modules bundled in, the results as JSON, no
/// network access: a Content-Security-Policy forbids any fetch) with a text summary, key figures,
/// price fans per scenario, the exercise boundary (or, when the rule has no CO2 trigger in any year,
/// a sentence saying why), timing, the distribution of value, emissions, a tornado of sensitivities,
/// the risk and bankability of each strategy (the downside, the cash flow at risk per year, the
/// worst year, a loan's statistics), the scenario comparison and the assumptions and sources the
/// case file's comments carry (case_sources.hpp). The chart specs are in results/report/report.js. Tested by
/// tests/results/results_test.cpp (the page and its data) and in a real browser by tests/report/
/// (headless Chromium).

#include <string>
#include <utility>
#include <vector>

#include "kp/results/compare.hpp"
#include "kp/results/downside.hpp"
#include "kp/cases/case_file.hpp"
#include "kp/cases/factor_outlook.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/engine/loan_pricing.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/sensitivities.hpp"

namespace kp::results {

/// A loan priced on the case as valued (`value --loan`; app/loan_run.hpp prices it as `kruispunt
/// loan` does): what the report's "Risk and bankability" section shows of it.
struct ReportLoan {
    std::string name, currency;
    std::string terms;     ///< the loan in a line (amount, years, amortisation, rate)
    std::string funds;     ///< the option it finances
    std::string policy;    ///< the borrower's policy ("optimal (trained by the engine)", "ng_dri_eaf in 2027")
    std::string cashFlow;  ///< "plant" or "incremental" (the policy's minus never investing's)
    /// Completion support, the no-stages covenant and the conditions precedent in a sentence ("" for
    /// none).
    std::string structure;
    bool conditioned = false;  ///< conditions precedent: priced on the case with them, not the case as valued
    std::size_t paths = 0, drawnPaths = 0;
    bool drawsOnInvestment = false;  ///< drawn only on the paths that invest (else on every path)
    bool fewDrawn = false;           ///< drawn on too few paths for the figures given drawn (app: kFewDrawnPaths)
    int firstYear = 0;               ///< the year of stats.pdAnnual[0]
    struct Variant {
        std::string name;  ///< as_written, without_guarantee, without_ratchet
        LoanStatistics stats;
        Estimate breakevenMargin;
    };
    std::vector<Variant> variants;  ///< as written first
};

struct ReportInput {
    const cases::CaseFile* c = nullptr;  ///< the case as valued
    const InvestmentResult* r = nullptr;
    const PathValues* paths = nullptr;   ///< per-path values of that valuation, prices kept
    std::vector<Sensitivity> sensitivities;
    int npvTechnology = -1;              ///< whose NPV now the sensitivities report
    const std::vector<ScenarioRun>* scenarios = nullptr;  ///< comparison and price fans (prices kept)
    /// Built-in scenarios that do not apply to the case (name, the loader's message), e.g. a price
    /// path anchored on a CO2 price the case keeps constant: listed in "Scenarios compared".
    std::vector<std::pair<std::string, std::string>> scenariosRefused;
    const std::vector<cases::FactorOutlook>* outlook = nullptr;  ///< the price models' outlook (its warnings)
    std::string caseText;  ///< the case file's text as read: its tagged comments ("Assumptions and sources")
    std::vector<std::string> sets;  ///< the run's `--set path=value` overrides, marked on the lines they change
    /// The downside of each strategy: the "Risk and bankability" section (the downside table, the
    /// cash flow at risk, the worst year; none if null)
    const Downside* downside = nullptr;
    const ReportLoan* loan = nullptr;  ///< its loan statistics (`value --loan`), or a sentence how to add them
};

/// The whole HTML page.
std::string reportHtml(const ReportInput& in);
/// Writes reportHtml to `file` through a temporary file in the same directory and a rename, so a
/// failure leaves no half-written report. Throws InvalidInput if the directory cannot be written.
void writeReport(const std::string& file, const ReportInput& in);

}  // namespace kp::results
