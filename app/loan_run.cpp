#include "loan_run.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

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
                                                  const InvestmentSettings& settings,
                                                  const std::vector<InvestmentRule>* rules) {
    cases::checkLoanAgainstCase(loan, c);
    KP_REQUIRE(!rules || !loan.changesCase(), "recordLoanPaths: a valuation's rules are ",
               "given, but may be only for a loan that changes nothing in the case (no covenant.no_stages, no ",
               "conditions)");
    // covenant.no_stages: the borrower's rule is trained with the funded option's stages held back
    const InvestmentProblem pr = cases::toInvestmentProblem(cases::withLoanCovenants(c, loan));
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
    LoanRecording rec;
    int lastYear = t.endYear();  // recorded: start_year .. the last draw's end
    if (loan.drawOnInvestment) {
        rec.drawTechnology = technologyIndex(pr, loan.funds);
        KP_REQUIRE(rec.drawTechnology >= 0, loan.path, ":", loan.fundsLine, ": funds: the option is '", loan.funds,
                   "', but must be an option the engine values (not a stage) to be drawn on investment");
        rec.drawPeriods = static_cast<std::size_t>(loan.drawUntil - t.startYear + 1);
        lastYear = loan.drawUntil + t.tenorYears;
    }
    if (t.completionSupport) {  // the year the financed investment operates on each path
        rec.operationTechnology = technologyIndex(pr, loan.funds);
        KP_REQUIRE(rec.operationTechnology >= 0, loan.path, ":", loan.completionLine, ": completion: the option is '",
                   loan.funds, "', but must be an option the engine values (not a stage) to wait for its operation");
    }
    if (t.collateralFromPlant)
        for (int k = 0; k <= c.valuation.horizonYears; ++k)
            rec.plantDiscount.push_back(c.valuation.discount.factor(static_cast<double>(k)));
    std::vector<double> nominal;
    for (int y = t.startYear; y < lastYear; ++y)
        nominal.push_back(std::pow(1.0 + t.inflation, y - c.valuation.priceBaseYear));
    auto recorder = std::make_unique<LoanPathRecorder>(
        s.paths, static_cast<std::size_t>(t.startYear - c.valuation.startYear), std::move(nominal), std::move(rec));
    InvestmentLsm engine;
    recordLoanCashFlows(engine, pr, s, *recorder, loan.incremental, rules);  // incremental: minus never investing
    return recorder;
}

PreparedLoan prepareLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                         std::optional<double> amount, const std::vector<InvestmentRule>* rules) {
    PreparedLoan out;
    out.terms = loan.terms;
    out.recorder = recordLoanPaths(c, loan, settings, rules);
    out.view = out.recorder->view();
    LoanTerms& t = out.terms;
    if (loan.sizing && amount) {
        t.amount = *amount;  // as originated on the case as written: this case stress-tests it
    } else if (loan.sizing) {
        // the schedule is linear in the amount: size on a unit loan drawn at start_year
        LoanTerms unit = t;
        unit.amount = 1.0;
        const LoanSchedule s1 = buildLoanSchedule(unit);
        // with completion support, each year is sized on the paths that operate by then (the sponsors
        // serve the others)
        out.sizingCashFlow = sizingCashFlows(out.view, s1.periods(), loan.sizing->quantile, t.completionSupport);
        KP_REQUIRE(!out.sizingCashFlow.empty(), loan.path, ":", loan.sizingLine, ": sizing: the paths that draw the loan are 0 of ",
                   out.view.paths, ", but must be at least one to size the loan on (", c.path, ")");
        // grace years funded outside the cash flow (grace_interest: funded) are not sized on
        const std::size_t first = t.graceFunded ? static_cast<std::size_t>(t.graceYears) : 0;
        out.sizedAmount = sizeToDscr(s1, 1.0, out.sizingCashFlow, loan.sizing->minDscr, first);
        std::size_t worst = first;  // the lowest cash flow sized on (NaN: no path operates, not sized on)
        for (std::size_t i = first + 1; i < out.sizingCashFlow.size(); ++i)
            if (std::isnan(out.sizingCashFlow[worst]) || out.sizingCashFlow[i] < out.sizingCashFlow[worst]) worst = i;
        KP_REQUIRE(!std::isnan(out.sizingCashFlow[worst]), loan.path, ":", loan.completionLine,
                   ": completion: the paths on which ", loan.funds, " operates within the loan's ", s1.periods(),
                   " years are 0 of ", out.view.paths, ", but must be at least one to size the loan on (", c.path, ")");
        KP_REQUIRE(out.sizedAmount > 0, loan.path, ":", loan.sizingLine, ": sizing: the sized amount is ", out.sizedAmount,
                   ", but must be > 0: the ", loan.sizing->on, " cash flow in the loan's year ", worst + 1,
                   " (from the draw) is ", out.sizingCashFlow[worst], " (", c.path, ")",
                   loan.incremental && out.sizingCashFlow[worst] == 0
                       ? "; an incremental cash flow is 0 until the investment runs: give those years as grace_years "
                         "with grace_interest: funded (interest during construction paid outside the cash flow)"
                       : "");
        t.amount = loan.amountGiven ? std::min(loan.terms.amount, out.sizedAmount) : out.sizedAmount;
    }
    const int draws = loan.drawOnInvestment ? loan.drawUntil - t.startYear + 1 : 1;
    for (int d = 0; d < draws; ++d) out.schedules.push_back(buildLoanSchedule(t, t.startYear + d));
    return out;
}

LoanRun runLoan(const cases::CaseFile& c, const cases::LoanFile& loan, const InvestmentSettings& settings,
                bool keepPaths, std::optional<double> amount, const std::vector<InvestmentRule>* rules) {
    const auto start = std::chrono::steady_clock::now();
    LoanRun run;
    run.scenario = c.scenario;
    run.paths = settings.paths;
    const PreparedLoan prepared = prepareLoan(c, loan, settings, amount, rules);
    run.terms = prepared.terms;
    run.sizedAmount = prepared.sizedAmount;
    run.sizingCashFlow = prepared.sizingCashFlow;
    run.schedule = prepared.schedules[0];
    // drawn as the loan's statistics count it (evaluateLoan): a draw period inside the schedules
    const LoanPathView& view = prepared.view;
    for (std::size_t p = 0; p < view.paths; ++p) {
        const int d = view.drawPeriod ? view.drawPeriod[p] : 0;
        run.drawnPaths += d >= 0 && static_cast<std::size_t>(d) < prepared.schedules.size();
    }
    const LoanPricingSettings ps{settings.antithetic, settings.threads};
    const std::pair<const char*, LoanVariant> variants[] = {
        {"as_written", {}}, {"without_guarantee", {false, true}}, {"without_ratchet", {true, false}}};
    for (const auto& [name, v] : variants) {
        LoanVariantResult r;
        r.name = name;
        r.stats = priceLoan(run.terms, prepared.schedules, v, prepared.view, ps, keepPaths && run.variants.empty());
        r.breakevenMargin = breakevenMargin(run.terms, prepared.schedules, v, prepared.view, ps);
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
        e["year"] = schedule.years[0] + static_cast<int>(i);  // periods from start_year
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

std::string loanMillions(double x) {
    if (!std::isfinite(x)) return "n/a";
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << x / 1e6;
    return o.str();
}
std::string loanPercent(double x, int digits) {
    if (!std::isfinite(x)) return "n/a";
    std::ostringstream o;
    o << std::fixed << std::setprecision(digits) << 100 * x << "%";
    return o.str();
}
std::string loanBp(double x) {
    if (!std::isfinite(x)) return "n/a";
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << 1e4 * x << " bp";
    return o.str();
}

nlohmann::ordered_json loanRunJson(const LoanRun& run, const cases::LoanFile& loan) {
    nlohmann::ordered_json j;
    if (loan.sizing) j["amount"] = run.terms.amount;  // as originated (sized on the case as written)
    if (loan.drawOnInvestment) {  // only then: the other files' output is unchanged
        j["draw_probability"] = results::estimateJson(run.variants[0].stats.drawProbability);
        j["pd_given_drawn"] = results::estimateJson(run.variants[0].stats.pdGivenDrawn);
        j["drawn_paths"] = run.drawnPaths;
        j["few_drawn_paths"] = run.fewDrawn();  // PD given drawn rests on < kFewDrawnPaths paths: not reliable
    }
    if (run.terms.completionSupport) {  // only then, as above
        j["completion_late"] = results::estimateJson(run.variants[0].stats.completionLate);
        j["sponsor_paid"] = results::estimateJson(run.variants[0].stats.sponsorPaid);
    }
    j.update(statisticsJson(run.variants[0].stats, run.schedule));
    j["breakeven_margin"] = results::estimateJson(run.variants[0].breakevenMargin);
    nlohmann::ordered_json variants = nlohmann::ordered_json::object();
    for (const auto& v : run.variants) {
        nlohmann::ordered_json e;
        e["pd_cumulative"] = results::estimateJson(v.stats.pdCumulative);
        e["expected_loss"] = results::estimateJson(v.stats.expectedLoss);
        e["es_99"] = results::estimateJson(v.stats.tail99.es);
        e["value"] = results::estimateJson(v.stats.value);
        e["breakeven_margin"] = results::estimateJson(v.breakevenMargin);
        variants[v.name] = e;
    }
    j["variants"] = variants;
    j["seconds"] = run.seconds;
    return j;
}

namespace {

nlohmann::ordered_json scheduleJson(const LoanSchedule& s) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.periods(); ++i)
        a.push_back({{"year", s.years[i]},
                     {"payment_date", s.paymentDates[i]},
                     {"outstanding", s.outstanding[i]},
                     {"principal", s.principal[i]},
                     {"base_rate", s.baseRate[i]},
                     {"interest", s.interest[i]},
                     {"fee", s.fee[i]},
                     {"discount", s.discount[i]}});
    return a;
}

}  // namespace

nlohmann::ordered_json loanJson(const LoanRun& run, const cases::LoanFile& loan) {
    nlohmann::ordered_json j;
    j["loan"] = loan.terms.name;
    j["currency"] = loan.terms.currency;
    if (loan.incremental) j["cash_flow"] = "incremental";  // only then: the other files' output is unchanged
    if (loan.terms.graceFunded) j["grace_interest"] = "funded";
    if (loan.terms.completionSupport) j["completion"] = "sponsor";
    if (!loan.conditions.empty()) j["conditions"] = loan.conditions;  // only then, as above
    if (loan.noStages) j["no_stages_before"] = loan.stagesLockedUntil();
    j["amount"] = run.terms.amount;
    if (loan.sizing)
        j["sizing"] = {{"min_dscr", loan.sizing->minDscr},
                       {"on", loan.sizing->on},
                       {"sized_amount", run.sizedAmount},
                       {"cap", loan.amountGiven ? nlohmann::ordered_json(loan.terms.amount) : nlohmann::ordered_json()},
                       {"cash_flow", run.sizingCashFlow}};
    j["margin"] = loan.terms.margin;
    j["paths"] = run.paths;
    j.update(loanRunJson(run, loan));
    j["schedule"] = scheduleJson(run.schedule);
    return j;
}

std::string loanStructureLine(const cases::LoanFile& loan) {
    std::vector<std::string> parts;
    if (loan.terms.completionSupport)
        parts.push_back("completion support (the sponsors serve the debt until " + loan.funds + " operates)");
    if (loan.noStages)
        parts.push_back("a covenant: no stage of " + loan.funds + " decided before " + std::to_string(loan.stagesLockedUntil()));
    if (!loan.conditions.empty()) {
        std::string c = "conditions precedent applied to the loan's case:";
        for (std::size_t i = 0; i < loan.conditions.size(); ++i) c += (i ? "; " : " ") + loan.conditions[i];
        parts.push_back(c);
    }
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
    return out;
}

std::string loanTermsLine(const LoanRun& run) {
    const LoanTerms& t = run.terms;
    return t.currency + " " + loanMillions(t.amount) + " m, " + std::to_string(t.startYear) + "-" +
           std::to_string(t.endYear()) + ", " + toString(t.amortisation) +
           (t.graceYears ? " after " + std::to_string(t.graceYears) + " grace years" : "") + ", " +
           (t.floating ? "Euribor 12M + " : "fixed " + loanPercent(t.fixedRate) + " + ") + loanBp(t.margin);
}

void printLoanCredit(std::ostream& o, const LoanRun& run, const std::string& cur, bool draws) {
    const LoanStatistics& s = run.variants[0].stats;
    auto row = [&](const std::string& name, const std::string& v, const std::string& se) {
        o << "  " << std::left << std::setw(34) << name << std::right << std::setw(12) << v << "  +- " << se << "\n";
    };
    o << "\nCredit risk (PV at the drawdown, " << cur << " m; +- one standard error)\n";
    if (draws) {
        row("P(drawn)", loanPercent(s.drawProbability.value), loanPercent(s.drawProbability.stdError));
        o << "    drawn on " << run.drawnPaths << " of " << run.paths << " paths";
        if (run.drawnPaths == 0)
            o << ": no figure given drawn";
        else if (run.fewDrawn())
            o << ": the figures given drawn rest on " << run.drawnPaths << " paths and are not reliable (fewer than "
              << kFewDrawnPaths << ")";
        o << "\n";
        row("PD given drawn", loanPercent(s.pdGivenDrawn.value),
            run.fewDrawn() ? "n/a (" + std::to_string(run.drawnPaths) + " drawn paths)"
                           : loanPercent(s.pdGivenDrawn.stdError));
    }
    row(draws ? "PD cumulative (unconditional)" : "PD cumulative", loanPercent(s.pdCumulative.value),
        loanPercent(s.pdCumulative.stdError));
    if (run.terms.completionSupport) {
        row("sponsors pay past the grace years", loanPercent(s.completionLate.value), loanPercent(s.completionLate.stdError));
        row("sponsors' debt service paid (PV)", loanMillions(s.sponsorPaid.value), loanMillions(s.sponsorPaid.stdError));
    }
    row("LGD (after collateral, guarantee)", loanPercent(s.lgd.value), loanPercent(s.lgd.stdError));
    row("expected loss", loanMillions(s.expectedLoss.value), loanMillions(s.expectedLoss.stdError));
    row("VaR 99%", loanMillions(s.tail99.var.value), loanMillions(s.tail99.var.stdError));
    row("ES 99%", loanMillions(s.tail99.es.value), loanMillions(s.tail99.es.stdError));
    row("VaR 99.9%", loanMillions(s.tail999.var.value), loanMillions(s.tail999.var.stdError));
    row("ES 99.9%", loanMillions(s.tail999.es.value), loanMillions(s.tail999.es.stdError));
    row("value to the bank", loanMillions(s.value.value), loanMillions(s.value.stdError));
    row("break-even margin", loanBp(run.variants[0].breakevenMargin.value), loanBp(run.variants[0].breakevenMargin.stdError));
    o << "  PD by year:";
    for (std::size_t i = 0; i < s.pdAnnual.size(); ++i)
        o << (i % 6 ? "  " : "\n    ") << run.schedule.years[0] + static_cast<int>(i) << " " << loanPercent(s.pdAnnual[i].value);
    o << "\n";
}

}  // namespace kp::app
