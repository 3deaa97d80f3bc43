// `kruispunt value CASE.yaml`: invest now, wait, or close, by least-squares Monte Carlo over the
// case's technologies. See docs/valuation.md (method, outputs) and docs/case-file.md (the input).
// The case -> engine conversion and the common options are in case_run.cpp.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "case_run.hpp"
#include "commands.hpp"
#include "kp/cases/case_file.hpp"
#include "kp/cases/factor_outlook.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/results/result_checks.hpp"
#include "kp/results/technology_risk.hpp"
#include "value_run.hpp"

namespace kp::app {

namespace {

/// The years at which the pass-through is shown: the start, then 2030, 2040, 2050 within the horizon.
std::vector<int> passThroughYears(const cases::CaseFile& c) {
    std::vector<int> ys{c.valuation.startYear};
    for (int y : {2030, 2040, 2050})
        if (y > c.valuation.startYear && y < c.valuation.endYear()) ys.push_back(y);
    return ys;
}


struct ValueOptions {
    std::string casePath;
    CommonOptions common;
    std::string out;
    ValueExtras extras;
};

std::string waitingWarning(const InvestmentResult& r);

nlohmann::ordered_json toJson(const cases::CaseFile& c, const InvestmentResult& r,
                              const std::optional<InvestmentUpperBound>& upper,
                              const std::vector<cases::FactorOutlook>& outlook, const results::Downside& downside) {
    nlohmann::ordered_json j;
    j["case"] = c.name;
    j["scenario"] = c.scenario.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.scenario);
    j["currency"] = c.valuation.currency;
    j["price_base_year"] = c.valuation.priceBaseYear;
    j["after_horizon"] = c.valuation.afterHorizon ? "last_year" : "none";
    j["decision"] = toString(r.decision);
    j["technology"] = r.technology >= 0 ? nlohmann::ordered_json(r.technologyNames[static_cast<std::size_t>(r.technology)])
                                        : nlohmann::ordered_json();
    nlohmann::ordered_json npv = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.npvNow.size(); ++i) npv[r.technologyNames[i]] = results::estimateJson(r.npvNow[i]);
    j["npv_now"] = npv;
    j["never_invest"] = results::estimateJson(r.neverInvest);
    j["close_now"] = results::numberOrNull(r.closeNow.value);
    j["option_value"] = results::estimateJson(r.optionValue);
    if (upper) j["upper_bound"] = upperBoundJson(*upper);
    j["value_of_waiting"] = results::estimateJson(r.valueOfWaiting);
    nlohmann::ordered_json trig = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        trig.push_back({{"year", r.years[d]},
                        {"co2_price", results::numberOrNull(r.trigger[d])},
                        {"std_error", results::numberOrNull(r.triggerStdError[d])},
                        {"status", toString(r.triggerStatus[d])}});
    j["trigger"] = trig;
    nlohmann::ordered_json trigTech = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.triggerByTechnology.size(); ++i) {
        nlohmann::ordered_json t = nlohmann::ordered_json::array();
        for (std::size_t d = 0; d < r.years.size(); ++d)
            t.push_back({{"year", r.years[d]}, {"co2_price", results::numberOrNull(r.triggerByTechnology[i][d])},
                         {"status", toString(r.triggerStatusByTechnology[i][d])}});
        trigTech[r.technologyNames[i]] = t;
    }
    j["trigger_by_technology"] = trigTech;
    nlohmann::ordered_json timing = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.timing.size(); ++i) {
        nlohmann::ordered_json a = nlohmann::ordered_json::array();
        for (std::size_t d = 0; d < r.years.size(); ++d)
            a.push_back({{"year", r.years[d]}, {"probability", r.timing[i][d]}});
        timing[r.technologyNames[i]] = a;
    }
    j["timing"] = timing;
    nlohmann::ordered_json close = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        close.push_back({{"year", r.years[d]}, {"probability", r.closeProbability[d]}});
    j["close_timing"] = close;
    j["never_probability"] = r.neverProbability;
    {
        nlohmann::ordered_json oc = nlohmann::ordered_json::object();
        auto share = [&](const char* name, const OutcomeShare& o) {
            oc[name] = {{"probability", o.probability},
                        {"contribution", results::estimateJson(o.contribution)},
                        {"mean_value", results::numberOrNull(o.meanValue)}};
        };
        share("invested", r.outcomes.invested);
        share("closed_early", r.outcomes.closedEarly);
        share("end_of_life", r.outcomes.endOfLife);
        share("running_at_horizon", r.outcomes.runningAtHorizon);
        share("relined", r.outcomes.relined);
        if (c.plant.reline && c.plant.investAfterReline)  // parts of invested and closed_early
            oc["relined_then"] = {{"invested", {{"probability", r.outcomes.relinedThenInvested}}},
                                  {"closed", {{"probability", r.outcomes.relinedThenClosed}}}};
        if (std::find(r.alongside.begin(), r.alongside.end(), 1) != r.alongside.end())
            share("piloted", r.outcomes.piloted);  // a technology beside the plant (only then)
        if (c.plant.mothball) {
            share("mothballed", r.outcomes.mothballed);
            oc["restarted"] = {{"probability", r.outcomes.restarted}};
        }
        oc["end_of_life_year"] = r.outcomes.endOfLifeYear;
        j["outcomes"] = oc;
    }
    nlohmann::ordered_json by = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        by.push_back({{"year", r.years[d]}, {"probability", r.investedBy[d].value},
                      {"std_error", r.investedBy[d].stdError}});
    j["invested_by"] = by;
    nlohmann::ordered_json em = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        em.push_back({{"year", r.years[d]},
                      {"mean", r.emissionsMean[d]},
                      {"p5", r.emissionsP5[d]},
                      {"p95", r.emissionsP95[d]}});
    j["emissions"] = em;
    j["horizon_emissions_t"] = results::estimateJson(r.horizonEmissions);
    nlohmann::ordered_json prod = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d) {
        const ProductionYear& py = r.production[d];
        prod.push_back({{"year", r.years[d]},
                        {"p_operating", py.operating},
                        {"output_t", py.output},
                        {"output_lost_t", py.lost},
                        {"jobs", py.jobs},
                        {"leakage_tco2", py.leakage},
                        {"emissions_with_leakage_tco2", r.emissionsMean[d] + py.leakage}});
    }
    j["production"] = prod;
    nlohmann::ordered_json cc = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        cc.push_back({{"year", r.years[d]},
                      {"p5", r.carbonCostNever[d].p5},
                      {"p50", r.carbonCostNever[d].p50},
                      {"p95", r.carbonCostNever[d].p95}});
    j["carbon_cost"] = cc;
    j["downside"] = results::downsideJson(downside);  // docs/valuation.md, "Downside"
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (std::size_t s = 0; s < r.stageNames.size(); ++s) {
        nlohmann::ordered_json a = nlohmann::ordered_json::array();
        double total = 0;
        for (std::size_t d = 0; d < r.years.size(); ++d) {
            a.push_back({{"year", r.years[d]}, {"probability", r.stageTiming[s][d]}});
            total += r.stageTiming[s][d];
        }
        const Technology* t = nullptr;
        for (const auto& o : c.options)
            if (o.name == r.stageNames[s]) t = &o;
        stages[r.stageNames[s]] = {{"requires", t ? t->requiresOption : std::string()},
                                   {"probability", total},
                                   {"timing", a}};
    }
    j["stages"] = stages;
    j["paths"] = r.paths;
    j["training_paths"] = r.trainingPaths;
    j["rules"] = r.rules;
    // numerical fallbacks of the trained rule (docs/valuation.md, "Numerical fallbacks")
    j["fallback_dates"] = r.fallbackDates;
    j["basis_resized_dates"] = r.basisResizedDates;
    j["regression_fallbacks"] = {{"householder", r.householderFits}, {"rank_deficient", r.rankDeficientFits}};
    // what the price models imply (cases/factor_outlook.hpp), and warnings about them
    nlohmann::ordered_json outlookJson = nlohmann::ordered_json::array(), warnings = nlohmann::ordered_json::array();
    for (const auto& f : outlook) {
        nlohmann::ordered_json ys = nlohmann::ordered_json::array();
        for (const auto& y : f.years)
            ys.push_back({{"year", y.year}, {"median", y.median}, {"mean", y.mean}, {"mean_std_error", y.meanStdError}});
        nlohmann::ordered_json entry{{"factor", f.name}, {"unit", f.unit}, {"spot", f.spot}};
        if (const cases::Factor* cf = c.factor(f.name); cf && cf->hasPath()) {
            entry["path"] = cf->pathSource;
            entry["anchor"] = cf->path.mean ? "mean" : "median";
        }
        entry["years"] = ys;
        outlookJson.push_back(entry);
        if (!f.warning.empty()) warnings.push_back(f.warning);
    }
    j["factor_outlook"] = outlookJson;
    if (c.policy.passThrough.share > 0) {  // only when given: cases without it keep their JSON
        const CarbonPassThrough& pt = c.policy.passThrough;
        nlohmann::ordered_json per = nlohmann::ordered_json::array();
        for (int y : passThroughYears(c)) per.push_back({{"year", y}, {"uplift_per_eua", pt.perEua(y)}});
        j["carbon_pass_through"] = {{"share", pt.share},
                                    {"reference_intensity_t_per_t", pt.referenceIntensity},
                                    {"reference_benchmark_t_per_t", pt.referenceBenchmark},
                                    {"export_share", pt.exportShare},
                                    {"years", per}};
    }
    if (const auto risk = results::technologyRiskSummaries(c.options); !risk.empty())  // only when given
        j["technology_risk"] = results::technologyRiskJson(risk);
    if (const std::string ww = waitingWarning(r); !ww.empty()) warnings.push_back(ww);
    j["warnings"] = warnings;
    j["seconds"] = r.seconds;
    return j;
}

/// A value of waiting between 2 and 3 standard errors below 0 (3 and more: a fitting failure,
/// results::checkResult): the decision is doubtful, and the output says so. A value of waiting
/// within 2 standard errors of 0 (and not exactly 0, as when investing now is the rule's choice):
/// waiting and the best static strategy are not told apart, so the decision could go either way.
std::string waitingWarning(const InvestmentResult& r) {
    const Estimate& w = r.valueOfWaiting;
    const double shortfall = results::waitingShortfall(r);
    if (!(shortfall > 2)) {
        const bool zero = std::abs(w.value) <= 1e-9 * std::abs(r.optionValue.value);
        if (zero || !(w.stdError > 0) || !(std::abs(w.value) < 2 * w.stdError)) return "";
        std::ostringstream o;
        o << std::fixed << std::setprecision(1) << "the value of waiting is " << w.value / 1e6 << " +- "
          << w.stdError / 1e6 << " m, within 2 standard errors of 0: at these settings waiting and the best static "
             "strategy are not told apart (the independently trained rules disagree), so the decision could go "
             "either way. Try more paths and training paths (simulation.training_paths) and compare seeds";
        return o.str();
    }
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << "the value of waiting is " << w.value / 1e6 << " +- " << w.stdError / 1e6
      << " m, " << shortfall
      << " standard errors below 0: the flexible strategy should be worth at least the best static one, so the "
         "fitted rule may be poor and the decision doubtful (3 standard errors or more is refused as a fitting "
         "failure). Try more training paths, another simulation.degree or basis, and compare seeds";
    return o.str();
}

std::string money(double x) {
    std::ostringstream o;
    if (!std::isfinite(x)) return "n/a";
    o << std::fixed << std::setprecision(1) << x / 1e6 << " m";
    return o.str();
}

void printText(const cases::CaseFile& c, const InvestmentResult& r, const std::optional<InvestmentUpperBound>& upper,
               const std::vector<cases::FactorOutlook>& outlook) {
    std::ostream& o = std::cout;
    const std::string cur = c.valuation.currency;
    o << "Case " << c.name << (c.scenario.empty() ? "" : " (scenario " + c.scenario + ")") << ", "
      << r.paths << " paths, " << r.rules << (r.rules == 1 ? " rule" : " independently trained rules") << " of "
      << r.trainingPaths << " regression paths" << (r.rules == 1 ? "" : " each") << ", " << std::fixed
      << std::setprecision(2) << r.seconds << " s\n";
    o << "Decision: " << toString(r.decision);
    if (r.technology >= 0) o << " in " << r.technologyNames[static_cast<std::size_t>(r.technology)];
    o << "\n\nValues (" << cur << " " << c.valuation.priceBaseYear << ", present value at "
      << c.valuation.startYear << "; +- one standard error"
      << (r.rules > 1 ? ", including the spread between the rules" : ", pricing noise only") << ")\n";
    if (c.valuation.afterHorizon)
        o << "After the horizon (" << c.valuation.endYear() << " on): what runs in its last year carries on with that "
          << "year's cash flow for the rest of its life (valuation.after_horizon: last_year)\n";
    auto line = [&](const std::string& name, const Estimate& e) {
        o << "  " << std::left << std::setw(28) << name << std::right << std::setw(14) << money(e.value)
          << "  +- " << money(e.stdError) << "\n";
    };
    line("option (flexible strategy)", r.optionValue);
    if (upper) {
        line("  dual upper bound", upper->value);
        o << "    (gap " << money(upper->gap.value) << " +- " << money(upper->gap.stdError) << "; "
          << upper->outerPaths << " outer x " << upper->innerPaths << " inner paths, " << std::fixed
          << std::setprecision(1) << upper->seconds << " s; docs/valuation.md, Upper bound)\n";
    }
    line("never invest", r.neverInvest);
    for (std::size_t i = 0; i < r.npvNow.size(); ++i) line("invest now: " + r.technologyNames[i], r.npvNow[i]);
    if (std::isfinite(r.closeNow.value)) line("close now", r.closeNow);
    line("value of waiting", r.valueOfWaiting);
    if (const std::string ww = waitingWarning(r); !ww.empty()) o << "Warning: " << ww << "\n";
    if (!outlook.empty() && !outlook.front().years.empty()) {
        o << "\nPrices the case assumes (median / mean of 20,000 simulated paths; today's in brackets)\n";
        for (const auto& f : outlook) {
            o << "  " << std::left << std::setw(12) << f.name << std::right << " (" << std::setprecision(4)
              << std::defaultfloat << f.spot << " " << f.unit << ")";
            if (const cases::Factor* cf = c.factor(f.name); cf && cf->hasPath())
                o << " [" << (cf->path.mean ? "mean" : "median") << " path: " << cf->pathSource << "]";
            for (const auto& y : f.years)
                o << "  " << y.year << ": " << std::setprecision(4) << y.median << " / " << y.mean;
            o << "\n";
        }
        for (const auto& f : outlook)
            if (!f.warning.empty()) o << "Warning: " << f.warning << "\n";
    }
    results::printTechnologyRisk(o, results::technologyRiskSummaries(c.options), cur);
    if (c.policy.passThrough.share > 0) {
        o << "Carbon pass-through (policy.carbon_pass_through), " << cur << "/t of product per " << cur
          << "/t of CO2:";
        for (int y : passThroughYears(c))
            o << "  " << y << ": " << std::fixed << std::setprecision(3) << c.policy.passThrough.perEua(y);
        o << "\n";
    }
    o << std::fixed;
    o << "\nYear   P(invest) by technology";
    for (const auto& n : r.technologyNames) o << " | " << n;
    o << " | P(close) | P(invested by) | CO2 trigger " << cur << "/t | E[emissions] Mt\n";
    for (std::size_t d = 0; d < r.years.size(); ++d) {
        o << r.years[d] << "  ";
        for (std::size_t i = 0; i < r.timing.size(); ++i) o << " " << std::setprecision(3) << r.timing[i][d];
        o << "  " << r.closeProbability[d] << "  " << r.investedBy[d].value << " +- " << r.investedBy[d].stdError
          << "  ";
        if (std::isfinite(r.trigger[d])) {
            o << std::setprecision(1) << r.trigger[d];
            if (std::isfinite(r.triggerStdError[d])) o << " +- " << r.triggerStdError[d];
        } else {
            switch (r.triggerStatus[d]) {
                case TriggerStatus::AboveRange: o << "above range"; break;
                case TriggerStatus::BelowRange: o << "below range"; break;
                default: o << "-";
            }
        }
        o << "  " << std::setprecision(2) << r.emissionsMean[d] / 1e6 << "\n";
    }
    o << "P(never invest) = " << std::setprecision(3) << r.neverProbability << "\n";
    o << "Emissions over the horizon (expected, this strategy): " << std::setprecision(1)
      << r.horizonEmissions.value / 1e6 << " Mt +- " << r.horizonEmissions.stdError / 1e6 << " Mt\n";
    {
        // never investing, split by what happens to the plant as it is (mean value on those paths)
        const Outcomes& oc = r.outcomes;
        auto part = [&](const char* what, const OutcomeShare& s) {
            o << "  " << std::left << std::setw(34) << what << std::right << std::setprecision(3) << s.probability;
            if (s.probability > 0) o << "   mean value " << std::setprecision(1) << s.meanValue / 1e6 << " m";
            o << "\n";
        };
        o << "Outcomes of the strategy (probability; mean value on those paths):\n";
        const bool after = c.plant.reline && c.plant.investAfterReline;  // decisions after a reline
        auto relinedFirst = [&](double p) {
            if (after) o << "    of which after relining           " << std::setprecision(3) << p << "\n";
        };
        part("invests", oc.invested);
        relinedFirst(oc.relinedThenInvested);
        part("closes early", oc.closedEarly);
        relinedFirst(oc.relinedThenClosed);
        part(("runs to its end of life (" + std::to_string(oc.endOfLifeYear) + ")").c_str(), oc.endOfLife);
        part("still running at the horizon", oc.runningAtHorizon);
        if (c.plant.reline) part(after ? "relines, no later decision" : "relines (life extended)", oc.relined);
        if (std::find(r.alongside.begin(), r.alongside.end(), 1) != r.alongside.end())
            part("builds beside it (pilot)", oc.piloted);
        if (c.plant.mothball) {
            part("mothballs (care and maintenance)", oc.mothballed);
            o << "    of which restarted later          " << std::setprecision(3) << oc.restarted << "\n";
        }
        if (c.plant.decommissioningCost > 0)
            o << "  (decommissioning " << std::setprecision(1) << c.plant.decommissioningCost / 1e6 << " m " << cur
              << " when the plant as it is stops: end of life, closing or replacement)\n";
    }
    {
        // production here, what is lost to closing, stopping or scaling down, jobs and leakage
        o << "\nProduction (expected; lost: the plant's nameplate output not made here";
        if (c.leakage) o << ", made abroad at " << std::setprecision(2) << c.plant.foreignIntensity << " tCO2/t";
        const bool jobs = c.plant.jobs > 0;
        o << ")\nYear   P(operating)  output Mt  lost Mt" << (jobs ? "    jobs" : "");
        if (c.leakage) o << "  leakage Mt  emissions + leakage Mt";
        o << "\n";
        for (std::size_t d = 0; d < r.years.size(); ++d) {
            if (d != 0 && r.years[d] % 5 != 0 && d + 1 != r.years.size()) continue;  // every fifth year
            const ProductionYear& py = r.production[d];
            o << r.years[d] << "   " << std::setprecision(3) << std::setw(10) << py.operating << "  " << std::setprecision(2)
              << std::setw(9) << py.output / 1e6 << "  " << std::setw(7) << py.lost / 1e6;
            if (jobs) o << "  " << std::setprecision(0) << std::setw(6) << py.jobs;
            if (c.leakage)
                o << "  " << std::setprecision(2) << std::setw(10) << py.leakage / 1e6 << "  " << std::setw(22)
                  << (r.emissionsMean[d] + py.leakage) / 1e6;
            o << "\n";
        }
    }
    bool anyTrigger = false, anyAbove = false;
    for (std::size_t d = 0; d < r.years.size(); ++d)
        anyTrigger |= std::isfinite(r.trigger[d]), anyAbove |= r.triggerStatus[d] == TriggerStatus::AboveRange;
    if (std::isfinite(r.trigger[0]))
        o << "Invest now if the CO2 price is above " << std::setprecision(1) << r.trigger[0] << " " << cur
          << "/t (today's trigger; " << c.valuation.startYear << ")\n";
    if (!anyTrigger)
        o << "No CO2 trigger: in no year does the rule switch from waiting to investing as the CO2 price\n"
             "rises through its 1-99% range (other prices at their means)"
          << (anyAbove ? ": in some years investing gains on waiting as the price rises, but does not\n"
                         "overtake it within the range ('above range')"
                       : ", so investing is not driven by\nthe CO2 price alone")
          << " (docs/valuation.md, trigger).\n";
    for (std::size_t s = 0; s < r.stageNames.size(); ++s) {
        double total = 0, when = 0;
        for (std::size_t d = 0; d < r.years.size(); ++d) total += r.stageTiming[s][d], when += r.stageTiming[s][d] * r.years[d];
        o << "Stage " << r.stageNames[s] << ": decided on " << std::setprecision(3) << total << " of paths";
        if (total > 0) o << ", on average in " << std::setprecision(1) << when / total;
        o << "\n";
    }
    if (r.fallbackDates)
        o << "Note: at " << r.fallbackDates << " decision dates too few regression paths were left to fit the "
          << "rule; its estimates there are the means over the paths (raise simulation.training_paths)\n";
    if (r.basisResizedDates)
        o << "Note: at " << r.basisResizedDates << " decision dates the regression basis got a lower degree than "
          << "simulation.degree (at most " << 64 << " functions, at least 10 training paths a function)\n";
    if (r.rankDeficientFits)
        o << "Note: " << r.rankDeficientFits << " regressions had a rank-deficient design (minimum-norm fit); "
          << "results stand, but a smaller degree may fit as well\n";
}

/// The files of --out DIR: results.json and one CSV per table (plus sensitivities.csv).
const std::vector<std::string> kOutFiles = {"results.json", "npv_now.csv", "timing.csv", "trigger.csv",
                                            "emissions.csv", "production.csv", "carbon_cost.csv",
                                            "sensitivities.csv", "downside.csv", "cash_flow_at_risk.csv",
                                            "worst_year.csv"};

/// Writes results.json and the CSV tables into DIR, whole or not at all (kp::io::writeFiles: every
/// file to a temporary file in DIR, checked and fsynced, then all renamed), so a failure leaves DIR
/// as it was.
void writeOut(const std::string& dir, const nlohmann::ordered_json& j, const InvestmentResult& r,
              const results::Downside& downside, const std::string& currency,
              const std::vector<results::Sensitivity>* sens) {
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::ostringstream>> files;
    auto file = [&](const std::string& name) -> std::ostringstream& {
        files.emplace_back(name, std::ostringstream());
        files.back().second << std::setprecision(10);
        return files.back().second;
    };
    file("results.json") << j.dump(2) << '\n';
    {
        auto& f = file("npv_now.csv");
        f << "technology,npv_now_" << currency << ",std_error_" << currency << "\n";
        for (std::size_t i = 0; i < r.npvNow.size(); ++i)
            f << r.technologyNames[i] << "," << r.npvNow[i].value << "," << r.npvNow[i].stdError << "\n";
        f << "never_invest," << r.neverInvest.value << "," << r.neverInvest.stdError << "\n";
        f << "option_value," << r.optionValue.value << "," << r.optionValue.stdError << "\n";
        f << "value_of_waiting," << r.valueOfWaiting.value << "," << r.valueOfWaiting.stdError << "\n";
    }
    {
        auto& f = file("timing.csv");
        f << "year";
        for (const auto& n : r.technologyNames) f << "," << n << "_probability";
        f << ",close_probability\n";
        for (std::size_t d = 0; d < r.years.size(); ++d) {
            f << r.years[d];
            for (const auto& t : r.timing) f << "," << t[d];
            f << "," << r.closeProbability[d] << "\n";
        }
    }
    {
        auto& f = file("trigger.csv");
        f << "year,co2_trigger_" << currency << "_per_tco2,co2_trigger_se_" << currency << "_per_tco2,status";
        for (const auto& n : r.technologyNames) f << "," << n << "_co2_trigger_" << currency << "_per_tco2," << n << "_status";
        f << "\n";
        auto cell = [](double x) { return std::isfinite(x) ? std::to_string(x) : std::string(); };
        for (std::size_t d = 0; d < r.years.size(); ++d) {
            f << r.years[d] << "," << cell(r.trigger[d]) << "," << cell(r.triggerStdError[d]) << ","
              << toString(r.triggerStatus[d]);
            for (std::size_t i = 0; i < r.triggerByTechnology.size(); ++i)
                f << "," << cell(r.triggerByTechnology[i][d]) << "," << toString(r.triggerStatusByTechnology[i][d]);
            f << "\n";
        }
    }
    {
        auto& f = file("emissions.csv");
        f << "year,mean_tco2,p5_tco2,p95_tco2\n";
        for (std::size_t d = 0; d < r.years.size(); ++d)
            f << r.years[d] << "," << r.emissionsMean[d] << "," << r.emissionsP5[d] << "," << r.emissionsP95[d] << "\n";
    }
    {
        auto& f = file("production.csv");
        f << "year,p_operating,output_t,output_lost_t,jobs,leakage_tco2,emissions_with_leakage_tco2\n";
        for (std::size_t d = 0; d < r.years.size(); ++d) {
            const ProductionYear& py = r.production[d];
            f << r.years[d] << "," << py.operating << "," << py.output << "," << py.lost << "," << py.jobs << ","
              << py.leakage << "," << r.emissionsMean[d] + py.leakage << "\n";
        }
    }
    {
        auto& f = file("carbon_cost.csv");
        f << "year,p5_" << currency << ",p50_" << currency << ",p95_" << currency << "\n";
        for (std::size_t d = 0; d < r.years.size(); ++d)
            f << r.years[d] << "," << r.carbonCostNever[d].p5 << "," << r.carbonCostNever[d].p50 << ","
              << r.carbonCostNever[d].p95 << "\n";
    }
    file("downside.csv") << results::downsideCsv(downside, currency);
    file("cash_flow_at_risk.csv") << results::cashFlowAtRiskCsv(downside, currency);
    file("worst_year.csv") << results::worstYearCsv(downside, currency);
    if (sens) file("sensitivities.csv") << sensitivitiesCsv(*sens, currency);
    std::vector<io::OutputFile> out;
    for (const auto& [name, text] : files) out.push_back({(fs::path(dir) / name).string(), text.str()});
    io::writeFiles(out, "--out");
}

int runValue(const ValueOptions& v) {
    const cases::CaseFile c = loadCase(v.casePath, v.common);
    // output paths and the loan are checked before the valuation: a bad one stops at once, with
    // nothing written
    if (!v.out.empty()) io::checkOutputDirectory(v.out, kOutFiles, "--out");
    if (!v.extras.report.empty()) io::checkOutputFile(v.extras.report, "--report");
    std::optional<cases::LoanFile> loan;
    std::optional<cases::CaseFile> loanCase;  // the case with the loan's conditions precedent
    if (!v.extras.loan.empty()) {
        loan = cases::loadLoanFile(v.extras.loan);
        cases::checkLoanAgainstCase(*loan, c);
        if (!loan->conditions.empty()) {
            loanCase = loadCaseForLoan(v.casePath, v.common, v.common.scenario, *loan);
            cases::checkLoanAgainstCase(*loan, *loanCase);
        }
    }
    const ValueRun run = valueCase(v.casePath, c, v.common, v.extras, loan ? &*loan : nullptr,
                                   loanCase ? &*loanCase : nullptr);
    const InvestmentResult& r = run.r;
    auto j = toJson(c, r, run.upper, run.outlook, run.downside);
    const bool sens = v.extras.sensitivities || !v.extras.report.empty();
    const std::string npvTech = run.npvTechnology >= 0 ? r.technologyNames[static_cast<std::size_t>(run.npvTechnology)] : "";
    if (sens) j["sensitivities"] = results::sensitivitiesJson(run.sensitivities);
    if (run.loan) j["loan"] = loanJson(*run.loan, *loan);  // as `kruispunt loan --json` gives the run
    if (!v.out.empty())
        writeOut(v.out, j, r, run.downside, c.valuation.currency, sens ? &run.sensitivities : nullptr);
    if (v.common.json) {
        std::cout << j.dump() << '\n';
    } else {
        printText(c, r, run.upper, run.outlook);
        printDownside(std::cout, run.downside, c.valuation.currency);
        if (run.loan) printValueLoan(std::cout, *run.loan, *loan);
        if (sens) printSensitivities(std::cout, run.sensitivities, c.valuation.currency, npvTech);
        if (!v.extras.report.empty()) std::cout << "\nReport written to " << v.extras.report << "\n";
    }
    return 0;
}

}  // namespace

void addValueCommand(CLI::App& app, Action& action) {
    static ValueOptions v;
    auto* c = app.add_subcommand("value", "Value a case file: invest now, wait or close (LSM)");
    c->add_option("case", v.casePath, "Case file (YAML, see docs/case-file.md)")->required();
    addCommonOptions(c, v.common);
    c->add_option("--out", v.out, "Write results.json and CSV tables into this directory");
    addValueExtras(c, v.extras);
    c->callback([&action] { action = [] { return runValue(v); }; });
}

}  // namespace kp::app
