#include "value_run.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <ostream>
#include <sstream>

#include "cli_checks.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/input_file.hpp"
#include "kp/core/output_file.hpp"
#include "kp/results/progress.hpp"
#include "kp/results/report.hpp"
#include "kp/results/result_checks.hpp"

namespace kp::app {

void addValueExtras(CLI::App* c, ValueExtras& x) {
    c->add_flag("--sensitivities", x.sensitivities,
                "Bump-and-revalue sensitivities of the option value and NPV now (common random numbers)");
    c->add_option("--report", x.report, "Write a self-contained HTML report to this file (implies --sensitivities)");
    c->add_option("--report-paths", x.reportPaths,
                  "Paths of each scenario valuation in the report, even (default: paths / 4, at least 2000)")
        ->check(wholeNumber(kMaxPaths));
    c->add_flag("--upper-bound", x.upperBound,
                "Also a dual (Andersen-Broadie) upper bound of the option value, by nested simulation "
                "(docs/valuation.md, Upper bound)");
    c->add_option("--upper-bound-paths", x.upper.outerPaths, "Outer paths of the upper bound")
        ->default_val(x.upper.outerPaths)
        ->check(wholeNumber(kMaxPaths));
    c->add_option("--upper-bound-inner", x.upper.innerPaths, "Inner paths per outer path and decision date")
        ->default_val(x.upper.innerPaths)
        ->check(wholeNumber(kMaxPaths));
    c->add_option("--loan", x.loan,
                  "Also price this loan (YAML, docs/loans.md) on the case as valued, as `kruispunt loan CASE LOAN` "
                  "does: PD, expected loss, break-even margin in the text, JSON (`loan`) and report");
}

nlohmann::ordered_json upperBoundJson(const InvestmentUpperBound& u) {
    nlohmann::ordered_json j = results::estimateJson(u.value);
    j["lower"] = results::estimateJson(u.lower);
    j["gap"] = results::estimateJson(u.gap);
    j["outer_paths"] = u.outerPaths;
    j["inner_paths"] = u.innerPaths;
    j["seconds"] = u.seconds;
    return j;
}

ValueRun valueCase(const std::string& casePath, const cases::CaseFile& c, const CommonOptions& o,
                   const ValueExtras& x, const cases::LoanFile* loan, const cases::CaseFile* loanCase) {
    const InvestmentProblem pr = cases::toInvestmentProblem(c);
    const InvestmentSettings s = settingsFor(c, o);
    const bool report = !x.report.empty();
    const bool sens = x.sensitivities || report;
    std::size_t scenarioPaths = 0;
    std::vector<std::string> scenarios;
    std::vector<std::pair<std::string, std::string>> refusedScenarios;
    KP_REQUIRE(report || x.reportPaths == 0, "--report-paths is ", x.reportPaths,
               ", but must be given only with --report (it sets the report's scenario paths)");
    if (report) {
        io::checkOutputFile(x.report, "--report");
        KP_REQUIRE(x.reportPaths == 0 || (x.reportPaths >= 2 && x.reportPaths % 2 == 0), "--report-paths is ",
                   x.reportPaths, ", but must be even and at least 2 (antithetic pairs)");
        scenarioPaths = x.reportPaths ? x.reportPaths : std::max<std::size_t>(2000, s.paths / 4);
        scenarioPaths += scenarioPaths % 2;  // even for antithetic sampling
        // the built-in scenarios that apply to the case (one may not: e.g. its CO2 path anchor on a case
        // whose CO2 price is constant); the others are named in the report with the loader's message
        for (const auto& n : cases::scenarioNames()) {
            try {
                (void)cases::loadCaseFile(casePath, {o.sets, n});
                scenarios.push_back(n);
            } catch (const InvalidInput& e) {
                refusedScenarios.emplace_back(n, e.what());
                if (!o.quiet) std::cerr << "kruispunt value: scenario " << n << " does not apply to this case (" << e.what() << ")\n";
            }
        }
    }
    // before any allocation (PathValues: per path; YearCashFlows: two floats per path and year;
    // the worst years: a double per path and strategy)
    const std::size_t strategies = pr.project.technologies.size() + 2;
    checkMemory(estimateBytes(c, s, true, report) + 8.0 * pr.project.horizonYears * static_cast<double>(s.paths) +
                    8.0 * static_cast<double>(strategies * s.paths),
                o);
    const std::size_t bumps = sens ? results::standardBumps(c).size() : 0;
    // the worst years of the static strategies: a pass for each technology (at most) and never investing
    results::Progress progress((strategies + bumps) * s.paths + scenarios.size() * scenarioPaths, "value", o.quiet);
    results::WorstYears worst(s.paths, pr, &progress);      // each path's worst year under the policy
    results::YearCashFlows cash(s.paths, pr, &worst);       // the cash flow at risk
    results::PathValues pv(s.paths, pr, report, &cash);  // the downside, the sensitivities, the report
    results::StaticStrategies statics(s.paths, pr, &progress);  // investing now, never investing: beside the pricing
    InvestmentLsm engine;
    ValueRun run;
    const auto start = std::chrono::steady_clock::now();
    const std::vector<InvestmentRule> rules = engine.trainRules(pr, s);  // trained once: the sensitivities price with them
    run.r = engine.price(pr, rules, s, &pv, statics.beside());
    run.r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    checkCaseResult(run.r, casePath, o, o.scenario);  // before anything is printed or written
    const results::StrategyWorstYears worstYears = statics.worstYears(worst);
    run.downside = results::downside(pv, run.r, s.antithetic, &cash, &worstYears, s.threads);
    checkCaseDownside(run.downside, casePath, o, o.scenario);
    run.outlook = cases::factorOutlook(c);
    if (x.upperBound) run.upper = investmentUpperBound(pr, rules, s, run.r, x.upper);
    if (sens) {
        run.npvTechnology = results::bestNowTechnology(run.r);
        run.sensitivities = results::sensitivities(c, s, engine, rules, pv, run.npvTechnology, &progress);
    }
    std::vector<results::ScenarioRun> runs;
    if (report) {
        CommonOptions so = o;
        so.paths = scenarioPaths;
        for (const auto& n : scenarios) runs.push_back(results::runScenario(casePath, so.sets, overridesOf(so), n, scenarioPaths, true, &progress));
    }
    progress.finish();
    if (loan) {  // as `kruispunt loan` prices it on this case: the same function, case and settings
        if (!o.quiet) std::cerr << "kruispunt value: pricing the loan " << loan->terms.name << " ...\n";
        // a loan that changes nothing in the case (no conditions, no covenant) is priced with the
        // valuation's rules: trained on the same problem with the same settings, the same figures
        run.loan = runLoan(loanCase ? *loanCase : c, *loan, s, false, std::nullopt,
                           loan->changesCase() ? nullptr : &rules);
    }
    if (report) {
        results::ReportInput in;
        in.c = &c;
        in.r = &run.r;
        in.paths = &pv;
        in.sensitivities = run.sensitivities;
        in.npvTechnology = run.npvTechnology;
        in.scenarios = &runs;
        in.scenariosRefused = refusedScenarios;
        in.outlook = &run.outlook;
        in.caseText = io::readInputFile(casePath, "case file", io::kMaxYamlBytes);  // its comments: sources, assumptions
        in.sets = o.sets;
        in.downside = &run.downside;
        const std::optional<results::ReportLoan> rl =
            run.loan ? std::optional<results::ReportLoan>(reportLoan(*run.loan, *loan)) : std::nullopt;
        in.loan = rl ? &*rl : nullptr;
        results::writeReport(x.report, in);
    }
    return run;
}

namespace {

std::string strategyName(const results::StrategyDownside& s) {
    return s.strategy == "optimal"      ? "optimal (flexible strategy)"
           : s.strategy == "invest_now" ? "invest now: " + s.technology
                                        : "never invest";
}

/// "v +- se" in millions, one decimal.
std::string millionsPm(const Estimate& e) {
    std::ostringstream c;
    c << std::fixed << std::setprecision(1) << e.value / 1e6 << " +- " << e.stdError / 1e6;
    return c.str();
}

}  // namespace

void printDownside(std::ostream& o, const results::Downside& d, const std::string& currency) {
    o << "\nDownside (per strategy; " << currency << " million; NPV = the strategy's realised present value on a path,\n"
      << "the plant's own cash flows and capex included; VaR and ES are values of the NPV, negative = a loss, not\n"
      << "losses: VaR 95% = its 5% quantile, ES 95% = the mean of the worst 5% of paths; vs never = the NPV minus\n"
      << "never investing's on the same path; +- one standard error by sectioning over " << d.batches
      << (d.byRules ? " rules' shares" : " batches") << ")\n";
    o << "  " << std::left << std::setw(34) << "strategy" << std::right << std::setw(16) << "P(NPV < 0)"
      << std::setw(20) << "VaR 95%" << std::setw(20) << "ES 95%" << std::setw(20) << "VaR 99%" << std::setw(20)
      << "ES 99%" << "\n";
    auto line = [&](const std::string& name, const results::DownsideLevels& l) {
        std::ostringstream p;
        p << std::fixed << std::setprecision(3) << l.pLoss.value << " +- " << l.pLoss.stdError;
        o << "  " << std::left << std::setw(34) << name << std::right << std::setw(16) << p.str() << std::setw(20)
          << millionsPm(l.var95) << std::setw(20) << millionsPm(l.es95) << std::setw(20) << millionsPm(l.var99)
          << std::setw(20) << millionsPm(l.es99) << "\n";
    };
    for (const results::StrategyDownside& s : d.strategies) {
        line(strategyName(s), s.npv);
        if (s.vsNever) line("  vs never invest", *s.vsNever);
    }
    if (!d.cashFlowAtRisk.empty()) {
        o << "Cash flow at risk under the optimal strategy (" << currency
          << " million in the year, undiscounted; operating: capex excluded; every fifth year)\n"
          << "Year      operating p5          median    after capex p5\n";
        for (std::size_t k = 0; k < d.cashFlowAtRisk.size(); ++k) {
            const results::CashFlowAtRisk& c = d.cashFlowAtRisk[k];
            if (k != 0 && c.year % 5 != 0 && k + 1 != d.cashFlowAtRisk.size()) continue;
            o << c.year << std::setw(18) << millionsPm(c.operatingP5) << std::setw(16) << millionsPm(c.operatingP50)
              << std::setw(18) << millionsPm(c.afterCapexP5) << "\n";
        }
    }
    printWorstYear(o, d, currency);
}

void printWorstYear(std::ostream& o, const results::Downside& d, const std::string& currency) {
    bool any = false;
    for (const results::StrategyDownside& s : d.strategies) any |= s.worstYear.has_value();
    if (!any) return;
    o << "Worst year (per strategy; " << currency << " million in that year, undiscounted: each path's lowest yearly\n"
      << "net cash flow over the horizon, capex excluded, years with no cash flow at all left out; its mean and\n"
      << "quantiles over the paths; +- one standard error by sectioning as above)\n";
    o << "  " << std::left << std::setw(34) << "strategy" << std::right << std::setw(18) << "mean" << std::setw(18)
      << "1%" << std::setw(18) << "5%" << std::setw(18) << "median" << std::setw(22) << "P(worst year < 0)" << "\n";
    for (const results::StrategyDownside& s : d.strategies) {
        if (!s.worstYear) continue;
        const results::WorstYearLevels& w = *s.worstYear;
        std::ostringstream p;
        p << std::fixed << std::setprecision(3) << w.pNegative.value << " +- " << w.pNegative.stdError;
        o << "  " << std::left << std::setw(34) << strategyName(s) << std::right << std::setw(18) << millionsPm(w.mean)
          << std::setw(18) << millionsPm(w.p1) << std::setw(18) << millionsPm(w.p5) << std::setw(18)
          << millionsPm(w.p50) << std::setw(22) << p.str() << "\n";
    }
}

void printValueLoan(std::ostream& o, const LoanRun& run, const cases::LoanFile& loan) {
    o << "\nLoan " << run.terms.name << " on this case, as `kruispunt loan` prices it (docs/loans.md): "
      << loanTermsLine(run) << "\n  funds " << loan.funds << "; borrower policy: "
      << (loan.fixedPolicy ? loan.policyTechnology +
                                 (loan.policyTechnology == "none" ? "" : " in " + std::to_string(loan.policyYear))
                           : std::string("optimal (trained by the engine)"))
      << "; debt served by the " << (loan.incremental ? "incremental cash flow (the policy's minus never investing's)"
                                                      : "plant's cash flow")
      << "; " << run.paths << " paths\n";
    if (const std::string st = loanStructureLine(loan); !st.empty()) o << "  " << st << "\n";
    if (loan.sizing) {
        std::ostringstream dscr;  // as written (value's stream is in fixed notation by now)
        dscr << loan.sizing->minDscr;
        o << "  sized to a minimum DSCR of " << dscr.str() << " on the " << loan.sizing->on
          << " cash flow of the paths that draw: " << loanMillions(run.sizedAmount) << " m"
          << (loan.amountGiven ? ", capped at " + loanMillions(loan.terms.amount) + " m" : std::string()) << "\n";
    }
    printLoanCredit(o, run, loan.terms.currency, loan.drawOnInvestment);
}

results::ReportLoan reportLoan(const LoanRun& run, const cases::LoanFile& loan) {
    results::ReportLoan r;
    r.name = run.terms.name;
    r.currency = run.terms.currency;
    r.terms = loanTermsLine(run);
    r.funds = loan.funds;
    r.policy = loan.fixedPolicy ? "fixed (" + loan.policyTechnology +
                                      (loan.policyTechnology == "none" ? "" : " in " + std::to_string(loan.policyYear)) + ")"
                                : std::string("optimal (trained by the engine)");
    r.cashFlow = loan.incremental ? "incremental" : "plant";
    r.structure = loanStructureLine(loan);
    r.conditioned = !loan.conditions.empty();
    r.paths = run.paths;
    r.drawnPaths = run.drawnPaths;
    r.drawsOnInvestment = loan.drawOnInvestment;
    r.fewDrawn = run.fewDrawn();
    r.firstYear = run.schedule.years.empty() ? run.terms.startYear : run.schedule.years[0];
    for (const LoanVariantResult& v : run.variants) r.variants.push_back({v.name, v.stats, v.breakevenMargin});
    return r;
}

void printSensitivities(std::ostream& o, const std::vector<results::Sensitivity>& s, const std::string& currency,
                        const std::string& npvTechnology) {
    o << "\nSensitivities (change per bump, " << currency << " million, +- one standard error; same random numbers)\n";
    o << "  " << std::left << std::setw(46) << "bump" << std::right << std::setw(22) << "option value" << std::setw(22)
      << ("NPV now " + npvTechnology) << "\n";
    auto cell = [](const Estimate& e) {
        std::ostringstream c;
        if (std::isfinite(e.value)) c << std::fixed << std::setprecision(1) << e.value / 1e6 << " +- " << e.stdError / 1e6;
        else c << "-";
        return c.str();
    };
    for (const auto& x : s)
        o << "  " << std::left << std::setw(46) << x.bump << std::right << std::setw(22) << cell(x.optionValue)
          << std::setw(22) << cell(x.npvNow) << "\n";
}

std::string sensitivitiesCsv(const std::vector<results::Sensitivity>& s, const std::string& currency) {
    results::CsvTable t({"name", "bump", "option_value_change_" + currency, "option_value_change_se_" + currency,
                "npv_now_change_" + currency, "npv_now_change_se_" + currency});
    for (const auto& x : s)
        t.row({x.name, x.bump, results::csvNumber(x.optionValue.value), results::csvNumber(x.optionValue.stdError),
               results::csvNumber(x.npvNow.value), results::csvNumber(x.npvNow.stdError)});
    return t.text();
}

}  // namespace kp::app
