// `kruispunt loan CASE.yaml LOAN.yaml`: price a bank's loan on the project's simulated cash flows,
// with the borrower following the engine's optimal policy (or the loan file's fixed one). See
// docs/loans.md (the loan file, the method, the outputs).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "case_run.hpp"
#include "commands.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"
#include "loan_run.hpp"

namespace kp::app {
namespace {

struct LoanOptions {
    std::string casePath, loanPath;
    CommonOptions common;
};

std::string millions(double x) { return loanMillions(x); }
std::string percent(double x, int digits = 2) { return loanPercent(x, digits); }
std::string bp(double x) { return loanBp(x); }

void printHeader(const cases::CaseFile& c, const cases::LoanFile& l, const LoanRun& run) {
    const LoanTerms& t = run.terms;
    std::cout << "Loan " << t.name << " on case " << c.name << ": " << loanTermsLine(run) << "\n"
              << "Funds: " << l.funds << "; borrower policy: "
              << (l.fixedPolicy ? l.policyTechnology + (l.policyTechnology == "none" ? "" : " in " + std::to_string(l.policyYear))
                                : std::string("optimal (trained by the engine)"))
              << "; " << run.paths << " paths\n";
    if (l.incremental)  // only then: the output of loans on the plant's cash flow is unchanged
        std::cout << "Cash flow for debt service: incremental (the policy's minus never investing's, on the same paths)\n";
    if (t.graceFunded)
        std::cout << "Interest of the " << t.graceYears << " grace years funded outside the cash flow (interest during construction)\n";
    if (t.completionSupport)
        std::cout << "Completion support: the sponsors serve the debt until " << l.funds << " operates on each path\n";
    if (l.noStages)
        std::cout << "Covenant: no stage of " << l.funds << " decided before " << l.stagesLockedUntil()
                  << " (the borrower's rule is trained with it)\n";
    if (!l.conditions.empty()) {
        std::cout << "Conditions precedent, applied to the case (kept as signed under each built-in scenario):";
        for (const auto& s : l.conditions) std::cout << "\n  " << s;
        std::cout << "\n";
    }
    if (l.sizing) {
        std::cout << "Sized to a minimum DSCR of " << l.sizing->minDscr << " on the " << l.sizing->on
                  << " cash flow of the paths that draw: " << millions(run.sizedAmount) << " m"
                  << (l.amountGiven ? ", capped at " + millions(l.terms.amount) + " m" : std::string()) << "\n  cash flow m:";
        for (std::size_t i = 0; i < run.sizingCashFlow.size(); ++i)
            std::cout << (i % 8 ? " " : "\n    ") << millions(run.sizingCashFlow[i]);
        std::cout << "\n";
    }
    if (l.drawOnInvestment)
        std::cout << "Drawn on 1 January of the year the borrower invests in " << l.funds << ", if in " << t.startYear
                  << "-" << l.drawUntil << "; never drawn otherwise (money: PV at 1 January " << t.startYear << ")\n";
    std::cout << "\n";
    std::cout << "Schedule (QuantLib; " << t.currency << " m)\n  year  payment     outstanding  principal  interest  base rate\n";
    for (std::size_t i = 0; i < run.schedule.periods(); ++i)
        std::cout << "  " << run.schedule.years[i] << "  " << run.schedule.paymentDates[i] << std::setw(12)
                  << millions(run.schedule.outstanding[i]) << std::setw(11) << millions(run.schedule.principal[i])
                  << std::setw(10) << millions(run.schedule.interest[i]) << std::setw(11)
                  << percent(run.schedule.baseRate[i], 3) << "\n";
}

void printVariants(const LoanRun& run, const std::string& title) {
    std::cout << "\n" << title << "\n  variant             PD cumul.  exp. loss m  ES 99% m  value m  break-even margin\n";
    for (const auto& v : run.variants)
        std::cout << "  " << std::left << std::setw(18) << v.name << std::right << std::setw(11)
                  << percent(v.stats.pdCumulative.value) << std::setw(13) << millions(v.stats.expectedLoss.value)
                  << std::setw(10) << millions(v.stats.tail99.es.value) << std::setw(9) << millions(v.stats.value.value)
                  << std::setw(12) << bp(v.breakevenMargin.value) << " +- " << bp(v.breakevenMargin.stdError) << "\n";
}

/// " (P(drawn) x%, PD given drawn y%)" of a stress scenario's title; on fewer than kFewDrawnPaths
/// drawn paths, how many drew and that PD given drawn is not reliable.
std::string drawnTitle(const LoanRun& run) {
    const LoanStatistics& s = run.variants[0].stats;
    if (!run.fewDrawn())
        return " (P(drawn) " + percent(s.drawProbability.value) + ", PD given drawn " + percent(s.pdGivenDrawn.value) + ")";
    if (run.drawnPaths == 0) return " (P(drawn) 0: drawn on none of " + std::to_string(run.paths) + " paths)";
    return " (P(drawn) " + percent(s.drawProbability.value) + ": drawn on " + std::to_string(run.drawnPaths) + " of " +
           std::to_string(run.paths) + " paths, so PD given drawn (" + percent(s.pdGivenDrawn.value) +
           ") is not reliable)";
}

int runLoanCommand(const LoanOptions& o) {
    const cases::LoanFile loan = cases::loadLoanFile(o.loanPath);
    // the case as written (or under --scenario), then, without --scenario, each built-in scenario
    std::vector<std::string> scenarios{o.common.scenario};
    if (o.common.scenario.empty())
        for (const auto& s : cases::scenarioNames()) scenarios.push_back(s);
    std::vector<cases::CaseFile> cases;
    for (const auto& s : scenarios) {
        cases.push_back(loadCaseForLoan(o.casePath, o.common, s, loan));  // with its conditions precedent
        // a built-in scenario stresses the loan as originated: its contracts as signed on the first case
        if (cases.size() > 1) cases.back() = cases::withContractsAsSigned(cases.back(), cases.front(), loan);
        cases::checkLoanAgainstCase(loan, cases.back());  // every input checked before any run
    }
    std::vector<LoanRun> runs;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (!o.common.quiet)
            std::cerr << "kruispunt loan: " << (scenarios[i].empty() ? "case as written" : "scenario " + scenarios[i])
                      << " ...\n";
        // a bank sizes the loan once, at origination, on the case as written (or the --scenario
        // asked for); the built-in scenarios stress-test that loan
        runs.push_back(runLoan(cases[i], loan, settingsFor(cases[i], o.common), false,
                               i == 0 ? std::nullopt : std::optional<double>(runs[0].terms.amount)));
    }
    if (o.common.json) {
        nlohmann::ordered_json j;
        j["loan"] = loan.terms.name;
        j["case"] = cases[0].name;
        j["scenario"] = cases[0].scenario.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(cases[0].scenario);
        j.update(loanJson(runs[0], loan));  // "loan" keeps its place
        nlohmann::ordered_json per = nlohmann::ordered_json::array();
        for (std::size_t i = 1; i < runs.size(); ++i) {
            nlohmann::ordered_json e{{"scenario", scenarios[i]}};
            e.update(loanRunJson(runs[i], loan));
            per.push_back(e);
        }
        j["scenarios"] = per;
        std::cout << j.dump() << '\n';
        return 0;
    }
    printHeader(cases[0], loan, runs[0]);
    printLoanCredit(std::cout, runs[0], loan.terms.currency, loan.drawOnInvestment);
    printVariants(runs[0], "Effect of the guarantee (" + (loan.guaranteeScheme.empty() ? std::string("share ") : loan.guaranteeScheme + ", ") +
                               percent(loan.terms.guaranteeShare, 1) + ") and of the margin ratchet");
    for (std::size_t i = 1; i < runs.size(); ++i)
        printVariants(runs[i], "Scenario " + scenarios[i] +
                                   (loan.sizing ? " (amount " + millions(runs[i].terms.amount) + " m)" : std::string()) +
                                   (loan.drawOnInvestment ? drawnTitle(runs[i]) : std::string()));
    double seconds = 0;
    for (const auto& r : runs) seconds += r.seconds;
    std::cout << "\n" << std::fixed << std::setprecision(1) << seconds << " s\n";
    return 0;
}

}  // namespace

void addLoanCommand(CLI::App& app, Action& action) {
    static LoanOptions o;
    auto* c = app.add_subcommand("loan", "Price a loan on a case's simulated cash flows (PD, LGD, EL, VaR, "
                                         "break-even margin; docs/loans.md)");
    c->add_option("case", o.casePath, "Case file (YAML, docs/case-file.md)")->required();
    c->add_option("loan", o.loanPath, "Loan file (YAML, docs/loans.md)")->required();
    addCommonOptions(c, o.common);
    c->callback([&action] { action = [] { return runLoanCommand(o); }; });
}

}  // namespace kp::app
