#include "kp/results/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"
#include "kp/results/case_sources.hpp"
#include "kp/results/technology_risk.hpp"
#include "report_assets.hpp"

namespace kp::results {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kSamplePaths = 6;  // sample paths drawn over the fans and the boundary
constexpr std::size_t kBins = 40;        // bins of the value histograms

std::string esc(const std::string& s) {
    std::string o;
    for (char ch : s) {
        switch (ch) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += ch;
        }
    }
    return o;
}

std::string fmt(const char* f, double x) {
    if (!std::isfinite(x)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, f, x);
    return buf;
}
std::string millions(double x) { return fmt("%.0f m", x / 1e6); }
std::string percent(double x) { return fmt("%.0f%%", 100 * x); }

/// The report's JSON, embedded in a <script type="application/json">: '<' only occurs inside JSON
/// strings, where \u003c is the same character, so no "</script>" can end the element early.
std::string scriptSafe(const Json& j) {
    const std::string s = j.dump();
    std::string o;
    o.reserve(s.size());
    for (char ch : s) {
        if (ch == '<') o += "\\u003c";
        else o += ch;
    }
    return o;
}

const char* priceLabel(PriceKind k) {
    switch (k) {
        case PriceKind::Co2: return "CO2";
        case PriceKind::Gas: return "gas";
        case PriceKind::Power: return "power";
        default: return "hydrogen";
    }
}
const char* factorName(PriceKind k) {
    switch (k) {
        case PriceKind::Co2: return "co2";
        case PriceKind::Gas: return "gas";
        case PriceKind::Power: return "power";
        default: return "hydrogen";
    }
}

/// Sample paths: every other path, so that antithetic mirrors are not drawn twice.
std::size_t samplePath(std::size_t i) { return 2 * i; }

void addFan(Json& rows, const std::string& scenario, const cases::CaseFile& c, const InvestmentResult& r,
            const PathValues& pv) {
    if (!pv.hasPrices()) return;
    for (std::size_t q = 0; q < kPriceKinds; ++q) {
        const auto kind = static_cast<PriceKind>(q);
        const cases::Factor* f = c.factor(factorName(kind));
        if (!f) continue;
        const std::string label = std::string(priceLabel(kind)) + ", " + c.valuation.currency + "/" +
                                  (kind == PriceKind::Co2 ? "t" : "MWh");
        for (std::size_t k = 0; k < pv.years(); ++k) {
            rows.push_back({{"kind", "band"}, {"scenario", scenario}, {"label", label}, {"year", r.years[k]},
                            {"p5", pv.priceQuantile(kind, k, 0.05)}, {"p50", pv.priceQuantile(kind, k, 0.5)},
                            {"p95", pv.priceQuantile(kind, k, 0.95)}});
            for (std::size_t i = 0; i < kSamplePaths && samplePath(i) < pv.paths(); ++i)
                rows.push_back({{"kind", "path"}, {"scenario", scenario}, {"label", label}, {"year", r.years[k]},
                                {"path", i}, {"value", pv.price(kind, k, samplePath(i))}});
        }
    }
}

/// Histograms (share of paths per bin, EUR million) of the optimal strategy, investing now in the
/// technology `j` and never investing, over the 1-99% range of all three.
void addValueHistograms(Json& data, const InvestmentResult& r, const PathValues& pv, int j) {
    struct Series {
        std::string name;
        const double* x;
    };
    std::vector<Series> series{{"optimal strategy", pv.option()}};
    if (j >= 0)
        series.push_back({"invest now: " + r.technologyNames[static_cast<std::size_t>(j)],
                          pv.npvNow(static_cast<std::size_t>(j))});
    series.push_back({"never invest", pv.never()});
    const std::size_t n = pv.paths();
    std::vector<double> all;
    all.reserve(series.size() * n);
    for (const auto& s : series) all.insert(all.end(), s.x, s.x + n);
    auto q = [&](double u) {
        const auto k = static_cast<std::ptrdiff_t>(u * static_cast<double>(all.size() - 1));
        std::nth_element(all.begin(), all.begin() + k, all.end());
        return all[static_cast<std::size_t>(k)];
    };
    const double lo = q(0.01), hi = q(0.99);
    const double width = hi > lo ? (hi - lo) / kBins : 1.0;
    Json hist = Json::array(), means = Json::array(), order = Json::array();
    for (const auto& s : series) {
        order.push_back(s.name);
        std::vector<double> count(kBins, 0.0);
        double sum = 0;
        for (std::size_t p = 0; p < n; ++p) {
            sum += s.x[p];
            const double b = std::floor((s.x[p] - lo) / width);
            if (b >= 0 && b < static_cast<double>(kBins)) count[static_cast<std::size_t>(b)] += 1;
        }
        for (std::size_t b = 0; b < kBins; ++b)
            hist.push_back({{"strategy", s.name},
                            {"lo", (lo + width * static_cast<double>(b)) / 1e6},
                            {"hi", (lo + width * static_cast<double>(b + 1)) / 1e6},
                            {"share", count[b] / static_cast<double>(n)}});
        means.push_back({{"strategy", s.name}, {"mean", sum / static_cast<double>(n) / 1e6}});
    }
    data["value_hist"] = hist;
    data["value_means"] = means;
    data["value_order"] = order;
}

Json chartData(const ReportInput& in) {
    const cases::CaseFile& c = *in.c;
    const InvestmentResult& r = *in.r;
    const PathValues& pv = *in.paths;
    Json d;
    d["meta"] = {{"case", c.name}, {"currency", c.valuation.currency}};
    // price fans: the case as valued, then each scenario
    Json fan = Json::array(), order = Json::array();
    const std::string self = c.scenario.empty() ? "case as given" : "case (" + c.scenario + ")";
    addFan(fan, self, c, r, pv);
    order.push_back(self);
    if (in.scenarios)
        for (const auto& s : *in.scenarios) {
            addFan(fan, s.scenario, s.c, s.r, *s.paths);
            order.push_back(s.scenario);
        }
    d["fan"] = fan;
    d["scenario_order"] = order;
    Json fanOrder = Json::array();
    for (std::size_t q = 0; q < kPriceKinds; ++q) {
        const auto kind = static_cast<PriceKind>(q);
        fanOrder.push_back(std::string(priceLabel(kind)) + ", " + c.valuation.currency + "/" +
                           (kind == PriceKind::Co2 ? "t" : "MWh"));
    }
    d["fan_order"] = fanOrder;
    // exercise boundary: trigger per technology and year, over sample CO2 paths
    Json boundary = Json::array(), bpaths = Json::array();
    for (std::size_t j = 0; j < r.technologyNames.size(); ++j) {
        const auto& trig = j < r.triggerByTechnology.size() ? r.triggerByTechnology[j] : r.trigger;
        for (std::size_t k = 0; k < r.years.size() && k < trig.size(); ++k)
            if (std::isfinite(trig[k]))
                boundary.push_back({{"technology", r.technologyNames[j]}, {"year", r.years[k]}, {"co2", trig[k]}});
    }
    if (pv.hasPrices())
        for (std::size_t i = 0; i < 2 * kSamplePaths && samplePath(i) < pv.paths(); ++i)
            for (std::size_t k = 0; k < pv.years(); ++k)
                bpaths.push_back({{"path", i}, {"year", r.years[k]}, {"co2", pv.price(PriceKind::Co2, k, samplePath(i))}});
    d["boundary"] = boundary;
    d["boundary_paths"] = bpaths;
    // timing: probability per year and cumulative, per technology
    Json timing = Json::array();
    for (std::size_t j = 0; j < r.timing.size(); ++j) {
        double cum = 0;
        for (std::size_t k = 0; k < r.years.size(); ++k) {
            cum += r.timing[j][k];
            timing.push_back({{"technology", r.technologyNames[j]}, {"year", r.years[k]},
                              {"probability", r.timing[j][k]}, {"cumulative", cum}});
        }
    }
    d["timing"] = timing;
    addValueHistograms(d, r, pv, in.npvTechnology >= 0 ? in.npvTechnology : bestNowTechnology(r));
    // emissions under the optimal strategy against carrying on as is (Mt/yr)
    Json em = Json::array();
    for (std::size_t k = 0; k < r.years.size(); ++k) {
        const double never = static_cast<int>(k) < c.plant.remainingLifeYears
                                 ? c.plant.outputTPerYear * c.plant.emissionIntensity
                                 : 0.0;
        Json row = {{"year", r.years[k]}, {"mean", r.emissionsMean[k] / 1e6}, {"p5", r.emissionsP5[k] / 1e6},
                    {"p95", r.emissionsP95[k] / 1e6}, {"never", never / 1e6}};
        if (c.leakage && k < r.production.size()) {  // with the emissions abroad of the output lost here
            const double lostNever = static_cast<int>(k) < c.plant.remainingLifeYears ? 0.0 : c.plant.outputTPerYear;
            row["mean_with_leakage"] = (r.emissionsMean[k] + r.production[k].leakage) / 1e6;
            row["never_with_leakage"] = (never + lostNever * c.plant.foreignIntensity) / 1e6;
        }
        em.push_back(row);
    }
    d["emissions"] = em;
    d["leakage"] = c.leakage;
    // production here and what is lost (made abroad), Mt/yr; P(operating)
    Json prod = Json::array();
    for (std::size_t k = 0; k < r.production.size(); ++k) {
        const ProductionYear& py = r.production[k];
        prod.push_back({{"year", r.years[k]}, {"series", "made here"}, {"mt", py.output / 1e6}});
        prod.push_back({{"year", r.years[k]}, {"series", "lost (not made here)"}, {"mt", py.lost / 1e6}});
    }
    d["production"] = prod;
    // tornado: changes with +-2 standard errors, largest option-value change first
    std::vector<const Sensitivity*> sorted;
    for (const auto& s : in.sensitivities) sorted.push_back(&s);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Sensitivity* a, const Sensitivity* b) {
        return std::abs(a->optionValue.value) > std::abs(b->optionValue.value);
    });
    Json tornado = Json::array(), torder = Json::array();
    for (const Sensitivity* s : sorted) {
        torder.push_back(s->bump);
        for (const auto& [measure, e] : {std::pair<const char*, Estimate>{"option value", s->optionValue},
                                         std::pair<const char*, Estimate>{"NPV invest now", s->npvNow}}) {
            if (!std::isfinite(e.value)) continue;
            tornado.push_back({{"label", s->bump}, {"measure", measure}, {"change", e.value / 1e6},
                               {"se", e.stdError / 1e6}, {"lo", (e.value - 2 * e.stdError) / 1e6},
                               {"hi", (e.value + 2 * e.stdError) / 1e6}});
        }
    }
    d["tornado"] = tornado;
    d["tornado_order"] = torder;
    // scenario comparison, long form for the small multiples
    Json cmp = Json::array();
    const std::string cur = c.valuation.currency;
    const Json measures = {"option value, " + cur + " m", "value of waiting, " + cur + " m",
                           "P(invested by 2035)", "E[emissions over horizon], Mt"};
    if (in.scenarios)
        for (const auto& s : *in.scenarios) {
            const std::string dec = toString(s.r.decision);
            const double v[] = {s.r.optionValue.value / 1e6, s.r.valueOfWaiting.value / 1e6, s.investBy2035,
                                s.cumulativeEmissions / 1e6};
            for (std::size_t m = 0; m < 4; ++m)
                cmp.push_back({{"scenario", s.scenario}, {"measure", measures[m]}, {"value", v[m]}, {"decision", dec}});
        }
    d["compare_long"] = cmp;
    d["compare_measures"] = measures;
    // the cash flow year by year under the optimal strategy (EUR million): median, 5%, 1%, 5% after capex
    Json cfar = Json::array();
    const Json cfarOrder = {"median", "5% (1 path in 20 is below)", "1% (1 path in 100 is below)",
                            "5% after capex net of grant"};
    if (in.downside)
        for (const CashFlowAtRisk& x : in.downside->cashFlowAtRisk) {
            const Estimate* e[] = {&x.operatingP50, &x.operatingP5, &x.operatingP1, &x.afterCapexP5};
            for (std::size_t i = 0; i < 4; ++i)
                cfar.push_back({{"year", x.year}, {"series", cfarOrder[i]}, {"value", e[i]->value / 1e6},
                                {"se", e[i]->stdError / 1e6}});
        }
    d["cfar"] = cfar;
    d["cfar_order"] = cfarOrder;
    return d;
}

std::string strategyLabel(const StrategyDownside& s) {
    return s.strategy == "optimal"      ? "optimal strategy"
           : s.strategy == "invest_now" ? "invest now: " + s.technology
                                        : "never invest (carry on)";
}

std::string decisionText(const InvestmentResult& r) {
    if (r.decision == Decision::InvestNow)
        return "Invest now in " + r.technologyNames[static_cast<std::size_t>(r.technology)];
    if (r.decision == Decision::Close) return "Close the plant now";
    return "Wait";
}

// the downside of each strategy (results/downside.hpp; docs/valuation.md, "Downside"): P(loss), VaR
// and ES of the NPV and of its difference with never investing, each +- its standard error
void downsideTable(std::ostream& o, const Downside& d, const std::string& cur) {
    o << "<h3>Downside of the present value</h3>\n<p class=\"read\" id=\"downside-read\">How bad can each "
         "strategy turn out? NPV is the strategy's realised present value on a path (the plant's own cash flows "
         "and capex included, so never investing is the site's whole value); <i>vs never</i> is the NPV minus "
         "never investing's on the same path. VaR and ES are values of the NPV, negative for a loss: VaR 95% is "
         "its 5th percentile, ES 95% the mean of the worst 5% of paths. &plusmn; one standard error by sectioning "
         "over " << d.batches << (d.byRules ? " rules' shares of the paths" : " batches of paths") << ".</p>\n";
    o << "<table id=\"downside\">\n<tr><th>strategy</th><th>P(NPV &lt; 0)</th><th>VaR 95%, " << esc(cur)
      << " m</th><th>ES 95%, " << esc(cur) << " m</th><th>VaR 99%, " << esc(cur) << " m</th><th>ES 99%, "
      << esc(cur) << " m</th></tr>\n";
    auto cell = [&](const Estimate& e, double scale, const char* f) {
        o << "<td>" << fmt(f, e.value / scale) << " &plusmn; " << fmt(f, e.stdError / scale) << "</td>";
    };
    auto row = [&](const std::string& name, const DownsideLevels& l) {
        o << "<tr><td>" << esc(name) << "</td>";
        cell(l.pLoss, 1.0, "%.3f");
        cell(l.var95, 1e6, "%.1f"), cell(l.es95, 1e6, "%.1f"), cell(l.var99, 1e6, "%.1f"), cell(l.es99, 1e6, "%.1f");
        o << "</tr>\n";
    };
    for (const StrategyDownside& s : d.strategies) {
        const std::string name = strategyLabel(s);
        row(name, s.npv);
        if (s.vsNever) row(name + ", vs never", *s.vsNever);
    }
    o << "</table>\n";
}

// the cash flow at risk of the optimal strategy, year by year: a chart (report.js, "cfar") and the
// figures every fifth year
void cashFlowAtRisk(std::ostream& o, const Downside& d, const std::string& cur) {
    if (d.cashFlowAtRisk.empty()) return;
    o << "<h3>Cash flow year by year under the optimal strategy</h3>\n<p class=\"read\" id=\"cfar-read\">The "
         "year's net cash flow (undiscounted, " << esc(cur) << " million of the price base year; capex excluded, as "
         "the loan and the sponsors' equity pay it): the median path, and the level it falls below on one path in "
         "twenty (5%) and one in a hundred (1%), each year on its own (the 5% line is not one path: a different "
         "path may be worst each year). The dashed line is the 5% level after capex net of grant, the cash the "
         "owner must find in a building year. Figures every fifth year below, &plusmn; one standard error.</p>\n"
      << "<div class=\"chart\" id=\"chart-cfar\" data-chart=\"cfar\"></div>\n";
    o << "<table id=\"cash-flow-at-risk\">\n<tr><th>year</th><th>median, " << esc(cur) << " m</th><th>5% level, "
      << esc(cur) << " m</th><th>1% level, " << esc(cur) << " m</th><th>5% level after capex, " << esc(cur)
      << " m</th></tr>\n";
    auto cell = [&](const Estimate& e) {
        o << "<td>" << fmt("%.1f", e.value / 1e6) << " &plusmn; " << fmt("%.1f", e.stdError / 1e6) << "</td>";
    };
    for (std::size_t k = 0; k < d.cashFlowAtRisk.size(); ++k) {
        const CashFlowAtRisk& c = d.cashFlowAtRisk[k];
        if (k != 0 && c.year % 5 != 0 && k + 1 != d.cashFlowAtRisk.size()) continue;
        o << "<tr><td>" << c.year << "</td>";
        cell(c.operatingP50), cell(c.operatingP5), cell(c.operatingP1), cell(c.afterCapexP5);
        o << "</tr>\n";
    }
    o << "</table>\n";
}

// the worst year of each strategy: its distribution over the paths
void worstYearTable(std::ostream& o, const Downside& d, const std::string& cur) {
    const StrategyDownside* optimal = nullptr;
    bool any = false;
    for (const StrategyDownside& s : d.strategies) {
        any |= s.worstYear.has_value();
        if (s.strategy == "optimal" && s.worstYear) optimal = &s;
    }
    if (!any) return;
    o << "<h3>Worst year</h3>\n<p class=\"read\" id=\"worst-year-read\">Each path's single worst year: its lowest "
         "yearly net cash flow over the horizon, undiscounted, in " << esc(cur) << " million (capex excluded; years "
         "in which nothing runs, after closing or the end of life, left out). The table gives how that worst year "
         "is spread over the paths: its mean, the level the worst year falls below on 1% and 5% of paths, the "
         "median path's worst year, and the share of paths that have at least one year with a negative cash "
         "flow, each &plusmn; one standard error.";
    if (optimal) {
        const WorstYearLevels& w = *optimal->worstYear;
        o << " Under the optimal strategy " << percent(w.pNegative.value) << " of paths have at least one "
          << "loss-making year; the median path's worst year is " << fmt("%.0f", w.p50.value / 1e6) << " m, and one "
          << "path in twenty has a year below " << fmt("%.0f", w.p5.value / 1e6) << " m.";
    }
    o << "</p>\n<table id=\"worst-year\">\n<tr><th>strategy</th><th>mean, " << esc(cur) << " m</th><th>1% level, "
      << esc(cur) << " m</th><th>5% level, " << esc(cur) << " m</th><th>median, " << esc(cur)
      << " m</th><th>P(worst year &lt; 0)</th></tr>\n";
    auto cell = [&](const Estimate& e, double scale, const char* f) {
        o << "<td>" << fmt(f, e.value / scale) << " &plusmn; " << fmt(f, e.stdError / scale) << "</td>";
    };
    for (const StrategyDownside& s : d.strategies) {
        if (!s.worstYear) continue;
        const WorstYearLevels& w = *s.worstYear;
        o << "<tr><td>" << esc(strategyLabel(s)) << "</td>";
        cell(w.mean, 1e6, "%.1f"), cell(w.p1, 1e6, "%.1f"), cell(w.p5, 1e6, "%.1f"), cell(w.p50, 1e6, "%.1f");
        cell(w.pNegative, 1.0, "%.3f");
        o << "</tr>\n";
    }
    o << "</table>\n";
}

// the loan priced on the case (value --loan): its headline statistics as `kruispunt loan` gives them
void loanSection(std::ostream& o, const ReportLoan& l) {
    const LoanStatistics& s = l.variants.front().stats;
    const std::string cur = esc(l.currency);
    auto pct = [](double x) { return fmt("%.2f%%", 100 * x); };
    auto m = [](double x) { return fmt("%.1f", x / 1e6); };
    auto bp = [](double x) { return fmt("%.1f bp", 1e4 * x); };
    o << "<h3>Loan: " << esc(l.name) << "</h3>\n<p class=\"read\" id=\"loan-read\">" << esc(l.terms)
      << ", financing " << esc(l.funds) << "; the borrower follows the " << esc(l.policy)
      << " policy; debt served by the " << (l.cashFlow == "incremental" ? "investment's incremental cash flow (the "
                                                                          "policy's minus never investing's)"
                                                                        : "plant's cash flow")
      << (l.structure.empty() ? std::string() : "; " + esc(l.structure))
      << "; priced on the same " << (l.conditioned ? "case (with the loan's conditions)" : "case")
      << " and paths as <code>kruispunt loan</code> prices it (" << l.paths
      << " paths; docs/loans.md). PD is the probability that the loan defaults over its tenor, LGD the share of "
         "the exposure lost at a default, the expected loss and value are present values at the drawdown; the "
         "break-even margin is the margin at which the bank's expected value covers its required return.</p>\n";
    if (l.drawsOnInvestment && l.fewDrawn)
        o << "<p class=\"read no-chart\" id=\"loan-few-drawn\"><b>Drawn on " << l.drawnPaths << " of " << l.paths
          << " paths only.</b> The loan is drawn only on the paths where the borrower invests in time; the figures "
             "given drawn (PD given drawn) rest on those " << l.drawnPaths
          << " paths and are not reliable (fewer than 100): run more paths, or read the unconditional figures.</p>\n";
    o << "<table id=\"loan\">\n<tr><th>figure</th><th>estimate</th><th>standard error</th></tr>\n";
    auto row = [&](const std::string& name, const std::string& v, const std::string& se) {
        o << "<tr><td>" << name << "</td><td>" << v << "</td><td>" << se << "</td></tr>\n";
    };
    if (l.drawsOnInvestment) {
        row("P(drawn)", pct(s.drawProbability.value), pct(s.drawProbability.stdError));
        row("drawn paths", std::to_string(l.drawnPaths) + " of " + std::to_string(l.paths), "");
        row("PD given drawn", pct(s.pdGivenDrawn.value),
            l.fewDrawn ? "n/a (" + std::to_string(l.drawnPaths) + " drawn paths)" : pct(s.pdGivenDrawn.stdError));
    }
    row(l.drawsOnInvestment ? "PD over the tenor (unconditional)" : "PD over the tenor", pct(s.pdCumulative.value),
        pct(s.pdCumulative.stdError));
    row("LGD (after collateral and guarantee)", pct(s.lgd.value), pct(s.lgd.stdError));
    row("expected loss, " + cur + " m", m(s.expectedLoss.value), m(s.expectedLoss.stdError));
    row("VaR 99% of the loss, " + cur + " m", m(s.tail99.var.value), m(s.tail99.var.stdError));
    row("ES 99% of the loss, " + cur + " m", m(s.tail99.es.value), m(s.tail99.es.stdError));
    row("value to the bank, " + cur + " m", m(s.value.value), m(s.value.stdError));
    row("break-even margin", bp(l.variants.front().breakevenMargin.value), bp(l.variants.front().breakevenMargin.stdError));
    o << "</table>\n<p class=\"read\" id=\"loan-pd-by-year\">PD by year:";
    for (std::size_t i = 0; i < s.pdAnnual.size(); ++i)
        o << (i ? ", " : " ") << l.firstYear + static_cast<int>(i) << " " << pct(s.pdAnnual[i].value);
    o << ".</p>\n";
    if (l.variants.size() > 1) {
        o << "<table id=\"loan-variants\">\n<tr><th>variant</th><th>PD</th><th>expected loss, " << cur
          << " m</th><th>ES 99%, " << cur << " m</th><th>value, " << cur << " m</th><th>break-even margin</th></tr>\n";
        for (const ReportLoan::Variant& v : l.variants) {
            std::string name = v.name;
            std::replace(name.begin(), name.end(), '_', ' ');
            o << "<tr><td>" << esc(name) << "</td><td>" << pct(v.stats.pdCumulative.value) << "</td><td>"
              << m(v.stats.expectedLoss.value) << "</td><td>" << m(v.stats.tail99.es.value) << "</td><td>"
              << m(v.stats.value.value) << "</td><td>" << bp(v.breakevenMargin.value) << " &plusmn; "
              << bp(v.breakevenMargin.stdError) << "</td></tr>\n";
        }
        o << "</table>\n";
    }
}

// the technology risk the case gives its options (kp::TechnologyRisk), in closed form: the insurer's
// and the owner's view of the incidents, the overrun and a state guarantee of it, the delay, the ramp-up
void technologyRiskTable(std::ostream& o, const ReportInput& in, const std::string& cur) {
    const std::vector<TechnologyRiskSummary> ss = technologyRiskSummaries(in.c->options);
    if (ss.empty()) return;
    o << "<h3>Technology risk</h3>\n<p class=\"read\" id=\"technology-risk-read\">What the case file gives each "
         "option (<code>options.&lt;x&gt;.risk</code>): the values above already carry it, path by path; the "
         "decision sees its expectation. Per operating year: the incidents' expected loss, the part the insurer "
         "expects to pay, the premium, what the owner keeps, and the chance that an incident's insured part reaches "
         "the policy's limit. The overrun is a share of the budgeted capex; a state guarantee's expected payment is "
         "per investment made.</p>\n<table id=\"technology-risk\">\n<tr><th>option</th><th>overrun mean / sd / p90"
         "</th><th>state pays (expected, p99)</th><th>expected delay, yr</th><th>ramp-up availability</th>"
         "<th>incidents a year</th><th>expected loss, " << esc(cur) << " m/yr</th><th>insured</th><th>premium</th>"
         "<th>retained</th><th>P(limit reached) a year</th></tr>\n";
    auto pct = [](double x) { return fmt("%.0f%%", 100 * x); };
    for (const auto& s : ss) {
        std::string ramp;
        for (double a : s.rampUpAvailability) ramp += (ramp.empty() ? "" : ", ") + fmt("%.2f", a);
        if (ramp.empty()) ramp = "-";
        else if (s.firstOfAKind) ramp += " (first of a kind)";
        o << "<tr><td>" << esc(s.option) << "</td><td>" << pct(s.overrunMean) << " / " << pct(s.overrunSd) << " / "
          << pct(s.overrunP90) << "</td><td>"
          << (s.stateShare > 0 ? pct(s.stateExpected) + ", " + pct(s.stateP99) + " of capex" : std::string("-"))
          << "</td><td>" << fmt("%.2f", s.expectedDelayYears) << "</td><td>" << ramp << "</td><td>"
          << fmt("%.3f", s.incidentFrequency) << "</td><td>" << fmt("%.1f", s.expectedLossPerYear / 1e6) << "</td><td>"
          << fmt("%.1f", s.expectedInsuredPerYear / 1e6) << "</td><td>" << fmt("%.1f", s.premiumPerYear / 1e6)
          << "</td><td>" << fmt("%.1f", s.expectedRetainedPerYear / 1e6) << "</td><td>"
          << fmt("%.4f", s.limitExceedPerYear) << "</td></tr>\n";
    }
    o << "</table>\n";
}

// "Risk and bankability" (issue 15, item 3): the downside of each strategy, the cash flow year by
// year, the worst year, and a loan's statistics when one is given
void riskSection(std::ostream& o, const ReportInput& in, const std::string& cur) {
    const Downside& d = *in.downside;
    o << "<h2 id=\"risk\">Risk and bankability</h2>\n<p class=\"read\" id=\"risk-read\">What a lender, an insurer "
         "or a credit committee asks beyond the expected value: how bad can each strategy turn out, how thin do "
         "single years get, and, with a loan, how likely it is to be repaid. Every figure comes from the same "
         "simulated paths as the values above; quantiles are the lower empirical ones (the 5% level is exceeded "
         "on 95% of paths).</p>\n";
    downsideTable(o, d, cur);
    cashFlowAtRisk(o, d, cur);
    worstYearTable(o, d, cur);
    technologyRiskTable(o, in, cur);
    if (in.loan) loanSection(o, *in.loan);
    else
        o << "<p class=\"read\" id=\"no-loan\">No loan was given: <code>kruispunt value CASE --loan LOAN.yaml "
             "--report FILE</code> adds a loan's probability of default, expected loss and break-even margin here "
             "(docs/loans.md).</p>\n";
}

void section(std::ostream& o, const std::string& title, const std::string& read, const std::string& chart) {
    o << "<h2>" << esc(title) << "</h2>\n<p class=\"read\">" << read << "</p>\n"
      << "<div class=\"chart\" id=\"chart-" << chart << "\" data-chart=\"" << chart << "\"></div>\n";
}

bool anyBoundary(const InvestmentResult& r) {
    for (std::size_t j = 0; j < r.technologyNames.size(); ++j) {
        const auto& trig = j < r.triggerByTechnology.size() ? r.triggerByTechnology[j] : r.trigger;
        for (double t : trig)
            if (std::isfinite(t)) return true;
    }
    return false;
}

/// The rule's CO2-trigger status year by year (runs of dates with the same status as year ranges,
/// per status in order of first appearance), in the words of the text summary's "No CO2 trigger"
/// (app/value_command.cpp); years with a trigger left out.
std::string statusRanges(const InvestmentResult& r) {
    auto meaning = [](TriggerStatus s) {
        switch (s) {
            case TriggerStatus::AboveRange:
                return "investing gains on waiting as the price rises, but does not overtake it within the range "
                       "(&lsquo;above range&rsquo;)";
            case TriggerStatus::BelowRange:
                return "the rule invests already at the lowest price of the range (&lsquo;below range&rsquo;)";
            default:
                return "investing is not driven by the CO&#8322; price alone, or no technology can be chosen "
                       "(&lsquo;no switch&rsquo;)";
        }
    };
    const std::size_t n = std::min(r.years.size(), r.triggerStatus.size());
    std::vector<std::pair<TriggerStatus, std::string>> ranges;
    for (std::size_t d = 0, e = 0; d < n; d = e + 1) {
        e = d;
        while (e + 1 < n && r.triggerStatus[e + 1] == r.triggerStatus[d]) ++e;
        if (r.triggerStatus[d] == TriggerStatus::Found) continue;
        std::string span = std::to_string(r.years[d]);
        if (r.years[e] != r.years[d]) span += "&ndash;" + std::to_string(r.years[e]);
        auto it = std::find_if(ranges.begin(), ranges.end(), [&](const auto& x) { return x.first == r.triggerStatus[d]; });
        if (it == ranges.end()) ranges.emplace_back(r.triggerStatus[d], span);
        else it->second += ", " + span;
    }
    std::string o;
    for (const auto& [status, span] : ranges) o += " In " + span + ", " + meaning(status) + ".";
    return o;
}

/// Why the exercise boundary has nothing to draw.
std::string noTriggerText(const InvestmentResult& r) {
    return "<b>No CO&#8322; trigger, so no boundary to draw.</b> The rule does not switch from waiting to investing "
           "as the CO&#8322; price rises within its 1&ndash;99% range (other prices at their means) in any year, "
           "so no single CO&#8322; price marks when to invest." +
           statusRanges(r) + " When the strategy does invest is shown under &ldquo;When the investment happens&rdquo;.";
}

/// The section "Assumptions and sources": every line of the case file whose comment carries a
/// source tag or ASSUMPTION (case_sources.hpp), sourced ones first, with the run's --set overrides
/// marked on the lines they change.
void assumptionsSection(std::ostream& o, const ReportInput& in) {
    const std::vector<SourceNote> notes = caseSourceNotes(in.caseText);
    o << "<h2>Assumptions and sources</h2>\n";
    if (notes.empty()) {
        o << "<p class=\"read\" id=\"no-sources\">The case file carries no source or ASSUMPTION tags: "
             "its comments cite no source for its numbers and mark none as an assumption.</p>\n";
        return;
    }
    std::size_t assumed = 0;
    for (const auto& n : notes) assumed += n.assumption;
    o << "<p class=\"read\">What the case file " << esc(in.c->path) << " says about its numbers, line by line: "
      << notes.size() - assumed << " lines cite a source and " << assumed << " are assumptions. Tags refer to "
      << "data/FACTS.md: [src] read in the cited page, [secondary] found only in a secondary source, [computed] "
         "from the data files, [derived] arithmetic on cited inputs, unconfirmed: not confirmed anywhere. "
         "ASSUMPTION marks a modelling choice of the case, not a fact; a line that says it (or unconfirmed) is "
         "listed as an assumption even when it cites a source too. Values as written in the file";
    if (!in.sets.empty()) o << "; a value changed on the command line (--set) is shown as written &rarr; used";
    if (!in.c->scenario.empty()) o << "; the scenario " << esc(in.c->scenario) << " replaces some of them";
    o << ".</p>\n";
    auto table = [&](bool assumptions) {
        o << "<h3>" << (assumptions ? "Assumptions" : "Sourced") << " (" << (assumptions ? assumed : notes.size() - assumed)
          << ")</h3>\n<table class=\"notes " << (assumptions ? "assumptions" : "sourced") << "\">\n"
          << "<tr><th>line</th><th>key</th><th>value</th><th>source or assumption</th></tr>\n";
        for (const auto& n : notes) {
            if (n.assumption != assumptions) continue;
            std::string value = esc(n.value);
            for (const auto& set : in.sets) {
                const auto eq = set.find('=');
                if (eq != std::string::npos && !n.key.empty() && set.substr(0, eq) == n.key)
                    value += " &rarr; <b>" + esc(set.substr(eq + 1)) + "</b> (--set)";
            }
            o << "<tr><td>" << n.line << "</td><td class=\"key\">" << (n.key.empty() ? "(top level)" : esc(n.key))
              << "</td><td>" << value << "</td><td>" << esc(n.comment) << "</td></tr>\n";
        }
        o << "</table>\n";
    };
    if (assumed < notes.size()) table(false);
    if (assumed > 0) table(true);
}

/// The scenarios' comparison table ("Scenarios compared"), EUR million in the case's currency.
void scenarioTable(std::ostream& o, const std::vector<ScenarioRun>& scenarios, const std::string& cur) {
    o << "<table>\n<tr><th>scenario</th><th>decision</th><th>option value, " << esc(cur)
      << " m</th><th>value of waiting, " << esc(cur) << " m</th><th>first trigger, " << esc(cur)
      << "/t</th><th>P(invested by 2030)</th><th>P(by 2035)</th><th>E[emissions], Mt</th></tr>\n";
    for (const auto& s : scenarios)
        o << "<tr><td>" << esc(s.scenario) << "</td><td>" << esc(decisionText(s.r)) << "</td><td>"
          << fmt("%.0f", s.r.optionValue.value / 1e6) << "</td><td>" << fmt("%.0f", s.r.valueOfWaiting.value / 1e6)
          << "</td><td>" << (s.triggerYear ? fmt("%.0f", s.trigger) + " (" + std::to_string(s.triggerYear) + ")" : "-")
          << "</td><td>" << percent(s.investBy2030) << "</td><td>" << percent(s.investBy2035) << "</td><td>"
          << fmt("%.0f", s.cumulativeEmissions / 1e6) << " &plusmn; " << fmt("%.0f", s.cumulativeEmissionsSe / 1e6)
          << "</td></tr>\n";
    o << "</table>\n";
}

}  // namespace

std::string reportHtml(const ReportInput& in) {
    KP_REQUIRE(in.c && in.r && in.paths, "reportHtml: the case, its result and its per-path values are required");
    const cases::CaseFile& c = *in.c;
    const InvestmentResult& r = *in.r;
    const std::string cur = c.valuation.currency;
    const auto [tYear, tPrice] = firstTrigger(r.years, r.trigger);
    const double by2030 = investedBy(r, 2030).value, by2035 = investedBy(r, 2035).value;
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // nothing may be fetched: all scripts and styles are inline (Vega compiles expressions with
      // Function, hence unsafe-eval)
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' "
         "'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>Kruispunt: " << esc(c.name) << "</title>\n<style>" << assets::kReportCss << "</style>\n"
      << "<script>" << assets::kVegaJs << "</script>\n<script>" << assets::kVegaLiteJs << "</script>\n<script>"
      << assets::kVegaEmbedJs << "</script>\n</head>\n<body>\n<main>\n";
    // header and summary
    o << "<header><div class=\"sub\">Kruispunt real-options valuation</div><h1>" << esc(c.name) << "</h1>\n"
      << "<div class=\"sub\">" << esc(c.description) << "</div>\n<div class=\"sub\">"
      << (c.scenario.empty() ? "scenario: as given in the case" : "scenario: " + esc(c.scenario)) << " &middot; "
      << r.paths << " paths (" << r.trainingPaths << " for the regression) &middot; money: " << esc(cur) << " of "
      << c.valuation.priceBaseYear << ", present value at 1 January " << c.valuation.startYear
      << (c.valuation.afterHorizon ? " &middot; from " + std::to_string(c.valuation.endYear()) +
                                         " on, the last year's cash flows carry on for the rest of each life"
                                   : " &middot; nothing valued from " + std::to_string(c.valuation.endYear()) + " on")
      << "</div></header>\n";
    o << "<div class=\"summary\">\n"
      << "<div class=\"card " << toString(r.decision) << "\"><div class=\"k\">decision today</div><div class=\"v\">"
      << esc(decisionText(r)) << "</div><div class=\"n\">what the optimal strategy does in " << c.valuation.startYear
      << "</div></div>\n"
      << "<div class=\"card\"><div class=\"k\">value of waiting</div><div class=\"v\">" << millions(r.valueOfWaiting.value)
      << "</div><div class=\"n\">&plusmn; " << millions(r.valueOfWaiting.stdError) << " (one standard error)</div></div>\n"
      << "<div class=\"card\"><div class=\"k\">CO&#8322; trigger</div><div class=\"v\">"
      << (tYear ? fmt("%.0f", tPrice) + " " + esc(cur) + "/t" : std::string("none")) << "</div><div class=\"n\">"
      << (tYear ? "invest once the CO&#8322; price is above this in " + std::to_string(tYear)
                : std::string("the decision does not switch at one CO&#8322; price within the simulated range"))
      << "</div></div>\n"
      << "<div class=\"card\"><div class=\"k\">invested by 2030 / 2035</div><div class=\"v\">" << percent(by2030)
      << " / " << percent(by2035) << "</div><div class=\"n\">probability under the optimal strategy</div></div>\n"
      << "</div>\n";
    // the story in a few sentences
    const int best = in.npvTechnology >= 0 ? in.npvTechnology : bestNowTechnology(r);
    o << "<ul class=\"story\">\n<li><b>" << esc(decisionText(r)) << ".</b> The flexible strategy is worth "
      << millions(r.optionValue.value) << " " << esc(cur) << " (&plusmn; " << millions(r.optionValue.stdError) << ")";
    if (best >= 0)
        o << "; committing now to " << esc(r.technologyNames[static_cast<std::size_t>(best)]) << " is worth "
          << millions(r.npvNow[static_cast<std::size_t>(best)].value);
    o << "; carrying on without investing " << millions(r.neverInvest.value) << ".</li>\n";
    o << "<li>Keeping the choice open is worth " << millions(r.valueOfWaiting.value)
      << " over the best thing to commit to today (the value of waiting).</li>\n";
    if (tYear)
        o << "<li>The strategy invests once the CO&#8322; price exceeds about " << fmt("%.0f", tPrice) << " "
          << esc(cur) << "/t (" << tYear << "); the probability of having invested is " << percent(by2030)
          << " by 2030 and " << percent(by2035) << " by 2035.</li>\n";
    if (!in.sensitivities.empty()) {
        std::vector<const Sensitivity*> s;
        for (const auto& x : in.sensitivities) s.push_back(&x);
        std::stable_sort(s.begin(), s.end(), [](const Sensitivity* a, const Sensitivity* b) {
            return std::abs(a->optionValue.value) > std::abs(b->optionValue.value);
        });
        o << "<li>What drives the value most: ";
        for (std::size_t i = 0; i < std::min<std::size_t>(3, s.size()); ++i)
            o << (i ? "; " : "") << esc(s[i]->bump) << " changes it by " << millions(s[i]->optionValue.value);
        o << ".</li>\n";
    }
    if (in.scenarios && !in.scenarios->empty()) {
        o << "<li>Across the scenarios the decision today is ";
        for (std::size_t i = 0; i < in.scenarios->size(); ++i) {
            const auto& s = (*in.scenarios)[i];
            o << (i ? ", " : "") << esc(toString(s.r.decision)) << " (" << esc(s.scenario) << ")";
        }
        o << ".</li>\n";
    }
    // what the price models imply, where they contradict what the case wrote (cases/factor_outlook.hpp)
    if (in.outlook)
        for (const auto& f : *in.outlook)
            if (!f.warning.empty()) o << "<li><b>Check the price model.</b> " << esc(f.warning) << ".</li>\n";
    o << "</ul>\n";
    // key figures
    o << "<h2>Key figures</h2>\n<table>\n<tr><th>value, " << esc(cur) << " million</th><th>estimate</th>"
      << "<th>standard error</th></tr>\n";
    auto row = [&](const std::string& name, const Estimate& e) {
        o << "<tr><td>" << esc(name) << "</td><td>" << fmt("%.1f", e.value / 1e6) << "</td><td>"
          << fmt("%.1f", e.stdError / 1e6) << "</td></tr>\n";
    };
    row("optimal strategy (option value)", r.optionValue);
    row("never invest (carry on)", r.neverInvest);
    for (std::size_t j = 0; j < r.npvNow.size(); ++j) row("invest now: " + r.technologyNames[j], r.npvNow[j]);
    if (std::isfinite(r.closeNow.value)) row("close now", r.closeNow);
    row("value of waiting", r.valueOfWaiting);
    o << "</table>\n";
    // charts
    section(o, "Prices: what the simulation expects",
            "Simulated prices per scenario: the band holds 90% of the paths (5th to 95th percentile), the "
            "dark line is the median, labelled with its value in 2030, 2040 and 2050 (or the last year), and "
            "the thin grey lines are single sample paths. Each price's axis stops a little above its highest "
            "95th percentile across the scenarios: the few paths that go higher are cut off there. A price whose "
            "band spreads far above its median (95th percentile more than 8 times the median) is drawn on a "
            "log scale, as its title says.",
            "fan");
    if (!anyBoundary(r))
        o << "<h2>When to invest: the exercise boundary</h2>\n<p class=\"read no-chart\" id=\"no-boundary\">"
          << noTriggerText(r) << "</p>\n";
    else
        section(o, "When to invest: the exercise boundary",
            "The CO&#8322; price above which the strategy invests in each technology, year by year (other "
            "prices at their expected level, infrastructure in place), over sample CO&#8322; paths. A path "
            "that crosses a line from below triggers the investment. Years without a line have no single "
            "trigger: the rule invests at every CO&#8322; price in the simulated range (1st to 99th "
            "percentile), or at none, there.",
            "boundary");
    if (anyBoundary(r)) {
        const std::string other = statusRanges(r);
        if (!other.empty()) o << "<p class=\"read\" id=\"boundary-other-years\">Years without a point:" << other << "</p>\n";
    }
    section(o, "When the investment happens",
            "Probability that the optimal strategy invests in each technology in a given year (left) and has "
            "invested by then (right).",
            "timing");
    section(o, "What the plant is worth",
            "Distribution over the simulated paths of the present value of the optimal strategy, of "
            "investing now, and of carrying on as is; dashed lines are the means.",
            "value");
    if (in.downside) riskSection(o, in, cur);
    section(o, "Emissions",
            std::string("Expected emissions of the plant under the optimal strategy (line) with the 5th&ndash;95th "
                        "percentile band, against carrying on as it is today (red dashes).") +
                (c.leakage ? " Thin lines: the same with the emissions abroad of the output no longer made here "
                             "(leakage, at " + fmt("%.2f", c.plant.foreignIntensity) +
                             " tCO&#8322;/t): carrying on stops at the end of the plant's life, but the "
                             "product is then made elsewhere."
                           : " The case gives no <code>leakage</code>: output no longer made here is not "
                             "counted anywhere."),
            "emissions");
    section(o, "Production",
            "Expected output made here under the optimal strategy and the plant's nameplate output lost "
            "(closed, stopped at the end of its life, scaled down), in Mt a year.",
            "production");
    if (!in.sensitivities.empty()) {
        section(o, "What drives the value: sensitivities",
                "Change in the option value and in the NPV of investing now for each bump, valued again with the "
                "same random numbers; the black whiskers span &plusmn;2 standard errors of the change.",
                "tornado");
        o << "<table>\n<tr><th>bump</th><th>option value, " << esc(cur) << " m</th><th>SE</th><th>NPV now, "
          << esc(cur) << " m</th><th>SE</th></tr>\n";
        for (const auto& s : in.sensitivities)
            o << "<tr><td>" << esc(s.bump) << "</td><td>" << fmt("%.1f", s.optionValue.value / 1e6) << "</td><td>"
              << fmt("%.1f", s.optionValue.stdError / 1e6) << "</td><td>" << fmt("%.1f", s.npvNow.value / 1e6)
              << "</td><td>" << fmt("%.1f", s.npvNow.stdError / 1e6) << "</td></tr>\n";
        o << "</table>\n";
    }
    if ((in.scenarios && !in.scenarios->empty()) || !in.scenariosRefused.empty()) {
        section(o, "Scenarios compared",
                "The same case under each scenario (fewer paths than the main valuation; colour: the decision "
                "today).",
                "compare");
        if (in.scenarios && !in.scenarios->empty()) scenarioTable(o, *in.scenarios, cur);
        for (const auto& [name, why] : in.scenariosRefused)
            o << "<p>Scenario " << esc(name) << " does not apply to this case: " << esc(why) << "</p>\n";
    }
    assumptionsSection(o, in);
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&now));
    o << "<footer>Least-squares Monte Carlo (Longstaff &amp; Schwartz 2001) over the case's technologies; method "
         "and assumptions in docs/valuation.md. Case file: "
      << esc(c.path) << ". Written " << date << " by kruispunt; charts: " << assets::kVersions << ".</footer>\n";
    o << "</main>\n<script type=\"application/json\" id=\"kp-data\">" << scriptSafe(chartData(in))
      << "</script>\n<script>" << assets::kReportJs << "</script>\n</body>\n</html>\n";
    return o.str();
}

void writeReport(const std::string& file, const ReportInput& in) {
    io::writeFile(file, reportHtml(in), "--report");
}

}  // namespace kp::results
