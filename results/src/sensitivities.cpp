#include "kp/results/sensitivities.hpp"

#include <cmath>
#include <limits>

#include "kp/results/json.hpp"
#include "kp/cases/scenario.hpp"
#include "kp/core/errors.hpp"

namespace kp::results {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Adjusts one factor through the scenario machinery (the same level and volatility rules as the
/// presets, docs/case-file.md), keeping the case's scenario name.
void adjustFactor(cases::CaseFile& c, const char* factor, double levelScale, double volScale) {
    cases::Scenario s;
    s.name = c.scenario;
    s.file = "sensitivity bump";
    s.factors[factor] = cases::FactorAdjustment{levelScale, 0.0, volScale};
    cases::applyScenario(c, s);
}

// Relative bumps of 10% and an absolute 1 percentage point for the rate: large enough for the
// change to stand well above its standard error at the default paths, small enough to stay local.
constexpr double kUp = 1.10;

}  // namespace

std::vector<Bump> standardBumps(const cases::CaseFile& c) {
    std::vector<Bump> b;
    auto stochastic = [&](const char* name) {
        const cases::Factor* f = c.factor(name);
        return f && f->model != cases::FactorModel::Constant && f->model != cases::FactorModel::Derived;
    };
    b.push_back({"co2_level", "+10% CO2 price level", [](cases::CaseFile& x) { adjustFactor(x, "co2", kUp, 1.0); }});
    if (stochastic("co2"))
        b.push_back({"co2_vol", "+10% CO2 volatility (relative)", [](cases::CaseFile& x) { adjustFactor(x, "co2", 1.0, kUp); }});
    if (c.factor("gas"))
        b.push_back({"gas_level", "+10% gas price level", [](cases::CaseFile& x) { adjustFactor(x, "gas", kUp, 1.0); }});
    if (c.factor("power"))
        b.push_back({"power_level", "+10% power price level (derived hydrogen too)",
                     [](cases::CaseFile& x) { adjustFactor(x, "power", kUp, 1.0); }});
    if (c.factor("hydrogen"))
        b.push_back({"hydrogen_level", "+10% hydrogen price level",
                     [](cases::CaseFile& x) { adjustFactor(x, "hydrogen", kUp, 1.0); }});
    if (c.factor("product"))
        b.push_back({"product_level", "+10% product price level",
                     [](cases::CaseFile& x) { adjustFactor(x, "product", kUp, 1.0); }});
    b.push_back({"capex", "+10% capex of every option", [](cases::CaseFile& x) {
                     for (auto& o : x.options) o.capex *= kUp;
                 }});
    b.push_back({"discount_rate", "+1 percentage point on the discount rate", [](cases::CaseFile& x) {
                     for (auto& [year, r] : x.valuation.discount.zeroRates) r += 0.01;
                 }});
    b.push_back({"subsidy", "+10% SDE++ amounts and capital-grant shares", [](cases::CaseFile& x) {
                     cases::Scenario s;
                     s.name = x.scenario;
                     s.file = "sensitivity bump";
                     s.sdeScale = kUp;
                     s.grantShareScale = kUp;
                     cases::applyScenario(x, s);
                 }});
    return b;
}

int bestNowTechnology(const InvestmentResult& r) {
    int best = -1;
    // a technology that decarbonises the plant: not a reline, mothballing or a pilot beside it
    for (std::size_t j = 0; j < r.npvNow.size(); ++j)
        if (std::isfinite(r.npvNow[j].value) && !(j < r.relines.size() && r.relines[j]) &&
            !(j < r.mothballs.size() && r.mothballs[j]) && !(j < r.alongside.size() && r.alongside[j]) &&
            (best < 0 || r.npvNow[j].value > r.npvNow[static_cast<std::size_t>(best)].value))
            best = static_cast<int>(j);
    return best;
}

std::vector<Sensitivity> sensitivities(const cases::CaseFile& c, const InvestmentSettings& settings,
                                       InvestmentLsm& engine, const std::vector<InvestmentRule>& rules, const PathValues& base,
                                       int technology, PricingObserver* observer) {
    std::vector<Sensitivity> out;
    const std::size_t n = settings.paths;
    KP_REQUIRE(base.paths() == n, "sensitivities: the base run has ", base.paths(), " paths, but must have ", n);
    for (const Bump& b : standardBumps(c)) {
        cases::CaseFile bumped = c;
        b.apply(bumped);
        const InvestmentProblem pr = cases::toInvestmentProblem(bumped);
        PathValues pv(n, pr, false, observer);
        (void)engine.price(pr, rules, settings, &pv);
        Sensitivity s{b.name, b.bump, pathDifference(pv.option(), base.option(), n, settings.antithetic),
                      {kNaN, kNaN}};
        if (technology >= 0) {
            const auto j = static_cast<std::size_t>(technology);
            s.npvNow = pathDifference(pv.npvNow(j), base.npvNow(j), n, settings.antithetic);
        }
        out.push_back(s);
    }
    return out;
}

nlohmann::ordered_json sensitivitiesJson(const std::vector<Sensitivity>& s) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& x : s)
        a.push_back({{"name", x.name},
                     {"bump", x.bump},
                     {"option_value", estimateJson(x.optionValue)},
                     {"npv_now", estimateJson(x.npvNow)}});
    return a;
}

}  // namespace kp::results
