#include "loan_run.hpp"

#include <chrono>
#include <cmath>

#include "kp/core/errors.hpp"

namespace kp::app {

namespace {

/// The engine's index of technology `name` (stages are left out of the problem), -1 if none.
int technologyIndex(const InvestmentProblem& pr, const std::string& name) {
    for (std::size_t j = 0; j < pr.project.technologies.size(); ++j)
        if (pr.project.technologies[j].tech.name == name) return static_cast<int>(j);
    return -1;
}

}  // namespace

std::unique_ptr<LoanPathRecorder> recordLoanPaths(const cases::CaseFile& c, const cases::LoanFile& loan,
                                                  const InvestmentSettings& settings) {
    cases::checkLoanAgainstCase(loan, c);
    const InvestmentProblem pr = cases::toInvestmentProblem(c);
    InvestmentSettings s = settings;
    if (loan.fixedPolicy) {
        FixedPolicy fp;
        fp.technology = loan.policyTechnology == "none" ? -1 : technologyIndex(pr, loan.policyTechnology);
        KP_REQUIRE(loan.policyTechnology == "none" || fp.technology >= 0, loan.path, ":", loan.policyLine,
                   ": policy.technology: the option is '", loan.policyTechnology,
                   "', but must be an option the engine values (not a stage)");
        fp.year = loan.policyYear;
        s.fixedPolicy = fp;
    }
    const LoanTerms& t = loan.terms;
    std::vector<double> nominal;
    for (int y = t.startYear; y < t.endYear(); ++y)
        nominal.push_back(std::pow(1.0 + t.inflation, y - c.valuation.priceBaseYear));
    auto recorder = std::make_unique<LoanPathRecorder>(
        s.paths, static_cast<std::size_t>(t.startYear - c.valuation.startYear), std::move(nominal));
    InvestmentLsm engine;
    engine.value(pr, s, recorder.get());
    return recorder;
}

LoanRun runLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                bool keepPaths) {
    const auto start = std::chrono::steady_clock::now();
    LoanRun run;
    run.scenario = c.scenario;
    run.paths = settings.paths;
    const auto recorder = recordLoanPaths(c, loan, settings);
    const LoanPathView view = recorder->view();
    run.schedule = buildLoanSchedule(loan.terms);
    const LoanPricingSettings ps{settings.antithetic, settings.threads};
    const std::pair<const char*, LoanVariant> variants[] = {
        {"as_written", {}}, {"without_guarantee", {false, true}}, {"without_ratchet", {true, false}}};
    for (const auto& [name, v] : variants) {
        LoanVariantResult r;
        r.name = name;
        r.stats = priceLoan(loan.terms, run.schedule, v, view, ps, keepPaths && run.variants.empty());
        r.breakevenMargin = breakevenMargin(loan.terms, run.schedule, v, view, ps);
        run.variants.push_back(std::move(r));
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return run;
}

nlohmann::ordered_json statisticsJson(const LoanStatistics& s, const LoanSchedule& schedule) {
    nlohmann::ordered_json j;
    j["pd_cumulative"] = results::estimateJson(s.pdCumulative);
    nlohmann::ordered_json annual = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.pdAnnual.size(); ++i) {
        auto e = results::estimateJson(s.pdAnnual[i]);
        e["year"] = schedule.years[i];
        annual.push_back(e);
    }
    j["pd_annual"] = annual;
    j["lgd"] = results::estimateJson(s.lgd);
    j["exposure_at_default"] = results::estimateJson(s.expectedExposure);
    j["expected_loss"] = results::estimateJson(s.expectedLoss);
    j["var_99"] = results::estimateJson(s.tail99.var);
    j["es_99"] = results::estimateJson(s.tail99.es);
    j["var_999"] = results::estimateJson(s.tail999.var);
    j["es_999"] = results::estimateJson(s.tail999.es);
    j["value"] = results::estimateJson(s.value);
    j["value_at_required_return"] = results::estimateJson(s.valueHurdle);
    return j;
}

}  // namespace kp::app
