// `kruispunt value CASE.yaml`: invest now, wait, or close, by least-squares Monte Carlo over the
// case's technologies. See docs/valuation.md (method, outputs) and docs/case-file.md (the input).
//
// The conversion from the case file to the engine's InvestmentProblem lives here, in the app: the
// app is the one layer that may read cases/ and drive engine/ (README "Layout"); cases/ stays free
// of engine types and engine/ never sees YAML.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "kp/cases/case_file.hpp"
#include "kp/core/errors.hpp"
#include "kp/engine/investment_lsm.hpp"
#include "kp/models/gbm.hpp"

namespace kp::app {

/// The engine's view of a checked case (see investment_problem.hpp for what is left out: stages,
/// quarterly decision dates are valued on the yearly grid).
InvestmentProblem toInvestmentProblem(const cases::CaseFile& c) {
    using cases::FactorModel;
    InvestmentProblem pr;
    pr.startYear = c.valuation.startYear;
    pr.horizonYears = c.valuation.horizonYears;
    for (int k = 0; k < pr.horizonYears; ++k) pr.discount.push_back(c.valuation.discount.factor(k));
    pr.plant = c.plant;
    pr.policy = c.policy;

    // factor models in the order of CaseFile::brownianNames: factors, then maturity deployments
    std::vector<ModelPtr> models;
    std::map<std::string, std::size_t> modelOf;  // factor or maturity name -> model index
    for (const auto& f : c.factors)
        if (auto m = f.makeModel()) modelOf[f.name] = models.size(), models.push_back(m);
    for (const auto& mt : c.maturity)
        if (auto m = mt.deployment.makeModel()) modelOf["maturity:" + mt.name] = models.size(), models.push_back(m);
    Eigen::MatrixXd corr = c.correlation;
    if (models.empty()) {  // nothing stochastic: one idle driver keeps the simulator's shape
        models.push_back(std::make_shared<Gbm>(GbmParams{1.0, 0.0, 0.0, 0.0}));
        corr = Eigen::MatrixXd::Identity(1, 1);
    }
    auto set = std::make_shared<ModelSet>(models, corr);
    pr.factors = set;

    for (const auto& mt : c.maturity) {
        LearningSource ls;
        ls.name = mt.name;
        ls.curve = mt.curve;
        if (auto it = modelOf.find("maturity:" + mt.name); it != modelOf.end())
            ls.stateIndex = static_cast<int>(set->stateOffset(it->second));
        pr.learning.push_back(ls);
    }
    auto learningIndex = [&](const std::string& name) {
        for (std::size_t i = 0; i < c.maturity.size(); ++i)
            if (c.maturity[i].name == name) return static_cast<int>(i);
        return -1;
    };
    auto source = [&](const std::string& name) {
        const cases::Factor* f = c.factor(name);
        if (!f) return PriceSource::fixed(0.0);
        if (f->model == FactorModel::Constant) return PriceSource::fixed(f->constant);
        if (f->model == FactorModel::Derived) {
            PriceSource ps;
            ps.kind = PriceSource::Kind::Derived;
            const cases::Factor* from = c.factor(f->derivedFrom);
            KP_REQUIRE(from != nullptr, c.path, ": factors.", name, ".from: the factor is '", f->derivedFrom,
                       "', but must be a factor of the case");
            if (from->model == FactorModel::Constant) {
                ps.sourceState = false;
                ps.sourceConstant = from->constant;
            } else {
                ps.stateIndex = set->stateOffset(modelOf.at(from->name));
            }
            ps.efficiency = f->efficiency;
            ps.adder = f->adder;
            ps.scale = f->scale;
            ps.learningIndex = f->adderMaturity.empty() ? -1 : learningIndex(f->adderMaturity);
            ps.learningShare = f->adderLearningShare;
            return ps;
        }
        return PriceSource::state(set->stateOffset(modelOf.at(name)));
    };
    pr.co2 = source("co2");
    pr.gas = source("gas");
    pr.power = source("power");
    pr.hydrogen = source("hydrogen");
    pr.product = source("product");

    for (const auto& inf : c.infrastructure) {
        pr.infrastructureNames.push_back(inf.name);
        pr.infrastructure.push_back(inf.arrival);
    }
    std::map<std::string, std::size_t> availability;  // maturity name -> arrival index
    for (const auto& mt : c.maturity)
        if (mt.available) {
            availability[mt.name] = pr.infrastructure.size();
            pr.infrastructureNames.push_back(mt.name + ".available");
            pr.infrastructure.push_back(*mt.available);
        }
    for (const auto& t : c.options) {
        if (!t.requiresOption.empty()) continue;  // stages: not valued yet (docs/valuation.md)
        TechnologyOption o;
        o.tech = t;
        o.learningIndex = t.maturity.empty() ? -1 : learningIndex(t.maturity);
        for (const auto& name : t.infrastructure)
            for (std::size_t i = 0; i < c.infrastructure.size(); ++i)
                if (c.infrastructure[i].name == name) o.infrastructure.push_back(i);
        if (auto it = availability.find(t.maturity); it != availability.end())
            o.infrastructure.push_back(it->second);
        pr.technologies.push_back(o);
    }
    for (const auto* e : {&c.alternatives.close, &c.alternatives.relocate})
        if (e->allowed) {
            ExitOption x;
            x.name = e == &c.alternatives.close ? "close" : "relocate";
            x.value = e->value;
            x.cost = e->cost;
            x.earliestYear = e->earliestYear;
            x.latestYear = e->latestYear;
            pr.exits.push_back(x);
        }
    return pr;
}

namespace {

struct ValueOptions {
    std::string casePath;
    std::string scenario;
    std::optional<std::size_t> paths, threads;
    std::optional<std::uint64_t> seed;
    std::vector<std::string> sets;
    std::string out;
    bool json = false;
};

nlohmann::ordered_json numberOrNull(double x) {
    return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json();
}
nlohmann::ordered_json est(const Estimate& e) {
    return {{"value", numberOrNull(e.value)}, {"std_error", numberOrNull(e.stdError)}};
}

nlohmann::ordered_json toJson(const cases::CaseFile& c, const InvestmentResult& r,
                              const std::vector<std::string>& skipped) {
    nlohmann::ordered_json j;
    j["case"] = c.name;
    j["scenario"] = c.scenario.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.scenario);
    j["currency"] = c.valuation.currency;
    j["price_base_year"] = c.valuation.priceBaseYear;
    j["decision"] = toString(r.decision);
    j["technology"] = r.technology >= 0 ? nlohmann::ordered_json(r.technologyNames[static_cast<std::size_t>(r.technology)])
                                        : nlohmann::ordered_json();
    nlohmann::ordered_json npv = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.npvNow.size(); ++i) npv[r.technologyNames[i]] = est(r.npvNow[i]);
    j["npv_now"] = npv;
    j["never_invest"] = est(r.neverInvest);
    j["close_now"] = numberOrNull(r.closeNow.value);
    j["option_value"] = est(r.optionValue);
    j["value_of_waiting"] = est(r.valueOfWaiting);
    nlohmann::ordered_json trig = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        trig.push_back({{"year", r.years[d]}, {"co2_price", numberOrNull(r.trigger[d])}});
    j["trigger"] = trig;
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
    nlohmann::ordered_json em = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        em.push_back({{"year", r.years[d]},
                      {"mean", r.emissionsMean[d]},
                      {"p5", r.emissionsP5[d]},
                      {"p95", r.emissionsP95[d]}});
    j["emissions"] = em;
    nlohmann::ordered_json cc = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < r.years.size(); ++d)
        cc.push_back({{"year", r.years[d]},
                      {"p5", r.carbonCostNever[d].p5},
                      {"p50", r.carbonCostNever[d].p50},
                      {"p95", r.carbonCostNever[d].p95}});
    j["carbon_cost"] = cc;
    j["stages_not_valued"] = skipped;
    j["paths"] = r.paths;
    j["training_paths"] = r.trainingPaths;
    j["seconds"] = r.seconds;
    return j;
}

std::string money(double x) {
    std::ostringstream o;
    if (!std::isfinite(x)) return "n/a";
    o << std::fixed << std::setprecision(1) << x / 1e6 << " m";
    return o.str();
}

void printText(const cases::CaseFile& c, const InvestmentResult& r, const std::vector<std::string>& skipped) {
    std::ostream& o = std::cout;
    const std::string cur = c.valuation.currency;
    o << "Case " << c.name << (c.scenario.empty() ? "" : " (scenario " + c.scenario + ")") << ", "
      << r.paths << " paths (" << r.trainingPaths << " regression), " << std::fixed << std::setprecision(2)
      << r.seconds << " s\n";
    o << "Decision: " << toString(r.decision);
    if (r.technology >= 0) o << " in " << r.technologyNames[static_cast<std::size_t>(r.technology)];
    o << "\n\nValues (" << cur << " " << c.valuation.priceBaseYear << ", present value at "
      << c.valuation.startYear << "; +- one standard error)\n";
    auto line = [&](const std::string& name, const Estimate& e) {
        o << "  " << std::left << std::setw(28) << name << std::right << std::setw(14) << money(e.value)
          << "  +- " << money(e.stdError) << "\n";
    };
    line("option (flexible strategy)", r.optionValue);
    line("never invest", r.neverInvest);
    for (std::size_t i = 0; i < r.npvNow.size(); ++i) line("invest now: " + r.technologyNames[i], r.npvNow[i]);
    if (std::isfinite(r.closeNow.value)) line("close now", r.closeNow);
    line("value of waiting", r.valueOfWaiting);
    o << "\nYear   P(invest) by technology";
    for (const auto& n : r.technologyNames) o << " | " << n;
    o << " | P(close) | CO2 trigger " << cur << "/t | E[emissions] Mt\n";
    for (std::size_t d = 0; d < r.years.size(); ++d) {
        o << r.years[d] << "  ";
        for (std::size_t i = 0; i < r.timing.size(); ++i) o << " " << std::setprecision(3) << r.timing[i][d];
        o << "  " << r.closeProbability[d] << "  ";
        if (std::isfinite(r.trigger[d])) o << std::setprecision(1) << r.trigger[d];
        else o << "-";
        o << "  " << std::setprecision(2) << r.emissionsMean[d] / 1e6 << "\n";
    }
    o << "P(never invest) = " << std::setprecision(3) << r.neverProbability << "\n";
    if (!skipped.empty()) {
        o << "Not valued (stages are not supported yet):";
        for (const auto& s : skipped) o << " " << s;
        o << "\n";
    }
}

/// Writes results.json and the CSV tables into a fresh sibling directory, then moves them into DIR,
/// so a failure before this point leaves DIR untouched.
void writeOut(const std::string& dir, const nlohmann::ordered_json& j, const InvestmentResult& r,
              const std::string& currency) {
    namespace fs = std::filesystem;
    const fs::path target(dir);
    const fs::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    auto file = [&](const std::string& name) {
        std::ofstream f(tmp / name);
        KP_REQUIRE(static_cast<bool>(f), "--out: cannot write ", (tmp / name).string());
        f << std::setprecision(10);
        return f;
    };
    file("results.json") << j.dump(2) << '\n';
    {
        auto f = file("npv_now.csv");
        f << "technology,npv_now_" << currency << ",std_error_" << currency << "\n";
        for (std::size_t i = 0; i < r.npvNow.size(); ++i)
            f << r.technologyNames[i] << "," << r.npvNow[i].value << "," << r.npvNow[i].stdError << "\n";
        f << "never_invest," << r.neverInvest.value << "," << r.neverInvest.stdError << "\n";
        f << "option_value," << r.optionValue.value << "," << r.optionValue.stdError << "\n";
        f << "value_of_waiting," << r.valueOfWaiting.value << "," << r.valueOfWaiting.stdError << "\n";
    }
    {
        auto f = file("timing.csv");
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
        auto f = file("trigger.csv");
        f << "year,co2_trigger_" << currency << "_per_tco2\n";
        for (std::size_t d = 0; d < r.years.size(); ++d)
            f << r.years[d] << "," << (std::isfinite(r.trigger[d]) ? std::to_string(r.trigger[d]) : "") << "\n";
    }
    {
        auto f = file("emissions.csv");
        f << "year,mean_tco2,p5_tco2,p95_tco2\n";
        for (std::size_t d = 0; d < r.years.size(); ++d)
            f << r.years[d] << "," << r.emissionsMean[d] << "," << r.emissionsP5[d] << "," << r.emissionsP95[d] << "\n";
    }
    {
        auto f = file("carbon_cost.csv");
        f << "year,p5_" << currency << ",p50_" << currency << ",p95_" << currency << "\n";
        for (std::size_t d = 0; d < r.years.size(); ++d)
            f << r.years[d] << "," << r.carbonCostNever[d].p5 << "," << r.carbonCostNever[d].p50 << ","
              << r.carbonCostNever[d].p95 << "\n";
    }
    std::error_code ec;
    if (!fs::exists(target) || (fs::is_directory(target) && fs::is_empty(target))) {
        fs::remove(target, ec);
        fs::rename(tmp, target, ec);
        if (!ec) return;
    }
    fs::create_directories(target);
    for (const auto& e : fs::directory_iterator(tmp)) fs::rename(e.path(), target / e.path().filename());
    fs::remove_all(tmp);
}

int runValue(const ValueOptions& v) {
    cases::LoadOptions lo;
    lo.overrides = v.sets;
    lo.scenario = v.scenario;
    const cases::CaseFile c = cases::loadCaseFile(v.casePath, lo);
    const InvestmentProblem pr = toInvestmentProblem(c);
    std::vector<std::string> skipped;
    for (const auto& t : c.options)
        if (!t.requiresOption.empty()) skipped.push_back(t.name);
    InvestmentSettings s;
    s.paths = v.paths.value_or(c.simulation.paths);
    KP_REQUIRE(s.paths >= 2, "--paths is ", s.paths, ", but must be at least 2");
    s.trainingPaths = c.simulation.trainingPaths;
    s.seed = v.seed.value_or(c.simulation.seed);
    KP_REQUIRE(s.seed != 0, "--seed is 0, but must be non-zero");
    s.threads = v.threads.value_or(c.simulation.threads);
    s.basis = parseBasisType(c.simulation.basis);
    s.degree = c.simulation.degree;
    s.antithetic = c.simulation.antithetic;
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "--paths is ", s.paths,
               ", but must be even with antithetic sampling (simulation.antithetic)");
    KP_REQUIRE(s.basis != BasisType::Spline, c.path, ": simulation.basis is spline, but must be monomial or "
               "laguerre for the valuation (the spline basis takes one feature)");
    InvestmentLsm engine;
    const InvestmentResult r = engine.value(pr, s);
    const auto j = toJson(c, r, skipped);
    if (!v.out.empty()) writeOut(v.out, j, r, c.valuation.currency);
    if (v.json) std::cout << j.dump() << '\n';
    else printText(c, r, skipped);
    return 0;
}

}  // namespace

void addValueCommand(CLI::App& app, Action& action) {
    static ValueOptions v;
    auto* c = app.add_subcommand("value", "Value a case file: invest now, wait or close (LSM)");
    c->add_option("case", v.casePath, "Case file (YAML, see docs/case-file.md)")->required();
    c->add_option("--scenario", v.scenario, "Scenario preset (stabilisation, relocation, innovation-hubs, "
                                            "accelerated) or a scenario .yaml");
    c->add_option("--paths", v.paths, "Pricing paths (default: the case's simulation.paths)");
    c->add_option("--seed", v.seed, "Random seed, non-zero (default: the case's)");
    c->add_option("--threads", v.threads, "Threads, 0 = all cores (default: the case's)");
    c->add_option("--set", v.sets, "Override a case field: dotted.path=value (repeatable)");
    c->add_option("--out", v.out, "Write results.json and CSV tables into this directory");
    c->add_flag("--json", v.json, "Print one JSON object on stdout");
    c->callback([&action] { action = [] { return runValue(v); }; });
}

}  // namespace kp::app
