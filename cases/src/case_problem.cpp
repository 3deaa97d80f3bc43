// The case -> engine conversion (case_problem.hpp).
#include "kp/cases/case_problem.hpp"

#include <algorithm>
#include <map>

#include "kp/core/errors.hpp"
#include "kp/models/gbm.hpp"

namespace kp::cases {

InvestmentSettings settingsFor(const CaseFile& c, const RunOverrides& o) {
    InvestmentSettings s;
    static_cast<McSettings&>(s) = c.simulation;
    s.paths = o.paths.value_or(s.paths);
    KP_REQUIRE(s.paths >= 2, "--paths is ", s.paths, ", but must be at least 2");
    s.seed = o.seed.value_or(s.seed);
    KP_REQUIRE(s.seed != 0, "--seed is 0, but must be non-zero");
    s.threads = o.threads.value_or(s.threads);
    KP_REQUIRE(!s.antithetic || s.paths % 2 == 0, "--paths is ", s.paths,
               ", but must be even with antithetic sampling (simulation.antithetic)");
    return s;
}

/// The engine's view of a checked case (see investment_problem.hpp for the grid and what is left out).
InvestmentProblem toInvestmentProblem(const CaseFile& c) {
    InvestmentProblem problem;
    InvestmentProject& pr = problem.project;
    pr.startYear = c.valuation.startYear;
    pr.horizonYears = c.valuation.horizonYears;
    pr.periodsPerYear = c.valuation.datesPerYear();
    for (int k = 0; k < pr.horizonYears * pr.periodsPerYear; ++k)
        pr.discount.push_back(c.valuation.discount.factor(static_cast<double>(k) / pr.periodsPerYear));
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
    problem.factors = set;

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
        const Factor* f = c.factor(name);
        if (!f) return PriceSource::fixed(0.0);
        if (f->model == FactorModel::Constant) return PriceSource::fixed(f->constant);
        if (f->model == FactorModel::Derived) {
            PriceSource ps;
            ps.kind = PriceSource::Kind::Derived;
            const Factor* from = c.factor(f->derivedFrom);
            KP_REQUIRE(from != nullptr, c.path, ": factors.", name, ".from: the factor is '", f->derivedFrom,
                       "', but must be a factor of the case");
            if (from->model == FactorModel::Constant) {
                ps.sourceState = false;
                ps.sourceConstant = from->constant;
            } else {
                ps.stateIndex = set->stateOffset(modelOf.at(from->name));
            }
            ps.efficiency = f->effectiveEfficiency();
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
        problem.arrivals.push_back(inf.arrival);
    }
    std::map<std::string, std::size_t> availability;  // maturity name -> arrival index
    for (const auto& mt : c.maturity)
        if (mt.available) {
            availability[mt.name] = problem.arrivals.size();
            pr.infrastructureNames.push_back(mt.name + ".available");
            problem.arrivals.push_back(*mt.available);
        }
    auto optionOf = [&](const Technology& t) {
        TechnologyOption o;
        o.tech = t;
        o.learningIndex = t.maturity.empty() ? -1 : learningIndex(t.maturity);
        for (const auto& name : t.infrastructure)
            for (std::size_t i = 0; i < c.infrastructure.size(); ++i)
                if (c.infrastructure[i].name == name) o.infrastructure.push_back(i);
        if (auto it = availability.find(t.maturity); it != availability.end())
            o.infrastructure.push_back(it->second);
        return o;
    };
    for (const auto& t : c.options)
        if (t.requiresOption.empty()) pr.technologies.push_back(optionOf(t));
    for (const auto& t : c.options) {  // stages, after their parents (the case loader checked the names)
        if (t.requiresOption.empty()) continue;
        StageOption st;
        st.option = optionOf(t);
        st.option.tech.requiresOption.clear();
        st.parent = pr.technologies.size();
        for (std::size_t j = 0; j < pr.technologies.size(); ++j)
            if (pr.technologies[j].tech.name == t.requiresOption) st.parent = j;
        KP_REQUIRE(st.parent < pr.technologies.size(), c.path, ": options.", t.name, ".requires: '",
                   t.requiresOption, "' is itself a stage, but a stage must follow a technology that is not one");
        pr.stages.push_back(st);
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
    if (c.valuation.afterHorizon) {
        // discount factors after the horizon, long enough for every life: the plant's remaining
        // life, or a technology decided in the last year, built and run for its lifetime or subsidy term
        int years = c.plant.remainingLifeYears;
        for (const auto& t : c.options)
            years = std::max(years, t.constructionYears + std::max(t.lifetimeYears, t.sde ? t.sde->years : 0));
        const int P = pr.periodsPerYear, H = pr.horizonYears * P;
        for (int k = H; k < H + years * P; ++k)
            pr.discountAfter.push_back(c.valuation.discount.factor(static_cast<double>(k) / P));
    }
    return problem;
}

}  // namespace kp::cases
