// `kruispunt compare CASE --instruments ...`: the value of risk-sharing. See risk_sharing_run.hpp.
#include "risk_sharing_run.hpp"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_checks.hpp"
#include "loan_run.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/results/progress.hpp"

namespace kp::app {

namespace {

const char* const kTermOptions[] = {"--guarantee-share",  "--insurance-share", "--insurance-deductible",
                                    "--insurance-limit",  "--insurance-loading", "--ccfd-strike",
                                    "--ccfd-years",       "--ccfd-options",      "--loan"};

/// "v +- se" in millions ("-" when not finite).
std::string pm(const Estimate& e, int digits = 1) {
    if (!std::isfinite(e.value)) return "-";
    return withSe(e.value / 1e6, e.stdError / 1e6, digits);
}

/// What each row's loan is (the first row sizes it; the others keep that amount: the loan as
/// originated, priced on the case with the instrument).
std::vector<LoanRun> rowLoans(const std::vector<results::RiskSharingRow>& rows, const cases::LoanFile& loan,
                              const CommonOptions& common, bool quiet) {
    std::vector<LoanRun> out;
    for (const results::RiskSharingRow& row : rows) {
        if (!quiet) std::cerr << "kruispunt compare: pricing the loan " << loan.terms.name << " with " << row.instrument << " ...\n";
        std::optional<double> amount;
        if (!out.empty() && loan.sizing) amount = out.front().terms.amount;
        out.push_back(runLoan(row.run.c, loan, cases::settingsFor(row.run.c, overridesOf(common)), false, amount));
    }
    return out;
}

void printOwner(std::ostream& o, const std::vector<results::RiskSharingRow>& rows) {
    o << "The owner (the optimal strategy; gain: the option value's change against as written on the same paths;\n"
      << "ES: the mean of the worst 5% / 1% of the strategy's NPV, negative = a loss)\n";
    o << std::left << std::setw(14) << "instrument" << std::setw(26) << "decision" << std::right << std::setw(20)
      << "option value" << std::setw(18) << "gain" << std::setw(19) << "value of waiting" << std::setw(17) << "P(2030)"
      << std::setw(17) << "P(2035)" << std::setw(21) << "ES 95%" << std::setw(21) << "ES 99%" << "\n";
    for (const results::RiskSharingRow& row : rows) {
        const InvestmentResult& r = row.run.r;
        std::string dec = toString(r.decision);
        if (r.technology >= 0) dec += " " + r.technologyNames[static_cast<std::size_t>(r.technology)];
        const results::DownsideLevels& l = row.downside.strategies.front().npv;
        o << std::left << std::setw(14) << row.instrument << std::setw(26) << dec << std::right << std::setw(20)
          << pm(r.optionValue) << std::setw(18) << pm(row.ownerGain) << std::setw(19) << pm(r.valueOfWaiting)
          << std::setw(17) << withSe(row.run.investBy2030, row.run.investBy2030Se, 3) << std::setw(17)
          << withSe(row.run.investBy2035, row.run.investBy2035Se, 3) << std::setw(21) << pm(l.es95) << std::setw(21)
          << pm(l.es99) << "\n";
    }
    o << "Route (P(invested in each option over the horizon)):\n";
    for (const results::RiskSharingRow& row : rows) {
        o << "  " << std::left << std::setw(14) << row.instrument;
        for (const auto& [name, p] : results::route(row.run.r))
            o << " " << name << " " << std::fixed << std::setprecision(0) << 100 * p << "%";
        o << "\n";
    }
}

void printState(std::ostream& o, const std::vector<results::RiskSharingRow>& rows) {
    o << "\nThe state and the insurer (present values of the payments on each path under the row's policy; state =\n"
      << "SDE++ or CCfD net of paybacks + guarantee + grant; p99: 1% of paths cost the state at least this; ES 99%:\n"
      << "the mean of the dearest 1%; extra: the state's cost against as written on the same paths)\n";
    o << std::left << std::setw(14) << "instrument" << std::right << std::setw(18) << "state cost" << std::setw(16)
      << "subsidy/CCfD" << std::setw(14) << "guarantee" << std::setw(14) << "grant" << std::setw(18) << "p99"
      << std::setw(18) << "ES 99%" << std::setw(16) << "extra" << std::setw(16) << "insurer claims" << std::setw(14)
      << "premium" << "\n";
    for (const results::RiskSharingRow& row : rows) {
        const results::StateCost& s = row.state;
        o << std::left << std::setw(14) << row.instrument << std::right << std::setw(18) << pm(s.total) << std::setw(16)
          << pm(s.subsidy) << std::setw(14) << pm(s.guarantee) << std::setw(14) << pm(s.grant) << std::setw(18)
          << pm(s.p99) << std::setw(18) << pm(s.es99) << std::setw(16) << pm(row.stateExtra) << std::setw(16)
          << pm(row.insurer.claims) << std::setw(14) << pm(row.insurer.premium) << "\n";
    }
}

void printLoans(std::ostream& o, const std::vector<results::RiskSharingRow>& rows, const std::vector<LoanRun>& loans,
                const cases::LoanFile& loan) {
    o << "\nLoan " << loan.terms.name << " (docs/loans.md) on each row: " << loanTermsLine(loans.front())
      << (loan.sizing ? ", sized on as written and kept" : "") << "; PV at the drawdown, " << loan.terms.currency
      << " m\n";
    o << std::left << std::setw(14) << "instrument" << std::right << std::setw(22)
      << (loan.drawOnInvestment ? "PD given drawn" : "PD cumulative") << std::setw(18) << "expected loss"
      << std::setw(18) << "ES 99%" << std::setw(24) << "break-even margin" << "\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LoanStatistics& s = loans[i].variants[0].stats;
        const Estimate& pd = loan.drawOnInvestment ? s.pdGivenDrawn : s.pdCumulative;
        const Estimate& be = loans[i].variants[0].breakevenMargin;
        o << std::left << std::setw(14) << rows[i].instrument << std::right << std::setw(22)
          << loanPercent(pd.value) + " +- " + loanPercent(pd.stdError) << std::setw(18)
          << loanMillions(s.expectedLoss.value) + " +- " + loanMillions(s.expectedLoss.stdError) << std::setw(18)
          << loanMillions(s.tail99.es.value) << std::setw(24) << loanBp(be.value) + " +- " + loanBp(be.stdError) << "\n";
    }
}

void printRows(std::ostream& o, const cases::CaseFile& c, const InvestmentSettings& s,
               const std::vector<results::RiskSharingRow>& rows) {
    o << "Case " << c.name << ": the value of risk-sharing, " << s.paths << " paths each, seed " << s.seed << " ("
      << c.valuation.currency << " million, present value at " << c.valuation.startYear
      << "; every row on the same paths; +- one standard error)\n\n";
    printOwner(o, rows);
    printState(o, rows);
    o << "\nEach row is the case with (kruispunt value " << c.path << " --set ... reproduces it):\n";
    for (const results::RiskSharingRow& row : rows) {
        o << "  " << row.instrument << ":";
        if (row.sets.empty()) o << " nothing added";
        for (const std::string& x : row.sets) o << " --set \"" << x << "\"";
        o << "\n";
        for (const std::string& n : row.notes) o << "    note: " << n << "\n";
    }
}

}  // namespace

std::size_t RiskSharingOptions::termsGiven(const CLI::App& c) const {
    std::size_t n = 0;
    for (const char* name : kTermOptions) n += c.count(name);
    return n;
}

void addRiskSharingOptions(CLI::App* c, RiskSharingOptions& o) {
    c->add_option("--instruments", o.instruments,
                  "Compare risk-sharing instruments instead of scenarios: as-written, guarantee, insurance, ccfd, "
                  "combined, no-insurance (comma-separated; docs/valuation.md, Risk sharing)");
    results::RiskSharingTerms& t = o.terms;
    const std::pair<const char*, std::pair<double*, const char*>> terms[] = {
        {"--guarantee-share", {&t.guaranteeShare, "guarantee: share of the capex overrun the state pays"}},
        {"--insurance-share", {&t.insuredShare, "insurance: share of each loss above the deductible"}},
        {"--insurance-deductible", {&t.deductible, "insurance: deductible per incident, EUR"}},
        {"--insurance-limit", {&t.limit, "insurance: limit per incident, EUR"}},
        {"--insurance-loading", {&t.loading, "insurance: premium = loading x expected insured loss"}},
        {"--ccfd-strike", {&t.ccfdStrike, "ccfd: strike, EUR/tCO2"}}};
    for (const auto& [name, term] : terms) c->add_option(name, *term.first, term.second)->default_val(*term.first)->check(finiteNumber());
    c->add_option("--ccfd-years", o.terms.ccfdYears, "ccfd: operating years")->default_val(o.terms.ccfdYears);
    c->add_option("--ccfd-options", o.ccfdOptions,
                  "ccfd: the options that get it, comma-separated; an SDE++ of one named is replaced (default: every "
                  "investment option without a subsidy)");
    c->add_option("--loan", o.loan, "with --instruments: also price this loan (docs/loans.md) on each row");
}

void checkRiskSharingTerms(const results::RiskSharingTerms& t) {
    auto within = [](const char* name, double x, double lo, double hi, const char* what) {
        KP_REQUIRE(x >= lo && x <= hi, name, " is ", x, ", but must be ", what);
    };
    within("--guarantee-share", t.guaranteeShare, 0, 1, "in [0, 1]");
    within("--insurance-share", t.insuredShare, 0, 1, "in [0, 1]");
    within("--insurance-deductible", t.deductible, 0, 1e15, "in [0, 1e15] EUR");
    within("--insurance-limit", t.limit, 0, 1e300, "non-negative EUR");
    within("--insurance-loading", t.loading, 0, 100, "in [0, 100]");
    within("--ccfd-strike", t.ccfdStrike, 0, 1e4, "in [0, 1e4] EUR/tCO2");
    KP_REQUIRE(t.ccfdYears >= 1 && t.ccfdYears <= 100, "--ccfd-years is ", t.ccfdYears, ", but must be in [1, 100]");
}

int runRiskSharing(const std::string& casePath, const CommonOptions& common, const RiskSharingOptions& o,
                   const std::string& csv) {
    const std::vector<std::string> names = results::instrumentList(o.instruments);
    results::RiskSharingTerms terms = o.terms;
    checkRiskSharingTerms(terms);
    std::stringstream list(o.ccfdOptions);
    for (std::string item; std::getline(list, item, ',');)
        if (!item.empty()) terms.ccfdOptions.push_back(item);
    // every input checked before any valuation: the case, the instruments' options, the loan, --csv
    // with a loan, every row's case carries the loan's conditions precedent (before the command
    // line's --set and the instrument's own fields, which may change them)
    std::optional<cases::LoanFile> loan;
    if (!o.loan.empty()) loan = cases::loadLoanFile(o.loan);
    const cases::CaseFile c = loan ? loadCaseForLoan(casePath, common, common.scenario, *loan) : loadCase(casePath, common);
    if (loan) cases::checkLoanAgainstCase(*loan, c);
    const std::vector<std::string> baseSets = loan ? setsForLoan(*loan, common.sets) : common.sets;
    const InvestmentSettings s = settingsFor(c, common);
    std::vector<std::vector<std::string>> sets, notes(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) sets.push_back(results::instrumentSets(c, names[i], terms, &notes[i]));
    if (!csv.empty()) io::checkOutputFile(csv, "--csv");
    std::vector<results::RiskSharingRow> rows;
    {
        results::Progress progress(names.size() * s.paths, "compare", common.quiet);
        for (std::size_t i = 0; i < names.size(); ++i) {
            rows.push_back(results::runRiskSharingRow(casePath, names[i], baseSets, sets[i], overridesOf(common),
                                                      common.scenario, &progress));
            rows.back().notes = notes[i];
            checkCaseResult(rows.back().run.r, casePath, common, common.scenario);
            checkCaseDownside(rows.back().downside, casePath, common, common.scenario);
        }
        progress.finish();
    }
    results::compareToFirst(rows);
    const std::vector<LoanRun> loans = loan ? rowLoans(rows, *loan, common, common.quiet) : std::vector<LoanRun>{};
    if (!csv.empty()) io::writeFile(csv, results::riskSharingCsv(rows, c.valuation.currency), "--csv");
    if (common.json) {
        nlohmann::ordered_json j;
        j["case"] = c.name;
        j["paths"] = s.paths;
        j["seed"] = s.seed;
        j.update(results::riskSharingJson(rows, terms));
        for (std::size_t i = 0; i < loans.size(); ++i) j["rows"][i]["loan"] = loanRunJson(loans[i], *loan);
        std::cout << j.dump() << '\n';
        return 0;
    }
    printRows(std::cout, c, s, rows);
    if (loan) printLoans(std::cout, rows, loans, *loan);
    return 0;
}

}  // namespace kp::app
