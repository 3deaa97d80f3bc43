#pragma once
/// \file synthetic_problem.hpp
/// The synthetic investment problem of the engine's suites (investment_lsm_test,
/// investment_upper_bound_test): a plant of 1 Mt/yr emitting 1.5 tCO2/t, carbon-cost driven, with two
/// low-carbon options (b needs a grid arriving in 2030), a closure and, optionally, a stage on a
/// (switching a to hydrogen). The CO2 price is a GBM (drift `mu`, vol `vol`); every other price is
/// constant. Figures are illustrative test inputs, not data.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kp/engine/investment_lsm.hpp"
#include "kp/models/gbm.hpp"
#include "kp/models/model_set.hpp"

namespace kp::testing {

struct Synthetic {
    double co2 = 60, mu = 0.06, vol = 0.0;
    double capexA = 6.0e8, capexB = 9.0e8;
    int horizon = 30;
    bool withClose = true;
    int latestDecisionYear = 2050;  ///< of both technologies
    int closeLatestYear = 2055;
    bool withStage = false;         ///< a_h2: a switched to hydrogen (hydrogen at 60 EUR/MWh)

    kp::InvestmentProblem make() const {
        kp::InvestmentProblem p;
        p.factors = std::make_shared<kp::ModelSet>(
            std::vector<kp::ModelPtr>{std::make_shared<kp::Gbm>(kp::GbmParams{co2, mu, 0.0, vol})},
            Eigen::MatrixXd::Identity(1, 1));
        p.project.co2 = kp::PriceSource::state(0);
        p.project.gas = kp::PriceSource::fixed(30);
        p.project.power = kp::PriceSource::fixed(70);
        p.project.product = kp::PriceSource::fixed(500);
        p.project.startYear = 2026;
        p.project.horizonYears = horizon;
        for (int k = 0; k < horizon; ++k) p.project.discount.push_back(std::pow(1.07, -k));
        p.project.plant.outputTPerYear = 1e6;
        p.project.plant.emissionIntensity = 1.5;
        p.project.plant.gasMwhPerT = 2.0;
        p.project.plant.feedstockCostPerT = 250;
        p.project.plant.fixedCost = 5e7;
        p.project.plant.remainingLifeYears = horizon;
        kp::TechnologyOption a;
        a.tech.name = "a";
        a.tech.capex = capexA;
        a.tech.powerMwhPerT = 1.0;
        a.tech.feedstockCostPerT = 260;
        a.tech.fixedOpex = 5e7;
        a.tech.emissionIntensity = 0.3;
        a.tech.constructionYears = 2;
        a.tech.lifetimeYears = 40;
        a.tech.earliestDecisionYear = 2026;
        a.tech.latestDecisionYear = latestDecisionYear;
        kp::TechnologyOption b = a;
        b.tech.name = std::string("b");  // not = "b": GCC 12 -Wrestrict false positive (bug 105329)
        b.tech.capex = capexB;
        b.tech.powerMwhPerT = 1.8;
        b.tech.emissionIntensity = 0.05;
        b.tech.constructionYears = 3;
        b.tech.earliestDecisionYear = 2028;
        p.project.technologies = {a, b};
        p.arrivals = {kp::ArrivalDistribution::fixed(2030)};
        p.project.infrastructureNames = {"grid"};
        p.project.technologies[1].infrastructure = {0};
        if (withClose) p.project.exits.push_back({"close", 2e8, 4e8, 2026, closeLatestYear});
        if (withStage) {
            p.project.hydrogen = kp::PriceSource::fixed(60);
            kp::StageOption st;
            st.parent = 0;
            st.option.tech = a.tech;
            st.option.tech.name = std::string("a_h2");
            st.option.tech.capex = 1.5e8;  // incremental
            st.option.tech.powerMwhPerT = 0.8;
            st.option.tech.hydrogenMwhPerT = 0.6;
            st.option.tech.emissionIntensity = 0.05;
            st.option.tech.constructionYears = 1;
            st.option.tech.earliestDecisionYear = 2030;
            st.option.tech.latestDecisionYear = latestDecisionYear;
            st.option.tech.requiresOption = std::string("a");
            p.project.stages = {st};
        }
        return p;
    }
};

}  // namespace kp::testing
