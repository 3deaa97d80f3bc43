//! \brief The results library (results/: path_values, sensitivities, compare, csv_table, report):
//! per-path statistics agree with the engine's own estimates, the exact capex sensitivity, scenario
//! lists, CSV cells, the case file's source and assumption notes (a fixed case text, read by hand),
//! and the HTML report's structure, its risk and bankability section's rows included (the browser
//! check is tests/report/).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "kp/cases/case_problem.hpp"
#include "kp/results/case_sources.hpp"
#include "kp/results/compare.hpp"
#include "kp/results/csv_table.hpp"
#include "kp/results/downside.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"
#include "kp/results/path_values.hpp"
#include "kp/results/report.hpp"
#include "kp/results/technology_risk.hpp"
#include "kp/results/sensitivities.hpp"

namespace {

const std::string kMinimal = KP_SOURCE_DIR "/examples/minimal_case.yaml";

kp::InvestmentSettings small(const kp::cases::CaseFile& c) {
    kp::cases::RunOverrides o;
    o.paths = 4000;
    kp::InvestmentSettings s = kp::cases::settingsFor(c, o);
    s.rules = 1;  // per-path statistics = the engine's pricing statistics (one rule: no rule spread)
    return s;
}

/// The minimal case valued at 4000 paths with its per-path values.
struct Valued {
    kp::cases::CaseFile c = kp::cases::loadCaseFile(kMinimal);
    kp::InvestmentSettings s = small(c);
    kp::InvestmentProblem pr = kp::cases::toInvestmentProblem(c);
    kp::results::PathValues pv;
    kp::InvestmentLsm engine;
    std::vector<kp::InvestmentRule> rules;  // trained once: the sensitivities price with them
    kp::InvestmentResult r;
    explicit Valued(bool keepPrices) : pv(s.paths, pr, keepPrices) {
        rules = engine.trainRules(pr, s);
        r = engine.price(pr, rules, s, &pv);
    }
    /// The report's input for this valuation (no sensitivities, scenarios or case text).
    kp::results::ReportInput reportInput() const {
        kp::results::ReportInput in;
        in.c = &c;
        in.r = &r;
        in.paths = &pv;
        return in;
    }
};

/// The report's data: the JSON in its <script type="application/json" id="kp-data">.
nlohmann::json reportData(const std::string& html) {
    const auto open = html.find("<script type=\"application/json\" id=\"kp-data\">");
    REQUIRE(open != std::string::npos);
    const auto body = html.find('>', open) + 1, close = html.find("</script>", body);
    const std::string json = html.substr(body, close - body);
    CHECK(json.find('<') == std::string::npos);
    return nlohmann::json::parse(json);
}

}  // namespace

TEST_SUITE("results") {

TEST_CASE("pathMean and pathDifference: antithetic pairs are averaged first") {
    const double x[] = {1, 3, 5, 7}, y[] = {1, 1, 1, 1};
    const kp::Estimate a = kp::results::pathMean(x, 4, true);  // pairs 2 and 6
    CHECK(a.value == doctest::Approx(4.0));
    CHECK(a.stdError == doctest::Approx(2.0));  // sd {2, 6} = 2 sqrt 2, over sqrt 2
    const kp::Estimate b = kp::results::pathMean(x, 4, false);
    CHECK(b.stdError == doctest::Approx(std::sqrt(20.0 / 3.0 / 4.0)));
    const kp::Estimate d = kp::results::pathDifference(x, y, 4, true);
    CHECK(d.value == doctest::Approx(3.0));
    CHECK(d.stdError == doctest::Approx(2.0));
}

TEST_CASE("PathValues: per-path means and standard errors are the engine's") {
    const Valued run(true);
    const auto& [c, s, pr, pv, engine, rules, r] = run;
    (void)engine;
    (void)rules;
    const kp::Estimate v = kp::results::pathMean(pv.option(), s.paths, s.antithetic);
    CHECK(v.value == doctest::Approx(r.optionValue.value).epsilon(1e-10));
    CHECK(v.stdError == doctest::Approx(r.optionValue.stdError).epsilon(1e-8));
    const kp::Estimate n = kp::results::pathMean(pv.never(), s.paths, s.antithetic);
    CHECK(n.value == doctest::Approx(r.neverInvest.value).epsilon(1e-10));
    const kp::Estimate i = kp::results::pathMean(pv.npvNow(0), s.paths, s.antithetic);
    CHECK(i.value == doctest::Approx(r.npvNow[0].value).epsilon(1e-10));
    CHECK(i.stdError == doctest::Approx(r.npvNow[0].stdError).epsilon(1e-8));
    // the kept CO2 price of year 0 is the spot on every path, the median of later years near it
    CHECK(pv.price(kp::results::PriceKind::Co2, 0, 17) == doctest::Approx(c.factor("co2")->spot()));
    CHECK(pv.priceQuantile(kp::results::PriceKind::Co2, 5, 0.05) < pv.priceQuantile(kp::results::PriceKind::Co2, 5, 0.95));
    // a path acts at most once, at a date of the horizon
    for (std::size_t p = 0; p < s.paths; ++p)
        if (pv.action(p) >= 0) CHECK(pv.actionDate(p) < c.valuation.horizonYears);
}

TEST_CASE("sensitivities: +10% capex lowers NPV now by exactly 10% of the capex paid at t = 0") {
    Valued run(false);
    const auto& c = run.c;
    const auto& s = run.s;
    const auto& r = run.r;
    const int j = kp::results::bestNowTechnology(r);
    REQUIRE(j == 0);
    const auto sens = kp::results::sensitivities(c, s, run.engine, run.rules, run.pv, j, nullptr);
    bool seen = false;
    for (const auto& x : sens) {
        CHECK(std::isfinite(x.optionValue.value));
        CHECK(x.optionValue.stdError >= 0);
        if (x.name != "capex") continue;
        seen = true;
        const double capex = c.options[0].capex;  // no grant, no learning; discount factor 1 at t = 0
        CHECK(x.npvNow.value == doctest::Approx(-0.1 * capex).epsilon(1e-9));
        CHECK(x.npvNow.stdError < 1e-6 * capex);
        // with the base rule held fixed, dearer capex can only cost: on every path that invests
        CHECK(x.optionValue.value < 0);
    }
    CHECK(seen);
    const auto j0 = kp::results::sensitivitiesJson(sens);
    REQUIRE(j0.size() == sens.size());
    CHECK(j0[0].contains("bump"));
    CHECK(j0[0]["option_value"].contains("std_error"));
}

TEST_CASE("scenario lists, investedBy, first trigger") {
    const auto all = kp::results::scenarioList("all,mine.yaml");
    REQUIRE(all.size() == kp::cases::scenarioNames().size() + 1);
    CHECK(all.back() == "mine.yaml");
    CHECK_THROWS_AS(kp::results::scenarioList(","), kp::InvalidInput);
    kp::InvestmentResult r;
    r.years = {2026, 2027, 2028};
    r.investedBy = {{0.1, 0.01}, {0.35, 0.02}, {0.65, 0.03}};  // the engine's, relines left out
    CHECK(kp::results::investedBy(r, 2027).value == 0.35);
    CHECK(kp::results::investedBy(r, 2027).stdError == 0.02);
    CHECK(kp::results::investedBy(r, 2025).value == 0.0);
    CHECK(kp::results::investedBy(r, 2040).value == 0.65);  // after the horizon: the last year's
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto [year, price] = kp::results::firstTrigger(r.years, {nan, 150.0, 120.0});
    CHECK(year == 2027);
    CHECK(price == 150.0);
    CHECK(kp::results::firstTrigger(r.years, {nan, nan, nan}).first == 0);
}

TEST_CASE("CSV cells: quoted when needed, empty for a missing number") {
    CHECK(kp::results::csvNumber(std::numeric_limits<double>::quiet_NaN()).empty());
    CHECK(kp::results::csvNumber(0.1) == "0.1");
    CHECK(kp::results::csvNumber(6.15e9) == "6150000000");
    kp::results::CsvTable t({"a", "b"});
    CHECK_THROWS_AS(t.row({"only one"}), kp::InvalidInput);
    CHECK_THROWS_AS(t.write("/nonexistent-dir/x.csv", "--csv"), kp::InvalidInput);
}

TEST_CASE("the report: self-contained, one container per chart, no early end of its scripts") {
    const Valued run(true);
    const kp::InvestmentResult& r = run.r;
    const std::string html = kp::results::reportHtml(run.reportInput());
    CHECK(html.find("default-src 'none'") != std::string::npos);
    CHECK(html.find("<script src") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    for (const char* chart : {"fan", "boundary", "timing", "value", "emissions"})
        CHECK(html.find(std::string("data-chart=\"") + chart + "\"") != std::string::npos);
    // no sensitivities and no scenarios given: no tornado, no comparison
    CHECK(html.find("data-chart=\"tornado\"") == std::string::npos);
    const auto data = reportData(html);
    CHECK(data["emissions"].size() == r.years.size());
    CHECK(data["meta"]["currency"] == "EUR");
    // the minimal case has triggers: the boundary is a chart, not the no-trigger sentence
    CHECK(data["boundary"].size() > 0);
    CHECK(html.find("id=\"no-boundary\"") == std::string::npos);
    // no case text given: the assumptions section says there are no tags
    CHECK(html.find("<h2>Assumptions and sources</h2>") != std::string::npos);
    CHECK(html.find("The case file carries no source or ASSUMPTION tags") != std::string::npos);
}

namespace {

// A small case text with every kind of line the notes reader meets (line numbers in the comments
// on the right are the ones the test expects).
const std::string kNotesCase = R"(# Header: tags refer to data/FACTS.md ([src], [derived]). ASSUMPTION = a choice.
# It is a legend, not a note.
name: notes                  # line 3: no tag, not listed
description: >
  A case # with a hash [src] inside a block scalar, not a comment
valuation:
  discount_rate: 0.08        # ASSUMPTION: real hurdle rate
factors:
  co2:                       # EU ETS price: the median follows
    model: ou                # the path below (ASSUMPTION); FACTS.md 15
    parameters:
      kappa: 0.53            # FACTS.md 12b [computed]: AR(1) 2018-2025,
                             # "not robust"
      sigma: 0.415           # FACTS.md 12b [computed]
    label: "a # b"           # [secondary] a poll
correlations:
  - [co2, gas, 0.22]         # FACTS.md 12b [computed]: daily
policy:
  # carbon_pass_through: none (ASSUMPTION): outside CBAM
  co2_levy:
    rate: belastingplan2026  # unconfirmed (FACTS.md 3)
plant:
  output_t_per_year: 1.0e6   # [derived]: 500 MW x 2,000 h
)";

}  // namespace

TEST_CASE("case source notes: key paths, continued comments, sourced and assumed, header left out") {
    const auto notes = kp::results::caseSourceNotes(kNotesCase);
    REQUIRE(notes.size() == 9);
    auto check = [&](std::size_t i, int line, const std::string& key, const std::string& value,
                     const std::string& comment, bool assumption) {
        CAPTURE(i);
        CHECK(notes[i].line == line);
        CHECK(notes[i].key == key);
        CHECK(notes[i].value == value);
        CHECK(notes[i].comment == comment);
        CHECK(notes[i].assumption == assumption);
    };
    check(0, 7, "valuation.discount_rate", "0.08", "ASSUMPTION: real hurdle rate", true);
    // a lowercase comment on the next, deeper key goes on with the one above
    check(1, 9, "factors.co2", "", "EU ETS price: the median follows the path below (ASSUMPTION); FACTS.md 15", true);
    // a comment-only line to the right of the key goes on with its comment
    check(2, 12, "factors.co2.parameters.kappa", "0.53", "FACTS.md 12b [computed]: AR(1) 2018-2025, \"not robust\"", false);
    check(3, 14, "factors.co2.parameters.sigma", "0.415", "FACTS.md 12b [computed]", false);
    check(4, 15, "factors.co2.label", "\"a # b\"", "[secondary] a poll", false);
    check(5, 17, "correlations", "[co2, gas, 0.22]", "FACTS.md 12b [computed]: daily", false);
    // a comment of its own is listed under its section
    check(6, 19, "policy", "", "carbon_pass_through: none (ASSUMPTION): outside CBAM", true);
    check(7, 21, "policy.co2_levy.rate", "belastingplan2026", "unconfirmed (FACTS.md 3)", true);
    check(8, 23, "plant.output_t_per_year", "1.0e6", "[derived]: 500 MW x 2,000 h", false);
    CHECK(kp::results::caseSourceNotes("name: x\nplant:\n  life: 3   # a plain comment\n").empty());
    CHECK(kp::results::caseSourceNotes("").empty());
}

TEST_CASE("the report: a Downside table with a row per strategy and its difference with never investing") {
    const Valued run(true);
    kp::results::ReportInput in = run.reportInput();
    CHECK(kp::results::reportHtml(in).find("<table id=\"downside\">") == std::string::npos);  // none given: no table
    const kp::results::Downside d = kp::results::downside(run.pv, run.r, run.s.antithetic, nullptr);
    REQUIRE(d.strategies.size() >= 2);
    in.downside = &d;
    const std::string html = kp::results::reportHtml(in);
    const auto open = html.find("<table id=\"downside\">");
    REQUIRE(open != std::string::npos);
    const std::string table = html.substr(open, html.find("</table>", open) - open);
    std::size_t rows = 0, expected = 1;  // the header
    for (std::size_t at = table.find("<tr>"); at != std::string::npos; at = table.find("<tr>", at + 1)) ++rows;
    for (const auto& s : d.strategies) expected += s.vsNever ? 2 : 1;
    CHECK(rows == expected);
    // the optimal strategy's first row: P(loss) and VaR 95% as computed, to the printed digits
    char cells[160];
    std::snprintf(cells, sizeof cells, "<tr><td>optimal strategy</td><td>%.3f &plusmn; %.3f</td><td>%.1f &plusmn; %.1f</td>",
                  d.strategies[0].npv.pLoss.value, d.strategies[0].npv.pLoss.stdError,
                  d.strategies[0].npv.var95.value / 1e6, d.strategies[0].npv.var95.stdError / 1e6);
    CHECK(table.find(cells) != std::string::npos);
    CHECK(table.find("<tr><td>never invest (carry on)</td>") != std::string::npos);
    CHECK(table.find("never invest (carry on), vs never") == std::string::npos);
}

TEST_CASE("the report: a risk and bankability section (cash flow at risk, worst year, the loan when given)") {
    // The minimal case valued as `value` does (per-path values, yearly cash flows, every strategy's
    // worst years); the section's rows against the downside's figures to the printed digits.
    Valued run(true);
    kp::results::WorstYears worst(run.s.paths, run.pr);
    kp::results::YearCashFlows cash(run.s.paths, run.pr, &worst);
    kp::results::PathValues pv(run.s.paths, run.pr, true, &cash);
    kp::results::StaticStrategies statics(run.s.paths, run.pr);
    run.r = run.engine.price(run.pr, run.rules, run.s, &pv, statics.beside());
    const auto wy = statics.worstYears(worst);
    const kp::results::Downside d = kp::results::downside(pv, run.r, run.s.antithetic, &cash, &wy);
    kp::results::ReportInput in = run.reportInput();
    in.paths = &pv;
    CHECK(kp::results::reportHtml(in).find("Risk and bankability") == std::string::npos);  // no downside: none
    in.downside = &d;
    const std::string html = kp::results::reportHtml(in);
    CHECK(html.find("<h2 id=\"risk\">Risk and bankability</h2>") != std::string::npos);
    CHECK(html.find("data-chart=\"cfar\"") != std::string::npos);
    CHECK(html.find("id=\"no-loan\"") != std::string::npos);  // no loan: how to add one
    CHECK(html.find("<table id=\"loan\">") == std::string::npos);
    auto tableOf = [&](const std::string& h, const std::string& id) {
        const auto open = h.find("<table id=\"" + id + "\">");
        REQUIRE(open != std::string::npos);
        return h.substr(open, h.find("</table>", open) - open);
    };
    auto rows = [](const std::string& t) {
        std::size_t n = 0;
        for (std::size_t at = t.find("<tr>"); at != std::string::npos; at = t.find("<tr>", at + 1)) ++n;
        return n;
    };
    // technology risk: no table without it; with it, a row per risky option, cells in closed form
    CHECK(html.find("id=\"technology-risk\"") == std::string::npos);
    {
        kp::cases::CaseFile risky = run.c;
        kp::TechnologyRisk& tr = risky.options[0].risk;
        tr.overrunMean = 0.3, tr.overrunSd = 0.4, tr.overrunStateShare = 0.5;
        tr.incidentFrequency = 0.01, tr.severityMean = 1e8, tr.severitySd = 2e8;
        tr.insuredShare = 0.8, tr.deductible = 5e6, tr.limit = 5e8, tr.premiumLoading = 1.5;
        tr.rampUpAvailability = {0.7, 0.9};
        kp::results::ReportInput ri = in;
        ri.c = &risky;
        const std::string t = tableOf(kp::results::reportHtml(ri), "technology-risk");
        CHECK(rows(t) == 2);
        const auto sums = kp::results::technologyRiskSummaries(risky.options);
        REQUIRE(sums.size() == 1);
        char premium[64];
        std::snprintf(premium, sizeof premium, "<td>%.1f</td><td>%.1f</td><td>%.1f</td>", sums[0].expectedInsuredPerYear / 1e6,
                      sums[0].premiumPerYear / 1e6, sums[0].expectedRetainedPerYear / 1e6);
        CAPTURE(t);
        CHECK(t.find("<td>" + risky.options[0].name + "</td><td>30% / 40% / ") != std::string::npos);
        CHECK(t.find(premium) != std::string::npos);
        CHECK(t.find("<td>0.70, 0.90</td>") != std::string::npos);
        CHECK(sums[0].premiumPerYear == doctest::Approx(1.5 * 0.01 * tr.expectedInsuredLoss()).epsilon(1e-15));
    }
    // the worst year: a row per strategy (and the header), the optimal's cells as computed
    const std::string worstTable = tableOf(html, "worst-year");
    CHECK(rows(worstTable) == 1 + d.strategies.size());
    const kp::results::WorstYearLevels& w = *d.strategies[0].worstYear;
    char cells[320];
    std::snprintf(cells, sizeof cells,
                  "<tr><td>optimal strategy</td><td>%.1f &plusmn; %.1f</td><td>%.1f &plusmn; %.1f</td><td>%.1f &plusmn; "
                  "%.1f</td><td>%.1f &plusmn; %.1f</td><td>%.3f &plusmn; %.3f</td></tr>",
                  w.mean.value / 1e6, w.mean.stdError / 1e6, w.p1.value / 1e6, w.p1.stdError / 1e6, w.p5.value / 1e6,
                  w.p5.stdError / 1e6, w.p50.value / 1e6, w.p50.stdError / 1e6, w.pNegative.value, w.pNegative.stdError);
    CHECK(worstTable.find(cells) != std::string::npos);
    CHECK(worstTable.find("<tr><td>never invest (carry on)</td>") != std::string::npos);
    // the cash flow at risk: the first year, every fifth year and the last (as the text prints them)
    const std::string cfTable = tableOf(html, "cash-flow-at-risk");
    std::size_t shown = 0;
    for (std::size_t k = 0; k < d.cashFlowAtRisk.size(); ++k) {
        const kp::results::CashFlowAtRisk& c = d.cashFlowAtRisk[k];
        if (k != 0 && c.year % 5 != 0 && k + 1 != d.cashFlowAtRisk.size()) continue;
        ++shown;
        std::snprintf(cells, sizeof cells, "<tr><td>%d</td><td>%.1f &plusmn; %.1f</td><td>%.1f &plusmn; %.1f</td><td>%.1f &plusmn; %.1f</td>",
                      c.year, c.operatingP50.value / 1e6, c.operatingP50.stdError / 1e6, c.operatingP5.value / 1e6,
                      c.operatingP5.stdError / 1e6, c.operatingP1.value / 1e6, c.operatingP1.stdError / 1e6);
        CAPTURE(c.year);
        CHECK(cfTable.find(cells) != std::string::npos);
    }
    CHECK(rows(cfTable) == 1 + shown);
    // and the chart's data: four series a year, in million
    const auto data = reportData(html);
    CHECK(data["cfar"].size() == 4 * d.cashFlowAtRisk.size());
    CHECK(data["cfar"][0]["value"].get<double>() == d.cashFlowAtRisk[0].operatingP50.value / 1e6);

    // with a loan: its table (PD, EL, break-even margin as given), the variants, and the few-drawn warning
    kp::results::ReportLoan loan;
    loan.name = "test_loan";
    loan.currency = "EUR";
    loan.terms = "EUR 100.0 m, 2027-2037, annuity, fixed 3.00% + 200.0 bp";
    loan.funds = "capture";
    loan.policy = "optimal (trained by the engine)";
    loan.cashFlow = "plant";
    loan.paths = 4000;
    loan.drawnPaths = 37;
    loan.drawsOnInvestment = true;
    loan.fewDrawn = true;
    loan.firstYear = 2027;
    kp::LoanStatistics st;
    st.drawProbability = {37.0 / 4000, 0.0015};
    st.pdGivenDrawn = {0.25, 0.07};
    st.pdCumulative = {0.0123, 0.0017};
    st.expectedLoss = {2.5e6, 0.3e6};
    st.pdAnnual = {{0.01, 0.001}, {0.0023, 0.0005}};
    loan.variants.push_back({"as_written", st, {0.0215, 0.0004}});
    loan.variants.push_back({"without_guarantee", st, {0.0301, 0.0005}});
    in.loan = &loan;
    const std::string withLoan = kp::results::reportHtml(in);
    CHECK(withLoan.find("id=\"no-loan\"") == std::string::npos);
    CHECK(withLoan.find("<h3>Loan: test_loan</h3>") != std::string::npos);
    const std::string loanTable = tableOf(withLoan, "loan");
    CHECK(loanTable.find("<tr><td>drawn paths</td><td>37 of 4000</td>") != std::string::npos);
    CHECK(loanTable.find("<tr><td>PD given drawn</td><td>25.00%</td><td>n/a (37 drawn paths)</td></tr>") != std::string::npos);
    CHECK(loanTable.find("<tr><td>PD over the tenor (unconditional)</td><td>1.23%</td><td>0.17%</td></tr>") != std::string::npos);
    CHECK(loanTable.find("<tr><td>expected loss, EUR m</td><td>2.5</td><td>0.3</td></tr>") != std::string::npos);
    CHECK(loanTable.find("<tr><td>break-even margin</td><td>215.0 bp</td><td>4.0 bp</td></tr>") != std::string::npos);
    CHECK(rows(tableOf(withLoan, "loan-variants")) == 3);
    CHECK(withLoan.find("PD by year: 2027 1.00%, 2028 0.23%.") != std::string::npos);
    CHECK(withLoan.find("<b>Drawn on 37 of 4000 paths only.</b>") != std::string::npos);
    loan.drawnPaths = 400;  // enough drawn paths: no warning, the SE shown
    loan.fewDrawn = false;
    const std::string many = kp::results::reportHtml(in);
    CHECK(many.find("id=\"loan-few-drawn\"") == std::string::npos);
    CHECK(tableOf(many, "loan").find("<tr><td>PD given drawn</td><td>25.00%</td><td>7.00%</td></tr>") != std::string::npos);
}

TEST_CASE("the report: assumptions and sources listed; no boundary chart without a CO2 trigger") {
    const Valued run(true);
    const kp::InvestmentResult& r = run.r;
    kp::results::ReportInput in = run.reportInput();
    in.caseText = kNotesCase;
    in.sets = {"valuation.discount_rate=0.06"};
    const std::string html = kp::results::reportHtml(in);
    CHECK(html.find("<h3>Sourced (5)</h3>") != std::string::npos);
    CHECK(html.find("<h3>Assumptions (4)</h3>") != std::string::npos);
    CHECK(html.find("<td class=\"key\">factors.co2.parameters.kappa</td><td>0.53</td><td>FACTS.md 12b [computed]: "
                    "AR(1) 2018-2025, &quot;not robust&quot;</td>") != std::string::npos);
    CHECK(html.find("0.08 &rarr; <b>0.06</b> (--set)") != std::string::npos);
    CHECK(html.find("no source or ASSUMPTION tags") == std::string::npos);
    CHECK(html.find("It is a legend") == std::string::npos);
    CHECK(html.find("data-chart=\"boundary\"") != std::string::npos);

    // the same result without a trigger in any year: a sentence with the statuses by year instead
    kp::InvestmentResult none = r;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto& t : none.triggerByTechnology) std::fill(t.begin(), t.end(), nan);
    std::fill(none.trigger.begin(), none.trigger.end(), nan);
    REQUIRE(none.years.size() >= 4);
    for (std::size_t d = 0; d < none.years.size(); ++d)
        none.triggerStatus[d] = d < 2 ? kp::TriggerStatus::AboveRange : kp::TriggerStatus::NoSwitch;
    in.r = &none;
    const std::string text = kp::results::reportHtml(in);
    CHECK(text.find("data-chart=\"boundary\"") == std::string::npos);
    CHECK(text.find("id=\"no-boundary\"") != std::string::npos);
    const std::string above = "In " + std::to_string(none.years[0]) + "&ndash;" + std::to_string(none.years[1]) +
                              ", investing gains on waiting as the price rises, but does not overtake it";
    CHECK(text.find(above) != std::string::npos);
    const std::string noSwitch = "In " + std::to_string(none.years[2]) + "&ndash;" +
                                 std::to_string(none.years.back()) + ", investing is not driven by the CO&#8322; price";
    CHECK(text.find(noSwitch) != std::string::npos);
    CHECK(reportData(text)["boundary"].empty());

    // a trigger in the first year only: the chart is kept, the other years' statuses said under it
    none.triggerByTechnology[0][0] = 100;
    none.trigger[0] = 100;
    none.triggerStatus[0] = kp::TriggerStatus::Found;
    const std::string one = kp::results::reportHtml(in);
    CHECK(one.find("data-chart=\"boundary\"") != std::string::npos);
    CHECK(one.find("id=\"no-boundary\"") == std::string::npos);
    CHECK(one.find("Years without a point: In " + std::to_string(none.years[1]) + ", investing gains on waiting") !=
          std::string::npos);
}

}  // TEST_SUITE
