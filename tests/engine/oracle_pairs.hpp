#pragma once
//! \brief One-factor investment problems built twice, for the engine (kp::InvestmentProblem) and
//! for the exact grid oracle (kp::investmentOracle) from the same plant, technologies, policy,
//! factor and grid, so that the oracle is the exact value of the engine's own discretised problem.
//! The oracle's callables use the project's scalar kp::yearCashFlow (independent of the
//! instrument's vectorised cash flows). What the pair cannot hold: a levy (its reference price is
//! the CO2 price a year earlier, a second state), learning, stochastic arrival dates, stages.

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kp/engine/investment_lsm.hpp"
#include "kp/instruments/plant.hpp"
#include "kp/models/exp_ou.hpp"
#include "kp/models/gbm.hpp"
#include "kp/oracles/investment_oracle.hpp"

namespace kp::test {

/// The CO2 price: GBM (spot, drift, vol) or exponential OU (spot, kappa, sigma, log-level).
struct Co2Factor {
    bool ou = false;
    double spot = 80, drift = 0.0, vol = 0.3;
    double kappa = 0.3, level = std::log(100.0);
};

/// A plant with its options, on one factor (the CO2 price); every other price constant.
struct OneFactorCase {
    std::string name;
    int startYear = 2026, horizonYears = 40, periodsPerYear = 1;
    double rate = 0.05;  ///< flat discount rate (continuously compounded)
    Co2Factor co2;
    double gas = 30, power = 70, hydrogen = 0, product = 0;
    Plant plant;
    Policy policy;
    std::vector<Technology> technologies;
    std::vector<int> infrastructureYear;  ///< per technology: the year its infrastructure arrives (<= start: none)
    std::vector<ExitOption> exits;
    std::vector<double> kinks;             ///< CO2 prices where a cash flow has a kink (subsidy floor, cap)

    YearPrices prices(double x) const {
        YearPrices y;
        y.co2 = y.co2Reference = x;
        y.gas = gas, y.power = power, y.hydrogen = hydrogen, y.product = product;
        return y;
    }
    int periods() const { return horizonYears * periodsPerYear; }
    double discount(int k) const { return std::exp(-rate * k / static_cast<double>(periodsPerYear)); }

    InvestmentProblem engine() const {
        InvestmentProblem p;
        ModelPtr m;
        if (co2.ou) m = std::make_shared<ExpOu>(ExpOuParams{co2.spot, co2.kappa, co2.vol, {0.0}, {co2.level}});
        else m = std::make_shared<Gbm>(GbmParams{co2.spot, co2.drift, 0.0, co2.vol});
        p.factors = std::make_shared<ModelSet>(std::vector<ModelPtr>{m}, Eigen::MatrixXd::Identity(1, 1));
        InvestmentProject& q = p.project;
        q.co2 = PriceSource::state(0);
        q.gas = PriceSource::fixed(gas), q.power = PriceSource::fixed(power);
        q.hydrogen = PriceSource::fixed(hydrogen), q.product = PriceSource::fixed(product);
        q.startYear = startYear, q.horizonYears = horizonYears, q.periodsPerYear = periodsPerYear;
        for (int k = 0; k < periods(); ++k) q.discount.push_back(discount(k));
        q.plant = plant, q.policy = policy;
        for (std::size_t j = 0; j < technologies.size(); ++j) {
            TechnologyOption o;
            o.tech = technologies[j];
            if (infrastructureYear[j] > startYear) {
                o.infrastructure = {p.arrivals.size()};
                q.infrastructureNames.push_back(o.tech.name + ".infrastructure");
                p.arrivals.push_back(ArrivalDistribution::fixed(infrastructureYear[j]));
            }
            q.technologies.push_back(o);
        }
        q.exits = exits;
        return p;
    }

    InvestmentOracleProblem oracle() const {
        InvestmentOracleProblem o;
        const int P = periodsPerYear, H = periods();
        o.periods = H;
        o.periodsPerYear = P;
        o.factor = co2.ou ? OracleFactor::expOu(co2.spot, co2.kappa, co2.vol, {co2.level})
                          : OracleFactor::gbm(co2.spot, co2.drift, 0.0, co2.vol);
        for (int k = 0; k < H; ++k) o.discount.push_back(discount(k));
        const OneFactorCase c = *this;
        o.carryOn = [c, P](int k, double x) {
            if (k >= c.plant.remainingLifeYears * P) return 0.0;
            return yearCashFlow(c.plant, nullptr, c.policy, c.startYear + k / P, 0, c.prices(x)).net / P;
        };
        for (std::size_t j = 0; j < technologies.size(); ++j) {
            const Technology& t = technologies[j];
            OracleTechnology ot;
            ot.name = t.name;
            ot.cashFlow = [c, t, P](int k, int m, double x) {
                return yearCashFlow(c.plant, &t, c.policy, c.startYear + k / P, m / P, c.prices(x)).net / P;
            };
            ot.headPeriods = t.sde ? t.sde->years * P : 0;
            ot.capex = {t.capex - t.grant.amount(t.capex)};
            ot.constructionPeriods = t.constructionYears * P;
            ot.lifetimePeriods = t.lifetimeYears * P;
            ot.firstDecision = std::max(0, (t.earliestDecisionYear - startYear) * P);
            ot.lastDecision = std::min(H - 1, (t.latestDecisionYear - startYear) * P + P - 1);
            ot.infrastructurePeriod = std::max(0, (infrastructureYear[j] - startYear) * P);
            o.technologies.push_back(ot);
        }
        for (const ExitOption& e : exits)
            o.exits.push_back({e.name, e.value - e.cost, std::max(0, (e.earliestYear - startYear) * P),
                               std::min(H - 1, (e.latestYear - startYear) * P + P - 1)});
        o.kinks = kinks;
        return o;
    }
};

/// A plant of 1 Mt/yr emitting 1 tCO2/t that buys every allowance (no free allocation), with a
/// product price that covers its other costs: its cash flow falls one-for-one with the CO2 price.
inline OneFactorCase emitter(const std::string& name) {
    OneFactorCase c;
    c.name = name;
    c.product = 400;
    c.plant.outputTPerYear = 1e6;
    c.plant.emissionIntensity = 1.0;
    c.plant.feedstockCostPerT = 200;
    c.plant.fixedCost = 2e7;
    c.plant.remainingLifeYears = c.horizonYears;
    return c;
}

/// A CCS retrofit capturing 90% of the emissions for a fixed opex and a transport-and-storage
/// tariff: investing saves 0.9 x CO2 a tonne, so its value is linear in the CO2 price (a
/// McDonald-Siegel problem in the CO2 price).
inline Technology ccs(const std::string& name, double capex, int construction, int first, int last) {
    Technology t;
    t.name = name;
    t.capex = capex;
    t.retrofit = true;
    t.captureRate = 0.9;
    t.tsTariff = 20;
    t.fixedOpex = 1e7;
    t.constructionYears = construction;
    t.lifetimeYears = 25;
    t.earliestDecisionYear = first;
    t.latestDecisionYear = last;
    return t;
}

/// The seven one-factor problems of the oracle agreement tests (oracle_agreement_test.cpp says what
/// each one checks).
inline std::vector<OneFactorCase> oracleFamily() {
    std::vector<OneFactorCase> v;
    {
        auto c = emitter("ccs_linear");
        c.technologies = {ccs("ccs", 6e8, 0, 2026, 2055)};
        c.infrastructureYear = {0};
        v.push_back(c);
    }
    {
        auto c = emitter("ccs_lag3");
        c.technologies = {ccs("ccs", 6e8, 3, 2026, 2055)};
        c.infrastructureYear = {0};
        v.push_back(c);
    }
    {
        auto c = emitter("ccs_late_infra");
        c.technologies = {ccs("ccs", 6e8, 1, 2026, 2055)};
        c.infrastructureYear = {2032};
        v.push_back(c);
    }
    {
        auto c = emitter("ccs_drift");
        c.co2.drift = 0.04;
        c.technologies = {ccs("ccs", 6e8, 0, 2026, 2055)};
        c.infrastructureYear = {0};
        v.push_back(c);
    }
    {
        auto c = emitter("ccs_ou");
        c.co2.ou = true;
        c.technologies = {ccs("ccs", 6e8, 0, 2026, 2055)};
        c.infrastructureYear = {0};
        v.push_back(c);
    }
    {
        auto c = emitter("three_tech");
        auto a = ccs("ccs", 6e8, 0, 2026, 2055);
        kp::Technology e;
        e.name = std::string("electric");
        e.capex = 1.2e9, e.powerMwhPerT = 2.0, e.feedstockCostPerT = 200, e.fixedOpex = 2e7;
        e.emissionIntensity = 0.1, e.constructionYears = 2, e.lifetimeYears = 25;
        e.earliestDecisionYear = 2026, e.latestDecisionYear = 2055;
        kp::Technology h = e;
        h.name = std::string("hydrogen");
        h.capex = 8e8, h.powerMwhPerT = 0.5, h.hydrogenMwhPerT = 1.5, h.emissionIntensity = 0.2;
        c.hydrogen = 90;
        c.technologies = {a, e, h};
        c.infrastructureYear = {0, 0, 2030};
        c.exits.push_back({"close", 1e8, 3e8, 2026, 2065});
        v.push_back(c);
    }
    {
        auto c = emitter("sde_nonlinear");
        auto a = ccs("ccs", 6e8, 2, 2026, 2055);
        kp::SdeSubsidy sde;
        sde.baseAmount = 150, sde.basePrice = 40, sde.co2Coef = 1.0, sde.years = 15;
        a.sde = sde;
        c.technologies = {a};
        c.infrastructureYear = {0};
        c.kinks = {40.0, 150.0};
        v.push_back(c);
    }
    return v;
}

}  // namespace kp::test
